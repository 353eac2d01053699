"""Drop page furniture lines: breadcrumbs, credits, disclaimers, navigation words,
"more content" and source lines. Writers and sites found on the way become metadata.

    作者 | 董温淑           -> removed (credit-line); metadata.author = "董温淑"
    免責聲明:本文觀點…      -> removed (disclaimer)
    熱新聞                  -> removed (navigation-word)
    本文源自：创业邦        -> removed (source-line); metadata.site = "创业邦"

Then, outside the body, runs of short lines are cut: a menu (军事 / 过足瘾 / 扬子鉴藏) and a
list of other stories' titles with no heading over it (``rules/edge_runs.yaml``).
"""

from __future__ import annotations

from functools import cache

import regex

from curate.clean.header import HeaderRules
from curate.clean.lines import LineMatch, han_count, line_classifier
from curate.clean.script import convert_to_simplified
from curate.clean.teasers import UNRELATED_BELOW, body_pairs, pairs_of, share_of_pairs
from curate.document import Document, Paragraph
from curate.pipeline import Context, step

EDGE_RUNS = "edge_runs.yaml"
BOILERPLATE_KINDS = ("credit", "disclaimer", "more_content", "source", "navigation")
RELATED_HEADINGS = "related_headings.txt"
# A line of a related-articles list is a title: at most this long, without a full stop.
# Headlines run long (奋力开创中国式现代化建设新局面——省部级主要领导干部学习贯彻…).
LIST_ITEM_MAX_CHARS = 100
_LABEL_MARKS = regex.compile(r"[\s\p{P}\p{S}]+")
# A heading of unknown wording over a list of other stories: a few characters, no sentence or
# clause mark, no digit (a date or a numbered item is no heading).
HEADING_MAX_CHARS = 8
_HEADING_NOT = regex.compile(r"[。！？!?；;，,、\d]")
# Titles under such a heading: one title is no list, and a page lists a few other stories,
# not dozens; each is a headline of some length in Han characters.
MIN_UNKNOWN_LIST = 2
MAX_UNKNOWN_LIST = 10
UNRELATED_TITLE_MIN_HAN = 6
# From this many titles under such a heading, their shares are measured together.
POOLED_LIST = 3
# A row of buttons, counters or label-value pairs (阅读(5754) | 评论(43) | 收藏,
# 【打印本页】【关闭窗口】, 主办单位：某局　　网站标识码：…): short pieces set off by bars,
# wide spaces or brackets.
_ROW_BREAK = regex.compile(r"\s*[|丨｜]\s*|\s{2,}|\u3000+|(?<=[】\]])\s*(?=[【\[])")
ROW_PIECE_MAX_CHARS = 16
# Set off by single spaces, a row's pieces are words: three or more, none longer than this
# (阅读量2128 收藏 5 点赞数 70; a headline joins two clauses with a space).
ROW_MIN_WORDS = 3
ROW_WORD_MAX_CHARS = 8
# A word of such a row that counts (收藏 5) or labels (分类专栏：); a row of names is a credit.
_COUNTER_OR_LABEL = regex.compile(r"\d|[:：]$")
# Roles whose name is the article's writer.
_WRITER = regex.compile(
    r"(?:作者|撰文|^文)\s*[|丨｜:：/]\s*([^\s|丨｜:：/]+(?:[ \u3000][^\s|丨｜:：/]+)?)"
)


@step("drop_breadcrumbs")
def drop_breadcrumbs(doc: Document, ctx: Context) -> Document:
    return _drop_lines(doc, ctx, "drop_breadcrumbs", ("breadcrumb",))


