from __future__ import annotations

import logging
import random
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chatbot.services import Services
from chatbot.settings import Settings
from ingest.chunker import ChunkDraft
from ingest.config import ChunkingConfig
from ingest.pipeline import IngestBusyError, NotesFolderError, chunk_pieces, run_ingest
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


def test_a_word_typed_without_the_space_the_notes_give_it_finds_its_words(
    settings, notes_dir, hash_embeddings
) -> None:
    # Kiwi keeps "챗봇빌더" whole; the notes write "챗봇 빌더", two indexed words
    (notes_dir / "nlp.md").write_text(
        "# 자연어 처리\n\n## 도구\n챗봇 빌더는 코드 없이 대화 흐름을 만드는 도구이다. "
        "빌더 패턴과는 다른 이야기다.\n",
        encoding="utf-8",
    )
    ingest(settings, hash_embeddings)
    found = searcher(settings, hash_embeddings).search("챗봇빌더가 뭐야?", method="keyword")
    assert found.hits and "챗봇 빌더" in found.hits[0].text
    assert {"챗봇", "빌더"} <= set(found.query_terms)
    # a word with no two indexed halves stays whole
    kept = searcher(settings, hash_embeddings).search("비트코인 시세", method="keyword")
    assert "비트코인" in kept.query_terms


