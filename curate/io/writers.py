"""Write the corpus: kept documents, rejects and the manifest, each file atomically.

Records follow Dolma's top level (``id, text, source, added, created, metadata``) and add
``provenance``: the input file and its hash, the part and lines, the pipeline and rules
versions and every edit. ``rejects.jsonl`` holds every dropped document and every removed
span, so what came in is always what was kept plus what was rejected.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from curate import __version__
from curate.document import Document, Edit

# Metadata fields every record carries, in this order, null when unknown.
METADATA_FIELDS = ("title", "site", "author", "url", "lang", "flags", "spin_score")


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def temporary_prefix(path: Path) -> str:
    """How the temporary files of ``path`` are named (``.documents.jsonl.`` + random)."""
    return f".{path.name}."


def temporary_beside(path: Path) -> tuple[int, Path]:
    """A new temporary file beside ``path`` (its descriptor and path), readable as the corpus is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=temporary_prefix(path), dir=path.parent)
    os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes it private; the corpus is not
    return handle, Path(temporary)


@contextmanager
def atomic_open(path: Path) -> Iterator[IO[str]]:
    """Write to a temporary file beside ``path`` and rename it into place only on success."""
    handle, temporary = temporary_beside(path)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class StagedFile:
    """A file written beside ``path`` and moved into place later, when the caller commits.

    Several files can be staged, then published one after the other, so that a caller can
    record what it is about to replace before replacing anything (see `curate.corpus`). Lines
    are written as UTF-8 and their byte offsets returned, so a record can be read back.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        handle, self.temporary = temporary_beside(path)
        self._stream: IO[bytes] | None = os.fdopen(handle, "wb")
        self.size = 0

    def write(self, text: str) -> int:
        """Append ``text``; the byte offset it starts at."""
        assert self._stream is not None, "the staged file is closed"
        data = text.encode("utf-8")
        offset = self.size
        self._stream.write(data)
        self.size += len(data)
        return offset

    def flush(self) -> None:
        """Make what was written readable from the temporary file."""
        if self._stream is not None:
            self._stream.flush()

    def finish(self) -> None:
        """Flush, fsync and close: the content is complete and durable, not yet in place."""
        if self._stream is not None:
            self._stream.flush()
            os.fsync(self._stream.fileno())
            self._stream.close()
            self._stream = None

    def publish(self) -> None:
        """Rename the finished file over ``path``."""
        self.finish()
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        """Close and delete the temporary file (nothing was published)."""
        if self._stream is not None:
            try:
                self._stream.close()
            except OSError:  # the disk that filled up cannot take the buffer either
                pass
            self._stream = None
        self.temporary.unlink(missing_ok=True)


def fsync_folder(folder: Path) -> None:
    """Make renames and deletions inside ``folder`` durable."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


# Characters that str.splitlines() and many JSONL readers take for line breaks; inside JSON
# strings they are written escaped so one record always stays one line.
_LINE_BREAKS_IN_STRINGS = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028",
                                         "\u2029": "\\u2029"})


def json_line(record: dict[str, Any]) -> str:
    """One record as one line of UTF-8 JSON.

    >>> json_line({"text": "第一段\u2028第二段"})
    '{"text":"第一段\\\\u2028第二段"}\\n'
    """
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    if "\u0085" in text or "\u2028" in text or "\u2029" in text:  # rare: skip the slow path
        text = text.translate(_LINE_BREAKS_IN_STRINGS)
    return text + "\n"


def provenance_record(doc: Document, rules_digest: str) -> dict[str, Any]:
    source = doc.provenance
    record: dict[str, Any] = {
        "file": source.file,
        "sha256": source.sha256,
        "encoding": source.encoding,
        "part": source.part,
        "lines": list(doc.lines) if doc.lines else None,
        "pipeline": __version__,
        "rules": rules_digest,
        "edits": edit_records(doc.edits),
        "duplicate_of": source.duplicate_of,
    }
    for optional in ("record", "cluster", "similarity"):
        if getattr(source, optional) is not None:
            record[optional] = getattr(source, optional)
    return record


