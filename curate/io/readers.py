"""Read input files into documents: plain text, Markdown, HTML and JSONL, optionally gzipped,
on their own or in zip and tar archives (`curate.io.archives`), and WARC and WET files
(`curate.io.warc`).

Every input becomes documents, and what cannot be read becomes a rejected document with
a message naming the file (and line) and what went wrong, so a bad file never stops a run
and is never lost from the accounting:

- a path that is not a regular file (a FIFO, a device, a broken or looping link) or cannot
  be opened is rejected without being read, so it cannot block or fail the run;
- an empty file is rejected as such;
- a text file that does not decode as a whole is decoded line by line: its good lines are
  read and each bad one is cut, recorded as an edit and reported (``file:line: ...``); a file
  whose bad lines are more than `MAX_UNDECODABLE_SHARE` of it is rejected whole;
- a text whose line is longer than `MAX_LINE_CHARS` is rejected: it is code or data, and
  text steps slow down with the length of a paragraph;
- no file is held whole past the limits of `curate.io.limits`: a text file larger than
  `MAX_TEXT_BYTES` once decompressed is rejected after reading that much, gzip is inflated as
  a stream, a JSONL record line longer than `MAX_RECORD_BYTES` is read past in pieces, and a
  stream inflating more than `MAX_COMPRESSION_RATIO` times is a bomb and not read further;
- a file is read as it was when reading began: what is appended to it meanwhile is not read;
- repeats of one problem in one file are stored one by one `MAX_REPEATED_REJECTS` times, then
  counted in one summary reject;
- walking a folder, the corpus folder being written is not read, and a symbolic link to a
  file outside the folder is rejected without being followed; a file name that is not UTF-8
  is named with its bytes escaped (``\\xff``);
- JSONL dumps are streamed one record at a time, each line decoded on its own; a record
  that is not JSON, nests too deeply, holds NaN, an infinite number or a lone surrogate is
  rejected with its line number, and a truncated ``.jsonl.gz`` keeps the records before the
  point where it breaks off.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import json
import math
import os
import re
import stat
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from curate.document import Document, Edit, Paragraph, Provenance
from curate.io.archives import SEPARATOR, archive_members, is_archive
from curate.io.decode import DecodeError, LineDecoder, decode_bytes, decode_lines, shown
from curate.io.limits import (
    MAX_JSON_DEPTH,
    MAX_LINE_CHARS,
    MAX_MEMBER_BYTES,
    MAX_RECORD_BYTES,
    MAX_REPEATED_REJECTS,
    MAX_TEXT_BYTES,
    Prefix,
    has_lone_surrogate,
    inflated_too_much,
    inflation_problem,
    json_depth,
    problem_kind,
)
from curate.io.spans import Span
from curate.io.text_field import TEXT_FIELD_PROBE, TextFieldProbe
from curate.markup import parse_plain, parse_text

STEP = "read"
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown"}
TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
# Metadata keys the pipeline writes itself; a JSONL field of the same name is kept as source_<name>.
RESERVED_METADATA = {"lang", "flags", "spin_score"}
JSONL_METADATA_FIELDS = {"title", "site", "author", "url"}
JSONL_CREATED_FIELDS = ("created", "date", "published", "publish_time")
# A file whose undecodable lines hold more than this share of its bytes is not text with a
# few bad lines but binary data, and is rejected whole.
MAX_UNDECODABLE_SHARE = 0.1
# How much of a JSONL dump is looked at to rank legacy encodings and to recognise UTF-16.
SAMPLE_BYTES = 1 << 20
_CHUNK_BYTES = 1 << 20
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# After json.loads, a surrogate left in a string is unpaired: pairs became one character.
_SURROGATE = re.compile("[\ud800-\udfff]")
# A record's fields are written one level down, under metadata, so that the corpus record
# stays within `MAX_JSON_DEPTH`.
MAX_INPUT_DEPTH = MAX_JSON_DEPTH - 1
_TOO_DEEP = (f"invalid JSON: nested too deeply (more than {MAX_INPUT_DEPTH} levels of arrays and "
             "objects)")
# Bytes read at a time to hash a file.
_HASH_CHUNK = 1 << 20
# Rule of the reject of an input past a size or compression limit.
TOO_LARGE = "too-large"
# Distinct problems tallied per file; past these, further ones are tallied by rule alone.
_MAX_PROBLEM_KINDS = 100


@dataclass
class ReadOptions:
    source: str
    text_field: str = "text"
    messages: list[str] = field(default_factory=list)  # problems met while reading
    # Records of WARC files that are not pages or text, by file and kind (`curate.io.warc`).
    skipped_records: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class InputFile:
    path: Path
    display: str  # the path as the user gave it, for provenance and messages
    # An archive member: its bytes (``path`` is the archive), or why it cannot be read.
    data: bytes | None = field(default=None, repr=False)
    problem: str | None = None

    @property
    def name(self) -> str:
        """The file's own name: a member's, not its archive's."""
        return Path(self.display).name

    def open_raw(self) -> IO[bytes]:
        return io.BytesIO(self.data) if self.data is not None else self.path.open("rb")

    def sha256(self) -> tuple[int, str]:
        """The size and sha256 of the file's bytes (a member's, for an archive member), read
        a chunk at a time, or as this process last hashed the unchanged file; OSError as
        opening or reading it raises."""
        key = _digest_key(self)
        if key is not None and key in _DIGESTS:
            return key[1], _DIGESTS[key]
        hasher = hashlib.sha256()
        size = 0
        with self.open_raw() as stream:
            while chunk := stream.read(_HASH_CHUNK):
                hasher.update(chunk)
                size += len(chunk)
        if key is not None and key[1] == size:
            _DIGESTS[key] = hasher.hexdigest()
        return size, hasher.hexdigest()


