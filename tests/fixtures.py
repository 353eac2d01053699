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
