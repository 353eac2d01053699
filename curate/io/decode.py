r"""Turn the bytes of a scraped dump into text, by detecting the encoding.

Decisions are taken in a fixed order, cheapest and surest first: a byte order mark,
strict UTF-8, UTF-16 recognised by its NUL bytes, then charset_normalizer restricted to
the legacy Chinese encodings (GB18030, Big5). Whatever is decoded is checked for binary
data, and its newlines are normalised to ``"\n"``.

When a whole file cannot be decoded, `decode_lines` decodes it line by line (`LineDecoder`):
a file with a few bad lines, or with lines in two encodings, keeps its good lines and says
which lines were lost and why. JSONL dumps are always read that way, one record at a time.

    >>> decode_bytes("市界\r\n".encode("gb18030"))
    Decoded(text='市界\n', encoding='gb18030')
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, field

# GBK and GB2312 are subsets of GB18030, so detecting GB18030 covers all three.
LEGACY_ENCODINGS = ("gb18030", "big5")
# Most of our sources are mainland sites: when detection cannot tell, GB18030 is likelier.
PREFERRED_LEGACY_ENCODING = "gb18030"
# C0 controls that do not occur in text; \t \n \r \f do.
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
# The same characters as bytes: in UTF-8 each is one byte, and no other character's bytes
# hold one (those of a wider character are all 0x80 or more).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20)])
# More control characters than this share of the text means the bytes were not text.
MAX_CONTROL_SHARE = 0.01
_NEWLINE = re.compile("\r\n?")
_LINE_BREAK_BYTES = re.compile(b"\r\n|\r|\n")
_HAN_CHARACTER = re.compile("[\u4e00-\u9fff]")


class DecodeError(ValueError):
    """The bytes are not text in any encoding we accept; the message says why."""


@dataclass(frozen=True)
class Decoded:
    r"""Decoded text (BOM removed, newlines ``"\n"``) and the canonical encoding name."""

    text: str
    encoding: str


def decode_bytes(data: bytes) -> Decoded:
    r"""Detect the encoding of ``data`` and decode it strictly.

    ``encoding`` is one of ``utf-8``, ``utf-8-sig``, ``utf-16-le``, ``utf-16-be``,
    ``gb18030`` or ``big5``. Raises ``DecodeError`` when no encoding fits or the result
    looks like binary data.

    >>> decode_bytes("熱門資訊> 正文\r\n".encode("big5"))
    Decoded(text='熱門資訊> 正文\n', encoding='big5')
    >>> decode_bytes("\ufeff英伟达".encode("utf-8"))
    Decoded(text='英伟达', encoding='utf-8-sig')
    """
    text, encoding = _decode_by_bom(data) or _decode_by_detection(data)
    reject_binary(text)
    return Decoded(normalise_newlines(text), encoding)


def _decode_by_bom(data: bytes) -> tuple[str, str] | None:
    """Decode ``data`` as the encoding its byte order mark declares; ``None`` without one.

    >>> _decode_by_bom(codecs.BOM_UTF16_LE + "正文".encode("utf-16-le"))
    ('正文', 'utf-16-le')
    """
    for bom, encoding, codec in (
        (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
    ):
        if data.startswith(bom):
            # Decode the BOM too, so error offsets count from the start of the file.
            text = _decode_strictly(data, codec, f"starts with a {encoding} byte order mark")
            return text.removeprefix("\ufeff"), encoding
    return None


def _decode_by_detection(data: bytes) -> tuple[str, str]:
    r"""Decode BOM-less ``data`` as UTF-8, UTF-16 or a legacy Chinese encoding.

    >>> _decode_by_detection("正文\n".encode("utf-16-be"))
    ('正文\n', 'utf-16-be')
    """
    if b"\x00" in data:
        # UTF-8, GB18030 and Big5 text never contain NUL bytes; UTF-16 text nearly always does.
        if _is_utf8_with_nuls(data):
            raise DecodeError("UTF-8 text with NUL bytes in it, which text never holds")
        if _is_nul_separated_ascii(data):
            raise DecodeError("ASCII fields separated by NUL bytes (an environment or argument "
                              "dump?), not text")
        return _decode_utf16_without_bom(data)
    try:
        # Strict UTF-8 first: legacy multi-byte text is almost never valid UTF-8 by chance.
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return _decode_legacy(data)


def _is_utf8_with_nuls(data: bytes) -> bool:
    r"""True when ``data`` is UTF-8 text with multi-byte characters once its NULs are gone.

    UTF-16 Chinese text almost never reads as UTF-8 with multi-byte characters; without this
    check, one stray NUL made an even-length UTF-8 file decode as UTF-16 nonsense.

    >>> _is_utf8_with_nuls("英伟达\x00芯片\n".encode())
    True
    >>> _is_utf8_with_nuls("一\n".encode("utf-16-le"))  # reads as "N\n": ASCII only
    False
    """
    stripped = data.replace(b"\x00", b"")
    try:
        return not stripped.decode("utf-8").isascii()
    except UnicodeDecodeError:
        return False


def _is_nul_separated_ascii(data: bytes) -> bool:
    r"""True when ``data`` is ASCII with NULs too few to be the high bytes of UTF-16 ASCII.

    UTF-16 of ASCII text has a NUL in every other byte; UTF-16 of Chinese has few NULs, but
    half its bytes are 0x80 or above. ASCII fields ending in NUL (``env -0``,
    ``/proc/self/environ``) have neither, and read as UTF-16 they make CJK nonsense.

    >>> _is_nul_separated_ascii(b"HOME=/home/wang\x00LANG=zh_CN.UTF-8\x00")
    True
    >>> _is_nul_separated_ascii("市界\n".encode("utf-16-le"))
    False
    """
    return data.isascii() and data.count(0) < len(data) // 4


_OTHER_BYTE_ORDER = {"utf-16-le": "utf-16-be", "utf-16-be": "utf-16-le"}


def _decode_utf16_without_bom(data: bytes) -> tuple[str, str]:
    r"""Decode NUL-bearing ``data`` as UTF-16 in the byte order its NUL bytes point to, or
    in the other when only that one decodes.

    >>> _decode_utf16_without_bom("熱門\n".encode("utf-16-le"))
    ('熱門\n', 'utf-16-le')
    """
    encoding = utf16_byte_order(data)
    if encoding is None:
        raise DecodeError("contains NUL bytes but is not UTF-16 text; looks like binary data")
    why = "contains NUL bytes (UTF-16 or binary data)"
    try:
        return _decode_strictly(data, encoding, why), encoding
    except DecodeError:
        # Chinese text full of ideographic spaces (U+3000) or of 一 (U+4E00) puts most of its
        # NULs where the other order expects them: the order they point to loses to the
        # other when only the other reads as UTF-16 at all.
        if data[1::2].count(0) != data[0::2].count(0):
            other = _OTHER_BYTE_ORDER[encoding]
            try:
                return data.decode(other), other
            except UnicodeDecodeError:
                pass
        raise


def utf16_byte_order(data: bytes) -> str | None:
    r"""Guess ``"utf-16-le"`` or ``"utf-16-be"`` from where NUL bytes sit, or ``None``.

    An ASCII character (newline, digit, space) in UTF-16 has a NUL high byte: at an odd
    offset in little-endian, an even one in big-endian. One newline is enough.

    >>> utf16_byte_order("市界\n".encode("utf-16-le"))
    'utf-16-le'
    >>> utf16_byte_order("英伟达芯片一片难求\n".encode("utf-16-be"))  # 一 is U+4E00
    'utf-16-be'
    >>> utf16_byte_order(b"\x89PNG\x00")  # odd length: not UTF-16
    """
    if len(data) % 2:
        return None
    little_endian_nuls = data[1::2].count(0)
    big_endian_nuls = data[0::2].count(0)
    if little_endian_nuls > big_endian_nuls:
        return "utf-16-le"
    if big_endian_nuls > little_endian_nuls:
        return "utf-16-be"
    # A tie, e.g. one newline against one U+XX00 ideograph: the order that reads as Han wins.
    little_endian_han = _han_count(data.decode("utf-16-le", errors="replace"))
    big_endian_han = _han_count(data.decode("utf-16-be", errors="replace"))
    if little_endian_han == big_endian_han:
        return None
    return "utf-16-le" if little_endian_han > big_endian_han else "utf-16-be"


def _han_count(text: str) -> int:
    """How many characters of ``text`` are CJK unified ideographs (basic block).

    >>> _han_count("英伟达 H20")
    3
    """
    return len(_HAN_CHARACTER.findall(text))


def _decode_legacy(data: bytes) -> tuple[str, str]:
    """Decode ``data`` as the legacy encoding charset_normalizer ranks best that decodes strictly.

    >>> _decode_legacy("市界".encode("gbk"))
    ('市界', 'gb18030')
    """
    for encoding in ranked_legacy_encodings(data):
        try:
            # charset_normalizer may judge from samples; only a strict decode of it all counts.
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    reasons = "; ".join(why_not(data, encoding) for encoding in ("utf-8", *LEGACY_ENCODINGS))
    raise DecodeError(f"cannot decode as UTF-8, UTF-16, GB18030 or Big5 ({reasons})")


def why_not(data: bytes, encoding: str) -> str:
    r"""Say where ``data`` stops being ``encoding``, for an error message.

    >>> why_not("市界".encode("gb18030") + b"\xff\n", "gb18030")
    'gb18030: illegal multibyte sequence at offset 4 [ff]'
    >>> why_not(b"\x89PNG", "gb18030")  # valid, but charset_normalizer found no text in it
    'gb18030: decodes, but reads as noise'
    """
    try:
        data.decode(encoding)
    except UnicodeDecodeError as error:
        return f"{encoding}: {_describe(error)}"
    return f"{encoding}: decodes, but reads as noise"


def ranked_legacy_encodings(data: bytes) -> list[str]:
    """Canonical names of the legacy encodings that fit ``data``, likeliest first.

    charset_normalizer ranks them; on a tie (short text gives it nothing to go on)
    GB18030 goes first.

    >>> ranked_legacy_encodings("中文".encode("gb18030"))
    ['gb18030', 'big5']
    >>> ranked_legacy_encodings("「我們可能無法全部恢復先前的庫存」".encode("big5"))
    ['big5']
    """
    from charset_normalizer import from_bytes  # only text that is not UTF-8 needs it

    matches = list(from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)))
    names = [codecs.lookup(match.encoding).name for match in matches]
    best = [
        name
        for match, name in zip(matches, names, strict=True)
        if (match.chaos, match.coherence) == (matches[0].chaos, matches[0].coherence)
    ]
    # A stable sort keeps charset_normalizer's order among the others.
    best.sort(key=lambda name: name != PREFERRED_LEGACY_ENCODING)
    return best + [name for name in names if name not in best]


def _decode_strictly(data: bytes, encoding: str, why: str) -> str:
    r"""Decode ``data`` as ``encoding`` or raise ``DecodeError`` saying ``why`` it was chosen.

    >>> _decode_strictly(b"\xef\xbb\xbf\xff", "utf-8", "BOM")
    Traceback (most recent call last):
    ...
    curate.io.decode.DecodeError: BOM but is not valid utf-8: invalid start byte at offset 3...
    """
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise DecodeError(f"{why} but is not valid {encoding}: {_describe(error)}") from None


def _describe(error: UnicodeDecodeError) -> str:
    r"""Say what is wrong where, in a decoding error.

    >>> _describe(UnicodeDecodeError("utf-16-le", b"\xdb\xad", 0, 2, "illegal UTF-16 surrogate"))
    'illegal UTF-16 surrogate at offset 0 [db ad]'
    """
    offending = error.object[error.start : error.end]
    return f"{error.reason} at offset {error.start} [{offending.hex(' ')}]"


def reject_binary(text: str) -> None:
    r"""Raise ``DecodeError`` if decoded ``text`` has NULs or over 1% C0 control characters.

    >>> reject_binary("\x89PNG\r\n\x1a\n")
    Traceback (most recent call last):
    ...
    curate.io.decode.DecodeError: looks like binary data: 1 of 8 characters are control characters
    """
    if "\x00" in text:
        raise DecodeError("looks like binary data: contains NUL characters")
    controls = len(_CONTROL_CHARACTER.findall(text))
    if controls > MAX_CONTROL_SHARE * len(text):
        raise DecodeError(
            f"looks like binary data: {controls} of {len(text)} characters are control characters"
        )


def normalise_newlines(text: str) -> str:
    r"""Turn ``"\r\n"`` and lone ``"\r"`` into ``"\n"``.

    >>> normalise_newlines("市界\r\n2023-10-20\r")
    '市界\n2023-10-20\n'
    """
    # Most text has no "\r": skip the substitution then.
    return _NEWLINE.sub("\n", text) if "\r" in text else text


@dataclass(frozen=True)
class UndecodableLine:
    """A line that is not text in any accepted encoding: where, what it held, and why."""

    number: int
    text: str  # the line, with bytes that are not UTF-8 shown as \\xNN escapes
    why: str


@dataclass(frozen=True)
class DecodedLines:
    r"""Text decoded line by line; ``undecodable`` lines are left empty in ``text``, so every
    other line keeps its number. ``encoding`` names every encoding used, ``utf-8+gb18030``
    for a file whose lines were in two."""

    text: str
    encoding: str
    undecodable: list[UndecodableLine] = field(default_factory=list)
    undecodable_bytes: int = 0


def utf8_control_count(data: bytes) -> int:
    r"""How many control characters (`_CONTROL_CHARACTER`) the UTF-8 text of ``data`` holds,
    counted over its bytes: deleting them is a table look-up a byte, where the pattern
    searched the decoded text a character at a time.

    >>> utf8_control_count("英伟达\x07芯片\x1b[0m\n".encode())
    2
    """
    return len(data) - len(data.translate(None, _CONTROL_BYTES))


class LineDecoder:
    r"""Decodes the lines of one file: UTF-8 first, else the legacy encoding that fits the
    file's non-UTF-8 lines (ranked once, from ``sample``, or from the first such line).

    >>> decoder = LineDecoder("国产芯片\n".encode("gb18030"))
    >>> decoder.decode("国产芯片".encode("gb18030")), decoder.decode("英伟达".encode())
    (('国产芯片', 'gb18030'), ('英伟达', 'utf-8'))
    >>> decoder.decode(b"GPU\x00\x00")
    Traceback (most recent call last):
    ...
    curate.io.decode.DecodeError: holds NUL bytes, which text never does: binary data
    """

    def __init__(self, sample: bytes = b"",
                 earlier: Callable[[], bytes | None] | None = None) -> None:
        self._sample = sample
        # The first such line before the lines this decoder is given, when it reads a
        # file from the middle (`curate.io.spans`).
        self._earlier = earlier
        self._legacy: list[str] | None = None

    def decode(self, line: bytes) -> tuple[str, str]:
        """The text of one line (no line break in it) and its encoding; or `DecodeError`."""
        if b"\x00" in line:
            raise DecodeError("holds NUL bytes, which text never does: binary data")
        try:
            text, encoding = line.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = self._decode_legacy(line)
            controls = len(_CONTROL_CHARACTER.findall(text))
        else:
            controls = utf8_control_count(line)
        if controls > max(1, MAX_CONTROL_SHARE * len(text)):
            raise DecodeError(f"looks like binary data: {controls} of {len(text)} characters "
                              "are control characters")
        return text, encoding

    def _decode_legacy(self, line: bytes) -> tuple[str, str]:
        if self._legacy is None:
            # Ranked on the lines that are legacy text: undecodable ones would spoil it.
            foreign = b"\n".join(piece for piece in _LINE_BREAK_BYTES.split(self._sample)
                                  if not _is_utf8(piece) and _is_legacy(piece))
            if not foreign and self._earlier is not None:
                foreign = self._earlier() or b""
            ranked = ranked_legacy_encodings(foreign or line)
            self._legacy = ranked + [name for name in LEGACY_ENCODINGS if name not in ranked]
        for encoding in self._legacy:
            try:
                return line.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
        reasons = "; ".join(why_not(line, encoding) for encoding in ("utf-8", *LEGACY_ENCODINGS))
        raise DecodeError(f"cannot decode as UTF-8, GB18030 or Big5 ({reasons})")


def _is_utf8(data: bytes) -> bool:
    return _decodes(data, "utf-8")


def _is_legacy(data: bytes) -> bool:
    return any(_decodes(data, encoding) for encoding in LEGACY_ENCODINGS)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def split_lines(data: bytes) -> list[bytes]:
    r"""The lines of ``data``, split at ``\r\n``, ``\r`` or ``\n`` as `decode_bytes` counts them.

    >>> split_lines(b"a\r\nb\rc\n")
    [b'a', b'b', b'c', b'']
    """
    return _LINE_BREAK_BYTES.split(data)


def shown(line: bytes) -> str:
    r"""A line that could not be decoded, readable: bytes that are not UTF-8 as escapes.

    >>> shown(b"GPU\xff\x00")
    'GPU\\xff\\x00'
    """
    return line.decode("utf-8", "backslashreplace").replace("\x00", "\\x00")


def decode_lines(data: bytes) -> DecodedLines:
    r"""Decode ``data`` line by line, for a file `decode_bytes` refuses as a whole.

    >>> decoded = decode_lines("英伟达\n".encode() + b"\xff\xfe\n" + "国产芯片".encode("gb18030"))
    >>> decoded.text, decoded.encoding
    ('英伟达\n\n国产芯片', 'utf-8+gb18030')
    >>> decoded.undecodable[0].number, decoded.undecodable[0].text
    (2, '\\xff\\xfe')
    """
    bom = data.startswith(codecs.BOM_UTF8)
    decoder = LineDecoder(data)
    lines, encodings, undecodable, bad_bytes = [], [], [], 0
    for number, line in enumerate(split_lines(data[len(codecs.BOM_UTF8):] if bom else data), 1):
        try:
            text, encoding = decoder.decode(line)
        except DecodeError as error:
            undecodable.append(UndecodableLine(number, shown(line), str(error)))
            bad_bytes += len(line)
            text, encoding = "", None
        lines.append(text)
        if encoding is not None and encoding not in encodings:
            encodings.append(encoding)
    if bom and "utf-8" in encodings:
        encodings[encodings.index("utf-8")] = "utf-8-sig"
    return DecodedLines("\n".join(lines), "+".join(encodings) or "utf-8", undecodable,
                        bad_bytes)
