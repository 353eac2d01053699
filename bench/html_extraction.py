"""How close three ways of extracting a web page's main text come to a hand-extracted gold text.

Reads ``web-extraction-gold-cwced.jsonl`` (69 real Chinese pages with hand-extracted main text,
author and date; MIT) from the shared data folder (``../shared/data`` beside the repository, or
``$CURATE_SHARED/data``) and prints, for

    (a) trafilatura with its default settings: ``trafilatura.extract(html)``
    (b) trafilatura with the settings CONVENTIONS.md recommends
        (``favor_precision=True, fast=True, include_comments=False``)
    (c) curate's path: ``extract_article(html)`` then ``clean_text`` over its text, the kept
        documents joined

the mean similarity to the gold text (rapidfuzz ``Levenshtein.normalized_similarity`` on the
texts with all whitespace removed), paragraph recall and precision, the milliseconds a page
takes, and how often the author and the date match the gold ones.

Fair comparison. ``clean_text`` also converts to simplified Chinese and normalises
punctuation, so (c) is compared with the gold text passed through those two rewriting steps
of the same pipeline (and nothing else: no step that removes text). (a) and (b) are compared
with the gold text as it is, and once more after the same rewriting of both sides, so the
gain of (c) that comes from the conversion alone can be read off.

The pages. Most rows wrap the page in the data set's own ``<text id=URL title=...>`` element;
a served page has no such wrapper, so every method gets the page without it. (a) on the
stored string is printed too: trafilatura rejects documents whose first 50 characters do not
contain "html", and the wrapper's URL attribute happens to let some pages through.
Two pages (``html_encoding`` "utf-8?") were decoded with the wrong codec before they were
stored and are full of U+FFFD; no extractor can recover them, so means are also given
without them.

Run: ``python bench/html_extraction.py`` (about 20 s; ``--pages`` adds every page's figures).
Not a test: it prints figures.
"""

from __future__ import annotations

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
GOLD_FILE = SHARED / "data" / "web-extraction-gold-cwced.jsonl"
# The pipeline steps that rewrite text without removing any: what the gold text goes through
# before it is compared with (c).
REWRITING_STEPS = ["convert_to_simplified", "normalize_punctuation"]
OUR_SETTINGS = {"favor_precision": True, "fast": True, "include_comments": False}
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
    html: str  # as stored in the data set
    page: str  # without the data set's wrapper
    gold: str
    gold_author: str
    gold_date: str
    misdecoded: bool


@dataclass
class Scores:
    """One method's figures, page by page."""

    similarity: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    precision: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
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
        pages.append(Page(row["id"], meta["html"], wrapped.group(1) if wrapped else meta["html"],
                          row["text"], meta.get("gold_author", ""), meta.get("gold_date", ""),
                          meta.get("html_encoding", "").endswith("?")))
    return pages


def similarity(text: str, gold: str) -> float:
    """Levenshtein similarity of the two texts with all whitespace removed, 0..1.

    >>> round(similarity("国产芯片\\n崛起", "国产 芯片崛起了"), 3)
    0.857
    """
    return Levenshtein.normalized_similarity(_SPACE.sub("", text), _SPACE.sub("", gold))


def paragraph_overlap(text: str, gold: str) -> tuple[float, float]:
    """(recall, precision): the share of gold lines found whole in the output, and the reverse.

    Lines are compared without whitespace; lines shorter than ``MIN_PARAGRAPH`` are skipped.

    >>> text = "北京今天下了今年第一场雪。\\n首页 新闻 体育 财经 娱乐 科技"
    >>> paragraph_overlap(text, "北京今天下了今年第一场雪。\\n道路结冰，请市民注意出行安全。")
    (0.5, 0.5)
    """
    def lines(value: str) -> list[str]:
        squeezed = (_SPACE.sub("", line) for line in value.splitlines())
        return [line for line in squeezed if len(line) >= MIN_PARAGRAPH]

    flat_text, flat_gold = _SPACE.sub("", text), _SPACE.sub("", gold)
    gold_lines, text_lines = lines(gold), lines(text)
    recall = sum(line in flat_text for line in gold_lines) / len(gold_lines) if gold_lines else 1.0
    precision = (sum(line in flat_gold for line in text_lines) / len(text_lines)
                 if text_lines else 0.0)
    return recall, precision


