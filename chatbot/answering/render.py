"""Writing an answer from the chosen units, with citation marks.

The answer opens with the most direct unit in its context ("LeNet-5: 합성곱 신경망이라는
개념을 최초로 얀 르쿤이 개발한 구조 [1]"); supporting lines follow as bullets, each
with the mark of the passage it comes from. `[n]` refers to `sources[n-1]`. Short
siblings under one label (the steps of a procedure) share one line. When the notes
hold nothing of the kind asked (no "when" for a "언제" question), a first line says so
and the rest says what they do hold about the topic. Lines of the notes' code are quoted
in a fenced block, under a sentence that says where in the code they stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby

from chatbot.answering.kinds import KIND_PHRASE, kind_phrase
from chatbot.answering.select import CODE_NAME_LABEL, SENTENCE_END, Chosen, Selection
from ingest.tree import name_key
from vector_store.passage import Passage

_SHORT = 20


@dataclass(frozen=True)
class Rendered:
    lines: list[str]
    """Answer lines, each content line ending with its citation mark."""
    passages: list[Passage]
    """The cited passages: `[n]` is `passages[n-1]`."""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


# A label that only says what kind of statement stands under it ("특징", "장점")
_KIND_LABEL = re.compile(r"^(?:특징|장점|단점|장단점|한계)\s*:?$")
_PARENT_MAX = 30


def _context(chosen: Chosen) -> str:
    unit = chosen.unit
    if unit.term:
        return unit.term.rstrip(" :")
    # "에이전트:" as a bullet of its own labels what follows: its colon is the line's
    context = unit.context.rstrip(" :")
    if _KIND_LABEL.match(context) and len(unit.labels) >= 2 and unit.labels[-1] == unit.context:
        # "특징" says whose only with the label above it: "플라스크 특징"
        parent = unit.labels[-2].rstrip(" :")
        if len(parent) <= _PARENT_MAX and not SENTENCE_END.search(parent):
            return f"{parent} {context}"
    return context


def _under_day(chosen: Chosen, day: str) -> str:
    """What a unit is written under on that day: its innermost heading below the day's
    ("결정 트리 (decision tree)"), else the label right under the day ("ARIMA 모델 (…)")."""
    unit = chosen.unit
    labels = unit.labels
    at = labels.index(day) if day in labels else len(labels)
    if unit.heading_depth - 1 > at:
        return labels[unit.heading_depth - 1]
    return labels[at + 1] if at + 1 < len(labels) else ""


# "-> 이미지를 … 쪼개는 것": an arrow a note's bullet opens with points at the line above
_OPENING_ARROW = re.compile(r"^\s*(?:-+>|=>|→)\s*")
# "반면 군집마다 밀도가 …": the word that sets a line against the one above it in the
# notes, which an answer that opens with the line does not show
_CONTRAST = re.compile(r"^(?:반면에?|하지만|그러나|그렇지만),?\s+")


def _sentence(text: str) -> str:
    # "…계산 할 수 있으며,": a comma the line stops at gives way to the full stop
    text = _OPENING_ARROW.sub("", text).rstrip(" ,")
    return text if SENTENCE_END.search(text) else f"{text}."


def _quoted_as(text: str) -> str:
    """ "이라고만" after a final consonant ("것"), "라고만" after a vowel ("다")."""
    last = text[-1:] or "다"
    if "가" <= last <= "힣":
        return "이라고만" if (ord(last) - ord("가")) % 28 else "라고만"
    return "라고만" if last.isalpha() and last.lower() in "aeiouy" else "이라고만"


def _topic_particle(word: str) -> str:
    """ "은" after a final consonant ("한계는" but "단점은"), "는" after a vowel."""
    return "은" if _object_particle(word) == "을" else "는"


def _object_particle(word: str) -> str:
    """ "을" after a final consonant ("함수를" but "퍼셉트론을"), "를" after a vowel."""
    last = word[-1:]
    if "가" <= last <= "힣":
        return "을" if (ord(last) - ord("가")) % 28 else "를"
    return "를" if last.isalpha() and last.lower() in "aeiouy" else "을"


def render_answer(selection: Selection, *, kind: str, topic: str, question: str = "") -> Rendered:
    passages: list[Passage] = []

    def mark(passage: Passage) -> str:
        for i, known in enumerate(passages, start=1):
            if known.chunk_id == passage.chunk_id:
                return f"[{i}]"
        passages.append(passage)
        return f"[{len(passages)}]"

    if selection.code:
        return _quote_code(selection)
    if selection.formula:
        return _quote_formulas(selection, topic)
    lines: list[str] = []
    header = (
        not selection.kind_found and bool(topic) and (kind in KIND_PHRASE or bool(selection.asked))
    )
    if selection.unnamed:
        # the lines found are about a part of the name asked ("활성화 함수" for "비활성화
        # 함수"): said so before them, whatever kind they answer
        header = True
        lines.append(
            f"노트에서 '{selection.unnamed}'{_object_particle(selection.unnamed)} 직접 설명한 "
            "부분은 찾지 못했어요. 가까운 내용은 이렇게 정리되어 있어요."
        )
    elif header:
        # what was not found, said of the search and not of the notes: the lines below may
        # still hold it in words no pattern reads as that kind ("생성자와 판별자가 서로
        # 경쟁하며 함께 발전" says how a GAN learns)
        asked = selection.asked or kind_phrase(kind, question)
        lines.append(
            f"노트에서 '{topic}'에 대해 {asked}{_object_particle(asked)} 딱 집어 말한 줄은 "
            "찾지 못했어요. 관련된 내용은 이렇게 정리되어 있어요."
        )
    groups: list[list[Chosen]] = []
    for chosen in selection.units:
        last = groups[-1] if groups else None
        if (
            last
            and len(last[0].unit.text) <= _SHORT
            and len(chosen.unit.text) <= _SHORT
            and last[0].unit.labels == chosen.unit.labels
            and last[0].unit.kind == chosen.unit.kind == "item"
            and not (last[-1].command or chosen.command)
            and not SENTENCE_END.search(last[-1].unit.text)
            and not SENTENCE_END.search(chosen.unit.text)
        ):
            last.append(chosen)
        else:
            groups.append([chosen])
    previous = ""
    for n, group in enumerate(groups):
        context = _context(group[0])
        if len(group) > 1:
            body = ", ".join(c.unit.text for c in group)
        else:
            body = _sentence(group[0].unit.text)
        if n == 0:
            body = _CONTRAST.sub("", body)
        marks = "".join(dict.fromkeys(mark(c.passage) for c in group))
        # The label goes before a line when it changes, and always before a short line or
        # a term or table row, which mean little without it.
        short = len(body) <= _SHORT
        # a term's line that merely mentions it ("cv: … 예를 들어, cv=5는 …") still needs
        # it up front; any other line says its label where it holds it
        termed = group[0].unit.kind in ("term", "row")
        mentioned = body.startswith(context) if termed else context in body
        show_context = (
            context
            and not SENTENCE_END.search(context)  # a heading that is a sentence labels nothing
            and not mentioned
            and (context != previous or short or group[0].unit.kind in ("term", "row"))
        )
        # a name from code is written as code (the notes mark it so)
        label = f"`{context}`" if CODE_NAME_LABEL.match(context) else context
        line = f"{label}: {body}" if show_context else body
        if group[0].command:
            line = f"{line} `{group[0].command}`"
        previous = context
        lines.append(f"{line} {marks}" if n == 0 else f"- {line} {marks}")
    if selection.day and lines and not header:
        # "며칠 수업에서 배웠지?": the day first, then what the notes say there
        first = selection.units[0]
        lines = [
            f"{_under_day(first, selection.day) or topic}: {selection.day} 수업 노트에 적혀 "
            f"있어요. "
            f"{mark(first.passage)}",
            *(line if line.startswith("- ") else f"- {line}" for line in lines),
        ]
    if header and selection.says_little and not selection.unnamed:
        # all the notes hold is one thin line ("dense: 밀집되어 있다"): one sentence says
        # so, instead of the line standing alone under the header
        said = lines.pop().removesuffix(f" {marks}").rstrip(".")
        # (what is asked where it is narrower than the kind: "dense의 한계는?" asks 한계)
        asked = selection.asked or kind_phrase(kind, question)
        lines = [
            f"노트에는 '{topic}'에 대해 {asked}{_topic_particle(asked)} 따로 적혀 있지 않고, "
            f"'{said}'{_quoted_as(said)} 적혀 있어요. {marks}"
        ]
    return Rendered(lines, passages)


def _quote_code(selection: Selection) -> Rendered:
    """Lines of the notes' code, quoted in a fenced block under one sentence that says
    where in the code they stand (the function or comment they are under)."""
    first = selection.units[0]
    where = first.unit.context
    place = f"노트의 코드 중 '{where}' 부분에" if where else "노트의 코드에"
    return Rendered(
        [
            f"{place} 이렇게 적혀 있어요. [1]",
            "```",
            *(c.unit.text for c in selection.units),
            "```",
        ],
        [first.passage],
    )


# a formula's block is fenced as plain text: it is not code a follow-up goes on from
_FORMULA_FENCE = "```text"


def _quote_formulas(selection: Selection, topic: str = "") -> Rendered:
    """Each formula under one sentence that names what it is the formula of (the label
    it stands under, or the topic asked where the formula names it and the label does
    not: "MSE = …" under "회귀 모델 평가 지표"), then its lines and the rows that say what
    its symbols stand for, in a fenced block."""
    topic_key = name_key(topic)
    passages: list[Passage] = []

    def mark(passage: Passage) -> str:
        if passage not in passages:
            passages.append(passage)
        return f"[{passages.index(passage) + 1}]"

    lines: list[str] = []
    formulas = [c for c in selection.units if c.unit.kind == "formula"]
    for (_, labels), run in groupby(formulas, key=lambda c: (c.unit.source, c.unit.labels)):
        block = list(run)
        name = labels[-1].rstrip(" :") if labels else ""
        if (
            topic_key
            and topic_key not in name_key(name)
            and topic_key in name_key(block[0].unit.text.split("=")[0])
        ):
            name = topic
        said = f"'{name}' 식은" if name else "식은"
        lines += [f"{said} 노트에 이렇게 적혀 있어요. {mark(block[0].passage)}", _FORMULA_FENCE]
        lines += [*(c.unit.text for c in block), "```"]
    # then what the notes say of it in words
    lines += [
        f"- {_sentence(c.unit.text)} {mark(c.passage)}"
        for c in selection.units
        if c.unit.kind != "formula"
    ]
    return Rendered(lines, passages)


def quoted_lines(answer: str) -> list[str]:
    """The lines of code an answer quoted (`_quote_code`), stripped; not a formula's."""
    lines, inside, formula = [], False, False
    for line in answer.splitlines():
        if line.startswith("```"):
            inside = not inside
            formula = inside and line.strip() == _FORMULA_FENCE
        elif inside and not formula and line.strip():
            lines.append(line.strip())
    return lines


