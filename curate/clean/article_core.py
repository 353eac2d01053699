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

from curate.clean.line_features import INDEX, line_features
from curate.clean.page_features import cut_off_lines

__all__ = ["Core", "article_core", "line_features"]

# A prose line: this many Han characters and a comma or sentence mark, not cut off (…).
PROSE_MIN_HAN = 20
# What a line that is not prose costs the run it stands in, in Han characters of prose: a
# subheading between two paragraphs of 60 stays in the core, ten headlines under the story
# are not bridged by a blurb of 200 under them.
GAP_COST = 25.0


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
    teaser cut off with ``...`` or ``…``."""
    han = rows[:, INDEX["han_share"]] * rows[:, INDEX["chars"]]
    marks = rows[:, INDEX["sentence_marks"]] + rows[:, INDEX["commas"]]
    return (han >= PROSE_MIN_HAN) & (marks >= 1) & ~cut_off_lines(texts)


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
