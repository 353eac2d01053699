"""`curate dedup`: near-duplicate removal on its own, over JSONL records already cleaned.

The records (curate's output format, or any JSONL with ``id`` and ``text``) go through the
same `NearDuplicateFilter` as `curate run` uses; the kept ones are written unchanged unless a
repeated passage was cut from them, in which case the cut is appended to their edits. A
record left with no text (none given, or every paragraph a repeated passage) is rejected.

Memory does not hold the records: a first pass over the input notes where each record is
and the order in which copies are kept (`keep_order`); the second decides a batch of records
at a time in that order, reading their texts back by offset; the third writes the records
in input order with their verdicts. The decisions are those of one batch holding every
record: texts of earlier batches are read back from the input when a candidate needs them.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import click

from curate.dedup.index import IndexLockedError, IndexParameterError
from curate.dedup.near import Item, NearDuplicateFilter, StoredTexts, Verdict, keep_order
from curate.io.text_field import TextFieldError, TextFieldProbe
from curate.io.writers import atomic_open, json_line
from curate.progress import Progress, progress_for
from curate.storage import CorpusReader

STEP = "drop_near_duplicates"
# Records decided together: their texts and shingles are what memory holds (~25 MB).
BATCH_DOCUMENTS = 1000


@dataclass(frozen=True, slots=True)
class Placed:
    """Where a record of the input is, and its place in the order copies are kept in."""

    seen: int  # its number among the records, in input order
    file: int
    offset: int
    length: int
    order: tuple | None  # keep_order; None for a record with no text, never compared


class InputRecords:
    """The JSONL files given, read through once to place their records, then by offset."""

    def __init__(self, paths: list[Path], text_field: str = "text") -> None:
        for path in paths:
            if not path.is_file():
                raise click.UsageError(f"{path}: not a regular file; curate dedup reads its "
                                       "input more than once: save it to a file first")
        self.paths = paths
        self.text_field = text_field
        self._streams: dict[int, IO[bytes]] = {}

    def place(self, progress: Progress | None = None) -> tuple[list[Placed], list[str]]:
        """Each record with a string ``id`` and text, in input order; problems as
        ``file:line: message``.

        A file whose first records all lack the text field was given the wrong field: that
        is a `TextFieldError` naming the fields they have, not one skipped line a record.
        """
        placed: list[Placed] = []
        problems: list[str] = []
        for file, path in enumerate(self.paths):
            probe = TextFieldProbe(str(path), self.text_field)
            with path.open("rb") as stream:
                offset = 0
                for number, line in enumerate(stream, start=1):
                    start, offset = offset, offset + len(line)
                    if progress is not None:
                        progress.record(str(path), len(line))
                    if not line.strip():
                        continue
                    record = self._parsed(line, f"{path}:{number}", problems)
                    if record is None:
                        continue
                    probe.saw(record, number)
                    text, doc_id = record.get(self.text_field), record.get("id")
                    if not (isinstance(doc_id, str) and isinstance(text, str)):
                        problems.append(f"{path}:{number}: needs a string id and "
                                        f"{self.text_field}; skipped")
                        continue
                    seen = len(placed)
                    order = (keep_order(Item(doc_id, text, record.get("created"), seen))
                             if text.strip() else None)
                    placed.append(Placed(seen, file, start, len(line), order))
            probe.finish()
        return placed, problems

    @staticmethod
    def _parsed(line: bytes, where: str, problems: list[str]) -> dict[str, Any] | None:
        try:
            record = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            problems.append(f"{where}: not UTF-8 ({exc.reason}); skipped")
            return None
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: invalid JSON: {exc.msg}; skipped")
            return None
        if not isinstance(record, dict):
            problems.append(f"{where}: needs a string id and text; skipped")
            return None
        return record

    def read(self, placed: Placed) -> dict[str, Any]:
        """The record at ``placed``, read again from its file."""
        stream = self._streams.get(placed.file)
        if stream is None:
            stream = self._streams[placed.file] = self.paths[placed.file].open("rb")
        stream.seek(placed.offset)
        return json.loads(stream.read(placed.length).decode("utf-8"))

    def close(self) -> None:
        for stream in self._streams.values():
            stream.close()
        self._streams = {}


class Decisions:
    """The verdicts of the records decided so far, and the texts of those kept, by id."""

    def __init__(self, inputs: InputRecords, earlier: StoredTexts,
                 beside: Callable[[str], str | None]) -> None:
        self.inputs = inputs
        self.earlier, self.beside = earlier, beside
        self.verdicts: dict[int, Verdict] = {}  # only the records not kept whole
        self.kept: dict[str, Placed] = {}

    def decide(self, placed: list[Placed], near: NearDuplicateFilter,
               progress: Progress | None = None) -> None:
        """Every record with text, a batch at a time in the order copies are kept in."""
        ordered = sorted((p for p in placed if p.order is not None),
                         key=lambda p: p.order or ())
        for start in range(0, len(ordered), BATCH_DOCUMENTS):
            batch = ordered[start:start + BATCH_DOCUMENTS]
            items = []
            for where in batch:
                record = self.inputs.read(where)
                items.append(Item(record["id"], record[self.inputs.text_field],
                                  record.get("created"), where.seen))
            for where, item, verdict in zip(batch, items, near.decide(items), strict=True):
                if verdict.already_in_corpus or verdict.duplicate_of is not None:
                    self.verdicts[where.seen] = verdict
                    continue
                self.kept[item.id] = where
                if verdict.removed_passages:
                    self.verdicts[where.seen] = verdict
            # Their shingles would grow with the input: candidates among them are read back.
            near.forget()
            if progress is not None:
                progress.advance(len(batch), sum(p.length for p in batch),
                                 progress.total_bytes or 0, file_done=False)

    def compared_text(self, doc_id: str) -> str | None:
        """The text a document was compared by: a record's as given."""
        where = self.kept.get(doc_id)
        if where is None:
            return self._stored(doc_id)
        return self.inputs.read(where)[self.inputs.text_field]

    def kept_text(self, doc_id: str) -> str | None:
        """The text a document is written with, once its repeated passages are cut."""
        where = self.kept.get(doc_id)
        if where is None:
            return self._stored(doc_id)
        text = self.inputs.read(where)[self.inputs.text_field]
        verdict = self.verdicts.get(where.seen)
        return text if verdict is None else without(text, verdict.removed_passages)

    def _stored(self, doc_id: str) -> str | None:
        text = self.earlier(doc_id)
        return text if text is not None else self.beside(doc_id)


