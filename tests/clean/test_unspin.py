"""Spin restoration: in text detected as spun, whole words a spinner swapped go back where the
clean-news statistics are confident, and nothing else changes."""

from __future__ import annotations

import json
import re
import time
from difflib import SequenceMatcher
from pathlib import Path

import opencc
import pytest
from click.testing import CliRunner

from bench.spin_eval import dev_spun_articles
from curate.clean.spin import SpinRepairs
from curate.clean.unspin import (
    CANDIDATE_RULE,
    KEEP,
    MIN_TELLTALES,
    RESTORE_AT,
    RULE,
    SPUN_DENSITY,
    SpinRestorer,
    WordSegmenter,
    find_spin_restorations,
    held_out_story,
    parse_candidates,
)
from curate.cli import main
from curate.document import Document
from curate.edits import apply_changes
from curate.io.readers import InputFile, ReadOptions, read_documents
from curate.pipeline import Context, Pipeline
from curate.rules import RuleError, Rules
from tests.fixtures import REPO, corpus_records, seed_path

CLEAN_NEWS = ("xwlb-cctv-news.jsonl", "thucnews-cnews-1000.jsonl", "sogoucs-smarty.jsonl")


@pytest.fixture(scope="module")
def tools(rules: Rules) -> tuple[SpinRestorer, WordSegmenter, SpinRepairs]:
    return SpinRestorer.from_rules(rules), WordSegmenter.load(), SpinRepairs.from_rules(rules)


@pytest.fixture(scope="module")
def seed_004_documents(rules: Rules) -> list[Document]:
    """Seed 004 (three spun articles) through the default pipeline."""
    raw = InputFile(seed_path("004"), f"seeds/{seed_path('004').name}")
    return [doc for doc in Pipeline(Context(rules)).run(read_documents(raw, ReadOptions("seeds")))
            if doc.rejected is None]


# Sentences of seed 004 that an earlier restorer made wrong (issue 14), each as it must come out:
# the spun words that stay are left for a curator, none is replaced by a wrong word.
SEED_004_SENTENCES_LEFT_RIGHT = [
    # 片断 matched inside 芯片|断供 made 芯片段供
    "但2019年5月16日，美国将华为列入实体名单，多家美国芯片断供华为，芯片进口通路逐渐被阻断。",
    # 比来 inside 占比|来自 made 占最近自
    "现在，英伟达2025财年中，53%的收入占比来自美国以外的区域。",
    # 生事 inside 原生|事务 made 原闹事务
    "百度、阿里、腾讯、字节跳动等科技公司纷繁推出自研模型，正在推动以AI原生事务为中心的新一代商业形式。",
    # 长于 inside 副理事长|于燮康 made 副理事善于燮康
    "国家集成电路封测工业链技术创新战略联盟副理事长于燮康指出：“美国制裁短期内会加重技术壁垒，但长时间将倒逼我国半导体工业重构。",
    # 都会 (city) for 都|会 made 企业城市
    "从前文的整理中能够看到，简直每一家GPU企业都会依据自家的硬件产品推出相应的软件栈。",
    # 这类 inside 这|类似 made 这种似于
    "这类似于Intel前期与我国厂商的协作形式，但也或许因“技能转让敏感性”面对美方更严厉检查。",
    # 功用 was given the wrong original 性能 (全功能 is meant)
    "另一方面，摩尔线程的打法也和英伟达极端类似，是国内少量聚集全功用GPU的草创企业，能够完成英伟达体系架构里的四大主要功用，即通用计算、人工智能加快、图形烘托和视频编解码。",
    # 相同 became 沟通
    "在李云鹏的开端设想中，天数智芯不做“我国的英伟达”，而要成为一家像苹果相同的体系级公司。",
    # 测验 became 考试 (test-time scaling)
    "作为我国 AI 范畴的代表性企业，其根据合规算力资源构建的高效大模型练习系统，被英伟达称为 “测验时刻缩放”(Test Time Scaling)的模范。",
    # 开发 became 开辟
    "从开发人员团队数量来看，GPGPU如需求200人的硬件团队，烘托GPU或许要再添加50人，但软件开发人员比较GPGPU或需添加三倍，需求更多的人员开发驱动和编译器等。",
    # 收回 became 发出
    "MUSA运转时库(MUSA Runtime)担任设备内存的分配、收回、复制以及数据传输等作业，还供给了分布式同享内存、图形互操作性、驱动API等高档功用，以支撑杂乱的并行计算和图形烘托使命。",
    # 非常 became 异常
    "壁仞科技创始人张文曾表明，芯片赛道非常贵，是一条10亿美元的赛道，也是一条“赢者通吃”的赛道，终究能生存下来的也就一两家。",
    # 保持 became 坚持
    "全体来看，摩尔线程的融资和产品发布节奏都非常紧凑，根本保持着每半年一次的产品发布频率。",
    # 资源 became 资本 (资源办理 is 资源管理)
    "2024年1月29日，7部分联合印发《关于推动未来工业创新开展的施行定见》，提出我国需加快打破GPU芯片、集群低时延互连网络、异构资源办理等技能，建造超大规划智算中心，满意大模型迭代练习和使用推理需求。",
    # 本钱 became 成本 where 资本 is meant (中金资本)
    "睿兽剖析数据显现，燧原科技已完结10轮融资，出资方包含国家集成电路工业投资基金、腾讯出资、武岳峰科创、中金本钱、CPE源峰、红点我国等多家闻名组织，累计融资金额近70亿元。",
    # 本钱 became 成本 where 资本 is meant (IDG资本); 出资 (for 投资) goes back
    "当年，壁仞科技与IDG本钱、字节跳动等一起参加了国产DPU草创企业云脉芯联的天使轮投资。",
]


