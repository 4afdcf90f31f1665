"""What a question asks: a definition, who, why, how, when, a comparison, kinds, an
example. The answer builder prefers the units of the notes that answer that kind
(the children of "언제 사용하면 좋을까?" for 언제, a named person for 누구)."""

from __future__ import annotations

import re

KINDS = ("definition", "who", "why", "how", "when", "compare", "list", "example")

# Checked in this order: "왜 DBSCAN이 K-평균과 다른가요?" is a comparison before a why.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # "외부 환경은 누구를 말하는 거예요?": what the word stands for, not who made it
    (
        "definition",
        re.compile(
            r"어떻게 정의|무슨 뜻|무슨 의미|뜻이 뭐|의미가 뭐|(?:누구|무엇)를 (?:말|의미|뜻)"
        ),
    ),
    # "…하면 어떻게 돼?" asks what happens; "절차가 어떻게 돼?" still asks how
    ("definition", re.compile(r"^(?!.*(?:방법|절차|과정|순서|단계|원리)).*어떻게 (?:돼|되)")),
    (
        "compare",
        re.compile(
            # (not "비교 표에 있는 모델들": the rows of a table that compares them)
            r"차이|비교(?!\s?표)|다른 ?점|다르|달라(?:요|[?.!~\s]|$)|다릅|vs\.?\s"
            r"|어느 쪽이 (?:더|나)|구분"
            r"|(?:뭐가|무엇이|어떻게|어디가|어떤 점이) 다른|헷갈"
            # "뜻하는 게 다른가요?", "둘이 다른지 알려줘"
            r"|다른(?:가요|가|지|데|거야)(?:[?\s]|$)"
            # "LSTM은 RNN이랑 무슨 관계야?", "RNN, LSTM, GRU 중에 뭐가 제일 커?"
            r"|관계|중에?서?\s*(?:뭐가|무엇이|어느 게|어떤 게|어느 것이|누가)\s*(?:제일|가장|더)"
            # "머신러닝하고 딥러닝 나누는 기준이 뭐야?": what tells them apart
            r"|나누는 기준|가르는 기준"
            # "지도 학습이랑 비지도 학습은 뭘로 나눠?": by what they are told apart
            r"|(?:뭘로|뭐로|무엇으로) (?:나눠|나누|나뉘|갈라|가르)"
            r"|보다\s*(?:나은|좋은|낫|뛰어난|빠른|느린)|나은 점"
            # "GRU는 LSTM보다 뭐가 좋아?"
            r"|보다\s*(?:뭐가|무엇이|어떤 점이|어디가|어떤 게)\s*(?:더\s*)?"
            r"(?:좋|낫|나아|뛰어나|빠르)"
        ),
    ),
    (
        "who",
        re.compile(
            r"누가|누구|어느 나라|어떤 사람|만든 사람|(?:뭐|뭘|무엇을) 한 사람|개발자|창시자"
            # "앤드루 응은 어디 출신이야?": where a person comes from
            r"|출신|국적"
        ),
    ),
    # "…만들 때 써?": asks in which case it is used (not "평가할 때 쓰는 지표 뭐 있어?": the
    # case only says which things are asked for)
    (
        "when",
        re.compile(
            r"언제|어떤 (?:경우|상황|때)|어떨 때|어느 때"
            r"|때\s*(?:써|쓰(?!는\s+(?!거|게|건|것|데)[가-힣A-Za-z])"
            r"|사용(?!하는\s+(?!거|게|건|것|데)[가-힣A-Za-z])|좋아)"
        ),
    ),
    # "LSTM은 RNN의 어떤 문제를 해결했어?": what it was made to fix is why it was made
    (
        "why",
        re.compile(
            r"왜|이유|까닭|목적|무슨 (?:용도|쓸모)"
            r"|(?:어떤|무슨|어느) (?:문제|한계|단점)(?:를|을|점을)? ?(?:해결|극복|보완|개선|풀|줄)"
            r"|(?:뭘|무엇을|뭐를) (?:해결|극복|보완|개선)"
        ),
    ),
    # "예 하나 들어줄래?", "예 좀": the word alone, before what is done with it (not "예,
    # 알겠어": yes)
    (
        "example",
        re.compile(
            r"예시|예를|예제|사례|예로"
            r"|(?<![가-힣])예(?:는|가)?\s?(?:뭐가?\s?)?(?:좀|하나|한\s?개|보여|들어|있|알려)"
            # "대표적인 예가 뭐임?"
            r"|(?<![가-힣])예(?:는|가)\s?(?:뭐|무엇)"
        ),
    ),
    # "어디에 널리 사용돼?": where it is used (an example asked for where it is used is
    # still an example)
    # "어떤 규모 웹에 써?": what it is used on
    (
        "when",
        re.compile(
            r"어디(?:에|에서|서)\s*(?:\S+\s*)?(?:써|쓰|사용|활용)"
            r"|어떤 (?:\S+\s){0,2}?\S*에\s*(?:(?:많이|주로|자주|널리)\s*)?(?:써|쓰|사용|활용|좋)"
        ),
    ),
    # "어떤 유형의 데이터를 다뤄?" asks which one, not what kinds there are
    # "뭐 있어?", "뭐뭐 있어?" ask what there is, unless they ask for ways ("막는 방법 뭐뭐
    # 있어?": how)
    (
        "list",
        re.compile(
            r"종류(?!의)|유형(?!의)|어떤 것들|구성|나열|업적"
            r"|^(?!.*(?:방법|어떻게)).*(?:뭐가? 있|무엇이 있)|^(?!.*방법).*뭐뭐"
            # "지표 몇 가지 있는지 알려줘": how many there are, each of them
            r"|^(?!.*(?:방법|어떻게)).*몇\s?가지"
            # all of them: "주요 파라미터 다 알려줘", "허용해 둔 것들 전부", "패키지들 쭉"
            r"|(?:다|전부|모두|쭉) (?:알려|정리|보여|설명)|목록|것들"
            # things asked for in the plural: "데이터베이스 쪽으로 쓴 확장들 알려줘"
            r"|[가-힣]들\s?(?:좀\s?)?(?:알려|보여|나열|설명|정리)"
            # its entries: "HalvingRandomSearchCV 주요 파라미터 알려줘"
            r"|(?:파라미터|인자|옵션)들?\s*(?:좀\s*)?(?:알려|정리|보여)"
            # "… 만들 때 들어가는 파라미터들 뭐야": several asked for by name
            r"|(?:파라미터|인자|옵션)들(?:이|은)?\s*(?:뭐|뭘|무엇)"
            # a group named by its number: "딥러닝의 4대 천왕은?"
            r"|(?<![\d.])[2-9]\s?대\s?[가-힣]"
        ),
    ),
    # "어떤 기준으로 배정돼?": the rule it goes by is how it is done; "어떤 식으로 묶어?",
    # "어떤 방식으로 동작해?": the way it goes
    (
        "how",
        re.compile(
            r"어떻게|방법|절차|과정|순서|단계|원리|하는 법|작동|동작|(?:어떤|무슨|어느) 기준"
            r"|(?:어떤|무슨|어느) (?:식|방식)으로"
        ),
    ),
)

