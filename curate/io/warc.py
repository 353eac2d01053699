"""Read WARC and WET files (how CommonCrawl ships pages) into documents, through warcio.

- a ``response`` record whose HTTP payload is a web page (``text/html``, XHTML) goes through
  the HTML path, as an ``.html`` file would: main text and metadata extracted, then cleaned;
- a ``conversion`` record (the plain text of a WET file) and a ``resource`` record of
  ``text/plain`` are read as plain text, one paragraph a line;
- every other record (``warcinfo``, ``request``, ``metadata``, ``revisit``, responses that are
  not pages: images, scripts, redirects) is skipped and counted by kind.

A document's ``provenance.record`` is the record's number in the file (1 for the first), so
its id is stable; ``metadata.url`` is the record's ``WARC-Target-URI`` where the page names no
URL of its own, and ``metadata.warc_date`` and ``metadata.warc_record_id`` say which capture
it is. A file that breaks off keeps the records before the break, and the break is reported.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator

from curate.document import Document, Provenance
from curate.io.decode import DecodeError, decode_bytes
from curate.io.readers import (
    InputFile,
    ReadOptions,
    _html_document,
    _overlong_line,
    _rejected,
    _too_long,
    _unreadable,
)
from curate.markup import parse_plain

WARC_SUFFIXES = (".warc", ".warc.gz", ".wet", ".wet.gz", ".warc.wet", ".warc.wet.gz")
PAGE_TYPES = ("text/html", "application/xhtml+xml")


def is_warc(name: str) -> bool:
    """Whether a file name is a WARC or WET file's (``CC-MAIN-….warc.wet.gz``)."""
    return name.lower().endswith(WARC_SUFFIXES)


def read_warc(item: InputFile, options: ReadOptions) -> Iterator[Document]:
    """The documents of a WARC or WET file; what is skipped is counted in
    ``options.skipped_records`` under the file's name."""
    # warcio imports fsspec: a tenth of a CPU-second, paid only by a run that reads a WARC file
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    _, sha256 = item.sha256()
    skipped: Counter[str] = Counter()
    number = 0
    try:
        with item.open_raw() as stream:
            for number, record in enumerate(ArchiveIterator(stream), start=1):
                kind = _kind(record)
                if kind is None:
                    skipped[record.rec_type or "unknown"] += 1
                    continue
                payload = record.content_stream().read()
                if record.length is None or getattr(record.raw_stream, "limit", 0):
                    problem = (f"record {number} breaks off before the length its header "
                               "gives (a file cut short?)")
                    yield _rejected(Provenance(item.display, sha256, record=number), options,
                                    item, None, problem, "")
                    continue
                yield _record_document(item, sha256, number, record, kind, payload, options)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        where = f"after record {number}" if number else "at its start"
        yield _unreadable(item, sha256, f"cannot read the WARC file {where}: {exc}; the "
                                        "records before it are read", options)
    if number == 0 and not skipped:
        yield _unreadable(item, sha256, "no WARC records: there is nothing to read", options,
                          rule="empty-input")
    if skipped:
        options.skipped_records[item.display] = dict(sorted(skipped.items()))


def _kind(record) -> str | None:
    """``"page"``, ``"text"`` or None (skipped) for a record."""
    if record.rec_type == "response":
        if record.http_headers is None or record.http_headers.get_statuscode() != "200":
            return None
        content_type = (record.http_headers.get_header("Content-Type") or "").lower()
        return "page" if content_type.startswith(PAGE_TYPES) else None
    content_type = (record.rec_headers.get_header("Content-Type") or "").lower()
    if record.rec_type == "conversion" or (record.rec_type == "resource"
                                           and content_type.startswith("text/plain")):
        return "text"
    if record.rec_type == "resource" and content_type.startswith(PAGE_TYPES):
        return "page"
    return None


def _record_document(item: InputFile, sha256: str, number: int, record, kind: str,
                     payload: bytes, options: ReadOptions) -> Document:
    provenance = Provenance(file=item.display, sha256=sha256, record=number)
    try:
        decoded = decode_bytes(payload)
    except DecodeError as exc:
        return _rejected(provenance, options, item, number, str(exc), "")
    provenance.encoding = decoded.encoding
    if kind == "page":
        document = _html_document(item, decoded.text, provenance, options)
    else:
        overlong = _overlong_line(decoded.text)
        if overlong is not None:
            return _too_long(item, provenance, overlong, decoded.text, options)
        document = Document(parse_plain(decoded.text).paragraphs, provenance, options.source)
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI")
    if url:
        document.metadata.setdefault("url", url)
    for key, header in (("warc_date", "WARC-Date"), ("warc_record_id", "WARC-Record-ID")):
        value = headers.get_header(header)
        if value:
            document.metadata[key] = value
    return document


def record_text(raw: bytes, number: int) -> str:
    """The text the reader makes of record ``number`` of a WARC file's bytes: a page's
    extracted main text, or a conversion's text (for `curate explain`)."""
    from warcio.archiveiterator import ArchiveIterator

    from curate.io.html import extract_article

    for position, record in enumerate(ArchiveIterator(io.BytesIO(raw)), start=1):
        if position == number:
            kind = _kind(record)
            if kind is None:
                raise ValueError(f"record {number} is neither a page nor text")
            text = decode_bytes(record.content_stream().read()).text
            return extract_article(text).text if kind == "page" else text
    raise ValueError(f"no record {number}")
