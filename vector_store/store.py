"""Read side of the index: consistent in-memory snapshots of one generation.

A snapshot holds the chunk rows, the FAISS index and a BM25 index built from the
stored terms and vectors, all of one generation, read from the database alone (the
FAISS index is cached in the local data dir per generation, never required). A
search never mixes generations: when an ingest commits a new generation, the
next search loads a new snapshot and swaps it in whole.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from vector_store import faiss_io
from vector_store.config import RetrievalConfig
from vector_store.db import Chunk, Document, IndexState, Unit, make_engine
from vector_store.passage import Passage, UnitRecord
from vector_store.writer import vector_from_bytes

logger = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG when imported, so every index build would be logged.
logging.getLogger("bm25s").setLevel(logging.WARNING)
# Korean particles that Kiwi leaves attached to words it does not know.
_PARTICLE = re.compile(r"(이랑|랑|과|와|은|는|이|가|을|를|의|에|에서|도|로|으로)$")


class IndexNotReadyError(RuntimeError):
    """No index has been built yet (run `chatbot ingest`)."""


class IndexSnapshot:
    """Everything a search needs, of one generation, immutable."""

    def __init__(
        self,
        generation: int,
        embedder: str,
        records: list[Passage],
        index: object | None,
        config: RetrievalConfig,
        units: list[UnitRecord] | None = None,
        bm25: bm25s.BM25 | None = None,
    ) -> None:
        self.generation = generation
        self.embedder = embedder
        self.records = records
        self.by_id = {r.chunk_id: r for r in records}
        self.units_by_chunk: dict[int, list[UnitRecord]] = {}
        self._units_by_section: dict[tuple[str, str], list[UnitRecord]] = {}
        self._units_by_context_term: dict[str, list[UnitRecord]] = {}
        for unit in units or []:
            for term in unit.context_terms:
                self._units_by_context_term.setdefault(term, []).append(unit)
            self.units_by_chunk.setdefault(unit.chunk_id, []).append(unit)
            section = (unit.source, " > ".join(unit.labels[: unit.heading_depth]))
            self._units_by_section.setdefault(section, []).append(unit)
        self._ids = np.array([r.chunk_id for r in records], dtype=np.int64)
        self._index = index
        self._bm25 = bm25 if bm25 is not None or not records else build_bm25(records, config)
        self._doc_freq: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.records)

    def units_about(self, terms: set[str], limit: int = 200) -> list[UnitRecord]:
        """Units whose labels or term name every one of `terms` (a topic's words), found
        through an inverted index; at most `limit`, or none when the topic is too common to
        narrow anything down."""
        if not terms:
            return []
        lists = sorted((self._units_by_context_term.get(t, []) for t in terms), key=len)
        if not lists[0]:
            return []
        rest = [{u.unit_id for u in other} for other in lists[1:]]
        found = [u for u in lists[0] if all(u.unit_id in ids for ids in rest)]
        return found if len(found) <= limit else []

    def units_of(self, passage: Passage) -> list[UnitRecord]:
        """The units a passage holds, and the rest of its section: a long section is cut
        into several chunks, and a statement that answers sits in whichever one."""
        own = self.units_by_chunk.get(passage.chunk_id, [])
        section = self._units_by_section.get((passage.source, passage.heading), [])
        seen = {u.unit_id for u in own}
        return own + [u for u in section if u.unit_id not in seen]

    def doc_freq(self, term: str) -> int:
        """Chunks holding `term`: the length of its posting list in the BM25 index."""
        if term not in self._doc_freq:
            bm25 = self._bm25
            known = bm25 is not None and term in bm25.vocab_dict
            self._doc_freq[term] = (
                int(np.count_nonzero(bm25.get_scores([term]))) if bm25 is not None and known else 0
            )
        return self._doc_freq[term]

    def idf(self, term: str) -> float:
        n = len(self.records)
        return math.log((n + 1) / (self.doc_freq(term) + 0.5))

    def coverage(self, terms: list[str], chunk_ids: list[int]) -> float:
        """IDF-weighted share of `terms` found in the given chunks: a rare query word
        missing from every retrieved passage ('비트코인') weighs much more than a common
        one ('오늘'). A term also counts when it occurs inside a passage's text, which
        forgives analysis differences such as an unknown word with a particle glued on
        ("시그모이드랑") or a compound split differently ("순전파")."""
        if not terms:
            return 0.0
        present: set[str] = set()
        texts = []
        for cid in chunk_ids:
            rec = self.by_id[cid]
            present.update(rec.terms)
            texts.append(f"{rec.heading}\n{rec.text}".casefold())
        blob = "\n".join(texts)

        def found(term: str) -> bool:
            if term in present or (len(term) >= 2 and term in blob):
                return True
            stem = _PARTICLE.sub("", term)
            return len(stem) >= 2 and stem != term and stem in blob

        weights = {t: self.idf(t) for t in set(terms)}
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if found(t)) / total if total else 0.0

    def keyword_search(self, terms: list[str], n: int) -> list[tuple[int, float]]:
        if self._bm25 is None or not terms:
            return []
        scores = self._bm25.get_scores(terms)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self._ids[i]), float(scores[i])) for i in top if scores[i] > 0]

    def dense_search(self, vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        if self._index is None or not self.records:
            return []
        scores, ids = self._index.search(  # type: ignore[attr-defined]
            np.asarray(vector, dtype=np.float32).reshape(1, -1), min(n, len(self.records))
        )
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]


def build_bm25(records: list[Passage], config: RetrievalConfig) -> bm25s.BM25:
    """BM25 over the stored terms: an inverted index (sparse term-by-chunk scores), so a
    query touches only the posting lists of its terms."""
    bm25 = bm25s.BM25(k1=config.bm25_k1, b=config.bm25_b)
    bm25.index([list(r.terms) or [""] for r in records], show_progress=False)
    return bm25


class IndexStore:
    """Hands out the current snapshot, reloading when an ingest committed a new one.

    The generation check is one indexed single-row query, rate-limited by
    `check_interval_s`, so a running service picks up a re-ingested index without a
    restart and without paying for the check on every request.
    """

    def __init__(
        self,
        engine: Engine,
        data_dir: Path,
        config: RetrievalConfig,
        check_interval_s: float = 0.5,
    ) -> None:
        self.engine = engine
        self.data_dir = data_dir
        self.config = config
        self.check_interval_s = check_interval_s
        self._snapshot: IndexSnapshot | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def current_generation(self) -> int:
        with Session(self.engine) as session:
            gen = session.scalar(select(IndexState.generation).where(IndexState.id == 1))
        return int(gen or 0)

    def snapshot(self, *, force_check: bool = False) -> IndexSnapshot:
        snap = self._snapshot
        now = time.monotonic()
        if snap is not None and not force_check and now - self._checked_at < self.check_interval_s:
            return snap
        with self._lock:
            snap = self._snapshot
            self._checked_at = time.monotonic()
            if snap is not None and snap.generation == self.current_generation():
                return snap
            for _attempt in range(5):
                loaded = self._load()
                if loaded is not None:
                    self._snapshot = loaded
                    return loaded
            raise IndexNotReadyError("the index changed too often to load")

    def _load(self) -> IndexSnapshot | None:
        """The current generation whole, or None when a commit landed while reading.

        Every commit moves the generation, so reading it before and after the rows and
        finding it unchanged proves that all rows belong to that one generation (on any
        database and isolation level)."""
        with Session(self.engine) as session:
            state = session.get(IndexState, 1)
            if state is None or state.generation == 0:
                raise IndexNotReadyError(
                    "No index yet: run `chatbot ingest` (or POST /ingest) first."
                )
            generation, embedder, dimension = state.generation, state.embedder, state.dimension
            cfg = self.config
            kind = faiss_io.kind(state.chunk_count, cfg.hnsw_threshold, cfg.hnsw_ef_search)
            token = hashlib.sha256(
                f"{state.updated_at.isoformat()}|{embedder}|{kind}".encode()
            ).hexdigest()
            records = _read_records(session)
            units = _read_units(session)
            ids = np.array([r.chunk_id for r in records], dtype=np.int64)
            cache = self.data_dir / faiss_io.cache_filename(generation, token[:12])
            index = self._cached(cache, ids)
            if index is None:
                index = faiss_io.build(
                    dimension,
                    *_read_vectors(session, ids, dimension),
                    hnsw_threshold=cfg.hnsw_threshold,
                    ef_search=cfg.hnsw_ef_search,
                )
                self._write_cache(index, cache, generation)
            if (
                session.scalar(select(IndexState.generation).where(IndexState.id == 1))
                != generation
            ):
                return None
        bm25 = self._bm25(records, cache.with_suffix(".bm25"))
        logger.info("loaded index generation=%d chunks=%d", generation, len(records))
        return IndexSnapshot(generation, embedder, records, index, self.config, units, bm25)

    def _bm25(self, records: list[Passage], path: Path) -> bm25s.BM25 | None:
        """The BM25 index of this generation from the local cache, else built and cached."""
        if not records:
            return None
        if path.is_dir():
            try:
                bm25 = bm25s.BM25.load(str(path))
                if int(bm25.scores["num_docs"]) == len(records):
                    return bm25
            except (OSError, ValueError, KeyError) as exc:
                logger.warning("bm25 cache unusable, rebuilding reason=%r", exc)
        bm25 = build_bm25(records, self.config)
        tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            bm25.save(str(tmp))
            shutil.rmtree(path, ignore_errors=True)
            os.replace(tmp, path)
        except OSError as exc:  # read-only data dir, or another worker wrote it first
            shutil.rmtree(tmp, ignore_errors=True)
            logger.warning("cannot write bm25 cache path=%s error=%s", path.name, exc)
        return bm25

    @staticmethod
    def _cached(path: Path, ids: np.ndarray) -> Any:
        """The cached index of this generation when it is there, readable and complete."""
        try:
            index = faiss_io.read(path)
        except FileNotFoundError:
            return None
        except faiss_io.IndexDamagedError as exc:
            logger.warning("cache unusable, building from the database reason=%s", exc)
            return None
        if not np.array_equal(np.sort(faiss_io.ids_of(index)), np.sort(ids)):
            logger.warning("cache file=%s does not match its generation, rebuilding", path.name)
            return None
        return index

    def _write_cache(self, index: Any, path: Path, generation: int) -> None:
        """Keep the built index for the next start; a read-only data dir only costs time."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            faiss_io.write_atomic(index, path)
            # Keep the previous generation's file for a replica still loading it.
            keep = {path.name} | {
                p.name for p in path.parent.glob(f"faiss-{generation - 1:06d}-*.index")
            }
            faiss_io.remove_stale(path.parent, keep)
        except OSError as exc:
            logger.warning("cannot write index cache path=%s error=%s", path.name, exc)


def load_chunks(database_url: str) -> list[Passage]:
    """All ingested chunks in file and position order (for fine-tuning and export)."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return _read_records(session)
    finally:
        engine.dispose()


def _read_records(session: Session) -> list[Passage]:
    rows = session.execute(
        select(
            Chunk.id,
            Document.path,
            Chunk.heading,
            Chunk.text,
            Chunk.ord,
            Chunk.line_start,
            Chunk.terms,
        )
        .join(Document, Chunk.document_id == Document.id)
        .order_by(Document.path, Chunk.ord)
    ).all()
    return [
        Passage(
            chunk_id=r[0],
            source=r[1],
            heading=r[2],
            text=r[3],
            ord=r[4],
            line_start=r[5],
            terms=tuple(r[6].split()),
        )
        for r in rows
    ]


def _read_vectors(
    session: Session, ids: np.ndarray, dimension: int
) -> tuple[np.ndarray, np.ndarray]:
    """The stored vectors of the chunks `ids`, in that order."""
    rows = dict(session.execute(select(Chunk.id, Chunk.embedding)).all())
    matrix = np.empty((len(ids), dimension), dtype=np.float32)
    for i, cid in enumerate(ids.tolist()):
        data = rows.get(cid)
        if data is None:
            raise IndexNotReadyError(
                "Chunks without stored vectors (an index from an older version): run "
                "`chatbot ingest` to embed them."
            )
        matrix[i] = vector_from_bytes(data)
    return ids, matrix


def _read_units(session: Session) -> list[UnitRecord]:
    """Units with the id of the chunk that holds them (same document, `chunk_ord`).

    Plain columns, not ORM objects: a large corpus has about eight units a chunk."""
    rows = session.execute(
        select(
            Unit.id,
            Chunk.id,
            Document.path,
            Unit.labels,
            Unit.heading_depth,
            Unit.kind,
            Unit.term,
            Unit.context,
            Unit.text,
            Unit.ask,
            Unit.line,
            Unit.terms,
            Unit.context_terms,
        )
        .join(Document, Unit.document_id == Document.id)
        .join(Chunk, (Chunk.document_id == Unit.document_id) & (Chunk.ord == Unit.chunk_ord))
        .order_by(Document.path, Unit.ord)
    ).all()
    return [
        UnitRecord(
            unit_id=uid,
            chunk_id=chunk_id,
            source=path,
            labels=tuple(labels.split("\n")) if labels else (),
            heading_depth=depth,
            kind=kind,
            term=term,
            context=context,
            text=text,
            ask=ask,
            line=line,
            terms=frozenset(terms.split()),
            context_terms=frozenset(context_terms.split()),
        )
        for (
            uid,
            chunk_id,
            path,
            labels,
            depth,
            kind,
            term,
            context,
            text,
            ask,
            line,
            terms,
            context_terms,
        ) in rows
    ]
