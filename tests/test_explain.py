"""`curate explain` shows a document's journey from the committed corpus built from the seeds."""

import json
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from curate.cli import main
from tests.fixtures import corpus_records, shard_lines, write_shard

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def in_repo(monkeypatch):
    monkeypatch.chdir(REPO)


def corpus_record(prefix: str, part: int = 0) -> dict:
    for record in corpus_records(REPO / "corpus"):
        if Path(record["provenance"]["file"]).name.startswith(prefix) and (
                record["provenance"]["part"] == part):
            return record
    raise LookupError(prefix)


def test_explain_by_id_lists_every_edit_and_the_diff(in_repo):
    record = corpus_record("001")
    result = CliRunner().invoke(main, ["explain", record["id"]])
    assert result.exit_code == 0, result.output
    assert "seeds/001_7bb677d60489d672.txt lines" in result.output
    assert "spam-header" in result.output and "glued-pinyin" in result.output
    assert "- 美國政府層層加碼的AI芯片出口管制,正在改寫全球半導(dǎo)體產(chǎn)業(yè)格局。" in result.output
    assert "+ 美国政府层层加码的AI芯片出口管制，正在改写全球半导体产业格局。" in result.output


def test_explain_by_source_line_picks_the_article_of_a_split_file(in_repo):
    result = CliRunner().invoke(
        main, ["explain", "seeds/004_ff3c2cd626ef0b70.txt:160", "--format", "json"])
    assert result.exit_code == 0, result.output
    (journey,) = json.loads(result.output)
    assert journey["part"] == 2
    assert journey["id"] == corpus_record("004", part=2)["id"]
    assert journey["after"].startswith("4月17日，英伟达创始人兼CEO黄仁勋再次现身")
    steps = [edit["step"] for edit in journey["edits"]]
    assert steps.index("trim_teasers") < steps.index("normalize_punctuation")


def test_explain_of_an_unknown_id_says_so(in_repo):
    result = CliRunner().invoke(main, ["explain", "0" * 24])
    assert result.exit_code == 1
    assert "no document with id or source" in result.output


def test_explain_help_shows_an_example():
    result = CliRunner().invoke(main, ["explain", "--help"])
    assert "curate explain seeds/004_ff3c2cd626ef0b70.txt:150 --format json" in result.output


def test_explain_reads_the_source_lines_of_an_archive_member(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with tarfile.open("dump.tar.gz", "w:gz") as archive:
        archive.add(REPO / "seeds" / "001_7bb677d60489d672.txt", "2024/001.txt")
    assert CliRunner().invoke(main, ["run", "dump.tar.gz", "-o", "out", "-q"]).exit_code == 0
    result = CliRunner().invoke(main, ["explain", "dump.tar.gz!/2024/001.txt", "--corpus", "out",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    (journey,) = json.loads(result.output)
    assert journey["before"].startswith("美國政府層層加碼的AI芯片出口管制")
    assert journey["after"].startswith("美国政府层层加码的AI芯片出口管制")


def explain_json(*args: str) -> list[dict]:
    result = CliRunner().invoke(main, ["explain", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_readme_example_line_between_two_articles_names_the_article_it_was_cut_from(
        in_repo):
    (journey,) = explain_json("seeds/004_ff3c2cd626ef0b70.txt:150")
    assert journey["part"] == 2
    assert journey["note"].startswith(
        "seeds/004_ff3c2cd626ef0b70.txt:150 is not in the text of any article: trim_teasers "
        "(teaser-leading) cut it from part 2: 北京时间4月16日清晨,一则轰动全球半导体商场的音讯")


def test_a_line_no_edit_names_finds_the_nearest_article(in_repo):
    (journey,) = explain_json("seeds/004_ff3c2cd626ef0b70.txt:400")  # past the file's end
    assert journey["part"] == 2
    assert journey["note"] == ("seeds/004_ff3c2cd626ef0b70.txt:400 is in no article of the "
                               "file; the nearest is part 2 (lines 153-189)")


def corpus_of_one_seed(folder: Path, monkeypatch, name: str) -> dict:
    """``curate run seeds -o corpus`` in ``folder`` on a copy of one seed; its record."""
    monkeypatch.chdir(folder)
    (folder / "seeds").mkdir()
    (folder / "seeds" / name).write_bytes((REPO / "seeds" / name).read_bytes())
    assert CliRunner().invoke(main, ["run", "seeds", "-o", "corpus", "-q"]).exit_code == 0
    (record,) = corpus_records(folder / "corpus")
    return record


def test_explain_finds_the_sources_when_run_from_another_folder(tmp_path, monkeypatch):
    record = corpus_of_one_seed(tmp_path, monkeypatch, "001_7bb677d60489d672.txt")
    monkeypatch.chdir(tmp_path.parent)
    (journey,) = explain_json(record["id"], "--corpus", str(tmp_path / "corpus"))
    assert journey["before"].startswith("美國政府層層加碼的AI芯片出口管制")
    assert journey["before_problem"] is None


def test_the_before_side_of_a_page_is_its_extracted_text_not_its_markup(tmp_path, monkeypatch):
    from tests.io.test_html import NEWS_PAGE

    monkeypatch.chdir(tmp_path)
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "c_1130046.htm").write_text(NEWS_PAGE, encoding="utf-8")
    assert CliRunner().invoke(main, ["run", "pages", "-o", "out", "-q"]).exit_code == 0
    (journey,) = explain_json("pages/c_1130046.htm", "--corpus", "out")
    assert "<" not in journey["before"]
    assert "新华社长春1月15日电 入冬以来" in journey["before"]


def test_the_before_side_of_a_jsonl_record_is_its_text_field(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seed = (REPO / "seeds" / "002_55e01951235b3562.txt").read_text(encoding="utf-8")
    rows = [{"content": "国产替代的风潮悄然吹起，芯片股集体上涨，市场热情高涨，成交额创下年内新高。"},
            {"content": seed, "url": "https://example.cn/2"}]
    Path("dump.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                                          for r in rows), encoding="utf-8")
    assert CliRunner().invoke(main, ["run", "dump.jsonl", "-o", "out", "-q", "--text-field",
                                     "content"]).exit_code == 0
    journeys = explain_json("dump.jsonl", "--corpus", "out")
    second = next(j for j in journeys if j["lines"] and j["lines"][1] > 1)
    first_kept_line = second["after"].split("\n")[0]
    assert second["before"] and first_kept_line[:10] in second["before"].replace(",", "，")


def test_piped_output_is_not_cut_to_eighty_columns(in_repo):
    record = corpus_record("001")
    result = CliRunner().invoke(main, ["explain", record["id"]])
    longest = max(record["text"].split("\n"), key=len)
    assert f"+ {longest}" in result.output


def test_a_record_naming_a_file_outside_the_inputs_is_not_read(tmp_path, monkeypatch):
    record = corpus_of_one_seed(tmp_path, monkeypatch, "003_bbbba7b6c5aab7f9.txt")
    secret = tmp_path / "secret.txt"
    secret.write_text("不应显示的内容\n" * 3, encoding="utf-8")
    documents, _ = shard_lines(tmp_path / "corpus")
    record["provenance"]["file"] = str(secret)
    record["provenance"]["lines"] = [1, 3]
    write_shard(documents, [json.dumps(record, ensure_ascii=False)])
    result = CliRunner().invoke(main, ["explain", record["id"], "--corpus", "corpus"])
    assert result.exit_code == 0, result.output
    assert "不应显示的内容" not in result.output
    assert (f"no before/after diff: {secret} is not under the inputs the corpus's manifest "
            "records as read, so it is not opened") in result.output
