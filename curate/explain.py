"""`curate explain ID|PATH[:LINE]`: one document's journey from its source lines to its text.

Everything shown comes from the record's own provenance (the edits the steps recorded) and
from the source file it names: no cleaning step is run again.
"""

from __future__ import annotations

import difflib
import gzip
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from curate.io.archives import member_bytes
from curate.io.decode import DecodeError, decode_bytes

CORPUS_FILES = ("documents", "rejects")


@dataclass
class Journey:
    """A record found in the corpus, whether it was kept, and its source text."""

    record: dict[str, Any]
    status: str  # "kept" or "rejected"
    corpus_file: str
    before: str | None  # the source lines the document came from, when the file is readable

    @property
    def provenance(self) -> dict[str, Any]:
        provenance = self.record.get("provenance")
        return provenance if isinstance(provenance, dict) else {}

    def to_json(self) -> dict[str, Any]:
        provenance = self.provenance
        return {
            "id": self.record.get("id"),
            "status": self.status,
            "reason": self.record.get("reason"),
            "file": provenance.get("file"),
            "part": provenance.get("part"),
            "lines": provenance.get("lines") or provenance.get("line"),
            "edits": provenance.get("edits", []),
            "before": self.before,
            "after": self.record.get("text") if self.status == "kept" else None,
        }


def iter_records(corpus: Path) -> Iterator[tuple[dict[str, Any], str, str]]:
    """``(record, status, file name)`` for every document of a corpus folder.

    Rejected documents come from ``rejects*.jsonl`` lines of kind ``document``; removed spans
    are not documents and are shown as edits of the document they were cut from.
    """
    for kind in CORPUS_FILES:
        for path in sorted(corpus.glob(f"{kind}*.jsonl")):
            with path.open(encoding="utf-8") as stream:
                for line in stream:
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                    except (ValueError, RecursionError):
                        continue  # not a record (`curate check` names it): no journey
                    if not isinstance(record, dict):
                        continue
                    if kind == "documents":
                        yield record, "kept", path.name
                    elif record.get("kind") == "document":
                        yield record, "rejected", path.name


def find_journeys(corpus: Path, target: str) -> list[Journey]:
    """Records whose id is ``target``, or that came from ``PATH`` (covering ``LINE``)."""
    path, line = _split_target(target)
    found = []
    for record, status, name in iter_records(corpus):
        provenance = record.get("provenance") if isinstance(record.get("provenance"), dict) else {}
        if record.get("id") == target or _covers(provenance, path, line):
            found.append(Journey(record, status, name, source_text(provenance)))
    return found


def _split_target(target: str) -> tuple[str, int | None]:
    head, _, tail = target.rpartition(":")
    if head and tail.isdigit():
        return head, int(tail)
    return target, None


def _covers(provenance: dict[str, Any], path: str, line: int | None) -> bool:
    file = provenance.get("file")
    if not file or (file != path and Path(file).resolve() != Path(path).resolve()):
        return False
    if line is None:
        return True
    lines = provenance.get("lines")
    return bool(lines) and lines[0] <= line <= lines[1]


def source_text(provenance: dict[str, Any]) -> str | None:
    """The lines of the source file a document spans, or None when the file is not readable.

    A JSONL record's source is its text field, which cannot be recovered here: None.
    """
    file, lines = provenance.get("file"), provenance.get("lines")
    if not file or not lines or provenance.get("record") is not None:
        return None
    try:
        raw = member_bytes(file)
        if file.endswith(".gz"):
            raw = gzip.decompress(raw)
        text = decode_bytes(raw).text
    except (OSError, DecodeError, EOFError):
        return None
    first, last = lines
    return "\n".join(text.split("\n")[first - 1 : last])


def render(journey: Journey, console: Console) -> None:
    provenance = journey.provenance
    record = journey.record
    span = provenance.get("lines") or [provenance.get("line")] * 2
    console.print(Text(f"{record.get('id')}  {journey.status}", style="bold"))
    console.print(f"source: {provenance.get('file')} lines {span[0]}-{span[1]}, "
                  f"part {provenance.get('part')}, encoding {provenance.get('encoding')}")
    if journey.status == "rejected" and record.get("reason"):
        reason = record["reason"]
        console.print(Text(f"rejected by {reason.get('step')} ({reason.get('rule')}): "
                           f"{reason.get('why')}", style="red"))
    metadata = record.get("metadata") if isinstance(record.get("metadata"), dict) else {}
    shown = {k: v for k, v in metadata.items() if v not in (None, [], "")}
    if shown:
        console.print("metadata: " + json.dumps(shown, ensure_ascii=False))
    table = Table("#", "step", "rule", "action", "line", "text", title="edits, in order")
    for number, edit in enumerate(provenance.get("edits", []), start=1):
        change = edit.get("text", "")
        if edit.get("replacement") is not None:
            change = f"{change} → {edit['replacement']}"
        table.add_row(str(number), edit.get("step", ""), edit.get("rule", ""),
                      edit.get("action", ""), str(edit.get("line") or ""), _short(change))
    console.print(table)
    if journey.before is not None and journey.status == "kept":
        console.print(Text("before → after", style="bold"))
        console.print(diff_text(journey.before, record.get("text", "")))


def diff_text(before: str, after: str) -> Text:
    """A line diff of source and result, removed lines red and added lines green."""
    out = Text()
    before_lines = [line for line in before.split("\n") if line.strip()]
    for line in difflib.ndiff(before_lines, after.split("\n")):
        tag, body = line[:2], line[2:]
        if tag == "- ":
            out.append(f"- {body}\n", style="red")
        elif tag == "+ ":
            out.append(f"+ {body}\n", style="green")
        elif tag == "  ":
            out.append(f"  {body}\n", style="dim")
    return out


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@click.command(
    "explain",
    epilog="Examples:\n\n\b\n    curate explain 1c2f0e9a6b3d4f5a6b7c8d9e\n"
           "    curate explain seeds/004_ff3c2cd626ef0b70.txt:150 --format json",
)
@click.argument("target")
@click.option("--corpus", "corpus_dir", default="corpus", show_default=True,
              type=click.Path(file_okay=False), help="The corpus folder to look in.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True, help="Terminal view or JSON for tools.")
def explain_command(target: str, corpus_dir: str, output_format: str) -> None:
    """Show how one document got its text: source lines, every edit, a before/after diff.

    TARGET is a document id, or the source file as recorded in provenance, optionally with a
    line number (PATH:LINE) to pick the article of a multi-article file.
    """
    corpus = Path(corpus_dir)
    if not corpus.is_dir():
        raise click.UsageError(f"{corpus}: corpus folder not found (use --corpus)")
    if isinstance(sys.stdout, io.TextIOWrapper):  # a lone surrogate is shown as \udxxx
        sys.stdout.reconfigure(errors="backslashreplace")
    journeys = find_journeys(corpus, target)
    if not journeys:
        raise click.ClickException(f"no document with id or source {target!r} in {corpus}")
    if output_format == "json":
        click.echo(json.dumps([j.to_json() for j in journeys], ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False)
    for journey in journeys:
        render(journey, console)
