"""Specification of `curate.io.html`: the main text and metadata of Chinese news pages.

The pages below are written in the markup Chinese news sites use: a menu, a breadcrumb, the
headline and a byline, the article's paragraphs, a list of related links and a footer with a
copyright and an ICP licence number; one is an old portal page laid out with tables, one has an
ad table inside a paragraph. The last tests read real pages with hand-extracted text
(``web-extraction-gold-cwced.jsonl``, MIT, and ``web-extraction-gold-magichtml.jsonl``).
"""

from __future__ import annotations

import doctest
import json
import statistics

import regex
from rapidfuzz.distance import Levenshtein

from curate.io import html
from curate.io.html import (
    densest_run,
    extract_article,
    find_byline,
    find_date,
    page_blocks,
    parse_page,
)
from curate.io.readers import InputFile, ReadOptions, read_documents

NEWS_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>长春冰雪旅游迎来客流高峰_新华网</title></head>
<body>
<div class="topnav"><a href="/">首页</a> | <a href="/politics/">时政</a> | <a href="/fortune/">财经</a> | <a href="/local/">地方</a></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/local/">地方</a> &gt; 正文</div>
<div class="main">
  <h1>长春冰雪旅游迎来客流高峰</h1>
  <div class="info">2024-01-15 09:30:12 来源：新华网 记者 王建宏 张文攀</div>
  <div class="article">
    <p>　　新华社长春1月15日电 入冬以来，长春冰雪新天地、净月潭等景区接待游客人数持续攀升，冰雪旅游迎来客流高峰。</p>
    <p>　　“今年的冰雕比往年更大，夜里灯光一开特别好看。”来自广州的游客李女士说，她和家人专程来长春过周末。</p>
    <p>　　据长春市文化广电和旅游局统计，元旦假期全市共接待游客三百余万人次，同比增长百分之四十以上。</p>
    <p>　　为迎接客流高峰，景区延长了开放时间，增开了旅游专线公交，并在主要路口设置了志愿服务点。</p>
  </div>
  <div class="related"><h3>相关新闻</h3><ul>
    <li><a href="/a1.htm">吉林雾凇岛迎来观赏季</a></li>
    <li><a href="/a2.htm">哈尔滨冰雪大世界开园</a></li>
    <li><a href="/a3.htm">东北多地推出冰雪旅游线路</a></li>
  </ul></div>
</div>
<div class="footer"><p><a href="/about/">关于我们</a> | <a href="/contact/">联系我们</a></p>
<p>Copyright © 2000-2024 XINHUANET.com All Rights Reserved. 京ICP备12345678号</p></div>
</body></html>"""

# A news page with a page header holding a carousel of headlines, the article in <article>
# with its own <header>, and after it a list of teasers: a headline link and a summary an item.
TEASER_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>长春冰雪旅游迎来客流高峰</title></head>
<body>
<header class="site"><ul>
  <li>各地冰雪旅游活跃度明显上升</li><li>吉林雾凇岛迎来今冬最佳观赏期</li><li>哈尔滨冰雪大世界今日正式开园</li>
</ul></header>
<div class="main">
<article>
  <header><h1>长春冰雪旅游迎来客流高峰</h1></header>
  <p>　　新华社长春1月15日电 入冬以来，长春冰雪新天地、净月潭等景区接待游客人数持续攀升，冰雪旅游迎来客流高峰。</p>
  <p>　　“今年的冰雕比往年更大，夜里灯光一开特别好看。”来自广州的游客李女士说，她和家人专程来长春过周末。</p>
  <p>　　据长春市文化广电和旅游局统计，元旦假期全市共接待游客三百余万人次，同比增长百分之四十以上。</p>
  <p>　　为迎接客流高峰，景区延长了开放时间，增开了旅游专线公交，并在主要路口设置了志愿服务点。</p>
</article>
<ul class="stream">
  <li class="item"><div><h3><a href="/a1.htm">吉林雾凇岛迎来今冬最佳观赏期</a></h3>
    <p>连日来，吉林市雾凇岛迎来今冬最佳观赏期，大批游客前来拍摄雾凇美景，当地民宿一房难求。</p></div></li>
  <li class="item"><div><h3><a href="/a2.htm">哈尔滨冰雪大世界今日正式开园</a></h3>
    <p>第二十五届哈尔滨冰雪大世界今日正式开园，园区总面积八十一万平方米，用冰用雪量均创新高。</p></div></li>
  <li class="item"><div><h3><a href="/a3.htm">东北多地推出冰雪旅游精品线路</a></h3>
    <p>辽宁、吉林、黑龙江三省联合推出十条冰雪旅游精品线路，串联起滑雪场、温泉和民俗村落。</p></div></li>
</ul>
</div>
</body></html>"""

