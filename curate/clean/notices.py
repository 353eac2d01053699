"""Drop a site's notices around and inside an article, by the words they are made of.

A notice speaks of the page rather than of the world: of the text and who wrote it, of
rights and liability, of the platform that stores it, of what the reader should click.
Sites word them in a thousand ways, so no pattern of one wording finds them; what they share
is their vocabulary (``rules/notices.yaml``):

    内容由作者提供，某某号仅提供信息存储空间服务。        -> removed (page-notice)
    投资有风险，入市须谨慎。本文不构成任何投资建议。      -> removed (page-notice)
    (本章未完，请点击下一页继续阅读)                      -> removed (page-notice)
    丁薛祥、何立峰、张国清、刘国中、王小洪、吴政隆出席。  stays: none of those words

A line is removed only when it shares little with the article (a story about copyright that
ends on the rights of its authors keeps its last line), and only outside the article's
prose, above its first paragraph of prose or under its last, unless it is too short to be a
paragraph of prose itself: a page breaks its text with ``(本章未完，请点击下一页继续阅读)`` or
``（点击图片查看大图）``, where a sentence of notice words among the paragraphs may be the
article's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import regex

from curate.clean.line_features import BODY_MIN_HAN
from curate.clean.lines import han_count, paragraph_han
from curate.clean.script import convert_to_simplified
from curate.clean.teasers import body_pairs, share_of_pairs
from curate.document import Document, Paragraph
from curate.pipeline import Context, step
from curate.rules import RuleError, Rules

STEP = "drop_page_notices"
RULE = "page-notice"
SETTINGS_FILE = "notices.yaml"
_SENTENCE_END = regex.compile(r"[。！？!?…][”」』’）)\"]*\s*$")


@dataclass(frozen=True)
class NoticeWords:
    """The words of ``rules/notices.yaml`` and the thresholds that make a line a notice."""

    words: re.Pattern
    min_words: int
    min_coverage: float
    max_chars: int
    unrelated_below: float

    @classmethod
    def from_rules(cls, rules: Rules) -> NoticeWords:
        data = rules.yaml(SETTINGS_FILE)
        keys = ("words", "min_words", "min_coverage", "max_chars", "unrelated_below")
        if not isinstance(data, dict) or any(key not in data for key in keys):
            raise RuleError(f"rules/{SETTINGS_FILE}: needs {', '.join(keys)}")
        words = [str(word) for word in data["words"] if str(word).strip()]
        if not words:
            raise RuleError(f"rules/{SETTINGS_FILE}: the list of words is empty")
        # Longest first, so that 存储空间 counts as one word and not as its parts.
        alternation = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
        return cls(re.compile(alternation), int(data["min_words"]),
                   float(data["min_coverage"]), int(data["max_chars"]),
                   float(data["unrelated_below"]))

    def measure(self, text: str) -> tuple[list[str], float]:
        """The different notice words of ``text`` and the share of its Han characters they
        cover (both empty for a line longer than ``max_chars``).

        >>> pattern = re.compile("作者|转载|原文|链接|保留|信息|本文")
        >>> words = NoticeWords(pattern, 3, 0.4, 80, 0.35)
        >>> words.measure("本文作者：某某，转载请保留作者信息及原文链接。")
        (['本文', '作者', '转载', '保留', '信息', '原文', '链接'], 0.8)
        """
        simplified, found = self._words_in(text)
        han = han_count(simplified)
        if not han:
            return [], 0.0
        return list(dict.fromkeys(found)), sum(map(len, found)) / han

    def is_notice(self, text: str) -> bool:
        simplified, found = self._words_in(text)
        if len(set(found)) < self.min_words:  # most lines: no need to count their characters
            return False
        han = han_count(simplified)
        return bool(han) and sum(map(len, found)) / han >= self.min_coverage

    def _words_in(self, text: str) -> tuple[str, list[str]]:
        """``text`` in simplified script and every notice word in it, in order (nothing for a
        line longer than ``max_chars``). The words are matched with the standard library's
        engine, which runs this alternation in a third of the time on every short line."""
        if len(text) > self.max_chars:
            return "", []
        simplified = convert_to_simplified(text)
        return simplified, self.words.findall(simplified)


@step(STEP)
def drop_page_notices(doc: Document, ctx: Context) -> Document:
    notices = ctx.resource("notice_words", lambda: NoticeWords.from_rules(ctx.rules))
    paragraphs = doc.paragraphs
    flagged = [notices.is_notice(p.text) for p in paragraphs]
    prose = [i for i, p in enumerate(paragraphs) if not flagged[i] and _is_prose(p.text)]
    if not prose:
        return doc  # no article to stand outside of: the page classifier's to judge
    candidates = {i for i, p in enumerate(paragraphs) if flagged[i] and (
        i < prose[0] or i > prose[-1] or paragraph_han(p.text) < BODY_MIN_HAN)}
    if not candidates:
        return doc
    body = body_pairs([p for i, p in enumerate(paragraphs) if i not in candidates])
    removed = set()
    for i in sorted(candidates):
        paragraph = paragraphs[i]
        share = share_of_pairs(paragraph.text, body)
        if share < notices.unrelated_below:
            where = ("above the article" if i < prose[0] else "under the article"
                     if i > prose[-1] else "between the article's paragraphs")
            _record(doc, paragraph, notices, share, where)
            removed.add(i)
    if removed:
        doc.paragraphs = [p for i, p in enumerate(paragraphs) if i not in removed]
    return doc


def _is_prose(text: str) -> bool:
    return paragraph_han(text) >= BODY_MIN_HAN and bool(_SENTENCE_END.search(text))


def _record(doc: Document, paragraph: Paragraph, notices: NoticeWords, share: float,
            where: str) -> None:
    found, coverage = notices.measure(paragraph.text)
    doc.record(STEP, RULE, "remove", paragraph.text, paragraph.lines[0],
               why=(f"a line {where} made of the words a site uses about "
                    f"its pages ({len(found)}: {'、'.join(found)}; {coverage:.0%} of its "
                    f"characters), sharing {share:.0%} of its character pairs with the "
                    "article, is the site's notice"))
