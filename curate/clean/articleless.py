"""Pages that hold no article: dropped whole, with the reason.

A page stored mis-decoded, a page the page classifier judges to hold no article (a listing,
a teaser list, a keyword page), or a page without running text is not an article with some
furniture around it: no line of it is worth keeping, so the document goes to the rejects.
The classifier is a logistic regression over measurements of the whole page
(`curate.clean.page_features`: its share of prose, its longest run of prose, lines alike in
shape, teasers cut off, the line classifier's scores summed over the page), trained by
``tools/train_page_classifier.py``; the edit names the measurements that decided:

    加拉格尔 / 切尔西中场本赛季在租借球队表现出色，多家豪门相信俱乐部愿意在夏天出售这名球员......
    / 赛季剩余时间...... / 老将伤愈复出后破门，成为联赛最年长的外籍射手 / …
    -> dropped (no-article-page): the page classifier gives 0.93 that its 8 lines hold no
       article (…), most of all by han_weighted_score 0.53, longest_prose_run 0,
       teaser_share 0.50

A page holding long prose paragraphs one after another that share the words of a subject
(or with a subheading between each two: an article's sections), only a line or two, or one
line holding most of its text (a list of names in one line under its heading), is never
dropped by the classifier; long paragraphs glued from unrelated
stories (a scrambled content-farm page) are no such margin.
The thresholds are in ``rules/articleless_pages.yaml``, the model in
``rules/page_classifier.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import regex

from curate.clean.furniture import TreeEnsemble, numbered
from curate.clean.line_features import BODY_MIN_HAN, INDEX, line_features
from curate.clean.mojibake import lost_share
from curate.clean.page_features import (
    PAGE_FEATURES,
    PAGE_INDEX,
    CommonPairs,
    MeasuredPage,
    described,
    longest_line_share,
    page_row,
    sectioned_long_run,
)
from curate.document import Document
from curate.pipeline import Context, reject, step
from curate.rules import RuleError, Rules

STEP = "drop_articleless_pages"
SETTINGS_FILE = "articleless_pages.yaml"
MODEL_FILE = "page_classifier.yaml"
# A line of prose that is finished: it ends like a sentence, or with a colon opening the
# next line (…全文如下：).
_FINISHED = regex.compile(r"[。！？!?…；;：:][”」』’）)\"]*\s*$")


@dataclass(frozen=True)
class PageSettings:
    min_sentence_han: int
    replacement_share: float
    no_article_at: float
    protect_run: int
    protect_sections: int
    min_lines: int
    one_line_share: float
    prose_page_at: float
    prose_page_han: int

    @classmethod
    def from_rules(cls, rules: Rules) -> PageSettings:
        data = rules.yaml(SETTINGS_FILE)
        try:
            return cls(int(data["min_sentence_han"]), float(data["replacement_share"]),
                       float(data["no_article_at"]), int(data["protect_run"]),
                       int(data["protect_sections"]), int(data["min_lines"]),
                       float(data["one_line_share"]), float(data["prose_page_at"]),
                       int(data["prose_page_han"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleError(f"rules/{SETTINGS_FILE}: needs min_sentence_han, "
                            "replacement_share, no_article_at, protect_run, protect_sections, "
                            "min_lines, one_line_share, prose_page_at and prose_page_han "
                            f"({exc!r})") from None


@dataclass(frozen=True)
class PageModel:
    """Logistic regression over standardised `PAGE_FEATURES`: the chance a page holds no
    article, and which measurements pushed it there."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    @classmethod
    def from_rules(cls, rules: Rules) -> PageModel:
        data = rules.yaml(MODEL_FILE)
        try:
            if list(data["features"]) != list(PAGE_FEATURES):
                raise ValueError("its features are not those of curate/clean/page_features.py")
            arrays = [np.array(data[key], dtype=np.float64)
                      for key in ("mean", "scale", "weights")]
            if any(a.shape != (len(PAGE_FEATURES),) for a in arrays):
                raise ValueError(f"mean, scale and weights need {len(PAGE_FEATURES)} numbers")
            return cls(tuple(PAGE_FEATURES), *arrays, float(data["bias"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleError(f"rules/{MODEL_FILE}: {exc}; rebuild it with "
                            "tools/train_page_classifier.py") from None

    def terms(self, rows: np.ndarray) -> np.ndarray:
        return (rows - self.mean) / self.scale * self.weights

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(self.terms(rows).sum(axis=-1) + self.bias)))

    def evidence(self, row: np.ndarray, count: int = 3) -> list[str]:
        """The measurements that pushed the page furthest towards no article."""
        terms = self.terms(row)
        top = [i for i in np.argsort(-terms)[:count].tolist() if terms[i] > 0]
        return [described(self.features[i], float(row[i])) for i in top]

    def to_yaml(self) -> str:
        def numbers(values: np.ndarray) -> str:
            return "[" + ", ".join(repr(round(float(v), 6)) for v in values) + "]"

        return (f"features: [{', '.join(self.features)}]\n"
                f"mean: {numbers(self.mean)}\nscale: {numbers(self.scale)}\n"
                f"weights: {numbers(self.weights)}\nbias: {round(self.bias, 6)!r}\n")


def _models(ctx: Context) -> tuple[TreeEnsemble, PageModel, PageSettings, CommonPairs]:
    return ctx.resource("articleless_model", lambda: (TreeEnsemble.from_rules(ctx.rules),
                                                      PageModel.from_rules(ctx.rules),
                                                      PageSettings.from_rules(ctx.rules),
                                                      CommonPairs.from_rules(ctx.rules)))


@step(STEP)
def drop_articleless_pages(doc: Document, ctx: Context) -> Document | None:
    """Drop a page with no article: stored mis-decoded, judged by the page classifier to
    hold none (a listing, a teaser list, a keyword page: from the measurements of the whole
    page, `curate.clean.page_features`), or without running text. A page holding
    ``protect_run`` long prose paragraphs one after another, each sharing words of its
    subject with the one before (``coherent_long_run``), fewer than ``min_lines`` lines, or
    one line holding ``one_line_share`` of its Han characters (a list has rows; a list of
    names in one line under a heading is a story), is an article whatever the classifier
    says. A page whose every line
    is running prose ending like a sentence or with a colon, ``prose_page_han`` Han
    characters or more, has the form of an article: a listing, a keyword page or a content
    farm's glue of cut passages has headlines or cut lines among its prose, so such a page
    is dropped only at the higher ``prose_page_at`` (a report of separate items, a speech of
    many subjects shares few words from line to line and reads to the classifier like lines
    glued from unrelated stories).

    Runs before `drop_furniture_lines`, on the whole page as the rule steps left it.
    """
    models = _models(ctx)
    settings = models[2]
    texts = [p.text for p in doc.paragraphs]
    if not texts:
        return doc
    text = "\n".join(texts)
    replaced = lost_share(text)
    if replaced >= settings.replacement_share:
        reject(doc, STEP, "mis-decoded-page",
               f"{replaced:.0%} of its characters mark lost bytes (U+FFFD, 锟斤拷): the page "
               "was stored mis-decoded")
        return None
    rows = line_features(texts)
    han = rows[:, INDEX["han_share"]] * rows[:, INDEX["chars"]]
    # The margins keeping a page whatever the classifier says are read off the line rows
    # first: a page they keep needs no page row.
    if (len(texts) >= settings.min_lines
            and longest_line_share(han) < settings.one_line_share
            and _judged_articleless(doc, texts, rows, han, models)):
        return None
    marks = rows[:, INDEX["sentence_marks"]] + rows[:, INDEX["commas"]]
    # Running text: sentences, or long lines a dump stored without their punctuation.
    sentences = (marks > 0) | (han >= BODY_MIN_HAN)
    sentence_han = int(han[sentences].sum())
    if sentence_han < settings.min_sentence_han:
        reject(doc, STEP, "no-running-text",
               f"{sentence_han} Han characters of running text, fewer than "
               f"{settings.min_sentence_han}: no article")
        return None
    return doc


def _judged_articleless(doc: Document, texts: list[str], rows: np.ndarray, han: np.ndarray,
                        models: tuple[TreeEnsemble, PageModel, PageSettings, CommonPairs]
                        ) -> bool:
    """Reject a page the page classifier takes for no article (``models``: `_models`),
    unless it holds a run of ``protect_run`` coherent long paragraphs, or of
    ``protect_sections`` sections."""
    lines_model, page_model, settings, common = models
    # The page row and the sections' run read the same prose lines and subject pairs.
    measured = MeasuredPage(texts, rows, common)
    page = page_row(texts, rows, lines_model.probabilities(rows), numbered(texts), common,
                    measured)
    if page[PAGE_INDEX["coherent_long_run"]] >= settings.protect_run:
        return False
    chance = float(page_model.probabilities(page))
    if chance >= settings.no_article_at and sectioned_long_run(
            texts, rows, common, measured) >= settings.protect_sections:
        return False
    prose_page = (page[PAGE_INDEX["prose_line_share"]] == 1.0
                  and all(_FINISHED.search(text) for text in texts)
                  and han.sum() >= settings.prose_page_han)
    needed = settings.prose_page_at if prose_page else settings.no_article_at
    if chance < needed:
        return False
    held = (f", over the {needed:.2f} a page of prose sentences only needs"
            if prose_page else "")
    reject(doc, STEP, "no-article-page",
           f"the page classifier gives {chance:.2f} that its {len(texts)} lines hold no "
           f"article (a listing, a teaser list or a page of links){held}, most of all by "
           f"{', '.join(page_model.evidence(page))}")
    return True
