"""Peak memory of `curate run` on a large dump: it stays bounded whatever the dump's size.

    python bench/memory.py                  # a 200 MB JSONL dump, a few minutes
    python bench/memory.py --size 2GB       # the target size; about two hours on 2 cores
    python bench/memory.py --files          # the same text as one .txt file per article
    python bench/memory.py --batch 1000     # another [run] batch_documents
    python bench/memory.py --hostile --size 20MB   # bombs and bad lines instead of articles

Runs ``curate run`` in a fresh process under GNU time (``/usr/bin/time -v``; on Debian or
Ubuntu ``apt-get install -y time`` if it is missing) and prints the dump's size, the
documents, the elapsed time, the CPU-seconds of the run and its workers, and the peak
resident set size (of the largest one process: the run's own, or a worker's). Prints figures; asserts nothing.

The dump is generated: articles of 6-14 paragraphs of 60-300 characters (~2,200 characters
on average, the size of the seeds), drawn character by character from the seeds' Han
characters at their frequencies, with full-width commas and full stops; 3% are copies of an
earlier article with a paragraph dropped (near-duplicates) and 1% exact copies, so that
deduplication has work to do. Random text shares almost no 3-grams between articles, so
nearly every article is kept and indexed: the worst case for the index's memory.

``--hostile`` writes, instead of articles, what once cost memory without a bound: 1 GiB of
zeros gzipped as a ``.txt.gz`` and as a ``.jsonl.gz``, a zip holding 1 GiB of zeros, a 300 MB
``.txt`` of one-character lines, and ``--size`` bytes of one-character JSONL lines (each a
reject: past ten, one summary). It prints the peak RSS and what the rejects file weighs.

What grows with the run, and what does not (see ``curate/run.py`` and ``curate/corpus.py``): documents are cleaned,
deduplicated and written a batch at a time; a JSONL dump is streamed a record at a time; the
index's passages are committed batch by batch. Per document kept, the run still holds its id
(the offset of its text, the exact-duplicate fingerprint) and its index entry until the end:
a few hundred bytes.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections import Counter
from pathlib import Path

import numpy as np

from curate.storage import CorpusReader

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
TIME = "/usr/bin/time"
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmg]?)b?", re.IGNORECASE)


def parse_size(text: str) -> int:
    """``"200MB"`` -> 200,000,000 bytes."""
    found = _SIZE.fullmatch(text.strip())
    if not found:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 200MB, 2GB)")
    return int(float(found[1]) * {"": 1, "k": 10**3, "m": 10**6, "g": 10**9}[found[2].lower()])


def character_pool() -> tuple[np.ndarray, np.ndarray]:
    """The seeds' Han characters and their frequencies."""
    counts = Counter(ch for path in sorted(SEEDS.glob("*.txt"))
                     for ch in path.read_text(encoding="utf-8") if "\u4e00" <= ch <= "\u9fff")
    chars = np.array([ord(ch) for ch in counts], dtype=np.uint32)
    weights = np.array(list(counts.values()), dtype=np.float64)
    return chars, weights / weights.sum()


