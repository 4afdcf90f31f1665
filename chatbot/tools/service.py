"""The image tools as one service object: digit recognition and face mosaic.

All methods are synchronous and CPU-bound; the web layer runs them in a worker thread.
The CNN and the face cascade are loaded on first use, once, even when the first requests
arrive together. At most ``max_concurrent`` images are decoded and processed at once (each
can take tens of MiB); a request that finds no free slot within ``queue_timeout_s`` gets a
503 instead of piling up memory.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from chatbot.tools.config import MAX_MOSAIC_BLOCK, MIN_MOSAIC_BLOCK, ToolsConfig
from chatbot.tools.digit_preprocess import NoDigitFoundError, preprocess_digit
from chatbot.tools.images import (
    DecodedImage,
    ImageToolError,
    decode_image,
    encode_png,
    guard_decompression_bombs,
    to_gray,
)
from chatbot.tools.mosaic import FaceBox, FaceDetector, pixelate

if TYPE_CHECKING:
    from chatbot.tools.digit import DigitPredictor

logger = logging.getLogger(__name__)
# The digit is cropped and scaled down to 20x20 pixels: a 1024-pixel copy loses nothing.
DIGIT_MAX_SIDE = 1024


@dataclass(frozen=True)
class DigitResult:
    """The recognised digit, its probability, and the probabilities of all ten digits."""

    digit: int
    confidence: float
    probabilities: list[float]


@dataclass(frozen=True)
class FaceSearch:
    """Where the faces are in an image, and the image's size."""

    boxes: list[FaceBox]
    width: int
    height: int

    @property
    def faces(self) -> int:
        return len(self.boxes)


@dataclass(frozen=True)
class MosaicResult(FaceSearch):
    """The image with faces pixelated (PNG), where the faces were, and the block size."""

    png: bytes
    block: int


class ImageTools:
    """Digit recognition and face mosaic over uploaded image bytes."""

    def __init__(self, config: ToolsConfig) -> None:
        self.config = config
        self._predictor: DigitPredictor | None = None
        self._detector: FaceDetector | None = None
        self._predictor_lock = threading.Lock()
        self._detector_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(config.max_concurrent)
        guard_decompression_bombs()

    @contextmanager
    def _slot(self) -> Iterator[None]:
        """Hold one of the ``max_concurrent`` image slots, or raise a 503 when none frees up."""
        if not self._slots.acquire(timeout=self.config.queue_timeout_s):
            raise ImageToolError(
                503,
                "tools_busy",
                "이미지 처리 요청이 많아요. 잠시 후 다시 시도하세요.",
                "Too many images are being processed; try again shortly.",
            )
        try:
            yield
        finally:
            self._slots.release()

    def predictor(self) -> DigitPredictor:
        """The digit CNN, loaded on first call."""
        if self._predictor is None:
            with self._predictor_lock:
                if self._predictor is None:
                    # torch is imported here, on first use, so the chat service starts
                    # without it (seconds of startup and hundreds of MiB of memory).
                    from chatbot.tools.digit import DigitPredictor

                    self._predictor = DigitPredictor(self.config.digit_weights)
        return self._predictor

    def detector(self) -> FaceDetector:
        """The face detector, loaded on first call."""
        if self._detector is None:
            with self._detector_lock:
                if self._detector is None:
                    self._detector = FaceDetector(
                        min_neighbors=self.config.mosaic_min_neighbors,
                        min_size=self.config.mosaic_min_face,
                        max_side=self.config.mosaic_detect_max_side,
                        margin=self.config.mosaic_margin,
                    )
        return self._detector

    def decode(self, data: bytes, max_side: int | None = None) -> DecodedImage:
        """Validate and decode upload bytes; raises :class:`ImageToolError` on bad input."""
        return decode_image(
            data,
            max_bytes=self.config.max_upload_bytes,
            max_pixels=self.config.max_pixels,
            max_decoded_bytes=self.config.max_decoded_bytes,
            max_side=max_side,
        )

    def recognize_digit(self, data: bytes) -> DigitResult:
        """Recognise the single handwritten digit in an image."""
        with self._slot():
            return self._recognize_digit(data)

    def _recognize_digit(self, data: bytes) -> DigitResult:
        image = self.decode(data, max_side=DIGIT_MAX_SIDE)
        try:
            digit_field = preprocess_digit(to_gray(image))
        except NoDigitFoundError as exc:
            raise ImageToolError(
                422,
                "no_digit_found",
                "이미지에서 숫자를 찾지 못했어요. 배경과 대비되는 숫자 하나를 올려 주세요.",
                "No digit found in the image; send one digit that contrasts with its background.",
            ) from exc
        probs = self.predictor().probabilities(digit_field[np.newaxis])[0]
        digit = int(probs.argmax())
        logger.debug("digit recognised digit=%d confidence=%.3f", digit, probs[digit])
        return DigitResult(
            digit=digit,
            confidence=float(probs[digit]),
            probabilities=[float(p) for p in probs],
        )

    def find_faces(self, data: bytes) -> FaceSearch:
        """Detect faces without changing the image."""
        with self._slot():
            image = self.decode(data)
            boxes = self.detector().detect(image.pixels)
        return FaceSearch(boxes=boxes, width=image.width, height=image.height)

    def mosaic(self, data: bytes, block: int | None = None) -> MosaicResult:
        """Pixelate every detected face with ``block``-pixel squares (default: configured)."""
        size = self.config.mosaic_block if block is None else block
        if not MIN_MOSAIC_BLOCK <= size <= MAX_MOSAIC_BLOCK:
            raise ImageToolError(
                422,
                "invalid_block",
                f"모자이크 블록 크기는 {MIN_MOSAIC_BLOCK}~{MAX_MOSAIC_BLOCK} 사이여야 해요.",
                f"The mosaic block size must be between {MIN_MOSAIC_BLOCK} and {MAX_MOSAIC_BLOCK}.",
            )
        with self._slot():
            image = self.decode(data)
            boxes = self.detector().detect(image.pixels)
            png = encode_png(pixelate(image.pixels, boxes, size))
        logger.debug(
            "mosaic faces=%d size=%dx%d block=%d", len(boxes), image.width, image.height, size
        )
        return MosaicResult(
            png=png,
            boxes=boxes,
            width=image.width,
            height=image.height,
            block=size,
        )