def without(text: str, removed: list[tuple[int, str, float]]) -> str:
    """``text`` with the paragraphs of ``removed`` cut."""
    cut = {number for number, _, _ in removed}
    return "\n".join(p for n, p in enumerate(text.split("\n")) if n not in cut)


@dataclass
class Outcome:
    """What one record became: kept (perhaps cut), rejected, or already in the index."""

    kept: dict[str, Any] | None
    rejects: list[dict[str, Any]]
    already: bool = False
    empty: bool = False


def outcome(record: dict[str, Any], verdict: Verdict | None, text_field: str) -> Outcome:
    """The record as written, and its rejects, for its verdict (None: kept whole)."""
    if not record[text_field].strip():
        return Outcome(None, [_document_reject(record, text_field, "empty-text",
                                               f"no text in its field {text_field!r}")],
                       empty=True)
    if verdict is None:
        return Outcome(record, [])
    if verdict.already_in_corpus:
        return Outcome(None, [], already=True)
    if verdict.duplicate_of is not None:
        provenance = {"duplicate_of": verdict.duplicate_of, "cluster": verdict.duplicate_of,
                      "similarity": verdict.similarity}
        why = (f"Jaccard {verdict.similarity} of its character 3-grams with document "
               f"{verdict.duplicate_of}")
        return Outcome(None, [_document_reject(record, text_field, "near-duplicate", why,
                                               provenance)])
    rejects: list[dict[str, Any]] = []
    cut = _cut(record, verdict.removed_passages, rejects, text_field)
    if cut[text_field].strip():
        return Outcome(cut, rejects)
    source = Counter(passage.rpartition("#")[0]
                     for _, passage, _ in verdict.removed_passages).most_common(1)[0][0]
    why = (f"no text left once its {len(verdict.removed_passages)} paragraphs repeating "
           f"passages kept elsewhere (of document {source}) were cut")
    edits = cut["provenance"]["edits"]
    return Outcome(None, [_document_reject(record, text_field, "empty-after-passages", why,
                                           {"duplicate_of": source, "cluster": source,
                                            "edits": edits})], empty=True)


