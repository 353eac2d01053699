"""Find encoding mojibake inside otherwise good text and the repair that round-trips.

Two ways scraped pages garble UTF-8 Chinese:

- read as Latin-1 or CP1252, each byte one character: ``今年3月以来，那曲`` arrives as
  ``ä»\\x8aå¹´3æ\\x9c\\x88ä»¥æ\\x9d¥ï¼\\x8cé\\x82£æ\\x9b²`` (with invisible C1 controls), or as
  ``â€œ`` for ``“``. ASCII bytes survive, so digits and punctuation sit inside the span.
- read as GBK/GB18030, each byte pair one character: ``发布的，`` arrives as ``鍙戝竷鐨勶紝``.

The repair turns the characters back into the bytes they were read from and decodes those
as UTF-8, strictly. It only replaces a stretch whose bytes are complete UTF-8 characters,
that begins and ends on a character of the text and whose repair holds Chinese; a GBK repair
must also read as more common Chinese than the mojibake (clean traditional text has many
characters GBK mojibake is made of). ``锟斤拷`` and U+FFFD mean bytes were lost before the
text reached us: nothing is invented for them. GBK mojibake nearly always has them (a
sentence of 3-byte characters rarely splits into whole byte pairs), so the stretches between
them are repaired and the characters next to a lost byte stay as they are.

Plain codecs rather than ftfy: with its width and quote fixes off ftfy gives the same result
on every paragraph of the development set, but takes ten times as long, leaves short spans
such as ``2015å¹´8月`` (5 to 15 of 1,500 news sentences) and does not know GBK.

A third garbling mixes both defects: a site that glues readings onto GBK text but steps
through the bytes one pair off now and then reads the trailing byte of a character and the
leading byte of the next as one character, and glues *its* reading between the two bytes.
Decoded again, the split lead byte and the ``(`` become ``?`` and the trail byte pairs with
the next character: ``當(dāng)地時(shí)間`` arrives as ``當(dāng)?shù)貢r(shí)間`` (94 B5, the end
of 當 and the start of 地, is 數 shù). The reading names the lost byte: it is the one byte
that makes, with the end of the character before, a common character of that reading.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np

from curate.clean.line_features import CodePointClasses, code_points
from curate.clean.pinyin import HAN, is_reading_of
from curate.edits import Change

RULE_LATIN1 = "mojibake-latin1"
RULE_GBK = "mojibake-gbk"
RULE_GBK_BYTES_LOST = "mojibake-gbk-bytes-lost"
RULE_SPLIT_BY_READING = "mojibake-split-by-reading"
RULE_LOST = "mojibake-lost"


def _cp1252_printables() -> dict[str, int]:
    """The characters CP1252 gives to bytes 0x80-0x9f (``€`` for 0x80); five bytes have none."""
    table = {}
    for byte in range(0x80, 0xA0):
        try:
            table[bytes([byte]).decode("cp1252")] = byte
        except UnicodeDecodeError:
            continue
    return table


_CP1252_PRINTABLES = _cp1252_printables()
# CP1252 characters back to the Latin-1 character of the same byte, so one encode serves both.
_CP1252_TO_LATIN1 = str.maketrans({char: chr(byte) for char, byte in _CP1252_PRINTABLES.items()})
_CONTINUATION_CHARS = "\u0080-\u00bf" + "".join(_CP1252_PRINTABLES)

# Cheap test: a UTF-8 lead byte read as Latin-1 (Â..ô) followed by a continuation byte.
_LATIN1_HINT = re.compile(f"[\u00c2-\u00f4][{_CONTINUATION_CHARS}]")
_SINGLE_BYTE_RUN = re.compile(f"[\u0001-\u00ff{''.join(_CP1252_PRINTABLES)}]+")

_UTF8_TWO_BYTES = rb"[\xc2-\xdf][\x80-\xbf]"
_UTF8_WIDE = (
    rb"(?:\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2})"
)
# Three- and four-byte UTF-8 characters (where CJK lives), with ASCII (which survives
# mojibake) and two-byte characters (``·``, ``×``) between them. A stretch never ends on a
# two-byte character: GBK pairs of clean text next to the mojibake (``英伟`` = D3A2 CEB0)
# often read as one.
_UTF8_STRETCH = re.compile(
    _UTF8_WIDE + rb"(?:(?:[\x00-\x7f]|" + _UTF8_TWO_BYTES + rb")*" + _UTF8_WIDE + rb")*"
)

_CJK = re.compile(f"[{HAN}\u3000-\u303f\uff00-\uffef]")
_HAN_CHAR = re.compile(f"[{HAN}]")
_CJK_PUNCTUATION = re.compile("[\u3000-\u303f\uff00-\uffef\u2014\u2018\u2019\u201c\u201d\u2026·]")
# Outside what Chinese prose is written with (ASCII, Latin-1, punctuation and symbols, CJK,
# kana, emoji): controls, the private use area, other scripts. Clean text that happens to
# decode as UTF-8 lands there (``鐙骨底板`` -> ``狹ǵװ壬``); repaired Chinese does not.
_UNLIKELY_IN_CHINESE = re.compile(
    "[^\t\x20-\x7e\u00a0-\u00ff\u2000-\u27bf\u2e80-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\ufe30-\ufe4f\uff00-\uffef\U0001f000-\U0001faff\U00020000-\U0003134f]"
)


def _gbk_mojibake_signature() -> str:
    """Characters GBK makes of a CJK UTF-8 lead byte and a continuation byte (``鍙``, ``锛``)."""
    chars = []
    for lead in (*range(0xE3, 0xEA), 0xEF):
        for trail in range(0x80, 0xC0):
            try:
                chars.append(bytes([lead, trail]).decode("gb18030"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


_GBK_SIGNATURE = _gbk_mojibake_signature()
# Cheap test: about one character in three of GBK mojibake has the signature; one clean news
# paragraph in fifty has it too and pays for the full search.
_GBK_HINT = re.compile(f"[{_GBK_SIGNATURE}]")
_LEFT_BY_LOSS = re.compile(f"[{_GBK_SIGNATURE}\ufffd]+")
# GB18030 encodes every character but lone surrogates.
_GBK_RUN = re.compile("[^\ud800-\udfff]+")


def _common_share(text: str) -> float:
    """Share of the Han characters of ``text`` among the most frequent ones (GB2312 level 1
    or Big5 level 1); 0.0 when there are none.

    >>> _common_share("发布的"), _common_share("鍙戝竷")
    (1.0, 0.0)
    """
    hanzi = _HAN_CHAR.findall(text)
    if not hanzi:
        return 0.0
    return sum(_is_common_hanzi(char) for char in hanzi) / len(hanzi)


@cache  # asked of the same few thousand characters over and over
def _is_common_hanzi(char: str) -> bool:
    """Whether ``char`` is among the 3,755 most frequent simplified (GB2312 level 1) or the
    5,401 most frequent traditional (Big5 level 1) characters."""
    try:
        gb = char.encode("gb2312")
        if 0xB0 <= gb[0] <= 0xD7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        big5 = char.encode("big5")
    except UnicodeEncodeError:
        return False
    return 0xA440 <= int.from_bytes(big5, "big") <= 0xC67E


def _repairs(run: re.Match[str], misreading: Misreading) -> Iterator[Change]:
    """Changes for the stretches of ``run`` whose bytes, as it was read, are valid UTF-8.

    Reading the bytes again tells where the characters of the run begin. Each stretch starts
    and ends where a character does; one the misreading does not accept is retried a byte
    further on, so clean text that happens to decode (``閹割`` before GBK mojibake) is left
    out of the repair.
    """
    read = misreading.read
    data = misreading.reading(run.group())
    position = known_byte = known_chars = 0  # known_byte starts the known_chars-th character
    while (match := _UTF8_STRETCH.search(data, position)) is not None:
        start, position = match.start(), match.start() + 1
        try:
            known_chars += len(read(data[known_byte:start]))
            known_byte = start
        except UnicodeDecodeError as inside:  # start is inside a character; move up to it
            known_chars += len(read(data[known_byte : known_byte + inside.start]))
            known_byte += inside.start
            continue
        end = _last_character_end(data, start, match.end(), read)
        if end is None:
            continue
        old_start = run.start() + known_chars
        old = run.string[old_start : old_start + len(read(data[start:end]))]
        new = data[start:end].decode("utf-8")
        if _CJK.search(new) and misreading.accept(old, new):
            position = known_byte = end
            known_chars += len(old)
            yield Change(old_start, old_start + len(old), new, misreading.rule, old)


def _character_count(data: bytes, read: Callable[[bytes], str]) -> int | None:
    """How many characters ``data`` reads as, or None when it ends inside a character."""
    try:
        return len(read(data))
    except UnicodeDecodeError:
        return None


def _last_character_end(
    data: bytes, start: int, stop: int, read: Callable[[bytes], str]
) -> int | None:
    """The last offset up to ``stop`` where both a UTF-8 stretch from ``start`` and a
    character as read end."""
    for end in range(stop, start, -1):
        if _UTF8_STRETCH.fullmatch(data, start, end) and _character_count(data[start:end], read):
            return end
    return None


def _reads_as_chinese(old: str, new: str) -> bool:
    """Whether the GBK repair ``new`` of ``old`` is more plausible Chinese than ``old``: only
    characters Chinese text is written with, common ones at both ends, and a larger share of
    common characters.

    >>> _reads_as_chinese("鍙戝竷鐨勶紝", "发布的，")
    True
    >>> _reads_as_chinese("鐙骨底板，", "狹ǵװ壬")
    False
    """
    if _UNLIKELY_IN_CHINESE.search(new):
        return False
    wide = [char for char in new if not char.isascii()]
    if not all(
        _is_common_hanzi(char) or _CJK_PUNCTUATION.match(char) for char in (wide[0], wide[-1])
    ):
        return False
    return _common_share(new) > _common_share(old)


@dataclass(frozen=True)
class Misreading:
    """One way UTF-8 gets misread, and how to read it back."""

    rule: str
    hint: re.Pattern[str]  # cheap test that a text may hold this mojibake
    runs: re.Pattern[str]  # the parts of a text this misreading can have produced
    reading: Callable[[str], bytes]  # the bytes a text was read from
    read: Callable[[bytes], str]  # those bytes read again, strictly
    accept: Callable[[str, str], bool]  # whether a repair (old, new) is taken

    def changes(self, text: str) -> list[Change]:
        if not self.hint.search(text):
            return []
        return [change for run in self.runs.finditer(text) for change in _repairs(run, self)]


LATIN1 = Misreading(
    rule=RULE_LATIN1,
    hint=_LATIN1_HINT,
    runs=_SINGLE_BYTE_RUN,
    reading=lambda text: text.translate(_CP1252_TO_LATIN1).encode("latin-1"),
    read=lambda data: data.decode("latin-1"),
    accept=lambda old, new: True,
)
GBK = Misreading(
    rule=RULE_GBK,
    hint=_GBK_HINT,
    runs=_GBK_RUN,
    reading=lambda text: text.encode("gb18030"),
    read=lambda data: data.decode("gb18030"),
    accept=_reads_as_chinese,
)


def find_latin1_mojibake(text: str) -> list[Change]:
    """Changes repairing UTF-8 that was read as Latin-1 or CP1252. A change starts and ends on
    a repaired character: ASCII around the mojibake stays outside it.

    >>> from curate.edits import apply_changes
    >>> text = "æ\\x8d®æ\\x96°å\\x8d\\x8eç¤¾æ\\x8a¥é\\x81\\x93 â€œ2025â€\\x9d"
    >>> apply_changes(text, find_latin1_mojibake(text))
    '据新华社报道 “2025”'
    """
    return LATIN1.changes(text)


# One character as UTF-8 reads its bytes: ASCII, a two-byte or a wider character, or a byte
# that starts none (a lost or misplaced byte, where a resynchronising decoder moves on).
_UTF8_UNIT = re.compile(rb"[\x00-\x7f]|" + _UTF8_TWO_BYTES + rb"|" + _UTF8_WIDE + rb"|[\x80-\xff]")
_LOST_BYTES = b"\xff"  # what U+FFFD stands for: bytes lost before the text reached us
# What a loss leaves between two characters read again, ASCII aside: the first bytes of the
# character that lost the rest, the marks of lost bytes, the last bytes of one that lost its
# first. Clean GBK text next to mojibake is not read so (``今天`` = BD F1 CC EC).
_LOSS = re.compile(rb"(?:(?:[\xc2-\xf4][\x80-\xbf]{0,2})?\xff{0,2}[\x80-\xbf]{0,3}){1,3}")
_MIN_REPAIRED_HAN = 2
_MAX_BRIDGED = 4  # characters up to two losses leave at a stretch's edge


# How many bytes GB18030 writes each character with (1, 2 or 4), asked once a character.
_GB18030_WIDTHS = CodePointClasses(lambda char: len(char.encode("gb18030")))


def _gbk_reading(text: str) -> tuple[bytes, list[int]]:
    """The bytes GBK/GB18030 read as ``text`` and where each character's bytes start (one
    more offset at the end); U+FFFD, and what GB18030 cannot encode, stand for lost bytes.
    A text with neither is encoded whole, its offsets summed from each character's width
    (GB18030 writes a character the same bytes wherever it stands).

    >>> _gbk_reading("鍙戝a")
    (b'\\xe5\\x8f\\x91\\xe5a', [0, 2, 4, 5])
    """
    if "\ufffd" not in text:
        try:
            data = text.encode("gb18030")
        except UnicodeEncodeError:  # a lone surrogate: character by character below
            pass
        else:
            widths = _GB18030_WIDTHS(code_points(text))
            return data, [0, *np.cumsum(widths).tolist()]
    pieces, starts, at = [], [], 0
    for char in text:
        starts.append(at)
        try:
            piece = _LOST_BYTES if char == "\ufffd" else char.encode("gb18030")
        except UnicodeEncodeError:
            piece = _LOST_BYTES
        pieces.append(piece)
        at += len(piece)
    starts.append(at)
    return b"".join(pieces), starts


def _repaired_unit(unit: bytes) -> str | None:
    """What one UTF-8 unit reads as, or None for a byte that starts no character or a
    character Chinese text is not written with."""
    if len(unit) == 1 and unit[0] >= 0x80:
        return None
    char = unit.decode("utf-8")
    return None if _UNLIKELY_IN_CHINESE.match(char) else char


_SKIPPED = "\x00"  # where the decoder skipped bytes, until the readings beside it are cut
_TONED = "a-z\u00e0-\u01dc"
# A glued reading whose character was cut (闻(wén) lost 闻), or that lost a byte itself.
_ORPHAN_READING = re.compile(
    f"{_SKIPPED}+[(（][{_TONED}]{{1,7}}[)）]|[(（][{_TONED}]*{_SKIPPED}[{_TONED}{_SKIPPED}]*[)）]"
)


def _resynchronised(data: bytes) -> tuple[str, int]:
    """``data`` read as UTF-8 by a decoder that skips what starts no character and reads on
    from the next one; returns the text and how many bytes were skipped. A glued reading of
    a character that was skipped, or one that lost a byte, goes with it.

    >>> _resynchronised("发布的".encode()[1:])
    ('布的', 2)
    >>> _resynchronised("新".encode() + "闻".encode()[:2] + "(wén)联播".encode())  # 闻 lost a byte
    ('新联播', 2)
    """
    text, skipped = [], 0
    for match in _UTF8_UNIT.finditer(data):
        char = _repaired_unit(match.group())
        if char is None:
            skipped += len(match.group())
            text.append(_SKIPPED)
        else:
            text.append(char)
    return _ORPHAN_READING.sub("", "".join(text)).replace(_SKIPPED, ""), skipped


def _is_loss(data: bytes) -> bool:
    return _LOSS.fullmatch(data.translate(None, bytes(range(0x80)))) is not None


def _is_evidence(char: str) -> bool:
    """Whether a wide character read again shows a stretch is mojibake: common Chinese.
    Clean GBK text sometimes reads as a rare one (``但`` after a lost byte: ``㵫``)."""
    return _is_common_hanzi(char) or _CJK_PUNCTUATION.match(char) is not None


# What one UTF-8 unit of a text's GBK bytes is to a stretch (`_unit_role`).
_READ_AS_ITSELF, _READ_AS_NOTHING, _EVIDENCE = range(3)
# Units whose roles are remembered: each distinct character, byte or pair a run meets.
_REMEMBERED_UNITS = 1 << 16


@lru_cache(maxsize=_REMEMBERED_UNITS)
def _unit_role(unit: bytes) -> int:
    """Whether a UTF-8 unit read again is a wide character showing a stretch is mojibake
    (`_is_evidence`), reads as nothing (a byte that starts no character, a character
    Chinese text is not written with, a rare wide one), or as itself (ASCII, the ī of a
    reading): asked once for each distinct unit, not at each of its places."""
    if len(unit) >= 3 and _is_evidence(unit.decode("utf-8")):
        return _EVIDENCE
    return _READ_AS_NOTHING if len(unit) > 2 or _repaired_unit(unit) is None else _READ_AS_ITSELF


def _gbk_spans(text: str, data: bytes, starts: list[int]) -> Iterator[tuple[int, int]]:
    """Stretches of ``text`` (character offsets) whose GBK bytes read as Chinese in UTF-8:
    wide characters read one after another, across what a loss leaves between them, and out
    to the paragraph's edge when only such a loss lies before it."""
    span: list[int] | None = None  # first byte, end byte, wide characters read
    gap = bytearray()  # bytes since the stretch's last wide character that read as nothing
    end = 0
    for unit in _UTF8_UNIT.findall(data):
        start, end = end, end + len(unit)
        role = _unit_role(unit)
        if role != _EVIDENCE:
            if role == _READ_AS_NOTHING:
                gap += unit
            continue
        if span is not None and _is_loss(bytes(gap)):
            span[1:] = end, span[2] + 1
            gap.clear()
            continue
        gap.clear()
        if span is not None:
            yield from _whole_characters(text, data, starts, span)
        span = [start, end, 1]
    if span is not None:
        yield from _whole_characters(text, data, starts, span)


