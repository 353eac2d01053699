"""Mojibake: UTF-8 read as Latin-1/CP1252 or GBK is repaired when the bytes round-trip; clean
text, whatever characters it holds, is never touched."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from curate.clean.mojibake import (
    RULE_GBK,
    RULE_GBK_BYTES_LOST,
    RULE_LATIN1,
    RULE_LOST,
    find_lost_text,
    find_mojibake,
)
from curate.clean.mojibake import RULE_SPLIT_BY_READING as RULE_SPLIT
from curate.edits import Change, apply_changes

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
# The evaluation scorer's pattern for mojibake left in the output.
SCORER_MOJIBAKE = re.compile(
    r"[ÃÂâ€¦åæçèéäö][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    r"\u2013-\u203a]|[锟斤拷]{3}|鍙|鏄|鐨|绗|浜�|锛|銆|\ufffd"
)

# Real lines of the development set (dev/raw/0009.txt, 0269.txt, 0261.txt), one paragraph each.
NAQU_BATHS = (
    "ä»\x8aå¹´3æ\x9c\x88ä»¥æ\x9d¥ï¼\x8cé\x82£æ\x9b²å¸\x82å·²å»ºæ\x88\x90è¿\x99æ\xa0·ç\x9a\x84"
    "æ\x9d\x91çº§æ¾¡å\xa0\x8219ä¸ªï¼\x8cé¢\x84è®¡ä»\x8aå¹´ä¸\x8bå\x8d\x8aå¹´ï¼\x8cæ\x9d\x91çº§"
    "æ¾¡å\xa0\x82å°\x86è¦\x86ç\x9b\x96æ\x89\x80æ\x9c\x89å\x81\x8fè¿\x9cç\x89§å\x8cºä¹¡æ\x9d\x91ã\x80\x82"
)
TAIPING_ISLAND = (
    "4æ\x9c\x8829æ\x97¥ï¼\x8cä¸\xadå\x9c\x8bå¤\x96äº¤é\x83¨è\x88\x87å\x85§æ\x94¿é\x83¨ã\x80\x81"
    "æµ·è»\x8dç¸½å\x8f¸ä»¤é\x83¨æ\x9c\x83å\x95\x86ç¢ºä¿\x9då\x8d\x97æµ·å³¶å¶¼å°\x8dç\xad\x96ã\x80\x82"
    "5æ\x9c\x8821æ\x97¥ï¼\x8cã\x80\x8cæ°¸è\x88\x88ã\x80\x8dã\x80\x81ã\x80\x8cä¸\xadæ¥\xadã\x80\x8d"
    "å\x85©è»\x8dè\x89¦é§\x9bæ\x8aµå\x8d\x97æ²\x99ç¾¤å³¶ä¹\x8bå¤ªå¹³å³¶ï¼\x8cé§\x90å®\x88å\x8d\x97ç\x96\x86"
    "ã\x80\x82"
)
PLENUM_COVERAGE = (
    "å¤®è§\x86ç½\x91æ¶\x88æ\x81¯ï¼\x88æ\x96°é\x97»è\x81\x94æ\x92\xadï¼\x89ï¼\x9aå\x9b½é\x99\x85"
    "åª\x92ä½\x93å¯¹ä¸\xadå\x9b½å\x85±äº§å\x85\x9aäº\x8cå\x8d\x81å±\x8aä¸\x89ä¸\xadå\x85¨ä¼\x9a"
    "è¿\x9bè¡\x8cäº\x86å\x85³æ³¨æ\x8a¥é\x81\x93ã\x80\x82"
)
# A paragraph of the development set (dev/raw/0085.md) hard-wrapped every 40 characters, so
# the wraps fall inside the two-character Latin-1 readings of one UTF-8 byte sequence.
FIREFIGHTERS_WRAPPED = (
    "è¿\x98æ\x9c\x89å¤\x9aå\x90\x8dæ¶\x88é\x98²å\x91\x98å¯¹ç¾\x8eå\x9b½åª\x92ä½\x93è¡¨ç\n"
    "¤ºï¼\x8cæ\x8b\x89æµ·çº³é\x95\x87ç\x9a\x84æ¶\x88é\x98²æ\xa0\x93è¦\x81ä¹\x88æ°´å\x8e\n"
    "\x8bä¸\x8dè¶³ï¼\x8cè¦\x81ä¹\x88æ\xa0¹æ\x9c¬æ²¡æ°´ï¼\x8cå¯¼è\x87´æ\x95\x91\n"
    "ç\x81«å·¥ä½\x9cæ\x9b´é\x9a¾å±\x95å¼\x80ã\x80\x82\n"
)


def seed_line(prefix: str, containing: str) -> str:
    """The first line of seed ``prefix`` (``"000"``) that contains ``containing``."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return next(line for line in path.read_text(encoding="utf-8").split("\n") if containing in line)


