"""Pages with no article are dropped whole, with the evidence; an article over a list stays."""

import json

import numpy as np
import pytest

from curate.clean.articleless import PageModel, PageSettings
from curate.clean.furniture import TreeEnsemble, numbered
from curate.clean.line_features import line_features
from curate.clean.page_features import PAGE_INDEX, CommonPairs, page_row, sectioned_long_run
from curate.pipeline import DEFAULT_STEPS, clean_text
from curate.rules import RuleError, Rules

UP_TO_PAGES = DEFAULT_STEPS[: DEFAULT_STEPS.index("drop_articleless_pages") + 1]

# A sports site's list page as such pages are built (the shape of the teaser lists of
# bench/labels, in words of our own): headlines, each with its story cut off by "......".
TEASERS = [
    "加拉格尔",
    "切尔西中场本赛季在租借球队表现出色，多家豪门相信俱乐部愿意在夏天出售这名球员......",
    "赛季剩余时间......",
    "老将伤愈复出后破门，成为联赛最年长的外籍射手",
    "这位39岁的前锋在伤势康复后首次登场，帮助球队在客场击败对手，他在赛后表示......",
    "后腰成为意甲豪门的转会目标",
    "据报道，这名后腰是意甲豪门的转会目标，他两年前以5000万英镑加盟，经历了起起落落......",
    "英足总希望女子联赛的男女教练比例更加均衡",
    "主力门将与俱乐部续约至2025年",
]
# A product list page: rows of one pattern, each model with a one-line blurb.
PRODUCTS = [
    "凯氏定氮仪/脂肪测定仪",
    "KDN-08A凯氏定氮仪 价格面议",
    "KDN-04A凯氏定氮仪 价格面议",
    "KDN-04C凯氏定氮仪 价格面议",
    "SZF-06A脂肪测定仪 价格面议",
    "SZF-06C脂肪测定仪 价格面议",
    "仪器外壳采用喷塑钢板，工作区域采用防腐面板，耐酸耐碱。",
    "SZF-06G脂肪测定仪 价格面议",
    "DNP-9810凯氏定氮仪 价格面议",
    "根据索氏抽提原理，用重量法测定脂肪含量，操作简单。",
]
# An article (seed 001's lead, simplified) over a list of teasers of other stories.
ARTICLE = [
    "补位英伟达！国产AI芯片的破茧之战",
    "美国政府层层加码的AI芯片出口管制，正在改写全球半导体产业格局。英伟达为规避制裁曾两度“自降”"
    "芯片性能，却仍面临H20被禁的考验，中国市场营收前景蒙上阴影。",
    "与此同时，国产GPU厂商正在加快补位，以满足持续旺盛的算力需求。从当前国内AI芯片市场格局来看，"
    "整体呈现“一超多强”架构。",
    "据报道，这名后腰是意甲豪门的转会目标，他两年前以5000万英镑加盟，经历了起起落落......",
    "这位39岁的前锋在伤势康复后首次登场，帮助球队在客场击败对手，他在赛后表示......",
    "切尔西中场本赛季在租借球队表现出色，多家豪门相信俱乐部愿意在夏天出售这名球员......",
]


def test_teaser_list_is_dropped_by_the_page_classifier_with_its_evidence(clean):
    (doc,) = clean("\n".join(TEASERS), UP_TO_PAGES, markdown=False)
    assert doc.rejected is not None
    assert (doc.rejected.step, doc.rejected.rule) == ("drop_articleless_pages",
                                                      "no-article-page")
    # The figures are those of the committed model (rules/page_classifier.yaml): retraining
    # it moves them, and this line shows the evidence a reader of the edit gets. Retrained
    # on the line classifier with the core measurements and one CCTV story in 10 weighted
    # 4.0: 0.97 by teaser_share before, 0.95 by han_weighted_score; with the hard clean
    # news stories among its articles, 0.96; on the documents the split at a header over
    # subtitles and the heading of any wording leave, 0.97.
    assert doc.rejected.why == (
        "the page classifier gives 0.97 that its 8 lines hold no article (a listing, a "
        "teaser list or a page of links), most of all by han_weighted_score 0.80, "
        "mean_score 0.78, coherent_run 0")


