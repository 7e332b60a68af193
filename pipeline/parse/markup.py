"""HTML handed to parsel: characters lxml refuses (NUL, other C0 controls) removed first."""
from __future__ import annotations

import re

from parsel import Selector

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def html_selector(html: str) -> Selector:
    """A parsel Selector over ``html``; control characters that lxml would refuse
    with ``ValueError`` are dropped (they are never visible text)."""
    return Selector(text=_NOT_XML.sub("", html))
