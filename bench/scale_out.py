"""Near-duplicate stages over shards: each stage's cost per shard as shards are added.

    python bench/scale_out.py                              # 125,000 signatures a shard
    python bench/scale_out.py --per-shard 1250000          # 10 M signatures at 8 shards

At 10 M (1.25 M a shard, rows of 1, 2, 4 and 8 shards: 19 M signatures made in all) the
bench took 210 CPU-seconds and 18.5 minutes of wall-clock on a shared 2-core machine (load
average 8-17), with a peak RSS of 1.5 GB and 2.2 GB of partition files in the temporary
folder at 8 shards. It fits because no signature is kept: a shard's are made 100,000 at a
time and cut into bucket keys at once, so what a shard holds and writes is 16 bytes a
bucket entry (the uint64 key and the int64 document id, 14 entries a document), and a
partition reads only its own entries.

Simulates a cluster in one process: for 1, 2, 4 and 8 shards of ``--per-shard`` synthetic
MinHash signatures each (so the dump grows with the shards, as a cluster grows with its
input), it runs the stages of `curate.dedup.bands` one shard or partition at a time and
times each with the process's CPU clock:

1. *band keys*: a shard cuts its signatures into the index's band bucket keys (14 bands of 9
   rows at the default threshold) and writes one file a partition of ``(bucket key,
   document id)``, as a shard would send them to the node owning the partition;
2. *buckets*: a partition (as many as shards) reads its files from every shard, sorts them
   into buckets and links the documents sharing one;
3. *clusters*: the partition resolves its links into clusters (union-find);
4. *merge*: the partitions' clusters joined pairwise in a tree; its cost follows the
   documents that have a candidate, not the dump.

A flat CPU-seconds per shard (or partition) across the rows is what lets a cluster of N
nodes take a dump N times as large in the same time. The signatures are shaped as
`curate.dedup.minhash.MinHasher` makes them (uint32, 128 permutations) and random;
``--copies`` percent of documents are near-duplicates of a story (each of its values
replaced with probability 0.1: Jaccard ~0.8), about four a story, across shards. The
bench checks the clusters against the planted copies (recall, and documents clustered that
have no copy) and prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from curate.dedup.bands import (
    BandPartition,
    Clusters,
    components,
    merge_clusters,
    shard_entries,
)
from curate.dedup.index import IndexParams

NUM_PERM = IndexParams().num_perm
# Signatures generated at once: ~100 MB of uint64 work arrays.
CHUNK = 100_000


def shard_signatures(shard: int, per_shard: int, stories: int, copies: int, seed: int
                     ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """A shard's documents in chunks: their ids, (documents x NUM_PERM) uint32 signatures,
    and the planted story each copies (-1 for an original). A copy is its story's signature
    with each value replaced by a random one with probability 0.1 (Jaccard ~0.8)."""
    rng = np.random.default_rng([seed, 1, shard])
    told = np.random.default_rng([seed, 2]).integers(0, 1 << 32, (stories, NUM_PERM),
                                                  dtype=np.uint32)
    for lo in range(shard * per_shard, (shard + 1) * per_shard, CHUNK):
        documents = np.arange(lo, min(lo + CHUNK, (shard + 1) * per_shard), dtype=np.int64)
        signed = rng.integers(0, 1 << 32, (len(documents), NUM_PERM), dtype=np.uint32)
        story = np.where(rng.integers(0, 100, len(documents)) < copies,
                         rng.integers(0, stories, len(documents)), -1)
        copied = np.flatnonzero(story >= 0)
        kept = rng.integers(0, 10, (len(copied), NUM_PERM), dtype=np.uint8) > 0
        signed[copied] = np.where(kept, told[story[copied]], signed[copied])
        yield documents, signed, story


def band_stage(shard: int, shards: int, signed_chunks: Iterator, params: IndexParams,
               folder: Path, truth: list[np.ndarray]) -> float:
    """Cut one shard's signatures into bucket keys, one file a partition; its CPU-seconds."""
    spent = 0.0
    parts: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in range(shards)]
    for documents, signed, story in signed_chunks:  # what the signing stage gives
        truth.append(story)
        start = time.process_time()
        for partition, entry in enumerate(shard_entries(signed, documents, params, shards)):
            parts[partition].append(entry)
        spent += time.process_time() - start
    start = time.process_time()
    for partition, entries in enumerate(parts):
        name = f"shard{shard:03d}-part{partition:03d}"
        np.concatenate([k for k, _ in entries]).tofile(folder / f"{name}.keys")
        np.concatenate([d for _, d in entries]).tofile(folder / f"{name}.ids")
    return spent + time.process_time() - start


