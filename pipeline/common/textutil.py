"""Small text helpers: Unicode NFC, whitespace, HTML to text, one-line titles cut at a word."""
from __future__ import annotations

import html
import re
import unicodedata

import lxml.html
from lxml.etree import ParserError

_SPACES = re.compile(r"[ \t\u00a0\u200b\ufeff]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
ELLIPSIS = "…"
_TRAILING = " ,.;:!?-–—…(\"'"


def nfc(text: str) -> str:
    """NFC-normalise text (decomposed "Bệnh" from some CMSs becomes one code point per letter)."""
    return unicodedata.normalize("NFC", text)


def clean_whitespace(text: str) -> str:
    """Collapse runs of spaces, keep paragraph breaks, strip ends."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(fragment: str | None) -> str:
    """Visible text of an HTML fragment such as a feed summary."""
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment:
        return clean_whitespace(nfc(html.unescape(fragment)))
    try:
        root = lxml.html.fromstring(f"<div>{fragment}</div>")
    except (ParserError, ValueError):
        return clean_whitespace(nfc(re.sub(r"<[^>]+>", " ", html.unescape(fragment))))
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    return clean_whitespace(nfc(root.text_content()))


def clean_title(text: str | None) -> str:
    """One line: control characters (CR, LF, NUL, tab …) and runs of any whitespace
    become one space, so a title is safe as an e-mail subject or a table cell.

    >>> clean_title("Sốt xuất huyết\\r\\n  tăng\\x00 mạnh")
    'Sốt xuất huyết tăng mạnh'
    """
    if not text:
        return ""
    return " ".join(_CONTROLS.sub(" ", text).split())


def shorten(text: str | None, limit: int) -> str:
    """``text`` on one line (:func:`clean_title`), cut at the last word boundary that fits
    ``limit`` characters with "…" at the end (the only way titles are cut).

    >>> shorten("Quảng Ngãi có 18 ổ dịch sốt xuất huyết, 2 ca tử vong", 30)
    'Quảng Ngãi có 18 ổ dịch sốt…'
    """
    line = clean_title(text)
    if len(line) <= limit:
        return line
    head = line[:limit - len(ELLIPSIS) + 1]  # one more, to see whether a word ends exactly at the limit
    cut = head.rsplit(" ", 1)[0] if " " in head else head[:-1]
    return (cut.rstrip(_TRAILING) or cut) + ELLIPSIS
