"""The article's core on a page: the run of prose lines that holds its running text.

An article's body is one long run of prose paragraphs; the furniture around it (menus,
bylines, related headlines, tag rows, footers) is short lines, or prose that a run of short
lines parts from the body. The core is the run of lines whose Han characters in prose, less
a cost for every line that is not prose, sum highest (the largest-sum segment, as CETD and
boilerpipe weigh text density by block): a subheading or a caption between paragraphs costs
less than the text around it brings, so it stays inside; a list of ten headlines under the
story costs more than a footer blurb under it brings, so the core ends at the story's last
paragraph. It depends on no wording.

    >>> story = "英伟达芯片一片难求，国产替代趁势崛起，多家厂商扩产。" * 3
    >>> lines = ["首页 > 科技", "芯片荒下的国产替代", story, "产能", story, "相关新闻",
    ...          "华为发布新款手机", "小米汽车首批交付", "苹果下调销量预期",
    ...          "联系我们：网站简介，免责声明，版权所有。"]
    >>> article_core(lines, line_features(lines))
    Core(start=2, end=4)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import regex

from curate.clean.line_features import INDEX, line_features
from curate.clean.page_features import cut_off_lines

__all__ = ["Core", "article_core", "item_rows", "line_features"]

# A prose line: this many Han characters and a comma or sentence mark, not cut off (…).
PROSE_MIN_HAN = 20
# What a line that is not prose costs the run it stands in, in Han characters of prose: a
# subheading between two paragraphs of 60 stays in the core, ten headlines under the story
# are not bridged by a blurb of 200 under them.
GAP_COST = 25.0
# A row of items: this many pieces, this many characters a piece on average.
ROW_MIN_ITEMS = 6
ROW_MAX_ITEM_CHARS = 5
_ITEM_SEPARATORS = regex.compile(r"[\s,，、;；/|｜]+")


@dataclass(frozen=True)
class Core:
    """Lines ``start`` to ``end`` (both inside) of a page are its article's core."""

    start: int
    end: int

    def distance(self, index: int) -> int:
        """How many lines ``index`` stands outside the core (0 inside, 1 right next to it)."""
        return max(self.start - index, index - self.end, 0)


def prose_lines(texts: list[str], rows: np.ndarray) -> np.ndarray:
    """Lines of running text: `PROSE_MIN_HAN` Han characters, a comma or sentence mark, not a
    teaser cut off with ``...`` or ``…``, not a row of items."""
    han = rows[:, INDEX["han_share"]] * rows[:, INDEX["chars"]]
    marks = rows[:, INDEX["sentence_marks"]] + rows[:, INDEX["commas"]]
    return (han >= PROSE_MIN_HAN) & (marks >= 1) & ~cut_off_lines(texts) & ~item_rows(texts)


def item_rows(texts: list[str]) -> np.ndarray:
    """Rows of many short items, whatever separates them: a menu, a tag or keyword row
    (``北欧广播, 北欧电视, 华侨华人, 国际新闻, …``, ``标签：疫情,影响,三驾马车,…``): at least
    `ROW_MIN_ITEMS` pieces between commas, spaces, slashes or bars, `ROW_MAX_ITEM_CHARS`
    characters long on average, and no sentence mark. A sentence's clauses are longer, and a
    sentence listing names ends as one (孙春兰、胡春华、刘鹤、王勇、肖捷、赵克志参加。).

    >>> item_rows(["本文关键词：华体会官网,国科,嘉,和,王戈,疫情,影响,三驾马车",
    ...            "英伟达芯片一片难求，国产替代趁势崛起，多家厂商扩产。"]).tolist()
    [True, False]
    """
    flags = np.zeros(len(texts), dtype=bool)
    for index, text in enumerate(texts):
        if any(mark in text for mark in "。！？!?"):  # most lines: no need to split them
            continue
        pieces = [piece for piece in _ITEM_SEPARATORS.split(text) if piece]
        if (len(pieces) >= ROW_MIN_ITEMS
                and sum(map(len, pieces)) <= ROW_MAX_ITEM_CHARS * len(pieces)):
            flags[index] = True
    return flags


def article_core(texts: list[str], rows: np.ndarray, gap_cost: float = GAP_COST) -> Core | None:
    """The core of a page whose `line_features` are ``rows``: the run of lines whose prose Han
    characters less ``gap_cost`` for each other line sum highest; None without prose."""
    if not len(texts):
        return None
    prose = prose_lines(texts, rows)
    if not prose.any():
        return None
    han = rows[:, INDEX["han_share"]] * rows[:, INDEX["chars"]]
    gains = np.where(prose, han, -gap_cost)
    best, best_start, best_end = -1.0, 0, 0
    total, start = 0.0, 0
    for index, gain in enumerate(gains.tolist()):
        if total <= 0:
            total, start = 0.0, index
        total += gain
        if total > best:
            best, best_start, best_end = total, start, index
    return Core(best_start, best_end)
