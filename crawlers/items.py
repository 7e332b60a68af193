"""What spiders yield: a fetched page to extract, or a post already parsed."""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.store.records import Document, RawPage

PageItem = RawPage


@dataclass
class PostItem:
    """A public post read from an export file or a forum page."""

    document: Document