# The sha256 of each file this process hashed, by (path, size, modification time, inode):
# the checkpoint's key and the reader's provenance take one digest of an input, not two.
_DIGESTS: dict[tuple[str, int, int, int], str] = {}


def _digest_key(item: InputFile, size: int | None = None) -> tuple[str, int, int, int] | None:
    """What a file's digest is remembered by; None for an archive member or a file whose
    size is not ``size`` (one still being written)."""
    if item.data is not None:
        return None
    try:
        found = os.stat(item.path)
    except OSError:
        return None
    if size is not None and found.st_size != size:
        return None
    return str(item.path), found.st_size, found.st_mtime_ns, found.st_ino


def iter_input_files(inputs: list[str], skip: Iterable[Path] = ()) -> Iterator[InputFile]:
    """Files under the given files and folders, folders walked recursively in sorted order,
    archives opened member by member.

    Symbolic links to folders are not followed, so a link loop cannot trap the walk; a link
    to a file outside the folder walked is rejected, not read. Folders in ``skip`` (the
    corpus folder being written) are not walked.
    """
    skipped = {os.path.realpath(folder) for folder in skip}
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            top = os.path.realpath(path)
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(name for name in dirs
                                 if os.path.realpath(os.path.join(root, name)) not in skipped)
                for name in sorted(files):
                    full = Path(root) / name
                    display = printable_name(os.path.join(given, os.path.relpath(full, path)))
                    outside = _link_outside(full, top)
                    if outside is not None:
                        yield InputFile(full, display, problem=outside)
                    else:
                        yield from _opened(InputFile(full, display))
        else:
            yield from _opened(InputFile(path, printable_name(given)))


def printable_name(name: str) -> str:
    r"""A file name as text that can be written anywhere: bytes that are not UTF-8 (which
    the file system hands over as surrogate escapes) are shown as ``\xNN``.

    >>> printable_name(b"\xb9\xfa.txt".decode("utf-8", "surrogateescape"))
    '\\xb9\\xfa.txt'
    """
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file system decoder makes
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


def _link_outside(path: Path, top: str) -> str | None:
    """Why the symbolic link ``path`` is not followed: it leads out of the folder ``top``."""
    if not path.is_symlink():
        return None
    target = os.path.realpath(path)
    if target == top or target.startswith(top.rstrip(os.sep) + os.sep):
        return None
    return (f"a symbolic link to {printable_name(target)}, outside the folder read; not "
            "followed (give that file as input itself to read it)")


