"""Find pinyin readings glued in parentheses after Chinese characters.

Some scraped sites annotate characters with their reading, which leaves the text full of
parenthesised syllables: ``補(bǔ)位英偉達(dá)!`` is ``補位英偉達!`` with two readings glued on.

A parenthesised word goes only when it is a reading of the character right before it, as
pypinyin knows that character (traditional characters included). Everything else stays:
``(BIS)``, ``(688256.SH)``, ``(house)``, ``(a)`` list markers, and any syllable after a
non-Han character (``貢r(shí)``). Tone marks and tone numbers (``bu3``, ``lv4``, ``lü4``) are
accepted. A toneless syllable (``烟(yan)台市(shi)``, as some sites write the readings) goes
when it is a reading of its character with the tone left out and the text holds at least
`TONELESS_MIN` such readings: one ``(shi)`` after 市 could be anything, a text of them is an
annotation. The text is the paragraph for `find_glued_pinyin`, the whole document for
`glued_pinyin_finder`: a page annotates a character here and there, one or two a paragraph
(``拥(yong)军`` in one, ``多次(ci)强调要(yao)坚持`` in the next).

A valid syllable that is not a reading of the character before it also stays. Sites are said
to annotate the neighbouring character of a word at times, but on the development set (6,684
annotations in 330 files, 88 of them inside mojibake) and the seeds (545) every glued
syllable is a reading of the very character before it; the only parenthesised lowercase
word that was not is English (``獨立屋(house)``), which the gold text keeps.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache
from importlib import import_module
from types import ModuleType

from curate.edits import Change

RULE = "glued-pinyin"
# Toneless readings glued in one paragraph before they count as annotation.
TONELESS_MIN = 3

# Han ideographs: extension A, the basic block, compatibility ideographs, extensions B and later.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"

# Candidates only: latin letters with tone marks (or combining marks), an optional tone number,
# in ASCII or full-width parentheses after a Han character. Whether it is pinyin is decided by
# `readings`. The pattern begins with the parenthesis and looks back past it to the character:
# the engine then skips to each parenthesis instead of trying every position of the text.
_GLUED_CANDIDATE = re.compile(
    rf"[(（](?<=([{HAN}])[(（])([a-zA-Z\u00c0-\u024f\u0300-\u036f\u1e00-\u1eff]{{1,7}}[0-5]?)[)）]"
)


@cache
def _pypinyin() -> ModuleType:
    """pypinyin, imported when a text first holds a candidate: its dictionaries take ~0.5
    CPU-s to load, and most texts never need them."""
    return import_module("pypinyin")


@cache
def readings(char: str) -> frozenset[str]:
    """Every way a reading of ``char`` may be written: tone marks, tone numbers, ``v`` or ``ü``.

    >>> sorted(readings("綠"))
    ['lv4', 'lü4', 'lǜ']
    >>> "men" in readings("們") and "men5" in readings("們")
    True
    """
    pinyin, style = _pypinyin().pinyin, _pypinyin().Style
    forms = [
        pinyin(char, style=style.TONE, heteronym=True)[0],
        pinyin(char, style=style.TONE3, heteronym=True)[0],
        pinyin(char, style=style.TONE3, heteronym=True, v_to_u=True)[0],
        pinyin(char, style=style.TONE3, heteronym=True, neutral_tone_with_five=True)[0],
    ]
    return frozenset(form for group in forms for form in group if form != char)


def is_reading_of(syllable: str, char: str) -> bool:
    """Whether ``syllable`` (as written in the text) is a reading of ``char``.

    >>> is_reading_of("bǔ", "補"), is_reading_of("bu3", "補"), is_reading_of("dá", "補")
    (True, True, False)
    """
    return unicodedata.normalize("NFC", syllable) in readings(char)


@cache
def _toneless(char: str) -> frozenset[str]:
    """The readings of ``char`` without their tone: ``烟`` gives ``yan``, ``绿`` ``lv``, ``lu``."""
    pinyin, style = _pypinyin().pinyin, _pypinyin().Style
    forms = pinyin(char, style=style.NORMAL, heteronym=True)[0]
    forms += pinyin(char, style=style.NORMAL, heteronym=True, v_to_u=True)[0]
    return frozenset(form for form in forms if form != char)


def find_glued_pinyin(text: str) -> list[Change]:
    """Changes removing each ``(syllable)`` that is a reading of the character before it.

    >>> from curate.edits import apply_changes
    >>> text = "補(bǔ)位英偉達(dá)!國產(chǎn)AI芯片,工業和安全局(BIS)"
    >>> apply_changes(text, find_glued_pinyin(text))
    '補位英偉達!國產AI芯片,工業和安全局(BIS)'
    >>> text = "7日，由烟(yan)台市(shi)教育装备(bei)与技术研究中心主办"
    >>> apply_changes(text, find_glued_pinyin(text))
    '7日，由烟台市教育装备与技术研究中心主办'
    """
    changes, toneless = _readings_in(text)
    return _chosen(changes, toneless, len(toneless) >= TONELESS_MIN)


def glued_pinyin_finder(texts: list[str]) -> Callable[[str], list[Change]]:
    """`find_glued_pinyin` for the paragraphs of one document, whose toneless readings are
    counted over all of them: ``texts`` holding `TONELESS_MIN` together are annotated.

    >>> find = glued_pinyin_finder(["各地要建立拥(yong)军观念。", "中方多次(ci)强调要(yao)坚持。"])
    >>> [change.old for change in find("各地要建立拥(yong)军观念。")]
    ['(yong)']
    """
    found = {text: _readings_in(text) for text in texts}
    annotated = sum(len(toneless) for _, toneless in found.values()) >= TONELESS_MIN

    def find(text: str) -> list[Change]:
        changes, toneless = found[text] if text in found else _readings_in(text)
        return _chosen(changes, toneless, annotated or len(toneless) >= TONELESS_MIN)

    return find


def _readings_in(text: str) -> tuple[list[Change], list[Change]]:
    """The glued readings of ``text`` with their tone, and those without; a text without a
    parenthesis, where every candidate begins, is not searched (most paragraphs: finding a
    character is a tenth of the pattern's scan)."""
    changes: list[Change] = []
    toneless: list[Change] = []
    if "(" not in text and "（" not in text:
        return changes, toneless
    for match in _GLUED_CANDIDATE.finditer(text):
        syllable, char = match.group(2), match.group(1)
        change = Change(match.start(), match.end(), "", RULE, match.group())
        if is_reading_of(syllable, char):
            changes.append(change)
        elif syllable.isascii() and syllable.isalpha() and syllable in _toneless(char):
            toneless.append(change)
    return changes, toneless


def _chosen(changes: list[Change], toneless: list[Change], annotated: bool) -> list[Change]:
    if not annotated or not toneless:
        return changes
    return sorted(changes + toneless, key=lambda change: change.start)
