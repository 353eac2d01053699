"""Where the ranges of a JSONL dump begin, found from its line breaks alone: a worker seeks to
its range's first byte and parses only the records of its range.

A span is whole lines of the file: it starts at the file's first byte or after a ``\\n`` and
ends after one (or at the end of the file, for a last line with no line break). The records
of a span are numbered as reading the whole file numbers them (``\\r\\n``, ``\\n`` and a lone
``\\r`` each end a line; a line longer than `MAX_RECORD_BYTES` is one line whatever it holds),
so a message of a worker names the line a reading from the start would name. Nothing is
decoded or parsed to cut the spans: the file is mapped and its bytes counted.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curate.io.limits import MAX_RECORD_BYTES


@dataclass(frozen=True)
class Span:
    """Bytes ``offset`` to ``end`` of a file that held ``size`` bytes when it was cut: lines
    ``lines_before + 1`` to ``lines_before + lines``; ``last`` when the file ends with it.

    ``before`` is what reading the spans before this one left for it (`FileReading.state`):
    None when the worker reads the span on its own, and the run checks afterwards that the
    spans before it change nothing it read (`curate.io.readers.FileReading.follow`)."""

    offset: int
    end: int
    lines_before: int
    lines: int
    size: int
    last: bool
    before: Any = field(default=None, compare=False)


def record_spans(path: Path, size: int, target: int) -> Iterator[Span]:
    """The spans of the first ``size`` bytes of ``path``, each of ``target`` bytes or more up
    to the end of the line it reaches, cut as they are asked for (the first range goes to a
    worker before the last is found).

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(suffix=".jsonl") as dump:
    ...     _ = dump.write('{"text": "国产芯片"}\\r\\n{"text": "英伟达"}\\n'.encode()); dump.flush()
    ...     [(s.offset, s.end, s.lines_before, s.lines, s.last)
    ...      for s in record_spans(Path(dump.name), 47, 1)]
    [(0, 26, 0, 1, False), (26, 47, 1, 1, True)]
    """
    with path.open("rb") as stream, mmap.mmap(stream.fileno(), size,
                                              access=mmap.ACCESS_READ) as mapped:
        offset = lines = 0
        while offset < size:
            found = mapped.find(b"\n", min(offset + max(target, 1), size) - 1)
            end = size if found < 0 else found + 1
            counted = _lines(mapped, offset, end, end == size)
            yield Span(offset, end, lines, counted, size, end == size)
            offset, lines = end, lines + counted


def _lines(mapped: mmap.mmap, offset: int, end: int, at_end: bool) -> int:
    """How many lines `curate.io.readers` numbers in bytes ``offset`` to ``end`` (whole lines)."""
    if end - offset > MAX_RECORD_BYTES:  # it may hold a line read past as one: line by line
        total = 0
        while offset < end:
            found = mapped.find(b"\n", offset, end)
            stop = end if found < 0 else found + 1
            if stop - offset - (found >= 0) > MAX_RECORD_BYTES:
                total += 1
            else:
                total += _lines(mapped, offset, stop, at_end and stop == end)
            offset = stop
        return total
    chunk = mapped[offset:end]
    ended = chunk.endswith(b"\n")
    # A lone \r ends a line, \r\n one line; a last line without \n loses one trailing \r.
    # Most dumps hold no \r: looking for one is cheaper than counting two kinds of end.
    lone_returns = chunk.count(b"\r") - chunk.count(b"\r\n") if b"\r" in chunk else 0
    pieces = chunk.count(b"\n") + (not ended) + lone_returns
    return pieces - (at_end and not ended and chunk.endswith(b"\r"))