# A forum thread: every reply shows its poster, the poster's rank and the time it was posted.
FORUM_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>游戏全屏问题，希望大家能出个主意</title></head><body>
<div id="postlist">
<div class="post"><div class="author"><a href="/u/1">lizhe2008</a><p>新手上路, 积分 5, 距离下一级还需 45 积分</p></div>
<div class="body"><p>发表于 2024-5-18 19:27:00</p><p>游戏全屏之后屏幕两边是黑的，显卡驱动已经更新到最新版本了，还是不行，希望大家能出个主意！</p></div></div>
<div class="post"><div class="author"><a href="/u/2">冬天的雪</a><p>新手上路, 积分 4, 距离下一级还需 46 积分</p></div>
<div class="body"><p>发表于 2024-5-18 20:02:13</p><p>在显卡控制面板里把缩放模式改成全屏，再把游戏里的分辨率调成和显示器一样就可以了。</p></div></div>
<div class="post"><div class="author"><a href="/u/3">sky_walker</a><p>注册会员, 积分 53, 距离下一级还需 147 积分</p></div>
<div class="body"><p>发表于 2024-5-19 08:41:55</p><p>楼上说得对，我也是这样解决的，另外记得把桌面分辨率也改回推荐值。</p></div></div>
</div></body></html>"""

NEWS_PARAGRAPHS = [
    "新华社长春1月15日电 入冬以来，长春冰雪新天地、净月潭等景区接待游客人数持续攀升，冰雪旅游迎来客流高峰。",
    "“今年的冰雕比往年更大，夜里灯光一开特别好看。”来自广州的游客李女士说，她和家人专程来长春过周末。",
    "据长春市文化广电和旅游局统计，元旦假期全市共接待游客三百余万人次，同比增长百分之四十以上。",
    "为迎接客流高峰，景区延长了开放时间，增开了旅游专线公交，并在主要路口设置了志愿服务点。",
]

# An old portal page: the article is one table cell with <br><br> between paragraphs, beside
# a cell of links, under a menu row and above a copyright row; it declares GB2312, and the
# reader has already decoded it.
TABLE_LAYOUT_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>南通彩民中奖四年后的人生</title></head>
<body><table width="760" border="0">
<tr><td colspan="2"><a href="/">首页</a> | <a href="/news/">新闻中心</a> | <a href="/bbs/">论坛</a> | <a href="/blog/">博客</a></td></tr>
<tr><td width="600" valign="top"><font size="4"><b>南通彩民中奖四年后的人生</b></font><br>
作者：尹娟　　2005-03-21 11:21<br><br>
　　2001年农历除夕夜，南通一乡镇卫生院的医生孙启勤意外地获得了500万元的体彩大奖，成为让无数人羡慕不已的幸运儿。<br><br>
　　然而4年后的今天，他不仅数百万元资金被消耗一空，遭遇了亲情的背离，自己还身患癌症，人生的不幸让人们唏嘘不已。<br><br>
　　为何财富之神对他眷顾又抛弃？近日，本刊记者经历了近4个小时的车程赶赴南通海安县，与这位传奇彩民见了面。<br><br>
　　见到记者时，孙启勤正坐在自家小院里晒太阳，说起四年来的经历，他沉默了很久才开口。</td>
<td width="160" valign="top"><a href="/1.htm">体彩销量创新高</a><br><a href="/2.htm">福彩公益金使用公告</a><br><a href="/3.htm">彩民必读</a></td></tr>
<tr><td colspan="2">版权所有 南通热线 苏ICP备05001234号</td></tr></table></body></html>"""