@step("drop_related_lists")
def drop_related_lists(doc: Document, ctx: Context) -> Document:
    """Cut a "related reading" heading and the list of other articles after it.

        相关阅读                                   -> removed (related-heading)
        英伟达发布新一代芯片                       -> removed (related-list)
        寒武纪一季度营收增长42倍                   -> removed (related-list)

    Only when everything from the heading to the end of the article is short title lines
    or teasers: a heading followed by article text cuts nothing. A heading of any wording
    (本周热门, 猜你想看) counts when two titles or more follow it and, together, they share
    less than `UNRELATED_BELOW` of their character pairs with the text above
    (``unrelated-heading``): a list of the article's own uses its words.
    """
    headings = ctx.resource("related_headings", lambda: {
        _label(word) for word in ctx.rules.lines(RELATED_HEADINGS)
    })
    classifier = line_classifier(ctx)
    classifier.screen_page(p.text for p in doc.paragraphs)
    for index, paragraph in enumerate(doc.paragraphs):
        if len(paragraph.text) > 20:
            continue
        listed = doc.paragraphs[index + 1 :]
        known = _label(paragraph.text) in headings
        # Only under an article: a page that is nothing but such a list is judged whole.
        if not known and not (MIN_UNKNOWN_LIST <= len(listed) <= MAX_UNKNOWN_LIST
                              and _is_heading(paragraph.text)
                              and any(classifier.is_body(p.text) for p in doc.paragraphs[:index])):
            continue
        if not all(_is_list_item(p.text, classifier) for p in listed):
            continue
        if known:
            rule, why = "related-heading", "a heading over a list of other articles"
        else:
            shared = _unrelated_titles(paragraph.text, listed, doc.paragraphs[:index])
            if shared is None:
                continue
            rule, why = "unrelated-heading", (
                f"a heading over {len(listed)} headlines to the end of the article, "
                + (f"{shared:.0%} of their character pairs" if len(listed) >= POOLED_LIST
                   else f"none sharing more than {shared:.0%} of its character pairs")
                + " found in the text above: other stories")
        doc.record("drop_related_lists", rule, "remove", paragraph.text, paragraph.lines[0],
                   why=why)
        for item in listed:
            doc.record("drop_related_lists", "related-list", "remove", item.text, item.lines[0],
                       why="a title in a list of other articles after a related-reading heading")
        doc.paragraphs = doc.paragraphs[:index]
        break
    return doc


def _unrelated_titles(heading: str, listed: list[Paragraph],
                      above: list[Paragraph]) -> float | None:
    """The share of character pairs that the listed lines have in common with the text
    above, when every listed line is a headline of some length (`UNRELATED_TITLE_MIN_HAN`
    Han characters), the heading shares under `UNRELATED_BELOW` of its pairs and so do the
    titles; None otherwise. The rows of a datasheet (1个比较器, QFN32 5 x 5 mm) are short.

    Two titles must each share under that; from `POOLED_LIST` titles on, their pairs are
    counted together: a site lists other stories of the people its story names
    (李强同芬兰总理会谈 under a story of 李强), one title sharing its names, the list as a
    whole not."""
    if any(han_count(p.text) < UNRELATED_TITLE_MIN_HAN for p in listed):
        return None
    pairs = body_pairs(above)
    if share_of_pairs(heading, pairs) >= UNRELATED_BELOW:
        return None
    if len(listed) >= POOLED_LIST:
        own = [pairs_of(p.text) for p in listed]
        total = sum(map(len, own))
        shared = sum(len(titles & pairs) for titles in own) / total if total else 0.0
    else:
        shared = max(share_of_pairs(p.text, pairs) for p in listed)
    return shared if shared < UNRELATED_BELOW else None


def _is_heading(text: str) -> bool:
    """A short line of a few words, no sentence and no item of a list: 本周热门, 更多阅读 >."""
    label = _LABEL_MARKS.sub("", text)
    return (2 <= len(label) <= HEADING_MAX_CHARS and han_count(label) > 0
            and not _HEADING_NOT.search(text))


def _label(text: str) -> str:
    """A heading without its marks, in simplified script: 相關閲讀： and 相关阅读 are one."""
    return convert_to_simplified(_LABEL_MARKS.sub("", text))


def _is_list_item(text: str, classifier) -> bool:
    """A title line (short, no full stop) or a teaser of another story."""
    short_title = len(text) <= LIST_ITEM_MAX_CHARS and "。" not in text
    return short_title or classifier.match(text, ("teaser",)) is not None


