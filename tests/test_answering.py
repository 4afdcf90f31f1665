"""Question kinds, unit selection and rendering, on units built from notes-like text."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chatbot.answering.codewords import in_korean
from chatbot.answering.kinds import question_kind
from chatbot.answering.render import quoted_lines, render_answer
from chatbot.answering.select import (
    _PROS,
    Selection,
    UnitSelector,
    _key_of,
    _sibling,
    _subject_cell,
    answers_kind,
    standalone,
)
from tests.conftest import SAMPLE_NOTES, unit_records
from vector_store.analysis import default_analyzer
from vector_store.passage import Passage, UnitRecord
from vector_store.rows import topic_key

NOTES = """## 비지도 학습

<details>
<summary><h3>계층적 군집 (Hierarchical Clustering)</h3></summary>

* 왜 사용할까?
    * 군집의 개수를 미리 정하지 않아도 되기 때문
* 언제 사용하면 좋을까?
    * 데이터 사이의 포함 관계를 나무 모양으로 보고 싶을 때 좋다.
* `계층적 군집 (Hierarchical Clustering)`
    * 가까운 데이터끼리 차례로 묶어 올라가는 군집 방법
* 주의
    * 이 방법은 데이터가 많으면 느리다.
* 병합 절차
    * `거리 계산`
    * `가장 가까운 두 군집 병합`
</details>

#### 인물
- 앨런 튜링 (Alan Turing) - 영국
- 튜링 테스트는 앨런 튜링이 제안한 시험이다.
"""


def _denies(line: str) -> bool:
    """Whether an answer's first line says the kind asked was not found in the notes."""
    return "딱 집어 말한 줄은 찾지 못했" in line or "따로 적혀 있지 않" in line


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("계층적 군집이 뭐야?", "definition"),
        ("지도 학습과 비지도 학습은 뭘로 구분해요?", "compare"),
        ("비지도 학습은 지도 학습이랑 뭐가 다른 거야?", "compare"),
        ("다른 거 말고 더 쉬운 방법은 없어?", "how"),
        # ways asked for are a how, however "있어" is written
        ("과적합을 막는 방법에는 뭐가 있어?", "how"),
        ("SVM 커널 뭐가 있어?", "list"),
        ("분류는 어떤 유형의 데이터를 다뤄?", "definition"),  # which one, not what kinds
        ("계층적 군집", "definition"),
        ("튜링 테스트는 누가 만들었어?", "who"),
        ("앤드류 응은 뭐 한 사람이야?", "who"),
        # what a word stands for, not who made it
        ("여기서 외부 환경은 누구를 말하는 거예요?", "definition"),
        ("계층적 군집은 왜 써?", "why"),
        ("CNN에서 층을 깊게 쌓는 까닭이 뭐야?", "why"),
        ("머신러닝하고 딥러닝 나누는 기준이 뭐야?", "compare"),
        ("지도 학습이랑 비지도 학습은 뭘로 나눠?", "compare"),
        # things asked for in the plural
        ("데이터베이스 쪽으로 쓴 확장들 알려줘", "list"),
        ("데이터를 어떻게 나눠?", "how"),
        # the problem it was made to fix is why it was made
        ("LSTM은 RNN의 어떤 문제를 해결했어?", "why"),
        ("어텐션은 어떤 한계를 극복했어?", "why"),
        ("GRU는 LSTM보다 뭐가 좋아?", "compare"),
        ("LSTM은 RNN이랑 무슨 관계야?", "compare"),
        ("RNN, LSTM, GRU 중에 뭐가 제일 커?", "compare"),
        ("배깅이랑 부스팅 중 어떤 게 더 빨라?", "compare"),
        ("계층적 군집은 언제 쓰면 좋아?", "when"),
        ("장고는 어느 정도 규모의 웹 만들 때 써?", "when"),
        ("장고는 어떤 규모 웹에 써?", "when"),  # what it is used on
        ("RobustScaler는 어떤 데이터에 좋아?", "when"),
        ("트랜스포머는 어디에 널리 사용돼?", "when"),
        ("GAN이랑 VAE 각각 어디에 쓰는지 예시 들어줘", "example"),
        ("최적값은 어디서 확인할 수 있어?", "definition"),
        ("학습률이 너무 크면 어떻게 돼?", "definition"),
        ("DBSCAN 군집 절차가 어떻게 돼?", "how"),
        ("계층적 군집은 어떻게 해?", "how"),
        ("샘플은 어떤 기준으로 군집에 들어가?", "how"),  # the rule it goes by
        # the way it goes
        ("군집은 데이터를 어떤 식으로 묶어요?", "how"),
        ("원핫 인코딩은 값을 어떤 방식으로 나타내?", "how"),
        ("풀링 층은 어떻게 동작해?", "how"),
        ("계층적 군집이랑 K-평균 차이가 뭐야?", "compare"),
        ("군집이랑 차원 축소는 목표가 어떻게 달라?", "compare"),
        # a question typed without "?" and a request after it
        ("분류랑 회귀는 데이터 유형이 어떻게 달라 좀 설명해줘", "compare"),
        ("회귀 예 뭐 있었지?", "example"),
        ("군집 알고리즘 종류 알려줘", "list"),
        ("군집 알고리즘에는 뭐 있어?", "list"),
        ("요수아 벤지오 업적 정리해줘", "list"),  # what they did, one by one
        # all of them, asked for at once
        ("GridSearchCV 주요 파라미터 다 알려줘", "list"),
        ("설치한 패키지들 쭉 알려줘", "list"),
        ("실습 데이터셋 목록 보여줘", "list"),
        # the case a thing is used in only says which things are asked for
        ("분류 모델 평가할 때 쓰는 지표 몇 가지 있는지 알려줘", "list"),
        ("이미지 분류할 때 써?", "when"),
        ("드롭아웃은 뭐 할 때 쓰는지 알려줘", "when"),
        ("패딩은 무슨 작업할 때 쓰는 거야?", "when"),
        ("로지스틱 회귀 쓰는 대표적인 예가 뭐임", "example"),
        ("과적합 막는 방법 뭐 있어?", "how"),  # ways are asked for
        ("과적합을 막는 방법 뭐뭐 있어?", "how"),
        ("Conv2D 인자 뭐뭐 있어?", "list"),
        # a group named by its number
        ("딥러닝의 4대 천왕은?", "list"),
        ("GPU 1대로 돼?", "definition"),
        ("계층적 군집 예시 좀", "example"),
        # 어떻게 as it is typed in chat
        ("서버 띄우려면 어케 쳐?", "how"),
        # is it different, asked politely
        ("머신러닝이랑 딥러닝에서 모델이라는 말이 뜻하는 게 다른가요?", "compare"),
        ("다른 방법은 뭐야?", "how"),
        # all of them, asked to be explained
        ("트랜스포머 기반 대표 모델들 쭉 설명해줘", "list"),
        ("얀 르쿤은 CNN 쪽에서 뭘 한 사람이에요?", "who"),
        # an example asked for in a word ("예")
        ("3차원 데이터 shape 예 하나 들어줄래?", "example"),
        ("원-핫 인코딩 예 보여줘", "example"),
        ("예 알겠어", "definition"),  # yes
        # several entries asked for in the plural
        ("풀링 층 만들 때 들어가는 인자들 뭐야", "list"),
        ("인자 뭐야?", "definition"),
        # what it is used on, with how often between
        ("RNN은 주로 어떤 분야 데이터에 많이 사용하나요?", "when"),
        # things asked for in the plural, to be explained
        ("crud 앱 만들 때 데이터베이스 쪽으로 쓴 확장들 설명해줘", "list"),
        # where a person comes from is asked of who they are
        ("앤드루 응은 어디 출신이야?", "who"),
        ("얀 르쿤 국적이 어디야?", "who"),
        # the rows of a table that compares things are a list, not a comparison
        ("챗봇용 모델 비교 표에 있는 모델들 알려줘", "list"),
        ("일반 회귀 분석이랑 로지스틱 회귀 분석 비교 항목 뭐뭐 있어?", "compare"),
    ],
)
def test_question_kind(message: str, kind: str) -> None:
    assert question_kind(message) == kind


@pytest.fixture(scope="module")
def units() -> tuple[Passage, dict[int, list[UnitRecord]]]:
    passage = Passage(1, "clustering.md", "비지도 학습 > 계층적 군집", NOTES, 1.0)
    return passage, {1: unit_records("clustering.md", 1, NOTES)}


def _answer(units, message: str) -> list[str]:
    passage, by_chunk = units
    return _answer_over(([passage], by_chunk), message)


def test_definition_opens_with_the_defining_unit_in_context(units) -> None:
    lines = _answer(units, "계층적 군집이 뭐야?")
    assert lines[0] == (
        "계층적 군집 (Hierarchical Clustering): 가까운 데이터끼리 차례로 묶어 올라가는 "
        "군집 방법. [1]"
    )
    # a line that leans on the one before it never stands alone in an answer
    assert not any("이 방법은" in line for line in lines)


def test_when_and_why_prefer_the_children_of_their_question(units) -> None:
    assert "나무 모양으로 보고 싶을 때" in _answer(units, "계층적 군집은 언제 써?")[0]
    assert "미리 정하지 않아도" in _answer(units, "계층적 군집은 왜 쓰는 거야?")[0]


def test_how_joins_short_steps_on_one_line(units) -> None:
    lines = _answer(units, "계층적 군집은 어떤 절차로 병합해?")
    assert any("거리 계산, 가장 가까운 두 군집 병합" in line for line in lines)


def test_who_finds_the_named_person(units) -> None:
    first = _answer(units, "앨런 튜링은 어느 나라 사람이야?")[0]
    assert first == "앨런 튜링 (Alan Turing): 영국. [1]"


PIONEERS_NOTE = """## 4대 천왕
- 얀 르쿤 (Yann LeCun) - 프랑스
    - CNN 구조를 만든 연구자
- 앤드루 응(Andrew Ng) - 홍콩
    - 고양이 얼굴을 스스로 학습한 신경망 연구, Coursera
"""


def test_who_reads_a_line_as_the_person_it_stands_under() -> None:
    passage = Passage(19, "people.md", "4대 천왕", PIONEERS_NOTE, 1.0)
    notes = ([passage], {19: unit_records("people.md", 19, PIONEERS_NOTE, 1700)})
    lines = _answer_over(notes, "Coursera 하면 떠오르는 연구자는 누구야?")
    assert lines[0].startswith("앤드루 응(Andrew Ng)")
    # what they did, then who they are as the notes give them (name and place)
    lines = _answer_over(notes, "고양이 얼굴 학습한 연구 한 사람 누구야?")
    assert lines[:2] == [
        "앤드루 응(Andrew Ng): 고양이 얼굴을 스스로 학습한 신경망 연구, Coursera. [1]",
        "- 앤드루 응(Andrew Ng): 홍콩. [1]",
    ]


FIELDS_NOTE = """## 연구자와 분야
- 얀 르쿤 (Yann LeCun)
    - CNN: 손글씨 숫자를 읽는 합성곱 신경망
- 요수아 벤지오 (Yoshua Bengio)
    - RNN: 신경망으로 다음 단어를 고르는 언어 모델
## 신경망 구성 요소
- 손실 함수: 예측과 정답이 얼마나 다른지 잰다
- 활성화 함수: 가중합을 받아 다음 층에 넘길 값을 정한다
"""


def test_the_like_of_a_line_under_a_persons_name_is_no_like_of_its_topic() -> None:
    """ "CNN이 뭐야?" → "그럼 RNN은?": the line on RNN under another person's name says what
    that person did, not what RNN is, though it stands where the line on CNN stands."""
    units = {u.term: u for u in unit_records("fields.md", 31, FIELDS_NOTE, 3100)}
    assert not _sibling(units["RNN"], units["CNN"], {_key_of("RNN")})
    # lines under one title, each by its own name, are alike
    assert _sibling(units["활성화 함수"], units["손실 함수"], {_key_of("활성화 함수")})


MAKERS_NOTE = """## 연구자와 업적
- 이안 굿펠로 (Ian Goodfellow)
    - GAN: 그림을 만들어 내는 인공지능의 시작
## 생성 모델
- GAN: 생성자와 판별자가 서로 겨루며 진짜 같은 데이터를 만드는 모델
"""


EPOCH_NOTE = """## 학습
- 1 에포크는 배치를 전체 한번 도는 것을 의미함.
- 에포크(epoch)는 모델이 전체 학습 데이터를 한 번 모두 학습한 횟수
"""


RESHAPE_NOTE = """## 전처리
- astype('float32') 하는 이유
    - 신경망 모델은 실수 데이터를 입력으로 받으므로 데이터 타입을 float32로 바꿔줘야 한다.
## RNN
- 2차원 시계열 데이터는 (샘플, 시간) 구조.
- 딥러닝 시계열 모델은 (샘플, 시간, 피처) 형태를 요구해서 3차원으로 바꾼다.
- 피처를 추가하는 것은 모델이 시점별 여러 변수를 인식하도록 하기 위함.
"""


def test_a_why_title_of_another_thing_does_not_say_why_of_the_subject() -> None:
    # "astype('float32') 하는 이유" titles the why of astype, not of 시계열 데이터
    passage = Passage(34, "prep.md", "전처리", RESHAPE_NOTE, 1.0)
    notes = ([passage], {34: unit_records("prep.md", 34, RESHAPE_NOTE, 3400)})
    lines = _answer_over(notes, "시계열 데이터를 3차원으로 바꾸는 이유가 뭐야?")
    assert "float32" not in lines[0] and "시계열" in lines[0], lines


def test_a_sentence_opening_with_another_spelling_of_the_subject_defines_it() -> None:
    # "에폭이 뭐야?": "에포크(epoch)는 …" opens with the subject, spelled as the notes do
    passage = Passage(33, "train.md", "학습", EPOCH_NOTE, 1.0)
    notes = ([passage], {33: unit_records("train.md", 33, EPOCH_NOTE, 3300)})
    for question in ("에폭이 뭐야?", "에포크가 뭐야?"):
        lines = _answer_over(notes, question)
        assert lines[0].startswith("에포크(epoch)는 모델이 전체 학습 데이터를"), lines


def test_what_a_thing_is_opens_with_its_own_line_not_a_persons_deed() -> None:
    passage = Passage(32, "makers.md", "연구자와 업적", MAKERS_NOTE, 1.0)
    notes = ([passage], {32: unit_records("makers.md", 32, MAKERS_NOTE, 3200)})
    lines = _answer_over(notes, "GAN이 뭐야?")
    assert lines[0].startswith("GAN: 생성자와 판별자가")
    # asked of the person, the line under the name is the answer
    assert "그림을 만들어 내는" in _answer_over(notes, "이안 굿펠로는 뭘 했어?")[0]


def test_who_finds_a_named_person_doing_it_in_a_sentence() -> None:
    """ "얀 르쿤(Yann LeCun) 연구진이 … 정리한": the notes name who, so the answer does not
    say they do not."""
    notes = _notes(
        "## LeNet-5\n\nLeNet-5는 얀 르쿤(Yann LeCun) 연구진이 1998년 논문에서 정리한 초기 "
        "CNN이다.\n손글씨 숫자 인식에 실제로 쓰였다.\n"
    )
    lines = _answer_over(notes, "LeNet-5는 누가 만들었어?")
    assert lines[0].startswith("LeNet-5는 얀 르쿤(Yann LeCun) 연구진이"), lines
    # the doer's name spelled out before its particle ("로젠블랫(Frank Rosenblatt)이"), and
    # the person asked about by name
    notes = _notes(
        "## 퍼셉트론\n\n퍼셉트론은 1958년 로젠블랫(Frank Rosenblatt)이 제안한 가장 단순한 "
        "신경망이다.\n입력에 가중치를 곱해 더한다.\n"
    )
    for question in ("퍼셉트론은 누가 만들었어?", "로젠블랫은 누구야?"):
        lines = _answer_over(notes, question)
        assert lines[0].startswith("퍼셉트론은 1958년 로젠블랫"), (question, lines)
    # code under a title that makes something ("CNN 만들기") says nothing of who made it
    notes = _notes(
        "## 기울기 소실\n\n배치 정규화(Batch Normalization)는 깊은 신경망에서 기울기가 잘 "
        "흐르도록 돕는다.\n\n## Keras로 간단한 CNN 만들기\n\n```python\n"
        "model.fit(x_train, y_train, epochs=5, batch_size=128)\n```\n"
    )
    lines = _answer_over(notes, "배치 정규화는 누가 만들었어?")
    assert lines[0].startswith("노트에서 '배치 정규화'에 대해 누가"), lines
    assert "배치 정규화(Batch Normalization)는 깊은" in lines[1]
    # a thing that makes something as it runs is no maker ("디코더가 … 만들 때마다")
    notes = _notes(
        "## Seq2Seq\n\n- 어텐션은 디코더가 단어를 하나 만들 때마다 인코더의 상태를 다시 본다.\n"
        "- Seq2Seq는 인코더와 디코더로 시퀀스를 바꾸는 구조이다.\n"
    )
    assert _denies(_answer_over(notes, "Seq2Seq는 누가 제안했어?")[0])
    # a study named by its English title is no person
    notes = _notes("## 어텐션\n\n어텐션은 2017년 논문(Attention Is All)이 널리 알렸다.\n")
    assert _denies(_answer_over(notes, "어텐션은 누가 만들었어?")[0])
    # a maker in Latin letters that put it out ("Meta가 공개한")
    notes = _notes("## 벡터 검색\n\n- FAISS는 Meta가 공개한 벡터 검색 라이브러리이다.\n")
    lines = _answer_over(notes, "FAISS는 누가 만들었어?")
    assert lines == ["FAISS는 Meta가 공개한 벡터 검색 라이브러리이다. [1]"], lines


def test_who_made_another_thing_is_no_answer_of_who_made_this_one() -> None:
    notes = _notes(
        "## LSTM\n\n- LSTM은 1997년에 제안된 RNN 변형으로, 셀 상태를 따로 둔다.\n"
        "- 각 게이트는 시그모이드로 0~1 사이 값을 만들어 정보를 조절한다.\n\n"
        "## GRU\n\n- GRU는 2014년 조경현(Kyunghyun Cho) 등이 제안한 구조로, LSTM을 단순화한 "
        "모델이다.\n"
    )
    lines = _answer_over(notes, "LSTM은 누가 만들었어?")
    assert lines[0].startswith(
        "노트에서 'LSTM'에 대해 누가 관련되었는지를 딱 집어 말한 줄은 찾지 못했"
    ), lines
    # then what the notes say LSTM is; "만들" asked who, and picks no line ("값을 만들어")
    assert "1997년에 제안된 RNN 변형" in lines[1]
    # a thing titled as a person's ("얀 르쿤의 …") names who made it
    notes = _notes(
        "## 얀 르쿤의 손글씨 인식기\n\n- 우체국에서 손으로 쓴 우편번호를 읽는 문제를 풀려고 "
        "시작한 연구이다.\n"
    )
    lines = _answer_over(notes, "손글씨 인식기 만든 사람이 누구야?")
    assert not _denies(lines[0]), lines
    # the maker of a model in a table under the topic's name is not the topic's maker
    notes = _notes(
        "## 트랜스포머\n\n- 트랜스포머는 문장 전체를 한꺼번에 병렬로 처리한다.\n\n"
        "## 트랜스포머 기반 대표 모델들\n\n| 모델 | 설명 |\n|---|---|\n"
        "| GPT (OpenAI) | 문장 생성에 강함 |\n| BERT (Google) | 문장 이해에 강함 |\n"
    )
    lines = _answer_over(notes, "트랜스포머는 누가 만들었어?")
    assert lines[0].startswith("노트에서 '트랜스포머'에 대해 누가 관련되었는지를"), lines
    assert _answer_over(notes, "GPT는 누가 만들었어?")[0].startswith("GPT (OpenAI)")


def test_who_of_a_group_gives_a_line_for_each_person() -> None:
    notes = _notes(
        "## 강화학습의 세 기둥\n\n"
        "- 리처드 서튼 (Richard Sutton) - 캐나다\n"
        "    - 시간차 학습을 정리하고 강화학습 교과서를 함께 썼다.\n"
        "    - 보상 예측 오차로 가치를 조금씩 고치는 방법을 널리 알렸다.\n"
        "    - 강화학습 연구실을 오래 이끌며 많은 연구자를 길렀다.\n"
        "- 앤드루 바토 (Andrew Barto) - 미국\n"
        "    - 행위자-비평가 구조를 연구하고 교과서를 함께 썼다.\n"
        "    - 신경망 기반 강화학습의 초기 실험을 이끌었다.\n"
        "    - 적응 제어와 강화학습을 잇는 연구를 했다.\n"
        "- 크리스 왓킨스 (Chris Watkins) - 영국\n"
        "    - 큐 러닝 알고리즘을 박사 논문에서 처음 제안해 강화학습의 기둥이 되었다.\n"
    )
    lines = _answer_over(notes, "강화학습의 세 기둥은 누구야?")
    # each of them, in the notes' order (not the one whose line names the group first)
    at = [
        next(i for i, line in enumerate(lines) if name in line)
        for name in ("리처드 서튼", "앤드루 바토", "크리스 왓킨스")
    ]
    assert at == sorted(at), lines
    # one person asked about keeps all of that person's lines
    lines = _answer_over(notes, "리처드 서튼은 누구야?")
    assert sum("리처드 서튼" in line for line in lines) >= 2, lines


def test_who_of_a_group_is_each_person_of_its_list_and_nothing_else() -> None:
    """The people are lines right under the group's title, one with its name in Hangul
    only; a short line ("비전의 설계자") is still one of them, and the other lines under
    the title are none of them."""
    note = (
        "## 딥러닝 4대 천왕을 비유하면\n\n- 제프리 힌턴 (Geoffrey Hinton) → 신경망의 사상가\n\n"
        "- 얀 르쿤 (Yann LeCun) → 비전의 설계자\n\n- 요슈아 벤지오 → 언어 모델의 개척자\n\n"
        "합성곱 층(Layer)의 등장\n\nlayer: 웹 서비스의 계층을 말한다.\n"
    )
    lines = _answer_over(_notes(note), "4대 천왕이 누구야?")
    assert lines == [
        "제프리 힌턴 (Geoffrey Hinton): 신경망의 사상가. [1]",
        "- 얀 르쿤 (Yann LeCun): 비전의 설계자. [1]",
        "- 요슈아 벤지오: 언어 모델의 개척자. [1]",
    ], lines


def test_who_says_so_when_the_notes_name_nobody(units) -> None:
    lines = _answer(units, "계층적 군집은 누가 만들었어?")
    assert lines[0].startswith(
        "노트에서 '계층적 군집'에 대해 누가 관련되었는지를 딱 집어 말한 줄은 찾지 못했"
    )
    # then what the notes say it is ("Hierarchical Clustering" in parentheses is no person)
    assert "가까운 데이터끼리" in lines[1]


def test_every_content_line_carries_a_citation_mark(units) -> None:
    for message in (
        "계층적 군집이 뭐야?",
        "계층적 군집은 언제 써?",
        "튜링 테스트는 누가 만들었어?",
    ):
        for line in _answer(units, message):
            assert line.endswith("[1]"), line


def test_standalone_rejects_labels_code_and_dangling_lines(units) -> None:
    _, by_chunk = units
    texts = {u.text: standalone(u) for u in by_chunk[1]}
    assert texts["왜 사용할까?"] is False  # a label
    assert texts["이 방법은 데이터가 많으면 느리다."] is False  # refers to unseen context
    assert texts["가까운 데이터끼리 차례로 묶어 올라가는 군집 방법"] is True


def test_a_word_that_opens_like_a_connective_is_no_connective() -> None:
    from chatbot.answering.select import DANGLING

    assert DANGLING.match("즉, 앞의 값을 다시 쓴다.") is not None
    assert DANGLING.match("즉시 계산한다.") is None  # 즉시 is a word, not 즉
    assert DANGLING.match("이럴 때는 재현율을 본다.") is not None  # in the case said above


def test_a_line_that_names_what_it_just_said_does_not_lean_back() -> None:
    from chatbot.answering.select import _leans_back

    assert not _leans_back("몇 단계까지만 오류를 역전파함, 이것을 생략된-BPTT라고 함")
    assert _leans_back("ReLU를 쓰면 이 문제가 크게 줄어든다.")
    assert _leans_back("이것을 해결하려고 LSTM을 쓴다.")


BPTT_NOTE = """## RNN
* `역전파`
    * BPTT를 이용하여 모든 단계마다 처음부터 끝까지 역전파함
        * 오차는 각 단계마다 측정하고 이전 단계로 전달함
    * 즉, 구한 오차를 이용하여 가중치와 바이어스를 업데이트함
"""


def test_a_line_that_opens_with_a_connective_is_read_without_it() -> None:
    passage = Passage(23, "rnn.md", "RNN 역전파", BPTT_NOTE, 1.0)
    notes = ([passage], {23: unit_records("rnn.md", 23, BPTT_NOTE, 1800)})
    lines = _answer_over(notes, "RNN 역전파에서 가중치랑 바이어스는 언제 업데이트돼?")
    # "즉," only ties the line to the one before it: what follows answers, and is shown
    # without it
    assert lines[0] == "역전파: 구한 오차를 이용하여 가중치와 바이어스를 업데이트함 [1]"
    assert not any("즉," in line for line in lines)
    # "이 밖에 …도 있다" names things beside those before it, each said in full
    notes = _notes(
        "## 학습 방식\n\n지도 학습은 정답이 붙은 데이터로 배운다.\n"
        "이 밖에 보상을 최대화하는 행동을 배우는 강화 학습도 있다.\n"
    )
    lines = _answer_over(notes, "강화 학습이 뭐야?")
    assert lines[0] == "학습 방식: 보상을 최대화하는 행동을 배우는 강화 학습도 있다. [1]", lines


PACKAGES_NOTE = """## 9월 13일
* pandas
  * 표 형태의 데이터를 다루는 라이브러리
* email-validator
  * 이메일 주소 형식을 검사
* flask-mail
  * 이메일을 보내는 확장
* flask-login
  * 로그인 상태를 관리하는 확장
"""


def test_ways_asked_for_under_a_label_of_ways_are_named_first() -> None:
    # "교차 검증 방법" holds the ways as bullets of their own; a how-question in its words
    # names them all, then each
    notes = _notes(
        "## 모델 평가\n\n- 교차 검증 방법\n    - K-폴드\n"
        "        - 데이터를 K개로 나눠 번갈아 검증한다.\n    - 홀드아웃\n"
        "        - 데이터를 한 번만 나눠 검증한다.\n- 평가 지표\n    - 정확도는 맞춘 비율이다.\n"
    )
    lines = _answer_over(notes, "모델 평가에서 교차 검증하는 방법 뭐뭐 있어?")
    assert lines[0].startswith("교차 검증 방법: K-폴드, 홀드아웃"), lines


def test_a_list_asked_from_one_bullet_reads_the_bullets_beside_it() -> None:
    passage = Passage(29, "log.md", "9월 13일", PACKAGES_NOTE, 1.0)
    notes = ([passage], {29: unit_records("log.md", 29, PACKAGES_NOTE, 1900)})
    lines = _answer_over(notes, "email-validator부터 설치한 패키지들 쭉 알려줘")
    # the bullets of the list in the notes' order, each with the line under it
    assert [line.lstrip("- ").split(":")[0] for line in lines] == [
        "pandas",
        "email-validator",
        "flask-mail",
        "flask-login",
    ]
    assert lines[1] == "- email-validator: 이메일 주소 형식을 검사. [1]"


REGRESSION = """## 회귀
- 예시 : 주가처럼 어떤 값이든 나올 수 있는 값의 예측

### 선형 회귀
* 언제 사용하면 좋을까?
    * 독립 변수와 종속 변수가 선형 관계를 가질 때 사용하면 좋다.
    * 회귀 계수를 해석하고 싶을 때(예를 들어 변수 하나의 영향을 볼 때) 좋다.

### 소프트맥스 회귀
* 출력을 확률로 바꿔 여러 범주 가운데 하나를 고르는 회귀

### 최적화
- 경사하강법 - 손실을 줄이는 쪽으로 가중치를 조금씩 옮기는 최적화 기법

### 비교
| 구분 | 선형 회귀 | 소프트맥스 회귀 |
|---|---|---|
| 출력 | 연속된 값 | 범주별 확률 |
"""

ANOTHER_NOTE = """## 용어 정리
- 경사하강법 - 기울기가 낮아지는 방향으로 내려가며 최솟값을 찾아간다.
"""


def _found(*notes: Passage) -> tuple[list[Passage], dict[int, list[UnitRecord]]]:
    """Passages found, best first, each with its units (ids 100 apart)."""
    by_chunk = {
        p.chunk_id: unit_records(p.source, p.chunk_id, p.text, 100 * i) for i, p in enumerate(notes)
    }
    return list(notes), by_chunk


@pytest.fixture(scope="module")
def two_notes() -> tuple[list[Passage], dict[int, list[UnitRecord]]]:
    return _found(
        Passage(1, "regression.md", "회귀", REGRESSION, 1.0),
        Passage(2, "terms.md", "용어 정리", ANOTHER_NOTE, 0.5),
    )


def _answer_over(
    notes, message: str, domains: frozenset[str] = frozenset(), *, found: int | None = None
) -> list[str]:
    """The answer's lines over `notes`; with `found`, search found only that many of the
    passages, and the units of all of them are reachable by their labels' terms."""
    passages, by_chunk = notes
    every = [u for units in by_chunk.values() for u in units]
    analyzer = default_analyzer()
    kind = question_kind(message)
    subjects = analyzer.subjects(message)
    selection = UnitSelector(analyzer).select(
        question=message,
        kind=kind,
        subjects=subjects,
        hits=passages if found is None else passages[:found],
        units_of=lambda p: by_chunk[p.chunk_id],
        units_about=(
            None if found is None else lambda terms: [u for u in every if terms <= u.context_terms]
        ),
        passage_of={p.chunk_id: p for p in passages}.get,
        domains=domains,
    )
    return render_answer(selection, kind=kind, topic=subjects[0], question=message).lines


def test_a_compound_subject_is_not_answered_by_half_of_its_words(two_notes) -> None:
    # "선형 회귀 > 언제 사용하면 좋을까?" answers *when*, but about another 회귀
    lines = _answer_over(two_notes, "소프트맥스 회귀는 언제 써?")
    assert not any("선형 관계" in line for line in lines)
    assert any("여러 범주 가운데 하나를 고르는" in line for line in lines)


