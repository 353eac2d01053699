"""The header step: metadata from the lines that open an article, a title from the lead when
there is no title line, and the author from a closing credit."""

import pytest

from curate.document import Document, Paragraph, Provenance
from curate.pipeline import Context, Pipeline
from curate.rules import Rules
from tests.fixtures import seed_text

STRUCTURE = ["strip_glued_pinyin", "drop_spam_header", "drop_breadcrumbs", "split_articles",
             "drop_boilerplate", "trim_teasers", "extract_header"]
BODY = "在这个持续降温的10月，A股半导体板块久违地回暖了。国产替代的风潮悄然吹起，芯片股集体上涨。"


def test_seed_004s_three_articles_take_their_titles_from_their_leads(clean):
    docs = clean(seed_text("004"), STRUCTURE)
    assert [d.metadata["title"] for d in docs] == [
        "一边是国产AI芯片独角兽燧原科技、壁仞科技先后发动IPO进程,现已看到上市曙光",
        "作为英伟达为绕开美国出口操控而规划的退让产品,H20芯片自诞生起便承载着杂乱任务",
        "4月17日,英伟达创始人兼CEO黄仁勋再次现身我国,行程低沉却意义深远",
    ]
    for doc in docs:
        (edit,) = [e for e in doc.edits if e.rule == "header-title-from-lead"]
        assert (edit.action, edit.text) == ("flag", doc.metadata["title"])
        assert doc.text.startswith(doc.metadata["title"])


def test_a_title_from_the_lead_drops_the_quote_mark_its_cut_left_open(clean):
    (doc,) = clean(seed_text("003"), STRUCTURE)
    assert doc.metadata["title"] == "我們可能無法全部恢復先前的庫存減計損失,但大多數庫存是可以恢復的"
    assert doc.text.startswith("「我們可能無法全部恢復先前的庫存減計損失")


def test_a_title_line_is_never_replaced_by_the_lead(clean):
    (doc,) = clean(seed_text("000"), STRUCTURE)
    assert doc.metadata["title"] == "英伟达芯片一片难求，国产替代趁势崛起"
    assert not [e for e in doc.edits if e.rule == "header-title-from-lead"]


def test_seed_001s_closing_credit_names_the_author_and_stays_in_the_text(clean):
    (doc,) = clean(seed_text("001"), STRUCTURE)
    assert doc.metadata["author"] == "雷晨"
    (edit,) = [e for e in doc.edits if e.rule == "header-author-from-credit"]
    assert (edit.action, edit.text) == ("flag", "(21世紀經濟報道記者雷晨 北京報道)")
    assert doc.text.endswith("(21世紀經濟報道記者雷晨 北京報道)")


def test_a_closing_credit_with_two_reporters_names_the_first_pair(clean):
    text = ("国土资源部规划司司长董祚继昨日表示，我国房地产业总体上看没有过剩。\n"
            "董祚继强调，这仅是“个人看法”。（记者吴鹏 李静睿）")
    (doc,) = clean(text, STRUCTURE)
    assert doc.metadata["author"] == "吴鹏 李静睿"


def test_a_bracket_that_is_no_credit_names_no_author(clean):
    text = ("国土资源部规划司司长董祚继昨日表示，我国房地产业总体上看没有过剩。\n"
            "他回答了记者提问（详见附表）")
    (doc,) = clean(text, STRUCTURE)
    assert "author" not in doc.metadata


def header_of(title: str, body: str) -> Document:
    """A document read with a ``title`` field (as from JSONL), through the header step."""
    document = Document([Paragraph(body, (1, 1))], Provenance("dump.jsonl", "0" * 64, "utf-8"),
                        "dump", metadata={"title": title})
    pipeline = Pipeline(Context(Rules()), ["extract_header"])
    (doc,) = pipeline.run([document])
    return doc


@pytest.mark.parametrize(("title", "expected"), [
    ("娃娃菜炒香菇的几种做法_必威betway中文版", "娃娃菜炒香菇的几种做法"),
    ("‘华体会’市自然资源局抽查绿色矿山_华体会", "市自然资源局抽查绿色矿山"),
    ("物流企业能否代替快递巨头？【欧宝体育app】_欧宝体育app", "物流企业能否代替快递巨头？"),
])
def test_spam_phrases_leave_a_title_and_the_edit_keeps_it(title: str, expected: str):
    doc = header_of(title, BODY)
    assert doc.metadata["title"] == expected
    (edit,) = [e for e in doc.edits if e.rule == "title-spam"]
    assert (edit.action, edit.text, edit.replacement) == ("replace", title, expected)


