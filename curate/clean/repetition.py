"""Lines that recur across the documents of a dump are template, whatever their words.

As CCNet and RefinedWeb do, every line of every document of a run is counted once per
document before the lines are judged (`count_lines`); a line found in ``min_documents``
documents or more (``rules/repetition.yaml``) is page furniture: a site's footer, its
slogan, its share row. The counts are kept with the corpus (``line_counts.tsv``, one
``key<TAB>documents`` row a line, appended by every run), so a later run of the same site
knows the lines earlier runs saw:

    版权所有 © 2021 某某网 京ICP备12345678号   (in 37 documents of the dump)
    -> removed (repeated-line): "repeated in 37 documents of this dump and the corpus"

A line is counted up to what a template fills in per page: its digits (a count, a date)
and its script, so ``7423 人赞同了该回答`` and ``4861 人贊同了該回答`` are one line.

A sentence is news's own unless it reads as a notice: news repeats its stock sentences
(王毅参加会见。 closes 25 of 150 consecutive CCTV stories), where a site's notice opens with
its label (``【特别说明】…``, ``声明：…``) or runs to three clauses (本站部分图文来自网络，若有
不妥请告知，我们将及时处理。). A line left open for the next to finish goes with that one:
a notice's heading (反侵权公告：) with the notice, while 央视网消息（新闻联播）：, which opens
many CCTV stories, stays with the story it opens.

A short line outside the text that stands between two such lines goes with them when it
shares little with the text: the answerer's name and topic between the counters of a Q&A
page (``4692 个回答`` / ``lucky星`` / ``健康养生领域创作者`` / ``赞同数 7665``), which the page
fills in.
A document whose text would be mostly such lines is a copy of another, not a template page:
its lines stay, for deduplication to judge.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from curate.clean.line_features import BODY_MIN_HAN
from curate.clean.lines import paragraph_han
from curate.clean.script import convert_to_simplified
from curate.clean.teasers import body_pairs, share_of_pairs
from curate.corpus import LINE_COUNTS
from curate.document import Document, Paragraph
from curate.pipeline import Context, step
from curate.rules import RuleError

STEP = "drop_repeated_lines"
RULE = "repeated-line"
ENCLOSED_RULE = "enclosed-line"
SETTINGS_FILE = "repetition.yaml"
COUNTS_FILE = LINE_COUNTS
# The context resource the run fills with the counts; without it the step does nothing.
RESOURCE = "line_counts"
# Shorter lines ("更多", "1") recur everywhere for no reason worth a count; a line with
# fewer characters besides its digits is counted as written (2023年10月18日 is not 2021年3月9日).
MIN_KEY_CHARS = 6
SENTENCE_ENDS = frozenset("。！？!?…")
# The marks that leave a line open for the next one to finish.
LEFT_OPEN = frozenset("：:，,、；;")
# Keys of this form are marked with it, so that a counts file kept by an earlier form of the
# key is still read: its rows are of other keys, and the counts start again from this run.
KEY_FORM = "3"
# Runs of digits stand for one another: 2020-10-18 and 2021-3-9 are the same date slot.
_DIGITS = re.compile(r"\d+")
# A short line is a counter when two letters or more label its number (赞同数 7665, 阅读 (8081),
# 4692 个回答): then its digits are the page's and the label the template's. The units of a
# date or a time label nothing (2023年10月18日 is not 2021年3月9日).
_LABEL_LETTERS = re.compile(r"[^\W\d_年月日时分秒號号點点]")
# A notice opens with its label: 【特别说明】, 声明：, [免责声明].
_NOTICE_LABEL = re.compile(r"\s*(?:[【\[][^】\]]{1,10}[】\]]|[\u4e00-\u9fff]{2,6}[：:])")
_CLAUSE_MARKS = re.compile(r"[，,；;]")
# Clauses a sentence holds from which it reads as a notice rather than a stock sentence.
NOTICE_CLAUSES = 3


# The characters NFKC changes that stand in most lines of Chinese text (，in nine lines of
# ten of news, the development set and the generated dumps, down to the no-break space in
# one line of 70).
_WIDE_MARKS = tuple((mark, unicodedata.normalize("NFKD", mark)) for mark in "，：；（）？！…\xa0")


# Lines between two repeated lines outside the text: at most this many in a row, each short,
# no sentence, sharing less than ENCLOSED_RELATED of its character pairs with the text.
ENCLOSED_MAX_LINES = 2
ENCLOSED_MAX_CHARS = 30
ENCLOSED_RELATED = 0.35
_SENTENCE_MARKS = re.compile(r"[。，,；;！？!?]")
# Lines whose keys are remembered: the counting pass and the step key the same paragraphs.
REMEMBERED_KEYS = 65_536


@lru_cache(maxsize=REMEMBERED_KEYS)
def line_key(text: str) -> str | None:
    """A line's key, up to width, case, spaces, digits and script; a line that is mostly
    its digits (a date, a time) is keyed with them as written; None for a line too short
    to count.

    >>> line_key("版权所有 © 2021 某某网") == line_key("版权所有©2022某某网")
    True
    >>> line_key("7423 人赞同了该回答") == line_key("4861 人贊同了該回答")
    True
    >>> line_key("2005-03-18 01:58:01") == line_key("2023-10-18 09:30:00")
    False
    >>> line_key("赞同数 7665") == line_key("赞同数 303")
    True
    >>> line_key("2023年10月18日") == line_key("2021年3月9日")
    False
    """
    written = "".join(nfkc(text).lower().split())
    if len(written) < MIN_KEY_CHARS:
        return None
    folded, digit_runs = _DIGITS.subn("0", written)
    if len(folded) - digit_runs < MIN_KEY_CHARS and len(_LABEL_LETTERS.findall(folded)) < 2:
        folded = written
    folded = convert_to_simplified(folded)
    return KEY_FORM + hashlib.blake2b(folded.encode("utf-8"), digest_size=8).hexdigest()


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, the full-width marks of Chinese text (，：)
    first replaced by their decompositions: the line is then most often normalized already,
    which NFKC finds at once, and the result is the same (NFKC decomposes them so).

    >>> nfkc("记者：王毅（外交部长）说，Ｈ２０芯片…")
    '记者:王毅(外交部长)说,H20芯片...'
    """
    for mark, decomposed in _WIDE_MARKS:
        text = text.replace(mark, decomposed)
    return unicodedata.normalize("NFKC", text)


