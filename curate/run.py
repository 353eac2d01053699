"""Run the pipeline over input files in this process and write the corpus folder.

Execution is kept apart from the steps: this module reads inputs, feeds documents to the
`Pipeline`, removes near-duplicates against the corpus built so far, and writes
``documents.jsonl``, ``rejects.jsonl`` and ``manifest.json``.

A corpus folder grows run by run: a new run appends only what is new, and the index of what
it holds (``.index/``) lives beside it.

Memory stays bounded: documents are cleaned, deduplicated and written in batches of
``[run] batch_documents`` (`BATCH_DOCUMENTS`). Near-duplicate decisions are taken batch by
batch, so the copy kept, "earliest created, then most complete, then first seen", is chosen
within a batch; a copy in a later batch is compared with what earlier batches kept as with
an earlier run's documents, and dropped. A run of fewer documents than a batch decides as
if it were one.

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
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import traceback
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from curate import __version__
from curate.clean.repetition import COUNTS_FILE, append_counts, prepare_counts
from curate.clean.repetition import STEP as REPEATED_STEP
from curate.dedup.near import Item, NearDuplicateFilter, StoredTexts
from curate.document import Document, Edit, Paragraph
from curate.io.readers import (
    InputFile,
    ReadOptions,
    iter_input_files,
    read_documents,
    rejected_input,
)
from curate.io.writers import (
    StagedFile,
    atomic_open,
    document_record,
    fsync_folder,
    json_line,
    reject_records,
    temporary_prefix,
)
from curate.pipeline import Context, Pipeline, reject
from curate.rules import RuleError, Rules, RuleTimeout

DOCUMENTS = "documents.jsonl"
REJECTS = "rejects.jsonl"
MANIFEST = "manifest.json"
CORPUS_FILES = (DOCUMENTS, REJECTS, MANIFEST)
INDEX = ".index"
PENDING = ".pending.json"
NEAR_STEP = "drop_near_duplicates"
# Rule of the reject of a document the cleaning steps failed on.
STEP_FAILED = "step-failed"
# A document whose repeated passages make up this share of its text is a copy, not an article.
MOSTLY_REPEATED = 0.5
# Documents cleaned, deduplicated and written together. Memory grows with it: a document of
# ~2,000 characters with its edits, and the shingles of it and of its passages, take ~30 KB
# until its batch is written (bench/memory.py), 60 MB for a batch.
BATCH_DOCUMENTS = 2000


class CorpusBusyError(ValueError):
    """Another run is writing to the same corpus folder."""


@dataclass
class FileStats:
    path: str
    sha256: str | None = None
    bytes: int = 0
    read: int = 0  # documents (or JSONL records) read from the file
    parts: int = 0  # documents after splitting multi-article files
    kept: int = 0
    rejected: int = 0
    already_in_corpus: int = 0  # kept by an earlier run into the same corpus


@dataclass
class RunResult:
    files: list[FileStats]
    messages: list[str]
    edits: Counter = field(default_factory=Counter)
    rules: Counter = field(default_factory=Counter)
    dropped: Counter = field(default_factory=Counter)
    spans_removed: int = 0
    corpus_documents: int = 0

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    @property
    def partial(self) -> bool:
        return bool(self.messages)


def added_timestamp() -> str:
    """Now in UTC, or ``SOURCE_DATE_EPOCH`` when set, so rebuilds are byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (datetime.fromtimestamp(int(epoch), tz=timezone.utc) if epoch
              else datetime.now(tz=timezone.utc))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def run(inputs: list[str], outdir: Path, *, rules: Rules, config: dict[str, Any],
        config_source: str | None = None, source: str | None = None,
        text_field: str | None = None, on_file=None, fresh: bool = False) -> RunResult:
    """Clean every document under ``inputs`` into the corpus folder ``outdir``."""
    source = source or _default_source(inputs)
    text_field = text_field or config.get("jsonl", {}).get("text_field", "text")
    ctx = Context(rules, config)
    pipeline = Pipeline(ctx)
    added = added_timestamp()
    options = ReadOptions(source=source, text_field=text_field)
    result = RunResult(files=[], messages=options.messages)
    batch_size = max(1, int(config.get("run", {}).get("batch_documents", BATCH_DOCUMENTS)))
    outdir.mkdir(parents=True, exist_ok=True)
    with CorpusLock(outdir):
        if fresh:
            clear_corpus(outdir)
        finish_interrupted_run(outdir)
        # Lines recurring across the run are judged with counts taken over all of it first.
        run_lines = prepare_counts(ctx, outdir, (
            doc for item in iter_input_files(inputs)
            for doc in read_documents(item, ReadOptions(source, text_field))
        )) if REPEATED_STEP in pipeline.names else None
        texts = CorpusTexts(outdir / DOCUMENTS)
        dedup = config.get("dedup", {})
        near, indexed = (_open_near_filter(outdir, dedup, texts) if dedup.get("near", True)
                         else (None, 0))
        try:
            writer = CorpusWriter(outdir, texts, added, rules.digest)
            try:
                for batch in _batches(_cleaned(inputs, pipeline, options, result), batch_size):
                    skipped = _drop_near_duplicates(near, batch, ctx) if near else set()
                    writer.write(batch, skipped, result)
                    if near:
                        _forget_shingles(near)
                        # Inert until their documents are written (see the module
                        # docstring); committed now, they leave memory.
                        near.passages.commit()
                        near.documents.release_pages()
                result.corpus_documents = writer.corpus_documents
                manifest = build_manifest(result, inputs, pipeline.names, config,
                                          config_source, rules, source, text_field, added,
                                          near is not None)
                writer.commit(manifest, near, indexed)
                if run_lines is not None:
                    append_counts(outdir, run_lines)
            finally:
                writer.discard()
        finally:
            if near:
                near.close()
    if on_file is not None:
        for stats in result.files:
            on_file(stats)
    return result


