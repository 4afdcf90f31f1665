"""The notes' structure survives ingestion: answer units from each kind of structure."""

from __future__ import annotations

import pytest

from ingest.markdown import is_display_math, parse_markdown, readable_math
from ingest.tree import ask_of, mistyped_step_word, parse_units, spelled_out

DETAILS = """<details>
<summary><h2>3주차</h2></summary>

<details>
<summary><h3>계층적 군집 (Hierarchical Clustering)</h3></summary>

* 왜 사용할까?
    * 군집의 개수를 미리 정하지 않아도 되기 때문
* 언제 사용하면 좋을까?
    * 데이터 사이의 포함 관계를 나무 모양으로 보고 싶을 때 좋다.
* `계층적 군집 (Hierarchical Clustering)`
    * 가까운 데이터끼리 차례로 묶어 올라가는 군집 방법
* 병합 절차
    * `거리 계산`
    * `가장 가까운 두 군집 병합`
</details>
</details>
"""


def _by_text(units, text):
    return next(u for u in units if u.text == text)


def test_question_bullets_give_their_children_a_kind() -> None:
    units = parse_units(DETAILS)
    why = _by_text(units, "군집의 개수를 미리 정하지 않아도 되기 때문")
    when = _by_text(units, "데이터 사이의 포함 관계를 나무 모양으로 보고 싶을 때 좋다.")
    assert why.ask == "why" and when.ask == "when"
    # the question label is not what the unit is about: the section's topic is
    assert why.context == "계층적 군집 (Hierarchical Clustering)"
    assert why.labels[:2] == ("3주차", "계층적 군집 (Hierarchical Clustering)")


def test_bullet_restating_the_topic_defines_it() -> None:
    units = parse_units(DETAILS)
    definition = _by_text(units, "가까운 데이터끼리 차례로 묶어 올라가는 군집 방법")
    assert definition.ask == "definition"
    assert definition.labels[-1] == "계층적 군집 (Hierarchical Clustering)"
    steps = [u for u in units if u.labels[-1] == "병합 절차" and u.kind == "item"]
    assert [s.text for s in steps] == ["거리 계산", "가장 가까운 두 군집 병합"]
    assert all(s.ask == "how" for s in steps)


def test_labels_are_units_of_their_own_kind_and_lines_are_one_based() -> None:
    units = parse_units(DETAILS)
    labels = [u.text for u in units if u.kind == "label"]
    assert labels == [
        "왜 사용할까?",
        "언제 사용하면 좋을까?",
        "계층적 군집 (Hierarchical Clustering)",
        "병합 절차",
    ]
    assert _by_text(units, "군집의 개수를 미리 정하지 않아도 되기 때문").line == 8


def test_term_lines_and_nested_term_bullets() -> None:
    text = (
        "#### 용어 정리\n\n"
        "FAISS - 벡터를 빠르게 찾아 주는 유사도 검색 라이브러리\n\n"
        "- 앨런 튜링 (Alan Turing) - 영국  \n"
        "\t- 튜링 테스트 - 기계가 생각할 수 있는지 묻는 시험\n"
    )
    units = parse_units(text)
    faiss = _by_text(units, "벡터를 빠르게 찾아 주는 유사도 검색 라이브러리")
    assert (faiss.kind, faiss.term, faiss.labels) == ("term", "FAISS", ("용어 정리",))
    person = _by_text(units, "영국")
    assert person.term == "앨런 튜링 (Alan Turing)"
    child = _by_text(units, "기계가 생각할 수 있는지 묻는 시험")
    assert child.term == "튜링 테스트" and child.labels[-1] == "앨런 튜링 (Alan Turing)"


def test_markdown_and_tab_separated_tables_read_rows_with_their_header() -> None:
    text = (
        "## 옵티마이저\n\n"
        "| 이름 | 특징 | 학습률 |\n|---|---|---|\n| Adam | 모멘텀과 적응 학습률 | 0.001 |\n\n"
        "인자\t설명\t기본값\n"
        "units\t출력 뉴런 수\t없음\n"
        "use_bias\t편향 사용 여부\tTrue\n"
    )
    rows = [u for u in parse_units(text) if u.kind == "row"]
    assert [(r.term, r.text) for r in rows] == [
        ("Adam", "특징: 모멘텀과 적응 학습률, 학습률: 0.001"),
        ("units", "설명: 출력 뉴런 수, 기본값: 없음"),
        ("use_bias", "설명: 편향 사용 여부, 기본값: True"),
    ]


def test_the_lines_of_a_cell_read_as_one_with_one_comma_between() -> None:
    text = (
        "| 이름 | 초기 개발자 | 설명 |\n|---|---|---|\n"
        "| 장고 | Adrian<br>Holovaty,<br>Simon Willison | 풀스택,<br/>웹 프레임워크 |\n"
    )
    (row,) = [u for u in parse_units(text) if u.kind == "row"]
    assert row.text == "초기 개발자: Adrian, Holovaty, Simon Willison, 설명: 풀스택, 웹 프레임워크"