def read_as_cp1252(text: str) -> str:
    """``text``'s UTF-8 bytes read the way Windows does: CP1252, C1 controls where it has none."""
    return "".join(
        bytes([byte]).decode("cp1252", errors="ignore") or chr(byte)
        for byte in text.encode("utf-8")
    )


def repaired(text: str) -> str:
    return apply_changes(text, find_mojibake(text))


def test_latin1_mojibake_paragraph_is_repaired_to_the_gold_text():
    changes = find_mojibake(NAQU_BATHS)
    assert apply_changes(NAQU_BATHS, changes) == (
        "今年3月以来，那曲市已建成这样的村级澡堂19个，预计今年下半年，村级澡堂将覆盖所有偏远牧区乡村。"
    )
    assert [(c.rule, c.start, c.end, c.old) for c in changes] == [
        (RULE_LATIN1, 0, len(NAQU_BATHS), NAQU_BATHS)
    ]


def test_latin1_mojibake_leaves_surrounding_ascii_outside_the_change():
    (change,) = find_mojibake(TAIPING_ISLAND)
    assert (change.start, change.old) == (1, TAIPING_ISLAND[1:])
    assert repaired(TAIPING_ISLAND) == (
        "4月29日，中國外交部與內政部、海軍總司令部會商確保南海島嶼對策。"
        "5月21日，「永興」、「中業」兩軍艦駛抵南沙群島之太平島，駐守南疆。"
    )


def test_latin1_mojibake_holding_nel_is_repaired_when_lines_are_split_at_newlines_only():
    # U+0085 (the byte 0x85 of 际, 共, 党, 全, 关) is a line break to str.splitlines().
    assert "\x85" in PLENUM_COVERAGE and len(PLENUM_COVERAGE.splitlines()) == 6
    assert repaired(PLENUM_COVERAGE) == (
        "央视网消息（新闻联播）：国际媒体对中国共产党二十届三中全会进行了关注报道。"
    )


def test_latin1_mojibake_keeps_the_glued_pinyin_for_the_pinyin_step():
    fragment = "è¨\xadæ\x96½è¨\xadå\x82\x99(bÃ¨i)å»ºè¨\xad(shÃ¨)ç\xad\x89"  # dev raw 0060.txt
    assert repaired(fragment) == "設施設備(bèi)建設(shè)等"


def test_cp1252_mojibake_inside_good_text_is_repaired():
    line = seed_line("002", "元禾璞华就做得很成功")
    quote = "“元禾璞华就做得很成功，当时元禾璞华出手投了一批有规模的上市公司。”"
    garbled = line.replace(quote, read_as_cp1252(quote))
    assert garbled.startswith("â€œå…ƒç¦¾ç’žå\x8dŽ")
    (change,) = find_mojibake(garbled)
    assert (change.rule, change.old, change.new) == (RULE_LATIN1, read_as_cp1252(quote), quote)
    assert repaired(garbled) == line


