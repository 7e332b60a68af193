"""The ``duluan`` command line. Every command takes ``--help``, returns 0 on
success and non-zero with a one-line reason on failure, and is safe to re-run."""
from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from pipeline.common.errors import ConfigError
from pipeline.common.options import CrawlOptions, DemoOptions, WebOptions
from pipeline.common.settings import get_settings

if TYPE_CHECKING:  # imported lazily at run time, so that `duluan classify` starts fast
    from crawlers.frontier import SharedFrontier
    from pipeline.store.store import Store

# Dates the digest windows and their baselines (weeks before) can be computed for.
FIRST_DAY, LAST_DAY = date(1971, 1, 1), date(9998, 12, 31)
T = TypeVar("T")
VERBOSE = False
log = logging.getLogger("duluan")
DEMO_PASSWORD = "demo-duluan-2026"  # the demo store's workspace user; never a real account


class Failure(click.ClickException):
    """A one-line reason, exit code 1; with --verbose, the traceback of its cause first."""

    def show(self, file: object = None) -> None:
        if VERBOSE and self.__cause__ is not None:
            import traceback

            traceback.print_exception(self.__cause__, file=sys.stderr)
        click.echo(f"duluan: {self.format_message()}", err=True)


def warn(message: str) -> None:
    """A one-line warning on stderr (the command goes on)."""
    click.echo(f"duluan: warning: {message}", err=True)


class Cli(click.Group):
    """The command group: any error a command does not handle becomes one line
    ``duluan: …`` and exit 1; the traceback is shown only with ``--verbose``."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise Failure(str(exc)) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt as exc:
            raise Failure("interrupted") from exc
        except Exception as exc:  # noqa: BLE001 — the one place every other error is reported
            raise Failure(describe(exc)) from exc


def describe(exc: BaseException) -> str:
    """One line saying what went wrong, without a traceback."""
    from pipeline.common.logs import one_line

    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror}{where}"
    module = type(exc).__module__
    if module.startswith("sqlalchemy"):
        from pipeline.store.store import first_line

        return f"store error: {first_line(exc)}"
    if module.startswith("pipeline") or isinstance(exc, (ValueError, LookupError)):
        return one_line(str(exc)) or type(exc).__name__
    return f"{one_line(str(exc))} ({type(exc).__name__}; --verbose shows where)"


@click.group(cls=Cli)
@click.option("-v", "--verbose", is_flag=True, help="Show debug logging and tracebacks.")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors; no progress bars.")
@click.pass_context
def main(ctx: click.Context, verbose: bool, quiet: bool) -> None:
    """duluan — theo dõi dư luận về y tế (health public-opinion monitoring)."""
    from pipeline.common.logs import setup_logging

    if verbose and quiet:
        raise click.UsageError("--verbose and --quiet exclude each other")
    setup_logging(verbose=verbose, quiet=quiet)
    global VERBOSE  # noqa: PLW0603 — read when a failure is shown, after the context is gone
    VERBOSE = verbose
    ctx.obj = {"quiet": quiet}
    get_settings()  # an unknown or mistyped key in settings.toml stops every command here


def progress(items: Iterable[T] | None = None, *, total: int | None = None, label: str) -> Any:
    """A progress bar on stderr (none with --quiet or when stderr is not a terminal);
    log lines are written above it, never through it."""
    from tqdm import tqdm

    ctx = click.get_current_context(silent=True)
    quiet = bool(ctx and (ctx.find_object(dict) or {}).get("quiet"))
    return tqdm(items, total=total, desc=label, file=sys.stderr, disable=True if quiet else None,
                leave=False, dynamic_ncols=True)


def open_store(*, create: bool = True) -> Store:
    """The deployment's store; read-only commands pass ``create=False``."""
    from pipeline.store.store import Store, StoreError

    try:
        return Store(create=create)
    except StoreError as exc:
        raise Failure(str(exc)) from exc


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

    path = sources_file or default_sources_file()
    try:
        sources = load_sources(path)
    except SourcesError as exc:
        raise Failure(str(exc)) from exc
    if only:
        sources = [s for s in sources if s.id in only]
    frontier = shared_frontier(redis_url, redis_prefix, seed)
    store = open_store()
    if due and (frontier is None or seed):  # a worker that does not seed serves every source's queue
        sources = due_sources(store, sources)
    if not sources:
        click.echo("nothing to crawl: no (due) sources")
        return
    started = time.monotonic()
    summary = run_crawl(store, sources, sources_file=str(path), refresh=refresh, frontier=frontier,
                        seed=seed or frontier is None)
    report_crawl(summary.stats, summary.run_id, time.monotonic() - started)
    failed = [sid for sid, s in summary.stats["sources"].items() if s["error"]]
    if summary.status != "ok":
        raise Failure(f"crawl run {summary.run_id} {summary.status}")
    if failed and len(failed) == len(sources):
        raise Failure(f"every source failed ({', '.join(failed)}); see the problems table")


