"""Rebuild rules/spin_restore.tsv and rules/spin_context.tsv from the shared reference data.

    python tools/build_spin_restore.py SHARED_DATA_DIR [--hold-out GOLD.jsonl]

Candidates are the public 伪原创 dictionary inverted (a spinner wrote ``dst`` for ``src``, so a
``dst`` seen in spun text may stand for ``src``) plus the pairs observed in seed 004. Whether a
spun form is worth putting back is decided with clean news (CCTV transcripts, THUCNews,
SogouCS; research use, so only counts leave this script):

- prior odds: how often the original occurs, times the chance the spinner swapped it for this
  form (``SPIN_RATE`` shared among the forms the dictionaries offer for it), against how often
  the form itself occurs, times the chance it survived (a form that is itself a dictionary
  source is usually swapped away: ``1 - SPIN_RATE``);
- neighbours: for the words of forms whose decision can change with the characters around
  them, how often each character stands right before and after them.

Occurrences are counted as whole words: the clean news is segmented with the same word
segmenter restoration uses (``curate.clean.unspin.WordSegmenter``), and a word counts where it
starts and ends on word boundaries, so ``片断`` in ``芯片|断供`` is no occurrence of ``片断``.
An original that can never win is dropped, so is a form that can never be put back.
Every ``HELD_OUT_STORIES``-th clean-news story is left out of the counts, for
``bench/spin_eval.py`` to spin and measure on; ``--hold-out`` leaves the articles of an
evaluation set out as well.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from curate.clean.unspin import (
    ALL_TEXT,
    CONTEXT_FILE,
    HELD_OUT_STORIES,
    NEIGHBOUR_CAP,
    ORIGINAL_PRESENT_ODDS,
    RESTORE_AT,
    RESTORE_FILE,
    SPUN_FORM_PSEUDOCOUNT,
    NeighbourModel,
    WordSegmenter,
    format_counts,
    held_out_story,
    neighbour_class,
)

RULES = Path(__file__).resolve().parent.parent / "rules"
DICTIONARY = "spin-weiyuanchuang-42537.tsv"
SEED_PAIRS = "spin-pairs-observed-seed004.tsv"
CLEAN_NEWS = ("xwlb-cctv-news.jsonl", "thucnews-cnews-1000.jsonl", "sogoucs-smarty.jsonl")

# Share of dictionary words a spinner swaps in a document; 0.5-0.7 measured on the dev set.
SPIN_RATE = 0.55
COMPETITOR_ODDS = 0.05  # an original whose best odds stay below this is left out
HAN_WORD = re.compile(r"[\u3400-\u9fff]{2,}|[\u3400-\u9fff]")
SAME_TEXT_PREFIX = 40  # non-space characters that identify an article of the held-out set


@dataclass(frozen=True)
class Pair:
    original: str
    spun: str
    source: str


def read_table(path: Path) -> tuple[str, list[list[str]]]:
    """The first comment line (where the data comes from) and the rows after the header."""
    lines = path.read_text(encoding="utf-8").splitlines()
    origin = lines[0].lstrip("# ").removeprefix("source: ").strip()
    rows = [line.split("\t") for line in lines[2:] if line and not line.startswith("#")]
    return origin, rows


def swap_pairs(data: Path) -> tuple[list[Pair], dict[str, str]]:
    """Every Han ``original -> spun`` pair of the dictionary and the seed, and their origins."""
    dictionary_origin, dictionary = read_table(data / DICTIONARY)
    seed_origin, seed = read_table(data / SEED_PAIRS)
    sources: dict[tuple[str, str], list[str]] = defaultdict(list)
    for src, dst, *_ in dictionary:
        sources[src.strip(), dst.strip()].append("wyc")
    for original, spun, *_ in seed:
        sources[original.strip(), spun.strip()].append("seed004")
    pairs = [
        Pair(original, spun, "+".join(dict.fromkeys(names)))
        for (original, spun), names in sorted(sources.items())
        if original != spun and HAN_WORD.fullmatch(original) and HAN_WORD.fullmatch(spun)
    ]
    return pairs, {DICTIONARY: dictionary_origin, SEED_PAIRS: seed_origin}


def held_out_prefixes(gold: Path | None) -> set[str]:
    """Openings of the articles of an evaluation set (``articles[].text`` per JSONL line)."""
    if gold is None:
        return set()
    prefixes = set()
    for line in gold.read_text(encoding="utf-8").splitlines():
        for article in json.loads(line).get("articles", []):
            prefixes.add(_opening(article["text"]))
    return prefixes


def _opening(text: str) -> str:
    return re.sub(r"\s", "", text)[:SAME_TEXT_PREFIX]


def clean_news(data: Path, held_out: set[str]) -> Iterator[str]:
    """The clean-news stories the statistics are built from: not every ``HELD_OUT_STORIES``-th
    story of each file, nor the articles of the evaluation set."""
    for name in CLEAN_NEWS:
        with open(data / name, encoding="utf-8") as lines:
            for number, line in enumerate(lines):
                text = json.loads(line)["text"]
                if not held_out_story(number) and _opening(text) not in held_out:
                    yield text


@dataclass
class NewsCounts:
    """Whole-word occurrences of the candidate words in clean news, the neighbour classes of
    all their occurrences, and the classes of every character."""

    words: Counter
    left: dict[str, Counter]
    right: dict[str, Counter]
    classes: Counter


def count_news(texts: Iterable[str], words: set[str], segmenter: WordSegmenter) -> NewsCounts:
    """Count ``words`` in ``texts`` where they stand as whole words: each occurrence starts and
    ends on a word boundary of the segmented text (one word or a run of whole words)."""
    lengths: dict[str, set[int]] = defaultdict(set)
    for word in words:
        lengths[word[0]].add(len(word))
    counts = NewsCounts(Counter(), defaultdict(Counter), defaultdict(Counter), Counter())
    for text in texts:
        counts.classes.update(map(neighbour_class, text))
        boundaries = segmenter.boundaries(text)
        for start in boundaries:
            for length in lengths.get(text[start : start + 1], ()):
                end = start + length
                word = text[start:end]
                if end in boundaries and word in words:
                    counts.words[word] += 1
                    counts.left[word][neighbour_class(text[start - 1] if start else "")] += 1
                    counts.right[word][neighbour_class(text[end] if end < len(text) else "")] += 1
    return counts


@dataclass(frozen=True)
class Candidate:
    original: str
    score: float  # ln prior odds against keeping the spun form
    source: str


def neighbour_model(counts: NewsCounts, words: set[str]) -> NeighbourModel:
    """The model curate.clean.unspin builds from the tables, here for every candidate word."""
    return NeighbourModel.of(
        {word: (counts.left[word], counts.right[word]) for word in words}, counts.classes
    )


def odds_range(model: NeighbourModel, original: str, spun: str) -> tuple[float, float]:
    """The smallest and largest neighbour odds of ``original`` against ``spun``, over every
    left and right neighbour (the odds of the two sides multiply)."""
    low, high = 1.0, 1.0
    for side in ("left", "right"):
        chars = set(getattr(model.words[original], side).counts)
        chars |= set(getattr(model.words[spun], side).counts)
        chars.add("\0")  # stands for every character neither word was seen with
        ratios = [model.side_odds(original, spun, side, char) for char in chars]
        low, high = low * min(ratios), high * max(ratios)
    return max(low, 1.0 / NEIGHBOUR_CAP), min(high, NEIGHBOUR_CAP)


def prior_scores(pairs: list[Pair], counts: NewsCounts) -> dict[str, list[Candidate]]:
    """ln prior odds of each original of each spun form (of two or more characters).

    Spinners that apply their dictionary pair after pair swap a swapped word again
    (``重要`` -> ``主要`` -> ``次要``), so an original two swaps away is a candidate too, with the
    chance of both swaps.
    """
    swaps = Counter(pair.original for pair in pairs)
    into: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        into[pair.spun].append(pair)
    candidates: dict[str, list[Candidate]] = defaultdict(list)
    for pair in pairs:
        if len(pair.spun) < 2:
            continue
        survived = 1.0 - SPIN_RATE if pair.spun in swaps else 1.0
        kept = (counts.words[pair.spun] + SPUN_FORM_PSEUDOCOUNT) * survived
        if counts.words[pair.original]:
            swapped = counts.words[pair.original] * SPIN_RATE / swaps[pair.original]
            candidates[pair.spun].append(
                Candidate(pair.original, math.log(swapped / kept), pair.source)
            )
        direct = {p.original for p in into[pair.spun]}
        for first in into[pair.original]:
            if first.original in direct or first.original == pair.spun:
                continue
            if counts.words[first.original]:
                twice = (counts.words[first.original] * SPIN_RATE / swaps[first.original]
                         * SPIN_RATE / swaps[pair.original])
                candidates[pair.spun].append(Candidate(
                    first.original, math.log(twice / kept), f"{first.source}>{pair.original}"
                ))
    return {spun: _best_per_original(options) for spun, options in candidates.items()}


def _best_per_original(options: list[Candidate]) -> list[Candidate]:
    best: dict[str, Candidate] = {}
    for candidate in options:
        if candidate.original not in best or candidate.score > best[candidate.original].score:
            best[candidate.original] = candidate
    return list(best.values())


def restorable(
    candidates: dict[str, list[Candidate]], model: NeighbourModel
) -> tuple[dict[str, list[Candidate]], set[str]]:
    """The originals that can matter, by spun form, and the forms whose choice needs neighbours.

    A form is kept when some original can reach ``RESTORE_AT`` with the best neighbours; it
    needs no neighbour statistics when one original reaches it with the worst neighbours,
    present in the document, against every competitor at its best.
    """
    kept: dict[str, list[Candidate]] = {}
    contested: set[str] = set()
    threshold = RESTORE_AT / (1.0 - RESTORE_AT)
    for spun, options in candidates.items():
        ranges = {c.original: odds_range(model, c.original, spun) for c in options}
        best_odds = {c.original: math.exp(c.score) * ranges[c.original][1] for c in options}
        if max(best_odds.values()) < threshold:
            continue
        options = [c for c in options if best_odds[c.original] >= COMPETITOR_ODDS]
        kept[spun] = options
        if not any(_always_wins(c, options, ranges, best_odds) for c in options):
            contested.add(spun)
    return kept, contested


def _always_wins(
    candidate: Candidate,
    options: list[Candidate],
    ranges: dict[str, tuple[float, float]],
    best_odds: dict[str, float],
) -> bool:
    worst = math.exp(candidate.score) * ranges[candidate.original][0] * ORIGINAL_PRESENT_ODDS
    rivals = sum(best_odds[c.original] for c in options if c is not candidate)
    return worst / (1.0 + worst + rivals) >= RESTORE_AT


def write_atomically(path: Path, lines: list[str]) -> None:
    """Write beside ``path``, then rename: a reader never sees half a table."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def header(origins: dict[str, str], held_out: Path | None) -> list[str]:
    lines = [
        "# Generated by tools/build_spin_restore.py; do not edit by hand.",
        f"# Swap pairs: {DICTIONARY} (inverted, dst -> src): {origins[DICTIONARY]}",
        f"# and {SEED_PAIRS}: {origins[SEED_PAIRS]}",
        "# Whole words: clean news segmented with rjieba (jieba-rs, its own dictionary, no HMM).",
        "# Counts (derived statistics only, no text) from the shared clean news: "
        "xwlb-cctv-news.jsonl (CCTV 新闻联播 transcripts, text (c) CCTV, research use),",
        "# thucnews-cnews-1000.jsonl (THUCNews, research use), sogoucs-smarty.jsonl "
        "(SogouCS, research use).",
    ]
    rebuild = "# Rebuild: python tools/build_spin_restore.py SHARED_DATA_DIR"
    if held_out is not None:
        lines.append("# The development evaluation set's articles are left out of the counts, "
                     "so its figures measure articles the statistics never saw.")
        rebuild += f" --hold-out EVAL_DIR/dev/{held_out.name}"
    lines.append(f"# Every story numbered 0 modulo {HELD_OUT_STORIES} of each clean-news file is "
                 "left out too, for bench/spin_eval.py.")
    lines.append(rebuild)
    return lines


