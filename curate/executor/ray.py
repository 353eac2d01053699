"""Ranges cleaned as Ray tasks, on a local Ray instance or a cluster (``curate run --engine
ray [--address auto]``), and the near-duplicate candidates of each batch found by the same
workers (`RayBandStages`).

Each Ray worker holds one `RangeCleaner` in an actor, built once from the run's pipeline and
rules (sent once through Ray's object store), and is given ranges: a file's name and document
numbers, never texts, so every node must see the input files at the same paths (a shared
file system). Up to two ranges an actor are in flight; they are taken back in the order they
were given out, and the run decides duplicates and writes the corpus as it does for a local
run: the output is byte for byte the same. A file held in memory (an archive's member,
standard input) is cleaned in the run's own process when its turn comes.

Near-duplicates, when the run removes them: each worker signs the documents of the ranges it
cleans (MinHash, `curate.executor.ranges.RangeCleaner.sign_with`, as local workers do); for
each batch the run cuts the signatures into band bucket keys and sends each worker the keys
of its partition (`curate.dedup.bands`) with the documents' numbers, each worker resolves
its buckets into clusters, and the clusters are merged pairwise on the workers. The run then
takes the decisions of a local run (true Jaccard, the keep order) looking only at each
document's cluster and the corpus's index.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

import numpy as np

from curate.dedup.bands import BandPartition, Clusters, merge_clusters, shard_entries
from curate.dedup.index import IndexParams
from curate.dedup.stage import SignedBatches, Signing
from curate.executor.checkpoint import Checkpoint
from curate.executor.local import IN_FLIGHT_PER_WORKER, clean_in_order, count_in_order
from curate.executor.ranges import CleanedRange, CountedRange, Range, RangeCleaner, WorkerLost
from curate.io.readers import InputFile
from curate.pipeline import load_steps

INSTALL_HINT = "the Ray engine needs Ray: pip install 'curate[ray]'"


class RayUnavailable(ValueError):
    """Ray is not installed, or the cluster named cannot be reached."""


class _RangeCleanerActor:
    """A Ray worker: its cleaner built once, then given ranges one after the other, whose
    documents it signs as ``sign`` says, when given; and the band buckets of a partition."""

    def __init__(self, make_cleaner: Callable[[], RangeCleaner],
                 sign: Signing | None) -> None:
        load_steps()  # a Ray worker is a fresh process: register the steps as the run did
        self.cleaner = make_cleaner()
        if sign is not None:
            self.cleaner.sign_with(sign)

    def clean(self, work: Range) -> CleanedRange:
        return self.cleaner(work)

    def count(self, work: Range) -> CountedRange:
        return self.cleaner.count(work)

    def take_counts(self, counts: Counter) -> None:
        assert self.cleaner.take_counts is not None, "counts sent to a cleaner that uses none"
        self.cleaner.take_counts(counts)

    def clusters(self, keys: np.ndarray, documents: np.ndarray) -> Clusters:
        """The clusters of one partition's band buckets."""
        return BandPartition([(keys, documents)]).clusters()

    def merged(self, first: Clusters, second: Clusters) -> Clusters:
        return merge_clusters([first, second])


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
                 workers: int | None = None, checkpoint: Checkpoint | None = None,
                 sign: Signing | None = None) -> None:
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
        self.actors = [actor.remote(shared, sign) for _ in range(self.workers)]
        self.bands = RayBandStages(ray, self.actors, sign.params) if sign is not None else None

    def count(self, files: Iterable[tuple[InputFile, int]]) -> Counter:
        """The line counts of the documents of ``files`` (each with its size in bytes),
        counted by the actors range by range."""
        self.busy = [0] * len(self.actors)
        return count_in_order(clean_in_order(files, len(self.actors) * IN_FLIGHT_PER_WORKER,
                                             self._dispatch_count, self._result, None,
                                             self.local.count))

    def share_counts(self, counts: Counter) -> None:
        """Give every actor the counts the cleaning steps judge lines by (before any range
        is cleaned: an actor runs what it is given in order)."""
        shared = self.ray.put(counts)
        self.ray.get([actor.take_counts.remote(shared) for actor in self.actors])

    def clean(self, files: Iterable[tuple[InputFile, int]]) -> Iterator[CleanedRange]:
        """The cleaned ranges of ``files`` (each with its size in bytes), in input order;
        their signatures go to `bands`."""
        self.busy = [0] * len(self.actors)
        for done in clean_in_order(files, len(self.actors) * IN_FLIGHT_PER_WORKER,
                                   self._dispatch, self._result, self.checkpoint,
                                   self.local):
            if self.bands is not None and done.signatures is not None:
                self.bands.take(done.signatures)
            done.signatures = None
            yield done

    def _dispatch(self, work: Range) -> CleanedRange | tuple[int, Any]:
        if work.item.data is not None:
            return self.local(work)
        chosen = self.busy.index(min(self.busy))  # the actor with the fewest ranges given
        self.busy[chosen] += 1
        return chosen, self.actors[chosen].clean.remote(_absolute(work))

    def _dispatch_count(self, work: Range) -> CountedRange | tuple[int, Any]:
        if work.item.data is not None:
            return self.local.count(work)
        chosen = self.busy.index(min(self.busy))
        self.busy[chosen] += 1
        return chosen, self.actors[chosen].count.remote(_absolute(work))

    def _result(self, work: Range, pending: tuple[int, Any]) -> CleanedRange | CountedRange:
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


class RayBandStages(SignedBatches):
    """A batch's near-duplicate candidates found on the Ray workers: one band partition a
    worker (`curate.dedup.bands`), the clusters merged pairwise on them in a tree."""

    def __init__(self, ray: Any, actors: list[Any], params: IndexParams) -> None:
        super().__init__(params)
        self.ray = ray
        self.actors = actors

    def clusters(self, signatures: np.ndarray) -> Clusters:
        """The clusters of the batch's band buckets, its documents named by position."""
        documents = np.arange(len(signatures), dtype=np.int64)
        parts = shard_entries(signatures, documents, self.params, len(self.actors))
        level = [actor.clusters.remote(keys, owners)
                 for actor, (keys, owners) in zip(self.actors, parts, strict=True)]
        while len(level) > 1:
            level = [self.actors[i // 2 % len(self.actors)].merged.remote(level[i], level[i + 1])
                     if i + 1 < len(level) else level[i] for i in range(0, len(level), 2)]
        return self.ray.get(level[0])


def _absolute(work: Range) -> Range:
    """The range with its file's path made absolute: Ray workers do not start in the run's
    folder. Its display name, which provenance records, stays as the user gave it."""
    return replace(work, item=replace(work.item, path=work.item.path.absolute()))
