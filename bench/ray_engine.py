"""The Ray engine against local workers on the same input: what running on Ray costs.

    python bench/ray_engine.py                       # the development set, 2 CPUs
    python bench/ray_engine.py DUMP --workers 2

Runs ``curate run INPUT --workers N`` and ``curate run INPUT --engine ray --workers N`` (N
Ray workers on a Ray instance of this machine's CPUs that the run starts itself, its
start-up included, as a run without ``--address`` does) in child processes, one after the other, and prints for each the wall-clock and the
CPU-seconds of the run and all its descendants (user + system, read from ``/proc`` every
0.2 s and kept for processes that have ended: Ray's processes and workers descend from the
run that starts them, but are not all waited for, so ``os.times`` would miss some; what a
process spends in its last 0.2 s is missed, a fraction of a second each), the Ray run's ratios against the
local one, whether the two corpora are byte-identical, and the machine's load average over
the runs (the machine may be shared: read the ratios). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from curate.storage import DOCUMENTS, REJECTS, CorpusReader

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "eval" / "dev" / "raw"
ENVIRONMENT = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")


def corpus_bytes(folder: Path) -> list[bytes]:
    """The bytes of every document and reject shard of a corpus folder, in order."""
    reader = CorpusReader(folder)
    return [path.read_bytes() for kind in (DOCUMENTS, REJECTS) for path in reader.paths(kind)]


TICKS = os.sysconf("SC_CLK_TCK")
POLL_SECONDS = 0.2


def tree_cpu_seconds(root: int, seen: dict[int, float]) -> None:
    """Update ``seen`` with the CPU-seconds (user + system) of ``root`` and its descendants."""
    parents, spent = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        parents[int(entry)] = int(fields[1])
        spent[int(entry)] = (int(fields[11]) + int(fields[12])) / TICKS
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        grown = bool(more)
        tree |= more
    for pid in tree & spent.keys():
        seen[pid] = max(seen.get(pid, 0.0), spent[pid])


def timed_run(source: Path, outdir: Path, *options: str) -> tuple[float, float]:
    """Wall-clock and CPU-seconds of one ``curate run`` and its descendants. Tried up to
    three times: on a machine loaded enough, Ray gives up starting after 30 s."""
    for attempt in range(3):
        shutil.rmtree(outdir, ignore_errors=True)
        seen: dict[int, float] = {}
        start = time.perf_counter()
        with tempfile.TemporaryFile("w+") as errors:
            process = subprocess.Popen([sys.executable, "-m", "curate", "run", str(source),
                                        "-o", str(outdir), "--quiet", *options],
                                       env=ENVIRONMENT, stderr=errors, text=True)
            while process.poll() is None:
                tree_cpu_seconds(process.pid, seen)
                time.sleep(POLL_SECONDS)
            wall = time.perf_counter() - start
            if process.returncode == 0:
                break
            errors.seek(0)
            print(f"attempt {attempt + 1}: {(errors.read().strip().splitlines() or [''])[-1]}")
    else:
        sys.exit("curate run failed three times")
    return wall, sum(seen.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", nargs="?", type=Path, default=DEV,
                        help="file or folder to clean (default: ../shared/eval/dev/raw)")
    parser.add_argument("--workers", type=int, default=2,
                        help="local workers, and Ray workers (default 2)")
    args = parser.parse_args()
    if not args.input.exists():
        sys.exit(f"{args.input}: not found (the development set is read from ../shared)")
    work = Path(tempfile.mkdtemp(prefix="curate-ray-bench-"))
    try:
        load = os.getloadavg()[0]
        local = timed_run(args.input, work / "local", "--workers", str(args.workers))
        on_ray = timed_run(args.input, work / "ray", "--engine", "ray",
                           "--workers", str(args.workers))
        load = (load + os.getloadavg()[0]) / 2
        same = corpus_bytes(work / "local") == corpus_bytes(work / "ray")
        print(f"{args.input.name}: load average {load:.1f} (1 minute, before and after)")
        print(f"--workers {args.workers}:        {local[0]:7.1f} s wall-clock, "
              f"{local[1]:7.1f} CPU-s")
        print(f"--engine ray ({args.workers} workers): {on_ray[0]:7.1f} s wall-clock, "
              f"{on_ray[1]:7.1f} CPU-s")
        print(f"Ray against local: wall-clock {on_ray[0] / local[0]:.2f}x, CPU-s "
              f"{on_ray[1] / local[1]:.2f}x; corpora byte-identical: {same}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
