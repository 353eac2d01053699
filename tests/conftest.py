"""Shared fixtures: the seed documents in the repository, the rules, and optional shared data."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner, Result

from curate.rules import Rules
from tests.fixtures import SHARED


@pytest.fixture(scope="session")
def rules() -> Rules:
    return Rules()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = SHARED / "data"
    if not path.is_dir():
        pytest.skip("reference data (shared/data) is not beside the repository")
    return path


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    path = SHARED / "eval"
    if not path.is_dir():
        pytest.skip("evaluation set (shared/eval) is not beside the repository")
    return path


class DevCorpus(NamedTuple):
    raw: Path  # the development set's raw files
    out: Path  # the corpus a run in one process made of them
    result: Result  # what that run printed and its exit code


@pytest.fixture(scope="session")
def dev_corpus(eval_dir, tmp_path_factory) -> DevCorpus:
    """The development set cleaned once, in one process, for the tests that only read the
    corpus (compare it, check it, count it); none of them may change it."""
    from curate.cli import main

    raw = eval_dir / "dev" / "raw"
    if not raw.is_dir():
        pytest.skip("no development set")
    # As deep as a test's own tmp_path / "name": the manifest names the working folder
    # relative to the corpus, so corpora compared byte for byte must sit equally deep.
    out = tmp_path_factory.mktemp("dev-corpus") / "out"
    result = CliRunner().invoke(main, ["run", str(raw), "-o", str(out), "--workers", "1",
                                       "--quiet"], env={"SOURCE_DATE_EPOCH": "1767225600"},
                                catch_exceptions=False)
    return DevCorpus(raw, out, result)


@pytest.fixture(scope="session")
def clean(rules):
    """``clean(text, steps=[...])``: the documents the pipeline makes of ``text``."""
    from curate.pipeline import clean_text

    def run(text: str, steps: list[str] | None = None, **options):
        return clean_text(text, rules=rules, steps=steps, **options)

    return run


def removed(doc, step: str | None = None) -> list[tuple[str, str]]:
    """``(rule, text)`` of every span a step removed from ``doc``."""
    return [(e.rule, e.text) for e in doc.edits
            if e.action == "remove" and (step is None or e.step == step)]


@pytest.fixture(scope="session")
def removed_spans():
    return removed
