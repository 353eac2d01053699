"""Page furniture found by a learned line classifier.

Rules name the forms a curator has seen; the classifier catches the long tail by what a
line looks like and where it stands (`curate.clean.line_features`): short, no sentence end,
in a run of headline-like lines under the body, sharing few character pairs with it. The
trees are data (``rules/line_classifier.yaml``, made by ``tools/train_line_classifier.py``)
evaluated with NumPy, all trees and lines at once; the thresholds are in
``rules/furniture.yaml``. Every removal records the score and the evidence:

    百色市召开2021年第三季度经济形势分析会
    -> removed (line-classifier): classifier 0.98: related-headline list; 18 characters,
       no sentence end, in a run of 6 short lines, 4 lines under the body, shares 12% of its
       character pairs with the body

Pages that hold no article are dropped by `curate.clean.articleless`, with the same trees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import regex

from curate.clean.article_core import Core, article_core, item_rows
from curate.clean.header import RULE_TITLE as TITLE_RULE  # the title taken out of the text
from curate.clean.line_features import (
    BODY_MIN_HAN,
    FEATURES,
    INDEX,
    SHORT_MAX_CHARS,
    line_features,
    repeats_at_top,
)
from curate.clean.teasers import UNRELATED_BELOW
from curate.document import Document
from curate.pipeline import Context, step
from curate.rules import RuleError, Rules

STEP = "drop_furniture_lines"
MODEL_FILE = "line_classifier.yaml"
SETTINGS_FILE = "furniture.yaml"
RULE = "line-classifier"
REPEAT_RULE = "repeated-heading"
_REPEATS = {"title": "repeats the title or a line over it",
            "paragraph": "a labelled summary: 90% of its character pairs stand in a paragraph "
                         "below"}
# The gain of a line an edge block never takes.
_NEVER = -1.0
# A line that is a date and nothing else: 2022年12月6日, 2021-10-20 08:30.
_DATE_ALONE = regex.compile(r"\s*\d{2,4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?"
                            r"(?:\s*\d{1,2}[:：时]\d{1,2}(?:[:：分]\d{1,2}秒?)?)?\s*")
_TIME_OF_DAY = regex.compile(r"\d{1,2}[:：时]\d{1,2}")
# A reply's floor number, on a line of its own over its user and time: 21#, 3楼, #7.
_FLOOR = regex.compile(r"\s*(?:\d{1,5}\s*[#＃楼樓]|[#＃]\s*\d{1,5})\s*")
# The marks that leave a sentence open for the next line to finish.
_LEFT_OPEN = ("；", ";", "，", ",", "：", ":", "、")
# A line that is a label and a name in brackets and nothing else: （撰稿：施韵）, (编辑: 王强).
_CREDIT = regex.compile(r"\s*[(（]\s*\p{Han}{1,6}\s*[:：]\s*[^()（）。！？]{1,20}[)）]\s*")
# What parts a page's title from the site's name: 标题_站名, 标题 | 站名, 标题 – 站名.
_TITLE_PARTS = regex.compile(r"\s*(?:[_|｜]|\s[-–—]\s)")
_TITLE_MIN_CHARS = 8
# An item the writer numbered or bulleted: 1. 2、 (3) 一、 第四， - •, or counted with the
# word of what it counts: 第一站：, 第三步，, 第十二条 (a list of stops, steps or articles).
ORDINAL = regex.compile(r"\s*(?:[(（]?\d{1,2}[.．、)）](?!\d)\s*\S|[-•]\s*[^\s\d]"
                         r"|[一二三四五六七八九十]{1,3}、"
                         r"|第[一二三四五六七八九十]{1,3}[站步条章节点项天期轮场部]?\s*[，、：:])")

# A headline is written in Han characters: this share of its characters at least.
_HEADLINE_MIN_HAN = 0.5
# What opens a bulleted item of ORDINAL: a dash (- …, --- …) or a bullet dot (• …).
_BULLETS = ("-", "•")


@dataclass(frozen=True)
class TreeEnsemble:
    """Complete regression trees of one depth, as arrays: ``features[t, k]`` and
    ``thresholds[t, k]`` for node k of tree t (breadth first), ``leaves[t, j]``."""

    features: np.ndarray
    thresholds: np.ndarray
    leaves: np.ndarray
    base: float
    learning_rate: float
    depth: int

    @classmethod
    def from_rules(cls, rules: Rules) -> TreeEnsemble:
        data = rules.yaml(MODEL_FILE)
        try:
            if list(data["features"]) != list(FEATURES):
                raise ValueError("its features are not those of curate/clean/line_features.py")
            depth = int(data["depth"])
            trees = data["trees"]
            features = np.array([t["features"] for t in trees], dtype=np.int64)
            thresholds = np.array([t["thresholds"] for t in trees], dtype=np.float64)
            leaves = np.array([t["leaves"] for t in trees], dtype=np.float64)
            if features.shape[1] != 2**depth - 1 or leaves.shape[1] != 2**depth:
                raise ValueError(f"trees must be complete trees of depth {depth}")
            return cls(features, thresholds, leaves, float(data["log_odds_base"]),
                       float(data["learning_rate"]), depth)
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleError(f"rules/{MODEL_FILE}: {exc}; rebuild it with "
                            "tools/train_line_classifier.py") from None

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """The chance each row is furniture: every tree walked for every row at once.

        The arrays are read flat, each (row, tree) entry at its offset (``take``): the
        same values as indexing them by (tree, node) and (row, feature), which goes through
        NumPy's general indexing (42 µs a page of the generated dump against 68)."""
        count, trees = len(rows), len(self.features)
        nodes, leaves = self.features.shape[1], self.leaves.shape[1]
        node = np.zeros((count, trees), dtype=np.int64)
        tree_nodes = np.arange(trees) * nodes
        row_offsets = (np.arange(count) * rows.shape[1])[:, None]
        flat_rows = rows.ravel()
        for _ in range(self.depth):
            at = tree_nodes + node
            feature = self.features.take(at)
            go_right = flat_rows.take(row_offsets + feature) > self.thresholds.take(at)
            node = 2 * node + 1 + go_right
        leaf = node - (2**self.depth - 1)
        chosen = self.leaves.take(np.arange(trees) * leaves + leaf)
        score = self.base + self.learning_rate * chosen.sum(axis=1)
        return 1.0 / (1.0 + np.exp(-score))


