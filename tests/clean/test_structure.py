"""Page furniture leaves the body: spam headers, breadcrumbs, headers, credits, teasers."""

import json

import pytest

from tests.fixtures import seed_text

STRUCTURE = ["drop_spam_header", "drop_breadcrumbs", "split_articles", "drop_boilerplate",
             "trim_teasers", "extract_header"]

BODY = "在这个持续降温的10月，A股半导体板块久违地回暖了。国产替代的风潮悄然吹起，芯片股集体上涨。"



def test_keyword_stuffed_seo_header_is_removed(clean, removed_spans):
    spam = "国产欧美日韩在线观看_天堂8在线官网_国产丝袜精品丝袜久久_最近中文免费国语在线观看_在线观看黄网站"
    (doc,) = clean(f"{spam}\n{BODY}", STRUCTURE)
    assert doc.text == BODY
    assert removed_spans(doc) == [("spam-header", spam)]


def test_title_with_site_suffix_is_not_a_spam_header(clean):
    (doc,) = clean(f"英伟达市值破万亿美元_新浪科技_新浪网\n{BODY}", STRUCTURE)
    assert doc.metadata["title"] == "英伟达市值破万亿美元_新浪科技_新浪网"
    assert doc.text == BODY


def test_breadcrumb_lines_are_removed(clean, removed_spans):
    for crumb in ["熱門資訊> 正文", "首页 > 科技 > 正文", "当前位置：首页 > 国际", "国际频道 > 正文"]:
        (doc,) = clean(f"{crumb}\n{BODY}", STRUCTURE)
        assert doc.text == BODY
        assert removed_spans(doc)[0][1] == crumb


def test_comparison_with_greater_than_sign_is_not_a_breadcrumb(clean):
    (doc,) = clean(f"{BODY}\nA100 > H20", STRUCTURE)
    assert doc.text.endswith("A100 > H20")


def test_markdown_header_becomes_metadata(clean):
    (doc,) = clean(seed_text("000"), STRUCTURE)
    assert doc.metadata["title"] == "英伟达芯片一片难求，国产替代趁势崛起"
    assert doc.metadata["site"] == "市界"
    assert doc.metadata["url"] == "https://www.aicaijing.com.cn/article/18786"
    assert doc.created == "2023-10-20T05:06:00"
    assert doc.text.startswith("在这个持续降温的10月，A股半导体板块久违地回暖了。")


def test_credits_leave_the_body_and_the_writer_becomes_the_author(clean, removed_spans):
    (doc,) = clean(seed_text("000"), STRUCTURE)
    assert doc.metadata["author"] == "董温淑"
    assert doc.text.endswith("在市场需求的强驱动下，国内AI芯片企业们又迎来了难得的结构性机遇。")
    credits = [text for rule, text in removed_spans(doc) if rule == "credit-line"]
    assert credits == ["作者 | 董温淑", "编辑 | 孙春芳", "运营 | 刘 珊"]


@pytest.mark.parametrize(("row", "rule"), [
    ("来源 | 华商报　编辑 | 高峰", "credit-row"),
    ("◆ 编辑 邓楠 ◆ 复核 韩磊", "credit-row"),
    ("本期编辑 赵晴 审核 周子健", "credit-row"),
    ("（本文作者：谢天）", "credit-this-piece"),
])
def test_a_row_of_roles_and_names_between_paragraphs_is_a_credit(clean, removed_spans, row,
                                                                 rule):
    second = "据介绍，新开通的线路主要覆盖新建居住区、产业园区和学校周边，方便市民日常出行。"
    (doc,) = clean(f"{BODY}\n{row}\n{second}", STRUCTURE)
    assert doc.text == f"{BODY}\n{second}"
    assert removed_spans(doc) == [(rule, row)]


@pytest.mark.parametrize("row", ["¥4931.00 去购买 >", "券后价 3323 元 立即领取"])
def test_a_shops_row_between_paragraphs_is_an_advertisement(clean, removed_spans, row):
    second = "据介绍，新开通的线路主要覆盖新建居住区、产业园区和学校周边，方便市民日常出行。"
    (doc,) = clean(f"{BODY}\n{row}\n{second}", STRUCTURE)
    assert removed_spans(doc) == [("shopping-row", row)]


def test_a_sentence_naming_a_price_stays(clean, removed_spans):
    line = "新机售价4999元，即日起可在官方商城立即购买。"
    (doc,) = clean(f"{BODY}\n{line}", ["drop_boilerplate"])
    assert removed_spans(doc) == []


def test_one_role_word_before_a_word_is_no_credit_row(clean, removed_spans):
    # A row holds two roles or more: 摄影 with a word after it may open a heading.
    line = "摄影 爱好者"
    (doc,) = clean(f"{BODY}\n{line}\n{BODY}", ["drop_boilerplate"])
    assert removed_spans(doc) == []


def test_plain_text_title_and_date_lines_become_metadata(clean):
    (doc,) = clean("潮州\n2025-06-16 10:11\n" + BODY, STRUCTURE)
    assert doc.metadata["title"] == "潮州"
    assert doc.created == "2025-06-16T10:11:00"
    assert doc.text == BODY


def test_first_body_paragraph_is_not_taken_for_a_title(clean):
    (doc,) = clean(seed_text("003"), STRUCTURE)
    assert [e.rule for e in doc.edits if e.rule.startswith("header-title")] == [
        "header-title-from-lead"]
    assert doc.created == "2025-07-19T11:04:00"
    assert doc.text.startswith("「我們可能無法全部恢復先前的庫存減計損失")


