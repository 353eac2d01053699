"""Put back the original wording of an article already detected as synonym-spun (伪原创).

A spinner swaps words for dictionary "synonyms" (``毕业`` -> ``卒业``, ``推动`` -> ``鞭策``,
``进行`` -> ``停止``). Many spun forms are ordinary words too, so each spun form found is a
choice between keeping it and putting back one of the words it can stand for, made with
clean-news statistics from ``rules/``:

- ``spin_restore.tsv``: for each spun form, the originals it can stand for with the log prior
  odds (``score``) of "this was the original, swapped" against "the author wrote the form";
- ``spin_context.tsv``: for the words of contested forms, how often each character stands right
  before (``left``) and after (``right``) them in clean news, and how often it occurs in all
  clean news (``*``);
- ``spin_general.tsv``: how often jieba's dictionary, counted over general Chinese, has each
  form and original, so that a word news rarely writes but authors do (``灭亡``) is not
  taken for a swap.

Only whole words are candidates: the text is segmented (`WordSegmenter`, jieba-rs with its own
dictionary) and a spun form counts only where it starts and ends on word boundaries, so
``片断`` inside ``芯片|断供`` or ``长于`` inside ``副理事长|于燮康`` is never touched.

The odds of an original are its score, moved towards general Chinese (`general_odds`),
times how much better its neighbours in clean news fit
the characters around the form than the form's own neighbours do, times
``ORIGINAL_PRESENT_ODDS`` when the original itself still appears in the document (a spinner
swaps a word everywhere or nowhere). The posterior probability of the best original is the
restoration's confidence; the word is put back when it reaches ``RESTORE_AT``, and otherwise
the form stays and is listed as a candidate with its alternatives. A second pass decides
again with the neighbours the first pass put back, since the words around a spun form are
often spun too.

A word is put back only where the text around it is visibly spun, each telltale form counted
once however often it recurs: at least ``MIN_TELLTALES`` other telltale forms stand within
``TELLTALE_REACH`` characters (a spinner swaps every few words; an author's rare word stands
alone), and the wider stretch around it (``DENSITY_REACH`` characters each side) holds
``SPUN_DENSITY`` different telltale forms per 1,000 characters (a spinner swaps all through a
text; an author's rare words come in clusters), making ``SWAP_SHARE`` of them and the
originals standing as themselves there (a spinner leaves few of the words it swaps).
A form is telltale when clean news hardly ever uses it but often uses an original it stands
for: a spinner swaps common words, and a rare word whose synonyms are rare too is an
author's style. Measured by
``bench/spin_eval.py`` on spun text the statistics never saw.

    >>> from curate.rules import Rules
    >>> restorer, segmenter = SpinRestorer.from_rules(Rules()), WordSegmenter.load()
    >>> text = ("郑纬民教授在服贸会讲演中指出,想改动国产卡的生态,要做好10个中心根底软件,"
    ...         "即并行体系、编程结构、通讯库、算子库、AI编译器、编程言语、调度器、内存办理")
    >>> [(r.change.old, r.change.new) for r in find_spin_restorations(text, restorer, segmenter)
    ...  if r.restored]
    [('改动', '改变'), ('根底', '基础')]
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from curate.clean.spin import FormMatcher, SpinRepairs, find_spin_repairs
from curate.edits import Change
from curate.rules import Row, RuleError, Rules

RULE = "spin-restore"
CANDIDATE_RULE = "spin-candidates"
RESTORE_FILE = "spin_restore.tsv"
CONTEXT_FILE = "spin_context.tsv"
GENERAL_FILE = "spin_general.tsv"
ALL_TEXT = "*"  # the word of the context row counting every character of clean news
NONE = "-"  # the neighbours of a word clean news never has

# Chosen on the tuning half of the held-out spun news (bench/spin_eval.py).
RESTORE_AT = 0.98  # confidence the best original needs to be put back
# Whether restore_spin changes text unless the configuration says (``[spin] restore``). On:
# precision holds at 0.98 on held-out spun news, and switched off the development set's
# similarity falls from 0.981 to 0.977; but on the measure half of the held-out clean news,
# run as if flagged, one word still changes (灭亡 -> 死亡 in 622,230 characters).
RESTORE_BY_DEFAULT = True
LIST_AT = 0.2  # below RESTORE_AT but at least this: the form is listed as a candidate
ORIGINAL_PRESENT_ODDS = 0.1  # the original is in the document: the spinner likely left it
SPUN_FORM_PSEUDOCOUNT = 0.1  # a form never seen in clean news is still possible
# One character on each side is thin evidence: it may move the prior odds this much at most.
NEIGHBOUR_CAP = 10.0
# A form clean news hardly uses (seen at most TELLTALE_SEEN times as a whole word) is telltale
# of spinning; a word is put back only with MIN_TELLTALES others within TELLTALE_REACH
# characters before or after it.
TELLTALE_SEEN = 5
# ... and stands for an original clean news uses at least this often: a spinner swaps common
# words for rare forms, while an author's rare word whose synonyms are rare too is style.
TELLTALE_ORIGINAL_SEEN = 10
# Forms are counted once each: a spinner swaps many different words, an author repeats a
# topic word (元朝, 轮回 all through an encyclopedia article).
MIN_TELLTALES = 2
TELLTALE_REACH = 60
# ... and where the stretch around it is spun throughout: at least SPUN_DENSITY different
# telltale forms per 1,000 characters within DENSITY_REACH characters before or after it
# (clipped to the paragraph). A clean story dense in rare words holds a cluster of three or
# four in one sentence and few around it.
SPUN_DENSITY = 18.0
DENSITY_REACH = 250
# ... and where the telltale forms stand in place of their originals: in that stretch, the
# different telltale forms make at least SWAP_SHARE of them and the words a telltale form
# stands for, standing as themselves. A spinner swaps about half of the words it can, so the
# common words it swaps grow scarce; a writer of rare words writes the common ones as often as
# anyone. Chosen on the tune half: the lowest share at which its clean news changes no word
# with the bars lowered to confidence 0.8 and one telltale form near (at 0.2, one changes).
SWAP_SHARE = 0.22
# The prior odds of news are moved towards those of general Chinese (jieba's dictionary,
# rules/spin_general.tsv) by this power of their ratio, where general Chinese makes the swap
# less likely: 灭亡 is rare in news but an author's word in general Chinese (1,157 to 死亡's
# 3,335), while 卒业 is rare in both (5 to 毕业's 5,989).
GENERAL_WEIGHT = 0.5
PASSES = 2
# Every HELD_OUT_STORIES-th story of each clean-news file is left out of the statistics.
HELD_OUT_STORIES = 5

BOUNDARY = "|"  # punctuation, space, start or end of text
DIGIT = "#"
LETTER = "a"


def neighbour_class(char: str) -> str:
    """What the statistics record of a neighbouring character: a Han character itself,
    ``#`` for a digit, ``a`` for a letter, ``|`` for anything else.

    >>> [neighbour_class(c) for c in "在2024年，GPU"]
    ['在', '#', '#', '#', '#', '年', '|', 'a', 'a', 'a']
    """
    if "\u3400" <= char <= "\u9fff":
        return char
    if char.isdigit():
        return DIGIT
    if char.isalpha():
        return LETTER
    return BOUNDARY


def parse_counts(cell: str) -> dict[str, int]:
    """``"120:的 7:在| 1:唯属"`` -> ``{"的": 120, "在": 7, "|": 7, "唯": 1, "属": 1}``: groups of
    a count and the characters seen that often; ``-`` for none.

    >>> parse_counts("120:的 7:在|"), parse_counts("-")
    ({'的': 120, '在': 7, '|': 7}, {})
    """
    counts: dict[str, int] = {}
    for group in cell.split() if cell != NONE else ():
        count, chars = group.split(":", 1)
        counts.update(dict.fromkeys(chars, int(count)))
    return counts


def format_counts(counts: Mapping[str, int]) -> str:
    """The inverse of `parse_counts`, most frequent first.

    >>> format_counts({"在": 7, "的": 120, "|": 7}), format_counts({})
    ('120:的 7:|在', '-')
    """
    groups: dict[int, list[str]] = {}
    for char, count in counts.items():
        groups.setdefault(count, []).append(char)
    cells = [f"{n}:{''.join(sorted(groups[n]))}" for n in sorted(groups, reverse=True)]
    return " ".join(cells) or NONE


@dataclass(frozen=True)
class NeighbourCounts:
    """How often each character class stands on one side of a word in clean news."""

    counts: Mapping[str, int]
    total: int
    kinds: int

    @classmethod
    def of(cls, counts: Mapping[str, int]) -> NeighbourCounts:
        return cls(counts, sum(counts.values()), len(counts))

    def probability(self, char: str, share: float) -> float:
        """P(``char``), smoothed the Witten-Bell way towards ``share``, its share of all text:
        a word seen with few kinds of neighbours keeps most of its mass on them.

        >>> round(NeighbourCounts.of({"人": 17, "成": 5, "院": 1}).probability("人", 0.006), 3)
        0.655
        """
        if not self.total:
            return share
        return (self.counts.get(char, 0) + self.kinds * share) / (self.total + self.kinds)


@dataclass(frozen=True)
class Neighbours:
    """The neighbour counts of a word on its left and on its right."""

    left: NeighbourCounts
    right: NeighbourCounts


@dataclass(frozen=True)
class NeighbourModel:
    """P(neighbour | word) for the words of contested forms, and each character's share of all
    clean news to smooth them with.

    >>> model = NeighbourModel.of({"天然": ({}, {"气": 800, "|": 200}),
    ...                            "自然": ({}, {"界": 500, "|": 499, "气": 1})},
    ...                           {"气": 1000, "界": 1000, "|": 98000})
    >>> round(model.odds("天然", "自然", "|", "气"))  # 777, capped at NEIGHBOUR_CAP
    10
    """

    words: Mapping[str, Neighbours]
    shares: Mapping[str, float]
    floor: float  # the share of a character all text never had

    @classmethod
    def of(
        cls,
        words: Mapping[str, tuple[Mapping[str, int], Mapping[str, int]]],
        all_text: Mapping[str, int],
    ) -> NeighbourModel:
        """The model of ``{word: (left counts, right counts)}`` and all text's counts."""
        total = sum(all_text.values())
        return cls(
            {w: Neighbours(NeighbourCounts.of(left), NeighbourCounts.of(right))
             for w, (left, right) in words.items()},
            {char: n / total for char, n in all_text.items()},
            0.5 / total,
        )

    def side_odds(self, original: str, spun: str, side: str, char: str) -> float:
        """P(``char`` on ``side`` of ``original``) / P(the same of ``spun``)."""
        fit, own = self.words[original], self.words[spun]
        share = self.shares.get(char, self.floor)
        if side == "left":
            return fit.left.probability(char, share) / own.left.probability(char, share)
        return fit.right.probability(char, share) / own.right.probability(char, share)

    def odds(self, original: str, spun: str, left: str, right: str) -> float:
        """How much better ``original`` fits the neighbours ``left`` and ``right`` than
        ``spun``; 1 when the statistics hold no neighbours for them (uncontested forms)."""
        fit, own = self.words.get(original), self.words.get(spun)
        if fit is None or own is None:
            return 1.0
        left_share = self.shares.get(left, self.floor)
        right_share = self.shares.get(right, self.floor)
        odds = (
            fit.left.probability(left, left_share) * fit.right.probability(right, right_share)
        ) / (own.left.probability(left, left_share) * own.right.probability(right, right_share))
        return min(NEIGHBOUR_CAP, max(1.0 / NEIGHBOUR_CAP, odds))

    @classmethod
    def from_rows(cls, rows: list[Row]) -> NeighbourModel:
        """The model of the rows of ``rules/spin_context.tsv``."""
        sides: dict[str, dict[str, dict[str, int]]] = {}
        for row in rows:
            where = f"rules/{CONTEXT_FILE}:{row.line}"
            if row["side"] not in ("left", "right", "any"):
                raise RuleError(f"{where}: side must be left, right or any")
            try:
                sides.setdefault(row["word"], {})[row["side"]] = parse_counts(row["neighbours"])
            except ValueError:
                raise RuleError(f"{where}: neighbours must be groups like 12:的在") from None
        if "any" not in sides.get(ALL_TEXT, {}):
            raise RuleError(f"rules/{CONTEXT_FILE}: needs the all-text row ({ALL_TEXT}, any)")
        all_text = sides.pop(ALL_TEXT)["any"]
        words = {w: (both.get("left", {}), both.get("right", {})) for w, both in sides.items()}
        return cls.of(words, all_text)



