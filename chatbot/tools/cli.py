"""Command-line subcommands of the image tools: ``digit`` and ``mosaic``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from chatbot.tools.images import ImageToolError
from chatbot.tools.service import ImageTools

if TYPE_CHECKING:
    from chatbot.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``digit`` and ``mosaic`` subcommands to the main CLI."""
    digit = subparsers.add_parser(
        "digit",
        help="recognise a handwritten digit in an image",
        description="Recognise the single handwritten digit (0-9) in an image file.",
    )
    digit.add_argument("image", type=Path, help="image file (PNG, JPEG, GIF, BMP, WEBP, TIFF)")
    digit.add_argument("--json", action="store_true", help="print the result as JSON")
    digit.set_defaults(func=run_digit)

    mosaic = subparsers.add_parser(
        "mosaic",
        help="pixelate the faces in a photo",
        description="Detect faces in a photo and write a copy with every face pixelated (PNG).",
    )
    mosaic.add_argument("image", type=Path, help="photo (PNG, JPEG, GIF, BMP, WEBP, TIFF)")
    mosaic.add_argument("-o", "--output", type=Path, required=True, help="PNG file to write")
    mosaic.add_argument("--block", type=int, default=None, help="mosaic block size in pixels")
    mosaic.add_argument("--json", action="store_true", help="print the face boxes as JSON")
    mosaic.set_defaults(func=run_mosaic)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as exc:
        print(f"파일을 읽을 수 없어요 (cannot read file): {path}: {exc.strerror}", file=sys.stderr)
        return None


def _report(exc: ImageToolError) -> int:
    print(f"{exc.ko} ({exc.en})", file=sys.stderr)
    return 1


def run_digit(args: argparse.Namespace, settings: Settings) -> int:
    data = _read(args.image)
    if data is None:
        return 1
    try:
        result = ImageTools(settings.tools).recognize_digit(data)
    except ImageToolError as exc:
        return _report(exc)
    if args.json:
        print(
            json.dumps(
                {
                    "digit": result.digit,
                    "confidence": result.confidence,
                    "probabilities": result.probabilities,
                }
            )
        )
    else:
        print(f"{result.digit}  (confidence {result.confidence:.3f})")
    return 0


def run_mosaic(args: argparse.Namespace, settings: Settings) -> int:
    data = _read(args.image)
    if data is None:
        return 1
    try:
        result = ImageTools(settings.tools).mosaic(data, args.block)
    except ImageToolError as exc:
        return _report(exc)
    try:
        args.output.write_bytes(result.png)
    except OSError as exc:
        print(
            f"파일을 쓸 수 없어요 (cannot write file): {args.output}: {exc.strerror}",
            file=sys.stderr,
        )
        return 1
    if args.json:
        print(
            json.dumps(
                {
                    "faces": result.faces,
                    "boxes": [box.as_dict() for box in result.boxes],
                    "width": result.width,
                    "height": result.height,
                    "output": str(args.output),
                }
            )
        )
    else:
        print(f"{result.faces} face(s) pixelated (block {result.block}) -> {args.output}")
    return 0