def test_a_heading_inside_a_bullet_heads_nothing_past_it() -> None:
    text = (
        "#### 혼동 행렬\n"
        "- 예측이 얼마나 맞았는지 보여주는 표\n"
        "- ###### 오답이 나오면 혼동 행렬을 그려 본다.\n"
        "- 정확도가 낮을 때 쓴다.\n"
    )
    units = {u.text: u for u in parse_units(text)}
    assert units["오답이 나오면 혼동 행렬을 그려 본다."].labels == ("혼동 행렬",)
    assert units["정확도가 낮을 때 쓴다."].labels == ("혼동 행렬",)


def test_a_cell_that_repeats_the_rows_name_is_left_out() -> None:
    text = (
        "| 구분 | 구성 요소 | 설명 |\n|---|---|---|\n"
        "| 층 | 출력층 | 최종 결과를 내는 층 |\n"
        "| 편향 (bias) | 편향 (bias) | 가중합에 더하는 상수 |\n\n"
        "구분\t구성 요소\t설명\n"
        "가중치\t가중치\t연결 강도\n"
    )
    rows = [u for u in parse_units(text) if u.kind == "row"]
    assert [(r.term, r.text) for r in rows] == [
        ("층", "구성 요소: 출력층, 설명: 최종 결과를 내는 층"),
        ("편향 (bias)", "설명: 가중합에 더하는 상수"),
        ("가중치", "설명: 연결 강도"),
    ]


def test_a_table_title_above_a_blank_line_labels_its_rows() -> None:
    text = (
        "정규화 도구\n\n"
        "Standard\t평균 0, 표준편차 1로 바꾼다\t선형 모델\n"
        "MinMax\t0과 1 사이로 줄인다\t이미지\n\n"
        "이 줄은 표 아래의 설명 문장이다.\n"
    )
    units = parse_units(text)
    title = _by_text(units, "정규화 도구")
    rows = [u for u in units if u.kind == "row"]
    assert title.kind == "label"
    assert [r.term for r in rows] == ["Standard", "MinMax"]
    assert all(r.labels == ("정규화 도구",) for r in rows)
    # a sentence above a table is no title: it stays a line of its own
    said = parse_units("표의 값은 직접 측정했다.\n\nA\t1\t2\nB\t3\t4\n")
    assert said[0].kind == "item" and all(u.labels == () for u in said)


def test_a_short_title_labels_the_term_lines_under_it() -> None:
    text = (
        "주요 파라미터\n"
        "estimator: 튜닝할 모델입니다.\n"
        "cv: 교차 검증 폴드 수입니다.\n\n"
        "로그 해석\n\n"
        "iter: 반복 번호입니다.\n"
        "n_jobs: 병렬 작업 수입니다.\n"
    )
    units = parse_units(text)
    terms = {u.term: u.labels for u in units if u.kind == "term"}
    assert terms == {
        "estimator": ("주요 파라미터",),
        "cv": ("주요 파라미터",),
        "iter": ("로그 해석",),
        "n_jobs": ("로그 해석",),
    }
    assert [u.text for u in units if u.kind == "label"] == ["주요 파라미터", "로그 해석"]


def test_a_title_of_entries_alone_is_of_the_name_above_it_and_runs_on() -> None:
    """ "파라미터" alone says only what kind of lines follow; the short line alone above it
    names whose they are, and the run of term lines goes on under both after a blank
    line."""
    text = (
        "풀링 레이어\n\n"
        "파라미터\n\n"
        "pool_size: 창 크기\n"
        "    창: 한 번에 보는 영역\n\n"
        "strides: 창이 움직이는 간격\n"
        "padding: 가장자리 처리\n"
    )
    units = parse_units(text)
    terms = {u.term: u.labels for u in units if u.kind == "term"}
    assert set(terms) >= {"pool_size", "strides", "padding"}, terms
    assert all(labels == ("풀링 레이어 파라미터",) for labels in terms.values()), terms
    assert [u.text for u in units if u.kind == "label"] == ["풀링 레이어 파라미터"]


def test_a_line_ending_in_a_colon_labels_the_lines_after_it() -> None:
    text = "Fitting 5 folds, totalling 25 fits:\n총 25번의 훈련이 수행된다는 뜻입니다.\n"
    label, line = parse_units(text)
    assert (label.kind, label.text) == ("label", "Fitting 5 folds, totalling 25 fits")
    assert line.labels == ("Fitting 5 folds, totalling 25 fits",)


