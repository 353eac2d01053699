"""Drop keyword-stuffed SEO header lines from the top of a page.

    国产欧美日韩在线观看_天堂8在线官网_国产丝袜精品丝袜久久_最近中文免费国语在线观看_在线观看黄网站
    -> removed (rule spam-header): five short keyword segments joined by "_", no sentence
       punctuation, spam words in every segment.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from curate.clean.script import convert_to_simplified
from curate.document import Document
from curate.pipeline import Context, step
from curate.rules import Rules

STEP = "drop_spam_header"
_SENTENCE_PUNCTUATION = regex.compile(r"[。，！？；：、,;!?:]")
# Punctuation a header joined by commas or 、 still never holds.
_SENTENCE_END = regex.compile(r"[。！？；：;!?:]")


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
    window: int
    words: regex.Pattern

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
            window=int(config["window"]),
            words=regex.compile(
                "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True)),
                regex.IGNORECASE,
            ),
        )

    def matches(self, line: str) -> bool:
        """Keyword segments joined by ``_ | -`` (two with spam words suffice), or by commas,
        ``、`` or spaces, which titles use too (``乐鱼体育,开云体育,九游会,澳门新葡京``: more
        segments and more different spam words needed)."""
        return (
            self._stuffed(line, self.separators, _SENTENCE_PUNCTUATION, self.min_segments, 1)
            or self._stuffed(line, self.soft_separators, _SENTENCE_END,
                             self.min_soft_segments, self.min_soft_words)
        )

    def _stuffed(self, line: str, separators: regex.Pattern, punctuation: regex.Pattern,
                 min_segments: int, min_words: int) -> bool:
        if punctuation.search(line):
            return False
        segments = [s.strip() for s in separators.split(line) if s.strip()]
        if len(segments) < min_segments:
            return False
        if any(len(s) > self.max_segment_chars for s in segments):
            return False
        # The lexicons are simplified; a traditional header is matched through t2s.
        found = [set(self.words.findall(convert_to_simplified(s, "t2s"))) for s in segments]
        hits = sum(1 for words in found if words)
        return hits >= self.min_lexicon_segments and len(set().union(*found)) >= min_words


@step(STEP)
def drop_spam_header(doc: Document, ctx: Context) -> Document:
    rule = ctx.resource("spam_header", lambda: SpamHeaderRule.from_rules(ctx.rules))
    kept = []
    for index, paragraph in enumerate(doc.paragraphs):
        if index < rule.window and rule.matches(paragraph.text):
            doc.record(STEP, "spam-header", "remove", paragraph.text, paragraph.lines[0],
                       why="keyword-stuffed SEO header: short spam keywords joined by separators")
            continue
        kept.append(paragraph)
    doc.paragraphs = kept
    return doc
