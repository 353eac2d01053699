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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from curate.clean.unspin import CANDIDATE_RULE, parse_candidates
from curate.io.archives import SEPARATOR, member_bytes
from curate.io.decode import DecodeError, decode_bytes
from curate.io.readers import HTML_SUFFIXES, JSONL_SUFFIXES
from curate.io.stdin import STDIN_NAME
from curate.io.writers import whole_record
from curate.storage import DOCUMENTS, KINDS, MANIFEST, CorpusReader


@dataclass
class Journey:
    """A record found in the corpus, whether it was kept, and its source text."""

    record: dict[str, Any]
    status: str  # "kept" or "rejected"
    corpus_file: str
    before: str | None  # the source lines the document came from, when the file is readable
    before_problem: str | None = None  # why ``before`` is None
    note: str | None = None  # how the record was found, when not by its own span

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
            "before_problem": self.before_problem,
            "note": self.note,
            "after": self.record.get("text") if self.status == "kept" else None,
        }


def iter_records(corpus: Path) -> Iterator[tuple[dict[str, Any], str, str]]:
    """``(record, status, file name)`` for every document of a corpus folder.

    Rejected documents come from rejects of kind ``document``; removed spans are not
    documents and are shown as edits of the document they were cut from.
    """
    reader = CorpusReader(corpus)
    for kind in KINDS:
        for line, path, _number in reader.lines(kind):
            try:
                record = json.loads(line)
            except (ValueError, RecursionError):
                continue  # not a record (`curate check` names it): no journey
            if not isinstance(record, dict):
                continue
            name = path.relative_to(corpus).as_posix()
            whole_record(record)
            if kind == DOCUMENTS:
                yield record, "kept", name
            elif record.get("kind") == "document":
                yield record, "rejected", name


