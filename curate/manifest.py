"""What a run did, counted: per input file, per step and rule, and the manifest that records it.

For every run, documents = kept + rejected + already_in_corpus, per file and in all; the
manifest states these counts with the inputs, the configuration and the versions of the code
and the rules that made the corpus.

The manifest describes the last run in full (its files, steps and rules fired) and keeps the
history of every run that changed the corpus under ``runs``, oldest first: when it ran, with
which code and rules, on which inputs (each with its sha256) and what it counted. A run that
adds nothing does not change the folder, so it leaves no entry.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from curate import __version__
from curate.dedup.stage import NEAR_STEP
from curate.document import Document
from curate.io.stdin import STDIN, STDIN_NAME
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
    # WARC records that are neither pages nor text (requests, warcinfo, images), by kind
    skipped_records: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        entry = dict(vars(self))
        if not self.skipped_records:
            del entry["skipped_records"]
        return entry


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
    corpus_changed: bool = True  # False when the run added nothing and left the folder as it was

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
                   added: str, near: bool, earlier: list[dict[str, Any]] | None = None,
                   working_folder: str | None = None) -> dict[str, Any]:
    """The manifest of a run; ``earlier`` is the history of the runs before it, and
    ``working_folder`` the folder the inputs' paths are relative to, from the corpus folder
    (``..`` for ``curate run seeds -o corpus``)."""
    kept, rejected = result.total("kept"), result.total("rejected")
    step_names = ["read", *steps, *([NEAR_STEP] if near else [])]
    counts = {
        "files": len(result.files),
        "read": result.total("read"),
        "documents": result.total("parts"),
        "kept": kept,
        "rejected": rejected,
        "already_in_corpus": result.total("already_in_corpus"),
        "spans_removed": result.spans_removed,
        "corpus_documents": result.corpus_documents,
        "skipped_records": sum(sum(f.skipped_records.values()) for f in result.files),
    }
    given = input_digests(inputs, result.files)
    this_run = {"created": added, "curate": __version__, "rules": rules.digest,
                "source": source, "inputs": given, "working_folder": working_folder,
                "configuration": config_source, "counts": counts}
    return {
        "curate": __version__,
        "created": added,
        "source": source,
        "inputs": given,
        "working_folder": working_folder,
        "rules": {"digest": rules.digest},
        "configuration": {"file": config_source, "steps": step_names[1:],
                          "text_field": text_field, "settings": config},
        "counts": {
            **counts,
            "accounting": "documents = kept + rejected + already_in_corpus; documents = read "
                          "+ extra parts from splitting multi-article files",
        },
        "steps": {name: {"edits": result.edits.get(name, 0),
                         "dropped": result.dropped.get(name, 0)} for name in step_names},
        "rules_fired": dict(sorted(result.rules.items())),
        "files": [stats.to_json() for stats in result.files],
        "problems": list(result.messages),
        "runs": [*(earlier or []), this_run],
    }


def input_digests(inputs: list[str], files: list[FileStats]) -> list[dict[str, Any]]:
    """Each input as given, with the files read under it and its sha256: a file's own, or
    for a folder or archive the sha256 of its files' paths and sha256s, one a line."""
    described = []
    for given in inputs:
        under = [stats for stats in files if _is_under(stats.path, given)]
        if len(under) == 1 and (under[0].path == given or given == STDIN):
            digest = under[0].sha256
        else:
            listing = "".join(f"{stats.path}\t{stats.sha256 or ''}\n" for stats in under)
            digest = hashlib.sha256(listing.encode("utf-8")).hexdigest()
        described.append({"path": given, "files": len(under), "sha256": digest})
    return described


def _is_under(path: str, given: str) -> bool:
    if path == given or (given == STDIN and path.startswith(STDIN_NAME)):
        return True
    return path.startswith((given.rstrip(os.sep) + os.sep, f"{given}!"))


def earlier_runs(manifest: Path) -> list[dict[str, Any]]:
    """The history of the runs a corpus's manifest records (a manifest written before the
    history was kept stands for one run); none for a new folder."""
    if not manifest.is_file():
        return []
    try:
        recorded = json.loads(manifest.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{manifest}: cannot read the corpus manifest ({exc}); restore it "
                         "from version control, or start afresh with --fresh") from None
    if "runs" in recorded:
        return list(recorded["runs"])
    counts = {k: v for k, v in recorded.get("counts", {}).items() if k != "accounting"}
    inputs = [item if isinstance(item, dict) else {"path": item, "files": None, "sha256": None}
              for item in recorded.get("inputs", [])]
    return [{"created": recorded.get("created"), "curate": recorded.get("curate"),
             "rules": recorded.get("rules", {}).get("digest"), "source": recorded.get("source"),
             "inputs": inputs, "configuration": recorded.get("configuration", {}).get("file"),
             "counts": counts}]
