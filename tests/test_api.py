"""API behaviour over the bundled sample notes (real Kiwi + USE-m3 index)."""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from chatbot.app import create_app
from chatbot.chain.smalltalk import BANK_PATH
from chatbot.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as c:
        yield c


def assert_bilingual_error(resp: httpx.Response, status: int) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["message_ko"] and body["message_en"]
    assert any("\uac00" <= ch <= "\ud7a3" for ch in body["message_ko"])
    return body


def test_health_and_search(client: TestClient) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["index"]["chunks"] > 15
    body = client.post("/search", json={"query": "Conv2D 필터 개수와 커널 크기", "k": 3}).json()
    assert len(body["results"]) == 3
    top = body["results"][0]
    assert set(top) == {"chunk_id", "source", "heading", "text", "score"}
    assert top["source"] == "04_cnn.md"
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "payload",
    [
        {"query": "x", "k": 0},
        {"query": "x", "k": 51},
        {"query": ""},
        {"query": "   "},
        {"k": 3},
        {"query": 3},
        {"query": "x", "k": "many"},
    ],
)
def test_search_rejects_bad_input(client: TestClient, payload: dict) -> None:
    assert_bilingual_error(client.post("/search", json=payload), 422)


def test_greeting_question_and_out_of_scope(client: TestClient) -> None:
    hello = client.post("/chat", json={"message": "안녕하세요!"}).json()
    assert hello["intent"] == "greeting" and hello["sources"] == []
    # small talk answers from the assistant's own reply bank, never with note text
    bank = json.loads(BANK_PATH.read_text(encoding="utf-8"))
    assert hello["answer"] in {reply for entry in bank for reply in entry["replies"]}
    q = client.post("/chat", json={"message": "PCA는 뭐야?"}).json()
    assert q["intent"] == "question"
    assert "PCA" in q["answer"]
    assert q["sources"] and {"source", "heading", "snippet", "score"} <= set(q["sources"][0])
    # every answer sentence comes from the cited passages
    cited = " ".join(s["snippet"] for s in q["sources"])
    searched = client.post("/search", json={"query": "PCA는 뭐야?", "k": 5}).json()["results"]
    full = " ".join(r["text"] for r in searched)
    for line in q["answer"].split("\n")[1:]:
        sentence = line.removeprefix("- ").rstrip(".")
        assert sentence[:25] in full, (sentence, cited)
    oos = client.post("/chat", json={"message": "오늘 서울 날씨 어때?"}).json()
    assert oos["intent"] == "out_of_scope" and oos["sources"] == []
    assert "노트" in oos["answer"]


def test_a_formula_asked_for_is_quoted_from_the_sample_notes(client: TestClient) -> None:
    body = client.post("/chat", json={"message": "MSE 공식 알려줘"}).json()
    lines = body["answer"].split("\n")
    assert body["intent"] == "question"
    assert lines[:3] == [
        "'MSE' 식은 노트에 이렇게 적혀 있어요. [1]",
        "```text",
        "MSE = (1/n)Σ_{i=1}^{n}(y_i - ŷ_i)^2",
    ]
    assert "n: 샘플 수" in lines
    assert "01_machine_learning_basics.md" in body["sources"][0]["source"]


def test_small_talk_replies_vary(client: TestClient) -> None:
    sid = None
    answers = []
    for _ in range(4):
        body = client.post("/chat", json={"message": "고마워요", "session_id": sid}).json()
        sid = body["session_id"]
        assert body["intent"] == "greeting"
        answers.append(body["answer"])
    assert all(a != b for a, b in itertools.pairwise(answers))