@step("drop_boilerplate")
def drop_boilerplate(doc: Document, ctx: Context) -> Document:
    _drop_lines(doc, ctx, "drop_boilerplate", BOILERPLATE_KINDS)
    return _drop_edge_runs(doc, ctx)


def _drop_edge_runs(doc: Document, ctx: Context) -> Document:
    """Cut runs of menu labels or of unrelated titles before and after the body, and lines
    of marks only there.

        军事 / 过足瘾 / 扬子鉴藏 / 新面孔                   -> removed (menu-run)
        著名戏曲导演沈斌去世 享年74岁 / 印尼苏门答腊岛…    -> removed (title-run)
        ------------------------------                      -> removed (mark-line)
    """
    config = ctx.resource("edge_run_settings", lambda: {
        key: ctx.rules.yaml_number(EDGE_RUNS, key, kind)
        for key, kind in (("min_run", int), ("label_max_chars", int), ("title_max_chars", int),
                          ("unrelated_below", float))})
    header = ctx.resource("header_rules", lambda: HeaderRules.from_rules(ctx.rules))
    # Checked when loaded and run with the rule patterns' timeout, as every rule pattern.
    marks, text_line, mark_line = ctx.resource("edge_run_patterns", lambda: tuple(
        ctx.rules.yaml_pattern(EDGE_RUNS, key) for key in ("sentence_marks", "text_line",
                                                           "mark_line")))
    classifier = line_classifier(ctx)
    paragraphs = doc.paragraphs
    classifier.screen_page(p.text for p in paragraphs)
    # The body is sentences: a headline of twenty characters is not, as it has no marks.
    body = [i for i, p in enumerate(paragraphs)
            if classifier.is_body(p.text) and marks.search(p.text)]
    if not body or (body[0] == 0 and body[-1] == len(paragraphs) - 1):
        return doc  # no line outside the body
    # Measured once, when a line outside the body is first compared with it.
    pairs = cache(lambda: body_pairs(paragraphs[body[0] : body[-1] + 1]))

    def shape_of(index: int) -> str | None:
        text = paragraphs[index].text
        if mark_line.search(text):
            return "mark"
        if marks.search(text) or text_line.search(text) or _is_header_line(text, header):
            return None
        if len(text) <= config["label_max_chars"]:
            return "menu"
        if (len(text) <= config["title_max_chars"]
                and share_of_pairs(text, pairs()) < config["unrelated_below"]):
            return "title"
        return None

    shapes = {i: shape_of(i) for i in (*range(body[0]), *range(body[-1] + 1, len(paragraphs)))}

    def leading_shape(index: int) -> str | None:
        """Over the body only menus count: a title there may be the article's own."""
        found = shapes[index]
        return found if found in ("menu", "mark") else None

    def may_be_title(index: int) -> bool:
        following = paragraphs[index + 1].text
        over_body_alone = index + 1 == body[0] and all(leading_shape(i) for i in range(index))
        return over_body_alone or _is_header_line(following, header)

    leading = [None if may_be_title(i) else leading_shape(i) for i in range(body[0])]
    trailing = [shapes[i] for i in range(body[-1] + 1, len(paragraphs))]
    # A run is page furniture at the page's edge: over it only the title and header lines,
    # under it nothing. A run followed by more lines is the head of a table or a list.
    runs = [run for run in _runs(leading, config["min_run"], 0)
            if sum(not _is_header_line(paragraphs[i].text, header) for i in range(run.start)) <= 1]
    runs += [run for run in _runs(trailing, config["min_run"], body[-1] + 1)
             if run.stop == len(paragraphs)]
    cut = {i for i in range(body[0]) if shapes[i] == "mark"}
    for run in runs:
        run_text = "\n".join(paragraphs[i].text for i in run)
        if share_of_pairs(run_text, pairs()) < config["unrelated_below"]:
            cut.update(run)
    # After the body, a row of buttons, counters or label-value pairs on its own is furniture;
    # so is one among the header lines right under the first line (the title's place).
    def is_row(index: int) -> bool:
        text = paragraphs[index].text
        return (index not in cut and shapes[index] != "mark" and not text_line.search(text)
                and not _is_header_line(text, header) and _is_row(text, marks)
                and share_of_pairs(text, pairs()) < config["unrelated_below"])

    for index in range(1, body[0]):
        if is_row(index):
            shapes[index] = "row"
            cut.add(index)
        elif index not in cut and not _is_header_line(paragraphs[index].text, header):
            break
    for index in range(body[-1] + 1, len(paragraphs)):
        if is_row(index):
            shapes[index] = "row"
            cut.add(index)
    # After the body a separator goes when nothing but furniture follows it; between two
    # parts of the text (* * * * *) it stays.
    for index in range(len(paragraphs) - 1, body[-1], -1):
        if index in cut:
            continue
        if shapes[index] != "mark":
            break
        cut.add(index)
    for index in sorted(cut):
        paragraph = paragraphs[index]
        if shapes[index] == "mark":
            rule, why = "mark-line", "a line of marks only outside the body is a separator"
        elif shapes[index] == "row":
            rule, why = "edge-row", ("a row of short pieces set off by bars, spaces or brackets "
                                     "outside the body is a page's buttons, counters or footer")
        else:
            rule = "menu-run" if shapes[index] == "menu" else "title-run"
            why = "a run of short lines outside the body is a menu or a list of other stories"
        doc.record("drop_boilerplate", rule, "remove", paragraph.text, paragraph.lines[0],
                   why=why)
    doc.paragraphs = [p for i, p in enumerate(paragraphs) if i not in cut]
    return doc


