"""Progress of a run on standard error: a bar on a terminal, a line now and then elsewhere.

On a terminal `Progress` draws documents and MB done, documents per second, the time elapsed
and, when the size of the input is known, the time remaining. In a pipe or a log file it
prints nothing, or with ``--verbose`` one line every `LINE_SECONDS` at most::

    progress: 4,200 documents, 9.3 of 41.0 MB, 131 documents/s, 32 s elapsed

MB done counts a file's size once it is finished and, inside a large file, the bytes of the
text read so far (at most the file's size), so that the bar moves within one large dump.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as Bar

# At most one line this often when standard error is not a terminal (with --verbose).
LINE_SECONDS = 5.0


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

    def __init__(self, total_bytes: int | None, stream: TextIO, bar: bool) -> None:
        self.total_bytes = total_bytes
        self.stream = stream
        self.documents = 0
        self.done_bytes = 0  # of finished files
        self.file_bytes = 0  # of the file being read, estimated from its text
        self.started = time.monotonic()
        self.last_line = self.started
        self.bar: Bar | None = None
        if bar:
            self.bar = Bar(TextColumn("{task.fields[documents]:,} documents"), BarColumn(),
                           DownloadColumn(), TextColumn("{task.fields[rate]:,.0f} documents/s"),
                           TimeElapsedColumn(), TimeRemainingColumn(),
                           console=Console(file=stream, force_terminal=True), transient=True)
            self.task = self.bar.add_task("run", total=total_bytes, documents=0, rate=0.0)
            self.bar.start()

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
        elapsed = max(now - self.started, 1e-9)
        rate = self.documents / elapsed
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done_bytes + self.file_bytes,
                            documents=self.documents, rate=rate)
        elif now - self.last_line >= LINE_SECONDS:
            self.last_line = now
            self.stream.write(f"progress: {self.line(rate, elapsed)}\n")
            self.stream.flush()

    def line(self, rate: float, elapsed: float) -> str:
        done = (self.done_bytes + self.file_bytes) / 1e6
        of = f" of {self.total_bytes / 1e6:,.1f}" if self.total_bytes is not None else ""
        return (f"{self.documents:,} documents, {done:,.1f}{of} MB, {rate:,.0f} documents/s, "
                f"{elapsed:,.0f} s elapsed")

    def close(self) -> None:
        """Takes the bar off the terminal."""
        if self.bar is not None:
            self.bar.stop()


def progress_for(inputs: Iterable[str], quiet: bool, verbose: bool,
                 stream: TextIO | None = None) -> Progress | None:
    """A bar when ``stream`` (standard error) is a terminal, lines with ``verbose`` when it
    is not, nothing with ``quiet`` or otherwise."""
    stream = stream or sys.stderr
    if quiet:
        return None
    terminal = stream.isatty()
    if not terminal and not verbose:
        return None
    return Progress(input_bytes(inputs), stream, bar=terminal)
