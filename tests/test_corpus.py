"""The committed corpus/ is exactly what `curate run seeds -o corpus` builds today."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.storage import MANIFEST
from tests.fixtures import corpus_bytes

REPO = Path(__file__).resolve().parent.parent
# The epoch the committed corpus was built with (README: "The corpus in this repository").
CORPUS_EPOCH = "1767225600"
REBUILD = f"SOURCE_DATE_EPOCH={CORPUS_EPOCH} curate run seeds -o corpus --fresh"


def test_committed_corpus_matches_a_fresh_build(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(main, ["run", "seeds", "-o", str(tmp_path), "--quiet"],
                                env={"SOURCE_DATE_EPOCH": CORPUS_EPOCH})
    assert result.exit_code == 0, result.output
    built, committed = corpus_bytes(tmp_path), corpus_bytes(REPO / "corpus")
    built[MANIFEST] = without_working_folder(built[MANIFEST])
    committed[MANIFEST] = without_working_folder(committed[MANIFEST])
    for name in built:
        if built[name] != committed.get(name):  # not an assert: a diff would be unreadable
            pytest.fail(f"corpus/{name} is stale: review the change, then run {REBUILD}")


def without_working_folder(manifest: bytes) -> dict:
    """The manifest less the folder the inputs' paths start from, seen from the corpus folder:
    ``..`` for corpus/, another path for the temporary folder the test builds in."""
    parsed = json.loads(manifest)
    for run in [parsed, *parsed.get("runs", [])]:
        run.pop("working_folder", None)
    return parsed
