"""Export a corpus as JSONL (plain, gzip or zstd), Parquet or plain text, in size-bounded shards.

``curate export corpus -o out --format parquet --exclude-flag spun`` reads
``corpus/documents/`` shards (never the rejects), keeps the documents that pass the filters and
the selected fields, and writes ``out/part-00000.parquet`` and ``out/export.json``: the counts
read, written and filtered with the reasons, the shards with their sha256, the options.

The Parquet layout is fixed, so every shard has the same schema and readers load them together:

- ``id``, ``text``, ``source``, ``added``, ``created``: string columns (the dates stay the
  ISO 8601 text of the JSONL);
- ``metadata``: a struct of the seven curate fields, typed (``flags`` a list of strings,
  ``spin_score`` a double, the others strings), and ``extra``: every other metadata key (a
  JSONL dump's own fields) as JSON text, null when there are none; a value that is not of its
  column's type goes there too, so nothing is bent to fit;
- ``provenance``: JSON text, because its edits differ in their keys (``replacement`` only on
  replacements) and a struct would read the absent keys back as nulls.

`record_from_parquet` turns a row read back (pyarrow or ``datasets``) into the JSONL record.
(``datasets``' JSON loader, unlike its Parquet one, reads ``added`` and ``created`` back as
timestamps, not the text written.)
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

import click
import zstandard

from curate import __version__
from curate.io.limits import MAX_JSON_DEPTH, has_lone_surrogate, json_depth
from curate.io.writers import METADATA_FIELDS, atomic_open, json_line
from curate.progress import Progress, progress_for
from curate.storage import DOCUMENTS, CorpusReader

if TYPE_CHECKING:
    import pyarrow as pa

FORMATS = ("jsonl", "parquet", "text")
COMPRESSIONS = ("gzip", "zstd")
RECORD_FIELDS = ("id", "text", "source", "added", "created", "metadata", "provenance")
SUMMARY = "export.json"
EXTENSIONS = {"jsonl": ".jsonl", "parquet": ".parquet", "text": ".txt"}
COMPRESSED_EXTENSIONS = {"gzip": ".gz", "zstd": ".zst"}
# Parquet row groups hold about this much record data, so readers never load a whole shard.
ROW_GROUP_BYTES = 64 * 10**6
# Documents files of a folder without a manifest's shards (never rejects.jsonl).
_DOCUMENTS = re.compile(r"documents.*\.jsonl(\.gz|\.zst)?")
_SHARD = re.compile(r"part-\d{5}\.(jsonl(\.gz|\.zst)?|parquet|txt)")
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?", re.IGNORECASE)
# Decimal units as Hugging Face's max_shard_size reads them; the binary ones spelled KiB, MiB, GiB.
_SIZE_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9,
               "kib": 2**10, "mib": 2**20, "gib": 2**30}


class ExportError(Exception):
    """A usage error: a missing corpus, an unknown field, options that do not go together."""


class RecordProblem(ValueError):
    """A corpus line that cannot be exported; it is skipped and reported with its file and line."""


def parse_size(text: str) -> int:
    """Bytes in a size written like ``256MB``.

    >>> parse_size("256MB"), parse_size("1.5 GB"), parse_size("64KiB"), parse_size("1000")
    (256000000, 1500000000, 65536, 1000)
    """
    match = _SIZE.fullmatch(text.strip())
    size = int(float(match.group(1)) * _SIZE_UNITS[(match.group(2) or "b").lower()]) if match else 0
    if size < 1:
        raise ValueError(f"bad size {text!r}: write it like 256MB, 1.5GB or 512KiB")
    return size


def parse_fields(spec: str) -> tuple[tuple[str, ...], ...]:
    """Dotted field paths from ``--fields``; a path inside another selected one is dropped.

    >>> parse_fields("id,text,metadata.title,metadata")
    (('id',), ('text',), ('metadata',))
    """
    paths: list[tuple[str, ...]] = []
    for name in spec.split(","):
        path = tuple(name.strip().split("."))
        if not all(path):
            raise ExportError(f"bad field {name.strip()!r} in --fields {spec!r}: "
                              "write it like id,text,metadata.title")
        if path not in paths:
            paths.append(path)
    return tuple(p for p in paths if not any(p[:len(q)] == q != p for q in paths))


def select_fields(record: dict[str, Any], paths: Sequence[tuple[str, ...]]) -> dict[str, Any]:
    """The record cut down to ``paths``, nested as in the record; a path it lacks is left out.

    >>> select_fields({"id": "9e99", "text": "在这个持续降温的10月…",
    ...                "metadata": {"title": "英伟达芯片一片难求", "lang": "zh"}},
    ...               [("id",), ("metadata", "title")])
    {'id': '9e99', 'metadata': {'title': '英伟达芯片一片难求'}}
    """
    selected: dict[str, Any] = {}
    for path in paths:
        value: Any = record
        for key in path:
            if not isinstance(value, dict) or key not in value:
                break
            value = value[key]
        else:
            target = selected
            for key in path[:-1]:
                target = target.setdefault(key, {})
            target[path[-1]] = value
    return selected


def non_space_chars(text: str) -> int:
    """Characters of ``text`` that are not white space (ideographic space included).

    >>> non_space_chars("英伟达 A800\\u3000芯片\\n")
    9
    """
    return len("".join(text.split()))


def text_block(text: str) -> str:
    """A document as a block for tokenizer training: its non-blank lines, one per paragraph.

    >>> text_block("国产替代趁势崛起。\\n\\n10月19日上午\\u2028多支股票上涨")
    '国产替代趁势崛起。\\n10月19日上午\\n多支股票上涨'
    """
    return "\n".join(line for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class Filters:
    """Which documents to keep: by ``metadata.lang``, by length, by ``metadata.flags``."""

    langs: tuple[str, ...] = ()
    min_chars: int = 0
    exclude_flags: tuple[str, ...] = ()

    def reason(self, record: dict[str, Any]) -> str | None:
        """Why ``record`` is left out (the first filter it fails), or None to keep it.

        >>> spun = {"text": "壁仞科技开创人张文表明", "metadata": {"flags": ["spun"]}}
        >>> Filters(exclude_flags=("spun",)).reason(spun)
        'flag:spun'
        """
        metadata = record.get("metadata") or {}
        if self.langs and metadata.get("lang") not in self.langs:
            return "lang"
        if self.min_chars and non_space_chars(record["text"]) < self.min_chars:
            return "min_chars"
        flags = metadata.get("flags") or ()
        return next((f"flag:{flag}" for flag in self.exclude_flags if flag in flags), None)


@dataclass(frozen=True)
class ExportOptions:
    """How to export: format, compression, shard size in bytes, field paths and filters."""

    format: str = "jsonl"
    compress: str | None = None
    shard_size: int | None = None
    fields: tuple[tuple[str, ...], ...] | None = None
    filters: Filters = Filters()

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format] + COMPRESSED_EXTENSIONS.get(self.compress or "", "")

    def check(self) -> None:
        """Raise ExportError for options that do not go together."""
        if self.compress and self.format != "jsonl":
            inside = " (Parquet compresses its columns with zstd)" * (self.format == "parquet")
            raise ExportError(f"--compress is for --format jsonl{inside}")
        if self.fields and self.format == "text":
            raise ExportError("--fields does not apply to --format text, which writes the text")
        if self.fields and self.format == "parquet":
            extra = [".".join(p) for p in self.fields if p[0] not in RECORD_FIELDS]
            if extra:
                raise ExportError(f"no Parquet column for {', '.join(extra)}: Parquet holds "
                                  f"{', '.join(RECORD_FIELDS)}; export it as jsonl")

    def metadata_fields(self) -> tuple[str, ...]:
        """The curate metadata fields the Parquet ``metadata`` struct types, in order."""
        if not self.fields or ("metadata",) in self.fields:
            return METADATA_FIELDS
        return tuple(p[1] for p in self.fields
                     if p[0] == "metadata" and len(p) == 2 and p[1] in METADATA_FIELDS)


@dataclass
class ExportReport:
    """What an export read, left out and wrote; ``export.json`` is made of it."""

    inputs: list[dict[str, Any]] = field(default_factory=list)
    read: int = 0
    filtered: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    shards: list[dict[str, Any]] = field(default_factory=list)

    @property
    def written(self) -> int:
        return sum(shard["records"] for shard in self.shards)

    def summary(self, options: ExportOptions) -> dict[str, Any]:
        return {
            "curate": __version__,
            "format": options.format,
            "compress": options.compress,
            "options": {
                "fields": [".".join(p) for p in options.fields] if options.fields else None,
                "lang": list(options.filters.langs),
                "min_chars": options.filters.min_chars or None,
                "exclude_flags": list(options.filters.exclude_flags),
                "shard_size": options.shard_size,
            },
            "inputs": self.inputs,
            "counts": {"read": self.read, "written": self.written,
                       "filtered": dict(sorted(self.filtered.items())),
                       "skipped": len(self.problems)},
            "shards": self.shards,
            "problems": self.problems,
        }

    def line(self, options: ExportOptions, dest: Path) -> str:
        """The one-line summary the command prints."""
        reasons = ", ".join(f"{reason} {count}" for reason, count in sorted(self.filtered.items()))
        filtered = sum(self.filtered.values())
        return (f"{self.read} read, {self.written} written, {filtered} filtered"
                + (f" ({reasons})" if reasons else "")
                + f", {len(self.problems)} skipped -> {len(self.shards)} "
                + f"{options.format} shard{'s' if len(self.shards) > 1 else ''} in {dest}")


def corpus_files(paths: Sequence[Path]) -> list[Path]:
    """The files to export: JSONL files as given; for a corpus folder, the document shards
    its manifest lists (`curate.storage`), else its ``documents*.jsonl[.gz|.zst]``."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = CorpusReader(path).paths(DOCUMENTS) or sorted(
                p for p in path.iterdir() if p.is_file() and _DOCUMENTS.fullmatch(p.name))
            if not found:
                raise ExportError(f"{path}: no documents in this folder; "
                                  "give a corpus folder written by `curate run`")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise ExportError(f"{path}: no such corpus folder or file")
    return files


