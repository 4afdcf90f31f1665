"""The default answerer: picks the note sentences that answer the question.

Offline and instant. Sentences of the best passages are scored by the question
terms they contain (and a small bonus for definitions such as "X는 …이다"),
noise (code, table rows, URLs, fragments) is skipped, and the best few are
written out in note order under a line that names the topic. Every sentence
comes from the passages, so the answer states nothing they do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from chatbot.generation.base import GenerationRequest, Passage
from vector_store.analysis import KoreanAnalyzer

_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_URL = re.compile(r"https?://\S+")
_CODE_HINT = re.compile(
    r"[{};=]|^\s*(?:import|from|def|class|return|print)\b|\w+\(.*\)\s*$"
    r"|^[^가-힣#]*[\w)\]]\s+#\s"  # code with a trailing comment: "f(x)  # 설명"
)
# A formula closing a line of prose ("…가중합한다: \mathrm{softmax}(QK^T)V"): kept out of
# the answer, the prose before it kept.
_TRAILING_MATH = re.compile(r"\s*:\s*[^가-힣]*\\[A-Za-z][^가-힣]*$")
_DEFINITION = re.compile(r"(?:이란|란|는|은|이)\s.*(?:이다|입니다|의미|말한다|뜻한다|한다)")
_END = re.compile(r"[.!?。]$|다$|요$|음$|함$|임$")
_WORD_PIECE = re.compile(r"\S+\s*")


class ExtractiveGenerator:
    name = "extractive"

    def __init__(self, analyzer: KoreanAnalyzer, sentences: int = 3, passages: int = 3) -> None:
        self.analyzer = analyzer
        self.sentences = sentences
        self.passages = passages

    def select(self, request: GenerationRequest) -> list[str]:
        """The sentences the answer is made of, in the order they are written."""
        q_terms = set(self.analyzer.terms(request.followup or request.question))
        # A follow-up's own words lead; the question it follows counts like the topic.
        context = request.question if request.followup else request.topic
        topic_terms = set(self.analyzer.terms(context)) - q_terms if context else set()
        scored: list[tuple[float, int, int, str]] = []
        for rank, passage in enumerate(request.passages[: self.passages]):
            for pos, sent in enumerate(self._sentences(passage)):
                terms = set(self.analyzer.terms(sent))
                if not terms:
                    continue
                overlap = len(q_terms & terms) + 0.5 * len(topic_terms & terms)
                if overlap == 0 and rank > 0:
                    continue
                score = overlap + (0.6 if _DEFINITION.search(sent) else 0.0)
                score += 0.4 / (1 + rank) + 0.2 / (1 + pos)
                scored.append((score, rank, pos, sent))
        best = sorted(scored, key=lambda s: -s[0])[: self.sentences]
        return [s[3] for s in sorted(best, key=lambda s: (s[1], s[2]))]

    def _sentences(self, passage: Passage) -> list[str]:
        out = []
        for line in passage.text.split("\n"):
            line = _TRAILING_MATH.sub(".", _BULLET.sub("", line).strip())
            if line.startswith("[") and "]" in line:
                line = line.split("]", 1)[1].strip()
            if not line or line.count("|") >= 2 or _URL.search(line) or _CODE_HINT.search(line):
                continue
            for sent in self.analyzer.split_sentences(line):
                sent = sent.strip(" -:")
                if len(sent) >= 8 and re.search(r"[가-힣]", sent):
                    out.append(sent)
        return out

    def generate(self, request: GenerationRequest) -> str:
        chosen = self.select(request)
        if not chosen:
            return ""
        topic = request.topic or (request.passages[0].heading.rsplit(" > ", 1)[-1])
        lines = [f"노트에서 '{topic}'에 대해 정리한 내용이에요."]
        for sent in chosen:
            lines.append(f"- {sent if _END.search(sent) else sent + '.'}")
        return "\n".join(lines)

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        # The answer exists at once; it is streamed word by word like a model's tokens.
        yield from _WORD_PIECE.findall(self.generate(request))
