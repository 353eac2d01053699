"""Wrap clean articles in page templates the development set does not use, clean them, and
count the junk lines that leak and the article paragraphs that are lost.

    python bench/template_probe.py [--templates original|fresh|real|all] [--eval-dir ../shared/eval]

The articles are the development set's expected texts (unspun, with a title); the templates
below were written for this probe from forms Chinese news pages use, so a rule fitted to the
development set's own templates shows up here as a leak. The original templates were written
together with the rules; the fresh ones were written afterwards, from page forms the rules
had not been tried on. The real ones are taken from real pages: the lines just before and
just after the hand-extracted main text of the 69 pages of ``web-extraction-gold-cwced.jsonl``
(see ``real_templates``). Each set wraps every article once, so a set's figures are the same
alone or with the others. Deduplication is switched off: the probe is about cleaning.

Then the other side: clean news stories (``shared/data``) go through the same furniture steps,
which must remove nothing from them. Prints figures; never fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

import regex
from rapidfuzz import fuzz

from curate.clean.script import convert_to_simplified
from curate.io.html import page_blocks, parse_page
from curate.pipeline import DEFAULT_STEPS, Context, Pipeline, clean_text
from curate.rules import Rules
from curate.storage import CorpusReader

REPO = Path(__file__).resolve().parent.parent
DEFAULT_EVAL = Path(os.environ.get("CURATE_SHARED", REPO.parent / "shared")) / "eval"
# Clean news, beside the evaluation set: no character of it may be taken for furniture.
CLEAN_NEWS = ["xwlb-cctv-news.jsonl", "thucnews-cnews-1000.jsonl", "sogoucs-smarty.jsonl"]
# The steps that remove page furniture, from the spam header to the site's notices, and
# the one that cuts a page's keywords from its sentences (given the story's own title).
FURNITURE_STEPS = DEFAULT_STEPS[DEFAULT_STEPS.index("drop_spam_header"):
                                max(DEFAULT_STEPS.index("drop_page_notices"),
                                    DEFAULT_STEPS.index("drop_furniture_lines")) + 1]
KEYWORD_STEP = "remove_keyword_splices"
# The step that drops pages holding no article: every clean story must stay an article.
PAGE_STEP = "drop_articleless_pages"
# Real pages with hand-extracted main text, beside the evaluation set (MIT).
GOLD_PAGES = "web-extraction-gold-cwced.jsonl"
# How many lines are taken on each side of a real page's article, and how long one may be
# (longer lines are text, not furniture); a page line this long that is found in the gold
# text is where the article starts or ends.
REAL_EDGE_LINES = 6
REAL_LINE_MAX_CHARS = 60
ANCHOR_CHARS = 10
# A page line is taken for part of the article when it is found in the gold text's first or
# last this many characters (a short line such as 评论 would be found anywhere in it).
GOLD_EDGE_CHARS = 200
# A junk line shorter than this leaks when it stands as a paragraph of the output; a longer
# one when its start is found anywhere in the output.
SHORT_LINE_CHARS = 6
# A line ending like a sentence may be article text the gold left out (one page's gold stops
# at 展开全文): the harvest stops there rather than count it as junk.
_SENTENCE = regex.compile(r"\p{Han}.{6,}[。！？!?]$")
_HAN = regex.compile(r"\p{Han}")
# The data set wraps most pages in <text id=URL title=...>; a served page has no such wrapper.
_DATA_SET_WRAPPER = regex.compile(r"\A\s*<text\b[^>]*>(.*?)(?:</text>\s*)?\Z", regex.DOTALL)
_DATA_SET_TITLE = regex.compile(r'\A\s*<text\b[^>]*\btitle="([^"]*)"')
_TITLE_ELEMENT = regex.compile(r"<title[^>]*>(.*?)</title>", regex.DOTALL | regex.IGNORECASE)
# Corner quotes become curly ones (`[punctuation] corner_quotes`); the measure folds both.
QUOTES = str.maketrans("「」『』‘’", "“”“”“”")

# (header lines before the title, header lines after it, trailing lines).
ORIGINAL_TEMPLATES = [
    (["您现在的位置：新闻中心 >> 国内新闻 >> 正文"], ["发布时间：2024年03月02日 10:30  来源：新华网"],
     ["责任编辑：李华", "【版权声明】本网站所刊载信息，不代表本站观点。如转载请注明出处。", "相关阅读",
      "国务院常务会议部署稳就业工作", "多地出台措施促进消费"]),
    (["首页 / 财经 / 宏观"], ["2024/05/12 08:00"],
     ["（完）", "编辑 / 张三  校对 / 李四", "扫码关注我们的公众号，获取更多资讯",
      "Copyright © 2024 某某网 版权所有 京ICP备12345678号"]),
    (["澳门威尼斯人_皇冠体育官网_乐鱼体育下载_开元棋牌app_欧宝娱乐登录"], ["2023.11.02"],
     ["文章来源：人民日报", "猜你喜欢", "央视网消息：国家统计局今天发布数据显示，前三季度国内生产总值同比增长……",
      "今年以来，各地积极推进老旧小区改造，一大批民生工程[详细]"]),
    (["网站首页 > 新闻中心 > 社会新闻"], ["来源：澎湃新闻  作者：王强  2024-02-03 09:12:33",
                                      "分享到：微信 微博 QQ空间"],
     ["上一篇：多地发布高温预警", "下一篇：暑运客流持续攀升", "扫描二维码 关注我们"]),
    (["最新電影在線觀看|免費高清視頻|日韓無碼|成人影院|午夜福利"], ["2023年12月1日"],
     ["（本文来自澎湃新闻，更多原创资讯请下载“澎湃新闻”APP）", "图/视觉中国", "点击查看更多>>"]),
    ([], ["文/张伟"],
     ["本文为转载，如有侵权请联系删除。", "联系电话：010-12345678", "返回搜狐，查看更多"]),
    (["当前位置: 主页 » 科技 » 互联网"], ["时间：2024-07-08"],
     ["声明：本文仅代表作者观点，不代表本站立场。", "延伸阅读：", "工信部：加快推进5G应用",
      "教育部部署暑期安全工作", "外交部回应热点问题"]),
    ([], ["2024-06-01 14:22:05", "责任编辑：王小明"],
     ["免责声明：本文内容来源于网络，仅供参考。", "热门评论", "点击加载更多"]),
]
FRESH_TEMPLATES = [
    # A national daily: channel path, dateline with the source, font-size row, bracketed
    # editor, a related list.
    (["人民网 >> 时政 >> 正文"], ["2024年05月20日07:15 | 来源：人民网－人民日报", "字号：大 中 小"],
     ["（责编：赵欣悦、岳弘彬）", "分享让更多人看到", "推荐阅读",
      "全国人大常委会举行专题讲座", "国家发展改革委：加快构建全国统一大市场"]),
    # A news agency: correction link, bracketed editor, share row.
    (["新华网 > 新华时政 > 正文"], ["2024-03-05 10:21:33  来源：新华网", "打印本页 关闭窗口"],
     ["【纠错】", "【责任编辑：王卓伦】", "阅读下一篇：", "微信扫一扫分享"]),
    # A city government site: location prefix, info row with views, print row, footer.
    (["您所在的位置：网站首页 > 政务公开 > 工作动态"],
     ["发布时间：2024-06-12 09:30  信息来源：市政府办公室  阅读量：1234"],
     ["打印本页 关闭窗口", "主办单位：某某市人民政府办公室  版权所有 © 2024",
      "网站标识码：3401000001  皖ICP备05001234号", "扫一扫在手机打开当前页"]),
    # A portal: arrow breadcrumb, original title, topic link, editor code, teasers.
    (["新闻 › 国内 › 正文"], ["原标题：两会时间|代表委员热议新质生产力", "2024年03月15日 08:30 中国新闻网"],
     ["点击进入专题：2024全国两会", "责任编辑：张建利 SN225", "大家都在看",
      "国家统计局：前两月经济运行起步平稳", "商务部回应欧盟对华电动汽车反补贴调查……"]),
    # A reposting site under a comma-joined gambling header.
    (["乐鱼体育,开云体育,九游会,澳门新葡京,皇冠体育官网"], ["作者：李明  来源：经济日报  2024-01-08"],
     ["本文来源：经济日报", "转载请注明出处", "[查看原文]", "【点击查看更多】"]),
    # A Hong Kong or Taiwan site in traditional script.
    (["首頁 > 新聞 > 正文"], ["（原標題：年宵市場人潮湧動 花商盼生意回暖）", "2024-02-10 發佈"],
     ["編輯：陳大文 審核：李小明", "相關新聞", "港股午市收升逾百點[詳細]",
      "立法會三讀通過《維護國家安全條例》>>"]),
    # A content farm under a space-joined spam header; follow and app rows at the end.
    (["久久精品 国产视频 在线观看 免费高清 无码专区"],
     ["来源：光明日报 作者：记者 王芳 发布时间：2024-04-01 09:00:00"],
     ["往期回顾", "春运首日全国铁路发送旅客超千万人次", "多地发布暴雪预警，交通运输部启动应急响应",
      "关注我们", "下载客户端"]),
    # A local paper: double-arrow path, editor and reviewer row, views, teasers cut off
    # mid-sentence under a heading.
    (["首页>>新闻>>国内新闻"], ["编辑：张敏 审核：刘强", "阅读：2356"],
     ["热点推荐", "央行宣布下调存款准备金率0.5个百分点，释放长期流动性约",
      "国产大飞机C919开启商业运营第二年，累计运送旅客突破", "精彩推荐", "高温天气持续 多地电网负荷创新高..."]),
    # A traditional spam header joined by ideographic commas; copyright footer.
    (["成人視頻、免費在線觀看、高清無碼、午夜影院、最新電影"], ["時間：2023-09-18 14:05"],
     ["本文來源：中央社", "版權所有 © 2023 某某新聞網 All Rights Reserved",
      "粵ICP備12345678號-1", "下載客戶端"]),
    # A magazine site: site title and date row, source and editor in one parenthesis.
    ([], ["2024-08-30 星期五 来源：第一财经"],
     ["（来源：第一财经 编辑：周斌）", "本文首发于第一财经，转载请注明出处。", "相关阅读",
      "A股三大指数集体收涨 创业板指涨超2% >>", "多家银行下调存款利率[详细]"]),
    # Written in a second round, after the rules were fixed for the ten above.
    (["当前位置：首页 › 财经频道 › 产经"], ["2023-11-20 16:45:12 来源：中国经济网 作者：刘洋"],
     ["【责任编辑：陈思】", "分享到：", "猜你感兴趣", "多地楼市新政密集出台", "新能源车下乡活动启动"]),
    (["你现在的位置: 首页 > 要闻"], ["发布日期：2024/01/09  浏览次数：876"],
     ["【打印】【关闭】", "相关链接：", "市委常委会召开会议……", "全市经济工作会议召开……"]),
    (["澳门葡京赌场 | 太阳城娱乐 | 百家乐技巧 | 时时彩计划"], ["2022-07-14 作者：佚名"],
     ["文章转载自网络，版权归原作者所有", "上一篇：暂无", "下一篇：夏季防暑小常识"]),
    (["首页 > 体育 > 足球"], ["2023年08月05日 21:30  来源：新浪体育"],
     ["（编辑：王涛）", "新浪体育声明：新浪网登载此文出于传递更多信息之目的，并不意味着赞同其观点。",
      "热门视频", "梅西再进球 迈阿密国际晋级>>"]),
    (["News 首頁 > 國際 > 正文"], ["2024年4月2日 週二"],
     ["（責任編輯：林志明）", "更多新聞請下載本台App", "延伸閱讀", "美聯儲維持利率不變[詳細]"]),
    ([], ["作者：本报记者 李晓  来源：工人日报"],
     ["本文系本站原创，未经授权不得转载", "点赞(0) 收藏", "举报", "网友评论（0）"]),
    (["科技频道 | 互联网 | 正文"], ["原创 2024-05-06 10:00 作者：小编"],
     ["本文由小编整理发布，如有侵权请联系删除", "阅读 3.2万", "推荐文章", "苹果发布会定档……"]),
    (["最新视频,免费电影,在线观看,午夜影院,日韩精品"], ["时间：2024-03-03 来源：网络"],
     ["网友评论", "已有0人参与", "返回列表"]),
]
TEMPLATE_SETS = {"original": ORIGINAL_TEMPLATES, "fresh": FRESH_TEMPLATES}
SET_NAMES = [*TEMPLATE_SETS, "real"]


def real_templates(pages: Path) -> tuple[list[tuple], Counter]:
    """Templates harvested from real pages: up to ``REAL_EDGE_LINES`` short lines on each side
    of the gold main text, in the page's visible text rendered one block a line.

    Lines found in the gold text are skipped. A line found in the page's title (``<title>``
    or the data set's ``title=`` attribute) is the page's own headline: the article's title
    takes its place, so lines above it go before the title and the others after it. The
    harvest on a side stops at a line that ends like a sentence. Returns the templates and
    how many lines were set aside, by reason.
    """
    templates, aside = [], Counter()
    for line in pages.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        html, gold = row["meta"]["html"], folded(row["text"])
        wrapper = _DATA_SET_WRAPPER.match(html)
        page = wrapper.group(1) if wrapper else html
        title = _DATA_SET_TITLE.match(html) or _TITLE_ELEMENT.search(page)
        title = folded(title.group(1) if title else "")
        tree = parse_page(page)
        lines = [" ".join(text.split()) for block in (page_blocks(tree) if tree is not None else [])
                 for text in block.text.split("\n") if text.strip()]
        anchors = [i for i, text in enumerate(lines)
                   if (len(folded(text)) >= ANCHOR_CHARS and folded(text) in gold)
                   or gold[:ANCHOR_CHARS] in folded(text) or gold[-ANCHOR_CHARS:] in folded(text)]
        if not anchors:
            aside["page whose main text is not found in it"] += 1
            continue
        before = _edge_lines(reversed(lines[: anchors[0]]), gold[:GOLD_EDGE_CHARS], aside)[::-1]
        after = _edge_lines(lines[anchors[-1] + 1:], gold[-GOLD_EDGE_CHARS:], aside)
        headline = [i for i, text in enumerate(before)
                    if len(folded(text)) >= 4 and folded(text) in title]
        aside["line found in the page's title (the title's place)"] += len(headline)
        above = before[: headline[0]] if headline else []
        below = [text for i, text in enumerate(before)
                 if i not in headline and (not headline or i > headline[0])]
        templates.append((above, below, after))
    return templates, aside


def _edge_lines(lines, gold_edge: str, aside: Counter) -> list[str]:
    taken = []
    for text in lines:
        if len(taken) == REAL_EDGE_LINES:
            break
        if _SENTENCE.search(text) and len(_HAN.findall(text)) >= 8:
            aside["harvest stopped at a line ending like a sentence"] += 1
            break
        if folded(text) in gold_edge or len(text) > REAL_LINE_MAX_CHARS:
            continue
        taken.append(text)
    return taken


def folded(text: str) -> str:
    """Text compared up to width, quote style and whitespace: what cleaning may change."""
    return "".join(unicodedata.normalize("NFKC", text).translate(QUOTES).split())


def articles(gold: Path) -> list[dict]:
    seen, found = set(), []
    for line in gold.read_text(encoding="utf-8").splitlines():
        for article in json.loads(line)["articles"]:
            if article["spun"] or not article["title"] or article["gold_id"] in seen:
                continue
            seen.add(article["gold_id"])
            found.append(article)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--templates", choices=[*SET_NAMES, "all"], default="all")
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    args = parser.parse_args()
    gold = args.eval_dir / "dev" / "gold.jsonl"
    data = args.eval_dir.parent / "data"
    if not gold.is_file():
        sys.exit(f"{gold}: not found (set --eval-dir or CURATE_SHARED)")
    chosen = SET_NAMES if args.templates == "all" else [args.templates]
    template_sets = dict(TEMPLATE_SETS)
    if "real" in chosen:
        if not (data / GOLD_PAGES).is_file():
            sys.exit(f"{data / GOLD_PAGES}: not found (set --eval-dir or CURATE_SHARED)")
        template_sets["real"], aside = real_templates(data / GOLD_PAGES)
        harvested = sum(len(part) for template in template_sets["real"] for part in template)
        print(f"real templates: {harvested} lines harvested from {len(template_sets['real'])} "
              f"pages; set aside: " + ", ".join(f"{count} {why}" for why, count in aside.items()))
    with tempfile.TemporaryDirectory() as scratch:
        raw, out = Path(scratch) / "raw", Path(scratch) / "out"
        raw.mkdir()
        expected = {}
        for set_name in chosen:
            templates = template_sets[set_name]
            for number, article in enumerate(articles(gold)):
                before, after, tail = templates[number % len(templates)]
                lines = [*before, article["title"], *after, *article["text"].split("\n"), *tail]
                name = f"{set_name}-{number:04d}.txt"
                (raw / name).write_text("\n".join(lines), encoding="utf-8")
                expected[name] = (set_name, article["text"], [*before, *after, *tail])
        config = Path(scratch) / "curate.toml"
        config.write_text('[dedup]\nnear = false\n[pipeline]\ndisable = ["drop_exact_duplicates"]\n')
        subprocess.run([sys.executable, "-m", "curate", "run", str(raw), "-o", str(out),
                        "--quiet", "--config", str(config)], check=False)
        outputs: dict[str, list[str]] = {}
        for doc in CorpusReader(out).records("documents"):
            name = Path(doc["provenance"]["file"]).name
            outputs.setdefault(name, []).extend(folded(p) for p in doc["text"].split("\n"))
        for set_name in chosen:
            report(set_name, len(template_sets[set_name]),
                   {name: found for name, found in expected.items() if found[0] == set_name},
                   outputs)
    report_clean_news(data)


def report(set_name: str, size: int, expected: dict[str, tuple],
           outputs: dict[str, list[str]]) -> None:
    leaked, junk, lost, paragraphs = Counter(), 0, 0, 0
    for name, (_, text, junk_lines) in expected.items():
        output_paragraphs = outputs.get(name, [])
        output = "".join(output_paragraphs)
        for line in junk_lines:
            junk += 1
            line_folded = folded(convert_to_simplified(line, "t2s"))
            # A short line (国内, 评论) leaks when it stands as a paragraph: as a substring it
            # would be found in most articles.
            if line_folded in output_paragraphs or (
                len(line_folded) >= SHORT_LINE_CHARS and line_folded[:14] in output
            ):
                leaked[line] += 1
        for paragraph in text.split("\n"):
            paragraph = folded(paragraph)
            if len(paragraph) < 8:
                continue
            paragraphs += 1
            if paragraph not in output and fuzz.partial_ratio(paragraph, output) < 90:
                lost += 1
    print(f"{set_name} templates ({size}), {len(expected)} articles")
    print(f"  junk_leaked   {sum(leaked.values()) / max(1, junk):.4f} "
          f"({sum(leaked.values())} of {junk} junk lines)")
    print(f"  body_lost     {lost / max(1, paragraphs):.4f} ({lost} of {paragraphs} paragraphs)")
    for line, count in leaked.most_common():
        print(f"    leaked {count}x: {line}")


def report_clean_news(data: Path) -> None:
    rules = Rules()
    keywords = Pipeline(Context(rules), [KEYWORD_STEP])
    print("clean news through the furniture steps and the keyword cut "
          "(aim: 0 characters removed, every story kept as an article)")
    for file in CLEAN_NEWS:
        path = data / file
        if not path.is_file():
            print(f"  {file:<28} missing")
            continue
        removed, header_lines, stories, not_articles = [], 0, 0, Counter()
        for line in path.open(encoding="utf-8"):
            stories += 1
            story = json.loads(line)
            for doc in clean_text(story["text"], rules=rules, steps=FURNITURE_STEPS,
                                  markdown=False):
                if doc.rejected is not None and doc.rejected.step == PAGE_STEP:
                    not_articles[doc.rejected.rule] += 1
                if doc.rejected is None:
                    doc.metadata.setdefault("title", story.get("title") or "")
                    (doc,) = keywords.run([doc])
                edits = [edit for edit in doc.edits
                         if edit.step in FURNITURE_STEPS or edit.step == KEYWORD_STEP]
                if doc.rejected is not None:  # a story dropped whole is all removed
                    edits.append(doc.rejected)
                removed += [edit for edit in edits if edit.action in ("remove", "drop")]
                header_lines += sum(1 for edit in edits if edit.action == "metadata")
        print(f"  {file:<28}{stories:>6} stories {sum(len(e.text) for e in removed):>7} characters "
              f"removed {header_lines:>5} header lines taken as metadata "
              f"{stories - sum(not_articles.values()):>6} kept as articles by {PAGE_STEP}"
              + "".join(f" ({count} {rule})" for rule, count in not_articles.items()))
        for edit in removed:
            print(f"    removed ({edit.rule}): {edit.text[:60]}")

if __name__ == "__main__":
    main()
