from __future__ import annotations

from collections.abc import Iterator

import pytest

from chatbot.chain.chain import Evidence, Turn, asks_something, decide_intent
from chatbot.generation.base import GenerationRequest, Passage
from chatbot.generation.extractive import ExtractiveGenerator
from chatbot.services import Services
from chatbot.settings import ChatConfig, Settings
from vector_store.analysis import default_analyzer


@pytest.mark.parametrize(
    ("smalltalk", "coverage", "asks", "subject", "expected"),
    [
        (0.95, 1.0, True, True, "greeting"),  # a bank phrasing wins even if words are in notes
        (0.30, 0.9, True, True, "question"),
        (0.58, 1.0, False, True, "greeting"),  # "안녕 챗봇아!": covered words, asks nothing
        (0.58, 1.0, True, True, "question"),  # asks about covered words
        (0.30, 0.1, True, True, "out_of_scope"),
        (0.60, 0.0, True, True, "greeting"),
        (0.45, 0.0, False, False, "greeting"),  # "ㅋㅋㅋ 웃기네": names nothing
        (0.45, 1.0, False, False, "greeting"),  # "그럼 이만 가볼게요": nothing to look up
    ],
)
def test_decide_intent(
    smalltalk: float, coverage: float, asks: bool, subject: bool, expected: str
) -> None:
    evidence = Evidence(smalltalk, coverage, has_hits=True, asks=asks, has_subject=subject)
    assert decide_intent(evidence, ChatConfig()) == expected


def test_asks_something() -> None:
    assert asks_something("SVM이 뭐야")
    assert asks_something("드롭아웃 설명해 줘")
    assert not asks_something("안녕 챗봇아!")


class FakeModel:
    """A model generator stand-in: streams a fixed text word by word."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text

    def generate(self, request: GenerationRequest) -> str:
        return self.text

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        for word in self.text.split(" "):
            yield word + " "


@pytest.fixture
def services(app_settings: Settings) -> Iterator[Services]:
    built = Services.build(app_settings)
    yield built
    built.close()


def test_chatter_that_names_nothing_is_small_talk(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    for message in ["ㅋㅋㅋ 웃기네", "그럼 이만 가볼게요"]:
        assert chain.plan({"message": message, "history": []}).intent == "greeting", message
    # a follow-up names nothing of its own but continues a question
    history = [Turn(user="SVM이 뭐야?", assistant="...", intent="question")]
    plan = chain.plan({"message": "그건 언제 써?", "history": history})
    assert plan.intent == "question"
    assert plan.topic == "SVM"  # the subject of the question it continues


def test_a_transliterated_term_finds_the_english_one(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    plan = chain.plan({"message": "트랜스포머가 뭐예요?", "history": []})  # notes say Transformer
    assert plan.intent == "question"
    assert plan.result is not None and "Transformer" in plan.result.hits[0].heading


def test_decline_names_topics_as_the_headings_write_them(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    topics = chain.covered_topics()
    assert len(topics) == 6 and "CNN" in topics
    assert all(not t.islower() and len(t) >= 2 for t in topics), topics
    final = list(chain.stream({"message": "비트코인 시세 알려줘", "history": []}))[-1]
    assert final["intent"] == "out_of_scope" and ", ".join(topics) in final["answer"]


def test_extractive_leaves_out_code_and_closing_formulas() -> None:
    text = (
        "faiss.normalize_L2(vectors)  # 코사인 유사도용 정규화\n"
        "정규화한 벡터의 내적은 코사인 유사도와 같다: \\cos(u, v) = u^\\top v\n"
    )
    passage = Passage(1, "rag.md", "벡터 검색", text, 1.0)
    answer = ExtractiveGenerator(default_analyzer()).generate(
        GenerationRequest("코사인 유사도와 정규화", [passage])
    )
    assert "- 정규화한 벡터의 내적은 코사인 유사도와 같다." in answer
    assert "normalize_L2" not in answer and "\\cos" not in answer


def test_follow_up_words_lead_the_extractive_answer() -> None:
    passage = Passage(
        1,
        "seq.md",
        "Transformer",
        "Transformer는 2017년에 제안된 구조로 어텐션만으로 시퀀스를 처리한다.\n"
        "셀프 어텐션은 쿼리와 키의 내적을 softmax로 정규화해 값을 가중합하는 방식으로 계산한다.",
        1.0,
    )
    generator = ExtractiveGenerator(default_analyzer(), sentences=1)
    resolved = "트랜스포머가 뭐예요? 그 안에서 쓰는 어텐션은 어떻게 계산해?"
    own = "그 안에서 쓰는 어텐션은 어떻게 계산해?"
    assert "softmax" in generator.generate(GenerationRequest(resolved, [passage], followup=own))
    # read as one question, the definition of Transformer wins
    assert "2017" in generator.generate(GenerationRequest(resolved, [passage]))


def test_ungrounded_model_answer_falls_back_to_extractive(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    chain.generator = FakeModel(
        "kogpt2:fake", "비트코인 가격은 내일 두 배로 오르고 주식도 상승한다"
    )
    events = list(chain.stream({"message": "드롭아웃은 뭐야?", "history": []}))
    final = events[-1]
    streamed = "".join(e["text"] for e in events if e["type"] == "token")
    assert "비트코인" in streamed  # the model's text was streamed as it came
    assert final["fallback"] is True and final["generator"] == "kogpt2:fake"
    assert "비트코인" not in final["answer"] and "드롭아웃" in final["answer"]
    assert final["answer"].startswith("노트에서 '드롭아웃")  # the extractive answer


def test_grounded_model_answer_is_kept(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    hit = services.searcher.search("드롭아웃은 뭐야?").hits[0]
    sentence = next(s for s in services.analyzer.split_sentences(hit.text) if "드롭아웃" in s)
    chain.generator = FakeModel("seq2seq:fake", sentence)
    final = list(chain.stream({"message": "드롭아웃은 뭐야?", "history": []}))[-1]
    assert final["fallback"] is False and final["generator"] == "seq2seq:fake"
    assert final["answer"] == sentence.strip()


def test_service_does_not_start_with_a_model_it_cannot_load(
    app_settings: Settings, tmp_path
) -> None:
    from fastapi.testclient import TestClient

    from chatbot.app import create_app
    from chatbot.generation.base import GeneratorUnavailableError

    missing = tmp_path / "no-such-model"
    settings = app_settings.model_copy(deep=True)
    settings.generator.model = f"kogpt2:{missing}"
    with pytest.raises(GeneratorUnavailableError, match="CHATBOT_GENERATOR__MODEL"):  # noqa: SIM117
        with TestClient(create_app(settings)):
            pass
