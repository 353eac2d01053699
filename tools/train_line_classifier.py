"""Train the line classifier and write it to rules/line_classifier.yaml.

    python tools/train_line_classifier.py [--shared ../shared] [--out rules/line_classifier.yaml]

Needs scikit-learn (``pip install -e '.[train]'``); only the trees' numbers leave this script.
Lines are labelled automatically, each from a source that says what its body is:

- the TUNE half of the hand-labelled CommonCrawl pages (``bench/labels/cc-pages.jsonl`` over
  ``../shared/data/chinesewebtext-cc-raw.jsonl``): each line's own label; the MEASURE half is
  never read here;
- the CWCED HTML pages (``../shared/data/web-extraction-gold-cwced.jsonl``, MIT): the page's
  rendered text lines, body when the hand-extracted gold text holds them, junk when it shares
  little with them;
- the development set (``../shared/eval/dev``): its raw lines, junk when they are planted junk
  lines of ``gold.jsonl``, body when the expected text holds them.

Each page is cleaned by the steps that come before the classifier in the pipeline, so the
classifier learns from lines as it will meet them, and every remaining line of a page is
measured in its page (`curate.clean.line_features`). The same data and scikit-learn version
give the same trees (fixed seed, no subsampling).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import opencc

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from curate.clean.furniture import MODEL_FILE, PAGE_STEP, TreeEnsemble  # noqa: E402
from curate.clean.line_features import FEATURES, line_features  # noqa: E402
from curate.io.decode import decode_bytes  # noqa: E402
from curate.io.html import page_blocks, parse_page  # noqa: E402
from curate.pipeline import DEFAULT_STEPS, clean_text  # noqa: E402
from curate.rules import Rules  # noqa: E402

LABELS = REPO / "bench" / "labels" / "cc-pages.jsonl"
CC_PAGES = "chinesewebtext-cc-raw.jsonl"
CWCED_PAGES = "web-extraction-gold-cwced.jsonl"
# The steps that run before the classifier: it is trained on what they leave.
BEFORE = DEFAULT_STEPS[: DEFAULT_STEPS.index(PAGE_STEP)]
# How much a line of each source counts: the hand labels are of the pages we aim at; the
# rendered HTML pages are mostly menus, unlike text dumps, so they count less (chosen by the
# TUNE figures of bench/line_decisions.py).
SOURCE_WEIGHT = {"cc-tune": 4.0, "cwced": 0.3, "dev": 1.0}
# A rendered line sharing less than this share of its character pairs with the gold is junk.
JUNK_BELOW = 0.3
TREES = 120
DEPTH = 3
LEARNING_RATE = 0.1
_to_simplified = opencc.OpenCC("t2s")


def folded(text: str) -> str:
    """Compared up to width, script and whitespace."""
    return "".join(_to_simplified.convert(unicodedata.normalize("NFKC", text)).split())


def pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def rendered_lines(html: str, gold: str) -> list[tuple[str, bool | None]]:
    """The page's visible text lines, each body (in the gold text), junk (sharing little
    with it) or None (too short or too close to tell)."""
    tree = parse_page(html)
    if tree is None:
        return []
    gold_text = folded(gold)
    gold_pairs = pairs(gold_text)
    labelled = []
    for block in page_blocks(tree):
        line = block.text
        text = folded(line)
        if not text:
            continue
        if text in gold_text:
            labelled.append((line, True if len(text) >= 4 else None))
            continue
        own = pairs(text)
        share = len(own & gold_pairs) / len(own) if own else 0.0
        labelled.append((line, False if share < JUNK_BELOW else None))
    return labelled


def cleaned_rows(text: str, labels: dict[int, bool | None], rules: Rules,
                 markdown: bool | None = False) -> Iterator[tuple[np.ndarray, bool]]:
    """Features and labels of the lines left by the steps before the classifier."""
    for doc in clean_text(text, rules=rules, steps=BEFORE, markdown=markdown):
        if doc.rejected is not None or not doc.paragraphs:
            continue
        rows = line_features([p.text for p in doc.paragraphs])
        for row, paragraph in zip(rows, doc.paragraphs, strict=True):
            label = labels(paragraph.text, paragraph.lines[0]) if callable(labels) \
                else labels.get(paragraph.lines[0])
            if label is not None:
                yield row, label


def cc_tune(data: Path, rules: Rules) -> Iterator[tuple[np.ndarray, bool]]:
    pages = {row["id"]: row["text"] for row in map(json.loads, (data / CC_PAGES).open())}
    for page in map(json.loads, LABELS.open(encoding="utf-8")):
        if page["split"] != "tune":
            continue
        text = pages[page["id"]]
        lines = text.split("\n")
        labels = {}
        for number, sha, verdict, _kind, _spans in page["lines"]:
            if hashlib.sha1(lines[number - 1].encode()).hexdigest()[:8] != sha:
                sys.exit(f"{LABELS}: {page['id']} line {number} does not match the page text")
            labels[number] = verdict == "body"
        yield from cleaned_rows(text, labels, rules)


def cwced(data: Path, rules: Rules) -> Iterator[tuple[np.ndarray, bool]]:
    for row in map(json.loads, (data / CWCED_PAGES).open(encoding="utf-8")):
        labelled = rendered_lines(row["meta"]["html"], row["text"])
        text = "\n".join(line for line, _ in labelled)
        yield from cleaned_rows(text, {n: label for n, (_, label) in enumerate(labelled, 1)},
                                rules)


def dev(eval_dir: Path, rules: Rules) -> Iterator[tuple[np.ndarray, bool]]:
    for entry in map(json.loads, (eval_dir / "dev" / "gold.jsonl").open(encoding="utf-8")):
        text = decode_bytes((eval_dir / "dev" / "raw" / entry["file"]).read_bytes()).text
        junk = {folded(line) for line in entry["junk"]}
        gold = "\n".join(folded(article["text"]) for article in entry["articles"])

        def label(paragraph: str, _line: int, junk=junk, gold=gold) -> bool | None:
            text = folded(paragraph)
            is_junk = text in junk or (len(text) >= 6 and any(text in j for j in junk))
            is_body = len(text) >= 4 and text in gold
            return None if is_junk == is_body else is_body

        yield from cleaned_rows(text, label, rules, markdown=None)


def tree_arrays(tree, depth: int) -> tuple[list[int], list[float], list[float]]:
    """A fitted regression tree as a complete tree of ``depth``: node features and
    thresholds in breadth-first order, then the leaf values (a leaf reached early fills
    its whole subtree)."""
    features, thresholds = [], []
    leaves: list[float] = []
    level = [0]
    for _ in range(depth):
        next_level = []
        for node in level:
            if node >= 0 and tree.children_left[node] >= 0:
                features.append(int(tree.feature[node]))
                thresholds.append(round(float(tree.threshold[node]), 6))
                next_level += [int(tree.children_left[node]), int(tree.children_right[node])]
            else:
                features.append(0)
                thresholds.append(float("inf"))  # every line goes left: the same leaf below
                leaf = node if node >= 0 else -1 - node
                next_level += [leaf, -1 - leaf]
        level = next_level
    for node in level:
        source = node if node >= 0 else -1 - node
        leaves.append(round(float(tree.value[source][0][0]), 6))
    return features, thresholds, leaves


def main() -> None:
    from sklearn.ensemble import GradientBoostingClassifier

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out", type=Path, default=REPO / "rules" / MODEL_FILE)
    args = parser.parse_args()
    rules = Rules()
    sources = {
        "cc-tune": cc_tune(args.shared / "data", rules),
        "cwced": cwced(args.shared / "data", rules),
        "dev": dev(args.shared / "eval", rules),
    }
    rows, labels, weights, counts = [], [], [], {}
    for name, lines in sources.items():
        found = list(lines)
        body_lines = sum(1 for _, body in found if body)
        counts[name] = (body_lines, len(found) - body_lines)
        rows += [row for row, _ in found]
        labels += [not body for _, body in found]  # the model scores furniture
        weights += [SOURCE_WEIGHT[name]] * len(found)
    x, y = np.array(rows), np.array(labels, dtype=int)
    model = GradientBoostingClassifier(n_estimators=TREES, max_depth=DEPTH,
                                       learning_rate=LEARNING_RATE, random_state=0)
    model.fit(x, y, sample_weight=np.array(weights))
    trees = [tree_arrays(estimator[0].tree_, DEPTH) for estimator in model.estimators_]
    base = float(model.init_.class_prior_[1])
    lines = [
        "# The line classifier: gradient-boosted trees over the measurements of",
        "# curate/clean/line_features.py, scoring how likely a line is page furniture.",
        "# Made by tools/train_line_classifier.py (scikit-learn GradientBoostingClassifier,",
        f"# {TREES} trees of depth {DEPTH}, learning rate {LEARNING_RATE}, seed 0) from lines",
        "# labelled automatically: (body lines, junk lines) per source, weight in brackets:",
        *(f"#   {name}: {body} body, {junk} junk [{SOURCE_WEIGHT[name]}]"
          for name, (body, junk) in counts.items()),
        "# cc-tune: the TUNE half of bench/labels/cc-pages.jsonl over ../shared/data/",
        "# chinesewebtext-cc-raw.jsonl; cwced: rendered lines of web-extraction-gold-cwced.jsonl",
        "# against its gold text (MIT); dev: ../shared/eval/dev raw lines against gold.jsonl.",
        "# Only these numbers come from that text. Rebuild with the script; do not edit by hand.",
        "# Trees are complete, in breadth-first order: node k's children are 2k+1 (the",
        "# measurement at or under the threshold) and 2k+2; leaves follow the last level.",
        f"features: [{', '.join(FEATURES)}]",
        f"log_odds_base: {round(float(np.log(base / (1 - base))), 6)}",
        f"learning_rate: {LEARNING_RATE}",
        f"depth: {DEPTH}",
        "trees:",
    ]
    for features, thresholds, leaves in trees:
        lines.append(f"  - features: {features}")
        lines.append(f"    thresholds: [{', '.join(_number(t) for t in thresholds)}]")
        lines.append(f"    leaves: {leaves}")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # The trees as written must score as scikit-learn does.
    written = TreeEnsemble.from_rules(Rules(args.out.parent)).probabilities(x)
    gap = float(np.abs(written - model.predict_proba(x)[:, 1]).max())
    if gap > 1e-4:
        sys.exit(f"{args.out}: the written trees differ from the fitted model by {gap}")
    print(f"{args.out}: {len(trees)} trees from {len(y)} lines ({counts})")


def _number(value: float) -> str:
    return ".inf" if value == float("inf") else repr(value)


if __name__ == "__main__":
    main()
