"""The Python API: `curate.clean`, `curate.clean_html`, `curate.clean_file` and `Cleaner`,
on the seeds and on a real news page, giving what `curate run` gives."""

import doctest
import importlib
import json
import time

import pytest
from click.testing import CliRunner

import curate
from curate import api
from curate.cli import main
from curate.config import ConfigError
from curate.rules import Rules
from tests.fixtures import REPO, seed_path, seed_text, shard_lines
from tests.io.test_html import NEWS_PAGE, NEWS_PARAGRAPHS

# A line of seed 003, traditional with half-width commas, as scraped.
SEED_003_LINE = "據字母榜(ID:wujicaijing)瞭解,華為在昇騰芯片加持下,一度在今年一季度的DeepSeek一體機市場,佔據了超70%的份額。"


def test_the_docstring_examples_hold(monkeypatch):
    monkeypatch.chdir(REPO)  # clean_file's example names a seed by its path in the repository
    assert doctest.testmod(api).failed == 0


def test_import_curate_exposes_the_api():
    assert curate.clean_html is api.clean_html
    assert curate.clean_file is api.clean_file
    assert curate.Cleaner is api.Cleaner
    assert {"clean", "clean_html", "clean_file", "Cleaner"} <= set(dir(curate))
    # curate.clean is also the package of cleaning steps; both uses work.
    assert importlib.import_module("curate.clean.script") is curate.clean.script
    (doc,) = curate.clean("新的客户需求和我們現有的庫存產品是可以匹配的。")
    assert doc.text == "新的客户需求和我们现有的库存产品是可以匹配的。"


def test_clean_gives_the_text_its_metadata_and_every_edit():
    (doc,) = curate.clean("熱門資訊> 正文\n2025-07-19 11:04\n" + SEED_003_LINE)
    assert doc.text == ("据字母榜(ID:wujicaijing)了解，华为在昇腾芯片加持下，一度在今年一季度的"
                        "DeepSeek一体机市场，占据了超70%的份额。")
    assert doc.rejected is None
    assert doc.created == "2025-07-19T11:04:00"
    assert doc.metadata["lang"] == "zh"
    assert [(e.step, e.rule, e.action, e.text) for e in doc.edits[:2]] == [
        ("drop_breadcrumbs", "breadcrumb-path", "remove", "熱門資訊> 正文"),
        ("extract_header", "header-created", "metadata", "2025-07-19 11:04"),
    ]
    assert all(edit.why for edit in doc.edits)


def test_a_text_too_short_comes_back_rejected_with_the_reason():
    (doc,) = curate.clean("熱門資訊> 正文")
    assert doc.rejected is not None
    assert (doc.rejected.step, doc.rejected.rule) == ("drop_empty", "too-short")


def test_calls_do_not_share_state_the_same_text_is_kept_twice():
    text = seed_text("002")
    first, second = curate.clean(text), curate.clean(text)
    assert [d.rejected for d in first] == [d.rejected for d in second] == [None]
    assert first[0].text == second[0].text


def test_clean_html_gives_the_main_text_not_the_markup():
    (doc,) = curate.clean_html(NEWS_PAGE.encode("utf-8"), url="http://www.news.cn/local/1.htm")
    assert "<" not in doc.text and "首页" not in doc.text and "Copyright" not in doc.text
    for paragraph in NEWS_PARAGRAPHS:
        assert paragraph in doc.text
    assert doc.metadata["title"] == "长春冰雪旅游迎来客流高峰"
    assert doc.metadata["url"] == "http://www.news.cn/local/1.htm"
    assert doc.created == "2024-01-15T09:30:12"
    assert doc.edits[0].rule == "html-boilerplate-trafilatura"


def test_clean_file_gives_the_records_curate_run_writes(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    seed = str(seed_path("004").relative_to(REPO))
    result = CliRunner().invoke(main, ["run", seed, "-o", str(tmp_path), "-q"],
                                env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in shard_lines(tmp_path)[1]]
    cleaner = api.Cleaner(source=seed_path("004").name)
    documents = cleaner.clean_file(seed)
    assert [cleaner.record(d, "2026-01-01T00:00:00Z") for d in documents] == written
    assert [d.provenance.part for d in documents] == [0, 1, 2]


def test_clean_file_names_a_missing_file():
    with pytest.raises(FileNotFoundError, match="no-such.txt: no such file"):
        curate.clean_file("no-such.txt")


def test_rules_are_loaded_once_and_later_calls_read_no_rule_file(monkeypatch):
    cleaner = api.Cleaner()
    text = seed_text("003")
    cleaner.clean(text)
    reads = []
    original = Rules._text
    monkeypatch.setattr(Rules, "_text", lambda self, name: reads.append(name)
                        or original(self, name))
    started = time.process_time()
    for _ in range(3):
        cleaner.clean(SEED_003_LINE)
    per_call = (time.process_time() - started) / 3
    assert reads == []
    print(f"one line of seed 003: {per_call * 1000:.1f} ms a call")


def test_a_cleaner_takes_a_configuration_checked_like_the_file():
    cleaner = api.Cleaner({"pipeline": {"disable": ["convert_to_simplified"]}})
    (doc,) = cleaner.clean(SEED_003_LINE)
    assert doc.text.startswith("據字母榜")
    with pytest.raises(ConfigError, match="unknown key 'threshhold'.*did you mean 'threshold'"):
        api.Cleaner({"dedup": {"threshhold": 0.7}})