class LaneEmbeddings(HashEmbeddings):
    """Three lanes that finish out of order, recording every batch they are given."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []
        self._lock = threading.Lock()

    def embed_array(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            self.batches.append(list(texts))
        time.sleep(random.random() * 0.01)
        return super().embed_array(texts)

    @contextmanager
    def lanes(self):  # type: ignore[no-untyped-def]
        yield [self.embed_array, self.embed_array, self.embed_array]


def dump(settings: Settings) -> tuple[list, list, list]:
    """Every stored row of the index: documents, chunks with their vectors, units."""
    from vector_store.db import Document, Unit

    engine = make_engine(settings.resolved_database_url)
    with Session(engine) as s:
        docs = s.execute(select(Document.id, Document.path, Document.sha256)).all()
        chunks = s.execute(
            select(
                Chunk.id, Chunk.document_id, Chunk.ord, Chunk.text, Chunk.terms, Chunk.embedding
            ).order_by(Chunk.id)
        ).all()
        units = s.execute(
            select(Unit.id, Unit.document_id, Unit.ord, Unit.chunk_ord, Unit.terms)
            .add_columns(Unit.context_terms, Unit.text)
            .order_by(Unit.id)
        ).all()
    engine.dispose()
    return docs, chunks, units


def test_overlapped_stages_store_what_stages_one_after_another_store(
    tmp_path: Path, notes_dir: Path, monkeypatch
) -> None:
    from ingest import pipeline

    # small batches and a short queue, so batches span files and the producer waits
    monkeypatch.setattr(pipeline, "EMBED_BATCH", 3)
    monkeypatch.setattr(pipeline, "PREPARE_AHEAD", 2)
    base = {p.name: p.read_text("utf-8") for p in notes_dir.iterdir()}

    def write_copies() -> None:  # copies, some texts shared between files (embedded once)
        for i in range(8):
            for name, text in base.items():
                extra = "" if i % 3 else f"\n## 추가 {i}\n사본 {i}의 새 문단이다. 풀링과 마진.\n"
                (notes_dir / f"c{i}-{name}").write_text(text + extra, "utf-8")

    runs = {}
    for concurrent in (True, False):
        write_copies()
        s = Settings(
            data_dir=tmp_path / f"data-{concurrent}",
            notes_dir=notes_dir,
            chunking=ChunkingConfig(max_chars=200, min_chars=40),
        )
        emb = LaneEmbeddings()
        first = run_ingest(s, embeddings=emb, concurrent=concurrent)
        first_batches = list(emb.batches)
        (notes_dir / "c1-svm.md").write_text(  # an added section: the rest is reused
            base["svm.md"] + "\n## 바뀐 절\n새로 쓴 SVM 마진 설명이다.\n", "utf-8"
        )
        (notes_dir / "c2-svm.md").unlink()
        second = run_ingest(s, embeddings=emb, concurrent=concurrent)
        runs[concurrent] = (first, second, [first_batches, emb.batches], dump(s))
    (a1, a2, a_batches, a_rows), (b1, b2, b_batches, b_rows) = runs[True], runs[False]
    assert a1.embedded > 3 * 2 and a1.embedded < a1.chunks  # shared texts embedded once
    for a, b in zip(a_batches, b_batches, strict=True):  # the same batches
        assert sorted(map(tuple, a)) == sorted(map(tuple, b))
    assert all(len(b) == 3 for b in b_batches[0][:-1]) and len(b_batches[0]) > 3
    for a, b in ((a1, b1), (a2, b2)):
        assert (a.chunks, a.embedded, a.reused, a.added, a.updated, a.removed) == (
            b.chunks,
            b.embedded,
            b.reused,
            b.added,
            b.updated,
            b.removed,
        )
    assert a2.reused > 0 and a2.updated == ["c1-svm.md"] and a2.removed == ["c2-svm.md"]
    assert a_rows == b_rows  # every row, id and vector byte alike


class FailingAnalyzer:
    """The shared analyser, failing on the n-th batch of texts."""

    def __init__(self, after: int) -> None:
        self._inner = default_analyzer()
        self._left = after

    def terms_many(self, texts: list[str]) -> list[list[str]]:
        self._left -= 1
        if self._left < 0:
            raise RuntimeError("analysis failed")
        return self._inner.terms_many(texts)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._inner, name)


def test_a_failure_while_preparing_ahead_leaves_the_previous_generation(
    settings, notes_dir, hash_embeddings
) -> None:
    ingest(settings, hash_embeddings)
    before = dump(settings)
    for i in range(6):
        (notes_dir / f"more{i}.md").write_text(f"## 새 절 {i}\n새 문단 {i}이다.\n", "utf-8")
    threads = threading.active_count()
    with pytest.raises(RuntimeError, match="analysis failed"):
        run_ingest(settings, embeddings=hash_embeddings, analyzer=FailingAnalyzer(5))  # type: ignore[arg-type]
    assert threading.active_count() == threads  # the producer and the lanes are gone
    assert dump(settings) == before
    assert_consistent(settings)


def test_use_m3_lanes_embed_each_batch_as_one_thread_does() -> None:
    from threadpoolctl import threadpool_info

    from ingest.pipeline import embed_stream
    from vector_store.embeddings import UseM3Embeddings

    texts = [f"{i}번째 문장: 합성곱 신경망과 풀링 계층 {i * 7}" for i in range(40)]
    batches = [texts[i : i + 6] for i in range(0, len(texts), 6)]
    blas = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    two = UseM3Embeddings(threads=2)
    with two.lanes() as lanes:
        assert len(lanes) == 2
        got = list(embed_stream(lanes, iter(batches)))
    assert [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"] == blas
    one = UseM3Embeddings(threads=1)
    for batch, vectors in zip(batches, got, strict=True):
        assert np.array_equal(vectors, one.embed_array(batch))
    assert np.allclose(np.concatenate(got), two.embed_array(texts), atol=1e-5)


class CountingAnalyzer(FailingAnalyzer):
    """The shared analyser, counting every text given to `terms_many`."""

    def __init__(self) -> None:
        super().__init__(after=10**9)
        self.seen: list[str] = []

    def terms_many(self, texts: list[str]) -> list[list[str]]:
        self.seen.extend(texts)
        return super().terms_many(texts)


def test_a_context_shared_by_files_is_analysed_once_with_the_same_terms(
    settings, notes_dir, hash_embeddings
) -> None:
    from vector_store.db import Unit

    text = (notes_dir / "svm.md").read_text("utf-8")
    for i in range(3):  # the same headings, other lines
        (notes_dir / f"copy{i}.md").write_text(text.replace("마진", f"마진 {i}번"), "utf-8")
    analyzer = CountingAnalyzer()
    run_ingest(settings, embeddings=hash_embeddings, analyzer=analyzer)  # type: ignore[arg-type]
    engine = make_engine(settings.resolved_database_url)
    with Session(engine) as s:
        units = s.execute(
            select(Unit.term, Unit.labels, Unit.heading_depth, Unit.context_terms)
        ).all()
    engine.dispose()
    contexts = [
        [n for n in [term, *(labels.split("\n") if labels else [])[max(0, depth - 1) :]] if n]
        for term, labels, depth, _ in units
    ]
    names = [n for context in contexts for n in context]
    shared = [n for n in set(names) if names.count(n) > 1]
    assert shared
    assert all(analyzer.seen.count(n) == 1 for n in shared)  # once, not once per file
    # the terms of each of its names, together, as a fresh analysis finds them
    fresh = default_analyzer()
    assert [set(u.context_terms.split()) for u in units] == [
        {t for n in context for t in fresh.terms(n)} for context in contexts
    ]


def test_run_terms_give_a_fresh_analysis_once_per_text_and_forget_the_oldest() -> None:
    from ingest.pipeline import RunTerms

    texts = ["합성곱 계층은 필터로 특징 맵을 만든다.", "## SVM", "  ", "Conv2D, requires_grad"]
    analyzer = CountingAnalyzer()
    terms = RunTerms(analyzer, max_texts=3)  # type: ignore[arg-type]
    fresh = default_analyzer().terms_many(texts)
    assert terms.many([*texts, texts[0]]) == [*fresh, fresh[0]]
    assert analyzer.seen == texts  # each distinct text once, in one batch
    assert terms.many(texts[1:]) == fresh[1:]  # the last three are kept: not analysed again
    assert analyzer.seen == texts
    assert terms.many(texts[:1]) == fresh[:1]  # the first went beyond `max_texts`
    assert analyzer.seen == [*texts, texts[0]]
    assert terms.analysed == len(texts) + 1


def test_each_run_analyses_its_texts_afresh(settings, notes_dir, hash_embeddings) -> None:
    """A run's analyses are its own: a rebuild analyses every text again, into the same
    terms, and a text repeated in a file is analysed once per run."""
    text = (notes_dir / "svm.md").read_text("utf-8")
    line = "커널 트릭으로 비선형 문제도 풀 수 있다."
    (notes_dir / "svm.md").write_text(f"{text}\n- {line}\n- {line}\n", "utf-8")
    seen, rows = [], []
    for rebuild in (False, True):
        analyzer = CountingAnalyzer()
        run_ingest(settings, embeddings=hash_embeddings, analyzer=analyzer, rebuild=rebuild)  # type: ignore[arg-type]
        seen.append(analyzer.seen)
        rows.append(without_ids(dump(settings)))
    assert seen[0] == seen[1]  # the second run analysed everything itself
    assert seen[0].count(line) == 1  # a line of a chunk and the text of two units
    assert len(seen[0]) == len(set(seen[0]))
    assert rows[0] == rows[1]


def test_a_line_is_analysed_once_for_its_chunk_and_its_unit(
    settings, notes_dir, hash_embeddings
) -> None:
    """A chunk is analysed line by line, its heading label by label, without list
    markers: a unit's line, a term line ("RAG - …") and a heading shared by chunks are each
    analysed once, and the chunk's terms are those of its pieces."""
    from vector_store.db import Unit

    for path in notes_dir.iterdir():
        path.unlink()
    body = "\n".join(f"- 커널 트릭 {i}번은 비선형 문제를 푼다." for i in range(40))
    (notes_dir / "svm.md").write_text(
        "# SVM\n\n## 커널\n\n"
        f"{body}\n\n"
        "- RAG - LLM과 검색 엔진을 결합하는 구조\n"
        "  - 마진은 서포트 벡터까지의 거리다.\n",
        "utf-8",
    )
    analyzer = CountingAnalyzer()
    run_ingest(settings, embeddings=hash_embeddings, analyzer=analyzer)  # type: ignore[arg-type]
    seen = analyzer.seen
    assert len(seen) == len(set(seen))  # each text once in the run
    assert not any("\n" in text for text in seen)  # no chunk's text whole
    assert "커널 트릭 7번은 비선형 문제를 푼다." in seen  # unit and chunk line alike
    assert "RAG - LLM과 검색 엔진을 결합하는 구조" in seen  # the term line as written
    assert seen.count("커널") == 1  # a heading shared by the chunks of its section
    engine = make_engine(settings.resolved_database_url)
    with Session(engine) as s:
        chunks = s.execute(select(Chunk.heading, Chunk.text, Chunk.terms)).all()
        units = s.execute(select(Unit.text, Unit.term, Unit.terms)).all()
    engine.dispose()
    assert len(chunks) > 1
    fresh = default_analyzer()
    for heading, text, terms in chunks:
        pieces = chunk_pieces(ChunkDraft(heading, text, 1))
        assert terms.split() == [t for piece in pieces for t in fresh.terms(piece)]
    rag = next(u for u in units if u.term == "RAG")
    assert set(rag.terms.split()) == set(fresh.terms("RAG - LLM과 검색 엔진을 결합하는 구조"))


