"""What hashing an input once saves: the checkpoint's key and the reader's provenance both
need a JSONL file's sha256, taken before its first record is cleaned.

    python bench/input_digest.py              # a 100 MB JSONL input
    python bench/input_digest.py --mb 500

Builds a JSONL file of ``--mb`` megabytes from the committed corpus's records (ids made
distinct), then, per repetition, times in CPU-seconds what a run does before its first
record: the checkpoint's digest (`InputFile.sha256`) and the reader's first pass up to the
first document (`read_documents`), once with the digest shared (as a run does) and once with
it forgotten in between (two full passes over the file, as before it was shared).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from curate.io import readers  # noqa: E402
from curate.io.readers import InputFile, ReadOptions, read_documents  # noqa: E402
from curate.storage import DOCUMENTS, CorpusReader  # noqa: E402


def write_input(path: Path, megabytes: int) -> None:
    records = list(CorpusReader(REPO / "corpus").records(DOCUMENTS))
    with path.open("w", encoding="utf-8") as stream:
        number = 0
        while stream.tell() < megabytes * 10**6:
            record = records[number % len(records)]
            stream.write(json.dumps({"id": f"{number}", "text": record["text"]},
                                    ensure_ascii=False) + "\n")
            number += 1


def until_first_document(item: InputFile, forget: bool) -> float:
    """CPU-seconds of the checkpoint's digest and the reader's start on ``item``."""
    readers._DIGESTS.clear()
    start = time.process_time()
    item.sha256()
    if forget:
        readers._DIGESTS.clear()
    next(read_documents(item, ReadOptions(source="bench")))
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "dump.jsonl"
        write_input(path, args.mb)
        item = InputFile(path, "dump.jsonl")
        until_first_document(item, False)  # the file in the page cache for both
        twice = [until_first_document(item, True) for _ in range(args.repeats)]
        once = [until_first_document(item, False) for _ in range(args.repeats)]
        size = path.stat().st_size / 1e6
        print(f"{size:.0f} MB of JSONL, CPU-s until the first document, best of "
              f"{args.repeats}:")
        print(f"  hashed twice (checkpoint, then reader): {min(twice):.3f}")
        print(f"  hashed once, the digest shared:         {min(once):.3f}")
        print(f"  saved: {min(twice) - min(once):.3f} CPU-s, "
              f"{(min(twice) - min(once)) / size * 1000:.1f} ms a MB")


if __name__ == "__main__":
    main()
