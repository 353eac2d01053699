"""Progress of a command on standard error: a bar on a terminal, a line now and then elsewhere.

On a terminal `Progress` draws documents and MB done, documents per second, the time elapsed
and, when the size of the input is known, the time remaining. In a pipe or a log file it
prints nothing, or with ``--verbose`` one line every `LINE_SECONDS` at most::

    progress: 4,200 documents, 9.3 of 41.0 MB, 131 documents/s, 32 s elapsed
    progress: dedup, deciding: 12,000 documents, 80.1 of 132.5 MB, 95 documents/s, 126 s elapsed

MB done counts a file's size once it is finished and, inside a large file, the bytes of the
text read so far (at most the file's size), so that the bar moves within one large dump. A
command that goes over its input more than once names each pass (`Progress.begin`).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress as Bar

# At most one line this often when standard error is not a terminal (with --verbose).
LINE_SECONDS = 5.0
# The bar is redrawn this often at most: a command reading 50,000 records a second would
# otherwise spend its time drawing.
DRAW_SECONDS = 0.1


def input_bytes(inputs: Iterable[str]) -> int | None:
    """The bytes of every file under ``inputs``; None when one is standard input."""
    total = 0
    for given in inputs:
        if given == "-":
            return None
        if os.path.isdir(given):
            for folder, _, names in os.walk(given):
                total += sum(_size(os.path.join(folder, name)) for name in names)
        else:
            total += _size(given)
    return total


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


class Progress:
    """Documents and bytes done, shown as a bar or as occasional lines on ``stream``."""

    def __init__(self, total_bytes: int | None, stream: TextIO, bar: bool,
                 label: str | None = None) -> None:
        self.total_bytes = total_bytes
        self.stream = stream
        self.label = label
        self.bar: Bar | None = None
        self._start_counts()
        if bar:
            # rich costs a twentieth of a CPU-second to import: only a bar on a terminal needs it
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as Bar

            self.bar = Bar(TextColumn("{task.description}"),
                           TextColumn("{task.fields[documents]:,} documents"), BarColumn(),
                           DownloadColumn(), TextColumn("{task.fields[rate]:,.0f} documents/s"),
                           TimeElapsedColumn(), TimeRemainingColumn(),
                           console=Console(file=stream, force_terminal=True), transient=True)
            self.task = self.bar.add_task(label or "", total=total_bytes, documents=0,
                                          rate=0.0)
            self.bar.start()

    def _start_counts(self) -> None:
        self.documents = 0
        self.done_bytes = 0  # of finished files
        self.file_bytes = 0  # of the file being read, estimated from its text
        self.file: str | None = None  # the file `record` counts in
        self.file_size = 0
        self.started = time.monotonic()
        self.last_line = self.last_draw = self.started

    def begin(self, label: str) -> None:
        """Start counting again, for another pass over the same input named ``label``."""
        self.label = label
        self._start_counts()
        if self.bar is not None:
            self.bar.reset(self.task, total=self.total_bytes, description=label,
                           documents=0, rate=0.0)

    def advance(self, documents: int, text_bytes: int, file_bytes: int,
                file_done: bool) -> None:
        """``documents`` more read, with ``text_bytes`` of text, of a file of ``file_bytes``."""
        self.documents += documents
        if file_done:
            self.done_bytes += file_bytes
            self.file_bytes = 0
        else:
            self.file_bytes = min(self.file_bytes + text_bytes, file_bytes)
        now = time.monotonic()
        if self.bar is not None:
            if now - self.last_draw >= DRAW_SECONDS:
                self.last_draw = now
                self._draw(now)
        elif now - self.last_line >= LINE_SECONDS:
            self.last_line = now
            elapsed = max(now - self.started, 1e-9)
            self.stream.write(f"progress: {self.line(self.documents / elapsed, elapsed)}\n")
            self.stream.flush()

    def record(self, file: str, line_bytes: int) -> None:
        """One document of ``file``, ``line_bytes`` long, read; the file read before it is
        finished. For commands that read corpus files record by record."""
        if file != self.file:
            if self.file is not None:
                self.advance(0, 0, self.file_size, file_done=True)
            self.file, self.file_size = file, _size(file)
        self.advance(1, line_bytes, self.file_size, file_done=False)

    def _draw(self, now: float) -> None:
        assert self.bar is not None
        rate = self.documents / max(now - self.started, 1e-9)
        self.bar.update(self.task, completed=self.done_bytes + self.file_bytes,
                        documents=self.documents, rate=rate)

    def line(self, rate: float, elapsed: float) -> str:
        done = (self.done_bytes + self.file_bytes) / 1e6
        of = f" of {self.total_bytes / 1e6:,.1f}" if self.total_bytes is not None else ""
        named = f"{self.label}: " if self.label else ""
        return (f"{named}{self.documents:,} documents, {done:,.1f}{of} MB, "
                f"{rate:,.0f} documents/s, {elapsed:,.0f} s elapsed")

    def close(self) -> None:
        """Takes the bar off the terminal."""
        if self.bar is not None:
            self._draw(time.monotonic())
            self.bar.stop()


def progress_for(inputs: Iterable[str], quiet: bool, verbose: bool,
                 stream: TextIO | None = None, label: str | None = None) -> Progress | None:
    """A bar when ``stream`` (standard error) is a terminal, lines with ``verbose`` when it
    is not, nothing with ``quiet`` or otherwise. ``inputs`` are the files and folders read,
    whose size is the bar's whole."""
    stream = stream or sys.stderr
    if quiet:
        return None
    terminal = stream.isatty()
    if not terminal and not verbose:
        return None
    return Progress(input_bytes(inputs), stream, bar=terminal, label=label)
