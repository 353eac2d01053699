"""Cleaned ranges committed one by one inside the corpus folder, so that a run killed part way
and started again cleans only the ranges it had not finished.

Each range an executor takes back is written to ``.checkpoint/`` in the corpus folder, one
file a range, atomically (temporary file, sync, rename): a file there is the range's
completion marker and holds what cleaning it gave (documents with their edits, messages,
counts) as JSON that gives back every value as it was (tuples stay tuples; only curate's own
record types are rebuilt, so a file planted in the folder can build nothing else), with the
sha256 of its content. Its name is a digest of everything the cleaning depended on: the run's
key (the code's and the rules' digests, the configuration, the dump's name and text field,
and the line counts the repetition step judges by), the input file's name, size and sha256,
and the range. A run whose key differs (other code, rules, settings or inputs) starts the
folder afresh; a file that cannot be read back (a disk error) is cleaned again.

Only cleaning is kept: exact and near-duplicate decisions and the corpus files are made again
from the cleaned ranges, in input order, so a resumed run writes the bytes of an
uninterrupted one. The folder is deleted when the run ends, published or failed (a folder
that cannot be written, a damaged corpus, a usage error: the folder is left as it was); only
a run killed, interrupted or whose worker died (`RESUMABLE`) leaves it, for the run started
again.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import os
import shutil
import stat
from collections import Counter
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from curate.document import Document, Edit, Paragraph, Provenance
from curate.executor.ranges import CleanedRange, Range, WorkerLost
from curate.io.readers import InputFile, SpanReading
from curate.rules import files_digest

CHECKPOINT = ".checkpoint"
RUN_KEY = "run.json"
# Names the layout of a range file; a checkpoint of another layout is started afresh.
FORMAT = "curate-range-json/1"
_HEADER = FORMAT.encode() + b"\n"
_SUFFIX = ".range"
# What a range file may rebuild, by name.
_RECORDS = {kind.__name__: kind for kind in (CleanedRange, Document, Paragraph, Edit,
                                             Provenance, SpanReading)}
# Failures after which the run is started again as it was: the checkpoint is kept for it.
RESUMABLE = (WorkerLost, KeyboardInterrupt)


@cache
def code_digest() -> str:
    """sha256 over the paths and bytes of curate's own Python files: any change to the code
    makes earlier checkpoints unusable."""
    package = Path(__file__).resolve().parent.parent
    return files_digest(package, package.rglob("*.py"))


def run_key(*, rules_digest: str, config: dict[str, Any], steps: list[str], source: str,
            text_field: str, line_counts: Counter | None) -> str:
    """The digest of what every range's cleaning depends on beyond its own file."""
    hasher = hashlib.sha256()
    described = {"format": FORMAT, "code": code_digest(), "rules": rules_digest,
                 "config": config, "steps": steps, "source": source, "text_field": text_field}
    hasher.update(json.dumps(described, sort_keys=True, default=str).encode())
    for key, count in sorted((line_counts or {}).items()):
        hasher.update(f"{key}\t{count}\n".encode())
    return hasher.hexdigest()


def remove_checkpoint(outdir: Path) -> None:
    """Delete the checkpoint in ``outdir``: the run it served has ended."""
    shutil.rmtree(outdir / CHECKPOINT, ignore_errors=True)


