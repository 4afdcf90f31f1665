"""The serving files of one generation: built from its rows, published in the database,
fetched into a replica's local cache.

A reader needs three structures per generation: the row tables (`vector_store.rows`),
the BM25 index and the FAISS index. Built from the rows they cost seconds per hundred
thousand rows (at 62,670 chunks and 470k units: about 6 s of reading and 3 s of BM25);
so the ingest that commits a generation also builds them once, in its transaction, and
stores their files in ``index_blobs`` (`publish`). A replica whose data dir lacks them
copies them from there (`fetch_folder`, `fetch_file`: a few large reads) and memory-maps
them as if it had built them. Each file is cut into parts with a CRC-32 each; a part
that is missing or does not match makes the whole group count as absent, and the reader
builds from the rows, as it does for a database written before the blobs existed.

A group's name says what was built and how (`Groups`): a reader configured differently
(another HNSW threshold, other BM25 parameters) finds no group of its own name and builds
its own. The writer deletes every other generation's blobs when it commits.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import time
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import bm25s
import faiss
import numpy as np
from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from vector_store import faiss_io, rows
from vector_store.config import RetrievalConfig
from vector_store.db import Chunk, IndexBlob
from vector_store.writer import vector_from_bytes

logger = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG when imported, so every index build would be logged.
logging.getLogger("bm25s").setLevel(logging.WARNING)

PART_BYTES = 16 * 2**20
"""Bytes per stored part: bounded memory on both sides, far below either database's
limit on one value."""
_FAISS_FILE = "index"


class MissingVectorsError(RuntimeError):
    """Chunks without stored vectors (an index from an older version)."""


@dataclass(frozen=True)
class Groups:
    """Names of a generation's blob groups, as a reader with `config` expects them."""

    rows: str
    bm25: str
    faiss: str

    @classmethod
    def of(cls, chunk_count: int, config: RetrievalConfig) -> Groups:
        kind = faiss_io.kind(chunk_count, config.hnsw_threshold, config.hnsw_ef_search)
        return cls(
            rows=f"rows-{rows.FORMAT_VERSION}",
            bm25=f"bm25-{config.bm25_k1:g}-{config.bm25_b:g}",
            faiss=f"faiss-{kind}",
        )


# ------------------------------------------------------------------------- building
def build_bm25(chunks: rows.ChunkTable, config: RetrievalConfig) -> bm25s.BM25:
    """BM25 over the stored terms: an inverted index (sparse term-by-chunk scores), so a
    query touches only the posting lists of its terms."""
    bm25 = bm25s.BM25(k1=config.bm25_k1, b=config.bm25_b)
    bm25.index([terms or [""] for terms in chunks.terms_lists()], show_progress=False)
    return bm25


def read_vectors(
    session: Session, ids: np.ndarray, dimension: int
) -> tuple[np.ndarray, np.ndarray]:
    """The stored vectors of the chunks `ids`, in that order."""
    stored = dict(session.execute(select(Chunk.id, Chunk.embedding)).all())
    matrix = np.empty((len(ids), dimension), dtype=np.float32)
    for i, cid in enumerate(ids.tolist()):
        data = stored.get(cid)
        if data is None:
            raise MissingVectorsError(
                "Chunks without stored vectors (an index from an older version): run "
                "`chatbot ingest` to embed them."
            )
        matrix[i] = vector_from_bytes(data)
    return ids, matrix


def build_index(
    session: Session, chunks: rows.ChunkTable, dimension: int, config: RetrievalConfig
) -> Any:
    """The FAISS index of the chunks' stored vectors."""
    return faiss_io.build(
        dimension,
        *read_vectors(session, np.asarray(chunks.ids), dimension),
        hnsw_threshold=config.hnsw_threshold,
        ef_search=config.hnsw_ef_search,
    )


class Publisher:
    """What an ingest stores with each generation it commits (a `writer.Publisher`)."""

    def __init__(self, config: RetrievalConfig) -> None:
        self.config = config

    def published(self, conn: Connection, generation: int, chunk_count: int) -> bool:
        groups = Groups.of(chunk_count, self.config)
        wanted = [groups.rows, groups.faiss] + ([groups.bm25] if chunk_count else [])
        names = conn.scalars(
            select(IndexBlob.name).where(IndexBlob.generation == generation, IndexBlob.part == 0)
        )
        present = {name.split("/", 1)[0] for name in names}
        return all(group in present for group in wanted)

    def __call__(self, conn: Connection, generation: int, dimension: int) -> None:
        publish(conn, generation, dimension, self.config)


