"""Exact duplicates: the same text after normalisation is kept once."""

import hashlib

from curate.dedup.exact import normalized_text, text_fingerprint
from curate.pipeline import Context, Pipeline
from curate.rules import Rules
from tests.fixtures import SEEDS

ARTICLE = "在这个持续降温的10月，A股半导体板块久违地回暖了。国产替代的风潮悄然吹起。"


def test_normalisation_ignores_spacing_punctuation_width_and_line_breaks():
    assert normalized_text("英伟达，市值 破万亿!\n") == normalized_text("英伟达,市值破万亿！") == "英伟达市值破万亿"
    assert normalized_text("ＧＰＵ１００") == "GPU100"


def test_second_copy_is_rejected_with_the_id_of_the_first(clean):
    steps = ["drop_exact_duplicates"]
    first, second = clean(ARTICLE, steps)[0], clean(ARTICLE.replace("，", ","), steps)[0]
    pipeline = Pipeline(Context(Rules()), steps)
    kept, dropped = list(pipeline.run([first, second]))
    assert kept.rejected is None
    assert dropped.rejected.rule == "exact-duplicate"
    assert dropped.provenance.duplicate_of == kept.id


def test_document_left_with_too_little_text_is_dropped_with_the_reason(clean):
    (doc,) = clean("熱門資訊> 正文\n熱新聞\n", ["drop_breadcrumbs", "drop_boilerplate", "drop_empty"])
    assert doc.rejected.rule == "too-short"
    assert doc.rejected.why == "0 characters of text left, fewer than the minimum 10"


def test_the_fingerprint_hashes_the_normalised_text_whatever_the_characters():
    # NumPy over code points gives the text NFKC and the filter give, composing marks
    # (e + U+0301), Hangul jamo and a character folding to several (㍻) included.
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    texts += ["", ARTICLE, "ＧＰＵ１００，英伟达 市值!", "e\u0301t\u00e9", "\u1100\u1161가", "㍻元年"]
    for text in texts:
        expected = hashlib.sha256(normalized_text(text).encode("utf-8")).hexdigest()
        assert text_fingerprint(text) == expected
