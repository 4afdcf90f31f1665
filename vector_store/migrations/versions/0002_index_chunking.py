"""Record how chunks were cut, so a new chunker re-chunks existing notes.

Revision ID: store_0002
Revises: store_0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0002"
down_revision = "store_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("index_state") as batch:
        batch.add_column(sa.Column("chunking", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("index_state") as batch:
        batch.drop_column("chunking")
