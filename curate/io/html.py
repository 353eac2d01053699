"""Main text and metadata of a web page: trafilatura, helped where Chinese pages trip it up.

``extract_article`` parses the page once with lxml, then

0. rejoins paragraphs the parser split (``rejoin_split_paragraphs``): a table or a ``<div>``
   inside a ``<p>`` closes the paragraph, and the text after it, the rest of the paragraph,
   was left loose, where trafilatura dropped it;
1. unwraps layout tables (``unwrap_layout_tables``), so an article kept in a table cell of an
   old portal page comes out as paragraphs and not as one table row among menu rows;
2. runs trafilatura on the tree (``TRAFILATURA_SETTINGS``) and renders its output itself
   (``article_lines``): one line per paragraph, heading, list item, table row or ``<br>``,
   dropping lines and lists made mostly of link text (menus, related links, reply indexes);
   then drops the page's furniture by structure (``page_furniture``, ``without_furniture``):
   blocks in the page's navigation, side column, header or footer (not an article's own), the
   items of a list of teasers (like siblings that each hold a headline link, with a summary
   or with only a date or source beside it), the branch of another article (under a heading
   of the same shape as the one that names the page), rows of a repeated shape (a forum's
   rank and time above every reply) and short lines shown again; and gives back the lead
   paragraphs trafilatura left out just before the article (``with_lead``);
3. asks trafilatura again, with its second-opinion extractors and the page's comments, when
   the article it kept is short beside the page's prose (``SHORT_SHARE``): a WeChat page whose
   first paragraphs were all it kept, a review page whose text is its comments;
4. falls back to the densest run of prose on the page (``densest_run``) when trafilatura
   keeps nothing;
5. takes the author and date from the byline nearest the article start (``find_byline``,
   ``find_date``), else trafilatura's (which reads ``<meta>`` tags and guesses a date);
6. lists the page blocks the article left out (``left_out``), run by run with their text and
   the DOM path of the run's first block, so that what went can be traced.

The page is parsed once; trafilatura reads that tree, and the metadata is read from it once
(``page_metadata``), however many times trafilatura is asked.

The figures in the comments come from ``bench/html_extraction.py``: mean similarity to the
hand-extracted text of the 69 real pages in ``web-extraction-gold-cwced.jsonl`` (Levenshtein,
whitespace removed), each measured by changing that one choice in the finished extractor,
which scores 0.894. trafilatura with its default settings scores 0.758.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

import lxml.html
import regex
import trafilatura
from lxml import etree
from trafilatura import metadata
from trafilatura.settings import Document as TrafilaturaResult

# - include_comments=False: reader comments are not the article (True: 0.892);
# - fast=True: skips trafilatura's second-opinion extractors, better here and faster (False:
#   0.881, 31 instead of 25 ms a page);
# - not favor_precision (0.835: it kept nothing at all of 12 pages) nor favor_recall (0.860);
# - include_links=True: links tell menus from text (False: 0.884); their targets are dropped;
# - no extensive date search: htmldate's free-text search found fewer of the 56 gold dates
#   (42 against 43, with the byline search first), gave a date to 10 rather than 4 of the 13
#   pages without one, and loading dateparser's locales slowed the first pass (62 ms a page
#   instead of 24).
# - the metadata is read once, by ``page_metadata``, not by each call of trafilatura.
TRAFILATURA_SETTINGS = {
    "include_comments": False,
    "include_tables": True,
    "include_links": True,
    "fast": True,
}
DATE_SETTINGS = {"extensive_search": False, "original_date": True}
# When the article holds less than this share of the page's prose (blocks with running-prose
# marks, mostly not links), trafilatura is asked again with SECOND_OPINION. Measured on the
# tune half of the magic-html pages (gold characters recovered / output characters that are
# gold, bench/html_extraction.py): never asked 0.928 / 0.929; 0.3: 0.954 / 0.931; the cwced
# pages stay at 0.913 / 0.867.
SHORT_SHARE = 0.3
# A paragraph the extractor left out before the article is its lead (an academic page's
# abstract, which trafilatura took for the page's header) when it stands under the parent of
# the element holding most of the article's prose, before that element, with LEAD_CHARS
# characters or more, LEAD_MARKS prose marks or more, at most LEAD_LINK_SHARE link text, and
# is no furniture. The abstract of the academic cwced page comes back (170 characters of
# gold); the tune and measure halves of magic-html and cwced are unchanged otherwise.
LEAD_CHARS = 80
LEAD_LINK_SHARE = 0.1
LEAD_MARKS = 3
# The second opinion: trafilatura's fallback extractors (not fast), and the comments section,
# where review and forum pages keep their text (see NO_ARTICLE).
SECOND_OPINION = {**TRAFILATURA_SETTINGS, "fast": False, "include_comments": True}
# Under this many characters the article is a page's header (a review page's title, credits
# and rating) and the comments are the text; a blog post of 520 characters keeps its 63
# comments out (cwced, 0.93; with them, 0.08).
NO_ARTICLE = 200
# The second opinion is kept only when it holds this share of the first one's characters:
# longer and elsewhere on the page is another text (a cwced page went from 1.0 to 0.05 when
# it was kept whenever it was longer).
COVERED_SHARE = 0.5
# When the article trafilatura kept, asked twice, is mostly not prose (less than
# ARTICLE_PROSE of its characters in lines with a prose mark: a forum's tabs, counts and user
# names) and the densest run of the page's blocks (``densest_run``) holds DENSE_GAIN times its
# prose or more, the run is the article: a thread whose replies are its text (tune half of
# the magic-html pages 0.959 -> 0.971 recovered, 0.980 -> 0.978 precision; ARTICLE_PROSE from
# 0.3 to 0.7 and DENSE_GAIN 2 or 3 choose the same page; without the ARTICLE_PROSE test it took
# three cwced pages whose short article is right, precision 0.877 -> 0.823).
ARTICLE_PROSE = 0.5
DENSE_GAIN = 3
# A run of at most GAP_BLOCKS page blocks between the blocks of two consecutive lines of the
# article is article too, unless it is a menu (``LINK_SHARE``), furniture or a line taken out
# on purpose: trafilatura drops captions, a book's card, a credit line (tune half 0.971 ->
# 0.975 recovered, precision unchanged at 0.978; cwced 0.911 -> 0.917 at 0.878; one block:
# 0.973). The blocks under a heading are not taken: there the page shows the byline, date
# and source (with them, tune precision 0.977).
GAP_BLOCKS = 3
# A line or list more than half of whose text is link text is navigation. Keeping them all
# measured 0.863; 0.6: 0.886; 0.4: 0.894; 0.3: 0.896, gained on one forum page, while most
# other lines it drops are encyclopedia sentences dense with links.
LINK_SHARE = 0.5
# A table is laid out, not data, when a cell holds a block (paragraph, list, nested table), no
# row has two cells, or a cell holds this many characters (data cells hold short values).
LONG_CELL = 150
# Where trafilatura keeps nothing, the run of page blocks with the largest total worth is the
# article: a block is worth its characters, less LINK_PENALTY for each link character and
# BLOCK_COST for being a block, plus PUNCTUATION_BONUS for each mark of running prose (not the
# colon of "来源：" and "当前位置：" labels). On its own this scores 0.833 (BLOCK_COST 20: 0.821,
# 30: 0.830; LINK_PENALTY 2: 0.818; with the colon: 0.829); as the fallback it takes the one
# page trafilatura kept nothing of from 0.00 to 0.91 (mean 0.881 -> 0.894).
BLOCK_COST = 10
LINK_PENALTY = 3
PUNCTUATION_BONUS = 10
# How many page blocks before the article's first line are searched for a byline and date,
# nearest first (table layouts can put a side column between the headline and the text;
# 8, 16 and 30 blocks found 41, 42 and 43 of the 56 gold dates, and 16, 16 and 17 of the 50
# gold authors), and how many of the article's own first and last lines are searched after.
HEADER_BLOCKS = 30
ARTICLE_EDGE_LINES = 3

# A line whose shape (its digits aside) comes back this many times among the article's lines,
# with at most ROW_CHARS characters, ROW_LETTERS letters or more, ROW_FIELDS numbers or more
# (a date's 年月日 aside) and no sentence end, is a row of a repeated template ("发表于 2024-5-18
# 19:27:00", not a date alone, as a notice's header shows it twice); rows with
# one number ("成人票原价：279元") are a listing in the text, which the gold keeps. Measured on
# the tune half of the magic-html pages with the teaser and landmark checks on: 4 letters,
# 0.959 / 0.968 (recovered / precision); 2 letters, 0.959 / 0.969; one number, recovered 0.942.
REPEATED_SHAPE = 3
ROW_CHARS = 60
ROW_LETTERS = 2
ROW_FIELDS = 2
# A list of teasers: at least TEASER_ITEMS like siblings (same tag and class) that each hold a
# headline link of HEADLINE_CHARS Han characters or more (not a user name: "chocolatemusic"
# above a review; not a layout table's rows, one of which holds a column of links), found
# at a block or within TEASER_DEPTH levels above it; the item is at most TEASER_CHARS long.
# An item is furniture when its headline is apart from the block (the block is a summary),
# or when the rest of the item is at most ROW_CHARS long without a prose mark (a date, a
# source, a count of reads: a list of latest stories, whose rows are less than half link
# text and so no menu; on the measure half of the magic-html pages, precision 0.827 -> 0.930,
# recovered unchanged, the tune half holds no such list).
TEASER_ITEMS = 3
TEASER_DEPTH = 4
TEASER_CHARS = 600
HEADLINE_CHARS = 8
# The page's title heading: an h1-h3 whose first TITLE_PREFIX characters the ``<title>``
# holds, or which holds the title's first TITLE_PREFIX characters (a site name follows the
# headline in the title; a button's label can follow it in the heading).
TITLE_PREFIX = 10
_TITLE_HEADINGS = {"h1", "h2", "h3"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

_SPACE = regex.compile(r"\s+")
_INDENT = " \t\u3000\u00a0"
_XML_DECLARATION = regex.compile(r"\A\s*<\?xml[^>]*\?>")
# An XHTML page may declare entities in its DOCTYPE; libxml2's HTML parser does not expand
# them (no "billion laughs"), but their references would stay in the text as "&lol9;". The
# declarations and the references go; looked for in the head of the page only.
_INTERNAL_SUBSET = regex.compile(r"<!DOCTYPE[^\[>]*\[(?P<subset>[^\]]*)\]\s*>", regex.IGNORECASE)
_ENTITY_NAME = regex.compile(r"<!ENTITY\s+(?:%\s+)?([\w.:-]+)")
_HEAD_CHARS = 1 << 16
# libxml2 drops everything nested deeper than 255 elements unless told the tree may be huge;
# old pages that never close their <font> tags get that deep. Even then it stops at 2,048
# levels and drops the rest of the page: such a page is parsed again without the tags that
# only wrap (``_WRAPPING_TAGS``), which keeps its text and its paragraphs.
_PARSER = lxml.html.HTMLParser(huge_tree=True)
# lxml.html picks each element's class in Python (a form's, an input's) every time lxml hands
# an element to Python, trafilatura's XPath results included: 6% of the extraction's CPU
# (114 against 108 ms a page on the 136 gold pages, in turn in one run). Here every element
# is an ``HtmlElement``, chosen in C; neither curate nor trafilatura uses the form classes.
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
_WRAPPING_TAGS = regex.compile(
    r"</?(?:div|span|font|center|section|article|main|aside|header|footer|nav|b|i|u|em|strong"
    r"|small|big|blockquote|ul|ol|dl|table|tbody|thead|tfoot|tr|td|th|form|a)\b[^>]*>",
    regex.IGNORECASE,
)
_PROSE_MARKS = regex.compile(r"[，。！？；、“”]")
_DIGITS = regex.compile(r"\d+")
_LETTERS = regex.compile(r"[\p{L}]")
_HAN = regex.compile(r"\p{Han}")
# Page landmarks: navigation and side columns anywhere, a header or footer unless it is an
# article's own (inside one of _ARTICLE_LANDMARKS).
_SIDE_LANDMARKS = {"nav", "aside"}
_EDGE_LANDMARKS = {"header", "footer"}
_ARTICLE_LANDMARKS = {"article", "main"}
# Blocks that close an open <p>, and how a paragraph that was not cut short ends.
_SPLITTING_BLOCKS = ("table", "div")
_SENTENCE_END = regex.compile(r"[。！？!?…”」』）)]\s*\Z")
_NOT_TEXT = {"script", "style", "noscript", "template", "title", "iframe", "select", "option",
             "button", "textarea", "object", "embed", "svg", "math"}
_PAGE_BLOCKS = {"address", "article", "aside", "blockquote", "body", "br", "caption", "center",
                "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
                "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "img", "legend",
                "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td",
                "tfoot", "th", "thead", "tr", "ul"}
_TABLE_PARTS = ("table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption")
_BLOCKS_IN_CELLS = ("table", "p", "div", "ul", "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6",
                    "blockquote", "pre")
# Elements of trafilatura's output that stand on lines of their own.
_OUTPUT_BLOCKS = {"p", "head", "item", "quote", "code", "list", "table", "row"}
# "2005-03-21 11:21", "2005/3/21", "2005年3月21日 11:21:05".
_DATE = regex.compile(
    r"(?P<year>(?:19|20)\d{2})\s*(?:[-/.]\s*(?P<month>\d{1,2})\s*[-/.]|年\s*(?P<month>\d{1,2})"
    r"\s*月)\s*(?P<day>\d{1,2})(?!\d)\s*日?"
    r"(?:\s*(?P<hour>\d{1,2})[:：](?P<minute>\d{2})(?:[:：](?P<second>\d{2}))?)?"
)
# A writer's name: a Latin user name, or two to four Han characters ending the word (or running
# into 发自/报道: "本报记者罗科苏盈发自北京"); co-writers follow with two or three.
_NAME = r"(?:[A-Za-z][A-Za-z0-9_.-]{1,23}|\p{Han}{2,4}(?:(?![\p{Han}:：])|(?=发自|报道)))"
_CO_WRITER = r"(?:[ \u3000\u00a0]+|、)\p{Han}{2,3}(?=[\s、）)】\]]|$)"
# "作者：芊草凡凡", "文/眉间尺", "执笔人：闵乐夫 赵兰波", "本报记者 葛灵丹", "（记者 格桑边觉）";
# not "记者了解到", where a verb follows 记者.
_BYLINE = regex.compile(
    r"(?:(?:作者|撰文|执笔人?|文|记者)\s*[:：/|丨｜][ \u3000\u00a0]*|记者[ \u3000\u00a0]+"
    rf"|(?:本报|特约)记者)(?P<names>{_NAME}(?:{_CO_WRITER})*)"
)


@dataclass
class Article:
    """A page's main text and metadata; ``removed_chars`` counts the page text left out."""

    text: str
    metadata: dict[str, str | None] = field(default_factory=dict)
    created: str | None = None
    removed_chars: int = 0
    # "trafilatura-second-opinion" when SECOND_OPINION was kept, "text-density" when
    # trafilatura kept nothing
    extractor: str = "trafilatura"
    left_out: list[LeftOut] = field(default_factory=list)


