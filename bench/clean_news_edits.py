"""What the cleaning changes in clean news: every edit of every step, on text that needs none.

    python bench/clean_news_edits.py [--stories 2000] [--examples 3] [--data ../shared/data]

Clean news stories (CCTV transcripts, THUCNews, SogouCS: simplified, edited, with no page
around them) go through the whole cleaning pipeline, deduplication left out. Each edit that
removes, replaces or drops text is counted by step and rule with the characters it touched,
and a few are shown, so that a change made where nothing was wrong shows up: a name whose
character is folded (王丙乾 -> 王丙干), a body line taken for furniture, a story dropped.
Punctuation written the Chinese way (`,` -> `，` after Chinese) is counted apart: clean
sources that type half-width marks are not wrong, but the change is intended. The stories of
one source are taken for one dump: their lines are counted across them, as a run counts its
documents' lines, so that `drop_repeated_lines` judges a stock sentence of news (王毅参加会见。)
or the opening of a show as it would in a run over the source.

The stories are read from ``../shared/data`` (research use: they stay there). Prints
figures; never fails.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter, defaultdict
from multiprocessing import Pool
from pathlib import Path

from template_probe import CLEAN_NEWS  # the clean news the furniture probe reads

from curate.clean.repetition import RESOURCE, count_lines
from curate.document import Document, Provenance
from curate.markup import parse_text
from curate.pipeline import DEFAULT_STEPS, Context, clean_text
from curate.rules import Rules

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path(os.environ.get("CURATE_SHARED", REPO.parent / "shared")) / "data"
# Deduplication judges one story against the others, not the story itself.
STEPS = [step for step in DEFAULT_STEPS if step != "drop_exact_duplicates"]
# Edits that change nothing of the text (a header line recorded as metadata, a flag).
TEXT_ACTIONS = ("remove", "replace", "drop")
INTENDED = frozenset({"normalize_punctuation"})

_context: Context | None = None


def start_worker(line_counts: Counter) -> None:
    """The context a worker cleans its stories in: the rules, and the lines of the dump."""
    global _context
    _context = Context(Rules())
    _context.resource(RESOURCE, Counter).update(line_counts)


def dump_line_counts(lines: list[str]) -> Counter:
    """How many stories of the source hold each line, as the run's counting pass finds."""
    return count_lines(Document(parse_text(json.loads(line)["text"], markdown=False).paragraphs,
                                Provenance("<text>", "", "utf-8"), "text") for line in lines)


def edits_of(line: str) -> list[tuple[str, str, str, int, str]]:
    """(step, rule, action, characters, excerpt) of each text edit made to one story."""
    assert _context is not None, "start_worker first"
    story = json.loads(line)
    found = []
    for doc in clean_text(story["text"], steps=STEPS, markdown=False, context=_context):
        edits = list(doc.edits) + ([doc.rejected] if doc.rejected is not None else [])
        for edit in edits:
            if edit.action in TEXT_ACTIONS:
                size = 0 if edit.action == "replace" else len(edit.text)
                if edit.replacement is not None:
                    shown = f"{edit.text[:40]} -> {edit.replacement[:40]}"
                elif edit.action == "replace" and edit.why and ": " in edit.why:
                    shown = f"{edit.text}: {edit.why.split(': ', 1)[1][:80]}"  # the conversions
                else:
                    shown = edit.text[:60]
                found.append((edit.step, edit.rule, edit.action, size, shown))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=2000, help="stories a source at most")
    parser.add_argument("--examples", type=int, default=3, help="edits shown a rule")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    for source in CLEAN_NEWS:
        path = args.data / source
        if not path.is_file():
            print(f"{source}: missing")
            continue
        lines = path.read_text(encoding="utf-8").splitlines()[:args.stories]
        with Pool(args.processes, start_worker, (dump_line_counts(lines),)) as pool:
            results = pool.map(edits_of, lines, chunksize=20)
        report(source, len(lines), results, args.examples)


def report(source: str, stories: int, results: list[list[tuple]], examples: int) -> None:
    counts: Counter = Counter()
    touched: Counter = Counter()
    shown: dict[tuple, list[str]] = defaultdict(list)
    changed_stories = 0
    for edits in results:
        if any(step not in INTENDED for step, *_ in edits):
            changed_stories += 1
        for step, rule, action, size, excerpt in edits:
            key = (step, rule, action)
            counts[key] += 1
            touched[key] += size
            if len(shown[key]) < examples:
                shown[key].append(excerpt)
    print(f"{source}: {stories} stories, {changed_stories} changed by a step other than "
          f"punctuation")
    for (step, rule, action), count in counts.most_common():
        intended = " (intended)" if step in INTENDED else ""
        removed = touched[(step, rule, action)]
        size = f", {removed} characters" if action != "replace" else ""
        print(f"  {step}/{rule} {action}: {count} edits{size}{intended}")
        for excerpt in shown[(step, rule, action)]:
            print(f"      {excerpt}")


if __name__ == "__main__":
    main()