def test_gbk_mojibake_inside_good_text_is_repaired():
    line = seed_line("000", "国信证券分析道")
    clause = "国信证券分析道：随着英伟达H800等系列芯片限制对华出口，"
    garbled = line.replace(clause, clause.encode("utf-8").decode("gb18030"))
    assert "鍥戒俊璇佸埜鍒嗘瀽閬擄細" in garbled
    (change,) = find_mojibake(garbled)
    assert (change.rule, change.new) == (RULE_GBK, clause)
    assert change.old == clause.encode("utf-8").decode("gb18030")
    assert repaired(garbled) == line


@pytest.mark.parametrize("errors", ["replace", "ignore"])
def test_gbk_mojibake_that_lost_bytes_is_read_again_and_what_lost_a_byte_is_cut(errors: str):
    line = seed_line("000", "国信证券分析道")
    sentence = "中国高端AI芯片将进入真空期。"
    # U+FFFD where GBK had no character for a byte ("replace"), or nothing at all ("ignore")
    garbled = line.replace(sentence, sentence.encode("utf-8").decode("gbk", errors))
    assert "鍥介珮绔疉I鑺" in garbled
    (change,) = find_mojibake(garbled)
    # 中, 芯 and 。 each lost a byte: cut, the rest read again from the next whole character
    assert (change.rule, change.new) == (RULE_GBK_BYTES_LOST, "国高端AI片将进入真空期")
    assert repaired(garbled) == line.replace(sentence, "国高端AI片将进入真空期")


def test_gbk_mojibake_that_lost_bytes_in_transit_leaves_no_mojibake():
    line = seed_line("000", "国信证券分析道")
    data = bytearray(line.encode("utf-8"))
    del data[200], data[120], data[40]  # three bytes lost before the GBK reading
    garbled = bytes(data).decode("gbk", "replace")
    text = apply_changes(repaired(garbled), find_lost_text(repaired(garbled)))
    assert SCORER_MOJIBAKE.findall(text) == []
    # the characters that lost a byte are cut, every other one read again
    assert text == ("上述背景，为国产AI算力片的大涨写下了注脚国信证券分析道：随英伟达H800等系列片"
                    "限制华出口，中国高端AI片将进入真空期但国产I片蓬勃发展，有望实现国产替代")


def test_a_reading_glued_to_a_character_that_lost_a_byte_is_cut_with_it(clean):
    line = seed_line("000", "国信证券分析道")
    glued = line.replace("中国高端AI芯片", "中(zhōng)国高端AI芯(xīn)片(piàn)")
    garbled = glued.encode("utf-8").decode("gbk", "replace")
    assert "(x墨n)" in garbled  # the ī of xīn read as GBK
    (doc,) = clean(garbled, ["repair_mojibake", "strip_glued_pinyin"])
    # 芯 and 片 lost a byte: they go, and their readings with them
    assert doc.text == ("上述背景，为国产AI算力片股的大涨写下了注脚。国信证券分析道：随英伟达H800等"
                        "系列芯片限制华出口，中国高端AI将进入真空期。但国产AI片蓬勃发展，有望实现国产替代")


@pytest.mark.parametrize(
    "line",
    [
        seed_line("000", "英伟达芯片一片难求").replace("一片", "锟斤拷锟斤拷"),
        seed_line("000", "英伟达芯片一片难求").replace("一片", "\ufffd\ufffd"),
    ],
)
def test_marks_of_lost_bytes_are_not_read_again_but_cut(line: str):
    assert find_mojibake(line) == []
    (change,) = find_lost_text(line)
    assert (change.rule, change.new) == (RULE_LOST, "")
    assert apply_changes(line, [change]) == "# 英伟达芯片难求，国产替代趁势崛起"


def test_an_odd_lost_character_beside_the_marks_goes_with_them_and_a_name_keeps_its_kun():
    # one U+FFFD more than a pair leaves a 锟 of its own after 锟斤拷
    line = seed_line("000", "英伟达芯片一片难求").replace("一片", "锟斤拷锟")
    assert apply_changes(line, find_lost_text(line)) == "# 英伟达芯片难求，国产替代趁势崛起"
    # 锟 is also a character of names: with no mark beside it, it is text
    assert find_lost_text("发布会昨日在北京举行。（记者 李锟）") == []


