"""Executors on this machine: every range in this process, or in a pool of worker processes.

The pool's workers are forked when the run opens it, before the counting pass and before any
step has compiled its rules (each worker compiles them on first use, at the same time as the
others); each is given ranges (a file's name and document numbers) and sends back their line
counts, then the cleaned documents, signed (MinHash) when the run removes near-duplicates,
with what the checkpoint commits of them already encoded (the run only writes it). A
range the counting pass gave a worker is cleaned by the same worker, which still holds what
it extracted of the range's pages (`curate.io.html.extract_article_once`). Ranges are taken
back in the order they were given out, with enough in flight (`in_flight`) that the workers
go on cleaning while the run decides and writes a batch. A file held in memory (an archive's
member, standard input) is counted and cleaned in the run's own process when its turn comes,
so that no text is sent to a worker.
"""

from __future__ import annotations

import copy
import ctypes
import multiprocessing
import os
import queue
import signal
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any

from curate.dedup.stage import SignedBatches, Signing
from curate.executor import ranges
from curate.executor.checkpoint import Checkpoint, encoded_record
from curate.executor.ranges import CleanedRange, CountedRange, Range, RangeCleaner, WorkerLost
from curate.io.readers import FileReading, InputFile, seekable_jsonl
from curate.io.spans import record_spans

# prctl(2) option: the signal a process receives when its parent dies.
PR_SET_PDEATHSIG = 1
# Ranges in flight per worker at least: one being cleaned, one waiting, so no worker idles
# between two.
IN_FLIGHT_PER_WORKER = 2
# What a worker is asked: count a range's lines, take the run's counts, clean a range, and
# clean one encoding what the checkpoint commits of it.
_COUNT, _COUNTS, _CLEAN, _CLEAN_RECORDED = "count", "counts", "clean", "clean, recorded"


