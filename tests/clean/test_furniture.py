"""The line classifier removes furniture at a page's edges, and pages without an article go."""

import json

import numpy as np
import pytest

from curate.clean.article_core import Core, article_core, item_rows
from curate.clean.furniture import (
    FurnitureSettings,
    TreeEnsemble,
    bulleted,
    headline_runs,
    protected,
)
from curate.clean.line_features import FEATURES, line_features
from curate.pipeline import DEFAULT_STEPS
from curate.rules import RuleError, Rules
from tests.fixtures import SEEDS

# The steps up to the classifier, as the pipeline runs them.
UP_TO_CLASSIFIER = DEFAULT_STEPS[: DEFAULT_STEPS.index("drop_furniture_lines") + 1]
CLASSIFIER_STEPS = ("drop_articleless_pages", "drop_furniture_lines")

# A blog page of the CWCED extraction gold set (immortal-autumn/Chinese-Web-Content-
# Extraction-Dataset, MIT), page ab65832c, as its HTML renders: the article, then the blog's
# list of its other posts and the comment form.
ARTICLE = [
    "谁来为无序拆房“埋单”？",
    "为拆一幢房，断送了三条人命。前天的这场惨剧发生得实在太突然，太震惊了。",
    "三条人命啊，就这样从我们眼前骤然消失。随之毁去的，还有他们的家庭，白发父母失去了儿子，贤惠妻子失去了丈夫，幼稚孩儿失去了父亲。",
    "翻翻今年的报纸，我们已太多次目睹类似的事件。这些或死亡或受伤的大多是外地人，对安全常识，他们或许懂得不多，但我们的拆房队、建筑单位应该是懂的，应该是知道起码的操作规范的。",
    "采访中，我们发现，一项建筑工程往往要经过层层转包，最后就落在了外地民工身上。安全意识的淡漠和违规操作，才是拆房工地事故频发的软肋所在。",
    "附件",
    "例一：2月2日中午11时50分左右，杭州祥符桥渡驾桥村四组一幢废弃的三层楼房突然倒塌，数名拾荒者被压，两人死亡。",
    "人命关天。难道我们还要继续用一个个鲜活的生命，为无序拆房“埋单”吗？",
]
OTHER_POSTS = [
    "[2005-08-17] 无序列表",
    "[2005-08-02] 无序",
    "[2005-07-13] 谁来为氵蒙洼蓄洪区灾民损失补偿",
    "[2005-08-06] 谁来为喂羊照看孩子的民警解忧",
    "评论内容：",
]


def test_list_of_other_posts_under_the_article_is_removed_with_the_evidence(clean):
    (doc,) = clean("\n".join(ARTICLE + OTHER_POSTS), UP_TO_CLASSIFIER, markdown=False)
    assert doc.metadata["title"] == ARTICLE[0]
    assert doc.text == "\n".join(ARTICLE[1:])
    edits = [e for e in doc.edits if e.step == "drop_furniture_lines"]
    assert [(e.rule, e.text, e.line) for e in edits] == [
        ("line-classifier", text, len(ARTICLE) + n) for n, text in enumerate(OTHER_POSTS, 1)
    ]
    assert edits[2].why.startswith("classifier 0.9")
    assert "in a run of 5 short lines, 3 lines under the body" in edits[2].why


def test_short_line_inside_the_body_stays(clean):
    (doc,) = clean("\n".join(ARTICLE + OTHER_POSTS), UP_TO_CLASSIFIER, markdown=False)
    assert "附件" in doc.text.split("\n")


@pytest.mark.parametrize("seed", sorted(path.name for path in SEEDS.glob("*.txt")))
def test_seed_articles_lose_nothing_to_the_classifier(clean, seed):
    for doc in clean((SEEDS / seed).read_text(encoding="utf-8")):
        assert doc.rejected is None
        assert [e.text for e in doc.edits if e.step in CLASSIFIER_STEPS] == []


