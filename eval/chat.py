"""Chat quality: intent accuracy, out-of-scope decline rate, key-term recall and
reference recall of concept answers, follow-ups (the routing thresholds are swept with
`python -m eval.answers --sweep`, on the answers' dev split).

Answers are scored on their content lines only (`eval.answers.content_lines`: no header
line, no sources list): a header that repeats the question's topic ("노트에서 'SVM'에 대해
정리한 내용이에요.") must not meet the key-term check. Reference recall is the share of the
`reference` answer's content morphemes (Kiwi) found in those lines, averaged over the
questions that have a reference.

    python -m eval.chat [--set course|sample|heldout|all] [--misses] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from chatbot.services import Services
from eval.answers import content_lines, morpheme_recall
from eval.common import COURSE_NOTES, SAMPLE_NOTES, index_settings, load_jsonl, print_table
from vector_store.analysis import default_analyzer

# name: (question set, notes, index directory). The reply bank was tuned on "course" and
# "sample"; "heldout" (small talk and out-of-scope messages over the course notes) was
# written afterwards and is never used for tuning.
SETS = {
    "course": ("chat_course.jsonl", COURSE_NOTES, "course"),
    "sample": ("chat_sample.jsonl", SAMPLE_NOTES, "sample"),
    "heldout": ("chat_heldout.jsonl", COURSE_NOTES, "course"),
}
TUNING = ("course", "sample")
INTENTS = ("greeting", "question", "out_of_scope")


def contains_any(text: str, terms: list[str]) -> bool:
    low = text.casefold()
    return any(t.casefold() in low for t in terms)


def body(answer: str) -> str:
    """The answer's content lines, without header and sources list."""
    return "\n".join(content_lines(answer))


def evaluate(services: Services, items: list[dict[str, Any]]) -> dict[str, Any]:
    assert services.chat is not None
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    recall_hits = followups_ok = followups = 0
    reference_recalls: list[float] = []
    analyzer = default_analyzer()
    misses: list[str] = []
    for item in items:
        if item["intent"] == "followup":
            followups += 1
            first = services.chat.answer(item["turns"][0], None)
            second = services.chat.answer(item["turns"][1], first["session_id"])
            ok = second["intent"] == "question" and contains_any(
                body(second["answer"]), item["key_terms"]
            )
            followups_ok += ok
            if not ok:
                misses.append(f"followup {item['id']}: {second['answer'][:60]!r}")
            continue
        final = services.chat.answer(item["message"], None)
        total[item["intent"]] += 1
        if final["intent"] == item["intent"]:
            correct[item["intent"]] += 1
        else:
            misses.append(f"{item['id']} {item['message']!r}: {final['intent']}")
        if item["intent"] == "question" and contains_any(body(final["answer"]), item["key_terms"]):
            recall_hits += 1
        if item["intent"] == "question" and item.get("reference"):
            reference_recalls.append(morpheme_recall(final["answer"], item["reference"], analyzer))
    return {
        "accuracy": {i: correct[i] / total[i] for i in INTENTS if total[i]},
        "counts": dict(total),
        "overall": sum(correct.values()) / max(1, sum(total.values())),
        "key_term_recall": recall_hits / max(1, total["question"]),
        "reference_recall": (
            sum(reference_recalls) / len(reference_recalls) if reference_recalls else None
        ),
        "followup": followups_ok / followups if followups else None,
        "misses": misses,
    }


def run(which: str, data_root: Path, show_misses: bool = False) -> dict[str, Any]:
    out = {}
    for name in list(SETS) if which == "all" else [which]:
        dataset, notes, index = SETS[name]
        if not notes.is_dir():
            print(f"skip {name}: {notes} not found")
            continue
        services = Services.build(index_settings(notes, data_root / index))
        result = evaluate(services, load_jsonl(dataset))
        services.close()
        acc = result["accuracy"]
        counts = result["counts"]
        rows = [
            [label, acc[intent]]
            for intent, label in (
                ("greeting", "greetings answered as small talk"),
                ("question", "questions answered from the notes"),
                ("out_of_scope", "out-of-scope declined"),
            )
            if intent in acc
        ]
        rows.append(["intent accuracy (all)", result["overall"]])
        if counts.get("question"):
            rows.append(["concept answers containing the key term", result["key_term_recall"]])
        if result["reference_recall"] is not None:
            rows.append(["reference morphemes in the answer (mean)", result["reference_recall"]])
        if result["followup"] is not None:
            rows.append(["follow-ups resolved (answer on topic)", result["followup"]])
        print_table(f"Chat, {name} set {counts}", ["metric", "value"], rows)
        if show_misses:
            for miss in result["misses"]:
                print("  miss:", miss)
        out[name] = result
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=[*SETS, "all"], default="all")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--misses", action="store_true", help="list misrouted messages")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = args.data_dir or Path(tmp)
        run(args.set, root, args.misses)


if __name__ == "__main__":
    main()