def _document_reject(record: dict[str, Any], text_field: str, rule: str, why: str,
                     provenance: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "kind": "document", "id": record["id"], "text": record[text_field],
        "source": record.get("source"), "added": record.get("added"),
        "reason": {"step": STEP, "rule": rule, "why": why},
        "metadata": record.get("metadata"),
        "provenance": {**(record.get("provenance") or {}), **(provenance or {})},
    }


def _cut(record: dict[str, Any], removed: list[tuple[int, str, float]],
         rejects: list[dict[str, Any]], text_field: str) -> dict[str, Any]:
    paragraphs = record[text_field].split("\n")
    provenance = dict(record.get("provenance") or {})
    edits = list(provenance.get("edits", []))
    for number, passage, similarity in removed:
        why = f"repeats passage {passage} (Jaccard {similarity}) kept elsewhere"
        edits.append({"step": STEP, "rule": "near-duplicate-passage", "action": "remove",
                      "text": paragraphs[number], "why": why})
        rejects.append({"kind": "span", "id": record["id"], "text": paragraphs[number],
                        "source": record.get("source"), "added": record.get("added"),
                        "reason": {"step": STEP, "rule": "near-duplicate-passage", "why": why},
                        "provenance": {k: v for k, v in provenance.items() if k != "edits"}})
    provenance["edits"] = edits
    return {**record, text_field: without(record[text_field], removed), "provenance": provenance}


def outcomes(inputs: InputRecords, placed: list[Placed], decisions: Decisions,
             progress: Progress | None = None) -> Iterator[Outcome]:
    """What each record became, in input order."""
    for where in placed:
        if progress is not None:
            progress.record(str(inputs.paths[where.file]), where.length)
        yield outcome(inputs.read(where), decisions.verdicts.get(where.seen),
                      inputs.text_field)


def write_outcomes(outdir: Path, written: Iterator[Outcome]) -> dict[str, int]:
    """Append the kept records and the rejects to the folder's files (each replaced
    atomically, so a failed run leaves them as they were); the counts."""
    outdir.mkdir(parents=True, exist_ok=True)
    counts = dict.fromkeys(("read", "kept", "rejected", "empty", "already_in_index"), 0)
    with atomic_open(outdir / "documents.jsonl") as documents, \
            atomic_open(outdir / "rejects.jsonl") as rejects:
        _append_existing(documents, outdir / "documents.jsonl")
        _append_existing(rejects, outdir / "rejects.jsonl")
        for record in written:
            counts["read"] += 1
            if record.kept is not None:
                counts["kept"] += 1
                documents.write(json_line(record.kept))
            elif record.empty:
                counts["empty"] += 1
            elif record.already:
                counts["already_in_index"] += 1
            else:
                counts["rejected"] += 1
            rejects.writelines(json_line(reject) for reject in record.rejects)
    return counts


