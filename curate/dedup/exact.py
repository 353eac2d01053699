"""Drop exact duplicates: documents whose normalised text was already kept in this run.

Normalisation is NFKC, then only letters and digits are kept, so copies that differ in
spacing, punctuation width or line breaks still count as the same text.
"""

from __future__ import annotations

import hashlib
import unicodedata

from curate.document import Document
from curate.pipeline import Context, reject, step

STEP = "drop_exact_duplicates"
# The resource holding fingerprints made already (by the worker that cleaned a document), by
# the text they were made of: the step takes one instead of fingerprinting the text again.
MADE = "exact_fingerprints_made"


def normalized_text(text: str) -> str:
    """``"英伟达，市值 破万亿!"`` and ``"英伟达,市值破万亿！"`` both give ``"英伟达市值破万亿"``."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(filter(str.isalnum, folded))  # str's own test, without a Python loop


def text_fingerprint(text: str) -> str:
    """sha256 of ``normalized_text(text)``, normalised over code points with NumPy (a tenth of
    the cost of NFKC over the whole text and a filter)."""
    from curate.dedup.minhash import normalized_code_points  # which imports this module

    folded = normalized_code_points(text).tobytes().decode("utf-32-le", "surrogatepass")
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


@step(STEP)
def drop_exact_duplicates(doc: Document, ctx: Context) -> Document | None:
    seen: dict[str, str] = ctx.resource("exact_fingerprints", dict)
    text = doc.text
    fingerprint = ctx.resource(MADE, dict).pop(text, None) or text_fingerprint(text)
    first = seen.get(fingerprint)
    if first is None:
        seen[fingerprint] = doc.id
        return doc
    doc.provenance.duplicate_of = doc.provenance.cluster = first
    doc.provenance.similarity = 1.0
    reject(doc, STEP, "exact-duplicate", f"same normalised text as document {first}")
    return None
