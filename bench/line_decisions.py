"""Line decisions on real pages: junk lines removed, body lines kept, article-less pages
dropped and spliced spam spans removed, on the hand-labelled CommonCrawl pages (TUNE and
MEASURE halves apart) and on the CWCED HTML pages' rendered text. Prints figures; asserts
nothing.

    python bench/line_decisions.py [--set tune|measure|cwced|all] [--show] [--before]

``--set all`` also prints the classifier steps' share of the pipeline's CPU time.

The pages are research-use text read from ``../shared/data`` at run time (or
``$CURATE_SHARED/data``); the labels are ``bench/labels/cc-pages.jsonl``. Each page's text is
cleaned as one plain-text document, as ``curate run`` cleans a page stored as text; a source
line is *kept* when a paragraph of a kept document covers it or it became the document's
title. A spliced span counts as
removed when its line is dropped or its text is no longer in the kept text. ``--show``
prints every wrong decision with its line.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

import opencc

from curate.pipeline import clean_text
from curate.rules import Rules

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CURATE_SHARED", REPO.parent / "shared"))
CC_PAGES = "chinesewebtext-cc-raw.jsonl"
CWCED_PAGES = "web-extraction-gold-cwced.jsonl"
LABELS = REPO / "bench" / "labels" / "cc-pages.jsonl"


# The steps measured here; ``--before`` runs the pipeline without them.
EVIDENCE_STEPS = ("drop_repeated_lines", "drop_articleless_pages", "drop_furniture_lines")
STEPS: list[str] | None = None


def kept_lines(text: str, rules: Rules) -> tuple[set[int], str, str | None]:
    """Source lines covered by kept paragraphs, the kept text, and the reason of a drop."""
    documents = clean_text(text, rules=rules, markdown=False, steps=STEPS)
    lines: set[int] = set()
    kept_text = []
    reasons = []
    for doc in documents:
        if doc.rejected is not None:
            reasons.append(f"{doc.rejected.rule}: {doc.rejected.why}")
            continue
        for paragraph in doc.paragraphs:
            lines.update(range(paragraph.lines[0], paragraph.lines[1] + 1))
        # The title line kept as the record's title is kept, not lost.
        lines.update(e.line for e in doc.edits if e.rule == "header-title" and e.line)
        kept_text.append(doc.text)
    dropped = "; ".join(reasons) if reasons and not lines else None
    return lines, "\n".join(kept_text), dropped


def report_cc(split: str, rules: Rules, show: bool) -> None:
    data = SHARED / "data" / CC_PAGES
    pages = {row["id"]: row for row in map(json.loads, data.open(encoding="utf-8"))}
    to_simplified = opencc.OpenCC("t2s")
    counts = Counter()
    kinds_leaked = Counter()
    kinds_total = Counter()
    started = time.process_time()
    for label in map(json.loads, LABELS.open(encoding="utf-8")):
        if split != "all" and label["split"] != split:
            continue
        lines = pages[label["id"]]["text"].split("\n")
        kept, kept_text, dropped = kept_lines(pages[label["id"]]["text"], rules)
        article = label["page_kind"] == "article"
        if not article:
            counts["no_article"] += 1
            counts["no_article_dropped"] += dropped is not None
            if show and dropped is None:
                print(f"  KEPT {label['id']} ({label['page_kind']}): "
                      f"{len(kept)} of {len(lines)} lines kept")
            continue
        if dropped is not None:
            counts["articles_dropped"] += 1
            if show:
                print(f"  DROPPED ARTICLE {label['id']}: {dropped[:150]}")
        for number, sha, verdict, kind, spans in label["lines"]:
            text = lines[number - 1]
            assert hashlib.sha1(text.encode()).hexdigest()[:8] == sha, (label["id"], number)
            if not text.strip():
                continue
            if verdict == "body":
                counts["body"] += 1
                counts["body_kept"] += number in kept
                if show and number not in kept:
                    print(f"  LOST {label['id']}:{number}: {text[:100]}")
                for start, end, what in spans:
                    counts["spans"] += 1
                    counts[f"spans {what}"] += 1
                    piece = to_simplified.convert(text[start:end]).strip()
                    gone = number not in kept or piece not in to_simplified.convert(kept_text)
                    counts["spans_removed"] += gone
                    counts[f"spans {what} removed"] += gone
                    if show and not gone:
                        print(f"  SPAN LEFT {label['id']}:{number} [{what}]: {piece}")
            else:
                counts["junk"] += 1
                kinds_total[kind] += 1
                removed = number not in kept
                counts["junk_removed"] += removed
                if not removed:
                    kinds_leaked[kind] += 1
                    if show:
                        print(f"  LEAK {label['id']}:{number} [{kind}]: {text[:100]}")
    seconds = time.process_time() - started
    print(f"{split}: {counts['body'] + counts['junk']} lines of article pages, "
          f"{counts['no_article']} pages without an article ({seconds:.1f} CPU-s)")
    print(f"  junk lines removed   {_share(counts['junk_removed'], counts['junk'])}")
    print(f"  body lines kept      {_share(counts['body_kept'], counts['body'])}")
    print(f"  no-article dropped   {_share(counts['no_article_dropped'], counts['no_article'])}")
    print(f"  spam spans removed   {_share(counts['spans_removed'], counts['spans'])}")
    print("  spans by kind        " + ", ".join(
        f"{what} {_share(counts[f'spans {what} removed'], counts[f'spans {what}'])}"
        for what in ("gambling", "seo", "pinyin")))
    print(f"  article pages dropped {counts['articles_dropped']}")
    leaked = ", ".join(f"{kind} {kinds_leaked[kind]}/{total}"
                       for kind, total in kinds_total.most_common())
    print(f"  junk left by kind    {leaked}")


def report_cwced(rules: Rules, show: bool) -> None:
    """CWCED pages as rendered text: gold lines kept and non-gold lines removed."""
    sys.path.insert(0, str(REPO / "tools"))
    from train_line_classifier import rendered_lines  # the labelling training uses

    data = SHARED / "data" / CWCED_PAGES
    counts = Counter()
    for row in map(json.loads, data.open(encoding="utf-8")):
        labelled = rendered_lines(row["meta"]["html"], row["text"])
        if not labelled:
            continue
        text = "\n".join(line for line, _ in labelled)
        kept, _, dropped = kept_lines(text, rules)
        counts["pages"] += 1
        counts["pages_dropped"] += dropped is not None
        for number, (line, is_body) in enumerate(labelled, 1):
            key = "body" if is_body else "junk"
            counts[key] += 1
            hit = (number in kept) == is_body
            counts[key + "_right"] += hit
            if show and not hit:
                print(f"  {'LOST' if is_body else 'LEAK'} {row['id']}:{number}: {line[:100]}")
    print(f"cwced (rendered HTML text, {counts['pages']} pages)")
    print(f"  junk lines removed   {_share(counts['junk_right'], counts['junk'])}")
    print(f"  body lines kept      {_share(counts['body_right'], counts['body'])}")
    print(f"  pages dropped        {counts['pages_dropped']}")


def report_speed(rules: Rules) -> None:
    """CPU cost of the classifier steps against the whole pipeline, on the same pages."""
    from curate.clean.furniture import PAGE_STEP, STEP
    from curate.pipeline import DEFAULT_STEPS

    texts = [json.loads(line)["text"] for line in (SHARED / "data" / CC_PAGES).open()]
    without = [name for name in DEFAULT_STEPS if name not in (STEP, PAGE_STEP)]
    clean_text(texts[0], rules=rules, markdown=False)  # rules compiled before timing
    timings = {}
    for name, steps in (("pipeline", DEFAULT_STEPS), ("without classifier", without)):
        started = time.process_time()
        for text in texts:
            clean_text(text, rules=rules, steps=steps, markdown=False)
        timings[name] = time.process_time() - started
    extra = timings["pipeline"] - timings["without classifier"]
    print(f"speed on the {len(texts)} CommonCrawl pages: pipeline "
          f"{len(texts) / timings['pipeline']:.0f} pages a CPU-second; the classifier steps "
          f"take {extra / timings['pipeline']:.1%} of it ({1000 * extra / len(texts):.2f} "
          "CPU-ms a page)")


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%} ({part} of {whole})" if whole else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", default="all", choices=["tune", "measure", "cwced", "all"])
    parser.add_argument("--show", action="store_true", help="print every wrong decision")
    parser.add_argument("--before", action="store_true",
                        help="without the repeated-line, page and line-classifier steps")
    args = parser.parse_args()
    if args.before:
        from curate.pipeline import DEFAULT_STEPS

        global STEPS
        STEPS = [name for name in DEFAULT_STEPS if name not in EVIDENCE_STEPS]
    if not (SHARED / "data" / CC_PAGES).is_file():
        print(f"skipped: {SHARED / 'data'} not found (set CURATE_SHARED)")
        return
    rules = Rules()
    for split in ("tune", "measure"):
        if args.set in (split, "all"):
            report_cc(split, rules, args.show)
    if args.set in ("cwced", "all"):
        report_cwced(rules, args.show)
    if args.set == "all":
        report_speed(rules)


if __name__ == "__main__":
    main()