def test_a_bullet_written_with_a_no_break_space_is_a_bullet() -> None:
    from ingest.markdown import normalize_note

    text = normalize_note("- 앤드루 응(Andrew Ng) - 홍콩\n\t-\u00a0 고양이 얼굴을 학습한 연구\n")
    person, line = parse_units(text)
    assert (person.kind, person.term) == ("term", "앤드루 응(Andrew Ng)")
    assert line.labels == ("앤드루 응(Andrew Ng)",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "* `출력층 계산`\n"
            "    * 심층 신경망과 계산 방법이 동일  \n"
            "    즉, 은닉 상태에 가중치를 곱해 소프트맥스 함수를 적용\n"
            "    * 즉, 다른 항목으로 시작하는 줄은 그대로 둔다\n",
            [
                "심층 신경망과 계산 방법이 동일 즉, 은닉 상태에 가중치를 곱해 "
                "소프트맥스 함수를 적용",
                "즉, 다른 항목으로 시작하는 줄은 그대로 둔다",
            ],
        ),
        # "이럴 때는", "이럴경우": in the case the line above gives
        (
            "## 평가\n\n"
            "불균형한 데이터에서는 정확도가 높아도 믿기 어렵다.\n"
            "이럴 때는 재현율을 함께 본다.\n\n"
            "- 입력이 (100, 8, 2)이다\n"
            "- 이럴경우 input_shape는 (8, 2)이다\n",
            [
                "불균형한 데이터에서는 정확도가 높아도 믿기 어렵다. 이럴 때는 재현율을 함께 본다.",
                "입력이 (100, 8, 2)이다 이럴경우 input_shape는 (8, 2)이다",
            ],
        ),
        # "이 부품들을 …": what the line above named; not "이 전까지의 …" (이전), nor "이
        # 밖에도 …", which says something of its own
        (
            "## 체인\n\n"
            "로더, 분할기, 검색기를 같은 인터페이스로 다룬다.\n"
            "이 부품들을 연산자로 이어 붙여 체인을 만든다.\n\n"
            "- 어텐션은 앞의 내용을 다시 본다.\n"
            "- 이 전까지의 과정을 검토하는 것이다.\n"
            "- 이 밖에도 여러 방식이 있다.\n",
            [
                "로더, 분할기, 검색기를 같은 인터페이스로 다룬다. 이 부품들을 연산자로 이어 "
                "붙여 체인을 만든다.",
                "어텐션은 앞의 내용을 다시 본다.",
                "이 전까지의 과정을 검토하는 것이다.",
                "이 밖에도 여러 방식이 있다.",
            ],
        ),
        # a sentence of its own, after a line that ends none
        (
            "- 가까운 데이터끼리 차례로 묶는 방법\n- 이 방법은 데이터가 많으면 느리다.\n",
            ["가까운 데이터끼리 차례로 묶는 방법. 이 방법은 데이터가 많으면 느리다."],
        ),
    ],
)
def test_a_line_that_goes_on_from_the_one_before_joins_it(text: str, expected: list[str]) -> None:
    assert [u.text for u in parse_units(text) if u.kind != "label"] == expected


def test_code_is_a_unit_of_its_own_kind_and_broken_lines_are_joined() -> None:
    text = (
        "### 예제\n\n```python\nmodel = Net()\nprint(model)\n```\n\n"
        "손글씨 숫자를 분류하는 작은 신경망을 만들었습\n니다.\n"
    )
    units = parse_units(text)
    assert [(u.kind, u.text) for u in units] == [
        ("code", "model = Net()"),
        ("code", "print(model)"),
        ("item", "손글씨 숫자를 분류하는 작은 신경망을 만들었습니다."),
    ]


def test_a_heading_that_states_something_is_a_unit_too() -> None:
    text = (
        "## 학습\n"
        "#### 1 에포크는 배치를 전체 한 번 도는 것을 의미함.\n"
        "- 미니 배치는 배치를 더 잘게 나눈 것\n"
        "#### 결정 --> 소프트맥스 회귀(고를 범주가 많아졌을 때 사용함)\n"
        "#### 혼동 행렬: 오답 노트이다.\n"
        "- 틀린 예측을 모아 보여주는 표\n"
        "#### 드롭아웃: 뉴런 일부를 끄는 방법이다. 과적합 막는 용도.....\n"
        "#### 역전파란?\n"
        "#### 활성화 함수\n"
    )
    units = parse_units(text)
    epoch = _by_text(units, "1 에포크는 배치를 전체 한 번 도는 것을 의미함.")
    assert epoch.kind == "item" and epoch.line == 2
    # the statement opens its own section: the bullets under it are read with it
    child = _by_text(units, "미니 배치는 배치를 더 잘게 나눈 것")
    assert child.labels[: child.heading_depth] == epoch.labels[: epoch.heading_depth]
    assert _by_text(units, "결정 --> 소프트맥스 회귀(고를 범주가 많아졌을 때 사용함)")
    matrix = _by_text(units, "오답 노트이다.")
    assert matrix.kind == "term" and matrix.term == "혼동 행렬"
    # a sentence that ends inside the title, though its last words end none
    dropout = _by_text(units, "뉴런 일부를 끄는 방법이다. 과적합 막는 용도.....")
    assert dropout.kind == "term" and dropout.term == "드롭아웃"
    # a question or a topic is a label only
    assert not any(u.text in ("역전파란?", "활성화 함수") for u in units)


def test_a_mark_inside_quotes_or_brackets_splits_no_term() -> None:
    units = parse_units(
        '## CNN\n일반적인 구성은 "합성곱 → 활성화 → 풀링" 블록을 반복하는 형태이다.\n'
        "RAG - 검색과 생성을 결합한 방법\n"
        "기울기로 w \\leftarrow w - \\eta g처럼 가중치를 갱신한다.\n"
    )
    assert [(u.kind, u.term) for u in units] == [("item", ""), ("term", "RAG"), ("item", "")]