def _opened(item: InputFile) -> Iterator[InputFile]:
    """The file itself, or the members of an archive (one that is not a regular file is left
    to `read_documents` to reject without opening it)."""
    if not is_archive(item.path.name) or _not_a_file(item.path) is not None:
        yield item
        return
    for member in archive_members(item.path):
        display = f"{item.display}{SEPARATOR}{member.name}" if member.name else item.display
        yield InputFile(item.path, display, member.data, member.problem)


def seekable_jsonl(item: InputFile) -> bool:
    """Whether ``item`` is a JSONL file on disk whose records can be read from any line on
    (`curate.io.spans`): not compressed (a gzip stream is read from its start), not UTF-16
    (whose line breaks are not ``\\n`` bytes), not an archive's member (held in memory)."""
    name = item.name.lower()
    if (item.data is not None or item.problem is not None or name.endswith(".gz")
            or Path(name).suffix not in JSONL_SUFFIXES or _not_a_file(item.path) is not None):
        return False
    from curate.io.warc import is_warc  # imports this module

    if is_warc(name):
        return False
    try:
        with item.path.open("rb") as stream:
            return not _utf16(_cut_sample(stream.read(SAMPLE_BYTES)))
    except OSError:
        return False  # the reader rejects it


def read_documents(item: InputFile, options: ReadOptions, span: Span | None = None,
                   report: SpanReading | None = None) -> Iterator[Document]:
    """The documents in one input file; unreadable input yields a rejected document. Given a
    ``span`` of a JSONL file (`seekable_jsonl`), only the records of its lines, and what the
    file's other spans need of them in ``report``."""
    problem = item.problem or (_not_a_file(item.path) if item.data is None else None)
    if problem is not None:
        yield rejected_input(item, problem, options)
        return
    name = item.name.lower()
    compressed = name.endswith(".gz")
    suffix = Path(name.removesuffix(".gz")).suffix
    from curate.io.warc import is_warc, read_warc  # imports this module

    if is_warc(name):
        yield from read_warc(item, options)
        return
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(item, compressed, options, span, report)
        return
    try:
        with _content(item, compressed, hashed=True) as (content, source):
            raw, problem = _read_at_most(content, source, MAX_TEXT_BYTES, compressed)
            sha256 = source.drain()
    except OSError as exc:
        yield rejected_input(item, f"cannot read the file: {exc.strerror or exc}", options)
        return
    if problem is not None:
        rule = TOO_LARGE if raw is None else None
        yield _unreadable(item, sha256, problem, options, rule=rule)
        return
    if not raw:
        yield _unreadable(item, sha256, "empty file: there is nothing to read", options,
                          rule="empty-input")
        return
    yield _text_document(item, sha256, raw, suffix, options)


def _read_at_most(content: IO[bytes], source: Prefix, limit: int,
                  compressed: bool) -> tuple[bytes | None, str | None]:
    """Up to ``limit`` bytes of ``content``, inflated a megabyte at a time when ``compressed``;
    ``(None, why)`` past the limit or the compression ratio, ``(b"", why)`` on broken gzip."""
    chunks: list[bytes] = []
    total = 0
    try:
        while chunk := content.read(_CHUNK_BYTES):
            total += len(chunk)
            if compressed and inflated_too_much(source.count, total):
                return None, inflation_problem(source.count, total)
            if total > limit:
                what = "decompresses to" if compressed else "holds"
                return None, (f"{what} more than {limit:,} bytes, more than is read as one "
                              "input; split it into articles (or JSONL records) and give those")
            chunks.append(chunk)
    except (OSError, EOFError, zlib.error) as exc:
        if not compressed:
            raise
        return b"", f"cannot decompress gzip data: {exc}"
    return b"".join(chunks), None


def _not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a file, or None. Checked before opening it: opening a
    FIFO waits for a writer forever."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}"
    if not stat.S_ISREG(mode):
        kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file")
        return f"not a regular file ({kind}); only files are read"
    return None


