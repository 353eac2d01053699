"""Clean the development evaluation set and score it.

    python bench/eval_dev.py [--eval-dir ../shared/eval] [--keep OUT] [-- curate run options]

Runs `curate run` on ``EVAL_DIR/dev/raw`` and scores the output twice with the set's own
``score.py``:

- *as written*: ``documents.jsonl`` as it is;
- *duplicates credited*: the same, plus, for every document dropped as a duplicate of a kept
  one (``provenance.duplicate_of`` in ``rejects.jsonl``), the text of the kept copy under the
  dropped copy's file name and with the dropped copy's own metadata (its ``spun`` flag). The
  set repeats some articles in several files without marking them as a duplicate group; the
  scorer then counts the copies deduplication dropped as lost articles of similarity 0.
  Credited, such a copy scores what the copy kept in its place scores, so a wrong merge of
  two different articles still shows: the kept text is then far from the dropped article's
  expected text. Copies in the groups the set does mark are left to the scorer, which judges
  each group once.

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

REPO = Path(__file__).resolve().parent.parent
DEFAULT_EVAL = Path(os.environ.get("CURATE_SHARED", REPO.parent / "shared")) / "eval"
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


def evaluate(eval_dir: Path, out: Path, scratch: Path,
             run_options: Sequence[str] = ()) -> tuple[dict, dict, tuple[int, int]]:
    """Clean the set into ``out``; score.py's figures as written and with duplicates
    credited, and the last paragraphs kept."""
    dev = eval_dir / "dev"
    subprocess.run([sys.executable, "-m", "curate", "run", str(dev / "raw"), "-o", str(out),
                    "--quiet", *run_options], check=False)
    credited = credited_documents(out, dev / "gold.jsonl")
    credited_out = scratch / "credited"
    credited_out.mkdir()
    with (credited_out / "documents.jsonl").open("w", encoding="utf-8") as stream:
        stream.writelines(json.dumps(doc, ensure_ascii=False) + "\n" for doc in credited)
    return (score(eval_dir, out), score(eval_dir, credited_out),
            last_paragraph_kept(dev / "gold.jsonl", credited))


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
        written, with_credit, (kept, total) = evaluate(args.eval_dir, out, Path(scratch),
                                                       args.run_options)
        print(f"{'':15s} {'as written':>12s} {'duplicates credited':>20s}")
        for name, value in written.items():
            # Crediting puts dropped copies back, so it says nothing of duplicate recall.
            other = "" if name == "dup_recall" else with_credit[name]
            print(f"{name:15s} {value!s:>12s} {other!s:>20s}")
        print(f"{'last_para_kept':15s} {kept / max(1, total):.4f} ({kept} of {total} unspun "
              f"articles outside duplicate groups, duplicates credited)")


if __name__ == "__main__":
    main()