def test_disclaimer_navigation_and_more_content_lines_are_removed(clean, removed_spans):
    text = (f"{BODY}\n免責聲明:本文觀點僅代表作者本人,供參考、交流,不構成任何建議。\n熱新聞\n"
            "更多精彩内容，关注钛媒体微信号（ID：taimeiti），或者下载钛媒体App")
    (doc,) = clean(text, STRUCTURE)
    assert doc.text == BODY
    assert [rule for rule, _ in removed_spans(doc)] == ["disclaimer", "navigation-word",
                                                        "more-content"]


def test_seed_004_is_split_into_three_articles_at_its_source_lines(clean):
    docs = clean(seed_text("004"), STRUCTURE)
    assert [d.provenance.part for d in docs] == [0, 1, 2]
    assert [d.metadata.get("site") for d in docs] == ["创业邦", "金融界", None]
    assert docs[0].text.startswith("一边是国产AI芯片独角兽燧原科技")
    assert docs[1].text.startswith("作为英伟达为绕开美国出口操控而规划的退让产品")
    assert docs[2].text.startswith("4月17日,英伟达创始人兼CEO黄仁勋再次现身我国")
    assert docs[2].metadata["author"] == "青枫"


def test_source_line_followed_only_by_teasers_splits_nothing(clean):
    text = f"{BODY}\n本文源自：创业邦\n11月18日，艺人甄子丹在微博晒出一张与李连杰的合影，全部皆是..."
    (doc,) = clean(text, STRUCTURE)
    assert doc.text == BODY
    assert doc.metadata["site"] == "创业邦"


def test_teasers_of_other_stories_are_trimmed_at_both_edges(clean, removed_spans):
    docs = clean(seed_text("004"), STRUCTURE)
    teasers = [text[:8] for d in docs for rule, text in removed_spans(d, "trim_teasers")]
    assert teasers == ["现在一场规模广、", "📚“庆历四年春,", "北京时间4月16", "11月18日,艺",
                       "近来,闻名功夫影", "文 | 主意科技"]


def test_ellipsis_inside_the_body_stays(clean):
    (doc,) = clean(seed_text("000"), STRUCTURE)
    assert "股价上涨达10%……" in doc.text


def test_short_last_paragraph_that_belongs_to_the_article_stays(clean):
    docs = clean(seed_text("004"), STRUCTURE)
    assert docs[2].paragraphs[-1].text == "留给它的窗口期,已所剩无几。"
    (doc,) = clean(seed_text("002"), STRUCTURE)
    assert doc.paragraphs[-1].text == "（文中张静、李晨、张思远为化名。）"


def test_trailing_line_ending_in_ellipsis_about_the_article_stays(clean):
    last = "黄仁勋表示，国产芯片正在追赶，英伟达不会放弃中国市场……"
    (doc,) = clean(f"{BODY}\n英伟达黄仁勋表示，中国市场依然重要，国产芯片追赶很快。\n{last}",
                   STRUCTURE)
    assert doc.paragraphs[-1].text == last


def test_related_reading_heading_and_its_list_are_cut(clean, removed_spans):
    text = f"{BODY}\n相关阅读：\n英伟达发布新一代芯片\n寒武纪一季度营收增长42倍\n华为昇腾910B量产在即"
    (doc,) = clean(text, ["drop_related_lists", *STRUCTURE])
    assert doc.text == BODY
    assert [rule for rule, _ in removed_spans(doc)] == ["related-heading"] + ["related-list"] * 3


def test_a_heading_of_any_wording_over_other_stories_headlines_is_cut(clean, removed_spans):
    # 本周热门 is in no list of headings: what says the lines under it are other stories is
    # that they are headlines, to the end of the article, sharing nothing with its text.
    text = (f"{BODY}\n本周热门\n69、“十四五”期间我国物流市场规模持续保持世界第一\n"
            "• 李强与经济界政协委员共商国是\n全国水利工程供水能力超过8900亿立方米（01-10）")
    (doc,) = clean(text, ["drop_related_lists"])
    assert doc.text == BODY
    assert [rule for rule, _ in removed_spans(doc)] == ["unrelated-heading"] + ["related-list"] * 3
    assert doc.edits[0].why == ("a heading over 3 headlines to the end of the article, 3% of "
                                "their character pairs found in the text above: other stories")


def test_other_stories_headlines_are_cut_though_one_shares_the_storys_words(clean,
                                                                              removed_spans):
    # A site lists other stories of what its story is about: one title shares its words, the
    # list as a whole does not.
    text = (f"{BODY}\n本周热门\n芯片股集体上涨 半导体板块回暖\n"
            "• 李强与经济界政协委员共商国是\n全国水利工程供水能力超过8900亿立方米（01-10）")
    (doc,) = clean(text, ["drop_related_lists"])
    assert doc.text == BODY
    assert "24% of their character pairs" in doc.edits[0].why


def test_two_headlines_under_a_heading_of_any_wording_each_share_little(clean):
    text = f"{BODY}\n本周热门\n芯片股集体上涨 半导体板块回暖\n• 李强与经济界政协委员共商国是"
    (doc,) = clean(text, ["drop_related_lists"])
    assert doc.text == text