def test_a_subject_no_line_read_names_whole_is_found_in_the_passages_ranked_below() -> None:
    # five passages that say 환경 and 변수 apart rank above the one line that names them
    # together, in a passage the answer would not read
    apart = [
        Passage(
            i,
            f"n{i}.md",
            "회귀",
            f"## 회귀\n\n- 성능이 낮은 환경에서 쓴다.\n- 변수 {i}개를 쓴다.\n",
            1.0,
        )
        for i in range(1, 6)
    ]
    named = Passage(
        6,
        "web.md",
        "패키지",
        "## 패키지\n\n- python-dotenv\n    - 환경 변수를 .env 파일로부터 읽어 들임\n",
        0.4,
    )
    lines = _answer_over(_found(*apart, named), "환경 변수는 어떻게 불러와?")
    assert "python-dotenv: 환경 변수를 .env 파일로부터 읽어 들임 [1]" in lines, lines
    assert not any("회귀:" in line for line in lines), lines


def test_two_notes_defining_the_same_term_are_both_cited(two_notes) -> None:
    lines = _answer_over(two_notes, "경사하강법은 어떻게 최솟값을 찾아가?")
    text = "\n".join(lines)
    assert "가중치를 조금씩 옮기는" in text and "기울기가 낮아지는 방향" in text
    assert "[1]" in text and "[2]" in text


def test_one_row_that_holds_both_sides_answers_a_comparison(two_notes) -> None:
    lines = _answer_over(two_notes, "선형 회귀랑 소프트맥스 회귀는 출력이 어떻게 달라?")
    assert not _denies(lines[0])  # no "the notes do not say" before the answer
    assert "범주별 확률" in lines[0] and "연속된 값" in lines[0]


QA_NOTE = """## 질문과 답변
- RNN은 순서가 있는 데이터를 앞 단계의 출력을 기억하며 처리하는 신경망이다.

## 인물
- RNN & NLP - 단어 임베딩 연구에 크게 기여
"""


def test_a_sentence_about_the_subject_beats_a_label_that_contains_it() -> None:
    passage = Passage(3, "qa.md", "질문과 답변", QA_NOTE, 1.0)
    notes = ([passage], {3: unit_records("qa.md", 3, QA_NOTE, 200)})
    lines = _answer_over(notes, "RNN이 뭐야?")
    assert "순서가 있는 데이터" in lines[0]


def test_a_line_whose_term_names_the_kind_answers_it(two_notes) -> None:
    # "예시 : …" answers "예시는?"; a line with "예를 들어" in passing does not lead
    lines = _answer_over(two_notes, "회귀 문제 예시는 뭐가 있어?")
    assert "주가처럼" in lines[0]


MATRIX_NOTE = """## 평가
#### 혼동 행렬: 오답 노트이다.
- 모델의 예측이 어떻게 틀렸는지 보여주는 표
- ###### 오답이 나왔을 때, 혼동 행렬을 작성해서 정확도를 높인다.
- 시퀀스 모델은.
"""


def test_a_heading_statement_answers_and_never_labels_a_line() -> None:
    passage = Passage(4, "eval.md", "평가", MATRIX_NOTE, 1.0)
    notes = ([passage], {4: unit_records("eval.md", 4, MATRIX_NOTE, 300)})
    why = _answer_over(notes, "혼동 행렬은 왜 작성하는 거야?")
    # what it achieves answers a why; no "the notes do not say why" first
    assert "정확도를 높인다" in why[0]
    definition = _answer_over(notes, "혼동 행렬이 뭐야?")
    assert definition[0].startswith("혼동 행렬: 오답 노트이다.")
    # a heading that is a sentence is not written before its lines as their label
    assert not any("오답 노트이다.:" in line for line in definition)
    # a topic with nothing said of it is no line of an answer
    assert not any("시퀀스 모델은" in line for line in why + definition)


API_NOTE = """## 웹
- REST API - HTTP로 서버와 클라이언트가 데이터를 주고받는 설계 원칙이다.
- api의 구조
    - mvc
    - msa
    - 모놀리식
"""


def test_a_list_of_short_names_under_a_label_answers_what_kinds() -> None:
    passage = Passage(5, "web.md", "웹", API_NOTE, 1.0)
    notes = ([passage], {5: unit_records("web.md", 5, API_NOTE, 400)})
    assert _answer_over(notes, "api 구조 종류 알려줘")[0] == "api의 구조: mvc, msa, 모놀리식 [1]"


CNN_NOTE = """## 합성곱 신경망
- LeNet-5
    - 합성곱과 풀링을 반복해 거치면서 마지막에 완전연결층에서 분류를 수행
- CNN의 층
    - 합성곱 층은 입력과 작은 필터 간의 연산으로 특징 맵을 만든다.
"""


def test_a_compound_subject_is_named_by_its_words_together() -> None:
    # "합성곱 층": a line that has 합성곱 and (완전연결)층 apart does not name it
    passage = Passage(6, "cnn.md", "합성곱 신경망", CNN_NOTE, 1.0)
    notes = ([passage], {6: unit_records("cnn.md", 6, CNN_NOTE, 500)})
    lines = _answer_over(notes, "합성곱 층은 특징 맵을 어떻게 만들어?")
    assert "필터 간의 연산으로" in lines[0]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("- 모델이 시점별 여러 변수를 인식하도록 하기 위함.", "why"),
        ("- 오답을 모아 정확도를 높인다.", "why"),
        ("- 특정 뉴런에 대한 의존을 줄인다.", "why"),
        ("- 배치 정규화를 넣으면 학습이 빨라진다.", "why"),
        ("- 값이 큰 특성이 주성분을 지배하므로 먼저 표준화한다.", "why"),
        ("- 잔차 연결은 깊은 층에서도 기울기가 잘 흐르도록 돕는다.", "why"),
        ("- 헤드마다 서로 다른 종류의 관계를 볼 수 있게 한다.", "why"),
        ("- 디코더는 미래 토큰을 보지 못하도록 마스크를 씌운다.", "why"),
        ("- 요청 본문이 모델과 맞지 않으면 422 오류를 돌려준다.", "why"),
        # what one does with it, as one uses it for
        ("- 작업의 진행률을 확인할 때 사용", "why"),
        ("- 중규모 이상 웹을 구축할 때 자주 사용", "when"),
        ("- 번역, 요약, 질의응답 등 널리 사용된다.", "when"),
        ("- 예시 : 주가 예측", "example"),
        # a sentence quoted as an instance
        ('- 앞 말을 기억해 "안녕" 뒤에 "하세요"가 나오게 한다', "example"),
        ("- 출력 크기는 입력 크기와 커널 크기로 계산한다.", "how"),
        ("- 입력과 필터 간의 합성곱 연산을 통해 새로운 특징 맵을 생성", "how"),
        ("- 인코더와 디코더 두개 다 써야한다. (사전이 두 개 다 필요하니까)", "why"),
        ("- 입력 게이트와 망각 게이트, 출력 게이트로 구성되어있다.", "list"),
        ("- 은닉층에 ReLU를 쓰면 이 문제가 크게 줄어든다.", "how"),
        # a means, then what it makes
        ("- 입력 문장을 토큰화하여, 단어 번호의 목록으로 바꾼다.", "how"),
        # what must be done for it
        ("- 입력을 먼저 정규화해야 학습이 안정될 수 있다.", "how"),
        # what is made to deal with a thing, or to prevent it
        ("- flask-wtf: 유효성 검증이나 CSRF에 대처하기 위한 폼을 작성하는 확장", "how"),
        ("- kernel_regularizer: 과적합 방지 (L1/L2)", "how"),
        ("- 1초 후의 변화율을 알고싶을 때, 기울기를 구해야한다", "when"),
        ("- 한계 : 긴 시퀀스 학습이 어렵고 속도가 느림", "why"),
        ("- 정확도(Accuracy), 정밀도(Precision), 재현율(Recall)은 모두 성능 지표이다.", "list"),
        ("- 최댓값을 남기는 맥스 풀링이 가장 흔하고, 평균을 남기는 평균 풀링도 있다.", "list"),
        # a thing said as the case it is
        ("- 놓친 양성을 왜 놓쳤는지 다시 따져 봐야 하는 경우이다.", "when"),
    ],
)
def test_a_line_answers_a_kind_by_its_wording_or_its_term(line: str, kind: str) -> None:
    (unit,) = unit_records("x.md", 9, f"## 주제\n{line}\n", 900)
    assert answers_kind(unit, kind)


def test_a_means_written_before_the_doing_asked_says_how() -> None:
    note = "## 주제\n- 이미지를 숫자의 행렬로 바꿔서 이해하는 것을 의미함.\n"
    (unit,) = unit_records("x.md", 9, note, 900)
    assert answers_kind(unit, "how", "CNN은 이미지를 어떤 식으로 이해해?")
    assert answers_kind(unit, "how", "CNN은 이미지를 어떤 식으로 이해함?")  # as chat ends it
    # (of another doing, it says nothing of how)
    assert not answers_kind(unit, "how", "CNN은 이미지를 어떻게 분류해?")


def test_a_means_then_the_doing_asked_says_how() -> None:
    note = "## 장고\n- DRF를 추가 설치함으로서 웹 앱뿐만 아닌 REST API를 간단히 만들 수 있음\n"
    (unit,) = unit_records("x.md", 9, note, 900)
    assert answers_kind(unit, "how", "장고로 REST API는 어떻게 만들어?")
    # (of another doing, it says nothing of how)
    assert not answers_kind(unit, "how", "장고로 REST API는 어떻게 배포해?")


def test_a_measure_said_as_a_share_says_how_it_is_worked_out() -> None:
    note = "## 정밀도\n- 양성이라고 예측한 것 중에 실제로 맞은 비율\n"
    (unit,) = unit_records("x.md", 9, note, 900)
    assert answers_kind(unit, "how", "정밀도는 어떻게 계산해?")
    # how one does a thing is not asked by a share
    assert not answers_kind(unit, "how", "정밀도는 어떻게 높여?")


def test_a_case_it_suits_says_no_why() -> None:
    (unit,) = unit_records(
        "x.md", 9, "## 주제\n- 이상치가 많이 포함되었을 때 사용하면 좋다.\n", 900
    )
    assert not answers_kind(unit, "why")


@pytest.mark.parametrize(
    "line", ["- 입력이 작으면 출력도 작아질 수도 있다.", "- 학습이 느려지고, 가끔 멈출 때도 있다."]
)
def test_a_line_that_only_may_happen_lists_nothing(line: str) -> None:
    (unit,) = unit_records("x.md", 9, f"## 주제\n{line}\n", 900)
    assert not answers_kind(unit, "list")


PEOPLE_NOTE = """## 딥러닝의 선구자
- 제프리 힌턴 (Geoffrey Hinton) - 영국
    - MLP, 역전파 알고리즘
- 요수아 벤지오(Yoshua Bengio) - 프랑스
    - GAN(Generative Adversarial Nets) : AI 그림 생성의 시초
"""


@pytest.mark.parametrize(
    ("question", "person", "work"),
    [
        ("역전파 알고리즘은 누가 만들었어?", "제프리 힌턴 (Geoffrey Hinton)", "역전파 알고리즘"),
        ("GAN은 누구 연구야?", "요수아 벤지오(Yoshua Bengio)", "AI 그림 생성의 시초"),
    ],
)
def test_who_names_the_person_a_work_is_written_under(question, person, work) -> None:
    passage = Passage(6, "people.md", "딥러닝의 선구자", PEOPLE_NOTE, 1.0)
    notes = ([passage], {6: unit_records("people.md", 6, PEOPLE_NOTE, 500)})
    first = _answer_over(notes, question)[0]
    assert first.startswith(f"{person}: ") and work in first


@pytest.mark.parametrize(
    "question",
    [
        "요수아 벤지오는 뭘로 유명해?",
        "요수아 벤지오는 뭐 한 사람이야?",
        "요수아 벤지오 업적 정리해줘",
    ],
)
def test_what_a_person_did_leads_before_where_they_are_from(question: str) -> None:
    passage = Passage(6, "people.md", "딥러닝의 선구자", PEOPLE_NOTE, 1.0)
    notes = ([passage], {6: unit_records("people.md", 6, PEOPLE_NOTE, 500)})
    lines = _answer_over(notes, question)
    assert (
        lines[0].startswith("요수아 벤지오(Yoshua Bengio): ") and "AI 그림 생성의 시초" in lines[0]
    )
    assert "- 요수아 벤지오(Yoshua Bengio): 프랑스. [1]" in lines[1:]


def test_where_a_person_is_from_still_leads_when_asked() -> None:
    passage = Passage(6, "people.md", "딥러닝의 선구자", PEOPLE_NOTE, 1.0)
    notes = ([passage], {6: unit_records("people.md", 6, PEOPLE_NOTE, 500)})
    lines = _answer_over(notes, "요수아 벤지오는 어느 나라 사람이야?")
    assert lines[0] == "요수아 벤지오(Yoshua Bengio): 프랑스. [1]"


FRAMEWORKS = """## 웹 프레임워크
| 프레임워크 | 라이선스 | 초기 개발자 | 최초 릴리스 |
|---|---|---|---|
| 장고 | BSD License | Adrian Holovaty | 2005년 |
| 플라스크 | BSD License | Armin Ronacher | 2010년 |
"""


@pytest.mark.parametrize(
    ("question", "line", "row"),
    [
        (
            "플라스크 초기 개발자가 누구야?",
            "플라스크: 초기 개발자: Armin Ronacher. [1]",
            "- 플라스크: 라이선스: BSD License, 초기 개발자: Armin Ronacher, "
            "최초 릴리스: 2010년. [1]",
        ),
        (
            "장고 최초 릴리스는 언제야?",
            "장고: 최초 릴리스: 2005년. [1]",
            "- 장고: 라이선스: BSD License, 초기 개발자: Adrian Holovaty, 최초 릴리스: 2005년. [1]",
        ),
    ],
)
def test_a_table_answers_with_the_cell_asked_for_then_its_row(
    question: str, line: str, row: str
) -> None:
    passage = Passage(7, "web.md", "웹 프레임워크", FRAMEWORKS, 1.0)
    notes = ([passage], {7: unit_records("web.md", 7, FRAMEWORKS, 600)})
    assert _answer_over(notes, question) == [line, row]


def test_a_how_question_is_no_table_lookup() -> None:
    passage = Passage(7, "web.md", "웹 프레임워크", FRAMEWORKS, 1.0)
    notes = ([passage], {7: unit_records("web.md", 7, FRAMEWORKS, 600)})
    lines = _answer_over(notes, "플라스크 라이선스는 어떻게 적용돼?")
    # the notes say nothing of how: that first, then what they say of it (the cell)
    assert lines[0].startswith("노트에서 '플라스크 라이선스'에 대해 어떻게 하는지를")
    assert lines[1] == "플라스크: 라이선스: BSD License. [1]"
    assert lines[2:] == [
        "- 플라스크: 라이선스: BSD License, 초기 개발자: Armin Ronacher, 최초 릴리스: 2010년. [1]"
    ]


CONV_ARGUMENTS = """## Conv2D 인자
| 파라미터 | 설명 | 예시 / 기본값 |
|---|---|---|
| padding | 테두리 처리 방식 | "valid" (잘라냄), "same" (사이즈 유지) |
| strides | 필터 이동 간격 | (1, 1) |
"""


@pytest.mark.parametrize(
    "question",
    ["Conv2D padding 설명해줘", "padding은 뭘 정하는 거야 좀 설명해줘", "padding 설명 좀 해 줘"],
)
def test_explain_said_as_the_request_names_no_column(question: str) -> None:
    # "설명해줘" asks for the row, not for its cell under a column named "설명"
    passage = Passage(9, "conv.md", "Conv2D 인자", CONV_ARGUMENTS, 1.0)
    notes = ([passage], {9: unit_records("conv.md", 9, CONV_ARGUMENTS, 800)})
    first = _answer_over(notes, question)[0]
    assert first.startswith("padding: ") and "테두리 처리 방식" in first and '"same"' in first


WEB_NOTE = """## 웹
- 파이썬 웹 프레임워크
    - 장고 (django)
        - 특징
            - 파이썬 웹 프레임워크 중에서 가장 유명함
    - 플라스크 (flask)
        - 특징
            - 최소한의 기능만 제공하는 마이크로 웹 프레임워크
"""


def test_kinds_are_the_parts_the_notes_give_a_subject() -> None:
    passage = Passage(8, "web.md", "웹", WEB_NOTE, 1.0)
    notes = ([passage], {8: unit_records("web.md", 8, WEB_NOTE, 700)})
    lines = _answer_over(notes, "파이썬 웹 프레임워크 종류가 뭐가 있어?")
    assert lines == ["파이썬 웹 프레임워크: 장고 (django), 플라스크 (flask). [1]"]


REGRESSION_NOTE = """## 지도 학습
### 로지스틱 회귀
* 왜 사용할까?
    * 주어진 데이터에 대한 분류
### 선형 회귀
* `선형 회귀`
    * 독립 변수로 종속 변수를 예측하는 데 사용됨
    * `단순 선형 회귀`
        * 하나의 x 값으로 y 값을 설명할 수 있다면 단순 선형 회귀라고 한다.
    * `다중 선형 회귀`
        * x 값이 여러 개라면 다중 선형 회귀라고 한다.
"""
REGRESSION_GLOSSARY = """## 통계 용어
- 로지스틱 회귀 (분류 문제 / 범주)
    - S자 형태의 확률분포로 데이터를 최적화함
"""


def test_kinds_titled_in_one_note_are_listed_though_a_glossary_titles_one_again() -> None:
    # "회귀 분석 종류": 분석 is a general word, the kinds are titled "… 회귀"; the
    # glossary of another note that titles 로지스틱 회귀 again does not hide them
    passages = [
        Passage(21, "ml.md", "지도 학습", REGRESSION_NOTE, 1.0),
        Passage(22, "terms.md", "통계 용어", REGRESSION_GLOSSARY, 0.9),
    ]
    notes = (
        passages,
        {
            21: unit_records("ml.md", 21, REGRESSION_NOTE, 1100),
            22: unit_records("terms.md", 22, REGRESSION_GLOSSARY, 1150),
        },
    )
    lines = _answer_over(notes, "회귀 분석 종류 알려줘")
    assert lines[0] == "회귀 분석: 로지스틱 회귀, 선형 회귀, 단순 선형 회귀, 다중 선형 회귀. [1]"


DATA_NOTE = """## 기초
- 데이터
    - 스칼라 (scala)
        - 하나의 숫자를 의미
    - 벡터 (vector)
        - 숫자의 배열
"""


def test_each_kind_is_given_with_the_line_that_opens_it() -> None:
    passage = Passage(10, "basics.md", "기초", DATA_NOTE, 1.0)
    notes = ([passage], {10: unit_records("basics.md", 10, DATA_NOTE, 800)})
    assert _answer_over(notes, "데이터 종류는 뭐가 있어?") == [
        "데이터: 스칼라 (scala), 벡터 (vector). [1]",
        "- 스칼라 (scala): 하나의 숫자를 의미. [1]",
        "- 벡터 (vector): 숫자의 배열. [1]",
    ]


EPOCH_NOTE = """## 학습
- 1 에포크는 배치를 전체 한 번 도는 것을 의미함
- 에포크(epoch)는 모델이 전체 학습 데이터를 한 번 모두 학습한 횟수
- 고차원 데이터를 저차원(에포크) 데이터로 바꾸는 예시 문장이다.
"""


def test_a_sentence_opening_with_the_subject_in_parentheses_is_about_it() -> None:
    passage = Passage(11, "train.md", "학습", EPOCH_NOTE, 1.0)
    notes = ([passage], {11: unit_records("train.md", 11, EPOCH_NOTE, 1000)})
    lines = _answer_over(notes, "epoch가 정확히 뭐예요?")
    assert lines[0].startswith("에포크(epoch)는 모델이 전체 학습 데이터를")
    # a spelling in parentheses inside the sentence's opening is no topic of it
    assert not any("저차원" in line for line in lines[:1])


LEARNING_NOTE = """## 비지도 학습
- 비지도 학습
    - 비지도 학습은 정답 없이 훈련시키는 방식이다.
- 군집
    - 비슷한 데이터끼리 묶는 것
- 차원 축소
    - 특성을 줄여 데이터를 줄이는 방식

## 지도 학습 vs 비지도 학습
- 라벨의 유무
"""


def test_a_label_naming_both_sides_answers_a_comparison() -> None:
    passage = Passage(12, "learn.md", "비지도 학습", LEARNING_NOTE, 1.0)
    notes = ([passage], {12: unit_records("learn.md", 12, LEARNING_NOTE, 1100)})
    lines = _answer_over(notes, "지도 학습과 비지도 학습은 뭘로 구분해요?")
    assert lines[0] == "지도 학습 vs 비지도 학습: 라벨의 유무. [1]"
    # the kinds of a subject are its parts, never a bullet that restates it
    kinds = _answer_over(notes, "비지도 학습에는 어떤 종류가 있어?")
    assert kinds[0] == "비지도 학습: 군집, 차원 축소. [1]"
    # where the notes say it in a sentence, the sentence stands for that line
    said = LEARNING_NOTE.replace(
        "정답 없이 훈련시키는 방식이다.\n",
        "정답 없이 훈련시키는 방식이다.\n    - 비지도 학습에는 군집과 차원 축소가 있다.\n",
    )
    passage = Passage(12, "learn.md", "비지도 학습", said, 1.0)
    notes = ([passage], {12: unit_records("learn.md", 12, said, 1100)})
    kinds = _answer_over(notes, "비지도 학습 종류 뭐뭐 있어?")
    assert kinds[0] == "비지도 학습에는 군집과 차원 축소가 있다. [1]"
    assert kinds[1:] == [
        "- 군집: 비슷한 데이터끼리 묶는 것. [1]",
        "- 차원 축소: 특성을 줄여 데이터를 줄이는 방식. [1]",
    ]


OPTIMIZER_NOTE = """## 용어
- optimizer: 학습 중 가중치를 고치는 기법들 (adam이 흔한 예시)
"""


def test_a_term_in_another_spelling_is_found_wherever_search_ranked_it() -> None:
    # "옵티마이저" asked, "optimizer" written; its chunk was not among the hits
    units = unit_records("terms.md", 13, OPTIMIZER_NOTE, 1200)
    hit = Passage(14, "other.md", "다른 곳", "관련 없는 줄", 1.0)
    own = Passage(13, "terms.md", "용어", OPTIMIZER_NOTE, 0.1)
    analyzer = default_analyzer()
    selection = UnitSelector(analyzer).select(
        question="옵티마이저 예시 하나만 들어줄래?",
        kind="example",
        subjects=["옵티마이저"],
        hits=[hit],
        units_of=lambda p: units if p.chunk_id == 13 else [],
        units_about=lambda terms: [u for u in units if terms <= u.context_terms],
        passage_of={13: own, 14: hit}.get,
    )
    assert [c.unit.term for c in selection.units] == ["optimizer"]


PIONEER_NOTE = """## 딥러닝 연구자
- 앤드루 응(Andrew Ng) - 홍콩
    - 온라인 강의로 딥러닝을 대중에게 널리 알린 연구자
"""


def test_a_name_in_the_notes_own_loanword_spelling_is_found_wherever_search_ranked_it() -> None:
    # "앤드류" asked, "앤드루" written; its chunk was not among the hits
    units = unit_records("people.md", 15, PIONEER_NOTE, 1300)
    hit = Passage(16, "other.md", "다른 곳", "관련 없는 줄", 1.0)
    own = Passage(15, "people.md", "딥러닝 연구자", PIONEER_NOTE, 0.1)
    selection = UnitSelector(default_analyzer()).select(
        question="앤드류 응은 뭐 한 사람이야?",
        kind="who",
        subjects=["앤드류 응"],
        hits=[hit],
        units_of=lambda p: units if p.chunk_id == 15 else [],
        units_about=lambda terms: [u for u in units if terms <= u.context_terms],
        passage_of={15: own, 16: hit}.get,
    )
    assert any("온라인 강의로 딥러닝을" in c.unit.text for c in selection.units)


SEARCH_NOTE = """주요 파라미터
estimator: 튜닝할 머신러닝 모델입니다.
param_distributions: RandomSearchCV가 샘플링할 하이퍼파라미터 범위입니다.
cv: 교차 검증을 위한 폴드 수입니다.

- 에이전트:
    - 스스로 판단하고 행동하는 프로그램이다.
"""


def test_a_titled_run_of_terms_answers_what_there_is_in_the_notes_order() -> None:
    passage = Passage(15, "search.md", "", SEARCH_NOTE, 1.0)
    notes = ([passage], {15: unit_records("search.md", 15, SEARCH_NOTE, 1300)})
    lines = _answer_over(notes, "RandomSearchCV 쓸 때 설정하는 인자 뭐뭐 있어?")
    assert [line.split(":")[0].lstrip("- ").strip("`") for line in lines] == [
        "estimator",
        "param_distributions",
        "cv",
    ]
    # a label written with its colon ("에이전트:") is no "에이전트::" before its line
    agent = _answer_over(notes, "에이전트가 뭐야?")
    assert agent[0] == "에이전트: 스스로 판단하고 행동하는 프로그램이다. [1]"


CODEC_NOTE = """## 허깅 페이스
- 인코더: 인코딩 해주는 것
- 디코더: 디코딩 해주는 것
- 인코더와 디코더 두개 다 써야한다. (영한 사전과 한영 사전이 둘 다 필요하니까)
"""


def test_a_line_about_both_things_asked_leads_and_thin_lines_do_not_follow() -> None:
    passage = Passage(16, "hf.md", "허깅 페이스", CODEC_NOTE, 1.0)
    notes = ([passage], {16: unit_records("hf.md", 16, CODEC_NOTE, 1400)})
    lines = _answer_over(notes, "인코더랑 디코더를 왜 둘 다 써야 돼?")
    assert lines[0].startswith("허깅 페이스: 인코더와 디코더 두개 다 써야한다.")
    # "디코더: 디코딩 해주는 것" says too little to stand under the answer
    assert len(lines) == 1


MLP_NOTE = """## 다층 퍼셉트론 (MLP)
- 은닉층에 비선형 활성화 함수를 넣기 때문에 XOR 같은 비선형 문제도 풀 수 있다.
- 다층 퍼셉트론은 입력층과 출력층 사이에 하나 이상의 은닉층을 둔 신경망이다.
"""


def test_naming_both_things_asked_chooses_the_lead_and_keeps_its_support() -> None:
    passage = Passage(17, "mlp.md", "다층 퍼셉트론 (MLP)", MLP_NOTE, 1.0)
    notes = ([passage], {17: unit_records("mlp.md", 17, MLP_NOTE, 1500)})
    lines = _answer_over(notes, "MLP는 왜 XOR 문제를 풀 수 있어?")
    assert "XOR 같은 비선형 문제도" in lines[0]
    assert any("하나 이상의 은닉층" in line for line in lines[1:])


LAYERS_NOTE = """## 딥러닝
| 구분 | 구성 요소 | 설명 |
|---|---|---|
| 층 | 입력층 | 데이터를 받아들이는 층 |
| 층 | 은닉층 | 가중합을 계산해 활성화 함수에 넘기는 층 |
| 층 | 출력층 | 신경망의 최종 결괏값이 나오는 층 |
| 함수 | 손실 함수 | 오차를 측정하는 함수 |

- crossentropyloss: 손실함수이며, 분류에 쓰는 손실함수 라이브러리이다.
"""


def test_rows_sharing_the_asked_word_are_its_kinds_in_the_notes_order() -> None:
    passage = Passage(18, "dl.md", "딥러닝", LAYERS_NOTE, 1.0)
    notes = ([passage], {18: unit_records("dl.md", 18, LAYERS_NOTE, 1600)})
    lines = _answer_over(notes, "신경망 층은 어떤 것들로 나뉘어?")
    named = [n for line in lines for n in ("입력층", "은닉층", "출력층") if n in line]
    assert named == ["입력층", "은닉층", "출력층"]
    assert not any("손실 함수" in line for line in lines)
    # a row whose first cell is a category is named by the cell after it
    assert "오차를 측정하는 함수" in _answer_over(notes, "손실 함수가 뭐야?")[0]


LINEAR_NOTE = """## 회귀
- 독립 변수: 종속 변수를 설명하는 데 쓰는 입력 변수
- 독립 변수는 숫자 하나일 수도 있고, 여러 특성을 담은 벡터일 수도 있다.
"""


def test_what_a_question_adds_to_its_subject_picks_the_line() -> None:
    passage = Passage(20, "linear.md", "선형 회귀", LINEAR_NOTE, 1.0)
    notes = ([passage], {20: unit_records("linear.md", 20, LINEAR_NOTE, 1800)})
    lines = _answer_over(notes, "독립 변수는 벡터여도 돼?")
    assert "벡터일 수도 있다" in lines[0]


FLASK_NOTE = """## 웹
- 플라스크 (flask)
    - 플라스크는 파이썬으로 웹 서버를 만드는 마이크로 프레임워크이다.
    - 특징
        - 최소한의 규약만 있어 앱 구성을 자유롭게 결정할 수 있음
"""


def test_strengths_asked_lift_the_lines_under_them() -> None:
    analyzer = default_analyzer()
    selector = UnitSelector(analyzer)
    units = unit_records("web.md", 21, FLASK_NOTE, 1900)
    subjects = [({"flask"}, "플라스크")]
    q_weights = {"flask": 1.0, "장점": 1.0}
    assert _PROS.search("플라스크 장점은?") and not _PROS.search("특징 맵이 뭐야?")

    def score(unit: UnitRecord, pros: bool) -> float:
        return selector._score(unit, "definition", subjects, [1.0], q_weights, 0, pros=pros)[0]

    strength = next(u for u in units if u.text.startswith("최소한의 규약"))
    what = next(u for u in units if u.text.startswith("플라스크는"))
    assert score(strength, True) > score(strength, False)
    assert score(what, True) == score(what, False)
    assert score(strength, True) - score(what, True) > score(strength, False) - score(what, False)


def test_a_row_of_a_math_environment_never_stands() -> None:
    units = unit_records(
        "x.md",
        9,
        "## 거리\n$$\n\\begin{aligned}\n"
        "&n: \\text{데이터 집합 내 데이터 포인트의 수를 나타냄} \\\\\n"
        "\\end{aligned}\n$$\n- 두 데이터의 차를 제곱해 모두 더한 값이다.\n",
        950,
    )
    assert [u.text for u in units if standalone(u)] == ["두 데이터의 차를 제곱해 모두 더한 값이다."]


def test_a_sentence_with_a_formula_stands_and_bare_latex_does_not() -> None:
    sentence, bare = unit_records(
        "cnn.md",
        10,
        "## 합성곱\n"
        "- 출력 크기는 입력 I와 스트라이드 S로 O = \\lfloor (I + 2P) / S \\rfloor 처럼 계산한다.\n"
        "- O = \\lfloor (I + 2P) / S \\rfloor + 1\n",
        1000,
    )
    assert standalone(sentence) and not standalone(bare)


LEAN_NOTE = """## CNN을 쓰는 이유
- 이미지를 한 줄로 펼치면 첫 층의 가중치 수가 폭발적으로 늘어난다.
- CNN은 작은 필터를 이미지 전체에 재사용해서 이 문제를 해결한다.
"""


