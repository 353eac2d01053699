"""`curate report`: one HTML page of what a corpus holds, read from a corpus built from the seeds."""

from __future__ import annotations

import doctest
import json
import re
import shutil
import struct
import tempfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.report import page as page_module
from curate.report import tally as tally_module
from curate.report.page import render_page
from curate.report.tally import BoundedTable, Example, ExampleSample, tally_corpus
from tests.fixtures import REPO, corpus_records, seed_path, shard_lines, write_shard
from tests.io.test_html import NEWS_PAGE

CHART_IDS = ("chart-documents", "chart-removed", "chart-languages", "chart-written-in",
             "chart-scripts", "chart-spin", "chart-sites", "chart-files")


def curate_run(*args: str) -> None:
    result = CliRunner().invoke(main, ["run", *args], env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def seed_corpus(tmp_path_factory) -> Path:
    """``curate run seeds -o CORPUS``, run from the repository as its README says."""
    corpus = tmp_path_factory.mktemp("report") / "corpus"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        curate_run("seeds", "-o", str(corpus))
    return corpus


@pytest.fixture(scope="module")
def seed_tally(seed_corpus):
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        return tally_corpus(seed_corpus)


@pytest.fixture(scope="module")
def seed_page(seed_tally) -> str:
    return render_page(seed_tally)


@pytest.fixture(scope="module")
def copied_corpus(tmp_path_factory) -> Path:
    """Seeds 000 and 003 with a second copy of 000 under another name, and a file whose only
    line is a breadcrumb: one exact duplicate and one document left empty."""
    dump = tmp_path_factory.mktemp("dump")
    for prefix in ("000", "003"):
        shutil.copy(seed_path(prefix), dump)
    shutil.copy(seed_path("000"), dump / "000_copy.txt")
    (dump / "menu.txt").write_text("熱門資訊> 正文\n", encoding="utf-8")
    corpus = dump.parent / "copied-corpus"
    curate_run(str(dump), "-o", str(corpus))
    return corpus


def test_every_kept_document_and_removed_span_is_counted(seed_corpus, seed_tally):
    manifest = json.loads((seed_corpus / "manifest.json").read_text(encoding="utf-8"))
    assert seed_tally.kept == manifest["counts"]["kept"] == 7
    assert seed_tally.dropped_documents == manifest["counts"]["rejected"] == 0
    assert seed_tally.spans_in_rejects == manifest["counts"]["spans_removed"] == 573
    kept_text = [record["text"] for record in corpus_records(seed_corpus)]
    assert seed_tally.kept_characters == sum(map(len, kept_text))


def test_edits_per_rule_agree_with_the_manifest(seed_corpus, seed_tally):
    manifest = json.loads((seed_corpus / "manifest.json").read_text(encoding="utf-8"))
    per_rule = {key.split("\t")[1]: row[0] for key, row in seed_tally.changes.rows.items()}
    # A flag changes no text, so it is no change of the body.
    flags = {edit["rule"] for record in corpus_records(seed_corpus)
             for edit in record["provenance"]["edits"] if edit["action"] == "flag"}
    assert per_rule == {rule: n for rule, n in manifest["rules_fired"].items()
                        if rule not in flags}


def test_characters_removed_by_a_rule_are_the_characters_of_its_spans_in_the_rejects(
        seed_corpus, seed_tally):
    spans = corpus_records(seed_corpus, "rejects")
    pinyin = sum(len(span["text"]) for span in spans if span["reason"]["rule"] == "glued-pinyin")
    assert seed_tally.changes.rows["strip_glued_pinyin\tglued-pinyin"][1] == pinyin == 2739


def test_scripts_come_from_the_opencc_configuration_each_document_was_converted_with(seed_tally):
    # 001 is traditional, 003 is written in Hong Kong forms; 004's articles are simplified
    # (the two traditional characters its second article had stood in a closing row now cut).
    assert seed_tally.written_in == {"simplified": 5, "traditional": 1,
                                     "traditional (Hong Kong)": 1}
    assert seed_tally.languages == {"zh": 7}
    # Latin letters are English names and figures' units (GPU, A800); the rest digits and marks.
    assert seed_tally.script_characters == {"han": 21976, "kana": 0, "hangul": 0,
                                            "alphabet": 2427, "other": 5155}


def test_spin_scores_are_binned_apart_for_documents_flagged_spun(seed_tally):
    spun = sum(row[1] for row in seed_tally.spin_bins.values())
    unspun = sum(row[0] for row in seed_tally.spin_bins.values())
    assert (spun, unspun) == (3, 4)


def test_an_example_shows_the_removed_line_among_its_source_lines(seed_tally):
    (breadcrumb,) = seed_tally.examples.by_rule[("drop_breadcrumbs", "breadcrumb-path")]
    assert breadcrumb.text == "熱門資訊> 正文"
    assert (breadcrumb.file, breadcrumb.line) == ("seeds/003_bbbba7b6c5aab7f9.txt", 1)
    assert breadcrumb.context == [(1, "熱門資訊> 正文"), (2, "2025-07-19 11:04")]
    assert breadcrumb.position == "above"


def test_a_rule_with_many_edits_shows_three_different_ones(seed_tally):
    pinyin = seed_tally.examples.by_rule[("strip_glued_pinyin", "glued-pinyin")]
    assert len(pinyin) == 3 and len({example.text for example in pinyin}) == 3
    for example in pinyin:
        (line,) = [text for number, text in example.context if number == example.line]
        assert example.text in line  # the pinyin stands in its source line, glued


def test_the_page_marks_the_removed_text_inside_its_source_line(seed_page):
    assert "<pre>1  <del>熱門資訊&gt; 正文</del></pre><pre>2  2025-07-19 11:04</pre>" in seed_page
    assert "drop_breadcrumbs · breadcrumb-path" in seed_page
    assert "seeds/003_bbbba7b6c5aab7f9.txt:1" in seed_page


def test_the_page_needs_no_network(seed_page):
    assert re.findall(r"<script[^>]*\bsrc=", seed_page) == []
    assert re.findall(r"<link[^>]*\bhref=", seed_page) == []
    assert "Plotly.newPlot" in seed_page and "plotly.js v" in seed_page
    for chart in CHART_IDS:
        assert f'id="{chart}"' in seed_page


def test_the_same_corpus_gives_the_same_page(seed_corpus, seed_page):
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        assert render_page(tally_corpus(seed_corpus)) == seed_page


def test_text_from_the_corpus_is_escaped(seed_corpus, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(seed_corpus, corpus)
    path, lines = shard_lines(corpus)
    record = json.loads(lines[0])
    record["metadata"]["site"] = "<script>alert(1)</script>"
    record["provenance"]["edits"][0]["text"] = "<img src=x onerror=alert(1)>"
    lines[0] = json.dumps(record, ensure_ascii=False)
    write_shard(path, lines)
    page = render_page(tally_corpus(corpus))
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_dropped_documents_and_duplicate_clusters_are_counted_by_reason(copied_corpus):
    tally = tally_corpus(copied_corpus)
    assert tally.kept == 2
    assert tally.dropped.top(5) == [
        ("drop_empty\ttoo-short", {"documents": 1, "characters": 0}),
        ("drop_exact_duplicates\texact-duplicate", {"documents": 1, "characters": 2294}),
    ]
    assert (tally.exact_copies, tally.near_copies) == (1, 0)
    ((kept_id, copies),) = tally.clusters.top(5)
    assert copies == {"copies": 1}
    assert tally.cluster_titles[kept_id] == "英伟达芯片一片难求，国产替代趁势崛起"
    (dropped,) = tally.dropped_examples.by_rule[("drop_exact_duplicates", "exact-duplicate")]
    assert dropped.text.startswith("在这个持续降温的10月，A股半导体板块久违地回暖了。")
    page = render_page(tally)
    assert 'id="chart-cluster-sizes"' in page and "1 exact, 0 near" in page


def test_an_example_from_a_jsonl_record_shows_the_lines_of_its_text(tmp_path):
    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps({"text": seed_path("003").read_text(encoding="utf-8")},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    curate_run(str(dump), "-o", str(tmp_path / "corpus"))
    tally = tally_corpus(tmp_path / "corpus")
    (breadcrumb,) = tally.examples.by_rule[("drop_breadcrumbs", "breadcrumb-path")]
    assert (breadcrumb.record, breadcrumb.line) == (1, 1)
    assert breadcrumb.context == [(1, "熱門資訊> 正文"), (2, "2025-07-19 11:04")]
    assert f"{dump}:1, line 1 of its text" in render_page(tally)


def test_an_example_from_an_html_page_shows_the_lines_of_its_extracted_text(tmp_path):
    # The credit form of seed 002 added under the article of a news page of the HTML tests.
    page = NEWS_PAGE.replace("</p>\n  </div>", "</p>\n    <p>编辑 | 康晓</p>\n  </div>", 1)
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    curate_run(str(tmp_path / "page.html"), "-o", str(tmp_path / "corpus"))
    tally = tally_corpus(tmp_path / "corpus")
    (credit,) = tally.examples.by_rule[("drop_boilerplate", "credit-line")]
    assert credit.context == [
        (6, "为迎接客流高峰，景区延长了开放时间，增开了旅游专线公交，并在主要路口设置了志愿服务点。"),
        (7, "编辑 | 康晓")]


def test_without_its_source_an_example_stands_beside_the_kept_paragraph(tmp_path):
    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps({"text": seed_path("003").read_text(encoding="utf-8")},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    curate_run(str(dump), "-o", str(tmp_path / "corpus"))
    dump.unlink()
    tally = tally_corpus(tmp_path / "corpus")
    (breadcrumb,) = tally.examples.by_rule[("drop_breadcrumbs", "breadcrumb-path")]
    (kept,) = corpus_records(tmp_path / "corpus")
    assert breadcrumb.context == []
    assert breadcrumb.position == "above"
    assert breadcrumb.neighbour == kept["text"].split("\n")[0]
    assert f"<del>熱門資訊&gt; 正文</del></pre><pre>{kept['text'][:20]}" in render_page(tally)


def test_a_removed_control_character_is_shown_as_its_picture(seed_corpus, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(seed_corpus, corpus)
    path, lines = shard_lines(corpus)
    record = json.loads(lines[0])
    record["provenance"]["edits"].append({"step": "parse_markup", "rule": "control-characters",
                                          "action": "remove", "text": "\x07\x1b", "line": 20})
    lines[0] = json.dumps(record, ensure_ascii=False)
    write_shard(path, lines)
    assert "<del>␇␛</del>" in render_page(tally_corpus(corpus))


def test_a_bounded_table_lets_the_smallest_keys_go_and_says_so():
    table = BoundedTable(("kept", "characters"), capacity=2, rank_by="characters")
    for site, characters in (("市界", 2294), ("创业邦", 9983), ("金融界", 1506), ("36氪", 40),
                             ("钛媒体", 5000)):
        table.add(site, kept=1, characters=characters)
    assert len(table) <= 4 and not table.exact
    assert [site for site, _ in table.top(2)] == ["创业邦", "钛媒体"]


def test_a_sample_keeps_a_few_distinct_examples_and_is_drawn_the_same_each_time():
    rule = ("drop_boilerplate", "credit-line")

    def draw() -> list[str]:
        sample = ExampleSample(per_rule=3)
        for n in range(1000):
            text = f"编辑 | 作者{n % 50}"
            sample.offer(rule, text, lambda text=text, n=n: Example(
                *rule, "remove", text, None, None, "seeds/x.txt", n, "id", None))
        return [example.text for example in sample.by_rule[rule]]

    first = draw()
    assert len(first) == len(set(first)) == 3 and first == draw()


def test_the_examples_in_the_docstrings_hold():
    for module in (tally_module, page_module):
        assert doctest.testmod(module).failed == 0


def test_report_command_writes_the_page_and_run_says_how_to_get_it(seed_corpus, tmp_path):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(seed_corpus), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "7 documents kept, 0 dropped" in result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        run = CliRunner().invoke(main, ["run", "seeds", "-o", str(tmp_path / "again")])
    assert f"curate report {tmp_path / 'again'} -o report.html" in run.output


def test_report_of_a_folder_that_is_no_corpus_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["report", str(tmp_path), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert f"{tmp_path / 'documents'}: not found" in result.output
    assert not (tmp_path / "r.html").exists()


def test_a_broken_corpus_line_is_named_with_its_file_and_line(seed_corpus, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(seed_corpus, corpus)
    path, lines = shard_lines(corpus, "rejects")
    broken = len(lines) + 1
    write_shard(path, [*lines, '{"kind": "span", "text": '])
    result = CliRunner().invoke(main, ["report", str(corpus), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert f"{path}:{broken}: invalid JSON" in result.output


# The page in a real browser: Debian's chromium and chromium-driver (`.ci/run` installs them).
CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
BROWSER_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,2400")


def png_pixels(png: bytes) -> tuple[int, int, bytes]:
    """Width, height and the raw scanlines (filter bytes included) of a PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    offset, data, width, height = 8, b"", 0, 0
    while offset < len(png):
        (length,), kind = struct.unpack(">I", png[offset:offset + 4]), png[offset + 4:offset + 8]
        body = png[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            data += body
        offset += 12 + length
    return width, height, zlib.decompress(data)


@pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                    reason="chromium and chromium-driver are not installed")
def test_the_page_renders_its_charts_in_chromium_without_console_errors(seed_corpus, tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    page = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", str(seed_corpus), "-o", str(page)])
    assert result.exit_code == 0, result.output
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in BROWSER_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(dir=tmp_path)}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        driver.get(page.as_uri())
        rendered = ("return Array.from(document.querySelectorAll('.plotly-graph-div'))"
                    ".filter(d => d.querySelector('.main-svg')).length")
        WebDriverWait(driver, 60).until(lambda d: d.execute_script(rendered) == len(CHART_IDS))
        bars = driver.execute_script(
            "return document.querySelectorAll('#chart-removed .bars .point').length")
        screenshot = driver.get_screenshot_as_png()
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    finally:
        driver.quit()
    (tmp_path / "report.png").write_bytes(screenshot)
    assert errors == []
    assert bars == 16  # one bar per rule that removed text from the seeds
    width, height, pixels = png_pixels(screenshot)
    assert width == 1280 and height > 1000
    assert len(set(pixels)) > 50  # not blank: the charts draw in many colours
    assert pixels.count(255) < 0.95 * len(pixels)
