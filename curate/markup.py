"""Turn decoded text into paragraphs: Markdown through a real parser, plain text by lines.

Markdown (``.md`` files, and ``.txt`` files that carry Markdown, like seed 000) is parsed
with markdown-it: images and their captions go, emphasis markers go, headings become plain
paragraphs, and hard-wrapped lines inside a paragraph are joined without a space between
Chinese characters::

    股价飙升超过
    25%。5月底          ->  股价飙升超过25%。5月底

Plain text keeps one paragraph per non-empty line, as scraped dumps write them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import regex

from curate.document import Edit, Paragraph

if TYPE_CHECKING:
    from markdown_it.token import Token

STEP = "parse_markup"

# Any one of these at the start of a line, after indentation, or an image anywhere, means the
# text was written in Markdown. Indentation counts as nothing, as parse_plain strips it, and an
# image inside a line is Markdown too: else "　![](a.png)" or "某网站![](a.png)" read as plain
# text could come out as a line starting with an image, and cleaning the output again would
# change it.
_MARKDOWN_SIGNS = regex.compile(
    r"!\[[^\]\n]*\]\([^)\n]*\)"
    r"|^[ \t\u3000\u00a0]*(?:#{1,6}[ \t]+\S|\*\*[^*\n]+\*\*[ \t]*$)",
    regex.MULTILINE,
)
# A line of dashes or equals signs is a setext rule in Markdown, but scraped pages written one
# paragraph a line use it as a separator (a forum post's "------------------------------"):
# read as Markdown, every line of such a page would be joined into one paragraph. It counts
# only in a text whose paragraphs are separated by blank lines, as Markdown writes them.
_RULE_LINE = regex.compile(r"^[ \t\u3000\u00a0]*(?:-{3,}|={3,})[ \t]*$", regex.MULTILINE)
_BLANK_LINE = regex.compile(r"\n[ \t\u3000\u00a0]*\n")
# Controls that are never text: C0 but tab, line feed and form feed, and DEL. markdown-it
# would make NUL a replacement character; the rest would stay in the corpus.
# (the standard library's engine: a third of regex's time for a plain class over a long text)
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_LINE_BREAK = regex.compile("\r\n?")
# An HTML character reference left in scraped text (卢卡&middot;东契奇, &ldquo;蒸&rdquo;, &#8226;),
# maybe escaped twice (&amp;middot;). Only the terminated form: &para=2 in a URL is no entity.
_ENTITY = regex.compile(r"&(?:amp;)*(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# A caption in emphasis right after an image, or a lone emphasised line that names a source.
_CAPTION_HINT = regex.compile(
    r"^\s*(?:图片?|图源|来源|來源|图片来源|圖片來源|摄影|攝影|视觉中国|视觉)"
)
_ASCII_WORD_END = regex.compile(r"[A-Za-z0-9,.;:!?%)\]'\"]$")
_ASCII_WORD_START = regex.compile(r"^[A-Za-z0-9(\['\"]")
# Indentation used by Chinese plain text: ASCII spaces, tabs and ideographic spaces.
_INDENT = " \t\u3000\u00a0"


@dataclass
class Parsed:
    paragraphs: list[Paragraph]
    edits: list[Edit]


def looks_like_markdown(text: str) -> bool:
    """True when a line starts with a Markdown heading, image or bold line, or is a setext
    rule in a text of blank-line-separated paragraphs."""
    # Each sign holds one of these strings: a text with none is plain without a search.
    if ("![" in text or "#" in text or "**" in text) and _MARKDOWN_SIGNS.search(text):
        return True
    return (("---" in text or "===" in text) and _RULE_LINE.search(text) is not None
            and _BLANK_LINE.search(text) is not None)


def parse_plain(text: str) -> Parsed:
    """One paragraph per non-empty line; indentation and trailing spaces go."""
    paragraphs = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip(_INDENT)
        if stripped:
            paragraphs.append(Paragraph(stripped, (number, number)))
    return Parsed(paragraphs, [])


def parse_markdown(text: str) -> Parsed:
    """Paragraphs of a Markdown text, with removed images and captions recorded as edits."""
    from markdown_it import MarkdownIt  # a twentieth of a CPU-second: only for Markdown

    parser = MarkdownIt("commonmark", {"html": False})
    tokens = parser.parse(text)
    paragraphs: list[Paragraph] = []
    edits: list[Edit] = []
    kind = "text"
    for token in tokens:
        if token.type == "heading_open":
            kind = "heading"
        elif token.type == "paragraph_open":
            kind = "text"
        elif token.type == "inline" and token.map is not None:
            first_line = token.map[0] + 1
            for line, body, strong in _render_inline(token, first_line, edits):
                if body:
                    block_kind = "strong" if strong and kind == "text" else kind
                    paragraphs.append(Paragraph(body, line, block_kind))
        elif token.type in ("code_block", "fence") and token.map is not None:
            for offset, line in enumerate(token.content.split("\n")):
                stripped = line.strip(_INDENT)
                if stripped:
                    number = token.map[0] + 1 + offset + (1 if token.type == "fence" else 0)
                    paragraphs.append(Paragraph(stripped, (number, number)))
        elif token.type == "html_block" and token.map is not None:
            edits.append(
                Edit(STEP, "markdown-html-block", "remove", token.content.strip(),
                     token.map[0] + 1, why="raw HTML inside Markdown is markup, not text")
            )
    return Parsed(_drop_lone_captions(paragraphs, edits), edits)


def parse_text(text: str, markdown: bool | None = None, *, controls: bool = True) -> Parsed:
    r"""Parse as Markdown when asked to, or when ``markdown`` is None and the text looks like it.

    Line breaks are made ``\n`` and control characters cut first (recorded as edits): files
    are decoded that way already, but a JSONL text field can hold ``\r\n`` or ``\u0000``.
    ``controls=False`` says the text is known to hold no control character (the reader of
    a JSON line tells, `curate.io.readers.json_may_hold_controls`): it is not searched.

    >>> [p.text for p in parse_text("第一段\r\n第二\x00段").paragraphs]
    ['第一段', '第二段']
    """
    edits: list[Edit] = []
    if "\r" in text:
        text = _LINE_BREAK.sub("\n", text)
    if controls and _CONTROL_CHARACTERS.search(text):
        text = _without_control_characters(text, edits)
    if markdown is None:
        markdown = looks_like_markdown(text)
    if "&" in text:
        text = _with_entities_decoded(text, edits, markdown)
    parsed = parse_markdown(text) if markdown else parse_plain(text)
    parsed.edits[:0] = edits
    return parsed


def _without_control_characters(text: str, edits: list[Edit]) -> str:
    """``text`` without control characters, one edit per line that held some."""
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        found = _CONTROL_CHARACTERS.findall(line)
        if found:
            edits.append(Edit(STEP, "control-characters", "remove", "".join(found), number,
                              why="control characters are not text (NUL, BEL, ESC...)"))
            lines[number - 1] = _CONTROL_CHARACTERS.sub("", line)
    return "\n".join(lines)


def _with_entities_decoded(text: str, edits: list[Edit], markdown: bool) -> str:
    """``text`` with the HTML character references it holds decoded, one edit each.

    In Markdown, a reference that stands for ASCII (``&lt;``, ``&#42;``) is left to the parser,
    which reads it as a literal character; decoding it first would make it markup.

    >>> edits = []
    >>> _with_entities_decoded("达拉斯小牛队后卫卢卡&middot;东契奇", edits, markdown=False)
    '达拉斯小牛队后卫卢卡·东契奇'
    >>> [(e.rule, e.text, e.replacement) for e in edits]
    [('html-entity', '&middot;', '·')]
    """
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if "&" not in line:
            continue

        def decoded(found: regex.Match[str], number: int = number) -> str:
            char = html.unescape(f"&{found[1]};")
            if char == f"&{found[1]};" or _CONTROL_CHARACTERS.search(char) or (
                markdown and char.isascii()
            ):
                return found.group()
            edits.append(Edit(STEP, "html-entity", "replace", found.group(), number,
                              replacement=char,
                              why="an HTML character reference is markup for the character"))
            return char

        lines[number - 1] = _ENTITY.sub(decoded, line)
    return "\n".join(lines)


def join_wrapped(left: str, right: str) -> str:
    """Join two hard-wrapped pieces: a space only between two ASCII words.

    >>> join_wrapped("股价飙升超过", "25%。")
    '股价飙升超过25%。'
    >>> join_wrapped("Compute Unified Device", "Architecture")
    'Compute Unified Device Architecture'
    """
    left, right = left.rstrip(" \t"), right.lstrip(" \t")
    if _ASCII_WORD_END.search(left) and _ASCII_WORD_START.search(right):
        return f"{left} {right}"
    return left + right


def _render_inline(
    token: Token, first_line: int, edits: list[Edit]
) -> list[tuple[tuple[int, int], str, bool]]:
    """Render an inline token to pieces split at hard breaks: ``((first, last), text, strong)``.

    ``strong`` is True when the whole piece was inside ``**…**`` (site and date lines of
    Markdown headers are written that way).
    """
    pieces: list[tuple[tuple[int, int], str, bool]] = []
    current = ""
    start = line = first_line
    strong_depth = 0
    all_strong = True
    after_image = False
    in_caption = False
    caption = ""
    children = token.children or []
    for child in children:
        kind = child.type
        if kind == "image":
            alt = child.content
            edits.append(
                Edit(STEP, "markdown-image", "remove", f"![{alt}]({child.attrs.get('src', '')})",
                     line, why="images carry no text for the corpus")
            )
            after_image = True
            continue
        if kind == "em_open" and after_image and not current.strip():
            in_caption, caption = True, ""
            continue
        if in_caption:
            if kind == "em_close":
                edits.append(
                    Edit(STEP, "markdown-image-caption", "remove", caption, line,
                         why="a caption in emphasis right after an image describes the image")
                )
                in_caption = False
            elif kind == "text":
                caption += child.content
            continue
        if kind in ("softbreak", "hardbreak"):
            line += 1
            if kind == "hardbreak":
                pieces.append(((start, line - 1), current.strip(_INDENT), all_strong))
                current, start, all_strong = "", line, True
            else:
                current = current.rstrip(" \t") + "\n"
            continue
        if kind == "strong_open":
            strong_depth += 1
            continue
        if kind == "strong_close":
            strong_depth -= 1
            continue
        if kind in ("text", "code_inline"):
            if child.content.strip() and strong_depth == 0:
                all_strong = False
            after_image = after_image and not child.content.strip()
            current += child.content
    pieces.append(((start, line), current.strip(_INDENT), all_strong))
    return [(span, _join_lines(text), strong) for span, text, strong in pieces]


def _join_lines(text: str) -> str:
    parts = text.split("\n")
    joined = parts[0]
    for part in parts[1:]:
        joined = join_wrapped(joined, part)
    return joined.strip(_INDENT)


def _drop_lone_captions(paragraphs: list[Paragraph], edits: list[Edit]) -> list[Paragraph]:
    """Drop a short emphasised source line standing alone right after an image line."""
    image_lines = {e.line for e in edits if e.rule == "markdown-image"}
    kept = []
    for paragraph in paragraphs:
        previous_image = any(paragraph.lines[0] - gap in image_lines for gap in (1, 2))
        if previous_image and len(paragraph.text) <= 40 and _CAPTION_HINT.match(paragraph.text):
            edits.append(
                Edit(STEP, "markdown-image-caption", "remove", paragraph.text, paragraph.lines[0],
                     why="a short source line right under an image is the image's caption")
            )
            continue
        kept.append(paragraph)
    return kept
