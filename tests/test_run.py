"""`curate run` on the seeds: the documents, the rejects and the manifest, end to end."""

import gzip
import hashlib
import json
import re
import shutil
from pathlib import Path

import opencc
import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.rules import Rules
from tests.fixtures import corpus_bytes, corpus_records

REPO = Path(__file__).resolve().parent.parent
GLUED_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff])[\(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]{1,6}[\)）]")
HALF_WIDTH = re.compile(r"(?<=[\u4e00-\u9fff])[,:;!?](?=[\u4e00-\u9fff])")
T2S = opencc.OpenCC("t2s")
# Characters of standard simplified Chinese that t2s still rewrites: 昇 as in 昇腾 (Ascend).
SIMPLIFIED_THAT_T2S_REWRITES = str.maketrans("", "", "".join(Rules().lines("simplified_kept.txt")))


def run_cli(*args: str, epoch: str = "1767225600"):
    runner = CliRunner()
    return runner.invoke(main, list(args), env={"SOURCE_DATE_EPOCH": epoch},
                         catch_exceptions=False)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    result = run_cli("run", str(REPO / "seeds"), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out, corpus_records(out, "documents"), corpus_records(out, "rejects")


def by_seed(docs: list[dict], prefix: str) -> list[dict]:
    return [d for d in docs if Path(d["provenance"]["file"]).name.startswith(prefix)]


def test_seeds_give_exactly_seven_documents(seed_run):
    _, docs, _ = seed_run
    parts = [(Path(d["provenance"]["file"]).name[:3], d["provenance"]["part"]) for d in docs]
    assert parts == [("000", 0), ("001", 0), ("002", 0), ("003", 0),
                     ("004", 0), ("004", 1), ("004", 2)]


def test_output_is_simplified_without_pinyin_or_half_width_punctuation(seed_run):
    _, docs, _ = seed_run
    for doc in docs:
        text = doc["text"]
        bare = text.translate(SIMPLIFIED_THAT_T2S_REWRITES)
        assert T2S.convert(bare) == bare, doc["provenance"]["file"]
        assert not GLUED_PINYIN.search(text)
        assert not HALF_WIDTH.search(text)
        assert "「" not in text and "」" not in text
        assert doc["metadata"]["lang"] == "zh"


def test_traditional_seed_with_glued_pinyin_comes_out_clean(seed_run):
    _, docs, _ = seed_run
    (doc,) = by_seed(docs, "001")
    assert doc["metadata"]["title"] == "补位英伟达！国产AI芯片的破茧之战"
    assert doc["created"] == "2025-06-16T10:11:00"
    assert doc["text"].startswith("美国政府层层加码的AI芯片出口管制，正在改写全球半导体产业格局。")
    assert "(688256.SH)" in doc["text"] and "(BIS)" in doc["text"]
    assert not doc["text"].endswith("热新闻")
    assert "免责声明" not in doc["text"]


def test_parentheses_that_are_not_pinyin_stay(seed_run):
    _, docs, _ = seed_run
    (doc,) = by_seed(docs, "003")
    assert "(ID:wujicaijing)" in doc["text"]
    assert "(Scaling Law)" in doc["text"]
    assert doc["text"].startswith("“我们可能无法全部恢复先前的库存减计损失")


def test_metadata_header_of_seed_000(seed_run):
    _, docs, _ = seed_run
    (doc,) = by_seed(docs, "000")
    meta = doc["metadata"]
    assert (meta["title"], meta["site"], meta["author"]) == (
        "英伟达芯片一片难求，国产替代趁势崛起", "市界", "董温淑")
    assert meta["url"] == "https://www.aicaijing.com.cn/article/18786"
    assert doc["created"] == "2023-10-20T05:06:00"
    assert "![" not in doc["text"] and "**" not in doc["text"]


def test_spun_articles_are_flagged_and_repaired(seed_run):
    _, docs, _ = seed_run
    for doc in docs:
        spun = Path(doc["provenance"]["file"]).name.startswith("004")
        assert ("spun" in doc["metadata"]["flags"]) == spun
        assert isinstance(doc["metadata"]["spin_score"], float)
    first, _, third = by_seed(docs, "004")
    assert "天数智芯创始人李云鹏" in first["text"]
    assert "《第一财经》" in third["text"]
    repairs = {(e["text"], e["replacement"]) for e in first["provenance"]["edits"]
               if e["step"] == "repair_spin" and e["action"] == "replace"}
    assert ("开创人", "创始人") in repairs


def test_every_removed_span_is_in_the_rejects_with_its_reason(seed_run):
    _, docs, rejects = seed_run
    spans = [r for r in rejects if r["kind"] == "span"]
    removed = [e for d in docs for e in d["provenance"]["edits"] if e["action"] == "remove"]
    assert len(spans) == len(removed)
    spam = next(r for r in spans if r["reason"]["rule"] == "spam-header")
    assert spam["text"].startswith("国产欧美日韩在线观看_")
    assert spam["provenance"]["line"] == 1
    assert spam["reason"]["why"]


def test_manifest_accounts_for_every_document(seed_run):
    out, docs, rejects = seed_run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    counts = manifest["counts"]
    assert counts["read"] == 5 and counts["documents"] == 7
    assert counts["kept"] + counts["rejected"] == counts["documents"]
    assert counts["kept"] == len(docs)
    assert [f["sha256"] for f in manifest["files"]] == [
        d["provenance"]["sha256"] for d in docs[:5]]
    assert manifest["rules"]["digest"] == docs[0]["provenance"]["rules"]


def test_same_input_gives_byte_identical_output(seed_run, tmp_path):
    out, _, _ = seed_run
    run_cli("run", str(REPO / "seeds"), "-o", str(tmp_path))
    assert corpus_bytes(tmp_path) == corpus_bytes(out)


def test_the_same_dump_twice_keeps_one_copy_of_each_document(tmp_path):
    result = run_cli("run", str(REPO / "seeds"), str(REPO / "seeds"), "-o", str(tmp_path))
    assert result.exit_code == 0
    docs = corpus_records(tmp_path, "documents")
    dropped = [r for r in corpus_records(tmp_path, "rejects") if r["kind"] == "document"]
    assert len(docs) == 7 and len(dropped) == 7
    kept_ids = {d["id"] for d in docs}
    assert all(r["provenance"]["duplicate_of"] in kept_ids for r in dropped)
    assert {r["reason"]["rule"] for r in dropped} == {"exact-duplicate"}


def test_unreadable_input_is_reported_and_the_run_is_partial(tmp_path):
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "good.txt").write_text("国产替代的风潮悄然吹起，芯片股集体上涨，市场热情高涨。", encoding="utf-8")
    (dump / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    result = run_cli("run", str(dump), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"{dump}/bad.txt: " in result.output
    assert len(corpus_records(tmp_path / "out", "documents")) == 1


def test_quiet_prints_nothing_and_verbose_prints_each_file(tmp_path):
    quiet = run_cli("run", str(REPO / "seeds"), "-o", str(tmp_path / "q"), "--quiet")
    assert quiet.output == ""
    verbose = run_cli("run", str(REPO / "seeds"), "-o", str(tmp_path / "v"), "--verbose")
    assert verbose.output.count(": 1 read,") == 5


def corpus_state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of a corpus folder with its bytes and mtime, but the index's lock files
    (created to lock, never written, and not part of the corpus)."""
    return {path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*")) if path.is_file() and path.name != "lock"}


def test_the_readme_command_in_the_repository_leaves_the_corpus_untouched(tmp_path,
                                                                         monkeypatch):
    monkeypatch.chdir(REPO)
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)  # copies keep their mtimes
    before = corpus_state(corpus)
    result = run_cli("run", "seeds", "-o", str(corpus))
    assert result.exit_code == 0, result.output
    assert result.output.endswith("7 already in corpus, 0 spans removed -> "
                                  f"{corpus} (7 documents; nothing new, the folder is "
                                  "unchanged)\n")
    assert corpus_state(corpus) == before


def test_the_manifest_keeps_every_run_that_changed_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    assert run_cli("run", str(REPO / "seeds"), "-o", str(corpus)).exit_code == 0
    assert run_cli("run", str(REPO / "seeds"), "-o", str(corpus)).exit_code == 0  # adds nothing
    dump = tmp_path / "later.txt"
    dump.write_text("国产替代的风潮悄然吹起，芯片股集体上涨，市场热情高涨，成交额创下年内新高。",
                    encoding="utf-8")
    assert run_cli("run", str(dump), "-o", str(corpus), epoch="1767312000").exit_code == 0
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    first, second = manifest["runs"]
    seeds = sorted((REPO / "seeds").iterdir())
    listing = "".join(f"{REPO / 'seeds' / p.name}\t{hashlib.sha256(p.read_bytes()).hexdigest()}\n"
                      for p in seeds)
    assert first["inputs"] == [{"path": str(REPO / "seeds"), "files": 5,
                                "sha256": hashlib.sha256(listing.encode()).hexdigest()}]
    assert (first["created"], first["counts"]["kept"], first["counts"]["files"]) == (
        "2026-01-01T00:00:00Z", 7, 5)
    assert second["inputs"] == [{"path": str(dump), "files": 1,
                                 "sha256": hashlib.sha256(dump.read_bytes()).hexdigest()}]
    assert (second["created"], second["counts"]["kept"], second["counts"]["corpus_documents"]) \
        == ("2026-01-02T00:00:00Z", 1, 8)
    assert first["curate"] == second["curate"] == manifest["curate"]
    assert first["rules"] == second["rules"] == manifest["rules"]["digest"]
    assert manifest["inputs"] == second["inputs"]  # the top level describes the last run


def test_a_manifest_written_before_the_history_stands_for_one_run(tmp_path):
    corpus = tmp_path / "corpus"
    assert run_cli("run", str(REPO / "seeds"), "-o", str(corpus)).exit_code == 0
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    del manifest["runs"]
    manifest["inputs"] = [str(REPO / "seeds")]
    (corpus / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    dump = tmp_path / "later.txt"
    dump.write_text("国产替代的风潮悄然吹起，芯片股集体上涨，市场热情高涨，成交额创下年内新高。",
                    encoding="utf-8")
    assert run_cli("run", str(dump), "-o", str(corpus)).exit_code == 0
    runs = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["runs"]
    assert [run["inputs"][0]["path"] for run in runs] == [str(REPO / "seeds"), str(dump)]
    assert runs[0]["counts"]["kept"] == 7 and runs[0]["inputs"][0]["sha256"] is None


def test_a_wrong_text_field_stops_the_run_at_once_naming_the_fields_found(tmp_path):
    dump = tmp_path / "crawl.jsonl"
    seed = (REPO / "seeds" / "002_55e01951235b3562.txt").read_text(encoding="utf-8")
    dump.write_text("".join(json.dumps({"content": seed, "url": f"https://example.cn/{n}",
                                        "title": "国产芯片"}, ensure_ascii=False) + "\n"
                            for n in range(120)), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("run", str(dump), "-o", str(out))
    assert result.exit_code == 2
    assert (f"{dump}:1-5: no string field 'text' in the first 5 records; their fields are "
            "'content', 'url', 'title': name the text with --text-field (or [jsonl] "
            "text_field)") in result.output
    assert "warning" not in result.output
    assert not (out / "manifest.json").exists()
    assert run_cli("run", str(dump), "-o", str(out), "--text-field", "content").exit_code == 0


def test_a_record_or_two_without_the_text_field_are_rejected_and_the_run_goes_on(tmp_path):
    dump = tmp_path / "crawl.jsonl"
    rows = [{"text": "国产替代的风潮悄然吹起，芯片股集体上涨，市场热情高涨，成交额创下年内新高。"},
            {"body": "无正文"}]
    dump.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    result = run_cli("run", str(dump), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"{dump}:2: no string field 'text' (set it with --text-field); sent to rejects" \
        in result.output


def test_a_dash_reads_standard_input_whatever_it_holds(tmp_path):
    seed = REPO / "seeds" / "002_55e01951235b3562.txt"
    text = run_cli_input(["run", "-", "-o", str(tmp_path / "text")], seed.read_bytes())
    assert text.exit_code == 0, text.output
    (doc,) = corpus_records(tmp_path / "text", "documents")
    assert doc["provenance"]["file"] == "<stdin>" and doc["source"] == "stdin"
    assert doc["provenance"]["sha256"] == hashlib.sha256(seed.read_bytes()).hexdigest()
    line = json.dumps({"content": seed.read_text(encoding="utf-8")}, ensure_ascii=False)
    dump = gzip.compress((line + "\n").encode("utf-8"))
    jsonl = run_cli_input(["run", "-", "-o", str(tmp_path / "jsonl"), "--text-field",
                           "content"], dump)
    assert jsonl.exit_code == 0, jsonl.output
    (record,) = corpus_records(tmp_path / "jsonl", "documents")
    assert record["provenance"]["file"] == "<stdin>.jsonl.gz"
    assert record["text"] == doc["text"]
    manifest = json.loads((tmp_path / "jsonl" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"] == [{"path": "-", "files": 1,
                                   "sha256": hashlib.sha256(dump).hexdigest()}]


def run_cli_input(args: list[str], data: bytes):
    return CliRunner().invoke(main, args, input=data, env={"SOURCE_DATE_EPOCH": "1767225600"},
                              catch_exceptions=False)