def test_page_of_post_titles_only_is_dropped_with_the_reason(clean):
    (doc,) = clean("\n".join(["bjreader的博客", "博客手拉手", *OTHER_POSTS]), UP_TO_CLASSIFIER,
                   markdown=False)
    assert doc.rejected is not None
    assert doc.rejected.step == "drop_articleless_pages"
    assert doc.rejected.rule in ("no-article-page", "no-running-text")
    assert "no article" in doc.rejected.why


def test_page_stored_mis_decoded_is_dropped(clean):
    # The article's lines written in GB18030 and read as UTF-8, as a dump stores such pages.
    garbled = "\n".join(line.encode("gb18030").decode("utf-8", errors="replace")
                        for line in ARTICLE)
    (doc,) = clean(garbled, UP_TO_CLASSIFIER, markdown=False)
    assert doc.rejected.rule == "mis-decoded-page"
    assert doc.rejected.why.endswith("of its characters mark lost bytes (U+FFFD, 锟斤拷): "
                                     "the page was stored mis-decoded")


def test_page_whose_lost_bytes_were_saved_again_is_dropped(clean):
    # U+FFFD saved as UTF-8 and read back as GBK: each lost character becomes 锟斤拷.
    garbled = "\n".join(line.encode("gb18030").decode("utf-8", errors="replace")
                        .encode("utf-8").decode("gbk", errors="replace")
                        for line in ARTICLE)
    assert "锟斤拷" in garbled
    (doc,) = clean(garbled, UP_TO_CLASSIFIER, markdown=False)
    assert doc.rejected.rule == "mis-decoded-page"
    assert "mark lost bytes" in doc.rejected.why


def test_features_of_a_headline_list_line():
    rows = line_features(ARTICLE + OTHER_POSTS)
    value = dict(zip(FEATURES, rows[len(ARTICLE) + 2], strict=True))
    assert value["chars"] == 28
    assert value["ends_sentence"] == 0
    assert value["short_run"] == 5
    assert value["outside_body"] == 1
    assert value["lines_from_body"] == 3
    assert value["from_bottom"] == 2


def test_rows_of_one_shape_and_sharing_with_the_core_are_measured():
    rows = line_features(ARTICLE + OTHER_POSTS)
    column = {name: rows[:, FEATURES.index(name)].tolist() for name in
              ("same_shape_run", "core_related")}
    # The first two posts' rows ([2005-08-17] 无序列表, 18 and 15 characters) are of one
    # shape; the third is nearly twice as long, so it starts a run with the fourth.
    assert column["same_shape_run"][len(ARTICLE):len(ARTICLE) + 4] == [2.0, 2.0, 2.0, 2.0]
    assert column["same_shape_run"][:len(ARTICLE)] == [1.0] * len(ARTICLE)
    # The title shares most of its character pairs with the article's core, the comment
    # form's label none.
    assert column["core_related"][0] > 0.7
    assert column["core_related"][-1] == 0.0


def test_model_with_other_features_is_refused_naming_the_file(tmp_path):
    (tmp_path / "line_classifier.yaml").write_text(
        "features: [chars]\nlog_odds_base: 0\nlearning_rate: 0.1\ndepth: 1\ntrees: []\n",
        encoding="utf-8")
    with pytest.raises(RuleError, match=r"rules/line_classifier.yaml: .*line_features.py"):
        TreeEnsemble.from_rules(Rules(tmp_path))


def test_shipped_trees_score_every_line_between_0_and_1():
    model = TreeEnsemble.from_rules(Rules())
    scores = model.probabilities(line_features(ARTICLE + OTHER_POSTS))
    assert ((scores > 0) & (scores < 1)).all()
    assert scores[1:5].max() < 0.5 < scores[-3:].min()


