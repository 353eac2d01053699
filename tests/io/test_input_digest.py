"""An input's sha256 is taken once a run: the checkpoint's key and the reader's provenance
share it, and a file changed since is hashed afresh."""

import hashlib
import json
import os
from pathlib import Path

from curate.io import readers
from curate.io.readers import InputFile, ReadOptions, read_documents

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
