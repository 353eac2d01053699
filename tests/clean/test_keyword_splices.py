"""The page's own SEO keywords are cut where they are spliced into its sentences."""

import pytest

from curate.clean.keyword_splices import RULE_LIST, KeywordSettings, find_splices
from curate.document import Document, Provenance
from curate.markup import parse_text
from curate.pipeline import Context, Pipeline
from curate.rules import Rules

STEP = "remove_keyword_splices"

# An SEO page as such sites write them (the pattern of the CommonCrawl pages of
# bench/labels, in words of our own): the page's question after sentences, its title glued
# to the end of a paragraph, the items of its tag line inside clauses.
TITLE = "带你了解红外测温门厂家_某某电子科技"
PAGE = [
    "带你了解红外测温门厂家",
    "红外测温门最早随着经济的发展而出现，早期利润高、门槛低，吸引了大量资金进入安检设备市场，带你了解红外测温门厂家",
    "测温门有什么好处？ 测温门对我们的好处",
    "1、测量快，人员通过时不需停留，几秒钟即可完成一次测温。 测温门有什么好处？",
    "2、安装简单，不占通道，几分钟即可投入使用，测温门价格哪家便宜，所以很多单位都在用。",
    "3、报警准确，误报少，值守人员可以专心处理异常情况。 测温门有什么好处？",
    "标签：测温门价格哪家便宜 测温门厂家 安检门品牌排行",
]


def keyword_steps(lines: list[str], title: str, removed_last: bool = False) -> Document:
    """The page through the step, its last line removed beforehand as the furniture step
    removes a tag row (recorded as an edit)."""
    parsed = parse_text("\n".join(lines), markdown=False)
    doc = Document(parsed.paragraphs, Provenance("page.txt", "0", "utf-8"), "text",
                   metadata={"title": title})
    if removed_last:
        last = doc.paragraphs.pop()
        doc.record("drop_furniture_lines", "line-classifier", "remove", last.text, last.lines[0])
    (out,) = Pipeline(Context(Rules()), [STEP]).run([doc])
    return out


def test_title_glued_to_the_end_of_a_paragraph_is_cut_with_its_comma():
    doc = keyword_steps(PAGE, TITLE, removed_last=True)
    assert doc.paragraphs[1].text == ("红外测温门最早随着经济的发展而出现，早期利润高、门槛低，"
                                      "吸引了大量资金进入安检设备市场")
    (edit,) = [e for e in doc.edits if e.step == STEP and e.line == 2]
    assert (edit.rule, edit.text) == ("keyword-splice:title", "，带你了解红外测温门厂家")
    assert edit.why == f"the page's title: {TITLE}"


def test_question_the_page_repeats_and_heads_a_line_with_is_cut_from_sentences_only():
    doc = keyword_steps(PAGE, TITLE, removed_last=True)
    texts = [p.text for p in doc.paragraphs]
    assert texts[3] == "1、测量快，人员通过时不需停留，几秒钟即可完成一次测温。"
    assert texts[5] == "3、报警准确，误报少，值守人员可以专心处理异常情况。"
    assert texts[2] == "测温门有什么好处？ 测温门对我们的好处"  # a heading: furniture's to judge
    edit = next(e for e in doc.edits if e.step == STEP and e.line == 4)
    assert (edit.rule, edit.text) == ("keyword-splice:repeated-clause", " 测温门有什么好处？")
    assert edit.why == "the same clause stands in 3 lines of the page"


def test_item_of_a_removed_tag_row_is_cut_from_the_clause_it_was_spliced_into():
    doc = keyword_steps(PAGE, TITLE, removed_last=True)
    assert doc.paragraphs[4].text == "2、安装简单，不占通道，几分钟即可投入使用，所以很多单位都在用。"
    edit = next(e for e in doc.edits if e.step == STEP and e.line == 5)
    assert (edit.rule, edit.text) == ("keyword-splice:list-item", "测温门价格哪家便宜，")
    assert edit.why == f"an item of a list row drop_furniture_lines removed: {PAGE[-1]}"


def test_title_naming_the_subject_of_a_sentence_stays():
    # An article names its subject in its sentences: that is not a splice.
    lines = ["国产GPU厂商加快补位英伟达，国产GPU厂商加快补位英伟达的消息传出后，多家公司股价上涨。"]
    doc = keyword_steps(lines, "国产GPU厂商加快补位英伟达")
    assert [p.text for p in doc.paragraphs] == lines
    assert [e for e in doc.edits if e.step == STEP] == []


