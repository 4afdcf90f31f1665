"""`chatbot finetune`: fine-tune KoGPT2 or a seq2seq model on the ingested notes.

Torch and transformers are imported only when the command runs, so that registering it
costs the rest of the CLI nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chatbot.settings import Settings

DEFAULT_BASES = {"kogpt2": "skt/kogpt2-base-v2"}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `finetune` subcommand."""
    parser = subparsers.add_parser(
        "finetune",
        help="fine-tune KoGPT2 or a seq2seq model on the ingested notes",
        description=(
            "Build question-answer pairs from the ingested notes (plus optional small talk), "
            "fine-tune a causal LM (kogpt2) or a seq2seq model, and save it to --out, ready "
            "for CHATBOT_GENERATOR__MODEL=<kind>:<out>. Uses CUDA when present."
        ),
    )
    parser.add_argument(
        "--base",
        metavar="MODEL",
        help="hub id or local directory to start from "
        "(default for kogpt2: skt/kogpt2-base-v2; required for seq2seq)",
    )
    parser.add_argument("--kind", choices=["kogpt2", "seq2seq"], default="kogpt2")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    parser.add_argument(
        "--smalltalk-csv",
        type=Path,
        metavar="PATH",
        help="also train on small-talk pairs from a CSV with columns Q,A (e.g. ChatbotData.csv)",
    )
    parser.add_argument(
        "--smalltalk-limit",
        type=int,
        metavar="N",
        help="use a random sample of N small-talk rows",
    )
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--lr", type=float, default=5e-5, help="peak learning rate of AdamW")
    parser.add_argument(
        "--patience",
        type=int,
        default=2,
        help="epochs without a better held-out loss before stopping (0: never stop early)",
    )
    parser.add_argument("--max-length", type=int, default=384, help="tokens per training example")
    parser.add_argument(
        "--eval-fraction", type=float, default=0.1, help="share of pairs held out for the loss"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--device",
        choices=["auto", "cpu", "cuda"],
        help="default: the generator's device setting (auto: CUDA when present)",
    )
    parser.set_defaults(func=run_finetune)


def run_finetune(args: argparse.Namespace, settings: Settings) -> int:
    """Handler of `chatbot finetune`; returns the exit status."""
    from chatbot.generation.base import GeneratorUnavailableError
    from chatbot.generation.finetune import (
        FinetuneOptions,
        finetune,
        pairs_from_chunks,
        pairs_from_csv,
    )
    from vector_store.store import load_chunks

    base = args.base or DEFAULT_BASES.get(args.kind)
    if base is None:
        print(
            "--base is required with --kind seq2seq: a hub id (e.g. gogamza/kobart-base-v2) "
            "or a local model directory",
            file=sys.stderr,
        )
        return 2
    records = load_chunks(settings.resolved_database_url)
    pairs = pairs_from_chunks(records)
    print(f"notes: {len(records)} chunks -> {len(pairs)} question-answer pairs")
    if args.smalltalk_csv:
        try:
            smalltalk = pairs_from_csv(
                args.smalltalk_csv, limit=args.smalltalk_limit, seed=args.seed
            )
        except (OSError, ValueError) as exc:
            print(f"cannot read small-talk pairs: {exc}", file=sys.stderr)
            return 1
        print(f"small talk: {len(smalltalk)} pairs from {args.smalltalk_csv}")
        pairs.extend(smalltalk)
    if not pairs:
        print(
            "no training pairs: run `chatbot ingest` first, or give --smalltalk-csv",
            file=sys.stderr,
        )
        return 1

    options = FinetuneOptions(
        kind=args.kind,
        base=base,
        out_dir=args.out,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        patience=args.patience,
        max_length=args.max_length,
        seed=args.seed,
        device=args.device or settings.generator.device,
        eval_fraction=args.eval_fraction,
    )
    try:
        result = finetune(pairs, options)
    except GeneratorUnavailableError as exc:
        print(exc, file=sys.stderr)
        return 1

    print(
        f"device: {result.device}  train pairs: {result.train_pairs}  held out: {result.eval_pairs}"
    )
    print(f"{'epoch':>5}  {'train loss':>10}  {'eval loss':>9}")
    for stats in result.history:
        eval_loss = f"{stats.eval_loss:.4f}" if stats.eval_loss is not None else "-"
        marker = "  <- kept" if stats.epoch == result.best_epoch else ""
        print(f"{stats.epoch:>5}  {stats.train_loss:>10.4f}  {eval_loss:>9}{marker}")
    if result.stopped_early:
        print("stopped early: the held-out loss stopped improving")
    print(f"saved to {result.out_dir}")
    print(f"use it with: CHATBOT_GENERATOR__MODEL={args.kind}:{result.out_dir.resolve()}")
    return 0
