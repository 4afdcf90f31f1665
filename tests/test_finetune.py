"""Fine-tuning: training pairs from notes and small talk, example encoding, the training loop
on miniature models, and the `finetune` command."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
import torch

from chatbot.generation.base import GenerationRequest, Passage
from chatbot.generation.cli import register
from chatbot.generation.config import GeneratorConfig
from chatbot.generation.finetune import (
    IGNORE_INDEX,
    FinetuneOptions,
    TrainingPair,
    _encode_causal,
    _encode_seq2seq,
    _subject,
    finetune,
    pairs_from_chunks,
    pairs_from_csv,
)
from chatbot.generation.hf import load_hf_generator
from chatbot.generation.tiny import SAMPLE_TEXTS, build_tiny_model, train_tokenizer

CHATBOT_DATA = Path(__file__).resolve().parents[2] / "shared/data/chatbot-data/ChatbotData.csv"

RECORDS = [
    SimpleNamespace(
        source="notes/nn.md",
        heading="신경망 기초 > 역전파",
        text="역전파는 출력에서 입력 방향으로 미분을 계산한다. 가중치를 갱신하는 데 쓰인다. "
        "세 번째 문장은 답에 들어가지 않는다.",
    ),
    SimpleNamespace(
        source="notes/nn.md",
        heading="신경망 기초 > 역전파",
        text="같은 절의 두 번째 조각이다. 제목 질문을 다시 만들지 않는다.",
    ),
    SimpleNamespace(
        source="notes/terms.md",
        heading="AI 용어",
        text="RAG - LLM과 검색 엔진을 결합하여 외부 문서를 검색하고 답변을 생성하는 구조\n"
        "- **에포크**: 모델이 전체 학습 데이터를 한 번 모두 학습한 횟수\n"
        "예: 이 줄은 정의가 아니다\n"
        "http://example.com: 링크도 아니다",
    ),
    SimpleNamespace(
        source="notes/cnn.md",
        heading="CNN",
        text="CNN은 합성곱 층, 풀링 층, 밀집 층으로 구성된다.",
    ),
    SimpleNamespace(
        source="notes/qa.md",
        heading="신경망에서 relu가 뭐야?",
        text="relu는 비선형 활성화 함수이다.",
    ),
    SimpleNamespace(source="notes/empty.md", heading="빈 절", text="   "),
    SimpleNamespace(
        source="notes/ml.md",
        heading="머신러닝 > 강화학습: 에이전트가 들어간 학습을 의미함.",
        text="강화학습: 에이전트가 들어간 학습을 의미함.\n"
        "[시퀀스 투 시퀀스:] - 질문과 대답으로 구성해서 챗봇을 만드는 것을 의미한다.\n"
        "filename: str = 'mnist_sample.png'\n"
        "async def lifespan(app: FastAPI):\n"
        "| 이름 | 설명 |",
    ),
    SimpleNamespace(source="notes/log.md", heading="23.09.19", text="flaskbook/apps 만들기"),
]


@pytest.fixture(autouse=True, scope="module")
def _single_thread() -> Iterator[None]:
    """Tiny models gain nothing from intra-op threads, and on a busy machine threads that
    spin waiting for each other make them many times slower."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bases")
    return {kind: build_tiny_model(kind, root / kind) for kind in ("kogpt2", "seq2seq")}


# --- pairs ------------------------------------------------------------------------------


def test_pairs_from_headings_and_key_terms() -> None:
    pairs = pairs_from_chunks(RECORDS)
    by_question = {pair.question: pair for pair in pairs}

    assert list(by_question) == [
        "역전파가 뭐예요?",
        "역전파에 대해 설명해 주세요.",
        "AI 용어가 뭐예요?",
        "AI 용어에 대해 설명해 주세요.",
        "RAG가 뭐예요?",
        "RAG에 대해 설명해 주세요.",
        "에포크가 뭐예요?",
        "에포크에 대해 설명해 주세요.",
        "CNN이 뭐예요?",
        "CNN에 대해 설명해 주세요.",
        "신경망에서 relu가 뭐야?",
        "강화학습이 뭐예요?",
        "강화학습에 대해 설명해 주세요.",
        "시퀀스 투 시퀀스가 뭐예요?",
        "시퀀스 투 시퀀스에 대해 설명해 주세요.",
    ]
    backprop = by_question["역전파가 뭐예요?"]
    assert (
        backprop.answer
        == "역전파는 출력에서 입력 방향으로 미분을 계산한다. 가중치를 갱신하는 데 쓰인다."
    )
    assert backprop.passages[0].text == RECORDS[0].text
    assert backprop.passages[0].heading == "신경망 기초 > 역전파"
    assert by_question["RAG가 뭐예요?"].answer.startswith("LLM과 검색 엔진을 결합하여")
    assert (
        by_question["에포크가 뭐예요?"].answer == "모델이 전체 학습 데이터를 한 번 모두 학습한 횟수"
    )
    assert by_question["에포크가 뭐예요?"].passages[0].source == "notes/terms.md"
    assert by_question["신경망에서 relu가 뭐야?"].answer == "relu는 비선형 활성화 함수이다."
    # A heading that defines its term; code and table lines are no answers.
    assert by_question["강화학습이 뭐예요?"].answer == "에이전트가 들어간 학습을 의미함."
    assert by_question["시퀀스 투 시퀀스가 뭐예요?"].answer == (
        "질문과 대답으로 구성해서 챗봇을 만드는 것을 의미한다."
    )


