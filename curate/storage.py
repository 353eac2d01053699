"""How a corpus folder stores its records, and the one way every command reads them.

A run adds shards and never rewrites those already written::

    documents/part-00000.jsonl.gz   kept documents
    rejects/rejects-00000.jsonl.gz  dropped documents and removed spans
    manifest.json                   every shard with its sha256, record count and run
    README.md                       dataset card: ``datasets.load_dataset("corpus")`` reads
                                    the documents, the rejects are their own configuration
    .lookup/documents/part-00000    per shard, the sorted 64-bit hashes of its ids and where
                                    each record is; per rejects shard, of (id, rule) of its
                                    dropped documents

A reject shard's name says it is one, so that a tool taking every ``*.jsonl.gz`` under a
folder whose name lacks "reject" for documents (the development set's ``score.py``) leaves
it out.

A shard is gzip members of at most `MEMBER_BYTES` of JSONL each, concatenated (any gzip
reader reads it whole); compressed at a fixed level with no time or name in the headers, so
the same records give the same bytes. A text is read by id by decompressing the one member
that holds it (`CorpusReader.text`): opening a corpus reads its manifest and nothing per
document. A shard ends at `[corpus] shard_records` records or `shard_bytes` bytes of JSONL.

The manifest is the commit: a shard it does not list is the leftover of a run that did not
finish, deleted by the next (`curate.corpus`). A folder of the single-file layout of earlier
versions (``documents.jsonl``, ``rejects.jsonl``) is read as it is and moved into shards by
the next run (`migrate_single_files`).

>>> import json, tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     writer = ShardWriter(Path(folder), DOCUMENTS, first=0, run=0)
...     _ = writer.write("0a1b", json.dumps({"id": "0a1b", "text": "长江是母亲河"}) + "\\n")
...     written = writer.finish()
...     written[0].publish()
...     reader = CorpusReader(Path(folder), {"shards": {"documents": [written[0].shard.to_json()]}})
...     reader.text("0a1b")
'长江是母亲河'
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from curate.faults import CorpusDamaged, corpus_record
from curate.io.writers import fsync_folder, temporary_beside, whole_record

DOCUMENTS = "documents"
REJECTS = "rejects"
KINDS = (DOCUMENTS, REJECTS)
MANIFEST = "manifest.json"
CARD = "README.md"
LOOKUP = ".lookup"
SHARD_SUFFIX = ".jsonl.gz"
# How the shards of each kind are named: documents/part-00000.jsonl.gz, rejects/rejects-00000...
SHARD_PREFIX = {DOCUMENTS: "part-", REJECTS: "rejects-"}
# The single-file layout of earlier versions, still read and migrated by the next run.
SINGLE_FILES = {DOCUMENTS: "documents.jsonl", REJECTS: "rejects.jsonl"}

# A shard closes at whichever comes first ([corpus] shard_records, shard_bytes).
SHARD_RECORDS = 100_000
SHARD_BYTES = 256 * 2**20
# Uncompressed JSONL per gzip member: reading one text by id decompresses one member
# (~1 ms at this size); the ratio lost at member edges is under 1% (deflate's window is 32 KB).
MEMBER_BYTES = 256 * 2**10
# Fixed, so that the same records compress to the same bytes on every run.
GZIP_LEVEL = 6
# A member's records are numbered in the low bits of a location, its offset in the high ones
# (in the lookup; while the run writes, the member's number in its shard).
_LINE_BITS = 20
_LINE_MASK = (1 << _LINE_BITS) - 1
# Members compressed and not yet written, at most: 2 MB of JSONL held for the thread.
_MEMBERS_IN_FLIGHT = 8

DATASET_CARD = """---
configs:
- config_name: default
  data_files: "documents/*.jsonl.gz"
- config_name: rejects
  data_files: "rejects/*.jsonl.gz"
---
# Corpus written by curate