def test_a_heading_of_unknown_wording_over_the_articles_own_list_stays(clean):
    # The lines under 国产芯片股 use the text's words: the article's own list, not teasers.
    text = f"{BODY}\n国产芯片股\n半导体板块芯片股集体上涨\n国产替代的风潮吹起A股"
    (doc,) = clean(text, ["drop_related_lists"])
    assert doc.text == text


def test_a_datasheet_under_a_short_heading_stays(clean):
    # Rows of a specification (cwt-cc-2021-43-095) are too short to be other stories' headlines.
    text = f"{BODY}\n外设接口\n2 x SPI / I²S\nLQFP48 7 x 7 mm\n1个比较器"
    (doc,) = clean(text, ["drop_related_lists"])
    assert doc.text == text


def test_related_heading_followed_by_article_text_cuts_nothing(clean):
    text = f"相关阅读\n{BODY}"
    (doc,) = clean(text, ["drop_related_lists"])
    assert doc.text == text


def test_breadcrumbs_in_their_common_forms_are_removed(clean):
    for crumb in ["首页 >> 新闻 >> 正文", "首页/科技/正文", "首页 - 财经 - 正文", "您的位置：首页 > 财经"]:
        (doc,) = clean(f"{crumb}\n{BODY}", STRUCTURE)
        assert doc.text == BODY, crumb


def test_spam_header_of_gambling_brands_is_removed(clean, removed_spans):
    spam = "华体会官网_雷竞技在线_欧宝体育下载_开云体育app"
    (doc,) = clean(f"{spam}\n{BODY}", STRUCTURE)
    assert removed_spans(doc) == [("spam-header", spam)]


def test_junk_in_forms_the_seeds_do_not_use_is_removed(clean, removed_spans):
    text = "\n".join([
        "您现在的位置：新闻中心 >> 国内新闻 >> 正文",
        "发布时间：2024年03月02日 10:30  来源：新华网",
        BODY,
        "（完）",
        "【版权声明】本网站所刊载信息，不代表本站观点。如转载请注明出处。",
        "热门评论",
        "点击加载更多",
    ])
    (doc,) = clean(text, STRUCTURE)
    assert doc.text == BODY
    assert doc.created == "2024-03-02T10:30:00"
    assert doc.metadata["site"] == "新华网"


def test_byline_share_row_and_previous_next_links_are_removed(clean):
    text = "\n".join([
        "网站首页 > 新闻中心 > 社会新闻",
        "多地发布高温预警",
        "来源：澎湃新闻  作者：王强  2024-02-03 09:12:33",
        "分享到：微信 微博 QQ空间",
        BODY,
        "（本文来自澎湃新闻，更多原创资讯请下载“澎湃新闻”APP）",
        "声明：本文仅代表作者观点，不代表本站立场。",
        "本文为转载，如有侵权请联系删除。",
        "联系电话：010-12345678",
        "上一篇：多地发布高温预警",
        "扫描二维码 关注我们",
    ])
    (doc,) = clean(text, STRUCTURE)
    assert doc.text == BODY
    assert (doc.metadata["title"], doc.metadata["site"], doc.metadata["author"]) == (
        "多地发布高温预警", "澎湃新闻", "王强")
    assert doc.created == "2024-02-03T09:12:33"


def test_traditional_spam_header_is_recognised_through_conversion(clean, removed_spans):
    spam = "最新電影在線觀看|免費高清視頻|日韓無碼|成人影院|午夜福利"
    (doc,) = clean(f"{spam}\n{BODY}", STRUCTURE)
    assert removed_spans(doc) == [("spam-header", spam)]


FURNITURE = ["drop_related_lists", *STRUCTURE]


@pytest.mark.parametrize("spam", [
    "乐鱼体育,开云体育,九游会,澳门新葡京,皇冠体育官网",
    "久久精品 国产视频 在线观看 免费高清 无码专区",
    "成人視頻、免費在線觀看、高清無碼、午夜影院、最新電影",
])
def test_spam_header_joined_by_commas_or_spaces_is_removed(clean, removed_spans, spam):
    (doc,) = clean(f"{spam}\n英伟达市值破万亿美元\n{BODY}", STRUCTURE)
    assert removed_spans(doc) == [("spam-header", spam)]
    assert doc.metadata["title"] == "英伟达市值破万亿美元"
    assert doc.text == BODY


@pytest.mark.parametrize("title", ["国产大飞机、国产航母、国产芯片、国产操作系统",
                                   "国产大飞机、国产航母、国产芯片、国产操作系统、国产手机"])
def test_title_listing_one_spam_word_in_several_parts_is_not_a_spam_header(clean, title):
    (doc,) = clean(f"{title}\n{BODY}", STRUCTURE)
    assert doc.metadata["title"] == title


@pytest.mark.parametrize("spam", [
    "免费电影_最新电影_电影下载_在线观看_高清电影_BT下载",
    "小米汽车_小米SU7_小米汽车价格_小米汽车图片",
    "免费电影,最新电影,电影下载,在线观看,高清电影,BT下载",
])
def test_variations_of_one_keyword_stuffed_into_a_header_are_spam_whatever_the_words(
        clean, removed_spans, spam):
    (doc,) = clean(f"{spam}\n英伟达市值破万亿美元\n{BODY}", STRUCTURE)
    assert removed_spans(doc) == [("spam-header", spam)]
    assert doc.metadata["title"] == "英伟达市值破万亿美元"


