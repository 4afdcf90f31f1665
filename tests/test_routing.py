"""The small-talk / request classifier: packaged weights, routing, reproducible training."""

from __future__ import annotations

import csv
import logging
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from chatbot.routing import WEIGHTS_PATH, IntentClassifier
from chatbot.routing import train as train_cli
from chatbot.routing.classifier import RoutingModelError
from chatbot.routing.data import build_examples, fill, read_lines, split
from vector_store.config import EmbeddingConfig
from vector_store.embeddings import NamedEmbeddings, build_embeddings

SMALL_TALK = [
    "안녕하세요",
    "반갑습니다, 오늘 처음 써봐요",
    "고마워요 덕분에 이해했어요",
    "ㅋㅋㅋ",
    "잘 자요",
    "공부하기 싫다",
]
REQUESTS = [
    "배치 정규화가 뭐야",
    "SVM은 언제 쓰면 좋아?",
    "LSTM이랑 GRU 차이가 뭐야?",
    "오늘 날씨 어때?",
    "김치찌개 끓이는 법 알려줘",
    "배치 정규화",
]


@pytest.fixture(scope="module")
def use_m3() -> NamedEmbeddings:
    return build_embeddings(EmbeddingConfig(model="use-m3"))


def test_packaged_weights_are_small_and_name_their_embedder() -> None:
    classifier = IntentClassifier.load()
    assert classifier.embedder_id == "use-m3"
    assert classifier.dimension == 512
    assert 0.2 <= classifier.threshold <= 0.8
    assert WEIGHTS_PATH.stat().st_size < 20_000
    assert classifier.meta["seed"] == 13


@pytest.mark.parametrize(("texts", "expected"), [(SMALL_TALK, False), (REQUESTS, True)])
def test_routes_examples_of_each_class(
    use_m3: NamedEmbeddings, texts: list[str], expected: bool
) -> None:
    classifier = IntentClassifier.load()
    vectors = use_m3.embed_query_array(texts)
    routed = {t: classifier.is_request(t, v) for t, v in zip(texts, vectors, strict=True)}
    assert routed == dict.fromkeys(texts, expected)
    # `embed_query` (a list) is accepted as well as an array.
    assert classifier.is_request(texts[0], use_m3.embed_query(texts[0])) is expected


def test_a_vector_of_another_embedder_is_refused() -> None:
    classifier = IntentClassifier.load()
    with pytest.raises(ValueError, match="512-dimensional"):
        classifier.p_request("안녕", np.zeros(384, dtype=np.float32))


def test_weights_of_other_features_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.npz"
    with np.load(WEIGHTS_PATH) as data:
        fields = {k: data[k] for k in data.files}
    fields["feature_names"] = np.array(["something", "else"])
    np.savez(path, **fields)
    with pytest.raises(RoutingModelError, match="retrain"):
        IntentClassifier.load(path)


def test_templates_resolve_korean_particles() -> None:
    assert fill("{t}이/가 뭐야?", t="SVM") == "SVM이 뭐야?"
    assert fill("{t}이/가 뭐야?", t="배치 정규화") == "배치 정규화가 뭐야?"
    assert fill("{t}은/는 언제 써?", t="드롭아웃") == "드롭아웃은 언제 써?"
    assert fill("{t}이랑/랑 {u} 차이", t="LSTM", u="GRU") == "LSTM이랑 GRU 차이"
    assert fill("{s} 알려줘", s="환율") == "환율 알려줘"


def _tiny_csv(path: Path) -> Path:
    lines = [
        "배고프다", "심심해", "오늘 너무 피곤하다", "주말에 뭐 하지", "비 오니까 기분이 꿀꿀해",
        "친구랑 싸웠어", "운동하기 싫다", "커피 마시고 싶다", "잠이 안 와", "시험 망했어",
        "집에 가고 싶다", "노래 듣는 중", "날씨 좋다", "월요일 싫어", "오늘 기분 최고",
        "용돈 다 썼어", "살 빼야 하는데", "드라마 보는 중", "졸려 죽겠다", "여행 가고 싶다",
    ]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Q", "A", "label"])
        writer.writerows([q, "그렇군요.", 0] for q in lines)
    return path