def _text_document(item: InputFile, sha256: str, raw: bytes, suffix: str,
                   options: ReadOptions) -> Document:
    """The document of a text, Markdown or HTML file; bad lines cut, or the file rejected."""
    lost = []
    try:
        decoded = decode_bytes(raw)
        text, encoding = decoded.text, decoded.encoding
    except DecodeError as exc:
        by_line = decode_lines(raw)
        if by_line.undecodable_bytes > MAX_UNDECODABLE_SHARE * len(raw) or not by_line.text.strip():
            return _unreadable(item, sha256, str(exc), options)
        text, encoding, lost = by_line.text, by_line.encoding, by_line.undecodable
    provenance = Provenance(file=item.display, sha256=sha256, encoding=encoding)
    if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES | MARKDOWN_SUFFIXES
                                   and _looks_like_html(text)):
        document = _html_document(item, text, provenance, options)
    else:
        overlong = _overlong_line(text)
        if overlong is not None:
            return _too_long(item, provenance, overlong, text, options)
        markdown = True if suffix in MARKDOWN_SUFFIXES else None
        parsed = parse_text(text, markdown=markdown)
        document = Document(parsed.paragraphs, provenance, options.source,
                            edits=list(parsed.edits))
    for line in lost:
        options.messages.append(f"{item.display}:{line.number}: {line.why}; the line is "
                                "cut and sent to rejects")
        document.record(STEP, "undecodable-line", "remove", line.text, line.number,
                        why=line.why)
    return document


def _looks_like_html(text: str) -> bool:
    head = text[:4096].lstrip()[:1000].lower()
    return head.startswith("<!doctype html") or "<html" in head


def _html_document(item: InputFile, html: str, provenance: Provenance,
                   options: ReadOptions) -> Document:
    """Main text and metadata of a web page, through trafilatura."""
    from curate.io.html import extract_article_once

    article = extract_article_once(html)
    overlong = _overlong_line(article.text)
    if overlong is not None:
        return _too_long(item, provenance, overlong, article.text, options)
    parsed = parse_plain(article.text)
    document = Document(parsed.paragraphs, provenance, options.source)
    document.metadata.update({k: v for k, v in article.metadata.items() if v})
    document.created = article.created
    for run in article.left_out:
        where = f"{run.blocks} page block{'s' if run.blocks > 1 else ''} from {run.path}"
        reason = run.why or f"outside the main text {article.extractor} kept"
        document.record(STEP, f"html-boilerplate-{article.extractor}", "remove", run.text, None,
                        why=f"{reason}: {where}")
    return document


def _overlong_line(text: str) -> tuple[int, int] | None:
    """``(line number, length)`` of the first line longer than `MAX_LINE_CHARS`, or None."""
    if len(text) <= MAX_LINE_CHARS:
        return None
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            return number, len(line)
    return None


def _too_long(item: InputFile, provenance: Provenance, overlong: tuple[int, int], text: str,
              options: ReadOptions) -> Document:
    """The document rejected for a line too long to be prose; a JSONL record is reported at
    its own line, with the line of its text."""
    number, length = overlong
    line = "a line" if provenance.record is None else f"line {number} of its text"
    problem = (f"{line} is {length:,} characters long, longer than the {MAX_LINE_CHARS:,} a "
               "paragraph of prose runs to (code or data on one line?)")
    where = number if provenance.record is None else provenance.record
    return _rejected(provenance, options, item, where, problem, text, "overlong-line")


