"""Where the tests find their real text: the seeds in the repository, shared data beside it."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
# Reference data and the evaluation set sit beside the repository when available.
SHARED = Path(os.environ.get("CURATE_SHARED", REPO.parent / "shared"))


def seed_path(prefix: str) -> Path:
    """The seed whose file name starts with ``prefix`` (``"001"``)."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


def seed_text(prefix: str) -> str:
    """The raw text of the seed whose file name starts with ``prefix``."""
    return seed_path(prefix).read_text(encoding="utf-8")


def corpus_records(folder: Path, kind: str = "documents") -> list[dict]:
    """Every record of ``kind`` (``documents`` or ``rejects``) a corpus folder holds, read as
    every command reads them (`curate.storage`)."""
    from curate.storage import CorpusReader

    return list(CorpusReader(folder).records(kind))


def corpus_bytes(folder: Path) -> dict[str, bytes]:
    """The bytes of a corpus folder: its document shards and its reject shards, each kind
    one after the other (those the manifest lists and the folder holds), and its manifest."""
    from curate.storage import DOCUMENTS, MANIFEST, REJECTS, CorpusReader

    reader = CorpusReader(folder)
    found = {kind: b"".join(path.read_bytes() for path in reader.paths(kind) if path.is_file())
             for kind in (DOCUMENTS, REJECTS)}
    found[MANIFEST] = (folder / MANIFEST).read_bytes()
    return found


def shard_lines(folder: Path, kind: str = "documents") -> tuple[Path, list[str]]:
    """The first shard of ``kind`` of a corpus folder and its lines, to edit by hand."""
    import gzip

    from curate.storage import shard_name

    path = folder / shard_name(kind, 0)
    return path, gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()


def write_shard(path: Path, lines: list[str]) -> None:
    """Replace a shard's lines (a hand edit: the manifest's sha256 no longer matches)."""
    import gzip

    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))