def test_a_paragraph_garbled_beyond_repair_is_cut_whole():
    # GBK bytes read as UTF-8 (U+FFFD), saved as UTF-8 and read as GBK again (锟斤拷): a few
    # characters survive between the marks, none of them the text
    line = seed_line("000", "国信证券分析道")
    garbled = line.encode("gb18030").decode("utf-8", "replace")
    garbled = garbled.encode("utf-8").decode("gbk", "replace")
    assert garbled.startswith("锟斤拷锟斤拷锟斤拷")
    assert find_lost_text(garbled) == [Change(0, len(garbled), "", RULE_LOST, garbled)]


def test_the_step_cuts_a_lost_paragraph_and_says_why(clean):
    line = seed_line("000", "国信证券分析道")
    lost = line.encode("gb18030").decode("utf-8", "replace")
    (doc,) = clean(f"{line}\n\n{lost}\n\n{line}\n\n{line}", ["repair_mojibake"])
    assert doc.text == "\n".join([line] * 3)
    (edit,) = doc.edits
    assert (edit.step, edit.rule, edit.action, edit.text) == (
        "repair_mojibake", RULE_LOST, "remove", lost)
    assert edit.why.startswith("bytes were lost before the text reached us")


def test_the_step_leaves_a_page_lost_whole_for_the_page_step(clean):
    line = seed_line("000", "国信证券分析道")
    lost = line.encode("gb18030").decode("utf-8", "replace")
    (doc,) = clean(f"{lost}\n\n{lost}", ["repair_mojibake"])
    assert doc.edits == []


@pytest.mark.parametrize(
    "line",
    [
        "仙台市冬季涼爽且乾燥，1月的平均氣溫是1.5 °C。",  # dev raw 0063.txt
        "可实现每秒30/25/24帧，分辨率1920×1080",  # dev raw 0112.md
        "9月22日,澳大利亚移民(微博)和公民事务部长Chris\xa0Bowen与澳大利",  # dev raw 0156.md
        "午餐通常是自助餐形式，人稱「mélange」，有「混雜堆積」之意",  # dev raw 0185.md
        "周恩來會見羅馬尼亞共產黨中央書記伊利耶·維爾德茨率領的代表團",  # dev raw 0013.txt
        "當(dāng)臨(lín)床上量到過一次血壓(yā)高指標之後，馬(mǎ)上要做動態測(cè)量",  # 0275.txt
    ],
)
def test_latin1_symbols_and_pinyin_in_clean_text_stay(line: str):
    assert find_mojibake(line) == []