def test_statement_repeated_in_three_lines_of_clean_news_stays():
    # CCTV news repeats a phrase of a resolution in several paragraphs; it is no question.
    lines = ["会议强调，要深刻领悟“两个确立”的决定性意义，增强“四个意识”。",
             "与会同志表示，要深刻领悟“两个确立”的决定性意义，坚定信心。",
             "要深刻领悟“两个确立”的决定性意义",
             "大家认为，要深刻领悟“两个确立”的决定性意义，把学习成果转化为工作成效。"]
    doc = keyword_steps(lines, "")
    assert [p.text for p in doc.paragraphs] == lines


def test_line_that_would_keep_no_sentence_is_left_whole():
    lines = ["测温门有什么好处？", "看看测温门有什么好处？", "测温门有什么好处？ 好处多多",
             "测温门有什么好处？ 测温门"]
    doc = keyword_steps(lines, "")
    assert [p.text for p in doc.paragraphs] == lines


def test_two_keywords_sharing_a_comma_give_one_cut_not_two_overlapping():
    # A news quote (words of our own) whose two halves a tag row happened to list: the
    # longer keyword takes the comma between them, the shorter is left.
    text = ("业内人士分析认为，煤价上涨将传导至下游电力企业，“最为直接的影响是，"
            "销售电价必将再次面临上涨的压力”。")
    keywords = {"销售电价必将再次面临上涨的压力”。": (RULE_LIST, "an item of a list row"),
                "“最为直接的影响是": (RULE_LIST, "an item of a list row")}
    found = find_splices(text, keywords, KeywordSettings(8, 3, 6, 10))
    assert [(change.old, change.start, change.end) for change, _ in found] == [
        ("，销售电价必将再次面临上涨的压力”。", 33, 51)]


def test_clauses_of_a_removed_summary_line_are_no_keywords():
    # The summary over an article of bench/labels (TUNE page cwt-cc-2021-43-034), removed
    # by the furniture step as the lead said again: its clauses stay in the lead.
    lead = ("2020年进年即挑战，新型冠状病毒带给的疫情让大批中小企业动工阻碍，发展被困。"
            "在当下国民经济转型升级的大背景之下，中国科技产业发展路在何方？")
    doc = keyword_steps([lead, "本文摘要：" + lead], "科技产业", removed_last=True)
    assert doc.text == lead
    assert [e for e in doc.edits if e.step == STEP] == []


# A page that stuffs its title as a clause into its paragraphs (the pattern of an SEO page of
# bench/labels, in words of our own).
STUFFED_TITLE = "哪种茶叶降血压效果好_某某茶业"
STUFFED = [
    "哪种茶叶降血压效果好",
    "高血压的原因有很多，患者常常反复发作，下面就一起来看看吧，哪种茶叶降血压效果好。",
    "饮食上不宜过咸，也不宜过于油腻。哪种茶叶降血压效果好。",
    "绿茶含有茶多酚，有一定的降压作用，哪种茶叶降血压效果好。建议在医生指导下饮用。",
    "哪种茶叶降血压效果好，这是很多中老年朋友都关心的问题，要因人而异。",
]


def test_title_stuffed_as_a_clause_into_several_lines_is_cut_with_one_mark():
    doc = keyword_steps(STUFFED, STUFFED_TITLE)
    assert [p.text for p in doc.paragraphs] == [
        "哪种茶叶降血压效果好",  # the heading: furniture's to judge
        "高血压的原因有很多，患者常常反复发作，下面就一起来看看吧。",
        "饮食上不宜过咸，也不宜过于油腻。",
        "绿茶含有茶多酚，有一定的降压作用。建议在医生指导下饮用。",
        "这是很多中老年朋友都关心的问题，要因人而异。",
    ]
    edits = [(e.line, e.rule, e.text) for e in doc.edits if e.step == STEP]
    assert edits == [
        (2, "keyword-splice:stuffed-title", "，哪种茶叶降血压效果好"),
        (3, "keyword-splice:stuffed-title", "哪种茶叶降血压效果好。"),
        (4, "keyword-splice:stuffed-title", "，哪种茶叶降血压效果好"),
        (5, "keyword-splice:stuffed-title", "哪种茶叶降血压效果好，"),
    ]
    assert {e.why for e in doc.edits if e.step == STEP} == {
        f"the page's title stands as a clause in 4 lines of the body: {STUFFED_TITLE}"}


