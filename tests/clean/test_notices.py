"""A site's notices at an article's edges go, by the words they are made of; the article's own
sentences stay, whatever words they share with a notice."""

import pytest

from curate.clean.notices import NoticeWords
from curate.rules import RuleError, Rules

STEPS = ["drop_page_notices"]

STORY = [
    "记者从市交通运输局获悉，今年前三季度，全市新开通公交线路42条，优化调整线路67条。",
    "据介绍，新开通的线路主要覆盖新建居住区、产业园区和学校周边，方便市民日常出行。",
    "下一步，该局将继续完善公交线网，提升换乘效率，让市民出行更加便捷。",
]


def page(*lines: str) -> str:
    return "\n".join(lines)


@pytest.mark.parametrize("notice", [
    "内容由作者提供，某某号仅提供信息存储空间服务。",
    "投资有风险，入市须谨慎。本文不构成任何投资建议。",
    "本文作者：江南烟雨，转载请保留作者信息及原文链接。",
    "本站所载内容均来自网友投稿或网络转载，如侵犯您的权益请来信告知，核实后第一时间删除。",
    "(本章未完，请点击下一页继续阅读)",
])
def test_a_notice_under_the_article_goes(clean, removed_spans, notice):
    (doc,) = clean(page(*STORY, notice), STEPS)
    assert doc.text == page(*STORY)
    assert removed_spans(doc) == [("page-notice", notice)]


def test_a_notice_in_traditional_script_goes_and_the_reason_names_its_words(clean):
    notice = "內容由作者提供，網易號僅提供信息存儲空間服務。"
    (doc,) = clean(page(*STORY, notice), STEPS)
    (edit,) = doc.edits
    assert (edit.step, edit.rule, edit.text, edit.line) == ("drop_page_notices", "page-notice",
                                                            notice, 4)
    assert "作者、提供、信息、存储空间、服务" in edit.why
    assert "under the article" in edit.why


def test_a_notice_over_the_article_goes(clean, removed_spans):
    notice = "天才一秒记住本站地址，点击收藏本站，更多精彩阅读。"
    (doc,) = clean(page(notice, *STORY), STEPS)
    assert removed_spans(doc) == [("page-notice", notice)]


def test_notices_under_a_reply_footer_go_and_the_footer_is_left_to_other_steps(clean,
                                                                             removed_spans):
    notice = "本文作者：码农小周，转载请保留作者信息及原文链接。"
    (doc,) = clean(page(*STORY, notice, "码农小周", "2021-02-25 08:25"), STEPS)
    assert removed_spans(doc) == [("page-notice", notice)]
    assert doc.text.endswith("码农小周\n2021-02-25 08:25")


def test_a_sentence_of_the_article_with_a_few_such_words_stays(clean, removed_spans):
    # 发布, 信息 and 平台 are words of notices; news uses them about something else.
    last = "市交通运输局表示，线路调整信息将通过官方平台及时发布。"
    (doc,) = clean(page(*STORY, last), STEPS)
    assert removed_spans(doc) == []


def test_a_sentence_of_notice_words_between_paragraphs_of_the_text_stays(clean, removed_spans):
    # As long as a paragraph of prose, it may be the article's own words.
    notice = "本站所载内容均来自网友投稿或网络转载，如侵犯您的权益请来信告知，核实后第一时间删除。"
    (doc,) = clean(page(STORY[0], notice, STORY[1], STORY[2]), STEPS)
    assert removed_spans(doc) == []


@pytest.mark.parametrize("notice", ["(本章未完，请点击下一页继续阅读)", "（点击图片查看大图）",
                                    "天才一秒记住本站地址：www.example.cc"])
def test_a_short_notice_that_breaks_the_text_goes(clean, removed_spans, notice):
    (doc,) = clean(page(STORY[0], notice, STORY[1], STORY[2]), STEPS)
    assert doc.text == page(*STORY)
    (edit,) = doc.edits
    assert (edit.rule, edit.text) == ("page-notice", notice)
    assert "between the article's paragraphs" in edit.why


def test_the_last_line_of_an_article_about_the_same_rights_stays(clean, removed_spans):
    story = [
        "新修订的著作权法明确，网络平台转载他人作品，应当取得作者授权并注明出处。",
        "专家表示，平台仅提供信息存储空间服务的，在接到侵权通知后应及时删除相关作品。",
    ]
    last = "作者授权转载，平台删除侵权作品。"
    (doc,) = clean(page(*story, last), STEPS)
    assert removed_spans(doc) == []


def test_the_sites_owner_describing_itself_under_the_story_goes(clean, removed_spans):
    profile = ["关于某某网络科技有限公司",
               "某某网络科技有限公司成立于2019年，是一家集研发、生产、销售于一体的高新技术企业。"]
    (doc,) = clean(page(*STORY, *profile), STEPS)
    assert doc.text == page(*STORY)
    assert removed_spans(doc) == [("page-notice", line) for line in profile]


def test_a_story_about_the_company_keeps_its_profile(clean, removed_spans):
    story = ["某某智能装备有限公司今天在科创板上市，首日股价上涨36%，市值突破200亿元。",
             "据招股书，某某智能装备有限公司主要生产工业机器人和自动化产线，去年销售收入18亿元，研发投入占收入的12%。",
             "某某智能装备有限公司成立于2009年，是一家集研发、生产、销售于一体的高新技术企业。"]
    (doc,) = clean(page(*story), STEPS)
    assert removed_spans(doc) == []


def test_a_page_without_prose_is_left_to_the_page_classifier(clean, removed_spans):
    lines = ["本站所有内容均来自网络转载", "如有侵权请联系删除", "投资有风险，本文仅供参考"]
    (doc,) = clean(page(*lines), STEPS)
    assert removed_spans(doc) == []


def test_the_words_and_thresholds_are_rules(tmp_path):
    (tmp_path / "notices.yaml").write_text("min_words: 3\nwords: [本文]\n", encoding="utf-8")
    with pytest.raises(RuleError, match="notices.yaml: needs"):
        NoticeWords.from_rules(Rules(tmp_path))


def test_a_longer_word_counts_once_not_as_its_parts():
    words = NoticeWords.from_rules(Rules())
    found, coverage = words.measure("本平台仅提供信息存储空间服务。")
    assert "存储空间" in found and "平台" not in found
    assert coverage == pytest.approx(13 / 14)
