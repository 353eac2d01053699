"""The page classifier's measurements of how a page's prose hangs together, found for the
whole page over its code points, are those the sets of `subject_pairs` give line by line and
sentence by sentence; a line's date marks are those next to a digit of any script."""

from collections import Counter
from itertools import pairwise

import numpy as np
import pytest

from curate.clean.line_features import FEATURES, line_features
from curate.clean.page_features import (
    _SENTENCE,
    _SENTENCE_MIN_PAIRS,
    RELATED_PAIRS,
    SUBJECT_LINES,
    CommonPairs,
    prose_relatedness,
    subject_pairs,
)
from curate.rules import Rules
from tests.fixtures import SEEDS, SHARED

COMMON = CommonPairs.from_rules(Rules())


def by_pair_sets(prose: list[str]) -> tuple[float, float]:
    """The unrelated joints and sentences of ``prose`` as the definition reads: a set of
    subject pairs per line and per sentence, compared one with the next."""
    pairs = [subject_pairs(text, COMMON) for text in prose]
    lines_with = Counter(pair for own in pairs for pair in own)
    related = [len(shared) >= RELATED_PAIRS or any(lines_with[p] >= SUBJECT_LINES for p in shared)
               for shared in (a & b for a, b in pairwise(pairs))]
    sentences = [subject_pairs(s, COMMON) for text in prose for s in _SENTENCE.findall(text)]
    judged = [index for index in range(1, len(sentences))
              if len(sentences[index]) >= _SENTENCE_MIN_PAIRS]
    unrelated = sum(1 for index in judged if not sentences[index] & (
        sentences[index - 1] | (sentences[index - 2] if index >= 2 else set())))
    return (related.count(False) / len(prose) if prose else 0.0,
            unrelated / len(judged) if judged else 0.0)


def real_pages() -> list[list[str]]:
    pages = [path.read_text(encoding="utf-8").splitlines() for path in sorted(SEEDS.glob("*.txt"))]
    raw = SHARED / "eval" / "dev" / "raw"
    if raw.is_dir():
        # Some are stored in GB18030 or Big5: their lines as a UTF-8 reading leaves them.
        pages += [path.read_bytes().decode("utf-8", errors="replace").splitlines()
                  for path in sorted(raw.glob("*.txt"))[:120]]
    return pages


@pytest.mark.parametrize("page", real_pages(), ids=lambda page: page[0][:12] if page else "")
def test_relatedness_of_a_real_page_is_that_of_its_pair_sets(page):
    lines = [line for line in page if line.strip()]
    found = prose_relatedness(lines, np.arange(len(lines)), np.ones(len(lines)),
                              np.zeros(len(lines), dtype=bool), COMMON)
    assert found[:2] == by_pair_sets(lines)


def test_a_line_with_marks_before_its_first_sentence_and_han_beyond_the_basic_block():
    # 〇 and 々 are of the Han script (pairs of a subject), outside U+4E00–U+9FFF; the
    # marks opening the second line begin no sentence.
    prose = ["二〇二一年人人々的芯片测试，芯片测试结果很好。",
             "。！芯片测试的人人々再次出现在二〇二一年的会场上；芯片测试报告发布。",
             "切尔西中场本赛季在租借球队表现出色，多家豪门愿意在夏天出手。"]
    assert prose_relatedness(prose, np.arange(3), np.array([20, 30, 26]),
                             np.zeros(3, dtype=bool), COMMON)[:2] == by_pair_sets(prose)
    # Three sentences judged (the marks opening line 2 begin none), the story of line 3
    # shares no pair with them; nor does line 3 with line 2.
    assert by_pair_sets(prose) == (1 / 3, 1 / 3)


def test_date_marks_are_marks_after_a_digit_of_any_script():
    rows = line_features(["发布时间：2021年10月20日 08:30", "２０２１年年初", "年月日：无"])
    assert rows[:, FEATURES.index("date_marks")].tolist() == [4.0, 1.0, 0.0]


def test_a_line_is_repeated_on_its_page_only_where_another_line_holds_it_whole():
    from curate.clean.line_features import FEATURES, line_features

    title = "国产芯片趁势崛起市场格局"
    lines = [title, "据报道，" + title + "正在改写。", "国产芯片趁势崛起",
             "市场格局正在改写行业", "趁势崛起市场格局正在改写行业"]
    rows = line_features(lines)
    # The title stands inside the second line, the third inside the title, the fourth inside
    # the fifth; the second and the fifth stand in no other line.
    assert rows[:, FEATURES.index("repeated_on_page")].tolist() == [1.0, 0.0, 1.0, 1.0, 0.0]


def by_character(line: str) -> dict[str, float]:
    """A line's counts as the columns define them, character by character."""
    def han(c):
        return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"

    def mark(c):
        return not (han(c) or c.isascii() and c.isalnum() or c in " \u3000\t") and any(
            low <= ord(c) <= high for low, high in
            ((0x21, 0x7E), (0x2000, 0x2BFF), (0x3000, 0x303F), (0xFF00, 0xFFEF)))

    size = max(len(line), 1)
    return {"chars": len(line),
            "han_share": sum(map(han, line)) / size,
            "digit_share": sum(c in "0123456789" for c in line) / size,
            "latin_share": sum(c.isascii() and c.isalpha() for c in line) / size,
            "mark_share": sum(map(mark, line)) / size,
            "space_share": sum(c in " \u3000\t" for c in line) / size,
            "replacement_share": line.count("\ufffd") / size,
            "sentence_marks": sum(c in "。！？；!?" for c in line),
            "commas": sum(c in "，、," for c in line),
            "link_marks": sum(c in "|｜>»·›" for c in line) + sum(
                line.count(word) for word in ("http", "www.", ".com", ".cn"))}


@pytest.mark.parametrize("page", [
    *(page for page in real_pages()[:20] if page),
    ["来源：www.news.cn | 2021-10-20 » 国际", "Ｈ２０芯片\ufffd\ufffd解禁，１２３。", "",
     "〇々𠀀㐀 \t\u3000", "http://a.com http://b.cn › 首页", ""],
], ids=lambda page: page[0][:12] if page else "")
def test_the_character_counts_of_a_line_are_those_of_its_characters(page):
    rows = line_features(page)
    for row, line in zip(rows, page, strict=True):
        assert {name: row[FEATURES.index(name)] for name in by_character(line)} == \
            by_character(line), line
