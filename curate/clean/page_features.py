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

import numpy as np
import regex

from curate.clean.line_features import BODY_MIN_HAN, INDEX, SHORT_MAX_CHARS

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
)
PAGE_INDEX = {name: i for i, name in enumerate(PAGE_FEATURES)}
# Measured as log2(1 + n), so that a page of 500 lines does not weigh 50 times one of 10.
LOG_FEATURES = frozenset({"lines", "longest_prose_run", "longest_line"})

LONG_HAN, LONG_MARKS = 100, 3
# A teaser cut off where a listing stops quoting its story: ... or a lone … at the end (a
# writer's own ellipsis is ……, which also ends real sentences).
CUT_OFF = regex.compile(r"(?:\.{3,}|(?<!…)…)\s*$")
# Rows of one listing share how they end or begin (… 价格面议, …测定仪, 导读:…).
_PATTERN_SUFFIX, _PATTERN_PREFIX, _PATTERN_MIN_CHARS, _PATTERN_OTHERS = 4, 3, 6, 4


def page_row(texts: list[str], rows: np.ndarray, scores: np.ndarray,
             enumerated: np.ndarray) -> np.ndarray:
    """The `PAGE_FEATURES` of one page from its lines, their `line_features` rows, the line
    classifier's scores and which lines the writer numbered."""
    count = len(texts)
    out = np.zeros(len(PAGE_FEATURES), dtype=np.float64)
    if not count:
        return out
    chars = rows[:, INDEX["chars"]]
    han = rows[:, INDEX["han_share"]] * chars
    marks = rows[:, INDEX["sentence_marks"]] + rows[:, INDEX["commas"]]
    cut_off = cut_off_lines(texts)
    prose = (han >= BODY_MIN_HAN) & (marks >= 2) & ~cut_off
    long = (han >= LONG_HAN) & (marks >= LONG_MARKS)
    scored = np.where(enumerated, 0.0, scores)
    total_han = max(float(han.sum()), 1.0)
    total_chars = max(float(chars.sum()), 1.0)
    short = (chars <= SHORT_MAX_CHARS) & (rows[:, INDEX["sentence_marks"]] == 0)
    out[PAGE_INDEX["lines"]] = np.log2(1 + count)
    out[PAGE_INDEX["prose_line_share"]] = prose.mean()
    out[PAGE_INDEX["prose_han_share"]] = float(han[prose].sum()) / total_han
    out[PAGE_INDEX["longest_prose_run"]] = np.log2(1 + longest_run(han, prose))
    out[PAGE_INDEX["long_paragraphs"]] = long.sum()
    out[PAGE_INDEX["long_paragraph_run"]] = longest_run(np.ones(count), long)
    out[PAGE_INDEX["mean_score"]] = scored.mean()
    out[PAGE_INDEX["han_weighted_score"]] = float((scored * han).sum()) / total_han
    out[PAGE_INDEX["furniture_share"]] = (scored >= 0.5).mean()
    out[PAGE_INDEX["short_share"]] = short.mean()
    out[PAGE_INDEX["teaser_share"]] = cut_off.mean()
    out[PAGE_INDEX["pattern_share"]] = pattern_rows(texts, prose | cut_off | enumerated) / count
    out[PAGE_INDEX["shape_share"]] = _shape_share(rows)
    out[PAGE_INDEX["link_share"]] = (rows[:, INDEX["link_marks"]] > 0).mean()
    out[PAGE_INDEX["label_share"]] = rows[:, INDEX["label_value"]].mean()
    for share in ("digit_share", "latin_share", "replacement_share"):
        out[PAGE_INDEX[share]] = float((rows[:, INDEX[share]] * chars).sum()) / total_chars
    if prose.any():
        out[PAGE_INDEX["prose_related"]] = float(rows[prose, INDEX["related"]].mean())
    out[PAGE_INDEX["longest_line"]] = np.log2(1 + float(han.max()))
    return out


def described(name: str, value: float) -> str:
    """A measurement as a reader takes it: counts for the logged ones.

    >>> described("longest_prose_run", 5.0), described("teaser_share", 0.5)
    ('longest_prose_run 31', 'teaser_share 0.50')
    """
    if name in LOG_FEATURES:
        return f"{name} {round(2 ** value - 1)}"
    return f"{name} {value:.2f}"


def cut_off_lines(texts: list[str]) -> np.ndarray:
    return np.fromiter((bool(CUT_OFF.search(t)) for t in texts), dtype=bool, count=len(texts))


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
