"""The small-talk / request classifier at serving time: numpy only.

The model is logistic regression over ``[sentence embedding, lexical features]``. The
standardisation used in training is folded into the weights, so inference is one dot
product. The embedding must come from the embedder named by `embedder_id` (the query
side: ``embedder.embed_query(text)``); at serving time that is a ``use-m3`` instance,
shared with retrieval when retrieval uses ``use-m3`` and a separate one otherwise.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from chatbot.routing.features import FEATURE_NAMES, lexical_features
from vector_store.analysis import KoreanAnalyzer, default_analyzer

WEIGHTS_PATH = Path(__file__).resolve().parent / "weights" / "intent_lr.npz"


class RoutingModelError(RuntimeError):
    """The weights file does not fit this code (other features or a broken file)."""


@dataclass(frozen=True)
class IntentClassifier:
    """P(request for information | message); small talk is the other class."""

    embedder_id: str
    weights: np.ndarray  # dimension + len(FEATURE_NAMES), standardisation folded in
    bias: float
    dimension: int
    threshold: float = 0.5  # p_request at or above which a message is a request
    meta: dict[str, Any] = field(default_factory=dict)
    analyzer: KoreanAnalyzer = field(default_factory=default_analyzer, repr=False)

    @classmethod
    def load(
        cls, path: Path | None = None, analyzer: KoreanAnalyzer | None = None
    ) -> IntentClassifier:
        """The weights at `path`, by default the packaged ones."""
        with np.load(path or WEIGHTS_PATH, allow_pickle=False) as data:
            names = tuple(str(n) for n in data["feature_names"])
            if names != FEATURE_NAMES:
                raise RoutingModelError(
                    f"routing weights were trained with features {names}, this code computes "
                    f"{FEATURE_NAMES}: retrain with python -m chatbot.routing.train"
                )
            weights = np.asarray(data["weights"], dtype=np.float32)
            dimension = int(data["dimension"])
            if weights.shape != (dimension + len(FEATURE_NAMES),):
                raise RoutingModelError(f"routing weights have shape {weights.shape}")
            return cls(
                embedder_id=str(data["embedder_id"]),
                weights=weights,
                bias=float(data["bias"]),
                dimension=dimension,
                threshold=float(data["threshold"]),
                meta=json.loads(str(data["meta"])),
                analyzer=analyzer or default_analyzer(),
            )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path,
            embedder_id=np.array(self.embedder_id),
            weights=self.weights.astype(np.float32),
            bias=np.array(self.bias),
            dimension=np.array(self.dimension),
            threshold=np.array(self.threshold),
            feature_names=np.array(FEATURE_NAMES),
            meta=np.array(json.dumps(self.meta, ensure_ascii=False, sort_keys=True)),
        )

    def features(self, text: str, vector: np.ndarray | list[float]) -> np.ndarray:
        vec = np.asarray(vector, dtype=np.float32).reshape(-1)
        if vec.shape[0] != self.dimension:
            raise ValueError(
                f"the routing model takes {self.dimension}-dimensional vectors of "
                f"'{self.embedder_id}', got {vec.shape[0]} dimensions"
            )
        return np.concatenate([vec, lexical_features(text, self.analyzer)])

    def p_request(self, text: str, vector: np.ndarray | list[float]) -> float:
        """Probability that `text` asks for information (notes-related or not);
        `vector` is ``embed_query(text)`` of the embedder named `embedder_id`."""
        z = float(self.features(text, vector) @ self.weights) + self.bias
        return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0

    def is_request(self, text: str, vector: np.ndarray | list[float]) -> bool:
        """`p_request` at or above the threshold chosen in training (out-of-fold balanced
        accuracy)."""
        return self.p_request(text, vector) >= self.threshold
