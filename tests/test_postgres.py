"""Several replicas sharing one real PostgreSQL server (started by the `postgres` fixture).

A "replica" is an app (or an `IndexStore`) with its own, initially empty data directory:
nothing but the database is shared, as on separate machines.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from chatbot.app import create_app
from chatbot.history.repo import migrate_chat
from chatbot.settings import RateLimitConfig, Settings
from ingest.config import ChunkingConfig
from ingest.pipeline import IngestBusyError, run_ingest
from tests import test_serving as serving_tests
from tests.conftest import ROOT, SAMPLE_NOTES, HashEmbeddings
from tests.postgres import PostgresServer
from tests.test_serving import answers, blob_generations, execute, reads_rows, recorded
from vector_store import faiss_io
from vector_store.analysis import default_analyzer
from vector_store.db import Chunk, make_engine, migrate
from vector_store.retriever import HybridSearcher
from vector_store.store import IndexStore
from vector_store.writer import SqlIndexWriter

SMALL = ChunkingConfig(max_chars=200, min_chars=40)
LOCAL = ("127.0.0.1", 1)  # admin endpoints answer loopback clients


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


def _replica(settings: Settings, emb: HashEmbeddings) -> HybridSearcher:
    engine = make_engine(settings.resolved_database_url)
    store = IndexStore(engine, settings.data_dir, settings.retrieval, check_interval_s=0)
    return HybridSearcher(store, emb, default_analyzer(), settings.retrieval)


def _generation(url: str) -> int:
    engine = make_engine(url)
    try:
        return IndexStore(engine, Path("/nonexistent"), Settings().retrieval).current_generation()
    finally:
        engine.dispose()


def _assert_whole(url: str, data_dir: Path) -> None:
    """Every chunk has a vector and a fresh replica's index holds exactly those chunks."""
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            ids = set(s.scalars(select(Chunk.id)))
            assert s.scalar(select(func.count()).where(Chunk.embedding.is_(None))) == 0
        index = IndexStore(engine, data_dir, Settings().retrieval).snapshot()._index
        assert set(faiss_io.ids_of(index).tolist()) == ids and index.ntotal == len(ids)
    finally:
        engine.dispose()


# ------------------------------------------------------------------ migrations


