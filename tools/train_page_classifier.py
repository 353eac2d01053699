"""Train the page classifier and write it to rules/page_classifier.yaml.

    python tools/train_page_classifier.py [--shared ../shared] [--out rules/page_classifier.yaml]
                                          [--folds 5]

Needs scikit-learn (``pip install -e '.[train]'``); only the model's numbers leave this
script. Each page (each document the article splitter makes of it) is one row of
`curate.clean.page_features.PAGE_FEATURES`, measured on the lines the steps before
`drop_articleless_pages` leave, labelled article or no article from a source that says so:

- the TUNE half of the hand-labelled CommonCrawl pages (``bench/labels/cc-pages.jsonl``):
  a document is an article when its page is one and it holds a body line; the MEASURE half
  is never read here;
- the CWCED pages (``web-extraction-gold-cwced.jsonl``, MIT) and the tune half of the
  magic-html pages (``web-extraction-gold-magichtml.jsonl``, the half `bench/html_extraction.py`
  tunes on), each three times: its rendered lines that share little with the gold text,
  stacked in page order (real furniture, no article), its gold text (an article), and its
  whole rendered text (an article among its furniture);
- the development set's raw files (``../shared/eval/dev``): articles;
- one CCTV story in 40 (``xwlb-cctv-news.jsonl``): short articles.

Before fitting, the rows are scored by cross-validation by page (the three rows of one HTML
page in one fold) and the folds' errors printed per source, so the figures say how the model
does on pages it did not see. The same data and scikit-learn version give the same model.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tools"))

from train_line_classifier import rendered_lines  # noqa: E402

from curate.clean.articleless import MODEL_FILE, STEP, PageModel  # noqa: E402
from curate.clean.furniture import TreeEnsemble, numbered  # noqa: E402
from curate.clean.line_features import line_features  # noqa: E402
from curate.clean.page_features import PAGE_FEATURES, page_row  # noqa: E402
from curate.io.decode import decode_bytes  # noqa: E402
from curate.pipeline import DEFAULT_STEPS, clean_text  # noqa: E402
from curate.rules import Rules  # noqa: E402

LABELS = REPO / "bench" / "labels" / "cc-pages.jsonl"
CC_PAGES = "chinesewebtext-cc-raw.jsonl"
HTML_SETS = {"cwced": "web-extraction-gold-cwced.jsonl",
             "magichtml": "web-extraction-gold-magichtml.jsonl"}
NEWS = "xwlb-cctv-news.jsonl"
NEWS_EVERY = 40
BEFORE = DEFAULT_STEPS[: DEFAULT_STEPS.index(STEP)]
# How much a page of each source counts: the hand-labelled pages are the pages we aim at.
SOURCE_WEIGHT = {"cc-tune": 4.0, "cwced": 1.0, "magichtml": 1.0, "dev": 0.5, "news": 0.5}
# A stack of furniture needs this many lines to be a page.
MIN_FURNITURE_LINES = 5
C = 1.0
# The thresholds the cross-validated figures are printed at.
THRESHOLDS = (0.5, 0.6, 0.7, 0.8)


def magichtml_half(page_id: str) -> str:
    """The half of bench/html_extraction.py: tune by an even first byte of SHA-256."""
    return "tune" if hashlib.sha256(page_id.encode()).digest()[0] % 2 == 0 else "measure"


class Rows:
    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.model = TreeEnsemble.from_rules(rules)
        self.x: list[np.ndarray] = []
        self.y: list[int] = []  # 1: no article
        self.source: list[str] = []
        self.group: list[str] = []
        self.part: list[str] = []

    def add_text(self, text: str, source: str, group: str, label, markdown: bool | None,
                 part: str = "page") -> None:
        """Every document the steps before the page step leave, with its label: ``label``
        is a bool (no article) or a function of the document's first lines."""
        for doc in clean_text(text, rules=self.rules, steps=BEFORE, markdown=markdown):
            if doc.rejected is not None or not doc.paragraphs:
                continue
            texts = [p.text for p in doc.paragraphs]
            no_article = label(doc) if callable(label) else label
            if no_article is None:
                continue
            rows = line_features(texts)
            self.x.append(page_row(texts, rows, self.model.probabilities(rows), numbered(texts)))
            self.y.append(int(no_article))
            self.source.append(source)
            self.group.append(group)
            self.part.append(part)


def cc_tune(data: Path, rows: Rows) -> None:
    pages = {row["id"]: row["text"] for row in map(json.loads, (data / CC_PAGES).open())}
    for page in map(json.loads, LABELS.open(encoding="utf-8")):
        if page["split"] != "tune":
            continue
        body = {n for n, _sha, verdict, _kind, _spans in page["lines"] if verdict == "body"}
        article = page["page_kind"] == "article"

        def label(doc, body=body, article=article) -> bool:
            return not (article and any(p.lines[0] in body for p in doc.paragraphs))

        rows.add_text(pages[page["id"]], "cc-tune", page["id"], label, False)


