"""The faults that stop a run, with an exit code each: the output folder cannot be written,
or the corpus in it cannot be read back. Each is one line naming the path and what to do;
the corpus stays as it was before the run. Bad input never stops a run: it is rejected.
"""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any


class CorpusFault(Exception):
    """The corpus folder cannot be written or read back: one line naming the path and what
    to do, and an exit code of its own (the corpus stays as it was before the run)."""

    exit_code = 3


class OutputUnwritable(CorpusFault):
    """The folder cannot be written: read-only, full, or under a file (exit code 3)."""

    exit_code = 3

    @classmethod
    def from_os_error(cls, exc: OSError, outdir: Path) -> OutputUnwritable:
        path = exc.filename or outdir
        kept = " (the corpus there is as it was before this run)"
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            todo = f"free space on its disk and run again{kept}"
        elif exc.errno in (errno.ENOTDIR, errno.EEXIST) and not outdir.is_dir():
            todo = f"{outdir} lies under a file, not a folder: choose another output folder"
        elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            todo = f"make the folder writable or choose another output folder{kept}"
        else:
            todo = f"fix the output folder or choose another one{kept}"
        return cls(f"{path}: cannot write the corpus: {exc.strerror or exc}; {todo}")


class CorpusDamaged(CorpusFault):
    """A corpus file or its index cannot be read back (exit code 4)."""

    exit_code = 4


def corpus_record(line: bytes | str, path: Path, number: int) -> dict[str, Any]:
    """Line ``number`` of the corpus file ``path`` as a record; a line that is not one (a
    file cut short, or edited) is `CorpusDamaged`, named with what to do."""
    try:
        record = json.loads(line)
    except ValueError as exc:
        record = exc
    if not isinstance(record, dict):
        raise CorpusDamaged(f"{path}:{number}: not a JSON record ({record}); the file is "
                            "damaged (cut short?): restore it from a copy, or delete that "
                            "line, and run again")
    return record
