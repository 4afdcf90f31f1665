from __future__ import annotations

import logging
import unicodedata

import pytest

from ingest.chunker import chunk_sections
from ingest.config import ChunkingConfig
from ingest.markdown import clean_inline, parse_markdown
from vector_store.analysis import KoreanAnalyzer, default_analyzer, read_alias_groups


def test_details_blocks_nest_as_sections() -> None:
    text = (
        "# 강의\n<details>\n<summary><h2>23.09.06</h2></summary>\n소개 문장.\n"
        "<details>\n<summary><h3>지도 학습</h3></summary>\n레이블이 있는 데이터로 학습한다.\n"
        "</details>\n날짜 아래 다시 쓴 문장.\n</details>\n## 다음\n끝.\n"
    )
    sections = [(s.heading, s.body) for s in parse_markdown(text)]
    assert sections == [
        ("강의", "강의"),  # a heading with no body keeps its title as content
        ("강의 > 23.09.06", "소개 문장."),
        ("강의 > 23.09.06 > 지도 학습", "레이블이 있는 데이터로 학습한다."),
        ("강의 > 23.09.06", "날짜 아래 다시 쓴 문장."),
        ("강의 > 다음", "끝."),
    ]


def test_tables_code_and_markup() -> None:
    text = (
        "## 비교\n| 구분 | 회귀 | 로지스틱 |\n|---|---|---|\n"
        "| 종속 변수 | 연속형 | 이산형<br>범주 |\n\n"
        "```python\n# 주석은 제목이 아니다\nx.requires_grad = True\n```\n"
        "**굵게** 쓴 `Conv2D` 와 $X^2$ 검정, <GPT, BERT 등이 있음> 그리고 [링크](http://a.b).\n"
    )
    sections = parse_markdown(text)
    assert [s.heading for s in sections] == ["비교"]
    kinds = [b.kind for b in sections[0].blocks]
    assert kinds == ["table", "code", "text"]
    table, code, prose = (b.text for b in sections[0].blocks)
    assert "종속 변수 | 연속형 | 이산형, 범주" in table
    assert "---" not in table
    assert "# 주석은 제목이 아니다" in code and "requires_grad" in code
    assert prose == "굵게 쓴 Conv2D 와 X^2 검정, <GPT, BERT 등이 있음> 그리고 링크."


def test_a_negating_prefix_stays_on_its_noun() -> None:
    analyzer = default_analyzer()
    # "비지도" is the opposite of "지도": never the same term
    assert analyzer.terms("지도 학습 vs 비지도 학습") == ["지도", "학습", "vs", "비지도", "학습"]
    assert analyzer.terms("불균형 데이터") == ["불균형", "데이터"]
    subjects = analyzer.subjects("지도 학습과 비지도 학습은 뭘로 구분해요?")
    assert subjects == ["지도 학습", "비지도 학습"]


def test_loanword_spelling_variants_fold_into_one() -> None:
    from vector_store.analysis import fold_spelling

    assert fold_spelling("요슈아 벤지오") == fold_spelling("요수아 벤지오") == "요수아 벤지오"
    assert fold_spelling("앤드류") == fold_spelling("앤드루")
    # the suffix of a rate, 율 or 률
    assert fold_spelling("재현률") == fold_spelling("재현율")
    assert fold_spelling("유니코드 ReLU") == "유니코드 ReLU"  # ㅠ after other initials stays


def test_a_known_term_written_with_a_space_inside_is_that_term() -> None:
    analyzer = default_analyzer()
    # notes space loanwords as they like: "소프트 맥스" is 소프트맥스, found as softmax
    terms = analyzer.terms("소프트 맥스: 확률로 하나를 고른다")
    assert terms == ["softmax", "확률", "하나", "고르"]
    assert analyzer.terms("드롭 아웃 비율") == analyzer.terms("드롭아웃 비율")
    # two nouns that spell no known term stay two
    assert analyzer.terms("배치 정규화") == ["batch", "정규화"]


def test_a_hyphen_inside_a_korean_word_is_no_break() -> None:
    analyzer = default_analyzer()
    # "원-핫", "원핫": one word however the notes write it, and whole in a question
    spelled = analyzer.terms("원-핫 인코딩")
    assert spelled == analyzer.terms("원핫 인코딩") == ["one-hot", "encoding"]
    assert analyzer.subjects("원핫 인코딩은 왜 써?") == ["원핫 인코딩"]
    # a Latin letter before it stays apart (with no alias list: K-평균 is an alias of k-means)
    assert KoreanAnalyzer(aliases_path=None).terms("K-평균") == ["k", "평균"]


def test_a_verb_form_read_as_a_name_is_read_before_the_word_after_it() -> None:
    analyzer = default_analyzer()
    # Kiwi reads "정해준" alone as a proper noun; before "다음" it is 정하 + 어 + 주 + ㄴ
    question = "원핫 인코딩 정해준 다음엔 어떻게 해야 돼?"
    assert analyzer.subjects(question) == ["원핫 인코딩"]
    assert "정해준" not in analyzer.terms(question)
    assert analyzer.subjects("제프리 힌턴 교수는 누구야?") == ["제프리 힌턴"]  # a name stays


def test_a_noun_read_as_an_adverb_and_a_bound_noun_is_read_alone() -> None:
    analyzer = default_analyzer()
    # after "랑", Kiwi reads "다중" as 다 ("all") + 중: the word alone is one noun
    question = "단순 선형 회귀랑 다중 선형 회귀 차이"
    assert analyzer.subjects(question) == ["단순 선형 회귀", "다중 선형 회귀"]
    # (다항식 is one noun, read as its spelling polynomial)
    assert analyzer.terms("다항식 커널") == ["polynomial", "kernel"]
    assert analyzer.terms("다 중요해") == ["중요"]  # an adverb before a space stays one


