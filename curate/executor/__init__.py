"""How the cleaning of input files is run: in this process, in a pool of local worker
processes (``curate run --workers N``), or on Ray (``curate run --engine ray``). The steps
never know which.

Work is handed out as ranges of one input file: the file's name and the numbers of the
documents its reader yields that the range covers (`Range`), never the texts. Each range comes
back as a `CleanedRange`: the documents the pipeline made of it, what the reader and the
steps said about it, and its counts, in the order the reader yielded them. Ranges are taken
back in input order, so what is decided and written afterwards (duplicates, the corpus
files) sees the same sequence as a run in one process, and writes the same bytes. Each range
taken back is committed to a `Checkpoint`, so a killed run started again cleans only the
ranges it had not finished.
"""

from __future__ import annotations

from collections.abc import Callable

from curate.dedup.stage import Signing
from curate.executor.checkpoint import Checkpoint
from curate.executor.local import (
    InProcessExecutor,
    ProcessPoolExecutor,
    WorkerLost,
    default_workers,
    local_executor,
)
from curate.executor.ranges import CleanedRange, CountedRange, Range, RangeCleaner
from curate.executor.ray import RayExecutor, RayUnavailable

ENGINES = ("local", "ray")


def executor_for(workers: int | None, make_cleaner: Callable[[], RangeCleaner],
                 checkpoint: Checkpoint | None = None, engine: str = "local",
                 address: str | None = None, sign: Signing | None = None,
                 in_flight: int = 0) -> InProcessExecutor | ProcessPoolExecutor | RayExecutor:
    """The executor of ``engine``: locally ``workers`` processes (default: every core), on
    Ray ``workers`` actors (default: one per CPU of the cluster at ``address``). Given how to
    sign for the near-duplicate index (``sign``), workers sign the documents they clean and
    their passages, and the executor's ``bands`` finds each batch's candidates from them.
    A local pool keeps at least ``in_flight`` ranges given out."""
    if engine == "ray":
        return RayExecutor(make_cleaner, address, workers, checkpoint, sign)
    return local_executor(workers or default_workers(), make_cleaner, checkpoint, sign,
                          in_flight)


__all__ = ["ENGINES", "Checkpoint", "CleanedRange", "CountedRange", "InProcessExecutor",
           "ProcessPoolExecutor",
           "Range", "RangeCleaner", "RayExecutor", "RayUnavailable", "WorkerLost",
           "executor_for"]
