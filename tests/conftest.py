"""Shared fixtures: the seed documents in the repository, the rules, and optional shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

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
