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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from curate.document import Document, Edit, Paragraph, Provenance
from curate.io.archives import SEPARATOR, archive_members, is_archive
from curate.io.decode import DecodeError, LineDecoder, decode_bytes, decode_lines, shown
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
# The longest line of text read as prose. Paragraphs of news run to a few thousand
# characters; a longer line is minified code, base64 or a table dumped on one line, and the
# text steps slow down faster than the length of a paragraph grows (a line of a million
# characters took 9 s, 2.6 s of it applying 27,555 edits one by one; a 50 MB line is now
# rejected in 1.7 s: bench/fault_injection.py --long-line 50).
MAX_LINE_CHARS = 100_000
# A file whose undecodable lines hold more than this share of its bytes is not text with a
# few bad lines but binary data, and is rejected whole.
MAX_UNDECODABLE_SHARE = 0.1
# How much of a JSONL dump is looked at to rank legacy encodings and to recognise UTF-16.
SAMPLE_BYTES = 1 << 20
_CHUNK_BYTES = 1 << 20
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# After json.loads, a surrogate left in a string is unpaired: pairs became one character.
_SURROGATE = re.compile("[\ud800-\udfff]")
# A JSONL file whose first this many records all lack the text field was given the wrong
# --text-field: the run stops rather than reject every record.
TEXT_FIELD_PROBE = 5


class TextFieldError(ValueError):
    """The text field named for JSONL input is in none of a file's first records."""


@dataclass
class TextFieldProbe:
    """Watches a JSONL file's first records for the text field, and the fields they have."""

    file: str
    field: str
    missing: int = 0
    found: bool = False
    lines: list[int] = field(default_factory=list)
    fields: dict[str, None] = field(default_factory=dict)

    def saw(self, record: dict[str, Any], line: int | None) -> None:
        if self.found:
            return
        if isinstance(record.get(self.field), str):
            self.found = True
            return
        self.missing += 1
        self.lines.append(line or 0)
        self.fields.update(dict.fromkeys(map(str, record)))
        if self.missing >= TEXT_FIELD_PROBE:
            raise self.error()

    def finish(self) -> None:
        if not self.found and self.missing:
            raise self.error()

    def error(self) -> TextFieldError:
        span = (f"{self.lines[0]}-{self.lines[-1]}" if len(self.lines) > 1 else
                str(self.lines[0]))
        found = ", ".join(repr(name) for name in self.fields) or "none"
        return TextFieldError(
            f"{self.file}:{span}: no string field {self.field!r} in the first "
            f"{self.missing} records; their fields are {found}: name the text with "
            "--text-field (or [jsonl] text_field)")


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


STDIN = "-"
# How standard input is named in provenance and messages: not a file name, so nothing reads
# it back from disk; the suffix says how its content was recognised.
STDIN_NAME = "<stdin>"


def stdin_input(data: bytes) -> InputFile:
    """Standard input as an input file, its kind told from its first bytes: a WARC file,
    JSONL (a line opening with ``{``), gzipped either, or else text or HTML."""
    head = data[:2]
    suffix = ""
    if head == b"\x1f\x8b":
        suffix = ".gz"
        try:
            head = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16).decompress(data[:65536], 64)
        except zlib.error:
            head = b""
    else:
        head = data[:64]
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"WARC/"):
        suffix = ".warc" + suffix
    elif start.startswith(b"{"):
        suffix = ".jsonl" + suffix
    return InputFile(Path(STDIN_NAME + suffix), STDIN_NAME + suffix, data=data)


def iter_input_files(inputs: list[str]) -> Iterator[InputFile]:
    """Files under the given files and folders, folders walked recursively in sorted order,
    archives opened member by member.

    Symbolic links to folders are not followed, so a link loop cannot trap the walk.
    """
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs.sort()
                for name in sorted(files):
                    full = Path(root) / name
                    yield from _opened(InputFile(full, os.path.join(given,
                                                                    os.path.relpath(full, path))))
        else:
            yield from _opened(InputFile(path, given))