def test_a_known_term_spelled_with_a_hyphen_stays_whole() -> None:
    analyzer = default_analyzer()
    # "one-hot" is a spelling of 원핫, not one + hot
    assert analyzer.terms("one-hot encoding") == analyzer.terms("원핫 인코딩")
    assert analyzer.terms("Grad-CAM") == ["grad-cam", "grad", "cam"]  # an unknown one splits


def test_a_term_spelled_in_several_words_is_that_term() -> None:
    analyzer = default_analyzer()
    # "gradient descent" is 경사하강법; "confusion matrix" is 혼동 행렬, two words either way
    assert analyzer.terms("gradient descent") == analyzer.terms("경사 하강법") == ["경사하강법"]
    assert analyzer.terms("confusion matrix가 뭐야?") == ["혼동", "행렬"]
    assert analyzer.terms("gradient 값") == ["gradient", "값"]  # one word alone stays


def test_a_rate_suffix_stays_on_its_noun() -> None:
    analyzer = default_analyzer()
    # "학습률" is not "학습"; 율 and 률 are one suffix
    assert analyzer.terms("lr은 학습률이다") == ["lr", "학습률"]
    assert analyzer.terms("손실율과 손실률") == ["손실률", "손실률"]
    assert analyzer.terms("비지도 학습") == ["비지도", "학습"]


def test_a_bold_mark_without_its_pair_is_dropped_and_a_power_stays() -> None:
    assert clean_inline("에포크(epoch)**는 **전체 데이터를 한 번 학습한 횟수**") == (
        "에포크(epoch)는 전체 데이터를 한 번 학습한 횟수"
    )
    assert clean_inline("시그모이드 함수:** 이진분류에 쓴다") == "시그모이드 함수: 이진분류에 쓴다"
    assert clean_inline("x**2 + y") == "x**2 + y"
    # a third mark between Hangul is no power ("**는 … **주어진 … 시스템**을")
    assert clean_inline("에이전트**는 **목표를 이루는 시스템**을 말한다") == (
        "에이전트는 목표를 이루는 시스템을 말한다"
    )
    # empty parentheses after a word say nothing; a call keeps its own
    assert clean_inline("디코딩 해주는 것() 그리고 fit()") == "디코딩 해주는 것 그리고 fit()"


def test_terms_keep_english_terms_and_identifiers() -> None:
    terms = default_analyzer().terms(
        "SVM은 Conv2D와 x.requires_grad, K-Means 군집화를 쓴다. ReLU 함수!"
    )
    expected_terms = ("svm", "conv2d", "requires_grad", "grad", "k-means", "clustering", "relu")
    for expected in (*expected_terms, "함수"):
        assert expected in terms
    assert "은" not in terms and "를" not in terms


def test_terms_of_a_batch_are_the_terms_of_each_text() -> None:
    from pathlib import Path

    notes = Path(__file__).resolve().parent.parent / "notes"
    lines = [line for path in sorted(notes.glob("*.md")) for line in path.read_text().splitlines()]
    lines += ["", "Conv2D(filters=32)와 requires_grad", "트랜스포머랑 드롭아웃", "Ramirez."]
    analyzer = default_analyzer()
    assert analyzer.terms_many(lines) == [analyzer.terms(line) for line in lines]
    assert analyzer.terms_many([]) == []


def test_has_subject_tells_topics_from_chatter() -> None:
    analyzer = default_analyzer()
    for chatter in ["ㅋㅋㅋ 웃기네", "그럼 이만 가볼게요", "와 너 진짜 똑똑하다", "음... 잠깐만"]:
        assert not analyzer.has_subject(chatter), chatter
    for topical in ["SVM이 뭐야?", "오늘 날씨 어때?", "requires_grad는?", "2박 3일 코스"]:
        assert analyzer.has_subject(topical), topical
    assert not analyzer.has_subject("뭐야? 설명해 줘")  # request words alone name nothing


