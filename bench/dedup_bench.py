"""Near-duplicate machinery: signature speed, shingle size, index scaling, precision and
recall on planted near-duplicates. Prints figures; asserts nothing.

    python bench/dedup_bench.py            # a few minutes
    python bench/dedup_bench.py --quick    # about a minute: smaller samples, no 1M index
    python bench/dedup_bench.py --command 20000   # `curate dedup` on 20,000 articles alone

Real text comes from ``shared/data`` beside the repository (or ``$CURATE_SHARED/data``):
CCTV news stories (xwlb-cctv-news.jsonl) joined into articles of ~2,000 characters, and the
伪原创 spin pairs for spun copies. Without it, signature speed is measured on the seeds and
the sections that need a corpus are skipped.

- signatures: ``MinHasher`` against datasketch ``MinHash.update`` (one n-gram a call) and
  ``update_batch`` on the same n-grams, and whether the values are identical;
- shingle size: Jaccard of edited copies and of different articles for n = 3..7;
- index: query+insert throughput and peak RSS at 10k, 100k and 1M documents, each size in a
  fresh process, for the segment index and an SQLite baseline. Signatures are synthetic
  (random, with 1% near-copies of the previous batch planted so queries find something);
- recall: candidates and verified matches for copies of real articles planted at true
  Jaccard 0.6-1.0 by dropping paragraphs and replacing characters, with the default bands
  and with datasketch's balanced choice;
- ``curate dedup``: peak RSS (GNU time's maximum resident set size), wall-clock and
  CPU-seconds of the command on a JSONL dump of generated articles (the generator of
  ``bench/memory.py``: 3% near-copies with a paragraph dropped, 1% exact copies), with the
  counts it wrote. Needs ``/usr/bin/time``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from curate.dedup.index import DedupIndex, IndexParams, band_keys
from curate.dedup.minhash import (
    SHINGLE_SIZE,
    MinHasher,
    estimated_jaccard,
    hash_shingle,
    jaccard,
    lsh_params,
    ngrams,
    shingles,
)

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CURATE_SHARED", REPO.parent / "shared"))
NEWS = SHARED / "data" / "xwlb-cctv-news.jsonl"
SPIN = SHARED / "data" / "spin-weiyuanchuang-42537.tsv"
ARTICLE_CHARS = 2000
BATCH = 1000
COMMIT_EVERY = 10_000
TIME = "/usr/bin/time"


def peak_rss_mb() -> tuple[float, float | None]:
    """``ru_maxrss`` and, where /proc has it, VmHWM, in MB. In a child started by
    ``subprocess`` the first includes the parent's RSS at fork time (Linux keeps the
    high-water mark across exec); VmHWM is the child's own."""
    status = Path("/proc/self/status")
    hwm = None
    if status.is_file():
        hwm = next((int(line.split()[1]) / 1024 for line in status.read_text().splitlines()
                    if line.startswith("VmHWM:")), None)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, hwm  # KB on Linux


def load_articles(limit: int) -> list[str]:
    """CCTV stories in file order, joined with line breaks until ~2,000 characters."""
    articles, stories = [], []
    with NEWS.open(encoding="utf-8") as lines:
        for line in lines:
            stories.append(json.loads(line).get("text") or "")
            if sum(map(len, stories)) >= ARTICLE_CHARS:
                articles.append("\n".join(stories))
                stories = []
                if len(articles) == limit:
                    break
    return articles


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>10,.0f}/s"


