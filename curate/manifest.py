"""What a run did, counted: per input file, per step and rule, and the manifest that records it.

For every run, documents = kept + rejected + already_in_corpus, per file and in all; the
manifest states these counts with the inputs, the configuration and the versions of the code
and the rules that made the corpus.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from curate import __version__
from curate.dedup.stage import NEAR_STEP
from curate.document import Document
from curate.rules import Rules


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
    # What the run did to the corpus folder itself (an index rebuilt): not a problem of input.
    notices: list[str] = field(default_factory=list)
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


def count_document(result: RunResult, doc: Document) -> None:
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
