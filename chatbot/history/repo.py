"""Conversation history operations (keyword-only, one session per call)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from chatbot.history.models import ChatSession, Feedback, Message
from vector_store.db import run_migrations

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class UnknownSessionError(LookupError):
    pass


class UnknownMessageError(LookupError):
    pass


def migrate_chat(engine: Engine) -> None:
    run_migrations(engine, MIGRATIONS_DIR, "alembic_version_chat")


def ensure_session(*, session: Session, session_id: str | None) -> str:
    """Return the id of an existing session, or create a new one when `session_id` is None."""
    if session_id is None:
        sid = uuid.uuid4().hex
        session.add(ChatSession(id=sid))
        session.flush()
        return sid
    if session.get(ChatSession, session_id) is None:
        raise UnknownSessionError(session_id)
    return session_id


def add_message(*, session: Session, session_id: str, role: str, text: str, **meta: Any) -> int:
    meta.setdefault("sources", [])
    msg = Message(session_id=session_id, role=role, text=text, **meta)
    session.add(msg)
    session.flush()
    return msg.id


def recent_user_turns(*, session: Session, session_id: str, limit: int) -> list[Message]:
    rows = session.scalars(
        select(Message)
        .where(Message.session_id == session_id)
        .order_by(Message.id.desc())
        .limit(limit * 2)
    ).all()
    return list(reversed(rows))


def list_messages(*, session: Session, session_id: str) -> list[dict[str, Any]]:
    if session.get(ChatSession, session_id) is None:
        raise UnknownSessionError(session_id)
    rows = session.execute(
        select(Message, Feedback.rating)
        .outerjoin(Feedback, Feedback.message_id == Message.id)
        .where(Message.session_id == session_id)
        .order_by(Message.id)
    ).all()
    return [
        {
            "id": m.id,
            "role": m.role,
            "text": m.text,
            "intent": m.intent,
            "sources": m.sources or [],
            "created_at": m.created_at.isoformat(),
            "generator": m.generator,
            "fallback": m.fallback,
            "latency_ms": m.latency_ms,
            "feedback": rating,
        }
        for m, rating in rows
    ]


def set_feedback(*, session: Session, message_id: int, rating: str, comment: str | None) -> None:
    msg = session.get(Message, message_id)
    if msg is None or msg.role != "assistant":
        raise UnknownMessageError(message_id)
    existing = session.scalar(select(Feedback).where(Feedback.message_id == message_id))
    if existing is None:
        session.add(Feedback(message_id=message_id, rating=rating, comment=comment))
    else:
        existing.rating = rating
        existing.comment = comment