def _read_jsonl(item: InputFile, compressed: bool, options: ReadOptions,
                span: Span | None = None,
                report: SpanReading | None = None) -> Iterator[Document]:
    """One document per JSON line, streamed; a bad line is rejected with its line number.
    Given a ``span``, the records of its lines alone, numbered as in the whole file; what
    the file's other spans depend on is noted in ``report`` (`FileReading`).

    The file is read twice: once for its sha256, which every record's id is made of, then
    line by line, so a dump of any size takes the memory of one record. Both readings stop
    at the size the file had when the first began, so a file still being written is read as
    its hash says. Repeats of one problem are summarised (`_Repeats`).
    """
    try:
        size = _size_at_start(item) if span is None else span.size
        sha256, sample = _hash_and_sample(item, compressed, size)
    except OSError as exc:
        yield rejected_input(item, f"cannot read the file: {exc.strerror or exc}", options)
        return
    if _utf16(sample):
        yield from _read_utf16_jsonl(item, sha256, compressed, size, options)
        return
    decoder = LineDecoder(sample, None if span is None else
                          lambda: _first_foreign_line(item, compressed, span.offset))
    bom = sample.startswith(codecs.BOM_UTF8)
    probe: TextFieldProbe | SpanReading = (TextFieldProbe(item.display, options.text_field)
                                           if report is None else report)
    if report is not None:
        report.text_field = options.text_field
    repeats = _Repeats(span.before if span is not None else None, report)
    number = first = span.lines_before if span is not None else 0
    inflated = 0
    try:
        with _content(item, compressed, size, span) as (stream, source):
            for number, line, length in _numbered_lines(stream, first):
                inflated += length
                if compressed and inflated_too_much(source.count, inflated):
                    yield _unreadable(item, sha256, f"after line {number}: "
                                      f"{inflation_problem(source.count, inflated)}; the "
                                      "records before it are read, the rest is not",
                                      options, rule=TOO_LARGE)
                    break
                if number == 1 and bom and line is not None:
                    line = line[len(codecs.BOM_UTF8):]
                provenance = Provenance(file=item.display, sha256=sha256, record=number)
                if line is None:
                    problem = (f"a record line of {length:,} bytes, longer than the "
                               f"{MAX_RECORD_BYTES:,} read as one record; not read")
                    document = _rejected(provenance, options, item, number, problem, "",
                                         TOO_LARGE)
                elif not line.strip():
                    continue
                else:
                    try:
                        text, encoding = decoder.decode(line)
                    except DecodeError as exc:
                        document = _rejected(provenance, options, item, number, str(exc),
                                             shown(line))
                    else:
                        provenance.encoding = ("utf-8-sig" if bom and encoding == "utf-8"
                                               else encoding)
                        document = _jsonl_document(item, provenance, text, options,
                                                   probe)
                if repeats.admit(document, options):
                    yield document
    except (OSError, EOFError, zlib.error) as exc:
        what = "cannot decompress gzip data" if compressed else "cannot read the file"
        if number == 0:
            yield _unreadable(item, sha256, f"{what}: {exc}", options)
        else:
            yield _unreadable(item, sha256, f"{what} after line {number}: {exc}; the records "
                                            "before it are read, the rest is lost", options)
        if span is None or span.last:
            yield from repeats.summaries(item, sha256, options)
        return
    if span is not None and not span.last:
        return  # the summaries and the probe's verdict come with the file's last span
    yield from repeats.summaries(item, sha256, options)
    if number == 0:
        yield _unreadable(item, sha256, "empty file: there is nothing to read", options,
                          rule="empty-input")
    if isinstance(probe, TextFieldProbe):
        probe.finish()


class _Repeats:
    """The rejects of one file by problem: the first `MAX_REPEATED_REJECTS` of each are
    stored one by one, the rest counted and stored as one summary reject at the end."""

    def __init__(self, state: tuple[Counter, dict] | None = None,
                 report: SpanReading | None = None) -> None:
        self.seen: Counter[tuple[str, str]] = Counter()
        # kind -> [records beyond the first ones, first line, last line, reason]
        self.beyond: dict[tuple[str, str], list] = {}
        if state is not None:  # what the spans before left (`FileReading.state`)
            self.seen.update(state[0])
            self.beyond = {kind: list(tally) for kind, tally in state[1].items()}
        self.report = report

    def admit(self, document: Document, options: ReadOptions) -> bool:
        """Whether ``document`` is yielded; a repeat is counted and its message withdrawn
        (`_rejected` appended it last)."""
        reason = document.rejected
        if reason is None:
            return True
        line = document.provenance.record or 0
        admitted = self.count(reason.rule, reason.why or "", line)
        if self.report is not None:
            self.report.rejects.append((reason.rule, reason.why or "", line, admitted))
        if not admitted:
            options.messages.pop()
        return admitted

    def count(self, rule: str, why: str, line: int) -> bool:
        """Count one reject of the file; whether it is one of the first of its problem."""
        kind = problem_kind(rule, why)
        if kind not in self.seen and len(self.seen) >= _MAX_PROBLEM_KINDS:
            kind = (rule, "")
        self.seen[kind] += 1
        if self.seen[kind] <= MAX_REPEATED_REJECTS:
            return True
        tally = self.beyond.setdefault(kind, [0, line, line, why])
        tally[0] += 1
        tally[2] = line
        return False

    def summaries(self, item: InputFile, sha256: str, options: ReadOptions) -> Iterator[Document]:
        for (rule, _), (count, first, last, why) in self.beyond.items():
            provenance = Provenance(file=item.display, sha256=sha256, record=first)
            problem = (f"{count:,} more records (lines {first} to {last}) rejected as the "
                       f"{MAX_REPEATED_REJECTS} before them were, such as: {why}")
            yield _rejected(provenance, options, item, first, problem, "", rule)