def test_training_data_holds_out_whole_groups(tmp_path: Path) -> None:
    examples = build_examples(_tiny_csv(tmp_path / "chat.csv"), seed=3)
    assert {e.source for e in examples} >= {"chatbotdata", "ml-terms", "offtopic-written"}
    train, test = split(examples, seed=3, heldout=0.2)
    assert test
    assert not {e.group for e in train} & {e.group for e in test}
    assert {e.text for e in examples if e.source == "ml-terms"} >= {"드롭아웃", "SVM"}


def test_evaluation_messages_are_never_training_examples(tmp_path: Path) -> None:
    held = train_cli.evaluation_messages()
    assert {"오늘 날씨 어때?", "드롭아웃", "안녕하세용"} <= set(held)
    data = _tiny_csv(tmp_path / "chat.csv")
    texts = {e.text for e in build_examples(data, seed=3)}
    assert {"오늘 날씨 어때", "드롭아웃"} <= texts  # generated from templates and terms
    clean = {e.text for e in build_examples(data, seed=3, exclude=held)}
    assert not clean & {"오늘 날씨 어때", "오늘 날씨 어때?", "드롭아웃", "잘 자요"}


def test_training_is_quick_on_a_subset_and_reproducible(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="chatbot.routing.train")
    data = _tiny_csv(tmp_path / "chat.csv")
    outs = [tmp_path / "a.npz", tmp_path / "b.npz"]
    for out in outs:
        args = ["--out", str(out), "--csv", str(data), "--seed", "5", "--limit", "40"]
        train_cli.main([*args, "--cache", str(tmp_path / "cache")])
    assert "held-out" in caplog.text
    a, b = (IntentClassifier.load(o) for o in outs)
    assert a.embedder_id == "use-m3"
    np.testing.assert_array_equal(a.weights, b.weights)
    assert a.bias == b.bias
    assert a.meta["seed"] == 5
    assert 0.0 <= a.p_request("안녕", np.full(512, 1 / np.sqrt(512))) <= 1.0


@pytest.mark.parametrize(
    ("message", "statement"),
    [
        ("다음 주에 여행 가", True),
        ("내일 발표 떨려", True),
        ("오늘 좀 피곤하네", True),
        ("GAN", False),  # a bare term asks about itself
        ("헐 대박", False),
        ("과제 다 끝냈다 야호", True),  # an interjection after the sentence ends it not
        ("강화학습 알려줘", False),
        ("SVM 설명해봐", False),
        ("내일 우산 챙겨야 할까요", False),
        ("비 오는 날 좋아해?", False),
        ("불면증 고치는 방법", False),
        ("역전파가 이해가 안 돼", False),  # saying one does not understand asks for help
        ("배고파서 공부가 손에 안 잡혀", True),
        # a question word or request verb asks only in the clause that ends the sentence
        ("배터리 얼마 없어서 이만 나갈게", True),
        ("노트 정리하다 보니까 벌써 새벽 두 시네", True),
        ("CNN 공부하는데 어떤 책이 좋아", False),
        ("SVM 왜 쓰는지 알고 싶어서", False),  # left hanging: the clause before ends it
        # a question held inside the sentence asks nothing: "뭐 할지" is what one ponders
        ("주말에 뭐 할지 고민이야", True),
        ("어떤 모델을 쓸지 궁금해", False),  # wondering aloud asks
        ("CNN을 왜 쓰는지 알고 싶어", False),
        # question words as chat types them
        ("서포트 벡터가 정확히 뭔데", False),
        ("얀 르쿤은 뭘로 유명한 사람이에요", False),
        ("결정 경계는 어떨 때 성능이 제일 좋아", False),
        # whether the notes hold one is asked without a mark too
        ("노트북에서도 돌아갈 만큼 가벼운 언어 모델 예시 있어", False),
        ("장고랑 플라스크 템플릿 엔진 차이 있어", False),
        ("일을 어떻게 나눠서 처리해", False),
        ("신경망에서 가중치란", False),  # what the word names is asked
    ],
)
def test_statements_tell_rather_than_ask(message: str, statement: bool) -> None:
    from chatbot.routing.features import is_statement
    from vector_store.analysis import default_analyzer

    assert is_statement(message, default_analyzer()) is statement


