"""Markdown is parsed with a real parser; plain text keeps one paragraph per line."""


import json

from curate.markup import (
    join_wrapped,
    looks_like_markdown,
    parse_markdown,
    parse_plain,
    parse_text,
)
from tests.fixtures import seed_text


def test_hard_wrapped_lines_join_without_space_between_chinese_characters():
    parsed = parse_markdown("股价飙升超过\n25%。5月底，英伟达股价一度创下新高。\n")
    assert [p.text for p in parsed.paragraphs] == ["股价飙升超过25%。5月底，英伟达股价一度创下新高。"]
    assert parsed.paragraphs[0].lines == (1, 2)


def test_hard_wrapped_english_words_keep_their_space():
    assert join_wrapped("CUDA（Compute Unified Device", "Architecture，一种") == (
        "CUDA（Compute Unified Device Architecture，一种"
    )
    assert join_wrapped("用 GPU 做", "AI 计算") == "用 GPU 做AI 计算"
    assert join_wrapped("MT-", "春晓") == "MT-春晓"


def test_image_and_its_caption_are_removed_and_recorded():
    line = "![](https://inews.gtimg.com/news_bt/ONnN/1000)_来源：视觉中国_\n"
    parsed = parse_markdown(line)
    assert parsed.paragraphs == []
    assert [(e.rule, e.text) for e in parsed.edits] == [
        ("markdown-image", "![](https://inews.gtimg.com/news_bt/ONnN/1000)"),
        ("markdown-image-caption", "来源：视觉中国"),
    ]


def test_setext_heading_and_bold_paragraph_become_plain_text():
    parsed = parse_markdown("**AI算力争夺愈演愈烈**\n--------------\n\n**国产替代下国产GPU的机会**\n")
    assert [(p.text, p.kind) for p in parsed.paragraphs] == [
        ("AI算力争夺愈演愈烈", "heading"),
        ("国产替代下国产GPU的机会", "strong"),
    ]


def test_bold_quote_split_across_lines_is_one_paragraph():
    parsed = parse_markdown("“\n**目前国产GPU的性能还没有能和A100相媲美的产品。**\n")
    assert [p.text for p in parsed.paragraphs] == ["“目前国产GPU的性能还没有能和A100相媲美的产品。"]


def test_markdown_hard_break_separates_credit_lines():
    parsed = parse_markdown("编辑 | 孙春芳  \n运营 | 刘 珊\n")
    assert [(p.text, p.lines) for p in parsed.paragraphs] == [
        ("编辑 | 孙春芳", (1, 1)),
        ("运营 | 刘 珊", (2, 2)),
    ]


def test_seed_000_and_002_are_markdown_and_the_plain_seeds_are_not():
    assert looks_like_markdown(seed_text("000"))
    assert looks_like_markdown(seed_text("002"))
    assert not looks_like_markdown(seed_text("001"))
    assert not looks_like_markdown(seed_text("003"))
    assert not looks_like_markdown(seed_text("004"))


def test_plain_text_keeps_one_paragraph_per_line_with_line_numbers():
    parsed = parse_plain("熱門資訊> 正文\n2025-07-19 11:04\n\n　　這是英偉達創始人黃仁勛的最新表態。\n")
    assert [(p.text, p.lines) for p in parsed.paragraphs] == [
        ("熱門資訊> 正文", (1, 1)),
        ("2025-07-19 11:04", (2, 2)),
        ("這是英偉達創始人黃仁勛的最新表態。", (4, 4)),
    ]


def test_separator_line_in_plain_text_written_a_paragraph_a_line_is_not_markdown():
    page = "《清洁》：东方式内敛与摇滚现实\n文：眉间尺\n------------------------------\n我的博客\n"
    assert not looks_like_markdown(page)


def test_setext_rule_in_text_of_blank_line_separated_paragraphs_is_markdown():
    assert looks_like_markdown("AI算力争夺愈演愈烈\n--------------\n\n国产替代下国产GPU的机会\n")


def test_html_entities_left_in_plain_text_become_their_characters():
    parsed = parse_text("据报道，托马斯&middot;帕蒂是&ldquo;中场核心&rdquo;&#65292;身价上涨&amp;middot;")
    assert [p.text for p in parsed.paragraphs] == ["据报道，托马斯·帕蒂是“中场核心”，身价上涨·"]
    assert [(e.step, e.rule, e.action, e.text, e.replacement, e.line) for e in parsed.edits] == [
        ("parse_markup", "html-entity", "replace", "&middot;", "·", 1),
        ("parse_markup", "html-entity", "replace", "&ldquo;", "“", 1),
        ("parse_markup", "html-entity", "replace", "&rdquo;", "”", 1),
        ("parse_markup", "html-entity", "replace", "&#65292;", "，", 1),
        ("parse_markup", "html-entity", "replace", "&amp;middot;", "·", 1),
    ]


def test_ampersands_that_are_no_entity_stay():
    line = "链接 https://example.com/a?id=3&para=2 与 R&D 部门、AT&T 公司 &unknownname; 保留"
    parsed = parse_text(line)
    assert [p.text for p in parsed.paragraphs] == [line]
    assert parsed.edits == []


def test_entities_for_markup_characters_are_left_to_the_markdown_parser():
    parsed = parse_text("# 标题\n\n比较 a &lt; b 与 &#42;星号&#42; 和&middot;号\n", markdown=True)
    assert [p.text for p in parsed.paragraphs] == ["标题", "比较 a < b 与 *星号* 和·号"]
    assert [(e.text, e.replacement) for e in parsed.edits] == [("&middot;", "·")]


def test_entities_of_real_pages_are_decoded(shared_data):
    rows = (shared_data / "chinesewebtext-cc-raw.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(row)["text"] for row in rows if "&middot;" in row]
    assert texts
    for text in texts:
        assert not any("&middot;" in p.text for p in parse_text(text).paragraphs)