@pytest.mark.parametrize(
    ("message", "subjects"),
    [
        # Kiwi reads 맵 in "특징 맵이" as the adjective 맵다; a stem before a particle is a noun
        ("특징 맵이 뭐야?", ["특징 맵"]),
        # 특징 before a word that frames the request in turn asks it of the subject
        ("트랜스포머 특징 정리해줘", ["트랜스포머"]),
        ("장고 특징 설명해줘", ["장고"]),
        # ... and so is a stem with no ending at all, glued to the noun before it
        ("피처맵 크기를 크게 하면 왜 안 좋아?", ["피처맵 크기"]),
        # a number alone names nothing
        ("10만 원 이하 이어폰 추천해줘", ["이하 이어폰"]),
        # "대표" says which one is asked for, as "종류" says what kinds
        ("RNN의 대표 모델은 뭐야?", ["모델", "RNN"]),
        # "X이랑 Y는": both sides of a pair are subjects (이랑 tagged JKB here)
        ("군집이랑 차원 축소는 뭐가 달라?", ["군집", "차원 축소"]),
        ("CNN과 RNN은 어떻게 달라요", ["CNN", "RNN"]),
        # "구한 다음엔" says when, not what
        ("로지스틱 회귀에서 확률을 구한 다음엔 어떻게 분류해?", ["로지스틱 회귀", "확률"]),
        # the other side of a pair is asked about, whatever particle it takes
        ("인코더랑 디코더를 왜 둘 다 써야 돼?", ["인코더", "디코더"]),
        # a one-syllable noun owned by the phrase before it: one subject, "X의 Y"
        ("거리 제곱의 합은 어떻게 계산해?", ["거리 제곱의 합"]),
        ("소프트 마진의 C는 뭐야?", ["C", "소프트 마진"]),
        # how, where or who is asked of the subject is not the subject
        ("로지스틱 회귀는 어떤 상황에서 쓰면 유용해요?", ["로지스틱 회귀"]),
        ("K-평균에서 처음 중심점은 어떻게 정해?", ["중심점", "K-평균"]),
        ("딥러닝 연구자는 누구야?", ["딥러닝"]),
        ("파이썬 클래스 수업에서 나온 개념들 정리해줘", ["파이썬 클래스"]),
        # the class hour it was taught in, a where; "시간 축" stays a subject
        ("파이썬 클래스 시간에 배운 개념 뭐뭐 있어?", ["파이썬 클래스"]),
        ("RNN에서 시간 축은 뭐야?", ["시간 축", "RNN"]),
        # the noun after 어느/어떤/무슨/몇 is what the answer should be; 며칠 likewise
        ("얀 르쿤이 손글씨 우편번호 인식 연구할 때 어느 기관 문제를 풀고 있었어?", ["얀 르쿤"]),
        ("ARIMA랑 순환 신경망은 며칠 수업에서 배웠지?", ["ARIMA", "순환 신경망"]),
        # "전파하는 방식": the doing is asked about when nothing else is named
        ("전파하는 방식 두 가지가 뭐야?", ["전파"]),
        ("파이썬으로 크롤링하는 법 알려줘", ["파이썬", "크롤링"]),
        # "X 값": the values of X are asked for
        ("verbose 값은 뭐뭐 있어?", ["verbose"]),
        # Kiwi reads 응 as an interjection; one that takes a particle is a name
        ("앤드류 응은 누구야?", ["앤드류 응"]),
        # "뭐 한 사람" asks who: 사람 is the frame
        ("앤드류 응은 뭐 한 사람이야?", ["앤드류 응"]),
        # names from code stand each for itself; 기본값 asks for a value of it
        ("flow_from_directory target_size 기본값이 뭐야?", ["flow_from_directory", "target_size"]),
        # "X 대신 Y": the thing replaced and its replacement, two subjects
        ("CNN에서 풀링 대신 스트라이드 써도 돼?", ["풀링", "스트라이드", "CNN"]),
        # a title after a name is how one speaks of the person, not part of the name
        ("힌턴 교수님은 누구야?", ["힌턴"]),
        ("얀 르쿤 교수가 만든 게 뭐야?", ["얀 르쿤"]),
        ("HalvingRandomSearchCV 쓸 때 설정하는 인자 뭐뭐 있어?", ["HalvingRandomSearchCV"]),
        # "X한다는 게": what doing X means is asked
        ("LLM을 파인튜닝한다는 게 무슨 뜻이에요?", ["파인튜닝", "LLM"]),
        ("정규화한다는 건 뭐야?", ["정규화"]),
        # an adjective's "…하다는" says what is said of the subject
        ("선형회귀에서 등분산성이 왜 중요하다는 거야?", ["등분산성", "선형회귀"]),
        # "X이라는 말": X is asked about, 말 is the frame
        ("과적합이라는 용어가 무슨 뜻이야?", ["과적합"]),
        ("머신러닝이랑 딥러닝에서 모델이라는 말이 뜻하는 게 달라?", ["머신러닝", "딥러닝", "모델"]),
        # 사람 frames who is asked about, in a who-question and elsewhere
        ("우편번호 자동 인식기 만든 사람이 누구야?", ["우편번호 자동 인식기"]),
        ("너는 어떤 사람이야?", []),
        # a framing word inside a compound is part of it
        ("하이퍼파라미터는 뭐야?", ["하이퍼파라미터"]),
        # 특징 asks what is said of a subject, unless it qualifies the noun after it
        ("장고는 어떤 특징이 있어?", ["장고"]),
        # so does what limits it, as its strengths and weaknesses do
        ("RNN의 한계가 뭐야?", ["RNN"]),
        ("SVM의 단점이 뭐야?", ["SVM"]),
        ("Seq2Seq의 문제점은 뭐야?", ["Seq2Seq"]),
        ("GRU의 강점이 뭐야?", ["GRU"]),
        # so does what it assumes
        ("선형 회귀 가정이 뭐야?", ["선형 회귀"]),
        # Kiwi reads "순전파랑" as one unknown noun: the pair particle is split off
        ("순전파랑 역전파는 방향이 어떻게 달라?", ["순전파", "역전파", "방향"]),
        # ... and reads "생성자랑" in this sentence as 생성 + 자랑 ("boast"): the word alone
        # has the particle; a noun that only ends in 랑 ("짝사랑") stays whole
        ("GAN에서 생성자랑 판별자는 하는 일이 어떻게 달라?", ["생성자", "판별자", "GAN"]),
        ("짝사랑 고민 들어줘", ["짝사랑 고민"]),
        # a spelling in parentheses stays with its name; a stray one does not join
        ("보틀(bottle) 프레임워크는 누가 만들었어?", ["보틀(bottle) 프레임워크"]),
        ("RNN (순환 신경망)은?", ["RNN", "순환 신경망"]),
        # "나은 점", "업적": what is said of the subject frames it
        ("SVM이 로지스틱 회귀보다 좋은 점이 뭐야?", ["SVM"]),
        ("요수아 벤지오 업적 정리해줘", ["요수아 벤지오"]),
        ("LangChain 들어봤는데 정체가 뭐야?", ["LangChain"]),
        # a pair particle written onto the noun after it is a syllable of a name
        ("바다나우는 누구야?", ["바다나우"]),
        # its formula is asked of a thing; an official site is a name
        ("출력 크기 공식이 뭐야?", ["출력 크기"]),
        # in which order it goes is asked of it, as its steps are
        ("로지스틱 회귀 분석 절차 순서대로 알려줘", ["로지스틱 회귀 분석"]),
        # and so are its parts
        ("CNN 구성 요소 알려줘", ["CNN"]),
        # the plural is no part of a name
        ("다른 천왕들은?", ["천왕"]),
        # and how things stand to each other
        ("RNN, LSTM, GRU 관계 알려줘", ["GRU", "RNN", "LSTM"]),
        ("플라스크 공식 사이트 어디야?", ["플라스크 공식 사이트"]),
        # how a thing shows is said of it
        ("과적합을 의심할 수 있는 신호는?", ["과적합"]),
        # who the asking is about, and when, frame it too
        ("로그인 안 한 사람은 접근 못 하게 하려면 어떻게 해?", ["로그인", "접근"]),
        ("오늘 수업 진짜 알차더라", []),
        # "vs" joins a pair as 랑 does
        ("SVM vs 로지스틱 회귀 차이", ["SVM", "로지스틱 회귀"]),
        # (after a final consonant as 이랑 does: "방식랑" is no particle)
        ("동기 방식 vs 비동기 방식 장단점 비교 좀", ["동기", "비동기"]),
        # the entries they are compared by, or the table they stand in, frame the request
        (
            "일반 회귀 분석이랑 로지스틱 회귀 분석 비교 항목 뭐뭐 있어?",
            ["일반 회귀 분석", "로지스틱 회귀 분석"],
        ),
        ("챗봇용 모델 비교 표에 있는 모델들 알려줘", ["챗봇용 모델"]),
        ("얀 르쿤 국적이 어디야?", ["얀 르쿤"]),
        # Kiwi reads a run of words with an unknown one as names; a word that alone has
        # a particle ("최적화가") is read alone, a name ("제프리 힌턴") stays one
        ("베이지안 최적화가 그리드서치보다 나은 점이 뭐야?", ["베이지안 최적화"]),
        ("제프리 힌턴 (Geoffrey Hinton)은 누구야?", ["제프리 힌턴", "Geoffrey Hinton"]),
        # a name in Latin letters is asked about, though no particle marks it
        ("flask db migrate 돌리면 정보가 어디에 생겨?", ["정보", "flask db migrate"]),
        # the nouns before a noun made a verb are the subject; the verb's noun is not
        ("RNN 은닉층 계산하려면 뭐가 필요해요?", ["RNN 은닉층"]),
        # "X 관점에서": X is where the subject is looked at from
        ("파인 튜닝을 뉴런 관점에서 설명하면 뭐야?", ["파인 튜닝", "뉴런"]),
        # "X 얘기": the talk about X, X asked about
        ("역전파 얘기 나올 때 나온 공식은 뭐야?", ["역전파"]),
        # "X 코드에서": the code of X is where the subject stands
        ("gateway 코드에서 환경 변수는 어떻게 불러와?", ["환경 변수", "gateway"]),
        # the gist asked for frames the subject, as the length of the answer does
        ("원-핫 인코딩 핵심 포인트만 정리해줘", ["원핫 인코딩"]),
        ("LSTM 3줄 요약해줘", ["LSTM"]),
        # and "X 수업에서": the lesson on X is where it was taught
        ("CNN 수업에서 배운 활성화 함수 종류 쭉 알려줘", ["활성화 함수", "CNN"]),
        # a numeral Kiwi reads on a noun stays on it ("데이터셋": 데이터 + 셋)
        ("MNIST 데이터셋은 뭐야?", ["MNIST 데이터셋"]),
        # a quoted argument stays inside the call it is passed to
        ("astype('float32')는 왜 해?", ["astype('float32')"]),
        # and so does a setting written onto its name, not a word in quotes
        ("Conv2D에서 padding='same'은 무슨 뜻이야?", ["padding='same'", "Conv2D"]),
        # the loanword "to" inside a name ("시퀀스 투 시퀀스")
        ("시퀀스 투 시퀀스가 뭐예요?", ["시퀀스 투 시퀀스"]),
        # what a thing does frames the question ("하는 일"), as 역할 does
        ("은닉층은 입력층이랑 하는 일이 어떻게 달라요?", ["은닉층", "입력층"]),
        # a qualifier of the frame is not part of the subject before it
        ("GridSearchCV 주요 파라미터 다 알려줘", ["GridSearchCV"]),
        # what is done or used in a condition is asked about; a plain verb's noun is not
        ("토큰화하면 문장을 어떻게 처리해?", ["토큰화"]),
        ("배치 정규화를 하면 학습이 빨라져?", ["배치 정규화", "학습"]),
        ("DBSCAN을 K-means랑 비교하면 뭐가 달라?", ["DBSCAN", "K-means"]),
        # a light verb written onto a noun ("추천받을") makes the noun what is done
        ("허깅페이스 모델 추천받을 때 쓴 프롬프트 예시 있어?", ["허깅페이스 모델", "프롬프트"]),
        # a word of place after a name says where ("DB 안에", "비트코인 시세 앞으로")
        ("DB 안에 있는 정보를 불러오려면 어떻게 해?", ["DB", "정보"]),
        ("비트코인 시세 앞으로 어떻게 될 것 같아요?", ["비트코인 시세"]),
        # a word in quotes is the one asked about, before the phrase it stands in
        ("특징 맵에서 말하는 '특징'의 예를 들어주세요", ["특징", "특징 맵"]),
        ("노트에서 ‘에이전트’는 뭐라고 해?", ["에이전트", "노트"]),
        # a decorator, which Kiwi reads as a mention ("@login_required")
        ("@login_required가 뭐야?", ["login_required"]),
        # an adverb made of a noun ("결론적으로") is no thing asked about
        ("결론적으로 회귀랑 분류는 어떻게 구분돼요?", ["회귀", "분류"]),
        # anywhere, where it says how a thing is said
        ("회귀랑 분류 결론적으로 뭘로 구분한다고 했지", ["회귀", "분류"]),
        # the name before such an adverb at the opening stays ("CNN 일반적으로")
        ("CNN 일반적으로 어디에 써?", ["CNN"]),
        ("SVM 기본적으로 뭐야?", ["SVM"]),
        ("feature map에서 말하는 특징이 구체적으로 어떤 건지 예를 들어줄래?", ["feature map"]),
        ("혹시 결론적으로 회귀랑 분류는 어떻게 구분돼요?", ["회귀", "분류"]),
        # the kinds of a thing, however named, are asked of it
        ("스케일러 유형 뭐 있어?", ["스케일러"]),
        # things among themselves: 끼리 is no part of their name
        ("CNN에서 필터끼리는 가중치를 나눠 써?", ["필터", "CNN"]),
        # when it is done, and the name in full, are asked of the subject
        ("드롭아웃은 적용하는 타이밍이 언제야?", ["드롭아웃"]),
        ("ReLU 풀네임도 알려줘", ["ReLU"]),
        # what is asked of the subject, as 장점 and 방법 are (주의점 kept whole: not 주의 + 점)
        ("DBSCAN의 주의점은 뭐야?", ["DBSCAN"]),
        ("과적합 원인은?", ["과적합"]),
        ("로지스틱 회귀 사용법 알려줘", ["로지스틱 회귀"]),
        ("k-means 동작 방식 설명해줘", ["k-means"]),
        ("DBSCAN 단점 보완 방법은?", ["DBSCAN"]),
        ("RNN 기울기 소실 해결 방법", ["RNN 기울기 소실"]),
        # (주성분 kept whole: not 주 + 성분)
        ("PCA 주성분 개수는 어떻게 정해?", ["PCA 주성분"]),
        # a part of what it stands with is asked of that
        ("전이 학습에서 고정해 두는 부분은 예를 들면 어떤 층이야?", ["전이 학습", "층"]),
        # what it is about ("X에 대해", "X에 관해") is asked of, before where it was written
        (
            "선형회귀 필기에서 경사하강법에 대해 적어둔 포인트들 뭐뭐야?",
            ["경사하강법", "선형회귀 필기"],
        ),
        ("드롭아웃에 관해 알려줘", ["드롭아웃"]),
        # what falls under it ("하위 분야") is asked of it
        ("비지도 학습 하위 분야 뭐뭐 있어?", ["비지도 학습"]),
        # 하고 "and" between two things compared, which Kiwi reads as 하다 after a noun
        ("머신러닝하고 딥러닝 나누는 기준이 뭐야?", ["머신러닝", "딥러닝"]),
        ("인공 신경망(ANN)하고 심층 신경망(DNN) 차이", ["인공 신경망(ANN)", "심층 신경망(DNN)"]),
        # the commas of an argument list are inside the name
        ("ARIMA(p, d, q)의 세 인자가 각각 뭘 의미해?", ["ARIMA(p, d, q)"]),
        # a later sentence that repeats a word of the first asks nothing new of it ...
        (
            "decision tree 학습 과정 설명해줘. 어떤 쪽으로 학습이 진행되는 거야?",
            ["decision tree 학습"],
        ),
        # ... and within one sentence both sides of a pair stay
        ("배치 정규화랑 정규화는 뭐가 달라?", ["배치 정규화", "정규화"]),
        # a word that frames a request elsewhere ("주요 파라미터") is a side of a pair, and
        # 구분 frames the question as 차이 does
        ("하이퍼파라미터랑 파라미터는 뭐가 달라?", ["하이퍼파라미터", "파라미터"]),
        ("매개변수랑 하이퍼파라미터 구분 기준이 뭐야?", ["매개변수", "하이퍼파라미터"]),
        ("GridSearchCV 주요 파라미터 알려줘", ["GridSearchCV"]),
        # how a thing is written is asked of it, as its form is; "분산 표현" is a name
        ("텐서 배울 때 나온 데이터 표현 형태들 뭐뭐 있었어?", ["데이터"]),
        ("분산 표현이 뭐야?", ["분산 표현"]),
        # where it stands in the notes is no part of its name
        ("선형회귀 항목 아래 경사하강법은 어떻게 찾아가?", ["선형회귀", "경사하강법"]),
        # the thing asked of, and what it is used instead of, said after the question
        ("렐루를 왜 쓰는 거예요? 시그모이드 대신에", ["렐루", "시그모이드"]),
    ],
)
def test_subjects_of_questions(message: str, subjects: list[str]) -> None:
    assert default_analyzer().subjects(message) == subjects


