"""Split a file that holds several articles at the source lines that close each one.

Seed 004 is three articles in one file; the first two end with ``本文源自：创业邦`` and
``本文源自：金融界``. Each becomes its own document (``provenance.part`` 0, 1, 2). A source
line followed only by teasers and navigation closes the last article and splits nothing.
"""

from __future__ import annotations

from curate.clean.lines import line_classifier
from curate.document import Document, Paragraph
from curate.pipeline import Context, step

STEP = "split_articles"
# Only the "this article comes from" form closes an article; a bare 来源： may open one.
SPLIT_RULES = {"source-line"}


@step(STEP)
def split_articles(doc: Document, ctx: Context) -> Document | list[Document]:
    classifier = line_classifier(ctx)
    groups: list[list[Paragraph]] = [[]]
    for index, paragraph in enumerate(doc.paragraphs):
        groups[-1].append(paragraph)
        found = classifier.match(paragraph.text, ("source",))
        if found is None or found.pattern.id not in SPLIT_RULES:
            continue
        rest = doc.paragraphs[index + 1 :]
        following = _until_next_marker(rest, classifier)
        if any(classifier.is_body(p.text) for p in following):
            groups.append([])
    if len(groups) == 1:
        return doc
    return doc.split(groups)


def _until_next_marker(paragraphs: list[Paragraph], classifier) -> list[Paragraph]:
    segment = []
    for paragraph in paragraphs:
        found = classifier.match(paragraph.text, ("source",))
        if found is not None and found.pattern.id in SPLIT_RULES:
            break
        segment.append(paragraph)
    return segment