@pytest.mark.parametrize("title", ["爱游戏体育官方_爱游戏体育官方", "币游国际_币游国际登陆官网_币游国际app"])
def test_a_title_that_is_only_spam_goes_and_the_lead_stands_for_it(title: str):
    doc = header_of(title, BODY)
    assert doc.metadata["title"] == "在这个持续降温的10月，A股半导体板块久违地回暖了"
    assert [e.rule for e in doc.edits] == ["title-spam", "header-title-from-lead"]


def test_a_lead_that_is_a_gambling_brand_gives_no_title(clean):
    (doc,) = clean(f"爱游戏体育官方。{BODY}", ["extract_header"])
    assert "title" not in doc.metadata
    assert doc.edits == []


def test_an_honest_title_with_its_site_is_kept_as_it_is():
    doc = header_of("破七千指日可待 单反套机爆新低_数码_科技时代_新浪网", BODY)
    assert doc.metadata["title"] == "破七千指日可待 单反套机爆新低_数码_科技时代_新浪网"
    assert doc.edits == []


@pytest.mark.parametrize("row, created", [
    ("市界 2023-10-20 05:06", "2023-10-20T05:06:00"),
    ("董温淑 2023年10月20日 05:06 关注", "2023-10-20T05:06:00"),
    ("2023-10-20 05:06 | 分类：科技 | 标签：芯片 半导体", "2023-10-20T05:06:00"),
    ("原创 董温淑 市界 2023/10/20", "2023-10-20"),
    # a day of this year, or a time ago, gives no created time
    ("原创10-20 05:06·市界", None),
    ("9小时前 · 来自湖北", None),
])
def test_a_date_row_of_any_wording_under_a_title_is_header(clean, row, created):
    (doc,) = clean(f"英伟达芯片一片难求，国产替代趁势崛起\n{row}\n{BODY}", ["extract_header"])
    assert doc.text == BODY
    assert doc.metadata["title"] == "英伟达芯片一片难求，国产替代趁势崛起"
    assert doc.created == created
    assert [(e.rule, e.text) for e in doc.edits] == [("header-title", doc.metadata["title"]),
                                                     ("header-dated-row", row)]


def test_a_sentence_opening_with_a_date_is_no_header_row(clean):
    lead = "2023年10月20日，A股半导体板块久违地回暖了。"
    (doc,) = clean(f"{lead}\n{BODY}", ["extract_header"])
    assert doc.text == f"{lead}\n{BODY}"
    assert doc.created is None


def test_short_lines_above_a_title_and_its_date_row_are_furniture(clean):
    text = f"点击上方蓝字关注我们\n科技频道\n英伟达芯片一片难求\n市界 2023-10-20 05:06\n{BODY}"
    (doc,) = clean(text, ["extract_header"])
    assert doc.text == BODY
    assert doc.metadata["title"] == "英伟达芯片一片难求"
    assert [(e.rule, e.text) for e in doc.edits][:2] == [
        ("header-furniture-above", "点击上方蓝字关注我们"), ("header-furniture-above", "科技频道")]


def test_a_sentence_above_a_title_and_date_row_stays(clean):
    text = f"{BODY}\n英伟达芯片一片难求\n2023-10-20 05:06\n{BODY}"
    (doc,) = clean(text, ["extract_header"])
    assert doc.text == text
    assert not [e for e in doc.edits if e.rule == "header-furniture-above"]


def test_a_markdown_front_matter_gives_title_date_and_site(clean):
    text = "\n".join(["title: 英伟达芯片一片难求", "date: 2023-10-20 05:06", "source: 市界",
                      "tags: [芯片, 半导体]", BODY])
    (doc,) = clean(text, ["extract_header"])
    assert doc.text == BODY
    assert (doc.metadata["title"], doc.metadata["site"], doc.created) == (
        "英伟达芯片一片难求", "市界", "2023-10-20T05:06:00")
    assert [e.rule for e in doc.edits] == ["header-front-matter"] * 4