def _whole_characters(text: str, data: bytes, starts: list[int],
                      span: list[int]) -> Iterator[tuple[int, int]]:
    """The characters that hold a stretch's bytes, out to the paragraph's edges when only a
    loss lies between."""
    first_byte, end_byte, wide = span
    if wide < _MIN_REPAIRED_HAN:
        return
    first = bisect_right(starts, first_byte) - 1  # the character holding the first byte
    end = bisect_left(starts, end_byte)  # the first character after the last byte
    lead, trail = len(text) - len(text.lstrip()), len(text.rstrip())
    # Out over what a loss left next to the stretch: up to the paragraph's edge, or over
    # characters holding a mark of lost bytes.
    reach_first, reach_end = first, end
    for at in _within_reach(text, range(first - 1, lead - 1, -1), lambda at: text[at]):
        if _left_by_loss(text, data[starts[at]:first_byte], at, first, at == lead):
            reach_first = at
    for at in _within_reach(text, range(end + 1, trail + 1), lambda at: text[at - 1]):
        if _left_by_loss(text, data[end_byte:starts[at]], end, at, at == trail):
            reach_end = at
    yield reach_first, reach_end


def _within_reach(text: str, offsets: range, added: Callable[[int], str]) -> Iterator[int]:
    """The offsets, nearest first, until they take in more than ``_MAX_BRIDGED`` non-ASCII
    characters (ASCII survives mojibake: it does not count)."""
    wide = 0
    for at in offsets:
        wide += not added(at).isascii()
        if wide > _MAX_BRIDGED:
            return
        yield at


