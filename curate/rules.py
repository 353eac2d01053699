"""Load the filters' data from ``rules/``: lexicons, tables and patterns.

Every rule file is plain UTF-8 text. Lines starting with ``#`` are comments; each file opens
with a comment header naming where its entries come from. Files are read once, validated
and cached; a broken line is reported as ``rules/FILE:LINE: message``.

- ``*.txt``: one entry per line.
- ``*.tsv``: a header row naming the columns, then one tab-separated row per line.
- ``*.yaml``: loaded with ``yaml.safe_load``; pattern files are lists of
  ``{id, pattern, why}`` and each pattern is compiled once.

Patterns are data a curator edits, so they are checked and guarded: ``compile_pattern``
refuses one that does not compile or that matches the empty string (it would match every
line), and returns a `RulePattern`, which runs every match with a timeout. The ``regex``
module copes with nested quantifiers such as ``(a+)+b``, but overlapping alternatives such
as ``^(a|aa)+$`` still backtrack exponentially; a match that runs past `MATCH_TIMEOUT`
raises `RuleTimeout` naming the rule, and the run sends that one document to the rejects.
Nothing here (or anywhere in curate) is unpickled: rules are text and ``yaml.safe_load``.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import regex
import yaml

from curate.literal_screen import PatternScreen, pattern_needs

# Where the rules are: installed as the package data of curate.rule_files (a wheel), or
# rules/ at the top of a checkout (an editable install, or running from the repository).
INSTALLED_RULES_DIR = Path(__file__).resolve().parent / "rule_files"
CHECKOUT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


def default_rules_dir() -> Path:
    """The rules shipped with curate: the installed package data, else the checkout's."""
    return INSTALLED_RULES_DIR if INSTALLED_RULES_DIR.is_dir() else CHECKOUT_RULES_DIR


