"""Read input files into documents: plain text, Markdown, HTML and JSONL, optionally gzipped.

Every input becomes documents, and what cannot be read becomes a rejected document with
a message naming the file (and line) and what went wrong, so a bad file never stops a run
and is never lost from the accounting.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curate.document import Document, Edit, Paragraph, Provenance
from curate.io.decode import DecodeError, decode_bytes
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


@dataclass
class ReadOptions:
    source: str
    text_field: str = "text"
    messages: list[str] = field(default_factory=list)  # problems met while reading


@dataclass(frozen=True)
class InputFile:
    path: Path
    display: str  # the path as the user gave it, for provenance and messages


def iter_input_files(inputs: list[str]) -> Iterator[InputFile]:
    """Files under the given files and folders, folders walked recursively in sorted order.

    Symbolic links to folders are not followed, so a link loop cannot trap the walk.
    """
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs.sort()
                for name in sorted(files):
                    full = Path(root) / name
                    yield InputFile(full, os.path.join(given, os.path.relpath(full, path)))
        else:
            yield InputFile(path, given)


def read_documents(item: InputFile, options: ReadOptions) -> Iterator[Document]:
    """The documents in one input file; unreadable input yields a rejected document."""
    try:
        raw = item.path.read_bytes()
    except OSError as exc:
        yield _unreadable(item, "", f"cannot read the file: {exc.strerror or exc}", options)
        return
    sha256 = hashlib.sha256(raw).hexdigest()
    name = item.path.name.lower()
    if name.endswith(".gz"):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            yield _unreadable(item, sha256, f"cannot decompress gzip data: {exc}", options)
            return
        name = name[: -len(".gz")]
    suffix = Path(name).suffix
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(item, sha256, raw, options)
        return
    try:
        decoded = decode_bytes(raw)
    except DecodeError as exc:
        yield _unreadable(item, sha256, str(exc), options)
        return
    provenance = Provenance(file=item.display, sha256=sha256, encoding=decoded.encoding)
    if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES | MARKDOWN_SUFFIXES
                                   and _looks_like_html(decoded.text)):
        yield _html_document(decoded.text, provenance, options)
        return
    markdown = True if suffix in MARKDOWN_SUFFIXES else None
    parsed = parse_text(decoded.text, markdown=markdown)
    yield Document(parsed.paragraphs, provenance, options.source, edits=list(parsed.edits))


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:1000].lower()
    return head.startswith("<!doctype html") or "<html" in head


def _html_document(html: str, provenance: Provenance, options: ReadOptions) -> Document:
    """Main text and metadata of a web page, through trafilatura."""
    from curate.io.html import extract_article

    article = extract_article(html)
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


def _read_jsonl(
    item: InputFile, sha256: str, raw: bytes, options: ReadOptions
) -> Iterator[Document]:
    """One document per JSON line; a bad line is rejected with its line number."""
    try:
        decoded = decode_bytes(raw)
    except DecodeError as exc:
        yield _unreadable(item, sha256, str(exc), options)
        return
    for number, line in enumerate(decoded.text.split("\n"), start=1):
        if not line.strip():
            continue
        provenance = Provenance(file=item.display, sha256=sha256, encoding=decoded.encoding,
                                record=number)
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield _rejected(provenance, options, item, number, f"invalid JSON: {exc.msg}", line)
            continue
        text = record.get(options.text_field) if isinstance(record, dict) else None
        if not isinstance(text, str):
            problem = f"no string field {options.text_field!r} (set it with --text-field)"
            yield _rejected(provenance, options, item, number, problem, line)
            continue
        parsed = parse_text(text)
        document = Document(parsed.paragraphs, provenance, options.source,
                            edits=list(parsed.edits))
        _record_fields(document, record, options.text_field)
        yield document


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


def _unreadable(item: InputFile, sha256: str, problem: str, options: ReadOptions) -> Document:
    provenance = Provenance(file=item.display, sha256=sha256)
    return _rejected(provenance, options, item, None, problem, "")


def _rejected(provenance: Provenance, options: ReadOptions, item: InputFile, line: int | None,
              problem: str, text: str) -> Document:
    where = f"{item.display}:{line}" if line is not None else item.display
    options.messages.append(f"{where}: {problem}; sent to rejects")
    document = Document([Paragraph(text, (line or 0, line or 0))] if text else [], provenance,
                        options.source)
    document.rejected = Edit(STEP, "unreadable-input", "drop", text, line, why=problem)
    return document
