"""`POST /ingest`: re-run incremental ingestion of the configured notes folder."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool

from chatbot.api.deps import ServicesDep
from chatbot.api.errors import ApiError
from chatbot.api.security import require_admin
from ingest.pipeline import IngestBusyError, IngestError, NotesFolderError

router = APIRouter(tags=["ingest"])


@router.post("/ingest", dependencies=[Depends(require_admin)])
async def ingest(services: ServicesDep) -> dict[str, Any]:
    """Bring the index up to date with the notes folder (only what changed).

    Requires `Authorization: Bearer <CHATBOT_ADMIN_TOKEN>` when that setting is set;
    without a token only clients on this machine (loopback) may call it. Requests from
    another site (a foreign `Origin`) are refused. Searches and chats keep working
    during the run and switch to the new index when it is complete. Answers the report:
    `added`, `updated`, `removed`, `unchanged`, `chunks`, `embedded`, and per-file
    `errors` (unreadable files, and files refused: links leaving the notes folder,
    special files, files over the size cap).
    """
    try:
        report = await run_in_threadpool(services.ingest)
    except IngestBusyError as exc:
        raise ApiError(409, "ingest_busy", exc.ko, exc.en) from exc
    except NotesFolderError as exc:  # its message names a server path: keep that in the log
        raise ApiError(
            400,
            "notes_folder_unusable",
            "설정된 노트 폴더가 없거나 노트 파일이 없어요.",
            "The configured notes folder is missing or holds no notes files.",
        ) from exc
    except IngestError as exc:
        raise ApiError(400, "ingest_failed", exc.ko, exc.en) from exc
    return report.summary()