# How each kind is named in a sentence ("노트에는 X를 언제 쓰는지는 …").
KIND_PHRASE = {
    "who": "누가 관련되었는지",
    "why": "왜 쓰는지",
    "how": "어떻게 하는지",
    "when": "언제 쓰는지",
    "compare": "무엇이 다른지",
    "list": "어떤 종류가 있는지",
    "example": "예시",
}


# "언제 써?", "언제 사용하면 좋아?": when a thing is used, not when it happens or came
ASKS_USE = re.compile(r"써|쓰|사용|좋|유용|적합|활용")


# "어떻게 동작해?", "어떻게 돌아가?": how a thing works, not how one does it
_ASKS_WORKING = re.compile(r"동작|작동|돌아가")


def kind_phrase(kind: str, question: str = "") -> str:
    """How the kind `question` asks is named in a sentence; "422 오류는 언제 나?" asks
    when it happens, not when one uses it; "KNN은 어떻게 작동해?" how it works."""
    if kind == "when" and question and not ASKS_USE.search(question):
        return "언제 그런지"
    if kind == "how" and asks_how_it_works(question):
        return "어떻게 동작하는지"
    return KIND_PHRASE[kind]


def asks_how_it_works(question: str) -> bool:
    """Whether `question` asks how a thing works ("어떻게 동작해?"), not how one does it."""
    return bool(_ASKS_WORKING.search(question))


