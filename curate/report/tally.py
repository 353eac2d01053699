"""Read a corpus folder once, record by record, into the figures its report shows.

Nothing is held per document: counts go into fixed bins or tables whose size is capped
(`BoundedTable`), and examples of each rule's work are a small reservoir sample per rule,
drawn with a fixed seed so that the same corpus gives the same report.
"""

from __future__ import annotations

import gzip
import io
import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from curate.clean.language import count_scripts
from curate.dedup.exact import STEP as EXACT_STEP
from curate.dedup.stage import NEAR_STEP
from curate.io.archives import member_bytes
from curate.io.decode import DecodeError, decode_bytes
from curate.io.readers import HTML_SUFFIXES, MARKDOWN_SUFFIXES, TEXT_SUFFIXES
from curate.io.readers import STEP as READ_STEP
from curate.io.writers import whole_record
from curate.markup import STEP as MARKUP_STEP
from curate.pipeline import DEFAULT_STEPS
from curate.storage import DOCUMENTS, MANIFEST, REJECTS, CorpusReader

EXAMPLES_PER_RULE = 3
LARGEST = 15  # rows of the largest sources and of the largest duplicate clusters
SOURCES_KEPT = 2_000  # sources tallied exactly before the smallest are let go
CLUSTERS_KEPT = 100_000
SPIN_BIN = 2.0  # spin score per 1,000 Han characters; spun text scores 25 to 100
SPIN_TOP = 100.0  # scores above fall in the last bin
SIMILARITY_BIN = 0.02
CONTEXT_LINES = 1  # non-blank source lines shown on each side of an example
CONTEXT_WINDOW = 4  # how far from the example they are looked for
SNIPPET_CHARS = 120
# The step the script of a document is read from, and what its OpenCC configuration says.
CONVERSION_STEP = "convert_to_simplified"
WRITTEN_IN = {"opencc-t2s": "traditional", "opencc-hk2s": "traditional (Hong Kong)",
              "opencc-tw2s": "traditional (Taiwan)"}
SIMPLIFIED = "simplified"
# Edits whose text left the body: cut, or moved into a metadata field.
BODY_REMOVALS = ("remove", "metadata")
# Files whose edit lines can be found again: text, Markdown, and HTML through its extraction.
LINE_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES


class CorpusError(ValueError):
    """A corpus folder that cannot be reported on; the message names the file and line."""


class BoundedTable:
    """Sums of a few columns per key, keeping at most ``capacity`` keys, the largest first.

    When more keys than twice the capacity arrive, the ones ranked lowest by ``rank_by`` are
    let go and ``exact`` turns false: the figures of the keys kept are then lower bounds.

    >>> table = BoundedTable(("documents", "characters"), capacity=1, rank_by="characters")
    >>> table.add("新华网", documents=1, characters=900)
    >>> table.add("人民网", documents=2, characters=400)
    >>> table.top(1)
    [('新华网', {'documents': 1, 'characters': 900})]
    """

    def __init__(self, columns: tuple[str, ...], capacity: int, rank_by: str) -> None:
        self.columns = columns
        self.capacity = capacity
        self.rank = columns.index(rank_by)
        self.rows: dict[str, list[int]] = {}
        self.exact = True

    def add(self, key: str, **amounts: int) -> None:
        row = self.rows.get(key)
        if row is None:
            if len(self.rows) >= 2 * self.capacity:
                self._prune()
            row = self.rows[key] = [0] * len(self.columns)
        for name, amount in amounts.items():
            row[self.columns.index(name)] += amount

    def _prune(self) -> None:
        kept = sorted(self.rows.items(), key=lambda item: -item[1][self.rank])[: self.capacity]
        self.rows = dict(kept)
        self.exact = False

    def top(self, n: int) -> list[tuple[str, dict[str, int]]]:
        """The ``n`` largest keys by the ranking column, ties by key."""
        ranked = sorted(self.rows.items(), key=lambda item: (-item[1][self.rank], item[0]))
        return [(key, dict(zip(self.columns, row, strict=True))) for key, row in ranked[:n]]

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class Example:
    """One thing a rule did, where it was, and the text around it."""

    step: str
    rule: str
    action: str
    text: str
    replacement: str | None
    why: str | None
    file: str | None
    line: int | None  # in the source file, or in the record's text for a JSONL record
    document: str
    title: str | None
    record: int | None = None  # the line of the record in a JSONL dump
    # Where the edit stood against the kept body: "above", "below", "inside" or None.
    position: str | None = None
    # The kept paragraph next to it, when the edit stood above or below the body.
    neighbour: str | None = None
    # Source lines around the edit, (number, text), when the source file could be read.
    context: list[tuple[int, str]] = field(default_factory=list)


