"""What a line looks like and where it sits on its page, as numbers, whatever its words.

Each paragraph of a document becomes one row of measurements (`FEATURES`): its length and
character shares (Han, digits, latin, marks), whether it ends like a sentence, its
``label：value`` and link-row shape, its distance from the page's edges and from the body,
the run of short headline-like lines it stands in, and how many of its character pairs the
body shares. The line classifier (`curate.clean.furniture`) weighs them; the measurements
are computed for a whole document at once over its code points with NumPy, never per
character in Python.

    >>> rows = line_features(["相关新闻", "英伟达芯片一片难求，国产替代趁势崛起。" * 3])
    >>> rows[:, FEATURES.index("ends_sentence")].tolist()
    [0.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from curate.sorted_unique import run_starts, sorted_unique

# One column each, in this order; rules/line_classifier.yaml names them.
FEATURES = (
    "chars",  # length in characters
    "han_share",
    "digit_share",
    "latin_share",
    "mark_share",  # punctuation and symbols
    "space_share",
    "sentence_marks",  # 。！？；!? in the line
    "commas",  # ，、,
    "ends_sentence",  # the line ends like a sentence (。！？…” and the like)
    "label_value",  # a short label, then ：or :
    "items",  # space-, slash- or bar-separated pieces
    "link_marks",  # | > » · or a URL
    "opens_bracket",  # starts with 【[《(（
    "from_top",  # lines above it
    "from_bottom",  # lines below it
    "outside_body",  # above the first or under the last sentence of the body
    "lines_from_body",  # how far outside the body
    "short_run",  # length of the run of short lines without a sentence end it is in
    "related",  # share of its character pairs found in the body's other lines
    "date_marks",  # 年月日 : - / between digits
    "replacement_share",  # U+FFFD
    "body_above",  # body lines above it
    "body_below",  # body lines under it
    "previous_short",  # the line before is short and has no sentence mark
    "next_short",  # the line after is
    "previous_related",  # the line before's share of pairs in the body
    "next_related",
    "repeated_on_page",  # the same text stands on another line, or holds it
    "above_core",  # lines over the first line of the article's core (0 inside or under it)
    "under_core",  # lines under its last line
    "same_shape_run",  # length of the run of neighbouring lines of one shape (rows of a list)
    "core_related",  # share of its character pairs found in the core's other lines
)
INDEX = {name: i for i, name in enumerate(FEATURES)}

# A body line: this many Han characters and a sentence mark.
BODY_MIN_HAN = 20
# A short line: a headline, a menu label, a link.
SHORT_MAX_CHARS = 40
# The article's core the measurements place a line from: what a line that is not prose costs
# the run of prose (`curate.clean.article_core`, which keeps the page's narrowest core at 25).
# Wide enough here to bridge a body's short lines between its paragraphs: trained with 25, the
# trees took short body lines just outside the core for furniture; on the TUNE pages, at
# the thresholds of rules/furniture.yaml, 25 removes 82.1% of the junk, 10 80.7%, 4 83.6%,
# each keeping 99.3% of the body lines or more.
CORE_GAP_COST = 4.0
# Two short lines are of one shape when the longer is at most this many times the shorter.
SHAPE_RATIO = 1.6

_SENTENCE_MARKS = "。！？；!?"
_SENTENCE_ENDS = frozenset("。！？!?…；;”」』）)\"")
_COMMAS = "，、,"
_LINK_MARKS = ("|", "｜", ">", "»", "·", "http", "www.", ".com", ".cn", "›")
_LINK_WORDS = tuple(mark for mark in _LINK_MARKS if len(mark) > 1)
_BRACKETS = frozenset("【[《(（〔")
_SEPARATORS = frozenset(" \u3000/|｜_")
_DATE_MARKS = frozenset("年月日时分秒:-/")
_CODEPOINT_BYTES = "utf-32-le"
# A summary the body repeats: this many character pairs, this share of them in one later line.
_SUMMARY_MIN_PAIRS = 20
_SUMMARY_SHARE = 0.9


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` as ``np.intp``: a table is looked up with them four
    times faster than with the ``uint32`` of the encoding.

    >>> code_points("中a").tolist()
    [20013, 97]
    """
    return np.frombuffer(text.encode(_CODEPOINT_BYTES), dtype=np.uint32).astype(np.intp)


