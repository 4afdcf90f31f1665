"""Published serving files (`vector_store.serving`): a replica with an empty data dir takes
the row tables, BM25 and FAISS files the ingest stored with the generation, reads no chunk
or unit row, and searches exactly like a replica that built them from the rows; missing or
damaged files fall back to the rows; other generations' files are deleted."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, select, text
from sqlalchemy.orm import Session

from chatbot.settings import Settings
from ingest.pipeline import run_ingest
from tests.conftest import HashEmbeddings
from vector_store.analysis import default_analyzer
from vector_store.db import IndexBlob, make_engine
from vector_store.retriever import HybridSearcher
from vector_store.store import IndexStore

QUERIES = ["서포트 벡터 머신 마진", "Conv2D 필터", "풀링 계층", "결정 트리 과적합", "커널 트릭"]


@contextmanager
def recorded(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine runs meanwhile."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def reads_rows(statements: list[str]) -> bool:
    """Whether any statement read the chunk or unit rows themselves."""
    return any(
        s.lstrip().upper().startswith("SELECT") and ("FROM units" in s or "FROM chunks" in s)
        for s in statements
    )


def replica(settings: Settings, data_dir: Path) -> tuple[Engine, HybridSearcher]:
    engine = make_engine(settings.resolved_database_url)
    store = IndexStore(engine, data_dir, settings.retrieval, check_interval_s=0)
    return engine, HybridSearcher(store, HashEmbeddings(), default_analyzer(), settings.retrieval)


def answers(searcher: HybridSearcher) -> list[list[tuple[int, float, str]]]:
    """Every query's hits (id, score, text) and the units of its best passage."""
    out = []
    for query in QUERIES:
        result = searcher.search(query, k=4)
        hits = [(h.chunk_id, h.score, h.text) for h in result.hits]
        units = result.snapshot.units_of(result.hits[0])
        out.append(hits + [(u.unit_id, 0.0, u.text) for u in units])
    return out


def blob_generations(settings: Settings) -> set[int]:
    engine = make_engine(settings.resolved_database_url)
    try:
        with Session(engine) as s:
            return set(s.scalars(select(IndexBlob.generation).distinct()))
    finally:
        engine.dispose()


