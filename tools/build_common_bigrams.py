"""Rebuild rules/common_bigrams.txt: the Han character pairs any news story uses.

    python tools/build_common_bigrams.py [SHARED_DATA_DIR]

Two paragraphs of one article share words of their subject (芯片, 英伟达, 测温门); two
paragraphs glued from unrelated stories share only the pairs every text uses (我们, 进行,
的是). `curate.clean.page_features` measures how related a page's consecutive prose lines
and sentences are by the pairs they share outside this list. A pair is common when it stands
in at least `MIN_SHARE` of the stories of each clean news source (CCTV 新闻联播, THUCNews,
SogouCS) on average, so that one source's own words (联播, 央视) do not make the list. Only
the pairs leave the sources, never their text.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import regex

SOURCES = ("xwlb-cctv-news.jsonl", "thucnews-cnews-1000.jsonl", "sogoucs-smarty.jsonl")
MIN_SHARE = 0.03
PER_LINE = 40
REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "rules" / "common_bigrams.txt"
_HAN_RUN = regex.compile(r"\p{Han}{2,}")


def story_pairs(text: str) -> set[str]:
    return {run[i:i + 2] for run in _HAN_RUN.findall(text) for i in range(len(run) - 1)}


def main(data_dir: Path) -> None:
    shares: Counter[str] = Counter()
    stories = 0
    for name in SOURCES:
        counts: Counter[str] = Counter()
        rows = (data_dir / name).read_text(encoding="utf-8").splitlines()
        for line in rows:
            counts.update(story_pairs(json.loads(line)["text"]))
        stories += len(rows)
        for pair, count in counts.items():
            shares[pair] += count / len(rows) / len(SOURCES)
    common = sorted(pair for pair, share in shares.items() if share >= MIN_SHARE)
    header = [
        "# Han character pairs that any news story uses: shared by two lines, they do not make",
        "# the lines related (curate/clean/page_features.py, prose relatedness).",
        f"# Counted in {stories:,} clean news stories of ../shared/data ({', '.join(SOURCES)}):",
        f"# a pair is listed when it stands in {MIN_SHARE:.0%} of a source's stories or more,",
        "# averaged over the sources. Only the pairs come from that text.",
        "# Rebuild: python tools/build_common_bigrams.py ../shared/data",
    ]
    body = [" ".join(common[i:i + PER_LINE]) for i in range(0, len(common), PER_LINE)]
    OUT.write_text("\n".join(header + body) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(REPO)}: {len(common)} pairs from {stories:,} stories")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "data")
