"""Specification of `curate.io.decode`: the seed articles in every encoding a dump may use."""

from __future__ import annotations

import codecs
import doctest
import json
import re
import time
from pathlib import Path

import pytest

from curate.io import decode
from curate.io.decode import Decoded, DecodeError, decode_bytes
from tests.fixtures import seed_text

# A PNG signature and the start of its IHDR chunk: what a mis-saved image looks like.
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06"
# The gold encoding of a dev file names a family; detection also says the byte order.
GOLD_FAMILIES = {
    "utf-8": {"utf-8", "utf-8-sig"},
    "utf-16": {"utf-16-le", "utf-16-be"},
    "gb18030": {"gb18030"},
}



def big5_lines_of_traditional_seed() -> str:
    """The lines of seed 003 (traditional) that Big5 can encode; it lacks e.g. 户."""
    encodable = []
    for line in seed_text("003").splitlines():
        try:
            line.encode("big5")
        except UnicodeEncodeError:
            continue
        encodable.append(line)
    return "\n".join(encodable) + "\n"


def test_utf8_article_is_decoded_as_utf8() -> None:
    article = seed_text("000")
    assert decode_bytes(article.encode("utf-8")) == Decoded(article, "utf-8")


def test_utf8_bom_is_removed_and_reported_as_utf8_sig() -> None:
    article = seed_text("000")
    assert decode_bytes(codecs.BOM_UTF8 + article.encode("utf-8")) == Decoded(article, "utf-8-sig")


def test_gb18030_file_is_detected_and_decoded() -> None:
    article = seed_text("000")
    assert decode_bytes(article.encode("gb18030")) == Decoded(article, "gb18030")


def test_gbk_file_is_reported_as_its_superset_gb18030() -> None:
    article = seed_text("000")
    assert decode_bytes(article.encode("gbk")) == Decoded(article, "gb18030")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_file_without_bom_is_detected_by_where_its_nul_bytes_sit(encoding: str) -> None:
    article = seed_text("000")
    assert decode_bytes(article.encode(encoding)) == Decoded(article, encoding)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_file_of_ideographic_spaces_is_read_in_the_order_that_decodes(encoding: str) -> None:
    # Han text set off by ideographic spaces (U+3000), newlines its only ASCII: most NULs
    # stand where the other byte order puts them, which reads as unpaired surrogates.
    lines = []
    for line in seed_text("000").split("\n"):
        han = "".join(re.findall(r"[\u4e00-\u9fff]+", line))
        if len(han) >= 20:
            lines.append("\u3000".join(han[i:i + 4] for i in range(0, len(han), 4)) + "。")
    text = "\n".join(lines[:6]) + "\n"
    raw = text.encode(encoding)
    other = raw[0::2] if encoding == "utf-16-le" else raw[1::2]
    assert other.count(0) > raw.count(0) - other.count(0)  # the NULs point the wrong way
    assert decode_bytes(raw) == Decoded(text, encoding)


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_utf16_file_with_bom_is_decoded_without_the_bom(bom: bytes, encoding: str) -> None:
    article = seed_text("000")
    assert decode_bytes(bom + article.encode(encoding)) == Decoded(article, encoding)


def test_big5_traditional_article_is_detected_as_big5() -> None:
    article = big5_lines_of_traditional_seed()
    assert decode_bytes(article.encode("big5")) == Decoded(article, "big5")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "line",
    [
        "市界\n",
        # 一 is U+4E00: its NUL byte ties with the newline's, so the Han count decides.
        "英伟达芯片一片难求，国产替代趁势崛起\n",
    ],
)
def test_short_chinese_only_utf16_line_is_detected(line: str, encoding: str) -> None:
    assert decode_bytes(line.encode(encoding)) == Decoded(line, encoding)


def test_short_title_that_fits_gb18030_and_big5_is_read_as_gb18030() -> None:
    # Too short for charset_normalizer to rank; our sources are mostly mainland sites.
    title = "国产替代趁势崛起"
    assert decode_bytes(title.encode("gb18030")) == Decoded(title, "gb18030")


def test_very_short_gb18030_text_that_is_valid_utf8_is_read_as_utf8() -> None:
    # A known limit of trying UTF-8 first: 芯片 in GB18030 is d0 be c6 ac, valid UTF-8.
    assert decode_bytes("芯片".encode("gb18030")) == Decoded("оƬ", "utf-8")


def test_crlf_and_lone_cr_newlines_become_lf() -> None:
    raw = "市界\r\n2023-10-20 05:06\r\n\r\n在这个持续降温的10月\r".encode("gb18030")
    assert decode_bytes(raw) == Decoded(
        "市界\n2023-10-20 05:06\n\n在这个持续降温的10月\n", "gb18030"
    )


def test_empty_bytes_decode_to_empty_utf8_text() -> None:
    assert decode_bytes(b"") == Decoded("", "utf-8")


def test_png_header_is_rejected_as_binary() -> None:
    with pytest.raises(DecodeError, match="looks like binary data"):
        decode_bytes(PNG_HEADER)


def test_utf8_text_full_of_control_characters_is_rejected_as_binary() -> None:
    raw = bytes(range(1, 32)) * 4 + seed_text("000").encode("utf-8")
    with pytest.raises(DecodeError, match="looks like binary data: 108 of 3433 characters"):
        decode_bytes(raw)