DATA_TABLE_PAGE = """<html><head><title>全省粮食产量再创新高</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/tjsj/">统计数据</a> <a href="/tzgg/">通知公告</a></div>
<div class="content"><h1>全省粮食产量再创新高</h1>
<p>省统计局今天发布公告，全省粮食总产量连续三年稳定在八百亿斤以上，再创历史新高。其中玉米产量增长明显，水稻和大豆产量保持稳定，主要作物产量如下表所示。</p>
<table><tr><th>作物</th><th>产量（万吨）</th></tr><tr><td>玉米</td><td>3200</td></tr><tr><td>水稻</td><td>680</td></tr><tr><td>大豆</td><td>95</td></tr></table>
<p>统计局有关负责人表示，今年全省将继续落实最严格的耕地保护制度，稳定粮食播种面积，推广高产品种和先进农机装备，确保粮食安全和重要农产品稳定供给。</p>
<p>据介绍，全省高标准农田面积已超过四千万亩，农业科技进步贡献率达到百分之六十以上，为粮食连年丰收提供了有力支撑。</p></div>
<div class="footer">主办：省统计局 版权所有 吉ICP备05000001号</div>
</body></html>"""

# A news page whose third paragraph holds an ad table: HTML closes the <p> at the <table>, and
# the paragraph's second half is left loose after the table.
AD_IN_PARAGRAPH_PAGE = NEWS_PAGE.replace(
    "<p>　　据长春市文化广电和旅游局统计，元旦假期",
    "<p>　　据长春市文化广电和旅游局统计，<table class=\"ad\"><tr><td><a href=\"/ad/1\">冰雪季门票"
    "限时特惠</a></td><td><a href=\"/ad/2\">立即抢购</a></td></tr></table>元旦假期")

# Every third page of the gold set as stored, and the mean similarity measured on them (0.899;
# trafilatura with default settings on the same strings: 0.859), less a small margin.
# The news page on an endless page: the next story follows with a headline of the same shape.
NEXT_STORY = """<div class="next"><h1 class="article__title">哈尔滨冰雪大世界今日正式开园</h1>
  <div class="info">2024-01-16 08:00:00 来源：新华网</div>
  <div class="article">
    <p>　　新华社哈尔滨1月16日电 第二十六届哈尔滨冰雪大世界16日正式开园，园区总面积八十一万平方米。</p>
    <p>　　今年的冰雪大世界用冰量达二十五万立方米，建成冰雪景观一千余处，开园首日迎来游客四万余人次。</p>
  </div></div>"""
ENDLESS_PAGE = NEWS_PAGE.replace("<h1>", '<h1 class="article__title">').replace(
    '<div class="related">', NEXT_STORY + '<div class="related">')
# The news page with a list of latest stories inside its article: a headline link, its date,
# paper and reads a row, with less link text than other text.
LATEST_ROWS = """  <div class="latest"><ol>
    <li><a href="/b1.htm">吉林雾凇岛迎来今冬最佳观赏期</a><span>2024-01-14 10:20:35 吉林日报 阅读 1203</span></li>
    <li><a href="/b2.htm">哈尔滨冰雪大世界今日开园</a><span>2024-01-13 18:02:11 黑龙江日报 阅读 986</span></li>
    <li><a href="/b3.htm">东北三省推出冰雪旅游线路</a><span>2024-01-12 09:15:40 辽宁日报 阅读 2210</span></li>
  </ol></div>
"""
LATEST_ROWS_PAGE = NEWS_PAGE.replace(
    '  </div>\n  <div class="related">', LATEST_ROWS + '  </div>\n  <div class="related">')
GOLD_FILE = "web-extraction-gold-cwced.jsonl"
GOLD_SAMPLE_STEP = 3
GOLD_SIMILARITY_FLOOR = 0.88
# The magic-html pages (bench/html_extraction.py): gold line characters recovered and output
# line characters that are gold, pooled, measured at 0.963 and 0.965; less a small margin.
MAGIC_HTML_FILE = "web-extraction-gold-magichtml.jsonl"
MAGIC_HTML_RECOVERED_FLOOR = 0.95
MAGIC_HTML_PRECISION_FLOOR = 0.955
_SPACE = regex.compile(r"\s+")