def _left_by_loss(text: str, piece: bytes, first: int, end: int, at_edge: bool) -> bool:
    """Whether ``text[first:end]``, read as ``piece``, is what a loss left next to a stretch:
    it reads as a loss, and it reaches the paragraph's edge or is made of marks of lost bytes
    and characters GBK makes of a UTF-8 character's first bytes (clean text next to the
    stretch, ``口，`` = BF DA A3 AC, can read as a loss too)."""
    if not _is_loss(piece):
        return False
    wide = "".join(char for char in text[first:end] if not char.isascii())
    return at_edge or _LEFT_BY_LOSS.fullmatch(wide) is not None


# Where a three-byte UTF-8 character starts in a text's GBK bytes, overlapping ones included.
_THREE_BYTES_AT = re.compile(
    rb"(?=(\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]))"
)


def _may_read_as_chinese(text: str) -> bool:
    """Whether the GBK bytes of ``text`` hold, anywhere, the ``_MIN_REPAIRED_HAN`` common
    characters read as UTF-8 that a stretch needs: a cheap screen for the clean paragraphs
    the hint lets through (``鍙`` is a rare character, not mojibake, in most of them).

    >>> _may_read_as_chinese("鍙戝竷鐨勶紝"), _may_read_as_chinese("苏州市第一中学")
    (True, False)
    """
    if "\ufffd" in text:  # lost bytes read as one byte each: the full search decides
        return True
    try:
        data = text.encode("gb18030")
    except UnicodeEncodeError:  # a lone surrogate, likewise
        return True
    found = 0
    for match in _THREE_BYTES_AT.finditer(data):
        if _is_evidence(match.group(1).decode("utf-8")):
            found += 1
            if found >= _MIN_REPAIRED_HAN:
                return True
    return False


