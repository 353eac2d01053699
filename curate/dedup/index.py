"""A persistent LSH index of MinHash signatures that lives in a folder, with no server.

>>> import tempfile
>>> from curate.dedup.minhash import MinHasher, shingles
>>> hasher = MinHasher()
>>> story = ("央视网消息（新闻联播）：长江是中华民族的母亲河，也是中华民族发展的重要支撑。"
...          "十年来，沿江省市把修复长江生态环境摆在压倒性位置，共抓大保护、不搞大开发。")
>>> copy = hasher.signature(shingles(story.replace("十年来，", "")))
>>> with tempfile.TemporaryDirectory() as folder, DedupIndex.open(folder) as index:
...     index.add("xwlb-20220924-00", hasher.signature(shingles(story)))
...     index.query(copy)
...     index.similar_many(copy[None, :])
True
['xwlb-20220924-00']
[[('xwlb-20220924-00', 0.890625)]]

A signature is cut into ``bands`` bands of ``rows`` values; each band is hashed to a 64-bit
bucket key, and two documents are candidates when they share a bucket in any band. The
signatures are stored too, so candidates can be verified (``similar_many``,
``add_unique_many``) against documents of earlier runs whose text is gone.

Storage: NumPy segment files, chosen over SQLite by measurement (``bench/dedup_bench.py``:
synthetic signatures, 14 bands, batches of 1,000 documents queried then added, a commit
every 10,000, one process on this 2-core machine):

=============================  ===========  ===========  ===========  ===================
query+insert per second        10,000 docs  100,000      1,000,000    peak RSS, disk at 1M
=============================  ===========  ===========  ===========  ===================
NumPy segments (this module)   126,000      88,000       51,000       362 MB, 679 MB
SQLite, WAL, WITHOUT ROWID     35,000       17,000       9,400        320 MB, 833 MB
=============================  ===========  ===========  ===========  ===================

SQLite (a WITHOUT ROWID table keyed by (bucket, document), 256 MB page cache, the ids and
signatures in a second table) slows as its B-tree outgrows the cache, since every insert
lands on a random page; sorted segments are searched with one vectorised ``np.searchsorted``
per segment for a whole batch, and written sequentially. (The peak RSS was measured when a
merge held its inputs and output in memory; merges now stream through the files.)

Layout of the folder:

- ``meta.json``: the parameters (``IndexParams``), written once; opening the folder with
  other parameters raises ``IndexParameterError``.
- ``manifest.json``: what is committed: the number of documents, the length of the id file
  and the segment files. It is replaced atomically (temporary file, fsync, rename, fsync of
  the folder), so replacing it is the commit.
- ``signatures.u32``, ``ids.utf8``, ``id_ends.i64``: one signature, id and end offset per
  document in key order, written at the lengths the index has reached; bytes past the
  committed lengths are ignored and overwritten.
- ``seg-NNNNNN.bin``: immutable sorted arrays, memory-mapped: bucket keys with the document
  keys in each bucket, and 64-bit hashes of the ids with their document keys. Additions go
  to segments in memory; ``commit`` writes them to one file, then merges committed segments
  on disk (a log-structured merge, streamed through the files a chunk at a time, so memory
  does not grow with their size) until each is more than ``MERGE_RATIO`` times the size of
  the next. An index of ``N`` documents committed ``c`` at a time has about
  ``log(N / c) / log(1 + MERGE_RATIO)`` segments, so a look-up does a binary search in a
  few arrays whatever the index's size. Files no manifest names (merged away, or written by
  a commit that never finished) are deleted on opening.
- ``lock``: held (``flock``) while the index is open, so two writers cannot interleave.

Numbers in the binary files are little-endian.

A crash before ``commit`` returns loses the additions since the last commit and nothing else.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any

import numpy as np

from curate.dedup.minhash import (
    PERMUTATION_SCHEME,
    SHINGLE_HASH,
    SHINGLE_SIZE,
    estimated_jaccard,
    lsh_params,
)
from curate.sorted_unique import sorted_unique

FORMAT = 1
# Names the band hash below; stored with the parameters so a change is detected.
BAND_HASH = "fnv1a64-words-fmix64/1"

META = "meta.json"
MANIFEST = "manifest.json"
SIGNATURES = "signatures.u32"
IDS = "ids.utf8"
ID_ENDS = "id_ends.i64"
LOCK = "lock"

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # spreads the band number over the starting state
_MAX_DOCUMENTS = 2**32 - 1  # document keys are uint32
# Candidates are verified against stored signatures, so a false positive costs one signature
# read while a false negative is a missed duplicate. At 0.8 and 128 permutations this gives
# 14 bands of 9 rows instead of datasketch's balanced 9 of 13: on 1,500 copies of real
# articles (bench/dedup_bench.py), 97% instead of 71% of those at true Jaccard 0.8-0.9 are
# candidates; verified, recall 0.954 instead of 0.878 at precision 0.964 instead of 0.970.
RECALL_WEIGHT = 0.9
# Committed segments are kept each more than MERGE_RATIO times the size of the one after it:
# a commit merges its new segment into the newest ones while that fails (a log-structured
# merge). An index of N documents committed c at a time then has about log(N / c) / log(1 +
# MERGE_RATIO) segments, 3 on average at a million in commits of 1,000 (1 for the binary
# counter, 5), and each document is rewritten about 13 times over the index's life.
MERGE_RATIO = 4
# Entries read from each input at a time by a merge of committed segments: a merge streams
# through files and holds ~3 such chunks (12 bytes an entry), whatever the segments' size.
MERGE_CHUNK = 2**19


class IndexParameterError(ValueError):
    """The index folder was built with other parameters than the ones it is opened with."""


class IndexLockedError(RuntimeError):
    """Another process has the index folder open."""


@dataclass(frozen=True)
class IndexParams:
    """What the signatures in an index were made with, and how they are banded.

    ``threshold`` is the estimated Jaccard at which ``similar_many`` and ``add_unique_many``
    call two documents near-duplicates. ``bands`` and ``rows`` default to
    ``lsh_params(threshold, num_perm)`` with a false negative weighing ``RECALL_WEIGHT``
    against a false positive's ``1 - RECALL_WEIGHT``.

    >>> IndexParams(threshold=0.8, num_perm=128)
    IndexParams(num_perm=128, seed=1, ngram=3, threshold=0.8, bands=14, rows=9, ...)
    """

    num_perm: int = 128
    seed: int = 1
    ngram: int = SHINGLE_SIZE
    threshold: float = 0.8
    bands: int = 0
    rows: int = 0
    shingle_hash: str = SHINGLE_HASH
    scheme: str = PERMUTATION_SCHEME
    band_hash: str = BAND_HASH

    def __post_init__(self) -> None:
        if not self.bands or not self.rows:
            bands, rows = lsh_params(self.threshold, self.num_perm, 1 - RECALL_WEIGHT,
                                     RECALL_WEIGHT)
            object.__setattr__(self, "bands", bands)
            object.__setattr__(self, "rows", rows)
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"{self.bands} bands of {self.rows} rows need more than "
                             f"{self.num_perm} permutations")


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """The (documents x bands) uint64 bucket keys of uint32 signatures.

    Each band's ``rows`` values are hashed with 64-bit FNV-1a over 32-bit words from a
    starting state that depends on the band, then mixed with MurmurHash3's finalizer.
    """
    values = signatures[:, : bands * rows].reshape(len(signatures), bands, rows)
    values = values.astype(np.uint64)
    h = np.repeat((_FNV_OFFSET ^ (np.arange(bands, dtype=np.uint64) * _GOLDEN))[None, :],
                  len(signatures), axis=0)
    for k in range(rows):
        h ^= values[:, :, k]
        h *= _FNV_PRIME
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def id_hashes(doc_ids: Sequence[str]) -> np.ndarray:
    """64-bit BLAKE2b hashes of document ids, for membership tests without loading the ids."""
    return np.array(
        [int.from_bytes(hashlib.blake2b(i.encode("utf-8"), digest_size=8).digest(), "little")
         for i in doc_ids],
        dtype=np.uint64,
    )


def _lookup(keys: np.ndarray, values: np.ndarray,
            sorted_needles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ``(i, values[j])`` with ``keys[j] == sorted_needles[i]``; both inputs sorted, so
    the binary searches walk the (memory-mapped) keys forward."""
    lo = np.searchsorted(keys, sorted_needles, "left")
    hit = lo < len(keys)
    hit[hit] = keys[lo[hit]] == sorted_needles[hit]
    if not hit.any():
        return np.empty(0, dtype=np.int64), values[:0]
    lo = lo[hit]
    counts = np.searchsorted(keys, sorted_needles[hit], "right") - lo
    offsets = np.repeat(lo - (np.cumsum(counts) - counts), counts) + np.arange(counts.sum())
    return np.repeat(np.flatnonzero(hit), counts), values[offsets]


