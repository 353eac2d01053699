"""How fast `curate check` reads a large corpus file: ~100 MB of JSONL, as a hook would see it.

    python bench/check_bench.py [--megabytes 100]

Builds the file in a temporary folder by repeating the documents of ``corpus/``
with distinct ids (so every copy after the first is an exact duplicate, C301), runs
``curate check`` on it in a fresh process (start-up included), and prints MB/s and Han-text
characters per second (all codes, then without C208, inline spam, the costliest), then the
cost of each text check alone in this process. Prints figures; never fails on timing.

The corpus records carry their provenance (every edit), so text is only ~5% of the bytes;
the characters-per-second figure is the one to scale by for text-heavy JSONL.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from curate.check import CODES, TextChecker
from curate.io.writers import json_line
from curate.rules import Rules
from curate.storage import CorpusReader

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


def build_jsonl(path: Path, megabytes: float) -> tuple[int, int, int]:
    """Write repeated corpus records with distinct ids; returns (bytes, records, text chars)."""
    records = list(CorpusReader(CORPUS).records("documents"))
    target = megabytes * 1_000_000
    written = count = chars = 0
    with path.open("w", encoding="utf-8") as stream:
        while written < target:
            for record in records:
                copy = dict(record, id=f"{record['id']}-{count:06d}")
                line = json_line(copy)
                stream.write(line)
                written += len(line.encode("utf-8"))
                count += 1
                chars += len(record["text"])
    return written, count, chars


def check_command() -> list[str]:
    """``curate check`` through the CLI once it is registered there, else the command itself."""
    from curate.cli import main

    if "check" in getattr(main, "commands", {}):
        return [sys.executable, "-m", "curate", "check"]
    return [sys.executable, "-c", "from curate.check import check_command; check_command()"]


def time_cli(path: Path, *options: str) -> tuple[float, int, int]:
    """Seconds, exit code and output lines of one ``curate check`` run."""
    start = time.perf_counter()
    done = subprocess.run([*check_command(), str(path), *options], capture_output=True,
                          text=True, check=False)
    return time.perf_counter() - start, done.returncode, len(done.stdout.splitlines())


def time_text_checks(texts: list[str]) -> list[tuple[str, float]]:
    """Seconds for each C2 code alone over ``texts`` (rules compiled beforehand)."""
    timings = []
    for code in (c for c in CODES if c.startswith("C2")):
        checker = TextChecker(Rules(), {}, frozenset({code}))
        checker.find(texts[0])  # compile what the code needs outside the clock
        start = time.perf_counter()
        for text in texts:
            checker.find(text)
        timings.append((code, time.perf_counter() - start))
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=100.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "documents.jsonl"
        size, records, chars = build_jsonl(path, args.megabytes)
        mb = size / 1e6
        print(f"{mb:.1f} MB of JSONL: {records:,} records, {chars / 1e6:.2f} M characters of text")
        for label, options in (("all codes", ()), ("without C208", ("--ignore", "C208"))):
            seconds, code, lines = time_cli(path, *options)
            print(f"curate check, {label}: {seconds:.1f} s  {mb / seconds:.1f} MB/s  "
                  f"{chars / seconds / 1e6:.2f} M text chars/s  (exit {code}, {lines:,} lines)")
    texts = [record["text"] for record in CorpusReader(CORPUS).records("documents")]
    total = sum(len(t) for t in texts)
    print(f"text checks alone, over the {len(texts)} corpus texts ({total:,} characters):")
    for code, seconds in time_text_checks(texts):
        print(f"  {code} {CODES[code].name:24s} {total / seconds / 1e6:7.2f} M chars/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
