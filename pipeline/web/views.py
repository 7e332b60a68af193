"""The workspace's pages: digests, issues, documents, sources, search, reviews, audit log."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from starlette.exceptions import HTTPException

from pipeline.report.digest import source_health
from pipeline.store.schema import AnalysisRow, DocumentRow, FollowUpDocumentRow, FollowUpKeyRow, SourceRow
from pipeline.web.accounts import User
from pipeline.web.app import current_user, render, workspace
from pipeline.web.audit import recent
from pipeline.web.digests import document_ids, find_issue
from pipeline.web.followup import Registry, notes
from pipeline.web.reviews import PERIODS, build_review, review_csv
from pipeline.web.search import search

router = APIRouter()
LOOK_BACK_DAYS = 30


def registry(request: Request) -> Registry:
    """The app's follow-up registry."""
    return request.app.state.registry


def _overdue_first(issues: list[dict[str, Any]], followups: dict) -> list[dict[str, Any]]:
    return sorted(issues, key=lambda i: not (followups.get(i["key"]) and followups[i["key"]].overdue))


def _digest_page(request: Request, user: User, day: str | None) -> Response:
    ws = workspace(request)
    days = ws.digests.days()
    day = day or (days[0] if days else None)
    doc = ws.digests.get(day) if day else None
    if day and doc is None:
        raise HTTPException(404, f"Không có bản tin ngày {day}.")
    issues = doc["issues"] if doc else []
    followups = registry(request).followups(doc, issues) if doc else {}
    return render(request, "digest.html.j2", {"user": user, "doc": doc, "day": day, "days": days[:60],
                                              "issues": _overdue_first(issues, followups), "followups": followups})


@router.get("/")
def home(request: Request, user: User = Depends(current_user)) -> Response:
    """The latest daily digest."""
    return _digest_page(request, user, None)


@router.get("/digest")
def digest_of(request: Request, date: str = "", user: User = Depends(current_user)) -> Response:  # noqa: A002
    """The date picker's target."""
    return RedirectResponse(f"/digest/{date}" if date else "/", status_code=303)


@router.get("/digest/{day}")
def digest_day(request: Request, day: str, user: User = Depends(current_user)) -> Response:
    """The daily digest of one date."""
    return _digest_page(request, user, day)


@router.get("/issue/{key}")
def issue_page(request: Request, key: str, date: str = "", user: User = Depends(current_user)) -> Response:  # noqa: A002
    """One issue: level history, why, facts, documents, trend, who leads, actions, follow-up."""
    ws = workspace(request)
    days = [date] if date else ws.digests.days()[:LOOK_BACK_DAYS]
    for day in days:
        doc = ws.digests.get(day)
        issue = find_issue(doc, key) if doc else None
        if issue:
            break
    else:
        raise HTTPException(404, "Không tìm thấy vấn đề này trong các bản tin gần đây.")
    followup = registry(request).followups(doc, [issue])[key]
    ids = document_ids(ws.store, [d["url"] for d in issue["documents"]])
    trend = issue["trend"]
    peak = max(trend["documents"] + trend["topic_province"] + [1])
    return render(request, "issue.html.j2", {
        "user": user, "issue": issue, "day": doc["date"], "followup": followup, "notes": notes(ws.store, followup.id),
        "doc_ids": ids, "peak": peak, "history": list(zip(trend["days"], trend["levels"], trend["documents"],
                                                          trend["topic_province"], trend["threshold"]))})


@router.get("/document/{doc_id}")
def document_page(request: Request, doc_id: int, user: User = Depends(current_user)) -> Response:
    """One document: its text, where it came from, its labels, and the "nhãn sai" form."""
    ws = workspace(request)
    with ws.store.session() as s:
        row = s.execute(select(DocumentRow, AnalysisRow, SourceRow.name)
                        .outerjoin(AnalysisRow, AnalysisRow.document_id == DocumentRow.id)
                        .outerjoin(SourceRow, SourceRow.id == DocumentRow.source_id)
                        .where(DocumentRow.id == doc_id)).one_or_none()
        issue_key = s.scalar(select(FollowUpKeyRow.issue_key)
                             .join(FollowUpDocumentRow, FollowUpDocumentRow.followup_id == FollowUpKeyRow.followup_id)
                             .where(FollowUpDocumentRow.document_id == doc_id).limit(1))
    if row is None:
        raise HTTPException(404, "Không có bài này trong kho.")
    document, analysis, source_name = row
    return render(request, "document.html.j2", {
        "user": user, "document": document, "analysis": analysis, "source_name": source_name or document.source_id,
        "paragraphs": [p for p in document.text.split("\n") if p.strip()], "issue_key": issue_key,
        "saved": request.query_params.get("saved") == "1"})


@router.get("/sources")
def sources_page(request: Request, user: User = Depends(current_user)) -> Response:
    """Each source's health: documents in the latest digest window, problems, last crawl."""
    ws = workspace(request)
    start, end = ws.clock.window(ws.clock.today())
    rows = source_health(ws.store, start, end)
    with ws.store.session() as s:
        polled = {r.id: r for r in s.scalars(select(SourceRow))}
    return render(request, "sources.html.j2", {"user": user, "rows": rows, "polled": polled, "start": start,
                                               "end": end})


@router.get("/search")
def search_page(request: Request, q: str = "", user: User = Depends(current_user)) -> Response:
    """Documents matching the words, with or without diacritics."""
    ws = workspace(request)
    hits = search(ws.store, q[:200]) if q.strip() else []
    return render(request, "search.html.j2", {"user": user, "q": q, "hits": hits})


def _review_args(request: Request, period: str, end: str) -> tuple[str, date]:
    ws = workspace(request)
    if period not in PERIODS:
        raise HTTPException(404, "Kỳ báo cáo không hợp lệ.")
    try:
        day = date.fromisoformat(end) if end else date.fromisoformat(ws.digests.latest() or "")
    except ValueError:
        day = ws.clock.today()
    return period, day


@router.get("/reviews")
def reviews_page(request: Request, period: str = "week", end: str = "",
                 user: User = Depends(current_user)) -> Response:
    """Weekly, monthly, quarterly or yearly review of the issues and their handling (printable)."""
    period, day = _review_args(request, period, end)
    review = build_review(workspace(request), registry(request), period, day)
    return render(request, "reviews.html.j2", {"user": user, "review": review, "period": period, "PERIODS": PERIODS,
                                               "previous": review.start - timedelta(days=1)})


@router.get("/reviews.csv")
def reviews_csv(request: Request, period: str = "week", end: str = "", user: User = Depends(current_user)) -> Response:
    """The review's issues as CSV (UTF-8 with BOM, so spreadsheets read the diacritics)."""
    period, day = _review_args(request, period, end)
    review = build_review(workspace(request), registry(request), period, day)
    name = f"sơ-kết-{period}-{review.start.isoformat()}-{review.end.isoformat()}.csv"
    return Response(review_csv(review), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@router.get("/audit")
def audit_page(request: Request, user: User = Depends(current_user)) -> Response:
    """The latest changes: who changed what and when."""
    return render(request, "audit.html.j2", {"user": user, "entries": recent(workspace(request).store)})
