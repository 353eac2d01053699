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
- one CCTV story in 10 (``xwlb-cctv-news.jsonl``): short articles, weighted 4.0 (at 2.0 and
  one in 40, 9 of the 8,138 clean CCTV stories were dropped);
- hard articles of clean news (`hard_news`): the other even-numbered CCTV stories that a
  model fitted on all the rows above scores 0.3 or more, weighted as the news (one story
  in 10 holds too few lists of names under a heading, which are articles of clean news);
  the odd-numbered half stays unseen, the stories framed below aside;
- pages made for the purpose, from those sources (`made_pages`, one fixed seed): scrambled
  pages glued from sentences or passages of THUCNews stories of different categories and
  SogouCS stories, and of different stories of one category (no article); listings of CCTV
  and SogouCS headlines, bare, dated or with a cut-off teaser (no article); THUCNews,
  SogouCS and CCTV stories framed by the furniture lines of a CWCED or magic-html page
  (articles).

Before fitting, the rows are scored by cross-validation by page (the three rows of one HTML
page in one fold) and the folds' errors printed per source, so the figures say how the model
does on pages it did not see. The same data, rules and scikit-learn version give the same
model byte for byte (the pages are read in file order, the made pages drawn from one seeded
generator); ``--check`` trains without writing and exits 1 when the committed model differs,
so a change of the line classifier (whose scores the page measurements sum) is followed by
``python tools/train_page_classifier.py`` alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
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
from curate.clean.page_features import (  # noqa: E402
    PAGE_FEATURES,
    CommonPairs,
    page_row,
)
from curate.io.decode import decode_bytes  # noqa: E402
from curate.pipeline import DEFAULT_STEPS, clean_text  # noqa: E402
from curate.rules import Rules  # noqa: E402

LABELS = REPO / "bench" / "labels" / "cc-pages.jsonl"
CC_PAGES = "chinesewebtext-cc-raw.jsonl"
HTML_SETS = {"cwced": "web-extraction-gold-cwced.jsonl",
             "magichtml": "web-extraction-gold-magichtml.jsonl"}
NEWS = "xwlb-cctv-news.jsonl"
NEWS_EVERY = 10
THUCNEWS = "thucnews-cnews-1000.jsonl"
SOGOUCS = "sogoucs-smarty.jsonl"
SEED = 20211043
# Pages made of each kind (see made_pages).
MADE = {"scrambled-sentences": 60, "scrambled-passages": 60, "scrambled-one-category": 60,
        "headlines": 80, "framed-news": 150}
_SENTENCE_END = "。！？!?"
BEFORE = DEFAULT_STEPS[: DEFAULT_STEPS.index(STEP)]
# How much a page of each source counts: the hand-labelled pages are the pages we aim at.
SOURCE_WEIGHT = {"cc-tune": 8.0, "cwced": 1.0, "magichtml": 1.0, "dev": 2.0, "news": 4.0,
                 "news-hard": 4.0, "made": 0.5}
# The CCTV stories searched for hard articles: the even-numbered ones (the odd half stays
# unseen but for the one in NEWS_EVERY // 2 framed by furniture), and the first model's score
# from which a story of them is one.
HARD_NEWS_EVERY = 2
HARD_NEWS_AT = 0.3
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
        self.common = CommonPairs.from_rules(rules)
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
            self.x.append(page_row(texts, rows, self.model.probabilities(rows), numbered(texts),
                                   self.common))
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


def html_pages(data: Path, source: str, rows: Rows) -> dict[str, list[str]]:
    """Adds the three rows of each page; gives each page's furniture lines by its group."""
    stacks = {}
    for row in map(json.loads, (data / HTML_SETS[source]).open(encoding="utf-8")):
        if source == "magichtml" and magichtml_half(row["id"]) != "tune":
            continue
        labelled = rendered_lines(row["meta"]["html"], row["text"], min_body_chars=1)
        furniture = [line for line, body in labelled if body is False]
        group = f"{source}:{row['id']}"
        if len(furniture) >= MIN_FURNITURE_LINES:
            stacks[group] = furniture
            rows.add_text("\n".join(furniture), source, group, True, False, "furniture")
        rows.add_text(row["text"], source, group, False, False, "gold")
        rows.add_text("\n".join(line for line, _ in labelled), source, group, False, False,
                      "whole")
    return stacks


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