def restore_rows(kept: dict[str, list[Candidate]], counts: NewsCounts) -> list[str]:
    rows = ["spun\toriginal\tscore\tseen\twhy"]
    for spun in sorted(kept):
        for c in sorted(kept[spun], key=lambda c: -c.score):
            why = f"{c.source} {counts.words[c.original]}:{counts.words[spun]}"
            rows.append(f"{spun}\t{c.original}\t{c.score:.2f}\t{counts.words[spun]}\t{why}")
    return rows


def context_rows(
    kept: dict[str, list[Candidate]], contested: set[str], counts: NewsCounts
) -> list[str]:
    rows = [
        "word\tside\tneighbours",
        f"{ALL_TEXT}\tany\t{format_counts(counts.classes)}",
    ]
    words = sorted({w for spun in contested for w in [spun] + [c.original for c in kept[spun]]})
    for word in words:
        for side, table in (("left", counts.left), ("right", counts.right)):
            rows.append(f"{word}\t{side}\t{format_counts(table[word])}")
    return rows


def main(data_dir: str, hold_out: str | None = None) -> None:
    data = Path(data_dir)
    gold = Path(hold_out) if hold_out else None
    pairs, origins = swap_pairs(data)
    words = {w for pair in pairs for w in (pair.original, pair.spun)}
    segmenter = WordSegmenter.load()
    counts = count_news(clean_news(data, held_out_prefixes(gold)), words, segmenter)
    kept, contested = restorable(prior_scores(pairs, counts), neighbour_model(counts, words))
    top = header(origins, gold)
    write_atomically(RULES / RESTORE_FILE, [
        "# Spin restorations: each spun form with the originals it may stand for, read by",
        "# curate.clean.unspin. score = ln prior odds of the original against the form itself:",
        f"# ln(f(original) * {SPIN_RATE} / number of forms the dictionaries offer for it)"
        f" - ln((f(spun) + {SPUN_FORM_PSEUDOCOUNT}) * (1 - {SPIN_RATE} if spun is itself a"
        " dictionary source, else 1)),",
        "# f = whole-word occurrences in segmented clean news (starting and ending on word",
        "# boundaries). why: the pair's source (wyc = the dictionary, seed004),",
        "# then f(original):f(spun); wyc>主要: two swaps away, through 主要. seen = f(spun).",
        *top,
        *restore_rows(kept, counts),
    ])
    write_atomically(RULES / CONTEXT_FILE, [
        "# Neighbours of the words of contested spin restorations, read by curate.clean.unspin:",
        "# how often each character class (a Han character, # digit, a letter, | other or edge)",
        "# stands right before (left) and after (right) the word in clean news, as groups of",
        f"# count:characters. Row {ALL_TEXT}: how often each class occurs in all clean news.",
        *top,
        *context_rows(kept, contested, counts),
    ])
    print(f"{RESTORE_FILE}: {sum(map(len, kept.values()))} originals for {len(kept)} spun forms; "
          f"{CONTEXT_FILE}: neighbours for {len(contested)} contested forms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", metavar="SHARED_DATA_DIR")
    parser.add_argument("--hold-out", metavar="GOLD.jsonl",
                        help="leave this evaluation set's articles out of the counts")
    arguments = parser.parse_args()
    main(arguments.data_dir, arguments.hold_out)