def count_lines(documents: Iterable[Document]) -> Counter:
    """How many of ``documents`` hold each line key (a line counts once per document)."""
    counts: Counter = Counter()
    for doc in documents:
        keys = {line_key(p.text) for p in doc.paragraphs}
        keys.discard(None)
        counts.update(keys)
    return counts


def prepare_counts(ctx: Context, folder: Path, documents: Iterable[Document]) -> Counter:
    """Count the run's lines, add the corpus's counts for the step, and return the run's
    own (for `append_counts` once the run is committed)."""
    run = count_lines(documents)
    ctx.resource(RESOURCE, Counter).update(read_counts(folder) + run)
    return run


def read_counts(folder: Path) -> Counter:
    """The counts earlier runs kept in ``folder/line_counts.tsv``, summed over runs."""
    counts: Counter = Counter()
    path = folder / COUNTS_FILE
    if not path.is_file():
        return counts
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            key, _, value = line.rstrip("\n").partition("\t")
            if not value.isdigit():
                raise ValueError(f"{path}:{number}: expected KEY<TAB>DOCUMENTS; delete the "
                                 "file to count afresh")
            counts[key] += int(value)
    return counts


def append_counts(folder: Path, counts: Counter) -> None:
    """Add this run's counts to ``folder/line_counts.tsv`` (keys seen twice or more only:
    a line of one document can only recur through later runs, which count it then)."""
    rows = [f"{key}\t{value}\n" for key, value in sorted(counts.items()) if value > 1]
    if rows:
        with (folder / COUNTS_FILE).open("a", encoding="utf-8") as stream:
            stream.writelines(rows)