def test_short_lines_under_the_header_that_share_no_words_with_the_text_are_furniture(clean):
    text = f"英伟达芯片一片难求\n7680 人赞同了该回答\n科技话题下的优秀答主\n{BODY}"
    (doc,) = clean(text, ["extract_header"])
    assert doc.text == BODY
    assert [(e.rule, e.action, e.text) for e in doc.edits] == [
        ("header-title", "metadata", "英伟达芯片一片难求"),
        ("header-unrelated-line", "remove", "7680 人赞同了该回答"),
        ("header-unrelated-line", "remove", "科技话题下的优秀答主")]


def test_four_lines_of_a_q_and_a_answer_under_the_header_are_furniture(clean):
    # An answer's header (held-out set D): answers, answerer, topic and votes over the text.
    rows = ["4692 个回答", "江南烟雨", "健康养生领域创作者", "赞同数 7665"]
    (doc,) = clean("\n".join(["英伟达芯片一片难求", *rows, BODY]), ["extract_header"])
    assert doc.text == BODY
    assert [(e.rule, e.text) for e in doc.edits[1:]] == [
        ("header-unrelated-line", row) for row in rows]


@pytest.mark.parametrize("line", ["标签：观察", "分类专栏： 公益 文章标签： 政策 热点"])
def test_a_row_of_tags_under_the_header_is_furniture_even_when_a_tag_is_the_texts_subject(
        clean, line):
    # The tags name the subject (芯片); their labels are no word of the text.
    (doc,) = clean(f"英伟达芯片一片难求\n{line.replace('观察', '芯片')}\n{BODY}", ["extract_header"])
    assert doc.text == BODY
    assert [(e.rule, e.action) for e in doc.edits] == [
        ("header-title", "metadata"), ("header-unrelated-line", "remove")]


@pytest.mark.parametrize("line", ["国产替代的风潮悄然吹起", "记者　董温淑", "规格及价格：30ml／300　元",
                                  "央视网消息（新闻联播）：", "导语：半导体板块回暖，芯片股集体上涨"])
def test_a_subheading_a_byline_or_a_label_under_the_header_stays(clean, line):
    # A subheading uses the text's words; a byline or a labelled line may open a text.
    (doc,) = clean(f"英伟达芯片一片难求\n{line}\n{BODY}", ["extract_header"])
    assert doc.text == f"{line}\n{BODY}"
    assert doc.metadata["title"] == "英伟达芯片一片难求"


def record_of(title: str, lines: list[str]) -> Document:
    """A record read with a ``title`` field (as from JSONL) and these lines of text, through
    the header step."""
    paragraphs = [Paragraph(line, (n, n)) for n, line in enumerate(lines, start=1)]
    document = Document(paragraphs, Provenance("dump.jsonl", "0" * 64, "utf-8"), "dump",
                        metadata={"title": title})
    (doc,) = Pipeline(Context(Rules()), ["extract_header"]).run([document])
    return doc


def test_the_texts_heading_over_its_byline_is_the_title_when_the_record_titles_the_site():
    heading, row = "转变观念，助力国家“双碳”目标早日实现", "2022年04月14日　来源：南方周末 分享到"
    doc = record_of("为了生活更美好", [heading, row, BODY])
    assert doc.text == BODY
    assert doc.metadata["title"] == heading
    assert doc.metadata["page_title"] == "为了生活更美好"
    assert doc.created == "2022-04-14"
    assert [(e.rule, e.text) for e in doc.edits] == [("header-title", heading),
                                                     ("header-dated-row", row)]
    assert "page_title" in doc.edits[0].why


def test_a_heading_equal_to_the_records_title_leaves_no_page_title():
    doc = record_of("新款浪琴精神腕表具有复古气息",
                    ["新款浪琴精神腕表具有复古气息", "发布时间：2021.06.03 浏览量：人 作者：北京浪琴维修",
                     BODY])
    assert doc.text == BODY
    assert doc.metadata["title"] == "新款浪琴精神腕表具有复古气息"
    assert "page_title" not in doc.metadata


