"""How much of the hand-extracted main text of real pages curate and trafilatura recover.

Reads two sets of real Chinese pages with a gold main text from the shared data folder
(``../shared/data`` beside the repository, or ``$CURATE_SHARED/data``):

- ``web-extraction-gold-magichtml.jsonl``: 67 pages of 51 sites (news, blogs, encyclopedias,
  forums; the magic-html benchmark), split by a hash of the page id into a *tune* half, which
  the extractor's settings were chosen on, and a *measure* half, which they were not;
- ``web-extraction-gold-cwced.jsonl``: 69 pages (MIT), with gold author and date, on which the
  extractor's earlier choices were made (tuned on, like the tune half).

For each set it prints, side by side in one run,

    (a) trafilatura with its default settings: ``trafilatura.extract(html)``
    (a+) the same text under the title trafilatura's metadata finds (``extract_metadata``)
    (b) curate's extraction alone: ``extract_article(html).text``
    (c) curate's path as ``curate run`` takes it: ``extract_article`` then ``clean_text``, each
        kept record as it is written, its ``metadata.title`` line over its text
    (c-) the same, the records' ``text`` fields alone

The gold main text opens with the page's title; curate moves a title out of the text into
``metadata.title`` (the record holds it, the text no longer does), so (c) scores what a
record holds and (c-) what its text field holds; (a+) gives trafilatura its title the same way.

*gold lines recovered*: the characters of the gold lines found whole in the output, over all
gold characters; *output precision*: the characters of the output lines found whole in the
gold, over all output characters (both pooled over the set's pages, whitespace removed, lines
of ``MIN_PARAGRAPH`` characters or more); the mean Levenshtein similarity to the gold text; and
the CPU milliseconds a page takes, with the ratio of (b) to (a) measured in the same run.
``clean_text`` converts to simplified Chinese and normalises punctuation, so (c) is compared
with the gold text passed through those two rewriting steps (and nothing else).

The pages are given without the data set's ``<text id=URL ...>`` wrapper some rows add, as a
server would send them. Two cwced pages were decoded with the wrong codec before they were
stored and are full of U+FFFD; no extractor recovers them.

Run: ``python bench/html_extraction.py`` (about a minute; ``--pages`` adds every page's figures).
Not a test: it prints figures.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import regex
import trafilatura
from rapidfuzz.distance import Levenshtein

from curate.io.html import extract_article
from curate.pipeline import clean_text
from curate.rules import Rules

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CURATE_SHARED", REPO.parent / "shared"))
GOLD_SETS = {
    "magic-html": SHARED / "data" / "web-extraction-gold-magichtml.jsonl",
    "cwced": SHARED / "data" / "web-extraction-gold-cwced.jsonl",
}
# The set split into halves by page id, and the half the settings were chosen on.
SPLIT_SET = "magic-html"
# The pipeline steps that rewrite text without removing any: what the gold text goes through
# before it is compared with (c).
REWRITING_STEPS = ["convert_to_simplified", "normalize_punctuation"]
# Gold values that mean "the page names none".
UNKNOWN = {"", "UNKNOWN", "UNKNWON"}
MIN_PARAGRAPH = 10  # shorter gold or output lines (dates, one-word headings) are not counted

_WRAPPER = regex.compile(r"\A\s*<text\b[^>]*>(.*?)(?:</text>\s*)?\Z", regex.DOTALL)
_SPACE = regex.compile(r"\s+")
_DATE_PARTS = regex.compile(r"^(\d{4})(?:[-/.年](\d{1,2}))?(?:[-/.月](\d{1,2}))?")
_NAME_SEPARATORS = regex.compile(r"[\s,，、;；/&]+")


@dataclass
class Page:
    id: str
    page: str  # without the data set's wrapper
    gold: str
    gold_author: str
    gold_date: str
    rewritten_gold: str = ""


@dataclass
class Scores:
    """One method's figures on one set, page by page."""

    recovered: list[tuple[int, int]] = field(default_factory=list)  # (gold chars found, all)
    kept: list[tuple[int, int]] = field(default_factory=list)  # (output chars in gold, all)
    similarity: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    authors: list[str | None] = field(default_factory=list)
    dates: list[str | None] = field(default_factory=list)


# A method: the text it extracts from a page, and the author and date it finds (or None).
Extractor = Callable[[Page], tuple[str, str | None, str | None]]


def load_pages(path: Path) -> list[Page]:
    pages = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        meta = row["meta"]
        wrapped = _WRAPPER.match(meta["html"])
        pages.append(Page(row["id"], wrapped.group(1) if wrapped else meta["html"], row["text"],
                          meta.get("gold_author", ""), meta.get("gold_date", "")))
    return pages


def half(page_id: str) -> str:
    """``tune`` or ``measure``, by the first byte of the page id's SHA-256.

    >>> half("magic-html-article-4e55eac42f97a6d9")
    'tune'
    """
    return "tune" if hashlib.sha256(page_id.encode()).digest()[0] % 2 == 0 else "measure"