def test_title_with_its_site_and_channel_is_not_keyword_stuffing(clean):
    (doc,) = clean(f"英伟达芯片一片难求_新浪财经_新浪网\n{BODY}", STRUCTURE)
    assert doc.metadata["title"] == "英伟达芯片一片难求_新浪财经_新浪网"


@pytest.mark.parametrize(("line", "rule"), [
    ("（责编：赵欣悦、岳弘彬）", "credit-bracketed"),
    ("【责任编辑：王卓伦】", "credit-bracketed"),
    ("(来源：第一财经 编辑：周斌)", "credit-bracketed"),
    ("编辑：张敏 审核：刘强", "credit-line"),
    ("（原標題：年宵市場人潮湧動 花商盼生意回暖）", "original-title"),
    ("转载请注明出处", "reprint-notice"),
    ("本文系本站原创，未经授权不得转载", "reprint-notice"),
    ("新浪体育声明：新浪网登载此文出于传递更多信息之目的，并不意味着赞同其观点。",
     "disclaimer-views-of-author"),
    ("主办单位：某某市人民政府办公室  版权所有 © 2024", "copyright-footer"),
    ("打印本页 关闭窗口", "navigation-word"),
    ("【纠错】", "navigation-word"),
    ("[查看原文]", "navigation-word"),
    ("关注我们", "navigation-word"),
    ("点赞(0) 收藏", "navigation-word"),
    ("网友评论（0）", "navigation-word"),
    ("【广告】", "navigation-word"),
    ("> 我来回应", "navigation-word"),
    ("更多回答", "navigation-word"),
    ("历史领域创作者", "answerer-badge"),
    ("房產話題下的優秀答主", "answerer-badge"),
    ("码农小周 · 回答了问题", "answerer-action"),
    ("▲图源：第一财经", "image-credit"),
    ("（本文完）", "navigation-word"),
    ("- THE END -", "navigation-word"),
    ("（转自长江日报）", "source-bracketed"),
    ("（極目新聞）", "source-bracketed"),
    ("消息来源：新民晚报", "source-line-short"),
    ("已有0人参与", "participant-count"),
    ("字号：大 中 小", "font-size"),
    ("阅读量：1234", "view-count"),
    ("阅读下一篇：", "previous-next"),
    ("微信扫一扫分享", "scan-to-share"),
    ("扫一扫在手机打开当前页", "scan-to-share"),
    ("点击进入专题：2024全国两会", "topic-link"),
])
def test_portal_furniture_after_the_article_is_removed(clean, removed_spans, line, rule):
    (doc,) = clean(f"{BODY}\n{line}", STRUCTURE)
    assert doc.text == BODY
    assert removed_spans(doc) == [(rule, line)]


@pytest.mark.parametrize("line", ["（上）", "（图文无关）", "（记者手记）"])
def test_a_note_in_brackets_that_names_no_source_stays(clean, removed_spans, line):
    (doc,) = clean(f"{BODY}\n{line}", STRUCTURE)
    assert doc.text == f"{BODY}\n{line}"


@pytest.mark.parametrize("crumb", ["您所在的位置：网站首页 > 政务公开 > 工作动态",
                                   "您当前的位置：首页 > 新闻", "位置：首页>>资讯>>"])
def test_every_form_of_you_are_here_is_a_breadcrumb(clean, removed_spans, crumb):
    (doc,) = clean(f"{crumb}\n{BODY}", STRUCTURE)
    assert doc.text == BODY
    assert removed_spans(doc) == [("breadcrumb-location-prefix", crumb)]


def test_breadcrumb_whose_channel_names_hold_a_space_is_removed(clean, removed_spans):
    (doc,) = clean(f"News 首頁 > 國際 > 正文\n{BODY}", STRUCTURE)
    assert doc.text == BODY
    assert removed_spans(doc) == [("breadcrumb-path", "News 首頁 > 國際 > 正文")]


@pytest.mark.parametrize(("line", "rule", "created", "site"), [
    ("2024年03月15日 08:30 中国新闻网", "header-created", "2024-03-15T08:30:00", "中国新闻网"),
    ("2024-08-30 星期五 来源：第一财经", "header-created", "2024-08-30", "第一财经"),
    ("2024-02-10 發佈", "header-created", "2024-02-10", None),
    ("发布时间：2024-06-12 09:30  信息来源：市政府办公室  阅读量：1234", "header-byline",
     "2024-06-12T09:30:00", "市政府办公室"),
    ("发布日期：2024/01/09  浏览次数：876", "header-byline", "2024-01-09", None),
])
def test_dateline_with_weekday_unlabelled_site_or_views_becomes_metadata(clean, line, rule,
                                                                          created, site):
    (doc,) = clean(f"多地发布高温预警\n{line}\n{BODY}", STRUCTURE)
    assert doc.text == BODY
    assert (doc.created, doc.metadata.get("site")) == (created, site)
    assert [(e.rule, e.text) for e in doc.edits] == [("header-title", "多地发布高温预警"),
                                                     (rule, line)]


@pytest.mark.parametrize("byline", ["来源：光明日报 作者：记者 王芳 发布时间：2024-04-01 09:00:00",
                                    "作者：本报记者 王芳  来源：光明日报  2024-04-01 09:00"])
def test_byline_writer_written_as_reporter_gives_the_author(clean, byline):
    (doc,) = clean(f"多地发布高温预警\n{byline}\n{BODY}", STRUCTURE)
    assert doc.text == BODY
    assert (doc.metadata["site"], doc.metadata["author"], doc.created) == (
        "光明日报", "王芳", "2024-04-01T09:00:00")


