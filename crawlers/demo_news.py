"""The demo's news sites: six weeks of health news written for the project
(``demo_site/news/*.jsonl``) rendered as the outlets publish them — a national
paper and a second national paper with RSS feeds, the provincial paper with a
news sitemap, the Department of Health portal with a paged listing, a public
forum and a social-media export.

``render_site(folder, as_of=…)`` writes only what was published before
``as_of``, so tests can replay the weeks day by day. URLs carry ``{{BASE}}``,
which :class:`crawlers.loopback.LoopbackSite` replaces when serving.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from crawlers.example import write_sources_file
from pipeline.understand.normalize import strip_diacritics
from pipeline.common.hashing import sha1

DEMO_ROOT = Path(__file__).resolve().parent / "demo_site"
NEWS_DIR = DEMO_ROOT / "news"
PAGE_SIZE = 20
_WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")


@dataclass(frozen=True)
class Outlet:
    """One demo outlet: where its pages live and how they look."""

    key: str
    name: str
    footer: str
    menu: tuple[str, ...]
    article: str = ""  # template name; empty for posts

    @property
    def root(self) -> str:
        """URL prefix of the outlet on the loopback server."""
        return "{{BASE}}/" + self.key


OUTLETS = {o.key: o for o in (
    Outlet("tinsuckhoe", "Tin Sức Khỏe", "Báo điện tử Tin Sức Khỏe. Giấy phép số 548/GP-BTTTT.",
           ("Thời sự", "Sức khỏe", "Đời sống"), "tinsuckhoe_article.html"),
    Outlet("baosuckhoe", "Sức khỏe Cộng đồng", "Cơ quan ngôn luận về y tế. Ghi rõ nguồn khi phát hành lại.",
           ("Y tế", "Thầy thuốc", "Phòng bệnh", "Dinh dưỡng"), "baosuckhoe_article.html"),
    Outlet("baoquangngai", "Báo Quảng Ngãi", "Cơ quan của Đảng bộ, chính quyền và nhân dân tỉnh Quảng Ngãi.",
           ("Thời sự", "Xã hội", "Kinh tế", "Văn hóa"), "baoquangngai_article.html"),
    Outlet("syt", "Sở Y tế tỉnh Quảng Ngãi", "Cổng thông tin điện tử Sở Y tế tỉnh Quảng Ngãi.",
           ("Tin tức", "Văn bản", "Thủ tục hành chính"), "syt_article.html"),
    Outlet("dien-dan", "Diễn đàn Sức khỏe Quảng Ngãi", "Diễn đàn công khai của người dân.", ("Sức khỏe", "Hỏi đáp")),
    Outlet("mxh", "Mạng xã hội", "", ()),
)}


def slug(text: str) -> str:
    """URL slug of a Vietnamese title: "Sốt xuất huyết tăng" → "sot-xuat-huyet-tang"."""
    return re.sub(r"[^a-z0-9]+", "-", strip_diacritics(text).lower()).strip("-")[:80]


def _vn_short(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y %H:%M")


def _vn_datetime(moment: datetime) -> str:
    return f"{_WEEKDAYS[moment.weekday()]}, {moment.strftime('%d/%m/%Y, %H:%M')}"


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(DEMO_ROOT / "templates"),
                      autoescape=select_autoescape(["html", "xml"]), keep_trailing_newline=True)
    env.filters.update(slug=slug, vn_short=_vn_short, vn_datetime=_vn_datetime, rfc822=format_datetime)
    return env


def load_news() -> list[dict[str, Any]]:
    """Every demo item, oldest first, with ``published`` parsed and its ``url`` set."""
    items = []
    for path in sorted(NEWS_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                item["published"] = datetime.fromisoformat(item["published"])
                item["url"] = _url(item)
                items.append(item)
    items.sort(key=lambda i: (i["published"], i["id"]))
    return items


def _url(item: dict[str, Any]) -> str:
    outlet = OUTLETS[item["outlet"]]
    number = int(sha1(item["id"])[:8], 16) % 900_000 + 100_000
    name = slug(item.get("title") or item["paragraphs"][0])
    return {
        "tinsuckhoe": f"{outlet.root}/{name}-{number}.html",
        "baosuckhoe": f"{outlet.root}/{slug(item.get('section') or 'y te')}/{name}-{number}.htm",
        "baoquangngai": f"{outlet.root}/xa-hoi/y-te/{name}-{number}.htm",
        "syt": f"{outlet.root}/tin-tuc/{name}-{number}.html",
        "dien-dan": f"{outlet.root}/chu-de/{number}.html",
        "mxh": f"https://www.facebook.com/groups/suckhoequangngai/posts/{number}",
    }[outlet.key]


def _write(folder: Path, url: str, text: str) -> None:
    path = folder / url.removeprefix("{{BASE}}/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _paged(env: Environment, folder: Path, outlet: Outlet, items: list[dict], first: str, heading: str,
           template: str) -> None:
    """Newest-first listing pages of PAGE_SIZE items, linked by "Trang sau"."""
    newest = list(reversed(items))
    pages = [newest[i:i + PAGE_SIZE] for i in range(0, len(newest), PAGE_SIZE)] or [[]]
    urls = [f"{outlet.root}/{first}"] + [f"{outlet.root}/{first.rsplit('.', 1)[0]}-trang-{n}.html"
                                         for n in range(2, len(pages) + 1)]
    for n, page in enumerate(pages):
        _write(folder, urls[n], env.get_template(template).render(
            outlet=outlet, items=page, heading=heading, page=n + 1,
            prev_url=urls[n - 1] if n else None, next_url=urls[n + 1] if n + 1 < len(pages) else None))


def _export_line(item: dict[str, Any]) -> str:
    return json.dumps({"platform": item.get("platform", "facebook"), "url": item["url"],
                       "text": " ".join(item["paragraphs"]), "posted_at": item["published"].isoformat(),
                       "author_id": item.get("author", ""), "reactions": item.get("reactions", 0),
                       "comments": item.get("comments", 0), "shares": item.get("shares", 0)},
                      ensure_ascii=False)


def render_site(folder: Path, as_of: datetime | None = None) -> int:
    """Write the demo sites into ``folder`` as of a moment (default: everything); returns the item count."""
    env = _environment()
    items = [i for i in load_news() if as_of is None or i["published"] < as_of]
    by_outlet: dict[str, list[dict]] = {key: [] for key in OUTLETS}
    for item in items:
        by_outlet[item["outlet"]].append(item)
    for key, outlet in OUTLETS.items():
        mine = by_outlet[key]
        for n, item in enumerate(mine):
            if outlet.article:
                related = list(reversed(mine[max(0, n - 3):n]))
                _write(folder, item["url"], env.get_template(outlet.article).render(
                    outlet=outlet, item=item, related=related))
    feed = env.get_template("rss.xml")
    for key, path in (("tinsuckhoe", "rss/suc-khoe.rss"), ("baosuckhoe", "rss/y-te.rss")):
        _write(folder, f"{OUTLETS[key].root}/{path}",
               feed.render(outlet=OUTLETS[key], items=list(reversed(by_outlet[key]))))
    _write(folder, f"{OUTLETS['baoquangngai'].root}/sitemap-news.xml",
           env.get_template("sitemap.xml").render(outlet=OUTLETS["baoquangngai"],
                                                  items=list(reversed(by_outlet["baoquangngai"]))))
    _paged(env, folder, OUTLETS["syt"], by_outlet["syt"], "tin-tuc.html", "Tin tức - sự kiện", "listing.html")
    _paged(env, folder, OUTLETS["dien-dan"], by_outlet["dien-dan"], "suc-khoe.html", "Sức khỏe - Hỏi đáp",
           "forum.html")
    _write(folder, "{{BASE}}/mxh/exports/posts.jsonl", "".join(_export_line(i) + "\n" for i in by_outlet["mxh"]))
    (folder / "robots.txt").write_text("User-agent: *\nDisallow: /admin/\n", encoding="utf-8")
    return len(items)


def demo_sources_file(base_url: str, folder: Path) -> Path:
    """The demo's sources file for a server at ``base_url``; returns its path."""
    return write_sources_file(DEMO_ROOT / "sources.yaml", base_url, folder)
