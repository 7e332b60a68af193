"""Canonical URLs: one key per article however it was linked.

>>> canonical_url("https://m.VnExpress.net/tin-123.html?utm_source=fb#binh-luan")
'https://vnexpress.net/tin-123.html'
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

import courlan

_HOST_VARIANTS = ("www.", "m.", "amp.", "mobile.")
_AMP_PATH = re.compile(r"(/amp(?=/)|\.amp(?=$|\.html?$)|/amp/?$)", re.I)
_AMP_QUERY = re.compile(r"(^|&)(amp|outputType=amp)(=[^&]*)?(?=&|$)", re.I)


def canonical_url(url: str) -> str:
    """Key an article by its URL: tracking parameters, fragment, host case and
    ``amp``/mobile variants removed (courlan does the tracking parameters)."""
    url = url.strip()
    normalized = courlan.normalize_url(url, strict=True) or url
    parts = urlsplit(normalized)
    host = (parts.hostname or "").lower()
    for prefix in _HOST_VARIANTS:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
            break
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    path = _AMP_PATH.sub("", parts.path) or "/"
    query = _AMP_QUERY.sub("", parts.query).strip("&")
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def is_http_url(url: str | None) -> bool:
    """True for an absolute http(s) URL with a host."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
        port_ok = parts.port is None or parts.port > 0  # reading it raises ValueError when out of range
    except ValueError:  # "http://[" (a broken IPv6 host), a port out of range
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and port_ok


def absolute_url(base: str, href: str | None) -> str:
    """``href`` resolved against ``base``; "" when the result is not an absolute
    http(s) URL (``javascript:``, ``mailto:``, a malformed host).

    >>> absolute_url("https://a.vn/x/", "../b.html"), absolute_url("https://a.vn/", "javascript:alert(1)")
    ('https://a.vn/b.html', '')
    """
    if not href or not href.strip():
        return ""
    try:
        url = urljoin(base, href.strip())
    except ValueError:
        return ""
    return url if is_http_url(url) else ""
