"""OpenAI-compatible API: `GET /v1/models` and `POST /v1/chat/completions`.

Clients that speak OpenAI's chat-completions protocol (the `openai` SDK, LangChain's
`ChatOpenAI`, Open WebUI, editor plugins) talk to the same chain as `/chat`. The API is
stateless: the request's `messages` are the conversation. Each earlier user message is
routed again (`ChatChain.plan`, a few milliseconds each) to learn whether it was a question,
so a follow-up ("그건 언제 써요?") resolves exactly as in `/chat`. System messages are accepted
and do not take part in retrieval.

Answers carry their sources twice: in the extension fields `sources`, `intent`, `generator`
and `fallback` (on the response, and on the last chunk of a stream), and, for clients that
show only text, as a numbered "출처" list after the answer (`CHATBOT_OPENAI__CITATIONS`).

`usage` counts words and punctuation marks (each match of `\\w+|[^\\w\\s]`), not the tokens
of any model: the extractive answerer has none.

Errors have OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`, so client
libraries raise their usual exceptions (`AuthenticationError`, `RateLimitError`,
`BadRequestError`, `NotFoundError`).
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from chatbot.api.auth import ApiKeys
from chatbot.api.chat import MAX_MESSAGE_CHARS
from chatbot.api.deps import ChatDep, SettingsDep
from chatbot.api.errors import _describe_validation
from chatbot.api.ratelimit import RateLimitedError, RateLimiter, client_identity
from chatbot.chain.chain import ChatChain, Turn
from chatbot.generation.extractive import ExtractiveGenerator
from vector_store.store import IndexNotReadyError

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"\w+|[^\w\s]")
CITATIONS_HEADER = "\n\n출처:\n"
_CITATION_LINE = re.compile(r"\[\d+\] \S")
_STARTED = int(time.time())


# ------------------------------------------------------------------------------ errors
class OpenAIError(Exception):
    """An error answered in OpenAI's shape."""

    def __init__(
        self,
        status_code: int,
        ko: str,
        en: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = "invalid_request",
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(en)
        self.status_code = status_code
        self.message = f"{ko} ({en})"
        self.type = type
        self.code = code
        self.param = param
        self.headers = headers

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status_code, headers=self.headers)


def _from_validation(exc: RequestValidationError) -> OpenAIError:
    errors = list(exc.errors())
    ko, en = _describe_validation(errors)
    loc = [str(p) for p in (errors[0].get("loc", ()) if errors else ()) if p != "body"]
    return OpenAIError(400, ko, en, code="invalid_request", param=".".join(loc) or None)


def _from_http(exc: StarletteHTTPException) -> OpenAIError:
    if exc.status_code == 400:
        return OpenAIError(
            400,
            "요청 본문을 읽을 수 없어요. UTF-8 JSON으로 보내 주세요.",
            "Could not parse the request body; send UTF-8 encoded JSON.",
            code="invalid_json",
        )
    headers = dict(exc.headers) if exc.headers else None
    return OpenAIError(exc.status_code, str(exc.detail), str(exc.detail), headers=headers)