class Checkpoint:
    """The ranges of one run committed so far in ``outdir/.checkpoint``; a checkpoint of
    another run there (another key) is deleted.

    ``resumed`` counts the ranges taken from it, ``cleaned`` those committed by this run.
    """

    def __init__(self, outdir: Path, key: str) -> None:
        self.folder = outdir / CHECKPOINT
        self.key = key
        self.resumed = 0
        self.cleaned = 0
        self._files: dict[str, str] = {}  # display -> "size:sha256"
        marker = self.folder / RUN_KEY
        try:
            if self.folder.is_dir() and not self._same_run(marker):
                shutil.rmtree(self.folder)
            if not self.folder.is_dir():
                self.folder.mkdir()
                _write_atomically(marker, json.dumps({"key": key}).encode())
        except BaseException:
            self.remove()
            raise

    def _same_run(self, marker: Path) -> bool:
        try:
            return json.loads(marker.read_text(encoding="utf-8")).get("key") == self.key
        except (OSError, ValueError):
            return False

    def load(self, work: Range) -> CleanedRange | None:
        """What cleaning ``work`` gave when an earlier run committed it, else None."""
        path = self._path(work)
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        header, _, rest = blob.partition(b"\n")
        digest, _, payload = rest.partition(b"\n")
        if header + b"\n" != _HEADER or hashlib.sha256(payload).hexdigest().encode() != digest:
            return None
        try:
            done = _decoded(json.loads(payload))
        except (ValueError, KeyError, TypeError):  # written by a version that is no more
            return None
        self.resumed += 1
        return replace(done, range=work)

    def save(self, done: CleanedRange) -> None:
        """Commit a range cleaned by this run, as the worker that cleaned it encoded it
        (`CleanedRange.record`) or encoded here."""
        record = done.record if done.record is not None else encoded_record(done)
        done.record = None
        if record is None:  # a value JSON cannot hold: the range is cleaned again on resume
            return
        _write_atomically(self._path(done.range), record)
        self.cleaned += 1

    def remove(self) -> None:
        """Delete the checkpoint: the run it served is published."""
        remove_checkpoint(self.folder.parent)

    def summary(self) -> str | None:
        """What resuming saved, for the run's notices; None when nothing was resumed."""
        if not self.resumed:
            return None
        total = self.resumed + self.cleaned
        return (f"resumed an interrupted run: {self.cleaned} of {total} ranges cleaned again, "
                f"{self.resumed} taken from {CHECKPOINT}/")

    def _path(self, work: Range) -> Path:
        described = json.dumps([self.key, work.item.display, self._file_digest(work.item),
                                work.start, work.count])
        return self.folder / (hashlib.sha256(described.encode()).hexdigest() + _SUFFIX)

    def _file_digest(self, item: InputFile) -> str:
        """``size:sha256`` of the file's bytes, hashed once a run."""
        known = self._files.get(item.display)
        if known is None and item.data is None and not _regular(item.path):
            # A pipe or a device is never opened here (the reader rejects it unread): its
            # range holds that reject, whatever bytes it would give.
            known = self._files[item.display] = "not a regular file"
        if known is None:
            try:
                size, digest = item.sha256()
                known = f"{size}:{digest}"
            except OSError as exc:  # the reader rejects it: its range holds that reject
                known = f"unreadable:{exc}"
            self._files[item.display] = known
        return known


def encoded_record(done: CleanedRange) -> bytes | None:
    """What `Checkpoint.save` writes of ``done``: made by the worker that cleaned the range,
    so the run's own process only writes it; None when a value JSON cannot hold is in it."""
    # The range is given again on load: an archive member's bytes are not stored twice;
    # signatures and fingerprints are made again where a resumed range needs them.
    # The encoding is a tree of new containers, freed as a whole once dumped: the cyclic
    # collector it would set off (scanning every document the batch holds) has nothing to find.
    collecting = gc.isenabled()
    gc.disable()
    try:
        payload = json.dumps(_encoded(replace(done, range=None, signatures=None,
                                              fingerprints=None, record=None)),
                             ensure_ascii=False).encode()
    except TypeError:
        return None
    finally:
        if collecting:
            gc.enable()
    return _HEADER + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return True  # the open below says what is wrong, and the digest holds it


def _encoded(value: Any) -> Any:
    """``value`` as JSON in which every object says what it was: ``{"r": name, "f": fields}``
    a record, ``{"t": items}`` a tuple, ``{"d": items}`` a dictionary."""
    if type(value) in _PLAIN or value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_encoded(item) for item in value]
    if isinstance(value, tuple):
        return {"t": [_encoded(item) for item in value]}
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("a dictionary with keys that are not strings")
        return {"d": {key: _encoded(item) for key, item in value.items()}}
    name = type(value).__name__
    if _RECORDS.get(name) is type(value):
        fields = {}
        for field in _field_names(type(value)):
            item = getattr(value, field)
            # Most fields are strings, numbers or None: kept as they are without a call.
            fields[field] = item if type(item) in _PLAIN or item is None else _encoded(item)
        return {"r": name, "f": fields}
    raise TypeError(f"cannot store a {name}")


_PLAIN = frozenset((str, int, float, bool))  # the types JSON holds as they are, looked up at once


@cache
def _field_names(record: type) -> tuple[str, ...]:
    """The fields of a record type, in order (``dataclasses.fields`` costs a loop a call)."""
    return tuple(field.name for field in dataclasses.fields(record))


def _decoded(value: Any) -> Any:
    if isinstance(value, list):
        return [_decoded(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "t" in value:
        return tuple(_decoded(item) for item in value["t"])
    if "d" in value:
        return {key: _decoded(item) for key, item in value["d"].items()}
    return _RECORDS[value["r"]](**{key: _decoded(item) for key, item in value["f"].items()})


def _write_atomically(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("wb") as stream:
        stream.write(content)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)