def test_one_character_title_over_a_byline_marked_original_is_header(clean):
    (doc,) = clean(f"角\n原创 2024-05-06 10:00 作者：小编\n{BODY}", STRUCTURE)
    assert doc.text == BODY
    assert (doc.metadata["title"], doc.metadata["author"], doc.created) == (
        "角", "小编", "2024-05-06T10:00:00")


@pytest.mark.parametrize("heading", ["大家都在看", "热点推荐", "猜你感兴趣", "推荐文章"])
def test_trending_headings_are_cut_with_their_list(clean, removed_spans, heading):
    text = (f"{BODY}\n{heading}\n央行宣布下调存款准备金率0.5个百分点，释放长期流动性约\n"
            "国家统计局：前两月经济运行起步平稳")
    (doc,) = clean(text, FURNITURE)
    assert doc.text == BODY
    assert [rule for rule, _ in removed_spans(doc)] == ["related-heading"] + ["related-list"] * 2


def test_trailing_teaser_ending_in_a_link_is_trimmed(clean, removed_spans):
    teaser = "A股三大指数集体收涨 创业板指涨超2% >>"
    (doc,) = clean(f"{BODY}\n{teaser}", STRUCTURE)
    assert doc.text == BODY
    assert removed_spans(doc) == [("teaser-trailing", teaser)]


def test_last_paragraph_cut_short_under_prose_of_its_subject_is_no_teaser(clean, removed_spans,
                                                                           shared_data):
    # A poem page's commentary (magic-html gold, read at run time) stops at "行文...": the
    # page cut its own text. It shares the subject's words (四句, 句话, 意像, 情感) with the
    # paragraph above it; a snippet of another story shares none, or hangs under its headline.
    with (shared_data / "web-extraction-gold-magichtml.jsonl").open(encoding="utf-8") as handle:
        (gold,) = [row["text"] for row in map(json.loads, handle)
                   if row["id"] == "magic-html-article-9f4c1adb9f61d954"]
    above, last = gold.splitlines()[-2:]
    assert last.endswith("行文...")
    (doc,) = clean(f"{above}\n{last}", STRUCTURE, markdown=False)
    assert [p.text for p in doc.paragraphs] == [above, last]
    assert removed_spans(doc) == []


def test_snippet_cut_off_under_a_body_paragraph_of_another_subject_is_trimmed(clean,
                                                                              removed_spans):
    snippet = "国家统计局今天发布数据，前两个月规模以上工业增加值同比增长，消费市场稳中有升..."
    (doc,) = clean(f"{BODY}\n{snippet}", STRUCTURE)
    assert doc.text == BODY
    assert removed_spans(doc) == [("teaser-trailing", snippet)]


def test_a_snippet_listed_among_other_stories_headlines_is_trimmed_and_they_are_left(
        clean, removed_spans):
    # Under an article, a page lists snippets and headlines of other stories together; the
    # headlines, items of a list, are the furniture steps' to judge.
    snippet = "央视网消息（新闻联播）：全国人大常委会委员长20日在北京会见越南国会副主席。...【详情】"
    headlines = ["· 各地加快推进住宅老旧电梯更新改造", "· 习近平会见巴巴多斯总理"]
    (doc,) = clean("\n".join([BODY, headlines[0], snippet, headlines[1]]), STRUCTURE)
    assert removed_spans(doc) == [("teaser-trailing", snippet)]
    assert doc.text == "\n".join([BODY, *headlines])


def test_a_snippet_of_the_page_above_its_credit_line_is_not_looked_for(clean, removed_spans):
    # A credit is no item of a list of other stories: a page that is a list of snippets and
    # closes with its reporters keeps them, for the page classifier to judge.
    snippet = "国家统计局今天发布数据，前两个月规模以上工业增加值同比增长，消费市场稳中有升…［　详细　］"
    (doc,) = clean("\n".join([BODY, snippet, "记者 秦岚 通讯员 袁野"]), STRUCTURE)
    assert [rule for rule, _ in removed_spans(doc)] == []


@pytest.mark.parametrize("label", ["【详情】", "[阅读]", "（原文）"])
def test_snippets_cut_off_before_a_link_label_of_any_wording_are_trimmed(clean, removed_spans,
                                                                         label):
    snippets = [f"国务院常务会议部署稳就业工作，要求各地加大政策支持力度，推动...{label}",
                f"国家统计局今天发布数据，前两个月规模以上工业增加值同比增长...{label}"]
    (doc,) = clean("\n".join([BODY, *snippets]), STRUCTURE)
    assert doc.text == BODY
    assert removed_spans(doc) == [("teaser-trailing", snippets[1]),
                                  ("teaser-trailing", snippets[0])]


def test_bracketed_words_after_a_body_sentence_are_no_teaser(clean):
    last = "目前，全国秋粮已收获7.37亿亩，进度同比快3个百分点。【新华社】"
    (doc,) = clean(f"{BODY}\n{last}", STRUCTURE)
    assert doc.text.endswith(last)


@pytest.mark.parametrize("line", [
    "编辑部的同志们说，这条线索的来源是一位读者的来信。",
    "这部作品的版权所有人是出版社，阅读量已超过10万。",
    "市民用手机扫一扫，就能查到附近的充电桩。",
    "（记者：张三）",
    "（记者 张三 通讯员 李四）",
])
def test_body_lines_that_mention_credits_sources_or_views_stay(clean, line):
    (doc,) = clean(f"{BODY}\n{line}", FURNITURE)
    assert doc.text == f"{BODY}\n{line}"


