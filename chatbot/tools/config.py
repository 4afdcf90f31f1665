"""Settings of the image tools."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

# Bounds of the mosaic block size, shared by the setting and the API's query parameter.
MIN_MOSAIC_BLOCK = 2
MAX_MOSAIC_BLOCK = 256


class ToolsConfig(BaseModel):
    max_upload_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="Largest accepted upload, in bytes."
    )
    max_pixels: int = Field(
        default=25_000_000, ge=64, description="Largest accepted image, in pixels (w*h)."
    )
    max_decoded_bytes: int = Field(
        default=80 * 1024 * 1024,
        ge=1024,
        description="Largest accepted image once decoded, in bytes (pixels x channels x bytes "
        "per sample, read from the header before decoding): 25 MP RGB passes, a 16-bit RGBA "
        "image of the same size does not.",
    )
    max_concurrent: int = Field(
        default=2,
        ge=1,
        description="Images decoded and processed at the same time; further requests wait.",
    )
    queue_timeout_s: float = Field(
        default=20.0,
        gt=0,
        description="How long a request waits for a free image slot before a 503.",
    )
    mosaic_block: int = Field(
        default=12,
        ge=MIN_MOSAIC_BLOCK,
        le=MAX_MOSAIC_BLOCK,
        description="Pixel block size used to hide a face.",
    )
    digit_weights: Path | None = Field(
        default=None,
        description="CNN weights file; default: the weights shipped with the package.",
    )
    mosaic_min_neighbors: int = Field(
        default=5,
        ge=1,
        le=50,
        description="Haar cascade minNeighbors: higher finds fewer false faces but may miss "
        "real ones.",
    )
    mosaic_min_face: int = Field(
        default=30, ge=8, description="Smallest face searched for, in pixels of the searched image."
    )
    mosaic_detect_max_side: int = Field(
        default=2000,
        ge=256,
        description="Faces are searched on a copy downscaled to this longer side (bounds the "
        "detection time of huge photos); the mosaic is applied at full resolution.",
    )
    mosaic_margin: float = Field(
        default=0.1,
        ge=0,
        le=1,
        description="Each detected face box is widened by this fraction of its size on every "
        "side before pixelation, so that hairline and chin are hidden too.",
    )
