"""The answer-level metrics of `eval.answers` on hand-made strings, and the datasets'
locators against the real course notes (skipped where ../shared/course-notes is absent)."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from eval.answers import (
    check_locator,
    content_lines,
    find_section,
    headings,
    is_fragment,
    morpheme_recall,
    normalize,
    note_labels,
    note_lines,
    precision,
    resolve,
    span_recall,
    span_sha1,
)
from eval.common import load_jsonl
from tests.conftest import COURSE_NOTES, ROOT
from vector_store.analysis import KoreanAnalyzer, default_analyzer

HEADER = "노트에서 '고양이 분류기'에 대해 정리한 내용이에요."
SPAN = "털 색깔과 귀 모양으로 고양이 품종을 구분하는 모델"
NOTE = """\
# 동물 분류 노트

<details>
<summary><h2>1주차</h2></summary>

* `고양이 분류기`
    * 털 색깔과 귀 모양으로 고양이 품종을 구분하는 모델
    * 언제 쓸까?
        * 보호소에서 품종을 빠르게 기록해야 할 때 쓰면 좋다.
* 고양이 품종과 털 색깔의 관계
    * 털이 길수록 장모종일 가능성이 높다.

<details>
<summary><h3>강아지 분류기</h3></summary>

* 짖는 소리의 높낮이로 강아지 크기를 추정하는 모델
</details>

* 앵무새 메모
</details>

