"""Generation speed of the transformers generators: tokens per second, time to the first
streamed piece and whole-answer latency (p50/p95), as a Markdown table.

    python -m benchmarks.bench_generation                         # miniature KoGPT2, CPU
    python -m benchmarks.bench_generation --model tiny:seq2seq
    python -m benchmarks.bench_generation --model kogpt2:/models/kogpt2-base-v2 --device cuda

The miniature models are randomly initialised (see `chatbot.generation.tiny`): they measure
the machinery (prompting, streaming, the guard's checks) more than a real model's
arithmetic. Their noise would end at once, so their end-of-turn tokens are silenced and the
loop guard does not cut: every answer runs to --max-new-tokens. Tokens are counted as
forward passes of the model, one per generated token.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

from chatbot.generation.base import GenerationRequest, Passage
from chatbot.generation.config import GeneratorConfig
from chatbot.generation.hf import HFGenerator, load_hf_generator, stop_token_ids
from chatbot.generation.tiny import SAMPLE_TEXTS, build_tiny_model

QUESTION = "합성곱 신경망에서 풀링 층은 무슨 역할을 해?"
PASSAGES = [
    Passage(
        chunk_id=i,
        source="notes/cnn_rnn_nlp_chatbot_notes.txt",
        heading=f"CNN > {heading}",
        text=" ".join(SAMPLE_TEXTS[i : i + 4]),
        score=1 - i / 10,
    )
    for i, heading in enumerate(["합성곱 층", "풀링 층", "순환 신경망"])
]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, round(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def silence_stop_tokens(generator: HFGenerator) -> None:
    """Zero the output rows of the end-of-turn tokens: a random model then (almost) never
    picks them, and decoding runs to the token cap."""
    ids = stop_token_ids(generator.tokenizer)
    with torch.no_grad():
        generator.model.get_output_embeddings().weight[ids] = 0


def measure(generator: HFGenerator, *, runs: int, warmup: int) -> dict[str, float]:
    steps = [0]
    handle = generator.model.register_forward_hook(lambda *_: steps.__setitem__(0, steps[0] + 1))
    request = GenerationRequest(question=QUESTION, passages=PASSAGES, topic="CNN")
    latencies: list[float] = []
    firsts: list[float] = []
    rates: list[float] = []
    tokens: list[int] = []
    try:
        for run in range(warmup + runs):
            steps[0] = 0
            started = time.perf_counter()
            first = None
            for _ in generator.stream(request):
                if first is None:
                    first = time.perf_counter() - started
            elapsed = time.perf_counter() - started
            if run < warmup:
                continue
            latencies.append(elapsed)
            firsts.append(first if first is not None else elapsed)
            tokens.append(steps[0])
            rates.append(steps[0] / elapsed)
    finally:
        handle.remove()
    return {
        "tokens": statistics.median(tokens),
        "tokens_per_s": statistics.median(rates),
        "first_p50": statistics.median(firsts),
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model",
        default="tiny:kogpt2",
        help="kogpt2:<hub id or path>, seq2seq:<hub id or path>, or tiny:kogpt2 / tiny:seq2seq "
        "(a miniature random model built on the spot; the default)",
    )
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--threads", type=int, help="torch CPU threads (default: torch's)")
    args = parser.parse_args(argv)

    if args.threads:
        torch.set_num_threads(args.threads)
    kind, _, ref = args.model.partition(":")
    tiny = kind == "tiny"
    config = GeneratorConfig(
        device=args.device,
        max_new_tokens=args.max_new_tokens,
        loop_ngram_size=0 if tiny else GeneratorConfig().loop_ngram_size,
    )
    with tempfile.TemporaryDirectory() as scratch:
        if tiny:
            if ref not in ("kogpt2", "seq2seq"):
                parser.error("use tiny:kogpt2 or tiny:seq2seq")
            path = build_tiny_model(ref, Path(scratch) / ref)  # type: ignore[arg-type]
            kind, ref = ref, str(path)
        elif kind not in ("kogpt2", "seq2seq") or not ref:
            parser.error("--model must be kogpt2:<id or path>, seq2seq:<id or path> or tiny:<kind>")
        generator = load_hf_generator(kind, ref, config)  # type: ignore[arg-type]
        assert isinstance(generator, HFGenerator)
        if tiny:
            silence_stop_tokens(generator)
        result = measure(generator, runs=args.runs, warmup=args.warmup)

    device = next(generator.model.parameters()).device
    dtype = next(generator.model.parameters()).dtype
    print(
        f"model: {args.model}  device: {device} ({str(dtype).removeprefix('torch.')})  "
        f"torch threads: {torch.get_num_threads()}  runs: {args.runs} (+{args.warmup} warm-up)  "
        f"max_new_tokens: {args.max_new_tokens}"
    )
    print()
    print("| tokens (median) | tokens/s (median) | first piece p50 | latency p50 | latency p95 |")
    print("|---:|---:|---:|---:|---:|")
    print(
        f"| {result['tokens']:.0f} | {result['tokens_per_s']:.1f} "
        f"| {result['first_p50'] * 1000:.0f} ms | {result['p50'] * 1000:.0f} ms "
        f"| {result['p95'] * 1000:.0f} ms |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
