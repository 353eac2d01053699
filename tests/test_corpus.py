"""The committed corpus/ is exactly what `curate run seeds -o corpus` builds today."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from curate.cli import main

REPO = Path(__file__).resolve().parent.parent
# The epoch the committed corpus was built with (README: "The corpus in this repository").
CORPUS_EPOCH = "1767225600"
REBUILD = f"SOURCE_DATE_EPOCH={CORPUS_EPOCH} curate run seeds -o corpus --fresh"


def test_committed_corpus_matches_a_fresh_build(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(main, ["run", "seeds", "-o", str(tmp_path), "--quiet"],
                                env={"SOURCE_DATE_EPOCH": CORPUS_EPOCH})
    assert result.exit_code == 0, result.output
    for name in ("documents.jsonl", "rejects.jsonl", "manifest.json"):
        built = (tmp_path / name).read_text(encoding="utf-8")
        committed = (REPO / "corpus" / name).read_text(encoding="utf-8")
        if name == "manifest.json":
            built, committed = without_working_folder(built), without_working_folder(committed)
        if built != committed:  # not an assert: a diff of whole corpora is slow and unreadable
            pytest.fail(f"corpus/{name} is stale: review the change, then run {REBUILD}")


def without_working_folder(manifest: str) -> dict:
    """The manifest less the folder the inputs' paths start from, seen from the corpus folder:
    ``..`` for corpus/, another path for the temporary folder the test builds in."""
    parsed = json.loads(manifest)
    for run in [parsed, *parsed.get("runs", [])]:
        run.pop("working_folder", None)
    return parsed
