"""Routing quality: accuracy of the small-talk / request classifier on the chat sets
(greeting = small talk; question and out_of_scope = request; follow-ups are left out, as
they are routed with their history), and on ``routing_tricky.jsonl``, at the threshold
stored with the weights.

    python -m eval.routing [--weights PATH]

No index is needed: the classifier reads the message and its ``use-m3`` embedding only.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from chatbot.routing import IntentClassifier
from eval.common import load_jsonl, print_table
from vector_store.config import EmbeddingConfig
from vector_store.embeddings import build_embeddings

SETS = ("chat_course.jsonl", "chat_sample.jsonl", "chat_heldout.jsonl", "routing_tricky.jsonl")


def labelled(name: str) -> list[tuple[str, bool]]:
    """(message, is a request) of one set."""
    out = []
    for item in load_jsonl(name):
        if "label" in item:
            out.append((item["message"], item["label"] == "request"))
        elif item.get("intent") in ("greeting", "question", "out_of_scope"):
            out.append((item["message"], item["intent"] != "greeting"))
    return out


def run(weights: Path | None = None) -> dict[str, dict[str, Any]]:
    classifier = IntentClassifier.load(weights)
    embeddings = build_embeddings(EmbeddingConfig(model=classifier.embedder_id))
    rows, results, errors = [], {}, []
    for name in SETS:
        items = labelled(name)
        vectors = embeddings.embed_query_array([m for m, _ in items])
        hits: dict[bool, list[bool]] = {True: [], False: []}
        for (message, is_request), vector in zip(items, vectors, strict=True):
            p = classifier.p_request(message, vector)
            ok = (p >= classifier.threshold) == is_request
            hits[is_request].append(ok)
            if not ok:
                errors.append((name, message, "request" if is_request else "small talk", p))
        every = hits[True] + hits[False]
        result = {
            "all": sum(every) / len(every),
            "request": sum(hits[True]) / len(hits[True]) if hits[True] else None,
            "smalltalk": sum(hits[False]) / len(hits[False]) if hits[False] else None,
            "n": len(every),
        }
        results[name] = result
        rows.append([name, result["n"], result["all"], result["request"], result["smalltalk"]])
    print_table(
        f"Routing accuracy ({classifier.embedder_id} + lexical features, "
        f"p_request >= {classifier.threshold})",
        ["set", "n", "accuracy", "requests", "small talk"],
        [[c if c is not None else "-" for c in row] for row in rows],
    )
    for name, message, truth, p in errors:
        print(f"  wrong: {name}: {message!r} is {truth}, p_request={p:.2f}")
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weights", type=Path, default=None, help="default: packaged weights")
    args = parser.parse_args(argv)
    run(args.weights)


if __name__ == "__main__":
    main()