@pytest.mark.parametrize("title, lines", [
    # A CCTV story restates its heading as a clause in two paragraphs at most.
    ("全国耕地总量连续三年实现净增加",
     ["自然资源部今天发布数据，全国耕地总量连续三年实现净增加。",
      "专家表示，全国耕地总量连续三年实现净增加，耕地保护取得明显成效。",
      "下一步，自然资源部将继续严守耕地红线，稀有的沼泽湿地也将得到保护。"]),
    # The subject of the story named inside its sentences, with rare words (月背, 钻取), is
    # no clause of its own.
    ("嫦娥六号完成月球背面采样_航天新闻",
     ["6月2日，嫦娥六号完成月球背面采样后，上升器择机起飞。",
      "专家介绍，嫦娥六号完成月球背面采样是人类首次在月背钻取样品。",
      "据悉，嫦娥六号完成月球背面采样的过程持续了约19小时。"]),
], ids=["restated-in-two-lines", "inside-clauses"])
def test_title_news_restates_or_names_in_its_sentences_stays(title, lines):
    doc = keyword_steps(lines, title)
    assert [p.text for p in doc.paragraphs] == lines
    assert [e for e in doc.edits if e.step == STEP] == []


def test_stuffed_title_in_quotes_goes_with_them_and_the_object_of_a_verb_stays():
    lines = STUFFED[1:4] + [
        "很多读者来信问“哪种茶叶降血压效果好”，我们请教了营养科医生。",
        "医生介绍，“哪种茶叶降血压效果好”，要看个人体质和血压情况。",
    ]
    doc = keyword_steps(lines, STUFFED_TITLE)
    assert [p.text for p in doc.paragraphs][3:] == [
        "很多读者来信问“哪种茶叶降血压效果好”，我们请教了营养科医生。",  # what they asked
        "医生介绍，要看个人体质和血压情况。",
    ]
    edit = next(e for e in doc.edits if e.step == STEP and e.line == 5)
    assert (edit.rule, edit.text) == ("keyword-splice:stuffed-title", "“哪种茶叶降血压效果好”，")
    assert edit.why == ("the page's title stands as a clause in 4 lines of the body: "
                        + STUFFED_TITLE)


def test_title_question_glued_before_a_comma_is_cut_whatever_stands_before_it():
    # The title's question brings its own mark into a clause that has one: 出门？，
    title = "怎样才能让孩子主动读书？_某某教育_家庭教育咨询"
    line = ("孩子沉迷手机，家长批评、没收、说教之后怎样才能让孩子主动读书？，"
            "或者换一种方式陪伴，效果往往更好。")
    doc = keyword_steps([line], title)
    assert doc.paragraphs[0].text == ("孩子沉迷手机，家长批评、没收、说教之后，"
                                      "或者换一种方式陪伴，效果往往更好。")
    (edit,) = [e for e in doc.edits if e.step == STEP]
    assert (edit.rule, edit.text, edit.why) == (
        "keyword-splice:title", "怎样才能让孩子主动读书？", f"the page's title: {title}")


def test_a_title_taken_from_the_lead_is_no_keyword_of_the_page(clean):
    # The text's own first clause stands for a missing title; that it recurs is the text's
    # matter (a refrain), not a page stuffing its title.
    lines = ["今年的新茶已经上市。各地茶农忙着采摘，茶厂日夜加工。",
             "今年的新茶已经上市。价格比去年略高，品质也更好。",
             "今年的新茶已经上市。销量比去年好，网上订单翻了一番。"]
    doc = clean("\n".join(lines), ["extract_header", STEP])[0]
    assert doc.metadata["title"] == "今年的新茶已经上市"
    assert [p.text for p in doc.paragraphs] == lines
    assert [e.rule for e in doc.edits] == ["header-title-from-lead"]


def test_the_records_own_title_still_names_the_keywords_when_the_heading_replaced_it():
    parsed = parse_text("\n".join(PAGE[1:]), markdown=False)
    doc = Document(parsed.paragraphs, Provenance("page.txt", "0", "utf-8"), "text",
                   metadata={"title": "红外测温门的原理", "page_title": TITLE})
    (out,) = Pipeline(Context(Rules()), [STEP]).run([doc])
    assert ("keyword-splice:title", "，带你了解红外测温门厂家") in [
        (e.rule, e.text) for e in out.edits]
