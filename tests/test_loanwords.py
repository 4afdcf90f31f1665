from __future__ import annotations

import pytest

from chatbot.answering.loanwords import read_in_latin, respelled


@pytest.mark.parametrize(
    ("word", "latin"),
    [
        ("그리드서치", "gridsearch"),
        ("할빙랜덤서치", "halvingrandomsearch"),
        ("리니어", "linear"),
        ("맥스풀링", "maxpooling"),
        ("안녕하세요", None),  # not every syllable is a piece
        ("그리드서치요", None),
    ],
)
def test_a_word_is_read_as_the_english_its_pieces_spell(word: str, latin: str | None) -> None:
    assert read_in_latin(word) == latin


def test_a_word_the_notes_do_not_know_is_written_as_the_name_it_spells() -> None:
    names = {"gridsearchcv": "GridSearchCV", "linear": "linear"}
    known = {"데이터"}

    def respell(message: str) -> str:
        return respelled(message, names.get, known.__contains__)

    # the Latin tail typed onto it, and a particle kept after the name
    assert respell("그리드서치CV 파라미터 뭐 있어?") == "GridSearchCV 파라미터 뭐 있어?"
    assert respell("리니어 커널이랑 비교해줘") == "linear 커널이랑 비교해줘"
    assert respell("리니어는 뭐야") == "linear는 뭐야"
    # a word that spells no name, or one the notes know, stays as typed
    assert respell("그리드서치 뭐야") == "그리드서치 뭐야"
    assert respell("데이터 뭐야") == "데이터 뭐야"


def test_a_word_is_read_whole_with_its_latin_and_digit_tail() -> None:
    names = {"maxpooling2d": "MaxPooling2D", "data": "data"}
    # (never a prefix of a longer word: "데이터셋2" is not "data셋2")
    assert respelled("데이터셋2 뭐야", names.get, lambda w: False) == "데이터셋2 뭐야"
    assert respelled("맥스풀링2D 뭐야", names.get, lambda w: False) == "MaxPooling2D 뭐야"
    assert read_in_latin("그리드" * 20) is None  # too long to be a name
