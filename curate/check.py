"""`curate check PATH...`: report what cleaning would still change, and broken corpus records.

Corpus JSONL files (records as ``curate run`` writes them) and raw text or Markdown files
are checked; every finding is one line ``path:line:col: CODE message`` with a stable code::

    $ curate check corpus/documents.jsonl notes.txt
    notes.txt:1:1: C201 traditional characters left: 4 on this line (熱→热, 門→门, 資→资, …)
    notes.txt:1:1: C205 breadcrumb (breadcrumb-path): 熱門資訊> 正文
    notes.txt:3:1: C201 traditional characters left: 7 on this line (補→补, 偉→伟, 達→达, …)
    notes.txt:3:2: C202 glued pinyin (bǔ) after 補
    notes.txt:3:10: C202 glued pinyin (dá) after 達
    notes.txt:3:17: C202 glued pinyin (chǎn) after 產
    notes.txt:3:32: C202 glued pinyin (zhàn) after 戰
    Found 7 findings in 1 of 2 files (C201 ×2, C202 ×4, C205 ×1); 7 can be fixed with --fix.

``line`` is the line of the file (a JSONL record's line), ``col`` the 1-based character
column in that line as written, so an editor jumps to the spot: in a JSONL line that is the
column inside the JSON text, where ``\\n`` between paragraphs takes two columns.

A text finding is something a cleaning step would change, found by the step's own finder
(glued pinyin, mojibake, punctuation, inline spam) or by running the line-dropping steps
(spam header, breadcrumbs, boilerplate, teasers) on a throwaway copy. So ``--fix`` runs the
steps of the codes found, and what it leaves is reported again. Codes are listed in `CODES`.
"""

from __future__ import annotations

import bisect
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import click
import numpy as np

from curate.clean.inline_spam import find_injected_spam
from curate.clean.mojibake import find_mojibake
from curate.clean.pinyin import find_glued_pinyin
from curate.clean.script import convert_to_simplified, find_punctuation_fixes
from curate.config import ConfigError, load_config
from curate.dedup.exact import text_fingerprint
from curate.document import Document, Edit, Paragraph, Provenance
from curate.io.decode import DecodeError, decode_bytes
from curate.io.readers import MARKDOWN_SUFFIXES, TEXT_SUFFIXES
from curate.io.writers import atomic_open, json_line
from curate.markup import parse_plain
from curate.pipeline import DEFAULT_STEPS, Context, Pipeline, clean_text
from curate.rules import RuleError, Rules


@dataclass(frozen=True)
class Code:
    """What a finding code means and the cleaning steps ``--fix`` runs for it."""

    name: str
    summary: str
    fixed_by: tuple[str, ...] = ()


CODES: dict[str, Code] = {
    "C101": Code("invalid-json", "a JSONL line that is not a JSON object"),
    "C102": Code("missing-field", "a record without id, text, source, added, created, "
                                  "metadata or provenance"),
    "C103": Code("wrong-type", "a record field of the wrong type (text not a string, …)"),
    "C104": Code("incomplete-provenance", "provenance without file, sha256, part, pipeline, "
                                          "rules or edits, or an edit without step/rule/action"),
    "C105": Code("duplicate-id", "an id another checked record already has"),
    "C106": Code("empty-text", "a record whose text is empty"),
    "C107": Code("unreadable-file", "a file that cannot be read or decoded"),
    "C108": Code("invalid-unicode", "text holding lone surrogates, which no encoder accepts"),
    "C201": Code("traditional-characters", "traditional characters OpenCC t2s would convert",
                 ("convert_to_simplified",)),
    "C202": Code("glued-pinyin", "a pinyin reading glued after the character it reads",
                 ("strip_glued_pinyin",)),
    "C203": Code("mojibake", "UTF-8 text decoded with the wrong codec", ("repair_mojibake",)),
    "C204": Code("spam-header", "a keyword-stuffed SEO header line at the top",
                 ("drop_spam_header",)),
    "C205": Code("breadcrumb", "a navigation path line (首页 > 科技 > 正文)",
                 ("drop_breadcrumbs",)),
    "C206": Code("trailing-junk", "credit, disclaimer, navigation, more-content, source or "
                                  "teaser lines at the end", ("drop_boilerplate", "trim_teasers")),
    "C207": Code("half-width-punctuation", "half-width , : ; ! ? ending a Chinese clause",
                 ("normalize_punctuation",)),
    "C208": Code("inline-spam", "gambling or SEO phrases spliced into a sentence",
                 ("remove_inline_spam",)),
    "C209": Code("page-furniture", "credit, disclaimer, navigation, more-content or source "
                                   "lines inside the text, teasers at its start",
                 ("drop_boilerplate", "trim_teasers")),
    "C301": Code("exact-duplicate", "the same normalised text as another checked document"),
    "C302": Code("near-duplicate", "a near-duplicate of a checked document, or of one in the "
                                   "--index corpus index"),
}

