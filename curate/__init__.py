"""curate: clean, deduplicated, simplified-Chinese corpora with provenance.

The Python API (`curate.api`) is importable from here: ``curate.clean(text)``,
``curate.clean_html(html)``, ``curate.clean_file(path)`` and ``curate.Cleaner``. It is
loaded on first use, so ``import curate`` stays cheap for the command line.
"""

from __future__ import annotations

import importlib
import types
from typing import Any

__version__ = "0.1.0"
__all__ = ["Cleaner", "clean", "clean_file", "clean_html", "__version__"]
_API = {"Cleaner", "clean_file", "clean_html"}


class _CleaningPackage(types.ModuleType):
    """``curate.clean`` names the package of cleaning steps, so the package itself answers a
    call: ``curate.clean(text)`` is `curate.api.clean`."""

    def __call__(self, text: str, *, markdown: bool | None = None) -> list[Any]:
        from curate.api import clean

        return clean(text, markdown=markdown)


importlib.import_module("curate.clean").__class__ = _CleaningPackage


def __getattr__(name: str) -> Any:
    if name in _API:
        from curate import api

        return getattr(api, name)
    raise AttributeError(f"module 'curate' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})
