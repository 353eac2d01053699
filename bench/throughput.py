"""Throughput of `curate run`: documents per CPU-second in one process, and the wall-clock
gain of two worker processes, against the I/O floor measured in the same run.

    python bench/throughput.py                 # 1 MB of generated articles, the HTML pages
    python bench/throughput.py --size 4MB      # a larger dump
    python bench/throughput.py --pages 40      # fewer HTML pages
    python bench/throughput.py --size 2MB --instructions   # instructions, not CPU-seconds

Two inputs: a JSONL dump of generated text articles (the generator of ``bench/memory.py``,
with its near and exact copies), and HTML pages, the pages of
``../shared/data/web-extraction-gold-*.jsonl`` (``meta.html``) written out as ``.html`` files (skipped when
``../shared`` is absent). For each it prints:

- the I/O floor: the same records read, ``json.loads``-ed, ``json.dumps``-ed and written, in
  this process, as documents per CPU-second;
- the start-up: the CPU-seconds of ``curate run --workers 1`` on the input's first document
  alone (importing, loading the rules, OpenCC, the line classifier: what a run pays whatever
  its size);
- ``curate run --workers 1``: documents per CPU-second of the process and its children
  (user + system, from ``resource.getrusage``), start-up included, and net of it (the other
  documents over the CPU-seconds past the start-up's), with the CPU milliseconds a document;
- ``curate run --workers 2``: its wall-clock time as a ratio to ``--workers 1``'s, its
  CPU-seconds as a ratio (the cost of the hand-over) and the cores it kept busy on average
  (CPU-seconds over wall-clock: below 2 when other load leaves no second core free); and
  the CPU-seconds of the run's own process (reading the workers' ranges, deciding
  duplicates, writing), alone and as a share of ``--workers 1``'s, and of its main thread
  (the process less the thread compressing the shards): the serial part, which moves less
  than wall-clock with the other load of the machine.

The corpus of both runs must be byte-identical (it says so). Prints figures; never fails on
timing. On a shared machine wall-clock ratios move with the other load: quote CPU-seconds.

``--instructions`` counts instead, with valgrind's callgrind, the instructions of ``curate run
--workers 1`` on the text articles' dump and on its first document alone, and prints them a
document net of the start-up: a figure the other load of the machine does not move (a few
minutes: valgrind runs the code some fifty times slower).
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


# ``curate run`` in a process that writes its own CPU-seconds (not its workers') at the end,
# and those of its main thread alone (not the thread compressing the shards).
_OWN_CPU = """import atexit, resource, sys, time
from curate.cli import main
path = sys.argv.pop(1)
def own():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open(path, "w") as stream:
        stream.write(f"{usage.ru_utime + usage.ru_stime} {time.thread_time()}")
atexit.register(own)
sys.argv[0] = "curate"
main()
"""


def curate_run(inputs: Path, out: Path, workers: int) -> tuple[float, float, float, float]:
    """CPU-seconds, wall-clock seconds, and the CPU-seconds of the run's own process (its
    workers' left out) and of its main thread, of one ``curate run``."""
    cpu, wall = children_cpu(), time.monotonic()
    own = out.with_name(out.name + ".cpu")
    subprocess.run([sys.executable, "-c", _OWN_CPU, str(own), "run", str(inputs), "-o",
                    str(out), "--workers", str(workers), "-q"], check=False,
                   env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"})
    process, main_thread = map(float, own.read_text().split())
    return children_cpu() - cpu, time.monotonic() - wall, process, main_thread


def same_corpus(one: Path, two: Path) -> bool:
    files = [path.relative_to(one) for path in sorted(one.rglob("*"))
             if path.is_file() and ".index" not in path.relative_to(one).parts]
    return bool(files) and all(filecmp.cmp(one / name, two / name, shallow=False)
                               for name in files)


def extraction_floor(pages: Path) -> float:
    """CPU-seconds of trafilatura alone on the pages, with the settings curate asks it for
    first (one reading of each page; curate reads some twice): what an HTML page costs before
    any step of curate's runs."""
    import trafilatura

    from curate.io.html import TRAFILATURA_SETTINGS

    texts = [path.read_text(encoding="utf-8") for path in sorted(pages.iterdir())]
    trafilatura.bare_extraction(texts[0], **TRAFILATURA_SETTINGS)  # its imports, outside the timing
    start = own_cpu()
    for text in texts:
        trafilatura.bare_extraction(text, **TRAFILATURA_SETTINGS)
    return own_cpu() - start


def instructions(inputs: Path, out: Path, env: dict[str, str]) -> int:
    """The instructions callgrind counts in ``curate run --workers 1`` on ``inputs``."""
    done = subprocess.run(["valgrind", "--tool=callgrind",
                           f"--callgrind-out-file={out.with_name(out.name + '.callgrind')}",
                           sys.executable, "-m", "curate", "run", str(inputs), "-o", str(out),
                           "--workers", "1", "-q"], capture_output=True, text=True, check=False,
                          env=env, cwd=out.parent)
    return int(done.stderr.split("Collected :")[1].split()[0])


def measure_instructions(dump: Path, first: Path, documents: int, folder: Path) -> None:
    # Python's hash seed fixed, so that the order of sets, and so the work, is the same from
    # run to run; one BLAS thread (what the command line asks; the code before it measured
    # alike), whose spinning would count as long as the scheduler let it; the bytecode of
    # every module written by a run first, so that neither counted run compiles any. Run
    # outside the repository, whose curate/ would come before a PYTHONPATH.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(SOURCE_DATE_EPOCH="1767225600", PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1",
               PYTHONPYCACHEPREFIX=str(folder / "bytecode"))
    subprocess.run([sys.executable, "-m", "curate", "run", str(dump), "-o",
                    str(folder / "dump-compiled"), "--workers", "1", "-q"], check=True, env=env,
                   cwd=folder)
    start_up = instructions(first, folder / "first-counted", env)
    run = instructions(dump, folder / "dump-counted", env)
    print(f"  instructions of curate run --workers 1 (callgrind): start-up (the first document "
          f"alone) {start_up / 1e9:.3f} billion, the dump {run / 1e9:.3f} billion; net of "
          f"start-up {(run - start_up) / max(documents - 1, 1) / 1e6:.2f} million a document")
    # Fifty times slower, a rule pattern may pass its timeout: the count is then of other work.
    same = same_corpus(folder / "dump-compiled", folder / "dump-counted")
    print(f"  corpus under callgrind {'byte-identical' if same else 'DIFFERENT'} to the run "
          f"outside it{'' if same else ': the count is not comparable'}")