def html_pages(data: Path, source: str, rows: Rows) -> None:
    for row in map(json.loads, (data / HTML_SETS[source]).open(encoding="utf-8")):
        if source == "magichtml" and magichtml_half(row["id"]) != "tune":
            continue
        labelled = rendered_lines(row["meta"]["html"], row["text"], min_body_chars=1)
        furniture = [line for line, body in labelled if body is False]
        group = f"{source}:{row['id']}"
        if len(furniture) >= MIN_FURNITURE_LINES:
            rows.add_text("\n".join(furniture), source, group, True, False, "furniture")
        rows.add_text(row["text"], source, group, False, False, "gold")
        rows.add_text("\n".join(line for line, _ in labelled), source, group, False, False,
                      "whole")


def dev(eval_dir: Path, rows: Rows) -> None:
    for entry in map(json.loads, (eval_dir / "dev" / "gold.jsonl").open(encoding="utf-8")):
        if not entry["articles"]:
            continue
        text = decode_bytes((eval_dir / "dev" / "raw" / entry["file"]).read_bytes()).text
        rows.add_text(text, "dev", f"dev:{entry['file']}", False, None)


def news(data: Path, rows: Rows) -> None:
    with (data / NEWS).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number % NEWS_EVERY == 0:
                rows.add_text(json.loads(line)["text"], "news", f"news:{number}", False, False)


def fitted(x: np.ndarray, y: np.ndarray, weights: np.ndarray):
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=5000)
    model.fit((x - mean) / scale, y, sample_weight=weights)
    return PageModel(tuple(PAGE_FEATURES), mean, scale, model.coef_[0].copy(),
                     float(model.intercept_[0]))


def cross_validated(x, y, weights, groups, folds: int) -> np.ndarray:
    from sklearn.model_selection import GroupKFold

    scores = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=folds).split(x, y, groups):
        scores[test] = fitted(x[train], y[train], weights[train]).probabilities(x[test])
    return scores


def report(scores: np.ndarray, y: np.ndarray, sources: list[str]) -> None:
    print("cross-validated by page: documents called no-article at each threshold")
    print(f"{'source':<10} {'articles':>9} {'no-article':>11}  "
          + "  ".join(f"@{t:.2f} art/no" for t in THRESHOLDS))
    by_source = defaultdict(list)
    for index, source in enumerate(sources):
        by_source[source].append(index)
    for source, indexes in by_source.items():
        ys, ss = y[indexes], scores[indexes]
        cells = []
        for threshold in THRESHOLDS:
            drop = ss >= threshold
            cells.append(f"{int((drop & (ys == 0)).sum()):>5}/{int((drop & (ys == 1)).sum()):<5}")
        print(f"{source:<10} {int((ys == 0).sum()):>9} {int((ys == 1).sum()):>11}  "
              + "  ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out", type=Path, default=REPO / "rules" / MODEL_FILE)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    rows = Rows(Rules())
    data = args.shared / "data"
    cc_tune(data, rows)
    for source in HTML_SETS:
        html_pages(data, source, rows)
    dev(args.shared / "eval", rows)
    news(data, rows)
    x, y = np.array(rows.x), np.array(rows.y)
    weights = np.array([SOURCE_WEIGHT[s] for s in rows.source])
    report(cross_validated(x, y, weights, rows.group, args.folds), y, rows.source)
    model = fitted(x, y, weights)
    counts = Counter((source, label) for source, label in zip(rows.source, rows.y, strict=True))
    header = [
        "# The page classifier: logistic regression over the page measurements of",
        "# curate/clean/page_features.py, scoring how likely a page holds no article.",
        f"# Made by tools/train_page_classifier.py (scikit-learn LogisticRegression, C={C},",
        "# measurements standardised) from pages labelled by their source:",
        "# (article, no-article documents) per source, weight in brackets:",
        *(f"#   {source}: {counts[(source, 0)]} articles, {counts[(source, 1)]} without "
          f"[{SOURCE_WEIGHT[source]}]" for source in SOURCE_WEIGHT),
        "# cc-tune: the TUNE half of bench/labels/cc-pages.jsonl; cwced, magichtml: HTML gold",
        "# pages (magic-html: its tune half), each as its furniture lines stacked (no article),",
        "# its gold text and its whole rendered text (articles); dev: ../shared/eval/dev raw",
        "# files; news: one CCTV story in 40 of ../shared/data/xwlb-cctv-news.jsonl.",
        "# Only these numbers come from that text. Rebuild with the script; do not edit by hand.",
    ]
    args.out.write_text("\n".join(header) + "\n" + model.to_yaml(), encoding="utf-8")
    written = PageModel.from_rules(Rules(args.out.parent))
    gap = float(np.abs(written.probabilities(x) - model.probabilities(x)).max())
    if gap > 1e-4:
        sys.exit(f"{args.out}: the written model differs from the fitted one by {gap}")
    print(f"{args.out}: from {len(y)} pages ({dict(counts)})")
    for name, weight in sorted(zip(PAGE_FEATURES, model.weights, strict=True),
                               key=lambda item: -abs(item[1])):
        print(f"  {name:<20} {weight:+.3f}")


if __name__ == "__main__":
    main()
