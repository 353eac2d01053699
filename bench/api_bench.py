"""The Python API's cost per call: `curate.clean` (rules loaded once) against
`curate.pipeline.clean_text` (rules loaded at every call), measured in the same run.
Prints figures; asserts nothing.

    python bench/api_bench.py [--repeat 5]

Texts: the five seed articles whole (~3,000 characters each), and each of their lines
alone (a paragraph a call). CPU-seconds per call, the first call (which loads the rules)
apart.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import curate
from curate.pipeline import clean_text

REPO = Path(__file__).resolve().parent.parent


def per_call_ms(function, texts: list[str], repeat: int) -> float:
    start = time.process_time()
    for _ in range(repeat):
        for text in texts:
            function(text)
    return (time.process_time() - start) / (repeat * len(texts)) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    articles = [p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("*.txt"))]
    lines = [line for text in articles for line in text.split("\n") if len(line) >= 20]
    start = time.process_time()
    curate.clean(articles[0])
    print(f"first call (loads the rules): {time.process_time() - start:.2f} CPU-s")
    for name, texts, repeat in (("article", articles, args.repeat),
                                ("paragraph", lines[:40], args.repeat)):
        api = per_call_ms(curate.clean, texts, repeat)
        baseline = per_call_ms(clean_text, texts, 1)
        print(f"a {name}: curate.clean {api:.1f} ms a call; clean_text {baseline:.1f} ms "
              f"({baseline / api:.0f}x the API's)")


if __name__ == "__main__":
    main()