def find_gbk_mojibake(text: str) -> list[Change]:
    """Changes repairing UTF-8 that was read as GBK or GB18030, where bytes may have been
    replaced (U+FFFD), dropped or lost before the text reached us: the stretch's bytes are
    read again as UTF-8 by a decoder that resynchronises at the next character, and what
    lost a byte is cut (rule ``mojibake-gbk-bytes-lost``), never guessed.

    >>> from curate.edits import apply_changes
    >>> text = "今天鍙戝竷鐨勶紝"
    >>> apply_changes(text, find_gbk_mojibake(text))
    '今天发布的，'
    >>> apply_changes("灏嗚繘鍏ョ湡绌烘湡銆\ufffd", find_gbk_mojibake("灏嗚繘鍏ョ湡绌烘湡銆\ufffd"))
    '将进入真空期'
    >>> apply_changes("鎹鏂板崕绀炬姤閬", find_gbk_mojibake("鎹鏂板崕绀炬姤閬"))  # bytes dropped
    '新华社报'
    """
    if not _GBK_HINT.search(text) or not _may_read_as_chinese(text):
        return []
    return _gbk_repairs(text)


def _gbk_repairs(text: str) -> list[Change]:
    """The changes of `find_gbk_mojibake`, without its screens."""
    data, starts = _gbk_reading(text)
    spans: list[list[int]] = []
    for first, end in _gbk_spans(text, data, starts):
        if spans and first <= spans[-1][1]:  # what one loss left, reached from both sides
            spans[-1][1] = max(end, spans[-1][1])
        else:
            spans.append([first, end])
    changes = []
    for first, end in spans:
        old = text[first:end]
        new, skipped = _resynchronised(data[starts[first]:starts[end]])
        if new and _reads_as_chinese(old, new):
            rule = RULE_GBK_BYTES_LOST if skipped else RULE_GBK
            changes.append(Change(first, end, new, rule, old))
    return changes