def test_seed_text_changes_only_where_a_reading_split_a_character():
    repairs = [
        (path.name[:3], change.old)
        for path in sorted(SEEDS.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").split("\n")
        for change in find_mojibake(line)
    ]
    assert repairs == [("001", "?shù)貢r"), ("001", "?shù)貢r"), ("001", "?yún)⑴c"), ("001", "?duì)I")]


def test_clean_news_and_gold_paragraphs_are_never_changed(shared_data: Path, eval_dir: Path):
    news = shared_data / "xwlb-cctv-news.jsonl"
    texts = [json.loads(row)["text"] for row in news.read_text(encoding="utf-8").splitlines()]
    gold_rows = (eval_dir / "dev" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    texts += [a["text"] for row in gold_rows for a in json.loads(row)["articles"]]
    changed = [p for text in texts for p in text.split("\n") if find_mojibake(p)]
    assert len(texts) > 8000
    assert changed == []


def test_dev_mojibake_is_repaired_in_flagged_files_only(eval_dir: Path):
    rows = (eval_dir / "dev" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    flagged, repaired_in, left = set(), set(), []
    for gold in map(json.loads, rows):
        if "mojibake" in gold["flags"]:
            flagged.add(gold["file"])
        raw = (eval_dir / "dev" / "raw" / gold["file"]).read_bytes().decode(gold["encoding"])
        for paragraph in joined_paragraphs(raw):
            if find_mojibake(paragraph):
                repaired_in.add(gold["file"])
            left += SCORER_MOJIBAKE.findall(repaired(paragraph))
    assert flagged, "gold.jsonl flags no file with mojibake"
    assert repaired_in == flagged
    assert left == []


def test_hard_wrapped_markdown_mojibake_is_repaired_after_joining_lines():
    (paragraph,) = joined_paragraphs(FIREFIGHTERS_WRAPPED)
    assert repaired(paragraph) == (
        "还有多名消防员对美国媒体表示，拉海纳镇的消防栓要么水压不足，要么根本没水，"
        "导致救火工作更难展开。"
    )


def joined_paragraphs(raw: str) -> list[str]:
    """Paragraphs as the caller gives them: blank-line separated, wrapped lines joined without
    a space when either side is non-ASCII, split at newlines only (never at U+0085)."""
    paragraphs = []
    for block in re.split(r"\n[ \t]*\n", raw):
        joined = ""
        for line in block.split("\n"):
            glue = "" if not joined or not (joined[-1] + line[:1]).isascii() else " "
            joined += glue + line
        paragraphs.append(joined)
    return paragraphs


def test_characters_split_by_a_glued_reading_are_restored_in_seed_001():
    line = seed_line("001", "不想?yún)⑴c")
    changes = find_mojibake(line)
    assert [(c.old, c.new, c.rule) for c in changes] == [
        ("?shù)貢r", "地時", RULE_SPLIT), ("?yún)⑴c", "參與", RULE_SPLIT)
    ]
    assert "如果美國不想參與中國市場" in repaired(line)


def test_the_reading_names_the_lost_byte_before_the_next_reading_is_stripped(clean):
    line = seed_line("001", "當(dāng)?shù)貢r(shí)間")
    assert [(c.old, c.new) for c in find_mojibake(line)] == [("?shù)貢r", "地時")]
    (doc,) = clean(line, steps=["repair_mojibake", "strip_glued_pinyin"])
    assert doc.text == (
        "觀察者網顯示,當地時間6月12日,黃仁勛在接受媒體采訪時稱,由于美國對中國市場的芯片銷售"
        "實施了嚴格的貿易限制,英偉達將不再把中國市場納入其收入和利潤預測中。"
    )
    first, *readings = [(e.step, e.rule, e.text, e.replacement) for e in doc.edits]
    assert first == ("repair_mojibake", RULE_SPLIT, "?shù)貢r", "地時")
    assert ("strip_glued_pinyin", "glued-pinyin", "(shí)", None) in readings
    assert {rule for _, rule, _, _ in readings} == {"glued-pinyin"}


def test_a_split_character_before_ascii_is_restored_alone():
    line = seed_line("001", "2024年?duì)I業(yè)收入")
    assert [(c.old, c.new) for c in find_mojibake(line)] == [("?duì)I", "營")]
    assert "公司2024年營業(yè)收入為11.74億元" in repaired(line)


@pytest.mark.parametrize("line", [
    "这是什么?shù)据显示",  # a question mark before ordinary text
    "链接 image?_iz=58558&from=article.pc_detail",
    "请问(wèn)你是谁?nǐ)好",
])
def test_a_question_mark_before_latin_letters_is_left_alone(line: str):
    assert find_mojibake(line) == []


def _clean_and_garbled_texts(shared_data: Path, eval_dir: Path) -> tuple[list[str], list[str]]:
    """Clean news, the seeds and the development set; and GBK mojibake made of the news,
    whole and with bytes lost."""
    news = [json.loads(line)["text"] for line in
            (shared_data / "thucnews-cnews-1000.jsonl").read_text(encoding="utf-8").splitlines()]
    raw = [path.read_text(encoding="utf-8", errors="replace")
           for folder in (SEEDS, eval_dir / "dev" / "raw") for path in sorted(folder.iterdir())]
    garbled = [text[:300].encode("utf-8").decode("gb18030", errors="replace") for text in news]
    garbled += [text[:300].encode("utf-8")[1:-7].decode("gbk", errors="ignore") for text in news]
    return news + raw, garbled


def test_the_gbk_screen_passes_every_paragraph_the_full_search_repairs(shared_data, eval_dir):
    """The screen (two common characters read again, anywhere in the paragraph's GBK bytes)
    skips only paragraphs the full search leaves alone: clean news, the seeds, the development
    set, and GBK mojibake made of the news, whole and with bytes lost."""
    from curate.clean.mojibake import _gbk_repairs, _may_read_as_chinese, find_gbk_mojibake

    clean, garbled = _clean_and_garbled_texts(shared_data, eval_dir)
    paragraphs = [line for text in clean + garbled for line in text.splitlines() if line]
    screened = [line for line in paragraphs if not _may_read_as_chinese(line)]
    assert len(screened) > len(paragraphs) / 2
    assert [line for line in screened if _gbk_repairs(line)] == []
    assert sum(bool(find_gbk_mojibake(line)) for line in garbled) > 1500


def test_gbk_reading_of_a_whole_text_is_each_character_encoded_in_turn():
    from curate.clean.mojibake import _LOST_BYTES, _gbk_reading

    def one_by_one(text: str) -> tuple[bytes, list[int]]:
        pieces, starts = [], [0]
        for char in text:
            try:
                piece = _LOST_BYTES if char == "\ufffd" else char.encode("gb18030")
            except UnicodeEncodeError:
                piece = _LOST_BYTES
            pieces.append(piece)
            starts.append(starts[-1] + len(piece))
        return b"".join(pieces), starts

    lines = [line for seed in sorted(SEEDS.glob("*.txt"))
             for line in seed.read_text(encoding="utf-8").splitlines()]
    odd = ["鍙戝竷鐨勶紝a€\x80é😀𠀀ſ\u3000", "灏嗚繘鍏ョ湡绌烘湡銆\ufffd", "新\ud800闻", ""]
    for text in lines + odd:
        assert _gbk_reading(text) == one_by_one(text), text


def test_gbk_stretches_found_by_unit_roles_are_those_of_reading_each_unit_in_turn(
        shared_data, eval_dir):
    """The stretches of GBK mojibake, each distinct UTF-8 unit's role remembered, are those
    of deciding every unit where it stands, on the paragraphs the screen lets through of
    clean news, the seeds, the development set and GBK mojibake made of the news, whole and
    with bytes lost."""
    from curate.clean import mojibake

    def unit_by_unit(text: str, data: bytes, starts: list[int]) -> list[tuple[int, int]]:
        found, span, gap = [], None, bytearray()
        for match in mojibake._UTF8_UNIT.finditer(data):
            unit = match.group()
            if len(unit) < 3 or not mojibake._is_evidence(unit.decode("utf-8")):
                if len(unit) > 2 or mojibake._repaired_unit(unit) is None:
                    gap += unit
                continue
            if span is not None and mojibake._is_loss(bytes(gap)):
                span[1:] = match.end(), span[2] + 1
                gap.clear()
                continue
            gap.clear()
            if span is not None:
                found += mojibake._whole_characters(text, data, starts, span)
            span = [match.start(), match.end(), 1]
        if span is not None:
            found += mojibake._whole_characters(text, data, starts, span)
        return found

    clean, garbled = _clean_and_garbled_texts(shared_data, eval_dir)
    paragraphs = [line for text in clean + garbled for line in text.splitlines()
                  if line and mojibake._may_read_as_chinese(line)]
    spans = 0
    for line in paragraphs:
        data, starts = mojibake._gbk_reading(line)
        found = list(mojibake._gbk_spans(line, data, starts))
        assert found == unit_by_unit(line, data, starts)
        spans += len(found)
    assert spans > 1500
