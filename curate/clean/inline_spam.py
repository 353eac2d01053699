"""Remove gambling spam spliced into sentences, and measure how much of a page is spam.

SEO spam pages keep a real article and splice gambling advertisements into it: a site's
brand glued to the words that make it a site and send the reader there, put where a clause
or a name was. The shapes and words are in ``rules/inline_spam.yaml`` and the brand names in
``rules/spam_injection_brands.tsv``:

    3月11日上午，王者威尼斯人现金网网址：某县一家工厂发生事故
    -> 3月11日上午，某县一家工厂发生事故  (rule inline-spam:gambling)

A trade or site word alone never makes spam (国际足联, 体育彩票中心, 平台经济, 官网显示,
下载量): a phrase needs a gambling brand, a private fast lottery (秒速赛车), a casino game
with a tip word, or a made-up name with a word only gambling sites use (银狮贵宾会).

``spam_share`` is the share of a text's characters that are spam: removed phrases plus, in
what remains, gambling and porn keywords. At ``share.drop_at`` a page is mostly spam.
"""

from __future__ import annotations

import unicodedata
import weakref
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import regex

from curate.clean.spin import FormMatcher
from curate.edits import Change
from curate.literal_screen import WordScreen, ascii_lowered
from curate.rules import RuleError, Rules, compile_pattern

RULES_FILE = "inline_spam.yaml"
BRANDS_FILE = "spam_injection_brands.tsv"
RULE_PREFIX = "inline-spam:"
LINK_LIST_RULE = RULE_PREFIX + "link-list"
BRAND_KINDS = ("alone", "brand", "common")

_PLACEHOLDER = regex.compile(r"\{([a-z_]+)\}")
_LATIN = regex.compile(r"[A-Za-z]")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ITEM = regex.compile(r"\S+")
# What lets a pattern's match depend on text outside the paragraph it lies in: an anchor, or
# a negative look-around (whose text is group 1) that a neighbouring line break could fail.
_EDGE_SENSITIVE = regex.compile(r"\\[bBAZGz]|[\^$]|\(\?<?!((?:[^()\\]|\\.)*)\)")
# Items of a link list are names, not clauses: a line with sentence punctuation is prose.
_SENTENCE_PUNCTUATION = regex.compile(r"[。！？；，,;!?]")


@dataclass(frozen=True)
class SpamShape:
    """One way injected phrases are built: a compiled pattern, its rule id and the reason."""

    rule: str
    regex: regex.Pattern
    why: str


@dataclass(frozen=True)
class LinkListRule:
    """A line of at least ``min_items`` short items, ``min_spam_share`` of them spam."""

    min_items: int
    max_item_chars: int
    min_spam_share: float


