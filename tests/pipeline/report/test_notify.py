"""E-mail: settings from the environment, the message, and sending to a real SMTP server on 127.0.0.1."""
from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope

from pipeline.report.notify import NotifyError, SmtpSettings, build_message, send_message

SUBJECT = "Bản tin dư luận y tế 23/11/2026"
TEXT = "Sốt xuất huyết tăng ở xã Bình Sơn.\nĐề nghị Sở Y tế phản hồi."
HTML = '<p>Sốt xuất huyết tăng ở <b>xã Bình Sơn</b>.</p><img src="cid:bieu-do">'
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
RECIPIENTS = ("khoagiao@quangngai.example", "syt@quangngai.example")


class Inbox:
    """aiosmtpd handler keeping every envelope; refuses recipients named ``refuse@…``."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if address.startswith("refuse@"):
            return "550 5.1.1 Không có hộp thư này"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"


class EphemeralController(Controller):
    """aiosmtpd's Controller on a port the system picks."""

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def _only_duluan(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = data.login == b"duluan" and data.password == b"dung-mat-khau"
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server() -> Iterator[tuple[EphemeralController, Inbox]]:
    """A real SMTP server on 127.0.0.1 (plain, AUTH allowed without TLS)."""
    inbox = Inbox()
    controller = EphemeralController(inbox, hostname="127.0.0.1", port=0, authenticator=_only_duluan,
                                     auth_require_tls=False)
    controller.start()
    yield controller, inbox
    controller.stop()


def settings_for(port: int, **changes: Any) -> SmtpSettings:
    values = dict(host="127.0.0.1", port=port, security="none", sender="duluan@quangngai.example",
                  recipients=RECIPIENTS, timeout=5.0) | changes
    return SmtpSettings(**values)


def test_from_env_unset_host_means_not_configured() -> None:
    assert SmtpSettings.from_env({"DULUAN_SMTP_TO": "a@b.vn"}) is None


def test_from_env_defaults_follow_security_and_port() -> None:
    base = {"DULUAN_SMTP_HOST": "smtp.example.vn", "DULUAN_SMTP_USER": "duluan@example.vn",
            "DULUAN_SMTP_TO": " khoagiao@example.vn, syt@example.vn ,"}
    plain = SmtpSettings.from_env(base)
    assert (plain.port, plain.security, plain.sender) == (587, "starttls", "duluan@example.vn")
    assert plain.recipients == ("khoagiao@example.vn", "syt@example.vn")
    assert SmtpSettings.from_env(base | {"DULUAN_SMTP_SECURITY": "ssl"}).port == 465
    assert SmtpSettings.from_env(base | {"DULUAN_SMTP_PORT": "465"}).security == "ssl"
    assert SmtpSettings.from_env(base | {"DULUAN_SMTP_PORT": "25"}).security == "none"
    assert SmtpSettings.from_env(base | {"DULUAN_SMTP_PORT": "2525"}).security == "starttls"


@pytest.mark.parametrize("change, reason", [
    ({"DULUAN_SMTP_SECURITY": "tls"}, "not one of"),
    ({"DULUAN_SMTP_PORT": "abc"}, "not a port"),
    ({"DULUAN_SMTP_TO": " , "}, "DULUAN_SMTP_TO"),
    ({"DULUAN_SMTP_USER": ""}, "DULUAN_SMTP_FROM"),
])
def test_from_env_bad_values_give_a_reason(change: dict[str, str], reason: str) -> None:
    env = {"DULUAN_SMTP_HOST": "smtp.example.vn", "DULUAN_SMTP_USER": "u@example.vn",
           "DULUAN_SMTP_TO": "a@example.vn"} | change
    with pytest.raises(NotifyError, match=reason):
        SmtpSettings.from_env(env)


def test_message_is_sent_with_text_html_and_inline_chart(smtp_server: tuple[EphemeralController, Inbox]) -> None:
    controller, inbox = smtp_server
    settings = settings_for(controller.port)
    send_message(build_message(SUBJECT, TEXT, HTML, settings.sender, settings.recipients,
                               images={"bieu-do": PNG}), settings)

    (envelope,) = inbox.envelopes
    assert envelope.mail_from == settings.sender
    assert envelope.rcpt_tos == list(RECIPIENTS)
    received = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert received["Subject"] == SUBJECT
    assert received.get_content_type() == "multipart/alternative"
    assert received.get_body(("plain",)).get_content().splitlines() == TEXT.splitlines()
    assert "<b>xã Bình Sơn</b>" in received.get_body(("html",)).get_content()
    (image,) = [p for p in received.walk() if p.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<bieu-do>"
    assert image.get_content_disposition() == "inline"
    assert image.get_content() == PNG
    assert max(len(line) for line in envelope.original_content.splitlines()) <= 998
    assert all(b < 0x80 for b in envelope.original_content), "7-bit clean for any relay"


def test_login_only_with_a_user(smtp_server: tuple[EphemeralController, Inbox]) -> None:
    controller, inbox = smtp_server
    settings = settings_for(controller.port, user="duluan", password="dung-mat-khau")
    send_message(build_message(SUBJECT, TEXT, HTML, settings.sender, settings.recipients), settings)
    assert len(inbox.envelopes) == 1


def test_auth_failure_is_a_notify_error(smtp_server: tuple[EphemeralController, Inbox]) -> None:
    controller, inbox = smtp_server
    settings = settings_for(controller.port, user="duluan", password="sai-mat-khau")
    with pytest.raises(NotifyError, match="auth failed for duluan"):
        send_message(build_message(SUBJECT, TEXT, HTML, settings.sender, settings.recipients), settings)
    assert inbox.envelopes == []


def test_refused_recipients(smtp_server: tuple[EphemeralController, Inbox], caplog: pytest.LogCaptureFixture) -> None:
    controller, inbox = smtp_server
    everyone_refused = settings_for(controller.port, recipients=("refuse@quangngai.example",))
    msg = build_message(SUBJECT, TEXT, HTML, everyone_refused.sender, everyone_refused.recipients)
    with pytest.raises(NotifyError, match="every recipient refused.*refuse@quangngai.example"):
        send_message(msg, everyone_refused)

    some_refused = settings_for(controller.port, recipients=("refuse@quangngai.example", RECIPIENTS[0]))
    send_message(msg, some_refused)
    assert inbox.envelopes[-1].rcpt_tos == [RECIPIENTS[0]]
    assert "refuse@quangngai.example" in caplog.text


def test_closed_port_is_a_notify_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(NotifyError, match=f"cannot reach SMTP server 127.0.0.1:{port}: Connection refused"):
        send_message(build_message(SUBJECT, TEXT, HTML, "a@b.vn", ["c@d.vn"]), settings_for(port))
