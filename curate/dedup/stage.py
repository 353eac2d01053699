"""The near-duplicate stage of a run: the corpus's filter opened, its verdicts applied to a
batch of cleaned documents (whole copies rejected, repeated passages cut). On Ray the
signatures are made by the workers that cleaned the documents (`sign_outputs`) and the
candidates within a batch come from band stages (`BandStages`)."""

from __future__ import annotations

import errno
import hashlib
import shutil
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from curate.clean.unspin import SpinClasses
from curate.dedup.bands import BandPartition, Clusters, shard_entries
from curate.dedup.index import IndexParameterError, IndexParams
from curate.dedup.minhash import MinHasher, shingles_many
from curate.dedup.near import Item, NearDuplicateFilter, long_paragraphs
from curate.document import Document
from curate.faults import CorpusDamaged
from curate.pipeline import Context, reject

if TYPE_CHECKING:
    from curate.corpus import CorpusTexts
    from curate.manifest import FileStats

NEAR_STEP = "drop_near_duplicates"
# Errors of writing the index, not of reading it: the output folder's problem.
_WRITE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS)
# A document whose repeated passages make up this share of its text is a copy, not an article.
MOSTLY_REPEATED = 0.5


def open_near_filter(index: Path, settings: dict[str, Any], texts: CorpusTexts,
                     notices: list[str]) -> tuple[NearDuplicateFilter, int]:
    """The corpus's near-duplicate filter, with documents of earlier runs all indexed, and
    how many documents its index held committed.

    An index holding more documents than the manifest says it held, or a corpus holding
    another number of documents than the manifest recorded with it (shards deleted by
    hand), would keep the missing ones "already in corpus" for ever: it is rebuilt from the
    corpus, and ``notices`` says so. One that cannot be read is `CorpusDamaged`. Opening
    costs nothing per document of the corpus unless it is so.
    """
    near = _opened_filter(index, settings, texts)
    stored, (expected, recorded) = texts.count(), texts.indexed()
    if len(near.documents) > expected or stored != recorded:
        notices.append(f"{index}: indexes {len(near.documents):,} documents, the corpus holds "
                       f"{stored:,}; rebuilt from the corpus")
        near.close()
        shutil.rmtree(index)
        near = _opened_filter(index, settings, texts)
    indexed = len(near.documents)
    # Documents written before the index knew them (an index deleted, or built by an older
    # curate): index them now. Only then are the corpus's ids read.
    if indexed < expected:
        missing = [doc_id for doc_id in texts.ids() if doc_id not in near.documents]
        near.decide([Item(doc_id, texts(doc_id) or "", None, n)
                     for n, doc_id in enumerate(missing)])
        near.forget()
    return near, indexed


def _opened_filter(index: Path, settings: dict[str, Any],
                   texts: CorpusTexts) -> NearDuplicateFilter:
    try:
        return NearDuplicateFilter(
            index,
            threshold=float(settings.get("threshold", 0.8)),
            spun_threshold=float(settings.get("spun_threshold", 0.75)),
            passage_min_chars=int(settings.get("passage_min_chars", 50)),
            stored_text=texts,
        )
    except IndexParameterError:
        raise  # built with another threshold: a configuration error
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, OSError) and exc.errno in _WRITE_ERRORS:
            raise
        raise CorpusDamaged(f"{index}: the near-duplicate index cannot be read ({exc}); delete "
                            "that folder and run again: it is rebuilt from the corpus") from None


class BandStages(Protocol):
    """Near-duplicate candidates of a batch found by stages that scale out
    (`curate.executor.ray.RayBandStages`): signatures made where the documents were cleaned,
    band buckets and their clusters resolved by partition."""

    def signatures(self, items: Sequence[Item]
                   ) -> tuple[np.ndarray, list[np.ndarray | None]]: ...

    def clusters(self, signatures: np.ndarray) -> Clusters: ...

    def forget(self, doc_ids: Iterable[str]) -> None: ...


@dataclass(frozen=True)
class Signing:
    """What a worker needs to sign the documents it cleans for the near-duplicate stage: the
    index's parameters, and the length from which a paragraph is a passage."""

    params: IndexParams
    passage_min_chars: int

    @classmethod
    def of(cls, near: NearDuplicateFilter) -> Signing:
        return cls(near.documents.params, near.passage_min_chars)

    def hasher(self) -> MinHasher:
        return MinHasher(self.params.num_perm, self.params.seed)


