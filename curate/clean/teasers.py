"""Trim teasers of other stories from the start and the end of an article.

Pages list snippets of other stories around an article, cut off mid-sentence:

    现在一场规模广、强度高的劲风气候正在影响我国今明两天…地上站呈...   -> removed
    11月18日，艺人甄子丹在微博晒出一张与李连杰的合影…全部皆是...        -> removed

A link label in brackets after the ellipsis is part of a trailing teaser, whatever it says
under an article (leading ones, and a page that is nothing but such a snippet, as SogouCS's
teaser pages are, are only those the teaser rules name):

    国务院常务会议部署稳就业工作，要求各地加大政策支持力度，推动...【详情】        -> removed

Only runs of teaser-shaped paragraphs touching the start or the end are trimmed: a
paragraph ending in ``……`` inside the body (seed 000's ``股价上涨达10%……``) stays, and so
does a short last paragraph that ends like a sentence. A trailing line that ends in the
Chinese ellipsis is only cut when it shares little with the body, since a real last
paragraph may trail off the same way. A last line cut off with ``...`` right under a
paragraph of prose whose subject words it shares is that text cut short by its page (a
poem page's commentary stopping at ``…也并没有深写。行文...``), not another story's
snippet, which hangs under its own headline or shares nothing with the paragraph above.
"""

from __future__ import annotations

import regex

from curate.clean.line_features import BODY_MIN_HAN
from curate.clean.lines import han_count, line_classifier
from curate.clean.page_features import RELATED_PAIRS, CommonPairs, subject_pairs
from curate.document import Document, Paragraph
from curate.pipeline import Context, step

STEP = "trim_teasers"
_ASCII_ELLIPSIS = regex.compile(r"\.{3,}\s*$")
# A link label after the ellipsis that cut a snippet listed under an article
# (``…支持力度...【详情】``, ``…[阅读]``): a few characters in brackets, whatever they say.
_LABEL_AFTER_ELLIPSIS = regex.compile(
    r"(?<=\.{3}|…)\s*[\[［【(（<〈《]\s*\p{Han}{1,4}\s*[\]］】)）>〉》]\s*$")
# Below this share of its character pairs found in the body, a line is about something else.
UNRELATED_BELOW = 0.35
# What character pairs are made of: Han, ASCII letters and digits.
_NOT_PAIRED = regex.compile(r"[^\p{Han}A-Za-z0-9]+")
# A paragraph of prose ends like a sentence.
_SENTENCE_END = regex.compile(r"[。！？!?][”」』’）)\"]*\s*$")
# A headline of another story listed under the article: an item of a list (a bullet or a
# number opens it), a few Han characters, no sentence; a snippet above up to this many of
# them is still found.
_LIST_ITEM = regex.compile(r"\s*(?:[·•▪►▶◆◇■□●○※\-–—*]|\d{1,3}\s*[、.．)）])")
HEADLINE_MIN_HAN = 6
HEADLINE_MAX_HAN = 60
MAX_HEADLINES_PASSED = 8


@step(STEP)
def trim_teasers(doc: Document, ctx: Context) -> Document:
    classifier = line_classifier(ctx)
    classifier.screen_page(p.text for p in doc.paragraphs)
    common = ctx.resource("common_pairs", lambda: CommonPairs.from_rules(ctx.rules))

    def is_teaser(paragraph: Paragraph, body: list[Paragraph], trailing: bool = False) -> bool:
        labelled = trailing and body  # under an article, not a page that is one snippet
        text = _LABEL_AFTER_ELLIPSIS.sub("", paragraph.text) if labelled else paragraph.text
        if classifier.match(text, ("teaser",)) is None:
            return False
        if _ASCII_ELLIPSIS.search(text):
            return not (trailing and body and continues_prose(text, body[-1].text, common))
        return relatedness(text, body) < UNRELATED_BELOW

    paragraphs = list(doc.paragraphs)
    while paragraphs and is_teaser(paragraphs[0], paragraphs[1:]):
        _record(doc, paragraphs.pop(0), "leading")
    # Under the article, snippets and other stories' headlines are listed together: a snippet
    # is found above headlines of other stories as well as under the text, and the headlines
    # are left where they are, for the furniture steps.
    index, passed = len(paragraphs) - 1, 0
    while index >= 0:
        paragraph, above = paragraphs[index], paragraphs[:index]
        if is_teaser(paragraph, above, trailing=True):
            _record(doc, paragraphs.pop(index), "trailing")
        elif passed < MAX_HEADLINES_PASSED and is_other_headline(paragraph.text, above):
            passed += 1
        else:
            break
        index -= 1
    doc.paragraphs = paragraphs
    return doc


def is_other_headline(text: str, body: list[Paragraph]) -> bool:
    """Whether ``text`` reads as the headline of another story listed under ``body``: a line
    of a list of a few Han characters, no sentence, sharing little with the text above it.

    >>> body = [Paragraph("国务院新闻办公室今天举行例行吹风会，介绍代表建议办理情况。", (1, 1))]
    >>> is_other_headline("· 习近平会见巴巴多斯总理", body)
    True
    >>> is_other_headline("记者 秦岚 通讯员 袁野", body)
    False
    """
    han = han_count(text)
    return (bool(body) and bool(_LIST_ITEM.match(text))
            and HEADLINE_MIN_HAN <= han <= HEADLINE_MAX_HAN
            and not _SENTENCE_END.search(text) and relatedness(text, body) < UNRELATED_BELOW)


def continues_prose(text: str, above: str, common: CommonPairs) -> bool:
    """Whether a line cut off under ``above`` goes on with its text: ``above`` is a paragraph
    of prose (`BODY_MIN_HAN` Han characters, a sentence end) sharing `RELATED_PAIRS` words
    of a subject with it (character pairs no news story has to use).

    >>> above = "它共有七句话，前四句大量的重复用字，也并不合乎诗歌的习惯，抒发了最真挚的情感。"
    >>> continues_prose("四句话形式上两两相同，但情感上却是层层深入的，行文...", above,
    ...                 CommonPairs())
    True
    """
    return (bool(_SENTENCE_END.search(above)) and han_count(above) >= BODY_MIN_HAN
            and len(subject_pairs(text, common) & subject_pairs(above, common)) >= RELATED_PAIRS)


def relatedness(text: str, body: list[Paragraph]) -> float:
    """Share of the character pairs of ``text`` that also occur in ``body``."""
    return share_of_pairs(text, body_pairs(body))


def body_pairs(body: list[Paragraph]) -> set[str]:
    """The character pairs of ``body``, for measuring many lines against it."""
    return set().union(*(pairs_of(p.text) for p in body)) if body else set()


def share_of_pairs(text: str, pairs: set[str]) -> float:
    """Share of the character pairs of ``text`` found in ``pairs``."""
    own = pairs_of(text)
    return len(own & pairs) / len(own) if own else 0.0


def pairs_of(text: str) -> set[str]:
    """The pairs of neighbouring Han characters of ``text`` (marks and spaces left out)."""
    han = _NOT_PAIRED.sub("", text)
    return {han[i : i + 2] for i in range(len(han) - 1)}


def _record(doc: Document, paragraph: Paragraph, where: str) -> None:
    doc.record(STEP, f"teaser-{where}", "remove", paragraph.text, paragraph.lines[0],
               why=f"a cut-off snippet of another story at the {where} edge of the article")
