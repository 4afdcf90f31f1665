"""`POST /search`: hybrid retrieval over the notes."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field, field_validator
from starlette.concurrency import run_in_threadpool

from chatbot.api.deps import ServicesDep
from chatbot.api.errors import ApiError
from chatbot.api.text import UnicodeStr
from vector_store.store import IndexNotReadyError

router = APIRouter(tags=["search"])


class SearchRequest(BaseModel):
    query: UnicodeStr = Field(
        min_length=1,
        max_length=2000,
        description="Korean (or mixed) search text.",
        examples=["SVM의 마진이란?"],
    )
    k: int = Field(default=5, ge=1, le=50, description="How many passages to return (1-50).")

    @field_validator("query")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("query must not be blank / 검색어가 비어 있어요")
        return v.strip()


class SearchResultItem(BaseModel):
    chunk_id: int
    source: str = Field(description="Notes file, relative to the notes folder.")
    heading: str = Field(description="Heading path of the passage, joined by ' > '.")
    text: str
    score: float = Field(description="Fused relevance score (higher is better).")


class SearchResponse(BaseModel):
    results: list[SearchResultItem]


@router.post("/search", response_model=SearchResponse)
async def search(body: SearchRequest, services: ServicesDep) -> SearchResponse:
    """Find the passages of the notes that best match a query.

    Hybrid retrieval: BM25 over Kiwi morphemes (English terms and code identifiers
    such as `Conv2D` or `requires_grad` kept whole) fused with dense sentence
    embeddings. Example: `{"query": "합성곱 계층은 무슨 역할을 해?", "k": 3}`.
    """
    try:
        result = await run_in_threadpool(services.searcher.search, body.query, body.k)
    except IndexNotReadyError as exc:
        raise ApiError(
            503,
            "index_not_ready",
            "아직 노트 인덱스가 없어요. 먼저 인덱싱을 실행하세요.",
            "No index yet: run `chatbot ingest` or POST /ingest first.",
        ) from exc
    return SearchResponse(
        results=[
            SearchResultItem(
                chunk_id=h.chunk_id, source=h.source, heading=h.heading, text=h.text, score=h.score
            )
            for h in result.hits
        ]
    )
