from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from chatbot.answering.kinds import question_kind
from chatbot.chain.chain import Plan, Turn
from chatbot.chain.routing import held_name, may_continue, resolve_followup, subject_covered
from chatbot.generation.base import GenerationRequest, Passage
from chatbot.services import Services
from chatbot.settings import Settings
from vector_store.analysis import default_analyzer


@pytest.mark.parametrize(
    ("message", "previous", "kind", "subjects"),
    [
        ("SVM이 뭐야?", "", "", ["SVM"]),
        ("그건 언제 써?", "SVM이 뭐야?", "continue", ["SVM"]),  # no subject: the previous one
        ("그럼 LSTM은?", "RNN은 언제 써?", "switch", ["LSTM"]),  # a new subject
        ("LSTM은 어때?", "RNN은 언제 써?", "switch", ["LSTM"]),  # the same, without 그럼
        # a new subject asked in its own words: asked as it is
        ("그럼 LSTM은 뭐야?", "RNN은 언제 써?", "switch", ["LSTM"]),
        ("그 안에서 쓰는 어텐션은?", "트랜스포머가 뭐예요?", "continue", ["어텐션"]),
        # "그거": the previous subject itself, asked about with a word of its own
        ("그거 확률로 보면 무슨 의미야?", "지니 계수가 뭐야?", "continue", ["지니 계수", "확률"]),
        ("드롭아웃은 왜 써?", "SVM이 뭐야?", "", ["드롭아웃"]),  # a new question altogether
        # it says what it asks of its new subject: not the previous question's ask
        ("ReLU 단점은?", "원핫 인코딩은 언제 써?", "", ["ReLU"]),
    ],
)
def test_resolve_followup(message: str, previous: str, kind: str, subjects: list[str]) -> None:
    analyzer = default_analyzer()
    followup = resolve_followup(message, previous, analyzer, analyzer.subjects(previous))
    assert (followup.kind, followup.subjects) == (kind, subjects)
    if kind == "switch":
        # searched as the new subject, asked the way the previous question asked, unless
        # it asks in words of its own
        assert "LSTM" in followup.query and "RNN" not in followup.query
        assert ("언제" in followup.query) == (followup.query != message)


def test_a_switch_that_asks_for_a_difference_compares_with_the_previous_subject() -> None:
    analyzer = default_analyzer()
    previous = "CNN의 핵심 기능은 뭐야?"
    followup = resolve_followup(
        "그럼 RNN이랑은 뭐가 달라?", previous, analyzer, analyzer.subjects(previous)
    )
    assert followup.kind == "switch" and followup.subjects == ["RNN"]
    assert "CNN" in followup.previous_subjects
    assert "CNN" in followup.query
    # one side named, the other left unsaid: the previous subject, with or without 그럼
    for message in ("RNN이랑 차이는?", "RNN과 비교하면?", "RNN이랑 관계가 뭐야?"):
        followup = resolve_followup(message, previous, analyzer, analyzer.subjects(previous))
        assert followup.kind == "switch" and followup.subjects == ["RNN"], message
        assert "CNN" in followup.previous_subjects and "CNN" in followup.query
    # the previous side searched by its name, not the word for its kind ("모델" finds any)
    previous = "GRU 모델이 뭐야?"
    followup = resolve_followup(
        "LSTM이랑 비교하면 어때?", previous, analyzer, analyzer.subjects(previous)
    )
    assert followup.previous_subjects == ["GRU 모델"]
    assert followup.query == "LSTM이랑 비교하면 어때? GRU"
    # both sides named: the previous subject is no third side
    previous = "PCA는 언제 써?"
    followup = resolve_followup(
        "그럼 K-Means랑 DBSCAN 차이는?", previous, analyzer, analyzer.subjects(previous)
    )
    assert followup.kind == "switch" and followup.subjects == ["K-Means", "DBSCAN"]
    assert followup.previous_subjects == [] and "PCA" not in followup.query


def test_what_a_thing_is_measured_against_goes_on_from_the_previous_subject() -> None:
    analyzer = default_analyzer()
    previous = "트랜스포머가 뭐야?"
    followup = resolve_followup(
        "RNN보다 뭐가 좋아?", previous, analyzer, analyzer.subjects(previous)
    )
    # the previous subject is measured against RNN, not RNN asked about anew
    assert followup.kind == "continue"
    assert followup.subjects == ["트랜스포머", "RNN"]
    # a question with a subject of its own is its own
    followup = resolve_followup(
        "SVM이 로지스틱 회귀보다 좋은 점이 뭐야?", previous, analyzer, analyzer.subjects(previous)
    )
    assert followup.kind == "" and followup.subjects == ["SVM"]


def test_a_switch_to_one_thing_after_a_comparison_asks_what_it_is() -> None:
    analyzer = default_analyzer()
    previous = "L1이랑 L2 정규화 차이"
    followup = resolve_followup("그럼 드롭아웃은?", previous, analyzer, analyzer.subjects(previous))
    assert followup.kind == "switch" and followup.subjects == ["드롭아웃"]
    # one thing is no comparison: the difference asked before is not asked of it
    assert question_kind(followup.query) == "definition", followup.query


def test_a_switch_asks_of_the_new_subject_where_the_previous_question_asked() -> None:
    analyzer = default_analyzer()
    previous = "원핫 벡터에서 사과는 어떻게 표현해?"
    followup = resolve_followup("그럼 귤은?", previous, analyzer, analyzer.subjects(previous))
    assert followup.kind == "switch" and followup.subjects == ["귤"]
    # 귤 stands for 사과; the column it is asked under stays in what is asked
    assert "사과" not in followup.asked and "원핫 벡터에서" in followup.asked


def _hit(text: str, heading: str = "정규화") -> Passage:
    return Passage(1, "n.md", heading, text, 1.0, terms=tuple(default_analyzer().terms(text)))


@pytest.mark.parametrize(
    ("message", "may"),
    [
        ("정확도는 어느 정도 나와?", True),  # asks something of a subject
        ("코드로는 어떻게 해?", True),
        ("쉽게 말하면?", True),
        ("대표 모델 하나만 알려줘", True),
        ("정확도는 뭐야?", False),  # what its own subject is: a new question
        ("활성화 함수는 뭐 써?", True),  # which one is used there, not what it is
        ("게이트는 뭐뭐 있어?", True),  # what there are of it
        ("게이트는 뭐가 있어?", True),
        ("CNN이란?", False),
        ("좋아 알겠어", False),  # asks nothing
        ("그리고 드롭아웃은 과적합을 어떤 방식으로 줄여주는지 자세히 알려줄래?", False),  # long
    ],
)
def test_which_messages_may_go_on_without_a_pronoun(message: str, may: bool) -> None:
    assert may_continue(message, default_analyzer().subjects(message)) is may


def test_a_question_naming_its_own_subject_before_what_it_asks_is_no_follow_up() -> None:
    from chatbot.chain.routing import names_a_thing

    assert names_a_thing("ReLU 단점은?", ["ReLU"], ["원핫 인코딩"])
    assert names_a_thing("비지도 학습 예시는?", ["비지도 학습"], ["지도 학습"])
    assert names_a_thing("RMSProp은 언제 써?", ["RMSProp"], ["손실 함수"])
    assert names_a_thing("Adam이랑 SGD 차이 알려줘", ["Adam", "SGD"], ["드롭아웃"])
    assert not names_a_thing("정확도는 어느 정도 나와?", ["정확도"], ["DNN"])


def test_a_follow_up_without_a_pronoun_goes_on_where_the_notes_say_so(
    services: Services,
) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    history = [Turn(user="LSTM이 뭐야?", assistant="...", intent="question")]
    plan = chain.plan({"message": "게이트는 몇 개야?", "history": history})
    assert plan.followup.kind == "continue" and plan.subjects == ["LSTM", "게이트"]
    assert plan.answer is not None and "세 개의 게이트" in plan.answer.lines[0]
    # thanks are no question, and "X는 뭐야?" asks anew
    assert chain.plan({"message": "고마워!", "history": history}).intent == "greeting"
    plan = chain.plan({"message": "CNN은 뭐야?", "history": history})
    assert plan.followup.kind == "" and plan.subjects == ["CNN"]
    # only right after the question it would go on from
    plan = chain.plan({"message": "게이트는 뭐뭐 있어?", "history": history})
    assert plan.followup.kind == "continue" and plan.subjects == ["LSTM", "게이트"]
    assert plan.answer is not None and "망각 게이트(forget gate)" in plan.answer.lines[0]
    later = [*history, Turn(user="고마워", assistant="...", intent="greeting")]
    assert chain.plan({"message": "게이트는 몇 개야?", "history": later}).followup.kind == ""
    # who, why or when of its own topic asks of that topic, though one passage holds both
    history = [Turn(user="CNN이 뭐야?", assistant="...", intent="question")]
    plan = chain.plan({"message": "풀링은 왜 해?", "history": history})
    assert plan.followup.kind == "" and plan.subjects == ["풀링"]
    assert plan.answer is not None and "풀링" in plan.answer.lines[0]
    history = [Turn(user="Adam이랑 SGD 차이 알려줘", assistant="...", intent="question")]
    plan = chain.plan({"message": "어텐션은 왜 필요해?", "history": history})
    assert plan.followup.kind == "" and plan.subjects == ["어텐션"]
    history = [Turn(user="어텐션은 왜 필요해?", assistant="...", intent="question")]
    plan = chain.plan({"message": "트랜스포머는 누가 만들었어?", "history": history})
    assert plan.followup.kind == "" and plan.subjects == ["트랜스포머"]
    # and so does how it works
    history = [Turn(user="배치랑 에포크는 뭐가 달라?", assistant="...", intent="question")]
    plan = chain.plan({"message": "경사 하강법은 어떻게 동작해?", "history": history})
    assert plan.followup.kind == "" and plan.subjects == ["경사 하강법"]
    # and what comes of setting a thing with a title of its own
    history = [Turn(user="합성곱 계층이 하는 일이 뭐야?", assistant="...", intent="question")]
    plan = chain.plan({"message": "스트라이드를 2로 하면 어떻게 돼?", "history": history})
    assert plan.followup.kind == "" and plan.subjects == ["스트라이드"]
    assert plan.answer is not None and "2로 하면 출력의 가로·세로가" in plan.answer.lines[0]
    # the passage must name the subject before itself: ReLU's row in a table elsewhere
    # says nothing of whether the passage about 데이터 증강 goes on from ReLU
    history = [Turn(user="ReLU의 단점은 뭐야?", assistant="...", intent="question")]
    plan = chain.plan({"message": "데이터 증강은 검증 세트에도 해?", "history": history})
    assert plan.followup.kind == "" and plan.subjects == ["데이터 증강"]
    assert plan.answer is not None and "검증·테스트 세트에는" in plan.answer.lines[0]