@step(STEP)
def drop_repeated_lines(doc: Document, ctx: Context) -> Document:
    counts: Counter = ctx.resource(RESOURCE, Counter)
    if not counts:
        return doc
    minimum, mostly = ctx.resource("repetition_settings", lambda: _settings(ctx))
    found = [counts.get(line_key(p.text) or "", 0) for p in doc.paragraphs]
    size = sum(len(p.text) for p in doc.paragraphs)
    recurring = sum(len(p.text) for p, n in zip(doc.paragraphs, found, strict=True)
                    if n >= minimum)
    if not recurring or recurring >= mostly * size:
        return doc
    repeated = [n >= minimum and is_template_shaped(p.text)
                for p, n in zip(doc.paragraphs, found, strict=True)]
    # A line left open goes with the line it opens: a notice's heading (反侵权公告：) with
    # the notice, not a show's opening (央视网消息（新闻联播）：) with the story it opens.
    for index in range(len(repeated) - 1, -1, -1):
        if found[index] >= minimum and _left_open(doc.paragraphs[index].text):
            repeated[index] = index + 1 == len(repeated) or repeated[index + 1]
    enclosed = _enclosed_lines(doc.paragraphs, repeated)
    kept = []
    for index, (paragraph, seen, is_repeated) in enumerate(
            zip(doc.paragraphs, found, repeated, strict=True)):
        if is_repeated:
            doc.record(STEP, RULE, "remove", paragraph.text, paragraph.lines[0],
                       why=f"repeated in {seen} documents of this dump and the corpus")
        elif index in enclosed:
            doc.record(STEP, ENCLOSED_RULE, "remove", paragraph.text, paragraph.lines[0],
                       why="a short line between two repeated lines outside the text, sharing "
                           "none of the text's words, is what the template fills in per page")
        else:
            kept.append(paragraph)
    doc.paragraphs = kept
    return doc


def _enclosed_lines(paragraphs: list[Paragraph], repeated: list[bool]) -> set[int]:
    """Indexes of the short lines outside the text that stand between two repeated lines
    (``lucky星`` / ``健康养生领域创作者`` between ``4692 个回答`` and ``赞同数 7665``) and share
    little with the text; a subtitle uses the text's words and stays."""
    body = [i for i, p in enumerate(paragraphs) if not repeated[i]
            and paragraph_han(p.text) >= BODY_MIN_HAN and _SENTENCE_MARKS.search(p.text)]
    if not body:
        return set()
    pairs = body_pairs([paragraphs[i] for i in body])
    found: set[int] = set()
    start = None
    for index, is_repeated in enumerate(repeated):
        if not is_repeated:
            continue
        if start is not None and 0 < index - start - 1 <= ENCLOSED_MAX_LINES:
            run = range(start + 1, index)
            if (run.stop <= body[0] or run.start > body[-1]) and all(
                    len(paragraphs[i].text) <= ENCLOSED_MAX_CHARS
                    and not _SENTENCE_MARKS.search(paragraphs[i].text)
                    and share_of_pairs(paragraphs[i].text, pairs) < ENCLOSED_RELATED
                    for i in run):
                found.update(run)
        start = index
    return found


def _left_open(text: str) -> bool:
    stripped = text.rstrip()
    return bool(stripped) and stripped[-1] in LEFT_OPEN


def is_template_shaped(text: str) -> bool:
    """Whether a recurring line may be template by its own shape: not a stock sentence of
    news nor a line left open for the next to finish (judged with that one).

    >>> is_template_shaped("扫一扫在手机打开当前页"), is_template_shaped("王毅参加会见。")
    (True, False)
    >>> is_template_shaped("【特别说明】本站部分图文来自网络，若有不妥请告知，我们将及时处理。")
    True
    >>> is_template_shaped("央视网消息（新闻联播）：")
    False
    """
    stripped = text.rstrip()
    if not stripped or _left_open(stripped):
        return False
    if stripped[-1] not in SENTENCE_ENDS:
        return True
    return bool(_NOTICE_LABEL.match(stripped)
                or len(_CLAUSE_MARKS.findall(stripped)) >= NOTICE_CLAUSES - 1)


def _settings(ctx: Context) -> tuple[int, float]:
    data = ctx.rules.yaml(SETTINGS_FILE)
    try:
        return int(data["min_documents"]), float(data["mostly_repeated"])
    except (KeyError, TypeError, ValueError) as exc:
        raise RuleError(f"rules/{SETTINGS_FILE}: needs min_documents and mostly_repeated "
                        f"({exc!r})") from None