@dataclass(frozen=True)
class FurnitureSettings:
    remove_at_top: float
    remove_at_bottom: float
    remove_running_at_bottom: float
    block_floor_top: float
    block_floor_bottom: float
    max_removed_share: float
    far_from_core: int
    block_floor_far_from_core: float
    headline_run: HeadlineRun

    @classmethod
    def from_rules(cls, rules: Rules) -> FurnitureSettings:
        data = rules.yaml(SETTINGS_FILE)
        try:
            run = data["headline_run"]
            return cls(float(data["remove_at"]["top"]), float(data["remove_at"]["bottom"]),
                       float(data["remove_at"]["running_text_at_bottom"]),
                       float(data["block_floor"]["top"]), float(data["block_floor"]["bottom"]),
                       float(data["max_removed_share"]),
                       int(data["above_core"]["far_from_core"]),
                       float(data["above_core"]["block_floor"]),
                       HeadlineRun(int(run["min_lines"]), int(run["min_chars"]),
                                   float(run["length_ratio"]), float(run["raise"])))
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleError(f"rules/{SETTINGS_FILE}: needs remove_at (top, bottom, "
                            "running_text_at_bottom), block_floor (top, bottom), "
                            "max_removed_share, above_core (far_from_core, block_floor) and "
                            f"headline_run (min_lines, min_chars, length_ratio, raise) ({exc!r})"
                            ) from None


