"""Drop the rows of a story's tags: labelled anywhere, bare as the last line under it.

A blog or a portal lists a story's tags under it, among its buttons and the author's box:

    …蔡奇、王毅等参加会见。
    观察 经济                 -> removed (tag-row)

The furniture steps take the buttons and the box; the tags, which share the story's words,
may stay behind as its last line. The row's shape (``rules/tag_rows.yaml``) and its place
under the body's last sentence say what it is. Runs after `drop_furniture_lines`, so the line
classifier still sees the tags among the lines it judges.
"""

from __future__ import annotations

from curate.clean.line_features import BODY_MIN_HAN
from curate.clean.lines import paragraph_han
from curate.document import Document
from curate.pipeline import Context, step

STEP = "drop_tag_rows"
RULE = "tag-row"
RULES_FILE = "tag_rows.yaml"


@step(STEP)
def drop_tag_rows(doc: Document, ctx: Context) -> Document:
    """Remove the page's labelled rows of tags anywhere (标签：经济 观察), and the bare rows of
    tags at the end of the text, when a paragraph of prose stands above."""
    bare, labelled = ctx.resource("tag_rows", lambda: (
        ctx.rules.yaml_pattern(RULES_FILE, "tag_row"),
        ctx.rules.yaml_pattern(RULES_FILE, "labelled_row")))
    paragraphs = doc.paragraphs
    if not any(paragraph_han(p.text) >= BODY_MIN_HAN for p in paragraphs):
        return doc
    end = len(paragraphs)
    while end > 1 and bare.fullmatch(paragraphs[end - 1].text):
        end -= 1
    kept = []
    for index, paragraph in enumerate(paragraphs):
        if index >= end:
            why = ("a row of two to six short words set off by spaces, the last line under "
                   "the body, is the page's tags for the story")
        elif labelled.fullmatch(paragraph.text.strip()):
            why = "a labelled row of the page's tags or keywords is its index of the story"
        else:
            kept.append(paragraph)
            continue
        doc.record(STEP, RULE, "remove", paragraph.text, paragraph.lines[0], why=why)
    doc.paragraphs = kept
    return doc
