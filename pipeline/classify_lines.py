"""``duluan classify``: JSON lines in, one JSON line out per line in, in order.

A line that cannot be classified (blank, not JSON, not an object, no text) gets
``{"id", "error"}`` with the reason in plain words, and the others go on.

>>> list(read_requests(["", '{"id": 7}']))  # doctest: +NORMALIZE_WHITESPACE
[Request(line=1, id=None, text='', error='dòng trống (empty line)'),
 Request(line=2, id=7, text='', error='thiếu trường "text" (no "text" field)')]
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Request:
    """One input line: its number, id and text, or why it cannot be classified."""

    line: int
    id: Any
    text: str
    error: str | None = None


def _request(n: int, line: str) -> Request:
    if not line.strip():
        return Request(n, None, "", "dòng trống (empty line)")
    try:
        rec = json.loads(line)
    except ValueError:
        return Request(n, None, "", "không phải JSON (not JSON)")
    if not isinstance(rec, dict):
        return Request(n, None, "", 'không phải đối tượng JSON {"id", "text"} (not a JSON object)')
    rid, text, title = rec.get("id"), rec.get("text"), rec.get("title")
    if text is None:
        return Request(n, rid, "", 'thiếu trường "text" (no "text" field)')
    if not isinstance(text, str) or not isinstance(title, str | None):
        return Request(n, rid, "", '"text" và "title" phải là chuỗi ("text" and "title" must be strings)')
    if not text.strip() and not (title or "").strip():
        return Request(n, rid, "", "văn bản trống (empty text)")
    return Request(n, rid, f"{title or ''}\n{text}")


def read_requests(lines: Iterable[str]) -> Iterator[Request]:
    """One :class:`Request` per input line, blank lines included."""
    for n, line in enumerate(lines, 1):
        yield _request(n, line)


Predict = Callable[[list[str]], list[dict[str, Any]]]


def classify_lines(lines: Iterable[str], predict: Predict, batch_size: int = 64) -> Iterator[dict[str, Any]]:
    """The output record of every input line, in order. ``predict`` classifies a batch of
    normalised texts; a batch it fails on is retried line by line, so only the lines at
    fault get an error."""
    requests = read_requests(lines)
    while batch := list(islice(requests, batch_size)):
        good = [r for r in batch if r.error is None]
        results = dict(zip((r.line for r in good), _predict_each(good, predict)))
        for r in batch:
            if r.error is not None:
                log.warning("line %d: %s", r.line, r.error)
                yield {"id": r.id, "error": f"dòng {r.line}: {r.error}"}
            else:
                yield results[r.line] | {"id": r.id}


def _predict_each(good: list[Request], predict: Predict) -> list[dict[str, Any]]:
    if not good:
        return []
    try:
        return predict([r.text for r in good])
    except Exception:  # noqa: BLE001 — find the line at fault, classify the rest
        if len(good) == 1:
            log.exception("line %d: could not be classified", good[0].line)
            return [{"error": f"dòng {good[0].line}: không phân loại được (could not be classified)"}]
        return [out for r in good for out in _predict_each([r], predict)]