def test_a_chunk_is_analysed_by_the_labels_of_its_heading_and_its_lines() -> None:
    draft = ChunkDraft("SVM > 커널 트릭", "- 첫 줄\n\n\t* 둘째 줄\n  코드 줄\n-1은 음수", 1)
    assert chunk_pieces(draft) == ["SVM", "커널 트릭", "첫 줄", "둘째 줄", "코드 줄", "-1은 음수"]
    assert chunk_pieces(ChunkDraft("", "본문", 1)) == ["본문"]


def without_ids(rows: tuple[list, list, list]) -> tuple[list, list, list]:
    docs, chunks, units = rows
    return [d[1:] for d in docs], [c[2:] for c in chunks], [u[2:] for u in units]


def test_the_collector_is_given_back_as_it_was(settings, hash_embeddings) -> None:
    import gc

    assert gc.get_freeze_count() == 0
    ingest(settings, hash_embeddings)
    assert gc.get_freeze_count() == 0  # frozen for the run only
    gc.freeze()  # frozen by someone else: left frozen
    try:
        frozen = gc.get_freeze_count()
        run_ingest(settings, embeddings=hash_embeddings, rebuild=True)
        assert gc.get_freeze_count() > frozen // 2  # (less what was freed meanwhile)
    finally:
        gc.unfreeze()


