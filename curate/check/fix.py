"""``curate check --fix``: files rewritten in place through the cleaning steps of their
findings, keeping what needs no fix byte for byte."""

from __future__ import annotations

import gzip
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from curate.check.checker import written_by_run
from curate.check.codes import CODES
from curate.check.files import (
    CheckedFile,
    FileUnreadable,
    iter_checked_files,
    open_checked,
    read_lines,
    read_text_bytes,
)
from curate.check.records import (
    RecordUnreadable,
    decode_jsonl_line,
    is_valid_unicode,
    parse_record,
)
from curate.check.text import TextChecker
from curate.document import Document, Edit
from curate.io.decode import DecodeError, decode_bytes
from curate.io.writers import json_line
from curate.markup import parse_plain
from curate.storage import listed_shard, rewrite_shard

# A fix can make another one possible (a breadcrumb line matches once its pinyin is gone).
FIX_PASSES = 3
_COPY_CHUNK = 2**20


@dataclass
class FixCount:
    files: int = 0
    edits: int = 0


def fix_paths(paths: list[str], text_checker: TextChecker) -> FixCount:
    """Rewrite each file in place through the steps that fix its text findings.

    A rejects file is left alone: what it holds was cut on purpose.
    """
    count = FixCount()
    for file in iter_checked_files(paths):
        try:
            if file.is_jsonl:
                edits = fix_jsonl_file(file, text_checker) if file.schema.kept else 0
            else:
                edits = fix_raw_file(file, text_checker)
        except FileUnreadable:
            edits = 0  # reported by the check that follows
        if edits:
            count.files += 1
            count.edits += edits
    return count


def repair(text: str, text_checker: TextChecker, rebuild: Callable[[str, Document], str],
           lines_judged: bool = False) -> tuple[str, list[Edit]]:
    """``text`` cleaned by the steps of its fixable findings until none is left (at most
    `FIX_PASSES` times), and the edits made. ``rebuild`` turns the cleaned document back
    into text; a text a step drops whole is left as it is.
    """
    edits: list[Edit] = []
    for _ in range(FIX_PASSES):
        codes = {f.code for f in text_checker.find(text, lines_judged) if CODES[f.code].fixed_by}
        document = text_checker.fix(text, codes) if codes else None
        if document is None or not document.edits:
            break
        text = rebuild(text, document)
        edits += document.edits
    return text, edits


def fix_raw_file(file: CheckedFile, text_checker: TextChecker) -> int:
    """Fix a text file line by line, keeping its layout; returns the number of edits.

    The file is written back in UTF-8, whatever encoding it was read in (gzipped if it was).
    """
    try:
        text = decode_bytes(read_text_bytes(file)).text
    except DecodeError:
        return 0
    fixed, edits = repair(text, text_checker, rebuild_lines)
    if fixed != text:
        with _replacing(file) as stream:
            stream.write(fixed.encode("utf-8"))
    return len(edits)


def rebuild_lines(text: str, document: Document) -> str:
    r"""``text`` with each line holding a paragraph replaced by what the steps left of it.

    Paragraphs were made one per line (``parse_plain``), so a paragraph's line is its file
    line; indentation stays, a removed paragraph's line goes with the blank line after it.

    >>> from curate.document import Paragraph, Provenance
    >>> doc = Document([Paragraph("正文", (3, 3))], Provenance("x", ""), "x")
    >>> rebuild_lines("首页 > 正文\n\n  正文。\n", doc)
    '  正文\n'
    """
    originals = {p.lines[0]: p.text for p in parse_plain(text).paragraphs}
    kept = {p.lines[0]: p.text for p in document.paragraphs if p.text}
    out: list[str] = []
    after_removed = False
    for number, line in enumerate(text.split("\n"), start=1):
        if number in originals:
            if number not in kept:
                after_removed = True
                continue
            at = line.index(originals[number])
            line = line[:at] + kept[number] + line[at + len(originals[number]):]
        elif after_removed and (not out or not out[-1].strip()):
            continue
        after_removed = False
        out.append(line)
    return "\n".join(out)


def fix_jsonl_file(file: CheckedFile, text_checker: TextChecker) -> int:
    """Re-clean the text of each record with findings, appending the edits to its provenance.

    Other lines are written back byte for byte; nothing is written when nothing changed.
    """
    changed: dict[int, bytes] = {}
    edits = 0
    for number, raw in read_lines(file):
        record = _fixable_record(raw, number) if raw is not None else None
        if record is None:
            continue
        lines_judged = written_by_run(record, text_checker.rules)
        text, new_edits = repair(record["text"], text_checker, _document_text, lines_judged)
        if not new_edits:
            continue
        record["text"] = text
        record["provenance"]["edits"] += [replace(e, line=None).to_json() for e in new_edits]
        line = json_line(record).rstrip("\n") + ("\n" if raw.endswith(b"\n") else "")
        if is_valid_unicode(line):  # a lone surrogate elsewhere in the record: left as it is
            changed[number] = line.encode("utf-8")
            edits += len(new_edits)
    if not changed:
        return edits
    shard = listed_shard(file.path)
    if shard is not None:  # its members, lookup and manifest entry written afresh with it
        rewrite_shard(*shard, _lines_replacing(file, changed))
        return edits
    with _replacing(file) as out:
        _copy_replacing(file, changed, out)
    return edits


def _lines_replacing(file: CheckedFile, changed: dict[int, bytes]) -> Iterator[bytes]:
    """The lines of a corpus shard (one record each), those numbered in ``changed``
    replaced."""
    with open_checked(file) as stream:
        for number, line in enumerate(stream, start=1):
            yield changed.get(number, line)


def _copy_replacing(file: CheckedFile, changed: dict[int, bytes], out: IO[bytes]) -> None:
    """Copy the file's lines to ``out`` in pieces (a line of any length), replacing those
    numbered in ``changed``."""
    with open_checked(file) as stream:
        number, at_line_start = 0, True
        while piece := stream.readline(_COPY_CHUNK):
            if at_line_start:
                number += 1
                if number in changed:
                    out.write(changed[number])
            if number not in changed:
                out.write(piece)
            at_line_start = piece.endswith(b"\n")


def _document_text(text: str, document: Document) -> str:
    """A record's new text: its paragraphs, one a line (edit lines are not file lines)."""
    return document.text


def _fixable_record(raw: bytes, number: int) -> dict[str, Any] | None:
    """The record of a JSONL line when its text can be re-cleaned and its edits extended."""
    try:
        record = parse_record(decode_jsonl_line(raw, number))
    except (UnicodeDecodeError, RecordUnreadable):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return None
    provenance = record.get("provenance")
    if not isinstance(provenance, dict) or not isinstance(provenance.get("edits"), list):
        return None
    return record if is_valid_unicode(record["text"]) else None


@contextmanager
def _replacing(file: CheckedFile) -> Iterator[IO[bytes]]:
    """A stream whose bytes replace the file atomically on success (gzipped if it was),
    keeping its permissions."""
    path = file.path
    mode = path.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as raw:
            os.fchmod(raw.fileno(), mode)
            if file.compressed:
                with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as stream:
                    yield stream  # type: ignore[misc]
            else:
                yield raw
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