def similarity(text: str, gold: str) -> float:
    """Levenshtein similarity of the two texts with all whitespace removed, 0..1.

    >>> round(similarity("国产芯片\\n崛起", "国产 芯片崛起了"), 3)
    0.857
    """
    return Levenshtein.normalized_similarity(_SPACE.sub("", text), _SPACE.sub("", gold))


def line_overlap(text: str, gold: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """((gold characters in lines found whole in the output, gold characters), (output
    characters in lines found whole in the gold, output characters)).

    Lines are compared without whitespace; lines shorter than ``MIN_PARAGRAPH`` are skipped.

    >>> text = "北京今天下了今年第一场雪。\\n首页 新闻 体育 财经 娱乐 科技"
    >>> line_overlap(text, "北京今天下了今年第一场雪。\\n道路结冰，请市民注意出行安全。")
    ((13, 28), (13, 25))
    """
    def lines(value: str) -> list[str]:
        squeezed = (_SPACE.sub("", line) for line in value.splitlines())
        return [line for line in squeezed if len(line) >= MIN_PARAGRAPH]

    flat_text, flat_gold = _SPACE.sub("", text), _SPACE.sub("", gold)
    gold_lines, text_lines = lines(gold), lines(text)
    return ((sum(len(line) for line in gold_lines if line in flat_text),
             sum(map(len, gold_lines))),
            (sum(len(line) for line in text_lines if line in flat_gold),
             sum(map(len, text_lines))))


def rewrite(text: str, rules: Rules) -> str:
    """``text`` through the pipeline's rewriting steps only (script and punctuation)."""
    docs = clean_text(text, rules=rules, steps=REWRITING_STEPS, markdown=False)
    return "\n".join(doc.text for doc in docs)


def curate_path(html: str, rules: Rules, titles: bool = True) -> tuple[str, str | None, str | None]:
    """(c): ``extract_article`` and the whole cleaning pipeline: the kept documents' title
    lines and text (text alone without ``titles``), the author and the date.

    As in ``curate run``, the page's author comes first; a credit line the pipeline removes
    from the text names the author when the page did not.
    """
    article = extract_article(html)
    docs = clean_text(article.text, rules=rules, markdown=False)
    kept = [doc for doc in docs if doc.rejected is None]
    author = article.metadata.get("author") or next(
        (doc.metadata["author"] for doc in kept if doc.metadata.get("author")), None
    )
    parts = ([doc.metadata["title"], doc.text] if titles and doc.metadata.get("title")
             else [doc.text] for doc in kept)
    return "\n".join(part for record in parts for part in record), author, article.created


def date_matches(found: str | None, gold: str) -> bool:
    """True when ``found`` agrees with the gold date as far as the gold date goes.

    >>> date_matches("2005-05-07", "2005-5-7 21:23:57"), date_matches("2018-03-01", "2018")
    (True, True)
    """
    gold_parts = _date_parts(gold)
    if gold_parts is None:
        return found is None
    found_parts = _date_parts(found or "")
    return found_parts is not None and found_parts[: len(gold_parts)] == gold_parts


def _date_parts(value: str) -> tuple[int, ...] | None:
    match = _DATE_PARTS.match(value.strip())
    if match is None:
        return None
    return tuple(int(part) for part in match.groups() if part is not None)


def author_matches(found: str | None, gold: str) -> bool:
    """True when ``found`` names the same people as the gold author (order and separators aside).

    >>> author_matches("王建宏、张文攀", "王建宏 张文攀"), author_matches(None, "UNKNOWN")
    (True, True)
    """
    if gold.strip() in UNKNOWN:
        return not found
    return _names(found or "") == _names(gold)


def _names(value: str) -> set[str]:
    return {name for name in _NAME_SEPARATORS.split(value) if name}


def score_method(pages: list[Page], extract: Extractor, rewritten: bool) -> Scores:
    scores = Scores()
    for page in pages:
        start = time.process_time()
        text, author, date = extract(page)
        scores.cpu.append(time.process_time() - start)
        gold = page.rewritten_gold if rewritten else page.gold
        recovered, kept = line_overlap(text, gold)
        scores.recovered.append(recovered)
        scores.kept.append(kept)
        scores.similarity.append(similarity(text, gold))
        scores.authors.append(author)
        scores.dates.append(date)
    return scores


def pooled(pairs: list[tuple[int, int]]) -> float:
    total = sum(whole for _, whole in pairs)
    return sum(part for part, _ in pairs) / total if total else 0.0


def methods(rules: Rules) -> list[tuple[str, str, Extractor, bool]]:
    """(short name, label, extractor, compared with the rewritten gold text) of each method."""

    def default(page: Page) -> tuple[str, None, None]:
        return trafilatura.extract(page.page) or "", None, None

    def titled(page: Page) -> tuple[str, None, None]:
        found = trafilatura.extract_metadata(page.page)
        title = [found.title] if found is not None and found.title else []
        return "\n".join([*title, trafilatura.extract(page.page) or ""]), None, None

    def extraction_only(page: Page) -> tuple[str, str | None, str | None]:
        article = extract_article(page.page)
        return article.text, article.metadata.get("author"), article.created

    def full_path(page: Page) -> tuple[str, str | None, str | None]:
        return curate_path(page.page, rules)

    def text_fields(page: Page) -> tuple[str, str | None, str | None]:
        return curate_path(page.page, rules, titles=False)

    return [
        ("a", "(a) trafilatura, default settings", default, False),
        ("a+", "(a+) trafilatura, its title over its text", titled, False),
        ("b", "(b) curate: extract_article alone", extraction_only, False),
        ("c", "(c) curate: extract_article + clean_text", full_path, True),
        ("c-", "(c-) the same, text fields alone", text_fields, True),
    ]


def print_rows(name: str, pages: list[Page], rows: list[tuple[str, str, Scores]]) -> None:
    subsets: list[tuple[str, list[int]]] = [("all", list(range(len(pages))))]
    if name == SPLIT_SET:
        for part in ("tune", "measure"):
            subsets.append((part, [i for i, page in enumerate(pages) if half(page.id) == part]))
    for subset, indexes in subsets:
        print(f"{name} {subset} ({len(indexes)} pages)")
        for _, label, scores in rows:
            recovered = pooled([scores.recovered[i] for i in indexes])
            kept = pooled([scores.kept[i] for i in indexes])
            sim = statistics.fmean(scores.similarity[i] for i in indexes)
            cpu = 1000 * statistics.fmean(scores.cpu[i] for i in indexes)
            print(f"  {label:<42} {recovered:9.3f} {kept:9.3f} {sim:6.3f} {cpu:8.1f}")
    seconds = {short: sum(scores.cpu) for short, _, scores in rows}
    print(f"  CPU time against (a), same run: (b) {seconds['b'] / seconds['a']:.2f}x, "
          f"(c) {seconds['c'] / seconds['a']:.2f}x")


def print_metadata(label: str, scores: Scores, pages: list[Page]) -> None:
    dated = [p for p in pages if _date_parts(p.gold_date) is not None]
    authored = [p for p in pages if p.gold_author.strip() not in UNKNOWN]
    date_hits = sum(date_matches(d, p.gold_date) for d, p in zip(scores.dates, pages, strict=True)
                    if _date_parts(p.gold_date) is not None)
    author_hits = sum(author_matches(a, p.gold_author)
                      for a, p in zip(scores.authors, pages, strict=True)
                      if p.gold_author.strip() not in UNKNOWN)
    print(f"  {label}: date {date_hits}/{len(dated)} right, author {author_hits}/"
          f"{len(authored)} right")


def main() -> int:
    missing = [str(path) for path in GOLD_SETS.values() if not path.is_file()]
    if missing:
        print(f"{', '.join(missing)}: not found; set CURATE_SHARED to the shared folder",
              file=sys.stderr)
        return 2
    rules = Rules()
    print(f"recovered: gold line characters found in the output; precision: output line "
          f"characters found in the gold (lines of {MIN_PARAGRAPH}+ characters, pooled over "
          "the pages); sim: mean Levenshtein similarity; CPU ms a page")
    print(f"  {'':<42} {'recovered':>9} {'precision':>9} {'sim':>6} {'CPU ms':>8}")
    for name, path in GOLD_SETS.items():
        pages = load_pages(path)
        for page in pages:  # OpenCC, the rules and trafilatura load once, outside the timings
            page.rewritten_gold = rewrite(page.gold, rules)
            curate_path(page.page, rules)
            trafilatura.extract(page.page)
        rows = [(short, label, score_method(pages, extract, rewritten))
                for short, label, extract, rewritten in methods(rules)]
        print_rows(name, pages, rows)
        if any(page.gold_date for page in pages):
            print_metadata("(c) metadata", next(scores for short, _, scores in rows if short == "c"), pages)
        if "--pages" in sys.argv:
            print_pages(pages, rows)
    return 0


def print_pages(pages: list[Page], rows: list[tuple[str, str, Scores]]) -> None:
    """Recovered and precision of every page under every method, for finding what to look at."""
    print(f"{'page':<40} " + " ".join(f"{short:>11}" for short, _, _ in rows))
    for index, page in enumerate(pages):
        figures = " ".join(f"{pooled([s.recovered[index]]):5.2f} {pooled([s.kept[index]]):5.2f}"
                           for _, _, s in rows)
        print(f"{page.id[-38:]:<40} {figures}")


if __name__ == "__main__":
    sys.exit(main())