def test_listing_of_rows_alike_is_dropped_by_the_page_classifier_with_its_evidence(clean):
    (doc,) = clean("\n".join(PRODUCTS), UP_TO_PAGES, markdown=False)
    assert doc.rejected is not None
    assert (doc.rejected.step, doc.rejected.rule) == ("drop_articleless_pages",
                                                      "no-article-page")
    # The heading went to the title first: 9 lines are left, 7 of them rows alike. (The
    # line scores of the core measurements move han_weighted_score from 0.54, and the
    # retrained page model's chance from 0.96, then 0.97, 0.99 and 1.00.)
    assert doc.rejected.why == (
        "the page classifier gives 1.00 that its 9 lines hold no article (a listing, a "
        "teaser list or a page of links), most of all by pattern_share 0.78, "
        "han_weighted_score 0.57, mean_score 0.69")


def test_article_over_a_teaser_list_stays(clean):
    (doc,) = clean("\n".join(ARTICLE), UP_TO_PAGES, markdown=False)
    assert doc.rejected is None


def test_writers_own_ellipsis_is_no_teaser(clean, rules):
    # The teaser list with each cut written …… as a writer ends a sentence: no line counts as
    # cut off, and if the page goes (headlines between lines that trail off, mostly short),
    # it is on the other measurements.
    lines = [line.replace("......", "……") for line in TEASERS]
    rows = line_features(lines)
    features = page_row(lines, rows, TreeEnsemble.from_rules(rules).probabilities(rows),
                        numbered(lines))
    assert features[PAGE_INDEX["teaser_share"]] == 0.0
    docs = clean("\n".join(lines), UP_TO_PAGES, markdown=False)
    assert all("teaser_share" not in doc.rejected.why for doc in docs if doc.rejected)


def test_long_prose_paragraphs_in_a_row_keep_a_page_the_classifier_would_drop(clean, rules):
    # The teaser list again, with two paragraphs of the article (seed 001) one after the
    # other in the middle: an article among teasers.
    lead = ARTICLE[1] + ARTICLE[2]
    page = [*TEASERS[:4], lead, lead.replace("英伟达", "该公司"), *TEASERS[4:]]
    rows = line_features(page)
    features = page_row(page, rows, TreeEnsemble.from_rules(rules).probabilities(rows),
                        numbered(page))
    assert features[PAGE_INDEX["long_paragraph_run"]] == 2
    (doc,) = clean("\n".join(page), UP_TO_PAGES, markdown=False)
    assert doc.rejected is None


# A parenting blog post in sections, each under a question of one pattern (the shape of a
# SogouCS post the page classifier took for a listing, in words of our own).
SECTIONS = [
    "问题　1　：早餐用方便面代替",
    "不少家长早上来不及做饭，就给孩子泡一碗方便面当早餐，觉得加上鸡蛋和青菜就够营养了。其实方便面油脂和盐分偏高，蛋白质和维生素却很少，长期用方便面代替早餐，孩子上午容易饿，注意力也难以集中，家长应当尽量为孩子准备一份简单而均衡的早餐，哪怕只是一杯牛奶、一个鸡蛋和一片面包。",
    "问题　2　：用营养品弥补挑食",
    "有的家长看孩子挑食、吃得少，就买来各种营养品给孩子补，以为这样就能把缺的营养补回来。可是孩子正在长身体，营养首先要从一日三餐里来，营养品吃多了反而会影响食欲，家长更应该耐心调整孩子的饮食习惯，让孩子愿意好好吃饭，营养自然就跟上了。",
    "问题　3　：用饮料代替牛奶和水果",
    "很多家长问我，乳饮料和果汁饮料能不能代替牛奶和水果。答案是不能，乳饮料里的蛋白质和钙远远比不上牛奶，果汁饮料也没有水果里的膳食纤维，孩子喝多了饮料还容易摄入过多的糖，家长给孩子准备牛奶和新鲜水果才是正确的做法，一天一杯牛奶、一个水果并不难做到。",
    "问题　4　：用甜饮料解渴",
    "现在不少孩子口渴了就喝甜饮料，吃饭前也要先来一瓶，这个习惯其实很不好。甜饮料里的糖会让孩子在饭前就没了胃口，正餐吃不下去，零食却越吃越多，时间长了还容易长蛀牙、发胖，家长应当让孩子从小养成口渴喝白开水的习惯。",
    "转载请注明：某某的博客 » 家长自检：孩子的这些饮食习惯对吗",
]