def default_workers() -> int:
    """Every core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def local_executor(workers: int, make_cleaner: Callable[[], RangeCleaner],
                   checkpoint: Checkpoint | None = None, sign: Signing | None = None,
                   in_flight: int = 0) -> InProcessExecutor | ProcessPoolExecutor:
    """The in-process executor for one worker, a pool of ``workers`` processes otherwise,
    whose workers sign what they clean as ``sign`` says when given, with
    at least ``in_flight`` ranges given out at a time; ranges ``checkpoint`` holds are taken
    from it, the others committed to it."""
    if workers <= 1:
        return InProcessExecutor(make_cleaner(), checkpoint)
    return ProcessPoolExecutor(workers, make_cleaner, checkpoint, sign, in_flight)


def file_ranges(item: InputFile, size: int) -> Iterator[Range]:
    """A small file as one range; a large JSONL dump as spans of `RANGE_BYTES` bytes
    (`curate.io.spans`), each read from its own first byte; another large file (a gzipped
    dump) as ranges of `RANGE_DOCUMENTS` documents, without end: the caller stops taking
    them when a range comes back `CleanedRange.ended`."""
    if size < ranges.WHOLE_FILE_BYTES:
        yield Range(item)
        return
    if seekable_jsonl(item):
        for span in record_spans(item.path, size, ranges.RANGE_BYTES):
            yield Range(item, span.lines_before, span.lines, span)
        return
    start = 0
    while True:
        yield Range(item, start, ranges.RANGE_DOCUMENTS)
        start += ranges.RANGE_DOCUMENTS


def clean_in_order(files: Iterable[tuple[InputFile, int]], limit: int,
                   dispatch: Callable[[Range], Any],
                   collect: Callable[[Range, Any], Any] | None,
                   checkpoint: Checkpoint | None,
                   again: Callable[[Range], Any] | None = None) -> Iterator[Any]:
    """The cleaned (or counted) ranges of ``files`` (each with its size in bytes), in input
    order, with up to ``limit`` in flight: ``dispatch(range)`` cleans it at once (a
    `CleanedRange` or `CountedRange`) or hands it out (anything else, which ``collect(range,
    handle)`` turns into its `CleanedRange` or `CountedRange`); ``again(range)`` cleans a
    span again in this process (default: ``dispatch``, which then cleans at once). Ranges
    ``checkpoint`` holds are taken from it, the others committed to it."""
    window: deque[tuple[int, Range, Any, bool]] = deque()
    files = enumerate(files)
    number, file_work = -1, None
    ended: set[int] = set()  # files whose last range came back: later ranges are empty
    readings: dict[int, FileReading] = {}  # what the spans of each file read add up to
    while True:
        while len(window) < limit:
            if file_work is None:
                following = next(files, None)
                if following is None:
                    break
                number, file_work = following[0], file_ranges(*following[1])
            work = next(file_work, None)
            if work is None or number in ended:
                file_work = None
                continue
            resumed = checkpoint.load(work) if checkpoint else None
            window.append((number, work, resumed or dispatch(work), resumed is not None))
            if work.count is None:
                file_work = None
        if not window:
            return
        of_file, work, pending, resumed = window.popleft()
        # collected even past the end of its file: a worker lost there fails the run too
        done = _taken(pending, work, collect)
        if work.span is not None:
            reading = readings.setdefault(of_file, FileReading(work.item.display))
            readings[of_file], done = _followed(reading, work, done, again or dispatch)
        if checkpoint and not resumed:
            checkpoint.save(done)
        if of_file in ended:
            continue  # past the end of its file
        if done.ended:
            ended.add(of_file)
        yield done


def _taken(pending: Any, work: Range, collect: Callable[[Range, Any], Any] | None) -> Any:
    """The `CleanedRange` or `CountedRange` of ``work``, cleaned at once or handed out."""
    if isinstance(pending, (CleanedRange, CountedRange)):
        return pending
    assert collect is not None, "a range was handed out with no way to take it back"
    return collect(work, pending)


def _followed(reading: FileReading, work: Range, done: Any,
              again: Callable[[Range], Any]) -> tuple[FileReading, Any]:
    """The file's reading past the span ``work`` and what the span gives: ``done`` when the
    spans before change nothing its reader read alone (no reject of the span a repeat of
    theirs, no repeats to summarise at the file's end), else the span read again by
    ``again`` in this process, knowing them (rare: a file with more than
    `MAX_REPEATED_REJECTS` rejects of one problem)."""
    assert work.span is not None and done.reading is not None
    before = copy.deepcopy(reading)
    if reading.follow(done.reading, work.span.last) or work.span.before is not None:
        return reading, done
    knowing = replace(work, span=replace(work.span, before=before.state()))
    done = again(knowing)
    done.range = work
    before.follow(done.reading, work.span.last)
    return before, done


def count_in_order(ranges_counted: Iterable[CountedRange]) -> Counter:
    """The line counts of every range, summed."""
    total: Counter = Counter()
    for counted in ranges_counted:
        total.update(counted.counts)
    return total


class InProcessExecutor:
    """Every range cleaned in this process, one after the other."""

    bands = None  # near-duplicate candidates are found by the run, as it decides them

    def __init__(self, cleaner: RangeCleaner, checkpoint: Checkpoint | None = None) -> None:
        self.cleaner = cleaner
        self.checkpoint = checkpoint

    def count(self, files: Iterable[tuple[InputFile, int]]) -> Counter:
        """The line counts of the documents of ``files`` (each with its size in bytes)."""
        return count_in_order(clean_in_order(files, 1, self.cleaner.count, None, None))

    def share_counts(self, counts: Counter) -> None:
        """Nothing to send: the steps of this process read the run's counts already."""

    def clean(self, files: Iterable[tuple[InputFile, int]]) -> Iterator[CleanedRange]:
        """The cleaned ranges of ``files`` (each with its size in bytes), in input order."""
        return clean_in_order(files, 1, self.cleaner, None, self.checkpoint)

    def close(self) -> None:
        """Nothing to release: kept for the same shape as the pool."""


def _die_with_parent(parent: int) -> None:
    """A worker outliving a killed run would hold the corpus lock it inherited, and the run
    started again could not take it: on Linux the kernel kills the worker with its parent."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: workers end when their pipe closes
        return
    if os.getppid() != parent:  # the parent died before the call
        os._exit(1)


class _Failed:
    """What a worker sends back instead of a range when cleaning it raised ``error``."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def _serve(connection: Connection, inherited: list[Connection], parent: int,
           make_cleaner: Callable[[], RangeCleaner], sign: Signing | None) -> None:
    """A worker's life: ranges counted and cleaned as the run asks, until it closes the pipe."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the run stops its workers itself
    for other in inherited:  # the run's ends of the pipes of workers forked before
        other.close()
    cleaner = make_cleaner()
    if sign is not None:
        cleaner.sign_with(sign)
    while True:
        try:
            message = connection.recv()
        except EOFError:
            return
        if message is None:  # the run is done with this worker
            return
        kind, payload = message
        if kind == _COUNTS:
            assert cleaner.take_counts is not None, "counts sent to a cleaner that uses none"
            cleaner.take_counts(payload)
            continue
        try:
            reply: Any = cleaner.count(payload) if kind == _COUNT else cleaner(payload)
            if kind == _CLEAN_RECORDED:
                reply.record = encoded_record(reply)
        except Exception as exc:  # noqa: BLE001 - raised again in the run, which stops
            reply = _Failed(exc)
        try:
            connection.send(reply)
        except OSError:  # the run closed the pipe: it has stopped
            return
        except Exception as exc:  # noqa: BLE001 - what cannot be pickled is not sent
            connection.send(_Failed(RuntimeError(f"{payload.described()} of "
                                                 f"{payload.item.display} could not be sent "
                                                 f"back from the worker: {exc}")))


class _Worker:
    """One forked worker: its pipe, the ranges given to it and not yet taken back, and the
    thread that receives what it sends as soon as it sends it (so it never waits for the run
    to read)."""

    def __init__(self, context: Any, make_cleaner: Callable[[], RangeCleaner],
                 sign: Signing | None, earlier: list[_Worker]) -> None:
        self.connection, theirs = context.Pipe()
        self.process = context.Process(
            target=_serve, daemon=True,
            args=(theirs, [worker.connection for worker in earlier], os.getpid(),
                  make_cleaner, sign))
        self.process.start()
        theirs.close()
        self.asked: deque[str] = deque()  # what each range not taken back was given for
        self.replies: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.receiver: threading.Thread | None = None

    def listen(self) -> None:
        """Start receiving (once every worker is forked: a fork copies no thread)."""
        self.receiver = threading.Thread(target=self._receive, daemon=True)
        self.receiver.start()

    def _receive(self) -> None:
        while True:
            try:
                self.replies.put(self.connection.recv())
            except (EOFError, OSError):
                self.replies.put(None)  # the worker died, or the pool is closing
                return

    @property
    def pending(self) -> int:
        """Ranges given to the worker and not taken back."""
        return len(self.asked)

    def give(self, kind: str, work: Range) -> _Worker:
        self.connection.send((kind, work))
        self.asked.append(kind)
        return self

    def take(self, work: Range) -> Any:
        """What the worker made of ``work``, the earliest range given to it not taken back."""
        reply = self.replies.get()
        kind = self.asked.popleft()
        if reply is None:
            done = "counted" if kind == _COUNT else "cleaned"
            raise WorkerLost(
                f"{work.item.display}: a worker process died (killed or out of memory) before "
                f"{work.described()} came back {done}; nothing was written: run again, or with "
                "--workers 1 to clean in one process")
        if isinstance(reply, _Failed):
            raise reply.error
        return reply


class ProcessPoolExecutor:
    """Ranges counted and cleaned by ``workers`` forked processes and taken back in input
    order; with ``sign`` (the parameters of the near-duplicate index), the workers sign the
    documents they clean, and `bands` finds each batch's candidates from those signatures."""

    def __init__(self, workers: int, make_cleaner: Callable[[], RangeCleaner],
                 checkpoint: Checkpoint | None = None, sign: Signing | None = None,
                 in_flight: int = 0) -> None:
        self.checkpoint = checkpoint
        self.local = make_cleaner()  # for files held in memory
        self.bands = SignedBatches(sign.params) if sign is not None else None
        self.limit = max(in_flight, workers * IN_FLIGHT_PER_WORKER)
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.workers: list[_Worker] = []
        try:
            for _ in range(workers):
                self.workers.append(_Worker(context, make_cleaner, sign, self.workers))
        except BaseException:
            self.close()
            raise
        for worker in self.workers:
            worker.listen()
        # Which worker counted a range (by file and first document): it cleans it too.
        self.counted_by: dict[tuple[str, int], _Worker] = {}

    def count(self, files: Iterable[tuple[InputFile, int]]) -> Counter:
        """The line counts of the documents of ``files`` (each with its size in bytes),
        counted by the workers range by range."""
        return count_in_order(clean_in_order(files, self.limit, self._dispatch_count,
                                             self._result, None, self.local.count))

    def share_counts(self, counts: Counter) -> None:
        """Give every worker the counts the cleaning steps judge lines by."""
        for worker in self.workers:
            worker.connection.send((_COUNTS, counts))

    def clean(self, files: Iterable[tuple[InputFile, int]]) -> Iterator[CleanedRange]:
        """The cleaned ranges of ``files`` (each with its size in bytes), in input order;
        their signatures go to `bands`."""
        for done in clean_in_order(files, self.limit, self._dispatch, self._result,
                                   self.checkpoint, self.local):
            if self.bands is not None and done.signatures is not None:
                self.bands.take(done.signatures)
            done.signatures = None
            yield done

    def _dispatch_count(self, work: Range) -> CountedRange | _Worker:
        if work.item.data is not None:
            return self.local.count(work)
        worker = self._least_busy()
        self.counted_by[(work.item.display, work.start)] = worker
        return worker.give(_COUNT, work)

    def _dispatch(self, work: Range) -> CleanedRange | _Worker:
        if work.item.data is not None:
            return self.local(work)
        worker = self.counted_by.pop((work.item.display, work.start), None)
        return (worker or self._least_busy()).give(
            _CLEAN if self.checkpoint is None else _CLEAN_RECORDED, work)

    def _least_busy(self) -> _Worker:
        return min(self.workers, key=lambda worker: worker.pending)

    @staticmethod
    def _result(work: Range, worker: _Worker) -> Any:
        return worker.take(work)

    def close(self) -> None:
        """Stops the workers: an idle one ends when its pipe closes, one still cleaning a
        range (the run failed) is killed."""
        for worker in self.workers:
            if worker.pending:
                worker.process.kill()
            else:
                try:
                    worker.connection.send(None)  # a receiving thread keeps the pipe open
                except OSError:  # it died already
                    worker.process.kill()
        for worker in self.workers:
            worker.process.join()
            worker.connection.close()
