"""Face mosaic: detection on real photos, exact pixelation geometry, CLI."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from chatbot.settings import Settings
from chatbot.tools import cli
from chatbot.tools.config import ToolsConfig
from chatbot.tools.images import ImageToolError
from chatbot.tools.mosaic import FaceBox, pixelate
from chatbot.tools.service import ImageTools

# Where the astronaut's face is in skimage's 512x512 photo (checked by eye).
ASTRONAUT_FACE_CENTRE = (225, 115)


def encode(pixels: np.ndarray, fmt: str = "PNG", **params: object) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format=fmt, **params)
    return buf.getvalue()


def decode(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as im:
        assert im.format == "PNG"
        return np.asarray(im)


def outside_mask(shape: tuple[int, ...], boxes: list[FaceBox]) -> np.ndarray:
    mask = np.ones(shape[:2], dtype=bool)
    for b in boxes:
        mask[b.y : b.y + b.h, b.x : b.x + b.w] = False
    return mask


def assert_blocks_uniform(pixels: np.ndarray, box: FaceBox, block: int) -> None:
    for y in range(box.y, box.y + box.h, block):
        for x in range(box.x, box.x + box.w, block):
            cell = pixels[y : min(y + block, box.y + box.h), x : min(x + block, box.x + box.w)]
            flat = cell.reshape(-1, cell.shape[-1])
            assert (flat == flat[0]).all(), f"block at ({x}, {y}) is not uniform"


@pytest.fixture(scope="module")
def tools() -> ImageTools:
    return ImageTools(ToolsConfig())


@pytest.fixture(scope="module")
def astronaut() -> np.ndarray:
    return data.astronaut()


def test_astronaut_face_is_pixelated_and_nothing_else_changes(
    tools: ImageTools, astronaut: np.ndarray
) -> None:
    result = tools.mosaic(encode(astronaut), block=12)

    assert result.faces == 1
    (box,) = result.boxes
    cx, cy = ASTRONAUT_FACE_CENTRE
    assert box.x < cx < box.x + box.w
    assert box.y < cy < box.y + box.h
    assert 60 <= box.w <= 160
    assert (result.width, result.height) == (512, 512)

    out = decode(result.png)
    assert out.shape == astronaut.shape
    outside = outside_mask(out.shape, result.boxes)
    assert np.array_equal(out[outside], astronaut[outside])
    assert_blocks_uniform(out, box, 12)
    face_before = astronaut[box.y : box.y + box.h, box.x : box.x + box.w]
    face_after = out[box.y : box.y + box.h, box.x : box.x + box.w]
    assert not np.array_equal(face_before, face_after)


def test_block_size_is_respected_and_defaults_to_config(astronaut: np.ndarray) -> None:
    tools = ImageTools(ToolsConfig(mosaic_block=20))
    default = tools.mosaic(encode(astronaut))
    assert default.block == 20
    assert_blocks_uniform(decode(default.png), default.boxes[0], 20)

    small = tools.mosaic(encode(astronaut), block=5)
    assert small.block == 5
    assert_blocks_uniform(decode(small.png), small.boxes[0], 5)


@pytest.mark.parametrize("block", [0, 1, 257])
def test_block_out_of_range_is_a_client_error(tools: ImageTools, block: int) -> None:
    with pytest.raises(ImageToolError) as err:
        tools.mosaic(encode(data.astronaut()), block=block)
    assert err.value.status_code == 422


@pytest.mark.parametrize(
    "pixels",
    [
        pytest.param(data.coffee(), id="coffee"),
        pytest.param(
            np.dstack([np.tile(np.linspace(0, 255, 320).astype(np.uint8), (240, 1))] * 3),
            id="gradient",
        ),
    ],
)
def test_no_face_leaves_image_unchanged(tools: ImageTools, pixels: np.ndarray) -> None:
    result = tools.mosaic(encode(pixels))
    assert result.faces == 0
    assert np.array_equal(decode(result.png), pixels)


def test_several_faces_are_all_pixelated(tools: ImageTools, astronaut: np.ndarray) -> None:
    face = astronaut[30:260, 120:330]
    canvas = np.full((300, 720, 3), 200, dtype=np.uint8)
    for i in range(3):
        canvas[35:265, 20 + i * 235 : 230 + i * 235] = face

    result = tools.mosaic(encode(canvas), block=10)

    assert result.faces == 3
    centres = sorted(b.x + b.w // 2 for b in result.boxes)
    for i, cx in enumerate(centres):
        assert 20 + i * 235 < cx < 230 + i * 235  # one box per tile
    out = decode(result.png)
    outside = outside_mask(out.shape, result.boxes)
    assert np.array_equal(out[outside], canvas[outside])
    for box in result.boxes:
        assert_blocks_uniform(out, box, 10)


def test_margin_widens_the_detected_box(astronaut: np.ndarray) -> None:
    png = encode(astronaut)
    (tight,) = ImageTools(ToolsConfig(mosaic_margin=0)).find_faces(png).boxes
    (wide,) = ImageTools(ToolsConfig(mosaic_margin=0.25)).find_faces(png).boxes
    assert wide.x < tight.x
    assert wide.y < tight.y
    assert wide.x + wide.w > tight.x + tight.w
    assert wide.y + wide.h > tight.y + tight.h
    assert wide.w == pytest.approx(1.5 * tight.w, abs=2)


def test_find_faces_matches_mosaic(tools: ImageTools, astronaut: np.ndarray) -> None:
    png = encode(astronaut)
    assert tools.find_faces(png).boxes == tools.mosaic(png).boxes


def test_large_photo_is_searched_downscaled_and_boxes_map_back(astronaut: np.ndarray) -> None:
    big = np.asarray(Image.fromarray(astronaut).resize((1024, 1024), Image.Resampling.BILINEAR))
    tools = ImageTools(ToolsConfig(mosaic_detect_max_side=512))
    result = tools.mosaic(encode(big, "JPEG", quality=92), block=16)

    assert result.faces == 1
    (box,) = result.boxes
    cx, cy = ASTRONAUT_FACE_CENTRE
    assert box.x < 2 * cx < box.x + box.w
    assert box.y < 2 * cy < box.y + box.h
    assert 120 <= box.w <= 320
    assert decode(result.png).shape == (1024, 1024, 3)


def test_transparency_is_kept_and_only_faces_change(
    tools: ImageTools, astronaut: np.ndarray
) -> None:
    alpha = np.full(astronaut.shape[:2], 255, dtype=np.uint8)
    alpha[:, :40] = 0
    rgba = np.dstack([astronaut, alpha])

    result = tools.mosaic(encode(rgba))

    out = decode(result.png)
    assert out.shape == (512, 512, 4)
    assert result.faces == 1
    outside = outside_mask(out.shape, result.boxes)
    assert np.array_equal(out[outside], rgba[outside])


def test_grayscale_photo_gives_rgb_with_face_hidden(tools: ImageTools) -> None:
    gray = np.asarray(Image.fromarray(data.astronaut()).convert("L"))
    result = tools.mosaic(encode(gray))
    out = decode(result.png)
    assert out.shape == (512, 512, 3)
    assert result.faces == 1
    outside = outside_mask(out.shape, result.boxes)
    assert np.array_equal(out[outside][:, 0], gray[outside])


def test_pixelate_uses_exact_block_means_and_cuts_edge_blocks() -> None:
    pixels = np.arange(6 * 7 * 3, dtype=np.uint8).reshape(6, 7, 3)
    box = FaceBox(x=1, y=1, w=5, h=4)

    out = pixelate(pixels, [box], block=3)

    region = pixels[1:5, 1:6].astype(float)
    # Blocks: rows [0:3] and [3:4], columns [0:3] and [3:5] of the region.
    expected = np.empty_like(region)
    for rs in (slice(0, 3), slice(3, 4)):
        for cs in (slice(0, 3), slice(3, 5)):
            expected[rs, cs] = np.rint(region[rs, cs].mean(axis=(0, 1)))
    assert np.array_equal(out[1:5, 1:6], expected.astype(np.uint8))
    mask = outside_mask(pixels.shape, [box])
    assert np.array_equal(out[mask], pixels[mask])
    assert not np.shares_memory(out, pixels)


def test_cli_mosaic_writes_png_and_prints_json(
    tmp_path: Path, astronaut: np.ndarray, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "photo.jpg"
    src.write_bytes(encode(astronaut, "JPEG", quality=95))
    dst = tmp_path / "hidden.png"
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["mosaic", str(src), "-o", str(dst), "--block", "8", "--json"])

    assert args.func(args, Settings()) == 0

    report = json.loads(capsys.readouterr().out)
    assert report["faces"] == 1
    assert set(report["boxes"][0]) == {"x", "y", "w", "h"}
    assert decode(dst.read_bytes()).shape == (512, 512, 3)


def test_cli_mosaic_reports_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "notes.txt"
    src.write_text("not an image")
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["mosaic", str(src), "-o", str(tmp_path / "out.png")])

    assert args.func(args, Settings()) == 1

    err = capsys.readouterr().err
    assert "PNG" in err
    assert not (tmp_path / "out.png").exists()
