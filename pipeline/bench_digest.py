"""Digest benchmark: generate a store of N analysed documents spread over a year
(titles and leads drawn from the demo news, topics, signals, provinces and
engagement at realistic rates), then time ``duluan digest`` on its last day in
a separate process and report its peak memory."""
from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import insert

from pipeline.common.taxonomy import taxonomy
from pipeline.store.schema import AnalysisRow, DocumentRow, SourceRow
from pipeline.store.store import Store

PROVINCES = ["Quảng Ngãi", "Hà Nội", "Hồ Chí Minh", "Đồng Nai", "Gia Lai", "Nghệ An", "Cần Thơ", None]
_CHUNK = 20_000
# Shares of the health topics in taxonomy order (a topic added later weighs 3), and of
# the signals by role: about the mix of the demo's news.
TOPIC_WEIGHTS = (8, 14, 4, 5, 3, 3, 3, 5, 55)
SIGNAL_WEIGHTS = {"pressing": 14, "false_information": 2, "commendable": 4, "default": 80, None: 2}


def generate_store(url: str, docs: int, end: datetime, days: int = 365, seed: int = 7) -> None:
    """Fill an empty store with ``docs`` documents and their analyses."""
    from crawlers.demo_news import load_news

    rng = random.Random(seed)
    news = [(i.get("title") or i["paragraphs"][0][:100], " ".join(i["paragraphs"])[:400], i["outlet"])
            for i in load_news()]
    tax = taxonomy()
    topics, signals = list(tax.relevant_topics), list(tax.signal_codes)
    topic_w = [TOPIC_WEIGHTS[i] if i < len(TOPIC_WEIGHTS) else 3 for i in range(len(topics))]
    signal_w = [SIGNAL_WEIGHTS[label.role] for label in tax.signals]
    store = Store(url)
    with store.session() as s:
        s.execute(insert(SourceRow), [{"id": f"src{n}", "name": f"Nguồn {n}", "kind": "rss", "urls": [],
                                       "province": None, "config": {}} for n in range(40)])
    start = end - timedelta(days=days)
    for first in range(0, docs, _CHUNK):
        n = min(_CHUNK, docs - first)
        doc_rows, analysis_rows = [], []
        for k in range(first + 1, first + n + 1):
            title, lead, outlet = rng.choice(news)
            published = start + timedelta(seconds=rng.uniform(0, days * 86400))
            post = outlet in ("dien-dan", "mxh")
            doc_rows.append({"id": k, "url_canonical": f"http://bench.local/{k}", "url": f"http://bench.local/{k}",
                             "source_id": f"src{rng.randrange(40)}", "kind": "post" if post else "article",
                             "title": f"{title} ({k})", "text": lead, "published_at": published,
                             "date_source": "meta", "partial": False, "content_sha1": f"{k:040d}",
                             "fetched_at": published, "updated_at": published,
                             "extra": {"reactions": rng.randrange(500)} if post else {}})
            analysis_rows.append({"document_id": k, "processed_at": published, "models": "bench", "skipped": None,
                                  "relevant": True, "topic": rng.choices(topics, topic_w)[0],
                                  "signal": rng.choices(signals, signal_w)[0], "scores": {}, "why": [],
                                  "provinces": [p] if (p := rng.choice(PROVINCES)) else [], "units": [],
                                  "facilities": [], "minhash": None, "dup_group": None})
        with store.session() as s:
            s.execute(insert(DocumentRow), doc_rows)
            s.execute(insert(AnalysisRow), analysis_rows)
        print(f"\r{first + n:,} / {docs:,} documents", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def run_digest_bench(docs: int, folder: Path) -> str:
    """Generate the store (unless it exists) and time one daily digest; returns the report."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"bench-{docs}.db"
    url = f"sqlite:///{db}"
    end = datetime(2026, 11, 23, tzinfo=timezone.utc)
    if not db.exists():
        t0 = time.perf_counter()
        generate_store(url, docs, end)
        print(f"generated {docs:,} documents in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    command = [sys.executable, "-m", "pipeline.cli", "digest", "--date", "2026-11-23"]
    t0 = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True,
                            env=dict(os.environ, DULUAN_DB_URL=url, DULUAN_DATA_DIR=str(folder)))
    seconds = time.perf_counter() - t0
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return (f"store: {docs:,} documents over 365 days ({db.stat().st_size / 2**20:,.0f} MiB SQLite)\n"
            f"duluan digest --date 2026-11-23: {seconds:.1f} s (process start included), peak memory {peak:.0f} MiB")
