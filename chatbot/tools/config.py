"""Settings of the image tools."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field


class ToolsConfig(BaseModel):
    max_upload_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="Largest accepted upload, in bytes."
    )
    max_pixels: int = Field(
        default=25_000_000, ge=64, description="Largest accepted image, in pixels (w*h)."
    )
    mosaic_block: int = Field(
        default=12, ge=2, le=256, description="Pixel block size used to hide a face."
    )
    digit_weights: Path | None = Field(
        default=None,
        description="CNN weights file; default: the weights shipped with the package.",
    )
