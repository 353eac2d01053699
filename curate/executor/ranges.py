"""Ranges of an input file's documents, and what cleaning one of them gives back."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from curate.dedup.minhash import MinHasher
from curate.dedup.stage import SignedOutputs, Signing, sign_outputs
from curate.document import Document
from curate.io.readers import InputFile, SpanReading
from curate.io.spans import Span

# Documents of a large file cleaned as one range: enough to keep workers busy between
# hand-overs, few enough that a range's documents and edits stay a few MB.
RANGE_DOCUMENTS = 200
# A file smaller than this is one range, read and cleaned whole by one worker.
WHOLE_FILE_BYTES = 1 << 20
# Bytes of a JSONL dump read as one range (`curate.io.spans`), up to the end of a line: ~200
# articles of ~2,000 characters.
RANGE_BYTES = 1 << 20


class WorkerLost(RuntimeError):
    """A worker process died (killed, out of memory) before sending back its range."""


@dataclass(frozen=True)
class Range:
    """Documents ``start`` to ``start + count`` (all of them when ``count`` is None) of the
    documents the reader yields from ``item``; with a ``span`` (a JSONL dump read from a
    line on), lines ``start + 1`` to ``start + count``, the bytes of the span."""

    item: InputFile
    start: int = 0
    count: int | None = None
    span: Span | None = None

    def described(self) -> str:
        """``the file``, ``documents 201-400 of the file`` or ``lines 1-180 of the file``,
        for messages."""
        if self.count is None:
            return "the file"
        what = "documents" if self.span is None else "lines"
        return f"{what} {self.start + 1}-{self.start + self.count} of the file"


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
    # The MinHash signatures of the outputs kept so far and of their passages, when the
    # worker signed them (`RangeCleaner.sign_with`); never committed to a checkpoint.
    signatures: SignedOutputs | None = None
    # Per output, its text's exact-duplicate fingerprint (None for a reject), when the
    # worker made them (`RangeCleaner` given ``fingerprint``); never committed either.
    fingerprints: list[str | None] | None = None
    # What the checkpoint commits of the range, encoded by the worker that cleaned it
    # (`curate.executor.checkpoint.encoded_record`); never committed itself.
    record: bytes | None = None
    # What the reader of a span saw that the file's other spans depend on.
    reading: SpanReading | None = None


@dataclass
class CountedRange:
    """The line counts of one `Range`'s documents (`curate.clean.repetition.count_lines`),
    for the counting pass that comes before the cleaning."""

    range: Range
    counts: Counter = field(default_factory=Counter)
    ended: bool = False  # the reader yielded its last document within the range
    reading: SpanReading | None = None  # as `CleanedRange.reading`


class RangeCleaner:
    """Reads a range of documents of a file and cleans them with ``clean``.

    ``read(item)`` yields the file's documents from the first, appending what it has to say
    to ``messages``; ``clean(document)`` returns what the pipeline makes of one, appending to
    the same list. The reader of the last file is kept open, so that consecutive ranges of
    one file cost one reading of it, not one per range. A range with a span is read on its
    own, from its first byte: ``read(item, span, reading)`` yields the span's documents.

    The counting pass (`count`) reads ranges with ``count_read`` (whose messages are not
    kept: the cleaning reads the same documents again and says it then) and counts their
    lines with ``count_lines``; `take_counts` gives the cleaning steps the counts of the
    whole run. After `sign_with`, the outputs of each range and their passages are signed
    (MinHash) where they were cleaned; given ``fingerprint``, their texts' exact-duplicate
    fingerprints are made there too."""

    def __init__(self, read: Callable[[InputFile], Iterator[Document]],
                 clean: Callable[[Document], list[Document]], messages: list[str],
                 skipped_records: Callable[[InputFile], dict[str, int]],
                 count_read: Callable[[InputFile], Iterator[Document]] | None = None,
                 count_lines: Callable[[Iterable[Document]], Counter] | None = None,
                 take_counts: Callable[[Counter], None] | None = None,
                 fingerprint: Callable[[str], str] | None = None) -> None:
        self.read = read
        self.clean = clean
        self.messages = messages
        self.skipped_records = skipped_records
        self.count_read = count_read or read
        self.count_lines = count_lines
        self.take_counts = take_counts
        self.fingerprint = fingerprint
        self.signing: tuple[MinHasher, int] | None = None
        self._open: tuple[str, Iterator[Document], int] | None = None
        self._counting: tuple[str, Iterator[Document], int] | None = None
        # The documents each file yields, once a reader of it got to its end: a range that
        # starts past them is empty without reading the file again to find so.
        self._lengths: dict[str, int] = {}

    def sign_with(self, signing: Signing) -> None:
        """Sign the documents of every range cleaned from now on, and their passages, as
        ``signing`` says."""
        self.signing = (signing.hasher(), signing.passage_min_chars)

    def count(self, work: Range) -> CountedRange:
        """The line counts of the range's documents."""
        assert self.count_lines is not None, "this cleaner was built without a line counter"
        counted = CountedRange(work)
        if work.span is not None:
            counted.reading = SpanReading()
            counted.counts = self.count_lines(
                self.count_read(work.item, work.span, counted.reading))
            counted.ended = work.span.last
            return counted
        if self._past_end(work):
            counted.ended = True
            return counted
        documents, position = _reader_at(self._counting, work, self.count_read)

        def in_range() -> Iterator[Document]:
            nonlocal position
            stop = None if work.count is None else work.start + work.count
            while stop is None or position < stop:
                document = next(documents, None)
                if document is None:
                    counted.ended = True
                    return
                position += 1
                if position > work.start:
                    yield document

        counted.counts = self.count_lines(in_range())
        self._counting = None if counted.ended else (work.item.display, documents, position)
        if counted.ended:
            self._lengths[work.item.display] = position
        return counted

    def _past_end(self, work: Range) -> bool:
        """Whether the range starts past the last document of its file (the ranges given out
        ahead of the reader that finds the end)."""
        length = self._lengths.get(work.item.display)
        return length is not None and work.start > length

    def __call__(self, work: Range) -> CleanedRange:
        done = self._cleaned(work)
        if self.signing is not None:
            done.signatures = sign_outputs(done.outputs, *self.signing)
        if self.fingerprint is not None:
            done.fingerprints = [None if output.rejected else self.fingerprint(output.text)
                                 for output in done.outputs]
        return done

    def _cleaned(self, work: Range) -> CleanedRange:
        done = CleanedRange(work)
        if work.span is not None:
            done.reading = SpanReading()
            documents = self.read(work.item, work.span, done.reading)
            while True:
                mark = len(self.messages)
                document = next(documents, None)
                if document is None:
                    break
                self._take(done, document, mark)
            done.ended = work.span.last
            if done.ended:
                done.skipped_records = self.skipped_records(work.item)
            return done
        if self._past_end(work):
            done.ended = True
            return done
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
            self._take(done, document, mark)
        if done.ended:
            done.skipped_records = self.skipped_records(work.item)
            self._open = None
            self._lengths[work.item.display] = position
        else:
            self._open = (work.item.display, documents, position)
        return done

    def _take(self, done: CleanedRange, document: Document, mark: int) -> None:
        """Clean ``document`` into ``done``, with what the reader and the steps said of it
        (the messages past ``mark``)."""
        done.read += 1
        done.sha256 = done.sha256 or document.provenance.sha256 or None
        done.text_bytes += sum(len(p.text.encode()) for p in document.paragraphs)
        done.outputs.extend(self.clean(document))
        done.messages.extend(self.messages[mark:])
        del self.messages[mark:]

    def _reader_at(self, work: Range) -> tuple[Iterator[Document], int]:
        """The open reader of the file if it has not gone past the range, else a new one."""
        if self._open is None or not _continues(self._open, work):
            self._open = None
            self.skipped_records(work.item)  # a reader left half-way counted some already
        return _reader_at(self._open, work, self.read)


def _continues(open_reader: tuple[str, Iterator[Document], int], work: Range) -> bool:
    display, _, position = open_reader
    return display == work.item.display and position <= work.start


def _reader_at(open_reader: tuple[str, Iterator[Document], int] | None, work: Range,
               read: Callable[[InputFile], Iterator[Document]]
               ) -> tuple[Iterator[Document], int]:
    """``open_reader`` (a file's name, its documents, how many were taken) when it is at or
    before the range's start in the range's file, else ``read`` of the file from its first."""
    if open_reader is not None and _continues(open_reader, work):
        return open_reader[1], open_reader[2]
    return read(work.item), 0