def bench_signatures(texts: list[str], quick: bool) -> None:
    from datasketch import MinHash

    print(f"\n## Signatures: 128 permutations, {len(texts)} texts of "
          f"{np.mean([len(t) for t in texts]):,.0f} characters, character {SHINGLE_SIZE}-grams")
    hasher = MinHasher(128, 1)
    shingles(texts[0])  # builds the code point table once (~0.4 s a process), not timed
    start = time.perf_counter()
    hash_sets = [shingles(t) for t in texts]
    shingled = time.perf_counter() - start
    start = time.perf_counter()
    batch = hasher.signatures(hash_sets)
    batched = time.perf_counter() - start
    start = time.perf_counter()
    for hashes in hash_sets:
        hasher.signature(hashes)
    one_by_one = time.perf_counter() - start
    print(f"shingles (normalise + hash windows)        {rate(len(texts), shingled)}")
    print(f"MinHasher.signatures, whole list           {rate(len(texts), batched)}")
    print(f"MinHasher.signature, one at a time         {rate(len(texts), one_by_one)}")
    print(f"text -> signature (shingles + signatures)  {rate(len(texts), shingled + batched)}")

    for method, count in (("update", 10 if quick else 40), ("update_batch", 50 if quick else 200)):
        count = min(count, len(texts))
        grams = [ngrams(t) for t in texts[:count]]
        start = time.perf_counter()
        sketches = []
        for words in grams:
            sketch = MinHash(128, 1, hashfunc=hash_shingle)
            if method == "update":
                for word in words:
                    sketch.update(word)
            else:
                sketch.update_batch(words)
            sketches.append(sketch)
        seconds = time.perf_counter() - start
        same = sum(bool((s.hashvalues == batch[i]).all()) for i, s in enumerate(sketches))
        print(f"datasketch MinHash.{method:<13}           {rate(count, seconds)}"
              f"   identical to MinHasher: {same}/{count}")


def edited_copies(articles: list[str], rng: random.Random) -> dict[str, list[str]]:
    """The edits of the shingle-size table, one copy of each article per edit."""
    alphabet = sorted({c for a in articles for c in a if c.isalnum()})

    def replace(text: str, share: float) -> str:
        return "".join(rng.choice(alphabet) if c.isalnum() and rng.random() < share else c
                       for c in text)

    def drop_paragraph(text: str) -> str:
        paragraphs = text.split("\n")
        del paragraphs[rng.randrange(len(paragraphs))]
        return "\n".join(paragraphs)

    edits = {
        "one paragraph dropped": drop_paragraph,
        "1% characters replaced": lambda t: replace(t, 0.01),
        "3% characters replaced": lambda t: replace(t, 0.03),
    }
    if SPIN.is_file():
        pairs = [line.rstrip("\n").split("\t") for line in SPIN.open(encoding="utf-8")
                 if not line.startswith("#")]
        pairs = [p for p in pairs[1:] if len(p) == 2 and all(p)]

        def spin(text: str, words: int = 20) -> str:
            done = 0
            for original, spun in rng.sample(pairs, len(pairs)):
                if original in text:
                    text, done = text.replace(original, spun, 1), done + 1
                    if done == words:
                        break
            return text

        edits["20 spun words"] = spin
        edits["80 spun words"] = lambda t: spin(t, 80)
    return {name: [edit(a) for a in articles] for name, edit in edits.items()}


def bench_shingle_size(articles: list[str], quick: bool) -> None:
    rng = random.Random(7)
    sample = rng.sample(articles, min(len(articles), 150 if quick else 400))
    copies = edited_copies(sample, rng)
    pairs = [(i, j) for i in range(len(sample)) for j in range(i + 1, len(sample))]
    pairs = rng.sample(pairs, min(len(pairs), 5000 if quick else 20000))
    print(f"\n## Shingle size: Jaccard of a copy vs its original, mean (5th percentile), "
          f"{len(sample)} articles; different articles: {len(pairs)} pairs")
    print("n  " + "".join(f"{name:>24}" for name in copies) + "   different: mean/p99.9/max")
    for n in range(3, 8):
        originals = [shingles(a, n) for a in sample]
        cells = []
        for edited in copies.values():
            scores = [jaccard(o, shingles(e, n)) for o, e in zip(originals, edited, strict=True)]
            cells.append(f"{np.mean(scores):.3f} ({np.percentile(scores, 5):.3f})")
        other = np.array([jaccard(originals[i], originals[j]) for i, j in pairs])
        print(f"{n}  " + "".join(f"{c:>24}" for c in cells)
              + f"   {other.mean():.3f}/{np.percentile(other, 99.9):.3f}/{other.max():.3f}")


