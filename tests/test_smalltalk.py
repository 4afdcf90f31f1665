"""Small-talk replies: shaped by the message's intent, varied, drawn from ChatbotData too."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from chatbot.chain.smalltalk import BANK_PATH, CSV_INTENT, SmallTalkBank, cue_intent
from tests.conftest import HashEmbeddings
from vector_store.config import EmbeddingConfig
from vector_store.embeddings import NamedEmbeddings, build_embeddings

REPLIES = {e["intent"]: e["replies"] for e in json.loads(BANK_PATH.read_text(encoding="utf-8"))}


@pytest.fixture(scope="module")
def use_m3() -> NamedEmbeddings:
    return build_embeddings(EmbeddingConfig(model="use-m3"))


@pytest.fixture(scope="module")
def bank(use_m3: NamedEmbeddings) -> SmallTalkBank:
    return SmallTalkBank(use_m3, seed=1)


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("반갑습니다, 오늘 처음 써봐요", "greeting"),
        ("안녕하세요~ 오늘 처음 써 봐요", "greeting"),
        ("고마워요 덕분에 이해했어요", "thanks"),
        ("안녕히 계세요", "goodbye"),
        ("잘 자요, 내일 또 올게요", "night"),
        # 안녕 after what one will do next leaves; it greeted before
        ("내일 또 물어볼게 안녕", "goodbye"),
        ("굿모닝~", "daytime"),
        ("저녁 맛있게 먹었어?", "daytime"),
        ("ㅋㅋㅋ", "laughter_or_filler"),
        ("너는 누구야?", "identity"),
    ],
)
def test_replies_have_the_shape_of_the_message(
    bank: SmallTalkBank, message: str, intent: str
) -> None:
    match = bank.match(message)
    assert match.intent == intent
    for _ in range(8):
        assert bank.reply(match) in REPLIES[intent]


def test_a_greeting_never_gets_a_good_night_reply(bank: SmallTalkBank) -> None:
    match = bank.match("반갑습니다, 오늘 처음 써봐요")
    replies = {bank.reply(match) for _ in range(20)}
    assert replies <= set(REPLIES["greeting"])
    assert not any("쉬세요" in r or "밤" in r for r in replies)


@pytest.mark.parametrize(
    "message", ["내일 발표 떨려", "다음 주에 여행 가", "시험 망친 것 같아 우울해"]
)
def test_without_its_words_no_message_gets_a_greeting_or_good_night_shape(
    bank: SmallTalkBank, message: str
) -> None:
    # "내일 발표 떨려" is nearest a good-night phrasing ("내일 또 올게요") by embedding
    assert bank.match(message).intent not in ("greeting", "thanks", "goodbye", "night", "daytime")


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        # nearest phrasing "엉뚱한 소리 하네": an apology to a compliment
        ("와 너 진짜 똑똑하다", "praise"),
        ("오늘도 화이팅!", "cheer"),
        ("수고 많았어", "goodbye"),
        ("심심해 죽겠다", "bored"),
        ("재밌는 이야기 해줘", "bored"),  # a joke asked for: the quiz offer, not "고마워요"
        ("ㅋㅋㅋㅋ 웃기다", "laughter_or_filler"),
        ("나 오늘 CNN 과제 끝냈어", "congrats"),
        ("나 드디어 자격증 땄어!", "congrats"),
        # nearest phrasing "시험 끝났다": congratulations to a student under stress
        ("시험 기간이라 스트레스 받아", "comfort"),
        ("친구랑 싸워서 기분이 별로야", "comfort"),
        ("나 요즘 좀 지친 것 같아", "encouragement"),
        # an exclamation on its own thanks no one for praise
        ("헐 대박", "laughter_or_filler"),
        ("대박 설명 최고다", "praise"),
    ],
)
def test_reply_cues_pick_the_group(bank: SmallTalkBank, message: str, intent: str) -> None:
    assert bank.match(message).intent == intent


def test_far_from_every_phrasing_a_message_gets_the_neutral_reply(bank: SmallTalkBank) -> None:
    # nearest "답변이 너무 길어" (an apology), at 0.58
    match = bank.match("이번 학기 너무 길다")
    assert match.intent == "acknowledge"
    assert match.nearest == "apology_or_complaint"
    assert bank.reply(match) in REPLIES["acknowledge"]


def test_cues_prefer_the_more_specific_intent() -> None:
    assert cue_intent("안녕히 주무세요") == "night"
    assert cue_intent("안녕, 고마워") == "thanks"
    assert cue_intent("SVM이 뭐야") is None


def test_reply_avoids_recent_answers(bank: SmallTalkBank) -> None:
    match = bank.match("안녕하세요")
    recent = set(REPLIES["greeting"][:3])
    assert {bank.reply(match, avoid=recent) for _ in range(10)} == {REPLIES["greeting"][3]}


def _csv(path: Path) -> Path:
    rows = [
        ("배고프다", "뭐 좀 챙겨 드세요."),
        ("배고파", "맛있는 거 드세요."),
        ("비 온다", "우산 챙기세요."),
        ("주말에 영화 볼까", "재미있는 영화 보세요."),
    ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Q", "A", "label"])
        writer.writerows([q, a, 0] for q, a in rows)
    return path


def test_chatbotdata_answers_the_nearest_question(use_m3: NamedEmbeddings, tmp_path: Path) -> None:
    bank = SmallTalkBank(use_m3, extra_csv=_csv(tmp_path / "c.csv"), cache_dir=tmp_path, seed=2)
    match = bank.match("배고프다")
    assert match.intent == CSV_INTENT
    assert match.pattern == "배고프다"
    assert set(match.replies) <= {"뭐 좀 챙겨 드세요.", "맛있는 거 드세요."}
    # Bank phrasings still win where they fit, and cues still shape greetings.
    assert bank.match("안녕하세요").intent == "greeting"
    assert bank.match("너는 누구야?").intent == "identity"


def test_chatbotdata_never_answers_what_is_said_to_the_assistant(
    use_m3: NamedEmbeddings, tmp_path: Path
) -> None:
    data = tmp_path / "c.csv"
    with data.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["Q", "A", "label"], ["너 누구니", "저는 위로봇이에요.", 0]])
    bank = SmallTalkBank(use_m3, extra_csv=data, cache_dir=tmp_path, seed=3)
    match = bank.match("너 누구니")
    assert match.nearest == CSV_INTENT  # the CSV question is the nearer one ...
    assert match.intent == "identity"  # ... but the assistant says who it is itself


def test_chatbotdata_vectors_are_cached_by_embedder_and_file(tmp_path: Path) -> None:
    data = _csv(tmp_path / "c.csv")
    first = HashEmbeddings()
    SmallTalkBank(first, extra_csv=data, cache_dir=tmp_path)
    assert first.texts > 4
    again = HashEmbeddings()
    SmallTalkBank(again, extra_csv=data, cache_dir=tmp_path)
    assert again.texts == first.texts - 4  # the four CSV questions came from the cache
    other = HashEmbeddings(model_id="other-embedder")
    SmallTalkBank(other, extra_csv=data, cache_dir=tmp_path)
    assert other.texts == first.texts
    assert len(list(tmp_path.glob("smalltalk-*.npy"))) == 2
