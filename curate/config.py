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
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomllib


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file."""


def load_config(
    path: str | Path | None = None, cwd: Path | None = None
) -> tuple[dict[str, Any], str | None]:
    """The configuration and the file it came from (None when no file was found)."""
    if path is not None:
        return _read(Path(path)), str(path)
    here = cwd or Path.cwd()
    own = here / "curate.toml"
    if own.is_file():
        return _read(own), str(own.name)
    project = here / "pyproject.toml"
    if project.is_file():
        section = _read(project).get("tool", {}).get("curate")
        if section is not None:
            return section, "pyproject.toml [tool.curate]"
    return {}, None


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