def test_last_paragraph_closing_with_the_reporters_byline_stays(clean):
    last = "目前，全国秋粮已收获7.37亿亩，进度同比快3个百分点。（记者 张三）"
    (doc,) = clean(f"{BODY}\n{last}\n（责编：赵欣悦、岳弘彬）", FURNITURE)
    assert doc.text == f"{BODY}\n{last}"


def test_whole_story_that_trails_off_with_an_ellipsis_is_no_teaser(clean):
    story = BODY * 5 + "当梦想照进现实的时候，也许，该给自己再找一个梦想了……"
    (doc,) = clean(story, STRUCTURE)
    assert doc.text == story


# Furniture of real pages (the lines around the main text of web-extraction-gold-cwced, MIT).
@pytest.mark.parametrize(("line", "rule"), [
    ("页面功能 【我来说两句】【我要“揪”错】【推荐】【字体：大 中 小】【打印】 【关闭】",
     "bracketed-tool-row"),
    ("[ 回复本贴 ] [ 跟从标题 ] [ 关闭本窗口 ] [ 刷新 ]", "bracketed-tool-row"),
    ("第1页/共1页 << 上一页 | 下一页 >>", "pagination"),
    ("< 第一页 |上一页| 1 | 下一页 | 最末页>", "pagination"),
    ("发表于 2004年12月27日 12:40 - (阅读:3727;评论:63)", "post-info"),
    ("影像艺术|艺术教育|艺术机构|电子商务|网友俱乐部", "menu-row"),
    ("（ 责任编辑：魏喆 ）", "credit-bracketed"),
    ("CopyRight@2004-2008 All rights reserved", "copyright-notice"),
    ("Produced By 大汉网络 大汉版通发布系统", "site-builder-credit"),
    ("发送给朋友", "navigation-word"),
    ("我要说说 打印 推荐", "navigation-word"),
    ("返回页首 | 关闭窗口", "navigation-word"),
])
def test_page_tool_rows_of_real_pages_are_removed(clean, removed_spans, line, rule):
    (doc,) = clean(f"{BODY}\n{line}", FURNITURE)
    assert doc.text == BODY
    assert removed_spans(doc) == [(rule, line)]


@pytest.mark.parametrize("line", [
    "·富夫妻望子成龙假离婚 三月后丈夫另娶妻子傻眼（2005-04-03 17:19PM）",
    "洛克菲勒“钟情”第一百货 根在房产价值(12/19 11:29)",
    "第六届中国经济学年会胜利闭幕(2006-12-19)[836]",
])
def test_trailing_title_of_another_story_with_its_date_is_trimmed(clean, removed_spans, line):
    (doc,) = clean(f"{BODY}\n{line}", FURNITURE)
    assert doc.text == BODY
    assert removed_spans(doc) == [("teaser-trailing", line)]


@pytest.mark.parametrize("line", [
    "[10]",
    "1 2 4 10",
    "[报价查询] 数码相机产品报价 Canon（佳能）产品报价",
    "最终比分(3-1)",
    "该论文发表于2005年《自然》杂志，引起广泛关注。",
    "会议地点：北京 | 上海",
])
def test_body_lines_with_brackets_numbers_or_bars_stay(clean, line):
    (doc,) = clean(f"{BODY}\n{line}\n{BODY}", FURNITURE)
    assert doc.text == f"{BODY}\n{line}\n{BODY}"


def test_menu_between_title_and_body_is_cut_as_a_run(clean, removed_spans):
    menu = ["军事", "过足瘾", "扬子鉴藏", "新面孔", "少年志"]
    text = "\n".join(["国务院部门共采纳两会代表委员意见建议4900余条", *menu, BODY])
    (doc,) = clean(text, FURNITURE)
    assert doc.metadata["title"] == "国务院部门共采纳两会代表委员意见建议4900余条"
    assert doc.text == BODY
    assert removed_spans(doc) == [("menu-run", label) for label in menu]


def test_trailing_titles_of_other_stories_without_a_heading_are_cut(clean, removed_spans):
    titles = ["著名戏曲导演沈斌去世 享年74岁", "印尼苏门答腊岛一客船倾覆 致6人死亡",
              "2月14日冬奥看点 谷爱凌再度出战"]
    (doc,) = clean("\n".join([BODY, *titles]), FURNITURE)
    assert doc.text == BODY
    assert removed_spans(doc) == [("title-run", t) for t in titles]


def test_trailing_titles_under_a_menu_label_go_with_it_as_a_list(clean, removed_spans):
    titles = ["著名戏曲导演沈斌去世 享年74岁", "印尼苏门答腊岛一客船倾覆 致6人死亡",
              "2月14日冬奥看点 谷爱凌再度出战"]
    (doc,) = clean("\n".join([BODY, "| 最新", *titles]), FURNITURE)
    assert doc.text == BODY
    assert removed_spans(doc) == [("unrelated-heading", "| 最新")] + [
        ("related-list", t) for t in titles]


def test_separator_line_after_the_body_is_cut(clean, removed_spans):
    (doc,) = clean(f"{BODY}\n------------------------------", FURNITURE)
    assert doc.text == BODY
    assert removed_spans(doc) == [("mark-line", "------------------------------")]