def test_a_line_that_refers_back_comes_after_what_it_refers_to() -> None:
    passage = Passage(11, "cnn.md", "CNN을 쓰는 이유", LEAN_NOTE, 1.0)
    notes = ([passage], {11: unit_records("cnn.md", 11, LEAN_NOTE, 1100)})
    lines = _answer_over(notes, "CNN이 뭐야?")
    assert "폭발적으로 늘어난다" in lines[0] and "이 문제를 해결한다" in lines[1]


def _notes(text: str) -> tuple[list[Passage], dict[int, list[UnitRecord]]]:
    return _ranked(("n.md", text))


def _ranked(*chunks: tuple[str, str]) -> tuple[list[Passage], dict[int, list[UnitRecord]]]:
    """(source, text) chunks as search ranked them, best first."""
    passages = [
        Passage(i, source, "", text, 1.0 - 0.1 * (i - 1))
        for i, (source, text) in enumerate(chunks, start=1)
    ]
    by_chunk = {
        i: unit_records(source, i, text, 100 * (i - 1))
        for i, (source, text) in enumerate(chunks, start=1)
    }
    return passages, by_chunk


def test_sides_set_side_by_side_under_another_label_are_compared_whole() -> None:
    # no label compares them; each side is a bullet of a few lines under a common one,
    # and a line naming the side outscores the one that says what it is
    notes = _notes(
        "## 규제 방법\n\n"
        "- L1 규제\n"
        "    - 가중치의 절댓값 합을 벌점으로 더한다.\n"
        "    - L1 규제는 일부 가중치를 0으로 만든다.\n"
        "- L2 규제\n"
        "    - 가중치의 제곱 합을 벌점으로 더한다.\n"
        "    - L2 규제는 가중치를 고르게 작게 만든다.\n"
    )
    lines = _answer_over(notes, "L1 규제랑 L2 규제 차이가 뭐야?")
    assert len(lines) == 2, lines
    assert "절댓값 합" in lines[0] and "0으로 만든다" in lines[0], lines
    assert "제곱 합" in lines[1] and "고르게" in lines[1], lines
    # asked how they differ in one respect, each side answers with its own lines
    lines = _answer_over(notes, "L1 규제랑 L2 규제는 쓰기 좋은 상황이 어떻게 달라?")
    assert not any("절댓값 합" in line and "0으로 만든다" in line for line in lines), lines


def test_sides_of_many_lines_under_another_label_are_not_read_as_one_line_each() -> None:
    notes = _notes(
        "## 규제 방법\n\n"
        "- L1 규제\n"
        + "".join(f"    - L1 규제는 가중치를 {n}번째 방식으로 줄인다.\n" for n in range(1, 5))
        + "- L2 규제\n"
        + "".join(f"    - L2 규제는 가중치를 {n}번째 방식으로 누른다.\n" for n in range(1, 5))
    )
    lines = _answer_over(notes, "L1 규제랑 L2 규제 차이가 뭐야?")
    assert all(line.count("방식으로") == 1 for line in lines), lines
    # nor sides of a few long lines
    long = (
        "가중치를 줄이는 방식으로 모델이 훈련 데이터에 지나치게 맞춰지는 것을 막아 주며, "
        "그 덕분에 처음 보는 데이터에서도 성능이 크게 떨어지지 않는다고 수업에서 배웠다"
    )
    notes = _notes(
        "## 규제 방법\n\n"
        + "".join(f"- {side} 규제\n    - {long}.\n    - {long}.\n" for side in ("L1", "L2"))
    )
    lines = _answer_over(notes, "L1 규제랑 L2 규제 차이가 뭐야?")
    assert all(line.count("방식으로") == 1 for line in lines), lines


def test_the_row_a_comparison_is_asked_in_is_not_repeated_as_a_side() -> None:
    notes = _notes(
        "## 순환 계열 vs 트랜스포머 계열\n\n| 항목 | RNN / LSTM | 트랜스포머 |\n|---|---|---|\n"
        "| 처리 방식 | 한 단어씩 차례로 | 문장 전체를 한 번에 |\n| 병렬 처리 | 어렵다 | 쉽다 |\n\n"
        "- RNN/LSTM: 앞 단어를 들어야 다음 단어를 안다.\n"
        "- 트랜스포머: 문장 전체를 보고 관계를 찾는다.\n"
    )
    lines = _answer_over(notes, "RNN이랑 트랜스포머의 병렬 처리 차이")
    assert lines[0].startswith("병렬 처리: RNN / LSTM: 어렵다"), lines
    assert sum("어렵다" in line for line in lines) == 1, lines


def test_one_line_that_compares_every_side_leads_a_comparison() -> None:
    notes = _notes(
        "## 딥러닝 (머신러닝 포함) 정리\n\n"
        "- 분류 모델: 딥러닝에서 데이터를 나누는 모델이다.\n"
        "- 생성 모델: 딥러닝에서 데이터를 만드는 모델이다.\n"
        "- 머신러닝에서 모델은 파일이고, 딥러닝에서 모델은 구조이다.\n"
        "- 비지도 학습은 레이블 없이 머신러닝 모델을 훈련시키는 방식이다.\n"
    )
    lines = _answer_over(notes, "머신러닝이랑 딥러닝에서 모델이라는 말이 뜻하는 게 달라?")
    # the lines under the heading name every side through it; this one in its own words
    assert "머신러닝에서 모델은 파일이고" in lines[0]
    # "지도 학습" inside "비지도 학습" names no side of its own
    lines = _answer_over(
        _notes(
            "## 학습\n\n- 비지도 학습은 레이블 없이 훈련시키는 방식이다.\n"
            "- 지도 학습 vs 비지도 학습: 라벨의 유무\n"
        ),
        "지도 학습과 비지도 학습은 뭘로 구분해요?",
    )
    assert "라벨의 유무" in lines[0]


def test_a_comparison_leads_with_the_line_that_sets_the_sides_against_each_other() -> None:
    notes = _notes(
        "## 통계\n\n"
        "- 로지스틱 회귀 (분류 문제) - 회귀 분석으로 분류 문제를 푸는 방법이다.\n"
        "- 결론 회귀는 연속적인 값을 예측하는데 사용 / 분류는 이산적인 값을 예측하는데 사용\n"
    )
    # the first line names both sides in passing; the second has each as a topic
    lines = _answer_over(notes, "회귀랑 분류는 예측하는 게 어떻게 달라?")
    assert "결론 회귀는 연속적인" in lines[0]
    # after the line about both, a side's own line about it
    notes = _notes(
        "## 학습\n\n- 지도 학습 vs 비지도 학습: 지도 학습은 라벨이 있고 비지도 학습은 없다.\n\n"
        "## 비지도 학습\n\n- 비지도 학습은 정답이 없는 상태에서 훈련시키는 방식이다.\n"
    )
    text = "\n".join(_answer_over(notes, "비지도 학습은 지도 학습이랑 뭐가 다른 거야?"))
    assert "라벨이 있고" in text and "정답이 없는 상태에서" in text


def test_a_line_that_equates_its_subject_with_something_defines_it() -> None:
    from chatbot.answering.select import _opens_with

    line = "특징 맵 = CNN이 이미지에서 의미 있는 정보를 숫자로 추출해낸 결과물입니다."
    assert _opens_with(line, {"특징맵"})  # a sentence about 특징 맵, as "특징 맵은 …" is
    assert not _opens_with("filters: 커널의 개수 → 특징 맵의 개수", {"특징맵"})
    notes = _notes(f"## 합성곱 계층\n\n- 특징 맵을 추출한다.\n    - {line}\n")
    assert "특징 맵 = CNN이" in _answer_over(notes, "CNN에서 특징 맵이 뭔데?")[0]


def test_each_side_of_a_comparison_leads_with_a_line_that_says_enough() -> None:
    notes = _notes(
        "## 벡터\n\n- sparse: 희소하다\n- dense: 밀집되어 있다\n\n"
        "## 임베딩 벡터\n\n- sparse - 대부분의 값이 0인 긴 벡터이다.\n"
        "- dense - 대부분의 값이 0이 아닌 짧은 실수 벡터이다.\n"
    )
    lines = _answer_over(notes, "sparse랑 dense 차이가 뭐야?")
    text = "\n".join(lines)
    assert "대부분의 값이 0인 긴 벡터" in text and "0이 아닌 짧은 실수 벡터" in text


def test_a_list_question_reads_the_rows_its_word_names_not_the_whole_table() -> None:
    notes = _notes(
        "## Conv2D 인자 값 설명\n\n| 인자 | 설명 | 기본값 |\n|---|---|---|\n"
        "| filters | 커널의 개수 | 32 |\n| kernel_size | 커널의 크기 | (3, 3) |\n"
        "| padding | 테두리 처리 방식 | valid |\n| activation | 활성화 함수 | relu |\n"
        "| kernel_regularizer | 과적합 방지 (L1/L2) | 선택 사항 |\n"
        "| bias_regularizer | 바이어스에 정규화 적용 | 선택 사항 |\n"
        "| activity_regularizer | 출력값 정규화 | 거의 안 씀 |\n"
    )
    lines = _answer_over(notes, "Conv2D regularizer 인자 종류 알려줘")
    assert [line.split(":")[0].lstrip("- ").strip("`") for line in lines] == [
        "kernel_regularizer",
        "bias_regularizer",
        "activity_regularizer",
    ]


def test_a_subject_reads_as_the_question_has_it() -> None:
    from vector_store.analysis import KoreanAnalyzer

    analyzer = KoreanAnalyzer(aliases_path=None)  # without the alias that fixes 보틀
    question = "보틀은 왜 그렇게 가볍다고 하는 거야?"
    assert analyzer.terms("보틀") == ["보", "틀"]  # alone, Kiwi splits it
    selector = UnitSelector(analyzer)
    assert selector._subject_terms("보틀", set(analyzer.terms(question))) == {"보틀"}
    assert selector._subject_terms("배치 정규화", {"배치", "정규화"}) == {"배치", "정규화"}


def test_a_line_about_a_longer_name_speaks_of_another_thing() -> None:
    from chatbot.answering.select import _longer_name

    assert _longer_name("선형회귀 (직선 / 선형 연속적인 숫자값)", "회귀")
    assert not _longer_name("회귀", "회귀")
    assert not _longer_name("토크나이저 = 토큰화", "토큰화")  # one of its names
    notes = _notes(
        "## 통계적 개념\n\n- 선형회귀 - 독립변수와 종속변수 사이의 선형관계로 회귀선을 찾는다.\n"
        "- 로지스틱 회귀 - 변수 사이의 상관관계로 회귀 분석을 해서 분류한다.\n\n"
        "## 회귀\n\n- 회귀\n"
        "    - 한 변수에서 다른 변수를 예측하거나 두 변수의 관계를 규명하는 방법\n"
    )
    assert "두 변수의 관계를 규명" in _answer_over(notes, "회귀가 정확히 뭐야?")[0]


STEPS_NOTE = """## 군집
* `K-평균`
    * 데이터를 몇 개의 그룹으로 묶는 알고리즘
* `학습 과정`
    * `시작점 고르기`
        * 무작위로 첫 중심을 고른다
    * `묶기`
        * 가장 가까운 중심에 데이터를 붙인다
        * 한 묶음을 클러스터라 부른다
    * `중심 다시 계산`
        * 묶음마다 중심을 새로 구한다
"""


TWO_PROCEDURES_NOTE = """## 군집
### K-평균
* `K-평균`
    * 데이터를 몇 개의 그룹으로 묶는 알고리즘
* `학습 과정`
    * `시작점 고르기`
        * 무작위로 첫 중심을 고른다
    * `묶기`
        * 가장 가까운 중심에 데이터를 붙인다
    * `중심 다시 계산`
        * 묶음마다 중심을 새로 구한다
### DBSCAN
* `DBSCAN`
    * 밀도로 군집을 만드는 방법
* `군집 절차`
    * `이웃 세기`
        * 반경 안의 점을 센다
    * `군집 넓히기`
        * 이웃이 많은 점에서 군집을 넓힌다
"""


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # the title's other word is asked ("학습"), or how it works is asked
        ("K-평균은 어떻게 학습해?", "학습 과정: 시작점 고르기, 묶기, 중심 다시 계산. [1]"),
        ("K-평균은 어떻게 동작해?", "학습 과정: 시작점 고르기, 묶기, 중심 다시 계산. [1]"),
        ("DBSCAN은 어떻게 작동해?", "군집 절차: 이웃 세기, 군집 넓히기. [1]"),
    ],
)
def test_how_a_thing_works_is_the_procedure_under_its_own_title(question, first) -> None:
    passage = Passage(31, "cluster.md", "군집", TWO_PROCEDURES_NOTE, 1.0)
    notes = ([passage], {31: unit_records("cluster.md", 31, TWO_PROCEDURES_NOTE, 1200)})
    lines = _answer_over(notes, question)
    assert lines[0] == first
    assert len(lines) == first.count(",") + 2  # each step follows, none of the other's


def test_a_how_question_naming_a_procedure_label_reads_its_steps_in_order() -> None:
    passage = Passage(12, "cluster.md", "군집", STEPS_NOTE, 1.0)
    notes = ([passage], {12: unit_records("cluster.md", 12, STEPS_NOTE, 900)})
    lines = _answer_over(notes, "K-평균 학습 과정은 단계별로 어떻게 돼?")
    assert lines[0] == "학습 과정: 시작점 고르기, 묶기, 중심 다시 계산. [1]"
    assert lines[1:] == [
        "- 시작점 고르기: 무작위로 첫 중심을 고른다 [1]",
        # a step's own lines read together
        "- 묶기: 가장 가까운 중심에 데이터를 붙인다. 한 묶음을 클러스터라 부른다. [1]",
        "- 중심 다시 계산: 묶음마다 중심을 새로 구한다 [1]",
    ]


SIDES_NOTE = """## 레이아웃
* 여백 인자
    * left_margin: 왼쪽 여백
* 화면 구조
    * right_margin: 오른쪽 여백
"""


def test_each_side_of_a_comparison_is_the_line_that_names_it_whole() -> None:
    # both lines share "margin": each side still gets the line that names it
    passage = Passage(13, "layout.md", "레이아웃", SIDES_NOTE, 1.0)
    notes = ([passage], {13: unit_records("layout.md", 13, SIDES_NOTE, 950)})
    lines = _answer_over(notes, "left_margin이랑 right_margin 차이가 뭐야")
    assert any("left_margin" in line for line in lines)
    assert any("right_margin" in line for line in lines)


def test_settings_named_by_a_korean_term_stand_alone() -> None:
    settings = UnitRecord(
        unit_id=1, chunk_id=1, source="k.md", line=3, labels=(), heading_depth=0,
        kind="term", term="이진 출력", context="", text="output ='tanh', cost='hinge'", ask="",
        terms=frozenset({"output", "tanh", "cost", "hinge"}), context_terms=frozenset(),
    )  # fmt: skip
    assert standalone(settings)
    assert not standalone(replace(settings, kind="item", term=""))  # code alone does not


THIN_NOTE = """## 용어
* 행렬 용어
    * sparse: 희소하다
"""


def test_one_thin_line_is_said_to_be_all_the_notes_hold() -> None:
    passage = Passage(14, "terms.md", "용어", THIN_NOTE, 1.0)
    notes = ([passage], {14: unit_records("terms.md", 14, THIN_NOTE, 990)})
    lines = _answer_over(notes, "sparse는 왜 써?")
    assert lines == [
        "노트에는 'sparse'에 대해 왜 쓰는지는 따로 적혀 있지 않고, "
        "'sparse: 희소하다'라고만 적혀 있어요. [1]"
    ]
    # when it is what was asked, the line is the answer as it stands
    assert _answer_over(notes, "sparse는 뭐야?") == ["sparse: 희소하다 [1]"]
    # a narrower thing asked of it than its kind ("한계", "단점") is named as asked
    assert _answer_over(notes, "sparse의 한계는?") == [
        "노트에는 'sparse'에 대해 한계는 따로 적혀 있지 않고, "
        "'sparse: 희소하다'라고만 적혀 있어요. [1]"
    ]
    assert _answer_over(notes, "sparse 단점은?")[0].startswith("노트에는 'sparse'에 대해 단점은 ")


GLOSSARY_NOTE = """## 용어
* 행렬 용어
    * sparse: 대부분의 값이 0인 희소한 행렬
    * dense: 대부분의 값이 채워진 밀집된 행렬
"""


def test_another_entry_of_a_glossary_does_not_follow_the_one_asked_about() -> None:
    passage = Passage(15, "terms.md", "용어", GLOSSARY_NOTE, 1.0)
    notes = ([passage], {15: unit_records("terms.md", 15, GLOSSARY_NOTE, 995)})
    assert _answer_over(notes, "sparse는 뭐야?") == ["sparse: 대부분의 값이 0인 희소한 행렬. [1]"]
    # asked for the list, the entries are read together
    lines = _answer_over(notes, "행렬 용어 종류 알려줘")
    assert any("sparse:" in line for line in lines) and any("dense:" in line for line in lines)


METRICS_NOTE = """## 정밀도 vs 재현률
- 정밀도(Precision)와 재현율(Recall)은 분류 모델을 재는 서로 다른 지표이다.
- 정밀도
    - 양성이라고 예측한 것 가운데 실제로 양성인 비율이다.
- 재현률
    - 실제 양성 가운데 모델이 양성이라고 찾아낸 비율이다.
- 퍼셉트론
    - 입력에 가중치를 곱해 더하는 가장 단순한 신경망 구조이다.
"""


def test_a_comparison_reads_each_side_in_any_spelling_and_nothing_else() -> None:
    passage = Passage(16, "metrics.md", "정밀도 vs 재현률", METRICS_NOTE, 1.0)
    notes = ([passage], {16: unit_records("metrics.md", 16, METRICS_NOTE, 1000)})
    text = "\n".join(_answer_over(notes, "정밀도랑 재현율 차이가 뭐야?"))
    assert "실제 양성 가운데" in text  # the side written 재현률 in the notes
    assert "퍼셉트론" not in text  # under the same heading, about neither side


TERSE_SIDES_NOTE = """## eager vs lazy
- eager: 곧바로 계산한다.
- lazy: 값이 필요할 때까지 계산을 미뤄 두었다가 한 번에 처리한다.
- 컴파일러: 소스 코드를 기계어로 옮겨 실행 파일을 만든다.
"""


def test_a_side_said_in_few_words_is_still_its_own_line() -> None:
    passage = Passage(18, "eval.md", "eager vs lazy", TERSE_SIDES_NOTE, 1.0)
    notes = ([passage], {18: unit_records("eval.md", 18, TERSE_SIDES_NOTE, 1020)})
    text = "\n".join(_answer_over(notes, "eager랑 lazy 차이가 뭐야?"))
    assert "곧바로 계산한다" in text and "미뤄 두었다가" in text
    # a fuller line under the same heading, of neither side, does not stand in for one
    assert "컴파일러" not in text


PAIR_TITLE_NOTE = """## 가지치기와 앙상블
- 가지치기(pruning)는 트리가 너무 깊게 자라지 않도록 쓸모없는 가지를 잘라 내는 방법이다.
- 깊이 제한이나 잎 노드의 최소 샘플 수로 얼마나 자를지 조절한다.
- 앙상블(ensemble)은 여러 모델의 예측을 모아 하나의 결과를 내는 방법이다.
- 배깅과 부스팅이 대표적인 방식으로 널리 쓰인다.
"""


@pytest.mark.parametrize(
    ("message", "said", "unsaid"),
    [
        ("가지치기는 뭐야?", "깊이 제한이나", "배깅과 부스팅"),
        ("앙상블은 뭐야?", "배깅과 부스팅", "깊이 제한이나"),
    ],
)
def test_under_a_title_of_two_things_the_answer_keeps_to_the_one_asked(
    message: str, said: str, unsaid: str
) -> None:
    passage = Passage(19, "trees.md", "가지치기와 앙상블", PAIR_TITLE_NOTE, 1.0)
    notes = ([passage], {19: unit_records("trees.md", 19, PAIR_TITLE_NOTE, 1030)})
    text = "\n".join(_answer_over(notes, message))
    # the lines after the one that names it go on about it, up to the other thing's
    assert said in text
    assert unsaid not in text


RESIDUAL_NOTE = """## 잔차 연결
- 잔차 연결은 층의 입력을 출력에 그대로 더해 주는 구조로, ResNet에서 처음 쓰였다.
- 역전파 기울기는 층이 많으면 앞쪽까지 잘 전달되지 않으므로, 입력을 건너뛰는 길을 만든다.
"""


def test_why_is_led_by_the_line_that_says_why_whatever_its_topic() -> None:
    passage = Passage(20, "resnet.md", "잔차 연결", RESIDUAL_NOTE, 1.0)
    notes = ([passage], {20: unit_records("resnet.md", 20, RESIDUAL_NOTE, 1040)})
    lines = _answer_over(notes, "잔차 연결은 왜 필요해?")
    # under a title of one thing, a line with a topic of its own still speaks of it
    assert "전달되지 않으므로" in lines[0]


LABELS_NOTE = """## 원-핫 벡터
- 범주형 값을 숫자로 표현하는 흔한 방법을 말한다.
- 한 칸만 1이고 나머지는 모두 0으로 표현하는 방식이다.

| 과일 | 정수 라벨 | 원-핫 벡터 |
|---|---|---|
| 사과 | 0 | [1, 0, 0] |
| 배 | 1 | [0, 1, 0] |
| 귤 | 2 | [0, 0, 1] |
- 범주가 세 개이므로 위 벡터들은 모두 세 칸이다.
"""


def test_how_a_thing_is_written_is_the_cell_of_its_row_under_the_column_named() -> None:
    passage = Passage(21, "labels.md", "원-핫 벡터", LABELS_NOTE, 1.0)
    notes = ([passage], {21: unit_records("labels.md", 21, LABELS_NOTE, 1050)})
    lines = _answer_over(notes, "원핫 벡터에서 사과는 어떻게 표현해?")
    assert lines[0].startswith("사과: 원-핫 벡터: [1, 0, 0]")
    assert len(lines) == 1  # the cell asked for is the whole answer, not the section


def test_a_row_that_names_the_subject_only_as_its_column_does_not_lead_why() -> None:
    passage = Passage(21, "labels.md", "원-핫 벡터", LABELS_NOTE, 1.0)
    notes = ([passage], {21: unit_records("labels.md", 21, LABELS_NOTE, 1050)})
    lines = _answer_over(notes, "원핫 벡터는 왜 써?")
    # "사과 | 0 | [1, 0, 0]" shows a value under the column 원-핫 벡터; the line that
    # says what it is for leads
    assert "범주형 값을 숫자로" in lines[0]


LOADER_NOTE = """## 이미지 불러오기
- `color_space`: 타입: str, 기본값: 'rgb', 설명: 'rgb', 'hsv', 'lab' 중 하나.
- `resize_to`: 타입: tuple, 기본값: (128, 128), 설명: 불러온 뒤 맞출 크기.
"""


def test_kinds_listed_on_the_subjects_own_line_answer_a_list() -> None:
    passage = Passage(22, "loader.md", "이미지 불러오기", LOADER_NOTE, 1.0)
    notes = ([passage], {22: unit_records("loader.md", 22, LOADER_NOTE, 1060)})
    lines = _answer_over(notes, "color_space 종류 알려줘")
    # the values it takes are its kinds: no "not written" header before them
    assert lines[0].startswith("`color_space`:") and "'hsv', 'lab'" in lines[0]


TABLE_NOTE = """## 레이어
Dense 인자 값 설명

| 인자 | 설명 |
|---|---|
| units | 출력 뉴런의 수 |
| activation | 적용할 활성화 함수 |
| use_bias | 편향을 더할지 여부 |
"""


def test_the_rows_of_a_table_asked_for_as_kinds_answer_it() -> None:
    passage = Passage(17, "layers.md", "레이어", TABLE_NOTE, 1.0)
    notes = ([passage], {17: unit_records("layers.md", 17, TABLE_NOTE, 1010)})
    lines = _answer_over(notes, "Dense 인자 종류 알려줘")
    assert not _denies(lines[0])  # the kinds asked for are there
    names = [line.split(":")[0].lstrip("- ").strip("`") for line in lines]
    assert names == ["units", "activation", "use_bias"]


PARAMS_NOTE = """## 튜닝

* GridSearchCV

주요 파라미터
estimator: 사용할 머신러닝 모델입니다.
param_grid: 하이퍼파라미터 후보 값들의 딕셔너리입니다.
cv: 교차 검증을 위한 폴드 수입니다. 예를 들어, cv=5는 5-겹 교차 검증입니다.
n_jobs: 사용할 CPU 코어의 수입니다.
verbose: 출력의 자세함 정도를 설정합니다.
scoring: 모델 성능을 평가할 기준을 설정합니다.
refit: 최적의 조합으로 모델을 다시 학습할지 여부입니다.
"""


def test_a_run_of_terms_two_chunks_split_is_read_whole() -> None:
    units = unit_records("tuning.md", 40, PARAMS_NOTE, 1200)
    first = [replace(u, chunk_id=40) for u in units if u.line <= 8]
    second = [replace(u, chunk_id=41) for u in units if u.line > 8]
    passages = [
        Passage(40, "tuning.md", "튜닝", PARAMS_NOTE, 1.0),
        Passage(41, "tuning.md", "튜닝", PARAMS_NOTE, 0.9),
    ]
    notes = (passages, {40: first, 41: second})
    lines = _answer_over(notes, "GridSearchCV 주요 파라미터 다 알려줘")
    names = [line.split(":")[0].lstrip("- ").strip("`") for line in lines]
    assert names == ["estimator", "param_grid", "cv", "n_jobs", "verbose", "scoring", "refit"]


CODE_NOTE = """## 업로드 서비스
* 업로드한 파일은 서버 폴더에 저장한다.

```python
# 업로드 폴더를 앱 안으로 고정
SAVE_DIR = os.path.join(BASE_DIR, "saved")
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
)
```
"""


def test_a_name_only_the_code_holds_is_answered_by_quoting_the_code() -> None:
    passage = Passage(30, "service.md", "업로드 서비스", CODE_NOTE, 1.0)
    notes = ([passage], {30: unit_records("service.md", 30, CODE_NOTE, 950)})
    lines = _answer_over(notes, "SAVE_DIR은 어디로 잡혀 있어?")
    assert lines == [
        "노트의 코드 중 '업로드 폴더를 앱 안으로 고정' 부분에 이렇게 적혀 있어요. [1]",
        "```",
        'SAVE_DIR = os.path.join(BASE_DIR, "saved")',
        "```",
    ]
    # a statement over several lines is quoted whole
    lines = _answer_over(notes, "코드에서 allow_origins는 어떻게 줬어?")
    assert lines[1:] == [
        "```", "app.add_middleware(", "    CORSMiddleware,", '    allow_origins=["*"],', ")", "```",
    ]  # fmt: skip
    # a question the prose answers gets the prose, never a line of code
    lines = _answer_over(notes, "업로드한 파일은 어디에 저장해?")
    assert lines == ["업로드 서비스: 업로드한 파일은 서버 폴더에 저장한다. [1]"]


THUMBNAIL_NOTE = """## 썸네일 서비스
```python
@router.post("/thumbnail")
async def make_thumbnail(request: ThumbRequest):
    \"\"\"
    썸네일 이미지를 만듭니다.
    - **gray**: 흑백 변환 여부
    \"\"\"
    image = load_image(request.path)
    if request.gray:
        image = to_gray(image)
    return save_image(image)
```
"""


def test_when_the_code_does_a_thing_is_the_condition_it_tests() -> None:
    passage = Passage(31, "thumb.md", "썸네일 서비스", THUMBNAIL_NOTE, 1.0)
    notes = ([passage], {31: unit_records("thumb.md", 31, THUMBNAIL_NOTE, 960)})
    lines = _answer_over(notes, "썸네일 이미지에 흑백은 언제 적용돼?")
    assert "    if request.gray:" in lines or "if request.gray:" in lines


HEAPSORT_NOTE = """## 힙 정렬
- 힙 정렬은 정렬 과정을 눈으로 따라가기 어렵지만 추가 메모리가 거의 필요 없다는 장점이 있다.
- 매번 뿌리를 꺼낸 뒤에는 남은 원소로 힙을 다시 맞추며 교환을 이어 간다.
"""


def test_how_is_not_led_by_a_line_that_only_names_a_process() -> None:
    passage = Passage(33, "sort.md", "힙 정렬", HEAPSORT_NOTE, 1.0)
    notes = ([passage], {33: unit_records("sort.md", 33, HEAPSORT_NOTE, 980)})
    lines = _answer_over(notes, "힙 정렬은 교환을 어떻게 이어 가?")
    # "정렬 과정을 눈으로 따라가기" names a process; the line that says what is asked leads
    assert "교환을 이어 간다" in lines[0]


PRACTICE_STEPS_NOTE = """## 실습 순서
* keras code
    * 이미지 불러오기
    * 픽셀 값 정규화
    * 모델 층 쌓기
    * 컴파일
    * 학습 돌리기
* 복습
"""


def test_what_comes_next_is_the_entries_after_the_one_named() -> None:
    passage = Passage(34, "steps.md", "실습 순서", PRACTICE_STEPS_NOTE, 1.0)
    notes = ([passage], {34: unit_records("steps.md", 34, PRACTICE_STEPS_NOTE, 990)})
    text = "\n".join(_answer_over(notes, "픽셀 값 정규화 다음 단계는 뭐야?"))
    assert "모델 층 쌓기" in text and "컴파일" in text and "학습 돌리기" in text
    assert "이미지 불러오기" not in text  # before it, not after


GATEWAY_NOTE = """## 서버 설정
```python
# 로깅 설정
logger = logging.getLogger("gateway_api")

# 환경 변수 로드
load_dotenv()
```
"""


def _selection_with_roles(note: str, question: str) -> Selection:
    """What the selector picks from one passage, with the subjects' roles as the chain
    gives them (where a subject belongs, "gateway 코드에서", counts less)."""
    passage = Passage(32, "n.md", "", note, 1.0)
    units = unit_records("n.md", 32, note, 970)
    analyzer = default_analyzer()
    roles = analyzer.subject_roles(question)
    return UnitSelector(analyzer).select(
        question=question,
        kind=question_kind(question),
        subjects=[phrase for phrase, _ in roles],
        hits=[passage],
        units_of=lambda p: units,
        passage_of={32: passage}.get,
        domains=frozenset(phrase for phrase, role in roles if role == "domain"),
    )


def test_where_the_code_stands_names_its_lines_less_than_what_is_asked() -> None:
    selection = _selection_with_roles(GATEWAY_NOTE, "gateway 코드에서 환경 변수는 어떻게 불러와?")
    # the line under "환경 변수 로드", not the one that says gateway in its own words
    assert [c.unit.text for c in selection.units] == ["load_dotenv()"]