def _opened(item: InputFile) -> Iterator[InputFile]:
    """The file itself, or the members of an archive (one that is not a regular file is left
    to `read_documents` to reject without opening it)."""
    if not is_archive(item.path.name) or _not_a_file(item.path) is not None:
        yield item
        return
    for member in archive_members(item.path):
        display = f"{item.display}{SEPARATOR}{member.name}" if member.name else item.display
        yield InputFile(item.path, display, member.data, member.problem)


def read_documents(item: InputFile, options: ReadOptions) -> Iterator[Document]:
    """The documents in one input file; unreadable input yields a rejected document."""
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
        yield from _read_jsonl(item, compressed, options)
        return
    try:
        with item.open_raw() as stream:
            raw = stream.read()
    except OSError as exc:
        yield rejected_input(item, f"cannot read the file: {exc.strerror or exc}", options)
        return
    sha256 = hashlib.sha256(raw).hexdigest()
    if compressed:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            yield _unreadable(item, sha256, f"cannot decompress gzip data: {exc}", options)
            return
    if not raw:
        yield _unreadable(item, sha256, "empty file: there is nothing to read", options,
                          rule="empty-input")
        return
    yield _text_document(item, sha256, raw, suffix, options)


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
    from curate.io.html import extract_article

    article = extract_article(html)
    overlong = _overlong_line(article.text)
    if overlong is not None:
        return _too_long(item, provenance, overlong, article.text, options)
    parsed = parse_plain(article.text)
    document = Document(parsed.paragraphs, provenance, options.source)
    document.metadata.update({k: v for k, v in article.metadata.items() if v})
    document.created = article.created
    if article.removed_chars:
        summary = f"{article.removed_chars} characters of page text outside the article"
        document.record(STEP, f"html-boilerplate-{article.extractor}", "remove", summary, None,
                        why=f"{article.extractor} kept the page's main text; menus, link lists "
                            "and footers went")
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


def _read_jsonl(item: InputFile, compressed: bool, options: ReadOptions) -> Iterator[Document]:
    """One document per JSON line, streamed; a bad line is rejected with its line number.

    The file is read twice: once for its sha256, which every record's id is made of, then
    line by line, so a dump of any size takes the memory of one record.
    """
    try:
        sha256, sample = _hash_and_sample(item, compressed)
    except OSError as exc:
        yield rejected_input(item, f"cannot read the file: {exc.strerror or exc}", options)
        return
    if sample.startswith(_UTF16_BOMS) or sample.count(0) > len(sample) // 8:
        yield from _read_utf16_jsonl(item, sha256, compressed, options)
        return
    decoder = LineDecoder(sample)
    bom = sample.startswith(codecs.BOM_UTF8)
    probe = TextFieldProbe(item.display, options.text_field)
    number = 0
    try:
        with _open_binary(item, compressed) as stream:
            for number, line in _numbered_lines(stream):
                if number == 1 and bom:
                    line = line[len(codecs.BOM_UTF8):]
                if not line.strip():
                    continue
                provenance = Provenance(file=item.display, sha256=sha256, record=number)
                try:
                    text, encoding = decoder.decode(line)
                except DecodeError as exc:
                    yield _rejected(provenance, options, item, number, str(exc), shown(line))
                    continue
                provenance.encoding = "utf-8-sig" if bom and encoding == "utf-8" else encoding
                yield _jsonl_document(item, provenance, text, options, probe)
    except (OSError, EOFError, zlib.error) as exc:
        what = "cannot decompress gzip data" if compressed else "cannot read the file"
        if number == 0:
            yield _unreadable(item, sha256, f"{what}: {exc}", options)
        else:
            yield _unreadable(item, sha256, f"{what} after line {number}: {exc}; the records "
                                            "before it are read, the rest is lost", options)
        return
    if number == 0:
        yield _unreadable(item, sha256, "empty file: there is nothing to read", options,
                          rule="empty-input")
    probe.finish()


