r"""What a rule pattern needs in a text before it can match: words, and a length.

Most paragraphs match none of the rule patterns, and trying a pattern at every position of
every paragraph is most of the cost of the line and spam steps. ``pattern_needs`` reads a
pattern and says which groups of words any text it matches holds a word of each of, and how
long a text it can match whole, so that a pattern whose words are absent is not tried at all:

    >>> needs = pattern_needs(r"^.{0,80}(?:ICP备|公网安备).{0,80}$")
    >>> [sorted(group) for group in needs.words], needs.max_chars
    ([['icp备', '公网安备']], 165)
    >>> [sorted(group) for group in pattern_needs(r"(?:威尼斯人|皇冠)\d*(?:官网|网址)").words]
    [['威尼斯人', '皇冠'], ['官网', '网址']]

`WordScreen` finds all the words of many patterns in the lines of a page in one pass over
the page and answers, line by line, which patterns may match. Both only ever skip a pattern
that cannot match: the pattern itself still decides. Syntax this reader does not know (a
backreference, a nested set, verbose mode) makes it say nothing of that pattern, which is
then always tried.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import regex

from curate.clean.line_features import code_points

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_QUANTIFIER = regex.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_QUANTIFIERS = ("?", "*", "+", "{")
_ASCII_CAPITALS = regex.compile(r"[A-Z]+")
_ASCII_LETTER = regex.compile(r"[A-Za-z]")
# A word group `PatternScreen` tests holds at most this many words.
SCREEN_MAX_WORDS = 8
# Combinations of words found and lengths whose answers are remembered (then afresh).
_REMEMBERED_ANSWERS = 4096
_MASK64 = (1 << 64) - 1
# A page up to this many characters is read character by character (see `_PageWords`).
_SHORT_PAGE = 64
_PLAIN = regex.compile(r"[^\\^$.|?*+()\[\]{}]+")
_INLINE_FLAGS = regex.compile(r"\(\?([a-zA-Z]*)(?:-([a-zA-Z]+))?([:)])")
_GROUP_NAME = regex.compile(r"\(\?P?<([A-Za-z_]\w*)>")
_CLASS_ESCAPES = "dDsSwW"
_ZERO_WIDTH_ESCAPES = "bBAZzGmM"
_CONTROL_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}
_UNBOUNDED = None
# The characters besides ASCII letters whose lower, upper, title case or case folding holds
# an ASCII letter (ß, İ, ı, ſ, the Kelvin sign, the ligatures ﬀ to ﬆ): all that a pattern
# matching without regard to case can take for an ASCII letter. A plain class: the standard
# library's engine scans a text for it in half the time.
_ASCII_FOLDING = re.compile("[\u00df\u0130\u0131\u0149\u017f\u01f0\u1e96-\u1e9a\u1e9e"
                               "\u212a\ufb00-\ufb06]")


class _Unknown(Exception):
    """Syntax the reader does not follow: nothing is said of the pattern."""


@dataclass(frozen=True)
class PatternNeeds:
    """``words``: groups of words (ASCII letters lowered), a word of each of which is in any
    text the pattern matches in (none: nothing known); ``max_chars``: the longest text the
    pattern matches whole (anchored at both ends), or None; ``folds``: whether some of it
    matches without regard to case; ``linear``: whether the pattern holds no repetition
    (``?``, ``*``, ``+``, ``{…}``) and no backreference, so that each attempt follows each
    path through it once and a search takes time linear in the text (False when not read)."""

    words: tuple[frozenset[str], ...]
    max_chars: int | None
    folds: bool = False
    linear: bool = False


@dataclass
class _Node:
    words: tuple[frozenset[str], ...]
    max_chars: int | None
    literal: str | None = None  # plain characters, to join with their neighbours
    starts_anchored: bool = False
    ends_anchored: bool = False
    zero_width: bool = False


def pattern_needs(pattern: str, flags: int = 0) -> PatternNeeds:
    r"""The words and length a text needs for ``pattern`` to match (see the module), and
    whether it cannot backtrack.

    >>> pattern_needs("[。！？!?；;，,]").linear, pattern_needs(r"(?:本文|文章)来源\s").linear
    (True, True)
    >>> [pattern_needs(p).linear for p in ("^(a|aa)+$", "本文来源：?", r"(a)\1")]
    [False, False, False]
    """
    return _needs(pattern, int(flags & _FLAGS_READ))


# The flags that change what a pattern needs. A rule pattern is read for its own screen and
# again for the screen of its kind's patterns: the answer is worked out once.
_FLAGS_READ = regex.VERBOSE | regex.MULTILINE | regex.IGNORECASE


@cache
def _needs(pattern: str, flags: int) -> PatternNeeds:
    if flags & (regex.VERBOSE | regex.MULTILINE):
        return PatternNeeds((), None)
    reader = _Reader(pattern)
    try:
        node = reader.alternation()
        if reader.at < len(pattern):
            raise _Unknown
    except _Unknown:
        return PatternNeeds((), None)
    folds = bool(flags & regex.IGNORECASE) or reader.folds
    words = tuple(frozenset(word.translate(_ASCII_LOWER) for word in group)
                  for group in node.words)
    if folds:  # a word with other cased letters would need them folded too
        words = tuple(group for group in words
                      if not any(_has_case_beyond_ascii(word) for word in group))
    whole = node.starts_anchored and node.ends_anchored and node.max_chars is not None
    # ``$`` also matches before a line break that ends the text.
    return PatternNeeds(words, node.max_chars + 1 if whole else None, folds,
                        linear=not reader.repeats)


def _has_case_beyond_ascii(word: str) -> bool:
    return word.lower() != word or word.upper() != word.translate(_ASCII_UPPER)


class _Reader:
    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.at = 0
        self.folds = False
        self.repeats = False  # a quantifier was read

    def peek(self) -> str:
        return self.pattern[self.at] if self.at < len(self.pattern) else ""

    def alternation(self) -> _Node:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.at += 1
            branches.append(self.sequence())
        if len(branches) == 1:
            return branches[0]
        words: tuple[frozenset[str], ...] = ()
        if all(branch.words for branch in branches):  # a word of one branch's best group
            words = (frozenset().union(*(max(branch.words, key=_selectivity)
                                         for branch in branches)),)
        lengths = [branch.max_chars for branch in branches]
        return _Node(words, None if _UNBOUNDED in lengths else max(lengths),
                     starts_anchored=all(branch.starts_anchored for branch in branches),
                     ends_anchored=all(branch.ends_anchored for branch in branches))

    def sequence(self) -> _Node:
        items: list[tuple[_Node, int, int | None]] = []
        while self.peek() not in ("", "|", ")"):
            run = _PLAIN.match(self.pattern, self.at)
            if run and len(run[0]) > 1:  # plain characters, the last left to a quantifier
                text = run[0] if self.pattern[run.end():run.end() + 1] not in _QUANTIFIERS \
                    else run[0][:-1]
                self.at += len(text)
                items.append((_Node((frozenset([text]),), len(text), literal=text), 1, 1))
                continue
            item = self.item()
            low, high = self.quantifier()
            items.append((item, low, high))
        return _joined(items)

    def quantifier(self) -> tuple[int, int | None]:
        char = self.peek()
        if char in ("?", "*", "+"):
            self.at += 1
            low, high = {"?": (0, 1), "*": (0, None), "+": (1, None)}[char]
        elif char == "{":
            found = _QUANTIFIER.match(self.pattern, self.at)
            if not found:
                raise _Unknown
            self.at = found.end()
            low = int(found[1] or 0)
            high = int(found[3]) if found[3] else (None if found[2] else low)
        else:
            return 1, 1
        self.repeats = True
        if self.peek() in ("?", "+"):  # lazy or possessive: the same texts
            self.at += 1
        if self.peek() in _QUANTIFIERS:
            raise _Unknown
        return low, high

    def item(self) -> _Node:
        char = self.peek()
        if char == "(":
            return self.group()
        if char == "[":
            return self.char_set()
        if char == "\\":
            return self.escape()
        self.at += 1
        if char == ".":
            return _Node((), 1)
        if char == "^":
            return _Node((), 0, starts_anchored=True, zero_width=True)
        if char == "$":
            return _Node((), 0, ends_anchored=True, zero_width=True)
        if char in "*+?{":
            raise _Unknown
        return _Node((frozenset([char]),), 1, literal=char)

    def escape(self) -> _Node:
        char = self.pattern[self.at + 1: self.at + 2]
        self.at += 2
        if not char:
            raise _Unknown
        if char in _CLASS_ESCAPES:
            return _Node((), 1)
        if char in "pP":
            if self.peek() == "{":
                close = self.pattern.find("}", self.at)
                if close < 0:
                    raise _Unknown
                self.at = close + 1
            else:
                self.at += 1
            return _Node((), 1)
        if char in _ZERO_WIDTH_ESCAPES:
            return _Node((), 0, zero_width=True)
        literal = _CONTROL_ESCAPES.get(char, char if not char.isalnum() else None)
        if literal is None:
            raise _Unknown  # a backreference, \x, \u, \N{...}: not followed
        return _Node((frozenset([literal]),), 1, literal=literal)

    def char_set(self) -> _Node:
        """``[...]``: one character; its characters are words when it lists a few plainly."""
        self.at += 1
        negated = self.peek() == "^"
        if negated:
            self.at += 1
        if self.peek() == "]":
            raise _Unknown
        members: set[str] | None = set()
        while True:
            char = self.peek()
            if not char or char == "[":
                raise _Unknown  # unclosed, or a nested set
            self.at += 1
            if char == "]":
                break
            if char == "\\":
                escaped = self.peek()
                self.at += 1
                if escaped in "pP" and self.peek() == "{":
                    self.at = self.pattern.index("}", self.at) + 1
                    members = None
                elif escaped.isalnum():
                    literal = _CONTROL_ESCAPES.get(escaped)
                    if literal is None:
                        members = None
                    elif members is not None:
                        members.add(literal)
                elif members is not None:
                    members.add(escaped)
            elif char == "-" and members and self.peek() != "]":
                members = None  # a range, or the set difference ``--``
            elif char in "&|~" and self.peek() == char:
                members = None  # a set operation
            elif members is not None:
                members.add(char)
        if negated or not members:
            return _Node((), 1)
        return _Node((frozenset(members),), 1)

    def group(self) -> _Node:
        start = self.at
        kind = "group"
        if self.pattern.startswith("(?:", start) or self.pattern.startswith("(?>", start):
            self.at += 3
        elif self.pattern.startswith(("(?=", "(?!"), start):
            kind = "ahead" if self.pattern[start + 2] == "=" else "not"
            self.at += 3
        elif self.pattern.startswith(("(?<=", "(?<!"), start):
            kind = "ahead" if self.pattern[start + 3] == "=" else "not"
            self.at += 4
        elif (name := _GROUP_NAME.match(self.pattern, start)) is not None:
            self.at = name.end()
        elif self.pattern.startswith("(?", start):
            flags = _INLINE_FLAGS.match(self.pattern, start)
            if flags is None or "x" in flags[1] or "m" in flags[1]:
                raise _Unknown
            self.folds = self.folds or "i" in flags[1]
            self.at = flags.end()
            if flags[3] == ")":
                return _Node((), 0, zero_width=True)
        else:
            self.at += 1
        inner = self.alternation()
        if self.peek() != ")":
            raise _Unknown
        self.at += 1
        if kind == "not":
            return _Node((), 0, zero_width=True)
        if kind == "ahead":
            return _Node(inner.words, 0, zero_width=True)  # what it sees is in the text
        return _Node(inner.words, inner.max_chars, starts_anchored=inner.starts_anchored,
                     ends_anchored=inner.ends_anchored)


def _joined(items: Sequence[tuple[_Node, int, int | None]]) -> _Node:
    """A sequence: its longest match, and the word groups of all its required parts (plain
    characters next to each other joined into one word)."""
    candidates: list[frozenset[str]] = []
    run = ""
    max_chars: int | None = 0
    for node, low, high in items:
        single = node.literal is not None and low == high == 1
        if single:
            run += node.literal
        elif run:
            candidates.append(frozenset([run]))
            run = ""
        if low >= 1 and not single:
            candidates.extend(node.words)
        if max_chars is not None:
            max_chars = (None if high is None or node.max_chars is None
                         else max_chars + node.max_chars * high)
    if run:
        candidates.append(frozenset([run]))
    words = tuple(dict.fromkeys(candidates))
    # Anchored when the first part that is not a look-around is ``^`` (the last ``$``).
    ends = [(node, low) for node, low, _ in items
            if not node.zero_width or node.starts_anchored or node.ends_anchored]
    return _Node(words, max_chars,
                 starts_anchored=bool(ends) and ends[0][1] >= 1 and ends[0][0].starts_anchored,
                 ends_anchored=bool(ends) and ends[-1][1] >= 1 and ends[-1][0].ends_anchored)


def _selectivity(words: frozenset[str]) -> tuple[int, int]:
    """Longer words are rarer; of equally long ones, fewer words are rarer."""
    return min(len(word) for word in words), -len(words)


class WordScreen:
    """The needs of many patterns, checked against the lines of a page in one pass.

    ``may_match_lines(texts)`` gives, for each text and each pattern in order, whether the
    pattern may match the text; a pattern whose needs are unknown always may. Each group of
    words is a bit. The words are found in the page's texts joined, over its code points:
    a character that is a word alone gives its bits through a table, and a longer word is
    compared only where the page holds its first two characters; a word found counts for
    the text it stands inside, never for two texts it straddles. The answer for a text
    depends only on the bits found in it, its length and whether it holds a folding
    character, so it is worked out once for each such combination met.

    >>> screen = WordScreen([r"^(?:编辑|责编)[:：]\\S{1,8}$", r"(?:来源|来自)[:：]"])
    >>> screen.may_match_lines(["编辑：康晓", "稿件来", "源：新华社", "来源：新华社"])
    [(True, False), (False, False), (False, False), (False, True)]
    """

    def __init__(self, patterns: Iterable[str], flags: int = 0) -> None:
        self.needs = [pattern_needs(pattern, flags) for pattern in patterns]
        bits: dict[frozenset[str], int] = {}
        for need in self.needs:
            for group in need.words:
                bits.setdefault(group, 1 << len(bits))
        self._required = [sum({bits[group] for group in need.words}) for need in self.needs]
        self._limits = sorted({need.max_chars for need in self.needs
                               if need.max_chars is not None})
        masks: dict[str, int] = {}
        for group, bit in bits.items():
            for word in group:
                masks[word] = masks.get(word, 0) | bit
        self._words = _PageWords(masks, len(bits))
        self._answers: dict[tuple[int, bool, int], tuple[bool, ...]] = {}

    def may_match(self, text: str) -> tuple[bool, ...]:
        """`may_match_lines` of one text."""
        return self.may_match_lines([text])[0]

    def may_match_lines(self, texts: Sequence[str]) -> list[tuple[bool, ...]]:
        if not texts:
            return []
        page = "\n".join(texts)
        found = self._words.found(texts, page)
        # A pattern that ignores case may take ß or the Kelvin sign for an ASCII letter.
        folding = ([_ASCII_FOLDING.search(text) is not None for text in texts]
                   if _ASCII_FOLDING.search(page) is not None else [False] * len(texts))
        return [self._answer(bits, folds, len(text))
                for bits, folds, text in zip(found, folding, texts, strict=True)]

    def _answer(self, found: int, folding: bool, length: int) -> tuple[bool, ...]:
        key = (found, folding, bisect_left(self._limits, length))
        answer = self._answers.get(key)
        if answer is None:
            if len(self._answers) >= _REMEMBERED_ANSWERS:
                self._answers.clear()
            answer = self._answers[key] = tuple(
                (need.max_chars is None or length <= need.max_chars)
                and ((need.folds and folding) or (found & required) == required)
                for need, required in zip(self.needs, self._required, strict=True))
        return answer


class _PageWords:
    """Words (ASCII letters lowered) with the bits of their groups, found in the texts of a
    page at once. Each character a word begins with, continues with or is has a number;
    ``singles[number]`` holds the bits of that character as a word alone, 64 to a column,
    and ``pairs[first * width + second]`` the place in ``longer`` (from 1) of the words of
    two characters or more that begin with those two. A page of a few characters (a title
    asked alone) is read character by character instead: NumPy's calls would cost more."""

    def __init__(self, masks: dict[str, int], bits: int) -> None:
        self.single = {word: mask for word, mask in masks.items() if len(word) == 1}
        chars = sorted({word[i] for word in masks for i in range(min(len(word), 2))})
        self.number = np.zeros(0x110000, dtype=np.intp)
        self.number[[ord(char) for char in chars]] = np.arange(1, len(chars) + 1)
        self.width = len(chars) + 1
        self.columns = max(1, -(-bits // 64))
        self.singles = np.zeros((self.width, self.columns), dtype=np.uint64)
        starting: dict[str, list[tuple[str, int]]] = {}
        for word, mask in masks.items():
            if len(word) == 1:
                row = self.singles[self.number[ord(word)]]
                for column in range(self.columns):
                    row[column] |= np.uint64((mask >> (64 * column)) & _MASK64)
            else:
                starting.setdefault(word[:2], []).append((word, mask))
        self.any_single = bool(self.singles.any())
        self.starting = {start: tuple(starting[start]) for start in sorted(starting)}
        self.longer = list(self.starting.values())
        self.pairs = np.zeros(self.width * self.width, dtype=np.intp)
        for place, start in enumerate(self.starting, start=1):
            self.pairs[self.number[ord(start[0])] * self.width + self.number[ord(start[1])]] = place

    def found(self, texts: Sequence[str], page: str) -> list[int]:
        """The bits of the words standing inside each of ``texts``, joined into ``page`` with
        one character between each two."""
        if len(page) <= _SHORT_PAGE:
            return [self._found_in(ascii_lowered(text)) for text in texts]
        lowered = ascii_lowered(page)
        numbers = self.number.take(code_points(lowered))
        lengths = np.fromiter(map(len, texts), dtype=np.intp, count=len(texts))
        starts = np.cumsum(lengths + 1) - lengths - 1
        ends = starts + lengths
        found = [0] * len(texts)
        if self.any_single:
            bits = self.singles.take(numbers, axis=0)  # a third of indexing's cost
            bits[ends[:-1]] = 0  # the characters joining the texts
            # One character past the page's end, so that every text's span holds one at least.
            bits = np.concatenate([bits, np.zeros((1, self.columns), dtype=np.uint64)])
            rows = np.bitwise_or.reduceat(bits, starts, axis=0).tolist()
            found = [sum(value << (64 * column) for column, value in enumerate(row))
                     for row in rows] if self.columns > 1 else [row[0] for row in rows]
        if self.longer and len(numbers) > 1:
            places = self.pairs.take(numbers[:-1] * self.width + numbers[1:])
            at = np.flatnonzero(places)
            if len(at):
                lines = np.searchsorted(starts, at, side="right") - 1
                for position, line, place in zip(at.tolist(), lines.tolist(),
                                                 places[at].tolist(), strict=True):
                    end = int(ends[line])
                    for word, mask in self.longer[place - 1]:
                        if position + len(word) <= end and lowered.startswith(word, position):
                            found[line] |= mask
        return found

    def _found_in(self, lowered: str) -> int:
        found = 0
        for char in set(lowered):
            found |= self.single.get(char, 0)
        for position in range(len(lowered) - 1):
            for word, mask in self.starting.get(lowered[position:position + 2], ()):
                if lowered.startswith(word, position):
                    found |= mask
        return found


class PatternScreen:
    """The needs of one pattern, checked with a few substring tests: whether it may match a
    text. Groups of more than `SCREEN_MAX_WORDS` words are left out (testing them would cost
    more than the match saved), so a pattern may be tried where it cannot match, never the
    other way round.

    >>> screen = PatternScreen(r"^(?:https?://|www\\.)\\S+$")
    >>> screen.may_match("https://www.aicaijing.com.cn/"), screen.may_match("多国反对加征关税")
    (True, False)
    """

    __slots__ = ("folds", "groups", "lowers", "max_chars")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        needs = pattern_needs(pattern, flags)
        usable = [tuple(sorted(group)) for group in needs.words
                  if len(group) <= SCREEN_MAX_WORDS]
        self.groups = tuple(sorted(usable, key=len))
        self.max_chars = needs.max_chars
        self.folds = needs.folds
        # The words' ASCII letters are lowered: so must the text's be, when a word has one.
        self.lowers = any(_ASCII_LETTER.search(word) for group in self.groups for word in group)

    @property
    def says_something(self) -> bool:
        return bool(self.groups) or self.max_chars is not None

    def may_match(self, text: str) -> bool:
        if self.max_chars is not None and len(text) > self.max_chars:
            return False
        probe = ascii_lowered(text) if self.lowers else text
        for group in self.groups:
            if not any(word in probe for word in group):
                # A pattern that ignores case may take ß or the Kelvin sign for a letter.
                return self.folds and _ASCII_FOLDING.search(text) is not None
        return True


def folds_to_ascii(text: str) -> bool:
    """Whether ``text`` holds a character besides ASCII letters that ignoring case may take
    for an ASCII letter (ß, the Kelvin sign): lowering ASCII alone does not ignore case there.

    >>> folds_to_ascii("ſexinſex"), folds_to_ascii("国产 QQ")
    (True, False)
    """
    return _ASCII_FOLDING.search(text) is not None


def ascii_lowered(text: str) -> str:
    """``text`` with its ASCII capitals lowered and every other character as it is.

    >>> ascii_lowered("ICP备 Ａ Σ")
    'icp备 Ａ Σ'
    """
    if _ASCII_CAPITALS.search(text) is None:
        return text
    return _ASCII_CAPITALS.sub(lambda run: run[0].lower(), text)