def publish(conn: Connection, generation: int, dimension: int, config: RetrievalConfig) -> None:
    """Build the serving files of the rows `conn` sees (the uncommitted generation of its
    transaction) and store them as blobs of `generation` in that same transaction, so
    the generation and its files become visible together.

    The FAISS index is built on a thread of its own (FAISS releases the GIL; an HNSW
    graph is the longest step, about 30 s at 60k chunks) while this one reads, builds and
    stores the row tables and BM25 (single-threaded Python, about as long)."""
    started = time.perf_counter()
    session = Session(bind=conn)  # reads this transaction's rows, commits nothing
    try:
        chunks = rows.read_chunks(session)
        ids, vectors = read_vectors(session, np.asarray(chunks.ids), dimension)
        groups = Groups.of(len(chunks), config)
        with (
            ThreadPoolExecutor(1, thread_name_prefix="publish-faiss") as pool,
            tempfile.TemporaryDirectory(prefix="chatbot-publish-") as tmp,
        ):
            building = pool.submit(
                faiss_io.build,
                dimension,
                ids,
                vectors,
                hnsw_threshold=config.hnsw_threshold,
                ef_search=config.hnsw_ef_search,
            )
            del vectors  # the index holds its own copy
            folder = Path(tmp)
            rows.save(folder / "rows", chunks, rows.read_units(session))
            stored = _put_folder(conn, generation, groups.rows, folder / "rows")
            if len(chunks):
                build_bm25(chunks, config).save(str(folder / "bm25"))
                stored += _put_folder(conn, generation, groups.bm25, folder / "bm25")
            (folder / "faiss").mkdir()
            faiss.write_index(building.result(), str(folder / "faiss" / _FAISS_FILE))
            stored += _put_folder(conn, generation, groups.faiss, folder / "faiss")
    finally:
        session.close()
    logger.info(
        "published serving files generation=%d bytes=%d seconds=%.2f",
        generation,
        stored,
        time.perf_counter() - started,
    )


def _put_folder(conn: Connection, generation: int, group: str, folder: Path) -> int:
    """Store every file of `folder` under `group`; returns the bytes stored."""
    total = 0
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        with open(path, "rb") as fh:
            part = 0
            while True:
                data = fh.read(PART_BYTES)
                if not data and part:
                    break
                conn.execute(
                    insert(IndexBlob).values(
                        generation=generation,
                        name=f"{group}/{path.name}",
                        part=part,
                        crc32=zlib.crc32(data),
                        data=data,
                    )
                )
                total += len(data)
                part += 1
                if len(data) < PART_BYTES:
                    break
    return total


# ------------------------------------------------------------------------- fetching
class _Damaged(Exception):
    """A stored part is missing or does not match its CRC-32."""


def _parts(conn: Connection, generation: int, group: str) -> Iterator[tuple[str, bytes]]:
    """(file name, data) of every part of `group`, files in name order, parts in order."""
    result = conn.execution_options(yield_per=1).execute(
        select(IndexBlob.name, IndexBlob.part, IndexBlob.crc32, IndexBlob.data)
        .where(
            IndexBlob.generation == generation,
            IndexBlob.name > f"{group}/",
            IndexBlob.name < f"{group}0",  # "0" follows "/": exactly the group's names
        )
        .order_by(IndexBlob.name, IndexBlob.part)
    )
    name, expected = "", 0
    for full, part, crc, data in result:
        if full != name:
            name, expected = full, 0
        if part != expected or zlib.crc32(data) != crc:
            raise _Damaged(f"{full} part {part}")
        expected += 1
        yield full.removeprefix(f"{group}/"), data


def fetch_folder(engine: Engine, generation: int, group: str, dest: Path) -> bool:
    """Write the files of `group` into the folder `dest` (a temporary folder renamed);
    False when the group is not stored, damaged, or the data dir cannot take it."""
    tmp = dest.with_name(f"{dest.name}.fetch-{os.getpid()}")
    started = time.perf_counter()
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        size = _write_parts(engine, generation, group, tmp)
        if size is None:
            return False
        shutil.rmtree(dest, ignore_errors=True)
        os.replace(tmp, dest)
    except (SQLAlchemyError, OSError, _Damaged) as exc:
        logger.warning("cannot fetch serving files group=%s error=%s", group, exc)
        return False
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    logger.info(
        "fetched serving files group=%s bytes=%d seconds=%.2f",
        group,
        size,
        time.perf_counter() - started,
    )
    return True


def fetch_file(engine: Engine, generation: int, group: str, dest: Path) -> bool:
    """The one file of `group` (a FAISS index) written to `dest`; False as `fetch_folder`."""
    folder = dest.with_name(f"{dest.name}.files-{os.getpid()}")  # workers fetch at once
    if not fetch_folder(engine, generation, group, folder):
        return False
    try:
        os.replace(folder / _FAISS_FILE, dest)
        return True
    except OSError as exc:
        logger.warning("cannot fetch serving files group=%s error=%s", group, exc)
        return False
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write_parts(engine: Engine, generation: int, group: str, folder: Path) -> int | None:
    """Bytes written into `folder`, or None when the group has no part."""
    size, name = 0, ""
    with contextlib.ExitStack() as files, engine.connect() as conn:
        fh: BinaryIO | None = None
        for file, data in _parts(conn, generation, group):
            if fh is None or file != name:
                if "/" in file or file.startswith("."):
                    raise _Damaged(f"unexpected file name {file!r}")
                files.close()  # the previous file
                name, fh = file, files.enter_context(open(folder / file, "wb"))
            fh.write(data)
            size += len(data)
    return size if name else None
