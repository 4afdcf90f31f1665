"""The FastAPI application factory.

`create_app(settings)` wires routers and error handlers; the lifespan loads the
models once (Kiwi, the embedder, the generator, the image tools) into
`app.state.services`. Nothing heavy happens at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from chatbot import integrity
from chatbot.api import chat, ingest, search, tools, v1
from chatbot.api.auth import ApiKeys
from chatbot.api.deps import ServicesDep
from chatbot.api.errors import install_error_handlers
from chatbot.api.openapi import document_errors
from chatbot.api.ratelimit import RateLimiter
from chatbot.api.security import install_security
from chatbot.history.retention import run_periodically
from chatbot.services import Services
from chatbot.settings import Settings
from chatbot.tools.service import ImageTools

logger = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent / "static"

DESCRIPTION = """
강의 노트 도우미: 한국어 머신러닝·딥러닝 강의 노트에 근거해 답하는 챗봇 API예요.
(A Korean chatbot that answers from ML/DL course notes, with sources.)

- `POST /chat`, `POST /chat/stream`: 대화 (chat, JSON or server-sent events)
- `POST /search`: 노트 검색 (hybrid search)
- `POST /ingest`: 노트 다시 인덱싱 (incremental re-ingestion)
- `POST /tools/digit`, `POST /tools/mosaic`: 손글씨 숫자 인식, 얼굴 모자이크 (image tools)
- `GET /v1/models`, `POST /v1/chat/completions`: OpenAI 호환 API (OpenAI-compatible API for
  the `openai` SDK, LangChain, Open WebUI)
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        damaged = settings.rebuild_if_damaged and await run_in_threadpool(
            integrity.repair_before_start, settings
        )
        services = await run_in_threadpool(Services.build, settings)
        if damaged or settings.ingest_on_startup:
            report = await run_in_threadpool(lambda: services.ingest(rebuild=bool(damaged)))
            logger.info("startup ingest %s", report.summary())
        app.state.services = services
        app.state.image_tools = ImageTools(settings.tools)
        app.state.storage = integrity.StorageMonitor(
            services.engine, settings.resolved_database_url
        )
        retention = asyncio.create_task(run_periodically(services.engine, settings.retention))
        try:
            yield
        finally:
            retention.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await retention
            app.state.rate_limiter.close()
            services.close()

    app = FastAPI(
        title="강의 노트 도우미 (Korean course-notes chatbot)",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    integrity.install_storage_error_handlers(app)
    install_security(app, settings)
    app.state.api_keys = ApiKeys.from_settings(settings)
    app.state.rate_limiter = RateLimiter(settings.rate_limit, settings.resolved_database_url)
    app.include_router(chat.router)
    app.include_router(search.router)
    app.include_router(ingest.router)
    app.include_router(tools.router)
    app.include_router(v1.router)

    @app.get("/health", tags=["health"], responses=integrity.HEALTH_RESPONSES)
    async def health(services: ServicesDep) -> Any:
        """Liveness and what is loaded: index generation and chunk count, models.

        Answers 503 with `"status": "degraded"` and a `reason` when the database is
        damaged (repair: `chatbot ingest --rebuild`)."""
        index, problem = await run_in_threadpool(
            integrity.health_state, services.store, app.state.storage
        )
        body = {"status": "degraded" if problem else "ok", "index": index}
        if problem:
            return JSONResponse({**body, "reason": problem, **services.describe()}, 503)
        return {**body, **services.describe()}

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    async def index_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html")

    document_errors(app)
    return app
