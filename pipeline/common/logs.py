"""Logging for the command line: one line per record on stderr, written above any
progress bar (through ``tqdm.write``), and the chatter of libraries (Scrapy's
settings and middleware dumps, matplotlib's INFO lines) left out unless debugging."""
from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Libraries whose INFO lines say nothing an operator needs; their warnings still show.
CHATTY = ("scrapy", "twisted", "matplotlib", "urllib3", "filelock", "alembic", "apscheduler.scheduler",
          "PIL", "numexpr", "asyncio")


def one_line(text: str) -> str:
    """The first non-empty line of ``text``, stripped."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


class QuietLibraries(logging.Filter):
    """Drops records below WARNING from the :data:`CHATTY` libraries.

    A filter on our handler, not logger levels: Scrapy's logging set-up resets the
    levels of its loggers when each crawler starts."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return not any(record.name == name or record.name.startswith(name + ".") for name in CHATTY)


class AboveProgress(logging.StreamHandler):
    """Writes each record with ``tqdm.write``, which clears and redraws any progress bar."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            from tqdm import tqdm

            tqdm.write(self.format(record), file=self.stream)
        except Exception:  # noqa: BLE001 — logging must never raise
            self.handleError(record)


def setup_logging(*, verbose: bool = False, quiet: bool = False) -> None:
    """One format for every command on stderr: DEBUG with ``verbose``, WARNING with
    ``quiet``, else INFO without the libraries' chatter."""
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    handler = AboveProgress(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(level)
    if not verbose:
        handler.addFilter(QuietLibraries())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
