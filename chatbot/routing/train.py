"""Train the small-talk / request classifier (needs the `train` extra: scikit-learn).

    python -m chatbot.routing.train --out chatbot/routing/weights/intent_lr.npz --seed 13 \\
        --csv ../shared/data/chatbot-data/ChatbotData.csv

Embeds every example with the embedder (``use-m3`` by default; vectors cached in
``--cache``), holds out 20% of the groups (terms, subjects, single lines; see
`chatbot.routing.data`), fits a class-balanced logistic regression on standardised
``[embedding, lexical features]`` (C and the decision threshold chosen by 3-fold
cross-validation on the training part, folds by group), folds the standardisation into the
weights and reports held-out accuracy per class and per source. Messages of the evaluation
sets (`eval/data/chat_*.jsonl`, `routing_tricky.jsonl`, `answers_*.jsonl`) are never
examples. The same seed gives the same weights.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
from collections import defaultdict
from pathlib import Path

import numpy as np

from chatbot.routing.classifier import WEIGHTS_PATH, IntentClassifier
from chatbot.routing.data import REQUEST, Example, build_examples, split
from chatbot.routing.features import FEATURE_NAMES, lexical_features
from vector_store.analysis import default_analyzer
from vector_store.config import EmbeddingConfig
from vector_store.embeddings import NamedEmbeddings, build_embeddings

logger = logging.getLogger(__name__)
DEFAULT_CSV = Path(__file__).resolve().parents[3] / "shared" / "data" / "chatbot-data"
DEFAULT_CSV = DEFAULT_CSV / "ChatbotData.csv"
CS = (0.03, 0.1, 0.3, 1.0, 3.0)
# Messages of the evaluation sets that report routing: never training examples.
EVAL_DATA = Path(__file__).resolve().parents[2] / "eval" / "data"
EVAL_SETS = (
    "chat_course.jsonl",
    "chat_sample.jsonl",
    "chat_heldout.jsonl",
    "routing_tricky.jsonl",
    "answers_dev.jsonl",
    "answers_dev2.jsonl",
    "answers_dev3.jsonl",
    "answers_dev4.jsonl",
    "answers_test.jsonl",
)


def evaluation_messages(folder: Path = EVAL_DATA) -> list[str]:
    """Every message and turn of the routing evaluation sets found in `folder`."""
    messages: list[str] = []
    for name in EVAL_SETS:
        path = folder / name
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                messages.extend([item["message"]] if "message" in item else item.get("turns", []))
    return messages


def embed(texts: list[str], embeddings: NamedEmbeddings, cache: Path | None) -> np.ndarray:
    """Query-side vectors of `texts`. With `cache`, vectors are kept per text in one file
    per embedder, so adding examples embeds only the new ones."""
    path = cache / f"routing-vectors-{embeddings.model_id}.npz" if cache else None
    known: dict[str, np.ndarray] = {}
    if path is not None and path.exists():
        with np.load(path, allow_pickle=False) as data:
            known = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    for i in range(0, len(missing), 256):
        batch = missing[i : i + 256]
        known.update(zip(batch, embeddings.embed_query_array(batch), strict=True))
    if path is not None and missing:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, texts=np.array(list(known)), vectors=np.stack(list(known.values())))
    if not texts:
        return np.zeros((0, embeddings.dimension), dtype=np.float32)
    return np.stack([known[t] for t in texts])


def matrix(examples: list[Example], vectors: dict[str, np.ndarray]) -> np.ndarray:
    analyzer = default_analyzer()
    return np.stack(
        [np.concatenate([vectors[e.text], lexical_features(e.text, analyzer)]) for e in examples]
    )


def fit(
    x: np.ndarray, y: np.ndarray, groups: list[str], seed: int
) -> tuple[np.ndarray, float, float, float]:
    """Class-balanced logistic regression on standardised features; returns the weights
    and bias over the raw features (standardisation folded in), the chosen C and the
    decision threshold that maximises balanced accuracy on out-of-fold predictions. Folds
    keep groups whole, like the held-out split: choices are made for unseen subjects."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import balanced_accuracy_score
    from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict, cross_val_score
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    xs = scaler.transform(x)
    folds = list(StratifiedGroupKFold(3, shuffle=True, random_state=seed).split(xs, y, groups))

    def model(c: float) -> LogisticRegression:
        return LogisticRegression(C=c, class_weight="balanced", max_iter=3000)

    scores = {c: cross_val_score(model(c), xs, y, cv=folds).mean() for c in CS}
    best = max(CS, key=lambda c: (scores[c], -c))  # ties: the stronger regularisation
    fitted = model(best).fit(xs, y)
    oof = cross_val_predict(model(best), xs, y, cv=folds, method="predict_proba")[:, 1]
    grid = [round(t, 2) for t in np.arange(0.2, 0.81, 0.05)]
    threshold = max(grid, key=lambda t: (balanced_accuracy_score(y, oof >= t), -abs(t - 0.5)))
    coef = fitted.coef_[0] / scaler.scale_
    bias = float(fitted.intercept_[0] - np.sum(fitted.coef_[0] * scaler.mean_ / scaler.scale_))
    return coef.astype(np.float32), bias, best, float(threshold)