@dataclass(frozen=True)
class HeadlineRun:
    """A list of other stories' titles at the core's edge: ``min_lines`` headline-shaped
    lines in a row (``min_chars`` to `SHORT_MAX_CHARS` characters, half of them Han, no
    sentence mark, comma or sentence end but a closing question mark, each within
    ``length_ratio`` of its neighbour's length), each sharing under `UNRELATED_BELOW` of
    its character pairs with the core; their scores rise by ``raise``."""

    min_lines: int
    min_chars: int
    length_ratio: float
    raise_by: float


def _model(ctx: Context) -> tuple[TreeEnsemble, FurnitureSettings]:
    return ctx.resource("line_model", lambda: (TreeEnsemble.from_rules(ctx.rules),
                                               FurnitureSettings.from_rules(ctx.rules)))


@step(STEP)
def drop_furniture_lines(doc: Document, ctx: Context) -> Document:
    """Remove the furniture at the page's edges: from the top and from the bottom, the block
    of lines the classifier scores over ``remove_at`` (`edge_block`: the lines' scores
    minus the threshold, summed, at their highest; over the body the title and lead stand,
    so the top asks for more).

    Furniture sits at the edges; a short line inside the body (a subheading, a row of a
    specification list) stays whatever its score, and so do numbered items, the heading and
    a lead-in right over the body, a date alone and a closing sentence right under it.
    Running text stays over the body; under it, it goes only in a block of teasers scored
    over ``remove_at.running_text_at_bottom``. A run of other stories' titles at the core's
    edge (`headline_runs`) raises its lines' scores by ``headline_run.raise``, and its
    bulleted lines are no items. When the edges would take more than ``max_removed_share``
    of the page's characters, the bottom edge alone is measured (a related list under a
    short story), then the edges' headline runs alone; when even those are too much the
    body itself is list-like (a datasheet, a code listing) and nothing is removed: the page
    decision judges it.
    """
    model, settings = _model(ctx)
    texts = [p.text for p in doc.paragraphs]
    if not texts:
        return doc
    rows = line_features(texts)
    core = article_core(texts, rows)
    runs = headline_runs(texts, rows, core, settings.headline_run)
    classified = model.probabilities(rows)
    scores = np.minimum(classified + settings.headline_run.raise_by * (runs > 0), 1.0)
    # A bullet is no reason to keep another story's title: in a headline run only the
    # numbered items stay.
    items = numbered(texts) & ~((runs > 0) & bulleted(texts))
    running = protected(texts, rows)
    lead_in = np.fromiter((t.rstrip().endswith(("：", ":")) for t in texts), dtype=bool,
                          count=len(texts))
    # Over the body a line ending in a colon introduces what follows (央视网消息：), and the
    # line right over the first sentence is the article's own heading.
    heading = (rows[:, INDEX["outside_body"]] > 0) & (rows[:, INDEX["lines_from_body"]] == 1) & (
        rows[:, INDEX["from_top"]] < rows[:, INDEX["from_bottom"]])
    # Far above the article's core stand menus and other stories' headlines and teasers,
    # not its heading or lead: a lower score ends no block there, and a line of running
    # text or the one over the first long line is no reason to stop.
    far = np.zeros(len(texts), dtype=bool)
    if core is not None:
        far[: max(core.start - settings.far_from_core, 0)] = True
    # Over the article's own title stands nothing of the article either; the title stays.
    over_title, titled = title_line(doc)
    if core is not None:
        far[: min(over_title, core.start)] = True
    floor_top = np.where(far, settings.block_floor_far_from_core, settings.block_floor_top)
    top = scores - settings.remove_at_top
    top[((running | heading) & ~far) | items | lead_in | (scores < floor_top)] = _NEVER
    # Under the body a date alone closes a notice (2022年12月6日), and a last line ending like
    # a sentence right under the body closes the text (谢谢！).
    date_alone = np.fromiter((bool(_DATE_ALONE.fullmatch(t)) for t in texts), dtype=bool,
                             count=len(texts))
    # A notice is signed with its date, not with a time of day: a date and time closing the
    # page under a name (a reply's floor, its user, then when it was posted) is the reply's.
    # Under a sentence or a post's text, and on a thread of posts each dated, it stays.
    timed = [i for i in np.flatnonzero(date_alone).tolist() if _TIME_OF_DAY.search(texts[i])]
    if (timed == [len(texts) - 1] and len(texts) > 1 and not running[-2]
            and rows[-2, INDEX["ends_sentence"]] == 0):
        date_alone[-1] = False
    # Under a floor number (21# / 码农小周 / 2021-02-25 08:25 / the reply) the date is the
    # reply's wherever the reply ends.
    for i in timed:
        if any(_FLOOR.fullmatch(texts[j]) for j in range(max(i - 2, 0), i)):
            date_alone[i] = False
    # A credit in brackets (（撰稿：施韵）) ends like a sentence but closes no text.
    credit = np.fromiter((bool(_CREDIT.fullmatch(t)) for t in texts), dtype=bool,
                         count=len(texts))
    closing = ((rows[:, INDEX["ends_sentence"]] > 0) & (rows[:, INDEX["lines_from_body"]] <= 1)
               & (rows[:, INDEX["from_bottom"]] == 0) & ~credit)
    # A sentence whose line follows one left open by a semicolon, comma or colon finishes
    # that line's sentence (三、免去…职务； / 任命…为…部长。): it is the text, not a teaser.
    continues = np.zeros(len(texts), dtype=bool)
    continues[1:] = [(rows[i, INDEX["ends_sentence"]] > 0)
                     and texts[i - 1].rstrip().endswith(_LEFT_OPEN) for i in range(1, len(texts))]
    # Running text under the body goes only in a block the classifier scores as teasers.
    bottom = np.where(running, scores - settings.remove_running_at_bottom,
                      scores - settings.remove_at_bottom)
    bottom[date_alone | closing | continues | items
           | (scores < settings.block_floor_bottom)] = _NEVER
    cut = np.zeros(len(texts), dtype=bool)
    if titled:
        # The title is an edge of its own: the article starts there, and what stands
        # between it and the body (a byline, the title again) is a block from that edge.
        cut[: edge_block(top[:over_title])] = True
        start = over_title + 1
        cut[start: start + edge_block(top[start:])] = True
    else:
        cut[: edge_block(top)] = True
    from_bottom = edge_block(bottom[::-1])
    cut[len(texts) - from_bottom:] = True
    sizes = rows[:, INDEX["chars"]]
    alone = ""
    if sizes[cut].sum() > settings.max_removed_share * sizes.sum():
        # Both edges together are too much; a related list under a short story may still
        # be taken alone.
        edges = cut.copy()
        over = (f"; the edges held over {settings.max_removed_share:.0%} of the page's "
                "characters: ")
        cut[:] = False
        cut[len(texts) - from_bottom:] = True
        alone = over + "the bottom edge taken alone"
        if sizes[cut].sum() > settings.max_removed_share * sizes.sum():
            cut[:] = edges & (runs > 0)
            alone = over + "its headline runs taken alone"
            if sizes[cut].sum() > settings.max_removed_share * sizes.sum():
                cut[:] = False
    # The heading printed again and a summary the body repeats, down to the first sentence.
    inside = rows[:, INDEX["outside_body"]] == 0
    first_body = int(np.argmax(inside)) if inside.any() else len(texts) - 1
    # The title counts when it was taken out of this text; else its first line stays.
    title = next((edit.text for edit in doc.edits if edit.rule == TITLE_RULE), None)
    repeats = repeats_at_top(texts, title, first_body + 1)
    for index, (paragraph, row, score) in enumerate(zip(doc.paragraphs, rows, classified,
                                                        strict=True)):
        if repeats[index] is not None:
            cut[index] = True
            doc.record(STEP, REPEAT_RULE, "remove", paragraph.text, paragraph.lines[0],
                       why=_REPEATS[repeats[index]])
        elif cut[index]:
            doc.record(STEP, RULE, "remove", paragraph.text, paragraph.lines[0],
                       why=f"classifier {score:.2f}: {evidence(row)}{_from_core(core, index)}"
                           f"{_in_headline_run(runs[index], settings.headline_run)}{alone}")
    doc.paragraphs = [p for p, removed in zip(doc.paragraphs, cut, strict=True) if not removed]
    return doc


