"""Split a file that holds several articles where the structure of the text says one ends.

A dump may concatenate articles with nothing but their own furniture between them. Where
one ends is read from structure, not from one wording:

- ``next-header``: the next article's header, a short title-like line (or a Markdown
  heading) followed by a date, site, byline, credit or URL line::

      ……吴政隆陪同调研。
      # 中老铁路客货运量稳定增长 黄金通道显活力      <- a new article starts here
      **金融界**
      **2025-02-25 17:29**

- ``closing-line``: a line that closes an article (a source line of any wording, a credit
  or editor row, a bracketed ``（完）``, a one-sentence notice that the article is the
  writer's own), when a new title-like line or text on another subject follows;
  ``本文源自：创业邦`` closes seed 004's first article;
- ``subject-change``: a title-like line between two stretches of text that share almost
  no character pairs (cosine of their Han bigram counts under `SUBJECT_CHANGE_BELOW`: 1% of
  the splits inside the development set's articles fall that low, 70% of pairs of different
  articles do); a short section before it counts with the sections before it on its
  subject (one article's parts under their subheadings);
- ``header-block``: after text, a title-like line over up to `HEADER_META_LINES` short
  lines of unfamiliar wording (a Q&A page's answerer, counters and buttons), when the text
  under it is on another subject, or when one of those lines repeats in shape a line of the
  page's first header (``奶茶续命 · 回答了问题`` / ``Tony_王 · 回答了问题``): the page's
  template opening its next article.

No line within two under a line holding only an ordinal (``一．``) opens an article: that is
an item of a numbered list. A part must hold some article text (`MIN_PART_HAN`): a closing
line followed only by teasers and navigation closes the last article and splits nothing. Two
boundaries close together are one (the teasers or credits between a closing line and the
next header), unless what stands between is whole sentences enough for a short article of
its own. Each new part records which evidence started it (an edit of action ``flag``), so
``curate explain`` can say why.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import regex

from curate.clean.header import HeaderRules
from curate.clean.line_features import BODY_MIN_HAN
from curate.clean.lines import LineClassifier, han_count, line_classifier, paragraph_han
from curate.document import Document, Paragraph
from curate.pipeline import Context, step

STEP = "split_articles"
# Han characters of article text a part needs; the shortest article of a concatenated file of
# the development set has about 300.
MIN_PART_HAN = 60
# Both sides of a subject change hold this much text, so the bigram counts mean something;
# before, it is one section (since the last title-like line): the items of a news roundup
# (联播快讯), a title line over a paragraph or two each, are one article.
SUBJECT_MIN_HAN = 300
# After a closing line, both stretches compared hold this much text.
CLOSING_MIN_HAN = 150
# Cosine of the Han bigram counts of two stretches (see the module docstring).
SUBJECT_CHANGE_BELOW = 0.06
# After a closing line, the text that follows is another article's when it shares little.
CLOSING_RELATED_BELOW = 0.12
# A boundary this close after another, with less text than this between, is the same one:
# teasers or a credit between a closing line and the next header stay with the next article.
NEAR_PARAGRAPHS = 5
NEAR_HAN = 300
# ... unless what stands between holds this much text in whole sentences: a short article of
# its own under the first (teasers are cut off mid-sentence, credits are no text).
WHOLE_ARTICLE_HAN = 150
# The closing lines whose wording says the article ends ("this article comes from X").
CLOSING_RULES = {"source-line", "source-note"}
# Of two boundaries close together, the one whose evidence says more exactly where the next
# article starts: a closing line or a known header over a header of unfamiliar wording over a
# bare title line.
BOUNDARY_RANK = {"subject-change": 0, "header-block": 1, "closing-line": 2, "next-header": 2}
# A comment under an article, and its date row, are short.
COMMENT_MAX_CHARS = 40
# How many metadata lines a header holds between its title and its text.
HEADER_META_LINES = 4
# How many short lines (subtitles, a lead's headings) may stand between a header and its text.
SUBTITLE_LINES = 4
TITLE_MAX_CHARS = 64
LONG_TITLE_MAX_CHARS = 200
CLOSING_MAX_CHARS = 40
# A closing notice written as a sentence: at most this long, of these kinds of furniture.
CLOSING_SENTENCE_MAX_CHARS = 60
CLOSING_SENTENCE_KINDS = ("disclaimer",)
# A title is no sentence: no full stop inside or at the end, no clause mark at the end.
_SENTENCE_MARK = regex.compile(r"[。；;]|[，,、：:…]$|[。！？!?]$|\.{2,}$")
_HAN = regex.compile(r"\p{Han}")
# What a title left open ends in, and what it holds at most (see `_is_open_title`).
_OPEN_ENDS = ("：", ":", "；", ";", "，", ",", "、")
_FULL_STOP = regex.compile(r"[。！？!?]")
OPEN_TITLE_MAX_COMMAS = 2
# How a news story's first paragraph opens, whatever the outlet: its name and programme or
# reporter in brackets and a colon (央视网消息（新闻联播）：, 本报讯（记者 王强）：), or a
# dateline (新华社北京5月7日电, 中新网3月2日电).
_NEWS_LEAD = regex.compile(r"\s*(?:\p{Han}{2,8}[（(][^（）()]{2,16}[）)]\s*[：:]"
                           r"|\p{Han}{2,12}\d{1,2}月\d{1,2}日[电讯])")
_HAN_RUN = regex.compile(r"\p{Han}{2,}")
_COMMA = regex.compile(r"[，,]")
_COLON = regex.compile(r"[:：]")
_SENTENCE_END = regex.compile(r"[。！？!?][”’」』）)]?$")
_LABEL_ROW = regex.compile(r"^\p{Han}{2,6}[:：]")
_DIGITS = regex.compile(r"\d+")
_ORDINAL_LINE = regex.compile(
    r"^\s*(?:[（(]?[一二三四五六七八九十]{1,3}[)）]?\s*[．.、，,]?|[（(]\d{1,2}[)）]"
    r"|\d{1,2}\s*[．.、，,)）]|[①-⑳])\s*$")
# Header rows repeat their template's words at one end: this many characters, in rows of at
# most SHAPE_MAX_CHARS.
SHAPE_CHARS = 4
SHAPE_MAX_CHARS = 30
_SPACED_CLAUSES = regex.compile(r"\p{Han}[ \u3000]+\p{Han}")
# A closing row of any wording: a bracketed label, separator and value (【编辑：李某】,
# （稿件来源：某报）), or a bare one whose label names a role or a source (责任编辑：王某,
# 稿件来源 | 某报, 供稿：某中心); an unbracketed ``X：Y`` may be a section title
# (天数智芯:先软件后硬件), so its label decides. And the end mark of a wire story (（完）).
_BRACKETED_ROW = regex.compile(
    r"^[（(【\[]\s*\p{Han}{1,8}\s*[:：|丨｜/]\s*[^。，,！？!?；;]{1,30}[）)】\]]$"
)
# （编辑 周强 审核 刘洋）: roles and names set off by spaces, in brackets.
_BRACKETED_NAMES = regex.compile(
    r"^[（(【\[]\s*\p{Han}{2,4}(?:[ \u3000]+\p{Han}{2,4}){1,5}\s*[）)】\]]$"
)
_ROLE_ROW = regex.compile(
    r"^\p{Han}{0,4}(?:来源|來源|出处|出處|编辑|編輯|责编|責編|作者|记者|記者|校对|校對|审核|審核"
    r"|摄影|攝影|供稿|原文|转载|轉載|编审|編審|监制|監製)\s*[:：|丨｜/]\s*[^\s。，,！？!?；;]{1,24}"
    r"(?:[ \u3000、]+[^\s。，,！？!?；;]{1,24}){0,3}$"
)
_END_MARK = regex.compile(
    r"^[\s\-—－_=*~·.。]*[（(【\[]?\s*"
    r"(?:完|全文完|本文完|本文结束|本文結束|(?:THE |The )?END|End|end|结束|終)\s*[）)】\]]?"
    r"[\s\-—－_=*~·.。]*$"
)

# A separator row: three marks or more of one rule kind and nothing else (——————, * * *, ~~~),
# or one symbol of any kind repeated three times or more (❖ ❖ ❖, ◆◆◆, ★ ★ ★).
_SEPARATOR = regex.compile(r"^(?:(?:[\-—－_=*~·•#]\s*){3,}|([\p{S}\p{Po}])(?:\s*\1){2,}\s*)$")

_CLOSING_SHAPES = (_BRACKETED_ROW, _BRACKETED_NAMES, _ROLE_ROW, _END_MARK, _SEPARATOR)


@dataclass(frozen=True)
class Boundary:
    """Where a new article starts, and the evidence."""

    index: int
    rule: str
    why: str


class ArticleStructure:
    """What each paragraph of a text is, as far as article boundaries go."""

    def __init__(self, paragraphs: list[Paragraph], classifier: LineClassifier,
                 header: HeaderRules) -> None:
        self.paragraphs = paragraphs
        self.classifier = classifier
        self.header = header
        classifier.screen_page(p.text for p in paragraphs)
        # Titles, header and closing lines are short and hold no full stop: only such lines
        # are matched against the furniture patterns (once), which saves most of the matching
        # (a sentence of furniture, a disclaimer, then counts as text here).
        self.furniture = [classifier.match(p.text)
                          if len(p.text) <= LONG_TITLE_MAX_CHARS and "。" not in p.text
                          else None for p in paragraphs]
        # A Markdown front matter line, looked for once: both kinds of title ask it.
        self.front = [None if p.kind == "heading" else header.front_matter(p.text)
                      for p in paragraphs]
        self.meta = [self._is_meta(index) for index in range(len(paragraphs))]
        self.closing = [self._is_closing(index) for index in range(len(paragraphs))]
        self.title_like = [self._is_title_like(index) for index in range(len(paragraphs))]
        # Over a date or byline line a title may be as short as 木卫一 or 期货, or as long as
        # a headline joining clauses with spaces.
        self.header_title = [self._is_title_like(index, min_han=2, max_chars=LONG_TITLE_MAX_CHARS)
                             for index in range(len(paragraphs))]
        # A title is no article text, however long.
        self.body_han = [0 if title else self._body_han(index)
                         for index, title in enumerate(self.header_title)]
        self._first_header: list[str] | None = None

    def _body_han(self, index: int) -> int:
        """Han characters of article text: a sentence of some length that is no furniture."""
        han = paragraph_han(self.paragraphs[index].text)
        return (han if han >= BODY_MIN_HAN and self.furniture[index] is None
                and not self.closing[index] else 0)

    def is_furniture(self, index: int) -> bool:
        """Whether a furniture rule knows the line, a sentence of furniture (特别声明：…。)
        included."""
        text = self.paragraphs[index].text
        return self.furniture[index] is not None or (
            "。" in text and self.classifier.match(text) is not None)

    def is_title_like(self, index: int) -> bool:
        return self.title_like[index]

    def _is_title_like(self, index: int, min_han: int = 4,
                       max_chars: int = TITLE_MAX_CHARS) -> bool:
        """A heading, or a short line of four Han characters or more that is no sentence and
        no furniture: ``中老铁路客货运量稳定增长 黄金通道显活力``."""
        paragraph = self.paragraphs[index]
        text = paragraph.text
        if paragraph.kind == "heading":
            return bool(_HAN.search(text))
        front = self.front[index]
        if front is not None:  # title: 多国反对美国加征钢铝关税, in a Markdown front matter
            return front[0] == "title"
        if len(text) > max_chars or paragraph_han(text) < min_han:
            return False
        if _SENTENCE_MARK.search(text) or len(_COMMA.findall(text)) > 1:
            return False
        # A long headline joins its clauses with spaces; a long line without them, or with a
        # label's colon (以下为获奖名单：…), is a list or a sentence.
        if len(text) > TITLE_MAX_CHARS and (not _SPACED_CLAUSES.search(text)
                                            or _COLON.search(text)):
            return False
        return self.furniture[index] is None and not self.meta[index] and not self.closing[index]

    def _is_open_title(self, index: int) -> bool:
        """A short line that would be title-like but for the clause mark it ends in: a
        salutation (致各位亲爱的同胞：) or a first sentence (使用彩妆产品时，做好双重清洁；) as a
        title, or a list's lead-in (活动历程：) or a clause the next line finishes."""
        text = self.paragraphs[index].text.rstrip()
        if not text.endswith(_OPEN_ENDS) or len(text) > TITLE_MAX_CHARS:
            return False
        head = text[:-1]
        if (paragraph_han(head) < 4 or _FULL_STOP.search(head)
                or len(_COMMA.findall(head)) > OPEN_TITLE_MAX_COMMAS):
            return False
        return self.furniture[index] is None and not self.meta[index] and not self.closing[index]

    def is_meta(self, index: int) -> bool:
        return self.meta[index]

    def _is_meta(self, index: int) -> bool:
        """A header line under a title: a date, a byline, a URL, a short bold site line, a
        credit or a bare source line."""
        paragraph = self.paragraphs[index]
        text = paragraph.text
        if self.header.header_line(text) or self.header.url_line.match(text):
            return True
        if paragraph.kind == "strong" and len(text) <= 30:
            return True
        found = self.furniture[index]
        return found is not None and found.kind in ("credit", "source")

    def is_dateline(self, index: int) -> bool:
        text = self.paragraphs[index].text
        return self.header.header_line(text)

    def is_closing(self, index: int) -> bool:
        return self.closing[index]

    def _is_closing(self, index: int) -> bool:
        """A line that closes an article: a source, credit or editor line of any wording, or
        an end mark."""
        text = self.paragraphs[index].text
        if "。" in text:
            # A notice of one sentence that the article is the writer's own or reprinted
            # (本文为某某号作者原创，未经授权不得转载。) closes it too.
            return len(text) <= CLOSING_SENTENCE_MAX_CHARS and self.classifier.match(
                text, CLOSING_SENTENCE_KINDS) is not None
        if len(text) > CLOSING_MAX_CHARS:
            return False
        found = self.furniture[index]
        if found is not None and found.kind in ("source", "credit"):
            return True
        return any(pattern.match(text) for pattern in _CLOSING_SHAPES)

    def header_at(self, index: int) -> bool:
        """A title-like line followed by metadata lines, then text; or, after text, a date or
        byline line standing alone over text (a header whose title line is missing)."""
        if not self.header_title[index]:
            if self._is_open_title(index):
                # A title ending in a clause mark (致各位亲爱的同胞：) reads as a lead-in or an
                # open clause unless a date or byline row stands under it, right after an
                # article's text.
                return (index + 1 < len(self.paragraphs) and self.is_dateline(index + 1)
                        and self.after_text(index)
                        and any(self.body_han[index + 2:index + 2 + SUBTITLE_LINES]))
            return self.after_text(index) and self.is_dateline(index) and any(
                self.body_han[index + 1:index + 3])
        position = index + 1
        while position < len(self.paragraphs) and position <= index + HEADER_META_LINES:
            if not self.is_meta(position):
                break
            position += 1
        # Right after an article's text, a title over its date or byline opens the next
        # article even when a table, not text, comes first under it.
        return position > index + 1 and (any(self.body_han[position:position + SUBTITLE_LINES + 1])
                                         or self.after_text(index))

    def under_ordinal(self, index: int) -> bool:
        """Whether a line stands right under a line holding only an ordinal (一．, 2、, （三）,
        ④), or one line under it: an item of a numbered list in one article, with its own
        name and credit (一． / 留住童真 / 作品名称：留住童真 / 作者：…), is no new article."""
        return any(_ORDINAL_LINE.match(self.paragraphs[i].text)
                   for i in range(max(0, index - 2), index))

    def after_text(self, index: int, titles: bool = False) -> bool:
        """Whether an article's text ends just before ``index``: the line before is text, or
        only furniture and closing lines (举报/反馈, 原文出处：央广网, ——————) stand between;
        with ``titles``, one short title-like line of unfamiliar wording may stand there too
        (原文标题：《…》)."""
        position, title_lines = index - 1, 0
        while position >= 0 and index - position <= NEAR_PARAGRAPHS:
            if self.ends_text(position):
                return True
            if self.title_like[position] and titles and not title_lines:
                title_lines += 1
            elif self.furniture[position] is None and not self.closing[position]:
                return False
            position -= 1
        return False

    def header_block_end(self, index: int) -> int | None:
        """Where the text starts under a title line and one to `HEADER_META_LINES` short lines
        that are neither sentences nor text (a user name, ``7680 人赞同了该回答``, ``关注问题
        写回答``): a header whose wording nothing else knows. None when ``index`` opens no
        such header."""
        if not self.header_title[index]:
            return None
        position = index + 1
        while position < len(self.paragraphs) and position <= index + HEADER_META_LINES + 1:
            if self.body_han[position]:
                return position if position > index + 1 else None
            text = self.paragraphs[position].text
            if not text or len(text) > TITLE_MAX_CHARS or _SENTENCE_END.search(text):
                return None
            position += 1
        return None

    def echoes_first_header(self, lines: range) -> str | None:
        """The line of the page's first header block (the short lines between its first
        title and its first text) that one of ``lines`` repeats in shape: the same row with
        other names or numbers (``奶茶续命 · 回答了问题`` / ``Tony_王 · 回答了问题``,
        ``文化话题下的优秀答主`` / ``汽车话题下的优秀答主``). None when none does."""
        if self._first_header is None:
            first = next((i for i, han in enumerate(self.body_han) if han), None)
            title = next((i for i in range(first or 0) if self.header_title[i]
                          and self.header_block_end(i) == first), None)
            self._first_header = ([self.paragraphs[i].text for i in range(title + 1, first)]
                                  if title is not None and first is not None else [])
        for index in lines:
            text = self.paragraphs[index].text
            for row in self._first_header:
                if _same_shape(text, row):
                    return row
        return None

    def ends_text(self, index: int) -> bool:
        """Whether the line at ``index`` is article text or its last sentence: a short one
        (吴政隆参加上述活动。) ends an article as well as a long one."""
        if self.body_han[index]:
            return True
        text = self.paragraphs[index].text
        return (index > 0 and self.body_han[index - 1] > 0 and self.furniture[index] is None
                and not self.closing[index] and _SENTENCE_END.search(text) is not None)

    def sentences_han(self, start: int, end: int) -> int:
        """Han characters of the text from ``start`` to ``end`` in lines that end like a
        sentence."""
        return sum(han for p, han in zip(self.paragraphs[start:end], self.body_han[start:end],
                                         strict=True)
                   if han and _SENTENCE_END.search(p.text))

    def text_between(self, start: int, end: int) -> str:
        return "\n".join(p.text for p, han in zip(self.paragraphs[start:end],
                                                   self.body_han[start:end], strict=True) if han)


