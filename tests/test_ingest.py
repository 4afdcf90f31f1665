from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chatbot.services import Services
from chatbot.settings import Settings
from ingest.pipeline import IngestBusyError, NotesFolderError, run_ingest
from tests.conftest import ROOT, HashEmbeddings
from vector_store import faiss_io
from vector_store.analysis import KoreanAnalyzer, default_analyzer
from vector_store.db import Chunk, make_engine
from vector_store.retriever import HybridSearcher
from vector_store.store import IndexStore


def ingest(settings: Settings, emb: HashEmbeddings):
    return run_ingest(settings, embeddings=emb)


def searcher(settings: Settings, emb: HashEmbeddings) -> HybridSearcher:
    engine = make_engine(settings.resolved_database_url)
    store = IndexStore(engine, settings.data_dir, settings.retrieval, check_interval_s=0)
    return HybridSearcher(store, emb, default_analyzer(), settings.retrieval)


def chunk_rows(settings: Settings) -> list[tuple[str, str]]:
    engine = make_engine(settings.resolved_database_url)
    with Session(engine) as s:
        from vector_store.db import Document

        return [
            (p, t)
            for p, t in s.execute(
                select(Document.path, Chunk.text).join(Document).order_by(Document.path, Chunk.ord)
            )
        ]


def assert_consistent(settings: Settings) -> None:
    """Every chunk row has a stored vector, and the index a replica builds from the
    database holds exactly one vector per chunk row."""
    engine = make_engine(settings.resolved_database_url)
    with Session(engine) as s:
        ids = set(s.scalars(select(Chunk.id)))
        assert s.scalar(select(func.count(Chunk.id)).where(Chunk.embedding.is_(None))) == 0
    store = IndexStore(engine, settings.data_dir, settings.retrieval, check_interval_s=0)
    index = store.snapshot()._index
    assert set(faiss_io.ids_of(index).tolist()) == ids
    assert index.ntotal == len(ids)


def test_first_run_then_unchanged_embeds_nothing(settings, hash_embeddings) -> None:
    first = ingest(settings, hash_embeddings)
    assert (first.summary()["added"], first.summary()["embedded"]) == (2, first.chunks)
    assert first.chunks >= 3
    assert 0 < first.embed_seconds < first.seconds  # the embedder's part of the run
    again = ingest(settings, hash_embeddings)
    s = again.summary()
    assert s["embed_seconds"] == 0
    assert (s["added"], s["updated"], s["removed"], s["unchanged"], s["embedded"]) == (
        0,
        0,
        0,
        2,
        0,
    )
    assert s["chunks"] == first.chunks
    assert again.generation == first.generation  # nothing written at all
    assert_consistent(settings)


def test_change_add_delete_rename(settings, notes_dir, hash_embeddings) -> None:
    ingest(settings, hash_embeddings)
    before = chunk_rows(settings)
    # change one file: its old text disappears, no duplicates remain
    svm = notes_dir / "svm.md"
    svm.write_text(svm.read_text(encoding="utf-8").replace("과적합되기", "오버피팅되기"), "utf-8")
    report = ingest(settings, hash_embeddings)
    assert report.updated == ["svm.md"] and report.unchanged == ["cnn.txt"]
    assert 1 <= report.embedded < len(before)  # only the edited chunk is embedded
    rows = chunk_rows(settings)
    assert not any("과적합되기" in t for _, t in rows)
    assert sum("오버피팅되기" in t for _, t in rows) == 1
    assert len(rows) == len(set(rows))
    # add a file
    (notes_dir / "sub").mkdir()
    (notes_dir / "sub" / "pca.md").write_text(
        "## PCA\n주성분 분석(PCA)은 분산이 가장 큰 방향으로 데이터를 투영해 차원을 줄인다. "
        "시각화와 잡음 제거에 쓴다.\n",
        encoding="utf-8",
    )
    report = ingest(settings, hash_embeddings)
    assert report.added == ["sub/pca.md"]
    hits = searcher(settings, hash_embeddings).search("주성분 분석 PCA", 3).hits
    assert hits[0].source == "sub/pca.md"
    # rename: removed + added, and the vectors are reused, not re-embedded
    (notes_dir / "sub" / "pca.md").rename(notes_dir / "pca2.md")
    report = ingest(settings, hash_embeddings)
    assert report.removed == ["sub/pca.md"] and report.added == ["pca2.md"]
    assert report.embedded == 0 and report.reused >= 1
    # delete: nothing of the file is left
    (notes_dir / "pca2.md").unlink()
    report = ingest(settings, hash_embeddings)
    assert report.removed == ["pca2.md"]
    assert not any(p.startswith("pca") for p, _ in chunk_rows(settings))
    assert all(
        h.source != "pca2.md" for h in searcher(settings, hash_embeddings).search("PCA").hits
    )
    assert_consistent(settings)
    # old generations' cache files are cleaned up (current + previous kept)
    assert 1 <= len(list(settings.data_dir.glob("faiss-*.index"))) <= 2