def test_news_page_keeps_headline_byline_and_paragraphs_and_drops_menus_related_links_and_footer():
    article = extract_article(NEWS_PAGE)
    assert article.text.splitlines() == [
        "长春冰雪旅游迎来客流高峰",
        "2024-01-15 09:30:12 来源：新华网 记者 王建宏 张文攀",
        *NEWS_PARAGRAPHS,
    ]
    assert article.metadata["title"] == "长春冰雪旅游迎来客流高峰"
    assert article.metadata["author"] == "王建宏 张文攀"
    assert article.created == "2024-01-15T09:30:12"
    assert article.extractor == "trafilatura"


def test_page_text_left_out_of_the_article_is_counted():
    article = extract_article(NEWS_PAGE)
    left_out = ["首页|时政|财经|地方", "当前位置：首页>地方>正文", "相关新闻", "吉林雾凇岛迎来观赏季",
                "哈尔滨冰雪大世界开园", "东北多地推出冰雪旅游线路", "关于我们|联系我们",
                "Copyright©2000-2024XINHUANET.comAllRightsReserved.京ICP备12345678号"]
    assert article.removed_chars == sum(len(text) for text in left_out)


def test_page_blocks_left_out_are_listed_run_by_run_with_their_text_and_dom_path():
    article = extract_article(NEWS_PAGE)
    assert [(run.text, run.path, run.blocks) for run in article.left_out] == [
        ("首页 | 时政 | 财经 | 地方\n当前位置：首页 > 地方 > 正文", '/html/body/div[1][@class="topnav"]', 2),
        ("相关新闻\n吉林雾凇岛迎来观赏季\n哈尔滨冰雪大世界开园\n东北多地推出冰雪旅游线路\n关于我们 | 联系我们\n"
         "Copyright © 2000-2024 XINHUANET.com All Rights Reserved. 京ICP备12345678号",
         "/html/body/div[3]/div[3]/h3", 6),
    ]


