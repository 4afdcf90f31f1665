"""Chunk and unit rows of one generation in a few flat arrays, cached per generation.

A large corpus has about eight answer units a chunk; held as dataclasses with their
strings and term sets they cost hundreds of MiB and seconds to build at every start.
Here every table is an integer matrix plus one UTF-8 buffer with the offsets of each
string field, written once per generation next to the FAISS cache and opened with
``mmap`` at the next start. A row becomes a `Passage` or `UnitRecord` only when a search
or an answer asks for it (a search reads a handful).

Lookups stay sub-linear without Python dicts over the corpus: chunk ids and unit
section keys are sorted arrays searched with ``searchsorted``; the units naming a
context term are an inverted index keyed by a 64-bit hash of the term, whose posting
lists hold unit rows in row order.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from itertools import chain, pairwise
from pathlib import Path
from typing import Any, overload

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from vector_store.analysis import name_key, opening_topic
from vector_store.db import Chunk, Document, Unit
from vector_store.passage import Passage, UnitRecord

# Bump when the cached arrays, or what their rows hold, change.
FORMAT_VERSION = "4"
# Materialised rows kept per snapshot: a turn reads a few hundred units at most.
_ROW_CACHE = 4096


def key_hash(text: str) -> int:
    """Stable signed 64-bit hash (the cache is read by other processes)."""
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


class Columns:
    """Rows of `n_int` integer and `n_str` string fields in flat arrays: an integer
    matrix, and every string UTF-8 encoded in one buffer, each followed by a NUL byte,
    with the offset where each starts."""

    def __init__(self, ints: np.ndarray, offsets: np.ndarray, blob: np.ndarray) -> None:
        self.ints = ints
        self.offsets = offsets
        self.blob = blob
        self.n_str = (len(offsets) - 1) // len(ints) if len(ints) else 0

    @classmethod
    def build(cls, rows: Sequence[Sequence[Any]], n_int: int) -> Columns:
        """Rows of `n_int` integers followed by strings."""
        ints = [r[:n_int] for r in rows]
        strings = [s for r in rows for s in r[n_int:]]
        # One join and one encode; the NUL bytes then mark where each string ends
        # (encoding millions of strings one by one took seconds).
        data = ("\0".join(strings) + "\0").encode() if strings else b""
        blob = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(blob == 0)
        if len(ends) != len(strings):  # a string holds a NUL byte itself
            ends = np.cumsum([len(s.encode()) + 1 for s in strings], dtype=np.int64) - 1
        offsets = np.zeros(len(strings) + 1, dtype=np.int64)
        offsets[1:] = ends + 1
        matrix = np.array(ints, dtype=np.int64).reshape(len(ints), n_int)
        return cls(matrix, offsets, blob)

    def __len__(self) -> int:
        return len(self.ints)

    def strings(self, row: int) -> list[str]:
        start = row * self.n_str
        bounds = self.offsets[start : start + self.n_str + 1].tolist()
        data = self.blob[bounds[0] : bounds[-1]].tobytes()
        base = bounds[0]
        return [data[a - base : b - base - 1].decode() for a, b in pairwise(bounds)]

    def string(self, row: int, field: int) -> str:
        i = row * self.n_str + field
        a, b = self.offsets[i : i + 2].tolist()
        return self.blob[a : b - 1].tobytes().decode()

    def arrays(self) -> dict[str, np.ndarray]:
        return {"ints": self.ints, "offsets": self.offsets, "blob": self.blob}


# Chunk rows: ints (chunk_id, ord, line_start); strings (source, heading, text, terms).
_C_ID, _C_ORD, _C_LINE = range(3)
# Unit rows: ints (unit_id, chunk_id, heading_depth, line); strings (source, labels, kind,
# term, context, text, ask, terms, context_terms).
_U_ID, _U_CHUNK, _U_DEPTH, _U_LINE = range(4)
_U_SOURCE, _U_LABELS = 0, 1


class ChunkTable(Mapping[int, Passage]):
    """The chunks of a generation by id (a read-only mapping to `Passage`), in file and
    position order through `records`."""

    def __init__(self, columns: Columns, by_id: np.ndarray) -> None:
        self.columns = columns
        self.ids = columns.ints[:, _C_ID]
        self._by_id = by_id  # rows sorted by chunk id
        self._sorted_ids = self.ids[by_id]
        self._passage = lru_cache(maxsize=_ROW_CACHE)(self._make)

    @classmethod
    def build(cls, columns: Columns) -> ChunkTable:
        return cls(columns, np.argsort(columns.ints[:, _C_ID], kind="stable"))

    def _make(self, row: int) -> Passage:
        chunk_id, ord_, line = self.columns.ints[row].tolist()
        source, heading, text, terms = self.columns.strings(row)
        return Passage(
            chunk_id=chunk_id,
            source=source,
            heading=heading,
            text=text,
            ord=ord_,
            line_start=line,
            terms=tuple(terms.split()),
        )

    def row_of(self, chunk_id: int) -> int | None:
        i = int(np.searchsorted(self._sorted_ids, chunk_id))
        if i < len(self._sorted_ids) and self._sorted_ids[i] == chunk_id:
            return int(self._by_id[i])
        return None

    def __getitem__(self, chunk_id: int) -> Passage:
        row = self.row_of(chunk_id)
        if row is None:
            raise KeyError(chunk_id)
        return self._passage(row)

    def __contains__(self, chunk_id: object) -> bool:
        return isinstance(chunk_id, int | np.integer) and self.row_of(int(chunk_id)) is not None

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids.tolist())

    def __len__(self) -> int:
        return len(self.columns)

    def heading(self, chunk_id: int) -> str:
        row = self.row_of(chunk_id)
        if row is None:
            raise KeyError(chunk_id)
        return self.columns.string(row, 1)

    def headings(self) -> Iterator[str]:
        """Every chunk's heading in row order, without building its passage."""
        for row in range(len(self.columns)):
            yield self.columns.string(row, 1)

    def terms_lists(self) -> Iterator[list[str]]:
        """Every chunk's terms in row order (to build BM25)."""
        for row in range(len(self.columns)):
            yield self.columns.string(row, 3).split()

    @property
    def records(self) -> Records:
        return Records(self)


