"""The near-duplicate verdicts of a batch decided within its band-bucket clusters (as on Ray)
are those of looking the index up document by document as it grows: the same copy kept, the
same document named, the same passages cut, the same documents indexed."""

from pathlib import Path

import numpy as np

from curate.dedup.bands import BandPartition, merge_clusters, shard_entries
from curate.dedup.index import IndexParams
from curate.dedup.minhash import MinHasher, shingles
from curate.dedup.near import PASSAGE_SEPARATOR, Item, NearDuplicateFilter, long_paragraphs
from tests.fixtures import SEEDS


def seed_texts() -> list[str]:
    return [seed.read_text(encoding="utf-8") for seed in sorted(SEEDS.glob("*.txt"))]


def without_paragraph(text: str, number: int) -> str:
    paragraphs = text.split("\n")
    return "\n".join(paragraphs[:number] + paragraphs[number + 1:])


def batch() -> list[Item]:
    """A copy of seed 0, which is in the corpus; seeds 1-4 and two republished copies of each
    (one dated earlier than the original, so kept in its place); a text quoting two
    paragraphs of seed 0."""
    texts = seed_texts()
    items = [Item("copy-0", without_paragraph(texts[0], 2), "2023-10-22", 0)]
    for n, text in enumerate(texts[1:], start=1):
        items.append(Item(f"seed-{n}", text, "2023-10-20", len(items)))
        items.append(Item(f"copy-{n}-a", without_paragraph(text, 2), "2023-10-21", len(items)))
        items.append(Item(f"copy-{n}-b", without_paragraph(text, 3), "2023-10-19", len(items)))
    quoted = [p for p in texts[0].split("\n") if len(p) >= 60][:2]
    items.append(Item("quotes-0", "\n".join([*quoted, "编者按：以上内容转自市界。"]), None,
                      len(items)))
    return items


def filter_with_seed_0(folder: Path) -> NearDuplicateFilter:
    near = NearDuplicateFilter(folder, stored_text={"seed-0": seed_texts()[0]}.get)
    near.decide([Item("seed-0", seed_texts()[0], "2023-10-20", 0)])
    near.forget()  # as after a batch: the corpus's texts are read back
    return near


def band_clusters(signatures: np.ndarray, partitions: int):
    parts = shard_entries(signatures, np.arange(len(signatures), dtype=np.int64),
                          IndexParams(), partitions)
    return merge_clusters([BandPartition([entries]).clusters() for entries in parts])


def test_verdicts_within_band_clusters_are_those_of_the_index_looked_up_one_by_one(tmp_path):
    items = batch()
    one_by_one = filter_with_seed_0(tmp_path / "one")
    expected = one_by_one.decide(items)
    params = IndexParams()
    signatures = MinHasher(params.num_perm, params.seed).signatures(
        [shingles(item.text) for item in items])
    clustered = filter_with_seed_0(tmp_path / "clustered")
    verdicts = clustered.decide(items, signatures, band_clusters(signatures, partitions=3))
    assert verdicts == expected
    assert len(clustered.documents) == len(one_by_one.documents)
    assert [item.id in clustered.documents for item in items] == [
        item.id in one_by_one.documents for item in items]
    # what the batch holds: each copy dated earlier kept in its original's place
    assert [(item.id, verdict.duplicate_of) for item, verdict in zip(items, verdicts,
                                                                     strict=True)
            if verdict.duplicate_of] == [
        ("copy-0", "seed-0"),
        *[pair for n in range(1, 5)
          for pair in ((f"seed-{n}", f"copy-{n}-b"), (f"copy-{n}-a", f"copy-{n}-b"))]]
    assert verdicts[-1].removed_passages == [(0, "seed-0#7", 1.0), (1, "seed-0#9", 1.0)]

def test_an_item_with_no_candidate_is_kept_without_its_text_shingled_again(tmp_path):
    texts = seed_texts()
    items = [Item(f"seed-{n}", text, None, n) for n, text in enumerate(texts)]
    params = IndexParams()
    signatures = MinHasher(params.num_perm, params.seed).signatures(
        [shingles(item.text) for item in items])
    near = NearDuplicateFilter(tmp_path / "index")
    verdicts = near.decide(items, signatures, band_clusters(signatures, partitions=2))
    assert [v.duplicate_of for v in verdicts] == [None] * len(texts)
    assert len(near.documents) == len(texts)
    assert not near._shingles.keys() & {item.id for item in items}


def test_passages_signed_where_the_documents_were_cleaned_give_the_same_verdicts(tmp_path):
    items = batch()
    expected = filter_with_seed_0(tmp_path / "here").decide(items)
    params = IndexParams()
    hasher = MinHasher(params.num_perm, params.seed)
    signatures = hasher.signatures([shingles(item.text) for item in items])
    near = filter_with_seed_0(tmp_path / "signed")
    # as the workers sign them: each document's distinct long paragraphs, in order
    passages = [hasher.signatures([shingles(paragraph) for paragraph
                                   in long_paragraphs(item.text, near.passage_min_chars)])
                for item in items]
    verdicts = near.decide(items, signatures, band_clusters(signatures, partitions=2),
                           passage_signatures=passages)
    assert verdicts == expected
    assert verdicts[-1].removed_passages == [(0, "seed-0#7", 1.0), (1, "seed-0#9", 1.0)]
    # the passages indexed in the batch were no one's candidates: none of them shingled
    assert near._passage_paragraphs
    assert not [key for key in near._shingles if PASSAGE_SEPARATOR in key]