def test_an_index_without_documents_is_not_asked_for_vectors(
    settings, notes_dir, hash_embeddings, monkeypatch
) -> None:
    from vector_store.writer import SqlIndexWriter

    asked: list[list[str]] = []
    lookup = SqlIndexWriter.vectors

    def vectors(self, hashes):
        asked.append(list(hashes))
        return lookup(self, asked[-1])

    monkeypatch.setattr(SqlIndexWriter, "vectors", vectors)
    ingest(settings, hash_embeddings)
    assert asked == []
    (notes_dir / "copy.md").write_text((notes_dir / "svm.md").read_text("utf-8"), "utf-8")
    again = ingest(settings, hash_embeddings)
    assert asked and again.embedded == 0 and again.reused > 0  # the copy's vectors reused


def test_lines_under_a_name_are_about_its_spelling_in_the_other_script(
    settings, notes_dir, hash_embeddings
) -> None:
    from vector_store.db import Unit

    (notes_dir / "search.md").write_text(
        "## 탐색\n\nGrid Search(격자 탐색)는 모든 조합을 시험하는 방법입니다.\n\n"
        "Grid Search\n\n모든 조합을 빠짐없이 시험함\n조합이 많으면 오래 걸림\n",
        "utf-8",
    )
    run_ingest(settings, embeddings=hash_embeddings)
    engine = make_engine(settings.resolved_database_url)
    with Session(engine) as s:
        context = s.scalar(
            select(Unit.context_terms).where(Unit.text == "모든 조합을 빠짐없이 시험함")
        )
    engine.dispose()
    assert {"grid", "search", "격자", "탐색"} <= set(context.split())
