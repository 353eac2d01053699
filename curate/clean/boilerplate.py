"""Drop page furniture lines: breadcrumbs, credits, disclaimers, navigation words,
"more content" and source lines. Writers and sites found on the way become metadata.

    作者 | 董温淑           -> removed (credit-line); metadata.author = "董温淑"
    免責聲明:本文觀點…      -> removed (disclaimer)
    熱新聞                  -> removed (navigation-word)
    本文源自：创业邦        -> removed (source-line); metadata.site = "创业邦"
"""

from __future__ import annotations

import regex

from curate.clean.lines import LineMatch, line_classifier
from curate.document import Document
from curate.pipeline import Context, step

BOILERPLATE_KINDS = ("credit", "disclaimer", "more_content", "source", "navigation")
RELATED_HEADINGS = "related_headings.txt"
# A line of a related-articles list is a title: at most this long, without a full stop.
LIST_ITEM_MAX_CHARS = 60
_LABEL_MARKS = regex.compile(r"[\s\p{P}\p{S}]+")
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
    or teasers: a heading followed by article text cuts nothing.
    """
    headings = ctx.resource("related_headings", lambda: {
        _label(word) for word in ctx.rules.lines(RELATED_HEADINGS)
    })
    classifier = line_classifier(ctx)
    for index, paragraph in enumerate(doc.paragraphs):
        if len(paragraph.text) > 20 or _label(paragraph.text) not in headings:
            continue
        listed = doc.paragraphs[index + 1 :]
        if not all(_is_list_item(p.text, classifier) for p in listed):
            continue
        doc.record("drop_related_lists", "related-heading", "remove", paragraph.text,
                   paragraph.lines[0], why="a heading over a list of other articles")
        for item in listed:
            doc.record("drop_related_lists", "related-list", "remove", item.text, item.lines[0],
                       why="a title in a list of other articles after a related-reading heading")
        doc.paragraphs = doc.paragraphs[:index]
        break
    return doc


def _label(text: str) -> str:
    return _LABEL_MARKS.sub("", text)


def _is_list_item(text: str, classifier) -> bool:
    """A title line (short, no full stop) or a teaser of another story."""
    short_title = len(text) <= LIST_ITEM_MAX_CHARS and "。" not in text
    return short_title or classifier.match(text, ("teaser",)) is not None


@step("drop_boilerplate")
def drop_boilerplate(doc: Document, ctx: Context) -> Document:
    return _drop_lines(doc, ctx, "drop_boilerplate", BOILERPLATE_KINDS)


def _drop_lines(doc: Document, ctx: Context, name: str, kinds: tuple[str, ...]) -> Document:
    classifier = line_classifier(ctx)
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
