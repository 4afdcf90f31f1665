"""ChatService: one conversation turn, persisted.

The user's message is stored (and committed) before anything is generated, and
the answer after it is complete, so a failure never loses what was said.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from chatbot.chain.chain import ChatChain, Turn
from chatbot.history import repo

logger = logging.getLogger(__name__)


class ChatService:
    def __init__(self, *, chain: ChatChain, engine: Engine, history_turns: int) -> None:
        self.chain = chain
        self.engine = engine
        self.history_turns = history_turns

    def _history(self, session: Session, session_id: str) -> list[Turn]:
        rows = repo.recent_user_turns(
            session=session, session_id=session_id, limit=self.history_turns
        )
        turns: list[Turn] = []
        pending: str | None = None
        for m in rows:
            if m.role == "user":
                pending = m.text
            elif pending is not None:
                turns.append(Turn(user=pending, assistant=m.text, intent=m.intent))
                pending = None
        return turns

    def begin(self, message: str, session_id: str | None) -> tuple[str, list[Turn]]:
        """Validate the session, store the user's message, return the history before it.

        Raises `repo.UnknownSessionError` for an id the service never issued."""
        with Session(self.engine) as session, session.begin():
            sid = repo.ensure_session(session=session, session_id=session_id)
            history = self._history(session, sid)
            repo.add_message(session=session, session_id=sid, role="user", text=message)
        return sid, history

    def stream(self, message: str, session_id: str | None) -> Iterator[dict[str, Any]]:
        """Events of one turn (see `ChatChain`); the final one carries the stored ids.

        The session is checked and the message stored before this returns, so an unknown
        session fails here, before a streamed response has started."""
        started = time.perf_counter()
        sid, history = self.begin(message, session_id)
        return self._events(message, sid, history, started)

    def _events(
        self, message: str, sid: str, history: list[Turn], started: float
    ) -> Iterator[dict[str, Any]]:
        for event in self.chain.stream({"message": message, "history": history}):
            if event["type"] != "final":
                yield event
                continue
            latency = (time.perf_counter() - started) * 1000
            with Session(self.engine) as session, session.begin():
                mid = repo.add_message(
                    session=session,
                    session_id=sid,
                    role="assistant",
                    text=event["answer"],
                    intent=event["intent"],
                    latency_ms=round(latency, 2),
                    generator=event["generator"],
                    fallback=event["fallback"],
                    sources=event["sources"],
                )
            logger.info(
                "chat session=%s intent=%s latency_ms=%.1f generator=%s",
                sid,
                event["intent"],
                latency,
                event["generator"],
            )
            yield {**event, "session_id": sid, "message_id": mid, "latency_ms": round(latency, 2)}

    def answer(self, message: str, session_id: str | None) -> dict[str, Any]:
        final: dict[str, Any] = {}
        for event in self.stream(message, session_id):
            if event["type"] == "final":
                final = event
        return final
