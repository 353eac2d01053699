"""Resume inside a run: cleaned ranges are committed one by one to ``.checkpoint/`` in the
corpus folder, so a run killed part way and started again cleans only the ranges it had not
finished and writes what an uninterrupted run writes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from curate.executor.checkpoint import Checkpoint, run_key
from curate.executor.ranges import CleanedRange, Range
from curate.io.readers import InputFile
from tests.test_workers import SEEDS, corpus_bytes, run_cli

REPO = Path(__file__).resolve().parent.parent
ENVIRONMENT = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
RESUMED = re.compile(r"note: resumed an interrupted run: (\d+) of (\d+) ranges cleaned again, "
                     r"(\d+) taken from \.checkpoint/")


def dump_of_files(folder: Path, copies: int) -> Path:
    """``copies`` files of each seed, each one range, each opening with its own line."""
    folder.mkdir()
    for number in range(copies):
        for seed in sorted(SEEDS.glob("*.txt")):
            text = seed.read_text(encoding="utf-8")
            (folder / f"{number:03d}-{seed.name}").write_text(
                f"第{number + 1}次转载。\n{text}", encoding="utf-8")
    return folder


def committed_ranges(outdir: Path) -> int:
    return len(list((outdir / ".checkpoint").glob("*.range")))


def test_a_killed_run_started_again_cleans_only_unfinished_ranges_and_writes_the_same_corpus(
        tmp_path):
    dump = dump_of_files(tmp_path / "dump", copies=3)
    reference, resumed = tmp_path / "reference", tmp_path / "resumed"
    assert run_cli("run", str(dump), "-o", str(reference), "--workers", "1").exit_code == 0
    command = [sys.executable, "-m", "curate", "run", str(dump), "-o", str(resumed),
               "--workers", "1", "--quiet"]
    process = subprocess.Popen(command, env=ENVIRONMENT, cwd=REPO)
    deadline = time.monotonic() + 120
    while committed_ranges(resumed) < 3 and process.poll() is None:
        assert time.monotonic() < deadline, "no range was committed in two minutes"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL, "the run ended before it could be killed"
    assert not (resumed / "manifest.json").exists()
    finished = committed_ranges(resumed)

    again = subprocess.run(command[:-1], env=ENVIRONMENT, cwd=REPO, capture_output=True,
                           text=True)
    assert again.returncode == 0, again.stderr
    cleaned, total, taken = map(int, RESUMED.search(again.stderr).groups())
    assert total == 15 and taken >= finished >= 3 and cleaned == total - taken
    assert corpus_bytes(resumed) == corpus_bytes(reference)
    assert not (resumed / ".checkpoint").exists()


def seed_range() -> Range:
    seed = sorted(SEEDS.glob("*.txt"))[0]
    return Range(InputFile(seed, f"seeds/{seed.name}"))


def test_a_committed_range_is_read_back_as_it_was_cleaned(tmp_path):
    work = seed_range()
    done = CleanedRange(work, read=1, messages=["seeds/000.txt:3: a message"], ended=True)
    Checkpoint(tmp_path, "run-a").save(done)
    again = Checkpoint(tmp_path, "run-a")
    assert again.load(work) == done
    assert again.summary() == ("resumed an interrupted run: 0 of 1 ranges cleaned again, "
                               "1 taken from .checkpoint/")


def test_ranges_committed_by_a_run_of_other_code_rules_or_settings_are_cleaned_again(tmp_path):
    work = seed_range()
    Checkpoint(tmp_path, "run-a").save(CleanedRange(work, read=1, ended=True))
    assert Checkpoint(tmp_path, "run-b").load(work) is None
    assert Checkpoint(tmp_path, "run-a").load(work) is None  # run-b started it afresh


def test_a_range_file_cut_short_is_cleaned_again(tmp_path):
    work = seed_range()
    Checkpoint(tmp_path, "run-a").save(CleanedRange(work, read=1, ended=True))
    (stored,) = (tmp_path / ".checkpoint").glob("*.range")
    stored.write_bytes(stored.read_bytes()[:-3])
    assert Checkpoint(tmp_path, "run-a").load(work) is None


def test_run_keys_differ_with_the_rules_the_settings_and_the_line_counts():
    base = dict(rules_digest="r1", config={}, steps=["decode"], source="seeds",
                text_field="text", line_counts=Counter({"a": 2}))
    keys = {run_key(**base), run_key(**{**base, "rules_digest": "r2"}),
            run_key(**{**base, "config": {"filters": {"min_chars": 20}}}),
            run_key(**{**base, "line_counts": Counter({"a": 3})})}
    assert len(keys) == 4
    assert run_key(**base) == run_key(**base)