def clear_corpus(outdir: Path) -> None:
    """Remove what curate wrote in ``outdir`` (files and index), to start a corpus afresh."""
    for name in CORPUS_FILES:
        (outdir / name).unlink(missing_ok=True)
    (outdir / PENDING).unlink(missing_ok=True)
    (outdir / COUNTS_FILE).unlink(missing_ok=True)
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
        self.documents = self._stage(DOCUMENTS)
        self.rejects = self._stage(REJECTS)
        texts.staged = self.documents.temporary
        self.corpus_documents = _copy_existing(outdir / DOCUMENTS, self.documents)
        _copy_existing(outdir / REJECTS, self.rejects)

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
            _count(result, doc)
            if doc.rejected is None:
                stats.kept += 1
                self.corpus_documents += 1
                record = document_record(doc, self.added, self.rules_digest)
                self.texts.add(doc.id, self.documents.write(json_line(record)))
            else:
                stats.rejected += 1
                if (doc.id, doc.rejected.rule) in self.known_rejects:
                    continue  # rejected for the same reason by an earlier run
            for reject_record in reject_records(doc, self.added, self.rules_digest):
                self.rejects.write(json_line(reject_record))
        self.documents.flush()  # later batches read this batch's texts back
        self.texts.seal()

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


def _cleaned(inputs: list[str], pipeline: Pipeline, options: ReadOptions,
             result: RunResult) -> Iterator[tuple[FileStats, Document]]:
    """Every document the pipeline makes of the inputs, with the stats of its file."""
    for item in iter_input_files(inputs):
        stats = _file_stats(item)
        result.files.append(stats)
        for document in _read_guarded(item, options):
            stats.read += 1
            stats.sha256 = stats.sha256 or document.provenance.sha256 or None
            for output in _clean_guarded(pipeline, document, result):
                stats.parts += 1
                yield stats, output


def _read_guarded(item: InputFile, options: ReadOptions) -> Iterator[Document]:
    """The documents of one file; a failure of the reader itself ends the file with a reject."""
    documents = read_documents(item, options)
    while True:
        try:
            document = next(documents)
        except StopIteration:
            return
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
            yield rejected_input(item, f"reading stopped: {_describe(exc)}; the rest of the "
                                       "file is not read", options)
            return
        yield document