def _read_utf16_jsonl(item: InputFile, sha256: str, compressed: bool,
                      options: ReadOptions) -> Iterator[Document]:
    """A UTF-16 dump (rare; its lines cannot be split as bytes): decoded whole, then split."""
    try:
        with _open_binary(item, compressed) as stream:
            decoded = decode_bytes(stream.read())
    except (OSError, EOFError, zlib.error, DecodeError) as exc:
        yield _unreadable(item, sha256, str(exc), options)
        return
    probe = TextFieldProbe(item.display, options.text_field)
    for number, line in enumerate(decoded.text.split("\n"), start=1):
        if line.strip():
            provenance = Provenance(file=item.display, sha256=sha256, encoding=decoded.encoding,
                                    record=number)
            yield _jsonl_document(item, provenance, line, options, probe)
    probe.finish()


def _hash_and_sample(item: InputFile, compressed: bool) -> tuple[str, bytes]:
    """The file's sha256 and up to `SAMPLE_BYTES` of its (decompressed) content, cut at a
    line end; a broken gzip stream only shortens the sample (reading reports it)."""
    hasher = hashlib.sha256()
    inflate = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16) if compressed else None
    sample, sampling = b"", True
    with item.open_raw() as stream:
        while chunk := stream.read(_CHUNK_BYTES):
            hasher.update(chunk)
            room = SAMPLE_BYTES - len(sample)
            if not sampling or room <= 0:
                continue
            if inflate is None:
                sample += chunk[:room]
                continue
            try:
                sample += inflate.decompress(inflate.unconsumed_tail + chunk, room)
            except zlib.error:
                sampling = False
    if len(sample) == SAMPLE_BYTES and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]
    return hasher.hexdigest(), sample


@contextmanager
def _open_binary(item: InputFile, compressed: bool) -> Iterator[IO[bytes]]:
    """The file's content, decompressed when ``compressed``."""
    with item.open_raw() as raw:
        if not compressed:
            yield raw
            return
        with gzip.GzipFile(fileobj=raw, mode="rb") as content:
            yield content


def _numbered_lines(stream: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    r"""Lines numbered as `decode_bytes` counts them: ``\r\n``, ``\r`` and ``\n`` end a line."""
    number = 0
    for raw in stream:
        line = raw[:-1] if raw.endswith(b"\n") else raw
        if line.endswith(b"\r"):
            line = line[:-1]
        for piece in line.split(b"\r") if b"\r" in line else (line,):
            number += 1
            yield number, piece


def _jsonl_document(item: InputFile, provenance: Provenance, line: str,
                    options: ReadOptions, probe: TextFieldProbe | None = None) -> Document:
    """The document of one JSONL record, or the record rejected with the reason."""
    number = provenance.record
    try:
        record = json.loads(line, parse_constant=_not_a_json_constant, parse_float=_finite)
    except RecursionError:
        return _rejected(provenance, options, item, number, "invalid JSON: nested too deeply",
                         line)
    except ValueError as exc:
        message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        return _rejected(provenance, options, item, number, f"invalid JSON: {message}", line)
    if isinstance(record, dict) and probe is not None:
        probe.saw(record, number)
    text = record.get(options.text_field) if isinstance(record, dict) else None
    if not isinstance(text, str):
        problem = f"no string field {options.text_field!r} (set it with --text-field)"
        return _rejected(provenance, options, item, number, problem, line)
    if "\\u" in line and _has_lone_surrogate(record):
        problem = ("holds an unpaired UTF-16 surrogate escape (\\ud800-\\udfff), which is not a "
                   "character")
        return _rejected(provenance, options, item, number, problem, line)
    overlong = _overlong_line(text)
    if overlong is not None:
        return _too_long(item, provenance, overlong, line, options, record=number)
    parsed = parse_text(text)
    document = Document(parsed.paragraphs, provenance, options.source, edits=list(parsed.edits))
    _record_fields(document, record, options.text_field)
    return document


def _not_a_json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _finite(number: str) -> float:
    """A JSON number as a float; one too large for a float would be written out as Infinity,
    which is not JSON."""
    value = float(number)
    if math.isinf(value):
        raise ValueError(f"{number[:20]} is too large a number")
    return value


def _has_lone_surrogate(value: Any) -> bool:
    """Whether a string anywhere in a decoded JSON value holds an unpaired surrogate."""
    pending = [value]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


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