`documents/` holds the kept documents, `rejects/` what was dropped or cut, each as gzipped
JSONL shards; `manifest.json` lists every shard with its sha256, its record count and the
run that wrote it, and records how each run was made.
"""


@dataclass
class Shard:
    """One shard as the manifest lists it."""

    file: str  # relative to the corpus folder: ``documents/part-00000.jsonl.gz``
    sha256: str
    records: int
    run: int | None  # index in the manifest's ``runs``; None for shards migrated from files

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def shard_name(kind: str, number: int) -> str:
    return f"{kind}/{SHARD_PREFIX[kind]}{number:05d}{SHARD_SUFFIX}"


def lookup_name(shard_file: str) -> str:
    """``.lookup/documents/part-00000`` for ``documents/part-00000.jsonl.gz``."""
    return f"{LOOKUP}/{shard_file.removesuffix(SHARD_SUFFIX)}"


def id_key(doc_id: str) -> int:
    """The 64-bit hash a document id is found by."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest(),
                          "little")


def reject_key(doc_id: str, rule: str) -> int:
    """The 64-bit hash a dropped document is found by: its id and the rule that dropped it."""
    return id_key(f"{doc_id}\0{rule}")


def listed_shards(manifest: dict[str, Any], kind: str) -> list[Shard]:
    """The shards of ``kind`` a manifest lists, in the order they were written."""
    listed = (manifest.get("shards") or {}).get(kind) or []
    return [Shard(s["file"], s["sha256"], int(s["records"]), s.get("run")) for s in listed]


def read_manifest(folder: Path) -> dict[str, Any]:
    """The corpus's manifest; an empty one for a folder that has none."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise CorpusDamaged(f"{path}: cannot read the corpus manifest ({exc}); restore it "
                            "from a copy, or start afresh with --fresh") from None
    return manifest if isinstance(manifest, dict) else {}


def _compress(data: bytes) -> bytes:
    """One gzip member with no time, name or operating system in its header."""
    deflate = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = deflate.compress(data) + deflate.flush()
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    trailer = (zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "little") + \
        (len(data) & 0xFFFFFFFF).to_bytes(4, "little")
    return header + body + trailer


def _append_member(shard: _OpenShard, data: bytes) -> int:
    """Compress ``data`` as the shard's next member and write it; its offset in the shard.
    Run by the shard writer's one thread, so members are written in the order given."""
    compressed = _compress(data)
    offset = shard.size
    shard.stream.write(compressed)
    shard.digest.update(compressed)
    shard.size += len(compressed)
    return offset


def _member_lines(stream: IO[bytes], offset: int) -> list[bytes]:
    """The JSONL lines of the gzip member that starts at ``offset``."""
    stream.seek(offset)
    inflate = zlib.decompressobj(31)
    data = b""
    while not inflate.eof:
        chunk = stream.read(MEMBER_BYTES)
        if not chunk:
            raise EOFError(f"a gzip member at byte {offset} is cut short")
        data += inflate.decompress(chunk)
    return data.split(b"\n")[:-1]


def _write_lookup(stream: IO[bytes], keys: np.ndarray, values: np.ndarray) -> None:
    order = np.argsort(keys, kind="stable")
    keys[order].astype("<u8").tofile(stream)
    values[order].astype("<u8").tofile(stream)


@dataclass
class StagedShard:
    """A finished shard (and its lookup) in temporary files, until `publish` renames them."""

    shard: Shard
    temporary: Path
    lookup_temporary: Path
    folder: Path

    @property
    def paths(self) -> list[Path]:
        return [self.folder / self.shard.file, self.folder / lookup_name(self.shard.file)]

    def publish(self) -> None:
        target, lookup = self.paths
        os.replace(self.lookup_temporary, lookup)
        os.replace(self.temporary, target)

    def discard(self) -> None:
        self.temporary.unlink(missing_ok=True)
        self.lookup_temporary.unlink(missing_ok=True)


@dataclass
class _OpenShard:
    number: int
    temporary: Path
    stream: IO[bytes]
    digest: Any = field(default_factory=hashlib.sha256)
    size: int = 0  # compressed bytes written
    records: int = 0
    text_bytes: int = 0
    keys: list[int] = field(default_factory=list)
    values: list[int] = field(default_factory=list)  # locations, by member number
    # Each member handed to the compressing thread: its offset in the shard, once written.
    members: list[Future[int]] = field(default_factory=list)