class _HashingReader(io.RawIOBase):
    """Passes a file's bytes through, hashing them on the way."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.sha256.update(memoryview(buffer)[:count])
        return count


def _decompressed(path: Path, raw: _HashingReader) -> IO[bytes]:
    if path.name.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if path.name.endswith(".zst"):
        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw))
    return io.BufferedReader(raw)


def _document(line: bytes) -> dict[str, Any]:
    """A corpus line as a record, if it is one `curate run` could have written: the same
    nesting limit, an object or null as metadata and provenance, no lone surrogate."""
    try:
        record = json.loads(line)
    except RecursionError:
        raise RecordProblem(f"nested deeper than the {MAX_JSON_DEPTH} levels a run "
                            "accepts") from None
    except ValueError as exc:
        raise RecordProblem(f"not a line of JSON ({exc})") from exc
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise RecordProblem("not a document: no string field 'text'")
    for key in ("metadata", "provenance"):
        if not isinstance(record.get(key), dict | None):
            raise RecordProblem(f"{key} is a {type(record[key]).__name__}, not an object")
    if json_depth(record) > MAX_JSON_DEPTH:
        raise RecordProblem(f"nested deeper than the {MAX_JSON_DEPTH} levels a run accepts")
    if b"\\u" in line and has_lone_surrogate(record):
        raise RecordProblem("holds an unpaired UTF-16 surrogate escape (\\ud800-\\udfff), "
                            "which is not a character")
    return record


class CorpusLine(NamedTuple):
    where: str  # FILE:LINE
    record: dict[str, Any]
    line: bytes  # as read, ending in a newline


def read_documents(files: Sequence[Path], report: ExportReport) -> Iterator[CorpusLine]:
    """Each document of ``files``; a line that is not one goes to ``report.problems``."""
    for path in files:
        with path.open("rb") as raw:
            hashing = _HashingReader(raw)
            records = 0
            try:
                with _decompressed(path, hashing) as stream:
                    for number, line in enumerate(stream, start=1):
                        if not line.strip():
                            continue
                        records += 1
                        report.read += 1
                        try:
                            yield CorpusLine(f"{path}:{number}", _document(line),
                                             line.rstrip(b"\r\n") + b"\n")
                        except RecordProblem as exc:
                            report.problems.append(f"{path}:{number}: {exc}; skipped")
            except (OSError, EOFError, zstandard.ZstdError) as exc:
                raise ExportError(f"{path}: cannot read it: {exc}") from exc
            while hashing.read(1 << 20):  # bytes past the end of a compressed stream
                pass
        report.inputs.append({"file": str(path), "sha256": hashing.sha256.hexdigest(),
                              "records": records})


def _documented(path: tuple[str, ...]) -> bool:
    if path[0] == "metadata" and len(path) == 2:
        return path[1] in METADATA_FIELDS
    return len(path) == 1 and path[0] in RECORD_FIELDS


def check_fields(files: Sequence[Path], paths: Sequence[tuple[str, ...]]) -> None:
    """Raise ExportError for a field neither in the record format nor in any document."""
    missing = [p for p in paths if not _documented(p)]
    if missing:
        for document in read_documents(files, ExportReport()):
            missing = [p for p in missing if not select_fields(document.record, [p])]
            if not missing:
                break
    if missing:
        known = [*RECORD_FIELDS, *(f"metadata.{name}" for name in METADATA_FIELDS)]
        raise ExportError(f"unknown field {'.'.join(missing[0])!r}: no document has it; "
                          f"fields are {', '.join(known)} (and nested ones like provenance.file)")


# Parquet: which Python values each typed column takes; the other metadata fields take text.
def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_double(value: Any) -> bool:
    return type(value) is float


_METADATA_CHECKS = {"flags": _is_text_list, "spin_score": _is_double}


def parquet_schema(options: ExportOptions) -> pa.Schema:
    """The fixed Parquet schema (see the module docstring), cut down to the selected fields."""
    import pyarrow as pa

    arrow_types = {_is_text: pa.string(), _is_text_list: pa.list_(pa.string()),
                   _is_double: pa.float64()}
    metadata = pa.struct(
        [(name, arrow_types[_METADATA_CHECKS.get(name, _is_text)])
         for name in options.metadata_fields()] + [("extra", pa.string())])
    columns = {name: pa.string() for name in RECORD_FIELDS} | {"metadata": metadata}
    names = dict.fromkeys(p[0] for p in options.fields) if options.fields else RECORD_FIELDS
    json_columns = [c for c in ("metadata.extra", "provenance") if c.split(".")[0] in names]
    return pa.schema([(name, columns[name]) for name in names],
                     metadata={"curate.json_columns": json.dumps(json_columns)})


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def parquet_row(record: dict[str, Any], metadata_fields: Sequence[str]) -> dict[str, Any]:
    """A record as a row of `parquet_schema`.

    >>> parquet_row({"id": "9e99", "metadata": {"title": "英伟达", "flags": [], "tags": ["芯片"]},
    ...              "provenance": {"part": 0}}, ["title", "flags"])
    {'id': '9e99', 'metadata': {'title': '英伟达', 'flags': [], 'extra': '{"tags":["芯片"]}'}, \
'provenance': '{"part":0}'}
    """
    row: dict[str, Any] = {}
    for key, value in record.items():
        if key == "metadata" and (value is None or isinstance(value, dict)):
            row[key] = None if value is None else _metadata_struct(value, metadata_fields)
        elif key == "provenance":
            row[key] = None if value is None else _json_text(value)
        elif key in RECORD_FIELDS and key != "metadata" and (value is None or _is_text(value)):
            row[key] = value
        else:
            raise RecordProblem(f"field {key!r} ({type(value).__name__}) fits no Parquet "
                                "column; export it as jsonl or leave it out with --fields")
    return row


def _metadata_struct(metadata: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    struct: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in metadata.items():
        if key in fields and (value is None or _METADATA_CHECKS.get(key, _is_text)(value)):
            struct[key] = value
        else:
            extra[key] = value
    struct["extra"] = _json_text(extra) if extra else None
    return struct


def record_from_parquet(row: dict[str, Any]) -> dict[str, Any]:
    """The JSONL record a Parquet row was made from, as pyarrow or ``datasets`` read it back.

    >>> record_from_parquet({"id": "9e99", "metadata": {"title": "英伟达",
    ...                      "extra": '{"tags":["芯片"]}'}, "provenance": '{"part":0}'})
    {'id': '9e99', 'metadata': {'title': '英伟达', 'tags': ['芯片']}, 'provenance': {'part': 0}}
    """
    record = dict(row)
    if record.get("provenance") is not None:
        record["provenance"] = json.loads(record["provenance"])
    if record.get("metadata") is not None:
        metadata = dict(record["metadata"])
        metadata.update(json.loads(metadata.pop("extra") or "{}"))
        record["metadata"] = metadata
    return record


class _Item(NamedTuple):
    size: int  # bytes of the record as written uncompressed (as its JSON line for Parquet)
    payload: Any  # bytes for JSONL and text, a row for Parquet


def _encoder(options: ExportOptions) -> Callable[[CorpusLine], _Item]:
    """``encode(document)``: the item written for a document. Without ``--fields`` a JSONL
    line is copied as it was read: lossless, and no time spent writing the JSON again."""
    def selected_line(document: CorpusLine) -> tuple[dict[str, Any], bytes]:
        if not options.fields:
            return document.record, document.line
        selected = select_fields(document.record, options.fields)
        return selected, json_line(selected).encode("utf-8")

    if options.format == "text":
        def encode_text(document: CorpusLine) -> _Item:
            block = text_block(document.record["text"])
            if not block:
                raise RecordProblem("the text is empty; a text block needs text")
            payload = (block + "\n\n").encode("utf-8")
            return _Item(len(payload), payload)
        return encode_text
    if options.format == "parquet":
        metadata_fields = options.metadata_fields()

        def encode_row(document: CorpusLine) -> _Item:
            selected, line = selected_line(document)
            return _Item(len(line), parquet_row(selected, metadata_fields))
        return encode_row

    def encode_line(document: CorpusLine) -> _Item:
        line = selected_line(document)[1]
        return _Item(len(line), line)
    return encode_line


def _items(files: Sequence[Path], options: ExportOptions, report: ExportReport,
           progress: Progress | None = None) -> Iterator[_Item]:
    encode = _encoder(options)
    for document in read_documents(files, report):
        if progress is not None:
            progress.record(document.where.rpartition(":")[0], len(document.line))
        reason = options.filters.reason(document.record)
        if reason:
            report.filtered[reason] += 1
            continue
        try:
            yield encode(document)
        except RecordProblem as exc:
            report.problems.append(f"{document.where}: {exc}; skipped")


@contextmanager
def _shard_writer(out: IO[bytes], options: ExportOptions) -> Iterator[Callable[[_Item], Any]]:
    """``write(item)`` into one shard file; the shard is complete when the context exits."""
    if options.format == "parquet":
        with _parquet_writer(out, parquet_schema(options)) as write:
            yield write
    elif options.compress == "gzip":
        # No name and no time in the header, so the same records give the same bytes.
        with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=6,
                           mtime=0) as packed:
            yield lambda item: packed.write(item.payload)
    elif options.compress == "zstd":
        with zstandard.ZstdCompressor().stream_writer(out, closefd=False) as packed:
            yield lambda item: packed.write(item.payload)
    else:
        yield lambda item: out.write(item.payload)


@contextmanager
def _parquet_writer(out: IO[bytes], schema: pa.Schema) -> Iterator[Callable[[_Item], None]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows: list[dict[str, Any]] = []
    pending = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        def write(item: _Item) -> None:
            nonlocal pending
            rows.append(item.payload)
            pending += item.size
            if pending >= ROW_GROUP_BYTES:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows.clear()
                pending = 0

        yield write
        if rows:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_shards(items: Iterator[_Item], dest: Path, options: ExportOptions,
                  report: ExportReport) -> None:
    """Fill ``part-00000``, ``part-00001``… in turn; a shard closes before the record that
    would take it past the shard size, so no record is split (a bigger one fills a shard alone)."""
    pending = next(items, None)
    limit = options.shard_size
    index = 0
    while True:
        path = dest / f"part-{index:05d}{options.extension}"
        count = size = 0
        with atomic_open(path) as stream, _shard_writer(stream.buffer, options) as write:
            while pending is not None and not (count and limit and size + pending.size > limit):
                write(pending)
                count += 1
                size += pending.size
                pending = next(items, None)
        report.shards.append({"file": path.name, "records": count,
                              "bytes": path.stat().st_size, "sha256": _sha256(path)})
        if pending is None:
            return
        index += 1


def export(corpus: Sequence[Path], dest: Path, options: ExportOptions,
           progress: Progress | None = None) -> ExportReport:
    """Export the documents of ``corpus`` (folders or JSONL files) into the folder ``dest``.

    ``export([Path("corpus")], Path("out"), ExportOptions("parquet"))`` writes
    ``out/part-00000.parquet`` and ``out/export.json``. Shards an earlier export left in
    ``dest`` beyond the new ones are removed, so ``dest/part-*`` is always one dataset.
    ``progress`` is told of each document read.
    """
    options.check()
    files = corpus_files(corpus)
    if options.fields:
        check_fields(files, options.fields)
    report = ExportReport()
    _write_shards(_items(files, options, report, progress), dest, options, report)
    written = {shard["file"] for shard in report.shards}
    for stale in dest.iterdir():
        if _SHARD.fullmatch(stale.name) and stale.name not in written:
            stale.unlink()
    with atomic_open(dest / SUMMARY) as out:
        out.write(json.dumps(report.summary(options), ensure_ascii=False, indent=2) + "\n")
    return report


def _size_option(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    try:
        return None if value is None else parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@click.command("export", context_settings={"help_option_names": ["-h", "--help"]},
               epilog="Examples:\n\n\b\n"
                      "    curate export corpus -o out --format parquet --shard-size 256MB\n"
                      "    curate export corpus -o out --compress zstd --exclude-flag spun\n"
                      "    curate export corpus -o out --format text --lang zh --min-chars 200\n"
                      "    curate export corpus -o out --fields id,text,metadata.title")
@click.argument("corpus", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "dest", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the part-NNNNN files and export.json.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True,
              help="jsonl: the records; parquet: columns (metadata a struct, provenance JSON "
                   "text); text: one block of lines per document, blank line after each.")
@click.option("--compress", type=click.Choice(COMPRESSIONS), help="Compress JSONL shards.")
@click.option("--shard-size", callback=_size_option,
              help="Largest shard, like 256MB (KB, MB, GB; KiB, MiB, GiB), counted as "
                   "uncompressed record bytes; without it, one file.")
@click.option("--fields", help="Fields to keep, dotted for nested ones: id,text,metadata.title.")
@click.option("--lang", "langs", multiple=True, help="Keep documents whose metadata.lang is "
                                                    "this (repeatable).")
@click.option("--min-chars", type=click.IntRange(min=0), default=0,
              help="Keep documents with at least this many non-space characters of text.")
@click.option("--exclude-flag", "exclude_flags", multiple=True,
              help="Leave out documents with this metadata flag, like spun (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors, and no progress bar.")
@click.option("-v", "--verbose", is_flag=True, help="Progress on standard error every few "
                                                    "seconds when it is not a terminal.")
def export_command(corpus: tuple[Path, ...], dest: Path, fmt: str, compress: str | None,
                   shard_size: int | None, fields: str | None, langs: tuple[str, ...],
                   min_chars: int, exclude_flags: tuple[str, ...], quiet: bool,
                   verbose: bool) -> None:
    """Export a CORPUS folder (its documents*.jsonl, never the rejects) or JSONL files.

    Writes DEST/part-00000.jsonl (.jsonl.gz, .jsonl.zst, .parquet, .txt), more parts with
    --shard-size, and DEST/export.json with the counts and options. The same corpus and
    options give byte-identical files. Exit 1 when a line could not be exported (listed in
    export.json), 2 on a usage error.
    """
    progress = None
    try:
        options = ExportOptions(
            fmt, compress, shard_size, parse_fields(fields) if fields is not None else None,
            Filters(tuple(langs), min_chars, tuple(exclude_flags)))
        progress = progress_for([str(p) for p in corpus_files(list(corpus))], quiet, verbose,
                                label="export")
        report = export(list(corpus), dest, options, progress)
    except ExportError as exc:
        raise click.UsageError(str(exc)) from exc
    finally:
        if progress is not None:
            progress.close()
    if not quiet:
        for problem in report.problems:
            click.echo(f"warning: {problem}", err=True)
        click.echo(report.line(options, dest))
    if report.problems:
        raise SystemExit(1)