def headline_runs(texts: list[str], rows: np.ndarray, core: Core | None,
                  shape: HeadlineRun) -> np.ndarray:
    """For each line, the length of the run of headline-shaped lines outside the article's
    core it stands in, when the run holds ``shape.min_lines`` lines or more and each shares
    under `UNRELATED_BELOW` of its character pairs with the core; else 0. Other stories'
    titles listed one a line under or over the story, whatever the list is called:

        英伟达芯片一片难求 / 小米汽车首批交付 / 苹果下调销量预期 / 华为发布新款手机

    A headline may ask (葡萄酒对身体健康有什么作用？): its one sentence mark closes it.
    A table of contents shares the article's words, a list of steps is numbered (and stays
    as numbered items do), a poem's lines are short or end in marks; a bulleted list of a
    product's features holds clauses (``- 吸附样板架，以适合…``) or ends in brackets."""
    found = np.zeros(len(rows), dtype=np.float64)
    if core is None:
        return found
    chars = rows[:, INDEX["chars"]]
    outside = np.ones(len(rows), dtype=bool)
    outside[core.start: core.end + 1] = False
    marks = rows[:, INDEX["sentence_marks"]]
    open_ended = ((marks == 0) & (rows[:, INDEX["ends_sentence"]] == 0)) | (
        (marks == 1) & asks(texts))
    shaped = (outside & (chars >= shape.min_chars) & (chars <= SHORT_MAX_CHARS) & open_ended
              & (rows[:, INDEX["commas"]] == 0)
              & (rows[:, INDEX["han_share"]] >= _HEADLINE_MIN_HAN)
              & (rows[:, INDEX["core_related"]] < UNRELATED_BELOW))
    start = 0
    for index in range(1, len(rows) + 1):
        joined = (index < len(rows) and shaped[index] and shaped[index - 1]
                  and max(chars[index], chars[index - 1])
                  <= shape.length_ratio * min(chars[index], chars[index - 1]))
        if joined:
            continue
        if shaped[start] and index - start >= shape.min_lines:
            found[start:index] = index - start
        start = index
    return found


