"""Synonym spin: dense rare spun forms mark a text as spun; unambiguous ones are put back."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import opencc
import pytest

from curate.clean.pinyin import find_glued_pinyin
from curate.clean.spin import (
    SpinLexicon,
    SpinRepairs,
    SpinThreshold,
    find_spin_repairs,
    is_spun,
    spin_score,
)
from curate.edits import apply_changes
from curate.rules import RuleError, Rules

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
# Seed 004 is three spun articles, each closed by the line naming where it came from.
SEED_004_SOURCE_LINE = re.compile(r"^本文源自[:：](?:创业邦|金融界)\s*$", re.MULTILINE)
CLEAN_NEWS = ("xwlb-cctv-news.jsonl", "thucnews-cnews-1000.jsonl", "sogoucs-smarty.jsonl")
T2S = opencc.OpenCC("t2s")


@pytest.fixture(scope="module")
def lexicon(rules: Rules) -> SpinLexicon:
    return SpinLexicon.from_rules(rules)


@pytest.fixture(scope="module")
def repairs(rules: Rules) -> SpinRepairs:
    return SpinRepairs.from_rules(rules)


@pytest.fixture(scope="module")
def threshold(rules: Rules) -> SpinThreshold:
    return SpinThreshold.from_rules(rules)


def seed_simplified(prefix: str) -> str:
    """Seed ``prefix`` (``"001"``) without glued pinyin, in simplified characters."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    text = path.read_text(encoding="utf-8")
    return T2S.convert(apply_changes(text, find_glued_pinyin(text)))


def seed_004_articles() -> list[str]:
    return SEED_004_SOURCE_LINE.split(seed_simplified("004"))


def line_with(text: str, containing: str) -> str:
    return next(line for line in text.split("\n") if containing in line)


def repaired(text: str, repairs: SpinRepairs) -> str:
    return apply_changes(text, find_spin_repairs(text, repairs))


@pytest.mark.parametrize("index", [0, 1, 2])
def test_each_article_of_seed_004_is_spun(index, lexicon, threshold):
    articles = seed_004_articles()
    assert len(articles) == 3
    score = spin_score(articles[index], lexicon)
    assert is_spun(score, threshold), score
    assert score.han_chars >= threshold.min_chars


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_unspun_seeds_are_not_spun(prefix, lexicon, threshold):
    score = spin_score(seed_simplified(prefix), lexicon)
    assert not is_spun(score, threshold)
    assert score.score < threshold.threshold / 4


def test_seed_004_spin_forms_are_the_hits(lexicon):
    hits = spin_score(seed_004_articles()[0], lexicon).hits
    assert hits["曩昔"] == 3
    assert hits["开创人"] == 6
    assert "我国" not in hits  # common in clean news: weighs nothing, so not in the lexicon


def test_creator_spun_as_kaichuangren_is_put_back(repairs):
    line = line_with(seed_004_articles()[0], "天数智芯开创人李云鹏本便是软件身世。")
    changes = find_spin_repairs(line, repairs)
    fixed = apply_changes(line, changes)
    assert fixed.startswith(
        "天数智芯创始人李云鹏本便是软件身世。李云鹏2002年结业于南京大学计算机系"
    )
    assert [(c.rule, c.old, c.new) for c in changes][:2] == [
        ("spin-repair:开创人", "开创人", "创始人"),
        ("spin-repair:核算", "核算", "计算"),
    ]
    assert line[changes[0].start : changes[0].end] == "开创人"


def test_spun_media_brand_is_put_back_whole_before_shorter_forms(repairs):
    line = line_with(seed_004_articles()[2], "英伟达方面向《榜首财经》回应称")
    changes = find_spin_repairs(line, repairs)
    assert "英伟达方面向《第一财经》回应称" in apply_changes(line, changes)
    assert [(c.rule, c.old, c.new) for c in changes] == [
        ("spin-repair:榜首财经", "榜首财经", "第一财经")
    ]


def test_first_quarter_spun_as_bangshou_is_put_back_but_top_of_a_chart_stays(repairs):
    line = line_with(seed_004_articles()[2], "2026财年榜首季度")
    assert "2026财年第一季度(到2025年4月27日)" in repaired(line, repairs)
    assert repaired("连续13年位居全球榜首。", repairs) == "连续13年位居全球榜首。"


def test_computing_hesuan_is_put_back_but_accounting_hesuan_stays(repairs):
    line = line_with(seed_004_articles()[1], "虽在核算才能、互联速度上弱于")
    assert "虽在计算才能、互联速度上弱于" in repaired(line, repairs)
    assert "在推理计算范畴仍具有明显优势" in repaired(line, repairs)
    accounting = "企业要做好成本核算,完善统计核算制度,核算机构按季度初步核算。"
    assert find_spin_repairs(accounting, repairs) == []


def test_opening_for_humanity_is_not_a_spun_founder(repairs):
    verb = "携手开创人类更加美好的未来,开创人民城市建设新局面"
    assert find_spin_repairs(verb, repairs) == []


def test_legitimate_woguo_in_unspun_text_is_not_spun_and_never_changed(lexicon, repairs, threshold):
    seed = seed_simplified("001")
    line = line_with(seed, "当前我国以人工智能为代表的信息产业")
    assert find_spin_repairs(line, repairs) == []
    assert "我国" not in lexicon.weights
    assert not is_spun(spin_score(seed, lexicon), threshold)


