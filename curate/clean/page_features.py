"""What a whole page looks like, as numbers, whatever its words.

`drop_articleless_pages` (`curate.clean.articleless`) decides whether a page holds an article
from one row of `PAGE_FEATURES`: how much of the page is running prose and how long its
longest stretch of prose is, how alike its lines are in shape, how many are teasers cut off,
link rows, ``label：value`` rows or digits, and what the line classifier
(`curate.clean.furniture`) says of its lines, summed over the page. The row is built from
the rows of `curate.clean.line_features`, which the line step reuses.

    >>> from curate.clean.line_features import line_features
    >>> story = "英伟达芯片一片难求，国产替代趁势崛起，市场格局正在改写。" * 4
    >>> row = page_row([story, story, "相关新闻"], line_features([story, story, "相关新闻"]),
    ...                np.array([0.1, 0.1, 0.9]), np.zeros(3, dtype=bool))
    >>> round(float(row[PAGE_INDEX["prose_han_share"]]), 2)
    0.98
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import regex

from curate.clean.line_features import (
    BODY_MIN_HAN,
    INDEX,
    SHORT_MAX_CHARS,
    CodePointClasses,
    code_points,
)
from curate.rules import Rules
from curate.sorted_unique import run_starts, sorted_unique

# One column each, in this order; rules/page_classifier.yaml names them.
PAGE_FEATURES = (
    "lines",  # log2(1 + lines)
    "prose_line_share",  # lines of running prose (BODY_MIN_HAN Han, 2 marks, not cut off)
    "prose_han_share",  # the page's Han characters that stand in prose lines
    "longest_prose_run",  # log2(1 + Han characters of the longest run of prose lines)
    "long_paragraphs",  # lines of LONG_HAN Han characters and LONG_MARKS marks
    "long_paragraph_run",  # the most of them one after another
    "mean_score",  # the line classifier's mean score (a numbered item counts 0)
    "han_weighted_score",  # its mean weighted by each line's Han characters
    "furniture_share",  # lines it scores at 0.5 or more
    "short_share",  # short lines without a sentence mark
    "teaser_share",  # lines cut off with ... or a lone …
    "pattern_share",  # lines that begin or end like three others
    "shape_share",  # lines whose shape (length, ends, marks) recurs in three others
    "link_share",  # lines with link marks (| > » · URL)
    "label_share",  # label：value rows
    "digit_share",  # digits among the page's characters
    "latin_share",
    "replacement_share",  # U+FFFD
    "prose_related",  # how many of a prose line's character pairs the other lines share
    "longest_line",  # log2(1 + Han characters of the longest line)
    "longest_line_share",  # the share of the page's Han characters in its longest line
    "unrelated_joints",  # consecutive prose lines sharing no word of a subject, per prose line
    "unrelated_sentences",  # sentences sharing no word of a subject with the two before
    "coherent_run",  # log2(1 + Han characters of the longest run of related prose lines)
    "coherent_share",  # that run's share of the page's Han characters
    "coherent_long_run",  # the most long paragraphs one after another, each related to the last
    "fragment_starts",  # prose lines that begin in the middle of a sentence (2T。…, 5.5之间…)
)
PAGE_INDEX = {name: i for i, name in enumerate(PAGE_FEATURES)}
# Measured as log2(1 + n), so that a page of 500 lines does not weigh 50 times one of 10.
LOG_FEATURES = frozenset({"lines", "longest_prose_run", "longest_line", "coherent_run"})

LONG_HAN, LONG_MARKS = 100, 3
# A teaser cut off where a listing stops quoting its story: ... or a lone … at the end (a
# writer's own ellipsis is ……, which also ends real sentences).
CUT_OFF = regex.compile(r"(?:\.{3,}|(?<!…)…)\s*$")
# Rows of one listing share how they end or begin (… 价格面议, …测定仪, 导读:…).
_PATTERN_SUFFIX, _PATTERN_PREFIX, _PATTERN_MIN_CHARS, _PATTERN_OTHERS = 4, 3, 6, 4
# Two lines of one article share words of its subject: this many character pairs that are
# not among the pairs any news story uses (rules/common_bigrams.txt).
RELATED_PAIRS = 2
# ... or one pair that stands in this many prose lines of the page: a word of its subject
# (珠算, 算盘 in a story on the abacus).
SUBJECT_LINES = 3
# A sentence is judged against the two before it when it holds this many such pairs.
_SENTENCE_MIN_PAIRS = 4
COMMON_PAIRS_FILE = "common_bigrams.txt"
FUNCTION_PAIRS = 20
_HAN_RUN = regex.compile(r"\p{Han}{2,}")
_SENTENCE = regex.compile(r"[^。！？!?；;]+[。！？!?；;]*")
# A line glued from the middle of a text starts with the tail of a sentence (2T。…), a bare
# measure (5.5之间…, 124所示…) or a mark that closes a clause.
_FRAGMENT_START = regex.compile(
    r"\s*(?:[^\s。！？!?，,]{1,6}[。！？!?]"
    r"|\d+(?:\.\d+)?(?![.．、)）\d])\p{Han}{0,3}(?:所示|之间|左右|以上|以下)|[，,、；;）)])")


@dataclass(frozen=True)
class CommonPairs:
    """The character pairs any story uses (``rules/common_bigrams.txt``), and the characters
    standing in `FUNCTION_PAIRS` of them or more (的, 是, 在, 了): a pair holding one (的条,
    在使) is no word of a subject either."""

    pairs: frozenset[str] = frozenset()
    function: frozenset[str] = frozenset()

    @classmethod
    def from_rules(cls, rules: Rules) -> CommonPairs:
        listed = frozenset(" ".join(rules.lines(COMMON_PAIRS_FILE)).split())
        counts = Counter(char for pair in listed for char in set(pair))
        return cls(listed, frozenset(c for c, n in counts.items() if n >= FUNCTION_PAIRS))


class MeasuredPage:
    """What `page_row` and `sectioned_long_run` both read of a page's lines, worked out
    once: their characters, Han characters and marks (from the `line_features` rows), the
    lines cut off, the prose lines, the long ones, and the subject pairs of the prose lines
    (found when first asked)."""

    def __init__(self, texts: list[str], rows: np.ndarray, common: CommonPairs) -> None:
        self.texts = texts
        self.common = common
        self.chars = rows[:, INDEX["chars"]]
        self.han = rows[:, INDEX["han_share"]] * self.chars
        self.marks = rows[:, INDEX["sentence_marks"]] + rows[:, INDEX["commas"]]
        self.cut_off = cut_off_lines(texts)
        self.prose = (self.han >= BODY_MIN_HAN) & (self.marks >= 2) & ~self.cut_off
        self.long = (self.han >= LONG_HAN) & (self.marks >= LONG_MARKS)
        self._pairs: _SubjectPairs | None = None

    @property
    def prose_pairs(self) -> _SubjectPairs:
        """The `_SubjectPairs` of the prose lines, in order."""
        if self._pairs is None:
            self._pairs = _SubjectPairs(
                [t for t, p in zip(self.texts, self.prose.tolist(), strict=True) if p],
                self.common)
        return self._pairs


def page_row(texts: list[str], rows: np.ndarray, scores: np.ndarray,
             enumerated: np.ndarray, common: CommonPairs = CommonPairs(),
             measured: MeasuredPage | None = None) -> np.ndarray:
    """The `PAGE_FEATURES` of one page from its lines, their `line_features` rows, the line
    classifier's scores, which lines the writer numbered and the character pairs any story
    uses (`CommonPairs`), which relate no two lines; ``measured``, the `MeasuredPage` of
    the same lines and rows, when the caller has it."""
    count = len(texts)
    out = np.zeros(len(PAGE_FEATURES), dtype=np.float64)
    if not count:
        return out
    measured = measured or MeasuredPage(texts, rows, common)
    chars, han, cut_off = measured.chars, measured.han, measured.cut_off
    prose, long = measured.prose, measured.long
    scored = np.where(enumerated, 0.0, scores)
    total_han = max(float(han.sum()), 1.0)
    total_chars = max(float(chars.sum()), 1.0)
    short = (chars <= SHORT_MAX_CHARS) & (rows[:, INDEX["sentence_marks"]] == 0)
    out[PAGE_INDEX["lines"]] = np.log2(1 + count)
    out[PAGE_INDEX["prose_line_share"]] = _mean(prose)
    out[PAGE_INDEX["prose_han_share"]] = float(han[prose].sum()) / total_han
    out[PAGE_INDEX["longest_prose_run"]] = np.log2(1 + longest_run(han, prose))
    out[PAGE_INDEX["long_paragraphs"]] = long.sum()
    out[PAGE_INDEX["long_paragraph_run"]] = longest_run(np.ones(count), long)
    out[PAGE_INDEX["mean_score"]] = _mean(scored)
    out[PAGE_INDEX["han_weighted_score"]] = float((scored * han).sum()) / total_han
    out[PAGE_INDEX["furniture_share"]] = _mean(scored >= 0.5)
    out[PAGE_INDEX["short_share"]] = _mean(short)
    out[PAGE_INDEX["teaser_share"]] = _mean(cut_off)
    out[PAGE_INDEX["pattern_share"]] = pattern_rows(texts, prose | cut_off | enumerated) / count
    out[PAGE_INDEX["shape_share"]] = _shape_share(rows)
    out[PAGE_INDEX["link_share"]] = _mean(rows[:, INDEX["link_marks"]] > 0)
    out[PAGE_INDEX["label_share"]] = _mean(rows[:, INDEX["label_value"]])
    for share in ("digit_share", "latin_share", "replacement_share"):
        out[PAGE_INDEX[share]] = float((rows[:, INDEX[share]] * chars).sum()) / total_chars
    if prose.any():
        out[PAGE_INDEX["prose_related"]] = _mean(rows[prose, INDEX["related"]])
    out[PAGE_INDEX["longest_line"]] = np.log2(1 + float(han.max()))
    out[PAGE_INDEX["longest_line_share"]] = longest_line_share(han)
    relatedness = _relatedness(measured.prose_pairs, np.flatnonzero(prose), han[prose],
                               long[prose])
    for name, value in zip(("unrelated_joints", "unrelated_sentences", "coherent_run",
                            "coherent_long_run"), relatedness, strict=True):
        out[PAGE_INDEX[name]] = np.log2(1 + value) if name in LOG_FEATURES else value
    out[PAGE_INDEX["coherent_share"]] = relatedness[2] / total_han
    if prose.any():
        out[PAGE_INDEX["fragment_starts"]] = sum(
            1 for t, p in zip(texts, prose.tolist(), strict=True)
            if p and _FRAGMENT_START.match(t)) / float(prose.sum())
    return out


def sectioned_long_run(texts: list[str], rows: np.ndarray, common: CommonPairs,
                       measured: MeasuredPage | None = None) -> int:
    """The most long paragraphs (`LONG_HAN` Han characters, `LONG_MARKS` marks, not cut off)
    in a row, each sharing words of its subject with the one before, with at most one short
    line (a subheading, `SHORT_MAX_CHARS` characters and no sentence mark) between two of
    them: an article's sections under their headings (问题 1：…, then its paragraph). A
    listing's blurbs under their headlines are cut off or on other subjects.

    >>> from curate.clean.line_features import line_features
    >>> chip = "英伟达芯片一片难求，国产芯片趁势崛起，芯片市场格局正在改写，" * 4 + "。"
    >>> texts = ["一、芯片市场", chip, "二、市场格局", chip, "三、格局改写", chip]
    >>> sectioned_long_run(texts, line_features(texts), CommonPairs())
    3
    >>> texts[2] = "秒速赛车开奖结果网址"
    >>> sectioned_long_run(texts, line_features(texts), CommonPairs())
    2

    The long paragraphs are prose lines: their subject pairs are those of the page row's
    (``measured``, the `MeasuredPage` of the same lines and rows, when the caller has it).
    """
    measured = measured or MeasuredPage(texts, rows, common)
    long = measured.long & ~measured.cut_off
    at = np.flatnonzero(long)
    if len(at) < 2:
        return int(len(at))
    heading = (measured.chars <= SHORT_MAX_CHARS) & (rows[:, INDEX["sentence_marks"]] == 0)
    among_prose = (np.cumsum(measured.prose) - 1)[at]
    related = measured.prose_pairs.related_joints(among_prose)
    best = run = 1
    for index in range(1, len(at)):
        gap, line = at[index] - at[index - 1], int(at[index])
        joined = related[index - 1] and (gap == 1 or (
            gap == 2 and heading[line - 1] and _heads(texts[line - 1], texts[line], common)))
        run = run + 1 if joined else 1
        best = max(best, run)
    return best


def _heads(heading: str, paragraph: str, common: CommonPairs) -> bool:
    """Whether a heading names what the paragraph under it is about: a word of its subject
    in both (问题 2：多吃营养滋补品 over …吃营养的滋补品…), which a keyword stuffed between
    two blurbs (秒速赛车开奖结果网址) is not."""
    return bool(subject_pairs(heading, common) & subject_pairs(paragraph, common))


def _mean(values: np.ndarray) -> float:
    """``values.mean()``, the same sum over the same count, without the cost of
    `np.mean`'s checks (most of it on a page's few lines)."""
    return float(values.sum()) / len(values)


def longest_line_share(han: np.ndarray) -> float:
    """The share of a page's Han characters (``han``, a count for each line) in its longest
    line."""
    return float(han.max()) / max(float(han.sum()), 1.0)


def subject_pairs(text: str, common: CommonPairs) -> set[str]:
    """The Han character pairs of ``text`` that are not among those any story uses.

    >>> sorted(subject_pairs("我们进行了芯片测试", CommonPairs(frozenset({"我们", "进行"}),
    ...                                                   frozenset("了"))))
    ['们进', '测试', '片测', '芯片']
    """
    found = {run[i:i + 2] for run in _HAN_RUN.findall(text) for i in range(len(run) - 1)}
    return {pair for pair in found - common.pairs
            if pair[0] not in common.function and pair[1] not in common.function}


def prose_relatedness(prose: list[str], at: np.ndarray, han: np.ndarray, long: np.ndarray,
                      common: CommonPairs) -> tuple[float, float, float, float]:
    """How the page's prose lines (in order, ``at`` their line numbers) hang together: the
    joints between consecutive prose lines that share fewer than `RELATED_PAIRS` subject
    pairs and no word of the page's subject (`SUBJECT_LINES`), per prose line; the share of
    sentences sharing none with the two before; the Han characters of the longest run of
    lines one after another on the page, each related to the one before; the most long
    lines in such a run.

    A page glued from unrelated stories jumps from subject to subject; an article's
    paragraphs name the same people and things.

    >>> chip = "英伟达芯片一片难求，国产芯片趁势崛起，芯片市场格局正在改写。"
    >>> ball = "切尔西中场本赛季在租借球队表现出色，多家豪门愿意在夏天出手。"
    >>> prose_relatedness([chip, chip, ball], np.arange(3), np.array([26, 26, 26]),
    ...                   np.array([False] * 3), CommonPairs())
    (0.3333333333333333, 0.5, 52.0, 0.0)
    """
    return _relatedness(_SubjectPairs(prose, common), at, han, long)


def _relatedness(pairs: _SubjectPairs, at: np.ndarray, han: np.ndarray, long: np.ndarray
                 ) -> tuple[float, float, float, float]:
    """`prose_relatedness` from the prose lines' `_SubjectPairs`."""
    related = pairs.related_joints()
    unrelated_joints = (len(related) - sum(related)) / pairs.lines if pairs.lines else 0.0
    best_run = run = 0.0
    best_long = long_run = 0
    for index, count in enumerate(han.tolist()):
        joined = index > 0 and related[index - 1] and at[index] == at[index - 1] + 1
        run = run + count if joined else count
        long_run = (long_run + 1 if joined else 1) if long[index] else 0
        best_run, best_long = max(best_run, run), max(best_long, long_run)
    judged, unrelated = pairs.unrelated_sentences()
    return (unrelated_joints, unrelated / judged if judged else 0.0, float(best_run),
            float(best_long))