def test_a_follow_up_answers_from_the_section_of_the_subject_it_goes_on_from(
    services: Services,
) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    history = [Turn(user="드롭아웃은 뭐야?", assistant="...", intent="question")]
    plan = chain.plan({"message": "그거 추론할 때는 어떻게 해?", "history": history})
    assert plan.answer is not None
    assert "model.eval()" in plan.answer.lines[0]


def test_a_follow_up_of_a_follow_up_still_asks_of_the_topic(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    history = [
        Turn(user="드롭아웃은 뭐야?", assistant="...", intent="question"),
        Turn(user="그거 추론할 때는 어떻게 해?", assistant="...", intent="question"),
    ]
    plan = chain.plan({"message": "왜 그렇게 해?", "history": history})
    # the question before names no subject of its own: the one before it does
    assert plan.followup.kind == "continue" and plan.subjects == ["드롭아웃"], plan.subjects


def test_a_follow_up_about_both_asks_of_the_last_two_subjects(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    history = [
        Turn(user="정밀도가 뭐야?", assistant="...", intent="question"),
        Turn(user="재현율은?", assistant="...", intent="question"),
    ]
    plan = chain.plan({"message": "둘 중 뭘 봐야 해?", "history": history})
    assert plan.followup.kind == "continue" and plan.subjects == ["정밀도", "재현율"]
    assert plan.answer is not None
    text = "\n".join(plan.answer.lines)
    assert "정밀도를 중시한다" in text and "재현율을 중시한다" in text, text


def test_a_follow_up_about_that_person_asks_of_the_person_the_answer_named(
    services: Services,
) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    history = [
        Turn(
            user="LeNet-5는 누가 만들었어?",
            assistant="LeNet-5는 얀 르쿤(Yann LeCun) 연구진이 1998년 논문에서 정리한 초기 "
            "CNN으로, … [1]",
            intent="question",
        )
    ]
    plan = chain.plan({"message": "그 사람은 언제 논문을 냈어?", "history": history})
    assert plan.intent == "question"
    assert plan.followup.kind == "continue" and plan.subjects == ["얀 르쿤"]
    assert plan.answer is not None and "1998년 논문" in plan.answer.lines[0]
    # an answer that names no person leaves "그 사람" to the previous subject
    history = [Turn(user="드롭아웃은 뭐야?", assistant="드롭아웃: … [1]", intent="question")]
    plan = chain.plan({"message": "그 사람은 누구야?", "history": history})
    assert plan.subjects != ["얀 르쿤"] and "드롭아웃" in plan.followup.query


def test_subject_is_covered_only_as_a_phrase() -> None:
    analyzer = default_analyzer()
    hits = [_hit("배치 크기는 한 번에 학습하는 샘플 수이다.\n입력 정규화는 값을 0~1로 맞춘다.")]
    assert not subject_covered("배치 정규화", hits, analyzer)  # both words, never together
    assert subject_covered("입력 정규화", hits, analyzer)
    assert subject_covered("배치 크기", hits, analyzer)
    code = [_hit("x.requires_grad 를 True로 두면 기울기를 기록한다.")]
    assert subject_covered("requires_grad 옵션", code, analyzer)  # the English term decides
    assert not subject_covered("no_grad 옵션", code, analyzer)


def test_an_english_name_does_not_cover_the_korean_words_beside_it() -> None:
    analyzer = default_analyzer()
    hits = [_hit("CNN은 이미지의 위치 정보를 다룬다.\n인코딩은 자연어를 기계어로 바꾼다.")]
    assert subject_covered("CNN", hits, analyzer)
    assert not subject_covered("CNN 양자화", hits, analyzer)  # a word the notes lack
    # two words that name one thing, only apart in the notes
    assert not subject_covered("CNN 위치 인코딩", hits, analyzer)
    assert subject_covered("CNN 위치 정보", hits, analyzer)
    # a name the notes' code uses: code says its parts in English ("proxy_get")
    from tests.conftest import unit_records

    note = '## 서버\n\n```python\napp = FastAPI(title="Gateway API")\n```\n'
    code = [_hit(note)]
    units = unit_records("gateway.md", code[0].chunk_id, note)
    assert not subject_covered("Gateway 프록시", code, analyzer)
    assert subject_covered("Gateway 프록시", code, analyzer, units_of=lambda _: units)


def test_two_words_are_covered_by_a_line_of_the_second_ones_section() -> None:
    """ "이벤트 전파": the notes title a section 전파 and say there that it is of events,
    though never as one phrase; a line elsewhere with both words covers nothing."""
    from tests.conftest import unit_records

    analyzer = default_analyzer()
    note = (
        "#### 전파하는 2가지 방법\n"
        "- 이벤트가 전달되는 순서를 전파라고 한다. 버블링과 캡쳐링이 있다.\n\n"
        "#### 배치\n"
        "- 배치 단위로 입력을 정규화하면 학습이 안정된다.\n"
    )
    hits = [_hit(note)]
    units = unit_records("events.md", hits[0].chunk_id, note)
    assert subject_covered("이벤트 전파", hits, analyzer, units_of=lambda _: units)
    assert not subject_covered("이벤트 전파", hits, analyzer)  # without the notes' lines
    # 정규화 has no section of its own: the line under 배치 does not name 배치 정규화
    assert not subject_covered("배치 정규화", hits, analyzer, units_of=lambda _: units)


def test_the_first_word_of_a_name_written_in_one_piece_is_covered() -> None:
    # "Halving서치": a student's short for HalvingRandomSearchCV
    analyzer = default_analyzer()
    hits = [_hit("HalvingRandomSearchCV 주요 파라미터\nfactor: 자원 할당 배수입니다.")]
    # also where it only says what the subject belongs to ("Halving서치에서 factor는")
    assert subject_covered("Halving", hits, analyzer, loose=True)
    assert not subject_covered("Random", hits, analyzer, loose=True)  # not its first word


def test_an_english_word_the_notes_write_in_korean_is_read_as_their_korean() -> None:
    """ "Batch 정규화" is 배치 정규화, which the notes never say, though they write
    "batch_size" and say 배치 and 정규화 apart."""
    analyzer = default_analyzer()
    hits = [
        _hit(
            "배치: 데이터를 잘게 쪼갠 것\nbatch_size: 한 배치의 샘플 수\n입력 정규화는 값을 맞춘다."
        )
    ]
    assert not subject_covered("Batch 정규화", hits, analyzer)
    assert not subject_covered("배치 정규화", hits, analyzer)
    # where the notes write the word in English, it names what they say of it
    gateway = [_hit("gateway 서버는 포트 9000에서 실행한다.\n게이트웨이는 요청을 넘긴다.")]
    assert subject_covered("gateway 서버", gateway, analyzer)


def test_a_class_named_by_its_name_is_covered_by_its_row() -> None:
    # "토끼 클래스": 클래스 says what kind of thing 토끼 is (the table's column of class names)
    analyzer = default_analyzer()
    hits = [_hit("|클래스 이름|원-핫 인코딩|\n|---|---|\n|고양이|[1, 0]|\n|토끼|[0, 1]|\n")]
    assert subject_covered("토끼 클래스", hits, analyzer)
    assert not subject_covered("여우 클래스", hits, analyzer)


def test_a_name_is_covered_without_the_other_spelling_given_in_parentheses() -> None:
    analyzer = default_analyzer()
    hits = [
        _hit(
            "* `정보 획득`\n    * 순도가 높아지고 불확실성이 줄어드는 것\n"
            "그래프 기반 연산, 신경망 설계"
        )
    ]
    assert subject_covered("정보 획득(information gain)", hits, analyzer)
    # the name as written, not its words somewhere
    assert not subject_covered("그래프 신경망(GNN)", hits, analyzer)
    # "가지치기(pruning)" is one name, and neither spelling is in the notes
    assert analyzer.subjects("모델 경량화할 때 가지치기(pruning)는 어떻게 해?") == [
        "가지치기(pruning)"
    ]
    assert not subject_covered("가지치기(pruning)", [_hit("나뭇가지 치는 법")], analyzer)
    # or the other spelling alone, as the notes write it ("LeNet-5" for "르넷5(LeNet5)")
    lenet = [_hit("LeNet-5: 합성곱과 다운 샘플링을 반복한다"), _hit("HTML 템플릿")]
    assert subject_covered("르넷5(LeNet5)", lenet, analyzer)
    assert not subject_covered("머신러닝 교재(ML)", lenet, analyzer)  # not "HTML"'s letters


def test_a_last_word_the_notes_never_join_to_a_name_is_asked_of_it() -> None:
    analyzer = default_analyzer()
    tree = _hit("결정 트리는 불순도가 줄어드는 방향으로 학습을 진행한다.")
    kmeans = _hit("학습 과정: 중심점 선택, 클러스터 할당")
    # "결정 트리 학습 과정": how 결정 트리 learns, not a thing named "결정 트리 학습"
    assert held_name("결정 트리 학습", [tree, kmeans], analyzer) == "결정 트리"
    # a name the notes hold whole stays whole, as does one ending in other letters
    assert (
        held_name("결정 트리 학습", [_hit("결정 트리 학습은 빠르다")], analyzer) == "결정 트리 학습"
    )
    assert held_name("샘플 이미지 png", [_hit("샘플 이미지를 저장한다")], analyzer) == (
        "샘플 이미지 png"
    )


def test_the_second_of_two_words_may_carry_a_prefix_in_the_notes() -> None:
    analyzer = default_analyzer()
    hits = [_hit("2012년 유튜브 동영상에서 고양이 얼굴을 스스로 학습한 연구")]
    assert subject_covered("유튜브 영상", hits, analyzer)
    # a prefix of its own, not a word between them
    assert not subject_covered("유튜브 얼굴", hits, analyzer)
    assert not subject_covered("고양이 학습", hits, analyzer)
    # one short word between them, as the notes wrote it
    hits = [_hit("우체국에서 우편물 분류를 연구하던 중", heading="르쿤의 우편번호 자동 인식기")]
    assert subject_covered("우편번호 인식기", hits, analyzer)
    assert not subject_covered("르쿤 인식기", hits, analyzer)


def test_a_measure_is_covered_by_its_adjective_after_the_thing() -> None:
    analyzer = default_analyzer()
    hits = [_hit("청크가 너무 크면 관련 없는 내용이 섞이고, 문장이 길면 잘린다.")]
    assert subject_covered("청크 크기", hits, analyzer)
    assert subject_covered("문장 길이", hits, analyzer)
    # the adjective said of another thing
    assert not subject_covered("내용 크기", hits, analyzer)


def test_words_for_data_stand_for_one_another_after_its_kind() -> None:
    analyzer = default_analyzer()
    hits = [_hit("범주형 변수는 원-핫 인코딩으로 바꾼다.\n시계열 예측에 쓴다.")]
    assert subject_covered("범주형 데이터", hits, analyzer)
    assert subject_covered("범주형 특성", hits, analyzer)
    # only after the kind the notes name, and only the words for data
    assert not subject_covered("시계열 데이터", hits, analyzer)
    assert not subject_covered("범주형 모델", hits, analyzer)


def test_the_usual_one_of_a_kind_is_covered_by_the_kind() -> None:
    analyzer = default_analyzer()
    hits = [_hit("순환 신경망은 시간적으로 연속성이 있는 데이터를 처리하는 인공 신경망이다.")]
    assert subject_covered("기존 신경망", hits, analyzer)
    assert subject_covered("일반 신경망", hits, analyzer)
    # the kind itself must be there
    assert not subject_covered("기존 트리", hits, analyzer)
    assert not subject_covered("그래프 신경망", hits, analyzer)


def test_a_word_for_the_kind_of_thing_need_not_stand_beside_its_name() -> None:
    analyzer = default_analyzer()
    hits = [
        _hit(
            "torch.summary\n모델 구조를 요약해 보여주는 라이브러리 함수.\n"
            "레이어를 쌓고 값을 정규화한다."
        )
    ]
    # the name as written without its dot, "라이브러리" anywhere in what was found
    assert subject_covered("torchsummary 라이브러리", hits, analyzer)
    # only a word of its own is such a word: "체크리스트" is not "체크"
    assert not subject_covered("체크리스트", [_hit("체크 표시를 한다.")], analyzer)
    # the rest of the subject is still a phrase
    assert not subject_covered("레이어 정규화 함수", hits, analyzer)


def test_a_word_whose_analysis_drops_a_part_is_covered_only_as_written() -> None:
    # "안정성" analyses to 안정: a passage that only says 안정 does not cover it
    analyzer = default_analyzer()
    assert analyzer.terms("안정성") == ["안정"]  # Kiwi: 안정 + 성 (a suffix)
    assert not subject_covered("안정성", [_hit("학습이 안정되면 멈춘다.")], analyzer)
    assert subject_covered("안정성", [_hit("배치 정규화는 학습의 안정성을 높인다.")], analyzer)
    # a word analysed to another spelling of itself is no word cut short
    assert subject_covered("렐루", [_hit("ReLU는 음수를 0으로 만든다.")], analyzer)


def test_a_domain_word_kiwi_cut_in_two_in_the_notes_is_still_there() -> None:
    analyzer = default_analyzer()
    # in a long chunk Kiwi may read the word as 릴레이션 + 십, alone as one noun
    hits = [Passage(1, "n.md", "SQLAlchemy", "릴레이션십 …", 1.0, terms=("릴레이션", "십", "lazy"))]
    assert subject_covered("릴레이션십", hits, analyzer, loose=True)
    assert not subject_covered("관계형", hits, analyzer, loose=True)


def test_a_table_row_covers_a_thing_and_its_column() -> None:
    from tests.conftest import unit_records

    analyzer = default_analyzer()
    table = "| 프레임워크 | 라이선스 | 최초 릴리스 |\n|---|---|---|\n| 플라스크 | BSD | 2010년 |\n"
    hits = [_hit(table)]
    units = unit_records("web.md", hits[0].chunk_id, table)
    # "플라스크 라이선스": not adjacent in the text, together in the row under its header
    assert not subject_covered("플라스크 라이선스", hits, analyzer)
    assert subject_covered("플라스크 라이선스", hits, analyzer, units_of=lambda _: units)
    assert not subject_covered("플라스크 배포판", hits, analyzer, units_of=lambda _: units)


def test_an_entry_of_that_name_anywhere_in_the_notes_covers_a_subject() -> None:
    from tests.conftest import unit_records

    analyzer = default_analyzer()
    table = (
        "| 인자 | 설명 |\n|---|---|\n| seed | 셔플할 때 시드 고정 |\n| shuffle | 섞을지 여부 |\n"
    )
    rows = unit_records("args.md", 2, table)
    hits = [_hit("이미지 폴더에서 데이터를 읽는다.")]  # search ranked the table low

    def about(terms: set[str]) -> list:
        return [u for u in rows if terms <= u.context_terms | u.terms]

    assert not subject_covered("seed", hits, analyzer)
    assert subject_covered("seed", hits, analyzer, units_about=about)
    # its Korean spelling names the same entry; an entry that only mentions a word is no
    # entry of that name
    assert subject_covered("시드", hits, analyzer, units_about=about)
    assert not subject_covered("고정", hits, analyzer, units_about=about)


def test_a_line_of_code_covers_what_it_names_in_english() -> None:
    from tests.conftest import unit_records

    analyzer = default_analyzer()
    note = (
        "## 업로드\n\n```python\nfile_size = os.path.getsize(file_location)\n"
        "ext = os.path.splitext(filename)[1]\n```\n"
    )
    hits = [_hit(note)]
    units = unit_records("upload.md", hits[0].chunk_id, note)
    assert not subject_covered("파일 크기", hits, analyzer)
    # file_size: 파일 and 크기 as code writes them; splitext(…)[1]: 확장자 (ext)
    assert subject_covered("파일 크기", hits, analyzer, units_of=lambda _: units)
    assert subject_covered("확장자", hits, analyzer, units_of=lambda _: units)
    # a word the code has no name for is still missing
    assert not subject_covered("파일 권한", hits, analyzer, units_of=lambda _: units)
    # the comment a line stands under names it too, and an English word may be plural
    cors = '## 서버\n\n```python\n# CORS 설정\nallow_origins=["*"],\n```\n'
    cors_hits = [_hit(cors)]
    cors_units = unit_records("gateway.md", cors_hits[0].chunk_id, cors)
    assert subject_covered("CORS 허용 origin", cors_hits, analyzer, units_of=lambda _: cors_units)
    # words that speak of the code itself ("얼굴 부분", "파일 크기 값") need no name in it
    assert subject_covered("파일 크기 부분", hits, analyzer, units_of=lambda _: units)
    assert not subject_covered("파일 권한 부분", hits, analyzer, units_of=lambda _: units)


def test_a_line_under_the_thing_it_describes_covers_thing_and_category() -> None:
    from tests.conftest import unit_records

    analyzer = default_analyzer()
    note = (
        "## 실습\n\nmnist란?\n- 손글씨 숫자 이미지를 모은 데이터 셋이다.\n- 배치로 나눠 학습한다.\n"
    )
    hits = [_hit(note)]
    units = unit_records("lab.md", hits[0].chunk_id, note)
    # "데이터셋" is one noun in the question, "데이터" + "셋" in the note; the line sits
    # under the question label that names mnist
    assert not subject_covered("엠니스트 데이터셋", hits, analyzer)
    assert subject_covered("엠니스트 데이터셋", hits, analyzer, units_of=lambda _: units)
    # the thing must be what the line is under, not any word of it
    assert not subject_covered("배치 데이터셋", hits, analyzer, units_of=lambda _: units)


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


def test_a_column_of_the_previous_subjects_row_is_asked_of_it(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    history = [Turn(user="Adam은 뭐야?", assistant="...", intent="question")]
    plan = chain.plan({"message": "비고는?", "history": history})
    assert plan.intent == "question"
    assert plan.answer.lines[0].startswith("Adam: 비고: 기본값 학습률")  # type: ignore[union-attr]
    # and the next one asked after it, still of Adam
    history.append(Turn(user="비고는?", assistant="...", intent="question"))
    plan = chain.plan({"message": "그럼 핵심 아이디어는?", "history": history})
    assert plan.answer.lines[0].startswith("Adam: 핵심 아이디어: Momentum과")  # type: ignore[union-attr]
    assert len(plan.answer.lines) == 1  # type: ignore[union-attr]


def test_what_is_said_beside_a_question_is_set_aside(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    plain = chain.plan({"message": "얀 르쿤은 누구야?", "history": []})
    for message in [
        "내일 시험인데 얀 르쿤은 누구야?",
        "얀 르쿤은 누구야? 너무 헷갈려",
        "과제 하다가 궁금한 게 생겼는데 얀 르쿤은 누구야? 시험에 나온대",
        "쌤, 얀 르쿤은 누구야?",
    ]:
        plan = chain.plan({"message": message, "history": []})
        assert plan.intent == "question", message
        assert plan.answer.lines == plain.answer.lines, message  # type: ignore[union-attr]
    # nothing is asked once the aside goes: the message is read whole
    assert chain.plan({"message": "내일 시험인데 너무 떨려", "history": []}).intent == "greeting"


def test_two_questions_in_one_message_are_each_answered(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    cnn = chain.plan({"message": "CNN이 뭐야?", "history": []}).answer
    plan = chain.plan({"message": "CNN이 뭐야? 그리고 풀링은 뭐야?", "history": []})
    assert plan.intent == "question"
    lines = plan.answer.lines  # type: ignore[union-attr]
    # what CNN is, then, after a blank line, what pooling is, cited by its own passage
    assert lines[0] == cnn.lines[0]  # type: ignore[union-attr]
    second = lines[lines.index("") + 1]
    assert second.startswith("풀링 계층 (Pooling):") and second.endswith("[2]")
    assert len(plan.answer.passages) == 2  # type: ignore[union-attr]
    # a second sentence that only says more of the first question is read with it
    plan = chain.plan({"message": "CNN이 뭐야? 정의가 뭐야?", "history": []})
    assert "" not in plan.answer.lines  # type: ignore[union-attr]


def test_who_someone_the_notes_name_is_a_question(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    plan = chain.plan({"message": "얀 르쿤은 누구야?", "history": []})
    assert plan.intent == "question"
    assert plan.answer.lines[0].startswith("LeNet-5는 얀 르쿤(Yann LeCun) 연구진이")  # type: ignore[union-attr]
    for message in ["그 사람 누구야?", "아이유 누구야?"]:
        assert chain.plan({"message": message, "history": []}).intent == "greeting", message


def test_a_comparison_brings_each_side_s_own_row(services: Services) -> None:
    """The sample notes set 정밀도 against 재현율 in one line under a title naming both,
    and define each in a row of the table above: the answer holds both rows, not only the
    lines under that title."""
    answer = services.chat.answer("정밀도랑 재현율 차이 알려줘", None)["answer"]
    lines = answer.splitlines()[:3]
    assert any("양성이라고 예측한 것 중 실제 양성의 비율" in line for line in lines), answer
    assert any("실제 양성 중 모델이 찾아낸 비율" in line for line in lines), answer


def test_asking_after_a_meal_or_telling_of_a_day_is_small_talk(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    for message in [
        "저녁 맛있게 먹었어?",
        "주말 잘 보냈어?",
        "오늘 수업 진짜 알차더라",
        "커피 마시면서 복습 중",  # what one is in the middle of
        "너는 어떤 모델로 만들어졌어?",  # what the assistant is, though the notes say 모델
        "나 오늘 SVM 시험 봤어",  # what happened to the one writing, though the notes say SVM
        "오늘 발표에서 SVM 설명했어",  # a request verb in the past tense asks nothing
        "대박 설명 최고다",  # praise, however request-like its words
        "파이썬 공부하니까 재밌다",  # how it feels, after what brought it about
        "GPU 없어서 학습이 너무 느려 ㅠ",  # said with feeling
        "모델 학습 또 터졌어 ㅋㅋ",  # what happened, told with a laugh
        "주말에 뭐 할지 고민이야",  # a question held inside the sentence asks nothing
        "오늘 저녁 뭐 먹지",  # everyday words, not read as a request
    ]:
        assert chain.plan({"message": message, "history": []}).intent == "greeting", message
    # asking the assistant whether it knows a thing of the notes asks about the thing
    plan = chain.plan({"message": "너 경사 하강법 알아?", "history": []})
    assert plan.intent == "question"
    # asking about what was taught is no telling, nor a plain judgement of a topic a feeling
    assert chain.plan({"message": "어제 배운 SVM이 뭐였지", "history": []}).intent == "question"
    assert chain.plan({"message": "RNN은 긴 시퀀스에 약하다", "history": []}).intent != "greeting"
    # a question in the past tense about a topic the notes lack is still declined
    plan = chain.plan({"message": "GPT-4는 언제 나왔어?", "history": []})
    assert plan.intent == "out_of_scope"


def test_a_transliterated_term_finds_the_english_one(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    plan = chain.plan({"message": "트랜스포머가 뭐예요?", "history": []})  # notes say Transformer
    assert plan.intent == "question"
    assert plan.result is not None and "Transformer" in plan.result.hits[0].heading


def test_an_english_term_finds_the_korean_one(services: Services) -> None:
    # the notes write only 하드 마진 / 소프트 마진: asked in English, not declined as absent
    chain = services.chat.chain  # type: ignore[union-attr]
    plan = chain.plan({"message": "hard margin은 soft margin이랑 뭐가 달라?", "history": []})
    assert plan.intent == "question"
    assert plan.answer is not None and "하드 마진" in plan.answer.lines[0], plan.answer


def test_whom_a_thing_is_explained_to_is_no_subject(services: Services) -> None:
    # "친구한테": 한테 marks to whom, it does nothing to 친구 (as "…하는" would)
    chain = services.chat.chain  # type: ignore[union-attr]
    plan = chain.plan({"message": "정밀도를 친구한테 설명하려는데 뭐라고 하면 돼?", "history": []})
    assert plan.intent == "question", plan.missing


def test_a_side_the_joint_search_missed_is_searched_on_its_own(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    search = chain.searcher.search

    def joint_finds_one_side(query: str, k: int, **kw):  # type: ignore[no-untyped-def]
        result = search(query, k, **kw)
        if "SVM" in query and "CNN" in query:
            hits = [h for h in result.hits if "CNN" not in h.heading + h.text]
            return replace(result, hits=hits)
        return result

    monkeypatch.setattr(chain.searcher, "search", joint_finds_one_side)
    plan = chain.plan({"message": "SVM이랑 CNN 차이가 뭐야?", "history": []})
    assert plan.intent == "question"  # not declined for want of CNN among the hits
    assert plan.answer is not None
    text = "\n".join(plan.answer.lines)
    assert "SVM" in text and "CNN" in text


def test_an_unmarked_name_must_be_in_the_notes_unless_it_is_code(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    # Grad-CAM names a tool the notes never mention: the question is declined, though
    # they cover CNN
    plan = chain.plan({"message": "Grad-CAM으로 CNN이 어디를 보는지 어떻게 확인해?", "history": []})
    assert plan.intent == "out_of_scope"
    # the decline says which subject the notes lack, and which one they hold
    final = list(chain.stream({"message": plan.message, "history": []}))[-1]
    assert "'Grad-CAM'에 대한 내용이 없어서" in final["answer"]
    assert "노트에 있는 'CNN'에 대해" in final["answer"]
    # code the notes may show without naming it does not stop the answer
    plan = chain.plan({"message": "torch.nn.Conv2d 쓰면 CNN은 특징을 어떻게 뽑아?", "history": []})
    assert plan.intent == "question"
    # likewise as the domain of the subject ("train_on_batch의 드롭아웃")
    plan = chain.plan({"message": "train_on_batch의 드롭아웃은 언제 켜져?", "history": []})
    assert plan.intent == "question"


def test_words_around_a_covered_subject_need_not_be_in_the_notes(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    # the notes cover what the particles mark as asked (드롭아웃, RNN), not the setting
    # around it (저사양 환경): answered
    for message in (
        "드롭아웃이 저사양 환경에서 좋은 이유가 뭐야?",
        "RNN을 저사양 환경에서 돌리면 뭐가 문제야?",
    ):
        plan = chain.plan({"message": message, "history": []})
        assert plan.intent == "question" and not plan.missing, message
    # nor the words that say what is asked of it ("주의점", "원인", "풀네임")
    for message in (
        "드롭아웃 주의점은 뭐야?",
        "RNN에서 기울기 소실 원인은?",
        "ReLU 풀네임도 알려줘",
        "은닉층끼리는 어떻게 이어져 있어?",
        "드롭아웃 단점 보완 방법은?",
    ):
        plan = chain.plan({"message": message, "history": []})
        assert plan.intent == "question" and not plan.missing, message
    # what is asked must still be there: 정책 경사 is not, though 강화학습's words may be
    plan = chain.plan({"message": "강화학습에서 정책 경사 방법은 뭐야?", "history": []})
    assert plan.intent == "out_of_scope" and plan.missing == ["정책 경사"]
    # a subject of one syllable is covered by chance, and lends no cover ("산")
    plan = chain.plan({"message": "세계에서 제일 높은 산이 뭐야?", "history": []})
    assert plan.intent == "out_of_scope"


def test_decline_names_topics_as_the_headings_write_them(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    topics = chain.covered_topics()
    assert len(topics) == 6 and "CNN" in topics
    assert all(not t.islower() and len(t) >= 2 for t in topics), topics
    final = list(chain.stream({"message": "비트코인 시세 알려줘", "history": []}))[-1]
    assert final["intent"] == "out_of_scope" and ", ".join(topics) in final["answer"]
    assert "'비트코인 시세'에 대한 내용이 없어서" in final["answer"]
    # a thing the notes hold, asked of something they do not say of it: the decline
    # offers the thing
    final = list(chain.stream({"message": "드롭아웃 비율은 보통 얼마로 해?", "history": []}))[-1]
    assert final["intent"] == "out_of_scope"
    assert "노트에 있는 '드롭아웃'에 대해 물어보시면" in final["answer"], final["answer"]


def test_a_name_spelled_out_beside_its_letters_is_one_topic(
    app_settings: Settings, tmp_path: Path
) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    body = (
        "이 절은 목차를 시험하려고 쓴 긴 설명이다. "
        "같은 문장을 여러 번 되풀이해 절 하나가 한 조각이 되게 한다. " * 3
    )
    (notes / "models.md").write_text(
        f"## 서포트 벡터 머신 (Support Vector Machine)\n\n{body}\n\n## SVM 커널\n\n{body}\n\n"
        f"## 순환 신경망 (Recurrent Neural Network)\n\n{body}\n\n## RNN의 한계\n\n{body}\n",
        encoding="utf-8",
    )
    services = Services.build(app_settings.model_copy(update={"notes_dir": notes}))
    try:
        services.ingest()  # the copied sample index gives way to these notes
        topics = services.chat.chain.covered_topics()  # type: ignore[union-attr]
    finally:
        services.close()
    assert sorted(topics) == ["RNN", "SVM"]


def _chat_over(app_settings: Settings, tmp_path: Path, notes: dict[str, str]) -> Services:
    """Services over these notes alone, ingested (close them)."""
    folder = tmp_path / "notes"
    folder.mkdir()
    for name, text in notes.items():
        (folder / name).write_text(text, encoding="utf-8")
    services = Services.build(app_settings.model_copy(update={"notes_dir": folder}))
    services.ingest()
    return services


def _replies(
    app_settings: Settings, tmp_path: Path, notes: dict[str, str], *questions: str
) -> list[dict]:
    """The replies to each question, each in a session of its own, over these notes."""
    services = _chat_over(app_settings, tmp_path, notes)
    try:
        return [services.chat.answer(question, None) for question in questions]
    finally:
        services.close()


def test_a_name_from_code_before_another_says_where_that_one_belongs(
    app_settings: Settings, tmp_path: Path
) -> None:
    """ "flow_from_directory color_mode 값": the notes' table of arguments never names the
    function; what is asked of its argument is answered, the function alone is not."""
    table = (
        "## 이미지 불러오기 인자\n\n| 인자 | 설명 |\n|---|---|\n"
        "| color_mode | 'rgb', 'grayscale', 'rgba' 중 선택 |\n"
        "| target_size | 모든 이미지를 이 크기로 resize |\n"
    )
    reply, alone = _replies(
        app_settings,
        tmp_path,
        {"keras.md": table},
        "flow_from_directory color_mode에 넣을수있는 값 뭐뭐임?",
        "flow_from_directory가 뭐야?",
    )
    assert reply["intent"] == "question" and "'grayscale'" in reply["answer"], reply
    assert alone["intent"] == "out_of_scope", alone


def test_a_setting_with_its_value_asks_what_it_does_in_any_words(
    app_settings: Settings, tmp_path: Path
) -> None:
    """ "factor=2 주면 자원 분배가 어떻게 돼?": the notes say 자원 할당, never 자원 분배; the
    setting as they write it is what is asked about."""
    note = (
        "## HalvingRandomSearchCV 주요 파라미터\n\n"
        "- factor: 자원 할당 배수입니다. factor=2이면 성능이 높은 모델에 두 배의 자원을 "
        "할당하고, 성능이 낮은 모델은 제외합니다.\n- cv: 교차 검증을 위한 폴드 수입니다.\n"
    )
    reply, absent = _replies(
        app_settings,
        tmp_path,
        {"search.md": note},
        "HalvingRandomSearchCV에서 factor=2 주면 자원 분배가 어떻게 돼?",
        # without the setting, words the notes lack are still declined
        "HalvingRandomSearchCV에서 자원 분배는 어떻게 돼?",
    )
    assert reply["intent"] == "question" and "두 배의 자원" in reply["answer"], reply
    assert absent["intent"] == "out_of_scope", absent


def test_a_kind_word_outside_the_marked_subject_frames_the_question(
    app_settings: Settings, tmp_path: Path
) -> None:
    """ "KoAlpaca 누가 만든 모델임?": 모델 says what KoAlpaca is, not a second thing asked of
    (not the code under a comment that says 모델)."""
    notes = {
        "llm.md": "## 한국어 모델\n\n| 모델 | 크기 |\n|---|---|\n"
        "| KoAlpaca-Polyglot (by Beomi) | 12.8B |\n| TinyLlama | 1.1B |\n",
        "api.md": "## 요청\n\n```python\n# MNIST 관련 요청 모델\n"
        "class SampleRequest(BaseModel):\n    index: int = 100\n```\n",
    }
    services = _chat_over(app_settings, tmp_path, notes)
    try:
        chain = services.chat.chain  # type: ignore[union-attr]
        plan = chain.plan({"message": "KoAlpaca 누가 만든 모델임?", "history": []})
        assert plan.subjects == ["KoAlpaca"], plan.subjects
        assert plan.answer is not None and "by Beomi" in plan.answer.lines[0]
    finally:
        services.close()


def test_the_respect_two_things_are_compared_in_picks_its_row(
    app_settings: Settings, tmp_path: Path
) -> None:
    """ "병렬 처리 측면에서 뭐가 달라?": the respect they are compared in is asked as much as
    the sides (not where they belong): its own row, not one whose cell mentions it."""
    table = (
        "## RNN 계열 vs 트랜스포머\n\n| 항목 | RNN | 트랜스포머 |\n|---|---|---|\n"
        "| 데이터 처리 방식 | 순차적으로 처리 | 전체 시퀀스를 한꺼번에 병렬 처리 |\n"
        "| 병렬 처리 | 불가능 (시간 순서대로만) | 가능 (GPU 활용) |\n"
    )
    for reply in _replies(
        app_settings,
        tmp_path,
        {"seq.md": table},
        "RNN이랑 트랜스포머는 병렬 처리 측면에서 뭐가 달라?",
        "RNN이랑 트랜스포머는 병렬 처리 관점에서 어떻게 달라?",
    ):
        assert reply["answer"].split("\n")[0].startswith("병렬 처리: "), reply


def test_a_name_the_answer_showed_is_asked_of_as_the_answer_used_it(
    app_settings: Settings, tmp_path: Path
) -> None:
    services = _chat_over(
        app_settings,
        tmp_path,
        {
            "gan.md": "## GAN\n\n- GAN은 데이터를 새로 만들어 내는 생성 모델이다. "
            "생성자와 판별자가 서로 겨루며 함께 나아진다. 생성자는 진짜 같은 가짜 데이터를 "
            "만들고, 판별자는 진짜와 가짜를 가려낸다.\n",
            "python.md": "## 파이썬 클래스\n\n- 생성자: 객체를 만들 때 처음 실행되는 함수.\n"
            "- 메서드: 클래스 안에 정의한 함수.\n",
            "cnn.md": "# CNN\n\n## CNN의 구성\n\n- CNN은 합성곱, 활성화, 풀링을 여러 번 쌓은 뒤 "
            "분류한다.\n\n## 풀링 계층 (Pooling)\n\n- 풀링은 특징 맵의 영역마다 대표값 하나를 "
            "골라 크기를 줄인다.\n",
        },
    )
    try:
        chat = services.chat
        assert chat is not None
        first = chat.answer("GAN이 뭐야?", None)
        assert "생성자와 판별자" in first["answer"]
        second = chat.answer("생성자는 뭐 해?", first["session_id"])
        # the 생성자 that competes with 판별자, not a class's constructor
        assert "가짜 데이터를 만들고" in second["answer"], second["answer"]
        assert "객체를 만들 때" not in second["answer"]
        # asked anew, the name is read as the notes give it
        alone = chat.answer("생성자는 뭐 해?", None)
        assert "객체를 만들 때" in alone["answer"], alone["answer"]
        # a name with a section of its own is read there, not in the line that showed it
        first = chat.answer("CNN은 어떻게 구성돼?", None)
        assert "풀링" in first["answer"]
        second = chat.answer("풀링은 뭐 해?", first["session_id"])
        assert "대표값 하나를 골라" in second["answer"].splitlines()[0], second["answer"]
    finally:
        services.close()


def test_a_turn_reads_one_generation(app_settings: Settings, tmp_path: Path) -> None:
    """Coverage, units and citations come from the snapshot the turn searched, even when an
    ingest commits a new generation in between (this raised KeyError before)."""
    notes = tmp_path / "notes"
    shutil.copytree(app_settings.notes_dir, notes)
    settings = app_settings.model_copy(update={"notes_dir": notes})
    services = Services.build(settings)
    try:
        chain = services.chat.chain  # type: ignore[union-attr]
        plan = chain.plan({"message": "드롭아웃은 뭐야?", "history": []})
        old = plan.snapshot
        cited = {p.chunk_id for p in plan.answer.passages}  # type: ignore[union-attr]
        for note in notes.glob("*.md"):  # every chunk changes: none of the old ids survive
            note.write_text(note.read_text(encoding="utf-8") + "\n\n추가한 줄이다.\n", "utf-8")
        services.ingest()
        new = services.store.snapshot()
        assert new.generation > old.generation and not cited & set(new.by_id)
        final = list(chain._answer(iter([plan])))[-1]
        assert final["intent"] == "question"
        assert {s["chunk_id"] for s in final["sources"]} == cited
    finally:
        services.close()


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
    assert final["answer"].endswith("[1]")  # the extractive answer, with its marks


def test_grounded_model_answer_is_kept(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    hit = services.searcher.search("드롭아웃은 뭐야?").hits[0]
    sentence = next(s for s in hit.text.split("\n") if "드롭아웃" in s)
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


def test_chats_while_ingests_commit_new_generations(app_settings: Settings, tmp_path: Path) -> None:
    """Chats keep answering while re-ingests commit new generations underneath them (a
    turn that mixed two generations raised KeyError in coverage, 2 in 766 chats)."""
    notes = tmp_path / "notes"
    shutil.copytree(app_settings.notes_dir, notes)
    settings = app_settings.model_copy(update={"notes_dir": notes})
    services = Services.build(settings)
    services.store.check_interval_s = 0.0  # every read checks for a new generation
    chain = services.chat.chain  # type: ignore[union-attr]
    errors: list[BaseException] = []
    done = threading.Event()

    def reingest() -> None:
        try:
            for i in range(4):
                for note in notes.glob("*.md"):
                    note.write_text(note.read_text("utf-8") + f"\n\n추가한 줄 {i}이다.\n", "utf-8")
                services.ingest()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            done.set()

    worker = threading.Thread(target=reingest)
    first = services.store.snapshot().generation
    worker.start()
    answered = 0
    try:
        while not done.is_set() or answered < 20:
            for message in ("드롭아웃은 뭐야?", "CNN의 풀링은 왜 써?", "안녕!"):
                final = list(chain.stream({"message": message, "history": []}))[-1]
                assert final["type"] == "final" and final["answer"]
                answered += 1
        worker.join()
        assert not errors
        assert services.store.snapshot().generation == first + 4
    finally:
        done.wait()
        worker.join()
        services.close()


@pytest.mark.parametrize(
    ("p_request", "covered", "extra", "expected"),
    [
        (0.9, True, {}, "question"),
        (0.05, True, {}, "question"),  # the notes' vocabulary lowers the bar ("렐루 쓰는 이유")
        (0.01, True, {}, "greeting"),
        (0.9, False, {}, "out_of_scope"),  # a request the notes cannot answer is declined
        (0.05, False, {}, "greeting"),
        (0.01, True, {"bare_term": True}, "question"),  # "드롭아웃"
        (0.9, True, {"names_nothing": True}, "greeting"),  # "흐음..."
        (0.3, False, {"social": True}, "greeting"),  # "너는 무슨 일을 하는 챗봇이야?"
        # "토큰화가 뭐야?" reads like "너는 뭐야?", but asks what a thing of the notes is
        (0.2, True, {"social": True, "defines": True}, "question"),
        (0.01, False, {"followup": "continue"}, "question"),  # "그건 언제 써?"
        # "비 오는 날 좋아해?": 비 and 날 are somewhere in any notes; one syllable is no subject
        (0.07, True, {"specific": False}, "greeting"),
        (0.9, True, {"specific": False}, "question"),  # "층은 뭐야?" asked in so many words
        # "다음 주에 여행 가": tells, does not ask, and the notes do not cover it
        (0.2, False, {"statement": True}, "greeting"),
        # "나 오늘 CNN 시험 봤어": what happened to the one writing, however request-like
        (0.95, True, {"tells": True}, "greeting"),
        # a statement the classifier reads as a request, about what the notes cover
        (0.6, True, {"statement": True}, "question"),
        # one it does not ("배고파서 공부가 손에 안 잡혀"; the notes say 공부 somewhere)
        (0.2, True, {"statement": True}, "greeting"),
        # close to a small-talk question and no clear request: "재밌는 얘기 좀 해줄래?"
        (0.6, False, {"smalltalk_match": 0.55}, "greeting"),
        (0.95, False, {"smalltalk_match": 0.55}, "out_of_scope"),  # a clear request
        (0.6, True, {"smalltalk_match": 0.55}, "question"),  # about what the notes cover
        # what a named thing is, however close: "드롭아웃이 뭐야?" is declined
        (0.85, False, {"smalltalk_match": 0.6, "defines": True}, "out_of_scope"),
        # "9월 12일 수업에서 뭐 배웠어?" reads as chatter, but names a day of the notes
        (0.01, True, {"dated": True}, "question"),
        # "노트 정리하다 보니까 벌써 새벽 두 시네": tells, though the notes say 노트
        (0.57, True, {"statement": True}, "greeting"),
        # "재밌는 이야기 해줘": no subject, nothing to look up or to decline
        (0.12, False, {"no_subject": True}, "greeting"),
        (0.95, False, {"no_subject": True}, "out_of_scope"),  # "코드로는 어떻게 해?"
        # "집중 안 될 때 어떻게 해?": everyday words only, though the notes say 집중
        (0.3, True, {"everyday": True}, "greeting"),
        (0.95, True, {"everyday": True}, "out_of_scope"),  # a clear request is declined
        (0.56, False, {"everyday": True}, "out_of_scope"),  # "내일 우산 챙겨야 할까요?"
        (0.14, False, {"everyday": True}, "greeting"),  # "오늘 저녁 뭐 먹지"
        # "얀 르쿤은 누구야?" reads as chatter about someone one knows, but the notes name him
        (0.002, True, {"asks_who": True}, "question"),
        (0.002, True, {"asks_who": True, "everyday": True}, "greeting"),  # "그 사람 누구야?"
        (0.002, False, {"asks_who": True}, "greeting"),  # "아이유 누구야?"
    ],
)
def test_decide_intent(p_request: float, covered: bool, extra: dict, expected: str) -> None:
    from chatbot.chain.routing import Signals, decide_intent
    from chatbot.settings import ChatConfig

    signals = Signals(p_request=p_request, covered=covered, **extra)
    assert decide_intent(signals, ChatConfig()) == expected


def test_asking_what_a_named_thing_is() -> None:
    from chatbot.chain.routing import asks_what_it_is

    analyzer = default_analyzer()
    for message, asks in [
        ("드롭아웃이 뭐야?", True),
        ("CNN이란?", True),
        ("너 뭐야?", False),  # names nothing
        ("드롭아웃은 왜 써?", False),
        ("활성화 함수는 뭐 써?", False),
    ]:
        assert asks_what_it_is(message, analyzer.subjects(message)) is asks, message


def test_asking_the_assistant_about_itself_is_not_a_request() -> None:
    from chatbot.chain.routing import addresses_assistant

    assert addresses_assistant("너 혹시 MBTI 뭐야?") and addresses_assistant("넌 몇 살이야?")
    assert not addresses_assistant("너 주식 종목 추천해 줘")  # a request, declined as any
    assert not addresses_assistant("너무 어렵다")  # 너무 is no 너


def test_a_subject_of_one_syllable_is_not_specific() -> None:
    from chatbot.chain.routing import is_specific

    assert not is_specific(["비", "날"])
    assert is_specific(["비", "드롭아웃"]) and is_specific(["X"]) and is_specific(["층 수"])


def test_a_term_with_a_short_ask_of_its_use_is_asked_of_the_term(services: Services) -> None:
    from chatbot.chain.routing import is_bare_term

    assert is_bare_term("cnn 왜씀", ["cnn"]) and is_bare_term(
        "로지스틱회귀 언제씀", ["로지스틱회귀"]
    )
    assert is_bare_term("SVM은 어케 써?", ["SVM"]) and is_bare_term("드롭아웃", ["드롭아웃"])
    assert not is_bare_term("오늘 왜 그래", ["오늘"])  # no ask of use
    chain = services.chat.chain  # type: ignore[union-attr]
    # the classifier reads a lower-case "cnn 왜 써" as chatter
    assert chain.plan({"message": "cnn 왜 써", "history": []}).intent == "question"


def test_names_side_by_side_in_a_comparison_are_its_sides(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    plan = chain.plan({"message": "svm 로지스틱 회귀 차이", "history": []})
    assert plan.intent == "question" and plan.subjects == ["svm", "로지스틱 회귀"]
    assert plan.answer is not None
    text = "\n".join(plan.answer.lines)
    assert "SVM" in text and "로지스틱 회귀" in text, text
    # a name of several words the notes write so stays one side
    plan = chain.plan({"message": "소프트맥스 회귀 차이", "history": []})
    assert plan.subjects == ["소프트맥스 회귀"]


def test_routing_searches_search_k_passages_and_answers_draw_on_default_k(
    app_settings: Settings,
) -> None:
    settings = app_settings.model_copy(
        update={"chat": app_settings.chat.model_copy(update={"search_k": 7})}
    )
    built = Services.build(settings)
    try:
        chain = built.chat.chain  # type: ignore[union-attr]
        plan = chain.plan({"message": "CNN은 이미지를 어떻게 처리해?", "history": []})
        assert plan.result is not None and len(plan.result.hits) == 7
        assert chain.selector.passages == settings.retrieval.default_k == 5
    finally:
        built.close()


def test_what_the_question_does_with_a_covered_tool_must_be_covered_too(
    services: Services,
) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    # the notes say 파이썬, never 크롤링: "…하는 법" asks how to do it
    plan = chain.plan({"message": "파이썬으로 크롤링하는 법 알려줘", "history": []})
    assert plan.intent == "out_of_scope"


@pytest.mark.parametrize(
    "message",
    [
        # the notes list n_clusters without the function it would be passed to
        "make_blobs_dataset에서 n_clusters에 넣을 수 있는 값 뭐 있어?",
        # "모듈들" only says what kind of thing is asked for
        "KMeans 쓸 때 깔아야 하는 모듈들 알려줘",
    ],
)
def test_a_code_name_or_a_kind_word_need_not_be_covered_beside_a_covered_subject(
    services: Services, message: str
) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    assert chain.plan({"message": message, "history": []}).intent == "question"
    # ... but alone, or beside nothing covered, they do not make a request answerable
    alone = chain.plan({"message": "make_blobs_dataset에서 random_seed 값 뭐 있어?", "history": []})
    assert alone.intent == "out_of_scope"


def test_a_name_in_another_loanword_spelling_is_covered() -> None:
    analyzer = default_analyzer()
    hits = [_hit("- 앤드루 응(Andrew Ng) - 온라인 강의로 딥러닝을 알렸다.")]
    assert subject_covered("앤드류 응", hits, analyzer)
    assert not subject_covered("앤디 응", hits, analyzer)


COURSE_LOG = """# 수업 일지

<details>
<summary><h2>24.03.04</h2></summary>

* 파이썬 기초
    * 리스트와 딕셔너리를 다뤘다
* numpy
</details>

<details>
<summary><h2>24.03.05</h2></summary>

* 선형 회귀
    * 입력과 출력의 직선 관계를 최소제곱법으로 맞춘다
* matplotlib
</details>
"""


def _services_with_note(app_settings: Settings, tmp_path: Path, name: str, text: str) -> Services:
    """Services over the sample notes and one note more, ingested (close them)."""
    notes = tmp_path / "notes"
    shutil.copytree(app_settings.notes_dir, notes)
    (notes / name).write_text(text, encoding="utf-8")
    services = Services.build(app_settings.model_copy(update={"notes_dir": notes}))
    services.ingest()
    return services


def _plans_after(
    app_settings: Settings,
    tmp_path: Path,
    note: tuple[str, str],
    previous: str,
    *messages: str,
    alone: tuple[str, ...] = (),
) -> tuple[Plan, ...]:
    """Over the sample notes and `note` (name, text): the plan of `previous`, then of each
    of `messages` asked after it, then of each of `alone` asked on its own."""
    services = _services_with_note(app_settings, tmp_path, *note)
    try:
        chain = services.chat.chain  # type: ignore[union-attr]
        first = chain.plan({"message": previous, "history": []})
        history = [Turn(user=previous, assistant="...", intent="question")]
        after = [chain.plan({"message": m, "history": history}) for m in messages]
        lone = [chain.plan({"message": m, "history": []}) for m in alone]
    finally:
        services.close()
    return (first, *after, *lone)


def test_a_day_of_a_course_log_is_asked_by_its_date(app_settings: Settings, tmp_path: Path) -> None:
    services = _services_with_note(app_settings, tmp_path, "log.md", COURSE_LOG)
    try:
        chain = services.chat.chain  # type: ignore[union-attr]
        for message in ("3월 5일 수업에서 뭐 배웠어?", "24.03.05 수업 내용 정리해줘"):
            plan = chain.plan({"message": message, "history": []})
            assert plan.intent == "question", message
            assert plan.answer.lines[0].startswith(  # type: ignore[union-attr]
                "24.03.05: 선형 회귀, matplotlib."
            )
        # a day the notes do not have is declined
        assert chain.plan({"message": "12월 25일 수업 내용 알려줘", "history": []}).intent == (
            "out_of_scope"
        )
        # on which day something came up: the day heading over the line that answers
        plan = chain.plan({"message": "최소제곱법은 며칠 수업에서 배웠지?", "history": []})
        assert plan.answer.lines[0].startswith(  # type: ignore[union-attr]
            "선형 회귀: 24.03.05 수업 노트에 적혀 있어요."
        )
    finally:
        services.close()


def test_the_notes_code_is_quoted_and_a_short_follow_up_goes_on_in_it(
    services: Services,
) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    first = chain.plan({"message": "x_test는 어떻게 정규화해?", "history": []})
    lines = first.answer.lines  # type: ignore[union-attr]
    assert lines[0].startswith("노트의 코드 중 'Keras로 간단한 CNN 만들기' 부분에")
    assert lines[1:] == ["```", 'x_test = x_test.astype("float32")[..., None] / 255.0', "```"]
    history = [Turn(user=first.message, assistant="\n".join(lines), intent="question")]
    # no pronoun and a subject of its own, yet it asks about the code just quoted
    plan = chain.plan({"message": "모델은 어떻게 컴파일해?", "history": history})
    assert plan.followup.kind == "continue"
    assert any(line.startswith("model.compile(") for line in plan.answer.lines)  # type: ignore[union-attr]


ENCODING_TABLE = """## 범주형 데이터 인코딩

범주형 데이터를 모델에 넣으려면 숫자로 바꿔야 한다.

|동물|정수 인코딩|원-핫 인코딩|
|---|---|---|
|강아지|0|[1, 0, 0]|
|토끼|1|[0, 1, 0]|
|거북이|2|[0, 0, 1]|
"""


def test_then_x_asks_the_previous_question_of_x_within_its_context(
    app_settings: Settings, tmp_path: Path
) -> None:
    """ "그럼 토끼는?" after "원-핫 인코딩에서 강아지는 어떻게 표현해?" asks of 토끼 in 원-핫
    인코딩: searched within that context, and read as that request, though "그럼 토끼는?"
    alone reads as chatter."""
    # of a thing the notes do not hold ("그럼 엄마는?"), the classifier reads the message
    # as written
    first, plan, chatter = _plans_after(
        app_settings,
        tmp_path,
        ("encoding.md", ENCODING_TABLE),
        "원-핫 인코딩에서 강아지는 어떻게 표현해?",
        "그럼 토끼는?",
        "그럼 엄마는?",
    )
    # the cell of the row and the column asked: no header says the notes do not say how
    assert first.answer.lines == ["강아지: 원-핫 인코딩: [1, 0, 0]. [1]"]  # type: ignore[union-attr]
    assert "인코딩" in plan.followup.query and "강아지" not in plan.followup.query
    assert plan.intent == "question"
    assert any(line.startswith("토끼: ") for line in plan.answer.lines)  # type: ignore[union-attr]
    assert chatter.intent == "greeting"


NETWORK_PARTS = """## 신경망 구성 요소

| 구분 | 구성 요소 | 설명 |
|---|---|---|
| 층 | 은닉층 (hidden layer) | 가중합을 계산해 다음 층에 전달하는 층 |
| 함수 | 활성화 함수 (activation function) | 신호를 입력받아 이를 적절히 처리하여 출력해 주는 함수 |
| 함수 | 손실 함수 (loss function) | 예측 값과 실제 값 간의 오차를 측정하는 함수 |

## 활성화 함수

- 활성화 함수: 뉴런이 반응할지 결정하는 함수이다.
- 뉴런에서 출력값을 바꾸는 함수를 활성화 함수라고 한다.
"""


def test_then_x_after_a_row_answers_with_the_row_of_x(
    app_settings: Settings, tmp_path: Path
) -> None:
    """ "그럼 활성화 함수는?" after the row of 손실 함수 asks what that row said, of 활성화
    함수: its row in the same table leads, before what another section says of it."""
    first, plan, alone = _plans_after(
        app_settings,
        tmp_path,
        ("parts.md", NETWORK_PARTS),
        "손실 함수는 뭐야?",
        "그럼 활성화 함수는?",
        alone=("활성화 함수는 뭐야?",),
    )
    assert first.answer.lines[0].startswith("함수: 구성 요소: 손실 함수")  # type: ignore[union-attr]
    assert plan.answer.lines[0].startswith("함수: 구성 요소: 활성화 함수")  # type: ignore[union-attr]
    # asked on its own, the section about it answers
    assert not alone.answer.lines[0].startswith("함수: 구성 요소")  # type: ignore[union-attr]


def test_a_question_about_a_thing_of_its_own_is_no_follow_up(services: Services) -> None:
    """ "RMSProp은 언제 써?" after a question about 손실 함수 asks about RMSProp, though one
    passage of the notes holds both; "정확도는 …" after "DNN이 뭐야?" would go on."""
    chain = services.chat.chain  # type: ignore[union-attr]
    history = [Turn(user="손실 함수 고르는 법 알려줘", assistant="...", intent="question")]
    plan = chain.plan({"message": "RMSProp은 언제 써?", "history": history})
    assert plan.followup.kind != "continue"
    assert plan.topic == "RMSProp"
    assert "RNN 학습에 자주 사용" in plan.answer.lines[0]  # type: ignore[union-attr]


def test_a_measure_asked_right_after_is_the_measure_of_the_subject_before(
    services: Services,
) -> None:
    """ "비율은 보통 얼마로 해?" after a question about 드롭아웃 asks its rate, which the notes
    do not give: declined as the whole question would be, not answered with every rate the
    notes name (정밀도, 재현율 …)."""
    chain = services.chat.chain  # type: ignore[union-attr]
    history = [Turn(user="드롭아웃은 왜 써?", assistant="...", intent="question")]
    plan = chain.plan({"message": "비율은 보통 얼마로 해?", "history": history})
    assert plan.subjects == ["드롭아웃 비율"]
    assert plan.intent == "out_of_scope"
    reply = services.chat.answer("드롭아웃 비율은 보통 얼마로 해?", None)  # type: ignore[union-attr]
    assert reply["intent"] == "out_of_scope"


def test_a_question_typed_without_its_mark_is_answered(services: Services) -> None:
    """The classifier learned the question mark; small talk it learned from mostly has
    none. A question word asks all the same."""
    chat = services.chat
    assert chat is not None
    for message in ("서포트 벡터가 정확히 뭔데", "K-Means에서 K는 어떻게 정해"):
        reply = chat.answer(message, None)
        assert reply["intent"] == "question", (message, reply["answer"])
    reply = chat.answer("결정 경계에 가장 가까운 샘플은 뭐라고 불러", None)
    assert reply["intent"] == "question" and "서포트 벡터" in reply["answer"]


def test_a_question_of_the_notes_is_routed_without_its_opener_and_with_its_mark(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A classifier that took "혹시 …" and a missing question mark for small talk (as the
    trained one may: ChatbotData opens with 혹시 often and rarely has the mark) still sees
    the question of the notes as asked."""
    chain = services.chat.chain  # type: ignore[union-attr]

    class Fooled:
        def __init__(self, real: object) -> None:
            self.real = real

        def __getattr__(self, name: str) -> object:
            return getattr(self.real, name)

        def p_request(self, text: str, vector: object) -> float:
            return 0.0 if text.startswith("혹시") or not text.endswith("?") else 1.0

    monkeypatch.setattr(chain, "classifier", Fooled(chain.classifier))
    for message in ("혹시 드롭아웃은 추론할 때 어떻게 해?", "혹시 드롭아웃은 추론할 때 어떻게 해"):
        plan = chain.plan({"message": message, "history": []})
        assert plan.intent == "question", message
    # of nothing the notes hold, the message is read as it was typed
    plan = chain.plan({"message": "혹시 오늘 저녁 뭐 먹을까", "history": []})
    assert plan.intent == "greeting"


def test_a_follow_up_is_read_without_the_word_that_opens_it(services: Services) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    history = [Turn(user="LSTM이 뭐야?", assistant="...", intent="question")]
    plan = chain.plan({"message": "혹시 그럼 GRU는?", "history": history})
    assert plan.followup.kind == "switch" and plan.subjects == ["GRU"]
    assert plan.answer is not None and "GRU" in plan.answer.lines[0]


def test_the_length_asked_of_an_answer_is_no_subject() -> None:
    analyzer = default_analyzer()
    assert analyzer.subjects("한 줄로 정의하면 뭐야?") == []
    assert analyzer.subjects("한마디로 뭐야?") == []
    assert analyzer.subjects("세 줄 요약 해줘") == []
    assert analyzer.subjects("드롭아웃을 한 문장으로 설명해줘") == ["드롭아웃"]


def test_asking_for_more_shows_the_rest_of_the_section_then_says_there_is_no_more(
    services: Services,
) -> None:
    chat = services.chat
    assert chat is not None
    first = chat.answer("K-Means가 뭐야?", None)
    session, seen = first["session_id"], set(first["answer"].splitlines())
    for _ in range(6):
        reply = chat.answer("더 자세히 알려줘", session)
        lines = reply["answer"].splitlines()
        if lines == ["노트에는 앞에서 보여 드린 것보다 자세한 내용이 없어요."]:
            break
        assert reply["intent"] == "question"
        # new lines only, each from the K-Means section of the notes
        assert not set(lines) & seen, lines
        assert {s["heading"].split(" > ")[-1] for s in reply["sources"]} == {"K-Means 군집화"}
        seen |= set(lines)
    else:
        raise AssertionError("the section never ran out")
    # a line the first answer did not show
    assert "할당과 중심 갱신을" not in first["answer"]
    assert any("할당과 중심 갱신을" in line for line in seen)


def test_more_goes_on_into_the_other_sub_sections_of_the_topic(services: Services) -> None:
    # the topic is named by the spelling in parentheses of its heading ("합성곱 신경망 (CNN)");
    # once the sub-section the answer drew on is shown, more comes from the others
    chat = services.chat
    assert chat is not None
    first = chat.answer("CNN을 쓰는 이유가 뭐야?", None)
    reply = chat.answer("더 자세히 알려줘", first["session_id"])
    assert reply["sources"], reply["answer"]
    headings = {s["heading"] for s in reply["sources"]}
    assert all(h.startswith("합성곱 신경망 (CNN)") for h in headings), headings
    assert headings != {"합성곱 신경망 (CNN) > CNN을 쓰는 이유"}
    assert not set(reply["answer"].splitlines()) & set(first["answer"].splitlines())


@pytest.mark.parametrize("message", ["더 자세히 알려줘", "그건 언제 써?", "단점은?"])
def test_a_first_message_that_points_back_asks_what_it_means(
    services: Services, message: str
) -> None:
    chat = services.chat
    assert chat is not None
    reply = chat.answer(message, None)
    assert reply["answer"].startswith("앞에서 이야기한 내용이 없어서"), reply["answer"]
    assert reply["intent"] != "question"
    # after a question it goes on from it
    first = chat.answer("K-Means가 뭐야?", None)
    reply = chat.answer(message, first["session_id"])
    assert reply["intent"] == "question" and reply["sources"], reply["answer"]


def test_chatter_with_a_pronoun_is_not_asked_what_it_means(services: Services) -> None:
    chat = services.chat
    assert chat is not None
    for message in ("이거 진짜 어렵다", "그거 알아? 나 오늘 시험 봤어"):
        reply = chat.answer(message, None)
        assert not reply["answer"].startswith("앞에서 이야기한 내용이 없어서"), message


def test_words_typed_as_they_sound_are_read_written_out(services: Services) -> None:
    chat = services.chat
    assert chat is not None
    # "머임" is 뭐임: a question, not chatter
    reply = chat.answer("rnn 단점 머임", None)
    assert reply["intent"] == "question" and reply["sources"], reply["answer"]


def test_a_weakness_under_a_heading_inside_the_topic_leads(services: Services) -> None:
    # the sample notes give RNN's weakness under "BPTT와 장기 의존성 문제", inside its section
    chat = services.chat
    assert chat is not None
    for question in ("RNN 단점은?", "RNN의 문제점은?"):
        lines = chat.answer(question, None)["answer"].splitlines()
        assert lines[0].startswith("BPTT와 장기 의존성 문제: 시퀀스가 길면"), lines


def test_a_side_glued_to_what_the_sides_are_compared_in_is_read_apart(
    services: Services,
) -> None:
    chain = services.chat.chain  # type: ignore[union-attr]
    # the notes tabulate K-Means against DBSCAN with a row "이상치 처리"
    plan = chain.plan({"message": "K-Means랑 DBSCAN 이상치 처리 차이", "history": []})
    assert plan.subjects == ["K-Means", "DBSCAN", "이상치 처리"]
    # a name of several words the notes give stays whole
    plan = chain.plan({"message": "K-Means랑 DBSCAN 차이", "history": []})
    assert plan.subjects == ["K-Means", "DBSCAN"]


def test_an_english_name_typed_in_hangul_is_read_as_the_name(
    app_settings: Settings, tmp_path: Path
) -> None:
    """ "그리드서치CV", "할빙랜덤서치": the name as it sounds, with the Latin tail it ends in
    or a few letters short of it, is the notes' name; a word that spells no name of the
    notes is still declined."""
    note = (
        "## 하이퍼파라미터 탐색\n\n"
        "- GridSearchCV: 모든 조합을 교차 검증으로 평가하는 탐색 방법입니다.\n"
        "- HalvingRandomSearchCV: 후보를 여러 번 걸러 내며 자원을 몰아주는 탐색 방법입니다.\n"
        "- cv: 교차 검증을 위한 폴드 수입니다.\n"
    )
    grid, halving, absent = _replies(
        app_settings,
        tmp_path,
        {"search.md": note},
        "그리드서치CV가 뭐야?",
        "할빙랜덤서치는 어떤 탐색 방법이야?",
        "베이지안서치가 뭐야?",
    )
    assert grid["intent"] == "question", grid
    assert grid["answer"].startswith("GridSearchCV: 모든 조합을 교차 검증으로"), grid
    assert halving["intent"] == "question", halving
    assert "후보를 여러 번 걸러 내며" in halving["answer"].split("\n")[0], halving
    assert absent["intent"] == "out_of_scope", absent