class CodePointClasses:
    """The classes of code points, as bits a function tells of one character (up to 15),
    asked once for each character a run meets (the table's top bit marks a character
    asked).

    >>> digit_or_space = CodePointClasses(lambda char: char.isdigit() | char.isspace() << 1)
    >>> digit_or_space(np.array([0x31, 0xFF11, 0x3000, 0x4E00], dtype=np.uint32)).tolist()
    [1, 1, 2, 0]
    """

    _ASKED = 1 << 15

    def __init__(self, classes: Callable[[str], int]) -> None:
        self._classes = classes
        self._table = np.zeros(0x110000, dtype=np.uint16)

    def __call__(self, points: np.ndarray) -> np.ndarray:
        found = self._table.take(points)
        if len(found) and found.min() < self._ASKED:
            for point in sorted_unique(points[found < self._ASKED]).tolist():
                self._table[point] = self._ASKED | self._classes(chr(point))
            found = self._table.take(points)
        return found & (self._ASKED - 1)


# What the line features count of a character, one bit each.
_HAN, _DIGIT, _LATIN, _SPACE, _MARK, _REPLACEMENT, _SENTENCE_MARK, _COMMA, _LINK_MARK = (
    1 << bit for bit in range(9))
_ANY_DIGIT, _DATE_MARK = 1 << 9, 1 << 10
# The columns counted per line from those bits, in this order.
_COUNTED = ("han", "digit_share", "latin_share", "space_share", "mark_share",
            "replacement_share", "sentence_marks", "commas", "link_marks")
_COUNTED_BITS = np.array([_HAN, _DIGIT, _LATIN, _SPACE, _MARK, _REPLACEMENT, _SENTENCE_MARK,
                          _COMMA, _LINK_MARK], dtype=np.uint16)
_MARK_RANGES = ((0x21, 0x7E), (0x2000, 0x2BFF), (0x3000, 0x303F), (0xFF00, 0xFFEF))
_SENTENCE_MARK_SET = frozenset(_SENTENCE_MARKS)
_COMMA_SET = frozenset(_COMMAS)
_LINK_MARK_SET = frozenset(m for m in _LINK_MARKS if len(m) == 1)


def _char_classes(char: str) -> int:
    """The bits of one character: Han of the basic block and extension A, ASCII digits and
    letters, spaces, other punctuation and symbols, U+FFFD; sentence marks, commas and link
    marks; digits of any script; the marks of a date."""
    point = ord(char)
    found = 0
    if 0x4E00 <= point <= 0x9FFF or 0x3400 <= point <= 0x4DBF:
        found |= _HAN
    elif 0x30 <= point <= 0x39:
        found |= _DIGIT
    elif 0x61 <= (point | 0x20) <= 0x7A:
        found |= _LATIN
    elif point in (0x20, 0x3000, 0x09):
        found |= _SPACE
    elif any(low <= point <= high for low, high in _MARK_RANGES):
        found |= _MARK
    if point == 0xFFFD:
        found |= _REPLACEMENT
    if char in _SENTENCE_MARK_SET:
        found |= _SENTENCE_MARK
    if char in _COMMA_SET:
        found |= _COMMA
    if char in _LINK_MARK_SET:
        found |= _LINK_MARK
    if char.isdigit():
        found |= _ANY_DIGIT
    if char in _DATE_MARKS:
        found |= _DATE_MARK
    return found


_CLASSES = CodePointClasses(_char_classes)


# The last page's lines and their rows: drop_articleless_pages and drop_furniture_lines run
# one after the other on the same lines of a page, which are featured once.
_LAST: tuple[tuple[str, ...], np.ndarray] | None = None


def line_features(texts: list[str]) -> np.ndarray:
    """A row of `FEATURES` for each line of one page, in the page's order (read-only: the
    rows of the page featured last are given again)."""
    global _LAST
    key = tuple(texts)
    if _LAST is not None and _LAST[0] == key:
        return _LAST[1]
    rows = _featured(texts)
    rows.setflags(write=False)
    _LAST = (key, rows)
    return rows


