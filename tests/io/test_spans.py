"""A JSONL dump cut into spans of lines by its line breaks alone: each span read from its own
first byte gives the records, line numbers and messages a reading from the start gives, and a
run over spans writes the corpus a run reading each file from its start writes."""

from __future__ import annotations

import codecs
import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.executor import local, ranges
from curate.io import readers
from curate.io.readers import InputFile, ReadOptions, SpanReading, read_documents, seekable_jsonl
from curate.io.spans import record_spans
from tests.fixtures import SEEDS, corpus_bytes

SEED_TEXTS = [seed.read_text(encoding="utf-8") for seed in sorted(SEEDS.glob("*.txt"))]
SEED_LINES = [line for text in SEED_TEXTS for line in text.splitlines() if len(line) > 30]


def record(text: str, n: int) -> str:
    return json.dumps({"text": text, "url": f"https://example.cn/{n}"}, ensure_ascii=False)


def awkward_dump(path: Path) -> Path:
    """The seeds as a dump with a BOM, CRLF and lone-CR line ends, blank lines, invalid JSON,
    a record without text and a last line cut off without its line break."""
    lines = [record(text, n) for n, text in enumerate(SEED_TEXTS)]
    lines.insert(3, "{oops")
    lines.insert(6, "")
    lines.insert(8, json.dumps({"title": "国产芯片"}, ensure_ascii=False))
    body = "\r\n".join(lines[:7]) + "\r" + "\n".join(lines[7:])
    cut = body + "\n" + record(SEED_TEXTS[0], 99)[:40]
    path.write_bytes(codecs.BOM_UTF8 + cut.encode("utf-8"))
    return path


def read_whole(path: Path) -> tuple[list, list[str]]:
    options = ReadOptions(source="test")
    return list(read_documents(InputFile(path, str(path)), options)), options.messages


def read_by_spans(path: Path, target: int) -> tuple[list, list[str]]:
    options = ReadOptions(source="test")
    item = InputFile(path, str(path))
    documents = []
    for span in record_spans(path, path.stat().st_size, target):
        documents += read_documents(item, options, span, SpanReading())
    return documents, options.messages


def shown(documents: list) -> list[tuple]:
    return [(d.provenance.record, d.provenance.encoding, d.id, d.text,
             d.rejected.why if d.rejected else None) for d in documents]


@pytest.mark.parametrize("target", [1, 3000, 10**6])
def test_spans_read_alone_give_the_records_line_numbers_and_messages_of_the_whole_file(
        tmp_path, target):
    dump = awkward_dump(tmp_path / "seeds.jsonl")
    whole, said = read_whole(dump)
    spanned, said_by_spans = read_by_spans(dump, target)
    assert shown(spanned) == shown(whole)
    assert said_by_spans == said
    assert said == [f"{dump}:4: invalid JSON: Expecting property name enclosed in double "
                    "quotes; sent to rejects",
                    f"{dump}:8: no string field 'text' (set it with --text-field); sent to "
                    "rejects",
                    f"{dump}:9: invalid JSON: Unterminated string starting at; sent to rejects"]
    assert whole[0].provenance.encoding == "utf-8-sig"


def test_spans_end_after_a_line_break_and_count_the_lines_the_reader_numbers(tmp_path):
    dump = awkward_dump(tmp_path / "seeds.jsonl")
    size = dump.stat().st_size
    spans = list(record_spans(dump, size, 1))
    data = dump.read_bytes()
    assert spans[0].offset == 0 and spans[-1].end == size and spans[-1].last
    assert all(data[span.end - 1:span.end] == b"\n" for span in spans[:-1])
    assert [span.lines_before for span in spans[1:]] == [
        span.lines_before + span.lines for span in spans[:-1]]
    whole, _ = read_whole(dump)
    assert spans[-1].lines_before + spans[-1].lines == whole[-1].provenance.record


def one_line_spans(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ranges, "WHOLE_FILE_BYTES", 0)
    monkeypatch.setattr(ranges, "RANGE_BYTES", 1)
    monkeypatch.setattr(ranges, "RANGE_DOCUMENTS", 1)


def run_cli(*args: str):
    return CliRunner().invoke(main, list(args), env={"SOURCE_DATE_EPOCH": "1767225600"},
                              catch_exceptions=False)


def run_from_the_start(monkeypatch: pytest.MonkeyPatch, dump: Path, out: Path):
    """A run reading the dump from its first record in every range, as before spans."""
    with monkeypatch.context() as patched:
        patched.setattr(local, "seekable_jsonl", lambda item: False)
        return run_cli("run", str(dump), "-o", str(out), "--workers", "1")


def repeated_rejects_dump(path: Path) -> Path:
    """The seeds with fifteen lines of invalid JSON among them: past the tenth, the reader
    counts them in one summary reject."""
    lines = [record(text, n) for n, text in enumerate(SEED_TEXTS)]
    for n in range(15):
        lines.insert(2 + n, "{\"text\": \"" + SEED_LINES[n][:30])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize("make_dump", [awkward_dump, repeated_rejects_dump])
