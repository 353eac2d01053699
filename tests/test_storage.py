"""The corpus folder's storage: gzipped JSONL shards a run appends and never rewrites, listed
by the manifest, read by id through their lookups, and the single-file layout of earlier
versions moved into shards by the next run."""

import gzip
import json
import shutil
from pathlib import Path

import pytest

from curate.document import Edit
from curate.io.writers import edit_records, whole_edits
from curate.rules import Rules
from curate.run import run
from curate.storage import (
    DOCUMENTS,
    MANIFEST,
    REJECTS,
    SINGLE_FILES,
    CorpusReader,
    shard_name,
)
from tests.fixtures import SEEDS, corpus_records

EPOCH = "1767225600"
# The steps that cost least: what is tested is the storage, not the cleaning.
FAST = {"pipeline": {"steps": ["drop_empty", "drop_exact_duplicates"]}}


def seed_folder(tmp_path: Path, name: str, prefixes: list[str]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for prefix in prefixes:
        (path,) = SEEDS.glob(f"{prefix}_*.txt")
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture()
def epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def test_a_second_run_adds_shards_and_leaves_the_first_runs_untouched(tmp_path, epoch):
    out = tmp_path / "corpus"
    run([str(seed_folder(tmp_path, "first", ["000", "001"]))], out, rules=Rules(), config=FAST)
    first = out / shard_name(DOCUMENTS, 0)
    before = (first.read_bytes(), first.stat().st_mtime_ns)
    run([str(seed_folder(tmp_path, "second", ["002", "003"]))], out, rules=Rules(),
        config=FAST)
    assert (first.read_bytes(), first.stat().st_mtime_ns) == before
    shards = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["shards"]
    assert [(s["file"], s["records"], s["run"]) for s in shards[DOCUMENTS]] == [
        ("documents/part-00000.jsonl.gz", 2, 0), ("documents/part-00001.jsonl.gz", 2, 1)]
    assert [s["file"] for s in shards[REJECTS]] == ["rejects/rejects-00000.jsonl.gz",
                                                    "rejects/rejects-00001.jsonl.gz"]
    import hashlib
    assert all(hashlib.sha256((out / s["file"]).read_bytes()).hexdigest() == s["sha256"]
               for kind in (DOCUMENTS, REJECTS) for s in shards[kind])
    reader = CorpusReader(out)
    assert reader.count(DOCUMENTS) == 4
    texts = {record["id"]: record["text"] for record in reader.records(DOCUMENTS)}
    assert {doc_id: reader.text(doc_id) for doc_id in texts} == texts
    assert reader.text("no-such-document") is None


def test_a_shard_closes_at_its_record_bound_and_the_shards_read_as_one(tmp_path, epoch):
    whole, split = tmp_path / "whole", tmp_path / "split"
    run([str(SEEDS)], whole, rules=Rules(), config=FAST)
    run([str(SEEDS)], split, rules=Rules(), config={**FAST, "corpus": {"shard_records": 3}})
    # Five seed files, five documents when nothing splits them: shards of 3 and 2.
    assert [s.records for s in CorpusReader(split).shards(DOCUMENTS)] == [3, 2]
    joined = b"".join(gzip.decompress(p.read_bytes()) for p in CorpusReader(split).paths(DOCUMENTS))
    assert joined == gzip.decompress((whole / shard_name(DOCUMENTS, 0)).read_bytes())
    reader = CorpusReader(split)
    for record in corpus_records(whole):
        assert reader.text(record["id"]) == record["text"]


def test_shards_are_gzip_with_no_time_or_name_in_their_headers(tmp_path, epoch):
    run([str(seed_folder(tmp_path, "dump", ["000"]))], tmp_path / "out", rules=Rules(),
        config=FAST)
    data = (tmp_path / "out" / shard_name(DOCUMENTS, 0)).read_bytes()
    assert data[:10] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no flags, mtime 0
    assert json.loads(gzip.decompress(data))["provenance"]["file"].endswith(
        "000_1e4f08b3863a416c.txt")


def test_a_corpus_of_the_single_file_layout_is_read_and_moved_into_shards(tmp_path, epoch):
    dump = seed_folder(tmp_path, "dump", ["000", "001", "002"])
    sharded = tmp_path / "sharded"
    run([str(dump)], sharded, rules=Rules(), config=FAST)
    single = tmp_path / "single"  # the same corpus as an earlier version wrote it
    single.mkdir()
    for kind in (DOCUMENTS, REJECTS):
        (single / SINGLE_FILES[kind]).write_bytes(
            gzip.decompress((sharded / shard_name(kind, 0)).read_bytes()))
    manifest = json.loads((sharded / MANIFEST).read_text(encoding="utf-8"))
    del manifest["shards"], manifest["index"]
    (single / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    shutil.copytree(sharded / ".index", single / ".index")
    assert corpus_records(single) == corpus_records(sharded)
    result = run([str(dump)], single, rules=Rules(), config=FAST)
    assert result.notices == [f"{single}: documents.jsonl, rejects.jsonl of the single-file "
                              "layout moved into documents/ and rejects/ shards of gzipped JSONL"]
    assert not any((single / name).exists() for name in SINGLE_FILES.values())
    for kind in (DOCUMENTS, REJECTS):
        assert (single / shard_name(kind, 0)).read_bytes() == \
            (sharded / shard_name(kind, 0)).read_bytes()
    assert result.total("already_in_corpus") == 3
    assert CorpusReader(single).text(corpus_records(sharded)[0]["id"]) == \
        corpus_records(sharded)[0]["text"]


def test_a_why_repeated_by_the_same_rule_is_written_once_and_all_is_read_back_whole():
    line = "補(bǔ)位英偉達(dá)!國產(chǎn)AI芯片"
    edits = [Edit("strip_glued_pinyin", "glued-pinyin", "remove", "(bǔ)", 1,
                  why="pinyin glued to the characters it spells"),
             Edit("strip_glued_pinyin", "glued-pinyin", "remove", "(dá)", 1,
                  why="pinyin glued to the characters it spells"),
             Edit("convert_to_simplified", "t2s", "replace", line, 1, replacement="补位英伟达"),
             Edit("strip_glued_pinyin", "glued-pinyin", "remove", "(chǎn)", 1),
             Edit("restore_spin", "spin-candidate", "flag", "音讯", 2, confidence=1.0,
                  alternatives=(("消息", 1.0), ("keep", 0.0)))]
    written = edit_records(edits)
    assert ["why" in record for record in written] == [True, False, False, True, False]
    assert written[3]["why"] is None
    assert written[4]["alternatives"] == [{"w": "消息", "p": 1.0}, {"w": "keep", "p": 0.0}]
    assert whole_edits(json.loads(json.dumps(written))) == [
        {**edit.to_json(), **({"why": None} if edit.why is None and n == 3 else {})}
        for n, edit in enumerate(edits)]


def test_members_compressed_by_the_writers_thread_are_read_back_and_found_by_their_offsets(
        tmp_path, monkeypatch):
    import numpy as np

    from curate import storage

    monkeypatch.setattr(storage, "MEMBER_BYTES", 2048)  # a member every few seed lines
    lines = [json.dumps({"id": f"seed-{n}", "text": line}, ensure_ascii=False) + "\n"
             for n, line in enumerate(line for seed in sorted(SEEDS.glob("*.txt"))
                                      for line in seed.read_text(encoding="utf-8").splitlines()
                                      if line.strip())]
    writer = storage.ShardWriter(tmp_path, DOCUMENTS, 0, 0, shard_records=len(lines) // 2 + 1)
    where = [writer.write(f"seed-{n}", line) for n, line in enumerate(lines)]
    # read back while the second shard is open: members written by the thread and in memory
    records = [json.loads(line) for line in lines]
    assert [json.loads(writer.read(*at)) for at in where] == records
    staged = writer.finish()
    assert [json.loads(writer.read(*at)) for at in where] == records
    assert len(staged) == 2
    for shard, part in zip(staged, (lines[:len(lines) // 2 + 1], lines[len(lines) // 2 + 1:]),
                           strict=True):
        data = shard.temporary.read_bytes()
        assert gzip.decompress(data).decode() == "".join(part)
        members, member, size = [], [], 0  # the members the writer cut, compressed here
        for line in part:
            member.append(line.encode())
            size += len(line.encode())
            if size >= storage.MEMBER_BYTES:
                members.append(member)
                member, size = [], 0
        members += [member] if member else []
        assert data == b"".join(storage._compress(b"".join(m)) for m in members)
        values = np.fromfile(shard.lookup_temporary, dtype="<u8")[shard.shard.records:]
        starts = {int(value) >> storage._LINE_BITS for value in values}
        with shard.temporary.open("rb") as stream:
            assert sorted(len(storage._member_lines(stream, start)) for start in starts) == \
                sorted(len(m) for m in members)
    writer.discard()