def test_a_follow_up_to_quoted_code_is_answered_from_the_code() -> None:
    passage = Passage(31, "service.md", "업로드 서비스", CODE_NOTE, 1.0)
    units = unit_records("service.md", 31, CODE_NOTE, 960)
    analyzer = default_analyzer()
    question = "업로드 폴더는 어떻게 잡았어?"

    def answer(quoted: frozenset[str]) -> list[str]:
        selection = UnitSelector(analyzer).select(
            question=question,
            kind=question_kind(question),
            subjects=analyzer.subjects(question),
            hits=[passage],
            units_of=lambda p: units,
            passage_of={31: passage}.get,
            quoted=quoted,
        )
        return render_answer(selection, kind="how", topic="업로드 폴더").lines

    before = frozenset({"app.add_middleware("})
    assert 'SAVE_DIR = os.path.join(BASE_DIR, "saved")' in answer(before)
    assert "```" not in answer(frozenset())


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("9월 5일 수업에서 뭐 했어?", {(9, 5)}),
        ("23.09.04 수업 내용", {(9, 4)}),
        ("2023-09-20에 배운 거", {(9, 20)}),
        ("9/5 수업", {(9, 5)}),
        ("학습률 0.5/1.0 비교", set()),  # numbers, not a day
        ("13월 40일", set()),
    ],
)
def test_days_are_read_in_the_usual_spellings(text: str, days: set[tuple[int, int]]) -> None:
    from chatbot.answering.dates import day_of_label, days_asked

    assert days_asked(text) == days
    assert day_of_label("23.09.05") == (9, 5) and day_of_label("3.1 절차") is None


def test_on_which_day_names_the_section_the_answer_stands_in() -> None:
    note = (
        "# 수업 일지\n\n## 24.03.06\n\n### 결정 트리\n"
        "* 결정 트리는 질문을 반복해 데이터를 나누는 분류 방법이다\n"
    )
    passage = Passage(40, "log.md", "수업 일지 > 24.03.06 > 결정 트리", note, 1.0)
    notes = ([passage], {40: unit_records("log.md", 40, note, 970)})
    lines = _answer_over(notes, "결정 트리는 며칠 수업에서 나왔어?")
    assert lines[0] == "결정 트리: 24.03.06 수업 노트에 적혀 있어요. [1]"
    assert "질문을 반복해 데이터를 나누는" in lines[1]


def test_a_definition_under_a_label_that_is_the_subject_leads() -> None:
    dbscan = (
        "## 밀도 기반\n\n* `밀도 기반 군집 분석 (DBSCAN)`\n"
        "    * 일정 밀도 이상인 곳을 묶어 군집을 형성하는 방법\n"
    )
    cluster = "## 비지도 학습\n\n* `군집`\n    * 비슷한 데이터끼리 묶어 집단으로 나누는 것\n"
    notes = _ranked(("a.md", dbscan), ("b.md", cluster))
    # search ranked the line that repeats 군집 first; what the label 군집 is leads
    assert "비슷한 데이터끼리" in _answer_over(notes, "군집이 뭔가요?")[0]


def test_who_reads_a_name_spelled_out_elsewhere_as_that_person() -> None:
    notes = _notes(
        "## 연구자\n\n"
        "- 김 연구 (Kim Yeongu) - 한국\n"
        "- 박 학자 (Park Hakja) - 미국\n\n"
        "## 비유\n\n"
        "- 김 연구 → 데이터 분야의 정원사\n"
    )
    lines = _answer_over(notes, "데이터 분야의 정원사라고 불리는 사람 누구야?")
    assert lines[0].startswith("김 연구 (Kim Yeongu): 데이터 분야의 정원사")
    # a person asked by name is answered from the lines under that name
    assert "한국" in _answer_over(notes, "김 연구는 어느 나라 사람이야?")[0]


def test_a_line_that_stops_at_a_comma_ends_with_a_full_stop() -> None:
    notes = _notes("## 순환 신경망\n\n- 은닉층 계산: 이전 은닉층과 현재 입력으로 계산할 수 있으며,")
    line = _answer_over(notes, "은닉층 계산은 어떻게 해?")[0]
    assert "계산할 수 있으며. [1]" in line and ",." not in line


def test_an_arrow_a_bullet_opens_with_is_not_read_out() -> None:
    notes = _notes("## 구조\n\nCNN\n- -> 이미지를 작은 조각으로 나눠 보는 것을 말한다.\n")
    assert _answer_over(notes, "CNN이 뭐야?") == [
        "CNN: 이미지를 작은 조각으로 나눠 보는 것을 말한다. [1]"
    ]


def test_the_word_that_sets_a_line_against_the_one_above_is_not_read_out_first() -> None:
    notes = _notes(
        "## 최근접 이웃\n\n최근접 이웃 분류는 가장 가까운 샘플들의 다수결로 예측한다.\n"
        "학습이 따로 없어 구현이 쉽다는 장점이 있다.\n"
        "반면 데이터가 많으면 예측할 때마다 모든 거리를 계산해야 해서 느리다.\n"
    )
    lines = _answer_over(notes, "최근접 이웃 분류 단점이 뭐야?")
    # the line before it, which "반면" sets it against, is not what opens the answer
    assert lines[0].startswith("최근접 이웃: 데이터가 많으면"), lines


def test_the_entry_asked_about_answers_alone_not_the_glossary_it_stands_in() -> None:
    notes = _notes(
        "## 용어 정리\n\n"
        "- 어텐션 : 입력 중 어디에 집중할지 스스로 계산하는 방법\n"
        "- 게이트 순환 유닛 : 리셋 게이트와 업데이트 게이트로 구성되어 있다.\n"
        "- 경사하강법 : 손실을 줄이는 쪽으로 가중치를 옮기는 방법\n"
    )
    lines = _answer_over(notes, "게이트 순환 유닛은 어떻게 구성돼 있어?")
    assert lines == ["게이트 순환 유닛: 리셋 게이트와 업데이트 게이트로 구성되어 있다. [1]"]


def test_a_sentence_saying_what_a_thing_is_made_of_answers_its_composition() -> None:
    notes = _notes(
        "## 신경망\n\n- 순전파와 역전파가 이뤄지는 공간을 신경망이라고 한다.\n"
        "- 신경망은 층(layer)으로 되어 있다.\n"
    )
    assert "층(layer)으로 되어 있다" in _answer_over(notes, "신경망은 어떻게 구성돼 있어?")[0]


def test_a_long_line_of_many_sentences_reads_as_those_that_matter() -> None:
    long_line = (
        "- 합성곱 신경망은 합성곱 층과 풀링 층으로 구성된다. 이미지 처리에 많이 쓰인다. "
        "필터를 움직이며 특징 맵을 만든다. 보폭이 크면 특징 맵이 작아진다. "
        "특징 맵이 크면 연산량이 많아진다. 그래서 적절한 크기를 고르는 것이 중요하다. "
        "이미지의 픽셀 수가 많을수록 디테일한 이미지가 된다. 커널의 크기가 같아도 보폭에 따라 "
        "특징 맵의 크기가 달라진다. 이 둘은 연산량과 정확도 사이에서 균형을 맞춰야 한다. "
        "보폭이 1이면 한 칸씩 움직이며 연산한다. 이렇게 만든 특징 맵을 밀집 층이 받아 분류한다."
    )
    lines = _answer_over(_notes(f"## 질문과 답변\n\n{long_line}\n"), "풀링 층은 뭐야?")
    assert "합성곱 신경망은 합성곱 층과 풀링 층으로 구성된다. … [1]" in lines[0]
    assert "연산량" not in lines[0]


def test_the_entries_under_a_bullet_the_question_names_answer_a_list() -> None:
    notes = _notes(
        "## 용어\n\n- Keras: 텐서플로 위에서 돌아가는 고수준 API로, 코드가 짧고 직관적이다.\n\n"
        "## 수업\n\n* keras code\n    * 데이터 불러오기\n    * 모델 쌓기\n    * 컴파일\n"
        "    * 학습\n    * 평가\n"
    )
    lines = _answer_over(notes, "keras 코드 짤 때 순서 뭐뭐 있었지?")
    assert lines[0].startswith("keras code: 데이터 불러오기, 모델 쌓기, 컴파일, 학습, 평가")
    # asked how, for the order ("순서"), where no line reads as a procedure: the same run;
    # the bullet named in another spelling too
    for question in ("keras 코드 작성 순서 알려줘", "케라스 코드는 어떤 순서로 짜?"):
        lines = _answer_over(notes, question)
        assert lines[0].startswith("keras code: 데이터 불러오기, 모델 쌓기, 컴파일"), lines


def test_runs_of_the_same_title_in_other_places_are_other_lists() -> None:
    title = "\n\n주요 파라미터\n\nestimator: 쓸 모델\n"
    grid = f"격자 탐색을 쓴다.{title}param_grid: 후보 값\ncv: 폴드 수\n"
    # further down the same file
    rand = "\n" * 20 + f"무작위 탐색을 쓴다.{title}n_iter: 시도 횟수\ncv: 폴드 수\n"
    notes = _ranked(("a.md", grid), ("a.md", rand))
    text = "\n".join(_answer_over(notes, "주요 파라미터는 뭐뭐 있어?"))
    assert "param_grid" in text and "n_iter" not in text


def test_each_side_of_a_comparison_has_a_line_of_its_own() -> None:
    notes = _notes(
        "## 프레임워크\n\n"
        "- 파이토치 - 페이스북에서 개발, 동적 연산 그래프를 쓴다.\n"
        "- 텐서플로 - 구글에서 개발, 정적 그래프 기반 연산을 정의한다.\n"
    )
    # the first line also holds 그래프, a word of the second side as asked
    lines = _answer_over(notes, "파이토치랑 텐서플로 그래프 방식 차이가 뭐야?")
    assert "페이스북" in lines[0] and "구글" in "\n".join(lines[1:])


def test_a_compound_subject_reads_by_the_word_that_names_its_thing() -> None:
    code = '## 게이트웨이\n\n```python\n# 메인 라우터\nrouter = APIRouter(prefix="/ai/v1")\n```\n'
    agent = (
        "## 강화학습\n\n##### 강화학습: 에이전트가 들어간 학습을 의미함.\n"
        "- 에이전트:\n    - 에이전트는 목표를 위해 스스로 판단하고 행동하는 시스템을 말한다.\n"
    )
    notes = _ranked(("gateway.md", code), ("rl.md", agent))
    lines = _answer_over(notes, "AI 에이전트가 뭐야?")
    # what 에이전트 is leads: not the line of code whose path holds "ai", nor the
    # glossary line of 강화학습 that mentions 에이전트
    assert "스스로 판단하고 행동하는" in lines[0]


def test_a_name_asked_with_its_kind_reads_by_the_name() -> None:
    # "소프트맥스 함수": the glossary line under "소프트 맥스:" defines it, not a line that
    # lists it among a node's three functions
    node = (
        "#### 활성화 함수\n- 뉴런에서 출력값을 변경시키는 함수를 활성화 함수이다.\n\n"
        "#### 노드 안에 세가지 함수(wx+b, relu, softmax)가 있다.\n"
    )
    glossary = (
        "##### 활성화 함수: 핵심 기능을 담당하는 함수를 의미한다.\n\n"
        "- **시그모이드 함수**: 이진분류이면 시그모이드 함수를 쓴다.\n"
        "- **소프트 맥스:** 확률로서 하나 뽑아 내는 것을 의미한다.\n"
    )
    notes = _ranked(("node.md", node), ("act.md", glossary))
    lines = _answer_over(notes, "소프트맥스 함수는 어떤 역할이야?")
    assert "확률로서 하나 뽑아" in lines[0]


def test_a_name_glossed_in_parentheses_in_another_note_adds_to_its_definition() -> None:
    notes = _ranked(
        ("a.md", "## 모델 종류\n\n- cnn은 이미지를 다루는 모델이다.\n- gan은 생성 모델이다.\n"),
        (
            "b.md",
            "## 신경망의 층\n\n- 은닉층을 여러 겹 쌓으면 깊은 신경망이 된다. "
            "이렇게 만든 망이 GAN(생성자와 판별자가 서로 겨루는 구조를 의미함)의 바탕이다.\n"
            "- 출력층은 마지막 층이다.\n",
        ),
    )
    lines = _answer_over(notes, "GAN이 뭐야?")
    # the short line that says what it is leads; the note that glosses the name follows
    assert "gan은 생성 모델이다" in lines[0]
    assert any("서로 겨루는 구조" in line for line in lines[1:])
    assert not any("출력층" in line for line in lines)


def test_a_sentence_about_doing_a_thing_in_another_spelling_is_about_it() -> None:
    notes = _ranked(
        (
            "a.md",
            "## 단어 표현\n\n### 원-핫 벡터 vs 워드 임배딩\n\n"
            "- 원-핫 벡터의 개선안은 워드 임배딩이다.\n"
            "- 워드 임베딩은 비슷한 단어를 가까운 벡터로 모아 둔 표이다.\n",
        ),
        ("b.md", "## 검색 도구\n\n- 임배딩을 쓴다는 것은 벡터 검색 라이브러리를 쓰면 된다.\n"),
    )
    # "임배딩을 쓴다는 것은 …" is a sentence about using 임베딩 (another spelling of it)
    assert "벡터 검색 라이브러리" in _answer_over(notes, "임베딩 쓰려면 어떻게 하면 돼?")[0]


@pytest.mark.parametrize(
    ("other", "notes", "question", "lead"),
    [
        # "차원 축소 방법" is how 차원 축소 is done, and its line names no 시계열 데이터
        pytest.param(
            "## 주성분 분석\n\n- 차원 축소 방법\n"
            "    - 데이터들의 분포를 잘 설명하는 벡터를 두 개 고른다\n",
            "## RNN 입력\n\n- 2차원 시계열 데이터는 (샘플, 시간) 구조이다.\n"
            "- 딥러닝 시계열 모델은 (샘플, 시간, 피처) 형태를 요구하므로 3차원으로 바꿀 때 "
            "피처 차원을 추가한다.\n",
            "시계열 데이터는 어떻게 3차원으로 바꿔?",
            "RNN 입력: 딥러닝 시계열 모델은",
            id="how",
        ),
        # "CNN을 쓰는 이유" is why CNN is used; its line that mentions 풀링 is no reason for it
        pytest.param(
            "## CNN을 쓰는 이유\n\n- 이미지를 펼치면 이웃 픽셀의 구조가 사라진다.\n"
            "- 보통 합성곱, 활성화, 풀링 블록을 반복한 뒤 분류층에서 분류한다.\n",
            "## 풀링 계층\n\n- 풀링 계층은 영역마다 대표값만 남기는 층이다.\n"
            "- 풀링은 연산량을 줄이고 위치가 조금 바뀌어도 출력이 덜 변하게 해 준다.\n",
            "풀링 하는 이유가 뭐야?",
            "풀링 계층: 풀링은 연산량을 줄이고",
            id="why",
        ),
    ],
)
def test_a_title_that_asks_the_kind_of_another_thing_does_not_lead(
    other: str, notes: str, question: str, lead: str
) -> None:
    lines = _answer_over(_ranked(("a.md", other), ("b.md", notes)), question)
    assert lines[0].startswith(lead), lines


def test_a_sentence_that_opens_with_the_name_and_says_what_it_means_defines_it() -> None:
    notes = _ranked(
        ("b.md", "## 검색 도구\n\n- 임베딩을 쓴다는 것은 벡터 검색 라이브러리를 쓰면 된다.\n"),
        (
            "a.md",
            "## 단어 표현\n\n### 원-핫 벡터 vs 워드 임베딩\n\n"
            "- 워드 임베딩: 실수로 되어 있다. 임베딩은 비슷한 단어를 모아 둔 것을 의미한다.\n",
        ),
    )
    # "임베딩은 … 것을 의미한다", though not its first sentence, says what 임베딩 is;
    # "임베딩을 쓴다는 것은 …" says how it is used
    assert "모아 둔 것을 의미한다" in _answer_over(notes, "임베딩이 뭐야?")[0]


@pytest.mark.parametrize(
    ("note", "question", "reason"),
    [
        # a cause ("주된 원인은 …")
        (
            "## 과소적합\n\n- 과소적합은 모델이 학습 데이터조차 잘 맞히지 못하는 상태이다.\n"
            "- 학습 손실이 처음부터 높게 머무르면 과소적합을 의심한다.\n"
            "- 과소적합의 주된 원인은 데이터에 비해 모델이 너무 단순한 것이다.\n",
            "과소적합은 왜 생겨?",
            "주된 원인은",
        ),
        # what a thing is that makes it work well ("… 함수라 … 학습이 잘 된다")
        (
            "## 활성화 함수\n\n| 함수 | 식 | 용도 |\n|---|---|---|\n"
            "| Swish | x · sigmoid(x) | 깊은 망의 은닉층 |\n\n"
            "Swish는 매끄럽고 음수 쪽도 조금 남겨 두는 함수라 깊은 망에서도 학습이 잘 된다.\n",
            "Swish는 왜 써?",
            "학습이 잘 된다",
        ),
        # why it came to be, in other words than the question's ("왜 나왔어?": 등장한)
        (
            "## RNN vs LSTM vs GRU\n\nRNN과 LSTM 그리고 GRU는 모두 시퀀스 모델이다.\n\n"
            "- GRU: 상태가 길어지면 느려지니까 줄여준다. 다음 말이 나올 수 있게끔.\n\n"
            "## RNN, LSTM, GRU의 관계\n\n"
            "- LSTM/GRU는 기억력 향상을 위해 등장한 RNN의 개선형이다.\n",
            "LSTM은 왜 나왔어?",
            "기억력 향상을 위해 등장한",
        ),
        # what goes wrong without it ("패딩이 없으면 … 작아진다")
        (
            "## 패딩\n\n- 스트라이드는 필터가 한 번에 이동하는 칸 수이다.\n"
            "- 패딩은 입력 가장자리에 0을 덧대는 것이다. 패딩이 없으면 합성곱을 거칠 때마다 "
            "출력이 작아진다.\n",
            "패딩은 왜 해?",
            "패딩이 없으면",
        ),
        # what it lets one lessen ("… 부하를 줄일 수 있다")
        (
            "## 캐시\n\n- 캐시는 자주 쓰는 데이터를 가까운 곳에 복사해 두는 저장소이다.\n"
            "- 자주 조회되는 값은 캐시에 저장하여 데이터베이스 부하를 줄일 수 있다.\n",
            "캐시는 왜 써?",
            "부하를 줄일 수 있다",
        ),
        # the effect it has ("… 효과가 있다")
        (
            "## 라벨 스무딩\n\n"
            "- 라벨 스무딩은 정답 레이블을 1 대신 0.9처럼 조금 낮춰 주는 기법이다.\n"
            "- 라벨 스무딩은 모델이 지나치게 확신하지 않게 하는 정규화 효과가 있다.\n",
            "라벨 스무딩은 왜 써?",
            "정규화 효과가 있다",
        ),
        # its strengths ("… 장점을 가졌다")
        (
            "## 프레임워크\n\n- JAX - 구글에서 개발, 함수 변환으로 미분과 병렬화를 다루며 "
            "빠른 실험에 좋은 장점을 가졌다.\n",
            "JAX는 왜 써?",
            "장점을 가졌다",
        ),
    ],
)
def test_a_reason_in_the_notes_own_words_says_why(note: str, question: str, reason: str) -> None:
    lines = _answer_over(_notes(note), question)
    # the notes say why: no header says they do not, and the reason leads
    assert reason in lines[0], lines


def test_each_side_is_its_own_row_not_a_row_of_another_thing_that_names_both() -> None:
    notes = _notes(
        "## 트랜스포머 기반 모델\n\n| 모델 | 설명 |\n|---|---|\n"
        "| BART (Meta) | GPT + BERT 구조 혼합 (텍스트 복원, 생성) |\n"
        "| GPT (OpenAI) | 문장 생성에 강함 |\n| BERT (Google) | 문장 이해와 분류에 강함 |\n"
    )
    lines = _answer_over(notes, "BERT랑 GPT 차이가 뭐야?")
    assert lines[0].startswith("BERT (Google)"), lines
    assert lines[1].startswith("- GPT (OpenAI)"), lines


def test_a_name_inside_a_longer_name_does_not_make_a_line_about_it() -> None:
    """ "RandomSearchCV" is in the letters of HalvingRandomSearchCV, which is another thing:
    the lines about it are not the only ones about the subject (the notes spell it
    "RandomSerachCV")."""
    note = (
        "* HalvingRandomSearchCV\n\n주요 파라미터\n"
        "param_distributions: 후보 값의 범위. HalvingRandomSearchCV는 랜덤 샘플링을 쓰므로 "
        "넓은 범위에서 고른다.\nfactor: 단계마다 남길 후보의 비율.\n\n"
        "* RandomSerachCV\n\n주요 파라미터\n"
        "uniform(a, b) 같은 분포를 주면 하이퍼파라미터를 무작위로 샘플링한다.\n"
        "n_iter: 시도할 조합의 수.\n"
    )
    lines = _answer_over(_notes(note), "RandomSearchCV는 하이퍼파라미터를 어떻게 샘플링해?")
    assert any("무작위로 샘플링한다" in line for line in lines), lines


def test_entries_under_a_title_that_names_the_subject_are_the_list_asked_for() -> None:
    note = (
        "## 하이퍼파라미터 탐색\n\n기존 방법\n\nGridSearch: 모든 조합을 다 돌린다 → 느리다\n\n"
        "Bayesian Optimization\n\n앞선 탐색 결과를 보고 다음 후보를 고른다\n"
        "적은 횟수로 좋은 하이퍼파라미터를 찾는다\n탐색할수록 모델이 나아진다\n"
    )
    lines = _answer_over(_notes(note), "bayesian optimization 장점들 쭉 나열해줘")
    # the notes list them: no header says they do not
    assert lines[0].startswith("Bayesian Optimization: 앞선 탐색 결과를"), lines
    assert len(lines) == 3


def test_a_side_is_not_a_line_that_holds_one_of_its_two_words() -> None:
    notes = _ranked(
        (
            "trees.md",
            "## 랜덤 포레스트\n\n"
            "- 랜덤 포레스트는 여러 결정 트리의 결과를 모으는 앙상블 모델이다.\n"
            "- 트리를 차례로 쌓아 앞 트리의 오차를 고치는 그래디언트 부스팅과는 "
            "학습 방식이 다르다.\n",
        ),
        (
            "nn.md",
            "## 기울기 소실\n\n- 층이 깊어지면 앞쪽 층의 기울기가 거의 0이 되어 학습되지 않는다.\n",
        ),
    )
    lines = _answer_over(notes, "랜덤 포레스트랑 그래디언트 부스팅 차이가 뭐야?")
    # "기울기" (gradient) alone does not make a line about 그래디언트 부스팅
    assert not any("앞쪽 층의 기울기" in line for line in lines), lines
    assert any("그래디언트 부스팅과는 학습 방식이 다르다" in line for line in lines), lines


def test_a_line_about_the_note_itself_answers_only_a_question_about_the_notes() -> None:
    note = (
        "# 자연어 처리\n\n문장을 나누는 토큰화와 토큰을 벡터로 바꾸는 임베딩을 정리한 노트이다.\n\n"
        "## 임베딩\n\n임베딩은 토큰을 수백 차원의 실수 벡터로 나타내며, 뜻이 비슷하면 가깝다.\n"
        "Word2Vec은 주변 단어로 단어 임베딩을 학습한다.\n\n"
        "## 서브워드\n\n토큰화(tokenization)는 문장을 모델 입력 단위인 토큰으로 쪼개는 과정이다.\n"
    )
    lines = _answer_over(_ranked(("a.md", note)), "임베딩이랑 토큰화 차이가 뭐야?")
    assert not any("정리한 노트" in line for line in lines), lines
    assert any("토큰으로 쪼개는 과정" in line for line in lines), lines
    lines = _answer_over(_ranked(("a.md", note)), "자연어 처리 노트는 뭘 정리한 거야?")
    assert "정리한 노트" in lines[0], lines
    # not even when it holds a word of the question ("예시 코드는 …")
    note = note.replace("정리한 노트이다.", "정리한 노트이다. 예시 코드는 PyTorch 기준이다.")
    lines = _answer_over(_ranked(("a.md", note)), "임베딩 모델 예시")
    assert not any("정리한 노트" in line for line in lines), lines


def test_a_line_that_gives_the_subject_its_name_defines_it() -> None:
    notes = _notes(
        "## 전파\n\n- 순전파는 입력 -> 출력 방향으로 연산을 수행한다.\n"
        "- 역전파는 출력 -> 입력 방향으로 미분을 계산한다.\n"
        "- 이벤트가 전달되는 순서를 전파라고 한다.\n"
        "- 입력 쪽으로 가는 것을 역전파라고 한다.\n"
    )
    assert "순서를 전파라고 한다" in _answer_over(notes, "전파가 무슨 뜻이야?")[0]
    # naming it picks the lead; the lines about it still follow
    notes = _notes(
        "## RNN 계산\n\n* `역전파`\n"
        "  * `BPTT(BackPropagation Through Time)`를 이용하여 모든 단계마다 "
        "처음부터 끝까지 역전파함\n"
        "    * 오차는 각 단계마다 오차를 측정하고 이전 단계로 전달, 이것을 `BPTT`라고 함\n"
        "  * 기울기 소멸 문제를 보안하기 위해 오차를 몇 단계까지만 전파시키는 "
        "`생략된-BPTT(truncated BPTT)`를 사용할 수도 있음\n"
    )
    lines = _answer_over(notes, "BPTT가 뭐예요?")
    assert "BPTT라고 함" in lines[0] and len(lines) == 3


def test_a_direction_is_no_reference_back() -> None:
    notes = _notes(
        "## 전파\n\n- 전파의 두 방식은 버블링과 캡쳐링이다.\n"
        "- 버블링: 밑에서 위로(자식 --> 부모)\n- 캡쳐링: 위에서 밑으로(부모 --> 자식)\n"
        "- 위의 두 방식은 브라우저마다 같다.\n"
    )
    by_text = {u.text: u for u in notes[1][1]}
    assert standalone(by_text["위에서 밑으로(부모 --> 자식)"])
    assert not standalone(by_text["위의 두 방식은 브라우저마다 같다."])
    assert _answer_over(notes, "캡쳐링은 어느 방향이야?")[0].startswith("캡쳐링: 위에서 밑으로")


def test_before_and_after_written_apart_are_no_reference_back() -> None:
    """ "이 전까지의 과정" is 이전 (before) with a space, not "이" pointing back."""
    notes = _notes(
        "##### 어텐션(attention)\n"
        "- 이 전까지의 과정을 검토하는 것을 의미한다. 대화했던 내용들을 검토한다.\n\n"
        "##### 다음 시간\n"
        "- 이 전략은 다음 시간에 다룬다.\n"
    )
    by_text = {u.text.split(".")[0]: u for u in notes[1][1]}
    assert standalone(by_text["이 전까지의 과정을 검토하는 것을 의미한다"])
    assert not standalone(by_text["이 전략은 다음 시간에 다룬다"])
    assert _answer_over(notes, "어텐션이 뭐야?")[0].startswith("어텐션(attention): 이 전까지의")


def test_a_line_that_answers_the_kind_asked_leads_its_section() -> None:
    notes = _notes(
        "## 과적합과 정규화\n\n"
        "과적합(overfitting)은 모델이 학습 데이터의 잡음까지 외워 성능이 떨어지는 현상이다.\n"
        "과적합의 주된 원인은 데이터 양에 비해 모델 용량이 큰 것이다.\n"
        "대처 방법으로는 데이터를 더 모으거나 모델을 단순하게 만드는 것이 있다.\n"
    )
    lines = _answer_over(notes, "과적합은 어떻게 막아?")
    assert "대처 방법으로는" in lines[0]
    assert any("잡음까지 외워" in line for line in lines[1:])  # what it is follows
    # asked what it is, the definition leads
    assert "잡음까지 외워" in _answer_over(notes, "과적합이 뭐야?")[0]


def test_a_bullet_that_describes_its_parent_answers_though_a_note_hangs_under_it() -> None:
    notes = _notes(
        "## 확장\n\n* flask-sqlalchemy\n  * 플라스크에서 SQLAlchemy를 이용하는 확장\n"
        "* flask-migrate\n  * 데이터베이스를 마이그레이트하는 확장\n"
        "    * migrate - 옮기다 / 이동하다\n"
    )
    lines = _answer_over(notes, "flask-migrate는 뭐 하는 거야?")
    assert lines[0] == "flask-migrate: 데이터베이스를 마이그레이트하는 확장. [1]"
    # and so does one that says what it was made to do
    notes = _notes(
        "## 합성곱 신경망 (CNN | Convolutional Neural Network)\n\n"
        "* 격자 모양 데이터를 처리하려고 고안된 인공 신경망\n"
        "  * 필터가 이미지 위를 움직이며 특징을 뽑는다\n"
    )
    lines = _answer_over(notes, "합성곱 신경망 정의가 뭐야?")
    assert lines[0] == (
        "합성곱 신경망 (CNN | Convolutional Neural Network): 격자 모양 데이터를 처리하려고 "
        "고안된 인공 신경망. [1]"
    ), lines


def test_a_label_that_is_a_name_from_code_is_written_as_code() -> None:
    notes = _notes(
        "## 로그인\n\n* **`@login_required`**\n"
        "  * 데코레이터를 붙이면 해당 엔드포인트는 로그인하지 않으면 접근 불가\n"
        "* 로그인 관리\n  * 세션으로 로그인한 사용자를 기억한다\n"
    )
    lines = _answer_over(notes, "login_required 데코레이터는 뭐야?")
    assert lines[0].startswith("`@login_required`: 데코레이터를 붙이면")
    assert "로그인 관리: 세션으로" in _answer_over(notes, "로그인 관리는 어떻게 해?")[-1]


def test_a_bullet_that_lists_names_answers_though_it_has_children() -> None:
    notes = _notes(
        "## 딥러닝의 대가\n\n- 제프리 힌턴 - 영국\n\t- MLP, 역전파 알고리즘\n"
        "\t\t- 역전파 알고리즘 이란?\n\t\t\t- 출력 쪽 오차로 가중치를 입력 쪽까지 고친다.\n"
    )
    lines = _answer_over(notes, "제프리 힌턴 업적이 뭐뭐야?")
    assert any("MLP, 역전파 알고리즘" in line for line in lines)


def test_a_list_reads_its_entries_in_order_each_with_what_stands_under_it() -> None:
    notes = _notes(
        "## 딥러닝의 대가\n\n- 요수아 벤지오 - 캐나다\n"
        "\t- RNN & NLP : 신경망 기반 언어 모델 연구에 중요한 기여\n"
        "\t- GAN : 생성 모델 연구의 시초\n"
        "\t\t- 기계 번역, 챗봇, 텍스트 생성 등 현대 NLP 기술 발전에 지대한 영향\n"
    )
    lines = _answer_over(notes, "요수아 벤지오 업적 정리해줘")
    texts = [next(i for i, line in enumerate(lines) if part in line) for part in
             ("언어 모델 연구", "생성 모델 연구의 시초", "기계 번역, 챗봇")]  # fmt: skip
    assert texts == sorted(texts)


