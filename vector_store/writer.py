"""Write side of the index: the one seam between ingestion and storage.

Ingestion decides what changed; an `IndexWriter` stores it. A write is one generation:
`begin_generation()` opens one database transaction, `delete()` and `put()` replace
whole documents (their chunks with terms and vectors, and their answer units), and
`commit()` moves the manifest to the next generation in that same transaction. A
writer killed at any point before `commit()` leaves the previous generation whole and
current, everywhere, because nothing else is written.

Vectors live in the database (`chunks.embedding`, float32 bytes), so any replica
builds its search structures from the rows alone (see `vector_store.store`). A writer
given a `Publisher` also stores those structures, built once, beside the rows of the
generation it commits (`vector_store.serving.publish`); every other generation's are
deleted in the same transaction.
`SqlIndexWriter` is the implementation for SQLite and PostgreSQL alike; they differ
only in the lock that keeps one ingest at a time: a file lock in the data directory
on SQLite, a PostgreSQL advisory lock (seen by every machine) on PostgreSQL.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Protocol

import numpy as np
from filelock import FileLock, Timeout
from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update

from vector_store.db import Chunk, Document, IndexBlob, IndexState, Unit, utcnow

logger = logging.getLogger(__name__)

# Key of the PostgreSQL advisory lock held while an ingest runs (any fixed 64-bit number).
ADVISORY_LOCK_KEY = 0x43484154424F5449  # "CHATBOTI"
_BATCH = 500


class Publisher(Protocol):
    """Stores what readers of a generation need besides its rows (`vector_store.serving`)."""

    def __call__(self, conn: Connection, generation: int, dimension: int) -> None:
        """Called inside a generation's transaction just before the manifest moves."""

    def published(self, conn: Connection, generation: int, chunk_count: int) -> bool:
        """Whether `generation` holds everything this publisher would store."""


class WriterBusyError(RuntimeError):
    """Another writer holds the ingest lock and did not release it in time."""


class GenerationConflictError(RuntimeError):
    """Another writer committed a generation since this one began (the lock was bypassed)."""


@dataclass(frozen=True)
class ChunkRow:
    ord: int
    heading: str
    text: str
    terms: str
    """Analysed terms, space separated."""
    content_hash: str
    line_start: int
    vector: np.ndarray


@dataclass(frozen=True)
class UnitRow:
    """One answerable line of a note (see `vector_store.db.Unit` for the fields)."""

    ord: int
    chunk_ord: int
    labels: str
    heading_depth: int
    kind: str
    term: str
    context: str
    text: str
    ask: str
    line: int
    terms: str
    context_terms: str


@dataclass(frozen=True)
class DocumentRow:
    path: str
    sha256: str
    size: int
    chunks: list[ChunkRow]
    units: list[UnitRow] = field(default_factory=list)


@dataclass(frozen=True)
class Manifest:
    """What the committed index holds, as much as ingestion needs to decide changes."""

    generation: int
    embedder: str
    dimension: int
    chunking: str
    chunk_count: int
    documents: dict[str, str]
    """Path to content hash of every indexed file."""
    missing_vectors: int
    """Chunks without a stored vector (written before vectors were kept in the database)."""


def vector_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def vector_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f4")


class Generation(Protocol):
    def __enter__(self) -> Generation: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def delete(self, paths: Iterable[str]) -> None: ...
    def put(self, document: DocumentRow) -> None: ...
    def commit(self) -> int: ...
    @property
    def chunk_count(self) -> int: ...


class IndexWriter(Protocol):
    """The seam: SQL tables today; another store (pgvector, OpenSearch) is another one."""

    def locked(self, timeout_s: float) -> AbstractContextManager[None]: ...
    def manifest(self) -> Manifest: ...
    def vectors(self, hashes: Iterable[str]) -> dict[str, np.ndarray]: ...
    def begin_generation(self, *, embedder: str, dimension: int, chunking: str) -> Generation: ...
    def publish_missing(self) -> bool: ...


