"""Digit recognition: held-out accuracy, MNIST-style preprocessing, drawn digits, CLI."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw, ImageFont

from chatbot.settings import Settings
from chatbot.tools import cli
from chatbot.tools.config import ToolsConfig
from chatbot.tools.digit import DEFAULT_WEIGHTS, DigitPredictor, NoDigitFoundError, preprocess_digit
from chatbot.tools.images import ImageToolError, to_gray
from chatbot.tools.service import ImageTools
from chatbot.tools.train_digit import (
    HOLDOUT_SIZE,
    augment,
    drop_duplicates_of,
    holdout_indices,
    load_holdout,
    train,
)

# Handwriting-like strokes of each digit in a unit box (x right, y down).
STROKES: dict[int, list[tuple[float, float]]] = {
    0: [(0.5, 0.0), (0.15, 0.2), (0.05, 0.5), (0.15, 0.85), (0.5, 1.0), (0.85, 0.85),
        (0.95, 0.5), (0.85, 0.15), (0.5, 0.0)],
    1: [(0.3, 0.15), (0.55, 0.0), (0.55, 1.0)],
    2: [(0.1, 0.25), (0.3, 0.03), (0.6, 0.0), (0.85, 0.2), (0.8, 0.45), (0.1, 1.0), (0.95, 1.0)],
    3: [(0.15, 0.1), (0.5, 0.0), (0.8, 0.15), (0.75, 0.4), (0.4, 0.5), (0.8, 0.6), (0.85, 0.85),
        (0.5, 1.0), (0.1, 0.9)],
    4: [(0.65, 1.0), (0.65, 0.0), (0.05, 0.7), (0.95, 0.7)],
    5: [(0.85, 0.0), (0.25, 0.0), (0.18, 0.45), (0.5, 0.38), (0.8, 0.5), (0.85, 0.8), (0.5, 1.0),
        (0.12, 0.9)],
    6: [(0.75, 0.0), (0.35, 0.3), (0.15, 0.65), (0.3, 0.95), (0.6, 1.0), (0.85, 0.8), (0.7, 0.55),
        (0.4, 0.5), (0.15, 0.7)],
    7: [(0.05, 0.0), (0.95, 0.0), (0.4, 1.0)],
    8: [(0.5, 0.48), (0.2, 0.28), (0.3, 0.03), (0.7, 0.03), (0.8, 0.28), (0.5, 0.48), (0.15, 0.75),
        (0.3, 0.98), (0.7, 0.98), (0.85, 0.75), (0.5, 0.48)],
    9: [(0.8, 0.25), (0.6, 0.45), (0.3, 0.42), (0.15, 0.22), (0.35, 0.02), (0.65, 0.02),
        (0.8, 0.25), (0.75, 1.0)],
}  # fmt: skip

# (ink, paper) colour pairs: dark on white, white on black, coloured inks and papers.
COLOURS = [
    ((0, 0, 0), (255, 255, 255)),
    ((255, 255, 255), (0, 0, 0)),
    ((20, 40, 200), (250, 245, 230)),
    ((200, 20, 20), (255, 255, 255)),
    ((255, 230, 0), (20, 20, 80)),
    ((90, 90, 90), (200, 200, 200)),
]


def png(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


def stroke_digit(
    digit: int,
    *,
    size: int,
    width: int,
    ink: tuple[int, int, int] = (0, 0, 0),
    paper: tuple[int, int, int] = (255, 255, 255),
    box: tuple[float, float, float, float] = (0.3, 0.15, 0.7, 0.85),
) -> Image.Image:
    """The digit drawn as a pen stroke of ``width`` px on a ``size`` x ``size`` sheet."""
    im = Image.new("RGB", (size, size), paper)
    draw = ImageDraw.Draw(im)
    x0, y0, x1, y1 = (v * size for v in box)
    points = [(x0 + (x1 - x0) * u, y0 + (y1 - y0) * v) for u, v in STROKES[digit]]
    draw.line(points, fill=ink, width=width, joint="curve")
    r = width / 2
    for px, py in (points[0], points[-1]):  # round pen tips
        draw.ellipse([px - r, py - r, px + r, py + r], fill=ink)
    return im


def font_digit(
    digit: int,
    *,
    font_size: int,
    stroke: int,
    ink: tuple[int, int, int] = (0, 0, 0),
    paper: tuple[int, int, int] = (255, 255, 255),
) -> Image.Image:
    """The digit typeset in Pillow's bundled font, bolder with ``stroke``."""
    size = font_size * 2
    im = Image.new("RGB", (size, size), paper)
    font = ImageFont.load_default(size=font_size)
    ImageDraw.Draw(im).text(
        (size / 2, size / 2), str(digit), font=font, fill=ink, anchor="mm",
        stroke_width=stroke, stroke_fill=ink,
    )  # fmt: skip
    return im


