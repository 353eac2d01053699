"""The cleaning pipeline: a declared order of named steps that one `Document` flows through.

A step is a function ``step(doc, ctx)`` returning the document, ``None`` (when it set
``doc.rejected``), or a list of documents (when it split one). Steps register themselves
with `step`, the default order is `DEFAULT_STEPS`, and a configuration can disable steps or
give another order. Steps never know how they are executed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from curate.document import Document, Edit, Provenance
from curate.markup import parse_text
from curate.rules import Rules

StepResult = Document | list[Document] | None
StepFunction = Callable[[Document, "Context"], StepResult]

STEPS: dict[str, StepFunction] = {}

# The order documents go through, from raw paragraphs to a deduplicated record.
DEFAULT_STEPS = [
    "repair_mojibake",
    "strip_glued_pinyin",
    "drop_spam_header",
    "drop_breadcrumbs",
    "split_articles",
    "drop_related_lists",
    "drop_boilerplate",
    "trim_teasers",
    "extract_header",
    "drop_repeated_lines",
    "drop_articleless_pages",
    "drop_page_notices",
    "drop_furniture_lines",
    "drop_tag_rows",
    "convert_to_simplified",
    "remove_inline_spam",
    "remove_keyword_splices",
    "normalize_punctuation",
    "detect_spin",
    "restore_spin",
    "repair_spin",
    "identify_language",
    "drop_empty",
    "drop_exact_duplicates",
]

# Modules whose import registers the steps above.
STEP_MODULES = [
    "curate.clean.text_steps",
    "curate.clean.spam",
    "curate.clean.boilerplate",
    "curate.clean.split",
    "curate.clean.teasers",
    "curate.clean.header",
    "curate.clean.furniture",
    "curate.clean.tags",
    "curate.clean.notices",
    "curate.clean.articleless",
    "curate.clean.keyword_splices",
    "curate.clean.repetition",
    "curate.clean.empty",
    "curate.dedup.exact",
]


def step(name: str) -> Callable[[StepFunction], StepFunction]:
    """Register a step function under ``name``."""

    def register(function: StepFunction) -> StepFunction:
        STEPS[name] = function
        return function

    return register


def load_steps() -> None:
    for module in STEP_MODULES:
        import_module(module)


@dataclass
class Context:
    """What steps share: the rules, the configuration, and state built once per run."""

    rules: Rules
    config: dict[str, Any] = field(default_factory=dict)
    _resources: dict[str, Any] = field(default_factory=dict)

    def resource(self, key: str, build: Callable[[], Any]) -> Any:
        """Build a resource (compiled lexicon, matcher, index) once and reuse it."""
        if key not in self._resources:
            self._resources[key] = build()
        return self._resources[key]

    def option(self, section: str, key: str, default: Any) -> Any:
        return self.config.get(section, {}).get(key, default)


class Pipeline:
    """Runs documents through the configured steps, in order."""

    def __init__(self, ctx: Context, steps: list[str] | None = None) -> None:
        load_steps()
        names = steps if steps is not None else configured_steps(ctx.config)
        unknown = [name for name in names if name not in STEPS]
        if unknown:
            raise ValueError(
                f"unknown step(s): {', '.join(unknown)}; known steps: {', '.join(DEFAULT_STEPS)}"
            )
        self.ctx = ctx
        self.names = names

    def run(self, documents: Iterable[Document]) -> Iterator[Document]:
        """Yield every document that comes out, kept or with ``rejected`` set."""
        for document in documents:
            yield from self._run_one(document, 0)

    def _run_one(self, document: Document, start: int) -> Iterator[Document]:
        if document.rejected is not None:
            yield document
            return
        for position in range(start, len(self.names)):
            result = STEPS[self.names[position]](document, self.ctx)
            if isinstance(result, list):
                for part in result:
                    yield from self._run_one(part, position + 1)
                return
            if result is None or document.rejected is not None:
                yield document
                return
            document = result
        yield document


def configured_steps(config: dict[str, Any]) -> list[str]:
    """The step order from ``[pipeline] steps`` and ``disable`` in the configuration."""
    section = config.get("pipeline", {})
    names = list(section.get("steps", DEFAULT_STEPS))
    disabled = set(section.get("disable", []))
    return [name for name in names if name not in disabled]


def reject(document: Document, step_name: str, rule: str, why: str) -> None:
    """Mark the whole document as dropped, with the reason."""
    document.rejected = Edit(step_name, rule, "drop", document.text, None, why=why)


def clean_text(
    text: str,
    *,
    rules: Rules | None = None,
    steps: list[str] | None = None,
    config: dict[str, Any] | None = None,
    markdown: bool | None = None,
    file: str = "<text>",
    context: Context | None = None,
) -> list[Document]:
    """Run one text through the pipeline: the documents that come out, kept or rejected.
    ``context``, when given, is used instead of one made of ``rules`` and ``config``: it
    keeps what steps build across texts, such as the line counts of the dump they come from.

    >>> [doc.text for doc in clean_text("熱門資訊> 正文\\n新的客户需求和我們現有的庫存。")]
    ['新的客户需求和我们现有的库存。']
    """
    parsed = parse_text(text, markdown=markdown)
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    document = Document(parsed.paragraphs, Provenance(file, sha256, "utf-8"), "text",
                        edits=list(parsed.edits))
    pipeline = Pipeline(context or Context(rules or Rules(), config or {}), steps)
    return list(pipeline.run([document]))