@dataclass
class SpanReading:
    """What reading one span of a JSONL file saw that its other spans depend on: the rejects
    (rule, reason, line, and whether the span's reader stored it or took it for a repeat),
    and the records without the text field before the first with it (line and fields, as
    many as `TextFieldProbe` looks at)."""

    text_field: str = "text"
    rejects: list[tuple[str, str, int, bool]] = field(default_factory=list)
    missing: list[tuple[int, list[str]]] = field(default_factory=list)
    found: bool = False

    def saw(self, record: dict[str, Any], line: int | None) -> None:
        """Note a record, as `TextFieldProbe.saw` judges it, without judging."""
        if self.found or len(self.missing) >= TEXT_FIELD_PROBE:
            return
        if self.text_field in record:
            self.found = True
        else:
            self.missing.append((line or 0, list(map(str, record))))


class FileReading:
    """What the spans of one JSONL file read so far add up to, followed in file order by the
    run: the repeats of each problem (`_Repeats`) and the text-field probe."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.repeats = _Repeats()
        self.probe: TextFieldProbe | None = None

    def state(self) -> tuple[Counter, dict]:
        """What a span's reader starts from to read as a reading from the start would."""
        return (Counter(self.repeats.seen),
                {kind: list(tally) for kind, tally in self.repeats.beyond.items()})

    def follow(self, report: SpanReading, last: bool) -> bool:
        """Take in the next span's reading; whether its reader, knowing nothing of the spans
        before, yielded what a reading from the start yields: the same rejects stored, and
        at the file's end no repeats to summarise. A text field missing from the file's
        first records raises `TextFieldError` as the reader would."""
        if self.probe is None:
            self.probe = TextFieldProbe(self.display, report.text_field)
        for line, fields in report.missing:
            self.probe.saw(dict.fromkeys(fields), line)
        if report.found:
            self.probe.saw({report.text_field: None}, None)
        agrees = True
        for rule, why, line, stored in report.rejects:
            agrees = (self.repeats.count(rule, why, line) == stored) and agrees
        if last:
            self.probe.finish()
            agrees = agrees and not self.repeats.beyond
        return agrees


def _read_utf16_jsonl(item: InputFile, sha256: str, compressed: bool, size: int,
                      options: ReadOptions) -> Iterator[Document]:
    """A UTF-16 dump (rare; its lines cannot be split as bytes): decoded whole, then split."""
    try:
        with _content(item, compressed, size) as (stream, source):
            raw, problem = _read_at_most(stream, source, MAX_MEMBER_BYTES, compressed)
        if problem is not None:
            if raw is None and problem.startswith("holds"):
                problem = f"{problem} (UTF-16 JSONL is read whole: convert it to UTF-8)"
            yield _unreadable(item, sha256, problem, options,
                              rule=TOO_LARGE if raw is None else None)
            return
        decoded = decode_bytes(raw)
    except (OSError, DecodeError) as exc:
        yield _unreadable(item, sha256, str(exc), options)
        return
    probe = TextFieldProbe(item.display, options.text_field)
    for number, line in enumerate(decoded.text.split("\n"), start=1):
        if line.strip():
            provenance = Provenance(file=item.display, sha256=sha256, encoding=decoded.encoding,
                                    record=number)
            yield _jsonl_document(item, provenance, line, options, probe)
    probe.finish()


