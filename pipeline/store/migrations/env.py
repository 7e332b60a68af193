"""Alembic environment: the store passes its own connection in ``config.attributes``."""
from __future__ import annotations

from alembic import context

from pipeline.store.migrate import include_name
from pipeline.store.schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