RECORD_FIELDS = ("id", "text", "source", "added", "created", "metadata", "provenance")
PROVENANCE_FIELDS = ("file", "sha256", "part", "pipeline", "rules", "edits")
# Types a record's fields must have; None stands for JSON null.
FIELD_TYPES: dict[str, tuple[type | None, ...]] = {
    "id": (str,), "text": (str,), "source": (str,), "added": (str,), "created": (str, None),
    "metadata": (dict,), "provenance": (dict,),
}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CHECKED_SUFFIXES = JSONL_SUFFIXES | TEXT_SUFFIXES | MARKDOWN_SUFFIXES
# Standard simplified characters that t2s still folds into another one (昇 as in 昇腾).
SIMPLIFIED_KEPT = "simplified_kept.txt"
# Steps whose edits are whole paragraphs removed, and so become line findings.
LINE_STEPS = {"drop_spam_header": "C204", "drop_breadcrumbs": "C205"}
FURNITURE_STEPS = ("drop_boilerplate", "trim_teasers")
# A fix can make another one possible (a breadcrumb line matches once its pinyin is gone).
FIX_PASSES = 3
# The document index inside a near-duplicate filter's folder (curate.dedup.near).
NEAR_DUPLICATE_DOCUMENTS = "documents"
EXCERPT_CHARS = 40


class CheckUsageError(ValueError):
    """Options or configuration the check cannot run with; the message says what to change."""


class NearDuplicatesUnavailable(CheckUsageError):
    """``--index`` was given but the near-duplicate check cannot run."""


@dataclass(frozen=True)
class Finding:
    """One problem at ``path:line:col``."""

    path: str
    line: int
    column: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "column": self.column, "code": self.code,
                "name": CODES[self.code].name, "message": self.message,
                "fixable": bool(CODES[self.code].fixed_by)}


@dataclass(frozen=True)
class TextFinding:
    """A text problem at character ``offset`` of the checked text."""

    code: str
    offset: int
    message: str


