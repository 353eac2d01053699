"""`curate dedup`: near-duplicate removal on its own, over JSONL records already cleaned.

The records (curate's output format, or any JSONL with ``id`` and ``text``) go through the
same `NearDuplicateFilter` as `curate run` uses; the kept ones are written unchanged unless a
repeated passage was cut from them, in which case the cut is appended to their edits.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from curate.dedup.index import IndexLockedError, IndexParameterError
from curate.dedup.near import Item, NearDuplicateFilter, StoredTexts
from curate.io.text_field import TextFieldError, TextFieldProbe
from curate.io.writers import atomic_open, json_line
from curate.storage import CorpusReader

STEP = "drop_near_duplicates"


def read_records(paths: list[Path], text_field: str = "text"
                 ) -> tuple[list[dict[str, Any]], list[str]]:
    """Records with a string ``id`` and text in ``text_field``; problems as
    ``file:line: message``.

    A file whose first records all lack the text field was given the wrong field: that is a
    `TextFieldError` naming the fields they have, not one skipped line a record.
    """
    records, problems = [], []
    for path in paths:
        probe = TextFieldProbe(str(path), text_field)
        with path.open(encoding="utf-8") as stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    problems.append(f"{path}:{number}: invalid JSON: {exc.msg}; skipped")
                    continue
                if isinstance(record, dict):
                    probe.saw(record, number)
                if not (isinstance(record, dict) and isinstance(record.get("id"), str)
                        and isinstance(record.get(text_field), str)):
                    problems.append(f"{path}:{number}: needs a string id and {text_field}; "
                                    "skipped")
                    continue
                records.append(record)
        probe.finish()
    return records, problems


def deduplicate(records: list[dict[str, Any]], near: NearDuplicateFilter,
                text_field: str = "text"
                ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """Kept records, reject records and the number already in the index, in input order."""
    items = [Item(r["id"], r[text_field], r.get("created"), n) for n, r in enumerate(records)]
    kept, rejects, already = [], [], 0
    for record, verdict in zip(records, near.decide(items), strict=True):
        if verdict.already_in_corpus:
            already += 1
        elif verdict.duplicate_of is not None:
            provenance = dict(record.get("provenance") or {})
            provenance.update(duplicate_of=verdict.duplicate_of, cluster=verdict.duplicate_of,
                              similarity=verdict.similarity)
            rejects.append({
                "kind": "document", "id": record["id"], "text": record[text_field],
                "source": record.get("source"), "added": record.get("added"),
                "reason": {"step": STEP, "rule": "near-duplicate",
                           "why": f"Jaccard {verdict.similarity} of its character 3-grams "
                                  f"with document {verdict.duplicate_of}"},
                "metadata": record.get("metadata"),
                "provenance": provenance,
            })
        else:
            kept.append(_cut(record, verdict.removed_passages, rejects, text_field))
    return kept, rejects, already


def _cut(record: dict[str, Any], removed: list[tuple[int, str, float]],
         rejects: list[dict[str, Any]], text_field: str) -> dict[str, Any]:
    if not removed:
        return record
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
    cut = {number for number, _, _ in removed}
    provenance["edits"] = edits
    text = "\n".join(p for n, p in enumerate(paragraphs) if n not in cut)
    return {**record, text_field: text, "provenance": provenance}


@click.command(
    "dedup",
    epilog="Examples:\n\n\b\n    curate dedup old/documents.jsonl new.jsonl -o deduped\n"
           "    curate dedup crawl.jsonl -o deduped --index corpus/.index",
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
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def dedup_command(inputs: tuple[Path, ...], outdir: Path, index_dir: Path | None,
                  threshold: float, passage_min_chars: int, text_field: str,
                  quiet: bool) -> None:
    """Remove near-duplicate documents and passages from JSONL records already cleaned.

    Keeps the earliest copy of each cluster (then the most complete, then the first seen);
    the others go to rejects.jsonl with duplicate_of, cluster and similarity.
    """
    try:
        records, problems = read_records(list(inputs), text_field)
    except TextFieldError as exc:
        raise click.UsageError(str(exc)) from exc
    index_dir = index_dir or outdir / ".index"
    # Texts to verify candidates against: this output's, and the corpus beside the index
    # (curate's own records keep theirs in "text").
    output = outdir / "documents.jsonl"
    stored = StoredTexts([output] if output.is_file() else [], text_field)
    beside = CorpusReader(index_dir.parent) if index_dir.parent != outdir else None

    def stored_text(doc_id: str) -> str | None:
        text = stored(doc_id)
        return text if text is not None or beside is None else beside.text(doc_id)

    try:
        near = NearDuplicateFilter(index_dir, threshold=threshold,
                                   passage_min_chars=passage_min_chars,
                                   stored_text=stored_text)
    except (IndexParameterError, IndexLockedError) as exc:
        raise click.UsageError(str(exc)) from exc
    try:
        kept, rejects, already = deduplicate(records, near, text_field)
        outdir.mkdir(parents=True, exist_ok=True)
        for name, new in (("documents.jsonl", kept), ("rejects.jsonl", rejects)):
            with atomic_open(outdir / name) as stream:
                existing = outdir / name
                if existing.is_file():
                    stream.write(existing.read_text(encoding="utf-8"))
                stream.writelines(json_line(record) for record in new)
        counts = {"read": len(records), "kept": len(kept),
                  "rejected": sum(r["kind"] == "document" for r in rejects),
                  "already_in_index": already, "skipped_lines": len(problems)}
        with atomic_open(outdir / "manifest.json") as stream:
            stream.write(json.dumps({"inputs": [str(p) for p in inputs], "counts": counts,
                                     "threshold": threshold, "problems": problems},
                                    ensure_ascii=False, indent=2) + "\n")
        near.commit()
    finally:
        near.close()
    if not quiet:
        for problem in problems:
            click.echo(f"warning: {problem}", err=True)
        click.echo(f"{counts['read']} read: {counts['kept']} kept, {counts['rejected']} "
                   f"near-duplicates, {already} already in the index -> {outdir}")
    if problems:
        raise SystemExit(1)
