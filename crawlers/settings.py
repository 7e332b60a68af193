"""Scrapy settings for duluan, built from ``config/settings.toml``.

``scrapy crawl rss -a source=vnexpress-suc-khoe`` uses these too.
"""
from __future__ import annotations

from typing import Any

from crawlers import egress
from pipeline.common.options import CrawlOptions
from pipeline.common.settings import Settings, get_settings


def scrapy_settings(settings: Settings | None = None) -> dict[str, Any]:
    """Scrapy settings: politeness, limits, retries, our pipeline and middlewares,
    the egress guard and only the http(s) download handlers."""
    settings = settings or get_settings()
    crawl = settings.options(CrawlOptions)
    return {
        "BOT_NAME": "duluan",
        "SPIDER_MODULES": ["crawlers.spiders"],
        "NEWSPIDER_MODULE": "crawlers.spiders",
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "CONCURRENT_REQUESTS": crawl.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_per_domain,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "AUTOTHROTTLE_START_DELAY": 0.5,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": crawl.autothrottle_target_concurrency,
        "DOWNLOAD_TIMEOUT": crawl.download_timeout,
        "DOWNLOAD_MAXSIZE": crawl.max_page_bytes,
        "DOWNLOAD_WARNSIZE": crawl.warn_page_bytes,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": crawl.retry_times,
        "REDIRECT_MAX_TIMES": crawl.redirect_max_times,
        "COOKIES_ENABLED": False,
        # No remote control of a running crawl: neither the telnet console nor the
        # HTTP remote-control endpoint (which also writes job files to the home folder).
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "STATS_DUMP": False,
        "ITEM_PIPELINES": {"crawlers.pipelines.StorePipeline": 300},
        "LOG_LEVEL": "INFO",
        "DULUAN_DB_URL": settings.db_url,
        "DULUAN_MAX_LISTING_PAGES": crawl.max_listing_pages,
        "DULUAN_DATA_DIR": str(settings.data_dir),
        "DULUAN_TIMEZONE": settings.timezone,
        "DULUAN_MAX_EXPORT_BYTES": crawl.max_export_bytes,
        "DULUAN_MAX_EXPORT_DEPTH": crawl.max_export_depth,
        "DULUAN_MAX_POST_CHARS": crawl.max_post_chars,
        "DULUAN_MAX_EXPORT_CELL_CHARS": crawl.max_export_cell_chars,
        **egress.scrapy_settings(),
    }


globals().update(scrapy_settings())
