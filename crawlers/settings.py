"""Scrapy settings for duluan, built from ``config/settings.toml``.

``scrapy crawl rss -a source=vnexpress-suc-khoe`` uses these too.
"""
from __future__ import annotations

from typing import Any

from pipeline.common.settings import Settings, get_settings


def scrapy_settings(settings: Settings | None = None) -> dict[str, Any]:
    """Scrapy settings: politeness, limits, retries, our pipeline and middlewares."""
    settings = settings or get_settings()
    crawl = settings.section("crawl")
    return {
        "BOT_NAME": "duluan",
        "SPIDER_MODULES": ["crawlers.spiders"],
        "NEWSPIDER_MODULE": "crawlers.spiders",
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": crawl.get("obey_robots", True),
        "CONCURRENT_REQUESTS": crawl.get("concurrent_requests", 16),
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.get("concurrent_per_domain", 2),
        "AUTOTHROTTLE_ENABLED": crawl.get("autothrottle", True),
        "AUTOTHROTTLE_START_DELAY": 0.5,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": crawl.get("autothrottle_target_concurrency", 2.0),
        "DOWNLOAD_TIMEOUT": crawl.get("download_timeout", 20),
        "DOWNLOAD_MAXSIZE": crawl.get("max_page_bytes", 10 * 1024 * 1024),
        "DOWNLOAD_WARNSIZE": crawl.get("warn_page_bytes", 2 * 1024 * 1024),
        "RETRY_ENABLED": True,
        "RETRY_TIMES": crawl.get("retry_times", 2),
        "REDIRECT_MAX_TIMES": crawl.get("redirect_max_times", 5),
        "COOKIES_ENABLED": False,
        # No remote control of a running crawl: neither the telnet console nor the
        # HTTP remote-control endpoint (which also writes job files to the home folder).
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "STATS_DUMP": False,
        "ITEM_PIPELINES": {"crawlers.pipelines.StorePipeline": 300},
        "LOG_LEVEL": "INFO",
        "DULUAN_DB_URL": settings.db_url,
        "DULUAN_MAX_LISTING_PAGES": crawl.get("max_listing_pages", 3),
        "DULUAN_DATA_DIR": str(settings.data_dir),
        "DULUAN_TIMEZONE": settings.timezone,
    }


globals().update(scrapy_settings())
