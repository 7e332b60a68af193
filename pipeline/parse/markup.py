"""HTML handed to parsel and trafilatura: characters lxml refuses (NUL, other C0 controls) removed first."""
from __future__ import annotations

import re

from parsel import Selector

_NOT_XML = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_markup(html: str) -> str:
    """``html`` without what lxml would refuse with ``ValueError``: NUL is dropped,
    other control characters become spaces (they are never visible text)."""
    return _NOT_XML.sub(" ", html.replace("\x00", ""))


def html_selector(html: str) -> Selector:
    """A parsel Selector over :func:`clean_markup` of ``html``."""
    return Selector(text=clean_markup(html))
