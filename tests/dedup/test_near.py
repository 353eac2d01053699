"""Near-duplicates in runs: documents and passages, against the corpus built so far."""

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from curate.cli import main
from curate.dedup.minhash import jaccard, shingles
from curate.dedup.near import Item, NearDuplicateFilter
from curate.storage import DOCUMENTS
from tests.fixtures import SEEDS, corpus_bytes, corpus_records, seed_text


def run(*args: str):
    result = CliRunner().invoke(main, ["run", *args, "--quiet"],
                                env={"SOURCE_DATE_EPOCH": "1767225600"}, catch_exceptions=False)
    return result


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def dropped(corpus: Path) -> list[dict]:
    return [r for r in corpus_records(corpus, "rejects") if r["kind"] == "document"]


def republished_000(date: str) -> str:
    """Seed 000 under another site's header and date, its fourth body paragraph left out."""
    body = seed_text("000").split("\n")
    del body[17]
    return "\n".join(["# 英伟达芯片一片难求，国产替代趁势崛起", "", "**转载网**", "", f"**{date}**",
                      *body[7:]])


def test_republished_copy_is_dropped_with_the_kept_copy_and_similarity(tmp_path):
    dump = tmp_path / "dump"
    dump.mkdir()
    shutil.copy(next(SEEDS.glob("000_*.txt")), dump / "a.txt")
    (dump / "b.md").write_text(republished_000("2023-10-21 08:00"), encoding="utf-8")
    assert run(str(dump), "-o", str(tmp_path / "out")).exit_code == 0
    (copy,) = dropped(tmp_path / "out")
    (kept,) = corpus_records(tmp_path / "out")
    assert copy["provenance"]["file"].endswith("b.md")
    assert copy["reason"]["rule"] == "near-duplicate"
    assert copy["provenance"]["duplicate_of"] == copy["provenance"]["cluster"] == kept["id"]
    assert 0.8 <= copy["provenance"]["similarity"] < 1.0


def test_the_earlier_publication_is_the_copy_kept(tmp_path):
    dump = tmp_path / "dump"
    dump.mkdir()
    shutil.copy(next(SEEDS.glob("000_*.txt")), dump / "a.txt")
    (dump / "b.md").write_text(republished_000("2023-10-19 08:00"), encoding="utf-8")
    run(str(dump), "-o", str(tmp_path / "out"))
    (kept,) = corpus_records(tmp_path / "out")
    assert kept["provenance"]["file"].endswith("b.md")
    assert dropped(tmp_path / "out")[0]["provenance"]["file"].endswith("a.txt")


def test_passage_quoted_from_a_kept_article_is_cut_from_the_later_one(tmp_path):
    (quoted,) = [line for line in seed_text("000").split("\n") if line.startswith("据国信证券测算")]
    dump = tmp_path / "dump"
    dump.mkdir()
    shutil.copy(next(SEEDS.glob("000_*.txt")), dump / "a.txt")
    own = ["算力租赁市场今年迎来爆发，多家云服务商上调了GPU实例的价格，中小企业的训练成本明显上升，"
           "不少创业公司开始转向按需租用的方式，以降低前期的硬件投入。",
           "业内人士认为，国产芯片的软件生态仍是短板，但推理场景的替代正在加速，价格优势明显，"
           "一些云厂商已经在部分业务中批量部署国产加速卡。",
           "分析师预计，随着更多大模型进入应用阶段，推理算力的需求将在未来两年超过训练算力，"
           "这为国产芯片厂商提供了难得的窗口期。"]
    (dump / "b.txt").write_text("\n".join([own[0], quoted, *own[1:]]), encoding="utf-8")
    run(str(dump), "-o", str(tmp_path / "out"))
    later = corpus_records(tmp_path / "out")[1]
    cut = [e for e in later["provenance"]["edits"] if e["rule"] == "near-duplicate-passage"]
    assert [e["text"] for e in cut] == [quoted]
    assert later["text"] == "\n".join(own)


