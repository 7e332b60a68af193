"""Schema migrations with Alembic, run on every store open; data is never dropped."""
from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"
# Tables Alembic does not compare with the models: the dialect-specific search
# index (an FTS5 table and its shadow tables on SQLite, tsvector on PostgreSQL).
UNMODELLED_PREFIX = "search_fts"


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's ``include_name`` hook: leave the search index out of comparisons."""
    return not (type_ == "table" and name is not None and name.startswith(UNMODELLED_PREFIX))


def alembic_config() -> Config:
    """Alembic configuration pointing at ``pipeline/store/migrations``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    """The newest revision in the code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default the newest)."""
    if revision == "head" and current_revision(engine) == head_revision():
        return
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        log.info("migrating store schema to %s", revision)
        command.upgrade(cfg, revision)
