"""The line classifier answers once per paragraph and kind, as its patterns do one by one."""

from __future__ import annotations

from curate.clean.lines import LINE_KINDS, LineClassifier
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
