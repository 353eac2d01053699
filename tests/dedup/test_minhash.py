"""Shingles and MinHash signatures: the same values as datasketch, computed in bulk."""

import random
import unicodedata

import numpy as np
import pytest

from curate.dedup.exact import normalized_text
from curate.dedup.minhash import (
    MinHasher,
    estimated_jaccard,
    hash_shingle,
    jaccard,
    lsh_params,
    ngrams,
    normalized_code_points,
    shingles,
    shingles_many,
)
from tests.fixtures import SEEDS, seed_text


def all_seeds() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def without_paragraph(text: str, index: int) -> str:
    paragraphs = text.split("\n\n")
    return "\n\n".join(paragraphs[:index] + paragraphs[index + 1 :])


@pytest.fixture(scope="module")
def datasketch_minhash():
    datasketch = pytest.importorskip("datasketch")
    if getattr(datasketch.MinHash(), "scheme", "legacy") != "affine32":
        pytest.skip("datasketch < 2.0 permutes with the legacy scheme; MinHasher matches 2.x")
    return datasketch.MinHash


def test_signatures_of_every_seed_are_bit_identical_to_datasketch(datasketch_minhash):
    hasher = MinHasher(num_perm=128, seed=1)
    for text in all_seeds():
        reference = datasketch_minhash(128, 1, hashfunc=hash_shingle)
        reference.update_batch(ngrams(text))
        signature = hasher.signature(shingles(text))
        assert signature.dtype == reference.hashvalues.dtype == np.uint32
        assert np.array_equal(signature, reference.hashvalues)


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 7), (256, 42)])
def test_permutations_are_drawn_as_datasketch_draws_them(datasketch_minhash, num_perm, seed):
    reference = datasketch_minhash(num_perm, seed)
    assert np.array_equal(MinHasher(num_perm, seed).permutations, reference.permutations)
    text = seed_text("004")
    reference = datasketch_minhash(num_perm, seed, hashfunc=hash_shingle)
    reference.update_batch(ngrams(text))
    assert np.array_equal(MinHasher(num_perm, seed).signature(shingles(text)), reference.hashvalues)


def test_signing_many_at_once_equals_one_at_a_time_even_across_work_blocks():
    hasher = MinHasher()
    # 50,000+ shingles in all, so documents straddle the 16,384-column work blocks.
    hash_sets = [shingles(t) for t in all_seeds()] + [shingles("")] + [shingles(seed_text("004"))]
    together = hasher.signatures(hash_sets)
    for hashes, signature in zip(hash_sets, together, strict=True):
        assert np.array_equal(signature, hasher.signature(hashes))
    assert (together[5] == 2**32 - 1).all()  # the empty document, as datasketch's empty MinHash


def test_normalised_code_points_are_those_of_normalized_text_on_the_seeds():
    for text in all_seeds():
        assert "".join(map(chr, normalized_code_points(text))) == normalized_text(text)


def test_normalised_code_points_fold_width_circled_digits_and_combining_marks_like_nfkc():
    tricky = "ＧＰＵ１００①㍻ﬁ e\u0301 가\u1161\u11a8 ᄀ\u1161 \u0f73 Å\u030a ½ ²"
    assert "".join(map(chr, normalized_code_points(tricky))) == normalized_text(tricky)
    assert "".join(map(chr, normalized_code_points("ＧＰＵ１００，①"))) == "GPU1001"


def test_normalised_code_points_agree_with_normalized_text_on_random_code_points():
    rng = random.Random(5)
    assigned = [cp for cp in range(0x30000) if unicodedata.category(chr(cp)) not in ("Cn", "Cs")]
    for _ in range(200):
        text = "".join(chr(rng.choice(assigned)) for _ in range(60))
        assert "".join(map(chr, normalized_code_points(text))) == normalized_text(text)


@pytest.mark.parametrize("n", [3, 5, 7])
def test_shingles_are_the_distinct_hashes_of_every_character_ngram(n):
    text = seed_text("002")
    expected = sorted({hash_shingle(gram) for gram in ngrams(text, n)})
    hashes = shingles(text, n)
    assert hashes.dtype == np.uint32
    assert hashes.tolist() == expected


def test_text_shorter_than_a_shingle_is_one_shingle_and_empty_text_has_none():
    assert ngrams("英伟达！", n=5) == ["英伟达"]
    assert shingles("英伟达！", n=5).tolist() == [hash_shingle("英伟达")]
    assert ngrams("，。！ ") == [] and len(shingles("，。！ ")) == 0


def test_seed_without_one_paragraph_is_a_near_duplicate_and_another_seed_is_not():
    article = seed_text("002")
    copy = without_paragraph(article, 8)
    other = seed_text("000")  # another article on the same subject: Nvidia and Chinese GPUs
    a, b, c = shingles(article), shingles(copy), shingles(other)
    assert jaccard(a, b) > 0.9
    assert jaccard(a, c) < 0.05
    hasher = MinHasher()
    assert estimated_jaccard(hasher.signature(a), hasher.signature(b)) > 0.85
    assert estimated_jaccard(hasher.signature(a), hasher.signature(c)) < 0.1


def test_jaccard_of_two_empty_documents_is_one():
    empty = shingles("")
    assert jaccard(empty, empty) == 1.0
    assert jaccard(empty, shingles("英伟达市值破万亿")) == 0.0


@pytest.mark.parametrize("num_perm", [64, 128, 256])
def test_lsh_bands_and_rows_are_those_datasketch_chooses(num_perm):
    lsh = pytest.importorskip("datasketch.lsh")
    for threshold in (0.5, 0.7, 0.8, 0.9):
        assert lsh_params(threshold, num_perm) == lsh._optimal_param(threshold, num_perm, 0.5, 0.5)
    assert lsh_params(0.8, 128) == (9, 13)


def test_no_character_past_the_decomposed_planes_has_a_canonical_decomposition():
    # The normalisation table looks for compositions below _DECOMPOSED_BELOW only.
    from curate.dedup.minhash import _DECOMPOSED_BELOW

    assert not any(unicodedata.decomposition(chr(cp)) for cp in range(_DECOMPOSED_BELOW, 0x110000))


def test_shingling_many_texts_at_once_equals_one_at_a_time():
    paragraphs = [line for path in sorted(SEEDS.glob("*.txt"))
                  for line in path.read_text(encoding="utf-8").split("\n")]
    # Texts shorter than a window, empty, with marks NFC composes (e\u0301) or characters
    # NFKC expands (㍻), which are shingled alone.
    paragraphs += ["", "英", "英伟", "e\u0301te\u0301", "平成㍻元年", "ＧＰＵ１００，英伟达", "，。"]
    for size in (1, 9, len(paragraphs)):
        for start in range(0, len(paragraphs), size):
            batch = paragraphs[start:start + size]
            for together, text in zip(shingles_many(batch), batch, strict=True):
                alone = shingles(text)
                assert together.dtype == alone.dtype and np.array_equal(together, alone), text