def _featured(texts: list[str]) -> np.ndarray:
    count = len(texts)
    rows = np.zeros((count, len(FEATURES)), dtype=np.float64)
    if not count:
        return rows
    joined = "\n".join(texts)
    points = code_points(joined)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=count)
    line_of = np.repeat(np.arange(count), lengths + 1)[: len(points)]
    classes = _CLASSES(points)
    # Each line's counts of each class, its line break with it (a line break is in none):
    # one sum over the characters of a line, and a zero after the last for a last line
    # left empty.
    starts = np.cumsum(lengths + 1) - lengths - 1
    counted = np.zeros((len(_COUNTED), len(points) + 1), dtype=np.uint8)
    counted[:, :-1] = (_COUNTED_BITS[:, None] & classes) != 0
    counts = dict(zip(_COUNTED, np.add.reduceat(counted, starts, axis=1, dtype=np.int32)
                      .astype(np.float64), strict=True))
    # Marks of a date or time next to a digit: 2021年10月, 08:30, 2021-10-20 (a line's
    # first character follows the line break, which is no digit).
    date_marks = (classes & _DATE_MARK) != 0
    date_marks[1:] &= (classes[:-1] & _ANY_DIGIT) != 0
    date_marks[:1] = False
    size = np.maximum(lengths, 1).astype(np.float64)
    han_count = counts["han"]
    rows[:, INDEX["chars"]] = lengths
    rows[:, INDEX["han_share"]] = han_count / size
    for share in ("digit_share", "latin_share", "mark_share", "space_share",
                  "replacement_share"):
        rows[:, INDEX[share]] = counts[share] / size
    rows[:, INDEX["date_marks"]] = np.bincount(line_of[date_marks], minlength=count)
    rows[:, INDEX["sentence_marks"]] = counts["sentence_marks"]
    rows[:, INDEX["commas"]] = counts["commas"]
    rows[:, INDEX["link_marks"]] = counts["link_marks"]
    # A link word stands in no line when the page does not hold it (none holds a break).
    words = [word for word in _LINK_WORDS if word in joined]
    if words:
        rows[:, INDEX["link_marks"]] += [sum(text.count(m) for m in words) for text in texts]
    rows[:, INDEX["ends_sentence"]] = [bool(s) and s[-1] in _SENTENCE_ENDS
                                       for s in (text.rstrip() for text in texts)]
    rows[:, INDEX["label_value"]] = [_label_value(text) for text in texts]
    rows[:, INDEX["items"]] = [len(text.replace("/", " ").replace("|", " ").replace("｜", " ")
                                   .replace("\u3000", " ").split()) for text in texts]
    rows[:, INDEX["opens_bracket"]] = [bool(lead) and lead[0] in _BRACKETS
                                       for lead in (text.lstrip() for text in texts)]
    order = np.arange(count, dtype=np.float64)
    rows[:, INDEX["from_top"]] = order
    rows[:, INDEX["from_bottom"]] = count - 1 - order
    body = (han_count >= BODY_MIN_HAN) & (rows[:, INDEX["sentence_marks"]]
                                          + rows[:, INDEX["commas"]] > 0)
    if body.any():
        first, last = int(np.argmax(body)), int(count - 1 - np.argmax(body[::-1]))
        outside = np.maximum(first - order, order - last)
        rows[:, INDEX["outside_body"]] = outside > 0
        rows[:, INDEX["lines_from_body"]] = np.maximum(outside, 0)
    else:
        rows[:, INDEX["outside_body"]] = 1
        rows[:, INDEX["lines_from_body"]] = count
    short = (lengths <= SHORT_MAX_CHARS) & (rows[:, INDEX["sentence_marks"]] == 0)
    rows[:, INDEX["short_run"]] = _run_lengths(short)
    pairs = LinePairs.of(points, (classes & (_HAN | _DIGIT | _LATIN)) != 0, line_of, count)
    rows[:, INDEX["related"]] = _related(pairs, body, count)
    below = np.cumsum(body[::-1])[::-1]
    rows[:, INDEX["body_above"]] = np.cumsum(body) - body
    rows[:, INDEX["body_below"]] = below - body
    # Outside the page the neighbours are furniture-like: short and unrelated.
    rows[:, INDEX["previous_short"]] = np.concatenate([[1.0], short[:-1]])
    rows[:, INDEX["next_short"]] = np.concatenate([short[1:], [1.0]])
    related = rows[:, INDEX["related"]]
    rows[:, INDEX["previous_related"]] = np.concatenate([[0.0], related[:-1]])
    rows[:, INDEX["next_related"]] = np.concatenate([related[1:], [0.0]])
    rows[:, INDEX["repeated_on_page"]] = _repeated_on_page(texts)
    _core_columns(texts, rows, pairs)
    return rows