def paragraph(rng: np.random.Generator, chars: np.ndarray, weights: np.ndarray) -> str:
    length = int(rng.integers(60, 300))
    points = rng.choice(chars, size=length, p=weights)
    commas = np.cumsum(rng.integers(8, 25, size=length // 8 + 1))
    points[commas[commas < length - 1]] = ord("，")
    points[-1] = ord("。")
    return points.astype("<u4").tobytes().decode("utf-32-le")


def articles(size: int, seed: int = 1):
    """``(title, created, text)`` of generated articles until ``size`` bytes of text."""
    rng = np.random.default_rng(seed)
    chars, weights = character_pool()
    written, earlier = 0, []
    number = 0
    while written < size:
        draw = rng.random()
        if draw < 0.01 and earlier:
            text = earlier[int(rng.integers(len(earlier)))]
        elif draw < 0.04 and earlier:
            parts = earlier[int(rng.integers(len(earlier)))].split("\n")
            del parts[int(rng.integers(len(parts)))]
            text = "\n".join(parts)
        else:
            text = "\n".join(paragraph(rng, chars, weights)
                             for _ in range(int(rng.integers(6, 15))))
            earlier = (earlier + [text])[-1000:]
        number += 1
        created = f"2024-{1 + number % 12:02d}-{1 + number % 28:02d}T08:00:00"
        yield f"第{number}篇", created, text
        written += len(text.encode("utf-8"))


def write_dump(folder: Path, size: int, as_files: bool) -> tuple[Path, int, int]:
    """The generated dump, its size in bytes and its number of articles."""
    count = 0
    if as_files:
        dump = folder / "dump"
        dump.mkdir()
        for count, (title, _, text) in enumerate(articles(size), start=1):
            sub = dump / f"{count // 1000:05d}"
            sub.mkdir(exist_ok=True)
            (sub / f"{count:08d}.txt").write_text(f"{title}\n{text}\n", encoding="utf-8")
        total = sum(p.stat().st_size for p in dump.rglob("*.txt"))
        return dump, total, count
    dump = folder / "dump.jsonl"
    with dump.open("w", encoding="utf-8") as stream:
        for title, created, text in articles(size):
            stream.write(json.dumps({"title": title, "created": created, "text": text},
                                    ensure_ascii=False) + "\n")
            count += 1
    return dump, dump.stat().st_size, count


def write_hostile(folder: Path, size: int) -> tuple[Path, int, int]:
    """Compression bombs and bad lines (see the module docstring), and their size on disk."""
    dump = folder / "hostile"
    dump.mkdir()
    zeros = bytes(2**20)
    for name in ("zeros.txt.gz", "zeros.jsonl.gz"):
        squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
        with (dump / name).open("wb") as stream:
            for _ in range(1024):
                stream.write(squeeze.compress(zeros))
            stream.write(squeeze.flush())
    with zipfile.ZipFile(dump / "zeros.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("zeros.txt", "w", force_zip64=True) as member:
            for _ in range(1024):
                member.write(zeros)
    with (dump / "lines.txt").open("wb") as stream:
        for _ in range(150):
            stream.write(b"x\n" * 2**20)
    with (dump / "lines.jsonl").open("wb") as stream:
        for _ in range(max(1, size // 2**21)):
            stream.write(b"x\n" * 2**20)
    files = list(dump.iterdir())
    return dump, sum(p.stat().st_size for p in files), len(files)


def measure(dump: Path, out: Path, batch: int | None) -> dict[str, str]:
    """Run ``curate run`` under ``/usr/bin/time -v``; its figures by name."""
    command = [TIME, "-v", sys.executable, "-m", "curate", "run", str(dump), "-o", str(out),
               "--fresh", "--quiet"]
    if batch is not None:
        config = out.parent / "curate.toml"
        config.write_text(f"[run]\nbatch_documents = {batch}\n", encoding="utf-8")
        command += ["--config", str(config)]
    finished = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    figures = {}
    for line in finished.stderr.splitlines():
        name, _, value = line.strip().rpartition(": ")
        if name:
            figures[name] = value
    figures["exit code"] = str(finished.returncode)
    return figures


def cpu_seconds(figures: dict[str, str]) -> float:
    """User and system CPU-seconds of the run and of the workers it waited for."""
    return sum(float(figures.get(f"{kind} time (seconds)", "0")) for kind in ("User", "System"))


def peak_megabytes(figures: dict[str, str]) -> float:
    return int(figures.get("Maximum resident set size (kbytes)", "0")) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, default=parse_size("200MB"),
                        help="bytes of article text to generate (default 200MB)")
    parser.add_argument("--files", action="store_true", help="one .txt file per article")
    parser.add_argument("--batch", type=int, help="[run] batch_documents (default: curate's)")
    parser.add_argument("--keep", type=Path, help="generate the dump and the corpus here")
    parser.add_argument("--hostile", action="store_true",
                        help="compression bombs and --size bytes of bad lines, not articles")
    args = parser.parse_args()
    if not Path(TIME).exists():
        sys.exit(f"{TIME} is missing: install GNU time (apt-get install -y time)")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="curate-memory-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        start = time.perf_counter()
        if args.hostile:
            dump, size, count = write_hostile(folder, args.size)
            print(f"dump: {size / 1e6:,.0f} MB on disk in {count} hostile files, generated in "
                  f"{time.perf_counter() - start:.0f} s")
        else:
            dump, size, count = write_dump(folder, args.size, args.files)
            print(f"dump: {size / 1e6:,.0f} MB, {count:,} articles "
                  f"({'files' if args.files else 'JSONL'}), generated in "
                  f"{time.perf_counter() - start:.0f} s")
        tiny = folder / "tiny"
        tiny.mkdir()
        (tiny / "one.txt").write_text(next(articles(1))[2], encoding="utf-8")
        baseline = peak_megabytes(measure(tiny, folder / "tiny-corpus", args.batch))
        figures = measure(dump, folder / "corpus", args.batch)
        peak = peak_megabytes(figures)
        manifest = json.loads((folder / "corpus" / "manifest.json").read_text(encoding="utf-8"))
        counts = manifest["counts"]
        print(f"curate run: exit {figures['exit code']}, "
              f"{figures.get('Elapsed (wall clock) time (h:mm:ss or m:ss)', '?')} elapsed, "
              f"{cpu_seconds(figures):,.0f} CPU-s (the run and its workers), "
              f"{counts['documents']:,} documents: {counts['kept']:,} kept, "
              f"{counts['rejected']:,} rejected")
        print(f"peak RSS: {peak:,.0f} MB for {size / 1e6:,.0f} MB of input; a run of one "
              f"article peaks at {baseline:,.0f} MB, so the dump added {peak - baseline:,.0f} MB "
              f"({(peak - baseline) * 2**20 / max(1, counts['documents']):,.0f} bytes a "
              "document)")
        corpus = CorpusReader(folder / "corpus")
        rejects = sum(path.stat().st_size for path in corpus.paths("rejects"))
        print(f"rejects: {rejects / 1e6:,.1f} MB gzipped, {corpus.count('rejects'):,} records")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
