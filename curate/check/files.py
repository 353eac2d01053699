"""Which files `curate check` reads, as what, and reading them with bounded memory.

A folder is walked (sorted, hidden entries such as ``.index/`` skipped) for JSONL, text and
Markdown files, gzipped or not. A file named on the command line is read as ``curate run``
reads it: ``.jsonl``, ``.ndjson`` and ``.json`` as JSONL (a folder's ``manifest.json`` is
no JSONL and is left out of walks), anything else as text. A corpus's rejects (its
``rejects/`` shards, or ``rejects.jsonl`` of the single-file layout) are checked against the
rejects' schema; its dataset card (``README.md`` beside ``manifest.json``) is not walked.
Only regular files are read (a FIFO or ``/dev/zero`` would never end); a JSONL line or a
text file past its size limit is a finding, not a memory spike.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from curate.check.records import DOCUMENT_SCHEMA, REJECT_SCHEMA, Schema
from curate.io.readers import JSONL_SUFFIXES, MARKDOWN_SUFFIXES, TEXT_SUFFIXES
from curate.storage import CARD, MANIFEST, REJECTS, SINGLE_FILES

GZIP_SUFFIX = ".gz"
# Suffixes a folder walk picks up (not .json: a corpus folder's manifest.json is no JSONL).
WALKED_SUFFIXES = (JSONL_SUFFIXES - {".json"}) | TEXT_SUFFIXES | MARKDOWN_SUFFIXES
# A corpus record past this size is no article; reading it whole would cost its size in memory.
MAX_RECORD_BYTES = 32 * 2**20
# Text files are read whole: larger than this is no scraped article.
MAX_TEXT_BYTES = 64 * 2**20
_SKIP_CHUNK = 2**20


class FileUnreadable(OSError):
    """A checked file that cannot be read (on from ``line``); the message says why."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class CheckedFile:
    """A file to check, the name it is reported under, and how it is read."""

    path: Path
    display: str

    @property
    def compressed(self) -> bool:
        return self.path.suffix.lower() == GZIP_SUFFIX

    @property
    def format_suffix(self) -> str:
        """The suffix that says what the file holds, under a ``.gz``: ``.jsonl``, ``.txt``."""
        name = self.path.name.lower().removesuffix(GZIP_SUFFIX) if self.compressed \
            else self.path.name.lower()
        return Path(name).suffix

    @property
    def is_jsonl(self) -> bool:
        return self.format_suffix in JSONL_SUFFIXES

    @property
    def schema(self) -> Schema:
        """The schema of its records: a run's rejects file has its own."""
        name = self.path.name.removesuffix(GZIP_SUFFIX) if self.compressed else self.path.name
        in_rejects = self.path.parent.name == REJECTS and (self.path.parent.parent
                                                           / MANIFEST).is_file()
        return REJECT_SCHEMA if name == SINGLE_FILES[REJECTS] or in_rejects else DOCUMENT_SCHEMA


def iter_checked_files(paths: list[str]) -> Iterator[CheckedFile]:
    """Given files as they are; folders walked (sorted) for JSONL, text and Markdown files.

    A file reached twice is checked once, so it is not reported as its own duplicate.
    """
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [CheckedFile(Path(root) / name, os.path.join(
                    given, os.path.relpath(Path(root) / name, path)))
                    for name in sorted(files) if _walked(name)
                    and not _is_corpus_card(Path(root) / name)]
        else:
            found = [CheckedFile(path, given)]
        for file in found:
            if file.path.resolve() not in seen:
                seen.add(file.path.resolve())
                yield file


def _is_corpus_card(path: Path) -> bool:
    """The dataset card a run writes beside its manifest: English, not corpus text."""
    return path.name == CARD and (path.parent / MANIFEST).is_file()


def _walked(name: str) -> bool:
    if name.startswith("."):
        return False
    lowered = name.lower().removesuffix(GZIP_SUFFIX)
    return Path(lowered).suffix in WALKED_SUFFIXES


def open_checked(file: CheckedFile) -> BinaryIO:
    """The file's bytes as a stream, decompressed when gzipped; only regular files."""
    if not file.path.is_file():
        raise FileUnreadable("not a regular file (a FIFO, socket or device, which may never "
                             "end); check a file")
    try:
        if file.compressed:
            return gzip.open(file.path, "rb")  # type: ignore[return-value]
        return file.path.open("rb")
    except OSError as exc:
        raise FileUnreadable(f"cannot read the file: {exc.strerror or exc}") from None


def read_text_bytes(file: CheckedFile) -> bytes:
    """The whole content of a text file, at most `MAX_TEXT_BYTES`."""
    with open_checked(file) as stream:
        try:
            data = stream.read(MAX_TEXT_BYTES + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise FileUnreadable(f"cannot read the file: {exc}") from None
    if len(data) > MAX_TEXT_BYTES:
        raise FileUnreadable(f"larger than {MAX_TEXT_BYTES // 2**20} MiB: no scraped article "
                             f"is; split it or check it as JSONL")
    return data


def read_lines(file: CheckedFile) -> Iterator[tuple[int, bytes | None]]:
    """``(number, raw line)`` of each line; None for a line longer than `MAX_RECORD_BYTES`,
    which is skipped without being held in memory."""
    with open_checked(file) as stream:
        number = 0
        try:
            while raw := stream.readline(MAX_RECORD_BYTES + 1):
                number += 1
                if len(raw) <= MAX_RECORD_BYTES or raw.endswith(b"\n"):
                    yield number, raw
                    continue
                while raw and not raw.endswith(b"\n"):
                    raw = stream.readline(_SKIP_CHUNK)
                yield number, None
        except (OSError, EOFError, zlib.error) as exc:
            raise FileUnreadable(f"cannot read on: {exc}", number + 1) from None