@dataclass
class Sources:
    """The source files explain may read: only those under the inputs the corpus's manifest
    records, found from the folder each run worked in (recorded as ``working_folder``,
    relative to the corpus; the current folder for a manifest that does not say). A record
    naming any other file, whatever it says, is not read."""

    base: Path
    roots: list[Path] = field(default_factory=list)
    text_field: str = "text"

    @classmethod
    def of(cls, corpus: Path) -> Sources:
        try:
            manifest = json.loads((corpus / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(Path.cwd())
        runs = manifest.get("runs") or [manifest]
        sources = cls(_working_folder(corpus, manifest),
                      text_field=(manifest.get("configuration") or {}).get("text_field")
                      or "text")
        for run in runs:
            base = _working_folder(corpus, run)
            for given in run.get("inputs") or []:
                path = given.get("path") if isinstance(given, dict) else given
                if isinstance(path, str) and path != "-":
                    sources.roots.append((base / path).resolve())
        return sources

    def locate(self, file: str) -> tuple[str | None, str | None]:
        """The name to read ``file`` by (an archive member keeps its ``!/member``), or None
        and why it is not read."""
        if file.startswith(STDIN_NAME):
            return None, "it was read from standard input, which is not kept"
        archive, separator, member = file.partition(SEPARATOR)
        path = (self.base / archive).resolve()
        if not any(path == root or root in path.parents for root in self.roots):
            return None, (f"{archive} is not under the inputs the corpus's manifest records "
                          "as read, so it is not opened")
        return str(path) + separator + member, None


def _working_folder(corpus: Path, recorded: dict[str, Any]) -> Path:
    folder = recorded.get("working_folder")
    return (corpus / folder).resolve() if isinstance(folder, str) else Path.cwd()


def find_journeys(corpus: Path, target: str) -> list[Journey]:
    """Records whose id is ``target``, or that came from ``PATH`` (covering ``LINE``).

    A line that lies in no article's span (a line cut at an article's edge, or one between
    two articles) finds the article whose edits say it was cut from it, else the nearest.
    """
    path, line = _split_target(target)
    sources = Sources.of(corpus)
    found, of_file = [], []
    kept = CorpusReader(corpus).document(target) if line is None else None
    records = ([(kept, "kept", "documents")] if kept is not None else iter_records(corpus))
    for record, status, name in records:
        provenance = record.get("provenance") if isinstance(record.get("provenance"), dict) else {}
        if record.get("id") == target or _covers(provenance, path, line):
            found.append(Journey(record, status, name, None))
        elif line is not None and _covers(provenance, path, None):
            of_file.append(Journey(record, status, name, None))
    if not found and of_file:
        found = [_owner_of_line(of_file, path, line)]
    for journey in found:
        journey.before, journey.before_problem = source_text(journey.provenance, sources)
    return found


def _owner_of_line(journeys: list[Journey], path: str, line: int) -> Journey:
    """The article a source line outside every span was cut from, or the nearest one."""
    for journey in journeys:
        for edit in journey.provenance.get("edits", []):
            if edit.get("line") == line and edit.get("action") in ("remove", "metadata"):
                journey.note = (f"{path}:{line} is not in the text of any article: "
                                f"{edit.get('step')} ({edit.get('rule')}) cut it from part "
                                f"{journey.provenance.get('part')}: {_short(edit.get('text', ''))}")
                return journey

    def distance(journey: Journey) -> int:
        first, last = journey.provenance.get("lines") or (0, 0)
        return 0 if first <= line <= last else min(abs(line - first), abs(line - last))

    nearest = min(journeys, key=distance)
    first, last = nearest.provenance.get("lines") or (0, 0)
    nearest.note = (f"{path}:{line} is in no article of the file; the nearest is part "
                    f"{nearest.provenance.get('part')} (lines {first}-{last})")
    return nearest


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


def source_text(provenance: dict[str, Any], sources: Sources) -> tuple[str | None, str | None]:
    """The source lines a document spans, as the reader saw them, or None and why not.

    A page's lines are those of its extracted text (the reader's, not the markup's); a JSONL
    record's are those of its text field; a WARC record's those of its page or text.
    """
    file, lines = provenance.get("file"), provenance.get("lines")
    if not file or not lines:
        return None, "the record names no source lines"
    name, problem = sources.locate(file)
    if name is None:
        return None, problem
    try:
        text = _read_source(name, file, provenance.get("record"), sources.text_field)
    except (OSError, DecodeError, EOFError, ValueError, KeyError) as exc:
        return None, f"{file} cannot be read: {exc}"
    first, last = lines
    return "\n".join(text.split("\n")[first - 1 : last]), None


def _read_source(name: str, file: str, record: int | None, text_field: str) -> str:
    """The text a reader made of a source (one record of it, for JSONL and WARC)."""
    from curate.io.warc import is_warc, record_text

    raw = member_bytes(name)
    lowered = file.lower()
    if is_warc(lowered) and record is not None:
        return record_text(raw, record)
    if lowered.endswith(".gz"):
        raw = gzip.decompress(raw)
        lowered = lowered.removesuffix(".gz")
    suffix = Path(lowered.partition(SEPARATOR)[2] or lowered).suffix
    if record is not None and suffix in JSONL_SUFFIXES:
        line = raw.split(b"\n")[record - 1]
        value = json.loads(decode_bytes(line).text)[text_field]
        if not isinstance(value, str):
            raise ValueError(f"record {record} has no string field {text_field!r}")
        return value.replace("\r\n", "\n").replace("\r", "\n")
    text = decode_bytes(raw).text
    if suffix in HTML_SUFFIXES or text.lstrip()[:1000].lower().startswith(("<!doctype html",
                                                                             "<html")):
        from curate.io.html import extract_article

        return extract_article(text).text
    return text


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
        if edit.get("rule") == CANDIDATE_RULE:
            _candidate_rows(table, number, edit)
            continue
        if edit.get("replacement") is not None:
            change = f"{change} → {edit['replacement']}"
        if edit.get("confidence") is not None:
            change += f"  {_weighed(edit)}"
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


def _weighed(edit: dict[str, Any]) -> str:
    """``confidence 0.99; 性能 0.01, keep 0.00``: how sure a decision was, and what else."""
    alternatives = edit.get("alternatives") or ()
    others = ", ".join(f"{a['word']} {a['probability']:.2f}" for a in alternatives)
    return f"confidence {edit['confidence']:.2f}" + (f"; {others}" if others else "")


def _candidate_rows(table: Table, number: int, edit: dict[str, Any]) -> None:
    """The spin candidates a document lists in one edit, a row each:
    ``功用  confidence 0.73; 功能 0.22, keep 0.05``."""
    candidates = parse_candidates(edit.get("text", ""))
    table.add_row(str(number), edit.get("step", ""), edit.get("rule", ""),
                  edit.get("action", ""), str(edit.get("line") or ""),
                  f"{len(candidates)} words left as they are")
    for candidate in candidates:
        (best, confidence), *others = candidate.readings
        weighed = {"confidence": confidence,
                   "alternatives": [{"word": best, "probability": confidence}]
                   + [{"word": w, "probability": p} for w, p in others]}
        table.add_row("", "", "", "", str(candidate.line),
                      _short(f"{candidate.form}  {_weighed(weighed)}"))


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
    # Piped, nothing is cut to the width of a terminal that is not there.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 10_000)
    for journey in journeys:
        if journey.note:
            console.print(Text(journey.note, style="yellow"))
        render(journey, console)
        if journey.before is None and journey.status == "kept":
            console.print(Text(f"no before/after diff: {journey.before_problem}", style="dim"))
