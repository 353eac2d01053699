"""Text findings (C2xx): what the cleaning steps would still change in a text.

Each finding comes from a step's own finder (glued pinyin, mojibake, punctuation, inline
spam), from the script conversion as the step runs it, or from running the line-dropping
steps (spam header, breadcrumbs, boilerplate, teasers) on a throwaway copy; ``--fix`` runs
the steps of the codes found. The check claims no more than the steps do: a record that
``curate run`` wrote is a fixed point of it, so ``curate check`` of a run's output finds
nothing (``tests/check/test_text.py`` runs the development set and a CommonCrawl dump).
"""

from __future__ import annotations

import bisect
import re
from functools import cache
from typing import Any

import numpy as np
import opencc

from curate.check.codes import CODES, TextFinding, excerpt
from curate.clean.inline_spam import find_injected_spam
from curate.clean.mojibake import find_mojibake
from curate.clean.pinyin import find_glued_pinyin
from curate.clean.script import (
    choose_opencc_config,
    convert_to_simplified,
    find_punctuation_fixes,
    is_traditional_document,
    kept_as_written,
)
from curate.document import Document, Paragraph, Provenance
from curate.markup import parse_plain
from curate.pipeline import DEFAULT_STEPS, Context, Pipeline, clean_text
from curate.rules import Rules

# Standard simplified characters that t2s still folds into another one (昇 as in 昇腾).
SIMPLIFIED_KEPT = "simplified_kept.txt"
# Steps whose edits are whole paragraphs removed, and so become line findings.
LINE_STEPS = {"drop_spam_header": "C204", "drop_breadcrumbs": "C205"}
FURNITURE_STEPS = ("drop_boilerplate", "trim_teasers")
LINE_CODES = frozenset({*LINE_STEPS.values(), "C206", "C209"})


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

    def find(self, text: str, lines_judged: bool = False) -> list[TextFinding]:
        """Every selected text problem of ``text``, by offset.

        ``lines_judged``: the text's lines were already judged by the line-dropping steps
        with these rules (a record ``curate run`` wrote with them), so they are not judged
        again. The steps that follow them change what a line looks like and what stands
        at the text's edges (inline spam cut out of a line, header lines moved to the
        metadata); judging the lines of their output again would claim more than the
        steps, run in their order, do.
        """
        paragraphs = parse_plain(text).paragraphs
        starts = paragraph_starts(text, paragraphs)
        found = self._traditional(text, paragraphs, starts) if "C201" in self.codes else []
        for paragraph, start in zip(paragraphs, starts, strict=True):
            for code, finder in self.span_finders:
                found += [TextFinding(code, start + at, message)
                          for at, message in finder(paragraph.text)]
        if self.line_pipeline.names and not lines_judged:
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

    def _traditional(self, text: str, paragraphs: list[Paragraph],
                     starts: list[int]) -> list[TextFinding]:
        """One finding per paragraph holding characters the script conversion would change.

        The conversion is the step's: the OpenCC configuration the text's region calls
        for, and a paragraph of a simplified text is left as it is when the characters
        OpenCC would change in it are all ones simplified text writes (覆盖). A character
        it changes only out of context is no finding: OpenCC keeps 乾 in 乾清宮 and 張法乾
        but folds the 乾 of the simplified 乾清宫 and 张法乾, so a character counts when the
        text, written in traditional characters (s2t) and converted back, still does not
        keep it.
        """
        config = choose_opencc_config(text, self.rules)
        converted = convert_to_simplified(text, config)
        if converted == text:
            return []
        before, after = _code_points(text), _code_points(converted)
        if len(before) != len(after):  # OpenCC kept the length of every text measured
            return []
        changed = np.flatnonzero(before != after)
        if not is_traditional_document([p.text for p in paragraphs], config, self.rules):
            changed = self._made_in_simplified_text(text, converted, changed, paragraphs, starts)
        round_trip = _code_points(convert_to_simplified(_to_traditional(text), config))
        if len(round_trip) == len(before):
            changed = changed[round_trip[changed] != before[changed]]
        by_paragraph: dict[int, list[int]] = {}
        for position in changed.tolist():
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

    def _made_in_simplified_text(self, text: str, converted: str, changed: np.ndarray,
                                 paragraphs: list[Paragraph], starts: list[int]) -> np.ndarray:
        """The ``changed`` positions the step makes in a simplified document: it leaves the
        ones `kept_as_written` names in each paragraph."""
        kept = {start + i for paragraph, start in zip(paragraphs, starts, strict=True)
                for i in kept_as_written(paragraph.text,
                                         converted[start:start + len(paragraph.text)], self.rules)}
        return changed[[int(i) not in kept for i in changed]]

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


@cache
def _simplified_to_traditional() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def _to_traditional(text: str) -> str:
    return _simplified_to_traditional().convert(text)


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
