"""Executors on this machine: every range in this process, or in a pool of worker processes.

The pool's workers are forked from the run, so they start with its pipeline and rules
already loaded; each is given ranges (a file's name and document numbers) and sends back the
cleaned documents. Up to two ranges a worker are in flight; they are taken back in the order
they were given out. A file held in memory (an archive's member, standard input) is cleaned
in the run's own process when its turn comes, so that no text is sent to a worker; so is the
first range, before the workers are forked, so that they start with every step's rules
compiled.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from curate.executor import ranges
from curate.executor.checkpoint import Checkpoint
from curate.executor.ranges import CleanedRange, Range, RangeCleaner, WorkerLost
from curate.io.readers import InputFile

# prctl(2) option: the signal a process receives when its parent dies.
PR_SET_PDEATHSIG = 1
# Ranges in flight per worker: one being cleaned, one waiting, so no worker idles between two.
IN_FLIGHT_PER_WORKER = 2


def default_workers() -> int:
    """Every core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def local_executor(workers: int, make_cleaner: Callable[[], RangeCleaner],
                   checkpoint: Checkpoint | None = None
                   ) -> InProcessExecutor | ProcessPoolExecutor:
    """The in-process executor for one worker, a pool of ``workers`` processes otherwise;
    ranges ``checkpoint`` holds are taken from it, the others committed to it."""
    if workers <= 1:
        return InProcessExecutor(make_cleaner(), checkpoint)
    return ProcessPoolExecutor(workers, make_cleaner, checkpoint)


def file_ranges(item: InputFile, size: int) -> Iterator[Range]:
    """A small file as one range; a large one as ranges of `RANGE_DOCUMENTS` documents,
    without end: the caller stops taking them when a range comes back `CleanedRange.ended`."""
    if size < ranges.WHOLE_FILE_BYTES:
        yield Range(item)
        return
    start = 0
    while True:
        yield Range(item, start, ranges.RANGE_DOCUMENTS)
        start += ranges.RANGE_DOCUMENTS


def clean_in_order(files: Iterable[tuple[InputFile, int]], limit: int,
                   dispatch: Callable[[Range], Any],
                   collect: Callable[[Range, Any], CleanedRange] | None,
                   checkpoint: Checkpoint | None) -> Iterator[CleanedRange]:
    """The cleaned ranges of ``files`` (each with its size in bytes), in input order, with up
    to ``limit`` in flight: ``dispatch(range)`` cleans it at once (a `CleanedRange`) or hands
    it out (anything else, which ``collect(range, handle)`` turns into its `CleanedRange`).
    Ranges ``checkpoint`` holds are taken from it, the others committed to it."""
    window: deque[tuple[int, Range, Any, bool]] = deque()
    files = enumerate(files)
    number, file_work = -1, None
    ended: set[int] = set()  # files whose last range came back: later ranges are empty
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
        done = pending if isinstance(pending, CleanedRange) else collect(work, pending)
        if checkpoint and not resumed:
            checkpoint.save(done)
        if of_file in ended:
            continue  # past the end of its file
        if done.ended:
            ended.add(of_file)
        yield done


class InProcessExecutor:
    """Every range cleaned in this process, one after the other."""

    bands = None  # near-duplicate candidates are found by the run, as it decides them

    def __init__(self, cleaner: RangeCleaner, checkpoint: Checkpoint | None = None) -> None:
        self.cleaner = cleaner
        self.checkpoint = checkpoint

    def clean(self, files: Iterable[tuple[InputFile, int]]) -> Iterator[CleanedRange]:
        """The cleaned ranges of ``files`` (each with its size in bytes), in input order."""
        return clean_in_order(files, 1, self.cleaner, None, self.checkpoint)

    def close(self) -> None:
        """Nothing to release: kept for the same shape as the pool."""


_worker_cleaner: RangeCleaner | None = None


def _start_worker(parent: int, make_cleaner: Callable[[], RangeCleaner]) -> None:
    global _worker_cleaner
    _die_with_parent(parent)
    _worker_cleaner = make_cleaner()


def _die_with_parent(parent: int) -> None:
    """A worker outliving a killed run would hold the corpus lock it inherited, and the run
    started again could not take it: on Linux the kernel kills the worker with its parent."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: workers end when their queue closes
        return
    if os.getppid() != parent:  # the parent died before the call
        os._exit(1)


def _clean_in_worker(work: Range) -> CleanedRange:
    assert _worker_cleaner is not None, "the worker was started without its cleaner"
    return _worker_cleaner(work)


class ProcessPoolExecutor:
    """Ranges cleaned by ``workers`` forked processes and taken back in input order."""

    bands = None  # near-duplicate candidates are found by the run, as it decides them

    def __init__(self, workers: int, make_cleaner: Callable[[], RangeCleaner],
                 checkpoint: Checkpoint | None = None) -> None:
        self.workers = workers
        self.checkpoint = checkpoint
        self.local = make_cleaner()  # for files held in memory, and the first range
        # The first range is cleaned here before any worker is forked: the steps' compiled
        # rules and models, built on first use, are then inherited by every worker.
        self.warm = False
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.pool = concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start_worker,
            initargs=(os.getpid(), make_cleaner))

    def clean(self, files: Iterable[tuple[InputFile, int]]) -> Iterator[CleanedRange]:
        """The cleaned ranges of ``files`` (each with its size in bytes), in input order."""
        return clean_in_order(files, self.workers * IN_FLIGHT_PER_WORKER, self._dispatch,
                              self._result, self.checkpoint)

    def _dispatch(self, work: Range) -> CleanedRange | concurrent.futures.Future:
        if work.item.data is not None or not self.warm:
            self.warm = True
            return self.local(work)
        return self.pool.submit(_clean_in_worker, work)

    def _result(self, work: Range, pending: concurrent.futures.Future) -> CleanedRange:
        try:
            return pending.result()
        except concurrent.futures.process.BrokenProcessPool:
            raise WorkerLost(
                f"{work.item.display}: a worker process died (killed or out of memory) before "
                f"{work.described()} came back cleaned; nothing was written: run again, or with "
                "--workers 1 to clean in one process") from None

    def close(self) -> None:
        """Stops the workers; ranges still in flight are abandoned."""
        self.pool.shutdown(wait=True, cancel_futures=True)
