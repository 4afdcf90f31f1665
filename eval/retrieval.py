"""Retrieval quality: hit@1, hit@5, MRR@10 of the configured retriever, beside
keyword-only, dense-only and a whitespace-BM25 baseline, and what the embedder costs
(passages embedded per second, median latency of embedding one query).

    python -m eval.retrieval [--set course|sample|both] [--data-dir DIR] [--embedder NAME]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from chatbot.services import Services
from chatbot.settings import Settings
from eval.common import COURSE_NOTES, SAMPLE_NOTES, load_jsonl, print_table
from ingest.pipeline import run_ingest
from vector_store.config import EmbeddingConfig
from vector_store.passage import Passage

SETS = {
    "course": ("retrieval_course.jsonl", COURSE_NOTES),
    "sample": ("retrieval_sample.jsonl", SAMPLE_NOTES),
}


def is_relevant(item: dict[str, Any], source: str, heading: str, text: str) -> bool:
    if source != item["source"]:
        return False
    if item.get("heading") and item["heading"].casefold() not in heading.casefold():
        return False
    body = f"{heading}\n{text}".casefold()
    return all(term.casefold() in body for term in item.get("contains", []))


@dataclass
class Scores:
    hit1: float
    hit5: float
    mrr10: float
    unanswerable: int

    def row(self, name: str) -> list[Any]:
        return [name, self.hit1, self.hit5, self.mrr10]


def score_rankings(items: list[dict[str, Any]], rankings: list[list[Passage]]) -> Scores:
    hit1 = hit5 = rr = 0.0
    for item, ranked in zip(items, rankings, strict=True):
        for rank, rec in enumerate(ranked[:10], start=1):
            if is_relevant(item, rec.source, rec.heading, rec.text):
                hit1 += rank == 1
                hit5 += rank <= 5
                rr += 1 / rank
                break
    n = len(items)
    return Scores(hit1 / n, hit5 / n, rr / n, 0)


def evaluate(services: Services, items: list[dict[str, Any]]) -> dict[str, Scores]:
    snap = services.store.snapshot()
    records = snap.records
    unanswerable = sum(
        not any(is_relevant(i, r.source, r.heading, r.text) for r in records) for i in items
    )
    out: dict[str, Scores] = {}
    for method in ("hybrid", "keyword", "dense"):
        rankings = [
            [
                snap.by_id[h.chunk_id]
                for h in services.searcher.search(i["question"], 10, method).hits
            ]
            for i in items
        ]
        out[method] = score_rankings(items, rankings)
    # Baseline: BM25 over whitespace tokens, what a tokenizer-less setup gets.
    ws = bm25s.BM25()
    ws.index([f"{r.heading}\n{r.text}".casefold().split() for r in records], show_progress=False)
    rankings = []
    for item in items:
        scores = ws.get_scores(item["question"].casefold().split())
        rankings.append([records[j] for j in np.argsort(-scores, kind="stable")[:10]])
    out["whitespace-bm25"] = score_rankings(items, rankings)
    for s in out.values():
        s.unanswerable = unanswerable
    return out


def build_index(notes: Path, data_dir: Path, embedder: str | None) -> tuple[Settings, float]:
    """Settings over `notes` with an up-to-date index in `data_dir` (incremental), and the
    seconds that ingest took."""
    overrides: dict[str, Any] = {}
    if embedder:
        overrides["embedding"] = EmbeddingConfig(model=embedder)
    settings = Settings(data_dir=data_dir, notes_dir=notes, **overrides)
    return settings, run_ingest(settings).seconds


def embedder_cost(services: Services, questions: list[str], n: int = 32) -> tuple[float, float]:
    """Passages embedded per second (a batch of `n` indexed passages) and the median time
    to embed one question, as a chat turn does: the embedder alone, not the whole ingest."""
    texts = [r.text for r in services.store.snapshot().records[:n]]
    start = time.perf_counter()
    services.embeddings.embed_array(texts)
    rate = len(texts) / (time.perf_counter() - start)
    times = []
    for question in questions:
        start = time.perf_counter()
        services.embeddings.embed_query_array([question])
        times.append((time.perf_counter() - start) * 1000)
    return rate, statistics.median(times)


def sweep(which: str, data_root: Path, embedder: str | None = None) -> None:
    """MRR@10 of weighted fusion across keyword weights, and of RRF: how the default
    `retrieval.keyword_weight` was chosen."""
    weights = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0]
    rows = []
    for name in ["course", "sample"] if which == "both" else [which]:
        dataset, notes = SETS[name]
        settings, _ = build_index(notes, data_root / name, embedder)
        services = Services.build(settings, chat=False)
        items = load_jsonl(dataset)
        snap = services.store.snapshot()
        row: list[Any] = [name]
        for w in [*weights, None]:
            if w is None:  # reciprocal rank fusion
                services.settings.retrieval.fusion = "rrf"
            else:
                services.settings.retrieval.fusion = "weighted"
                services.settings.retrieval.keyword_weight = w
            rankings = [
                [snap.by_id[h.chunk_id] for h in services.searcher.search(i["question"], 10).hits]
                for i in items
            ]
            row.append(score_rankings(items, rankings).mrr10)
        rows.append(row)
        services.close()
    print_table("MRR@10 by fusion", ["set", *[f"w={w}" for w in weights], "rrf"], rows)


def run(which: str, data_root: Path, embedder: str | None = None) -> dict[str, dict[str, Scores]]:
    results = {}
    for name in ["course", "sample"] if which == "both" else [which]:
        dataset, notes = SETS[name]
        if not notes.is_dir():
            print(f"skip {name}: {notes} not found")
            continue
        settings, ingest_s = build_index(notes, data_root / name, embedder)
        services = Services.build(settings, chat=False)
        items = load_jsonl(dataset)
        scores = evaluate(services, items)
        rate, latency = embedder_cost(services, [i["question"] for i in items])
        model = services.embeddings.model_id
        services.close()
        method = settings.retrieval
        print_table(
            f"Retrieval on {name} notes ({len(items)} questions; embedder {model}; configured: "
            f"{method.method}, {method.fusion}, keyword_weight={method.keyword_weight})",
            ["retriever", "hit@1", "hit@5", "MRR@10"],
            [s.row(m) for m, s in scores.items()],
        )
        print(
            f"  {model}: ingest {ingest_s:.1f} s; embeds {rate:.1f} passages/s; one query "
            f"embeds in {latency:.1f} ms (median)"
        )
        if scores["hybrid"].unanswerable:
            print(f"  note: {scores['hybrid'].unanswerable} questions have no relevant chunk")
        results[name] = scores
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=["course", "sample", "both"], default="both")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--sweep", action="store_true", help="compare fusion weights")
    parser.add_argument(
        "--embedder", default=None, help="embedder to index with (default: the configured one)"
    )
    args = parser.parse_args(argv)
    action = sweep if args.sweep else run
    if args.data_dir:
        action(args.set, args.data_dir, args.embedder)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            action(args.set, Path(tmp), args.embedder)


if __name__ == "__main__":
    main()
