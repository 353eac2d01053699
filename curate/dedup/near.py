"""Near-duplicate documents and passages, decided against the corpus built so far.

The index (`curate.dedup.index`) proposes candidates from MinHash signatures; a document is
only dropped when the *true* Jaccard of its character 3-grams with a candidate reaches the
threshold, so LSH false positives never cost a document. Within a batch the copy kept is
chosen by `keep_order`: earliest ``created``, then the most complete text, then the first
seen; a document already in the corpus always stays.

Passages: a paragraph of at least ``passage_min_chars`` characters that near-duplicates a
paragraph of another document already kept is cut from the later document.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from curate.dedup.bands import Clusters
from curate.dedup.index import DedupIndex, IndexParams, band_keys
from curate.dedup.minhash import MinHasher, estimated_jaccard, jaccard, shingles, shingles_many
from curate.faults import corpus_record

DEFAULT_THRESHOLD = 0.8
# Synonym-spun text (and its restoration) changes scattered words: two copies of one article
# spun separately share fewer 3-grams. bench/dedup_bench.py measures copies with 80 spun
# words at 0.796 mean Jaccard, 0.760 at the 5th percentile, different articles at most 0.10.
DEFAULT_SPUN_THRESHOLD = 0.75
# Shorter paragraphs (datelines, one-line quotes) recur in unrelated articles.
DEFAULT_PASSAGE_MIN_CHARS = 50
# Candidates whose signature estimate falls this far under the threshold still get the
# exact check: the estimate of 128 permutations is off by about 0.02 on average.
ESTIMATE_MARGIN = 0.1
PASSAGE_SEPARATOR = "#"
# Candidates given the exact Jaccard check, most similar by estimate first: a passage that
# recurs in thousands of documents costs a bounded number of text reads, not thousands.
MAX_EXACT_CHECKS = 32


@dataclass
class Item:
    """What deduplication needs of a document."""

    id: str
    text: str
    created: str | None
    seen: int
    spun: bool = False
    # Spun documents: the text with each word a spinner swaps written as its class
    # (`curate.clean.unspin.SpinClasses`), compared with other spun copies of this run.
    canonical: str | None = None

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n")


@dataclass
class Verdict:
    duplicate_of: str | None = None
    similarity: float | None = None
    already_in_corpus: bool = False
    through_spin_classes: bool = False  # matched on the spin-class texts of two spun copies
    # (paragraph index, id of the passage it repeats, true Jaccard)
    removed_passages: list[tuple[int, str, float]] = field(default_factory=list)


def keep_order(item: Item) -> tuple:
    """Sort key of the copy to keep: earliest created, most complete, first seen."""
    size = len("".join(item.text.split()))  # the characters that are not whitespace
    return (item.created is None, item.created or "", -size, item.seen)


class NearDuplicateFilter:
    """Decides, batch by batch, which documents and passages repeat what is kept."""

    def __init__(self, folder: Path, *, threshold: float = DEFAULT_THRESHOLD,
                 spun_threshold: float = DEFAULT_SPUN_THRESHOLD,
                 passage_min_chars: int = DEFAULT_PASSAGE_MIN_CHARS,
                 stored_text: Callable[[str], str | None] = lambda _id: None,
                 kept_text: Callable[[str], str | None] | None = None) -> None:
        params = IndexParams(threshold=threshold)
        self.documents = DedupIndex.open(folder / "documents", params)
        self.passages = DedupIndex.open(folder / "passages", params)
        self.threshold = threshold
        self.spun_threshold = min(spun_threshold, threshold)
        self.passage_min_chars = passage_min_chars
        self.hasher = MinHasher(params.num_perm, params.seed)
        self.stored_text = stored_text
        # Passages are numbered in the text kept once repeated ones are cut: where that is
        # not the text a document was compared by, the caller gives it apart.
        self.kept_text = kept_text or stored_text
        self._shingles: dict[str, np.ndarray] = {}
        self._spun_kept: dict[str, np.ndarray] = {}
        # The passages indexed in this batch, by id: shingled only if one is a candidate.
        self._passage_paragraphs: dict[str, str] = {}

    def decide(self, items: Sequence[Item], signatures: np.ndarray | None = None,
               clusters: Clusters | None = None,
               keeps: Callable[[Item, list[int]], bool] | None = None,
               passage_signatures: Sequence[np.ndarray | None] | None = None
               ) -> list[Verdict]:
        """One verdict per item, in the items' order; kept documents are indexed.

        ``signatures``, when given, are the items' own, signed elsewhere (by Ray workers).
        ``clusters`` are the items' band-bucket clusters (`curate.dedup.bands`, items named
        by position): an item is then looked up among the documents indexed before the batch,
        all items in one query, and among the items of its own cluster kept before it, and
        one in no cluster and with no earlier candidate is kept without shingling it again.
        The candidates, their order and so the verdicts are those of looking up the index
        item by item as it grows. ``keeps`` says whether a document survives the cutting of
        its repeated passages (numbers of its paragraphs): one that does not is a reject, and
        neither the index nor a later item's candidates ever hold it. ``passage_signatures``,
        when given, are per item the signatures of its `long_paragraphs` signed elsewhere
        (None for an item whose passages are signed here)."""
        verdicts = [Verdict() for _ in items]
        if clusters is None:  # every item a candidate of the later ones: one cluster
            hashes: list[np.ndarray | None] = list(shingles_many([item.text for item in items]))
            if signatures is None:
                signatures = self.hasher.signatures(hashes)
        else:
            assert signatures is not None, "clusters are made of the items' signatures"
            hashes = [None] * len(items)
        batch = _BatchCandidates(self.documents, signatures, clusters,
                                 min(self.threshold, self.spun_threshold) - ESTIMATE_MARGIN)
        # The documents kept reach the index at the end of the batch, in the order kept.
        indexed = self.documents.contains_many([item.id for item in items])
        kept: dict[str, int] = {}
        # The long paragraphs of the whole batch, those not signed elsewhere shingled and
        # signed together; a document's passages are looked up only once it is kept.
        passages = self._batch_passages(items, passage_signatures)
        for index in sorted(range(len(items)), key=lambda i: keep_order(items[i])):
            item, verdict = items[index], verdicts[index]
            if indexed[index] or item.id in kept:
                verdict.already_in_corpus = True
                continue
            threshold = self.spun_threshold if item.spun else self.threshold
            candidates = batch.candidates(index, items, threshold - ESTIMATE_MARGIN)
            if candidates and hashes[index] is None:
                hashes[index] = shingles(item.text)
            match = self._checked_match(candidates, hashes[index], self._document_text,
                                        threshold)
            if match is None and item.canonical is not None:
                match = self._spun_copy(item)
                verdict.through_spin_classes = match is not None
            if match is not None:
                verdict.duplicate_of, verdict.similarity = match
                continue
            verdict.removed_passages = self._dedup_passages(item, passages)
            if keeps is not None and not keeps(item, [n for n, _, _ in verdict.removed_passages]):
                continue
            kept[item.id] = index
            if batch.clustered(index):  # a candidate of a later item
                if hashes[index] is None:
                    hashes[index] = shingles(item.text)
                self._shingles[item.id] = hashes[index]
                batch.kept(index)
        if kept:
            self.documents.add_many(list(kept), signatures[list(kept.values())])
        passages.add_to_index()
        return verdicts

    def _spun_copy(self, item: Item) -> tuple[str, float] | None:
        """The spun document kept in this run most like ``item`` once both are written in
        spin classes, when their Jaccard reaches the spun threshold; ``item`` is remembered.
        Two copies spun apart share few 3-grams (0.44 for the development set's 0126/0290),
        their spin-class texts most (0.94)."""
        hashes = shingles(item.canonical or "")
        best = None
        for other_id, other in self._spun_kept.items():
            similarity = jaccard(hashes, other)
            if similarity >= self.spun_threshold and (best is None or similarity > best[1]):
                best = (other_id, round(similarity, 4))
        if best is None:
            self._spun_kept[item.id] = hashes
        return best

    def _batch_passages(self, items: Sequence[Item],
                        given: Sequence[np.ndarray | None] | None) -> _BatchPassages:
        """The batch's long paragraphs with their signatures: the ones ``given`` (per item,
        its `long_paragraphs`' signatures), the others made here."""
        signed: dict[str, np.ndarray] = {}
        per_item = [long_paragraphs(item.text, self.passage_min_chars) for item in items]
        for paragraphs, signatures in zip(per_item, given or [None] * len(items), strict=True):
            if signatures is not None and len(signatures) == len(paragraphs):
                signed.update(zip(paragraphs, signatures, strict=True))
        long = list(dict.fromkeys(paragraph for paragraphs in per_item
                                  for paragraph in paragraphs))
        unsigned = [paragraph for paragraph in long if paragraph not in signed]
        hashes = dict(zip(unsigned, shingles_many(unsigned), strict=True))
        signed.update(zip(unsigned, self.hasher.signatures(list(hashes.values())), strict=True))
        signatures = (np.array([signed[paragraph] for paragraph in long], dtype=np.uint32)
                      if long else np.empty((0, self.hasher.num_perm), dtype=np.uint32))
        return _BatchPassages(self.passages, long, hashes, signatures,
                              self.threshold - ESTIMATE_MARGIN)

    def _dedup_passages(self, item: Item, passages: _BatchPassages
                        ) -> list[tuple[int, str, float]]:
        """Passages of ``item`` that repeat a passage of another document, and the others
        indexed. A paragraph the document already holds takes the verdict of its first
        copy and is not indexed again: a text of one paragraph repeated is linear, not
        quadratic (each copy would be a candidate of every later one)."""
        paragraphs = item.paragraphs
        # Each distinct long paragraph (shingled and signed in ``passages``) looked up at
        # once: the document's own passages are never its candidates, so indexing them as
        # they come changes no look-up of the others.
        distinct = long_paragraphs(item.text, self.passage_min_chars)
        if not distinct:
            return []
        matches = {}
        for paragraph in distinct:
            candidates = passages.candidates(paragraph)
            matches[paragraph] = self._checked_match(
                candidates, passages.hashes(paragraph), self._passage_text, self.threshold,
                exclude_prefix=item.id) if candidates else None
        removed: list[tuple[int, str, float]] = []
        indexed: set[str] = set()
        fresh: list[tuple[str, str]] = []
        for number, paragraph in enumerate(paragraphs):
            if paragraph not in matches:
                continue
            match = matches[paragraph]
            if match is not None:
                removed.append((number, *match))
                continue
            if paragraph in indexed:  # a paragraph the document holds twice is indexed once
                continue
            indexed.add(paragraph)
            # Numbered as in the text that is kept, once the repeated passages are cut.
            passage_id = f"{item.id}{PASSAGE_SEPARATOR}{number - len(removed)}"
            fresh.append((passage_id, paragraph))
            self._passage_paragraphs[passage_id] = paragraph
        passages.add(fresh)
        return removed

    def _checked_match(self, candidates: list[tuple[str, float]], hashes: np.ndarray | None,
                       text_of: Callable[[str], str | None], threshold: float,
                       exclude_prefix: str | None = None) -> tuple[str, float] | None:
        """Of ``candidates`` (most similar by estimate first), the one whose true Jaccard
        reaches ``threshold`` and is highest."""
        best = None
        checked = 0
        for candidate, _estimate in candidates:
            if exclude_prefix and candidate.split(PASSAGE_SEPARATOR)[0] == exclude_prefix:
                continue
            if checked == MAX_EXACT_CHECKS:  # the most similar by estimate come first
                break
            checked += 1
            other = self._shingles.get(candidate)
            if other is None:
                paragraph = self._passage_paragraphs.get(candidate)
                text = text_of(candidate) if paragraph is None else paragraph
                if text is None:
                    continue
                other = shingles(text)
                if paragraph is not None:  # a candidate again, maybe, in this batch
                    self._shingles[candidate] = other
            similarity = jaccard(hashes, other)
            if similarity >= threshold and (best is None or similarity > best[1]):
                best = (candidate, round(similarity, 4))
        return best

    def _document_text(self, doc_id: str) -> str | None:
        return self.stored_text(doc_id)

    def _passage_text(self, passage_id: str) -> str | None:
        doc_id, _, number = passage_id.rpartition(PASSAGE_SEPARATOR)
        text = self.kept_text(doc_id)
        if text is None:
            return None
        paragraphs = text.split("\n")
        return paragraphs[int(number)] if int(number) < len(paragraphs) else None

    def forget(self) -> None:
        """Drop the shingles and texts kept of what this run indexed, which would otherwise
        grow with the run (~8 KB a document); the texts are read back through
        ``stored_text``."""
        self._shingles.clear()
        self._spun_kept.clear()
        self._passage_paragraphs.clear()

    def commit(self) -> None:
        self.documents.commit()
        self.passages.commit()

    def close(self) -> None:
        self.documents.close()
        self.passages.close()


def _looked_up(index: DedupIndex, signatures: np.ndarray, min_similarity: float
               ) -> tuple[list[list[int]], list[list[tuple[str, float]]]]:
    """Per signature of a batch, its band keys (to find the batch's own later additions)
    and its candidates indexed before the batch, all found in one query."""
    if not len(signatures):
        return [], []
    return (band_keys(signatures, index.params.bands, index.params.rows).tolist(),
            index.similar_many(signatures, min_similarity))


def long_paragraphs(text: str, minimum: int) -> list[str]:
    """The distinct paragraphs of ``text`` of at least ``minimum`` characters that are not
    whitespace (its passages), in order."""
    return list(dict.fromkeys(paragraph for paragraph in text.split("\n")
                              if len("".join(paragraph.split())) >= minimum))


class _BatchCandidates:
    """The candidates of a batch's items, as the index would give them one by one: the
    documents indexed before the batch (one query for every item), then the items of the
    same cluster kept before, in the order they were kept, that share a band bucket."""

    def __init__(self, index: DedupIndex, signatures: np.ndarray, clusters: Clusters | None,
                 min_similarity: float) -> None:
        self.signatures = signatures
        self.keys, self.earlier = _looked_up(index, signatures, min_similarity)
        if clusters is None:  # all the items in one cluster
            self.label = dict.fromkeys(range(len(signatures)), 0)
        else:
            self.label = dict(zip(clusters.documents.tolist(), clusters.labels.tolist(),
                                  strict=True))
        self.kept_items: list[int] = []  # the items kept, in order
        self.buckets = _Buckets()  # positions in ``kept_items``

    def clustered(self, index: int) -> bool:
        return index in self.label

    def kept(self, index: int) -> None:
        self.buckets.add(self.keys[index], len(self.kept_items))
        self.kept_items.append(index)

    def candidates(self, index: int, items: Sequence[Item],
                   min_similarity: float) -> list[tuple[str, float]]:
        """``(id, estimated Jaccard)`` of ``index``'s candidates, most similar first; of
        equal estimates, the one indexed first."""
        found = [(doc_id, s) for doc_id, s in self.earlier[index] if s >= min_similarity]
        label = self.label.get(index)
        if label is not None:
            for n in self.buckets.positions(self.keys[index]):
                other = self.kept_items[n]
                if self.label[other] != label:
                    continue
                similarity = estimated_jaccard(self.signatures[index], self.signatures[other])
                if similarity >= min_similarity:
                    found.append((items[other].id, similarity))
        return sorted(found, key=lambda candidate: -candidate[1])


class _BatchPassages:
    """The long paragraphs of a batch with their shingles and signatures, and their
    candidates as the passage index would give them if each document's passages were added
    to it as the document is decided: the passages indexed before the batch (one query for
    every paragraph of the batch), then the passages added since that share a band bucket,
    in the order added. The additions reach the index in one call, at the end of the batch
    (`add_to_index`)."""

    def __init__(self, index: DedupIndex, paragraphs: list[str],
                 hashes: dict[str, np.ndarray], signatures: np.ndarray,
                 min_similarity: float) -> None:
        self.index = index
        self.min_similarity = min_similarity
        self.row = {paragraph: n for n, paragraph in enumerate(paragraphs)}
        self._hashes = hashes  # shingles of some paragraphs; the others made when asked
        self.signatures = signatures
        self.keys, self.earlier = _looked_up(index, signatures, min_similarity)
        self.added: list[tuple[str, int]] = []  # (passage id, row), in the order added
        self.added_ids: set[str] = set()
        self.buckets = _Buckets()  # positions in ``added``

    def hashes(self, paragraph: str) -> np.ndarray:
        found = self._hashes.get(paragraph)
        if found is None:
            found = self._hashes[paragraph] = shingles(paragraph)
        return found

    def candidates(self, paragraph: str) -> list[tuple[str, float]]:
        """``(id, estimated Jaccard)`` of the paragraph's candidates, most similar first; of
        equal estimates, the one indexed first."""
        row = self.row[paragraph]
        found = list(self.earlier[row])
        for n in self.buckets.positions(self.keys[row]):
            passage_id, other = self.added[n]
            similarity = estimated_jaccard(self.signatures[row], self.signatures[other])
            if similarity >= self.min_similarity:
                found.append((passage_id, similarity))
        return sorted(found, key=lambda candidate: -candidate[1])

    def add(self, passages: list[tuple[str, str]]) -> None:
        """Index ``(passage id, paragraph)`` pairs; an id indexed already is left as it is."""
        if not passages:
            return
        indexed = self.index.contains_many([passage_id for passage_id, _ in passages])
        for (passage_id, paragraph), known in zip(passages, indexed, strict=True):
            if known or passage_id in self.added_ids:
                continue
            row = self.row[paragraph]
            self.added_ids.add(passage_id)
            self.buckets.add(self.keys[row], len(self.added))
            self.added.append((passage_id, row))

    def add_to_index(self) -> None:
        if self.added:
            self.index.add_many([passage_id for passage_id, _ in self.added],
                                self.signatures[[row for _, row in self.added]])
        self.added, self.added_ids, self.buckets = [], set(), _Buckets()


class _Buckets:
    """The positions added under each band key, for the ones sharing a key with a row."""

    def __init__(self) -> None:
        # Most keys hold one position: a plain int, and a list only from the second on.
        self._first: dict[int, int] = {}
        self._more: dict[int, list[int]] = {}

    def add(self, keys: list[int], position: int) -> None:
        for key in keys:
            if self._first.setdefault(key, position) != position:
                self._more.setdefault(key, []).append(position)

    def positions(self, keys: list[int]) -> list[int]:
        """The positions added under any of ``keys``, ascending."""
        found = set()
        for key in keys:
            first = self._first.get(key)
            if first is not None:
                found.add(first)
                more = self._more.get(key)
                if more:
                    found.update(more)
        return sorted(found)


class StoredTexts:
    """The text of documents already in a corpus folder, read by id when needed."""

    def __init__(self, paths: Sequence[Path], text_field: str = "text") -> None:
        self.text_field = text_field
        self._where: dict[str, tuple[Path, int]] = {}
        for path in paths:
            with path.open("rb") as stream:
                offset = 0
                for number, line in enumerate(stream, start=1):
                    if line.strip():
                        record_id = corpus_record(line, path, number).get("id")
                        if isinstance(record_id, str):
                            self._where[record_id] = (path, offset)
                    offset += len(line)

    def ids(self) -> list[str]:
        return list(self._where)

    def __call__(self, doc_id: str) -> str | None:
        found = self._where.get(doc_id)
        if found is None:
            return None
        path, offset = found
        with path.open("rb") as stream:
            stream.seek(offset)
            return json.loads(stream.readline()).get(self.text_field)