def rewrite(text: str, rules: Rules) -> str:
    """``text`` through the pipeline's rewriting steps only (script and punctuation)."""
    docs = clean_text(text, rules=rules, steps=REWRITING_STEPS, markdown=False)
    return "\n".join(doc.text for doc in docs)


def curate_path(html: str, rules: Rules) -> tuple[str, str | None, str | None]:
    """(c): ``extract_article`` and the whole cleaning pipeline: the kept documents' text,
    the author and the date.

    As in ``curate run``, the page's author comes first; a credit line the pipeline removes
    from the text names the author when the page did not.
    """
    article = extract_article(html)
    docs = clean_text(article.text, rules=rules, markdown=False)
    kept = [doc for doc in docs if doc.rejected is None]
    author = article.metadata.get("author") or next(
        (doc.metadata["author"] for doc in kept if doc.metadata.get("author")), None
    )
    return "\n".join(doc.text for doc in kept), author, article.created


def trafilatura_metadata(html: str) -> tuple[str | None, str | None]:
    """Author and date from trafilatura with its default settings."""
    extracted = trafilatura.bare_extraction(html, with_metadata=True)
    return (extracted.author, extracted.date) if extracted is not None else (None, None)


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


def score_method(pages: list[Page], extract: Extractor, gold_of: Callable[[Page], str]) -> Scores:
    scores = Scores()
    for page in pages:
        start = time.perf_counter()
        text, author, date = extract(page)
        scores.seconds.append(time.perf_counter() - start)
        gold = gold_of(page)
        scores.similarity.append(similarity(text, gold))
        recall, precision = paragraph_overlap(text, gold)
        scores.recall.append(recall)
        scores.precision.append(precision)
        scores.authors.append(author)
        scores.dates.append(date)
    return scores


def mean(values: list[float], pages: list[Page], *, decodable: bool = False) -> float:
    kept = [v for v, page in zip(values, pages, strict=True) if not (decodable and page.misdecoded)]
    return statistics.fmean(kept)


def print_row(label: str, scores: Scores, pages: list[Page]) -> None:
    print(f"{label:<44} {mean(scores.similarity, pages):6.3f} "
          f"{mean(scores.similarity, pages, decodable=True):6.3f} "
          f"{mean(scores.recall, pages):6.3f} {mean(scores.precision, pages):6.3f} "
          f"{1000 * statistics.fmean(scores.seconds):7.1f}")


def print_metadata(label: str, scores: Scores, pages: list[Page]) -> None:
    dated = [p for p in pages if _date_parts(p.gold_date) is not None]
    authored = [p for p in pages if p.gold_author.strip() not in UNKNOWN]
    date_hits = sum(date_matches(d, p.gold_date) for d, p in zip(scores.dates, pages, strict=True)
                    if _date_parts(p.gold_date) is not None)
    false_dates = sum(d is not None for d, p in zip(scores.dates, pages, strict=True)
                      if _date_parts(p.gold_date) is None)
    author_hits = sum(author_matches(a, p.gold_author)
                      for a, p in zip(scores.authors, pages, strict=True)
                      if p.gold_author.strip() not in UNKNOWN)
    false_authors = sum(bool(a) for a, p in zip(scores.authors, pages, strict=True)
                        if p.gold_author.strip() in UNKNOWN)
    print(f"{label:<44}\n    date {date_hits}/{len(dated)} right, {false_dates}/"
          f"{len(pages) - len(dated)} given where gold has none; author {author_hits}/"
          f"{len(authored)} right, {false_authors}/{len(pages) - len(authored)} given where "
          f"gold has none")


