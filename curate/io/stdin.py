"""Standard input (``-``) as an input file."""

from __future__ import annotations

import zlib
from pathlib import Path

from curate.io.readers import InputFile

STDIN = "-"
# How standard input is named in provenance and messages: not a file name, so nothing reads
# it back from disk; the suffix says how its content was recognised.
STDIN_NAME = "<stdin>"


def stdin_input(data: bytes) -> InputFile:
    """Standard input as an input file, its kind told from its first bytes: a WARC file,
    JSONL (a line opening with ``{``), gzipped either, or else text or HTML."""
    head = data[:2]
    suffix = ""
    if head == b"\x1f\x8b":
        suffix = ".gz"
        try:
            head = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16).decompress(data[:65536], 64)
        except zlib.error:
            head = b""
    else:
        head = data[:64]
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"WARC/"):
        suffix = ".warc" + suffix
    elif start.startswith(b"{"):
        suffix = ".jsonl" + suffix
    return InputFile(Path(STDIN_NAME + suffix), STDIN_NAME + suffix, data=data)