def held_out_story(number: int) -> bool:
    """Whether story ``number`` (0-based) of a clean-news file is kept out of the statistics.

    >>> [n for n in range(12) if held_out_story(n)]
    [0, 5, 10]
    """
    return number % HELD_OUT_STORIES == 0


class WordSegmenter:
    """Word boundaries of Chinese text: jieba-rs (``rjieba``) with its own dictionary and no
    HMM guessing of unknown words, so the same text always splits the same way.

    Loading takes ~0.2 CPU-seconds: build it once per process (``Context.resource``) and only
    when a document needs it.

    >>> sorted(WordSegmenter.load().boundaries("芯片断供"))
    [0, 2, 3, 4]
    """

    def __init__(self, jieba: Any) -> None:
        self._jieba = jieba

    @classmethod
    def load(cls) -> WordSegmenter:
        import rjieba  # imported here: its dictionary loads on import, and few runs need it

        return cls(rjieba.Jieba())

    def boundaries(self, text: str) -> list[int]:
        """Offsets where a word starts or ends, ascending, ``0`` and ``len(text)`` included."""
        offsets = [0]
        for word in self._jieba.cut(text, False):
            offsets.append(offsets[-1] + len(word))
        return offsets


@dataclass(frozen=True)
class Restoration:
    """A spun form found as a whole word, the original chosen for it with its confidence, the
    other readings with theirs (``keep`` standing for the form itself), how many other
    telltale spun forms stand near it, how many different telltale forms per 1,000 characters
    the wider stretch around it holds, whether that was enough to put it back, and the share
    the telltale forms make of them and the originals standing as themselves in that stretch."""

    change: Change
    confidence: float
    alternatives: tuple[tuple[str, float], ...]
    telltales: int
    density: float
    restored: bool
    share: float = 0.0



