"""Chunk embeddings in the database, so that any replica can build the index.

Each chunk keeps its vector as float32 bytes (`chunks.embedding`); the FAISS file of a
generation becomes a local cache that a replica builds from the rows. Chunks written
before this revision have no vector: the next ingest embeds them again.

Revision ID: store_0004
Revises: store_0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0004"
down_revision = "store_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("chunks") as batch:
        batch.add_column(sa.Column("embedding", sa.LargeBinary, nullable=True))
    with op.batch_alter_table("index_state") as batch:
        batch.drop_column("faiss_file")


def downgrade() -> None:
    with op.batch_alter_table("index_state") as batch:
        batch.add_column(sa.Column("faiss_file", sa.String(256), nullable=False, server_default=""))
    with op.batch_alter_table("chunks") as batch:
        batch.drop_column("embedding")