SEARCH_WAYS_NOTE = """## 튜닝 방법

기존 방법

GridSearch: 모든 조합 다 돌림 → 비효율적
RandomSearch: 랜덤하게 돌림 → 운에 의존

|이름|설명|
|---|---|
|**T5 (Google)**|텍스트를 입력→출력 문제로 통일|
"""


def test_no_header_denies_what_the_lead_line_says_in_the_question_s_words() -> None:
    notes = _notes(SEARCH_WAYS_NOTE)
    # the line says 비효율적, as the question does: it answers why
    lines = _answer_over(notes, "GridSearch는 왜 비효율적이라고 해?")
    assert lines[0].startswith("GridSearch: 모든 조합 다 돌림")
    # nothing says why it would be slow: the header says so
    assert _denies(_answer_over(notes, "GridSearch는 왜 느려?")[0])
    # a name with its maker in parentheses says who made it
    lines = _answer_over(notes, "T5는 누가 만들었어?")
    assert not _denies(lines[0]) and "Google" in lines[0]


BAYES_NOTE = """## 튜닝

* BayesianOptimization

Bayesian Optimization은 다음 탐색 위치를 똑똑하게 고르는 방법입니다.

기존 방법

GridSearch: 모든 조합 다 돌림 → 비효율적
RandomSearch: 랜덤하게 돌림 → 운에 의존

f : 최적화할 대상 함수입니다.
pbounds: 탐색할 하이퍼파라미터의 범위입니다.
verbose: 로그 출력 레벨입니다.
- 0: 출력 없음
- 1: 최소 출력
random_state: 랜덤 시드 설정입니다.
"""


def test_the_entries_of_a_thing_are_asked_for_not_the_titles_under_it() -> None:
    notes = _notes(BAYES_NOTE)
    text = "\n".join(_answer_over(notes, "BayesianOptimization 파라미터 뭐뭐 있어?"))
    assert "pbounds" in text and "random_state" in text
    assert "기존 방법, verbose" not in text  # no overview of the titles under it
    assert question_kind("HalvingRandomSearchCV 주요 파라미터 알려줘") == "list"


def test_a_reference_to_the_line_s_own_first_sentence_leans_on_nothing() -> None:
    from chatbot.answering.select import _leans_back

    assert _leans_back("정규화로 이 문제를 해결한다.")
    assert not _leans_back("Odds에 로그를 취하면 logit이 된다. 이를 그래프로 하면 선형이 된다.")
    # nor to what a clause before it in the same sentence gives
    assert not _leans_back("쉬운 방법은 모든 조합을 도는 것인데, 이것은 느려서 그 문제를 줄인다.")
    assert _leans_back("이것은 느려서 그 문제를 줄인다.")
    # or the clause it follows ("… 분석하고 이를 예측하는")
    assert not _leans_back("관측치가 어느 집단에 속하는지 분석하고 이를 예측하는 모형")
    assert _leans_back("그래서 이를 예측하는 모형을 만든다.")
    # or the verb it follows joins ("신호를 입력받아 이를 처리하여", "값을 구해서 이것을")
    assert not _leans_back("설명: 신호를 입력받아 이를 적절히 처리하여 출력해 주는 함수")
    assert not _leans_back("평균을 구해서 이것을 기준으로 나눈다.")
    assert _leans_back("선택지가 3개였으므로 위 벡터들은 모두 3차원이다.")


def test_a_title_that_names_the_kind_answers_it() -> None:
    note = (
        "## 전처리\n\nastype('float32') 하는 이유\n원래 이미지 데이터는 uint8 타입이에요.\n"
        "신경망 모델은 보통 실수 타입의 데이터를 입력으로 받아 학습합니다.\n\n"
        "activity_regularizer: 출력값 정규화, 거의 안 씀\n"
    )
    notes = _notes(note)
    assert not _denies(_answer_over(notes, "astype('float32')는 왜 해?")[0])
    # how often it is used says when
    assert not _denies(_answer_over(notes, "activity_regularizer는 언제 써?")[0])


def test_a_case_in_which_it_is_the_one_chosen_says_when() -> None:
    notes = _notes(
        "## 평가 지표\n\n- 재현율은 실제 양성 중 모델이 찾아낸 비율이다.\n"
        "- 클래스 비율이 크게 다르면 정확도만으로는 부족하다.\n"
        "- 암 진단처럼 환자를 놓치는 비용이 크면 재현율을 중시한다.\n"
    )
    lines = _answer_over(notes, "재현율은 언제 중요해?")
    # the notes say when: no header says they do not
    assert not _denies(lines[0]), lines
    assert any("크면 재현율을 중시한다" in line for line in lines)


def test_an_official_site_is_no_formula() -> None:
    site = UnitRecord(
        unit_id=1, chunk_id=1, source="web.md", labels=("웹 프레임워크",), heading_depth=0,
        kind="row", term="플라스크", context="웹 프레임워크",
        text="공식 사이트: palletsproject.com/p/flask, 라이선스: BSD License", ask="",
        line=1, terms=frozenset(), context_terms=frozenset(),
    )  # fmt: skip
    assert not answers_kind(site, "how")
    assert answers_kind(replace(site, text="출력 크기는 공식으로 구한다"), "how")


MIGRATION_NOTE = """## 데이터베이스 마이그레이션

* **`alembic revision`**
  * 모델의 변경을 담은 리비전 파일을 만드는 명령
  ```
  (venv) $ alembic revision --autogenerate
  ```
  * versions 폴더에 새 파이썬 파일이 생긴다
* **`alembic upgrade`**
  * 리비전을 데이터베이스에 적용하는 명령
  ```
  (venv) $ alembic upgrade head
  ```
"""


def test_a_question_for_the_command_gets_the_command_written_under_its_line() -> None:
    notes = _notes(MIGRATION_NOTE)
    lines = _answer_over(notes, "리비전을 데이터베이스에 적용하는 명령어 어떻게 쳐?")
    assert "alembic upgrade: 리비전을 데이터베이스에 적용하는 명령" in lines[0]
    assert "`(venv) $ alembic upgrade head`" in lines[0]
    # once per bullet, not beside each of its lines
    lines = _answer_over(notes, "리비전 파일 만드는 명령어 알려줘")
    assert sum("alembic revision --autogenerate" in line for line in lines) == 1
    # a question that does not ask for the command is answered without it
    assert not any("$" in line for line in _answer_over(notes, "alembic upgrade는 뭐야?"))


def test_a_line_under_a_part_of_the_subject_s_bullet_is_about_the_subject() -> None:
    notes = _notes(
        "## 인물\n\n"
        "- 앨런 튜링 (Alan Turing) - 영국의 수학자\n"
        "\t- 튜링 기계 - 계산을 기호 조작으로 정의한 추상 기계\n"
        "\t\t\t\t\t- 계산 이론 분야의 토대를 세움.\n"
        "\t- 암호 해독 - 전쟁 중 에니그마 해독에 참여\n"
        "- 튜링상 - 컴퓨터 과학 분야의 공로를 기리는 상\n"
    )
    lines = _answer_over(notes, "앨런 튜링은 어느 분야의 토대를 세웠어?")
    assert "계산 이론 분야의 토대를 세움" in lines[0]


RESIZE_NOTE = """## 썸네일 서비스
```python
def make_thumbnail(img):
    # 썸네일 크기로 줄이기
    small = cv2.resize(img, (64, 64), interpolation=cv2.INTER_AREA)
    logger.info(f"썸네일 크기로 줄이기 완료: {small.shape}")
    return {"message": "썸네일 크기로 줄이기 완료", "shape": small.shape}
```
"""


def test_code_that_does_a_thing_answers_how_not_the_line_that_reports_it() -> None:
    notes = _notes(RESIZE_NOTE)
    lines = _answer_over(notes, "썸네일 크기로 줄이는 건 코드로 어떻게 해?")
    assert any("cv2.resize(img" in line for line in lines)
    assert not any("logger.info" in line or '"message"' in line for line in lines)
    # what it logs, or the message it returns, when that is what is asked
    assert any(
        "logger.info" in line
        for line in _answer_over(notes, "썸네일 줄이고 나서 로그 뭐라고 찍어?")
    )
    lines = _answer_over(notes, "썸네일 줄이기 완료 메시지는 코드에 어떻게 돌려줘?")
    assert any('"message"' in line for line in lines)


MOSAIC_NOTE = """## 얼굴 가리기 서비스
```python
def blur_faces(img, boxes):
    for (x, y, w, h) in boxes:
        face_img = img[y:y+h, x:x+w]
        mosaic = cv2.resize(face_img, (8, 8), interpolation=cv2.INTER_LINEAR)
        mosaic = cv2.resize(mosaic, (w, h), interpolation=cv2.INTER_NEAREST)
    return {"message": "얼굴 모자이크 완료"}
```
"""


def test_code_is_found_by_the_english_names_it_gives_to_the_words_asked() -> None:
    notes = _notes(MOSAIC_NOTE)
    # the code says face and mosaic where the question says 얼굴 and 모자이크; the line
    # that only repeats them in a message does not answer how
    lines = _answer_over(notes, "얼굴에 모자이크는 코드로 어떻게 입혀?")
    assert any("mosaic = cv2.resize(face_img" in line for line in lines)
    assert not any('"message"' in line for line in lines)
    # the next line, which names what is asked too, is the rest of what is done
    assert any("mosaic = cv2.resize(mosaic" in line for line in lines)


GRAPH_NOTE = """## 그래프 저장 서비스
```python
# 저장 폴더 설정
BASE = os.path.dirname(__file__)
PLOT_DIR = os.path.join(BASE, "plots")
LOG_DIR = os.path.join(BASE, "logs")
CACHE_DIR = os.path.join(BASE, "cache")
TMP_DIR = os.path.join(BASE, "tmp")
os.makedirs(PLOT_DIR, exist_ok=True)

# 그래프 저장
def save_plot(fig, path, name):
    logger.info("saving %s", name)
    fig.savefig(path + ".svg", dpi=100)
    fig.savefig(path + ".jpg", dpi=100)
    fig.savefig(path + ".png", pad_inches=0)
    if not name:
        return {"detail": "No name given."}
    return {"path": path}
```
"""


@pytest.mark.parametrize(
    ("message", "line", "not_line"),
    [
        # "없으면": exist_ok, not the lines that set the folders' paths
        (
            "그래프 폴더가 없으면 어떻게 만들어 둬?",
            "os.makedirs(PLOT_DIR, exist_ok=True)",
            "BASE =",
        ),
        # "여백": pad, the line that saves so, not the whole function
        ("그래프를 여백 없이 저장하려면 코드로 어떻게 해?", "pad_inches=0", "logger.info"),
        # "이름이 없으면": `if not name` and the "No name" it answers with
        ("그래프 이름이 없으면 어떻게 응답해?", '"No name given."', ".svg"),
    ],
)
def test_code_is_found_by_the_english_names_of_absence_and_margins(
    message: str, line: str, not_line: str
) -> None:
    lines = _answer_over(_notes(GRAPH_NOTE), message)
    assert any(line in text for text in lines), lines
    assert not any(not_line in text for text in lines), lines


def test_no_header_denies_what_the_leading_line_says_in_the_question_s_words() -> None:
    notes = _notes(
        "## 시계열 분석\n\n- 시계열 분석: 일반적인 머신 러닝에서 시간을 독립 변수로 사용함\n"
    )
    # half of what is asked beyond the subject (시간, not 처리) is in the line that leads:
    # it answers, and no header says the notes do not say how
    lines = _answer_over(notes, "시계열 분석은 시간을 어떻게 처리해?")
    assert lines[0].startswith("시계열 분석: 일반적인 머신 러닝에서 시간을 독립 변수로")
    # nothing of what is asked is there: the header says so
    lines = _answer_over(notes, "시계열 분석은 어떻게 평가해?")
    assert lines[0].startswith(
        "노트에서 '시계열 분석'에 대해 어떻게 하는지를 딱 집어 말한 줄은 찾지 못했"
    )


def test_lines_above_the_first_naming_a_subject_its_title_leaves_out_are_not_of_it() -> None:
    notes = _notes(
        "## 스케일링과 인코딩\n\n"
        "이상치가 많으면 중앙값을 쓰는 `RobustScaler`가 덜 흔들린다.\n"
        "범주형 변수는 원-핫 인코딩(one-hot encoding)으로 바꾸는 경우가 많다.\n"
    )
    # the title does not name 원핫 인코딩: the line that says when, beside the one that
    # names it, is of another thing
    lines = _answer_over(notes, "원핫 인코딩은 언제 써?")
    assert lines[0].startswith("스케일링과 인코딩: 범주형 변수는 원-핫 인코딩"), lines
    # nor does it follow: the lines above the first that names the subject are of others
    assert not any("RobustScaler" in line for line in lines), lines


def test_a_line_that_names_the_thing_asked_leads_over_one_about_where_it_belongs() -> None:
    note = (
        "## 로지스틱 회귀\n\n"
        "- 로지스틱 회귀의 추정치는 이진 분류의 경우 집단 1에 속하는 확률로 구함\n"
        "- 분류 기준 값을 정한 후 특정 범주로 분류함\n\n"
        "## 오즈와 로짓\n\n"
        "- 오즈에 로그를 취하면 로짓이 된다.\n"
    )
    selection = _selection_with_roles(note, "로지스틱 회귀에서 로짓은 어떻게 구해?")
    assert selection.units[0].unit.text == "오즈에 로그를 취하면 로짓이 된다."


def test_an_improvement_on_a_thing_is_no_reason_for_it() -> None:
    (unit,) = unit_records("x.md", 9, "## 주제\n- 원-핫 인코딩의 개선안 : 워드 임베딩\n", 900)
    assert not answers_kind(unit, "why")
    (unit,) = unit_records("x.md", 9, "## 주제\n- 학습 속도를 개선한다.\n", 900)
    assert answers_kind(unit, "why")


MODEL_TABLE_NOTE = """## 언어 모델 정리
| 모델 | 특징 |
|---|---|
| **GPT (OpenAI)** | 다음 단어를 이어 쓰는 생성에 강함 |
| **BERT (Google)** | 문장의 뜻을 파악하는 분류에 강함 |
"""

CHAT_LOG_NOTE = """## 수업 메모
- 트랜스포머 기반 모델을 소개받았다.
- BERT는 구글에서 공개한 모델이라고 한다.
"""


def test_a_line_from_another_note_that_scores_near_the_lead_follows_it() -> None:
    # each note answers on its own; the one that did not lead still adds its own fact
    notes = _found(
        Passage(1, "log.md", "수업 메모", CHAT_LOG_NOTE, 1.0),
        Passage(2, "models.md", "언어 모델 정리", MODEL_TABLE_NOTE, 0.8),
    )
    lines = _answer_over(notes, "BERT는 어느 회사에서 만든 모델이야?")
    text = "\n".join(lines)
    assert "구글에서 공개한" in text and "BERT (Google)" in text, lines
    assert "GPT" not in text


def test_a_rare_word_of_the_question_counts_more_than_a_common_one() -> None:
    analyzer = default_analyzer()
    selector = UnitSelector(analyzer)
    note = "## 입력\n- 모델에는 시계열 입력을 넣는다.\n- 모델에는 데이터를 넣는다.\n"
    rare, common = unit_records("n.md", 1, note, 0)
    subjects = [({"모델"}, "모델")]

    def score(unit: UnitRecord, weights: dict[str, float]) -> float:
        return selector._score(unit, "how", subjects, [1.0], weights, 0)[0]

    flat = {"모델": 1.0, "시계열": 1.0, "데이터": 1.0}
    assert score(rare, flat) == score(common, flat)
    # weighed by how rare each word is in the notes (the chain passes the index's IDF)
    by_idf = {"모델": 1.0, "시계열": 3.0, "데이터": 0.2}
    assert score(rare, by_idf) > score(common, by_idf)


ACTIVATIONS_NOTE = """## 활성화 함수 비교
| 함수 | 식 | 주 용도 |
|---|---|---|
| tanh | $(e^x - e^{-x})/(e^x + e^{-x})$ | 순환 신경망의 은닉 상태 |
| GELU | $x \\cdot \\Phi(x)$ | BERT 계열 모델 |
"""


def test_a_table_row_with_a_formula_in_one_cell_reads_as_a_row() -> None:
    """A formula is one cell of a row, under its column's name: the row is read, though
    it holds little Korean besides (a bare formula line is not)."""
    notes = _found(Passage(12, "act.md", "활성화 함수 비교", ACTIVATIONS_NOTE, 1.0))
    lines = _answer_over(notes, "GELU는 주로 어디에 써?")
    assert lines and lines[0].startswith("GELU: ") and "BERT 계열 모델" in lines[0]


ROUTER_NOTE = """## 게이트웨이 서버
```python
# 라우터 생성
upload_router = APIRouter(prefix="/files", tags=["Gateway"])

# 라우터 붙이기
app.include_router(upload_router)
```
"""


def test_the_line_that_sets_a_name_yields_to_one_that_does_what_is_asked_with_it() -> None:
    notes = _notes(ROUTER_NOTE)
    # what is done with it, in words code has names for (앱: app, 등록: include)
    question = "gateway에서 만든 upload_router는 앱에 어떻게 등록해?"
    lines = _answer_over(notes, question, domains=frozenset({"gateway"}))
    assert any("app.include_router(upload_router)" in line for line in lines)
    assert not any("APIRouter(" in line for line in lines)
    # the name alone is asked for where it is set
    lines = _answer_over(notes, "upload_router는 코드에서 어떻게 만들어?")
    assert any("upload_router = APIRouter(" in line for line in lines)


TRAINER_NOTE = """## Trainer 설정
- epochs: 전체 데이터를 몇 번 반복해서 볼지 정한다.
- verbose: 학습 중 로그를 얼마나 자세히 찍을지 정한다.
    - 0: 아무것도 찍지 않음
    - 1: 진행 막대만
    - 2: 에폭마다 한 줄
- seed: 난수 시드를 고정해서 결과를 재현한다.
"""


def test_a_list_asked_of_an_entry_it_names_is_what_stands_under_that_entry() -> None:
    notes = _notes(TRAINER_NOTE)
    lines = _answer_over(notes, "Trainer verbose 레벨 종류 알려줘")
    assert lines[0].startswith("verbose: 학습 중 로그를")
    assert [line.split(":")[0] for line in lines[1:]] == ["- 0", "- 1", "- 2"]


FRAMEWORKS_FEATURES = """## 웹 프레임워크
| 프레임워크 | 라이선스 | 최초 릴리스 |
|---|---|---|
| 장고 | BSD License | 2005년 |
| 플라스크 | BSD License | 2010년 |

- 장고 (django)
    - 특징
        - 개발에 필요한 많은 기능이 구현되어 있는 풀스택 프레임워크
- 플라스크 (flask)
    - 특징
        - 최소한의 기능만 제공하는 마이크로 웹 프레임워크
"""


def test_a_comparison_reads_each_side_from_under_its_own_bullet() -> None:
    """Each side's line may stand under a label of the side's (장고 > 특징 > …), not name
    it itself; such a line, about what is asked (기능), answers over the side's table row,
    and its label says whose it is."""
    notes = _notes(FRAMEWORKS_FEATURES)
    lines = _answer_over(notes, "플라스크는 장고랑 비교하면 기능 면에서 어때?")
    assert lines[0].startswith("플라스크 (flask) 특징: 최소한의 기능만 제공하는")
    assert lines[1].startswith("- 장고 (django) 특징: 개발에 필요한 많은 기능이")


PREFIX_NOTE = """## 서버 설정
| 인자 | 설명 |
|---|---|
| save_prefix | 저장되는 이미지 이름 앞에 붙는 접두어 |

```python
# 메인 라우터 생성
api_router = APIRouter(prefix="/ai/v1", tags=["Gateway API"])
```
"""


def test_code_that_names_every_thing_asked_answers_over_prose_that_names_one() -> None:
    notes = _notes(PREFIX_NOTE)
    # the row names prefix only; the line of code names the router and its prefix
    lines = _answer_over(notes, "gateway API 라우터는 어떤 prefix로 묶여 있어요?")
    assert any('api_router = APIRouter(prefix="/ai/v1"' in line for line in lines)


SAVE_NOTE = """## 저장 API

사진을 올리면 서버 폴더에 저장하는 API를 만들었다. 저장 API는 학습용 사진을 모을 때 쓴다.

```python
@router.post("/save")
async def save_photo(photo: UploadFile = File(...)):
    path = os.path.join(PHOTO_DIR, photo.filename)
    try:
        with open(path, "wb") as out:
            shutil.copyfileobj(photo.file, out)
        return JSONResponse(content={"name": photo.filename, "message": "저장 완료"})
    except Exception as e:
        logger.error(f"저장 실패: {e}")
        return JSONResponse(content={"error": str(e)}, status_code=500)

@router.get("/photos")
async def list_photos():
    return {"photos": os.listdir(PHOTO_DIR)}
```
"""


def test_what_an_api_gives_back_is_quoted_from_its_code() -> None:
    lines = _answer_over(_notes(SAVE_NOTE), "저장 API는 성공하면 뭘 돌려줘?")
    assert any('"message": "저장 완료"' in line for line in lines), lines
    # only that step: not the handler of a failure, nor the next endpoint
    assert not any("except" in line or "@router.get" in line for line in lines), lines


SAMPLE_ENDPOINT_NOTE = """## 샘플 API
```python
@router.post("/digit-sample")
async def post_digit_sample(request: DigitSampleRequest):
    \"\"\"숫자 샘플 이미지를 지정된 인덱스로 저장합니다.\"\"\"
    # 인덱스 범위 확인
    if request.index < 0 or request.index >= len(train_images):
        return JSONResponse(content={"error": "유효하지 않은 인덱스"}, status_code=400)
```
"""


def test_a_condition_that_ends_a_block_of_code_is_quoted_as_far_as_the_block_goes() -> None:
    """The condition and the first lines of its block are quoted; where the notes' code
    ends first, as many as there are (this raised IndexError)."""
    notes = _notes(SAMPLE_ENDPOINT_NOTE)
    lines = _answer_over(notes, "digit-sample POST에 index를 70000으로 주면 왜 에러 나?")
    assert lines[1:] == [
        "```",
        "    if request.index < 0 or request.index >= len(train_images):",
        '        return JSONResponse(content={"error": "유효하지 않은 인덱스"}, status_code=400)',
        "```",
    ]


AUGMENT_NOTE = """## 이미지 전처리
```python
class Preprocess:
    def __init__(self, size, mean, std):
        self.steps = {
            "train": transforms.Compose([
                transforms.RandomResizedCrop(size),
                transforms.RandomHorizontalFlip(),
                transforms.ToTensor(),
                transforms.Normalize(mean, std)
            ]),
            "test": transforms.Compose([
                transforms.Resize(size),
                transforms.CenterCrop(size),
                transforms.ToTensor(),
                transforms.Normalize(mean, std)
            ])
        }
```
"""


def test_a_part_of_a_long_statement_asked_for_is_quoted_whole() -> None:
    """The entry asked for ("test") of a statement too long to show is quoted from its
    own line to the bracket it closes, not cut after its first line below the other
    entry's lines, nor opened with the brackets the entry before it closes."""
    notes = _notes(AUGMENT_NOTE)
    lines = _answer_over(notes, "코드에서 test 이미지는 transforms를 어떻게 거쳐?")
    assert lines[1:] == [
        "```",
        '            "test": transforms.Compose([',
        "                transforms.Resize(size),",
        "                transforms.CenterCrop(size),",
        "                transforms.ToTensor(),",
        "                transforms.Normalize(mean, std)",
        "            ])",
        "```",
    ]


GATEWAY_MAIN_NOTE = """## 게이트웨이
- 배포할 때는 reload 설정을 끈다.

```python
# 앱 설정
app = FastAPI(title="Gateway API", version="0.1.0")

# 서버 실행
if __name__ == "__main__":
    uvicorn.run("app.main:app", host="0.0.0.0", port=port, reload=True)
```
"""


def test_a_line_of_code_under_the_subject_answers_in_the_words_it_is_asked() -> None:
    notes = _notes(GATEWAY_MAIN_NOTE)
    # the prose names reload alone, so the code is weighed: 서버 is in the comment the
    # line stands under, host and reload in the line itself; the line that names the
    # gateway says nothing else asked
    lines = _answer_over(notes, "gateway 서버는 마지막에 어떻게 실행시켜? host랑 reload 설정도")
    assert any("uvicorn.run(" in line for line in lines)
    assert not any("app = FastAPI(" in line for line in lines)


MODELS_TABLE_NOTE = """## 챗봇 모델 고르기
챗봇에는 생성 모델을 쓰는데, 노트북에서 돌릴 수 있는 작은 모델도 여러 종류가 있다.

| 모델 | 크기 | 언어 |
|---|---|---|
| TinyGen | 0.5B | 영어 |
| KoSmall | 1B | 한국어 |
| MiniChat | 2B | 다국어 |

모델이 클수록 메모리가 많이 든다.
"""


def test_a_list_asked_of_a_line_that_introduces_a_table_is_the_table() -> None:
    notes = _notes(MODELS_TABLE_NOTE)
    lines = _answer_over(notes, "노트북에서 돌릴 수 있는 작은 모델 목록 보여줘")
    assert lines[0].startswith("챗봇 모델 고르기: 챗봇에는 생성 모델을 쓰는데")
    assert [line.split(":")[0] for line in lines[1:]] == ["- TinyGen", "- KoSmall", "- MiniChat"]


TWO_THINGS_NOTE = """## 드롭아웃과 조기 종료
드롭아웃은 학습 중에 뉴런 출력 일부를 무작위로 0으로 만들어 특정 뉴런에 기대지 않게 한다.
조기 종료는 검증 손실이 몇 에포크 동안 나아지지 않으면 학습을 멈추는 방법이다.
Keras에서는 EarlyStopping(patience=5) 콜백으로 간단히 적용할 수 있다.
"""


def test_a_line_about_the_other_thing_of_a_shared_title_does_not_lead() -> None:
    """Under a title that names two things, a line that says how of the other one (its
    own topic, or a name from code the question does not name) does not lead."""
    notes = _notes(TWO_THINGS_NOTE)
    lines = _answer_over(notes, "드롭아웃은 어떻게 동작해?")
    assert "드롭아웃은 학습 중에" in lines[0]
    # a shorter name of the subject is the subject: "풀링은 …" answers of 풀링 계층
    notes = _notes(
        "## 풀링 계층\n풀링 계층은 특징 맵을 작은 영역으로 나눠 대표값 하나만 남기는 층이다.\n"
        "풀링은 연산량을 줄이고 위치가 조금 바뀌어도 출력이 크게 변하지 않게 해 준다.\n"
    )
    assert "풀링은 연산량을 줄이고" in _answer_over(notes, "풀링 계층은 왜 쓰는 거야?")[0]


FACE_CODE_NOTE = """## 이미지 처리
얼굴 인식은 CNN이 잘하는 대표적인 일이다.

```python
def mosaic_all(img, detector):
    faces = detector.detectMultiScale(img)
    for (x, y, w, h) in faces:
        logger.info(f"얼굴 좌표: {x}, {y}")
        # 얼굴 영역 잘라내기
        face_img = img[y:y+h, x:x+w]
        # 모자이크 적용
        small = cv2.resize(face_img, (8, 8))
        mosaic = cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)
        # 원본 이미지에 다시 붙이기
        img[y:y+h, x:x+w] = mosaic
    return img
```
"""


def test_a_line_of_code_that_says_what_prose_on_the_subject_does_not_answers() -> None:
    """The prose names the face and nothing else asked; the comment over a line of code
    says the rest, and the lines above it name the face."""
    notes = _notes(FACE_CODE_NOTE)
    lines = _answer_over(notes, "모자이크한 얼굴은 원본 이미지에 어떻게 다시 붙여?")
    assert any("img[y:y+h, x:x+w] = mosaic" in line for line in lines)
    assert not any("얼굴 인식은" in line for line in lines)


def test_a_line_of_code_names_a_word_by_its_english_name_against_prose() -> None:
    """ "얼굴 모자이크": the prose names 얼굴 alone, the code names 모자이크 in its comment and
    얼굴 by `face_img`, so the code says the more of what is asked."""
    lines = _answer_over(_notes(FACE_CODE_NOTE), "얼굴 모자이크는 어떻게 입혀?")
    assert lines[0] == "노트의 코드 중 '모자이크 적용' 부분에 이렇게 적혀 있어요. [1]", lines
    assert not any("얼굴 인식은" in line for line in lines)


def test_the_line_of_code_under_the_comment_that_says_what_is_asked_answers() -> None:
    """The lines name the face and the mosaic; the one to quote is the line whose comment
    says what is asked beyond them (잘라내기)."""
    notes = _notes(FACE_CODE_NOTE)
    lines = _answer_over(
        notes, "모자이크 코드에서 얼굴 부분만 어떻게 잘라내요?", domains=frozenset({"모자이크"})
    )
    assert any("face_img = img[y:y+h, x:x+w]" in line for line in lines)
    assert not any("cv2.resize(face_img" in line for line in lines)


def test_the_step_under_a_comment_that_names_the_subject_is_quoted_whole() -> None:
    """Three lines name the mosaic in their own words; the ones to quote are the step
    under the comment that names it ("모자이크 적용"), both of its lines."""
    lines = _answer_over(_notes(FACE_CODE_NOTE), "모자이크는 어떻게 처리해?")
    assert lines[0] == "노트의 코드 중 '모자이크 적용' 부분에 이렇게 적혀 있어요. [1]", lines
    assert lines[2:4] == [
        "        small = cv2.resize(face_img, (8, 8))",
        "        mosaic = cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)",
    ]
    assert not any("img[y:y+h, x:x+w] = mosaic" in line for line in lines)


def test_code_under_a_comment_naming_the_subject_answers_where_no_prose_names_it() -> None:
    """No line of prose names CORS, only 설정 of other things; the code's comment "CORS
    설정" names it whole, over the lines that do it (not the import that names cors)."""
    note = (
        "## 튜닝\n\n- verbose: 출력의 자세함 정도를 설정합니다.\n"
        "- scoring: 모델 성능을 평가할 기준을 설정합니다.\n\n"
        "## 게이트웨이\n\n```python\nfrom fastapi import FastAPI\n"
        "from fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\n\n"
        '# CORS 설정\napp.add_middleware(\n    CORSMiddleware,\n    allow_origins=["*"],\n)\n'
        "```\n"
    )
    lines = _answer_over(_notes(note), "CORS 설정은 어떻게 해?")
    assert lines[0] == "노트의 코드 중 'CORS 설정' 부분에 이렇게 적혀 있어요. [1]", lines
    assert lines[2] == "app.add_middleware(", lines
    assert not any("import" in line or "설정합니다" in line for line in lines)