class OpenAIRoute(APIRoute):
    """Answers every error of a /v1 operation, validation included, in OpenAI's shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except OpenAIError as exc:
                return exc.response()
            except RequestValidationError as exc:
                return _from_validation(exc).response()
            except StarletteHTTPException as exc:
                return _from_http(exc).response()

        return handle


router = APIRouter(prefix="/v1", tags=["openai"], route_class=OpenAIRoute)


# ------------------------------------------------------------------------------ schemas
class ContentPart(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)
    type: str = Field(description="Only 'text' parts are read.")
    text: str | None = None


class Message(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)
    role: Literal["system", "developer", "user", "assistant", "tool"] = Field(
        description="'user' and 'assistant' messages are the conversation; 'system', "
        "'developer' and 'tool' messages are accepted and not used for retrieval."
    )
    content: str | list[ContentPart] | None = None


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)
    include_usage: bool = Field(default=False, description="Send `usage` in a last chunk.")


class CompletionRequest(BaseModel):
    """OpenAI's chat-completion request. Other OpenAI parameters are accepted and ignored."""

    model_config = ConfigDict(extra="ignore", strict=True)
    model: str = Field(description="The id from GET /v1/models.", examples=["notes-chatbot"])
    messages: list[Message] = Field(
        min_length=1,
        max_length=256,
        description="The conversation, oldest first; the last one is the user's message.",
        examples=[[{"role": "user", "content": "SVM이 뭐야?"}]],
    )
    stream: bool = Field(default=False, description="Answer as server-sent events.")
    stream_options: StreamOptions | None = None
    max_tokens: int | None = Field(
        default=None,
        ge=1,
        strict=True,
        description="Cut the answer after this many words and marks.",
    )
    max_completion_tokens: int | None = Field(
        default=None, ge=1, description="Same as `max_tokens` (newer name)."
    )
    temperature: float | None = Field(
        default=None,
        ge=0,
        le=2,
        strict=True,
        description="Accepted; the server's generator settings decide.",
    )
    n: int = Field(default=1, ge=1, le=1, description="Only one choice is produced.")
    user: str | None = Field(default=None, max_length=256, description="End user, for logs.")


class SourceOut(BaseModel):
    n: int = Field(description="Number of the citation mark '[n]' that cites this passage.")
    chunk_id: int
    source: str = Field(description="Notes file the passage comes from.")
    heading: str = Field(description="Heading path of the passage.")
    line: int = Field(description="Line of the notes file where the passage begins.")
    snippet: str = Field(description="Beginning of the passage.")
    text: str = Field(description="The whole passage.")
    score: float


class OpenAIErrorDetail(BaseModel):
    message: str = Field(description="Korean message, then the English one in parentheses.")
    type: str = Field(description="e.g. `invalid_request_error`, `authentication_error`.")
    param: str | None = None
    code: str | None = Field(default=None, description="e.g. `invalid_api_key`.")


class OpenAIErrorBody(BaseModel):
    """Every error of `/v1`, in OpenAI's shape (client libraries raise on it)."""

    error: OpenAIErrorDetail


def _errors(**codes: str) -> dict[int | str, dict[str, Any]]:
    return {
        int(code.removeprefix("e")): {"model": OpenAIErrorBody, "description": text}
        for code, text in codes.items()
    }


_KEY_ERROR = "A key is configured and the request has none or a wrong one. API 키 없음 또는 틀림."
_MODEL_ERRORS = _errors(e401=_KEY_ERROR, e404="No such model. 없는 모델.")
_COMPLETION_ERRORS = _errors(
    e400="Invalid request (a field missing or of the wrong type). 잘못된 요청.",
    e401=_KEY_ERROR,
    e404="`model` names another model. 없는 모델.",
    e413="The body is larger than the configured limit. 본문이 너무 큼.",
    e429="Rate limit reached for this key or client; see `Retry-After`. 요청 한도 초과.",
    e503="No index yet, or the index is damaged. 인덱스 없음 또는 손상.",
)


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop", "length"]


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    sources: list[SourceOut] = Field(description="Extension: the passages the answer cites.")
    intent: Literal["greeting", "question", "out_of_scope"] = Field(description="Extension.")
    generator: str = Field(description="Extension: what wrote the answer.")
    fallback: bool = Field(
        description="Extension: true when a model's answer was replaced by the extractive one "
        "(unsupported by the notes, or the model server failed)."
    )


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


