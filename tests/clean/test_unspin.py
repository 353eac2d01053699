"""Spin restoration: in text detected as spun, swapped words go back where clean news says so."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from curate.clean.unspin import RULE, SpinRestorer, find_spin_restorations
from curate.edits import apply_changes
from curate.io.readers import InputFile, ReadOptions, read_documents
from curate.pipeline import DEFAULT_STEPS, Context, Pipeline
from curate.rules import RuleError, Rules

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def restorer(rules: Rules) -> SpinRestorer:
    return SpinRestorer.from_rules(rules)


def seed_004_sentence(containing: str) -> str:
    """The sentence of spun seed 004 that contains ``containing``."""
    (path,) = SEEDS.glob("004_*.txt")
    text = path.read_text(encoding="utf-8")
    return next(s + "。" for s in text.replace("\n", "。").split("。") if containing in s)


def restored(text: str, restorer: SpinRestorer) -> str:
    return apply_changes(text, find_spin_restorations(text, restorer))


def test_spun_founder_and_background_in_seed_004_are_put_back(restorer):
    sentence = seed_004_sentence("开创人李云鹏")
    assert sentence == "天数智芯开创人李云鹏本便是软件身世。"
    changes = find_spin_restorations(sentence, restorer)
    # 便是 stays: no dictionary offers it for 就是.
    assert apply_changes(sentence, changes) == "天数智芯创始人李云鹏本便是软件出身。"
    assert [(c.start, c.end, c.old, c.new, c.rule) for c in changes] == [
        (4, 7, "开创人", "创始人", RULE),
        (15, 17, "身世", "出身", RULE),
    ]
    assert RULE == "spin-restore"


def test_spun_newspaper_name_is_put_back(restorer):
    line = "英伟达方面向《榜首财经》回应称"  # seed 004
    assert line in seed_004_sentence("榜首财经")
    assert restored(line, restorer) == "英伟达方面向《第一财经》回应称"


def test_every_swap_of_a_seed_sentence_is_put_back(restorer):
    sentence = seed_004_sentence("燧原科技是国内第一家")
    assert restored(sentence, restorer) == (
        "燧原科技是国内第一家同时具有高性能云端训练和云端推理产品的创业公司,"
        "也是国内第一个发布第二代人工智能训练产品组合的公司。"
    )


def test_longest_spun_form_wins_over_a_shorter_one_inside_it(restorer):
    clause = "揭露材料显现,2019年至2020年"  # seed 004
    assert clause in seed_004_sentence("揭露材料显现")
    changes = find_spin_restorations(clause, restorer)
    assert [(c.old, c.new) for c in changes] == [("揭露材料", "公开资料"), ("显现", "显示")]


def test_ambiguous_spun_form_stays_where_it_is_the_original(restorer):
    # 工业 is what the spinner writes for 产业, but also a word of its own: the US Bureau of
    # Industry and Security keeps it while the chip industry gets 产业 back.
    assert "美国商务部工业和安全局(BIS)" in restored(seed_004_sentence("工业和安全局"), restorer)
    assert "高端芯片产业的制裁" in restored(seed_004_sentence("高端芯片工业"), restorer)
    # The dictionary swaps 支出 for its opposite 收入; clean news says 收入 is nearly always meant.
    sentence = seed_004_sentence("年收入不到1000万元")
    assert "公司年收入不到1000万元人民币" in restored(sentence, restorer)
    assert restorer.originals["收入"][0][0] == "支出"


def test_pair_whose_original_never_occurs_in_clean_news_is_left_out(restorer):
    # The dictionary's 设置装备摆设 -> 建设 would turn every 建设 into 设置装备摆设.
    assert "建设" not in restorer.originals


def test_changes_match_the_text_and_do_not_overlap(restorer):
    (path,) = SEEDS.glob("004_*.txt")
    text = path.read_text(encoding="utf-8")
    changes = find_spin_restorations(text, restorer)
    assert len(changes) > 500
    assert all(text[c.start : c.end] == c.old and c.rule == RULE for c in changes)
    assert all(a.end <= b.start for a, b in zip(changes, changes[1:], strict=False))


def test_restoring_an_article_takes_a_few_milliseconds(restorer):
    (path,) = SEEDS.glob("004_*.txt")
    text = path.read_text(encoding="utf-8")
    started = time.perf_counter()
    find_spin_restorations(text, restorer)
    per_2000_chars = (time.perf_counter() - started) / len(text) * 2000
    assert per_2000_chars < 0.015  # ~3.5 ms measured


def test_unreadable_score_names_the_file_and_line(tmp_path, rules):
    (tmp_path / "spin_restore.tsv").write_text(
        "# test\nspun\toriginal\tscore\twhy\n卒业\t毕业\thigh\twyc 389:0\n", encoding="utf-8"
    )
    (tmp_path / "spin_context.tsv").write_text(
        "word\tside\tneighbours\n*\tany\t9:的\n", encoding="utf-8"
    )
    with pytest.raises(RuleError, match=r"rules/spin_restore.tsv:3: score 'high'"):
        SpinRestorer.from_rules(Rules(tmp_path))


def test_clean_news_is_changed_little(shared_data: Path, restorer):
    """Safety: the restorer is for spun text, but on clean CCTV stories it changes about 3
    words in 1,000 characters and every paragraph is still found (7.2 words, 3 of 1,760
    paragraphs lost when the stories are left out of the statistics)."""
    stories = []
    with (shared_data / "xwlb-cctv-news.jsonl").open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number % 80 == 0:
                stories.append(json.loads(line)["text"])
    changes = sum(len(find_spin_restorations(story, restorer)) for story in stories)
    assert changes / sum(map(len, stories)) * 1000 < 5
    lost = [
        paragraph[:20]
        for story in stories
        for paragraph in story.split("\n")
        if paragraph.strip() and fuzz.partial_ratio(paragraph, restored(story, restorer)) < 90
    ]
    assert lost == []


def spun_dev_articles(eval_dir: Path, rules: Rules) -> list[tuple[str, str]]:
    """``(gold text, cleaned spun text)`` of each spun dev article: the raw file through the
    pipeline up to spin detection, the output document closest to the gold text."""
    steps = DEFAULT_STEPS[: DEFAULT_STEPS.index("detect_spin")]
    pipeline = Pipeline(Context(rules), steps)
    pairs = []
    for line in (eval_dir / "dev" / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        spun = [article["text"] for article in entry["articles"] if article.get("spun")]
        if not spun:
            continue
        raw = InputFile(eval_dir / "dev" / "raw" / entry["file"], entry["file"])
        outputs = [doc.text for doc in pipeline.run(read_documents(raw, ReadOptions("dev")))
                   if doc.rejected is None]
        for gold in spun:
            pairs.append((gold, max(outputs, key=lambda text: similarity(text, gold))))
    return pairs


def similarity(text: str, gold: str) -> float:
    return Levenshtein.normalized_similarity(re.sub(r"\s", "", text), re.sub(r"\s", "", gold))


def test_dev_spun_articles_come_much_closer_to_their_originals(eval_dir: Path, rules, restorer):
    """Measured with statistics that left the dev articles out: similarity 0.817 -> 0.967,
    paragraphs found 13% -> 98% (0.982 and 100% with the shipped statistics)."""
    pairs = spun_dev_articles(eval_dir, rules)
    assert len(pairs) == 40
    before = sum(similarity(text, gold) for gold, text in pairs) / len(pairs)
    fixed = [(gold, restored(text, restorer)) for gold, text in pairs]
    after = sum(similarity(text, gold) for gold, text in fixed) / len(fixed)
    paragraphs = [(p, text) for gold, text in fixed for p in gold.split("\n") if p.strip()]
    found = sum(fuzz.partial_ratio(p, text) >= 90 for p, text in paragraphs) / len(paragraphs)
    assert before < 0.85
    assert after >= 0.96
    assert after - before >= 0.14
    assert found >= 0.95
