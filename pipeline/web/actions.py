"""What editors change: an issue's follow-up, and "nhãn sai" on a document (a correction
that ``duluan train`` reads). Every change needs the CSRF token and an editor or admin."""
from __future__ import annotations

import logging
import re
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from pipeline.understand.corrections import record_correction
from pipeline.web.app import editor, workspace
from pipeline.web.audit import record
from pipeline.web.followup import FollowUpError, parse_links, update

log = logging.getLogger(__name__)
router = APIRouter()
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@router.post("/issue/{key}/followup")
def change_followup(request: Request, key: str, status: str = Form(...), note: str = Form(""),
                    links: str = Form(""), assignee: str | None = Form(None), lead_agency: str | None = Form(None),
                    date: str = Form(""), csrf_token: str | None = Form(None)) -> Response:  # noqa: A002
    """Set the status (and lead agency, assignee) and add a note with links."""
    user = editor(request, csrf_token)
    try:
        update(workspace(request).store, key, user.username, status=status, note=note, links=parse_links(links),
               assignee=assignee, lead_agency=lead_agency)
    except FollowUpError as exc:
        raise HTTPException(400, str(exc)) from exc
    except LookupError as exc:
        raise HTTPException(404, "Vấn đề này chưa có trong bản tin nào.") from exc
    log.info("%s set issue %s to %s", user.username, key, status)
    suffix = f"?date={date}" if DAY.fullmatch(date) else ""
    return RedirectResponse(f"/issue/{quote(key)}{suffix}#xu-ly", status_code=303)


@router.post("/document/{doc_id}/label")
def wrong_label(request: Request, doc_id: int, topic: str = Form(...), signal: str = Form(...),
                csrf_token: str | None = Form(None)) -> Response:
    """Record the right topic and signal of a document in the corrections file."""
    user = editor(request, csrf_token)
    store = workspace(request).store
    try:
        correction = record_correction(store, doc_id, topic, signal, annotator=f"web:{user.username}")
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    with store.session() as s:
        record(s, user.username, "label", f"document:{doc_id}", {"topic": topic, "signal": signal,
                                                               "url": correction["url"]})
    return RedirectResponse(f"/document/{doc_id}?saved=1", status_code=303)