def _clean_guarded(pipeline: Pipeline, document: Document,
                   result: RunResult) -> list[Document]:
    """What the pipeline makes of one document; if a step fails on it, the document rejected
    as it was read, with the failure as the reason."""
    read_paragraphs = [Paragraph(p.text, p.lines, p.kind) for p in document.paragraphs]
    read_edits = list(document.edits)
    try:
        return list(pipeline.run([document]))
    except (RuleError, MemoryError):
        raise  # a broken rule file stops the run: it is a configuration error
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
        step = _failed_step(exc)
        problem = (f"step {step}: {exc}" if isinstance(exc, RuleTimeout)
                   else f"step {step} failed: {_describe(exc)}")
        failed = Document(read_paragraphs, replace(document.provenance), document.source,
                          edits=read_edits)
        failed.rejected = Edit(step, STEP_FAILED, "drop", failed.text, None, why=problem)
        where = document.provenance.file
        if document.provenance.record is not None:
            where = f"{where}:{document.provenance.record}"
        result.messages.append(f"{where}: {problem}; sent to rejects")
        return [failed]


def _failed_step(exc: BaseException) -> str:
    """The name of the pipeline step that was running when ``exc`` was raised."""
    step = "pipeline"
    frame = exc.__traceback__
    while frame is not None:
        code = frame.tb_frame.f_code
        if code.co_name == "_run_one" and "position" in frame.tb_frame.f_locals:
            local = frame.tb_frame.f_locals
            step = local["self"].names[local["position"]]
        frame = frame.tb_next
    return step


def _describe(exc: BaseException) -> str:
    """``TypeError: message (at curate/clean/x.py:12)``: the error and the last curate line."""
    where = [entry for entry in traceback.extract_tb(exc.__traceback__)
             if f"{os.sep}curate{os.sep}" in entry.filename]
    location = ""
    if where:
        path = where[-1].filename
        location = f" (at {path[path.rindex(f'{os.sep}curate{os.sep}') + 1:]}:{where[-1].lineno})"
    return f"{type(exc).__name__}: {exc}{location}"


