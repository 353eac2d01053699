"""Real pages, labelled line by line: how much furniture `curate run` removes from pages nobody
wrote rules for, and how much of their articles it keeps. Prints figures; asserts nothing.

    python bench/real_pages.py [--examples N] [--misses-of tune|measure]

The pages are the 120 CommonCrawl pages of ``shared/data/chinesewebtext-cc-raw.jsonl`` beside
the repository (or ``$CURATE_SHARED/data``); their labels are ``bench/labels/cc-pages.jsonl``
(scheme, split rule and how the labels were made: ``bench/labels/README.md``). The script runs
``curate run PAGES -o TMP --fresh`` with the default configuration, as a user would, and exits
quietly when the shared data is absent.

A line's fate is read off the output by aligning, page by page, the page's lines with the
paragraphs of the documents kept from it (in their order): a line is *kept* when it is
aligned with a paragraph whose character trigrams it shares at a Dice coefficient of at least
``MATCH_AT``, compared after folding script (OpenCC t2s), width (NFKC), case, quotes and
whitespace. The alignment keeps order and gives each paragraph one line at most, choosing the
pairing with the most shared trigrams, so a summary that repeats the first paragraph cannot
take that paragraph's credit; of two equal lines (a heading printed twice) the earlier one
takes it. A body line whose text became the document's title
(an edit of rule ``header-title``) counts as kept; any other line moved to metadata counts as
removed from the text. Every line of a dropped document is removed. Empty lines are not
scored.

A spliced span counts as removed when its line is removed, or when the paragraph aligned with
its line no longer holds the span next to the text that surrounds it in the line (three
characters either side).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import opencc

from curate.storage import CorpusReader

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CURATE_SHARED", REPO.parent / "shared"))
PAGES = "chinesewebtext-cc-raw.jsonl"
LABELS = REPO / "bench" / "labels" / "cc-pages.jsonl"
SPLITS = ("tune", "measure")
PAGE_KINDS = {"article", "listing", "teaser-list", "betting-tips", "keyword-page",
              "search-facets", "scrambled", "error-or-login", "misdecoded", "other"}
JUNK_KINDS = {"spam-header", "navigation", "related-list", "byline", "tags", "footer",
              "title-repeat", "fragment", "spam-line", "comments", "other"}
SPAN_KINDS = {"gambling", "seo", "pinyin"}
MATCH_AT = 0.5  # trigram Dice of a line and its paragraph for the line to count as kept
SPAN_CONTEXT = 3  # characters either side of a span that must still touch it
QUOTES = str.maketrans({c: '"' for c in "“”„‟「」『』〝〞＂'‘’"})
_t2s = opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """The text compared: simplified, NFKC, lower case, quotes alike, no whitespace.

    >>> fold("「臺灣」 ＡＢＣ， 測試")
    '"台湾"abc,测试'
    """
    text = unicodedata.normalize("NFKC", _t2s.convert(text)).lower().translate(QUOTES)
    return re.sub(r"\s+", "", text)


def trigrams(text: str) -> Counter[str]:
    if len(text) < 3:
        return Counter([text]) if text else Counter()
    return Counter(text[i:i + 3] for i in range(len(text) - 2))


def dice(a: Counter[str], b: Counter[str]) -> float:
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if total else 0.0


@dataclass
class Line:
    page: str
    n: int
    text: str
    label: str
    kind: str | None
    spans: list[list]
    kept: bool = False
    paragraph: str = ""  # folded text of the paragraph the line was aligned with


@dataclass
class Page:
    id: str
    split: str
    kind: str
    lines: list[Line]
    kept_docs: int = 0
    dropped: list[str] = field(default_factory=list)  # step/rule of each dropped document
    removals: list[tuple[str, str]] = field(default_factory=list)  # (folded text, step/rule)


def split_of(page_id: str) -> str:
    """``tune`` when the first 8 hex digits of the id's SHA-1 are even, else ``measure``.

    >>> split_of("cwt-cc-2021-43-000"), split_of("cwt-cc-2021-43-001")
    ('tune', 'measure')
    """
    return SPLITS[int(hashlib.sha1(page_id.encode("utf-8")).hexdigest()[:8], 16) % 2]


def line_digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def read_labels(path: Path = LABELS) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def scheme_problems(records: list[dict]) -> list[str]:
    """Where the label records break the scheme of ``bench/labels/README.md``."""
    problems = []
    seen = set()
    for number, record in enumerate(records, 1):
        where = f"{LABELS.name}:{number}: {record.get('id')}"
        if record.get("id") in seen:
            problems.append(f"{where}: labelled twice")
        seen.add(record.get("id"))
        if record.get("split") != split_of(record.get("id", "")):
            problems.append(f"{where}: split {record.get('split')!r}, the rule gives "
                            f"{split_of(record.get('id', ''))!r}")
        if record.get("page_kind") not in PAGE_KINDS:
            problems.append(f"{where}: page_kind {record.get('page_kind')!r} is not one of "
                            f"{sorted(PAGE_KINDS)}")
        for index, (n, digest, label, kind, spans) in enumerate(record.get("lines", []), 1):
            at = f"{where} line {n}"
            if n != index:
                problems.append(f"{at}: found where line {index} belongs")
            if not re.fullmatch(r"[0-9a-f]{8}", str(digest)):
                problems.append(f"{at}: {digest!r} is not 8 hex digits")
            if label == "body":
                if kind is not None:
                    problems.append(f"{at}: a body line has kind {kind!r}, not null")
                if record.get("page_kind") != "article":
                    problems.append(f"{at}: body line on a page without an article")
            elif label == "junk":
                if kind not in JUNK_KINDS:
                    problems.append(f"{at}: junk kind {kind!r} is not one of {sorted(JUNK_KINDS)}")
                if spans:
                    problems.append(f"{at}: spans on a junk line")
            else:
                problems.append(f"{at}: label {label!r} is neither body nor junk")
            end = 0
            for start, stop, what in spans:
                if not end <= start < stop or what not in SPAN_KINDS:
                    problems.append(f"{at}: span [{start}, {stop}, {what!r}] is out of order, "
                                    f"empty or of no kind in {sorted(SPAN_KINDS)}")
                end = stop
    return problems


def source_problems(records: list[dict], texts: dict[str, str]) -> list[str]:
    """Where the labels and the pages they label disagree: pages, lines, hashes, span ends."""
    problems = [f"{LABELS.name}: page {page_id} of {PAGES} has no labels"
                for page_id in texts if page_id not in {r["id"] for r in records}]
    for number, record in enumerate(records, 1):
        where = f"{LABELS.name}:{number}: {record['id']}"
        if record["id"] not in texts:
            problems.append(f"{where}: no such page in {PAGES}")
            continue
        lines = texts[record["id"]].split("\n")
        if len(record["lines"]) != len(lines):
            problems.append(f"{where}: {len(record['lines'])} lines labelled, the page has "
                            f"{len(lines)}")
        for n, digest, _label, _kind, spans in record["lines"][:len(lines)]:
            text = lines[n - 1]
            if line_digest(text) != digest:
                problems.append(f"{where} line {n}: the text changed (hash {line_digest(text)}, "
                                f"labelled {digest}); relabel the page")
            problems += [f"{where} line {n}: span [{start}, {stop}) ends past the line's "
                         f"{len(text)} characters" for start, stop, _ in spans if stop > len(text)]
    return problems


def read_pages(data: Path) -> list[Page]:
    """The labelled pages with their text, checked against the labels."""
    with (data / PAGES).open(encoding="utf-8") as handle:
        rows = {row["id"]: row for row in map(json.loads, handle)}
    records = read_labels()
    problems = scheme_problems(records) + source_problems(
        records, {page_id: row["text"] for page_id, row in rows.items()})
    if problems:
        sys.exit("\n".join(problems))
    pages = []
    for record in records:
        texts = rows[record["id"]]["text"].split("\n")
        lines = [Line(record["id"], n, texts[n - 1], label, kind, spans)
                 for n, _digest, label, kind, spans in record["lines"]]
        pages.append(Page(record["id"], record["split"], record["page_kind"], lines))
    return pages


def run_curate(data: Path, out: Path) -> float:
    """``curate run`` on the pages; returns its CPU-seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "curate", "run", str(data / PAGES), "-o", str(out),
                    "--fresh", "--quiet"], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def read_output(data: Path, out: Path, pages: list[Page]) -> dict[str, list[dict]]:
    """Kept documents per page id, in order; dropped documents noted on their page."""
    by_record = {}
    with (data / PAGES).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            by_record[number] = json.loads(line)["id"]
    by_id = {page.id: page for page in pages}
    kept: dict[str, list[dict]] = defaultdict(list)
    corpus = CorpusReader(out)
    for doc in corpus.records("documents"):
        kept[by_record[doc["provenance"]["record"]]].append(doc)
    for reject in corpus.records("rejects"):
        page = by_id.get(by_record.get(reject["provenance"].get("record")))
        if reject["kind"] == "document" and page is not None:
            page.dropped.append(f"{reject['reason']['step']}/{reject['reason']['rule']}")
    for docs in kept.values():
        docs.sort(key=lambda doc: doc["provenance"].get("part") or 0)
    return kept


