"""`curate explain` shows a document's journey from the committed corpus built from the seeds."""

import json
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from curate.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def in_repo(monkeypatch):
    monkeypatch.chdir(REPO)


def corpus_record(prefix: str, part: int = 0) -> dict:
    for line in (REPO / "corpus" / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if Path(record["provenance"]["file"]).name.startswith(prefix) and (
                record["provenance"]["part"] == part):
            return record
    raise LookupError(prefix)


def test_explain_by_id_lists_every_edit_and_the_diff(in_repo):
    record = corpus_record("001")
    result = CliRunner().invoke(main, ["explain", record["id"]])
    assert result.exit_code == 0, result.output
    assert "seeds/001_7bb677d60489d672.txt lines" in result.output
    assert "spam-header" in result.output and "glued-pinyin" in result.output
    assert "- 美國政府層層加碼的AI芯片出口管制,正在改寫全球半導(dǎo)體產(chǎn)業(yè)格局。" in result.output
    assert "+ 美国政府层层加码的AI芯片出口管制，正在改写全球半导体产业格局。" in result.output


def test_explain_by_source_line_picks_the_article_of_a_split_file(in_repo):
    result = CliRunner().invoke(
        main, ["explain", "seeds/004_ff3c2cd626ef0b70.txt:160", "--format", "json"])
    assert result.exit_code == 0, result.output
    (journey,) = json.loads(result.output)
    assert journey["part"] == 2
    assert journey["id"] == corpus_record("004", part=2)["id"]
    assert journey["after"].startswith("4月17日，英伟达创始人兼CEO黄仁勋再次现身中国")
    steps = [edit["step"] for edit in journey["edits"]]
    assert steps.index("trim_teasers") < steps.index("normalize_punctuation")


def test_explain_of_an_unknown_id_says_so(in_repo):
    result = CliRunner().invoke(main, ["explain", "0" * 24])
    assert result.exit_code == 1
    assert "no document with id or source" in result.output


def test_explain_help_shows_an_example():
    result = CliRunner().invoke(main, ["explain", "--help"])
    assert "curate explain seeds/004_ff3c2cd626ef0b70.txt:150 --format json" in result.output


def test_explain_reads_the_source_lines_of_an_archive_member(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with tarfile.open("dump.tar.gz", "w:gz") as archive:
        archive.add(REPO / "seeds" / "001_7bb677d60489d672.txt", "2024/001.txt")
    assert CliRunner().invoke(main, ["run", "dump.tar.gz", "-o", "out", "-q"]).exit_code == 0
    result = CliRunner().invoke(main, ["explain", "dump.tar.gz!/2024/001.txt", "--corpus", "out",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    (journey,) = json.loads(result.output)
    assert journey["before"].startswith("美國政府層層加碼的AI芯片出口管制")
    assert journey["after"].startswith("美国政府层层加码的AI芯片出口管制")
