"""Remove the page's own SEO keywords spliced into its sentences.

An SEO page repeats the phrases it wants to be found by inside the article's sentences: its
title glued to the end of a paragraph, the search query it targets after every other
sentence, the items of its tag line in the middle of a clause. What gives them away is not
their words but where else they stand on the page:

- the page's title (``metadata.title``, each part of ``带你了解红外测温门厂家_某某电子``),
  where it closes a line after a clause, or anywhere it stands as a clause of its own once
  it does so in several lines of the body (the page stuffs its title),
- an item of a list row an earlier step removed (``标签:测温门价格 测温门厂家哪家好``),
- a question that stands word for word in several lines of the page and heads a short
  line of it too (``测温门有什么好处？``): the query the page was made for.

Such a phrase is cut where it is spliced: at a clause edge (a title only where it closes a
line after a clause: inside a sentence the article names its subject), inside a line that
keeps a sentence without it (a heading that is the phrase is left to the furniture steps):

    3、安装简单，不占通道，几分钟即可投入使用。 测温门有什么好处？
    -> 3、安装简单，不占通道，几分钟即可投入使用。  (the same clause stands in 4 lines of
       the page)

The lengths and counts are in ``rules/keyword_spam.yaml``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import regex

from curate.clean.header import PAGE_TITLE, RULE_TITLE_FROM_LEAD
from curate.clean.lines import han_count
from curate.document import Document
from curate.edits import Change, apply_changes
from curate.pipeline import Context, step
from curate.rules import RuleError, Rules

STEP = "remove_keyword_splices"
SETTINGS_FILE = "keyword_spam.yaml"
RULE_TITLE, RULE_LIST, RULE_CLAUSE = ("keyword-splice:title", "keyword-splice:list-item",
                                      "keyword-splice:repeated-clause")
RULE_STUFFED_TITLE = "keyword-splice:stuffed-title"
# Parts of a page title: 带你了解红外测温门厂家_某某电子, 文章 – 网站名.
_TITLE_PARTS = regex.compile(r"\s*[_|｜–—]\s*|\s+-\s+")
# Items of a list row: separated by spaces, bars or commas; a leading label ends in a colon.
_LIST_ITEMS = regex.compile(r"[\s|｜,，、]+")
_LABEL = regex.compile(r"^[^:：]{1,8}[:：]")
_ITEM_MAX_CHARS = 20
_SENTENCE_END = regex.compile(r"[。！？!?]")
_SENTENCE_MARKS = frozenset("。！？；!?;")
_OWN_MARKS = frozenset("？！?!")
_JOINING_MARKS = frozenset("，,、：:")
_QUOTE_PAIRS = {"“": "”", "「": "」", "（": "）", "(": ")", '"': '"'}
_SPACES = " \t\u3000"
_CLAUSE_MARKS = frozenset("。！？；!?;，,、：:")
_CLAUSE_BOUNDS = _CLAUSE_MARKS | frozenset(_SPACES)
# Clauses end at these marks; the mark stays with its clause (什么好处？).
_CLAUSE = regex.compile(r"[^。！？；!?，,、]+[。！？；!?]?")
_CLAUSE_EDGE = frozenset("。！？；!?，,、：:（）()“”\"' \t\u3000")
_TRAILING_JOINERS = "，,、 \t\u3000"
_COMMAS = frozenset("，,、")
_DIGIT = regex.compile(r"\d")
_QUESTION = ("？", "?")
_HEADING_CHARS = 40


@dataclass(frozen=True)
class KeywordSettings:
    min_chars: int
    min_clause_lines: int
    min_clause_han: int
    min_han_left: int

    @classmethod
    def from_rules(cls, rules: Rules) -> KeywordSettings:
        data = rules.yaml(SETTINGS_FILE)
        try:
            return cls(int(data["min_chars"]), int(data["min_clause_lines"]),
                       int(data["min_clause_han"]), int(data["min_han_left"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleError(f"rules/{SETTINGS_FILE}: needs min_chars, min_clause_lines, "
                            f"min_clause_han and min_han_left ({exc!r})") from None


@step(STEP)
def remove_keyword_splices(doc: Document, ctx: Context) -> Document:
    """Cut the page's title, tag items and repeated clauses where they are spliced into a
    sentence, recording each cut with the evidence that made the phrase a keyword."""
    settings = ctx.resource("keyword_splices", lambda: KeywordSettings.from_rules(ctx.rules))
    keywords = page_keywords(doc, settings)
    if not keywords:
        return doc
    for paragraph in doc.paragraphs:
        changes = find_splices(paragraph.text, keywords, settings)
        if not changes:
            continue
        for change, why in changes:
            doc.record(STEP, change.rule, "remove", change.old, paragraph.lines[0], why=why)
        paragraph.text = apply_changes(paragraph.text, [change for change, _ in changes])
    return doc


def page_keywords(doc: Document, settings: KeywordSettings) -> dict[str, tuple[str, str]]:
    """The page's keywords, each with its rule and the evidence, longest first."""
    found: dict[str, tuple[str, str]] = {}

    def add(phrase: str, rule: str, why: str) -> None:
        phrase = phrase.strip()
        if len(regex.sub(r"\s", "", phrase)) >= settings.min_chars and phrase not in found:
            found[phrase] = (rule, why)

    # The record's own title where the text's heading replaced it, then the title.
    for title in (doc.metadata.get(PAGE_TITLE), doc.metadata.get("title")):
        # A title the header step took from the lead is the text's own first clause, not
        # what the page claims to be about: its words are no keywords.
        from_lead = any(edit.rule == RULE_TITLE_FROM_LEAD and edit.text == title
                        for edit in doc.edits)
        if not isinstance(title, str) or from_lead:
            continue
        for part in _TITLE_PARTS.split(title):
            lines = sum(1 for p in doc.paragraphs if _stands_as_clause(part.strip(), p.text))
            if lines >= settings.min_clause_lines:
                add(part, RULE_STUFFED_TITLE,
                    f"the page's title stands as a clause in {lines} lines of the body: {title}")
            add(part, RULE_TITLE, f"the page's title: {title}")
    for edit in doc.edits:
        if edit.action != "remove" or not edit.text or "\n" in edit.text:
            continue
        # A labelled row of items (标签：…, Tags: …): the page names its keywords.
        label = _LABEL.match(edit.text)
        items = [item for item in _LIST_ITEMS.split(edit.text[label.end():]) if item] if (
            label) else []
        # Keywords, not the clauses of a labelled summary (本文摘要：…。): no item ends a
        # sentence or runs as long as one.
        if len(items) >= 3 and all(len(item) <= _ITEM_MAX_CHARS
                                   and not _SENTENCE_END.search(item) for item in items):
            for item in items:
                add(item, RULE_LIST, f"an item of a list row {edit.step} removed: {edit.text}")
    lines_with: Counter[str] = Counter()
    for paragraph in doc.paragraphs:
        lines_with.update({clause.strip() for clause in _CLAUSE.findall(paragraph.text)})
    # The page's headings, kept or removed: a keyword clause also heads a short line.
    short = [p.text.strip() for p in doc.paragraphs if len(p.text.strip()) <= _HEADING_CHARS]
    short += [e.text.strip() for e in doc.edits if e.action == "remove" and e.text
              and len(e.text.strip()) <= _HEADING_CHARS]
    for clause, lines in lines_with.items():
        # A phrase, not a date or figure: dates and amounts recur in real text; a question
        # that heads a short line of the page too is the query the page was made for.
        if (lines >= settings.min_clause_lines and not _DIGIT.search(clause)
                and han_count(clause) >= settings.min_clause_han
                and clause.endswith(_QUESTION) and any(t.startswith(clause) for t in short)):
            add(clause, RULE_CLAUSE, f"the same clause stands in {lines} lines of the page")
    return dict(sorted(found.items(), key=lambda item: -len(item[0])))


