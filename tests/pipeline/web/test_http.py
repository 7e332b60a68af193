"""The workspace over HTTP: the contract, CSRF, roles, rate limits, cookie flags, follow-up."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from pipeline.store.schema import AuditRow, FollowUpNoteRow, FollowUpRow, UserRow
from pipeline.web.search import refresh_index
from tests.pipeline.web.conftest import DOCS, PASSWORD, Web, csrf_of, issue, write_digest


def test_healthz_answers_without_login(web: Web) -> None:
    response = web.new_client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/", "/digest/2026-11-22", "/issue/bbbb00000002", "/document/1", "/sources",
                                  "/search?q=benh", "/reviews", "/reviews.csv", "/audit"])
def test_every_page_redirects_to_login_when_logged_out(web: Web, path: str) -> None:
    response = web.new_client().get(path, follow_redirects=False)
    assert response.status_code in (302, 303, 307) and response.headers["location"] == "/login"


def test_login_form_and_successful_post_redirect_to_home(web: Web) -> None:
    client = web.new_client()
    page = client.get("/login").text
    for field in ('name="username"', 'name="password"', 'type="hidden" name="csrf_token"'):
        assert field in page
    response = client.post("/login", data={"username": "bien-tap", "password": PASSWORD,
                                           "csrf_token": csrf_of(page)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert client.get("/", follow_redirects=False).status_code == 200


def test_login_without_csrf_token_is_refused(web: Web) -> None:
    client = web.new_client()
    client.get("/login")
    response = client.post("/login", data={"username": "bien-tap", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def _cookie_attributes(header: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}


def test_session_cookie_is_signed_httponly_samesite_and_secure_over_https(web: Web) -> None:
    client = web.login("bien-tap")
    header = client.get("/login").headers["set-cookie"]
    assert {"httponly", "samesite"} <= _cookie_attributes(header) and "secure" not in _cookie_attributes(header)
    assert "samesite=lax" in header.lower()
    https = web.new_client(base_url="https://testserver").get("/login").headers["set-cookie"]
    assert "secure" in _cookie_attributes(https)
    forced = replace(web.settings, raw=web.settings.raw | {"web": web.settings.raw["web"] | {"secure_cookie": True}})
    assert "secure" in _cookie_attributes(web.new_client(forced).get("/login").headers["set-cookie"])
    tampered = web.new_client()
    value = client.cookies["duluan_session"]
    tampered.cookies.set("duluan_session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    assert tampered.get("/", follow_redirects=False).headers["location"] == "/login"


def test_home_lists_latest_digest_issues_linking_to_their_pages(web: Web) -> None:
    client = web.login("chi-xem")
    page = client.get("/").text
    assert "23/11/2026" in page
    for key in ("bbbb00000002", "cccc00000003"):
        assert f'href="/issue/{key}?date=2026-11-23"' in page
        assert client.get(f"/issue/{key}?date=2026-11-23").status_code == 200
    assert "aaaa00000001" not in page
    assert 'href="/issue/aaaa00000001?date=2026-11-22"' in client.get("/digest/2026-11-22").text


def _post_status(client, key: str, token: str | None, status: str = "dang_xu_ly", note: str = "Đã gọi bệnh viện"):  # noqa: ANN001, ANN202
    data = {"status": status, "note": note, "links": "https://syt.quangngai.gov.vn/thong-cao"}
    if token is not None:
        data["csrf_token"] = token
    return client.post(f"/issue/{key}/followup", data=data, follow_redirects=False)


def _statuses(web: Web) -> list[str]:
    with web.store.session() as s:
        return list(s.scalars(select(FollowUpRow.status).order_by(FollowUpRow.id)))


def test_editor_changes_status_with_note_audited_and_followed_across_stories(web: Web) -> None:
    client = web.login("bien-tap")
    page = client.get("/issue/aaaa00000001?date=2026-11-22").text
    assert 'name="status"' in page and 'name="note"' in page
    assert all(f'value="{code}"' in page for code in ("moi", "dang_xu_ly", "da_tra_loi", "da_bac_bo", "dong"))
    response = _post_status(client, "aaaa00000001", csrf_of(page))
    assert response.status_code == 303
    page = client.get("/issue/aaaa00000001?date=2026-11-22").text
    assert "Đã gọi bệnh viện" in page and "https://syt.quangngai.gov.vn/thong-cao" in page
    audit = client.get("/audit").text
    assert "bien-tap" in audit and "issue:aaaa00000001" in audit and "Đã gọi bệnh viện" in audit
    # the next day the story has another id but shares a document: same follow-up, same status
    home = client.get("/").text
    assert "Đang xử lý" in home
    with web.store.session() as s:
        followups = list(s.scalars(select(FollowUpRow).order_by(FollowUpRow.id)))
    assert len(followups) == 2 and followups[0].status == "dang_xu_ly" and followups[0].level == "do"


def test_follow_up_without_csrf_token_is_403_and_changes_nothing(web: Web) -> None:
    client = web.login("bien-tap")
    client.get("/issue/bbbb00000002")
    before = _statuses(web)
    assert _post_status(client, "bbbb00000002", None).status_code == 403
    assert _post_status(client, "bbbb00000002", "not-the-token").status_code == 403
    assert _statuses(web) == before == ["moi"]
    with web.store.session() as s:
        assert s.scalar(select(FollowUpNoteRow.id)) is None


def test_viewer_reads_everything_and_changes_nothing(web: Web) -> None:
    client = web.login("chi-xem")
    page = client.get("/issue/bbbb00000002").text
    assert "tài khoản chỉ xem" in page and "<fieldset disabled>" in page
    assert _post_status(client, "bbbb00000002", csrf_of(page)).status_code == 403
    doc_page = client.get("/document/1").text
    response = client.post("/document/1/label", data={"topic": "dich_benh", "signal": "thong_tin_chung",
                                                      "csrf_token": csrf_of(doc_page)}, follow_redirects=False)
    assert response.status_code == 403
    assert _statuses(web) == ["moi"]
    with web.store.session() as s:
        assert s.scalar(select(AuditRow.id).where(AuditRow.action.in_(["followup", "label"]))) is None


def test_failed_logins_are_rate_limited_per_user_name(web: Web) -> None:
    client = web.new_client()
    token = csrf_of(client.get("/login").text)
    for _ in range(5):
        response = client.post("/login", data={"username": "bien-tap", "password": "sai-mat-khau-roi",
                                               "csrf_token": token})
        assert response.status_code == 401
    response = client.post("/login", data={"username": "bien-tap", "password": PASSWORD, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 429
    web.login("chi-xem")  # another user name from the same address still logs in
    with web.store.session() as s:
        assert s.scalar(select(AuditRow.action).where(AuditRow.action == "login.failed")) == "login.failed"


@pytest.mark.parametrize("query", ["benh vien da khoa", "Bệnh viện Đa khoa", "BENH VIEN DA KHOA"])
def test_search_with_and_without_diacritics(web: Web, query: str) -> None:
    assert refresh_index(web.store) == len(DOCS)
    page = web.login("chi-xem").get("/search", params={"q": query}).text
    assert "2 kết quả" in page
    assert DOCS[0][1] in page and DOCS[1][1] in page and DOCS[3][1] not in page
    assert refresh_index(web.store) <= len(DOCS)  # re-indexing is idempotent
    assert "2 kết quả" in web.login("chi-xem").get("/search", params={"q": query}).text


def test_wrong_label_writes_a_correction_train_reads(web: Web, tmp_path) -> None:  # noqa: ANN001
    client = web.login("bien-tap")
    token = csrf_of(client.get("/document/4").text)
    response = client.post("/document/4/label", data={"topic": "dich_benh", "signal": "thong_tin_sai_lech",
                                                      "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    record = json.loads((tmp_path / "corrections.jsonl").read_text(encoding="utf-8"))
    assert record["url"] == DOCS[3][0] and record["topic"] == "dich_benh" and record["annotator"] == "web:bien-tap"
    assert "Báo nhãn sai" in client.get("/audit").text


def test_review_counts_handling_and_exports_csv(web: Web) -> None:
    client = web.login("bien-tap")
    token = csrf_of(client.get("/issue/cccc00000003").text)
    assert _post_status(client, "cccc00000003", token, status="da_bac_bo", note="Sở Y tế đã cải chính").status_code == 303
    page = client.get("/reviews", params={"period": "month", "end": "2026-11-23"}).text
    assert "2 bản tin ngày; 2 vấn đề" in page and "Tin sai lệch</dt><dd>1, đã bác bỏ 1" in page
    response = client.get("/reviews.csv", params={"period": "month", "end": "2026-11-23"})
    assert response.status_code == 200 and response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3 and {r[7] for r in rows[1:]} == {"Mới", "Đã bác bỏ thông tin sai"}
    rebutted = next(r for r in rows[1:] if r[7] == "Đã bác bỏ thông tin sai")
    assert float(rebutted[11]) > 0
    assert client.get("/reviews", params={"period": "decade"}).status_code == 404


def test_pages_of_documents_sources_and_unknown_things(web: Web) -> None:
    client = web.login("chi-xem")
    assert DOCS[0][2] in client.get("/document/1").text
    assert "Báo Quảng Ngãi" in client.get("/sources").text
    assert client.get("/document/999").status_code == 404
    assert client.get("/issue/ffff").status_code == 404
    assert client.get("/digest/2026-01-01").status_code == 404


def test_user_add_creates_then_updates(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.cli import main

    monkeypatch.setenv("DULUAN_DB_URL", web.store.url)
    runner = CliRunner()
    result = runner.invoke(main, ["user", "add", "moi", "--agency", "btg", "--role", "viewer"],
                           env={"DULUAN_PASSWORD": "mat-khau-moi-dai"})
    assert result.exit_code == 0 and "created" in result.output
    result = runner.invoke(main, ["user", "add", "moi", "--agency", "syt", "--role", "editor"],
                           input="mat-khau-khac-dai\nmat-khau-khac-dai\n", env={"DULUAN_PASSWORD": ""})
    assert result.exit_code == 0 and "updated" in result.output
    with web.store.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.username == "moi"))
    assert (row.agency, row.role) == ("syt", "editor") and row.password_hash.startswith("$argon2")
    web.login("moi", "mat-khau-khac-dai")
    result = runner.invoke(main, ["user", "add", "ngan", "--agency", "btg", "--role", "viewer"],
                           env={"DULUAN_PASSWORD": "ngan"})
    assert result.exit_code == 1 and "at least" in result.output


def test_unreadable_digest_is_skipped_with_a_reason(web: Web, caplog: pytest.LogCaptureFixture) -> None:
    (web.data / "digests" / "2026-11-24").mkdir()
    (web.data / "digests" / "2026-11-24" / "digest.json").write_text("{không phải json", encoding="utf-8")
    client = web.login("chi-xem")
    assert client.get("/digest/2026-11-24").status_code == 404
    assert "not readable" in caplog.text
    write_digest(web.data, "2026-11-25", [issue("dddd00000004", [DOCS[3][0]])])
    assert "dddd00000004" in client.get("/").text


def test_digest_issues_carry_status_and_link_overdue_first(web: Web) -> None:
    from datetime import date, datetime, timezone

    from pipeline.report.followups import with_followups
    from pipeline.store.records import Issue, IssueEntry, Mention, Trend

    client = web.login("bien-tap")
    token = csrf_of(client.get("/issue/aaaa00000001?date=2026-11-22").text)  # documents 1 and 2, due 22/11
    assert _post_status(client, "aaaa00000001", token, note="").status_code == 303
    client.get("/issue/cccc00000003")

    def story(key: str, doc_id: int) -> Issue:
        mention = Mention(id=doc_id, url=DOCS[doc_id - 1][0], title="", lead="", source_id="baoqn", source_name="",
                          kind="article", published_at=datetime(2026, 11, 25, tzinfo=timezone.utc), topic="dich_benh",
                          signal="thong_tin_chung", province=None)
        return Issue(key=key, title=key, level="cam", heat=50, topic="dich_benh", signal="thong_tin_chung",
                     province=None, why="", mentions=[mention])

    # a new story id holding document 2 two days later: the follow-up is found, and it is overdue
    issues = [story("cccc00000003", 4), story("eeee00000005", 2), story("ffff00000006", 3)]
    entries = [IssueEntry(key=i.key, title=i.title, level=i.level, heat=i.heat, topic=i.topic, signal=i.signal,
                          province="", lead_agency="", support_agency="", why="", actions=[], components={},
                          trend=Trend([], [], [], [], []), documents=[]) for i in issues]
    rows = with_followups(web.store, web.settings, entries, issues, date(2026, 11, 25),
                          datetime(2026, 11, 25, 0, 0, tzinfo=timezone.utc))
    assert [r.key for r in rows] == ["eeee00000005", "cccc00000003", "ffff00000006"]
    assert rows[0].followup.status == "dang_xu_ly" and rows[0].followup.overdue
    assert rows[0].followup.due_at.endswith("+07:00")  # local time, as every time of digest.json
    assert rows[1].followup.status == "moi" and not rows[1].followup.overdue
    assert rows[2].followup is None
    assert rows[0].link == "http://127.0.0.1:8000/issue/eeee00000005?date=2026-11-25"


def test_an_unexpected_error_is_one_log_line_and_a_500_page(web: Web, monkeypatch: pytest.MonkeyPatch,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    import pipeline.web.views as views

    def broken(*args: object) -> list:
        raise RuntimeError("ổ đĩa hỏng")

    monkeypatch.setattr(views, "recent", broken)
    client = web.login("chi-xem")
    response = client.get("/audit")
    assert response.status_code == 500 and "Lỗi 500" in response.text
    lines = [r for r in caplog.records if "failed" in r.getMessage()]
    assert lines and lines[-1].getMessage() == "GET /audit failed: RuntimeError: ổ đĩa hỏng" and not lines[-1].exc_info


def test_demo_prints_how_to_open_the_workspace(demo: dict) -> None:
    from pipeline.cli import DEMO_PASSWORD

    assert f"open http://127.0.0.1:8000 and log in as demo / {DEMO_PASSWORD}" in demo["stdout"]
