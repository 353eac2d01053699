"""How much of any one input a run reads, and the streams that hold reading to it.

Every limit is a bound on memory or time whatever the input holds; what goes beyond one is
rejected with a message saying which limit and what to do, and the rest of the run goes on.
The README's "Guarantees" lists them.
"""

from __future__ import annotations

import hashlib
import io
import re
from typing import IO, Any

# The longest line of text read as prose. Paragraphs of news run to a few thousand
# characters; a longer line is minified code, base64 or a table dumped on one line, and the
# text steps slow down faster than the length of a paragraph grows (a line of a million
# characters took 9 s, 2.6 s of it applying 27,555 edits one by one; a 50 MB single line is
# rejected in 1.7 s: bench/fault_injection.py --long-line 50).
MAX_LINE_CHARS = 100_000
# The largest text, Markdown or HTML file read as one document, once decompressed: an
# article is ~10 KB, a long report a few hundred; eight megabytes is a book or a dump, and
# held whole it costs several times its size (decoded, split, edited).
MAX_TEXT_BYTES = 8 * 2**20
# The largest archive member read (into memory: members are never extracted to disk).
MAX_MEMBER_BYTES = 64 * 2**20
# The longest JSONL record line: a record of `MAX_LINE_CHARS` of text written with \u
# escapes is ~600 KB; a longer line is read past in pieces, never held.
MAX_RECORD_BYTES = 4 * 2**20
# Text compresses 3 to 10 times, a dump of near-identical records ~20; a stream that inflates
# more than this much, once past `RATIO_FLOOR_BYTES`, is a compression bomb (1 GiB of zeros
# fits in 1 MB of gzip) and is not read further.
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR_BYTES = 16 * 2**20
# The deepest nesting of a JSONL record (arrays and objects): real dumps nest a few levels;
# every tool that reads the corpus back (Parquet, `curate export`) copes with this depth.
MAX_JSON_DEPTH = 100
# Rejects of one file for one problem stored one by one; past these, they are counted and
# stored as one summary reject, so a dump of millions of bad lines costs one record.
MAX_REPEATED_REJECTS = 10

_DIGITS = re.compile(r"\d[\d,.]*")
# After json.loads, a surrogate left in a string is unpaired: pairs became one character.
_SURROGATE = re.compile("[\ud800-\udfff]")


def inflated_too_much(compressed: int, inflated: int) -> bool:
    """Whether ``inflated`` bytes out of ``compressed`` is past the compression limit.

    >>> inflated_too_much(1_000_000, 1_073_741_824), inflated_too_much(4_000_000, 30_000_000)
    (True, False)
    """
    return inflated > RATIO_FLOOR_BYTES and inflated > MAX_COMPRESSION_RATIO * max(1, compressed)


def inflation_problem(compressed: int, inflated: int) -> str:
    return (f"inflates more than {MAX_COMPRESSION_RATIO} times ({compressed:,} compressed bytes "
            f"gave over {inflated:,}), a compression bomb or not text")


def json_depth(value: Any) -> int:
    """How deeply arrays and objects nest in a decoded JSON value, without recursion.

    >>> json_depth({"text": "正文", "tags": [["a"]]}), json_depth("正文")
    (3, 0)
    """
    deepest, pending = 0, [(value, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if depth <= MAX_JSON_DEPTH:  # deeper than the limit is all a caller needs to know
            pending.extend((child, depth + 1) for child in children)
    return deepest


def has_lone_surrogate(value: Any) -> bool:
    """Whether a string anywhere in a decoded JSON value holds an unpaired surrogate, which
    is not a character and cannot be written as UTF-8.

    >>> has_lone_surrogate({"title": "芯片" + chr(0xD800)}), has_lone_surrogate(["😀"])
    (True, False)
    """
    pending = [value]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def problem_kind(rule: str, why: str) -> tuple[str, str]:
    """What makes two rejects repeats of one problem: the rule and the reason, numbers aside.

    >>> problem_kind("unreadable-input", "invalid JSON: Expecting value at 1,204")
    ('unreadable-input', 'invalid JSON: Expecting value at #')
    """
    return rule, _DIGITS.sub("#", why)


class Prefix(io.RawIOBase):
    """The first ``size`` bytes of ``stream`` (what a file held when reading began, however
    it grows), counted as they are read, and hashed when ``hashed`` (a reading whose digest
    is known already, or not wanted, skips the hash: sha256 is most of what reading costs)."""

    def __init__(self, stream: IO[bytes], size: int, hashed: bool = False) -> None:
        super().__init__()
        self.stream = stream
        self.left = size
        self.count = 0
        self.hasher = hashlib.sha256() if hashed else None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        wanted = min(len(buffer), self.left)
        if wanted <= 0:
            return 0
        data = self.stream.read(wanted)
        buffer[: len(data)] = data
        self.left -= len(data)
        self.count += len(data)
        if self.hasher is not None:
            self.hasher.update(data)
        return len(data)

    def digest(self) -> str:
        """The sha256 of what has been read (of a hashed reading)."""
        if self.hasher is None:
            raise ValueError("this reading is not hashed: open it with hashed=True")
        return self.hasher.hexdigest()

    def drain(self) -> str:
        """Read the rest (for the hash, holding nothing) and return the sha256 of it all."""
        while self.read(1 << 20):
            pass
        return self.digest()
