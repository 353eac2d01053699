"""Rebuild rules/zhe_particle.tsv from clean simplified news.

    python tools/build_zhe_particle.py SHARED_DATA_DIR

OpenCC's t2s leaves 著 as it is (著 is also the simplified 著 of 著名), so traditional text
that writes the aspect particle 著 (隨著, 標誌著) comes out as 随著, 标志著. Simplified news
writes the particle 着 and keeps 著 for 显著, 著名, 原著. This counts, in the clean news, the
character before each 着 and each 著: a character that stands before 着 at least
`MIN_PARTICLE` times and before 著 at most once in `MAX_SHARE` of those is a verb the
particle follows (随, 沿, 标志's 志). The characters after 著 that simplified news writes
with 著 far more than with 着 (名, 作, 称) are listed too: there 著 stays (有著名, 接著作).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

SOURCES = ("xwlb-cctv-news.jsonl", "thucnews-cnews-1000.jsonl", "sogoucs-smarty.jsonl")
MIN_PARTICLE = 10
MAX_SHARE = 10
MIN_WORD = 3
OUT = Path(__file__).resolve().parent.parent / "rules" / "zhe_particle.tsv"
HAN = "\u4e00-\u9fff"


def main(data_dir: str) -> None:
    before_zhe, before_zhu, after_zhe, after_zhu = Counter(), Counter(), Counter(), Counter()
    stories = 0
    for name in SOURCES:
        for line in (Path(data_dir) / name).read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            stories += 1
            for counts, pattern in ((before_zhe, f"([{HAN}])(?=着)"),
                                    (before_zhu, f"([{HAN}])(?=著)"),
                                    (after_zhe, f"(?<=着)([{HAN}])"),
                                    (after_zhu, f"(?<=著)([{HAN}])")):
                counts.update(re.findall(pattern, text))
    verbs = sorted(char for char, count in before_zhe.items()
                   if count >= MIN_PARTICLE and before_zhu[char] * MAX_SHARE <= count)
    nouns = sorted(char for char, count in after_zhu.items()
                   if count >= MIN_WORD and after_zhe[char] * MAX_SHARE <= count)
    header = [
        "# Where a 著 left by OpenCC's t2s is the aspect particle 着 (随著 -> 随着).",
        f"# Counted in {stories:,} clean simplified news stories of shared/data "
        f"({', '.join(SOURCES)}):",
        f"# before: characters before 着 at least {MIN_PARTICLE} times and before 著 at most "
        f"once in {MAX_SHARE};",
        f"# after: characters after 著 at least {MIN_WORD} times and after 着 at most once "
        f"in {MAX_SHARE} of those (著名, 著作): there 著 stays.",
        "# Rebuild: python tools/build_zhe_particle.py SHARED_DATA_DIR",
    ]
    lines = [*header, "side\tcharacters", "before\t" + "".join(verbs),
             "after\t" + "".join(nouns)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT.name}: {len(verbs)} characters before, {len(nouns)} after")


if __name__ == "__main__":
    main(sys.argv[1])
