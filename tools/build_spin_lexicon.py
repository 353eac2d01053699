"""Rebuild rules/spin_lexicon.tsv: the word forms synonym spinners write, each with a weight.

    python tools/build_spin_lexicon.py SHARED_DATA_DIR

Spun forms come from a public 伪原创 spin dictionary (``src→dst``: ``dst`` is what the spinner
writes) and from the pairs observed in seed 004 (``创始人→开创人``). How much a form says "this
text was spun" depends on how often clean news uses it: ``曩昔`` never occurs in clean news,
``我国`` and ``规划`` occur everywhere. Each form gets

    clean_per_million = the higher of its rates per million characters in the CCTV and the
                        Sina news corpora (the higher rate, so that a word common in one genre
                        of news, ``离婚`` in entertainment news, counts little anywhere)
    weight            = log10(20 / (1 + clean_per_million))

so a form never seen in clean news weighs 1.3, one seen once per million characters 1.0, four
per million 0.6, and one seen 16.8 per million or more would weigh under 0.05 and is left out.
A form from the dictionary is kept only if one of its originals occurs at least 10 per million
in clean news: a spinner can only write ``扶植`` where the text had ``建设``, so forms made
from rare words (idioms, archaisms) would never show up in spun news and only add noise.
Forms observed in seed 004 are kept whatever their original.

Rates are substring counts over whole stories, the way the spin matcher later scans text.
The SogouCS sample (0.09 M characters) is too small for a rate per million and is left out,
which makes it an unseen check for the threshold in ``rules/spin.yaml``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import regex

OUT = Path(__file__).resolve().parent.parent / "rules" / "spin_lexicon.tsv"
SPIN_DICTIONARY = "spin-weiyuanchuang-42537.tsv"
SEED_PAIRS = "spin-pairs-observed-seed004.tsv"
# News corpus file -> licence as stated in the shared data README.
CLEAN_NEWS = {
    "xwlb-cctv-news.jsonl": "CCTV 新闻联播 transcripts, repo MIT, text (c) CCTV, research use",
    "thucnews-cnews-1000.jsonl": "THUCNews (Sina news) sample, research use",
}
WEIGHT_SCALE = 20.0  # a form seen WEIGHT_SCALE - 1 times per million characters weighs 0
MIN_WEIGHT = 0.05
MIN_ORIGINAL_PER_MILLION = 10.0
_HAN_WORD = regex.compile(r"^\p{Han}{2,}$")


@dataclass
class SpunForm:
    """One spun form with every original it was written for and where it was seen."""

    spun: str
    originals: set[str]
    sources: set[str]


def spin_weight(clean_per_million: float) -> float:
    """Weight of a spun form from its rate per million characters in clean news.

    >>> spin_weight(0.0), spin_weight(1.0), spin_weight(19.0)
    (1.301, 1.0, 0.0)
    """
    return round(max(0.0, math.log10(WEIGHT_SCALE / (1.0 + clean_per_million))), 3)


def read_pairs(path: Path, original_column: str, spun_column: str) -> tuple[str, list[tuple]]:
    """The comment header of a pair table and its ``(original, spun)`` rows."""
    comments, rows, columns = [], [], None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("#"):
            comments.append(line.lstrip("# ").strip())
        elif columns is None:
            columns = line.split("\t")
        elif line.strip():
            fields = line.split("\t")
            if len(fields) != len(columns):
                raise ValueError(
                    f"{path.name}:{number}: expected {len(columns)} tab-separated fields"
                )
            row = dict(zip(columns, fields, strict=True))
            rows.append((row[original_column].strip(), row[spun_column].strip()))
    return " ".join(comments), rows


def collect_forms(data_dir: Path) -> tuple[dict[str, SpunForm], list[str]]:
    """Spun forms of two or more Han characters from both pair tables, and their origins."""
    forms: dict[str, SpunForm] = {}
    origins = []
    for name, source, columns in (
        (SPIN_DICTIONARY, "weiyuanchuang", ("src", "dst")),
        (SEED_PAIRS, "seed004", ("original", "spun")),
    ):
        origin, pairs = read_pairs(data_dir / name, *columns)
        origins.append(f"{name} ({source}): {origin}")
        for original, spun in pairs:
            if _HAN_WORD.match(spun) and original and original != spun:
                form = forms.setdefault(spun, SpunForm(spun, set(), set()))
                form.originals.add(original)
                form.sources.add(source)
    return forms, origins


def read_news(path: Path) -> list[str]:
    """The ``text`` of every story in a JSONL news file."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]