def align(lines: list[Line], paragraphs: list[str]) -> None:
    """Mark the lines aligned with a paragraph (order kept, most shared trigrams)."""
    scored = [line for line in lines if fold(line.text)]
    grams = [trigrams(fold(line.text)) for line in scored]
    para_grams = [trigrams(p) for p in paragraphs]
    rows, cols = len(scored), len(paragraphs)
    best = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    pairs = [[False] * cols for _ in range(rows)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            score = dice(grams[i], para_grams[j])
            pair = score * sum(para_grams[j].values()) + best[i + 1][j + 1]
            skip = max(best[i + 1][j], best[i][j + 1])
            # On a tie (a line printed twice) the earlier line takes the paragraph.
            pairs[i][j] = score >= MATCH_AT and pair >= skip
            best[i][j] = pair if pairs[i][j] else skip
    i = j = 0
    while i < rows and j < cols:
        if pairs[i][j]:
            scored[i].kept, scored[i].paragraph = True, paragraphs[j]
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1


def settle_fates(page: Page, docs: list[dict]) -> None:
    paragraphs = [fold(p) for doc in docs for p in doc["text"].split("\n") if fold(p)]
    align(page.lines, paragraphs)
    titles = {fold(edit["text"]) for doc in docs for edit in doc["provenance"]["edits"]
              if edit["action"] == "metadata" and edit["rule"] == "header-title"}
    for line in page.lines:
        if not line.kept and line.label == "body" and fold(line.text) in titles:
            line.kept, line.paragraph = True, fold(line.text)
    page.kept_docs = len(docs)
    page.removals = [(fold(edit["text"]), f"{edit['step']}/{edit['rule']}") for doc in docs
                     for edit in doc["provenance"]["edits"] if edit["action"] == "remove"]


def removed_by(line: Line, page: Page) -> str:
    """The step and rule whose removal edit holds the line, for a lost line of a kept page."""
    text = fold(line.text)
    grams = trigrams(text)
    for removed, what in page.removals:
        if removed and (text in removed or dice(grams, trigrams(removed)) >= MATCH_AT):
            return what
    return "no removal edit holds it"


def span_removed(line: Line, start: int, end: int) -> bool:
    if not line.kept:
        return True
    span = line.text[start:end]
    before = fold(line.text[max(0, start - SPAN_CONTEXT):start] + span)
    after = fold(span + line.text[end:end + SPAN_CONTEXT])
    return before not in line.paragraph and after not in line.paragraph


def share(part: int, whole: int) -> str:
    return f"{part / whole:6.1%} ({part:,} of {whole:,})" if whole else "     – (0 of 0)"


def scored_lines(pages: Iterable[Page], label: str) -> list[Line]:
    return [line for page in pages if page.kind == "article" for line in page.lines
            if line.label == label and fold(line.text)]


def report(name: str, pages: list[Page]) -> None:
    articles = [page for page in pages if page.kind == "article"]
    empty = [page for page in pages if page.kind != "article"]
    junk, body = scored_lines(pages, "junk"), scored_lines(pages, "body")
    removed = [line for line in junk if not line.kept]
    lost = [line for line in body if not line.kept]
    print(f"\n== {name}: {len(pages)} pages ({len(articles)} with an article, "
          f"{len(empty)} without), {len(junk) + len(body):,} scored lines on article pages")
    print(f"junk lines removed on article pages      {share(len(removed), len(junk))}")
    by_kind = Counter(line.kind for line in junk)
    removed_by_kind = Counter(line.kind for line in removed)
    for kind, count in by_kind.most_common():
        print(f"  {kind:<14}                         {share(removed_by_kind[kind], count)}")
    print(f"body lines kept on article pages         {share(len(body) - len(lost), len(body))}")
    print(f"removed lines that were junk (precision) {share(len(removed), len(removed) + len(lost))}")
    whole = [page for page in articles if not page.kept_docs]
    print(f"article pages dropped whole              {share(len(whole), len(articles))}"
          + "".join(f"  {page.id} ({', '.join(page.dropped)})" for page in whole))
    on_kept = scored_lines((page for page in articles if page.kept_docs), "body")
    lost_lines = [(line, page) for page in articles if page.kept_docs for line in page.lines
                  if line in lost]
    print(f"body lines kept on article pages kept    "
          f"{share(len(on_kept) - len(lost_lines), len(on_kept))}")
    for what, count in Counter(removed_by(*pair) for pair in lost_lines).most_common():
        print(f"  lost to {what}: {count}")
    dropped = [page for page in empty if not page.kept_docs]
    print(f"article-less pages dropped               {share(len(dropped), len(empty))}")
    for kind, count in Counter(page.kind for page in empty).most_common():
        done = sum(1 for page in dropped if page.kind == kind)
        print(f"  {kind:<14}                         {share(done, count)}")
    for reason, count in Counter(r for page in dropped for r in page.dropped).most_common():
        print(f"  reason {reason}: {count}")
    spans = [(line, start, end, what) for line in body for start, end, what in line.spans]
    gone = [span for span in spans if span_removed(*span[:3])]
    print(f"spliced spans removed                    {share(len(gone), len(spans))}")
    for what, count in Counter(span[3] for span in spans).most_common():
        done = sum(1 for span in gone if span[3] == what)
        print(f"  {what:<14}                         {share(done, count)}")


def print_misses(pages: list[Page], limit: int) -> None:
    print(f"\n== misses (up to {limit} a kind; text read from {SHARED / 'data' / PAGES})")
    leaked: dict[str, list[Line]] = defaultdict(list)
    for line in scored_lines(pages, "junk"):
        if line.kept:
            leaked[line.kind].append(line)
    for kind, lines in sorted(leaked.items(), key=lambda item: -len(item[1])):
        print(f"junk kept, {kind} ({len(lines)}):")
        for line in lines[:limit]:
            print(f"  {line.page}:{line.n}  {line.text[:70]}")
    lost = [line for line in scored_lines(pages, "body") if not line.kept]
    print(f"body removed ({len(lost)}):")
    for line in lost[:limit]:
        print(f"  {line.page}:{line.n}  {line.text[:70]}")
    left = [(line, start, end) for line in scored_lines(pages, "body")
            for start, end, _ in line.spans if not span_removed(line, start, end)]
    print(f"spliced spans kept ({len(left)}):")
    for line, start, end in left[:limit]:
        print(f"  {line.page}:{line.n}  [{start}, {end}) {line.text[start:end]}")
    kept = [page for page in pages if page.kind != "article" and page.kept_docs]
    print(f"article-less pages kept ({len(kept)}):")
    for page in kept[:limit]:
        print(f"  {page.id} ({page.kind})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=5, help="misses shown a kind")
    parser.add_argument("--misses-of", choices=SPLITS, help="show the misses of one half only "
                        "(tune on TUNE: read the misses of MEASURE only to report them)")
    args = parser.parse_args(argv)
    data = SHARED / "data"
    if not (data / PAGES).is_file():
        print(f"skipped: {data / PAGES} not found (set CURATE_SHARED to the shared folder)")
        return 0
    pages = read_pages(data)
    with tempfile.TemporaryDirectory() as folder:
        seconds = run_curate(data, Path(folder) / "out")
        kept = read_output(data, Path(folder) / "out", pages)
    for page in pages:
        settle_fates(page, kept.get(page.id, []))
    print(f"curate run on {len(pages)} pages: {seconds:.1f} CPU-seconds "
          f"(labels: {LABELS.relative_to(REPO)})")
    for split in SPLITS:
        report(split.upper(), [page for page in pages if page.split == split])
    report("ALL", pages)
    print_misses([page for page in pages if args.misses_of in (None, page.split)], args.examples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
