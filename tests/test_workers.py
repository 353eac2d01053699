"""`curate run --workers N`: worker processes clean ranges of the input, the run decides
duplicates and writes in input order, and the corpus is byte-identical to one process's."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

import curate.run
from curate.clean.repetition import count_lines
from curate.cli import WORKER_LOST_EXIT, main
from curate.executor import Checkpoint, CleanedRange, Range, RangeCleaner, ranges
from curate.io.readers import InputFile, ReadOptions, read_documents
from tests.fixtures import corpus_bytes

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def run_cli(*args: str):
    return CliRunner().invoke(main, list(args), env={"SOURCE_DATE_EPOCH": "1767225600"},
                              catch_exceptions=False)


def messages(output: str) -> list[str]:
    """What a run printed, but its progress lines (which hold timings)."""
    return [line for line in output.splitlines() if not line.startswith("progress: ")]


def seed_dump(path: Path) -> Path:
    """A JSONL dump of the seeds, each three times (exact copies for deduplication), with an
    invalid line and a record without text among them (reader messages)."""
    texts = [seed.read_text(encoding="utf-8") for seed in sorted(SEEDS.glob("*.txt"))]
    lines = [json.dumps({"text": text, "url": f"https://example.cn/{n}"}, ensure_ascii=False)
             for n, text in enumerate(texts * 3)]
    lines.insert(4, "{oops")
    lines.insert(9, json.dumps({"title": "国产芯片"}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ranged_seed_dump(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, documents: int) -> Path:
    """`seed_dump`, given to the workers in ranges of about ``documents`` records (spans of
    as many lines of average length), however small."""
    dump = seed_dump(tmp_path / "seeds.jsonl")
    lines = dump.read_bytes().count(b"\n")
    monkeypatch.setattr(ranges, "WHOLE_FILE_BYTES", 0)
    monkeypatch.setattr(ranges, "RANGE_DOCUMENTS", documents)
    monkeypatch.setattr(ranges, "RANGE_BYTES", dump.stat().st_size * documents // lines)
    return dump


def kill_in_a_worker_at_record_6(document, parent: int) -> None:
    """Kill the process holding ``document`` when it is a worker's and the dump's record 6."""
    if os.getpid() != parent and document.provenance.record == 6:
        os.kill(os.getpid(), signal.SIGKILL)


def assert_lost_worker_named(result, dump: Path, out: Path, came_back: str) -> None:
    """The run stopped naming the range of the worker that died, and wrote nothing."""
    assert result.exit_code == WORKER_LOST_EXIT
    # the range named is the first not taken back: the one that killed it or one before
    assert re.search(f"error: {re.escape(str(dump))}: a worker process died \\(killed or out "
                     f"of memory\\) before lines \\d+-\\d+ of the file came back {came_back}; "
                     "nothing was written: run again, or with --workers 1", result.output)
    assert not (out / "manifest.json").exists()


def test_two_workers_write_the_seeds_corpus_byte_for_byte_as_one_process(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    assert run_cli("run", str(SEEDS), "-o", str(one), "--workers", "1").exit_code == 0
    result = run_cli("run", str(SEEDS), "-o", str(two), "--workers", "2")
    assert result.exit_code == 0
    assert corpus_bytes(two) == corpus_bytes(one)


def test_a_dump_cleaned_in_ranges_of_two_records_gives_the_same_corpus_messages_and_counts(
        tmp_path, monkeypatch):
    dump = ranged_seed_dump(tmp_path, monkeypatch, 2)
    one, two = tmp_path / "one", tmp_path / "two"
    first = run_cli("run", str(dump), "-o", str(one), "--workers", "1", "-v")
    second = run_cli("run", str(dump), "-o", str(two), "--workers", "2", "-v")
    assert first.exit_code == second.exit_code == 1  # the invalid line is a reject
    assert messages(second.output.replace(str(two), str(one))) == messages(first.output)
    assert f"{dump}:5: invalid JSON" in second.output
    assert f"{dump}:10: no string field 'text'" in second.output
    assert f"{dump}: 17 read, 7 kept, 16 rejected" in second.output
    assert corpus_bytes(two) == corpus_bytes(one)
    files = json.loads((two / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert [(entry["read"], entry["kept"]) for entry in files] == [(17, 7)]


def test_the_workers_setting_is_read_from_the_configuration(tmp_path, monkeypatch):
    config = tmp_path / "curate.toml"
    config.write_text("[run]\nworkers = 2\n", encoding="utf-8")
    seen = []
    original = curate.run.executor_for
    monkeypatch.setattr(curate.run, "executor_for",
                        lambda workers, make, **how: seen.append(workers)
                        or original(workers, make, **how))
    result = run_cli("run", str(SEEDS), "-o", str(tmp_path / "out"), "--config", str(config))
    assert result.exit_code == 0
    assert seen == [2]


def test_a_worker_killed_fails_the_run_naming_the_range_and_writes_nothing(tmp_path,
                                                                         monkeypatch):
    dump = ranged_seed_dump(tmp_path, monkeypatch, 4)
    parent = os.getpid()
    original = curate.run._clean_guarded

    def dies_on_record_6(pipeline, document, result):
        kill_in_a_worker_at_record_6(document, parent)
        return original(pipeline, document, result)

    monkeypatch.setattr(curate.run, "_clean_guarded", dies_on_record_6)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(dump), "-o", str(out), "--workers", "2"])
    assert_lost_worker_named(result, dump, out, "cleaned")


def test_a_worker_killed_while_counting_lines_says_the_range_did_not_come_back_counted(
        tmp_path, monkeypatch):
    dump = ranged_seed_dump(tmp_path, monkeypatch, 4)
    parent = os.getpid()
    original = curate.run.count_lines

    def dies_counting_record_6(documents):
        def watched():
            for document in documents:
                kill_in_a_worker_at_record_6(document, parent)
                yield document
        return original(watched())

    monkeypatch.setattr(curate.run, "count_lines", dies_counting_record_6)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(dump), "-o", str(out), "--workers", "2"])
    assert_lost_worker_named(result, dump, out, "counted")


def test_ranges_the_workers_commit_to_the_checkpoint_are_taken_back_as_one_process_cleans_them(
        tmp_path, monkeypatch):
    dump = ranged_seed_dump(tmp_path, monkeypatch, 4)
    reference = tmp_path / "reference"
    run_cli("run", str(dump), "-o", str(reference), "--workers", "1")
    kept = tmp_path / "kept"
    with monkeypatch.context() as patched:  # the checkpoint outlives the run, as if killed
        patched.setattr(Checkpoint, "remove", lambda self: None)
        run_cli("run", str(dump), "-o", str(kept), "--workers", "2")
    resumed = tmp_path / "resumed"
    shutil.copytree(kept / ".checkpoint", resumed / ".checkpoint")
    again = run_cli("run", str(dump), "-o", str(resumed), "--workers", "1")
    assert re.search(r"resumed an interrupted run: 0 of (\d+) ranges cleaned again, \1 taken "
                     r"from \.checkpoint/", again.output)
    assert corpus_bytes(resumed) == corpus_bytes(reference)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_run_failing_while_counting_lines_leaves_a_killed_runs_checkpoint(tmp_path, workers):
    dump = seed_dump(tmp_path / "seeds.jsonl")
    out = tmp_path / "out"
    out.mkdir()
    left = CleanedRange(Range(InputFile(dump, str(dump)), 0, 200), read=200)
    Checkpoint(out, "a-killed-run").save(left)
    result = CliRunner().invoke(main, ["run", str(dump), "-o", str(out), "--workers", workers,
                                       "--text-field", "body"])
    assert result.exit_code == 2
    assert "'body'" in result.output
    assert Checkpoint(out, "a-killed-run").load(left.range) == left


def test_two_workers_write_the_development_set_byte_for_byte_as_one_process(dev_corpus,
                                                                           tmp_path):
    two = tmp_path / "two"
    run_cli("run", str(dev_corpus.raw), "-o", str(two), "--workers", "2")
    assert corpus_bytes(two) == corpus_bytes(dev_corpus.out)


def test_ranges_past_the_end_of_a_file_are_empty_without_reading_it_again(tmp_path):
    dump = seed_dump(tmp_path / "seeds.jsonl")
    item = InputFile(dump, str(dump))
    options = ReadOptions(source="seeds", text_field="text")
    opened = []

    def read(file: InputFile):
        opened.append(file.display)
        return read_documents(file, options)

    cleaner = RangeCleaner(read, lambda document: [document], options.messages,
                           lambda file: {}, count_lines=count_lines)
    # One worker's share of ranges of 4 documents, given out ahead of the end (17 documents)
    counted = [cleaner.count(Range(item, start, 4)) for start in (0, 8, 16, 24, 32)]
    cleaned = [cleaner(Range(item, start, 4)) for start in (0, 8, 16, 24, 32)]
    assert opened == [str(dump), str(dump)]  # once to count, once to clean
    assert [done.ended for done in counted] == [False, False, True, True, True]
    assert [(done.read, done.ended) for done in cleaned] == [
        (4, False), (4, False), (1, True), (0, True), (0, True)]
