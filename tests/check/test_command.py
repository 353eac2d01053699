"""`curate check`: findings on real lines with their line:col, selection, configuration,
JSON output, `--fix`, near-duplicates against an index, and the pre-commit hook."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from curate.check import check_command
from curate.storage import CorpusReader

REPO = Path(__file__).resolve().parents[2]
# The committed corpus's documents: its first shard (or the single file of an earlier layout).
CORPUS = CorpusReader(REPO / "corpus").paths("documents")[0]
CORPUS_LINES = [line.decode("utf-8") for line, _, _ in CorpusReader(REPO / "corpus").lines("documents")]
# Seed 001's headline, as scraped: glued pinyin after traditional characters.
HEADLINE = "補(bǔ)位英偉達(dá)!國產(chǎn)AI芯片的破繭之戰(zhàn)"
PROVENANCE = ('"provenance":{"file":"seeds/001_7bb677d60489d672.txt","sha256":"18805a94",'
              '"part":0,"pipeline":"0.1.0","rules":"cf55438a","edits":[]}')


def record_line(doc_id: str, text: str) -> str:
    """A corpus record as `curate run` writes it (compact JSON, non-ASCII as is)."""
    text_json = json.dumps(text, ensure_ascii=False)
    return (f'{{"id":"{doc_id}","text":{text_json},"source":"seeds",'
            f'"added":"2026-01-01T00:00:00Z","created":null,"metadata":{{}},{PROVENANCE}}}\n')


def check(*args, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(check_command, [str(a) for a in args], catch_exceptions=False)
    with runner.isolated_filesystem(temp_dir=cwd):
        return runner.invoke(check_command, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run from an empty folder, so no curate.toml or pyproject.toml settings apply."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_record_with_pinyin_glued_to_traditional_characters_is_reported_at_line_and_column(in_tmp):
    corpus = in_tmp / "documents.jsonl"
    # Line 2's text starts at column 20; "补位…破茧之战" is 17 characters and the "\n" between
    # the paragraphs takes two columns in the JSON line, so 補 is at column 39.
    corpus.write_text(CORPUS_LINES[0]
                      + record_line("r2", f"补位英伟达！国产AI芯片的破茧之战\n{HEADLINE}"),
                      encoding="utf-8")
    result = check(corpus)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{corpus}:2:39: C201 traditional characters left: 7 on this line (補→补, 偉→伟, 達→达, …)",
        f"{corpus}:2:40: C202 glued pinyin (bǔ) after 補",
        f"{corpus}:2:48: C202 glued pinyin (dá) after 達",
        f"{corpus}:2:55: C202 glued pinyin (chǎn) after 產",
        f"{corpus}:2:70: C202 glued pinyin (zhàn) after 戰",
        "Found 5 findings in 1 of 1 file (C201 ×1, C202 ×4); 5 can be fixed with --fix.",
    ]


def test_columns_count_json_escapes_as_written(in_tmp):
    corpus = in_tmp / "ascii.jsonl"
    line = json.dumps({"id": "r1", "text": "“引号”\n" + HEADLINE, "source": "seeds",
                       "added": "2026-01-01T00:00:00Z", "created": None, "metadata": {},
                       "provenance": json.loads("{" + PROVENANCE + "}")["provenance"]})
    corpus.write_text(line + "\n", encoding="utf-8")  # ensure_ascii: 補 is written \u88dc
    result = check(corpus, "--select", "C202")
    first = result.stdout.splitlines()[0]
    assert first == f"{corpus}:1:{line.index('(b') + 1}: C202 glued pinyin (bǔ) after 補"


def test_breadcrumb_line_of_a_raw_page_is_reported(in_tmp):
    page = in_tmp / "003.txt"
    page.write_text("熱門資訊> 正文\n2025-07-19 11:04\n", encoding="utf-8")
    result = check(page, "--select", "C205")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"{page}:1:1: C205 breadcrumb (breadcrumb-path): 熱門資訊> 正文")


def test_duplicate_ids_and_invalid_json_lines_are_schema_findings(in_tmp):
    corpus = in_tmp / "documents.jsonl"
    first, second = CORPUS_LINES[:2]
    same_id = second.replace('"id":"5ae2edd8b7ebb03d6ff30f98"', '"id":"9e99772019bca7603c4a41bd"')
    corpus.write_text(first + same_id + '{"id":"x","text":"正文"\n' + '["正文"]\n',
                      encoding="utf-8")
    result = check(corpus, "--select", "C1")
    assert result.stdout.splitlines() == [
        f"{corpus}:2:7: C105 id 9e99772019bca7603c4a41bd is already used at {corpus}:1",
        f"{corpus}:3:22: C101 invalid JSON: Expecting ',' delimiter",
        f"{corpus}:4:1: C101 a JSON list where a record object should be",
        "Found 3 findings in 1 of 1 file (C101 ×2, C105 ×1).",
    ]


def test_missing_fields_empty_text_and_exact_duplicates(in_tmp):
    corpus = in_tmp / "documents.jsonl"
    corpus.write_text(record_line("a", "英伟达市值破万亿美元，国产GPU的差距到底有多大？")
                      + record_line("b", "英伟达市值 破万亿美元,国产GPU的差距到底有多大!")
                      + record_line("c", " \n")
                      + '{"id":"d","text":"正文。"}\n', encoding="utf-8")
    result = check(corpus, "--select", "C1,C3")
    assert result.stdout.splitlines() == [
        f"{corpus}:2:18: C301 exact duplicate: the same normalised text as {corpus}:1",
        f"{corpus}:3:18: C106 text is empty",
        f"{corpus}:4:1: C102 missing field 'source'",
        f"{corpus}:4:1: C102 missing field 'added'",
        f"{corpus}:4:1: C102 missing field 'created'",
        f"{corpus}:4:1: C102 missing field 'metadata'",
        f"{corpus}:4:1: C102 missing field 'provenance'",
        "Found 7 findings in 1 of 1 file (C102 ×5, C106 ×1, C301 ×1).",
    ]


def test_committed_corpus_is_clean():
    result = check(CORPUS)
    assert result.exit_code == 0
    assert result.stdout == "No findings in 1 file (7 documents).\n"


def test_select_and_ignore_take_code_prefixes(in_tmp):
    corpus = in_tmp / "documents.jsonl"
    corpus.write_text(record_line("r2", HEADLINE), encoding="utf-8")

    def codes(*args: str) -> list[str]:
        return [line.split()[1] for line in check(corpus, "-q", *args).stdout.splitlines()]

    assert codes() == ["C201", "C202", "C202", "C202", "C202"]
    assert codes("--select", "C2", "--ignore", "C201") == ["C202"] * 4
    assert codes("--select", "C20", "--ignore", "C202") == ["C201"]
    assert codes("--select", "C1,C3") == []
    bad = check(corpus, "--select", "C9")
    assert bad.exit_code == 2 and "unknown code 'C9'" in bad.output


def test_config_section_selects_and_the_command_line_overrides_it(in_tmp):
    corpus = in_tmp / "documents.jsonl"
    corpus.write_text(record_line("r2", HEADLINE), encoding="utf-8")
    (in_tmp / "curate.toml").write_text('[check]\nignore = ["C202"]\n', encoding="utf-8")
    assert [line.split()[1] for line in check(corpus, "-q").stdout.splitlines()] == ["C201"]
    overridden = check(corpus, "-q", "--ignore", "C201").stdout.splitlines()
    assert [line.split()[1] for line in overridden] == ["C202"] * 4
    (in_tmp / "curate.toml").write_text('[check]\nselect = "C7"\n', encoding="utf-8")
    assert check(corpus).exit_code == 2


def test_json_format_lists_findings_and_keeps_the_summary_off_stdout(in_tmp):
    corpus = in_tmp / "documents.jsonl"
    corpus.write_text(record_line("r2", HEADLINE), encoding="utf-8")
    result = check(corpus, "--format", "json", "--select", "C202")
    findings = json.loads(result.stdout)
    assert result.exit_code == 1 and len(findings) == 4
    assert findings[0] == {"path": str(corpus), "line": 1, "column": 21, "code": "C202",
                           "name": "glued-pinyin", "message": "glued pinyin (bǔ) after 補",
                           "fixable": True}
    assert json.loads(check(CORPUS, "--format", "json").stdout) == []


SEED_LIKE_PAGE = """\
国产欧美日韩在线观看_天堂8在线官网_国产丝袜精品丝袜久久_最近中文免费国语在线观看_在线观看黄网站