def test_heading_printed_twice_goes_once_and_its_first_print_stays(clean):
    (doc,) = clean("\n".join([ARTICLE[0], *ARTICLE]), UP_TO_CLASSIFIER, markdown=False)
    assert doc.text == "\n".join(ARTICLE)
    (edit,) = [e for e in doc.edits if e.step == "drop_furniture_lines"]
    assert (edit.rule, edit.text, edit.line) == ("repeated-heading", ARTICLE[0], 2)
    assert edit.why == "repeats the title or a line over it"


def test_summary_the_body_repeats_goes_and_the_paragraph_stays(clean):
    summary = "内容摘要：" + ARTICLE[3][:60]
    (doc,) = clean("\n".join([ARTICLE[0], summary, *ARTICLE[1:]]), UP_TO_CLASSIFIER,
                   markdown=False)
    assert doc.text == "\n".join(ARTICLE[1:])
    (edit,) = [e for e in doc.edits if e.step == "drop_furniture_lines"]
    assert (edit.rule, edit.text, edit.line) == ("repeated-heading", summary, 2)
    assert edit.why.startswith("a labelled summary: 90% of its character pairs")


def test_heading_and_lead_the_body_repeats_without_a_label_stay(clean):
    # News opens with its heading and lead, then the body tells them again.
    heading = "为拆一幢房，断送了三条人命"
    (doc,) = clean("\n".join([ARTICLE[0], heading, *ARTICLE[1:]]), UP_TO_CLASSIFIER,
                   markdown=False)
    assert heading in doc.text.split("\n")


def test_a_headline_scored_under_the_threshold_does_not_end_a_related_list(clean):
    # The blog's list of posts with a post's teaser written for this test (a question and
    # a sentence), which the classifier scores under the bottom's 0.7 for running text.
    question = "谁来为拆房事故中的死者家属讨个说法？我们呼吁有关部门尽快行动。"
    posts = [*OTHER_POSTS[:2], question, *OTHER_POSTS[2:]]
    (doc,) = clean("\n".join(ARTICLE + posts), UP_TO_CLASSIFIER, markdown=False)
    assert doc.text == "\n".join(ARTICLE[1:])
    (edit,) = [e for e in doc.edits if e.text == question]
    assert edit.rule == "line-classifier"
    assert 0.3 < float(edit.why.split()[1].rstrip(":")) < 0.7


def test_article_core_is_the_run_of_prose_with_the_short_line_inside_it():
    page = ARTICLE + OTHER_POSTS
    # 附件 stands between paragraphs: the text continues around it, so it is inside.
    assert article_core(page, line_features(page)) == Core(1, len(ARTICLE) - 1)


def test_a_headline_far_above_the_core_scored_under_the_top_floor_does_not_end_the_block(
        clean):
    # The blog's other posts over the article, one of them a question written for this test,
    # which the classifier scores under the top's block floor of 0.75.
    question = "民工安全谁来管？"
    above = [OTHER_POSTS[0], question, *OTHER_POSTS[1:4]]
    (doc,) = clean("\n".join(above + ARTICLE), ["drop_furniture_lines"], markdown=False)
    assert doc.text == "\n".join(ARTICLE)
    edits = [e for e in doc.edits if e.step == "drop_furniture_lines"]
    assert [(e.rule, e.text) for e in edits] == [("line-classifier", text) for text in above]
    assert 0.5 < float(edits[1].why.split()[1].rstrip(":")) < 0.75
    assert edits[1].why.endswith("; 5 lines above the article's core")


def test_a_bracketed_credit_under_the_body_is_no_closing_sentence(clean):
    # A credit of the form a TUNE page closes with, written for this test.
    credit = "（撰稿：王强）"
    (doc,) = clean("\n".join(ARTICLE + [credit]), UP_TO_CLASSIFIER, markdown=False)
    assert doc.text == "\n".join(ARTICLE[1:])
    (edit,) = [e for e in doc.edits if e.step == "drop_furniture_lines"]
    assert (edit.rule, edit.text) == ("line-classifier", credit)


# A keyword row of the form tag rows take on real pages, its items the article's words,
# written for these tests.
KEYWORD_ROW = "拆房、事故、民工、安全、转包、违规操作、拆房队、建筑单位、外地民工"


