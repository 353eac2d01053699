"""Duplicate findings (C3xx): exact copies among the checked documents (C301) and
near-duplicates among them or against a corpus index (C302)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path

from curate.check.codes import CheckUsageError, Finding
from curate.dedup.exact import text_fingerprint

# The document index inside a near-duplicate filter's folder (curate.dedup.near).
NEAR_DUPLICATE_DOCUMENTS = "documents"


class NearDuplicatesUnavailable(CheckUsageError):
    """``--index`` was given but the near-duplicate check cannot run."""


class NearDuplicateIndex:
    """The hook for near-duplicates (C302): documents of a corpus index (``--index PATH``: a
    ``curate.dedup.index`` folder, or a near-duplicate filter's folder holding one in
    ``documents/``) whose MinHash signature is close to a checked text's.

    Raises `NearDuplicatesUnavailable` when the index modules or the index are not there.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        try:
            from curate.dedup.index import META, DedupIndex, IndexParams
            from curate.dedup.minhash import MinHasher, shingles
        except ImportError as exc:
            raise NearDuplicatesUnavailable(
                f"near-duplicate check not available: {exc.name or exc} cannot be imported"
            ) from None
        folder = Path(path)
        if not (folder / META).exists() and (folder / NEAR_DUPLICATE_DOCUMENTS / META).exists():
            folder = folder / NEAR_DUPLICATE_DOCUMENTS
        try:
            stored = json.loads((folder / META).read_text(encoding="utf-8"))
            params = IndexParams(**{f.name: stored[f.name] for f in fields(IndexParams)
                                    if f.name in stored})
            self.index = DedupIndex.open(folder, params, create=False)
        except (OSError, ValueError, RuntimeError, TypeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise NearDuplicatesUnavailable(
                f"near-duplicate check not available: {folder}: {reason}") from None
        self.hasher = MinHasher(params.num_perm, params.seed)
        self.ngram = params.ngram
        self._shingles = shingles

    def similar(self, texts: list[str]) -> list[list[tuple[str, float]]]:
        """For each text, ``(id, estimated Jaccard)`` of the indexed documents close to it."""
        if not texts:
            return []
        signatures = self.hasher.signatures([self._shingles(t, self.ngram) for t in texts])
        return self.index.similar_many(signatures)

    def close(self) -> None:
        self.index.close()


class NearDuplicatesWithin(NearDuplicateIndex):
    """C302 among the checked files themselves: each text is compared with those checked
    before it, through a throwaway index."""

    def __init__(self) -> None:
        from curate.dedup.index import DedupIndex, IndexParams
        from curate.dedup.minhash import MinHasher, shingles

        self._folder = tempfile.TemporaryDirectory(prefix="curate-check-")
        params = IndexParams()
        self.index = DedupIndex.open(Path(self._folder.name), params)
        self.hasher = MinHasher(params.num_perm, params.seed)
        self.ngram = params.ngram
        self._shingles = shingles

    def similar_and_add(self, texts: list[str], ids: list[str]) -> list[list[tuple[str, float]]]:
        found = []
        for text, doc_id in zip(texts, ids, strict=True):
            signature = self.hasher.signatures([self._shingles(text, self.ngram)])
            found.append(self.index.similar_many(signature)[0])
            self.index.add(doc_id, signature[0])
        return found

    def close(self) -> None:
        self.index.close()
        self._folder.cleanup()


@dataclass
class Pending:
    """A checked document waiting for the near-duplicate query of its file."""

    path: str
    line: int
    column: Callable[[], int]
    own_id: str | None
    text: str


class Duplicates:
    """Remembers the normalised texts checked so far (C301) and queues texts for C302."""

    def __init__(self, near_duplicates: NearDuplicateIndex | None) -> None:
        self.near_duplicates = near_duplicates
        self.fingerprints: dict[str, str] = {}
        self.pending: list[Pending] = []

    def exact(self, display: str, line: int, column: Callable[[], int], own_id: str | None,
              text: str) -> Iterator[Finding]:
        first = self.fingerprints.setdefault(text_fingerprint(text), f"{display}:{line}")
        if first != f"{display}:{line}":
            yield Finding(display, line, column(), "C301",
                          f"exact duplicate: the same normalised text as {first}")
        elif self.near_duplicates is not None:  # an exact duplicate is not reported twice
            self.pending.append(Pending(display, line, column, own_id, text))

    def near(self) -> list[Finding]:
        """C302 of the texts queued since the last call."""
        pending, self.pending = self.pending, []
        if self.near_duplicates is None or not pending:
            return []
        found = []
        texts = [p.text for p in pending]
        if isinstance(self.near_duplicates, NearDuplicatesWithin):
            where = [f"{p.path}:{p.line}" for p in pending]
            similar = self.near_duplicates.similar_and_add(texts, where)
            described = "{}"
        else:
            similar = self.near_duplicates.similar(texts)
            described = "indexed document {}"
        for document, matches in zip(pending, similar, strict=True):
            others = [(doc_id, score) for doc_id, score in matches if doc_id != document.own_id]
            if others:
                doc_id, score = others[0]
                found.append(Finding(document.path, document.line, document.column(), "C302",
                                     f"near-duplicate of {described.format(doc_id)} "
                                     f"(estimated Jaccard {score:.2f})"))
        return found
