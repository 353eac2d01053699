"""WARC and WET input: a WARC file written here with warcio, as a crawler writes it, read
through `curate.io.warc`: pages through the HTML path, WET conversions as text, the rest
skipped and counted."""

import io
import json

from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from curate.cli import main
from curate.io.readers import InputFile, ReadOptions, read_documents
from curate.io.warc import is_warc
from tests.fixtures import corpus_records, seed_text
from tests.io.test_html import NEWS_PAGE, NEWS_PARAGRAPHS

URL = "http://www.news.cn/local/2024-01/15/c_1130046.htm"
# The WET text of seed 002, as CommonCrawl converts a page: its lines, a paragraph each.
WET_TEXT = seed_text("002")


def http(status: str, content_type: str) -> StatusAndHeaders:
    return StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")


def write_crawl(path, gzip: bool = True) -> None:
    """warcinfo, then a request and its page, an image, a redirect, a metadata record and
    the WET conversion of another page."""
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        writer.write_record(writer.create_warc_record(URL, "request", payload=io.BytesIO(
            b"GET /local/2024-01/15/c_1130046.htm HTTP/1.1\r\nHost: www.news.cn\r\n\r\n")))
        writer.write_record(writer.create_warc_record(
            URL, "response", payload=io.BytesIO(NEWS_PAGE.encode("utf-8")),
            http_headers=http("200 OK", "text/html; charset=utf-8")))
        writer.write_record(writer.create_warc_record(
            "http://www.news.cn/logo.png", "response", payload=io.BytesIO(b"\x89PNG\r\n\x1a\n"),
            http_headers=http("200 OK", "image/png")))
        writer.write_record(writer.create_warc_record(
            "http://www.news.cn/", "response", payload=io.BytesIO(b""),
            http_headers=http("301 Moved Permanently", "text/html")))
        writer.write_record(writer.create_warc_record(
            URL, "metadata", payload=io.BytesIO(b"fetchTimeMs: 120\r\n"),
            warc_content_type="application/warc-fields"))
        writer.write_record(writer.create_warc_record(
            "https://www.aicaijing.com.cn/article/18786", "conversion",
            payload=io.BytesIO(WET_TEXT.encode("utf-8")), warc_content_type="text/plain"))


def read(path):
    options = ReadOptions(source="crawl")
    return list(read_documents(InputFile(path, path.name), options)), options


def test_warc_and_wet_names_are_recognised():
    assert all(is_warc(name) for name in ("a.warc", "a.warc.gz", "CC-MAIN-1.warc.wet.gz",
                                          "b.wet.gz", "C.WARC.GZ"))
    assert not any(is_warc(name) for name in ("a.warc.txt", "warc.jsonl", "a.gz"))


def test_pages_go_through_the_html_path_and_wet_records_are_read_as_text(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    write_crawl(path)
    (page, converted), options = read(path)
    html_file = tmp_path / "page.html"
    html_file.write_text(NEWS_PAGE, encoding="utf-8")
    (as_file,), _ = read(html_file)
    assert [p.text for p in page.paragraphs] == [p.text for p in as_file.paragraphs]
    assert page.text.endswith("\n".join(NEWS_PARAGRAPHS))
    assert page.metadata["title"] == "长春冰雪旅游迎来客流高峰"
    assert page.metadata["url"] == URL
    assert page.metadata["warc_record_id"].startswith("<urn:uuid:")
    assert page.provenance.record == 3 and page.provenance.file == "crawl.warc.gz"
    assert page.edits[0].rule == "html-boilerplate-trafilatura"
    wet_lines = [line.strip() for line in WET_TEXT.split("\n") if line.strip()]
    assert [p.text for p in converted.paragraphs] == wet_lines
    assert converted.metadata["url"] == "https://www.aicaijing.com.cn/article/18786"
    assert converted.provenance.record == 7
    assert page.id != converted.id
    assert options.skipped_records == {"crawl.warc.gz": {"metadata": 1, "request": 1,
                                                         "response": 2, "warcinfo": 1}}
    assert options.messages == []


def test_an_uncompressed_warc_reads_the_same(tmp_path):
    write_crawl(tmp_path / "crawl.warc", gzip=False)
    write_crawl(tmp_path / "crawl.warc.gz")
    plain, _ = read(tmp_path / "crawl.warc")
    packed, _ = read(tmp_path / "crawl.warc.gz")
    assert [d.text for d in plain] == [d.text for d in packed]


def test_a_warc_cut_off_keeps_the_records_before_the_break(tmp_path):
    whole = tmp_path / "whole.warc"
    write_crawl(whole, gzip=False)
    data = whole.read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(data[: data.index(b"WARC-Type: conversion") + 2000])
    page, broken = read(cut)[0]
    assert page.text.endswith("\n".join(NEWS_PARAGRAPHS))
    assert broken.rejected is not None and broken.provenance.record == 7
    assert read(cut)[1].messages == ["cut.warc: record 7 breaks off before the length its header "
                                     "gives (a file cut short?); sent to rejects"]


def test_curate_run_reads_a_warc_file_and_counts_what_it_skipped(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    write_crawl(path)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(path), "-o", str(out)],
                                env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert result.exit_code == 0, result.output
    assert ("WARC records that are not pages or text skipped: 1 metadata, 1 request, "
            "2 response, 1 warcinfo") in result.output
    kept = corpus_records(out)
    assert [r["metadata"]["url"] for r in kept] == [URL, "https://www.aicaijing.com.cn/article/18786"]
    assert kept[0]["provenance"]["record"] == 3
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"][0]["skipped_records"]["response"] == 2
    assert manifest["counts"]["skipped_records"] == 5
