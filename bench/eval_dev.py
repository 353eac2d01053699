"""Clean the development evaluation set and score it.

    python bench/eval_dev.py [--eval-dir ../shared/eval] [--keep OUT] [-- curate run options]

Runs `curate run` on ``EVAL_DIR/dev/raw`` and scores its output with the set's own
``score.py`` in three ways:

- *as written*: ``documents.jsonl`` as it is;
- *duplicates credited*: the same, plus, for every document dropped as a duplicate of a kept
  one (``provenance.duplicate_of`` in ``rejects.jsonl``), the text of the kept copy under the
  dropped copy's file name and with the dropped copy's own metadata (its ``spun`` flag). The
  set repeats some articles in several files without marking them as a duplicate group; the
  scorer then counts the copies deduplication dropped as lost articles of similarity 0.
  Credited, such a copy scores what the copy kept in its place scores, so a wrong merge of
  two different articles still shows: the kept text is then far from the dropped article's
  expected text. Copies in the groups the set does mark are left to the scorer, which judges
  each group once;
- *cleaning alone*: a second run with deduplication switched off (`CLEANING_ALONE`), so
  that every article is in the output and ``score.py``'s figures are about cleaning only.

Then curate's own figure: how often an article's last paragraph survives (the body's last
real paragraph must never be cut), compared after folding width, quotes and whitespace, so
that only a cut, not a documented conversion, counts as a loss. Prints figures; never fails
on them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parent.parent
DEFAULT_EVAL = Path(os.environ.get("CURATE_SHARED", REPO.parent / "shared")) / "eval"
# The run of the "cleaning alone" figures: no near- or exact-duplicate removal.
CLEANING_ALONE = '[dedup]\nnear = false\n[pipeline]\ndisable = ["drop_exact_duplicates"]\n'
# Corner quotes become curly ones (`[punctuation] corner_quotes`); the measure folds both.
QUOTES = str.maketrans("「」『』‘’", "“”“”“”")


def folded(text: str) -> str:
    """Text compared up to width, quote style and whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).translate(QUOTES).split())


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def credited_documents(out: Path, gold_path: Path) -> list[dict]:
    """The kept documents, and the kept copy's text for every copy dropped as its duplicate
    outside the duplicate groups the set marks."""
    marked = {entry["file"] for entry in read_jsonl(gold_path)
              if all(article.get("dup_group") for article in entry["articles"])}
    kept = read_jsonl(out / "documents.jsonl")
    by_id = {doc["id"]: doc for doc in kept}
    credited = list(kept)
    for record in read_jsonl(out / "rejects.jsonl"):
        original = by_id.get(record["provenance"].get("duplicate_of") or "")
        file = record["provenance"]["file"]
        if record["kind"] == "document" and original is not None and Path(file).name not in marked:
            credited.append({**original, "id": record["id"], "metadata": record["metadata"],
                             "provenance": {**original["provenance"], "file": file}})
    return credited


def score(eval_dir: Path, out: Path) -> dict:
    finished = subprocess.run([sys.executable, str(eval_dir / "score.py"), str(eval_dir / "dev"),
                               str(out), "--json"], check=True, capture_output=True, text=True)
    return json.loads(finished.stdout)


def last_paragraph_kept(gold_path: Path, documents: list[dict]) -> tuple[int, int]:
    """Unspun articles outside duplicate groups whose last expected paragraph is in the
    output of their file."""
    texts: dict[str, str] = defaultdict(str)
    for doc in documents:
        texts[Path(doc["provenance"]["file"]).name] += folded(doc["text"])
    kept = total = 0
    for entry in read_jsonl(gold_path):
        for article in entry["articles"]:
            paragraphs = [p for p in article["text"].split("\n") if p.strip()]
            if not paragraphs or article.get("spun") or article.get("dup_group"):
                continue
            total += 1
            kept += folded(paragraphs[-1]) in texts[entry["file"]]
    return kept, total


class Figures(NamedTuple):
    written: dict
    credited: dict
    alone: dict
    last_paragraph: tuple[int, int]  # kept, of


def clean_set(eval_dir: Path, out: Path, run_options: Sequence[str]) -> None:
    subprocess.run([sys.executable, "-m", "curate", "run", str(eval_dir / "dev" / "raw"),
                    "-o", str(out), "--quiet", *run_options], check=False)


def evaluate(eval_dir: Path, out: Path, scratch: Path,
             run_options: Sequence[str] = ()) -> Figures:
    """Clean the set into ``out`` and score it in the three ways; the last paragraphs kept
    are counted with duplicates credited."""
    gold = eval_dir / "dev" / "gold.jsonl"
    clean_set(eval_dir, out, run_options)
    credited = credited_documents(out, gold)
    credited_out = scratch / "credited"
    credited_out.mkdir()
    with (credited_out / "documents.jsonl").open("w", encoding="utf-8") as stream:
        stream.writelines(json.dumps(doc, ensure_ascii=False) + "\n" for doc in credited)
    config = scratch / "cleaning-alone.toml"
    config.write_text(CLEANING_ALONE, encoding="utf-8")
    clean_set(eval_dir, scratch / "alone", [*run_options, "--config", str(config)])
    return Figures(score(eval_dir, out), score(eval_dir, credited_out),
                   score(eval_dir, scratch / "alone"), last_paragraph_kept(gold, credited))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--keep", type=Path, help="write the cleaned output here and keep it")
    parser.add_argument("run_options", nargs="*", help="extra `curate run` options, after --")
    args = parser.parse_args()
    if not (args.eval_dir / "dev").is_dir():
        sys.exit(f"{args.eval_dir / 'dev'}: evaluation set not found (set --eval-dir or "
                 "CURATE_SHARED)")
    with tempfile.TemporaryDirectory() as scratch:
        out = args.keep or Path(scratch) / "out"
        figures = evaluate(args.eval_dir, out, Path(scratch), args.run_options)
        print(f"{'':15s} {'as written':>12s} {'duplicates credited':>20s} "
              f"{'cleaning alone':>15s}")
        for name, value in figures.written.items():
            # Crediting puts dropped copies back, so it says nothing of duplicate recall.
            credited = "" if name == "dup_recall" else figures.credited[name]
            print(f"{name:15s} {value!s:>12s} {credited!s:>20s} {figures.alone[name]!s:>15s}")
        kept, total = figures.last_paragraph
        print(f"{'last_para_kept':15s} {kept / max(1, total):.4f} ({kept} of {total} unspun "
              f"articles outside duplicate groups, duplicates credited)")


if __name__ == "__main__":
    main()