def test_a_clause_that_sets_the_scene_names_where_the_question_stands() -> None:
    analyzer = default_analyzer()
    roles = dict(
        analyzer.subject_roles("다음 주 시험인데 로지스틱 회귀랑 선형 회귀 차이 좀 정리해 줘")
    )
    assert roles == {"로지스틱 회귀": "marked", "선형 회귀": "marked", "주 시험": "domain"}
    # where nothing after it is marked, the first phrase after it is the topic
    roles = dict(
        analyzer.subject_roles("시계열 과제에 써야 해서 그러는데, ARIMA(p, d, q)의 뜻 알려줘")
    )
    assert roles["ARIMA(p, d, q)"] == "marked"
    # not a thing said to be there though ("있는데도"), nor one heard of ("…라는데")
    roles = dict(
        analyzer.subject_roles("기본 RNN이 있는데도 LSTM이랑 GRU를 따로 만든 목적이 뭐야?")
    )
    assert roles["기본 RNN"] == "marked"
    roles = dict(
        analyzer.subject_roles("GRU나 LSTM 같은 모델 input이 3D라는데, 세 차원이 각각 뭘 나타내?")
    )
    assert roles["GRU"] == "marked"


def test_the_respect_things_are_compared_in_is_no_side_of_the_pair() -> None:
    roles = dict(
        default_analyzer().subject_roles(
            "트랜스포머는 RNN 계열 모델과 비교해서 병렬 연산 측면에서 어떤 점이 달라요?"
        )
    )
    assert roles["트랜스포머"] == roles["RNN 계열 모델"] == "marked"
    assert roles["병렬 연산"] == "domain"


