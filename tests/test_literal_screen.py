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
from curate.rules import RulePattern
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



def seed_lines() -> list[str]:
    """The non-empty lines of the seeds, stripped."""
    return [line.strip() for path in sorted(SEEDS.glob("*.txt"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def real_texts(shared_data) -> list[str]:
    """The texts of the real CommonCrawl pages and SogouCS stories."""
    return [json.loads(line)["text"] for name in ("chinesewebtext-cc-raw.jsonl",
                                                  "sogoucs-smarty.jsonl")
            for line in (shared_data / name).read_text(encoding="utf-8").splitlines()]


def text_lines(texts: list[str]) -> list[str]:
    """The distinct non-empty lines of ``texts``, stripped and sorted."""
    return sorted({line.strip() for text in texts for line in text.split("\n") if line.strip()})

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


def source_line(rules) -> str:
    """The pattern of ``rules/source_lines.yaml`` that names ``本文源自:创业邦``."""
    return next(p.regex.pattern for p in rules.patterns("source_lines.yaml")
                if p.regex.search("本文源自:创业邦"))


def test_a_word_straddling_two_lines_of_a_page_is_found_in_neither(rules):
    # Seed 004's source line, and the same words cut over two lines of one page.
    screen = WordScreen([source_line(rules)], regex.V1)
    page = ["关于此刻处在风口浪尖的国产GPU厂商而言,怎么活下去,好像比", "本文源",
            "自:创业邦", "本文源自:创业邦", "本文", "源自:金融界"]
    assert screen.may_match_lines(page) == [(False,), (False,), (False,), (True,),
                                            (False,), (False,)]
    assert screen.may_match_lines(page) == [screen.may_match(text) for text in page]


def test_the_words_of_a_page_are_those_of_each_line_alone(rules, shared_data):
    """One pass over a page finds in each line the words a pass over the line alone finds:
    on the real pages, cut into their lines, and on those lines upper-cased."""
    for pattern_flags in (regex.V1, regex.IGNORECASE):
        patterns = [p for p, flags in rule_patterns(rules) if flags == pattern_flags]
        screen = WordScreen(patterns, pattern_flags)
        for text in real_texts(shared_data)[:200]:
            for lines in (text.split("\n"), text.upper().split("\n")):
                assert screen.may_match_lines(lines) == [screen.may_match(t) for t in lines]


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
    lines = seed_lines()
    assert never_skips_a_match(rule_patterns(rules), lines) >= 20


def test_no_rule_pattern_is_skipped_on_real_pages_it_matches(rules, shared_data):
    texts = real_texts(shared_data)
    lines = text_lines(texts)
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


# The patterns rule files hold under a key (compiled by Rules.yaml_pattern), by file.
KEYED_PATTERNS = {
    "header.yaml": ("date_line", "url_line", "byline_field", "byline_date", "byline_mark",
                    "front_matter_line"),
    "edge_runs.yaml": ("sentence_marks", "text_line", "mark_line"),
    "spam_header.yaml": ("separators", "soft_separators"),
}


def guarded_patterns(rules) -> list[RulePattern]:
    """Every rule pattern as the steps run it: a RulePattern, which screens texts first."""
    keyed = [rules.yaml_pattern(name, key) for name, keys in KEYED_PATTERNS.items()
             for key in keys]
    return keyed + [p.regex for name in LINE_KINDS.values() for p in rules.patterns(name)]


def never_screens_out_a_match(patterns: list[RulePattern], texts: list[str]) -> int:
    """How many matches ``texts`` hold; fails where a screened call answers otherwise than
    the pattern itself (search, match, fullmatch, findall)."""
    matches = 0
    for pattern in patterns:
        for text in texts:
            found = pattern.compiled.search(text)
            matches += found is not None
            assert (pattern.search(text) is None) == (found is None), (pattern, text)
            assert (pattern.match(text) is None) == (pattern.compiled.match(text) is None)
            assert (pattern.fullmatch(text) is None) == (
                pattern.compiled.fullmatch(text) is None), (pattern, text)
            assert pattern.findall(text) == pattern.compiled.findall(text), (pattern, text)
    return matches


def test_a_header_line_pattern_is_not_run_on_a_line_without_the_marks_it_needs(rules):
    front_matter = rules.yaml_pattern("header.yaml", "front_matter_line")
    assert front_matter.screen.may_match("title: 多国反对美国加征钢铝关税")
    assert front_matter.match("title: 多国反对美国加征钢铝关税")["value"] == "多国反对美国加征钢铝关税"
    # No ASCII colon: the pattern cannot match, and is not run.
    assert not front_matter.screen.may_match("多国反对美国加征钢铝关税：欧盟称将采取反制措施")
    date_line = rules.yaml_pattern("header.yaml", "date_line")
    assert date_line.match("2023-10-20 05:06") is not None
    assert not date_line.screen.may_match("英伟达芯片一片难求，国产替代趁势崛起")


def test_no_guarded_pattern_screens_out_a_seed_line_it_matches(rules):
    lines = seed_lines()
    assert never_screens_out_a_match(guarded_patterns(rules), lines) >= 40


def test_no_guarded_pattern_screens_out_real_text_it_matches(rules, shared_data):
    texts = real_texts(shared_data)
    lines = text_lines(texts)
    assert never_screens_out_a_match(guarded_patterns(rules), lines + texts[:50]) >= 200


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_no_guarded_pattern_screens_out_text_made_of_its_own_pieces(rules, data):
    pattern = data.draw(st.sampled_from(guarded_patterns(rules)))
    pieces = [word for group in pattern_needs(pattern.pattern, pattern.compiled.flags).words
              for word in group]
    others = ["：", ":", " ", "|", "1", "2024-05-01", "2024年5月1日", "Ｋ", "K", "\u212a", "ſ",
              "。", "...", "(", "http://", "title"]
    text = "".join(data.draw(st.lists(st.sampled_from(
        pieces + others + list("官网编辑来源记者网址页更多")), min_size=1, max_size=12)))
    never_screens_out_a_match([pattern], [text, text.upper(), f"【{text}】", f"（{text}）"])