def _label_value(text: str) -> bool:
    """A short label, then ：or : (来源：新华网)."""
    wide, narrow = text.find("："), text.find(":")
    if wide < 0 or narrow < 0:
        return 0 < max(wide, narrow) <= 8
    return 0 < min(wide, narrow) <= 8


def _core_columns(texts: list[str], rows: np.ndarray, pairs: LinePairs) -> None:
    """Where each line stands from the article's core (`curate.clean.article_core`, which
    weighs the columns filled above) and how much it shares with the core's text; a page
    without prose has no core: every line is then as far from it as the page is long."""
    from curate.clean.article_core import article_core

    count = len(texts)
    order = np.arange(count, dtype=np.float64)
    core = article_core(texts, rows, gap_cost=CORE_GAP_COST)
    inside = np.zeros(count, dtype=bool)
    if core is None:
        rows[:, INDEX["above_core"]] = count
        rows[:, INDEX["under_core"]] = count
    else:
        rows[:, INDEX["above_core"]] = np.maximum(core.start - order, 0)
        rows[:, INDEX["under_core"]] = np.maximum(order - core.end, 0)
        inside[core.start: core.end + 1] = True
    rows[:, INDEX["same_shape_run"]] = _shape_runs(rows)
    rows[:, INDEX["core_related"]] = _related(pairs, inside, count)


def _shape_runs(rows: np.ndarray) -> np.ndarray:
    """For each line, the length of the run of neighbours it forms with lines of its shape:
    both short, both ending like a sentence or neither, lengths within `SHAPE_RATIO` of
    each other (a list of headlines, of links, of label: value rows)."""
    lengths = [max(length, 1.0) for length in rows[:, INDEX["chars"]].tolist()]
    ends = rows[:, INDEX["ends_sentence"]].tolist()
    alike = np.array([
        above <= SHORT_MAX_CHARS and below <= SHORT_MAX_CHARS and end_above == end_below
        and max(above, below) <= SHAPE_RATIO * min(above, below)
        for (above, end_above), (below, end_below) in pairwise(zip(lengths, ends, strict=True))],
        dtype=bool)
    # A run of n alike pairs joins n + 1 lines; a line alike with neither neighbour is 1.
    spans = [run + 1 if run > 0 else 0 for run in _run_lengths(alike).tolist()]
    return np.array([max([1, *spans[max(index - 1, 0): index + 1]])
                     for index in range(len(lengths))], dtype=np.float64)


def prose_paragraphs(rows: np.ndarray, min_han: int, min_marks: int) -> tuple[int, int]:
    """How many long prose paragraphs the page holds, and the most of them that stand one
    after another: lines of ``min_han`` Han characters or more with ``min_marks`` sentence
    marks and commas.

    An article's body is such a run; a listing, a teaser list or a keyword page puts a
    headline or a link between its blurbs (on the TUNE pages of bench/labels/cc-pages.jsonl
    no page without an article holds two in a row; 16 of the 43 article documents do).

    >>> story = "英伟达芯片一片难求，国产替代趁势崛起，" * 6
    >>> prose_paragraphs(line_features([story, story, "相关新闻", story]), 100, 3)
    (3, 2)
    """
    han = rows[:, INDEX["han_share"]] * rows[:, INDEX["chars"]]
    marks = rows[:, INDEX["sentence_marks"]] + rows[:, INDEX["commas"]]
    prose = (han >= min_han) & (marks >= min_marks)
    return int(prose.sum()), int(_run_lengths(prose).max()) if len(prose) else 0


