"""Read side of the index: consistent in-memory snapshots of one generation.

A snapshot holds the chunk and unit rows (flat arrays, `vector_store.rows`), the FAISS
index and a BM25 index built from the stored terms and vectors, all of one generation,
read from the database alone: the files the ingest published with the generation
(`vector_store.serving`), else the rows themselves. All three are cached in the local data
dir per generation and memory-mapped where they can be, never required. A
search never mixes generations: when an ingest commits a new generation, the
next search loads a new snapshot and swaps it in whole.
"""

from __future__ import annotations

import bisect
import contextlib
import ctypes
import gc
import hashlib
import logging
import math
import os
import re
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bm25s
import faiss
import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from vector_store import faiss_io, rows, serving
from vector_store.config import RetrievalConfig
from vector_store.db import IndexState, make_engine
from vector_store.passage import Passage, UnitRecord

logger = logging.getLogger(__name__)
# Rows kept per heading label for `IndexSnapshot.sections_with` (it returns at most 8).
_SECTION_ROWS = 8
_HANGUL_WORD = re.compile(r"[가-힣]+")
_PART = 2  # the fewest syllables of each half of a word read as two (`spaced_as_indexed`)
_NAME_TAIL = 3  # letters a name typed in Hangul may leave off its Latin end (`latin_name`)
# Korean particles that Kiwi leaves attached to words it does not know.
PARTICLE_AT_END = re.compile(
    r"(?:이랑|랑|에서|으로|로|은|는|이|가|을|를|과|와|의|에|도|만|부터|까지|보다|처럼)$"
)


class IndexNotReadyError(RuntimeError):
    """No index has been built yet (run `chatbot ingest`)."""


