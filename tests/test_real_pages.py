"""The line labels of the real CommonCrawl pages (bench/labels/cc-pages.jsonl) hold together:
the scheme always, and against the pages themselves when the shared data is beside the repository.
These check the labels, not curate's figures on them (bench/real_pages.py prints those)."""

from __future__ import annotations

import copy
import json

import pytest

from bench.real_pages import PAGES, read_labels, scheme_problems, source_problems, split_of


@pytest.fixture(scope="module")
def labels() -> list[dict]:
    return read_labels()


@pytest.fixture(scope="module")
def page_texts(shared_data) -> dict[str, str]:
    with (shared_data / PAGES).open(encoding="utf-8") as handle:
        return {row["id"]: row["text"] for row in map(json.loads, handle)}


def test_labels_follow_the_scheme(labels):
    assert scheme_problems(labels) == []


def test_split_halves_are_the_ones_the_rule_gives(labels):
    halves = {split: [r["id"] for r in labels if r["split"] == split]
              for split in ("tune", "measure")}
    assert (len(halves["tune"]), len(halves["measure"])) == (51, 69)
    assert split_of("cwt-cc-2021-43-000") == "tune"
    assert split_of("cwt-cc-2021-43-001") == "measure"


def test_a_span_on_a_junk_line_and_a_stray_kind_are_reported(labels):
    broken = copy.deepcopy(labels[0])  # cwt-cc-2021-43-000: line 2 is a spam summary
    broken["lines"][1][4] = [[0, 5, "gambling"]]
    broken["lines"][2][3] = "headline"
    assert scheme_problems([broken]) == [
        "cc-pages.jsonl:1: cwt-cc-2021-43-000 line 2: spans on a junk line",
        "cc-pages.jsonl:1: cwt-cc-2021-43-000 line 3: a body line has kind 'headline', not null",
    ]


def test_every_page_and_line_is_labelled_and_unchanged(labels, page_texts):
    assert source_problems(labels, page_texts) == []
    assert sum(len(r["lines"]) for r in labels) == 2301


def test_injected_spans_cover_the_spliced_brand(labels, page_texts):
    """Line 3 of cwt-cc-2021-43-000 is a real news sentence with a casino brand spliced in."""
    line = page_texts["cwt-cc-2021-43-000"].split("\n")[2]
    (start, end, what), = labels[0]["lines"][2][4]
    assert (line[start:end], what) == ("王者威尼斯人现金网网址：", "gambling")
    assert line[:start] + line[end:] == line.replace("王者威尼斯人现金网网址：", "")


def test_a_changed_line_or_a_missing_page_is_reported(labels, page_texts):
    texts = dict(page_texts)
    texts["cwt-cc-2021-43-000"] = texts["cwt-cc-2021-43-000"].replace("铜鼓县", "铜鼓")
    del texts["cwt-dirty-09"]
    problems = source_problems(labels, texts)
    assert problems[0].startswith("cc-pages.jsonl:1: cwt-cc-2021-43-000 line 1: the text changed")
    assert problems[-1] == "cc-pages.jsonl:120: cwt-dirty-09: no such page in " + PAGES
