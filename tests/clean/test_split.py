"""A file holding several articles is split where its structure says one ends: the next
article's header, a closing line of any wording, a title line between unrelated texts."""

import json

import pytest

from curate.clean.split import bigram_cosine
from tests.fixtures import seed_text

STEPS = ["drop_spam_header", "drop_breadcrumbs", "split_articles", "drop_boilerplate",
         "trim_teasers", "extract_header"]


def split_rules(doc) -> list[str]:
    return [e.rule for e in doc.edits if e.step == "split_articles" and e.action == "flag"]


def paragraphs(prefix: str) -> list[str]:
    """The body lines of a seed, without its Markdown header and images."""
    return [line.strip() for line in seed_text(prefix).split("\n")
            if line.strip() and not line.startswith(("#", "**", "!["))]


def test_credits_closing_an_article_and_the_next_heading_start_a_new_article(clean):
    text = seed_text("000").rstrip() + "\n\n" + seed_text("002").lstrip()
    docs = clean(text, STEPS)
    assert len(docs) == 2
    assert [d.metadata["title"] for d in docs] == [
        "英伟达芯片一片难求，国产替代趁势崛起", "英伟达市值破万亿美元，国产GPU的差距到底有多大？"]
    assert [d.metadata.get("author") for d in docs] == ["董温淑", "叶蓁"]
    assert split_rules(docs[1]) == ["split-closing-line"]
    assert docs[0].text.endswith("在市场需求的强驱动下，国内AI芯片企业们又迎来了难得的结构性机遇。")


def test_a_title_over_a_date_line_starts_a_new_article_without_any_closing(clean):
    first, second = paragraphs("000")[:12], paragraphs("002")[5:15]
    lines = ["英伟达芯片一片难求", "2023-10-20 05:06", *first,
             "国产GPU的差距到底有多大", "2023年06月02日 10:30", *second]
    docs = clean("\n".join(lines), STEPS)
    assert [d.metadata["title"] for d in docs] == ["英伟达芯片一片难求", "国产GPU的差距到底有多大"]
    assert [d.created for d in docs] == ["2023-10-20T05:06:00", "2023-06-02T10:30:00"]
    assert docs[1].text.startswith(second[0])


def test_a_closing_line_of_unfamiliar_wording_before_a_title_ends_an_article(clean):
    first, second = paragraphs("000")[:12], paragraphs("002")[5:15]
    lines = [*first, "稿件来源 | 市界", "审核：孙春芳", "国产GPU的差距到底有多大", *second]
    docs = clean("\n".join(lines), STEPS)
    assert len(docs) == 2
    assert split_rules(docs[1]) == ["split-closing-line"]
    closings = [(e.rule, e.text) for e in docs[0].edits if e.action == "remove"]
    assert ("closing-line", "稿件来源 | 市界") in closings
    assert docs[0].text.endswith(first[-1])
    assert docs[1].metadata["title"] == "国产GPU的差距到底有多大"


def test_section_titles_inside_one_article_split_nothing(clean):
    # Seed 001 has section titles (英偉達“切膚之痛”) between paragraphs on one subject.
    assert len(clean(seed_text("001"), STEPS)) == 1
    assert len(clean(seed_text("002"), STEPS)) == 1


def test_seed_004s_three_articles_split_at_their_source_lines(clean):
    docs = clean(seed_text("004"), STEPS)
    assert [d.provenance.part for d in docs] == [0, 1, 2]
    assert [split_rules(d) for d in docs] == [[], ["split-closing-line"], ["split-closing-line"]]


def test_texts_on_one_subject_share_character_pairs_and_other_stories_do_not():
    chips, gpus = "\n".join(paragraphs("000")), "\n".join(paragraphs("002"))
    assert bigram_cosine(chips, gpus) > 0.3
    assert bigram_cosine(chips, "潮州市现有各类体育场地设施770处，晨练站点200多处。") < 0.06


