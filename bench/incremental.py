"""Does a run cost the same whatever the size of the corpus it adds to?

    python bench/incremental.py                        # 30,000 documents, 3 repetitions
    python bench/incremental.py --size 1000000 --repeats 5

It builds two corpus folders in a temporary folder, an empty one and a synthetic one of
``--size`` documents, then times ``curate run --workers 1`` of 1,000 new articles into each,
``--repeats`` times, interleaved (empty, big, empty, big ...) so that the load of the machine
falls on both alike. Each repetition has its own 1,000 articles, run into a new empty folder
and into the big one (which grows by them: 1,000 of a million is nothing). It prints the
CPU-seconds of each run (user + system of the child process), their sums, and the ratio of
the big corpus's to the empty one's.

The synthetic corpus is written in the format a run writes, through the project's own
writers, without cleaning a million documents (that would take hours): shards of gzipped
JSONL records with their lookups (`curate.storage.ShardWriter`), a manifest listing them,
and the near-duplicate index (`curate.dedup.index.DedupIndex`) of its documents and of their
passages. Its documents are one paragraph of 120 characters drawn at random from the
characters of the committed corpus; their signatures in the index are drawn at random too
(computing MinHash of a million texts would triple the build; random characters have no
3-gram in common, so their true signatures are as unrelated as random ones, and fall in
buckets as random ones do). The new articles are six sentences each drawn from the committed
corpus's texts, each followed by a clause of random characters (`new_dump`), so that they are
kept, and are neither near-duplicates of each other nor of the corpus. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from curate import __version__  # noqa: E402
from curate.dedup.near import PASSAGE_SEPARATOR, NearDuplicateFilter  # noqa: E402
from curate.io.writers import json_line  # noqa: E402
from curate.storage import DOCUMENTS, MANIFEST, REJECTS, CorpusReader, ShardWriter, make_folders  # noqa: E402

ENVIRONMENT = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
NEW_ARTICLES = 1000
CHARS_PER_DOCUMENT = 120
# Documents generated, written and indexed together while building (one index commit each).
BATCH = 50_000
_ID, _TEXT = "@ID@", "@TEXT@"


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


def random_texts(rng: np.random.Generator, letters: np.ndarray, count: int) -> list[str]:
    """``count`` texts of `CHARS_PER_DOCUMENT` characters drawn from ``letters``."""
    drawn = letters[rng.integers(0, len(letters), size=(count, CHARS_PER_DOCUMENT))]
    return np.ascontiguousarray(drawn).view(f"<U{CHARS_PER_DOCUMENT}").ravel().tolist()


def build_corpus(folder: Path, size: int, alphabet: list[str], seed: int) -> float:
    """A corpus folder of ``size`` synthetic documents; the CPU-seconds it took to build."""
    start = time.process_time()
    folder.mkdir(parents=True)
    if size == 0:
        return 0.0
    make_folders(folder)
    rng = np.random.default_rng(seed)
    letters = np.array(alphabet, dtype="<U1")
    # Every record has the same fields: json_line once, then the id and text put in.
    template = json_line(synthetic_record(_ID, _TEXT))
    writer = ShardWriter(folder, DOCUMENTS, first=0, run=0)
    near = NearDuplicateFilter(folder / ".index")
    try:
        for first in range(0, size, BATCH):
            count = min(BATCH, size - first)
            ids = [f"{n:024x}" for n in range(first, first + count)]
            for doc_id, text in zip(ids, random_texts(rng, letters, count), strict=True):
                writer.write(doc_id, template.replace(_ID, doc_id).replace(_TEXT, text))
            signatures = rng.integers(0, 2**32, size=(count, near.hasher.num_perm),
                                      dtype=np.uint32)
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
            "shards": {DOCUMENTS: [s.shard.to_json() for s in staged], REJECTS: []},
            "index": {"documents": size, "corpus_documents": size},
            "runs": [{"created": "2026-01-01T00:00:00Z", "curate": __version__,
                      "source": "synthetic", "inputs": [], "counts": {"kept": size}}],
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    finally:
        near.close()
    return time.process_time() - start


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
    parser.add_argument("--size", type=int, default=30_000,
                        help="documents of the big corpus (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs into each corpus, interleaved (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    texts = committed_texts()
    alphabet = sorted({ch for text in texts for ch in text if "\u4e00" <= ch <= "\u9fff"})
    with tempfile.TemporaryDirectory() as work:
        big = Path(work) / "corpus-big"
        built = build_corpus(big, args.size, alphabet, args.seed)
        print(f"load average {os.getloadavg()[0]:.1f}; corpus of {args.size:,} synthetic "
              f"documents built in {built:.1f} CPU-s")
        print(f"{NEW_ARTICLES:,} new articles a repetition, one `curate run --workers 1` "
              "into each corpus:")
        print(f"{'repetition':>10} {'empty CPU-s':>12} {f'{args.size:,} CPU-s':>14} "
              f"{'ratio':>6}  load  run said (big corpus)")
        totals = [0.0, 0.0]
        for repetition in range(args.repeats):
            dump = Path(work) / f"new-{repetition}.jsonl"
            new_dump(dump, texts, alphabet, args.seed + repetition)
            empty = Path(work) / f"corpus-empty-{repetition}"
            empty.mkdir()
            into_empty, _ = timed_run(dump, empty)
            into_big, said = timed_run(dump, big)
            shutil.rmtree(empty)
            totals[0] += into_empty
            totals[1] += into_big
            print(f"{repetition + 1:>10} {into_empty:>12.2f} {into_big:>14.2f} "
                  f"{into_big / into_empty:>6.2f}  {os.getloadavg()[0]:4.1f}  {said}")
        print(f"{'all':>10} {totals[0]:>12.2f} {totals[1]:>14.2f} "
              f"{totals[1] / totals[0]:>6.2f}")


if __name__ == "__main__":
    main()