def _runs(shapes: list[str | None], min_run: int, offset: int) -> list[range]:
    """Indexes (plus ``offset``) of the runs of at least ``min_run`` shaped lines."""
    found = []
    start = 0
    for index in range(len(shapes) + 1):
        if index < len(shapes) and shapes[index] is not None:
            continue
        if index - start >= min_run:
            found.append(range(offset + start, offset + index))
        start = index + 1
    return found


def _is_row(text: str, marks: regex.Pattern) -> bool:
    """Two or more short pieces set off by bars, wide spaces or brackets, or three or more
    words set off by single spaces, a count or a label among them, none a sentence.

    >>> _is_row("阅读(5754) | 评论(43) | 收藏", regex.compile("[。，]"))
    True
    >>> _is_row("阅读量2128 收藏 5 点赞数 70", regex.compile("[。，]"))
    True
    >>> _is_row("朱治国：心中有信仰 肩上有担当", regex.compile("[。，]"))
    False
    >>> _is_row("（记者 张三 通讯员 李四）", regex.compile("[。，]"))
    False
    """
    if marks.search(text):
        return False
    pieces = [piece for piece in _ROW_BREAK.split(text.strip()) if piece]
    if len(pieces) >= 2 and all(len(piece) <= ROW_PIECE_MAX_CHARS for piece in pieces):
        return True
    words = text.split()
    return (len(words) >= ROW_MIN_WORDS and all(len(word) <= ROW_WORD_MAX_CHARS for word in words)
            and any(_COUNTER_OR_LABEL.search(word) for word in words))


def _is_header_line(text: str, header: HeaderRules) -> bool:
    return header.header_line(text)


def _drop_lines(doc: Document, ctx: Context, name: str, kinds: tuple[str, ...]) -> Document:
    classifier = line_classifier(ctx)
    classifier.screen_page(p.text for p in doc.paragraphs)
    kept = []
    for paragraph in doc.paragraphs:
        found = classifier.match(paragraph.text, kinds)
        if found is None:
            kept.append(paragraph)
            continue
        doc.record(name, found.pattern.id, "remove", paragraph.text, paragraph.lines[0],
                   why=found.pattern.why)
        _keep_metadata(doc, found)
    doc.paragraphs = kept
    return doc


def _keep_metadata(doc: Document, found: LineMatch) -> None:
    if found.kind == "credit" and "author" not in doc.metadata:
        writer = _WRITER.search(found.match.group(0)) if found.match else None
        if writer:
            doc.metadata["author"] = writer.group(1).strip()
    site = found.match.groupdict().get("site") if found.match else None
    if found.kind == "source" and site and "site" not in doc.metadata:
        doc.metadata["site"] = site
