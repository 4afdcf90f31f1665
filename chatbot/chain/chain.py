"""The chat chain: resolve follow-ups → retrieve → route → respond.

Built from LangChain runnables: a `RunnableLambda` plans the turn (follow-up
resolution, hybrid retrieval, small-talk match, intent), and a `RunnableBranch`
hands the plan to one of three `RunnableGenerator`s that stream events:

    {"type": "token", "text": ...}            (any number, in order)
    {"type": "final", "answer", "intent", "sources", "generator", "fallback", ...}

Routing uses the message and the retrieval evidence (`Evidence`, `decide_intent`):
a message is a question when the passages found contain its distinctive words
(IDF-weighted coverage) above a threshold calibrated on the eval set; small talk
is matched against the reply bank, and a message that names nothing at all
("ㅋㅋㅋ 웃기네") is small talk too; everything else is declined honestly.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from langchain_core.runnables import RunnableBranch, RunnableGenerator, RunnableLambda

from chatbot.chain.smalltalk import SmallTalkBank, SmallTalkMatch
from chatbot.generation.base import GenerationRequest, Generator, Passage
from chatbot.generation.config import GeneratorConfig
from chatbot.generation.extractive import ExtractiveGenerator
from chatbot.generation.grounding import support_ratio
from chatbot.settings import ChatConfig
from vector_store.analysis import QUERY_STOPWORDS, KoreanAnalyzer
from vector_store.retriever import HybridSearcher, SearchHit, SearchResult

_ANAPHORA = re.compile(
    r"(그것|그거|그건|그게|그걸|이것|이거|이건|이게|이걸|저것|저거|걔|얘|거기|그럼|그러면|"
    r"그렇다면|그래서|방금|위에서|앞에서|(?:^|\s)(?:그|이|저)\s)"
)
_SHORT_FOLLOWUP = re.compile(r"^(왜|언제|어떻게|장점|단점|예시|예를|차이|특징|종류|한계)")
_WORD_PIECE = re.compile(r"\S+\s*")
# A term as a heading writes it ("SVM", "Support Vector Machine"), not a file name
# ("main.py").
_WORD = r"[A-Za-z][A-Za-z0-9]*(?:[-+][A-Za-z0-9]+)*"
_HEADING_WORD = re.compile(rf"(?<![\w./]){_WORD}(?: {_WORD})*(?![\w./])")
# Capitalised English words of headings that name no topic ("The", "And").
_NOT_TOPICS = frozenset({"the", "an", "of", "to", "and", "in", "is", "for", "with", "vs"})


@dataclass
class Turn:
    user: str
    assistant: str
    intent: str | None


@dataclass
class Plan:
    message: str
    query: str
    intent: str
    history: list[Turn]
    result: SearchResult | None
    smalltalk: SmallTalkMatch | None
    topic: str = ""
    followup: bool = False
    avoid: set[str] = field(default_factory=set)
    evidence: Evidence | None = None


_ASKS = re.compile(
    r"\?|뭐|무엇|무슨|어떻|어떤|어디|언제|왜|누가|누구|얼마|몇|알려|설명|가르쳐|차이|비교|"
    r"인가|일까|나요|까요|는지|은지|냐|니\b"
)


@dataclass(frozen=True)
class Evidence:
    """What routing knows about one message."""

    smalltalk: float  # similarity to the closest small-talk phrasing
    coverage: float  # IDF-weighted share of the message's words in the top passages
    has_hits: bool
    asks: bool  # phrased as a question or a request
    has_subject: bool  # names something (a noun, a term) or follows up on a question


def decide_intent(ev: Evidence, cfg: ChatConfig) -> str:
    """Route one message from its evidence (kept apart so eval can sweep thresholds).

    - close to a small-talk phrasing (`smalltalk_exact`): small talk, even when its words
      occur in the notes ("안녕" and "챗봇" do, in a chatbot course);
    - names nothing ("ㅋㅋㅋ 웃기네", "그럼 이만 가볼게요"): small talk, as there is nothing
      to look up or to decline;
    - the passages found contain the message's distinctive words (`coverage`) and it
      asks something, or it does not resemble small talk: question;
    - resembles small talk: small talk; otherwise: out of scope.
    """
    covered = ev.has_hits and ev.coverage >= cfg.min_coverage
    if ev.smalltalk >= cfg.smalltalk_exact or not ev.has_subject:
        return "greeting"
    if covered and (ev.asks or ev.smalltalk < cfg.smalltalk_threshold):
        return "question"
    if ev.smalltalk >= cfg.smalltalk_threshold:
        return "greeting"
    return "out_of_scope"


def asks_something(message: str) -> bool:
    return bool(_ASKS.search(message))


class ChatChain:
    def __init__(
        self,
        *,
        searcher: HybridSearcher,
        bank: SmallTalkBank,
        generator: Generator,
        analyzer: KoreanAnalyzer,
        chat: ChatConfig,
        generation: GeneratorConfig,
        k: int,
    ) -> None:
        self.searcher = searcher
        self.bank = bank
        self.generator = generator
        self.extractive = (
            generator
            if isinstance(generator, ExtractiveGenerator)
            else ExtractiveGenerator(analyzer, sentences=generation.extractive_sentences)
        )
        self.analyzer = analyzer
        self.chat = chat
        self.generation = generation
        self.k = k
        self._topics: tuple[int, list[str]] | None = None
        self.runnable = RunnableLambda(self.plan, name="plan") | RunnableBranch(
            (
                lambda p: p.intent == "greeting",
                RunnableGenerator(self._smalltalk, name="smalltalk"),
            ),
            (lambda p: p.intent == "question", RunnableGenerator(self._answer, name="answer")),
            RunnableGenerator(self._decline, name="decline"),
        )

    # ----------------------------------------------------------------- planning
    def plan(self, inputs: dict[str, Any]) -> Plan:
        message: str = inputs["message"]
        history: list[Turn] = inputs.get("history", [])
        query, followup = self._resolve(message, history)
        result = self.searcher.search(query, self.k)
        match = self.bank.match(message, result.query_vector if query == message else None)
        coverage = self.coverage(result)
        if followup:
            # A follow-up adds words of its own; judge those, not the whole history.
            own = [t for t in self.analyzer.terms(message) if t not in QUERY_STOPWORDS]
            coverage = max(coverage, self.coverage(result, own) if own else 1.0)
        evidence = Evidence(
            smalltalk=match.score,
            coverage=coverage,
            has_hits=bool(result.hits),
            asks=asks_something(message),
            has_subject=followup or self.analyzer.has_subject(message),
        )
        intent = decide_intent(evidence, self.chat)
        topic = ""
        if intent == "question":
            # A follow-up names its own subject ("그 안에서 쓰는 어텐션은?" after
            # "트랜스포머가 뭐예요?") or keeps the one of the question it follows.
            topic = (
                self._topic(message, result.hits, query)
                if followup
                else self._topic(query, result.hits)
            )
        return Plan(
            message=message,
            query=query,
            intent=intent,
            history=history,
            result=result,
            smalltalk=match,
            topic=topic,
            followup=followup,
            avoid={t.assistant for t in history[-3:]},
            evidence=evidence,
        )

    def coverage(self, result: SearchResult, terms: list[str] | None = None) -> float:
        """How much of the question the top passages contain (see `IndexSnapshot.coverage`)."""
        snap = self.searcher.store.snapshot()
        if terms is None:
            terms = [t for t in result.query_terms if t not in QUERY_STOPWORDS]
        return snap.coverage(terms, [h.chunk_id for h in result.hits[:3]])

    def _resolve(self, message: str, history: list[Turn]) -> tuple[str, bool]:
        """A follow-up ("그건 언제 써?") is searched together with the question it follows."""
        previous = next((t for t in reversed(history) if t.intent == "question"), None)
        if previous is None:
            return message, False
        compact = message.strip()
        if _ANAPHORA.search(compact) or (len(compact) <= 12 and _SHORT_FOLLOWUP.match(compact)):
            return f"{previous.user} {message}", True
        return message, False

    def _topic(self, text: str, hits: list[SearchHit], context: str = "") -> str:
        """The subject of the question as the user wrote it ("풀링", "SVM"): the noun phrase
        that names the best passage's own heading, else the first one, else the subject of
        `context` (the question a follow-up continues), else the best passage's heading."""
        phrases = [p for p in self.analyzer.noun_phrases(text) if len(p) >= 2]
        if hits:
            leaf = hits[0].heading.rsplit(" > ", 1)[-1].casefold()
            for phrase in phrases:
                if phrase.casefold() in leaf:
                    return phrase
        if phrases:
            return phrases[0]
        if context:
            return self._topic(context, hits)
        return hits[0].heading.rsplit(" > ", 1)[-1] if hits else ""

    # ---------------------------------------------------------------- responding
    def stream(self, inputs: dict[str, Any]) -> Iterator[dict[str, Any]]:
        yield from self.runnable.stream(inputs)

    def _smalltalk(self, plans: Iterator[Plan]) -> Iterator[dict[str, Any]]:
        for plan in plans:
            assert plan.smalltalk is not None
            reply = self.bank.reply(plan.smalltalk, avoid=plan.avoid)
            yield from _pieces(reply)
            yield _final(plan, reply, [], "smalltalk", fallback=False)

    def _answer(self, plans: Iterator[Plan]) -> Iterator[dict[str, Any]]:
        for plan in plans:
            assert plan.result is not None
            passages = [
                Passage(h.chunk_id, h.source, h.heading, h.text, h.score) for h in plan.result.hits
            ]
            history = [(t.user, t.assistant) for t in plan.history]
            request = GenerationRequest(
                plan.query, passages, plan.topic, history, plan.message if plan.followup else ""
            )
            pieces: list[str] = []
            for piece in self.generator.stream(request):
                pieces.append(piece)
                yield {"type": "token", "text": piece}
            answer = "".join(pieces).strip()
            name, fallback = self.generator.name, False
            if self.generator is not self.extractive:
                ratio = support_ratio(answer, passages, self.analyzer)
                if ratio < self.generation.ground_threshold:
                    answer, fallback = self.extractive.generate(request), True
            if not answer:
                yield from self._decline(iter([plan]))
                continue
            # Cite what the answer stands on: the passages the answerer reads, not every
            # candidate retrieved.
            sources = [_source(h) for h in plan.result.hits[: self.extractive.passages]]
            yield _final(plan, answer, sources, name, fallback=fallback)

    def _decline(self, plans: Iterator[Plan]) -> Iterator[dict[str, Any]]:
        for plan in plans:
            topics = ", ".join(self.covered_topics())
            text = (
                "죄송해요, 그 내용은 강의 노트에 없어서 답을 드릴 수 없어요. "
                f"노트에서는 {topics} 같은 머신러닝·딥러닝 개념을 다루고 있으니, "
                "그런 내용을 물어봐 주세요."
            )
            yield from _pieces(text)
            yield _final(plan, text, [], "none", fallback=False, intent="out_of_scope")

    def covered_topics(self, n: int = 6) -> list[str]:
        """English terms of the headings as the notes write them ("SVM", "Transformer"), by
        how much text sits under them: a short table of contents drawn from the notes."""
        snap = self.searcher.store.snapshot()
        if self._topics is None or self._topics[0] != snap.generation:
            counts: Counter[str] = Counter()
            spellings: dict[str, Counter[str]] = {}
            for rec in snap.records:
                words = set(_HEADING_WORD.findall(rec.heading.rsplit(" > ", 1)[-1]))
                for word in words:
                    key = word.casefold()
                    # capitalised, as names of methods and models are ("SVM", "PyTorch")
                    letters = sum(c.isalpha() for c in word)
                    if letters >= 2 and not word.islower() and key not in _NOT_TOPICS:
                        counts[key] += 1
                        spellings.setdefault(key, Counter())[word] += 1
            top = [spellings[k].most_common(1)[0][0] for k, _ in counts.most_common(n)]
            self._topics = (snap.generation, top)
        return self._topics[1]


def _pieces(text: str) -> Iterator[dict[str, Any]]:
    for piece in _WORD_PIECE.findall(text):
        yield {"type": "token", "text": piece}


def _source(hit: SearchHit) -> dict[str, Any]:
    snippet = hit.text.replace("\n", " ")
    return {
        "chunk_id": hit.chunk_id,
        "source": hit.source,
        "heading": hit.heading,
        "snippet": snippet[:200] + ("…" if len(snippet) > 200 else ""),
        "score": round(hit.score, 4),
    }


def _final(
    plan: Plan,
    answer: str,
    sources: list[dict[str, Any]],
    generator: str,
    *,
    fallback: bool,
    intent: str | None = None,
) -> dict[str, Any]:
    return {
        "type": "final",
        "answer": answer,
        "intent": intent or plan.intent,
        "sources": sources,
        "generator": generator,
        "fallback": fallback,
        "topic": plan.topic,
        "query": plan.query,
    }