def test_a_short_first_line_of_a_titled_record_with_no_byline_under_it_stays():
    lines = ["浪琴表，绿色表面和棕色皮革表带", BODY]
    doc = record_of("上海浪琴手表维修服务", lines)
    assert doc.text == "\n".join(lines)
    assert doc.metadata == {"title": "上海浪琴手表维修服务"}
    assert doc.edits == []


# A story of the kind the generated pages carry, with its title restating it.
HOUSING = ("央视网消息（新闻联播）：国务院新闻办公室今天举行新闻发布会，介绍打好房地产“组合拳”的情况。\n"
           "住房城乡建设部表示，房地产市场出现积极变化，城中村和危旧房改造将新增实施100万套。")


@pytest.mark.parametrize("above", ["无障碍浏览 | 长者模式", "导航：首页 > 本地 > 详情",
                                   "APP下载　意见反馈　举报中心"])
def test_a_line_over_the_title_sharing_none_of_the_texts_words_is_furniture(clean, above):
    (doc,) = clean(f"{above}\n打好“组合拳” 房地产市场出现积极变化\n{HOUSING}", ["extract_header"])
    assert doc.metadata["title"] == "打好“组合拳” 房地产市场出现积极变化"
    assert doc.text == HOUSING
    assert [(e.rule, e.action, e.text) for e in doc.edits][0] == (
        "header-furniture-above", "remove", above)


def test_a_row_of_links_over_the_title_may_share_a_word_with_the_text(clean):
    # 汽车 stands once in the story; the row is still the site's menu.
    story = HOUSING.replace("积极变化，", "积极变化，汽车消费回暖，")
    (doc,) = clean(f"导航：首页 > 汽车 > 详情\n打好“组合拳” 房地产市场出现积极变化\n{story}",
                   ["extract_header"])
    assert doc.metadata["title"] == "打好“组合拳” 房地产市场出现积极变化"
    assert doc.text == story


def test_the_questions_header_between_title_and_text_does_not_hide_the_title(clean):
    # A Q&A page: the answerer's lines stand between the title and the text.
    lines = "关注问题　写回答\nmomo_酱\n汽车话题下的优秀答主"
    (doc,) = clean(f"首页 推荐 热榜 视频 问答 更多\n打好“组合拳” 房地产市场出现积极变化\n{lines}\n"
                   f"{HOUSING}", ["extract_header"])
    assert doc.metadata["title"] == "打好“组合拳” 房地产市场出现积极变化"
    # Under the title, the lines sharing none of the text's words go too (a name of Latin
    # letters is left to the line classifier).
    assert doc.text.endswith(HOUSING)
    assert "首页" not in doc.text and "关注问题" not in doc.text and "话题下" not in doc.text


def test_a_line_left_open_over_a_title_like_line_stays(clean):
    # CCTV sets its show's opening on a line of its own over a quoted heading.
    text = f"央视网消息（新闻联播）：\n打好“组合拳” 房地产市场出现积极变化\n{HOUSING}"
    (doc,) = clean(text, ["extract_header"])
    assert not [e for e in doc.edits if e.rule == "header-furniture-above"]


@pytest.mark.parametrize("row", ["【发布单位：省商务厅】【发布日期：2021年11月25日】",
                                 "【发布单位：县农业农村局】【发布日期：2020-04-06 19:09:00】"])
def test_a_row_of_bracketed_labels_with_a_date_under_the_title_is_header(clean, row):
    (doc,) = clean(f"打好“组合拳” 房地产市场出现积极变化\n{row}\n{HOUSING}", ["extract_header"])
    assert doc.text == HOUSING
    assert ("header-dated-row", "metadata", row) in [(e.rule, e.action, e.text) for e in doc.edits]


@pytest.mark.parametrize("row, created", [
    ("2019-02-28T22:01:00+08:00", "2019-02-28T22:01:00"),
    ("山城小雨 于 2020-10-29T10:54:00+08:00 发布", "2020-10-29T10:54:00")])
def test_an_iso_8601_time_under_the_title_is_the_articles_date(clean, row, created):
    (doc,) = clean(f"打好“组合拳” 房地产市场出现积极变化\n{row}\n{HOUSING}", ["extract_header"])
    assert doc.text == HOUSING
    assert doc.created == created
