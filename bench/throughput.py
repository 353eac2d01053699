"""Throughput of `curate run`: documents per CPU-second in one process, and the wall-clock
gain of two worker processes, against the I/O floor measured in the same run.

    python bench/throughput.py                 # 1 MB of generated articles, the HTML pages
    python bench/throughput.py --size 4MB      # a larger dump
    python bench/throughput.py --pages 40      # fewer HTML pages

Two inputs: a JSONL dump of generated text articles (the generator of ``bench/memory.py``,
with its near and exact copies), and HTML pages, the pages of
``../shared/data/web-extraction-gold-*.jsonl`` (``meta.html``) written out as ``.html`` files (skipped when
``../shared`` is absent). For each it prints:

- the I/O floor: the same records read, ``json.loads``-ed, ``json.dumps``-ed and written, in
  this process, as documents per CPU-second;
- ``curate run --workers 1``: documents per CPU-second of the process and its children
  (user + system, from ``resource.getrusage``), start-up included;
- ``curate run --workers 2``: its wall-clock time as a ratio to ``--workers 1``'s, its
  CPU-seconds as a ratio (the cost of the hand-over) and the cores it kept busy on average
  (CPU-seconds over wall-clock: below 2 when other load leaves no second core free);
- for the HTML pages, the CPU a page net of start-up: ``--workers 1``'s CPU less that of a
  run of the first page alone, over the other pages.

The corpus of both runs must be byte-identical (it says so). Prints figures; never fails on
timing. On a shared machine wall-clock ratios move with the other load: quote CPU-seconds.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from memory import parse_size, write_dump  # noqa: E402  (the generator of bench/memory.py)

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
CURATE = Path(sys.executable).parent / "curate"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def io_floor(records: list[bytes], folder: Path) -> float:
    """CPU-seconds to parse and write ``records`` again as JSONL."""
    start = own_cpu()
    with (folder / "floor.jsonl").open("w", encoding="utf-8") as stream:
        for line in records:
            stream.write(json.dumps(json.loads(line), ensure_ascii=False) + "\n")
    return own_cpu() - start


def curate_run(inputs: Path, out: Path, workers: int) -> tuple[float, float]:
    """CPU-seconds and wall-clock seconds of one ``curate run``."""
    cpu, wall = children_cpu(), time.monotonic()
    subprocess.run([str(CURATE), "run", str(inputs), "-o", str(out), "--workers",
                    str(workers), "-q"], check=False,
                   env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"})
    return children_cpu() - cpu, time.monotonic() - wall


def same_corpus(one: Path, two: Path) -> bool:
    return all(filecmp.cmp(one / name, two / name, shallow=False)
               for name in ("documents.jsonl", "rejects.jsonl", "manifest.json"))


def measure(label: str, inputs: Path, records: list[bytes], documents: int,
            folder: Path) -> float:
    floor = io_floor(records, folder)
    cpu1, wall1 = curate_run(inputs, folder / f"{label}-1", 1)
    cpu2, wall2 = curate_run(inputs, folder / f"{label}-2", 2)
    identical = same_corpus(folder / f"{label}-1", folder / f"{label}-2")
    print(f"{label}: {documents:,} documents")
    print(f"  I/O floor (read, json.loads, json.dumps, write): "
          f"{documents / max(floor, 1e-9):,.0f} documents per CPU-second")
    print(f"  curate run --workers 1: {cpu1:.1f} CPU-s, {documents / cpu1:,.1f} documents per "
          f"CPU-second ({wall1:.1f} s wall)")
    print(f"  curate run --workers 2: {wall2:.1f} s wall, {wall1 / wall2:.2f}x --workers 1; "
          f"{cpu2:.1f} CPU-s ({cpu2 / cpu1:.2f}x), {cpu2 / wall2:.2f} cores busy on average; "
          f"corpus {'byte-identical' if identical else 'DIFFERENT'} to --workers 1")
    return cpu1


def html_net_of_start_up(pages: Path, count: int, cpu: float, folder: Path) -> None:
    """CPU per page of the HTML run less its start-up: the CPU of a run of the first page alone
    is taken as the start-up plus one page."""
    one = folder / "one-page"
    one.mkdir()
    first = min(pages.glob("*.html"))
    (one / first.name).write_bytes(first.read_bytes())
    start_up, _ = curate_run(one, folder / "one-page-out", 1)
    net = (cpu - start_up) / max(count - 1, 1)
    print(f"  net of start-up (a run of the first page alone: {start_up:.1f} CPU-s): "
          f"{1000 * net:.0f} CPU ms a page, {1 / max(net, 1e-9):.1f} pages per CPU-second")


def html_pages(folder: Path, limit: int) -> tuple[Path, list[bytes]] | None:
    """The gold pages' HTML as files, and their records (for the I/O floor)."""
    sources = sorted(SHARED.glob("web-extraction-gold-*.jsonl"))
    if not sources:
        return None
    pages = folder / "pages"
    pages.mkdir()
    records = []
    for source in sources:
        for line in source.read_bytes().splitlines():
            record = json.loads(line)
            html = record.get("meta", {}).get("html")
            if isinstance(html, str) and len(records) < limit:
                (pages / f"{len(records):05d}.html").write_text(html, encoding="utf-8")
                records.append(line)
    return pages, records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, default=parse_size("1MB"),
                        help="size of the generated JSONL dump (default 1MB)")
    parser.add_argument("--pages", type=int, default=100, help="HTML pages (default 100)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        dump, size, count = write_dump(folder, args.size, as_files=False)
        measure(f"text articles ({size / 1e6:.1f} MB JSONL)", dump,
                dump.read_bytes().splitlines(), count, folder)
        found = html_pages(folder, args.pages)
        if found is None:
            print("HTML pages: skipped, ../shared/data is not beside the repository")
        else:
            pages, records = found
            cpu = measure("HTML pages", pages, records, len(records), folder)
            html_net_of_start_up(pages, len(records), cpu, folder)


if __name__ == "__main__":
    main()