KEEP = "keep"  # the alternative of leaving the spun form as it is


@dataclass(frozen=True)
class SpinRestorer:
    """Spun forms with the originals they can stand for, and the neighbour statistics.

    ``originals`` maps a spun form to ``(original, prior odds)`` pairs; the odds are the
    exponent of the table's score, moved towards general Chinese (`general_odds`), against 1
    for keeping the form. ``telltales``: the forms clean news hardly uses as words, standing
    for an original it uses often; ``swappable``: those originals.
    """

    originals: Mapping[str, tuple[tuple[str, float], ...]]
    neighbours: NeighbourModel
    telltales: frozenset[str]
    matcher: FormMatcher = field(repr=False)
    swappable: frozenset[str] = frozenset()

    @classmethod
    def from_rules(cls, rules: Rules) -> SpinRestorer:
        """The restorer of ``rules/spin_restore.tsv``, ``rules/spin_context.tsv`` and
        ``rules/spin_general.tsv``."""
        general = _general_counts(rules)
        originals: dict[str, list[tuple[str, float]]] = {}
        rare: set[str] = set()
        original_seen: dict[str, int] = {}
        original_count: dict[str, int] = {}
        for row in rules.table(RESTORE_FILE):
            where = f"rules/{RESTORE_FILE}:{row.line}"
            spun, original = row["spun"], row["original"]
            if len(spun) < 2 or not original or original == spun:
                raise RuleError(f"{where}: needs a spun form of 2+ characters and another original")
            try:
                odds = math.exp(float(row["score"]))
            except ValueError:
                raise RuleError(f"{where}: score {row['score']!r} is not a number") from None
            if not row["seen"].isdigit():
                raise RuleError(f"{where}: seen {row['seen']!r} is not a count")
            counts = row["why"].rsplit(" ", 1)[-1].split(":")
            if len(counts) != 2 or not counts[0].isdigit():
                raise RuleError(f"{where}: why must end with f(original):f(spun), like 191:202")
            if int(row["seen"]) <= TELLTALE_SEEN:
                rare.add(spun)
            news = (int(counts[0]), int(row["seen"]))
            original_seen[spun] = max(original_seen.get(spun, 0), news[0])
            original_count[original] = news[0]
            odds = general_odds(odds, news, (general.get(original, 0), general.get(spun, 0)))
            originals.setdefault(spun, []).append((original, odds))
        neighbours = NeighbourModel.from_rows(rules.table(CONTEXT_FILE))
        telltales = frozenset(s for s in rare if original_seen[s] >= TELLTALE_ORIGINAL_SEEN)
        return cls(
            {spun: tuple(options) for spun, options in originals.items()},
            neighbours,
            telltales,
            FormMatcher.of(originals),
            frozenset(o for s in telltales for o, _ in originals[s]
                      if original_count[o] >= TELLTALE_ORIGINAL_SEEN),
        )

    def readings(
        self, spun: str, left: str, right: str, present: Container[str] = ()
    ) -> list[tuple[str, float]]:
        """Every reading of ``spun`` between neighbour classes ``left`` and ``right`` with its
        posterior probability, likeliest first: its originals and ``keep``; ``present``: the
        originals found in the document.

        >>> restorer = SpinRestorer.from_rules(Rules())
        >>> original, p = restorer.readings("卒业", "|", "于")[0]
        >>> original, p > 0.99
        ('毕业', True)
        """
        odds = {KEEP: 1.0}
        for original, prior in self.originals[spun]:
            odds[original] = prior * self.neighbours.odds(original, spun, left, right)
            if original in present:
                odds[original] *= ORIGINAL_PRESENT_ODDS
        total = sum(odds.values())
        return sorted(((word, n / total) for word, n in odds.items()), key=lambda r: -r[1])


