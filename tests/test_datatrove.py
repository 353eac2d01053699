"""The corpus folder as datatrove reads it: its `JsonlReader` pointed at ``documents/`` (or at
the folder with the documents' glob) gives every kept document with its text and id, in the
corpus's order, and none of the rejects, which it reads apart from ``rejects/``."""

from __future__ import annotations

import pytest

from tests.fixtures import SEEDS, corpus_records
from tests.test_workers import run_cli

readers = pytest.importorskip("datatrove.pipeline.readers")
pytest.importorskip("orjson")  # what datatrove's JsonlReader parses lines with


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The seeds' corpus, as `curate run seeds` writes it."""
    out = tmp_path_factory.mktemp("datatrove") / "corpus"
    assert run_cli("run", str(SEEDS), "-o", str(out), "--quiet").exit_code == 0
    return out


def read(folder, **options) -> list:
    return list(readers.JsonlReader(str(folder), **options).run())


def test_the_documents_folder_reads_as_the_corpus_documents_with_text_and_id(corpus):
    expected = corpus_records(corpus)
    documents = read(corpus / "documents")
    assert [(d.id, d.text) for d in documents] == [(r["id"], r["text"]) for r in expected]
    first = documents[0]
    assert first.text.startswith("在这个持续降温的10月，A股半导体板块久违地回暖了。")
    assert first.metadata["source"] == "seeds"
    assert first.metadata["created"] == expected[0]["created"]
    assert first.metadata["provenance"]["file"] == expected[0]["provenance"]["file"]


def test_the_corpus_folder_with_the_documents_glob_mixes_in_no_reject(corpus):
    documents = read(corpus, glob_pattern="documents/*.jsonl.gz")
    assert [d.id for d in documents] == [r["id"] for r in corpus_records(corpus)]
    assert not any("kind" in d.metadata for d in documents)


def test_the_rejects_read_apart_each_with_its_kind_and_reason(corpus):
    expected = corpus_records(corpus, "rejects")
    rejects = read(corpus / "rejects")
    assert len(rejects) == len(expected) > 0
    assert [(r.id, r.text) for r in rejects if r.metadata["kind"] == "document"] == [
        (r["id"], r["text"]) for r in expected if r["kind"] == "document"]
    assert {r.metadata["kind"] for r in rejects} <= {"document", "span"}
    assert all("step" in r.metadata["reason"] for r in rejects)
