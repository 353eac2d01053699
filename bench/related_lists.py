"""Related and sidebar headline lists on real pages with a human gold text: how many of their
lines `clean_text` removes, and how many of the article's lines it keeps. Prints figures;
asserts nothing.

    python bench/related_lists.py [--show]

The pages are the CWCED pages (``web-extraction-gold-cwced.jsonl``, MIT) and the magic-html
pages (``web-extraction-gold-magichtml.jsonl``) of ``../shared/data`` (or
``$CURATE_SHARED/data``), each as its HTML renders, one line a block, the whole visible text
as a CommonCrawl page stores it (``rendered_lines``, the labelling the line classifier is
trained with). They are split into halves by ``bench/html_extraction.py``'s ``half``: the
TUNE halves are those the line classifier learned from and the thresholds were set on; the
MEASURE half of CWCED is reported apart; the MEASURE half of magic-html is left for
``bench/html_extraction.py``.

A line is *body* when its text stands in the gold text; it is *related-list* when it is not
there, shares under 30% of its character pairs with the gold, and is headline-shaped (8 to
40 characters, half of them Han or more, no sentence mark and at most one comma, not ending
like a sentence, at most two pieces between spaces, bars or dashes: no menu or keyword row)
in a run of 3 or more such lines: a list of other stories' titles, one a line, as related and
sidebar lists print them. Each page's text is cleaned as one plain-text document, as
``curate run`` cleans a page stored as text; a line is kept when a paragraph of a kept
document covers it or it became the document's title (``bench/line_decisions.py``).
``--show`` prints every related line kept and every body line lost.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import regex

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

from html_extraction import SHARED, half, load_pages  # noqa: E402
from line_decisions import kept_lines  # noqa: E402
from train_line_classifier import rendered_lines  # noqa: E402

from curate.rules import Rules  # noqa: E402

SETS = (("cwced", "web-extraction-gold-cwced.jsonl", ("tune", "measure")),
        ("magic-html", "web-extraction-gold-magichtml.jsonl", ("tune",)))
# A headline-shaped line, for labelling: its length and Han share, and a list's least run.
HEADLINE_CHARS = (8, 40)
HEADLINE_MIN_HAN = 0.5
LIST_MIN_LINES = 3
_SENTENCE_MARK = regex.compile(r"[。！？!?；;]|[,，].*[,，]")
_SENTENCE_END = regex.compile(r"[。.！？!?…；;”」』）)\"]\s*$")
# What parts the items of a menu or a keyword row: 看新闻 读新闻 评新闻, 体育 - 娱乐 - 房产.
_ITEM_GAP = regex.compile(r"\s+|\s*[|｜/>»-]+\s*")
_HAN = regex.compile(r"\p{Han}")


def headline_shaped(line: str) -> bool:
    """Short and title-like: ``习近平会见巴西总统卢拉`` is, ``他说，会议取得成功。`` is not.

    >>> headline_shaped("习近平会见巴西总统卢拉"), headline_shaped("他说，会议取得成功。")
    (True, False)
    """
    line = unicodedata.normalize("NFKC", line).strip()
    if len([item for item in _ITEM_GAP.split(line) if item]) > 2:
        return False
    text = "".join(line.split())
    low, high = HEADLINE_CHARS
    return (low <= len(text) <= high and len(_HAN.findall(text)) >= HEADLINE_MIN_HAN * len(text)
            and not _SENTENCE_MARK.search(text) and not _SENTENCE_END.search(text))


def related_lines(labelled: list[tuple[str, bool | None]]) -> set[int]:
    """The numbers (from 1) of the junk lines standing in a run of `LIST_MIN_LINES` or more
    headline-shaped junk lines."""
    found: set[int] = set()
    run: list[int] = []
    for number, (line, is_body) in enumerate([*labelled, ("", True)], 1):
        if is_body is False and headline_shaped(line):
            run.append(number)
            continue
        if len(run) >= LIST_MIN_LINES:
            found.update(run)
        run = []
    return found


def report(name: str, path: Path, halves: tuple[str, ...], rules: Rules, show: bool) -> None:
    counts: dict[str, Counter[str]] = {part: Counter() for part in halves}
    for page in load_pages(path):
        part = half(page.id)
        if part not in counts:
            continue
        labelled = rendered_lines(page.page, page.gold)
        if not labelled:
            continue
        related = related_lines(labelled)
        kept, _, dropped = kept_lines("\n".join(line for line, _ in labelled), rules)
        tally = counts[part]
        tally["pages"] += 1
        tally["dropped"] += dropped is not None
        for number, (line, is_body) in enumerate(labelled, 1):
            if is_body:
                tally["body"] += 1
                tally["body_kept"] += number in kept
                if show and number not in kept:
                    print(f"  LOST {page.id} ({part}):{number}: {line[:80]}")
            elif number in related:
                tally["related"] += 1
                tally["related_removed"] += number not in kept
                if show and number in kept:
                    print(f"  KEPT {page.id} ({part}):{number}: {line[:80]}")
    for part, tally in counts.items():
        print(f"{name} {part.upper()} ({tally['pages']} pages, {tally['dropped']} dropped whole)")
        print(f"  related-list lines removed  {_share(tally['related_removed'], tally['related'])}")
        print(f"  body lines kept             {_share(tally['body_kept'], tally['body'])}")


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%} ({part} of {whole})" if whole else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true",
                        help="print every related line kept and every body line lost")
    args = parser.parse_args()
    missing = [file for _, file, _ in SETS if not (SHARED / "data" / file).is_file()]
    if missing:
        print(f"skipped: {', '.join(missing)} not found in {SHARED / 'data'} "
              "(set CURATE_SHARED to the shared folder)")
        return 0
    rules = Rules()
    for name, file, halves in SETS:
        report(name, SHARED / "data" / file, halves, rules, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
