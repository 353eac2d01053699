"""Rebuild rules/standard_characters.txt from the Unicode Han database (Unihan).

    python tools/build_standard_characters.py UNIHAN

UNIHAN is the Unihan.zip of unicode.org or a folder of its text files (Debian's
``unicode-data`` package installs them, bz2-compressed, under /usr/share/unicode). Every
character with a ``kTGH`` field, its place in the 2013 Table of General Standard Chinese
Characters (通用规范汉字表), is written out in code point order, 100 to a line.
"""

from __future__ import annotations

import bz2
import io
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "rules" / "standard_characters.txt"
FIELD = "kTGH"
PER_LINE = 100
HEADER = """\
# The 8,105 characters of the 2013 Table of General Standard Chinese Characters
# (通用规范汉字表), the standard of simplified Chinese, one line of 100 characters after another.
# Source: the kTGH field of the Unicode Han database (Unihan, Unicode Data Files,
# (c) Unicode, Inc., distributed under the Unicode License: https://www.unicode.org/license.txt).
# Rebuild: python tools/build_standard_characters.py UNIHAN
#
# OpenCC's t2s folds a few of them into another character wherever it meets them, written
# in simplified text too: 覆盖 -> 复盖, 王丙乾 -> 王丙干, 菜薹 -> 菜苔, 李奕昇 -> 李奕升.
# In a text with no other traditional character they stay.
"""


def _lines(source: Path) -> Iterator[str]:
    """The text lines of every Unihan file in ``source`` (a zip or a folder)."""
    if source.is_file():
        with zipfile.ZipFile(source) as archive:
            for name in archive.namelist():
                if name.endswith(".txt"):
                    yield from io.TextIOWrapper(archive.open(name), encoding="utf-8")
        return
    for path in sorted(source.glob("Unihan*.txt*")):
        opener = bz2.open if path.suffix == ".bz2" else open
        with opener(path, "rt", encoding="utf-8") as stream:
            yield from stream


def standard_characters(source: Path) -> list[str]:
    """The characters that have a ``kTGH`` entry, in code point order."""
    found = set()
    for line in _lines(source):
        fields = line.split("\t")
        if len(fields) == 3 and fields[1] == FIELD:
            found.add(int(fields[0][2:], 16))
    return [chr(cp) for cp in sorted(found)]


def main(source: str) -> None:
    characters = standard_characters(Path(source))
    if not characters:
        sys.exit(f"{source}: no {FIELD} field found; give the Unihan.zip or its folder")
    rows = ["".join(characters[i:i + PER_LINE]) for i in range(0, len(characters), PER_LINE)]
    OUT.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{OUT.name}: {len(characters)} characters")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
