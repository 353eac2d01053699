"""Inline gambling spam: brand runs spliced into sentences go, honest mentions stay.

Positive lines are modelled on CommonCrawl 2021-43 pages of ChineseWebText (a few short
phrases quoted from them); negative lines use the wording of clean news.
"""

from __future__ import annotations

import json
import shutil

import pytest

from curate.clean.inline_spam import (
    LINK_LIST_RULE,
    _paragraph_local,
    find_injected_spam,
    inline_spam_rules,
    is_mostly_spam,
    spam_share,
)
from curate.edits import apply_changes
from curate.rules import RuleError, Rules

GAMBLING = "inline-spam:gambling"


def without_spam(text: str, rules: Rules) -> str:
    return apply_changes(text, find_injected_spam(text, rules))


def removed(text: str, rules: Rules) -> list[tuple[str, str]]:
    return [(change.rule, change.old) for change in find_injected_spam(text, rules)]


def test_brand_run_spliced_after_a_time_goes_with_its_label_colon(rules):
    line = "据省应急管理厅消息：3月11日凌晨，王者威尼斯人现金网网址：某县一家制药公司发生爆炸事故。"
    assert without_spam(line, rules) == "据省应急管理厅消息：3月11日凌晨，某县一家制药公司发生爆炸事故。"
    (change,) = find_injected_spam(line, rules)
    assert (change.rule, change.old, change.new) == (GAMBLING, "王者威尼斯人现金网网址：", "")
    assert line[change.start : change.end] == change.old


def test_brand_run_as_a_line_label_goes_with_its_separator(rules):
    assert without_spam("yabo手机版登录:冻生开杂色蛤肉", rules) == "冻生开杂色蛤肉"
    assert without_spam("文章摘要：乐虎国际登录器下载,闪电竟然有龙道圣沉声开口道", rules) == (
        "文章摘要：闪电竟然有龙道圣沉声开口道"
    )


def test_brand_run_filling_brackets_or_quotes_goes_with_them(rules):
    assert without_spam("德邦物流能否成功代替快递巨头顺丰？【欧宝体育app】", rules) == (
        "德邦物流能否成功代替快递巨头顺丰？"
    )
    assert without_spam("‘华体会’自然资源部抽查陕西省绿色矿山遴选情况", rules) == (
        "自然资源部抽查陕西省绿色矿山遴选情况"
    )
    assert removed("【金沙网站】集团董事局主席表示", rules) == [(GAMBLING, "【金沙网站】")]


def test_brand_glued_inside_a_sentence_goes_alone(rules):
    assert without_spam("大口径ope体育app下载手机版的重要性质是什么？", rules) == (
        "大口径的重要性质是什么？"
    )
    assert without_spam("航空报价bt365手机下载首页摩根大学。", rules) == "航空报价摩根大学。"
    assert without_spam("作为js333金沙线路国落实“双碳”工作的顶层设计", rules) == (
        "作为国落实“双碳”工作的顶层设计"
    )


def test_made_up_vip_club_name_put_where_a_company_was_is_removed(rules):
    line = "在凌云县，美狮贵宾会挂职干部走村入户，了解复工困难。"
    assert removed(line, rules) == [("inline-spam:gambling-name", "美狮贵宾会")]
    assert without_spam(line, rules) == "在凌云县，挂职干部走村入户，了解复工困难。"
    assert without_spam("中国广核集团（简称“美狮贵宾会”）在广西", rules) == "中国广核集团（简称）在广西"


def test_fast_lottery_lines_go_whole_and_glued_runs_alone(rules):
    page = "公司与多家零售商建立了合作关系。\n秒速赛车开奖结果网址\n极速飞艇三期计划\n泰兴水陆交通运输便捷。"
    assert without_spam(page, rules) == "公司与多家零售商建立了合作关系。\n泰兴水陆交通运输便捷。"
    assert {rule for rule, _ in removed(page, rules)} == {"inline-spam:lottery"}
    assert without_spam("澳洲幸运8人工计划软件某机电公司是化工机械的专业生产厂商", rules) == (
        "某机电公司是化工机械的专业生产厂商"
    )


def test_keyword_line_loses_only_the_brand(rules):
    assert without_spam("本文关键词：华体会官网,国科,嘉,和,王戈", rules) == "本文关键词：国科,嘉,和,王戈"
    assert without_spam("本文关键词：娃娃,菜炒,必威betway中文版,香菇", rules) == (
        "本文关键词：娃娃,菜炒,香菇"
    )


def test_link_farm_block_goes_whole_with_the_items_no_shape_knows(rules):
    page = (
        "航拍江西千亩茶园秀色如画\n"
        "金沙国际代理网址 澳门新葡京官网 凯旋棋牌 皇冠体育开户 银河娱乐真人登入\n"
        "富贵娱乐亚洲 乐虎国际登录器下载 星空体育app下载 大发快三计划\n"
    )
    assert without_spam(page, rules) == "航拍江西千亩茶园秀色如画\n"
    assert removed(page, rules) == [(LINK_LIST_RULE, page.split("\n", 1)[1])]


