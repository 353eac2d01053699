"""How the cleaning of input files is run: in this process, or in a pool of local worker
processes (``curate run --workers N``). The steps never know which.

Work is handed out as ranges of one input file: the file's name and the numbers of the
documents its reader yields that the range covers (`Range`), never the texts. Each range comes
back as a `CleanedRange`: the documents the pipeline made of it, what the reader and the
steps said about it, and its counts, in the order the reader yielded them. Ranges are taken
back in input order, so what is decided and written afterwards (duplicates, the corpus
files) sees the same sequence as a run in one process, and writes the same bytes.
"""

from curate.executor.local import InProcessExecutor, ProcessPoolExecutor, WorkerLost, executor_for
from curate.executor.ranges import CleanedRange, Range, RangeCleaner

__all__ = ["CleanedRange", "InProcessExecutor", "ProcessPoolExecutor", "Range", "RangeCleaner",
           "WorkerLost", "executor_for"]