def measure(label: str, inputs: Path, first: Path, records: list[bytes], documents: int,
            folder: Path, extraction: float | None = None) -> None:
    floor = io_floor(records, folder)
    start_up, _, _, _ = curate_run(first, folder / f"{label}-first", 1)
    cpu1, wall1, _, _ = curate_run(inputs, folder / f"{label}-1", 1)
    cpu2, wall2, own2, main2 = curate_run(inputs, folder / f"{label}-2", 2)
    identical = same_corpus(folder / f"{label}-1", folder / f"{label}-2")
    net = max(cpu1 - start_up, 1e-9) / max(documents - 1, 1)
    print(f"{label}: {documents:,} documents")
    print(f"  I/O floor (read, json.loads, json.dumps, write): "
          f"{documents / max(floor, 1e-9):,.0f} documents per CPU-second")
    if extraction is not None:
        print(f"  trafilatura alone (bare_extraction, curate's settings, in this process): "
              f"{documents / max(extraction, 1e-9):,.1f} pages per CPU-second")
    print(f"  start-up (curate run on the first document alone): {start_up:.2f} CPU-s")
    print(f"  curate run --workers 1: {cpu1:.1f} CPU-s, {documents / cpu1:,.1f} documents per "
          f"CPU-second ({wall1:.1f} s wall); net of start-up {1 / net:,.1f} documents per "
          f"CPU-second, {net * 1000:.2f} CPU-ms a document")
    print(f"  curate run --workers 2: {wall2:.1f} s wall, {wall1 / wall2:.2f}x --workers 1; "
          f"{cpu2:.1f} CPU-s ({cpu2 / cpu1:.2f}x), {cpu2 / wall2:.2f} cores busy on average; "
          f"corpus {'byte-identical' if identical else 'DIFFERENT'} to --workers 1")
    print(f"    the run's own process: {own2:.1f} CPU-s, {own2 / cpu1:.1%} of --workers 1's "
          f"(its main thread {main2:.1f}); its workers {cpu2 - own2:.1f} CPU-s")


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
    parser.add_argument("--pages", type=int, default=100, help="HTML pages (default 100; 0 skips them)")
    parser.add_argument("--instructions", action="store_true",
                        help="count the text articles' instructions with callgrind instead")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        dump, size, count = write_dump(folder, args.size, as_files=False)
        records = dump.read_bytes().splitlines()
        first = folder / "first" / "dump.jsonl"
        first.parent.mkdir()
        first.write_bytes(records[0] + b"\n")
        if args.instructions:
            print(f"text articles ({size / 1e6:.1f} MB JSONL): {count:,} documents")
            measure_instructions(dump, first, count, folder)
            return
        measure(f"text articles ({size / 1e6:.1f} MB JSONL)", dump, first, records, count,
                folder)
        found = html_pages(folder, args.pages) if args.pages > 0 else None
        if args.pages <= 0:
            print("HTML pages: skipped (--pages 0)")
        elif found is None:
            print("HTML pages: skipped, ../shared/data is not beside the repository")
        else:
            pages, records = found
            measure("HTML pages", pages, min(pages.iterdir()), records, len(records), folder,
                    extraction_floor(pages))
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
