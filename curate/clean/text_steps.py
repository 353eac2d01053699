"""Steps that rewrite text inside paragraphs: encoding repair, glued pinyin, script
conversion, punctuation, spin, language.

The text functions live in their own modules and return `Change`s; the steps here apply
them paragraph by paragraph and record every change as an edit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from curate.clean import inline_spam, language, mojibake, pinyin, script, spin, unspin
from curate.document import Document
from curate.edits import Change, apply_changes
from curate.pipeline import Context, reject, step

# Why each family of text changes is made; the rule id says which change it was.
WHY = {
    "repair_mojibake": "UTF-8 text that was decoded with the wrong codec; re-decoding restores it",
    "strip_glued_pinyin": "a pinyin reading glued after the character it reads is page markup",
    "normalize_punctuation": "Chinese text uses full-width punctuation and curved quotes",
    "remove_inline_spam": "gambling and SEO phrases spliced into the text are not article text",
    "repair_spin": "a synonym-spun word replaced back by the only word it can stand for",
    "restore_spin": "a synonym-spun word restored to the word clean news most likely had there",
}
# Where a rule's change needs more said than its step's why.
WHY_BY_RULE = {
    mojibake.RULE_GBK_BYTES_LOST: "UTF-8 text that was decoded as GBK after some of its bytes were "
                                  "lost; re-decoding restores the rest, and the characters that "
                                  "lost a byte are cut, nothing guessed for them",
    mojibake.RULE_LOST: "bytes were lost before the text reached us (U+FFFD, 锟斤拷): no reading "
                        "can restore them",
}
METADATA_TEXT_FIELDS = ("title", "site", "author")


def apply_in_paragraphs(
    doc: Document, name: str, find: Callable[[str], list[Change]], *, metadata: bool = False
) -> Document:
    """Apply ``find``'s changes to every paragraph (and the text metadata), recording each."""
    for paragraph in doc.paragraphs:
        changes = find(paragraph.text)
        if changes:
            _record_changes(doc, name, changes, paragraph.lines[0])
            paragraph.text = apply_changes(paragraph.text, changes)
    if metadata:
        for field in METADATA_TEXT_FIELDS:
            value = doc.metadata.get(field)
            if isinstance(value, str) and (changes := find(value)):
                _record_changes(doc, name, changes, None)
                doc.metadata[field] = apply_changes(value, changes)
    return doc


def _record_changes(doc: Document, name: str, changes: list[Change], line: int | None) -> None:
    for change in changes:
        action = "replace" if change.new else "remove"
        doc.record(name, change.rule, action, change.old, line,
                   replacement=change.new or None,
                   why=WHY_BY_RULE.get(change.rule, WHY[name]))


@step("repair_mojibake")
def repair_mojibake(doc: Document, ctx: Context) -> Document:
    """Re-read mojibake, then cut what lost its bytes, unless most of the page did: such a
    page was stored mis-decoded and `drop_articleless_pages` drops it whole, saying so."""
    doc = apply_in_paragraphs(doc, "repair_mojibake", mojibake.find_mojibake)
    if mojibake.lost_share(doc.text) < mojibake.MOSTLY_LOST:
        doc = apply_in_paragraphs(doc, "repair_mojibake", mojibake.find_lost_text)
    return doc


@step("strip_glued_pinyin")
def strip_glued_pinyin(doc: Document, ctx: Context) -> Document:
    find = pinyin.glued_pinyin_finder([paragraph.text for paragraph in doc.paragraphs])
    return apply_in_paragraphs(doc, "strip_glued_pinyin", find)


# How many of a document's conversions (國→国 ×3) its edit names, the commonest first.
SHOWN_CONVERSIONS = 8


