"""The ``duluan`` command line. Every command takes ``--help``, returns 0 on
success and non-zero with a one-line reason on failure, and is safe to re-run."""
from __future__ import annotations

import logging
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.common.settings import get_settings

if TYPE_CHECKING:  # imported lazily at run time, so that `duluan classify` starts fast
    from crawlers.frontier import SharedFrontier
    from pipeline.store.store import Store

log = logging.getLogger("duluan")


class Failure(click.ClickException):
    """A one-line reason, exit code 1."""

    def show(self, file: object = None) -> None:
        click.echo(f"duluan: {self.format_message()}", err=True)


def setup_logging(verbose: bool) -> None:
    """One log format for every command, on stderr."""
    level = logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for handler in logging.getLogger().handlers:  # Scrapy lowers the root logger's level; the handler keeps ours
        handler.setLevel(level)
    for noisy in ("scrapy.core.scraper", "scrapy.middleware", "scrapy.extensions.telnet",
                  "scrapy.addons", "scrapy.utils.log", "scrapy.crawler", "scrapy.statscollectors",
                  "urllib3", "filelock", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Show debug logging.")
def main(verbose: bool) -> None:
    """duluan — theo dõi dư luận về y tế (health public-opinion monitoring)."""
    setup_logging(verbose)


@main.command()
@click.option("--sources", "sources_file", type=click.Path(path_type=Path),
              help="Sources YAML file (default config/sources.yaml).")
@click.option("--refresh", is_flag=True, help="Fetch articles again even if already stored.")
@click.option("--due", is_flag=True, help="Only sources whose adaptive poll time has come.")
@click.option("--only", multiple=True, help="Only these source ids (repeatable).")
@click.option("--redis", "redis_url", envvar="DULUAN_REDIS_URL",
              help="Run as one of several workers sharing a frontier in this Redis "
                   "(e.g. redis://127.0.0.1:6379/0; default [crawl] redis_url).")
@click.option("--redis-prefix", envvar="DULUAN_REDIS_PREFIX",
              help="Key prefix of the shared frontier (default [crawl] redis_prefix, else duluan).")
@click.option("--seed", is_flag=True, help="With --redis: start a new batch, enqueue the sources' URLs.")
def crawl(sources_file: Path | None, refresh: bool, due: bool, only: tuple[str, ...],
          redis_url: str | None, redis_prefix: str | None, seed: bool) -> None:
    """Fetch feeds, sitemaps, listings and posts into the store; with --redis, as
    one of N workers (one of them with --seed) that stop when the queue stays empty."""
    from crawlers.runner import due_sources, run_crawl
    from pipeline.store.sources import SourcesError, default_sources_file, load_sources
    from pipeline.store.store import Store

    path = sources_file or default_sources_file()
    try:
        sources = load_sources(path)
    except SourcesError as exc:
        raise Failure(str(exc)) from exc
    if only:
        sources = [s for s in sources if s.id in only]
    frontier = shared_frontier(redis_url, redis_prefix, seed)
    store = Store()
    if due and (frontier is None or seed):  # a worker that does not seed serves every source's queue
        sources = due_sources(store, sources)
    if not sources:
        click.echo("nothing to crawl: no (due) sources")
        return
    summary = run_crawl(store, sources, sources_file=str(path), refresh=refresh, frontier=frontier,
                        seed=seed or frontier is None)
    report_crawl(summary.stats, summary.run_id)
    failed = [sid for sid, s in summary.stats["sources"].items() if s["error"]]
    if summary.status != "ok":
        raise Failure(f"crawl run {summary.run_id} {summary.status}")
    if failed and len(failed) == len(sources):
        raise Failure(f"every source failed ({', '.join(failed)}); see the problems table")


def shared_frontier(url: str | None, prefix: str | None, seed: bool) -> SharedFrontier | None:
    """The Redis frontier this worker shares (None: crawl alone); fails when Redis does not answer."""
    crawl_settings = get_settings().section("crawl")
    url = url or crawl_settings.get("redis_url")
    if not url:
        if seed:
            raise Failure("--seed needs --redis URL (or DULUAN_REDIS_URL, [crawl] redis_url)")
        return None
    try:
        from crawlers.frontier import SharedFrontier
    except ImportError as exc:
        raise Failure(f"--redis needs scrapy-redis: pip install 'duluan[scale]' ({exc})") from exc
    from redis import RedisError

    frontier = SharedFrontier(url, prefix or crawl_settings.get("redis_prefix", "duluan"),
                              float(crawl_settings.get("redis_idle_seconds", 10)))
    try:
        frontier.ping()
    except RedisError as exc:
        raise Failure(f"cannot reach Redis at {url}: {exc}") from exc
    return frontier


def report_crawl(stats: dict, run_id: int) -> None:
    """Print a crawl's per-source summary and totals."""
    click.echo(f"crawl run {run_id}:")
    for sid, s in stats["sources"].items():
        state = f"FAILED {s['error']}" if s["error"] else "ok"
        click.echo(f"  {sid}: {s['seen']} seen, {s['new']} new, next poll in "
                   f"{s['poll_minutes']:.0f} min, {state}")
    totals = stats["totals"]
    problems = {k.removeprefix("problem/"): v for k, v in totals.items() if k.startswith("problem/")}
    click.echo(f"  documents: {totals.get('documents_new', 0)} new, {totals.get('documents_updated', 0)} already stored, "
               f"{totals.get('partial_documents', 0)} kept from feeds only")
    if problems:
        click.echo("  problems: " + ", ".join(f"{k} {v}" for k, v in sorted(problems.items())))


@main.command()
@click.option("--port", type=int, help="Port of the loopback news sites (default [demo] port).")
def demo(port: int | None) -> None:
    """Serve six weeks of demo health news on 127.0.0.1 (national papers, the provincial
    paper, the health department's portal, a forum, a social-media export), crawl
    and process them, and write the digest of every day, fully offline."""
    from crawlers.demo_news import demo_sources_file, render_site
    from crawlers.loopback import LoopbackSite
    from crawlers.runner import run_crawl
    from pipeline.understand.process import process_pending
    from pipeline.store.sources import load_sources
    from pipeline.store.store import Store

    settings = get_settings()
    port = port or int(settings.section("demo").get("port", 8642))
    site_dir = settings.data_dir / "demo" / "site"
    items = render_site(site_dir)
    try:
        site_server = LoopbackSite(site_dir, port=port)
    except OSError as exc:
        raise Failure(f"cannot serve the demo sites on 127.0.0.1:{port} ({exc.strerror}); "
                      f"use --port or set [demo] port in config/settings.toml") from exc
    click.echo(f"demo sites: {items} items on {site_server.base_url}")
    with site_server as site:
        sources_file = demo_sources_file(site.base_url, settings.data_dir / "demo")
        store = Store()
        summary = run_crawl(store, load_sources(sources_file), sources_file=str(sources_file))
    report_crawl(summary.stats, summary.run_id)
    processed = process_pending(store, settings.province)
    click.echo(f"processed {processed.processed} documents: {processed.relevant} about health")
    latest = write_digests(store, *published_days(store))
    click.echo(f"latest digest: {latest}")


def published_days(store: Store) -> tuple[date, date]:
    """First and last digest day that has documents in the store."""
    from sqlalchemy import func, select

    from pipeline.detect.mentions import Clock
    from pipeline.store.schema import DocumentRow

    clock = Clock.from_settings(get_settings())
    with store.session() as s:
        first, last = s.execute(select(func.min(DocumentRow.published_at), func.max(DocumentRow.published_at))).one()
    if first is None:
        raise Failure("the store holds no dated documents")
    return clock.day_of(first), clock.day_of(last)


def write_digests(store: Store, first: date, last: date, period: str = "day") -> Path:
    """Write the digests of every day from ``first`` to ``last``; returns the last HTML path."""
    from pipeline.report.publish import write_digest

    settings = get_settings()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    paths: dict[str, Path] = {}
    with click.progressbar(days, label=f"digest ({period})", file=sys.stderr) as bar:
        for day in bar:
            _, paths = write_digest(store, settings, day, period)
    return paths["html"]


def parse_day(value: str | None) -> date | None:
    """A YYYY-MM-DD option value."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Failure(f"not a date (YYYY-MM-DD): {value}") from exc


@main.command()
@click.option("--date", "day", help="Digest date YYYY-MM-DD (default: today's digest).")
@click.option("--until", help="With --date: write every digest from --date to this date.")
@click.option("--period", type=click.Choice(["day", "week", "month"]), default="day", show_default=True,
              help="Daily digest, or the 7- / 30-day summary for periodic reviews.")
@click.option("--send", is_flag=True, help="Also e-mail it (once per digest; DULUAN_SMTP_* settings).")
def digest(day: str | None, until: str | None, period: str, send: bool) -> None:
    """Write the digest (HTML, Markdown, JSON) to data/digests/DATE/."""
    from pipeline.detect.mentions import Clock
    from pipeline.report.publish import publish_digest, write_digest
    from pipeline.store.store import Store

    settings = get_settings()
    store = Store()
    first = parse_day(day) or Clock.from_settings(settings).today()
    last = parse_day(until) or first
    if last < first:
        raise Failure("--until is before --date")
    if last > first:
        click.echo(f"digests written; last: {write_digests(store, first, last, period)}")
        return
    if not send:
        paths = write_digest(store, settings, first, period)[1]
    else:
        from pipeline.report.notify import NotifyError

        try:
            paths = publish_digest(store, settings, first, period)
        except NotifyError as exc:
            raise Failure(f"digest written but not e-mailed: {exc}") from exc
    for fmt, path in paths.items():
        click.echo(f"{fmt}: {path}")


@main.command()
@click.option("--now", "now_text", help="Pretend it is this time (ISO 8601), e.g. to replay a day.")
def alert(now_text: str | None) -> None:
    """Send an urgent notice for each issue that reached đỏ in the last 24 hours
    and was not announced before (or escalated since)."""
    from datetime import datetime, timezone

    from pipeline.report.alerts import run_alerts
    from pipeline.store.store import Store

    try:
        now = datetime.fromisoformat(now_text) if now_text else None
    except ValueError as exc:
        raise Failure(f"not an ISO 8601 time: {now_text}") from exc
    if now is not None and now.tzinfo is None:
        raise Failure("--now needs a time zone, e.g. 2026-11-17T15:00+07:00")
    alerts = run_alerts(Store(), get_settings(), now.astimezone(timezone.utc) if now else None)
    for a in alerts:
        click.echo(a.text)
    click.echo(f"{len(alerts)} alert(s) sent" if alerts else "no new alert")


@main.command()
@click.option("--batch-size", default=200, show_default=True, help="Documents per committed batch.")
def process(batch_size: int) -> None:
    """Analyse new and changed documents: relevance, topic, signal, places, duplicates."""
    from pipeline.understand.process import pending_count, process_pending
    from pipeline.store.store import Store

    store = Store()
    total = pending_count(store)
    try:
        with click.progressbar(length=total, label="process", file=sys.stderr) as bar:
            summary = process_pending(store, get_settings().province, batch_size, progress=bar.update)
    except FileNotFoundError as exc:
        raise Failure(str(exc)) from exc
    click.echo(f"processed {summary.processed} documents: {summary.relevant} about health, "
               f"{summary.skipped} skipped (not Vietnamese)")


@main.command()
@click.option("--only", "tasks", multiple=True, type=click.Choice(["relevance", "topic", "signal"]),
              help="Train only these models (repeatable).")
@click.option("--no-cv", is_flag=True, help="Skip 5-fold cross-validation (faster).")
def train(tasks: tuple[str, ...], no_cv: bool) -> None:
    """Rebuild the models from ../shared/data and the gold annotations."""
    from pipeline.understand.corpora import shared_data_dir
    from pipeline.understand.train import train_all

    if not shared_data_dir().exists():
        raise Failure(f"training data not found at {shared_data_dir()} (set DULUAN_SHARED_DATA)")
    from pipeline.understand.evaluate import summary_line

    results = train_all(tasks or ("relevance", "topic", "signal"), cv=not no_cv)
    for task, metrics in results.items():
        click.echo(summary_line(task, metrics))


@main.command()
@click.option("--detail", is_flag=True, help="Per-class precision, recall and F1.")
@click.option("--keywords", is_flag=True, help="Also: how often the keyword rules disagree with the gold labels.")
@click.option("--informal", default=0, help="Also: relevance recall on N patients' questions (vihealthbert-faq test).")
@click.option("--combined", is_flag=True, help="Also: held-out relevance F1 of the decision classify makes "
              "(relevance model or topic model says health), with and without diacritics.")
@click.option("--suite", is_flag=True, help="Also: the behavioural suite (config/suite), pass rate per capability.")
@click.option("--splits", "rerun", is_flag=True, help="Recompute the splits (leave one corpus out, by era, by "
              "kind; retrains the models once per corpus and era, minutes) and save them under models/.")
@click.option("--quick", is_flag=True, help="With --splits: retrain topic and signal only (the topic model "
              "then decides relevance).")
def evaluate(detail: bool, keywords: bool, informal: int, combined: bool, suite: bool, rerun: bool,
             quick: bool) -> None:
    """Print the committed models' metrics and every split (corpus, era, kind)."""
    from pipeline.understand import evaluate as ev
    from pipeline.understand.models import MODEL_NAMES, load_metrics, model_dir

    try:
        if combined:
            click.echo(ev.combined_relevance())
        if keywords:
            click.echo(ev.keyword_disagreement())
        if informal:
            click.echo(ev.informal_recall(informal))
        for task in MODEL_NAMES:
            metrics = load_metrics(task)
            click.echo(f"{ev.summary_line(task, metrics)}  [{model_dir(task).name}]")
            if detail:
                click.echo("\n".join(ev.per_class_lines(metrics)))
        if rerun:
            from pipeline.understand.train import loco_fitter

            tasks = ("topic", "signal") if quick else ("relevance", "topic", "signal")
            results = ev.run_splits(loco_fitter(tasks=tasks), models=", ".join(tasks))
            click.echo(f"splits saved to {ev.save_splits(results)}")
        try:
            click.echo("\n".join(ev.format_splits(ev.load_splits())))
        except FileNotFoundError:
            click.echo("no splits measured yet: run `duluan evaluate --splits`")
        if suite:
            from pipeline.understand.suite import format_suite, run_suite

            click.echo("behavioural suite (config/suite), pass rate per capability:")
            click.echo("\n".join(format_suite(run_suite())))
    except (OSError, ValueError) as exc:
        raise Failure(str(exc)) from exc


@main.command()
@click.option("--jsonl", is_flag=True, required=True, help='Read JSON lines {"id","text","title"?} on stdin.')
@click.option("--batch-size", default=64, show_default=True, help="Lines classified together.")
def classify(jsonl: bool, batch_size: int) -> None:
    """Classify JSON lines from stdin; one JSON line out per line in, in order."""
    import json

    from pipeline.understand.classify import Classifier
    from pipeline.understand.geotag import tag_places
    from pipeline.understand.normalize import normalize_text

    try:
        clf = Classifier()
    except FileNotFoundError as exc:
        raise Failure(str(exc)) from exc
    province = get_settings().province

    def flush(batch: list[tuple[object, str | None, str]]) -> None:
        texts = [text for _, error, text in batch if error is None]
        preds = iter(clf.predict(texts)) if texts else iter(())
        for rid, error, text in batch:
            if error is not None:
                click.echo(json.dumps({"id": rid, "error": error}, ensure_ascii=False))
                continue
            pred = next(preds)
            places = tag_places(text, prefer=province)
            click.echo(json.dumps({"id": rid, "relevant": pred.relevant, "topic": pred.topic,
                                   "signal": pred.signal, "scores": pred.scores, "places": places.provinces,
                                   "why": pred.why, "units": places.units, "facilities": places.facilities},
                                  ensure_ascii=False))

    batch: list[tuple[object, str | None, str]] = []
    for n, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        rec: object = None
        try:
            rec = json.loads(line)
            text = normalize_text(f"{rec.get('title') or ''}\n{rec['text']}")  # type: ignore[union-attr]
            batch.append((rec.get("id"), None, text))  # type: ignore[union-attr]
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            log.error("line %d: bad input: %s", n, exc)
            rid = rec.get("id") if isinstance(rec, dict) else None
            batch.append((rid, f"line {n}: bad input ({type(exc).__name__}: {exc})", ""))
        if len(batch) >= batch_size:
            flush(batch)
            batch = []
    flush(batch)


@main.command()
@click.option("--days", type=int, help="Keep raw pages this many days (default [retention] raw_pages_days).")
def prune(days: int | None) -> None:
    """Delete raw page bytes older than the retention period; documents and analyses stay."""
    from pipeline.store.retention import prune as prune_store
    from pipeline.store.retention import raw_pages_days
    from pipeline.store.store import Store

    days = days if days is not None else raw_pages_days(get_settings())
    if days < 1:
        raise Failure("--days must be at least 1")
    pages, bodies = prune_store(Store(), days)
    click.echo(f"pruned {pages} raw pages and {bodies} quarantined problem bodies older than {days} days")


@main.command()
@click.argument("what", type=click.Choice(["documents", "counts", "stories", "issues"]))
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--start", help="From this digest day (YYYY-MM-DD).")
@click.option("--end", help="Up to this digest day; stories and issues: those of its digest.")
def export(what: str, path: Path, start: str | None, end: str | None) -> None:
    """Write documents, daily counts, stories or issues to PATH (.csv or .parquet)."""
    from pipeline.export import table, write
    from pipeline.store.store import Store

    if path.suffix not in (".csv", ".parquet"):
        raise Failure(f"{path.name}: use a .csv or .parquet file name")
    for value in (start, end):
        parse_day(value)
    frame = table(what, Store(), start, end)
    click.echo(f"{len(frame)} rows → {write(frame, path)}")


@main.command()
def schedule() -> None:
    """Run crawl → process → alert every [schedule] cycle_minutes and the digest at the
    digest hour (APScheduler, jobs kept in the store's database), until SIGTERM."""
    from pipeline.scheduler import run_scheduler

    settings = get_settings()
    run_scheduler(settings, settings.db_url)


@main.group()
def bench() -> None:
    """Benchmarks (documented figures, not timed tests)."""


@bench.command("crawl")
@click.option("--pages", default=2000, show_default=True, help="Generated article pages to crawl.")
@click.option("--concurrency", default=16, show_default=True, help="Concurrent requests.")
@click.option("--scrapy-seconds", default=10, show_default=True, help="How long `scrapy bench` runs (0: skip).")
@click.option("--workers", default=1, show_default=True, help="With --redis: also crawl with this many workers.")
@click.option("--redis", "redis_url", help="Redis URL: also crawl with one and --workers workers sharing it.")
def bench_crawl(pages: int, concurrency: int, scrapy_seconds: int, workers: int, redis_url: str | None) -> None:
    """Crawl N generated pages from a loopback server; print pages/s and peak memory
    beside `scrapy bench` on the same machine (and of 1 and N workers with --redis)."""
    from crawlers.bench import run_bench

    click.echo(run_bench(pages, concurrency, scrapy_seconds, workers, redis_url).report())


@bench.command("digest")
@click.option("--docs", default=1_000_000, show_default=True, help="Documents in the generated store.")
@click.option("--folder", type=click.Path(path_type=Path), default=Path("data/bench"), show_default=True,
              help="Where the generated store (kept for re-runs) and the digest go.")
def bench_digest(docs: int, folder: Path) -> None:
    """Time one daily digest on a generated store of N documents, and its peak memory."""
    from pipeline.bench_digest import run_digest_bench

    click.echo(run_digest_bench(docs, folder))


@bench.command("process")
@click.option("--docs", default=1000, show_default=True, help="Documents to process.")
def bench_process(docs: int) -> None:
    """Process N real documents; print docs/s and chars/s beside bare word_tokenize, and peak memory."""
    from pipeline.bench import run_process_bench

    click.echo(run_process_bench(docs, get_settings().province).report())


if __name__ == "__main__":
    main()