def gold_articles(eval_dir, count: int) -> list[dict]:
    rows = (eval_dir / "dev" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    found = [a for row in rows for a in json.loads(row)["articles"]
             if a["title"] and not a["spun"] and len(a["text"]) >= 600 and not a["dup_group"]]
    return found[:count]


def titled_pair(eval_dir) -> tuple[dict, dict]:
    """The set's first article and the first titled one on another subject entirely."""
    first, *others = gold_articles(eval_dir, 40)
    return first, next(a for a in others if 6 <= len(a["title"]) <= 30
                       and bigram_cosine(first["text"], a["text"]) < 0.03)


def lines_of(text: str) -> str:
    """A gold text as the cleaned document holds it: without its blank lines."""
    return "\n".join(line for line in text.split("\n") if line.strip())


def test_a_title_line_between_unrelated_articles_splits_them(clean, eval_dir):
    first, *others = gold_articles(eval_dir, 40)
    # The first article of the set and the first of the others on another subject entirely.
    second = next(a for a in others if 6 <= len(a["title"]) <= 30
                  and bigram_cosine(first["text"], a["text"]) < 0.03)
    text = "\n".join([*first["text"].split("\n"), second["title"], *second["text"].split("\n")])
    docs = clean(text, STEPS)
    assert len(docs) == 2
    assert split_rules(docs[1]) == ["split-subject-change"]


def test_a_title_line_after_a_short_last_sentence_splits_unrelated_articles(clean, eval_dir):
    first, *others = gold_articles(eval_dir, 40)
    second = next(a for a in others if 6 <= len(a["title"]) <= 30
                  and bigram_cosine(first["text"], a["text"]) < 0.03)
    # An article often ends on a sentence too short to count as text by itself.
    last = "王毅等参加会见。"
    text = "\n".join([*first["text"].split("\n"), last, second["title"],
                     *second["text"].split("\n")])
    docs = clean(text, STEPS)
    assert len(docs) == 2
    assert split_rules(docs[1]) == ["split-subject-change"]
    assert docs[0].text.endswith(last)
    assert docs[1].metadata["title"] == second["title"]


def test_a_news_roundup_of_short_items_stays_one_article(clean, eval_dir):
    # dev/raw/0112.txt: 联播快讯, a title line over one paragraph for each item.
    raw = (eval_dir / "dev" / "raw" / "0112.txt").read_text(encoding="utf-8")
    assert len(clean(raw, STEPS)) == 1


@pytest.mark.parametrize("line", ["（完）", "-END-", "【编辑：李华】", "责任编辑：王小明",
                                  "（编辑 张敏 审核 刘强）", "供稿：经济日报"])
def test_closing_rows_of_many_wordings_are_closing_lines(line):
    from curate.clean.header import HeaderRules
    from curate.clean.lines import LineClassifier
    from curate.clean.split import ArticleStructure
    from curate.document import Paragraph
    from curate.rules import Rules

    rules = Rules()
    structure = ArticleStructure([Paragraph(line, (1, 1))], LineClassifier(rules),
                                 HeaderRules.from_rules(rules))
    assert structure.is_closing(0)


def test_a_title_over_a_date_row_of_unfamiliar_wording_starts_a_new_article(clean):
    first, second = paragraphs("000")[:12], paragraphs("002")[5:15]
    lines = ["英伟达芯片一片难求", "董温淑 2023-10-20 05:06 关注", *first,
             "国产GPU的差距到底有多大", "市界　2023年06月02日 10:30", *second]
    docs = clean("\n".join(lines), STEPS)
    assert [d.metadata["title"] for d in docs] == ["英伟达芯片一片难求", "国产GPU的差距到底有多大"]
    assert [d.created for d in docs] == ["2023-10-20T05:06:00", "2023-06-02T10:30:00"]
    assert split_rules(docs[1]) == ["split-next-header"]
    assert docs[0].text.endswith(first[-1])
    assert docs[1].text.startswith(second[0])


def test_a_front_matter_title_starts_a_new_article(clean):
    first, second = paragraphs("000")[:12], paragraphs("002")[5:15]
    lines = [*first, "title: 国产GPU的差距到底有多大", "date: 2023-06-02 10:30", "source: 市界",
             *second]
    docs = clean("\n".join(lines), STEPS)
    assert len(docs) == 2
    assert (docs[1].metadata["title"], docs[1].created) == ("国产GPU的差距到底有多大",
                                                            "2023-06-02T10:30:00")
    assert docs[1].text.startswith(second[0])


def test_a_short_line_between_an_article_and_the_next_header_closes_the_first(clean):
    first, second = paragraphs("000")[:12], paragraphs("002")[5:15]
    lines = [*first, "转载自市界", "国产GPU的差距到底有多大", "2023年06月02日 10:30", *second]
    docs = clean("\n".join(lines), STEPS)
    assert [d.metadata["title"] for d in docs][1] == "国产GPU的差距到底有多大"
    assert docs[0].text.endswith(first[-1])
    assert ("closing-line", "转载自市界") in [(e.rule, e.text) for e in docs[0].edits
                                              if e.action == "remove"]


def test_a_title_over_a_row_dated_without_the_year_starts_a_new_article(clean):
    # Portals and apps date a story of this year by its day and time alone.
    first, second = paragraphs("000")[:12], paragraphs("002")[5:15]
    lines = ["英伟达芯片一片难求", "原创10-20 05:06·市界", *first,
             "国产GPU的差距到底有多大", "06-02 10:30 | 公司新闻", *second]
    docs = clean("\n".join(lines), STEPS)
    assert [d.metadata["title"] for d in docs] == ["英伟达芯片一片难求", "国产GPU的差距到底有多大"]
    assert [d.created for d in docs] == [None, None]
    assert split_rules(docs[1]) == ["split-next-header"]
    assert [d.text for d in docs] == ["\n".join(first), "\n".join(second)]
    assert [(e.rule, e.text) for e in docs[1].edits if e.step == "extract_header"] == [
        ("header-title", "国产GPU的差距到底有多大"), ("header-dated-row", "06-02 10:30 | 公司新闻")]


def test_a_date_row_after_the_lines_closing_an_article_starts_the_next(clean):
    # A title-less article dated under the first one's report button and source line.
    first, second = paragraphs("000")[:12], paragraphs("002")[5:15]
    lines = [*first, "举报/反馈", "原文出处：市界", "中国青年网号 | 06-02 10:30", *second]
    docs = clean("\n".join(lines), STEPS)
    assert len(docs) == 2
    assert split_rules(docs[1]) == ["split-next-header"]
    assert docs[0].text == "\n".join(first)
    assert docs[1].text == "\n".join(second)


def test_a_separator_row_between_unrelated_articles_splits_them(clean, eval_dir):
    first, *others = gold_articles(eval_dir, 40)
    second = next(a for a in others if bigram_cosine(first["text"], a["text"]) < 0.03)
    text = "\n".join([*first["text"].split("\n"), "——————", *second["text"].split("\n")])
    docs = clean(text, STEPS)
    assert [d.text for d in docs] == [lines_of(first["text"]), lines_of(second["text"])]
    assert split_rules(docs[1]) == ["split-closing-line"]
    assert ("closing-line", "remove", "——————") in [(e.rule, e.action, e.text)
                                                    for e in docs[0].edits]


def test_a_row_of_one_symbol_repeated_between_unrelated_articles_splits_them(clean, eval_dir):
    first, second = titled_pair(eval_dir)
    text = "\n".join([*first["text"].split("\n"), "❖ ❖ ❖", second["title"],
                      *second["text"].split("\n")])
    docs = clean(text, STEPS)
    assert [d.text for d in docs] == [lines_of(first["text"]), lines_of(second["text"])]
    assert docs[1].metadata["title"] == second["title"]
    assert split_rules(docs[1]) == ["split-closing-line"]
    assert ("closing-line", "remove", "❖ ❖ ❖") in [(e.rule, e.action, e.text)
                                                  for e in docs[0].edits]


def test_a_header_over_subtitle_lines_opens_the_next_article(clean, eval_dir):
    # A SogouCS story under its title and byline opens with four short subtitle lines.
    first, second = titled_pair(eval_dir)
    subtitles = ["前提差但省了房租，公寓太挤没法安家", "记者探访", "省会八千多环卫工，三成多遭受留宿难",
                 "商报立场　不能让环卫工流完汗再流泪"]
    text = "\n".join([*first["text"].split("\n"), second["title"], "史可的观察 昨天",
                      *subtitles, *second["text"].split("\n")])
    docs = clean(text, STEPS)
    assert len(docs) == 2
    assert split_rules(docs[1]) == ["split-next-header"]
    assert docs[0].text == lines_of(first["text"])
    assert docs[1].metadata["title"] == second["title"]
    assert docs[1].text == "\n".join([*subtitles, lines_of(second["text"])])


def test_a_title_over_header_lines_of_unfamiliar_wording_opens_an_unrelated_article(
        clean, eval_dir):
    # A Q&A page: each answer under its question, the answerer and a row of buttons. The
    # first answer is too short for a title line alone to mark a change of subject.
    first, *others = gold_articles(eval_dir, 40)
    second = next(a for a in others if 6 <= len(a["title"]) <= 30
                  and bigram_cosine(first["text"], a["text"]) < 0.03)
    answer: list[str] = []
    for line in lines_of(first["text"]).split("\n"):
        if sum(map(len, answer)) < 200:
            answer.append(line)
    text = "\n".join([*answer, second["title"], "关注问题　写回答", "程序猿阿飞",
                      *second["text"].split("\n")])
    docs = clean(text, STEPS)
    assert len(docs) == 2
    assert split_rules(docs[1]) == ["split-header-block"]
    assert docs[0].text == "\n".join(answer)
    assert docs[1].metadata["title"] == second["title"]
    assert docs[1].text == lines_of(second["text"])


def test_a_section_title_over_short_lines_on_the_same_subject_splits_nothing(clean):
    # The section titles of seed 004's first article stand over their text: one subject.
    body = paragraphs("004")[:40]
    lines = [*body[:12], "天数智芯:先软件后硬件", "添补我国高功用GPGPU空白", *body[14:40]]
    assert len(clean("\n".join(lines), STEPS)) == 1


def test_a_date_row_after_the_text_over_short_replies_opens_the_comments(clean):
    body = paragraphs("000")[:12]
    comments = ["沙发 一叶知秋 2021.06.24", "支持一下楼主！", "26楼 山城小雨 07-19 19:06", "学习了，感谢分享"]
    (doc,) = clean("\n".join([*body, *comments]), ["split_articles"])
    assert doc.text == "\n".join(body)
    assert [(e.rule, e.action, e.text) for e in doc.edits] == [
        ("comment-tail", "remove", line) for line in comments]


def test_a_notice_signed_and_dated_after_its_text_keeps_its_date(clean):
    lines = [*paragraphs("000")[:12], "某某区教育局", "2024年3月2日"]
    (doc,) = clean("\n".join(lines), ["split_articles"])
    assert doc.text == "\n".join(lines)


def test_a_short_article_between_two_closings_is_an_article_of_its_own(clean):
    # A repost page: three articles, each closed by its own credit; the second is short, so
    # its two boundaries stand close together, yet what lies between is whole sentences.
    first, third = paragraphs("000")[:8], paragraphs("002")[5:12]
    second = [paragraphs("003")[6], paragraphs("003")[8]]  # whole sentences, 206 Han
    lines = [*first, "信息来源：人民日报客户端", "国产芯片厂商的新一轮业务震荡期", *second,
             "本文为企鹅号作者高峰原创，未经授权不得转载。", "——————",
             "国产GPU的差距到底有多大", "人民日报客户端号 | 2020-04-21", *third]
    docs = clean("\n".join(lines), STEPS)
    assert [d.metadata.get("title") for d in docs][1:] == [
        "国产芯片厂商的新一轮业务震荡期", "国产GPU的差距到底有多大"]
    # The second closes with a notice that it is the writer's own, which closes it too.
    assert [split_rules(d) for d in docs[1:]] == [["split-closing-line"]] * 2
    assert docs[1].text == "\n".join(second)
    assert docs[2].text == "\n".join(third)


def short_answer(article: dict) -> list[str]:
    """An article's first lines, about 200 characters: too short for a title line alone to
    mark a change of subject after it."""
    answer: list[str] = []
    for line in lines_of(article["text"]).split("\n"):
        if sum(map(len, answer)) < 200:
            answer.append(line)
    return answer


def test_a_title_over_four_header_lines_opens_an_unrelated_article(clean, eval_dir):
    # A Q&A page's next answer: its question over the answer count, the answerer, a badge
    # and the votes.
    first, second = titled_pair(eval_dir)
    answer = short_answer(first)
    header = ["3713 个回答", "Tony_王", "科教领域创作者", "赞同数 520"]
    text = "\n".join([*answer, second["title"], *header, *second["text"].split("\n")])
    docs = clean(text, STEPS)
    assert len(docs) == 2
    assert split_rules(docs[1]) == ["split-header-block"]
    assert docs[0].text == "\n".join(answer)
    assert docs[1].metadata["title"] == second["title"]
    assert docs[1].text.endswith(lines_of(second["text"]))


def test_a_header_row_shaped_as_the_pages_first_opens_an_article_on_the_same_subject(clean):
    # Two answers on one subject: nothing tells them apart but the answer's header, whose
    # row repeats the first answer's with another name.
    first, second = paragraphs("000")[:6], paragraphs("002")[5:12]
    lines = ["英伟达芯片一片难求", "奶茶续命 · 回答了问题", *first,
             "国产GPU的差距到底有多大", "Tony_王 · 回答了问题", *second]
    docs = clean("\n".join(lines), STEPS)
    assert len(docs) == 2
    assert split_rules(docs[1]) == ["split-header-block"]
    assert "奶茶续命 · 回答了问题" in docs[1].edits[0].why
    assert docs[1].metadata["title"] == "国产GPU的差距到底有多大"
    assert docs[1].text == "\n".join(second)


def test_one_articles_short_sections_count_together_against_the_next_article(clean, eval_dir):
    # An article in short sections under subheadings, then an unrelated one under its title:
    # the last section alone holds too little text to judge a change of subject, the
    # sections together do.
    articles = gold_articles(eval_dir, 200)
    first = next(a for a in articles if len(a["text"]) >= 1200)
    second = next(a for a in articles if 6 <= len(a["title"]) <= 30
                  and bigram_cosine(first["text"], a["text"]) < 0.03)
    sections, section = [], []
    for line in lines_of(first["text"]).split("\n"):
        section.append(line)
        if sum(map(len, section)) >= 150:
            sections.append(section)
            section = []
    assert len(sections) >= 3 and all(sum(map(len, part)) < 300 for part in sections[:3])
    text = [first["title"]]
    for number, part in enumerate(sections[:3], 1):
        text += [f"第{number}部分的要点", *part]
    text += [second["title"], *second["text"].split("\n")]
    docs = clean("\n".join(text), STEPS)
    assert len(docs) == 2
    assert split_rules(docs[1]) == ["split-subject-change"]
    assert docs[1].metadata["title"] == second["title"]


def test_a_label_row_over_the_next_title_and_its_header_closes_the_article_before(
        clean, eval_dir):
    first, second = titled_pair(eval_dir)
    header = ["关注问题　写回答", "Kevin_Li", "教育话题下的优秀答主"]
    text = "\n".join([*short_answer(first), "原文标题：《南丁格尔奖颁奖大会在京举行》",
                      second["title"], *header, *second["text"].split("\n")])
    docs = clean(text, STEPS)
    assert len(docs) == 2
    assert split_rules(docs[1]) == ["split-header-block"]
    assert docs[1].metadata["title"] == second["title"]
    assert docs[1].text.endswith(lines_of(second["text"]))


def test_a_one_sentence_reprint_notice_closes_an_article_before_the_next_title(clean):
    # What follows the notice is too short to judge a change of subject by: the notice that
    # the article is the writer's own closes it.
    first, second = paragraphs("000")[:8], [paragraphs("003")[6], paragraphs("003")[8]]
    lines = [*first, "本文为大鱼号作者林小雨原创，未经授权不得转载。", "国产芯片的新一轮震荡期",
             *second]
    docs = clean("\n".join(lines), STEPS)
    assert len(docs) == 2
    assert split_rules(docs[1]) == ["split-closing-line"]
    assert docs[1].metadata["title"] == "国产芯片的新一轮震荡期"
    assert docs[1].text == "\n".join(second)


def test_numbered_entries_each_with_a_name_and_a_credit_stay_one_article(clean):
    # A contest's shortlist: under each ordinal an entry's name, its title row and its
    # makers, which read like the header of an article of their own.
    intro = paragraphs("000")[:4]
    entries = []
    for number, (name, makers) in enumerate([("留住童真", "王小雨／某某学院"),
                                             ("缘分", "李在锦／某某大学"),
                                             ("幸福在文明时", "周泽娜、陈晓曼／某某农业大学")]):
        entries += ["一．二．三．"[number * 2:number * 2 + 2], name, f"作品名称：{name}",
                    f"作者：{makers}",
                    f"创意说明：短片以{name}为题，讲述一个关于文明驾驶的简单故事，画面朴素，"
                    "情节紧凑，提醒观众开车时不要分心，平安出行才是对家人最好的承诺。"]
    docs = clean("\n".join([*intro, "视频入围作品展示如下：", *entries]), STEPS)
    assert len(docs) == 1
    assert split_rules(docs[0]) == []


def test_a_title_over_its_byline_after_the_text_opens_an_article_that_starts_with_a_table(
        clean):
    first, second = paragraphs("000")[:8], paragraphs("002")[5:12]
    table = ["城市", "调整情况", "青岛", "无", "南昌", "无", "大连", "无", "深圳", "2．00元／运次"]
    lines = [*first, "出租车燃油费跟涨不跟跌 全国仅有11个城市下调", "齐鲁晚报 2023-09-02 发表于山东",
             *table, *second]
    docs = clean("\n".join(lines), STEPS)
    assert len(docs) == 2
    assert split_rules(docs[1]) == ["split-next-header"]
    assert docs[0].text == "\n".join(first)
    assert docs[1].metadata["title"] == "出租车燃油费跟涨不跟跌 全国仅有11个城市下调"


# Two short stories of a news round, written for these tests: each under its bare title.
FERRY = ["琼州海峡客滚运输迎来返程高峰",
         "今天是春节假期最后一天，琼州海峡客滚运输迎来返程高峰。海口新海港和秀英港一早就排起了长长的车队，港口部门加开夜间航班，增派引导人员，确保车辆有序候渡。",
         "据港航部门统计，今天预计运送旅客八万人次、车辆一万五千辆次，比去年同期增长两成。港口提醒返程旅客提前在网上预约船票，错峰出行，尽量避开上午十点到下午三点的高峰时段。",
         "为了缓解候渡压力，海口市在城区外围设置了三处临时待渡停车场，免费为旅客提供热水和食品。"]
VISIT = ["两国外长在京举行会谈",
         "新华社北京3月12日电 外交部长今天在北京同来访的某国外长举行会谈。双方表示，愿意加强高层交往，扩大经贸、人文和地方合作，推动两国关系在新的一年取得更多成果。",
         "会谈后，两国外长共同见证签署了经济技术、教育和海关检验检疫等领域的合作文件，并共同会见记者。",
         "某国外长表示，某国坚定奉行一个中国原则，欢迎更多中国企业前来投资兴业，愿同中方密切在联合国等多边机制中的沟通与协调。"]


def test_a_bare_title_over_a_storys_lead_opens_the_next_story_after_a_short_one(clean):
    # The first story is too short for a change of subject alone to split it (roundup items
    # are one article); the dateline lead under the next title says a story starts there.
    docs = clean("\n".join([*FERRY, *VISIT]), STEPS)
    assert [d.metadata.get("title") for d in docs] == [FERRY[0], VISIT[0]]
    assert split_rules(docs[1]) == ["split-subject-change"]
    assert docs[1].text == "\n".join(VISIT[1:])


def test_a_title_ending_in_a_colon_over_its_byline_opens_an_article(clean):
    letter = ["致全市广大市民的一封信：", "发布者：某某市文明办　发布时间：2023年10月30日",
              "在我们的城市一天天变美的今天，还有不少山区的孩子穿不上一双合脚的鞋。一双布鞋、一件棉衣，对我们来说微不足道，对他们却是一个温暖的冬天。",
              "我们倡议全市市民伸出援手，把闲置的衣物和文具捐给山区学校，让孩子们感受到这座城市的温度。"]
    docs = clean("\n".join([*FERRY, *letter]), STEPS)
    assert [d.metadata.get("title") for d in docs] == [FERRY[0], "致全市广大市民的一封信："]
    assert docs[1].text == "\n".join(letter[2:])


def test_a_lead_in_ending_in_a_colon_over_its_items_stays_in_the_article(clean):
    lines = [*FERRY, "活动安排：", "2月3日，港口志愿者为旅客发放热水和食品",
             "2月4日，交警部门在主要路口增派警力疏导交通"]
    (doc,) = clean("\n".join(lines), STEPS)
    assert "活动安排：" in doc.text


@pytest.mark.parametrize("mark", ["（本文完）", "- THE END -", "（完）"])
def test_an_end_mark_between_two_stories_closes_the_first(clean, mark):
    first = paragraphs("000")[:8]
    docs = clean("\n".join([*first, mark, *VISIT]), STEPS)
    assert [d.metadata.get("title") for d in docs][1:] == [VISIT[0]]
    assert docs[0].text == "\n".join(first)


def test_a_first_sentence_as_a_title_over_its_byline_row_opens_an_article(clean):
    # A title that is the story's first sentence, left open with a semicolon, over the
    # site's byline row: the row says an article starts.
    advice = ["夏天出门前涂好防晒霜，回家后及时清洁；",
              "发布时间：2023/05/10 08:52:00 | 来源：某某网 | 作者：孟庆林",
              "夏季紫外线强，皮肤科医生提醒，外出时要涂抹防晒指数合适的防晒霜，并且每隔两三个小时补涂一次，游泳或出汗后更要及时补涂。",
              "回家后要用温和的洁面产品清洗面部，把防晒霜和汗液、灰尘一起洗掉，再涂上保湿产品，让皮肤得到休息。"]
    docs = clean("\n".join([*FERRY, *advice]), STEPS)
    assert [d.metadata.get("title") for d in docs] == [FERRY[0], advice[0]]
    assert docs[1].text == "\n".join(advice[2:])


def test_a_pages_buttons_between_two_stories_do_not_hide_the_change_of_subject(clean):
    first = paragraphs("000")[:8]
    docs = clean("\n".join([*first, "收藏 举报", *VISIT]), STEPS)
    assert [d.metadata.get("title") for d in docs][1:] == [VISIT[0]]
