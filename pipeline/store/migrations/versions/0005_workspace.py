"""the workspace: users, log-in failures, audit log, issue follow-up, search index

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 15:00:00

The search index ``search_fts`` differs by dialect: on SQLite an FTS5 table of the
documents' title and text without diacritics (rowid = document id); on PostgreSQL
a table of ``tsvector`` (``simple`` configuration over ``unaccent``) with a GIN
index. It is filled by ``pipeline.web.search``; Alembic's comparison skips it
(``pipeline.store.migrate.include_name``).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pipeline.store.schema

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
WHEN = pipeline.store.schema.UTCDateTime
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('users',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('agency', sa.String(length=10), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', WHEN(), nullable=False),
    sa.Column('updated_at', WHEN(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('login_failures',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', WHEN(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failures_username'), ['username'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_at'), ['at'], unique=False)
    op.create_table('audit_log',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('at', WHEN(), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('detail', JSON, nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_username'), ['username'], unique=False)
    op.create_table('followups',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('signal', sa.String(length=40), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('lead_agency', sa.String(length=10), nullable=False),
    sa.Column('assignee', sa.String(length=200), nullable=False),
    sa.Column('first_flagged_at', WHEN(), nullable=False),
    sa.Column('due_at', WHEN(), nullable=True),
    sa.Column('first_action_at', WHEN(), nullable=True),
    sa.Column('settled_at', WHEN(), nullable=True),
    sa.Column('updated_at', WHEN(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followups_signal'), ['signal'], unique=False)
        batch_op.create_index(batch_op.f('ix_followups_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_followups_first_flagged_at'), ['first_flagged_at'], unique=False)
    op.create_table('followup_keys',
    sa.Column('issue_key', sa.String(length=40), nullable=False),
    sa.Column('followup_id', ID, nullable=False),
    sa.ForeignKeyConstraint(['followup_id'], ['followups.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('issue_key')
    )
    op.create_table('followup_documents',
    sa.Column('document_id', ID, nullable=False),
    sa.Column('followup_id', ID, nullable=False),
    sa.ForeignKeyConstraint(['followup_id'], ['followups.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id')
    )
    op.create_table('followup_notes',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('followup_id', ID, nullable=False),
    sa.Column('at', WHEN(), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('links', JSON, nullable=False),
    sa.ForeignKeyConstraint(['followup_id'], ['followups.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    for table in ('followup_keys', 'followup_documents', 'followup_notes'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_followup_id'), ['followup_id'], unique=False)
    op.create_table('search_state',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('indexed_until', WHEN(), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index('ix_documents_url', ['url'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS unaccent')
        op.execute('CREATE TABLE search_fts (document_id BIGINT PRIMARY KEY, tsv TSVECTOR NOT NULL)')
        op.execute('CREATE INDEX ix_search_fts_tsv ON search_fts USING GIN (tsv)')
    else:
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(body, tokenize = 'unicode61')")


def downgrade() -> None:
    op.execute('DROP TABLE IF EXISTS search_fts')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_url')
    for table in ('search_state', 'followup_notes', 'followup_documents', 'followup_keys', 'followups',
                  'audit_log', 'login_failures', 'users'):
        op.drop_table(table)