@pytest.mark.parametrize("sentence", SEED_004_SENTENCES_LEFT_RIGHT)
def test_seed_004_sentences_once_made_wrong_come_out_without_a_wrong_word(
    sentence, seed_004_documents
):
    assert any(sentence in doc.text for doc in seed_004_documents)


def test_seed_004_has_none_of_the_wrong_rewrites(seed_004_documents):
    replaced = {(e.text, e.replacement) for doc in seed_004_documents for e in doc.edits
                if e.step == "restore_spin" and e.action == "replace"}
    wrong = {("片断", "片段"), ("比来", "最近"), ("生事", "闹事"), ("长于", "善于"),
             ("都会", "城市"), ("这类", "这种"), ("功用", "性能"), ("相同", "沟通"),
             ("本钱", "成本"), ("测验", "考试"), ("开发", "开辟"), ("收回", "发出"),
             ("非常", "异常"), ("保持", "坚持"), ("资源", "资本")}
    assert replaced & wrong == set()
    assert ("结业", "毕业") in replaced and ("商场", "市场") in replaced


def test_a_spun_form_across_a_word_boundary_is_no_candidate(tools):
    # 片断 (for 片段) stands inside 芯片|断供, 长于 (for 善于) inside 副理事长|于燮康.
    assert find_spin_restorations("多家美国芯片断供华为", *tools) == []
    assert find_spin_restorations("战略联盟副理事长于燮康指出", *tools) == []


def test_restoration_records_its_confidence_and_alternatives(seed_004_documents):
    edits = [e for doc in seed_004_documents for e in doc.edits if e.step == "restore_spin"]
    graduated = next(e for e in edits if e.action == "replace" and e.text == "结业")
    assert (graduated.rule, graduated.replacement) == (RULE, "毕业")
    assert graduated.confidence >= 0.98
    assert KEEP in dict(graduated.alternatives)
    assert graduated.confidence + sum(p for _, p in graduated.alternatives) == pytest.approx(
        1.0, abs=0.01)


def test_unsure_candidates_are_listed_in_one_edit_and_left_unchanged(seed_004_documents):
    for doc in seed_004_documents:
        (listing,) = [e for e in doc.edits if e.rule == CANDIDATE_RULE]
        assert (listing.action, listing.replacement) == ("flag", None)
        assert listing.why.startswith(f"{len(parse_candidates(listing.text))} likely")
    listed = [c for doc in seed_004_documents for e in doc.edits if e.rule == CANDIDATE_RULE
              for c in parse_candidates(e.text)]
    assert len(listed) > 1000
    function = next(c for c in listed if c.form == "功用")  # 功能 or 性能: the curator decides
    assert {word for word, _ in function.readings} >= {"功能", "性能", KEEP}
    assert sum(p for _, p in function.readings) == pytest.approx(1.0, abs=0.02)
    assert "全功用GPU" in "\n".join(doc.text for doc in seed_004_documents)


