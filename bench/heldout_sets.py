"""Generate whole evaluation sets the way the development set is made, from articles it does not
use and under page templates written for this bench, clean them and score them.

    python bench/heldout_sets.py [--files 150] [--seed 11] [--families A B C D] [--no-dev]
                                 [--write DIR] [--eval-dir ../shared/eval]

The articles are clean news read at run time from ``../shared/data`` (CCTV transcripts,
THUCNews and SogouCS, leaving out every article the development set uses). Each file is a page
of one kind (portal news, WeChat repost, forum post, government notice, blog, self-media
column, Markdown export) holding one, two or three articles under headers, closings and
furniture of that kind, with the defects the development set plants: SEO spam headers,
breadcrumbs, navigation rows, credits, disclaimers, source lines, teasers of unrelated
stories, traditional script, glued pinyin, half-width punctuation, mojibake paragraphs,
GB18030 / Big5 / UTF-16 files, synonym-spun articles and re-published near-duplicate copies
(``dup_group``). Articles in one file are joined by source lines of many wordings, by a
closing credit, a separator, an end mark, or by nothing but the next article's header.

Four families of templates: *A*, which the cleaning may be developed against, *B* and *C*,
written apart, measured while new and tuned on since, and *D*, written last, whose pages of
some seeds have been read since (11, 41, 53) and of others never (23, 37). C also plants body furniture (image credits, original-title lines), indented paragraphs,
toneless and full-width glued pinyin, every kind of mojibake (Latin-1 and Windows-1252
readings, GBK readings with bytes replaced, dropped or lost in transit, GBK read as UTF-8,
锟斤拷) on a paragraph or a whole page, UTF-8 with a BOM and big-endian UTF-16 files, and
re-published copies with a paragraph cut; D plants all of these on twelve page kinds of its
own. Each family's articles are none of the families' before it. Each set is written as
``raw/`` + ``gold.jsonl`` in the development set's format, cleaned with ``curate run`` and scored with ``../shared/eval/score.py``; the
development set is cleaned and scored in the same run for comparison. Deterministic for a
seed. Prints figures; never fails on them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import opencc
import rjieba
from pypinyin import Style, pinyin

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CURATE_SHARED", REPO.parent / "shared"))
MIN_ARTICLE_CHARS = 300
MAX_ARTICLE_CHARS = 4000
FIGURES = ("articles", "outputs", "similarity", "exact", "junk_leaked", "body_lost", "trad_left",
           "pinyin_left", "mojibake_left", "halfwidth_left", "spin_recall", "spin_precision",
           "dup_recall", "lost_docs")
HAN = re.compile(r"[\u4e00-\u9fff]")
SENTENCE_END = re.compile(r"(?<=[。！？])(?![”’」』）)])")
FULLWIDTH_ALNUM = {c: c - 0xFEE0 for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                           *range(0xFF41, 0xFF5B)]}


# --- articles -------------------------------------------------------------------------------

@dataclass
class Article:
    gold_id: str
    title: str
    paragraphs: list[str]


def _read_jsonl(path: Path) -> Iterable[dict]:
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                yield json.loads(line)


def _sentences_to_paragraphs(text: str, rng: random.Random) -> list[str]:
    """THUCNews lost its paragraph breaks upstream: regroup sentences two to four a paragraph."""
    sentences = [s for s in SENTENCE_END.split(text) if s.strip()]
    paragraphs: list[str] = []
    while sentences:
        take = rng.randint(2, 4)
        paragraphs.append("".join(sentences[:take]))
        sentences = sentences[take:]
    return paragraphs


def load_articles(data: Path, excluded: set[str], rng: random.Random) -> dict[str, list[Article]]:
    """Clean articles of each source, the development set's own left out."""
    pools: dict[str, list[Article]] = {"xwlb": [], "cnews": [], "sogou": []}
    for row in _read_jsonl(data / "xwlb-cctv-news.jsonl"):
        paragraphs = [p.strip() for p in row["text"].split("\n") if p.strip()]
        pools["xwlb"].append(Article(row["id"], row["title"].strip(), paragraphs))
    for row in _read_jsonl(data / "thucnews-cnews-1000.jsonl"):
        pools["cnews"].append(Article(row["id"], "", _sentences_to_paragraphs(row["text"], rng)))
    for row in _read_jsonl(data / "sogoucs-smarty.jsonl"):
        text = row["text"].translate(FULLWIDTH_ALNUM)
        if "［详细］" in text or "[详细]" in text:
            continue  # a teaser page of the sample, not an article
        paragraphs = [p.strip() for p in text.split("\ue40c") if p.strip()]
        pools["sogou"].append(Article(row["id"], row["title"].translate(FULLWIDTH_ALNUM).strip(),
                                      paragraphs))
    for name, pool in pools.items():
        pools[name] = [a for a in pool if a.gold_id not in excluded and a.paragraphs
                       and MIN_ARTICLE_CHARS <= sum(map(len, a.paragraphs)) <= MAX_ARTICLE_CHARS
                       and (a.title or name == "cnews")]
        rng.shuffle(pools[name])
    return pools


# --- page templates --------------------------------------------------------------------------
# A template line is a string with {placeholders}; a leading "!" marks it as planted junk
# (listed in gold.jsonl), otherwise it is header metadata (title, date, site) that a cleaner
# should remove but that the development set does not list either.

@dataclass
class PageKind:
    name: str
    fmt: str  # "txt" or "md"
    headers: list[list[str]]  # each: lines above an article; "{title}" is the title line
    untitled_headers: list[list[str]]  # for articles without a title
    top: list[list[str]]  # furniture above the first header
    tail: list[list[str]]  # lines after an article (credits, disclaimers, kind furniture)
    bottom: list[list[str]]  # furniture at the end of the page
    inside: list[list[str]] = field(default_factory=list)  # furniture within the body
    indent: bool = False  # paragraphs open with two ideographic spaces, as on many portals


@dataclass
class Family:
    name: str
    sites: list[str]
    people: list[str]
    channels: list[str]
    date_formats: list[str]
    spam_words: list[str]
    spam_forms: list[str]
    breadcrumbs: list[str]
    navigation: list[str]
    credits: list[str]
    disclaimers: list[str]
    sources: list[str]  # closing source lines, also used to join articles
    separators: list[str]
    end_marks: list[str]
    teaser_headings: list[str]
    teaser_items: list[str]  # "{snippet}" (a truncated opening of another story) or "{other}"
    kinds: list[PageKind] = field(default_factory=list)
    # Families written later draw their own way of joining articles and their own defects;
    # None keeps the draws of A and B as they were, so their sets stay the same for a seed.
    joins: dict[str, int] | None = None
    defects: Defects | None = None
    users: list[str] | None = None  # forum and blog names; None: the shared USERS
    articles_per_file: dict[int, int] | None = None  # count -> weight; None: 82 / 12 / 6


@dataclass
class Defects:
    """Rates of the defects a family plants, where they differ from A's and B's."""
    mojibake_rate: float
    mojibake_kinds: dict[str, int]  # kind -> weight (see ``mojibake_kind``)
    page_mojibake: float  # share of mojibake files where every line of the page is garbled
    encodings: dict[str, int]
    pinyin_forms: dict[str, int]  # "toned", "toneless", "fullwidth"
    near_copy: float  # share of re-published copies that were edited (a paragraph cut)
    inside_rate: float  # chance of furniture planted within a body


