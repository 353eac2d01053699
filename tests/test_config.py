"""The configuration file: every section, key, step and type checked when it is read, each
error naming the file and line, and `curate run` stopping with exit 2 before it reads input."""

import doctest

import pytest
from click.testing import CliRunner

from curate import config as config_module
from curate.cli import main
from curate.config import ConfigError, load_config
from tests.fixtures import seed_path


def loaded(tmp_path, text: str, name: str = "curate.toml"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return load_config(cwd=tmp_path)


def error(tmp_path, text: str, name: str = "curate.toml") -> str:
    with pytest.raises(ConfigError) as raised:
        loaded(tmp_path, text, name)
    return str(raised.value)


def test_the_docstring_example_holds():
    assert doctest.testmod(config_module).failed == 0


def test_a_valid_file_is_returned_as_written(tmp_path):
    text = ('[pipeline]\ndisable = ["detect_spin"]\n[filters]\nmin_chars = 10\n'
            '[punctuation]\ncorner_quotes = false\n[jsonl]\ntext_field = "content"\n'
            '[dedup]\nnear = true\nthreshold = 0.8\nspun_threshold = 0.75\n'
            'passage_min_chars = 50\n[run]\nbatch_documents = 500\n[check]\nignore = ["C202"]\n')
    config, source = loaded(tmp_path, text)
    assert source == "curate.toml"
    assert config["dedup"] == {"near": True, "threshold": 0.8, "spun_threshold": 0.75,
                               "passage_min_chars": 50}


def test_a_misspelt_step_is_named_with_its_line_and_the_step_meant(tmp_path):
    message = error(tmp_path, '# steps off\n[pipeline]\ndisable = ["detect_spinn"]\n')
    assert message.startswith("curate.toml:3: [pipeline] disable: unknown step 'detect_spinn' "
                              "(did you mean 'detect_spin'?); known steps: repair_mojibake, ")


def test_a_misspelt_section_is_named_with_its_line(tmp_path):
    assert error(tmp_path, "[dedupe]\nthreshold = 0.8\n") == (
        "curate.toml:1: unknown section [dedupe] (did you mean 'dedup'?); known sections: "
        "pipeline, filters, punctuation, jsonl, spin, dedup, run, corpus, check")


def test_spin_restoration_is_switched_on_in_the_spin_section(tmp_path):
    config, _ = loaded(tmp_path, "[spin]\nrestore = true\n")
    assert config["spin"] == {"restore": True}
    assert error(tmp_path, '[spin]\nrestore = "yes"\n').startswith(
        "curate.toml:2: [spin] restore must be true or false")


def test_a_misspelt_key_is_named_with_its_line(tmp_path):
    assert error(tmp_path, "[dedup]\nnear = true\nthreshhold = 0.8\n") == (
        "curate.toml:3: [dedup] unknown key 'threshhold' (did you mean 'threshold'?); known "
        "keys: near, threshold, spun_threshold, passage_min_chars")


@pytest.mark.parametrize(("text", "message"), [
    ("[dedup]\nthreshold = [0.8]\n",
     "curate.toml:2: [dedup] threshold must be a number above 0 and at most 1, not a list [0.8]"),
    ("dedup = 5\n",
     "curate.toml:1: [dedup] must be a table of settings (near, threshold, spun_threshold, "
     "passage_min_chars), not a number 5"),
    ('[dedup]\nnear = "no"\n',
     'curate.toml:2: [dedup] near must be true or false, not the string "no"'),
    ("[filters]\nmin_chars = -1\n",
     "curate.toml:2: [filters] min_chars must be a whole number of at least 1, not a number -1"),
    ("[run]\nbatch_documents = true\n",
     "curate.toml:2: [run] batch_documents must be a whole number of at least 1, not a boolean "
     "true"),
    ('[pipeline]\nsteps = ["drop_empty", "drop_near_duplicates"]\n',
     "curate.toml:2: [pipeline] steps: drop_near_duplicates runs after the steps; switch it off "
     "with [dedup] near = false"),
])
def test_a_value_of_the_wrong_type_is_an_error_not_a_traceback(tmp_path, text, message):
    assert error(tmp_path, text) == message


def test_pyproject_sections_are_checked_with_their_lines(tmp_path):
    text = '[project]\nname = "corpus"\n\n[tool.curate.dedup]\nnear = 1\n'
    assert error(tmp_path, text, "pyproject.toml") == (
        "pyproject.toml:5: [dedup] near must be true or false, not a number 1")
    text = '[project]\nname = "corpus"\n\n[tool.curate]\ndedup = {near = true, threshold = "x"}\n'
    assert error(tmp_path, text, "pyproject.toml") == (
        'pyproject.toml:5: [dedup] threshold must be a number above 0 and at most 1, not the '
        'string "x"')


def test_run_stops_with_exit_2_on_a_typo_before_reading_input(tmp_path):
    config = tmp_path / "curate.toml"
    config.write_text("[dedup]\nthreshhold = 0.7\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(seed_path("000")), "-o", str(tmp_path / "out"),
                                       "--config", str(config)])
    assert result.exit_code == 2
    assert f"{config}:2: [dedup] unknown key 'threshhold'" in result.output
    assert not (tmp_path / "out").exists()