class Records(Sequence[Passage]):
    """All chunks in file and position order, made into passages one at a time."""

    def __init__(self, table: ChunkTable) -> None:
        self._table = table

    def __len__(self) -> int:
        return len(self._table)

    @overload
    def __getitem__(self, i: int) -> Passage: ...
    @overload
    def __getitem__(self, i: slice) -> list[Passage]: ...
    def __getitem__(self, i: int | slice) -> Passage | list[Passage]:
        if isinstance(i, slice):
            return [self._table._make(r) for r in range(len(self))[i]]
        return self._table._make(range(len(self))[i])

    def __iter__(self) -> Iterator[Passage]:
        return (self._table._make(r) for r in range(len(self)))


class UnitTable:
    """The answer units of a generation, found by chunk, by section and by context term."""

    def __init__(self, columns: Columns, index: dict[str, np.ndarray]) -> None:
        self.columns = columns
        self._index = index
        self._unit = lru_cache(maxsize=_ROW_CACHE)(self._make)

    @classmethod
    def build(cls, rows: Sequence[Sequence[Any]]) -> UnitTable:
        """The table of unit rows (as `read_units` selects them) with its lookup arrays;
        every posting list keeps row order (stable sorts)."""
        columns = Columns.build(rows, 4)
        chunk = columns.ints[:, _U_CHUNK]
        by_chunk = np.argsort(chunk, kind="stable")
        # one hash per distinct section and term, then whole arrays (a loop over the
        # rows with a hash lookup per term took seconds at 470k units)
        keys = [(r[4], r[5], r[2]) for r in rows]  # source, labels, heading depth
        section_of = {key: key_hash(_section_key(*key)) for key in set(keys)}
        sections = np.fromiter(map(section_of.__getitem__, keys), np.int64, len(keys))
        by_section = np.argsort(sections, kind="stable")
        # the topic each unit's sentence opens with ("RNN은 …"), as a key
        topics = np.fromiter((key_hash(topic_key(r[9])) for r in rows), np.int64, len(rows))
        by_topic = np.argsort(topics, kind="stable")
        term_lists = [r[12].split() for r in rows]  # context terms
        terms = list(chain.from_iterable(term_lists))
        term_of = {term: key_hash(term) for term in set(terms)}
        th = np.fromiter(map(term_of.__getitem__, terms), np.int64, len(terms))
        tr = np.repeat(np.arange(len(rows), dtype=np.int64), [len(t) for t in term_lists])
        order = np.argsort(th, kind="stable")  # by term hash, then row (rows come in order)
        th, tr = th[order], tr[order]
        once = np.ones(len(th), dtype=bool)  # a term twice in one unit counts once
        once[1:] = (th[1:] != th[:-1]) | (tr[1:] != tr[:-1])
        th, tr = th[once], tr[once]
        return cls(
            columns,
            {
                "chunk_sorted": chunk[by_chunk],
                "by_chunk": by_chunk,
                "section_sorted": sections[by_section],
                "by_section": by_section,
                "term_sorted": th,
                "term_rows": tr,
                "topic_sorted": topics[by_topic],
                "by_topic": by_topic,
            },
        )

    def __len__(self) -> int:
        return len(self.columns)

    def arrays(self) -> dict[str, np.ndarray]:
        return {**self.columns.arrays(), **self._index}

    def _make(self, row: int) -> UnitRecord:
        uid, chunk_id, depth, line = self.columns.ints[row].tolist()
        source, labels, kind, term, context, text, ask, terms, context_terms = self.columns.strings(
            row
        )
        return UnitRecord(
            unit_id=uid,
            chunk_id=chunk_id,
            source=source,
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

    def _rows(self, sorted_key: str, rows: str, key: int) -> np.ndarray:
        keys = self._index[sorted_key]
        lo = int(np.searchsorted(keys, key, side="left"))
        hi = int(np.searchsorted(keys, key, side="right"))
        return np.asarray(self._index[rows][lo:hi])

    def of_chunk(self, chunk_id: int) -> list[UnitRecord]:
        return [self._unit(r) for r in self._rows("chunk_sorted", "by_chunk", chunk_id).tolist()]

    def of_section(self, source: str, heading: str) -> list[UnitRecord]:
        rows = self._rows("section_sorted", "by_section", key_hash(f"{source}\n{heading}"))
        units = [self._unit(r) for r in rows.tolist()]
        return [
            u
            for u in units
            if u.source == source and " > ".join(u.labels[: u.heading_depth]) == heading
        ]

    def with_topic(self, key: str, limit: int) -> list[UnitRecord]:
        """Units whose sentence opens with `key` as its topic (`topic_key`), in row order;
        none when more than `limit` do."""
        if not key:
            return []
        rows = self._rows("topic_sorted", "by_topic", key_hash(key))
        if len(rows) > limit:
            return []
        units = [self._unit(r) for r in rows.tolist()]
        return [u for u in units if topic_key(u.text) == key]

    def with_context_terms(self, terms: set[str], limit: int) -> list[UnitRecord]:
        """Units whose context terms hold all of `terms`, in row order; none when more
        than `limit` do."""
        lists = sorted(
            (self._rows("term_sorted", "term_rows", key_hash(t)) for t in terms), key=len
        )
        rows = lists[0]
        for other in lists[1:]:
            if not len(rows):
                break
            rows = rows[np.isin(rows, other, assume_unique=True)]
        if len(rows) > limit:
            return []
        units = [self._unit(r) for r in rows.tolist()]
        return [u for u in units if terms <= u.context_terms]


def topic_key(text: str) -> str:
    """The key of the topic a unit's text opens with ("RNN은 …": rnn; "서포트 벡터 머신
    (SVM)은 …": 서포트벡터머신), "" when it opens with none."""
    return name_key(opening_topic(text))


def _section_key(source: str, labels: str, depth: int) -> str:
    heading = " > ".join(labels.split("\n")[:depth]) if labels else ""
    return f"{source}\n{heading}"


# ---------------------------------------------------------------- reading and caching
def read_chunks(session: Session) -> ChunkTable:
    result = session.execute(
        select(
            Chunk.id,
            Chunk.ord,
            Chunk.line_start,
            Document.path,
            Chunk.heading,
            Chunk.text,
            Chunk.terms,
        )
        .join(Document, Chunk.document_id == Document.id)
        .order_by(Document.path, Chunk.ord)
    )
    return ChunkTable.build(Columns.build(result.all(), 3))


def read_units(session: Session) -> UnitTable:
    """Units in file and position order, with the id of the chunk that holds them (same
    document, `chunk_ord`). Units are read in their own table's order and put in file
    order here: joining and sorting them in SQL took 4.3 s of 470k rows against 1.6 s."""
    paths: dict[int, str] = dict(session.execute(select(Document.id, Document.path)).all())
    chunk_of = {
        (doc, ord_): cid
        for cid, doc, ord_ in session.execute(select(Chunk.id, Chunk.document_id, Chunk.ord))
    }
    result = session.execute(
        select(
            Unit.document_id,
            Unit.chunk_ord,
            Unit.id,
            Unit.heading_depth,
            Unit.line,
            Unit.labels,
            Unit.kind,
            Unit.term,
            Unit.context,
            Unit.text,
            Unit.ask,
            Unit.terms,
            Unit.context_terms,
        ).order_by(Unit.document_id, Unit.ord)
    )
    by_document: dict[int, list[tuple[Any, ...]]] = {}
    for doc, chunk_ord, uid, depth, line, *strings in result:
        chunk_id = chunk_of.get((doc, chunk_ord))
        if chunk_id is not None:  # a unit always lies in a chunk; skip one that does not
            by_document.setdefault(doc, []).append(
                (uid, chunk_id, depth, line, paths[doc], *strings)
            )
    return UnitTable.build(
        [row for doc in sorted(by_document, key=paths.__getitem__) for row in by_document[doc]]
    )


def load(path: Path) -> tuple[ChunkTable, UnitTable] | None:
    """The tables cached in the folder `path`, memory-mapped; None when the folder is
    missing, of another format or incomplete."""
    try:
        if (path / "format").read_text() != FORMAT_VERSION:
            return None
        arrays = {p.stem: _open(p) for p in path.glob("*.npy")}
        chunks = Columns(arrays["c.ints"], arrays["c.offsets"], arrays["c.blob"])
        table = ChunkTable(chunks, arrays["c.by_id"])
        u = {k[2:]: v for k, v in arrays.items() if k.startswith("u.")}
        units = UnitTable(Columns(u.pop("ints"), u.pop("offsets"), u.pop("blob")), u)
        units._rows("chunk_sorted", "by_chunk", 0)  # every index array is there
        units._rows("section_sorted", "by_section", 0)
        units._rows("term_sorted", "term_rows", 0)
        units._rows("topic_sorted", "by_topic", 0)
    except (OSError, ValueError, KeyError):
        return None
    return table, units


def _open(path: Path) -> np.ndarray:
    try:
        return np.load(path, mmap_mode="r")
    except ValueError:  # an empty array cannot be mapped
        return np.load(path)


def save(path: Path, chunks: ChunkTable, units: UnitTable) -> None:
    """Write the tables to the folder `path` atomically (a temporary folder renamed)."""
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        arrays = {f"c.{k}": v for k, v in chunks.columns.arrays().items()}
        arrays["c.by_id"] = chunks._by_id
        arrays.update({f"u.{k}": v for k, v in units.arrays().items()})
        for name, array in arrays.items():
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(array))
        (tmp / "format").write_text(FORMAT_VERSION)
        shutil.rmtree(path, ignore_errors=True)
        os.replace(tmp, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