def _batches(items: Iterable[tuple[FileStats, Document]],
             size: int) -> Iterator[list[tuple[FileStats, Document]]]:
    batch: list[tuple[FileStats, Document]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _open_near_filter(outdir: Path, settings: dict[str, Any],
                      texts: CorpusTexts) -> tuple[NearDuplicateFilter, int]:
    """The corpus's near-duplicate filter, with documents of earlier runs all indexed, and
    how many documents its index held committed."""
    near = NearDuplicateFilter(
        outdir / INDEX,
        threshold=float(settings.get("threshold", 0.8)),
        spun_threshold=float(settings.get("spun_threshold", 0.75)),
        passage_min_chars=int(settings.get("passage_min_chars", 50)),
        stored_text=texts,
    )
    indexed = len(near.documents)
    # Documents written before the index knew them (an index deleted, or built by an older
    # curate): index them now.
    missing = [doc_id for doc_id in texts.ids() if doc_id not in near.documents]
    if missing:
        near.decide([Item(doc_id, texts(doc_id) or "", None, n)
                     for n, doc_id in enumerate(missing)])
        _forget_shingles(near)
    return near, indexed


def _forget_shingles(near: NearDuplicateFilter) -> None:
    """Drop the shingles the filter keeps of what it indexed, which would otherwise grow
    with the run (~8 KB a document); it reads the texts back through `CorpusTexts`."""
    near._shingles.clear()


def _drop_near_duplicates(near: NearDuplicateFilter, outputs: list[tuple[FileStats, Document]],
                          ctx: Context) -> set[int]:
    """Apply the filter's verdicts; the positions of documents already in the corpus."""
    kept = [(n, doc) for n, (_, doc) in enumerate(outputs) if doc.rejected is None]
    items = [Item(doc.id, doc.text, doc.created, n, "spun" in doc.metadata.get("flags", []))
             for n, doc in kept]
    minimum = int(ctx.option("filters", "min_chars", 10))
    skipped = set()
    for (position, doc), verdict in zip(kept, near.decide(items), strict=True):
        if verdict.already_in_corpus:
            skipped.add(position)
        elif verdict.duplicate_of is not None:
            doc.provenance.duplicate_of = verdict.duplicate_of
            doc.provenance.cluster = verdict.duplicate_of
            doc.provenance.similarity = verdict.similarity
            reject(doc, NEAR_STEP, "near-duplicate",
                   f"Jaccard {verdict.similarity} of its character 3-grams with document "
                   f"{verdict.duplicate_of}, kept as the earlier or more complete copy")
        elif verdict.removed_passages:
            _cut_passages(doc, verdict.removed_passages, minimum)
    return skipped


def _cut_passages(doc: Document, removed: list[tuple[int, str, float]], minimum: int) -> None:
    """Cut repeated passages; a document that is mostly repeats is a near-duplicate itself."""
    paragraphs = [p for p in doc.paragraphs if p.text]
    cut = {number for number, _, _ in removed}
    before = sum(1 for ch in doc.text if not ch.isspace())
    for number, passage, similarity in removed:
        paragraph = paragraphs[number]
        doc.record(NEAR_STEP, "near-duplicate-passage", "remove", paragraph.text,
                   paragraph.lines[0],
                   why=f"repeats passage {passage} (Jaccard {similarity}) kept elsewhere")
    doc.paragraphs = [p for n, p in enumerate(paragraphs) if n not in cut]
    size = sum(1 for ch in doc.text if not ch.isspace())
    repeated = 1 - size / max(1, before)
    if repeated >= MOSTLY_REPEATED:
        source = Counter(passage.rpartition("#")[0] for _, passage, _ in removed).most_common(1)
        doc.provenance.duplicate_of = doc.provenance.cluster = source[0][0]
        doc.provenance.similarity = round(repeated, 4)
        reject(doc, NEAR_STEP, "near-duplicate-passages",
               f"{repeated:.0%} of its text repeats passages of document {source[0][0]}")
    elif size < minimum:
        reject(doc, NEAR_STEP, "too-short-after-passages",
               f"{size} characters left once repeated passages were cut, fewer than {minimum}")


def _copy_existing(path: Path, staged: StagedFile) -> int:
    """Copy an existing corpus file into the new one; the number of records copied."""
    if not path.is_file():
        return 0
    count = 0
    with path.open(encoding="utf-8") as existing:
        for line in existing:
            if line.strip():
                staged.write(line if line.endswith("\n") else line + "\n")
                count += 1
    return count


def _document_reject_keys(path: Path) -> set[tuple[str, str]]:
    keys = set()
    if path.is_file():
        with path.open(encoding="utf-8") as stream:
            for line in stream:
                if '"kind":"document"' in line:
                    record = json.loads(line)
                    keys.add((record["id"], record["reason"]["rule"]))
    return keys


def _default_source(inputs: list[str]) -> str:
    """The dump's name: the first input's base name (``seeds`` for ``curate run seeds``)."""
    first = Path(inputs[0]) if inputs else Path("input")
    return first.name or first.resolve().name


def _file_stats(item: InputFile) -> FileStats:
    stats = FileStats(item.display)
    if item.data is not None:
        stats.bytes = len(item.data)
        return stats
    try:
        stats.bytes = item.path.stat().st_size
    except OSError:
        pass
    return stats


def _count(result: RunResult, doc: Document) -> None:
    for edit in doc.edits:
        result.edits[edit.step] += 1
        result.rules[edit.rule] += 1
        result.spans_removed += edit.action == "remove"
    if doc.rejected is not None:
        result.dropped[doc.rejected.step] += 1
        result.rules[doc.rejected.rule] += 1


def build_manifest(result: RunResult, inputs: list[str], steps: list[str], config: dict,
                   config_source: str | None, rules: Rules, source: str, text_field: str,
                   added: str, near: bool) -> dict[str, Any]:
    kept, rejected = result.total("kept"), result.total("rejected")
    step_names = ["read", *steps, *([NEAR_STEP] if near else [])]
    return {
        "curate": __version__,
        "created": added,
        "source": source,
        "inputs": list(inputs),
        "rules": {"digest": rules.digest},
        "configuration": {"file": config_source, "steps": step_names[1:],
                          "text_field": text_field, "settings": config},
        "counts": {
            "files": len(result.files),
            "read": result.total("read"),
            "documents": result.total("parts"),
            "kept": kept,
            "rejected": rejected,
            "already_in_corpus": result.total("already_in_corpus"),
            "spans_removed": result.spans_removed,
            "corpus_documents": result.corpus_documents,
            "accounting": "documents = kept + rejected + already_in_corpus; documents = read "
                          "+ extra parts from splitting multi-article files",
        },
        "steps": {name: {"edits": result.edits.get(name, 0),
                         "dropped": result.dropped.get(name, 0)} for name in step_names},
        "rules_fired": dict(sorted(result.rules.items())),
        "files": [vars(stats) for stats in result.files],
        "problems": list(result.messages),
    }