def test_a_row_of_short_items_is_no_prose_and_a_sentence_naming_many_is():
    # The second line is a CCTV story's (xwlb-cctv-news.jsonl): a sentence listing names.
    assert item_rows([KEYWORD_ROW, "孙春兰、胡春华、刘鹤、王勇、肖捷、赵克志参加。",
                      ARTICLE[1]]).tolist() == [True, False, False]


def test_a_keyword_row_under_the_body_goes_as_a_row_not_as_running_text(clean):
    # Running text under the body goes only in a block of teasers; a row of items is none.
    page = ARTICLE + [KEYWORD_ROW, OTHER_POSTS[0]]
    assert not protected(page, line_features(page))[len(ARTICLE)]
    (doc,) = clean("\n".join(page), ["drop_furniture_lines"], markdown=False)
    assert doc.text == "\n".join(ARTICLE)
    edit = next(e for e in doc.edits if e.text == KEYWORD_ROW)
    assert edit.rule == "line-classifier"


def test_a_sentence_finishing_a_line_left_open_stays_at_the_bottom(shared_data, clean):
    # A CCTV story (xwlb-cctv-news.jsonl, research use: read at run time) ending in a list of
    # appointments: its last line finishes the item over it, which ends in a semicolon.
    with (shared_data / "xwlb-cctv-news.jsonl").open(encoding="utf-8") as handle:
        story = next(s for s in map(json.loads, handle) if s["id"] == "xwlb-20231229-04")
    lines = story["text"].splitlines()
    assert lines[-2].endswith("；")
    (doc,) = clean(story["text"], UP_TO_CLASSIFIER, markdown=False)
    assert doc.paragraphs[-1].text == lines[-1]
    assert not [e for e in doc.edits if e.step == "drop_furniture_lines"]


def test_a_replys_floor_name_and_time_closing_the_page_go(clean):
    # Under the article the one reply's floor, its user and when it was posted (the footer
    # a forum template puts under a reposted story, written for this test).
    footer = ["72#", "江南烟雨", "2020年03月05日06:15"]
    (doc,) = clean("\n".join(ARTICLE + footer), UP_TO_CLASSIFIER, markdown=False)
    assert doc.text == "\n".join(ARTICLE[1:])
    assert [e.text for e in doc.edits if e.step == "drop_furniture_lines"] == footer


def test_a_reply_under_its_floor_goes_whole_when_its_text_follows_the_time(clean):
    # The reply's floor, user and time, then what it says and the forum's button.
    footer = ["21#", "码农小周", "2021-02-25 08:25", "好文，收藏了", "返回版块"]
    (doc,) = clean("\n".join(ARTICLE + footer), UP_TO_CLASSIFIER, markdown=False)
    assert doc.text == "\n".join(ARTICLE[1:])


def test_a_notice_signed_with_its_name_and_date_keeps_them(clean):
    # A notice is signed with its date alone, no time of day.
    signature = ["中国共产党中央委员会", "2022年10月24日"]
    (doc,) = clean("\n".join(ARTICLE + signature), UP_TO_CLASSIFIER, markdown=False)
    assert doc.text.endswith("\n".join(signature))


# Other stories' titles and a menu of a news page of the CWCED set (MIT), page 2bac7fb2,
# as its HTML renders: the site's menu over the story, its slide shows and other stories
# under it.
MENU = ["西门子无绳电话邀您", "看新闻 读新闻 评新闻", "真切 持久 更自由", "首页", "滚动", "国内",
        "国际", "财经", "社会", "声音", "专题", "两性", "幻灯"]
SLIDES = ["明星性感演出犒赏美军", "婚纱泳衣让人耳目一新", "令人捧腹的“盗版”千手观音", "现代和尚与时俱进",
          "地下长城仅供“外宾”参观", "三峡库区掀起肃贪风暴", "宁高宁无缝对接周明臣", "热钱短期不会撤离中国",
          "盖茨巴菲特联姻的幕后", "讨北京老婆的成本核算", "白领家庭的豪华别墅梦", "聚焦第一次全国经济普查"]
