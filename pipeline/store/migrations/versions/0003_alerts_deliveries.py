"""alerts and deliveries

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pipeline.store.schema

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alerts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('issue_key', sa.String(length=40), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('heat', sa.Float(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('document_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('window_end', pipeline.store.schema.UTCDateTime(), nullable=False),
    sa.Column('sent_at', pipeline.store.schema.UTCDateTime(), nullable=False),
    sa.Column('delivered', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alerts_issue_key'), ['issue_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_sent_at'), ['sent_at'], unique=False)
    op.create_table('deliveries',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('sent_at', pipeline.store.schema.UTCDateTime(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('deliveries')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alerts_sent_at'))
        batch_op.drop_index(batch_op.f('ix_alerts_issue_key'))
    op.drop_table('alerts')