def report(
    title: str, examples: list[Example], p: np.ndarray, threshold: float
) -> dict[str, float]:
    """Accuracy per class and per source at p >= threshold; printed and returned."""
    correct: dict[str, list[bool]] = defaultdict(list)
    for ex, prob in zip(examples, p, strict=True):
        ok = (prob >= threshold) == (ex.label == REQUEST)
        correct["all"].append(ok)
        correct["request" if ex.label == REQUEST else "smalltalk"].append(ok)
        correct[f"source:{ex.source}"].append(ok)
    logger.info("%s", title)
    out = {}
    for name, oks in sorted(correct.items()):
        out[name] = sum(oks) / len(oks)
        logger.info("  %-28s %.3f  (n=%d)", name, out[name], len(oks))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help="ChatbotData.csv")
    parser.add_argument("--embedder", default="use-m3")
    parser.add_argument("--cache", type=Path, default=Path("data"), help="embedding cache")
    parser.add_argument("--heldout", type=float, default=0.2)
    parser.add_argument(
        "--limit", type=int, default=0, help="at most this many examples per class (quick runs)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not args.csv.is_file():
        parser.error(f"{args.csv} not found: pass --csv path/to/ChatbotData.csv")

    examples = build_examples(args.csv, args.seed, exclude=evaluation_messages())
    if args.limit:
        rng = random.Random(args.seed)
        by_label: dict[int, list[Example]] = defaultdict(list)
        for ex in examples:
            by_label[ex.label].append(ex)
        examples = [
            ex
            for group in by_label.values()
            for ex in rng.sample(group, min(args.limit, len(group)))
        ]
    train, test = split(examples, args.seed, args.heldout)
    embeddings = build_embeddings(EmbeddingConfig(model=args.embedder))
    texts = [ex.text for ex in examples]
    vectors = dict(zip(texts, embed(texts, embeddings, args.cache), strict=True))
    x_train = matrix(train, vectors)
    y_train = np.array([ex.label for ex in train])
    weights, bias, c, threshold = fit(x_train, y_train, [e.group for e in train], args.seed)
    p_test = 1 / (1 + np.exp(-(matrix(test, vectors) @ weights + bias))) if test else np.zeros(0)
    title = f"held-out ({len(test)} examples, by group; p_request >= {threshold})"
    heldout = report(title, test, p_test, threshold) if test else {}
    counts: dict[str, int] = defaultdict(int)
    for ex in train:
        counts[ex.source] += 1
    classifier = IntentClassifier(
        embedder_id=embeddings.model_id,
        weights=weights,
        bias=bias,
        dimension=embeddings.dimension,
        threshold=threshold,
        meta={
            "seed": args.seed,
            "C": c,
            "features": list(FEATURE_NAMES),
            "train_examples": dict(sorted(counts.items())),
            "heldout_examples": len(test),
            "heldout_accuracy": {k: round(v, 4) for k, v in heldout.items()},
            "csv_sha256": hashlib.sha256(args.csv.read_bytes()).hexdigest()[:16],
        },
    )
    classifier.save(args.out)
    logger.info(
        "C=%s threshold=%s train_examples=%d wrote %s (%d bytes)",
        c,
        threshold,
        len(train),
        args.out,
        args.out.stat().st_size,
    )


if __name__ == "__main__":
    main()