@dataclass
class LeftOut:
    """Consecutive page blocks that are not in the article: their text, one block a line, and
    where the first of them stands in the page."""

    text: str
    path: str
    blocks: int
    # why the blocks were left out when a check of the page's structure decided it ("in the
    # page's <nav>", "row 3 of a list of headline links ..."); empty when the extractor did
    why: str = ""


@dataclass
class TextBlock:
    """A run of text between block boundaries, and how much of it is link text."""

    text: str = ""
    link_chars: int = 0
    path: str = ""  # the DOM path of the element that holds the block
    element: etree._Element | None = field(default=None, repr=False, compare=False)

    @property
    def size(self) -> int:
        return len(_SPACE.sub("", self.text))

    @property
    def link_share(self) -> float:
        return self.link_chars / self.size if self.size else 0.0


# A run reads its input twice (the line counts, then the cleaning): the articles of the pages
# extracted the first time are kept for the second, up to this many characters in all.
REMEMBERED_CHARS = 20_000_000  # ~40 MB of Chinese text
_remembered: dict[bytes, Article] = {}
_remembered_chars = [0]


def extract_article_once(html: str) -> Article:
    """`extract_article`, but a page read a second time gets the article of the first: each
    page is kept until it is asked for again, while the articles kept hold fewer than
    `REMEMBERED_CHARS` characters. The article is the same object: do not change it."""
    key = hashlib.blake2b(html.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    article = _remembered.pop(key, None)
    if article is not None:
        _remembered_chars[0] -= _article_chars(article)
        return article
    article = extract_article(html)
    if _remembered_chars[0] + _article_chars(article) <= REMEMBERED_CHARS:
        _remembered[key] = article
        _remembered_chars[0] += _article_chars(article)
    return article


def _article_chars(article: Article) -> int:
    return len(article.text) + sum(len(run.text) for run in article.left_out)


def extract_article(html: str) -> Article:
    """The page's main text (one paragraph a line), title, site, author, URL and date.

    >>> article = extract_article(
    ...     "<html><body><ul><li><a href='/'>首页</a></li><li><a href='/n'>新闻</a></li></ul>"
    ...     "<p>作者：李明 2024-03-05 10:20</p>"
    ...     "<p>春节过后，长春的天气逐渐转暖，市民纷纷走出家门。</p></body></html>")
    >>> article.text.splitlines()[-1], article.metadata["author"], article.created
    ('春节过后，长春的天气逐渐转暖，市民纷纷走出家门。', '李明', '2024-03-05T10:20:00')
    """
    tree = parse_page(html)
    if tree is None:
        return Article("")
    rejoin_split_paragraphs(tree)
    blocks = page_blocks(tree)
    furniture = page_furniture(blocks, tree)
    unwrap_layout_tables(tree)
    extracted = trafilatura.bare_extraction(tree, **TRAFILATURA_SETTINGS)
    dropped: dict[str, str] = {}
    lines = without_furniture(kept_lines(extracted, blocks), furniture, dropped)
    if lines and _size(lines) < SHORT_SHARE * prose_size(blocks):
        second = trafilatura.bare_extraction(tree, **SECOND_OPINION)
        dropped_second: dict[str, str] = {}
        other = without_furniture(kept_lines(second, blocks), furniture, dropped_second)
        if _size(other) > _size(lines) and _covers(other, lines):
            return _article(other, blocks, tree, "trafilatura-second-opinion", dropped_second)
        dense = [block.text for block in densest_run(blocks) if block.link_share <= LINK_SHARE]
        if (_prose_size(lines) < ARTICLE_PROSE * _size(lines)
                and _prose_size(dense) >= DENSE_GAIN * max(_prose_size(lines), _prose_size(other))):
            dropped_dense: dict[str, str] = {}
            return _article(without_furniture(dense, furniture, dropped_dense), blocks, tree,
                            "text-density", dropped_dense)
    if lines:
        lines = with_gaps(lines, blocks, furniture, dropped)
        return _article(with_lead(lines, blocks, furniture), blocks, tree, "trafilatura",
                        dropped)
    lines = [block.text for block in densest_run(blocks) if block.link_share <= LINK_SHARE]
    return _article(lines, blocks, tree, "text-density")


def with_gaps(lines: list[str], blocks: list[TextBlock], furniture: PageFurniture | set[str],
              dropped: dict[str, str]) -> list[str]:
    """``lines`` with the page blocks that stand between two blocks of consecutive lines of
    the article, where they are no menu (``LINK_SHARE``), no furniture and not taken out on
    purpose (``dropped``): a caption, a card of a book, a paragraph the extractor skipped."""
    squeezed_lines = [_SPACE.sub("", line) for line in lines]
    position = {line: index for index, line in reversed(list(enumerate(squeezed_lines)))}
    flat = "".join(squeezed_lines)
    inserted: dict[int, list[str]] = {}
    last = None  # the index of the line the last block of the article's text stands in
    gap: list[TextBlock] = []
    for block in blocks:
        squeezed = _SPACE.sub("", block.text)
        index = position.get(squeezed)
        if index is None and squeezed in flat:
            gap = []  # a part of a line: no gap ends here
            continue
        if index is not None:
            if last is not None and index == last + 1 and gap and len(gap) <= GAP_BLOCKS:
                inserted[last] = [b.text for b in gap]
            # under a heading stand the byline, date and source, not the article's text
            heading = block.element is not None and block.element.tag in _HEADINGS
            last, gap = (None if heading else index), []
            continue
        if block.link_share > LINK_SHARE or squeezed in dropped or squeezed in furniture:
            last, gap = None, []
            continue
        gap.append(block)
    if not inserted:
        return lines
    out = []
    for index, line in enumerate(lines):
        out.append(line)
        out.extend(inserted.get(index, []))
    return out


def with_lead(lines: list[str], blocks: list[TextBlock],
              furniture: PageFurniture) -> list[str]:
    """``lines`` with the paragraphs of prose the extractor left out just before the article,
    beside the element that holds most of its prose, under the same parent: an academic
    page's abstract above its body."""
    where = {_SPACE.sub("", block.text): block for block in blocks}
    weight: Counter[etree._Element] = Counter()
    for line in lines:
        block = where.get(_SPACE.sub("", line))
        if block is not None and block.element is not None and _PROSE_MARKS.search(line):
            weight[block.element.getparent()] += len(line)
    if not weight:
        return lines
    core = weight.most_common(1)[0][0]
    parent = core.getparent()
    if parent is None:
        return lines
    flat = _SPACE.sub("", "".join(lines))
    lead = []
    for block in blocks:
        element = block.element
        if element is None:
            continue
        if element is core or core in element.iterancestors():
            break
        squeezed = _SPACE.sub("", block.text)
        if (parent in element.iterancestors() and squeezed not in flat
                and block.size >= LEAD_CHARS and block.link_share <= LEAD_LINK_SHARE
                and len(_PROSE_MARKS.findall(block.text)) >= LEAD_MARKS
                and squeezed not in furniture):
            lead.append(block.text)
    return lead + lines if lead else lines


def _article(lines: list[str], blocks: list[TextBlock], tree: lxml.html.HtmlElement,
             extractor: str, dropped: dict[str, str] | None = None) -> Article:
    """The article made of ``lines``, with its metadata and how much page text it left out."""
    header = header_texts(blocks, lines)
    author, date = find_byline(header), find_date(header)
    found = page_metadata(tree, author is None, date is None)
    metadata = {"title": found.title, "site": found.sitename, "author": author or found.author,
                "url": found.url}
    text = "\n".join(lines)
    removed = max(0, sum(block.size for block in blocks) - len(_SPACE.sub("", text)))
    return Article(text, metadata, date or found.date, removed, extractor,
                   left_out(blocks, text, dropped))


def page_metadata(tree: lxml.html.HtmlElement, author: bool = True,
                  date: bool = True) -> TrafilaturaResult:
    """The page's title, site name, URL, and its author and date when asked, as trafilatura's
    ``extract_metadata`` finds them (``<meta>`` tags, JSON-LD, the headline, htmldate), read
    once a page and without the parts curate does not use (categories, tags, licence). Read
    inside every call of trafilatura, the metadata cost a fifth of the extraction's CPU and
    the author search alone a tenth; the byline search before it finds most authors."""
    found = metadata.examine_meta(tree)
    if found.author and " " not in found.author:  # as trafilatura: one word is no author
        found.author = None
    try:
        found = metadata.extract_meta_json(tree, found)
    except Exception:  # noqa: BLE001  trafilatura guards its JSON-LD reader the same way
        pass
    found.title = found.title or metadata.extract_title(tree)
    found.author = found.author or (metadata.extract_author(tree) if author else None)
    found.url = found.url or metadata.extract_url(tree)
    if date:
        found.date = metadata.find_date(tree, **DATE_SETTINGS, url=found.url)
    found.sitename = found.sitename or metadata.extract_sitename(tree)
    if found.sitename:
        found.sitename = found.sitename.lstrip("@")
        if found.sitename and "." not in found.sitename and not found.sitename[0].isupper():
            found.sitename = found.sitename.title()
    elif found.url and (host := metadata.META_URL.match(found.url)):
        found.sitename = host[1]
    found.clean_and_trim()
    return found


def page_furniture(blocks: list[TextBlock],
                   tree: lxml.html.HtmlElement | None = None) -> PageFurniture:
    """The page blocks' texts that are furniture by where they stand (see ``PageFurniture``)."""
    return PageFurniture(blocks, OtherArticles(tree, blocks) if tree is not None else None)


class PageFurniture:
    """Whether a text (whitespace removed) is furniture by where it stands on the page, and
    why: every block that shows it lies inside a page landmark (``_landmark``), in one item of
    a list of teasers (``TeaserLists``) or in another article (``OtherArticles``). Decided
    for the texts asked about only, the article's lines, not for every block of the page."""

    def __init__(self, blocks: list[TextBlock], others: OtherArticles | None = None) -> None:
        self._elements: dict[str, list[etree._Element | None]] = {}
        for block in blocks:
            self._elements.setdefault(_SPACE.sub("", block.text), []).append(block.element)
        self._teasers = TeaserLists()
        self._others = others
        self._decided: dict[str, str | None] = {}

    def __contains__(self, squeezed: object) -> bool:
        return isinstance(squeezed, str) and self.why(squeezed) is not None

    def why(self, squeezed: str) -> str | None:
        """Why the text is furniture, as the first block that shows it says, or None."""
        if squeezed not in self._elements:
            return None
        if squeezed not in self._decided:
            reasons = [self._why(element) for element in self._elements[squeezed]]
            self._decided[squeezed] = reasons[0] if all(reasons) else None
        return self._decided[squeezed]

    def _why(self, element: etree._Element | None) -> str | None:
        if element is None:
            return None
        return (_landmark(element) or self._teasers.why(element)
                or (self._others.why(element) if self._others is not None else None))


def without_furniture(lines: list[str], furniture: PageFurniture | set[str],
                      dropped: dict[str, str] | None = None) -> list[str]:
    """``lines`` less the page's furniture blocks, the rows of a repeated shape and a short line
    shown again; ``dropped`` is given why each line went (its text without whitespace).

    A row of a repeated shape is a short line without a sentence end whose shape, its numbers
    aside, comes back ``REPEATED_SHAPE`` times or more among the lines: the poster's rank and
    the time above every reply of a forum, the date under every picture of a gallery.

    >>> without_furniture(["新手上路, 积分 5, 距离下一级还需 45 积分", "怎么设置全屏？",
    ...     "新手上路, 积分 6, 距离下一级还需 44 积分", "注册会员, 积分 53",
    ...     "新手上路, 积分 16, 距离下一级还需 34 积分"], set())
    ['怎么设置全屏？', '注册会员, 积分 53']
    """
    shapes = Counter(_shape(line) for line in lines)
    seen: set[str] = set()
    kept = []
    dropped = {} if dropped is None else dropped
    for line in lines:
        squeezed = _SPACE.sub("", line)
        why = (furniture.why(squeezed) if isinstance(furniture, PageFurniture)
               else "furniture" if squeezed in furniture else None)
        if why is None and _is_repeated_row(line, shapes):
            why = f"a row of a shape repeated {shapes[_shape(line)]} times in the text"
        if why is not None:
            dropped[squeezed] = why
            continue
        if squeezed in seen and not _SENTENCE_END.search(line):
            continue  # a short line shown again: a post's signature, a caption
        seen.add(squeezed)
        kept.append(line)
    return kept


def _shape(line: str) -> str:
    return _DIGITS.sub("#", _SPACE.sub("", line))


def _is_repeated_row(line: str, shapes: Counter[str]) -> bool:
    shape = _shape(line)
    return (shapes[shape] >= REPEATED_SHAPE and len(shape) <= ROW_CHARS
            and shape.count("#") >= ROW_FIELDS
            and len(_LETTERS.findall(_DATE.sub("", line))) >= ROW_LETTERS
            and not _SENTENCE_END.search(line))


def _landmark(element: etree._Element) -> str | None:
    """Which of the page's navigation, side column, or page header or footer that is not an
    article's own ``element`` stands in ("in the page's <nav>"), or None."""
    edge = None  # inside a header or footer, of the page unless an article holds it
    for ancestor in element.iterancestors():
        if ancestor.tag in _SIDE_LANDMARKS:
            return f"in the page's <{ancestor.tag}>"
        if ancestor.tag in _ARTICLE_LANDMARKS:
            return None
        if edge is None and ancestor.tag in _EDGE_LANDMARKS:
            edge = f"in the page's <{ancestor.tag}>"
    return edge


class OtherArticles:
    """The branches of the page that hold another article than the page's own: the page's own
    opens with the heading that names the page (its ``<title>``); a heading of the same tag
    and class that opens a branch of its own, beside the branch the title heading opens, is
    the title of another article (the next story of an endless page, a feed of full stories).
    """

    def __init__(self, tree: lxml.html.HtmlElement, blocks: list[TextBlock]) -> None:
        self._branches: dict[etree._Element, str] = {}
        heading = _title_heading(tree, blocks)
        if heading is None:
            return
        page = tree.getroottree()
        for other in tree.iter(heading.tag):
            if other is heading or other.get("class") != heading.get("class"):
                continue
            branches = _apart(heading, other)
            if branches is not None and all(
                    _opens_with(branch, head)
                    for branch, head in zip(branches, (heading, other), strict=True)):
                self._branches[branches[1]] = (
                    f"in another article, under {_path(page, other)}, a heading shaped as the "
                    f"one that names the page, {_path(page, heading)}")

    def why(self, element: etree._Element) -> str | None:
        if not self._branches:
            return None
        return next((self._branches[ancestor] for ancestor in (element, *element.iterancestors())
                     if ancestor in self._branches), None)


def _title_heading(tree: lxml.html.HtmlElement, blocks: list[TextBlock]) -> etree._Element | None:
    """The first heading (``_TITLE_HEADINGS``) of the page whose text begins as the page's
    ``<title>`` does, or whose first characters the title holds."""
    title = _SPACE.sub("", tree.findtext(".//title") or "")
    if len(title) < TITLE_PREFIX:
        return None
    for block in blocks:
        element = block.element
        if element is None or element.tag not in _TITLE_HEADINGS:
            continue
        text = _SPACE.sub("", block.text)
        if len(text) >= TITLE_PREFIX and (text[:TITLE_PREFIX] in title
                                          or title[:TITLE_PREFIX] in text):
            return element
    return None


def _apart(first: etree._Element, second: etree._Element
           ) -> tuple[etree._Element, etree._Element] | None:
    """The children of the two elements' nearest common ancestor that hold each, or None
    when one holds the other."""
    ancestors = {ancestor: child for child, ancestor in
                 zip((first, *first.iterancestors()), first.iterancestors(), strict=False)}
    child = second
    for ancestor in second.iterancestors():
        if ancestor in ancestors:
            return ancestors[ancestor], child
        child = ancestor
    return None


def _opens_with(branch: etree._Element, heading: etree._Element) -> bool:
    """Whether the first text of ``branch`` is the text of ``heading``."""
    for event, element in etree.iterwalk(branch, events=("start", "end")):
        if not isinstance(element.tag, str) or element.tag in _NOT_TEXT:
            continue
        text = element.text if event == "start" else element.tail
        if element is branch and event == "end":
            return False
        if text and text.strip():
            inside = element is heading or heading in element.iterancestors()
            return inside and event == "start"
    return False


class TeaserLists:
    """Which elements lie in one item of a list of other stories: an element with at least
    ``TEASER_ITEMS`` siblings of its tag and class that each hold a headline link
    (``HEADLINE_CHARS``), found within ``TEASER_DEPTH`` levels above a block, short
    (``TEASER_CHARS``), whose headline is apart from the block (not the link around it)."""

    def __init__(self) -> None:
        self._headlines: dict[etree._Element, list[etree._Element]] = {}
        self._lists: dict[etree._Element, bool] = {}

    def why(self, element: etree._Element) -> str | None:
        """Why ``element`` lies in a list of teasers, or None."""
        item: etree._Element | None = element
        for _ in range(TEASER_DEPTH + 1):
            if item is None or item.getparent() is None:
                return None
            if self._is_item(item):
                break
            item = item.getparent()
        else:
            return None
        if len(_SPACE.sub("", item.text_content())) > TEASER_CHARS:
            return None
        around = set(element.iter()) | set(element.iterancestors())
        links = self._headline_links(item)
        if any(link not in around for link in links):
            return f"in a list of teasers, each a <{item.tag}> under a headline link"
        # the item is a row of the list: a headline link, and beside it a date or a source
        beside = _SPACE.sub("", item.text_content())
        for link in links:
            beside = beside.replace(_SPACE.sub("", link.text_content()), "", 1)
        if links and len(beside) <= ROW_CHARS and not _PROSE_MARKS.search(beside):
            return f"in a list of headline links, each a <{item.tag}> with a date or source"
        return None

    def _is_item(self, item: etree._Element) -> bool:
        if item not in self._lists:
            key = (item.tag, item.get("class"))
            like = [sibling for sibling in item.getparent()
                    if (sibling.tag, sibling.get("class")) == key]
            self._lists.update(
                (sibling, len(like) >= TEASER_ITEMS
                 and sum(1 for other in like if self._headline_links(other)) >= TEASER_ITEMS)
                for sibling in like)
        return self._lists[item]

    def _headline_links(self, item: etree._Element) -> list[etree._Element]:
        if item not in self._headlines:
            self._headlines[item] = [link for link in item.iter("a")
                                     if len(_HAN.findall(link.text_content())) >= HEADLINE_CHARS]
        return self._headlines[item]


def kept_lines(extracted: TrafilaturaResult | None, blocks: list[TextBlock]) -> list[str]:
    """The lines of trafilatura's article, less links and menus of the page, and its comments
    when the article is too short to be one (``NO_ARTICLE``)."""
    if extracted is None:
        return []
    lines = without_menus(article_lines(extracted.body), blocks)
    if extracted.commentsbody is not None and _size(lines) < NO_ARTICLE:
        lines += without_menus(article_lines(extracted.commentsbody), blocks)
    return lines


def _covers(longer: list[str], lines: list[str]) -> bool:
    """Whether ``longer`` holds most of ``lines``: an extension of the same article."""
    flat = _SPACE.sub("", "".join(longer))
    found = sum(len(_SPACE.sub("", line)) for line in lines if _SPACE.sub("", line) in flat)
    return found >= COVERED_SHARE * _size(lines)


def prose_size(blocks: list[TextBlock]) -> int:
    """Characters of the page's blocks of running prose: mostly not links, with prose marks."""
    return sum(block.size for block in blocks
               if block.link_share <= LINK_SHARE and _PROSE_MARKS.search(block.text))


def _prose_size(lines: list[str]) -> int:
    """Characters of the lines with a prose mark."""
    return sum(len(_SPACE.sub("", line)) for line in lines if _PROSE_MARKS.search(line))


def _size(lines: list[str]) -> int:
    return sum(len(_SPACE.sub("", line)) for line in lines)


def left_out(blocks: list[TextBlock], text: str,
             dropped: dict[str, str] | None = None) -> list[LeftOut]:
    """The runs of page blocks whose text is not in the article ``text``, in page order; a
    run holds blocks left out for one reason (``dropped``: why a line of the extractor's
    output was taken out, by its text without whitespace).

    >>> blocks = [TextBlock("首页 新闻", 4, "/html/body/div[1]"), TextBlock("正文第一段。"),
    ...           TextBlock("相关新闻", 0, "/html/body/div[3]"), TextBlock("雾凇岛观赏季", 6),
    ...           TextBlock("2024-01-14 吉林日报", 0, "/html/body/div[4]")]
    >>> dropped = {"2024-01-14吉林日报": "a row of a shape repeated 3 times in the text"}
    >>> for run in left_out(blocks, "正文第一段。", dropped):
    ...     print(run.path, run.blocks, repr(run.text), repr(run.why))
    /html/body/div[1] 1 '首页 新闻' ''
    /html/body/div[3] 2 '相关新闻\\n雾凇岛观赏季' ''
    /html/body/div[4] 1 '2024-01-14 吉林日报' 'a row of a shape repeated 3 times in the text'
    """
    flat = _SPACE.sub("", text)
    dropped = dropped or {}
    runs: list[tuple[str, list[TextBlock]]] = []
    in_run = False
    for block in blocks:
        squeezed = _SPACE.sub("", block.text)
        if squeezed in flat:
            in_run = False
            continue
        why = dropped.get(squeezed, "")
        if not in_run or runs[-1][0] != why:
            runs.append((why, []))
            in_run = True
        runs[-1][1].append(block)
    return [LeftOut("\n".join(block.text for block in run), run[0].path, len(run), why)
            for why, run in runs]


def parse_page(html: str) -> lxml.html.HtmlElement | None:
    """The page's element tree without comments, or None for an empty page.

    trafilatura gets this tree, not the string: the tables are unwrapped on it, and
    trafilatura's own loader rejects a page whose first 50 characters lack "html" when it
    parses to one element, as pages saved without their ``<html>`` opening can (two of the
    69; the density fallback rescues them too, so the mean is 0.894 either way). Comments go
    here and the text after them stays: left in, trafilatura lost a paragraph that followed
    one (0.893).
    """
    html = without_entity_declarations(_XML_DECLARATION.sub("", html))
    try:
        tree = lxml.html.document_fromstring(html, parser=_PARSER)
        if _too_deep(_PARSER):
            tree = lxml.html.document_fromstring(_WRAPPING_TAGS.sub("", html), parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None
    etree.strip_tags(tree, etree.Comment, etree.ProcessingInstruction)
    return tree


def _too_deep(parser: lxml.html.HTMLParser) -> bool:
    """Whether the last parse stopped at libxml2's depth limit."""
    return any("Excessive depth" in entry.message for entry in parser.error_log)


def without_entity_declarations(html: str) -> str:
    """The page without a DOCTYPE's entity declarations and the references to them.

    >>> without_entity_declarations('<!DOCTYPE html [<!ENTITY lol "lol">]><p>&lol;正文</p>')
    '<p>正文</p>'
    """
    found = _INTERNAL_SUBSET.search(html, 0, _HEAD_CHARS)
    if found is None:
        return html
    names = _ENTITY_NAME.findall(found["subset"])
    html = html[: found.start()] + html[found.end():]
    if names:
        references = regex.compile("&(?:" + "|".join(map(regex.escape, names)) + ");")
        html = references.sub("", html)
    return html


def rejoin_split_paragraphs(tree: lxml.html.HtmlElement) -> None:
    """Give back to a paragraph the text the parser left loose after a block inside it.

    HTML closes a ``<p>`` at the start of a ``<table>`` or ``<div>``, so an ad table placed in
    the middle of a paragraph leaves the paragraph's second half as loose text after the table.
    When the paragraph before the block stops short of a sentence end, the loose text is its
    continuation and goes back into it; otherwise it becomes a paragraph of its own.

    >>> tree = lxml.html.document_fromstring("<div><p>业内人士认为，<table><tr><td>广告</td>"
    ...     "</tr></table>这得益于持续多年的研发投入。</p></div>")
    >>> rejoin_split_paragraphs(tree)
    >>> [p.text_content() for p in tree.iter("p")]
    ['业内人士认为，这得益于持续多年的研发投入。']
    """
    for block in list(tree.iter(*_SPLITTING_BLOCKS)):
        paragraph = block.getprevious()
        loose = block.tail
        if paragraph is None or paragraph.tag != "p" or not loose or not loose.strip():
            continue
        block.tail = None
        if _SENTENCE_END.search(paragraph.text_content()):
            new = lxml.html.Element("p")
            new.text = loose.strip(_INDENT + "\n\r")
            block.addnext(new)
        elif len(paragraph):
            paragraph[-1].tail = (paragraph[-1].tail or "") + loose
        else:
            paragraph.text = (paragraph.text or "") + loose


def unwrap_layout_tables(tree: lxml.html.HtmlElement) -> None:
    """Rename layout tables, and every table part inside them, to ``div``.

    trafilatura keeps a table as rows of cells and drops the paragraph breaks inside a cell,
    so on a page laid out with tables the whole article became one row between menu rows.
    Unwrapping nothing measured 0.842; every table, 0.892 (and data tables lose their rows);
    only layout tables, keeping the tables nested in them, 0.870; layout tables with
    everything inside them, 0.894.
    """
    for table in [table for table in tree.iter("table") if is_layout_table(table)]:
        for part in table.iter(*_TABLE_PARTS):
            part.tag = "div"


def is_layout_table(table: lxml.html.HtmlElement) -> bool:
    """True when ``table`` arranges a page rather than holds data (see ``LONG_CELL``).

    >>> is_layout_table(lxml.html.fragment_fromstring(
    ...     "<table><tr><td>年份</td><td>产量</td></tr><tr><td>2023</td><td>5万</td></tr></table>"))
    False
    >>> is_layout_table(lxml.html.fragment_fromstring(
    ...     "<table><tr><td><p>正文。</p></td><td><a href='/'>首页</a></td></tr></table>"))
    True
    """
    if any(element is not table for element in table.iter(*_BLOCKS_IN_CELLS)):
        return True
    rows = list(table.iter("tr"))
    if not rows or max(len(row.findall("td")) + len(row.findall("th")) for row in rows) < 2:
        return True
    return any(len(_SPACE.sub("", cell.text_content())) >= LONG_CELL
               for cell in table.iter("td", "th"))


def article_lines(body: etree._Element) -> list[str]:
    """The lines of trafilatura's output, less lines and lists that are mostly links.

    >>> article_lines(etree.fromstring(
    ...     "<body><p>第一段。<lb/>第二段，有<ref>链接</ref>。</p><list><item><ref>相关一"
    ...     "</ref></item><item><ref>相关二</ref></item></list><p><ref>返回首页</ref></p></body>"))
    ['第一段。', '第二段，有链接。']
    """
    return [line.text for line in _render(body) if line.link_share <= LINK_SHARE]


def without_menus(lines: list[str], blocks: list[TextBlock]) -> list[str]:
    """``lines`` less those found inside a block of the page that is mostly link text.

    When its main extractor finds too little, trafilatura keeps the page's text with no link
    markup; the page's own blocks still know which lines were menus. A line is dropped when it
    stands inside such a block, as one item of a menu does (without this: 0.890; whole blocks
    only: 0.891; inside: 0.894).
    """
    menus = "\n".join(_SPACE.sub("", block.text) for block in blocks
                      if block.link_share > LINK_SHARE)
    return [line for line in lines if _SPACE.sub("", line) not in menus]


def _render(element: etree._Element) -> list[TextBlock]:
    """The lines of an output element; ``<lb/>`` and trafilatura's own newlines break lines."""
    lines = [TextBlock()]
    _render_into(element, lines, in_link=False)
    return _tidy(lines)


def _render_into(element: etree._Element, lines: list[TextBlock], in_link: bool) -> None:
    link = in_link or element.tag == "ref"
    if element.tag in _OUTPUT_BLOCKS:
        lines.append(TextBlock())
    _append_lines(lines, element.text, link)
    for child in element:
        if child.tag == "lb" or _is_link_list(child):
            lines.append(TextBlock())
        else:
            _render_into(child, lines, link)
            if child.tag == "cell":
                _append_lines(lines, " ", link=False)
        _append_lines(lines, child.tail, link)
    if element.tag in _OUTPUT_BLOCKS:
        lines.append(TextBlock())


def _is_link_list(element: etree._Element) -> bool:
    """True for a list mostly made of link text: a menu, related pages, a reply index."""
    if element.tag != "list":
        return False
    lines = _render(element)
    size = sum(line.size for line in lines)
    return size > 0 and sum(line.link_chars for line in lines) > LINK_SHARE * size


def _append_lines(lines: list[TextBlock], text: str | None, link: bool) -> None:
    if not text:
        return
    for number, piece in enumerate(text.split("\n")):
        if number:
            lines.append(TextBlock())
        lines[-1].text += piece
        if link:
            lines[-1].link_chars += len(_SPACE.sub("", piece))


def _tidy(blocks: list[TextBlock]) -> list[TextBlock]:
    """The non-empty blocks, with runs of whitespace made one space and indentation gone."""
    tidy = (TextBlock(_SPACE.sub(" ", block.text).strip(_INDENT), block.link_chars, block.path,
                      block.element) for block in blocks)
    return [block for block in tidy if block.text]


def page_blocks(tree: lxml.html.HtmlElement) -> list[TextBlock]:
    """The page's visible text cut at block elements and ``<br>``, in reading order."""
    blocks = [TextBlock()]
    page = tree.getroottree()
    # (element, inside a link, entering it): entered, its children walked, then left.
    stack: list[tuple[etree._Element, bool, bool]] = [(tree, False, True)]
    while stack:
        element, in_link, entering = stack.pop()
        tag = element.tag if isinstance(element.tag, str) else ""  # a comment: only its tail
        if entering and tag and tag not in _NOT_TEXT:
            if tag in _PAGE_BLOCKS:
                blocks.append(TextBlock(element=element))
            link = in_link or tag == "a"
            _append_text(blocks[-1], element.text, link)
            stack.append((element, in_link, False))
            stack.extend((child, link, True) for child in reversed(element))
            continue
        if not entering and tag in _PAGE_BLOCKS:
            blocks.append(TextBlock(element=element.getparent()))
        _append_text(blocks[-1], element.tail, in_link)
    tidy = _tidy(blocks)
    for block in tidy:  # paths of the blocks that hold text only: getpath walks to the root
        if block.element is not None:
            block.path = _path(page, block.element)
    return tidy


def _path(page: etree._ElementTree, element: etree._Element) -> str:
    """Where ``element`` stands in the page, with its class when it has one: where a block
    came from is easier to find as ``/html/body/div[3][@class="related"]``."""
    path = page.getpath(element)
    name = element.get("class")
    return f'{path}[@class="{name.strip()}"]' if name and name.strip() else path


def _append_text(block: TextBlock, text: str | None, link: bool) -> None:
    if text:
        block.text += text
        if link:
            block.link_chars += len(_SPACE.sub("", text))


def densest_run(blocks: list[TextBlock]) -> list[TextBlock]:
    """The consecutive blocks worth the most together (maximum subarray, see ``BLOCK_COST``).

    Prose is worth more than it costs and menus cost more than they are worth, so the run
    covers the article and stops at the furniture around it.

    >>> menu = [TextBlock("首页", 2), TextBlock("新闻", 2)]
    >>> prose = [TextBlock("春节过后，天气转暖，市民纷纷走出家门。")]
    >>> [block.text for block in densest_run(menu + prose + menu)]
    ['春节过后，天气转暖，市民纷纷走出家门。']
    """
    best, best_span = 0, (0, 0)
    total, start = 0, 0
    for index, block in enumerate(blocks):
        if total <= 0:
            total, start = 0, index
        total += _worth(block)
        if total > best:
            best, best_span = total, (start, index + 1)
    return blocks[best_span[0]:best_span[1]]


def _worth(block: TextBlock) -> int:
    marks = len(_PROSE_MARKS.findall(block.text))
    return (block.size - LINK_PENALTY * block.link_chars - BLOCK_COST
            + PUNCTUATION_BONUS * marks)


def header_texts(blocks: list[TextBlock], lines: list[str]) -> list[str]:
    """Where a byline and a date are shown, likeliest first: the page blocks just before the
    article (nearest first), then the article's first and last lines."""
    start = _article_start(blocks, lines)
    before = [block.text for block in reversed(blocks[max(0, start - HEADER_BLOCKS):start])]
    return before + lines[:ARTICLE_EDGE_LINES] + lines[-ARTICLE_EDGE_LINES:]


def _article_start(blocks: list[TextBlock], lines: list[str]) -> int:
    """Index of the page block holding the start of the article's first substantial line."""
    first = next((_SPACE.sub("", line) for line in lines if len(line) >= 8), None)
    if first is None:
        return 0
    return next((index for index, block in enumerate(blocks)
                 if first[:20] in _SPACE.sub("", block.text)), 0)


def find_byline(texts: list[str]) -> str | None:
    """The writers named by the first byline among ``texts``.

    >>> find_byline(["土豆，听名字就“土”得掉渣。记者了解到", "光明日报记者 王建宏 张文攀"])
    '王建宏 张文攀'
    >>> find_byline(["作者：芊草凡凡   时间：2005-08-22 19:13:18"])
    '芊草凡凡'
    """
    for text in texts:
        found = _BYLINE.search(text)
        if found:
            return found.group("names")
    return None


def find_date(texts: list[str]) -> str | None:
    """The first valid date among ``texts``, in ISO 8601, with its time when one is shown.

    >>> find_date(["【字体：大 中 小】", "2005年3月21日 11:21 来源：新华网"])
    '2005-03-21T11:21:00'
    >>> find_date(["发表于 2005/13/40", "2004-12-10"])
    '2004-12-10'
    """
    for text in texts:
        for found in _DATE.finditer(text):
            month, day = int(found["month"]), int(found["day"])
            if not (1 <= month <= 12 and 1 <= day <= 31):
                continue
            date = f"{found['year']}-{month:02d}-{day:02d}"
            if found["hour"] is None or int(found["hour"]) > 23:
                return date
            return f"{date}T{int(found['hour']):02d}:{found['minute']}:{found['second'] or '00'}"
    return None