def test_a_chain_of_arrows_is_steps_not_a_term() -> None:
    units = parse_units(
        "## 학습 과정\n전처리 순서는 결측치 채우기 → 정규화 → 데이터 나누기 순이다.\n"
        "GRU → 게이트가 두 개인 순환 신경망\n"
    )
    assert [(u.kind, u.term) for u in units] == [("item", ""), ("term", "GRU")]


def test_a_clause_before_a_spaced_hyphen_is_no_term() -> None:
    units = parse_units(
        "## CNN\n- pooling layer(풀링 계층):\n"
        "    - 크기를 줄이고 불변성 확보 (압축) - 위치가 조금 바뀌어도 같은 값이 나온다.\n"
        "- 최고 성능 모델 - 가장 정확한 모델\n"
    )
    text = "크기를 줄이고 불변성 확보 (압축) - 위치가 조금 바뀌어도 같은 값이 나온다."
    line = _by_text(units, text)
    # an object and its verb ("크기를 줄이고") make a clause, not a name: the line stays
    # whole, under the bullet it describes
    assert (line.kind, line.term) == ("item", "")
    assert line.context.startswith("pooling layer(풀링 계층)")
    assert [u.term for u in units if u.kind == "term"] == ["최고 성능 모델"]


def test_a_sentence_before_a_remark_is_no_term() -> None:
    units = parse_units(
        "## 모델\n- 딥러닝에서 파일은 모델이다.\n"
        "- 머신러닝에서 파일은 학습된 모델이다. 예: .xml, .chkt\n- 예: 모델 파일의 확장자\n"
    )
    line = _by_text(units, "머신러닝에서 파일은 학습된 모델이다. 예: .xml, .chkt")
    assert (line.kind, line.term) == ("item", "")
    assert [u.term for u in units if u.kind == "term"] == ["예"]


def test_a_question_line_above_a_list_labels_it_and_names_its_subject() -> None:
    units = parse_units(
        "### mnist_service.py 만들기....\n\nmnist란?\n- 손글씨 숫자 이미지를 모은 데이터 셋이다.\n"
    )
    line = _by_text(units, "손글씨 숫자 이미지를 모은 데이터 셋이다.")
    assert line.labels[-1] == "mnist란?" and line.ask == "definition"
    assert line.context == "mnist"  # a question that names its subject names the context
    # a heading ending in dots states nothing: it is a label only
    assert not any(u.text.startswith("mnist_service") for u in units)


def test_a_question_naming_what_the_bullet_above_holds_keeps_that_bullet() -> None:
    units = parse_units(
        "- 제프리 힌턴 (Geoffrey Hinton) - 영국\n"
        "    - MLP, 역전파 알고리즘\n"
        "        - 역전파 알고리즘 이란?\n"
        "            - 층이 많아질수록 가중치의 수가 기하급수적으로 늘어남.\n"
    )
    line = _by_text(units, "층이 많아질수록 가중치의 수가 기하급수적으로 늘어남.")
    assert line.context == "MLP, 역전파 알고리즘"


def test_a_definition_that_says_here_of_its_parent_stands_without_the_word() -> None:
    units = parse_units(
        "- 특징 맵을 추출한다.\n    - 여기서 특징이라는 것은 패턴을 수치로 표현한 것을 의미한다.\n"
    )
    assert any(u.text == "특징이라는 것은 패턴을 수치로 표현한 것을 의미한다." for u in units)


def test_table_rows_take_the_kind_their_title_asks() -> None:
    units = parse_units(
        "type of Scaler\n\n이름\t설명\nStandardScaler\t평균 0, 표준편차 1\nMinMaxScaler\t0~1 범위\n"
    )  # a table pasted from a spreadsheet, under its title
    row = _by_text(units, "설명: 평균 0, 표준편차 1")
    assert (row.kind, row.term, row.ask) == ("row", "StandardScaler", "list")


def test_a_short_title_over_setting_lines_makes_one_term_line() -> None:
    text = "이진 출력\noutput ='tanh'\ncost='hinge'\n\n다음 문단\nx = 1\n"
    units = [(u.kind, u.term, u.text) for u in parse_units(text)]
    assert ("term", "이진 출력", "output ='tanh', cost='hinge'") in units
    # one setting line under a title is not enough
    assert ("item", "", "다음 문단") in units


def test_a_short_name_over_a_table_names_its_rows_across_an_html_line() -> None:
    # the table nests under "UserThing" as written, though CommonMark ends that bullet
    text = (
        "* **`login`**\n"
        "   * 로그인 기능을 돕는 라이브러리\n"
        "   * **`UserThing`**\n"
        '    <div align="center">\n\n'
        "    | 속성 | 설명 |\n"
        "    |---|---|\n"
        "    | is_on | 켜져 있으면 true를 반환하는 함수 |\n"
        "    </div>\n"
    )
    rows = [u for u in parse_units(text) if u.kind == "row"]
    assert [(u.term, u.labels[-1]) for u in rows] == [("is_on", "UserThing")]


