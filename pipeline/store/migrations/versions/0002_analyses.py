"""analyses

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:49:01.023024
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import pipeline.store.schema
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('analyses',
    sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('processed_at', pipeline.store.schema.UTCDateTime(), nullable=False),
    sa.Column('models', sa.String(length=200), nullable=False),
    sa.Column('skipped', sa.Text(), nullable=True),
    sa.Column('relevant', sa.Boolean(), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('signal', sa.String(length=40), nullable=False),
    sa.Column('scores', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('why', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('provinces', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('units', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('facilities', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('minhash', sa.LargeBinary(), nullable=True),
    sa.Column('dup_group', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id')
    )
    with op.batch_alter_table('analyses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analyses_dup_group'), ['dup_group'], unique=False)
        batch_op.create_index(batch_op.f('ix_analyses_relevant'), ['relevant'], unique=False)
        batch_op.create_index(batch_op.f('ix_analyses_signal'), ['signal'], unique=False)
        batch_op.create_index(batch_op.f('ix_analyses_topic'), ['topic'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('analyses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analyses_topic'))
        batch_op.drop_index(batch_op.f('ix_analyses_signal'))
        batch_op.drop_index(batch_op.f('ix_analyses_relevant'))
        batch_op.drop_index(batch_op.f('ix_analyses_dup_group'))

    op.drop_table('analyses')