def _size_at_start(item: InputFile) -> int:
    """How many bytes the input holds now; reading stops there, however it grows."""
    return len(item.data) if item.data is not None else item.path.stat().st_size


def _hash_and_sample(item: InputFile, compressed: bool, size: int) -> tuple[str, bytes]:
    """The file's sha256 and up to `SAMPLE_BYTES` of its (decompressed) content, cut at a
    line end; a broken gzip stream only shortens the sample (reading reports it)."""
    inflate = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16) if compressed else None
    sample, sampling = b"", True
    key = _digest_key(item, size)
    known = _DIGESTS.get(key) if key is not None else None
    with item.open_raw() as raw:
        source = Prefix(raw, size, hashed=known is None)
        while chunk := source.read(_CHUNK_BYTES):
            room = SAMPLE_BYTES - len(sample)
            if not sampling or room <= 0:
                continue
            if inflate is None:
                sample += chunk[:room]
            else:
                try:
                    sample += inflate.decompress(inflate.unconsumed_tail + chunk, room)
                except zlib.error:
                    sampling = False
            # Hashed already: the sample is all that is wanted, read no further.
            if known is not None and (not sampling or len(sample) >= SAMPLE_BYTES):
                break
    sample = _cut_sample(sample)
    if known is None:
        known = source.digest()
        if key is not None:
            _DIGESTS[key] = known
    return known, sample


def _cut_sample(head: bytes) -> bytes:
    """The sample of a dump whose content begins with ``head``: cut at a line end when it
    fills `SAMPLE_BYTES`."""
    if len(head) == SAMPLE_BYTES and b"\n" in head:
        return head[: head.rindex(b"\n") + 1]
    return head


def _utf16(sample: bytes) -> bool:
    """Whether a dump whose sample is ``sample`` is UTF-16 (a BOM, or NUL bytes throughout);
    the NUL bytes are counted only in a sample holding one."""
    return sample.startswith(_UTF16_BOMS) or (b"\x00" in sample
                                              and sample.count(0) > len(sample) // 8)


def _first_foreign_line(item: InputFile, compressed: bool, before: int) -> bytes | None:
    """The first line of the file before byte ``before`` that is not UTF-8 and that the reader
    decodes (no NUL byte, not blank): the line a reading from the start ranks the legacy
    encodings on when its sample holds none."""
    with _content(item, compressed, before) as (stream, _):
        for number, line, _ in _numbered_lines(stream):
            if number == 1 and line is not None and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8):]
            if line is None or not line.strip() or b"\x00" in line:
                continue
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return line
    return None


@contextmanager
def _content(item: InputFile, compressed: bool, size: int | None = None,
             span: Span | None = None,
             hashed: bool = False) -> Iterator[tuple[IO[bytes], Prefix]]:
    """The input's content up to ``size`` bytes (default: what it holds now), or the bytes of
    ``span`` alone, decompressed when ``compressed``, and the raw stream under it, which
    counts what is read and, when ``hashed``, hashes it."""
    with item.open_raw() as raw:
        if span is not None:
            raw.seek(span.offset)
            size = span.end - span.offset
        source = Prefix(raw, _size_at_start(item) if size is None else size, hashed)
        buffered = io.BufferedReader(source, _CHUNK_BYTES)
        if not compressed:
            yield buffered, source
            return
        with gzip.GzipFile(fileobj=buffered, mode="rb") as content:
            yield content, source


def _numbered_lines(stream: IO[bytes],
                    number: int = 0) -> Iterator[tuple[int, bytes | None, int]]:
    r"""``(number, line, bytes read)``, numbered as `decode_bytes` counts lines: ``
``,
    ``
`` and ``
`` end a line. A line longer than `MAX_RECORD_BYTES` is read past a
    megabyte at a time and comes as ``None``. Numbers follow ``number``, the lines before the
    stream's first."""
    while raw := stream.readline(MAX_RECORD_BYTES + 1):
        length = len(raw)
        if length > MAX_RECORD_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(_CHUNK_BYTES)
                length += len(raw)
            number += 1
            yield number, None, length
            continue
        line = raw[:-1] if raw.endswith(b"\n") else raw
        if line.endswith(b"\r"):
            line = line[:-1]
        for piece in line.split(b"\r") if b"\r" in line else (line,):
            number += 1
            yield number, piece, length
            length = 0