# A Han character, its own glued reading if any, then the lost lead byte with the ``(`` of the
# misplaced reading (``?`` or U+FFFD), the reading, and the characters the trail byte shifted.
_SPLIT_BY_READING = re.compile(
    rf"([{HAN}])(?:[(（][a-z\u00e0-\u01dc]{{1,7}}[0-5]?[)）])?"
    rf"([?\ufffd]([a-z\u00e0-\u01dc]{{1,7}}[0-5]?)[)）])([^(（?\ufffd\s]{{1,3}})"
)


def _lost_lead_bytes(before: str, syllable: str) -> list[int]:
    """The bytes that, after the GBK trail byte of ``before``, read as a common character
    read ``syllable``."""
    try:
        trail = before.encode("gbk")[-1]
    except UnicodeEncodeError:
        return []
    found = []
    for lead in range(0x81, 0xFF):
        try:
            char = bytes([trail, lead]).decode("gbk")
        except UnicodeDecodeError:
            continue
        if _is_common_hanzi(char) and is_reading_of(syllable, char):
            found.append(lead)
    return found


def _rejoined(lead: int, shifted: str) -> tuple[int, str] | None:
    """How many characters of ``shifted`` read again after ``lead`` end on a character
    boundary, and what they read as, when that is common Chinese."""
    for count in range(1, len(shifted) + 1):
        try:
            new = (bytes([lead]) + shifted[:count].encode("gbk")).decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        return (count, new) if all(map(_is_common_hanzi, new)) else None
    return None