def test_a_term_line_over_a_list_of_short_values_labels_them() -> None:
    text = "mode: 기록 방식입니다.\n- 0: 기록 안 함\n- 1: 요약만 기록\n"
    units = [(u.term, u.labels, u.text) for u in parse_units(text)]
    assert ("mode", (), "기록 방식입니다.") in units
    assert ("0", ("mode",), "기록 안 함") in units and ("1", ("mode",), "요약만 기록") in units


SERVICE = """## 업로드 서비스

```python
# 업로드 폴더를 앱 안으로 고정
SAVE_DIR = os.path.join(BASE_DIR, "saved")

# 업로드 엔드포인트
@router.post("/upload")
async def upload(file: UploadFile):
    # 파일 저장
    path = os.path.join(SAVE_DIR, file.filename)
    return JSONResponse(
        content={"path": path},
    )

LIMIT = 10
```
"""


def test_code_lines_are_units_labelled_by_their_function_and_comment() -> None:
    units = {u.text.strip(): u for u in parse_units(SERVICE)}
    assert all(u.kind == "code" for u in units.values())
    # a line keeps its indentation within the block
    assert units["path = os.path.join(SAVE_DIR, file.filename)"].text.startswith("    path")
    assert not any(text.startswith("#") for text in units)  # comments label, never answer
    assert units['SAVE_DIR = os.path.join(BASE_DIR, "saved")'].labels == (
        "업로드 서비스", "업로드 폴더를 앱 안으로 고정",
    )  # fmt: skip
    # the comment over a function labels its decorator and def, and its body under the
    # function's name; a comment inside takes the place of none above it
    assert units['@router.post("/upload")'].labels[-1] == "업로드 엔드포인트"
    assert units["path = os.path.join(SAVE_DIR, file.filename)"].labels[-2:] == (
        "upload", "파일 저장",
    )  # fmt: skip
    # a closing bracket stays, so that a statement over several lines reads whole
    assert units[")"].line == units['content={"path": path},'].line + 1
    # the comment over the function ends with it
    assert units["LIMIT = 10"].labels == ("업로드 서비스",)
    assert units["LIMIT = 10"].line == SERVICE.splitlines().index("LIMIT = 10") + 1


def test_a_name_on_a_line_of_its_own_titles_the_short_points_under_it() -> None:
    text = (
        "랜덤 탐색은 조합을 무작위로 고른다.\n\n"
        "격자 탐색\n\n"
        "모든 조합을 빠짐없이 시험함\n"
        "조합이 많으면 오래 걸림\n\n"
        "n_iter: 시도할 조합의 수\n"
        "cv: 교차 검증 폴드 수\n"
    )
    units = {u.text: u for u in parse_units(text)}
    assert units["격자 탐색"].kind == "label"
    assert units["모든 조합을 빠짐없이 시험함"].labels == ("격자 탐색",)
    assert units["조합이 많으면 오래 걸림"].kind == "item"
    # the term lines after them are not under that title, nor under the last point
    assert units["시도할 조합의 수"].labels == ()


def test_a_title_naming_what_its_lines_answer_labels_them() -> None:
    # a numbered item whose lines run on without indentation (lazy continuation)
    text = (
        "1. 입력을 정규화하는 이유\n"
        "픽셀 값은 0부터 255까지의 정수예요.\n"
        "0과 1 사이로 바꾸면 학습이 안정적이에요.\n"
    )
    units = {u.text: u for u in parse_units(text)}
    assert units["입력을 정규화하는 이유"].kind == "label"
    assert units["0과 1 사이로 바꾸면 학습이 안정적이에요."].labels == ("입력을 정규화하는 이유",)
    # so does the case they are about
    case = {u.text: u for u in parse_units("이미지일 경우\n예 (100, 28, 28, 1) 흑백 100장\n")}
    assert case["이미지일 경우"].kind == "label"
    assert case["예 (100, 28, 28, 1) 흑백 100장"].labels == ("이미지일 경우",)
    # a first line that says something is no title
    plain = {u.text: u for u in parse_units("학습률이 크면 발산한다.\n작으면 느리다.\n")}
    assert plain["작으면 느리다."].labels == ()


def test_a_term_line_with_a_short_point_right_under_it_labels_the_point() -> None:
    text = (
        "입력 변수(x): 여러 개일 수 있다.\n- 출력에 영향을 주는 값\n\n"
        "다음 문단이다.\n\n- 따로 선 목록\n"
    )
    units = {u.text: u for u in parse_units(text)}
    assert units["출력에 영향을 주는 값"].labels == ("입력 변수(x)",)
    assert units["따로 선 목록"].labels == ()


