"""Text findings are what the cleaning steps would still change: none on what `curate run`
wrote, and no more than the steps, run in their order, do."""

import json

import pytest
from click.testing import CliRunner

from curate.check import CODES, TextChecker
from curate.cli import main
from curate.rules import Rules


@pytest.fixture(scope="module")
def checker() -> TextChecker:
    return TextChecker(Rules(), {}, frozenset(CODES))


def test_a_character_converted_only_out_of_its_context_is_no_finding(checker):
    # OpenCC keeps 乾 in 乾清宮 and in the name 張法乾, but folds it in the simplified forms.
    assert checker.find("同治帝婚后独宿乾清宫。") == []
    assert checker.find("最先任命同乡张法乾为保安司令部参谋长。") == []
    (found,) = checker.find("铜鼓县位於江西省西北部。")
    assert (found.code, found.offset, found.message) == (
        "C201", 4, "traditional characters left: 1 on this line (於→于)")


def run_then_check(inputs: str, out, *options: str):
    runner = CliRunner()
    ran = runner.invoke(main, ["run", inputs, "-o", str(out), "-q", *options],
                        catch_exceptions=False)
    assert ran.exit_code in (0, 1), ran.output  # 1: some input went to the rejects
    return runner.invoke(main, ["check", str(out)], catch_exceptions=False)


def test_what_curate_run_writes_from_the_development_set_passes_check(dev_corpus):
    assert dev_corpus.result.exit_code in (0, 1), dev_corpus.result.output
    checked = CliRunner().invoke(main, ["check", str(dev_corpus.out)], catch_exceptions=False)
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.startswith("No findings in 2 files (")


def test_what_curate_run_writes_from_a_commoncrawl_dump_passes_check(shared_data, tmp_path):
    checked = run_then_check(str(shared_data / "chinesewebtext-cc-raw.jsonl"), tmp_path / "cc")
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.startswith("No findings in 2 files (")


def record(text: str, rules_digest: str) -> dict:
    return {"id": "r", "text": text, "source": "seeds", "added": "2026-01-01T00:00:00Z",
            "created": None, "metadata": {},
            "provenance": {"file": "x.txt", "sha256": "0", "part": 0, "pipeline": "0.1.0",
                           "rules": rules_digest, "edits": []}}


def test_lines_of_a_record_written_with_other_rules_are_judged_again(tmp_path):
    """A run with these rules judged the record's lines; a run with other rules did not."""
    # The last lines of seed 004's first article (lines 129-130), as cleaning writes them.
    text = "关于此刻处在风口浪尖的国产GPU厂商而言，怎么活下去，好像比远方的星斗大海愈加重要。\n本文源自：创业邦"
    corpus = tmp_path / "documents.jsonl"
    corpus.write_text(json.dumps(record(text, Rules().digest), ensure_ascii=False) + "\n"
                      + json.dumps(record(text, "0" * 64) | {"id": "s"}, ensure_ascii=False)
                      + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(corpus), "--select", "C2", "-q"])
    assert [line.split(": ", 1)[1] for line in result.stdout.splitlines()] == [
        "C206 trailing junk (source-line): 本文源自：创业邦"]
    assert result.stdout.startswith(f"{corpus}:2:")