## 2주차
```python
# 주석은 제목이 아니다
x = 1
```
* 물고기 분류기는 지느러미 개수를 센다.
"""


@pytest.fixture(scope="module")
def analyzer() -> KoreanAnalyzer:
    return default_analyzer()


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("notes")
    (folder / "animals.md").write_text(NOTE, encoding="utf-8")
    return folder


# ------------------------------------------------------------------ header rule


def test_header_line_is_dropped_only_when_unmarked_and_not_alone() -> None:
    assert content_lines(f"{HEADER}\n- 첫째 줄\n- 둘째 줄") == ["- 첫째 줄", "- 둘째 줄"]
    # a one-line answer is its own content
    assert content_lines(HEADER) == [HEADER]
    # new answers open with content carrying citation marks
    assert content_lines("고양이 분류기: 품종을 구분해요 [1]\n- 근거 [2]") == [
        "고양이 분류기: 품종을 구분해요 [1]",
        "- 근거 [2]",
    ]


def test_quoted_code_is_one_content_line_under_a_header_and_no_fragment() -> None:
    answer = "노트의 코드 중 '저장 폴더' 부분에 이렇게 적혀 있어요. [1]\n```\nA = f(\n  1)\n```"
    lines = content_lines(answer)
    assert lines == ["``` A = f( 1)"]
    assert not is_fragment(lines[0], default_analyzer())
    # the same code as a line of its own is a fragment
    assert is_fragment("- A = f(1) [1]", default_analyzer())


def test_a_quoted_block_with_lines_after_it_stays_content() -> None:
    answer = (
        "'엔트로피' 식은 노트에 이렇게 적혀 있어요. [1]\n```text\nH = -p log p\n```\n- 불확실성 [1]"
    )
    assert content_lines(answer) == ["``` H = -p log p", "- 불확실성 [1]"]


def test_trailing_sources_list_is_never_content() -> None:
    answer = "품종을 구분하는 모델이에요 [1]\n\n출처\n[1] animals.md > 1주차"
    assert content_lines(answer) == ["품종을 구분하는 모델이에요 [1]"]
    assert content_lines("요약 [1]\n- 출처: animals.md") == ["요약 [1]"]


# ------------------------------------------------------------------ span recall


def test_span_recall_normalises_markup_and_whitespace(analyzer: KoreanAnalyzer) -> None:
    answer = f"{HEADER}\n- **털  색깔**과 귀 모양으로 `고양이` 품종을 구분하는 모델 [1]"
    assert span_recall(answer, SPAN, analyzer)


def test_emphasis_inside_a_word_is_no_word_break(analyzer: KoreanAnalyzer) -> None:
    # the gold marks words the answer writes plain, and the other way round
    gold = "서포트 벡터 머신은 **선형 분류**와 **비선형 분류**를 지원"
    answer = f"{HEADER}\n분류 지원: 서포트 벡터 머신은 선형 분류와 비선형 분류를 지원. [1]"
    assert span_recall(answer, gold, analyzer)
    assert span_recall(f"{HEADER}\n- **{SPAN}** [1]", SPAN, analyzer)
    assert not span_recall(f"{HEADER}\n- 서포트 벡터 머신은 회귀를 지원 [1]", gold, analyzer)


def test_span_recall_accepts_most_morphemes_in_another_order(analyzer: KoreanAnalyzer) -> None:
    answer = f"{HEADER}\n- 고양이 품종은 귀 모양과 털 색깔로 구분하는 모델이 맡아요."
    assert span_recall(answer, SPAN, analyzer)
    # too few of the span's morphemes: 고양이, 품종 of 털 색깔 귀 모양 고양이 품종 구분 모델
    assert not span_recall(f"{HEADER}\n- 고양이 품종이 궁금하면 물어보세요.", SPAN, analyzer)


def test_a_morpheme_cut_otherwise_in_another_sentence_is_still_found(
    analyzer: KoreanAnalyzer,
) -> None:
    # Kiwi reads "오버라이딩" in a list line as 오버 + 라이딩 and in the answer's line as one
    # word, and 부모 there as 부: the words are in the answer as written
    gold = "* 상속 (inheritance)\n* 부모 클래스의 내용을 자식 클래스가 물려받는 것\n" + (
        "* 오버라이딩 (overriding)\n* 부모 클래스의 메소드를 자식 클래스에서 재정의 하는 것"
    )
    answer = (
        "상속 (inheritance): 부모 클래스의 내용을 자식 클래스가 물려받는 것. [1]\n"
        "- 오버라이딩 (overriding): 부모 클래스의 메소드를 자식 클래스에서 재정의 하는 것. [1]"
    )
    assert span_recall(answer, gold, analyzer)
    # not a word of one syllable, nor one the answer does not write
    assert not span_recall("상속 (inheritance): 물려받는 것. [1]\n- 덮어쓰기 [1]", gold, analyzer)


def test_span_recall_never_credits_the_header(analyzer: KoreanAnalyzer) -> None:
    header = f"노트에서 '{SPAN}'에 대해 정리한 내용이에요."
    assert not span_recall(f"{header}\n- 강아지 이야기", SPAN, analyzer)
    # the same line with a citation mark is content, and counts
    assert span_recall(f"{SPAN} [1]\n- 강아지 이야기 [2]", SPAN, analyzer)


def test_morpheme_recall_is_a_share_of_reference_morphemes(analyzer: KoreanAnalyzer) -> None:
    reference = "고양이 분류기는 털 색깔을 본다"
    assert morpheme_recall("털 색깔을 보는 고양이 분류기 [1]", reference, analyzer) == 1.0
    half = morpheme_recall(f"{HEADER}\n- 고양이 분류기 이야기", reference, analyzer)
    assert 0.0 < half < 1.0


# ------------------------------------------------------------------ sections and precision


def test_sections_follow_headings_details_and_skip_fenced_code(notes: Path) -> None:
    lines = note_lines(notes / "animals.md")
    assert [(h.text, h.level) for h in headings(lines)] == [
        ("동물 분류 노트", 1),
        ("1주차", 2),
        ("강아지 분류기", 3),
        ("2주차", 2),
    ]

    def section_of(text: str) -> list[str]:
        line_no = next(i for i, line in enumerate(lines, 1) if text in line)
        start, end = find_section(lines, line_no)
        return [line.strip() for line in lines[start:end] if line.strip()]

    week1 = section_of("털 색깔과")
    assert week1[0] == "<summary><h2>1주차</h2></summary>" and week1[-1] == "</details>"
    assert "* 앵무새 메모" in week1  # the nested h3 block is inside the h2 block
    assert section_of("짖는 소리") == [
        "<summary><h3>강아지 분류기</h3></summary>",
        "* 짖는 소리의 높낮이로 강아지 크기를 추정하는 모델",
        "</details>",
    ]
    assert section_of("지느러미")[0] == "## 2주차"


def test_precision_counts_lines_from_the_section(analyzer: KoreanAnalyzer, notes: Path) -> None:
    lines = note_lines(notes / "animals.md")
    start, end = find_section(lines, 7)
    section = "\n".join(lines[start:end])
    answer = (
        "고양이 분류기: 털 색깔과 귀 모양으로 고양이 품종을 구분하는 모델 [1]\n"
        "- 언제: 보호소에서 품종을 빠르게 기록해야 할 때 [1]\n"
        "- 물고기 분류기는 지느러미 개수를 센다. [2]"
    )
    assert precision(answer, section, analyzer) == pytest.approx(2 / 3)
    assert precision("", section, analyzer) == 0.0


def test_angle_brackets_of_the_notes_are_text_not_tags(analyzer: KoreanAnalyzer) -> None:
    # an open "<" in one line and a ">" two lines down are no tag spanning the lines
    section = "LLM - 언어 모델 <GPT, BERT 등이 있음\n\nAI - 기술 <머신러닝 등이 있음>"
    assert precision("LLM: 언어 모델 <GPT, BERT 등이 있음 [1]", section, analyzer) == 1.0
    assert normalize("<details><summary>요약</summary>본문 <br/>끝</details>") == "요약 본문 끝"


# ------------------------------------------------------------------ fragments


@pytest.mark.parametrize(
    "line",
    [
        "- 고양이 분류기 (Cat Classifier).",  # a heading/label alone, nouns only
        "### 고양이 분류기",  # a Markdown heading
        "- 언제 쓸까?",  # a question label
        "- 분류 기준:",  # a label with nothing after it
        "- 고양이.",  # fewer than 3 content morphemes
        "- 귀 모양 [1]",  # two, and no sentence
        "- 있다.",  # one, though it ends a sentence
        "x = model.fit(data)",  # code
        "# 모델을 불러온다",  # a comment
        "- 이를 통해 정확도가 올라간다.",  # dangling reference
        "- 따라서 품종을 기록할 수 있다.",
        "그래서 보호소에서 많이 쓴다 [1]",
        "고양이 분류기: 이 문제를 해결하려고 만들었다. [1]",
    ],
)
def test_fragments(line: str, analyzer: KoreanAnalyzer) -> None:
    assert is_fragment(line, analyzer)


@pytest.mark.parametrize(
    "line",
    [
        "- 털 색깔과 귀 모양으로 고양이 품종을 구분하는 모델이다. [1]",
        "고양이 분류기: 털 색깔로 품종을 구분하는 모델 [1]",
        "- 하나의 품종을 의미하는 숫자 목록",
        "| 고양이 분류기 | 털 색깔 | 귀 모양 |",  # a table row keeps its cells
        "보호소 - 고양이 품종 기록 용도 [2]",
        "- 분류기는 모델이다. [1]",  # two content morphemes that end a sentence
        "sparse: 희소하다 [1]",
    ],
)
def test_not_fragments(line: str, analyzer: KoreanAnalyzer) -> None:
    assert not is_fragment(line, analyzer)


def test_note_labels_are_headings_and_parent_bullets_that_only_name(
    analyzer: KoreanAnalyzer, notes: Path
) -> None:
    labels = note_labels(notes)
    assert "고양이 분류기" in labels and "강아지 분류기" in labels
    assert "언제 쓸까?" not in labels  # has a predicate; the "?" rule catches it
    assert "털 색깔과 귀 모양으로 고양이 품종을 구분하는 모델" not in labels  # no children
    assert "고양이 품종과 털 색깔의 관계" in labels
    # particles make it no bare noun phrase: only the notes' labels tell it is one
    assert not is_fragment("- 고양이 품종과 털 색깔의 관계. [1]", analyzer)
    assert is_fragment("- 고양이 품종과 털 색깔의 관계. [1]", analyzer, labels)


# ------------------------------------------------------------------ locators and datasets


def test_locator_resolves_single_and_multi_line_spans(notes: Path) -> None:
    lines = note_lines(notes / "animals.md")
    line_no = next(i for i, line in enumerate(lines, 1) if SPAN in line)
    start = lines[line_no - 1].index(SPAN)
    gold = {"file": "animals.md", "line": line_no, "start": start, "end": start + len(SPAN)}
    assert resolve(gold, notes) == SPAN
    gold["sha1"] = span_sha1(SPAN)
    assert check_locator(gold, notes) == SPAN
    multi = {"file": "animals.md", "line": line_no - 1, "end_line": line_no}
    assert resolve(multi, notes) == f"* `고양이 분류기`\n* {SPAN}"
    with pytest.raises(ValueError, match="changed"):
        check_locator({**gold, "sha1": "0" * 12}, notes)
    with pytest.raises(IndexError):
        resolve({**gold, "end": 10_000}, notes)


SPLIT_FILES = (
    "answers_dev.jsonl", "answers_dev2.jsonl", "answers_dev3.jsonl", "answers_dev4.jsonl",
    "answers_dev5.jsonl", "answers_dev6.jsonl", "answers_dev7.jsonl", "answers_dev8.jsonl",
    "answers_dev9.jsonl", "answers_dev10.jsonl", "answers_dev11.jsonl", "answers_dev12.jsonl",
    "answers_dev13.jsonl", "answers_dev14.jsonl", "answers_dev15.jsonl",
    "answers_dev16.jsonl", "answers_dev17.jsonl", "answers_dev18.jsonl", "answers_dev19.jsonl",
    "answers_dev20.jsonl", "answers_dev21.jsonl", "answers_dev22.jsonl", "answers_dev23.jsonl",
    "answers_dev24.jsonl", "answers_dev25.jsonl", "answers_dev26.jsonl", "answers_dev27.jsonl",
    "answers_dev28.jsonl", "answers_dev29.jsonl", "answers_dev30.jsonl", "answers_dev31.jsonl",
    "answers_dev32.jsonl", "answers_dev33.jsonl", "answers_test.jsonl",
)  # fmt: skip


def _records(files: tuple[str, ...] = SPLIT_FILES) -> list[dict]:
    return [record for name in files for record in load_jsonl(name)]


def test_ids_are_unique_across_all_splits() -> None:
    records = _records()
    assert len({r["id"] for r in records}) == len(records)


def test_datasets_have_the_promised_shape() -> None:
    records = _records(("answers_dev.jsonl", "answers_test.jsonl"))
    assert len({r["id"] for r in records}) == len(records)
    by_type = Counter(r["type"] for r in records)
    assert by_type["question"] >= 150
    assert by_type["absent"] == 40 and by_type["offtopic"] == 40
    assert by_type["smalltalk"] == 60 and by_type["followup"] == 20
    kinds = Counter(r["kind"] for r in records if r["type"] == "question")
    assert set(kinds) == {
        "definition", "who", "why", "how", "when", "comparison", "list", "example"
    }  # fmt: skip
    assert sum(r["switch"] for r in records if r["type"] == "followup") == 10
    test = load_jsonl("answers_test.jsonl")
    assert 0.45 <= len(test) / len(records) <= 0.55


# dev3 to dev8: 90 questions, 30 small-talk lines, 24 follow-ups, 20 declines
LATER_TYPES = {"question": 90, "smalltalk": 30, "absent": 10, "offtopic": 10, "followup": 24}
LATER_KINDS = {"definition": 10, "who": 8, "why": 14, "how": 16, "when": 10, "comparison": 12,
               "list": 12, "example": 8}  # fmt: skip


@pytest.mark.parametrize(
    ("name", "prefix", "types", "kinds", "switches"),
    [
        (
            "answers_dev2.jsonl",
            "d2-",
            {"question": 64, "smalltalk": 50, "absent": 10, "offtopic": 10, "followup": 30},
            {"how": 12, "list": 10, "when": 8, "comparison": 8, "example": 8, "why": 7,
             "definition": 6, "who": 5},
            15,
        ),
        (
            "answers_dev3.jsonl",
            "d3-",
            LATER_TYPES,
            LATER_KINDS,
            12,
        ),
        (
            "answers_dev4.jsonl",
            "d4-",
            LATER_TYPES,
            LATER_KINDS,
            12,
        ),
        (
            "answers_dev5.jsonl",
            "d5-",
            LATER_TYPES,
            LATER_KINDS,
            12,
        ),
        (
            "answers_dev6.jsonl",
            "d6-",
            LATER_TYPES,
            {"definition": 20, "who": 10, "why": 10, "how": 12, "when": 8, "comparison": 10,
             "list": 10, "example": 10},
            12,
        ),
        (
            "answers_dev7.jsonl",
            "d7-",
            LATER_TYPES,
            {"definition": 14, "who": 8, "why": 14, "how": 14, "when": 10, "comparison": 10,
             "list": 12, "example": 8},
            12,
        ),
        (
            "answers_dev8.jsonl",
            "d8-",
            LATER_TYPES,
            {"definition": 14, "who": 8, "why": 14, "how": 14, "when": 10, "comparison": 10,
             "list": 12, "example": 8},
            12,
        ),
    ],
)  # fmt: skip
def test_later_dev_splits_have_the_promised_shape(
    name: str, prefix: str, types: dict[str, int], kinds: dict[str, int], switches: int
) -> None:
    records = load_jsonl(name)
    assert all(r["id"].startswith(prefix) for r in records)
    assert Counter(r["type"] for r in records) == types
    assert Counter(r["kind"] for r in records if r["type"] == "question") == kinds
    assert sum(r["switch"] for r in records if r["type"] == "followup") == switches


# The splits of questions only, most of the kinds the others answered worst (how, list,
# comparison)
MOSTLY_WORST = {"how": 10, "list": 10, "comparison": 8, "example": 4, "why": 4, "who": 2, "when": 2}


@pytest.mark.parametrize(
    ("name", "prefix", "kinds"),
    [
        ("answers_dev9.jsonl", "d9-", MOSTLY_WORST),
        ("answers_dev10.jsonl", "d10-",
         {"how": 12, "list": 12, "comparison": 4, "example": 4, "why": 4, "who": 2, "when": 2}),
        ("answers_dev11.jsonl", "d11-", MOSTLY_WORST),
        ("answers_dev12.jsonl", "d12-", MOSTLY_WORST),
        ("answers_dev13.jsonl", "d13-",
         {"how": 8, "list": 8, "comparison": 6, "definition": 6, "why": 4, "example": 4,
          "who": 2, "when": 2}),
        ("answers_dev14.jsonl", "d14-",
         {"how": 10, "list": 10, "comparison": 8, "definition": 4, "why": 4, "example": 2,
          "when": 2}),
        ("answers_dev15.jsonl", "d15-",
         {"how": 14, "comparison": 12, "list": 10, "why": 8, "when": 8, "example": 8}),
        ("answers_dev16.jsonl", "d16-",
         {"how": 12, "comparison": 10, "list": 10, "why": 8, "when": 8, "example": 8,
          "who": 4}),
        ("answers_dev17.jsonl", "d17-",
         {"how": 8, "list": 8, "comparison": 7, "why": 6, "when": 4, "example": 4,
          "definition": 2, "who": 1}),
        ("answers_dev18.jsonl", "d18-",
         {"how": 14, "comparison": 8, "list": 6, "when": 3, "example": 3, "definition": 2,
          "who": 2, "why": 2}),
        ("answers_dev19.jsonl", "d19-",
         {"how": 9, "definition": 7, "list": 4, "why": 3, "comparison": 3, "when": 3,
          "who": 2}),
        ("answers_dev20.jsonl", "d20-",
         {"how": 11, "comparison": 7, "definition": 6, "list": 6, "when": 4, "why": 3,
          "who": 2, "example": 1}),
        ("answers_dev21.jsonl", "d21-",
         {"definition": 11, "how": 9, "when": 5, "comparison": 5, "why": 4, "list": 3,
          "who": 2, "example": 1}),
        ("answers_dev22.jsonl", "d22-",
         {"definition": 10, "list": 9, "how": 7, "comparison": 4, "when": 2, "why": 2,
          "who": 1}),
        ("answers_dev23.jsonl", "d23-",
         {"how": 8, "definition": 7, "why": 3, "comparison": 3, "who": 2, "example": 1,
          "list": 1, "when": 1}),
        ("answers_dev24.jsonl", "d24-",
         {"list": 8, "how": 7, "comparison": 7, "example": 5, "why": 5, "when": 4,
          "who": 4}),
        ("answers_dev25.jsonl", "d25-",
         {"definition": 7, "how": 7, "list": 6, "why": 6, "when": 5, "example": 5,
          "comparison": 4}),
        ("answers_dev26.jsonl", "d26-",
         {"how": 7, "list": 7, "comparison": 6, "definition": 5, "why": 5, "when": 4,
          "example": 3, "who": 3}),
        ("answers_dev27.jsonl", "d27-",
         {"list": 8, "how": 8, "comparison": 7, "example": 6, "who": 5, "why": 3,
          "when": 3}),
        ("answers_dev28.jsonl", "d28-",
         {"definition": 9, "why": 7, "when": 6, "how": 6, "example": 4, "list": 4,
          "comparison": 4}),
        ("answers_dev29.jsonl", "d29-",
         {"definition": 6, "how": 6, "why": 6, "list": 6, "comparison": 5, "when": 4,
          "example": 4, "who": 3}),
        ("answers_dev30.jsonl", "d30-",
         {"list": 12, "how": 10, "comparison": 10, "who": 4, "example": 4}),
        ("answers_dev31.jsonl", "d31-",
         {"definition": 8, "why": 7, "when": 6, "how": 6, "list": 5, "comparison": 4,
          "example": 2, "who": 2}),
        ("answers_dev32.jsonl", "d32-",
         {"list": 8, "how": 8, "comparison": 8, "why": 6, "when": 4, "example": 3,
          "who": 3}),
        ("answers_dev33.jsonl", "d33-",
         {"definition": 8, "how": 8, "list": 8, "comparison": 6, "why": 4, "when": 3,
          "example": 3}),
    ],
)  # fmt: skip
def test_the_splits_of_questions_only_hold_the_kinds_they_were_written_for(
    name: str, prefix: str, kinds: dict[str, int]
) -> None:
    records = load_jsonl(name)
    assert all(r["id"].startswith(prefix) and r["type"] == "question" for r in records)
    assert Counter(r["kind"] for r in records) == kinds


def _key(text: str) -> str:
    return re.sub(r"\W", "", unicodedata.normalize("NFC", text)).casefold()


def test_small_talk_is_not_in_the_reply_bank_or_chatbot_data() -> None:
    bank = json.loads((ROOT / "chatbot" / "data" / "smalltalk.json").read_text("utf-8"))
    taken = {_key(p) for group in bank for p in group["patterns"]}
    chatbot_data = ROOT.parent / "shared" / "data" / "chatbot-data" / "ChatbotData.csv"
    if chatbot_data.is_file():
        with chatbot_data.open(encoding="utf-8") as fh:
            taken |= {_key(row["Q"]) for row in csv.DictReader(fh)}
    lines = [r["message"] for r in _records() if r["type"] == "smalltalk"]
    assert not [m for m in lines if _key(m) in taken]


@pytest.mark.skipif(not COURSE_NOTES.is_dir(), reason="../shared/course-notes not present")
def test_every_locator_resolves_with_its_sha1() -> None:
    for record in _records():
        if "gold" in record:
            span = check_locator(record["gold"], COURSE_NOTES)
            assert span.strip(), record["id"]


@pytest.mark.skipif(not COURSE_NOTES.is_dir(), reason="../shared/course-notes not present")
def test_absent_topics_are_absent_from_the_notes() -> None:
    text = "\n".join(p.read_text("utf-8") for p in sorted(COURSE_NOTES.iterdir()) if p.is_file())
    low = unicodedata.normalize("NFC", text).casefold()
    for record in _records():
        for term in record.get("absent_terms", []):
            term = term.casefold()
            if re.search("[a-z]", term):  # Latin spellings as whole words ("vit" ≠ activity)
                found = re.search(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])", low)
            else:
                found = term in low
            assert not found, (record["id"], term)


def test_a_header_saying_the_notes_lack_the_kind_is_told_apart() -> None:
    from eval.answers import says_not_written

    denied = (
        "노트에서 'SVM'에 대해 왜 쓰는지를 딱 집어 말한 줄은 찾지 못했어요. 관련된 내용은 "
        "이렇게 정리되어 있어요.\n- SVM: … [1]"
    )
    assert says_not_written(denied)
    assert says_not_written("노트에는 'X'에 대해 예시는 따로 적혀 있지 않고, 'Y'라고만 적혀 있어요")
    # only the first line speaks for the answer
    assert not says_not_written("SVM: 마진을 최대화한다. [1]\n- 따로 적혀 있지 않은 것도 있다. [1]")


def test_questions_are_retyped_by_the_first_rule_that_applies() -> None:
    from eval.retyped import CHAT, ENDINGS, WORDS, retype

    assert retype("드롭아웃은 뭐야?", ENDINGS) == "드롭아웃은 뭔가요?"
    assert retype("드롭아웃 설명 좀?", ENDINGS) == "드롭아웃 설명 좀"  # only its mark
    assert retype("드롭아웃 설명 좀", ENDINGS) is None  # no rule applies
    assert retype("드롭아웃 설명 좀", CHAT) == "혹시 드롭아웃 설명 좀"
    assert retype("LSTM 게이트 종류 알려줘", WORDS) == "LSTM 게이트 유형 알려줘"
    # 장단점 is not 단점
    assert retype("SVM 장단점은 뭐야?", WORDS) is None


def test_a_framed_question_keeps_its_words() -> None:
    from eval.retyped import FRAMES, retype

    framed = [retype("드롭아웃은 뭐야?", rules) for rules in FRAMES]
    assert framed == [
        "안녕하세요! 드롭아웃은 뭐야?",
        "노트에 보면 드롭아웃은 뭐야?",
        "드롭아웃은 뭐야?? ㅠㅠ",
        "수업 때 배운 건데 드롭아웃은 뭐야?",
        "드롭아웃은 뭐야? 고마워!",
        "드롭아웃은 뭐야 좀 설명해줘",
        "쌤, 드롭아웃은 뭐야?",
        "내일 시험인데 드롭아웃은 뭐야?",
        "드롭아웃은 뭐야? 너무 헷갈려",
    ]
    assert retype("드롭아웃 설명", FRAMES[2]) == "드롭아웃 설명 ㅎㅎ"
    # each frame alone, as its own family, in the order of FRAMES
    from eval.retyped import EACH_FRAME

    assert list(EACH_FRAME.values()) == list(FRAMES)
    assert next(iter(EACH_FRAME)) == "frame1"