class ShardWriter:
    """Appends records of one kind as new shards ``first``, ``first + 1``, ...: records go to
    a gzip member in memory, compressed and written out at `MEMBER_BYTES` by a thread of its
    own (zlib lets go of the interpreter lock, so the run goes on making the next records
    meanwhile); a shard closes at its bounds.

    `write` returns where the record is (its shard, member and line), so this run can read
    it back (`read`) before it is published; the lookup holds its member's byte offset."""

    def __init__(self, folder: Path, kind: str, first: int, run: int | None,
                 shard_records: int = SHARD_RECORDS, shard_bytes: int = SHARD_BYTES) -> None:
        self.folder = folder
        self.kind = kind
        self.next = first
        self.run = run
        self.shard_records = shard_records
        self.shard_bytes = shard_bytes
        self.finished: list[StagedShard] = []
        self._open: _OpenShard | None = None
        self._member: list[bytes] = []
        self._member_bytes = 0
        self._temporaries: dict[int, Path] = {}
        self._offsets: dict[int, list[int]] = {}  # of each closed shard's members
        self._compressing: ThreadPoolExecutor | None = None

    def write(self, key: str | None, line: str) -> tuple[int, int]:
        """Append one JSONL line; ``key`` (an id, or an id and rule) is what the lookup
        finds it by. Returns the shard number and the location in it."""
        shard = self._open or self._start()
        data = line.encode("utf-8")
        location = (len(shard.members) << _LINE_BITS) | len(self._member)
        self._member.append(data)
        self._member_bytes += len(data)
        shard.records += 1
        shard.text_bytes += len(data)
        if key is not None:
            shard.keys.append(id_key(key))
            shard.values.append(location)
        number = shard.number
        if self._member_bytes >= MEMBER_BYTES or len(self._member) >= 1 << _LINE_BITS:
            self._flush_member()
        if shard.records >= self.shard_records or shard.text_bytes >= self.shard_bytes:
            self._close()
        return number, location

    def read(self, number: int, location: int) -> bytes:
        """A line this writer wrote, from memory or from its temporary file."""
        member, line = location >> _LINE_BITS, location & _LINE_MASK
        shard = self._open
        if shard is not None and number == shard.number:
            if member == len(shard.members):
                return self._member[line]
            offset = self._wait(shard)[member]
            shard.stream.flush()
        else:
            offset = self._offsets[number][member]
        with self._temporaries[number].open("rb") as stream:
            return _member_lines(stream, offset)[line]

    def finish(self) -> list[StagedShard]:
        """Close the last shard; every shard written, durable in its temporary files."""
        self._close()
        if self._compressing is not None:
            self._compressing.shutdown()
            self._compressing = None
        return self.finished

    def discard(self) -> None:
        if self._compressing is not None:
            self._compressing.shutdown(cancel_futures=True)
            self._compressing = None
        if self._open is not None:
            self._open.stream.close()
            self._open.temporary.unlink(missing_ok=True)
            self._open = None
        for staged in self.finished:
            staged.discard()
        self.finished = []

    def _start(self) -> _OpenShard:
        name = shard_name(self.kind, self.next)
        handle, temporary = temporary_beside(self.folder / name)
        self._open = _OpenShard(self.next, temporary, os.fdopen(handle, "wb"))
        self._temporaries[self.next] = temporary
        self.next += 1
        return self._open

    def _flush_member(self) -> None:
        shard = self._open
        if self._member and shard is not None:
            if self._compressing is None:
                self._compressing = ThreadPoolExecutor(1, thread_name_prefix="shard-gzip")
            if len(shard.members) >= _MEMBERS_IN_FLIGHT:  # memory stays bounded
                shard.members[-_MEMBERS_IN_FLIGHT].result()
            shard.members.append(self._compressing.submit(_append_member, shard,
                                                          b"".join(self._member)))
        self._member, self._member_bytes = [], 0

    @staticmethod
    def _wait(shard: _OpenShard) -> list[int]:
        """The offsets of the shard's members, every one written."""
        return [member.result() for member in shard.members]

    def _close(self) -> None:
        shard = self._open
        if shard is None:
            return
        self._flush_member()
        offsets = self._offsets[shard.number] = self._wait(shard)
        # In the lookup, each location's member number becomes the member's byte offset.
        located = np.array(shard.values, dtype=np.uint64)
        starts = np.array(offsets or [0], dtype=np.uint64)[located >> np.uint64(_LINE_BITS)]
        values = (starts << np.uint64(_LINE_BITS)) | (located & np.uint64(_LINE_MASK))
        shard.stream.flush()
        os.fsync(shard.stream.fileno())
        shard.stream.close()
        name = shard_name(self.kind, shard.number)
        handle, lookup = temporary_beside(self.folder / lookup_name(name))
        with os.fdopen(handle, "wb") as stream:
            _write_lookup(stream, np.array(shard.keys, dtype=np.uint64), values)
            stream.flush()
            os.fsync(stream.fileno())
        self.finished.append(StagedShard(Shard(name, shard.digest.hexdigest(), shard.records,
                                               self.run), shard.temporary, lookup,
                                         self.folder))
        self._open = None


