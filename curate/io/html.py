"""Main text and metadata of a web page, through trafilatura.

trafilatura finds the article among menus, link lists and footers; beautifulsoup4 measures
how much visible page text was left behind, so the document records what the extraction
removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex
import trafilatura
from bs4 import BeautifulSoup

_SPACE = regex.compile(r"\s+")


@dataclass
class Article:
    text: str
    metadata: dict[str, str | None] = field(default_factory=dict)
    created: str | None = None
    removed_chars: int = 0


def extract_article(html: str) -> Article:
    """The page's main text (paragraphs separated by newlines), title, site, author, URL, date."""
    extracted = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
    )
    if extracted is None:
        return Article("", removed_chars=_visible_chars(html))
    text = extracted.text or ""
    metadata = {
        "title": extracted.title,
        "site": extracted.sitename,
        "author": extracted.author,
        "url": extracted.url,
    }
    removed = max(0, _visible_chars(html) - len(_SPACE.sub("", text)))
    return Article(text, metadata, extracted.date, removed)


def _visible_chars(html: str) -> int:
    soup = BeautifulSoup(html, "lxml")
    for hidden in soup(["script", "style", "noscript", "template"]):
        hidden.decompose()
    return len(_SPACE.sub("", soup.get_text(" ")))