@pytest.mark.parametrize(
    ("message", "asked"),
    [
        ("서포트 벡터가 정확히 뭔데", True),
        ("모자이크는 어떻게 입혀", True),
        ("기울기는 언제 구해야 한다고 했지", True),
        ("서포트 벡터가 정확히 뭔데?", False),  # it has its mark
        ("방학 언제 오냐 진짜 ㅠㅠ", False),  # said with feeling, asks nobody
        ("월요일은 왜 이렇게 싫지", False),
        ("어느덧 한 달", False),  # words that hold a question word and ask nothing
        ("누구나 실수는 해", False),
        ("몇 년 만에 만났어", False),
        ("오늘 뭐 했는지 까먹었어", False),
    ],
)
def test_a_question_typed_without_its_mark(message: str, asked: bool) -> None:
    from chatbot.routing.features import asked_without_mark
    from vector_store.analysis import default_analyzer

    assert asked_without_mark(message, default_analyzer()) is asked


@pytest.mark.parametrize(
    ("message", "everyday"),
    [
        ("공부 언제까지 해야 돼?", True),
        ("집중 안 될 때 어떻게 해?", True),
        ("오늘 비 온대?", True),
        ("드롭아웃은 언제 써?", False),
        ("모자이크 처리한 얼굴은 어떻게 붙여?", False),  # 얼굴 is everyday, 모자이크 is not
        ("AI 만들 수 있을까?", False),
        ("ㅋㅋㅋ", False),  # no word at all
    ],
)
def test_everyday_words_come_from_chatter(message: str, everyday: bool) -> None:
    from chatbot.routing.everyday import everyday_words, is_everyday
    from vector_store.analysis import default_analyzer

    assert is_everyday(message, default_analyzer(), everyday_words()) is everyday


def test_everyday_words_are_rebuilt_from_the_csv(tmp_path: Path) -> None:
    from chatbot.routing.everyday import EVERYDAY_PATH, main
    from chatbot.routing.train import DEFAULT_CSV

    csv_path = tmp_path / "qa.csv"
    csv_path.write_text(
        "Q,A,label\n오늘 날씨 좋다,산책 가요,0\n날씨가 추워,따뜻하게 입어요,0\n"
        "커피 마시고 싶다,한 잔 하세요,0\n로또 번호 알려줘,행운을 빌어요,0\n",
        encoding="utf-8",
    )
    out = tmp_path / "everyday.txt"
    main(["--csv", str(csv_path), "--out", str(out), "--min-count", "2"])
    # 날씨 stands in two questions; 커피 in one; the information request is left out
    assert read_lines(out) == ["날씨"]
    if DEFAULT_CSV.is_file():
        # the shipped list is what the command makes of ChatbotData
        main(["--csv", str(DEFAULT_CSV), "--out", str(out)])
        assert out.read_text(encoding="utf-8") == EVERYDAY_PATH.read_text(encoding="utf-8")


