"""Does a run cost the same whatever the size of the corpus it adds to?

    python bench/incremental.py                          # corpora of 0, 100,000 and 300,000
    python bench/incremental.py --sizes 0,1000000        # a million (~10 minutes to build)

For each size it builds a synthetic corpus folder in a temporary folder, then times one
``curate run --workers 1`` of the same 1,000 new articles into it, and prints the
CPU-seconds of that run (user + system of the child process) and their ratio to the run into
an empty folder, measured in the same invocation.

The synthetic corpus is written in the format a run writes, with the same code: shards of
gzipped JSONL records with their lookups (`curate.storage.ShardWriter`), a manifest listing
them, and the near-duplicate index of documents and passages holding the MinHash signatures
of the texts. Its documents are one paragraph of 120 characters drawn at random from the
characters of the committed corpus (so they are neither near-duplicates of each other nor of
the new articles). The new articles are six sentences each drawn from the committed corpus's
texts, each followed by a clause of random characters (`new_dump`). Prints figures; asserts
nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from curate import __version__  # noqa: E402
from curate.dedup.minhash import shingles  # noqa: E402
from curate.dedup.near import PASSAGE_SEPARATOR, NearDuplicateFilter  # noqa: E402
from curate.io.writers import json_line  # noqa: E402
from curate.storage import DOCUMENTS, MANIFEST, CorpusReader, ShardWriter, make_folders  # noqa: E402

ENVIRONMENT = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
NEW_ARTICLES = 1000
CHARS_PER_DOCUMENT = 120
BATCH = 10_000


def committed_texts() -> list[str]:
    return [record["text"] for record in CorpusReader(REPO / "corpus").records(DOCUMENTS)]


def new_dump(path: Path, texts: list[str], alphabet: list[str], seed: int) -> None:
    """``NEW_ARTICLES`` JSONL records of six paragraphs: a sentence of the committed corpus
    and a clause of 60 random characters, so that no two paragraphs are near-duplicates and
    the articles are kept, not cut as repeated passages."""
    pool = [p for text in texts for p in text.split("\n")
            if len(p) >= 60 and p.endswith("。") and "…" not in p]
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as stream:
        for number in range(NEW_ARTICLES):
            text = "\n".join(sentence + "".join(rng.choices(alphabet, k=60)) + "。"
                             for sentence in rng.sample(pool, 6))
            stream.write(json.dumps({"text": text, "title": f"第{number}篇"},
                                    ensure_ascii=False) + "\n")


def synthetic_record(doc_id: str, text: str) -> dict:
    """A kept document as `curate.io.writers.document_record` writes one."""
    return {
        "id": doc_id, "text": text, "source": "synthetic", "added": "2026-01-01T00:00:00Z",
        "created": None,
        "metadata": {"title": None, "site": None, "author": None, "url": None, "lang": "zh",
                     "flags": [], "spin_score": None},
        "provenance": {"file": f"synthetic/{doc_id}.txt", "sha256": "0" * 64,
                       "encoding": "utf-8", "part": 0, "lines": [1, 1],
                       "pipeline": __version__, "rules": "0" * 64, "edits": [],
                       "duplicate_of": None},
    }


def build_corpus(folder: Path, size: int, alphabet: list[str], seed: int) -> float:
    """A corpus folder of ``size`` synthetic documents; the seconds it took to build."""
    start = time.monotonic()
    folder.mkdir(parents=True)
    if size == 0:
        return 0.0
    make_folders(folder)
    rng = np.random.default_rng(seed)
    writer = ShardWriter(folder, DOCUMENTS, first=0, run=0)
    near = NearDuplicateFilter(folder / ".index")
    try:
        for first in range(0, size, BATCH):
            count = min(BATCH, size - first)
            letters = rng.integers(0, len(alphabet), size=(count, CHARS_PER_DOCUMENT))
            ids = [f"{n:024x}" for n in range(first, first + count)]
            texts = ["".join(alphabet[i] for i in row) for row in letters.tolist()]
            for doc_id, text in zip(ids, texts, strict=True):
                writer.write(doc_id, json_line(synthetic_record(doc_id, text)))
            signatures = near.hasher.signatures([shingles(text) for text in texts])
            near.documents.add_many(ids, signatures)
            # One paragraph of 120 characters: a passage of its own, as a run indexes it.
            near.passages.add_many([f"{i}{PASSAGE_SEPARATOR}0" for i in ids], signatures)
            near.commit()
        staged = writer.finish()
        for shard in staged:
            shard.publish()
        manifest = {
            "curate": __version__, "created": "2026-01-01T00:00:00Z", "source": "synthetic",
            "counts": {"kept": size, "corpus_documents": size},
            "shards": {DOCUMENTS: [s.shard.to_json() for s in staged], "rejects": []},
            "index": {"documents": size, "corpus_documents": size},
            "runs": [{"created": "2026-01-01T00:00:00Z", "curate": __version__,
                      "source": "synthetic", "inputs": [], "counts": {"kept": size}}],
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    finally:
        near.close()
    return time.monotonic() - start


def timed_run(dump: Path, folder: Path) -> tuple[float, str]:
    """CPU-seconds (user + system) of one ``curate run`` of ``dump`` into ``folder``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run([sys.executable, "-m", "curate", "run", str(dump), "-o",
                             str(folder), "--workers", "1"],
                            env=ENVIRONMENT, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    said = [line for line in (result.stdout + result.stderr).splitlines() if " kept, " in line]
    return cpu, said[0] if said else f"exit code {result.returncode}: {result.stderr[-300:]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0,100000,300000",
                        help="corpus sizes to add to, comma-separated (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    texts = committed_texts()
    alphabet = sorted({ch for text in texts for ch in text if "\u4e00" <= ch <= "\u9fff"})
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / "new.jsonl"
        new_dump(dump, texts, alphabet, args.seed)
        print(f"{NEW_ARTICLES:,} new articles ({dump.stat().st_size / 1e6:.1f} MB), "
              "one `curate run --workers 1` each:")
        print(f"{'corpus documents':>17} {'build s':>8} {'run CPU-s':>10} {'ratio':>6}  run said")
        baseline = None
        for size in sizes:
            folder = Path(work) / f"corpus-{size}"
            built = build_corpus(folder, size, alphabet, args.seed)
            cpu, said = timed_run(dump, folder)
            baseline = cpu if baseline is None else baseline
            print(f"{size:>17,} {built:>8.1f} {cpu:>10.2f} {cpu / baseline:>6.2f}  {said}")
            subprocess.run(["rm", "-rf", str(folder)], check=True)


if __name__ == "__main__":
    main()
