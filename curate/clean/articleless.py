"""Pages that hold no article: dropped whole, with the reason.

A page stored mis-decoded, a page the line classifier (`curate.clean.furniture`) scores as
furniture line after line (a listing, a teaser list, a keyword page), or a page without
running text is not an article with some furniture around it: no line of it is worth
keeping, so the document goes to the rejects:

    [2005-08-17] 无序列表 / [2005-08-02] 无序 / [2005-07-13] 谁来为氵蒙洼蓄洪区灾民损失补偿 …
    -> dropped (furniture-page): the classifier scores its 7 lines as page furniture at
       0.83 on average: a listing, a teaser list or a page of links, no article

The thresholds are in ``rules/articleless_pages.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from curate.clean.furniture import ORDINAL, TreeEnsemble
from curate.clean.line_features import BODY_MIN_HAN, INDEX, line_features
from curate.document import Document
from curate.pipeline import Context, reject, step
from curate.rules import RuleError, Rules

STEP = "drop_articleless_pages"
SETTINGS_FILE = "articleless_pages.yaml"


@dataclass(frozen=True)
class PageSettings:
    min_sentence_han: int
    mean_score: float
    replacement_share: float

    @classmethod
    def from_rules(cls, rules: Rules) -> PageSettings:
        data = rules.yaml(SETTINGS_FILE)
        try:
            return cls(int(data["min_sentence_han"]), float(data["mean_score"]),
                       float(data["replacement_share"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleError(f"rules/{SETTINGS_FILE}: needs min_sentence_han, mean_score and "
                            f"replacement_share ({exc!r})") from None


def _model(ctx: Context) -> tuple[TreeEnsemble, PageSettings]:
    return ctx.resource("articleless_model", lambda: (TreeEnsemble.from_rules(ctx.rules),
                                                      PageSettings.from_rules(ctx.rules)))


@step(STEP)
def drop_articleless_pages(doc: Document, ctx: Context) -> Document | None:
    """Drop a page with no article: stored mis-decoded, scored as furniture line after line
    (a listing, a teaser list, a keyword page), or without running text.

    Runs before `drop_furniture_lines`, on the whole page as the rule steps left it.
    """
    model, settings = _model(ctx)
    texts = [p.text for p in doc.paragraphs]
    if not texts:
        return doc
    text = "\n".join(texts)
    replaced = text.count("\ufffd") / max(len(text), 1)
    if replaced >= settings.replacement_share:
        reject(doc, STEP, "mis-decoded-page",
               f"{replaced:.0%} of its characters are U+FFFD: the page was stored mis-decoded")
        return None
    rows = line_features(texts)
    # A numbered item is the writer's enumeration, not a list of links: it scores 0 here.
    numbered = np.fromiter((bool(ORDINAL.match(t)) for t in texts), dtype=bool,
                           count=len(texts))
    mean = float(np.where(numbered, 0.0, model.probabilities(rows)).mean())
    if mean >= settings.mean_score:
        reject(doc, STEP, "furniture-page",
               f"the classifier scores its {len(texts)} lines as page furniture at {mean:.2f} "
               "on average: a listing, a teaser list or a page of links, no article")
        return None
    han = rows[:, INDEX["han_share"]] * rows[:, INDEX["chars"]]
    # Running text: sentences, or long lines a dump stored without their punctuation.
    sentences = (rows[:, INDEX["sentence_marks"]] + rows[:, INDEX["commas"]] > 0) | (
        han >= BODY_MIN_HAN)
    sentence_han = int(han[sentences].sum())
    if sentence_han < settings.min_sentence_han:
        reject(doc, STEP, "no-running-text",
               f"{sentence_han} Han characters of running text, fewer than "
               f"{settings.min_sentence_han}: no article")
        return None
    return doc