# ------------------------------------------------------------------------------ access
async def api_key(request: Request) -> str | None:
    """The id of the caller's key when keys are configured (401 without a valid one)."""
    keys: ApiKeys = request.app.state.api_keys
    if not keys.enabled:
        return None
    key_id = keys.key_id(request.headers.get("authorization"))
    if key_id is None:
        raise OpenAIError(
            401,
            "API 키가 없거나 올바르지 않아요.",
            "Missing or incorrect API key; send 'Authorization: Bearer <key>'.",
            code="invalid_api_key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return key_id


KeyDep = Annotated[str | None, Depends(api_key)]


async def completions_limit(request: Request, key_id: KeyDep) -> None:
    limiter: RateLimiter = request.app.state.rate_limiter
    try:
        await limiter.hit("completions", client_identity(request, key_id))
    except RateLimitedError as exc:
        raise OpenAIError(
            429,
            f"요청이 너무 많아요. {exc.retry_after}초 뒤에 다시 시도해 주세요.",
            f"Rate limit reached ({exc.limit}); retry in {exc.retry_after} s.",
            type="requests",
            code="rate_limit_exceeded",
            headers={"Retry-After": str(exc.retry_after)},
        ) from exc


# ------------------------------------------------------------------------------ helpers
def count_tokens(text: str) -> int:
    """What `usage` counts: words and punctuation marks."""
    return sum(1 for _ in _TOKEN.finditer(text))


def citations(sources: list[dict[str, Any]]) -> str:
    """The readable source list: `[n] file — heading`, `[n]` as the answer's marks use it."""
    lines = []
    for n, source in enumerate(sources, start=1):
        heading = f" — {source['heading']}" if source.get("heading") else ""
        lines.append(f"[{n}] {source['source']}{heading}")
    return CITATIONS_HEADER + "\n".join(lines)


def without_citations(text: str) -> str:
    """An earlier answer of this API without its source list (history keeps the answer)."""
    head, sep, tail = text.rpartition(CITATIONS_HEADER)
    if sep and all(_CITATION_LINE.match(line) for line in tail.splitlines()):
        return head
    return text


def _text(message: Message) -> str:
    if message.content is None:
        return ""
    if isinstance(message.content, str):
        return message.content
    texts = []
    for part in message.content:
        if part.type != "text":
            raise OpenAIError(
                400,
                "텍스트 메시지만 읽을 수 있어요.",
                f"Only text content is supported, not '{part.type}'.",
                param="messages",
            )
        texts.append(part.text or "")
    return "\n".join(texts)


def _conversation(messages: list[Message]) -> tuple[str, list[tuple[str, str]]]:
    """The user's last message and the earlier (user, assistant) pairs, oldest first."""
    last = messages[-1]
    if last.role != "user":
        raise OpenAIError(
            400,
            "마지막 메시지는 사용자(user) 메시지여야 해요.",
            "The last message must have the role 'user'.",
            param="messages",
        )
    message = _text(last).strip()
    if not message:
        raise OpenAIError(
            400, "메시지가 비어 있어요.", "The user's message is empty.", param="messages"
        )
    if len(message) > MAX_MESSAGE_CHARS:
        raise OpenAIError(
            400,
            f"메시지는 {MAX_MESSAGE_CHARS}자 이하여야 해요.",
            f"The user's message is longer than {MAX_MESSAGE_CHARS} characters.",
            param="messages",
        )
    pairs: list[tuple[str, str]] = []
    pending: str | None = None
    for m in messages[:-1]:
        if m.role == "user":
            pending = _text(m).strip() or None  # one without an answer is dropped, as in /chat
        elif m.role == "assistant" and pending is not None:
            pairs.append((pending, without_citations(_text(m)).strip()))
            pending = None
    return message, pairs


def _history(chain: ChatChain, pairs: list[tuple[str, str]], turns_kept: int) -> list[Turn]:
    """Turns with the intent each earlier message gets when routed after the ones before it."""
    turns: list[Turn] = []
    for user, assistant in pairs[-turns_kept:] if turns_kept else []:
        intent = chain.plan({"message": user, "history": turns}).intent
        turns.append(Turn(user=user, assistant=assistant, intent=intent))
    return turns


class _Output:
    """The answer text as sent, cut after `limit` words and marks (`finish_reason: length`)."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.count = 0
        self.cut = False
        self.parts: list[str] = []

    def add(self, text: str) -> str:
        """Take the next piece; return what of it may be sent."""
        if self.cut or not text:
            return ""
        if self.limit is not None:
            if self.count == self.limit:  # full: a further word or mark means a cut answer
                self.cut = bool(_TOKEN.search(text))
                return ""
            for match in _TOKEN.finditer(text):
                self.count += 1
                if self.count == self.limit:
                    self.cut = bool(_TOKEN.search(text, match.end()))
                    text = text[: match.end()]
                    break
        self.parts.append(text)
        return text

    @property
    def text(self) -> str:
        return "".join(self.parts)

    @property
    def finish_reason(self) -> str:
        return "length" if self.cut else "stop"


def _rest(streamed: str, answer: str) -> str:
    """What of the final answer the streamed tokens have not said yet."""
    said = streamed.lstrip()
    if answer.startswith(said):
        return answer[len(said) :]
    if answer.startswith(said.rstrip()):
        return answer[len(said.rstrip()) :]
    logger.warning("final answer differs from the streamed tokens; the streamed text stands")
    return ""


def _extensions(final: dict[str, Any]) -> dict[str, Any]:
    return {
        "sources": final["sources"],
        "intent": final["intent"],
        "generator": final["generator"],
        "fallback": final["fallback"],
    }


def _index_not_ready() -> OpenAIError:
    return OpenAIError(
        503,
        "아직 노트 인덱스가 없어요. 먼저 인덱싱을 실행하세요.",
        "No index yet: run `chatbot ingest` or POST /ingest first.",
        type="server_error",
        code="index_not_ready",
    )


# ------------------------------------------------------------------------------ endpoints
@router.get(
    "/models",
    response_model=ModelList,
    dependencies=[Depends(api_key)],
    responses=_errors(e401=_KEY_ERROR),
)
async def list_models(settings: SettingsDep) -> dict[str, Any]:
    """The assistant as the one model of this API (its id: `CHATBOT_OPENAI__MODEL_ID`)."""
    card = {"id": settings.openai.model_id, "object": "model", "created": _STARTED}
    return {"object": "list", "data": [{**card, "owned_by": "notes-chatbot"}]}


@router.get(
    "/models/{model_id}",
    response_model=ModelCard,
    dependencies=[Depends(api_key)],
    responses=_MODEL_ERRORS,
)
async def get_model(model_id: str, settings: SettingsDep) -> dict[str, Any]:
    """One model by id (404 for any other id)."""
    _check_model(model_id, settings.openai.model_id)
    return {"id": model_id, "object": "model", "created": _STARTED, "owned_by": "notes-chatbot"}


def _check_model(requested: str, served: str) -> None:
    if requested != served:
        raise OpenAIError(
            404,
            f"'{requested}' 모델은 없어요. 이 서버가 제공하는 모델은 '{served}' 하나예요.",
            f"The model '{requested}' does not exist; this server serves '{served}'.",
            code="model_not_found",
            param="model",
        )


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    dependencies=[Depends(completions_limit)],
    responses={200: {"content": {"text/event-stream": {}}}, **_COMPLETION_ERRORS},
)
async def chat_completions(
    body: CompletionRequest, service: ChatDep, settings: SettingsDep
) -> Response:
    """Answer the conversation's last user message, as OpenAI's chat completions do.

    Example: `{"model": "notes-chatbot", "messages": [{"role": "user", "content": "SVM이
    뭐야?"}, {"role": "assistant", "content": "…"}, {"role": "user", "content": "그건 언제
    써?"}]}`. The answer is in `choices[0].message.content`, followed by a "출처" list of its
    sources; `sources`, `intent`, `generator` and `fallback` are extension fields.

    With `"stream": true` the answer comes as `chat.completion.chunk` events: the role first,
    then the text, then a chunk with `finish_reason` and the extension fields, then
    `data: [DONE]`. An extractive answer streams as it is written; a model's answer is sent
    once the ground check has accepted it (a stream cannot take text back).
    """
    _check_model(body.model, settings.openai.model_id)
    message, pairs = _conversation(body.messages)
    chain = service.chain
    turns_kept = settings.chat.history_turns
    prompt_tokens = sum(count_tokens(_text(m)) for m in body.messages)
    limit = body.max_completion_tokens or body.max_tokens
    cite = settings.openai.citations
    meta = {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "created": int(time.time()),
        "model": settings.openai.model_id,
    }
    started = time.perf_counter()

    def start(whole: bool) -> tuple[Iterator[dict[str, Any]], list[dict[str, Any]]]:
        history = _history(chain, pairs, turns_kept)
        events = iter(chain.stream({"message": message, "history": history}))
        # Routing and retrieval happen before the first event, so that their errors come
        # before a stream has started; a plain answer is read whole in the same call.
        return events, list(events) if whole else list(itertools.islice(events, 1))

    try:
        events, head = await run_in_threadpool(start, not body.stream)
    except IndexNotReadyError as exc:
        raise _index_not_ready() from exc

    def finish(final: dict[str, Any], out: _Output) -> None:
        logger.info(
            "v1 completion intent=%s generator=%s fallback=%s latency_ms=%.1f user=%s",
            final["intent"],
            final["generator"],
            final["fallback"],
            (time.perf_counter() - started) * 1000,
            body.user,
        )

    def usage(out: _Output) -> dict[str, int]:
        completion = count_tokens(out.text)
        return {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": prompt_tokens + completion,
        }

    if not body.stream:
        final = next(e for e in reversed(head) if e["type"] == "final")
        out = _Output(limit)
        sources = citations(final["sources"]) if cite and final["sources"] else ""
        out.add(final["answer"] + sources)
        finish(final, out)
        choice = {
            "index": 0,
            "message": {"role": "assistant", "content": out.text, "refusal": None},
            "logprobs": None,
            "finish_reason": out.finish_reason,
        }
        return JSONResponse(
            {
                **meta,
                "object": "chat.completion",
                "system_fingerprint": None,
                "choices": [choice],
                "usage": usage(out),
                **_extensions(final),
            }
        )

    include_usage = bool(body.stream_options and body.stream_options.include_usage)
    # Text of the extractive answerer is final as it streams; a model's may still be replaced.
    live = isinstance(chain.generator, ExtractiveGenerator)

    def chunk(delta: dict[str, Any], finish_reason: str | None = None, **extra: Any) -> str:
        data: dict[str, Any] = {
            **meta,
            "object": "chat.completion.chunk",
            "system_fingerprint": None,
            "choices": [
                {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
            ],
            **extra,
        }
        if include_usage:
            data.setdefault("usage", None)
        return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

    def sse() -> Iterator[str]:
        out = _Output(limit)
        yield chunk({"role": "assistant", "content": ""})
        streamed: list[str] = []
        final: dict[str, Any] = {}
        try:
            for event in itertools.chain(head, events):
                if event["type"] == "final":
                    final = event
                elif live:
                    streamed.append(event["text"])
                    if piece := out.add(event["text"]):
                        yield chunk({"content": piece})
        except Exception:  # the stream has started: report in-band, as OpenAI does
            logger.exception("v1 completion stream failed")
            error = OpenAIError(
                500,
                "답변을 만드는 중 오류가 났어요.",
                "Failed while answering.",
                type="server_error",
            )
            yield f"data: {json.dumps(error.body(), ensure_ascii=False)}\n\n"
            yield "data: [DONE]\n\n"
            return
        rest = _rest("".join(streamed), final["answer"])
        if cite and final["sources"]:
            rest += citations(final["sources"])
        if piece := out.add(rest):
            yield chunk({"content": piece})
        finish(final, out)
        yield chunk({}, out.finish_reason, **_extensions(final))
        if include_usage:
            data = {**meta, "object": "chat.completion.chunk", "system_fingerprint": None}
            data.update(choices=[], usage=usage(out))
            yield f"data: {json.dumps(data, ensure_ascii=False)}\n\n"
        yield "data: [DONE]\n\n"

    return StreamingResponse(
        sse(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.api_route(
    "/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
)
async def unknown(path: str, request: Request) -> Response:
    """Unknown /v1 paths and methods, answered in OpenAI's shape."""
    known = {r.path: r.methods for r in router.routes if isinstance(r, APIRoute)}
    methods = known.get(request.url.path)
    if methods:
        raise OpenAIError(
            405,
            "허용되지 않는 메서드예요.",
            f"Method {request.method} is not allowed here.",
            headers={"Allow": ", ".join(sorted(methods))},
        )
    raise OpenAIError(
        404,
        "이 API에는 없는 경로예요.",
        f"Unknown endpoint {request.url.path}; this server offers /v1/models and "
        "/v1/chat/completions.",
        code="unknown_url",
    )
