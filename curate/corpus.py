"""The corpus folder: its files, the lock that keeps two runs out of it, and the way a run is
published so that it happens completely or not at all.

A run either happens completely or not at all, even when it is killed (``kill -9``, power
loss) at any point; started again, it gives the same output as if it had never stopped:

1. the new ``documents.jsonl``, ``rejects.jsonl`` (earlier content, then this run's) and
   ``manifest.json`` are written to temporary files beside them and synced;
2. the current files are kept under a second name (``.documents.jsonl.previous``, a hard
   link) and ``.pending.json`` records what existed and how large the index will be;
3. the temporary files are renamed into place, then the near-duplicate index is committed
   (its passages, then its documents);
4. ``.pending.json`` and the ``.previous`` links are deleted.

A run that finds ``.pending.json`` (`finish_interrupted_run`) looks at the index: committed
means the killed run had finished everything else, and only the marker is removed;
otherwise the ``.previous`` files are put back, so the folder is as it was before the killed
run, and this run starts from there. Temporary files of killed runs are deleted.

Passages are committed to the index batch by batch, ahead of their documents, so that the
index's memory does not grow with the run. Passages a killed run committed are inert: a
passage is only matched when the text of the document holding it can be read, from the
corpus or from what this run wrote; a run of the same input adds them back unchanged.
A lock on the folder (`CorpusLock`) keeps two runs out of it.

A run that writes no record (the same dump again) publishes nothing: the folder's files are
left as they were, byte for byte and with their modification times.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from curate.dedup.near import NearDuplicateFilter, StoredTexts
from curate.document import Document
from curate.faults import corpus_record
from curate.io.writers import (
    StagedFile,
    atomic_open,
    document_record,
    fsync_folder,
    json_line,
    reject_records,
    temporary_prefix,
)
from curate.manifest import FileStats, RunResult, count_document

DOCUMENTS = "documents.jsonl"
REJECTS = "rejects.jsonl"
MANIFEST = "manifest.json"
CORPUS_FILES = (DOCUMENTS, REJECTS, MANIFEST)
INDEX = ".index"
PENDING = ".pending.json"
# How often each line was seen across runs (curate.clean.repetition reads and appends it).
LINE_COUNTS = "line_counts.tsv"


class CorpusBusyError(ValueError):
    """Another run is writing to the same corpus folder."""


def clear_corpus(outdir: Path) -> None:
    """Remove what curate wrote in ``outdir`` (files and index), to start a corpus afresh."""
    for name in CORPUS_FILES:
        (outdir / name).unlink(missing_ok=True)
    (outdir / PENDING).unlink(missing_ok=True)
    (outdir / LINE_COUNTS).unlink(missing_ok=True)
    _remove_leftovers(outdir)
    shutil.rmtree(outdir / INDEX, ignore_errors=True)


def finish_interrupted_run(outdir: Path) -> None:
    """Bring back a folder a killed run left half written: forward if its index was
    committed, else back to before that run; then delete what killed runs left behind."""
    marker = outdir / PENDING
    if marker.is_file():
        try:
            pending = json.loads(marker.read_text(encoding="utf-8"))
        except ValueError as exc:  # written atomically: only a hand edit makes it so
            raise ValueError(f"{marker}: cannot read the record of an interrupted run ({exc}); "
                             "delete it to keep the folder as it is") from None
        if not _index_committed(outdir, pending.get("index")):
            existed = pending.get("previous", {})
            for name in CORPUS_FILES:  # only these names, whatever the marker says
                previous = _previous(outdir / name)
                if existed.get(name):
                    if previous.exists():  # else a recovery already put it back
                        os.replace(previous, outdir / name)
                else:
                    (outdir / name).unlink(missing_ok=True)
            fsync_folder(outdir)
        marker.unlink()
        fsync_folder(outdir)
    _remove_leftovers(outdir)


def _remove_leftovers(outdir: Path) -> None:
    """Delete ``.previous`` links and the temporary files of runs that did not finish."""
    for name in (*CORPUS_FILES, PENDING):
        prefix = temporary_prefix(outdir / name)
        for leftover in outdir.iterdir():
            if leftover.name.startswith(prefix) and leftover.is_file():
                leftover.unlink(missing_ok=True)


def _previous(path: Path) -> Path:
    return path.with_name(f"{temporary_prefix(path)}previous")


def _index_committed(outdir: Path, index: dict[str, Any] | None) -> bool:
    """Whether the killed run whose marker says ``index`` committed its index additions."""
    if not index or index["after"] == index["before"] or not (outdir / INDEX).is_dir():
        return False
    near = NearDuplicateFilter(outdir / INDEX, threshold=float(index["threshold"]))
    try:
        return len(near.documents) >= index["after"]
    finally:
        near.close()


class CorpusLock:
    """Held while a run writes to a corpus folder, so that two runs never interleave.

    The folder itself is locked (``flock`` on its descriptor): no lock file is left in it.
    """

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        self.handle: int | None = None

    def __enter__(self) -> None:
        self.handle = os.open(self.outdir, os.O_RDONLY)
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.handle)
            self.handle = None
            raise CorpusBusyError(f"{self.outdir}: another curate run is writing to this "
                                  "corpus folder; wait for it to finish") from None

    def __exit__(self, *_: object) -> None:
        if self.handle is not None:
            os.close(self.handle)
            self.handle = None


class CorpusTexts:
    """The text of the corpus's documents by id: earlier runs' and those this run wrote.

    This run's are found by a 64-bit hash of their id in sorted arrays (16 bytes a document
    rather than ~200 in a dict), and read back from the staged file, id checked.
    """

    def __init__(self, documents: Path) -> None:
        self.stored = StoredTexts([documents] if documents.is_file() else [])
        self.staged: Path | None = None
        self._keys = np.empty(0, dtype=np.uint64)
        self._offsets = np.empty(0, dtype=np.int64)
        self._new: list[tuple[int, int]] = []

    def ids(self) -> list[str]:
        return self.stored.ids()

    def add(self, doc_id: str, offset: int) -> None:
        """Note where this run wrote a document; findable once `seal` is called."""
        self._new.append((_id_key(doc_id), offset))

    def seal(self) -> None:
        if self._new:
            new = np.array(self._new, dtype=np.uint64).reshape(-1, 2)
            keys = np.concatenate([self._keys, new[:, 0]])
            order = np.argsort(keys, kind="stable")
            self._keys = keys[order]
            self._offsets = np.concatenate([self._offsets, new[:, 1].astype(np.int64)])[order]
            self._new = []

    def __call__(self, doc_id: str) -> str | None:
        text = self.stored(doc_id)
        if text is not None or self.staged is None:
            return text
        key = np.uint64(_id_key(doc_id))
        start = int(np.searchsorted(self._keys, key, "left"))
        end = int(np.searchsorted(self._keys, key, "right"))
        with self.staged.open("rb") as stream:
            for offset in self._offsets[start:end].tolist():
                stream.seek(offset)
                record = json.loads(stream.readline())
                if record.get("id") == doc_id:
                    return record.get("text")
        return None


def _id_key(doc_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest(),
                          "little")


class CorpusWriter:
    """This run's documents and rejects, appended to copies of the corpus files and
    published, with the manifest, by `commit` (the steps in the module docstring)."""

    def __init__(self, outdir: Path, texts: CorpusTexts, added: str, rules_digest: str) -> None:
        self.outdir = outdir
        self.texts = texts
        self.added = added
        self.rules_digest = rules_digest
        self.known_rejects = _document_reject_keys(outdir / REJECTS)
        self.staged: list[StagedFile] = []
        self.written = 0  # records this run wrote, documents and rejects
        try:
            self.documents = self._stage(DOCUMENTS)
            self.rejects = self._stage(REJECTS)
            texts.staged = self.documents.temporary
            self.corpus_documents = _copy_existing(outdir / DOCUMENTS, self.documents)
            _copy_existing(outdir / REJECTS, self.rejects)
        except BaseException:  # a full disk while copying: no temporary file stays
            self.discard()
            raise

    def _stage(self, name: str) -> StagedFile:
        staged = StagedFile(self.outdir / name)
        self.staged.append(staged)
        return staged

    def write(self, batch: list[tuple[FileStats, Document]], skipped: set[int],
              result: RunResult) -> None:
        for position, (stats, doc) in enumerate(batch):
            if position in skipped:
                stats.already_in_corpus += 1
                continue
            count_document(result, doc)
            if doc.rejected is None:
                stats.kept += 1
                self.corpus_documents += 1
                record = document_record(doc, self.added, self.rules_digest)
                self.texts.add(doc.id, self.documents.write(json_line(record)))
                self.written += 1
            else:
                stats.rejected += 1
                if (doc.id, doc.rejected.rule) in self.known_rejects:
                    continue  # rejected for the same reason by an earlier run
            for reject_record in reject_records(doc, self.added, self.rules_digest):
                self.rejects.write(json_line(reject_record))
                self.written += 1
        self.documents.flush()  # later batches read this batch's texts back
        self.texts.seal()

    @property
    def changes_corpus(self) -> bool:
        """Whether publishing would change the folder: this run wrote a record, or the
        folder lacks one of its files (a first run that kept nothing still makes them)."""
        return self.written > 0 or not all((self.outdir / name).is_file() for name in CORPUS_FILES)

    def commit(self, manifest: dict[str, Any], near: NearDuplicateFilter | None,
               indexed: int) -> None:
        """Publish the three files and commit the index (``indexed`` documents when the run
        began), so that a kill anywhere leaves what `finish_interrupted_run` finishes or
        undoes."""
        self._stage(MANIFEST).write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        for staged in self.staged:
            staged.finish()
        pending: dict[str, Any] = {
            "previous": {staged.path.name: _keep_previous(staged.path) for staged in self.staged},
            "index": None,
        }
        if near is not None:
            pending["index"] = {"threshold": near.threshold, "before": indexed,
                                "after": len(near.documents)}
        with atomic_open(self.outdir / PENDING) as stream:
            stream.write(json.dumps(pending) + "\n")
        fsync_folder(self.outdir)
        for staged in self.staged:
            staged.publish()
        fsync_folder(self.outdir)
        if near is not None:
            near.passages.commit()  # passages first: without their documents they are inert
            near.documents.commit()
        (self.outdir / PENDING).unlink()
        fsync_folder(self.outdir)
        for staged in self.staged:
            _previous(staged.path).unlink(missing_ok=True)
        self.staged = []

    def discard(self) -> None:
        """Delete the temporary files of a run that stopped before `commit`."""
        for staged in self.staged:
            staged.discard()
        self.staged = []


def _keep_previous(path: Path) -> bool:
    """Keep the current ``path`` under its ``.previous`` name; False when there is none."""
    if not path.is_file():
        return False
    previous = _previous(path)
    previous.unlink(missing_ok=True)
    try:
        os.link(path, previous)
    except OSError:  # a file system without hard links: a copy does the same
        shutil.copyfile(path, previous)
    return True


def _copy_existing(path: Path, staged: StagedFile) -> int:
    """Copy an existing corpus file into the new one; the number of records copied."""
    if not path.is_file():
        return 0
    count = 0
    with path.open(encoding="utf-8") as existing:
        for number, line in enumerate(existing, start=1):
            if line.strip():
                if not line.endswith("\n"):  # a last line cut short is not a record
                    corpus_record(line, path, number)
                    line += "\n"
                staged.write(line)
                count += 1
    return count


def _document_reject_keys(path: Path) -> set[tuple[str, str]]:
    keys = set()
    if path.is_file():
        with path.open("rb") as stream:
            for number, line in enumerate(stream, start=1):
                if b'"kind":"document"' in line:
                    record = corpus_record(line, path, number)
                    keys.add((record["id"], record["reason"]["rule"]))
    return keys
