"""Near-duplicate candidates as stages over shards, so that no stage runs on one core.

1. **Signatures per shard**: each shard of documents signs its own (`MinHasher`) and cuts
   each signature into band bucket keys (`band_keys`, the index's banding), then sends every
   ``(bucket key, document id)`` to the partition that owns the key (`shard_entries`). A
   bucket key hashes its band's rows from a state that depends on the band, so a bucket of
   one band lives wholly in one partition, and partitions are even in size.
2. **Band buckets per partition** (`BandPartition`): a partition sorts what the shards sent
   it by bucket and links the documents of each bucket holding several, first to each other
   (a star, not every pair): the edges of the candidate graph, named by document id.
3. **Clusters per partition, then merged**: each partition resolves its edges into clusters
   (`components`, union-find by hooking and pointer jumping in NumPy), labelling every
   document in a cluster with the smallest document id in it; `merge_clusters` joins two
   partitions' labellings the same way, pairwise in a tree, so the last merge holds only the
   documents that have a candidate, not the corpus.

What comes out, each document with a candidate and its cluster's label, goes to the checks
a run makes today (true Jaccard, the keep order: `NearDuplicateFilter.decide` given the
clusters), which then look within a document's own cluster and the corpus's index; the
index format is unchanged, since the bucket keys are the index's own. `curate run --engine
ray` runs the stages on its workers (`curate.executor.ray.RayBandStages`).
``python bench/scale_out.py`` measures each stage's cost per shard as shards are added.

>>> import numpy as np
>>> labels = components(np.array([5, 7, 9]), np.array([7, 9, 11]))
>>> labels.documents.tolist(), labels.labels.tolist()
([5, 7, 9, 11], [5, 5, 5, 5])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from curate.dedup.index import IndexParams, band_keys
from curate.sorted_unique import run_starts


@dataclass
class Clusters:
    """Documents that have a near-duplicate candidate, each with its cluster's label: the
    smallest document id in the cluster. Sorted by document id."""

    documents: np.ndarray  # int64
    labels: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.documents)


def partition_of(keys: np.ndarray, partitions: int) -> np.ndarray:
    """The partition owning each bucket key."""
    return (keys % np.uint64(partitions)).astype(np.int64)


def shard_entries(signatures: np.ndarray, documents: np.ndarray, params: IndexParams,
                  partitions: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """One shard's ``(bucket keys, document ids)`` for each partition, from its (documents x
    num_perm) uint32 signatures and its documents' int64 ids."""
    keys = band_keys(signatures, params.bands, params.rows).ravel()
    owners = np.repeat(documents.astype(np.int64), params.bands)
    where = partition_of(keys, partitions)
    order = np.argsort(where, kind="stable")
    bounds = np.searchsorted(where[order], np.arange(partitions + 1))
    return [(keys[order[lo:hi]], owners[order[lo:hi]])
            for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]


class BandPartition:
    """The band buckets one partition owns, gathered from every shard."""

    def __init__(self, entries: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
        keys = np.concatenate([k for k, _ in entries]) if entries else np.empty(0, np.uint64)
        documents = (np.concatenate([d for _, d in entries]) if entries
                     else np.empty(0, np.int64))
        order = np.lexsort((documents, keys))  # by bucket, then document: deterministic
        self.keys, self.documents = keys[order], documents[order]

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Each document of a bucket of several linked to the bucket's first (smallest id)."""
        if len(self.keys) < 2:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        starts = np.flatnonzero(run_starts(self.keys))
        sizes = np.diff(np.r_[starts, len(self.keys)])
        first = np.repeat(self.documents[starts], sizes)
        linked = self.documents != first
        return first[linked], self.documents[linked]

    def clusters(self) -> Clusters:
        """The clusters of this partition's candidate edges."""
        return components(*self.edges())


def components(left: np.ndarray, right: np.ndarray) -> Clusters:
    """The connected components of the graph of edges ``left[i] -- right[i]``.

    Union-find over all edges at once: each round hooks the larger root of every edge under
    the smaller, then jumps pointers until every document points at its root; a few rounds
    settle graphs of millions of edges.
    """
    documents, inverse = np.unique(np.concatenate([left, right]), return_inverse=True)
    a, b = inverse[: len(left)], inverse[len(left):]
    parent = np.arange(len(documents))
    while True:
        ra, rb = parent[a], parent[b]
        apart = ra != rb
        if not apart.any():
            break
        low, high = np.minimum(ra[apart], rb[apart]), np.maximum(ra[apart], rb[apart])
        np.minimum.at(parent, high, low)
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped
    # documents is sorted, so a root (the smallest index of its component) is its smallest id
    return Clusters(documents.astype(np.int64), documents[parent].astype(np.int64))


def merge_clusters(parts: Sequence[Clusters]) -> Clusters:
    """The clusters of several partitions joined: a document's labels in two partitions name
    the same cluster. Merged pairwise, in a tree, as partitions would be on separate nodes."""
    if not parts:
        return Clusters(np.empty(0, np.int64), np.empty(0, np.int64))
    level = list(parts)
    while len(level) > 1:
        level = [_merge_two(level[i], level[i + 1]) if i + 1 < len(level) else level[i]
                 for i in range(0, len(level), 2)]
    return level[0]


def _merge_two(first: Clusters, second: Clusters) -> Clusters:
    return components(np.concatenate([first.documents, second.documents]),
                      np.concatenate([first.labels, second.labels]))
