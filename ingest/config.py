"""Configuration of the ingestion pipeline (nested into `chatbot.settings`)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ChunkingConfig(BaseModel):
    max_chars: int = Field(
        default=700, ge=100, le=8000, description="Upper bound of a chunk's text length."
    )
    min_chars: int = Field(
        default=120,
        ge=0,
        le=2000,
        description="Sections shorter than this are merged with a neighbour instead of "
        "standing alone.",
    )
    suffixes: tuple[str, ...] = Field(
        default=(".md", ".txt", ".markdown"), description="File suffixes read as notes."
    )
    max_file_bytes: int = Field(
        default=4 * 1024 * 1024,
        ge=1024,
        description="Largest notes file read; a larger one is skipped with a reason in the "
        "ingest report (a 50 MB file would take minutes and gigabytes to chunk and embed).",
    )
    lock_timeout_s: float = Field(
        default=30.0,
        ge=0,
        description="How long an ingest waits for another running ingest before failing.",
    )
