"""Clean the development evaluation set and score it.

    python bench/eval_dev.py [--eval-dir ../shared/eval] [--keep OUT] [-- curate run options]

Runs `curate run` on ``EVAL_DIR/dev/raw`` with the default configuration and scores
documents as written with the set's own ``score.py``. Then curate's own figure: how
often an article's last paragraph survives (the body's last real paragraph must never be
cut), compared after folding width, quotes and whitespace, so that only a cut, not a
documented conversion, counts as a loss. Prints figures; never fails on them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from curate.storage import CorpusReader

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


def score_unspun(eval_dir: Path, documents: list[dict], scratch: Path) -> dict:
    """score.py's figures on the files without a spun article: the set and the output
    restricted to them. Restoration puts a spun word back only when it is nearly sure, so a
    spun article keeps much of its spinner's wording, which score.py counts as lost body."""
    spun = {entry["file"] for entry in read_jsonl(eval_dir / "dev" / "gold.jsonl")
            if any(article.get("spun") for article in entry["articles"])}
    restricted = scratch / "eval-unspun"
    (restricted / "dev").mkdir(parents=True, exist_ok=True)
    shutil.copy(eval_dir / "score.py", restricted / "score.py")
    raw = restricted / "dev" / "raw"
    if not raw.exists():
        raw.symlink_to((eval_dir / "dev" / "raw").resolve())
    with (eval_dir / "dev" / "gold.jsonl").open(encoding="utf-8") as source, \
            (restricted / "dev" / "gold.jsonl").open("w", encoding="utf-8") as gold:
        gold.writelines(line for line in source
                        if line.strip() and json.loads(line)["file"] not in spun)
    out = scratch / "out-unspun"
    out.mkdir(exist_ok=True)
    with (out / "documents.jsonl").open("w", encoding="utf-8") as stream:
        stream.writelines(json.dumps(doc, ensure_ascii=False) + "\n" for doc in documents
                          if Path(doc["provenance"]["file"]).name not in spun)
    return score(restricted, out)


class Figures(NamedTuple):
    scored: dict  # score.py's figures on the output as written
    last_paragraph: tuple[int, int]  # kept, of
    unspun: dict  # score.py's figures on the files without a spun article


def evaluate(eval_dir: Path, out: Path, run_options: Sequence[str] = ()) -> Figures:
    """Clean the set into ``out`` and score the output as written."""
    subprocess.run([sys.executable, "-m", "curate", "run", str(eval_dir / "dev" / "raw"),
                    "-o", str(out), "--quiet", *run_options], check=False)
    documents = list(CorpusReader(out).records("documents"))
    return Figures(score(eval_dir, out),
                   last_paragraph_kept(eval_dir / "dev" / "gold.jsonl", documents),
                   score_unspun(eval_dir, documents, out.parent))


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
        figures = evaluate(args.eval_dir, args.keep or Path(scratch) / "out", args.run_options)
    for name, value in figures.scored.items():
        print(f"{name:15s} {value!s:>10s}")
    print("files without a spun article:")
    for name in ("articles", "similarity", "exact", "body_lost", "dup_recall", "lost_docs"):
        print(f"  {name:13s} {figures.unspun[name]!s:>10s}")
    kept, total = figures.last_paragraph
    print(f"{'last_para_kept':15s} {kept / max(1, total):10.4f} ({kept} of {total} unspun "
          "articles outside duplicate groups)")


if __name__ == "__main__":
    main()
