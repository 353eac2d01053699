"""The on-disk LSH index: candidates, persistence, parameters, and what a crash keeps."""

import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from curate.dedup import index as index_module
from curate.dedup.index import DedupIndex, IndexLockedError, IndexParameterError, IndexParams
from curate.dedup.minhash import SHINGLE_SIZE, MinHasher, shingles

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def without_paragraph(text: str, index: int) -> str:
    paragraphs = text.split("\n\n")
    return "\n\n".join(paragraphs[:index] + paragraphs[index + 1 :])


@pytest.fixture(scope="module")
def seeds() -> dict[str, np.ndarray]:
    """Signatures of the seeds by file stem, and of a copy of seed 002 missing a paragraph."""
    paths = sorted(SEEDS.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    names = [p.stem for p in paths]
    texts.append(without_paragraph(texts[2], 8))
    names.append("002-copy")
    return dict(zip(names, MinHasher().signatures([shingles(t) for t in texts]), strict=True))


def stack(seeds: dict[str, np.ndarray], *names: str) -> np.ndarray:
    return np.stack([seeds[n] for n in names])


def originals(seeds):
    return [n for n in seeds if not n.endswith("copy")]


def test_near_duplicate_finds_its_original_and_an_unrelated_article_finds_nothing(tmp_path, seeds):
    with DedupIndex.open(tmp_path / ".index") as index:
        index.add_many(["002_55e01951235b3562", "004_ff3c2cd626ef0b70"],
                       stack(seeds, "002_55e01951235b3562", "004_ff3c2cd626ef0b70"))
        assert index.query(seeds["002-copy"]) == ["002_55e01951235b3562"]
        assert index.query(seeds["000_1e4f08b3863a416c"]) == []
        ((found, similarity),) = index.similar_many(stack(seeds, "002-copy"))[0]
        assert found == "002_55e01951235b3562" and similarity > 0.85


def test_documents_and_candidates_survive_close_and_reopen(tmp_path, seeds):
    names = originals(seeds)
    with DedupIndex.open(tmp_path / ".index") as index:
        assert index.add_many(names, stack(seeds, *names)) == 5
    index = DedupIndex.open(tmp_path / ".index", create=False)
    assert len(index) == 5 and all(name in index for name in names)
    assert index.query_many(stack(seeds, *names)) == [[name] for name in names]
    assert index.query(seeds["002-copy"]) == ["002_55e01951235b3562"]
    index.close()


def test_opening_with_other_parameters_is_refused_naming_the_folder_and_parameters(tmp_path):
    DedupIndex.open(tmp_path / ".index", IndexParams(threshold=0.8)).close()
    with pytest.raises(IndexParameterError) as refused:
        DedupIndex.open(tmp_path / ".index", IndexParams(threshold=0.7, seed=2))
    message = str(refused.value)
    assert str(tmp_path / ".index") in message
    assert "threshold=0.8 (asked for 0.7)" in message
    assert "seed=1 (asked for 2)" in message
    assert "bands=14 (asked for 20)" in message
    DedupIndex.open(tmp_path / ".index", IndexParams(threshold=0.8)).close()  # the folder is free


def test_parameters_are_recorded_in_the_folder(tmp_path):
    DedupIndex.open(tmp_path / ".index").close()
    meta = json.loads((tmp_path / ".index" / "meta.json").read_text())
    assert meta["num_perm"] == 128 and meta["seed"] == 1 and meta["ngram"] == SHINGLE_SIZE
    assert (meta["threshold"], meta["bands"], meta["rows"]) == (0.8, 14, 9)
    assert meta["shingle_hash"] and meta["band_hash"] and meta["scheme"] == "affine32"


def test_opening_a_missing_index_without_create_says_where_it_looked(tmp_path):
    with pytest.raises(FileNotFoundError, match="no dedup index here"):
        DedupIndex.open(tmp_path / "nowhere", create=False)


def test_adding_an_indexed_id_again_is_a_no_op(tmp_path, seeds):
    folder = tmp_path / ".index"
    with DedupIndex.open(folder) as index:
        assert index.add("002_55e01951235b3562", seeds["002_55e01951235b3562"])
        assert not index.add("002_55e01951235b3562", seeds["004_ff3c2cd626ef0b70"])
        assert index.add_many(["a", "a", "b"], stack(seeds, "002-copy", "002-copy", "002-copy")) == 2
    with DedupIndex.open(folder) as index:
        assert not index.add("002_55e01951235b3562", seeds["000_1e4f08b3863a416c"])
        assert len(index) == 3
        assert index.query(seeds["004_ff3c2cd626ef0b70"]) == []


def test_additions_not_committed_vanish_when_closed_without_commit(tmp_path, seeds):
    folder = tmp_path / ".index"
    index = DedupIndex.open(folder)
    index.add("000_1e4f08b3863a416c", seeds["000_1e4f08b3863a416c"])
    index.commit()
    index.add("002_55e01951235b3562", seeds["002_55e01951235b3562"])
    assert "002_55e01951235b3562" in index
    index.close()
    with DedupIndex.open(folder) as index:
        assert len(index) == 1 and "002_55e01951235b3562" not in index
        assert index.query(seeds["002-copy"]) == []
        index.add("004_ff3c2cd626ef0b70", seeds["004_ff3c2cd626ef0b70"])  # writes over the rest
    with DedupIndex.open(folder) as index:
        assert index.query_many(stack(seeds, "000_1e4f08b3863a416c", "004_ff3c2cd626ef0b70")) == [
            ["000_1e4f08b3863a416c"], ["004_ff3c2cd626ef0b70"]]


def test_a_killed_process_keeps_what_it_committed_and_loses_the_rest(tmp_path, seeds):
    folder = tmp_path / ".index"
    np.save(tmp_path / "signatures.npy", stack(seeds, *originals(seeds)))
    writer = textwrap.dedent(f"""
        import sys, time, numpy as np
        from curate.dedup.index import DedupIndex
        signatures = np.load({str(tmp_path / "signatures.npy")!r})
        index = DedupIndex.open({str(folder)!r})
        index.add_many(["first", "second"], signatures[:2])
        index.commit()
        index.add_many(["third", "fourth"], signatures[2:4])
        print("ready", flush=True)
        time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        with pytest.raises(IndexLockedError, match="open in another process"):
            DedupIndex.open(folder)
    finally:
        child.kill()
        child.wait()
    with DedupIndex.open(folder) as index:
        assert len(index) == 2 and "first" in index and "third" not in index
        assert index.query(seeds["002_55e01951235b3562"]) == []
        assert index.query(seeds["001_7bb677d60489d672"]) == ["second"]
        index.add("third", seeds["002_55e01951235b3562"])
    with DedupIndex.open(folder) as index:
        assert index.query(seeds["002-copy"]) == ["third"]


def test_a_commit_interrupted_before_the_manifest_is_replaced_changes_nothing(
        tmp_path, seeds, monkeypatch):
    folder = tmp_path / ".index"
    with DedupIndex.open(folder) as index:
        index.add("first", seeds["000_1e4f08b3863a416c"])
    index = DedupIndex.open(folder)
    index.add("second", seeds["002_55e01951235b3562"])

    def power_cut(path, record):
        raise OSError("power cut")

    monkeypatch.setattr(index_module, "_write_json", power_cut)
    with pytest.raises(OSError, match="power cut"):
        index.commit()
    index.close()
    monkeypatch.undo()
    with DedupIndex.open(folder) as index:
        assert len(index) == 1 and "second" not in index
        assert len(list(folder.glob("seg-*.bin"))) == 1  # the half-written segment is gone


def index_in_small_commits(folder, seed: int) -> np.ndarray:
    """Index 640 random signatures as ``doc-0``… in commits of 20; the signatures."""
    signatures = np.random.default_rng(seed).integers(0, 2**32, (640, 128), dtype=np.uint32)
    with DedupIndex.open(folder) as index:
        for start in range(0, 640, 20):
            index.add_many([f"doc-{i}" for i in range(start, start + 20)],
                           signatures[start : start + 20])
            index.commit()
    return signatures


def test_many_small_commits_are_merged_into_few_segments(tmp_path):
    folder = tmp_path / ".index"
    signatures = index_in_small_commits(folder, seed=3)
    assert len(list(folder.glob("seg-*.bin"))) <= math.log2(640 / 20) + 1
    with DedupIndex.open(folder) as index:
        assert index.query_many(signatures) == [[f"doc-{i}"] for i in range(640)]


def segment_sizes(folder: Path) -> list[int]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return [segment["documents"] for segment in manifest["segments"]]


def test_each_committed_segment_is_more_than_the_merge_ratio_times_the_next(tmp_path):
    folder = tmp_path / ".index"
    index_in_small_commits(folder, seed=5)
    sizes = segment_sizes(folder)
    assert sum(sizes) == 640
    assert all(older > index_module.MERGE_RATIO * newer
               for older, newer in zip(sizes, sizes[1:], strict=False))


def test_an_index_of_many_equal_segments_is_compacted_by_its_next_commit(tmp_path, monkeypatch):
    # Segments that never merge, as an index made before merges had no size bound left them.
    monkeypatch.setattr(index_module, "MERGE_RATIO", 0)
    folder = tmp_path / ".index"
    signatures = index_in_small_commits(folder, seed=9)
    assert segment_sizes(folder) == [20] * 32
    monkeypatch.undo()
    extra = np.random.default_rng(10).integers(0, 2**32, (1, 128), dtype=np.uint32)
    with DedupIndex.open(folder) as index:
        index.add("doc-extra", extra[0])
    assert len(segment_sizes(folder)) <= 3
    assert len(list(folder.glob("seg-*.bin"))) == len(segment_sizes(folder))
    with DedupIndex.open(folder) as index:
        assert index.query_many(signatures) == [[f"doc-{i}"] for i in range(640)]
        assert all(f"doc-{i}" in index for i in range(640)) and "doc-extra" in index


def test_a_merge_streamed_a_few_entries_at_a_time_writes_the_merge_held_in_memory(
        tmp_path, monkeypatch):
    # Chunks of 7 entries, and 30 documents of one signature: buckets larger than a chunk.
    rng = np.random.default_rng(11)
    signatures = rng.integers(0, 2**32, (200, 128), dtype=np.uint32)
    signatures[50:80] = signatures[50]
    ids = [f"doc-{i}" for i in range(200)]
    monkeypatch.setattr(index_module, "MERGE_CHUNK", 7)
    with DedupIndex.open(tmp_path / "streamed") as index:
        index.add_many(ids[:120], signatures[:120])
        index.commit()
        index.add_many(ids[120:], signatures[120:])
        index.commit()  # 120 <= 4 * 80: merged on disk
    (streamed,) = (tmp_path / "streamed").glob("seg-*.bin")
    with DedupIndex.open(tmp_path / "in-memory") as index:
        index.add_many(ids, signatures)
    (in_memory,) = (tmp_path / "in-memory").glob("seg-*.bin")
    assert streamed.read_bytes() == in_memory.read_bytes()
    with DedupIndex.open(tmp_path / "streamed") as index:
        assert index.query(signatures[60]) == ids[50:80]


def resident_file_kilobytes() -> int:
    status = Path("/proc/self/status")
    if not status.exists() or "RssFile:" not in status.read_text():
        pytest.skip("no RssFile in /proc/self/status on this system")
    (line,) = [x for x in status.read_text().splitlines() if x.startswith("RssFile:")]
    return int(line.split()[1])


def test_released_pages_leave_the_resident_set_and_queries_still_find_everything(tmp_path):
    signatures = np.random.default_rng(7).integers(0, 2**32, (100_000, 128), dtype=np.uint32)
    ids = [f"doc-{i}" for i in range(len(signatures))]
    with DedupIndex.open(tmp_path / ".index") as index:
        index.add_many(ids, signatures)
        index.commit()  # one segment of 1.4 million bucket entries, ~17 MB, mapped afresh
        before = resident_file_kilobytes()
        assert index.query_many(signatures[::97]) == [[i] for i in ids[::97]]
        searched = resident_file_kilobytes()
        index.release_pages()
        released = resident_file_kilobytes()
        assert searched - before > 8_000  # the searches touched most of the bucket keys
        assert searched - released > 8_000
        assert index.query_many(signatures[::89]) == [[i] for i in ids[::89]]


def test_add_unique_keeps_the_first_copy_and_names_it_for_later_ones(tmp_path, seeds):
    folder = tmp_path / ".index"
    with DedupIndex.open(folder) as index:
        index.add("000_1e4f08b3863a416c", seeds["000_1e4f08b3863a416c"])
        names = ["002_55e01951235b3562", "002-copy", "000-again", "004_ff3c2cd626ef0b70"]
        batch = stack(seeds, "002_55e01951235b3562", "002-copy", "000_1e4f08b3863a416c",
                      "004_ff3c2cd626ef0b70")
        results = index.add_unique_many(names, batch)
        assert results[0] is None and results[3] is None
        assert results[1][0] == "002_55e01951235b3562" and results[1][1] > 0.85
        assert results[2] == ("000_1e4f08b3863a416c", 1.0)
        assert len(index) == 3 and "002-copy" not in index
    with DedupIndex.open(folder) as index:
        assert index.add_unique_many(names, batch) == results  # a re-run decides the same