def test_short_lines_of_the_articles_own_list_stay(clean):
    # The items use the body's words, as a list that belongs to the article does.
    body = ("明白神的旨意，要看圣经的原理，也要看环境的带领，听肢体的劝告，省察行动的动机。"
            "心中的负担和自己的能力，都要放在神面前。")
    items = ["圣经的原理", "环境的带领", "肢体的劝告", "行动的动机"]
    (doc,) = clean("\n".join([body, *items]), FURNITURE)
    assert doc.text == "\n".join([body, *items])


def test_enumerated_items_and_table_heads_after_the_body_stay(clean):
    rows = ["学科、专业名称（代码）", "研究方向", "考试科目", "备注", "1、英语或俄语或日语",
            "2、中外电影史", "3、电影美学"]
    (doc,) = clean("\n".join([BODY, *rows]), FURNITURE)
    assert doc.text == "\n".join([BODY, *rows])


@pytest.mark.parametrize(("line", "created", "site"), [
    ("http://www.example.net 2005年03月21日 11:21 《理财周刊》", "2005-03-21T11:21:00", "《理财周刊》"),
    ("AUTO.EXAMPLE.COM 2003年11月12日16:36 金羊网", "2003-11-12T16:36:00", "金羊网"),
    ("2022年02月13日07:48 | 来源：新华日报", "2022-02-13T07:48:00", "新华日报"),
])
def test_portal_datelines_with_a_domain_or_a_bar_become_metadata(clean, line, created, site):
    (doc,) = clean(f"江苏多地要求中高风险地区师生员工暂不返校\n{line}\n{BODY}", FURNITURE)
    assert (doc.created, doc.metadata["site"], doc.text) == (created, site, BODY)


def test_second_date_line_in_the_header_is_metadata_too(clean):
    (doc,) = clean(f"潮州\n2025-06-16 10:11\n2025-06-17 08:00 更新\n{BODY}", FURNITURE)
    assert doc.created == "2025-06-16T10:11:00"
    assert doc.text == BODY


@pytest.mark.parametrize("line", [
    "本报记者 王燕平 方云凤 柏建斌",
    "新华网黑龙江频道 记者 伊琳 李清芬",
    "本报记者罗科苏盈发自北京",
])
def test_reporter_byline_standing_as_a_line_is_removed(clean, removed_spans, line):
    (doc,) = clean(f"{line}\n{BODY}", FURNITURE)
    assert doc.text == BODY
    assert removed_spans(doc) == [("reporter-byline", line)]


@pytest.mark.parametrize("line", ["记者手记", "记者了解到，今年以来全市新增充电桩1.2万个。",
                                  "本报记者王芳在现场看到，工人们正在紧张施工。"])
def test_lines_that_start_with_the_reporter_but_are_text_stay(clean, line):
    (doc,) = clean(f"{BODY}\n{line}\n{BODY}", FURNITURE)
    assert doc.text == f"{BODY}\n{line}\n{BODY}"


def test_closing_reporter_line_without_the_outlet_stays(clean):
    (doc,) = clean(f"{BODY}\n记者 刘涛", FURNITURE)
    assert doc.text == f"{BODY}\n记者 刘涛"


def test_breadcrumb_tail_left_on_its_own_line_does_not_stand_in_for_the_title(
        clean, removed_spans):
    text = f"经济运行稳中向好\n正文\n来源：太原晚报 2021-11-25 16:26:07\n{BODY}"
    (doc,) = clean(text, FURNITURE)
    assert removed_spans(doc) == [("navigation-word", "正文")]
    assert doc.metadata["title"] == "经济运行稳中向好"
    assert doc.metadata["site"] == "太原晚报"
    assert doc.text == BODY


@pytest.mark.parametrize(("line", "rule"), [
    ("声明：本文由入驻搜狐号的作者撰写，除搜狐官方账号外，观点仅代表作者本人，不代表搜狐立场。",
     "statement"),
    ("（本文不构成投资建议）", "not-advice"),
    ("本文系转载，版权归原作者所有。", "reprint-notice"),
    ("来源：证券时报网 作者：王某", "source-line-short"),
    ("原文链接：https://www.example.com/a/123", "original-link"),
    ("点击“阅读原文”查看更多", "read-original"),
    ("喜欢这篇文章？点个“在看”吧", "wechat-like"),
    ("图片来源：视觉中国", "image-credit"),
    ("举报/反馈", "navigation-word"),
])
def test_reposting_platform_notices_after_the_article_are_removed(clean, removed_spans, line,
                                                                   rule):
    (doc,) = clean(f"{BODY}\n{line}", FURNITURE)
    assert doc.text == BODY
    assert removed_spans(doc) == [(rule, line)]


@pytest.mark.parametrize("line", [
    "外交部发言人表示，上述言论不代表中国政府的立场。",
    "让我们为他们点个赞！",
    "这部剧真好看，大家都在看。",
    "公司声明称，将依法维护自身权益。",
])
def test_body_lines_that_mention_statements_or_likes_stay(clean, line):
    (doc,) = clean(f"{BODY}\n{line}", FURNITURE)
    assert doc.text == f"{BODY}\n{line}"