def methods(rules: Rules) -> list[tuple[str, str, Extractor, bool]]:
    """(short name, label, extractor, compared with the rewritten gold text) of each method."""

    def default(page: Page) -> tuple[str, None, None]:
        return trafilatura.extract(page.page) or "", None, None

    def default_stored(page: Page) -> tuple[str, None, None]:
        return trafilatura.extract(page.html) or "", None, None

    def default_rewritten(page: Page) -> tuple[str, None, None]:
        return rewrite(trafilatura.extract(page.page) or "", rules), None, None

    def precise(page: Page) -> tuple[str, None, None]:
        return trafilatura.extract(page.page, **OUR_SETTINGS) or "", None, None

    def extraction_only(page: Page) -> tuple[str, str | None, str | None]:
        article = extract_article(page.page)
        return article.text, article.metadata.get("author"), article.created

    def full_path(page: Page) -> tuple[str, str | None, str | None]:
        return curate_path(page.page, rules)

    return [
        ("a", "(a) trafilatura default", default, False),
        ("a.w", "(a) same, on the stored string (wrapper)", default_stored, False),
        ("a.t2s", "(a) same, both sides t2s + punctuation", default_rewritten, True),
        ("b", "(b) favor_precision, fast, no comments", precise, False),
        ("c.ext", "(c) extract_article only, gold as is", extraction_only, False),
        ("c", "(c) extract_article + clean_text", full_path, True),
    ]


def main() -> int:
    if not GOLD_FILE.is_file():
        print(f"{GOLD_FILE}: not found; set CURATE_SHARED to the shared folder", file=sys.stderr)
        return 2
    pages = load_pages(GOLD_FILE)
    rules = Rules()
    rewritten = {page.id: rewrite(page.gold, rules) for page in pages}
    for page in pages:  # OpenCC, the rules and trafilatura load once, outside the timings
        curate_path(page.page, rules)
    rows = []
    for short, label, extract, on_rewritten in methods(rules):
        gold_of = (lambda p: rewritten[p.id]) if on_rewritten else (lambda p: p.gold)
        rows.append((short, label, score_method(pages, extract, gold_of)))
    misdecoded = sum(page.misdecoded for page in pages)
    print(f"{len(pages)} pages; sim: Levenshtein normalized similarity to the gold text, "
          "whitespace removed")
    print(f"{'':<44} {'sim':>6} {'sim*':>6} {'p.rec':>6} {'p.prec':>6} {'ms/page':>7}")
    for _, label, scores in rows:
        print_row(label, scores, pages)
    print(f"sim*: without the {misdecoded} pages stored mis-decoded. p.rec / p.prec: gold lines "
          f"found whole in the output / output lines found whole in the gold (lines of "
          f"{MIN_PARAGRAPH}+ characters). ms/page of (c) includes the cleaning pipeline.")
    print_metadata("(a) trafilatura default, with_metadata=True", default_metadata(pages), pages)
    print_metadata("(c) extract_article + clean_text", rows[-1][2], pages)
    if "--pages" in sys.argv:
        print_pages(pages, rows)
    return 0


def default_metadata(pages: list[Page]) -> Scores:
    scores = Scores()
    for page in pages:
        author, date = trafilatura_metadata(page.page)
        scores.authors.append(author)
        scores.dates.append(date)
    return scores


def print_pages(pages: list[Page], rows: list[tuple[str, str, Scores]]) -> None:
    """Similarity of every page under every method, for finding what to look at next."""
    print(f"{'page':<9} " + " ".join(f"{short:>6}" for short, _, _ in rows))
    for index, page in enumerate(pages):
        figures = " ".join(f"{scores.similarity[index]:6.2f}" for _, _, scores in rows)
        print(f"{page.id[6:14]:<9} {figures}")


if __name__ == "__main__":
    sys.exit(main())