# A list of other stories bulleted with dashes under a story of the same set (page 5acac71b).
DASHED = ["---（独家）深圳股票要成", "---宝洁的日本滑铁卢（哈", "---印度“盖茨”和中国富",
          "---郎咸平谈投资中国上市", "---月薪八万的小姐的MBA"]

# More of that page's lists: its advertisers' and other stories' titles.
MORE_TITLES = ["第五代刘三姐造型抢先曝光", "金龙鱼进入黑名单", "区区几百元就能治好糖尿病", "强肾保肝袋为健康保驾护航",
               "上海十大最具潜力创业项目", "开中国第一家暴利小店", "教育界金字品牌出击"]


def _runs(page):
    rows = line_features(page)
    return headline_runs(page, rows, article_core(page, rows),
                         FurnitureSettings.from_rules(Rules()).headline_run).tolist()


def test_other_stories_titles_under_the_article_are_a_headline_run():
    page = ARTICLE + SLIDES[:5]
    assert _runs(page) == [0] * len(ARTICLE) + [5] * 5


def test_a_related_list_under_the_article_goes_with_the_headline_run_in_the_edit(clean):
    (doc,) = clean("\n".join(ARTICLE + SLIDES[5:10]), ["drop_furniture_lines"], markdown=False)
    assert doc.text == "\n".join(ARTICLE)
    edits = [e for e in doc.edits if e.step == "drop_furniture_lines"]
    assert [e.text for e in edits] == SLIDES[5:10]
    assert edits[0].why.endswith("; 1 line under the article's core; +0.20: one of 5 "
                                 "headline-like lines in a row, each sharing under 35% of its "
                                 "character pairs with the article's core")


def test_dashes_before_other_stories_titles_are_no_list_items_of_the_article(clean):
    # A dash opens a bulleted item, which stays; in a run of other stories' titles it does not.
    assert bulleted(DASHED).tolist() == [True] * 5
    (doc,) = clean("\n".join(ARTICLE + DASHED), ["drop_furniture_lines"], markdown=False)
    assert doc.text == "\n".join(ARTICLE)


def test_a_middle_dot_opens_a_name_not_a_bullet():
    assert bulleted(["·点击注册网易部落", "阿沛·阿旺晋美", "- 吸附样板架", "• 礼品"]).tolist() == [
        False, False, True, True]


def test_a_table_of_contents_sharing_the_articles_words_stays(clean):
    # The sections of the article, as a contents list over it, written for this test.
    contents = ["拆房工地事故频发的软肋所在", "层层转包落在外地民工身上", "拆房队和建筑单位的操作规范",
                "无序拆房为何一再断送人命"]
    page = contents + ARTICLE[1:]
    assert _runs(page) == [0] * len(page)
    (doc,) = clean("\n".join(page), ["drop_furniture_lines"], markdown=False)
    assert doc.text == "\n".join(page)


def test_a_numbered_list_of_steps_under_the_article_stays(clean):
    # What the article asks of a demolition, as numbered steps, written for this test.
    steps = ["1. 拆房前先查清房屋结构", "2. 拆房队须有施工资质", "3. 工地四周拉起警戒线",
             "4. 民工上岗前接受安全培训"]
    (doc,) = clean("\n".join(ARTICLE + steps), ["drop_furniture_lines"], markdown=False)
    assert doc.text == "\n".join(ARTICLE + steps)