def test_short_text_is_never_spun_however_dense(lexicon, threshold):
    line = line_with(seed_004_articles()[0], "事实证明,曩昔几年现已有大批芯片企业被筛选")
    score = spin_score(line, lexicon)
    assert score.score > 2 * threshold.threshold
    assert score.han_chars < threshold.min_chars
    assert not is_spun(score, threshold)


def test_lexicon_weighs_forms_common_in_clean_news_little_and_unseen_ones_a_lot(lexicon):
    weights = lexicon.weights
    for common in ("我国", "使用", "规划", "工业"):
        assert weights.get(common, 0.0) < 0.05, common
    for rare in ("开创人", "现已", "曩昔", "揭露材料"):
        assert weights[rare] >= 0.3, rare
    assert weights["曩昔"] > weights["开创人"] > weights["现已"]
    assert 1000 <= len(weights) <= 5000


def test_scoring_a_2000_character_article_costs_a_few_cpu_milliseconds_at_most(lexicon):
    # CPU time, not wall-clock, so other load on the machine does not count; ~1 ms measured,
    # the bound is there to catch a scan that went back to a loop over every position.
    article = seed_004_articles()[0][:2000]
    runs = 50
    started = time.process_time()
    for _ in range(runs):
        spin_score(article, lexicon)
    assert (time.process_time() - started) / runs < 0.02


def test_repair_with_a_broken_context_names_the_file_and_line(tmp_path):
    (tmp_path / "spin_repairs.tsv").write_text(
        "# test\nspun\toriginal\tcontext\twhy\n曩昔\t过去\t(?<=\tbroken\n", encoding="utf-8"
    )
    with pytest.raises(RuleError, match=r"rules/spin_repairs\.tsv:3: context does not compile"):
        SpinRepairs.from_rules(Rules(tmp_path))


def clean_news_stories(shared_data: Path) -> list[str]:
    stories = []
    for name in CLEAN_NEWS:
        with (shared_data / name).open(encoding="utf-8") as lines:
            stories += [json.loads(line)["text"] for line in lines]
    return stories


def test_no_clean_news_story_is_spun(shared_data, lexicon, threshold):
    stories = clean_news_stories(shared_data)
    assert len(stories) == 9297
    flagged = [story[:30] for story in stories if is_spun(spin_score(story, lexicon), threshold)]
    assert flagged == []


def test_no_repair_changes_clean_news(shared_data, repairs):
    changed = [s[:30] for s in clean_news_stories(shared_data) if find_spin_repairs(s, repairs)]
    assert changed == []


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def dev_article_texts(eval_dir: Path) -> list[tuple[bool, str]]:
    """``(spun, text)`` for every article of the dev set.

    Gold holds an article's clean original, so a spun article's text is taken from its raw
    file: the raw lines (simplified, pinyin removed) that share most of their character
    pairs with that article's gold text. Unspun articles are measured on their gold text.
    """
    articles = []
    with (eval_dir / "dev" / "gold.jsonl").open(encoding="utf-8") as lines:
        for entry in map(json.loads, lines):
            raw = (eval_dir / "dev" / "raw" / entry["file"]).read_bytes().decode(entry["encoding"])
            raw = T2S.convert(apply_changes(raw, find_glued_pinyin(raw)))
            gold = [_bigrams(article["text"]) for article in entry["articles"]]
            spun_lines: list[list[str]] = [[] for _ in gold]
            for line in raw.split("\n"):
                pairs = _bigrams(line.strip())
                if len(pairs) >= 3:
                    shares = [len(pairs & article) / len(pairs) for article in gold]
                    best = max(range(len(gold)), key=shares.__getitem__)
                    if shares[best] >= 0.3:
                        spun_lines[best].append(line.strip())
            for article, own_lines in zip(entry["articles"], spun_lines, strict=True):
                spun = bool(article.get("spun"))
                articles.append((spun, "\n".join(own_lines) if spun else article["text"]))
    return articles


def test_dev_set_spin_recall_and_precision(eval_dir, lexicon, threshold):
    articles = dev_article_texts(eval_dir)
    called = [(spun, is_spun(spin_score(text, lexicon), threshold)) for spun, text in articles]
    true_positives = sum(spun and flag for spun, flag in called)
    with (eval_dir / "dev" / "gold.jsonl").open(encoding="utf-8") as lines:
        spun_articles = sum(bool(article.get("spun")) for entry in map(json.loads, lines)
                            for article in entry["articles"])
    assert sum(spun for spun, _ in called) == spun_articles > 0
    assert true_positives / spun_articles >= 0.90
    assert true_positives / sum(flag for _, flag in called) >= 0.95


def test_form_matcher_finds_what_a_scan_of_every_offset_finds(lexicon):
    # The reference: at each offset the longest form starting there, then past it.
    text = seed_simplified("004")
    matcher = lexicon.matcher
    longest = sorted({len(form) for form in matcher.forms}, reverse=True)
    expected, position = [], 0
    while position < len(text) - 1:
        form = next((text[position : position + n] for n in longest
                     if text[position : position + n] in matcher.forms), None)
        if form is None:
            position += 1
            continue
        expected.append((position, form))
        position += len(form)
    assert list(matcher.finditer(text)) == expected
    assert len(expected) > 100