def edit_records(edits: list[Edit]) -> list[dict[str, Any]]:
    """The edits log of a document, each edit's ``why`` left out where it repeats the
    ``why`` of the edit of the same rule before it, and the alternatives a decision weighed
    written ``{"w": word, "p": probability}`` (`whole_edits` puts both back): a rule that
    fires forty times in an article explains itself once.

    >>> e = Edit("strip_glued_pinyin", "glued-pinyin", "remove", "Beijing", 3, why="pinyin")
    >>> [sorted(r) for r in edit_records([e, e])]
    [['action', 'line', 'rule', 'step', 'text', 'why'], ['action', 'line', 'rule', 'step', 'text']]
    """
    records, last = [], {}
    for edit in edits:
        record = edit.to_json()
        if edit.alternatives is not None:  # objects still, so readers infer one type for them
            record["alternatives"] = [{"w": word, "p": probability}
                                      for word, probability in edit.alternatives]
        if edit.rule in last and last[edit.rule] == edit.why:
            record.pop("why", None)
        elif edit.rule in last and edit.why is None:
            record["why"] = None  # said outright: the edit before had one
        last[edit.rule] = edit.why
        records.append(record)
    return records


def whole_edits(edits: list[Any]) -> list[Any]:
    """The edits log as `edit_records` wrote it, with every ``why`` put back."""
    last: dict[Any, Any] = {}
    for edit in edits:
        if not isinstance(edit, dict):
            continue
        rule = edit.get("rule")
        alternatives = edit.get("alternatives")
        if isinstance(alternatives, list):
            edit["alternatives"] = [
                {"word": a["w"], "probability": a.get("p")}
                if isinstance(a, dict) and "w" in a else a for a in alternatives]
        if "why" not in edit and rule in last:
            if last[rule] is not None:
                edit["why"] = last[rule]
        else:
            last[rule] = edit.get("why")
    return edits


def whole_record(record: dict[str, Any]) -> dict[str, Any]:
    """A corpus record with its edits log whole (`whole_edits`)."""
    provenance = record.get("provenance")
    if isinstance(provenance, dict) and isinstance(provenance.get("edits"), list):
        whole_edits(provenance["edits"])
    return record


def document_record(doc: Document, added: str, rules_digest: str) -> dict[str, Any]:
    """The JSONL record of a kept document."""
    return {
        "id": doc.id,
        "text": doc.text,
        "source": doc.source,
        "added": added,
        "created": doc.created,
        "metadata": metadata_record(doc),
        "provenance": provenance_record(doc, rules_digest),
    }


def metadata_record(doc: Document) -> dict[str, Any]:
    """The known metadata fields in a fixed order, then the others as found."""
    metadata = {name: doc.metadata.get(name) for name in METADATA_FIELDS}
    metadata["flags"] = list(doc.metadata.get("flags", []))
    metadata.update({k: v for k, v in doc.metadata.items() if k not in METADATA_FIELDS})
    return metadata


def reject_records(doc: Document, added: str, rules_digest: str) -> list[dict[str, Any]]:
    """Rejects of one document: the whole document if dropped, else each span removed from it."""
    provenance = provenance_record(doc, rules_digest)
    if doc.rejected is not None:
        # A dropped document keeps its title, URL and flags, so it can be found and judged.
        return [{**_reject("document", doc, doc.rejected, doc.rejected.text or doc.text, added,
                           provenance), "metadata": metadata_record(doc)}]
    return [
        _reject("span", doc, edit, edit.text, added, _span_provenance(provenance, edit))
        for edit in doc.edits
        if edit.action == "remove"
    ]


def _span_provenance(provenance: dict[str, Any], edit: Edit) -> dict[str, Any]:
    span = {key: value for key, value in provenance.items() if key not in ("edits", "lines")}
    span["line"] = edit.line
    return span


def _reject(kind: str, doc: Document, edit: Edit, text: str, added: str,
            provenance: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": kind,
        "id": doc.id,
        "text": text,
        "source": doc.source,
        "added": added,
        "reason": {"step": edit.step, "rule": edit.rule, "why": edit.why},
        "provenance": provenance,
    }
