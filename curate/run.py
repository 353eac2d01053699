"""Run the pipeline over input files in this process and write the corpus folder.

Execution is kept apart from the steps: this module reads inputs, feeds documents to the
`Pipeline`, removes near-duplicates against the corpus built so far, and writes
``documents.jsonl``, ``rejects.jsonl`` and ``manifest.json``.

A corpus folder grows run by run: a new run appends only what is new, and the index of what
it holds (``.index/``) lives beside it. Files are replaced atomically and the index is
committed last; a run interrupted before that leaves the folder as it was, or with the new
documents written and the index behind, which the next run repairs before anything else.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from curate import __version__
from curate.dedup.near import Item, NearDuplicateFilter, StoredTexts
from curate.document import Document
from curate.io.readers import InputFile, ReadOptions, iter_input_files, read_documents
from curate.io.writers import atomic_open, document_record, json_line, reject_records
from curate.pipeline import Context, Pipeline, reject
from curate.rules import Rules

DOCUMENTS = "documents.jsonl"
REJECTS = "rejects.jsonl"
MANIFEST = "manifest.json"
INDEX = ".index"
NEAR_STEP = "drop_near_duplicates"
# A document whose repeated passages make up this share of its text is a copy, not an article.
MOSTLY_REPEATED = 0.5


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
    if fresh:
        clear_corpus(outdir)
    outdir.mkdir(parents=True, exist_ok=True)

    outputs: list[tuple[FileStats, Document]] = []
    for item in iter_input_files(inputs):
        stats = _file_stats(item)
        for doc in pipeline.run(_counted(read_documents(item, options), stats)):
            stats.parts += 1
            outputs.append((stats, doc))
        result.files.append(stats)

    dedup = config.get("dedup", {})
    near = None
    if dedup.get("near", True):
        near = _open_near_filter(outdir, dedup)
    try:
        skipped = _drop_near_duplicates(near, outputs, ctx) if near else set()
        _write(outdir, outputs, skipped, result, added, rules)
        manifest = build_manifest(result, inputs, pipeline.names, config, config_source, rules,
                                  source, text_field, added, near is not None)
        with atomic_open(outdir / MANIFEST) as stream:
            stream.write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        if near:
            near.commit()  # last: the documents it indexes are written by now
    finally:
        if near:
            near.close()
    if on_file is not None:
        for stats in result.files:
            on_file(stats)
    return result


def clear_corpus(outdir: Path) -> None:
    """Remove what curate wrote in ``outdir`` (files and index), to start a corpus afresh."""
    for name in (DOCUMENTS, REJECTS, MANIFEST):
        (outdir / name).unlink(missing_ok=True)
    shutil.rmtree(outdir / INDEX, ignore_errors=True)


def _open_near_filter(outdir: Path, settings: dict[str, Any]) -> NearDuplicateFilter:
    """The corpus's near-duplicate filter, with documents of earlier runs all indexed."""
    stored = StoredTexts([p for p in [outdir / DOCUMENTS] if p.is_file()])
    near = NearDuplicateFilter(
        outdir / INDEX,
        threshold=float(settings.get("threshold", 0.8)),
        spun_threshold=float(settings.get("spun_threshold", 0.75)),
        passage_min_chars=int(settings.get("passage_min_chars", 50)),
        stored_text=stored,
    )
    # Documents written by a run that stopped before committing the index: index them now.
    missing = [doc_id for doc_id in stored.ids() if doc_id not in near.documents]
    if missing:
        near.decide([Item(doc_id, stored(doc_id) or "", None, n)
                     for n, doc_id in enumerate(missing)])
    return near


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


def _write(outdir: Path, outputs: list[tuple[FileStats, Document]], skipped: set[int],
           result: RunResult, added: str, rules: Rules) -> None:
    """Append this run's documents and rejects to the corpus files, each replaced atomically."""
    known_rejects = _document_reject_keys(outdir / REJECTS)
    with atomic_open(outdir / DOCUMENTS) as kept_out, atomic_open(outdir / REJECTS) as rejects_out:
        result.corpus_documents = _copy_existing(outdir / DOCUMENTS, kept_out)
        _copy_existing(outdir / REJECTS, rejects_out)
        for position, (stats, doc) in enumerate(outputs):
            if position in skipped:
                stats.already_in_corpus += 1
                continue
            _count(result, doc)
            if doc.rejected is None:
                stats.kept += 1
                result.corpus_documents += 1
                kept_out.write(json_line(document_record(doc, added, rules.digest)))
            else:
                stats.rejected += 1
                if (doc.id, doc.rejected.rule) in known_rejects:
                    continue  # rejected for the same reason by an earlier run
            for record in reject_records(doc, added, rules.digest):
                rejects_out.write(json_line(record))


def _copy_existing(path: Path, stream) -> int:
    """Copy an existing corpus file into the new one; the number of records copied."""
    if not path.is_file():
        return 0
    count = 0
    with path.open(encoding="utf-8") as existing:
        for line in existing:
            if line.strip():
                stream.write(line if line.endswith("\n") else line + "\n")
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
    try:
        stats.bytes = item.path.stat().st_size
    except OSError:
        pass
    return stats


def _counted(documents, stats: FileStats):
    """Count the documents read from a file and take its hash from their provenance."""
    for document in documents:
        stats.read += 1
        stats.sha256 = stats.sha256 or document.provenance.sha256 or None
        yield document


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
