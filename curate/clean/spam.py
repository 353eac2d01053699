"""Drop keyword-stuffed SEO header lines from the top of a page.

    国产欧美日韩在线观看_天堂8在线官网_国产丝袜精品丝袜久久_最近中文免费国语在线观看_在线观看黄网站
    -> removed (rule spam-header): five short keyword segments joined by "_", no sentence
       punctuation, spam words in every segment.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import regex

from curate.clean.script import convert_to_simplified
from curate.clean.spin import FormMatcher
from curate.document import Document
from curate.literal_screen import ascii_lowered, folds_to_ascii
from curate.pipeline import Context, step
from curate.rules import Rules

STEP = "drop_spam_header"
_SENTENCE_PUNCTUATION = regex.compile(r"[。，！？；：、,;!?:]")
# Punctuation a header joined by commas or 、 still never holds.
_SENTENCE_END = regex.compile(r"[。！？；：;!?:]")
_HAN_PAIR = regex.compile(r"\p{Han}{2}")


@dataclass
class SpamHeaderRule:
    """The shape of a spam header, and the lexicon its segments are made of."""

    separators: regex.Pattern
    min_segments: int
    max_segment_chars: int
    min_lexicon_segments: int
    soft_separators: regex.Pattern
    min_soft_segments: int
    min_soft_words: int
    min_variation_segments: int
    window: int
    lexicon: tuple[str, ...]  # longest first

    @cached_property
    def words(self) -> LexiconWords:
        """The lexicon's finder, made when a line first has a header's shape."""
        return LexiconWords(self.lexicon)

    @classmethod
    def from_rules(cls, rules: Rules) -> SpamHeaderRule:
        config = rules.yaml("spam_header.yaml")
        words = {w for name in config["lexicons"] for w in rules.lines(name)}
        for table in config.get("lexicon_tables", []):
            words |= {row[table["column"]] for row in rules.table(table["file"])}
        return cls(
            separators=rules.yaml_pattern("spam_header.yaml", "separators"),
            min_segments=int(config["min_segments"]),
            max_segment_chars=int(config["max_segment_chars"]),
            min_lexicon_segments=int(config["min_lexicon_segments"]),
            soft_separators=rules.yaml_pattern("spam_header.yaml", "soft_separators"),
            min_soft_segments=int(config["min_soft_segments"]),
            min_soft_words=int(config["min_soft_words"]),
            min_variation_segments=int(config["min_variation_segments"]),
            window=int(config["window"]),
            lexicon=tuple(sorted(words, key=len, reverse=True)),
        )

    def matches(self, line: str, opening: bool = True) -> bool:
        """Keyword segments joined by ``_ | -`` (two with spam words suffice, or, in the line
        that opens the page, variations of one keyword: ``免费电影_最新电影_电影下载``), or by
        commas, ``、`` or spaces, which titles use too (``乐鱼体育,开云体育,九游会,澳门新葡京``:
        more segments and more different spam words needed)."""
        hard = self._segments(line, self.separators, _SENTENCE_PUNCTUATION, self.min_segments)
        if hard and (self._spam_words(hard) >= 1 or (
                # Lower down, a menu of channels repeats a word too (艺术教育|艺术机构).
                opening and _most_shared_word(hard)[1] >= self.min_variation_segments)):
            return True
        soft = self._segments(line, self.soft_separators, _SENTENCE_END,
                              self.min_soft_segments)
        if not soft:
            return False
        if self._spam_words(soft) >= self.min_soft_words:
            return True
        # A title may repeat a topic word that a spam list holds too (国产): the spam word
        # must be another.
        shared, count = _most_shared_word(soft)
        return (opening and len(soft) > self.min_soft_segments
                and count >= self.min_variation_segments
                and any(shared not in word
                        for word in self.words.findall(convert_to_simplified(line, "t2s"))))

    def _segments(self, line: str, separators: regex.Pattern, punctuation: regex.Pattern,
                  min_segments: int) -> list[str]:
        """The line's short segments, or none when it does not have the shape of a header."""
        if punctuation.search(line):
            return []
        segments = [s.strip() for s in separators.split(line) if s.strip()]
        if len(segments) < min_segments or any(len(s) > self.max_segment_chars
                                               for s in segments):
            return []
        return segments

    def _spam_words(self, segments: list[str]) -> int:
        """How many different spam words the segments hold, 0 when fewer than
        ``min_lexicon_segments`` segments hold one."""
        # The lexicons are simplified; a traditional header is matched through t2s.
        found = [set(self.words.findall(convert_to_simplified(s, "t2s"))) for s in segments]
        if sum(1 for words in found if words) < self.min_lexicon_segments:
            return 0
        return len(set().union(*found))


