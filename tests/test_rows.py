"""The snapshot's flat row tables (`vector_store.rows`) answer exactly what a scan of the
database answers: passages by id and in order, the units of a passage and of its section,
and the units named by context terms; from the database and from the mmap cache alike."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from chatbot.settings import Settings
from ingest.config import ChunkingConfig
from ingest.pipeline import run_ingest
from tests.conftest import COURSE_NOTES, SAMPLE_NOTES, HashEmbeddings
from vector_store.db import Chunk, Document, Unit, make_engine
from vector_store.rows import topic_key
from vector_store.store import IndexSnapshot, IndexStore

# The real course notes when they are there (thousands of units), else the bundled sample.
NOTES = COURSE_NOTES if COURSE_NOTES.is_dir() else SAMPLE_NOTES


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("rows"),
        notes_dir=NOTES,
        chunking=ChunkingConfig(),
    )
    report = run_ingest(settings, embeddings=HashEmbeddings())
    assert report.chunks > 0 and not report.errors
    return settings


def load(settings: Settings, data_dir: Path) -> IndexSnapshot:
    engine = make_engine(settings.resolved_database_url)
    return IndexStore(engine, data_dir, settings.retrieval, check_interval_s=0).snapshot()


def scan(settings: Settings) -> tuple[list[tuple], list[tuple]]:
    """Chunks and units straight from the database, in file and position order."""
    engine = make_engine(settings.resolved_database_url)
    with Session(engine) as s:
        chunks = s.execute(
            select(Chunk.id, Document.path, Chunk.heading, Chunk.text, Chunk.terms)
            .join(Document)
            .order_by(Document.path, Chunk.ord)
        ).all()
        units = s.execute(
            select(
                Unit.id,
                Chunk.id,
                Document.path,
                Unit.labels,
                Unit.heading_depth,
                Unit.context_terms,
            )
            .join(Document, Unit.document_id == Document.id)
            .join(Chunk, (Chunk.document_id == Unit.document_id) & (Chunk.ord == Unit.chunk_ord))
            .order_by(Document.path, Unit.ord)
        ).all()
    return [tuple(r) for r in chunks], [tuple(r) for r in units]


def check_against_scan(snap: IndexSnapshot, chunks: list[tuple], units: list[tuple]) -> None:
    assert [(r.chunk_id, r.source, r.heading, r.text, " ".join(r.terms)) for r in snap.records] == [
        (cid, path, heading, text, " ".join(terms.split()))
        for cid, path, heading, text, terms in chunks
    ]
    assert list(snap.by_id) == [c[0] for c in chunks]
    assert snap.by_id.get(max(c[0] for c in chunks) + 1) is None
    by_chunk: dict[int, list[int]] = {}
    by_section: dict[tuple[str, str], list[int]] = {}
    by_term: dict[str, list[int]] = {}
    for uid, cid, path, labels, depth, context_terms in units:
        by_chunk.setdefault(cid, []).append(uid)
        heading = " > ".join(labels.split("\n")[:depth]) if labels else ""
        by_section.setdefault((path, heading), []).append(uid)
        for term in set(context_terms.split()):
            by_term.setdefault(term, []).append(uid)
    for cid in snap.by_id:
        passage = snap.by_id[cid]
        own = by_chunk.get(cid, [])
        rest = [u for u in by_section.get((passage.source, passage.heading), []) if u not in own]
        got = snap.units_of(passage)
        assert [u.unit_id for u in got] == own + rest
        assert all(u.source == passage.source for u in got)
    # every single context term, and pairs of the terms of some units
    term_sets = [{t} for t in by_term]
    for _uid, _cid, _path, _labels, _depth, context_terms in units[::7]:
        term_sets += [set(p) for p in itertools.combinations(sorted(set(context_terms.split())), 2)]
    assert len(term_sets) > 20
    for terms in term_sets:
        for limit in (3, 200):
            found = [u for u in units if terms <= set(u[5].split())]
            expected = [u[0] for u in found] if len(found) <= limit else []
            got = snap.units_about(terms, limit)
            assert [u.unit_id for u in got] == expected, terms
            assert all(terms <= u.context_terms for u in got)
    assert snap.units_about({"낱말이-아닌-낱말"}) == []
    # the topic each unit's sentence opens with ("RNN은 …"), every one found, in row order
    text_of = {u.unit_id: u.text for cid in snap.by_id for u in snap.units_of(snap.by_id[cid])}
    by_topic: dict[str, list[int]] = {}
    for uid, *_ in units:
        by_topic.setdefault(topic_key(text_of[uid]), []).append(uid)
    assert len(by_topic) > 10
    for key, expected in by_topic.items():
        got = snap.units_on(key, 200)
        assert [u.unit_id for u in got] == (expected if key and len(expected) <= 200 else [])
    assert snap.units_on("낱말이아닌낱말") == []


def test_tables_match_a_scan_from_the_database_and_from_the_cache(indexed: Settings) -> None:
    chunks, units = scan(indexed)
    assert len(units) > len(chunks) > 0
    fresh = indexed.data_dir / "fresh"  # empty: rows read from the database
    built = load(indexed, fresh)
    check_against_scan(built, chunks, units)
    assert len(list(fresh.glob("faiss-*.rows"))) == 1
    cached = load(indexed, fresh)  # rows memory-mapped from the cache just written
    assert isinstance(cached.by_id.columns.blob, np.memmap)
    check_against_scan(cached, chunks, units)


def test_a_damaged_rows_cache_is_read_again_from_the_database(indexed: Settings) -> None:
    chunks, units = scan(indexed)
    data_dir = indexed.data_dir / "damaged"
    load(indexed, data_dir)
    (rows_cache,) = data_dir.glob("faiss-*.rows")
    (rows_cache / "u.term_rows.npy").write_bytes(b"not an array")
    check_against_scan(load(indexed, data_dir), chunks, units)
    assert np.load(rows_cache / "u.term_rows.npy").dtype == np.int64  # written again
