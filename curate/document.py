"""The one record that flows through the pipeline: a `Document` made of `Paragraph`s.

A document keeps its body as paragraphs that remember the source lines they came from, and
every change a step makes is appended to ``edits``. The kept record, the rejects file and
any later explanation are all built from those edits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields, replace
from typing import Any

PARAGRAPH_SEPARATOR = "\n"


@dataclass
class Paragraph:
    """One block of body text and the 1-based source lines ``(first, last)`` it spans."""

    text: str
    lines: tuple[int, int]
    kind: str = "text"  # "text" or "heading"


@dataclass(frozen=True)
class Edit:
    """One recorded change: which step and rule, what it did, to which text, where.

    ``action`` is ``remove`` (the text left the body), ``replace`` (``text`` became
    ``replacement``), ``metadata`` (the text left the body to become a metadata field) or
    ``flag`` (nothing changed; the document was marked). A decision made on evidence may
    carry its ``confidence`` and the ``alternatives`` it weighed, each with its own.
    """

    step: str
    rule: str
    action: str
    text: str
    line: int | None
    replacement: str | None = None
    why: str | None = None
    confidence: float | None = None
    alternatives: tuple[tuple[str, float], ...] | None = None

    def to_json(self) -> dict[str, Any]:
        # Field by field, in declaration order: dataclasses.asdict deep-copies every value.
        record = {key: value for key in _EDIT_FIELDS
                  if (value := getattr(self, key)) is not None}
        if self.alternatives is not None:  # objects, so that readers infer one type for them
            record["alternatives"] = [{"word": word, "probability": probability}
                                      for word, probability in self.alternatives]
        return record


_EDIT_FIELDS = tuple(f.name for f in fields(Edit))


@dataclass
class Provenance:
    file: str
    sha256: str
    encoding: str | None = None
    part: int = 0
    record: int | None = None  # line number of the record in a JSONL dump
    duplicate_of: str | None = None
    cluster: str | None = None  # near-duplicates: the id of the copy kept for the cluster
    similarity: float | None = None  # near-duplicates: Jaccard with that copy


@dataclass
class Document:
    """An article on its way through the pipeline."""

    paragraphs: list[Paragraph]
    provenance: Provenance
    source: str
    metadata: dict[str, Any] = field(default_factory=dict)
    created: str | None = None
    edits: list[Edit] = field(default_factory=list)
    rejected: Edit | None = None  # set when a step drops the whole document

    @property
    def text(self) -> str:
        return PARAGRAPH_SEPARATOR.join(p.text for p in self.paragraphs if p.text)

    @property
    def lines(self) -> tuple[int, int] | None:
        spans = [p.lines for p in self.paragraphs]
        if not spans:
            return None
        return (min(s[0] for s in spans), max(s[1] for s in spans))

    @property
    def id(self) -> str:
        """Stable id: the source file's content hash, the part and the record number."""
        key = f"{self.provenance.sha256}:{self.provenance.record or 0}:{self.provenance.part}"
        return hashlib.sha256(key.encode("ascii")).hexdigest()[:24]

    def record(self, step: str, rule: str, action: str, text: str, line: int | None, **extra):
        self.edits.append(Edit(step, rule, action, text, line, **extra))

    def flag(self, name: str) -> None:
        flags = self.metadata.setdefault("flags", [])
        if name not in flags:
            flags.append(name)

    def split(self, parts: list[list[Paragraph]]) -> list[Document]:
        """New documents, one per group of paragraphs, numbered by ``provenance.part``.

        Edits recorded so far stay with the part whose lines contain them; edits without a
        line (whole-file decisions) go with the first part.
        """
        documents = []
        bounds = [(ps[0].lines[0], ps[-1].lines[1]) if ps else None for ps in parts]
        for index, paragraphs in enumerate(parts):
            edits = [e for e in self.edits if _edit_part(e, bounds) == index]
            documents.append(
                Document(
                    paragraphs=paragraphs,
                    provenance=replace(self.provenance, part=self.provenance.part + index),
                    source=self.source,
                    metadata=_copy_metadata(self.metadata) if index == 0 else {},
                    created=self.created if index == 0 else None,
                    edits=edits,
                )
            )
        return documents


def _edit_part(edit: Edit, bounds: list[tuple[int, int] | None]) -> int:
    """Index of the part an edit belongs to: the last part starting at or before its line."""
    if edit.line is None:
        return 0
    owner = 0
    for index, span in enumerate(bounds):
        if span is not None and span[0] <= edit.line:
            owner = index
    return owner


def _copy_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    copied = dict(metadata)
    if "flags" in copied:
        copied["flags"] = list(copied["flags"])
    return copied