def test_a_corpus_grows_run_by_run_and_a_repeated_run_adds_nothing(tmp_path):
    corpus = tmp_path / "corpus"
    assert run(str(SEEDS), "-o", str(corpus)).exit_code == 0
    first = corpus_bytes(corpus)[DOCUMENTS]
    manifest = (corpus / "manifest.json").read_bytes()
    again = run(str(SEEDS), "-o", str(corpus))
    assert again.exit_code == 0
    assert corpus_bytes(corpus)[DOCUMENTS] == first
    assert (corpus / "manifest.json").read_bytes() == manifest  # a run that adds nothing

    new_dump = tmp_path / "new"
    new_dump.mkdir()
    (new_dump / "copy.md").write_text(republished_000("2023-10-22 08:00"), encoding="utf-8")
    (new_dump / "fresh.txt").write_text("国产替代的风潮悄然吹起，芯片股集体上涨，市场热情高涨，成交额创下年内新高。",
                                        encoding="utf-8")
    assert run(str(new_dump), "-o", str(corpus)).exit_code == 0
    grown = corpus_bytes(corpus)[DOCUMENTS]
    assert grown.startswith(first)  # the first run's shard as it was, then a new one
    assert len(corpus_records(corpus)) == 8
    assert [r["reason"]["rule"] for r in dropped(corpus)] == ["near-duplicate"]


def test_index_lost_after_documents_were_written_is_rebuilt_and_nothing_is_added_twice(tmp_path):
    corpus = tmp_path / "corpus"
    run(str(SEEDS), "-o", str(corpus))
    shutil.rmtree(corpus / ".index")  # as if the run had stopped before committing the index
    run(str(SEEDS), "-o", str(corpus))
    assert len(corpus_records(corpus)) == 7


def test_index_refuses_other_parameters_with_a_clear_message(tmp_path):
    corpus = tmp_path / "corpus"
    run(str(SEEDS), "-o", str(corpus))
    config = tmp_path / "curate.toml"
    config.write_text("[dedup]\nthreshold = 0.7\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(SEEDS), "-o", str(corpus), "--config",
                                       str(config)])
    assert result.exit_code == 2
    assert "threshold=0.8 (asked for 0.7)" in result.output
    assert str(corpus / ".index" / "documents") in result.output


def test_spun_copy_is_compared_at_the_lower_spun_threshold(tmp_path):
    paragraphs = [p for p in seed_text("000").split("\n") if len(p) > 30]
    original = "\n".join(paragraphs)
    # Rewrite paragraphs from the end until the copy shares between 0.75 and 0.8 of its 3-grams.
    copy = list(paragraphs)
    for n in range(len(copy) - 1, 0, -1):
        copy[n] = copy[n][::-1]
        if jaccard(shingles(original), shingles("\n".join(copy))) < 0.8:
            break
    copy_text = "\n".join(copy)
    assert 0.75 <= jaccard(shingles(original), shingles(copy_text)) < 0.8

    verdicts = {}
    for spun in (False, True):
        near = NearDuplicateFilter(tmp_path / f"index-{spun}")
        try:
            _, verdicts[spun] = near.decide([Item("a", original, None, 0),
                                             Item("b", copy_text, None, 1, spun=spun)])
        finally:
            near.close()
    assert verdicts[False].duplicate_of is None
    assert verdicts[True].duplicate_of == "a"


def test_two_copies_of_one_article_spun_apart_are_found_through_their_spin_classes(
        tmp_path, eval_dir):
    # The development set's 0126.txt and 0290.txt hold one article spun twice: their 3-grams
    # share 0.44, under any threshold; with each word a spinner swaps written as its class,
    # 0.94.
    for name in ("0126.txt", "0290.txt"):
        shutil.copy(eval_dir / "dev" / "raw" / name, tmp_path / name)
    corpus = tmp_path / "corpus"
    assert run(str(tmp_path / "0126.txt"), str(tmp_path / "0290.txt"), "-o",
               str(corpus)).exit_code == 0
    (copy,) = [r for r in dropped(corpus) if r["reason"]["rule"] == "near-duplicate"]
    assert "once the words a spinner swaps are written as one" in copy["reason"]["why"]
    (kept,) = corpus_records(corpus)
    assert "spun" in kept["metadata"]["flags"]
    assert copy["provenance"]["duplicate_of"] == kept["id"]

