"""Latency of the image tools, through the service object and through HTTP.

Run with ``python -m benchmarks.bench_tools [--repeat N]``. Inputs: a 28x28 MNIST digit
and a ~1-megapixel photo (skimage's astronaut resized to 1000x1000, JPEG). Each case is
warmed up once (model and cascade loading excluded), then timed ``--repeat`` times; the
table shows p50 (median) and p95 in milliseconds. HTTP goes through FastAPI's TestClient,
so it includes multipart parsing, the worker-thread hop and response encoding, but no
network.
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np
import torch
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image
from skimage import data

from chatbot.api.errors import install_error_handlers
from chatbot.api.tools import router
from chatbot.tools.config import ToolsConfig
from chatbot.tools.service import ImageTools
from chatbot.tools.train_digit import load_holdout


def _encode(im: Image.Image, fmt: str) -> bytes:
    buf = io.BytesIO()
    params = {"quality": 90} if fmt == "JPEG" else {}
    im.save(buf, format=fmt, **params)
    return buf.getvalue()


def _inputs() -> dict[str, bytes]:
    x, _ = load_holdout()
    digit = Image.fromarray(np.rint(x[0] * 255).astype(np.uint8), mode="L")
    photo = Image.fromarray(data.astronaut()).resize((1000, 1000), Image.Resampling.BICUBIC)
    return {
        "digit 28x28 PNG": _encode(digit, "PNG"),
        "photo 1000x1000 JPEG": _encode(photo, "JPEG"),
    }


def _post(client: TestClient, url: str, content: bytes) -> None:
    client.post(url, files={"file": ("upload", content)}).raise_for_status()


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    fn()  # warm-up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return float(np.percentile(samples, 50)), float(np.percentile(samples, 95))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Latency of the image tools.")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per case")
    parser.add_argument(
        "--torch-threads", type=int, default=None, help="torch CPU threads (default: torch's)"
    )
    args = parser.parse_args(argv)
    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)

    tools = ImageTools(ToolsConfig())
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    app.state.image_tools = tools

    rows = []
    with TestClient(app) as client:
        for input_name, content in _inputs().items():
            cases: dict[str, Callable[[], object]] = {
                "digit / service": partial(tools.recognize_digit, content),
                "digit / HTTP": partial(_post, client, "/tools/digit", content),
                "mosaic / service": partial(tools.mosaic, content),
                "mosaic / HTTP": partial(_post, client, "/tools/mosaic", content),
            }
            for case_name, fn in cases.items():
                p50, p95 = _time(fn, args.repeat)
                rows.append((case_name, input_name, p50, p95))

    print(f"{'tool / path':<18} {'input':<22} {'p50 ms':>8} {'p95 ms':>8}")
    for case_name, input_name, p50, p95 in rows:
        print(f"{case_name:<18} {input_name:<22} {p50:>8.1f} {p95:>8.1f}")
    print(
        f"({args.repeat} timed runs each after one warm-up; "
        f"torch threads: {torch.get_num_threads()})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
