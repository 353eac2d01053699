"""Records are written one per line, whatever line-separator characters the text holds."""

import json

from curate.io.writers import json_line


def test_unicode_line_separators_in_text_keep_the_record_on_one_line():
    text = "第一段\u2028第二段\u2029第三段\x85第四段"
    line = json_line({"text": text})
    assert len(line.splitlines()) == 1
    assert json.loads(line) == {"text": text}


def test_chinese_is_written_as_utf8_not_escaped():
    assert json_line({"text": "英伟达"}) == '{"text":"英伟达"}\n'
