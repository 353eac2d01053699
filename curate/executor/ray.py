"""Ranges cleaned as Ray tasks, on a local Ray instance or a cluster (``curate run --engine
ray [--address auto]``).

Each Ray worker holds one `RangeCleaner` in an actor, built once from the run's pipeline and
rules (sent once through Ray's object store), and is given ranges: a file's name and document
numbers, never texts, so every node must see the input files at the same paths (a shared
file system). Up to two ranges an actor are in flight; they are taken back in the order they
were given out, and the run decides duplicates and writes the corpus as it does for a local
run: the output is byte for byte the same. A file held in memory (an archive's member,
standard input) is cleaned in the run's own process when its turn comes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from curate.executor.checkpoint import Checkpoint
from curate.executor.local import IN_FLIGHT_PER_WORKER, clean_in_order
from curate.executor.ranges import CleanedRange, Range, RangeCleaner, WorkerLost
from curate.io.readers import InputFile
from curate.pipeline import load_steps

INSTALL_HINT = "the Ray engine needs Ray: pip install 'curate[ray]'"


class RayUnavailable(ValueError):
    """Ray is not installed, or the cluster named cannot be reached."""


class _RangeCleanerActor:
    """A Ray worker's cleaner: built once, then given ranges one after the other."""

    def __init__(self, make_cleaner: Callable[[], RangeCleaner]) -> None:
        load_steps()  # a Ray worker is a fresh process: register the steps as the run did
        self.cleaner = make_cleaner()

    def clean(self, work: Range) -> CleanedRange:
        return self.cleaner(work)


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise RayUnavailable(INSTALL_HINT) from None
    return ray


class RayExecutor:
    """Ranges cleaned by ``workers`` Ray actors (default: one per CPU of the cluster) and
    taken back in input order.

    ``address`` is Ray's: None starts a Ray instance on this machine for the run, ``auto``
    joins the cluster started with ``ray start``. When Ray is already initialised in this
    process it is used as it is, and left running."""

    def __init__(self, make_cleaner: Callable[[], RangeCleaner], address: str | None = None,
                 workers: int | None = None, checkpoint: Checkpoint | None = None) -> None:
        ray = self.ray = _ray()
        self.checkpoint = checkpoint
        self.started = not ray.is_initialized()
        if self.started:
            try:
                ray.init(address=address, include_dashboard=False,
                         logging_level=logging.WARNING, log_to_driver=False)
            except ConnectionError as exc:
                raise RayUnavailable(f"cannot reach the Ray cluster at {address}: {exc}; "
                                     "start it with `ray start --head`") from None
        self.workers = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        self.local = make_cleaner()  # for files held in memory
        actor = ray.remote(num_cpus=1)(_RangeCleanerActor)
        shared = ray.put(make_cleaner)
        self.actors = [actor.remote(shared) for _ in range(self.workers)]

    def clean(self, files: Iterable[tuple[InputFile, int]]) -> Iterator[CleanedRange]:
        """The cleaned ranges of ``files`` (each with its size in bytes), in input order."""
        self.busy = [0] * len(self.actors)
        return clean_in_order(files, len(self.actors) * IN_FLIGHT_PER_WORKER, self._dispatch,
                              self._result, self.checkpoint)

    def _dispatch(self, work: Range) -> CleanedRange | tuple[int, Any]:
        if work.item.data is not None:
            return self.local(work)
        chosen = self.busy.index(min(self.busy))  # the actor with the fewest ranges given
        self.busy[chosen] += 1
        return chosen, self.actors[chosen].clean.remote(_absolute(work))

    def _result(self, work: Range, pending: tuple[int, Any]) -> CleanedRange:
        actor, reference = pending
        self.busy[actor] -= 1
        try:
            return replace(self.ray.get(reference), range=work)
        except self.ray.exceptions.RayActorError:
            raise WorkerLost(
                f"{work.item.display}: a Ray worker died (killed, out of memory or its node "
                f"lost) before {work.described()} came back cleaned; nothing was written: "
                "run again, and the ranges already cleaned are taken from the checkpoint"
            ) from None

    def close(self) -> None:
        """Stops the actors, and Ray itself when this executor started it."""
        for actor in self.actors:
            self.ray.kill(actor)
        if self.started:
            self.ray.shutdown()


def _absolute(work: Range) -> Range:
    """The range with its file's path made absolute: Ray workers do not start in the run's
    folder. Its display name, which provenance records, stays as the user gave it."""
    return replace(work, item=replace(work.item, path=work.item.path.absolute()))