def shared_frontier(url: str | None, prefix: str | None, seed: bool) -> SharedFrontier | None:
    """The Redis frontier this worker shares (None: crawl alone); fails when Redis does not answer."""
    crawl_settings = get_settings().options(CrawlOptions)
    url = url or crawl_settings.redis_url
    if not url:
        if seed:
            raise Failure("--seed needs --redis URL (or DULUAN_REDIS_URL, [crawl] redis_url)")
        return None
    try:
        from crawlers.frontier import SharedFrontier
    except ImportError as exc:
        raise Failure(f"--redis needs scrapy-redis: pip install 'duluan[scale]' ({exc})") from exc
    from redis import RedisError

    frontier = SharedFrontier(url, prefix or crawl_settings.redis_prefix, crawl_settings.redis_idle_seconds)
    try:
        frontier.ping()
    except RedisError as exc:
        raise Failure(f"cannot reach Redis at {url}: {exc}") from exc
    return frontier


def report_crawl(stats: dict, run_id: int, seconds: float) -> None:
    """Print a crawl's per-source summary and totals."""
    click.echo(f"crawl run {run_id} ({seconds:.1f} s):")
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
    from pipeline.store.sources import load_sources

    settings = get_settings()
    port = port or settings.options(DemoOptions).port
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
        store = open_store()
        started = time.monotonic()
        summary = run_crawl(store, load_sources(sources_file), sources_file=str(sources_file))
    report_crawl(summary.stats, summary.run_id, time.monotonic() - started)
    process_with_progress(store, batch_size=200)
    latest = write_digests(store, *published_days(store))
    click.echo(f"latest digest: {latest}")
    from pipeline.web.accounts import add_user

    add_user(store, "demo", DEMO_PASSWORD, "syt", "editor")
    url = settings.options(WebOptions).base_url
    click.echo(f"workspace: run `duluan serve`, open {url} and log in as demo / {DEMO_PASSWORD} "
               f"(an editor of the Sở Y tế; demo store only)")


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


def write_digests(store: Store, first: date, last: date, period: str = "day", force: bool = False) -> Path:
    """Write the digests of every day from ``first`` to ``last`` (a day whose empty digest
    would replace a non-empty one is skipped with a warning); returns the last HTML path."""
    from pipeline.report.publish import DigestKept, write_digest

    settings = get_settings()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    started = time.monotonic()
    latest: Path | None = None
    empty = kept = 0
    for day in progress(days, label=f"digest ({period})"):
        try:
            doc, paths = write_digest(store, settings, day, period, force=force)
        except DigestKept as exc:
            warn(str(exc))
            kept += 1
            continue
        empty += not doc["headline"]["documents"]
        latest = paths["html"]
    click.echo(f"digests: {len(days) - kept} written ({empty} without documents, {kept} kept as they were) "
               f"in {time.monotonic() - started:.1f} s")
    if latest is None:
        raise Failure("no digest written")
    return latest