class _Lookup:
    """A shard's sorted key hashes and locations, memory-mapped when first asked."""

    def __init__(self, path: Path, records: int) -> None:
        self.path = path
        self.records = records
        self._arrays: tuple[np.ndarray, np.ndarray] | None = None

    def find(self, key: int) -> list[int]:
        keys, values = self._load()
        needle = np.uint64(key)
        start = int(np.searchsorted(keys, needle, "left"))
        end = int(np.searchsorted(keys, needle, "right"))
        return [int(v) for v in values[start:end]]

    def _load(self) -> tuple[np.ndarray, np.ndarray]:
        if self._arrays is None:
            size = self.path.stat().st_size if self.path.is_file() else -1
            if size % 16 or size < 0:
                raise CorpusDamaged(f"{self.path}: missing or cut short; delete it and run "
                                    "`curate run` again: it is rebuilt from its shard")
            count = size // 16
            if count == 0:
                empty = np.empty(0, dtype="<u8")
                self._arrays = (empty, empty)
            else:
                self._arrays = (np.memmap(self.path, "<u8", "r", 0, (count,)),
                                np.memmap(self.path, "<u8", "r", count * 8, (count,)))
        return self._arrays


class CorpusReader:
    """The records of a corpus folder, as its manifest lists them (or as the single files of
    an earlier layout hold them). Opening reads the manifest only; a text is read by id from
    the one gzip member that holds it.
    """

    def __init__(self, folder: Path, manifest: dict[str, Any] | None = None) -> None:
        self.folder = folder
        self.manifest = read_manifest(folder) if manifest is None else manifest
        self._shards = {kind: listed_shards(self.manifest, kind) for kind in KINDS}
        self.single_files = not any(self._shards.values()) and any(
            (folder / name).is_file() for name in SINGLE_FILES.values())
        self._lookups = {kind: [_Lookup(folder / lookup_name(s.file), s.records)
                                for s in shards] for kind, shards in self._shards.items()}
        self._members: OrderedDict[tuple[str, int], list[bytes]] = OrderedDict()
        self._single_texts: dict[str, int] | None = None

    def shards(self, kind: str) -> list[Shard]:
        return list(self._shards[kind])

    def paths(self, kind: str) -> list[Path]:
        """The files holding the records of ``kind``, in the order they were written."""
        if self.single_files:
            single = self.folder / SINGLE_FILES[kind]
            return [single] if single.is_file() else []
        return [self.folder / s.file for s in self._shards[kind]]

    def count(self, kind: str) -> int:
        """How many records of ``kind`` the corpus holds (from the manifest: no reading)."""
        if self.single_files:
            return sum(1 for _ in self.lines(kind))
        return sum(s.records for s in self._shards[kind])

    def lines(self, kind: str) -> Iterator[tuple[bytes, Path, int]]:
        """Every line of ``kind`` with its file and line number, blank lines left out."""
        for path in self.paths(kind):
            with open_records(path) as stream:
                for number, line in enumerate(stream, start=1):
                    if line.strip():
                        yield line, path, number

    def records(self, kind: str) -> Iterator[dict[str, Any]]:
        """Every record of ``kind``, its edits log whole; a line that is not one is
        `CorpusDamaged`."""
        for line, path, number in self.lines(kind):
            yield whole_record(corpus_record(line, path, number))

    def ids(self) -> list[str]:
        """Every kept document's id (reads them all: for rebuilding an index)."""
        return [record["id"] for record in self.records(DOCUMENTS)
                if isinstance(record.get("id"), str)]

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """The kept document with id ``doc_id``, or None."""
        if self.single_files:
            return self._single_document(doc_id)
        key = id_key(doc_id)
        for shard, lookup in zip(self._shards[DOCUMENTS], self._lookups[DOCUMENTS],
                                 strict=True):
            for location in lookup.find(key):
                line = self._line(shard.file, location)
                record = corpus_record(line, self.folder / shard.file, 0)
                if record.get("id") == doc_id:
                    return whole_record(record)
        return None

    def text(self, doc_id: str) -> str | None:
        """The text of the kept document ``doc_id``, or None."""
        record = self.document(doc_id)
        text = record.get("text") if record is not None else None
        return text if isinstance(text, str) else None

    def has_reject(self, doc_id: str, rule: str) -> bool:
        """Whether an earlier run already rejected document ``doc_id`` by ``rule``."""
        if self.single_files:
            return any(r.get("kind") == "document" and r.get("id") == doc_id
                       and (r.get("reason") or {}).get("rule") == rule
                       for r in self.records(REJECTS))
        key = reject_key(doc_id, rule)
        return any(lookup.find(key) for lookup in self._lookups[REJECTS])

    def _line(self, file: str, location: int) -> bytes:
        offset, line = location >> _LINE_BITS, location & ((1 << _LINE_BITS) - 1)
        member = self._members.get((file, offset))
        if member is None:
            with (self.folder / file).open("rb") as stream:
                try:
                    member = _member_lines(stream, offset)
                except (OSError, EOFError, zlib.error) as exc:
                    raise CorpusDamaged(f"{self.folder / file}: cannot read the gzip member "
                                        f"at byte {offset} ({exc}); restore the shard from a "
                                        "copy") from None
            self._members[(file, offset)] = member
            if len(self._members) > 8:  # the members read last: a batch's texts cluster
                self._members.popitem(last=False)
        if line >= len(member):
            raise CorpusDamaged(f"{self.folder / file}: its lookup names a record the shard "
                                f"does not hold; delete {lookup_name(file)} and run again")
        return member[line]

    def _single_document(self, doc_id: str) -> dict[str, Any] | None:
        path = self.folder / SINGLE_FILES[DOCUMENTS]
        if self._single_texts is None:
            self._single_texts = {}
            offset = 0
            with path.open("rb") as stream:
                for number, line in enumerate(stream, start=1):
                    if line.strip():
                        record_id = corpus_record(line, path, number).get("id")
                        if isinstance(record_id, str):
                            self._single_texts[record_id] = offset
                    offset += len(line)
        offset = self._single_texts.get(doc_id)
        if offset is None:
            return None
        with path.open("rb") as stream:
            stream.seek(offset)
            return whole_record(json.loads(stream.readline()))