def general_odds(odds: float, news: tuple[int, int], general: tuple[int, int]) -> float:
    """The prior ``odds`` of news moved towards general Chinese: ``news`` and ``general`` are
    the counts of the original and of the form in clean news and in jieba's dictionary. Where
    the dictionary makes the swap less likely, the odds are multiplied by ``GENERAL_WEIGHT``
    power of how much less; an original the dictionary lacks leaves them as they are.

    >>> round(general_odds(1652.4, (407, 0), (3335, 1157)))  # 灭亡 -> 死亡: 1,652 before
    44
    >>> round(general_odds(301.9, (110, 0), (5989, 5)))  # 卒业 -> 毕业: rare in both
    302
    """
    (news_original, news_form), (original, form) = news, general
    if not original or not news_original:
        return odds
    ratio = (original / news_original) * ((news_form + SPUN_FORM_PSEUDOCOUNT)
                                          / (form + SPUN_FORM_PSEUDOCOUNT))
    return odds * min(1.0, ratio) ** GENERAL_WEIGHT


def _general_counts(rules: Rules) -> dict[str, int]:
    counts = {}
    for row in rules.table(GENERAL_FILE):
        if not row["freq"].isdigit():
            raise RuleError(f"rules/{GENERAL_FILE}:{row.line}: freq {row['freq']!r} is not a "
                            "count; rebuild it with tools/build_spin_general.py")
        counts[row["word"]] = int(row["freq"])
    return counts


