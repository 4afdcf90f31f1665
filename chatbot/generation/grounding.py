"""Ground check: is what an answer says supported by the passages it came from?

The answer's content terms (nouns, verb stems, English terms and numbers, from
the same Kiwi analysis as the index) are looked up in the passages' terms; the
supported share must reach `GeneratorConfig.ground_threshold`. Words that only
frame an answer ("노트", "설명") are not counted.
"""

from __future__ import annotations

import re

from chatbot.generation.base import Passage
from vector_store.analysis import KoreanAnalyzer

_MARK = re.compile(r"\[\d+\]")
_SOURCES_HEADER = re.compile(r"^\s*\**\s*출처")
_FRAMING = frozenset(
    {
        "노트",
        "정리",
        "내용",
        "설명",
        "대하",
        "답변",
        "질문",
        "관련",
        "다음",
        "이렇",
        "있",
        "하",
        "되",
    }
)


def _statements(answer: str) -> str:
    """The answer without its citation marks ("[1]") and a trailing "출처" list: what it
    claims, not where it says it comes from."""
    lines = []
    for line in answer.split("\n"):
        if _SOURCES_HEADER.match(line):
            break
        lines.append(_MARK.sub(" ", line))
    return "\n".join(lines)


def support_ratio(answer: str, passages: list[Passage], analyzer: KoreanAnalyzer) -> float:
    terms = [t for t in analyzer.terms(_statements(answer)) if t not in _FRAMING]
    if not terms:
        return 0.0
    support: set[str] = set()
    for p in passages:
        support.update(analyzer.terms(f"{p.heading}\n{p.text}"))
    return sum(1 for t in terms if t in support) / len(terms)