@dataclass
class SignedOutputs:
    """The signatures of a range's documents kept so far and of their passages, made where
    they were cleaned (`sign_outputs`), as a few arrays sent back in one piece."""

    ids: list[str]
    digests: bytes  # `text_digest` of each document's text, 16 bytes apiece
    documents: np.ndarray  # a signature a document
    passage_counts: np.ndarray  # each document's passages (`long_paragraphs`)
    passages: np.ndarray  # the signatures of those passages, document after document


class SignedBatches:
    """A batch's near-duplicate candidates from the signatures the workers made as they
    cleaned (`curate.executor.ranges.RangeCleaner.sign_with`), its band buckets resolved
    into clusters in this process, banded as the index of ``params`` bands them."""

    def __init__(self, params: IndexParams) -> None:
        self.params = params
        self.hasher = MinHasher(params.num_perm, params.seed)
        # What the workers signed, by document id, until its batch takes it: the digest of
        # the text signed, its signature, and the signatures of its passages.
        self.signed: dict[str, tuple[bytes, np.ndarray, np.ndarray]] = {}

    def take(self, signed: SignedOutputs) -> None:
        """Keep a range's signatures until their batch is decided."""
        ends = np.cumsum(signed.passage_counts).tolist()
        for n, (doc_id, end) in enumerate(zip(signed.ids, ends, strict=True)):
            start = end - int(signed.passage_counts[n])
            self.signed[doc_id] = (signed.digests[16 * n:16 * n + 16], signed.documents[n],
                                   signed.passages[start:end])

    def signatures(self, items: Sequence[Item]
                   ) -> tuple[np.ndarray, list[np.ndarray | None]]:
        """The items' signatures, the workers' or made here where they have none, and per
        item the signatures of its passages the workers made (`signatures_of`)."""
        return signatures_of(items, self.signed, self.hasher)

    def clusters(self, signatures: np.ndarray) -> Clusters:
        """The clusters of the batch's band buckets, its documents named by position."""
        documents = np.arange(len(signatures), dtype=np.int64)
        return BandPartition(shard_entries(signatures, documents, self.params, 1)).clusters()

    def forget(self, doc_ids: Iterable[str]) -> None:
        """Drop the signatures of documents a batch did not look at (rejected before)."""
        for doc_id in doc_ids:
            self.signed.pop(doc_id, None)


def drop_near_duplicates(near: NearDuplicateFilter, outputs: list[tuple[FileStats, Document]],
                         ctx: Context, stages: BandStages | None = None) -> set[int]:
    """Apply the filter's verdicts; the positions of documents already in the corpus. With
    ``stages``, the candidates within the batch come from its band-bucket clusters: the
    verdicts are the same."""
    kept = [(n, doc) for n, (_, doc) in enumerate(outputs) if doc.rejected is None]
    items = [spun_item(doc, n, ctx) for n, doc in kept]
    minimum = int(ctx.option("filters", "min_chars", 10))

    def keeps(item: Item, cut: list[int]) -> bool:
        return not cut or passages_leave_a_document(item.paragraphs, set(cut), minimum)[0] is None

    if stages is None or not items:
        verdicts = near.decide(items, keeps=keeps)
    else:
        signatures, passages = stages.signatures(items)
        verdicts = near.decide(items, signatures, stages.clusters(signatures), keeps, passages)
    if stages is not None:
        stages.forget(doc.id for _, doc in outputs)
    skipped = set()
    for (position, doc), verdict in zip(kept, verdicts, strict=True):
        if verdict.already_in_corpus:
            skipped.add(position)
        elif verdict.duplicate_of is not None:
            doc.provenance.duplicate_of = verdict.duplicate_of
            doc.provenance.cluster = verdict.duplicate_of
            doc.provenance.similarity = verdict.similarity
            written = (" once the words a spinner swaps are written as one"
                       if verdict.through_spin_classes else "")
            reject(doc, NEAR_STEP, "near-duplicate",
                   f"Jaccard {verdict.similarity} of its character 3-grams{written} with "
                   f"document {verdict.duplicate_of}, kept as the earlier or more complete copy")
        elif verdict.removed_passages:
            cut_passages(doc, verdict.removed_passages, minimum)
    return skipped