def find_spin_restorations(
    text: str,
    restorer: SpinRestorer,
    segmenter: WordSegmenter,
    repairs: SpinRepairs | None = None,
    restore_at: float = RESTORE_AT,
    spun_density: float = SPUN_DENSITY,
    min_telltales: int = MIN_TELLTALES,
    swap_share: float = SWAP_SHARE,
) -> list[Restoration]:
    """The spun forms of ``text`` standing as whole words, each with the original it likely
    replaced and the confidence; ``restored`` where the confidence reaches ``restore_at`` and
    the text around is spun: ``min_telltales`` other telltale forms near it, and in the wider
    stretch ``spun_density`` different ones per 1,000 characters, making ``swap_share`` of
    them and the originals standing as themselves there.
    Forms whose best original stays under ``LIST_AT`` are left out, and so are words that
    ``repairs`` own (``repair_spin`` puts ``开创人`` back whole, where the statistics would make
    ``开创`` + ``人`` of it).

    Forms are found leftmost and longest first, without overlaps (``揭露材料`` over ``揭露``).
    Apply it only to text detected as spun: in clean text, too, some forms look like swaps.

    >>> restorer, segmenter = SpinRestorer.from_rules(Rules()), WordSegmenter.load()
    >>> find_spin_restorations("芯片断供", restorer, segmenter)  # 片断 crosses 芯片|断供
    []
    """
    boundaries = segmenter.boundaries(text)
    found = list(restorer.matcher.finditer_words(text, boundaries))
    owned = find_spin_repairs(text, repairs) if repairs is not None else []
    if owned:
        covered = {i for o in owned for i in range(o.start, o.end)}
        found = [(start, spun) for start, spun in found
                 if covered.isdisjoint(range(start, start + len(spun)))]
    telltales = sorted([(o.start, o.old) for o in owned] +
                       [(start, spun) for start, spun in found if spun in restorer.telltales])
    offsets = [start for start, _ in telltales]
    standing = [start for start, end in zip(boundaries, boundaries[1:], strict=False)
                if text[start:end] in restorer.swappable]
    candidates = {o for spun in {s for _, s in found} for o, _ in restorer.originals[spun]}
    present = {original for original in candidates if original in text}
    readings: list[list[tuple[str, float]]] = [[] for _ in found]
    evidence = [len(_forms_within(start, spun, TELLTALE_REACH, telltales, offsets, len(text)))
                for start, spun in found]
    stretches = [_stretch(start, spun, telltales, offsets, standing, len(text))
                 for start, spun in found]
    spun_around = [others >= min_telltales and density >= spun_density and share >= swap_share
                   for others, (density, share) in zip(evidence, stretches, strict=True)]
    left_of: dict[int, str] = {}
    right_of: dict[int, str] = {}
    for _ in range(PASSES):
        for index, (start, spun) in enumerate(found):
            end = start + len(spun)
            left, right = left_of.get(start), right_of.get(end)
            if left is None and right is None and readings[index]:
                continue  # same neighbours as in the pass before: same readings
            left = left or neighbour_class(text[start - 1] if start else "")
            right = right or neighbour_class(text[end] if end < len(text) else "")
            readings[index] = restorer.readings(spun, left, right, present)
        # The next pass sees the edge characters of each word put back as its neighbours.
        best = [_best_original(options) for options in readings]
        put_back = [
            (start, spun, original)
            for (start, spun), (original, confidence), around in zip(
                found, best, spun_around, strict=True)
            if confidence >= restore_at and around
        ]
        left_of = {start + len(spun): neighbour_class(new[-1]) for start, spun, new in put_back}
        right_of = {start: neighbour_class(new[0]) for start, spun, new in put_back}
    restorations = []
    for (start, spun), options, others, (density, share), around in zip(
            found, readings, evidence, stretches, spun_around, strict=True):
        original, confidence = _best_original(options)
        if confidence < LIST_AT:
            continue
        change = Change(start, start + len(spun), original, RULE, spun)
        alternatives = tuple((word, round(p, 3)) for word, p in options if word != original)
        restored = confidence >= restore_at and around
        restorations.append(Restoration(change, round(confidence, 3), alternatives, others,
                                        round(density, 1), restored, round(share, 2)))
    return restorations