@dataclass
class LexiconWords:
    """Finds the words of a lexicon in a text as the alternation of them all, longest first
    and ignoring case, finds them (``findall``: leftmost, longest first, without overlaps),
    with a `FormMatcher` over the text with its ASCII letters lowered. That is the
    alternation's answer whenever the words hold no cased letter beyond ASCII and the text
    no character whose case folding is an ASCII letter (ſ, the Kelvin sign); for the rest
    the alternation is compiled and asked (it takes a twelfth of a CPU-second to compile:
    1,117 words).

    >>> LexiconWords(("开云体育", "开云", "QQ")).findall("加qq看开云体育直播")
    ['qq', '开云体育']
    """

    lexicon: tuple[str, ...]  # longest first
    matcher: FormMatcher | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # A form is two characters or more, and lowering ASCII must be all that case does.
        plain = all(len(word) >= 2 and all(char.isascii() or _caseless(char) for char in word)
                    for word in self.lexicon)
        self.matcher = FormMatcher.of(ascii_lowered(word) for word in self.lexicon) \
            if plain else None

    @cached_property
    def alternation(self) -> regex.Pattern:
        """The lexicon as one pattern, for the texts the matcher cannot read."""
        return regex.compile("|".join(regex.escape(w) for w in self.lexicon), regex.IGNORECASE)

    def findall(self, text: str) -> list[str]:
        """The words found in ``text``, as ``text`` writes them."""
        if self.matcher is None or folds_to_ascii(text):
            return self.alternation.findall(text)
        return [text[start:start + len(form)]
                for start, form in self.matcher.finditer(ascii_lowered(text))]


def _caseless(char: str) -> bool:
    """Whether ``char`` has no other case for ignoring case to take it for."""
    return char.lower() == char.upper() == char.casefold() == char


def _most_shared_word(segments: list[str]) -> tuple[str, int]:
    """The two-character Han word the most segments share, and in how many (``电影`` in
    免费电影, 最新电影 and 电影下载): SEO stuffing repeats a keyword in variations."""
    counts: Counter[str] = Counter()
    for segment in segments:
        counts.update({segment[i : i + 2] for i in range(len(segment) - 1)
                       if _HAN_PAIR.fullmatch(segment[i : i + 2])})
    return counts.most_common(1)[0] if counts else ("", 0)


def spam_header_rule(ctx: Context) -> SpamHeaderRule:
    """The run's `SpamHeaderRule`, built once from its rules."""
    return ctx.resource("spam_header", lambda: SpamHeaderRule.from_rules(ctx.rules))


@step(STEP)
def drop_spam_header(doc: Document, ctx: Context) -> Document:
    rule = spam_header_rule(ctx)
    kept = []
    for index, paragraph in enumerate(doc.paragraphs):
        if index < rule.window and rule.matches(paragraph.text, opening=index == 0):
            doc.record(STEP, "spam-header", "remove", paragraph.text, paragraph.lines[0],
                       why="keyword-stuffed SEO header: short spam keywords joined by separators")
            continue
        kept.append(paragraph)
    doc.paragraphs = kept
    return doc