@pytest.fixture(scope="module")
def tools() -> ImageTools:
    return ImageTools(ToolsConfig())


@pytest.fixture(scope="module")
def holdout() -> tuple[np.ndarray, np.ndarray]:
    return load_holdout()


# --- the held-out split and accuracy ------------------------------------------------------


def test_holdout_split_is_fixed_disjoint_and_complete() -> None:
    train_idx, held_idx = holdout_indices(5000)
    assert len(held_idx) == HOLDOUT_SIZE
    assert len(train_idx) == 5000 - HOLDOUT_SIZE
    assert not set(train_idx) & set(held_idx)
    assert sorted([*train_idx, *held_idx]) == list(range(5000))
    again_train, again_held = holdout_indices(5000)
    assert np.array_equal(held_idx, again_held)
    assert np.array_equal(train_idx, again_train)


def test_held_out_accuracy_is_at_least_98_percent(holdout: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = holdout
    predicted = DigitPredictor().probabilities(x).argmax(axis=1)
    assert np.mean(predicted == y) >= 0.98


def test_held_out_accuracy_through_preprocessing(holdout: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = holdout
    prepared = np.stack([preprocess_digit(np.rint(img * 255).astype(np.uint8)) for img in x])
    predicted = DigitPredictor().probabilities(prepared).argmax(axis=1)
    assert np.mean(predicted == y) >= 0.98


def test_shipped_weights_are_small_tensors_only() -> None:
    assert DEFAULT_WEIGHTS.stat().st_size < 2_000_000
    state = torch.load(DEFAULT_WEIGHTS, map_location="cpu", weights_only=True)
    assert all(isinstance(v, torch.Tensor) for v in state.values())


# --- preprocessing ------------------------------------------------------------------------


def ink_bbox(field: np.ndarray, level: float = 0.05) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(field > level)
    return int(ys.min()), int(ys.max()), int(xs.min()), int(xs.max())


def centre_of_mass(field: np.ndarray) -> tuple[float, float]:
    rows, cols = np.indices(field.shape)
    return float((rows * field).sum() / field.sum()), float((cols * field).sum() / field.sum())


def gray(im: Image.Image) -> np.ndarray:
    return np.asarray(im.convert("L"))


def test_light_background_is_inverted() -> None:
    dark_on_light = gray(stroke_digit(7, size=200, width=12))
    light_on_dark = 255 - dark_on_light

    a = preprocess_digit(dark_on_light)
    b = preprocess_digit(light_on_dark)

    assert np.allclose(a, b, atol=1e-6)
    assert a[0, 0] == 0.0  # background black
    assert a.max() == pytest.approx(1.0, abs=0.02)  # ink white


def test_crop_keeps_aspect_ratio_with_longest_side_20() -> None:
    sheet = np.full((300, 200), 255, dtype=np.uint8)
    sheet[40:120, 150:170] = 0  # an 80 x 20 bar, off centre

    field = preprocess_digit(sheet)

    top, bottom, left, right = ink_bbox(field)
    assert bottom - top + 1 == 20
    assert right - left + 1 in (5, 6)  # 20 * 20 / 80 = 5, plus a resampling edge
    assert field.shape == (28, 28)


def test_wide_ink_is_scaled_by_its_width() -> None:
    sheet = np.zeros((100, 300), dtype=np.uint8)
    sheet[45:55, 20:280] = 255  # a 10 x 260 dash

    top, bottom, left, right = ink_bbox(preprocess_digit(sheet))
    assert right - left + 1 == 20
    assert bottom - top + 1 <= 2


def test_digit_is_centred_by_mass_wherever_it_was() -> None:
    for box in [(0.0, 0.0, 0.3, 0.4), (0.6, 0.5, 0.95, 0.95), (0.3, 0.15, 0.7, 0.85)]:
        field = preprocess_digit(gray(stroke_digit(2, size=300, width=14, box=box)))
        cy, cx = centre_of_mass(field)
        assert abs(cy - 14) <= 0.5
        assert abs(cx - 14) <= 0.5


def test_size_and_position_do_not_change_the_result() -> None:
    small = preprocess_digit(gray(stroke_digit(5, size=120, width=8, box=(0.1, 0.1, 0.4, 0.6))))
    large = preprocess_digit(gray(stroke_digit(5, size=600, width=40)))
    assert np.abs(small - large).mean() < 0.06


def test_specks_and_paper_tone_are_ignored() -> None:
    clean = gray(stroke_digit(4, size=240, width=14))
    noisy = clean.copy().astype(np.int16)
    noisy = np.where(noisy > 128, 215, noisy)  # greyish paper
    noisy[5:8, 225:228] = 0  # a speck of dust in a corner
    noisy += np.random.default_rng(0).integers(-6, 7, size=noisy.shape, dtype=np.int16)
    noisy = np.clip(noisy, 0, 255).astype(np.uint8)

    a = preprocess_digit(clean)
    b = preprocess_digit(noisy)

    assert ink_bbox(a) == ink_bbox(b)
    assert np.abs(a - b).mean() < 0.03


def test_mnist_digit_survives_preprocessing(holdout: tuple[np.ndarray, np.ndarray]) -> None:
    x, _ = holdout
    for img in x[:20]:
        again = preprocess_digit(np.rint(img * 255).astype(np.uint8))
        assert np.corrcoef(img.ravel(), again.ravel())[0, 1] > 0.9


@pytest.mark.parametrize("level", [0, 128, 255])
def test_blank_image_has_no_digit(level: int) -> None:
    with pytest.raises(NoDigitFoundError):
        preprocess_digit(np.full((50, 50), level, dtype=np.uint8))


def test_service_reports_no_digit_as_client_error(tools: ImageTools) -> None:
    faint = np.full((60, 60), 200, dtype=np.uint8)
    faint[20:40, 28:32] = 190  # contrast too low to be ink
    with pytest.raises(ImageToolError) as err:
        tools.recognize_digit(png(Image.fromarray(faint)))
    assert err.value.status_code == 422
    assert err.value.code == "no_digit_found"


# --- drawn digits ------------------------------------------------------------------------


def recognise_all(tools: ImageTools, images: list[Image.Image]) -> np.ndarray:
    """The upload path of ``recognize_digit`` (decode, grayscale, preprocess, CNN), batched."""
    fields = [preprocess_digit(to_gray(tools.decode(png(im)))) for im in images]
    return tools.predictor().probabilities(np.stack(fields)).argmax(axis=1)


def test_recognise_all_matches_the_service(tools: ImageTools) -> None:
    images = [stroke_digit(d, size=120, width=9) for d in (2, 6)]
    assert list(recognise_all(tools, images)) == [
        tools.recognize_digit(png(im)).digit for im in images
    ]


def test_ink_and_paper_colours_do_not_matter() -> None:
    fields = [
        preprocess_digit(gray(stroke_digit(8, size=200, width=14, ink=ink, paper=paper)))
        for ink, paper in COLOURS
    ]
    for field in fields[1:]:
        # Centring moves whole pixels, as MNIST's did, so a centre of mass lying exactly
        # between two pixels may go either way: compare up to a one-pixel shift.
        diffs = [
            np.abs(np.roll(field, (dy, dx), axis=(0, 1)) - fields[0]).max()
            for dy in (-1, 0, 1)
            for dx in (-1, 0, 1)
        ]
        assert min(diffs) < 0.1


def test_pen_drawn_digits_in_many_strokes_sizes_and_colours(tools: ImageTools) -> None:
    # (sheet size, pen width): fine and thick pens, small and large sheets.
    pens = [(100, 3), (100, 10), (400, 6), (400, 30), (400, 60)]
    digits, images = [], []
    for digit in range(10):
        for i, (size, width) in enumerate(pens):
            ink, paper = COLOURS[(digit + i) % len(COLOURS)]
            images.append(stroke_digit(digit, size=size, width=width, ink=ink, paper=paper))
            digits.append(digit)
    predicted = recognise_all(tools, images)
    assert np.mean(predicted == np.array(digits)) >= 0.95


def test_typeset_digits(tools: ImageTools) -> None:
    # Pillow's bundled font (Aileron). Its "1" has a long flag and is read as 7: MNIST's
    # ones are plain strokes. The pen-drawn test covers handwritten ones.
    styles = [(40, 0), (100, 0), (150, 0), (150, 4)]
    digits, images = [], []
    for digit in (0, 2, 3, 4, 5, 6, 7, 8, 9):
        for i, (font_size, stroke) in enumerate(styles):
            ink, paper = COLOURS[(digit + i) % len(COLOURS)]
            images.append(
                font_digit(digit, font_size=font_size, stroke=stroke, ink=ink, paper=paper)
            )
            digits.append(digit)
    predicted = recognise_all(tools, images)
    assert np.mean(predicted == np.array(digits)) >= 0.95


def test_photo_like_digit_on_uneven_paper(tools: ImageTools) -> None:
    im = stroke_digit(3, size=480, width=22, ink=(40, 50, 70), paper=(235, 230, 220))
    pixels = np.asarray(im).astype(np.float32)
    shade = np.linspace(0.85, 1.0, 480, dtype=np.float32)[None, :, None]  # light falloff
    noise = np.random.default_rng(1).normal(0, 4, pixels.shape)
    photo = Image.fromarray(np.clip(pixels * shade + noise, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    photo.save(buf, format="JPEG", quality=80)

    result = tools.recognize_digit(buf.getvalue())

    assert result.digit == 3
    assert result.confidence > 0.5


# --- training code -----------------------------------------------------------------------


def test_augment_keeps_shape_range_and_varies(holdout: tuple[np.ndarray, np.ndarray]) -> None:
    x = torch.from_numpy(holdout[0][:32]).unsqueeze(1)
    out = augment(x, torch.Generator().manual_seed(0))
    assert out.shape == x.shape
    assert float(out.min()) >= 0.0
    assert float(out.max()) <= 1.0
    assert not torch.equal(out, x)
    again = augment(x, torch.Generator().manual_seed(0))
    assert torch.equal(out, again)


def test_training_is_reproducible_with_a_seed(holdout: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = holdout[0][:64], holdout[1][:64]
    a = train(x, y, epochs=1, seed=3, batch_size=32).state_dict()
    b = train(x, y, epochs=1, seed=3, batch_size=32).state_dict()
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_full_mnist_path_drops_copies_of_held_out_digits(
    holdout: tuple[np.ndarray, np.ndarray],
) -> None:
    held = holdout[0][:5]
    other = np.zeros((3, 28, 28), dtype=np.float32)
    other[:, 10:18, 10:18] = np.arange(1, 4, dtype=np.float32)[:, None, None] / 4
    x = np.concatenate([other, held[:2]])
    y = np.arange(5)
    kept_x, kept_y = drop_duplicates_of(x, y, held)
    assert list(kept_y) == [0, 1, 2]
    assert np.array_equal(kept_x, other)


# --- CLI ---------------------------------------------------------------------------------


def test_cli_digit_prints_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = tmp_path / "seven.png"
    image.write_bytes(png(stroke_digit(7, size=160, width=10)))
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["digit", str(image), "--json"])

    assert args.func(args, Settings()) == 0

    out = json.loads(capsys.readouterr().out)
    assert out["digit"] == 7
    assert len(out["probabilities"]) == 10


def test_cli_digit_reports_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["digit", str(tmp_path / "missing.png")])
    assert args.func(args, Settings()) == 1
    assert "missing.png" in capsys.readouterr().err