def test_candidates_listed_weigh_a_fraction_of_one_edit_each(seed_004_documents):
    # 1,230 candidates were 1,230 edits of ~250 bytes in the edits log; listed one a line in
    # one edit per document they cost a line of ~30 characters each.
    for doc in seed_004_documents:
        (listing,) = [e for e in doc.edits if e.rule == CANDIDATE_RULE]
        size = len(json.dumps(listing.to_json(), ensure_ascii=False))
        assert size < 40 * len(parse_candidates(listing.text)) + 600


def test_restoration_can_be_switched_off_and_still_lists_candidates(rules):
    raw = InputFile(seed_path("004"), "seeds/004.txt")
    context = Context(rules, {"spin": {"restore": False}})
    docs = list(Pipeline(context).run(read_documents(raw, ReadOptions("seeds"))))
    edits = [e for doc in docs for e in doc.edits if e.step == "restore_spin"]
    assert edits and all(e.action == "flag" and e.rule == CANDIDATE_RULE for e in edits)
    assert "spin restoration is switched off" in edits[0].why
    assert any("结业" in doc.text for doc in docs)
    assert any(e.step == "repair_spin" for doc in docs for e in doc.edits)  # 开创人 -> 创始人


def test_explain_shows_each_restoration_with_its_confidence_and_alternatives(tmp_path,
                                                                             monkeypatch):
    monkeypatch.chdir(REPO)
    runner = CliRunner()
    out = tmp_path / "corpus"
    seed = f"seeds/{seed_path('004').name}"
    assert runner.invoke(main, ["run", seed, "-o", str(out), "--quiet"]).exit_code == 0
    first = corpus_records(out)[0]
    result = runner.invoke(main, ["explain", first["id"], "--corpus", str(out)],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    shown = re.search(r"结业 → 毕业\s+confidence (\d\.\d\d); [^│]*keep", result.output)
    assert shown and float(shown.group(1)) >= 0.98
    assert re.search(r"spin-candidates .*words left as they are", result.output)
    assert re.search(r"功用\s+confidence \d\.\d\d; .*性能", result.output)


def test_a_spun_sentence_inside_a_long_unspun_paragraph_is_left_as_it_is(tools):
    # Seed 004's 结业 (for 毕业) has three telltale forms near it; its own line is spun
    # throughout and 结业 goes back; set between eight lines of seed 000 (clean text, joined
    # into one paragraph) the stretch around it holds 8 telltale forms per 1,000 characters.
    spun = next(line for line in seed_path("004").read_text(encoding="utf-8").split("\n")
                if line.startswith("天数智芯开创人李云鹏"))
    clean = [line for line in seed_path("000").read_text(encoding="utf-8").split("\n")
             if len(line) > 60 and not line.startswith(("!", "*", "#"))][:8]
    alone = next(r for r in find_spin_restorations(spun, *tools) if r.change.old == "结业")
    assert (alone.change.new, alone.restored) == ("毕业", True)
    inside = "".join(clean[:4]) + spun + "".join(clean[4:])
    within = next(r for r in find_spin_restorations(inside, *tools) if r.change.old == "结业")
    assert within.telltales >= MIN_TELLTALES
    assert within.density < SPUN_DENSITY and not within.restored


def test_longest_spun_form_wins_over_a_shorter_one_inside_it(tools):
    restorer, segmenter, _ = tools
    found = find_spin_restorations("揭露材料显现,2019年至2020年", restorer, segmenter)
    assert found[0].change.old == "揭露材料"


def test_pair_whose_original_never_occurs_in_clean_news_is_left_out(tools):
    # The dictionary's 设置装备摆设 -> 建设 would turn every 建设 into 设置装备摆设.
    assert "建设" not in tools[0].originals


def test_restorations_match_the_text_and_do_not_overlap(tools):
    text = seed_path("004").read_text(encoding="utf-8")
    changes = [r.change for r in find_spin_restorations(text, *tools)]
    assert len(changes) > 300
    assert all(text[c.start : c.end] == c.old and c.rule == RULE for c in changes)
    assert all(a.end <= b.start for a, b in zip(changes, changes[1:], strict=False))


def test_restoring_an_article_takes_milliseconds(tools):
    paragraphs = seed_path("004").read_text(encoding="utf-8").split("\n")
    started = time.process_time()
    for paragraph in paragraphs:  # as restore_spin runs it
        find_spin_restorations(paragraph, *tools)
    per_2000_chars = (time.process_time() - started) / sum(map(len, paragraphs)) * 2000
    assert per_2000_chars < 0.04  # 10-14 ms measured, segmentation (~1.5 ms) included


def test_segmenter_loads_in_well_under_a_second():
    started = time.process_time()
    WordSegmenter.load().boundaries("芯片断供")
    assert time.process_time() - started < 1.0  # ~0.2 CPU-seconds measured


def write_context_and_general(folder: Path, general: str = "毕业\t5990\n卒业\t6\n") -> None:
    (folder / "spin_context.tsv").write_text("word\tside\tneighbours\n*\tany\t9:的\n",
                                             encoding="utf-8")
    (folder / "spin_general.tsv").write_text(f"# test\nword\tfreq\n{general}", encoding="utf-8")


def test_unreadable_score_names_the_file_and_line(tmp_path):
    (tmp_path / "spin_restore.tsv").write_text(
        "# test\nspun\toriginal\tscore\tseen\twhy\n卒业\t毕业\thigh\t0\twyc 389:0\n",
        encoding="utf-8",
    )
    write_context_and_general(tmp_path)
    with pytest.raises(RuleError, match=r"rules/spin_restore.tsv:3: score 'high'"):
        SpinRestorer.from_rules(Rules(tmp_path))


def held_out_stories(shared_data: Path) -> list[str]:
    stories = []
    for name in CLEAN_NEWS:
        with (shared_data / name).open(encoding="utf-8") as lines:
            stories += [json.loads(line)["text"] for number, line in enumerate(lines)
                        if held_out_story(number)]
    return stories


def test_clean_news_restored_as_if_spun_is_not_changed(shared_data: Path, tools):
    """The held-out clean stories (left out of the statistics), both halves, run through
    restoration as if they were flagged: no word changes. Among them a long literary THUCNews
    paragraph whose news-rare words stand dense all through it (灭亡 among 时局, 动乱, 虚伪,
    遗忘), once made 灭亡 -> 死亡."""
    stories = held_out_stories(shared_data)
    assert len(stories) > 1800
    changed = [(story[:20], r.change.old, r.change.new) for story in stories
               for paragraph in story.split("\n")
               for r in find_spin_restorations(paragraph, *tools) if r.restored]
    assert changed == []


def test_a_word_general_chinese_writes_often_is_not_taken_for_a_swap(shared_data: Path, tools):
    """灭亡 never stands as a word in the clean news the statistics count, but jieba's
    dictionary counts it 1,157 times to 死亡's 3,335: in the literary paragraph of 灭亡, dense
    in news-rare words (时局, 动乱, 虚伪, 遗忘), the prior odds of general Chinese keep it."""
    paragraph = next(p for story in held_out_stories(shared_data) for p in story.split("\n")
                     if "是在沉默中灭亡" in p)
    perish = next(r for r in find_spin_restorations(paragraph, *tools) if r.change.old == "灭亡")
    assert perish.telltales >= MIN_TELLTALES and perish.density >= SPUN_DENSITY
    assert perish.confidence < RESTORE_AT and not perish.restored
    assert tools[0].originals["灭亡"] == (("死亡", pytest.approx(44.0, abs=0.5)),)  # news: 1,652


def test_a_topic_word_repeated_counts_once_as_evidence(shared_data: Path, tools):
    """DRCD's Wikipedia paragraph on 轮回 uses the word eleven times; counted each time, the
    occurrences made the stretch look spun and 轮回 became 循环 four times. Each is now
    evidence for the others no more: no other telltale form stands near any of them."""
    to_simplified = opencc.OpenCC("t2s")
    with (shared_data / "drcd-zh-tw-wiki.jsonl").open(encoding="utf-8") as lines:
        paragraph = next(text for text in (to_simplified.convert(json.loads(line)["text"])
                                           for line in lines) if "轮回包摄三道" in text)
    samsara = [r for r in find_spin_restorations(paragraph, *tools) if r.change.old == "轮回"]
    assert len(samsara) == 11
    assert all((r.telltales, r.density, r.restored) == (0, 0.0, False) for r in samsara)


def test_rare_form_whose_originals_are_rare_too_is_not_telltale(tools):
    """何在 (never a word in clean news) stands only for 安在 (4 times): an author's rare
    word, not a swap; 浮躁 (3 times) stands for 扎实 (604): a rare form for a common word."""
    restorer = tools[0]
    assert "浮躁" in restorer.telltales
    assert "何在" not in restorer.telltales


def test_unreadable_general_frequency_names_the_file_and_line(tmp_path):
    (tmp_path / "spin_restore.tsv").write_text(
        "# test\nspun\toriginal\tscore\tseen\twhy\n卒业\t毕业\t5.71\t0\twyc 110:0\n",
        encoding="utf-8",
    )
    write_context_and_general(tmp_path, "毕业\tmany\n")
    with pytest.raises(RuleError, match=r"rules/spin_general.tsv:3: freq 'many' .* rebuild"):
        SpinRestorer.from_rules(Rules(tmp_path))


def test_why_without_counts_names_the_file_and_line(tmp_path):
    (tmp_path / "spin_restore.tsv").write_text(
        "# test\nspun\toriginal\tscore\tseen\twhy\n卒业\t毕业\t5.97\t0\twyc\n",
        encoding="utf-8",
    )
    write_context_and_general(tmp_path)
    with pytest.raises(RuleError, match=r"rules/spin_restore.tsv:3: why must end with"):
        SpinRestorer.from_rules(Rules(tmp_path))


def test_spun_commoncrawl_page_is_flagged_and_its_correct_words_stay(shared_data: Path, clean):
    """cwt-cc-2021-43-001, a spun medical advertorial: words an earlier restorer changed
    in its unspun parts stay as they are."""
    with (shared_data / "chinesewebtext-cc-raw.jsonl").open(encoding="utf-8") as lines:
        page = next(row for row in map(json.loads, lines) if row["id"] == "cwt-cc-2021-43-001")
    (doc,) = [d for d in clean(page["text"]) if d.rejected is None]
    assert "spun" in doc.metadata["flags"]
    for kept in ("慢性支气管炎的患者都会常常复发", "建议在医生的指导下", "可以作为辅助用药",
                 "保持情绪平稳"):
        assert kept in doc.text
    replaced = [(e.text, e.replacement) for e in doc.edits
                if e.step == "restore_spin" and e.action == "replace"]
    assert len(replaced) <= 3


def spun_article_count(eval_dir: Path) -> int:
    with (eval_dir / "dev" / "gold.jsonl").open(encoding="utf-8") as lines:
        return sum(bool(a.get("spun")) for entry in map(json.loads, lines)
                   for a in entry["articles"])


def test_dev_spun_articles_are_restored_only_where_right(eval_dir: Path, rules, tools):
    """Each restored word, in the restored text aligned with the expected one, must stand in
    a stretch equal to it (statistics built without the dev articles: 0.994 measured)."""
    pairs = dev_spun_articles(eval_dir, rules)
    assert len(pairs) == spun_article_count(eval_dir) > 0
    right = total = 0
    for gold, text in pairs:
        fixed, offsets, shift = [], [], 0
        for paragraph in text.split("\n"):
            done = [r.change for r in find_spin_restorations(paragraph, *tools) if r.restored]
            for change in done:
                offsets.append((sum(map(len, fixed)) + len(fixed) + change.start + shift,
                                len(change.new)))
                shift += len(change.new) - len(change.old)
            fixed.append(apply_changes(paragraph, done))
            shift = 0
        restored_text = "\n".join(fixed)
        matcher = SequenceMatcher(None, restored_text, gold, autojunk=False)
        agree = {i for tag, a, b, _, _ in matcher.get_opcodes() if tag == "equal"
                 for i in range(a, b)}
        right += sum(all(i in agree for i in range(start, start + size))
                     for start, size in offsets)
        total += len(offsets)
    assert total > 500
    assert right / total >= 0.98
