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
from dataclasses import dataclass, field

import charset_normalizer

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
_CANDIDATES = ("cp1258", "utf-16", "cp1252")
_VIET = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")


class DecodeError(ValueError):
    """The bytes are not text we can read (binary body, unknown charset)."""


def looks_binary(body: bytes) -> bool:
    """True when the start of ``body`` is not text (NUL bytes outside UTF-16, magic numbers)."""
    head = body[:2048]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if head.startswith(_MAGIC):
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


def _text(raw: str) -> str:
    """NFC, without NUL characters (PostgreSQL refuses them; SQLite would keep them)."""
    return unicodedata.normalize("NFC", raw.replace("\x00", ""))


def decode_bytes(body: bytes, content_type: str = "") -> tuple[str, str]:
    """Decode ``body`` and return ``(NFC text without NUL, encoding used)``.

    Raises ``DecodeError`` with a reason when the body is binary or cannot be decoded.
    """
    text, encoding = _decode_whole(body, content_type)
    return _text(text), encoding


def _decode_whole(body: bytes, content_type: str) -> tuple[str, str]:
    """BOM, valid UTF-8, the declared charset, then the most Vietnamese-looking candidate."""
    if not body:
        raise DecodeError("empty body")
    if looks_binary(body):
        raise DecodeError("binary body")
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name), name
    try:  # valid UTF-8 with non-ASCII bytes is almost never an accident, whatever the label says
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = declared_encoding(body, content_type)
    if declared and declared != "utf-8":
        try:
            return body.decode(declared), declared
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
    return text, _known(name) or name


@dataclass
class DecodedLines:
    """An export file decoded line by line: its text, the encoding of most lines,
    and the lines (1-based) read with another encoding than the rest."""

    text: str
    encoding: str
    other_lines: list[int] = field(default_factory=list)
    other_encoding: str | None = None
    nul_bytes: int = 0


def decode_lines(body: bytes, content_type: str = "") -> DecodedLines:
    """Decode an export (CSV, JSON lines) line by line, so UTF-8 rows stay UTF-8
    when a tool appended rows in another encoding; those lines are named.

    >>> d = decode_lines("a,Sốt\\n".encode() + "b,Hoà\\n".encode("cp1258"))
    >>> d.text.splitlines(), d.other_lines, d.other_encoding
    (['a,Sốt', 'b,Hoà'], [2], 'cp1258')
    """
    if not body:
        raise DecodeError("empty body")
    if body.startswith(_MAGIC):
        raise DecodeError("binary body")
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or \
            (b"\x00" in body[:2048] and _utf16_without_bom(body[:2048])):
        text, encoding = decode_bytes(body, content_type)
        return DecodedLines(text, encoding)
    nul_bytes = body.count(b"\x00")
    body = body.replace(b"\x00", b"")
    try:
        return DecodedLines(_text(body.decode("utf-8-sig")), "utf-8", nul_bytes=nul_bytes)
    except UnicodeDecodeError:
        pass
    lines = body.splitlines(keepends=True)
    decoded: list[str | None] = []
    for line in lines:
        try:
            decoded.append(line.decode("utf-8-sig"))
        except UnicodeDecodeError:
            decoded.append(None)
    other = [n for n, text in enumerate(decoded, 1) if text is None]
    _, fallback = _decode_whole(b"".join(lines[n - 1] for n in other), content_type)
    texts = [text if text is not None else line.decode(fallback, errors="replace")
             for text, line in zip(decoded, lines)]
    utf8_non_ascii = any(text is not None and not text.isascii() for text in decoded)
    if not utf8_non_ascii:  # the whole file is in the other encoding: nothing is mixed
        return DecodedLines(_text("".join(texts)), fallback, nul_bytes=nul_bytes)
    return DecodedLines(_text("".join(texts)), "utf-8", other, fallback, nul_bytes)
