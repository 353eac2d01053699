"""Kill `curate run` at random moments, start it again, and compare with an uninterrupted run.

    python bench/fault_injection.py                   # 20 kills, about 3 minutes
    python bench/fault_injection.py --kills 100 --files 400
    python bench/fault_injection.py --long-line 50    # then time a 50 MB single line
    python bench/fault_injection.py --kills 0 --repeated 2   # a 2 MB text of one paragraph

The dump is generated: ``--files`` articles of six paragraphs drawn at random from the
committed ``corpus/``, so that some share paragraphs (repeated passages are cut, copies
dropped) and the run has near-duplicate decisions to make. The corpus folder already holds
a smaller dump of the same kind, so each run replaces files that exist. The reference is one
uninterrupted run.

Each trial copies that corpus, starts ``curate run`` on the dump, sends it SIGKILL
after a random delay (uniform up to 1.1 times the reference run's duration, so some kills
come after the end), starts it again, and compares the document and reject shards
byte for byte with the reference, and ``manifest.json`` too unless the killed run had already
committed (then the second run finds the dump in the corpus and its manifest says so). It
also checks that no temporary file is left. Each file of the dump is a range of its own, and
the killed run committed the ranges it cleaned to its checkpoint: the run started again says
how many it cleaned again, and the trial line shows it (``re-cleaned 112 of 300 ranges``;
``all`` when nothing was resumed: a kill before the first range, or after the commit). It
prints a line per trial, then ``N runs, K differences`` and the ranges re-cleaned over the
trials killed before their commit against those trials' ranges. ``--workers`` and
``--engine`` are passed to every run. Prints figures; asserts nothing.

``--long-line MB`` then runs ``curate run`` on a file holding one line of that many megabytes
of Chinese text, beside a good article, and prints how long the run took and what it said.

``--repeated MB`` runs ``curate run`` on a text of one paragraph repeated to that many
megabytes and prints its CPU-seconds (user + system, of the child process) against a run of
the paragraph once, measured in the same invocation.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from curate.storage import DOCUMENTS, MANIFEST, REJECTS, CorpusReader  # noqa: E402

FILES = (DOCUMENTS, REJECTS, MANIFEST)
ENVIRONMENT = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
RESUMED = re.compile(r"resumed an interrupted run: (\d+) of (\d+) ranges cleaned again")


def paragraphs() -> list[str]:
    """Whole sentences of the committed corpus, which cleaning leaves as they are."""
    return [paragraph for record in CorpusReader(REPO / "corpus").records(DOCUMENTS)
            for paragraph in record["text"].split("\n")
            if len(paragraph) >= 60 and paragraph.endswith("。") and "…" not in paragraph]


def write_dump(folder: Path, files: int, pool: list[str], seed: int) -> None:
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    for number in range(files):
        text = "\n".join(rng.sample(pool, 6))
        (folder / f"{number:05d}.txt").write_text(text + "\n", encoding="utf-8")


# How each run is executed (--workers, --engine), set from the command line.
RUN_OPTIONS: list[str] = []


def curate_run(*args: str, quiet: bool = True) -> list[str]:
    return [sys.executable, "-m", "curate", "run", *args, *RUN_OPTIONS,
            *(["--quiet"] if quiet else [])]


def contents(folder: Path) -> dict[str, bytes]:
    """The shards of each kind, one after the other, and the manifest."""
    reader = CorpusReader(folder)
    found = {kind: b"".join(path.read_bytes() for path in reader.paths(kind))
             for kind in (DOCUMENTS, REJECTS)}
    found[MANIFEST] = (folder / MANIFEST).read_bytes()
    return found


def leftovers(folder: Path) -> list[str]:
    """Temporary files and markers: hidden files anywhere but in the index."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob(".*")
                  if p.is_file() and ".index" not in p.relative_to(folder).parts)