DEFAULT_RULES_DIR = default_rules_dir()
# Seconds one match of a rule pattern may take. Paragraphs are at most
# curate.io.readers.MAX_LINE_CHARS long and a linear scan of one takes milliseconds; a
# pattern that runs this long is backtracking catastrophically.
MATCH_TIMEOUT = 1.0
# The limit is wall-clock time, which other load on the machine stretches: a match that runs
# past it is tried once more with this many times as long before the text is rejected, so
# that what a run keeps does not depend on how busy the machine was.
RETRY_FACTOR = 10
# Characters an entry never holds on purpose: controls, format characters (zero-width space,
# byte order mark), private use, and the replacement character left by a bad conversion.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Co", "Cs"}
# The safe loader, on libyaml's parser when PyYAML was built with it: the same documents,
# loaded about six times faster (the line classifier's trees: 0.24 CPU-s, 0.04 on libyaml).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _safe_load(text: str) -> Any:
    """``yaml.safe_load`` on `_SAFE_LOADER`: plain data only, no object constructed."""
    loader = _SAFE_LOADER(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


class RuleError(ValueError):
    """A rule file that cannot be used; the message names the file and line."""


class RuleTimeout(RuntimeError):
    """A rule pattern ran past `MATCH_TIMEOUT` on one text; the message names the rule."""


class RulePattern:
    """A compiled rule pattern whose every match runs with a timeout, unless the pattern
    cannot backtrack (``PatternNeeds.linear``: no repetition, no backreference), for the
    timeout reads the clock twice a call, 18,000 calls on a 6 MB dump.

    It offers the matching methods of ``regex.Pattern`` (``search``, ``match``,
    ``fullmatch``, ``finditer``, ``findall``, ``split``, ``sub``, ``subn``) with the same
    arguments. ``where`` names the rule in errors: ``rules/credits.yaml:4: pattern 'credit-line'``.

    >>> pattern = compile_pattern(r"^(a|aa)+$", "rules/demo.yaml:1: pattern 'demo'")
    >>> pattern.search("aaaa") is not None
    True
    """

    __slots__ = ("compiled", "linear", "screen", "where")

    def __init__(self, compiled: regex.Pattern, where: str) -> None:
        self.compiled = compiled
        self.where = where
        # The words and length a text needs (curate.literal_screen): a text without them is
        # not matched at all, which saves the timeout's cost of a few microseconds a call.
        screen = PatternScreen(compiled.pattern, compiled.flags)
        self.screen = screen if screen.says_something else None
        self.linear = pattern_needs(compiled.pattern, compiled.flags).linear

    def _cannot_match(self, string: str, args: tuple, kwargs: dict) -> bool:
        """Whether the screen says the pattern cannot match ``string`` (searched whole)."""
        return (self.screen is not None and not args and not kwargs
                and not self.screen.may_match(string))

    @property
    def pattern(self) -> str:
        return self.compiled.pattern

    @property
    def groupindex(self) -> dict[str, int]:
        return self.compiled.groupindex

    def search(self, string: str, *args: Any, **kwargs: Any) -> regex.Match | None:
        if self._cannot_match(string, args, kwargs):
            return None
        return self._timed(self.compiled.search, string, string, *args, **kwargs)

    def match(self, string: str, *args: Any, **kwargs: Any) -> regex.Match | None:
        if self._cannot_match(string, args, kwargs):
            return None
        return self._timed(self.compiled.match, string, string, *args, **kwargs)

    def fullmatch(self, string: str, *args: Any, **kwargs: Any) -> regex.Match | None:
        if self._cannot_match(string, args, kwargs):
            return None
        return self._timed(self.compiled.fullmatch, string, string, *args, **kwargs)

    def findall(self, string: str, *args: Any, **kwargs: Any) -> list[Any]:
        if self._cannot_match(string, args, kwargs):
            return []
        return self._timed(self.compiled.findall, string, string, *args, **kwargs)

    def split(self, string: str, *args: Any, **kwargs: Any) -> list[str]:
        return self._timed(self.compiled.split, string, string, *args, **kwargs)

    def sub(self, repl: Any, string: str, *args: Any, **kwargs: Any) -> str:
        return self._timed(self.compiled.sub, string, repl, string, *args, **kwargs)

    def subn(self, repl: Any, string: str, *args: Any, **kwargs: Any) -> tuple[str, int]:
        return self._timed(self.compiled.subn, string, repl, string, *args, **kwargs)

    def finditer(self, string: str, *args: Any, **kwargs: Any) -> Iterator[regex.Match]:
        if self._cannot_match(string, args, kwargs):
            return
        if self.linear:
            yield from self.compiled.finditer(string, *args, **kwargs)
            return
        given = 0
        try:
            for match in self.compiled.finditer(string, *args, timeout=MATCH_TIMEOUT, **kwargs):
                given += 1
                yield match
        except TimeoutError:
            again = self._timed_again(lambda **limit: list(
                self.compiled.finditer(string, *args, **limit, **kwargs)), string)
            yield from again[given:]

    def _timed(self, method: Any, string: str, *args: Any, **kwargs: Any) -> Any:
        if self.linear:
            return method(*args, **kwargs)
        try:
            return method(*args, timeout=MATCH_TIMEOUT, **kwargs)
        except TimeoutError:
            return self._timed_again(lambda **limit: method(*args, **limit, **kwargs), string)

    def _timed_again(self, call: Any, string: str) -> Any:
        try:
            return call(timeout=MATCH_TIMEOUT * RETRY_FACTOR)
        except TimeoutError:
            raise self._timeout(string) from None

    def _timeout(self, string: str) -> RuleTimeout:
        return RuleTimeout(
            f"{self.where} ran longer than {MATCH_TIMEOUT * RETRY_FACTOR:g} s on a text of "
            f"{len(string):,} characters: it backtracks catastrophically; rewrite it without "
            "repetitions that can match the same text in several ways, such as (a|aa)+"
        )

    def __repr__(self) -> str:
        return f"RulePattern({self.compiled.pattern!r}, {self.where!r})"


def compile_pattern(pattern: object, where: str, flags: int = 0) -> RulePattern:
    """Compile a pattern from a rule file, or raise `RuleError` saying ``where`` and why.

    >>> compile_pattern("(?:作者|编辑", "rules/credits.yaml:4: pattern 'credit-line'")
    Traceback (most recent call last):
    ...
    curate.rules.RuleError: rules/credits.yaml:4: pattern 'credit-line' does not compile: ...
    >>> compile_pattern(r"(?:来源：)?", "rules/source_lines.yaml:7: pattern 'source'")
    Traceback (most recent call last):
    ...
    curate.rules.RuleError: rules/source_lines.yaml:7: pattern 'source' matches the empty ...
    """
    if not isinstance(pattern, str):
        raise RuleError(f"{where} must be a string, not {type(pattern).__name__}: {pattern!r}")
    try:
        compiled = regex.compile(pattern, flags)
    except regex.error as exc:
        raise RuleError(f"{where} does not compile: {exc}") from None
    checked = RulePattern(compiled, where)
    if checked.search("") is not None:
        raise RuleError(f"{where} matches the empty string, so it would match every line; "
                        "make at least one character required")
    return checked


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
    regex: RulePattern
    why: str
    line: int


class Rules:
    """The rule files of one ``rules/`` directory, loaded lazily and cached."""

    def __init__(self, root: str | os.PathLike | None = None) -> None:
        self.root = Path(root) if root is not None else DEFAULT_RULES_DIR
        if not self.root.is_dir():
            hint = ("give --rules FOLDER" if root is not None else
                    "curate is installed without its rules: reinstall it from its wheel or "
                    "repository (pip install PATH), or give --rules FOLDER")
            raise RuleError(f"{self.root}: rules directory not found; {hint}")
        self._cache: dict[str, Any] = {}

    def path(self, name: str) -> Path:
        path = self.root / name
        if not path.is_file():
            raise RuleError(f"{self._label(name)}: rule file not found")
        return path

    def _label(self, name: str, line: int | None = None) -> str:
        label = f"rules/{name}"
        return f"{label}:{line}" if line is not None else label

    def _text(self, name: str) -> str:
        """The file's text; bytes that are not UTF-8 are reported with their line."""
        data = self.path(name).read_bytes()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise RuleError(f"{self._label(name, line)}: not UTF-8 ({exc.reason} at byte "
                            f"{exc.start}); save the file as UTF-8") from None

    def _data_lines(self, name: str) -> list[tuple[int, str]]:
        lines = []
        # Split on "\n" only: str.splitlines() also breaks at U+2028 and U+0085, which would
        # shift every line number after them.
        for number, raw in enumerate(self._text(name).split("\n"), start=1):
            stripped = raw.rstrip("\r")
            if not stripped.strip() or stripped.lstrip().startswith("#"):
                continue
            self._check_visible(name, number, stripped)
            lines.append((number, stripped))
        return lines

    def _check_visible(self, name: str, number: int, text: str) -> None:
        """Refuse an entry holding a character nobody can see, which would never match."""
        for char in text:
            if char != "\t" and (unicodedata.category(char) in _INVISIBLE_CATEGORIES
                                  or char == "\ufffd"):
                raise RuleError(
                    f"{self._label(name, number)}: the entry holds the invisible character "
                    f"U+{ord(char):04X} ({unicodedata.name(char, 'unnamed')}); delete it"
                )

    def lines(self, name: str) -> list[str]:
        """Entries of a one-entry-per-line file, stripped, in file order."""
        key = f"lines:{name}"
        if key not in self._cache:
            entries = []
            for number, text in self._data_lines(name):
                if "\t" in text:
                    raise RuleError(f"{self._label(name, number)}: a tab in a one-entry-per-line "
                                    "file; an entry is the whole line (tables are .tsv files)")
                entries.append(text.strip())
            self._cache[key] = entries
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
                self._cache[key] = _safe_load(self._text(name))
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
            lines = _entry_lines(self._text(name))
            compiled = []
            first_line: dict[str, int | None] = {}
            for index, entry in enumerate(entries):
                line = lines[index] if index < len(lines) else None
                where = self._label(name, line)
                if not isinstance(entry, dict) or not {"id", "pattern", "why"} <= entry.keys():
                    raise RuleError(f"{where}: each entry needs id, pattern, why")
                if not isinstance(entry["id"], str) or not isinstance(entry["why"], str):
                    raise RuleError(f"{where}: id and why must be text")
                if entry["id"] in first_line:
                    raise RuleError(f"{where}: id {entry['id']!r} is already used on line "
                                    f"{first_line[entry['id']]}; ids name rules in provenance")
                first_line[entry["id"]] = line
                pattern = compile_pattern(entry["pattern"], f"{where}: pattern {entry['id']!r}",
                                          regex.V1)
                compiled.append(Pattern(entry["id"], pattern, entry["why"], line or 0))
            self._cache[key] = compiled
        return self._cache[key]

    def yaml_pattern(self, name: str, key: str, flags: int = 0) -> RulePattern:
        """The pattern under a top-level ``key`` of a YAML rule file, checked and guarded."""
        config = self.yaml(name)
        if not isinstance(config, dict) or key not in config:
            raise RuleError(f"{self._label(name)}: no {key!r} entry")
        return compile_pattern(config[key], f"{self._label(name, self._key_line(name, key))}: "
                                            f"{key}", flags)

    def yaml_number(self, name: str, key: str, kind: type[int] | type[float]) -> int | float:
        """The number under a top-level ``key`` of a YAML rule file: ``kind`` int wants a
        whole number, float any number; anything else stops the run with the file and line.

        >>> Rules().yaml_number("edge_runs.yaml", "min_run", int)
        3
        """
        config = self.yaml(name)
        if not isinstance(config, dict) or key not in config:
            raise RuleError(f"{self._label(name)}: no {key!r} entry")
        value = config[key]
        wanted = (int,) if kind is int else (int, float)
        if isinstance(value, bool) or not isinstance(value, wanted):
            what = "a whole number" if kind is int else "a number"
            raise RuleError(f"{self._label(name, self._key_line(name, key))}: {key} must be "
                            f"{what}, not {value!r}")
        return value

    def _key_line(self, name: str, key: str) -> int | None:
        """The line of a top-level ``key`` in a YAML rule file."""
        return next((number for number, text in enumerate(self._text(name).split("\n"), 1)
                     if text.startswith(f"{key}:")), None)

    @cached_property
    def digest(self) -> str:
        """sha256 over every rule file's name and bytes: the rules version in provenance."""
        return files_digest(self.root, (p for p in self.root.rglob("*") if p.is_file()))


def files_digest(root: Path, paths: Iterable[Path]) -> str:
    """sha256 over the names (relative to ``root``) and bytes of ``paths``, in sorted order:
    a version of a folder's files that changes when any of them does."""
    hasher = hashlib.sha256()
    for path in sorted(paths):
        hasher.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        hasher.update(path.read_bytes() + b"\0")
    return hasher.hexdigest()


def _entry_lines(text: str) -> list[int]:
    """Line numbers of the top-level list items of a YAML file (for error messages)."""
    return [number for number, line in enumerate(text.split("\n"), start=1)
            if line.startswith("- ")]