def test_answers_are_capped() -> None:
    record = SimpleNamespace(source="a.md", heading="과적합", text="과적합은 " + "아주 " * 200)

    (first, _) = pairs_from_chunks([record], max_answer_chars=50)

    assert len(first.answer) <= 50
    assert first.answer.startswith("과적합은 아주")


@pytest.mark.parametrize(
    ("word", "particle"),
    [
        ("신경망", "이"),
        ("에포크", "가"),
        ("CNN", "이"),
        ("RAG", "가"),
        ("python", "이"),
        ("padding", "이"),
        ("ReLU(Rectified Linear Unit)", "가"),
        ("레이어 1", "이"),
        ("버전 2", "가"),
        ("∑", "이(가)"),
    ],
)
def test_subject_particle_follows_the_last_sound(word: str, particle: str) -> None:
    assert _subject(word) == particle


def test_smalltalk_pairs_from_csv(tmp_path: Path) -> None:
    path = tmp_path / "chat.csv"
    path.write_text(
        "\ufeffQ,A,label\n12시 땡!,하루가 또 가네요.,0\n,빈 질문,0\n배고파,뭐 좀 드세요.,0\n"
        '"쉼표, 있는 질문",답이에요.,1\n',
        encoding="utf-8",
    )

    pairs = pairs_from_csv(path)
    sample = pairs_from_csv(path, limit=2, seed=3)

    assert [(p.question, p.answer) for p in pairs] == [
        ("12시 땡!", "하루가 또 가네요."),
        ("배고파", "뭐 좀 드세요."),
        ("쉼표, 있는 질문", "답이에요."),
    ]
    assert all(p.passages == () for p in pairs)
    assert len(sample) == 2
    assert sample == pairs_from_csv(path, limit=2, seed=3)


def test_csv_without_q_and_a_columns_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("question,answer\n안녕,안녕하세요\n", encoding="utf-8")

    with pytest.raises(ValueError, match="needs the columns Q and A"):
        pairs_from_csv(path)


@pytest.mark.skipif(not CHATBOT_DATA.exists(), reason="ChatbotData.csv is not in ../shared")
def test_chatbot_data_csv() -> None:
    assert len(pairs_from_csv(CHATBOT_DATA)) == 11_823
    assert len(pairs_from_csv(CHATBOT_DATA, limit=300)) == 300


# --- encoding ---------------------------------------------------------------------------


def test_causal_example_learns_only_the_answer() -> None:
    tokenizer = train_tokenizer()
    (pair,) = [p for p in pairs_from_chunks(RECORDS) if p.question == "역전파가 뭐예요?"]

    example = _encode_causal(tokenizer, pair, max_length=200, turn_tokens=True)

    answer_start = example.labels.index(next(t for t in example.labels if t != IGNORE_INDEX))
    prompt = str(tokenizer.decode(example.input_ids[:answer_start]))
    assert set(example.labels[:answer_start]) == {IGNORE_INDEX}
    assert prompt.endswith("<usr>역전파가 뭐예요?<sys>")
    assert example.labels[answer_start:] == example.input_ids[answer_start:]
    assert example.labels[-1] == tokenizer.eos_token_id
    assert tokenizer.decode(example.labels[answer_start:-1]) == pair.answer


def test_long_passages_are_trimmed_to_max_length() -> None:
    tokenizer = train_tokenizer()
    passage = Passage(0, "notes/a.md", "긴 절", " ".join(SAMPLE_TEXTS) * 10, 1.0)
    long_pair = TrainingPair("질문?", "짧은 답.", (passage,))

    causal = _encode_causal(tokenizer, long_pair, max_length=96, turn_tokens=True)
    seq2seq = _encode_seq2seq(train_tokenizer(append_eos=True), long_pair, max_length=96)

    assert len(causal.input_ids) <= 96
    assert str(tokenizer.decode(causal.input_ids)).endswith("<usr>질문?<sys>짧은 답.</s>")
    assert len(seq2seq.input_ids) <= 96
    assert seq2seq.labels[-1] == tokenizer.eos_token_id