@pytest.mark.parametrize(
    "question",
    [
        "허깅페이스 모델 추천받을 때 쓴 프롬프트 {} 있어?",
        "MNIST 샘플 이미지 저장 끝나면 찍히는 로그 메시지 {} 보여줘",
    ],
)
def test_an_example_asked_for_in_a_word_is_asked_as_with_the_whole_word(question: str) -> None:
    analyzer = default_analyzer()
    assert analyzer.subject_roles(question.format("예")) == analyzer.subject_roles(
        question.format("예시")
    )


def test_what_a_thing_is_made_with_is_where_it_belongs() -> None:
    analyzer = default_analyzer()
    roles = dict(analyzer.subject_roles("장고로 REST API는 어떻게 만들어?"))
    assert roles == {"REST API": "marked", "장고": "domain"}
    # what it is made into, or looked at with, is no tool it is made with
    assert dict(analyzer.subject_roles("데이터를 3차원으로 바꾸는 이유가 뭐야?")).get("3차원") != (
        "domain"
    )
    roles = dict(analyzer.subject_roles("Grad-CAM으로 CNN이 어디를 보는지 어떻게 확인해?"))
    assert roles.get("Grad-CAM") != "domain"


def test_a_full_stop_is_no_part_of_a_foreign_word() -> None:
    # Kiwi reads "Ramirez." as "Ra" + "mirez."
    assert default_analyzer().terms("Sebastian, Ramirez.") == ["sebastian", "ramirez"]


