"""A pattern is skipped only where it cannot match: the words and length it needs."""

from __future__ import annotations

import json
import string

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.clean.inline_spam import inline_spam_rules
from curate.clean.lines import LINE_KINDS
from curate.literal_screen import _ASCII_FOLDING, WordScreen, pattern_needs
from tests.fixtures import SEEDS


def rule_patterns(rules) -> list[tuple[str, int]]:
    """Every line pattern and inline-spam shape of the repository's rules, with its flags."""
    found = [(p.regex.pattern, regex.V1) for name in LINE_KINDS.values()
             for p in rules.patterns(name)]
    return found + [(s.regex.pattern, regex.IGNORECASE) for s in inline_spam_rules(rules).shapes]


def never_skips_a_match(patterns: list[tuple[str, int]], texts: list[str]) -> int:
    """How many matches ``texts`` hold; fails on a text screened out that a pattern matches."""
    matches = 0
    for pattern, flags in patterns:
        compiled = regex.compile(pattern, flags)
        screen = WordScreen([pattern], flags)
        for text in texts:
            if compiled.search(text):
                matches += 1
                assert screen.may_match(text) == (True,), (pattern, text)
    return matches


def test_a_licence_line_pattern_needs_its_words_and_at_most_165_characters(rules):
    pattern = next(p.regex.pattern for p in rules.patterns("disclaimers.yaml")
                   if p.id == "icp-licence")
    needs = pattern_needs(pattern, regex.V1)
    assert [sorted(group) for group in needs.words] == [
        ["icp備", "icp备", "icp證", "icp证", "公網安備", "公网安备"]]
    assert needs.max_chars == 165
    screen = WordScreen([pattern], regex.V1)
    assert screen.may_match("京ICP备05070218号") == (True,)
    assert screen.may_match("在这个持续降温的10月，A股半导体板块久违地回暖了。") == (False,)
    assert screen.may_match("京ICP备05070218号" + "，" * 160) == (False,)  # past its length


def test_a_gambling_shape_needs_a_brand_and_a_site_word(rules):
    shape = inline_spam_rules(rules).shapes[0]
    brand, site = pattern_needs(shape.regex.pattern, regex.IGNORECASE).words
    assert {"威尼斯人", "bet365"} <= brand and {"官网", "网址", "app"} <= site
    screen = WordScreen([shape.regex.pattern], regex.IGNORECASE)
    assert screen.may_match("3月11日上午，王者威尼斯人现金网网址：某县一家工厂发生事故") == (True,)
    assert screen.may_match("BET365官网") == (True,)  # the shape ignores case
    assert screen.may_match("国际足联官网显示，体育彩票中心下载量上升") == (False,)


def test_syntax_it_does_not_follow_says_nothing():
    for pattern, flags in [(r"(\d)\1年", 0), (r"官网 # a comment", regex.VERBOSE),
                           (r"[[a-z]--[aeiou]]官网", regex.V1), (r"(?m)^官网$", 0),
                           (r"\x41官网", 0)]:
        needs = pattern_needs(pattern, flags)
        assert (needs.words, needs.max_chars) == ((), None)
        assert WordScreen([pattern], flags).may_match("") == (True,)


def test_a_pattern_that_ignores_case_is_tried_where_a_kelvin_sign_reads_as_k():
    assert regex.search("kg", "5\u212ag", regex.IGNORECASE)
    assert WordScreen(["kg"], regex.IGNORECASE).may_match("5\u212ag") == (True,)
    assert WordScreen(["kg"]).may_match("5\u212ag") == (False,)


def test_the_folding_characters_are_all_that_case_maps_to_an_ascii_letter():
    folding = {chr(point) for point in range(0x80, 0x110000)
               if any(letter in string.ascii_letters for form in
                      (str.lower, str.upper, str.title, str.casefold)
                      for letter in form(chr(point)))}
    assert folding == {chr(point) for point in range(0x80, 0x110000)
                       if _ASCII_FOLDING.fullmatch(chr(point))}


def test_no_rule_pattern_is_skipped_on_a_seed_line_it_matches(rules):
    lines = [line.strip() for path in sorted(SEEDS.glob("*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert never_skips_a_match(rule_patterns(rules), lines) >= 20


def test_no_rule_pattern_is_skipped_on_real_pages_it_matches(rules, shared_data):
    texts = [json.loads(line)["text"] for name in ("chinesewebtext-cc-raw.jsonl",
                                                    "sogoucs-smarty.jsonl")
             for line in (shared_data / name).read_text(encoding="utf-8").splitlines()]
    lines = sorted({line.strip() for text in texts for line in text.split("\n") if line.strip()})
    assert never_skips_a_match(rule_patterns(rules), lines + texts) >= 100


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_no_rule_pattern_is_skipped_on_text_made_of_its_own_pieces(rules, data):
    pattern, flags = data.draw(st.sampled_from(rule_patterns(rules)))
    pieces = [word for group in pattern_needs(pattern, flags).words for word in group]
    others = ["：", " ", "|", "1", "2024-05-01", "Ｋ", "K", "\u212a", "ſ", "。", "...", "("]
    text = "".join(data.draw(st.lists(st.sampled_from(
        pieces + others + list("官网编辑来源记者网址页更多")), min_size=1, max_size=12)))
    never_skips_a_match([(pattern, flags)], [text, text.upper(), f"【{text}】"])
