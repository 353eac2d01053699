"""The run configuration: ``curate.toml``, or ``[tool.curate]`` in ``pyproject.toml``.

    [pipeline]
    disable = ["detect_spin"]          # switch steps off
    # steps = [...]                    # or give the whole order

    [filters]
    min_chars = 10

    [punctuation]
    corner_quotes = true               # 「」『』 become “”‘’

    [jsonl]
    text_field = "text"

Every section, key and step name is checked when the file is read, and so is the type of
every value: a typo (``[dedupe]``, ``threshhold``, ``detect_spinn``) or a value of the wrong
kind (``threshold = [0.8]``, ``near = "no"``) is an error naming the file and line, with the
closest known name, rather than a setting silently ignored or a traceback later.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomllib


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Setting:
    """What a key accepts: a check of the value and how to say what was expected."""

    check: Callable[[Any], bool]
    expected: str


def _boolean() -> Setting:
    return Setting(lambda v: isinstance(v, bool), "true or false")


def _integer(minimum: int) -> Setting:
    return Setting(lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= minimum,
                   f"a whole number of at least {minimum}")


def _share() -> Setting:
    return Setting(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
                   and 0 < v <= 1, "a number above 0 and at most 1")


def _text() -> Setting:
    return Setting(lambda v: isinstance(v, str) and v.strip() != "", "a non-empty string")


def _choice(*names: str) -> Setting:
    return Setting(lambda v: v in names, " or ".join(f'"{name}"' for name in names))


def _strings() -> Setting:
    return Setting(lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
                   'a list of strings such as ["C2", "C301"]')


def _step_names() -> Setting:
    return Setting(lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
                   'a list of step names such as ["detect_spin"]')


# Every section and key a configuration may hold, and what each accepts.
SCHEMA: dict[str, dict[str, Setting]] = {
    "pipeline": {"steps": _step_names(), "disable": _step_names()},
    "filters": {"min_chars": _integer(1)},
    "punctuation": {"clause_marks": _boolean(), "parentheses": _boolean(),
                    "corner_quotes": _boolean()},
    "jsonl": {"text_field": _text()},
    "spin": {"restore": _boolean()},
    "dedup": {"near": _boolean(), "threshold": _share(), "spun_threshold": _share(),
              "passage_min_chars": _integer(1)},
    "run": {"batch_documents": _integer(1), "workers": _integer(1),
            "engine": _choice("local", "ray"), "ray_address": _text()},
    "corpus": {"shard_records": _integer(1), "shard_bytes": _integer(1)},
    "check": {"select": _strings(), "ignore": _strings()},
}
# The near-duplicate stage runs after the steps; it is switched off in [dedup], not [pipeline].
NEAR_STEP = "drop_near_duplicates"


def load_config(
    path: str | Path | None = None, cwd: Path | None = None
) -> tuple[dict[str, Any], str | None]:
    """The configuration, checked, and the file it came from (None when no file was found)."""
    if path is not None:
        return _checked(Path(path), str(path)), str(path)
    here = cwd or Path.cwd()
    own = here / "curate.toml"
    if own.is_file():
        return _checked(own, own.name), own.name
    project = here / "pyproject.toml"
    if project.is_file():
        text = _read_text(project)
        section = _parse(project, text).get("tool", {}).get("curate")
        if section is not None:
            locate = _Locator(text, prefix=("tool", "curate"))
            return (validate_config(section, project.name, locate),
                    "pyproject.toml [tool.curate]")
    return {}, None


def validate_config(config: dict[str, Any], where: str,
                    locate: Callable[[tuple[str, ...]], int | None] | None = None
                    ) -> dict[str, Any]:
    """``config`` when every section, key, type and step name in it is known and right.

    ``where`` names the file in messages; ``locate`` finds the line of a section or key.

    >>> validate_config({"dedup": {"near": "no"}}, "curate.toml")
    Traceback (most recent call last):
    curate.config.ConfigError: curate.toml: [dedup] near must be true or false, not the string "no"
    """
    def fail(keys: tuple[str, ...], message: str) -> ConfigError:
        line = locate(keys) if locate is not None else None
        return ConfigError(f"{where}:{line}: {message}" if line else f"{where}: {message}")

    if not isinstance(config, dict):
        raise fail((), "expected a table of sections such as [pipeline] and [dedup]")
    for section, body in config.items():
        if section not in SCHEMA:
            raise fail((section,), f"unknown section [{section}]{_suggest(section, SCHEMA)}; "
                                   f"known sections: {', '.join(SCHEMA)}")
        keys = SCHEMA[section]
        if not isinstance(body, dict):
            raise fail((section,), f"[{section}] must be a table of settings "
                                   f"({', '.join(keys)}), not {_shown(body)}")
        for key, value in body.items():
            if key not in keys:
                raise fail((section, key), f"[{section}] unknown key {key!r}"
                                           f"{_suggest(key, keys)}; known keys: "
                                           f"{', '.join(keys)}")
            if not keys[key].check(value):
                raise fail((section, key), f"[{section}] {key} must be {keys[key].expected}, "
                                           f"not {_shown(value)}")
    for key in ("steps", "disable"):
        for name in config.get("pipeline", {}).get(key, []):
            problem = _unknown_step(name)
            if problem:
                raise fail(("pipeline", key), f"[pipeline] {key}: {problem}")
    return config


def _unknown_step(name: str) -> str | None:
    from curate.pipeline import DEFAULT_STEPS

    if name in DEFAULT_STEPS:
        return None
    if name == NEAR_STEP:
        return (f"{NEAR_STEP} runs after the steps; switch it off with [dedup] near = false")
    return (f"unknown step {name!r}{_suggest(name, DEFAULT_STEPS)}; known steps: "
            f"{', '.join(DEFAULT_STEPS)}")


def _suggest(name: str, known: Any) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _shown(value: Any) -> str:
    kind = {bool: "a boolean", int: "a number", float: "a number", str: "the string",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)
    shown = repr(value) if not isinstance(value, dict) else "{…}"
    if isinstance(value, bool):
        shown = str(value).lower()
    elif isinstance(value, str):
        shown = f'"{value}"'
    return f"{kind} {shown}" if len(shown) <= 40 else kind


class _Locator:
    """The line of a section header or key in a TOML text (tomllib gives no positions).

    Enough for the tables curate reads: ``[section]`` headers and ``key = value`` lines
    under them, optionally beneath a prefix (``[tool.curate.dedup]``), and dotted or inline
    forms found by the name alone.
    """

    _HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-.\"' ]+?)\s*=")

    def __init__(self, text: str, prefix: tuple[str, ...] = ()) -> None:
        self.lines = text.split("\n")
        self.prefix = prefix

    def __call__(self, keys: tuple[str, ...]) -> int | None:
        table: tuple[str, ...] = ()
        found = None
        for number, line in enumerate(self.lines, start=1):
            header = self._HEADER.match(line)
            if header:
                table = tuple(part.strip().strip("\"'") for part in header.group(1).split("."))
                if table == self.prefix + keys[:1] and found is None:
                    found = number
                continue
            key = self._KEY.match(line)
            if not key:
                continue
            dotted = table + tuple(p.strip().strip("\"'") for p in key.group(1).split("."))
            if dotted == self.prefix + keys:
                return number
            if len(keys) > 1 and dotted[: len(self.prefix) + 1] == self.prefix + keys[:1] \
                    and re.search(rf"\b{re.escape(keys[-1])}\s*=", line):
                return number  # an inline table: section = {key = value}
            if len(keys) == 1 and dotted[: len(self.prefix) + 1] == self.prefix + keys:
                found = found or number
        return found


def _checked(path: Path, where: str) -> dict[str, Any]:
    text = _read_text(path)
    return validate_config(_parse(path, text), where, _Locator(text))


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 ({exc.reason}); save it as UTF-8") from exc


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