def test_a_page_of_short_poem_lines_stays(clean):
    # The first stanzas of 徐志摩's 再别康桥 (1928) and a note on it, written for this test.
    poem = ["再别康桥", "轻轻的我走了，", "正如我轻轻的来；", "我轻轻的招手，", "作别西天的云彩。",
            "那河畔的金柳，", "是夕阳中的新娘；", "波光里的艳影，", "在我的心头荡漾。",
            "软泥上的青荇，", "油油的在水底招摇；", "在康河的柔波里，", "我甘心做一条水草！",
            "这首诗写于1928年诗人重游剑桥之后，全诗以离别康桥时感情起伏为线索，抒发了对康桥依依惜别的深情。"]
    assert _runs(poem) == [0] * len(poem)
    (doc,) = clean("\n".join(poem), ["drop_furniture_lines"], markdown=False)
    assert doc.text == "\n".join(poem)


def test_a_related_list_under_a_short_story_goes_when_both_edges_are_too_much(clean):
    # The rows of links over a story of the same set (page 47f387e6) and the lists under it
    # hold over 70% of the page: the lists go alone, the rows stay.
    rows = ["最新更新设为首页收藏本站", "社会国际财经教育旅游数码房产汽车体育娱乐时尚理财育儿",
            "健康营销网络传媒专家评论管理商业创业科技文化文案策划"]
    story = ARTICLE[1:3]
    lists = SLIDES + DASHED + MORE_TITLES
    page = rows + story + lists
    (doc,) = clean("\n".join(page), ["drop_furniture_lines"], markdown=False)
    assert doc.text == "\n".join(rows + story)
    edits = [e for e in doc.edits if e.step == "drop_furniture_lines"]
    assert [e.text for e in edits] == lists
    assert edits[0].why.endswith("; the edges held over 70% of the page's characters: the "
                                 "bottom edge taken alone")


def test_the_headline_runs_go_alone_when_the_bottom_edge_is_too_much(clean):
    # Under a one-line story the lists and a menu hold over 70% of the page: the lists go,
    # the menu's short labels stay.
    story = ARTICLE[1:2]
    page = story + SLIDES + MENU[3:]
    (doc,) = clean("\n".join(page), ["drop_furniture_lines"], markdown=False)
    assert doc.text == "\n".join(story + MENU[3:])
    (edit, *_) = [e for e in doc.edits if e.step == "drop_furniture_lines"]
    assert edit.why.endswith("; the edges held over 70% of the page's characters: its "
                             "headline runs taken alone")


def test_a_list_of_other_questions_under_the_article_goes(clean):
    # A question-and-answer site's other questions, written for this test: a headline may
    # ask, its question mark its only sentence mark.
    questions = ["葡萄酒对身体健康有什么作用？", "干型葡萄酒都有哪些特点？", "红酒开瓶后能放多久？",
                 "喝葡萄酒会不会发胖？"]
    page = ARTICLE + questions
    assert _runs(page)[len(ARTICLE):] == [4] * 4
    (doc,) = clean("\n".join(page), ["drop_furniture_lines"], markdown=False)
    assert doc.text == "\n".join(ARTICLE)


def test_the_trees_read_flat_give_the_probabilities_of_indexing_by_tree_and_node(rules):
    model = TreeEnsemble.from_rules(rules)

    def indexed(rows):
        node = np.zeros((len(rows), len(model.features)), dtype=np.int64)
        trees, lines = np.arange(len(model.features)), np.arange(len(rows))[:, None]
        for _ in range(model.depth):
            right = rows[lines, model.features[trees, node]] > model.thresholds[trees, node]
            node = 2 * node + 1 + right
        leaves = model.leaves[trees, node - (2**model.depth - 1)].sum(axis=1)
        return 1.0 / (1.0 + np.exp(-(model.base + model.learning_rate * leaves)))

    chosen = np.random.default_rng(0)
    for seed in sorted(SEEDS.glob("*.txt")):
        rows = line_features([line for line in seed.read_text(encoding="utf-8").splitlines()
                              if line.strip()])
        # Scaled at random, rows fall on both sides of every threshold; every other row is
        # an array that is not contiguous.
        for variant in (rows, rows * chosen.uniform(0.5, 1.5, rows.shape), rows[::2]):
            assert np.array_equal(model.probabilities(variant), indexed(variant))