@dataclass(frozen=True)
class InlineSpam:
    """The compiled rules of ``rules/inline_spam.yaml`` and the brand lexicon."""

    shapes: tuple[SpamShape, ...]
    brackets: Mapping[str, str]
    label_separators: str
    link_list: LinkListRule
    keywords: FormMatcher
    drop_at: float
    # The words each shape needs: a shape whose words a text lacks is not tried on it.
    screen: WordScreen
    # Whether a phrase found in a paragraph is found in the whole text too, so that a text
    # without phrases has none in any of its paragraphs.
    paragraph_local: bool = False

    @classmethod
    def from_rules(cls, rules: Rules) -> InlineSpam:
        config = rules.yaml(RULES_FILE)
        try:
            lists = {name: [str(w) for w in words] for name, words in config["words"].items()}
            lists.update(_brands_by_kind(rules))
            shapes = tuple(_shape(entry, lists) for entry in config["shapes"])
            brackets = {pair[0]: pair[1] for pair in config["brackets"]}
            link_list = LinkListRule(
                int(config["link_list"]["min_items"]),
                int(config["link_list"]["max_item_chars"]),
                float(config["link_list"]["min_spam_share"]),
            )
            share = config["share"]
            keywords = [str(w).translate(_ASCII_LOWER) for w in share["keywords"]]
            keywords += [
                w.translate(_ASCII_LOWER) for name in share["lexicons"] for w in rules.lines(name)
            ]
            return cls(
                shapes=shapes,
                brackets=brackets,
                label_separators=str(config["label_separators"]),
                link_list=link_list,
                keywords=FormMatcher.of(keywords),
                drop_at=float(share["drop_at"]),
                screen=WordScreen([shape.regex.pattern for shape in shapes], regex.IGNORECASE),
                paragraph_local=all(_paragraph_local(shape.regex.pattern) for shape in shapes),
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise RuleError(
                f"rules/{RULES_FILE}: needs words, shapes (id, pattern, why), brackets, "
                f"label_separators, link_list and share ({exc!r})"
            ) from None


_COMPILED: weakref.WeakKeyDictionary[Rules, InlineSpam] = weakref.WeakKeyDictionary()


def inline_spam_rules(rules: Rules) -> InlineSpam:
    """The inline-spam rules of ``rules``, compiled once per `Rules`."""
    if rules not in _COMPILED:
        _COMPILED[rules] = InlineSpam.from_rules(rules)
    return _COMPILED[rules]


def alternation(words: Iterable[str]) -> str:
    """A pattern matching any of ``words``, longest first; latin ends only at word edges.

    >>> alternation(["官网", "app", "官网首页"])
    '(?:官网首页|(?<![a-z])app(?![a-z])|官网)'
    """
    ordered = sorted(set(words), key=lambda word: (-len(word), word))
    return "(?:" + "|".join(_literal(word) for word in ordered) + ")"


def _literal(word: str) -> str:
    pattern = regex.escape(word)
    if _LATIN.match(word[0]):
        pattern = r"(?<![a-z])" + pattern
    if _LATIN.match(word[-1]):
        pattern += r"(?![a-z])"
    return pattern


def _brands_by_kind(rules: Rules) -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {kind: [] for kind in BRAND_KINDS}
    for row in rules.table(BRANDS_FILE):
        if row["kind"] not in kinds:
            raise RuleError(
                f"rules/{BRANDS_FILE}:{row.line}: kind {row['kind']!r} is not one of "
                f"{', '.join(BRAND_KINDS)}"
            )
        kinds[row["kind"]].append(row["brand"])
    return kinds


def _shape(entry: dict, lists: Mapping[str, list[str]]) -> SpamShape:
    def expand(placeholder: regex.Match) -> str:
        name = placeholder.group(1)
        if name not in lists:
            raise RuleError(f"rules/{RULES_FILE}: shape {entry['id']!r} uses unknown {{{name}}}")
        return alternation(lists[name])

    pattern = _PLACEHOLDER.sub(expand, entry["pattern"])
    compiled = compile_pattern(pattern, f"rules/{RULES_FILE}: shape {entry['id']!r}",
                               regex.IGNORECASE)
    return SpamShape(RULE_PREFIX + entry["id"], compiled, entry["why"])


def _paragraph_local(pattern: str) -> bool:
    """Whether ``pattern`` matching inside a paragraph matches in any text holding it, lines
    joined by line breaks: no anchor, no negative look-around a line break would fail.

    >>> _paragraph_local(r"(?<![a-z])app(?![a-z])"), _paragraph_local(r"^官网")
    (True, False)
    """
    for token in _EDGE_SENSITIVE.finditer(pattern):
        if token.group(1) is None or regex.search(token.group(1), "\n", regex.IGNORECASE):
            return False
    return True


def find_injected_spam(text: str, rules: Rules) -> list[Change]:
    """Changes removing each injected gambling phrase, with the brackets or label mark it takes.

    >>> from curate.edits import apply_changes
    >>> text = "【开云体育官网】3月11日上午，王者威尼斯人现金网网址：某县一家工厂发生事故"
    >>> apply_changes(text, find_injected_spam(text, Rules()))
    '3月11日上午，某县一家工厂发生事故'
    >>> find_injected_spam("国际足联官网显示，体育彩票中心下载量上升", Rules())
    []
    """
    spam = inline_spam_rules(rules)
    spans = _merge(_phrases(text, spam))
    spans = _merge(_widen(text, start, end, rule, spam) for start, end, rule in spans)
    spans = _with_link_lists(text, spans, spam)
    return [Change(start, end, "", rule, text[start:end]) for start, end, rule in spans]


def spam_share(text: str, rules: Rules) -> float:
    """The share of ``text``'s non-space characters inside injected phrases or spam keywords.

    >>> round(spam_share("幸运飞艇开奖结果网址\\n极速赛车五期计划\\n公司位于泰兴", Rules()), 2)
    0.75
    >>> spam_share("国际足联宣布，体育彩票中心的官网下载量上升。", Rules())
    0.0
    """
    return share_of_spam(text, find_injected_spam(text, rules), rules)


def share_of_spam(text: str, injected: list[Change], rules: Rules) -> float:
    """``spam_share`` of ``text`` given ``find_injected_spam(text, rules)``, found before."""
    spam = inline_spam_rules(rules)
    spans = [(c.start, c.end, c.rule) for c in injected]
    spans += [(start, end, "keyword") for start, end in _keywords(text, spam.keywords)]
    total = _visible(text)
    if not total:
        return 0.0
    return sum(_visible(text[start:end]) for start, end, _ in _merge(spans)) / total


def is_mostly_spam(text: str, rules: Rules) -> bool:
    """Whether ``spam_share`` reaches the drop threshold of ``rules/inline_spam.yaml``."""
    return spam_share(text, rules) >= inline_spam_rules(rules).drop_at


def _visible(text: str) -> int:
    return len("".join(text.split()))  # the characters that are not whitespace


def _keywords(text: str, keywords: FormMatcher) -> Iterator[tuple[int, int]]:
    """Spans of keywords in ``text``; latin ends only at word edges (not ``anal`` in analysis)."""
    lowered = ascii_lowered(text)
    for start, word in keywords.finditer(lowered):
        end = start + len(word)
        if _LATIN.match(word[0]) and start > 0 and _LATIN.match(lowered[start - 1]):
            continue
        if _LATIN.match(word[-1]) and end < len(lowered) and _LATIN.match(lowered[end]):
            continue
        yield start, end


def _phrases(text: str, spam: InlineSpam) -> Iterator[tuple[int, int, str]]:
    for shape, may_match in zip(spam.shapes, spam.screen.may_match(text), strict=True):
        if not may_match:
            continue
        for match in shape.regex.finditer(text):
            yield match.start(), match.end(), shape.rule


def _merge(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping spans as one, named by the rule of the one that starts first (longest)."""
    merged: list[tuple[int, int, str]] = []
    for start, end, rule in sorted(spans, key=lambda span: (span[0], -span[1])):
        if merged and start < merged[-1][1]:
            first_start, first_end, first_rule = merged[-1]
            merged[-1] = (first_start, max(first_end, end), first_rule)
        else:
            merged.append((start, end, rule))
    return merged


def _widen(text: str, start: int, end: int, rule: str, spam: InlineSpam) -> tuple[int, int, str]:
    """Take the brackets a phrase fills, its label separator, and its line if it is alone."""
    if 0 < start and end < len(text) and spam.brackets.get(text[start - 1]) == text[end]:
        start, end = start - 1, end + 1
    if start == 0 or _is_boundary(text[start - 1]):
        if end < len(text) and text[end] in spam.label_separators:
            end += 1
        while end < len(text) and text[end] in " \t\u3000":
            end += 1
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:start].strip() or text[end:line_end].strip():
        return start, end, rule
    if line_end < len(text):
        return line_start, line_end + 1, rule
    return max(line_start - 1, 0), line_end, rule


def _is_boundary(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] in "PZ"


def _with_link_lists(
    text: str, spans: list[tuple[int, int, str]], spam: InlineSpam
) -> list[tuple[int, int, str]]:
    """Replace the spans inside each link-list block by one span over the whole block."""
    if not spans and spam.link_list.min_spam_share > 0:
        return spans  # a block needs spam items
    blocks = list(_link_list_blocks(text, spans, spam.link_list))
    if not blocks:
        return spans
    outside = [
        span for span in spans if not any(s <= span[0] and span[1] <= e for s, e in blocks)
    ]
    return _merge(outside + [(s, e, LINK_LIST_RULE) for s, e in blocks])


def _link_list_blocks(
    text: str, spans: list[tuple[int, int, str]], rule: LinkListRule
) -> Iterator[tuple[int, int]]:
    """Runs of list-shaped lines whose items are mostly (``min_spam_share``) spam.

    Link farms come as blocks of lines; judged together, the items no shape knows
    (玛雅娱乐亚洲) go with the ones it does.
    """
    block_start = block_end = items = spam_items = 0
    offset = 0
    for line in [*text.splitlines(keepends=True), ""]:  # the empty line ends the last block
        start, offset = offset, offset + len(line)
        line_items = _list_items(line, start, rule)
        if line_items:
            if not items:
                block_start = start
            block_end = offset
            items += len(line_items)
            spam_items += sum(1 for s, e in line_items if _overlaps(s, e, spans))
            continue
        if items and spam_items >= rule.min_spam_share * items:
            yield block_start, block_end
        items = spam_items = 0


def _overlaps(start: int, end: int, spans: list[tuple[int, int, str]]) -> bool:
    return any(a < end and start < b for a, b, _ in spans)


def _list_items(line: str, start: int, rule: LinkListRule) -> list[tuple[int, int]]:
    """Spans of the short space-separated items of a list-shaped line, else none."""
    if _SENTENCE_PUNCTUATION.search(line):
        return []
    items = [(start + m.start(), start + m.end()) for m in _ITEM.finditer(line)]
    if len(items) < rule.min_items or any(e - s > rule.max_item_chars for s, e in items):
        return []
    return items
