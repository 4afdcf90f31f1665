"""Serving files of each generation in the database, so that a replica with an empty data
dir fetches them (a few large reads) instead of rebuilding them from every row.

`index_blobs` holds, per generation, the files a reader caches locally (row tables, BM25,
FAISS) cut into parts. On PostgreSQL the parts are stored uncompressed (already dense
binary, and compressing hundreds of MiB at every ingest costs seconds).

Revision ID: store_0005
Revises: store_0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0005"
down_revision = "store_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "index_blobs",
        sa.Column("generation", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("part", sa.Integer, primary_key=True),
        sa.Column("crc32", sa.BigInteger, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE index_blobs ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_table("index_blobs")
