"""Archives of input files: zip and tar (plain, gzip, bzip2 or xz), read member by member.

Each member becomes an input of its own, named ``ARCHIVE!/MEMBER`` (``dump.tar.gz!/2024/a.txt``).
Its bytes are read into memory, never extracted to disk, so a member named ``../../x`` is
only a name. What cannot be read is a problem of its own and the other members are read:

- a member larger than `MAX_MEMBER_BYTES`, a link or device entry, an archive inside the
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

SEPARATOR = "!/"
SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
# Members are read whole; a larger one (a multi-gigabyte JSONL dump) is read streamed once
# it is extracted.
MAX_MEMBER_BYTES = 256 * 2**20
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
                    yield Member(info.filename, archive.read(info))
                    continue
                except _READ_ERRORS as exc:
                    problem = f"cannot read it from the archive: {exc}"
            yield Member(info.filename, problem=problem)


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
                data = stream.read() if stream is not None else b""
                last = info.name
                yield Member(info.name, data)
    except _READ_ERRORS as exc:
        where = f" after member {last}" if last else ""
        yield Member("", problem=f"cannot read the tar archive{where}: {exc}; the members "
                                 "before it are read")


def _member_problem(name: str, size: int) -> str | None:
    if is_archive(name):
        return "an archive inside the archive; not opened (extract it and give it as input)"
    if size > MAX_MEMBER_BYTES:
        return (f"{size:,} bytes, more than the {MAX_MEMBER_BYTES:,} read from inside an "
                "archive; extract it and give the file itself")
    return None