def test_words_typed_as_they_sound_are_written_out() -> None:
    from chatbot.answering.kinds import spelled_out

    assert spelled_out("RNN 단점 머임?") == "RNN 단점 뭐임?"
    assert spelled_out("이거 머야") == "이거 뭐야"
    assert spelled_out("GRU 배울 때 예로 들었던 거 머였지") == "GRU 배울 때 예로 들었던 거 뭐였지"
    assert spelled_out("K는 어케 정해?") == "K는 어떻게 정해?"
    assert spelled_out("git 머지 충돌") == "git 머지 충돌"  # merge, not 뭐
    # typed onto the particle before it
    assert spelled_out("valid랑 same 차이가머임") == "valid랑 same 차이가뭐임"
    assert spelled_out("스트리머야") == "스트리머야"
    assert spelled_out("이건 타이머야?") == "이건 타이머야?"
    # a question asked in English of a term
    assert spelled_out("What is SVM?") == "SVM 뭐야?"
    assert spelled_out("what's a kernel?") == "kernel 뭐야?"
    assert spelled_out("Explain PCA") == "PCA 설명해줘"
    assert spelled_out("why do we use ReLU?") == "ReLU 왜 써?"
    assert spelled_out("SVM what is") == "SVM what is"
    assert spelled_out("What's up?") == "What's up?"  # chatter
    assert spelled_out("what is your name?") == "what is your name?"
    # a particle typed apart from the Latin term it follows
    assert spelled_out("SVM 은 직선으로 안 나뉘면?") == "SVM은 직선으로 안 나뉘면?"
    assert spelled_out("BART 랑 LLAMA는 누가 만들었어?") == "BART랑 LLAMA는 누가 만들었어?"
    assert spelled_out("CNN 이 뭐야") == "CNN이 뭐야"
    assert spelled_out("RNN 이상 신호") == "RNN 이상 신호"


def test_the_words_that_open_a_message_are_left_out() -> None:
    from chatbot.routing.features import without_opener

    assert without_opener("혹시 SVM은 뭐야?") == "SVM은 뭐야?"
    assert without_opener("근데, 혹시 드롭아웃은?") == "드롭아웃은?"
    assert without_opener("혹시") == "혹시"  # nothing else to read
    assert without_opener("아이템 추천해줘") == "아이템 추천해줘"  # a word, not the opener 아


@pytest.mark.parametrize(
    ("message", "asks"),
    [
        ("차원이 왜 달라지는 거예요?", True),
        ("얀 르쿤은 CNN 쪽에서 뭘 한 사람이에요", True),
        ("방학 언제 오냐 진짜 ㅠㅠ", False),
        ("주말에 뭐 할지 고민이야", False),  # a question held inside the sentence
        ("오늘 뭐 했는지 까먹었어", False),
        # "너무 많으면" says how many, in the case asked of, no feeling
        ("변수가 너무 많으면 왜 시각화가 어려워?", True),
        ("너무 어려운데 왜 이걸 배워야 돼?", False),
        # how or when a doing is done, asked of two verbs joined by -아서/-어서
        ("에이전트가 여러 개면 일을 어떻게 나눠서 처리해", True),
        ("bert나 gpt는 언제 골라서 쓰면 돼", True),
        ("모자이크 처리하고 나면 결과 파일들을 어떤 리스트들로 나눠서 모아", True),
        ("배터리 얼마 없어서 이만 나갈게", False),  # a reason
        # a sigh or a laugh after the question mark: asked whole before it
        ("모자이크는 어떻게 입혀?? ㅠㅠ", True),
        ("도커 쓰면 뭐가 좋은데? ㅎㅎ", True),
        ("오답이 나왔을 땐 뭘 해야 돼? 🙏", True),
    ],
)
def test_a_question_word_asks_in_the_clause_that_ends_a_message(message: str, asks: bool) -> None:
    from chatbot.routing.features import asks_in_words
    from vector_store.analysis import default_analyzer

    assert asks_in_words(message, default_analyzer()) is asks


def test_a_question_word_asking_of_what_the_notes_cover_is_a_question() -> None:
    from chatbot.chain.routing import Signals, decide_intent
    from chatbot.settings import ChatConfig

    cfg = ChatConfig()
    low = Signals(p_request=0.01, covered=True, asks=True)
    assert decide_intent(low, cfg) == "question"
    # not of what the notes do not cover, nor of a one-syllable subject, nor said as chat
    assert decide_intent(Signals(p_request=0.01, covered=False, asks=True), cfg) == "greeting"
    assert decide_intent(replace(low, specific=False), cfg) == "greeting"
    assert decide_intent(replace(low, tells=True), cfg) == "greeting"
    assert decide_intent(replace(low, asks=False), cfg) == "greeting"