def _append_existing(stream: IO[str], existing: Path) -> None:
    """What ``existing`` holds, copied into ``stream`` first."""
    if existing.is_file():
        with existing.open(encoding="utf-8") as old:
            shutil.copyfileobj(old, stream)


@click.command(
    "dedup",
    epilog="Examples:\n\n\b\n    curate dedup old/documents.jsonl new.jsonl -o deduped\n"
           "    curate dedup crawl.jsonl -o deduped --index corpus/.index\n"
           "    curate dedup crawl.jsonl -o deduped --text-field content",
)
@click.argument("inputs", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", "outdir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for documents.jsonl, rejects.jsonl and manifest.json.")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Near-duplicate index to check against and add to (default: OUTPUT/.index).")
@click.option("--threshold", type=float, default=0.8, show_default=True,
              help="Jaccard of character 3-grams at which two documents are duplicates.")
@click.option("--passage-min-chars", type=int, default=50, show_default=True,
              help="Shortest paragraph checked for repeats.")
@click.option("--text-field", default="text", show_default=True,
              help="Field holding the text of each record.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors, and no progress bar.")
@click.option("-v", "--verbose", is_flag=True, help="Progress on standard error every few "
                                                    "seconds when it is not a terminal.")
def dedup_command(inputs: tuple[Path, ...], outdir: Path, index_dir: Path | None,
                  threshold: float, passage_min_chars: int, text_field: str,
                  quiet: bool, verbose: bool) -> None:
    """Remove near-duplicate documents and passages from JSONL records already cleaned.

    Keeps the earliest copy of each cluster (then the most complete, then the first seen);
    the others go to rejects.jsonl with duplicate_of, cluster and similarity. A record with
    no text left goes there too. The input is read three times (placing, deciding, writing):
    give files, not a pipe.
    """
    records = InputRecords(list(inputs), text_field)
    progress = progress_for([str(p) for p in inputs], quiet, verbose, label="dedup, reading")
    try:
        try:
            placed, problems = records.place(progress)
        except TextFieldError as exc:
            raise click.UsageError(str(exc)) from exc
        index_dir = index_dir or outdir / ".index"
        # Texts of earlier runs to verify candidates against: this output's, and the corpus
        # beside the index (curate's own records keep theirs in "text").
        output = outdir / "documents.jsonl"
        beside = (CorpusReader(index_dir.parent).text if index_dir.parent != outdir
                  else StoredTexts([]))
        decisions = Decisions(
            records, StoredTexts([output] if output.is_file() else [], text_field), beside)
        try:
            near = NearDuplicateFilter(index_dir, threshold=threshold,
                                       passage_min_chars=passage_min_chars,
                                       stored_text=decisions.compared_text,
                                       kept_text=decisions.kept_text)
        except (IndexParameterError, IndexLockedError) as exc:
            raise click.UsageError(str(exc)) from exc
        try:
            if progress is not None:
                progress.begin("dedup, deciding")
            decisions.decide(placed, near, progress)
            if progress is not None:
                progress.begin("dedup, writing")
            counts = write_outcomes(outdir, outcomes(records, placed, decisions, progress))
            counts["skipped_lines"] = len(problems)
            with atomic_open(outdir / "manifest.json") as stream:
                stream.write(json.dumps({"inputs": [str(p) for p in inputs], "counts": counts,
                                         "threshold": threshold, "problems": problems},
                                        ensure_ascii=False, indent=2) + "\n")
            near.commit()
        finally:
            near.close()
    finally:
        records.close()
        if progress is not None:
            progress.close()
    if not quiet:
        for problem in problems:
            click.echo(f"warning: {problem}", err=True)
        empty = f", {counts['empty']} without text" if counts["empty"] else ""
        click.echo(f"{counts['read']} read: {counts['kept']} kept, {counts['rejected']} "
                   f"near-duplicates{empty}, {counts['already_in_index']} already in the "
                   f"index -> {outdir}")
    if problems:
        raise SystemExit(1)
