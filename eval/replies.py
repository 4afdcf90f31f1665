"""Small-talk replies: does the reply a small-talk line gets fit what was said?

    python -m eval.replies [--split dev|test|all] [--csv PATH]

Routing (`eval.routing`, `eval.answers`) decides *that* a line is small talk; this scores
*which* reply group of the bank (`chatbot/data/smalltalk.json`) answers it. Each record
of `eval/data/smalltalk_replies_{dev,test}.jsonl` is a small-talk line that is not one of
the bank's phrasings, with the reply groups (`accept`) whose replies would fit it: a
compliment wants a `praise` reply, never an apology; everyday chatter with no group of
its own wants the neutral `acknowledge` reply rather than a wrong specific one.
A line counts as right when `SmallTalkBank.match` picks one of its groups (with `--csv`,
ChatbotData's answers count as a fit only where `chatbotdata` is listed, which no record
does: the set then shows how often the CSV's answers displace a fitting bank reply).
Both splits were written before the bank's matching was tuned; `dev` is tuned on,
`test` only reported.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from chatbot.chain.smalltalk import SmallTalkBank
from eval.common import load_jsonl, print_table
from vector_store.config import EmbeddingConfig
from vector_store.embeddings import build_embeddings

SPLITS = ("dev", "test")


def run(split: str = "all", csv: Path | None = None) -> dict[str, float]:
    embeddings = build_embeddings(EmbeddingConfig())
    bank = SmallTalkBank(embeddings, extra_csv=csv, seed=0)
    rows, results, wrong = [], {}, []
    for name in SPLITS if split == "all" else (split,):
        items = load_jsonl(f"smalltalk_replies_{name}.jsonl")
        vectors = embeddings.embed_query_array([item["message"] for item in items])
        hits = 0
        for item, vector in zip(items, vectors, strict=True):
            match = bank.match(item["message"], vector)
            if match.intent in item["accept"]:
                hits += 1
            elif name != "test":  # the test split is only reported, its lines never shown
                wrong.append((name, item["message"], match.intent, item["accept"]))
        results[name] = hits / len(items)
        rows.append([name, len(items), results[name]])
    print_table(
        "Small-talk replies: the reply group fits the line"
        + (f" (with {csv.name})" if csv else ""),
        ["split", "n", "accuracy"],
        rows,
    )
    for name, message, got, accept in wrong:
        print(f"  wrong: {name}: {message!r} got {got}, fits {'/'.join(accept)}")
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    parser.add_argument("--csv", type=Path, default=None, help="ChatbotData-style Q,A CSV")
    args = parser.parse_args(argv)
    run(args.split, args.csv)


if __name__ == "__main__":
    main()