def text_digest(text: str) -> bytes:
    """What a signature was made of, to tell whether a document's text is still that."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def sign_outputs(documents: Sequence[Document], hasher: MinHasher,
                 passage_min_chars: int) -> SignedOutputs:
    """The signatures of the documents not rejected and of their passages (paragraphs of at
    least ``passage_min_chars`` characters), with the digest of each text signed: made where
    the documents were cleaned, so the run's own process neither shingles nor signs them."""
    kept = [doc for doc in documents if doc.rejected is None]
    texts = [doc.text for doc in kept]
    passages = [long_paragraphs(text, passage_min_chars) for text in texts]
    signatures = hasher.signatures(shingles_many(texts + [p for ps in passages for p in ps]))
    return SignedOutputs([doc.id for doc in kept], b"".join(map(text_digest, texts)),
                         signatures[:len(texts)],
                         np.array([len(ps) for ps in passages], dtype=np.int64),
                         signatures[len(texts):])


def signatures_of(items: Sequence[Item], signed: dict[str, tuple[bytes, np.ndarray, np.ndarray]],
                  hasher: MinHasher) -> tuple[np.ndarray, list[np.ndarray | None]]:
    """The items' signatures, taken from ``signed`` (which loses them) where they sign the
    item's text as it is now, made here for the others (a range resumed from a checkpoint,
    a file held in memory, a text a later step changed); and per item the signatures of its
    passages ``signed`` held (None where it held none usable)."""
    found = [signed.pop(item.id, None) for item in items]
    usable = [entry is not None and entry[0] == text_digest(item.text)
              for item, entry in zip(items, found, strict=True)]
    missing = [n for n, ok in enumerate(usable) if not ok]
    out = np.empty((len(items), hasher.num_perm), dtype=np.uint32)
    passages: list[np.ndarray | None] = [None] * len(items)
    for n, (ok, entry) in enumerate(zip(usable, found, strict=True)):
        if ok:
            out[n], passages[n] = entry[1], entry[2]
    if missing:
        out[missing] = hasher.signatures(shingles_many([items[n].text for n in missing]))
    return out, passages


def spun_item(doc: Document, seen: int, ctx: Context) -> Item:
    """What deduplication needs of ``doc``; a document flagged spun also with its text in
    spin classes, to find a copy of the same article spun apart."""
    if "spun" not in doc.metadata.get("flags", []):
        return Item(doc.id, doc.text, doc.created, seen)
    classes = ctx.resource("spin_classes", lambda: SpinClasses.from_rules(ctx.rules))
    return Item(doc.id, doc.text, doc.created, seen, True, classes.canonical(doc.text))


def cut_passages(doc: Document, removed: list[tuple[int, str, float]], minimum: int) -> None:
    """Cut repeated passages; a document that is mostly repeats is a near-duplicate itself."""
    paragraphs = [p for p in doc.paragraphs if p.text]
    cut = {number for number, _, _ in removed}
    rule, repeated, size = passages_leave_a_document([p.text for p in paragraphs], cut,
                                                     minimum)
    for number, passage, similarity in removed:
        paragraph = paragraphs[number]
        doc.record(NEAR_STEP, "near-duplicate-passage", "remove", paragraph.text,
                   paragraph.lines[0],
                   why=f"repeats passage {passage} (Jaccard {similarity}) kept elsewhere")
    doc.paragraphs = [p for n, p in enumerate(paragraphs) if n not in cut]
    if rule == "near-duplicate-passages":
        source = Counter(passage.rpartition("#")[0] for _, passage, _ in removed).most_common(1)
        doc.provenance.duplicate_of = doc.provenance.cluster = source[0][0]
        doc.provenance.similarity = round(repeated, 4)
        reject(doc, NEAR_STEP, "near-duplicate-passages",
               f"{repeated:.0%} of its text repeats passages of document {source[0][0]}")
    elif rule is not None:
        reject(doc, NEAR_STEP, "too-short-after-passages",
               f"{size} characters left once repeated passages were cut, fewer than {minimum}")


def passages_leave_a_document(paragraphs: list[str], cut: set[int],
                              minimum: int) -> tuple[str | None, float, int]:
    """The rule that rejects a document once its paragraphs numbered ``cut`` are cut (None
    when it stays), the share of its characters cut, and the characters left (whitespace
    not counted)."""
    before = sum(len("".join(p.split())) for p in paragraphs)
    size = sum(len("".join(p.split())) for n, p in enumerate(paragraphs) if n not in cut)
    repeated = 1 - size / max(1, before)
    if repeated >= MOSTLY_REPEATED:
        return "near-duplicate-passages", repeated, size
    return ("too-short-after-passages" if size < minimum else None), repeated, size
