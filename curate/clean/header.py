"""Move the metadata header at the top of an article out of the body.

    # 英伟达芯片一片难求，国产替代趁势崛起     -> metadata.title
    **市界**                                   -> metadata.site
    **2023-10-20 05:06**                       -> created = "2023-10-20T05:06:00"
    **https://www.aicaijing.com.cn/article/…** -> metadata.url

Plain-text dumps write the same header as bare lines: a short title line that is not a
sentence, then a date line (seed 001).

An article with no title line (the three of seed 004) takes the first clause of its lead as
its title, recorded as ``header-title-from-lead``; the text stays. A closing credit that
names the reporter, ``（21世紀經濟報道記者雷晨 北京報道）`` at the end of seed 001, gives the
author (``header-author-from-credit``); the credit stays in the text, as the evaluation gold
keeps it.

A title holding spam, wherever it came from (a header line, a JSONL field, an HTML page's
``<title>``), loses the spam phrases (``…的做法_必威betway中文版`` -> ``…的做法``), and goes
when nothing but spam and separators is left or it is a keyword-stuffed SEO header
(``币游国际_币游国际登陆官网_币游国际app``): rule ``title-spam``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import regex

from curate.clean import inline_spam
from curate.clean.line_features import BODY_MIN_HAN
from curate.clean.lines import REMEMBERED_LINES, han_count, paragraph_han
from curate.clean.script import convert_to_simplified
from curate.clean.spam import SpamHeaderRule, spam_header_rule
from curate.clean.teasers import body_pairs, pairs_of, share_of_pairs
from curate.document import Document, Paragraph
from curate.pipeline import Context, step
from curate.rules import Rules

STEP = "extract_header"
# Where the record's own title goes when the text's heading over its byline replaces it.
PAGE_TITLE = "page_title"
# The rule of the title line taken out of the text.
RULE_TITLE = "header-title"
# The rule of a title taken from the lead's first clause, for a page with no title line.
RULE_TITLE_FROM_LEAD = "header-title-from-lead"
_NOT_A_TITLE_END = regex.compile(r"[，,、；;：:…]$|\.{2,}$")
_COMMA = regex.compile(r"[，,]")
_SENTENCE_END = regex.compile(r"[？！?!]$")
# A dated row of any wording (网易新闻 2022-08-25 18:09, 郑梅 2024-04-26 14:16 关注,
# 2019-06-03 | 分类：健康 | 标签：热点): a date among short pieces set off by spaces or bars.
DATED_ROW_MAX_CHARS = 64
DATED_ROW_PIECE_MAX_CHARS = 14
DATED_ROW_MAX_PIECES = 6
# Pieces may also stand in brackets: 【发布单位：省商务厅】【发布日期：2021年11月25日】.
_ROW_BREAK = regex.compile(r"[\s|丨｜/·•>【】\[\]]+")
_SENTENCE_MARKS = regex.compile(r"[。，,；;！？!?]")
# How many lines of furniture may stand above a title and its date row.
ABOVE_HEADER_MAX_LINES = 3
# A title candidate sharing none of its character pairs with the text, or less than
# ABOVE_TITLE_UNRELATED of them as a row of links or a spam header, over one sharing
# ABOVE_TITLE_RELATED or more, is the page's furniture above the article's title
# (无障碍浏览 | 长者模式, 导航：首页 > 汽车 > 详情 over a story that names 汽车 once, a
# gambling site's name). A line the text holds word for word is a subheading or a pull quote
# taken from it, not the title: the title over it stays.
ABOVE_TITLE_UNRELATED = 0.15
# Sharing a pair or two, it is furniture when it is a row of this many items or a spam header.
ABOVE_TITLE_ROW_ITEMS = 3
_ITEM_BREAK = regex.compile(r"[\s|丨｜/·•>»_]+")
ABOVE_TITLE_RELATED = 0.3
# and at least this many of its pairs: a tag's one word (标签：芯片) names no title.
ABOVE_TITLE_SHARED_PAIRS = 3
# A line left open for the next to finish (央视网消息（新闻联播）：) opens what follows.
LEFT_OPEN = ("：", ":", "，", ",")
# Short lines between the header and the first paragraph of text that share less than
# UNDER_HEADER_RELATED of their character pairs with the text are the header's furniture,
# whatever their wording (7680 人赞同了该回答, 科技话题下的优秀答主); a subheading of the
# article uses its words and stays, and so do a labelled line (央视网消息（新闻联播）：,
# 规格及价格：30ml／300 元) and a reporter's byline (记者 魏奋), which the text may open with;
# a tag (标签：经济) is judged by its label, its value being the text's subject.
# At most UNDER_HEADER_MAX_LINES of them, none a sentence.
UNDER_HEADER_MAX_LINES = 4
UNDER_HEADER_MAX_CHARS = 30
UNDER_HEADER_RELATED = 0.2
_LABELLED = regex.compile(r"[:：]")
# A row of tags: labels, each over a word or a few, no count, no clause (标签：观察,
# 分类专栏： 公益 文章标签： 政策 热点).
TAG_VALUE_MAX_CHARS = 8
_TAG_VALUE_NOT = regex.compile(r"[\d。，,；;！？!?]")
_TAG_WORD = regex.compile(r"[^\s:：]+[:：]?")
# The paragraphs of text a line under the header is compared with.
UNDER_HEADER_TEXT_PARAGRAPHS = 12
# A bold line in a Markdown header naming the site is short.
SITE_MAX_CHARS = 30
BYLINE_MAX_CHARS = 100
SITE_LABELS = ("来源", "來源", "稿源", "出处", "出處")
WRITER_LABELS = {"作者", "记者", "記者"}
# A title made from the lead is cut at the first clause end after this many characters.
LEAD_TITLE_MAX_CHARS = 40
_CLAUSE_END = regex.compile(r"[。！？!?；;]")
_CLAUSE_BREAK = regex.compile(r"[，,、：:]")
# A sentence's stop or a clause's end inside a line: no title holds one.
_CLAUSE_STOP = regex.compile(r"[；;：:！？!?](?!\s*$)")
# What joins a title to its site or to the keywords stuffed after it, left over when those go.
_TITLE_EDGE = " \t\u3000_|｜-–—·•,，、:：【】[]"
_BRACKETED = regex.compile(r"^[（(【\[]\s*(.+?)\s*[）)】\]]$")
_OPENING_BRACKETS = "（(【["  # what a bracketed line starts with: others skip _BRACKETED
_QUOTE_PAIRS = (("「", "」"), ("“", "”"), ("『", "』"))
# （21世紀經濟報道記者雷晨 北京報道）, (记者吴鹏 李静睿), （本报记者 王芳）: a credit in brackets
# closing the last paragraph, naming one to three reporters.
_CLOSING_CREDIT = regex.compile(
    r"[（(][^（）()]{0,20}?(?:记者|記者)\s*(?P<author>\p{Han}{2,4}(?:[、 ]\p{Han}{2,4}){0,2}?)"
    r"(?:\s+\p{Han}{2,8}?(?:报道|報道|电|電))?[）)]$"
)


@dataclass
class HeaderRules:
    date_line: regex.Pattern
    url_line: regex.Pattern
    title_max_chars: int
    long_title_max_chars: int
    window: int
    byline_field: regex.Pattern
    byline_date: regex.Pattern
    byline_mark: regex.Pattern
    front_matter_line: regex.Pattern
    front_matter_fields: dict[str, str]
    # header_line's answers by line: splitting, the header and the edge runs ask of the
    # same lines (then afresh past REMEMBERED_LINES).
    _header_lines: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_rules(cls, rules: Rules) -> HeaderRules:
        config = rules.yaml("header.yaml")
        return cls(
            date_line=rules.yaml_pattern("header.yaml", "date_line"),
            url_line=rules.yaml_pattern("header.yaml", "url_line"),
            title_max_chars=int(config["title_max_chars"]),
            long_title_max_chars=int(config["long_title_max_chars"]),
            window=int(config["header_window"]),
            byline_field=rules.yaml_pattern("header.yaml", "byline_field"),
            byline_date=rules.yaml_pattern("header.yaml", "byline_date"),
            byline_mark=rules.yaml_pattern("header.yaml", "byline_mark"),
            front_matter_line=rules.yaml_pattern("header.yaml", "front_matter_line"),
            front_matter_fields={str(k).lower(): str(v)
                                 for k, v in config["front_matter_fields"].items()},
        )

    def front_matter(self, text: str) -> tuple[str | None, str] | None:
        """The metadata field and value of a Markdown front matter line, the field None for a
        key that names none; None when ``text`` is no such line.

        >>> rules = HeaderRules.from_rules(Rules())
        >>> rules.front_matter("title: 多国反对美国加征钢铝关税")
        ('title', '多国反对美国加征钢铝关税')
        >>> rules.front_matter("tags: [经济, 贸易]")
        (None, '[经济, 贸易]')
        """
        found = self.front_matter_line.match(text)
        if found is None:
            return None
        return self.front_matter_fields.get(found["key"].lower()), found["value"].strip()

    def byline(self, text: str) -> dict[str, str] | None:
        """Fields of a byline line, or None when ``text`` is something else.

        ``来源：澎湃新闻  作者：王强  2024-02-03 09:12:33`` gives site, author and created.
        """
        if len(text) > BYLINE_MAX_CHARS:
            return None
        fields = list(self.byline_field.finditer(text))
        if not fields:  # most lines: no date search then
            return None
        dates = list(self.byline_date.finditer(text))
        if len(fields) + len(dates) < 2:
            return None
        # What no field, date or mark covers (a labelled date is both) must be separators only.
        covered = [False] * len(text)
        for found in [*fields, *dates, *self.byline_mark.finditer(text)]:
            covered[found.start():found.end()] = [True] * (found.end() - found.start())
        rest = "".join(char for char, used in zip(text, covered, strict=True) if not used)
        if rest.strip(" \t\u3000|丨｜/"):
            return None
        parsed: dict[str, str] = {}
        for found in fields:
            label, value = found["label"], found["value"]
            if label.endswith(SITE_LABELS):  # 来源, and 信息来源 or 文章来源 too
                parsed.setdefault("site", value)
            elif label in WRITER_LABELS:
                parsed.setdefault("author", value)
        for found in dates:
            created = self.date(found.group(0))
            if created:
                parsed.setdefault("created", created)
        return parsed

    def dated_row(self, text: str) -> str | None:
        """ISO 8601 form of the date in a header row of any wording, or None when ``text`` is
        no such row or its date has no year (see `is_dated_row`).

        >>> rules = HeaderRules.from_rules(Rules())
        >>> rules.dated_row("郑梅 2024-04-26 14:16:00 关注")
        '2024-04-26T14:16:00'
        >>> rules.dated_row("2019-06-03 09:58 | 分类：健康 | 标签：热点 观察")
        '2019-06-03T09:58:00'
        >>> rules.dated_row("原创09-12 16:52·邓楠说事") is None
        True
        """
        found = self.row_date(text)
        return self.date(found.group(0)) if found is not None else None

    def is_dated_row(self, text: str) -> bool:
        """A date, and around it only short pieces set off by spaces or bars, none a sentence;
        the date may be a day of the year with its time and no year.

        >>> rules = HeaderRules.from_rules(Rules())
        >>> rules.is_dated_row("原创09-12 16:52·邓楠说事")
        True
        >>> rules.is_dated_row("06-10 17:29 | 公司新闻")
        True
        >>> rules.is_dated_row("2024年3月2日，国务院常务会议审议通过")
        False
        """
        return self.row_date(text) is not None

    def row_date(self, text: str) -> regex.Match | None:
        """The date of a header row (see `is_dated_row`), found where it stands; None when
        ``text`` is no such row."""
        if len(text) > DATED_ROW_MAX_CHARS or _SENTENCE_MARKS.search(text):
            return None
        found = self.byline_date.search(text)
        if found is None:
            return None
        pieces = _ROW_BREAK.split(f"{text[:found.start()]} {text[found.end():]}".strip("*_ "))
        pieces = [piece for piece in pieces if piece]
        if len(pieces) > DATED_ROW_MAX_PIECES or any(len(piece) > DATED_ROW_PIECE_MAX_CHARS
                                                     for piece in pieces):
            return None
        return found

    def header_line(self, text: str) -> bool:
        """A date, byline or dated row: a line of a header under its title."""
        known = self._header_lines.get(text)
        if known is None:
            if len(self._header_lines) >= REMEMBERED_LINES:
                self._header_lines.clear()
            known = self._header_lines[text] = bool(
                self.date(text) or self.byline(text) or self.is_dated_row(text)
                or self.front_matter(text))
        return known

    def date(self, text: str) -> str | None:
        """ISO 8601 form of a date line, or None when ``text`` is not one; the line may stand
        in brackets: ``（2024-03-02 10:30 新华网）``."""
        found = self.date_line.match(_unbracketed(text))
        if not found:
            return None
        day = f"{int(found['year']):04d}-{int(found['month']):02d}-{int(found['day']):02d}"
        if found["hour"] is None:
            return day
        return f"{day}T{int(found['hour']):02d}:{found['minute']}:{found['second'] or '00'}"

    def _open_title(self, text: str, following: Paragraph) -> bool:
        """A title ending in a clause mark, a salutation (致各位亲爱的同胞：) or a first sentence
        (使用彩妆产品时，做好双重清洁；), over a date or byline row: a list's lead-in
        (活动历程：) has its items under it, not a header row."""
        head = text.rstrip()
        return (head.endswith(("：", ":", "；", ";", "，", ",", "、"))
                and len(_COMMA.findall(head[:-1])) <= 2 and not _CLAUSE_STOP.search(head)
                and self.header_line(following.text))

    def is_title(self, paragraph: Paragraph, following: Paragraph | None) -> bool:
        """A heading, or a line that is no sentence: no comma, or one comma and short.

        News titles can be long (``习近平对一艘中国籍远洋渔船…作出重要指示 要求立即启动…``)
        but are not written as sentences; a line over a date or a byline may be a single
        character (``角``).
        """
        if paragraph.kind == "heading":
            return True
        text = paragraph.text
        if following is None or "。" in text:
            return False
        if _NOT_A_TITLE_END.search(text) and not self._open_title(text, following):
            return False
        han = paragraph_han(text)
        if han == 0 or len(text) > self.long_title_max_chars:
            return False
        if self.header_line(following.text):
            return True
        commas = len(_COMMA.findall(text))
        if han < 2 or commas > 1:
            return False
        if commas == 0 and not _SENTENCE_END.search(text):
            return True
        return len(text) <= self.title_max_chars and len(following.text) > len(text)


@step(STEP)
def extract_header(doc: Document, ctx: Context) -> Document:
    rules = ctx.resource("header_rules", lambda: HeaderRules.from_rules(ctx.rules))
    _drop_lines_above_header(doc, rules)
    _drop_unrelated_lines_above_title(doc, rules, spam_header_rule(ctx))
    paragraphs = doc.paragraphs
    consumed = 0
    while consumed < min(len(paragraphs), rules.window):
        paragraph = paragraphs[consumed]
        following = paragraphs[consumed + 1] if consumed + 1 < len(paragraphs) else None
        field = _header_field(paragraph, following, doc, rules)
        if field is None:
            break
        name, value = field
        why = f"the page header's {name} line is metadata, not body text"
        if name == "byline":
            for key, found in (value or {}).items():
                if key == "created":
                    doc.created = doc.created or found
                else:
                    doc.metadata.setdefault(key, found)
        elif name == "dated-row":  # a date without its year gives no created time
            doc.created = doc.created or value
        elif name == "front-matter":
            key, found = value
            if key == "created":
                doc.created = doc.created or rules.date(found) or rules.dated_row(found)
            elif key is not None:
                doc.metadata.setdefault(key, found.strip("\"'"))
        elif name == "created":
            doc.created = doc.created or value
            site = rules.date_line.match(_unbracketed(paragraph.text))["site"]
            if site and "site" not in doc.metadata:
                doc.metadata["site"] = site
        elif name == "title" and doc.metadata.get("title") not in (None, value):
            # The record's title is the page's (a site's slogan, the page's <title>); the
            # heading the text prints over its byline is the article's.
            doc.metadata[PAGE_TITLE] = doc.metadata["title"]
            doc.metadata["title"] = value
            why = ("the heading the text prints over its byline is the article's title; the "
                   f"record's title is kept as {PAGE_TITLE}")
        else:
            doc.metadata[name] = value
        doc.record(STEP, f"header-{name}", "metadata", paragraph.text, paragraph.lines[0],
                   why=why)
        consumed += 1
    doc.paragraphs = paragraphs[consumed:]
    if consumed:
        _drop_unrelated_lines_under_header(doc)
    if isinstance(doc.metadata.get("title"), str):
        _drop_title_spam(doc, ctx)
    if "title" not in doc.metadata and doc.paragraphs:
        _title_from_lead(doc, ctx)
    if "author" not in doc.metadata and doc.paragraphs:
        _author_from_credit(doc)
    return doc


def _unbracketed(text: str) -> str:
    """A line without the brackets around it: ``（2024-03-02 10:30 新华网）`` -> inside."""
    return _BRACKETED.sub(r"\1", text) if text[:1] in _OPENING_BRACKETS else text


def _drop_lines_above_header(doc: Document, rules: HeaderRules) -> None:
    """Short lines that are no sentence above a title and its date or byline row are page
    furniture above the header (a channel name, a follow-us line, keywords), whatever their
    wording::

        点击蓝字关注我们                         -> removed (header-furniture-above)
        【深入学习贯彻二十大精神】踔厉奋发担使命 勇毅前行谱新篇
        网易新闻 2022-08-25 18:09
    """
    paragraphs = doc.paragraphs
    for start in range(1, min(ABOVE_HEADER_MAX_LINES + 1, len(paragraphs) - 1)):
        above = paragraphs[start - 1]
        if "。" in above.text or len(above.text) > rules.title_max_chars or rules.header_line(
                above.text) or above.kind == "heading":
            return
        title, following = paragraphs[start], paragraphs[start + 1]
        if (title.kind == "heading" or rules.is_title(title, following)) and rules.header_line(
                following.text):
            for paragraph in paragraphs[:start]:
                doc.record(STEP, "header-furniture-above", "remove", paragraph.text,
                           paragraph.lines[0],
                           why="a short line above the article's title and date row is page "
                               "furniture, not body text")
            doc.paragraphs = paragraphs[start:]
            return


def _drop_unrelated_lines_above_title(doc: Document, rules: HeaderRules,
                                      spam_header: SpamHeaderRule) -> None:
    """Short lines that are no sentence nor left open (央视网消息（新闻联播）：), share
    none of their character pairs with the text, and stand over a title that shares many,
    are page furniture above the title, whatever their wording::

        无障碍浏览 | 长者模式                      -> removed (header-furniture-above)
        【在希望的田野上】春播迎高峰 各地全力保夏粮丰收
        央视网消息（新闻联播）：眼下，全国春播迎来高峰，夏粮进入产量形成关键期。……
    """
    paragraphs = doc.paragraphs
    top = paragraphs[:ABOVE_HEADER_MAX_LINES + UNDER_HEADER_MAX_LINES + 2]
    text_at = next((i for i, p in enumerate(top)
                    if paragraph_han(p.text) >= BODY_MIN_HAN and _SENTENCE_MARKS.search(p.text)),
                   None)
    if not text_at or text_at < 2:
        return
    text = paragraphs[text_at:text_at + UNDER_HEADER_TEXT_PARAGRAPHS]
    pairs = body_pairs(text)
    for start in range(1, min(text_at, ABOVE_HEADER_MAX_LINES + 1)):
        above = paragraphs[start - 1]
        if ("。" in above.text or len(above.text) > rules.title_max_chars
                or above.text.rstrip().endswith(LEFT_OPEN)
                or rules.header_line(above.text) or above.kind == "heading"
                or not _furniture_over_title(above.text, pairs, spam_header)):
            return
        title = paragraphs[start]
        own = pairs_of(title.text)
        shared = own & pairs
        if (rules.is_title(title, paragraphs[start + 1])
                and len(shared) >= ABOVE_TITLE_SHARED_PAIRS and not _quoted_from(title, text)
                and len(shared) / len(own) >= ABOVE_TITLE_RELATED):
            for paragraph in paragraphs[:start]:
                doc.record(STEP, "header-furniture-above", "remove", paragraph.text,
                           paragraph.lines[0],
                           why="a short line above the article's title that shares none of "
                               "the text's words, where the title shares many, is page "
                               "furniture, not body text")
            doc.paragraphs = paragraphs[start:]
            return


def _furniture_over_title(text: str, pairs: set[str], spam_header: SpamHeaderRule) -> bool:
    """Whether a line over a title shares none of the text's character pairs, or almost
    none while being a row of links or items (导航：首页 > 汽车 > 详情) or a spam header."""
    share = share_of_pairs(text, pairs)
    if share == 0:
        return True
    return share < ABOVE_TITLE_UNRELATED and (
        len([piece for piece in _ITEM_BREAK.split(text) if piece]) >= ABOVE_TITLE_ROW_ITEMS
        or spam_header.matches(text))


def _quoted_from(line: Paragraph, text: list[Paragraph]) -> bool:
    """Whether ``line`` stands word for word in one of the paragraphs of ``text``."""
    return any(line.text.strip() in paragraph.text for paragraph in text)


def _drop_unrelated_lines_under_header(doc: Document) -> None:
    """Short lines between the header and the text that share (almost) none of their
    character pairs with the text::

        中东部降雨持续 各地各部门多举措应对    -> metadata.title
        7680 人赞同了该回答                     -> removed (header-unrelated-line)
        央视网消息（新闻联播）：连日来，降雨持续影响我国中东部多地……
    """
    paragraphs = doc.paragraphs
    start = next((i for i, p in enumerate(paragraphs[:UNDER_HEADER_MAX_LINES + 1])
                  if paragraph_han(p.text) >= BODY_MIN_HAN or _SENTENCE_MARKS.search(p.text)),
                 None)
    if not start:
        return
    pairs = body_pairs(paragraphs[start:start + UNDER_HEADER_TEXT_PARAGRAPHS])
    unrelated = [p for p in paragraphs[:start] if _header_furniture(p.text, pairs)]
    for paragraph in unrelated:
        doc.record(STEP, "header-unrelated-line", "remove", paragraph.text, paragraph.lines[0],
                   why="a short line between the header and the text that shares none of the "
                       "text's words is the page's furniture")
    doc.paragraphs = [p for p in paragraphs if all(p is not u for u in unrelated)]


def _header_furniture(text: str, pairs: set[str]) -> bool:
    """Whether a short line under the header shares (almost) none of its character pairs
    with the text. A row of tags (``标签：经济``) names what the text is about, so its labels
    are what is judged; a labelled line with a count or a clause after its label
    (``规格及价格：30ml／300 元``), or nothing (``央视网消息（新闻联播）：``), may open the text
    and stays."""
    if (len(text) > UNDER_HEADER_MAX_CHARS or han_count(text) < 2
            or text.startswith(tuple(WRITER_LABELS))):
        return False
    if _LABELLED.search(text):
        words = _TAG_WORD.findall(text)
        values = [word for word in words if not _LABELLED.search(word)]
        if (not values or not _LABELLED.search(words[0])
                or any(len(value) > TAG_VALUE_MAX_CHARS or _TAG_VALUE_NOT.search(value)
                       for value in values)):
            return False
        text = "".join(word for word in words if _LABELLED.search(word))
    return share_of_pairs(text, pairs) < UNDER_HEADER_RELATED


def title_without_spam(title: str, rules: Rules, spam_header: SpamHeaderRule) -> str | None:
    """``title`` without the spam phrases spliced into it; None when nothing else is left.

    >>> rules = Rules()
    >>> header = SpamHeaderRule.from_rules(rules)
    >>> title_without_spam("疫情影响“三驾马车”奔速，企业应主动站位_华体会", rules, header)
    '疫情影响“三驾马车”奔速，企业应主动站位'
    >>> title_without_spam("爱游戏体育官方_爱游戏体育官方", rules, header) is None
    True
    """
    if spam_header.matches(title):
        return None
    # The spam lexicons are simplified; t2s keeps the length, so spans map back one to one.
    simplified = convert_to_simplified(title, "t2s")
    probe = simplified if len(simplified) == len(title) else title
    changes = inline_spam.find_injected_spam(probe, rules)
    if not changes:
        return title
    kept, position = [], 0
    for change in changes:
        kept.append(title[position:change.start])
        position = change.end
    kept.append(title[position:])
    cleaned = " ".join(part.strip(_TITLE_EDGE) for part in kept if part.strip(_TITLE_EDGE))
    return cleaned if han_count(cleaned) >= 2 else None


def _drop_title_spam(doc: Document, ctx: Context) -> None:
    title = doc.metadata["title"]
    spam_header = spam_header_rule(ctx)
    cleaned = title_without_spam(title, ctx.rules, spam_header)
    if cleaned == title:
        return
    if cleaned is None:
        del doc.metadata["title"]
    else:
        doc.metadata["title"] = cleaned
    doc.record(STEP, "title-spam", "replace", title, None, replacement=cleaned or "",
               why="spam phrases in the title are not the article's title")


def lead_title(text: str) -> str | None:
    """The first clause of a lead paragraph, to stand for a missing title.

    >>> lead_title("4月17日，英伟达创始人兼CEO黄仁勋再次现身中国，行程低落却意义深远。英伟达方面")
    '4月17日，英伟达创始人兼CEO黄仁勋再次现身中国，行程低落却意义深远'
    >>> lead_title("央视网消息（新闻联播）：近日，国务院新闻办公室发布《新时代的中国国家安全》"
    ...            "白皮书，全面介绍新时代中国国家安全的理念与实践。")
    '央视网消息（新闻联播）：近日，国务院新闻办公室发布《新时代的中国国家安全》白皮书'
    """
    sentence = _CLAUSE_END.split(text, maxsplit=1)[0].strip()
    if len(sentence) > LEAD_TITLE_MAX_CHARS:
        breaks = [found.start() for found in _CLAUSE_BREAK.finditer(sentence)
                  if LEAD_TITLE_MAX_CHARS // 2 <= found.start() <= LEAD_TITLE_MAX_CHARS]
        sentence = sentence[: breaks[-1] if breaks else LEAD_TITLE_MAX_CHARS]
    # A quotation the clause cut open loses its opening mark: 「我們可能無法… -> 我們可能無法…
    for opening, closing in _QUOTE_PAIRS:
        if sentence.startswith(opening) and closing not in sentence:
            sentence = sentence[1:]
    return sentence if han_count(sentence) >= 4 else None


def _title_from_lead(doc: Document, ctx: Context) -> None:
    """The lead's first clause as the title, without the spam phrases a title may not hold
    (a lead that is a gambling brand gives no title)."""
    lead = doc.paragraphs[0]
    clause = lead_title(lead.text)
    if clause is None:
        return
    spam_header = spam_header_rule(ctx)
    title = title_without_spam(clause, ctx.rules, spam_header)
    if title is None:
        return
    doc.metadata["title"] = title
    cut = "" if title == clause else ", without the spam phrases spliced into it"
    doc.record(STEP, RULE_TITLE_FROM_LEAD, "flag", title, lead.lines[0],
               why=f"the article has no title line; the first clause of its lead stands "
                   f"for it{cut} (the text stays)")


def closing_credit_author(text: str) -> str | None:
    """The reporter a bracketed credit closing ``text`` names.

    >>> closing_credit_author("有望进一步提升。(21世紀經濟報道記者雷晨 北京報道)")
    '雷晨'
    """
    found = _CLOSING_CREDIT.search(text.rstrip())
    return found["author"] if found else None


def _author_from_credit(doc: Document) -> None:
    last = doc.paragraphs[-1]
    author = closing_credit_author(last.text)
    if author is not None:
        doc.metadata["author"] = author
        credit = _CLOSING_CREDIT.search(last.text.rstrip()).group()
        doc.record(STEP, "header-author-from-credit", "flag", credit, last.lines[-1],
                   why="the closing credit names the reporter (the credit stays in the text)")


def _own_heading(following: Paragraph | None, doc: Document, rules: HeaderRules) -> bool:
    """Whether a title line of a record that came with a title of its own is the article's
    heading: right over a date, byline or dated row, and no title taken from the text yet
    (``转变观念，助力国家“双碳”目标早日实现`` over ``2022年04月14日　来源：南方周末`` in a
    record titled ``为了生活更美好``)."""
    return (following is not None and rules.header_line(following.text)
            and not any(edit.rule == RULE_TITLE for edit in doc.edits))


def _header_field(
    paragraph: Paragraph, following: Paragraph | None, doc: Document, rules: HeaderRules
) -> tuple[str, Any] | None:
    text = paragraph.text
    byline = rules.byline(text)
    if byline is not None:
        return "byline", byline
    date = rules.date(text)
    if date is not None:  # a second date line (updated, or the page's own) is header too
        return "created", date
    if rules.url_line.match(text) and "url" not in doc.metadata:
        return "url", text
    front = rules.front_matter(text)
    if front is not None:
        return "front-matter", front
    row_date = rules.row_date(text)
    if row_date is not None:
        return "dated-row", rules.date(row_date.group(0))
    if rules.is_title(paragraph, following) and (
            "title" not in doc.metadata or _own_heading(following, doc, rules)):
        return "title", text
    if paragraph.kind == "strong" and len(text) <= SITE_MAX_CHARS and "title" in doc.metadata:
        return "site", text
    return None