def _merge_sorted(
    keys_a: np.ndarray, values_a: np.ndarray, keys_b: np.ndarray, values_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Merge two sorted key arrays and their values in linear time (B after A on ties)."""
    positions = np.searchsorted(keys_a, keys_b, "right") + np.arange(len(keys_b))
    from_b = np.zeros(len(keys_a) + len(keys_b), dtype=bool)
    from_b[positions] = True
    keys = np.empty(len(from_b), dtype=keys_a.dtype)
    values = np.empty(len(from_b), dtype=values_a.dtype)
    keys[positions], values[positions] = keys_b, values_b
    keys[~from_b], values[~from_b] = keys_a, values_a
    return keys, values


@dataclass
class _Segment:
    """Sorted bucket keys with their document keys, and sorted id hashes with theirs."""

    buckets: np.ndarray  # uint64, sorted
    members: np.ndarray  # uint32 document keys, aligned with buckets
    id_hashes: np.ndarray  # uint64, sorted
    id_keys: np.ndarray  # uint32 document keys, aligned with id_hashes
    file: str | None = None  # None while only in memory

    @property
    def documents(self) -> int:
        return len(self.id_keys)

    @classmethod
    def build(cls, first_key: int, bucket_keys: np.ndarray, hashes: np.ndarray) -> _Segment:
        keys = np.arange(first_key, first_key + len(hashes), dtype=np.uint32)
        flat = bucket_keys.ravel()
        order = np.argsort(flat, kind="stable")
        by_id = np.argsort(hashes, kind="stable")
        members = np.repeat(keys, bucket_keys.shape[1])[order]
        return cls(flat[order], members, hashes[by_id], keys[by_id])

    def merged(self, newer: _Segment) -> _Segment:
        buckets, members = _merge_sorted(self.buckets, self.members, newer.buckets, newer.members)
        hashes, keys = _merge_sorted(self.id_hashes, self.id_keys, newer.id_hashes, newer.id_keys)
        return _Segment(buckets, members, hashes, keys)

    def write(self, stream: IO[bytes]) -> None:
        for array in (self.buckets, self.id_hashes, self.members, self.id_keys):
            np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tofile(stream)

    @classmethod
    def load(cls, path: Path, entries: int, documents: int) -> _Segment:
        # Memory-mapped: the pages a query touches are read, and shared with the page cache.
        sizes = [("<u8", entries), ("<u8", documents), ("<u4", entries), ("<u4", documents)]
        expected = sum(np.dtype(t).itemsize * n for t, n in sizes)
        if path.stat().st_size != expected:
            raise OSError(f"{path}: {path.stat().st_size} bytes, the manifest says {expected}; "
                          "the index is damaged, rebuild it")
        # Plain arrays over the mapping: a np.memmap makes a memmap of every slice and
        # fancy index, which cost a tenth of a run into a corpus of a million documents.
        arrays, offset = [], 0
        for dtype, count in sizes:
            arrays.append(np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=(count,))
                          .view(np.ndarray) if count else np.empty(0, dtype=dtype))
            offset += np.dtype(dtype).itemsize * count
        buckets, hashes, members, keys = arrays
        return cls(buckets, members, hashes, keys, file=path.name)


def _merge_newest(segments: list[_Segment]) -> None:
    """Merge the newest two segments in memory while the older is not larger: a binary
    counter, so the uncommitted additions of a run are a few segments however many adds."""
    while len(segments) >= 2 and segments[-2].documents <= segments[-1].documents:
        newer = segments.pop()
        segments.append(segments.pop().merged(newer))


def _next_merge(sizes: Sequence[int]) -> int | None:
    """The position of the older of the newest two adjacent segments to merge (the older not
    more than `MERGE_RATIO` times the newer), or None when every segment is larger than that.

    >>> _next_merge([800, 150, 30, 10])
    2
    >>> _next_merge([800, 150, 30]) is None
    True
    """
    for older in range(len(sizes) - 2, -1, -1):
        if sizes[older] <= MERGE_RATIO * sizes[older + 1]:
            return older
    return None


class _SegmentFile:
    """Reads the arrays of a committed segment by position with ``pread``: a merge touches no
    mapped page, so what it reads leaves memory when it is merged."""

    def __init__(self, path: Path, entries: int, documents: int) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self.entries, self.documents = entries, documents
        self._offsets = {"buckets": 0, "id_hashes": 8 * entries,
                         "members": 8 * (entries + documents),
                         "id_keys": 12 * entries + 8 * documents}

    def read(self, array: str, start: int, stop: int) -> np.ndarray:
        itemsize = 8 if array in ("buckets", "id_hashes") else 4
        size = (stop - start) * itemsize
        data = os.pread(self._fd, size, self._offsets[array] + start * itemsize)
        if len(data) != size:
            raise OSError(f"segment file ended early: {len(data)} of {size} bytes read")
        return np.frombuffer(data, dtype=f"<u{itemsize}")

    def close(self) -> None:
        os.close(self._fd)


def _merge_streams(length_a: int, read_a: Callable[[int, int], tuple[np.ndarray, np.ndarray]],
                   length_b: int, read_b: Callable[[int, int], tuple[np.ndarray, np.ndarray]],
                   emit: Callable[[np.ndarray, np.ndarray], None]) -> None:
    """Merge two sorted (keys, values) sequences read a chunk at a time, emitting the output
    in order (A before B on equal keys) in pieces of at most 2 * `MERGE_CHUNK` entries.

    Each round reads a chunk of each side and emits what is below the smaller of the two
    chunks' last keys, since every later key of either side is at least that large; a chunk
    of one key throughout (a bucket larger than a chunk) is emitted as it is, A's first."""
    at_a = at_b = 0
    while at_a < length_a or at_b < length_b:
        keys_a, values_a = read_a(at_a, min(length_a, at_a + MERGE_CHUNK))
        keys_b, values_b = read_b(at_b, min(length_b, at_b + MERGE_CHUNK))
        ends_a, ends_b = at_a + len(keys_a) == length_a, at_b + len(keys_b) == length_b
        if ends_a and ends_b:
            emit(*_merge_sorted(keys_a, values_a, keys_b, values_b))
            return
        pivot = min(keys_a[-1] if not ends_a else keys_b[-1],
                    keys_b[-1] if not ends_b else keys_a[-1])
        below_a = int(np.searchsorted(keys_a, pivot, "left"))
        below_b = int(np.searchsorted(keys_b, pivot, "left"))
        if below_a or below_b:
            emit(*_merge_sorted(keys_a[:below_a], values_a[:below_a],
                                keys_b[:below_b], values_b[:below_b]))
        elif len(keys_a) and keys_a[0] == pivot:
            below_a = int(np.searchsorted(keys_a, pivot, "right"))
            emit(keys_a[:below_a], values_a[:below_a])
        else:
            below_b = int(np.searchsorted(keys_b, pivot, "right"))
            emit(keys_b[:below_b], values_b[:below_b])
        at_a, at_b = at_a + below_a, at_b + below_b


def _merge_files(older: _SegmentFile, newer: _SegmentFile, stream: IO[bytes]) -> None:
    """Write the segment merging two committed ones (``newer``'s entries after ``older``'s
    on equal keys), streaming through both files with bounded memory."""
    entries, documents = older.entries + newer.entries, older.documents + newer.documents
    fd = stream.fileno()
    os.ftruncate(fd, 12 * (entries + documents))
    _merge_arrays(fd, older, newer, ("buckets", "members"), older.entries, newer.entries,
                  (0, 8 * (entries + documents)))
    _merge_arrays(fd, older, newer, ("id_hashes", "id_keys"), older.documents,
                  newer.documents, (8 * entries, 12 * entries + 8 * documents))


def _merge_arrays(fd: int, older: _SegmentFile, newer: _SegmentFile, arrays: tuple[str, str],
                  length_older: int, length_newer: int, at: tuple[int, int]) -> None:
    """Merge one (keys, values) pair of arrays of two segments into ``fd`` at byte offsets
    ``at`` (of the keys, of the values)."""
    keys, values = arrays
    written = 0

    def emit(key_chunk: np.ndarray, value_chunk: np.ndarray) -> None:
        nonlocal written
        _pwrite_all(fd, key_chunk.astype("<u8").tobytes(), at[0] + 8 * written)
        _pwrite_all(fd, value_chunk.astype("<u4").tobytes(), at[1] + 4 * written)
        written += len(key_chunk)

    _merge_streams(length_older, lambda a, b: (older.read(keys, a, b), older.read(values, a, b)),
                   length_newer, lambda a, b: (newer.read(keys, a, b), newer.read(values, a, b)),
                   emit)


def _pwrite_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written


def _replace_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write to a temporary file beside ``path``, fsync, rename into place, fsync the folder."""
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "wb") as stream:
        write(stream)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _write_json(path: Path, record: dict[str, Any]) -> None:
    text = json.dumps(record, indent=1, sort_keys=True) + "\n"
    _replace_atomically(path, lambda stream: stream.write(text.encode("utf-8")))


class DedupIndex:
    """An on-disk MinHash LSH index: document ids and signatures, searched by band buckets.

    Open it with ``DedupIndex.open``; additions are visible to queries at once and durable
    after ``commit``. Used as a context manager it commits on a clean exit, and only closes
    when an exception leaves the block. One process at a time; not thread-safe.
    """

    def __init__(self, folder: Path, params: IndexParams, lock: IO[str]) -> None:
        self.folder = folder
        self.params = params
        self._lock = lock
        self._row_bytes = params.num_perm * 4
        manifest = self._read_manifest()
        self._committed = (manifest["documents"], manifest["id_bytes"])
        self._documents, self._id_bytes = self._committed
        self._next_segment: int = manifest["next_segment"]
        self._segments = [_Segment.load(folder / s["file"], s["entries"], s["documents"])
                          for s in manifest["segments"]]
        self._pending: list[_Segment] = []
        self._check_lengths()
        # Positional writes at the lengths reached: bytes past the committed ones are never read.
        self._files = {name: os.open(folder / name, os.O_RDWR | os.O_CREAT, 0o644)
                       for name in (SIGNATURES, IDS, ID_ENDS)}
        self._remove_orphans({s.file for s in self._segments})

    @classmethod
    def open(cls, folder: str | os.PathLike[str], params: IndexParams | None = None,
             create: bool = True) -> DedupIndex:
        """Open the index in ``folder``, creating it when ``create`` and it does not exist.

        Raises ``IndexParameterError`` when the folder holds an index built with other
        parameters, ``FileNotFoundError`` when it holds none and ``create`` is false, and
        ``IndexLockedError`` when another process has it open.
        """
        folder = Path(folder)
        params = params or IndexParams()
        meta_path = folder / META
        if not meta_path.exists():
            if not create:
                raise FileNotFoundError(f"{folder}: no dedup index here ({META} is missing); "
                                        "open it with create=True to make one")
            folder.mkdir(parents=True, exist_ok=True)
        lock = open(folder / LOCK, "a")  # held open: the flock lasts as long as the handle
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if meta_path.exists():
                _check_params(folder, json.loads(meta_path.read_text(encoding="utf-8")), params)
            else:
                _write_json(meta_path, {"format": FORMAT, **asdict(params)})
            return cls(folder, params, lock)
        except BlockingIOError:
            lock.close()
            raise IndexLockedError(f"{folder}: the dedup index is open in another process; "
                                   "close it there first") from None
        except BaseException:
            lock.close()
            raise

    def __enter__(self) -> DedupIndex:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is None:
            self.commit()
        self.close()

    def __len__(self) -> int:
        return self._documents

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self._keys_of([doc_id])[0] is not None

    def contains_many(self, doc_ids: Sequence[str]) -> list[bool]:
        """Per id, whether it is indexed (one look-up for all of them)."""
        return [key is not None for key in self._keys_of(doc_ids)]

    def query(self, signature: np.ndarray) -> list[str]:
        """Ids of the documents sharing at least one band bucket with ``signature``."""
        return self.query_many(signature[np.newaxis, :])[0]

    def query_many(self, signatures: np.ndarray) -> list[list[str]]:
        """For each row of ``signatures``, the ids of its candidates, in the order added."""
        return [self._ids_of(keys) for keys in self._candidate_keys(signatures)]

    def similar_many(self, signatures: np.ndarray,
                     min_similarity: float | None = None) -> list[list[tuple[str, float]]]:
        """Per row, ``(id, estimated Jaccard)`` of the candidates whose stored signature
        reaches ``min_similarity`` (default: the index threshold), most similar first."""
        threshold = self.params.threshold if min_similarity is None else min_similarity
        found = []
        for signature, keys in zip(signatures, self._candidate_keys(signatures), strict=True):
            scored = [(estimated_jaccard(signature, self._signature(k)), k) for k in keys]
            scored = sorted((s for s in scored if s[0] >= threshold), key=lambda s: -s[0])
            ids = self._ids_of([k for _, k in scored])
            found.append([(i, s) for i, (s, _) in zip(ids, scored, strict=True)])
        return found

    def add(self, doc_id: str, signature: np.ndarray) -> bool:
        """Index one document; False (and nothing changes) when its id is already indexed."""
        return self.add_many([doc_id], signature[np.newaxis, :]) == 1

    def add_many(self, doc_ids: Sequence[str], signatures: np.ndarray) -> int:
        """Index the documents whose ids are not indexed yet; returns how many were added."""
        signatures = self._checked(signatures, len(doc_ids))
        hashes = id_hashes(doc_ids)
        fresh: dict[str, int] = {}
        for i, (doc_id, key) in enumerate(zip(doc_ids, self._keys_of(doc_ids, hashes),
                                              strict=True)):
            if key is None:
                fresh.setdefault(doc_id, i)
        if not fresh:
            return 0
        if self._documents + len(fresh) > _MAX_DOCUMENTS:
            raise OverflowError(f"{self.folder}: an index holds at most {_MAX_DOCUMENTS} documents")
        rows = signatures[list(fresh.values())]
        encoded = [doc_id.encode("utf-8") for doc_id in fresh]
        ends = self._id_bytes + np.cumsum([len(e) for e in encoded], dtype=np.int64)
        segment = _Segment.build(self._documents, band_keys(rows, self.params.bands,
                                                            self.params.rows),
                                 hashes[list(fresh.values())])
        self._write(SIGNATURES, self._documents * self._row_bytes, rows.astype("<u4").tobytes())
        self._write(IDS, self._id_bytes, b"".join(encoded))
        self._write(ID_ENDS, self._documents * 8, ends.astype("<i8").tobytes())
        self._pending.append(segment)
        _merge_newest(self._pending)
        self._documents += len(fresh)
        self._id_bytes = int(ends[-1])
        return len(fresh)

    def add_unique_many(self, doc_ids: Sequence[str], signatures: np.ndarray,
                        min_similarity: float | None = None) -> list[tuple[str, float] | None]:
        """Add each document unless it near-duplicates one indexed or earlier in the batch.

        Returns, per document, ``None`` when it is kept (added, or its id already indexed:
        re-running the same input keeps the same documents), else ``(id of the document it
        duplicates, estimated Jaccard)``.
        """
        signatures = self._checked(signatures, len(doc_ids))
        threshold = self.params.threshold if min_similarity is None else min_similarity
        indexed = self._keys_of(doc_ids)
        similar = self.similar_many(signatures, threshold)
        buckets = band_keys(signatures, self.params.bands, self.params.rows).tolist()
        kept_in_bucket: dict[int, list[int]] = {}
        results: list[tuple[str, float] | None] = []
        for i, doc_id in enumerate(doc_ids):
            match = None
            if indexed[i] is None:
                earlier = sorted({j for key in buckets[i] for j in kept_in_bucket.get(key, ())})
                scored = similar[i] + [(doc_ids[j], estimated_jaccard(signatures[i], signatures[j]))
                                       for j in earlier]
                match = max((s for s in scored if s[1] >= threshold and s[0] != doc_id),
                            key=lambda s: s[1], default=None)
            results.append(match)
            if match is None:
                for key in buckets[i]:
                    kept_in_bucket.setdefault(key, []).append(i)
        kept = [i for i, match in enumerate(results) if match is None]
        self.add_many([doc_ids[i] for i in kept], signatures[kept])
        return results

    def commit(self) -> None:
        """Make every addition durable; a crash before this returns loses only them."""
        if (self._documents, self._id_bytes) == self._committed:
            return
        for fd in self._files.values():
            os.fsync(fd)
        segments = list(self._segments)
        pending = self._pending
        while len(pending) >= 2:  # the run's additions become one file
            newer = pending.pop()
            pending.append(pending.pop().merged(newer))
        segments.append(self._written(pending[0]))
        self._compact(segments)
        _write_json(self.folder / MANIFEST, {
            "format": FORMAT,
            "documents": self._documents,
            "id_bytes": self._id_bytes,
            "next_segment": self._next_segment,
            "segments": [{"file": s.file, "entries": len(s.buckets), "documents": s.documents}
                         for s in segments],
        })
        self._segments, self._pending = segments, []
        self._committed = (self._documents, self._id_bytes)
        self._remove_orphans({s.file for s in segments})
        self.release_pages()

    def release_pages(self) -> None:
        """Map the committed segments afresh: the pages earlier queries touched leave this
        process's resident set (they stay in the page cache), so a long run's memory does not
        grow with the index it searches."""
        self._segments = [_Segment.load(self.folder / s.file, len(s.buckets), s.documents)
                          for s in self._segments]

    def close(self) -> None:
        """Release the folder; additions not committed are dropped, as in a crash."""
        for fd in self._files.values():
            os.close(fd)
        self._files = {}
        self._segments, self._pending = [], []
        self._lock.close()

    def _checked(self, signatures: np.ndarray, count: int) -> np.ndarray:
        signatures = np.asarray(signatures)
        if signatures.shape != (count, self.params.num_perm) or signatures.dtype != np.uint32:
            raise ValueError(f"expected {count} uint32 signatures of {self.params.num_perm} "
                             f"values, got a {signatures.dtype} array of shape {signatures.shape}")
        return signatures

    def _candidate_keys(self, signatures: np.ndarray) -> list[list[int]]:
        """Per row, the keys of the documents sharing a bucket with it, ascending."""
        signatures = self._checked(signatures, len(signatures))
        needles = band_keys(signatures, self.params.bands, self.params.rows).ravel()
        order = np.argsort(needles)
        found = [_lookup(s.buckets, s.members, needles[order])
                 for s in self._segments + self._pending]
        needle_of = np.concatenate([np.empty(0, np.int64)] + [order[f[0]] for f in found])
        members = np.concatenate([np.empty(0, np.uint32)] + [f[1] for f in found])
        rows = (needle_of // self.params.bands).astype(np.uint64)
        pairs = sorted_unique(rows << np.uint64(32) | members.astype(np.uint64))
        candidates: list[list[int]] = [[] for _ in range(len(signatures))]
        for row, key in zip((pairs >> np.uint64(32)).tolist(),
                            (pairs & np.uint64(0xFFFFFFFF)).tolist(), strict=True):
            candidates[row].append(key)
        return candidates

    def _keys_of(self, doc_ids: Sequence[str],
                 hashes: np.ndarray | None = None) -> list[int | None]:
        """The document key of each id (whose `id_hashes` are ``hashes`` when given), or None
        when it is not indexed."""
        hashes = id_hashes(doc_ids) if hashes is None else hashes
        order = np.argsort(hashes)
        keys: list[int | None] = [None] * len(doc_ids)
        for segment in self._segments + self._pending:
            found = _lookup(segment.id_hashes, segment.id_keys, hashes[order])
            for i, key in zip(order[found[0]].tolist(), found[1].tolist(), strict=True):
                # Equal 64-bit hashes of different ids are possible, if unlikely: compare.
                if keys[i] is None and self._ids_of([key])[0] == doc_ids[i]:
                    keys[i] = key
        return keys

    def _read(self, name: str, offset: int, size: int) -> bytes:
        return os.pread(self._files[name], size, offset)

    def _write(self, name: str, offset: int, data: bytes) -> None:
        _pwrite_all(self._files[name], data, offset)

    def _ids_of(self, keys: Sequence[int]) -> list[str]:
        ids = []
        for key in keys:
            if key == 0:
                start, end = 0, int(np.frombuffer(self._read(ID_ENDS, 0, 8), "<i8")[0])
            else:
                start, end = (int(v) for v in np.frombuffer(self._read(ID_ENDS, key * 8 - 8, 16),
                                                            "<i8"))
            ids.append(self._read(IDS, start, end - start).decode("utf-8"))
        return ids

    def _signature(self, key: int) -> np.ndarray:
        data = self._read(SIGNATURES, key * self._row_bytes, self._row_bytes)
        return np.frombuffer(data, dtype="<u4")

    def _written(self, segment: _Segment) -> _Segment:
        """Write a segment to a new file and return it memory-mapped from there."""
        return self._new_file(segment.write, len(segment.buckets), segment.documents)

    def _new_file(self, write: Callable[[IO[bytes]], None], entries: int,
                  documents: int) -> _Segment:
        name = f"seg-{self._next_segment:06d}.bin"
        self._next_segment += 1
        _replace_atomically(self.folder / name, write)
        return _Segment.load(self.folder / name, entries, documents)

    def _compact(self, segments: list[_Segment]) -> None:
        """Merge committed segments on disk until each is more than `MERGE_RATIO` times the
        next (`_next_merge`); the inputs stay until the manifest no longer names them."""
        while (older := _next_merge([s.documents for s in segments])) is not None:
            pair = [_SegmentFile(self.folder / s.file, len(s.buckets), s.documents)
                    for s in segments[older : older + 2]]
            try:
                merged = self._new_file(partial(_merge_files, *pair),
                                        pair[0].entries + pair[1].entries,
                                        pair[0].documents + pair[1].documents)
            finally:
                for file in pair:
                    file.close()
            segments[older : older + 2] = [merged]

    def _read_manifest(self) -> dict[str, Any]:
        path = self.folder / MANIFEST
        if not path.exists():
            return {"documents": 0, "id_bytes": 0, "next_segment": 1, "segments": []}
        return json.loads(path.read_text(encoding="utf-8"))

    def _check_lengths(self) -> None:
        """Refuse files shorter than the manifest says: they lost committed data."""
        documents, id_bytes = self._committed
        for name, size in ((SIGNATURES, documents * self._row_bytes), (IDS, id_bytes),
                           (ID_ENDS, documents * 8)):
            path = self.folder / name
            actual = path.stat().st_size if path.exists() else 0
            if actual < size:
                raise OSError(f"{path}: {actual} bytes, the manifest says {size}; "
                              "the index is damaged, rebuild it")

    def _remove_orphans(self, live: set[str | None]) -> None:
        """Delete segment files no manifest refers to: merged away, or left by a crash."""
        for path in [*self.folder.glob("seg-*.bin"), *self.folder.glob(".*.tmp")]:
            if path.name not in live:
                path.unlink()


def _check_params(folder: Path, stored: dict[str, Any], params: IndexParams) -> None:
    wanted = {"format": FORMAT, **asdict(params)}
    differing = [f"{name}={stored.get(name)!r} (asked for {value!r})"
                 for name, value in wanted.items() if stored.get(name) != value]
    if differing:
        raise IndexParameterError(
            f"{folder}: this dedup index was built with other parameters: "
            + ", ".join(differing)
            + "; open it with the parameters it was built with, or use a new folder")