def test_aliases_make_spellings_one_term() -> None:
    analyzer = default_analyzer()
    assert analyzer.terms("Transformer") == analyzer.terms("트랜스포머") == ["transformer"]
    assert analyzer.terms("Dropout을 쓴다") == analyzer.terms("드롭아웃을 쓴다")
    assert analyzer.terms("linear kernel") == analyzer.terms("선형 커널") == ["linear", "kernel"]
    assert analyzer.terms("비선형") == ["비선형"]  # the negated word stays apart
    # registered as words: no pieces ("도커" alone is 도 + 크(다)), particles come off
    assert analyzer.terms("도커는") == ["docker"]
    assert analyzer.terms("매개변수") == analyzer.terms("파라미터") == ["parameter"]
    assert analyzer.terms("시그모이드랑 소프트맥스는") == ["sigmoid", "softmax"]
    # alone, Kiwi reads "보틀" as 보 + 틀; in "보틀은" as one noun: now one term either way
    assert analyzer.terms("보틀") == analyzer.terms("보틀은") == ["bottle"]
    # a Greek letter the notes write in LaTeX ("$\\lambda$가 클수록") is asked by its name
    in_notes = clean_inline("$\\lambda$가 크면")
    assert analyzer.terms("람다가 크면") == analyzer.terms(in_notes) == ["lambda", "크"]
    # and a root it writes "$\\sqrt{d_k}$" is asked as 루트 or 제곱근
    assert analyzer.terms("루트") == analyzer.terms("제곱근") == ["sqrt"]
    assert analyzer.terms(clean_inline("$\\sqrt{d_k}$로 나눈다"))[0] == "sqrt"
    # an abbreviation is a spelling too: "DB 안에 있는 정보" finds "데이터베이스 안에 …"
    assert analyzer.terms("DB") == analyzer.terms("데이터베이스") == ["database"]
    # 로그인 is a word of its own, not 로그 ("로그는 어떻게 남겨?" is not about logging in)
    assert analyzer.terms("로그인 기능") == ["로그인", "기능"]
    assert analyzer.terms("로그를 남긴다")[0] == "log"
    # the doer and the doing of a loanword are the thing the notes name ("Load Balance")
    assert (
        analyzer.terms("로드 밸런서")
        == analyzer.terms("로드 밸런싱")
        == analyzer.terms("Load Balance")
        == ["load", "balance"]
    )
    # kept whole: "머신러닝" is not 머신 (of 서포트 벡터 머신) and 러닝
    assert analyzer.terms("머신러닝이") == analyzer.terms("머신 러닝") == ["머신러닝"]
    assert "머신러닝" not in analyzer.terms("서포트 벡터 머신")
    # a spelling the notes split in two ("소프트 맥스: 확률로서 …")
    assert analyzer.terms("소프트 맥스는") == analyzer.terms("소프트맥스는") == ["softmax"]
    # two Korean names of one problem ("기울기 소멸" in one note, "소실" in another)
    assert analyzer.terms("기울기 소실") == analyzer.terms("기울기 소멸") == ["gradient", "소실"]
    # an algorithm the notes name in Korean ("K-평균 군집화(K-Means)"), asked in English
    assert (
        analyzer.terms("K-means는")
        == analyzer.terms("kmeans는")
        == analyzer.terms("K-평균은")
        == analyzer.terms("k means는")
        == ["k-means"]
    )
    # a name code writes as one word, asked in Korean as the words it joins
    assert (
        analyzer.terms("MaxPooling 인자 값")
        == analyzer.terms("맥스풀링 인자 값")
        == analyzer.terms("맥스 풀링 인자 값")
        == ["maxpooling", "인자", "값"]
    )
    # a name the notes write in English, asked in Korean; "클래스" alone stays a word of
    # its own ("하위 폴더 이름이 클래스 이름으로 사용됨")
    assert analyzer.terms("파이썬 클래스") == analyzer.terms("python class") == ["python", "class"]
    assert analyzer.terms("클래스 이름") == ["클래스", "이름"]
    assert analyzer.terms("게이트웨이") == analyzer.terms("Gateway") == ["gateway"]
    # "새 데이터" is "새로운 데이터"
    assert analyzer.terms("새 데이터") == analyzer.terms("새로운 데이터") == ["새롭", "데이터"]
    # a layer by its English name or its Korean one
    assert analyzer.terms("풀링 층") == analyzer.terms("pooling layer") == ["pooling", "층"]
    # a word Kiwi cuts before a verb ("순도 계산하는": 순 + 도) is kept whole
    assert "순도" in analyzer.terms("결정 트리 순도 계산하는 방법 뭐뭐 있어?")
    assert KoreanAnalyzer(aliases_path=None).terms("드롭아웃") == ["드롭", "아웃"]
    # a name the notes spell out in Korean ("### 시퀀스 투 시퀀스:"), asked as students
    # write it; Kiwi keeps 투 in a line and drops it alone, and both read as the name
    assert (
        analyzer.terms("seq2seq 방식")[0]
        == analyzer.terms("시퀀스 투 시퀀스")[0]
        == analyzer.terms("[시퀀스 투 시퀀스:] - 질문과 대답")[0]
        == "seq2seq"
    )
    # the Korean names of odds and logit, asked of notes that write them in English
    # ("Odds에 로그를 취하면 logit이 된다"); alone, Kiwi cuts "로짓이" into 로 + 짓
    assert analyzer.terms("오즈가 뭐야?") == analyzer.terms("Odds") == ["odds"]
    assert analyzer.terms("승산은") == ["odds"]
    assert analyzer.terms("로짓이 뭐야") == analyzer.terms("logit") == ["logit"]
    # sklearn's kernel="poly" is the notes' 다항식 커널
    assert analyzer.terms("poly 커널") == analyzer.terms("다항식 커널") == ["polynomial", "kernel"]
    # a common abbreviation
    assert analyzer.terms("backprop") == analyzer.terms("역전파") == ["backpropagation"]
    # two words as students type them: the English apart, a loanword, a spaced compound
    assert analyzer.terms("back propagation") == ["backpropagation"]
    assert analyzer.terms("디시전 트리") == analyzer.terms("결정 트리")
    assert analyzer.terms("하이퍼 파라미터") == analyzer.terms("하이퍼파라미터")
    # sklearn's scalers, as a student says them in Korean
    assert analyzer.terms("로버스트 스케일러") == analyzer.terms("RobustScaler") == ["robustscaler"]
    assert analyzer.terms("민맥스 스케일러") == analyzer.terms("MinMaxScaler") == ["minmaxscaler"]
    # the Korean name of a term, asked in English (the notes write "커널 트릭", "귀무가설")
    assert analyzer.terms("transfer learning") == analyzer.terms("전이 학습") == ["전이", "학습"]
    assert analyzer.terms("soft margin") == analyzer.terms("소프트 마진")
    assert analyzer.terms("null hypothesis는") == analyzer.terms("귀무가설은") == ["귀무가설"]
    assert analyzer.terms("3D로") == analyzer.terms("3차원으로") == ["3", "차원"]
    assert analyzer.terms("time series") == analyzer.terms("시계열") == ["시계열"]
    assert analyzer.terms("partial derivative는") == analyzer.terms("편미분은") == ["편미분"]
    assert analyzer.terms("density-based") == analyzer.terms("밀도 기반") == ["밀도", "기반"]
    assert analyzer.terms("scalar") == analyzer.terms("스칼라") == ["scalar"]
    # Kiwi reads 토큰화 as 토큰 and a suffix: tokenization is asked of it
    assert analyzer.terms("tokenization은") == analyzer.terms("토큰화는") == ["token"]
    assert analyzer.terms("RNN cell") == analyzer.terms("RNN 셀") == ["rnn", "cell"]
    assert (
        analyzer.terms("support vector machine")
        == analyzer.terms("서포트 벡터 머신")
        == ["support", "vector", "machine"]
    )
    # a name written together or apart ("허깅 페이스에서 …", asked as "허깅페이스")
    assert (
        analyzer.terms("허깅페이스")
        == analyzer.terms("허깅 페이스에서")
        == analyzer.terms("Hugging Face")
        == ["huggingface"]
    )