def hard_news(data: Path, rows: Rows, model: PageModel) -> None:
    """Adds, as articles, the documents of the even-numbered CCTV stories (those `news` did
    not take) that ``model`` scores `HARD_NEWS_AT` or more: clean stories shaped most like a
    page without an article (a list of names under its heading, a report of separate
    items), which one story in `NEWS_EVERY` holds too few of."""
    found = Rows(rows.rules)
    with (data / NEWS).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number % HARD_NEWS_EVERY == 0 and number % NEWS_EVERY != 0:
                found.add_text(json.loads(line)["text"], "news-hard", f"news:{number}", False,
                               False)
    if not found.x:
        return
    for index in np.flatnonzero(model.probabilities(np.array(found.x)) >= HARD_NEWS_AT):
        for name in ("x", "y", "source", "group", "part"):
            getattr(rows, name).append(getattr(found, name)[index])


def sentences(text: str) -> list[str]:
    """A story's sentences, each with its end mark (THUCNews stores a story as one line)."""
    found, start = [], 0
    for index, char in enumerate(text):
        if char in _SENTENCE_END and (index + 1 == len(text) or text[index + 1] not in
                                      _SENTENCE_END + "”」"):
            found.append(text[start:index + 1].strip())
            start = index + 1
    return [sentence for sentence in found if len(sentence) >= 8]


