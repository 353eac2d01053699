"""Near-duplicate candidates as stages over shards: band buckets partitioned by key, clusters
resolved per partition and merged, named by document id, whatever the number of shards."""

import numpy as np

from curate.dedup.bands import (
    BandPartition,
    components,
    merge_clusters,
    shard_entries,
)
from curate.dedup.index import IndexParams
from curate.dedup.minhash import MinHasher, shingles
from tests.fixtures import SEEDS


def seed_documents() -> list[str]:
    """The five seeds, then each again with its second paragraph left out (a republished
    copy), so documents 5-9 are near-duplicates of 0-4."""
    texts = [seed.read_text(encoding="utf-8") for seed in sorted(SEEDS.glob("*.txt"))]
    copies = []
    for text in texts:
        paragraphs = text.split("\n")
        copies.append("\n".join(paragraphs[:1] + paragraphs[2:]))
    return texts + copies


def clusters_over(shards: int, partitions: int) -> dict[int, int]:
    params = IndexParams()
    hasher = MinHasher(params.num_perm, params.seed)
    texts = seed_documents()
    ids = np.arange(100, 100 + len(texts), dtype=np.int64)  # ids, not positions
    signatures = hasher.signatures([shingles(text) for text in texts])
    sent: list[list] = [[] for _ in range(partitions)]
    for shard in np.array_split(np.arange(len(texts)), shards):
        for partition, entries in enumerate(shard_entries(signatures[shard], ids[shard],
                                                          params, partitions)):
            sent[partition].append(entries)
    merged = merge_clusters([BandPartition(entries).clusters() for entries in sent])
    return dict(zip(merged.documents.tolist(), merged.labels.tolist(), strict=True))


def test_each_republished_seed_is_clustered_with_its_original_under_the_original_id():
    assert clusters_over(shards=1, partitions=1) == {
        100: 100, 101: 101, 102: 102, 103: 103, 104: 104,
        105: 100, 106: 101, 107: 102, 108: 103, 109: 104}


def test_the_clusters_are_the_same_over_any_number_of_shards_and_partitions():
    one = clusters_over(shards=1, partitions=1)
    assert clusters_over(shards=2, partitions=3) == one
    assert clusters_over(shards=5, partitions=8) == one


def test_a_bucket_key_belongs_to_one_partition_and_each_entry_is_sent_once():
    params = IndexParams()
    signatures = MinHasher(params.num_perm, params.seed).signatures(
        [shingles(text) for text in seed_documents()])
    ids = np.arange(10, dtype=np.int64)
    sent = shard_entries(signatures, ids, params, 4)
    assert sum(len(keys) for keys, _ in sent) == 10 * params.bands
    owners = [set(keys.tolist()) for keys, _ in sent]
    assert all(not (owners[a] & owners[b]) for a in range(4) for b in range(a + 1, 4))


def test_clusters_joined_across_partitions_take_the_smallest_id_of_the_chain():
    first = components(np.array([7]), np.array([3]))  # 3 -- 7 in one partition
    second = components(np.array([7]), np.array([12]))  # 7 -- 12 in another
    merged = merge_clusters([first, second])
    assert merged.documents.tolist() == [3, 7, 12]
    assert merged.labels.tolist() == [3, 3, 3]