def test_a_sentence_broken_after_a_comma_or_a_particle_is_one_unit() -> None:
    text = (
        "Grid Search(격자 탐색)는 하이퍼파라미터를 고르는 기법 중 하나로, \n"
        "모든 조합을 하나씩 시험하는 방법입니다.\n"
        "n_iter: 시도할 조합의 수,\n"
        "cv: 교차 검증 폴드 수\n"
    )
    texts = [u.text for u in parse_units(text)]
    assert texts[0] == (
        "Grid Search(격자 탐색)는 하이퍼파라미터를 고르는 기법 중 하나로, "
        "모든 조합을 하나씩 시험하는 방법입니다."
    )
    # a "용어: 설명" line after a comma is a line of its own
    assert "교차 검증 폴드 수" in texts
    # so is a sentence broken after a particle
    text = "LSTM 같은 RNN 모델은\n입력 데이터를 3차원 형태로 받습니다.\n"
    assert [u.text for u in parse_units(text)] == [
        "LSTM 같은 RNN 모델은 입력 데이터를 3차원 형태로 받습니다."
    ]


def test_a_name_spelled_out_in_the_other_script_is_known_both_ways() -> None:
    text = (
        "Grid Search(격자 탐색)는 모든 조합을 시험하는 방법입니다.\n\n"
        "Grid Search\n\n"
        "모든 조합을 빠짐없이 시험함\n"
        "조합이 많으면 오래 걸림\n\n"
        "확률 모델(보통 Gaussian Process)을 쓴다.\n"
        "Pooling layer(풀링 계층)는 크기를 줄인다.\n\n"
        "layer\n\n"
        "층을 쌓아 만든다\n"
        "층마다 가중치가 있다\n"
    )
    spelled = spelled_out(parse_units(text))
    assert spelled["gridsearch"] == "격자 탐색"
    assert spelled["격자탐색"] == "Grid Search"
    # a spelling in two scripts, or one of a longer name than the label, names nothing
    assert "모델" not in spelled and "layer" not in spelled


def test_a_name_on_a_line_of_its_own_right_above_a_list_labels_it() -> None:
    text = (
        "## 구조\n\nCNN\n- -> 이미지를 작은 조각으로 나눠 보는 것을 말한다.\n\n"
        "긴 문장으로 된 설명이다.\n- 항목\n"
    )
    units = {u.text: u for u in parse_units(text)}
    assert units["CNN"].kind == "label"
    assert units["-> 이미지를 작은 조각으로 나눠 보는 것을 말한다."].labels == ("구조", "CNN")
    # a sentence is no title
    assert units["항목"].labels == ("구조",)


def test_a_bullet_that_goes_on_from_the_one_above_joins_it() -> None:
    text = (
        "## 에이전트\n\n- 에이전트는 목표를 위해 행동하는 시스템을 말한다.\n"
        "- 즉, 스스로 판단하는 시스템이다.\n- 에이전트는 여러 개이다.\n"
        "- 모델은 파일이다.\n  - 학습된 가중치를 담는다.\n- 즉, 결과물이다.\n"
    )
    texts = [u.text for u in parse_units(text)]
    assert texts[:2] == [
        "에이전트는 목표를 위해 행동하는 시스템을 말한다. 즉, 스스로 판단하는 시스템이다.",
        "에이전트는 여러 개이다.",
    ]
    # not onto a line further up or under other labels
    assert "즉, 결과물이다." in texts


def test_a_bullet_that_is_only_a_name_titles_what_follows_it() -> None:
    text = (
        "## 튜닝\n\n* GridSearchCV\n\n주요 파라미터\nestimator: 사용할 모델.\n"
        "cv: 교차 검증 폴드 수.\nverbose: 출력 정도.\n\n"
        "* RandomSearchCV\n주요 파라미터\n\nn_iter: 시도할 조합 수.\ncv: 폴드 수.\n\n"
        "* 로그 해석 내용\n\n해석은 이렇다.\n\n* torch\n* pandas\n\n그 다음 문장이다.\n"
    )
    units = parse_units(text)
    by_line = {(u.line, u.text): u for u in units}
    assert by_line[(3, "GridSearchCV")].kind == "label"
    assert by_line[(6, "사용할 모델.")].labels == ("튜닝", "GridSearchCV", "주요 파라미터")
    # the lines that follow in the bullet's own paragraph come with it
    assert by_line[(13, "시도할 조합 수.")].labels == ("튜닝", "RandomSearchCV", "주요 파라미터")
    # a bullet that says more than a name, or a list of several, ends the title
    assert by_line[(18, "해석은 이렇다.")].labels == ("튜닝",)
    assert by_line[(23, "그 다음 문장이다.")].labels == ("튜닝",)


def test_a_letter_before_a_spaced_hyphen_is_part_of_the_name() -> None:
    text = "* K - 최근접 이웃 (K-Nearest Neighbor)\n    * 언제 사용하면 좋을까?\n        * 쉽다.\n"
    units = parse_units(text)
    assert units[0].kind == "label" and units[0].text == "K - 최근접 이웃 (K-Nearest Neighbor)"
    assert units[-1].labels[0] == "K - 최근접 이웃 (K-Nearest Neighbor)"


