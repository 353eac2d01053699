"""A line recurring across a dump's documents is template; its counts stay with the corpus."""

import json
from pathlib import Path

from curate.clean.repetition import COUNTS_FILE, line_key, read_counts
from curate.rules import Rules
from curate.run import run
from tests.fixtures import corpus_records, seed_text

# A blog platform's trackback notice under every post (CWCED gold set, page ab65832c, MIT).
TRACKBACK = "你可以使用这个链接引用该篇文章 http://publishblog.blogchina.com/blog/tb.b?diaryID=2756656"


def seed_paragraphs() -> list[str]:
    """Long body paragraphs of the seeds, one article of a test dump each."""
    lines = [line for prefix in ("000", "002", "003") for line in seed_text(prefix).split("\n")]
    return [line for line in lines if len(line) >= 80 and "。" in line]


def write_dump(folder: Path, bodies: list[str], footer: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number, body in enumerate(bodies):
        (folder / f"{number:03d}.txt").write_text(f"{body}\n{footer}\n", encoding="utf-8")
    return folder


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run_dump(dump: Path, out: Path) -> list[dict]:
    run([str(dump)], out, rules=Rules(), config={"dedup": {"near": False}})
    return corpus_records(out)


def repeated_edits(doc: dict) -> list[dict]:
    return [e for e in doc["provenance"]["edits"] if e["rule"] == "repeated-line"]


def test_line_in_every_document_of_the_dump_is_removed_with_its_count(tmp_path):
    bodies = seed_paragraphs()[:5]
    documents = run_dump(write_dump(tmp_path / "dump", bodies, TRACKBACK), tmp_path / "out")
    assert sorted(doc["text"] for doc in documents) == sorted(bodies)
    for doc in documents:
        (edit,) = repeated_edits(doc)
        assert edit["text"] == TRACKBACK
        assert edit["why"] == "repeated in 5 documents of this dump and the corpus"


def test_counts_kept_with_the_corpus_serve_the_next_run(tmp_path):
    paragraphs = seed_paragraphs()
    out = tmp_path / "out"
    run_dump(write_dump(tmp_path / "first", paragraphs[:5], TRACKBACK), out)
    assert read_counts(out)[line_key(TRACKBACK)] == 5
    # One new page of the same site: alone in its run, its footer is known from the corpus.
    documents = run_dump(write_dump(tmp_path / "second", paragraphs[5:6], TRACKBACK), out)
    (new,) = [doc for doc in documents if "second" in doc["provenance"]["file"]]
    assert repeated_edits(new)[0]["why"] == "repeated in 6 documents of this dump and the corpus"
    assert read_counts(out)[line_key(TRACKBACK)] == 5  # a line of one run's document waits


def test_line_in_three_documents_is_not_yet_a_template(tmp_path):
    documents = run_dump(write_dump(tmp_path / "dump", seed_paragraphs()[:3], TRACKBACK),
                         tmp_path / "out")
    assert all(doc["text"].endswith(TRACKBACK) for doc in documents)


def test_copies_of_one_article_are_left_to_deduplication(tmp_path):
    body = seed_paragraphs()[0]
    documents = run_dump(write_dump(tmp_path / "dump", [body] * 5, TRACKBACK), tmp_path / "out")
    assert documents and all(repeated_edits(doc) == [] for doc in documents)


def test_fresh_run_forgets_the_counts(tmp_path):
    out = tmp_path / "out"
    run_dump(write_dump(tmp_path / "dump", seed_paragraphs()[:5], TRACKBACK), out)
    assert (out / COUNTS_FILE).is_file()
    run([str(tmp_path / "dump")], out, rules=Rules(), config={"dedup": {"near": False}},
        fresh=True)
    assert read_counts(out)[line_key(TRACKBACK)] == 5