@pytest.mark.parametrize(("line", "rule"), [
    ("【字体：大 中 小】", "font-size"),
    ("A+ A-", "font-size"),
    ("收藏本文", "navigation-word"),
    ("语音播报", "navigation-word"),
    ("0条评论", "comment-count"),
    ("打开APP，阅读全文", "open-in-app"),
    ("APP内打开", "open-in-app"),
    ("原创 张三 某某财经 2024-03-02 08:00 发表于北京", "wechat-byline"),
    ("以下文章来源于某某财经，作者张三", "reposted-from-account"),
    ("点击上方蓝字关注我们", "wechat-blue-words"),
])
@pytest.mark.parametrize("where", ["over the body", "under the body"])
def test_reading_tools_and_wechat_prompts_are_removed_at_either_edge(clean, removed_spans, line,
                                                                     rule, where):
    text = f"英伟达芯片一片难求\n{line}\n{BODY}" if where == "over the body" else f"{BODY}\n{line}"
    (doc,) = clean(text, FURNITURE)
    assert doc.text == BODY
    assert (rule, line) in removed_spans(doc)


@pytest.mark.parametrize("line", [
    "用户可以打开APP查看账单明细。",
    "截至发稿，该话题已有3000条评论。",
    "原创内容的保护需要平台和作者共同努力。",
])
def test_body_lines_about_apps_comments_and_originality_stay(clean, line):
    (doc,) = clean(f"{BODY}\n{line}", FURNITURE)
    assert doc.text == f"{BODY}\n{line}"


@pytest.mark.parametrize(("line", "rule"), [
    ("国务院常务会议部署稳就业工作，要求各地加大政策支持力度…[查看全文]", "teaser-trailing"),
    ("国务院常务会议部署稳就业工作【阅读全文】", "teaser-trailing"),
    ("相关新闻：国务院常务会议部署稳就业工作", "related-link"),
    ("推荐：国务院常务会议部署稳就业工作", "related-link"),
])
def test_links_to_other_stories_under_the_article_are_removed(clean, removed_spans, line, rule):
    (doc,) = clean(f"{BODY}\n{line}", FURNITURE)
    assert doc.text == BODY
    assert removed_spans(doc) == [(rule, line)]


def test_a_title_announcing_the_full_text_stays_the_title(clean):
    (doc,) = clean(f"2024年政府工作报告（全文）\n{BODY}", FURNITURE)
    assert doc.metadata["title"] == "2024年政府工作报告（全文）"


@pytest.mark.parametrize("row", ["阅读(5754) | 评论(43) | 收藏", "收藏(128)　打赏　分享",
                                 "点赞 128　　转发 36　　评论 12", "主办单位：某区教育局　　网站标识码：3201000012"])
def test_a_row_of_buttons_counters_or_footer_fields_after_the_body_is_cut(clean, removed_spans,
                                                                          row):
    (doc,) = clean(f"{BODY}\n{row}", FURNITURE)
    assert doc.text == BODY
    assert removed_spans(doc) == [("edge-row", row)]


def test_a_row_of_counters_set_off_by_single_spaces_after_the_body_is_cut(clean, removed_spans):
    (doc,) = clean(f"{BODY}\n阅读量2128 收藏 5 点赞数 70", FURNITURE)
    assert doc.text == BODY
    assert removed_spans(doc) == [("edge-row", "阅读量2128 收藏 5 点赞数 70")]


def test_a_headline_joining_two_clauses_with_a_space_after_the_body_is_no_row(clean):
    line = "半导体板块久违回暖 芯片股集体上涨"
    (doc,) = clean(f"{BODY}\n{line}", FURNITURE)
    assert doc.text == f"{BODY}\n{line}"


def test_a_row_of_buttons_under_the_title_is_cut(clean, removed_spans):
    (doc,) = clean(f"半导体板块久违回暖\n关注问题　写回答\n{BODY}", FURNITURE)
    assert doc.text == BODY
    assert doc.metadata["title"] == "半导体板块久违回暖"
    assert removed_spans(doc) == [("edge-row", "关注问题　写回答")]


def test_a_forum_row_dated_without_the_year_under_the_title_is_header(clean):
    row = "作者：小马哥　时间：09-02 12:33　浏览：4408　回复：41"
    (doc,) = clean(f"半导体板块久违回暖\n{row}\n{BODY}", FURNITURE)
    assert doc.text == BODY
    assert doc.metadata["title"] == "半导体板块久违回暖"
    assert doc.created is None  # a day without its year gives no created time
    assert [(e.rule, e.action, e.text) for e in doc.edits] == [
        ("header-title", "metadata", "半导体板块久违回暖"), ("header-dated-row", "metadata", row)]


def test_a_label_row_under_a_body_line_above_the_text_stays(clean):
    text = "羽西精华液试用\n产品名称：\n规格及价格：30ml／300　元\n" + BODY
    (doc,) = clean(text, FURNITURE)
    assert "规格及价格：30ml／300　元" in doc.text


def test_a_row_of_the_bodys_own_words_after_it_stays(clean):
    text = f"{BODY}\nA股 | 半导体板块 | 芯片股"
    (doc,) = clean(text, FURNITURE)
    assert doc.text == text


def test_a_related_reading_heading_in_another_script_variant_is_cut_with_its_list(
        clean, removed_spans):
    text = f"{BODY}\n相關閲讀\n英偉達發佈新一代芯片\n寒武紀一季度營收增長42倍"
    (doc,) = clean(text, ["drop_related_lists"])
    assert doc.text == BODY
    assert [rule for rule, _ in removed_spans(doc)] == ["related-heading"] + ["related-list"] * 2