class ExampleSample:
    """A few examples per rule, each rule's drawn evenly from all its edits (reservoir).

    Repeats of a text already drawn are passed over, so three examples show three texts.
    """

    def __init__(self, per_rule: int, seed: int = 0) -> None:
        self.per_rule = per_rule
        self.random = random.Random(seed)
        self.by_rule: dict[tuple[str, str], list[Example]] = {}
        self.seen: Counter[tuple[str, str]] = Counter()

    def offer(self, key: tuple[str, str], text: str, make: Any) -> None:
        """Consider one edit of rule ``key``; ``make()`` builds its example when drawn."""
        chosen = self.by_rule.setdefault(key, [])
        if any(example.text == text for example in chosen):
            return
        self.seen[key] += 1
        if len(chosen) < self.per_rule:
            chosen.append(make())
            return
        slot = self.random.randrange(self.seen[key])
        if slot < self.per_rule:
            chosen[slot] = make()

    def examples(self) -> Iterator[Example]:
        for chosen in self.by_rule.values():
            yield from chosen


@dataclass
class CorpusTally:
    """Everything the report shows, gathered in one pass over a corpus folder."""

    corpus: Path
    manifest: dict[str, Any] = field(default_factory=dict)
    kept: int = 0
    kept_characters: int = 0
    # (step, rule) -> documents dropped and their characters
    dropped: BoundedTable = field(
        default_factory=lambda: BoundedTable(("documents", "characters"), 10_000, "documents"))
    # (step, rule) -> edits and characters taken out of kept documents, or replaced in them
    changes: BoundedTable = field(default_factory=lambda: BoundedTable(
        ("edits", "removed", "replaced"), 10_000, "edits"))
    spans_in_rejects: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    written_in: Counter[str] = field(default_factory=Counter)
    script_characters: Counter[str] = field(default_factory=Counter)
    # spin-score bin -> (documents not flagged, documents flagged spun)
    spin_bins: dict[int, list[int]] = field(default_factory=dict)
    # kept id -> copies dropped as its duplicates
    clusters: BoundedTable = field(
        default_factory=lambda: BoundedTable(("copies",), CLUSTERS_KEPT, "copies"))
    similarity_bins: Counter[int] = field(default_factory=Counter)
    exact_copies: int = 0
    near_copies: int = 0
    # ids of the largest clusters -> title (or opening) of the copy kept, from the documents
    cluster_titles: dict[str, str | None] = field(default_factory=dict)
    files: BoundedTable = field(default_factory=lambda: BoundedTable(
        ("kept", "characters", "dropped", "removed"), SOURCES_KEPT, "characters"))
    sites: BoundedTable = field(default_factory=lambda: BoundedTable(
        ("kept", "characters", "dropped", "removed"), SOURCES_KEPT, "characters"))
    examples: ExampleSample = field(default_factory=lambda: ExampleSample(EXAMPLES_PER_RULE))
    dropped_examples: ExampleSample = field(
        default_factory=lambda: ExampleSample(EXAMPLES_PER_RULE))

    @property
    def step_order(self) -> list[str]:
        """The steps in the order the corpus was made with, as its manifest records it."""
        steps = (self.manifest.get("configuration") or {}).get("steps") or DEFAULT_STEPS
        return list(dict.fromkeys([READ_STEP, MARKUP_STEP, *steps, NEAR_STEP]))

    @property
    def dropped_documents(self) -> int:
        return sum(row[0] for row in self.dropped.rows.values())


def tally_corpus(corpus: Path, largest_clusters: int = LARGEST) -> CorpusTally:
    """Read ``corpus`` (as `curate run` writes it) once and gather the report's figures."""
    manifest = _read_manifest(corpus / MANIFEST)
    reader = CorpusReader(corpus, manifest)
    if not reader.paths(DOCUMENTS):
        raise CorpusError(f"{corpus / DOCUMENTS}: not found; give a folder written by "
                          "`curate run`")
    tally = CorpusTally(corpus, manifest=manifest)
    for record in _records(reader, REJECTS):
        _count_reject(tally, record)
    tally.cluster_titles = {key: None for key, _ in tally.clusters.top(largest_clusters)}
    for record in _records(reader, DOCUMENTS):
        _count_document(tally, record)
    _add_source_context(tally, corpus)
    return tally