def synthetic_batches(size: int, num_perm: int) -> Iterator[tuple[list[str], np.ndarray]]:
    """Random signatures in batches, 1% of each a near-copy of a row of the previous batch."""
    rng = np.random.default_rng(size)
    previous = None
    for start in range(0, size, BATCH):
        signatures = rng.integers(0, 2**32, (BATCH, num_perm), dtype=np.uint32)
        if previous is not None:
            rows = rng.choice(BATCH, BATCH // 100, replace=False)
            signatures[rows] = previous[rows]
            changed = rng.integers(0, num_perm, (len(rows), 5))
            signatures[rows[:, None], changed] = rng.integers(0, 2**32, changed.shape,
                                                              dtype=np.uint32)
        previous = signatures
        yield [f"doc-{start + i:08d}" for i in range(BATCH)], signatures


def run_segments(folder: Path, size: int) -> dict[str, float]:
    params = IndexParams()
    elapsed = found = 0.0
    index = DedupIndex.open(folder, params)
    for ids, signatures in synthetic_batches(size, params.num_perm):
        start = time.perf_counter()
        found += sum(map(len, index.query_many(signatures)))
        index.add_many(ids, signatures)
        if len(index) % COMMIT_EVERY == 0:
            index.commit()
        elapsed += time.perf_counter() - start
    index.commit()
    segments = len(list(folder.glob("seg-*.bin")))
    index.close()
    start = time.perf_counter()
    index = DedupIndex.open(folder, params)
    reopened = time.perf_counter() - start
    probe = next(synthetic_batches(size, params.num_perm))[1]
    start = time.perf_counter()
    for _ in range(5):
        index.query_many(probe)
    query_only = 5 * BATCH / (time.perf_counter() - start)
    index.close()
    return {"seconds": elapsed, "candidates": found, "segments": segments,
            "reopen_ms": reopened * 1000, "query_only": query_only}


def run_sqlite(folder: Path, size: int) -> dict[str, float]:
    """The alternative measured for the storage choice: same data, same batches."""
    params = IndexParams()
    db = sqlite3.connect(folder / "index.sqlite")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA cache_size=-262144")
    db.execute("CREATE TABLE docs(key INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE, "
               "signature BLOB NOT NULL)")
    db.execute("CREATE TABLE buckets(bucket INTEGER NOT NULL, key INTEGER NOT NULL, "
               "PRIMARY KEY (bucket, key)) WITHOUT ROWID")
    elapsed = found = 0.0
    key = 0
    for ids, signatures in synthetic_batches(size, params.num_perm):
        start = time.perf_counter()
        buckets = band_keys(signatures, params.bands, params.rows).view(np.int64)
        needles = buckets.ravel().tolist()
        hits = set()
        for lo in range(0, len(needles), 900):
            chunk = needles[lo : lo + 900]
            hits.update(db.execute(
                f"SELECT key FROM buckets WHERE bucket IN ({','.join('?' * len(chunk))})",
                chunk).fetchall())
        found += len(hits)
        db.executemany("INSERT OR IGNORE INTO docs VALUES (?, ?, ?)",
                       [(key + i, doc_id, signatures[i].tobytes()) for i, doc_id in enumerate(ids)])
        db.executemany("INSERT OR IGNORE INTO buckets VALUES (?, ?)",
                       [(b, key + i) for i, row in enumerate(buckets.tolist()) for b in row])
        key += len(ids)
        if key % COMMIT_EVERY == 0:
            db.commit()
        elapsed += time.perf_counter() - start
    db.commit()
    db.close()
    return {"seconds": elapsed, "candidates": found}


def index_child(storage: str, size: int) -> None:
    with tempfile.TemporaryDirectory(prefix="dedup-bench-") as folder:
        run = run_segments if storage == "segments" else run_sqlite
        figures = run(Path(folder), size)
        disk = sum(p.stat().st_size for p in Path(folder).iterdir())
    rss, hwm = peak_rss_mb()
    figures.update(size=size, rss_mb=rss, hwm_mb=hwm, disk_mb=disk / 2**20)
    print(json.dumps(figures))


def bench_index(sizes: list[int], storages: list[str]) -> None:
    print(f"\n## Index: query_many + add_many in batches of {BATCH:,}, commit every "
          f"{COMMIT_EVERY:,}; synthetic signatures, {IndexParams().bands} bands of "
          f"{IndexParams().rows} rows; each run in a fresh process")
    for storage in storages:
        for size in sizes:
            child = subprocess.run(
                [sys.executable, __file__, "--index-child", storage, str(size)],
                capture_output=True, text=True, check=False)
            if child.returncode:
                print(f"{storage} {size:,}: failed\n{child.stderr}")
                continue
            f = json.loads(child.stdout.strip().splitlines()[-1])
            line = (f"{storage:<9}{size:>10,} docs {rate(size, f['seconds'])} query+insert  "
                    f"peak RSS {f['rss_mb']:>4.0f} MB (VmHWM {f['hwm_mb'] or 0:>4.0f})  "
                    f"disk {f['disk_mb']:>4.0f} MB")
            if storage == "segments":
                line += (f"  {f['segments']} segments; reopened in {f['reopen_ms']:.0f} ms, "
                         f"then queries alone {f['query_only']:,.0f}/s")
            print(line, flush=True)


def planted_copy(text: str, rng: random.Random, alphabet: list[str]) -> str:
    """Drop some paragraphs and replace a share of characters, at a random intensity."""
    paragraphs = text.split("\n")
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        if len(paragraphs) > 1:
            del paragraphs[rng.randrange(len(paragraphs))]
    share = rng.choice([0.0, rng.uniform(0.0, 0.06)])
    return "\n".join("".join(rng.choice(alphabet) if c.isalnum() and rng.random() < share
                             else c for c in p) for p in paragraphs)


def bench_recall(articles: list[str], quick: bool) -> None:
    rng = random.Random(11)
    alphabet = sorted({c for a in articles for c in a if c.isalnum()})
    originals = [shingles(a) for a in articles]
    planted: list[tuple[int, np.ndarray, float]] = []
    while len(planted) < (300 if quick else 1500):
        source = rng.randrange(len(articles))
        copy = shingles(planted_copy(articles[source], rng, alphabet))
        similarity = jaccard(originals[source], copy)
        if similarity >= 0.6:
            planted.append((source, copy, similarity))
    default = IndexParams()
    balanced = IndexParams(bands=lsh_params(default.threshold, default.num_perm)[0],
                           rows=lsh_params(default.threshold, default.num_perm)[1])
    hasher = MinHasher(default.num_perm, default.seed)
    signatures = hasher.signatures([copy for _, copy, _ in planted])
    edges = [0.6, 0.7, 0.8, 0.9, 1.01]
    bins = [[k for k, p in enumerate(planted) if lo <= p[2] < hi]
            for lo, hi in zip(edges, edges[1:], strict=False)]
    print(f"\n## Recall: {len(planted)} copies planted at true Jaccard 0.6-1.0 among "
          f"{len(articles):,} articles (per bin: {[len(b) for b in bins]}); a copy counts "
          f"as found when its source is a candidate, and as verified when the estimated "
          f"Jaccard against the stored signature is >= {default.threshold}")
    print(f"{'bands x rows':<21}candidates among the copies, by true Jaccard   verified:")
    print(f"{'':<21}" + "".join(f"{f'{lo:.1f}-{min(hi, 1.0):.1f}':>10}"
                                 for lo, hi in zip(edges, edges[1:], strict=False))
          + "   precision  recall  query+verify")
    for params in (balanced, default):
        with tempfile.TemporaryDirectory(prefix="dedup-bench-") as folder:
            index = DedupIndex.open(folder, params)
            index.add_many([str(i) for i in range(len(articles))], hasher.signatures(originals))
            index.similar_many(signatures[:10])  # warm up: first reads of the files
            start = time.perf_counter()
            candidates = index.query_many(signatures)
            verified = index.similar_many(signatures)
            seconds = time.perf_counter() - start
            index.close()
        shares = [sum(str(planted[k][0]) in candidates[k] for k in rows) / max(len(rows), 1)
                  for rows in bins]
        flagged = [(int(i), copy) for (_, copy, _), found in zip(planted, verified, strict=True)
                   for i, _ in found]
        true_positives = sum(jaccard(originals[i], copy) >= default.threshold
                             for i, copy in flagged)
        positives = sum(p[2] >= default.threshold for p in planted)
        label = f"{params.bands} x {params.rows}" + (" (datasketch)" if params is balanced else "")
        print(f"{label:<21}" + "".join(f"{share:>10.1%}" for share in shares)
              + f"   {true_positives / max(len(flagged), 1):>9.3f}  "
              f"{true_positives / positives:>6.3f}  {rate(len(planted), seconds)}")
    unrelated = sum(len(c) - (str(planted[k][0]) in c) for k, c in enumerate(candidates))
    error = np.mean([abs(estimated_jaccard(signatures[k], hasher.signature(originals[s])) - j)
                     for k, (s, _, j) in enumerate(planted)])
    print(f"candidates other than the planted source: {unrelated}; |estimated - true Jaccard| "
          f"of planted pairs: {error:.3f} on average")


def write_articles(path: Path, count: int) -> int:
    """``count`` generated articles as JSONL records with an id; the bytes written."""
    sys.path.insert(0, str(REPO / "bench"))
    from memory import articles

    with path.open("w", encoding="utf-8") as stream:
        for number, (title, created, text) in enumerate(articles(10**12), start=1):
            record = {"id": f"article-{number:07d}", "title": title, "created": created,
                      "text": text}
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            if number == count:
                break
    return path.stat().st_size


def bench_command(count: int) -> None:
    """`curate dedup` run in a fresh process under GNU time."""
    if not Path(TIME).exists():
        print(f"\n## curate dedup: {TIME} is missing (apt-get install -y time); skipped")
        return
    with tempfile.TemporaryDirectory(prefix="dedup-bench-") as folder:
        dump, out = Path(folder) / "dump.jsonl", Path(folder) / "out"
        size = write_articles(dump, count)
        finished = subprocess.run(
            [TIME, "-v", sys.executable, "-m", "curate", "dedup", str(dump), "-o", str(out),
             "--quiet"], capture_output=True, text=True, check=False, cwd=REPO)
        figures = {}
        for line in finished.stderr.splitlines():
            name, _, value = line.strip().rpartition(": ")
            figures[name] = value
        if finished.returncode:
            print(f"\n## curate dedup: exit code {finished.returncode}\n{finished.stderr}")
            return
        counts = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]
    cpu = float(figures["User time (seconds)"]) + float(figures["System time (seconds)"])
    rss = int(figures["Maximum resident set size (kbytes)"]) / 1024
    print(f"\n## curate dedup on {count:,} generated articles ({size / 1e6:,.0f} MB JSONL), "
          "one process")
    print(f"peak RSS {rss:,.0f} MB; {cpu:,.1f} CPU-s ({count / cpu:,.0f} documents per "
          f"CPU-s), wall-clock {figures['Elapsed (wall clock) time (h:mm:ss or m:ss)']}; "
          f"counts {json.dumps(counts)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller samples, no 1M index")
    parser.add_argument("--command", type=int, metavar="DOCUMENTS",
                        help="only `curate dedup` on this many generated articles")
    parser.add_argument("--index-child", nargs=2, metavar=("STORAGE", "SIZE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.index_child:
        index_child(args.index_child[0], int(args.index_child[1]))
        return 0
    if args.command:
        bench_command(args.command)
        return 0
    print(f"machine: {os.cpu_count()} cores; this process before the index runs: "
          f"ru_maxrss {peak_rss_mb()[0]:.0f} MB")
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    bench_index(sizes, ["segments", "sqlite"])
    if NEWS.is_file():
        articles = load_articles(1000 if args.quick else 3000)
    else:
        print(f"{NEWS} not found (set CURATE_SHARED to the shared folder): signature speed on "
              "the seeds only; shingle size and recall skipped")
        articles = [p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("*.txt"))]
    bench_signatures(articles[: 500 if args.quick else 2000], args.quick)
    if NEWS.is_file():
        bench_shingle_size(articles, args.quick)
        bench_recall(articles, args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
