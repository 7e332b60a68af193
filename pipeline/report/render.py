"""Digest output: JSON, Markdown and HTML (Jinja2, every scraped string escaped)
written to ``data/digests/D/`` through temporary files and renames."""
from __future__ import annotations

import base64
import json
import re
from functools import lru_cache
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from pipeline.common.files import write_text_atomic
from pipeline.common.labels import ACTION_LEVELS, LEVELS, vi_number
from pipeline.common.options import DeploymentOptions
from pipeline.common.taxonomy import taxonomy
from pipeline.common.textutil import shorten
from pipeline.parse.urls import is_http_url
from pipeline.report.charts import WIDTH_PX, trend_png, trend_svg, trend_text
from pipeline.store.records import IssueEntry, Trend

SOURCE_STATUS = {"ok": "hoạt động", "silent": "im lặng 3 ngày", "problems": "có lỗi khi thu thập"}
_TITLES = {"day": "Bản tin dư luận y tế ngày {d}", "week": "Tổng hợp dư luận y tế 7 ngày đến {d}",
           "month": "Tổng hợp dư luận y tế 30 ngày đến {d}"}
_SUBTITLES = {"day": "bản tin hằng ngày", "week": "phục vụ giao ban tuần", "month": "phục vụ sơ kết tháng"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#<>])")
# The zone window bounds are shown in when the caller names none (the project's default).
DEFAULT_TZ = ZoneInfo(DeploymentOptions().timezone)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MD_URL_SAFE = ":/?#@!$&*+,;=%~-._"
DOCS_SHOWN = 3  # documents listed per issue; the rest behind "xem thêm"
ACTIONS_SHOWN = 3  # actions listed per issue in HTML; the rest folded (the first is in "Cần xử lý hôm nay")
TITLE_CHARS = 120  # an issue's or a document's title
LINE_CHARS = 80  # a title on one line of "Cần xử lý hôm nay" or of a folded issue


def _vn_date(value: str) -> str:
    return date.fromisoformat(value[:10]).strftime("%d/%m/%Y")


def _vn_time(value: str) -> str:
    return datetime.fromisoformat(value).strftime("%H:%M %d/%m")


def _md(value: str) -> str:
    """Markdown-escape scraped text (``<`` too, so no HTML gets through)."""
    return _MD_SPECIAL.sub(r"\\\1", str(value)).replace("\n", " ")


def safe_url(value: object) -> str:
    """A link target only when it is an absolute http(s) URL (no ``javascript:``,
    ``data:`` or control characters), else ``#``.

    >>> safe_url("javascript:alert(document.cookie)"), safe_url(" https://baoquangngai.vn/a ")
    ('#', 'https://baoquangngai.vn/a')
    """
    url = str(value or "").strip()
    return url if is_http_url(url) and not _CONTROL.search(url) else "#"


def md_url(value: object) -> str:
    """:func:`safe_url` percent-encoded for a Markdown link target, so ``)``, ``<``,
    spaces or ``|`` cannot end the link or inject another.

    >>> md_url("https://a.vn/2) [Bấm](javascript:alert(4)")
    'https://a.vn/2%29%20%5BB%E1%BA%A5m%5D%28javascript:alert%284%29'
    """
    return quote(safe_url(value), safe=_MD_URL_SAFE)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """Templates in pipeline/report/templates; ``*.html.j2`` autoescaped, Markdown escaped by ``md``."""
    env = Environment(loader=PackageLoader("pipeline.report", "templates"), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html.j2"]), trim_blocks=True, lstrip_blocks=True)
    env.filters.update(num=lambda v, d=0: vi_number(float(v), d), vn_date=_vn_date, vn_time=_vn_time, md=_md,
                       safe_url=safe_url, md_url=md_url, shorten=shorten,
                       chart_text=lambda trend: trend_text(Trend(**trend)))
    return env


def chart_images(doc: dict[str, Any]) -> dict[str, bytes]:
    """PNG trend chart (2×) of each hot issue, by issue key, for e-mail."""
    return {i["key"]: trend_png(Trend(**i["trend"])) for i in doc["issues"] if i.get("trend")}


def chart_svgs(doc: dict[str, Any]) -> dict[str, str]:
    """SVG trend chart of each hot issue as a ``data:`` URI, by issue key, for the page."""
    return {i["key"]: data_uri(trend_svg(Trend(**i["trend"])).encode("utf-8"), "image/svg+xml")
            for i in doc["issues"] if i.get("trend")}


def digest_title(doc: dict[str, Any]) -> str:
    """"Bản tin dư luận y tế ngày 23/11/2026" (or the weekly / monthly title)."""
    return _TITLES[doc["period"]].format(d=_vn_date(doc["date"]))


def _context(doc: dict[str, Any], charts: dict[str, str], tz: tzinfo) -> dict[str, Any]:
    start, end = (datetime.fromisoformat(doc["window"][k]) for k in ("start", "end"))
    tax = taxonomy()
    return {"title": digest_title(doc), "subtitle": _SUBTITLES[doc["period"]],
            "province": doc["province"], "period": doc["period"], "issues": doc["issues"], "h": doc["headline"],
            "sections": doc, "charts": charts, "levels": LEVELS, "topics": tax.topic_names,
            "signals": tax.signal_names, "source_status": SOURCE_STATUS,
            "window_text": f"{_local(start, tz)} đến {_local(end, tz)}",
            "urgent": [i for i in doc["issues"] if i["level"] in ACTION_LEVELS],
            "watch": [i for i in doc["issues"] if i["level"] not in ACTION_LEVELS],
            "docs_shown": DOCS_SHOWN, "actions_shown": ACTIONS_SHOWN, "line_chars": LINE_CHARS,
            "title_chars": TITLE_CHARS, "chart_px": WIDTH_PX}


def _local(moment: datetime, tz: tzinfo) -> str:
    """A window bound in the deployment's time zone, e.g. "07:00 16/11/2026"."""
    return moment.astimezone(tz).strftime("%H:%M %d/%m/%Y")


def render_html(doc: dict[str, Any], charts: dict[str, str], tz: tzinfo = DEFAULT_TZ) -> str:
    """The HTML page of a ``digest.json`` document; ``charts`` maps issue keys to image
    sources (data: or cid: URIs); the window is shown in ``tz``."""
    return _environment().get_template("digest.html.j2").render(_context(doc, charts, tz))


def render_markdown(doc: dict[str, Any], tz: tzinfo = DEFAULT_TZ) -> str:
    """The Markdown digest of a ``digest.json`` document (scraped text escaped); the
    window is shown in ``tz``."""
    return _environment().get_template("digest.md.j2").render(_context(doc, {}, tz))


def render_alert(issue: IssueEntry, chart: str | None) -> tuple[str, str]:
    """(plain text, HTML) of an urgent notice about one issue (times as its documents carry them)."""
    context = {"i": issue, "chart": chart, "levels": LEVELS}
    env = _environment()
    return env.get_template("alert.txt.j2").render(context), env.get_template("alert.html.j2").render(context)


def data_uri(content: bytes, mime: str = "image/png") -> str:
    """A ``data:`` URI for an image, for the stand-alone HTML page."""
    return f"data:{mime};base64," + base64.b64encode(content).decode("ascii")


def write_outputs(doc: dict[str, Any], folder: Path, tz: tzinfo = DEFAULT_TZ) -> dict[str, Path]:
    """Write ``digest.{json,md,html}`` (``digest-week.*`` / ``digest-month.*`` for
    summaries) into ``folder``, times in ``tz``; returns the paths by format."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = "digest" if doc["period"] == "day" else f"digest-{doc['period']}"
    charts = chart_svgs(doc)
    outputs = {"json": json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False),
               "md": render_markdown(doc, tz), "html": render_html(doc, charts, tz)}
    paths = {}
    for fmt, text in outputs.items():
        paths[fmt] = folder / f"{stem}.{fmt}"
        write_text_atomic(paths[fmt], text)
    return paths
