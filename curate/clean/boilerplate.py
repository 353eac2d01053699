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
# Roles whose name is the article's writer.
_WRITER = regex.compile(
    r"(?:作者|撰文|^文)\s*[|丨｜:：/]\s*([^\s|丨｜:：/]+(?:[ \u3000][^\s|丨｜:：/]+)?)"
)


@step("drop_breadcrumbs")
def drop_breadcrumbs(doc: Document, ctx: Context) -> Document:
    return _drop_lines(doc, ctx, "drop_breadcrumbs", ("breadcrumb",))


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
    if found.kind == "source" and found.match and "site" not in doc.metadata:
        doc.metadata["site"] = found.match.group("site")
