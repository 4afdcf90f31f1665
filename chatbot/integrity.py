"""Damaged storage: telling it (`/health`, 503 answers) and repairing it (`--rebuild`).

What counts as damage: an SQLite file whose integrity check fails or that is not a
database any more, or a database that cannot be read. The FAISS files in the data
directory are only a cache of what the database holds: one that is missing or
damaged is built again from the database, not reported.

Repair (`chatbot ingest --rebuild`, or at startup with `CHATBOT_REBUILD_IF_DAMAGED`): a
damaged SQLite file is moved aside (``chatbot.db.damaged-<UTC time>``, with its WAL), a
fresh database is created and the chat history tables are copied from the damaged file
as far as they can be read; the index is then rebuilt from the notes (see
`ingest.pipeline.run_ingest(rebuild=True)`). Every step is reported in plain words.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from filelock import FileLock
from sqlalchemy import Engine, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError

from chatbot.api.errors import error_body
from chatbot.history.repo import migrate_chat
from vector_store.db import IndexState, make_engine, migrate
from vector_store.store import IndexNotReadyError, IndexStore

if TYPE_CHECKING:
    from chatbot.settings import Settings

logger = logging.getLogger(__name__)

REBUILD_HINT = "run `chatbot ingest --rebuild`"
CHAT_TABLES = ("chat_sessions", "messages", "feedback")


def sqlite_path(database_url: str) -> Path | None:
    """The database file of an SQLite URL, None for other databases or in-memory ones."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def storage_problem(engine: Engine) -> str | None:
    """What is damaged, in words without paths or SQL, or None when storage is sound."""
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                rows = conn.exec_driver_sql("PRAGMA quick_check").scalars().all()
                if rows != ["ok"]:
                    return f"the database file is damaged (integrity check failed); {REBUILD_HINT}"
            if inspect(conn).has_table(IndexState.__tablename__):
                conn.execute(select(IndexState.generation)).first()
    except DatabaseError as exc:
        logger.warning("database unreadable error=%r", exc)
        return f"the database cannot be read (damaged or not a database); {REBUILD_HINT}"
    return None


class StorageMonitor:
    """`storage_problem`, re-checked only when the database files changed (`stat` calls)."""

    def __init__(self, engine: Engine, database_url: str) -> None:
        self.engine = engine
        self.db_file = sqlite_path(database_url)
        self._key: tuple[object, ...] | None = None
        self._problem: str | None = None

    def _files_key(self) -> tuple[object, ...]:
        paths: list[Path] = []
        if self.db_file is not None:
            paths += [self.db_file, self.db_file.with_name(self.db_file.name + "-wal")]
        key: list[object] = []
        for path in paths:
            try:
                st = path.stat()
                key.append((path.name, st.st_mtime_ns, st.st_size, st.st_ino))
            except FileNotFoundError:
                key.append((path.name, None))
        return tuple(key)

    def problem(self) -> str | None:
        key = self._files_key()
        if key != self._key:
            self._problem = storage_problem(self.engine)
            self._key = key
        return self._problem


HEALTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    503: {
        "description": 'Degraded: `{"status": "degraded", "reason": "...", "index": {...}}`; '
        "the database is damaged or cannot be read. 저장소 손상.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


def health_state(store: IndexStore, monitor: StorageMonitor) -> tuple[dict[str, Any], str | None]:
    """The index summary for `/health` and what is damaged (None when nothing is)."""
    problem = monitor.problem()
    try:
        snap = store.snapshot()
        return {"generation": snap.generation, "chunks": len(snap)}, problem
    except IndexNotReadyError:  # no index yet: a state to report, not damage
        return {"generation": 0, "chunks": 0, "detail": "no index yet"}, problem
    except DatabaseError as exc:
        logger.warning("index unreadable error=%r", exc)
        return {"generation": 0, "chunks": 0}, problem or (
            f"the index cannot be loaded; {REBUILD_HINT}"
        )


def install_storage_error_handlers(app: FastAPI) -> None:
    """Damaged or unreadable storage answers 503 in the error body, never paths or SQL."""

    def unavailable() -> JSONResponse:
        return JSONResponse(
            status_code=503,
            content=error_body(
                "storage_unavailable",
                "노트 인덱스나 데이터베이스를 읽을 수 없어요. 관리자가 복구해야 해요 "
                "(chatbot ingest --rebuild).",
                "The notes index or the database cannot be read; an operator has to repair "
                "it (chatbot ingest --rebuild).",
            ),
        )

    @app.exception_handler(DatabaseError)
    async def _database(request: Request, exc: DatabaseError) -> JSONResponse:
        logger.error("database error path=%s error=%r", request.url.path, exc.orig)
        return unavailable()


def _read_rows(conn: sqlite3.Connection, table: str) -> tuple[list[str], list[tuple], bool]:
    """Columns and the rows of ``table`` that can be read; the flag says all could."""
    rows: list[tuple] = []
    columns: list[str] = []
    try:
        cur = conn.execute(f'SELECT * FROM "{table}"')  # table names are our constants
        columns = [d[0] for d in cur.description]
        for row in cur:
            rows.append(row)
    except sqlite3.DatabaseError:
        return columns, rows, False
    return columns, rows, True


def _salvage_history(damaged: Path, fresh: Path) -> Iterator[str]:
    """Copy what can be read of the chat tables from ``damaged`` into ``fresh``."""
    try:
        src = sqlite3.connect(damaged)  # the moved-aside copy, with its WAL beside it
    except sqlite3.DatabaseError:
        yield "chat history could not be opened: not recovered"
        return
    with closing(src), closing(sqlite3.connect(fresh)) as dst:
        dst.execute("PRAGMA foreign_keys=OFF")
        for table in CHAT_TABLES:
            columns, rows, complete = _read_rows(src, table)
            wanted = {r[1] for r in dst.execute(f'PRAGMA table_info("{table}")')}
            keep = [i for i, c in enumerate(columns) if c in wanted]
            if rows and keep:
                names = ", ".join(f'"{columns[i]}"' for i in keep)
                marks = ", ".join("?" for _ in keep)
                dst.executemany(
                    f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({marks})',
                    ([row[i] for i in keep] for row in rows),
                )
            yield f"{table}: {len(rows)} rows recovered" + (
                "" if complete else " (rest unreadable)"
            )
        dst.execute("DELETE FROM messages WHERE session_id NOT IN (SELECT id FROM chat_sessions)")
        dst.execute("DELETE FROM feedback WHERE message_id NOT IN (SELECT id FROM messages)")
        dst.commit()


def repair_database(database_url: str, data_dir: Path) -> list[str]:
    """Move a damaged SQLite file aside and start a fresh one with the chat history kept.

    Returns what was done, one sentence each (empty when the database was sound). Other
    databases are not moved: their damage is the database server's to repair."""
    db_file = sqlite_path(database_url)
    if db_file is None:
        return []
    engine = make_engine(database_url)
    try:
        problem = storage_problem(engine)
    finally:
        engine.dispose()
    if problem is None or not problem.startswith("the database"):
        return []
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = db_file.with_name(f"{db_file.name}.damaged-{stamp}")
    with FileLock(str(data_dir / "ingest.lock"), timeout=60):
        for suffix in ("", "-wal", "-shm"):
            src = db_file.with_name(db_file.name + suffix)
            if src.exists():
                os.replace(src, aside.with_name(aside.name + suffix))
        done = [f"damaged database moved aside to {aside.name}; started a fresh one"]
        engine = make_engine(database_url)
        try:
            migrate(engine)
            migrate_chat(engine)
        finally:
            engine.dispose()
        done += list(_salvage_history(aside, db_file))
    for line in done:
        logger.warning("repair %s", line)
    return done


def repair_before_start(settings: Settings) -> bool:
    """For `rebuild_if_damaged`: repair a damaged database; True when the index must be
    rebuilt (the database was damaged)."""
    db_file = sqlite_path(settings.resolved_database_url)
    if db_file is not None and not db_file.exists():
        return False
    engine = make_engine(settings.resolved_database_url)
    try:
        problem = storage_problem(engine)
    finally:
        engine.dispose()
    if problem is None:
        return False
    logger.warning("storage damaged at startup, repairing reason=%s", problem)
    repair_database(settings.resolved_database_url, Path(settings.data_dir))
    return True