class _SubjectPairs:
    """The `subject_pairs` of each prose line and of each of its sentences, found for the
    whole page at once over its code points: each (line, pair) and (sentence, pair) once,
    as sorted integers ``(first << 21 | second) << 21 | unit``, which is what the sets of
    `subject_pairs` hold (a Han run never crosses a sentence mark or a line). Ordered by
    pair, the units holding a pair stand one after another in order."""

    def __init__(self, prose: list[str], common: CommonPairs) -> None:
        lengths = np.fromiter((len(t) for t in prose), dtype=np.int64, count=len(prose))
        points = code_points("\n".join(prose))
        line_of = np.repeat(np.arange(len(prose)), lengths + 1)[: len(points)]
        line_start = np.zeros(len(points), dtype=bool)
        line_start[(np.cumsum(lengths + 1) - lengths - 1)[lengths > 0]] = True
        known = _CommonKeys.of(common)
        classes = known.classes(points)
        han = (classes & _SUBJECT_CHAR) != 0
        pair = han[:-1] & han[1:] & ~known.common(points)
        # A sentence begins at a character that is no sentence mark after a mark or at
        # the start of its line (the matches of _SENTENCE).
        mark = (classes & _SENTENCE_END) != 0
        separator = np.zeros(len(points), dtype=bool)
        separator[np.cumsum(lengths + 1)[:-1] - 1] = True
        after_mark = np.concatenate([[False], mark[:-1]])
        begins = ~mark & ~separator & (line_start | after_mark)
        sentence_of = np.cumsum(begins) - 1
        at = np.flatnonzero(pair)
        keys = (points[at] << 21 | points[at + 1]) << 21
        self.lines = len(prose)
        self.sentences = int(begins.sum())
        self.by_sentence = sorted_unique(keys | sentence_of[at])
        # A sentence stands inside one line, and the sentences of a line after those of
        # the line before: ordered by (pair, sentence), the entries are ordered by (pair,
        # line) too.
        line_of_sentence = line_of[begins]
        by_line = (self.by_sentence & ~_UNIT_MASK) | line_of_sentence[
            self.by_sentence & _UNIT_MASK]
        self.by_line = by_line[run_starts(by_line)]

    def related_joints(self, among: np.ndarray | None = None) -> list[bool]:
        """For each two consecutive prose lines, whether they share `RELATED_PAIRS`
        subject pairs or one that stands in `SUBJECT_LINES` prose lines; of the lines
        ``among`` alone (their places among the prose lines, in order) when given, as if
        they were the only ones."""
        entries, lines = self.by_line, self.lines
        if among is not None:
            place = np.full(lines, -1, dtype=np.int64)
            place[among] = np.arange(len(among))
            renumbered = place[entries & _UNIT_MASK]
            kept = renumbered >= 0
            # The places keep the lines' order: the entries stay sorted by (pair, line).
            entries = (entries[kept] & ~_UNIT_MASK) | renumbered[kept]
            lines = len(among)
        joints = lines - 1
        if joints < 1 or not len(entries):
            return [False] * max(joints, 0)
        pair, line = entries >> 21, entries & _UNIT_MASK
        starts = run_starts(pair)
        same = ~starts[1:]
        group = np.cumsum(starts) - 1
        lines_with = np.bincount(group)
        shared = same & (line[1:] == line[:-1] + 1)
        above = line[:-1][shared]
        subject = lines_with[group[1:][shared]] >= SUBJECT_LINES
        counts = np.bincount(above, minlength=joints)
        subjects = np.bincount(above[subject], minlength=joints)
        return ((counts >= RELATED_PAIRS) | (subjects > 0)).tolist()

    def unrelated_sentences(self) -> tuple[int, int]:
        """How many sentences after the first hold `_SENTENCE_MIN_PAIRS` subject pairs, and
        how many of those share none with the two sentences before."""
        if self.sentences < 2:
            return 0, 0
        pair, sentence = self.by_sentence >> 21, self.by_sentence & _UNIT_MASK
        sizes = np.bincount(sentence, minlength=self.sentences)
        # The sentence before in the same pair's order holds it too: one of the two before?
        shared = (pair[1:] == pair[:-1]) & (sentence[1:] - sentence[:-1] <= 2)
        hits = np.bincount(sentence[1:][shared], minlength=self.sentences)
        judged = sizes[1:] >= _SENTENCE_MIN_PAIRS
        return int(judged.sum()), int((judged & (hits[1:] == 0)).sum())