@pytest.mark.parametrize(
    ("message", "plain"),
    [
        ("노트에 보면 DNN이 뭐야?", "DNN이 뭐야?"),
        ("dnn은 노트에 뭐라고 정의돼 있어요?", "dnn은 뭐라고 정의돼 있어요?"),
        ("저번 수업에서 나온 건데, 드롭아웃이 뭐야?", "드롭아웃이 뭐야?"),
        # the notes' own words, and notes that are not these
        ("오답 노트가 뭐야?", "오답 노트가 뭐야?"),
        ("노트북에서도 돌아가는 모델 뭐야?", "노트북에서도 돌아가는 모델 뭐야?"),
        ("노트 정리하다 보니까 벌써 새벽 두 시네", "노트 정리하다 보니까 벌써 새벽 두 시네"),
        ("9월 5일 수업에서 쓴 라이브러리들 알려줘", "9월 5일 수업에서 쓴 라이브러리들 알려줘"),
    ],
)
def test_where_the_asker_met_a_thing_is_no_part_of_it(message: str, plain: str) -> None:
    from chatbot.routing.features import without_source

    assert without_source(message) == plain


@pytest.mark.parametrize(
    ("message", "plain"),
    [
        ("안녕하세요! 결정 경계는 뭘 말하는 거예요?", "결정 경계는 뭘 말하는 거예요?"),
        ("안녕, SVM 뭐야?", "SVM 뭐야?"),
        ("SVM 뭐야? 미리 고마워!", "SVM 뭐야?"),
        # words that only say a question follows
        ("질문 있어요. RNN은 뭐야?", "RNN은 뭐야?"),
        ("궁금한 게 있는데 SVM이 뭐야?", "SVM이 뭐야?"),
        ("하나 더 물어볼게. 군집이 뭔가요?", "군집이 뭔가요?"),
        # whom a student calls on, before or after
        ("쌤, 순환 신경망 정의가 뭐야?", "순환 신경망 정의가 뭐야?"),
        ("선생님 안녕하세요! 렐루 쓰는 이유가 뭐야", "렐루 쓰는 이유가 뭐야"),
        ("SVM이 뭐예요, 쌤?", "SVM이 뭐예요?"),
        ("선생님 질문이요! RNN은 입력을 어떻게 처리해?", "RNN은 입력을 어떻게 처리해?"),
        ("저기요 활성화 함수 정의 좀 알려줘", "활성화 함수 정의 좀 알려줘"),
        ("잠깐만, ann이 뭐의 줄임말이야?", "ann이 뭐의 줄임말이야?"),
        ("ㅋㅋ 렐루 쓰는 이유가 뭐야", "렐루 쓰는 이유가 뭐야"),
        ("ㅠㅠ 오답이 나왔을 땐 뭘 해야 돼?", "오답이 나왔을 땐 뭘 해야 돼?"),
        ("선생님이 말한 커널이 뭐야?", "선생님이 말한 커널이 뭐야?"),
        ("쌤!", "쌤!"),
        ("질문 답변 노트 있어?", "질문 답변 노트 있어?"),
        # nothing else to read; words that begin as a greeting does
        ("안녕하세요!", "안녕하세요!"),
        ("감사합니다", "감사합니다"),
        ("하이퍼파라미터가 뭐야?", "하이퍼파라미터가 뭐야?"),
    ],
)
def test_a_greeting_before_and_thanks_after_are_set_aside(message: str, plain: str) -> None:
    from chatbot.routing.features import without_pleasantries

    assert without_pleasantries(message) == plain


