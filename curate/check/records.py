"""Record findings (C1xx): corpus JSONL lines checked against the schema of their file.

``documents.jsonl`` (and any other JSONL) holds kept documents; ``rejects.jsonl`` holds what
a run dropped, with its own schema (`REJECT_SCHEMA`): the same top level without
``created``, plus ``kind`` and ``reason``. A record is read from one line; a line too long or
nested too deeply for the JSON parser is a finding, not a crash.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from curate.check.codes import Finding


@dataclass(frozen=True)
class Schema:
    """The fields of one kind of corpus record and the types they must have."""

    name: str
    fields: tuple[str, ...]
    # Types each field must have; None stands for JSON null. Optional fields are typed too.
    types: dict[str, tuple[type | None, ...]]
    provenance: tuple[str, ...]
    # Whether the text is a kept document's: checked for text findings and duplicates.
    kept: bool


DOCUMENT_SCHEMA = Schema(
    "record", ("id", "text", "source", "added", "created", "metadata", "provenance"),
    {"id": (str,), "text": (str,), "source": (str,), "added": (str,), "created": (str, None),
     "metadata": (dict,), "provenance": (dict,)},
    ("file", "sha256", "part", "pipeline", "rules", "edits"), kept=True)
REJECT_SCHEMA = Schema(
    "reject", ("kind", "id", "text", "source", "added", "reason", "provenance"),
    {"kind": (str,), "id": (str,), "text": (str,), "source": (str,), "added": (str,),
     "reason": (dict,), "provenance": (dict,), "metadata": (dict,)},
    ("file", "sha256", "part", "pipeline", "rules"), kept=False)
REJECT_KINDS = ("document", "span")
REASON_FIELDS = ("step", "rule", "why")
EDIT_FIELDS = ("step", "rule", "action")


def is_valid_unicode(text: str) -> bool:
    """False when ``text`` holds lone surrogates (JSON allows ``"\\ud800"``; UTF-8 does not)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def decode_jsonl_line(raw: bytes, number: int) -> str:
    """A JSONL line as text: strict UTF-8, without its line ending, and without a byte order
    mark on the first line."""
    line = raw.decode("utf-8").rstrip("\r\n")
    return line.removeprefix("\ufeff") if number == 1 else line


class RecordUnreadable(ValueError):
    """A JSONL line that gives no record; the message says why, ``column`` where."""

    def __init__(self, message: str, column: int = 1) -> None:
        super().__init__(message)
        self.column = column


def parse_record(line: str) -> Any:
    """The JSON value of one line; raises `RecordUnreadable` for invalid or too deep JSON."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise RecordUnreadable(f"invalid JSON: {exc.msg}", exc.colno) from None
    except RecursionError:
        raise RecordUnreadable("JSON nested deeper than the parser reads (thousands of "
                               "levels); a corpus record is a flat object") from None


def schema_findings(record: Any, line: RecordLine, display: str,
                    schema: Schema) -> Iterator[Finding]:
    """C101–C104 of one record: the object, its fields and their types, its provenance."""
    number = line.number
    if not isinstance(record, dict):
        yield Finding(display, number, 1, "C101",
                      f"a JSON {type(record).__name__} where a {schema.name} object should be")
        return
    for name in schema.fields:
        if name not in record:
            yield Finding(display, number, 1, "C102", f"missing field {name!r}")
    for name, types in schema.types.items():
        if name in record and not _has_type(record[name], types):
            yield Finding(display, number, line.value_column(name), "C103",
                          f"field {name!r} is {_json_type(record[name])}, expected "
                          f"{' or '.join(_json_type(t) for t in types)}")
    if isinstance(record.get("kind"), str) and schema is REJECT_SCHEMA \
            and record["kind"] not in REJECT_KINDS:
        yield Finding(display, number, line.value_column("kind"), "C103",
                      f"field 'kind' is {record['kind']!r}, expected "
                      f"{' or '.join(REJECT_KINDS)}")
    if isinstance(record.get("provenance"), dict):
        yield from _provenance_findings(record["provenance"], line, display, schema)
    if schema is REJECT_SCHEMA and isinstance(record.get("reason"), dict):
        missing = [name for name in REASON_FIELDS if name not in record["reason"]]
        if missing:
            yield Finding(display, number, line.value_column("reason"), "C104",
                          f"reason has no {', '.join(missing)}")


def _provenance_findings(provenance: dict[str, Any], line: RecordLine, display: str,
                         schema: Schema) -> Iterator[Finding]:
    column = line.value_column("provenance")
    missing = [name for name in schema.provenance if name not in provenance]
    if missing:
        yield Finding(display, line.number, column, "C104",
                      f"provenance has no {', '.join(missing)}")
    edits = provenance.get("edits")
    if "edits" in provenance and not isinstance(edits, list):
        yield Finding(display, line.number, column, "C104",
                      f"provenance.edits is {_json_type(edits)}, expected array")
    elif isinstance(edits, list):
        for index, edit in enumerate(edits):
            if not isinstance(edit, dict) or not set(EDIT_FIELDS) <= edit.keys():
                yield Finding(display, line.number, column, "C104",
                              f"provenance.edits[{index}] needs step, rule and action")
                break


def _has_type(value: Any, types: tuple[type | None, ...]) -> bool:
    # bool is an int to Python, not a number to JSON readers.
    if isinstance(value, bool):
        return bool in types
    return any(value is None if t is None else isinstance(value, t) for t in types)


def _json_type(value: Any) -> str:
    """The JSON name of a value's type, or of a Python type (None for null)."""
    kind = value if isinstance(value, type) or value is None else type(value)
    names = {str: "string", dict: "object", list: "array", bool: "boolean", int: "number",
             float: "number", None: "null", type(None): "null"}
    return names.get(kind, getattr(kind, "__name__", str(kind)))