def test_sections_under_their_headings_keep_a_page_the_classifier_would_drop(clean, rules):
    settings = PageSettings.from_rules(rules)
    rows = line_features(SECTIONS)
    features = page_row(SECTIONS, rows, TreeEnsemble.from_rules(rules).probabilities(rows),
                        numbered(SECTIONS), CommonPairs.from_rules(rules))
    assert float(PageModel.from_rules(rules).probabilities(features)) >= settings.no_article_at
    assert features[PAGE_INDEX["coherent_long_run"]] < settings.protect_run
    assert sectioned_long_run(SECTIONS, rows, CommonPairs.from_rules(rules)) >= 3
    (doc,) = clean("\n".join(SECTIONS), ["drop_articleless_pages"], markdown=False)
    assert doc.rejected is None


def test_page_model_written_wrong_names_its_file_and_the_tool_to_rebuild_it(tmp_path):
    (tmp_path / "page_classifier.yaml").write_text(
        "features: [lines]\nmean: [0]\nscale: [1]\nweights: [1]\nbias: 0\n",
        encoding="utf-8")
    with pytest.raises(RuleError, match=r"rules/page_classifier.yaml: its features are not "
                       r"those of curate/clean/page_features.py; rebuild it with "
                       r"tools/train_page_classifier.py"):
        PageModel.from_rules(Rules(tmp_path))


def test_clean_news_stories_of_the_shared_set_stay_articles(shared_data, rules):
    # One CCTV story in 10 (every tenth from the first) trained the classifier: others are
    # scored here.
    pipeline_steps = DEFAULT_STEPS[: DEFAULT_STEPS.index("drop_articleless_pages") + 1]
    with (shared_data / "xwlb-cctv-news.jsonl").open(encoding="utf-8") as handle:
        stories = [json.loads(line)["text"] for n, line in enumerate(handle)
                   if n % 40 == 1 and n < 4000]
    dropped = [doc.rejected.why for text in stories
               for doc in clean_text(text, rules=rules, steps=pipeline_steps, markdown=False)
               if doc.rejected is not None]
    assert dropped == []


def test_page_of_prose_sentences_only_is_dropped_only_at_the_higher_chance(shared_data, rules):
    # A CCTV report of the national day for the disabled (research use: read at run time):
    # five paragraphs on events in five cities, sharing few words from line to line, each a
    # finished sentence. The classifier gave it more than no_article_at (0.66) before the
    # hard clean news stories joined its articles (it is one of them: 0.57 now); the form of
    # an article keeps it under prose_page_at either way.
    story, texts, page = _cctv_page(shared_data, rules, "xwlb-20250518-08")
    chance = float(PageModel.from_rules(rules).probabilities(page))
    settings = PageSettings.from_rules(rules)
    assert chance < settings.prose_page_at
    (doc,) = clean_text(story, rules=rules, steps=UP_TO_PAGES, markdown=False)
    assert doc.rejected is None
    assert [p.text for p in doc.paragraphs] == texts


