"""Read side of the index: consistent in-memory snapshots of one generation.

A snapshot holds the chunk rows, the FAISS index and a BM25 index built from the
stored terms, all of one generation, read inside one database transaction. A
search never mixes generations: when an ingest commits a new generation, the
next search loads a new snapshot and swaps it in whole.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections import Counter
from pathlib import Path

import bm25s
import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from vector_store import faiss_io
from vector_store.config import RetrievalConfig
from vector_store.db import Chunk, Document, IndexState, Unit, make_engine
from vector_store.passage import Passage, UnitRecord

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
        self._bm25: bm25s.BM25 | None = None
        self.doc_freq: Counter[str] = Counter()
        for r in records:
            self.doc_freq.update(set(r.terms))
        if records:
            self._bm25 = bm25s.BM25(k1=config.bm25_k1, b=config.bm25_b)
            self._bm25.index([list(r.terms) or [""] for r in records], show_progress=False)

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

    def idf(self, term: str) -> float:
        n = len(self.records)
        return math.log((n + 1) / (self.doc_freq.get(term, 0) + 0.5))

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
                try:
                    self._snapshot = self._load()
                    break
                except FileNotFoundError:
                    # An ingest replaced the generation between our read and the file
                    # open; read the manifest again.
                    time.sleep(0.05)
            else:
                raise IndexNotReadyError("the index files changed too often to load")
            assert self._snapshot is not None
            return self._snapshot

    def _load(self) -> IndexSnapshot:
        with Session(self.engine) as session, session.begin():
            state = session.get(IndexState, 1)
            if state is None or state.generation == 0:
                raise IndexNotReadyError(
                    "No index yet: run `chatbot ingest` (or POST /ingest) first."
                )
            records = _read_records(session)
            units = _read_units(session)
            generation, embedder, faiss_file = state.generation, state.embedder, state.faiss_file
        index = faiss_io.read(self.data_dir / faiss_file) if faiss_file else None
        if index is not None and index.ntotal != len(records):
            logger.warning(
                "faiss file=%s holds %d vectors for %d chunks",
                faiss_file,
                index.ntotal,
                len(records),
            )
        logger.info("loaded index generation=%d chunks=%d", generation, len(records))
        return IndexSnapshot(generation, embedder, records, index, self.config, units)


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


def _read_units(session: Session) -> list[UnitRecord]:
    """Units with the id of the chunk that holds them (same document, `chunk_ord`)."""
    rows = session.execute(
        select(Unit, Chunk.id, Document.path)
        .join(Document, Unit.document_id == Document.id)
        .join(Chunk, (Chunk.document_id == Unit.document_id) & (Chunk.ord == Unit.chunk_ord))
        .order_by(Document.path, Unit.ord)
    ).all()
    return [
        UnitRecord(
            unit_id=u.id,
            chunk_id=chunk_id,
            source=path,
            labels=tuple(u.labels.split("\n")) if u.labels else (),
            heading_depth=u.heading_depth,
            kind=u.kind,
            term=u.term,
            context=u.context,
            text=u.text,
            ask=u.ask,
            line=u.line,
            terms=frozenset(u.terms.split()),
            context_terms=frozenset(u.context_terms.split()),
        )
        for u, chunk_id, path in rows
    ]
