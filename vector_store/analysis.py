"""Korean morpheme analysis shared by indexing and querying.

The keyword side of the index only works when a query is analysed exactly like
the passages were, so the analyser lives with the index rather than with the
ingestion code.

Kiwi splits English terms and code identifiers into pieces ("Conv2D" →
Conv / 2 / D, "requires_grad" → requires / _ / grad). Pieces that touch each
other in the original text are glued back into one case-folded term, and the
parts of an identifier joined by ``_ . -`` are kept as terms of their own, so
that both "requires_grad" and "grad" match.

Course notes write one term several ways: "트랜스포머" and "Transformer",
"합성곱" and "convolution". `data/aliases.txt` lists such spellings; every
spelling analyses to the English one, in passages and queries alike (like a
search engine's synonym filter), so BM25 counts them as one term. Hangul
spellings that Kiwi would cut into meaningless pieces ("드롭아웃" → 드롭 / 아웃)
are registered as words of their own.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any, NamedTuple

from kiwipiepy import Kiwi

logger = logging.getLogger(__name__)
ALIASES_PATH = Path(__file__).resolve().parent / "data" / "aliases.txt"
# Bump when analysis changes what terms an unchanged text yields (the index re-analyses).
ANALYZER_VERSION = 37
_HANGUL = re.compile(r"^[가-힣]+$")

# Content-bearing tags: common/proper nouns, numerals, roots, verb/adjective stems,
# foreign words (SL), hanja (SH), numbers (SN).
_KEEP = frozenset({"NNG", "NNP", "NR", "XR", "VV", "VA", "SL", "SH", "SN"})
# Tags that may be glued into an identifier when they touch: letters, numbers,
# and symbols such as _ . - + #.
_EDGE_PUNCT = ".,;:!?…"
_GLUE = frozenset({"SL", "SN", "SH", "SW", "SO", "SP"})
_GLUE_SYMBOLS = frozenset("_.-+#")
_SPLIT_IDENT = re.compile(r"[_.\-]+")
_PHRASE = frozenset({"NNG", "NNP", "SL", "SN", "SH", "XR"})
# Nouns that frame a request rather than name its subject.
_REQUEST_NOUNS = frozenset(
    {"설명", "의미", "정의", "개념", "뭐", "무엇", "예시", "예", "역할", "질문"}
)
# Prefixes that turn a noun into its opposite ("비지도", "비선형", "무작위", "불균형").
# A pair particle Kiwi left on an unknown noun of three or more syllables ("순전파랑")
_GLUED_PAIR = re.compile(r"(?<=[가-힣]{3})(?:이랑|랑|하고)$")
_NEGATING_PREFIXES = frozenset({"비", "무", "불", "미"})
_SINGLE_HANGUL_NOISE = frozenset({"것", "수", "등", "때", "중", "점", "및"})
# The nouns of how a thing is written or done ("표현 형태", "표현 방식")
_FORM_NOUNS = frozenset({"형태", "방식", "방법"})
# The framing nouns that name things, not how things stand to one another ("파라미터",
# not "차이"): after a pair particle, one is the pair's other side
_THINGS_FRAMING = frozenset({"파라미터", "인자", "옵션", "명령어", "명령"})
# Nouns that say what is asked about a subject rather than name it ("차이가 뭐야").
_FRAMING_NOUNS = frozenset(
    {
        "차이",
        "차이점",
        # "RNN, LSTM, GRU 관계": how things stand to each other is asked of them
        "관계",
        "종류",
        "유형",
        "장점",
        "단점",
        "장단점",
        "한계",
        "문제점",
        "약점",
        "강점",
        "이점",
        # "선형 회귀 가정": what it assumes is asked of it
        "가정",
        "전제",
        "방법",
        "이유",
        "까닭",
        "목적",
        "경우",
        "원리",
        "과정",
        "절차",
        "단계",
        "순서",
        # "CNN 구성 요소": what a thing is made of is asked of it
        "구성",
        "요소",
        "구성요소",
        "뜻",
        "사용",
        "때",
        "언제",
        "거",
        "것",
        # light heads: "회귀 문제", "데이터 형태", "requires_grad 옵션" ask about the word
        # before them
        "문제",
        "형태",
        "활용",
        "구조",
        "기법",
        "방식",
        "개념",
        "기능",
        "분야",
        # "비지도 학습 하위 분야": what falls under it is asked of it
        "하위",
        # "머신러닝하고 딥러닝 나누는 기준": what tells them apart is asked of them
        "기준",
        "구분",
        # "회귀 분석 비교 항목", "모델 비교 표": the entries things are compared by, or
        # the table they stand in, asked of them
        "비교",
        "항목",
        "표",
        "역할",
        "정리",
        "예제",
        "코드",
        "대표",
        "옵션",
        # "마이그레이션 파일 만드는 명령어": how it is typed, not what
        "명령어",
        "명령",
        "커맨드",
        "파라미터",
        "인자",
        "출신",
        "국적",
        "나라",
        "이름",
        "정도",
        "규모",
        "얼마",
        "기본값",
        # "확률을 구한 다음엔", "오차를 재는 타이밍": when, not what
        "다음",
        "타이밍",
        # "ReLU 풀네임도 알려줘": what the name stands for, asked of it
        "풀네임",
        # "DBSCAN 주의점은?", "과적합 원인은?", "로지스틱 회귀 사용법 알려줘": what is asked
        # of the subject, as 장점 and 방법 are
        "공통점",
        "주의점",
        "주의사항",
        "해결책",
        "해결법",
        "대안",
        "핵심",
        "조건",
        "약자",
        "약어",
        "명칭",
        "원인",
        "성질",
        "노하우",
        "배경",
        "필요성",
        "중요성",
        "사용법",
        "활용법",
        "특장점",
        "근거",
        "유래",
        "의의",
        "의도",
        "효과",
        "용도",
        "쓰임새",
        # "RNN 기울기 소실 해결 방법", "단점 보완 방법은?": what is done about it
        "해결",
        "보완",
        "극복",
        "개선",
        # "PCA 주성분 개수는 어떻게 정해?": how many
        "개수",
        "갯수",
        # "DBSCAN 동작 방식": how it works
        "동작",
        "작동",
        # "… 고정해 두는 부분은 예를 들면 어떤 층이야?": a part of what it stands with
        "부분",
        "후",
        "뒤",
        # "어떤 상황에서", "적용한 사례가", "처음 중심점은", "딥러닝 연구자는": where or who
        # the question asks of its subject, not the subject
        "상황",
        "사례",
        # "어떤 특징이 있어?" asks for what is said of the subject; "핵심 포인트만 정리해줘",
        # "요점", "요약": the gist of it
        "특징",
        "포인트",
        "요점",
        "요약",
        "처음",
        "인물",
        "사람",
        "연구자",
        "학자",
        # "파이썬 클래스 수업에서": where it was taught, not what is asked
        "수업",
        "강의",
        "며칠",
        # "역전파 얘기 나올 때": in what talk, not what
        "얘기",
        # "verbose 값은 뭐뭐 있어?": the values of the thing named
        "값",
        "이야기",
        "내용",
        # "그리드서치보다 나은 점", "힌턴 업적": what is said of the subject
        "점",
        "업적",
        # "LangChain 들어봤는데 정체가 뭐야?": what it really is
        "정체",
        # "출력 크기 공식이 뭐야?": how it is computed ("공식 사이트" stays a name)
        "공식",
        "수식",
        # "과적합을 의심할 수 있는 신호는?": how it shows, said of the subject
        "신호",
        "징후",
        "증상",
        # "오늘 수업 진짜 알차더라", "요즘 어떻게 지내?": when something is said, not what
        "오늘",
        "어제",
        "내일",
        "요즘",
        "지금",
        "아까",
        "방금",
    }
)
# Endings of a clause that sets the scene for what follows ("시험인데", "공부하고 있는데")
_BACKGROUND_ENDINGS = frozenset({"는데", "은데", "ᆫ데"})
# the ending a quoted saying closes with ("3D라고 하는데")
_QUOTING = frozenset({"라고", "다고", "냐고", "자고"})
# Endings that join a clause to the next ("없어서", "보니까", "했는데"): what comes before
# them is background, the clause after them says what the sentence does.
_CONNECTIVES = frozenset(
    {"어서", "아서", "니까", "으니까", "는데", "은데", "ᆫ데", "지만", "다가", "더니"}
    # a question held inside the sentence: "주말에 뭐 할지 | 고민이야" asks nothing
    | {"ᆯ지", "을지", "는지", "은지", "ᆫ지"}
)
# Suffixes that make a noun a rate of it ("학습률", "재현율")
_RATE_SUFFIXES = frozenset({"률", "율"})
# "뭐 한 사람이야?": a who-question without 누구
_WHO_FRAME = re.compile(r"(?:뭐|무엇을|무슨 일을|어떤 일을)\s*(?:한|했던|하는)\s*사람")
# Nouns for a point of view ("뉴런 관점에서"): the phrase before them is where the subject
# is looked at from, its domain
VIEW_NOUNS = frozenset({"관점", "측면", "입장"})
# Nouns made adverbs of how a thing is said ("결론적으로", "일반적으로", "요약적으로")
_SAYING_ROOTS = frozenset({"결론", "일반", "기본", "구체", "최종", "전반", "궁극", "요약", "대체"})
# Words that open a message without saying anything of what it asks ("혹시 결론적으로 …",
# "근데 SVM은 뭐야?"); "그럼" opens one too, though it says the message follows another
OPENERS = ("혹시", "근데", "그런데", "그리고", "아", "음", "저기", "참")
_OPENING = re.compile(rf"(?:(?:{'|'.join(OPENERS)}|그럼|그러면)\s*)*")
# How long an answer is asked to be ("한 줄로 정의하면", "세 문장으로", "한마디로", "세 줄
# 요약"): the form of the reply, no thing asked about
_ANSWER_FORM = re.compile(
    r"(?<![가-힣])(?:(?:한|두|세|네|몇|(?<!\d)[1-9])\s?(?:줄|문장|단어|마디|글자)|한마디)"
    r"(?:\s?(?:으로|로)(?![가-힣])|\s?요약)"
)
# Nouns for a word itself ("모델이라는 말", "과적합이라는 용어"): after "이라는" they frame
_WORD_NOUNS = frozenset({"말", "용어", "단어", "표현", "이름"})
# Nouns that say what kind of thing a subject is or how it is asked for ("torchsummary
# 라이브러리", "라이브러리 목록", "초기화 관련 인자"): a subject is named without them.
CLASS_NOUNS = frozenset(
    {
        "라이브러리",
        "패키지",
        "모듈",
        "함수",
        "모델",
        "알고리즘",
        "기법",
        "프레임워크",
        "목록",
        "리스트",
        "관련",
        "실습",
        "인자",
        "endpoint",
        "코드",
        "code",
        "클래스",
        "class",
    }
)
# Words whose parts alone say more ("데이터" + "셋"): "MNIST 데이터셋" names MNIST; and
# words for a kind of thing that are also part of names in Korean ("은닉 레이어"):
# "MaxPooling 레이어" names MaxPooling
CLASS_WORDS = frozenset({"데이터셋", "데이터세트", "레이어", "layer", "층", "계층"})
# Framing words that also qualify a following noun ("특징 맵")
_MODIFIER_FRAMES = frozenset({"특징", "공식"})
# (but not a word that frames or requests in turn: "특징 정리해줘")
_FRAMING_OR_REQUEST = _FRAMING_NOUNS | _REQUEST_NOUNS
_VERSUS = re.compile(r"(\S)\s+(?:vs|VS|Vs)\.?\s+")


def _as_pair(match: re.Match[str]) -> str:
    """A pair written with "vs" as one written with 랑, or with 이랑 after a final consonant
    ("동기 방식이랑 비동기 방식": "방식랑" Kiwi reads as no particle)."""
    last = match.group(1)
    closed = "가" <= last <= "힣" and (ord(last) - ord("가")) % 28 != 0
    return f"{last}{'이랑' if closed else '랑'} "


_WHO_NOUNS = frozenset({"사람", "분", "인물"})
# a name code writes: "flow_from_directory", "target_size"
_CODE_IDENT = re.compile(r"[A-Za-z0-9]_[A-Za-z0-9]")
# Titles after a name ("힌턴 교수님", "앤드루 응 박사"): how one speaks of a person, not
# part of the name the notes write
_TITLE_NOUNS = frozenset({"교수", "박사", "선생", "선생님"})
# Particles that mark the topic, the subject or one side of a pair.
_SUBJECT_PARTICLES = frozenset({"JX", "JKS", "JC"})
_DOMAIN_PARTICLES = frozenset({"에서", "의"})
# "장고로 REST API 만들어": the particle of what a thing is made with, and the verbs of
# making that tell it from what a thing is turned into ("3차원으로 바꾸는")
_MEANS_PARTICLES = frozenset({"로", "으로"})
_MAKING_VERBS = frozenset({"만들", "작성", "구현", "개발", "짜", "구축", "설계"})
# "gateway 코드에서", "CNN 수업에서 배운 …": the code or the lesson the asked thing
# stands in is where it belongs
_WHERE_NOUNS = frozenset({"코드", "code", "수업", "강의"})
# "파이썬 클래스 시간에 배운 개념": the class hour something was taught in is where it
# belongs, when a verb of teaching follows ("시간 축에", "학습 시간에 영향" stay)
_LESSON_HOUR = "시간"
_TAUGHT_VERBS = frozenset({"배우", "나오", "다루", "하"})
# Nouns that qualify a framing noun ("주요 파라미터", "핵심 개념")
_QUALIFIERS = frozenset({"주요", "핵심", "기본", "대표"})
# Words that make a thing the usual one of its kind ("RNN은 기존 신경망이랑 뭐가 달라?")
USUAL_WORDS = frozenset({"기존", "일반", "보통"})
# "군집이랑 차원 축소는", "CNN과 RNN의": one side of a pair (Kiwi tags these JC or JKB).
_HANGUL_SYLLABLE = re.compile(r"[가-힣]")
_PAIR_PARTICLES = frozenset({"이랑", "랑", "와", "과", "하고"})
_LATIN = re.compile(r"[A-Za-z]")
_LATIN_WORD = re.compile(r"[a-z]+")
# the shortest known term read through two swapped letters ("leru" for relu)
_SWAPPED_MIN = 4
_HANGUL_WORDS = re.compile(r"^[가-힣]+(?: [가-힣]+)*$")
_DEMONSTRATIVES = frozenset({"그", "이", "저"})
# Determiners that say what an adjective says ("새 데이터": 새로운 데이터)
_DETERMINER_ADJECTIVES = {"새": "새롭"}
# "전파하는 방식": nouns for the way a thing is done
_WAY_NOUNS = frozenset({"방식", "방법", "법", "과정", "원리", "절차", "순서"})
# "어느 기관", "무슨 수업": the noun after an interrogative determiner is what the answer
# should be, not what the question is about
_INTERROGATIVE_DETERMINERS = frozenset({"어느", "어떤", "무슨", "몇"})
# Tags that can name what a message is about: nouns, foreign words, hanja, numbers.
_SUBJECT = frozenset({"NNG", "NNP", "SL", "SH", "SN"})

# Words that frame a request ("설명해 줘", "뭐야", "쓰는 거야") rather than name its
# subject: left out of keyword queries and of the routing's coverage.
QUERY_STOPWORDS = frozenset(
    {
        "설명",
        "알리",
        "말하",
        "가르치",
        "궁금",
        "의미",
        "정의",
        "개념",
        "뭐",
        "무엇",
        "어떻",
        "대하",
        "관하",
        "하",
        "주",
        "있",
        "되",
        "쓰",
        "알",
        "모르",
        "싶",
        "보",
    }
)


# Loanword spellings that differ only by ㅠ/ㅜ after ㄹ, ㅅ, ㅈ, ㅊ ("요슈아"/"요수아",
# "앤드류"/"앤드루"): each such syllable with ㅠ maps to its ㅜ twin (Hangul syllables are
# 0xAC00 + (initial * 21 + vowel) * 28 + final; ㅠ is vowel 17, ㅜ vowel 13)
# The suffix of a rate, written 율 or 률 ("재현율"/"재현률", "확률"/"확율"), is one
# spelling too: 율 folds as 률 does, to 룰.
_FOLD = str.maketrans(
    {
        0xAC00 + (initial * 21 + 17) * 28 + final: 0xAC00 + (initial * 21 + 13) * 28 + final
        for initial in (5, 9, 12, 14)
        for final in range(28)
    }
    | {ord("율"): ord("룰")}
)


def fold_spelling(text: str) -> str:
    """`text` with loanword spelling variants made one ("요슈아 벤지오" → "요수아 벤지오"),
    for comparing names, not for analysis."""
    return text.translate(_FOLD)


_PARENTHESES = re.compile(r"\s*[(（][^)）]*[)）]")
# Markdown emphasis and code marks ("**어텐션**이란", "`cv`는")
_MARKUP = re.compile(r"[*`_]{2,}|`")
# "RNN은 …", "활성화 함수란 …": a sentence whose topic opens it; "특징 맵 = …", a setting
# however it is spaced ("activation ='sigmoid'"); "임베딩을 쓴다는 것은 …": a sentence about
# doing a thing is about the thing
_TOPIC_SENTENCE = re.compile(
    r"^(.{1,40}?)(?:(?:은|는|이란|란|이라는 것은)\s|\s(?<![=!<>]\s)=(?!=)\s?"
    r"|[을를]\s\S{1,8}다는\s(?:것은|건)\s)"
)


def opening_topic(text: str) -> str:
    """The topic a sentence opens with, as written ("RNN은 …": "RNN"), "" when none."""
    match = _TOPIC_SENTENCE.match(_MARKUP.sub("", text))
    return match.group(1) if match else ""


_NON_WORD = re.compile(r"\W+")


@lru_cache(maxsize=32768)
def name_key(text: str) -> str:
    """A name without its spelling-out in parentheses, spaces or markup, for comparing
    names: "서포트 벡터 머신 (SVM)" → "서포트벡터머신"; loanword spelling variants as one
    ("요슈아" as "요수아", `fold_spelling`). Cached: answers compare the same labels of the
    notes for every question."""
    return fold_spelling(_NON_WORD.sub("", _PARENTHESES.sub("", text)).casefold())


def holds_term(term: str, bag: frozenset[str] | set[str]) -> bool:
    """`term` is in `bag`, whole or as two adjacent nouns Kiwi split elsewhere ("데이터셋"
    is one noun in a question and "데이터" + "셋" in "데이터 셋이다")."""
    return term in bag or any(term[:i] in bag and term[i:] in bag for i in range(1, len(term)))


# "원-핫": a hyphen inside a Korean word, which notes write or leave out as they like
_HANGUL_HYPHEN = re.compile(r"(?<=[가-힣])-(?=[가-힣])")


def normalize(text: str) -> str:
    """NFC-normalise so that decomposed Hangul (common in files from macOS) matches, and
    read a Korean word the same with or without a hyphen inside ("원-핫" is 원핫)."""
    return _HANGUL_HYPHEN.sub("", unicodedata.normalize("NFC", text))


def read_alias_groups(path: Path = ALIASES_PATH) -> list[list[str]]:
    """Groups of spellings, one comma-separated line each; `#` starts a comment. A line
    of one word is a word to keep whole, with no other spelling."""
    groups = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0]
        words = [normalize(w.strip()) for w in line.split(",") if w.strip()]
        if words:
            groups.append(words)
    return groups


class Morph(NamedTuple):
    """One morpheme as the analyser uses it (Kiwi's token, with its tag corrected)."""

    form: str
    tag: str
    start: int
    len: int


def _stem_as_noun(tag: str, following: str | None) -> bool:
    """A verb or adjective stem needs an ending; one followed straight by a particle or a
    noun, or by nothing at all (`following` is None), was a noun misread ("특징 맵이",
    "피처맵 크기": 맵 as 맵다, "spicy")."""
    return tag.startswith(("VV", "VA")) and (
        following is None or following.startswith(("J", "NN", "SL"))
    )


class _Piece(NamedTuple):
    """A token of a word analysed again on its own (the fields `_morphs` reads)."""

    form: str
    tag: str
    start: int
    len: int

    @property
    def end(self) -> int:
        return self.start + self.len


def _unglue_pair(kiwi: Kiwi, tokens: list[Any]) -> list[Any]:
    """Kiwi may read a pair particle at the end of a word as the last syllable of a noun
    ("생성자랑 판별자는": 생성 + 자랑, "boast"). Such a word (nouns only, the last ending in 랑,
    another word after it) is analysed again on its own, and kept so where that finds the
    particle: "생성자랑" alone is 생성자 + 랑, while "짝사랑" stays one noun. (A particle left on
    one unknown noun, "순전파랑", is cut off in `_morphs`.) The caller holds the analyser's
    lock."""
    out: list[Any] = []
    for i, tok in enumerate(tokens):
        out.append(tok)
        if not (
            tok.form.endswith("랑")
            and tok.tag.startswith("NN")
            and i + 1 < len(tokens)
            and tokens[i + 1].start > tok.end
        ):
            continue
        first = len(out) - 1
        while first > 0 and out[first - 1].end == out[first].start:
            first -= 1
        word = out[first:]
        if len(word) < 2 or not all(t.tag.startswith("NN") for t in word):
            continue
        start = word[0].start
        alone = kiwi.tokenize("".join(t.form for t in word))
        if alone and alone[-1].form == "랑" and alone[-1].tag in ("JC", "JKB"):
            del out[first:]
            out.extend(_Piece(t.form, t.tag, start + t.start, t.len) for t in alone)
    return out


# Words that set two things side by side: the question compares what 하고 joins
_COMPARES = re.compile(r"차이|비교|구분|다르|다른|다름|나누|공통|각각|둘 ?다|vs", re.IGNORECASE)


def _unglue_and(text: str, tokens: list[Any]) -> list[Any]:
    """Kiwi reads the pair particle 하고 after a noun as 하다's suffix and an ending
    ("머신러닝하고 딥러닝 나누는 기준": 머신러닝 + 하 + 고, as if 머신러닝 were done), and
    the noun is then no subject. Where the text compares, a noun (or a name's closing
    parenthesis) with 하 + 고 right after it and another noun after a space is that noun
    and 하고, "and": "SVM하고 CNN 차이" Kiwi reads so already."""
    if not _COMPARES.search(text):
        return tokens
    out: list[Any] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if (
            i + 3 < len(tokens)
            and tok.tag.startswith(("NN", "SL", "XSN", "SSC"))
            and tokens[i + 1].form == "하"
            and tokens[i + 1].tag in ("XSA", "XSV")
            and tokens[i + 1].start == tok.end
            and tokens[i + 2].form == "고"
            and tokens[i + 2].tag == "EC"
            and tokens[i + 3].start > tokens[i + 2].end
            and tokens[i + 3].tag.startswith(("NN", "SL"))
        ):
            out.append(tok)
            out.append(_Piece("하고", "JC", tokens[i + 1].start, 2))
            i += 3
            continue
        out.append(tok)
        i += 1
    return out


def _corrected(kiwi: Kiwi, text: str, tokens: list[Any]) -> list[Any]:
    """Kiwi's tokens of `text` with the misreadings below put right. The caller holds the
    analyser's lock."""
    return _unglue_and(
        text, _unglue_pair(kiwi, _unchain(kiwi, _unsplit_adverb(kiwi, text, tokens)))
    )


def _unchain(kiwi: Kiwi, tokens: list[Any]) -> list[Any]:
    """Kiwi may read a run of words with an unknown one among them as one proper noun per
    word ("베이지안 최적화가 그리드서치" as three NNP, "원핫 인코딩 정해준"), so a
    particle or an ending is lost inside a "name". Each word of such a run (two or more
    NNP, each after a space) is analysed again on its own, and where that finds a particle
    or an ending it is read so: "최적화가" alone is 최적 + 화 + 가, while "제프리 힌턴"
    stays a name. The caller holds the analyser's lock."""
    out: list[Any] = []
    i = 0
    while i < len(tokens):
        j = i + 1
        while (
            j < len(tokens)
            and tokens[j].tag == "NNP"
            and tokens[j - 1].tag == "NNP"
            and tokens[j].start > tokens[j - 1].end
        ):
            j += 1
        if j - i < 2:
            out.append(tokens[i])
            i += 1
            continue
        for k in range(i, j):
            tok = tokens[k]
            alone = kiwi.tokenize(tok.form)
            if not any(t.tag.startswith(("J", "E", "VCP")) for t in alone) and k + 1 < len(tokens):
                # a verb form Kiwi reads as a name on its own ("정해준") it reads as one
                # before the word that follows it ("정해준 다음": 정하 + 어 + 주 + ㄴ)
                before = kiwi.tokenize(f"{tok.form} {tokens[k + 1].form}")
                alone = [t for t in before if t.start + t.len <= len(tok.form)]
                if not alone or alone[-1].start + alone[-1].len != len(tok.form):
                    alone = []
            if any(t.tag.startswith(("J", "E", "VCP")) for t in alone):
                out.extend(_Piece(t.form, t.tag, tok.start + t.start, t.len) for t in alone)
            else:  # a name stays one ("제프리 힌턴")
                out.append(tok)
        i = j
    return out


def _unsplit_adverb(kiwi: Kiwi, text: str, tokens: list[Any]) -> list[Any]:
    """Kiwi may read the first syllable of a noun as an adverb after a particle ("단순 선형
    회귀랑 다중 선형 회귀": 다 + 중, "all" + a bound noun; "다항식": 다 + 항 + 식). A word that
    opens with an adverb glued to a noun is analysed again on its own, and kept so where
    that reads it as opening with a noun ("다중" alone is one noun). The caller holds the
    analyser's lock."""
    out: list[Any] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if not (
            tok.tag == "MAG"
            and i + 1 < len(tokens)
            and tokens[i + 1].start == tok.end
            and tokens[i + 1].tag.startswith("NN")
            and (tok.start == 0 or text[tok.start - 1].isspace())
        ):
            out.append(tok)
            i += 1
            continue
        j = i + 1
        while j + 1 < len(tokens) and tokens[j + 1].start == tokens[j].end:
            j += 1
        word = text[tok.start : tokens[j].end]
        alone = kiwi.tokenize(word)
        if alone and alone[0].tag.startswith("NN") and alone[0].len > tok.len:
            out.extend(_Piece(t.form, t.tag, tok.start + t.start, t.len) for t in alone)
        else:
            out.extend(tokens[i : j + 1])
        i = j + 1
    return out


def _morphs(tokens: list[Any]) -> tuple[Morph, ...]:
    """Kiwi's tokens as `Morph`s, a verb stem read as a noun where `_stem_as_noun` says,
    and a pair particle split off a word Kiwi did not know ("순전파랑 역전파": 순전파 + 랑)."""
    out: list[Morph] = []
    for tok, nxt in zip(tokens, [*tokens[1:], None], strict=False):
        # an ending contracted into its stem ("알 수": 알 + ᆯ) starts inside it
        following = nxt.tag if nxt and nxt.start <= tok.end else None
        tag = "NNG" if _stem_as_noun(tok.tag, following) else tok.tag
        if tag == "IC" and following is not None and following.startswith("J"):
            # an interjection takes no particle: "앤드류 응은" is the name 응
            tag = "NNP"
        if tag == "W_MENTION":
            # a decorator ("@login_required"), read by Kiwi as a mention: "@" and the name
            out.append(Morph("@", "SW", tok.start, 1))
            out.append(Morph(tok.form[1:], "SL", tok.start + 1, tok.len - 1))
            continue
        pair = _GLUED_PAIR.search(tok.form) if tag.startswith("NN") else None
        if pair and nxt is not None and nxt.start > tok.end and nxt.tag.startswith(("NN", "SL")):
            cut = pair.start()
            out.append(Morph(tok.form[:cut], tag, tok.start, cut))
            out.append(Morph(tok.form[cut:], "JC", tok.start + cut, tok.len - cut))
        else:
            out.append(Morph(tok.form, tag, tok.start, tok.len))
    return tuple(out)


# A word in quotes ('특징', “파일”), not a quoted argument of code ("astype('float32')",
# "padding='same'")
_QUOTED_TERM = re.compile(r"(?<![(\w=])(?<!= )['‘\"“]([^'’\"”()=]{1,24})['’\"”]")


# Words of place that follow a name ("DB 안에", "시세 앞으로"): where, not what
_PLACE_WORDS = frozenset({"안", "속", "밖", "위", "아래", "앞", "뒤", "옆", "사이", "내부", "외부"})


def _without_place(phrase: str) -> str:
    """The phrase less a word of place at its end ("DB 안") or its start ("아래
    경사하강법", of "선형회귀 항목 아래 경사하강법": where it stands in the notes)."""
    words = phrase.split()
    if len(words) >= 2 and words[-1] in _PLACE_WORDS:
        return " ".join(words[:-1])
    if len(words) >= 2 and words[0] in _PLACE_WORDS:
        return " ".join(words[1:])
    return phrase


# Verbs written onto a noun to make it one ("추천받다", "학습시키다"), as 하다 does
_LIGHT_VERBS = frozenset({"받", "시키", "당하"})


class KoreanAnalyzer:
    """Thread-safe wrapper around one Kiwi instance."""

    def __init__(self, aliases_path: Path | None = ALIASES_PATH) -> None:
        # Without the multi-word proper-noun dictionary (names from encyclopedias) Kiwi loads
        # and builds in about 1 s instead of 2.3 s; retrieval and chat scores are unchanged.
        self._kiwi = Kiwi(load_multi_dict=False)
        self._lock = threading.Lock()
        # A chat turn analyses the same short texts several times (terms, subject, topic)
        # and answers draw on the same passages again and again: recent texts are analysed
        # once. Every user word is added below before the first analysis, so no cached
        # analysis predates one.
        self._tokens = lru_cache(maxsize=2048)(self._tokenize)
        self._sentences = lru_cache(maxsize=2048)(self._split)
        self._canonical: dict[str, str] = {}  # filled below; the checks use terms() first
        self._swapped: dict[str, str] = {}
        self._phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._longest = 0
        # Hangul spellings of known terms, which notes also write with a space inside
        # ("소프트 맥스" for 소프트맥스): two adjacent nouns that spell one are that term
        self._spelled: frozenset[str] = frozenset()
        groups = read_alias_groups(aliases_path) if aliases_path else []
        self._alias_words = frozenset(w.casefold() for group in groups for w in group)
        user_words: list[str] = []
        for group in groups:
            for word in group:
                # Known to Kiwi as a word, a term is also found with a particle glued on
                # ("시그모이드랑"); "도커" alone analyses as 도 + 크(다), "드롭아웃" as 드롭 + 아웃.
                # Kiwi refuses a tag it already has the word under: then the other one.
                if _HANGUL.match(word) and (
                    self._kiwi.add_user_word(word, "NNG") or self._kiwi.add_user_word(word, "NNP")
                ):
                    user_words.append(word)
        canonical: dict[str, str] = {}
        # spellings of several words ("gradient descent" for 경사하강법, "confusion matrix"
        # for 혼동 행렬): the terms of one, in a row, read as the terms of the first
        several: list[tuple[list[str], list[str]]] = []
        for group in groups:
            spellings: list[str] = []
            phrases: list[list[str]] = []
            for word in group:
                terms = self.terms(word)
                if terms == [word.casefold()] and " " not in group[0]:
                    spellings.append(terms[0])
                elif " " in word or " " in group[0]:
                    phrases.append(terms)
                    # and as its words read one by one, which Kiwi may cut otherwise in a
                    # sentence ("시퀀스 투 시퀀스" drops 투 alone, keeps it in a line)
                    apart = [t for part in word.split() for t in self.terms(part)]
                    if apart != terms:
                        phrases.append(apart)
                else:
                    logger.warning("alias %r analyses to %s, not itself: left out", word, terms)
            for term in spellings[1:]:
                canonical[term] = spellings[0]
            head = [spellings[0]] if spellings else phrases[0] if phrases else []
            several.extend((terms, head) for terms in phrases if terms != head)
        self._canonical = canonical
        # A known English term with two of its letters swapped, as notes typed in haste
        # spell one ("leru" for relu), reads as that term; not a spelling that is itself a
        # known word, nor one that two terms could be swapped into.
        swapped: dict[str, set[str]] = {}
        for word in self._alias_words:
            if len(word) >= _SWAPPED_MIN and _LATIN_WORD.fullmatch(word):
                for i, j in combinations(range(len(word)), 2):
                    if word[i] != word[j]:
                        typed = word[:i] + word[j] + word[i + 1 : j] + word[i] + word[j + 1 :]
                        swapped.setdefault(typed, set()).add(canonical.get(word, word))
        self._swapped = {
            typed: next(iter(terms))
            for typed, terms in swapped.items()
            if len(terms) == 1 and typed not in self._alias_words
        }
        # English names that the glossary spells in Korean too ("decision tree" for 결정
        # 트리, "classification" for 분류): Korean notes label their sections in Korean.
        # Not abbreviations and short words (RNN, GAN, PCA, loss): notes write them as
        # they are.
        korean: dict[str, str] = {}
        for group in groups:
            hangul = next((w for w in group if _HANGUL_WORDS.match(w)), None)
            for word in group:
                if hangul and _LATIN.search(word) and (len(word) >= 5 or " " in word):
                    korean.setdefault(" ".join(word.casefold().split()), hangul)
        self._korean_names = korean
        self._english_name = (
            re.compile(
                r"(?<![\w.\-/])("
                + "|".join(
                    re.escape(w).replace(r"\ ", r"\s+")
                    for w in sorted(korean, key=len, reverse=True)
                )
                + r")(?![A-Za-z0-9_.\-/])",
                re.IGNORECASE,
            )
            if korean
            else None
        )
        self._phrases = {
            tuple(canonical.get(t, t) for t in terms): tuple(canonical.get(t, t) for t in head)
            for terms, head in several
        }
        self._longest = max(map(len, self._phrases), default=0)
        self._spelled = frozenset(w.casefold() for w in user_words)
        key = "|".join(
            [
                str(ANALYZER_VERSION),
                *user_words,
                *map(str, sorted(canonical.items())),
                *map(str, sorted(self._phrases.items())),
            ]
        )
        self.fingerprint = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        """Changes whenever the same text could analyse to other terms."""

    def _tokenize(self, text: str) -> tuple[Morph, ...]:
        with self._lock:
            tokens = _corrected(self._kiwi, text, self._kiwi.tokenize(text))
        return _morphs(tokens)

    def terms_many(self, texts: list[str]) -> list[list[str]]:
        """`terms` of each text, analysed by Kiwi as one batch on its worker threads (an
        ingest analyses hundreds of thousands of lines; one at a time they took most of
        its time besides embedding)."""
        normalized = [normalize(t) for t in texts]
        if not normalized:
            return []
        with self._lock:
            batches = [
                _corrected(self._kiwi, text, t)
                for text, t in zip(normalized, self._kiwi.tokenize(normalized), strict=True)
            ]
        return [self._terms(_morphs(tokens)) for tokens in batches]

    def _split(self, text: str) -> tuple[str, ...]:
        with self._lock:
            sents = self._kiwi.split_into_sents(text)
        return tuple(s.text.strip() for s in sents if s.text.strip())

    def split_sentences(self, text: str) -> list[str]:
        return list(self._sentences(text))

    def noun_phrases(self, text: str) -> list[str]:
        """Surface strings of runs of nouns / foreign words ("합성곱 계층", "SVM")."""
        text = normalize(text)
        tokens = self._tokens(text)
        phrases: list[str] = []
        start = end = -1
        for tok in tokens:
            tag = tok.tag.split("-")[0]
            glue = tag in ("SW", "SO") and tok.form in _GLUE_SYMBOLS and tok.start == end
            if (tag in _PHRASE and tok.form not in _REQUEST_NOUNS) or (glue and start >= 0):
                if start < 0:
                    start = tok.start
                end = tok.start + tok.len
                continue
            if start >= 0:
                phrases.append(text[start:end])
                start = -1
        if start >= 0:
            phrases.append(text[start:end])
        return [p.strip() for p in phrases if p.strip()]

    def name_of(self, subject: str) -> str:
        """A named thing without the words that only say what kind of thing it is
        ("torchsummary 라이브러리" → "torchsummary"); a Korean compound stays whole
        ("활성화 함수"), and so does a subject with nothing else left."""
        kinds = self.kind_words(subject)
        named = " ".join(w for w in subject.split() if w not in kinds)
        return named if _LATIN.search(named) else subject

    def korean_name(self, text: str, keep: Callable[[str], bool] = lambda _: False) -> str:
        """`text` with each English name that the glossary also spells in Korean in that
        spelling ("decision tree 학습 과정" → "결정 트리 학습 과정"), but those that `keep`
        accepts (given the name case-folded)."""
        if self._english_name is None:
            return text

        def korean(match: re.Match[str]) -> str:
            name = " ".join(match.group(0).casefold().split())
            return match.group(0) if keep(name) else self._korean_names[name]

        return self._english_name.sub(korean, text)

    def kind_words(self, subject: str) -> list[str]:
        """The words of `subject` that only say what kind of thing it is (`CLASS_NOUNS`; and
        `CLASS_WORDS` beside a name in Latin letters: "MNIST 데이터셋", not "배치 데이터셋")."""
        words = subject.split()
        named = any(_LATIN.search(w) for w in words)
        return [
            w for w in words if (named and w in CLASS_WORDS) or set(self.terms(w)) <= CLASS_NOUNS
        ]

    def is_alias(self, word: str) -> bool:
        """Whether `word` is a spelling the glossary lists ("파이토치" for pytorch)."""
        return word.casefold() in self._alias_words

    def subjects(self, text: str) -> list[str]:
        """What a question is about (see `subject_roles`), phrases only."""
        return [phrase for phrase, _ in self.subject_roles(text)]

    def subject_roles(self, text: str) -> list[tuple[str, str]]:
        """What a question is about, as the user wrote it, each with its role ("marked": the
        subject; "domain": where it belongs; "other": context): the noun phrases that its
        particles mark as topic, subject or one side of a pair ("얀 르쿤은", "배치 정규화가",
        "DBSCAN이랑 K-평균"), else every noun phrase. Words that frame the request
        ("차이", "방법", "장점") are not part of a subject; a noun suffix stays on its noun
        ("정규" + "화")."""
        # "SVM vs 로지스틱 회귀": "vs" joins a pair as 랑 does
        text = _VERSUS.sub(_as_pair, normalize(text))
        text = _ANSWER_FORM.sub(lambda m: " " * len(m.group()), text)
        tokens = self._tokens(text)
        # "우편번호 인식기 만든 사람이 누구야?": in a who-question, 사람 is the frame
        asks_who = "누구" in text or bool(_WHO_FRAME.search(text))
        found: list[tuple[str, str, int, int]] = []  # (phrase, role, start, end)
        start = end = -1
        pointed = False  # the phrase follows 그/이/저: it points back ("그 모델은")
        asked = False  # the phrase follows 어느/어떤/무슨/몇: what is asked for
        paired = False  # the phrase before ended in 랑/와/하고: this one is its other side
        previous = None
        last_word = (-1, -1)  # the start of the phrase's last word, and the end before it

        def close(role: str) -> None:
            nonlocal start, paired, asked
            if start >= 0 and not pointed:
                phrase = text[start:end].strip()
                if phrase:
                    role = "" if asked else "marked" if paired else role
                    found.append((phrase, role, start, end))
                    paired = False
            if start >= 0:
                asked = False
            start = -1

        for i, tok in enumerate(tokens):
            before, previous = previous, tok
            tag = tok.tag.split("-")[0]
            if tok.form == "끼리" and tag == "XSN" and start >= 0:
                # "은닉층끼리는": the things among themselves, 끼리 no part of their name
                close("marked")
                continue
            if tok.form == "일" and tag == "NNG" and before is not None and before.tag == "ETM":
                # "판별자는 하는 일이": what a thing does frames the question, as 역할 does
                close("marked")
                continue
            adverb = (
                tok.form == "적"
                and tag == "XSN"
                and start >= 0
                and i + 1 < len(tokens)
                and tokens[i + 1].form == "으로"
            )
            if adverb and last_word[0] <= start and _OPENING.fullmatch(text[:start].strip()):
                # "결론적으로 …", "기본적으로 …": opening the sentence, an adverb of it, no
                # thing asked about (not "처음 성공적으로 적용한": how it was done; nor the
                # name before it, "CNN 일반적으로 …")
                start = -1
                continue
            if adverb and text[last_word[0] : tok.start] in _SAYING_ROOTS:
                # "회귀랑 분류 결론적으로 뭘로 구분해?": an adverb of how it is said, after
                # the subject, no word of it
                if last_word[0] > start:
                    end = last_word[1]
                    close("other")
                start = -1
                continue
            if (
                tok.form == "표현"
                and tag == "NNG"
                and start >= 0
                and i + 1 < len(tokens)
                and tokens[i + 1].form in _FORM_NOUNS
            ):
                # "데이터 표현 형태들": how a thing is written is asked of it (not "분산 표현",
                # a name)
                close("marked")
                continue
            if tok.form == "대신" and tag == "NNG" and start >= 0:
                # "풀링 대신 스트라이드": the thing replaced and its replacement, a pair; so is
                # the thing asked of before it ("렐루를 왜 써? 시그모이드 대신에")
                if found and found[-1][1] == "":
                    found[-1] = (found[-1][0], "marked", found[-1][2], found[-1][3])
                close("marked")
                paired = True
                continue
            if (
                tag == "NNG"
                and tok.form in _QUALIFIERS
                and start >= 0
                and i + 1 < len(tokens)
                and tokens[i + 1].form in _FRAMING_NOUNS
            ):
                # "GridSearchCV 주요 파라미터": the qualifier goes with the frame, not the
                # subject
                continue
            if (
                tag == "NNG"
                and tok.form in _WORD_NOUNS
                and before is not None
                and before.tag == "ETM"
                and before.form in ("라는", "란")
            ):
                # "모델이라는 말이": the word named before it is the subject, 말 the frame
                close("")
                continue
            glue = tag in ("SW", "SO") and tok.form in _GLUE_SYMBOLS and tok.start == end
            # "시퀀스 투 시퀀스", "엔드 투 엔드": the loanword "to" joins a name (Kiwi reads
            # it as a numeral or a bound noun), as a numeral written onto a noun does
            # ("데이터셋": 데이터 + 셋)
            glue = glue or (
                tag in ("NR", "NNB")
                and start >= 0
                and (
                    tok.form == "투"
                    or (
                        tag == "NR"
                        and tok.start == end
                        and before is not None
                        and before.tag.startswith("NN")
                    )
                )
            )
            following = tokens[i + 1].tag.split("-")[0] if i + 1 < len(tokens) else ""
            # a pair particle written onto the noun after it is no particle, but a syllable
            # of a name Kiwi does not know ("바다나우는": 바다 + 나 + 우, "sea or cow"): the
            # word stays whole
            glue = glue or (
                tag == "JC"
                and start >= 0
                and tok.start == end
                and following.startswith("NN")
                and tokens[i + 1].start == tok.start + tok.len
            )
            # ("천왕들": the plural is no part of the name)
            suffix = tag == "XSN" and start >= 0 and tok.form != "들"
            # "비지도 학습": a prefix opens the noun it stands on
            prefix = tag == "XPN"
            # "보틀(bottle) 프레임워크": a spelling in parentheses stays with its name
            paren = (
                tok.start == end
                and start >= 0
                and (
                    (tag == "SSO" and tok.form == "(")
                    or (tag == "SSC" and tok.form == ")" and "(" in text[start:end])
                    # a quoted argument inside them: "astype('float32')"
                    or (
                        tok.form in ("'", '"')
                        and text[start:end].count("(") > text[start:end].count(")")
                    )
                    # a setting written onto its name: "padding='same'"
                    or tok.form == "="
                    or (tok.form in ("'", '"') and "=" in text[start:end])
                )
            )
            # "ARIMA(p, d, q)": the commas of an argument list stay inside its name
            paren = paren or (
                start >= 0
                and tok.form == ","
                and text[start:end].count("(") > text[start:end].count(")")
            )
            # "가지치기", "줄세우기": a verb written onto a noun and made a noun by 기 is
            # part of the name
            nominal = (
                start >= 0
                and tok.start == end
                and (
                    (
                        tag == "VV"
                        and i + 1 < len(tokens)
                        and tokens[i + 1].form == "기"
                        and tokens[i + 1].tag == "ETN"
                    )
                    or (
                        tag == "ETN"
                        and tok.form == "기"
                        and before is not None
                        and before.tag.startswith("VV")
                    )
                )
            )
            # "하이퍼파라미터", "특징 맵": a framing word inside a compound, or before the
            # noun it qualifies, is part of it
            # (not before a word that frames or requests in turn: "트랜스포머 특징 정리해줘")
            # (not 때 written onto a noun, a typed-together "학습 때": when, never a name)
            inside = tag in _PHRASE and (
                (start >= 0 and tok.start == end and tok.form != "때")
                or (
                    tok.form in _MODIFIER_FRAMES
                    and following in _PHRASE
                    and tokens[i + 1].form not in _FRAMING_OR_REQUEST
                )
            )
            # "하이퍼파라미터랑 파라미터는": a thing that frames a question elsewhere
            # ("GridSearchCV 주요 파라미터") is the other side of a pair
            inside = inside or (
                start < 0
                and tok.form in _THINGS_FRAMING
                and tag in _PHRASE
                and (
                    paired
                    # ("파라미터랑 하이퍼파라미터": or its first side)
                    or (
                        i + 1 < len(tokens)
                        and tokens[i + 1].tag in ("JKB", "JC")
                        and tokens[i + 1].form in _PAIR_PARTICLES
                    )
                )
            )
            lesson_hour = (
                tok.form == _LESSON_HOUR
                and following == "JKB"
                and tokens[i + 1].form == "에"
                and i + 2 < len(tokens)
                and tokens[i + 2].form in _TAUGHT_VERBS
            )
            if (
                (
                    tag in _PHRASE
                    and not lesson_hour
                    and (tok.form not in _FRAMING_NOUNS or inside)
                    and (tok.form not in _TITLE_NOUNS or inside)
                    and not (asks_who and tok.form in _WHO_NOUNS and not inside)
                    and tok.form not in _REQUEST_NOUNS
                    and tok.form not in VIEW_NOUNS
                )
                or ((glue or suffix or paren or nominal) and start >= 0)
                or prefix
            ):
                if (
                    start >= 0
                    and tok.start > end
                    and (
                        _CODE_IDENT.search(text[start:end].split()[-1])
                        or _CODE_IDENT.search(text[tok.start :].split()[0])
                    )
                ):
                    # "flow_from_directory target_size": names from code stand each for
                    # itself, not as one phrase
                    close("marked")
                if start < 0:
                    start = tok.start
                    pointed = (
                        before is not None
                        and before.form in _DEMONSTRATIVES
                        and (before.tag == "MM")
                    )
                    asked = (
                        before is not None
                        and before.form in _INTERROGATIVE_DETERMINERS
                        and before.tag == "MM"
                    )
                if tok.start > end:
                    last_word = (tok.start, end)  # a new word opens: where, and the end before
                end = tok.start + tok.len
                continue
            # "K-평균 차이가": the framing noun marks the phrase before it as a subject;
            # "리눅스에서", "소프트 마진의" name the domain the subject belongs to.
            pair = tag in ("JKB", "JC") and tok.form in _PAIR_PARTICLES
            # "모델이라는 말": the copula before 라는 marks what it names as a subject
            naming = tag == "VCP" and i + 1 < len(tokens)
            naming = naming and tokens[i + 1].tag == "ETM" and tokens[i + 1].form in ("라는", "란")
            if tok.form in VIEW_NOUNS and tag == "NNG":
                # "B와 비교해서 병렬 연산 측면에서": the respect they are compared in, not
                # the other side of the pair
                paired = False
                close("domain")
            elif (
                tok.form in _WHERE_NOUNS
                and start >= 0
                and following == "JKB"
                and tokens[i + 1].form in _DOMAIN_PARTICLES
            ):
                # "gateway 코드에서 환경 변수는": the code it stands in is where it belongs
                close("domain")
            elif lesson_hour and start >= 0:
                close("domain")
            elif (
                tag in _SUBJECT_PARTICLES
                or tok.form in _FRAMING_NOUNS
                or tok.form in _TITLE_NOUNS
                or pair
                or naming
            ):
                opened = start >= 0
                if pair and opened and found and found[-1][1] == "":
                    # "DBSCAN을 K-means랑 비교하면": the object paired with it is a side too
                    found[-1] = (found[-1][0], "marked", found[-1][2], found[-1][3])
                close("marked")
                # "인코더랑 디코더를": the other side of a pair is asked about too
                paired = pair and opened
            elif tok.form in _DOMAIN_PARTICLES and tag in ("JKB", "JKG"):
                close("domain")
            elif (
                tag == "JKB"
                and tok.form in _MEANS_PARTICLES
                and start >= 0
                and i + 1 < len(tokens)
                and tokens[i + 1].tag.split("-")[0] in _PHRASE
                and any(t.form in _MAKING_VERBS for t in tokens[i + 2 : i + 8])
            ):
                # "장고로 REST API 만들어": what a thing is made with, a name before the thing
                # made (not "3차원으로 바꾸는": what it is made into; nor "Grad-CAM으로 CNN이
                # 어디를 보는지": what one looks with)
                close("domain")
            elif (
                tag == "JKB"
                and tok.form == "에"
                and i + 1 < len(tokens)
                and tokens[i + 1].form in ("대하", "관하")
            ):
                # "경사하강법에 대해 적어둔 포인트": what it is about is the subject
                close("marked")
            elif (
                (
                    tag in ("XSV", "XSA")
                    # "모델 추천받을 때": a light verb written onto its noun makes it a verb too
                    or (tag == "VV" and tok.form in _LIGHT_VERBS)
                )
                and start >= 0
                and end == tok.start
            ):
                if tag == "XSV" and i + 1 < len(tokens) and tokens[i + 1].form.endswith("다는"):
                    # "파인튜닝한다는 게 무슨 뜻이야": what doing it means is asked (not
                    # "등분산성이 왜 중요하다는 거야": 중요 is what is said of the subject)
                    close("marked")
                elif (
                    i + 2 < len(tokens)
                    and tokens[i + 1].tag == "ETM"
                    and tokens[i + 2].form in _WAY_NOUNS
                ):
                    # "전파하는 방식": the way of doing it is asked; the doing is context,
                    # the subject when nothing else is marked
                    close("")
                elif last_word[0] > start:
                    # "RNN 은닉층 계산하려면": the words before the verb's noun are the subject
                    end = last_word[1]
                    close("")
                elif _conditional(tokens, i + 1) and (
                    before is not None and (before.tag == "XSN" or before.tag == "SL")
                ):
                    # "토큰화하면 문장을 어떻게 처리해?": a term made a verb in a condition
                    # is what the question asks about (not "비교하면", "공부하면")
                    close("marked")
                else:
                    # "선택한", "예측하는": a noun made a verb is what is done, not the subject
                    start = -1
            elif tag == "JKO" and _conditional(tokens, i + 2) and tokens[i + 1].tag == "VV":
                # "배치 정규화를 하면 학습이 빨라져?", "드롭아웃을 쓰면": likewise the thing
                # done or used in a condition
                close("marked")
            else:
                close("")
        close("")
        # a number alone names nothing ("10만 원 이하": 10)
        found = [f for f in found if any(ch.isalpha() for ch in f[0])]
        found = _join_possessed(found, text)
        # "DB 안에 있는 정보": the word of place is no part of the name
        found = [(_without_place(p), r, a, b) for p, r, a, b in found]
        found = _without_repeats(found, text)
        # "다음 주 시험인데 로지스틱 회귀랑 선형 회귀 차이 좀 정리해 줘": a clause that sets
        # the scene before the question ("…인데", "…하는데") names where it stands, not what
        # it asks, once the question marks a subject of its own
        # (not "…있는데도": though it is there, it is part of what is asked; nor "…라고
        # 하는데": what was heard is the thing asked about)
        background = max(
            (
                tok.start + tok.len
                for i, tok in enumerate(tokens)
                if (
                    (tok.tag == "EC" and tok.form in _BACKGROUND_ENDINGS)
                    or (
                        tok.form == "데"
                        and tok.tag == "NNB"
                        and i > 0
                        and tokens[i - 1].tag == "ETM"
                    )
                )
                and not (i + 1 < len(tokens) and tokens[i + 1].form == "도")
                and not (i >= 2 and tokens[i - 2].form in _QUOTING)
            ),
            default=-1,
        )
        if any(role == "marked" and a >= background for _, role, a, _ in found):
            found = [
                (p, "domain" if role == "marked" and 0 <= b <= background else role, a, b)
                for p, role, a, b in found
            ]
        # "특징 맵에서 말하는 '특징'": a word in quotes is the one asked about, first
        quoted = [m.group(1).strip() for m in _QUOTED_TERM.finditer(text)]
        quoted = [q for q in quoted if any(ch.isalpha() for ch in q)]
        if quoted:
            rest = [f for f in found if f[0] not in quoted]
            found = [(q, "marked", -1, -1) for q in quoted] + rest
        if any(role == "marked" for _, role, _, _ in found):
            # what is asked about first, then where it belongs
            # ("그 안에서": a one-syllable place word names no domain)
            domains = [(p, r) for p, r, _, _ in found if r == "domain" and len(p) >= 2]
            # "flask db migrate 돌리면 …", "Grad-CAM으로 …": a name in Latin letters names
            # a thing the question is about, though no particle marks it
            named = [(p, "named") for p, r, _, _ in found if r == "" and _LATIN.search(p)]
            return [(p, r) for p, r, _, _ in found if r == "marked"] + domains + named
        # no particle marks a subject: the first phrase is the topic, the rest context (the
        # first after a clause that sets the scene, where one follows it)
        topic = next((i for i, f in enumerate(found) if f[2] >= background), 0)
        return [(p, "marked" if i == topic else "other") for i, (p, _, _, _) in enumerate(found)]

    def last_clause(self, text: str) -> str:
        """The text after the last connective ending ("배터리 얼마 없어서 이만 나갈게" →
        "이만 나갈게"): the clause whose ending says what the sentence does."""
        text = normalize(text)
        cuts = [0] + [
            tok.start + tok.len
            for tok in self._tokens(text)
            if tok.tag == "EC" and tok.form in _CONNECTIVES
        ]
        # a sentence left hanging on one ("왜 쓰는지 알고 싶어서") ends in the clause before
        cut = max(c for c in cuts if text[c:].strip(" .,!?~")) if text.strip(" .,!?~") else 0
        return text[cut:].strip()

    def ends_in_adjective(self, text: str) -> bool:
        """Whether the predicate `text` ends with is an adjective ("재밌다", "너무 느려",
        "어려워"), not a verb ("많이 쓰더라")."""
        tokens = [t for t in self._tokens(normalize(text)) if not t.tag.startswith(("S", "E"))]
        return bool(tokens) and tokens[-1].tag.startswith(("VA", "XSA"))

    def ends_in_clause(self, text: str) -> bool:
        """Whether `text` ends with a verb or adjective and its ending ("내일 발표 떨려",
        "여행 가"), or says what one is in the middle of ("커피 마시면서 복습 중"), not with
        a noun ("드롭아웃", "헐 대박"); an interjection after it is no part of it ("과제 다
        끝냈다 야호")."""
        tokens = [t for t in self._tokens(normalize(text)) if not t.tag.startswith("S")]
        while len(tokens) > 1 and tokens[-1].tag == "IC":
            tokens.pop()
        return bool(tokens) and (
            tokens[-1].tag.startswith("E") or (len(tokens) > 1 and tokens[-1].form == "중")
        )

    def opens_with_name(self, text: str) -> bool:
        """Whether `text` opens with a proper noun ("제프리 힌턴 (Geoffrey Hinton)"), not a
        common one ("계층적 군집 (Hierarchical Clustering)")."""
        tokens = self._tokens(normalize(text))
        return bool(tokens) and tokens[0].tag == "NNP"

    def has_subject(self, text: str) -> bool:
        """Whether `text` names anything (a noun, a foreign word, a number) beyond the
        words that frame a request: "ㅋㅋㅋ 웃기네" and "그럼 이만 가볼게요" name nothing."""
        tokens = self._tokens(normalize(text))
        return any(
            tok.tag.split("-")[0] in _SUBJECT
            and tok.form not in _REQUEST_NOUNS
            and tok.form not in _SINGLE_HANGUL_NOISE
            for tok in tokens
        )

    def terms(self, text: str) -> list[str]:
        """Index/query terms of `text`, in order, case-folded."""
        return self._terms(self._tokens(normalize(text)))

    def _terms(self, tokens: tuple[Morph, ...]) -> list[str]:
        out: list[str] = []
        run: list[tuple[str, str]] = []
        run_end = -1

        def flush() -> None:
            if not run:
                return
            # Trim glue symbols at the ends ("(SVM)" → "svm"), keep inner ones.
            while run and run[-1][1] not in ("SL", "SN", "SH"):
                run.pop()
            while run and run[0][1] not in ("SL", "SN", "SH"):
                run.pop(0)
            # Kiwi may glue a sentence's full stop onto a foreign word ("Ramirez." →
            # "Ra" + "mirez."): punctuation at the word's ends is no part of it.
            word = "".join(f for f, _ in run).casefold().strip(_EDGE_PUNCT)
            if word:
                out.append(word)
                # (a spelling of a known term stays whole: "one-hot" is 원핫, not one + hot)
                if len(run) > 1 and word not in self._alias_words:
                    parts = [p for p in _SPLIT_IDENT.split(word) if p and p != word]
                    if len(parts) > 1:
                        out.extend(parts)
            run.clear()

        negation: Morph | None = None
        last_kept: Morph | None = None
        previous: Morph | None = None
        for tok in tokens:
            previous, adjacent = tok, previous is not None and previous is last_kept
            tag = tok.tag.split("-")[0]
            is_glue = tag in _GLUE and (tag not in ("SW", "SO", "SP") or tok.form in _GLUE_SYMBOLS)
            if is_glue:
                if run and tok.start != run_end:
                    flush()
                run.append((tok.form, tag))
                run_end = tok.start + tok.len
                continue
            flush()
            before, negation = (
                negation,
                (tok if tag == "XPN" and tok.form in _NEGATING_PREFIXES else None),
            )
            if (
                tag == "XSN"
                and tok.form in _RATE_SUFFIXES
                and out
                and last_kept is not None
                and last_kept.start + last_kept.len == tok.start
            ):
                # "학습률", "재현율": a rate is not the thing it is the rate of (학습);
                # 율 and 률 are one suffix, spelled by the sound before it
                out[-1] += "률"
                continue
            if tag == "MM" and tok.form in _DETERMINER_ADJECTIVES:
                # "새 데이터" is "새로운 데이터": the determiner as the adjective it stands for
                out.append(_DETERMINER_ADJECTIVES[tok.form])
                last_kept = tok
                continue
            if tag in _KEEP and tok.form not in _SINGLE_HANGUL_NOISE:
                joined = out[-1] + tok.form if out and adjacent else ""
                if (
                    joined in self._spelled
                    and last_kept is not None
                    and tok.start - (last_kept.start + last_kept.len) <= 1
                ):
                    out[-1] = joined
                    last_kept = tok
                    continue
                last_kept = tok
                # Kiwi may return a multi-word proper noun ("합성곱 신경망"): index its words.
                words = tok.form.casefold().split()
                if before is not None and before.start + before.len == tok.start and words:
                    # "비지도" is the opposite of "지도": the prefix stays on its noun
                    words[0] = before.form + words[0]
                out.extend(words)
        flush()
        out = [self._canonical.get(t) or self._swapped.get(t, t) for t in out]
        return self._read_phrases(out) if self._longest else out

    def _read_phrases(self, terms: list[str]) -> list[str]:
        """`terms` with each run that spells a known term in several words ("gradient",
        "descent") read as that term ("경사하강법")."""
        out: list[str] = []
        i = 0
        while i < len(terms):
            for n in range(min(self._longest, len(terms) - i), 0, -1):
                head = self._phrases.get(tuple(terms[i : i + n]))
                if head is not None:
                    out.extend(head)
                    i += n
                    break
            else:
                out.append(terms[i])
                i += 1
        return out


def _conditional(tokens: tuple[Morph, ...], i: int) -> bool:
    """Whether the token at `i` is the ending of a condition ("하면", "쓰면")."""
    return i < len(tokens) and tokens[i].tag == "EC" and tokens[i].form in ("면", "으면")


_SENTENCE_END = re.compile(r"[.?!]\s+(?=\S)")


def _without_repeats(
    found: list[tuple[str, str, int, int]], text: str
) -> list[tuple[str, str, int, int]]:
    """The phrases of a question less those that only repeat, in a later sentence, words of
    a phrase of an earlier one ("decision tree 학습 과정 설명해줘. 데이터를 나눠 가면서 어떤
    쪽으로 학습이 진행되는 거야?": the second 학습 is the first's, no subject of its own).
    Within one sentence both stay ("배치 정규화랑 정규화 차이": two things compared)."""
    ends = [m.start() for m in _SENTENCE_END.finditer(text)]
    if not ends:
        return found

    def sentence(at: int) -> int:
        return sum(end < at for end in ends)

    def inside(words: list[str], other: list[str]) -> bool:
        n = len(words)
        return any(other[i : i + n] == words for i in range(len(other) - n + 1))

    return [
        f
        for f in found
        if not any(
            f[2] >= 0
            and g[2] >= 0
            and sentence(g[2]) < sentence(f[2])
            and inside(f[0].split(), g[0].split())
            for g in found
        )
    ]


def _join_possessed(
    found: list[tuple[str, str, int, int]], text: str
) -> list[tuple[str, str, int, int]]:
    """ "거리 제곱의 합": a one-syllable noun owned by the phrase before it (합, 수, 값)
    says little alone; the two are one subject, "X의 Y"."""
    out: list[tuple[str, str, int, int]] = []
    for phrase, role, start, end in found:
        if (
            out
            and out[-1][1] == "domain"
            and _HANGUL_SYLLABLE.fullmatch(phrase)
            and text[out[-1][3] : start].strip() == "의"
        ):
            first = out.pop()
            out.append((text[first[2] : end], role, first[2], end))
            continue
        out.append((phrase, role, start, end))
    return out


# A name spelled out in capitalised English words ("K-Nearest Neighbor", "AutoRegressive
# Integrated Moving Average"), and the capitalised parts of one word ("BackPropagation")
_SPELLED_NAME = re.compile(r"\b[A-Z][a-z]*[A-Z]?[a-z]*(?:[ -]+[A-Z][a-z]*[A-Z]?[a-z]*)+\b")
_CAPITAL_PART = re.compile(r"[A-Z][a-z]*")
_ACRONYM_MIN = 3


def acronyms(text: str) -> list[str]:
    """The initials of each name `text` spells out in capitalised words, as its acronym
    is written ("K-Nearest Neighbor" → knn, "BackPropagation Through Time" → bptt): the
    notes spell a name out where a question asks for it by its letters. Words in capitals
    ("REST API") spell nothing out."""
    found = []
    for match in _SPELLED_NAME.finditer(text):
        words = [w for w in re.split(r"[ -]+", match.group(0)) if w]
        if any(len(w) > 1 and w.isupper() for w in words):
            continue
        initials = "".join(part[0] for w in words for part in _CAPITAL_PART.findall(w))
        if len(initials) >= _ACRONYM_MIN:
            found.append(initials.casefold())
    return found


@lru_cache(maxsize=1)
def default_analyzer() -> KoreanAnalyzer:
    """One analyser per process: Kiwi takes about a second to load."""
    return KoreanAnalyzer()
