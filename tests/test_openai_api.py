"""The OpenAI-compatible API driven by real clients over a real socket: the official `openai`
package and LangChain's `ChatOpenAI`, against the bundled sample notes (real Kiwi + USE-m3)."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from langchain_openai import ChatOpenAI
from pydantic import ValidationError

from chatbot.api.auth import ApiKeys, bearer_token
from chatbot.api.ratelimit import RateLimitedError, RateLimiter
from chatbot.api.v1 import (
    CITATIONS_HEADER,
    _Output,
    citations,
    count_tokens,
    without_citations,
)
from chatbot.app import create_app
from chatbot.settings import RateLimitConfig, Settings
from tests.conftest import SAMPLE_NOTES
from tests.live_server import serving

pytestmark = pytest.mark.slow

KEY = "sk-test-0123456789"
MODEL = "notes-chatbot"


def _settings(sample_app_dir: Path, data: Path, **extra: object) -> Settings:
    shutil.copytree(sample_app_dir, data)
    return Settings(data_dir=data, notes_dir=SAMPLE_NOTES, **extra)


@pytest.fixture(scope="module")
def base_url(sample_app_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("v1") / "data"
    with serving(create_app(_settings(sample_app_dir, data, api_keys=[KEY]))) as url:
        yield url


@pytest.fixture(scope="module")
def client(base_url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{base_url}/v1", api_key=KEY, max_retries=0, timeout=60)


def _ask(client: openai.OpenAI, *messages: tuple[str, str]) -> openai.types.chat.ChatCompletion:
    return client.chat.completions.create(
        model=MODEL, messages=[{"role": role, "content": text} for role, text in messages]
    )


def _native(base_url: str, message: str, session_id: str | None = None) -> dict:
    body = {"message": message, "session_id": session_id}
    resp = httpx.post(f"{base_url}/chat", json=body, timeout=60)
    resp.raise_for_status()
    return resp.json()


def _as_chat_lists(sources: list[dict]) -> list[dict]:
    """Sources as /chat lists them (without `chunk_id`)."""
    return [{k: v for k, v in s.items() if k != "chunk_id"} for s in sources]


def test_models_lists_the_assistant(client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == [MODEL]
    assert client.models.retrieve(MODEL).id == MODEL
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-4o")


def test_plain_completion_is_the_chat_answer_with_its_sources(
    client: openai.OpenAI, base_url: str
) -> None:
    completion = _ask(client, ("user", "PCA는 뭐야?"))
    native = _native(base_url, "PCA는 뭐야?")
    content = completion.choices[0].message.content
    assert completion.object == "chat.completion" and completion.model == MODEL
    assert completion.choices[0].finish_reason == "stop"
    assert completion.choices[0].message.role == "assistant"
    # the same chain as /chat, with the readable source list after the answer
    assert content == native["answer"] + citations(native["sources"])
    extra = completion.model_extra or {}
    assert extra["intent"] == "question" and extra["fallback"] is False
    assert extra["generator"] == "extractive"
    assert _as_chat_lists(extra["sources"]) == native["sources"]
    assert all(isinstance(s["chunk_id"], int) for s in extra["sources"])
    first = native["sources"][0]
    assert f"[1] {first['source']} — {first['heading']}" in content
    usage = completion.usage
    assert usage is not None
    assert usage.prompt_tokens == count_tokens("PCA는 뭐야?") == 3  # PCA는, 뭐야, ?
    assert usage.completion_tokens == count_tokens(content)
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_streamed_completion_matches_the_plain_one(client: openai.OpenAI) -> None:
    question = [{"role": "user", "content": "LSTM의 게이트는 뭐야?"}]
    plain = client.chat.completions.create(model=MODEL, messages=question)
    chunks = list(
        client.chat.completions.create(
            model=MODEL, messages=question, stream=True, stream_options={"include_usage": True}
        )
    )
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert len({c.id for c in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    pieces = [
        c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content
    ]
    assert len(pieces) > 5  # the extractive answer streams as it is written
    assert "".join(pieces) == plain.choices[0].message.content
    last, usage = chunks[-2], chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert (last.model_extra or {})["sources"] == (plain.model_extra or {})["sources"]
    assert usage.choices == [] and usage.usage is not None
    assert usage.usage.completion_tokens == plain.usage.completion_tokens  # type: ignore[union-attr]


def test_follow_up_is_resolved_from_the_messages_as_chat_resolves_it(
    client: openai.OpenAI, base_url: str
) -> None:
    first = _ask(client, ("user", "SVM이 뭐야?"))
    answer = first.choices[0].message.content or ""
    follow = _ask(
        client,
        ("system", "You are a helpful assistant."),
        ("user", "SVM이 뭐야?"),
        ("assistant", answer),
        ("user", "그건 언제 써요?"),
    )
    extra = follow.model_extra or {}
    assert extra["intent"] == "question"
    assert any("SVM" in s["heading"] for s in extra["sources"])
    # exactly what /chat answers in a session with the same first turn
    session = _native(base_url, "SVM이 뭐야?")["session_id"]
    native = _native(base_url, "그건 언제 써요?", session)
    assert without_citations(follow.choices[0].message.content or "") == native["answer"]
    assert _as_chat_lists(extra["sources"]) == native["sources"]
    alone = _ask(client, ("user", "그건 언제 써요?"))
    assert (alone.model_extra or {})["sources"] != extra["sources"]


def test_small_talk_and_decline_behave_as_in_chat(client: openai.OpenAI) -> None:
    hello = _ask(client, ("user", "안녕하세요!"))
    assert (hello.model_extra or {})["intent"] == "greeting"
    assert CITATIONS_HEADER not in (hello.choices[0].message.content or "")
    weather = _ask(client, ("user", "오늘 서울 날씨 어때?"))
    assert (weather.model_extra or {})["intent"] == "out_of_scope"
    assert (weather.model_extra or {})["sources"] == []
    assert "노트" in (weather.choices[0].message.content or "")


def test_max_tokens_cuts_the_answer(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "PCA는 뭐야?"}], max_tokens=5
    )
    assert completion.choices[0].finish_reason == "length"
    assert completion.usage is not None and completion.usage.completion_tokens == 5
    assert count_tokens(completion.choices[0].message.content or "") == 5
    chunks = list(
        client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "PCA는 뭐야?"}],
            max_tokens=5,
            stream=True,
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == completion.choices[0].message.content
    assert chunks[-1].choices[0].finish_reason == "length"
    assert (chunks[-1].model_extra or {})["sources"]  # the sources still come


def test_wrong_or_missing_key_raises_authentication_error(base_url: str) -> None:
    wrong = openai.OpenAI(base_url=f"{base_url}/v1", api_key="sk-wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as info:
        wrong.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "hi"}])
    assert info.value.code == "invalid_api_key"
    with pytest.raises(openai.AuthenticationError):
        wrong.models.list()
    body = {"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}
    url = f"{base_url}/v1/chat/completions"
    for header in (None, KEY, f"Token {KEY}", f"Bearer {KEY} x", f"Bearer  {KEY}"):
        headers = {"Authorization": header} if header else {}
        resp = httpx.post(url, json=body, headers=headers, timeout=30)
        assert resp.status_code == 401, header
        assert resp.headers["www-authenticate"] == "Bearer"
        assert set(resp.json()["error"]) == {"message", "type", "param", "code"}


@pytest.mark.parametrize(
    ("messages", "param"),
    [
        ([], "messages"),
        ([{"role": "assistant", "content": "안녕하세요"}], "messages"),
        ([{"role": "user", "content": "   "}], "messages"),
        ([{"role": "user", "content": "가" * 2001}], "messages"),
        ([{"role": "wizard", "content": "hi"}], "messages.0.role"),
        ([{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}], "messages"),
    ],
)
def test_bad_requests_raise_bad_request_error(
    client: openai.OpenAI, messages: list, param: str
) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model=MODEL, messages=messages)
    assert info.value.param == param
    assert any("\uac00" <= ch <= "\ud7a3" for ch in info.value.message)


def test_errors_keep_openai_shape_for_unknown_model_path_and_broken_json(
    client: openai.OpenAI, base_url: str
) -> None:
    with pytest.raises(openai.NotFoundError) as info:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
    assert info.value.code == "model_not_found"
    auth = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    broken = httpx.post(
        f"{base_url}/v1/chat/completions", content=b'{"model": ', headers=auth, timeout=30
    )
    assert broken.status_code == 400 and broken.json()["error"]["type"] == "invalid_request_error"
    unknown = httpx.get(f"{base_url}/v1/embeddings", headers=auth, timeout=30)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_url"
    # the native API keeps its own error body
    native = httpx.post(f"{base_url}/chat", json={"message": ""}, timeout=30)
    assert native.status_code == 422 and native.json()["error"] == "invalid_request"


def test_langchain_chat_openai_invoke_and_stream(base_url: str) -> None:
    llm = ChatOpenAI(model=MODEL, base_url=f"{base_url}/v1", api_key=KEY, max_retries=0)
    answer = llm.invoke("GRU는 뭐야?")
    assert isinstance(answer.content, str) and "출처:" in answer.content
    pieces = [chunk.content for chunk in llm.stream("GRU는 뭐야?")]
    assert len([p for p in pieces if p]) > 5
    assert "".join(str(p) for p in pieces) == answer.content


# ------------------------------------------------------------------ keys and limits
@pytest.fixture(scope="module")
def limited_url(sample_app_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("limited") / "data"
    settings = _settings(
        sample_app_dir,
        data,
        api_keys=f"sk-one,sha256:{hashlib.sha256(b'sk-two').hexdigest()}",
        require_key_for_chat=True,
        rate_limit=RateLimitConfig(chat="2/minute", completions="2/minute"),
    )
    with serving(create_app(settings)) as url:
        yield url


def test_rate_limit_per_key_raises_rate_limit_error(limited_url: str) -> None:
    one = openai.OpenAI(base_url=f"{limited_url}/v1", api_key="sk-one", max_retries=0)
    two = openai.OpenAI(base_url=f"{limited_url}/v1", api_key="sk-two", max_retries=0)
    hello = [{"role": "user", "content": "안녕"}]
    for _ in range(2):
        one.chat.completions.create(model=MODEL, messages=hello)
    with pytest.raises(openai.RateLimitError) as info:
        one.chat.completions.create(model=MODEL, messages=hello)
    assert info.value.code == "rate_limit_exceeded"
    retry_after = int(info.value.response.headers["retry-after"])
    assert 1 <= retry_after <= 60
    # another key has its own budget (and a key given by its digest works)
    assert two.chat.completions.create(model=MODEL, messages=hello).choices


def test_chat_requires_a_key_when_configured_and_is_limited_per_client(limited_url: str) -> None:
    url = f"{limited_url}/chat"
    for headers in ({}, {"Authorization": "sk-one"}, {"Authorization": "Bearer sk-three"}):
        resp = httpx.post(url, json={"message": "안녕"}, headers=headers, timeout=30)
        assert resp.status_code == 401 and resp.json()["error"] == "unauthorized"
    auth = {"Authorization": "Bearer sk-one"}
    assert httpx.post(url, json={"message": "안녕"}, headers=auth, timeout=30).status_code == 200
    stream = httpx.post(f"{url}/stream", json={"message": "안녕"}, headers=auth, timeout=30)
    assert stream.status_code == 200
    limited = httpx.post(url, json={"message": "안녕"}, headers=auth, timeout=30)
    assert limited.status_code == 429
    body = limited.json()
    assert body["error"] == "rate_limited" and body["message_ko"] and body["message_en"]
    assert int(limited.headers["retry-after"]) == body["detail"]["retry_after"] >= 1


# ------------------------------------------------------------------ units
def test_api_keys_setting_forms() -> None:
    digest = "sha256:" + hashlib.sha256(b"sk-one").hexdigest()
    assert Settings(api_keys="sk-one").api_keys == [digest]
    assert Settings(api_keys=' ["sk-one"] ').api_keys == [digest]
    assert Settings(api_keys=f"{digest.upper().replace('SHA256', 'sha256')}, ").api_keys == [digest]
    assert Settings(api_keys="").api_keys == []
    with pytest.raises(ValidationError):
        Settings(api_keys="has space")
    with pytest.raises(ValidationError):
        Settings(require_key_for_chat=True)
    with pytest.raises(ValidationError):
        Settings(rate_limit={"chat": "lots"})


def test_bearer_parsing_is_strict_and_keys_compare_by_digest() -> None:
    assert bearer_token("Bearer sk-1") == bearer_token("bearer sk-1") == "sk-1"
    for bad in (None, "", "sk-1", "Bearer", "Bearer ", "Bearer  sk-1", "Bearer sk-1 x", "Basic a"):
        assert bearer_token(bad) is None, bad
    keys = ApiKeys(Settings(api_keys="sk-1,sk-2").api_keys)
    assert keys.key_id("Bearer sk-2") == hashlib.sha256(b"sk-2").hexdigest()[:16]
    assert keys.key_id("Bearer sk-3") is None
    assert not ApiKeys([]).enabled


async def _retry_afters(limiters: list[RateLimiter], clients: tuple[str, ...]) -> list[int | None]:
    """One "chat" request per client, each through the limiter beside it: None when it
    passed, else the Retry-After it got."""
    out: list[int | None] = []
    for limiter, client in zip(limiters, clients, strict=True):
        try:
            await limiter.hit("chat", client)
            out.append(None)
        except RateLimitedError as exc:
            out.append(exc.retry_after)
    return out


def test_rate_limiter_in_the_database_is_shared_by_every_limiter_of_it(tmp_path: Path) -> None:
    from chatbot.history.repo import migrate_chat
    from vector_store.db import make_engine

    url = f"sqlite:///{tmp_path / 'limits.db'}"
    engine = make_engine(url)
    migrate_chat(engine)
    engine.dispose()
    config = RateLimitConfig(chat="2/hour", storage_uri="database")
    replicas = [RateLimiter(config, url), RateLimiter(config, url)]
    assert RateLimiter(RateLimitConfig(), url).where != "database"  # auto: SQLite, in memory

    counts = asyncio.run(_retry_afters(replicas * 2, ("ip:a", "ip:a", "ip:a", "ip:b")))
    for limiter in replicas:
        limiter.close()
    # the third request of ip:a is over, though each limiter saw at most two
    assert counts[:2] == [None, None] and counts[3] is None
    assert counts[2] is not None and 0 < counts[2] <= 3600


def test_rate_limiter_counts_per_client_and_can_be_disabled() -> None:
    def run(config: RateLimitConfig) -> list[int | None]:
        limiter = RateLimiter(config)
        return asyncio.run(_retry_afters([limiter] * 4, ("ip:a", "ip:a", "ip:a", "ip:b")))

    limited = run(RateLimitConfig(chat="2/hour"))
    assert limited[:2] == [None, None] and limited[3] is None
    assert limited[2] is not None and 3500 < limited[2] <= 3600
    assert run(RateLimitConfig(chat="2/hour", enabled=False)) == [None] * 4


def test_answer_budget_cuts_after_the_last_allowed_word_only_when_more_follows() -> None:
    out = _Output(3)
    assert [out.add(p) for p in ("하나, ", "둘 ", "셋 ", "  ")] == ["하나, ", "둘", "", ""]
    assert out.finish_reason == "length"  # "셋" did not fit
    exact = _Output(3)
    assert [exact.add(p) for p in ("하나 ", "둘 ", "셋 ", " ")] == ["하나 ", "둘 ", "셋", ""]
    assert exact.finish_reason == "stop" and count_tokens(exact.text) == 3
    assert exact.add("넷") == "" and exact.finish_reason == "length"
    free = _Output(None)
    assert free.add("아무 제한 없이 ") == "아무 제한 없이 " and free.finish_reason == "stop"


def test_citation_list_is_numbered_and_removed_from_history() -> None:
    sources = [
        {"source": "04_cnn.md", "heading": "CNN > 풀링"},
        {"source": "notes.txt", "heading": ""},
    ]
    listed = citations(sources)
    assert listed == f"{CITATIONS_HEADER}[1] 04_cnn.md — CNN > 풀링\n[2] notes.txt"
    assert without_citations("답이에요 [1]." + listed) == "답이에요 [1]."
    written = "본문\n\n출처:\n교과서 3장"  # a text of its own, not the list: kept
    assert without_citations(written) == written
