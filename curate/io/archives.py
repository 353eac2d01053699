"""Archives of input files: zip and tar (plain, gzip, bzip2 or xz), read member by member.

Each member becomes an input of its own, named ``ARCHIVE!/MEMBER`` (``dump.tar.gz!/2024/a.txt``).
Its bytes are read into memory, never extracted to disk, so a member named ``../../x`` is
only a name. What cannot be read is a problem of its own and the other members are read:

- a member larger than `MAX_MEMBER_BYTES` (whatever its header says: it is read that far
  and no further) or inflating more than `MAX_COMPRESSION_RATIO` times (a compression
  bomb), a link or device entry, an archive inside the
  archive (not opened, so nesting cannot multiply a small file into a huge one), an
  encrypted member or one whose data is damaged;
- an archive that breaks off (a truncated download) ends with a problem naming the point
  where it broke; the members before it are read.
"""

from __future__ import annotations

import lzma
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from curate.io.limits import MAX_MEMBER_BYTES, inflated_too_much, inflation_problem

SEPARATOR = "!/"
SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
_CHUNK_BYTES = 1 << 20
# What a damaged archive or member raises while it is read.
_READ_ERRORS = (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError, zlib.error,
                lzma.LZMAError, RuntimeError, NotImplementedError)


@dataclass(frozen=True)
class Member:
    """A member's name and bytes, or why it cannot be read (``name`` empty: the archive's)."""

    name: str
    data: bytes | None = field(default=None, repr=False)
    problem: str | None = None


def is_archive(name: str) -> bool:
    """``dump.tar.gz`` and ``pages.zip`` are archives; ``story.txt.gz`` is one gzipped file."""
    return name.lower().endswith(SUFFIXES)


def archive_members(path: Path) -> Iterator[Member]:
    """The members of the archive at ``path``, in archive order, folders left out."""
    if path.name.lower().endswith(".zip"):
        yield from _zip_members(path)
    else:
        yield from _tar_members(path)


def member_bytes(name: str) -> bytes:
    """The bytes of a file, or of an archive member named ``ARCHIVE!/MEMBER``.

    Raises ``OSError`` when there is no such file or member or it cannot be read.
    """
    archive, separator, wanted = name.partition(SEPARATOR)
    if not separator:
        return Path(name).read_bytes()
    for member in archive_members(Path(archive)):
        if member.name == wanted and member.data is not None:
            return member.data
    raise FileNotFoundError(f"{name}: no readable member {wanted!r} in {archive}")


def _zip_members(path: Path) -> Iterator[Member]:
    try:
        archive = zipfile.ZipFile(path)
    except _READ_ERRORS as exc:  # a truncated zip has lost its directory, which comes last
        yield Member("", problem=f"cannot open the zip archive: {exc}")
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            problem = _member_problem(info.filename, info.file_size)
            if problem is None:
                try:
                    with archive.open(info) as stream:
                        data, problem = _member_data(stream, info.compress_size)
                except _READ_ERRORS as exc:
                    problem = f"cannot read it from the archive: {exc}"
            yield Member(info.filename, data if problem is None else None, problem)


def _tar_members(path: Path) -> Iterator[Member]:
    last = None
    try:
        with tarfile.open(path, "r:*") as archive:
            for info in archive:
                if info.isdir():
                    continue
                problem = _member_problem(info.name, info.size)
                if problem is None and not info.isfile():
                    problem = "a link or special file inside the archive; not read"
                if problem is not None:
                    yield Member(info.name, problem=problem)
                    continue
                stream = archive.extractfile(info)
                data, problem = (_member_data(stream, None) if stream is not None
                                 else (b"", None))
                last = info.name
                yield Member(info.name, data if problem is None else None, problem)
    except _READ_ERRORS as exc:
        where = f" after member {last}" if last else ""
        yield Member("", problem=f"cannot read the tar archive{where}: {exc}; the members "
                                 "before it are read")


def _member_data(stream: IO[bytes], compressed: int | None) -> tuple[bytes, str | None]:
    """A member's bytes, read a megabyte at a time up to `MAX_MEMBER_BYTES`, and why it is
    not read when it holds more (its header can lie) or inflates from ``compressed`` bytes
    more than a compression bomb would."""
    chunks: list[bytes] = []
    total = 0
    while chunk := stream.read(_CHUNK_BYTES):
        total += len(chunk)
        if total > MAX_MEMBER_BYTES:
            return b"", _too_large(total)
        if compressed is not None and inflated_too_much(compressed, total):
            return b"", inflation_problem(compressed, total)
        chunks.append(chunk)
    return b"".join(chunks), None


def _too_large(size: int) -> str:
    return (f"{size:,} bytes or more, more than the {MAX_MEMBER_BYTES:,} read from inside an "
            "archive; extract it and give the file itself")


def _member_problem(name: str, size: int) -> str | None:
    if is_archive(name):
        return "an archive inside the archive; not opened (extract it and give it as input)"
    if size > MAX_MEMBER_BYTES:
        return _too_large(size)
    return None