def _same_shape(line: str, row: str) -> bool:
    """Whether two short header rows are one row of a template with its own names or
    numbers: the same up to digits, or the same first or last `SHAPE_CHARS` characters.

    >>> _same_shape("奶茶续命 · 回答了问题", "Tony_王 · 回答了问题")
    True
    >>> _same_shape("3713 个回答", "25 个回答"), _same_shape("北漂十年", "momo_酱")
    (True, False)
    """
    a, b = _DIGITS.sub("0", line.strip()), _DIGITS.sub("0", row.strip())
    if not a or not b or len(a) > SHAPE_MAX_CHARS or len(b) > SHAPE_MAX_CHARS:
        return False
    if a == b:
        return True
    n = SHAPE_CHARS
    return len(a) > n and len(b) > n and (a[:n] == b[:n] or a[-n:] == b[-n:])


def bigram_cosine(left: str, right: str) -> float:
    """Cosine of the Han character-pair counts of two texts: near 0 for unrelated stories.

    >>> round(bigram_cosine("英伟达芯片出口管制", "英伟达芯片销量"), 2)
    0.58
    >>> bigram_cosine("英伟达芯片出口管制", "全国政协会议举行")
    0.0
    """
    a, b = _bigrams(left), _bigrams(right)
    dot = sum(count * b[pair] for pair, count in a.items() if pair in b)
    norm = math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def _bigrams(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for run in _HAN_RUN.findall(text):
        counts.update(run[i:i + 2] for i in range(len(run) - 1))
    return counts


def find_boundaries(structure: ArticleStructure) -> list[Boundary]:
    """Every index where the evidence says a new article starts, at most one per index."""
    paragraphs = structure.paragraphs
    found: dict[int, Boundary] = {}
    for index in range(1, len(paragraphs)):
        if index in found or structure.under_ordinal(index):
            continue
        if structure.header_at(index):
            found[index] = Boundary(index, "next-header",
                                    "a title line over date, site or byline lines opens an "
                                    "article")
        elif structure.is_closing(index - 1) and index + 1 < len(paragraphs):
            boundary = _after_closing(structure, index)
            if boundary is not None:
                found[index] = boundary
        elif structure.header_title[index] and structure.after_text(index) and (
                boundary := _subject_change(structure, index)) is not None:
            found[index] = boundary
        elif structure.after_text(index, titles=True) and (
                boundary := _header_block(structure, index)) is not None:
            found[index] = boundary
    merged: list[Boundary] = []
    for boundary in sorted(found.values(), key=lambda boundary: boundary.index):
        if merged and boundary.index - merged[-1].index <= NEAR_PARAGRAPHS and sum(
                structure.body_han[merged[-1].index:boundary.index]) < NEAR_HAN and (
                structure.sentences_han(merged[-1].index, boundary.index) < WHOLE_ARTICLE_HAN):
            # A header says exactly where the next article starts; a title-like line of a
            # subject change just before it (转载自环球网) closes the previous one, and so does
            # a credit or a teaser that looked like a title over a header block; a title over
            # header lines of its own stays where it is.
            if _label_row_over_title(structure, merged[-1].index, boundary) or (
                    BOUNDARY_RANK[boundary.rule] > BOUNDARY_RANK[merged[-1].rule] and not (
                        boundary.rule == "header-block"
                        and structure.header_block_end(merged[-1].index) is not None)):
                merged[-1] = boundary
            continue
        merged.append(boundary)
    return merged


def _label_row_over_title(structure: ArticleStructure, index: int, boundary: Boundary) -> bool:
    """Whether the line at ``index`` is a label's row (原文标题：《…》) right over the title
    of ``boundary``'s header block: it closes the article before, and the next starts under
    it, where the title is."""
    return (boundary.rule == "header-block" and boundary.index == index + 1
            and _LABEL_ROW.match(structure.paragraphs[index].text) is not None
            and not _COLON.search(structure.paragraphs[boundary.index].text))


def _after_closing(structure: ArticleStructure, index: int) -> Boundary | None:
    """A closing line, then a title-like line or text on another subject."""
    closing = structure.paragraphs[index - 1].text
    found = structure.classifier.match(closing, ("source",))
    if found is not None and found.pattern.id in CLOSING_RULES:
        return Boundary(index, "closing-line", f"{closing!r} says where the article came from, "
                                               "which closes it")
    following = next((i for i in range(index, min(index + 4, len(structure.paragraphs)))
                      if structure.body_han[i] or structure.header_title[i]), None)
    if following is None:
        return None
    if structure.header_title[following]:
        return Boundary(index, "closing-line",
                        f"{closing!r} closes an article and a title line follows")
    # Teasers of other stories, cut off mid-sentence, often follow an article's credits.
    if not _SENTENCE_END.search(structure.paragraphs[following].text):
        return None
    related = _unrelated(structure.text_between(max(0, index - 8), index),
                         structure.text_between(index, index + 8),
                         CLOSING_MIN_HAN, CLOSING_RELATED_BELOW)
    if related is None:
        return None
    return Boundary(index, "closing-line",
                    f"{closing!r} closes an article and the text after it shares little with "
                    f"the text before (bigram cosine {related:.2f})")


def _subject_change(structure: ArticleStructure, index: int) -> Boundary | None:
    """A title-like line closing a section of text that shares almost nothing with the text
    after it."""
    starts = [0, *(i for i, title in enumerate(structure.title_like[:index]) if title and i)]
    start = starts.pop()
    before = structure.text_between(start, index)
    # A short section counts with the sections before it that share its subject (the parts
    # of one article under their subheadings); the items of a roundup share none.
    while han_count(before) < SUBJECT_MIN_HAN and starts:
        earlier = structure.text_between(starts[-1], start)
        if not earlier or bigram_cosine(earlier, before) < CLOSING_RELATED_BELOW:
            break
        start = starts.pop()
        before = structure.text_between(start, index)
    after = structure.text_between(index + 1, index + 9)
    related = _unrelated(before, after, SUBJECT_MIN_HAN, SUBJECT_CHANGE_BELOW)
    if related is None and index + 1 < len(structure.paragraphs) and _NEWS_LEAD.match(
            structure.paragraphs[index + 1].text):
        # A story's lead under the title (央视网消息（新闻联播）：…, 新华社北京5月7日电) opens
        # a story: a shorter text before, on another subject, is one of its own.
        related = _unrelated(before, after, CLOSING_MIN_HAN, CLOSING_RELATED_BELOW,
                             after_min_han=CLOSING_MIN_HAN)
        if related is not None:
            return Boundary(index, "subject-change",
                            f"a title line over a story's lead, between texts that share "
                            f"little (bigram cosine {related:.2f})")
    if related is None:
        return None
    return Boundary(index, "subject-change",
                    f"a title line between texts that share almost nothing (bigram cosine "
                    f"{related:.2f})")


def _header_block(structure: ArticleStructure, index: int) -> Boundary | None:
    """A title line over header lines of unfamiliar wording (see
    `ArticleStructure.header_block_end`) after an article's text, when the text under it
    shares little with the text before."""
    start = structure.header_block_end(index)
    if start is None:
        return None
    echoed = structure.echoes_first_header(range(index + 1, start))
    if echoed is not None:
        return Boundary(index, "header-block",
                        f"a title line over {start - index - 1} short header line(s) shaped as "
                        f"the page's first header (“{echoed}”) opens an article")
    related = _unrelated(structure.text_between(max(0, index - 8), index),
                         structure.text_between(start, start + 8),
                         CLOSING_MIN_HAN, CLOSING_RELATED_BELOW, after_min_han=CLOSING_MIN_HAN)
    if related is None:
        return None
    return Boundary(index, "header-block",
                    f"a title line over {start - index - 1} short header line(s) opens text "
                    f"that shares little with the text before (bigram cosine {related:.2f})")


def _unrelated(before: str, after: str, before_min_han: int, below: float,
               after_min_han: int = SUBJECT_MIN_HAN) -> float | None:
    """The bigram cosine of two texts when both hold enough Han characters to judge and it is
    under ``below``; None when they cannot be judged or are related."""
    if han_count(before) < before_min_han or han_count(after) < after_min_han:
        return None
    related = bigram_cosine(before, after)
    return related if related < below else None


def kept_boundaries(structure: ArticleStructure, found: list[Boundary]) -> list[Boundary]:
    """The boundaries whose parts both hold article text: a closing line followed only by
    teasers, or a header right after another, starts nothing."""
    kept: list[Boundary] = []
    starts = [boundary.index for boundary in found] + [len(structure.paragraphs)]
    for position, boundary in enumerate(found):
        previous = kept[-1].index if kept else 0
        before = sum(structure.body_han[previous:boundary.index])
        after = sum(structure.body_han[boundary.index:starts[position + 1]])
        if before >= MIN_PART_HAN and after >= MIN_PART_HAN:
            kept.append(boundary)
    return kept


def _closing_lines(structure: ArticleStructure, starts: list[int]) -> set[int]:
    """The closing lines that end each article of a file split at ``starts``: the run of
    them just before a new article and at the end of the last. Lines the furniture rules
    know (本文源自：…, 责任编辑：…) are left to them, which record their own rule."""
    found = set()
    for end in [*starts, len(structure.paragraphs)]:
        index = end - 1
        while index > 0 and not structure.body_han[index] and (
                structure.is_closing(index) or _tail_line(structure, index, end)):
            if structure.furniture[index] is None:
                found.add(index)
            index -= 1
    return found


def _tail_line(structure: ArticleStructure, index: int, end: int) -> bool:
    """A short title-like line between an article's last text and the next article's header
    (a source line of unfamiliar wording): no title, since a title is followed by text."""
    return (end < len(structure.paragraphs) and structure.title_like[index]
            and end - index <= NEAR_PARAGRAPHS and structure.body_han[index - 1] > 0)


def comment_tail(structure: ArticleStructure) -> int | None:
    """Where the comments under the last article start: a date row after the end of the text
    with a reply under it and only short lines after, none of them text (furniture lines
    aside); a list of dated titles of other posts over a comment form is no comment::

        ……吴政隆参加上述活动。
        沙发 一叶知秋 2021.06.24      <- the comments start here
        支持一下楼主！
    """
    found = None
    for index in range(len(structure.paragraphs) - 2, 0, -1):
        if structure.is_furniture(index) and not structure.is_dateline(index):
            continue
        if structure.body_han[index] or len(structure.paragraphs[index].text) > COMMENT_MAX_CHARS:
            break
        if (structure.is_dateline(index) and structure.after_text(index, titles=True)
                and not structure.is_dateline(index - 1) and _is_reply(structure, index + 1)):
            found = index
    return found


def _is_reply(structure: ArticleStructure, index: int) -> bool:
    """A line that may be a reply under a comment's date row: no date row, no furniture, no
    label waiting for its value (评论内容：)."""
    return not (structure.is_dateline(index) or structure.is_furniture(index)
                or _COLON.search(structure.paragraphs[index].text[-1:]))


@step(STEP)
def split_articles(doc: Document, ctx: Context) -> Document | list[Document]:
    if len(doc.paragraphs) < 3:
        return doc
    header = ctx.resource("header_rules", lambda: HeaderRules.from_rules(ctx.rules))
    structure = ArticleStructure(doc.paragraphs, line_classifier(ctx), header)
    tail = comment_tail(structure)
    if tail is not None:
        # Furniture among the comments (a disclaimer, 返回列表) is left to its own rules.
        comments = {i for i in range(tail, len(doc.paragraphs)) if not structure.is_furniture(i)}
        for index in sorted(comments):
            paragraph = doc.paragraphs[index]
            doc.record(STEP, "comment-tail", "remove", paragraph.text, paragraph.lines[0],
                       why="a date row after the end of the text, with only short lines under "
                           "it, opens the comments under the article")
        doc.paragraphs = [p for i, p in enumerate(doc.paragraphs) if i not in comments]
        structure = ArticleStructure(doc.paragraphs, line_classifier(ctx), header)
    boundaries = kept_boundaries(structure, find_boundaries(structure))
    if not boundaries:
        return doc
    closings = _closing_lines(structure, [boundary.index for boundary in boundaries])
    for index in sorted(closings):
        paragraph = doc.paragraphs[index]
        doc.record(STEP, "closing-line", "remove", paragraph.text, paragraph.lines[0],
                   why="a source, editor or end line closing one of the articles of the file")
    cuts = [0, *(boundary.index for boundary in boundaries), len(doc.paragraphs)]
    parts = doc.split([[p for i, p in enumerate(doc.paragraphs[start:end], start)
                        if i not in closings] for start, end in zip(cuts, cuts[1:], strict=False)])
    for part, boundary in zip(parts[1:], boundaries, strict=True):
        first = doc.paragraphs[boundary.index]
        part.record(STEP, f"split-{boundary.rule}", "flag", first.text, first.lines[0],
                    why=boundary.why)
    return parts