def test_brands_built_the_usual_way_are_found_beyond_the_sample_pages(rules):
    for phrase in ["澳门新葡京官网", "bet365体育在线投注", "亚博yabo官网登录入口", "必威官网手机版",
                   "开云体育官方网站", "金沙娱乐场官网", "皇冠体育开户", "威尼斯人娱乐城官网",
                   "AG真人百家乐", "188金宝博官网", "幸运飞艇开奖直播", "加拿大28预测",
                   "凯发娱乐k8官网", "美高梅官网注册送彩金", "百家乐技巧大全", "十大正规体育平台"]:
        assert without_spam(f"今天，{phrase}消息称", rules) == "今天，消息称", phrase


@pytest.mark.parametrize(
    "line",
    [
        "国际足联主席宣布，世界杯将扩军至48队。",
        "省体育彩票中心公布了本期开奖结果。",
        "促进平台经济规范健康持续发展。",
        "公司官网显示，该应用下载量突破一亿次。",
        "澳门威尼斯人度假村今年接待游客明显增加。",
        "據威尼斯人的記載，十字軍在聖索非亞大教堂發現了珍寶。",
        "据bet365开出的赔率，主队占优；威廉希尔公司的赔率相近。",
        "银河娱乐股价上涨3%，金沙中国也随之走高。",
        "金沙江畔的村庄迎来丰收，游客入住皇冠假日酒店。",
        "截至今早8点，北京28小时全市平均降水量达到大雨量级。",
        "警方破获一起网络百家乐赌博案，涉案平台已被关闭。",
        "湖南卫视娱乐真人秀节目收视率居首。",
        "这是一款休闲棋牌游戏，玩家充值后可获赠金币，详情请登录官网。",
        "卡塔尔半岛体育台转播了本场比赛。",
        "开云集团官方宣布任命新首席执行官。",
        "欧宝汽车官网显示，新车售价下调。",
        "中国电信爱游戏平台用户持续增长。",
        "购买彩票要通过正规彩票平台。",
        "PP体育app将直播英超联赛。",
    ],
)
def test_honest_news_wording_is_untouched(rules, line):
    assert find_injected_spam(line, rules) == []
    assert not is_mostly_spam(line, rules)


def test_spam_share_counts_removed_phrases_and_gambling_words(rules):
    lottery_page = "秒速赛车开奖结果网址\n极速飞艇三期计划\n公司位于泰兴"
    assert spam_share(lottery_page, rules) == pytest.approx(18 / 24)
    assert spam_share("网络百家乐赌博案告破", rules) == pytest.approx(5 / 10)


def test_a_page_of_link_farm_is_mostly_spam_and_an_article_with_one_phrase_is_not(rules):
    farm = "金沙国际代理网址 澳门新葡京官网 皇冠体育开户\n秒速赛车开奖结果网址\n最新消息"
    article = "3月11日凌晨，王者威尼斯人现金网网址：某县一家制药公司发生爆炸事故，造成1人死亡。"
    assert is_mostly_spam(farm, rules)
    assert not is_mostly_spam(article, rules)
    assert 0 < inline_spam_rules(rules).drop_at < 1


def test_unknown_brand_kind_is_reported_with_file_and_line(rules, tmp_path):
    shutil.copytree(rules.root, tmp_path / "rules")
    brands = tmp_path / "rules" / "spam_injection_brands.tsv"
    lines = brands.read_text(encoding="utf-8").splitlines()
    lines.append("新品牌\tsometimes")
    brands.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match=rf"rules/spam_injection_brands.tsv:{len(lines)}: kind"):
        find_injected_spam("威尼斯人官网", Rules(tmp_path / "rules"))


@pytest.mark.parametrize(
    "file", ["xwlb-cctv-news.jsonl", "thucnews-cnews-1000.jsonl", "sogoucs-smarty.jsonl"]
)
def test_clean_news_loses_nothing(shared_data, rules, file):
    false_removals = []
    with (shared_data / file).open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            false_removals += [(row["id"], c.old) for c in find_injected_spam(row["text"], rules)]
    assert false_removals == []


def test_shipped_shapes_match_in_a_page_whatever_they_match_in_one_of_its_lines(rules):
    # So a text without a phrase is not scanned again paragraph by paragraph.
    assert inline_spam_rules(rules).paragraph_local


def test_a_shape_with_an_anchor_or_a_look_around_a_line_break_fails_is_not_line_local():
    assert _paragraph_local(r"(?<![a-z])app(?![a-z])下载")
    assert not _paragraph_local(r"^官网")
    assert not _paragraph_local(r"官网(?!\s)")


def test_spam_in_the_second_paragraph_is_cut_from_it_with_its_edit(rules):
    from curate.pipeline import clean_text

    (doc,) = clean_text("铜鼓县一制药公司发生爆炸事故，应急管理部门已派出工作组赶赴现场处置。\n"
                        "据省应急管理厅消息：3月11日凌晨，王者威尼斯人现金网网址：某县一家制药公司发生爆炸事故。",
                        rules=rules)
    assert "威尼斯人" not in doc.text
    assert [(e.rule, e.text) for e in doc.edits if e.step == "remove_inline_spam"] == [
        (GAMBLING, "王者威尼斯人现金网网址：")]