def test_words_kept_whole_do_not_shrink_to_a_common_word() -> None:
    # cut by Kiwi, "이상치" kept only 이상 ("or more") and "결측치" only 결: every line
    # with 이상 matched a question about outliers
    plain = KoreanAnalyzer(aliases_path=None)
    assert plain.terms("이상치 제거") == ["이상", "제거"]
    analyzer = default_analyzer()
    assert analyzer.terms("이상치 제거") == ["이상치", "제거"]
    assert "이상" not in analyzer.terms("이상치가 많으면 평균이 흔들린다")
    assert analyzer.terms("결측치는") == ["결측치"]
    assert "시계열" in analyzer.terms("딥러닝 시계열 모델에 넣는다")
    assert "가중" not in analyzer.terms("가중치를 업데이트한다")


def test_an_english_name_reads_as_its_korean_spelling() -> None:
    analyzer = default_analyzer()
    assert analyzer.korean_name("decision tree 학습 과정") == "결정 트리 학습 과정"
    assert analyzer.korean_name("Unsupervised  Learning이랑") == "비지도 학습이랑"
    assert analyzer.korean_name("classification 예시") == "분류 예시"
    # a name the notes' labels write in English stays ("pytorch code")
    assert analyzer.korean_name("pytorch 코드", lambda name: name == "pytorch") == "pytorch 코드"
    # code is no name: identifiers and parts of them stay as written
    for code in ("has_noise", "flask-sqlalchemy", "nn.Dropout", "model.train()"):
        assert analyzer.korean_name(code) == code