_UNIT_MASK = (1 << 21) - 1
# A character that may stand in a subject pair, and a mark that ends a sentence of _SENTENCE.
_SUBJECT_CHAR, _SENTENCE_END = 1, 2
_SENTENCE_ENDS = frozenset("。！？!?；;")
_HAN_CHAR = regex.compile(r"\p{Han}")


@dataclass(frozen=True)
class _CommonKeys:
    """What a code point is to the subject pairs (`_SUBJECT_CHAR`: Han, no function
    character; `_SENTENCE_END`), and `CommonPairs` as a table: each character of a common
    pair numbered from 1 (``number``, 0 for the others), and ``table[first * width +
    second]`` true for the pairs listed."""

    classes: CodePointClasses
    number: np.ndarray
    width: int
    table: np.ndarray

    @staticmethod
    @lru_cache(maxsize=4)
    def of(common: CommonPairs) -> _CommonKeys:
        listed = [pair for pair in common.pairs if len(pair) == 2]
        chars = sorted({char for pair in listed for char in pair})
        number = np.zeros(0x110000, dtype=np.intp)
        number[[ord(char) for char in chars]] = np.arange(1, len(chars) + 1)
        width = len(chars) + 1
        table = np.zeros(width * width, dtype=bool)
        table[[int(number[ord(a)]) * width + int(number[ord(b)]) for a, b in listed]] = True

        def classes(char: str) -> int:
            subject = char not in common.function and _HAN_CHAR.match(char) is not None
            return (_SUBJECT_CHAR if subject else 0) | (
                _SENTENCE_END if char in _SENTENCE_ENDS else 0)

        return _CommonKeys(CodePointClasses(classes), number, width, table)

    def common(self, points: np.ndarray) -> np.ndarray:
        """For each two neighbouring code points, whether they are a listed pair."""
        numbers = self.number.take(points)
        return self.table.take(numbers[:-1] * self.width + numbers[1:])