def _jsonl_document(item: InputFile, provenance: Provenance, line: str, options: ReadOptions,
                    probe: TextFieldProbe | SpanReading | None = None) -> Document:
    """The document of one JSONL record, or the record rejected with the reason."""
    number = provenance.record
    try:
        record = json.loads(line, parse_constant=_not_a_json_constant, parse_float=_finite)
    except RecursionError:
        return _rejected(provenance, options, item, number, _TOO_DEEP, line)
    except ValueError as exc:
        message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        return _rejected(provenance, options, item, number, f"invalid JSON: {message}", line)
    if json_depth(record) > MAX_INPUT_DEPTH:
        return _rejected(provenance, options, item, number, _TOO_DEEP, line)
    if isinstance(record, dict) and probe is not None:
        probe.saw(record, number)
    text = record.get(options.text_field) if isinstance(record, dict) else None
    if not isinstance(text, str):
        problem = f"no string field {options.text_field!r} (set it with --text-field)"
        return _rejected(provenance, options, item, number, problem, line)
    if "\\u" in line and has_lone_surrogate(record):
        problem = ("holds an unpaired UTF-16 surrogate escape (\\ud800-\\udfff), which is not a "
                   "character")
        return _rejected(provenance, options, item, number, problem, line)
    overlong = _overlong_line(text)
    if overlong is not None:
        return _too_long(item, provenance, overlong, line, options)
    parsed = parse_text(text, controls=json_may_hold_controls(line))
    document = Document(parsed.paragraphs, provenance, options.source, edits=list(parsed.edits))
    _record_fields(document, record, options.text_field)
    return document


def json_may_hold_controls(line: str) -> bool:
    r"""Whether a string of the JSON ``line`` may hold a control character that
    `curate.markup.parse_text` cuts: JSON holds none of U+0000-U+001F unescaped in a string,
    so one comes only from a ``\u00XX`` or ``\b`` escape, or is a DEL as it is. Three
    substring tests instead of searching the text a character at a time.

    >>> json_may_hold_controls('{"text": "第一段\\n第二段"}')
    False
    >>> json_may_hold_controls('{"text": "第二\\u0000段"}'), json_may_hold_controls('{"t": "\x7f"}')
    (True, True)
    """
    return "\\u00" in line or "\\b" in line or "\x7f" in line


def _not_a_json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _finite(number: str) -> float:
    """A JSON number as a float; one too large for a float would be written out as Infinity,
    which is not JSON."""
    value = float(number)
    if math.isinf(value):
        raise ValueError(f"{number[:20]} is too large a number")
    return value


def _record_fields(document: Document, record: dict[str, Any], text_field: str) -> None:
    """Keep a JSONL record's other fields as metadata."""
    for key, value in record.items():
        if key == text_field:
            continue
        if key in JSONL_CREATED_FIELDS and isinstance(value, str) and document.created is None:
            document.created = value
        elif key in RESERVED_METADATA:
            document.metadata[f"source_{key}"] = value
        else:
            document.metadata[key] = value


def rejected_input(item: InputFile, problem: str, options: ReadOptions) -> Document:
    """A file that cannot be read at all, as a rejected document (reported in ``options``)."""
    return _unreadable(item, "", problem, options)


def _unreadable(item: InputFile, sha256: str, problem: str, options: ReadOptions,
                rule: str | None = None) -> Document:
    provenance = Provenance(file=item.display, sha256=sha256)
    return _rejected(provenance, options, item, None, problem, "", rule)


def _rejected(provenance: Provenance, options: ReadOptions, item: InputFile, line: int | None,
              problem: str, text: str, rule: str | None = None) -> Document:
    where = f"{item.display}:{line}" if line is not None else item.display
    options.messages.append(f"{where}: {problem}; sent to rejects")
    document = Document([Paragraph(text, (line or 0, line or 0))] if text else [], provenance,
                        options.source)
    document.rejected = Edit(STEP, rule or "unreadable-input", "drop", text, line, why=problem)
    return document