# the citation marks that end an answer line (" [1]", " [1] [2]")
_MARKS_AT_END = re.compile(r"(?:\s*\[\d+\])+$")


def joined(first: Rendered, second: Rendered) -> Rendered:
    """One answer of two asked in one message ("RNN이 뭐야? 그리고 LSTM은?"): `first`'s
    lines, then a blank line and those of `second` that `first` does not hold,
    cited by the passages of both (a passage both cite keeps its one number); `first`
    itself where `second` adds nothing."""
    passages = list(first.passages)
    number = {p.chunk_id: n for n, p in enumerate(passages, start=1)}
    renumbered: dict[int, int] = {}
    for n, passage in enumerate(second.passages, start=1):
        if passage.chunk_id not in number:
            passages.append(passage)
            number[passage.chunk_id] = len(passages)
        renumbered[n] = number[passage.chunk_id]

    def bare(line: str) -> str:
        return _MARKS_AT_END.sub("", line).removeprefix("- ").strip()

    def cited(match: re.Match[str]) -> str:
        marks = re.findall(r"\d+", match.group(0))
        return "".join(f" [{renumbered[int(m)]}]" for m in marks)

    held = [bare(line) for line in first.lines]

    def said(line: str) -> bool:
        # (the same line, or the same said under its label: "DBSCAN: K-평균 …" for "K-평균 …")
        text = bare(line)
        return any(text.endswith(h) or h.endswith(text) for h in held if h)

    added = [_MARKS_AT_END.sub(cited, line) for line in second.lines if not said(line)]
    if not any(_MARKS_AT_END.search(line) for line in added):
        return first
    return Rendered([*first.lines, "", *added], passages)