@pytest.mark.parametrize(
    ("message", "plain"),
    [
        ("내일 시험인데 회귀랑 분류는 어떻게 달라?", "회귀랑 분류는 어떻게 달라?"),
        ("과제 하다가 궁금한 게 생겼는데, 커널이 뭐야?", "커널이 뭐야?"),
        ("SVM이 뭐야? 너무 헷갈려", "SVM이 뭐야?"),
        ("드롭아웃은 왜 써? 이해가 안 돼서요", "드롭아웃은 왜 써?"),
        ("재현률 예시 하나만 간단하게", "재현률 예시 하나만"),
        ("SVM이 뭐야? 짧게요", "SVM이 뭐야?"),
        ("렐루 쓰는 이유가 뭐야 너무 헷갈려", "렐루 쓰는 이유가 뭐야"),
        ("DNN 예시 좀 급해요 ㅠ", "DNN 예시"),
        ("cnn 구조를 이루는 layer들 나열해줘 간단하게", "cnn 구조를 이루는 layer들 나열해줘"),
        ("회귀랑 분류는 어떻게 달라? 쉽게 좀", "회귀랑 분류는 어떻게 달라?"),
        # what names a thing of the notes, asks, or adds to what is asked stays
        ("RNN 공부하는데 은닉층은 뭐야?", "RNN 공부하는데 은닉층은 뭐야?"),
        ("커널 배우는데 SVM은 뭐야?", "커널 배우는데 SVM은 뭐야?"),
        ("SVM이 뭐야? 예시도 알려줘", "SVM이 뭐야? 예시도 알려줘"),
        ("SVM이 뭐야? 커널은 어떻게 골라?", "SVM이 뭐야? 커널은 어떻게 골라?"),
        (
            "gateway는 어떻게 실행해? host랑 reload 설정도",
            "gateway는 어떻게 실행해? host랑 reload 설정도",
        ),
        ("RNN은 왜 쓰는데?", "RNN은 왜 쓰는데?"),
        # no question left: the message as it is
        ("내일 시험인데 너무 떨려", "내일 시험인데 너무 떨려"),
        ("RNN 과제 너무 어려워", "RNN 과제 너무 어려워"),
        ("노트 정리하다 보니까 벌써 새벽 두 시네", "노트 정리하다 보니까 벌써 새벽 두 시네"),
        (
            "아 오늘 학습률 너무 높게 잡았나 봐 다 까먹었어 ㅋㅋ",
            "아 오늘 학습률 너무 높게 잡았나 봐 다 까먹었어 ㅋㅋ",
        ),
    ],
)
def test_what_is_said_beside_a_question_is_no_part_of_it(message: str, plain: str) -> None:
    from chatbot.routing.features import without_asides
    from vector_store.analysis import default_analyzer

    def names_a_thing(subject: str) -> bool:
        return subject in {"커널", "은닉층"}

    assert without_asides(message, default_analyzer(), names_a_thing) == plain


@pytest.mark.parametrize(
    ("message", "pair"),
    [
        ("SVM이 뭐야? 그리고 커널은 뭐야?", ("SVM이 뭐야?", "커널은 뭐야?")),
        ("RNN이 뭐야? 또 LSTM은?", ("RNN이 뭐야?", "LSTM은?")),
        ("PCA는 뭐야? 그리고 예시도 알려줘", ("PCA는 뭐야?", "예시도 알려줘")),
        ("CNN이 뭐야? 풀링은?", ("CNN이 뭐야?", "풀링은?")),
        # a second sentence that says more of the first
        ("코퍼스가 정확히 뭐야? 사전 같은 거?", None),
        ("Keras가 정확히 뭐예요? 텐서플로랑 무슨 사이임?", None),
        ("SVM이 뭐야? 너무 헷갈려", None),  # no second question
        ("SVM이 뭐야?", None),
        ("A는 뭐야? B는? C는?", None),  # more than two
    ],
)
def test_two_questions_asked_one_after_the_other(
    message: str, pair: tuple[str, str] | None
) -> None:
    from chatbot.routing.features import two_questions
    from vector_store.analysis import default_analyzer

    assert two_questions(message, default_analyzer()) == pair


@pytest.mark.parametrize(
    ("message", "asks"),
    [
        ("토큰화 예 하나만 들어줘", True),
        ("예시 좀 보여줘", True),
        ("드롭아웃 예를 들어줘", True),
        ("예, 알려주세요", False),  # yes
        ("예 알겠어요", False),
    ],
)
def test_an_example_asked_for_in_so_many_words(message: str, asks: bool) -> None:
    from chatbot.routing.features import asks_for_an_example

    assert asks_for_an_example(message) is asks
