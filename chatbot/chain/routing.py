"""Routing one message: small talk, a question the notes answer, or one they don't.

Two decisions, each on its own evidence:

1. *Small talk or a request for information?* A classifier trained on data
   (`chatbot.routing`: logistic regression on the message's sentence embedding plus
   a few lexical features; ChatbotData questions on one side, requests on the other)
   gives P(request). A follow-up that continues the previous question ("그건 언제
   써?") is a request whatever its wording.
2. *Do the notes cover its subject?* The subject is what the question is about, as a
   phrase ("배치 정규화", "얀 르쿤"): its words must stand together in a retrieved
   passage, not each somewhere ("배치" in one line and "정규화" in another is not
   배치 정규화). English terms and identifiers are specific enough alone
   ("requires_grad 옵션" is covered where requires_grad is).

Follow-ups: "그럼 X는?" names a new subject and is searched as X (with the previous
question's wording, so "X는?" still reads as the same kind of question); "그건 언제
써?" names none and continues the previous subject, searched together with the
question it follows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from chatbot.answering.codewords import CODE_WORDS, in_korean
from chatbot.answering.kinds import question_kind
from chatbot.settings import ChatConfig
from vector_store.analysis import (
    QUERY_STOPWORDS,
    USUAL_WORDS,
    KoreanAnalyzer,
    fold_spelling,
    holds_term,
)
from vector_store.passage import Passage, UnitRecord

_ANAPHORA = re.compile(
    r"(그것|그거|그건|그게|그걸|이것|이거|이건|이게|이걸|저것|저거|걔|얘|거기|"
    r"방금|위에서|앞에서|(?:^|\s)(?:그|이|저)\s)"
)
# The thing itself, not a place in it ("그거", "그건"; "그 안에서" points into it)
_PRONOUN = re.compile(r"(?:^|\s)(?:그것|그거|그건|그게|그걸|이것|이거|이건|이게|이걸)")
_SWITCH = re.compile(r"^\s*(?:그럼|그러면|그렇다면|그리고|또|근데|아 그럼)\b")
# "GRU랑 차이는?", "GRU와 비교하면?", "어텐션이랑 관계가 뭐야?": one side of a comparison,
# the other left unsaid
# "RNN보다 뭐가 좋아?", "그럼 LSTM보다는?": a question that opens with what a thing is
# measured against
_THAN = re.compile(r"^(?:그럼\s*)?(\S+(?:\s\S+)?)\s?보다")
_ONE_SIDE = re.compile(
    r"(?:이랑|랑|와|과|하고)(?:은|는|도)?\s*(?:(?:뭐가|무엇이|어떻게|어디가)\s*)?"
    r"(?:차이|달라|다르|다른|비교|관계)"
)
# "왜씀", "언제 써", "어케 써": why, when or how a thing is used, and nothing else (after
# its topic particle)
_USE_ASKED = re.compile(
    r"(?:은|는|이|가)?(?:왜|언제|어떻게|어케|어디에|어디서)(?:써|씀|쓰지|쓰냐|쓰나|사용해|사용함)"
)
# "LSTM은?", "보틀 프레임워크는 어때?": a new subject asked the way the question before
# asked; not "ReLU 단점은?", which says what it asks of its subject
_OWN_ASK = (
    r"\s(?:장점|단점|장단점|한계|특징|종류|예시|차이점?|원리|과정|절차|방법|이유|목적|역할|뜻"
    r"|의미|정의|공식|구조)(?:은|는|이|가)"
)
_ELLIPTIC = re.compile(
    rf"^(?![^\s?]+{_OWN_ASK})[^\s?]+(?:\s[^\s?]+)?(?:은|는)\s?(?:어때요?|어떤데|요)?\s*\??$"
)
_SHORT_FOLLOWUP = re.compile(r"^(왜|언제|어떻게|장점|단점|예시|예를|차이|특징|종류|한계)")
# ("왜?", "단점은?"; not "왜 이렇게 피곤하지?")
_SHORT_REFERENCE_CHARS = 12
# What a short follow-up without a pronoun must look like to go on from the question
# before it: it asks something ("어떻게 해?", "하나만 알려줘", "쉽게 말하면?"), and not
# what its own subject is ("X는 뭐야?", "X란?").
_IMPLICIT_MAX_CHARS = 20
_ASKS = re.compile(r"\?|어떻게|어느|얼마|몇|왜|언제|무슨|알려|보여|말하면|설명|하나만|있어")
# "드롭아웃이 뭐야?", "CNN이란?"; not "활성화 함수는 뭐 써?", which asks which one is used,
# nor "게이트는 뭐뭐 있어?", which asks what there are
_DEFINES = re.compile(
    r"(?:은|는|이|가|란|이란)\s*(?:뭐|무엇|뭔)"
    r"(?!\s*(?:을\s*)?(?:써|쓰|사용|넣|골라|고르)|\s?뭐|\s*[가이]\s?있)"
    r"|(?:이란|란)\s*\??$"
)
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.+\-]*")
_SPACES = re.compile(r"\s+")
_HANGUL_WORD = re.compile(r"[가-힣]{2,}")
_LETTERS_ONLY = re.compile(r"[\s._\-`*]+")
_YOU = re.compile(
    r"(?:^|\s)(?:너|넌|너는|너도|너의|네가|니가|너한테|너랑|당신|당신은)(?=\s|$|[?!.,])"
)
_ASKS_FOR = re.compile(r"(?:알려|추천해|설명해|찾아|정리해|가르쳐|말해|보여)\s?(?:줘|주|줄|달)")
_HANGUL_SYLLABLE = re.compile(r"[가-힣]")
# "너 GPT야?", "넌 뭘로 만들어졌어?": what the one addressed is, or how it came to be
_IDENTITY = re.compile(
    r"만들어졌|태어났|누가 만들|(?:^|\s)\S+(?:이)?(?:야|니|냐|예요|에요|이세요|세요)\s*[?？]?$"
)


class RequestClassifier(Protocol):
    @property
    def embedder_id(self) -> str: ...

    def p_request(self, text: str, vector: np.ndarray) -> float: ...


@dataclass(frozen=True)
class Followup:
    """How a message relates to the conversation before it."""

    kind: str
    """"" (a new question), "continue" (same subject) or "switch" (new subject)."""
    query: str
    """What to search."""
    subjects: list[str] = field(default_factory=list)
    """The subjects it asks about (the previous question's, when it continues)."""
    previous: str = ""
    """The question it follows."""
    previous_subjects: list[str] = field(default_factory=list)
    """The subjects of that question, when this one names others of its own ("그거
    K-평균이랑 비교하면?" after "DBSCAN 설명해 줘": a comparison of both)."""
    asked: str = ""
    """What the answer's lines are chosen for, where it differs from `query`: a switch
    searches within the previous question's context, but asks only of its new subject."""


@dataclass(frozen=True)
class Signals:
    """What routing knows of one message (see `decide_intent`)."""

    p_request: float
    covered: bool
    followup: str = ""
    bare_term: bool = False
    names_nothing: bool = False
    no_subject: bool = False
    """Nothing in it is a subject: its nouns only frame a request ("재밌는 이야기 해줘")."""
    social: bool = False
    specific: bool = True
    statement: bool = False
    tells: bool = False
    """A statement of what happened to the one writing ("나 오늘 CNN 시험 봤어"), or of
    how it feels ("딥러닝 공부 너무 어려워 ㅠㅠ")."""
    smalltalk_match: float = 0.0
    """Similarity to the nearest small-talk question."""
    defines: bool = False
    """It asks what a named thing is ("드롭아웃이 뭐야?")."""
    dated: bool = False
    """It names a day that heads a section of the notes ("9월 12일 수업에서 뭐 배웠어?")."""
    asks_who: bool = False
    """It asks who someone is or who made a thing ("얀 르쿤은 누구야?", "LeNet-5는 누가
    만들었어?")."""
    asks: bool = False
    """A question word asks in the clause that ends it ("차원이 왜 달라지는 거예요?")."""
    everyday: bool = False
    """Every word of it is one that people chat with ("공부 언제까지 해야 돼?"; see
    `chatbot.routing.everyday`), and it follows no question."""


def decide_intent(signals: Signals, cfg: ChatConfig) -> str:
    """Route one message (kept apart from the chain so that eval can sweep thresholds):

    - a follow-up that continues the previous question, a bare term the notes cover
      ("드롭아웃"), a question that names a day the notes have a section of ("9월 12일
      수업에서 뭐 배웠어?", which reads as chatter to the classifier), or one that asks who
      someone or something the notes name is or was made by, in words that are not
      everyday chat ("얀 르쿤은 누구야?": the classifier, trained on chatter about people
      one knows, reads "…은 누구야?" as chatter; "그 사람 누구야?" stays chatter):
      question;
    - a message that names nothing ("흐음...", "ㅋㅋㅋ 웃기네") or has no subject beyond the
      words that frame a request ("재밌는 이야기 해줘": nothing to look up or decline), unless
      it is a clear request (`cfg.smalltalk_request_max`), or a social one (`social`:
      it greets, thanks or says goodbye in so many words, or asks the assistant about
      itself, and is not clearly a request; or it ends in praise, "대박 설명 최고다"),
      unless it asks what a thing the notes cover
      is ("토큰화가 뭐야?" is as close to "너는 뭐야?" as a question gets): small talk;
    - a message in everyday words only that the notes happen to use (`everyday`: "집중
      안 될 때 어떻게 해?": the notes say 집중), unless it is a clear request, which is
      declined, or one about what they do not cover that the classifier does not read as
      a request (`cfg.everyday_request_max`: "오늘 저녁 뭐 먹지"): small talk;
    - a statement (`statement`: it tells rather than asks, "다음 주에 여행 가") about
      something the notes do not cover, or one that the classifier does not read as a
      request (`cfg.statement_request_max`: "배고파서 공부가 손에 안 잡혀", though the
      notes say 공부), or one that tells what happened to the one writing, or how it
      feels (`tells`: "나 오늘 CNN 시험 봤어", "파이썬 공부하니까 재밌다"): small talk;
    - a message about nothing the notes cover that is as close to a small-talk question
      as `cfg.smalltalk_match` and no clear request ("재밌는 얘기 좀 해줄래?"): small talk,
      unless it asks what a named thing is ("드롭아웃이 뭐야?": declined);
    - P(request) from `cfg.covered_request_threshold` when the notes cover the subject:
      question; from `cfg.request_threshold` when they do not: out of scope (declined);
      a subject of one Hangul syllable ("비 오는 날 좋아해?": 비, 날) is covered by
      chance as often as not (`specific` false), so it needs `cfg.request_threshold`;
      a question word that asks of a covered, specific subject (`asks`) is a question
      whatever P(request);
    - below: small talk."""
    s = signals
    if (
        s.followup == "continue"
        or (s.bare_term and s.covered)
        or s.dated
        or (s.asks_who and s.covered and s.specific and not s.everyday)
    ):
        return "question"
    if (
        s.names_nothing
        or (s.social and not (s.covered and (s.bare_term or s.defines)))
        or (s.statement and (not s.covered or s.p_request < cfg.statement_request_max))
        or s.tells
        or (
            (s.no_subject or (s.everyday and s.covered)) and s.p_request < cfg.smalltalk_request_max
        )
        or (s.everyday and not s.covered and s.p_request < cfg.everyday_request_max)
        or (
            not s.covered
            and not s.defines
            and s.smalltalk_match >= cfg.smalltalk_match
            and s.p_request < cfg.smalltalk_request_max
        )
    ):
        return "greeting"
    covered = s.covered and not s.everyday
    if s.asks and covered and s.specific:
        # a question word asking of what the notes cover, with nothing of small talk
        # about it: the classifier, trained on chatter that asks the same way, cannot see
        # what the notes' vocabulary shows ("차원이 왜 달라지는 거예요?")
        return "question"
    threshold = cfg.covered_request_threshold if covered and s.specific else cfg.request_threshold
    if s.p_request < threshold:
        return "greeting"
    return "question" if covered else "out_of_scope"


def addresses_assistant(message: str) -> bool:
    """Whether the message asks the assistant about itself as "너" ("너 혹시 MBTI 뭐야?",
    "넌 몇 살이야?"): of something the notes do not cover, that is small talk. Asking it
    for something ("너 주식 추천해 줘") is a request, declined as any other."""
    return bool(_YOU.search(message)) and not _ASKS_FOR.search(message)


def asks_what_assistant_is(message: str) -> bool:
    """Whether the message asks what the assistant is or how it was made ("너 GPT야?",
    "너는 어떤 모델로 만들어졌어?"): small talk, though the notes speak of GPT and
    models. "너 CNN 알아?" asks about CNN."""
    return addresses_assistant(message) and bool(_IDENTITY.search(message.strip()))


def is_specific(subjects: list[str]) -> bool:
    """Whether some subject is more than one Hangul syllable (or has other letters)."""
    return any(
        len(_squeeze(s)) >= 2 or not _HANGUL_SYLLABLE.fullmatch(_squeeze(s)) for s in subjects
    )


def is_bare_term(message: str, subjects: list[str]) -> bool:
    """The message is nothing but its subject ("드롭아웃", "SVM?"), or its subject and a
    short ask of why, when or how it is used, as a chat types it ("cnn 왜씀", "로지스틱회귀
    언제씀": the classifier reads these as chatter)."""
    if len(subjects) != 1:
        return False
    message, subject = _squeeze(message), _squeeze(subjects[0])
    return message == subject or (
        message.startswith(subject) and bool(_USE_ASKED.fullmatch(message[len(subject) :]))
    )


def _squeeze(text: str) -> str:
    return _SPACES.sub("", text).strip("?!.~").casefold()


def resolve_followup(
    message: str, previous: str, analyzer: KoreanAnalyzer, previous_subjects: list[str]
) -> Followup:
    own = analyzer.subjects(message)
    if not previous:
        return Followup("", message, own)
    compact = message.strip()
    refers = (
        bool(_ANAPHORA.search(compact))
        or bool(_SWITCH.match(compact))
        or (len(compact) <= _SHORT_REFERENCE_CHARS and bool(_SHORT_FOLLOWUP.match(compact)))
    )
    switch = _SWITCH.match(compact) or _ELLIPTIC.match(compact)
    one_side = len(own) == 1 and own[0] not in previous_subjects and _ONE_SIDE.search(compact)
    if (
        own
        and (switch or one_side)
        and not _ANAPHORA.search(compact)
        and question_kind(message) == "compare"
    ):
        # "그럼 RNN이랑은 뭐가 달라?", "GRU랑 차이는?" after "LSTM이 뭐야?": a comparison of
        # a new subject with the previous one, the side left unsaid; one that names both
        # sides ("그럼 K-Means랑 DBSCAN 차이는?") compares them alone
        if len(own) >= 2:
            return Followup("switch", message, own, previous)
        # (each by its name: "GRU 모델" is searched as GRU, 모델 would find any model)
        asked = f"{message} {' '.join(analyzer.name_of(s) for s in previous_subjects)}"
        return Followup("switch", asked, own, previous, previous_subjects=previous_subjects)
    if switch and own and not _ANAPHORA.search(compact):
        rest = _SWITCH.sub("", compact).strip()
        if _ELLIPTIC.match(rest) or not rest:
            # "그럼 LSTM은?": the new subject, asked the way the previous question asked.
            # It stands for what the previous question marked as asked; the thing that
            # was asked within stays ("원핫 인코딩에서 고양이는 어떻게 표현해?" → "그럼
            # 토끼는?" asks of 토끼 in 원핫 인코딩).
            roles = analyzer.subject_roles(previous)
            marked = [p for p, role in roles if role == "marked"]
            replaced = [s for s in previous_subjects if s in marked] or previous_subjects
            query = f"{message} {_strip_subjects(previous, replaced)}"
            if len(own) == 1 and question_kind(query) == "compare":
                # "L1이랑 L2 정규화 차이" → "그럼 드롭아웃은?": one thing is no comparison;
                # it is asked what it is
                return Followup("switch", message, own, previous)
            # (what it asks keeps where it asks it: "… 원핫 인코딩에서 … 어떻게 표현해?"
            # names the column of 토끼's row)
            domain = {p for p, role in roles if role == "domain"}
            named = [s for s in previous_subjects if s not in domain]
            asked = f"{message} {_strip_subjects(previous, named)}"
            return Followup("switch", query, own, previous, asked=asked)
        # "그럼 로지스틱 회귀는 뭐야?": a new subject asked in its own words
        return Followup("switch", message, own, previous)
    if refers and not own:
        return Followup("continue", f"{previous} {message}", previous_subjects, previous)
    if (
        len(own) == 1
        and own[0] not in previous_subjects
        and question_kind(message) == "compare"
        and (than := _THAN.match(compact)) is not None
        and _squeeze(own[0]) in _squeeze(than.group(1))
    ):
        # "RNN보다 뭐가 좋아?" after "트랜스포머가 뭐야?": what it is measured against is
        # named, and the thing measured is the previous subject
        subjects = list(dict.fromkeys([*previous_subjects, *own]))
        return Followup("continue", f"{previous} {message}", subjects, previous)
    if refers and _PRONOUN.search(compact) and not _SWITCH.match(compact):
        # "그거 확률로 보면 무슨 의미야?", "그건 챗GPT랑 무슨 상관이야?": the pronoun is the
        # previous subject, still asked about; its own words say what of it.
        subjects = list(dict.fromkeys([*previous_subjects, *own]))
        return Followup("continue", f"{previous} {message}", subjects, previous)
    if refers:
        # "그 안에서 쓰는 어텐션은?": names a subject of its own, in the previous context.
        return Followup(
            "continue", f"{previous} {message}", own, previous, previous_subjects=previous_subjects
        )
    return Followup("", message, own)


# "더 자세히 알려줘", "자세히 설명해 줘": more of what was said
MORE = re.compile(r"더\s?(?:자세히|자세하게|알려|설명|말해)|자세히\s?(?:좀\s?)?(?:알려|설명)")


def points_back(message: str, own: list[str]) -> bool:
    """Whether `message` asks about what was said before and names nothing of its own
    ("그건 언제 써?", "더 자세히 알려줘", "예시는?"): with nothing said before, there is
    nothing to answer it from."""
    compact = message.strip()
    refers = (
        bool(_PRONOUN.search(compact))
        or bool(MORE.search(compact))
        or (len(compact) <= _SHORT_REFERENCE_CHARS and bool(_SHORT_FOLLOWUP.match(compact)))
    )
    return not own and refers and bool(_ASKS.search(compact))


def asks_what_it_is(message: str, subjects: list[str]) -> bool:
    """ "드롭아웃이 뭐야?", "CNN이란?": what a named thing is."""
    return bool(subjects) and bool(_DEFINES.search(message.strip()))


def may_continue(message: str, own: list[str]) -> bool:
    """Whether a message with no pronoun or "그럼" may still go on from the question just
    before it: a short question that asks something of a subject ("코드로는 어떻게 해?",
    "대표 모델 하나만 알려줘", "정확도는 어느 정도 나와?") rather than what its own
    subject is ("정확도는 뭐야?": a new question). The notes decide (`continues_in`)."""
    compact = message.strip()
    if len(compact) > _IMPLICIT_MAX_CHARS or not _ASKS.search(compact):
        return False
    return not (own and _DEFINES.search(compact))


def picked_up(own: list[str], previous: list[str], answer: str) -> bool:
    """Whether every subject of a question is a name the answer before showed, and not
    the subject it answered ("GAN이 뭐야?" → "… 생성자와 판별자가 서로 경쟁하며 …" →
    "생성자는 뭐 해?"): it asks of that name as the answer used it."""
    shown = _squeeze(answer)
    before = {_squeeze(p) for p in previous}
    return bool(own) and all(
        _squeeze(s) in shown and _squeeze(s) not in before and len(_squeeze(s)) >= 2 for s in own
    )


def names_a_thing(message: str, own: list[str], previous: list[str]) -> bool:
    """Whether a question is about a thing of its own that the question before did not
    name, in Latin letters as its topic or subject ("RMSProp은 언제 써?"), or in any letters
    before what it asks of it ("ReLU 단점은?", "비지도 학습 예시는?"), or two of them
    compared ("Adam이랑 SGD 차이 알려줘"): a new question, not more of the same ("정확도는
    어느 정도 나와?" after "DNN이 뭐야?", or "return이랑은 무슨 상관이야?", goes on)."""
    before = {p.casefold() for p in previous}
    if question_kind(message) == "compare" and sum(s.casefold() not in before for s in own) >= 2:
        # ("Adam이랑 SGD 차이 알려줘" after "드롭아웃은?": two things of its own compared)
        return True
    return any(
        s.casefold() not in before
        and (
            (
                bool(_LATIN_WORD.search(s))
                and re.search(re.escape(s) + r"\s*(?:은|는|이|가)(?![가-힣])", message) is not None
            )
            # ("비지도 학습 예시는?" after "지도 학습이 뭐야?")
            or re.search(re.escape(s) + _OWN_ASK, message) is not None
        )
        for s in own
    )


def continues_in(
    hits: list[Passage],
    previous_subjects: list[str],
    own: list[str],
    covers: Callable[[str, list[Passage]], bool],
) -> bool:
    """Whether one passage found for both questions together holds a previous subject
    and every subject of the new one: "정확도" where the notes speak of DNN's accuracy."""
    return any(
        any(covers(s, [hit]) for s in previous_subjects) and all(covers(s, [hit]) for s in own)
        for hit in hits
    )


def _strip_subjects(question: str, subjects: list[str]) -> str:
    for subject in subjects:
        question = question.replace(subject, " ")
    return _SPACES.sub(" ", question).strip()


# Words for data that stand for one another after its kind ("범주형 데이터 / 변수 / 특성")
_DATA_NOUNS = frozenset({"데이터", "변수", "특성", "피처", "자료"})
# A name with its other spelling in parentheses: "정보 획득(information gain)"
_LETTER = re.compile(r"[^\W\d_]")
_GLOSSED = re.compile(r"([^()]+?)\s*\(([^()]+)\)(.*)")


def subject_covered(
    subject: str,
    hits: list[Passage],
    analyzer: KoreanAnalyzer,
    *,
    loose: bool = False,
    units_of: Callable[[Passage], list[UnitRecord]] | None = None,
    units_about: Callable[[set[str]], list[UnitRecord]] | None = None,
) -> bool:
    """Whether a retrieved passage holds `subject` as a phrase (its terms adjacent, or its
    letters without spaces), or, for a subject with English letters, its English terms;
    or the notes have an entry of that name anywhere (`units_about`: a table row or a
    "term: description" line, "seed" in a table of arguments that search ranked low).
    `loose` (for the domain a subject belongs to: "파이썬 클래스에서"): its terms anywhere in
    the passages found."""
    if not loose and (glossed := _GLOSSED.fullmatch(subject)):
        # "정보 획득(information gain)": the notes may hold the name as written without
        # its other spelling (not merely its words: "그래프 신경망(GNN)" is not covered by
        # "그래프 기반 연산 … 신경망 설계"), or the other spelling without the name
        # ("르넷5(LeNet5)" where the notes write "LeNet-5"; three letters at least: "(ML)"
        # is in "HTML")
        name, other, rest = glossed.groups()
        for spelling, least in ((f"{name}{rest}", 2), (f"{other}{rest}", 3)):
            squeezed = _LETTERS_ONLY.sub("", spelling).casefold()
            if len(squeezed) >= least and any(
                squeezed in _LETTERS_ONLY.sub("", f"{hit.heading}{hit.text}").casefold()
                for hit in hits
            ):
                return True
    terms = [t for t in analyzer.terms(subject) if t not in QUERY_STOPWORDS]
    if not terms:
        return True
    if _WORD_OF_A_NAME.fullmatch(subject) and any(
        re.search(rf"\b{re.escape(subject)}[A-Z]", f"{hit.heading} {hit.text}") for hit in hits
    ):
        # "Halving서치": the first word of a name the notes write in one piece
        # ("HalvingRandomSearchCV"), as a student shortens it
        return True
    if units_about is not None and any(
        unit.kind in ("row", "term") and set(analyzer.terms(unit.term)) == set(terms)
        for unit in units_about(set(terms))
    ):
        return True
    classes = analyzer.kind_words(subject)
    if classes and not loose:
        # "torchsummary 라이브러리", "라이브러리 목록": the name as a phrase, the words that
        # say what kind of thing it is anywhere in the passages found
        present = set().union(*(set(h.terms) for h in hits)) if hits else set()
        name = " ".join(w for w in subject.split() if w not in classes)
        named = [t for t in analyzer.terms(name) if t not in QUERY_STOPWORDS]
        return all(t in present for w in classes for t in analyzer.terms(w)) and (
            not named
            or _phrase_covered(name, named, hits, analyzer, units_of)
            or _phrase_covered(subject, terms, hits, analyzer, units_of)
        )
    if _phrase_covered(subject, terms, hits, analyzer, units_of, loose=loose):
        return True
    words = subject.split()
    if (
        not loose
        and len(words) == 2
        and units_of is not None
        and _said_in_its_section(words, hits, analyzer, units_of)
    ):
        return True
    if not loose and len(words) > 1 and words[0] in USUAL_WORDS:
        # "기존 신경망", "일반 신경망": what a thing is set against, its usual kind; the
        # notes name the kind, seldom with the word that says it is the usual one
        return subject_covered(
            " ".join(words[1:]), hits, analyzer, units_of=units_of, units_about=units_about
        )
    # "범주형 데이터" where the notes say "범주형 변수": the words for data stand for one
    # another after what kind of data it is
    return (
        not loose
        and len(words) == 2
        and words[1] in _DATA_NOUNS
        and any(
            _phrase_covered(
                f"{words[0]} {other}", analyzer.terms(f"{words[0]} {other}"), hits, analyzer, None
            )
            for other in sorted(_DATA_NOUNS - {words[1]})
        )
    )


# A capitalised word of Latin letters, long enough to be a word of its own ("Halving")
_WORD_OF_A_NAME = re.compile(r"[A-Z][a-z]{4,}")


def _said_in_its_section(
    words: list[str],
    hits: list[Passage],
    analyzer: KoreanAnalyzer,
    units_of: Callable[[Passage], list[UnitRecord]],
) -> bool:
    """ "이벤트 전파" where the notes say, under a title of 전파 ("전파하는 2가지 방법"), "이벤트가
    전달되는 순서를 전파라고 한다": a line of the head word's own section that holds both
    words names the thing, though not as one phrase."""
    first = set(analyzer.terms(words[0])) - QUERY_STOPWORDS
    head = set(analyzer.terms(words[1])) - QUERY_STOPWORDS
    if not first or not head:
        return False
    return any(
        first | head <= unit.terms
        and any(head <= set(analyzer.terms(label)) for label in unit.labels)
        for hit in hits
        for unit in units_of(hit)
    )


# Nouns that measure by an adjective ("크기": 크다), read in the notes as that adjective
_MEASURE_OF = {"크기": "크", "길이": "길", "높이": "높", "깊이": "깊", "넓이": "넓"}


def _phrase_covered(
    subject: str,
    terms: list[str],
    hits: list[Passage],
    analyzer: KoreanAnalyzer,
    units_of: Callable[[Passage], list[UnitRecord]] | None,
    *,
    loose: bool = False,
) -> bool:
    if loose:
        found = frozenset().union(*(h.terms for h in hits)) if hits else frozenset()
        # a word Kiwi cut in two in the notes ("릴레이션" + "십") is still there
        return all(holds_term(t, found) or len(t) < 2 for t in terms)
    # "torchsummary" is "torch.summary" written without its dot
    squeezed = _LETTERS_ONLY.sub("", subject).casefold()
    # English terms as the user wrote them (not Korean words that alias to English ones:
    # "배치" analyses to "batch", yet "배치 정규화" still needs its words together).
    # (nor an English word the glossary spells in Korean where the passages never write it
    # in English: "Batch 정규화" is 배치 정규화; "gateway 서버" stays, the code says gateway)
    written = " ".join(f"{h.heading} {h.text}" for h in hits).casefold()
    latin = [
        t
        for word in _LATIN_WORD.findall(subject)
        if analyzer.korean_name(word) == word
        or re.search(rf"(?<![a-z_]){re.escape(word.casefold())}(?![a-z_])", written)
        for t in analyzer.terms(word)
        if len(t) >= 2
    ]
    present = set().union(*(set(h.terms) for h in hits)) if hits else set()
    if (
        len(terms) == 1
        and _HANGUL_WORD.fullmatch(squeezed)
        and squeezed.startswith(terms[0])
        and squeezed != terms[0]
    ):
        # one word whose analysis dropped a part of it ("안정성" → 안정): the word as
        # written, or any passage about 안정 would cover it
        return any(
            squeezed in _LETTERS_ONLY.sub("", f"{hit.heading}{hit.text}").casefold() for hit in hits
        )
    # A long phrase the user composed ("합성곱 층 출력 크기"): two of its words together
    # somewhere, and every word in the passages found.
    runs = [terms] if len(terms) <= 2 else [terms[i : i + 2] for i in range(len(terms) - 1)]
    if len(terms) > 2 and not all(t in present for t in terms):
        runs = []
    if len(terms) == 2 and terms[1] in _MEASURE_OF:
        # "청크 크기" where the notes say "청크가 너무 크면": the measure by its adjective
        runs.append([terms[0], _MEASURE_OF[terms[1]]])
    # "유튜브 영상" as "유튜브 동영상": the last of two words with a prefix of its own; or,
    # as the notes wrote them, with one short word between ("우편번호 인식기": "우편번호
    # 자동 인식기")
    words = subject.split()
    prefixed = (
        re.compile(
            rf"{re.escape(words[0])}\s+(?:[가-힣]{{1,2}}|[가-힣]{{2,4}}\s+){re.escape(words[1])}"
        )
        if len(words) == 2 and all(_HANGUL_WORD.fullmatch(w) for w in words)
        else None
    )
    for hit in hits:
        if any(_contains_run(hit.terms, run) for run in runs):
            return True
        if prefixed is not None and prefixed.search(f"{hit.heading}\n{hit.text}"):
            return True
        if len(squeezed) >= 2 and fold_spelling(squeezed) in fold_spelling(
            _LETTERS_ONLY.sub("", f"{hit.heading}{hit.text}").casefold()
        ):
            # the name as written, in either loanword spelling ("앤드류 응": 앤드루 응)
            return True
    if (
        latin
        and all(t in present for t in latin)
        # (and its other words somewhere in them: "CNN 양자화" is not covered by CNN; code
        # names a thing and says its parts in English: "gateway 로깅 format", "프록시")
        and (
            _rest_covered(subject, latin, hits, analyzer, units_of, present)
            # (a name as code writes it, "requires_grad 옵션", or one the notes' code uses)
            or any("_" in t or "." in t for t in latin)
            or _named_in_code(latin, hits, units_of)
        )
    ):
        return True
    if len(terms) > 1 and (joined := "".join(terms)).isascii() and joined in present:
        # "MinMax 스케일러": the notes write the name as one word ("MinMaxScaler")
        return True
    # A table row or a "term - description" line holds a thing and what is said of it
    # together ("플라스크 라이선스": the row 플라스크 under the header 라이선스); so does a
    # line under the thing it describes ("엠니스트 데이터셋": under "mnist란?", "… 데이터
    # 셋이다"), when the thing is the subject's first word. A line of the notes' code names
    # it in the English words code uses for its words ("파일 크기": file_size = …).
    return units_of is not None and any(
        (
            len(terms) > 1
            and all(holds_term(t, unit.terms | unit.context_terms) for t in terms)
            and (unit.kind in ("row", "term") or terms[0] in unit.context_terms)
        )
        or (unit.kind == "code" and _code_names(terms, unit))
        for hit in hits
        for unit in units_of(hit)
    )


def _rest_covered(
    subject: str,
    latin: list[str],
    hits: list[Passage],
    analyzer: KoreanAnalyzer,
    units_of: Callable[[Passage], list[UnitRecord]] | None,
    present: set[str],
) -> bool:
    """Whether the words of `subject` beside its English ones are in `hits`: anywhere, or,
    two nouns that name one thing, as that phrase ("Transformer 위치 인코딩" needs 위치
    인코딩, not 위치 and 인코딩 apart; "wx+b 계산 결과값" says more words than one name)."""
    rest = " ".join(w for w in subject.split() if not _LATIN_WORD.search(w))
    terms = [t for t in analyzer.terms(rest) if t not in QUERY_STOPWORDS and t not in latin]
    if len(rest.split()) == 2 and len(terms) == 2:
        return _phrase_covered(rest, terms, hits, analyzer, units_of)
    return all(holds_term(t, present) for t in terms)


def _named_in_code(
    names: list[str],
    hits: list[Passage],
    units_of: Callable[[Passage], list[UnitRecord]] | None,
) -> bool:
    """Whether a line of the notes' code among `hits` names one of `names`."""
    return units_of is not None and any(
        unit.kind == "code" and any(n in unit.terms for n in names)
        for hit in hits
        for unit in units_of(hit)
    )


def _code_names(terms: list[str], unit: UnitRecord) -> bool:
    """Whether a line of code, with the comment or function it stands under, names every
    one of `terms`, in English as code writes them ("CORS 허용 origin": the line
    `allow_origins=[…]` under the comment "CORS 설정"); an English word also in its plural."""
    words = in_korean(unit.terms | unit.context_terms)
    named = [t for t in terms if t not in CODE_WORDS]
    return bool(named) and all(t in words or (t.isascii() and f"{t}s" in words) for t in named)


def held_name(subject: str, hits: list[Passage], analyzer: KoreanAnalyzer) -> str:
    """The subject as the notes hold it: a name of three words or more that no passage
    holds in a row, though one holds it without its last word, is that shorter name, the
    last word being what is asked of it ("결정 트리 학습 과정": the notes speak of 결정
    트리 and of how it learns, not of a "결정 트리 학습"; "지도 학습 과정" stays whole). A
    last word in other letters names a thing of its own ("샘플 이미지 png"): kept. A name
    whose English terms the notes write as one word ("MinMax 스케일러": "MinMaxScaler") is
    that word, as written."""
    words = subject.split()
    terms = [t for t in analyzer.terms(subject) if t not in QUERY_STOPWORDS]
    if (
        len(terms) > 1
        and (joined := "".join(terms)).isascii()
        and not any(_contains_run(h.terms, terms) for h in hits)
    ):
        for hit in hits:
            written = re.search(re.escape(joined), hit.text, re.IGNORECASE)
            if joined in hit.terms and written is not None:
                return written.group(0)
    if (glossed := _GLOSSED.fullmatch(subject)) is not None:
        # "표준화 스케일러(StandardScaler)" where the notes write only "StandardScaler": the
        # spelling they hold
        name, other, rest = glossed.groups()

        def in_a_row(spelling: str) -> bool:
            run = [t for t in analyzer.terms(spelling) if t not in QUERY_STOPWORDS]
            return bool(run) and any(_contains_run(h.terms, run) for h in hits)

        if _LETTER.search(other) and not in_a_row(f"{name}{rest}") and in_a_row(f"{other}{rest}"):
            return f"{other}{rest}".strip()
    if (
        len(words) < 2
        or len(terms) < 3
        or not _HANGUL_WORD.fullmatch(words[-1])
        or any(_contains_run(h.terms, terms) for h in hits)
    ):
        return subject
    shorter = " ".join(words[:-1])
    held = [t for t in analyzer.terms(shorter) if t not in QUERY_STOPWORDS]
    if len(held) >= 2 and any(_contains_run(h.terms, held) for h in hits):
        return shorter
    return subject


def _contains_run(haystack: tuple[str, ...], needle: list[str]) -> bool:
    n = len(needle)
    first = needle[0]
    for i, term in enumerate(haystack):
        if term == first and list(haystack[i : i + n]) == needle:
            return True
    return False
