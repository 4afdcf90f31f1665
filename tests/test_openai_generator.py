"""The `openai:<model>` generator against real servers that speak the protocol: a second
`chatbot serve` process whose `/v1` answers with the miniature transformers generator, a
server that stalls (time-out) and one that answers 500. Nothing is mocked."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import openai
import pytest
from fastapi.testclient import TestClient

from chatbot.app import create_app
from chatbot.generation.base import GenerationFailedError, GenerationRequest, Passage
from chatbot.generation.config import GeneratorConfig
from chatbot.generation.factory import build_generator
from chatbot.generation.prompts import INSTRUCTION, build_chat_messages
from chatbot.generation.remote import FallbackOnFailure, OpenAIGenerator
from chatbot.generation.tiny import build_tiny_model
from chatbot.settings import Settings
from tests.conftest import ROOT, SAMPLE_NOTES
from tests.live_server import free_port
from vector_store.analysis import default_analyzer

pytestmark = pytest.mark.slow

MODEL = "notes-chatbot"
QUESTION = "PCA는 뭐야?"
PASSAGE = Passage(
    chunk_id=1,
    source="02_classic_models.md",
    heading="고전 머신러닝 모델 > 주성분 분석 (PCA)",
    text="PCA는 분산이 가장 큰 방향으로 데이터를 투영해 차원을 줄이는 방법이다.",
    score=1.0,
)


@pytest.fixture(scope="module")
def upstream(sample_app_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`chatbot serve` in its own process: /v1 over the sample notes, answers written by a
    miniature KoGPT2 (checked against the notes like any model), no citation list."""
    root = tmp_path_factory.mktemp("upstream")
    model_dir = build_tiny_model("kogpt2", root / "tiny-kogpt2")
    shutil.copytree(sample_app_dir, root / "data")
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CHATBOT_DATA_DIR": str(root / "data"),
        "CHATBOT_NOTES_DIR": str(SAMPLE_NOTES),
        "CHATBOT_GENERATOR__MODEL": f"kogpt2:{model_dir}",
        "CHATBOT_GENERATOR__DEVICE": "cpu",
        "CHATBOT_OPENAI__CITATIONS": "false",
        "CHATBOT_RATE_LIMIT__ENABLED": "false",
        "OMP_NUM_THREADS": "1",
    }
    log = (root / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "chatbot.cli", "serve", "--port", str(port)],
        env=env,
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((root / "serve.log").read_text())
            time.sleep(0.2)
        yield f"{url}/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


class _Broken(BaseHTTPRequestHandler):
    """Stalls (mode 'stall': reads the request, never answers) or answers 500 ('fail')."""

    mode = "stall"
    release = threading.Event()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.mode == "stall":
            self.release.wait(30)
            return
        body = json.dumps({"error": {"message": "model crashed", "type": "server_error"}})
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def broken() -> Iterator[tuple[str, type[_Broken]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Broken)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", _Broken
    finally:
        _Broken.release.set()
        server.shutdown()
        server.server_close()


def _config(base_url: str, timeout: float = 120) -> GeneratorConfig:
    return GeneratorConfig(model=f"openai:{MODEL}", base_url=base_url, timeout=timeout)


def test_streams_the_servers_answer(upstream: str) -> None:
    generator = OpenAIGenerator(MODEL, _config(upstream))
    request = GenerationRequest(QUESTION, [PASSAGE], topic="PCA")
    pieces = list(generator.stream(request))
    assert generator.name == f"openai:{MODEL}"
    # The same request through the SDK without streaming: the server's answer, and its
    # extension fields show that the miniature transformers model took part.
    client = openai.OpenAI(base_url=upstream, api_key="unused", max_retries=0, timeout=120)
    plain = client.chat.completions.create(
        model=MODEL, messages=build_chat_messages(QUESTION, [PASSAGE], topic="PCA")
    )
    assert pieces and "".join(pieces) == plain.choices[0].message.content
    assert "PCA" in "".join(pieces)
    assert (plain.model_extra or {})["generator"].startswith("kogpt2:")


def test_prompt_puts_the_passages_in_the_system_message() -> None:
    system, user = build_chat_messages(QUESTION, [PASSAGE], topic="PCA")
    assert system["role"] == "system" and system["content"].startswith(INSTRUCTION)
    assert f"[1] {PASSAGE.heading}\n{PASSAGE.text}" in system["content"]
    assert "주제: PCA" in system["content"]
    assert user == {"role": "user", "content": QUESTION}


def test_chat_answers_through_the_model_server(upstream: str, app_settings: Settings) -> None:
    settings = app_settings.model_copy(update={"generator": _config(upstream)})
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").json()["generator"] == f"openai:{MODEL}"
        native = client.post("/chat", json={"message": QUESTION}).json()
        v1 = client.post(
            "/v1/chat/completions",
            json={"model": MODEL, "messages": [{"role": "user", "content": QUESTION}]},
        ).json()
    assert native["generator"] == f"openai:{MODEL}" and native["fallback"] is False
    assert "PCA" in native["answer"] and native["sources"]
    assert v1["generator"] == f"openai:{MODEL}" and v1["fallback"] is False
    assert v1["choices"][0]["message"]["content"].startswith(native["answer"])


@pytest.mark.parametrize("mode", ["stall", "fail"])
def test_server_failure_raises_generation_failed(
    broken: tuple[str, type[_Broken]], mode: str
) -> None:
    url, handler = broken
    handler.mode = mode
    generator = OpenAIGenerator(MODEL, _config(url, timeout=1.0))
    started = time.monotonic()
    with pytest.raises(GenerationFailedError) as info:
        list(generator.stream(GenerationRequest(QUESTION, [PASSAGE])))
    assert time.monotonic() - started < 10
    cause = openai.APITimeoutError if mode == "stall" else openai.InternalServerError
    assert isinstance(info.value.__cause__, cause)
    # wrapped as the factory builds it, the failure is an empty answer, not an error
    wrapped = build_generator(_config(url, timeout=1.0), default_analyzer())
    assert isinstance(wrapped, FallbackOnFailure)
    assert wrapped.generate(GenerationRequest(QUESTION, [PASSAGE])) == ""


def test_time_outs_and_server_errors_fall_back_to_the_extractive_answer(
    broken: tuple[str, type[_Broken]], app_settings: Settings
) -> None:
    url, handler = broken
    extractive = TestClient(create_app(app_settings))
    with extractive:
        expected = extractive.post("/chat", json={"message": QUESTION}).json()["answer"]
    settings = app_settings.model_copy(update={"generator": _config(url, timeout=1.0)})
    with TestClient(create_app(settings)) as client:
        for mode in ("stall", "fail"):
            handler.mode = mode
            native = client.post("/chat", json={"message": QUESTION}).json()
            assert native["fallback"] is True and native["answer"] == expected, mode
            assert native["generator"] == f"openai:{MODEL}"
            v1 = client.post(
                "/v1/chat/completions",
                json={
                    "model": MODEL,
                    "stream": True,
                    "messages": [{"role": "user", "content": QUESTION}],
                },
            )
            events = [
                json.loads(line.removeprefix("data: "))
                for line in v1.text.split("\n\n")
                if line.startswith("data: {")
            ]
            last = events[-1]
            assert last["fallback"] is True and last["choices"][0]["finish_reason"] == "stop"
            text = "".join(e["choices"][0]["delta"].get("content", "") for e in events)
            assert text.startswith(expected)
