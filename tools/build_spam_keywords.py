"""Rebuild rules/spam_keywords_konsheng.txt from the konsheng Sensitive-lexicon (MIT).

    python tools/build_spam_keywords.py SHARED_DATA_DIR

Keeps the ``porn`` and ``guns_explosives_sales`` terms of two or more characters: the words
that keyword-stuffed SEO headers are made of. The ``ads`` category is left out because it
holds everyday words (``网络``, ``招聘``) that would make honest titles look like spam.
"""

from __future__ import annotations

import sys
from pathlib import Path

CATEGORIES = ("porn", "guns_explosives_sales")
OUT = Path(__file__).resolve().parent.parent / "rules" / "spam_keywords_konsheng.txt"


def main(data_dir: str) -> None:
    source = Path(data_dir) / "spam-keywords-konsheng.tsv"
    lines = source.read_text(encoding="utf-8").splitlines()
    origin = lines[0].lstrip("# ").removeprefix("source: ").strip()
    terms = set()
    for line in lines[1:]:
        category, term, *_ = line.split("\t")
        if category in CATEGORIES and len(term.strip()) >= 2:
            terms.add(term.strip())
    header = [
        "# Words that keyword-stuffed SEO spam headers are made of.",
        f"# Source: {origin}",
        f"# Categories kept: {', '.join(CATEGORIES)}; terms of two or more characters.",
        "# Rebuild: python tools/build_spam_keywords.py SHARED_DATA_DIR",
    ]
    OUT.write_text("\n".join(header + sorted(terms)) + "\n", encoding="utf-8")
    print(f"{OUT.name}: {len(terms)} terms")


if __name__ == "__main__":
    main(sys.argv[1])
