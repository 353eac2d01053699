"""What `curate check` reports: finding codes, findings, and choosing codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Code:
    """What a finding code means and the cleaning steps ``--fix`` runs for it."""

    name: str
    summary: str
    fixed_by: tuple[str, ...] = ()


CODES: dict[str, Code] = {
    "C101": Code("invalid-json", "a JSONL line that is not a JSON object (or is too long or "
                                 "too deeply nested to read)"),
    "C102": Code("missing-field", "a record without id, text, source, added, created, "
                                  "metadata or provenance (a reject: without kind, id, text, "
                                  "source, added, reason or provenance)"),
    "C103": Code("wrong-type", "a record field of the wrong type (text not a string, …)"),
    "C104": Code("incomplete-provenance", "provenance without file, sha256, part, pipeline, "
                                          "rules or edits, an edit without step/rule/action, "
                                          "or a reject's reason without step/rule/why"),
    "C105": Code("duplicate-id", "an id another checked record already has"),
    "C106": Code("empty-text", "a record whose text is empty"),
    "C107": Code("unreadable-file", "a file that cannot be read or decoded, or is no regular "
                                    "file (a FIFO, a device)"),
    "C108": Code("invalid-unicode", "text holding lone surrogates, which no encoder accepts"),
    "C201": Code("traditional-characters", "traditional characters the script conversion "
                                           "would change", ("convert_to_simplified",)),
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
EXCERPT_CHARS = 40


class CheckUsageError(ValueError):
    """Options or configuration the check cannot run with; the message says what to change."""


def printable(text: str) -> str:
    r"""``text`` with lone surrogates written as escapes, so any terminal or file takes it.

    >>> printable("id \ud800x")
    'id \\ud800x'
    """
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass(frozen=True)
class Finding:
    """One problem at ``path:line:col``."""

    path: str
    line: int
    column: int
    code: str
    message: str

    def __str__(self) -> str:
        return printable(f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}")

    def to_json(self) -> dict[str, Any]:
        return {"path": printable(self.path), "line": self.line, "column": self.column,
                "code": self.code, "name": CODES[self.code].name,
                "message": printable(self.message), "fixable": bool(CODES[self.code].fixed_by)}


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