def _forms_within(start: int, form: str, reach: int, telltales: list[tuple[int, str]],
                  offsets: list[int], length: int) -> set[str]:
    """The telltale forms other than ``form`` within ``reach`` characters of ``start``;
    ``telltales`` are ``(offset, form)`` ascending, ``offsets`` their offsets."""
    low, high = max(0, start - reach), min(length, start + reach)
    within = telltales[bisect.bisect_left(offsets, low):bisect.bisect_right(offsets, high)]
    return {other for _, other in within} - {form}


def _stretch(start: int, form: str, telltales: list[tuple[int, str]], offsets: list[int],
             standing: list[int], length: int) -> tuple[float, float]:
    """In the ``DENSITY_REACH`` characters before and after ``start`` (clipped to the text's
    ``length``): the different telltale forms other than ``form`` per 1,000 characters, and
    the share they make of them and the originals standing as themselves (``standing``: their
    ascending offsets)."""
    forms = len(_forms_within(start, form, DENSITY_REACH, telltales, offsets, length))
    low, high = max(0, start - DENSITY_REACH), min(length, start + DENSITY_REACH)
    originals = bisect.bisect_right(standing, high) - bisect.bisect_left(standing, low)
    return 1000.0 * forms / max(high - low, 1), forms / (forms + originals) if forms else 0.0