def test_one_stray_control_character_in_an_article_is_kept() -> None:
    article = seed_text("000").replace("市界", "市\x08界")
    assert decode_bytes(article.encode("utf-8")) == Decoded(article, "utf-8")


def splice_into_gb18030_seed(inserted: bytes) -> tuple[bytes, int]:
    """Seed 000 in GB18030 with ``inserted`` before 在这个, and the offset it went in at."""
    article = seed_text("000")
    at = len(article[: article.index("在这个")].encode("gb18030"))
    raw = article.encode("gb18030")
    return raw[:at] + inserted + raw[at:], at


def test_nul_byte_in_gb18030_text_is_rejected_as_binary() -> None:
    raw, _ = splice_into_gb18030_seed(b"\x00")
    with pytest.raises(DecodeError, match="contains NUL bytes but is not UTF-16 text"):
        decode_bytes(raw)


def test_two_nul_bytes_in_gb18030_text_fail_as_utf16_with_the_offset() -> None:
    raw, at = splice_into_gb18030_seed(b"\x00\x00")
    # The NUL pair shifts the GB18030 bytes after it into an unpaired UTF-16 surrogate.
    expected = rf"not valid utf-16-le: illegal UTF-16 surrogate at offset {at + 2} \[d4 da\]"
    with pytest.raises(DecodeError, match=expected):
        decode_bytes(raw)


def test_invalid_byte_spliced_into_gb18030_text_is_rejected_with_its_offset() -> None:
    raw, at = splice_into_gb18030_seed(b"\xff")
    with pytest.raises(DecodeError, match=rf"gb18030: illegal multibyte sequence at offset {at} "):
        decode_bytes(raw)


def test_utf8_characters_spliced_into_gb18030_text_come_out_as_mojibake() -> None:
    # 英伟 in UTF-8 (e8 8b b1 e4 bc 9f) pairs up as valid GB18030: the decoder cannot tell.
    raw, _ = splice_into_gb18030_seed("英伟".encode())
    article = seed_text("000")
    at = article.index("在这个")
    assert decode_bytes(raw) == Decoded(article[:at] + "鑻变紵" + article[at:], "gb18030")


def test_utf8_bom_before_gb18030_text_is_rejected() -> None:
    raw = codecs.BOM_UTF8 + seed_text("000").encode("gb18030")
    expected = "starts with a utf-8-sig byte order mark but is not valid utf-8"
    with pytest.raises(DecodeError, match=expected):
        decode_bytes(raw)


def test_utf8_article_of_2000_characters_decodes_in_well_under_a_millisecond() -> None:
    raw = seed_text("000")[:2000].encode("utf-8")
    fastest = min(_seconds_to_decode(raw) for _ in range(5))
    assert fastest < 0.0005


def _seconds_to_decode(raw: bytes, times: int = 100) -> float:
    """Mean seconds one `decode_bytes(raw)` takes over ``times`` calls."""
    start = time.perf_counter()
    for _ in range(times):
        decode_bytes(raw)
    return (time.perf_counter() - start) / times


def test_docstring_examples_hold() -> None:
    assert doctest.testmod(decode, optionflags=doctest.ELLIPSIS).failed == 0


def test_every_dev_file_is_detected_in_its_gold_encoding_family(eval_dir: Path) -> None:
    dev = eval_dir / "dev"
    gold = [json.loads(line) for line in (dev / "gold.jsonl").read_text("utf-8").splitlines()]
    mismatches = [
        (entry["file"], entry["encoding"], encoding)
        for entry in gold
        if (encoding := decode_bytes((dev / "raw" / entry["file"]).read_bytes()).encoding)
        not in GOLD_FAMILIES[entry["encoding"]]
    ]
    assert len(gold) == len(list((dev / "raw").iterdir()))
    assert mismatches == []


def test_ascii_fields_separated_by_nul_bytes_are_not_taken_for_utf16() -> None:
    environ = b"HOME=/home/wang\x00LANG=zh_CN.UTF-8\x00PATH=/usr/local/bin:/usr/bin\x00"
    with pytest.raises(DecodeError, match="ASCII fields separated by NUL bytes"):
        decode_bytes(environ)
    assert decode_bytes("HOME=/home/wang\n".encode("utf-16-le")).text == "HOME=/home/wang\n"


def _lines_with_controls() -> list[str]:
    """The seeds' lines, and each again with characters of every kind scattered in it: C0
    controls, DEL, tab, form feed, Latin-1, CJK and astral characters."""
    import random

    sprinkled = [chr(c) for c in range(0x00, 0x80)] + ["\xe9", "\u3000", "英", "\U00020000"]
    rng = random.Random(17)
    lines = [line for prefix in ("000", "001", "002", "003", "004")
             for line in seed_text(prefix).splitlines()]
    for line in list(lines):
        chars = list(line)
        for _ in range(rng.randrange(4)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(sprinkled))
        lines.append("".join(chars))
    return lines


def test_control_characters_counted_over_utf8_bytes_are_those_the_pattern_finds():
    lines = _lines_with_controls()
    counts = [len(decode._CONTROL_CHARACTER.findall(line)) for line in lines]

    assert [decode.utf8_control_count(line.encode()) for line in lines] == counts
    assert sum(counts) > 100  # the sprinkled lines hold some


def test_a_utf8_line_of_control_characters_is_still_refused_as_binary():
    with pytest.raises(DecodeError, match="3 of 3 characters are control characters"):
        decode.LineDecoder().decode(b"\x01\x02\x1b")
