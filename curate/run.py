"""Run the pipeline over input files in this process and write the corpus folder.

Execution is kept apart from the steps: this module reads inputs, feeds documents to the
`Pipeline`, and writes ``documents.jsonl``, ``rejects.jsonl`` and ``manifest.json``.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from curate import __version__
from curate.document import Document
from curate.io.readers import InputFile, ReadOptions, iter_input_files, read_documents
from curate.io.writers import atomic_open, document_record, json_line, reject_records
from curate.pipeline import Context, Pipeline
from curate.rules import Rules

DOCUMENTS = "documents.jsonl"
REJECTS = "rejects.jsonl"
MANIFEST = "manifest.json"


@dataclass
class FileStats:
    path: str
    sha256: str | None = None
    bytes: int = 0
    read: int = 0  # documents (or JSONL records) read from the file
    parts: int = 0  # documents after splitting multi-article files
    kept: int = 0
    rejected: int = 0


@dataclass
class RunResult:
    files: list[FileStats]
    messages: list[str]
    edits: Counter = field(default_factory=Counter)
    rules: Counter = field(default_factory=Counter)
    dropped: Counter = field(default_factory=Counter)
    spans_removed: int = 0

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
        text_field: str | None = None, on_file=None) -> RunResult:
    """Clean every document under ``inputs`` and write the corpus folder ``outdir``."""
    source = source or _default_source(inputs)
    text_field = text_field or config.get("jsonl", {}).get("text_field", "text")
    ctx = Context(rules, config)
    pipeline = Pipeline(ctx)
    added = added_timestamp()
    options = ReadOptions(source=source, text_field=text_field)
    result = RunResult(files=[], messages=options.messages)
    outdir.mkdir(parents=True, exist_ok=True)
    with atomic_open(outdir / DOCUMENTS) as kept_out, atomic_open(outdir / REJECTS) as rejects_out:
        for item in iter_input_files(inputs):
            stats = _file_stats(item)
            read = _counted(read_documents(item, options), stats)
            for doc in pipeline.run(read):
                stats.parts += 1
                _count(result, doc)
                if doc.rejected is None:
                    stats.kept += 1
                    kept_out.write(json_line(document_record(doc, added, rules.digest)))
                else:
                    stats.rejected += 1
                for record in reject_records(doc, added, rules.digest):
                    rejects_out.write(json_line(record))
            result.files.append(stats)
            if on_file is not None:
                on_file(stats)
    manifest = build_manifest(result, inputs, pipeline.names, config, config_source, rules,
                              source, text_field, added)
    with atomic_open(outdir / MANIFEST) as stream:
        stream.write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return result


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
                   added: str) -> dict[str, Any]:
    kept, rejected = result.total("kept"), result.total("rejected")
    return {
        "curate": __version__,
        "created": added,
        "source": source,
        "inputs": list(inputs),
        "rules": {"digest": rules.digest},
        "configuration": {"file": config_source, "steps": steps, "text_field": text_field,
                          "settings": config},
        "counts": {
            "files": len(result.files),
            "read": result.total("read"),
            "documents": result.total("parts"),
            "kept": kept,
            "rejected": rejected,
            "spans_removed": result.spans_removed,
            "accounting": "documents = kept + rejected; documents = read + extra parts "
                          "from splitting multi-article files",
        },
        "steps": {name: {"edits": result.edits.get(name, 0),
                         "dropped": result.dropped.get(name, 0)} for name in ["read", *steps]},
        "rules_fired": dict(sorted(result.rules.items())),
        "files": [vars(stats) for stats in result.files],
        "problems": list(result.messages),
    }