def test_the_lines_a_term_bullet_goes_on_with_are_about_its_term() -> None:
    text = (
        "## 통계\n\n"
        "-  의사결정나무 (분류 / 회귀) - 질문을 이어 가며 데이터를 나누는 모델.\n"
        "   깊이가 깊어지면 과적합되기 쉬움 -> 가지치기로 막는다.\n"
        "\t불순도 - 한 노드 안에 다른 클래스가 섞인 정도\n\n"
        "- 앙상블 - 여러 모델을 묶는 방법\n"
        "- 배깅 - 표본을 여러 번 뽑아 따로 학습한다\n\n"
        "이 문단은 목록 밖이다.\n둘째 줄도 그렇다.\n"
    )
    units = {u.text: u for u in parse_units(text)}
    tree = units["질문을 이어 가며 데이터를 나누는 모델."]
    assert (tree.kind, tree.term, tree.labels) == ("term", "의사결정나무 (분류 / 회귀)", ("통계",))
    goes_on = units["깊이가 깊어지면 과적합되기 쉬움 -> 가지치기로 막는다."]
    assert goes_on.labels == ("통계", "의사결정나무 (분류 / 회귀)")
    assert goes_on.context == "의사결정나무 (분류 / 회귀)"
    # a term line among them keeps its own term, under the bullet's
    impurity = units["한 노드 안에 다른 클래스가 섞인 정도"]
    assert impurity.term == "불순도" and impurity.labels[-1] == "의사결정나무 (분류 / 회귀)"
    # bullets of one line each, and a paragraph outside a list, stay as they were
    assert units["표본을 여러 번 뽑아 따로 학습한다"].labels == ("통계",)
    assert units["둘째 줄도 그렇다."].labels == ("통계",)


def test_a_title_between_rules_heads_what_follows_until_the_next_title() -> None:
    text = (
        "## 시계열\n\n"
        "----------------LSTM----------------\n\n"
        "LSTM은 셀 상태로 긴 의존성을 기억한다.\n"
        "입력 게이트: 새 정보를 얼마나 더할지 정한다\n\n"
        "* ARIMA\n\n"
        "자기회귀와 이동평균을 합친 모형이다.\n\n"
        "----------------------------------\n"
    )
    units = {u.text: u for u in parse_units(text)}
    assert not any("-----" in t for t in units)
    assert units["LSTM은 셀 상태로 긴 의존성을 기억한다."].labels == ("시계열", "LSTM")
    assert units["새 정보를 얼마나 더할지 정한다"].context == "LSTM"
    # a title of its own ends it
    assert units["자기회귀와 이동평균을 합친 모형이다."].labels == ("시계열", "ARIMA")


def test_a_table_of_one_column_is_one_line_under_its_header() -> None:
    units = parse_units(
        "## 순환 신경망\n\n| 계보 |\n| --- |\n| RNN (기본) |\n| ↳ LSTM (장기 기억) |\n"
        "| ↳ GRU (더 가벼움) |\n"
    )
    assert [(u.kind, u.term, u.text) for u in units] == [
        ("term", "계보", "RNN (기본), ↳ LSTM (장기 기억), ↳ GRU (더 가벼움)")
    ]


def test_a_wide_gap_of_blank_lines_ends_the_section_above_it() -> None:
    text = (
        "## 평가\n\n"
        "#### 정밀도 vs 재현율\n\n"
        "\n\n"
        "- 정밀도\n"
        "\t- 양성이라고 예측한 것 중 실제 양성의 비율\n\n"
        "재현율은 실제 양성 중 찾아낸 비율이다.\n"
        "\n\n\n\n"
        "퍼셉트론: 입력에 가중치를 곱해 더하는 모델\n"
    )
    units = {u.text: u for u in parse_units(text)}
    # a heading may stand apart from its first lines, and a single blank line ends nothing
    assert units["양성이라고 예측한 것 중 실제 양성의 비율"].labels == (
        "평가",
        "정밀도 vs 재현율",
        "정밀도",
    )
    assert units["재현율은 실제 양성 중 찾아낸 비율이다."].labels == ("평가", "정밀도 vs 재현율")
    # four blank lines set a new topic apart: it is no longer under the innermost heading
    assert units["입력에 가중치를 곱해 더하는 모델"].labels == ("평가",)

    # the gap ends the topics around the innermost heading too (a heading over lines of its
    # own), up to one that only gathers headings
    text = (
        "## 자연어 처리\n\n"
        "#### 말뭉치: 언어 모델이 읽는 글의 모음\n"
        "- 모델이 배우는 문장을 모아 둔 것이다.\n\n"
        "##### 토크나이저\n"
        "문장을 토큰으로 나눈다.\n"
        "\n\n\n"
        "과제: 인사에 답하는 챗봇 만들기\n"
    )
    units = {u.text: u for u in parse_units(text)}
    assert units["문장을 토큰으로 나눈다."].labels[-1] == "토크나이저"
    assert units["인사에 답하는 챗봇 만들기"].labels == ("자연어 처리",)
    # chunks are cut on the same sections, so a passage holds the units of its own
    sections = {b.text: s.path for s in parse_markdown(text) for b in s.blocks}
    assert sections["문장을 토큰으로 나눈다."][-1] == "토크나이저"
    assert sections["과제: 인사에 답하는 챗봇 만들기"] == ("자연어 처리",)


