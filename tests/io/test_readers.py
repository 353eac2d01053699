"""Inputs of every supported kind become documents; unreadable input becomes a reject."""

import gzip
import hashlib
import json
import os
from pathlib import Path

from curate.io.limits import MAX_RECORD_BYTES, MAX_TEXT_BYTES
from curate.io.readers import InputFile, ReadOptions, iter_input_files, read_documents

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
ARTICLE = "在这个持续降温的10月，A股半导体板块久违地回暖了。\n国产替代的风潮悄然吹起。\n"


def read(path: Path, **options):
    opts = ReadOptions(source="test", **options)
    return list(read_documents(InputFile(path, path.name), opts)), opts.messages


def test_folders_are_walked_recursively_in_sorted_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b" / "1.md").write_text("x")
    found = [item.display for item in iter_input_files([str(tmp_path)])]
    assert found == [f"{tmp_path}/a.txt", f"{tmp_path}/b/1.md", f"{tmp_path}/b/2.txt"]


def test_gbk_text_file_is_decoded_and_its_encoding_recorded(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(ARTICLE.encode("gbk"))
    (doc,), messages = read(path)
    assert [p.text for p in doc.paragraphs] == ["在这个持续降温的10月，A股半导体板块久违地回暖了。",
                                                "国产替代的风潮悄然吹起。"]
    assert doc.provenance.encoding == "gb18030"
    assert messages == []


def test_gzipped_markdown_is_read(tmp_path):
    path = tmp_path / "a.md.gz"
    path.write_bytes(gzip.compress("# 标题\n\n股价飙升超过\n25%。\n".encode()))
    (doc,), _ = read(path)
    assert [p.text for p in doc.paragraphs] == ["标题", "股价飙升超过25%。"]


def test_truncated_gzip_is_rejected_with_the_file_name(tmp_path):
    path = tmp_path / "broken.txt.gz"
    path.write_bytes(gzip.compress(ARTICLE.encode())[:20])
    (doc,), messages = read(path)
    assert doc.rejected is not None and doc.rejected.rule == "unreadable-input"
    assert messages[0].startswith("broken.txt.gz: cannot decompress gzip data")
    assert messages[0].endswith("; sent to rejects")


def test_binary_file_is_rejected_not_decoded(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (doc,), messages = read(path)
    assert doc.rejected is not None
    assert messages[0].startswith("image.txt: ")


def test_jsonl_records_keep_their_other_fields_and_bad_lines_are_rejected(tmp_path):
    path = tmp_path / "dump.jsonl"
    good = {"content": ARTICLE, "url": "https://example.com/1", "lang": "zh", "date": "2025-01-02"}
    path.write_text(json.dumps(good, ensure_ascii=False) + "\n{not json\n"
                    + json.dumps({"title": "no text"}) + "\n", encoding="utf-8")
    docs, messages = read(path, text_field="content")
    assert [d.rejected is None for d in docs] == [True, False, False]
    assert docs[0].metadata == {"url": "https://example.com/1", "source_lang": "zh"}
    assert docs[0].created == "2025-01-02"
    assert docs[0].provenance.record == 1
    assert messages[0].startswith("dump.jsonl:2: invalid JSON")
    assert messages[1] == ("dump.jsonl:3: no string field 'content' (set it with --text-field); "
                           "sent to rejects")


def test_html_page_main_text_and_title_come_through_trafilatura(tmp_path):
    body = "".join(f"<p>{line}这是第{i}段正文，讲述国产芯片的发展与市场竞争格局的变化。</p>"
                   for i, line in enumerate(["英伟达", "寒武纪", "海光", "摩尔线程"]))
    html = (f"<html><head><title>国产芯片崛起</title></head><body><nav>首页 | 科技 | 财经</nav>"
            f"<article><h1>国产芯片崛起</h1>{body}</article><footer>版权所有</footer></body></html>")
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    (doc,), _ = read(path)
    assert doc.metadata["title"] == "国产芯片崛起"
    assert any(p.text.startswith("英伟达这是第0段正文") for p in doc.paragraphs)
    assert not any("首页 | 科技" in p.text for p in doc.paragraphs)


def test_seed_files_are_read_as_utf8(tmp_path):
    for path in sorted(SEEDS.glob("*.txt")):
        (doc,), messages = read(path)
        assert doc.provenance.encoding == "utf-8" and messages == []
        assert doc.paragraphs


def test_a_jsonl_file_growing_while_read_is_read_as_it_was_when_reading_began(tmp_path):
    path = tmp_path / "growing.jsonl"
    first = [json.dumps({"text": line}, ensure_ascii=False) for line in ARTICLE.splitlines()]
    path.write_text("\n".join(first) + "\n", encoding="utf-8")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    documents = read_documents(InputFile(path, path.name), ReadOptions(source="test"))
    read_first = next(documents)
    with path.open("a", encoding="utf-8") as stream:  # a crawler still appending
        stream.write(json.dumps({"text": "后来追加的记录。"}, ensure_ascii=False) + "\n")
    docs = [read_first, *documents]
    assert [d.text for d in docs] == ARTICLE.splitlines()
    assert {d.provenance.sha256 for d in docs} == {digest}


def test_a_jsonl_record_line_past_the_record_limit_is_read_past_not_held(tmp_path):
    path = tmp_path / "dump.jsonl"
    with path.open("wb") as stream:
        stream.write(json.dumps({"text": ARTICLE}, ensure_ascii=False).encode() + b"\n")
        stream.write(b'{"text": "' + b"a" * (MAX_RECORD_BYTES + 10) + b'"}\n')
        stream.write(json.dumps({"text": "国产替代的风潮悄然吹起。"}, ensure_ascii=False).encode())
    docs, messages = read(path)
    assert [d.rejected is None for d in docs] == [True, False, True]
    assert docs[1].rejected.rule == "too-large" and docs[1].text == ""
    assert messages == [f"dump.jsonl:2: a record line of {MAX_RECORD_BYTES + 23:,} bytes, longer "
                        f"than the {MAX_RECORD_BYTES:,} read as one record; not read; sent to "
                        "rejects"]


def test_a_text_file_past_the_text_limit_is_rejected_after_reading_that_much(tmp_path):
    path = tmp_path / "book.txt"
    path.write_bytes(ARTICLE.encode() * (MAX_TEXT_BYTES // len(ARTICLE.encode()) + 1))
    (doc,), messages = read(path)
    assert doc.rejected.rule == "too-large"
    assert doc.provenance.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert messages == [f"book.txt: holds more than {MAX_TEXT_BYTES:,} bytes, more than is read "
                        "as one input; split it into articles (or JSONL records) and give those; "
                        "sent to rejects"]


def test_repeats_of_one_problem_are_stored_ten_times_then_summarised(tmp_path):
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(['{"text": 1}'] * 25 + ["{oops"] * 3), encoding="utf-8")
    docs, messages = read(path)
    assert len(docs) == 10 + 3 + 1
    summary = docs[-1]
    assert summary.provenance.record == 11
    assert summary.rejected.why == ("15 more records (lines 11 to 25) rejected as the 10 before "
                                    "them were, such as: no string field 'text' (set it with "
                                    "--text-field)")
    assert len(messages) == 14


def test_a_link_out_of_the_folder_is_rejected_and_a_name_not_in_utf8_is_escaped(tmp_path):
    folder = tmp_path / "dump"
    folder.mkdir()
    (tmp_path / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (folder / "inside.txt").write_text(ARTICLE, encoding="utf-8")
    os.symlink(tmp_path / "passwd", folder / "passwd.txt")
    os.symlink("inside.txt", folder / "same.txt")  # a link inside the folder is read
    with open(os.path.join(os.fsencode(folder), b"\xb9\xfa.txt"), "wb") as stream:
        stream.write(ARTICLE.encode())
    items = {item.display: item for item in iter_input_files([str(folder)])}
    assert sorted(items) == [f"{folder}/\\xb9\\xfa.txt", f"{folder}/inside.txt",
                             f"{folder}/passwd.txt", f"{folder}/same.txt"]
    assert items[f"{folder}/passwd.txt"].problem == (
        f"a symbolic link to {tmp_path}/passwd, outside the folder read; not followed (give "
        "that file as input itself to read it)")
    assert items[f"{folder}/same.txt"].problem is None
    (doc,) = read_documents(items[f"{folder}/\\xb9\\xfa.txt"], ReadOptions(source="test"))
    assert doc.text == ARTICLE.strip()


def test_the_corpus_folder_inside_an_input_folder_is_not_walked(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "documents.jsonl").write_text("{}", encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    found = [item.display for item in iter_input_files([str(tmp_path)],
                                                       skip=[tmp_path / "corpus"])]
    assert found == [f"{tmp_path}/a.txt"]


def test_docstring_examples_of_the_limits_and_names_hold():
    import doctest

    from curate.io import limits, readers

    assert doctest.testmod(limits).failed == 0
    assert doctest.testmod(readers).failed == 0


def test_a_json_line_said_to_hold_no_control_character_parses_as_one_searched_for_them():
    from curate.io.readers import json_may_hold_controls
    from curate.markup import _CONTROL_CHARACTERS, parse_text
    from tests.io.test_decode import _lines_with_controls

    lines = _lines_with_controls()
    texts = ["\n".join(lines[start:start + 5]) for start in range(0, len(lines), 5)]
    said_none = searched = 0
    for text in texts:
        for ensure_ascii in (False, True):
            line = json.dumps({"title": "标题\b", "text": text}, ensure_ascii=ensure_ascii)
            hint = json_may_hold_controls(json.dumps({"text": text}, ensure_ascii=ensure_ascii))
            assert hint or _CONTROL_CHARACTERS.search(text) is None
            assert parse_text(text, controls=hint) == parse_text(text)
            said_none += not hint
            searched += json_may_hold_controls(line)
    assert said_none > 10 and searched == 2 * len(texts)  # both answers given