FAMILY_A = Family(
    name="A",
    sites=["新浪新闻", "网易新闻", "腾讯网", "凤凰网", "搜狐新闻", "中华网", "环球网", "东方网",
           "北青网", "大河网", "红网", "南方网"],
    people=["王晓东", "李佳", "陈思远", "刘畅", "张立新", "杨帆", "黄蕾", "吴昊", "郑梅", "何伟"],
    channels=["国内", "国际", "社会", "财经", "科技", "体育", "娱乐", "教育", "健康", "军事"],
    date_formats=["%Y-%m-%d %H:%M", "%Y年%m月%d日 %H:%M", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S"],
    spam_words=["澳门葡京娱乐", "网上百家乐", "时时彩平台", "北京赛车pk10", "真人视讯开户",
                "电子游艺试玩", "体育博彩网站", "六合彩资料大全", "棋牌游戏下载", "老虎机技巧",
                "龙虎斗网址", "捕鱼达人现金版"],
    spam_forms=["{w1}_{w2}_{w3}_{w4}", "{w1},{w2},{w3}-{site}", "{w1}|{w2}|{w3}|{w4}|{w5}"],
    breadcrumbs=["首页 > {channel} > 正文", "您当前的位置：首页 > {channel} > {channel2}",
                 "{site}首页 > {channel}频道 > 正文", "当前位置：{site} > {channel}"],
    navigation=["首页 | 新闻 | 财经 | 体育 | 娱乐 | 科技 | 汽车 | 房产",
                "分享到：微信 微博 QQ空间", "返回顶部", "手机看新闻 | 客户端下载"],
    credits=["责任编辑：{person}", "编辑：{person}　审核：{person2}", "作者 | {person}",
             "责编 | {person}", "（编辑：{person}）", "校对：{person}　监制：{person2}"],
    disclaimers=["声明：本文转载自网络，版权归原作者所有，如有侵权请联系我们删除。",
                 "免责声明：文章内容仅供参考，不构成投资建议，据此操作风险自担。",
                 "版权声明：凡注明“来源：{site}”的作品，版权均属{site}所有，未经授权不得转载。"],
    sources=["本文来源：{site}", "文章来源：{site}", "来源：{site}", "转载自{site}"],
    separators=["----------", "* * *", "=========="],
    end_marks=["（完）", "【完】"],
    teaser_headings=["相关阅读", "热门推荐", "猜你喜欢", "更多精彩"],
    teaser_items=["{snippet}", "{other}", "{other}　{mmdd}"],
)
FAMILY_A.kinds = [
    PageKind("portal", "txt",
             headers=[["{title}", "{date}　来源：{site}"], ["{title}", "{site} {date}"],
                      ["{title}", "来源：{site}　作者：{person}　发布时间：{date}"],
                      ["{title}", "{date}"]],
             untitled_headers=[["{date}　来源：{site}"], []],
             top=[["!{breadcrumb}"], ["!{navigation}", "!{breadcrumb}"]],
             tail=[["!{credit}"], ["!{disclaimer}"], ["!{source}", "!{credit}"], []],
             bottom=[["!{teasers}"], ["!{navigation}"], []]),
    PageKind("wechat", "txt",
             headers=[["{title}", "原创 {person} {site} {date}"], ["{title}", "{site} {date}"]],
             untitled_headers=[["{site} {date}"]],
             top=[["!点击上方“{site}”，关注我们"], ["!点击蓝字关注我们"]],
             tail=[["!{credit}"], ["!长按识别二维码，关注{site}"], []],
             bottom=[["!点个“在看”，分享给更多朋友"], ["!{teasers}", "!阅读原文"]]),
    PageKind("forum", "txt",
             headers=[["{title}", "!发表于 {date} | 只看该作者 | 倒序浏览"],
                      ["{title}", "!楼主：{user}　发表于 {date}"]],
             untitled_headers=[["!发表于 {date} | 只看该作者"]],
             top=[["!{breadcrumb}"]],
             tail=[["!回复　引用　举报"], []],
             bottom=[["!{user} 发表于 {date}", "!顶一下，楼主说得太好了"], ["!返回列表"]]),
    PageKind("gov", "txt",
             headers=[["{title}", "发布时间：{date}　信息来源：{gov}　【字体：大 中 小】"],
                      ["{title}", "{gov}　{date}"]],
             untitled_headers=[["发布时间：{date}　信息来源：{gov}"]],
             top=[["!{breadcrumb}"]],
             tail=[["!【打印本页】【关闭窗口】"], []],
             bottom=[["!主办单位：{gov}　　网站标识码：{digits}"], ["!{icp}"]]),
    PageKind("blog", "txt",
             headers=[["{title}", "{date} | 分类：{channel} | 标签：{tag} {tag2}"],
                      ["{title}", "{date}"]],
             untitled_headers=[["{date} | 分类：{channel}"]],
             top=[[]],
             tail=[["!阅读({n}) | 评论({m}) | 收藏"], []],
             bottom=[["!上一篇：{other}", "!下一篇：{other2}"], ["!{teasers}"]]),
    PageKind("selfmedia", "txt",
             headers=[["{title}", "{site}　{date}"], ["{title}", "{person} {date} 关注"]],
             untitled_headers=[["{person} {date}"]],
             top=[["!{spam}"], []],
             tail=[["!声明：本文由入驻{platform}的作者撰写，观点仅代表作者本人，不代表{platform}立场。"],
                   ["!{credit}"]],
             bottom=[["!{teasers}"], []]),
    PageKind("markdown", "md",
             headers=[["# {title}", "", "> 作者：{person}｜来源：{site}｜{date}"],
                      ["---", "title: {title}", "date: {date}", "source: {site}", "---"],
                      ["# {title}", "", "**{site}**", "", "**{date}**"]],
             untitled_headers=[["> 来源：{site}｜{date}"]],
             top=[[]],
             tail=[["!{credit}"], ["!![]({image})"], []],
             bottom=[["!{teasers}"], ["![阅读原文]({url})"], []]),
]

FAMILY_B = Family(
    name="B",
    sites=["人民日报客户端", "光明网", "央广网", "中国青年网", "每日经济新闻", "澎湃新闻",
           "界面新闻", "钱江晚报", "齐鲁晚报", "华商报", "潇湘晨报", "封面新闻"],
    people=["孙一鸣", "赵晴", "周子健", "林小雨", "高峰", "许静", "马骁", "罗敏", "冯涛", "曹颖"],
    channels=["时政", "要闻", "民生", "产经", "地方", "文旅", "视频", "评论", "法治", "三农"],
    date_formats=["%Y.%m.%d", "%Y年%m月%d日", "%m-%d %H:%M", "%Y-%m-%d"],
    spam_words=["代开增值税发票", "办证刻章", "网赚兼职日结", "刷单返利", "私人侦探调查",
                "高仿名表", "贷款秒批", "无抵押借款", "快速减肥药", "香港六合彩开奖",
                "亚洲彩票官网", "足球竞彩推荐"],
    spam_forms=["【{w1}】{w2}|{w3}|{w4}官方网站", "{w1} {w2} {w3} {w4} 最新地址",
                "{w1}——{w2}——{w3}"],
    breadcrumbs=["当前位置：网站首页 >> {channel} >> 内容", "首页 / {channel} / {channel2} / 正文",
                 "位置: 主页 › {channel}", "{channel}频道 - {site}"],
    navigation=["网站首页　政务公开　办事服务　互动交流", "【回到顶部】",
                "收藏本页 | 设为首页 | 联系我们", "手机版 | 电脑版 | 客户端"],
    credits=["来源 | {site}　编辑 | {person}", "[责任编辑：{person}]", "出品：{site}　撰文：{person}",
             "文字：{person}　图片：{person2}　排版：{person3}", "本期编辑 {person} 审核 {person2}"],
    disclaimers=["郑重声明：本网转载此文出于传递更多信息之目的，并不意味着赞同其观点或证实其描述。",
                 "【特别说明】本站部分图文来自网络，若有不妥请告知，我们将及时处理。",
                 "风险提示：市场有风险，投资需谨慎。以上内容不代表本平台观点。"],
    sources=["稿件来源：{site}", "信息来源：{site}", "（来源：{site}）", "原文出处：{site}",
             "本文转自：{site}公众号"],
    separators=["——————", "~~~", "###"],
    end_marks=["（全文完）", "-END-"],
    teaser_headings=["延伸阅读：", "往期推荐", "大家都在看", "精彩推荐 >>"],
    teaser_items=["· {other}", "▪ {snippet}", "{snippet}【详情】"],
)
FAMILY_B.kinds = [
    PageKind("portal", "txt",
             headers=[["{title}", "时间：{date}　来源：{site}　编辑：{person}"],
                      ["{title} - {site}", "{date}"], ["【{site}】{title}", "{date} 来源: {site}网"]],
             untitled_headers=[["时间：{date}　来源：{site}"]],
             top=[["!{spam}", "!{breadcrumb}"], ["!{breadcrumb}"]],
             tail=[["!{credit}"], ["!{source}"], ["!{disclaimer}", "!{credit}"], []],
             bottom=[["!{teasers}"], ["!{navigation}"], []]),
    PageKind("wechat", "txt",
             headers=[["{title}", "{site} {date} 发表于{province}"], ["{title}"]],
             untitled_headers=[["{site} {date}"]],
             top=[["!↑点击蓝字 关注{site}"], []],
             tail=[["!扫码关注我们"], ["!{credit}"], []],
             bottom=[["!▼往期精彩回顾▼", "!· {other}", "!· {other2}"],
                     ["!觉得不错，请点赞、在看、转发三连"]]),
    PageKind("forum", "txt",
             headers=[["{title}", "!作者：{user}　时间：{date}　浏览：{n}　回复：{m}"]],
             untitled_headers=[["!作者：{user}　时间：{date}"]],
             top=[["!{navigation}"], []],
             tail=[["!沙发 {user} {date}", "!支持一下楼主！"], []],
             bottom=[["!您需要登录后才可以回帖 登录 | 立即注册"], []]),
    PageKind("gov", "txt",
             headers=[["{title}", "来源：{gov}　发布日期：{date}　浏览次数：{n}"],
                      ["{title}", "{date}　{gov}"]],
             untitled_headers=[["来源：{gov}　发布日期：{date}"]],
             top=[["!{navigation}", "!{breadcrumb}"]],
             tail=[["!扫一扫在手机打开当前页"], []],
             bottom=[["!版权所有：{gov}　技术支持：{company}"], ["!联系电话：0{area}-{phone}"]]),
    PageKind("blog", "txt",
             headers=[["{title}", "作者：{user} 时间：{date}"], ["{title}"]],
             untitled_headers=[["作者：{user} 时间：{date}"]],
             top=[[]],
             tail=[["!本文标签：{tag}、{tag2}"], ["!转载请注明：{user}的博客 » {title}"]],
             bottom=[["!« 上一篇 {other} | 下一篇 {other2} »"], []]),
    PageKind("selfmedia", "txt",
             headers=[["{title}", "{site}号 | {date}"]],
             untitled_headers=[["{site}号 | {date}"]],
             top=[["!{spam}"], []],
             tail=[["!本文为{platform}作者{person}原创，未经授权不得转载。"], ["!举报/反馈"]],
             bottom=[["!{teasers}"], []]),
    PageKind("markdown", "md",
             headers=[["## {title}", "", "*{date} · {site}*"], ["**{title}**", "", "发布于 {date} | {site}"],
                      ["# {title}", "", "- 作者：{person}", "- 日期：{date}"]],
             untitled_headers=[["*{date} · {site}*"]],
             top=[[]],
             tail=[["!*本文转载自{site}，如涉及版权问题请联系我们。*"], ["![点击查看原文]({url})"], []],
             bottom=[["!{teasers}"], []]),
]

# C was written after A and B were measured, from how Chinese pages of other kinds look
# (self-media columns, answers and notes of Q&A and diary sites, company press pages, school
# notices, portal reposts, programming blogs, WeChat exports, forum threads, static-site
# Markdown), without looking at the cleaning's rules. Only ever measured.
FAMILY_C = Family(
    name="C",
    sites=["中国新闻网", "新京报", "红星新闻", "扬子晚报网", "南方都市报", "北京日报", "解放日报",
           "羊城晚报", "经济观察网", "第一财经", "极目新闻", "大众日报"],
    people=["宋雨桐", "韩磊", "唐婧", "蒋文博", "邓楠", "沈佳怡", "谢天", "范晓", "秦岚", "袁野"],
    channels=["本地", "财经", "科技", "汽车", "房产", "教育", "文化", "旅游", "公益", "数码"],
    date_formats=["%Y-%m-%d %H:%M:%S", "%Y年%m月%d日 %H:%M", "%m-%d %H:%M", "%Y/%m/%d %H:%M",
                  "%Y-%m-%dT%H:%M:%S+08:00", "%Y年%m月%d日"],
    spam_words=["澳门威尼斯人", "彩票计划群", "菠菜担保网", "pg电子麻将胡了", "开元棋牌官网",
                "皇冠体育投注", "幸运飞艇开奖", "AG真人平台", "快三大小单双技巧", "bet365中文",
                "欧洲杯买球app", "腾龙娱乐注册"],
    spam_forms=["{w1}-{w2}-{w3}【官方授权】", "{w1}✔{w2}✔{w3}✔{w4}", "{w1}(中国)官方网站-{w2}",
                "{w1}_{w2}·{w3}_{site}"],
    breadcrumbs=["首页 » {channel} » 正文", "您的位置：{site} → {channel} → 正文",
                 "导航：首页 > {channel} > 详情", "{site} > {channel}资讯 > 正文",
                 "当前位置 : 首页 - {channel} - 新闻详情"],
    navigation=["登录 注册 写文章 首页 下载APP", "首页 推荐 热榜 视频 问答 更多",
                "无障碍 | 长者模式 | English", "APP下载　意见反馈　举报中心",
                "微信扫一扫　分享到朋友圈"],
    credits=["（本文作者：{person}）", "文 / {person}　图 / {person2}", "记者 {person} 通讯员 {person2}",
             "审校：{person}　终审：{person2}", "◆ 编辑 {person} ◆ 复核 {person2}",
             "统筹：{person}丨编辑：{person2}"],
    disclaimers=["本文仅代表作者观点，不代表本站立场。转载请联系原作者获得授权。",
                 "特别声明：以上内容（如有图片或视频亦包括在内）为自媒体平台“{platform}”用户上传并发布，本平台仅提供信息存储服务。",
                 "著作权归作者所有。商业转载请联系作者获得授权，非商业转载请注明出处。",
                 "温馨提示：本文内容仅供参考，具体以官方公布为准。如有侵权，请联系删除。"],
    sources=["来源丨{site}", "来源: {site}客户端", "【来源：{site}】", "文章转载自{site}",
             "摘自{site}", "素材来源：{site}、网络", "（{site}）", "本文首发于{site}"],
    separators=["· · ·", "─────────", "◇◇◇", "+ + +"],
    end_marks=["（本文完）", "END", "- THE END -", "（完结）"],
    teaser_headings=["推荐阅读", "相关文章", "为您推荐", "热文推荐：", "看完这篇的人还在看", "往期回顾"],
    teaser_items=["{other}", "► {other}", "{k}. {other}", "【{channel}】{other}", "{snippet}",
                  "{other}　{n}阅读"],
    joins={"source": 3, "none": 4, "credit": 2, "separator": 2, "end": 1, "disclaimer": 1,
           "teasers": 1, "original-title": 1},
    defects=Defects(
        mojibake_rate=0.07,
        mojibake_kinds={"latin1": 2, "cp1252": 2, "gbk": 2, "gbk-lost": 3, "gbk-dropped": 3,
                        "gbk-as-utf8": 1, "kunkao": 1},
        page_mojibake=0.25,
        encodings={"utf-8": 84, "utf-8-sig": 3, "gb18030": 5, "big5": 3, "utf-16": 3,
                   "utf-16-be": 2},
        pinyin_forms={"toned": 2, "toneless": 2, "fullwidth": 1},
        near_copy=0.5,
        inside_rate=0.12,
    ),
    users=["momo_酱", "北漂十年", "Kevin_Li", "吃瓜群众007", "山城小雨", "程序猿阿飞", "半糖去冰"],
)
FAMILY_C.kinds = [
    PageKind("toutiao", "txt",
             headers=[["{title}", "{date}·{site}"], ["{title}", "原创{date}·{person}说事"],
                      ["{title}", "{person}", "{ago} · 来自{province}"]],
             untitled_headers=[["{person}", "{date} · 来自{province}"]],
             top=[["!打开APP，阅读最新报道"], ["!{navigation}"], []],
             tail=[["!{disclaimer}"], ["!举报"], ["!{credit}"]],
             bottom=[["!{teasers}"], ["!评论 {m}　点赞 {n}　收藏"], []],
             inside=[["!（图片来源于网络，如有侵权请联系删除）"], ["!▲图源：{site}"]]),
    PageKind("zhihu", "txt",
             headers=[["{title}", "{user}", "!{n} 人赞同了该回答"],
                      ["{title}", "!关注问题　写回答", "{user}", "!{channel}话题下的优秀答主"]],
             untitled_headers=[["{user}", "!{n} 人赞同了该回答"]],
             top=[["!{navigation}"], []],
             tail=[["!编辑于 {date}", "!著作权归作者所有。商业转载请联系作者获得授权，非商业转载请注明出处。"],
                   ["!发布于 {date}・IP 属地{province}"],
                   ["!赞同 {n}　　{m} 条评论　　分享　　收藏　　喜欢"]],
             bottom=[["!{teasers}"], ["!查看全部 {m} 个回答"], []]),
    PageKind("douban", "txt",
             headers=[["{title}", "{user} {date}"], ["{title}", "来自：{user}（{channel}爱好者）", "{date}"]],
             untitled_headers=[["{user} {date}"]],
             top=[[]],
             tail=[["!{n}人喜欢　{m}人推荐"],
                   ["!© 本文版权归作者 {user} 所有，任何形式转载请联系作者。"]],
             bottom=[["!{user}的最新日记　· · · · · ·　( 全部 )", "!· {other}", "!· {other2}"], []]),
    PageKind("company", "txt",
             headers=[["{title}", "发布者：{company}　发布时间：{date}　点击数：{n}"],
                      ["{title}", "{date} | 公司新闻"]],
             untitled_headers=[["发布时间：{date}　点击数：{n}"]],
             top=[["!{navigation}"], ["!关于我们 | 产品中心 | 新闻动态 | 联系我们"]],
             tail=[["!上一条：{other}", "!下一条：{other2}"], ["!【返回列表】"]],
             bottom=[["!Copyright © 2008-2024 {company} 版权所有 {icp}"],
                     ["!服务热线：400-{phone}　地址：{province}市高新区科技路{k}号"]],
             indent=True),
    PageKind("notice", "txt",
             headers=[["{title}", "作者：{dept}　来源：{school}　发布时间：{date}　浏览次数：{n}"],
                      ["{title}", "【发布单位：{gov}】【发布日期：{date}】"],
                      ["!索引号：{digits}/{year}-{k}　发布机构：{gov}", "{title}", "{date}"]],
             untitled_headers=[["发布时间：{date}　浏览次数：{n}"]],
             top=[["!{breadcrumb}"], ["!无障碍浏览 | 长者模式", "!{breadcrumb}"]],
             tail=[["!【我要纠错】【打印】【关闭】"], ["!扫一扫在手机上查看当前页面"], []],
             bottom=[["!网站地图 | 联系我们 | 隐私声明", "!{gov}主办　{icp}"]],
             indent=True),
    PageKind("repost", "txt",
             headers=[["{title}", "{date} 来源: {site} 举报"], ["{title}", "{site}　{date}　{m}条评论"],
                      ["{title}", "{date}　来源：{site}", "!字号：大 中 小"]],
             untitled_headers=[["{date} 来源: {site}"]],
             top=[["!{spam}"], ["!{breadcrumb}"], []],
             tail=[["!责任编辑：{person} SN{k}"], ["!{source}", "!{credit}"], ["!{credit}"]],
             bottom=[["!{teasers}"], ["!{navigation}"], []],
             inside=[["!（原标题：{other}）"]],
             indent=True),
    PageKind("techblog", "txt",
             headers=[["{title}", "{user} 于 {date} 发布", "!阅读量{n} 收藏 {m} 点赞数 {k}"],
                      ["{title}", "最新推荐文章于 {date} 发布", "!分类专栏： {channel} 文章标签： {tag} {tag2}"]],
             untitled_headers=[["{user} 于 {date} 发布"]],
             top=[["!{navigation}"], []],
             tail=[["!版权声明：本文为博主原创文章，遵循 CC 4.0 BY-SA 版权协议，转载请附上原文出处链接和本声明。",
                    "!本文链接：{url}"], ["!文章知识点与官方知识档案匹配，可进一步学习相关知识"]],
             bottom=[["!{teasers}"], ["!打赏作者", "!您的鼓励将是我创作的最大动力"], []]),
    PageKind("wechat", "txt",
             headers=[["{title}", "{site} · {date}"], ["{title}", "作者丨{person}", "来源丨{site}"]],
             untitled_headers=[["{site} · {date}"]],
             top=[["!戳蓝字“{site}”关注我们哦！"], ["!▲点击上方蓝字，设为星标"], []],
             tail=[["!图片来源：网络"], ["!{credit}"], []],
             bottom=[["!预览时标签不可点", "!阅读原文", "!阅读 {n}", "!分享　收藏　赞　在看"],
                     ["!喜欢此内容的人还喜欢", "!{other}", "!{other2}"]],
             inside=[["!↓↓↓"], ["!（向上滑动查看更多）"]]),
    PageKind("forum", "txt",
             headers=[["[{channel}] {title}", "!{user}　发表于 {date}　|　只看楼主"],
                      ["{title}", "!{n}浏览 · {m}回复", "!{user} 楼主 {date}",
                       "!本帖最后由 {user} 于 {date} 编辑"]],
             untitled_headers=[["!{user} 楼主 {date}"]],
             top=[["!{breadcrumb}"], []],
             tail=[["!沙发 {user2}：顶，楼主辛苦了", "!板凳 {user3}：mark一下，支持"],
                   ["!{m}楼 {user2} {date}", "!学习了，感谢分享"]],
             bottom=[["!快速回复　返回顶部　返回列表"], []]),
    PageKind("markdown", "md",
             headers=[["+++", 'title = "{title}"', "date = {isodate}", "+++"],
                      ["---", 'title: "{title}"', "author: {person}", "tags: [{tag}, {tag2}]", "---"],
                      ["{title}", "===", "", "*{site}* | {date}"]],
             untitled_headers=[["---", "date: {isodate}", "---"]],
             top=[[]],
             tail=[["!*转载请保留本文链接*"], ["![^1]: 来源：{site}"], []],
             bottom=[["!## 相关文章", "!- [{other}]({url})", "!- [{other2}]({url})"], []]),
]

# D was written after C was measured, from how Chinese pages look (self-media columns of the
# big platforms, Q&A answers, diary notes, company press releases, school and government notices
# with their signature lines, portal reposts under an SEO title, programming blogs, WeChat
# exports, forum threads, shopping guides with price widgets, novel-site chapters with ads,
# note-app Markdown exports), without looking at the cleaning's rules. Its pages of seeds 23
# and 37 are measured only.
FAMILY_D = Family(
    name="D",
    sites=["齐鲁壹点", "上游新闻", "九派新闻", "潮新闻", "看看新闻", "长江日报", "南方plus",
           "深圳新闻网", "新民晚报", "中工网", "映象网", "荆楚网"],
    people=["欧阳静", "付国庆", "柳絮", "蔡明轩", "阎晓红", "丁一凡", "葛昕", "孟庆林", "贺兰",
            "史可"],
    channels=["社会万象", "财经观察", "科教", "健康养生", "乡村振兴", "体育", "军事", "历史",
              "职场", "育儿"],
    date_formats=["%Y年%m月%d日%H:%M", "%Y-%m-%d", "%m月%d日 %H:%M", "%Y.%m.%d %H:%M",
                  "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S"],
    spam_words=["新葡京娱乐城", "金沙集团app", "永利皇宫官网", "大发快三", "乐鱼体育", "开云体育",
                "星空体育平台", "九游会登录", "188金宝博", "华体会hth", "必威betway", "威廉希尔中文"],
    spam_forms=["{w1}·{w2}·{w3}(官方)网站", "{w1}-{w2}APP下载-{w3}入口", "{w1}，{w2}，{w3}，{w4}_{site}",
                "{w1}【{w2}】{w3}在线"],
    breadcrumbs=["所在位置：首页 > {channel}", "首页>{channel}>{channel2}", "{channel} 〉正文",
                 "主页 › {channel} › 文章详情", "您现在的位置是：网站首页 / {channel}"],
    navigation=["首页 | 热点 | 本地 | 视频 | 直播 | 专题 | 更多", "下载客户端 登录 | 注册",
                "字体：A+ A-　打印", "分享：QQ好友 新浪微博 微信朋友圈",
                "回到首页 | 网站导航 | 帮助中心", "扫码下载APP"],
    credits=["【编辑：{person}】", "编辑/{person} 校对/{person2}", "本文作者｜{person}",
             "值班编辑：{person}", "实习生 {person} 记者 {person2}", "美编：{person}　责编：{person2}",
             "编辑 | {person}  审核 | {person2}  终审 | {person3}"],
    disclaimers=["（声明：本文仅代表作者观点，不代表本网立场）",
                 "版权说明：本号原创内容未经许可禁止转载，如需转载请后台留言。",
                 "本站所载内容均来自网友投稿或网络转载，如侵犯您的权益请来信告知，核实后第一时间删除。",
                 "投资有风险，入市须谨慎。本文不构成任何投资建议。",
                 "【免责】以上信息整理自公开资料，仅作参考。"],
    sources=["来源｜{site}", "本文来自：{site}", "文/图：{site}", "消息来源：{site}", "（转自{site}）",
             "—— 转载自 {site}", "内容来源：{site}官方微博", "稿源：{site}", "via {site}"],
    separators=["***", "————————", "＊＊＊", "❖ ❖ ❖", "※※※"],
    end_marks=["［完］", "（终）", "— 完 —", "THE END", "(全文结束)"],
    teaser_headings=["相关新闻", "热点新闻", "你可能感兴趣", "更多阅读 >", "猜你想看", "今日热搜",
                     "本周热门", "编辑推荐"],
    teaser_items=["• {other}", "{other}（{mmdd}）", "[{channel}] {other}", "{snippet}", "{other} >>",
                  "{k}、{other}"],
    joins={"source": 3, "none": 4, "credit": 2, "separator": 2, "end": 1, "disclaimer": 1,
           "teasers": 1, "original-title": 1, "navigation": 1},
    defects=Defects(
        mojibake_rate=0.08,
        mojibake_kinds={"latin1": 2, "cp1252": 1, "gbk": 2, "gbk-lost": 3, "gbk-dropped": 3,
                        "gbk-as-utf8": 1, "kunkao": 1},
        page_mojibake=0.2,
        encodings={"utf-8": 80, "utf-8-sig": 3, "gb18030": 6, "big5": 4, "utf-16": 4,
                   "utf-16-be": 3},
        pinyin_forms={"toned": 2, "toneless": 3, "fullwidth": 1},
        near_copy=0.5,
        inside_rate=0.2,
    ),
    users=["风吹麦浪", "Tony_王", "二狗子不二", "江南烟雨", "码农小周", "奶茶续命", "lucky星"],
    articles_per_file={1: 75, 2: 17, 3: 8},
)
FAMILY_D.kinds = [
    PageKind("baijiahao", "txt",
             headers=[["{title}", "{site}", "{date}", "!关注"], ["{title}", "{person}的观察 {ago}"],
                      ["{title}", "{site}　{date}　{province}"]],
             untitled_headers=[["{person}的观察 {ago}"]],
             top=[["!{navigation}"], []],
             tail=[["!内容由作者提供，{platform}仅提供信息存储空间服务。"], ["!{credit}"], []],
             bottom=[["!{teasers}"], ["!打开{platform}，查看更多精彩"],
                     ["!全部评论 {m}", "!{user}：说得在理", "!{user2}：{k}楼说的有道理"]],
             inside=[["!（图源：网络，侵删）"]]),
    PageKind("sohu", "txt",
             headers=[["{title}", "{date} {site} 发布于：{province}"], ["{title}", "{person} · {date}"]],
             untitled_headers=[["{date} {site} 发布于：{province}"]],
             top=[["!{breadcrumb}"], []],
             tail=[["!返回首页，查看更多"],
                   ["!平台声明：该文观点仅代表作者本人，{platform}系信息发布平台，仅提供信息存储空间服务。"]],
             bottom=[["!阅读 ({n})"], ["!{teasers}"]]),
    PageKind("answer", "txt",
             headers=[["{title}", "!{n} 个回答", "{user}", "!{channel}领域创作者", "!赞同数 {n}"],
                      ["{title}", "!{user} · 回答了问题"]],
             untitled_headers=[["{user}", "!赞同数 {n}"]],
             top=[["!{navigation}"], []],
             tail=[["!{ago}编辑 · 著作权归作者所有"], ["!▲ 赞同 {n}　▼　{m} 条评论　分享　喜欢　收起"]],
             bottom=[["!更多回答", "!{user2}", "!{snippet}"], ["!{teasers}"]]),
    PageKind("note", "txt",
             headers=[["{title}", "{user}", "{date}"], ["{title}", "{user}　{date}　{province}"]],
             untitled_headers=[["{user}", "{date}"]],
             top=[[]],
             tail=[["!回应　推荐　喜欢　只看作者"], ["!{m} 人推荐  {n} 人喜欢"]],
             bottom=[["!> 我来回应"], ["!{user} 的其他日记", "!{other}", "!{other2}"]]),
    PageKind("press", "txt",
             headers=[["{title}", "{company} {date} 浏览量：{n}"], ["{title}", "{date}"]],
             untitled_headers=[["{company} {date}"]],
             top=[["!首页　关于我们　新闻中心　人才招聘　联系我们"], []],
             tail=[["!关于{company}",
                    "!{company}成立于{year}年，是一家集研发、生产、销售于一体的高新技术企业。"],
                   ["!媒体联系人：{person}　电话：0{area}-{phone}"], []],
             bottom=[["!{company} 版权所有 备案号：{icp}"], ["!上一篇：{other}", "!下一篇：{other2}"]],
             indent=True),
    PageKind("notice", "txt",
             headers=[["{title}", "[{date}] [{school}] [阅读次数：{n}]"],
                      ["{title}", "发文单位：{gov}　成文日期：{date}"]],
             untitled_headers=[["[{date}] [{school}]"]],
             top=[["!{breadcrumb}"], ["!政府信息公开 | 政务服务 | 互动交流", "!{breadcrumb}"]],
             tail=[["!{gov}", "!{date}"], ["!附件：", "!{k}.{other}.docx"], []],
             bottom=[["!打印 | 关闭 | 收藏"],
                     ["!版权所有 © {gov}　地址：{province}省某市人民路{k}号　邮编：{digits}"]],
             indent=True),
    PageKind("repost", "txt",
             headers=[["!{title}_{channel}_{site}", "{title}", "{site}　{date}", "!A-　A+"],
                      ["{title}", "发布时间：{date} | 来源：{site} | 作者：{person}"]],
             untitled_headers=[["发布时间：{date} | 来源：{site}"]],
             top=[["!{spam}"], ["!{navigation}"], []],
             tail=[["!{credit}"], ["!原标题：{other}"], ["!{source}"]],
             bottom=[["!{teasers}"], ["!网友评论", "!{user}: 赞同", "!登录后发表评论"]],
             inside=[["!【广告】"], ["!相关报道：{other}"]],
             indent=True),
    PageKind("devblog", "txt",
             headers=[["{title}", "!原创", "{user}", "!于 {date} 首次发布", "!{n} 阅读 · {m} 点赞"],
                      ["{title}", "{user}　{date}", "!标签：{tag}"]],
             untitled_headers=[["{user}　{date}"]],
             top=[["!{navigation}"], []],
             tail=[["!本文作者：{user}，转载请保留作者信息及原文链接。"], ["!{tag} {tag2}", "!收藏 举报"]],
             bottom=[["!{teasers}"], ["!{user}的博客", "!{n} 篇文章 · {m} 粉丝", "!关注 私信"]]),
    PageKind("wechat", "txt",
             headers=[["{title}", "{site}", "{date} {province}"], ["{title}", "原创 {person} {site}"]],
             untitled_headers=[["{site}", "{date} {province}"]],
             top=[["!关注“{site}”，获取更多资讯"], ["!星标★公众号，第一时间看推送"], []],
             tail=[["!来源：{site}（ID：{digits}）"], ["!{credit}"], []],
             bottom=[["!分享", "!点赞", "!在看"], ["!扫描二维码关注我们", "!微信号：{site}{k}"]],
             inside=[["!▼"], ["!（点击图片查看大图）"]]),
    PageKind("thread", "txt",
             headers=[["{title}", "![复制链接]", "!楼主 {user} | {date}"],
                      ["{title}", "!{user} 发表于 {ago}"]],
             untitled_headers=[["!{user} 发表于 {ago}"]],
             top=[["!{breadcrumb}"], ["!发新帖"]],
             tail=[["!{m}#", "!{user2}", "!{date}", "!好文，收藏了"], ["!本帖最后编辑于 {date}"]],
             bottom=[["!高级模式 | B Color Image Link Quote", "!发表回复"], ["!返回版块"]]),
    PageKind("guide", "txt",
             headers=[["{title}", "{user} | {date} | {channel}"]],
             untitled_headers=[["{user} | {date}"]],
             top=[["!{navigation}"], []],
             tail=[["!值 {n}　不值 {m}　收藏 {k}"], []],
             bottom=[["!本文由站内用户发布，不代表本站观点。价格信息以商家页面为准。"], ["!{teasers}"]],
             inside=[["!¥{n}.00 去购买 >"], ["!券后价 {n} 元 立即领取"]]),
    PageKind("novel", "txt",
             headers=[["第{k}章 {title}", "!作者：{user}　更新时间：{date}　本章字数：{n}"]],
             untitled_headers=[["!更新时间：{date}　本章字数：{n}"]],
             top=[["!上一章 | 目录 | 下一章"], []],
             tail=[["!上一章　目录　下一章　加入书签"], []],
             bottom=[["!推荐阅读：", "!{other}", "!{other2}"], []],
             inside=[["!天才一秒记住本站地址：www.xs{k}.cc"], ["!(本章未完，请点击下一页继续阅读)"],
                     ["!手机用户请浏览m.xsw{k}.net阅读，更优质的阅读体验。"]]),
    PageKind("markdown", "md",
             headers=[["# {title}", "", "Created: {date}", "Tags: {tag}, {tag2}", "Source: {site}"],
                      ["---", "layout: post", "title: {title}", "categories: [{channel}]", "---"],
                      ["{title}", "---", "", "> {date} / {site}"]],
             untitled_headers=[["> {date} / {site}"]],
             top=[[]],
             tail=[["!> 本文转载自 {site}，侵删"], ["!![]({image})"], []],
             bottom=[["!**延伸阅读**", "!* [{other}]({url})", "!* [{other2}]({url})"],
                     ["![原文链接]({url})"], []]),
]

FAMILIES = {"A": FAMILY_A, "B": FAMILY_B, "C": FAMILY_C, "D": FAMILY_D}
GOVS = ["某市人民政府办公室", "县农业农村局", "市生态环境局", "区教育局", "省商务厅", "市卫生健康委员会"]
PLATFORMS = ["头条号", "百家号", "企鹅号", "大鱼号", "网易号"]
PROVINCES = ["北京", "浙江", "广东", "四川", "湖北", "山东"]
TAGS = ["时事", "经济", "民生", "观察", "热点", "随笔", "政策", "调研"]
USERS = ["清风徐来", "老张看世界", "zhangsan2019", "一叶知秋", "小马哥", "海阔天空"]
COMPANIES = ["某某网络科技有限公司", "某信息技术有限公司"]
SCHOOLS = ["教务处", "学生工作处", "团委", "研究生院", "后勤管理处"]
DEPTS = ["办公室", "宣传部", "综合科", "信息中心"]
SCRIPTS = ["s2t", "s2tw", "s2hk", "s2twp"]


# --- defects ---------------------------------------------------------------------------------

def _load_spin(data: Path) -> dict[str, str]:
    pairs: dict[str, str] = {}
    with (data / "spin-weiyuanchuang-42537.tsv").open(encoding="utf-8") as stream:
        for line in stream:
            if line.startswith("#") or "\t" not in line:
                continue
            src, dst = line.rstrip("\n").split("\t", 1)
            if src != "src" and len(src) >= 2 and HAN.search(src) and dst:
                pairs.setdefault(src, dst)
    return pairs


def spin(paragraph: str, pairs: dict[str, str], rng: random.Random) -> str:
    """伪原创: swap words for the spinner's synonyms."""
    return "".join(pairs[w] if w in pairs and rng.random() < 0.6 else w
                   for w in rjieba.cut(paragraph))


def glue_pinyin(line: str, rng: random.Random, rate: float, form: str = "toned") -> str:
    """Pinyin glued after some characters, as pages converted by pinyin tools carry it:
    ``toned`` 烟(yān), ``toneless`` 烟(yan), ``fullwidth`` 烟（yān）."""
    out = []
    for ch in line:
        out.append(ch)
        if HAN.match(ch) and rng.random() < rate:
            reading = pinyin(ch, style=Style.NORMAL if form == "toneless" else Style.TONE)[0][0]
            if reading.isalpha():
                out.append(f"（{reading}）" if form == "fullwidth" else f"({reading})")
    return "".join(out)


def halfwidth(line: str, rng: random.Random) -> str:
    return re.sub(r"(?<=[\u4e00-\u9fff])[，：；](?=[\u4e00-\u9fff])",
                  lambda m: ",:;"["，：；".index(m.group())] if rng.random() < 0.7 else m.group(),
                  line)


def mojibake(line: str, rng: random.Random) -> str:
    """A paragraph whose UTF-8 bytes were read as Latin-1 or as GBK."""
    raw = line.encode("utf-8")
    if rng.random() < 0.5:
        return raw.decode("latin-1")
    return raw.decode("gbk", errors="replace")


def _sloppy_cp1252(raw: bytes) -> str:
    """Bytes read as Windows-1252, the five bytes it leaves undefined read as Latin-1."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in raw)


def mojibake_kind(line: str, kind: str, rng: random.Random) -> str:
    """A line garbled one of the ways pages are: ``latin1`` / ``cp1252`` (UTF-8 read as a
    Western code page), ``gbk`` (UTF-8 read as GBK, undecodable pairs become U+FFFD),
    ``gbk-lost`` (the same, undecodable bytes dropped), ``gbk-dropped`` (some bytes lost in
    transit before the GBK reading), ``gbk-as-utf8`` (GBK bytes read as UTF-8: mostly U+FFFD,
    nothing left to recover) and ``kunkao`` (that text saved as UTF-8 and read as GBK again:
    锟斤拷)."""
    raw = line.encode("utf-8")
    if kind == "latin1":
        return raw.decode("latin-1")
    if kind == "cp1252":
        return _sloppy_cp1252(raw)
    if kind == "gbk":
        return raw.decode("gbk", errors="replace")
    if kind == "gbk-lost":
        return raw.decode("gbk", errors="ignore")
    if kind == "gbk-dropped":
        kept = bytes(b for b in raw if rng.random() >= 0.02)
        return kept.decode("gbk", errors="replace")
    lost = line.encode("gb18030").decode("utf-8", errors="replace")
    if kind == "gbk-as-utf8":
        return lost
    return lost.encode("utf-8").decode("gbk", errors="replace")


def hard_wrap(line: str, width: int) -> list[str]:
    return [line[i:i + width] for i in range(0, len(line), width)] or [line]


# --- pages -----------------------------------------------------------------------------------

@dataclass
class Line:
    text: str
    kind: str  # "body", "junk", "meta", "blank"


class PageWriter:
    def __init__(self, family: Family, rng: random.Random, teasers: list[Article],
                 titles: list[str]) -> None:
        self.f, self.rng, self.teasers, self.titles = family, rng, teasers, titles
        self.planted: set[str] = set()  # the slots filled on the current page

    def _date(self) -> str:
        moment = datetime(2019, 1, 1) + timedelta(minutes=self.rng.randrange(60 * 24 * 365 * 6))
        return moment.strftime(self.rng.choice(self.f.date_formats))

    def _spam(self) -> str:
        words = self.rng.sample(self.f.spam_words, 5)
        return self.rng.choice(self.f.spam_forms).format(
            **{f"w{i + 1}": w for i, w in enumerate(words)}, site=self.rng.choice(self.f.sites))

    def _snippet(self) -> str:
        story = self.rng.choice(self.teasers)
        return story.paragraphs[0][: self.rng.randint(40, 90)] + "..."

    def _teasers(self) -> list[str]:
        items = []
        for _ in range(self.rng.randint(2, 4)):
            item = self.rng.choice(self.f.teaser_items)
            items.append(self._fill(item))
        return [self.rng.choice(self.f.teaser_headings), *items]

    def _fill(self, template: str, title: str = "") -> str:
        r, f = self.rng, self.f
        people = r.sample(f.people, 3)
        channels = r.sample(f.channels, 2)
        tags = r.sample(TAGS, 2)
        others = r.sample(self.titles, 2)
        values = dict(
            title=title, site=r.choice(f.sites), person=people[0], person2=people[1],
            person3=people[2], channel=channels[0], channel2=channels[1], date=self._date(),
            user=r.choice(f.users or USERS), gov=r.choice(GOVS), platform=r.choice(PLATFORMS),
            province=r.choice(PROVINCES), tag=tags[0], tag2=tags[1], other=others[0],
            other2=others[1], n=r.randint(30, 9000), m=r.randint(0, 90),
            digits="".join(r.choice("0123456789") for _ in range(10)),
            icp=f"京ICP备{r.randint(10000000, 99999999)}号", company=r.choice(COMPANIES),
            area=r.randint(10, 999), phone=r.randint(10000000, 89999999),
            mmdd=f"{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
            image=f"https://img.example.cn/{r.getrandbits(48):012x}.jpg",
            url=f"https://mp.example.cn/s/{r.getrandbits(40):010x}",
        )
        if "{snippet}" in template:
            values["snippet"] = self._snippet()
        for name, draw in self._later_slots().items():
            if "{" + name + "}" in template:  # drawn only where used: A's and B's draws stay
                values[name] = draw()
        return template.format(**values)

    def _later_slots(self) -> dict[str, Callable[[], str]]:
        """Placeholders of the families written after A and B."""
        r, users = self.rng, self.f.users or USERS
        return {
            "user2": lambda: r.choice(users), "user3": lambda: r.choice(users),
            "ago": lambda: r.choice([f"{r.randint(1, 23)}小时前", f"{r.randint(1, 59)}分钟前", "昨天"]),
            "isodate": lambda: (datetime(2019, 1, 1) + timedelta(
                minutes=r.randrange(60 * 24 * 365 * 6))).strftime("%Y-%m-%dT%H:%M:%S+08:00"),
            "dept": lambda: r.choice(DEPTS), "school": lambda: r.choice(SCHOOLS),
            "year": lambda: str(r.randint(2018, 2025)), "k": lambda: str(r.randint(1, 99)),
        }

    def _expand(self, templates: list[str], title: str = "") -> list[Line]:
        """Template lines as page lines; {teasers}, {spam}, … expand to the family's forms."""
        lines: list[Line] = []
        slots: dict[str, Callable[[], list[str]]] = {
            "{teasers}": self._teasers, "{spam}": lambda: [self._spam()],
            "{breadcrumb}": lambda: [self._fill(self.rng.choice(self.f.breadcrumbs))],
            "{navigation}": lambda: [self.rng.choice(self.f.navigation)],
            "{credit}": lambda: [self._fill(self.rng.choice(self.f.credits))],
            "{disclaimer}": lambda: [self._fill(self.rng.choice(self.f.disclaimers))],
            "{source}": lambda: [self._fill(self.rng.choice(self.f.sources))],
        }
        for template in templates:
            junk = template.startswith("!")
            body = template[1:] if junk else template
            if body in slots:
                self.planted.add(body.strip("{}"))
                lines.extend(Line(t, "junk") for t in slots[body]())
            elif body == "":
                lines.append(Line("", "blank"))
            else:
                lines.append(Line(self._fill(body, title), "junk" if junk else "meta"))
        return lines

    def join(self) -> list[Line]:
        """What stands between two articles of one file besides the next header."""
        if self.f.joins:
            way = self.rng.choices(list(self.f.joins), weights=list(self.f.joins.values()))[0]
        else:
            way = self.rng.choices(["source", "none", "credit", "separator", "end"],
                                   weights=[4, 3, 2, 1, 1])[0]
        if way == "disclaimer":
            return self._expand(["!{disclaimer}"])
        if way == "teasers":
            return self._expand(["!{teasers}"])
        if way == "original-title":  # a repost's closing line naming the story it came from
            return [Line(self._fill(self.rng.choice(["（原标题：{other}）", "原文标题：《{other}》"])),
                         "junk")]
        if way == "source":
            return self._expand(["!{source}"])
        if way == "navigation":
            return self._expand(["!{navigation}"])
        if way == "credit":
            return self._expand(["!{credit}"])
        if way == "separator":
            return [Line(self.rng.choice(self.f.separators), "junk")]
        if way == "end":
            return [Line(self.rng.choice(self.f.end_marks), "junk")]
        return []

    def page(self, kind: PageKind, articles: list[tuple[Article, list[str]]]) -> list[Line]:
        r = self.rng
        self.planted = set()
        lines: list[Line] = []
        if r.random() < 0.3:
            lines += self._expand(["!{spam}"])
        if r.random() < 0.35:
            lines += self._expand(["!{breadcrumb}"])
        lines += self._expand(r.choice(kind.top))
        for i, (article, paragraphs) in enumerate(articles):
            if i:
                lines += self.join()
            header = r.choice(kind.headers if article.title else kind.untitled_headers)
            lines += self._expand(header, article.title)
            inside_at = -1
            if kind.inside and self.f.defects and r.random() < self.f.defects.inside_rate:
                inside_at = r.randrange(1, len(paragraphs)) if len(paragraphs) > 1 else -1
            for at, paragraph in enumerate(paragraphs):
                if at == inside_at:
                    lines += self._expand(r.choice(kind.inside))
                lines.append(Line("\u3000\u3000" + paragraph if kind.indent else paragraph, "body"))
            if i == len(articles) - 1 or r.random() < 0.3:
                lines += self._expand(r.choice(kind.tail), article.title)
        if r.random() < 0.2:
            lines += self._expand(["!{disclaimer}"])
        lines += self._expand(r.choice(kind.bottom))
        return lines


@dataclass
class Plan:
    """Defects drawn for one file."""
    script: str | None
    pinyin: bool
    halfwidth: bool
    mojibake: bool
    encoding: str
    mojibake_kind: str = ""  # "": A's and B's Latin-1-or-GBK paragraph
    page_mojibake: bool = False  # every line garbled, not one paragraph
    pinyin_form: str = "toned"


PAGE_MOJIBAKE_KINDS = {"latin1", "cp1252", "gbk", "gbk-lost"}


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def draw_plan(rng: random.Random, defects: Defects | None = None) -> Plan:
    if defects:
        script = rng.choice(SCRIPTS) if rng.random() < 0.14 else None
        encoding = _weighted(rng, defects.encodings)
        if encoding == "big5" and not script:
            encoding = "utf-8"
        moji = rng.random() < defects.mojibake_rate
        kind = _weighted(rng, defects.mojibake_kinds) if moji else ""
        # A whole page garbled beyond repair holds no article to score: only repairable kinds.
        whole = moji and kind in PAGE_MOJIBAKE_KINDS and rng.random() < defects.page_mojibake
        return Plan(script, bool(script) and rng.random() < 0.4 or rng.random() < 0.03,
                    rng.random() < 0.15, moji, encoding, kind, whole,
                    _weighted(rng, defects.pinyin_forms))
    script = rng.choice(SCRIPTS) if rng.random() < 0.14 else None
    encoding = rng.choices(["utf-8", "gb18030", "big5", "utf-16"], weights=[90, 5, 3, 2])[0]
    if encoding == "big5" and not script:
        encoding = "utf-8"
    return Plan(script, bool(script) and rng.random() < 0.5 or rng.random() < 0.02,
                rng.random() < 0.15, rng.random() < 0.03, encoding)


def render(lines: list[Line], plan: Plan, fmt: str, rng: random.Random,
           converters: dict[str, opencc.OpenCC]) -> tuple[str, list[str]]:
    """The file's text and its planted junk lines as they stand in it."""
    wrap = fmt == "md" and rng.random() < 0.5
    moji_at = None
    if plan.mojibake:
        bodies = [i for i, line in enumerate(lines) if line.kind == "body"]
        moji_at = rng.choice(bodies) if bodies else None
    out: list[str] = []
    junk: list[str] = []
    for i, line in enumerate(lines):
        text = line.text
        if plan.script:
            text = converters[plan.script].convert(text)
        if line.kind == "body":
            if plan.pinyin:
                text = glue_pinyin(text, rng, 0.06, plan.pinyin_form)
            if plan.halfwidth:
                text = halfwidth(text, rng)
            if i == moji_at and not plan.mojibake_kind:
                text = mojibake(text, rng)
        elif line.kind == "junk":
            junk.append(text)
        if plan.mojibake_kind and text and (i == moji_at or plan.page_mojibake):
            text = mojibake_kind(text, plan.mojibake_kind, rng)
        if fmt == "md":
            if line.kind == "blank":
                continue
            pieces = hard_wrap(text, rng.randint(38, 60)) if wrap and line.kind == "body" else [text]
            out.extend(pieces)
            out.append("")
        else:
            out.append(text)
    return "\n".join(out).rstrip("\n") + "\n", junk


def encode(text: str, encoding: str) -> tuple[bytes, str]:
    if encoding == "utf-16":
        return text.encode("utf-16-le"), "utf-16"
    if encoding == "utf-16-be":  # with its byte order mark, as Windows tools save it
        return "\ufeff".encode("utf-16-be") + text.encode("utf-16-be"), "utf-16"
    try:
        return text.encode(encoding), encoding
    except UnicodeEncodeError:
        return text.encode("utf-8"), "utf-8"


def build_set(family: Family, pools: dict[str, list[Article]], n_files: int, seed: int,
              spin_pairs: dict[str, str], out: Path) -> set[str]:
    """Write ``out/raw/`` and ``out/gold.jsonl``: n_files pages of one family. Returns the
    ids of the articles it used, teasers' included."""
    rng = random.Random(f"{seed}-{family.name}")
    converters = {name: opencc.OpenCC(name) for name in SCRIPTS}
    sources = ["xwlb"] * 7 + ["cnews"] * 2 + ["sogou"]
    titles = [a.title for a in pools["xwlb"][-300:]]
    writer = PageWriter(family, rng, pools["xwlb"][-300:], titles)
    pools = {k: list(v[:-300] if k == "xwlb" else v) for k, v in pools.items()}
    used = {a.gold_id for a in writer.teasers}
    raw = out / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    gold: list[dict] = []
    published: list[tuple[int, int]] = []  # (gold index, article index) of single articles
    n_groups = 0
    for number in range(n_files):
        kind = rng.choice(family.kinds)
        plan = draw_plan(rng, family.defects)
        entries: list[dict] = []
        copy_of = None
        if published and rng.random() < 0.09:
            copy_of = rng.choice(published)
            source = gold[copy_of[0]]["articles"][copy_of[1]]
            article = source["_article"]
            if (family.defects and len(article.paragraphs) > 2
                    and rng.random() < family.defects.near_copy):
                # a re-publisher's copy: one paragraph cut, the rest as it was
                cut = rng.randrange(len(article.paragraphs))
                article = Article(article.gold_id, article.title,
                                  article.paragraphs[:cut] + article.paragraphs[cut + 1:])
            entries.append({"article": article, "spun": False})
        else:
            counts = family.articles_per_file or {1: 82, 2: 12, 3: 6}
            count = rng.choices(list(counts), weights=list(counts.values()))[0]
            for _ in range(count):
                pool = pools[rng.choice(sources)] or pools["xwlb"]
                article = pool.pop()
                used.add(article.gold_id)
                entries.append({"article": article,
                                "spun": rng.random() < 0.1 and bool(article.title)})
        bodies = []
        for entry in entries:
            paragraphs = entry["article"].paragraphs
            if entry["spun"]:
                paragraphs = [spin(p, spin_pairs, rng) for p in paragraphs]
            bodies.append((entry["article"], paragraphs))
        lines = writer.page(kind, bodies)
        text, junk = render(lines, plan, kind.fmt, rng, converters)
        name = f"{number:04d}.{kind.fmt}"
        data, encoding = encode(text, plan.encoding)
        (raw / name).write_bytes(data)
        articles = [{"gold_id": e["article"].gold_id, "title": e["article"].title,
                     "text": "\n".join(e["article"].paragraphs), "spun": e["spun"],
                     "dup_group": None, "_article": e["article"]} for e in entries]
        if copy_of is not None:
            original = gold[copy_of[0]]["articles"][copy_of[1]]
            if not original["dup_group"]:
                original["dup_group"] = f"h{n_groups}"
                n_groups += 1
            articles[0]["dup_group"] = original["dup_group"]
        elif len(articles) == 1 and not articles[0]["spun"]:
            published.append((len(gold), 0))
        flags = sorted({"spam": "spam_header", "breadcrumb": "breadcrumb"}[slot]
                       for slot in writer.planted & {"spam", "breadcrumb"})
        flags += ["mojibake"] if plan.mojibake else []
        gold.append({"file": name, "encoding": encoding, "format": kind.fmt, "articles": articles,
                     "junk": [j for j in junk if j.strip()], "flags": flags, "kind": kind.name,
                     "traditional": bool(plan.script), "pinyin": plan.pinyin,
                     "halfwidth": plan.halfwidth})
    with (out / "gold.jsonl").open("w", encoding="utf-8") as stream:
        for entry in gold:
            for article in entry["articles"]:
                del article["_article"]
            stream.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return used


# --- cleaning and scoring --------------------------------------------------------------------

def clean_and_score(eval_root: Path, set_dir: Path, out: Path) -> dict:
    """`curate run` on set_dir/raw into out, then score.py's figures."""
    subprocess.run([sys.executable, "-m", "curate", "run", str(set_dir / "raw"), "-o", str(out),
                    "--quiet"], check=False)
    finished = subprocess.run([sys.executable, str(eval_root / "score.py"), str(set_dir),
                               str(out), "--json"], check=True, capture_output=True, text=True)
    return json.loads(finished.stdout)


def dev_gold_ids(eval_root: Path) -> set[str]:
    return {article["gold_id"] for entry in _read_jsonl(eval_root / "dev" / "gold.jsonl")
            for article in entry["articles"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=SHARED / "eval")
    parser.add_argument("--data-dir", type=Path, default=SHARED / "data")
    parser.add_argument("--files", type=int, default=150, help="files a set (default 150)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--families", nargs="+", choices=sorted(FAMILIES),
                        default=sorted(FAMILIES))
    parser.add_argument("--no-dev", action="store_true", help="do not score the development set")
    parser.add_argument("--write", type=Path, help="keep the sets and their outputs here")
    args = parser.parse_args()
    for needed in (args.eval_dir / "dev" / "gold.jsonl", args.data_dir / "xwlb-cctv-news.jsonl"):
        if not needed.is_file():
            sys.exit(f"{needed}: not found (set --eval-dir / --data-dir or CURATE_SHARED)")
    rng = random.Random(args.seed)
    pools = load_articles(args.data_dir, dev_gold_ids(args.eval_dir), rng)
    spin_pairs = _load_spin(args.data_dir)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as scratch:
        root = args.write or Path(scratch)
        used: set[str] = set()
        later = {"C", "D"} & set(args.families)
        for offset, name in enumerate(("A", "B")):
            # A and B draw from disjoint slices of each pool; C and D need them built to know
            # which articles they took.
            if name not in args.families and not later:
                continue
            share = {k: v[offset::2] for k, v in pools.items()}
            set_dir = root / f"heldout-{name}"
            used |= build_set(FAMILIES[name], share, args.files, args.seed, spin_pairs, set_dir)
            if name in args.families:
                results[name] = clean_and_score(args.eval_dir, set_dir, root / f"out-{name}")
        for name in ("C", "D"):
            # each later family takes articles none of the families before it used
            if name not in args.families and not (name == "C" and "D" in args.families):
                continue
            share = {k: [a for a in v if a.gold_id not in used] for k, v in pools.items()}
            set_dir = root / f"heldout-{name}"
            used |= build_set(FAMILIES[name], share, args.files, args.seed, spin_pairs, set_dir)
            if name in args.families:
                results[name] = clean_and_score(args.eval_dir, set_dir, root / f"out-{name}")
        if not args.no_dev:
            results["dev"] = clean_and_score(args.eval_dir, args.eval_dir / "dev", root / "out-dev")
    print(f"{'':15s}" + "".join(f"{name:>10s}" for name in results))
    for figure in FIGURES:
        print(f"{figure:15s}" + "".join(f"{results[name][figure]!s:>10s}" for name in results))


if __name__ == "__main__":
    main()
