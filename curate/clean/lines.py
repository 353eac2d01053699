"""Classify one paragraph as a kind of page furniture, from the pattern files in ``rules/``.

    >>> classifier = LineClassifier(Rules())
    >>> classifier.match("编辑丨康晓").pattern.id
    'credit-line'
    >>> classifier.match("在这个持续降温的10月，A股半导体板块久违地回暖了。") is None
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from curate.clean.line_features import BODY_MIN_HAN
from curate.literal_screen import WordScreen
from curate.rules import Pattern, RulePattern, Rules, RuleTimeout, compile_pattern

# Pattern files by the kind of line they recognise, in the order they are tried.
LINE_KINDS = {
    "breadcrumb": "breadcrumbs.yaml",
    "credit": "credits.yaml",
    "disclaimer": "disclaimers.yaml",
    "more_content": "more_content.yaml",
    "source": "source_lines.yaml",
    "teaser": "teasers.yaml",
}
NAVIGATION_FILE = "navigation.txt"
# A navigation label, or a row of them, is a short line.
NAVIGATION_MAX_CHARS = 20
# Marks a navigation label may carry around it: spaces, arrows, brackets, colons.
_LABEL_TRIM = regex.compile(r"[\s\p{P}\p{S}]+")
_NOT_HAN = regex.compile(r"\P{Han}+")
# Paragraphs whose answers are remembered; past this many the memory starts afresh. Steps
# ask about the same paragraph several times, and furniture recurs from page to page.
REMEMBERED_LINES = 20_000


def han_count(text: str) -> int:
    """How many Han characters (``\\p{Han}``) ``text`` holds: what is left when the rest is
    deleted (a fifth of the cost of listing them with ``findall``).

    >>> han_count("英伟达H20芯片，国产替代")
    9
    """
    return len(_NOT_HAN.sub("", text))


@lru_cache(maxsize=REMEMBERED_LINES)
def paragraph_han(text: str) -> int:
    """`han_count` of a paragraph, remembered: splitting, boilerplate and the header ask it
    of the same paragraphs."""
    return han_count(text)


@dataclass(frozen=True)
class LineMatch:
    kind: str
    pattern: Pattern
    match: regex.Match | None


@dataclass
class _Answers:
    """What is known of one paragraph: which patterns may match it (all kinds, in order),
    and the answer of each kind asked so far."""

    may_match: tuple[bool, ...]
    kinds: dict[str, LineMatch | None] = field(default_factory=dict)


class LineClassifier:
    """Matches paragraphs against the line patterns and the navigation lexicon.

    Each paragraph is classified once per kind: the answer is remembered, so the steps
    that ask again (``is_body``, boilerplate, breadcrumbs, teasers, splitting) cost a
    look-up. A pattern whose words (`curate.literal_screen`) the paragraph lacks, or that
    matches only shorter lines, is not tried: all the words of all the patterns are looked
    for in one pass over the page (`screen_page`, which a step calls with its paragraphs
    first). When every pattern of a kind may match, they are first tried together
    as one alternation (compiled the first time), which matches exactly when one of them
    does; the patterns left are tried one by one, and the first that matches in file order
    names the rule.
    """

    def __init__(self, rules: Rules) -> None:
        self.patterns = {kind: rules.patterns(name) for kind, name in LINE_KINDS.items()}
        # Each kind's patterns as one alternation, compiled when first needed: a paragraph
        # the word screen lets every pattern of the kind be tried on is rare (none in a dump
        # of 1,117 generated articles), and the six cost 0.04 CPU-s of every start-up.
        self._screens: dict[str, RulePattern | None] = {}
        every = [pattern for kind in LINE_KINDS for pattern in self.patterns[kind]]
        self.word_screen = WordScreen([pattern.regex.pattern for pattern in every], regex.V1)
        self._places: dict[str, slice] = {}  # where a kind's patterns are in ``every``
        start = 0
        for kind in LINE_KINDS:
            self._places[kind] = slice(start, start + len(self.patterns[kind]))
            start += len(self.patterns[kind])
        self.navigation = {_LABEL_TRIM.sub("", word) for word in rules.lines(NAVIGATION_FILE)}
        self.navigation_rule = Pattern(
            "navigation-word", regex.compile(""), "a page's navigation label is not article text", 0
        )
        self._known: dict[str, _Answers] = {}

    def screen_page(self, texts: Iterable[str]) -> None:
        """Find the patterns' words in the paragraphs of a page not met before, in one pass
        over them together, for `match` to know which patterns each may match."""
        new = [text for text in dict.fromkeys(texts) if text not in self._known]
        if not new:
            return
        if len(self._known) + len(new) > REMEMBERED_LINES:
            self._known.clear()
        for text, may_match in zip(new, self.word_screen.may_match_lines(new), strict=True):
            self._known[text] = _Answers(may_match)

    def match(self, text: str, kinds: tuple[str, ...] | None = None) -> LineMatch | None:
        """The first kind of furniture ``text`` is, or None for article text."""
        known = self._known.get(text)
        if known is None:
            self.screen_page([text])
            known = self._known[text]
        answers = known.kinds
        for kind in kinds or (*LINE_KINDS, "navigation"):
            if kind not in answers:
                answers[kind] = self._match_kind(text, kind, known.may_match)
            if answers[kind] is not None:
                return answers[kind]
        return None

    def _match_kind(self, text: str, kind: str, may_match: tuple[bool, ...]) -> LineMatch | None:
        if kind == "navigation":
            return LineMatch(kind, self.navigation_rule, None) if self.is_navigation(text) else None
        screened = may_match[self._places[kind]]
        if not any(screened):  # most paragraphs: no pattern of the kind may match
            return None
        patterns = self.patterns[kind]
        left = [pattern for pattern, may in zip(patterns, screened, strict=True) if may]
        try:
            if len(left) == len(patterns) and (screen := self._screen(kind)) is not None \
                    and screen.search(text) is None:
                return None
        except RuleTimeout:
            pass  # tried one by one below, so the error names the rule that backtracks
        for pattern in left:
            found = pattern.regex.search(text)
            if found:
                return LineMatch(kind, pattern, found)
        return None

    def _screen(self, kind: str) -> RulePattern | None:
        if kind not in self._screens:
            self._screens[kind] = _screen(self.patterns[kind], f"rules/{LINE_KINDS[kind]}")
        return self._screens[kind]

    def is_navigation(self, text: str) -> bool:
        """A navigation label, or a row of them with their counts: ``【纠错】``,
        ``打印本页 关闭窗口``, ``点赞(0) 收藏``."""
        if len(text) > NAVIGATION_MAX_CHARS:
            return False
        if _LABEL_TRIM.sub("", text) in self.navigation:
            return True
        labels = [label for label in _LABEL_TRIM.split(text) if label and not label.isdigit()]
        return bool(labels) and all(label in self.navigation for label in labels)

    def is_body(self, text: str) -> bool:
        """Article text: a sentence of some length that is no kind of furniture."""
        return paragraph_han(text) >= BODY_MIN_HAN and self.match(text) is None


def _screen(patterns: list[Pattern], where: str) -> RulePattern | None:
    """The patterns of one kind as one alternation, or None when the kind has none."""
    if not patterns:
        return None
    combined = "|".join(f"(?:{pattern.regex.pattern})" for pattern in patterns)
    return compile_pattern(combined, f"{where}: the patterns together", regex.V1)


def line_classifier(ctx) -> LineClassifier:
    return ctx.resource("line_classifier", lambda: LineClassifier(ctx.rules))
