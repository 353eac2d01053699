"""The spam header's lexicon is found as the alternation of its words, longest first and
ignoring case, finds it: the same words, as the text writes them, on the seeds' lines and
on lines made of the lexicon's own words."""

from __future__ import annotations

import random

import regex

from curate.clean.spam import LexiconWords, SpamHeaderRule
from tests.fixtures import SEEDS


def alternation(lexicon: tuple[str, ...]) -> regex.Pattern:
    return regex.compile("|".join(regex.escape(w) for w in lexicon), regex.IGNORECASE)


def test_lexicon_words_are_those_the_alternation_finds(rules):
    lexicon = SpamHeaderRule.from_rules(rules).lexicon
    words, pattern = LexiconWords(lexicon), alternation(lexicon)
    assert words.matcher is not None  # the shipped lexicon is found without the alternation
    lines = [line for seed in sorted(SEEDS.glob("*.txt"))
             for line in seed.read_text(encoding="utf-8").splitlines()]
    chosen = random.Random(7)
    for _ in range(3000):
        picked = chosen.sample(lexicon, chosen.randint(1, 6))
        # Cut words, capitals and neighbours glued on: overlaps and prefixes of longer words.
        pieces = [word[: chosen.randint(1, len(word))] if chosen.random() < 0.3 else word
                  for word in picked]
        line = chosen.choice(["_", "|", "", " ", "，"]).join(pieces)
        lines.append(line.upper() if chosen.random() < 0.3 else line)
    for line in lines:
        assert words.findall(line) == pattern.findall(line), line


def test_a_text_case_folding_takes_for_ascii_is_read_by_the_alternation():
    lexicon = ("sexinsex", "国产")
    words = LexiconWords(lexicon)
    line = "ſexinſex_国产_SEXINSEX"  # ſ (long s) is an s to a pattern ignoring case
    assert words.findall(line) == alternation(lexicon).findall(line)
    assert len(words.findall(line)) == 3


def test_a_lexicon_with_cased_letters_beyond_ascii_is_found_by_the_alternation():
    lexicon = ("ΣΙΓΜΑ", "国产")
    words = LexiconWords(lexicon)
    assert words.matcher is None
    assert words.findall("σιγμα国产") == ["σιγμα", "国产"]