熱門資訊> 正文

補(bǔ)位英偉達(dá)!國產(chǎn)AI芯片的破繭之戰(zhàn)

  美國政府層層加碼的AI芯片出口管制,正在改寫全球半導(dǎo)體產(chǎn)業(yè)格局。

熱新聞
"""


def test_fix_repairs_a_raw_page_in_place_keeping_its_layout(in_tmp):
    page = in_tmp / "001.txt"
    page.write_text(SEED_LIKE_PAGE, encoding="utf-8")
    page.chmod(0o640)
    before = check(page)
    assert before.exit_code == 1 and "C204" in before.stdout and "C206" in before.stdout
    result = check(page, "--fix")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Fixed 1 file (13 edits). No findings in 1 file (1 document).\n"
    assert page.read_text(encoding="utf-8") == (
        "补位英伟达！国产AI芯片的破茧之战\n\n  美国政府层层加码的AI芯片出口管制，正在改写全球半导体产业格局。\n")
    assert page.stat().st_mode & 0o777 == 0o640
    assert list(in_tmp.iterdir()) == [page]  # no temporary file left behind


def test_fix_recleans_a_record_and_appends_the_edits_to_its_provenance(in_tmp):
    corpus = in_tmp / "documents.jsonl"
    clean_line = CORPUS_LINES[0]
    corpus.write_text(clean_line + record_line("r2", f"补位英伟达！国产AI芯片的破茧之战\n{HEADLINE}"),
                      encoding="utf-8")
    result = check(corpus, "--fix")
    assert result.exit_code == 0, result.output
    first, fixed = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    assert first == clean_line  # untouched records are written back byte for byte
    record = json.loads(fixed)
    assert record["text"] == "补位英伟达！国产AI芯片的破茧之战\n补位英伟达！国产AI芯片的破茧之战"
    assert [(e["step"], e["rule"], e["text"], e.get("replacement"), "line" in e)
            for e in record["provenance"]["edits"]] == [
        ("strip_glued_pinyin", "glued-pinyin", "(bǔ)", None, False),
        ("strip_glued_pinyin", "glued-pinyin", "(dá)", None, False),
        ("strip_glued_pinyin", "glued-pinyin", "(chǎn)", None, False),
        ("strip_glued_pinyin", "glued-pinyin", "(zhàn)", None, False),
        ("convert_to_simplified", "opencc-t2s", "7 characters", None, False),
        # the "!" only stood between Chinese characters once the pinyin was gone
        ("normalize_punctuation", "fullwidth-punctuation", "!", "！", False),
    ]


def test_fix_leaves_clean_files_untouched(in_tmp):
    corpus = in_tmp / CORPUS.name
    shutil.copy(CORPUS, corpus)
    before = corpus.stat().st_mtime_ns
    assert check(corpus, "--fix").exit_code == 0
    assert corpus.stat().st_mtime_ns == before


def test_near_duplicate_of_an_indexed_document_is_reported(in_tmp):
    from curate.dedup.index import DedupIndex
    from curate.dedup.minhash import MinHasher, shingles

    records = [json.loads(line) for line in CORPUS_LINES]
    with DedupIndex.open(in_tmp / "index") as index:
        index.add_many([r["id"] for r in records],
                       MinHasher().signatures([shingles(r["text"]) for r in records]))
    # Seed 002's article without its second paragraph.
    paragraphs = records[2]["text"].split("\n")
    copy = in_tmp / "copy.txt"
    copy.write_text("\n".join(paragraphs[:1] + paragraphs[2:]), encoding="utf-8")
    result = check(copy, CORPUS, "--select", "C3", "--index", in_tmp / "index")
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{copy}:1:1: C302 near-duplicate of indexed document "
                               f"{records[2]['id']} (estimated Jaccard 0.9")
    assert len(lines) == 2  # the corpus records are in the index themselves: not reported
    missing = check(copy, "--index", in_tmp / "nowhere")
    assert missing.exit_code == 2 and "near-duplicate check not available" in missing.output


def test_near_duplicate_among_the_checked_files_is_reported(tmp_path):
    from tests.fixtures import seed_text

    paragraphs = [p for p in seed_text("000").split("\n") if len(p) > 30]
    first = tmp_path / "a.txt"
    first.write_text("\n".join(paragraphs), encoding="utf-8")
    second = tmp_path / "b.txt"
    second.write_text("\n".join(paragraphs[:3] + paragraphs[4:]), encoding="utf-8")
    result = CliRunner().invoke(check_command, [str(first), str(second), "--select", "C302"])
    assert result.exit_code == 1
    assert f"{second}:1:1: C302 near-duplicate of {first}:1" in result.output