def test_a_known_term_with_two_letters_swapped_is_that_term() -> None:
    analyzer = default_analyzer()
    # notes typed in haste: "leru" for relu, "epcoh" for epoch
    assert analyzer.terms("leru: 0 이하는 제거") == analyzer.terms("ReLU: 0 이하는 제거")
    assert analyzer.terms("epcoh") == ["epoch"]
    # not a word shorter than four letters, nor one a known term is spelled as
    assert analyzer.terms("lue") == ["lue"]
    assert analyzer.terms("relu") == ["relu"]


def test_every_alias_analyses_to_itself(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="vector_store.analysis"):
        analyzer = KoreanAnalyzer()
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    for group in read_alias_groups():
        # every spelling reads as the first, one term or, for a name of several words,
        # its words ("confusion matrix" as 혼동 행렬)
        assert {tuple(analyzer.terms(word)) for word in group} == {
            tuple(analyzer.terms(group[0]))
        }, group
        assert " " in group[0] or analyzer.terms(group[0]) == [group[0].casefold()], group


def test_every_spelling_is_in_one_group_only() -> None:
    spellings = [word.casefold() for group in read_alias_groups() for word in group]
    assert sorted({w for w in spellings if spellings.count(w) > 1}) == []


def test_nfc_makes_decomposed_hangul_match() -> None:
    decomposed = unicodedata.normalize("NFD", "합성곱 계층")
    assert default_analyzer().terms(decomposed) == default_analyzer().terms("합성곱 계층")


def test_chunks_respect_size_and_merge_tiny_sections() -> None:
    long_body = " ".join(f"문장 {i}번은 합성곱 신경망을 설명한다." for i in range(80))
    text = f"# 제목\n짧음.\n## 긴 절\n{long_body}\n## 작은 절\n작다.\n"
    cfg = ChunkingConfig(max_chars=400, min_chars=60)
    chunks = chunk_sections(parse_markdown(text), default_analyzer().split_sentences, cfg)
    assert all(60 <= len(c.text) <= 400 + 60 for c in chunks)
    assert all(c.text.strip() for c in chunks)
    joined = "\n".join(c.text for c in chunks)
    assert "짧음." in joined and "작다." in joined
    assert "[작은 절]" in joined  # a merged section keeps its title inline


def test_relations_in_inline_math_read_as_their_signs() -> None:
    from ingest.markdown import clean_inline

    assert clean_inline(r"$P(Y=1) \geq 0.5$ -> 집단 1로 분류") == "P(Y=1) ≥ 0.5 -> 집단 1로 분류"
    assert clean_inline(r"$a \le b$, $x \neq y$") == "a ≤ b, x ≠ y"
    assert clean_inline(r"$\left(x\right)$") == r"\left(x\right)"  # other commands stay


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("K - 최근접 이웃 (K-Nearest Neighbor)", ["knn"]),
        ("ARIMA 모델 (AutoRegressive Integrated Moving Average)", ["arima"]),
        ("BPTT(BackPropagation Through Time)를 이용하여", ["bptt"]),
        ("REST API 설계", []),  # words in capitals spell nothing out
        ("Bayesian Optimization", []),  # two letters are no acronym
        ("support vector machine", []),  # nor are words in small letters a name
    ],
)
def test_a_name_spelled_out_is_found_by_its_initials(text: str, found: list[str]) -> None:
    from vector_store.analysis import acronyms

    assert acronyms(text) == found


def test_a_named_thing_goes_without_the_word_for_its_kind() -> None:
    analyzer = default_analyzer()
    assert analyzer.name_of("torchsummary 라이브러리") == "torchsummary"
    assert analyzer.name_of("MNIST 데이터셋") == "MNIST"
    assert analyzer.name_of("MaxPooling 레이어") == "MaxPooling"
    assert analyzer.name_of("은닉 레이어") == "은닉 레이어"
    assert analyzer.name_of("활성화 함수") == "활성화 함수"  # a Korean compound stays whole


@pytest.mark.parametrize(
    ("typed", "spaced"),
    [
        ("학습때 드롭아웃 쓰는 이유", "학습 때 드롭아웃 쓰는 이유"),
        ("전처리는 학습때도 써?", "전처리는 학습 때도 써?"),
    ],
)
def test_when_typed_onto_a_noun_is_read_as_when_it_is_spaced(typed: str, spaced: str) -> None:
    # "학습때" is "학습 때" (when), never a name ending in 때
    analyzer = default_analyzer()
    assert analyzer.subject_roles(typed) == analyzer.subject_roles(spaced)
    assert not any(p.endswith("때") for p in analyzer.subjects(typed))