@step("convert_to_simplified")
def convert_to_simplified(doc: Document, ctx: Context) -> Document:
    """OpenCC over body and metadata, with the configuration the text's variant calls for.

    One edit per document names the configuration and counts the characters changed.
    """
    config = script.choose_opencc_config(doc.text, ctx.rules)
    texts = [paragraph.text for paragraph in doc.paragraphs]
    traditional = script.is_traditional_document(texts, config, ctx.rules)
    converted = script.convert_paragraphs(texts, config, ctx.rules, traditional)
    pairs = [(old, new) for old, new in zip(texts, converted, strict=True) if new != old]
    if all(len(old) == len(new) for old, new in pairs):  # t2s keeps lengths: count at once
        pairs = [("".join(old for old, _ in pairs), "".join(new for _, new in pairs))]
    changed = Counter()
    for old, new in pairs:
        changed.update(_changed_characters(old, new))
    for paragraph, text in zip(doc.paragraphs, converted, strict=True):
        paragraph.text = text
    for field in METADATA_TEXT_FIELDS:
        value = doc.metadata.get(field)
        if isinstance(value, str):
            doc.metadata[field] = script.convert_to_simplified(value, config, ctx.rules,
                                                               traditional)
    if changed:
        shown = ", ".join(f"{pair} ×{count}" if count > 1 else pair
                          for pair, count in changed.most_common(SHOWN_CONVERSIONS))
        more = ", …" if len(changed) > SHOWN_CONVERSIONS else ""
        doc.record("convert_to_simplified", f"opencc-{config}", "replace",
                   f"{changed.total()} characters", None,
                   why=f"traditional characters are converted to simplified with OpenCC: "
                       f"{shown}{more}")
    return doc


def _changed_characters(before: str, after: str) -> Counter:
    """``old→new`` of each position, up to the shorter text's length, where ``after`` has
    another character than ``before``.

    >>> _changed_characters("國產國", "国产国")
    Counter({'國→国': 2, '產→产': 1})
    """
    length = min(len(before), len(after))
    old, new = (np.frombuffer(text[:length].encode("utf-32-le", "surrogatepass"), np.uint32)
                for text in (before, after))
    return Counter(f"{before[i]}→{after[i]}" for i in np.flatnonzero(old != new).tolist())


@step("remove_inline_spam")
def remove_inline_spam(doc: Document, ctx: Context) -> Document | None:
    """Drop a document that is mostly spam; else cut gambling phrases spliced into its text.

    Runs on simplified text: the spam lexicons are written in simplified characters.
    """
    spam = ctx.resource("inline_spam", lambda: inline_spam.inline_spam_rules(ctx.rules))
    text = doc.text
    injected = inline_spam.find_injected_spam(text, ctx.rules)
    share = inline_spam.share_of_spam(text, injected, ctx.rules)
    if share >= spam.drop_at:
        reject(doc, "remove_inline_spam", "mostly-spam",
               f"{share:.0%} of the text is spam phrases and spam keywords")
        return None
    if not injected and spam.paragraph_local:  # no phrase in the text: none in a paragraph
        return doc
    return apply_in_paragraphs(
        doc, "remove_inline_spam", lambda text: inline_spam.find_injected_spam(text, ctx.rules)
    )


@step("normalize_punctuation")
def normalize_punctuation(doc: Document, ctx: Context) -> Document:
    options = dict(ctx.config.get("punctuation", {}))
    # Whether the article's commas were flattened to ASCII is judged on the whole text.
    options.setdefault("flattened", script.is_punctuation_flattened(doc.text))
    # Brackets and quotes first, so a colon after a bracket just made full-width is seen as
    # following Chinese punctuation: 央视网消息(新闻联播):4月 -> 央视网消息（新闻联播）：4月
    marks = {**options, "clause_marks": False}
    clauses = {**options, "parentheses": False, "corner_quotes": False}
    for pass_options in (marks, clauses):
        apply_in_paragraphs(
            doc, "normalize_punctuation",
            lambda text, o=pass_options: script.find_punctuation_fixes(text, **o), metadata=True,
        )
    return doc


@step("detect_spin")
def detect_spin(doc: Document, ctx: Context) -> Document:
    """Score synonym-spun (伪原创) text and flag it when the score passes the threshold."""
    lexicon = ctx.resource("spin_lexicon", lambda: spin.SpinLexicon.from_rules(ctx.rules))
    threshold = ctx.resource("spin_threshold", lambda: spin.SpinThreshold.from_rules(ctx.rules))
    result = spin.spin_score(doc.text, lexicon)
    doc.metadata["spin_score"] = round(result.score, 3)
    if spin.is_spun(result, threshold):
        doc.flag("spun")
        doc.record("detect_spin", "spin-density", "flag", "", None,
                   why=f"synonym-spun text: weighted spin-word density {result.score:.2f} "
                       f"per 1,000 Han characters")
    return doc