def test_html_document_records_each_run_left_out_as_an_edit_that_names_where_it_stood(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(NEWS_PAGE, encoding="utf-8")
    (document,) = read_documents(InputFile(path, path.name), ReadOptions(source="test"))
    left_out = [edit for edit in document.edits if edit.step == "read"]
    assert [(edit.rule, edit.action, edit.text.splitlines()[0]) for edit in left_out] == [
        ("html-boilerplate-trafilatura", "remove", "首页 | 时政 | 财经 | 地方"),
        ("html-boilerplate-trafilatura", "remove", "相关新闻"),
    ]
    assert left_out[0].why == ('outside the main text trafilatura kept: 2 page blocks from '
                               '/html/body/div[1][@class="topnav"]')



def test_the_read_edit_of_blocks_left_out_by_a_structural_check_says_which_check(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(TEASER_PAGE, encoding="utf-8")
    (document,) = read_documents(InputFile(path, path.name), ReadOptions(source="test"))
    whys = [edit.why for edit in document.edits if edit.step == "read"]
    assert ("in a list of teasers, each a <li> under a headline link: 1 page block from "
            "/html/body/div/ul/li[1]/div/p") in whys
    assert ("outside the main text trafilatura kept: 3 page blocks from "
            "/html/body/header/ul/li[1]") in whys

def test_page_header_carousel_and_list_of_teasers_are_left_out_and_the_article_header_kept():
    article = extract_article(TEASER_PAGE)
    assert article.text.splitlines() == ["长春冰雪旅游迎来客流高峰", *NEWS_PARAGRAPHS]
    teaser = "in a list of teasers, each a <li> under a headline link"
    assert [(run.path, run.blocks, run.why) for run in article.left_out] == [
        ("/html/body/header/ul/li[1]", 3, ""),
        ("/html/body/div/ul/li[1]/div/h3", 1, ""), ("/html/body/div/ul/li[1]/div/p", 1, teaser),
        ("/html/body/div/ul/li[2]/div/h3", 1, ""), ("/html/body/div/ul/li[2]/div/p", 1, teaser),
        ("/html/body/div/ul/li[3]/div/h3", 1, ""), ("/html/body/div/ul/li[3]/div/p", 1, teaser)]
    assert article.left_out[2].text == (
        "连日来，吉林市雾凇岛迎来今冬最佳观赏期，大批游客前来拍摄雾凇美景，当地民宿一房难求。")


def test_next_story_of_an_endless_page_under_a_headline_of_the_same_shape_is_left_out():
    article = extract_article(ENDLESS_PAGE)
    assert article.text.splitlines() == [
        "长春冰雪旅游迎来客流高峰", "2024-01-15 09:30:12 来源：新华网 记者 王建宏 张文攀", *NEWS_PARAGRAPHS]
    assert [(run.path, run.blocks, run.why) for run in article.left_out][1] == (
        '/html/body/div[3]/div[3]/h1[@class="article__title"]', 4,
        'in another article, under /html/body/div[3]/div[3]/h1[@class="article__title"], a '
        'heading shaped as the one that names the page, /html/body/div[3]/h1[@class="article__title"]')


def test_next_story_is_kept_without_the_structural_furniture_check(monkeypatch):
    monkeypatch.setattr(html, "page_furniture", lambda *page: set())
    assert extract_article(ENDLESS_PAGE).text.splitlines()[-1] == (
        "今年的冰雪大世界用冰量达二十五万立方米，建成冰雪景观一千余处，开园首日迎来游客四万余人次。")


def test_rows_of_a_headline_link_and_its_date_are_left_out_though_mostly_not_link_text(
        monkeypatch):
    article = extract_article(LATEST_ROWS_PAGE)
    assert article.text.splitlines()[-4:] == NEWS_PARAGRAPHS
    assert ("/html/body/div[3]/div[2]/div/ol/li[1]", 3,
            "in a list of headline links, each a <li> with a date or source") in [
        (run.path, run.blocks, run.why) for run in article.left_out]
    monkeypatch.setattr(html, "page_furniture", lambda *page: set())
    assert extract_article(LATEST_ROWS_PAGE).text.splitlines()[-1] == (
        "东北三省推出冰雪旅游线路2024-01-12 09:15:40 辽宁日报 阅读 2210")


def test_teaser_summaries_are_kept_without_the_structural_furniture_check(monkeypatch):
    monkeypatch.setattr(html, "page_furniture", lambda *page: set())
    assert extract_article(TEASER_PAGE).text.splitlines()[-1] == (
        "辽宁、吉林、黑龙江三省联合推出十条冰雪旅游精品线路，串联起滑雪场、温泉和民俗村落。")


def test_forum_replies_keep_their_text_and_lose_the_time_row_every_reply_repeats():
    article = extract_article(FORUM_PAGE)
    assert article.text.splitlines() == [
        "新手上路, 积分 5, 距离下一级还需 45 积分",
        "游戏全屏之后屏幕两边是黑的，显卡驱动已经更新到最新版本了，还是不行，希望大家能出个主意！",
        "新手上路, 积分 4, 距离下一级还需 46 积分",
        "在显卡控制面板里把缩放模式改成全屏，再把游戏里的分辨率调成和显示器一样就可以了。",
        "注册会员, 积分 53, 距离下一级还需 147 积分",
        "楼上说得对，我也是这样解决的，另外记得把桌面分辨率也改回推荐值。",
    ]
    assert [run.text for run in article.left_out if run.text.startswith("发表于")] == [
        "发表于 2024-5-18 19:27:00", "发表于 2024-5-18 20:02:13", "发表于 2024-5-19 08:41:55"]


def test_user_name_above_a_reply_is_no_headline_and_replies_are_no_list_of_teasers():
    blocks = page_blocks(parse_page(FORUM_PAGE))
    furniture = html.page_furniture(blocks)
    assert [block.text for block in blocks if _SPACE.sub("", block.text) in furniture] == []


def test_metadata_is_read_once_whatever_trafilatura_is_asked(monkeypatch):
    calls = []
    read = html.page_metadata
    monkeypatch.setattr(html, "page_metadata", lambda *args: calls.append(args) or read(*args))
    monkeypatch.setattr(html, "SHORT_SHARE", 2.0)  # always ask for a second opinion
    article = extract_article(NEWS_PAGE)
    assert len(calls) == 1
    assert article.metadata["title"] == "长春冰雪旅游迎来客流高峰"


def test_paragraph_an_ad_table_splits_keeps_its_second_half_and_the_ad_is_left_out():
    article = extract_article(AD_IN_PARAGRAPH_PAGE)
    assert article.text.splitlines()[-4:] == NEWS_PARAGRAPHS
    assert ("冰雪季门票限时特惠\n立即抢购", "/html/body/div[3]/div[2]/table/tr/td[1]", 2) in [
        (run.text, run.path, run.blocks) for run in article.left_out]


def test_table_layout_page_splits_the_article_cell_at_its_line_breaks_and_leaves_the_link_column():
    article = extract_article(TABLE_LAYOUT_PAGE)
    assert article.text.splitlines() == [
        "南通彩民中奖四年后的人生",
        "作者：尹娟 2005-03-21 11:21",
        "2001年农历除夕夜，南通一乡镇卫生院的医生孙启勤意外地获得了500万元的体彩大奖，成为让无数人羡慕不已的幸运儿。",
        "然而4年后的今天，他不仅数百万元资金被消耗一空，遭遇了亲情的背离，自己还身患癌症，人生的不幸让人们唏嘘不已。",
        "为何财富之神对他眷顾又抛弃？近日，本刊记者经历了近4个小时的车程赶赴南通海安县，与这位传奇彩民见了面。",
        "见到记者时，孙启勤正坐在自家小院里晒太阳，说起四年来的经历，他沉默了很久才开口。",
        # An unmarked footer row stays for the pipeline's drop_boilerplate (copyright-notice).
        "版权所有 南通热线 苏ICP备05001234号",
    ]
    assert article.metadata["author"] == "尹娟"
    assert article.created == "2005-03-21T11:21:00"


def test_data_table_in_an_article_keeps_one_line_a_row():
    article = extract_article(DATA_TABLE_PAGE)
    lines = article.text.splitlines()
    assert lines[2:6] == ["作物 产量（万吨）", "玉米 3200", "水稻 680", "大豆 95"]
    assert lines[0] == "全省粮食产量再创新高" and len(lines) == 8
    assert "首页" not in article.text and "ICP" not in article.text


def test_page_opening_with_an_xml_declaration_of_gbk_is_read_from_the_decoded_string():
    page = '<?xml version="1.0" encoding="gbk"?>\n' + NEWS_PAGE.removeprefix("<!DOCTYPE html>\n")
    assert extract_article(page).text.splitlines()[2:] == NEWS_PARAGRAPHS


def test_page_that_never_closes_its_font_tags_keeps_every_paragraph():
    # Each unclosed <font> nests the rest of the page one level deeper; libxml2's default
    # limit of 255 levels silently dropped the last 146 paragraphs of this page.
    body = "".join(f"<font color=red>第{number}段，讲述国产芯片的发展与市场竞争格局的变化。<br>"
                   for number in range(400))
    article = extract_article(f"<html><body><a href='/'>首页</a><br>{body}</body></html>")
    lines = article.text.splitlines()
    assert len(lines) == 400 and lines[-1] == "第399段，讲述国产芯片的发展与市场竞争格局的变化。"


def test_empty_page_gives_an_empty_article():
    for page in ("", "   \n", "<html></html>"):
        article = extract_article(page)
        assert article.text == "" and article.removed_chars == 0


def test_when_trafilatura_keeps_nothing_the_densest_run_of_prose_is_the_article(monkeypatch):
    monkeypatch.setattr(html.trafilatura, "bare_extraction", lambda tree, **settings: None)
    article = extract_article(NEWS_PAGE)
    assert article.extractor == "text-density"
    assert article.text.splitlines() == [
        "长春冰雪旅游迎来客流高峰",
        "2024-01-15 09:30:12 来源：新华网 记者 王建宏 张文攀",
        *NEWS_PARAGRAPHS,
    ]
    assert (article.metadata["author"], article.created) == ("王建宏 张文攀", "2024-01-15T09:30:12")


def test_densest_run_of_a_table_layout_stops_at_the_menu_row_and_the_link_column():
    blocks = page_blocks(parse_page(TABLE_LAYOUT_PAGE))
    assert blocks[0].text == "首页 | 新闻中心 | 论坛 | 博客" and blocks[0].link_chars == 10
    run = [block.text for block in densest_run(blocks)]
    assert run[:2] == ["南通彩民中奖四年后的人生", "作者：尹娟 2005-03-21 11:21"]
    assert run[-1] == "见到记者时，孙启勤正坐在自家小院里晒太阳，说起四年来的经历，他沉默了很久才开口。"
    assert len(run) == 6


def test_byline_names_the_writers_of_real_pages_and_not_a_verb_after_记者():
    # Lines of pages in the gold set.
    assert find_byline(["光明日报记者 王建宏 张文攀"]) == "王建宏 张文攀"
    assert find_byline(["本报记者罗科苏盈发自北京"]) == "罗科苏盈"
    assert find_byline(["新京报记者 彭冲 山东冠县报道"]) == "彭冲"
    assert find_byline(["执笔人：闵乐夫 赵兰波 刘韬 刘晋芳 胡玉顺"]) == "闵乐夫 赵兰波 刘韬 刘晋芳 胡玉顺"
    assert find_byline(["作者:zboygirl 阅读(1660) 评论(5) 编辑 发表于:2005-07-31 12:30"]) == "zboygirl"
    assert find_byline(["据新华社拉萨电（记者 格桑边觉）记者近日从西藏自治区农业农村厅召开的全区农牧业工作会议上了解到"]) == "格桑边觉"
    assert find_byline(["记者了解到，西吉县土豆种植面积为66万亩。"]) is None


def test_date_is_the_first_valid_one_and_keeps_its_time():
    assert find_date(["BUSINESS.SOHU.COM 2004年7月16日08:19 [ 黄宇 ] 来源：[ 国际金融报 ]"]) == "2004-07-16T08:19:00"
    assert find_date(["〓 网易娱乐 发布时间 2005/03/15 22:36:13 by duscha 〓"]) == "2005-03-15T22:36:13"
    assert find_date(["点击：313", "2022-02-13"]) == "2022-02-13"
    assert find_date(["第2005-13-40期"]) is None


def test_module_examples_hold():
    assert doctest.testmod(html).failed == 0


def test_gold_pages_stay_as_close_to_the_hand_extracted_text_as_measured(shared_data):
    rows = [json.loads(line) for line in
            (shared_data / GOLD_FILE).read_text(encoding="utf-8").splitlines()]
    sample = rows[::GOLD_SAMPLE_STEP]
    similarities = [
        Levenshtein.normalized_similarity(
            _SPACE.sub("", extract_article(row["meta"]["html"]).text), _SPACE.sub("", row["text"])
        )
        for row in sample
    ]
    assert statistics.fmean(similarities) >= GOLD_SIMILARITY_FLOOR


def test_magic_html_pages_recover_the_gold_lines_and_little_else_as_measured(shared_data):
    recovered = gold = kept = output = 0
    for line in (shared_data / MAGIC_HTML_FILE).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        extracted = extract_article(row["meta"]["html"]).text
        text, gold_text = _SPACE.sub("", extracted), _SPACE.sub("", row["text"])
        gold_lines, text_lines = _long_lines(row["text"]), _long_lines(extracted)
        recovered += sum(len(g) for g in gold_lines if g in text)
        gold += sum(map(len, gold_lines))
        kept += sum(len(t) for t in text_lines if t in gold_text)
        output += sum(map(len, text_lines))
    assert recovered / gold >= MAGIC_HTML_RECOVERED_FLOOR
    assert kept / output >= MAGIC_HTML_PRECISION_FLOOR


def _long_lines(text: str) -> list[str]:
    squeezed = (_SPACE.sub("", line) for line in text.splitlines())
    return [line for line in squeezed if len(line) >= 10]


def test_a_page_read_twice_is_extracted_once_and_then_afresh():
    page = ("<html><body><p>作者：李明 2024-03-05 10:20</p>"
            "<p>春节过后，长春的天气逐渐转暖，市民纷纷走出家门，公园里又热闹了起来。</p></body></html>")
    first = html.extract_article_once(page)
    assert html.extract_article_once(page) is first  # the cleaning pass gets the counting pass's
    again = html.extract_article_once(page)
    assert again is not first and again == first == html.extract_article(page)


def test_academic_page_keeps_the_abstract_trafilatura_took_for_the_page_header(shared_data):
    path = shared_data / GOLD_FILE
    row = next(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
               if json.loads(line)["id"] == "cwced-2397c95d-2de8-4ca5-a569-4fffd20b9d50")
    page = regex.sub(r"\A\s*<text\b[^>]*>|</text>\s*\Z", "", row["meta"]["html"])
    lines = extract_article(page).text.splitlines()
    assert lines[0].startswith("摘要: 本文基于网络化购物普及的背景下，叙述了电子商务和物流配送")
    assert lines[1] == "1. 电子商务物流配送概述"


CAPTION = "长春冰雪新天地的冰雕夜景（新华社记者 许畅 摄）"
CAPTIONED_PAGE = NEWS_PAGE.replace(
    "    <p>　　“今年的冰雕",
    '    <div class="image-container"><div class="image-wrapper"><img src="/p/1.jpg"></div>'
    f'<div class="image-caption">{CAPTION}</div></div>\n    <p>　　“今年的冰雕')


def test_caption_between_two_paragraphs_trafilatura_dropped_is_kept_in_its_place(monkeypatch):
    assert extract_article(CAPTIONED_PAGE).text.splitlines()[2:] == [
        NEWS_PARAGRAPHS[0], CAPTION, *NEWS_PARAGRAPHS[1:]]
    monkeypatch.setattr(html, "GAP_BLOCKS", 0)
    assert extract_article(CAPTIONED_PAGE).text.splitlines()[2:] == NEWS_PARAGRAPHS


def test_blocks_between_article_lines_are_kept_unless_under_a_heading_or_a_menu():
    page = ("<html><body><h1>长春冰雪旅游迎来客流高峰</h1><div>2024-01-15 来源：新华网</div>"
            f"<p>{NEWS_PARAGRAPHS[0]}</p><div>{CAPTION}</div><p>{NEWS_PARAGRAPHS[1]}</p>"
            f"<div><a href='/a1.htm'>吉林雾凇岛迎来观赏季</a></div><p>{NEWS_PARAGRAPHS[2]}</p>"
            "</body></html>")
    blocks = page_blocks(parse_page(page))
    lines = ["长春冰雪旅游迎来客流高峰", *NEWS_PARAGRAPHS[:3]]
    assert html.with_gaps(lines, blocks, set(), {}) == [
        "长春冰雪旅游迎来客流高峰", NEWS_PARAGRAPHS[0], CAPTION, *NEWS_PARAGRAPHS[1:3]]
    # a line taken out on purpose stays out
    dropped = {_SPACE.sub("", CAPTION): "a row of a shape repeated 3 times in the text"}
    assert html.with_gaps(lines, blocks, set(), dropped) == lines


def test_thread_whose_extracted_article_is_tabs_and_counts_takes_the_densest_run(shared_data):
    row = next(json.loads(line) for line in
               (shared_data / MAGIC_HTML_FILE).read_text(encoding="utf-8").splitlines()
               if json.loads(line)["id"] == "magic-html-forum-20373e03defc0ad0")
    article = extract_article(row["meta"]["html"])
    text = _SPACE.sub("", article.text)
    gold_lines = _long_lines(row["text"])
    assert article.extractor == "text-density"
    assert sum(len(line) for line in gold_lines if line in text) >= 0.9 * sum(map(len, gold_lines))
