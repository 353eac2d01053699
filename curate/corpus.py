"""The corpus folder: its shards (`curate.storage`), the lock that keeps two runs out of
it, and the way a run is published so that it happens completely or not at all.

A run adds new shards and never rewrites those of earlier runs. It happens completely or not
at all, even when it is killed (``kill -9``, power loss) at any point; started again, it
gives the same output as if it had never stopped:

1. this run's shards (``documents/part-NNNNN.jsonl.gz``, ``rejects/rejects-NNNNN.jsonl.gz``),
   their lookups and the new ``manifest.json`` are written to temporary files beside them
   and synced;
2. the current manifest is kept under a second name (``.manifest.json.previous``, a hard
   link) and ``.pending.json`` records the files this run adds and how large the index
   will be;
3. the shards and lookups are renamed into place, then the manifest (which lists them: a
   reader sees the new shards from then on), then the near-duplicate index is committed (its
   passages, then its documents);
4. ``.pending.json`` and the ``.previous`` link are deleted.

A run that finds ``.pending.json`` (`finish_interrupted_run`) looks at the index: committed
means the killed run had finished everything else, and only the marker is removed;
otherwise the files it names are deleted and the previous manifest put back, so the folder is
as it was before the killed run, and this run starts from there. Shards no manifest lists and
temporary files of killed runs are deleted.

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
import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from curate.dedup.near import NearDuplicateFilter
from curate.document import Document
from curate.faults import CorpusDamaged, corpus_record
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
from curate.storage import (
    CARD,
    DATASET_CARD,
    DOCUMENTS,
    KINDS,
    LOOKUP,
    MANIFEST,
    REJECTS,
    SHARD_BYTES,
    SHARD_PREFIX,
    SHARD_RECORDS,
    SINGLE_FILES,
    CorpusReader,
    ShardWriter,
    ensure_lookups,
    id_key,
    listed_shards,
    lookup_key,
    make_folders,
    read_manifest,
    remove_unlisted,
    write_card,
)
from curate.storage import fsync_folders as _fsync_folders

INDEX = ".index"
PENDING = ".pending.json"
# How often each line was seen across runs (curate.clean.repetition reads and appends it).
LINE_COUNTS = "line_counts.tsv"
# The files of the single-file layout, as a killed run of an earlier version left them.
_SINGLE_LAYOUT = (*SINGLE_FILES.values(), MANIFEST)


class CorpusBusyError(ValueError):
    """Another run is writing to the same corpus folder."""


def clear_corpus(outdir: Path) -> None:
    """Remove what curate wrote in ``outdir`` (shards, files and index), to start afresh."""
    for name in (*_SINGLE_LAYOUT, PENDING, LINE_COUNTS, CARD):
        (outdir / name).unlink(missing_ok=True)
    remove_unlisted(outdir, {})
    _remove_leftovers(outdir)
    for folder in (*KINDS, LOOKUP, INDEX):
        shutil.rmtree(outdir / folder, ignore_errors=True)


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
            if "added" in pending:
                _undo_added(outdir, pending)
            else:
                _undo_single_files(outdir, pending.get("previous", {}))
            fsync_folder(outdir)
        marker.unlink()
        fsync_folder(outdir)
    _remove_leftovers(outdir)
    remove_unlisted(outdir, read_manifest(outdir))


def _undo_added(outdir: Path, pending: dict[str, Any]) -> None:
    """Delete the files a killed run added and put its previous manifest back."""
    for name in pending["added"]:
        path = outdir / name
        # Only files this layout names, whatever the marker says.
        if name == CARD or name.startswith((*(f"{k}/{SHARD_PREFIX[k]}" for k in KINDS),
                                            f"{LOOKUP}/")):
            path.unlink(missing_ok=True)
    previous = _previous(outdir / MANIFEST)
    if pending.get("manifest"):
        if previous.exists():  # else a recovery already put it back
            os.replace(previous, outdir / MANIFEST)
    else:
        (outdir / MANIFEST).unlink(missing_ok=True)


def _undo_single_files(outdir: Path, existed: dict[str, bool]) -> None:
    """Put back the files a killed run of the single-file layout replaced."""
    for name in _SINGLE_LAYOUT:  # only these names, whatever the marker says
        previous = _previous(outdir / name)
        if existed.get(name):
            if previous.exists():
                os.replace(previous, outdir / name)
        else:
            (outdir / name).unlink(missing_ok=True)


def upgrade_layout(outdir: Path) -> list[str]:
    """Move a corpus of the single-file layout into shards, and rebuild lost lookups; what
    was done, as notices. The shards are listed by a new manifest (the commit), then the
    single files deleted: a run killed in between finishes the move when started again."""
    notices = []
    manifest = read_manifest(outdir)
    singles = [outdir / name for name in SINGLE_FILES.values() if (outdir / name).is_file()]
    if singles and not any(listed_shards(manifest, kind) for kind in KINDS):
        reader = CorpusReader(outdir, manifest)
        make_folders(outdir)
        shards: dict[str, list[dict[str, Any]]] = {}
        for kind in KINDS:
            writer = ShardWriter(outdir, kind, 0, None)
            try:
                for line, path, number in reader.lines(kind):
                    text = line.decode("utf-8")
                    if not text.endswith("\n"):
                        text += "\n"
                    writer.write(lookup_key(corpus_record(line, path, number), kind), text)
                staged = writer.finish()
            except BaseException:
                writer.discard()
                raise
            for shard in staged:
                shard.publish()
            shards[kind] = [shard.shard.to_json() for shard in staged]
        _fsync_folders(outdir)
        write_card(outdir)
        with atomic_open(outdir / MANIFEST) as stream:
            stream.write(json.dumps({**manifest, "shards": shards}, ensure_ascii=False,
                                    indent=2) + "\n")
        fsync_folder(outdir)
        notices.append(f"{outdir}: {', '.join(p.name for p in singles)} of the single-file "
                       f"layout moved into {DOCUMENTS}/ and {REJECTS}/ shards of gzipped JSONL")
    if singles:
        for path in singles:
            path.unlink()
        fsync_folder(outdir)
        manifest = read_manifest(outdir)
    for kind in KINDS:
        for shard in listed_shards(manifest, kind):
            if not (outdir / shard.file).is_file():
                raise CorpusDamaged(f"{outdir / shard.file}: listed in {MANIFEST} but missing; "
                                    "restore it from a copy and run again, or start afresh "
                                    "with --fresh")
    notices += [f"{outdir / name}: its lookup was missing or cut short; rebuilt"
                for name in ensure_lookups(outdir, manifest)]
    return notices


def _remove_leftovers(outdir: Path) -> None:
    """Delete ``.previous`` links and the temporary files of runs that did not finish."""
    for name in (*_SINGLE_LAYOUT, PENDING, CARD):
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
    """The text of the corpus's documents by id: earlier runs' (`CorpusReader.text`) and
    those this run wrote.

    This run's are found by a 64-bit hash of their id in sorted arrays (24 bytes a document
    rather than ~200 in a dict), and read back from the shard writer, id checked.
    """

    def __init__(self, outdir: Path) -> None:
        self.reader = CorpusReader(outdir)
        self.staged: ShardWriter | None = None
        self._keys = np.empty(0, dtype=np.uint64)
        self._where = np.empty((0, 2), dtype=np.int64)
        self._new: list[tuple[int, int, int]] = []

    def count(self) -> int:
        """Documents the corpus holds (its manifest says: nothing is read)."""
        return self.reader.count(DOCUMENTS)

    def indexed(self) -> tuple[int, int]:
        """The documents the near-duplicate index held when the corpus was last written, and
        those the corpus held then (both the corpus's size for a manifest that does not say)."""
        recorded = self.reader.manifest.get("index") or {}
        index, corpus = recorded.get("documents"), recorded.get("corpus_documents")
        if isinstance(index, int) and isinstance(corpus, int):
            return index, corpus
        return self.count(), self.count()

    def ids(self) -> list[str]:
        return self.reader.ids()

    def add(self, doc_id: str, where: tuple[int, int]) -> None:
        """Note where this run wrote a document; findable once `seal` is called."""
        self._new.append((id_key(doc_id), *where))

    def seal(self) -> None:
        if self._new:
            new = np.array(self._new, dtype=np.uint64).reshape(-1, 3)
            keys = np.concatenate([self._keys, new[:, 0]])
            order = np.argsort(keys, kind="stable")
            self._keys = keys[order]
            self._where = np.concatenate([self._where, new[:, 1:].astype(np.int64)])[order]
            self._new = []

    def __call__(self, doc_id: str) -> str | None:
        text = self.reader.text(doc_id)
        if text is not None or self.staged is None:
            return text
        key = np.uint64(id_key(doc_id))
        start = int(np.searchsorted(self._keys, key, "left"))
        end = int(np.searchsorted(self._keys, key, "right"))
        for number, location in self._where[start:end].tolist():
            record = json.loads(self.staged.read(number, location))
            if record.get("id") == doc_id:
                return record.get("text")
        return None


class CorpusWriter:
    """This run's documents and rejects, appended as new shards and published, with the
    manifest, by `commit` (the steps in the module docstring).

    ``run`` is this run's place in the manifest's history; ``settings`` the ``[corpus]``
    section (``shard_records``, ``shard_bytes``)."""

    def __init__(self, outdir: Path, texts: CorpusTexts, added: str, rules_digest: str,
                 run: int | None = None, settings: dict[str, Any] | None = None) -> None:
        self.outdir = outdir
        self.texts = texts
        self.reader = texts.reader
        self.added = added
        self.rules_digest = rules_digest
        settings = settings or {}
        limits = (int(settings.get("shard_records", SHARD_RECORDS)),
                  int(settings.get("shard_bytes", SHARD_BYTES)))
        self.documents = ShardWriter(outdir, DOCUMENTS, len(self.reader.shards(DOCUMENTS)),
                                     run, *limits)
        self.rejects = ShardWriter(outdir, REJECTS, len(self.reader.shards(REJECTS)), run,
                                   *limits)
        texts.staged = self.documents
        self.corpus_documents = self.reader.count(DOCUMENTS)
        self.written = 0  # records this run wrote, documents and rejects

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
                self.texts.add(doc.id, self.documents.write(doc.id, json_line(record)))
                self.written += 1
            else:
                stats.rejected += 1
                if self.reader.has_reject(doc.id, doc.rejected.rule):
                    continue  # rejected for the same reason by an earlier run
            for reject_record in reject_records(doc, self.added, self.rules_digest):
                self.rejects.write(lookup_key(reject_record, REJECTS), json_line(reject_record))
                self.written += 1
        self.texts.seal()

    @property
    def changes_corpus(self) -> bool:
        """Whether publishing would change the folder: this run wrote a record, or the
        folder has no manifest (a first run that kept nothing still makes one)."""
        return self.written > 0 or not (self.outdir / MANIFEST).is_file()

    def commit(self, manifest: dict[str, Any], near: NearDuplicateFilter | None,
               indexed: int) -> None:
        """Publish this run's shards and the manifest listing them and commit the index
        (``indexed`` documents when the run began), so that a kill anywhere leaves what
        `finish_interrupted_run` finishes or undoes."""
        staged = [*self.documents.finish(), *self.rejects.finish()]
        manifest["shards"] = {
            kind: [s.to_json() for s in self.reader.shards(kind)]
            + [s.shard.to_json() for s in staged if s.shard.file.startswith(f"{kind}/")]
            for kind in KINDS}
        if near is not None:
            manifest["index"] = {"documents": len(near.documents),
                                 "corpus_documents": self.corpus_documents}
        added = [path.relative_to(self.outdir).as_posix() for s in staged for path in s.paths]
        card = None
        if not (self.outdir / CARD).exists():
            card = StagedFile(self.outdir / CARD)
            card.write(DATASET_CARD)
            added.append(CARD)
        written = StagedFile(self.outdir / MANIFEST)
        written.write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        for staged_file in (written, card):
            if staged_file is not None:
                staged_file.finish()
        pending: dict[str, Any] = {"added": added,
                                   "manifest": _keep_previous(self.outdir / MANIFEST),
                                   "index": None}
        if near is not None:
            pending["index"] = {"threshold": near.threshold, "before": indexed,
                                "after": len(near.documents)}
        with atomic_open(self.outdir / PENDING) as stream:
            stream.write(json.dumps(pending) + "\n")
        fsync_folder(self.outdir)
        make_folders(self.outdir)  # both kinds' folders, though a run may write one kind only
        for shard in staged:
            shard.publish()
        if card is not None:
            card.publish()
        _fsync_folders(self.outdir)
        written.publish()
        fsync_folder(self.outdir)
        if near is not None:
            near.passages.commit()  # passages first: without their documents they are inert
            near.documents.commit()
        (self.outdir / PENDING).unlink()
        fsync_folder(self.outdir)
        _previous(self.outdir / MANIFEST).unlink(missing_ok=True)

    def discard(self) -> None:
        """Delete the temporary files of a run that stopped before `commit`."""
        self.documents.discard()
        self.rejects.discard()


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
