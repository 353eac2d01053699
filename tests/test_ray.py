"""`curate run --engine ray`: ranges cleaned by Ray workers of a real local Ray instance (two
CPUs, started once for the module), and near-duplicates found by band stages on those
workers, give the corpus a local run writes, byte for byte, and the same index: a corpus
built on Ray is extended by a local run and the other way round."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.corpus import INDEX
from tests.fixtures import corpus_records
from tests.test_workers import SEEDS, corpus_bytes, messages, ranged_seed_dump, run_cli

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module", autouse=True)
def ray_cluster():
    """A Ray instance of two CPUs on this machine; runs use it as it is."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def local_seeds(tmp_path_factory) -> dict[str, bytes]:
    """The seeds' corpus of a local run, in one process."""
    # As deep as each test's own output folder: the manifest names the working folder
    # relative to the corpus.
    local = tmp_path_factory.mktemp("local") / "out"
    assert run_cli("run", str(SEEDS), "-o", str(local), "--workers", "1").exit_code == 0
    return corpus_bytes(local)


def test_a_dump_in_ranges_of_two_records_on_ray_gives_the_same_corpus_and_messages(
        tmp_path, monkeypatch):
    dump = ranged_seed_dump(tmp_path, monkeypatch, 2)
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    first = run_cli("run", str(dump), "-o", str(local), "--workers", "2", "-v")
    second = run_cli("run", str(dump), "-o", str(on_ray), "--engine", "ray", "-v")
    assert first.exit_code == second.exit_code == 1  # the invalid line is a reject
    assert messages(second.output.replace(str(on_ray), str(local))) == messages(first.output)
    assert f"{dump}: 17 read, 7 kept, 16 rejected" in second.output
    assert corpus_bytes(on_ray) == corpus_bytes(local)


def test_the_seeds_cleaned_on_ray_as_the_configuration_says_are_the_corpus_of_a_local_run(
        tmp_path, local_seeds):
    config = tmp_path / "curate.toml"
    config.write_text('[run]\nengine = "ray"\n', encoding="utf-8")
    on_ray = tmp_path / "ray"
    result = run_cli("run", str(SEEDS), "-o", str(on_ray), "--config", str(config))
    assert result.exit_code == 0, result.output
    made, expected = corpus_bytes(on_ray), dict(local_seeds)
    assert made.pop("manifest.json") != expected.pop("manifest.json")  # it records the setting
    assert made == expected
    assert not (on_ray / ".checkpoint").exists()
    manifest = json.loads((on_ray / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["configuration"]["settings"]["run"] == {"engine": "ray"}


def test_an_unknown_engine_in_the_configuration_names_the_choices(tmp_path):
    config = tmp_path / "curate.toml"
    config.write_text('[run]\nengine = "spark"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(SEEDS), "-o", str(tmp_path / "out"),
                                       "--config", str(config)])
    assert result.exit_code == 2
    assert '[run] engine must be "local" or "ray"' in result.output


def index_bytes(corpus: Path) -> dict[str, bytes]:
    """Every file of the corpus's near-duplicate index but its lock."""
    return {path.relative_to(corpus).as_posix(): path.read_bytes()
            for path in sorted((corpus / INDEX).rglob("*")) if path.is_file()
            and path.name != "lock"}


def near_duplicates(corpus: Path) -> list[tuple[str, str]]:
    """``(rule, document it repeats)`` of every document rejected as a near-duplicate."""
    return [(r["reason"]["rule"], r["provenance"]["duplicate_of"])
            for r in corpus_records(corpus, "rejects")
            if r["kind"] == "document" and r["reason"]["step"] == "drop_near_duplicates"]


def republished_seeds(folder: Path) -> Path:
    """Each seed again under another site's line, its fourth line left out: a copy of a
    document of the seeds' corpus, which a run into that corpus drops."""
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        lines = seed.read_text(encoding="utf-8").split("\n")
        del lines[3]
        (folder / f"copy-{seed.name}").write_text("\n".join(["转载自财经网", *lines]),
                                                 encoding="utf-8")
    return folder


def test_the_development_set_cleaned_on_ray_is_the_corpus_of_a_local_run(dev_corpus,
                                                                         tmp_path):
    on_ray = tmp_path / "ray"
    run_cli("run", str(dev_corpus.raw), "-o", str(on_ray), "--engine", "ray")
    assert corpus_bytes(on_ray) == corpus_bytes(dev_corpus.out)
    assert index_bytes(on_ray) == index_bytes(dev_corpus.out)
    # its duplicate groups are found by the band stages: copies within the set are dropped
    assert len(near_duplicates(on_ray)) >= 5


def test_a_corpus_built_on_ray_is_extended_locally_and_the_other_way_as_locally(tmp_path):
    copies = republished_seeds(tmp_path / "copies")
    built: dict[str, Path] = {}
    for first, then in (("local", "local"), ("ray", "local"), ("local", "ray")):
        corpus = tmp_path / f"{first}-then-{then}" / "out"
        for inputs, engine in ((SEEDS, first), (copies, then)):
            how = ["--engine", "ray"] if engine == "ray" else ["--workers", "1"]
            result = run_cli("run", str(inputs), "-o", str(corpus), *how)
            assert result.exit_code == 0, result.output
        built[f"{first}-then-{then}"] = corpus
    expected = built.pop("local-then-local")
    # the copies are dropped against the documents of the corpus's first run
    seeds = {record["id"] for record in corpus_records(expected)}
    dropped = near_duplicates(expected)
    assert len(dropped) == 7 and {of for _, of in dropped} <= seeds
    for corpus in built.values():
        assert corpus_bytes(corpus) == corpus_bytes(expected)
        assert index_bytes(corpus) == index_bytes(expected)
