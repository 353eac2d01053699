"""Generate whole evaluation sets the way the development set is made, from articles it does not
use and under page templates written for this bench, clean them and score them.

    python bench/heldout_sets.py [--files 150] [--seed 11] [--families A B] [--no-dev]
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

Two families of templates: *A*, which the cleaning may be developed against, and *B*, written
apart and only measured. Each set is written as ``raw/`` + ``gold.jsonl`` in the development
set's format, cleaned with ``curate run`` and scored with ``../shared/eval/score.py``; the
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

FAMILIES = {"A": FAMILY_A, "B": FAMILY_B}
GOVS = ["某市人民政府办公室", "县农业农村局", "市生态环境局", "区教育局", "省商务厅", "市卫生健康委员会"]
PLATFORMS = ["头条号", "百家号", "企鹅号", "大鱼号", "网易号"]
PROVINCES = ["北京", "浙江", "广东", "四川", "湖北", "山东"]
TAGS = ["时事", "经济", "民生", "观察", "热点", "随笔", "政策", "调研"]
USERS = ["清风徐来", "老张看世界", "zhangsan2019", "一叶知秋", "小马哥", "海阔天空"]
COMPANIES = ["某某网络科技有限公司", "某信息技术有限公司"]
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


def glue_pinyin(line: str, rng: random.Random, rate: float) -> str:
    """Toned pinyin glued after some characters, as pages converted by pinyin tools carry it."""
    out = []
    for ch in line:
        out.append(ch)
        if HAN.match(ch) and rng.random() < rate:
            reading = pinyin(ch, style=Style.TONE)[0][0]
            if reading.isalpha():
                out.append(f"({reading})")
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
            user=r.choice(USERS), gov=r.choice(GOVS), platform=r.choice(PLATFORMS),
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
        return template.format(**values)

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
        way = self.rng.choices(["source", "none", "credit", "separator", "end"],
                               weights=[4, 3, 2, 1, 1])[0]
        if way == "source":
            return self._expand(["!{source}"])
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
            for paragraph in paragraphs:
                lines.append(Line(paragraph, "body"))
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


def draw_plan(rng: random.Random) -> Plan:
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
                text = glue_pinyin(text, rng, 0.06)
            if plan.halfwidth:
                text = halfwidth(text, rng)
            if i == moji_at:
                text = mojibake(text, rng)
        elif line.kind == "junk":
            junk.append(text)
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
    try:
        return text.encode(encoding), encoding
    except UnicodeEncodeError:
        return text.encode("utf-8"), "utf-8"


def build_set(family: Family, pools: dict[str, list[Article]], n_files: int, seed: int,
              spin_pairs: dict[str, str], out: Path) -> None:
    """Write ``out/raw/`` and ``out/gold.jsonl``: n_files pages of one family."""
    rng = random.Random(f"{seed}-{family.name}")
    converters = {name: opencc.OpenCC(name) for name in SCRIPTS}
    sources = ["xwlb"] * 7 + ["cnews"] * 2 + ["sogou"]
    titles = [a.title for a in pools["xwlb"][-300:]]
    writer = PageWriter(family, rng, pools["xwlb"][-300:], titles)
    pools = {k: list(v[:-300] if k == "xwlb" else v) for k, v in pools.items()}
    raw = out / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    gold: list[dict] = []
    published: list[tuple[int, int]] = []  # (gold index, article index) of single articles
    n_groups = 0
    for number in range(n_files):
        kind = rng.choice(family.kinds)
        plan = draw_plan(rng)
        entries: list[dict] = []
        copy_of = None
        if published and rng.random() < 0.09:
            copy_of = rng.choice(published)
            source = gold[copy_of[0]]["articles"][copy_of[1]]
            article = source["_article"]
            entries.append({"article": article, "spun": False})
        else:
            count = rng.choices([1, 2, 3], weights=[82, 12, 6])[0]
            for _ in range(count):
                pool = pools[rng.choice(sources)] or pools["xwlb"]
                article = pool.pop()
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
    parser.add_argument("--families", nargs="+", choices=sorted(FAMILIES), default=["A", "B"])
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
        for offset, name in enumerate(sorted(FAMILIES)):
            # A and B draw from disjoint slices of each pool, whichever are asked for.
            share = {k: v[offset::2] for k, v in pools.items()}
            if name not in args.families:
                continue
            set_dir = root / f"heldout-{name}"
            build_set(FAMILIES[name], share, args.files, args.seed, spin_pairs, set_dir)
            results[name] = clean_and_score(args.eval_dir, set_dir, root / f"out-{name}")
        if not args.no_dev:
            results["dev"] = clean_and_score(args.eval_dir, args.eval_dir / "dev", root / "out-dev")
    print(f"{'':15s}" + "".join(f"{name:>10s}" for name in results))
    for figure in FIGURES:
        print(f"{figure:15s}" + "".join(f"{results[name][figure]!s:>10s}" for name in results))


if __name__ == "__main__":
    main()