def _in_headline_run(run: float, shape: HeadlineRun) -> str:
    """What the run of headlines added to the score: ``; +0.20: one of 5 headline-like
    lines in a row, each sharing under 35% of its character pairs with the article's core``."""
    if not run:
        return ""
    return (f"; +{shape.raise_by:.2f}: one of {int(run)} headline-like lines in a row, each "
            f"sharing under {UNRELATED_BELOW:.0%} of its character pairs with the article's core")


def title_line(doc: Document) -> tuple[int, bool]:
    """How many of the document's paragraphs stand over its title, and whether the title is
    still a paragraph (then it is the next one): the line `extract_header` took the title
    from, or the first paragraph that is the page's title (``metadata.title``, its part
    before `` _ `` ``|`` `` – `` where the site's name follows, or the first of the lines a
    title was printed on); ``(0, False)`` when neither is found."""
    taken = next((edit.line for edit in doc.edits if edit.rule == TITLE_RULE), None)
    if taken is not None:
        return sum(1 for paragraph in doc.paragraphs if paragraph.lines[0] < taken), False
    title = doc.metadata.get("title")
    if not isinstance(title, str) or not title.strip():
        return 0, False
    whole, head = _folded(title), _folded(_TITLE_PARTS.split(title.strip())[0])
    for index, paragraph in enumerate(doc.paragraphs):
        text = _folded(paragraph.text)
        if len(text) >= _TITLE_MIN_CHARS and (text in (whole, head) or whole.startswith(text)):
            return index, True
    return 0, False


def _folded(text: str) -> str:
    return "".join(text.split())


