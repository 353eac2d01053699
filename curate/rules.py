"""Load the filters' data from ``rules/``: lexicons, tables and patterns.

Every rule file is plain UTF-8 text. Lines starting with ``#`` are comments; each file opens
with a comment header naming where its entries come from. Files are read once, validated
and cached; a broken line is reported as ``rules/FILE:LINE: message``.

- ``*.txt``: one entry per line.
- ``*.tsv``: a header row naming the columns, then one tab-separated row per line.
- ``*.yaml``: loaded with ``yaml.safe_load``; pattern files are lists of
  ``{id, pattern, why}`` and each pattern is compiled once.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import regex
import yaml

DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


class RuleError(ValueError):
    """A rule file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Row:
    """One data line of a rule file, with the line number it came from."""

    line: int
    fields: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.fields[key]


@dataclass(frozen=True)
class Pattern:
    """A named regular expression with the reason it exists."""

    id: str
    regex: regex.Pattern
    why: str
    line: int


class Rules:
    """The rule files of one ``rules/`` directory, loaded lazily and cached."""

    def __init__(self, root: str | os.PathLike | None = None) -> None:
        self.root = Path(root) if root is not None else DEFAULT_RULES_DIR
        if not self.root.is_dir():
            raise RuleError(f"{self.root}: rules directory not found")
        self._cache: dict[str, Any] = {}

    def path(self, name: str) -> Path:
        path = self.root / name
        if not path.is_file():
            raise RuleError(f"{self._label(name)}: rule file not found")
        return path

    def _label(self, name: str, line: int | None = None) -> str:
        label = f"rules/{name}"
        return f"{label}:{line}" if line is not None else label

    def _data_lines(self, name: str) -> list[tuple[int, str]]:
        text = self.path(name).read_text(encoding="utf-8")
        lines = []
        for number, raw in enumerate(text.splitlines(), start=1):
            stripped = raw.rstrip("\r\n")
            if not stripped.strip() or stripped.lstrip().startswith("#"):
                continue
            lines.append((number, stripped))
        return lines

    def lines(self, name: str) -> list[str]:
        """Entries of a one-entry-per-line file, stripped, in file order."""
        key = f"lines:{name}"
        if key not in self._cache:
            self._cache[key] = [text.strip() for _, text in self._data_lines(name)]
        return self._cache[key]

    def table(self, name: str) -> list[Row]:
        """Rows of a tab-separated file whose first data line names the columns."""
        key = f"table:{name}"
        if key not in self._cache:
            data = self._data_lines(name)
            if not data:
                raise RuleError(f"{self._label(name)}: no header row")
            header_line, header = data[0]
            columns = header.split("\t")
            rows = []
            for number, text in data[1:]:
                fields = text.split("\t")
                if len(fields) != len(columns):
                    raise RuleError(
                        f"{self._label(name, number)}: expected {len(columns)} tab-separated "
                        f"fields ({', '.join(columns)}), found {len(fields)}"
                    )
                rows.append(Row(number, dict(zip(columns, fields, strict=True))))
            self._cache[key] = rows
        return self._cache[key]

    def yaml(self, name: str) -> Any:
        """A YAML rule file, loaded safely."""
        key = f"yaml:{name}"
        if key not in self._cache:
            try:
                self._cache[key] = yaml.safe_load(self.path(name).read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                line = mark.line + 1 if mark is not None else None
                raise RuleError(f"{self._label(name, line)}: invalid YAML: {exc}") from exc
        return self._cache[key]

    def patterns(self, name: str) -> list[Pattern]:
        """A YAML list of ``{id, pattern, why}``, each pattern compiled once."""
        key = f"patterns:{name}"
        if key not in self._cache:
            entries = self.yaml(name)
            if not isinstance(entries, list):
                raise RuleError(f"{self._label(name)}: expected a list of patterns")
            lines = _entry_lines(self.path(name))
            compiled = []
            for index, entry in enumerate(entries):
                line = lines[index] if index < len(lines) else None
                if not isinstance(entry, dict) or not {"id", "pattern", "why"} <= entry.keys():
                    raise RuleError(f"{self._label(name, line)}: each entry needs id, pattern, why")
                try:
                    compiled_regex = regex.compile(entry["pattern"], regex.V1)
                except regex.error as exc:
                    where = self._label(name, line)
                    raise RuleError(
                        f"{where}: pattern {entry['id']!r} does not compile: {exc}"
                    ) from exc
                compiled.append(Pattern(entry["id"], compiled_regex, entry["why"], line or 0))
            self._cache[key] = compiled
        return self._cache[key]

    @cached_property
    def digest(self) -> str:
        """sha256 over every rule file's name and bytes: the rules version in provenance."""
        hasher = hashlib.sha256()
        for path in sorted(p for p in self.root.rglob("*") if p.is_file()):
            hasher.update(path.relative_to(self.root).as_posix().encode("utf-8") + b"\0")
            hasher.update(path.read_bytes() + b"\0")
        return hasher.hexdigest()


def _entry_lines(path: Path) -> list[int]:
    """Line numbers of the top-level list items of a YAML file (for error messages)."""
    return [
        number
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if text.startswith("- ")
    ]
