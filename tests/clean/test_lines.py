"""The line classifier answers once per paragraph and kind, as its patterns do one by one."""

from __future__ import annotations

import dataclasses

from curate.clean.lines import LINE_KINDS, LineClassifier
from curate.literal_screen import ascii_lowered, pattern_needs
from curate.rules import RulePattern
from tests.fixtures import SEEDS


def seed_lines() -> list[str]:
    return [line.strip() for path in sorted(SEEDS.glob("*.txt"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def first_pattern(classifier: LineClassifier, kind: str, text: str) -> str | None:
    """The rule of ``kind`` that names ``text``, trying every pattern alone in file order."""
    return next((p.id for p in classifier.patterns[kind] if p.regex.search(text)), None)


def test_every_kind_screened_together_names_the_rule_its_patterns_name_one_by_one(rules):
    classifier = LineClassifier(rules)
    matched = 0
    for text in seed_lines():
        for kind in LINE_KINDS:
            found = classifier.match(text, (kind,))
            assert (found.pattern.id if found else None) == first_pattern(classifier, kind, text)
            matched += found is not None
    assert matched >= 10  # the seeds hold credits, sources, disclaimers and teasers


def test_a_line_asked_about_one_kind_then_all_is_named_by_the_kind_that_matches(rules):
    classifier = LineClassifier(rules)
    assert classifier.match("编辑丨康晓", ("teaser",)) is None
    assert classifier.match("编辑丨康晓").pattern.id == "credit-line"
    assert classifier.match("编辑丨康晓", ("teaser", "credit")).kind == "credit"
    assert not classifier.is_body("编辑丨康晓")


class TriedOn:
    """A rule pattern that records the texts it is searched in."""

    def __init__(self, pattern: RulePattern, tried: list[tuple[str, str]], rule: str) -> None:
        self.compiled, self.tried, self.rule = pattern, tried, rule
        self.pattern = pattern.pattern

    def search(self, text: str):
        self.tried.append((self.rule, text))
        return self.compiled.search(text)


def test_a_pattern_is_tried_only_on_the_lines_of_a_page_that_hold_its_words(rules):
    # The end of seed 004's second article: its source and credit lines under the prose.
    page = [line.strip() for line in
            (SEEDS / "004_ff3c2cd626ef0b70.txt").read_text(encoding="utf-8").splitlines()[139:149]]
    assert page[-2:] == ["本文源自:金融界", "作者:青枫"]
    classifier = LineClassifier(rules)
    tried: list[tuple[str, str]] = []
    for kind in LINE_KINDS:
        classifier.patterns[kind] = [
            dataclasses.replace(p, regex=TriedOn(p.regex, tried, p.id))
            for p in classifier.patterns[kind]]
    classifier.screen_page(page)
    found = [classifier.match(text) for text in page]
    assert [(f.kind, f.pattern.id) if f else None for f in found] == [None] * 8 + [
        ("source", "source-line"), ("credit", "credit-line")]
    assert found[-2].match[0] == "本文源自:金融界" and found[-2].match["site"] == "金融界"
    every = {p.id: p.regex.pattern for kind in LINE_KINDS for p in classifier.patterns[kind]}
    for rule, text in tried:  # each group of the pattern's words has a word in the line
        assert all(any(word in ascii_lowered(text) for word in group)
                   for group in pattern_needs(every[rule], 0).words), (rule, text)
    assert ("source-line", "本文源自:金融界") in tried
    # A sentence in which no pattern finds every word it needs: none is tried on it.
    assert page[4].startswith("国家集成电路封测工业链") and all(text != page[4] for _, text in tried)
