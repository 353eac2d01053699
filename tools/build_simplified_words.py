"""Rebuild rules/simplified_words.txt from jieba's dictionary.

    pip install jieba && python tools/build_simplified_words.py

OpenCC's t2s folds a few characters of the 2013 standard into another one wherever it
meets them (於 -> 于, 乾 -> 干, 昇 -> 升), written in simplified text too. Whether a 於 of
a simplified text is the traditional 于 left behind (位於) or a name (王於昌) shows in its
neighbours: the folded form makes a word with one of them (位于) or it does not (于昌).
This writes the two-character words of jieba's dictionary (MIT licence) that hold one of
the folded forms and are used at least `MIN_FREQUENCY` times there.
"""

from __future__ import annotations

import sys
from pathlib import Path

import opencc

ROOT = Path(__file__).resolve().parent.parent
STANDARD = ROOT / "rules" / "standard_characters.txt"
OUT = ROOT / "rules" / "simplified_words.txt"
MIN_FREQUENCY = 20
HEADER = """\
# Two-character words of simplified Chinese holding a character that OpenCC's t2s writes for
# a character of the 2013 standard (於 -> 于, 乾 -> 干, 昇 -> 升, 徵 -> 征): in a text with no
# other traditional character, such a character is converted only where its folded form
# makes one of these words with a neighbour (位於 -> 位于; 王丙乾 and 乾安县 stay).
# Source: the dictionary of jieba (https://github.com/fxsjy/jieba, MIT licence), words used
# at least {minimum} times there.
# Rebuild: pip install jieba && python tools/build_simplified_words.py
"""


def folded_forms() -> dict[str, str]:
    """Characters of the standard that t2s changes on their own, and what it writes."""
    t2s = opencc.OpenCC("t2s")
    standard = "".join(line for line in STANDARD.read_text(encoding="utf-8").splitlines()
                       if not line.startswith("#"))
    return {ch: t2s.convert(ch) for ch in standard if t2s.convert(ch) != ch}


def main() -> None:
    try:
        import jieba
    except ImportError:
        sys.exit("install jieba first: pip install jieba")
    targets = set(folded_forms().values())
    dictionary = Path(jieba.__file__).with_name("dict.txt")
    words = []
    for line in dictionary.read_text(encoding="utf-8").splitlines():
        word, frequency = line.split()[:2]
        if len(word) == 2 and int(frequency) >= MIN_FREQUENCY and set(word) & targets:
            words.append(word)
    OUT.write_text(HEADER.format(minimum=MIN_FREQUENCY) + "\n".join(sorted(set(words))) + "\n",
                   encoding="utf-8")
    print(f"{OUT.name}: {len(set(words))} words holding {''.join(sorted(targets))}")


if __name__ == "__main__":
    main()