def test_the_code_of_a_heading_asked_to_be_shown_is_its_whole_block() -> None:
    note = (
        "## 학습 루프 만들기\n\n학습 루프는 에포크마다 배치를 돌며 가중치를 갱신한다.\n\n"
        "```python\nimport torch\n\nmodel = make_model()\n"
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n\n"
        "for epoch in range(5):\n    for x, y in loader:\n        optimizer.zero_grad()\n"
        "        loss = loss_fn(model(x), y)\n        loss.backward()\n        optimizer.step()\n"
        "```\n\n## 평가\n\n```python\nmodel.eval()\n```\n"
    )
    lines = _answer_over(_notes(note), "학습 루프 코드로 보여줘")
    assert lines[0] == "노트의 코드 중 '학습 루프 만들기' 부분에 이렇게 적혀 있어요. [1]", lines
    assert lines[2] == "import torch" and lines[-2] == "        optimizer.step()", lines
    assert "model.eval()" not in lines  # the block of another heading


def test_a_name_that_opens_a_word_of_code_is_found_in_it() -> None:
    """detectMultiScale is how the face is found (찾: detect), faces are faces."""
    notes = _notes(FACE_CODE_NOTE)
    lines = _answer_over(notes, "모자이크 코드에서 얼굴은 어떻게 찾아내?")
    assert any("detector.detectMultiScale(img)" in line for line in lines)


SEARCH_LOG_NOTE = """## 탐색 로그
iter: 2
n_resources: 300

로그 해석

n_resources: 300:
각 후보 모델이 학습에 쓰는 샘플 수가 300개라는 뜻이다.
"""


def test_a_value_alone_does_not_define_a_name() -> None:
    """The line "n_resources: 300" gives the value; the line under the title of that name
    says what it means."""
    notes = _notes(SEARCH_LOG_NOTE)
    lines = _answer_over(notes, "n_resources는 무슨 뜻이야?")
    assert "샘플 수가 300개라는 뜻이다" in lines[0]


def test_a_short_latin_name_is_not_found_inside_a_longer_word() -> None:
    """The name "ann" is a word of "인공 신경망 - ann", not a part of "in_channel"."""
    notes = _notes(
        "## 파라미터\n- in_channel: 입력 채널 수\n- out_channel: 출력 채널 수\n\n"
        "## 신경망\n- 인공 신경망 - ann\n"
    )
    lines = _answer_over(notes, "ann이 뭐의 줄임말이야?")
    assert lines[0].startswith("인공 신경망: ann")
    assert not any("channel" in line for line in lines)


def test_a_line_that_says_what_is_called_by_the_name_leads_a_definition() -> None:
    """The line "… 갱신하는 것이 경사 하강법(gradient descent)이며" names what it
    describes; the line that names kinds of it does not define it."""
    notes = _notes(
        "## 학습\n"
        "- 데이터 전체로 기울기를 구하면 배치 경사 하강법, "
        "하나씩 쓰면 확률적 경사 하강법이라 부른다.\n"
        "- 기울기 반대 방향으로 가중치를 조금씩 갱신하는 것이 경사 하강법(gradient descent)이며, "
        "한 번에 움직이는 크기가 학습률이다.\n"
    )
    lines = _answer_over(notes, "경사 하강법이 뭐야?")
    assert "갱신하는 것이 경사 하강법" in lines[0]


def test_a_thing_done_names_no_one_unless_the_sentence_says_by_whom() -> None:
    from chatbot.answering.select import answers_kind

    def unit(text: str) -> UnitRecord:
        return unit_records("n.md", 1, f"## 모델\n- {text}\n")[0]

    assert answers_kind(unit("GRU는 2014년 조경현 등이 제안한 구조다."), "who")
    assert answers_kind(unit("초기 개발자: Armin Ronacher"), "who")
    assert not answers_kind(unit("LSTM은 1997년에 제안된 RNN 변형이다."), "who")
    assert not answers_kind(unit("각 게이트는 sigmoid로 0~1 사이 값을 만들어 조절한다."), "who")


def test_another_row_of_a_table_is_about_its_own_name() -> None:
    note = (
        "## 신경망 구성\n\n"
        "| 구분 | 구성 요소 | 설명 |\n|---|---|---|\n"
        "| 층 | 은닉층 (hidden layer) | 가중합을 계산하고, 이 값을 활성화 함수에 적용하여 "
        "다음 층에 전달하는 층 |\n"
        "| 함수 | 활성화 함수 (activation function) | 신호를 입력받아 이를 적절히 처리하여 "
        "출력해 주는 함수 |\n"
        "| 함수 | 손실 함수 (loss function) | 출력과 실제 값 간의 오차를 측정하는 함수 |\n"
    )
    lines = _answer_over(_notes(note), "활성화 함수는 뭐야?")
    assert lines[0].startswith("함수: 구성 요소: 활성화 함수")
    # the row of 은닉층 mentions it, yet is about 은닉층
    assert not any("은닉층" in line for line in lines)
    # a comparison reads on through the rows
    compared = "\n".join(_answer_over(_notes(note), "활성화 함수랑 손실 함수 차이가 뭐야?"))
    assert "신호를 입력받아" in compared and "오차를 측정" in compared


def test_a_short_sentence_that_says_what_its_topic_is_stands_alone() -> None:
    """ "모델은 구조이다." is short, yet a whole statement; "소스가 기억이 안남." is a note."""
    units = unit_records(
        "model.md", 1, "NN과 딥러닝 MODEL\n\n- dnn은 딥러닝의 모델이다.\n- 모델은 구조이다.\n", 0
    )
    by_text = {u.text: u for u in units}
    assert standalone(by_text["모델은 구조이다."])
    (note,) = unit_records("log.md", 2, "1. 소스가 기억이 안남.\n2. 스케일러 스펠링\n", 0)[:1]
    assert not standalone(note)
    lines = _answer_over(_notes("NN과 딥러닝 MODEL\n\n- 모델은 구조이다.\n"), "모델은 뭐야?")
    assert lines[0].startswith("모델은 구조이다.")


def test_a_keyword_of_code_before_a_korean_word_opens_prose() -> None:
    units = unit_records(
        "act.md",
        1,
        "#### 활성화 함수\n- 뉴런이 반응할지 결정하는 함수이다.\n"
        "- return 뒤에 있는 함수를 의미함\n",
        0,
    )
    prose = next(u for u in units if u.text.startswith("return"))
    assert standalone(prose)
    assert not standalone(replace(prose, text="return model(x)"))


def test_the_word_that_asks_for_a_comparison_is_not_what_it_is_about() -> None:
    notes = _notes(
        "## CNN\n- CNN은 이미지 처리에 특화된 합성곱 신경망이다.\n"
        "- AlexNet은 ImageNet 대회에서 큰 차이로 우승하며 CNN이 주목받게 했다.\n"
        "## RNN\n- RNN은 시퀀스를 한 시점씩 읽는 순환 신경망이다.\n"
    )
    lines = _answer_over(notes, "CNN이랑 RNN 차이가 뭐야?")
    assert lines[0].startswith("CNN은 이미지 처리에 특화된")
    assert any("RNN은 시퀀스를" in line for line in lines)


def test_of_two_lines_that_say_why_the_one_that_says_what_is_asked_leads() -> None:
    notes = _notes(
        "## LSTM\n"
        "- LSTM은 RNN 변형으로, 장기 의존성 문제를 줄이기 위해 셀 상태를 따로 둔다.\n"
        "- 각 게이트는 정보를 얼마나 통과시킬지 곱셈으로 조절한다.\n"
        "- 셀 상태가 덧셈 위주로 갱신되기 때문에 기울기가 먼 시점까지 잘 전달된다.\n"
    )
    lines = _answer_over(notes, "LSTM은 왜 기울기 소실에 강해?")
    assert lines[0].startswith("LSTM: 셀 상태가 덧셈 위주로"), lines
    # asked why it exists, the line that says what it is for leads
    assert _answer_over(notes, "LSTM은 왜 써?")[0].startswith("LSTM은 RNN 변형으로")


def test_what_it_is_often_used_for_says_when() -> None:
    notes = _notes(
        "## 옵티마이저\n\n| 이름 | 핵심 아이디어 | 비고 |\n|---|---|---|\n"
        "| RMSProp | 최근 기울기 제곱의 이동 평균으로 학습률 조절 | RNN 학습에 자주 사용 |\n"
    )
    lines = _answer_over(notes, "RMSProp은 언제 써?")
    assert lines[0].startswith("RMSProp: ") and "RNN 학습에 자주 사용" in lines[0]


@pytest.mark.parametrize(
    ("note", "question", "said"),
    [
        # what it is applied to, said last (when)
        (
            "## 커널\n\n* `다항식 커널`\n"
            "    * 다항식 커널은 특성의 곱을 모두 더한 것과 같은 효과를 낸다\n"
            "    * 곡선 모양의 경계가 필요한 데이터에 적용\n",
            "다항식 커널은 언제 써?",
            "경계가 필요한 데이터에 적용",
        ),
        # what it suits (when)
        (
            "## 모델\n\n- GNN(그래프 신경망) - 노드와 간선으로 이뤄진 그래프 데이터 처리에 매우 "
            "효과적인 구조\n",
            "GNN은 언제 써?",
            "그래프 데이터 처리에 매우 효과적인",
        ),
        # a means that keeps a thing in check (how); not the strength that says 과정
        (
            "## 그래디언트 부스팅\n\n"
            "- 그래디언트 부스팅은 앞선 트리의 오차를 다음 트리가 보정하며 쌓는 앙상블이다.\n"
            "- 예측 과정을 트리마다 따라가 볼 수 있어 해석이 비교적 쉽다는 장점이 있다.\n"
            "- 트리를 너무 많이 쌓으면 과적합되므로 학습률과 조기 종료로 모델 복잡도를 조절한다.\n",
            "그래디언트 부스팅은 과적합을 어떻게 막아?",
            "조기 종료로 모델 복잡도를 조절한다",
        ),
    ],
)
def test_a_line_that_says_the_kind_asked_in_its_own_words_leads(
    note: str, question: str, said: str
) -> None:
    lines = _answer_over(_notes(note), question)
    # it leads, and no header says the notes do not say it
    assert said in lines[0], lines


def test_a_list_before_cheoreom_gives_examples() -> None:
    notes = _notes(
        "## 데이터 증강\n\n데이터 증강은 좌우 뒤집기, 무작위 자르기, 회전처럼 정답이 바뀌지 않는 "
        "변형을 학습 이미지에 적용해 데이터를 늘리는 방법이다.\n"
    )
    lines = _answer_over(notes, "데이터 증강 예시 좀 들어줘")
    assert lines[0].startswith("데이터 증강은 좌우 뒤집기"), lines


def test_what_to_type_is_the_command_that_holds_what_is_asked() -> None:
    notes = _notes(
        "http://127.0.0.1:8000/\nuvicorn main:app --reload --port=8888\n\n"
        '## 서버 실행\n\n```python\nif __name__ == "__main__":\n'
        '    uvicorn.run("app.main:app", host="0.0.0.0", port=port, reload=True)\n```\n'
    )
    lines = _answer_over(notes, "uvicorn으로 8888 포트에 reload 켜고 서버 띄우려면 어케 쳐?")
    assert lines[1:] == ["```", "uvicorn main:app --reload --port=8888", "```"], lines
    # a command that holds too little of what is asked is not it
    assert "8888" not in "\n".join(_answer_over(notes, "gunicorn 워커 4개로 띄우려면 뭐라고 쳐?"))


def test_a_line_that_sets_kinds_of_the_sides_against_each_other_answers_a_comparison() -> None:
    notes = _notes(
        "## Transformer\n\n"
        "- 원 논문은 고정 위치 인코딩을 썼고, BERT와 GPT-2는 위치별 임베딩을 학습한다.\n"
        "- 인코더만 쓰는 BERT는 문장 이해에, 디코더만 쓰는 GPT 계열은 텍스트 생성에 쓰인다.\n"
    )
    lines = _answer_over(notes, "BERT랑 GPT는 뭐가 달라?")
    assert lines[0].startswith("Transformer: 인코더만 쓰는 BERT는"), lines


def test_a_line_that_says_one_side_against_the_other_leads_a_comparison() -> None:
    notes = _ranked(
        (
            "a.md",
            "## 순환 모델\n\n##### RNN과 LSTM, GRU는 모두 시퀀스를 다루는 모델이다.\n\n"
            "- GRU: 게이트 두 개로 상태를 갱신하는 모델이다.\n"
            "- LSTM은 셀 상태를 따로 두어 긴 시퀀스를 기억한다.\n",
        ),
        (
            "b.md",
            "## 모델의 관계\n\n- 계층 구조: RNN (기본), ↳ LSTM (장기 기억 강화), "
            "↳ GRU (LSTM보다 가볍고 빠름)\n",
        ),
    )
    lines = _answer_over(notes, "GRU는 LSTM이랑 뭐가 달라?")
    assert "GRU (LSTM보다 가볍고 빠름)" in lines[0], lines


def test_a_line_that_says_a_thing_against_the_usual_one_leads_that_comparison() -> None:
    notes = _ranked(
        (
            "a.md",
            "## 순환 신경망 (RNN)\n\n"
            "* 시간적으로 연속성이 있는 데이터를 처리하려고 고안된 인공 신경망\n"
            "  * RNN의 Recurrent는 이전 은닉층이 현재 은닉층의 입력이 된다는 의미\n"
            "  * 기존 네트워크와의 차이점은 기억(memory)을 갖는다는 것이다.\n",
        ),
    )
    for question in ("RNN은 일반 신경망이랑 뭐가 달라?", "RNN은 기존 신경망과 다른 점이 뭐야?"):
        lines = _answer_over(notes, question)
        assert "기존 네트워크와의 차이점은" in lines[0], lines


def test_where_a_thing_is_used_is_asked_in_whatever_verb_the_notes_use() -> None:
    notes = _ranked(
        (
            "a.md",
            "## RNN vs LSTM\n\n"
            "##### RNN과 LSTM은 모두 시퀀스 데이터를 처리하는 모델이다.\n"
            "- 입력과 출력 사이의 은닉층은 상태를 갖고 있다. 이때 RNN이 쓰인다.\n",
        ),
        (
            "b.md",
            "## 용어\n\n"
            "- RNN은 앞 단계의 출력을 다음 단계의 입력에 반영한다. 단어예측, 문장생성, "
            "시계열 예측 등 널리 사용된다.\n",
        ),
    )
    lines = _answer_over(notes, "RNN은 주로 어디에 쓰여요?")
    assert "시계열 예측 등 널리 사용된다" in lines[0], lines


def test_a_table_whose_column_the_question_names_is_the_list_asked_for() -> None:
    notes = _ranked(
        ("a.md", "## 용어\n\n- 인공 신경망: ann\n"),
        (
            "b.md",
            "## 딥러닝\n\n"
            "* 퍼셉트론\n"
            "    * 인공 신경망에서 이용하는 구조로 이루어진 선형 분류기\n\n"
            "| 구분 | 구성 요소 | 설명 |\n"
            "|---|---|---|\n"
            "| 층 | 입력층 (input layer) | 데이터를 받아들이는 층 |\n"
            "| 층 | 출력층 (output layer) | 최종 결괏값이 포함된 층 |\n"
            "| 함수 | 손실 함수 (loss function) | 오차를 측정하는 함수 |\n",
        ),
    )
    lines = _answer_over(notes, "인공 신경망 구성 요소 표에 뭐뭐 있어?")
    assert any("손실 함수" in line for line in lines), lines
    assert "인공 신경망에서 이용하는 구조" in lines[0], lines
    # a column no question names is no list of it
    lines = _answer_over(notes, "인공 신경망 종류 뭐뭐 있어?")
    assert not any("손실 함수" in line for line in lines), lines


def test_a_side_search_missed_is_found_by_the_title_of_its_section() -> None:
    chunks = [
        (
            "a.md",
            "## 로지스틱 회귀\n\n* 왜 사용할까?\n    * 두 집단 중 어디에 속할지 확률로 분류\n"
            "* 로지스틱 회귀는 시그모이드 함수로 확률을 구한다.\n",
        ),
        (
            "b.md",
            "## 서포트 벡터 머신 (Support Vector Machine, SVM)\n\n"
            "* 언제 사용하면 좋을까?\n    * 정확도를 요구하는 분류 문제를 다룰 때 사용하면 좋다.\n",
        ),
    ]
    # search found only the one side
    texts = _answer_over(_ranked(*chunks), "SVM이랑 로지스틱 회귀 차이가 뭐야?", found=1)
    assert any("정확도를 요구하는 분류 문제" in t for t in texts), texts
    assert any("확률로 분류" in t or "시그모이드" in t for t in texts), texts


def test_sides_the_notes_compare_under_a_label_of_their_own_are_one_line_each() -> None:
    notes = _notes(
        "## 지도 학습\n\n"
        "* 배깅과 부스팅의 차이\n"
        "    * 배깅\n"
        "        * 학습 방식 : 여러 모델을 서로 독립적으로 학습\n"
        "        * 결합 : 예측을 평균 내거나 투표로 정함\n"
        "    * 부스팅\n"
        "        * 학습 방식 : 앞 모델이 틀린 샘플에 가중치를 두고 차례로 학습\n"
        "        * 결합 : 모델마다 가중치를 두어 더함\n"
        "* 부스팅 모델은 배깅보다 과적합에 약할 수 있다.\n"
    )
    lines = _answer_over(notes, "부스팅이랑 배깅 차이 알려줘")
    assert lines[0].startswith("부스팅: 학습 방식: 앞 모델이 틀린 샘플에"), lines
    assert "결합: 모델마다 가중치를 두어 더함" in lines[0]
    assert lines[1].startswith("- 배깅: 학습 방식: 여러 모델을 서로 독립적으로 학습"), lines
    assert len(lines) == 2


RNN_NOTE = (
    "## 순환 신경망\n\n"
    "- RNN은 순서가 있는 데이터를 앞 단계의 출력을 이어 받아 처리하는 신경망이다.\n"
    "- 1980년대에 처음 제안된 RNN은 음성 인식에서 처음 크게 성과를 냈다.\n"
)
EMBEDDING_REASON_NOTE = (
    "# 임베딩\n\n"
    "임베딩 층은 단어 번호를 밀집 벡터로 바꾸는 층이다.\n"
    "Keras에서는 Embedding(input_dim, output_dim)으로 만든다.\n\n"
    "## 임베딩을 쓰는 이유\n\n"
    "원-핫 벡터는 어휘 수만큼 길고 단어 사이의 거리를 담지 못한다.\n"
)
RESNET_NOTE = (
    "## ResNet\n\n"
    "- ResNet은 2015년에 제안된 잔차 연결을 쓰는 CNN이다.\n"
    "- 잔차 블록은 입력을 출력에 더해 기울기가 잘 흐르게 한다.\n"
    "- 층을 아주 깊게 쌓아야 할 때 유리하다.\n"
)
GRU_WHEN_NOTE = (
    "## GRU\n\n"
    "- GRU는 2014년에 제안된 순환 신경망이다.\n"
    "- 리셋 게이트는 새 상태를 만들 때 과거를 얼마나 버릴지 정한다.\n"
    "- 파라미터가 적어 데이터가 적을 때 유리하다.\n"
)
KNN_NOTE = (
    "## KNN\n\n"
    "- KNN은 가장 가까운 K개 이웃의 다수결로 분류하는 모델이다.\n"
    "- KNN은 학습 단계가 없어 구현이 간단하다.\n"
    "- KNN은 특성이 많아지면 거리가 비슷해져 성능이 떨어지고 예측이 느리다.\n"
)
ENCODER_DECODER_NOTE = (
    "## 인코더-디코더\n\n"
    "인코더-디코더는 입력 문장을 인코더가 읽어 벡터 하나로 요약하고, 디코더가 그 벡터에서 "
    "출력 문장을 만드는 구조이다.\n"
    "긴 문장도 벡터 하나에 담아야 해서 앞부분 정보가 흐려지는 병목이 생긴다.\n"
)
CNN_MAKER_NOTE = (
    "## CNN\n\n"
    "- CNN은 딥러닝 모델의 구조이자, 학습된 파라미터를 포함한 모델 그 자체이다.\n\n"
    "## 모델 메모\n\n"
    "CNN으로 하면 정확도가 올라간다. -->얀 르쿤이 개발하였다.\n"
)
VANISHING_NOTE = (
    "## BPTT\n\n"
    "- 기울기 소멸 문제를 보완하기 위해 오차를 몇 단계까지만 전파시키는 생략된-BPTT를 쓴다.\n"
    "- 오차가 멀리 전파될 때 전파되는 양이 점차 적어지는 문제점(기울기 소멸 문제)이 발생함\n"
)
UNSUPERVISED_NOTE = (
    "## 비지도 학습\n\n"
    "- 비지도 학습은 레이블 없이 데이터 자체의 구조를 찾아내는 대표적인 방법이다.\n"
    "- 대표적인 비지도 작업은 샘플을 묶는 군집화(K-Means, DBSCAN)와 차원 축소(PCA)이다.\n"
)
RELU_CAVEAT_NOTE = (
    "## 활성화 함수\n\n"
    "| 이름 | 식 | 주 용도 |\n|---|---|---|\n| ReLU | max(0, x) | 은닉층의 기본값 |\n\n"
    "ReLU는 계산이 단순해 학습이 빠르다. 다만 입력이 계속 음수인 뉴런은 기울기가 0이 되는 "
    "죽은 ReLU 문제가 생길 수 있다.\n"
)
GRU_BETTER_NOTE = (
    "## GRU\n\n"
    "- GRU는 2014년에 제안된 구조로, LSTM을 단순화한 모델이다.\n"
    "- 파라미터가 LSTM보다 적어 학습이 빠르다.\n"
)
LEARNING_CURVE_NOTE = (
    "## 학습 곡선\n\n"
    "- 학습 곡선: 에포크마다 손실을 그린 그래프이다.\n"
    "- 검증 손실이 오르기 시작할 때 학습 곡선을 보고 학습을 멈춘다.\n"
)
PCA_PURPOSE_NOTE = (
    "## 주성분 분석\n\n"
    "- 주성분 분석은 분산이 가장 큰 방향으로 데이터를 투영하는 차원 축소 기법이다.\n"
    "- 단위가 다른 특성이 섞이면 큰 값이 주성분을 지배하므로 먼저 표준화한다.\n"
    "- 고차원 데이터를 2차원으로 줄여 시각화하는 전처리로 쓴다.\n"
)
EXAMPLES_NOTE = (
    "## 분류와 회귀 구분\n\n"
    "- 스팸 판별이나 숫자 인식처럼 후보 중 하나를 고르는 문제는 분류이다.\n"
    "- 집값, 기온처럼 실수 값을 맞히는 문제는 회귀이다.\n"
)


@pytest.mark.parametrize(
    ("note", "question", "lead"),
    [
        # a question that asks more than what the subject is: the line that says all of it
        pytest.param(
            RNN_NOTE,
            "RNN은 처음 어디서 성과를 냈어?",
            "순환 신경망: 1980년대에 처음 제안된 RNN은 음성 인식에서 처음 크게 성과를 냈다. [1]",
            id="asks-more",
        ),
        # what it is, asked as such, is still led by what it is
        pytest.param(
            RNN_NOTE,
            "RNN이 뭐야?",
            "순환 신경망: RNN은 순서가 있는 데이터를 앞 단계의 출력을 이어 받아 "
            "처리하는 신경망이다. [1]",
            id="asks-what",
        ),
        # the lines under a title that ends by naming the reason say why
        pytest.param(
            EMBEDDING_REASON_NOTE,
            "임베딩은 왜 써?",
            "임베딩을 쓰는 이유: 원-핫 벡터는 어휘 수만큼 길고 단어 사이의 거리를 담지 못한다. [1]",
            id="reason-title",
        ),
        # when a thing is used is not the year it came; since when it exists is
        pytest.param(
            RESNET_NOTE,
            "ResNet은 언제 써?",
            "ResNet: 층을 아주 깊게 쌓아야 할 때 유리하다. [1]",
            id="when-used",
        ),
        pytest.param(
            RESNET_NOTE,
            "ResNet은 언제 나왔어?",
            "ResNet은 2015년에 제안된 잔차 연결을 쓰는 CNN이다. [1]",
            id="when-came",
        ),
        # a line that says when it is used leads one with a clause of time only
        pytest.param(
            GRU_WHEN_NOTE,
            "GRU는 언제 써?",
            "GRU: 파라미터가 적어 데이터가 적을 때 유리하다. [1]",
            id="when-over-clause",
        ),
        # a weakness or a strength asked for; what is better than in another is a strength
        pytest.param(
            KNN_NOTE,
            "KNN 단점은?",
            "KNN은 특성이 많아지면 거리가 비슷해져 성능이 떨어지고 예측이 느리다. [1]",
            id="weakness",
        ),
        # who made it: a line that says so leads one that says what it is
        pytest.param(
            CNN_MAKER_NOTE,
            "CNN은 누가 개발한 거야?",
            "모델 메모: CNN으로 하면 정확도가 올라간다. -->얀 르쿤이 개발하였다. [1]",
            id="who-made",
        ),
        # what causes a thing leads what is done about it, and the two spellings of the
        # vanishing gradient are one
        pytest.param(
            VANISHING_NOTE,
            "BPTT에서 기울기 소실 문제는 왜 생겨?",
            "BPTT: 오차가 멀리 전파될 때 전파되는 양이 점차 적어지는 문제점(기울기 소멸 "
            "문제)이 발생함 [1]",
            id="cause",
        ),
        # a caveat ("다만 …") and the trouble it brings say a weakness
        pytest.param(
            RELU_CAVEAT_NOTE,
            "ReLU 단점은?",
            "활성화 함수: ReLU는 계산이 단순해 학습이 빠르다. 다만 입력이 계속 음수인 뉴런은 "
            "기울기가 0이 되는 죽은 ReLU 문제가 생길 수 있다. [1]",
            id="caveat",
        ),
        # a formula, when one is asked to compute, over a line that shows a setting
        pytest.param(
            "## 완전 연결 층 (Dense)\n\n"
            '- Keras에서는 Dense(units=64, activation="relu")처럼 쓴다.\n'
            "- 입력이 N개, 출력이 M개이면 가중치 수는 (N + 1) \\times M이다(+1은 편향).\n",
            "Dense 가중치 수는 어떻게 계산해?",
            "완전 연결 층 (Dense): 입력이 N개, 출력이 M개이면 가중치 수는 (N + 1) \\times "
            "M이다(+1은 편향). [1]",
            id="formula",
        ),
        # a cost is a weakness
        pytest.param(
            "## 계층적 군집\n\n"
            "- 계층적 군집은 가까운 샘플부터 차례로 묶어 나무 모양의 군집을 만든다.\n"
            "- 군집 수를 미리 정하지 않아도 되지만, 샘플이 많으면 연산량이 크게 늘어난다.\n",
            "계층적 군집 단점은?",
            "계층적 군집: 군집 수를 미리 정하지 않아도 되지만, 샘플이 많으면 연산량이 크게 "
            "늘어난다. [1]",
            id="cost",
        ),
        # 문제점 asks for a weakness; a line of the section that says one leads the line
        # that names the subject (and "요약하고" says none)
        pytest.param(
            ENCODER_DECODER_NOTE,
            "인코더-디코더의 문제점은 뭐야?",
            "인코더-디코더: 긴 문장도 벡터 하나에 담아야 해서 앞부분 정보가 흐려지는 병목이 "
            "생긴다. [1]",
            id="problem",
        ),
        pytest.param(
            KNN_NOTE, "KNN 장점은?", "KNN은 학습 단계가 없어 구현이 간단하다. [1]", id="strength"
        ),
        pytest.param(
            GRU_BETTER_NOTE,
            "GRU는 LSTM보다 뭐가 좋아?",
            "GRU: 파라미터가 LSTM보다 적어 학습이 빠르다. [1]",
            id="better-than",
        ),
        # how a thing is used, with no steps in the notes: when it is used
        pytest.param(
            LEARNING_CURVE_NOTE,
            "학습 곡선은 어떻게 써?",
            "검증 손실이 오르기 시작할 때 학습 곡선을 보고 학습을 멈춘다. [1]",
            id="how-used",
        ),
        # why: what a thing is for, not a cause said of something else
        pytest.param(
            PCA_PURPOSE_NOTE,
            "주성분 분석은 왜 써?",
            "주성분 분석: 고차원 데이터를 2차원으로 줄여 시각화하는 전처리로 쓴다. [1]",
            id="purpose",
        ),
        # the things that stand for a kind are examples of it; a representative way is no
        # example
        pytest.param(
            UNSUPERVISED_NOTE,
            "비지도 학습 예시는?",
            "비지도 학습: 대표적인 비지도 작업은 샘플을 묶는 군집화(K-Means, DBSCAN)와 차원 "
            "축소(PCA)이다. [1]",
            id="representative",
        ),
        # two things joined by 이나 before 처럼 are examples
        pytest.param(
            EXAMPLES_NOTE,
            "분류 문제 예시",
            "분류와 회귀 구분: 스팸 판별이나 숫자 인식처럼 후보 중 하나를 고르는 "
            "문제는 분류이다. [1]",
            id="joined-examples",
        ),
    ],
)
def test_the_line_that_answers_what_is_asked_leads(note: str, question: str, lead: str) -> None:
    lines = _answer_over(_notes(note), question)
    assert lines[0] == lead, lines


def test_a_line_that_opens_with_the_case_it_speaks_of_says_when() -> None:
    notes = _notes(
        "## 스케일링\n\n"
        "- 로그 변환은 값의 범위를 줄이는 변환이다.\n"
        "- 한쪽으로 치우친 값이 많으면 로그 변환이 분포를 고르게 만든다.\n"
    )
    lines = _answer_over(notes, "로그 변환은 언제 써?")
    # the notes say when: no header says they do not
    assert "찾지 못했어요" not in lines[0], lines
    assert any("한쪽으로 치우친 값이 많으면" in line for line in lines), lines
    # a case a few words long, said in the negative
    notes = _notes(
        "## 응답 코드\n\n- 요청 본문이 선언한 스키마와 맞지 않으면 서버가 422 오류를 돌려준다.\n"
    )
    lines = _answer_over(notes, "422 오류는 언제 나?")
    assert lines == [
        "응답 코드: 요청 본문이 선언한 스키마와 맞지 않으면 서버가 422 오류를 돌려준다. [1]"
    ], lines
    # what it is used for is when it is used
    notes = _notes("## 시각화\n\n- subplots: 한 그림에 여러 그래프를 담기 위해 사용\n")
    lines = _answer_over(notes, "subplots는 언제 써?")
    assert lines == ["subplots: 한 그림에 여러 그래프를 담기 위해 사용. [1]"], lines
    # what it is done on, and only there
    notes = _notes(
        "## 전처리\n\n- 인코더는 학습 세트에만 fit하고 테스트 세트에는 transform만 한다.\n"
    )
    lines = _answer_over(notes, "인코더는 언제 fit해?")
    assert lines == [
        "전처리: 인코더는 학습 세트에만 fit하고 테스트 세트에는 transform만 한다. [1]"
    ], lines
    # a line that opens with doing it says how, not when
    notes = _notes("## 활성화 함수\n\n- ReLU를 쓰면 기울기 소실이 줄어든다.\n")
    lines = _answer_over(notes, "ReLU는 언제 써?")
    assert "언제 쓰는지를 딱 집어 말한 줄은 찾지 못했어요" in lines[0], lines


