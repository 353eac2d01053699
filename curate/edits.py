"""Text-level changes: what a cleaning function wants to replace in a string.

Pure text functions (pinyin, mojibake, spin repair, punctuation) return a list of
`Change`s instead of a new string, so the step that calls them can record each one as
an edit on the document before applying them.

    >>> text = "補(bǔ)位英偉達(dá)"
    >>> apply_changes(text, [Change(1, 5, "", "glued-pinyin", "(bǔ)")])
    '補位英偉達(dá)'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    """Replace ``old`` (found at ``text[start:end]``) with ``new``, because of ``rule``."""

    start: int
    end: int
    new: str
    rule: str
    old: str


def apply_changes(text: str, changes: Iterable[Change]) -> str:
    """Apply non-overlapping changes to ``text``; later starts first so offsets stay valid."""
    ordered = sorted(changes, key=lambda c: c.start)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.start < before.end:
            raise ValueError(f"overlapping changes: {before} and {after}")
    for change in reversed(ordered):
        if text[change.start : change.end] != change.old:
            raise ValueError(f"change does not match the text: {change}")
        text = text[: change.start] + change.new + text[change.end :]
    return text
