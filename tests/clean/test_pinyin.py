"""Glued pinyin: a reading in parentheses after the character it reads goes, nothing else."""

from __future__ import annotations

import json
import re
from pathlib import Path

import opencc
import pytest

from curate.clean.pinyin import RULE, find_glued_pinyin
from curate.edits import apply_changes

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
# The evaluation scorer's pattern for a glued reading left in the output.
SCORER_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff])[\(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]{1,6}[\)）]"
)


def seed_line(prefix: str, containing: str) -> str:
    """The first line of seed ``prefix`` (``"001"``) that contains ``containing``."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return next(line for line in path.read_text(encoding="utf-8").split("\n") if containing in line)


def without_pinyin(text: str) -> str:
    return apply_changes(text, find_glued_pinyin(text))


def test_pinyin_glued_after_traditional_chars_is_removed():
    title = seed_line("001", "破繭之戰")
    changes = find_glued_pinyin(title)
    assert apply_changes(title, changes) == "補位英偉達!國產AI芯片的破繭之戰"
    assert [(c.rule, c.old, c.new) for c in changes] == [
        (RULE, "(bǔ)", ""),
        (RULE, "(dá)", ""),
        (RULE, "(chǎn)", ""),
        (RULE, "(zhàn)", ""),
    ]
    assert RULE == "glued-pinyin"
    assert title[changes[0].start : changes[0].end] == "(bǔ)"


def test_pinyin_that_is_one_reading_of_a_heteronym_is_removed():
    line = "潮州市現有各類體育場地設施770處(chù),晨練站點200多處。"  # dev raw 0001.txt
    assert without_pinyin(line) == "潮州市現有各類體育場地設施770處,晨練站點200多處。"


def test_pinyin_with_umlaut_and_with_neutral_tone_is_removed():
    assert without_pinyin("冬無嚴寒,夏無酷暑,終年常綠(lǜ),四季如春。") == (  # dev raw 0001.txt
        "冬無嚴寒,夏無酷暑,終年常綠,四季如春。"
    )
    assert without_pinyin("讓(ràng)他們(men)產生了相互的依賴感") == (  # dev raw 0025.txt
        "讓他們產生了相互的依賴感"
    )


def test_pinyin_after_a_non_han_character_stays():
    line = seed_line("001", "?shù)")
    assert without_pinyin(line) == (
        "觀察者網顯示,當?shù)貢r(shí)間6月12日,黃仁勛在接受媒體采訪時稱,由于美國對中國市場的"
        "芯片銷售實施了嚴格的貿易限制,英偉達將不再把中國市場納入其收入和利潤預測中。"
    )


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (seed_line("001", "(BIS)"), "(BIS)"),
        (seed_line("001", "(688256.SH)"), "(688256.SH)"),
        (seed_line("003", "(ID:wujicaijing)"), "(ID:wujicaijing)"),
        (seed_line("003", "(Scaling Law)"), "(Scaling Law)"),
        (seed_line("004", "Wisconsin-Madison"), "(University of Wisconsin-Madison)"),
        (seed_line("004", "(SEC)"), "(SEC)"),
        (seed_line("000", "1176股"), "（仅剩持股1176股）"),
        ("大会精彩花絮--发布会背景板(图)从2009年5月22日全国家装", "(图)"),  # dev raw 0003.md
        ("一般而言，在獨立屋(house)中與別(bié)人合住，共用衛", "(house)"),  # dev raw 0180.md
    ],
)
def test_parenthesised_abbreviations_codes_and_words_stay(line: str, kept: str):
    assert kept in without_pinyin(line)
    assert all(change.old != kept for change in find_glued_pinyin(line))


def test_valid_syllable_that_is_not_a_reading_of_the_char_before_stays():
    # Constructed from the seed 001 title: (dá) reads 達, not 偉, so it is not taken for pinyin.
    assert find_glued_pinyin("英偉(dá)達") == []


def test_full_width_parentheses_tone_numbers_and_v_are_accepted():
    # Not seen in the data; constructed from the seed 001 title.
    assert without_pinyin("補（bǔ）位英偉達（dá）") == "補位英偉達"
    assert without_pinyin("補(bu3)位英偉達(da2)") == "補位英偉達"
    assert without_pinyin("終年常綠(lv4),綠(lü4)") == "終年常綠,綠"


def test_seed_001_keeps_no_glued_reading_and_all_its_codes():
    text = (next(SEEDS.glob("001_*.txt"))).read_text(encoding="utf-8")
    assert len(SCORER_PINYIN.findall(text)) > 500
    cleaned = without_pinyin(text)
    assert SCORER_PINYIN.findall(cleaned) == []
    for code in ("(BIS)", "(688256.SH)", "(688041.SH)", "(603019.SH)"):
        assert cleaned.count(code) == text.count(code)


def test_dev_set_leaves_no_glued_reading_and_removes_nothing_gold_keeps(eval_dir: Path):
    to_simplified = opencc.OpenCC("t2s")
    parenthesised = re.compile(r"[\(（][^()（）\n]{1,40}[\)）]")
    left, removed_but_kept = [], []
    for line in (eval_dir / "dev" / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        raw = (eval_dir / "dev" / "raw" / gold["file"]).read_bytes().decode(gold["encoding"])
        expected = to_simplified.convert("\n".join(a["text"] for a in gold["articles"]))
        before = to_simplified.convert(raw)
        after = to_simplified.convert(without_pinyin(raw))
        left += [
            found
            for found in SCORER_PINYIN.findall(after)
            if found not in SCORER_PINYIN.findall(expected)
        ]
        removed_but_kept += [
            (gold["file"], match.group())
            for match in parenthesised.finditer(expected)
            if match.group() in before and match.group() not in after
        ]
    assert left == []
    assert removed_but_kept == []


def test_toneless_readings_go_where_a_paragraph_is_annotated_with_them():
    line = "7日，由烟(yan)台市(shi)教育装备(bei)与技术研究中心主(zhu)办的比赛在烟台举行。"
    changes = find_glued_pinyin(line)
    assert apply_changes(line, changes) == "7日，由烟台市教育装备与技术研究中心主办的比赛在烟台举行。"
    assert [(c.rule, c.old) for c in changes] == [
        (RULE, "(yan)"), (RULE, "(shi)"), (RULE, "(bei)"), (RULE, "(zhu)")]


@pytest.mark.parametrize("line", [
    "在北京市(shi)举行",  # one toneless reading alone may be anything
    "研究所(suo)与大学(xue)合作",  # two are not yet an annotation
    "产品分甲(a)型、乙(b)型与丙(c)型",  # list letters that are not readings
])
def test_a_few_toneless_syllables_stay(line: str):
    assert find_glued_pinyin(line) == []


def test_toneless_glued_pinyin_of_a_real_page_is_removed(shared_data: Path):
    rows = (shared_data / "chinesewebtext-cc-raw.jsonl").read_text(encoding="utf-8").splitlines()
    (text,) = [json.loads(row)["text"] for row in rows if "烟(yan)台市(shi)" in row]
    left = [match.group() for paragraph in text.split("\n")
            for match in SCORER_PINYIN.finditer(without_pinyin(paragraph))]
    assert "烟台市" in without_pinyin(text)
    assert left == []


def test_toneless_readings_spread_over_a_documents_paragraphs_go_together(clean):
    # A page annotates a character here and there: one or two a paragraph, three in all.
    text = ("各地各部门要建立依法拥(yong)军观念，认真落实优抚安置各项政策法规。\n"
            "习近平表示，在乌克兰危机问题上，中方多次(ci)强调要(yao)坚持三原则。")
    (doc,) = clean(text, ["strip_glued_pinyin"])
    assert doc.text == text.replace("(yong)", "").replace("(ci)", "").replace("(yao)", "")
    assert [e.text for e in doc.edits] == ["(yong)", "(ci)", "(yao)"]


def test_a_toneless_syllable_alone_in_a_document_stays(clean):
    text = "在北京市(shi)举行的发布会上，主办方介绍了活动安排。\n活动将持续三天，免费向公众开放。"
    (doc,) = clean(text, ["strip_glued_pinyin"])
    assert doc.text == text


def test_the_parenthesis_screen_skips_no_text_holding_a_glued_reading(eval_dir: Path):
    """Readings found with the screen are those of a full search, which a parenthesis added
    at the end forces (no candidate can begin there): on the seeds' and the development
    set's lines, each again without its ASCII or its full-width parentheses, and each with
    its ASCII parentheses made full-width."""
    from curate.clean.pinyin import _readings_in

    lines = [line for folder in (SEEDS, eval_dir / "dev" / "raw")
             for path in sorted(folder.iterdir())
             for line in path.read_text(encoding="utf-8", errors="replace").splitlines()]
    lines += [line.replace(mark, "") for line in lines for mark in "(（" if mark in line]
    lines += [line.replace("(", "（").replace(")", "）") for line in lines if "(" in line]
    found = 0
    for line in lines:
        changes, toneless = _readings_in(line)
        assert (changes, toneless) == _readings_in(line + "(")
        found += len(changes) + len(toneless)
    assert found > 20
