"""Inline gambling spam: phrases on raw CommonCrawl pages before and after removal, pages
dropped as mostly spam, and false removals on clean news. Prints figures; asserts nothing.

    python bench/inline_spam.py

Reads ``shared/data`` beside the repository (or ``$CURATE_SHARED/data``) and exits quietly
when it is absent.

An *injected phrase* is counted three ways on the first 100 rows of
chinesewebtext-cc-raw.jsonl, in the raw text and in the text after removal:

- lexicon terms: the 赌博 terms of the ChineseWebText filter dict and the konsheng terms that
  name gambling (containing 彩, 赌, 博彩 or 投注), read from the shared data;
- gambling markers: ``MARKERS`` below, substrings that mark gambling advertising, written
  independently of the rules (some also occur honestly: 金沙江, 赛车, 赌注 stay after removal);
- phrases the finder itself reports (after removal this must be 0).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from curate.clean.inline_spam import find_injected_spam, inline_spam_rules, spam_share
from curate.edits import apply_changes
from curate.rules import Rules

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CURATE_SHARED", REPO.parent / "shared"))
CC_PAGES = "chinesewebtext-cc-raw.jsonl"
CC_RAW_ROWS = 100  # the rows after these are labelled clean/dirty samples, not raw pages
# Clean text that must come out untouched: (file, label).
CLEAN_SETS = [
    ("xwlb-cctv-news.jsonl", "CCTV 新闻联播"),
    ("thucnews-cnews-1000.jsonl", "THUCNews"),
    ("sogoucs-smarty.jsonl", "SogouCS"),
    ("drcd-zh-tw-wiki.jsonl", "DRCD wiki (traditional)"),
    ("web-extraction-gold-cwced.jsonl", "CWCED gold text"),
]
# The measuring stick, kept apart from rules/ on purpose.
MARKERS = [
    "现金网", "贵宾会", "娱乐城", "娱乐平台", "威尼斯人", "葡京", "金沙", "太阳城", "申博",
    "百家乐", "骰宝", "老虎机", "开奖", "赛车", "飞艇", "返水", "彩金", "博彩", "赌", "体育app",
    "体育官网", "体育官方", "体育平台", "华体会", "欧宝", "必威", "亚博", "yabo", "bet365",
    "bt365", "乐虎", "威廉希尔", "皇冠",
]
GAMBLING_HINTS = ("彩", "赌", "博彩", "投注")


def main() -> int:
    data = SHARED / "data"
    if not (data / CC_PAGES).is_file():
        print(f"skipped: {data} not found (set CURATE_SHARED to the shared folder)")
        return 0
    rules = Rules()
    print(f"drop threshold (rules/inline_spam.yaml share.drop_at): "
          f"{inline_spam_rules(rules).drop_at}")
    report_cc_pages(data, rules)
    report_clean_sets(data, rules)
    return 0


def read_texts(path: Path, limit: int | None = None) -> list[tuple[str, str]]:
    rows = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if limit is not None and number >= limit:
                break
            row = json.loads(line)
            rows.append((row["id"], row["text"]))
    return rows


def lexicon_terms(data: Path) -> list[str]:
    """Gambling terms of the two public lexicons (read here, never copied into rules/)."""
    terms = set()
    for line in (data / "filter-dict-chinesewebtext.tsv").read_text(encoding="utf-8").splitlines():
        category, _, term = line.partition("\t")
        if category == "赌博" and term:
            terms.add(term)
    for line in (data / "spam-keywords-konsheng.tsv").read_text(encoding="utf-8").splitlines():
        category, term, *_ = [*line.split("\t"), ""]
        if category in ("illegal_domain", "category"):
            continue
        if any(hint in term for hint in GAMBLING_HINTS):
            terms.add(term)
    return sorted(terms)


def count(texts: list[str], words: list[str]) -> Counter:
    counts: Counter = Counter()
    for text in texts:
        lowered = text.lower()
        for word in words:
            counts[word] += lowered.count(word.lower())
    return +counts


def report_cc_pages(data: Path, rules: Rules) -> None:
    pages = read_texts(data / CC_PAGES, limit=CC_RAW_ROWS)
    before = [text for _, text in pages]
    started = time.perf_counter()
    changes = [find_injected_spam(text, rules) for text in before]
    per_page_ms = (time.perf_counter() - started) * 1000 / len(pages)
    after = [apply_changes(text, found) for text, found in zip(before, changes, strict=True)]
    print(f"\n== {CC_PAGES}: {len(pages)} raw CommonCrawl pages ({per_page_ms:.2f} ms a page)")

    terms = lexicon_terms(data)
    lexicon_before, lexicon_after = count(before, terms), count(after, terms)
    print(f"lexicon terms ({len(terms)} from filter dict 赌博 + konsheng): "
          f"{sum(lexicon_before.values())} before, {sum(lexicon_after.values())} after")
    markers_before, markers_after = count(before, MARKERS), count(after, MARKERS)
    print(f"gambling markers: {sum(markers_before.values())} before, "
          f"{sum(markers_after.values())} after, in "
          f"{sum(1 for t in before if count([t], MARKERS))} -> "
          f"{sum(1 for t in after if count([t], MARKERS))} pages")
    for marker, hits in markers_before.most_common():
        print(f"  {marker:<6} {hits:>4} -> {markers_after[marker]}")
    found_after = sum(len(find_injected_spam(text, rules)) for text in after)
    rules_used = Counter(change.rule for found in changes for change in found)
    print(f"finder phrases: {sum(rules_used.values())} before, {found_after} after; "
          f"pages touched {sum(1 for found in changes if found)}; "
          + ", ".join(f"{rule} {n}" for rule, n in rules_used.most_common()))

    shares = sorted(((spam_share(text, rules), name) for name, text in pages), reverse=True)
    threshold = inline_spam_rules(rules).drop_at
    dropped = [name for share, name in shares if share >= threshold]
    print(f"dropped as mostly spam (share >= {threshold}): {len(dropped)} {dropped}")
    print("highest spam shares: " + ", ".join(f"{name} {share:.3f}" for share, name in shares[:8]))
    print("markers left after removal (context):")
    for name, text in zip((n for n, _ in pages), after, strict=True):
        for context in marker_contexts(text):
            print(f"  {name}: {context}")


def marker_contexts(text: str, reach: int = 12) -> Iterator[str]:
    lowered = text.lower()
    for marker in MARKERS:
        start = lowered.find(marker.lower())
        while start >= 0:
            snippet = text[max(0, start - reach) : start + len(marker) + reach]
            yield snippet.replace("\n", " | ")
            start = lowered.find(marker.lower(), start + len(marker))


def report_clean_sets(data: Path, rules: Rules) -> None:
    threshold = inline_spam_rules(rules).drop_at
    print("\n== clean text: false removals (aim 0)")
    print(f"{'set':<26}{'docs':>6}{'removals':>10}{'docs hit':>10}{'max share':>11}"
          f"{'dropped':>9}{'ms/doc':>8}")
    for file, label in CLEAN_SETS:
        path = data / file
        if not path.is_file():
            print(f"{label:<26} missing")
            continue
        texts = [text for _, text in read_texts(path)]
        started = time.perf_counter()
        found = [find_injected_spam(text, rules) for text in texts]
        per_doc_ms = (time.perf_counter() - started) * 1000 / len(texts)
        shares = [spam_share(text, rules) for text in texts]
        print(f"{label:<26}{len(texts):>6}{sum(map(len, found)):>10}"
              f"{sum(1 for f in found if f):>10}{max(shares):>11.3f}"
              f"{sum(1 for s in shares if s >= threshold):>9}{per_doc_ms:>8.2f}")
        for changes in found:
            for change in changes:
                print(f"    false removal: {change.rule} {change.old!r}")


if __name__ == "__main__":
    sys.exit(main())
