"""Answer units: the notes' lines, bullets and table rows with their ancestors' labels.

Revision ID: store_0003
Revises: store_0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0003"
down_revision = "store_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "document_id",
            sa.Integer,
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("ord", sa.Integer, nullable=False),
        sa.Column("chunk_ord", sa.Integer, nullable=False),
        sa.Column("labels", sa.Text, nullable=False),
        sa.Column("heading_depth", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("term", sa.Text, nullable=False),
        sa.Column("context", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("ask", sa.String(16), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("terms", sa.Text, nullable=False),
        sa.Column("context_terms", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("units")