def made_pages(data: Path, stacks: dict[str, list[str]], rows: Rows) -> None:
    """Pages of the kinds the labelled sets hold too few of, drawn with one seeded generator.

    - scrambled (no article): lines of 2 to 4 sentences, each from a story of a category
      other than the sentence before it (``scrambled-sentences``); lines each a passage of
      one story, the next line from another category (``scrambled-passages``); passages of
      different stories of one category (``scrambled-one-category``, the content farm's
      glue of one subject);
    - ``headlines`` (no article): 8 to 24 CCTV or SogouCS headlines, bare, each with a
      date, or each over a teaser cut off with ``...``;
    - ``framed-news`` (article): a THUCNews, SogouCS or CCTV story between the furniture
      lines of one CWCED or magic-html page, 2 to 8 over it and 3 to 15 under it.
    """
    draw = random.Random(SEED)
    by_category: dict[str, list[list[str]]] = defaultdict(list)
    stories, headlines = [], []
    for row in map(json.loads, (data / THUCNEWS).open(encoding="utf-8")):
        by_category[row["meta"]["label"]].append(sentences(row["text"]))
        stories.append(row["text"])
    for row in map(json.loads, (data / SOGOUCS).open(encoding="utf-8")):
        by_category["sogoucs"].append(sentences(row["text"].replace("\ue40c", "")))
        stories.append(row["text"].replace("\ue40c", "\n"))
        headlines.append(row["title"])
    with (data / NEWS).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            row = json.loads(line)
            headlines.append(row["title"])
            if number % NEWS_EVERY == NEWS_EVERY // 2:
                stories.append(row["text"])
    categories = sorted(by_category)
    for category in categories:
        by_category[category] = [s for s in by_category[category] if len(s) >= 4]

    def passage(category: str) -> str:
        story = draw.choice(by_category[category])
        start = draw.randrange(len(story) - 1)
        return "".join(story[start:start + draw.randint(2, 4)])

    def other(category: str) -> str:
        return draw.choice([c for c in categories if c != category])

    made: list[tuple[str, str, bool]] = []
    for _ in range(MADE["scrambled-sentences"]):
        category, lines = draw.choice(categories), []
        for _line in range(draw.randint(4, 10)):
            picked = []
            for _sentence in range(draw.randint(2, 4)):
                category = other(category)
                picked.append(draw.choice(draw.choice(by_category[category])))
            lines.append("".join(picked))
        made.append(("scrambled-sentences", "\n".join(lines), True))
    for _ in range(MADE["scrambled-passages"]):
        category, lines = draw.choice(categories), []
        for _line in range(draw.randint(4, 10)):
            category = other(category)
            lines.append(passage(category))
        made.append(("scrambled-passages", "\n".join(lines), True))
    for _ in range(MADE["scrambled-one-category"]):
        category = draw.choice(categories)
        lines = [passage(category) for _line in range(draw.randint(4, 10))]
        made.append(("scrambled-one-category", "\n".join(lines), True))
    for _ in range(MADE["headlines"]):
        rows_of = draw.sample(headlines, draw.randint(8, 24))
        form = draw.randrange(3)
        if form == 1:
            day = draw.randint(1, 28)
            rows_of = [f"{title} {draw.randint(2012, 2024)}-{draw.randint(1, 12):02d}-{day:02d}"
                       for title in rows_of]
        elif form == 2:
            rows_of = [line for title in rows_of for line in (
                title, draw.choice(sentences(draw.choice(stories)) or [title])[:40] + "...")]
        made.append(("headlines", "\n".join(rows_of), True))
    groups = sorted(stacks)
    for _ in range(MADE["framed-news"]):
        group = draw.choice(groups)
        furniture, story = stacks[group], draw.choice(stories)
        above = draw.randint(2, min(8, len(furniture) - 1))
        below = draw.randint(1, min(15, len(furniture) - above))
        made.append(("framed-news", "\n".join([*furniture[:above], story,
                                               *furniture[above:above + below]]), group))
    for number, (kind, text, label) in enumerate(made):
        group = label if isinstance(label, str) else f"made:{number}"
        rows.add_text(text, "made", group, label is True, False, kind)


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
    print(f"{'source':<28} {'articles':>9} {'no-article':>11}  "
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
        print(f"{source:<28} {int((ys == 0).sum()):>9} {int((ys == 1).sum()):>11}  "
              + "  ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out", type=Path, default=REPO / "rules" / MODEL_FILE)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--check", action="store_true",
                        help="train without writing; exit 1 when the model in --out differs")
    args = parser.parse_args()
    rows = Rows(Rules())
    data = args.shared / "data"
    cc_tune(data, rows)
    stacks = {}
    for source in HTML_SETS:
        stacks.update(html_pages(data, source, rows))
    dev(args.shared / "eval", rows)
    news(data, rows)
    made_pages(data, stacks, rows)
    hard_news(data, rows, fitted(np.array(rows.x), np.array(rows.y),
                                 np.array([SOURCE_WEIGHT[s] for s in rows.source])))
    x, y = np.array(rows.x), np.array(rows.y)
    weights = np.array([SOURCE_WEIGHT[s] for s in rows.source])
    kinds = [f"made:{part}" if source == "made" else source
             for source, part in zip(rows.source, rows.part, strict=True)]
    report(cross_validated(x, y, weights, rows.group, args.folds), y, kinds)
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
        f"# files; news: one CCTV story in {NEWS_EVERY} of ../shared/data/xwlb-cctv-news.jsonl;",
        "# news-hard: the other even-numbered CCTV stories a model fitted on the rest scores",
        f"# {HARD_NEWS_AT} or more (articles);",
        "# made: pages made by the script from THUCNews, SogouCS and CCTV stories and headlines",
        "# and the HTML pages' furniture (scrambled pages, headline listings: no article;",
        "# stories framed by furniture: articles), one fixed seed.",
        "# Only these numbers come from that text. Rebuild with the script; do not edit by hand.",
    ]
    text = "\n".join(header) + "\n" + model.to_yaml()
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / MODEL_FILE).write_text(text, encoding="utf-8")
        written = PageModel.from_rules(Rules(Path(folder)))
    gap = float(np.abs(written.probabilities(x) - model.probabilities(x)).max())
    if gap > 1e-4:
        sys.exit(f"{args.out}: the written model differs from the fitted one by {gap}")
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'the same as' if same else 'differs from'} a fresh training run")
        sys.exit(0 if same else 1)
    temporary = args.out.with_name(args.out.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(args.out)
    print(f"{args.out}: from {len(y)} pages ({dict(counts)})")
    for name, weight in sorted(zip(PAGE_FEATURES, model.weights, strict=True),
                               key=lambda item: -abs(item[1])):
        print(f"  {name:<20} {weight:+.3f}")


if __name__ == "__main__":
    main()
