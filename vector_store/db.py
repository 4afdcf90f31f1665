"""SQL schema of the index and the helpers to open and migrate a database.

Tables: ``documents`` (one row per notes file, with its content hash),
``chunks`` (text, heading path, position, analysed terms and vector of each
passage), ``units`` (answerable lines), ``index_state`` (the manifest: embedder,
dimension and generation of the committed rows) and ``index_blobs`` (the serving files
built from one generation's rows, see `vector_store.blobs`). The schema is created and changed by
Alembic migrations (``vector_store/migrations``), never by ``create_all``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    BigInteger,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    create_engine,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version_store"
MIGRATION_LOCK_KEY = 0x43484154424F544D  # PostgreSQL advisory lock held while migrating


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(1024), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    n_chunks: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    chunks: Mapped[list[Chunk]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )
    units: Mapped[list[Unit]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )


class Chunk(Base):
    __tablename__ = "chunks"
    # AUTOINCREMENT on SQLite: ids are never reused, so a FAISS id always means one text.
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 - SQLAlchemy API

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    ord: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    terms: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    line_start: Mapped[int] = mapped_column(Integer, default=0)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    """The chunk's vector as little-endian float32 bytes (see `vector_store.writer`)."""

    document: Mapped[Document] = relationship(back_populates="chunks")


class Unit(Base):
    """One answerable line of a note with its ancestors' labels (see `ingest.tree`)."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    ord: Mapped[int] = mapped_column(Integer)
    chunk_ord: Mapped[int] = mapped_column(Integer)
    """`Chunk.ord` of the chunk (same document) whose text holds this unit."""
    labels: Mapped[str] = mapped_column(Text)
    """Ancestor labels, outermost first, joined by newlines."""
    heading_depth: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    term: Mapped[str] = mapped_column(Text, default="")
    context: Mapped[str] = mapped_column(Text, default="")
    """The innermost label that names something (not a question label)."""
    text: Mapped[str] = mapped_column(Text)
    ask: Mapped[str] = mapped_column(String(16), default="")
    line: Mapped[int] = mapped_column(Integer)
    terms: Mapped[str] = mapped_column(Text, default="")
    """Analysed terms of the term and the text."""
    context_terms: Mapped[str] = mapped_column(Text, default="")
    """Analysed terms of the innermost labels (what the unit is about)."""

    document: Mapped[Document] = relationship(back_populates="units")


class IndexState(Base):
    __tablename__ = "index_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    embedder: Mapped[str] = mapped_column(String(512), default="")
    dimension: Mapped[int] = mapped_column(Integer, default=0)
    chunk_count: Mapped[int] = mapped_column(Integer, default=0)
    chunking: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IndexBlob(Base):
    """One part of a serving file (row tables, BM25, FAISS) of one generation."""

    __tablename__ = "index_blobs"

    generation: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    """``<group>/<file>``: the group says what was built and how (format, parameters)."""
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    crc32: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)


def make_engine(url: str) -> Engine:
    """Engine with SQLite set up for one writer and many concurrent readers (WAL)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_pre_ping=True
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def run_migrations(engine: Engine, script_location: Path, version_table: str) -> None:
    """Upgrade one package's tables to the newest revision (idempotent)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes["version_table"] = version_table
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Replicas starting together: one migrates, the others wait, then find it done.
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def migrate(engine: Engine) -> None:
    run_migrations(engine, MIGRATIONS_DIR, VERSION_TABLE)


def run_env(context: object) -> None:
    """Body of every migrations folder's env.py: run on the connection and version table
    that `run_migrations` passed in."""
    ctx: Any = context
    config = ctx.config
    connection = config.attributes["connection"]
    ctx.configure(
        connection=connection,
        version_table=config.attributes["version_table"],
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with ctx.begin_transaction():
        ctx.run_migrations()