def find_split_by_reading(text: str) -> list[Change]:
    """Changes restoring characters split by a reading glued between their bytes.

    >>> from curate.edits import apply_changes
    >>> text = "當(dāng)?shù)貢r(shí)間6月12日,如果美國不想?yún)⑴c中國市場,2024年?duì)I業(yè)收入"
    >>> apply_changes(text, find_split_by_reading(text))
    '當(dāng)地時(shí)間6月12日,如果美國不想參與中國市場,2024年營業(yè)收入'
    """
    if "?" not in text and "\ufffd" not in text:
        return []
    changes = []
    for match in _SPLIT_BY_READING.finditer(text):
        rejoined = [
            found
            for lead in _lost_lead_bytes(match.group(1), match.group(3))
            if (found := _rejoined(lead, match.group(4))) is not None
        ]
        if len(rejoined) != 1:  # none, or the reading does not settle the byte
            continue
        count, new = rejoined[0]
        start = match.start(2)
        end = match.start(4) + count
        changes.append(Change(start, end, new, RULE_SPLIT_BY_READING, text[start:end]))
    return changes


def find_mojibake(text: str) -> list[Change]:
    """Changes repairing mojibake in one paragraph: Latin-1/CP1252, then GBK where the
    Latin-1 repairs left the text alone, then characters split by a glued reading.

    >>> from curate.edits import apply_changes
    >>> text = "那曲市ä»\\x8aå¹´3æ\\x9c\\x88ä»¥æ\\x9d¥已建成"
    >>> apply_changes(text, find_mojibake(text))
    '那曲市今年3月以来已建成'
    """
    latin1 = find_latin1_mojibake(text)
    gbk = [
        change
        for change in find_gbk_mojibake(text)
        if all(change.end <= done.start or done.end <= change.start for done in latin1)
    ]
    done = latin1 + gbk
    return done + [
        change
        for change in find_split_by_reading(text)
        if all(change.end <= other.start or other.end <= change.start for other in done)
    ]