def open_records(path: Path) -> IO[bytes]:
    """A corpus file for reading lines of JSONL, decompressed when it ends in ``.gz``."""
    if path.name.endswith(".gz"):
        return io.BufferedReader(gzip.GzipFile(path, "rb"))  # type: ignore[arg-type]
    return path.open("rb")


def rebuild_lookup(folder: Path, shard: Shard, kind: str) -> None:
    """Write a shard's lookup afresh from the shard (after it was lost or cut short)."""
    keys, values = [], []
    with (folder / shard.file).open("rb") as stream:
        offset = 0
        while True:
            stream.seek(offset)
            if not stream.read(1):
                break
            inflate = zlib.decompressobj(31)
            stream.seek(offset)
            data = b""
            while not inflate.eof:
                data += inflate.decompress(stream.read(MEMBER_BYTES))
            consumed = stream.tell() - len(inflate.unused_data)
            for number, line in enumerate(data.split(b"\n")[:-1]):
                key = _lookup_key(json.loads(line), kind)
                if key is not None:
                    keys.append(key)
                    values.append((offset << _LINE_BITS) | number)
            offset = consumed
    path = folder / lookup_name(shard.file)
    handle, temporary = temporary_beside(path)
    with os.fdopen(handle, "wb") as stream:
        _write_lookup(stream, np.array(keys, dtype=np.uint64), np.array(values, dtype=np.uint64))
    os.replace(temporary, path)


def lookup_key(record: dict[str, Any], kind: str) -> str | None:
    """What a record is found by: a document by its id, a dropped document by its id and
    rule; a removed span by nothing."""
    if kind == DOCUMENTS:
        return record.get("id")
    if record.get("kind") == "document":
        return f"{record.get('id')}\0{(record.get('reason') or {}).get('rule')}"
    return None


