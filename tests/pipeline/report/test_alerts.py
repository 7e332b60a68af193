"""Urgent alerts that were not sent stay pending and are sent on a later run; one bad
issue does not stop the others; a title with a line break still makes a subject.
E-mail goes to a real SMTP server (aiosmtpd) on 127.0.0.1."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from pipeline.common.settings import Settings, get_settings
from pipeline.report import alerts as alerts_module
from pipeline.store.records import IssueEntry
from pipeline.report.alerts import NOT_SENT, SENT, run_alerts
from pipeline.store.schema import AlertRow
from pipeline.store.store import Store
from tests.conftest import copy_demo_store, duluan_env, free_port, run_duluan, smtp_env, smtp_server

OUTBREAK = "2026-11-17T07:00+07:00"


def test_alert_not_sent_says_so_and_is_sent_on_the_next_run(demo: dict, tmp_path: Path) -> None:
    port = free_port()  # nothing listens there yet: the SMTP server is down
    env = duluan_env(copy_demo_store(demo, tmp_path), tmp_path) | smtp_env(port)
    down = run_duluan(["alert", "--now", OUTBREAK], env)
    assert down.returncode == 1, down.stdout
    assert "NOT SENT" in down.stdout and "alert(s) sent" in down.stdout and "0 alert(s) sent" in down.stdout
    assert down.stderr.strip().splitlines()[-1].startswith("duluan: some alerts were not sent")
    with smtp_server(port) as inbox:
        later = run_duluan(["alert", "--now", "2026-11-17T07:30+07:00"], env)
        assert later.returncode == 0, later.stderr[-2000:]
        assert "1 alert(s) sent" in later.stdout and len(inbox.messages) == 1
        assert inbox.messages[0][1]["Subject"].startswith("[Khẩn – Đỏ]")
        again = run_duluan(["alert", "--now", "2026-11-17T08:00+07:00"], env)
        assert again.returncode == 0 and "no new alert" in again.stdout and len(inbox.messages) == 1


def test_email_not_configured_is_a_warning_not_sent(demo: dict, tmp_path: Path) -> None:
    env = duluan_env(copy_demo_store(demo, tmp_path), tmp_path)
    result = run_duluan(["alert", "--now", OUTBREAK], env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "not sent: e-mail not configured" in result.stdout and "1 alert(s) sent" not in result.stdout
    assert "WARNING" in result.stderr


def test_title_with_a_line_break_still_alerts(demo: dict, tmp_path: Path) -> None:
    url = copy_demo_store(demo, tmp_path)
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        db.execute("UPDATE documents SET title = title || char(13) || char(10) || 'Bcc: ke-xau@example.com'")
    port = free_port()
    with smtp_server(port) as inbox:
        result = run_duluan(["alert", "--now", OUTBREAK], duluan_env(url, tmp_path) | smtp_env(port))
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(inbox.messages) == 1
    recipients, message = inbox.messages[0]
    assert recipients == ["khoagiao@quangngai.gov.vn"] and message["Bcc"] is None
    assert "\n" not in message["Subject"] and "Bcc: ke-xau@example.com" in message["Subject"]


def test_one_bad_issue_does_not_stop_the_others(demo: dict, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(copy_demo_store(demo, tmp_path))
    settings = Settings(raw=get_settings().raw | {"alerts": {"levels": ["do", "cam", "vang"]}})
    real_render = alerts_module.render_alert
    calls: list[str] = []

    def render_failing_first(entry: IssueEntry, chart: str) -> tuple[str, str]:
        calls.append(entry.title)
        if len(calls) == 1:
            raise KeyError("trend")
        return real_render(entry, chart)

    monkeypatch.setattr(alerts_module, "render_alert", render_failing_first)
    port = free_port()
    for key, value in smtp_env(port).items():
        monkeypatch.setenv(key, value)
    with smtp_server(port) as inbox:
        tried = run_alerts(store, settings, datetime.fromisoformat(OUTBREAK))
    assert len(tried) >= 2 and tried[0].status == NOT_SENT and "KeyError" in tried[0].error
    assert all(a.status == SENT for a in tried[1:]) and len(inbox.messages) == len(tried) - 1
    with store.session() as s:
        rows = list(s.scalars(select(AlertRow).order_by(AlertRow.id)))
    assert [r.delivered for r in rows] == [False] + [True] * (len(rows) - 1)
    assert "KeyError" in rows[0].error


def test_a_notice_not_sent_is_retried_only_up_to_retry_hours(demo: dict, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(copy_demo_store(demo, tmp_path))
    settings = Settings(raw=get_settings().raw | {"alerts": {"levels": ["do"], "retry_hours": 24}})
    options = alerts_module.AlertOptions(retry_hours=24)
    first = datetime.fromisoformat(OUTBREAK)
    port = free_port()
    for key, value in smtp_env(port).items():
        monkeypatch.setenv(key, value)
    down = run_alerts(store, settings, first)  # nothing listens on the port yet
    assert [a.status for a in down] == [NOT_SENT]
    with smtp_server(port) as inbox:
        assert alerts_module.retry_pending(store, settings, options, first + timedelta(hours=25)) == []
        assert not inbox.messages
        sent = alerts_module.retry_pending(store, settings, options, first + timedelta(hours=23))
        assert [a.status for a in sent] == [SENT] and len(inbox.messages) == 1
        assert alerts_module.retry_pending(store, settings, options, first + timedelta(hours=23, minutes=30)) == []
