"""`POST /ingest`: re-run incremental ingestion of the configured notes folder."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Header
from starlette.concurrency import run_in_threadpool

from chatbot.api.deps import ServicesDep
from chatbot.api.errors import ApiError
from ingest.pipeline import IngestBusyError, IngestError

router = APIRouter(tags=["ingest"])


@router.post("/ingest")
async def ingest(
    services: ServicesDep,
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Bring the index up to date with the notes folder (only what changed).

    Requires `Authorization: Bearer <CHATBOT_ADMIN_TOKEN>` when that setting is set.
    Searches and chats keep working during the run and switch to the new index when
    it is complete. Answers the report: `added`, `updated`, `removed`, `unchanged`,
    `chunks`, `embedded`, and per-file `errors`.
    """
    token = services.settings.admin_token
    if token:
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not authorization or not hmac.compare_digest(given.encode(), token.encode()):
            raise ApiError(
                401,
                "unauthorized",
                "관리자 토큰이 필요해요.",
                "A valid admin bearer token is required.",
                headers={"WWW-Authenticate": "Bearer"},
            )
    try:
        report = await run_in_threadpool(services.ingest)
    except IngestBusyError as exc:
        raise ApiError(409, "ingest_busy", exc.ko, exc.en) from exc
    except IngestError as exc:
        raise ApiError(400, "ingest_failed", exc.ko, exc.en) from exc
    return report.summary()