# Where a JSONL record's values sit in its line, to give columns as written.
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\r\n]*")
# One decoded character each: a surrogate pair, a \u escape or a short escape.
_STRING_ESCAPE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.")


class RecordLine:
    r"""One JSONL line; columns of its top-level values and of characters of its ``text``.

    Positions are only worked out for a line with a finding, and values are skipped only up
    to the one asked for (provenance, the bulk of a corpus line, usually comes last).

    >>> line = RecordLine('{"id": "a", "text": "首页\\n補(bǔ)位"}', 1)
    >>> line.value_column("id"), line.text_position(3)
    (8, (1, 26))
    """

    def __init__(self, line: str, number: int) -> None:
        self.line = line
        self.number = number
        self._starts: dict[str, int] = {}
        self._scan: Iterator[tuple[str, int]] = _top_level_values(line)
        self._anchors: tuple[list[int], list[int]] | None = None

    def value_column(self, key: str) -> int:
        """1-based column where the value of ``key`` starts; 1 when it cannot be found."""
        while key not in self._starts:
            found = next(self._scan, None)
            if found is None:
                return 1
            self._starts.setdefault(*found)
        return self._starts[key] + 1

    def text_position(self, offset: int) -> tuple[int, int]:
        """``(line, column)`` of character ``offset`` of the record's text."""
        if self._anchors is None:
            self._anchors = _string_anchors(self.line, self.value_column("text") - 1)
        offsets, indexes = self._anchors
        if not offsets:
            return self.number, 1
        k = bisect.bisect_right(offsets, offset) - 1
        return self.number, indexes[k] + (offset - offsets[k]) + 1


def _top_level_values(line: str) -> Iterator[tuple[str, int]]:
    """``(key, index in line)`` of each top-level value of the JSON object ``line`` holds."""
    try:
        i = _SPACE.match(line).end()
        if not line.startswith("{", i):
            return
        i = _SPACE.match(line, i + 1).end()
        while line.startswith('"', i):
            key, i = _DECODER.raw_decode(line, i)
            i = _SPACE.match(line, _SPACE.match(line, i).end() + 1).end()  # past the colon
            yield key, i
            _, i = _DECODER.raw_decode(line, i)
            i = _SPACE.match(line, i).end()
            if not line.startswith(",", i):
                return
            i = _SPACE.match(line, i + 1).end()
    except (ValueError, RecursionError):
        return


def _string_anchors(line: str, quote: int) -> tuple[list[int], list[int]]:
    """Pairs (character offset in the decoded string, index in ``line``) around each escape."""
    if not line.startswith('"', quote):
        return [], []
    try:
        _, end = _DECODER.raw_decode(line, quote)
    except ValueError:
        return [], []
    offsets, indexes = [0], [quote + 1]
    decoded, position = 0, quote + 1
    for escape in _STRING_ESCAPE.finditer(line, quote + 1, end - 1):
        decoded += escape.start() - position
        offsets += [decoded, decoded + 1]
        indexes += [escape.start(), escape.end()]
        decoded, position = decoded + 1, escape.end()
    return offsets, indexes
