"""`curate dedup` on its own: JSONL records against each other and against a corpus index."""

import json
import os
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


REPOSITORY_CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def long_paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if len(p) >= 60]


@pytest.fixture()
def overlapping_records() -> list[dict]:
    """Records made of the repository corpus's articles: a copy kept as the earlier one, a
    record mostly of repeated passages and its own copy, a passage repeating what was kept of
    it, a record that is one repeated passage, one with no text, an id given twice."""
    texts = [r["text"] for r in corpus_records(REPOSITORY_CORPUS)]
    first, second, third = (long_paragraphs(t) for t in texts[:3])
    mostly_repeated = "\n".join(first[2:6] + second[:3])
    return [
        {"id": "a", "created": "2024-03-01", "text": texts[0]},
        {"id": "a-earlier", "created": "2024-01-01",
         "text": texts[0].replace(first[0] + "\n", "", 1)},
        {"id": "b", "created": "2024-02-01", "text": mostly_repeated},
        {"id": "c", "created": "2024-04-01", "text": "\n".join(third[:4] + [second[1]])},
        {"id": "b-copy", "created": "2024-05-01", "text": mostly_repeated},
        {"id": "c", "created": "2024-06-01", "text": texts[3]},
        {"id": "e", "text": first[3]},
        {"id": "f", "text": " "},
        {"id": "g", "text": texts[4]},
    ]


def test_a_batch_at_a_time_decides_as_one_batch_holding_every_record(
        overlapping_records, tmp_path, monkeypatch):
    from curate.dedup import command
    from curate.dedup.near import Item, NearDuplicateFilter
    from curate.io.writers import json_line

    # What the command did when it held every record: one batch, every shingle in memory.
    near = NearDuplicateFilter(tmp_path / "one-batch")
    with_text = [r for r in overlapping_records if r["text"].strip()]
    verdicts = dict(zip(map(id, with_text), near.decide(
        [Item(r["id"], r["text"], r.get("created"), n) for n, r in enumerate(with_text)]),
        strict=True))
    near.close()
    expected_documents, expected_rejects = [], []
    for record in overlapping_records:
        verdict = verdicts.get(id(record))
        plain = verdict is not None and not (verdict.already_in_corpus or verdict.duplicate_of
                                             or verdict.removed_passages)
        result = command.outcome(record, None if plain else verdict, "text")
        expected_documents += [json_line(result.kept)] if result.kept else []
        expected_rejects += [json_line(reject) for reject in result.rejects]

    dump = tmp_path / "records.jsonl"
    dump.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                            for r in overlapping_records), encoding="utf-8")
    monkeypatch.setattr(command, "BATCH_DOCUMENTS", 2)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["dedup", str(dump), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("9 read: 4 kept, 2 near-duplicates, 2 without text, "
                                    "1 already in the index")
    assert (out / "documents.jsonl").read_text(encoding="utf-8") == "".join(expected_documents)
    assert (out / "rejects.jsonl").read_text(encoding="utf-8") == "".join(expected_rejects)
    reasons = [(r["id"], r["reason"]["rule"], r["provenance"].get("duplicate_of"))
               for r in records(out / "rejects.jsonl") if r["kind"] == "document"]
    assert reasons == [("a", "near-duplicate", "a-earlier"),
                       ("b-copy", "near-duplicate", "b"),  # by b's text as given, not as cut
                       ("e", "empty-after-passages", "a-earlier"),
                       ("f", "empty-text", None)]
    cut_from_c = [e["why"] for e in records(out / "documents.jsonl")[2]["provenance"]["edits"]]
    # b's second paragraph of the second article is its fifth as given, its second as kept.
    assert cut_from_c == [f"repeats passage b{near_separator()}1 (Jaccard 1.0) kept elsewhere"]


def near_separator() -> str:
    from curate.dedup.near import PASSAGE_SEPARATOR
    return PASSAGE_SEPARATOR


def test_a_record_left_without_text_goes_to_the_rejects_with_its_cut(tmp_path):
    texts = [r["text"] for r in corpus_records(REPOSITORY_CORPUS)]
    repeated = long_paragraphs(texts[0])[2]
    dump = tmp_path / "records.jsonl"
    dump.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (
        {"id": "story", "text": texts[0]}, {"id": "quote", "text": repeated})),
        encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["dedup", str(dump), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in records(out / "documents.jsonl")] == ["story"]
    (reject,) = records(out / "rejects.jsonl")
    assert (reject["kind"], reject["text"], reject["reason"]["rule"]) == (
        "document", repeated, "empty-after-passages")
    assert reject["reason"]["why"] == ("no text left once its 1 paragraphs repeating passages "
                                       "kept elsewhere (of document story) were cut")
    (edit,) = reject["provenance"]["edits"]
    assert (edit["rule"], edit["text"]) == ("near-duplicate-passage", repeated)
    counts = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]
    assert (counts["kept"], counts["empty"], counts["rejected"]) == (1, 1, 0)


def test_a_pipe_is_refused_since_the_input_is_read_three_times(tmp_path):
    pipe = tmp_path / "records.jsonl"
    os.mkfifo(pipe)
    result = CliRunner().invoke(main, ["dedup", str(pipe), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert (f"{pipe}: not a regular file; curate dedup reads its input more than once: save "
            "it to a file first") in result.output
    assert not (tmp_path / "out").exists()
