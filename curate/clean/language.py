"""Language identification: the script decides first, langdetect only where it cannot.

Counting code points is cheap (NumPy, a few microseconds a document) and sure for the
languages that matter here: Han with no kana or Hangul to speak of is Chinese, whatever
langdetect says (it labels most traditional Chinese ``ko``: 280 of 506 Taiwan Wikipedia
paragraphs, and seed 003). Only text that is mostly Latin or another alphabet goes to
langdetect, on a prefix, with a fixed seed so that the answer does not change between runs.

    >>> identify_language("英偉達為規避制裁曾兩度「自降」芯片性能")
    LanguageGuess(lang='zh', method='script', confidence=1.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Han, kana and Hangul together must be at least this share of the letters for the script to
# decide. Chinese articles about English (word lists, Latin-heavy tech pages) go down to 0.21
# in shared/data/thucnews-cnews-1000.jsonl; an English page with a few Chinese labels is 0.11.
MIN_CJK_SHARE = 0.15
# Kana (or Hangul) must be at least this share of the CJK characters to make the text
# Japanese (or Korean). Chinese news carry a stray の or a Korean name: at most 0.044 kana
# and 0.016 Hangul in shared/data; running Japanese prose is over a quarter kana.
MIN_KANA_SHARE = 0.1
MIN_HANGUL_SHARE = 0.1
# langdetect reads this many characters; more costs time and does not change the answer.
LANGDETECT_PREFIX = 500
UNDETERMINED = "und"
_LANGDETECT_CODES = {"zh-cn": "zh", "zh-tw": "zh"}

# Inclusive code point ranges of each script, by the ScriptCounts field they count in.
_SCRIPT_RANGES = {
    "han": ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F)),
    # Kana without U+30FB and U+30FC (・ ー), which Chinese text uses too.
    "kana": ((0x3041, 0x309F), (0x30A0, 0x30FA), (0x30FD, 0x30FF), (0x31F0, 0x31FF)),
    "hangul": ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF)),
    # Letters of the alphabets: Latin, Greek, Cyrillic and the scripts up to Georgian.
    "alphabet": ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x370, 0x10FF)),
}
_SCRIPTS = tuple(_SCRIPT_RANGES)
_BMP = 0x10000


def _bmp_script_table() -> np.ndarray:
    """Script number (1 + index in ``_SCRIPTS``, 0 for none) of every Basic Multilingual Plane
    code point; points beyond it are looked up as U+FFFF, which is none."""
    table = np.zeros(_BMP, dtype=np.uint8)
    for number, script in enumerate(_SCRIPTS, start=1):
        for low, high in _SCRIPT_RANGES[script]:
            table[low : min(high, _BMP - 1) + 1] = number
    return table


_BMP_SCRIPT = _bmp_script_table()
# Han beyond the BMP (extensions B to G), counted apart from the table.
_ASTRAL_HAN = (0x20000, 0x3134F)


@dataclass(frozen=True)
class LanguageGuess:
    """An ISO 639-1 code (``und`` when there are no letters), how it was found, how sure."""

    lang: str
    method: str
    confidence: float


@dataclass(frozen=True)
class ScriptCounts:
    """How many characters of each script a text holds."""

    han: int
    kana: int
    hangul: int
    alphabet: int

    @property
    def cjk(self) -> int:
        return self.han + self.kana + self.hangul

    @property
    def letters(self) -> int:
        return self.cjk + self.alphabet


def count_scripts(text: str) -> ScriptCounts:
    """Count Han, kana, Hangul and alphabet letters over the code points of ``text``.

    >>> count_scripts("黃仁勛在Computex 2025期間表示")
    ScriptCounts(han=8, kana=0, hangul=0, alphabet=8)
    """
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    per_script = np.bincount(_BMP_SCRIPT.take(np.minimum(points, _BMP - 1)),
                             minlength=1 + len(_SCRIPTS))
    counts = dict(zip(_SCRIPTS, (int(n) for n in per_script[1:]), strict=True))
    low, high = _ASTRAL_HAN
    counts["han"] += int(np.count_nonzero((points >= low) & (points <= high)))
    return ScriptCounts(**counts)


def identify_language(text: str) -> LanguageGuess:
    """The language of ``text``: by script for Chinese, Japanese and Korean, else langdetect.

    >>> identify_language("東京都は新たに感染者を確認したと発表しました。")
    LanguageGuess(lang='ja', method='script', confidence=1.0)
    >>> identify_language("").lang
    'und'
    """
    counts = count_scripts(text)
    if counts.letters == 0:
        return LanguageGuess(UNDETERMINED, "script", 0.0)
    if counts.cjk >= MIN_CJK_SHARE * counts.letters:
        return guess_from_script(counts)
    return guess_with_langdetect(text)


def guess_from_script(counts: ScriptCounts) -> LanguageGuess:
    """Korean if Hangul, Japanese if kana is a real share of the CJK text; Chinese otherwise.

    Confidence is the share of the letters written in the scripts of the language found.

    >>> guess_from_script(ScriptCounts(han=1200, kana=3, hangul=0, alphabet=297))
    LanguageGuess(lang='zh', method='script', confidence=0.8)
    """
    if counts.hangul >= MIN_HANGUL_SHARE * counts.cjk and counts.hangul >= counts.kana:
        lang, written = "ko", counts.hangul + counts.han
    elif counts.kana >= MIN_KANA_SHARE * counts.cjk:
        lang, written = "ja", counts.kana + counts.han
    else:
        lang, written = "zh", counts.han
    return LanguageGuess(lang, "script", round(written / counts.letters, 4))


def guess_with_langdetect(text: str) -> LanguageGuess:
    """langdetect's most probable language for the first characters of ``text``.

    >>> guess_with_langdetect("Nvidia said it would resume sales of its H20 chip to China.")
    LanguageGuess(lang='en', method='langdetect', confidence=1.0)
    """
    # Imported when a text first needs it: the script decides most texts.
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    # langdetect samples at random; a fixed seed makes it answer the same every run.
    DetectorFactory.seed = 0
    try:
        best = detect_langs(text[:LANGDETECT_PREFIX])[0]
    except LangDetectException:
        return LanguageGuess(UNDETERMINED, "langdetect", 0.0)
    lang = _LANGDETECT_CODES.get(best.lang, best.lang)
    return LanguageGuess(lang, "langdetect", round(best.prob, 4))
