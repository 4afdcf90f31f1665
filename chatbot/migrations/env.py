"""Alembic environment of the chat tables; see `vector_store.db.run_migrations`."""

from __future__ import annotations

from alembic import context

from vector_store.db import run_env

run_env(context)
