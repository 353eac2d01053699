"""Pages that hold no article: dropped whole, with the reason.

A page stored mis-decoded, a page the line classifier (`curate.clean.furniture`) scores as
furniture line after line (a listing, a teaser list, a keyword page), or a page without
running text is not an article with some furniture around it: no line of it is worth
keeping, so the document goes to the rejects:

    [2005-08-17] 无序列表 / [2005-08-02] 无序 / [2005-07-13] 谁来为氵蒙洼蓄洪区灾民损失补偿 …
    -> dropped (furniture-page): the classifier scores its 7 lines as page furniture at
       0.83 on average: a listing, a teaser list or a page of links, no article

The thresholds are in ``rules/articleless_pages.yaml``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import regex

from curate.clean.furniture import TreeEnsemble, numbered
from curate.clean.line_features import BODY_MIN_HAN, INDEX, line_features, prose_paragraphs
from curate.document import Document
from curate.pipeline import Context, reject, step
from curate.rules import RuleError, Rules

STEP = "drop_articleless_pages"
SETTINGS_FILE = "articleless_pages.yaml"
# A teaser cut off where a listing stops quoting its story: ... or a lone … at the end (a
# writer's own ellipsis is ……, which also ends real sentences).
_CUT_OFF = regex.compile(r"(?:\.{3,}|(?<!…)…)\s*$")
# Rows of one listing share how they end or begin (… 价格面议, …测定仪, 导读:…).
_PATTERN_SUFFIX, _PATTERN_PREFIX, _PATTERN_MIN_CHARS = 4, 3, 6


@dataclass(frozen=True)
class PageSettings:
    min_sentence_han: int
    mean_score: float
    replacement_share: float
    teaser_share: float
    teaser_mean_score: float
    teaser_max_run_han: int
    pattern_share: float
    pattern_mean_score: float
    pattern_max_run_han: int
    pattern_min_rows: int
    prose_min_han: int
    prose_min_marks: int
    prose_count: int
    prose_mean_score: float
    prose_run: int

    @classmethod
    def from_rules(cls, rules: Rules) -> PageSettings:
        data = rules.yaml(SETTINGS_FILE)
        try:
            teasers, pattern = data["teaser_list"], data["line_pattern"]
            prose = data["article_prose"]
            return cls(int(data["min_sentence_han"]), float(data["mean_score"]),
                       float(data["replacement_share"]),
                       float(teasers["share"]), float(teasers["mean_score"]),
                       int(teasers["max_run_han"]),
                       float(pattern["share"]), float(pattern["mean_score"]),
                       int(pattern["max_run_han"]), int(pattern["min_rows"]),
                       int(prose["min_han"]), int(prose["min_marks"]), int(prose["count"]),
                       float(prose["mean_score"]), int(prose["run"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleError(f"rules/{SETTINGS_FILE}: needs min_sentence_han, mean_score, "
                            "replacement_share, teaser_list (share, mean_score, max_run_han) "
                            "line_pattern (share, mean_score, max_run_han, min_rows) and "
                            "article_prose (min_han, min_marks, count, mean_score, run) "
                            f"({exc!r})") from None

    def furniture_page_score(self, rows: np.ndarray) -> float:
        """The mean line score at which a page is dropped as furniture, by its long prose
        paragraphs (`prose_paragraphs`): ``mean_score`` for a page without them, more for
        a page holding several, never (infinity) for one holding them one after another."""
        count, run = prose_paragraphs(rows, self.prose_min_han, self.prose_min_marks)
        if run >= self.prose_run:
            return float("inf")
        return self.prose_mean_score if count >= self.prose_count else self.mean_score


def _model(ctx: Context) -> tuple[TreeEnsemble, PageSettings]:
    return ctx.resource("articleless_model", lambda: (TreeEnsemble.from_rules(ctx.rules),
                                                      PageSettings.from_rules(ctx.rules)))


@step(STEP)
def drop_articleless_pages(doc: Document, ctx: Context) -> Document | None:
    """Drop a page with no article: stored mis-decoded, scored as furniture line after line
    (a listing, a teaser list, a keyword page), a list of teasers cut off or of rows of one
    pattern with no stretch of prose between them, or without running text.

    Runs before `drop_furniture_lines`, on the whole page as the rule steps left it.
    """
    model, settings = _model(ctx)
    texts = [p.text for p in doc.paragraphs]
    if not texts:
        return doc
    text = "\n".join(texts)
    replaced = text.count("\ufffd") / max(len(text), 1)
    if replaced >= settings.replacement_share:
        reject(doc, STEP, "mis-decoded-page",
               f"{replaced:.0%} of its characters are U+FFFD: the page was stored mis-decoded")
        return None
    rows = line_features(texts)
    # A numbered item is the writer's enumeration, not a list of links: it scores 0 here.
    enumerated = numbered(texts)
    mean = float(np.where(enumerated, 0.0, model.probabilities(rows)).mean())
    if mean >= settings.furniture_page_score(rows):
        reject(doc, STEP, "furniture-page",
               f"the classifier scores its {len(texts)} lines as page furniture at {mean:.2f} "
               "on average: a listing, a teaser list or a page of links, no article")
        return None
    han = rows[:, INDEX["han_share"]] * rows[:, INDEX["chars"]]
    marks = rows[:, INDEX["sentence_marks"]] + rows[:, INDEX["commas"]]
    cut_off = np.fromiter((bool(_CUT_OFF.search(t)) for t in texts), dtype=bool,
                          count=len(texts))
    prose = (han >= BODY_MIN_HAN) & (marks >= 2) & ~cut_off
    run = longest_prose_run(han, prose)
    teasers = int(cut_off.sum())
    if (teasers >= 3 and teasers >= settings.teaser_share * len(texts)
            and mean >= settings.teaser_mean_score and run < settings.teaser_max_run_han):
        reject(doc, STEP, "teaser-list",
               f"{teasers} of its {len(texts)} lines are teasers cut off with ... or … and "
               f"its longest stretch of prose is {run} Han characters: a teaser list, no "
               "article")
        return None
    rows_alike = pattern_rows(texts, prose | cut_off | enumerated)
    if (rows_alike >= settings.pattern_min_rows
            and rows_alike >= settings.pattern_share * len(texts)
            and mean >= settings.pattern_mean_score and run < settings.pattern_max_run_han):
        reject(doc, STEP, "listing-rows",
               f"{rows_alike} of its {len(texts)} lines are rows that begin or end alike and "
               f"its longest stretch of prose is {run} Han characters: a listing, no article")
        return None
    # Running text: sentences, or long lines a dump stored without their punctuation.
    sentences = (marks > 0) | (han >= BODY_MIN_HAN)
    sentence_han = int(han[sentences].sum())
    if sentence_han < settings.min_sentence_han:
        reject(doc, STEP, "no-running-text",
               f"{sentence_han} Han characters of running text, fewer than "
               f"{settings.min_sentence_han}: no article")
        return None
    return doc


def longest_prose_run(han: np.ndarray, prose: np.ndarray) -> int:
    """The Han characters of the longest run of consecutive prose lines: an article has
    one, a listing's blurbs stand one by one between the rows.

    >>> longest_prose_run(np.array([30, 5, 40, 50]), np.array([True, False, True, True]))
    90
    """
    best = current = 0
    for count, is_prose in zip(han.tolist(), prose.tolist(), strict=True):
        current = current + count if is_prose else 0
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
    return sum(1 for row in rows
               if ends[row[-_PATTERN_SUFFIX:]] >= 4 or starts[row[:_PATTERN_PREFIX]] >= 4)
