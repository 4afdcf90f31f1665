"""Everyday words: the terms that people chat with, counted in ChatbotData.

A message whose every term is one of them ("공부 언제까지 해야 돼?", "집중 안 될 때 어떻게
해?") is chatter about daily life, even where the notes happen to use its words (the notes
say 공부 and 집중, but define neither). The list is built from the small-talk side of the
routing data (ChatbotData questions, information requests left out) and ships in
``data/everyday.txt``; rebuild it after the analyzer changes how it cuts terms:

    python -m chatbot.routing.everyday --csv ../shared/data/chatbot-data/ChatbotData.csv
"""

from __future__ import annotations

import argparse
import logging
from collections import Counter
from functools import cache
from pathlib import Path

from chatbot.routing.data import DATA, chatbotdata_questions, read_lines
from vector_store.analysis import KoreanAnalyzer, default_analyzer

logger = logging.getLogger(__name__)
EVERYDAY_PATH = DATA / "everyday.txt"
MIN_COUNT = 5
"""Questions a term must stand in to count as everyday (of about 11,000)."""


def count_terms(questions: list[str], analyzer: KoreanAnalyzer) -> Counter[str]:
    """In how many of `questions` each term stands."""
    counts: Counter[str] = Counter()
    for question in questions:
        counts.update(set(analyzer.terms(question)))
    return counts


@cache
def everyday_words(path: Path = EVERYDAY_PATH) -> frozenset[str]:
    return frozenset(read_lines(path)) if path.is_file() else frozenset()


def is_everyday(text: str, analyzer: KoreanAnalyzer, words: frozenset[str]) -> bool:
    """Whether every term of `text` is an everyday word (and it has one)."""
    terms = analyzer.terms(text)
    return bool(terms) and all(term in words for term in terms)


def main(argv: list[str] | None = None) -> None:
    from chatbot.routing.train import DEFAULT_CSV

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help="ChatbotData.csv")
    parser.add_argument("--out", type=Path, default=EVERYDAY_PATH)
    parser.add_argument("--min-count", type=int, default=MIN_COUNT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not args.csv.is_file():
        parser.error(f"{args.csv} not found: pass --csv path/to/ChatbotData.csv")
    questions = [q for q, _ in chatbotdata_questions(args.csv)]
    counts = count_terms(questions, default_analyzer())
    words = sorted(t for t, n in counts.items() if n >= args.min_count)
    header = (
        f"# Everyday words: terms in at least {args.min_count} of the {len(questions)} "
        "small-talk questions of ChatbotData (MIT).\n"
        "# Built by `python -m chatbot.routing.everyday`; one a line.\n"
    )
    args.out.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    logger.info("%d words -> %s", len(words), args.out)


if __name__ == "__main__":
    main()