def partition_stage(partition: int, shards: int, folder: Path) -> tuple[float, float, Clusters]:
    """One partition's buckets, then its clusters: the CPU-seconds of each, and the clusters."""
    start = time.process_time()
    entries = []
    for shard in range(shards):
        name = f"shard{shard:03d}-part{partition:03d}"
        entries.append((np.fromfile(folder / f"{name}.keys", dtype=np.uint64),
                        np.fromfile(folder / f"{name}.ids", dtype=np.int64)))
    buckets = BandPartition(entries)
    edges = buckets.edges()
    middle = time.process_time()
    found = components(*edges)
    return middle - start, time.process_time() - middle, found


def check(found: Clusters, stories: np.ndarray) -> tuple[float, int]:
    """Recall of the planted copies (copies of one story in one cluster, and no other story's
    there), and how many documents were clustered that are no copy."""
    label = np.full(len(stories), -1, dtype=np.int64)
    label[found.documents] = found.labels
    copied = np.flatnonzero(stories >= 0)
    order = copied[np.lexsort((label[copied], stories[copied]))]
    # a story's copies are recalled when they share its most common label
    pairs = np.stack([stories[order], label[order]], axis=1)
    unique, counts = np.unique(pairs, axis=0, return_counts=True)
    best: dict[int, int] = {}
    for (story, labelled), count in zip(unique.tolist(), counts.tolist(), strict=True):
        if labelled >= 0 and count > best.get(story, 1):
            best[story] = count
    story_sizes = np.bincount(stories[copied])
    groups = int((story_sizes >= 2).sum())
    recalled = sum(best.values()) / max(1, int(story_sizes[story_sizes >= 2].sum()))
    strays = int((stories[found.documents] < 0).sum())
    return recalled if groups else 1.0, strays


def run(shards: int, per_shard: int, copies: int, params: IndexParams, seed: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="curate-scale-out-"))
    try:
        wall = time.perf_counter()
        # about four copies a story: clusters of a few documents, across shards
        stories = max(1, per_shard * shards * copies // 400)
        truth: list[np.ndarray] = []
        band = [band_stage(s, shards, shard_signatures(s, per_shard, stories, copies, seed),
                           params, folder, truth) for s in range(shards)]
        bucket, cluster, parts = [], [], []
        for partition in range(shards):
            spent_buckets, spent_clusters, found = partition_stage(partition, shards, folder)
            bucket.append(spent_buckets)
            cluster.append(spent_clusters)
            parts.append(found)
        start = time.process_time()
        merged = merge_clusters(parts)
        merge = time.process_time() - start
        wall = time.perf_counter() - wall
        recall, strays = check(merged, np.concatenate(truth))
        print(f"{shards:6d} {per_shard * shards:>12,} {np.mean(band):8.2f} {max(band):6.2f} "
              f"{np.mean(bucket):8.2f} {max(bucket):6.2f} {np.mean(cluster):8.2f} "
              f"{max(cluster):6.2f} {merge:7.2f} {len(merged):>10,} {recall:7.4f} {strays:6d} "
              f"{wall:7.1f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-shard", type=int, default=125_000,
                        help="signatures a shard (default 125,000: 1 M at 8 shards)")
    parser.add_argument("--shards", default="1,2,4,8", help="shard counts (default 1,2,4,8)")
    parser.add_argument("--copies", type=int, default=5,
                        help="percent of documents that are near-duplicates (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the signatures")
    args = parser.parse_args()
    params = IndexParams()
    print(f"{params.bands} bands of {params.rows} rows, {NUM_PERM} permutations; "
          f"{args.per_shard:,} signatures a shard, {args.copies}% planted copies; "
          "CPU-seconds per shard or partition (mean, max)")
    print("shards   signatures   band keys       buckets        clusters     merge  clustered"
          "  recall strays  wall s")
    for shards in (int(n) for n in args.shards.split(",")):
        run(shards, args.per_shard, args.copies, params, args.seed)


if __name__ == "__main__":
    main()