def test_a_weakness_the_notes_do_not_give_is_said_to_be_missing() -> None:
    notes = _notes(
        "## 하이퍼파라미터 탐색\n\n"
        "- 그리드 탐색: 정해 둔 조합을 모두 돌려 본다 → 비효율적\n"
        "- 랜덤 탐색: 범위 안에서 조합을 무작위로 뽑아 돌려 본다\n"
    )
    # the notes say what 랜덤 탐색 is, and nothing it is weak at
    lines = _answer_over(notes, "랜덤 탐색의 한계는?")
    assert lines[0] == (
        "노트에서 '랜덤 탐색'에 대해 한계를 딱 집어 말한 줄은 찾지 못했어요. "
        "관련된 내용은 이렇게 정리되어 있어요."
    ), lines
    assert lines[1].startswith("랜덤 탐색: 범위 안에서"), lines
    # a weakness said in a word of its own is one
    lines = _answer_over(notes, "그리드 탐색 단점은?")
    assert lines == ["그리드 탐색: 정해 둔 조합을 모두 돌려 본다 → 비효율적. [1]"], lines


def test_who_made_a_thing_of_a_table_row_is_its_maker_cell() -> None:
    notes = _notes(
        "## 파이썬 웹 프레임워크\n\n"
        "| 이름 | 라이선스 | 초기 개발자 | 최초 릴리스 |\n"
        "|---|---|---|---|\n"
        "| 팔콘 | Apache License | Kurt Griffiths | 2013년 |\n"
        "| 새니크 | MIT License | Adam Hopkins | 2016년 |\n"
    )
    lines = _answer_over(notes, "팔콘은 누가 만들었어?")
    assert lines[0] == "팔콘: 초기 개발자: Kurt Griffiths. [1]", lines
    # then its row, for the context; no other row
    assert lines[1:] == [
        "- 팔콘: 라이선스: Apache License, 초기 개발자: Kurt Griffiths, 최초 릴리스: 2013년. [1]"
    ], lines
    lines = _answer_over(notes, "새니크는 언제 나왔어?")
    assert lines[0] == "새니크: 최초 릴리스: 2016년. [1]", lines
    assert len(lines) == 2 and "Adam Hopkins" in lines[1], lines


def test_why_one_uses_a_thing_is_led_by_its_strengths_over_its_table_row() -> None:
    notes = _notes(
        "## 파이썬 웹 프레임워크\n\n"
        "| 이름 | 라이선스 | 최초 릴리스 |\n|---|---|---|\n| 새니크 | MIT License | 2016년 |\n\n"
        "* **`새니크`**\n    * 특징\n        * 비동기 요청을 빠르게 처리하는 웹 프레임워크\n"
        "        * 작은 서비스에 가볍게 쓴다\n"
    )
    lines = _answer_over(notes, "새니크는 왜 써?")
    assert lines[0] == "새니크 특징: 비동기 요청을 빠르게 처리하는 웹 프레임워크. [1]", lines


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (
            "계층적 군집 하이퍼파라미터 뭐 있어?",
            "주요 하이퍼파라미터: 계층적 군집: linkage, n_clusters. [1]",
        ),
        ("K-Means 하이퍼파라미터는?", "주요 하이퍼파라미터: K-Means: n_clusters. [1]"),
    ],
)
def test_a_table_with_a_column_for_each_thing_answers_with_the_things_cell(
    question: str, answer: str
) -> None:
    notes = _notes(
        "## 군집 알고리즘 비교\n\n"
        "| 항목 | K-Means | 계층적 군집 |\n|---|---|---|\n"
        "| 군집 수 | 미리 지정 | 덴드로그램을 보고 결정 |\n"
        "| 주요 하이퍼파라미터 | n_clusters | linkage, n_clusters |\n"
    )
    assert _answer_over(notes, question) == [answer]


def test_when_a_thing_came_out_is_its_year_not_the_day_of_the_class() -> None:
    # under a course log's day, "언제 나왔어?" is answered by the year it came out
    notes = _notes(
        "<details>\n<summary><h2>23.09.13</h2></summary>\n\n"
        "| 이름 | 라이선스 | 최초 릴리스 |\n|---|---|---|\n"
        "| 새니크 | MIT License | 2016년 |\n\n</details>\n"
    )
    lines = _answer_over(notes, "새니크는 언제 나왔어?")
    assert lines == ["새니크: 최초 릴리스: 2016년. [1]"], lines


@pytest.mark.parametrize("question", ["머신러닝 3대 학파 알려줘", "머신러닝의 3대 학파는?"])
def test_a_title_names_its_subject_with_what_its_parentheses_add_and_its_ui(
    question: str,
) -> None:
    notes = _notes(
        "#### 머신러닝의 3대 학파(교재 기준)\n\n"
        "- 기호주의 - 규칙과 논리로 배운다\n    - 결정 트리가 대표적이다\n"
        "- 연결주의 - 신경망으로 배운다\n    - 역전파가 핵심이다\n"
        "- 베이즈주의 - 확률로 배운다\n    - 나이브 베이즈를 쓴다\n"
    )
    lines = _answer_over(notes, question)
    assert lines[0].startswith("머신러닝의 3대 학파(교재 기준): 기호주의"), lines


def test_kinds_are_the_titles_named_with_the_subjects_last_word() -> None:
    notes = _notes(
        "## 옵티마이저\n\n"
        "* 경사 하강 계열\n"
        "    * `배치 경사 하강법`\n"
        "        * 전체 데이터로 한 번에 기울기를 구한다\n"
        "    * `확률적 경사 하강법`\n"
        "        * 샘플 하나로 기울기를 구한다\n"
        "* 학습률을 스스로 조절하는 방법\n"
        "    * `적응형 경사 하강법`\n"
        "        * 파라미터마다 학습률을 따로 둔다\n"
    )
    lines = _answer_over(notes, "옵티마이저 경사 하강법 종류 알려줘")
    assert lines == [
        "옵티마이저 경사 하강법: 배치 경사 하강법, 확률적 경사 하강법, 적응형 경사 하강법. [1]"
    ], lines


ACTIVATION_GLOSSARY = (
    (
        "a.md",
        "## 신경망 구성 요소\n\n| 구분 | 구성 요소 | 설명 |\n|---|---|---|\n"
        "| 층 | 은닉층 | 가중합을 계산해 활성화 함수에 적용하는 층 |\n"
        "| 함수 | 활성화 함수 | 신호를 받아 적절히 처리해 출력하는 함수 |\n"
        "| 함수 | 손실 함수 | 오차를 측정하는 함수 |\n",
    ),
    (
        "b.md",
        "##### 활성화 함수: 뉴런의 출력을 정하는 함수\n\n"
        "- **시그모이드 함수:** 이진 분류의 출력층에 쓴다.\n"
        "- **ReLU:** 기울기 소실을 줄여 준다. 0 이하는 0으로 만든다.\n"
        "- **소프트맥스:** 여러 클래스의 확률을 낸다.\n",
    ),
)


@pytest.mark.parametrize("question", ["활성화 함수 종류 뭐 있어?", "활성화 함수에는 뭐가 있어?"])
def test_kinds_are_the_glossary_under_a_title_that_names_the_subject(question: str) -> None:
    # not the table row that says what 활성화 함수 is, with the things beside it
    lines = _answer_over(_ranked(*ACTIVATION_GLOSSARY), question)
    assert lines == [
        "활성화 함수: 시그모이드 함수, ReLU, 소프트맥스. [1]",
        "- 시그모이드 함수: 이진 분류의 출력층에 쓴다. [1]",
        "- ReLU: 기울기 소실을 줄여 준다. 0 이하는 0으로 만든다. [1]",
        "- 소프트맥스: 여러 클래스의 확률을 낸다. [1]",
    ], lines


def test_a_glossary_under_the_subject_is_no_list_of_what_else_is_asked() -> None:
    # the strengths asked are not the names of the glossary
    lines = _answer_over(_ranked(*ACTIVATION_GLOSSARY), "활성화 함수 장점들 나열해줘")
    assert not lines[0].startswith("활성화 함수: 시그모이드 함수, ReLU"), lines


def test_the_sides_of_a_comparison_are_their_entries_in_one_list() -> None:
    notes = _ranked(
        ("b.md", "## 텐서플로\n\n- 면의 움직임을 텐서플로라고 한다.\n"),
        (
            "a.md",
            "## 딥러닝 질문 및 답변\n\n"
            "- 케라스 - 층을 쌓듯이 모델을 적는 고수준 API이다.\n"
            "- 파이토치 - 메타에서 개발, 코드가 실행될 때 그래프가 만들어져 디버깅이 쉽다.\n"
            "- 텐서플로 - 구글에서 개발, 그래프를 먼저 정의해 대규모 분산 학습에 강하다.\n",
        ),
    )
    lines = _answer_over(notes, "파이토치랑 텐서플로 차이 알려줘")
    # the side's entry beside the first side's, before a line under its own title
    assert lines[:2] == [
        "파이토치: 메타에서 개발, 코드가 실행될 때 그래프가 만들어져 디버깅이 쉽다. [1]",
        "- 텐서플로: 구글에서 개발, 그래프를 먼저 정의해 대규모 분산 학습에 강하다. [1]",
    ], lines


def test_a_title_spells_its_name_several_ways_in_its_parentheses() -> None:
    notes = _ranked(
        (
            "a.md",
            "## 입력 모양\n\n### GRU\n\n"
            "- GRU 같은 모델은 입력을 (샘플 수, 시간축 길이, 피처 수)의 3차원으로 받는다.\n",
        ),
        (
            "b.md",
            "## 게이트 순환 유닛 (GRU | Gated Recurrent Unit)\n\n"
            "- 기존 순환 신경망과 다른 점은 게이트로 기억을 조절한다는 것이다.\n",
        ),
    )
    lines = _answer_over(notes, "GRU가 기존 순환 신경망이랑 다른 점은 뭐야?")
    # GRU is one of the names its title goes by
    assert "게이트로 기억을 조절한다" in lines[0], lines


def test_a_sentence_split_at_its_colon_is_no_glossary_line() -> None:
    notes = _ranked(
        (
            "a.md",
            "## RNN\n\n- RNN 내부 계산은 시점별로 2차원 단위 처리: 시퀀스를 따라 반복 수행한다.\n",
        ),
        (
            "b.md",
            "## 순환 신경망 (RNN | Recurrent Neural Network)\n\n"
            "* 시간 순서가 있는 데이터를 처리하려고 고안된 인공 신경망\n"
            "    * 이전 은닉 상태를 다음 입력과 함께 쓴다\n",
        ),
    )
    lines = _answer_over(notes, "RNN이 뭐야?")
    # "RNN 내부 계산은 …" opens a sentence; the line that says what RNN is leads
    assert lines[0] == (
        "순환 신경망 (RNN | Recurrent Neural Network): 시간 순서가 있는 데이터를 처리하려고 "
        "고안된 인공 신경망. [1]"
    ), lines


def test_what_is_done_before_a_thing_leads_when_asked() -> None:
    notes = _notes(
        "## K-평균 군집화\n\n"
        "- K-평균은 가까운 중심에 샘플을 모아 K개의 군집을 만드는 알고리즘이다.\n"
        "- 중심은 군집에 속한 샘플의 평균으로 다시 계산한다.\n"
        "- K-평균은 거리가 단위에 끌려가므로 먼저 표준화하는 것이 좋다.\n"
    )
    lines = _answer_over(notes, "K-평균 하기 전에 뭘 해야 돼?")
    assert lines[0] == (
        "K-평균 군집화: K-평균은 거리가 단위에 끌려가므로 먼저 표준화하는 것이 좋다. [1]"
    ), lines


def test_a_name_asked_within_one_thing_is_not_answered_from_another() -> None:
    notes = _notes(
        "* GridSearchCV\n\n주요 파라미터\n\n"
        "cv: 교차 검증에 쓸 폴드 수. 예를 들어, cv=5는 5-겹 교차 검증이다.\n"
        "refit: 찾은 조합으로 다시 학습할지 여부.\n\n"
        "* RandomizedSearchCV\n\n주요 파라미터\n\n"
        "cv: 교차 검증을 위한 폴드 수입니다.\n"
        "n_iter: 시도할 조합의 수입니다.\n"
    )
    lines = _answer_over(notes, "GridSearchCV에서 cv는 뭐야?", frozenset({"GridSearchCV"}))
    # the cv of RandomizedSearchCV is another setting of the same name
    assert lines == ["cv: 교차 검증에 쓸 폴드 수. 예를 들어, cv=5는 5-겹 교차 검증이다. [1]"], lines


def test_a_strength_asked_of_a_thing_is_led_by_the_line_that_says_one() -> None:
    notes = _notes(
        "## 배깅 (Bagging)\n\n"
        "배깅은 같은 모델을 여러 개 학습해 예측을 모으는 앙상블 방법이다.\n"
        "각 모델은 복원 추출한 표본으로 학습하고, 이렇게 모은 예측은 분산이 줄어 "
        "과적합에 강해진다.\n"
    )
    lines = _answer_over(notes, "배깅은 단일 모델보다 뭐가 좋아?")
    # what it is better at, said beside what it is, answers it: no header says otherwise
    assert lines[0].startswith("배깅 (Bagging): 각 모델은 복원 추출한 표본으로"), lines
    # advice ("… 것이 좋다") and a setting that grows ("규제가 강해진다") are no strength
    notes = _notes(
        "## 릿지 회귀\n\n"
        "릿지 회귀는 가중치 제곱합을 손실에 더하는 선형 회귀이다.\n"
        "특성 스케일에 따라 벌점이 달라지므로 표준화한 뒤 학습하는 것이 좋다.\n"
        "알파가 크면 규제가 강해진다.\n"
    )
    lines = _answer_over(notes, "릿지 회귀는 선형 회귀보다 뭐가 좋아?")
    assert lines == ["릿지 회귀는 가중치 제곱합을 손실에 더하는 선형 회귀이다. [1]"], lines


def test_each_side_of_a_comparison_is_read_under_its_own_title() -> None:
    notes = _ranked(
        ("b.md", "## 이미지 입력\n\n28×28 이미지를 MLP에 넣으려면 784차원 벡터로 펼쳐야 한다.\n"),
        (
            "a.md",
            "## 퍼셉트론 (Perceptron)\n\n"
            "퍼셉트론은 입력의 가중합이 0보다 크면 1을 내는 가장 단순한 신경망이다.\n\n"
            "## 다층 퍼셉트론 (MLP)\n\n"
            "다층 퍼셉트론은 입력층과 출력층 사이에 은닉층을 둔 신경망이다.\n"
            "은닉층에 비선형 활성화 함수를 넣어 XOR 문제도 풀 수 있다.\n",
        ),
    )
    lines = _answer_over(notes, "MLP가 퍼셉트론이랑 뭐가 달라?")
    # MLP by the name its title gives in parentheses; 퍼셉트론 not by a line under the
    # title of MLP, whose name holds the word
    assert lines[:2] == [
        "다층 퍼셉트론 (MLP): 다층 퍼셉트론은 입력층과 출력층 사이에 은닉층을 둔 신경망이다. [1]",
        "- 퍼셉트론 (Perceptron): 퍼셉트론은 입력의 가중합이 0보다 크면 1을 내는 가장 단순한 "
        "신경망이다. [1]",
    ], lines


def test_the_steps_of_a_procedure_asked_for_read_in_the_notes_order() -> None:
    notes = _notes(
        "## 군집\n\n"
        "* 계층적 군집 절차\n"
        "    * `모든 점을 각자 하나의 작은 묶음으로 두고 시작`\n"
        "    * `가장 가까운 두 군집을 합쳐 새 군집 만들기`\n"
        "    * `군집이 하나 남을 때까지 반복`\n"
    )
    lines = _answer_over(notes, "계층적 군집 절차가 어떻게 돼?")
    # the step that names 군집 most does not lead the one before it
    assert [line.removeprefix("- ") for line in lines] == [
        "계층적 군집 절차: 모든 점을 각자 하나의 작은 묶음으로 두고 시작. [1]",
        "가장 가까운 두 군집을 합쳐 새 군집 만들기. [1]",
        "계층적 군집 절차: 군집이 하나 남을 때까지 반복. [1]",
    ], lines
    # one step asked about leads
    lines = _answer_over(notes, "계층적 군집에서 두 군집은 어떻게 합쳐?")
    assert lines[0] == "계층적 군집 절차: 가장 가까운 두 군집을 합쳐 새 군집 만들기. [1]", lines


def test_parts_each_doing_their_own_say_how_a_thing_works() -> None:
    notes = _notes(
        "## 오토인코더\n\n"
        "- 입력을 압축했다가 다시 복원하도록 학습하는 신경망이다.\n"
        "- 인코더는 입력을 짧은 잠재 벡터로 줄이고, 디코더는 그 벡터로 입력을 되살린다.\n"
    )
    lines = _answer_over(notes, "오토인코더는 어떻게 동작해?")
    # no header says the notes do not say how: the parts at work lead
    assert lines[0].startswith("오토인코더: 인코더는 입력을 짧은 잠재 벡터로 줄이고"), lines
    # how one does it is asked in other words
    lines = _answer_over(notes, "오토인코더는 어떻게 만들어?")
    assert lines[0].startswith("노트에서 '오토인코더'에 대해 어떻게 하는지를"), lines


def test_the_header_names_when_as_the_question_asks_it() -> None:
    notes = _notes("## 지표\n\n- 로그 손실은 예측 확률과 정답의 차이를 재는 값이다.\n")
    lines = _answer_over(notes, "로그 손실은 언제 생겨?")
    assert lines[0].startswith(
        "노트에서 '로그 손실'에 대해 언제 그런지를 딱 집어 말한 줄은 찾지 못했"
    ), lines
    lines = _answer_over(notes, "로그 손실은 언제 써?")
    assert lines[0].startswith(
        "노트에서 '로그 손실'에 대해 언제 쓰는지를 딱 집어 말한 줄은 찾지 못했"
    ), lines


@pytest.mark.parametrize(
    ("note", "question", "header", "held"),
    [
        # "… 사용하면 좋습니다" says when it suits, not how it works: the header says so in
        # the question's words, and what the notes hold follows
        pytest.param(
            "## 분류 모델\n\n* `K-최근접 이웃`\n    * 언제 사용하면 좋을까?\n"
            "        * 훈련 데이터를 충분히 확보할 수 있는 환경에서 사용하면 좋습니다.\n",
            "K-최근접 이웃은 어떻게 작동해?",
            "노트에서 'K-최근접 이웃'에 대해 어떻게 동작하는지를",
            "충분히 확보할 수 있는 환경에서",
            id="suits-is-no-how",
        ),
        # a line opening with a setting named in code ("`C`가 크면") says what it does, not
        # when the thing is used
        pytest.param(
            "## SVM\n\nSVM은 마진이 가장 큰 경계를 찾는 분류 모델이다.\n"
            "하이퍼파라미터 `C`가 크면 마진이 좁아지고 과적합 위험이 커진다.\n",
            "SVM은 언제 써?",
            "노트에서 'SVM'에 대해 언제 쓰는지를 딱 집어 말한 줄은 찾지 못했",
            "마진이 가장 큰 경계",
            id="setting-is-no-when",
        ),
    ],
)
def test_a_line_that_only_looks_like_the_kind_asked_does_not_answer_it(
    note: str, question: str, header: str, held: str
) -> None:
    lines = _answer_over(_notes(note), question)
    assert lines[0].startswith(header), lines
    assert any(held in line for line in lines[1:]), lines


def test_one_side_asked_of_a_comparison_the_notes_make_is_not_answered_by_the_other() -> None:
    notes = _notes(
        "## 지도 학습\n\n"
        "* 분류와 회귀의 차이\n"
        "    * 분류\n"
        "        * 예시 : 메일을 스팸과 정상 중 하나로 매핑\n"
        "    * 회귀\n"
        "        * 예시 : 내일 기온처럼 어떤 값이든 나올 수 있음\n"
    )
    lines = _answer_over(notes, "회귀 예시 하나만")
    assert lines == ["예시: 내일 기온처럼 어떤 값이든 나올 수 있음 [1]"], lines


CLASS_DAY_NOTE = """## 9월 4일
* 데이터
    * 스칼라 (scalar)
        * 하나의 숫자
    * 벡터 (vector)
        * 숫자의 배열
    * 행렬 (matrix)
        * 2차원의 배열
"""


def test_the_parts_of_a_label_are_found_wherever_search_ranked_it() -> None:
    # "데이터" is too common a word for search to rank the bullet that names it
    units = unit_records("day.md", 17, CLASS_DAY_NOTE, 1400)
    other = "## 수집\n- 데이터는 설문과 로그에서 모은다.\n"
    hit = Passage(18, "other.md", "수집", other, 1.0)
    own = Passage(17, "day.md", "9월 4일", CLASS_DAY_NOTE, 0.1)
    found = {17: units, 18: unit_records("other.md", 18, other, 1500)}
    selection = UnitSelector(default_analyzer()).select(
        question="데이터 종류 알려줘",
        kind="list",
        subjects=["데이터"],
        hits=[hit],
        units_of=lambda p: found[p.chunk_id],
        units_about=lambda terms: [u for u in units if terms <= u.context_terms],
        passage_of={17: own, 18: hit}.get,
    )
    lead = selection.units[0].unit
    assert (lead.term, lead.text) == ("데이터", "스칼라 (scalar), 벡터 (vector), 행렬 (matrix)")


def test_when_is_said_by_the_line_under_the_subjects_label_not_by_lines_that_mention_it() -> None:
    # "경우에 사용됨" under the label 정확도 says when 정확도 is used; "… 때, 혼동 행렬을 그려서
    # 정확도를 높인다" says when 혼동 행렬 is, and only mentions 정확도
    notes = _notes(
        "## 평가 지표\n\n"
        "- 정확도\n"
        "    - 전체 예측 중 맞힌 비율을 말함. 클래스가 고르게 나뉜 경우에 사용됨.\n"
        "- 혼동 행렬\n"
        "    - 예측이 자주 틀릴 때, 혼동 행렬을 그려서 정확도를 높인다.\n"
        "    - 정확도가 낮을 때 혼동 행렬을 봐야 한다.\n"
    )
    lines = _answer_over(notes, "정확도는 언제 써?")
    assert lines == [
        "정확도: 전체 예측 중 맞힌 비율을 말함. 클래스가 고르게 나뉜 경우에 사용됨. [1]"
    ]


def test_the_part_a_thing_plays_says_why_it_is_needed() -> None:
    notes = _notes(
        "## 신경망 구성\n\n"
        "| 구분 | 설명 |\n|---|---|\n"
        "| 편향 (bias) | 가중합에 더해서 출력 값을 조절하는 역할을 함 |\n"
    )
    lines = _answer_over(notes, "편향은 왜 필요해?")
    # no "the notes do not say why" before the line that says it
    assert lines == ["편향 (bias): 설명: 가중합에 더해서 출력 값을 조절하는 역할을 함 [1]"], lines


def test_a_word_that_ends_in_the_letters_of_a_pointer_does_not_point_back() -> None:
    # "깊이를 …" holds the letters of "이를" ("this"), and points at nothing
    notes = _notes(
        "## 결정 트리\n\n"
        "결정 트리는 질문으로 데이터를 둘로 나누어 예측하는 모델이다.\n"
        "깊이를 제한하지 않으면 학습 데이터를 외워 과적합되기 쉽다.\n"
    )
    lines = _answer_over(notes, "결정 트리의 한계는 뭐야?")
    assert (
        lines[0] == "결정 트리: 깊이를 제한하지 않으면 학습 데이터를 외워 과적합되기 쉽다. [1]"
    ), lines


def test_the_weakness_of_another_thing_is_not_the_subjects() -> None:
    notes = _notes(
        "## SVM\n\n"
        "- SVM은 마진이 가장 큰 경계를 찾는 분류 모델이다.\n"
        "- 가우시안 커널\n"
        "    - 다항식 커널은 차수에 한계가 있지만 가우시안 커널은 제한이 없다.\n"
    )
    lines = _answer_over(notes, "SVM 단점은 뭐야?")
    assert lines[0].startswith("노트에서 'SVM'에 대해 단점을 딱 집어 말한 줄은 찾지 못했"), lines
    # what the notes hold of SVM follows, not 다항식 커널's 한계
    assert "마진이 가장 큰 경계" in lines[1] and not any("다항식 커널" in line for line in lines)


def test_a_word_of_the_subjects_own_name_in_its_title_is_no_other_thing() -> None:
    # "모델 서빙하기" names 모델 of 모델 서빙, not a second thing whose lines are left out
    notes = _notes(
        "## FastAPI로 모델 서빙하기\n\n"
        "FastAPI는 타입 힌트로 요청을 검증하는 웹 프레임워크이다.\n"
        "무거운 모델은 서버가 시작될 때 한 번 불러와 재사용한다.\n"
        "배포할 때는 Docker 이미지로 묶어 여러 워커로 띄운다.\n"
    )
    lines = _answer_over(notes, "FastAPI로 모델 서빙은 어떻게 해?")
    assert any("서버가 시작될 때" in line for line in lines), lines
    assert any("Docker 이미지로" in line for line in lines), lines


def test_a_table_with_a_column_for_each_side_leads_a_comparison() -> None:
    notes = _notes(
        "## K-Means\n\n"
        "K-Means는 데이터를 미리 정한 K개의 군집으로 나누는 알고리즘이다.\n"
        "K-Means는 군집이 둥글다고 가정한다.\n\n"
        "## DBSCAN\n\n"
        "DBSCAN은 밀도가 높은 영역을 하나의 군집으로 묶는 알고리즘이다.\n\n"
        "| 항목 | K-Means | DBSCAN |\n|---|---|---|\n"
        "| 군집 수 | 미리 K를 지정 | 밀도로 결정 |\n"
        "| 이상치 | 군집에 포함 | 노이즈로 분리 |\n"
    )
    lines = _answer_over(notes, "K-Means랑 DBSCAN 차이가 뭐야?")
    assert lines[0] == "군집 수: K-Means: 미리 K를 지정, DBSCAN: 밀도로 결정. [1]", lines
    assert any(line.startswith("- 이상치: K-Means: 군집에 포함") for line in lines), lines


def test_when_it_is_used_leads_over_a_case_of_something_else() -> None:
    notes = _notes(
        "## PCA\n\n"
        "PCA는 분산이 큰 방향으로 데이터를 투영하는 차원 축소 기법이다.\n"
        "단위가 다른 특성이 섞여 있으면 먼저 표준화하는 것이 좋다.\n"
        "고차원 데이터를 2차원으로 줄여 시각화하는 전처리로 쓴다.\n"
    )
    lines = _answer_over(notes, "PCA는 언제 써?")
    assert lines[0] == "PCA: 고차원 데이터를 2차원으로 줄여 시각화하는 전처리로 쓴다. [1]", lines


def test_a_why_is_led_by_the_line_that_says_what_is_asked_over_a_why_of_another_thing() -> None:
    # the reason of K-NN names 분류 under "분류 학습 모델" and scores best, yet says nothing
    # of 극단값; the line whose sentence takes 분류 as its topic and says it leads (not the
    # line of 로지스틱 회귀, which says as much but of 이진분류)
    notes = _ranked(
        (
            "b.md",
            "## 회귀\n\n- 선형 회귀\n  - 분산이 비슷해야 예측이 타당. 분류는 극단값에 영향을 "
            "받아 별로다.\n- 로지스틱 회귀\n  - 극단값에 영향 없음. 이진분류에서는 확률을 "
            "구한다.\n",
        ),
        (
            "a.md",
            "## 지도 학습\n\n- 분류 학습 모델\n  - `K-최근접 이웃`\n    - 왜 사용할까?\n"
            "      - 주어진 데이터에 대한 분류\n    - 언제 사용하면 좋을까?\n"
            "      - 데이터가 충분할 때 사용하면 좋다.\n",
        ),
    )
    lines = _answer_over(notes, "분류 모델은 극단값 있으면 왜 별로야?")
    assert lines[0] == (
        "선형 회귀: 분산이 비슷해야 예측이 타당. 분류는 극단값에 영향을 받아 별로다. [1]"
    ), lines


def test_one_thing_compared_in_two_cases_is_answered_when_the_lines_say_each() -> None:
    notes = _notes(
        "## 드롭아웃\n\n"
        "드롭아웃은 학습 중에 뉴런 출력 일부를 무작위로 0으로 만든다.\n"
        "추론할 때는 드롭아웃을 끄므로 평가 전에 model.eval()을 호출한다.\n"
    )
    lines = _answer_over(notes, "드롭아웃은 학습할 때랑 추론할 때 어떻게 달라?")
    # no "the notes do not say what differs" above the two lines that say it
    assert not _denies(lines[0]), lines
    assert any("학습 중에" in line for line in lines) and any(
        "추론할 때는" in line for line in lines
    )


@pytest.mark.parametrize(
    ("note", "question", "lead"),
    [
        # "오토인코더 블록 종류": the kinds of 블록, not the uses listed under 오토인코더
        pytest.param(
            "## 오토인코더\n\n"
            "- 이상 탐지, 잡음 제거, 차원 축소 등에 널리 쓰인다.\n"
            "- 인코더 블록은 입력을 압축하고, 병목 블록은 요약을 담으며, 디코더 블록은 입력을 "
            "되살린다.\n",
            "오토인코더 블록 종류 알려줘",
            "오토인코더: 인코더 블록은 입력을 압축하고",
            id="head-named-thrice",
        ),
        # kinds listed in prose, not the lines of code that name the library and the index
        pytest.param(
            "## Annoy 근사 검색\n\n"
            "Annoy는 트리 여러 개로 근사 최근접 이웃을 찾는 라이브러리이다.\n"
            "`TreeIndex`는 트리를 따라 찾고, `BruteIndex`는 모든 벡터와 비교하며, "
            "`ShardIndex`는 여러 파일로 나눠 담는다.\n\n"
            "```python\nimport annoy\nindex = annoy.AnnoyIndex(64, 'angular')\n"
            "index.build(10)\n```\n",
            "Annoy 인덱스 종류 뭐 있어?",
            "Annoy 근사 검색: TreeIndex는 트리를 따라 찾고",
            id="prose-over-code",
        ),
    ],
)
def test_the_kinds_of_a_compound_are_a_line_that_names_its_head_several_times(
    note: str, question: str, lead: str
) -> None:
    lines = _answer_over(_notes(note), question)
    assert lines[0].startswith(lead), lines


