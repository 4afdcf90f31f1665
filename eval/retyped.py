"""Answers to questions typed another way: the dev questions of `eval.answers`, each
rewritten by one rule of a family, scored as the originals are (intent question and span
recall against the same gold span).

    python -m eval.retyped [--family endings|chat|words|followups|framed|frames|all] [--breaks]

A rule set tuned on the dev splits can hold for their exact wording and fail as soon as a
student types the same question another way; this measures how often. Only the dev splits
are rewritten (the test split stays report-only in `eval.answers`). Families:

- `endings`: the ending or the question mark changed ("뭐야?" → "뭔가요?", "해?" →
  "하나요?", a question without its mark);
- `chat`: endings as chat types them ("뭐야?" → "뭐임?", "알려줘" → "설명해줘"), or the
  question opened with "혹시";
- `words`: what is asked in other words ("누가 만들었어?" → "만든 사람이 누구야?", "예시"
  → "예", "종류" → "유형", "왜 써?" → "쓰는 이유가 뭐야?");
- `followups`: the second turn of each dev follow-up, its ending changed as in `endings`;
- `framed`: the question with what a student says around it, one frame per question in
  turn ("안녕하세요! …", "노트에 보면 …", "…?? ㅠㅠ", "수업 때 배운 건데 …", "… 고마워!",
  "… 좀 설명해줘"). `--family frames` applies each frame alone to every dev question
  (`frame1` … `frame6`, in that order; not part of `all`).

A question no rule of its family applies to is left out. `--breaks` lists the rewritten
questions answered wrong whose original is answered right.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eval.answers import SPLITS, Scorer
from eval.common import COURSE_NOTES, load_jsonl, print_table

DEV_SPLITS = tuple(s for s in SPLITS if s != "test")

Rules = list[tuple[str, str]]

ENDINGS: Rules = [
    (r"뭐야\?$", "뭔가요?"),
    (r"뭐예요\?$", "뭐야?"),
    (r"뭐에요\?$", "뭐야?"),
    (r"알려줘\.?$", "알려주세요"),
    (r"알려주세요\.?$", "알려줘"),
    (r"써\?$", "사용하나요?"),
    (r"쓰나요\?$", "써?"),
    (r"쓰여\?$", "사용돼요?"),
    (r"해\?$", "하나요?"),
    (r"해요\?$", "해?"),
    (r"하나요\?$", "해?"),
    (r"있어\?$", "있나요?"),
    (r"있나요\?$", "있어?"),
    (r"돼\?$", "되나요?"),
    (r"돼요\?$", "돼?"),
    (r"야\?$", "예요?"),
    (r"예요\?$", "야?"),
    (r"줘$", "주세요"),
    (r"뭐지\?$", "뭐였죠?"),
    (r"달라\?$", "다른가요?"),
    (r"다른가요\?$", "달라?"),
    (r"어\?$", "어요?"),
    (r"어요\?$", "어?"),
    # no rule above: the question without its mark
    (r"\?$", ""),
]
CHAT: Rules = [
    (r"(이|가) 뭐야\?$", r"\1 뭐임?"),
    (r"(은|는) 뭐야\?$", r"\1 뭔지 알려줘"),
    (r"알려줘\.?$", "설명해줘"),
    (r"왜 써\?$", "왜 쓰는 거야?"),
    (r"언제 써\?$", "언제 쓰는 거야?"),
    (r"어떻게 해\?$", "어떻게 하는 거야?"),
    (r"뭐야\?$", "뭐지?"),
    (r"뭐예요\?$", "뭔가요?"),
    (r"있어\?$", "있음?"),
    (r"돼\?$", "됨?"),
    (r"해\?$", "함?"),
    # no rule above: opened with 혹시
    (r"^", "혹시 "),
]
WORDS: Rules = [
    (r"누가 만들었어\?$", "만든 사람이 누구야?"),
    (r"어느 나라 사람이야\?$", "국적이 어디야?"),
    (r"왜 (?:써|쓰는 거야|사용해)\?$", "쓰는 목적이 뭐야?"),
    (r"(은|는) 왜 (?:써|쓰나요|사용해)\?$", r"\1 쓰는 이유가 뭐야?"),
    (r"장점(?:은|이) 뭐야\?$", "좋은 점이 뭐야?"),
    (r"(?<!장)단점(?:은|이) 뭐야\?$", "안 좋은 점이 뭐야?"),
    (r"예시", "예"),
    # (its particle after a final consonant: "차이가" → "다른 점이")
    (r"차이가", "다른 점이"),
    (r"차이는", "다른 점은"),
    (r"차이를", "다른 점을"),
    (r"차이(?![가-힣])", "다른 점"),
    (r"어떻게 동작해\?$", "작동 원리가 뭐야?"),
    (r"언제 (?:써|사용해)\?$", "어디에 써?"),
    (r"종류", "유형"),
    (r"뭐뭐 있어\?$", "어떤 것들이 있어?"),
]
# What a student says around a question, one frame per question in turn (the first,
# the second, … and again): a greeting before it, where it was met, a sigh or thanks after
# it, a request added to it, whom it is asked of, why it is asked
FRAMES: tuple[Rules, ...] = (
    [(r"^", "안녕하세요! ")],
    [(r"^", "노트에 보면 ")],
    [(r"\?$", "?? ㅠㅠ"), (r"$", " ㅎㅎ")],
    [(r"^", "수업 때 배운 건데 ")],
    [(r"$", " 고마워!")],
    [(r"\?$", " 좀 설명해줘"), (r"$", " 좀 설명해줘")],
    [(r"^", "쌤, ")],
    [(r"^", "내일 시험인데 ")],
    [(r"\?$", "? 너무 헷갈려")],
)
FAMILIES: dict[str, Rules] = {
    "endings": ENDINGS,
    "chat": CHAT,
    "words": WORDS,
    "followups": ENDINGS,
    "framed": [],  # by turns from FRAMES
}
# Each frame alone, on every dev question (`--family frames`; not part of `all`)
EACH_FRAME: dict[str, Rules] = {f"frame{i}": rules for i, rules in enumerate(FRAMES, start=1)}


def retype(text: str, rules: Rules) -> str | None:
    """`text` rewritten by the first rule that applies to it; None when none does."""
    for pattern, replacement in rules:
        if re.search(pattern, text):
            rewritten = re.sub(pattern, replacement, text, count=1).strip()
            return rewritten if rewritten and rewritten != text else None
    return None


def _answered(scorer: Scorer, item: dict[str, Any], reply: dict[str, Any]) -> bool:
    scored = scorer.score(item, reply)
    return scored.intent == "question" and bool(scored.recall)


def evaluate_family(
    family: str, ask: Callable[[list[str]], dict[str, Any]], scorer: Scorer
) -> tuple[list[dict[str, Any]], int]:
    """Each dev question (or follow-up) its family rewrites, answered as written and as
    rewritten; and how many were left out."""
    rows: list[dict[str, Any]] = []
    left_out = 0
    framed = 0
    for split in DEV_SPLITS:
        for item in load_jsonl(f"answers_{split}.jsonl"):
            if (item["type"] == "followup") != (family == "followups"):
                continue
            if item["type"] not in ("question", "followup"):
                continue
            turns = item["turns"] if family == "followups" else [item["message"]]
            if family == "framed":
                rules = FRAMES[framed % len(FRAMES)]
                framed += 1
            else:
                rules = EACH_FRAME.get(family) or FAMILIES[family]
            rewritten = retype(turns[-1], rules)
            if rewritten is None:
                left_out += 1
                continue
            new_turns = [*turns[:-1], rewritten]
            new_item = (
                {**item, "turns": new_turns}
                if family == "followups"
                else {**item, "message": rewritten}
            )
            rows.append(
                {
                    "id": item["id"],
                    "original": turns[-1],
                    "rewritten": rewritten,
                    "original_ok": _answered(scorer, item, ask(turns)),
                    "rewritten_ok": _answered(scorer, new_item, ask(new_turns)),
                }
            )
    return rows, left_out


def run(family: str, data_root: Path, show_breaks: bool = False) -> dict[str, dict[str, float]]:
    from chatbot.services import Services
    from eval.common import index_settings

    if not COURSE_NOTES.is_dir():
        print(f"skip retyped: {COURSE_NOTES} not found")
        return {}
    services = Services.build(index_settings(COURSE_NOTES, data_root / "course"))
    chat = services.chat
    assert chat is not None

    def ask(turns: list[str]) -> dict[str, Any]:
        session = None
        reply: dict[str, Any] = {}
        for turn in turns:
            reply = chat.answer(turn, session)
            session = reply["session_id"]
        return reply

    scorer = Scorer(COURSE_NOTES)
    out: dict[str, dict[str, float]] = {}
    table = []
    breaks: list[dict[str, Any]] = []
    names = {"all": list(FAMILIES), "frames": list(EACH_FRAME)}.get(family, [family])
    for name in names:
        rows, left_out = evaluate_family(name, ask, scorer)
        n = len(rows)
        original = sum(r["original_ok"] for r in rows)
        rewritten = sum(r["rewritten_ok"] for r in rows)
        broken = [r for r in rows if r["original_ok"] and not r["rewritten_ok"]]
        breaks.extend(broken)
        out[name] = {
            "n": n,
            "original": original / n if n else 0.0,
            "rewritten": rewritten / n if n else 0.0,
            "broken": len(broken),
        }
        table.append(
            [name, n, left_out, out[name]["original"], out[name]["rewritten"], len(broken)]
        )
    print_table(
        "Dev questions typed another way (intent question + span recall)",
        ["family", "n", "left out", "as written", "retyped", "broken by retyping"],
        table,
    )
    if show_breaks:
        for r in breaks:
            print(f"{r['id']}: {r['original']} => {r['rewritten']}")
    services.close()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--family", choices=[*FAMILIES, *EACH_FRAME, "frames", "all"], default="all"
    )
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--breaks", action="store_true", help="list what retyping broke")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        run(args.family, args.data_dir or Path(tmp), args.breaks)


if __name__ == "__main__":
    main()
