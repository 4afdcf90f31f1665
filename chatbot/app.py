"""The FastAPI application factory.

`create_app(settings)` wires routers and error handlers; the lifespan loads the
models once (Kiwi, the embedder, the generator, the image tools) into
`app.state.services`. Nothing heavy happens at import time.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from chatbot.api import chat, ingest, search, tools, v1
from chatbot.api.auth import ApiKeys
from chatbot.api.deps import ServicesDep
from chatbot.api.errors import install_error_handlers
from chatbot.api.ratelimit import RateLimiter
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
        services = await run_in_threadpool(Services.build, settings)
        if settings.ingest_on_startup:
            report = await run_in_threadpool(services.ingest)
            logger.info("startup ingest %s", report.summary())
        app.state.services = services
        app.state.image_tools = ImageTools(settings.tools)
        try:
            yield
        finally:
            services.close()

    app = FastAPI(
        title="강의 노트 도우미 (Korean course-notes chatbot)",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.state.api_keys = ApiKeys.from_settings(settings)
    app.state.rate_limiter = RateLimiter(settings.rate_limit)
    app.include_router(chat.router)
    app.include_router(search.router)
    app.include_router(ingest.router)
    app.include_router(tools.router)
    app.include_router(v1.router)

    @app.get("/health", tags=["health"])
    async def health(services: ServicesDep) -> dict[str, Any]:
        """Liveness and what is loaded: index generation and chunk count, models."""
        try:
            snap = await run_in_threadpool(services.store.snapshot)
            index: dict[str, Any] = {"generation": snap.generation, "chunks": len(snap)}
        except Exception as exc:  # an empty index is a state to report, not a failure
            index = {"generation": 0, "chunks": 0, "detail": str(exc)}
        return {"status": "ok", "index": index, **services.describe()}

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    async def index_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html")

    return app
