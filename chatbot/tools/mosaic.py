"""Face detection (OpenCV Haar cascade) and pixelation of the detected faces."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

logger = logging.getLogger(__name__)

FRONTAL_FACE_CASCADE = (
    Path(cv2.data.haarcascades)  # type: ignore[attr-defined]
    / "haarcascade_frontalface_default.xml"
)


@dataclass(frozen=True)
class FaceBox:
    """A face rectangle in image pixels: top-left corner, width and height."""

    x: int
    y: int
    w: int
    h: int

    def as_dict(self) -> dict[str, int]:
        return {"x": self.x, "y": self.y, "w": self.w, "h": self.h}


class FaceDetector:
    """Frontal faces with OpenCV's Haar cascade, loaded once.

    ``CascadeClassifier.detectMultiScale`` mutates internal buffers, so one classifier must
    not run in two threads at once (opencv/opencv#4287); calls are serialised by a lock.
    OpenCV still spreads each call over its own worker threads. Images whose longer side
    exceeds ``max_side`` are searched on a downscaled copy, which bounds the time a call
    holds the lock; the boxes are mapped back to full resolution. Each box is widened by
    ``margin`` (a fraction of its size) on every side, because the cascade's box runs from
    eyebrows to mouth and would leave hairline and chin visible.
    """

    def __init__(
        self,
        *,
        min_neighbors: int = 5,
        min_size: int = 30,
        max_side: int = 2000,
        margin: float = 0.1,
        cascade_path: Path = FRONTAL_FACE_CASCADE,
    ) -> None:
        cascade = cv2.CascadeClassifier(str(cascade_path))
        if cascade.empty():
            raise RuntimeError(f"could not load the face cascade {cascade_path}")
        self._cascade = cascade
        self._lock = threading.Lock()
        self.min_neighbors = min_neighbors
        self.min_size = min_size
        self.max_side = max_side
        self.margin = margin
        logger.info("face cascade loaded path=%s", cascade_path)

    def detect(self, rgb: np.ndarray) -> list[FaceBox]:
        """Faces in an RGB(A) uint8 image ``(H, W, 3|4)``, sorted top-to-bottom, left-to-right."""
        gray = cv2.cvtColor(np.ascontiguousarray(rgb[..., :3]), cv2.COLOR_RGB2GRAY)
        height, width = gray.shape
        factor = min(1.0, self.max_side / max(height, width))
        if factor < 1.0:
            size = (max(1, round(width * factor)), max(1, round(height * factor)))
            gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
        gray = cv2.equalizeHist(gray)
        with self._lock:
            found = self._cascade.detectMultiScale(
                gray,
                scaleFactor=1.1,
                minNeighbors=self.min_neighbors,
                minSize=(self.min_size, self.min_size),
            )
        boxes = []
        for x, y, w, h in np.asarray(found, dtype=np.float64).reshape(-1, 4):
            dx, dy = w * self.margin, h * self.margin
            x0 = max(0, int(np.floor((x - dx) / factor)))
            y0 = max(0, int(np.floor((y - dy) / factor)))
            x1 = min(width, int(np.ceil((x + w + dx) / factor)))
            y1 = min(height, int(np.ceil((y + h + dy) / factor)))
            if x1 > x0 and y1 > y0:
                boxes.append(FaceBox(x0, y0, x1 - x0, y1 - y0))
        return sorted(boxes, key=lambda b: (b.y, b.x))


def pixelate(pixels: np.ndarray, boxes: list[FaceBox], block: int) -> np.ndarray:
    """A copy of ``pixels`` with every box replaced by ``block`` x ``block`` mean colours.

    Blocks start at each box's top-left corner; blocks at the right and bottom edges of a
    box are cut to fit, so nothing outside a box changes. All channels (alpha included)
    are averaged.
    """
    if block < 1:
        raise ValueError("block must be >= 1")
    out = pixels.copy()
    for box in boxes:
        region = out[box.y : box.y + box.h, box.x : box.x + box.w].astype(np.float64)
        rows = np.arange(0, region.shape[0], block)
        cols = np.arange(0, region.shape[1], block)
        sums = np.add.reduceat(np.add.reduceat(region, rows, axis=0), cols, axis=1)
        heights = np.diff(np.append(rows, region.shape[0]))
        widths = np.diff(np.append(cols, region.shape[1]))
        means = sums / (heights[:, None] * widths[None, :])[..., None]
        blocks = np.repeat(np.repeat(np.rint(means), heights, axis=0), widths, axis=1)
        out[box.y : box.y + box.h, box.x : box.x + box.w] = blocks.astype(pixels.dtype)
    return out