@pytest.mark.parametrize(
    ("text", "line", "ask"),
    [
        # a title of doing a thing asks how
        (
            "## 모델 서빙하기\n\n서버가 시작될 때 모델을 한 번 불러온다.\n",
            "서버가 시작될 때 모델을 한 번 불러온다.",
            "how",
        ),
        # a noun that ends in 기 is no doing ("크기": size)
        ("## 출력 크기\n\n입력보다 작아진다.\n", "입력보다 작아진다.", ""),
        # a bullet or a title of problems asks for weaknesses
        (
            "## 인코더-디코더\n\n- 문제점\n    - 긴 문장은 벡터 하나에 다 담기 어렵다.\n",
            "긴 문장은 벡터 하나에 다 담기 어렵다.",
            "pros",
        ),
        ("### 기본 구조의 문제점\n\n앞부분 정보가 흐려진다.\n", "앞부분 정보가 흐려진다.", "pros"),
    ],
)
def test_a_title_says_what_the_lines_under_it_answer(text: str, line: str, ask: str) -> None:
    asks = {u.text: u.ask for u in parse_units(text)}
    assert asks[line] == ask


LOSS_NOTE = """## 손실 함수
* `교차 엔트로피`
    * 예측 분포와 정답 분포의 차이를 재는 손실
    $$L = -\\sum_{i} y_i \\log(\\hat{y}_i)$$
    $$
    \\left\\{
    \\begin{aligned}
    &y_i : \\text{정답 확률} \\\\
    &\\hat{y}_i : \\text{예측 확률}
    \\end{aligned}
    \\right\\}
    $$
    * 분류 모델에서 쓴다
"""


def test_display_math_is_a_formula_and_the_rows_that_say_what_its_symbols_stand_for() -> None:
    units = [(u.line, u.kind, u.text) for u in parse_units(LOSS_NOTE)]
    assert units == [
        (2, "label", "교차 엔트로피"),
        (3, "item", "예측 분포와 정답 분포의 차이를 재는 손실"),
        (4, "formula", "L = -Σ_{i} y_i log(ŷ_i)"),
        (8, "formula", "y_i: 정답 확률"),
        (9, "formula", "ŷ_i: 예측 확률"),
        (13, "item", "분류 모델에서 쓴다"),
    ]
    # each under the label of the bullet it belongs to
    assert {u.labels[-1] for u in parse_units(LOSS_NOTE)[1:]} == {"교차 엔트로피"}


@pytest.mark.parametrize(
    ("line", "read"),
    [
        ("$$K(a, b) = (\\gamma a^T \\cdot b)^d$$", "K(a, b) = (γ a^T · b)^d"),
        ("&d : \\text{차원, 이때 } \\gamma \\text{는 하이퍼파라미터}",
         "d: 차원, 이때 γ 는 하이퍼파라미터"),
        ("$$K(a, b) = \\exp\\left(-\\gamma \\cdot \\|a - b\\|^2\\right)$$",
         "K(a, b) = exp(-γ · ‖a - b‖^2)"),
        ("MSE = \\frac{1}{n}\\sum_{i=1}^{n}(y_i - \\hat{y}_i)^2",
         "MSE = (1/n)Σ_{i=1}^{n}(y_i - ŷ_i)^2"),
        ("L &= \\sum_i x_i", "L = Σ_i x_i"),
        ("\\begin{aligned}", ""),
        ("\\right\\}", ""),
        ("$$", ""),
    ],
)  # fmt: skip
def test_a_line_of_display_math_reads_as_its_symbols_and_words(line: str, read: str) -> None:
    assert readable_math(line) == read


def test_a_word_for_steps_typed_one_consonant_off_still_asks_how() -> None:
    units = parse_units("## 모델\n* 분석 철차\n    * 확률을 구한다\n    * 기준 값으로 나눈다\n")
    assert [u.ask for u in units if u.kind == "item"] == ["how", "how"]
    # a word one vowel off is another word ("과장" is not 과정)
    assert parse_units("## 모델\n* 분석 과장\n    * 확률을 구한다\n")[-1].ask == ""


def test_a_formula_with_prose_after_it_on_its_line_opens_no_block() -> None:
    assert is_display_math(["$$K = a^T b$$ 는 선형 커널이다", "선형 커널은 빠르다"]) == [
        False,
        False,
    ]
    assert is_display_math(["$$K = a^T b$$", "선형 커널은 빠르다"]) == [True, False]
    assert is_display_math(["$$", "K = a^T b", "$$", "끝"]) == [True, True, True, False]


def test_only_plain_aspirated_and_tense_initials_count_as_a_mistyped_word_for_steps() -> None:
    assert mistyped_step_word("철차")  # 절차
    assert not mistyped_step_word("문서")  # a word of its own, not 순서
    assert not mistyped_step_word("한계")  # nor 단계
    assert ask_of("공식 문서") == ""