def test_migrations_run_the_same_on_sqlite_and_postgresql(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    columns = {}
    for name, url in (
        ("sqlite", f"sqlite:///{tmp_path / 'm.db'}"),
        ("postgresql", postgres.new_database()),
    ):
        engine = make_engine(url)
        try:
            for _ in range(2):  # idempotent
                migrate(engine)
                migrate_chat(engine)
            insp = inspect(engine)
            columns[name] = {
                table: sorted(c["name"] for c in insp.get_columns(table))
                for table in sorted(insp.get_table_names())
            }
        finally:
            engine.dispose()
    assert columns["sqlite"] == columns["postgresql"]
    assert "embedding" in columns["postgresql"]["chunks"]
    assert columns["postgresql"]["index_blobs"] == ["crc32", "data", "generation", "name", "part"]
    assert {"units", "index_state", "chat_sessions", "messages", "feedback"} <= set(
        columns["postgresql"]
    )


# -------------------------------------------------- replicas of the real service


@pytest.fixture(scope="module")
def pg_service(postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory):
    """A database holding the sample notes' index, ingested by another process (the CLI)
    from a data dir no replica sees. Yields (database URL, notes dir)."""
    url = postgres.new_database()
    notes = tmp_path_factory.mktemp("pg-notes")
    shutil.copytree(SAMPLE_NOTES, notes, dirs_exist_ok=True)
    ingester = tmp_path_factory.mktemp("ingester-data")
    proc = subprocess.run(
        [sys.executable, "-m", "chatbot.cli", "ingest", "--json"],
        env=_env(
            CHATBOT_DATABASE_URL=url,
            CHATBOT_DATA_DIR=str(ingester),
            CHATBOT_NOTES_DIR=str(notes),
        ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return url, notes


def _app_settings(url: str, notes: Path, data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, notes_dir=notes, database_url=url)


def test_replicas_share_index_new_notes_and_conversations(pg_service, tmp_path: Path) -> None:
    url, notes = pg_service
    a_dir, b_dir = tmp_path / "replica-a", tmp_path / "replica-b"
    with (
        TestClient(create_app(_app_settings(url, notes, a_dir)), client=LOCAL) as a,
        TestClient(create_app(_app_settings(url, notes, b_dir)), client=LOCAL) as b,
    ):
        # An empty data dir serves the index another process ingested.
        assert not list(b_dir.glob("faiss-*.index"))
        hits = b.post("/search", json={"query": "서포트 벡터 머신", "k": 3}).json()["results"]
        assert hits and any("SVM" in h["heading"] or "SVM" in h["text"] for h in hits)
        assert b.get("/health").json()["index"]["generation"] >= 1

        # A conversation started on A continues on B, with its history and feedback.
        first = a.post("/chat", json={"message": "SVM이 뭐야?"}).json()
        follow = b.post(
            "/chat", json={"message": "그건 언제 써?", "session_id": first["session_id"]}
        ).json()
        assert follow["intent"] == "question"
        assert any("SVM" in s["heading"] or "SVM" in s["snippet"] for s in follow["sources"])
        history = a.get(f"/sessions/{first['session_id']}/messages").json()["messages"]
        assert len(history) == 4
        feedback = b.post("/feedback", json={"message_id": first["message_id"], "rating": "up"})
        assert feedback.status_code == 200

        # A note ingested through A is found by B's /search within 2 s.
        (notes / "99_replica.md").write_text(
            "## 복제본 테스트\n복제본 사이의 새 노트는 퀘이사르 정규화라는 가상의 기법을 "
            "설명한다. 퀘이사르 정규화는 두 서버가 같은 데이터베이스를 볼 때만 찾힌다.\n",
            encoding="utf-8",
        )
        report = a.post("/ingest")
        assert report.status_code == 200 and report.json()["added"] == 1
        committed = time.monotonic()
        while True:
            found = b.post("/search", json={"query": "퀘이사르 정규화", "k": 1}).json()
            if found["results"] and found["results"][0]["source"] == "99_replica.md":
                break
            assert time.monotonic() - committed < 2.0, "replica B did not see the new note"
            time.sleep(0.05)
    _assert_whole(url, tmp_path / "fresh")


def test_replicas_share_rate_limits_through_the_database(pg_service, tmp_path: Path) -> None:
    url, notes = pg_service
    limited = {"rate_limit": RateLimitConfig(chat="3/minute")}  # storage "auto": the database

    def replica(name: str) -> TestClient:
        settings = Settings(data_dir=tmp_path / name, notes_dir=notes, database_url=url, **limited)
        return TestClient(create_app(settings), client=("10.0.0.7", 50000))

    with replica("a") as a, replica("b") as b:
        assert a.app.state.rate_limiter.where == "database"  # type: ignore[attr-defined]
        ask = {"message": "SVM이 뭐야?"}
        # the database counts in windows of the clock's minutes: the five requests below
        # start with time to spare in one, or a new window would restart the count
        if (left := 60 - time.time() % 60) < 20:
            time.sleep(left + 0.1)
        assert [a.post("/chat", json=ask).status_code for _ in range(2)] == [200, 200]
        assert b.post("/chat", json=ask).status_code == 200
        # the fourth request of this client in the minute, whichever replica it reaches
        for replica_client in (b, a):
            over = replica_client.post("/chat", json=ask)
            assert over.status_code == 429
            assert 1 <= int(over.headers["Retry-After"]) <= 60
    with TestClient(
        create_app(Settings(data_dir=tmp_path / "c", notes_dir=notes, database_url=url, **limited)),
        client=("10.0.0.8", 50000),
    ) as other:
        assert other.post("/chat", json={"message": "SVM이 뭐야?"}).status_code == 200


# ------------------------------------------------------- concurrent and killed ingests


@pytest.fixture
def pg_settings(postgres: PostgresServer, notes_dir: Path, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "ingest-data",
        notes_dir=notes_dir,
        database_url=postgres.new_database(),
        chunking=SMALL,
    )


INGEST_SCRIPT = """
import os, signal, sys, time
from pathlib import Path
from chatbot.settings import Settings
from ingest.config import ChunkingConfig
from ingest.pipeline import run_ingest
from tests.conftest import HashEmbeddings
from vector_store import writer

mode = sys.argv[4]
class Embedder(HashEmbeddings):
    def embed_array(self, texts):
        if mode == "die-embedding":
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(0.5 if mode == "slow" else 0)
        return super().embed_array(texts)
if mode == "die-commit":
    def die(self):
        os.kill(os.getpid(), signal.SIGKILL)  # every row written, nothing committed
    writer.SqlGeneration.commit = die
s = Settings(data_dir=Path(sys.argv[1]), notes_dir=Path(sys.argv[2]), database_url=sys.argv[3],
             chunking=ChunkingConfig(max_chars=200, min_chars=40))
s.chunking.lock_timeout_s = 60
print(run_ingest(s, embeddings=Embedder()).embedded, flush=True)
"""


def _ingest_process(settings: Settings, data_dir: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            INGEST_SCRIPT,
            str(data_dir),
            str(settings.notes_dir),
            settings.resolved_database_url,
            mode,
        ],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_empty_data_dir_replica_fetches_the_published_files_from_postgresql(
    pg_settings: Settings, tmp_path: Path
) -> None:
    emb = HashEmbeddings()
    run_ingest(pg_settings, embeddings=emb)
    engine, fetched = serving_tests.replica(pg_settings, tmp_path / "fresh")
    with recorded(engine) as statements:
        from_blobs = answers(fetched)
    assert not reads_rows(statements), statements
    engine.dispose()

    execute(pg_settings, "DELETE FROM index_blobs")  # a database from before the files
    engine, built = serving_tests.replica(pg_settings, tmp_path / "built")
    with recorded(engine) as statements:
        assert answers(built) == from_blobs
    assert reads_rows(statements)
    engine.dispose()

    (pg_settings.notes_dir / "new.md").write_text("## 새 노트\n세대마다 파일이 바뀐다.\n")
    report = run_ingest(pg_settings, embeddings=emb)
    assert blob_generations(pg_settings) == {report.generation}


def test_second_ingest_waits_then_fails_clearly(pg_settings: Settings, tmp_path: Path) -> None:
    emb = HashEmbeddings()
    run_ingest(pg_settings, embeddings=emb)
    generation = _generation(pg_settings.resolved_database_url)
    engine = make_engine(pg_settings.resolved_database_url)
    other_machine = SqlIndexWriter(engine, tmp_path / "elsewhere")  # not the same lock file
    (pg_settings.notes_dir / "new.md").write_text("## 새 노트\n잠금 중에는 들어가지 않는다.")
    pg_settings.chunking.lock_timeout_s = 0.5
    try:
        with other_machine.locked(1):
            started = time.monotonic()
            with pytest.raises(IngestBusyError, match="Another ingest is running"):
                run_ingest(pg_settings, embeddings=emb)
            assert time.monotonic() - started >= 0.5  # it waited first
    finally:
        engine.dispose()
    assert _generation(pg_settings.resolved_database_url) == generation
    assert run_ingest(pg_settings, embeddings=emb).added == ["new.md"]  # lock released


def test_two_concurrent_ingests_take_turns_and_the_index_stays_whole(
    pg_settings: Settings, tmp_path: Path
) -> None:
    procs = [_ingest_process(pg_settings, tmp_path / f"machine-{i}", "slow") for i in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-1500:] for _, err in outputs]
    embedded = sorted(int(out.split()[-1]) for out, _ in outputs)
    assert embedded[0] == 0 and embedded[1] > 0  # the second waited, then found it done
    assert _generation(pg_settings.resolved_database_url) == 1
    _assert_whole(pg_settings.resolved_database_url, tmp_path / "fresh")


@pytest.mark.parametrize("mode", ["die-embedding", "die-commit"])
def test_killed_ingest_leaves_the_old_generation_serving_every_replica(
    pg_settings: Settings, tmp_path: Path, mode: str
) -> None:
    emb = HashEmbeddings()
    run_ingest(pg_settings, embeddings=emb)
    replicas = [
        _replica(pg_settings.model_copy(update={"data_dir": tmp_path / f"r{i}"}), emb)
        for i in range(2)
    ]
    before = [r.search("서포트 벡터 머신 마진").hits[0] for r in replicas]
    generation = _generation(pg_settings.resolved_database_url)
    (pg_settings.notes_dir / "svm.md").write_text(
        "## 새 내용\n완전히 바뀐 SVM 노트 내용이다. " * 5, "utf-8"
    )
    proc = _ingest_process(pg_settings, tmp_path / "killed", mode)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == -9, err[-2000:]
    assert _generation(pg_settings.resolved_database_url) == generation
    for replica, hit in zip(replicas, before, strict=True):
        result = replica.search("서포트 벡터 머신 마진")
        assert result.generation == generation
        assert result.hits[0].text == hit.text and "마진" in hit.text
    _assert_whole(pg_settings.resolved_database_url, tmp_path / "fresh")
    # The server released the dead ingest's lock: the next one runs at once.
    pg_settings.chunking.lock_timeout_s = 5
    assert run_ingest(pg_settings, embeddings=emb).updated == ["svm.md"]
    hits = replicas[1].search("완전히 바뀐 SVM").hits
    assert hits and "완전히 바뀐" in hits[0].text


def test_readers_on_postgresql_see_one_whole_generation(pg_settings: Settings) -> None:
    emb = HashEmbeddings()
    run_ingest(pg_settings, embeddings=emb)
    search = _replica(pg_settings, emb)
    seen: dict[int, set[str]] = {}
    failures: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                result = search.search("결정 트리 SVM 풀링", 10)
                seen.setdefault(result.generation, set()).update(h.source for h in result.hits)
            except BaseException as exc:
                failures.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(4):
            (pg_settings.notes_dir / f"extra{i}.md").write_text(
                f"## 추가 {i}\n결정 트리와 SVM을 비교하는 추가 노트 {i}번이다. 풀링도 나온다."
            )
            run_ingest(pg_settings, embeddings=emb)
    finally:
        stop.set()
        thread.join()
    assert not failures, failures[:1]
    for generation, sources in seen.items():
        # generation g holds the two original files plus extra0 .. extra(g-2)
        assert sources <= {"svm.md", "cnn.txt"} | {f"extra{i}.md" for i in range(generation - 1)}


def test_serve_with_two_workers_answers_from_the_shared_database(
    pg_service, tmp_path: Path
) -> None:
    import httpx

    from tests.live_server import free_port

    url, notes = pg_service
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "chatbot.cli", "serve", "--port", str(port), "--workers", "2"],
        env=_env(
            CHATBOT_DATABASE_URL=url,
            CHATBOT_DATA_DIR=str(tmp_path / "workers"),
            CHATBOT_NOTES_DIR=str(notes),
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.3)
        for _ in range(6):  # new connections: both workers answer
            resp = httpx.post(f"{base}/search", json={"query": "SVM", "k": 1}, timeout=30)
            assert resp.status_code == 200 and resp.json()["results"]
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=60)
    assert err.count("Started server process") >= 2, err[-2000:]