@step("repair_spin")
def repair_spin(doc: Document, ctx: Context) -> Document:
    """In spun text, replace substitutions that can only stand for one word (开创人 → 创始人)."""
    if "spun" not in doc.metadata.get("flags", []):
        return doc
    repairs = ctx.resource("spin_repairs", lambda: spin.SpinRepairs.from_rules(ctx.rules))
    return apply_in_paragraphs(
        doc, "repair_spin", lambda text: spin.find_spin_repairs(text, repairs)
    )


@step("restore_spin")
def restore_spin(doc: Document, ctx: Context) -> Document:
    """In spun text, restore the whole words a spinner most likely replaced, judged by
    clean-news statistics and the neighbouring characters (鞭策 → 推动, 扶植 → 建设), when
    the confidence reaches the threshold and the text around is spun; the other candidates
    stay as they are, listed in one ``spin-candidates`` flag edit.

    With ``[spin] restore = false`` (the default is ``unspin.RESTORE_BY_DEFAULT``) every
    candidate is only listed."""
    if "spun" not in doc.metadata.get("flags", []):
        return doc
    restorer = ctx.resource("spin_restorer", lambda: unspin.SpinRestorer.from_rules(ctx.rules))
    repairs = ctx.resource("spin_repairs", lambda: spin.SpinRepairs.from_rules(ctx.rules))
    segmenter = ctx.resource("word_segmenter", unspin.WordSegmenter.load)
    restore = bool(ctx.option("spin", "restore", unspin.RESTORE_BY_DEFAULT))
    listed: list[str] = []
    unsure = 0
    for paragraph in doc.paragraphs:
        found = unspin.find_spin_restorations(paragraph.text, restorer, segmenter, repairs)
        changes = []
        for restoration in found:
            change = restoration.change
            if restore and restoration.restored:
                changes.append(change)
                doc.record("restore_spin", unspin.RULE, "replace", change.old,
                           paragraph.lines[0], replacement=change.new, why=WHY["restore_spin"],
                           confidence=restoration.confidence,
                           alternatives=restoration.alternatives)
            else:
                listed.append(unspin.format_candidate(paragraph.lines[0], restoration))
                unsure += restoration.confidence < unspin.RESTORE_AT
        if changes:
            paragraph.text = apply_changes(paragraph.text, changes)
    if listed:
        # One edit lists every candidate left as it is, one a line: a spun article has
        # hundreds, and an edit each would outweigh its text in the edits log.
        doc.record("restore_spin", unspin.CANDIDATE_RULE, "flag", "\n".join(listed),
                   doc.paragraphs[0].lines[0], why=_candidates_why(len(listed), unsure, restore))
    return doc


def _candidates_why(listed: int, unsure: int, restore: bool) -> str:
    """``1230 likely synonym-spun words left as they are: 1195 under confidence 0.98, 35 where
    the text around is not spun enough``: one a line, ``LINE FORM ORIGINAL:P ... keep:P``."""
    head = f"{listed} likely synonym-spun words left as they are"
    tail = "one a line: source line, word, then each reading with its probability"
    if not restore:
        return f"{head}, spin restoration is switched off; {tail}"
    return (f"{head}: {unsure} under confidence {unspin.RESTORE_AT}, {listed - unsure} where "
            f"the text around is not spun enough ({unspin.MIN_TELLTALES} other telltale forms "
            f"within {unspin.TELLTALE_REACH} characters, and within {unspin.DENSITY_REACH} "
            f"{unspin.SPUN_DENSITY:g} different ones per 1,000 making {unspin.SWAP_SHARE:g} of "
            f"them and their originals needed); {tail}")


@step("identify_language")
def identify_language(doc: Document, ctx: Context) -> Document:
    guess = language.identify_language(doc.text)
    doc.metadata["lang"] = guess.lang
    return doc
