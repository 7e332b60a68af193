"""The egress guard: the crawler never reaches the machine it runs on or its network.

Two checks, both on by default:

* :class:`EgressGuardMiddleware` (a downloader middleware, so it sees every
  request: feed, sitemap and listing links, redirects, meta-refresh,
  ``robots.txt``) refuses schemes other than http(s) and hosts written as a
  guarded address in any form the C library accepts (``127.0.0.1``,
  ``2130706433``, ``0177.0.0.1``, ``0x7f.1``, ``[::ffff:127.0.0.1]``);
* :class:`GuardedResolver` (Scrapy's ``TWISTED_DNS_RESOLVER``) drops guarded
  addresses from every DNS answer at connection time, so a name that resolves
  to loopback, or is re-pointed there after a first check, is never connected.

Guarded: loopback, private, link-local, shared (CGNAT), reserved, multicast and
unspecified addresses — every address that is not globally routable. The one
exception is a host *and port* written in the sources file itself (the demo and
the tests serve on 127.0.0.1): links and redirects from it to any other guarded
address are still refused. A refusal is a ``blocked_address`` problem.
"""
from __future__ import annotations

import ipaddress
import logging
import re
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingHostnameResolver
from twisted.internet.interfaces import IAddress, IHostResolution, IResolutionReceiver
from zope.interface import provider

log = logging.getLogger(__name__)
FETCHED_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_NUMERIC_HOST = re.compile(r"^[0-9a-fA-FxX.]+$")
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddress(IgnoreRequest):
    """A request the egress guard refused; the message says why."""


def guarded(ip: IpAddress) -> bool:
    """True for an address the crawler must not reach (anything not globally routable)."""
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return guarded(mapped)
    return (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_reserved or ip.is_multicast
            or ip.is_unspecified or not ip.is_global)


def literal_ip(host: str) -> IpAddress | None:
    """The address a host written as an IP literal stands for, in any form the C
    library's ``inet_aton`` accepts (decimal, octal, hex, shortened), else None.

    >>> str(literal_ip("2130706433")), str(literal_ip("0177.0.0.1")), literal_ip("vnexpress.net")
    ('127.0.0.1', '127.0.0.1', None)
    """
    host = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not _NUMERIC_HOST.match(host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def host_port(url: str) -> tuple[str, int] | None:
    """``(lower-case host, port)`` of an http(s) URL, the scheme's port by default."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in FETCHED_SCHEMES or not parts.hostname:
        return None
    return parts.hostname.lower().rstrip("."), port or _DEFAULT_PORTS[scheme]


@dataclass
class EgressPolicy:
    """Which hosts the operator allowed (from the sources file) and what was refused."""

    allowed: set[tuple[str, int]] = field(default_factory=set)
    # host -> guarded address a DNS answer gave for it (refused at connection time)
    blocked: dict[str, str] = field(default_factory=dict)

    def allow_urls(self, urls: Iterable[str]) -> None:
        """Allow the host and port of each http(s) URL written in the sources file."""
        for url in urls:
            key = host_port(url)
            if key is not None:
                self.allowed.add(key)

    def is_allowed(self, host: str, port: int) -> bool:
        """True when this exact host and port were written in the sources file."""
        return (host.lower().rstrip("."), port) in self.allowed

    def refusal(self, url: str) -> str | None:
        """Why ``url`` must not be fetched, or None when it may be (DNS is checked later)."""
        scheme = urlsplit(url).scheme.lower()
        if scheme not in FETCHED_SCHEMES:
            return f"scheme {scheme or '(none)'!r} is not fetched: only http and https"
        key = host_port(url)
        if key is None:
            return "no host in the URL"
        if self.is_allowed(*key):
            return None
        ip = literal_ip(key[0])
        if ip is not None and guarded(ip):
            return f"{key[0]} is the guarded address {ip}"
        return None

    def dns_refusal(self, host: str) -> str | None:
        """Why a connection to ``host`` was refused at resolution time, if it was."""
        address = self.blocked.get(host.lower().rstrip("."))
        return f"{host} resolves to the guarded address {address}" if address else None


policy = EgressPolicy()


class EgressGuardMiddleware:
    """Downloader middleware: refuse guarded URLs before anything is sent."""

    def process_request(self, request: Request, spider: Any = None) -> None:
        """Raise :class:`BlockedAddress` for a URL the guard refuses."""
        reason = policy.refusal(request.url)
        if reason is not None:
            raise BlockedAddress(f"egress guard: {reason}")


@provider(IResolutionReceiver)
class _GuardedReceiver:
    """Passes on the addresses of a DNS answer that the guard allows."""

    def __init__(self, receiver: IResolutionReceiver, host: str, port: int) -> None:
        self.receiver = receiver
        self.host = host
        self.port = port

    def resolutionBegan(self, resolution: IHostResolution) -> None:  # noqa: N802 (Twisted's naming)
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: IAddress) -> None:  # noqa: N802
        host = getattr(address, "host", None)
        ip = literal_ip(host) if isinstance(host, str) else None
        if ip is not None and guarded(ip) and not policy.is_allowed(self.host, self.port):
            policy.blocked[self.host.lower().rstrip(".")] = str(ip)
            log.warning("egress guard: %s:%d resolves to %s, refused", self.host, self.port, ip)
            return
        self.receiver.addressResolved(address)

    def resolutionComplete(self) -> None:  # noqa: N802
        self.receiver.resolutionComplete()


class GuardedResolver(CachingHostnameResolver):
    """Scrapy's caching resolver (IPv4 and IPv6) that never hands a guarded address
    to a connection, unless the host and port are allowed by the sources file."""

    def resolveHostName(self, resolutionReceiver: IResolutionReceiver, hostName: str,  # noqa: N802, N803
                        portNumber: int = 0, addressTypes: Sequence[type[IAddress]] | None = None,  # noqa: N803
                        transportSemantics: str = "TCP") -> IHostResolution:  # noqa: N803
        """Resolve through the cache, filtering the answer."""
        return super().resolveHostName(_GuardedReceiver(resolutionReceiver, hostName, portNumber), hostName,
                                       portNumber, addressTypes, transportSemantics)


def scrapy_settings() -> dict[str, Any]:
    """The settings that switch the guard on and leave only http(s) download handlers."""
    return {
        "DOWNLOADER_MIDDLEWARES": {"crawlers.egress.EgressGuardMiddleware": 50},  # before robots.txt (100)
        "TWISTED_DNS_RESOLVER": "crawlers.egress.GuardedResolver",
        "DOWNLOAD_HANDLERS": {"file": None, "data": None, "s3": None, "ftp": None},
    }