LISTED_READINGS = 4  # a listed candidate shows its best original and the next likeliest


def format_candidate(line: int, restoration: Restoration) -> str:
    """One candidate left as it is, as a line of the ``spin-candidates`` edit: the source line,
    the form, then its best original and the likeliest other readings (``LISTED_READINGS`` at
    most, none under 0.005) with their probabilities.

    >>> found = Restoration(Change(0, 2, "性能", RULE, "功用"), 0.73,
    ...                     (("功能", 0.22), (KEEP, 0.05)), 4, 31.2, False)
    >>> format_candidate(12, found)
    '12 功用 性能:0.73 功能:0.22 keep:0.05'
    """
    change = restoration.change
    others = [(word, p) for word, p in restoration.alternatives if p >= 0.005]
    readings = [(change.new, restoration.confidence), *others[: LISTED_READINGS - 1]]
    return f"{line} {change.old} " + " ".join(f"{word}:{p:.2f}" for word, p in readings)


@dataclass(frozen=True)
class Candidate:
    """A candidate read back from a line of the ``spin-candidates`` edit."""

    line: int
    form: str
    readings: tuple[tuple[str, float], ...]


def parse_candidates(text: str) -> list[Candidate]:
    """The candidates of a ``spin-candidates`` edit's text (`format_candidate` lines).

    >>> parse_candidates("12 功用 性能:0.73 功能:0.22 keep:0.05")
    [Candidate(line=12, form='功用', readings=(('性能', 0.73), ('功能', 0.22), ('keep', 0.05)))]
    """
    candidates = []
    for row in text.splitlines():
        line, form, *readings = row.split(" ")
        pairs = tuple((word, float(p)) for word, p in (r.rsplit(":", 1) for r in readings))
        candidates.append(Candidate(int(line), form, pairs))
    return candidates


def _best_original(options: list[tuple[str, float]]) -> tuple[str, float]:
    return next((word, p) for word, p in options if word != KEEP)


@dataclass(frozen=True)
class SpinClasses:
    """Words a spinner swaps for one another, each class written as one word of it, so that
    two copies of one article spun apart read alike again (for near-duplicate signatures).

    The classes join every spun form of ``rules/spin_restore.tsv`` with the originals it may
    stand for; each is written as its shortest member, first in code-point order.

    >>> classes = SpinClasses.of({"卒业": ("毕业",), "结业": ("毕业",)})
    >>> classes.canonical("2002年结业于南大"), classes.canonical("2002年卒业于南大")
    ('2002年卒业于南大', '2002年卒业于南大')
    """

    written_as: Mapping[str, str]
    matcher: FormMatcher = field(repr=False)

    @classmethod
    def of(cls, originals: Mapping[str, Iterable[str]]) -> SpinClasses:
        parent: dict[str, str] = {}

        def root(word: str) -> str:
            parent.setdefault(word, word)
            while parent[word] != word:
                parent[word] = parent[parent[word]]
                word = parent[word]
            return word

        for spun, words in originals.items():
            for original in words:
                parent[root(spun)] = root(original)
        shortest: dict[str, str] = {}
        for word in parent:
            top = root(word)
            shortest[top] = min(shortest.get(top, word), word, key=lambda w: (len(w), w))
        written = {word: shortest[root(word)] for word in parent if len(word) >= 2}
        return cls(written, FormMatcher.of(written))

    @classmethod
    def from_rules(cls, rules: Rules) -> SpinClasses:
        restorer = SpinRestorer.from_rules(rules)
        return cls.of({spun: [o for o, _ in options]
                       for spun, options in restorer.originals.items()})

    def canonical(self, text: str) -> str:
        """``text`` with every word of a class, found leftmost and longest first, written as
        its class."""
        out, last = [], 0
        for start, word in self.matcher.finditer(text):
            out += [text[last:start], self.written_as[word]]
            last = start + len(word)
        out.append(text[last:])
        return "".join(out)
