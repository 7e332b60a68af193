"""Turn fetched bytes into Unicode text, declared charset or not.

Vietnamese pages come as UTF-8, windows-1258 (tone marks as combining
characters) or UTF-16; a few declare the wrong charset. We try the BOM, the
HTTP header, the ``<meta charset>``, then score candidates by how Vietnamese
the decoded text looks. Parsers never fetch: this takes bytes.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

import charset_normalizer

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
_CANDIDATES = ("cp1258", "utf-16", "cp1252")
_VIET = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class DecodeError(ValueError):
    """The bytes are not text we can read (binary body, unknown charset)."""


def looks_binary(body: bytes) -> bool:
    """True when the start of ``body`` is not text (NUL bytes outside UTF-16, magic numbers)."""
    head = body[:2048]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if head.startswith((b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")):
        return True
    if b"\x00" in head:
        # UTF-16 without BOM puts a NUL beside every ASCII byte.
        return not _utf16_without_bom(head)
    return False


def _utf16_without_bom(head: bytes) -> bool:
    even, odd = head[0::2], head[1::2]
    return even.count(0) > len(even) * 0.3 or odd.count(0) > len(odd) * 0.3


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.decode() if isinstance(name, bytes) else name).name
    except (LookupError, UnicodeDecodeError):
        return None


def declared_encoding(body: bytes, content_type: str = "") -> str | None:
    """The charset a page declares: BOM, then HTTP header, then XML/meta tag."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    match = _HEADER_CHARSET.search(content_type or "")
    if match and _known(match.group(1)):
        return _known(match.group(1))
    head = body[:4096]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        match = pattern.search(head)
        if match and _known(match.group(1)):
            return _known(match.group(1))
    return None


def _viet_score(text: str) -> float:
    """Share of letters that only Vietnamese uses (beyond Latin-1: ư, ơ, đ, ạ, ế…),
    minus a penalty for mojibake; Latin-1 letters such as é or ò count for nothing."""
    sample = unicodedata.normalize("NFC", text[:20000]).lower()
    letters = sum(ch.isalpha() for ch in sample) or 1
    viet = sum(ch in _VIET and ord(ch) > 0xFF for ch in sample)
    junk = sum(ch in "\ufffdÃÂÆÐ" or unicodedata.category(ch) in ("Co", "Cn") for ch in sample)
    return (viet - 5 * junk) / letters


def decode_bytes(body: bytes, content_type: str = "") -> tuple[str, str]:
    """Decode ``body`` and return ``(NFC text, encoding used)``.

    Raises ``DecodeError`` with a reason when the body is binary or cannot be decoded.
    """
    if not body:
        raise DecodeError("empty body")
    if looks_binary(body):
        raise DecodeError("binary body")
    for bom, name in _BOMS:
        if body.startswith(bom):
            return unicodedata.normalize("NFC", body.decode(name)), name
    try:  # valid UTF-8 with non-ASCII bytes is almost never an accident, whatever the label says
        return unicodedata.normalize("NFC", body.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = declared_encoding(body, content_type)
    if declared and declared != "utf-8":
        try:
            return unicodedata.normalize("NFC", body.decode(declared)), declared
        except UnicodeDecodeError:
            pass  # wrong declaration: fall through to detection
    tried: list[tuple[float, str, str]] = []
    for name in _CANDIDATES:
        try:
            text = body.decode(name)
        except UnicodeDecodeError:
            continue
        tried.append((_viet_score(text), name, text))
    best = charset_normalizer.from_bytes(body).best()
    if best is not None:
        tried.append((_viet_score(str(best)), best.encoding, str(best)))
    if not tried:
        raise DecodeError("no charset decodes the body")
    score, name, text = max(tried, key=lambda t: t[0])
    return unicodedata.normalize("NFC", text), _known(name) or name
