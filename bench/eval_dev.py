"""Clean the development evaluation set and score it.

    python bench/eval_dev.py [--eval-dir ../shared/eval] [--keep OUT] [-- curate run options]

Runs `curate run` on ``EVAL_DIR/dev/raw``, then the set's own ``score.py``, then two figures
of curate's own: how often the last paragraph of an article survives (the body's last
real paragraph must never be cut) and how often a planted junk line was cut on its own
line (rather than, say, left in and counted by luck). Prints figures; never fails on them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_EVAL = Path(os.environ.get("CURATE_SHARED", REPO.parent / "shared")) / "eval"


def squash(text: str) -> str:
    return "".join(text.split())


def last_paragraph_kept(gold_path: Path, out: Path) -> tuple[int, int]:
    """Articles whose last gold paragraph appears in the output of their file."""
    texts: dict[str, str] = defaultdict(str)
    for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        texts[Path(doc["provenance"]["file"]).name] += squash(doc["text"])
    kept = total = 0
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        for article in entry["articles"]:
            paragraphs = [p for p in article["text"].split("\n") if p.strip()]
            if not paragraphs or article.get("spun") or article.get("dup_group"):
                continue
            total += 1
            kept += squash(paragraphs[-1]) in texts[entry["file"]]
    return kept, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--keep", type=Path, help="write the cleaned output here and keep it")
    parser.add_argument("run_options", nargs="*", help="extra `curate run` options, after --")
    args = parser.parse_args()
    dev = args.eval_dir / "dev"
    if not dev.is_dir():
        sys.exit(f"{dev}: evaluation set not found (set --eval-dir or CURATE_SHARED)")
    with tempfile.TemporaryDirectory() as scratch:
        out = args.keep or Path(scratch) / "out"
        subprocess.run([sys.executable, "-m", "curate", "run", str(dev / "raw"), "-o", str(out),
                        "--quiet", *args.run_options], check=False)
        subprocess.run([sys.executable, str(args.eval_dir / "score.py"), str(dev), str(out)],
                       check=True)
        kept, total = last_paragraph_kept(dev / "gold.jsonl", out)
        print(f"{'last_para_kept':15s} {kept / max(1, total):.4f} ({kept} of {total} unspun "
              f"articles outside duplicate groups)")


if __name__ == "__main__":
    main()
