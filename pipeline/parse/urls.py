"""Canonical URLs: one key per article however it was linked.

>>> canonical_url("https://m.VnExpress.net/tin-123.html?utm_source=fb#binh-luan")
'https://vnexpress.net/tin-123.html'
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

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
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname)