def _lookup_key(record: dict[str, Any], kind: str) -> int | None:
    key = lookup_key(record, kind)
    return None if key is None else id_key(key)


def ensure_lookups(folder: Path, manifest: dict[str, Any]) -> list[str]:
    """Rebuild the lookups that are missing or cut short; the shards whose lookup was."""
    rebuilt = []
    for kind in KINDS:
        for shard in listed_shards(manifest, kind):
            path = folder / lookup_name(shard.file)
            if not path.is_file() or path.stat().st_size % 16:
                rebuild_lookup(folder, shard, kind)
                rebuilt.append(shard.file)
    return rebuilt


def remove_unlisted(folder: Path, manifest: dict[str, Any]) -> None:
    """Delete shards, lookups and temporary files the manifest does not list: what runs that
    did not finish left behind."""
    listed = {s.file for kind in KINDS for s in listed_shards(manifest, kind)}
    for kind in KINDS:
        for sub, keep in ((folder / kind, listed),
                          (folder / LOOKUP / kind, {lookup_name(f) for f in listed})):
            if not sub.is_dir():
                continue
            for path in sub.iterdir():
                name = path.relative_to(folder).as_posix()
                prefix = SHARD_PREFIX[kind]
                ours = path.name.startswith((f".{prefix}", prefix))
                if ours and path.is_file() and name not in keep:
                    path.unlink()


def listed_shard(path: Path) -> tuple[Path, str, Shard] | None:
    """The corpus folder, kind and manifest entry of ``path`` when it is a shard its
    folder's manifest lists; None for any other file."""
    folder, kind = path.parent.parent, path.parent.name
    if kind not in KINDS or not (folder / MANIFEST).is_file():
        return None
    name = f"{kind}/{path.name}"
    found = [s for s in listed_shards(read_manifest(folder), kind) if s.file == name]
    return (folder, kind, found[0]) if found else None


def rewrite_shard(folder: Path, kind: str, shard: Shard, lines: Iterator[bytes]) -> Shard:
    """Write a listed shard afresh from ``lines`` (at least one) as a run writes one (its
    gzip members and its lookup), and record its new sha256 and record count in the manifest: what
    `curate check --fix` does to a shard whose records it re-cleaned.

    The shard and its lookup are renamed into place, then the manifest; a kill between
    leaves a manifest whose sha256 no longer matches: fix again."""
    number = int(shard.file.removeprefix(f"{kind}/{SHARD_PREFIX[kind]}")
                 .removesuffix(SHARD_SUFFIX))
    writer = ShardWriter(folder, kind, number, shard.run, shard_records=2**62,
                         shard_bytes=2**62)
    try:
        for line in lines:
            text = line.decode("utf-8")
            writer.write(lookup_key(json.loads(text), kind),
                         text if text.endswith("\n") else text + "\n")
        staged = writer.finish()
    except BaseException:
        writer.discard()
        raise
    written = staged[0].shard
    manifest = read_manifest(folder)
    for entry in (manifest.get("shards") or {}).get(kind) or []:
        if entry.get("file") == shard.file:
            entry["sha256"], entry["records"] = written.sha256, written.records
    handle, temporary = temporary_beside(folder / MANIFEST)
    with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
        stream.write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        stream.flush()
        os.fsync(stream.fileno())
    staged[0].publish()
    os.replace(temporary, folder / MANIFEST)
    fsync_folders(folder)
    return written


def write_card(folder: Path) -> bool:
    """Write the dataset card unless it is there; whether it was written."""
    path = folder / CARD
    if path.exists():
        return False
    handle, temporary = temporary_beside(path)
    with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
        stream.write(DATASET_CARD)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)
    return True


def make_folders(folder: Path) -> None:
    for kind in KINDS:
        (folder / kind).mkdir(parents=True, exist_ok=True)
        (folder / LOOKUP / kind).mkdir(parents=True, exist_ok=True)


def fsync_folders(folder: Path) -> None:
    """Make renames inside the corpus folder and its shard and lookup folders durable."""
    for sub in (folder, *(folder / k for k in KINDS), *(folder / LOOKUP / k for k in KINDS)):
        if sub.is_dir():
            fsync_folder(sub)

