"""The text field of JSONL input, watched over a file's first records: a field named wrongly
(``--text-field``) stops the command at once, naming the fields the records have, rather
than rejecting every record one message at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# A JSONL file whose first this many records all lack the text field was given the wrong
# --text-field: the run stops rather than reject every record.
TEXT_FIELD_PROBE = 5


class TextFieldError(ValueError):
    """The text field named for JSONL input is in none of a file's first records."""


@dataclass
class TextFieldProbe:
    """Watches a JSONL file's first records for the text field, and the fields they have."""

    file: str
    field: str
    missing: int = 0
    found: bool = False
    lines: list[int] = field(default_factory=list)
    fields: dict[str, None] = field(default_factory=dict)

    def saw(self, record: dict[str, Any], line: int | None) -> None:
        if self.found:
            return
        if self.field in record:  # named rightly; a value that is not text is the record's fault
            self.found = True
            return
        self.missing += 1
        self.lines.append(line or 0)
        self.fields.update(dict.fromkeys(map(str, record)))
        if self.missing >= TEXT_FIELD_PROBE:
            raise self.error()

    def finish(self) -> None:
        if not self.found and self.missing:
            raise self.error()

    def error(self) -> TextFieldError:
        span = (f"{self.lines[0]}-{self.lines[-1]}" if len(self.lines) > 1 else
                str(self.lines[0]))
        found = ", ".join(repr(name) for name in self.fields) or "none"
        return TextFieldError(
            f"{self.file}:{span}: no string field {self.field!r} in the first "
            f"{self.missing} records; their fields are {found}: name the text with "
            "--text-field (or [jsonl] text_field)")