def test_embedder_change_reembeds_everything(settings, hash_embeddings) -> None:
    first = ingest(settings, hash_embeddings)
    other = HashEmbeddings(model_id="test-hash-2", dimension=32)
    report = ingest(settings, other)
    assert report.full_reembed and "test-hash" in report.reason and "test-hash-2" in report.reason
    assert report.embedded == first.chunks
    assert report.unchanged == ["cnn.txt", "svm.md"]
    assert_consistent(settings)
    # searching with the old embedder is refused clearly rather than mixing vector spaces
    with pytest.raises(RuntimeError, match="re-embed"):
        searcher(settings, hash_embeddings).search("SVM")


def test_analysis_change_reanalyses_terms_without_reembedding(settings, hash_embeddings) -> None:
    plain = KoreanAnalyzer(aliases_path=None)  # no alias list: "풀링" analyses as 풀 + 링
    first = run_ingest(settings, embeddings=hash_embeddings, analyzer=plain)
    report = run_ingest(settings, embeddings=hash_embeddings)
    assert "analysis changed" in report.reason
    assert (report.embedded, report.reused, report.chunks) == (0, first.chunks, first.chunks)
    engine = make_engine(settings.resolved_database_url)
    with Session(engine) as s:
        terms = " ".join(s.scalars(select(Chunk.terms))).split()
    assert "pooling" in terms and "링" not in terms  # 풀링 → pooling
    assert_consistent(settings)
    again = run_ingest(settings, embeddings=hash_embeddings)
    assert again.generation == report.generation  # analysed once, not on every run


def test_service_warns_about_an_index_analysed_differently(
    settings, hash_embeddings, caplog: pytest.LogCaptureFixture, monkeypatch
) -> None:
    run_ingest(settings, embeddings=hash_embeddings, analyzer=KoreanAnalyzer(aliases_path=None))
    monkeypatch.setattr("chatbot.services.build_embeddings", lambda cfg: hash_embeddings)
    with caplog.at_level(logging.WARNING, logger="chatbot.services"):
        Services.build(settings, chat=False).close()
    assert "chatbot ingest" in caplog.text
    caplog.clear()
    run_ingest(settings, embeddings=hash_embeddings)
    with caplog.at_level(logging.WARNING, logger="chatbot.services"):
        Services.build(settings, chat=False).close()
    assert "chatbot ingest" not in caplog.text


def test_bad_folders(tmp_path: Path, hash_embeddings) -> None:
    missing = Settings(data_dir=tmp_path / "d", notes_dir=tmp_path / "nope")
    with pytest.raises(NotesFolderError, match="does not exist"):
        ingest(missing, hash_embeddings)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "image.png").write_bytes(b"\x89PNG")
    with pytest.raises(NotesFolderError, match=r"No \.md"):
        ingest(Settings(data_dir=tmp_path / "d", notes_dir=empty), hash_embeddings)


def test_non_utf8_and_unreadable_files_are_reported_and_skipped(
    settings, notes_dir, hash_embeddings
) -> None:
    ingest(settings, hash_embeddings)
    (notes_dir / "euckr.txt").write_bytes("## 한글\n인코딩이 다른 파일".encode("cp949"))
    locked = notes_dir / "locked.md"
    locked.write_text("## 잠김\n읽을 수 없는 파일이다.", encoding="utf-8")
    locked.chmod(0)
    try:
        report = ingest(settings, hash_embeddings)
    finally:
        locked.chmod(0o644)
    errors = {e.path: e.error for e in report.errors}
    assert "not UTF-8" in errors["euckr.txt"]
    if errors.get("locked.md") is None:  # root can read anything
        assert "locked.md" in report.added
    assert report.unchanged == ["cnn.txt", "svm.md"]
    assert_consistent(settings)


def test_second_ingest_waits_then_fails_clearly(settings, hash_embeddings) -> None:
    from filelock import FileLock

    settings.chunking.lock_timeout_s = 0.2
    settings.data_dir.mkdir(parents=True)
    with FileLock(str(settings.data_dir / "ingest.lock")), pytest.raises(IngestBusyError):
        ingest(settings, hash_embeddings)