def kill_trials(work: Path, kills: int, files: int, seed: int) -> int:
    """Run the trials; the number of differences found."""
    pool = paragraphs()
    earlier, dump = work / "earlier", work / "dump"
    write_dump(earlier, 20, pool[:60], seed=3)
    write_dump(dump, files, pool, seed=7)
    seeded = work / "seeded"
    subprocess.run(curate_run(str(earlier), "-o", str(seeded)), env=ENVIRONMENT, check=True)
    reference = work / "reference"
    shutil.copytree(seeded, reference)
    start = time.perf_counter()
    subprocess.run(curate_run(str(dump), "-o", str(reference)), env=ENVIRONMENT)
    duration = time.perf_counter() - start
    expected = contents(reference)
    print(f"{files} files; an uninterrupted run takes {duration:.1f} s")
    rng = random.Random(seed)
    differences = redone = interrupted = 0
    for trial in range(1, kills + 1):
        out = work / f"trial{trial}"
        shutil.copytree(seeded, out)
        delay = rng.uniform(0.05, 1.1 * duration)
        process = subprocess.Popen(curate_run(str(dump), "-o", str(out)), env=ENVIRONMENT)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        killed = process.wait() == -signal.SIGKILL
        committed = contents(out)[DOCUMENTS] == expected[DOCUMENTS]
        left = leftovers(out)
        again = subprocess.run(curate_run(str(dump), "-o", str(out), quiet=False),
                               env=ENVIRONMENT, capture_output=True, text=True)
        resumed = RESUMED.search(again.stderr)
        if killed and not committed:  # a finished run leaves nothing to resume
            interrupted += 1
            redone += int(resumed.group(1)) if resumed else files
        got = contents(out)
        compared = FILES if not committed else FILES[:2]
        differing = [name for name in compared if got[name] != expected[name]]
        stale = leftovers(out)
        differences += bool(differing or stale)
        state = ("killed" if killed else "had finished") + (" after its commit" if committed
                                                             else "")
        print(f"trial {trial:3d}: {state} at {delay:5.2f} s, left {len(left)} temporary "
              f"file(s); run again: re-cleaned "
              f"{resumed.group(1) + ' of ' + resumed.group(2) if resumed else 'all'} ranges, "
              f"{', '.join(differing) or 'same output'}"
              + (f", left {stale}" if stale else ""))
        shutil.rmtree(out)
    print(f"{kills} runs, {differences} differences")
    print(f"ranges re-cleaned after the {interrupted} kills before the commit: {redone:,} of "
          f"{interrupted * files:,} ({redone / max(1, interrupted * files):.0%}; without the "
          "checkpoint, all of them)")
    return differences


def long_line(work: Path, megabytes: float) -> None:
    folder = work / "long"
    folder.mkdir()
    rng = random.Random(3)
    han = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]
    size = int(megabytes * 1_000_000 / 3)
    (folder / "one_line.txt").write_text("".join(rng.choices(han, k=size)), encoding="utf-8")
    (folder / "good.txt").write_text("\n".join(paragraphs()[:4]), encoding="utf-8")
    start = time.perf_counter()
    finished = subprocess.run([sys.executable, "-m", "curate", "run", str(folder), "-o",
                               str(work / "long-out")], capture_output=True, text=True,
                              env=ENVIRONMENT)
    elapsed = time.perf_counter() - start
    print(f"a single line of {megabytes:g} MB: curate run took {elapsed:.1f} s, exit "
          f"{finished.returncode}")
    for line in finished.stderr.splitlines() + finished.stdout.splitlines():
        print(f"  {line[:200]}")


def cpu_seconds(*args: str) -> float:
    """CPU-seconds (user + system) of one ``curate run`` in a child process."""
    before = os.times()
    subprocess.run(curate_run(*args), capture_output=True, env=ENVIRONMENT, check=True)
    after = os.times()
    return (after.children_user - before.children_user
            + after.children_system - before.children_system)


def repeated_paragraph(work: Path, megabytes: float) -> None:
    paragraph = max(paragraphs(), key=len)
    once, repeated = work / "once", work / "repeated"
    once.mkdir()
    repeated.mkdir()
    (once / "a.txt").write_text(paragraph + "\n", encoding="utf-8")
    copies = int(megabytes * 1_000_000 / (len(paragraph.encode()) + 1))
    (repeated / "a.txt").write_text((paragraph + "\n") * copies, encoding="utf-8")
    baseline = cpu_seconds(str(once), "-o", str(work / "once-out"))
    cost = cpu_seconds(str(repeated), "-o", str(work / "repeated-out"))
    print(f"one paragraph of {len(paragraph)} characters repeated {copies:,} times "
          f"({megabytes:g} MB): {cost:.1f} CPU-s; the paragraph once: {baseline:.1f} CPU-s "
          f"(start-up and rules); {cost / baseline:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20, help="trials (default 20)")
    parser.add_argument("--files", type=int, default=300, help="articles in the dump")
    parser.add_argument("--seed", type=int, default=1, help="seed of the kill delays")
    parser.add_argument("--workers", help="passed to every curate run")
    parser.add_argument("--engine", help="passed to every curate run (local or ray)")
    parser.add_argument("--long-line", type=float, metavar="MB",
                        help="also time a file of one line of this many megabytes")
    parser.add_argument("--repeated", type=float, metavar="MB",
                        help="also time a text of one paragraph repeated to this many megabytes")
    args = parser.parse_args()
    for option in ("workers", "engine"):
        if getattr(args, option):
            RUN_OPTIONS.extend([f"--{option}", getattr(args, option)])
    work = Path(tempfile.mkdtemp(prefix="curate-faults-"))
    try:
        if args.kills:
            kill_trials(work, args.kills, args.files, args.seed)
        if args.long_line:
            long_line(work, args.long_line)
        if args.repeated:
            repeated_paragraph(work, args.repeated)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
