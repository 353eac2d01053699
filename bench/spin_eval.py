"""Spin restoration measured on spun text whose originals are known. Prints figures; asserts
nothing.

    python bench/spin_eval.py [--sweep] [--stories N]

Reads ``shared/`` beside the repository (or ``$CURATE_SHARED``) and exits quietly when it is
absent. Three kinds of text, none of which the statistics in ``rules/`` were built from
(``tools/build_spin_restore.py`` leaves them out):

- *spun news*: the held-out clean-news stories (every ``HELD_OUT_STORIES``-th of each file),
  spun here the way 伪原创 tools do it: the public dictionary's source words found leftmost
  and longest first in the text, each swapped with probability ``SPIN_RATE`` for one of its
  spun forms (chosen by a hash, so every run spins the same). The held-out stories are split
  in two: *tune* (the thresholds in ``curate/clean/unspin.py`` were chosen on it) and
  *measure* (never looked at while choosing);
- *clean news*: the same held-out stories unspun, run through restoration as if flagged: every
  word changed there is a word made wrong;
- *dev*: the development set's spun articles, cleaned by the pipeline up to ``detect_spin``;
  a restoration is right where the restored text, aligned with the expected text, agrees on
  the whole restored word.

precision = restorations that give the original word / restorations;
recall = spun words given their original back / spun words (on dev: words that differ from
the expected text, one to six Han characters on both sides, in a changed stretch).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import regex

from curate.clean.spin import FormMatcher, SpinRepairs
from curate.clean.unspin import (
    MIN_TELLTALES,
    RESTORE_AT,
    SPUN_DENSITY,
    SWAP_SHARE,
    Restoration,
    SpinRestorer,
    WordSegmenter,
    find_spin_restorations,
    held_out_story,
)
from curate.edits import apply_changes
from curate.io.readers import InputFile, ReadOptions, read_documents
from curate.pipeline import DEFAULT_STEPS, Context, Pipeline
from curate.rules import Rules

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CURATE_SHARED", REPO.parent / "shared"))
CLEAN_NEWS = ("xwlb-cctv-news.jsonl", "thucnews-cnews-1000.jsonl", "sogoucs-smarty.jsonl")
DICTIONARY = "spin-weiyuanchuang-42537.tsv"
SPIN_RATE = 0.55  # share of dictionary words a spinner swaps, as measured on the dev set
SWEEP = (0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99)
DENSITY_SWEEP = (0.0, 12.0, 15.0, 18.0, 20.0, 25.0)
SHARE_SWEEP = (0.0, 0.15, 0.18, 0.2, 0.22, 0.25)
# The stress the bars were chosen by: confidence this low with a single telltale near puts
# back many words of the tune half's clean news, which the stretch alone has to stop.
STRESS_CONFIDENCE = 0.8
# Clean text of other kinds than news, none of it in the statistics: DRCD's Wikipedia
# paragraphs (traditional, converted), the gold main text of the extraction test pages.
OTHER_CLEAN = ("drcd-zh-tw-wiki.jsonl", "web-extraction-gold-cwced.jsonl",
               "web-extraction-gold-magichtml.jsonl")
HAN_WORD = regex.compile(r"\p{Han}{2,}")
DEV_WORD = regex.compile(r"\p{Han}{1,6}")


@dataclass(frozen=True)
class Bars:
    """What a word needs to be put back: its confidence, the telltale forms near, their
    density and share in the stretch around it."""

    confidence: float = RESTORE_AT
    density: float = SPUN_DENSITY
    telltales: int = MIN_TELLTALES
    share: float = SWAP_SHARE

    def __str__(self) -> str:
        default = " (the default)" if self == Bars() else ""
        return (f"restore at confidence {self.confidence}, {self.telltales} other telltale "
                f"forms near, {self.density} per 1,000 characters around making {self.share} "
                f"of them and the originals there{default}")


@dataclass
class Tally:
    restored: int = 0
    right: int = 0
    spun_words: int = 0
    listed: int = 0
    wrong: list[str] = field(default_factory=list)

    def line(self, label: str) -> str:
        precision = self.right / self.restored if self.restored else 1.0
        recall = self.right / self.spun_words if self.spun_words else 0.0
        return (f"{label:<28} restorations {self.restored:>6}  precision {precision:.4f}  "
                f"recall {recall:.4f} of {self.spun_words} spun words  "
                f"candidates listed {self.listed}")


def held_out_news(shared: Path, limit: int | None) -> dict[str, list[str]]:
    """The held-out clean-news stories, split into ``tune`` and ``measure`` halves."""
    halves: dict[str, list[str]] = {"tune": [], "measure": []}
    for name in CLEAN_NEWS:
        with (shared / "data" / name).open(encoding="utf-8") as lines:
            for number, line in enumerate(lines):
                if held_out_story(number):
                    half = "tune" if (number // 5) % 2 == 0 else "measure"
                    halves[half].append(json.loads(line)["text"])
    if limit:
        halves = {half: stories[:limit] for half, stories in halves.items()}
    return halves


def spinner(shared: Path) -> tuple[FormMatcher, dict[str, list[str]]]:
    """The dictionary's source words with a matcher, and the spun forms of each."""
    forms: dict[str, list[str]] = {}
    lines = (shared / "data" / DICTIONARY).read_text(encoding="utf-8").splitlines()
    for line in lines[2:]:
        src, dst = (cell.strip() for cell in line.split("\t")[:2])
        if src != dst and HAN_WORD.fullmatch(src) and HAN_WORD.fullmatch(dst):
            forms.setdefault(src, []).append(dst)
    return FormMatcher.of(forms), forms


