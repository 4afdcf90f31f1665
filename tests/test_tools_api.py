"""HTTP endpoints of the image tools: results, every kind of bad upload, event loop."""

from __future__ import annotations

import asyncio
import io
import struct
import threading
import zlib
from collections.abc import Callable

import httpx
import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image
from skimage import data

from chatbot.api.errors import install_error_handlers
from chatbot.api.tools import router
from chatbot.tools.config import ToolsConfig
from chatbot.tools.service import ImageTools, MosaicResult
from chatbot.tools.train_digit import load_holdout

ENDPOINTS = ["/tools/digit", "/tools/mosaic"]


def make_app(tools: ImageTools) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    app.state.image_tools = tools

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"status": "ok"}

    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = make_app(ImageTools(ToolsConfig()))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def save(im: Image.Image, fmt: str, **params: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **params)
    return buf.getvalue()


def _chunk(kind: bytes, payload: bytes) -> bytes:
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def png_header_only(width: int, height: int) -> bytes:
    """A well-formed PNG claiming ``width`` x ``height`` but holding almost no pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(bytes(64)))
        + _chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def held_out_three() -> np.ndarray:
    """A held-out MNIST "3", upscaled to 112x112 uint8 (white on black)."""
    x, y = load_holdout()
    digit = np.rint(x[np.flatnonzero(y == 3)[0]] * 255).astype(np.uint8)
    return np.asarray(Image.fromarray(digit).resize((112, 112), Image.Resampling.BILINEAR))


def post(client: TestClient, url: str, content: bytes, **kwargs: object) -> httpx.Response:
    name = kwargs.pop("filename", "upload.bin")
    ctype = kwargs.pop("content_type", "application/octet-stream")
    return client.post(url, files={"file": (name, content, ctype)}, **kwargs)


def assert_client_error(resp: httpx.Response, status: int, code: str | None = None) -> None:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["message_ko"]
    assert body["message_en"]
    if code is not None:
        assert body["error"] == code


# --- results ------------------------------------------------------------------------------


def test_digit_endpoint_recognises_a_held_out_digit(
    client: TestClient, held_out_three: np.ndarray
) -> None:
    resp = post(client, "/tools/digit", save(Image.fromarray(held_out_three), "PNG"))
    assert resp.status_code == 200
    body = resp.json()
    assert body["digit"] == 3
    assert len(body["probabilities"]) == 10
    assert sum(body["probabilities"]) == pytest.approx(1.0, abs=1e-4)
    assert body["confidence"] == pytest.approx(max(body["probabilities"]))


def test_mosaic_endpoint_returns_png_with_face_count(client: TestClient) -> None:
    photo = data.astronaut()
    resp = post(client, "/tools/mosaic?block=16", save(Image.fromarray(photo), "JPEG"))
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "image/png"
    assert resp.headers["x-faces-detected"] == "1"
    with Image.open(io.BytesIO(resp.content)) as im:
        assert im.format == "PNG"
        assert im.size == (512, 512)


def test_mosaic_endpoint_json_mode_returns_boxes(client: TestClient) -> None:
    resp = post(client, "/tools/mosaic?format=json", save(Image.fromarray(data.astronaut()), "PNG"))
    assert resp.status_code == 200
    assert resp.headers["x-faces-detected"] == "1"
    body = resp.json()
    assert body["faces"] == 1
    assert body["width"] == 512
    assert body["height"] == 512
    (box,) = body["boxes"]
    assert set(box) == {"x", "y", "w", "h"}
    assert box["x"] < 225 < box["x"] + box["w"]


@pytest.mark.parametrize("query", ["block=1", "block=1000", "block=abc", "format=gif"])
def test_mosaic_rejects_bad_query(client: TestClient, query: str) -> None:
    resp = post(client, f"/tools/mosaic?{query}", save(Image.fromarray(data.astronaut()), "PNG"))
    assert_client_error(resp, 422)


# --- accepted variants: every mode and format is converted --------------------------------


def _variants(digit: np.ndarray) -> dict[str, tuple[bytes, str]]:
    """The digit image in many formats and modes; value: (bytes, content type sent)."""
    gray = Image.fromarray(digit)
    paper = Image.fromarray(255 - digit)  # dark ink on white paper
    rgb = Image.merge("RGB", [paper, paper, Image.new("L", paper.size, 255)])  # blue ink
    rgba = Image.fromarray(np.dstack([np.zeros_like(digit)] * 3 + [digit]))  # ink as alpha
    sixteen = Image.fromarray(digit.astype(np.uint16) * 257)
    return {
        "png-gray": (save(gray, "PNG"), "image/png"),
        "png-16bit-gray": (save(sixteen, "PNG"), "image/png"),
        "png-rgba": (save(rgba, "PNG"), "image/png"),
        "png-la": (save(paper.convert("LA"), "PNG"), "image/png"),
        "png-palette": (save(rgb.convert("P"), "PNG"), "image/png"),
        "png-1bit": (
            save(gray.point(lambda v: 255 if v > 100 else 0).convert("1"), "PNG"),
            "image/png",
        ),
        "jpeg-rgb": (save(rgb, "JPEG", quality=90), "image/jpeg"),
        "jpeg-cmyk": (save(rgb.convert("CMYK"), "JPEG", quality=90), "image/jpeg"),
        "jpeg-multi-picture": (
            save(rgb, "MPO", save_all=True, append_images=[gray.convert("RGB")]),
            "image/jpeg",
        ),
        "gif-single-frame": (save(paper, "GIF"), "image/gif"),
        "bmp": (save(rgb, "BMP"), "image/bmp"),
        "webp": (save(rgb, "WEBP", lossless=True), "image/webp"),
        "tiff": (save(paper, "TIFF"), "image/tiff"),
        "tiff-16bit": (save(sixteen, "TIFF"), "image/tiff"),
        # The declared type and the name are ignored: the content decides.
        "png-named-as-text": (save(gray, "PNG"), "text/plain"),
    }


def test_every_accepted_format_and_mode_is_converted(
    client: TestClient, held_out_three: np.ndarray
) -> None:
    failures = {}
    for name, (content, ctype) in _variants(held_out_three).items():
        resp = post(client, "/tools/digit", content, filename="../../x.txt", content_type=ctype)
        if resp.status_code != 200 or resp.json()["digit"] != 3:
            failures[name] = (resp.status_code, resp.text[:200])
        resp = post(client, "/tools/mosaic?format=json", content, content_type=ctype)
        if resp.status_code != 200 or resp.json()["width"] != 112:
            failures[f"{name} (mosaic)"] = (resp.status_code, resp.text[:200])
    assert failures == {}


def test_exif_orientation_is_applied(client: TestClient) -> None:
    # A 60x20 picture that a viewer shows rotated to 20x60 (EXIF orientation 6).
    exif = Image.Exif()
    exif[0x0112] = 6
    content = save(Image.new("RGB", (60, 20), "white"), "JPEG", exif=exif)
    resp = post(client, "/tools/mosaic?format=json", content)
    assert resp.status_code == 200
    assert (resp.json()["width"], resp.json()["height"]) == (20, 60)


# --- rejected uploads ---------------------------------------------------------------------


def _png_bytes() -> bytes:
    return save(Image.fromarray(data.astronaut()), "PNG")


def _corrupt_idat() -> bytes:
    raw = bytearray(_png_bytes())
    start = raw.index(b"IDAT") + 200
    raw[start : start + 400] = bytes(400)
    return bytes(raw)


def _animated(fmt: str) -> bytes:
    frames = [Image.new("RGB", (32, 32), c) for c in ("red", "blue", "green")]
    return save(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100)


BAD_UPLOADS: dict[str, tuple[Callable[[], bytes], int, str | None]] = {
    "empty": (lambda: b"", 400, "empty_file"),
    "plain-text": (
        lambda: "안녕하세요, 이건 그림이 아니에요".encode(),
        415,
        "unsupported_media_type",
    ),
    "svg": (lambda: b'<svg xmlns="http://www.w3.org/2000/svg"/>', 415, "unsupported_media_type"),
    "pdf": (lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", 415, None),
    "ico-not-allowed": (lambda: save(Image.new("RGB", (32, 32)), "ICO"), 415, None),
    "random-bytes": (lambda: np.random.default_rng(0).bytes(5000), 415, None),
    "truncated-png": (lambda: _png_bytes()[: len(_png_bytes()) // 2], 422, "corrupt_image"),
    "truncated-jpeg": (
        lambda: save(Image.fromarray(data.astronaut()), "JPEG")[:6000],
        422,
        "corrupt_image",
    ),
    "corrupt-png-data": (_corrupt_idat, 422, "corrupt_image"),
    "png-header-only": (lambda: png_header_only(64, 64), 422, "corrupt_image"),
    "animated-gif": (lambda: _animated("GIF"), 422, "animated_image"),
    "animated-png": (lambda: _animated("PNG"), 422, "animated_image"),
    "animated-webp": (lambda: _animated("WEBP"), 422, "animated_image"),
    "multipage-tiff": (lambda: _animated("TIFF"), 422, "animated_image"),
    # Pixel limits are checked from the header, before any decoding.
    "too-many-pixels": (lambda: png_header_only(6000, 6000), 413, "image_too_large"),
    "decompression-bomb": (lambda: png_header_only(100_000, 100_000), 413, "image_too_large"),
}


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_bad_upload_is_a_clear_client_error(client: TestClient, url: str, case: str) -> None:
    make, status, code = BAD_UPLOADS[case]
    resp = post(client, url, make(), filename="photo.png", content_type="image/png")
    assert_client_error(resp, status, code)


@pytest.mark.parametrize("url", ENDPOINTS)
def test_upload_over_byte_limit_is_413(url: str) -> None:
    tools = ImageTools(ToolsConfig(max_upload_bytes=4096))
    content = save(Image.fromarray(data.astronaut()), "PNG")
    with TestClient(make_app(tools)) as small:
        assert_client_error(post(small, url, content), 413, "file_too_large")


@pytest.mark.parametrize("url", ENDPOINTS)
def test_image_over_pixel_limit_is_413(url: str) -> None:
    tools = ImageTools(ToolsConfig(max_pixels=100 * 100))
    content = save(Image.new("L", (101, 100), 255), "PNG")
    with TestClient(make_app(tools)) as small:
        assert_client_error(post(small, url, content), 413, "image_too_large")


def test_blank_image_has_no_digit(client: TestClient) -> None:
    resp = post(client, "/tools/digit", save(Image.new("RGB", (80, 80), "white"), "PNG"))
    assert_client_error(resp, 422, "no_digit_found")


@pytest.mark.parametrize("url", ENDPOINTS)
def test_missing_file_field_is_422(client: TestClient, url: str) -> None:
    resp = client.post(url, data={"other": "x"})
    assert_client_error(resp, 422)


@pytest.mark.parametrize("url", ENDPOINTS)
def test_mangled_images_never_cause_a_server_error(client: TestClient, url: str) -> None:
    rng = np.random.default_rng(42)
    seeds = [
        save(Image.fromarray(data.astronaut()[::4, ::4]), "PNG"),
        save(Image.fromarray(data.astronaut()[::4, ::4]), "JPEG"),
        save(Image.fromarray(data.astronaut()[::4, ::4]).convert("P"), "GIF"),
        save(Image.fromarray(data.astronaut()[::4, ::4]), "WEBP"),
        save(Image.fromarray(data.astronaut()[::4, ::4]), "TIFF"),
        save(Image.fromarray(data.astronaut()[::4, ::4]), "BMP"),
    ]
    statuses = []
    for content in seeds:
        for _ in range(6):
            raw = bytearray(content)
            cut = int(rng.integers(8, len(raw)))
            flips = rng.integers(0, cut, size=8)
            for i in flips:
                raw[i] = int(rng.integers(0, 256))
            resp = post(client, url, bytes(raw[:cut]))
            statuses.append(resp.status_code)
            if resp.status_code >= 400:
                assert_client_error(resp, resp.status_code)
    assert max(statuses) < 500, statuses


# --- concurrency --------------------------------------------------------------------------


class ObservedImageTools(ImageTools):
    """Records when a mosaic starts and finishes, from the worker thread."""

    def __init__(self, config: ToolsConfig) -> None:
        super().__init__(config)
        self.started = threading.Event()
        self.finished = threading.Event()

    def mosaic(self, data: bytes, block: int | None = None) -> MosaicResult:
        self.started.set()
        try:
            return super().mosaic(data, block)
        finally:
            self.finished.set()


async def _big_mosaic_alongside_a_ping(tools: ObservedImageTools, big: bytes) -> httpx.Response:
    transport = httpx.ASGITransport(app=make_app(tools))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        mosaic = asyncio.create_task(
            client.post("/tools/mosaic", files={"file": ("big.jpg", big, "image/jpeg")})
        )
        async with asyncio.timeout(30):
            while not tools.started.is_set():
                await asyncio.sleep(0.005)
        # If the mosaic ran on the event loop, this line would only run after it finished.
        ping = await client.get("/ping")
        assert ping.status_code == 200
        assert not tools.finished.is_set(), "the trivial request waited for the mosaic"
        return await mosaic


def test_big_mosaic_does_not_block_other_requests() -> None:
    tools = ObservedImageTools(ToolsConfig())
    tools.detector()  # load the cascade up front, like the app's lifespan would
    photo = Image.fromarray(data.astronaut()).resize((2400, 2400), Image.Resampling.BILINEAR)

    resp = asyncio.run(_big_mosaic_alongside_a_ping(tools, save(photo, "JPEG", quality=90)))

    assert resp.status_code == 200
    assert resp.headers["x-faces-detected"] != "0"