def _stands_as_clause(phrase: str, text: str) -> bool:
    """Whether ``phrase`` stands in ``text`` as a clause of its own, with more text beside it.

    >>> _stands_as_clause("哪种茶降血压好", "一起来看看吧，“哪种茶降血压好”。")
    True
    >>> _stands_as_clause("哪种茶降血压好", "很多人都在问“哪种茶降血压好”。")
    False
    """
    if not phrase or text.strip() == phrase:
        return False
    start = text.find(phrase)
    while start >= 0:
        if _own_clause(text, start, start + len(phrase)) is not None:
            return True
        start = text.find(phrase, start + len(phrase))
    return False


def _own_clause(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of ``text[start:end]`` with the quotes around it when it is a clause of its
    own: clause marks, spaces or the line's ends on both sides; else None."""
    if start and end < len(text) and _QUOTE_PAIRS.get(text[start - 1]) == text[end]:
        start, end = start - 1, end + 1
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if before in _CLAUSE_BOUNDS and after in _CLAUSE_BOUNDS:
        return start, end
    return None


def _own_clause_cut(text: str, start: int, end: int) -> tuple[int, int]:
    """The span to cut for a phrase at ``text[start:end]`` that is a clause of its own: the
    phrase, the quotes around it, and one mark of the two beside it, so that the sentence
    keeps its own end.

    >>> text = "下面就一起来看看吧，“哪种茶降血压好”。饮食要清淡。哪种茶降血压好， 要因人而异。"
    >>> [text[a:b] for a, b in (_own_clause_cut(text, 11, 18), _own_clause_cut(text, 26, 33))]
    ['，“哪种茶降血压好”', '哪种茶降血压好， ']
    """
    start, end = _own_clause(text, start, end) or (start, end)
    left = len(text[:start].rstrip(_SPACES))
    before = text[left - 1] if left else ""
    after = text[end] if end < len(text) else ""
    if after and after not in _SENTENCE_MARKS and after not in _SPACES:
        # …，TITLE，… or TITLE：…: the mark after goes with the phrase.
        stop = end + 1 if after in _JOINING_MARKS else end
    elif before in _JOINING_MARKS:  # …看看吧，TITLE。 -> …看看吧。
        return left - 1, end
    else:  # 。TITLE。 -> 。 and a line that opens with TITLE。 loses both
        stop = end + 1 if after in _SENTENCE_MARKS else end
    while stop < len(text) and text[stop] in _SPACES:
        stop += 1
    return (left if stop == len(text) else start), stop


def find_splices(text: str, keywords: dict[str, tuple[str, str]],
                 settings: KeywordSettings) -> list[tuple[Change, str]]:
    """Where the keywords are spliced into ``text``: at a clause edge, with a sentence of
    ``min_han_left`` Han characters left around them.

    >>> keywords = {"带你了解红外测温门厂家": ("keyword-splice:title", "the page's title")}
    >>> [(c.old, c.rule, why) for c, why in find_splices(
    ...     "早期利润高、门槛低，大量资金进入了安检设备市场，带你了解红外测温门厂家",
    ...     keywords, KeywordSettings(8, 3, 6, 10))]
    [('，带你了解红外测温门厂家', 'keyword-splice:title', "the page's title")]
    """
    spans: list[tuple[int, int, str, str]] = []
    for phrase, (rule, why) in keywords.items():
        start = text.find(phrase)
        while start >= 0:
            end = start + len(phrase)
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            closes = not text[end:].strip()
            # A title is spliced where it closes a line after a clause (…市场，标题): where
            # it stands inside a sentence the article is naming its subject.
            if rule == RULE_TITLE:
                edge = before in _CLAUSE_EDGE and closes
            elif rule == RULE_STUFFED_TITLE:  # a clause of its own, not part of one
                edge = _own_clause(text, start, end) is not None
            else:
                edge = before in _CLAUSE_EDGE or after in _CLAUSE_EDGE
            # A phrase that brings its own question or exclamation mark before the clause's
            # mark (…之后KEYWORD？，或者…) is spliced wherever it stands: no sentence has two.
            edge = edge or (phrase[-1] in _OWN_MARKS and after in _CLAUSE_MARKS)
            cut_start, cut_end = start, end
            if rule == RULE_STUFFED_TITLE and _own_clause(text, start, end):
                cut_start, cut_end = _own_clause_cut(text, start, end)
            elif closes:  # the phrase closes the line: so does its joint
                cut_start, cut_end = len(text[:start].rstrip(_TRAILING_JOINERS)), len(text)
            elif before in _CLAUSE_EDGE and after in _COMMAS:  # one comma of two goes
                cut_end += 1
            # Two phrases sharing a comma (“…影响是，” and “，销售电价…”): the cut of the
            # first stands, the second is left where the two would overlap.
            if edge and all(cut_end <= s or cut_start >= e for s, e, _, _ in spans):
                spans.append((cut_start, cut_end, rule, why))
            start = text.find(phrase, end)
    if not spans:
        return []
    left = text
    for start, end, _, _ in sorted(spans, reverse=True):
        left = left[:start] + left[end:]
    if han_count(left) < settings.min_han_left:
        return []
    return [(Change(start, end, "", rule, text[start:end]), why)
            for start, end, rule, why in sorted(spans)]