class IndexSnapshot:
    """Everything a search needs, of one generation, immutable."""

    def __init__(
        self,
        generation: int,
        embedder: str,
        chunks: rows.ChunkTable,
        index: object | None,
        units: rows.UnitTable,
        bm25: bm25s.BM25 | None,
    ) -> None:
        self.generation = generation
        self.embedder = embedder
        self.by_id = chunks
        """Every chunk of the generation by id (a read-only mapping to `Passage`)."""
        self.records = chunks.records
        """Every chunk in file and position order, made into passages as they are read."""
        self._units = units
        self._ids = chunks.ids
        self._index = index
        self._shortlist = faiss_io.Shortlist.of(index)
        self._bm25 = bm25
        self._doc_freq: dict[str, int] = {}
        self._latin: list[str] | None = None  # the index's Latin terms, sorted
        self._label_rows: dict[str, list[int]] | None = None  # label → its first rows
        self._labels_lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.by_id)

    def units_about(self, terms: set[str], limit: int = 200) -> list[UnitRecord]:
        """Units whose labels or term name every one of `terms` (a topic's words), found
        through an inverted index; at most `limit`, or none when the topic is too common to
        narrow anything down."""
        if not terms:
            return []
        return self._units.with_context_terms(terms, limit)

    def units_on(self, key: str, limit: int = 200) -> list[UnitRecord]:
        """Units whose sentence opens with the topic `key` (a name's key: "rnn" for "RNN은
        …"), wherever search would rank their chunk; none when too many do."""
        return self._units.with_topic(key, limit)

    def sections_with(
        self, label: Callable[[str], bool], limit: int = _SECTION_ROWS
    ) -> list[Passage]:
        """Chunks whose heading path holds a label that `label` accepts (a course log's
        day, "23.09.05"), in file order; at most `limit`. `label` is asked of each distinct
        label once; the labels are gathered on the first such question, for the rare
        question that names one (not for every search)."""
        with self._labels_lock:
            if self._label_rows is None:
                rows: dict[str, list[int]] = {}
                for row, heading in enumerate(self.by_id.headings()):
                    for part in dict.fromkeys(heading.split(" > ")):
                        first = rows.setdefault(part, [])
                        if len(first) < _SECTION_ROWS:
                            first.append(row)
                self._label_rows = rows
        found = sorted(
            {row for part, rows_ in self._label_rows.items() if label(part) for row in rows_}
        )
        return [self.by_id[int(self._ids[row])] for row in found[:limit]]

    def units_of(self, passage: Passage) -> list[UnitRecord]:
        """The units a passage holds, and the rest of its section: a long section is cut
        into several chunks, and a statement that answers sits in whichever one."""
        own = self._units.of_chunk(passage.chunk_id)
        section = self._units.of_section(passage.source, passage.heading)
        seen = {u.unit_id for u in own}
        return own + [u for u in section if u.unit_id not in seen]

    def spaced_as_indexed(self, terms: list[str]) -> list[str]:
        """`terms` with each Hangul word the index does not hold read as two words it
        holds, where the notes write it with a space ("허깅페이스" for "허깅 페이스": Kiwi
        keeps the word whole when it is typed without one). The split whose rarer half is
        the most common wins; a word with no such split stays as it is."""
        vocab = self._bm25.vocab_dict if self._bm25 is not None else {}
        out: list[str] = []
        for term in terms:
            if term in vocab or not _HANGUL_WORD.fullmatch(term) or len(term) < 2 * _PART:
                out.append(term)
                continue
            splits = [
                [term[:i], term[i:]]
                for i in range(_PART, len(term) - _PART + 1)
                if term[:i] in vocab and term[i:] in vocab
            ]
            if not splits:
                out.append(term)
                continue
            out.extend(max(splits, key=lambda pair: min(self.doc_freq(t) for t in pair)))
        return out

    def knows(self, term: str) -> bool:
        """Whether the keyword index holds `term`."""
        return self._bm25 is not None and term in self._bm25.vocab_dict

    def latin_name(self, spelled: str) -> str | None:
        """The Latin term of the index that is `spelled` (casefolded letters), or the one
        that `spelled` opens, a few letters short ("halvingrandomsearch" of
        "halvingrandomsearchcv"); None when there is none, or several."""
        if self.knows(spelled):
            return self._as_written(spelled)
        names = self._latin_names()
        at = bisect.bisect_left(names, spelled)
        longer = []
        for name in names[at:]:
            if not name.startswith(spelled):
                break
            if len(name) - len(spelled) <= _NAME_TAIL:
                longer.append(name)
        return self._as_written(longer[0]) if len(longer) == 1 else None

    def _as_written(self, term: str) -> str:
        """A Latin term as the chunk that holds it most writes it ("gridsearchcv" →
        "GridSearchCV"), or as it is."""
        for chunk_id, _ in self.keyword_search([term], 1):
            passage = self.by_id[chunk_id]
            found = re.search(
                rf"(?<![A-Za-z]){re.escape(term)}(?![A-Za-z])",
                f"{passage.heading}\n{passage.text}",
                re.IGNORECASE,
            )
            if found is not None:
                return found.group()
        return term

    def _latin_names(self) -> list[str]:
        if self._latin is None:
            vocab = self._bm25.vocab_dict if self._bm25 is not None else {}
            self._latin = sorted(t for t in vocab if t.isascii() and t.isalnum())
        return self._latin

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
        n = len(self.by_id)
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
            stem = PARTICLE_AT_END.sub("", term)
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
        if self._index is None or not len(self.by_id):
            return []
        # One query at a time: OpenMP threads only contend with the other requests (on a
        # busy 2-core machine a 2-thread flat search took 20 ms against 1.2 ms on one).
        # The setting belongs to the calling thread, so every request thread sets it.
        faiss.omp_set_num_threads(1)
        query = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        n = min(n, len(self.by_id))
        if self._shortlist is not None:
            found = self._shortlist.search(query, n)
            if found is not None:
                return found
        scores, ids = self._index.search(query, n)  # type: ignore[attr-defined]
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
                loaded = self._load()
                if loaded is not None:
                    self._snapshot = loaded
                    return loaded
            raise IndexNotReadyError("the index changed too often to load")

    def _load(self) -> IndexSnapshot | None:
        """The current generation whole, or None when a commit landed while reading.

        Every commit moves the generation, so reading it before and after the rows and
        finding it unchanged proves that all rows belong to that one generation (on any
        database and isolation level). Each structure comes from the local cache, else
        from the generation's published files (`vector_store.serving`), else is built
        from the rows."""
        with Session(self.engine) as session:
            state = session.get(IndexState, 1)
            if state is None or state.generation == 0:
                raise IndexNotReadyError(
                    "No index yet: run `chatbot ingest` (or POST /ingest) first."
                )
            generation, embedder, dimension = state.generation, state.embedder, state.dimension
            cfg = self.config
            kind = faiss_io.kind(state.chunk_count, cfg.hnsw_threshold, cfg.hnsw_ef_search)
            groups = serving.Groups.of(state.chunk_count, cfg)
            token = hashlib.sha256(
                f"{state.updated_at.isoformat()}|{embedder}|{kind}".encode()
            ).hexdigest()
            cache = self.data_dir / faiss_io.cache_filename(generation, token[:12])
            rows_path = cache.with_suffix(".rows")
            bm25_path = cache.with_suffix(".bm25")
            cached = rows.load(rows_path)
            if cached is None and self._fetch(
                serving.fetch_folder, generation, groups.rows, rows_path
            ):
                cached = rows.load(rows_path)
            chunks, units = cached or (rows.read_chunks(session), rows.read_units(session))
            ids = np.asarray(chunks.ids)
            index = self._cached(cache, ids)
            if index is None and self._fetch(serving.fetch_file, generation, groups.faiss, cache):
                index = self._cached(cache, ids)
            if index is None:
                try:
                    index = serving.build_index(session, chunks, dimension, cfg)
                except serving.MissingVectorsError as exc:
                    raise IndexNotReadyError(str(exc)) from exc
                self._write_cache(index, cache)
            self._remove_stale(cache, generation)
            if len(chunks) and not bm25_path.is_dir():
                self._fetch(serving.fetch_folder, generation, groups.bm25, bm25_path)
            if (
                session.scalar(select(IndexState.generation).where(IndexState.id == 1))
                != generation
            ):
                return None
        bm25 = self._bm25(chunks, bm25_path)
        if cached is None:
            self._write_rows(rows_path, chunks, units)
            # serve from the memory-mapped files just written, and give the memory of the
            # build back (about 470 MiB at 62,670 chunks: the built tables sit in reference
            # cycles, and glibc keeps freed heap unless asked)
            chunks, units = rows.load(rows_path) or (chunks, units)
            gc.collect()
            _trim_heap()
        logger.info("loaded index generation=%d chunks=%d", generation, len(chunks))
        return IndexSnapshot(generation, embedder, chunks, index, units, bm25)

    def _fetch(
        self,
        fetch: Callable[[Engine, int, str, Path], bool],
        generation: int,
        group: str,
        dest: Path,
    ) -> bool:
        """Copy a published group of this generation into the local cache (`fetch` is
        `serving.fetch_folder` or `fetch_file`); False when it is not there."""
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return False
        return fetch(self.engine, generation, group, dest)

    @staticmethod
    def _write_rows(path: Path, chunks: rows.ChunkTable, units: rows.UnitTable) -> None:
        """Keep the rows for the next start (memory-mapped then); a read-only data dir only
        costs time."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            rows.save(path, chunks, units)
        except OSError as exc:
            logger.warning("cannot write rows cache path=%s error=%s", path.name, exc)

    def _bm25(self, chunks: rows.ChunkTable, path: Path) -> bm25s.BM25 | None:
        """The BM25 index of this generation from the local cache (memory-mapped), else
        built and cached."""
        if not len(chunks):
            return None
        if path.is_dir():
            try:
                bm25 = bm25s.BM25.load(str(path), mmap=True)
                if int(bm25.scores["num_docs"]) == len(chunks):
                    return bm25
            except (OSError, ValueError, KeyError) as exc:
                logger.warning("bm25 cache unusable, rebuilding reason=%r", exc)
        bm25 = serving.build_bm25(chunks, self.config)
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

    @staticmethod
    def _write_cache(index: Any, path: Path) -> None:
        """Keep the built index for the next start; a read-only data dir only costs time."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            faiss_io.write_atomic(index, path)
        except OSError as exc:
            logger.warning("cannot write index cache path=%s error=%s", path.name, exc)

    @staticmethod
    def _remove_stale(path: Path, generation: int) -> None:
        """Drop the cache files of older generations, keeping the previous generation's
        for a replica still loading it."""
        if not path.exists():
            return
        keep = {path.name} | {
            p.name for p in path.parent.glob(f"faiss-{generation - 1:06d}-*.index")
        }
        try:
            faiss_io.remove_stale(path.parent, keep)
        except OSError as exc:
            logger.warning("cannot remove stale cache files error=%s", exc)


def _trim_heap() -> None:
    """Return freed heap pages to the system (glibc only; elsewhere nothing to do)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def load_chunks(database_url: str) -> list[Passage]:
    """All ingested chunks in file and position order (for fine-tuning and export)."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return list(rows.read_chunks(session).records)
    finally:
        engine.dispose()