def described(name: str, value: float) -> str:
    """A measurement as a reader takes it: counts for the logged ones.

    >>> described("longest_prose_run", 5.0), described("teaser_share", 0.5)
    ('longest_prose_run 31', 'teaser_share 0.50')
    """
    if name in LOG_FEATURES:
        return f"{name} {round(2 ** value - 1)}"
    return f"{name} {value:.2f}"


def cut_off_lines(texts: list[str]) -> np.ndarray:
    # Most lines hold neither ... nor …: no need to search them.
    return np.fromiter((("…" in t or "..." in t) and bool(CUT_OFF.search(t)) for t in texts),
                       dtype=bool, count=len(texts))


def longest_run(han: np.ndarray, prose: np.ndarray) -> int:
    """The Han characters of the longest run of consecutive prose lines: an article has
    one, a listing's blurbs stand one by one between the rows.

    >>> longest_run(np.array([30, 5, 40, 50]), np.array([True, False, True, True]))
    90
    """
    best = current = 0.0
    for count, is_prose in zip(han.tolist(), prose.tolist(), strict=True):
        current = current + count if is_prose else 0.0
        best = max(best, current)
    return int(best)


def pattern_rows(texts: list[str], skip: np.ndarray) -> int:
    """How many lines (other than ``skip``) end or begin like at least three others: the
    rows of one listing (``拉力传感器S9 价格面议``, ``甲型凯氏定氮仪``).

    >>> pattern_rows(["甲型凯氏定氮仪", "乙型凯氏定氮仪", "丙型凯氏定氮仪", "丁型凯氏定氮仪",
    ...               "正文第一句，第二句。"], np.array([False] * 4 + [True]))
    4
    """
    rows = [t.strip() for t, skipped in zip(texts, skip.tolist(), strict=True)
            if not skipped and len(t.strip()) >= _PATTERN_MIN_CHARS]
    ends = Counter(row[-_PATTERN_SUFFIX:] for row in rows)
    starts = Counter(row[:_PATTERN_PREFIX] for row in rows)
    return sum(1 for row in rows if ends[row[-_PATTERN_SUFFIX:]] >= _PATTERN_OTHERS
               or starts[row[:_PATTERN_PREFIX]] >= _PATTERN_OTHERS)


def _shape_share(rows: np.ndarray) -> float:
    """The share of lines whose shape (length to a power of two, sentence end, label,
    bracket, link marks, digits) three other lines share: the rows of a list."""
    shapes = list(zip(np.log2(1 + rows[:, INDEX["chars"]]).astype(int).tolist(),
                      rows[:, INDEX["ends_sentence"]].tolist(),
                      rows[:, INDEX["label_value"]].tolist(),
                      rows[:, INDEX["opens_bracket"]].tolist(),
                      (rows[:, INDEX["link_marks"]] > 0).tolist(),
                      (rows[:, INDEX["digit_share"]] >= 0.2).tolist(), strict=True))
    counts = Counter(shapes)
    return sum(1 for shape in shapes if counts[shape] >= _PATTERN_OTHERS) / len(shapes)
