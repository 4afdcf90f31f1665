"""Alembic environment shared by the project's migration folders.

The caller passes an open connection and the version table through
``config.attributes`` (see ``vector_store.db.run_migrations``), so each package
keeps its own revision history in one database.
"""

from __future__ import annotations

from alembic import context

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    version_table=config.attributes["version_table"],
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
