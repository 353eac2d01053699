"""The near-duplicate index holds the documents a run keeps, and no document it rejects
after indexing began (one mostly made of passages kept elsewhere)."""

import json
from pathlib import Path

from click.testing import CliRunner

from curate.cli import main
from curate.dedup.index import DedupIndex
from curate.storage import DOCUMENTS, REJECTS, CorpusReader

REPO = Path(__file__).resolve().parents[2]


def test_a_document_rejected_as_mostly_repeated_passages_is_not_indexed(tmp_path):
    records = list(CorpusReader(REPO / "corpus").records(DOCUMENTS))
    long = [p for p in records[0]["text"].split("\n") if len(p) >= 60][:4]
    other = next(p for r in records[1:] for p in r["text"].split("\n") if 30 <= len(p) < 60)
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps({"text": text}, ensure_ascii=False) + "\n" for text in (
        "\n".join(long), "\n".join([long[0], long[1], other]))), encoding="utf-8")
    ran = CliRunner().invoke(main, ["run", str(dump), "-o", str(tmp_path / "corpus"),
                                    "--workers", "1"],
                             env={"SOURCE_DATE_EPOCH": "1767225600"}, catch_exceptions=False)
    assert ran.exit_code == 0, ran.output
    reader = CorpusReader(tmp_path / "corpus")
    (kept,) = [r["id"] for r in reader.records(DOCUMENTS)]
    (dropped,) = [r for r in reader.records(REJECTS) if r["kind"] == "document"]
    assert dropped["reason"]["rule"] == "near-duplicate-passages"
    with DedupIndex.open(tmp_path / "corpus" / ".index" / "documents") as index:
        assert kept in index
        assert dropped["id"] not in index
        assert len(index) == 1