# "정밀도는 어떻게 계산해?", "평균은 어떻게 구해?": how a measure is worked out
_ASKS_COMPUTING = re.compile(r"계산|구하|구해|구함|산출")


def asks_computing(question: str) -> bool:
    """Whether `question` asks how a measure is worked out ("정밀도는 어떻게 계산해?")."""
    return bool(_ASKS_COMPUTING.search(question))


# "어케 쳐?", "어떡케 해?": 어떻게 as it is typed in chat
_HOW_TYPED = re.compile(r"어케|어캐|어떻케|어떡케|어뜨케")
# "RNN 단점 머임?", "이거 머야": 뭐 as it is typed in chat
# (also typed onto the particle before it: "차이가머임")
_WHAT_TYPED = re.compile(
    r"(?:(?<![가-힣])|(?<=[가-힣][가은는]))머(?=(?:임|야|예요|에요|냐|였지|였어|였더라)(?:[?!.~\s]|$))"
)


# "SVM 은 …", "BART 랑 LLAMA는 …": a particle typed apart from the Latin term it follows
_PARTICLE_APART = re.compile(
    r"(?<=[A-Za-z0-9)])\s+(?=(?:은|는|이|가|을|를|랑|이랑|과|와|의|에서|에게|에|으로|로|도|만"
    r"|부터|까지|보다|처럼)(?:[\s?？!.,~]|$))"
)


# "What is SVM?", "explain dropout": a question asked in English of a term of the notes
# (not "What's up?", "what is your name?": chatter)
_ARTICLE = r"(?:an?\s+|the\s+)?"
_TERM = r"(?!(?:up|this|that|it|you|your|yours|my|me|he|she|they|going|new|wrong|happening)\b).+?"
_ASKED_IN_ENGLISH = tuple(
    (re.compile(pattern, re.IGNORECASE), korean)
    for pattern, korean in (
        (
            rf"^\s*what(?:\s+is|\s+are|'s|\s+does)\s+{_ARTICLE}({_TERM})(?:\s+mean)?\s*\?*$",
            r"\1 뭐야?",
        ),
        (rf"^\s*(?:explain|define|describe)\s+{_ARTICLE}({_TERM})\s*[.?!]*$", r"\1 설명해줘"),
        (rf"^\s*why\s+(?:do\s+we|do\s+you|to)\s+use\s+{_ARTICLE}({_TERM})\s*\?*$", r"\1 왜 써?"),
    )
)


def spelled_out(message: str) -> str:
    """`message` with words typed as they sound in chat written out ("어케" → "어떻게",
    "머임" → "뭐임") and particles typed apart from a Latin term put back on it ("SVM 은" →
    "SVM은"), as the rest of routing reads them."""
    for english, korean in _ASKED_IN_ENGLISH:
        if english.match(message):
            message = english.sub(korean, message)
            break
    message = _PARTICLE_APART.sub("", message)
    return _WHAT_TYPED.sub("뭐", _HOW_TYPED.sub("어떻게", message))


def question_kind(message: str) -> str:
    """The kind of `message`; a bare term or "…이 뭐야?" asks for a definition."""
    message = spelled_out(message)
    for kind, pattern in _PATTERNS:
        if pattern.search(message):
            return kind
    return "definition"