def test_make_replicas_script_serves_two_replicas_behind_nginx(tmp_path: Path) -> None:
    import httpx

    from tests.live_server import free_port

    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed; `make test` installs Debian's nginx-light")
    port, pgport = free_port(), free_port()
    env = _env(
        PORT=str(port),
        PGPORT=str(pgport),
        REPLICA_PORTS=f"{free_port()} {free_port()}",
        STATE=str(tmp_path / "state"),
        CHATBOT=f"{sys.executable} -m chatbot.cli",
        CHATBOT_NOTES_DIR=str(SAMPLE_NOTES),
    )
    script = str(ROOT / "deploy" / "replicas.sh")
    try:
        started = subprocess.run(
            [script, "start"], env=env, capture_output=True, text=True, timeout=400
        )
        assert started.returncode == 0, started.stderr[-2000:]
        assert started.stdout.strip().endswith(f"http://127.0.0.1:{port}")
        for _ in range(4):
            resp = httpx.post(
                f"http://127.0.0.1:{port}/search", json={"query": "SVM", "k": 1}, timeout=30
            )
            assert resp.status_code == 200 and resp.json()["results"]
        logs = [(tmp_path / "state" / f"replica-{i}.log").read_text() for i in (1, 2)]
        assert all("POST /search" in log for log in logs)  # nginx used both
    finally:
        subprocess.run([script, "stop"], env=env, capture_output=True, timeout=120)
        # where the script puts PostgreSQL's files when `postgres` cannot enter tmp_path
        shutil.rmtree(f"/var/tmp/chatbot-replicas-pg-{pgport}", ignore_errors=True)
    assert not list((tmp_path / "state").glob("replica-*.pid"))