def execute(settings: Settings, sql: str) -> None:
    engine = make_engine(settings.resolved_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def test_empty_data_dir_replica_fetches_the_generation_files_and_searches_alike(
    settings: Settings, tmp_path: Path
) -> None:
    report = run_ingest(settings, embeddings=HashEmbeddings())
    assert blob_generations(settings) == {report.generation}

    engine, fetched = replica(settings, tmp_path / "fresh")
    with recorded(engine) as statements:
        from_blobs = answers(fetched)
    assert not reads_rows(statements), statements
    # the local cache now holds the generation's files: the next start reads no blob
    assert list((tmp_path / "fresh").glob("faiss-*.index"))
    assert list((tmp_path / "fresh").glob("faiss-*.rows"))
    assert list((tmp_path / "fresh").glob("faiss-*.bm25"))

    execute(settings, "DELETE FROM index_blobs")  # as a database from before the files
    engine, built = replica(settings, tmp_path / "built")
    with recorded(engine) as statements:
        assert answers(built) == from_blobs
    assert reads_rows(statements)


def test_damaged_blob_falls_back_to_the_rows(settings: Settings, tmp_path: Path) -> None:
    run_ingest(settings, embeddings=HashEmbeddings())
    _, reference = replica(settings, tmp_path / "reference")
    expected = answers(reference)
    # one part of the row tables overwritten: its CRC-32 no longer matches
    execute(
        settings,
        "UPDATE index_blobs SET data = X'00' "
        "WHERE name = (SELECT max(name) FROM index_blobs WHERE name LIKE 'rows-%')",
    )
    engine, searcher = replica(settings, tmp_path / "fresh")
    with recorded(engine) as statements:
        assert answers(searcher) == expected
    assert reads_rows(statements)
    assert not list((tmp_path / "fresh").glob("*.fetch-*"))  # no half-written folder left


def test_a_replica_configured_otherwise_builds_only_what_differs(
    settings: Settings, tmp_path: Path
) -> None:
    run_ingest(settings, embeddings=HashEmbeddings())
    other = settings.model_copy(
        update={"retrieval": settings.retrieval.model_copy(update={"hnsw_threshold": 0})}
    )
    engine, searcher = replica(other, tmp_path / "hnsw")
    with recorded(engine) as statements:
        assert searcher.search("서포트 벡터 머신 마진").hits
    reads = [s for s in statements if "FROM chunks" in s or "FROM units" in s]
    # its HNSW index is built from the stored vectors; the row tables are still fetched
    assert reads and all("embedding" in s for s in reads), reads


def test_each_commit_keeps_only_its_own_generation_files(
    settings: Settings, tmp_path: Path
) -> None:
    emb = HashEmbeddings()
    first = run_ingest(settings, embeddings=emb)
    (settings.notes_dir / "new.md").write_text(
        "## 드롭아웃\n드롭아웃은 학습 중 뉴런을 무작위로 끈다.\n", encoding="utf-8"
    )
    second = run_ingest(settings, embeddings=emb)
    assert second.generation == first.generation + 1
    assert blob_generations(settings) == {second.generation}
    assert run_ingest(settings, embeddings=emb).generation == second.generation  # unchanged
    assert blob_generations(settings) == {second.generation}

    rebuilt = run_ingest(settings, embeddings=emb, rebuild=True)
    assert blob_generations(settings) == {rebuilt.generation}
    _, searcher = replica(settings, tmp_path / "fresh")
    hit = searcher.search("드롭아웃 뉴런", k=1).hits[0]
    assert hit.source == "new.md" and searcher.store.snapshot().generation == rebuilt.generation


def test_unchanged_ingest_publishes_a_generation_committed_without_files(
    settings: Settings, tmp_path: Path
) -> None:
    emb = HashEmbeddings()
    report = run_ingest(settings, embeddings=emb)
    execute(settings, "DELETE FROM index_blobs")  # committed by an older version
    again = run_ingest(settings, embeddings=emb)
    assert again.generation == report.generation and not again.embedded
    assert blob_generations(settings) == {report.generation}
    engine, searcher = replica(settings, tmp_path / "fresh")
    with recorded(engine) as statements:
        assert searcher.search("풀링 계층", k=1).hits[0].source == "cnn.txt"
    assert not reads_rows(statements)

    # settings that want another index: the next unchanged ingest publishes theirs
    hnsw = settings.model_copy(
        update={"retrieval": settings.retrieval.model_copy(update={"hnsw_threshold": 0})}
    )
    run_ingest(hnsw, embeddings=emb)
    engine, searcher = replica(hnsw, tmp_path / "hnsw")
    with recorded(engine) as statements:
        assert searcher.search("풀링 계층", k=1).hits[0].source == "cnn.txt"
    assert not reads_rows(statements)


@pytest.mark.parametrize("damage", ["missing part", "foreign file name"])
def test_incomplete_or_odd_blobs_are_not_used(
    settings: Settings, tmp_path: Path, damage: str
) -> None:
    run_ingest(settings, embeddings=HashEmbeddings())
    if damage == "missing part":
        execute(settings, "UPDATE index_blobs SET part = 5 WHERE name LIKE 'faiss-%'")
    else:
        execute(
            settings, "UPDATE index_blobs SET name = 'faiss-flat/../x' WHERE name LIKE 'faiss-%'"
        )
    engine, searcher = replica(settings, tmp_path / "fresh")
    with recorded(engine) as statements:
        assert searcher.search("서포트 벡터 머신 마진", k=1).hits[0].source == "svm.md"
    assert any("embedding" in s and "FROM chunks" in s for s in statements)  # built
    assert not (tmp_path / "x").exists()
