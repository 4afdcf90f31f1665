"""Lexical features of a message, beside its sentence embedding.

Each is a number in [0, 1]. They carry what a sentence embedding blurs: how the message
ends (a question or a request), whether it names anything (nouns, foreign terms, numbers,
via Kiwi), its length, and chatter marks (ㅋㅋ, ㅠㅠ).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from vector_store.analysis import OPENERS, KoreanAnalyzer, normalize

FEATURE_NAMES = (
    "ends_question_mark",
    "ends_request",
    "question_word",
    "request_verb",
    "noun_phrases",
    "has_subject",
    "latin_word",
    "digit",
    "length",
    "jamo_share",
    "second_person",
    "first_person",
    "asks_about_subject",
)

# Marks that end a chat message without saying anything: punctuation, a laugh or a sigh
# in jamo, emoji
_CHAT_MARKS = r"\s?？~!.,…^;:)(ㅋㅎㅠㅜ\U0001F300-\U0001FAFF"
_TRAILING = re.compile(rf"[{_CHAT_MARKS}]+$")
# Sentence endings that ask or request ("뭐야", "나요", "알려 줘", "설명 부탁해요",
# "돌리는 법"), and a bare noun phrase ending: a topic named on its own ("드롭아웃").
_ENDS_REQUEST = re.compile(
    r"(뭐야|뭐예요|뭐에요|뭔가요|뭐지|뭐니|뭐임|인가요|인가|인지|나요|까요|까|니|냐|나|"
    r"어때|어때요|어떄|줘|줘요|주세요|줄래|줄래요|주실래요|부탁해|부탁해요|부탁드려요|"
    r"궁금해|궁금해요|궁금합니다|는지|은지|방법|법|차이|차이점|비교|설명|정리|요약|예시|"
    r"뭐|뜻|의미|원리|이유|장점|단점|종류|하는\s?(거야|거예요|건가요|건데|거지)"
    # "… 예시 있어", "… 차이 있어": whether the notes hold one is asked
    r"|(?:예시|예|차이|차이점|방법|종류|장점|단점|이유)\s?있어(?:요)?"
    # "신경망에서 가중치란": what the word names is asked
    r"|[가-힣A-Za-z]이?란)$"
)
_QUESTION_WORD = re.compile(r"뭐|무엇|무슨|어떻|어떤|어디|언제|왜|누가|누구|얼마|몇|어느|어째서")
_REQUEST_VERB = re.compile(r"알려|설명|가르쳐|추천|정리|비교|찾아|보여|계산|구현|요약|짜\s?줘")
_LATIN = re.compile(r"[A-Za-z]{2,}")
_DIGIT = re.compile(r"\d")
_JAMO = re.compile(r"[ㄱ-ㅎㅏ-ㅣ]")
_SECOND_PERSON = re.compile(r"(^|\s)(너|넌|너는|네가|니가|너한테|너의|당신|챗봇)")
_FIRST_PERSON = re.compile(r"(^|\s)(나|난|나는|내가|저|전|저는|제가|우리)(\s|$)")


def lexical_features(text: str, analyzer: KoreanAnalyzer) -> np.ndarray:
    """The features of `text`, in the order of `FEATURE_NAMES`."""
    text = normalize(text).strip()
    body = _TRAILING.sub("", text)
    chars = max(len(text), 1)
    question = text.rstrip("~!.ㅋㅎ ").endswith("?")
    ends_request = bool(_ENDS_REQUEST.search(body))
    asks = question or ends_request or bool(_REQUEST_VERB.search(text))
    subject = analyzer.has_subject(text)
    second_person = bool(_SECOND_PERSON.search(text))
    return np.array(
        [
            float(question),
            float(ends_request),
            float(bool(_QUESTION_WORD.search(text))),
            float(bool(_REQUEST_VERB.search(text))),
            min(len(analyzer.noun_phrases(text)), 4) / 4,
            float(subject),
            float(bool(_LATIN.search(text))),
            float(bool(_DIGIT.search(text))),
            min(len(text), 60) / 60,
            len(_JAMO.findall(text)) / chars,
            float(second_person),
            float(bool(_FIRST_PERSON.search(text))),
            # asks something about something, not about the assistant ("도커는 뭐 하는 거야?"
            # but not "너는 뭐 하는 거야?")
            float(asks and subject and not second_person),
        ],
        dtype=np.float32,
    )


_ASKS_HELP = re.compile(r"이해가? 안|이해를? 못|모르겠|헷갈|알고 싶|궁금")
# "…봤어", "…설명했어", "…밤샜어": what happened, in the past tense
_PAST = re.compile(
    r"(?:었|았|였|했|됐|봤|왔|갔|샜|났|줬|썼|졌|쳤|렸|냈|겼|셨)(?:어|어요|다|네|지|음|당)?[\s!.~ㅋㅎㅠㅜ]*$"
)
# "오늘", "어제", "드디어": when it happened to the one telling
_WHEN_IT_HAPPENED = re.compile(
    r"(^|\s)(오늘|어제|방금|아까|지난|이번|주말에?|드디어|아침에?)(\s|$)"
)


# "ㅋㅋ", "ㅠㅠ" at the end: told with a laugh or a sigh ("GPU 서버 또 터졌어 ㅋㅋ")
_LAUGHS = re.compile(r"[ㅋㅎㅠㅜ]{2,}[\s!.~]*$")
# "너무", "진짜", "ㅠㅠ": how the one writing feels about it
_FEELING = re.compile(r"너무|진짜|완전|엄청|정말|넘\s|[ㅠㅜㅋㅎ]|[\U0001F300-\U0001FAFF]")


def tells_a_feeling(text: str, analyzer: KoreanAnalyzer) -> bool:
    """A statement that ends in how something feels, said with feeling or after what
    brought it about ("딥러닝 공부 너무 어려워 ㅠㅠ", "파이썬 공부하니까 재밌다"): chatter,
    though it names what the notes cover. A plain judgement of a topic ("RNN은 긴 시퀀스에
    약하다") is not."""
    text = normalize(text).strip()
    return (
        is_statement(text, analyzer)
        and analyzer.ends_in_adjective(text)
        and bool(_FEELING.search(text) or analyzer.last_clause(text) != text)
    )


def tells_what_happened(text: str, analyzer: KoreanAnalyzer) -> bool:
    """A sentence that tells what the one writing did or went through, in the past tense,
    with who or when, or with a laugh or a sigh ("나 오늘 CNN 시험 봤어", "오늘 발표에서 SVM
    설명했어": a request verb in the past tense asks nothing; "GPU 서버 또 터졌어 ㅋㅋ"):
    chatter, though it names what the notes cover."""
    text = normalize(text).strip()
    return (
        "?" not in text
        and "？" not in text
        and not _ASKS_HELP.search(text)
        and not _QUESTION_WORD.search(analyzer.last_clause(_TRAILING.sub("", text)))
        and bool(_PAST.search(text))
        and bool(
            _FIRST_PERSON.search(text) or _WHEN_IT_HAPPENED.search(text) or _LAUGHS.search(text)
        )
    )


# Question words as chat types them ("뭘로 유명해", "정확히 뭔데", "어떨 때"; not "뭔가
# 이상해", something; nor the words that hold one and ask nothing: "어느덧", "누구나",
# "언제나", "몇일만에"). `_QUESTION_WORD` stays as it is: the classifier's weights were
# fitted to the feature it makes.
_ASKING_WORD = re.compile(
    r"뭐(?!든|라도)|뭘|뭔(?!가(?:\s|$))|무엇(?!이든)|무슨|어떻|어떤|어떨|어디(?!든|서나|에나)"
    r"|언제(?!나|든)|왜(?!냐)|누가|누구(?!나|든)|얼마(?!\s?(?:전|후|간|안\s?가))"
    r"|몇(?!\s?(?:일|년|달|주)\s?(?:만|째))|어느(?!덧|새)|어째서"
)


# Words that open a message without saying anything of it ("혹시 …", "근데 …"), which
# small talk opens with more often than requests do ("그럼" is left: it says the message
# follows the one before)
_OPENER = re.compile(rf"^(?:(?:{'|'.join(OPENERS)})(?:\s+|\s*,\s*))+")


def without_opener(text: str) -> str:
    """`text` less the words that open it without saying anything ("혹시 SVM은 뭐야?" →
    "SVM은 뭐야?")."""
    return _OPENER.sub("", text.strip()) or text


# Where the one asking met what is asked: the notes or the class ("노트에 보면 …", "dnn은
# 노트에 뭐라고 …", "수업 때 배운 건데 …"). It names nothing to look up ("노트" would find
# "오답 노트"), and only says that the answer is in the notes, where every answer is.
_IN_THE_NOTES = re.compile(
    r"(?<![가-힣])(?:강의\s?)?노트(?:에서는|에서|에선|에는|에|를)?\s?"
    r"(?:보면|보니까|보니|봤는데|보다가)\s+"
    r"|(?<![가-힣])(?:강의\s?)?노트(?:에서는|에서|에선|에는|에)\s+"
    r"|^(?:(?:저번|지난|오늘|어제|아까)\s?)?(?:수업|강의|실습|필기)\s?(?:때|시간에?|에서|중에)?\s?"
    r"(?:배운|나온|본|들은|했던|봤던|배웠던|나왔던)\s?"
    r"(?:건데|거는데|거\s?중에|내용인데|내용\s?중에|부분인데|것\s?중에)[,\s]+"
)


def without_source(text: str) -> str:
    """`text` less the words that say where the one asking met the thing asked ("노트에
    보면 DNN이 뭐야?" → "DNN이 뭐야?", "수업 때 배운 건데 CNN은 누가 개발했어?" → "CNN은 누가
    개발했어?"); `text` itself when nothing else is left."""
    return _IN_THE_NOTES.sub("", text).strip() or text


# Whom a student calls on in class ("쌤, …", "… 선생님?"): it names nothing to look up
_CALLED_ON = r"쌤|샘|선생님|교수님|조교님|강사님|튜터님|저기요"
# A greeting or a call before a message, or word that a question follows ("안녕하세요! …",
# "쌤, …", "저기요 …", "질문 있어요. …", "질문이요! …", "궁금한 게 있는데 …", "잠깐만, …",
# "하나 더 물어볼게. …", a laugh or a sigh: "ㅋㅋ …"), and thanks after it ("… 미리 고마워요")
_GREETING_FIRST = re.compile(
    rf"^(?:(?:안녕하세요|안녕하십니까|안녕|하이|헬로|반가워요|반갑습니다|반가워|hello|hi|hey"
    rf"|{_CALLED_ON}"
    r"|(?:질문|궁금한\s?(?:게|거|것|점))\s?(?:이|하나|좀)?\s?(?:더\s?)?"
    r"(?:있어요|있어|있습니다|있는데요|있는데|이요|요)"
    r"|잠깐만요|잠깐만|잠시만요|[ㅋㅎ]{2,}|[ㅠㅜ]{2,}"
    r"|(?:하나|뭐\s?하나|좀)?\s?(?:더\s?)?(?:물어볼게요|물어볼게|여쭤볼게요|여쭤볼게))"
    r"(?:\s*[!~.,?]+\s*|\s+))+",
    re.IGNORECASE,
)
_THANKS_LAST = re.compile(
    r"(?:\s*[!~.,]+\s*|\s+)(?:미리\s?)?(?:고마워요|고마워|고맙습니다|감사합니다|감사해요|"
    r"땡큐|thanks|thx)[\s!~.ㅎㅋ^]*$",
    re.IGNORECASE,
)
# "SVM이 뭐예요, 쌤?": the call goes, the question mark stays
_CALLED_ON_LAST = re.compile(rf"\s*,?\s+(?:{_CALLED_ON})(?=[\s?？!~.]*$)")


def without_pleasantries(text: str) -> str:
    """`text` less a greeting or a call before it, the call after it and thanks after it
    ("안녕하세요! SVM이 뭐야?" → "SVM이 뭐야?", "쌤, SVM이 뭐야?" → "SVM이 뭐야?", "SVM이
    뭐야? 미리 고마워" → "SVM이 뭐야?"); `text` itself when nothing else is left
    ("안녕하세요!")."""
    rest = _THANKS_LAST.sub("", _GREETING_FIRST.sub("", text.strip()))
    return _CALLED_ON_LAST.sub("", rest).strip() or text


# What a message says beside its question, of the one asking: a clause before it that
# ends in -는데 ("내일 시험인데 …", "과제 하다가 궁금한 게 생겼는데 …"), and a sentence
# after its question mark ("…? 너무 헷갈려", "…? 시험에 나온대")
_CLAUSE_BEFORE = re.compile(r"^((?:\S+\s+){0,4}?\S+?(?:는데|인데|은데|한데|던데)요?)[,\s]+(?=\S)")
_SENTENCE_AFTER = re.compile(r"(?<=[?？])\s+(?=\S)")
_POLITE_END = re.compile(r"(?<=[가-힣])요$")
# An ending that asks or requests and ends the question ("…뭐야", "…알려줘", "…있나요")
_ASKS_AT_END = re.compile(
    r"(?:뭐야|뭐예요|뭐에요|뭔가요|뭐지|뭐니|뭐임|인가요|나요|까요|냐|니|줘|줘요|주세요|줄래|줄래요"
    r"|어때|어때요|거야|건가요|거예요|래요|(?<!\S)(?:돼|돼요|써|써요)"
    # what is asked for, named ("… 예시 좀", "… 종류들")
    r"|(?:예시|예|종류|방법|차이|차이점|장점|단점|이유|뜻|의미)들?(?:\s?(?:좀|하나만?))?)$"
)
# How the answer is wanted, said after the question ("재현률 예시 하나만 간단하게", "…? 짧게요")
_HOW_ANSWERED = re.compile(
    r"(?<=\S)[,\s]+(?:좀\s?)?(?:간단하게|간단히|짧게|쉽게|자세하게|자세히|한\s?줄로|요약해서)"
    r"(?:\s?좀)?요?"
    r"[\s!.~^ㅎㅋ]*$"
)


def without_asides(
    text: str, analyzer: KoreanAnalyzer, names_a_thing: Callable[[str], bool]
) -> str:
    """`text` less what it says beside its question: a clause before it and sentences after
    its question mark that neither ask nor name a thing of the notes (`names_a_thing`, or
    a name in Latin letters) ("내일 시험인데 회귀랑 분류는 어떻게 달라?", "SVM이 뭐야? 너무
    헷갈려" → the question alone; not "RNN 공부하는데 은닉층은 뭐야?": RNN is asked of, nor
    "SVM이 뭐야? 예시도 알려줘", nor "…? host랑 reload 설정도": no clause, the question goes
    on; after a question typed without its mark, "렐루 쓰는 이유가 뭐야 너무 헷갈려", too),
    and less how the answer is wanted, said after it ("…? 간단하게"). `text` itself when no
    question is left."""

    def aside(piece: str) -> bool:
        return not (
            _asks(piece, analyzer)
            or _LATIN.search(piece)
            or any(names_a_thing(s) for s in analyzer.subjects(piece))
        )

    def said_aside(piece: str) -> bool:
        # (a clause, "…이해가 안 돼서요" too, not a phrase that adds to what is asked:
        # "…? host랑 reload 설정도")
        return aside(piece) and analyzer.ends_in_clause(
            _POLITE_END.sub("", _TRAILING.sub("", piece))
        )

    rest = text.strip()
    for _ in range(3):
        clause = _CLAUSE_BEFORE.match(rest)
        if clause is None or not aside(clause.group(1)):
            break
        rest = rest[clause.end() :]
    rest = _HOW_ANSWERED.sub("", rest)
    sentences = _SENTENCE_AFTER.split(rest)
    while len(sentences) > 1 and said_aside(sentences[-1]):
        sentences.pop()
    if len(sentences) == 1:
        # the same said after a question typed without its mark ("렐루 쓰는 이유가 뭐야 너무
        # 헷갈려"): the longest such clause of a few words after an asking ending
        words = rest.split()
        for n in range(min(4, len(words) - 1), 0, -1):
            head, tail = " ".join(words[:-n]), " ".join(words[-n:])
            if _ASKS_AT_END.search(head) and said_aside(tail):
                sentences = [head]
                break
    rest = " ".join(sentences)
    if rest == text.strip():
        return text
    # (what is left asks, requests, or names what is asked: "재현률 예시 하나만")
    body = _TRAILING.sub("", rest)
    asked = _asks(rest, analyzer) or _ENDS_REQUEST.search(body) or not analyzer.ends_in_clause(body)
    return rest if asked else text


# "그리고 …", "또 …": the words that join a second question to the first
_AND_THEN = re.compile(r"^(?:아\s?)?(?:그리고|또)(?:\s?또)?\s*,?\s*(?=\S)")


# "LSTM은?", "풀링은 뭐야?": a second question that names its own topic and nothing else
_TOPIC_ASKED = re.compile(
    r"^\S+(?:\s\S+)?(?:은|는)\s?(?:뭐야|뭐예요|뭐에요|뭔데|뭐임|뭔가요)?\s?[?？]+$"
)


def two_questions(text: str, analyzer: KoreanAnalyzer) -> tuple[str, str] | None:
    """The two questions of a message that asks one after the other, the second joined
    by "그리고"/"또" or naming only its topic ("SVM이 뭐야? 그리고 커널은 뭐야?", "CNN이
    뭐야? 풀링은?"): the first up to its question mark, the second without the word that
    joins it; None for one question, more than two, or a second sentence that says more
    of the first ("코퍼스가 정확히 뭐야? 사전 같은 거?")."""
    sentences = _SENTENCE_AFTER.split(text.strip())
    if len(sentences) != 2:
        return None
    first, second = sentences[0], _AND_THEN.sub("", sentences[1])
    joined = second != sentences[1]
    if not (joined or _TOPIC_ASKED.match(second)):
        return None
    return (first, second) if _asks(second, analyzer) else None


def _asks(piece: str, analyzer: KoreanAnalyzer) -> bool:
    """Whether `piece` asks or requests: a question mark, a question word in the clause
    that ends it, a request verb, or an example asked for."""
    return bool(
        "?" in piece
        or "？" in piece
        or asks_in_words(piece, analyzer)
        or _REQUEST_VERB.search(piece)
        or asks_for_an_example(piece)
    )


# "왜 이렇게 싫지", "왜케 졸리냐": asked of nobody, said with feeling
_RHETORICAL = re.compile(r"왜\s?이렇게|왜\s?이리|왜\s?케|왜케")
# "너무 많으면": how much, in the case a question sets ("변수가 너무 많으면 왜 시각화가
# 어려워?"), no feeling
_HOW_MUCH_IF = re.compile(r"(?:너무|엄청|진짜|완전)\s?[가-힣]{1,3}(?:으면|면)(?=\s)")


# A laugh, a sigh or an emoji after the question mark ("…어떻게 해?? ㅠㅠ", "… 🙏"): the
# question is asked whole before it
_AFTER_THE_MARK = re.compile(rf"(?<=[?？])[{_CHAT_MARKS}♡♥\u2600-\u27BF]+$")


def asks_in_words(text: str, analyzer: KoreanAnalyzer) -> bool:
    """Whether a question word asks in the clause that ends `text` ("차원이 왜 달라지는
    거예요?", "얀 르쿤은 CNN 쪽에서 뭘 한 사람이에요", "모자이크는 어떻게 입혀?? ㅠㅠ"), not
    said with feeling nor telling what happened ("방학 언제 오냐 진짜 ㅠㅠ", "오늘 뭐 했는지
    까먹었어")."""
    text = _AFTER_THE_MARK.sub("", normalize(text).strip())
    if (
        _FEELING.search(_HOW_MUCH_IF.sub("", text))
        or _RHETORICAL.search(text)
        or tells_what_happened(text, analyzer)
    ):
        return False
    return bool(_ASKING_WORD.search(_asking_clause(_TRAILING.sub("", text), analyzer)))


# "토큰화 예 하나만 들어줘", "예시 좀 보여줘": an example asked for, with no question word
# (not "예, 알려주세요": yes)
_EXAMPLE_ASKED = re.compile(
    r"(?<![가-힣])(?:예|예시|예제|사례)(?:를|는)?\s?(?:하나만?|한\s?개만?|좀|몇\s?개만?)?\s?"
    r"(?:들어|보여|알려)\s?(?:줘|주세요|줄래|줄\s?수|주실)"
)


def asks_for_an_example(text: str) -> bool:
    """Whether `text` asks for an example in so many words ("토큰화 예 하나만 들어줘"),
    which the classifier, having learned requests by their question words and nouns like
    예시, reads as chatter."""
    return bool(_EXAMPLE_ASKED.search(normalize(text)))


def asked_without_mark(text: str, analyzer: KoreanAnalyzer) -> bool:
    """A question typed without its question mark: a question word in the clause that
    ends it ("서포트 벡터가 정확히 뭔데", "모자이크는 어떻게 입혀"), not one that tells what
    happened ("오늘 뭐 했는지 까먹었어") nor one said with feeling, which asks nobody ("방학
    언제 오냐 진짜 ㅠㅠ", "월요일은 왜 이렇게 싫지")."""
    text = normalize(text).strip()
    return "?" not in text and "？" not in text and asks_in_words(text, analyzer)


# Question words that ask how, when, why, where or in which way a thing is done
_ASKING_ADVERB = re.compile(r"어떻게|언제|왜|어디서|어디에|어떤|무슨")


def _asking_clause(text: str, analyzer: KoreanAnalyzer) -> str:
    """The clause that ends `text`, with the one before it where that one asks how, when,
    why, where or in which way the doing is done and joins it with -아서/-어서 ("일을 어떻게
    나눠서 처리해", "언제 골라서 쓰면 돼": one doing, asked of; not "배터리 얼마 없어서 이만
    나갈게", a reason)."""
    last = analyzer.last_clause(text)
    head = text[: text.rfind(last)].rstrip() if last else ""
    if head.endswith("서"):
        before = analyzer.last_clause(head)
        if _ASKING_ADVERB.search(before):
            return f"{before} {last}"
    return last


def is_statement(text: str, analyzer: KoreanAnalyzer) -> bool:
    """A sentence that tells rather than asks: no question mark, no asking or requesting
    ending, no question word or request verb, and a predicate at its end ("다음 주에
    여행 가", "내일 발표 떨려"). A bare term ("GAN") is no statement: it asks about itself;
    nor is saying one does not understand ("역전파가 이해가 안 돼"): it asks for help."""
    text = normalize(text).strip()
    body = _TRAILING.sub("", text)
    # a question word or request verb asks only in the clause that ends the sentence:
    # "배터리 얼마 없어서 이만 나갈게", "노트 정리하다 보니까 벌써 새벽 두 시네" tell
    last = _asking_clause(body, analyzer)
    return (
        not _ASKS_HELP.search(text)
        and "?" not in text
        and "？" not in text
        and not _ENDS_REQUEST.search(body)
        and not _ASKING_WORD.search(last)
        and not _REQUEST_VERB.search(last)
        and analyzer.ends_in_clause(body)
    )
