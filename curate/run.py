"""Run the pipeline over input files in this process and write the corpus folder.

Execution is kept apart from the steps: `curate.executor` reads the inputs and runs the
cleaning steps over ranges of them, in this process, in ``--workers`` processes or on Ray; this
module takes the cleaned documents back in input order, decides exact duplicates
(`IN_ORDER_STEPS`) and near-duplicates against the corpus built so far, and writes
new shards of ``documents/`` and ``rejects/`` and the ``manifest.json`` listing them, so that
any number of workers writes the same bytes.

A corpus folder grows run by run: a new run appends only what is new as new shards
(`curate.storage`), and the index of what it holds (``.index/``) lives beside it. Cleaned
ranges are committed to ``.checkpoint/`` as they come back (`curate.executor.checkpoint`), so
a killed run started again cleans only what it had not finished; the checkpoint goes when the
run ends, unless it was killed.

Memory stays bounded: documents are cleaned, deduplicated and written in batches of
``[run] batch_documents`` (`BATCH_DOCUMENTS`). Near-duplicate decisions are taken batch by
batch, so the copy kept, "earliest created, then most complete, then first seen", is chosen
within a batch; a copy in a later batch is compared with what earlier batches kept as with
an earlier run's documents, and dropped. A run of fewer documents than a batch decides as
if it were one.

How a run is published (completely or not at all) is `curate.corpus`; the near-duplicate
stage is `curate.dedup.stage`; what it counts and records is `curate.manifest`.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from itertools import repeat
from pathlib import Path
from typing import Any

from curate.clean.repetition import RESOURCE as LINE_COUNTS
from curate.clean.repetition import STEP as REPEATED_STEP
from curate.clean.repetition import append_counts, count_lines, read_counts
from curate.corpus import (
    INDEX,
    MANIFEST,
    CorpusLock,
    CorpusTexts,
    CorpusWriter,
    clear_corpus,
    finish_interrupted_run,
    upgrade_layout,
)
from curate.dedup.exact import MADE as FINGERPRINTS_MADE
from curate.dedup.exact import STEP as EXACT_STEP
from curate.dedup.exact import text_fingerprint
from curate.dedup.stage import Signing, drop_near_duplicates, open_near_filter
from curate.document import Document, Edit, Paragraph
from curate.executor import Checkpoint, RangeCleaner, executor_for
from curate.executor.checkpoint import RESUMABLE, run_key
from curate.executor.ranges import RANGE_DOCUMENTS
from curate.faults import OutputUnwritable
from curate.io.readers import (
    InputFile,
    ReadOptions,
    SpanReading,
    iter_input_files,
    read_documents,
    rejected_input,
)
from curate.io.spans import Span
from curate.io.stdin import STDIN, stdin_input
from curate.io.text_field import TextFieldError
from curate.manifest import (
    FileStats,
    RunResult,
    added_timestamp,
    build_manifest,
    earlier_runs,
)
from curate.pipeline import Context, Pipeline
from curate.progress import Progress
from curate.rules import RuleError, Rules, RuleTimeout

# Rule of the reject of a document the cleaning steps failed on.
STEP_FAILED = "step-failed"
# Steps that decide against the documents before (exact duplicates seen so far): run by the
# run itself in input order, after the steps its executor ran.
IN_ORDER_STEPS = (EXACT_STEP,)
# Documents cleaned, deduplicated and written together. Memory grows with it: a document of
# ~2,000 characters with its edits, and the shingles of it and of its passages, take ~30 KB
# until its batch is written (bench/memory.py), 60 MB for a batch.
BATCH_DOCUMENTS = 2000


def run(inputs: list[str], outdir: Path, **options: Any) -> RunResult:
    """Clean every document under ``inputs`` into the corpus folder ``outdir`` (the options
    of `_run`). A folder that cannot be written raises `OutputUnwritable`, a corpus file or
    index that cannot be read back `CorpusDamaged`: the corpus stays as it was."""
    try:
        return _run(inputs, outdir, **options)
    except OSError as exc:  # the readers reject what they cannot read: this is the output's
        raise OutputUnwritable.from_os_error(exc, outdir) from None


def _run(inputs: list[str], outdir: Path, *, rules: Rules, config: dict[str, Any],
         config_source: str | None = None, source: str | None = None,
         text_field: str | None = None, on_file=None, fresh: bool = False,
         workers: int | None = None, progress: Progress | None = None,
         engine: str | None = None, address: str | None = None) -> RunResult:
    source = source or _default_source(inputs)
    text_field = text_field or config.get("jsonl", {}).get("text_field", "text")
    ctx = Context(rules, config)
    pipeline = Pipeline(ctx)
    added = added_timestamp()
    options = ReadOptions(source=source, text_field=text_field)
    result = RunResult(files=[], messages=options.messages)
    batch_size = max(1, int(config.get("run", {}).get("batch_documents", BATCH_DOCUMENTS)))
    workers = workers or config.get("run", {}).get("workers")
    engine = engine or config.get("run", {}).get("engine", "local")
    address = address or config.get("run", {}).get("ray_address")
    outdir.mkdir(parents=True, exist_ok=True)
    with CorpusLock(outdir):
        if fresh:
            clear_corpus(outdir)
        finish_interrupted_run(outdir)
        result.notices.extend(upgrade_layout(outdir))
        earlier = earlier_runs(outdir / MANIFEST)
        # Read once: both the line counts and the cleaning go through it.
        standard_input = stdin_input(sys.stdin.buffer.read()) if STDIN in inputs else None
        texts = CorpusTexts(outdir)
        dedup = config.get("dedup", {})
        near, indexed = (open_near_filter(outdir / INDEX, dedup, texts, result.notices)
                         if dedup.get("near", True) else (None, 0))
        per_document, in_order = _split_at_in_order_steps(pipeline)
        executor = checkpoint = None
        try:
            # Open until the last batch is decided: its workers sign the documents they
            # clean, and keep a batch's worth of ranges in flight while one is decided.
            executor = executor_for(
                workers, _range_cleaner(per_document, options, result,
                                        EXACT_STEP in in_order.names),
                engine=engine, address=address,
                sign=Signing.of(near) if near is not None else None,
                in_flight=-(-batch_size // RANGE_DOCUMENTS))
            # Lines recurring across the run are judged with counts taken over all of it
            # first, by the executor's workers, and given to them before they clean.
            run_lines = None
            if REPEATED_STEP in pipeline.names:
                run_lines = executor.count(
                    (item, _file_stats(item).bytes)
                    for item in _input_files(inputs, outdir, standard_input))
                line_counts = ctx.resource(LINE_COUNTS, Counter)
                line_counts.update(read_counts(outdir) + run_lines)
                executor.share_counts(line_counts)
            # Cleaned ranges are committed as they come back: a killed run resumes from them.
            # [run] says how the run is executed, not what cleaning gives: a killed local run
            # resumes on Ray and the other way round.
            checkpoint = executor.checkpoint = Checkpoint(outdir, run_key(
                rules_digest=rules.digest, steps=pipeline.names,
                config={section: keys for section, keys in config.items() if section != "run"},
                source=source, text_field=text_field,
                line_counts=ctx.resource(LINE_COUNTS, Counter) if run_lines is not None
                else None))
            writer = CorpusWriter(outdir, texts, added, rules.digest, run=len(earlier),
                                  settings=config.get("corpus", {}))
            try:
                cleaned = _cleaned(inputs, outdir, standard_input, in_order, result, executor,
                                   progress)
                for batch in _batches(cleaned, batch_size):
                    skipped = (drop_near_duplicates(near, batch, ctx, executor.bands)
                               if near else set())
                    writer.write(batch, skipped, result)
                    if near:
                        near.forget()
                        # Inert until their documents are written (see the module
                        # docstring); committed now, they leave memory.
                        near.passages.commit()
                        near.documents.release_pages()
                result.corpus_documents = writer.corpus_documents
                result.corpus_changed = writer.changes_corpus
                if result.corpus_changed:
                    manifest = build_manifest(result, inputs, pipeline.names, config,
                                              config_source, rules, source, text_field, added,
                                              near is not None, earlier,
                                              _working_folder(outdir))
                    writer.commit(manifest, near, indexed)
                    if run_lines is not None:
                        append_counts(outdir, run_lines)
                elif near is not None:
                    near.commit()  # earlier runs' documents it indexed only now, if any
                checkpoint.remove()
                if checkpoint.summary():
                    result.notices.append(checkpoint.summary())
            finally:
                writer.discard()
        except RESUMABLE:
            raise  # the checkpoint stays for the run started again
        except BaseException:
            # The folder is left as it was: the checkpoint this run opened goes; one a killed
            # run left, when this run failed before opening its own (counting the lines), stays.
            if checkpoint is not None:
                checkpoint.remove()
            raise
        finally:
            if executor is not None:
                executor.close()
            if near:
                near.close()
    if on_file is not None:
        for stats in result.files:
            on_file(stats)
    return result


def _split_at_in_order_steps(pipeline: Pipeline) -> tuple[Pipeline, Pipeline]:
    """The steps an executor runs on each document, and those the run runs after them in
    input order (`IN_ORDER_STEPS` and what follows)."""
    names = pipeline.names
    cut = min([names.index(name) for name in IN_ORDER_STEPS if name in names] or [len(names)])
    return Pipeline(pipeline.ctx, names[:cut]), Pipeline(pipeline.ctx, names[cut:])


def _range_cleaner(per_document: Pipeline, options: ReadOptions, result: RunResult,
                   fingerprints: bool) -> Callable[[], RangeCleaner]:
    """What builds a worker's `RangeCleaner`: the reader, then ``per_document``'s steps, and
    with ``fingerprints`` the exact-duplicate fingerprint of each output's text (for the
    run's `drop_exact_duplicates` to take); for the counting pass a reader of its own,
    whose messages go nowhere (the cleaning reads the same documents again and says what
    it has to say then)."""

    def make_cleaner() -> RangeCleaner:
        return RangeCleaner(
            lambda item, *span: _read_guarded(item, options, *span),
            lambda document: _clean_guarded(per_document, document, result),
            options.messages,
            lambda item: options.skipped_records.pop(item.display, {}),
            count_read=lambda item, *span: _read_guarded(item, ReadOptions(
                source=options.source, text_field=options.text_field), *span),
            count_lines=count_lines,
            take_counts=per_document.ctx.resource(LINE_COUNTS, Counter).update,
            fingerprint=text_fingerprint if fingerprints else None)

    return make_cleaner


def _cleaned(inputs: list[str], outdir: Path, standard_input: InputFile | None,
             in_order: Pipeline, result: RunResult, executor: Any,
             progress: Progress | None) -> Iterator[tuple[FileStats, Document]]:
    """Every document the pipeline makes of the inputs, with the stats of its file, in input
    order whoever cleaned it (``executor``, then ``in_order``'s steps here); the corpus
    folder is never read as input, even when it lies inside an input folder."""
    files = ((item, _file_stats(item).bytes)
             for item in _input_files(inputs, outdir, standard_input))
    stats = FileStats("")
    for done in executor.clean(files):
        if done.range.start == 0:
            stats = _file_stats(done.range.item)
            result.files.append(stats)
        stats.read += done.read
        stats.sha256 = stats.sha256 or done.sha256
        result.messages.extend(done.messages)
        made = in_order.ctx.resource(FINGERPRINTS_MADE, dict)
        for cleaned, fingerprint in zip(done.outputs, done.fingerprints or repeat(None),
                                        strict=False):
            if fingerprint is not None:
                made[cleaned.text] = fingerprint
            for output in _clean_guarded(in_order, cleaned, result):
                stats.parts += 1
                yield stats, output
        if done.ended:
            stats.skipped_records = done.skipped_records
        if progress is not None:
            progress.advance(done.read, done.text_bytes, stats.bytes, done.ended)


def _input_files(inputs: list[str], outdir: Path,
                 standard_input: InputFile | None) -> Iterator[InputFile]:
    """The input files, with ``-`` standing for what was read from standard input, and never
    ``outdir``'s."""
    for given in inputs:
        if given == STDIN and standard_input is not None:
            yield standard_input
        else:
            yield from iter_input_files([given], skip=[outdir])


def _read_guarded(item: InputFile, options: ReadOptions, span: Span | None = None,
                  report: SpanReading | None = None) -> Iterator[Document]:
    """The documents of one file (or of one ``span`` of it, `read_documents`); a failure of
    the reader itself ends the file (the span) with a reject."""
    documents = read_documents(item, options, span, report)
    while True:
        try:
            document = next(documents)
        except StopIteration:
            return
        except (MemoryError, TextFieldError):
            raise  # a wrong --text-field is a usage error: every record would be rejected
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


def _working_folder(outdir: Path) -> str:
    """Where the inputs' relative paths start, as a path from the corpus folder: recorded
    so that `curate explain` finds the sources from anywhere, without naming this machine's
    folders."""
    return Path(os.path.relpath(Path.cwd(), outdir.resolve())).as_posix()


def _default_source(inputs: list[str]) -> str:
    """The dump's name: the first input's base name (``seeds`` for ``curate run seeds``)."""
    if inputs and inputs[0] == STDIN:
        return "stdin"
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
