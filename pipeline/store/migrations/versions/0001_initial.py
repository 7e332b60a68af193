"""initial schema: sources, crawl runs, raw pages, documents, problems

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 09:06:51.325695
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pipeline.store.schema
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('crawl_runs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('started_at', pipeline.store.schema.UTCDateTime(), nullable=False),
    sa.Column('finished_at', pipeline.store.schema.UTCDateTime(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('sources_file', sa.Text(), nullable=True),
    sa.Column('stats', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('documents',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('url_canonical', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('source_id', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('published_at', pipeline.store.schema.UTCDateTime(), nullable=True),
    sa.Column('date_source', sa.String(length=20), nullable=False),
    sa.Column('partial', sa.Boolean(), nullable=False),
    sa.Column('author', sa.Text(), nullable=True),
    sa.Column('content_sha1', sa.String(length=40), nullable=False),
    sa.Column('fetched_at', pipeline.store.schema.UTCDateTime(), nullable=False),
    sa.Column('updated_at', pipeline.store.schema.UTCDateTime(), nullable=False),
    sa.Column('extra', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('url_canonical')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_content_sha1'), ['content_sha1'], unique=False)
        batch_op.create_index('ix_documents_published_at', ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_updated_at'), ['updated_at'], unique=False)

    op.create_table('sources',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('urls', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('province', sa.String(length=100), nullable=True),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('config', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('poll_minutes', sa.Float(), nullable=True),
    sa.Column('next_poll_at', pipeline.store.schema.UTCDateTime(), nullable=True),
    sa.Column('last_crawl_at', pipeline.store.schema.UTCDateTime(), nullable=True),
    sa.Column('last_ok_at', pipeline.store.schema.UTCDateTime(), nullable=True),
    sa.Column('last_new_at', pipeline.store.schema.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('seen_total', sa.Integer(), nullable=False),
    sa.Column('new_total', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('problems',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('source_id', sa.String(length=100), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('body_z', sa.LargeBinary(), nullable=True),
    sa.Column('at', pipeline.store.schema.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['crawl_runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('problems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problems_reason'), ['reason'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_problems_source_id'), ['source_id'], unique=False)

    op.create_table('raw_pages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('url_canonical', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('final_url', sa.Text(), nullable=True),
    sa.Column('source_id', sa.String(length=100), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=200), nullable=True),
    sa.Column('encoding', sa.String(length=50), nullable=True),
    sa.Column('body_z', sa.LargeBinary(), nullable=False),
    sa.Column('body_sha1', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('hints', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('fetched_at', pipeline.store.schema.UTCDateTime(), nullable=False),
    sa.Column('run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['crawl_runs.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('url_canonical')
    )
    with op.batch_alter_table('raw_pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raw_pages_fetched_at'), ['fetched_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_raw_pages_source_id'), ['source_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('raw_pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_raw_pages_source_id'))
        batch_op.drop_index(batch_op.f('ix_raw_pages_fetched_at'))

    op.drop_table('raw_pages')
    with op.batch_alter_table('problems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problems_source_id'))
        batch_op.drop_index(batch_op.f('ix_problems_run_id'))
        batch_op.drop_index(batch_op.f('ix_problems_reason'))

    op.drop_table('problems')
    op.drop_table('sources')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_updated_at'))
        batch_op.drop_index(batch_op.f('ix_documents_source_id'))
        batch_op.drop_index('ix_documents_published_at')
        batch_op.drop_index(batch_op.f('ix_documents_content_sha1'))

    op.drop_table('documents')
    op.drop_table('crawl_runs')
