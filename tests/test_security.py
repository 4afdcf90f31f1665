"""Attacks on the service, each kept fixed: bombs, links, admin access, bad input,
damaged storage, unbounded history, headers and body limits, connections after a 500."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import os
import re
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chatbot.api.security import bearer_token, warn_if_exposed
from chatbot.app import create_app
from chatbot.history.models import ChatSession, Message
from chatbot.history.repo import migrate_chat
from chatbot.history.retention import RetentionConfig, prune
from chatbot.settings import Settings
from chatbot.tools.config import ToolsConfig
from chatbot.tools.images import ImageToolError
from chatbot.tools.service import ImageTools
from ingest.config import ChunkingConfig
from ingest.pipeline import run_ingest
from tests.conftest import ROOT, SAMPLE_NOTES
from vector_store.db import Chunk, make_engine

# --------------------------------------------------------------------------- helpers


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload))
    )


def png_16bit_rgba(width: int, height: int) -> bytes:
    """An all-zero 16-bit RGBA PNG: 194 KB on disk at 5000x5000, 200 MB decoded."""
    ihdr = struct.pack(">IIBBBBB", width, height, 16, 6, 0, 0, 0)
    comp = zlib.compressobj(9)
    row = b"\0" + bytes(width * 8)
    raw = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", raw) + _chunk(b"IEND", b"")
    )


def assert_error(resp: httpx.Response, status: int, code: str | None = None) -> dict:
    """The documented error body: code, bilingual messages, nothing internal."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert {"error", "message", "message_ko", "message_en"} <= set(body)
    assert any("\uac00" <= ch <= "\ud7a3" for ch in body["message_ko"])
    if code is not None:
        assert body["error"] == code
    text = json.dumps(body, ensure_ascii=False)
    assert "/tmp" not in text and str(ROOT) not in text and "SELECT" not in text.upper()
    return body


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The app under uvicorn on a free loopback port, in a thread."""

    def __init__(self, settings: Settings) -> None:
        self.app = create_app(settings)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="error")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 120
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), "server did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


@pytest.fixture(scope="module")
def module_settings(sample_app_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = tmp_path_factory.mktemp("security") / "data"
    shutil.copytree(sample_app_dir, data)
    return Settings(data_dir=data, notes_dir=SAMPLE_NOTES)


@pytest.fixture(scope="module")
def live(module_settings: Settings) -> Iterator[LiveServer]:
    with LiveServer(module_settings) as server:
        yield server


@pytest.fixture
def fresh_settings(app_settings: Settings, tmp_path: Path) -> Settings:
    """A private copy of the sample index with a private copy of the notes."""
    notes = tmp_path / "notes"
    shutil.copytree(SAMPLE_NOTES, notes)
    return app_settings.model_copy(update={"notes_dir": notes})


# --------------------------------------------------------------- 1. image bombs

BOMB_SCRIPT = """
import resource, sys
from chatbot.tools.config import ToolsConfig
from chatbot.tools.images import ImageToolError
from chatbot.tools.service import ImageTools
data = open(sys.argv[1], "rb").read()
tools = ImageTools(ToolsConfig())
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    getattr(tools, sys.argv[2])(data)
    outcome = "answered"
