"""The row of a story's tags, left as its last line once the furniture around it went, is
removed; a row of the same shape inside the text, or on a page without prose, stays."""

from curate.pipeline import DEFAULT_STEPS
from tests.conftest import removed

STORY = ["习近平会见智利总统",
         "国家主席习近平在人民大会堂会见来华进行国事访问的智利总统。习近平指出，中智是全面战略伙伴，双方要深化各领域务实合作，推动两国关系不断向前发展。",
         "智利总统表示，智中两国关系良好，经贸合作成果丰硕，智方愿同中方加强交流，共同应对全球性挑战。",
         "蔡奇、王毅等参加会见。"]
# Under the story: the tags, the page's buttons and its list of other stories.
PAGE = [*STORY, "政策 热点", "收藏 举报", "相关新闻", "• 全国秋粮收购进度过半", "• 多地加快推进城市更新"]
THROUGH_TAGS = DEFAULT_STEPS[: DEFAULT_STEPS.index("drop_tag_rows") + 1]


def test_the_tags_left_under_a_story_go_once_the_buttons_and_the_list_under_them_went(clean):
    (doc,) = clean("\n".join(PAGE), THROUGH_TAGS, markdown=False)
    assert doc.text.split("\n")[-1] == "蔡奇、王毅等参加会见。"
    assert removed(doc, "drop_tag_rows") == [("tag-row", "政策 热点")]


def test_a_row_of_that_shape_between_paragraphs_stays(clean):
    lines = [*STORY[:2], "中智合作 成果丰硕", *STORY[2:]]
    (doc,) = clean("\n".join(lines), ["drop_tag_rows"], markdown=False)
    assert removed(doc) == []


def test_a_headline_joining_long_clauses_with_a_space_is_no_tag_row(clean):
    lines = [*STORY, "中老铁路客货运量稳定增长 黄金通道显活力"]
    (doc,) = clean("\n".join(lines), ["drop_tag_rows"], markdown=False)
    assert removed(doc) == []


def test_a_page_without_prose_keeps_its_rows_for_the_page_decision(clean):
    (doc,) = clean("\n".join(["热门 排行", "政策 热点", "观察 经济"]), ["drop_tag_rows"],
                   markdown=False)
    assert removed(doc) == []


def test_a_labelled_row_of_tags_or_keywords_goes_anywhere(clean):
    row = "本文关键词：智利,会见,经贸合作"
    lines = [*STORY[:2], row, *STORY[2:]]
    (doc,) = clean("\n".join(lines), ["drop_tag_rows"], markdown=False)
    assert removed(doc) == [("tag-row", row)]


def test_a_papers_keywords_are_its_text(clean):
    # A paper's abstract lists its keywords under a bare label: the line classifier judges it.
    keywords = "关键词: 淘宝网；物流配送；电子商务"
    (doc,) = clean("\n".join([*STORY, keywords]), ["drop_tag_rows"], markdown=False)
    assert removed(doc) == []
