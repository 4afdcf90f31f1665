"""Safe decoding of untrusted image uploads into plain 8-bit RGB(A) arrays.

Everything happens in memory on the bytes that were sent; a file name is never used. The
format is sniffed by Pillow from the content itself and must be one of
:data:`ALLOWED_FORMATS`; the name and the declared content type are not trusted.

Limits are checked before any pixel is decoded: the byte size, then the pixel count and the
decoded size (pixels x channels x bytes per sample, the bit depth read from the header: a
16-bit RGBA image needs 8 bytes a pixel) (Pillow's decompression-bomb guard is also turned
from a warning into an error by :func:`guard_decompression_bombs`). A caller that needs
less than full resolution passes ``max_side``: JPEGs are then decoded at a reduced scale
(``draft``) and other formats reduced by an integer factor right after decoding
(``reduce``), before any conversion or array copy.

Policy for the odd cases:

* animated images (GIF, PNG/APNG, WEBP with more than one frame) and multi-page TIFFs are
  rejected with 422: a single still result for an animation would silently drop frames
  (for the mosaic tool, frames with faces that were never hidden). Multi-picture JPEGs
  (MPO, written by some cameras) use their primary picture, as every viewer does.
* 16-bit grayscale is scaled down to 8 bits; palette, grayscale, CMYK and YCbCr images
  are converted to RGB; transparency is kept as an alpha channel (RGBA), and dropped when
  every pixel is opaque.
* EXIF orientation is applied, so the pixels are upright as a viewer shows them.
* truncated or corrupt data, and colour modes Pillow cannot convert, give 422.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

ALLOWED_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF")


class ImageToolError(Exception):
    """A problem with the input image, with an HTTP status and messages in Korean and English."""

    def __init__(self, status_code: int, code: str, ko: str, en: str) -> None:
        super().__init__(en)
        self.status_code = status_code
        self.code = code
        self.ko = ko
        self.en = en


@dataclass(frozen=True)
class DecodedImage:
    """Pixels ``(H, W, 3)`` RGB or ``(H, W, 4)`` RGBA, uint8, and the sniffed format."""

    pixels: np.ndarray
    format: str

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    @property
    def has_alpha(self) -> bool:
        return self.pixels.shape[2] == 4


def guard_decompression_bombs() -> None:
    """Make Pillow raise, not merely warn, on images past its decompression-bomb limit.

    Pillow warns above ``Image.MAX_IMAGE_PIXELS`` and raises only above twice that; this
    turns the warning into an exception too (the filter is process-wide and idempotent).
    Our own ``max_pixels`` check runs right after the header is read, before decoding.
    """
    warnings.filterwarnings("error", category=Image.DecompressionBombWarning)


def too_large_bytes(limit: int) -> ImageToolError:
    return ImageToolError(
        413,
        "file_too_large",
        f"파일이 너무 커요. 최대 {limit:,}바이트까지 올릴 수 있어요.",
        f"The file is too large; the limit is {limit:,} bytes.",
    )


def _too_many_pixels(limit: int, size: tuple[int, int] | None = None) -> ImageToolError:
    dims_ko = f"({size[0]}x{size[1]})" if size else ""
    dims_en = f" ({size[0]}x{size[1]})" if size else ""
    return ImageToolError(
        413,
        "image_too_large",
        f"이미지가 너무 커요{dims_ko}. 최대 {limit:,}픽셀까지 처리할 수 있어요.",
        f"The image is too large{dims_en}; the limit is {limit:,} pixels.",
    )


def _too_many_bytes(limit: int, needed: int) -> ImageToolError:
    return ImageToolError(
        413,
        "image_too_large",
        f"이미지를 풀면 {needed:,}바이트가 필요해요. 최대 {limit:,}바이트까지 처리할 수 있어요.",
        f"The decoded image would take {needed:,} bytes; the limit is {limit:,} bytes.",
    )


def _bytes_per_sample(im: Image.Image) -> int:
    """Width of one channel sample, from Pillow's mode and the file's raw mode (header)."""
    tile = getattr(im, "tile", None)  # set by the file's decoder, before any pixel is read
    args = tile[0].args if tile else None
    rawmode = (
        args if isinstance(args, str) else (args[0] if args and isinstance(args[0], str) else "")
    )
    width = 1
    for mode in (im.mode, rawmode):
        if mode in ("I", "F") or "32" in mode:
            width = max(width, 4)
        elif "16" in mode:
            width = max(width, 2)
    return width


def decoded_size(im: Image.Image) -> int:
    """Bytes the decoded pixels of an opened (not yet loaded) image take at full depth."""
    width, height = im.size
    return width * height * len(im.getbands()) * _bytes_per_sample(im)


def _reduced(im: Image.Image, max_side: int) -> Image.Image:
    """``im`` shrunk by an integer factor so that its longer side is at most ``max_side``."""
    factor = -(-max(im.size) // max_side)
    if factor <= 1:
        return im
    try:
        return im.reduce(factor)
    except ValueError:  # palette and bilevel images: convert (still small per pixel) first
        return im.convert("RGBA" if im.has_transparency_data else "RGB").reduce(factor)


def _corrupt() -> ImageToolError:
    return ImageToolError(
        422,
        "corrupt_image",
        "이미지 파일이 손상되었거나 잘려 있어 읽을 수 없어요.",
        "The image file is corrupt or truncated and cannot be read.",
    )


def _to_eight_bit_gray(im: Image.Image) -> Image.Image:
    """16-bit and 32-bit grayscale to 8-bit by scaling, not clipping."""
    arr = np.asarray(im)
    if im.mode == "F":
        peak = float(arr.max()) if arr.size else 0.0
        scaled = arr * 255.0 if peak <= 1.0 else arr
    elif im.mode.startswith("I;16") or (arr.size and int(arr.max()) > 255):
        scaled = arr / 257.0
    else:
        scaled = arr
    return Image.fromarray(np.clip(np.rint(scaled), 0, 255).astype(np.uint8), mode="L")


def _to_rgb_array(im: Image.Image) -> np.ndarray:
    if im.mode in ("I", "F") or im.mode.startswith("I;16"):
        im = _to_eight_bit_gray(im)
    if im.has_transparency_data:
        rgba = np.asarray(im.convert("RGBA"))
        if bool((rgba[..., 3] == 255).all()):
            return np.ascontiguousarray(rgba[..., :3])
        return rgba
    return np.asarray(im.convert("RGB"))


def decode_image(
    data: bytes,
    *,
    max_bytes: int,
    max_pixels: int,
    max_decoded_bytes: int | None = None,
    max_side: int | None = None,
) -> DecodedImage:
    """Decode ``data`` into 8-bit RGB(A) pixels or raise :class:`ImageToolError` (4xx).

    ``max_decoded_bytes`` bounds the memory of the decoded pixels (checked from the header,
    before decoding); ``max_side`` asks for a copy whose longer side is at most that many
    pixels (reduced while or right after decoding, for callers that do not need every pixel).
    """
    if not data:
        raise ImageToolError(400, "empty_file", "빈 파일이에요.", "The uploaded file is empty.")
    if len(data) > max_bytes:
        raise too_large_bytes(max_bytes)
    try:
        im = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except UnidentifiedImageError as exc:
        raise ImageToolError(
            415,
            "unsupported_media_type",
            "이미지 파일이 아니거나 지원하지 않는 형식이에요. "
            "PNG, JPEG, GIF, BMP, WEBP, TIFF만 받을 수 있어요.",
            "Not an image, or an unsupported format. Accepted: PNG, JPEG, GIF, BMP, WEBP, TIFF.",
        ) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(max_pixels) from exc
    except Exception as exc:
        # Decoders of untrusted input fail in many ways (OSError, SyntaxError, ValueError,
        # struct.error, ...); all of them mean the same thing to the client.
        logger.info("image header unreadable error=%r", exc)
        raise _corrupt() from exc

    with im:
        width, height = im.size
        if width < 1 or height < 1:
            raise _corrupt()
        if width * height > max_pixels:
            raise _too_many_pixels(max_pixels, (width, height))
        if im.format != "MPO" and getattr(im, "is_animated", False):
            raise ImageToolError(
                422,
                "animated_image",
                "움직이는 이미지(여러 프레임)는 지원하지 않아요. 한 장짜리 이미지를 올려 주세요.",
                "Animated or multi-frame images are not supported; send a single still image.",
            )
        fmt = str(im.format)
        if max_side is not None and fmt == "JPEG":
            im.draft(im.mode, (max_side, max_side))  # DCT scaling: decodes fewer pixels
        if max_decoded_bytes is not None and decoded_size(im) > max_decoded_bytes:
            raise _too_many_bytes(max_decoded_bytes, decoded_size(im))
        try:
            im.load()
            small = im if max_side is None else _reduced(im, max_side)
            upright = ImageOps.exif_transpose(small)
            pixels = _to_rgb_array(upright)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels(max_pixels, (width, height)) from exc
        except Exception as exc:
            # See above: any decoder failure on bad input is the client's corrupt file.
            logger.info("image decode failed format=%s error=%r", fmt, exc)
            raise _corrupt() from exc
    return DecodedImage(pixels=pixels, format=fmt)


def to_gray(image: DecodedImage) -> np.ndarray:
    """Grayscale ``(H, W)`` uint8; transparent pixels are laid on white paper first."""
    px = image.pixels.astype(np.float32)
    rgb = px[..., :3]
    if image.has_alpha:
        alpha = px[..., 3:4] / 255.0
        rgb = rgb * alpha + 255.0 * (1.0 - alpha)
    # ITU-R BT.601 luma, as Pillow's convert("L") uses.
    gray = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return np.clip(np.rint(gray), 0, 255).astype(np.uint8)


def encode_png(pixels: np.ndarray) -> bytes:
    """PNG bytes of an RGB or RGBA uint8 array."""
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG")
    return buf.getvalue()