def test_a_run_over_one_line_spans_writes_the_corpus_of_a_run_reading_from_the_start(
        tmp_path, monkeypatch, workers, make_dump):
    dump = make_dump(tmp_path / "seeds.jsonl")
    one_line_spans(monkeypatch)
    before = run_from_the_start(monkeypatch, dump, tmp_path / "before")
    opened = []
    original = readers.read_documents

    def watched(item, options, span=None, report=None):
        opened.append(span)
        return original(item, options, span, report)

    monkeypatch.setattr("curate.run.read_documents", watched)
    spans = run_cli("run", str(dump), "-o", str(tmp_path / "after"), "--workers", workers)
    assert (spans.output.replace(str(tmp_path / "after"), str(tmp_path / "before"))
            == before.output)
    assert corpus_bytes(tmp_path / "after") == corpus_bytes(tmp_path / "before")
    if workers == "1":  # the readers of this process: every one read a span
        assert opened and None not in opened


def test_repeats_past_the_tenth_are_summarised_as_when_read_from_the_start(tmp_path,
                                                                        monkeypatch):
    dump = repeated_rejects_dump(tmp_path / "seeds.jsonl")
    one_line_spans(monkeypatch)
    result = run_cli("run", str(dump), "-o", str(tmp_path / "out"), "--workers", "2")
    assert (f"{dump}:13: 5 more records (lines 13 to 17) rejected as the 10 before them were"
            in result.output)
    assert f"{dump}:12:" in result.output and f"{dump}:14:" not in result.output


def test_a_text_field_no_first_record_has_stops_the_run_as_when_read_from_the_start(
        tmp_path, monkeypatch):
    dump = tmp_path / "seeds.jsonl"
    dump.write_text("".join(json.dumps({"body": text}, ensure_ascii=False) + "\n"
                            for text in SEED_LINES[:8]), encoding="utf-8")
    one_line_spans(monkeypatch)
    before = CliRunner().invoke(main, ["run", str(dump), "-o", str(tmp_path / "a"),
                                       "--workers", "1"])
    with monkeypatch.context() as patched:
        patched.setattr(local, "seekable_jsonl", lambda item: False)
        whole = CliRunner().invoke(main, ["run", str(dump), "-o", str(tmp_path / "b"),
                                          "--workers", "1"])
    assert before.exit_code == whole.exit_code == 2
    assert before.output == whole.output
    assert f"{dump}:1-5: no string field 'text' in the first 5 records" in before.output


def test_a_legacy_line_past_the_sample_is_decoded_as_when_read_from_the_start(tmp_path,
                                                                           monkeypatch):
    lines = [record(text, n) for n, text in enumerate(SEED_LINES[:6])]
    # GB18030 ranked first from the first legacy line, the Big5 line (whose bytes are
    # GB18030 too) is read as GB18030, as a reading from the start reads it
    legacy = [record(SEED_LINES[6], 6).encode("gb18030"),
              record(SEED_LINES[7], 7).encode("big5", "replace")]
    dump = tmp_path / "seeds.jsonl"
    dump.write_bytes(b"\n".join([line.encode() for line in lines] + legacy) + b"\n")
    monkeypatch.setattr(readers, "SAMPLE_BYTES", 200)  # the sample holds no legacy line
    whole, said = read_whole(dump)
    spanned, said_by_spans = read_by_spans(dump, 1)
    assert shown(spanned) == shown(whole)
    assert said_by_spans == said
    assert [d.provenance.encoding for d in whole[-2:]] == ["gb18030", "gb18030"]


def test_a_gzipped_dump_is_read_from_its_start_in_ranges_of_documents(tmp_path, monkeypatch):
    plain = awkward_dump(tmp_path / "seeds.jsonl")
    packed = tmp_path / "seeds.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert seekable_jsonl(InputFile(plain, str(plain)))
    assert not seekable_jsonl(InputFile(packed, str(packed)))
    one_line_spans(monkeypatch)
    one = run_cli("run", str(packed), "-o", str(tmp_path / "one"), "--workers", "1")
    two = run_cli("run", str(packed), "-o", str(tmp_path / "two"), "--workers", "2")
    assert one.exit_code == two.exit_code == 1
    assert corpus_bytes(tmp_path / "one") == corpus_bytes(tmp_path / "two")


def test_a_utf16_dump_is_read_whole_not_in_spans(tmp_path):
    dump = tmp_path / "seeds.jsonl"
    dump.write_bytes(("\n".join(record(text, n) for n, text in enumerate(SEED_TEXTS[:3])))
                     .encode("utf-16"))
    assert not seekable_jsonl(InputFile(dump, str(dump)))