KILL_SCRIPT = """
import os, signal, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from chatbot.services import Services
from chatbot.settings import Settings
from ingest import pipeline
from vector_store import writer
from tests.conftest import HashEmbeddings

def die_before_commit(self):
    os.kill(os.getpid(), signal.SIGKILL)  # every row of the generation written, not committed
writer.SqlGeneration.commit = die_before_commit
s = Settings(data_dir=Path({data!r}), notes_dir=Path({notes!r}))
pipeline.run_ingest(s, embeddings=HashEmbeddings())
"""


def test_killed_ingest_leaves_previous_index_searchable(settings, notes_dir, hash_embeddings):
    ingest(settings, hash_embeddings)
    before = chunk_rows(settings)
    (notes_dir / "svm.md").write_text("## 새 내용\n완전히 바뀐 SVM 노트 내용이다. " * 5, "utf-8")
    script = KILL_SCRIPT.format(root=str(ROOT), data=str(settings.data_dir), notes=str(notes_dir))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    assert chunk_rows(settings) == before
    assert_consistent(settings)
    hits = searcher(settings, hash_embeddings).search("서포트 벡터 머신 마진").hits
    assert hits and hits[0].source == "svm.md" and "마진" in hits[0].text
    report = ingest(settings, hash_embeddings)  # the next run finishes the job
    assert report.updated == ["svm.md"]
    assert any("완전히 바뀐" in t for _, t in chunk_rows(settings))
    assert_consistent(settings)


def test_search_during_ingest_sees_one_whole_generation(settings, notes_dir, hash_embeddings):
    ingest(settings, hash_embeddings)
    search = searcher(settings, hash_embeddings)
    generations: dict[int, set[str]] = {}
    failures: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                result = search.search("결정 트리 SVM 풀링", 10)
                texts = {h.text for h in result.hits}
                generations.setdefault(result.generation, set()).update(texts)
            except BaseException as exc:
                failures.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(6):
            (notes_dir / "svm.md").write_text(
                f"## SVM 버전 {i}\n서포트 벡터 머신 버전 {i}의 결정 트리 설명이다. " * 3, "utf-8"
            )
            ingest(settings, hash_embeddings)
    finally:
        stop.set()
        thread.join()
    assert not failures, failures[:1]
    assert len(generations) >= 2
    for texts in generations.values():
        versions = {t.split("버전 ")[1][0] for t in texts if "버전 " in t}
        assert len(versions) <= 1  # never a mix of two ingests


def test_row_count_matches_report(settings, hash_embeddings) -> None:
    report = ingest(settings, hash_embeddings)
    engine = make_engine(settings.resolved_database_url)
    with Session(engine) as s:
        assert s.scalar(select(func.count(Chunk.id))) == report.chunks


def test_hnsw_above_the_threshold_finds_what_flat_finds(settings, hash_embeddings) -> None:
    import faiss

    ingest(settings, hash_embeddings)
    flat = searcher(settings, hash_embeddings)
    hnsw_settings = settings.model_copy(
        update={
            "data_dir": settings.data_dir / "hnsw",  # its own FAISS cache, the same database
            "database_url": settings.resolved_database_url,
        }
    )
    hnsw_settings.retrieval = settings.retrieval.model_copy(update={"hnsw_threshold": 0})
    hnsw = searcher(hnsw_settings, hash_embeddings)
    inner = faiss.downcast_index(hnsw.store.snapshot()._index.index)
    assert isinstance(inner, faiss.IndexHNSWFlat) and inner.hnsw.efSearch == 512
    assert isinstance(faiss.downcast_index(flat.store.snapshot()._index.index), faiss.IndexFlatIP)
    for query in ("서포트 벡터 머신 마진", "풀링 계층", "결정 트리 과적합"):
        vec = hash_embeddings.embed_array([query])[0]
        assert hnsw.store.snapshot().dense_search(vec, 3) == flat.store.snapshot().dense_search(
            vec, 3
        )


def test_bm25_index_is_cached_per_generation_and_rebuilt_when_damaged(
    settings, hash_embeddings
) -> None:
    ingest(settings, hash_embeddings)
    first = [h.chunk_id for h in searcher(settings, hash_embeddings).search("풀링 계층").hits]
    (cache,) = settings.data_dir.glob("faiss-*.bm25")
    assert any(cache.iterdir())
    cached = [h.chunk_id for h in searcher(settings, hash_embeddings).search("풀링 계층").hits]
    assert cached == first and first
    for path in cache.iterdir():
        path.write_bytes(b"not an index")
    rebuilt = [h.chunk_id for h in searcher(settings, hash_embeddings).search("풀링 계층").hits]
    assert rebuilt == first