def selected_codes(select: list[str] | None, ignore: list[str] | None) -> frozenset[str]:
    """The codes left by ``select`` (all when None) minus ``ignore``; ``C2`` means every C2xx.

    >>> sorted(selected_codes(["C20"], ["C201", "C205"]))
    ['C202', 'C203', 'C204', 'C206', 'C207', 'C208', 'C209']
    """
    def matching(prefixes: list[str]) -> set[str]:
        codes = set()
        for prefix in prefixes:
            found = {code for code in CODES if code.startswith(prefix.strip().upper())}
            if not found or not prefix.strip():
                raise CheckUsageError(f"unknown code {prefix!r}; codes are "
                                      f"{', '.join(CODES)} (a prefix such as C2 selects a group)")
            codes |= found
        return codes

    chosen = matching(select) if select is not None else set(CODES)
    return frozenset(chosen - matching(ignore or []))


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` cut to ``limit`` characters, with ``…`` when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def paragraph_starts(text: str, paragraphs: list[Paragraph]) -> list[int]:
    r"""Offset in ``text`` of each paragraph ``parse_plain`` made of it.

    >>> text = "首页\n\n  英伟达"
    >>> paragraph_starts(text, parse_plain(text).paragraphs)
    [0, 6]
    """
    line_starts = [0]
    for match in re.finditer("\n", text):
        line_starts.append(match.end())
    starts = []
    for paragraph in paragraphs:
        line_start = line_starts[paragraph.lines[0] - 1]
        starts.append(text.index(paragraph.text, line_start))
    return starts


class TextChecker:
    """Finds the C2xx problems of one text: what the cleaning steps would still change.

    >>> checker = TextChecker(Rules(), {}, frozenset(CODES))
    >>> [(f.code, f.offset) for f in checker.find("熱門資訊> 正文\\n補(bǔ)位英偉達(dá)")]
    [('C201', 0), ('C205', 0), ('C201', 9), ('C202', 10), ('C202', 18)]
    """

    def __init__(self, rules: Rules, config: dict[str, Any], codes: frozenset[str]) -> None:
        self.rules = rules
        self.simplified_kept = frozenset("".join(rules.lines(SIMPLIFIED_KEPT)))
        self.config = config
        self.codes = codes
        self.ctx = Context(rules, config)
        line_steps = {step for step, code in LINE_STEPS.items() if code in codes}
        if codes & {"C206", "C209"}:
            line_steps.update(FURNITURE_STEPS)
        self.line_pipeline = Pipeline(self.ctx, [s for s in DEFAULT_STEPS if s in line_steps])
        self.span_finders = [
            (code, finder) for code, finder in (
                ("C202", self._glued_pinyin), ("C203", self._mojibake),
                ("C207", self._half_width), ("C208", self._inline_spam))
            if code in codes
        ]

    def find(self, text: str) -> list[TextFinding]:
        """Every selected text problem of ``text``, by offset."""
        paragraphs = parse_plain(text).paragraphs
        starts = paragraph_starts(text, paragraphs)
        found = self._traditional(text, starts) if "C201" in self.codes else []
        for paragraph, start in zip(paragraphs, starts, strict=True):
            for code, finder in self.span_finders:
                found += [TextFinding(code, start + at, message)
                          for at, message in finder(paragraph.text)]
        if self.line_pipeline.names:
            found += self._removed_lines(paragraphs, starts)
        return sorted(found, key=lambda finding: (finding.offset, finding.code))

    def fix(self, text: str, codes: set[str]) -> Document | None:
        """``text`` through the steps that fix ``codes``, leaving out a step that would drop
        it whole; None when no step is left."""
        wanted = {step for code in codes for step in CODES[code].fixed_by}
        steps = [step for step in DEFAULT_STEPS if step in wanted]
        while steps:
            (document,) = clean_text(text, rules=self.rules, steps=steps, config=self.config,
                                     markdown=False)
            if document.rejected is None:
                return document
            # A page that is mostly spam is for a person to delete; fix the rest of it.
            steps.remove(document.rejected.step)
        return None

    def _traditional(self, text: str, starts: list[int]) -> list[TextFinding]:
        """One finding per paragraph holding characters t2s would change."""
        converted = convert_to_simplified(text, "t2s")
        if converted == text:
            return []
        before, after = _code_points(text), _code_points(converted)
        if len(before) == len(after):
            changed = np.flatnonzero(before != after).tolist()
        else:  # t2s kept the length on every text measured; compare what can be compared
            changed = [i for i, (a, b) in enumerate(zip(text, converted, strict=False)) if a != b]
        by_paragraph: dict[int, list[int]] = {}
        for position in changed:
            if text[position] not in self.simplified_kept:
                index = bisect.bisect_right(starts, position) - 1
                by_paragraph.setdefault(index, []).append(position)
        found = []
        for positions in by_paragraph.values():
            pairs = dict.fromkeys(f"{text[i]}→{converted[i]}" for i in positions)
            sample = ", ".join(list(pairs)[:3]) + (", …" if len(pairs) > 3 else "")
            found.append(TextFinding("C201", positions[0], f"traditional characters left: "
                                     f"{len(positions)} on this line ({sample})"))
        return found

    @staticmethod
    def _glued_pinyin(text: str) -> list[tuple[int, str]]:
        if "(" not in text and "（" not in text:
            return []
        return [(c.start, f"glued pinyin {c.old} after {text[c.start - 1]}")
                for c in find_glued_pinyin(text)]

    @staticmethod
    def _mojibake(text: str) -> list[tuple[int, str]]:
        return [(c.start, f"mojibake {excerpt(c.old, 20)!r} reads {excerpt(c.new, 20)} "
                          f"({c.rule})") for c in find_mojibake(text)]

    @staticmethod
    def _half_width(text: str) -> list[tuple[int, str]]:
        fixes = find_punctuation_fixes(text, parentheses=False, corner_quotes=False)
        return [(c.start, f"half-width {c.old!r} in Chinese text, write {c.new!r}")
                for c in fixes]

    def _inline_spam(self, text: str) -> list[tuple[int, str]]:
        return [(c.start, f"inline spam {excerpt(c.old.strip())} ({c.rule})")
                for c in find_injected_spam(text, self.rules)]

    def _removed_lines(self, paragraphs: list[Paragraph], starts: list[int]) -> list[TextFinding]:
        """Run the line-dropping steps on a copy; each paragraph they drop is a finding."""
        start_of = {p.lines[0]: start for p, start in zip(paragraphs, starts, strict=True)}
        copy = Document(list(paragraphs), Provenance("<check>", ""), "check")
        (after,) = self.line_pipeline.run([copy])
        last_kept = max((p.lines[0] for p in after.paragraphs), default=0)
        found = []
        for edit in after.edits:
            if edit.step in LINE_STEPS:
                code, what = LINE_STEPS[edit.step], CODES[LINE_STEPS[edit.step]].name
            elif edit.line > last_kept:
                code, what = "C206", "trailing junk"
            else:
                code, what = "C209", "page furniture"
            if code in self.codes:
                found.append(TextFinding(code, start_of[edit.line],
                                         f"{what.replace('-', ' ')} ({edit.rule}): "
                                         f"{excerpt(edit.text)}"))
        return found


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def is_valid_unicode(text: str) -> bool:
    """False when ``text`` holds lone surrogates (JSON allows ``"\\ud800"``; UTF-8 does not)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# Where a JSONL record's values sit in its line, to give columns as written.
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\r\n]*")
# One decoded character each: a surrogate pair, a \u escape or a short escape.
_STRING_ESCAPE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.")


class RecordLine:
    r"""One JSONL line; columns of its top-level values and of characters of its ``text``.

    Positions are only worked out for a line with a finding, and values are skipped only up
    to the one asked for (provenance, the bulk of a corpus line, usually comes last).

    >>> line = RecordLine('{"id": "a", "text": "首页\\n補(bǔ)位"}', 1)
    >>> line.value_column("id"), line.text_position(3)
    (8, (1, 26))
    """

    def __init__(self, line: str, number: int) -> None:
        self.line = line
        self.number = number
        self._starts: dict[str, int] = {}
        self._scan: Iterator[tuple[str, int]] = _top_level_values(line)
        self._anchors: tuple[list[int], list[int]] | None = None

    def value_column(self, key: str) -> int:
        """1-based column where the value of ``key`` starts; 1 when it cannot be found."""
        while key not in self._starts:
            found = next(self._scan, None)
            if found is None:
                return 1
            self._starts.setdefault(*found)
        return self._starts[key] + 1

    def text_position(self, offset: int) -> tuple[int, int]:
        """``(line, column)`` of character ``offset`` of the record's text."""
        if self._anchors is None:
            self._anchors = _string_anchors(self.line, self.value_column("text") - 1)
        offsets, indexes = self._anchors
        if not offsets:
            return self.number, 1
        k = bisect.bisect_right(offsets, offset) - 1
        return self.number, indexes[k] + (offset - offsets[k]) + 1


def _top_level_values(line: str) -> Iterator[tuple[str, int]]:
    """``(key, index in line)`` of each top-level value of the JSON object ``line`` holds."""
    try:
        i = _SPACE.match(line).end()
        if not line.startswith("{", i):
            return
        i = _SPACE.match(line, i + 1).end()
        while line.startswith('"', i):
            key, i = _DECODER.raw_decode(line, i)
            i = _SPACE.match(line, _SPACE.match(line, i).end() + 1).end()  # past the colon
            yield key, i
            _, i = _DECODER.raw_decode(line, i)
            i = _SPACE.match(line, i).end()
            if not line.startswith(",", i):
                return
            i = _SPACE.match(line, i + 1).end()
    except ValueError:
        return


def _string_anchors(line: str, quote: int) -> tuple[list[int], list[int]]:
    """Pairs (character offset in the decoded string, index in ``line``) around each escape."""
    if not line.startswith('"', quote):
        return [], []
    try:
        _, end = _DECODER.raw_decode(line, quote)
    except ValueError:
        return [], []
    offsets, indexes = [0], [quote + 1]
    decoded, position = 0, quote + 1
    for escape in _STRING_ESCAPE.finditer(line, quote + 1, end - 1):
        decoded += escape.start() - position
        offsets += [decoded, decoded + 1]
        indexes += [escape.start(), escape.end()]
        decoded, position = decoded + 1, escape.end()
    return offsets, indexes


class TextLines:
    """``(line, column)`` of offsets in a raw text file's decoded text."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


class NearDuplicateIndex:
    """The hook for near-duplicates (C302): documents of a corpus index (``--index PATH``: a
    ``curate.dedup.index`` folder, or a near-duplicate filter's folder holding one in
    ``documents/``) whose MinHash signature is close to a checked text's.

    Raises `NearDuplicatesUnavailable` when the index modules or the index are not there.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        try:
            from curate.dedup.index import META, DedupIndex, IndexParams
            from curate.dedup.minhash import MinHasher, shingles
        except ImportError as exc:
            raise NearDuplicatesUnavailable(
                f"near-duplicate check not available: {exc.name or exc} cannot be imported"
            ) from None
        folder = Path(path)
        if not (folder / META).exists() and (folder / NEAR_DUPLICATE_DOCUMENTS / META).exists():
            folder = folder / NEAR_DUPLICATE_DOCUMENTS
        try:
            stored = json.loads((folder / META).read_text(encoding="utf-8"))
            params = IndexParams(**{f.name: stored[f.name] for f in fields(IndexParams)
                                    if f.name in stored})
            self.index = DedupIndex.open(folder, params, create=False)
        except (OSError, ValueError, RuntimeError, TypeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise NearDuplicatesUnavailable(
                f"near-duplicate check not available: {folder}: {reason}") from None
        self.hasher = MinHasher(params.num_perm, params.seed)
        self.ngram = params.ngram
        self._shingles = shingles

    def similar(self, texts: list[str]) -> list[list[tuple[str, float]]]:
        """For each text, ``(id, estimated Jaccard)`` of the indexed documents close to it."""
        if not texts:
            return []
        signatures = self.hasher.signatures([self._shingles(t, self.ngram) for t in texts])
        return self.index.similar_many(signatures)

    def close(self) -> None:
        self.index.close()


class NearDuplicatesWithin(NearDuplicateIndex):
    """C302 among the checked files themselves: each text is compared with those checked
    before it, through a throwaway index."""

    def __init__(self) -> None:
        from curate.dedup.index import DedupIndex, IndexParams
        from curate.dedup.minhash import MinHasher, shingles

        self._folder = tempfile.TemporaryDirectory(prefix="curate-check-")
        params = IndexParams()
        self.index = DedupIndex.open(Path(self._folder.name), params)
        self.hasher = MinHasher(params.num_perm, params.seed)
        self.ngram = params.ngram
        self._shingles = shingles

    def similar_and_add(self, texts: list[str], ids: list[str]) -> list[list[tuple[str, float]]]:
        found = []
        for text, doc_id in zip(texts, ids, strict=True):
            signature = self.hasher.signatures([self._shingles(text, self.ngram)])
            found.append(self.index.similar_many(signature)[0])
            self.index.add(doc_id, signature[0])
        return found

    def close(self) -> None:
        self.index.close()
        self._folder.cleanup()


@dataclass
class _Pending:
    """A checked document waiting for the near-duplicate query of its file."""

    path: str
    line: int
    column: Callable[[], int]
    own_id: str | None
    text: str


@dataclass
class CheckResult:
    findings: list[Finding]
    files: int
    documents: int
    fixed_files: int = 0
    fix_edits: int = 0


class Checker:
    """Checks files, remembering ids and texts across them for C105 and C301.

    >>> checker = Checker(Rules(), {}, selected_codes(["C1", "C3"], None))
    >>> checker.check_paths(["corpus/documents.jsonl"]).findings
    []
    """

    def __init__(self, rules: Rules, config: dict[str, Any], codes: frozenset[str],
                 near_duplicates: NearDuplicateIndex | None = None) -> None:
        self.codes = codes
        self.text_checker = TextChecker(rules, config, codes)
        self.near_duplicates = near_duplicates if "C302" in codes else None
        self.ids: dict[str, str] = {}
        self.fingerprints: dict[str, str] = {}
        self.documents = 0

    def check_paths(self, paths: list[str]) -> CheckResult:
        findings: list[Finding] = []
        files = 0
        for path, display in iter_checked_files(paths):
            files += 1
            findings += self.check_file(path, display)
        return CheckResult([f for f in findings if f.code in self.codes], files, self.documents)

    def check_file(self, path: Path, display: str) -> list[Finding]:
        pending: list[_Pending] = []
        if path.suffix.lower() in JSONL_SUFFIXES:
            found = list(self._check_jsonl(path, display, pending))
        else:
            found = list(self._check_raw(path, display, pending))
        found += self._near_duplicate_findings(pending)
        return sorted(found, key=lambda f: (f.line, f.column, f.code))

    def _check_raw(self, path: Path, display: str, pending: list[_Pending]) -> Iterator[Finding]:
        try:
            text = decode_bytes(path.read_bytes()).text
        except OSError as exc:
            yield Finding(display, 1, 1, "C107", f"cannot read the file: {exc.strerror or exc}")
            return
        except DecodeError as exc:
            yield Finding(display, 1, 1, "C107", str(exc))
            return
        self.documents += 1
        lines = TextLines(text)
        for problem in self.text_checker.find(text):
            yield Finding(display, *lines.position(problem.offset), problem.code, problem.message)
        yield from self._duplicates(display, 1, lambda: 1, None, text, pending)

    def _check_jsonl(self, path: Path, display: str,
                     pending: list[_Pending]) -> Iterator[Finding]:
        """One record a line, read one line at a time: a file of any size takes little memory."""
        try:
            stream = path.open("rb")
        except OSError as exc:
            yield Finding(display, 1, 1, "C107", f"cannot read the file: {exc.strerror or exc}")
            return
        with stream:
            for number, raw in enumerate(stream, start=1):
                try:
                    line = decode_jsonl_line(raw, number)
                except UnicodeDecodeError as exc:
                    column = len(raw[: exc.start].decode("utf-8", "replace")) + 1
                    yield Finding(display, number, column, "C107",
                                  f"not UTF-8: {exc.reason} [{raw[exc.start:exc.end].hex(' ')}]")
                    continue
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield Finding(display, number, exc.colno, "C101", f"invalid JSON: {exc.msg}")
                    continue
                self.documents += 1
                yield from self._check_record(record, RecordLine(line, number), display,
                                              pending)

    def _check_record(self, record: Any, line: RecordLine, display: str,
                      pending: list[_Pending]) -> Iterator[Finding]:
        number = line.number
        if not isinstance(record, dict):
            yield Finding(display, number, 1, "C101",
                          f"a JSON {type(record).__name__} where a record object should be")
            return
        for name in RECORD_FIELDS:
            if name not in record:
                yield Finding(display, number, 1, "C102", f"missing field {name!r}")
            elif not _has_type(record[name], FIELD_TYPES[name]):
                yield Finding(display, number, line.value_column(name), "C103",
                              f"field {name!r} is {_json_type(record[name])}, expected "
                              f"{' or '.join(_json_type(t) for t in FIELD_TYPES[name])}")
        if isinstance(record.get("provenance"), dict):
            yield from _provenance_findings(record["provenance"], line, display)
        doc_id = record.get("id")
        if isinstance(doc_id, str):
            first = self.ids.setdefault(doc_id, f"{display}:{number}")
            if first != f"{display}:{number}":
                yield Finding(display, number, line.value_column("id"), "C105",
                              f"id {doc_id} is already used at {first}")
        text = record.get("text")
        if not isinstance(text, str):
            return
        if not text.strip():
            yield Finding(display, number, line.value_column("text"), "C106", "text is empty")
            return
        if not is_valid_unicode(text):
            yield Finding(display, number, line.value_column("text"), "C108",
                          "text holds lone surrogates (\\ud800-\\udfff), which is not Unicode")
            return
        for problem in self.text_checker.find(text):
            yield Finding(display, *line.text_position(problem.offset), problem.code,
                          problem.message)
        own_id = doc_id if isinstance(doc_id, str) else None
        yield from self._duplicates(display, number, lambda: line.value_column("text"), own_id,
                                    text, pending)

    def _duplicates(self, display: str, line: int, column: Callable[[], int],
                    own_id: str | None, text: str,
                    pending: list[_Pending]) -> Iterator[Finding]:
        first = self.fingerprints.setdefault(text_fingerprint(text), f"{display}:{line}")
        if first != f"{display}:{line}":
            yield Finding(display, line, column(), "C301",
                          f"exact duplicate: the same normalised text as {first}")
        elif self.near_duplicates is not None:  # an exact duplicate is not reported twice
            pending.append(_Pending(display, line, column, own_id, text))

    def _near_duplicate_findings(self, pending: list[_Pending]) -> list[Finding]:
        if self.near_duplicates is None or not pending:
            return []
        found = []
        texts = [p.text for p in pending]
        if isinstance(self.near_duplicates, NearDuplicatesWithin):
            where = [f"{p.path}:{p.line}" for p in pending]
            similar = self.near_duplicates.similar_and_add(texts, where)
            described = "{}"
        else:
            similar = self.near_duplicates.similar(texts)
            described = "indexed document {}"
        for document, matches in zip(pending, similar, strict=True):
            others = [(doc_id, score) for doc_id, score in matches if doc_id != document.own_id]
            if others:
                doc_id, score = others[0]
                found.append(Finding(document.path, document.line, document.column(), "C302",
                                     f"near-duplicate of {described.format(doc_id)} "
                                     f"(estimated Jaccard {score:.2f})"))
        return found


def decode_jsonl_line(raw: bytes, number: int) -> str:
    """A JSONL line as text: strict UTF-8, without its line ending, and without a byte order
    mark on the first line."""
    line = raw.decode("utf-8").rstrip("\r\n")
    return line.removeprefix("\ufeff") if number == 1 else line


def _provenance_findings(provenance: dict[str, Any], line: RecordLine,
                         display: str) -> Iterator[Finding]:
    missing = [name for name in PROVENANCE_FIELDS if name not in provenance]
    if missing:
        yield Finding(display, line.number, line.value_column("provenance"), "C104",
                      f"provenance has no {', '.join(missing)}")
    edits = provenance.get("edits")
    if "edits" in provenance and not isinstance(edits, list):
        yield Finding(display, line.number, line.value_column("provenance"), "C104",
                      f"provenance.edits is {_json_type(edits)}, expected array")
    elif isinstance(edits, list):
        for index, edit in enumerate(edits):
            if not isinstance(edit, dict) or not {"step", "rule", "action"} <= edit.keys():
                yield Finding(display, line.number, line.value_column("provenance"), "C104",
                              f"provenance.edits[{index}] needs step, rule and action")
                break


def _has_type(value: Any, types: tuple[type | None, ...]) -> bool:
    return any(value is None if t is None else isinstance(value, t) for t in types)


def _json_type(value: Any) -> str:
    """The JSON name of a value's type, or of a Python type (None for null)."""
    kind = value if isinstance(value, type) or value is None else type(value)
    names = {str: "string", dict: "object", list: "array", bool: "boolean", int: "number",
             float: "number", None: "null", type(None): "null"}
    return names.get(kind, getattr(kind, "__name__", str(kind)))


def iter_checked_files(paths: list[str]) -> Iterator[tuple[Path, str]]:
    """Given files as they are; folders walked (sorted) for .jsonl, .txt and .md files.

    A file reached twice is checked once, so it is not reported as its own duplicate.
    """
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = []
            for root, dirs, files in os.walk(path):
                dirs.sort()
                found += [(Path(root) / name, os.path.join(given, os.path.relpath(
                    Path(root) / name, path))) for name in sorted(files)
                    if Path(name).suffix.lower() in CHECKED_SUFFIXES]
        else:
            found = [(path, given)]
        for file, display in found:
            if file.resolve() not in seen:
                seen.add(file.resolve())
                yield file, display


@dataclass
class FixCount:
    files: int = 0
    edits: int = 0


def fix_paths(paths: list[str], text_checker: TextChecker) -> FixCount:
    """Rewrite each file in place through the steps that fix its text findings."""
    count = FixCount()
    for path, _ in iter_checked_files(paths):
        if path.suffix.lower() in JSONL_SUFFIXES:
            edits = fix_jsonl_file(path, text_checker)
        else:
            edits = fix_raw_file(path, text_checker)
        if edits:
            count.files += 1
            count.edits += edits
    return count


def repair(text: str, text_checker: TextChecker,
           rebuild: Callable[[str, Document], str]) -> tuple[str, list[Edit]]:
    """``text`` cleaned by the steps of its fixable findings until none is left (at most
    `FIX_PASSES` times), and the edits made. ``rebuild`` turns the cleaned document back
    into text; a text a step drops whole is left as it is.
    """
    edits: list[Edit] = []
    for _ in range(FIX_PASSES):
        codes = {f.code for f in text_checker.find(text) if CODES[f.code].fixed_by}
        document = text_checker.fix(text, codes) if codes else None
        if document is None or not document.edits:
            break
        text = rebuild(text, document)
        edits += document.edits
    return text, edits


def fix_raw_file(path: Path, text_checker: TextChecker) -> int:
    """Fix a text file line by line, keeping its layout; returns the number of edits.

    The file is written back in UTF-8, whatever encoding it was read in.
    """
    try:
        text = decode_bytes(path.read_bytes()).text
    except (OSError, DecodeError):
        return 0
    fixed, edits = repair(text, text_checker, rebuild_lines)
    if fixed != text:
        _replace_file(path, [fixed])
    return len(edits)


def rebuild_lines(text: str, document: Document) -> str:
    r"""``text`` with each line holding a paragraph replaced by what the steps left of it.

    Paragraphs were made one per line (``parse_plain``), so a paragraph's line is its file
    line; indentation stays, a removed paragraph's line goes with the blank line after it.

    >>> doc = Document([Paragraph("正文", (3, 3))], Provenance("x", ""), "x")
    >>> rebuild_lines("首页 > 正文\n\n  正文。\n", doc)
    '  正文\n'
    """
    originals = {p.lines[0]: p.text for p in parse_plain(text).paragraphs}
    kept = {p.lines[0]: p.text for p in document.paragraphs if p.text}
    out: list[str] = []
    after_removed = False
    for number, line in enumerate(text.split("\n"), start=1):
        if number in originals:
            if number not in kept:
                after_removed = True
                continue
            at = line.index(originals[number])
            line = line[:at] + kept[number] + line[at + len(originals[number]):]
        elif after_removed and (not out or not out[-1].strip()):
            continue
        after_removed = False
        out.append(line)
    return "\n".join(out)


def fix_jsonl_file(path: Path, text_checker: TextChecker) -> int:
    """Re-clean the text of each record with findings, appending the edits to its provenance.

    Other lines are written back byte for byte; nothing is written when nothing changed.
    """
    changed: dict[int, str] = {}
    edits = 0
    try:
        with path.open("rb") as stream:
            for number, raw in enumerate(stream, start=1):
                record = _fixable_record(raw, number)
                if record is None:
                    continue
                text, new_edits = repair(record["text"], text_checker, _document_text)
                if new_edits:
                    record["text"] = text
                    record["provenance"]["edits"] += [replace(e, line=None).to_json()
                                                      for e in new_edits]
                    ending = "\n" if raw.endswith(b"\n") else ""
                    changed[number] = json_line(record).rstrip("\n") + ending
                    edits += len(new_edits)
        if changed:
            with path.open("rb") as stream:
                lines = [changed.get(n) or raw.decode("utf-8")
                         for n, raw in enumerate(stream, start=1)]
            _replace_file(path, lines)
    except (OSError, UnicodeDecodeError):
        return 0
    return edits


def _document_text(text: str, document: Document) -> str:
    """A record's new text: its paragraphs, one a line (edit lines are not file lines)."""
    return document.text


def _fixable_record(raw: bytes, number: int) -> dict[str, Any] | None:
    """The record of a JSONL line when its text can be re-cleaned and its edits extended."""
    try:
        record = json.loads(decode_jsonl_line(raw, number))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return None
    provenance = record.get("provenance")
    if not isinstance(provenance, dict) or not isinstance(provenance.get("edits"), list):
        return None
    return record if is_valid_unicode(record["text"]) else None


def _replace_file(path: Path, pieces: list[str]) -> None:
    """Write ``pieces`` over ``path`` atomically, keeping its permissions."""
    mode = path.stat().st_mode & 0o7777
    with atomic_open(path) as stream:
        os.fchmod(stream.fileno(), mode)
        for piece in pieces:
            stream.write(piece)


def _code_list(value: Any, where: str) -> list[str] | None:
    """Codes from a CLI string (``C2,C301``) or a config list; None when not given."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CheckUsageError(f"{where}: expected a list of codes such as [\"C2\", \"C301\"]")
    return [v.strip() for v in value if v.strip()]


def summary_line(result: CheckResult, fixing: bool) -> str:
    """One line saying what was checked, found and fixed."""
    fixed = (f"Fixed {result.fixed_files} file{'s' * (result.fixed_files != 1)} "
             f"({result.fix_edits} edits). " if fixing else "")
    checked = f"{result.files} file{'s' * (result.files != 1)}"
    if not result.findings:
        documents = f"{result.documents} document{'s' * (result.documents != 1)}"
        return f"{fixed}No findings in {checked} ({documents})."
    by_code = Counter(f.code for f in result.findings)
    codes = ", ".join(f"{code} ×{n}" for code, n in sorted(by_code.items()))
    files_with = len({f.path for f in result.findings})
    fixable = sum(n for code, n in by_code.items() if CODES[code].fixed_by)
    hint = f"; {fixable} can be fixed with --fix" if fixable and not fixing else ""
    return (f"{fixed}Found {len(result.findings)} finding{'s' * (len(result.findings) != 1)} "
            f"in {files_with} of {checked} ({codes}){hint}.")


CODES_HELP = "\n".join(f"  {code}  {c.name}: {c.summary}" for code, c in CODES.items())


@click.command("check", epilog=(
    "Examples:\n\n\b\n    curate check corpus/documents.jsonl\n"
    "    curate check seeds --select C2 --ignore C201\n"
    "    curate check notes.md --fix\n\n"
    "Exit codes: 0 no findings, 1 findings, 2 usage error.\n\n"
    "Configuration: [check] select = [...] and ignore = [...] in curate.toml or "
    "[tool.curate.check] in pyproject.toml; options on the command line win.\n\n"
    f"\b\nCodes:\n{CODES_HELP}"))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--select", help="Codes or prefixes to check, comma-separated (C2 = every C2xx); "
                               "default: all.")
@click.option("--ignore", help="Codes or prefixes not to check, comma-separated.")
@click.option("--fix", is_flag=True, help="Rewrite files in place (as UTF-8) through the "
                                          "cleaning steps of the codes found, then report "
                                          "what remains.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: a JSON list of findings on stdout.")
@click.option("--index", "index_path", type=click.Path(),
              help="Corpus index folder (curate.dedup.index) to find near-duplicates in (C302).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Configuration file (default: ./curate.toml or [tool.curate] in "
                   "./pyproject.toml).")
@click.option("--rules", "rules_dir", type=click.Path(exists=True, file_okay=False),
              help="Rules folder (default: the rules/ shipped with curate).")
@click.option("-q", "--quiet", is_flag=True, help="No summary line.")
def check_command(paths: tuple[str, ...], select: str | None, ignore: str | None, fix: bool,
                  output_format: str, index_path: str | None, config_path: str | None,
                  rules_dir: str | None, quiet: bool) -> None:
    """Check corpus JSONL and raw text or Markdown files for what cleaning leaves or breaks.

    Prints one finding a line, PATH:LINE:COL: CODE message, then a summary. Folders are
    walked for .jsonl, .txt and .md files. Usable as a pre-commit hook (id curate-check).
    """
    near_duplicates = None
    try:
        config, config_source = load_config(config_path)
        section = config.get("check", {})
        where = f"{config_source} [check]"
        if not isinstance(section, dict):
            raise CheckUsageError(f"{where}: expected a table with select and ignore")
        codes = selected_codes(
            _code_list(select, "--select") or _code_list(section.get("select"), where),
            _code_list(ignore, "--ignore") or _code_list(section.get("ignore"), where))
        rules = Rules(rules_dir)
        if "C302" in codes:
            near_duplicates = (NearDuplicateIndex(index_path) if index_path is not None
                               else NearDuplicatesWithin())
        checker = Checker(rules, config, codes, near_duplicates)
        count = fix_paths(list(paths), checker.text_checker) if fix else FixCount()
        result = checker.check_paths(list(paths))
    except (CheckUsageError, ConfigError, RuleError) as exc:
        raise click.UsageError(str(exc)) from exc
    finally:
        if near_duplicates is not None:
            near_duplicates.close()
    result.fixed_files, result.fix_edits = count.files, count.edits
    if output_format == "json":
        click.echo(json.dumps([f.to_json() for f in result.findings], ensure_ascii=False,
                              indent=1))
    else:
        for finding in result.findings:
            click.echo(str(finding))
    if not quiet:
        click.echo(summary_line(result, fix), err=output_format == "json")
    if result.findings:
        raise SystemExit(1)
