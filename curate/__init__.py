"""curate: clean, deduplicated, simplified-Chinese corpora with provenance."""

__version__ = "0.1.0"