def process_with_progress(store: Store, batch_size: int) -> None:
    """Process pending documents under a progress bar; one line with counts and time."""
    from pipeline.understand.process import pending_count, process_pending

    started = time.monotonic()
    with progress(total=pending_count(store), label="process") as bar:
        try:
            summary = process_pending(store, get_settings().province, batch_size, progress=bar.update)
        except FileNotFoundError as exc:
            raise Failure(str(exc)) from exc
    click.echo(f"processed {summary.processed} documents: {summary.relevant} about health, "
               f"{summary.skipped} skipped (not Vietnamese), in {time.monotonic() - started:.1f} s")


def parse_day(value: str | None) -> date | None:
    """A YYYY-MM-DD option value."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise Failure(f"not a date (YYYY-MM-DD): {value}") from exc
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Failure(f"date out of range: {value} (from {FIRST_DAY} to {LAST_DAY})")
    return day


@main.command()
@click.option("--date", "day", help="Digest date YYYY-MM-DD (default: today's digest).")
@click.option("--until", help="With --date: write every digest from --date to this date.")
@click.option("--period", type=click.Choice(["day", "week", "month"]), default="day", show_default=True,
              help="Daily digest, or the 7- / 30-day summary for periodic reviews.")
@click.option("--send", is_flag=True, help="Also e-mail it (once per digest; DULUAN_SMTP_* settings).")
@click.option("--force", is_flag=True, help="Write (and e-mail) a digest without documents even over one "
              "that has documents.")
def digest(day: str | None, until: str | None, period: str, send: bool, force: bool) -> None:
    """Write the digest (HTML, Markdown, JSON) to data/digests/DATE/."""
    from pipeline.detect.mentions import Clock
    from pipeline.report.publish import DigestKept, publish_digest, write_digest

    settings = get_settings()
    first = parse_day(day) or Clock.from_settings(settings).today()
    last = parse_day(until) or first
    if last < first:
        raise Failure("--until is before --date")
    store = open_store(create=False)
    if last > first:
        click.echo(f"last digest: {write_digests(store, first, last, period, force)}")
        return
    try:
        if not send:
            paths = write_digest(store, settings, first, period, force=force)[1]
        else:
            from pipeline.report.notify import NotifyError

            try:
                paths = publish_digest(store, settings, first, period, force=force)
            except NotifyError as exc:
                raise Failure(f"digest written but not e-mailed: {exc}") from exc
    except DigestKept as exc:
        raise Failure(str(exc)) from exc
    for fmt, path in paths.items():
        click.echo(f"{fmt}: {path}")


@main.command()
@click.option("--now", "now_text", help="Pretend it is this time (ISO 8601), e.g. to replay a day.")
def alert(now_text: str | None) -> None:
    """Send an urgent notice for each issue that reached đỏ in the last 24 hours
    and was not announced before (or escalated since)."""
    from datetime import datetime, timezone

    from pipeline.report.alerts import NOT_SENT, SENT, run_alerts, summary

    try:
        now = datetime.fromisoformat(now_text) if now_text else None
    except ValueError as exc:
        raise Failure(f"not an ISO 8601 time: {now_text}") from exc
    if now is not None and now.tzinfo is None:
        raise Failure("--now needs a time zone, e.g. 2026-11-17T15:00+07:00")
    alerts = run_alerts(open_store(create=False), get_settings(), now.astimezone(timezone.utc) if now else None)
    for a in alerts:
        if a.status == SENT:
            click.echo(a.text)
        else:
            click.echo(f"NOT SENT: [{a.level}] {a.title} — {a.error}")
    click.echo(summary(alerts))
    if any(a.status == NOT_SENT for a in alerts):
        raise Failure("some alerts were not sent; they are tried again on the next run")


@main.command()
@click.option("--batch-size", default=200, show_default=True, help="Documents per committed batch.")
def process(batch_size: int) -> None:
    """Analyse new and changed documents: relevance, topic, signal, places, duplicates."""
    process_with_progress(open_store(), batch_size)


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
@click.option("--scenarios", is_flag=True, help="Instead: replay the scenario events over the demo's background "
              "news and print, per event, the first day flagged, the level each day and issues per day, "
              "then false đỏ/cam per 30 quiet days.")
@click.option("--suite", is_flag=True, help="Also: the behavioural suite (config/suite), pass rate per capability.")
@click.option("--agreement", is_flag=True, help="Also: agreement of the blind second reading "
              "(config/annotations/review-*.jsonl) with the gold labels (Cohen's kappa).")
@click.option("--splits", "rerun", is_flag=True, help="Recompute the splits (leave one corpus out, by era, by "
              "kind; retrains the models once per corpus and era, minutes) and save them under models/.")
@click.option("--quick", is_flag=True, help="With --splits: retrain topic and signal only (the topic model "
              "then decides relevance).")
def evaluate(detail: bool, keywords: bool, informal: int, combined: bool, scenarios: bool, suite: bool,
             agreement: bool, rerun: bool, quick: bool) -> None:
    """Print the committed models' metrics and every split (corpus, era, kind)."""
    from pipeline.understand import evaluate as ev
    from pipeline.understand.models import MODEL_NAMES, load_metrics, model_dir

    if scenarios:
        from pipeline.scenarios import run_suite as run_scenarios
        from pipeline.scenarios import table

        click.echo(table(run_scenarios(get_settings(), progress=lambda day: click.echo(f"digest {day}", err=True))))
        return
    try:
        if combined:
            click.echo(ev.combined_relevance())
        if keywords:
            click.echo(ev.keyword_disagreement())
        if agreement:
            click.echo("\n".join(ev.agreement()))
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
@click.option("--jsonl", is_flag=True, help="JSON lines in and out: the default, accepted for older scripts.")
@click.option("--batch-size", default=64, show_default=True, help="Lines classified together.")
def classify(jsonl: bool, batch_size: int) -> None:
    """Classify JSON lines {"id", "text", "title"?} from stdin: one JSON line out per
    line in, in order; a line that cannot be read gets {"id", "error"}. Exits 1 when
    every line failed."""
    import json

    from pipeline.classify_lines import classify_lines
    from pipeline.understand.classify import Classifier
    from pipeline.understand.normalize import normalize_text

    try:
        clf = Classifier()
    except FileNotFoundError as exc:
        raise Failure(str(exc)) from exc
    province = get_settings().province

    def predict(texts: list[str]) -> list[dict[str, Any]]:
        return [a.output(None) for a in clf.analyse([normalize_text(t) for t in texts], province)]

    lines = failed = 0
    for record in classify_lines(sys.stdin, predict, batch_size):
        lines += 1
        failed += "error" in record
        click.echo(json.dumps(record, ensure_ascii=False))
    if lines and failed == lines:
        raise Failure(f"no line could be classified ({lines} line(s) read)")