# --- training ---------------------------------------------------------------------------


def _training_pairs() -> list[TrainingPair]:
    smalltalk = [
        TrainingPair("안녕하세요", "안녕하세요! 반갑습니다."),
        TrainingPair("오늘 기분 어때?", "오늘도 좋은 하루 보내세요."),
    ]
    return pairs_from_chunks(RECORDS) + smalltalk


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["kogpt2", "seq2seq"])
def test_finetuning_lowers_the_loss_and_saves_a_loadable_model(
    kind: str, bases: dict[str, Path], tmp_path: Path
) -> None:
    options = FinetuneOptions(
        kind=kind,  # type: ignore[arg-type]
        base=str(bases[kind]),
        out_dir=tmp_path / "out",
        epochs=4,
        batch_size=4,
        lr=5e-3,
        max_length=128,
        eval_fraction=0.25,
        progress=False,
    )

    result = finetune(_training_pairs(), options)

    first, last = result.history[0], result.history[-1]
    assert last.train_loss < 0.8 * first.train_loss
    assert last.eval_loss is not None
    assert math.isfinite(last.eval_loss)
    assert result.eval_pairs >= 2
    assert result.train_pairs + result.eval_pairs == len(_training_pairs())
    summary = json.loads((tmp_path / "out" / "finetune.json").read_text(encoding="utf-8"))
    assert summary["best_epoch"] == result.best_epoch
    generator = load_hf_generator(kind, str(tmp_path / "out"), GeneratorConfig(max_new_tokens=8))  # type: ignore[arg-type]
    assert isinstance(generator.generate(GenerationRequest("CNN이 뭐예요?", [])), str)


@pytest.mark.slow
def test_early_stopping_keeps_the_best_epoch(bases: dict[str, Path], tmp_path: Path) -> None:
    # With a zero learning rate the held-out loss cannot improve after the first epoch.
    options = FinetuneOptions(
        kind="kogpt2",
        base=str(bases["kogpt2"]),
        out_dir=tmp_path / "out",
        epochs=6,
        batch_size=4,
        lr=0.0,
        patience=2,
        max_length=128,
        eval_fraction=0.25,
        progress=False,
    )

    result = finetune(_training_pairs(), options)

    assert result.stopped_early
    assert [stats.epoch for stats in result.history] == [1, 2, 3]
    assert result.best_epoch == 1


# --- command ----------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chatbot")
    register(parser.add_subparsers(dest="command", required=True))
    return parser


@pytest.fixture
def fake_store(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Stands in for `vector_store.store.load_chunks`, recording the database URLs asked for."""
    asked: list[str] = []

    def load_chunks(database_url: str) -> list[SimpleNamespace]:
        asked.append(database_url)
        return [SimpleNamespace(chunk_id=i, **vars(r)) for i, r in enumerate(RECORDS)]

    module = ModuleType("vector_store.store")
    module.load_chunks = load_chunks  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "vector_store.store", module)
    return asked


@pytest.mark.slow
def test_finetune_command(
    bases: dict[str, Path],
    tmp_path: Path,
    fake_store: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    csv_path = tmp_path / "chat.csv"
    csv_path.write_text("Q,A,label\n안녕,안녕하세요!,0\n배고파,뭐 좀 드세요.,0\n", encoding="utf-8")
    out = tmp_path / "model"
    args = _parser().parse_args(
        [
            "finetune",
            "--base",
            str(bases["kogpt2"]),
            "--out",
            str(out),
            "--smalltalk-csv",
            str(csv_path),
            "--smalltalk-limit",
            "1",
            "--epochs",
            "2",
            "--batch-size",
            "4",
            "--lr",
            "1e-3",
            "--max-length",
            "128",
            "--device",
            "cpu",
        ]
    )
    settings = SimpleNamespace(
        resolved_database_url="sqlite:///notes.db", generator=GeneratorConfig()
    )

    status = args.func(args, settings)

    printed = capsys.readouterr().out
    assert status == 0
    assert fake_store == ["sqlite:///notes.db"]
    assert "notes: 8 chunks -> 15 question-answer pairs" in printed
    assert "small talk: 1 pairs" in printed
    assert f"CHATBOT_GENERATOR__MODEL=kogpt2:{out.resolve()}" in printed
    assert (out / "config.json").exists()
    assert (out / "tokenizer.json").exists()


def test_finetune_command_needs_a_seq2seq_base(
    tmp_path: Path, fake_store: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    args = _parser().parse_args(["finetune", "--kind", "seq2seq", "--out", str(tmp_path)])

    status = args.func(args, SimpleNamespace(resolved_database_url="x", generator=None))

    assert status == 2
    assert "--base is required" in capsys.readouterr().err
    assert fake_store == []