class SqlGeneration:
    """One uncommitted generation: a database transaction until `commit()`."""

    def __init__(
        self,
        engine: Engine,
        base: int,
        embedder: str,
        dimension: int,
        chunking: str,
        publish: Publisher | None = None,
    ) -> None:
        self._conn: Connection = engine.connect()
        self._tx = self._conn.begin()
        self.base = base
        self.embedder = embedder
        self.dimension = dimension
        self.chunking = chunking
        self._publish = publish
        self.chunk_count = 0
        """Chunks in the committed generation (set by `commit`)."""

    def delete(self, paths: Iterable[str]) -> None:
        """Remove documents with everything of theirs (chunks, units: ON DELETE CASCADE)."""
        batch = list(paths)
        for i in range(0, len(batch), _BATCH):
            self._conn.execute(delete(Document).where(Document.path.in_(batch[i : i + _BATCH])))

    def put(self, document: DocumentRow) -> None:
        """Add one document (call `delete` first if it was indexed before)."""
        doc_id = self._conn.execute(
            insert(Document)
            .values(
                path=document.path,
                sha256=document.sha256,
                size=document.size,
                n_chunks=len(document.chunks),
                updated_at=utcnow(),
            )
            .returning(Document.id)
        ).scalar_one()
        if document.chunks:
            self._conn.execute(
                insert(Chunk),
                [
                    {
                        "document_id": doc_id,
                        "ord": c.ord,
                        "heading": c.heading,
                        "text": c.text,
                        "terms": c.terms,
                        "content_hash": c.content_hash,
                        "line_start": c.line_start,
                        "embedding": vector_bytes(c.vector),
                    }
                    for c in document.chunks
                ],
            )
        if document.units:
            # vars(), not asdict(): the fields are plain values, and asdict's deep copy of
            # every field took seconds at a few hundred thousand units
            self._conn.execute(
                insert(Unit), [{"document_id": doc_id, **vars(u)} for u in document.units]
            )

    def commit(self) -> int:
        """Make this generation current; returns its number. The blobs of every other
        generation go (their rows are gone too); this one's are published first."""
        total = int(self._conn.scalar(select(func.count(Chunk.id))) or 0)
        self._conn.execute(delete(IndexBlob))
        if self._publish is not None:
            self._publish(self._conn, self.base + 1, self.dimension)
        values = {
            "generation": self.base + 1,
            "embedder": self.embedder,
            "dimension": self.dimension,
            "chunk_count": total,
            "chunking": self.chunking,
            "updated_at": utcnow(),
        }
        exists = self._conn.scalar(select(IndexState.id).where(IndexState.id == 1))
        if exists is None:
            self._conn.execute(insert(IndexState).values(id=1, **values))
        else:
            moved = self._conn.execute(
                update(IndexState)
                .where(IndexState.id == 1, IndexState.generation == self.base)
                .values(**values)
            )
            if moved.rowcount != 1:
                self.close()
                raise GenerationConflictError(
                    f"generation {self.base} is no longer current; another ingest committed"
                )
        self._tx.commit()
        self._conn.close()
        self.chunk_count = total
        return self.base + 1

    def close(self) -> None:
        """Drop the generation unless committed (the previous one stays current)."""
        if self._tx.is_active:
            self._tx.rollback()
        self._conn.close()

    def __enter__(self) -> SqlGeneration:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class SqlIndexWriter:
    """`IndexWriter` over the SQL tables of `vector_store.db` (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine, data_dir: Path, publish: Publisher | None = None) -> None:
        self.engine = engine
        self.data_dir = data_dir
        self.publish = publish

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def locked(self, timeout_s: float) -> Iterator[None]:
        """Hold the ingest lock; waits up to `timeout_s`, then `WriterBusyError`."""
        if not self.is_postgresql:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(self.data_dir / "ingest.lock"))
            try:
                lock.acquire(timeout=timeout_s)
            except Timeout as exc:
                raise WriterBusyError("another ingest holds the lock file") from exc
            try:
                yield
            finally:
                lock.release()
            return
        # A session-level advisory lock on a connection of its own: released by the
        # server when this process dies, so a killed ingest never leaves it stuck.
        with self.engine.connect() as conn:
            deadline = time.monotonic() + timeout_s
            while not conn.scalar(
                text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY}
            ):
                conn.rollback()
                if time.monotonic() >= deadline:
                    raise WriterBusyError("another ingest holds the PostgreSQL advisory lock")
                time.sleep(0.1)
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
                conn.commit()

    def manifest(self) -> Manifest:
        with self.engine.connect() as conn:
            state = conn.execute(select(IndexState).where(IndexState.id == 1)).first()
            documents = dict(conn.execute(select(Document.path, Document.sha256)).all())
            missing = int(
                conn.scalar(select(func.count(Chunk.id)).where(Chunk.embedding.is_(None))) or 0
            )
        if state is None:
            return Manifest(0, "", 0, "", 0, documents, missing)
        return Manifest(
            state.generation,
            state.embedder,
            state.dimension,
            state.chunking,
            state.chunk_count,
            documents,
            missing,
        )

    def vectors(self, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """Stored vectors of the given chunk texts (by content hash), where there are any."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, np.ndarray] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), _BATCH):
                rows = conn.execute(
                    select(Chunk.content_hash, Chunk.embedding).where(
                        Chunk.content_hash.in_(wanted[i : i + _BATCH]),
                        Chunk.embedding.is_not(None),
                    )
                )
                for h, data in rows:
                    if data is not None:  # filtered above; narrows the type
                        found[h] = vector_from_bytes(data)
        return found

    def begin_generation(self, *, embedder: str, dimension: int, chunking: str) -> SqlGeneration:
        with self.engine.connect() as conn:
            base = int(conn.scalar(select(IndexState.generation).where(IndexState.id == 1)) or 0)
        return SqlGeneration(self.engine, base, embedder, dimension, chunking, self.publish)

    def publish_missing(self) -> bool:
        """Publish the current generation's serving files when they are not all there
        (committed by a version without them, or with other retrieval settings); True when
        it did. Call it
        holding the ingest lock: the generation's rows cannot change meanwhile."""
        if self.publish is None:
            return False
        with self.engine.begin() as conn:
            state = conn.execute(
                select(IndexState.generation, IndexState.dimension, IndexState.chunk_count).where(
                    IndexState.id == 1
                )
            ).first()
            if state is None or not state.generation:
                return False
            if self.publish.published(conn, state.generation, state.chunk_count):
                return False
            conn.execute(delete(IndexBlob))
            self.publish(conn, state.generation, state.dimension)
        return True