@main.command()
@click.option("--days", type=int, help="Keep raw pages this many days (default [retention] raw_pages_days).")
def prune(days: int | None) -> None:
    """Delete raw page bytes older than the retention period; documents and analyses stay."""
    from pipeline.store.retention import prune as prune_store
    from pipeline.store.retention import raw_pages_days

    days = days if days is not None else raw_pages_days(get_settings())
    if days < 1:
        raise Failure("--days must be at least 1")
    pages, bodies = prune_store(open_store(create=False), days)
    click.echo(f"pruned {pages} raw pages and {bodies} quarantined problem bodies older than {days} days")


@main.command()
@click.argument("what", type=click.Choice(["documents", "counts", "stories", "issues"]))
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--start", help="From this digest day (YYYY-MM-DD).")
@click.option("--end", help="Up to this digest day; stories and issues: those of its digest.")
def export(what: str, path: Path, start: str | None, end: str | None) -> None:
    """Write documents, daily counts, stories or issues to PATH (.csv or .parquet)."""
    from pipeline.export import table, write

    if path.suffix not in (".csv", ".parquet"):
        raise Failure(f"{path.name}: use a .csv or .parquet file name")
    for value in (start, end):
        parse_day(value)
    frame = table(what, open_store(create=False), start, end)
    click.echo(f"{len(frame)} rows → {write(frame, path)}")


@main.command()
def schedule() -> None:
    """Run crawl → process → alert every [schedule] cycle_minutes and the digest at the
    digest hour (APScheduler, jobs kept in the store's database), until SIGTERM."""
    from pipeline.scheduler import run_scheduler

    settings = get_settings()
    run_scheduler(settings, settings.db_url)