def _from_core(core: Core | None, index: int) -> str:
    """Where the line stands from the article's core: ``; 3 lines above the article's core``."""
    distance = core.distance(index) if core is not None else 0
    if not distance:
        return ""
    side = "above" if index < core.start else "under"
    return f"; {distance} line{'s' if distance != 1 else ''} {side} the article's core"


def protected(texts: list[str], rows: np.ndarray) -> np.ndarray:
    """Running text: 20 Han characters and two commas or sentence marks. Over the body no
    score removes it; under the body only a block of teasers does."""
    han = rows[:, INDEX["han_share"]] * rows[:, INDEX["chars"]]
    marks = rows[:, INDEX["sentence_marks"]] + rows[:, INDEX["commas"]]
    return (han >= BODY_MIN_HAN) & (marks >= 2) & ~item_rows(texts)


def asks(texts: list[str]) -> np.ndarray:
    """The lines that end in a question mark: 干型葡萄酒都有哪些特点？"""
    return np.fromiter((t.rstrip().endswith(("？", "?")) for t in texts), dtype=bool,
                       count=len(texts))


def bulleted(texts: list[str]) -> np.ndarray:
    """The `numbered` items the writer bulleted with dashes or dots: - …, --- …, • … (a
    middle dot opens a name, 阿沛·阿旺晋美, not an item)."""
    return numbered(texts) & np.fromiter((t.lstrip().startswith(_BULLETS) for t in texts),
                                         dtype=bool, count=len(texts))


def numbered(texts: list[str]) -> np.ndarray:
    """The items of a list the writer numbered or bulleted: 1. …, 二、…, - …"""
    return np.fromiter((bool(ORDINAL.match(t)) for t in texts), dtype=bool, count=len(texts))


def edge_block(gains: np.ndarray) -> int:
    """How many lines from the start to remove: the block whose summed gains (score minus
    threshold) are highest, so one line scored just under the threshold inside a related
    list does not end it while a body line (a large negative gain) does; 0 when no block
    gains.

    >>> edge_block(np.array([0.3, -0.1, 0.2, -0.5, 0.1]))
    3
    """
    if not len(gains):
        return 0
    total = np.cumsum(gains)
    best = int(np.argmax(total))
    return best + 1 if total[best] > 0 else 0


def evidence(row: np.ndarray) -> str:
    """What the line is like, in words: the measurements the classifier weighed.

    >>> print(evidence(line_features(["上一篇：百色市召开经济形势分析会", "正文。" * 20])[0]))
    ... # doctest: +NORMALIZE_WHITESPACE
    label：value row; 16 characters, no sentence end, 1 line above the body,
    shares 0% of its character pairs with the body
    """
    value = {name: row[INDEX[name]] for name in FEATURES}
    facts = [f"{int(value['chars'])} characters"]
    if not value["ends_sentence"]:
        facts.append("no sentence end")
    if value["items"] >= 3:
        facts.append(f"{int(value['items'])} separate items")
    if value["short_run"] >= 2:
        facts.append(f"in a run of {int(value['short_run'])} short lines")
    if value["outside_body"]:
        distance = int(value["lines_from_body"])
        side = "above" if value["from_top"] < value["from_bottom"] else "under"
        facts.append(f"{distance} line{'s' if distance != 1 else ''} {side} the body")
    facts.append(f"shares {value['related']:.0%} of its character pairs with the body")
    return f"{_kind(value)}; {', '.join(facts)}"


def _kind(value: dict[str, float]) -> str:
    if value["replacement_share"] > 0.1:
        return "mis-decoded text"
    if value["label_value"]:
        return "label：value row"
    if value["link_marks"] or value["items"] >= 4:
        return "row of links or labels"
    if value["short_run"] >= 3:
        return "related-headline list"
    if value["date_marks"] >= 2:
        return "date or byline"
    if value["sentence_marks"]:
        return "sentence unrelated to the body" if value["related"] < 0.3 else "short sentence"
    return "headline-like line"
