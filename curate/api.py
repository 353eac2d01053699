"""The Python API: clean a text, a web page or a file in memory, as `curate run` would.

    >>> import curate
    >>> (doc,) = curate.clean("熱門資訊> 正文\\n新的客户需求和我們現有的庫存產品是可以匹配的。")
    >>> doc.text
    '新的客户需求和我们现有的库存产品是可以匹配的。'
    >>> [(edit.step, edit.rule) for edit in doc.edits]
    [('drop_breadcrumbs', 'breadcrumb-path'), ('convert_to_simplified', 'opencc-hk2s')]

Each call returns the documents that came out of the input, kept or rejected: a file can
hold several articles, and a document a step dropped has ``rejected`` set to the edit that
dropped it. A document has ``text``, ``metadata``, ``created``, ``edits`` (every change, in
order, with its step, rule and why), ``provenance`` and ``id``; `Cleaner.record` gives the
JSON record `curate run` writes for it.

The rules and the pipeline are loaded on the first call and kept, so later calls cost only
the cleaning (a few milliseconds for a news article); a `Cleaner` holds its own rules and
configuration. Calls do not share state: the same text cleaned twice is kept twice (the
corpus's deduplication is `curate run`'s). A `Cleaner` is not meant to be shared between
threads; the module's functions each hold a lock while they clean.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

from curate.config import validate_config
from curate.document import Document, Provenance
from curate.io.readers import InputFile, ReadOptions, iter_input_files, read_documents
from curate.io.writers import document_record
from curate.manifest import added_timestamp
from curate.markup import parse_text
from curate.pipeline import Context, Pipeline
from curate.rules import Rules

# The source name recorded in documents made by the API, when the caller gives none.
API_SOURCE = "api"


class Cleaner:
    """The pipeline with its rules and configuration loaded once, for many calls.

    ``config`` is a configuration as in ``curate.toml`` (``{"pipeline": {"disable":
    ["detect_spin"]}}``), checked as the file would be; ``rules`` a rules folder.
    """

    def __init__(self, config: dict[str, Any] | None = None, *,
                 rules: Rules | str | os.PathLike | None = None, source: str = API_SOURCE,
                 text_field: str | None = None) -> None:
        self.config = validate_config(config or {}, "configuration")
        self.rules = rules if isinstance(rules, Rules) else Rules(rules)
        self.source = source
        self.text_field = text_field or self.config.get("jsonl", {}).get("text_field", "text")
        self._resources: dict[str, Any] = {}
        self.steps = Pipeline(Context(self.rules, self.config)).names

    def _pipeline(self) -> Pipeline:
        # Compiled rules are shared by every call; what a run accumulates (exact-duplicate
        # fingerprints) is not, so each call starts as a run of its own.
        for key in RUN_STATE:
            self._resources.pop(key, None)
        return Pipeline(Context(self.rules, self.config, self._resources), self.steps)

    def clean(self, text: str, *, markdown: bool | None = None,
              name: str = "<text>") -> list[Document]:
        """The documents cleaned out of one text (plain text or Markdown).

        ``markdown`` forces Markdown parsing on or off (default: detected); ``name`` is
        recorded as the document's ``provenance.file``.
        """
        parsed = parse_text(text, markdown=markdown)
        sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
        document = Document(parsed.paragraphs, Provenance(name, sha256, "utf-8"), self.source,
                            edits=list(parsed.edits))
        return self._run([document])

    def clean_html(self, html: str | bytes, *, url: str | None = None,
                   name: str = "<html>") -> list[Document]:
        """The article of a web page: its main text and metadata, then the cleaning steps.

        Bytes are decoded as a file would be (declared charset, then detection). ``url``
        is recorded as ``metadata.url`` where the page does not name its own.
        """
        data = html.encode("utf-8") if isinstance(html, str) else html
        item = InputFile(Path(name), name, data=data)
        options = ReadOptions(source=self.source)
        documents = list(read_documents(_as_html(item), options))
        if url is not None:
            for document in documents:
                document.metadata.setdefault("url", url)
        return self._run(documents)

    def clean_file(self, path: str | os.PathLike) -> list[Document]:
        """Every document of a file, folder or archive, read as `curate run` reads it.

        Text, Markdown, HTML, JSONL (the text in ``text_field``), WARC and WET files, gzipped
        or in zip and tar archives. What cannot be read comes back as a rejected document
        whose ``rejected.why`` says why.
        """
        given = os.fspath(path)
        if not os.path.exists(given):
            raise FileNotFoundError(f"{given}: no such file or folder")
        options = ReadOptions(source=self.source, text_field=self.text_field)
        documents = [document for item in iter_input_files([given])
                     for document in read_documents(item, options)]
        return self._run(documents)

    def record(self, document: Document, added: str | None = None) -> dict[str, Any]:
        """The JSON record `curate run` writes for a kept document (``added``: now, or
        ``SOURCE_DATE_EPOCH``)."""
        return document_record(document, added or added_timestamp(), self.rules.digest)

    def _run(self, documents: list[Document]) -> list[Document]:
        return list(self._pipeline().run(documents))


# Context resources that hold what one run has seen rather than compiled rules.
RUN_STATE = frozenset({"exact_fingerprints"})


def _as_html(item: InputFile) -> InputFile:
    """The item named so that the reader takes it for a web page whatever its name."""
    if Path(item.display).suffix.lower() in {".html", ".htm"}:
        return item
    return InputFile(Path(f"{item.display}.html"), item.display, data=item.data)


_default: Cleaner | None = None
_default_lock = threading.Lock()


def _cleaner() -> Cleaner:
    global _default
    if _default is None:
        _default = Cleaner()
    return _default


def clean(text: str, *, markdown: bool | None = None) -> list[Document]:
    """Clean one text with the shipped rules and the default steps (see `Cleaner.clean`).

    >>> (doc,) = clean("據字母榜(ID:wujicaijing)瞭解,華為一度佔據了超70%的份額。")
    >>> doc.text
    '据字母榜(ID:wujicaijing)了解，华为一度占据了超70%的份额。'
    >>> doc.metadata["lang"], doc.rejected is None
    ('zh', True)
    """
    with _default_lock:
        return _cleaner().clean(text, markdown=markdown)


def clean_html(html: str | bytes, *, url: str | None = None) -> list[Document]:
    """Clean one web page (see `Cleaner.clean_html`).

    >>> page = ("<html><head><title>长春冰雪旅游迎来客流高峰_新华网</title></head><body>"
    ...         "<div class='article'><p>新华社长春1月15日电 入冬以来，長春冰雪新天地、"
    ...         "净月潭等景区接待游客人数持续攀升。</p><p>（責任編輯：王建宏）</p></div>"
    ...         "<div class='footer'><a href='/about/'>关于我们</a></div></body></html>")
    >>> (doc,) = clean_html(page, url="http://www.news.cn/local/1.htm")
    >>> doc.text
    '新华社长春1月15日电 入冬以来，长春冰雪新天地、净月潭等景区接待游客人数持续攀升。'
    >>> doc.metadata["url"]
    'http://www.news.cn/local/1.htm'
    >>> [(edit.rule, edit.text) for edit in doc.edits if edit.step == "drop_boilerplate"]
    [('credit-bracketed', '（責任編輯：王建宏）')]
    """
    with _default_lock:
        return _cleaner().clean_html(html, url=url)


def clean_file(path: str | os.PathLike) -> list[Document]:
    """Clean every document of a file, folder or archive (see `Cleaner.clean_file`).

    >>> docs = clean_file("seeds/004_ff3c2cd626ef0b70.txt")
    >>> [(doc.provenance.part, doc.metadata.get("site"), doc.metadata["flags"]) for doc in docs]
    [(0, '创业邦', ['spun']), (1, '金融界', ['spun']), (2, None, ['spun'])]
    """
    with _default_lock:
        return _cleaner().clean_file(path)