@main.group()
def user() -> None:
    """Accounts of the workspace (duluan serve)."""


@user.command("add")
@click.argument("username")
@click.option("--agency", type=click.Choice(["btg", "syt"]), required=True,
              help="Ban Tuyên giáo (btg) or Sở Y tế (syt).")
@click.option("--role", type=click.Choice(["viewer", "editor", "admin"]), required=True,
              help="viewer reads; editor also changes follow-ups and labels; admin too.")
def user_add(username: str, agency: str, role: str) -> None:
    """Create a user, or update the role, agency and password of an existing one.
    The password comes from DULUAN_PASSWORD, else it is asked twice."""
    import os

    from pipeline.store.store import Store
    from pipeline.web.accounts import AccountError, add_user

    password = os.environ.get("DULUAN_PASSWORD") or click.prompt("Password", hide_input=True,
                                                                 confirmation_prompt=True)
    try:
        created = add_user(Store(), username, password, agency, role)
    except AccountError as exc:
        raise Failure(str(exc)) from exc
    click.echo(f"user {username} {'created' if created else 'updated'} ({agency}, {role})")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, help="Worker processes (e.g. one per CPU core).")
def serve(host: str, port: int, workers: int) -> None:
    """Run the officials' workspace (web pages over the store) until stopped."""
    from pipeline.web.serve import serve as run_server

    if workers < 1:
        raise Failure("--workers must be at least 1")
    run_server(host, port, workers)


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


@bench.command("cli")
@click.option("--runs", default=5, show_default=True, help="New processes per case (the median is printed).")
def bench_cli(runs: int) -> None:
    """Time `duluan --help`, an argument error and a cold `duluan classify` of one line."""
    from pipeline.bench_cli import run_cli_bench

    click.echo(run_cli_bench(runs).report())


@bench.command("digest")
@click.option("--docs", default=1_000_000, show_default=True, help="Documents in the generated store.")
@click.option("--folder", type=click.Path(path_type=Path), default=Path("data/bench"), show_default=True,
              help="Where the generated store (kept for re-runs) and the digest go.")
def bench_digest(docs: int, folder: Path) -> None:
    """Time one daily digest on a generated store of N documents, and its peak memory."""
    from pipeline.bench_digest import run_digest_bench

    click.echo(run_digest_bench(docs, folder))


@bench.command("web")
@click.option("--readers", default=20, show_default=True, help="Concurrent readers on 127.0.0.1.")
@click.option("--requests", "per_reader", default=50, show_default=True, help="Requests each reader makes.")
@click.option("--search-docs", default=1_000_000, show_default=True,
              help="Documents in the generated search store (0: pages only).")
@click.option("--folder", type=click.Path(path_type=Path), default=Path("data/bench"), show_default=True,
              help="Where the generated store (kept for re-runs) goes.")
@click.option("--port", default=8765, show_default=True, help="Port of the benchmarked duluan serve.")
@click.option("--workers", default=1, show_default=True, help="Worker processes of the benchmarked duluan serve.")
@click.option("--search-db-url", help="Search this store (e.g. a PostgreSQL URL; filled with --search-docs "
                                      "generated documents when empty) instead of a SQLite file in --folder.")
def bench_web(readers: int, per_reader: int, search_docs: int, folder: Path, port: int, workers: int,
              search_db_url: str | None) -> None:
    """p50/p95 of digest and issue pages on this store (run duluan demo first) and of
    search on a generated store, under concurrent readers; stops by itself."""
    from pipeline.bench_web import run_web_bench

    click.echo(run_web_bench(readers, per_reader, search_docs, folder, port, workers, search_db_url))


@bench.command("process")
@click.option("--docs", default=1000, show_default=True, help="Documents to process.")
def bench_process(docs: int) -> None:
    """Process N real documents; print docs/s and chars/s beside bare word_tokenize, and peak memory."""
    from pipeline.bench import run_process_bench

    click.echo(run_process_bench(docs, get_settings().province).report())


if __name__ == "__main__":
    main()
