"""Name the reason a request failed, for the problems table and the run's counters."""
from __future__ import annotations

from urllib.parse import urlsplit

from twisted.python.failure import Failure

from scrapy.spidermiddlewares.httperror import HttpError

from crawlers.egress import BlockedAddress, policy

_BY_CLASS = {
    "DownloadTimeoutError": "timeout", "TimeoutError": "timeout", "TCPTimedOutError": "timeout",
    "DownloadCancelledError": "oversized",
    "CannotResolveHostError": "dns_error", "DNSLookupError": "dns_error",
    "DownloadConnectionRefusedError": "connection_error", "ConnectionRefusedError": "connection_error",
    "ConnectionLost": "connection_error", "ConnectError": "connection_error",
    "ResponseDataLossError": "connection_error", "ResponseFailed": "connection_error",
    "UnsupportedURLSchemeError": "bad_url",
}


def failure_reason(failure: Failure) -> tuple[str, int | None, str]:
    """``(reason code, HTTP status or None, detail)`` for a failed request.

    >>> failure_reason(Failure(TimeoutError("took too long")))[0]
    'timeout'
    """
    exc = failure.value
    if failure.check(HttpError):
        status = exc.response.status
        return f"http_{status}", status, f"HTTP {status}"
    message = str(exc) or type(exc).__name__
    if failure.check(BlockedAddress):
        return "blocked_address", None, message
    host = urlsplit(failure.request.url).hostname if getattr(failure, "request", None) else None
    if host and policy.dns_refusal(host):
        return "blocked_address", None, f"egress guard: {policy.dns_refusal(host)}"
    if type(exc).__name__ == "IgnoreRequest":
        if "redirect" in message:
            return "redirect_loop", None, message
        if "robots" in message.lower():
            return "robots_disallowed", None, message
        return "ignored", None, message
    for klass in type(exc).__mro__:
        if klass.__name__ in _BY_CLASS:
            return _BY_CLASS[klass.__name__], None, message
    return "download_error", None, f"{type(exc).__name__}: {message}"
