"""Ranges of an input file's documents, and what cleaning one of them gives back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from curate.document import Document
from curate.io.readers import InputFile

# Documents of a large file cleaned as one range: enough to keep workers busy between
# hand-overs, few enough that a range's documents and edits stay a few MB.
RANGE_DOCUMENTS = 200
# A file smaller than this is one range, read and cleaned whole by one worker.
WHOLE_FILE_BYTES = 1 << 20


class WorkerLost(RuntimeError):
    """A worker process died (killed, out of memory) before sending back its range."""


@dataclass(frozen=True)
class Range:
    """Documents ``start`` to ``start + count`` (all of them when ``count`` is None) of the
    documents the reader yields from ``item``."""

    item: InputFile
    start: int = 0
    count: int | None = None

    def described(self) -> str:
        """``the file``, or ``documents 201-400 of the file``, for messages."""
        if self.count is None:
            return "the file"
        return f"documents {self.start + 1}-{self.start + self.count} of the file"


@dataclass
class CleanedRange:
    """What the pipeline made of one `Range`."""

    range: Range
    read: int = 0  # documents the reader yielded in the range
    outputs: list[Document] = field(default_factory=list)
    # What the reader and the steps said of the range's documents, in the order they said it.
    messages: list[str] = field(default_factory=list)
    sha256: str | None = None
    text_bytes: int = 0  # UTF-8 bytes of the text read, for progress
    ended: bool = False  # the reader yielded its last document within the range
    # WARC records that are not pages or text, by kind: set on the range that ends the file.
    skipped_records: dict[str, int] = field(default_factory=dict)
    # The MinHash signatures of the outputs kept so far, by document id, when a Ray worker
    # signed them (`curate.dedup.stage.sign_outputs`); never committed to a checkpoint.
    signatures: dict[str, Any] | None = None


class RangeCleaner:
    """Reads a range of documents of a file and cleans them with ``clean``.

    ``read(item)`` yields the file's documents from the first, appending what it has to say
    to ``messages``; ``clean(document)`` returns what the pipeline makes of one, appending to
    the same list. The reader of the last file is kept open, so that consecutive ranges of
    one file cost one reading of it, not one per range."""

    def __init__(self, read: Callable[[InputFile], Iterator[Document]],
                 clean: Callable[[Document], list[Document]], messages: list[str],
                 skipped_records: Callable[[InputFile], dict[str, int]]) -> None:
        self.read = read
        self.clean = clean
        self.messages = messages
        self.skipped_records = skipped_records
        self._open: tuple[str, Iterator[Document], int] | None = None

    def __call__(self, work: Range) -> CleanedRange:
        done = CleanedRange(work)
        documents, position = self._reader_at(work)
        stop = None if work.count is None else work.start + work.count
        while stop is None or position < stop:
            mark = len(self.messages)
            document = next(documents, None)
            if document is None:
                done.ended = True
                break
            position += 1
            if position <= work.start:  # another range's document
                del self.messages[mark:]
                continue
            done.read += 1
            done.sha256 = done.sha256 or document.provenance.sha256 or None
            done.text_bytes += sum(len(p.text.encode()) for p in document.paragraphs)
            done.outputs.extend(self.clean(document))
            done.messages.extend(self.messages[mark:])
            del self.messages[mark:]
        if done.ended:
            done.skipped_records = self.skipped_records(work.item)
            self._open = None
        else:
            self._open = (work.item.display, documents, position)
        return done

    def _reader_at(self, work: Range) -> tuple[Iterator[Document], int]:
        """The open reader of the file if it has not gone past the range, else a new one."""
        if self._open is not None:
            display, documents, position = self._open
            if display == work.item.display and position <= work.start:
                return documents, position
        self._open = None
        self.skipped_records(work.item)  # a reader left half-way counted some already
        return self.read(work.item), 0
