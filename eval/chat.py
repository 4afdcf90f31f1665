"""Chat quality: intent accuracy, out-of-scope decline rate, key-term recall and
reference recall of concept answers, follow-ups; `--sweep` shows how the routing
thresholds were chosen.

Answers are scored on their content lines only (`eval.answers.content_lines`: no header
line, no sources list): a header that repeats the question's topic ("노트에서 'SVM'에 대해
정리한 내용이에요.") must not meet the key-term check. Reference recall is the share of the
`reference` answer's content morphemes (Kiwi) found in those lines, averaged over the
questions that have a reference.

    python -m eval.chat [--set course|sample|heldout|all] [--sweep] [--misses] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from chatbot.chain.chain import decide_intent
from chatbot.services import Services
from eval.answers import content_lines, morpheme_recall
from eval.common import COURSE_NOTES, SAMPLE_NOTES, index_settings, load_jsonl, print_table
from vector_store.analysis import default_analyzer

# name: (question set, notes, index directory). The thresholds and the reply bank were
# tuned on "course" and "sample"; "heldout" (small talk and out-of-scope messages over the
# course notes) was written afterwards and is never used for tuning.
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


def sweep(which: str, data_root: Path) -> None:
    """Intent accuracy over a grid of the two routing thresholds (the defaults in
    `ChatConfig` are the best cell on the course set)."""
    evidence = []
    services_by_set = {}
    for name in TUNING if which == "all" else [which]:
        dataset, notes, index = SETS[name]
        services = Services.build(index_settings(notes, data_root / index))
        services_by_set[name] = services
        chain = services.chat.chain  # type: ignore[union-attr]
        for item in load_jsonl(dataset):
            if item["intent"] == "followup":
                continue
            plan = chain.plan({"message": item["message"], "history": []})
            assert plan.evidence is not None
            evidence.append((name, item["intent"], plan.evidence))
    cfg = next(iter(services_by_set.values())).settings.chat.model_copy()
    rows = []
    for st in (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7):
        for cov in (0.4, 0.5, 0.6, 0.7, 0.8):
            cfg.smalltalk_threshold, cfg.min_coverage = st, cov
            row: list[Any] = [f"st={st} cov={cov}"]
            for name in services_by_set:
                cell = [e for e in evidence if e[0] == name]
                ok = sum(decide_intent(e[2], cfg) == e[1] for e in cell)
                row.append(ok / len(cell))
            rows.append(row)
    print_table("Intent accuracy by thresholds", ["thresholds", *services_by_set], rows)
    for s in services_by_set.values():
        s.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=[*SETS, "all"], default="all")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--misses", action="store_true", help="list misrouted messages")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = args.data_dir or Path(tmp)
        if args.sweep:
            sweep(args.set, root)
        else:
            run(args.set, root, args.misses)


if __name__ == "__main__":
    main()