def _read_manifest(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: not a JSON manifest ({exc}); run `curate run` again") from exc
    return manifest if isinstance(manifest, dict) else {}


def _records(reader: CorpusReader, kind: str) -> Iterator[dict[str, Any]]:
    for line, path, number in reader.lines(kind):
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CorpusError(f"{path}:{number}: invalid JSON ({exc}); "
                              f"`curate check {path}` lists every problem") from exc
        if not isinstance(record, dict):
            raise CorpusError(f"{path}:{number}: not a JSON object; "
                              f"`curate check {path}` lists every problem")
        yield whole_record(record)


def _count_reject(tally: CorpusTally, record: dict[str, Any]) -> None:
    if record.get("kind") != "document":
        tally.spans_in_rejects += 1
        return
    reason = record.get("reason") or {}
    step, rule = str(reason.get("step")), str(reason.get("rule"))
    text = record.get("text") or ""
    provenance = record.get("provenance") or {}
    metadata = record.get("metadata") or {}
    tally.dropped.add(f"{step}\t{rule}", documents=1, characters=len(text))
    for table, key in ((tally.files, provenance.get("file")), (tally.sites, _site(metadata))):
        if key:
            table.add(key, dropped=1)
    copy_of = provenance.get("duplicate_of")
    if copy_of:
        tally.clusters.add(str(copy_of), copies=1)
        similarity = provenance.get("similarity")
        if step == EXACT_STEP:
            tally.exact_copies += 1
        elif isinstance(similarity, int | float):
            tally.near_copies += 1
            tally.similarity_bins[int(similarity / SIMILARITY_BIN + 1e-9)] += 1

    def example() -> Example:
        return Example(step, rule, "drop", _snippet(text), None, reason.get("why"),
                       provenance.get("file"), None, str(record.get("id")),
                       metadata.get("title"), record=provenance.get("record"))

    tally.dropped_examples.offer((step, rule), _snippet(text), example)


def _count_document(tally: CorpusTally, record: dict[str, Any]) -> None:
    text = record.get("text") or ""
    metadata = record.get("metadata") or {}
    provenance = record.get("provenance") or {}
    tally.kept += 1
    tally.kept_characters += len(text)
    tally.languages[str(metadata.get("lang") or "und")] += 1
    scripts = count_scripts(text)
    for name in ("han", "kana", "hangul", "alphabet"):
        tally.script_characters[name] += getattr(scripts, name)
    tally.script_characters["other"] += len(text) - scripts.letters
    _count_spin(tally, metadata)
    if record.get("id") in tally.cluster_titles:
        tally.cluster_titles[record["id"]] = metadata.get("title") or _snippet(text, 60)
    removed_here = 0
    written_in = SIMPLIFIED
    paragraphs = text.split("\n")
    for edit in provenance.get("edits") or []:
        step, rule, action = str(edit.get("step")), str(edit.get("rule")), edit.get("action")
        if step == CONVERSION_STEP:
            written_in = WRITTEN_IN.get(rule, rule)
        if action == "flag":
            continue
        old = edit.get("text") or ""
        removed = len(old) if action in BODY_REMOVALS else 0
        replaced = len(old) if action == "replace" else 0
        removed_here += removed
        tally.changes.add(f"{step}\t{rule}", edits=1, removed=removed, replaced=replaced)
        tally.examples.offer((step, rule), old, lambda edit=edit, step=step, rule=rule: _example(
            edit, step, rule, record, provenance, paragraphs))
    tally.written_in[written_in] += 1
    for table, key in ((tally.files, provenance.get("file")), (tally.sites, _site(metadata))):
        if key:
            table.add(key, kept=1, characters=len(text), removed=removed_here)


def _count_spin(tally: CorpusTally, metadata: dict[str, Any]) -> None:
    score = metadata.get("spin_score")
    if not isinstance(score, int | float):
        return
    spun = "spun" in (metadata.get("flags") or [])
    bin_ = int(min(score, SPIN_TOP) / SPIN_BIN + 1e-9)
    tally.spin_bins.setdefault(bin_, [0, 0])[int(spun)] += 1


def _example(edit: dict[str, Any], step: str, rule: str, record: dict[str, Any],
             provenance: dict[str, Any], paragraphs: list[str]) -> Example:
    line = edit.get("line")
    span = provenance.get("lines")
    position = neighbour = None
    if isinstance(line, int) and span:
        if line < span[0]:
            position, neighbour = "above", paragraphs[0]
        elif line > span[1]:
            position, neighbour = "below", paragraphs[-1]
        else:
            position = "inside"
    return Example(step, rule, str(edit.get("action")), edit.get("text") or "",
                   edit.get("replacement"), edit.get("why"), provenance.get("file"),
                   line if isinstance(line, int) else None, str(record.get("id")),
                   (record.get("metadata") or {}).get("title"), provenance.get("record"),
                   position, _snippet(neighbour) if neighbour else None)


def _site(metadata: dict[str, Any]) -> str | None:
    """The site a document came from: its ``site`` field, else the host of its URL."""
    site = metadata.get("site")
    if isinstance(site, str) and site.strip():
        return site.strip()
    url = metadata.get("url")
    if isinstance(url, str) and url:
        host = urlsplit(url).hostname
        return host.removeprefix("www.") if host else None
    return None


def _snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _add_source_context(tally: CorpusTally, corpus: Path) -> None:
    """Give each example the source lines around it, reading each source file once.

    Files are looked for as recorded (from the folder the run was started in), then beside
    the corpus folder. The lines are those the edits counted: a text file's own, a JSONL
    record's text field's, an HTML page's extracted text's (extracted again, as the run did).
    A file that cannot be found or read leaves its examples without lines.
    """
    text_field = (tally.manifest.get("configuration") or {}).get("text_field") or "text"
    by_file: dict[str, list[Example]] = {}
    for example in tally.examples.examples():
        if example.file and example.line:
            by_file.setdefault(example.file, []).append(example)
    for name, examples in sorted(by_file.items()):
        found = _find_source(name, corpus)
        wanted = {example.record for example in examples if example.record is not None}
        if found is None or (not wanted and _suffix(name) not in LINE_SUFFIXES):
            continue
        try:
            texts = (_record_texts(found, wanted, text_field) if wanted
                     else {None: _file_text(found)})
        except (OSError, DecodeError, EOFError, ValueError):
            continue
        for example in examples:
            text = texts.get(example.record)
            if text is not None:
                example.context = _context(text.split("\n"), example.line)


def _context(lines: list[str], line: int) -> list[tuple[int, str]]:
    """Line ``line`` of ``lines`` with the nearest non-blank lines on each side.

    >>> _context(["作者｜李娜", "", "编辑｜青枫", "出品｜市界"], 3)
    [(1, '作者｜李娜'), (3, '编辑｜青枫'), (4, '出品｜市界')]
    """
    if not 1 <= line <= len(lines):
        return []
    before = [n for n in range(line - 1, max(0, line - 1 - CONTEXT_WINDOW), -1)
              if lines[n - 1].strip()][:CONTEXT_LINES]
    after = [n for n in range(line + 1, min(len(lines), line + CONTEXT_WINDOW) + 1)
             if lines[n - 1].strip()][:CONTEXT_LINES]
    return [(n, lines[n - 1]) for n in [*reversed(before), line, *after]]


def _suffix(name: str) -> str:
    """The suffix that decided how a file was read: ``a.html.gz`` and ``x.zip!/b.htm`` are HTML."""
    return Path(name.rpartition("!/")[2].lower().removesuffix(".gz")).suffix


def _find_source(name: str, corpus: Path) -> str | None:
    archive, separator, member = name.partition("!/")
    for folder in (Path.cwd(), corpus.resolve().parent):
        candidate = folder / archive
        if candidate.is_file():
            return f"{candidate}{separator}{member}"
    return None


def _source_bytes(name: str) -> bytes:
    raw = member_bytes(name)
    return gzip.decompress(raw) if name.endswith(".gz") else raw


def _file_text(name: str) -> str:
    text = decode_bytes(_source_bytes(name)).text
    if _suffix(name) not in HTML_SUFFIXES:
        return text
    from curate.io.html import extract_article  # trafilatura is slow to import: only for pages

    return extract_article(text).text


def _record_texts(name: str, wanted: set[int], text_field: str) -> dict[int | None, str]:
    """The text field of the records on lines ``wanted`` of a JSONL dump, read as a stream."""
    texts: dict[int | None, str] = {}
    with _open_lines(name) as stream:
        for number, line in enumerate(stream, start=1):
            if number in wanted:
                record = json.loads(line)
                text = record.get(text_field) if isinstance(record, dict) else None
                if isinstance(text, str):
                    texts[number] = text
                if len(texts) == len(wanted):
                    break
    return texts


def _open_lines(name: str) -> IO[bytes]:
    if "!/" in name:
        return io.BytesIO(_source_bytes(name))
    return gzip.open(name) if name.endswith(".gz") else open(name, "rb")