except ImageToolError as exc:
    outcome = f"{exc.status_code} {exc.code}"
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(outcome, (after - before) // 1024)
"""


def _peak_growth_mib(tmp_path: Path, data: bytes, method: str) -> tuple[str, int]:
    image = tmp_path / "image.bin"
    image.write_bytes(data)
    out = subprocess.run(
        [sys.executable, "-c", BOMB_SCRIPT, str(image), method],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    ).stdout.split()
    return f"{out[0]} {out[1]}", int(out[2])


@pytest.mark.parametrize("method", ["recognize_digit", "mosaic"])
def test_16bit_rgba_bomb_is_refused_before_decoding(tmp_path: Path, method: str) -> None:
    bomb = png_16bit_rgba(5000, 5000)
    assert len(bomb) < 200_000  # passes the upload and the pixel limits
    outcome, growth = _peak_growth_mib(tmp_path, bomb, method)
    assert outcome == "413 image_too_large"
    assert growth < 20, f"peak RSS grew {growth} MiB"


def test_large_8bit_image_for_digit_is_reduced_while_decoding(tmp_path: Path) -> None:
    """Under the decoded-bytes limit (4000x4000 RGBA = 64 MB), the digit tool still only
    holds the decoded image once plus a reduced copy: well under the 1.3 GB of before."""
    buf = io.BytesIO()
    Image.new("RGBA", (4000, 4000), (0, 0, 0, 0)).save(buf, format="PNG")
    outcome, growth = _peak_growth_mib(tmp_path, buf.getvalue(), "recognize_digit")
    assert outcome == "422 no_digit_found"
    assert growth < 200, f"peak RSS grew {growth} MiB"


def test_bomb_over_http_is_413_in_the_error_body() -> None:
    from tests.test_tools_api import make_app

    with TestClient(make_app(ImageTools(ToolsConfig()))) as client:
        for url in ("/tools/digit", "/tools/mosaic"):
            resp = client.post(url, files={"file": ("x.png", png_16bit_rgba(5000, 5000))})
            assert_error(resp, 413, "image_too_large")


def test_concurrent_image_work_is_bounded() -> None:
    """At most `max_concurrent` images are decoded at once; a request that waits longer
    than `queue_timeout_s` for a slot gets a 503."""
    active = 0
    peak = 0
    lock = threading.Lock()

    class Observed(ImageTools):
        def decode(self, data: bytes, max_side: int | None = None):  # type: ignore[no-untyped-def]
            nonlocal active, peak
            with lock:
                active += 1
                peak = max(peak, active)
            time.sleep(0.3)
            try:
                return super().decode(data, max_side)
            finally:
                with lock:
                    active -= 1

    tools = Observed(ToolsConfig(max_concurrent=2, queue_timeout_s=30))
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(buf, format="PNG")
    png = buf.getvalue()
    errors: list[Exception] = []

    def work() -> None:
        try:
            tools.find_faces(png)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and peak == 2

    impatient = Observed(ToolsConfig(max_concurrent=1, queue_timeout_s=0.05))
    blocker = threading.Thread(target=impatient.find_faces, args=(png,))
    blocker.start()
    time.sleep(0.1)
    with pytest.raises(ImageToolError) as busy:
        impatient.find_faces(png)
    blocker.join()
    assert busy.value.status_code == 503 and busy.value.code == "tools_busy"


# ------------------------------------------------------------ 2. notes folder


def _indexed_text(settings: Settings) -> str:
    engine = make_engine(settings.resolved_database_url)
    try:
        with Session(engine) as session:
            return "\n".join(session.scalars(select(Chunk.text)))
    finally:
        engine.dispose()


def test_ingest_reads_only_regular_files_inside_the_notes_folder(
    settings: Settings, notes_dir: Path, hash_embeddings, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# 비밀\nTOPSECRET outside the notes folder\n")
    (notes_dir / "leak.md").symlink_to("/etc/passwd")
    (notes_dir / "env.md").symlink_to("/proc/self/environ")
    (notes_dir / "secret.md").symlink_to(outside / "secret.md")
    (notes_dir / "linked_dir").symlink_to(outside, target_is_directory=True)
    (notes_dir / "alias.md").symlink_to(notes_dir / "svm.md")  # inside: allowed
    os.mkfifo(notes_dir / "pipe.md")
    (notes_dir / "huge.md").write_text("# 큰 파일\n" + "가나다라 " * 1000, encoding="utf-8")
    settings.chunking = ChunkingConfig(max_chars=200, min_chars=40, max_file_bytes=8192)

    report = run_ingest(settings, embeddings=hash_embeddings)  # must not block on the FIFO

    reasons = {e.path: e.error for e in report.errors}
    assert set(reasons) == {"leak.md", "env.md", "secret.md", "pipe.md", "huge.md"}
    assert "outside the notes folder" in reasons["leak.md"]
    assert "outside the notes folder" in reasons["env.md"]
    assert "not a regular file" in reasons["pipe.md"]
    assert "larger than 8,192 bytes" in reasons["huge.md"]
    assert sorted(report.added) == ["alias.md", "cnn.txt", "svm.md"]
    text = _indexed_text(settings)
    assert "root:x:0:0" not in text and "PATH=" not in text and "TOPSECRET" not in text

    # A file indexed before it became a link out of the folder leaves the index.
    (notes_dir / "svm.md").rename(notes_dir / "svm_real.md")
    (notes_dir / "cnn.txt").unlink()
    (notes_dir / "cnn.txt").symlink_to("/etc/hostname")
    again = run_ingest(settings, embeddings=hash_embeddings)
    assert "cnn.txt" in again.removed and "cnn.txt" in {e.path for e in again.errors}


# -------------------------------------------------------------- 3. admin access


def test_bearer_parsing_is_strict() -> None:
    assert bearer_token("Bearer s3cret") == "s3cret"
    assert bearer_token("bearer s3cret") == "s3cret"
    for bad in ("s3cret", "Bearer", "Bearer ", "Bearer  s3cret", "Basic s3cret", "Bearer a b"):
        assert bearer_token(bad) is None, bad


def test_admin_endpoint_access(
    fresh_settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("CHATBOT_ADMIN_TOKEN", "")
    assert Settings().admin_token is None  # empty means unset, never "no check"
    app = create_app(fresh_settings)
    with TestClient(app, client=("127.0.0.1", 50000)) as local:
        remote = TestClient(app, client=("203.0.113.7", 50000))
        assert_error(remote.post("/ingest"), 403, "admin_loopback_only")
        foreign = local.post("/ingest", headers={"Origin": "https://evil.example"})
        assert_error(foreign, 403, "foreign_origin")
        assert_error(local.post("/ingest", headers={"Origin": "null"}), 403, "foreign_origin")
        same_site = local.post("/ingest", headers={"Origin": "http://testserver"})
        assert same_site.status_code == 200, same_site.text
        assert local.post("/ingest").status_code == 200

        app.state.services.settings.admin_token = "s3cret"
        assert_error(local.post("/ingest", headers={"Authorization": "s3cret"}), 401)
        assert_error(local.post("/ingest", headers={"Authorization": "Bearer  s3cret"}), 401)
        assert_error(local.post("/ingest", headers={"Authorization": "Basic s3cret"}), 401)
        ok = remote.post("/ingest", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200, ok.text
        evil = remote.post(
            "/ingest",
            headers={"Authorization": "Bearer s3cret", "Origin": "https://evil.example"},
        )
        assert_error(evil, 403, "foreign_origin")

    with caplog.at_level(logging.WARNING, logger="chatbot.api.security"):
        warn_if_exposed("127.0.0.1", None)
        warn_if_exposed("0.0.0.0", "s3cret")
        assert not caplog.records
        warn_if_exposed("0.0.0.0", None)
    assert "SECURITY" in caplog.text and "CHATBOT_ADMIN_TOKEN" in caplog.text


# ------------------------------------------------- 6. bad input and 500s on the wire


def test_lone_surrogates_and_huge_ids_are_client_errors(live: LiveServer) -> None:
    with httpx.Client(base_url=live.url, timeout=60) as http:
        for path in ("/chat", "/chat/stream"):
            for body in (
                b'{"message": "\\ud800"}',
                b'{"message": "hi \\udfff there"}',
                b'{"message": "hi", "session_id": "\\ud800"}',
            ):
                resp = http.post(path, content=body, headers={"content-type": "application/json"})
                assert_error(resp, 422, "invalid_request")
        resp = http.post(
            "/search", content=b'{"query": "\\ud800"}', headers={"content-type": "application/json"}
        )
        assert_error(resp, 422)
        for mid in (2**63, 2**64, 2**63 - 1, 2**53, -(2**63) - 1, 0):
            assert_error(http.post("/feedback", json={"message_id": mid, "rating": "up"}), 422)
        big = http.post("/feedback", json={"message_id": 2**53 - 1, "rating": "up"})
        assert_error(big, 404, "unknown_message")
        assert http.get("/health").status_code == 200


def test_a_500_keeps_the_keep_alive_connection(live: LiveServer) -> None:
    services = live.app.state.services
    real_search = services.searcher.search

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom at /secret/path in SELECT * FROM chunks")

    services.searcher.search = broken
    try:
        with httpx.Client(base_url=live.url, timeout=60) as http:
            first = http.post("/search", json={"query": "SVM"})
            assert first.status_code == 500
            body = first.json()
            assert body["error"] == "internal_error" and "boom" not in first.text
            local_port = first.extensions["network_stream"].get_extra_info("client_addr")[1]
            services.searcher.search = real_search
            second = http.post("/search", json={"query": "SVM", "k": 1})
            assert second.status_code == 200
            again = second.extensions["network_stream"].get_extra_info("client_addr")[1]
            assert again == local_port  # the same connection served both
    finally:
        services.searcher.search = real_search


# --------------------------------------------------------- 8. headers and limits


def _inline_script_hash(html: str) -> str:
    script = re.search(r"<script>(.*?)</script>", html, re.DOTALL)
    assert script is not None
    digest = hashlib.sha256(script.group(1).encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def test_security_headers(live: LiveServer) -> None:
    with httpx.Client(base_url=live.url, timeout=60) as http:
        for path in ("/", "/static/app.js", "/static/style.css", "/health", "/docs", "/redoc"):
            resp = http.get(path)
            assert resp.status_code == 200, path
            assert resp.headers["x-content-type-options"] == "nosniff"
            assert resp.headers["x-frame-options"] == "DENY"
            assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]
        page = http.get("/").headers["content-security-policy"]
        assert "script-src 'self';" in page and "unsafe-inline" not in page
        docs = http.get("/docs")
        csp = docs.headers["content-security-policy"]
        assert "https://cdn.jsdelivr.net" in csp and _inline_script_hash(docs.text) in csp
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert int(docs.headers["content-length"]) == len(docs.content)
        assert_error(http.get("/nope"), 404)
        assert http.get("/nope").headers["x-frame-options"] == "DENY"


def test_json_body_over_the_limit_is_413_before_parsing(live: LiveServer) -> None:
    big = json.dumps({"message": "가" * (2 * 1024 * 1024)}).encode()
    with httpx.Client(base_url=live.url, timeout=60) as http:
        for path in ("/chat", "/search", "/feedback"):
            resp = http.post(path, content=big, headers={"content-type": "application/json"})
            assert_error(resp, 413)


def _send_until_answered(port: int, head: bytes, total: int) -> tuple[bytes, int]:
    """Send a chunked body of ``total`` bytes until the server answers; what it answered
    and how much was sent by then."""
    sent = 0
    piece = b"\0" * (256 * 1024)
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(head)
        sock.setblocking(False)
        answer = b""
        try:
            while sent < total:
                try:
                    answer += sock.recv(65536)
                    if answer:
                        break
                except BlockingIOError:
                    pass
                try:
                    sock.setblocking(True)
                    sock.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
                    sent += len(piece)
                finally:
                    sock.setblocking(False)
        except (BrokenPipeError, ConnectionResetError):
            pass
        sock.setblocking(True)
        sock.settimeout(30)
        try:
            while b"\r\n\r\n" not in answer:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    return answer, sent


def test_streamed_upload_is_cut_off_early_with_413(live: LiveServer) -> None:
    part = (
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
        b"Content-Type: image/png\r\n\r\n"
    )
    head = (
        (
            f"POST /tools/digit HTTP/1.1\r\nHost: 127.0.0.1:{live.port}\r\n"
            "Content-Type: multipart/form-data; boundary=XyZ\r\n"
            "Transfer-Encoding: chunked\r\n\r\n"
        ).encode()
        + b"%x\r\n" % len(part)
        + part
        + b"\r\n"
    )
    total = 50 * 1024 * 1024
    answer, sent = _send_until_answered(live.port, head, total)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 20 * 1024 * 1024, f"sent {sent} bytes before the answer"
    # A declared Content-Length over the limit is answered before any byte of the body.
    with socket.create_connection(("127.0.0.1", live.port), timeout=30) as sock:
        sock.sendall(
            f"POST /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {total}\r\n\r\n".encode()
        )
        assert sock.recv(65536).startswith(b"HTTP/1.1 413")


# ------------------------------------------------------------ 5. damaged storage


def _corrupt_chunk_pages(db_file: Path) -> None:
    """Overwrite the leaf pages of the chunks table with garbage (a bad page on disk)."""
    with sqlite3.connect(db_file) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = [
            r[0]
            for r in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = 'chunks' AND pagetype = 'leaf'"
            )
        ]
    conn.close()
    assert pages
    with open(db_file, "r+b") as fh:
        for page in pages[len(pages) // 3 :]:
            fh.seek((page - 1) * page_size)
            fh.write(os.urandom(page_size))


def _faiss_file(data_dir: Path) -> Path:
    """The current generation's cache file (the previous one is kept for late readers)."""
    return max(data_dir.glob("faiss-*.index"))


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CHATBOT_DATA_DIR": str(settings.data_dir),
        "CHATBOT_NOTES_DIR": str(settings.notes_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "chatbot.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def _assert_degraded(client: TestClient) -> None:
    health = client.get("/health")
    assert health.status_code == 503
    body = health.json()
    assert body["status"] == "degraded" and "--rebuild" in body["reason"]
    assert "/" not in body["reason"].replace("--rebuild", "")
    # Readers keep the generation they loaded before the damage: its rows and vectors are
    # served from the per-generation cache, which the damaged pages do not touch.
    search = client.post("/search", json={"query": "SVM"})
    assert search.status_code == 200 and "SVM" in search.json()["results"][0]["text"]
    # and a chat turn is answered and kept (the history tables are not damaged)
    assert client.post("/chat", json={"message": "SVM이 뭐야?"}).status_code == 200


def test_damaged_or_missing_faiss_cache_is_built_again_from_the_database(
    fresh_settings: Settings,
) -> None:
    with TestClient(create_app(fresh_settings)) as client:
        assert client.post("/search", json={"query": "SVM"}).status_code == 200
    faiss_file = _faiss_file(fresh_settings.data_dir)
    expected = faiss_file.read_bytes()
    faiss_file.write_bytes(expected[:1000])  # truncated
    with TestClient(create_app(fresh_settings)) as client:
        assert client.get("/health").json()["status"] == "ok"
        hits = client.post("/search", json={"query": "SVM"}).json()["results"]
        assert hits and "SVM" in hits[0]["text"]
    assert _faiss_file(fresh_settings.data_dir).read_bytes() == expected  # cache rewritten

    for path in fresh_settings.data_dir.glob("faiss-*.index"):
        path.write_bytes(os.urandom(5000))  # garbage
    with TestClient(create_app(fresh_settings)) as client:
        assert client.get("/health").status_code == 200
        assert client.post("/search", json={"query": "SVM"}).status_code == 200


def test_damaged_sqlite_page_is_reported_and_rebuilt_keeping_history(
    fresh_settings: Settings,
) -> None:
    with TestClient(create_app(fresh_settings)) as client:
        chat = client.post("/chat", json={"message": "SVM이 뭐야?"}).json()
    db_file = fresh_settings.data_dir / "chatbot.db"
    _corrupt_chunk_pages(db_file)

    with TestClient(create_app(fresh_settings), client=("127.0.0.1", 1)) as client:
        _assert_degraded(client)
        assert_error(client.post("/ingest"), 503, "storage_unavailable")

    plain = _cli(fresh_settings, "ingest")
    assert plain.returncode == 3, plain.stderr
    assert "--rebuild" in plain.stderr and "Traceback" not in plain.stderr

    rebuilt = _cli(fresh_settings, "ingest", "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "damaged database moved aside" in rebuilt.stderr
    # both turns: the one before the damage and the one answered while degraded
    assert re.search(r"messages: 4 rows recovered\n", rebuilt.stderr), rebuilt.stderr
    assert list(fresh_settings.data_dir.glob("chatbot.db.damaged-*"))

    with TestClient(create_app(fresh_settings)) as client:
        assert client.get("/health").json()["status"] == "ok"
        hits = client.post("/search", json={"query": "SVM 마진", "k": 1}).json()["results"]
        assert hits
        history = client.get(f"/sessions/{chat['session_id']}/messages").json()["messages"]
        assert [m["text"] for m in history][1] == chat["answer"]


# ------------------------------------------------------------------ 7. retention


def test_retention_by_age_and_count(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'chat.db'}")
    migrate_chat(engine)
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        for i in range(10):
            when = now - timedelta(days=40 if i < 3 else 1, minutes=i)
            session.add(ChatSession(id=f"s{i}", created_at=when))
            session.flush()
            for _ in range(6):
                session.add(Message(session_id=f"s{i}", role="user", text="안녕", created_at=when))
    config = RetentionConfig(max_age_days=30, max_sessions=5, max_messages_per_session=4)
    result = prune(engine, config, now=now)
    with Session(engine) as session:
        kept = sorted(session.scalars(select(ChatSession.id)))
        counts = dict(
            session.execute(
                select(Message.session_id, func.count(Message.id)).group_by(Message.session_id)
            ).all()
        )
    # s0-s2 are too old; of the rest the five with the newest activity (s3-s7) stay.
    assert kept == ["s3", "s4", "s5", "s6", "s7"]
    assert counts == dict.fromkeys(kept, 4)
    assert result.sessions == 5 and result.messages == 5 * 6 + 5 * 2
    assert prune(engine, config, now=now).sessions == 0
    engine.dispose()


def test_service_applies_retention_periodically(fresh_settings: Settings) -> None:
    settings = fresh_settings.model_copy(
        update={"retention": RetentionConfig(max_sessions=2, interval_s=0.2)}
    )
    with TestClient(create_app(settings)) as client:
        ids = [
            client.post("/chat", json={"message": "안녕"}).json()["session_id"] for _ in range(4)
        ]
        deadline = time.monotonic() + 10
        while client.get(f"/sessions/{ids[0]}/messages").status_code != 404:
            assert time.monotonic() < deadline, "retention never ran"
            time.sleep(0.1)
        assert client.get(f"/sessions/{ids[-1]}/messages").status_code == 200


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_pages_run_under_their_policy(live: LiveServer) -> None:
    """No CSP violation on the chat page while it answers; on /docs (CDN unreachable
    here) the page's own inline script runs: it fails only for want of Swagger UI."""
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM_ARGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            console: list[str] = []
            errors: list[str] = []
            page.on("console", lambda m: console.append(m.text))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(live.url + "/")
            page.fill("#message-input", "SVM이 뭐야?")
            page.press("#message-input", "Enter")
            page.wait_for_selector(".message-assistant[data-intent]", timeout=30_000)
            assert not [m for m in console if "Content Security Policy" in m], console
            assert not errors

            docs = browser.new_page()
            docs_console: list[str] = []
            docs_errors: list[str] = []
            docs.on("console", lambda m: docs_console.append(m.text))
            docs.on("pageerror", lambda e: docs_errors.append(str(e)))
            docs.route("https://**/*", lambda route: route.abort())
            docs.goto(live.url + "/docs")
            docs.wait_for_timeout(500)
            assert not [m for m in docs_console if "Content Security Policy" in m], docs_console
            assert any("SwaggerUIBundle" in e for e in docs_errors), docs_errors
        finally:
            browser.close()