def repeats_at_top(texts: list[str], title: str | None, lines: int) -> list[str | None]:
    """For each of the first ``lines`` lines, what it repeats, else None: ``title`` when it
    is the document's title or a line over it again (the page printed its heading twice),
    ``paragraph`` when it is a summary the body repeats (a short label and a colon, then a
    lead found whole in a later paragraph: 90% of its character pairs in that one line; a
    heading or a lead without a label stays, as news repeats its lead in the body).

    >>> lead = "2020年进年即挑战，新型冠状病毒带给的疫情让大批中小企业动工阻碍，发展被困。"
    >>> title = "颈椎病能否诱发脑卒中"
    >>> repeats_at_top([title, "本文摘要：" + lead[:30], lead], title, 3)
    ['title', 'paragraph', None]
    """
    keys = ["".join(text.split()) for text in texts]
    found: list[str | None] = [None] * len(texts)
    seen = {"".join(title.split())} if title else set()
    values = [_unlabelled(key) for key in keys]
    pairs = [_pairs(value) for value in values]
    for index in range(min(lines, len(texts))):
        key = keys[index]
        if not key:
            continue
        if key in seen:
            found[index] = "title"
        elif values[index] != key and len(pairs[index]) >= _SUMMARY_MIN_PAIRS and any(
                len(pairs[index] & later) >= _SUMMARY_SHARE * len(pairs[index])
                for later in pairs[index + 1:]):
            found[index] = "paragraph"
        seen.add(key)
    return found


def _unlabelled(text: str) -> str:
    """The text after a short label and its colon: 本文摘要：… -> …"""
    colon = min((c for c in (text.find("："), text.find(":")) if c >= 0), default=-1)
    return text[colon + 1:] if 0 < colon <= 8 else text


def _pairs(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _repeated_on_page(texts: list[str]) -> np.ndarray:
    """1 where a line's text (8 characters or more) is another line's, or inside one."""
    keys = ["".join(text.split()) for text in texts]
    seen: dict[str, int] = {}
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
    # The keys hold no line break: each key of 8 characters or more stands once in the
    # joined text by itself, and again only where another line holds it.
    longer = "\n".join(key for key in keys if len(key) >= 8)
    flags = np.zeros(len(texts), dtype=np.float64)
    for index, key in enumerate(keys):
        if len(key) < 8:
            continue
        if seen[key] > 1 or longer.count(key) > 1:
            flags[index] = 1.0
    return flags


def _run_lengths(flags: np.ndarray) -> np.ndarray:
    """For each position, the length of the run of True it is in (0 where False)."""
    runs: list[int] = []
    start = 0
    for index, flag in enumerate(flags.tolist()):
        if not flag:
            runs += [index - start] * (index - start) + [0]
            start = index + 1
    runs += [len(flags) - start] * (len(flags) - start)
    return np.array(runs, dtype=np.float64)


@dataclass(frozen=True)
class LinePairs:
    """Each (line, pair of neighbouring word characters) of a page once (a pair repeated
    inside a line counts once for it), ordered by pair: ``line`` of each, ``group`` the
    number of its pair among the page's distinct pairs, ``totals`` the pairs of each line."""

    line: np.ndarray
    group: np.ndarray
    groups: int
    totals: np.ndarray

    @classmethod
    def of(cls, points: np.ndarray, word: np.ndarray, line_of: np.ndarray,
           count: int) -> LinePairs:
        pair = word[:-1] & word[1:] & (line_of[:-1] == line_of[1:])
        keys = points[:-1] << 21 | points[1:]
        combined = sorted_unique(keys[pair] << 21 | line_of[:-1][pair])
        line = combined & ((1 << 21) - 1)
        pair_of = combined >> 21
        starts = run_starts(pair_of)
        group = np.cumsum(starts) - 1
        return cls(line, group, int(starts.sum()),
                   np.bincount(line, minlength=count).astype(np.float64))


def _related(pairs: LinePairs, body: np.ndarray, count: int) -> np.ndarray:
    """Share of each line's character pairs found in the body's *other* lines."""
    related = np.zeros(count, dtype=np.float64)
    in_body = body[pairs.line].astype(np.int64)
    in_body_lines = np.bincount(pairs.group, weights=in_body, minlength=pairs.groups)
    elsewhere = in_body_lines[pairs.group] - in_body
    hits = np.bincount(pairs.line[elsewhere > 0], minlength=count).astype(np.float64)
    np.divide(hits, pairs.totals, out=related, where=pairs.totals > 0)
    return related