def spin(text: str, seed: int, matcher: FormMatcher, forms: dict[str, list[str]]
         ) -> tuple[str, dict[tuple[int, int], str]]:
    """``text`` spun, and ``{(start, end) in the spun text: original}`` for every swap."""
    out, swaps, last = [], {}, 0
    length = 0
    for start, src in matcher.finditer(text):
        draw = zlib.crc32(f"{seed}:{start}".encode())
        if draw % 1000 >= SPIN_RATE * 1000:
            continue
        dst = forms[src][(draw // 1000) % len(forms[src])]
        out.append(text[last:start])
        length += start - last
        swaps[length, length + len(dst)] = src
        out.append(dst)
        length += len(dst)
        last = start + len(src)
    out.append(text[last:])
    return "".join(out), swaps


def restore_paragraphs(text: str, bars: Bars, tools: tuple) -> Iterator[
        tuple[int, Restoration]]:
    """``(offset of the paragraph, restoration)`` for each paragraph of ``text``, as the
    ``restore_spin`` step does it."""
    offset = 0
    for paragraph in text.split("\n"):
        for restoration in find_spin_restorations(
                paragraph, *tools, restore_at=bars.confidence, spun_density=bars.density,
                min_telltales=bars.telltales, swap_share=bars.share):
            yield offset, restoration
        offset += len(paragraph) + 1


def measure_spun_news(stories: list[str], bars: Bars, tools: tuple, spinning: tuple
                      ) -> Tally:
    tally = Tally()
    for number, story in enumerate(stories):
        spun, swaps = spin(story, number, *spinning)
        tally.spun_words += len(swaps)
        for offset, restoration in restore_paragraphs(spun, bars, tools):
            if not restoration.restored:
                tally.listed += 1
                continue
            change = restoration.change
            tally.restored += 1
            if swaps.get((offset + change.start, offset + change.end)) == change.new:
                tally.right += 1
            elif len(tally.wrong) < 40:
                where = offset + change.start
                tally.wrong.append(f"{spun[max(0, where - 6):where]}[{change.old}→{change.new}"
                                   f" {restoration.confidence}]{spun[where + len(change.old):][:6]}")
    return tally


def measure_clean_news(stories: list[str], bars: Bars, tools: tuple) -> tuple[int, int,
                                                                                       list[str]]:
    """Words changed and characters read in unspun stories, restored as if flagged."""
    changed, examples = 0, []
    for story in stories:
        for offset, restoration in restore_paragraphs(story, bars, tools):
            if restoration.restored:
                changed += 1
                change = restoration.change
                where = offset + change.start
                if len(examples) < 20:
                    examples.append(f"{story[max(0, where - 6):where]}[{change.old}→{change.new} "
                                    f"{restoration.confidence}]{story[change.end + offset:][:6]}")
    return changed, sum(map(len, stories)), examples


def dev_spun_articles(eval_dir: Path, rules: Rules) -> list[tuple[str, str]]:
    """``(expected text, cleaned spun text)`` of each spun dev article: the raw file through
    the pipeline up to ``detect_spin``, the output document closest to the expected text."""
    pipeline = Pipeline(Context(rules), DEFAULT_STEPS[: DEFAULT_STEPS.index("detect_spin")])
    pairs = []
    for line in (eval_dir / "dev" / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        spun = [article["text"] for article in entry["articles"] if article.get("spun")]
        if not spun:
            continue
        raw = InputFile(eval_dir / "dev" / "raw" / entry["file"], entry["file"])
        outputs = [doc.text for doc in pipeline.run(read_documents(raw, ReadOptions("dev")))
                   if doc.rejected is None]
        for gold in spun:
            pairs.append((gold, max(outputs, key=lambda t: SequenceMatcher(
                None, t, gold, autojunk=False).quick_ratio())))
    return pairs


def measure_dev(pairs: list[tuple[str, str]], bars: Bars, tools: tuple) -> Tally:
    tally = Tally()
    for gold, spun in pairs:
        restorations = [(o, r) for o, r in restore_paragraphs(spun, bars, tools)]
        tally.listed += sum(not r.restored for _, r in restorations)
        done = [(o, r) for o, r in restorations if r.restored]
        changes = [r.change for _, r in done]
        restored = apply_changes(spun, [type(c)(c.start + o, c.end + o, c.new, c.rule, c.old)
                                        for (o, _), c in zip(done, changes, strict=True)])
        agree = _agreeing(restored, gold)
        shift, right = 0, 0
        for (offset, restoration), change in zip(done, changes, strict=True):
            start = offset + change.start + shift
            if all(i in agree for i in range(start, start + len(change.new))):
                right += 1
            elif len(tally.wrong) < 40:
                tally.wrong.append(f"{restored[max(0, start - 6):start]}[{change.old}→"
                                   f"{change.new} {restoration.confidence}]"
                                   f"{restored[start + len(change.new):][:6]}")
            shift += len(change.new) - len(change.old)
        tally.restored += len(done)
        tally.right += right
        tally.spun_words += _swapped_words(spun, gold)
    return tally


def _agreeing(text: str, gold: str) -> set[int]:
    """Offsets of ``text`` inside stretches equal to ``gold`` when the two are aligned."""
    matcher = SequenceMatcher(None, text, gold, autojunk=False)
    return {i for tag, a, b, _, _ in matcher.get_opcodes() if tag == "equal" for i in range(a, b)}


def _swapped_words(text: str, gold: str) -> int:
    matcher = SequenceMatcher(None, text, gold, autojunk=False)
    return sum(1 for tag, a, b, c, d in matcher.get_opcodes()
               if tag == "replace" and DEV_WORD.fullmatch(text[a:b])
               and DEV_WORD.fullmatch(gold[c:d]))


def sweep(wide: bool) -> list[Bars]:
    """The bars to measure at: the defaults, and with ``wide`` other confidences, densities
    and shares, and the shares again under stress (``STRESS_CONFIDENCE``, a single telltale
    near enough): on the tune half's clean news that puts back far more words, which the
    stretch alone has to stop."""
    if not wide:
        return [Bars()]
    return [Bars(), *(Bars(confidence=c) for c in SWEEP if c != RESTORE_AT),
            *(Bars(density=d) for d in DENSITY_SWEEP if d != SPUN_DENSITY),
            *(Bars(share=x) for x in SHARE_SWEEP if x != SWAP_SHARE),
            *(Bars(confidence=STRESS_CONFIDENCE, telltales=1, share=x) for x in SHARE_SWEEP)]


def other_clean_texts(shared: Path) -> list[str]:
    """Clean text other than news: Wikipedia paragraphs converted to simplified Chinese, the
    gold text of the extraction test pages (blogs, forums, novels, encyclopedias)."""
    import opencc

    converter = opencc.OpenCC("t2s")
    texts = []
    for name in OTHER_CLEAN:
        with (shared / "data" / name).open(encoding="utf-8") as lines:
            texts += [converter.convert(json.loads(line)["text"]) for line in lines]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true",
                        help="also measure at other confidences and densities, and with one "
                             "telltale near enough (the stress test the density was chosen by)")
    parser.add_argument("--stories", type=int, default=None,
                        help="at most this many stories of each half (default: all)")
    parser.add_argument("--show-wrong", action="store_true", help="print the wrong ones")
    parser.add_argument("--half", choices=("tune", "measure"), help="measure one half only")
    parser.add_argument("--other", action="store_true",
                        help="also run clean text of other kinds (encyclopedia, web pages)")
    args = parser.parse_args()
    if not (SHARED / "data").is_dir():
        print(f"no shared data at {SHARED}; nothing measured")
        return
    rules = Rules()
    started = time.process_time()
    tools = (SpinRestorer.from_rules(rules), WordSegmenter.load(), SpinRepairs.from_rules(rules))
    print(f"loading the restorer and the segmenter: {time.process_time() - started:.2f} CPU-s")
    halves = held_out_news(SHARED, args.stories)
    spinning = spinner(SHARED)
    dev = dev_spun_articles(SHARED / "eval", rules) if (SHARED / "eval").is_dir() else []
    other = other_clean_texts(SHARED) if args.other else []
    for bars in sweep(args.sweep):
        print(f"\n{bars}")
        for half, stories in halves.items():
            if args.half and half != args.half:
                continue
            started = time.process_time()
            tally = measure_spun_news(stories, bars, tools, spinning)
            seconds = time.process_time() - started
            print(tally.line(f"spun news, {half} ({len(stories)})") + f"  {seconds:.1f} CPU-s")
            if args.show_wrong:
                print("   wrong: " + " | ".join(tally.wrong))
            changed, chars, examples = measure_clean_news(stories, bars, tools)
            print(f"{'clean news, ' + half:<28} words changed {changed} in {chars:,} characters")
            if args.show_wrong and examples:
                print("   changed: " + " | ".join(examples))
        if other:
            changed, chars, examples = measure_clean_news(other, bars, tools)
            print(f"{f'other clean text ({len(other)})':<28} words changed {changed} in "
                  f"{chars:,} characters")
            if args.show_wrong and examples:
                print("   changed: " + " | ".join(examples))
        if dev:
            tally = measure_dev(dev, bars, tools)
            print(tally.line(f"dev spun articles ({len(dev)})"))
            if args.show_wrong:
                print("   wrong: " + " | ".join(tally.wrong))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
