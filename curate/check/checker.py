"""`Checker`: every finding of the checked files, remembering ids and texts across them."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from curate import __version__
from curate.check.codes import Finding
from curate.check.duplicates import Duplicates, NearDuplicateIndex
from curate.check.files import (
    CheckedFile,
    FileUnreadable,
    iter_checked_files,
    read_lines,
    read_text_bytes,
)
from curate.check.records import (
    RecordLine,
    RecordUnreadable,
    Schema,
    decode_jsonl_line,
    is_valid_unicode,
    parse_record,
    schema_findings,
)
from curate.check.text import TextChecker
from curate.io.decode import DecodeError, decode_bytes
from curate.progress import Progress
from curate.rules import Rules

# Findings kept for one file: a file of junk lines stops there instead of filling memory.
MAX_FINDINGS_PER_FILE = 10_000


class TextLines:
    """``(line, column)`` of offsets in a raw text file's decoded text."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


@dataclass
class CheckResult:
    findings: list[Finding]
    files: int
    documents: int
    fixed_files: int = 0
    fix_edits: int = 0


class Checker:
    """Checks files, remembering ids and texts across them for C105 and C301.

    >>> checker = Checker(Rules(), {}, frozenset({"C101", "C102", "C105", "C301"}))
    >>> checker.check_paths(["corpus"]).findings
    []
    """

    def __init__(self, rules: Rules, config: dict[str, Any], codes: frozenset[str],
                 near_duplicates: NearDuplicateIndex | None = None,
                 progress: Progress | None = None) -> None:
        self.codes = codes
        self.progress = progress
        self.rules = rules
        self.text_checker = TextChecker(rules, config, codes)
        self.duplicates = Duplicates(near_duplicates if "C302" in codes else None)
        self.ids: dict[str, str] = {}
        self.documents = 0

    def check_paths(self, paths: list[str]) -> CheckResult:
        findings: list[Finding] = []
        files = 0
        for file in iter_checked_files(paths):
            files += 1
            findings += self.check_file(file)
        return CheckResult([f for f in findings if f.code in self.codes], files, self.documents)

    def check_file(self, file: CheckedFile) -> list[Finding]:
        check = self._check_jsonl if file.is_jsonl else self._check_raw
        found: list[Finding] = []
        try:
            for finding in check(file):
                found.append(finding)
                if len(found) == MAX_FINDINGS_PER_FILE:
                    found.append(Finding(file.display, finding.line, 1, "C107",
                                         f"{MAX_FINDINGS_PER_FILE:,} findings: the rest of "
                                         "the file is not checked; is it a corpus file?"))
                    break
        except FileUnreadable as exc:
            found.append(Finding(file.display, exc.line, 1, "C107", str(exc)))
        found += self.duplicates.near()
        return sorted(found, key=lambda f: (f.line, f.column, f.code))

    def _check_raw(self, file: CheckedFile) -> Iterator[Finding]:
        try:
            text = decode_bytes(read_text_bytes(file)).text
        except DecodeError as exc:
            yield Finding(file.display, 1, 1, "C107", str(exc))
            return
        self.documents += 1
        if self.progress is not None:
            self.progress.record(str(file.path), len(text.encode("utf-8")))
        lines = TextLines(text)
        for problem in self.text_checker.find(text):
            yield Finding(file.display, *lines.position(problem.offset), problem.code,
                          problem.message)
        yield from self.duplicates.exact(file.display, 1, lambda: 1, None, text)

    def _check_jsonl(self, file: CheckedFile) -> Iterator[Finding]:
        """One record a line, read one line at a time: a file of any size takes little memory."""
        display = file.display
        for number, raw in read_lines(file):
            if raw is None:
                yield Finding(display, number, 1, "C101", "a line longer than 32 MiB: no "
                              "corpus record is that long; not read")
                continue
            try:
                line = decode_jsonl_line(raw, number)
            except UnicodeDecodeError as exc:
                column = len(raw[: exc.start].decode("utf-8", "replace")) + 1
                yield Finding(display, number, column, "C107",
                              f"not UTF-8: {exc.reason} [{raw[exc.start:exc.end].hex(' ')}]")
                continue
            if not line.strip():
                continue
            try:
                record = parse_record(line)
            except RecordUnreadable as exc:
                yield Finding(display, number, exc.column, "C101", str(exc))
                continue
            self.documents += 1
            if self.progress is not None:
                self.progress.record(str(file.path), len(raw))
            yield from self._check_record(record, RecordLine(line, number), display,
                                          file.schema)

    def _check_record(self, record: Any, line: RecordLine, display: str,
                      schema: Schema) -> Iterator[Finding]:
        yield from schema_findings(record, line, display, schema)
        if not isinstance(record, dict):
            return
        number = line.number
        doc_id = record.get("id")
        if isinstance(doc_id, str) and schema.kept:
            first = self.ids.setdefault(doc_id, f"{display}:{number}")
            if first != f"{display}:{number}":
                yield Finding(display, number, line.value_column("id"), "C105",
                              f"id {doc_id} is already used at {first}")
        text = record.get("text")
        if not isinstance(text, str):
            return
        if not is_valid_unicode(text):
            yield Finding(display, number, line.value_column("text"), "C108",
                          "text holds lone surrogates (\\ud800-\\udfff), which is not Unicode")
            return
        if not schema.kept:
            return
        if not text.strip():
            yield Finding(display, number, line.value_column("text"), "C106", "text is empty")
            return
        for problem in self.text_checker.find(text, written_by_run(record, self.rules)):
            yield Finding(display, *line.text_position(problem.offset), problem.code,
                          problem.message)
        own_id = doc_id if isinstance(doc_id, str) else None
        yield from self.duplicates.exact(display, number, lambda: line.value_column("text"),
                                         own_id, text)


def written_by_run(record: dict[str, Any], rules: Rules) -> bool:
    """Whether ``curate run`` wrote the record with this code and these rules."""
    provenance = record.get("provenance")
    return (isinstance(provenance, dict) and provenance.get("rules") == rules.digest
            and provenance.get("pipeline") == __version__)
