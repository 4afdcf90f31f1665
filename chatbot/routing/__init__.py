"""Learned routing: is a message small talk or a request for information?

`IntentClassifier` is a logistic regression over a sentence embedding (of the embedder it
names, `embedder_id`) and a few lexical features; its weights ship with the package and
`python -m chatbot.routing.train` rebuilds them.
"""

from __future__ import annotations

from chatbot.routing.classifier import WEIGHTS_PATH, IntentClassifier
from chatbot.routing.features import FEATURE_NAMES, lexical_features

__all__ = ["FEATURE_NAMES", "WEIGHTS_PATH", "IntentClassifier", "lexical_features"]
