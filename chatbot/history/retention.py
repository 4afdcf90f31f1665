"""Retention of the conversation history: by age and by count.

Every `/chat` without a `session_id` starts a session, so without a bound the history
grows for ever. `prune` deletes, oldest activity first, the sessions idle for longer than
`max_age_days` and those beyond the newest `max_sessions`, and trims each kept session to
its newest `max_messages_per_session` messages. The app runs it at startup and then every
`interval_s` seconds in a worker thread; each run is a handful of indexed queries.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from chatbot.history.models import ChatSession, Feedback, Message

logger = logging.getLogger(__name__)
_BATCH = 500


class RetentionConfig(BaseModel):
    max_age_days: float = Field(
        default=30,
        gt=0,
        description="Sessions without a message for this many days are deleted.",
    )
    max_sessions: int = Field(
        default=10_000, ge=1, description="Newest sessions kept; older ones are deleted."
    )
    max_messages_per_session: int = Field(
        default=1_000,
        ge=2,
        description="Newest messages kept per session; older ones are deleted.",
    )
    interval_s: float = Field(
        default=3600, gt=0, description="Seconds between two retention runs of the service."
    )


@dataclass(frozen=True)
class PruneResult:
    sessions: int
    messages: int


def _delete_messages(session: Session, ids: list[int]) -> None:
    for i in range(0, len(ids), _BATCH):
        batch = ids[i : i + _BATCH]
        session.execute(delete(Feedback).where(Feedback.message_id.in_(batch)))
        session.execute(delete(Message).where(Message.id.in_(batch)))


def prune(engine: Engine, config: RetentionConfig, now: datetime | None = None) -> PruneResult:
    """Apply the retention rules once; returns how many sessions and messages went."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=config.max_age_days)
    last_message = (
        select(Message.session_id, func.max(Message.created_at).label("last"))
        .group_by(Message.session_id)
        .subquery()
    )
    activity = func.coalesce(last_message.c.last, ChatSession.created_at)
    with Session(engine) as session, session.begin():
        ranked = session.execute(
            select(ChatSession.id, activity)
            .outerjoin(last_message, last_message.c.session_id == ChatSession.id)
            .order_by(activity.desc(), ChatSession.id.desc())
        ).all()
        gone = [
            sid
            for rank, (sid, last) in enumerate(ranked)
            if rank >= config.max_sessions or _aware(last) < cutoff
        ]
        doomed_messages: list[int] = []
        for i in range(0, len(gone), _BATCH):
            batch = gone[i : i + _BATCH]
            doomed_messages += session.scalars(
                select(Message.id).where(Message.session_id.in_(batch))
            ).all()
        # Sessions over the per-session cap: their oldest messages.
        long_sessions = session.scalars(
            select(Message.session_id)
            .group_by(Message.session_id)
            .having(func.count(Message.id) > config.max_messages_per_session)
        ).all()
        gone_set = set(gone)
        for sid in long_sessions:
            if sid in gone_set:
                continue
            doomed_messages += session.scalars(
                select(Message.id)
                .where(Message.session_id == sid)
                .order_by(Message.id.desc())
                .offset(config.max_messages_per_session)
            ).all()
        _delete_messages(session, doomed_messages)
        for i in range(0, len(gone), _BATCH):
            session.execute(delete(ChatSession).where(ChatSession.id.in_(gone[i : i + _BATCH])))
    result = PruneResult(sessions=len(gone), messages=len(doomed_messages))
    if result.sessions or result.messages:
        logger.info("retention sessions=%d messages=%d", result.sessions, result.messages)
    return result


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def run_periodically(engine: Engine, config: RetentionConfig) -> None:
    """Prune now and then every `interval_s` seconds until cancelled; errors are logged."""
    while True:
        try:
            await run_in_threadpool(prune, engine, config)
        except Exception:
            logger.exception("retention run failed")
        await asyncio.sleep(config.interval_s)