def test_the_kinds_of_a_layer_are_kinds_of_the_word_before_it() -> None:
    notes = _notes(
        "## 드롭아웃 계층\n\n"
        "- 드롭아웃 계층은 학습 중에 뉴런 일부를 끈다.\n"
        "- 뉴런을 하나씩 끄는 일반 드롭아웃이 흔하고, 채널을 통째로 끄는 공간 드롭아웃도 "
        "있다.\n"
    )
    # "드롭아웃 계층 종류": kinds of 드롭아웃, though the line does not say 계층
    lines = _answer_over(notes, "드롭아웃 계층 종류 알려줘")
    assert not _denies(lines[0]), lines
    assert any("공간 드롭아웃도 있다" in line for line in lines), lines


def test_only_words_apart_make_a_compound_whose_head_is_listed() -> None:
    heads = UnitSelector(default_analyzer())._head_words(
        ["flow_from_directory", "가중합(weighted sum)", "LSTM 게이트", "풀링 계층"]
    )
    assert heads == {"gate", "게이트"}


def test_a_word_after_the_last_side_is_said_of_both_sides() -> None:
    notes = _notes("## sparse와 dense\n\n- sparse: 대부분이 0이다\n\n- dense: 빽빽하다.\n")
    # "sparse랑 dense 벡터": the notes name each side without 벡터, in a short line
    lines = _answer_over(notes, "sparse랑 dense 벡터 차이 알려줘")
    assert any(line.startswith("sparse: ") for line in lines), lines
    assert any("dense: 빽빽하다" in line for line in lines), lines


def test_a_setting_is_about_its_name_however_it_is_spaced() -> None:
    # "activation ='sigmoid'" (no space after =) is as much about activation as
    # "activation = 'softmax'": the domain asked picks between them
    notes = _notes(
        "## 출력층 설정\n\n다중분류\nactivation = 'softmax'\nloss='categorical_crossentropy'\n\n"
        "이진분류\nactivation ='sigmoid'\nloss='binary_crossentropy'\n"
    )
    lines = _answer_over(notes, "이진분류에서 activation은 뭐로 줘?", frozenset({"이진분류"}))
    assert "'sigmoid'" in lines[0], lines


def test_the_values_of_a_setting_are_its_row_not_its_table() -> None:
    notes = _notes(
        "AvgPool2D 인자 값\n인자\t역할\t예시\npool_size\t평균을 낼 창의 크기\t(3, 3)\n"
        "strides\t창이 한 번에 건너뛰는 칸\t(1, 1)\n"
        "padding\t가장자리를 다루는 방식\t'valid', 'same'\n"
        "data_format\t채널 축의 위치\t'channels_first'\n"
    )
    lines = _answer_over(notes, "AvgPool2D에서 padding 값 뭐뭐 있어?", frozenset({"AvgPool2D"}))
    # the row of padding leads: the values quoted in it are the list asked for, and no
    # header says the notes list none
    assert lines[0].startswith("padding"), lines
    assert "'valid', 'same'" in lines[0]


def test_lines_about_the_last_part_of_a_name_say_they_are_not_about_the_name() -> None:
    # "비활성화 함수" is only a title with nothing under it: the lines found are about
    # 활성화 함수, another thing, and the answer says so before them
    notes = _notes(
        "## 활성화 함수\n\n- 활성화 함수는 뉴런의 출력을 비선형으로 바꾸는 함수이다.\n"
        "- 대표적으로 시그모이드와 ReLU가 있다.\n\n## 비활성화 함수\n\n## 뉴런\n\n"
        "- 뉴런은 입력에 가중치를 곱해 더한 값을 내보낸다.\n"
    )
    lines = _answer_over(notes, "비활성화 함수는 뭐야?")
    assert lines[0].startswith("노트에서 '비활성화 함수'를 직접 설명한 부분은 찾지 못했어요"), lines
    assert "비선형으로 바꾸는" in lines[1]
    assert not _answer_over(notes, "활성화 함수는 뭐야?")[0].startswith("노트에서")


def test_under_a_title_of_several_a_line_naming_none_asked_does_not_lead() -> None:
    # the bundled sample note: "데이터가 어느 정도 있으면 … 미세 조정한다" says a case and
    # half the name asked, but of 전이 학습
    section = SAMPLE_NOTES.joinpath("04_cnn.md").read_text(encoding="utf-8")
    notes = _notes(section[section.index("## 전이 학습과 데이터 증강") :])
    lines = _answer_over(notes, "데이터 증강은 언제 써?")
    assert "데이터 증강(data augmentation)은" in lines[0], lines


def test_what_a_thing_is_goes_on_without_lines_about_a_longer_name_that_holds_it() -> None:
    notes = _notes(
        "## 서포트 벡터 머신\n\n"
        "* `서포트 벡터 머신`\n    * 마진을 가장 크게 하는 경계를 찾는 분류 모델\n"
        "* `서포트 벡터`\n    * 경계에 가장 가까이 있는 샘플들을 의미\n"
        "* `마진`\n    * 경계와 서포트 벡터 사이의 거리를 의미\n"
        "* 분류 지원\n    * 서포트 벡터 머신은 선형 분류와 비선형 분류를 모두 지원\n"
    )
    lines = _answer_over(notes, "서포트 벡터가 뭐야?")
    assert lines[0].startswith("서포트 벡터: 경계에 가장 가까이"), lines
    assert any("사이의 거리" in line for line in lines)  # a line that speaks of it
    assert not any("서포트 벡터 머신" in line for line in lines), lines


def test_a_sentence_about_the_subject_that_search_ranked_low_answers_the_kind_asked() -> None:
    rnn = (
        "## 순환 신경망\n\n- 순환 신경망은 이전 은닉 상태를 다음 시점의 입력과 함께 받는다.\n"
        "- 은닉층 계산에는 tanh 활성화 함수를 사용한다.\n"
    )
    glossary = (
        "## 용어 모음\n\n- CNN은 이미지의 지역 패턴을 합성곱으로 찾는 신경망이다.\n"
        "- RNN은 순서가 있는 데이터를 다루며, 번역, 음성 인식, 주가 예측 등에 널리 사용된다.\n"
        "- GAN은 생성자와 판별자가 겨루며 데이터를 만드는 모델이다.\n"
    )
    passages, by_chunk = _ranked(("rnn.md", rnn), ("terms.md", glossary))
    on_topic = {
        key: [u for units in by_chunk.values() for u in units if topic_key(u.text) == key]
        for key in ("rnn",)
    }
    analyzer = default_analyzer()
    question = "RNN은 어디에 널리 사용돼?"
    kind = question_kind(question)
    selection = UnitSelector(analyzer).select(
        question=question,
        kind=kind,
        subjects=analyzer.subjects(question),
        hits=passages[:1],  # search found the section on 순환 신경망 only
        units_of=lambda p: by_chunk[p.chunk_id],
        passage_of={p.chunk_id: p for p in passages}.get,
        units_on=lambda key: on_topic.get(key, []),
    )
    lines = render_answer(selection, kind=kind, topic="RNN", question=question).lines
    assert "번역, 음성 인식, 주가 예측 등에 널리 사용된다" in lines[0], lines


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("RNN은 순서가 있는 데이터를 다룬다.", "rnn"),
        ("**어텐션**이란 중요한 부분에 집중하는 방법이다.", "어텐션"),
        ("- 서포트 벡터 머신 (SVM)은 마진을 키운다.", "서포트벡터머신"),
        ("데이터를 나눈다.", ""),
    ],
)
def test_the_topic_a_sentence_opens_with(text: str, key: str) -> None:
    assert topic_key(text) == key


def test_a_thing_is_read_in_its_own_section_before_one_that_compares_it() -> None:
    # the section that compares it ranks first and both lines name it
    notes = _ranked(
        ("nlp.md", "## 원-핫 인코딩 vs 워드 임베딩\n\n- 원-핫 인코딩은 0과 1로만 된 벡터이다.\n"),
        ("basics.md", "## 원-핫 인코딩\n\n- 원-핫 인코딩은 범주를 숫자 벡터로 나타낸다.\n"),
    )
    lines = _answer_over(notes, "원핫 인코딩은 왜 써?")
    content = [line for line in lines if "[" in line]
    assert "범주를 숫자 벡터로" in content[0], lines


def test_a_comparison_of_a_thing_answers_what_its_own_section_never_says() -> None:
    # its own section ranks first and says what it is; only the comparison of it with
    # another says what improves on it
    notes = _ranked(
        (
            "basics.md",
            "## 원-핫 인코딩\n\n- 범주형 데이터를 숫자로 표현하는 방법이다.\n"
            "- 하나의 항목만 1, 나머지는 0으로 표현한다.\n",
        ),
        (
            "nlp.md",
            "## 원-핫 인코딩 vs 워드 임베딩\n\n- 원-핫 인코딩의 개선안 : 워드 임베딩\n"
            "- 워드 임베딩: 실수로 된 벡터이다.\n",
        ),
    )
    lines = _answer_over(notes, "원핫 인코딩의 단점은 어떻게 개선해?")
    assert "개선안 : 워드 임베딩" in lines[0], lines


def test_where_a_subject_belongs_asks_no_code_that_names_both() -> None:
    # the bundled sample note: the CNN code sets padding="same", the prose says why one pads
    text = SAMPLE_NOTES.joinpath("04_cnn.md").read_text(encoding="utf-8")
    prose = text[text.index("### 스트라이드와 패딩") : text.index("### 텐서 차원 순서")]
    code = text[
        text.index("## Keras로 간단한 CNN 만들기") : text.index("## 전이 학습과 데이터 증강")
    ]
    notes = _ranked(("04_cnn.md", prose), ("04_cnn.md", code))
    lines = _answer_over(notes, "CNN에서 패딩은 왜 해?", frozenset({"CNN"}))
    assert "패딩이 없으면" in lines[0], lines


PIONEERS_BY_COUNTRY = (
    "## 통계학의 개척자\n\n"
    "- 로널드 피셔 (Ronald Fisher) - 영국\n"
    "\t- 분산 분석과 최대우도법을 정리함\n"
    "- 앙드레 콜모고로프 (Andrey Kolmogorov) - 러시아\n"
    "\t- 확률론의 공리를 세움\n"
    "- 칼 피어슨 (Karl Pearson) - 영국\n"
    "\t- 상관계수와 카이제곱 검정을 만듦\n"
)
TOOLS_BY_KIND = (
    "## 데이터 전처리 도구\n\n"
    "| 구분 | 도구 | 설명 |\n|---|---|---|\n"
    "| 스케일러 | StandardScaler | 평균 0, 분산 1로 맞춘다 |\n"
    "| 인코더 | OneHotEncoder | 범주를 0과 1의 열로 바꾼다 |\n"
    "| 스케일러 | MinMaxScaler | 최솟값 0, 최댓값 1로 맞춘다 |\n"
)


@pytest.mark.parametrize(
    ("note", "question", "named", "left_out"),
    [
        # two people said to be from the same country, each line saying no more than it
        (
            PIONEERS_BY_COUNTRY,
            "통계학 개척자 중에 영국 출신은 누구누구야?",
            ("로널드 피셔", "칼 피어슨"),
            "콜모고로프",
        ),
        # two rows of a table that share the name in their first cell: the column asked
        # for is read from both, not from the first alone
        (
            TOOLS_BY_KIND,
            "전처리 도구 중에 스케일러로 분류된 거 뭐뭐 있어?",
            ("StandardScaler", "MinMaxScaler"),
            "OneHotEncoder",
        ),
    ],
    ids=["people", "rows"],
)
def test_everything_the_same_is_said_of_is_answered(
    note: str, question: str, named: tuple[str, str], left_out: str
) -> None:
    lines = _answer_over(_notes(note), question)
    for name in named:
        assert any(name in line for line in lines), lines
    assert not any(left_out in line for line in lines), lines


def test_things_listed_from_a_table_come_with_what_it_says_they_are() -> None:
    lines = _answer_over(_notes(TOOLS_BY_KIND), "전처리 도구 중에 스케일러로 분류된 거 뭐뭐 있어?")
    assert lines == [
        "스케일러: 도구: StandardScaler, 설명: 평균 0, 분산 1로 맞춘다 [1]",
        "- 스케일러: 도구: MinMaxScaler, 설명: 최솟값 0, 최댓값 1로 맞춘다 [1]",
    ], lines


def test_the_lesson_a_list_was_taught_in_asks_nothing_of_it() -> None:
    """ "CNN 수업에서 배운 활성화 함수 종류": the lesson is where the kinds were met; the
    glossary under the title that names them answers, as it does without the lesson."""
    note = (
        "## CNN 수업\n\n"
        "### 활성화 함수: 뉴런의 출력을 정하는 함수\n\n"
        "- 시그모이드: 출력을 0과 1 사이로 누른다\n"
        "- 하이퍼볼릭 탄젠트: 출력을 -1과 1 사이로 누른다\n"
        "- ReLU: 음수는 0으로, 양수는 그대로 내보낸다\n"
    )
    for question in ("활성화 함수 종류 쭉 알려줘", "CNN 수업에서 배운 활성화 함수 종류 쭉 알려줘"):
        lines = _answer_over(_notes(note), question, domains=frozenset({"CNN"}))
        assert lines[0].startswith("활성화 함수: 시그모이드, 하이퍼볼릭 탄젠트, ReLU"), lines


def test_the_entries_under_a_title_naming_the_subject_and_the_ask_are_the_list() -> None:
    """Asked how each of a group was likened to something, the answer is the run under
    the title that names the group and the likening, not an overview of the group's
    people where another section gives each of them lines of their own."""
    note = (
        "## 통계학의 세 개척자\n\n"
        "- 로널드 피셔 (Ronald Fisher) - 영국\n"
        "\t- 분산 분석과 최대우도법을 정리함\n"
        "- 칼 피어슨 (Karl Pearson) - 영국\n"
        "\t- 상관계수와 카이제곱 검정을 만듦\n"
        "- 앙드레 콜모고로프 (Andrey Kolmogorov) - 러시아\n"
        "\t- 확률론의 공리를 세움\n\n"
        "#### 통계학의 세 개척자....비유하자면,\n"
        "- 로널드 피셔 → 실험의 **설계자**\n\n"
        "- 칼 피어슨 → 상관의 **측량사**\n\n"
        "- 앙드레 콜모고로프 → 확률의 **입법자**\n"
    )
    lines = _answer_over(_notes(note), "통계학 세 개척자를 각각 뭐에 비유했는지 쭉 정리해줘")
    assert "설계자" in lines[0] and "측량사" in lines[1] and "입법자" in lines[2], lines


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        # a name as code writes it, and a name of four letters or more opening a word
        ({"model", "fit"}, {"model", "fit", "모델", "학습", "훈련"}),
        ({"detectmultiscale", "faces"}, {"detectmultiscale", "faces", "찾", "찾아내", "얼굴"}),
        # a name of three letters stands for its word only whole ("fitness" is not fit)
        ({"fitness"}, {"fitness"}),
    ],
)
def test_code_names_read_in_korean(terms: set[str], expected: set[str]) -> None:
    assert in_korean(frozenset(terms)) == expected


STL_PROSE = (
    "## 이미지 전처리\n\n"
    "1. 정규화하는 이유\n"
    "원래 STL-10 사진 데이터는 0부터 255까지의 정수 픽셀이에요.\n"
    "신경망은 0과 1 사이의 실수 입력에서 더 안정적으로 학습합니다.\n"
    "그래서 255로 나눠서 데이터 범위를 0~1로 바꿔 줍니다.\n"
)
STL_CODE = (
    "## 샘플 API\n\n"
    "```python\n"
    "def get_sample():\n"
    '    """STL-10 데이터셋에서 10번째 사진을 돌려줍니다."""\n'
    "    return load(10)\n"
    "```\n"
)


def test_prose_is_read_with_the_lines_beside_its_lead_before_code_is_preferred() -> None:
    """The line that says how names little of the subject; the line above it, under the
    same title, names it whole: the prose answers, not a docstring that shares a number."""
    notes = _ranked(("prep.md", STL_PROSE), ("api.md", STL_CODE))
    lines = _answer_over(notes, "STL-10 사진 데이터 범위는 학습 전에 어떻게 바꿔야 돼?")
    assert "255로 나눠서" in lines[0], lines
    assert not any("get_sample" in line for line in lines), lines


GATEWAY_CODE = (
    "## 서버 코드\n\n"
    "```python\n"
    "from fastapi import FastAPI, APIRouter, Request\n"
    "from fastapi.middleware.cors import CORSMiddleware\n"
    "\n"
    "# FastAPI 앱 설정\n"
    'app = FastAPI(title="Gateway API", version="0.1.0")\n'
    "```\n"
)


def test_what_is_imported_is_asked_of_the_import_lines() -> None:
    lines = _answer_over(
        _notes(GATEWAY_CODE), "gateway 코드에서 fastapi로부터 import하는 것들 뭐뭐야?"
    )
    assert "from fastapi import FastAPI, APIRouter, Request" in lines, lines
    # an import says what is used, seldom what is asked: not quoted otherwise
    lines = _answer_over(_notes(GATEWAY_CODE), "gateway 앱 버전은 어떻게 설정해?")
    assert not any(line.startswith("from ") for line in lines), lines


ACCURACY_NOTE = (
    "#### 분류 지표 비교\n\n"
    "- 정확도, 정밀도, 재현율은 모두 분류 모델의 지표이지만 강조하는 점이 다르다.\n"
    "- 정확도\n"
    "\t- 전체 예측 중에서 맞힌 비율\n"
    "- 정밀도\n"
    "\t- 양성이라고 예측한 것 중에 실제 양성의 비율\n"
)


def test_sides_compared_are_not_where_they_belong() -> None:
    """ "분류 모델 지표에서": where 정확도 and 정밀도 belong, no third side; each side is
    said in a line of its own."""
    lines = _answer_over(
        _notes(ACCURACY_NOTE),
        "분류 모델 지표에서 정확도랑 정밀도는 뭐가 달라요?",
        domains=frozenset({"분류 모델 지표"}),
    )
    assert lines == [
        "정확도: 전체 예측 중에서 맞힌 비율. [1]",
        "- 정밀도: 양성이라고 예측한 것 중에 실제 양성의 비율. [1]",
    ], lines


def test_the_merit_a_thing_is_chosen_for_says_why() -> None:
    note = (
        "### 배치와 미니배치\n\n"
        "전체 데이터로 한 번에 기울기를 구하면 배치 경사 하강법, 수십 개씩 묶어 쓰면 미니배치 "
        "경사 하강법이다.\n"
        "실무에서는 속도와 안정성의 균형이 좋은 미니배치 방식을 주로 쓰며, 묶음 크기를 배치 "
        "크기라고 한다.\n"
    )
    lines = _answer_over(_notes(note), "미니배치는 왜 쓰는 거예요?")
    # no header that says the notes do not say why: the line they say it in leads
    assert "균형이 좋은 미니배치 방식" in lines[0], lines


FAMILY_NOTE = (
    "## 시퀀스 모델\n\n"
    "#### 순환 계열 vs 어텐션 계열\n\n"
    "| 항목 | RNN / LSTM / GRU | 트랜스포머 |\n|---|---|---|\n"
    "| 처리 순서 | 한 토큰씩 차례로 | 문장 전체를 한 번에 |\n\n"
    "- RNN/LSTM:\n"
    "    단어를 앞에서부터 하나씩 읽어야 뜻을 안다\n"
    "- 트랜스포머:\n"
    "    문장을 통째로 보고 단어끼리의 관계를 한꺼번에 본다\n"
)


def test_a_side_named_by_its_family_answers_for_each_member() -> None:
    """ "RNN/LSTM" under a comparing heading is the RNN side, and a table column "RNN /
    LSTM / GRU" is one side, however many of its members the question names."""
    lines = _answer_over(
        _notes(FAMILY_NOTE), "RNN이랑 트랜스포머는 문장 뜻을 아는 방식이 어떻게 달라?"
    )
    assert lines[0].startswith("처리 순서: RNN / LSTM / GRU: 한 토큰씩"), lines
    assert lines[1].startswith("- RNN/LSTM: 단어를 앞에서부터 하나씩 읽어야"), lines
    assert lines[2].startswith("- 트랜스포머: 문장을 통째로 보고"), lines
    # one column naming both sides of "LSTM vs RNN" sets nothing against anything
    lstm = _answer_over(_notes(FAMILY_NOTE), "LSTM은 RNN이랑 뭐가 달라?")
    assert not lstm[0].startswith("처리 순서"), lstm


def test_a_name_with_a_phrase_that_says_no_more_than_the_name_is_no_line() -> None:
    notes = _notes(
        "## 인코더와 디코더\n\n"
        "- 번역 모델은 인코더와 디코더를 함께 써서 문장을 다른 말로 옮긴다.\n"
        "- 인코더: 인코딩 해주는 것\n"
        "- 디코더: 문장을 읽어 숫자 벡터로 바꾼 것을 다시 단어로 풀어 주는 부분이다.\n"
    )
    by_text = {u.text: u for u in notes[1][1]}
    assert not standalone(by_text["인코딩 해주는 것"])
    assert standalone(by_text["문장을 읽어 숫자 벡터로 바꾼 것을 다시 단어로 풀어 주는 부분이다."])


def test_why_of_a_thing_is_not_the_why_of_a_kind_of_it() -> None:
    """ "회귀는 왜 해?" is answered by what 회귀 is used for, not by the "왜 사용할까?" of
    선형 회귀, a kind of it; "… 규명하는데 사용하는 방법" says what it is used for."""
    notes = _notes(
        "## 지도 학습\n\n"
        "* `회귀`\n"
        "    * 한 변수로 다른 변수를 예측하거나 두 변수의 관계를 밝히는데 사용하는 방법\n"
        "* `선형 회귀`\n"
        "    * 왜 사용할까?\n"
        "        * 주어진 데이터에 대한 예측\n"
        "    * 언제 사용하면 좋을까?\n"
        "        * 두 변수가 직선 관계일 때 쓰면 좋다.\n"
    )
    lines = _answer_over(notes, "회귀는 왜 해?")
    assert lines[0].startswith("회귀: 한 변수로 다른 변수를 예측하거나"), lines


def test_a_table_row_answers_how_by_the_cell_of_the_subject() -> None:
    """ "시간 순서대로만" in the RNN column says nothing of how 트랜스포머 works; the
    row still says it of RNN, and a row with no column of the subject says it whole."""
    notes = _notes(
        "## 시퀀스 모델\n\n"
        "| 항목 | RNN | 트랜스포머 |\n|---|---|---|\n"
        "| 병렬 처리 | 불가능 (시간 순서대로만) | 가능 |\n"
    )
    (row,) = [u for u in notes[1][1] if u.kind == "row"]
    question = "트랜스포머는 문장을 어떤 식으로 처리해?"
    assert answers_kind(row, "how", question)
    assert not answers_kind(_subject_cell(row, {"트랜스포머"}), "how", question)
    assert answers_kind(_subject_cell(row, {"rnn"}), "how", question)
    assert _subject_cell(row, {"lstm"}) == row


FORMULA_NOTE = """## 손실 함수
* `교차 엔트로피`
    * 예측 분포와 정답 분포의 차이를 재는 손실
    $$L = -\\sum_{i} y_i \\log(\\hat{y}_i)$$
    $$
    \\begin{aligned}
    &y_i : \\text{정답 확률} \\\\
    &\\hat{y}_i : \\text{예측 확률}
    \\end{aligned}
    $$
* `평균 제곱 오차`
    * 회귀 모델의 오차를 재는 손실
    $$MSE = \\frac{1}{n}\\sum_{i=1}^{n}(y_i - \\hat{y}_i)^2$$
    $$
    \\begin{aligned}
    &n : \\text{샘플 수}
    \\end{aligned}
    $$
"""


def _formula_notes():
    passage = Passage(40, "loss.md", "손실 함수", FORMULA_NOTE, 1.0)
    return [passage], {40: unit_records("loss.md", 40, FORMULA_NOTE, 1000)}


def test_a_formula_asked_for_is_quoted_with_what_its_symbols_stand_for() -> None:
    lines = _answer_over(_formula_notes(), "교차 엔트로피 식 알려줘")
    assert lines == [
        "'교차 엔트로피' 식은 노트에 이렇게 적혀 있어요. [1]",
        "```text",
        "L = -Σ_{i} y_i log(ŷ_i)",
        "y_i: 정답 확률",
        "ŷ_i: 예측 확률",
        "```",
        "- 예측 분포와 정답 분포의 차이를 재는 손실. [1]",
    ]
    # a symbol of one formula asked about ("공식에서 n은"): that formula
    lines = _answer_over(_formula_notes(), "평균 제곱 오차 공식에서 n은 뭐야?")
    assert lines[:4] == [
        "'평균 제곱 오차' 식은 노트에 이렇게 적혀 있어요. [1]",
        "```text",
        "MSE = (1/n)Σ_{i=1}^{n}(y_i - ŷ_i)^2",
        "n: 샘플 수",
    ]


def test_a_formula_is_never_a_line_of_an_answer_that_does_not_ask_for_it() -> None:
    lines = _answer_over(_formula_notes(), "교차 엔트로피가 뭐야?")
    assert lines[0] == "교차 엔트로피: 예측 분포와 정답 분포의 차이를 재는 손실. [1]"
    assert not any("Σ" in line or "확률" in line for line in lines)


def test_a_follow_up_to_a_formula_does_not_go_on_from_it_as_from_code() -> None:
    answer = "\n".join(_answer_over(_formula_notes(), "교차 엔트로피 식 알려줘"))
    assert quoted_lines(answer) == []
    assert quoted_lines("코드예요 [1]\n```\nA = f(1)\n```") == ["A = f(1)"]


CASE_NOTE = """## 분류 모델
### 로지스틱 회귀
* 로지스틱 회귀는 확률로 두 범주를 가르는 모델이다
* 언제 사용하면 좋을까?
    * 결과에 확신이 없을 때(예를 들어 경계가 흐릴 때) 쓰면 좋다
* 계산이 가볍다
* 스팸 메일 거르기 --> 로지스틱 회귀이다. (스팸이냐 아니냐)
"""


def test_a_case_written_as_an_arrow_to_the_subject_leads_its_examples() -> None:
    passage = Passage(41, "clf.md", "분류 모델 > 로지스틱 회귀", CASE_NOTE, 1.0)
    notes = ([passage], {41: unit_records("clf.md", 41, CASE_NOTE, 1100)})
    lines = _answer_over(notes, "로지스틱 회귀 예시 하나만 들어줘")
    assert lines[0].startswith("스팸 메일 거르기 --> 로지스틱 회귀이다.")


NAMES_NOTE = """## 학습 방법
* 대표적인 지도학습(Supervised Learning): 정답이 있는 데이터로 배운다
* 비지도학습(Unsupervised Learning): 정답 없이 구조를 찾는다
* dropout layer(드롭아웃 층 - 무작위 끄기층):
"""


def test_the_name_in_the_other_script_is_asked_for() -> None:
    passage = Passage(42, "learn.md", "학습 방법", NAMES_NOTE, 1.0)
    notes = ([passage], {42: unit_records("learn.md", 42, NAMES_NOTE, 1200)})
    lines = _answer_over(notes, "비지도학습은 영어로 뭐라고 해?")
    assert lines[0] == "노트에 적힌 비지도학습의 영어 이름: Unsupervised Learning. [1]"
    # asked by the name in parentheses; the words a Korean name follows are no part of it
    lines = _answer_over(notes, "Supervised Learning은 우리말로 뭐라고 해?")
    assert lines[0] == "노트에 적힌 Supervised Learning의 우리말 이름: 지도학습. [1]"
    # a name that is no more than a label of its own, asked the other way
    lines = _answer_over(notes, "dropout layer는 우리말로 뭐라고 불러?")
    assert lines == ["노트에 적힌 dropout layer의 우리말 이름: 드롭아웃 층 - 무작위 끄기층. [1]"]


def test_a_line_setting_the_two_sides_against_each_other_leads_from_further_down() -> None:
    """ "회귀랑 분류 차이가 뭐야?" asks nothing but how they differ: the one line that says
    each as a topic leads, though many lines naming both score above it."""
    rows = "\n".join(
        f"* 분류와 회귀 {i}장: 분류 모델과 회귀 모델을 {i}번째 데이터 분류 회귀 실험에 함께 쓴다"
        for i in range(1, 21)
    )
    summary = "* 정리하면 회귀는 연속적인 값을 예측하고, 분류는 범주를 예측한다"
    note = f"## 분류와 회귀\n{rows}\n\n## 요약\n{summary}\n"
    passage = Passage(50, "sum.md", "분류와 회귀", note, 1.0)
    notes = ([passage], {50: unit_records("sum.md", 50, note, 1300)})
    lines = _answer_over(notes, "회귀랑 분류 차이가 뭐야?")
    assert "회귀는 연속적인 값을 예측하고, 분류는 범주를" in lines[0]


MISTYPED_STEPS_NOTE = """## 분류 모델
### 나이브 베이즈
* 조건부 확률로 범주를 고르는 모델이다
* 나이브 베이즈는 특성이 서로 독립이라고 가정한다
* 학습 절자
    * 범주마다 사전 확률을 센다
    * 특성마다 조건부 확률을 센다
    * 곱이 가장 큰 범주를 고른다
"""


def test_steps_stand_under_a_word_for_steps_mistyped_by_one_letter() -> None:
    # "절자" for 절차: the steps are still the answer to "어떤 순서로 학습해?"
    passage = Passage(43, "nb.md", "분류 모델 > 나이브 베이즈", MISTYPED_STEPS_NOTE, 1.0)
    notes = ([passage], {43: unit_records("nb.md", 43, MISTYPED_STEPS_NOTE, 1400)})
    lines = _answer_over(notes, "나이브 베이즈는 어떤 순서로 학습해?")
    assert lines[0].startswith("학습 절자: 범주마다 사전 확률을 센다"), lines


RUN_NOTE = """## 전처리
* 정규화하는 이유
    * 원래 픽셀 값은 0부터 255까지의 정수다.
    * 신경망은 작은 실수 값에서 잘 학습한다.
    * 따라서 255로 나눠 0과 1 사이로 바꿔준다.
* 이미지 크기
    * 모든 이미지를 같은 크기로 맞춘다.
"""


def test_a_short_run_under_a_title_that_asks_is_read_whole_after_its_lead() -> None:
    passage = Passage(44, "prep.md", "전처리", RUN_NOTE, 1.0)
    notes = ([passage], {44: unit_records("prep.md", 44, RUN_NOTE, 1500)})
    lines = _answer_over(notes, "픽셀 값이 0부터 255까지인데 어떻게 바꿔야 돼?")
    assert "원래 픽셀 값은 0부터 255까지의 정수다" in lines[0], lines
    assert any("따라서 255로 나눠 0과 1 사이로 바꿔준다" in line for line in lines[1:3]), lines