# What is left where bytes were lost before the text reached us: U+FFFD, and 锟斤拷 (U+FFFD
# saved as UTF-8 and read as GBK), with the ASCII between two of them. An odd number of
# U+FFFD leaves a 锟 of its own beside them; a 锟 with no mark beside it is the character of
# a name (记者 李锟) and stays.
_LOST_MARK = "(?:\ufffd|锟斤拷)"
_LOST_RUN = re.compile(f"锟?{_LOST_MARK}(?:[\x20-\x7e]*(?:{_LOST_MARK}|锟))*")
# A paragraph this much lost holds nothing to read: the few characters that survive between
# the marks (``息``, ``一`` in ``锟斤拷息锟斤拷一锟斤拷``) are not its text.
MOSTLY_LOST = 0.5


def lost_share(text: str) -> float:
    """Share of the non-space characters of ``text`` that mark lost bytes.

    >>> lost_share("锟斤拷息锟斤拷")
    0.8571428571428571
    """
    if "\ufffd" not in text and "锟" not in text:
        return 0.0
    core = len(text) - sum(map(str.isspace, text))
    return sum(len(m.group()) for m in _LOST_RUN.finditer(text)) / core if core else 0.0


def find_lost_text(text: str) -> list[Change]:
    """Changes cutting what no reading can restore: the marks of lost bytes, or the whole
    paragraph when they are most of it (rule ``mojibake-lost``). Run after the repairs, which
    leave marks they cannot settle.

    >>> from curate.edits import apply_changes
    >>> apply_changes("英伟达芯片\ufffd\ufffd难求", find_lost_text("英伟达芯片\ufffd\ufffd难求"))
    '英伟达芯片难求'
    >>> find_lost_text("锟斤拷锟斤拷息锟斤拷一锟斤拷") == [
    ...     Change(0, 14, "", RULE_LOST, "锟斤拷锟斤拷息锟斤拷一锟斤拷")]
    True
    """
    if "\ufffd" not in text and "锟" not in text:
        return []
    if lost_share(text) >= MOSTLY_LOST:
        return [Change(0, len(text), "", RULE_LOST, text)]
    return [Change(m.start(), m.end(), "", RULE_LOST, m.group()) for m in _LOST_RUN.finditer(text)]