def test_follow_up_uses_the_conversation(client: TestClient) -> None:
    first = client.post("/chat", json={"message": "SVM이 뭐야?"}).json()
    follow = client.post(
        "/chat", json={"message": "그건 언제 써?", "session_id": first["session_id"]}
    ).json()
    assert follow["intent"] == "question"
    assert any("SVM" in s["heading"] or "SVM" in s["snippet"] for s in follow["sources"])
    alone = client.post("/chat", json={"message": "그건 언제 써?"}).json()
    assert alone["intent"] != "question" or alone["sources"] != follow["sources"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b'{"message": ""}', 422),
        (b'{"message": "   \\n "}', 422),
        (json.dumps({"message": "가" * 2001}).encode(), 422),
        (b'{"message": 5}', 422),
        (b'{"message": ["a"]}', 422),
        (b"{}", 422),
        (b'{"message": "hi"', 422),
        ('{"message": "안녕"}'.encode("cp949"), 400),
        (b'{"message": "hi", "session_id": "no-such-session"}', 404),
        (b'{"message": "hi", "session_id": 12}', 422),
    ],
)
def test_chat_bad_input(client: TestClient, body: bytes, status: int) -> None:
    for path in ("/chat", "/chat/stream"):
        resp = client.post(path, content=body, headers={"content-type": "application/json"})
        assert_bilingual_error(resp, status)
    assert client.get("/health").status_code == 200


def test_message_of_exactly_2000_chars_after_trim_is_accepted(client: TestClient) -> None:
    resp = client.post("/chat", json={"message": "  " + "가" * 2000 + "  "})
    assert resp.status_code == 200


