"""What `curate report` costs on a growing corpus, and that its memory does not grow with it.

    python bench/report_bench.py [--copies 10 40 160]

Builds corpus folders in a temporary folder by repeating the records of ``corpus/`` (the
seeds' documents and rejects) with distinct ids, input file names and sites, so the tables of
sources fill up as in a real dump of many files. For each size it prints the CPU seconds of
reading the folder into the report's figures, against a baseline measured in the same run:
parsing every line of the same files with ``json.loads`` and nothing else; then the CPU
seconds of drawing the page, its size, and the peak of Python memory while the figures are
gathered (tracemalloc, in a second pass). Prints figures; never fails on timing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

from curate.io.writers import json_line
from curate.report.page import render_page
from curate.report.tally import tally_corpus
from curate.storage import DOCUMENTS, MANIFEST, REJECTS, SINGLE_FILES, CorpusReader

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


def build_corpus(folder: Path, copies: int) -> int:
    """``copies`` renamed copies of every record of ``corpus/``; returns the bytes written."""
    folder.mkdir(parents=True)
    # The single-file layout, which the report reads as it is: no shards to list.
    manifest = json.loads((CORPUS / MANIFEST).read_text(encoding="utf-8"))
    manifest.pop("shards", None)
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    for kind in (DOCUMENTS, REJECTS):
        records = list(CorpusReader(CORPUS).records(kind))
        with (folder / SINGLE_FILES[kind]).open("w", encoding="utf-8") as stream:
            for copy in range(copies):
                for record in records:
                    stream.write(json_line(renamed(record, copy)))
    return sum((folder / SINGLE_FILES[kind]).stat().st_size for kind in (DOCUMENTS, REJECTS))


def renamed(record: dict, copy: int) -> dict:
    provenance = dict(record["provenance"])
    provenance["file"] = f"dump-{copy:05d}/{provenance['file']}"
    metadata = dict(record.get("metadata") or {})
    if metadata.get("site"):
        metadata["site"] = f"{metadata['site']}-{copy}"
    return {**record, "id": f"{record['id']}-{copy:05d}", "provenance": provenance,
            "metadata": metadata}


def parse_only(folder: Path) -> int:
    lines = 0
    for kind in (DOCUMENTS, REJECTS):
        with (folder / SINGLE_FILES[kind]).open(encoding="utf-8") as stream:
            for line in stream:
                json.loads(line)
                lines += 1
    return lines


def cpu(function, *args):
    start = time.process_time()
    result = function(*args)
    return time.process_time() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[10, 40, 160])
    args = parser.parse_args()
    print("copies  MB      records   parse CPU s  report CPU s  ratio  page CPU s  page MB"
          "  peak MB  sources kept")
    with tempfile.TemporaryDirectory() as temporary:
        for copies in args.copies:
            folder = Path(temporary) / f"corpus-{copies}"
            size = build_corpus(folder, copies)
            parse_seconds, records = cpu(parse_only, folder)
            tally_seconds, tally = cpu(tally_corpus, folder)
            page_seconds, page = cpu(render_page, tally)
            tracemalloc.start()
            tally_corpus(folder)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(f"{copies:<7} {size / 1e6:<7.1f} {records:<9,} {parse_seconds:<12.2f} "
                  f"{tally_seconds:<13.2f} {tally_seconds / parse_seconds:<6.2f} "
                  f"{page_seconds:<11.2f} {len(page.encode()) / 1e6:<8.1f} {peak / 1e6:<8.1f} "
                  f"{len(tally.files):,}{'' if tally.files.exact else ' (pruned)'}")
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
