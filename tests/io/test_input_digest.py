"""An input's sha256 is taken once a run: the checkpoint's key and the reader's provenance
share it, every span of a dump reads it from what the first took, and a file changed since is
hashed afresh."""

import hashlib
import json
import os
from pathlib import Path
from types import SimpleNamespace

from curate.io import limits, readers
from curate.io.readers import InputFile, ReadOptions, SpanReading, read_documents
from curate.io.spans import record_spans

REPO = Path(__file__).resolve().parents[2]


def test_the_reader_takes_the_digest_the_checkpoint_took_and_not_that_of_a_changed_file(
        tmp_path):
    seed = (REPO / "seeds" / "001_7bb677d60489d672.txt").read_text(encoding="utf-8")
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps({"text": seed}, ensure_ascii=False) + "\n", encoding="utf-8")
    item = InputFile(path, "dump.jsonl")
    size, digest = item.sha256()  # as the checkpoint keys the file
    assert (size, digest) == (path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest())

    # The reader does not hash the file again: it takes what was remembered of it.
    (key,) = [k for k in readers._DIGESTS if k[0] == str(path)]
    readers._DIGESTS[key] = "remembered"
    assert next(read_documents(item, ReadOptions("dump"))).provenance.sha256 == "remembered"

    changed = path.read_bytes().replace("芯片".encode(), "晶片".encode())
    path.write_bytes(changed)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert next(read_documents(item, ReadOptions("dump"))).provenance.sha256 == \
        hashlib.sha256(changed).hexdigest()
    assert item.sha256() == (len(changed), hashlib.sha256(changed).hexdigest())


class CountingSha256:
    """sha256 that adds the bytes it is given to ``hashed``."""

    hashed = 0

    def __init__(self) -> None:
        self._digest = hashlib.sha256()

    def update(self, data: bytes) -> None:
        CountingSha256.hashed += len(data)
        self._digest.update(data)

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def test_a_dump_read_span_by_span_twice_is_hashed_once(tmp_path, monkeypatch):
    seeds = [p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("*.txt"))]
    path = tmp_path / "dump.jsonl"
    path.write_text("".join(json.dumps({"text": seed}, ensure_ascii=False) + "\n"
                            for seed in seeds), encoding="utf-8")
    counting = SimpleNamespace(sha256=CountingSha256)
    monkeypatch.setattr(limits, "hashlib", counting)
    monkeypatch.setattr(readers, "hashlib", counting)
    item = InputFile(path, "dump.jsonl")
    spans = list(record_spans(path, path.stat().st_size, 4096))
    assert len(spans) > 2
    # The counting pass and the cleaning each read every span, as a run does.
    digests = {document.provenance.sha256 for _ in range(2) for span in spans
               for document in read_documents(item, ReadOptions("dump"), span, SpanReading())}
    assert digests == {hashlib.sha256(path.read_bytes()).hexdigest()}
    assert CountingSha256.hashed == path.stat().st_size