def count_substrings(texts: Iterable[str], words: set[str]) -> Counter:
    """How often each of ``words`` occurs in ``texts`` (overlapping occurrences counted).

    >>> count_substrings(["开创人类美好未来，开创人"], {"开创人", "人类"})
    Counter({'开创人': 2, '人类': 1})
    """
    by_length: dict[int, set[str]] = {}
    for word in words:
        by_length.setdefault(len(word), set()).add(word)
    counts: Counter = Counter()
    for text in texts:
        for length, group in by_length.items():
            for start in range(len(text) - length + 1):
                window = text[start : start + length]
                if window in group:
                    counts[window] += 1
    return counts


@dataclass(frozen=True)
class NewsCounts:
    """Substring counts of the candidate words in one clean-news corpus."""

    name: str
    counts: Counter
    million_chars: float

    def rate(self, word: str) -> float:
        """Occurrences of ``word`` per million characters."""
        return self.counts[word] / self.million_chars


def count_news(data_dir: Path, words: set[str]) -> list[NewsCounts]:
    """Count ``words`` in each clean-news corpus."""
    corpora = []
    for name in CLEAN_NEWS:
        texts = read_news(data_dir / name)
        million = sum(map(len, texts)) / 1e6
        corpora.append(NewsCounts(name, count_substrings(texts, words), million))
        print(f"{name}: {len(texts)} stories, {million:.2f} M characters")
    return corpora


def pooled_rate(word: str, corpora: list[NewsCounts]) -> float:
    """Occurrences of ``word`` per million characters of all clean news together."""
    return sum(c.counts[word] for c in corpora) / sum(c.million_chars for c in corpora)


def lexicon_rows(forms: dict[str, SpunForm], corpora: list[NewsCounts]) -> list[list[str]]:
    """The kept forms as TSV fields, heaviest first."""
    rows = []
    for form in forms.values():
        clean_rate = max(corpus.rate(form.spun) for corpus in corpora)
        weight = spin_weight(clean_rate)
        pooled = {original: pooled_rate(original, corpora) for original in form.originals}
        common_original = max(pooled.values()) >= MIN_ORIGINAL_PER_MILLION
        if weight < MIN_WEIGHT or not ("seed004" in form.sources or common_original):
            continue
        original = max(sorted(form.originals), key=pooled.__getitem__)
        source = "both" if len(form.sources) == 2 else next(iter(form.sources))
        rows.append([form.spun, original, f"{weight:.3f}", f"{clean_rate:.2f}", source])
    return sorted(rows, key=lambda row: (-float(row[2]), row[0]))


def header_lines(origins: list[str], row_count: int) -> list[str]:
    news = "; ".join(f"{name} ({licence})" for name, licence in CLEAN_NEWS.items())
    return [
        "# Spun word forms: what 伪原创 synonym spinners write, weighted by how rarely clean news",
        "# uses them. Read by curate.clean.spin (spin_score); generated, do not edit by hand.",
        *(f"# Pairs from {origin}" for origin in origins),
        f"# Clean-news rates (derived counts only, no text) from: {news}.",
        "# clean_per_million: the higher of the form's rates per million characters in the two",
        "#   news corpora (substring counts).",
        f"# weight = log10({WEIGHT_SCALE:g} / (1 + clean_per_million)); left out: forms under"
        f" weight {MIN_WEIGHT},",
        "#   and dictionary forms whose originals all occur under"
        f" {MIN_ORIGINAL_PER_MILLION:g} per million in clean news.",
        f"# {row_count} forms of two or more Han characters.",
        "# Rebuild: python tools/build_spin_lexicon.py SHARED_DATA_DIR",
    ]


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path, help="the shared data directory")
    parser.add_argument("--out", type=Path, default=OUT, help=f"default: rules/{OUT.name}")
    args = parser.parse_args(argv)
    forms, origins = collect_forms(args.data_dir)
    words = set(forms) | {original for form in forms.values() for original in form.originals}
    rows = lexicon_rows(forms, count_news(args.data_dir, words))
    table = ["spun\toriginal\tweight\tclean_per_million\tsource"] + ["\t".join(r) for r in rows]
    write_atomically(args.out, "\n".join(header_lines(origins, len(rows)) + table) + "\n")
    print(f"{args.out.name}: {len(rows)} forms")


if __name__ == "__main__":
    main()
