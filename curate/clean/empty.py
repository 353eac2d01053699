"""Drop documents with too little text left to be worth keeping."""

from __future__ import annotations

from curate.document import Document
from curate.pipeline import Context, reject, step

# Fewer non-space characters than this is not an article (configurable: [filters] min_chars).
DEFAULT_MIN_CHARS = 10


@step("drop_empty")
def drop_empty(doc: Document, ctx: Context) -> Document | None:
    minimum = int(ctx.option("filters", "min_chars", DEFAULT_MIN_CHARS))
    # str.split() cuts at exactly the characters str.isspace() names.
    size = sum(map(len, doc.text.split()))
    if size < minimum:
        reject(doc, "drop_empty", "too-short",
               f"{size} characters of text left, fewer than the minimum {minimum}")
        return None
    return doc