def test_stream_framing(client: TestClient) -> None:
    with client.stream("POST", "/chat/stream", json={"message": "LSTM의 게이트는 뭐야?"}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        raw = "".join(r.iter_text())
    events = [e for e in raw.split("\n\n") if e]
    assert all(e.startswith("data: ") for e in events)
    assert events[-1] == "data: [DONE]"
    payloads = [json.loads(e.removeprefix("data: ")) for e in events[:-1]]
    tokens = [p["text"] for p in payloads if p["type"] == "token"]
    final = payloads[-1]
    assert len(tokens) > 5 and final["type"] == "final"
    assert "".join(tokens).strip() == final["answer"]
    assert final["intent"] == "question" and final["sources"] and final["message_id"]


def test_history_feedback_and_restart(app_settings: Settings) -> None:
    with TestClient(create_app(app_settings)) as c:
        a = c.post("/chat", json={"message": "결정 트리는 어떻게 나눠?"}).json()
        sid, mid = a["session_id"], a["message_id"]
        assert c.post("/feedback", json={"message_id": mid, "rating": "up"}).json() == {"ok": True}
        assert_bilingual_error(c.post("/feedback", json={"message_id": 99999, "rating": "up"}), 404)
        assert_bilingual_error(c.post("/feedback", json={"message_id": mid, "rating": "meh"}), 422)
    with TestClient(create_app(app_settings)) as c:  # a new process-equivalent app
        msgs = c.get(f"/sessions/{sid}/messages").json()["messages"]
        assert [m["role"] for m in msgs] == ["user", "assistant"]
        assert msgs[1]["text"] == a["answer"] and msgs[1]["feedback"] == "up"
        assert msgs[1]["sources"][0]["source"] == a["sources"][0]["source"]
        c.post("/feedback", json={"message_id": mid, "rating": "down", "comment": "부족해요"})
        assert c.get(f"/sessions/{sid}/messages").json()["messages"][1]["feedback"] == "down"
        assert_bilingual_error(c.get("/sessions/unknown/messages"), 404)


def test_ingest_endpoint_admin_token_and_pickup(app_settings: Settings, tmp_path) -> None:
    import shutil

    notes = tmp_path / "notes"
    shutil.copytree(app_settings.notes_dir, notes)
    settings = app_settings.model_copy(update={"notes_dir": notes, "admin_token": "s3cret"})
    with TestClient(create_app(settings)) as c:
        assert_bilingual_error(c.post("/ingest"), 401)
        bad = c.post("/ingest", headers={"Authorization": "Bearer wrong"})
        assert_bilingual_error(bad, 401)
        (notes / "99_new.md").write_text(
            "## 양자화\n양자화(quantization)는 모델 가중치를 int8 같은 낮은 정밀도로 바꿔 "
            "추론을 빠르게 하고 메모리를 줄이는 기법이다.\n",
            encoding="utf-8",
        )
        ok = c.post("/ingest", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200
        assert ok.json()["added"] == 1 and ok.json()["embedded"] >= 1
        hits = c.post("/search", json={"query": "양자화 int8", "k": 1}).json()["results"]
        assert hits[0]["source"] == "99_new.md"  # picked up without a restart


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_stream_tokens_really_arrive_one_after_another(app_settings: Settings) -> None:
    """Over a real socket, token events arrive in separate reads spread over time."""
    app = create_app(app_settings)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.05)
        slow = app.state.services.chat.chain.generator

        class SlowStream:
            name = slow.name

            def generate(self, request):
                return slow.generate(request)

            def stream(self, request):
                for piece in slow.stream(request):
                    time.sleep(0.02)
                    yield piece

        app.state.services.chat.chain.generator = SlowStream()
        app.state.services.chat.chain.extractive = app.state.services.chat.chain.generator
        arrivals = []
        with (
            httpx.Client(timeout=30) as http,
            http.stream(
                "POST", f"http://127.0.0.1:{port}/chat/stream", json={"message": "GRU는 뭐야?"}
            ) as r,
        ):
            for chunk in r.iter_raw():
                arrivals.append((time.perf_counter(), chunk))
        token_reads = [t for t, c in arrivals if b'"type": "token"' in c]
        assert len(token_reads) >= 5
        assert token_reads[-1] - token_reads[0] > 0.05
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_openapi_documents_endpoints_with_korean_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/chat", "/chat/stream", "/search", "/ingest", "/feedback", "/health"):
        assert path in spec["paths"]
    assert "SVM이 뭐야?" in json.dumps(spec, ensure_ascii=False)


STRUCTURED_NOTE = """# 비지도 학습

<details>
<summary><h3>계층적 군집 (Hierarchical Clustering)</h3></summary>

* 왜 사용할까?
    * 군집의 개수를 미리 정하지 않아도 되기 때문
* 언제 사용하면 좋을까?
    * 데이터 사이의 포함 관계를 나무 모양으로 보고 싶을 때 좋다.
* `계층적 군집 (Hierarchical Clustering)`
    * 가까운 데이터끼리 차례로 묶어 올라가는 군집 방법
    * 덴드로그램으로 묶이는 순서를 그려 볼 수 있다.
</details>

## 인물
- 앨런 튜링 (Alan Turing) - 영국
"""


def test_definition_answer_starts_with_the_defining_unit_and_cites_it(tmp_path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "clustering.md").write_text(STRUCTURED_NOTE, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", notes_dir=notes, ingest_on_startup=True)
    with TestClient(create_app(settings)) as client:
        body = client.post("/chat", json={"message": "계층적 군집이 뭐야?"}).json()
        assert body["intent"] == "question"
        first = body["answer"].split("\n")[0]
        assert first == (
            "계층적 군집 (Hierarchical Clustering): 가까운 데이터끼리 차례로 묶어 올라가는 "
            "군집 방법. [1]"
        )
        source = body["sources"][0]
        assert source["n"] == 1 and source["source"] == "clustering.md"
        assert "가까운 데이터끼리" in source["text"]
        when = client.post("/chat", json={"message": "계층적 군집은 언제 써?"}).json()
        assert when["answer"].startswith("계층적 군집 (Hierarchical Clustering): 데이터 사이의")
        who = client.post("/chat", json={"message": "앨런 튜링은 어느 나라 사람이야?"}).json()
        assert who["answer"].split("\n")[0] == "앨런 튜링 (Alan Turing): 영국. [1]"
