"""Chat endpoints: `/chat`, `/chat/stream`, session history and feedback."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field, field_validator
from starlette.concurrency import run_in_threadpool

from chatbot.api.auth import chat_access
from chatbot.api.deps import ChatDep, ServicesDep
from chatbot.api.errors import ApiError
from chatbot.api.text import UnicodeStr, encodable
from chatbot.history import repo
from vector_store.store import IndexNotReadyError

logger = logging.getLogger(__name__)
router = APIRouter(tags=["chat"])
MAX_MESSAGE_CHARS = 2000


class ChatRequest(BaseModel):
    message: str = Field(
        min_length=1,
        description="The user's message, 1-2000 characters after trimming.",
        examples=["SVM이 뭐야?"],
        json_schema_extra={"pattern": r"\S"},  # not blank; enforced by the validator below
    )
    session_id: UnicodeStr | None = Field(
        default=None,
        max_length=64,
        description="Conversation id from an earlier answer; null starts a new conversation.",
    )

    @field_validator("message")
    @classmethod
    def _trimmed(cls, v: str) -> str:
        v = encodable(v).strip()
        if not v:
            raise ValueError("message must not be empty / 메시지가 비어 있어요")
        if len(v) > MAX_MESSAGE_CHARS:
            raise ValueError(
                f"message is longer than {MAX_MESSAGE_CHARS} characters / "
                f"메시지는 {MAX_MESSAGE_CHARS}자 이하여야 해요"
            )
        return v


class Source(BaseModel):
    n: int = Field(description="Number of the citation mark '[n]' that cites this passage.")
    source: str = Field(description="Notes file the passage comes from.")
    heading: str = Field(description="Heading path of the passage.")
    line: int = Field(description="Line of the notes file where the passage begins.")
    snippet: str = Field(description="Beginning of the passage.")
    text: str = Field(description="The whole passage (what the citation mark opens).")
    score: float


class ChatResponse(BaseModel):
    answer: str
    session_id: str
    message_id: int = Field(description="Id of the stored answer, for POST /feedback.")
    intent: Literal["greeting", "question", "out_of_scope"]
    sources: list[Source]
    generator: str = Field(description="What wrote the answer: extractive, a model, smalltalk.")
    fallback: bool = Field(description="True when a model's answer failed the ground check.")


class FeedbackRequest(BaseModel):
    # 2**53 - 1: the largest integer every JSON client holds exactly (ids are far below it).
    message_id: int = Field(ge=1, le=2**53 - 1, description="`message_id` of a chat answer.")
    rating: Literal["up", "down"]
    comment: UnicodeStr | None = Field(default=None, max_length=2000)


def _unknown_session(session_id: str | None) -> ApiError:
    return ApiError(
        404,
        "unknown_session",
        "대화 세션을 찾을 수 없어요. session_id 없이 새 대화를 시작하세요.",
        f"Unknown session_id '{session_id}'; omit it to start a new conversation.",
    )


def _not_ready() -> ApiError:
    return ApiError(
        503,
        "index_not_ready",
        "아직 노트 인덱스가 없어요. 먼저 인덱싱을 실행하세요.",
        "No index yet: run `chatbot ingest` or POST /ingest first.",
    )


@router.post("/chat", response_model=ChatResponse, dependencies=[Depends(chat_access)])
async def chat(body: ChatRequest, service: ChatDep) -> dict[str, Any]:
    """Answer one message in Korean.

    Greetings and small talk get a friendly reply; questions about the notes get an
    answer grounded in the retrieved passages, with their sources; anything the notes
    do not cover is declined honestly. Example: `{"message": "SVM이 뭐야?"}`, then a
    follow-up with the returned `session_id`: `{"message": "그건 언제 써?", "session_id": "…"}`.
    """
    try:
        return await run_in_threadpool(service.answer, body.message, body.session_id)
    except repo.UnknownSessionError as exc:
        raise _unknown_session(body.session_id) from exc
    except IndexNotReadyError as exc:
        raise _not_ready() from exc


def _sse(events: Iterator[dict[str, Any]]) -> Iterator[str]:
    try:
        for event in events:
            yield f"data: {json.dumps(event, ensure_ascii=False)}\n\n"
    except Exception:  # the stream has started: report in-band, keep the service up
        logger.exception("chat stream failed")
        err = {
            "type": "error",
            "message": "답변을 만드는 중 오류가 났어요. (Failed while answering.)",
            "message_ko": "답변을 만드는 중 오류가 났어요.",
            "message_en": "Failed while answering.",
        }
        yield f"data: {json.dumps(err, ensure_ascii=False)}\n\n"
    yield "data: [DONE]\n\n"


@router.post(
    "/chat/stream",
    dependencies=[Depends(chat_access)],
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def chat_stream(body: ChatRequest, service: ChatDep) -> StreamingResponse:
    """The same answer as `/chat`, streamed as server-sent events.

    Each event is `data: <json>`: `{"type": "token", "text": "…"}` pieces as they are
    produced, then one `{"type": "final", "answer", "session_id", "message_id",
    "intent", "sources", "generator", "fallback"}`, then `data: [DONE]`. The final
    `answer` is authoritative (it replaces the streamed text when a model's answer was
    replaced by the grounded extractive one).
    """
    try:
        events = await run_in_threadpool(service.stream, body.message, body.session_id)
    except repo.UnknownSessionError as exc:
        raise _unknown_session(body.session_id) from exc
    except IndexNotReadyError as exc:
        raise _not_ready() from exc
    return StreamingResponse(
        _sse(events),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get("/sessions/{session_id}/messages")
async def session_messages(session_id: str, services: ServicesDep) -> dict[str, Any]:
    """The stored conversation, oldest first, with sources and feedback of each answer."""
    from sqlalchemy.orm import Session

    def load() -> list[dict[str, Any]]:
        with Session(services.engine) as session:
            return repo.list_messages(session=session, session_id=session_id)

    try:
        messages = await run_in_threadpool(load)
    except repo.UnknownSessionError as exc:
        raise _unknown_session(session_id) from exc
    return {"session_id": session_id, "messages": messages}


@router.post("/feedback")
async def feedback(body: FeedbackRequest, services: ServicesDep) -> dict[str, bool]:
    """Thumbs up or down on an answer (`message_id` from a chat answer), with an
    optional comment. Sending again replaces the earlier rating."""
    from sqlalchemy.orm import Session

    def store() -> None:
        with Session(services.engine) as session, session.begin():
            repo.set_feedback(
                session=session,
                message_id=body.message_id,
                rating=body.rating,
                comment=body.comment,
            )

    try:
        await run_in_threadpool(store)
    except repo.UnknownMessageError as exc:
        raise ApiError(
            404,
            "unknown_message",
            "평가할 답변을 찾을 수 없어요.",
            f"No answer with message_id {body.message_id}.",
        ) from exc
    return {"ok": True}
