"""`curate dedup` on its own: JSONL records against each other and against a corpus index."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from curate.cli import main
from tests.fixtures import corpus_records, shard_lines

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture()
def corpus(tmp_path) -> Path:
    out = tmp_path / "corpus"
    result = CliRunner().invoke(main, ["run", str(SEEDS), "-o", str(out), "--quiet"],
                                env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert result.exit_code == 0, result.output
    return out


def test_copy_of_a_corpus_document_is_dropped_against_the_corpus_index(corpus, tmp_path):
    original = corpus_records(corpus)[0]
    paragraphs = original["text"].split("\n")
    copy = {"id": "copy-1", "text": "\n".join(paragraphs[:3] + paragraphs[4:]), "created": None}
    other = {"id": "other-1", "text": "国产替代的风潮悄然吹起，芯片股集体上涨，市场热情高涨，成交额创下年内新高。"}
    dump = tmp_path / "new.jsonl"
    dump.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (copy, other)),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["dedup", str(dump), "-o", str(tmp_path / "out"),
                                       "--index", str(corpus / ".index")])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in records(tmp_path / "out" / "documents.jsonl")] == ["other-1"]
    (dropped,) = records(tmp_path / "out" / "rejects.jsonl")
    assert dropped["provenance"]["duplicate_of"] == original["id"]
    assert dropped["provenance"]["similarity"] >= 0.8


def test_deduplicating_a_clean_corpus_keeps_every_record_unchanged(corpus, tmp_path):
    plain = tmp_path / "documents.jsonl"  # the corpus's documents as one JSONL file
    plain.write_text("\n".join(shard_lines(corpus)[1]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["dedup", str(plain), "-o", str(tmp_path / "out"),
                                       "--quiet"])
    assert result.exit_code == 0, result.output
    assert records(tmp_path / "out" / "documents.jsonl") == records(plain)


def test_malformed_line_is_named_and_skipped(tmp_path):
    dump = tmp_path / "bad.jsonl"
    dump.write_text('{"id": "a", "text": "国产替代的风潮悄然吹起，芯片股集体上涨。"}\n{oops\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["dedup", str(dump), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{dump}:2: invalid JSON" in result.output


def test_text_field_names_where_the_text_is(tmp_path):
    texts = ["国产替代的风潮悄然吹起，芯片股集体上涨，市场热情高涨，成交额创下年内新高，多只概念股涨停。",
             "在这个持续降温的10月，A股半导体板块久违地回暖了，多支算力芯片概念股出现上涨。"]
    dump = tmp_path / "crawl.jsonl"
    rows = [{"id": "a", "content": texts[0]}, {"id": "b", "content": texts[1]},
            {"id": "a-copy", "content": texts[0]}]
    dump.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["dedup", str(dump), "-o", str(out), "--text-field",
                                       "content"])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in records(out / "documents.jsonl")] == ["a", "b"]
    (dropped,) = records(out / "rejects.jsonl")
    assert (dropped["id"], dropped["text"], dropped["provenance"]["duplicate_of"]) == (
        "a-copy", texts[0], "a")


def test_a_wrong_text_field_stops_at_once_naming_the_fields_found(tmp_path):
    dump = tmp_path / "crawl.jsonl"
    dump.write_text("".join(json.dumps({"id": str(n), "content": "国产芯片", "url": "u"}) + "\n"
                            for n in range(120)), encoding="utf-8")
    result = CliRunner().invoke(main, ["dedup", str(dump), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert (f"{dump}:1-5: no string field 'text' in the first 5 records; their fields are "
            "'id', 'content', 'url'") in result.output
    assert result.output.count("\n") < 5
    assert not (tmp_path / "out").exists()