def test_list_of_names_in_one_line_under_its_heading_is_a_story(shared_data, rules):
    # The CCTV story of the 171 alternate members of the Central Committee (research use:
    # read at run time): a dateline, the heading, the count and the order over one line of
    # names. The line classifier takes the four short lines for furniture, and the page
    # classifier may give it no_article_at; a list in one line holding most of the page
    # is no listing of rows.
    story, texts, page = _cctv_page(shared_data, rules, "xwlb-20221022-02")
    assert len(texts) == 5
    assert page[PAGE_INDEX["longest_line_share"]] >= PageSettings.from_rules(rules).one_line_share
    (doc,) = clean_text(story, rules=rules, steps=UP_TO_PAGES, markdown=False)
    assert doc.rejected is None
    assert doc.paragraphs[-1].text.startswith("丁向群（女）")


def _cctv_page(shared_data, rules, story_id):
    """A CCTV story by id, its non-blank lines and the page classifier's row of them."""
    with (shared_data / "xwlb-cctv-news.jsonl").open(encoding="utf-8") as handle:
        (story,) = [row["text"] for row in map(json.loads, handle) if row["id"] == story_id]
    texts = [line for line in story.splitlines() if line.strip()]
    rows = line_features(texts)
    page = page_row(texts, rows, TreeEnsemble.from_rules(rules).probabilities(rows),
                    numbered(texts), CommonPairs.from_rules(rules))
    return story, texts, page


# A programme's page: two paragraphs on what it does, then its stops, each counted with the
# word of what it counts (第一站：…), a list the writer numbered, not a page of links, however
# alike its rows end.
STOPS = [
    "“山里书屋”乡村学校阅读计划简介",
    "主办单位：某某晨报",
    "我们相信：书本能让孩子看见更远的地方。山里的孩子和城里的孩子一样聪明好学，除了课堂上老师的讲解以外，如果能有足够的课外书，养成读书的习惯，他们就能走出大山的局限，打开眼界，丰富自己的内心。",
    "可是受经济条件所限，不少山区学校和家庭都买不起课外书，很多孩子一年也读不到一本课外书。也许一本书就能改变一个孩子，正因为如此，某某晨报联合多家出版社共同发起“山里书屋”计划，为山区学校建起图书角，送去适合孩子阅读的图书，并组织志愿者陪孩子们读书。",
    "活动历程：",
    "第一站：2015年3月2日－6日，贵州省黔东南州某某乡希望小学",
    "第二站：2015年5月11日－15日，云南省怒江州某某镇希望小学",
    "第三站：2015年9月7日－11日，甘肃省定西市某某乡希望小学",
    "第四站：2016年4月18日－22日，湖南省湘西州某某镇希望小学",
    "第五站：2016年6月13日－17日，四川省凉山州某某乡希望小学",
    "第六站：2016年10月10日－14日，广西百色市某某乡希望小学",
    "第七站：2017年3月20日－24日，江西省赣州市某某镇希望小学",
    "第八站：2017年5月8日－12日，河北省张家口市某某乡希望小学",
    "第九站：2017年9月11日－15日，山西省吕梁市某某镇希望小学",
    "第十站：2018年4月9日－13日，青海省海东市某某乡希望小学",
]


def test_a_programmes_stops_counted_with_their_word_are_its_list_not_a_listing(clean, rules):
    assert numbered(STOPS).tolist() == [False] * 5 + [True] * 10
    rows = line_features(STOPS)
    scores = TreeEnsemble.from_rules(rules).probabilities(rows)
    common = CommonPairs.from_rules(rules)
    model, settings = PageModel.from_rules(rules), PageSettings.from_rules(rules)
    # Read as unnumbered rows, the stops make the page look like a listing.
    unnumbered = page_row(STOPS, rows, scores, np.zeros(len(STOPS), dtype=bool), common)
    assert float(model.probabilities(unnumbered)) >= settings.no_article_at
    (doc,) = clean("\n".join(STOPS), ["drop_articleless_pages"], markdown=False)
    assert doc.rejected is None
