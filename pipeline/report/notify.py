"""E-mail over SMTP: the digest and urgent alerts reach the agencies' inboxes.

Settings come from the environment only (secrets never sit in config files)::

    DULUAN_SMTP_HOST=smtp.quangngai.gov.vn   # unset: e-mail is not configured
    DULUAN_SMTP_SECURITY=starttls            # starttls (port 587) | ssl (465) | none (25; with a
                                             #   password only to a loopback host)
    DULUAN_SMTP_PORT=587                     # default follows the security
    DULUAN_SMTP_USER=duluan                  # login only when set
    DULUAN_SMTP_PASSWORD=…
    DULUAN_SMTP_FROM=duluan@quangngai.gov.vn # default: the user
    DULUAN_SMTP_TO=khoagiao@…,syt@…          # comma-separated
"""
from __future__ import annotations

import ipaddress
import logging
import os
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

log = logging.getLogger(__name__)
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
SECURITY_BY_PORT = {465: "ssl", 25: "none"}


class NotifyError(RuntimeError):
    """E-mail could not be configured or sent; the message is a one-line reason."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send e-mail."""

    host: str
    port: int
    security: str
    sender: str
    recipients: tuple[str, ...]
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings | None:
        """Read ``DULUAN_SMTP_*``; None when ``DULUAN_SMTP_HOST`` is unset.

        Raises :class:`NotifyError` when the host is set but the rest is unusable.
        """
        env = os.environ if env is None else env
        host = env.get("DULUAN_SMTP_HOST", "").strip()
        if not host:
            return None
        port = _port(env.get("DULUAN_SMTP_PORT", "").strip())
        security = _security(env.get("DULUAN_SMTP_SECURITY", "").strip().lower(), port)
        user = env.get("DULUAN_SMTP_USER", "").strip() or None
        sender = env.get("DULUAN_SMTP_FROM", "").strip() or user
        if not sender:
            raise NotifyError("DULUAN_SMTP_FROM is not set (nor DULUAN_SMTP_USER to default to)")
        recipients = tuple(a.strip() for a in env.get("DULUAN_SMTP_TO", "").split(",") if a.strip())
        if not recipients:
            raise NotifyError("DULUAN_SMTP_TO is not set: no one to send to")
        password = env.get("DULUAN_SMTP_PASSWORD") or None
        if security == "none" and password and not is_loopback(host):
            raise NotifyError(f"DULUAN_SMTP_SECURITY=none would send the password in cleartext to {host}: "
                              "use starttls or ssl (none with a password is allowed on a loopback host only)")
        return cls(host=host, port=port or DEFAULT_PORTS[security], security=security, sender=sender,
                   recipients=recipients, user=user, password=password)


def is_loopback(host: str) -> bool:
    """True for ``localhost`` or an address in 127.0.0.0/8 or ``::1``."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _port(value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise NotifyError(f"DULUAN_SMTP_PORT {value!r} is not a port number")
    return int(value)


def _security(value: str, port: int | None) -> str:
    """The named security, else the one the port implies (465 ssl, 25 none), else STARTTLS."""
    if not value:
        return SECURITY_BY_PORT.get(port, "starttls") if port else "starttls"
    if value not in DEFAULT_PORTS:
        raise NotifyError(f"DULUAN_SMTP_SECURITY {value!r} is not one of {', '.join(DEFAULT_PORTS)}")
    return value


def build_message(subject: str, text: str, html: str, sender: str, recipients: Sequence[str],
                  images: Mapping[str, bytes] | None = None) -> EmailMessage:
    """A multipart/alternative message (plain text, then HTML with inline PNGs).

    ``images`` maps a content id to PNG bytes; the HTML refers to each as
    ``<img src="cid:bieu-do-chu-de">``. Bodies are quoted-printable UTF-8, so
    "Bản tin dư luận y tế" survives any relay.
    """
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(text, cte="quoted-printable")
    msg.add_alternative(html, subtype="html", cte="quoted-printable")
    html_part = msg.get_payload()[1]
    for cid, png in (images or {}).items():
        html_part.add_related(png, maintype="image", subtype="png", cid=f"<{cid}>",
                              disposition="inline", filename=f"{cid}.png")
    return msg


def send_message(msg: EmailMessage, settings: SmtpSettings) -> None:
    """Send ``msg`` to ``settings.recipients``; raises :class:`NotifyError` with the reason."""
    where = f"{settings.host}:{settings.port}"
    try:
        with _connect(settings) as smtp:
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            refused = smtp.send_message(msg, from_addr=settings.sender, to_addrs=list(settings.recipients))
    except smtplib.SMTPAuthenticationError as exc:
        raise NotifyError(f"SMTP auth failed for {settings.user} at {where}: {_reply(exc)}") from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise NotifyError(f"every recipient refused by {where}: {_refusals(exc.recipients)}") from exc
    except smtplib.SMTPResponseException as exc:
        raise NotifyError(f"SMTP server {where} said {_reply(exc)}") from exc
    except smtplib.SMTPException as exc:
        raise NotifyError(f"SMTP with {where} failed: {exc}") from exc
    except OSError as exc:
        raise NotifyError(f"cannot reach SMTP server {where}: {exc.strerror or exc}") from exc
    if refused:
        log.warning("e-mail sent, but %s refused %s", where, _refusals(refused))
    log.info("e-mail %r sent to %d recipient(s) via %s", msg["Subject"], len(settings.recipients) - len(refused),
             where)


def send_configured(subject: str, text: str, html: str, images: Mapping[str, bytes] | None = None) -> list[str] | None:
    """Build and send a message with the settings of the environment; returns the
    recipients, or None (logged) when e-mail is not configured. Raises
    :class:`NotifyError` when sending fails."""
    settings = SmtpSettings.from_env()
    if settings is None:
        log.info("e-mail not configured (DULUAN_SMTP_HOST unset): %r not sent", subject)
        return None
    send_message(build_message(subject, text, html, settings.sender, settings.recipients, images), settings)
    return list(settings.recipients)


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    """An open SMTP session, encrypted as the settings say."""
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                context=ssl.create_default_context())
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    if settings.security == "starttls":
        try:
            smtp.starttls(context=ssl.create_default_context())
        except BaseException:
            smtp.close()
            raise
    return smtp


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {' '.join(text.split())}"


def _refusals(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{addr} ({code} {reply.decode('utf-8', 'replace')})" for addr, (code, reply) in refused.items())
