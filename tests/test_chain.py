from __future__ import annotations

from collections.abc import Iterator

import pytest

from chatbot.chain.chain import asks_something, decide_intent
from chatbot.generation.base import GenerationRequest
from chatbot.services import Services
from chatbot.settings import ChatConfig, Settings


@pytest.mark.parametrize(
    ("smalltalk", "coverage", "asks", "expected"),
    [
        (0.95, 1.0, True, "greeting"),  # a bank phrasing wins even if its words are in notes
        (0.30, 0.9, True, "question"),
        (0.58, 1.0, False, "greeting"),  # "안녕 챗봇아!": covered words, asks nothing
        (0.58, 1.0, True, "question"),  # asks about covered words
        (0.30, 0.1, True, "out_of_scope"),
        (0.60, 0.0, True, "greeting"),
    ],
)
def test_decide_intent(smalltalk: float, coverage: float, asks: bool, expected: str) -> None:
    assert decide_intent(smalltalk, coverage, True, asks, ChatConfig()) == expected


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
