"""Which units of the notes answer a question.

Candidates are the units inside the passages that search found. Each is scored by
how much it is *about* the question's subject (the subject's words in its labels or
its term: "LeNet-5" for "합성곱 신경망이라는 개념을 최초로 얀 르쿤이 개발한 구조"),
whether it mentions the subject, the other words of the question, the rank of its
passage, and whether it answers the kind of question asked (a child of "언제 사용하면
좋을까?" for 언제). The best unit leads; its siblings under the same label and the
next best units follow. Units that cannot stand alone never appear: labels, code,
fragments of one or two words, and lines that point back at context the reader does
not see ("이 문제를 해결한다").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import takewhile

from chatbot.answering.codewords import ENGLISH_IN_CODE, in_korean
from chatbot.answering.dates import asks_which_day, day_of_label, days_asked
from chatbot.answering.kinds import ASKS_USE, asks_computing, asks_how_it_works, question_kind
from ingest.tree import CODE_SCOPE, STEP_WORDS, ask_of, is_question_label, mistyped_step_word
from vector_store.analysis import (
    CLASS_NOUNS,
    CLASS_WORDS,
    QUERY_STOPWORDS,
    USUAL_WORDS,
    KoreanAnalyzer,
    default_analyzer,
    fold_spelling,
    holds_term,
    name_key,
    opening_topic,
)
from vector_store.passage import Passage, UnitRecord

# "데이터베이스를 마이그레이트하는 확장": an object and the verb that takes it, a description
_DESCRIBES = re.compile(
    r"[을를]\s+\S*(?:하는|되는|주는|하기|하여|해서|시키는|만드는|나타내는|하려고|하려는)(?:\s|$)"
)
# "MLP, 역전파 알고리즘": names listed, not a title or a question
_NAMES_SEVERAL = re.compile(r"^[^,?:]{1,30}(?:,\s*[^,?:]{1,30})+$")
# "…라고 한다 / 합니다 / 부른다": the wording that gives a thing its name
_CALLING = "한다|합니다|함|해요|하며|하고|부른다|부릅니다|불러|칭한다"
_CALLS_BONUS = 1.2
# A follow-up that names a new topic ("그럼 활성화 함수는?"): the like of the line the
# answer before opened with (the next row of the same table) leads (3 to 6 alike on the
# dev splits)
_SIBLING_BONUS = 3.0
# A line that needs the line before it to make sense.
DANGLING = re.compile(
    # ("이 전까지의 과정": 이전, written apart, is no reference)
    r"^(?!이 [전후](?:까지|부터|에서|에|으로|로)?[의는도]?\s)"
    r"(?:이|그|저|해당)(?:\s|를|은|는|가|의|에|와|로|것|러한|렇게|런|럴|래서|리고)"
    # "위의 코드", "앞에서 설명한"; not a direction ("위에서 밑으로(부모 --> 자식)")
    r"|^(?:위|아래|앞)(?:\s|를|은|는|가|의|와|처럼|에\s|에서\s?(?:설명|말한|본|언급|다룬|정의|나온))"
    # ("즉, …" leans on the line before it; "즉시 계산한다" is a word of its own)
    r"|^(?:따라서|그래서|그러므로|그러나|하지만|또한|또는|즉(?![가-힣])|결국|이를|이것|이는|이때|여기서|앞서)"
)
# "(MLP)", "(Attention)": a name spelled out again in parentheses
_SPELLED_OUT = re.compile(r"\s*\([^)]*\)")
# "시퀀스 모델은.": a topic with nothing said of it
_TOPIC_ONLY = re.compile(r"(?:은|는)\.?\s*$")
# "MVC", "StandardScaler", "Adam": a name listed under a label ("API 구조")
_NAME_ITEM = re.compile(r"^[A-Za-z][A-Za-z0-9+#.\- ]{1,24}$")
# A reference back inside a line ("…로 이 문제를 해결한다", "이러한 구조는"): the line
# needs what comes before it in the notes.
_LEANS_BACK = re.compile(
    r"(?:^|[\s(])(?:이|그|저)\s(?:문제|방법|경우|점|과정|구조|모델|방식|단점|장점)"
    # (a word of its own: not "깊이를 제한하지 않으면")
    r"|(?<![가-힣])(?:이러한|이를\s|이것)"
    # "위 벡터들은", "위의 원-핫 인코딩을": what stands above it in the notes
    r"|(?:^|\s)위의?\s"
)
_LEANS_BACK_COST = 1.5
_VALUE_ONLY_COST = 2.0
# A term that is a sentence's opening, its topic marked ("RNN 내부 계산은 …"), not a name
_TOPIC_IN_TERM = re.compile(r"[가-힣](?:은|는)\s")
# a name of a few Latin letters ("ann"), which longer words hold ("channel")
_SHORT_LATIN = re.compile(r"[a-z]{2,5}")
# a term in Latin letters: a name ("softmax", "k-means"), as the aliases index it
_LATIN_TERM = re.compile(r"[a-z][a-z0-9.+-]*")
_LATIN_WORDS = re.compile(r"[a-z]+")
_LATIN_NAME = re.compile(r"[A-Za-z]{4,}")
_WORD_LETTER = re.compile(r"[가-힣A-Za-z]")
# (or that a reference points back to within its own sentence: "… 분석하고 이를 예측하는",
# "신호를 입력받아 이를 처리하여")
_GIVES_ANTECEDENT = re.compile(
    r"(?:[는은인]데|지만),?\s"
    # a verb that joins the clause before ("분석하고", "입력받아", "구해서"), not a word
    # that opens a sentence ("그래서")
    r"|(?<=[가-힣][고아어여서며])(?<!그래서)(?<!그리고)(?<!그러며),?\s(?=이를|이것)"
)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")
# How much the words a question adds to its subject count ("독립 변수는 여러 개여도 돼?":
# 여러, 개): lines about the same subject are told apart by them (chosen on the dev splits).
_ASKED_REST = 1.5
# "…만 역전파함, 이것을 생략된-BPTT라고 함": 이것 names what the line itself just said
_NAMES_IT = re.compile(r"[,.]\s*(?:이것|이를)\s?을?\s.{1,40}?이?라고")
# A two-word subject whose words stand apart in a line ("합성곱과 … 완전연결층") is not
# named there as the phrase ("합성곱 층"): its words count half. (A longer phrase the user
# composed, "분류 모델 성능 지표", is rarely written as such: its words count whole.)
_SCATTERED = 0.5
_CODE_START = re.compile(r"^\s*(?:import|from|def|class|return|print|for|if|while)\b")
# "return 뒤에 있는 함수를 의미함": a keyword of code that a Korean word follows is prose
_WORD_AFTER_KEYWORD = re.compile(r"^\s*[a-z]+\s+[가-힣]")
_MIN_ALONE = 12
_CODE = re.compile(r"[{};]|==|\w+\s*=\s*\S|^\s*(?:import|from|def|class|return|print)\b|^#")
# Done by someone the sentence marks as the doer ("얀 르쿤이 개발한", "구글에서 개발"), not
# only done ("1997년에 제안된 RNN 변형"); or the maker named ("초기 개발자: …")
_WHO_HINT = re.compile(
    # the doer's spelling may stand between it and its particle ("로젠블랫(Frank Rosenblatt)이")
    # ("Meta가 공개한": a maker in Latin letters, and what it put out)
    r"([가-힣A-Za-z])(?:\s?\([^)]*\))?(이|가|께서|에서)\s+(?:[^\s.]+\s+){0,3}?"
    r"(?:개발|만들|제안|발명|고안|창시|공개|발표)"
    # not what is made, nor when ("디코더가 단어를 하나 만들 때마다")
    r"(?!된|되|어진|어졌|\s?때)"
)
# "@login_required", "model.fit()", "requires_grad": a label that is a name from code (a
# function a line stands in), not a comment in words
CODE_NAME_LABEL = re.compile(r"^(?=\S*[@_.(])[@$]?[A-Za-z_][\w.]*(?:\(\))?$")
# "코드로 보여줘", "코드 예시": the code itself is to be shown
_SHOWS_CODE = re.compile(
    r"코드\s*(?:로|를|도|좀)?\s*(?:좀\s*)?(?:보여|알려|짜)|코드\s*(?:예시|예제|전체)"
)
_SHOWN_CODE_LINES = 20
_LIST_ENTRIES = 3  # entries under a title that names the subject: a list of its kinds
# A title that glosses its name ("활성화 함수: 뉴런의 출력을 정하는 함수", "코퍼스 - …")
_TITLE_GLOSS = re.compile(r"\s*:\s+|\s+-\s+")
# "'categorical', 'binary', 'sparse'": short entries one after another, split at each comma
_ENTRY_SPLIT = re.compile(r",\s(?=[^,]{1,24}(?:,|$))")
_CODE_GAP = 3  # blank lines between the lines of one block
_ENDS_A_STEP = re.compile(r"\s*(?:continue|break|pass)\s*$")
# The verbs a why-question asks where a thing came from with ("왜 나왔어?", "왜 생겼어?")
_ORIGIN_VERBS = frozenset({"나오", "생기"})
# The verbs a question asks what a thing is used for with ("어디에 쓰여?", "언제 사용해?")
_USE_VERBS = frozenset({"쓰", "쓰이", "사용", "활용"})
# The verbs a who-question asks with ("누가 만들었어?")
_WHO_VERBS = frozenset({"만들", "개발", "제안", "발명", "고안", "창시", "제작"})
_MAKER_NOUN = re.compile(r"(?:개발|창시|발명|제안|제작)자|만든 사람")
# The column of a table that says what each row's thing is ("설명", "의미")
_SAYS_WHAT_HEADER = re.compile(r"^(?:설명|의미|뜻|역할|내용)$")
# a person named as the notes name one (a name of two words, spelled out in Latin letters),
# doing it: "얀 르쿤(Yann LeCun) 연구진이 …"; not "2017년 논문(Attention Is All)이"
_NAMED_DOER = re.compile(
    r"(?<!\w)[가-힣]{1,5} [가-힣]{1,5}\s?\((?:[A-Z][A-Za-z.'-]+ ?){2,4}\)\s?"
    r"(?:연구진|연구팀|팀|등)?(?:이|가|께서)\s"
)
# A name with its maker in parentheses: "T5 (Google)", "GPT (OpenAI)"
_MAKER = re.compile(r"^[A-Za-z0-9.\-]+\s?\((?:by )?[A-Z][A-Za-z]+\)$")
# The words that ask a kind rather than say what is asked ("왜", "이유", "예시")
_KIND_TERMS = frozenset(
    {
        "왜",
        "이유",
        "언제",
        "경우",
        "때",
        "어떻",
        "방법",
        "예시",
        "예",
        "종류",
        "유형",
        "누구",
        "누가",
    }
)
# Two cases a thing is compared in ("학습할 때랑 추론할 때", "훈련 시와 평가 시"): their words
_TWO_CASES = re.compile(
    r"([가-힣]{2,}?)(?:할|일|하는)?\s?(?:때|시)(?:랑|와|과|하고|이랑)\s([가-힣]{2,}?)(?:할|일|하는)?\s?(?:때|시)"
)
_COMPARE_TERMS = frozenset({"차이", "차이점", "다르", "비교", "구분", "공통점"})
_HANGUL = re.compile(r"[가-힣]")
_HANGUL_WORD = re.compile(r"[가-힣]+")
# A case and that the thing is used in it ("… 경우에 사용됨", "… 때 유리하다")
_SAYS_USE = re.compile(r"(?:때|시에?|경우에?)\s*(?:사용|유용|유리|좋|자주|쓰|쓴|적합)")
# A person as the notes name one: "제프리 힌턴 (Geoffrey Hinton)", "앤드루 응(Andrew Ng)"
# a name of two or three words in Hangul ("요슈아 벤지오")
_NAME_SHAPE = re.compile(r"[가-힣]{1,5}(?: [가-힣]{1,5}){1,2}")
_PERSON = re.compile(r"^[가-힣]{1,5}(?: [가-힣]{1,5}){0,2}\s?\((?:[A-Z][A-Za-z.'-]+ ?){2,4}\)$")


# "…은 누구야?", "어떤 사람이야?": who someone is, not who made a thing
_ASKS_WHO_IS = re.compile(
    r"누구(?:야|예요|에요|인가요|니|지|임)|(?:어떤|뭐 한|무엇을 한|무슨 일을 한) 사람"
)


def _as_person(text: str, subjects: list[str]) -> bool:
    """Whether `text` names one of `subjects` as a person, spelled out in Latin letters
    ("1958년 로젠블랫(Frank Rosenblatt)이 제안한 …", "러멜하트(Rumelhart), 힌턴(Hinton)"):
    what it says of them says who they are."""
    return any(
        re.search(re.escape(s) + r"\s?\((?:[A-Z][A-Za-z.'-]+ ?){1,4}\)", text) for s in subjects
    )


@lru_cache(maxsize=4096)
def is_person(text: str) -> bool:
    """A name with its spelling in Latin letters, the name a proper noun: "계층적 군집
    (Hierarchical Clustering)" has the shape of "제프리 힌턴 (Geoffrey Hinton)" but is no
    person."""
    return bool(_PERSON.match(text)) and default_analyzer().opens_with_name(text)


# What a term names of its kind ("예시", "목적", "방법"); "특징" or "정의" terms are facts.
_TERM_KINDS = frozenset({"when", "why", "how", "example", "list"})
_LIST_ITEM = 20
_SCORE_DIGITS = 9
# "CNN 수업에서 배운 …": where and how the asked thing was met, not what is asked of it
_LESSON_WORDS = frozenset({"수업", "강의", "배우"})
_LIST_BONUS = 1.0
# The kinds whose answer, when the notes do not say it, is what they say the subject is.
_SPACES = re.compile(r"\s+")
# "어떻게 표현해?", "어떻게 나타내?": how a thing is written, which a value answers
_ASKS_FORM = re.compile(r"어떻게\s?(?:표현|나타내|나타낼|표시|표기)")
_FALL_BACK_TO_DEFINITION = frozenset({"who", "why", "when", "how", "example"})
_PART_LINE = 80
# A title that says what a thing is for or does, not its name ("비선형을 위한 커널")
_SAYS_MORE = re.compile(r"[가-힣][을를이가은는의에]\s|위한|하는\s")
# A line longer than this, of more sentences than `_TRIM_SENTENCES`, is cut to those that
# matter (`UnitSelector._trimmed`).
_LONG_LINE, _TRIM_SENTENCES = 240, 3
# A question about the notes' code ("코드에서 …"); words that only say it is code.
# "데이터셋 분포 확인한 다음 단계들", "… 다음엔 뭐 해?": what comes after an entry of a list
_ASKS_NEXT = re.compile(r"다음\s?(?:단계|순서|과정|할\s?일|엔\s?뭐|에는?\s?뭐|은\s?뭐)")
_ASKS_CODE = re.compile(
    r"코드"
    # what an API gives back is written in its code ("파일 업로드 API는 성공하면 뭘 돌려줘?")
    r"|(?:api|API|엔드포인트|endpoint|프록시)(?:는|가|은|이|에서)?\s.*(?:돌려|반환|리턴)"
)
# "선형 커널 식이 뭐야?", "지니 계수 공식", "h_t는 어떤 식으로 계산돼?": the formula is
# asked for ("어떤 식으로 돌려줘?" alone asks in what way, not for a formula)
_ASKS_DISPLAY_MATH = re.compile(
    r"공식(?!\s?(?:문서|사이트|홈페이지|블로그|깃허브))|수식|계산식|formula|equation"
    r"|(?<![가-힣])식(?:은|이|을|에서|에|의|도|만)?(?![가-힣])"
    r"|(?<![가-힣])식으로\s?(?:계산|구하|구해|나타내|나타낸|표현|정의|쓰면|쓴)",
    re.IGNORECASE,
)
_FORMULA_WORDS = frozenset({"공식", "수식", "식", "계산식", "formula", "equation"})
_FORMULA_PROSE = 2  # lines of prose the notes give right above a formula, shown after it
# "fully connected layer는 우리말로 뭐라고 불러?", "지도학습은 영어로 뭐라고 해?": the name
# in the other script is asked for
_ASKS_OTHER_NAME = re.compile(
    r"(?:우리말|한국말|한국어|한글|영어|영문)\s?(?:으로|로)\s?(?:는\s?)?"
    r"(?:뭐라고|머라고|뭐|어떻게)\s?(?:불러|부르|해|하|써|쓰|읽|말|야|예요|에요|임)"
)
# "지도학습(Supervised Learning)", "fully connected layer(완전 연결 계층 - 전결합층)": a
# name, then the same in the other script in parentheses
_GLOSSED = re.compile(
    r"(?P<outer>[A-Za-z][A-Za-z0-9 .\-]{0,40}?|[가-힣][가-힣0-9 ]{0,20}?)\s*"
    r"\((?P<inner>[^()]{2,40})\)"
)
_LATIN_LETTER = re.compile(r"[A-Za-z]")
# "마이그레이션 파일 만드는 명령어 어떻게 쳐?", "DB에 반영하려면 뭐 실행해야 돼?": the
# command is asked for, not only what it does
_ASKS_COMMAND = re.compile(
    r"명령어|커맨드|command|명령\s*(?:은|을|이|좀|뭐|알려|어떻게)"
    r"|(?:어떻게|어케|뭐|뭘|뭐라고)\s*(?:쳐|치|입력|실행)"
)
# a line a shell runs: "(venv) $ flask db migrate", "pip install flask-login"
_COMMAND_LINE = re.compile(
    r"^\s*(?:\([\w.-]+\)\s*)?\$\s*\S"
    r"|^\s*(?:pip3?|python3?|flask|uvicorn|conda|git|docker|npm|alembic|streamlit)\s+\S"
)
# "어케 쳐?", "뭐라고 입력해?": what to type is asked
_ASKS_TYPING = re.compile(r"(?:어떻게|어케|뭐라고|뭘)\s*(?:쳐|치|입력)")
# the names and numbers a command is written with ("uvicorn", "8888", "--reload")
_NAME_OR_NUMBER = re.compile(r"[A-Za-z][A-Za-z0-9_]*|\d+")
_COMMAND_SHARE = 0.5
# The share of its score a line keeps where the question says where its subject belongs
# ("SVM에서 커널은") and neither the line nor its labels name that
_OUTSIDE_DOMAIN = 0.95

# Nouns for what two things are compared in ("병렬 처리 면에서 뭐가 달라?")
_FACETS = frozenset({"면", "측면", "관점", "입장"})
_CODE_WORDS = frozenset({"코드", "code", "함수", "변수", "줄", "부분", "설정", "값"})
_CODE_LABEL = 0.5  # an asked word in the labels of a line of code counts less than in it
_CODE_RANK = 0.05
_CODE_IMPORT = 1.0  # an import says what is used, seldom what is asked
_CODE_IMPORT_ASKED = 2.0  # an import line where what is imported is asked
_CODE_DEFINES = 0.5  # the line that sets or defines the name asked about
_CODE_DEFINES_NAME = 1.5  # the same for a name with an underscore ("OUTPUT_DIR")
_CODE_NEAR = 1.5  # a line beside those the answer before quoted
_CODE_CONDITION = 1.0  # a line that tests a condition ("if request.add_noise:"), for 언제
_CONDITION = re.compile(r"^\s*(?:if|elif|while)\b")
_CODE_BEYOND = 1.0  # a word asked beyond the subjects ("얼굴 부분만 어떻게 잘라내": 잘라내)
_CODE_SCOPE = 6  # the lines of code either side of one that stand in its context
_CODE_NEAR_NAMED = 0.5  # and such a line is about what was asked before
_CODE_DOMAIN = 0.5  # a side that only says where the asked thing belongs
_IMPORT = re.compile(r"^(?:import|from)\s")
# "logger.info(f"MNIST 샘플 이미지(…)가 저장되었습니다")", ""message": "모자이크 처리 완료"":
# what the code reports, not what it does
_LOGS = re.compile(r"^(?:logger|logging|log|print)\b")
_MESSAGE = re.compile(r"^(?:return|raise|yield)\b|[\"'](?:message|detail|error|msg)[\"']\s*:")
_QUOTED = re.compile(r"([\"'])(?:(?!\1).)*\1")
_LOG_WORDS = r"로그|출력|기록|찍|print|log"
_ASKS_LOG = re.compile(_LOG_WORDS, re.I)
_ASKS_MESSAGE = re.compile(
    rf"{_LOG_WORDS}|메시지|메세지|응답|반환|돌려|리턴|return|에러|오류|문구|뭐라고", re.I
)
_CODE_LINES = 8
_DAY_ITEMS = 16
_CODE_BLOCK = 3
_OPENS = ("(", "[", "{", ",")
_CLOSES_ONLY = re.compile(r"^\s*[)\]}]+[,;]?\s*$")
# a line that opens what runs when the lines before did not ("except …:", "else:"), or the
# next function ("@router.get(…)"): no step of theirs
_OTHER_BRANCH = re.compile(r"^\s*(?:except|else|elif|finally)\b|^\s*@")
# a name as code writes it: snake_case or camelCase ("UPLOAD_DIR", "MnistSampleRequest")
_IDENTIFIER = re.compile(r"[A-Za-z0-9]_[A-Za-z0-9]|[a-z][A-Z]")
_PART_TEXT = 240
# Labels over the steps of a procedure ("학습 과정", "분석 절차").
_ASKED_LABEL_BONUS = 2.0
_PROCEDURE_WORDS = STEP_WORDS | {"흐름", "프로세스"}
_ASKS_STEPS = re.compile("|".join(sorted(_PROCEDURE_WORDS)))
# and over the ways of doing a thing ("순도 계산 방법" > "엔트로피", "지니 계수")
_WAY_LABEL_WORDS = _PROCEDURE_WORDS | {"방법"}
# The entries of a thing, asked for as such ("주요 파라미터", "인자", "옵션")
_ENTRY_WORDS = re.compile(r"파라미터|인자|옵션|매개\s?변수|메서드|프로퍼티|속성")
_TERM_RUN = 3
# Lines between a line and the table it introduces: a blank line and the header rows
_TABLE_GAP = 4
# "장점은?", "어떤 특징이 있어?" (not "특징 맵이 뭐야?")
_FACET_WORDS = frozenset({"장점", "단점", "장단점", "특징", "한계", "문제점"})
_PROS = re.compile(
    rf"(?:{'|'.join(sorted(_FACET_WORDS, key=len, reverse=True))})"
    # (or asked for right after it: "RNN 단점 뭐야?", "SVM 장점 알려줘")
    r"(?:[은는이가을를도]|들|\s*\?|\s*$|\s+(?:뭐|무엇|알려|정리|설명|좀|있|말해|보여|꼽))"
)
_PROS_BONUS = 1.5
# What a line says that makes it a weakness or a strength ("… 과적합되기 쉬우므로", "이상치가
# 많은 데이터에는 약하다"; "과적합에 강해진다"), for a question that asks for one
_WEAKNESS = re.compile(
    # (약하 as a word of its own: not "요약하고")
    r"단점|한계|약점|(?<![가-힣])약[하해]|취약|민감|어렵|어려[운워]|느리|느려"
    r"|[되하]기 쉽|[되하]기 쉬|흔들리|못한다|부족|비효율|오래 걸|운에 의존|병목"
    # a gradient that vanishes or explodes ("기울기가 0에 가깝게 사라지거나(기울기 소실)")
    r"|기울기 (?:소실|소멸|폭주|폭발)"
    # a cost ("K-평균 군집화에 비해 연산량은 많지만")
    r"|(?:연산량|계산량|메모리)[은는이가]?\s?(?:많|크|늘)"
    # a caveat, and the trouble it brings ("다만 … 죽은 ReLU 문제가 생길 수 있다")
    r"|다만 |문제가 (?:생|발생)"
)
_STRENGTH = re.compile(
    # (robust to a thing, "과적합에 강해진다"; not a setting that grows, "규제가 강해진다")
    r"장점|강점|에 강하|에 강해|유리|쉽고|쉽다|간단|편리|빠르|빨라|효과적|잘 된다|좋아진"
    # (not advice: "… 표준화한 뒤 학습하는 것이 좋다")
    r"|(?<!것이 )(?<!게 )좋다"
)
_ASKS_WEAKNESS = re.compile(r"단점|한계|약점|문제점")
# "PCA 하기 전에 뭘 해야 돼?": what is done before it, said as such ("먼저 표준화하는 것이
# 좋다")
_ASKS_BEFORE = re.compile(r"[가-힣]기\s?전에|전에\s(?:뭘|무엇을|뭐)|먼저\s(?:뭘|무엇을|뭐)")
_BEFORE = re.compile(r"먼저|[가-힣]기\s?전에|앞서\s|[가-힣]한\s?(?:뒤|후)에?\s")
# The word a question asks for weaknesses by ("결정 트리 단점은?": 단점); strengths are
# said in too many words ("효율적으로 좋은 … 찾음") to tell the notes hold none
_WEAKNESS_WORD = re.compile(r"(?<!장)단점|한계|약점|문제점")
# (or what is better in it than in another: "GRU는 LSTM보다 뭐가 좋아?")
_ASKS_STRENGTH = re.compile(
    r"장점|강점|좋은 점|나은 점"
    r"|보다\s*(?:뭐가|무엇이|어떤 점이|어디가|어떤 게)?\s*(?:더\s*)?(?:좋|낫|나아|나은|뛰어나|빠르)"
)
_PROS_TEXT_BONUS = 0.8


# "파라미터 수는 어떻게 계산해?": a formula is asked ("… 파라미터 수는 (K_h K_w C_{in} +
# 1) \times C_{out}이다", "O = (I - K + 2P) / S + 1")
_ASKS_FORMULA = re.compile(r"계산|공식|수식|구해|구하|구할")
_FORMULA = re.compile(r"\\(?:times|frac|sum|sqrt|cdot|lfloor)\b|=\s?[^=,.]{0,40}?[+\-*/^×]\s?\w")


def _said_as_asked(question: str) -> list[re.Pattern[str]]:
    """The wording of a line that says what `question` asks of its subject beyond what it
    is: a weakness ("결정 트리 단점은?"), a strength ("GRU는 LSTM보다 뭐가 좋아?"), a
    formula ("Conv2D 파라미터 수는 어떻게 계산해?")."""
    return [
        pattern
        for asked, pattern in (
            (_ASKS_WEAKNESS, _WEAKNESS),
            (_ASKS_STRENGTH, _STRENGTH),
            (_ASKS_FORMULA, _FORMULA),
        )
        if asked.search(question)
    ]


# "… 평가 지표를 정리한 노트이다", "… 사용하는 레포지토리 입니다": a line about the note itself
_ABOUT_THE_NOTE = re.compile(
    r"(?:정리한|모은|다룬|담은|정리해 둔|모아 둔|사용하는)\s?(?:노트|문서|자료|레포지토리|저장소)"
    # (at the end of its sentence: "… 정리한 노트이다. 예시 코드는 scikit-learn 기준이다.")
    r"\s?(?:이다|입니다|예요|임)?(?:\.\s|\.?\s*$)"
)
_NOTES_WORDS = re.compile(r"노트|레포|문서|저장소|자료")
# A line that ends as a sentence does ("…이다.", "…함"), not as a name or a label
SENTENCE_END = re.compile(r"[.!?。…]$|[다요음함임됨짐]$")
_SUPPORT_TERMS = 3
_CELL_BONUS = 1.5
# "공식 사이트: …, 라이선스: BSD License, …": a table row read as "header: value" cells
_CELL_SPLIT = re.compile(r",\s(?=[^,:]{1,24}:\s)")
_MARKS = re.compile(r"[*`_]{2,}|`")
_PARENS = re.compile(r"\s*[(（][^)）]*[)）]")
# Spellings of one name side by side in its parentheses ("RNN | Recurrent Neural Network")
_SPELLINGS_APART = re.compile(r"\s*[|/]\s*")
# "출력 크기는 입력 크기 I, … O = \lfloor (I - K + 2P) / S \rfloor + 1과 같이 계산한다."
_PROSE_AROUND_MATH = 12
_LATEX = re.compile(r"\\[A-Za-z]+|^&|\^\{|_\{")
# A line of a math environment ("&n: \text{…} \\"): never prose, whatever it holds
_MATH_ROW = re.compile(r"^&|\\\\\s*$|\\text\{")
# A year says since when a thing exists ("최초 릴리스: 2010년")
_YEAR = re.compile(r"\d{4}년")
# "어떻게 써?", "어떻게 활용해?": how a thing is used
_HOW_USED = re.compile(r"어떻게\s?(?:써|쓰|사용|활용)")
# What a thing is used as ("… 입력 크기를 줄이는 전처리로 쓴다")
_USED_AS = r"[가-힣](?:으로|로)\s(?:쓴다|쓰인다|사용한다|사용된다|활용한다)"
# that it is used so: as something, or in a case ("… 경우에 사용됨")
_SAYS_USED = re.compile(rf"{_USED_AS}|{_SAYS_USE.pattern}")
_SAYS_USED_BONUS = 0.5
# What a thing is for, said as such ("… 위해", "… 전처리로 쓴다"), not only a cause inside
# a statement of something else ("… 지배하므로 먼저 표준화하는 것이 좋다")
_PURPOSE = re.compile(rf"위해|위함|위한|목적|하려고|해결하고자|{_USED_AS}")
# Prose that answers a kind without a label saying so ("…해결하고자 도입한 것이 커널 트릭").
# a case, and what arises in it ("오차가 멀리 전파될 때 … 문제점(기울기 소멸 문제)이
# 발생함"): what causes a thing
_ARISES = re.compile(r"(?:때|면)[\s(].{0,80}?(?:발생|생긴다|생김|생겨|생기)")
# "… 문제는 왜 생겨?": what causes it, not what it is for
_ASKS_CAUSE = re.compile(r"왜\s?(?:\S+\s){0,3}(?:생기|생겨|생긴|발생|일어나|일어난|나타나)")
# "… 많으면", "… 적을 때": the predicate of a case
_CASE = r"(?:많|적|크|작|없|있|않|높|낮|길|짧|부족하|충분하)(?:으?면\s|을 때)"
_TEXT_KIND = {
    # a purpose, or what it achieves ("정확도를 높인다", "과적합을 막는다")
    "why": re.compile(
        # or its cause ("과적합의 주된 원인은 …")
        r"위해|위함|위한|때문|해결하고자|목적|이유|원인|하려고|높인|높여|막는|막아|방지|개선(?!안)|향상"
        r"|줄인다|줄여\s?주|줄이[고기며]|줄일\s?수|막을\s?수|확보|므로|니까"
        # the effect it has ("… 데이터를 늘리는 효과를 내는 기법"), or its strengths
        # ("디버깅과 실험이 쉽고 직관적인 장점을 가졌다")
        r"|효과[를가]\s?(?:내|낸|있|준|얻)|장점[이을]\s?(?:있|가지|가졌|갖)"
        # the part it plays ("… 출력되는 값을 조절하는 역할을 함")
        r"|역할을?\s?(?:함|한다|해|합니다)"
        # what it lets one do, helps to, keeps from happening, or avoids ("어디서나 …
        # 실행할 수 있게 해주는", "… 관계를 볼 수 있게 한다", "기울기가 잘 흐르도록 돕는다",
        # "미래 토큰을 보지 못하도록 …", "서버 과부하를 피하는")
        r"|수 있게 [해한하]|수 있도록|지 (?:않|못하)도록|피하는|피하기|피할|도록 돕|도록 도와"
        # what gets better by it ("CNN으로 하면 정확도가 올라간다", "학습이 빨라짐")
        r"|(?:올라|좋아|빨라|높아|쉬워)(?:간|감|갔|진|짐|졌)|줄어[든듦]"
        # what goes wrong without it ("패딩이 없으면 … 출력이 작아진다", "… 모델과 맞지
        # 않으면 자동으로 422 오류를 돌려주고")
        r"|[이가]\s?없으면|지 않으면"
        # what it is used as, or for ("… 두 변수의 관계를 규명하는데 사용하는 방법")
        rf"|{_USED_AS}|[가-힣]는\s?데\s?(?:사용|쓰|쓰이|쓰인|활용)"
        # or what one does with it ("진행률을 확인할 때 사용"; not a case it suits, "이상치가
        # 많을 때 사용하면 좋다")
        r"|[을를]\s(?:\S+\s)?\S*[할볼]\s?때\s?(?:사용|쓰|쓴|활용)"
        # what it is that makes it so ("기울기가 항상 1이라 깊은 신경망에서도 학습이 잘
        # 된다")
        r"|(?<=[가-힣0-9])이?라\s(?!(?:고|는|면|도)\b)\S+.{0,40}?"
        r"(?:잘\s?(?:된다|됨|돼|되)|좋다|좋음|쉽다|쉬움|빠르다|빠름)"
        # what it is chosen for ("… 균형이 좋은 미니배치 방식을 주로 쓰며")
        r"|좋(?:은|아서)\s.{0,30}?[을를]\s?(?:주로\s?)?(?:쓰|쓴|사용|선택)"
    ),
    # or where it is used, for what ("3차원 식에서 사용", "디버깅 용도"; since when is
    # `_YEAR`)
    "when": re.compile(
        rf"{_SAYS_USE.pattern}|할 때|일 때"
        r"|에서 사용|용도"
        # what it is used as ("… 잡음을 줄이는 전처리로 쓴다")
        rf"|{_USED_AS}"
        # what it is done on, and only there ("스케일러는 학습 세트에만 fit하고 …"), or
        # what it is for, said last ("선형으로 분류 가능한 데이터에 적용")
        r"|[가-힣]에만\s|[가-힣]에\s(?:적용|사용)(?:함|됨|한다|된다)?\.?$"
        # what it suits ("그리드 형태 데이터 처리에 매우 효과적인")
        r"|[가-힣]에\s(?:매우\s|특히\s|아주\s)?(?:효과적|적합|유리)"
        # what it is used for ("한 화면에 여러 개의 이미지를 담기 위해 사용")
        r"|위해\s?(?:사용|쓴|쓰|쓰인|활용)"
        # what it is used for, and how often: "RNN 학습에 자주 사용"
        r"|에\s(?:자주|주로|많이|널리)\s?(?:사용|쓰|쓰이|쓰인|활용)"
        # where it is used: "단어예측, 문장생성, 시계열 예측 등 널리 사용된다"
        r"|등(?:에서|에)?\s*(?:널리|많이|주로|자주)?\s*(?:사용|쓰이|쓰인|활용)"
        # "기계 번역, 음성 인식 등에서 Transformer 이전까지 가장 널리 쓰인"
        r"|등(?:에서|에)\s(?:\S+\s){0,3}?(?:널리|많이|주로|자주)\s?(?:사용|쓰이|쓰인|쓰였|활용)"
        # how often: "거의 안 씀", "잘 안 쓴다"
        r"|(?:거의|잘) 안 (?:씀|쓴|써|사용)"
        # a case, then that it is the one chosen ("놓치는 비용이 크면 재현율을 중시한다")
        r"|[가-힣]면\s(?:\S+\s){0,3}?\S*(?:중시|선택한다|고른다|택한다)"
        # a line that opens with the case it speaks of ("이상치가 많으면 … RobustScaler가 덜
        # 흔들린다", "데이터가 적을 때는 …"); not with doing it ("ReLU를 쓰면 …": how), nor
        # with a setting named in code ("하이퍼파라미터 `C`가 크면 마진이 좁아지고": what
        # the setting does)
        rf"|^(?!(?:\S+\s){{0,6}}?[A-Za-z_][\w.]*[이가]\s{_CASE})(?:\S+\s){{0,6}}\S*{_CASE}"
        # a thing said as the case it is ("… 역추론을 해야하는 경우이다")
        r"|[는은]\s경우(?:이다|임|입니다|에\s해당)"
    ),
    # a way or a mechanism ("…필터 간의 합성곱 연산을 통해 특정 맵을 생성")
    "how": re.compile(
        r"방법|순서|단계|과정|원리|→|계산한다|구한다|[을를] 통해|이용하여|거치면서"
        # a formula, not an official site ("공식 사이트")
        r"|공식(?!\s?(?:사이트|문서|홈페이지))"
        # a remedy: "ReLU를 쓰면 이 문제가 줄어든다", "클리핑으로 막는다"
        # (not a case it suits: "… 환경에서 사용하면 좋습니다" says when)
        r"|(?:쓰|사용하|적용하)면(?!\s*(?:좋|유용|편리))|(?:으로|로) 막|해결한다"
        # what is made to deal with it ("… CSRF에 대처하기 위한 폼을 작성하는 확장")
        r"|에 대처하기 위한|(?<![가-힣])방지(?:를 위한|하기 위해|용)?(?=[\s,.)]|$)"
        # a means and what it makes ("필터 간의 연산으로 특징 맵을 만든다"), or keeps in
        # check ("… 가지치기(pruning)로 복잡도를 조절한다")
        r"|(?:으로|로)\s(?:\S+\s){0,3}(?:만든다|생성|계산|조절한다|제한한다|억제한다)"
        # steps ("차를 구해서 제곱한 값을 모두 더한 후"), or a setting written out
        # ("activation = 'softmax'")
        r"|구해서|(?:한|된) 후|[A-Za-z_]+\s?=\s?['\"\w]"
        # a means, then what it makes ("2개의 문자열을 결합하여, 1개의 경로로 할 수 있음")
        r"|[을를]\s[가-힣]+하여,\s\S+"
        # what must be done for it ("귀무가설을 반박해야 대립가설이 신뢰를 받을 수 있다")
        r"|해야\s(?:\S+\s){0,4}?\S*\s?수\s?있"
    ),
    # or names some of a kind ("<GPT, BERT, PaLM 등이 있음")
    # or gives some as a list before "처럼" ("좌우 뒤집기, 무작위 자르기, 회전처럼")
    # or two joined by 이나/와 ("스팸 메일 판별이나 손글씨 숫자 인식처럼")
    "example": re.compile(
        r"예시|예를 들|예\)|예\s?:|ex\)|e\.g\.|등이?\s?있|,\s[^,]{1,30}처럼"
        r"|[가-힣](?:이나|와|과)\s[^,]{1,30}처럼"
        # the things that stand for a kind ("대표적인 비지도 작업은 … 군집화(K-Means,
        # DBSCAN)와 …"; not "… 표현하는 대표적인 방법을 의미함")
        r"|대표적인(?:\s[^\s,]+){1,2}?(?:은|는|로는|으로는)\s"
        # a sentence quoted as an instance ('"안녕"뒤에 하세요…', '"나는... 오늘... 기분이...
        # 좋다"')
        r"|[\"“][^\"”]*[가-힣][^\"”]*[\"”]",
        re.I,
    ),
    # what it is made of ("입력 게이트와 망각 게이트, 출력 게이트로 구성되어있다", "신경망은
    # layer로 되어 있다")
    # or names them ("정확도(Accuracy), 정밀도(Precision), 재현율(Recall)은 모두 …")
    "list": re.compile(
        r"구성|종류|나뉜|나뉘|나눈다|나눠|(?:으로|로) (?:되어|이루어져|이뤄져) ?있"
        r"|^[^,]{1,30}(?:,[^,]{1,30}){2,}?\s?(?:은|는|이|가)?\s?(?:모두|등)"
        # "<GPT, BERT, PaLM 등이 있음"
        r"|,[^,]{1,30}\s등이?\s?있"
        # one, then another there is too ("… 맥스 풀링이 가장 흔하고, … 평균 풀링도 있다"; not
        # "… 할 수도 있다", "… 때도 있다")
        r"|고,\s.{1,40}?(?<![수때])도\s있(?:다|음|어요|습니다)"
        # the values a setting takes, quoted ("\"valid\" (잘라냄), \"same\" (사이즈 유지)")
        r"|([\"'])[^\"',]{1,24}\1(?:\s?\([^)]{1,20}\))?,\s?([\"'])[^\"',]{1,24}\2"
    ),
}


# How a thing works, said as its parts each doing their own ("생성자는 … 가짜 데이터를
# 생성하고, 판별자는 …", "망각 게이트(forget gate)는 … 버릴 정보를, 입력 게이트는 …")
_WORKS = re.compile(
    r"[가-힣)]\s?(?:은|는)\s[^.,]{1,60}?(?:고|[을를]),\s?[^.,]{0,30}?[가-힣)]\s?(?:은|는)\s"
)


# A measure said as a share or a quotient ("… 중에 실제로 맞은 비율", "… 전체 문제 수로 나눈 값")
_RATIO = re.compile(r"중에?\s?\S+\s\S*비율|비율(?:을|이다|임|\.|,|$)|나눈\s?값")


def asks(unit: UnitRecord) -> str:
    """The kind of question a unit answers by its labels: the label it stands under
    ("언제 사용하면 좋을까?"), or its own term ("예시 : 주가 분석 예측", a table row
    "목표 | …")."""
    if unit.ask:
        return unit.ask
    own = ask_of(unit.term) if unit.kind in ("term", "row") and unit.term else ""
    return own if own in _TERM_KINDS else ""


# "CNN은 이미지를 어떤 식으로 이해해?": the doing asked how of, a noun made a verb
_HOW_DONE = re.compile(
    r"(?:어떻게|어떤\s?(?:식|방식)으로|무슨\s?(?:방법|식)으로)\s*([가-힣]{2,}?)(?:해|하|돼|되|했|할|한|함)"
)


# "REST API는 어떻게 만들어?": the verb asked how of, as its stem
_HOW_VERB = re.compile(r"어떻게\s*([가-힣]{2,3}?)(?:어|었|나요|니|냐|지)")
# what a thing is done by, then the doing ("DRF를 추가 설치함으로서 … REST API를 간단히
# 만들 수 있음")
_BY_MEANS = r"(?:으로써|으로서|해서|하여|써서)\s.{0,40}?"


@lru_cache(maxsize=256)
def _means_of(question: str) -> re.Pattern[str] | None:
    """What a line that says how `question`'s doing is done reads like ("…서 이해" for "어떤
    식으로 이해해?", "…함으로서 … 만들" for "어떻게 만들어?"); read once a question, not once
    for every line weighed."""
    done = _HOW_DONE.search(question)
    if done is not None:
        return re.compile(rf"[서써]\s?{done.group(1)}")
    verb = _HOW_VERB.search(question)
    return re.compile(rf"{_BY_MEANS}{verb.group(1)}") if verb is not None else None


def _says_means(text: str, question: str) -> bool:
    """Whether `text` says by what means the doing `question` asks how of is done ("이미지를
    숫자의 행렬로 바꿔서 이해하는 것" for "어떤 식으로 이해해?")."""
    means = _means_of(question)
    return means is not None and means.search(text) is not None


def answers_kind(unit: UnitRecord, kind: str, question: str = "") -> bool:
    """Whether a unit answers a question of `kind`: by its labels (`asks`), or by its own
    wording; a year says when (since when: "최초 릴리스: 2010년"), unless `question` asks
    when a thing is used ("LSTM은 언제 써?": not "1997년에 제안된 …"); parts each doing
    their own say how a thing works, if `question` asks that ("LSTM은 어떻게 작동해?": "망각
    게이트는 … 버릴 정보를, 입력 게이트는 …")."""
    if asks(unit) == kind:
        return True
    if kind == "when" and _year_answers(question) and _YEAR.search(unit.text):
        return True
    if kind == "how" and asks_how_it_works(question) and _WORKS.search(unit.text):
        return True
    if kind == "how" and _says_means(unit.text, question):
        return True
    if kind == "how" and asks_computing(question) and _RATIO.search(unit.text):
        # a measure said as the share it is of what ("positive라고 예측한 것 중에 실제로
        # 맞은 비율") says how it is worked out
        return True
    if kind == "who":
        # a person named, or someone said to have made it ("얀 르쿤이 개발한 구조")
        return (
            is_person(unit.term)
            or bool(_MAKER.match(unit.term))
            or _by_someone(f"{unit.term} {unit.text}")
            or any(_owned_by_someone(label) for label in unit.labels)
        )
    if kind == "when" and _says_when(unit.text):
        return True
    if kind == "why" and _under_pros(unit):
        # "한계: 긴 시퀀스 학습 어려움 …", a strength or a limit, says why one is chosen
        return True
    pattern = _TEXT_KIND.get(kind)
    return bool(pattern and pattern.search(unit.text))


# "스팸메일 분류 --> 로지스틱 회귀이다. (스팸이냐 아니냐)": a case, then the thing it is a
# case of
_CASE_OF = re.compile(
    r"^(?P<case>[^>→]{2,60}?)\s*(?:-+>|→|=>)\s*(?P<thing>[^()>→]{2,40}?)\s*"
    r"(?:이다|입니다|임)?\s*\.?\s*(?:\([^()]*\))?\s*\.?$"
)


def _case_of(text: str, keys: set[str]) -> bool:
    """Whether `text` gives a case of one of the things keyed (`_CASE_OF`)."""
    match = _CASE_OF.match(text)
    return match is not None and _key_of(match.group("thing")) in keys


# A line names this many of a kind ("망각 게이트는 …, 입력 게이트는 …, 출력 게이트는 …")
_LISTED_TIMES = 3
# Words before a name that mark it the main one of its kind ("주요 하이퍼파라미터")
_MAIN_WORDS = frozenset({"주요", "기본", "대표", "핵심"})
# "언제 나왔어?": when it came up in class, or when it came out
_CAME_OUT = re.compile(r"언제\s?나왔")


def _answers_asked(
    unit: UnitRecord, kind: str, question: str, listed: frozenset[str] = frozenset()
) -> bool:
    """`answers_kind`, where the kinds of a compound ("LSTM 게이트 종류 알려줘") are also a
    line that names its head (`listed`: 게이트, as written and as its term) several times
    ("망각 게이트는 …, 입력 게이트는 …, 출력 게이트는 …"), which no list wording marks."""
    if kind == "list" and listed:
        text = unit.text.casefold()
        if any(text.count(h) >= _LISTED_TIMES for h in listed):
            return True
    return answers_kind(unit, kind, question)


def _asked_of_another(unit: UnitRecord, subjects: list[tuple[set[str], str]]) -> bool:
    """Whether the title that gives `unit` the kind it answers is of another thing: the
    line and its titles name none of the subjects whole ("차원 축소 방법: 데이터들의 …"
    for 시계열 데이터); "왜 사용할까?" asks it of the bullet above it, whatever that is."""
    label = next((lb for lb in reversed(unit.labels) if ask_of(lb) == unit.ask), "")
    if not label or is_question_label(label) or not subjects:
        return False
    words = unit.terms | unit.context_terms
    said = _whole_key(unit)
    return not any((s and s <= words) or (k and k in said) for s, k in subjects)


def _year_answers(question: str) -> bool:
    """Whether a year answers `question` (when a thing came, not when it is used)."""
    return not (question and ASKS_USE.search(question))


def _under_pros(unit: UnitRecord) -> bool:
    """Whether `unit` stands under, or is named, 장점 / 단점 / 한계 / 특징."""
    return "pros" in (unit.ask, ask_of(unit.term) if unit.term else "")


def _says_weakness(unit: UnitRecord) -> bool:
    """Whether `unit` gives a weakness: a line under 장점 / 단점 / 한계 / 특징, or one that
    says a weakness in prose ("… 과적합되기 쉬우므로")."""
    return _under_pros(unit) or bool(_WEAKNESS.search(unit.text))


def _by_someone(text: str) -> bool:
    """Whether `text` says who made or proposed something: the doer marked by its particle
    (이 after a final consonant, 가 after none: "조경현 등이 제안한", not "0~1 사이 값을
    만들어"), or the maker named."""
    for m in _WHO_HINT.finditer(text):
        if m.group(2) not in ("이", "가") or m.group(1).isascii():
            return True
        final = (ord(m.group(1)) - 0xAC00) % 28 != 0
        if final == (m.group(2) == "이"):
            return True
    return bool(_MAKER_NOUN.search(text)) or bool(_NAMED_DOER.search(text))


# "얀 르쿤의 우편번호 자동 인식기": a thing titled as a person's
_OWNED = re.compile(r"^[가-힣]{1,5} [가-힣]{1,5}의\s")


def _owned_by_someone(label: str) -> bool:
    return bool(_OWNED.match(label)) and default_analyzer().opens_with_name(label)


# "…을 때", "…할 때", "알고싶을 때": a clause ending in ㄹ before 때 says when
_BEFORE_TTAE = re.compile(r"([가-힣])\s?때(?:[,에는도\s]|$)")
_RIEUL_FINAL = 8


def _says_when(text: str) -> bool:
    return any((ord(m.group(1)) - 0xAC00) % 28 == _RIEUL_FINAL for m in _BEFORE_TTAE.finditer(text))


@dataclass(frozen=True)
class Chosen:
    unit: UnitRecord
    passage: Passage
    score: float
    cell: bool = False
    """The unit is the cells of a table row that the question asks for."""
    lift: float = 0.0
    """What naming every thing asked about added to `score`: it decides which line
    leads, not how far below the lead the supporting lines may score."""
    command: str = ""
    """The shell command the notes give beside the line ("(venv) $ flask db migrate"
    under "flask db migrate: 마이그레이션 파일을 생성하는 명령"), for a question that asks
    for the command."""

    @property
    def base(self) -> float:
        return self.score - self.lift


@dataclass
class Selection:
    """The units an answer is made of, best first, and whether they answer the kind of
    question asked (`kind_found`); empty when nothing in the passages is about it."""

    units: list[Chosen] = field(default_factory=list)
    kind_found: bool = True
    says_little: bool = False
    """One line that says fewer than three things of its own ("dense: 밀집되어 있다")."""
    code: bool = False
    """The units are lines of the notes' code, quoted as they stand."""
    formula: bool = False
    """The units are the lines of formulas the notes give (display math, each with the
    rows that say what its symbols stand for), quoted in the notes' order."""
    day: str = ""
    """The day heading ("23.09.20") the first unit stands under, for a question that asks
    on which day something came up."""
    asked: str = ""
    """What the question asks of its subject where that is narrower than its kind
    ("단층 퍼셉트론의 한계는?": 한계), when no unit says it (`kind_found` is False)."""
    unnamed: str = ""
    """The subject asked about when the units are about its name less a prefix ("비활성화
    함수", where the notes' lines are about 활성화 함수) and no line names it: the units are
    the nearest the notes hold, not what they say of it."""


def _section(unit: UnitRecord) -> tuple[str, tuple[str, ...]]:
    return unit.source, unit.labels[: unit.heading_depth]


# A name's key: "서포트 벡터 머신 (SVM)" → "서포트벡터머신"
_key_of = name_key


def _calls(text: str, key: str) -> bool:
    """The line gives the name `key` to what it describes ("…을 전파라고 한다"), the whole
    name (not "…을 순전파라고 한다", "… 단순 선형 회귀라고 한다")."""
    name = r"\s*".join(map(re.escape, key))
    text = text.casefold()
    return bool(
        re.search(rf"(?:^|[을를]\s+){name}(?:이)?라(?:고|구)\s*(?:{_CALLING})", text)
        # "… 가중치를 갱신하는 것이 경사 하강법(gradient descent)이며"
        or re.search(
            rf"[는은]\s+것이\s+{name}\s*(?:\([^)]*\))?\s*(?:이다|이며|이고|입니다|다)", text
        )
        # "DNN(은닉층이 여러개 있는 것을 의미함)": the name, glossed in parentheses
        or re.search(rf"(?<![\w-]){name}\s*\([^)]*(?:의미|뜻|말한다|말함|말해)[^)]*\)", text)
        # "… 확률로 나온다. 임베딩은 유사한 것을 모아 논 것을 의미한다.": a sentence that
        # opens with the name says what it means
        or re.search(
            rf"(?:^|[.!?]\s+){name}[은는이가]\s+[^.!?]*?것을\s*(?:의미|뜻|말)(?:한다|함|합니다)",
            text,
        )
    )


def _persons_line(unit: UnitRecord) -> str | None:
    """The person whose name `unit` stands right under ("얀 르쿤 (Yann LeCun)" over "CNN:
    …"): a line that says what that person did."""
    return unit.labels[-1] if unit.labels and is_person(unit.labels[-1]) else None


def _sibling(unit: UnitRecord, beside: UnitRecord, keys: set[str]) -> bool:
    """Whether `unit` stands beside `beside` as its like, and by its own name (its term,
    the bullet it stands under, a table row's first cell) is about every subject in
    `keys`: the row "활성화 함수 | …" beside "손실 함수 | …", the line under "RNN/LSTM"
    beside the one under "트랜스포머", "회귀" > "데이터 유형: …" beside "분류" > "데이터
    유형: …"; not a line under another person's name ("요수아 벤지오" > "RNN & NLP: …" beside
    "얀 르쿤" > "CNN(합성곱 신경망): …"), which says what that person did."""
    person = _persons_line(unit)
    if person and beside.labels and person != beside.labels[-1]:
        return False
    own = [unit.term, *unit.labels[unit.heading_depth :][-1:]]
    named = _key_of(" ".join(own))
    cells = _cell_names(unit) if unit.kind == "row" else set()
    return (
        unit.unit_id != beside.unit_id
        and unit.source == beside.source
        and unit.kind == beside.kind
        and unit.labels[:-1] == beside.labels[:-1]
        and bool(keys)
        and all(_holds(named, k, keys, " ".join(own)) or k in cells for k in keys)
    )


def _whole_key(unit: UnitRecord) -> str:
    """The key of all a unit says, its term and context included: where a subject's name
    is looked for."""
    return _key_of(f"{unit.term} {unit.context} {unit.text}")


def _row_names(term: str) -> set[str]:
    """A table row's name, with or without the maker it carries ("GPT2 (OpenAI)": gpt2openai,
    gpt2)."""
    return {_key_of(term), _key_of(_SPELLED_OUT.sub("", term))} - {""}


def has_column(units: list[UnitRecord], row: str, column: str) -> bool:
    """Whether `units` hold a table row of `row` with a cell under `column` ("플라스크 |
    라이선스: BSD License" for 플라스크 and 라이선스)."""
    row_key, column_key = _key_of(row), _key_of(column)
    return bool(row_key and column_key) and any(
        u.kind == "row"
        and row_key in _row_names(u.term)
        and any(_key_of(c.partition(": ")[0]) == column_key for c in _CELL_SPLIT.split(u.text))
        for u in units
    )


def _cell_names(unit: UnitRecord) -> set[str]:
    """The names a table row's first cell after its term gives ("함수 | 손실 함수 (loss
    function) | …": 손실 함수, loss function)."""
    first = _CELL_SPLIT.split(unit.text)[0]
    return _names_of(first.partition(": ")[2] or first)


def _code_block(unit: UnitRecord, lines: list[UnitRecord]) -> list[UnitRecord]:
    """The lines of code around `unit` (`lines` in the notes' order) under the same
    headings with no other line between them: its fenced block."""
    headings = unit.labels[: unit.heading_depth]
    at = next(i for i, u in enumerate(lines) if u.unit_id == unit.unit_id)
    start = end = at
    while (
        start > 0
        and lines[start - 1].labels[: lines[start - 1].heading_depth] == headings
        and lines[start].line - lines[start - 1].line <= _CODE_GAP
    ):
        start -= 1
    while (
        end + 1 < len(lines)
        and lines[end + 1].labels[: lines[end + 1].heading_depth] == headings
        and lines[end + 1].line - lines[end].line <= _CODE_GAP
    ):
        end += 1
    return lines[start : end + 1]


def _inside_a_longer_word(key: str, unit: UnitRecord) -> bool:
    """Whether `key` is in the unit's letters only as part of a longer word of it
    ("로그" in 로그인), not as a word of its own nor cut in two by the analyser."""
    words = unit.terms | unit.context_terms
    return key not in words and any(key in w and w != key for w in words)


def _holds(text_key: str, key: str, keys: set[str], raw: str = "") -> bool:
    """Whether `key` is in `text_key` as itself, not only inside a longer subject of the
    same question ("지도학습" inside "비지도학습" when both are asked about); a short name
    in Latin letters only as a word of `raw` (the text the key was made of): "ann" is
    not in "in_channel"."""
    if raw and _SHORT_LATIN.fullmatch(key):
        return key in _LATIN_WORDS.findall(_PARENS.sub("", raw).casefold())
    for longer in keys:
        if len(longer) > len(key) and key in longer:
            text_key = text_key.replace(longer, "|")
    return key in text_key


def _names_of(text: str) -> set[str]:
    """The keys a name goes by: itself, and each spelling in its parentheses
    ("에포크(epoch)" is 에포크 and epoch; "순환 신경망 (RNN | Recurrent Neural Network)" is
    순환 신경망, RNN and Recurrent Neural Network)."""
    inner = [
        part
        for spelled in re.findall(r"[(（]([^)）]*)[)）]", text)
        for part in (spelled, *_SPELLINGS_APART.split(spelled))
    ]
    keys = {k for k in (_key_of(text), *(_key_of(i) for i in inner)) if k}
    # a name in Latin letters that the analyser reads as another spelling of a known term
    # ("leru", typed for relu) goes by that term too
    if _LATIN_NAME.fullmatch(text) and (term := _one_term(text)):
        keys.add(term)
    return keys


def _names_part_only(unit: UnitRecord, pairs: list[tuple[set[str], str]]) -> bool:
    """Whether the unit's own words hold some words of a compound subject (its terms and
    key, `pairs`) but none names it whole."""
    whole = _key_of(unit.text)
    parts = [
        bool(terms & unit.terms) and not terms <= unit.terms and key not in whole
        for terms, key in pairs
        if len(terms) >= 2
    ]
    return any(parts) and not any(
        terms <= unit.terms or key in whole for terms, key in pairs if terms
    )


def _opens_with(text: str, keys: set[str]) -> bool:
    topic = opening_topic(text)
    if not topic:
        return False
    # "에포크(epoch)는": the spelling in parentheses names the topic only when it closes it
    names = _names_of(topic) if re.search(r"[)）]\s*$", topic) else {_key_of(topic)}
    # or one spelling of it ("임배딩을 쓴다는 것은" for 임베딩, "에포크(epoch)는" for 에폭: the
    # analyser's aliases)
    return bool(names & keys) or any(
        _one_term(name) == _one_term(k) != "" for name in {topic, *names} for k in keys
    )


@lru_cache(maxsize=4096)
def _one_term(name: str) -> str:
    """The single term a one-word name analyses to ("임배딩", "임베딩": embedding), else ""."""
    analyzer = default_analyzer()
    # the word itself, no particle on it ("DNN에서" is not DNN)
    if analyzer.noun_phrases(name) != [name.strip()] or " " in name.strip():
        return ""
    terms = analyzer.terms(name)
    return terms[0] if len(terms) == 1 else ""


def _of_another(text: str, keys: set[str]) -> bool:
    """Whether `text` is a sentence whose topic is some other thing than `keys` name
    ("GRU는 …" for LSTM)."""
    # a name of a word or two ("GRU(Gated Recurrent Unit)"), not a clause ("… 인식하는")
    topic = _PARENS.sub("", opening_topic(text))
    return 0 < len(topic.split()) <= 2 and "," not in topic and not _opens_with(text, keys)


def _tells_who(unit: UnitRecord, keys: set[str]) -> bool:
    """Whether a unit says who made the thing `keys` name, not who made another thing
    ("GRU는 … 조경현 등이 제안한 구조로, LSTM을 단순화한 모델이다" for LSTM, the row
    "GPT (OpenAI)" under "트랜스포머 기반 대표 모델들" for the transformer)."""
    return answers_kind(unit, "who") and not (
        _of_another(unit.text, keys) or (_MAKER.match(unit.term) and _key_of(unit.term) not in keys)
    )


def _longer_name(term: str, key: str) -> bool:
    """Whether a term names something longer that holds `key` ("선형회귀 (직선 …)" and
    "회귀"), not the thing itself among its names ("토크나이저 = 토큰화")."""
    name = _key_of(term)
    if not name or key not in name:
        return False
    return all(_key_of(part) != key for part in re.split(r"[=,/]| vs ", term))


def _kind_named(name: str, key: str) -> bool:
    """Whether `name` is `key` after words that name a kind of it ("선형 회귀",
    "로지스틱 회귀" for 회귀): a title of another thing than `key` itself."""
    if key in CLASS_WORDS | CLASS_NOUNS:
        return False  # "ARIMA 모델" is one of what "대표 모델 하나만 알려줘" asks for
    words = _SPELLED_OUT.sub("", name).split()
    return any(
        _key_of(" ".join(words[start:])) == key
        and all(_NAME_WORD.fullmatch(w) for w in words[:start])
        for start in range(1, len(words))
    )


def _of_longer_name(unit: UnitRecord, keys: set[str]) -> bool:
    """Whether the name a unit stands under, or the topic its sentence opens with, is one
    of `keys` followed by more Korean words that make it another thing ("서포트 벡터
    머신은 …" for 서포트 벡터; not "독립 변수 x는 …", "cv=5는 …", "ARIMA 모델")."""
    for name in (unit.term or unit.context, opening_topic(unit.text)):
        words = _SPELLED_OUT.sub("", name).split()
        for end in range(1, len(words)):
            rest = words[end:]
            if _key_of(" ".join(words[:end])) in keys and all(
                len(w) >= 2 and _HANGUL_WORD.fullmatch(w) and w not in CLASS_WORDS | CLASS_NOUNS
                for w in rest
            ):
                return True
    return False


# a word of a name ("선형", "로지스틱", "RBF"), not a date or a clause
_NAME_WORD = re.compile(r"[가-힣]{2,}|[A-Za-z][A-Za-z0-9-]*")


# "GPT 계열은", "BERT 모델은": the kind of thing after a name still makes it the topic
_KIND_OF = r"(?:\s?(?:계열|모델|방식|쪽))?"


def _contrasts(text: str, subjects: list[str]) -> int:
    """How many of `subjects` stand in `text` as a topic or a setting ("회귀는",
    "딥러닝에서")."""
    return sum(
        bool(re.search(re.escape(s) + _KIND_OF + r"\s*(?:은|는|에서|이|가)(?![가-힣])", text))
        for s in subjects
    )


def _against(text: str, subjects: list[str]) -> bool:
    """Whether `text` says one of two things against the other ("GRU (LSTM보다 가볍고
    빠름)", "GRU는 LSTM보다 …")."""
    if len(subjects) != 2:
        return False
    return any(
        re.search(rf"{re.escape(a)}[^.,;\n]{{0,6}}?{re.escape(b)}\s?보다\s", text, re.I)
        for a, b in (subjects, subjects[::-1])
    )


# A line that says a thing against the usual one of its kind ("기존 네트워크와의 차이점은
# …", "일반적인 회귀와 달리 …")
_AGAINST_THE_USUAL = re.compile(
    rf"(?:{'|'.join(sorted(USUAL_WORDS))})(?:적인|의)?"
    r"\s(?:\S+\s){0,2}?\S+?(?:와|과)(?:의|는)?\s?(?:차이|달리|다르)"
)


def _against_the_usual(
    unit: UnitRecord, subjects: list[str], pairs: list[tuple[set[str], str]]
) -> bool:
    """Whether `unit` says one side against the usual one of its kind, the other side
    ("기존 네트워크와의 차이점은 …" under RNN, for "RNN은 일반 신경망이랑 뭐가 달라?")."""
    if len(subjects) != 2 or len(pairs) != 2:
        return False
    usual = [s.split(maxsplit=1)[0] in USUAL_WORDS and " " in s.strip() for s in subjects]
    if usual.count(True) != 1:
        return False
    words, key = pairs[usual.index(False)]
    return _names(unit, words, key) and _AGAINST_THE_USUAL.search(unit.text) is not None


def _alike(unit: UnitRecord, other: UnitRecord) -> bool:
    """Whether two lines are entries of one list, written alike ("Pytorch - …",
    "Tensorflow - …" under one title)."""
    return (
        unit.source == other.source
        and unit.labels == other.labels
        and unit.kind == other.kind
        and bool(unit.term)
        and bool(other.term)
    )


def _key(chosen: Chosen) -> str:
    """The same statement written twice in the notes (two files) is said once."""
    return re.sub(r"\W+", "", f"{chosen.unit.term}{chosen.unit.text}").casefold()


def _share(subject: set[str], words: frozenset[str] | set[str]) -> float:
    """The share of a subject's words among `words`, squared: a compound subject is
    named by all of its words."""
    return (len(subject & words) / len(subject)) ** 2


def _names(
    unit: UnitRecord,
    subject: set[str],
    key: str,
    *,
    own: bool = False,
    keys: set[str] | frozenset[str] = frozenset(),
) -> bool:
    """Whether a unit names a subject: all of its words, or its letters (not only inside
    a longer subject among `keys`); `own`: in its own words, not only through the labels
    above it."""
    words = unit.terms if own else unit.terms | unit.context_terms
    said = f"{unit.term} {unit.text}" if own else f"{unit.term} {unit.context} {unit.text}"
    return subject <= words or (bool(key) and _holds(_key_of(said), key, set(keys), said))


def _names_alone(unit: UnitRecord, pairs: list[tuple[set[str], str]], keys: set[str]) -> bool:
    """Whether a unit names one of the subjects (`pairs` of words and key) in its own
    words while the labels above it name none, nor the thing it is part of ("로지스틱
    회귀" over "로지스틱 회귀 분석은 …")."""
    context = _key_of(unit.context)
    titled = any(
        (words and words <= unit.context_terms)
        or (key and key in context)
        or (context and context in key)
        for words, key in pairs
    )
    return not titled and any(_names(unit, s, k, own=True, keys=keys) for s, k in pairs)


def _with_person(unit: UnitRecord) -> UnitRecord:
    """For "누가": a line or label written under a person ("제프리 힌턴 (Geoffrey Hinton)"
    > "MLP, 역전파 알고리즘") is read as that person's, the person first."""
    person = next((label for label in reversed(unit.labels) if is_person(label)), "")
    if not person or person in (unit.term, unit.text):
        return unit
    text = f"{unit.term} - {unit.text}" if unit.term else unit.text
    return replace(unit, kind="term", term=person, text=text)


# What a person did, in more words than routing reads as asking who ("요수아 벤지오는 뭘로
# 유명해?", "앤드루 응은 뭐 한 사람이야?", "얀 르쿤 업적 알려줘")
_ASKS_WHAT_DONE = re.compile(
    r"(?:뭘로|뭐로|무엇으로)\s?유명|유명한\s?이유|왜\s?유명|(?:뭘|뭐|무엇을)\s?한\s?사람"
    r"|(?:뭘|뭐를|무엇을|뭐)\s?(?:했|하셨)|업적|기여|공헌"
)

# A line that says something of its own, not only names a place ("… 기여", "… 이룸.")
_SAYS_SOMETHING = re.compile(r"[다함음임]\.?$|기여|개발|연구")


def _deeds_first(selection: Selection) -> Selection:
    """For what a person did: a line under the person's entry leads, read as the
    person's, where the entry's own line says no more than a place ("요수아 벤지오(Yoshua
    Bengio) - 프랑스"); that line follows it. The lines under a person are what the person
    did: what is asked is found, whatever kind the words asked it as ("업적 정리해줘")."""
    first = selection.units[0].unit
    if (
        not is_person(first.term)
        or len(first.text.split()) > 2
        or _SAYS_SOMETHING.search(first.text)
    ):
        return selection
    under = next(
        (i for i, c in enumerate(selection.units) if i and first.term in c.unit.labels), None
    )
    if under is None:
        return selection
    deed = selection.units[under]
    lead = replace(deed, unit=_with_person(deed.unit))
    rest = [c for i, c in enumerate(selection.units) if i != under]
    return replace(selection, units=[lead, *rest], kind_found=True)


def _with_entry(selection: Selection, units_of: Callable[[Passage], list[UnitRecord]]) -> Selection:
    """For "누구야?" answered by what a person did (a line under the person's entry,
    "앤드루 응(Andrew Ng)" > "2012년 유튜브 동영상에서 …"): the entry's own line, where it
    says no more than a place ("앤드루 응(Andrew Ng) - 홍콩"), follows it: who they are,
    as the notes give them."""
    lead = selection.units[0]
    person = lead.unit.term
    if not is_person(person) or person not in lead.unit.labels:
        return selection
    entry = next(
        (
            u
            for u in units_of(lead.passage)
            if u.term == person
            and u.labels == lead.unit.labels[: lead.unit.labels.index(person)]
            and len(u.text.split()) <= 2
            and not _SAYS_SOMETHING.search(u.text)
        ),
        None,
    )
    if entry is None:
        return selection
    rest = [c for c in selection.units[1:] if c.unit.unit_id != entry.unit_id]
    return replace(selection, units=[lead, Chosen(entry, lead.passage, lead.score), *rest])


def _people(units: list[UnitRecord]) -> dict[str, str]:
    """The persons the units' labels and terms name, by their Korean and their Latin
    name without spaces ("얀르쿤", "yannlecun" → "얀 르쿤 (Yann LeCun)")."""
    out: dict[str, str] = {}
    for unit in units:
        for name in (*unit.labels, unit.term):
            if name and is_person(name):
                korean, latin = name.rstrip(")").split("(", 1)
                out.setdefault(_SPACES.sub("", korean), name)
                out.setdefault(_SPACES.sub("", latin).casefold(), name)
    return out


def _titles(label: str, keys: set[str]) -> bool:
    """Whether a title names one of `keys` as a whole, with or without what its
    parentheses add and the 의 that ties its words ("딥러닝의 4대 천왕(인공지능 분야에서)"
    names 딥러닝 4대 천왕)."""
    outer = _PARENS.sub("", label)
    tied = _key_of(re.sub(r"([가-힣])의\s", r"\1 ", outer))
    # (or a subject with the one it belongs to: "딥러닝의 4대 천왕은?" asks of 4대 천왕 in
    # 딥러닝)
    return bool({_key_of(label), _key_of(outer), tied} & keys) or any(
        tied == a + b for a in keys for b in keys if a != b
    )


def _subsections(
    scored: list[Chosen], subject_keys: set[str], asked: Callable[[str], bool]
) -> list[Chosen]:
    """For "X 종류가 뭐가 있어?" where the notes give X parts of their own (a label
    "파이썬 웹 프레임워크" with "장고 (django)", "플라스크 (flask)", "FastAPI" under it, each
    with lines of its own): those labels, in the notes' order, as one line under X; then
    each part with the short line that opens it ("스칼라 (scala): 하나의 숫자를 의미").
    X is the subject, or a label made of the question's own words ("K-평균 군집화 학습
    과정 알려줘": the steps under `학습 과정`, `asked`)."""
    children: dict[tuple[str, str], dict[str, Chosen]] = {}
    for c in scored:
        labels = c.unit.labels
        for i, label in enumerate(labels[:-1]):
            # the labels under X that have lines of their own (headings or bullets)
            if (
                (_titles(label, subject_keys) or (i >= c.unit.heading_depth and asked(label)))
                and not is_question_label(labels[i + 1])
                and _key_of(labels[i + 1]) != _key_of(label)  # a bullet restating it
            ):
                child = children.setdefault((c.unit.source, label), {})
                first = child.get(labels[i + 1])
                if first is None or c.unit.line < first.unit.line:
                    child[labels[i + 1]] = c
    best = max(children.items(), key=lambda kv: len(kv[1]), default=None)
    if best is None or len(best[1]) < 2:
        return []
    (_, label), found = best
    ordered = sorted(found.items(), key=lambda kv: kv[1].unit.line)
    first = ordered[0][1]
    unit = replace(first.unit, kind="term", term=label, text=", ".join(name for name, _ in ordered))
    parts = []
    for name, c in ordered:
        if c.unit.labels[-1] != name or c.unit.kind != "item" or len(c.unit.text) > _PART_LINE:
            continue
        # a step with a few lines of its own reads whole ("클러스터 할당": how, then what a
        # cluster is)
        lines = sorted(
            (
                o.unit
                for o in scored
                if o.unit.source == c.unit.source
                and o.unit.labels == c.unit.labels
                and o.unit.kind == "item"
            ),
            key=lambda u: u.line,
        )
        text = " ".join(_end_sentence(u.text) for u in lines)
        if len(lines) < 2 or len(text) > _PART_TEXT:
            text = c.unit.text
        parts.append(replace(c, unit=replace(c.unit, kind="term", term=name, text=text)))
    return [Chosen(unit, first.passage, first.score), *parts]


# "X에는 A과 B가 있다": a sentence that says what there is
_LISTS_THEM = re.compile(r"[이가]\s?있(?:다|음|어요|습니다)")


def _said_first(overview: list[Chosen], scored: list[Chosen], kind: str) -> list[Chosen]:
    """An overview of a subject's parts ("비지도 학습: 군집, 차원 축소", then each part), led
    by the notes' own sentence that lists them, where one does, in place of the line of
    names read from their titles ("비지도 학습에는 군집과 차원 축소가 있다")."""
    if kind != "list" or len(overview) < 2:
        return overview
    names = [_key_of(name) for name in overview[0].unit.text.split(", ")]
    ids = {c.unit.unit_id for c in overview}
    said = next(
        (
            c
            for c in sorted(scored, key=lambda c: -c.score)
            if c.unit.unit_id not in ids
            and c.unit.kind == "item"
            and (_LISTS_THEM.search(c.unit.text) or answers_kind(c.unit, "list"))
            and sum(name in _key_of(c.unit.text) for name in names) >= min(len(names), 2)
        ),
        None,
    )
    # (the sentence stands for the line of names read from the titles; each part follows)
    return overview if said is None else [said, *overview[1:]]


def _glossary_under(scored: list[Chosen], subject_keys: set[str]) -> list[Chosen]:
    """For "활성화 함수 종류 뭐 있어?" where the notes give X a glossary of its own: lines
    "이름: 설명" straight under a title that names X ("활성화 함수: 뉴런의 출력을 정하는
    함수" over "시그모이드 함수: …", "ReLU: …", "소프트맥스: …"). Those names, in the notes'
    order, as one line under X, then each line; none where fewer than `_LIST_ENTRIES`."""
    runs: dict[tuple[str, tuple[str, ...]], dict[str, Chosen]] = {}
    for c in scored:
        unit = c.unit
        if unit.kind != "term" or not unit.term or not unit.labels:
            continue
        title = _TITLE_GLOSS.split(unit.labels[-1], maxsplit=1)[0]
        if not _names_of(title) & subject_keys or _key_of(unit.term) in subject_keys:
            continue
        run = runs.setdefault((unit.source, unit.labels), {})
        first = run.get(unit.term)
        if first is None or unit.line < first.unit.line:
            run[unit.term] = c
    best = max(runs.values(), key=len, default={})
    if len(best) < _LIST_ENTRIES:
        return []
    ordered = sorted(best.values(), key=lambda c: c.unit.line)
    lead = ordered[0]
    title = _TITLE_GLOSS.split(lead.unit.labels[-1], maxsplit=1)[0].strip("`* ")
    names = ", ".join(c.unit.term for c in ordered)
    return [Chosen(replace(lead.unit, term=title, text=names), lead.passage, lead.score), *ordered]


# "RNN/LSTM", "RNN / LSTM / GRU": one label naming some members of a family
_MEMBERS = re.compile(r"\s*/\s*")


def _side_keys(label: str) -> tuple[str, ...]:
    """The keys a side's label names: its own, and each member's where it names a family
    by some of them ("RNN / LSTM / GRU" is the side of RNN, of LSTM and of GRU)."""
    return tuple(dict.fromkeys(_key_of(name) for name in (label, *_MEMBERS.split(label))))


def _side_of(
    unit: UnitRecord, keys: list[str], *, siblings: bool = False
) -> tuple[tuple[str, ...], str, str] | None:
    """Where `unit` stands as one side of a comparison the notes make under a label of
    their own: (the labels down to the comparing one, the side's key, its label). A side
    is a label under the comparing one ("분류와 회귀의 차이" > "분류"), or a line's own term
    ("순전파: …" under "순전파 vs 역전파"). With `siblings`, under any label: the sides
    are labels side by side ("순도 계산 방법" > "엔트로피", "지니 계수"), bullets with
    lines of their own right under them (not terms of a line each: "sparse: 희소하다";
    nor lines under labels of their own: "장고 (django)" > "특징" > …)."""
    names = (*unit.labels, unit.term) if unit.term and not siblings else unit.labels
    for i in range(len(names) - 1):
        if siblings and i != len(names) - 2:
            continue
        if not siblings and ask_of(names[i]) != "compare":
            continue
        # a side that names a family by some of its members ("RNN/LSTM" under "RNN계열 vs
        # 트랜스포머 계열") is the side of each
        for side in _side_keys(names[i + 1]):
            if side in keys:
                return names[: i + 1], side, names[i + 1]
    return None


def _of_another_side(unit: UnitRecord, words: set[str]) -> bool:
    """Whether `unit` stands under a side of a comparison the notes make ("분류와 회귀의
    차이" > "분류") that no word of the subjects (`words`, as keys) names, while the
    comparing label names one ("회귀 결과는 …": 회귀)."""
    labels = unit.labels
    for i in range(len(labels) - 1):
        if ask_of(labels[i]) == "compare":
            side = _key_of(labels[i + 1])
            title = _key_of(labels[i])
            # (a side is one of the things the label compares, not a facet: "계층 구조"
            # under "RNN, LSTM, GRU의 관계 (크기 비교)")
            return side in title and side not in words and any(w in title for w in words)
    return False


def _side_columns(unit: UnitRecord, keys: set[str]) -> int:
    """How many of the things `keys` name are columns of a table row `unit`."""
    if unit.kind != "row":
        return 0
    # a column may name a family by some members ("RNN / LSTM / GRU"): it is one side
    # however many of them the question names
    columns = [set(_side_keys(cell.partition(": ")[0])) for cell in _CELL_SPLIT.split(unit.text)]
    return sum(1 for names in columns if names & keys)


def _subject_cell(unit: UnitRecord, keys: set[str]) -> UnitRecord:
    """A table row as what it says of the subject: the cell under the subject's column
    when one column is the subject's ("병렬 처리 | RNN / LSTM / GRU: 불가능 (시간
    순서대로만) | 트랜스포머: 가능" says of 트랜스포머 only "가능"), else the whole row."""
    if unit.kind != "row":
        return unit
    said = [
        value
        for cell in _CELL_SPLIT.split(unit.text)
        for head, _, value in [cell.partition(": ")]
        if value and set(_side_keys(head)) & keys
    ]
    return replace(unit, text=said[0]) if len(said) == 1 else unit


def _compared_sides(
    pool: list[Chosen],
    keys: list[str],
    units_of: Callable[[Passage], list[UnitRecord]],
    *,
    siblings: bool = False,
) -> list[Chosen]:
    """For "분류랑 회귀 차이 알려줘" where the notes compare the sides under a label of their
    own ("분류와 회귀의 차이" with "분류" and "회귀" under it, each with lines of its own):
    each side as one line, all its lines joined in the notes' order ("분류: 데이터 유형:
    이산형 데이터. 결과: …"), in the order the question names the sides. With `siblings`,
    sides that stand side by side under any label ("엔트로피" and "지니 계수" under "순도
    계산 방법"), each of a few lines only (`_SIBLING_SIDE_LINES`)."""
    if len(keys) < 2:
        return []
    found: dict[tuple[str, tuple[str, ...]], dict[str, float]] = {}
    passages: dict[tuple[str, tuple[str, ...]], dict[int, Passage]] = {}
    for c in pool:
        side = _side_of(c.unit, keys, siblings=siblings)
        if side is not None:
            group = (c.unit.source, side[0])
            scores = found.setdefault(group, {})
            scores[side[1]] = scores.get(side[1], 0.0) + c.score
            passages.setdefault(group, {})[c.passage.chunk_id] = c.passage
    # every side the question names, or two where it names a facet as well ("RNN이랑
    # 트랜스포머는 문장 뜻을 … 어떻게 달라?": 문장 is no side)
    whole = [g for g, sides in found.items() if len(sides) >= min(len(keys), 2)]
    if not whole:
        return []
    group = max(whole, key=lambda g: sum(found[g].values()))
    lines: dict[str, list[tuple[UnitRecord, Passage]]] = {}
    labels: dict[str, str] = {}
    seen: set[int] = set()
    for passage in passages[group].values():
        for unit in units_of(passage):
            if siblings and readable(unit) is None:
                continue  # (a formula's rows under a side are no line of it)
            side = _side_of(unit, keys, siblings=siblings)
            if side is not None and side[0] == group[1] and unit.line not in seen:
                seen.add(unit.line)
                lines.setdefault(side[1], []).append((unit, passage))
                labels.setdefault(side[1], side[2])
    if siblings and any(len(said) > _SIBLING_SIDE_LINES for said in lines.values()):
        return []  # sections of their own, too long to read as one line each
    out = []
    for key in (k for k in keys if k in lines):
        said = sorted(lines[key], key=lambda up: up[0].line)
        text = " ".join(
            _end_sentence(f"{u.term}: {u.text}" if u.term and _key_of(u.term) != key else u.text)
            for u, _ in said
        )
        if siblings and len(text) > _SIBLING_SIDE_TEXT:
            return []  # (nor of a few long lines: a wall to read, not a side)
        unit, passage = said[0]
        out.append(Chosen(replace(unit, kind="term", term=labels[key], text=text), passage, 0.0))
    return out


# Words that name a kind of thing in general ("회귀 분석", "군집 알고리즘"): the thing is
# the word before them
_GENERIC_HEADS = frozenset({"분석", "방법", "기법", "알고리즘", "모델", "모형"})


def _bare_name(name: str) -> str:
    """A name without its spellings in parentheses and the general words it ends with
    ("밀도 기반 군집 분석 (DBSCAN)" → "밀도 기반 군집")."""
    words = _PARENS.sub(" ", name).split()
    while len(words) > 1 and words[-1] in _GENERIC_HEADS:
        words.pop()
    return " ".join(words)


def _kinds_named(scored: list[Chosen], subject: str) -> list[Chosen]:
    """For "SVM 커널 종류 알려줘" where the notes title each kind with the subject's last
    word ("선형 커널", "다항식 커널", "가우시안 RBF 커널", at whatever depth under the
    section): those titles, in the notes' order, as one line under the subject ("SVM 커널:
    선형 커널, 다항식 커널, 가우시안 RBF 커널"). A title that says more than a name ("비선형을
    위한 커널") is no kind."""
    words = _bare_name(subject).split()
    if not words:
        return []
    head = words[-1]
    by_source: dict[str, dict[str, Chosen]] = defaultdict(dict)
    for c in scored:
        first = by_source[c.unit.source]
        for label in c.unit.labels:
            name = label.strip("`* ")
            bare = _bare_name(name)
            if (
                bare.endswith(f" {head}")
                and _key_of(bare) != _key_of(" ".join(words))
                and not _SAYS_MORE.search(name)
                and (name not in first or c.unit.line < first[name].unit.line)
            ):
                first[name] = c
    # the one note that titles most kinds (another may title one of them again: "로지스틱
    # 회귀 (분류 문제 / 범주)" in a glossary)
    first = max(by_source.values(), key=len, default={})
    if len(first) < _LIST_ENTRIES or sum(len(f) >= _LIST_ENTRIES for f in by_source.values()) > 1:
        return []
    ordered = sorted(first.items(), key=lambda kv: kv[1].unit.line)
    lead = ordered[0][1]
    text = ", ".join(name for name, _ in ordered)
    return [
        Chosen(replace(lead.unit, kind="term", term=subject, text=text), lead.passage, lead.score)
    ]


def _end_sentence(text: str) -> str:
    """`text` closed by a full stop, so that the next line joined after it reads apart."""
    return text if text.endswith((".", "!", "?", "。")) else f"{text}."


def _half_named(side: set[str], words: AbstractSet[str]) -> bool:
    return 2 * len(side & words) >= len(side)


def _defines(text: str, side: set[str]) -> str:
    """The name a line of code sets or defines ("x_test = …", "class MnistSampleRequest(…)")
    when `side` names it, else ""."""
    text = text.lstrip()
    opened = CODE_SCOPE.match(text)
    name = opened.group(1) if opened else re.split(r"[\s=:.(\[]", text, maxsplit=1)[0]
    return name if name.casefold() in side else ""


def _depth(text: str) -> int:
    """How many brackets a line of code leaves open (negative: closes)."""
    return sum(text.count(c) for c in "([{") - sum(text.count(c) for c in ")]}")


def _reports(text: str, question: str) -> bool:
    """A line of code that logs or prints, or returns or raises a message whose Korean
    words all stand inside strings, for a question that asks for neither (not a route's
    summary="PUT 프록시", which names what the code does)."""
    text = text.strip()
    if _LOGS.match(text):
        return not _ASKS_LOG.search(question)
    return (
        bool(_MESSAGE.search(text))
        and bool(_HANGUL.search(text))
        and not _HANGUL.search(_QUOTED.sub("", text))
        and not _ASKS_MESSAGE.search(question)
    )


def _statement(unit: UnitRecord, code: list[UnitRecord]) -> list[UnitRecord]:
    """`unit` with the lines of code its statement runs over (a call whose arguments
    stand on lines of their own); when it opens a block ("if len(face) == 0:",
    "class MnistSampleRequest(BaseModel):"), the first lines of the block; when it stands
    first in a condition or loop, that line and the block's first lines. At most
    `_CODE_LINES`, in the notes' order."""
    lines = sorted((u for u in code if u.source == unit.source), key=lambda u: u.line)
    at = next((i for i, u in enumerate(lines) if u.unit_id == unit.unit_id), None)
    if at is None:
        return [unit]
    start = at
    # back to the line that opens the statement: one that leaves a bracket or a list open
    # (not a line that closes what the lines before it opened: "]),")
    while (
        start > 0
        and at - start < _CODE_LINES
        and lines[start - 1].text.endswith(_OPENS)
        and _depth(lines[start - 1].text) >= 0
    ):
        start -= 1
    within = (
        start > 0
        and lines[start - 1].text.endswith(":")
        and not CODE_SCOPE.match(lines[start - 1].text.lstrip())
    )
    if within:
        start -= 1  # the condition or loop it stands in ("if len(face) == 0:")
    end, depth = start, _depth(lines[start].text)
    # the brackets `unit` itself opens, apart from those the lines before it close
    # ("]),\n"val" : transforms.Compose([": the list that follows "val")
    own = depth if start == at else 0
    while end < at or (max(depth, own) > 0 and end + 1 < len(lines) and end - at < _CODE_LINES - 1):
        end += 1
        depth += _depth(lines[end].text)
        own = _depth(lines[end].text) if end == at else own + _depth(lines[end].text)
    if within:
        # (a block the notes end early, with the code: as far as it goes)
        end = min(max(end, start + _CODE_BLOCK), len(lines) - 1)
    opened = CODE_SCOPE.match(lines[end].text.lstrip())
    body = end
    if opened:
        # the body of the function or class it opens: the lines labelled by its name
        while body + 1 < len(lines) and opened.group(1) in lines[body + 1].labels:
            body += 1
    if body > end:
        end = body
    elif lines[end].text.endswith(":"):
        # the first lines of the block it opens ("if …:", or a body the notes did not
        # indent)
        end += _CODE_BLOCK
    # (a statement too long to show whole: the lines up to the end of what `unit` opens)
    start = max(start, min(at, end + 1 - _CODE_LINES))
    return lines[start : min(end + 1, start + _CODE_LINES)]


def _short_item(unit: UnitRecord) -> bool:
    """A short entry of a list ("MVC", "d: 차분 차수"), not a thin sentence ("X는 api이다.")."""
    return (
        unit.kind in ("item", "term")
        and len(unit.text) <= _LIST_ITEM
        and not SENTENCE_END.search(unit.text)
    )


def _run_around(unit: UnitRecord, units: list[UnitRecord]) -> list[UnitRecord]:
    """The units under the same labels on the lines next to `unit` (a gap of a blank line
    at most), `unit` included, in the notes' order."""
    return _adjacent(unit, [u for u in units if u.labels == unit.labels])


def _adjacent(unit: UnitRecord, units: list[UnitRecord]) -> list[UnitRecord]:
    """Those of `units` (of any file) in `unit`'s file on the lines next to it, one after
    another with a gap of a blank line at most, `unit` included, in the notes' order."""
    run = sorted((u for u in units if u.source == unit.source), key=lambda u: u.line)
    lines = [u.line for u in run]
    if unit.line not in lines:
        return [unit]
    i = j = lines.index(unit.line)
    while i > 0 and lines[i] - lines[i - 1] <= 2:
        i -= 1
    while j < len(lines) - 1 and lines[j + 1] - lines[j] <= 2:
        j += 1
    return run[i : j + 1]


def _entries_around(unit: UnitRecord, units: list[UnitRecord]) -> list[UnitRecord]:
    """The bullets beside the one `unit` stands under, each by the first line under it
    ("* email-validator" > "이메일 주소 형식을 체크", then "* flask-debugtoolbar" > "플라스크
    앱 개발 보조 도구", …), on the lines next to it (a gap of a blank line at most), in the
    notes' order; `unit`'s own among them."""
    parent = unit.labels[:-1]
    if len(unit.labels) <= unit.heading_depth:
        return [unit]  # under a heading, not a bullet
    beside = [
        u
        for u in units
        if u.labels[: len(parent)] == parent
        and (len(u.labels) == len(parent) + 1 or (u.labels == parent and u.kind == "label"))
    ]
    run = _adjacent(unit, beside)
    entries: dict[str, UnitRecord] = {}
    for u in run:
        if u.kind != "label" and u.labels[-1] not in entries:
            entries[u.labels[-1]] = u
    return list(entries.values())


# The topic particle right after what a sentence opens with ("RNN은 …")
_TOPIC_PARTICLE = re.compile(r"\s?(?:은|는)\s")
# A word in Latin letters, of which a name from code is one (`_IDENTIFIER`)
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _table_after(unit: UnitRecord, units: list[UnitRecord]) -> list[UnitRecord]:
    """The rows of a table that starts right after `unit` (a blank line and its header
    between them at most), under the same labels, in the notes' order: "gpt에도 여러
    종류가 있다 …" and the table of models under it."""
    rows = [
        u
        for u in units
        if u.kind == "row"
        and u.source == unit.source
        and u.labels == unit.labels
        and u.line > unit.line
    ]
    if not rows:
        return []
    first = min(rows, key=lambda u: u.line)
    if first.line - unit.line > _TABLE_GAP:
        return []
    return _adjacent(first, rows)


# A noun said as the request itself ("padding 설명해줘", "설명 좀 해 줘", "정리해 주세요"):
# it names no column of a table ("설명", "정리")
_NOUN_AS_REQUEST = re.compile(r"(?:설명|정리|요약)\s?(?:좀\s?)?(?:해|하|부탁)")
# A table's column that names nothing asked: its words of description
_PLAIN_COLUMNS = frozenset({"설명", "비고", "예시"})
# How far below a line that names a thing the table of its parts may start (a blank line,
# "<div>" and the header between them)
_ASKED_TABLE_GAP = 8
# and how many of the best lines are looked below for it
_ASKED_TABLE_LEADS = 5


def _asked_table(unit: UnitRecord, units: list[UnitRecord], question: str) -> list[UnitRecord]:
    """The rows of a table that starts just below `unit`, under its labels or theirs, when
    the question names one of its columns ("인공 신경망 구성 요소 표에 뭐뭐 있어?" under
    "인공 신경망에서 이용하는 구조 …": the rows of "구분 | 구성 요소 | 설명")."""
    rows = [
        u
        for u in units
        if u.kind == "row"
        and u.source == unit.source
        and unit.labels[: len(u.labels)] == u.labels
        and 0 < u.line - unit.line <= _ASKED_TABLE_GAP
    ]
    if not rows:
        return []
    table = _adjacent(min(rows, key=lambda u: u.line), [u for u in units if u.kind == "row"])
    asked = _SPACES.sub("", question)
    columns = {
        _SPACES.sub("", cell.partition(": ")[0])
        for u in table
        for cell in _CELL_SPLIT.split(u.text)
        if ": " in cell
    }
    named = any(len(c) >= 2 and c not in _PLAIN_COLUMNS and c in asked for c in columns)
    return table if named and len(table) >= _TERM_RUN else []


def _entry_named(unit: UnitRecord, subject_terms: set[str]) -> bool:
    """A table row whose name has an asked word as one of its parts ("regularizer":
    kernel_regularizer, bias_regularizer)."""
    if unit.kind != "row":
        return False
    parts = set(re.split(r"[_\s-]+", unit.term.casefold()))
    return len(parts) > 1 and any(len(t) >= 3 for t in parts & subject_terms)


def _favour_lists(scored: list[Chosen], subject_terms: set[str]) -> list[Chosen]:
    """For "종류 알려줘": short items that make a list under one label (MVC, MSA, 모놀리식
    under "API 구조") answer it, like a line under a "종류" label; so do the rows of a table
    that share the asked word as their first cell ("층 | 입력층 …", "층 | 은닉층 …")."""

    def key(c: Chosen) -> tuple[str, tuple[str, ...], str] | None:
        unit = c.unit
        if unit.kind == "item" and len(unit.text) <= _LIST_ITEM:
            return unit.source, unit.labels, ""
        if unit.kind == "row" and unit.term.casefold() in subject_terms:
            return unit.source, unit.labels, unit.term
        if _entry_named(unit, subject_terms):
            return unit.source, unit.labels, "_"
        return None

    groups: dict[tuple[str, tuple[str, ...], str], int] = {}
    for c in scored:
        k = key(c)
        if k is not None:
            groups[k] = groups.get(k, 0) + 1
    return [
        replace(c, score=c.score + _LIST_BONUS)
        if (k := key(c)) is not None and groups[k] >= 2
        else c
        for c in scored
    ]


def _weights(domain: list[bool], *, compare: bool) -> list[float]:
    """How much each subject counts: alike, except that the subjects naming only where
    the asked one belongs share a quarter (never for a comparison, whose sides count
    alike)."""
    n = len(domain)
    asked = domain.count(False)
    if not n or compare or not asked or asked == n:
        return [1.0 / n] * n if n else []
    return [0.25 / (n - asked) if d else 0.75 / asked for d in domain]


def _leans_back(text: str) -> bool:
    # a reference after the line's first sentence points at that sentence ("Odds에 로그를
    # 취하면 logit이 된다. 이를 그래프로 하면 …"), not at a line the reader never saw
    first = _SENTENCE_BREAK.split(text, maxsplit=1)[0]
    # nor after a clause that gives what it points at ("… 고차원으로 보내는 것인데, 이것은
    # 많은 계산이 필요하기에 그 문제를 해결하고자 …")
    clause = _GIVES_ANTECEDENT.split(first, maxsplit=1)[0]
    return bool(_LEANS_BACK.search(clause)) and not _NAMES_IT.search(first)


# "모델은 구조이다.": a sentence that says what its topic is, however short
_STATES_OF_TOPIC = re.compile(r"^[^\s,]{1,20}[은는]\s.*(?:다|요|함|음)\.?$")
# a sentence's end ("…이다.", "…함", "…줌")
_ENDS_SENTENCE = re.compile(r"(?:다|요|함|음|임|됨|짐|줌|봄|냄|킴)[.!)]*\s*$")


def standalone(unit: UnitRecord) -> bool:
    """Whether a unit can be read on its own, as a line of an answer."""
    if unit.kind == "label" and (_DESCRIBES.search(unit.text) or _NAMES_SEVERAL.match(unit.text)):
        # a bullet that describes what it stands under, or names what it is known for,
        # over a note of its own ("flask-migrate" > "데이터베이스를 마이그레이트하는 확장"
        # > "migrate - 옮기다"; "제프리 힌턴" > "MLP, 역전파 알고리즘" > "역전파 알고리즘 이란?")
        return True
    if unit.kind in ("label", "code", "formula"):
        # code answers only a question about the code (`UnitSelector._code`), a formula
        # one that asks for it (`UnitSelector._formula`)
        return False
    text = unit.text
    if _MATH_ROW.search(unit.term) or _MATH_ROW.search(text):
        return False
    if (_CODE_START.match(text) and not _WORD_AFTER_KEYWORD.match(text)) or (
        unit.kind != "row"
        and _LATEX.search(text)
        and len(_HANGUL.findall(text)) < _PROSE_AROUND_MATH
    ):
        # code, or bare LaTeX (a sentence with a formula in it reads fine, and so does a
        # table row: its formula is one cell under its column's name, "식: x \cdot \Phi(x)")
        return False
    if (
        _CODE.search(text)
        and not _HANGUL.search(text)
        and not (unit.kind == "term" and _HANGUL.search(unit.term))
    ):
        return False  # code, unless a Korean term names what it sets ("이진분류: loss=…")
    if (
        unit.kind == "item"
        and not _HANGUL.search(text)
        and not (unit.context and _NAME_ITEM.match(text))
    ):
        return False  # English prose or code pasted as a bullet; a short name may stand
    if DANGLING.match(text) or text.rstrip().endswith(("?", ":")) or _TOPIC_ONLY.search(text):
        return False  # leans on a line before it, or is a question or label of its own
    if unit.kind == "term" and len(unit.terms) < 3 and not _ENDS_SENTENCE.search(text):
        # a name and a phrase that says hardly more than the name ("인코더: 인코딩 해주는
        # 것")
        return False
    if unit.kind != "item":
        return True
    # A short line stands only with the label it belongs to ("노이즈 정의" under 절차,
    # "MVC" under API 구조): the answer writes it after its label.
    return (
        len(unit.terms) >= (1 if unit.context else 3)
        and (bool(unit.context) or len(text) >= _MIN_ALONE)
    ) or (len(unit.terms) >= 2 and bool(_STATES_OF_TOPIC.match(text)))


# "즉, 구한 오차를 이용하여 … 업데이트함", "위와 같이 …": a connective that only ties a
# line to the one before it; what follows it says something of its own
_CONNECTIVE = re.compile(
    r"^(?:즉|따라서|그래서|그러므로|결국|또한|위와\s같이|(?:이|그)\s?(?:밖에|외에)도?)\s*,?\s+"
)


def readable(unit: UnitRecord) -> UnitRecord | None:
    """`unit` if it stands alone; else, if it only opens with a connective to the line
    before it ("즉, …"), the unit without it, where that stands alone; else None."""
    if standalone(unit):
        return unit
    rest = _CONNECTIVE.sub("", unit.text, count=1)
    if rest == unit.text or not rest:
        return None
    unit = replace(unit, text=rest)
    return unit if standalone(unit) else None


# How near the best line's score a line that answers the kind asked must score for the
# answer to have found it (else a header says the notes do not say it)
_KIND_FOUND_SHARE = 0.5
# How near the best line's score the entry it stands under must score to lead a list
_ENTRY_LEAD_SHARE = 0.5
# Kinds whose answer may lead over a better-named line that does not answer them, when
# it scores this share of that line and stands this many lines from it, under its labels
_KIND_LEADS = frozenset({"how", "why", "when", "example"})
_KIND_LEAD_SHARE = 0.7
# …and a line beside it that says what is asked beyond the subject (`_said_as_asked`)
_TELLING_SHARE = 0.5
# Kinds whose lead, among lines that answer them, is the one that says most of what is
# asked (not how or a list: a procedure leads with its first step)
_ASKED_LEADS = frozenset({"why", "when", "example"})
_KIND_LEAD_LINES = 6
# How near the best line's score a line that says all a question asks beyond its subject
# must score to lead a question that asks more than what the subject is
_ASKED_LEAD_SHARE = 0.6
# A line that names the thing asked leads over a better one that names only where it
# belongs, when it scores this share of it
_NAMING_LEAD_SHARE = 0.5
# A line that names every side of a comparison leads it when it ranks this high
_WHOLE_COMPARISON_RANK = 15
# A run of lines under a title that asks, this long at most, is read whole after its lead
_RUN_WHOLE = 4
# … and this high where the question asks nothing of them but how they differ
_WHOLE_COMPARISON_REACH = 25
# A side's own line joins a comparison led by a line about both when it scores this share
# How near the best line of a side its entry in the list the first side's stands in must
# score to answer for it
_ALIKE_SHARE = 0.6
_OWN_SIDE_SHARE = 0.5
_SIDE_ROW_SHARE = 0.4
# How much a line about a longer name that holds the subject mentions the subject
_OTHER_THING = 0.5
# A title that sets two things side by side ("원- 핫 인코딩 vs 워드 임배딩", "… 차이")
_COMPARING_TITLE = re.compile(r"\svs\.?\s|차이")
_COMPARING_TITLE_COST = 0.6
# the most lines a side set beside another under a common label may have to be read
# as one line
_SIBLING_SIDE_LINES = 3
# and the most characters (about two short sentences, read at a glance)
_SIBLING_SIDE_TEXT = 160
# The kinds a sentence about the subject anywhere in the notes may answer (`units_on`)
_TOPIC_KINDS = frozenset({"why", "when", "how", "example"})
# A line from another section than the lead's joins it when it scores this share of it
_ELSEWHERE_SHARE = 0.8
# (a line that gives the subject its name, "DNN(은닉층이 여러개 있는 것을 의미함)", defines it
# wherever it stands)
_CALLS_ELSEWHERE_SHARE = 0.6


@dataclass(frozen=True)
class _Ask:
    """What `UnitSelector.select` is asked, whatever kind it answers it as."""

    question: str
    subjects: list[str]
    hits: list[Passage]
    units_of: Callable[[Passage], list[UnitRecord]]
    units_about: Callable[[set[str]], list[UnitRecord]] | None
    passage_of: Callable[[int], Passage | None] | None
    domains: frozenset[str]
    anchors: frozenset[str]
    idf: Callable[[str], float] | None = None
    beside: UnitRecord | None = None
    """The unit the answer before opened with, for a follow-up that names a new topic."""
    kind: str = "definition"
    """The kind the question asks, whatever kind it is answered as."""
    units_on: Callable[[str], list[UnitRecord]] | None = None
    """The units whose sentence opens with a name's key as its topic ("RNN은 …")."""


class UnitSelector:
    def __init__(self, analyzer: KoreanAnalyzer, *, max_units: int = 5, passages: int = 5) -> None:
        self.analyzer = analyzer
        self.max_units = max_units
        self.passages = passages

    def select(
        self,
        *,
        question: str,
        kind: str,
        subjects: list[str],
        hits: list[Passage],
        units_of: Callable[[Passage], list[UnitRecord]],
        units_about: Callable[[set[str]], list[UnitRecord]] | None = None,
        units_on: Callable[[str], list[UnitRecord]] | None = None,
        passage_of: Callable[[int], Passage | None] | None = None,
        domains: frozenset[str] = frozenset(),
        anchors: frozenset[str] = frozenset(),
        quoted: frozenset[str] = frozenset(),
        idf: Callable[[str], float] | None = None,
        beside: UnitRecord | None = None,
    ) -> Selection:
        """`domains`: the subjects that only say where the asked one belongs
        ("선형회귀에서 경사하강법은": 선형회귀); they count less. `anchors`: the subjects a
        follow-up goes on from ("DNN이 뭐야?" → "정확도는 어느 정도 나와?": DNN); where
        some line found names one, the answer is drawn from such lines ("DNN에서는 …
        정확도가 거의 99%"), not from what the notes say of the new words alone.
        `quoted`: the lines of code the answer before quoted, for a follow-up to it: the
        code is asked about, as when the question says "코드", and the lines near those
        (under the same function and comment) first. `idf`: how rare a term is in the
        notes; a line's share of the question's words weighs each word by it.

        When nothing found answers the kind asked ("LSTM은 누가 만들었어?" where the
        notes name nobody), the answer is what the notes say the subject is.

        `beside`: for a follow-up that names a new topic ("손실 함수는 뭐야?" → "그럼 활성화
        함수는?"), the unit the answer before opened with; the same question is asked of
        the new topic, so its like beside that unit (the row of 활성화 함수 in the same
        table, `_sibling`) leads, wherever search ranked it."""

        # an English name as the notes' Korean spelling of it, which their labels use
        # ("unsupervised learning" as 비지도 학습, under "비지도학습과 강화학습의 차이"),
        # unless the lines found write it in English ("pytorch code", "GAN(생성자와 …"),
        # not only to gloss their Korean name ("지도학습(Supervised Learning)")
        # (read only when the question names such a thing, as most do not)
        @lru_cache(maxsize=1)
        def written() -> str:
            return " | ".join(
                _PARENS.sub(" ", " ".join((*unit.labels, unit.term, unit.text))).casefold()
                for passage in hits[: self.passages]
                for unit in units_of(passage)
            )

        def labelled(name: str) -> bool:
            return re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", written()) is not None

        question = self.analyzer.korean_name(question, labelled)
        subjects = [self.analyzer.korean_name(s, labelled) for s in subjects]
        domains = frozenset(self.analyzer.korean_name(s, labelled) for s in domains)
        ask = _Ask(
            question,
            subjects,
            hits,
            units_of,
            units_about,
            passage_of,
            domains,
            anchors,
            idf,
            beside,
            kind,
            units_on,
        )
        # a question that asks for one shape of answer gets it, where the notes hold one:
        # the entries after a named one, a name in the other script, a formula
        shaped: tuple[tuple[re.Pattern[str], Callable[[_Ask], Selection]], ...] = (
            (_ASKS_NEXT, self._entries_after),
            (_ASKS_OTHER_NAME, self._other_name),
            (_ASKS_DISPLAY_MATH, self._formula),
        )
        for asks_for, answer in shaped:
            if asks_for.search(question) and (given := answer(ask)).units:
                return given
        if quoted or _ASKS_CODE.search(question):
            code = self._code(ask, asked_for=True, near=quoted)
            if code.units:
                return code
        if _ASKS_TYPING.search(question):
            command = self._command(ask)
            if command.units:
                return command
        days = days_asked(question)
        if days:
            what = self._day(ask, days)
            if what.units:
                return what
        if asks_which_day(question):
            # "최소제곱법은 며칠 수업에서 배웠지?": only a line under a day can say which
            dated = [
                h
                for h in ask.hits
                if any(any(map(day_of_label, u.labels)) for u in ask.units_of(h))
            ]
            ask = replace(ask, hits=dated) if dated else ask
        # how a thing is written is the cell of its row under the column the question
        # names ("원핫 인코딩에서 고양이는 어떻게 표현해?": 고양이's 원-핫 인코딩), before any
        # procedure under the title; how a thing is done is not ("라이선스는 어떻게 적용돼?")
        defined = (
            self._select(ask, "definition")
            if kind == "how" and _ASKS_FORM.search(question)
            else None
        )
        if defined is not None and defined.units and defined.units[0].cell:
            selection = Selection(defined.units, True)
        else:
            selection = self._select(ask, kind)
        if not selection.kind_found and kind == "how" and _HOW_USED.search(question):
            # "혼동 행렬은 어떻게 써?" asks what it is used for as much as the steps: the
            # lines that say when ("오답이 나왔을 때, 혼동 행렬을 작성해서 …") answer it
            used = self._select(ask, "when")
            if used.kind_found:
                selection = used
        if not selection.kind_found and kind == "how" and _ASKS_STEPS.search(question):
            # "pytorch 코드 작성 순서 알려줘" where no line reads as a procedure: the run of
            # entries right under the bullet it names in its own words ("pytorch code" >
            # "데이터셋 분포", …) are the steps
            steps = self._select(ask, "list")
            if steps.kind_found and self._run_under_asked_label(steps, question):
                selection = steps
        if not selection.kind_found and kind in _FALL_BACK_TO_DEFINITION:
            instead = defined or self._select(ask, "definition")
            if instead.units:
                selection = Selection(instead.units, False)
        if (
            not selection.kind_found
            and selection.units
            and self._says_what_is_asked(selection.units[0].unit, question, subjects, kind)
        ):
            # the line that leads answers it in the question's own words ("GridSearch는 왜
            # 비효율적이라고 해?": "GridSearch: 모든 조합 다 돌림 → 비효율적"): no header says
            # the notes do not
            selection = replace(selection, kind_found=True)
        if not selection.kind_found and selection.units:
            # prose that names the subject yet not what is asked of it, where a line of
            # the notes' code says it ("모자이크 처리한 얼굴은 원본 이미지에 어떻게 다시
            # 붙여?": the line under the comment "원본 이미지에 다시 붙이기")
            code = self._code(ask, by_asked=True)
            # ("배치 정규화는 누가 만들었어?": 만들 asks who, which "CNN 만들기" does not say)
            frame = _WHO_VERBS if kind == "who" else frozenset()
            # (any line of the quoted step: the one that names what is asked may follow
            # the line before it in its step)
            if code.units and max(
                self._asked_share(c.unit, question, subjects, frame) for c in code.units
            ) > max(0.5, self._asked_share(selection.units[0].unit, question, subjects, frame)):
                return code
        if (
            selection.units
            and not selection.code
            and max(self._named_share(c.unit, subjects) for c in selection.units[:1]) < 1.0
        ):
            # no line of prose names what is asked whole ("CORS 설정은 어떻게 해?": lines
            # that say 설정 of other things), where the notes' code does (the lines under
            # the comment "CORS 설정")
            code = self._code(ask, asked_for=True)
            if code.units and self._named_share(code.units[0].unit, subjects) >= 1.0:
                return code
        if len(selection.units) == 1 and not self._says_enough(selection.units[0].unit):
            selection = replace(selection, says_little=True)
        if not selection.units:
            # nothing in prose: what the notes' code says of it ("UPLOAD_DIR은 어디야?")
            return self._code(ask)
        if _ASKS_WHAT_DONE.search(question):
            selection = _deeds_first(selection)
        elif kind == "who":
            selection = _with_entry(selection, ask.units_of)
        lead = selection.units[0].unit
        if asks_which_day(question) and not (
            _CAME_OUT.search(question) and _YEAR.search(lead.text)
        ):
            # "ARIMA는 며칠 수업에서 배웠지?": the day heading its lead line stands under
            # (not where "언제 나왔어?" is answered by the year it came out: "장고: 최초
            # 릴리스: 2005년")
            day = next((label for label in lead.labels if day_of_label(label)), "")
            selection = replace(selection, day=day)
        # (kinds asked and listed in prose are answered by it: "FAISS 인덱스 종류 뭐 있어?" by
        # "IndexFlatL2나 IndexFlatIP는 …", not by the lines of code that make one)
        listed = kind == "list" and _answers_asked(
            lead, kind, question, self._head_words(ask.subjects)
        )
        domain_keys = {_key_of(d) for d in ask.domains}
        asked = [s for s in ask.subjects if _key_of(s) not in domain_keys]
        if (
            ask.subjects
            and not listed
            and (
                not self._names_subject(lead, ask.subjects)
                or (
                    _IDENTIFIER.search(ask.subjects[0])
                    and not self._names_subject(lead, ask.subjects[:1])
                )
                # it names one thing asked of several ("gateway API 라우터는 어떤 prefix로":
                # a row "save_prefix" names prefix, the line of code names both); where the
                # other only says where it belongs, the one asked is enough ("CNN에서 패딩은
                # 왜 해?": not the CNN code that sets padding="same")
                or (len(asked) > 1 and not all(self._names_subject(lead, [s]) for s in asked))
            )
        ):
            # prose that names nothing asked, or not the name from the code that is asked
            # about ("MnistSampleRequest 필드", "UPLOAD_DIR"), where a line of code names
            # it: the code, where it names more of it ("AI 에이전트": not "/ai/v1" over
            # a line about 에이전트)
            code = self._code(ask, own=True)
            # (the prose by the lines beside the lead under its labels, which may name
            # what it speaks of: "원래 CIFAR-100 이미지 데이터는 uint8 타입이에요" over "…
            # astype('float32')를 통해 데이터 타입을 float32로 바꿔줘야 …")
            prose = max(
                self._named_share(c.unit, ask.subjects)
                for c in selection.units
                if c.unit.source == lead.source and c.unit.labels == lead.labels
            )
            if (
                code.units
                and max(self._named_share(c.unit, ask.subjects) for c in code.units) > prose
            ):
                return code
        if _ASKS_COMMAND.search(question):
            units = self._with_commands(ask, selection.units)
            # the command is what was asked: no header says the notes do not say how
            found = selection.kind_found or bool(units[0].command)
            selection = replace(selection, units=units, kind_found=found)
        if (
            kind == "compare"
            and not selection.kind_found
            and selection.units
            and any(p.search(selection.units[0].unit.text) for p in _said_as_asked(question))
        ):
            # "랜덤 포레스트는 결정 트리보다 뭐가 좋아?" is answered by a strength said of it
            # ("… 단일 트리보다 분산이 줄어 과적합에 강해진다"), though the other side is not
            # described
            selection = replace(selection, kind_found=True)
        cases = _TWO_CASES.search(question)
        if (
            kind == "compare"
            and not selection.kind_found
            and cases
            and all(any(case in c.unit.text for c in selection.units) for case in cases.groups())
        ):
            # "드롭아웃은 학습할 때랑 추론할 때 어떻게 달라?": one thing in two cases, and the
            # lines say it of each ("학습 중에 …", "추론할 때는 … 끄므로")
            selection = replace(selection, kind_found=True)
        weakness = _WEAKNESS_WORD.search(question)
        subject_keys = {_key_of(s) for s in ask.subjects} - {""}
        if (
            kind == "definition"
            and weakness
            and selection.kind_found
            and not any(
                _says_weakness(c.unit) and not _of_another(c.unit.text, subject_keys)
                for c in selection.units
                if c is selection.units[0] or self._names_subject(c.unit, ask.subjects)
            )
        ):
            # "단층 퍼셉트론의 한계는?" where the notes only say what a 퍼셉트론 is: the
            # answer says that the notes do not give its 한계, and what they hold of it
            # follows, not the weakness of another thing ("다항식 커널은 … 한계가 있지만")
            units = [
                c
                for c in selection.units
                if not (_says_weakness(c.unit) and _of_another(c.unit.text, subject_keys))
            ]
            selection = replace(
                selection,
                units=units or selection.units,
                kind_found=False,
                asked=weakness.group(),
            )
        if selection.units and kind in ("how", "why"):
            selection = replace(selection, units=self._with_its_run(selection.units, ask))
        unnamed = self._unnamed(selection, ask) if kind != "compare" else ""
        if unnamed:
            selection = replace(selection, unnamed=unnamed)
        return selection

    def _with_its_run(self, units: list[Chosen], ask: _Ask) -> list[Chosen]:
        """The lead, then the lines that go on from it under a title that asks what they
        answer ("astype('float32') 하는 이유" > "원래 … uint8 타입이에요." / "신경망 모델은 …
        float32 …" / "따라서, astype('float32')를 통해 … 바꿔줘야 …"): one statement in
        short lines, read whole, before the rest."""
        lead = units[0]
        title = lead.unit.labels[-1] if lead.unit.labels else ""
        if lead.unit.kind != "item" or not title or not ask_of(title):
            return units
        run = _run_around(lead.unit, ask.units_of(lead.passage))
        after = [u for u in run if u.line > lead.unit.line and u.kind == "item"]
        if not after or len(run) > _RUN_WHOLE:
            return units
        shown = {c.unit.unit_id for c in units}
        going_on = [Chosen(u, lead.passage, lead.score) for u in after if u.unit_id not in shown]
        rest = [c for c in units[1:] if c.unit.unit_id not in {u.unit_id for u in after}]
        ordered = [c for c in units[1:] if c.unit.unit_id in {u.unit_id for u in after}]
        return [lead, *sorted([*ordered, *going_on], key=lambda c: c.unit.line), *rest]

    def _run_under_asked_label(self, selection: Selection, question: str) -> bool:
        """Whether `selection` is entries right under one bullet whose words (two or more)
        the question says ("pytorch code" for "파이토치 코드는 어떤 순서로 짜?")."""
        lead = selection.units[0].unit
        if not lead.labels[lead.heading_depth :]:
            return False
        words = set(self.analyzer.terms(lead.labels[-1])) - QUERY_STOPWORDS
        return (
            len(words) >= 2
            and words <= set(self.analyzer.terms(question))
            and all(c.unit.kind == "item" and c.unit.labels == lead.labels for c in selection.units)
        )

    def _unnamed(self, selection: Selection, ask: _Ask) -> str:
        """The one compound subject asked (not where it belongs) when the lead is about
        its name less a prefix of one of its words and no line of the notes names it, else
        ""."""
        domain_keys = {_key_of(d) for d in ask.domains}
        asked = [s for s in ask.subjects if _key_of(s) not in domain_keys]
        if len(asked) != 1 or not selection.units or selection.code:
            return ""
        subject = self.analyzer.name_of(asked[0])
        key = _key_of(subject)
        lead = selection.units[0].unit
        # the lead is about the name less a prefix of one of its words ("활성화 함수" for
        # "비활성화 함수"): another thing than the one asked (not a kind of it, "퍼셉트론"
        # for "단층 퍼셉트론", nor the same thing, "에이전트" for "AI 에이전트"); the key's
        # ending first, which rules out nearly every answer without analysing a word
        name = lead.term or lead.context
        named = _key_of(name)
        if len(named) < 2 or named == key or not key.endswith(named):
            return ""
        terms = set(self.analyzer.terms(subject)) - QUERY_STOPWORDS
        lead_terms = set(self.analyzer.terms(name))
        if (
            len(terms) < 2
            or not any(
                t.endswith(part) and t != part for t in terms - lead_terms for part in lead_terms
            )
            or any(
                key in _whole_key(c.unit)
                or all(holds_term(t, c.unit.terms | c.unit.context_terms) for t in terms)
                for c in selection.units
            )
        ):
            return ""
        # nor any line of the notes (a title with nothing under it is no line), or of the
        # passages found where the notes cannot be looked through
        lines = (
            ask.units_about(terms)
            if ask.units_about is not None
            else [u for hit in ask.hits for u in ask.units_of(hit)]
        )
        if any(key in _whole_key(u) for u in lines if u.kind != "code" and readable(u) is not None):
            return ""
        return asked[0]

    def more_of(
        self,
        lead: UnitRecord,
        topic: str,
        *,
        units_of: Callable[[Passage], list[UnitRecord]],
        passage_of: Callable[[int], Passage | None],
        shown: str,
        sections: Callable[[str], list[Passage]] = lambda _: [],
    ) -> Selection:
        """For "더 자세히 알려줘": the lines of the section the answer before opened in
        (`lead`), in the notes' order, that the answers before (`shown`) did not hold. The
        section is the outermost label that names `topic` ("K-평균 군집화", its steps and
        measures with it), else the heading `lead` stands under; `sections` gives the
        passages under a heading (a section's sub-sections are chunks of their own)."""
        key = _key_of(topic)
        named = [
            i
            for i, label in enumerate(lead.labels)
            if key and (key in _key_of(label) or key in _names_of(label))
        ]
        section = lead.labels[: named[0] + 1] if named else lead.labels[: lead.heading_depth]
        passage = passage_of(lead.chunk_id)
        if passage is None:
            return Selection()
        under = [p for p in sections(section[-1]) if p.source == passage.source] if section else []
        units = {u.unit_id: u for p in (passage, *under) for u in units_of(p)}
        rest = sorted(
            (
                u
                for u in units.values()
                if u.labels[: len(section)] == section
                and standalone(u)
                and u.text.rstrip(". ") not in shown
            ),
            key=lambda u: u.line,
        )
        chosen = []
        for unit in rest[: self.max_units]:
            found = passage_of(unit.chunk_id)
            if found is not None:
                chosen.append(Chosen(unit, found, found.score))
        return Selection(chosen, True)

    def _command(self, ask: _Ask) -> Selection:
        """For a question that asks what to type ("uvicorn으로 8888 포트에 reload 켜고
        서버 띄우려면 어케 쳐?"): the shell command of the notes that holds the most of the
        names and numbers it asks with, at least half of them."""
        asked = {w.casefold() for w in _NAME_OR_NUMBER.findall(ask.question)}
        if not asked:
            return Selection()

        def share(unit: UnitRecord) -> float:
            words = {w.casefold() for w in _NAME_OR_NUMBER.findall(unit.text)}
            return len(asked & words) / len(asked)

        commands = [
            (share(unit), Chosen(unit, hit, 1.0))
            for hit in ask.hits[: self.passages]
            for unit in ask.units_of(hit)
            if _COMMAND_LINE.match(unit.text)
        ]
        # the first of the best, in the order search ranked them
        best = max(commands, key=lambda sc: sc[0], default=None)
        if best is None or best[0] < _COMMAND_SHARE:
            return Selection()
        return Selection([best[1]], True, code=True)

    @staticmethod
    def _with_commands(ask: _Ask, chosen: list[Chosen]) -> list[Chosen]:
        """Each line with the shell command written under the same bullet ("flask db
        migrate: 마이그레이션 파일을 생성하는 명령" and "(venv) $ flask db migrate")."""
        out, given = [], set()
        for c in chosen:
            command = next(
                (
                    u.text.strip()
                    for u in ask.units_of(c.passage)
                    if u.kind == "code"
                    and u.labels == c.unit.labels
                    and _COMMAND_LINE.match(u.text)
                ),
                "",
            )
            # once for the bullet, beside the first of its lines in the answer
            out.append(replace(c, command=command) if command not in given else c)
            given.add(command)
        return out

    def _says_what_is_asked(
        self, unit: UnitRecord, question: str, subjects: list[str], kind: str
    ) -> bool:
        """Whether `unit` answers the kind asked by its wording, or holds what the question
        asks beyond its subject (half its words or more)."""
        if answers_kind(unit, kind, question) or (unit.labels and ask_of(unit.labels[-1]) == kind):
            # (or it stands under a title that names the kind: "astype('float32') 하는 이유")
            return True
        # ("LSTM은 누가 만들었어?": 만들 asks who, which "… 값을 만들어" does not say)
        frame = _WHO_VERBS if kind == "who" else frozenset()
        return self._asked_share(unit, question, subjects, frame) >= 0.5

    def _asked_rest(self, question: str, subjects: list[str]) -> set[str]:
        """The words of what the question asks beyond its subjects."""
        named = set().union(*(set(self.analyzer.terms(s)) for s in subjects)) if subjects else set()
        rest = set(self.analyzer.terms(question)) - QUERY_STOPWORDS - named - _KIND_TERMS
        return rest - _LESSON_WORDS

    def _asked_share(
        self,
        unit: UnitRecord,
        question: str,
        subjects: list[str],
        frame: frozenset[str] = frozenset(),
    ) -> float:
        """The share of what the question asks beyond its subjects (and the words of
        `frame`) that `unit` or its labels say, in Korean or in the English names code
        gives those words."""
        rest = self._asked_rest(question, subjects) - frame
        if not rest:
            return 0.0
        words = unit.terms | unit.context_terms
        if unit.kind == "code":
            words = in_korean(words)
        return len(rest & words) / len(rest)

    @staticmethod
    def _naming_first(
        pool: list[Chosen], subject_pairs: list[tuple[set[str], str]], weights: list[float]
    ) -> list[Chosen]:
        """The pool with the best line that names the thing asked first, where the best
        line names only where it belongs ("로지스틱 회귀에서 logit은 어떻게 구해?": "Odds에
        로그를 취하면 logit이 된다", not a line about 로지스틱 회귀 that names no logit)
        and that line scores near it."""
        top = max(weights, default=0.0)
        asked = [(s, k) for (s, k), w in zip(subject_pairs, weights, strict=True) if w == top]
        if len(asked) == len(subject_pairs):
            return pool

        def names(c: Chosen) -> bool:
            words = c.unit.terms | c.unit.context_terms
            return any((k and k in _whole_key(c.unit)) or s <= words for s, k in asked)

        if names(pool[0]):
            return pool
        naming = next((c for c in pool if names(c)), None)
        if naming is None or naming.score < _NAMING_LEAD_SHARE * pool[0].score:
            return pool
        return [naming, *(c for c in pool if c is not naming)]

    def _topic_of(self, text: str, keys: set[str]) -> bool:
        """Whether a sentence of `text` takes one of the subjects (`keys`), or a part of
        one, as its topic or subject ("분류는 …" for "분류 모델")."""
        topics = {_key_of(phrase) for phrase, role in self.analyzer.subject_roles(text)}
        return any(t and t in k for t in topics for k in keys)

    def _other_thing(self, text: str, question: str, keys: set[str]) -> bool:
        """Whether a line is about a thing other than the subjects (`keys`): it opens with
        a topic of its own ("조기 종료(early stopping)는 …"; not "대처 방법으로는 …"), or
        names a name from code the question does not ("EarlyStopping(…) 콜백으로 …")."""
        roles = self.analyzer.subject_roles(text)
        text = text.strip()
        if (
            roles
            and roles[0][1] == "marked"
            and text.startswith(roles[0][0])
            and _TOPIC_PARTICLE.match(text[len(roles[0][0]) :])
        ):
            # ("풀링은 …" is about 풀링 계층, and "풀링 계층은 …" about 풀링)
            topic = _key_of(roles[0][0])
            if not any(k in topic or topic in k for k in keys):
                return True
        asked = question.casefold()
        return any(
            _IDENTIFIER.search(word) and word.casefold() not in asked
            for word in _LATIN_WORD.findall(text)
        )

    def _lead_by_kind(
        self, pool: list[Chosen], kind: str, question: str, keys: set[str], subjects: list[str]
    ) -> Chosen:
        """The best line, or, when it does not answer the kind asked, a line a few lines
        from it under the same labels that does and scores near it: "대처 방법으로는 …"
        leads "과적합은 어떻게 막아?" over the line that says what 과적합 is, which follows.
        Not a line about another thing under a shared label (`_other_thing`: "드롭아웃은
        어떻게 동작해?" is not led by "조기 종료(early stopping)는 … 방법이다", under
        "드롭아웃과 조기 종료"). Of two such lines that both say why (when, an example),
        the one that says more of what is asked ("LSTM은 왜 기울기 소실에 강해?": "…
        갱신되기 때문에 기울기가 … 전달된다" over "LSTM은 … 문제를 줄이기 위해 …")."""
        best = pool[0]
        if kind == "example" and not _case_of(best.unit.text, keys):
            # "로지스틱 회귀 예시 알려줘": a line that gives a case of it ("스팸메일 분류 -->
            # 로지스틱 회귀이다") leads one that only says "예를 들어" of something else
            case = next(
                (
                    c
                    for c in pool[1:]
                    if c.score >= _KIND_FOUND_SHARE * best.score and _case_of(c.unit.text, keys)
                ),
                None,
            )
            if case is not None:
                return case
        if kind == "who" and not _ASKS_WHO_IS.search(question) and not _tells_who(best.unit, keys):
            # "CNN은 누가 만들었어?": a line that says who made it ("… 얀루큰이
            # 개발하였다") leads one that only says what it is, as far below as a line
            # that finds the kind asked may score; of a person's lines, the one that names
            # the thing itself ("요수아 벤지오: GAN(…) - AI 그림 생성의 시초"), not a line
            # under it that names it only by its label ("… 기계 번역, 챗봇 …")
            whose = [
                c
                for c in pool[1:]
                if c.score >= _KIND_FOUND_SHARE * best.score and _tells_who(c.unit, keys)
            ]
            naming = [
                c
                for c in whose
                if c.unit.term == whose[0].unit.term
                and c.score >= _KIND_LEAD_SHARE * whose[0].score
                and any(k in _key_of(c.unit.text) for k in keys)
            ]
            return next(iter(naming or whose), best)
        own_share = self._asked_share(best.unit, question, subjects)
        if len(self._asked_rest(question, subjects)) >= 2 and (
            (kind == "definition" and own_share < 1.0)
            or (kind in ("why", "how", "when") and own_share == 0)
        ):
            # "CNN은 처음 어디에 성공적으로 적용됐어?" asks more than what CNN is: the line
            # that says all of it ("… 데이터에 CNN을 처음 성공적으로 적용하였다") leads; so
            # does one for a why (how, when) where the best line says none of it ("분류
            # 모델은 극단값 있으면 왜 별로라고 해?": "분류는 극단값에 영향을 받아 별로임", not
            # a why of K-NN that reads "… 분류"), if it names the subject at least in part
            named = set().union(*(set(self.analyzer.terms(s)) for s in subjects))
            named_words = named - QUERY_STOPWORDS
            holding = [
                c
                for c in pool[1:]
                if c.score >= _ASKED_LEAD_SHARE * best.score
                and self._asked_share(c.unit, question, subjects) == 1.0
                and (kind == "definition" or bool(named_words & c.unit.terms))
            ]
            # (first one whose sentences take the subject as their topic: "분류는 …", not
            # "이진분류와 같은 경우 …")
            holding.sort(key=lambda c: not self._topic_of(c.unit.text, keys))
            holds = next(iter(holding), None)
            if holds is not None:
                return holds
        # (a topic of its own is another thing only under a title of several: under
        # "위치 인코딩", "어텐션 연산 자체는 … 구분하지 못하므로 …" says why it is needed)
        shared = bool(self._shares_title(best.unit, keys))
        # (where the best line names the subject and its title does not, a line beside it
        # that does not name it either may be of another thing: "원핫 인코딩은 언제 써?" is
        # not led by "이상치가 많으면 … RobustScaler가 …", both under "특성 스케일링과
        # 범주형 인코딩")
        pairs = [(set(self.analyzer.terms(s)) - QUERY_STOPWORDS, _key_of(s)) for s in subjects]
        untitled = _names_alone(best.unit, pairs, keys)
        # (a line that says what is asked beyond the subject may score lower: it need not
        # name the subject under its heading, as the line that leads does; "Seq2Seq의
        # 문제점은 뭐야?" → "… 정보가 손실되는 병목이 생긴다")
        lower = list(takewhile(lambda c: c.score >= _TELLING_SHARE * best.score, pool[1:]))
        around = [
            c
            for c in lower
            if c.unit.source == best.unit.source
            and c.unit.labels == best.unit.labels
            and abs(c.unit.line - best.unit.line) <= _KIND_LEAD_LINES
            and not (shared and self._other_thing(c.unit.text, question, keys))
            and not (
                untitled and not any(_names(c.unit, s, k, own=True, keys=keys) for s, k in pairs)
            )
            # (under a title of several, a line that names a word of the name asked and not
            # the name speaks of another: "데이터 증강은?" is not led by "데이터가 어느 정도
            # 있으면 … 미세 조정한다" of 전이 학습, under "전이 학습과 데이터 증강")
            and not (shared and _names_part_only(c.unit, pairs))
        ]
        beside = [c for c in around if c.score >= _KIND_LEAD_SHARE * best.score]
        near = [c for c in beside if answers_kind(c.unit, kind, question)]
        if kind == "when":
            # a line that says when it is used ("데이터가 적을 때 유리한") before one with a
            # clause of time only ("새 후보 상태를 만들 때 …")
            near.sort(key=lambda c: not _TEXT_KIND["when"].search(c.unit.text))

        def saying(pattern: re.Pattern[str], lines: list[Chosen]) -> Chosen | None:
            # the first of `lines` that says it, and no less of what is asked than the best
            # line ("보틀은 왜 그렇게 가볍다고 해?")
            own = self._asked_share(best.unit, question, subjects)
            return next(
                (
                    c
                    for c in lines
                    if pattern.search(c.unit.text)
                    and self._asked_share(c.unit, question, subjects) >= own
                ),
                None,
            )

        before = [_BEFORE] if _ASKS_BEFORE.search(question) else []
        telling = next(iter([*_said_as_asked(question), *before]), None)
        if telling is not None and not telling.search(best.unit.text):
            # "랜덤 포레스트는 결정 트리보다 뭐가 좋아?": a line beside the best that says a
            # strength ("… 분산이 줄어 과적합에 강해진다") leads what the thing is, though it
            # names less of what the strength is measured against ("결정 트리"); so does
            # what is done first, asked for ("PCA 하기 전에 뭘 해야 돼?": "… 먼저 표준화")
            # (not a glossary line of another thing: "랜덤 탐색의 한계는?" is not answered by
            # "그리드 탐색: … → 비효율적" beside it)
            said = next(
                (
                    c
                    for c in around
                    if telling.search(c.unit.text)
                    and (
                        not c.unit.term
                        or any(_names(c.unit, s, k, own=True, keys=keys) for s, k in pairs)
                    )
                ),
                None,
            ) or next(
                # or under a heading inside the best line's section ("RNN 단점은?": "시퀀스가
                # 길면 … 기울기 소실 …" under "BPTT와 장기 의존성 문제", inside 순환 신경망)
                (
                    c
                    for c in lower
                    if c.unit.source == best.unit.source
                    and len(c.unit.labels) > len(best.unit.labels)
                    and c.unit.labels[: len(best.unit.labels)] == best.unit.labels
                    and telling.search(c.unit.text)
                    and not _of_another(c.unit.text, keys)
                ),
                None,
            )
            if said is not None:
                return said
        elif telling is not None:
            # the best line says it ("… 파라미터 수는 (K_h K_w C_{in} + 1) × C_{out}이다"
            # for "… 어떻게 계산해?"): no line that reads as a procedure leads it
            return best
        if kind == "why" and _ASKS_CAUSE.search(question):
            # what causes it leads what is done about it ("기울기 소멸 문제는 왜 생겨?": "…
            # 전파될 때 … 문제점이 발생함", not "… 문제를 보안하기 위해 …")
            if _ARISES.search(best.unit.text):
                return best
            cause = saying(_ARISES, beside)
            if cause is not None:
                return cause
        if kind == "why" and not _PURPOSE.search(best.unit.text):
            # what it is for, said as such, leads a cause that a statement of something
            # else gives ("PCA는 왜 써?": "… 전처리로 쓴다", not "… 지배하므로 먼저 표준화")
            purpose = saying(_PURPOSE, near)
            if purpose is not None:
                return purpose
        if kind in _KIND_LEADS and not answers_kind(best.unit, kind, question):
            # (not one that says less of what is asked: "결정 트리는 어떻게 분할해?" is led
            # by "각 분할에서는 …", not by "예측 과정을 … 읽을 수 있어 …", which only
            # reads as a procedure)
            own = self._asked_share(best.unit, question, subjects)
            return next(
                (c for c in near if self._asked_share(c.unit, question, subjects) >= own), best
            )
        if kind in _ASKED_LEADS:
            own = self._asked_share(best.unit, question, subjects)
            return next(
                (c for c in near if self._asked_share(c.unit, question, subjects) > own), best
            )
        return best

    def _named_share(self, unit: UnitRecord, subjects: list[str]) -> float:
        """How much of the subjects a unit or its labels name: the share of each one's
        words, summed."""
        words = unit.terms | unit.context_terms
        if unit.kind == "code":
            # (a line of code names 얼굴 by `face_img`, as the code's own scoring reads it)
            words = in_korean(words)
        total = 0.0
        for subject in subjects:
            terms = set(self.analyzer.terms(self.analyzer.name_of(subject))) - QUERY_STOPWORDS
            if terms:
                total += sum(holds_term(t, words) for t in terms) / len(terms)
        return total

    def _day(self, ask: _Ask, days: set[tuple[int, int]]) -> Selection:
        """What a course log's day holds ("9월 5일 수업에서 뭐 했어?"): the topics and items
        right under that day's heading, in the notes' order, as one line under the day."""
        names: dict[str, tuple[str, int]] = {}  # key → (name, line)
        first: UnitRecord | None = None
        seen: set[int] = set()
        for hit in ask.hits:
            for unit in ask.units_of(hit):
                if unit.unit_id in seen or unit.kind == "code":
                    continue
                seen.add(unit.unit_id)
                at = next(
                    (i for i, label in enumerate(unit.labels) if day_of_label(label) in days),
                    None,
                )
                if at is None:
                    continue
                if first is None or (unit.source, unit.line) < (first.source, first.line):
                    first = unit
                below = unit.labels[at + 1] if at + 1 < len(unit.labels) else unit.text
                name = _MARKS.sub("", below).strip()
                key = _key_of(name)
                if key and (key not in names or unit.line < names[key][1]):
                    names[key] = (name, unit.line)
        if first is None or ask.passage_of is None:
            return Selection()
        passage = ask.passage_of(first.chunk_id)
        if passage is None:
            return Selection()
        day = next(label for label in first.labels if day_of_label(label) in days)
        ordered = sorted(names.values(), key=lambda nl: nl[1])[:_DAY_ITEMS]
        unit = replace(first, kind="term", term=day, text=", ".join(n for n, _ in ordered))
        return Selection([Chosen(unit, passage, 1.0)], True)

    def _entries_after(self, ask: _Ask) -> Selection:
        """For "데이터셋 분포 확인한 다음 단계들": the entries of a list after the one a
        subject names ("* 데이터셋 분포", then "* 데이터셋 변환", "* 데이터셋 분리", …), in
        the notes' order; none where no entry of a list is named so."""
        keys = {_key_of(s) for s in ask.subjects} - {""}
        for hit in ask.hits[: self.passages]:
            units = ask.units_of(hit)
            for unit in units:
                entry = _key_of(unit.text)
                # (named whole, or by its words apart: "픽셀 값 정규화" as 픽셀, 정규화)
                if unit.kind != "item" or not (
                    entry in keys or (len(keys) > 1 and all(k in entry for k in keys))
                ):
                    continue
                run = [
                    u
                    for u in _adjacent(unit, [u for u in units if u.labels == unit.labels])
                    if u.line > unit.line and u.kind == "item"
                ]
                if len(run) >= 2:
                    return Selection(
                        [Chosen(u, hit, hit.score) for u in run[: 2 * self.max_units]], True
                    )
        return Selection()

    def _shares_title(self, unit: UnitRecord, keys: set[str]) -> list[str]:
        """The other things the title `unit` stands under names beside the subject
        ("드롭아웃과 조기 종료": 조기 종료, for 드롭아웃); none when it names one thing
        ("다층 퍼셉트론 (MLP)" is one thing under two names)."""
        if not unit.labels:
            return []
        named = self.analyzer.subjects(_SPELLED_OUT.sub("", unit.labels[-1]))
        if len(named) < 2 or not any(_key_of(n) in keys for n in named):
            return []
        # (a word of the subject's own name is no other thing: "FastAPI로 모델 서빙하기"
        # names 모델 of 모델 서빙)
        return [n for n in named if not any(_key_of(n) in k for k in keys)]

    def _names_subject(self, unit: UnitRecord, subjects: list[str]) -> bool:
        words = unit.terms | unit.context_terms
        whole = _whole_key(unit)
        return any(
            ((key := _key_of(s)) and key in whole)
            or (
                (terms := set(self.analyzer.terms(s)) - QUERY_STOPWORDS)
                and all(holds_term(t, words) for t in terms)
            )
            for s in subjects
        )

    def _found_or_titled(
        self, ask: _Ask, term_sets: list[set[str]]
    ) -> list[tuple[UnitRecord, Passage]]:
        """The units of the passages found, then those whose labels name all of one of
        `term_sets` wherever their passage ranked, each once with its passage."""
        found: dict[int, tuple[UnitRecord, Passage]] = {}
        for hit in ask.hits[: self.passages]:
            for unit in ask.units_of(hit):
                found.setdefault(unit.unit_id, (unit, hit))
        if ask.units_about is not None and ask.passage_of is not None:
            for terms in term_sets:
                for unit in ask.units_about(terms):
                    if unit.unit_id in found:
                        continue
                    passage = ask.passage_of(unit.chunk_id)
                    if passage is not None:
                        found[unit.unit_id] = (unit, passage)
        return list(found.values())

    def _other_name(self, ask: _Ask) -> Selection:
        """For "X는 우리말로 뭐라고 불러?": the line that writes X with its name in the other
        script in parentheses ("fully connected layer(완전 연결 계층 - 전결합층)"), said as
        that name ("노트에 적힌 fully connected layer의 우리말 이름: 완전 연결 계층 -
        전결합층"), then the line itself where it says more of X."""
        domain_keys = {_key_of(d) for d in ask.domains}
        asked_in = _ASKS_OTHER_NAME.search(ask.question)
        in_english = asked_in is not None and asked_in.group().startswith(("영어", "영문"))
        keys = (
            {_key_of(name) for s in ask.subjects for name in (s, self.analyzer.name_of(s))}
            - domain_keys
            - {""}
        )
        asked = set(self.analyzer.terms(ask.question)) - QUERY_STOPWORDS
        units = self._found_or_titled(
            ask, [self._subject_terms(self.analyzer.name_of(s), asked) for s in ask.subjects]
        )
        for unit, passage in units:
            for text in (unit.term, unit.text, unit.labels[-1] if unit.labels else ""):
                for m in _GLOSSED.finditer(text):
                    outer, inner = m.group("outer").strip(), m.group("inner").strip()
                    # (the words a Korean name follows are no part of it: "대표적인
                    # 지도학습(Supervised Learning)" names 지도학습)
                    outer = next(
                        (
                            tail
                            for n in range(len(outer.split()), 0, -1)
                            if _key_of(tail := " ".join(outer.split()[-n:])) in keys
                        ),
                        outer if _LATIN_LETTER.match(outer) else outer.split()[-1],
                    )
                    if _key_of(outer) not in keys and _key_of(inner) not in keys:
                        continue
                    if bool(_LATIN_LETTER.match(outer)) == bool(_LATIN_LETTER.match(inner)):
                        continue  # the same script: no other name
                    # the name in the language asked, after the other ("합성곱 계층은
                    # 영어로?" of "convolutional layer(합성곱 계층)": convolutional layer)
                    if bool(_LATIN_LETTER.match(outer)) == in_english:
                        outer, inner = inner, outer
                    language = "영어" if in_english else "우리말"
                    named = replace(
                        unit,
                        kind="item",
                        term="",
                        context="",
                        text=f"노트에 적힌 {outer}의 {language} 이름: {inner}",
                    )
                    chosen = [Chosen(named, passage, 1.0)]
                    # (the line itself where it says more than the two names)
                    rest = _GLOSSED.sub("", unit.text).strip(" :")
                    if standalone(unit) and (text != unit.text or rest):
                        chosen.append(Chosen(unit, passage, 0.5))
                    return Selection(chosen, True)
        return Selection()

    def _formula(self, ask: _Ask) -> Selection:
        """The formula the notes give for each thing asked: the display math under a label
        that names it, with the rows after it that say what its symbols stand for, in the
        notes' order. A block under the thing's own label comes before one under a label
        that only holds its words ("비선형을 위한 커널" for 선형 커널), and a symbol the
        question names ("식에서 d는 뭐야?") counts for the block that defines it."""
        domain_keys = {_key_of(d) for d in ask.domains}
        subjects = [s for s in ask.subjects if _key_of(s) not in domain_keys] or ask.subjects
        asked = set(self.analyzer.terms(ask.question)) - QUERY_STOPWORDS - _FORMULA_WORDS
        sides = [
            (s, self._subject_terms(self.analyzer.name_of(s), asked) - _FORMULA_WORDS)
            for s in subjects
        ]
        sides = [(s, terms) for s, terms in sides if terms]
        if not sides:
            return Selection()
        found = [
            (u, p)
            for u, p in self._found_or_titled(ask, [terms for _, terms in sides])
            if u.kind == "formula"
        ]
        blocks: dict[tuple[str, tuple[str, ...]], list[tuple[UnitRecord, Passage]]] = {}
        for unit, passage in sorted(found, key=lambda up: (up[0].source, up[0].line)):
            blocks.setdefault((unit.source, unit.labels), []).append((unit, passage))

        def held(block: list[tuple[UnitRecord, Passage]]) -> set[str]:
            return set().union(*(u.terms for u, _ in block))

        def labelled(
            block: list[tuple[UnitRecord, Passage]], subject: str, terms: set[str]
        ) -> bool:
            # its labels hold the subject's words, as terms or as written ("출력층" is one
            # term in a label and 출력 + 층 in "RNN 출력층 계산 식")
            head = block[0][0]
            if all(holds_term(t, head.context_terms) for t in terms):
                return True
            written = _key_of(" ".join(head.labels))
            words = [w for w in self.analyzer.name_of(subject).split() if w not in _FORMULA_WORDS]
            return bool(words) and all(_key_of(w) in written for w in words)

        # a thing the formula is of is named by the labels it stands under; a subject no
        # label names is a symbol in it ("엔트로피 식에서 P_k는": P_k)
        named = [
            (s, terms) for s, terms in sides if any(labelled(b, s, terms) for b in blocks.values())
        ]
        symbols = asked - set().union(*(terms for _, terms in named))
        chosen: list[list[tuple[UnitRecord, Passage]]] = []

        def score(
            block: list[tuple[UnitRecord, Passage]], subject: str, terms: set[str], key: str
        ) -> float:
            head = block[0][0]
            if not labelled(block, subject, terms):
                return 0.0
            own = head.labels[-1] if head.labels else ""
            under = (bool(key) and key in _key_of(own)) or terms <= set(self.analyzer.terms(own))
            shown = held(block)
            return (
                1.0
                + under
                + (sum(holds_term(t, shown) for t in symbols) / len(symbols) if symbols else 0.0)
            )

        for subject, terms in named:
            key = _key_of(self.analyzer.name_of(subject))
            best = max(blocks.values(), key=lambda b: score(b, subject, terms, key), default=None)
            if best is not None and score(best, subject, terms, key) > 0 and best not in chosen:
                chosen.append(best)
        if not named:
            # only symbols asked: the block that writes them, under labels that name
            # the question's other words
            def share(block: list[tuple[UnitRecord, Passage]]) -> float:
                head, shown = block[0][0], held(block)
                if not any(all(holds_term(t, shown) for t in terms) for _, terms in sides):
                    return 0.0
                rest = symbols - set().union(*(terms for _, terms in sides))
                return 1.0 + sum(holds_term(t, head.context_terms) for t in rest) / max(
                    1, len(rest)
                )

            ranked = sorted(blocks.values(), key=share, reverse=True)
            if ranked and share(ranked[0]) > 0:
                chosen.append(ranked[0])
        units: list[Chosen] = []
        for block in chosen:
            units += [Chosen(unit, passage, 1.0) for unit, passage in block]
        for block in chosen:
            # what the notes say in words right above the formula, under the same label
            # ("출력층 계산" > "… 현재 은닉층)에 소프트맥스 함수를 적용" over "ŷₜ = softmax(…)")
            head, passage = block[0]
            said = sorted(
                (
                    u
                    for u in ask.units_of(passage)
                    if u.labels == head.labels and u.line < head.line and standalone(u)
                ),
                key=lambda u: u.line,
            )
            units += [Chosen(u, passage, 0.5) for u in said[-_FORMULA_PROSE:]]
        return Selection(units, formula=True)

    def _code(
        self,
        ask: _Ask,
        *,
        own: bool = False,
        asked_for: bool = False,
        near: frozenset[str] = frozenset(),
        by_asked: bool = False,
    ) -> Selection:
        """The line of the notes' code that names most of what is asked, its own words
        first, then its labels (function, comment); with the rest of its statement (a call
        over several lines) and, for a line that opens a block, the lines of the block.
        `own`: only a line that names the first subject in its own words.
        `asked_for`: the code is what is asked for, and a line under labels that name the
        subject may answer though its own words name nothing asked. `near`: the lines the
        answer before quoted. `by_asked`: a line that names more than half of what is asked
        beyond the subjects is named though it names no subject (the face is `img[…]`)."""
        asked = set(self.analyzer.terms(ask.question)) - QUERY_STOPWORDS - _CODE_WORDS
        # where the asked thing belongs ("gateway 코드에서 환경 변수는") names it less
        pairs = [
            (
                self._subject_terms(self.analyzer.name_of(s), asked) - _CODE_WORDS,
                _CODE_DOMAIN if s in ask.domains else 1.0,
            )
            for s in ask.subjects
        ]
        pairs = [(side, weight) for side, weight in pairs if side]
        sides = [side for side, _ in pairs]
        if not sides:
            return Selection()
        beyond = asked - set().union(*sides, *(self.analyzer.terms(s) for s in ask.subjects))
        # the word a subject of several ends with, the thing it is ("얼굴 모자이크": 모자이크)
        heads = {terms[-1] for s in ask.subjects if (terms := self.analyzer.terms(s))}
        found: dict[int, tuple[UnitRecord, Passage, int]] = {}
        for rank, hit in enumerate(ask.hits[: self.passages]):
            for unit in ask.units_of(hit):
                if unit.kind == "code":
                    found.setdefault(unit.unit_id, (unit, hit, rank))
        # where the lines quoted before stand: their labels (function, comment)
        places = {u.labels for u, _, _ in found.values() if u.text.strip() in near}
        # (a line that reports, then its score): a reporting line answers only where no
        # other line names what is asked
        best: tuple[tuple[bool, int, float, int, int], UnitRecord, Passage] | None = None
        naming: set[int] = set()  # the lines that name what is asked
        for unit, hit, rank in found.values():
            words = in_korean(unit.terms)
            around = in_korean(unit.context_terms) - words
            # the comment over the line (not the name of the function it stands in)
            comment = unit.labels[-1] if unit.labels else ""
            nearest = (
                in_korean(frozenset(self.analyzer.terms(comment)))
                if not CODE_NAME_LABEL.match(comment)
                else frozenset()
            )
            # a side is named when half its words are, more so by the line's own words, or
            # by the comment over it that names it whole ("✅ CORS 설정" over the lines of
            # app.add_middleware(…), not "from fastapi.middleware.cors import …")
            named = sum(
                weight * (1.0 + max(len(side & words), len(side) * (side <= nearest)) / len(side))
                for side, weight in pairs
                if _half_named(side, words | around)
            ) or (_CODE_NEAR_NAMED if unit.labels in places else 0.0)
            if (
                not named
                and by_asked
                and 2 * len(beyond & (words | around)) > len(beyond)
                and self._near_subject(unit, found, sides[0])
            ):
                named = 1.0
            if (
                not named
                # the line itself says something asked, not only its labels, unless the
                # code is what is asked for ("코드로는 어떻게 해?")
                or not (asked & words or any(side & words for side in sides) or asked_for)
                or (
                    own
                    and not (
                        # its own words name the subject, or what is asked of it with the
                        # subject in its labels ("CORS 설정에서 허용해 둔 것": the lines
                        # allow_… under the comment "CORS 설정")
                        (sides[0] & words or (asked - sides[0]) & words)
                        and _half_named(sides[0], words | around)
                    )
                )
            ):
                continue
            naming.add(unit.unit_id)
            score = named + len(asked & words) + _CODE_LABEL * len(asked & around)
            score -= _CODE_RANK * rank
            # what is asked beyond naming the subjects, in the line or its labels
            score += _CODE_BEYOND * len(beyond & (words | around))
            if _IMPORT.match(unit.text.lstrip()):
                # (unless what is imported is asked: "fastapi로부터 import하는 것들")
                score += _CODE_IMPORT_ASKED if "import" in asked else -_CODE_IMPORT
            if ask.kind == "when" and _CONDITION.match(unit.text):
                # "노이즈는 언제 추가돼?": the condition the code tests says when
                score += _CODE_CONDITION
            defined = next((name for side in sides if (name := _defines(unit.text, side))), "")
            if defined and not (asked - words - set().union(*sides)) & ENGLISH_IN_CODE.keys():
                # a name only code would write ("OUTPUT_DIR") is asked for where it is set,
                # unless the question asks for more done with it, in words code has names
                # for ("api_router는 앱에 어떻게 등록해?": app.include_router(api_router))
                score += _CODE_DEFINES_NAME if "_" in defined else _CODE_DEFINES
            if unit.labels in places:
                # beside what was quoted, not the same lines again
                score += -_CODE_NEAR if unit.text.strip() in near else _CODE_NEAR
            # a line that logs or returns a message repeats the words of what the code
            # around it does
            # (at equal scores, the line that says more of what is asked in its own words)
            # (`by_asked`: the line that names most of what is asked beyond the subjects)
            beyond_named = len(beyond & (words | around)) if by_asked else 0
            # (then the line whose comment names the subject too: "모자이크(픽셀화) 적용"
            # over "원본 이미지에 다시 붙이기" for 모자이크)
            # (a comment that names what the subject is before one that names what it is
            # of: "모자이크 적용" over "얼굴 영역 잘라내기" for 얼굴 모자이크)
            titled = 2 if heads & nearest else int(any(side & nearest for side in sides))
            key = (
                not _reports(unit.text, ask.question),
                beyond_named,
                score,
                len(asked & words),
                titled,
            )
            if best is None or key > best[0]:
                best = (key, unit, hit)
        if best is None:
            return Selection()
        (_, _, score, _, titled), unit, hit = best
        code = [u for u in ask.units_of(hit) if u.kind == "code"]
        block = _statement(unit, code)
        # the line just before or after it, under the same labels, that names what is
        # asked too: the other step of what is done ("noise = np.random.normal(…)" before
        # "image = np.clip(image + noise, …)")
        lines = sorted((u for u in code if u.source == unit.source), key=lambda u: u.line)
        ids = [u.unit_id for u in lines]
        if block[0].unit_id in ids and block[-1].unit_id in ids:
            first, last = ids.index(block[0].unit_id), ids.index(block[-1].unit_id)
            before = lines[first - 1] if first > 0 else None
            after = lines[last + 1] if last + 1 < len(lines) else None

            def joins(line: UnitRecord) -> bool:
                # not a line that only logs or returns what was done; under a comment that
                # names the subject ("모자이크 적용"), any line of its step
                return (
                    (line.unit_id in naming or titled > 0)
                    and line.labels == unit.labels
                    and not _reports(line.text, ask.question)
                    # (nor the end of the step before: "continue"; nor brackets closed
                    # alone: "]),")
                    and not _ENDS_A_STEP.match(line.text)
                    and not _CLOSES_ONLY.match(line.text)
                )

            if before is not None and joins(before):
                block = [*_statement(before, code), *block]
            if after is not None and joins(after):
                block = [*block, *(u for u in _statement(after, code) if u not in block)]
            block = list(dict.fromkeys(block))[:_CODE_LINES]
        # up to what runs when the lines before did not, or the next function: no step of
        # what is asked
        at = block.index(unit) if unit in block else 0
        cut = next(
            (i for i in range(at + 1, len(block)) if _OTHER_BRANCH.match(block[i].text)), None
        )
        block = block[:cut]
        if asked_for and _SHOWS_CODE.search(ask.question):
            # "학습 루프 코드로 보여줘" under the heading "PyTorch로 학습 루프 만들기": the
            # code block of that heading, whole, where it is short enough to read
            whole = _code_block(unit, lines)
            headings: set[str] = set().union(
                *(self.analyzer.terms(label) for label in unit.labels[: unit.heading_depth])
            )
            if len(whole) <= _SHOWN_CODE_LINES and any(
                _half_named(side, headings) for side in sides
            ):
                block = whole
        passage = ask.passage_of(unit.chunk_id) if ask.passage_of is not None else None
        passage = replace(passage, score=hit.score) if passage is not None else hit
        return Selection([Chosen(u, passage, score) for u in block], True, code=True)

    @staticmethod
    def _near_subject(
        unit: UnitRecord, found: dict[int, tuple[UnitRecord, Passage, int]], side: set[str]
    ) -> bool:
        """Whether a line of code a few lines from `unit` names `side` (the face is
        `img[y:y+h, x:x+w]` a few lines below `for (x, y, w, h) in face:`)."""
        lines = sorted(
            (u for u, _, _ in found.values() if u.source == unit.source), key=lambda u: u.line
        )
        at = next(i for i, u in enumerate(lines) if u.unit_id == unit.unit_id)
        return any(
            _half_named(side, in_korean(u.terms | u.context_terms))
            for u in lines[max(0, at - _CODE_SCOPE) : at + _CODE_SCOPE + 1]
        )

    def _head_words(self, subjects: list[str]) -> frozenset[str]:
        """The last word of each compound subject, as its term and as written ("LSTM
        게이트": gate, 게이트): what a list asked of it lists. A word for a kind of thing
        is no head: the kinds of "풀링 계층" are kinds of 풀링 ("맥스 풀링", "평균 풀링")."""
        # (words apart: not a name's parts, "flow_from_directory", nor its other spelling,
        # "가중합(weighted sum)")
        words = [[w for w in _PARENS.sub("", s).split() if w not in CLASS_WORDS] for s in subjects]
        return frozenset(
            word
            for named in words
            if len(named) >= 2 and (terms := self.analyzer.terms(named[-1]))
            for word in (terms[-1], named[-1].casefold())
        )

    def _select(self, ask: _Ask, kind: str) -> Selection:
        question, subjects, hits, units_of = ask.question, ask.subjects, ask.hits, ask.units_of
        units_about, passage_of, domains = ask.units_about, ask.passage_of, ask.domains
        # a subject goes by its name ("torchsummary 라이브러리": torchsummary)
        subjects = [self.analyzer.name_of(s) for s in subjects]
        if kind == "compare":
            # the sides compared, not where they belong ("분류 모델 지표에서 정확도랑
            # 정밀도는 뭐가 달라?": 정확도 and 정밀도), where two are asked; what they are
            # compared in stays ("병렬 처리 면에서")
            compared = [s for s in subjects if s not in domains or s.split()[-1] in _FACETS]
            subjects = compared if len(compared) >= 2 else subjects
        asked_terms = set(self.analyzer.terms(question))
        subject_pairs = [(self._subject_terms(s, asked_terms), _key_of(s)) for s in subjects]
        subject_pairs = [(terms, key) for terms, key in subject_pairs if terms]
        subject_sets = [terms for terms, _ in subject_pairs]
        # the word a compound subject names its thing by, its last ("AI 에이전트": 에이전트),
        # but the name's where it is asked with its kind ("소프트맥스 함수": softmax)
        heads = {terms[-1] for s in subjects if (terms := self.analyzer.terms(self._name_of(s)))}
        head_words = self._head_words(subjects)
        domain_keys = {_key_of(d) for d in domains}
        weights = _weights(
            [key in domain_keys for _, key in subject_pairs], compare=kind == "compare"
        )
        subject_terms = set().union(*subject_sets) if subject_sets else set()
        subject_keys = {_key_of(s) for s in subjects} - {""}
        subject_words = {_key_of(w) for s in subjects for w in s.split()} - {""}
        q_terms = set(self.analyzer.terms(question)) - QUERY_STOPWORDS
        if kind == "compare":
            # "차이가 뭐야?" says a comparison is asked, not what it is about ("큰 차이로
            # 우승하며" is no comparison)
            q_terms -= _COMPARE_TERMS
        if kind == "why":
            # "LSTM은 왜 나왔어?" asks why it was made, in whatever words the notes say it
            # ("… 향상을 위해 등장한"), not for a line that says 나오 ("… 나올 수 있게끔")
            q_terms -= _ORIGIN_VERBS
        if kind == "when" and ASKS_USE.search(question):
            # "RNN은 어디에 쓰여?" asks where it is used, in whatever words the notes say it
            # ("… 등 널리 사용된다"), not for a line that says 쓰이 ("이때 RNN이 쓰인다")
            q_terms -= _USE_VERBS
        if kind != "who" and question_kind(question) == "who":
            # "LSTM은 누가 만들었어?" where the notes name nobody: what they say LSTM is
            # answers, and 만들 picks no line ("… 값을 만들어")
            q_terms -= _WHO_VERBS
        # a rare word of the question ("시계열") says more of what is asked than a common
        # one ("데이터"); without the notes' statistics each word weighs one
        q_weights = {t: ask.idf(t) if ask.idf else 1.0 for t in q_terms}
        # "그거 장점은?": the lines under 특징 / 장점 / 한계 answer it
        asks_pros = bool(_PROS.search(question))
        # "결정 트리 단점은?": lines that say a weakness (or, for 장점, a strength) in prose
        said_pros = _said_as_asked(question)
        asks_of_notes = bool(_NOTES_WORDS.search(question))

        def asked_label(label: str) -> bool:
            # a bullet label of two or more words, every one of them in the question; for
            # a how-question, one that names a procedure ("학습 과정", "분석 절차") or ways
            words = [t for t in self.analyzer.terms(label) if t not in QUERY_STOPWORDS]
            return (
                len(words) >= 2
                and set(words) <= asked_terms
                and (kind == "list" or bool(_WAY_LABEL_WORDS & set(words)))
            )

        scored: list[Chosen] = []
        seen: set[int] = set()
        candidates = [
            (rank, passage, unit)
            for rank, passage in enumerate(hits[: self.passages])
            for unit in units_of(passage)
        ]
        if units_about is not None and passage_of is not None:
            # Units whose own labels name the subject, wherever search ranked their passage
            # (a list under "API 구조" in a chunk that ranked sixth).
            # (a name in the notes' own loanword spelling too: "앤드류 응" as 앤드루 응)
            folded = [{fold_spelling(t) for t in side} for side in subject_sets]
            spellings = [*subject_sets, *(f for f in folded if f not in subject_sets)]
            # the sides of a comparison no line that search found names
            unfound = (
                {k for k in subject_keys if not any(k in _whole_key(u) for _, _, u in candidates)}
                if kind == "compare"
                else set()
            )
            for side in spellings:
                for unit in units_about(side):
                    named = _key_of(unit.context) + _key_of(unit.term)
                    passage = passage_of(unit.chunk_id)
                    # named by its letters, or its term is the subject in another spelling
                    # ("optimizer" for 옵티마이저)
                    if passage is not None and (
                        any(k in named for k in subject_keys)
                        or (bool(unit.term) and set(self.analyzer.terms(unit.term)) == side)
                        # a row of strengths or limits with a cell for it ("한계 | RNN /
                        # LSTM / GRU: 긴 시퀀스 학습 어려움 | …") for "RNN 단점 뭐야?"
                        or (
                            asks_pros
                            and unit.kind == "row"
                            and _under_pros(unit)
                            and any(
                                k in _side_keys(cell.partition(": ")[0])
                                for cell in _CELL_SPLIT.split(unit.text)
                                for k in subject_keys
                            )
                        )
                        # a side of a comparison, by the title of its section ("서포트 벡터
                        # 머신 (Support Vector Machine, SVM)" over "왜 사용할까?" > …),
                        # where search found only the other side
                        or any(
                            k in name
                            for label in unit.labels
                            for name in _names_of(label)
                            for k in unfound
                        )
                    ):
                        candidates.append((self.passages, passage, unit))
        if ask.units_on is not None and passage_of is not None and kind in _TOPIC_KINDS:
            # a sentence about the subject that says what is asked, in a section of many
            # things search ranks low ("RNN은 … 단어예측, 문장생성, 시계열 예측 등 널리
            # 사용된다" among the glossary of CNN, RNN, PyTorch, … for "RNN은 어디에 널리
            # 사용돼?")
            for key in subject_keys:
                for unit in ask.units_on(key):
                    passage = passage_of(unit.chunk_id)
                    if passage is not None and answers_kind(unit, kind, question):
                        candidates.append((self.passages, passage, unit))
        if subject_keys and not any(
            k in _whole_key(u) for _, _, u in candidates if u.kind != "code" for k in subject_keys
        ):
            # no line of prose read names the subject whole ("환경 변수": 환경 and 변수
            # apart): the lines that do in the passages search ranked below them
            candidates.extend(
                (self.passages, passage, unit)
                for passage in hits[self.passages :]
                for unit in units_of(passage)
                if unit.kind != "code" and any(k in _key_of(unit.text) for k in subject_keys)
            )
        if ask.beside is not None and passage_of is not None:
            # the like of the unit the answer before opened with, beside it
            near = passage_of(ask.beside.chunk_id)
            if near is not None:
                candidates.extend(
                    (self.passages, near, u)
                    for u in units_of(near)
                    if _sibling(u, ask.beside, subject_keys)
                )
        # the words the lines of the subject's own sections say (not those under a
        # comparison of it with another)
        own_words = set().union(
            *(
                u.terms
                for _, _, u in candidates
                if not _COMPARING_TITLE.search(u.context)
                and any(k in _key_of(u.context) + _key_of(u.term) for k in subject_keys)
            )
        )
        # (what is asked of it, not the facet: "단점은 어떻게 개선해?" asks 개선)
        asked_rest = self._asked_rest(question, subjects) - _FACET_WORDS
        people = _people([u for _, _, u in candidates]) if kind == "who" else {}
        if any(_SPACES.sub("", s).casefold() in people for s in subjects):
            people = {}  # a named person is asked about: the lines under that name answer
        for rank, hit, unit in candidates:
            if kind == "who":
                unit = _with_person(unit)
                if unit.term and not is_person(unit.term):
                    # "얀 르쿤 → 시각 분야의 건축가": a name the notes spell out elsewhere
                    # ("얀 르쿤 (Yann LeCun)") is that person here too
                    unit = replace(unit, term=people.get(_SPACES.sub("", unit.term), unit.term))
            # "…의 라이선스는 뭐야/누구야/언제야": a lookup in a table, not a how or why
            focused = (
                unit.kind == "row"
                and kind in ("definition", "who", "when", "list")
                and self._focus_row(unit, question, kind)
            )
            if focused:
                unit = replace(unit, text=focused)
            if unit.unit_id in seen:
                continue
            read = readable(unit)
            if read is None:
                continue
            unit = read
            seen.add(unit.unit_id)
            # Cite the chunk that holds the unit (a hit's section may span several chunks).
            own = passage_of(unit.chunk_id) if passage_of is not None else None
            passage = replace(own, score=hit.score) if own is not None else hit
            score, lift = self._score(
                unit,
                kind,
                subject_pairs,
                weights,
                q_weights,
                rank,
                pros=asks_pros,
                said_pros=said_pros,
                heads=heads,
                listed=head_words,
                beside=ask.beside,
                question=question,
            )
            if score > 0 and focused:
                score += _CELL_BONUS  # the row and the column asked for: the answer itself
            if (
                kind != "compare"
                and score > 0
                and _COMPARING_TITLE.search(unit.context)
                and any(k in _key_of(unit.context) for k in subject_keys)
                # (not the subject's own entry there: "워드 임베딩: … 임베딩은 …을 의미한다")
                and not any(k in _key_of(unit.term) for k in subject_keys)
                # (nor, for its strengths or limits, the row that gives them in the
                # subject's column: "한계 | RNN / LSTM / GRU: 긴 시퀀스 학습 어려움 | …")
                and not (asks_pros and _under_pros(unit) and _side_columns(unit, subject_keys))
                # (nor a line there that says all that is asked of the subject, where no
                # line of the subject's own says all of it: "원핫 인코딩의 단점은 어떻게
                # 개선해?" → "원-핫 인코딩의 개선안 : 워드 임배딩")
                and not (asked_rest and asked_rest <= unit.terms and asked_rest - own_words)
            ):
                # a line under a comparison of the subject with another ("원- 핫 인코딩 vs
                # 워드 임배딩") speaks of the two side by side, less of the one asked than
                # its own section does
                score -= _COMPARING_TITLE_COST
            if kind != "compare" and _of_another_side(unit, subject_words):
                # "회귀 예시": not the 예시 under 분류, where the notes set 분류 and 회귀
                # side by side ("분류와 회귀의 차이" > 분류 > 예시)
                continue
            if score > 0 and _ABOUT_THE_NOTE.search(unit.text) and not asks_of_notes:
                # "… 모델을 정리한 노트이다": what a note is about answers only a question
                # about the notes themselves
                continue
            if (
                score > 0
                and kind in ("list", "how")
                and unit.kind == "item"
                and unit.labels[unit.heading_depth :]
                and asked_label(unit.labels[-1])
                and (
                    any(k in _key_of(unit.labels[-1]) for k in subject_keys)
                    # (or in another spelling: "파이토치 코드" for "pytorch code")
                    or (
                        bool(subject_terms)
                        and subject_terms <= set(self.analyzer.terms(unit.labels[-1]))
                    )
                )
            ):
                # an entry right under a bullet the question names in its own words, the
                # subject among them ("pytorch 코드 짤 때 순서" > the steps under "pytorch
                # code"; not any "주요 파라미터")
                score += _ASKED_LABEL_BONUS
            if score > 0:
                # (rounded: a sum over a set of words differs in its last bits from one
                # process to the next, as string hashing orders the set, and near-ties would
                # then fall one way or the other; rounded, they fall by the notes' order)
                score = round(score, _SCORE_DIGITS)
                scored.append(Chosen(unit, passage, score, cell=bool(focused), lift=lift))
        if ask.anchors:
            anchor_keys = {_key_of(a) for a in ask.anchors} - {""}
            anchor_sets = [self._subject_terms(a, asked_terms) for a in ask.anchors]
            anchored = [
                c
                for c in scored
                if any(t and t <= (c.unit.terms | c.unit.context_terms) for t in anchor_sets)
                or any(k in _whole_key(c.unit) for k in anchor_keys)
            ]
            # with the lines of the sections they stand in ("각 시점에서 입력은 …" under the
            # section whose other lines name RNN)
            sections = {_section(c.unit) for c in anchored}
            scored = [c for c in scored if _section(c.unit) in sections] or scored
        if not scored:
            return Selection()
        if kind == "list":
            scored = _favour_lists(scored, subject_terms)
        # "BayesianOptimization 파라미터 뭐뭐 있어?" asks for its entries (a run of terms),
        # not for the titles under it
        entries = kind == "list" and bool(_ENTRY_WORDS.search(question))
        if kind == "list" and not entries:
            # "4대 천왕을 각각 뭐에 비유했는지": the run of entries under a title that names
            # the subject and what is asked of it ("딥러닝의 4대 천왕....비유하자면,"), not
            # an overview of the subject's parts elsewhere
            titled = [
                c
                for c in scored
                if c.unit.kind == "term"
                and c.unit.labels
                and asked_label(c.unit.labels[-1])
                and bool(subject_terms)
                and subject_terms <= set(self.analyzer.terms(c.unit.labels[-1]))
            ]
            if titled:
                top = max(titled, key=lambda c: c.score)
                by_id = {c.unit.unit_id: c for c in titled if c.unit.labels == top.unit.labels}
                adjacent = _adjacent(top.unit, [by_id[i].unit for i in by_id])
                if len(adjacent) >= _LIST_ENTRIES:
                    return Selection([by_id[u.unit_id] for u in adjacent], True)
        if kind in ("list", "how") and not entries:
            overview = _subsections(scored, subject_keys if kind == "list" else set(), asked_label)
            if overview:
                return Selection(_said_first(overview, scored, kind), True)
        if kind == "how" and subject_keys:
            # "K-평균은 어떻게 학습해?", "… 어떻게 동작해?": the steps under a title of the
            # subject's own that names a procedure ("K-평균 군집화" > "학습 과정"), where the
            # title's other words are asked, or the question asks how the thing works
            works = asks_how_it_works(question)

            def steps_label(label: str) -> bool:
                # (a word for it mistyped stands as that word, where the question asks for
                # steps: Kiwi cuts "철차" in two)
                mistyped = {
                    w
                    for w in label.split()
                    if (works or _ASKS_STEPS.search(question)) and mistyped_step_word(w)
                }
                rest = " ".join(w for w in label.split() if w not in mistyped)
                words = {t for t in self.analyzer.terms(rest) if t not in QUERY_STOPWORDS}
                steps = (words & _PROCEDURE_WORDS) | mistyped
                words |= mistyped
                return bool(steps) and (
                    works or (bool(words - steps) and words - steps <= asked_terms)
                )

            under_subject = [
                c
                for c in scored
                if any(k in _key_of(label) for label in c.unit.labels for k in subject_keys)
            ]
            overview = _subsections(under_subject, set(), steps_label)
            if overview:
                return Selection(overview, True)
        if kind == "list" and not entries and not self._asked_rest(question, subjects):
            # (only its kinds asked: "bayesian optimization 장점들 쭉 나열해줘" is not told
            # the names of its arguments)
            glossary = _glossary_under(scored, subject_keys)
            if glossary:
                return Selection(glossary, True)
        if kind == "list" and not entries and units_about is not None and passage_of is not None:
            # "데이터 종류 알려줘": a word too common for search to rank the bullet "데이터"
            # (스칼라, 벡터, 행렬, 텐서 under it) is still a label the notes give parts to
            labelled = [
                Chosen(u, p, 0.0)
                for u in units_about(subject_terms)
                if any(_key_of(label) in subject_keys for label in u.labels)
                and (p := passage_of(u.chunk_id)) is not None
            ]
            overview = _subsections(labelled, subject_keys, asked_label)
            if overview:
                return Selection(_said_first(overview, [*scored, *labelled], kind), True)
        if kind == "list" and len(subjects) == 1:
            kinds = _kinds_named(scored, subjects[0])
            if kinds:
                return Selection(kinds, True)
            # the table of the subject's parts, below the line that names the subject, by
            # the column the question names ("… 구성 요소 표에 뭐뭐 있어?")
            for c in sorted(scored, key=lambda c: -c.score)[:_ASKED_TABLE_LEADS]:
                if c.unit.kind == "row" or not self._names_subject(c.unit, subjects):
                    continue
                rows = _asked_table(c.unit, units_of(c.passage), question)
                if rows:
                    return Selection(
                        [c, *(Chosen(r, c.passage, 0.5 * c.score) for r in rows)], True
                    )
        scored.sort(key=lambda c: (-c.score, c.unit.source, c.unit.line))
        about = [
            c
            for c in scored
            if subject_terms & (c.unit.context_terms | c.unit.terms)
            or any(
                k in _whole_key(c.unit) and not _inside_a_longer_word(k, c.unit)
                for k in subject_keys
            )
        ]
        pool = about or scored
        kind_found = kind == "definition" or any(
            (
                _tells_who(c.unit, subject_keys)
                if kind == "who"
                else _answers_asked(c.unit, kind, question, head_words)
            )
            # the person asked about ("로젠블랫은 누구야?"), named in a line about what they
            # made ("퍼셉트론은 1958년 로젠블랫(Frank Rosenblatt)이 제안한 …")
            or (
                kind == "who"
                and _ASKS_WHO_IS.search(question) is not None
                and _as_person(c.unit.text, subjects)
            )
            for c in pool
            if c.score >= _KIND_FOUND_SHARE * pool[0].score
        )
        # "머신러닝에서 모델은 파일이고, 딥러닝에서 모델은 구조", "회귀는 연속적인 … 분류는
        # 이산적인 …": one line that sets the sides against each other, each as a topic
        comparing = kind == "compare" and len(subject_sets) >= 2
        # (further down where nothing but how they differ is asked: "회귀랑 분류 차이가
        # 뭐야?", not "… 데이터 유형이 어떻게 달라?", which the lines of that facet answer)
        reach = (
            _WHOLE_COMPARISON_REACH
            if comparing
            and len(subjects) == 2
            and not self._asked_rest(question, subjects) - _COMPARE_TERMS
            else _WHOLE_COMPARISON_RANK
        )
        whole = [
            c
            for c in (pool[:reach] if comparing else [])
            if (
                _contrasts(c.unit.text, subjects) >= 2
                and sum(_names(c.unit, s, k, own=True, keys=subject_keys) for s, k in subject_pairs)
                >= 2
            )
            # a row of a table with a column for each side ("군집 수: K-Means: 미리 K를 지정,
            # DBSCAN: 지정하지 않음")
            or _side_columns(c.unit, subject_keys) >= 2
        ]
        side_keys = [k for _, k in subject_pairs]
        # (or, where the notes set the sides side by side under another label and the
        # question asks of them nothing but how they differ, those: not "… 쓰기 좋은
        # 상황이 어떻게 달라요?")
        sides = (
            _compared_sides(pool, side_keys, ask.units_of)
            or (
                []
                if self._asked_rest(question, subjects) - _COMPARE_TERMS
                else _compared_sides(pool, side_keys, ask.units_of, siblings=True)
            )
            if comparing
            else []
        )
        if sides:
            # the line that sets them against each other, then each side as the notes
            # compare them (not that line again, where what they are compared in is a side
            # of its own: "RNN이랑 트랜스포머 병렬 처리 차이")
            setting = {c.unit.unit_id for c in whole[:1]}
            return Selection(
                [*whole[:1], *(c for c in sides if c.unit.unit_id not in setting)], True
            )
        # or, where no line sets them against each other, one that says one side against
        # the other ("↳ GRU (LSTM보다 가볍고 빠름)" for "GRU는 LSTM이랑 뭐가 달라?")
        whole = whole or [
            c
            for c in (pool[:_WHOLE_COMPARISON_RANK] if comparing else [])
            if _against(c.unit.text, subjects)
            or _against_the_usual(c.unit, subjects, subject_pairs)
        ]
        if whole:
            chosen, kind_found = [whole[0]], True
        elif comparing:
            lead: list[Chosen] = []
            for s, k in subject_pairs:
                # each side its own line: one that a side before took speaks for that side
                # (two things compared; of more, some are what they are compared by:
                # "분류랑 회귀는 … 결과가 어떻게 달라?")
                rivals = (
                    {other for _, other in subject_pairs if other != k}
                    if len(subject_pairs) == 2
                    else set()
                )
                found = self._best_for([c for c in pool if c not in lead], s, k, rivals)
                if found is not None and lead and not _alike(found.unit, lead[0].unit):
                    # the side's entry in the list the first side's line stands in
                    # ("Tensorflow - 구글에서 개발, …" beside "Pytorch - 페이스북에서 개발, …"),
                    # not a line elsewhere that scores a little higher
                    found = next(
                        (
                            c
                            for c in pool
                            if c not in lead
                            and _alike(c.unit, lead[0].unit)
                            and k == _key_of(c.unit.term)
                            and c.score >= _ALIKE_SHARE * found.score
                        ),
                        found,
                    )
                if found is not None:
                    lead.append(found)
            chosen = lead or pool[:1]
            # each side found, or one line that speaks of two sides (a table row)
            kind_found = (
                kind_found
                or len(chosen) == len(subject_sets)
                or any(sum(_names(c.unit, s, k) for s, k in subject_pairs) >= 2 for c in pool[:3])
            )
        else:
            chosen = [
                self._lead_by_kind(
                    self._naming_first(pool, subject_pairs, weights),
                    kind,
                    question,
                    subject_keys,
                    subjects,
                )
            ]
        if kind == "compare" and 2 <= len(subject_pairs) <= 3 and len(chosen) < len(subject_pairs):
            # a line that compares the sides, then each side in a line of its own about it
            # ("라벨의 유무", then "비지도 학습은 …"); a word after the last side may be
            # said of both ("sparse랑 dense 벡터"), and a side's line name it without
            # ("dense: 밀집되어 있다")
            bare_keys = {
                _key_of(s): _key_of(s.rsplit(maxsplit=1)[0]) for s in subjects if " " in s.strip()
            }
            for side, key in subject_pairs:
                # (the side's own glossary line, however short: "dense: 밀집되어 있다")
                side_names = (key, bare_keys.get(key))
                enough = [
                    c
                    for c in pool
                    if c not in chosen
                    and c.score >= _SIDE_ROW_SHARE * chosen[0].score
                    and (self._says_enough(c.unit) or _key_of(c.unit.term) in side_names)
                ]
                # a line of the side's own (its row, "정밀도 (Precision) | …", or a sentence
                # about it) before one under its label or that names it among others ("…
                # 정밀도를 중시한다" under "정밀도와 재현율 중 무엇을 볼까"), which must
                # score nearer the lead
                side_line = next(
                    (
                        c
                        for c in enough
                        if _opens_with(c.unit.text, {key}) or _key_of(c.unit.term) in side_names
                    ),
                    None,
                ) or next(
                    (
                        c
                        for c in enough
                        if c.score >= _OWN_SIDE_SHARE * chosen[0].score
                        and (key == _key_of(c.unit.context) or self._named_as(c.unit, side))
                    ),
                    None,
                )
                if side_line is not None:
                    chosen.append(side_line)
        # The same statement written twice in the notes (two files) is said once.
        said = {_key(c) for c in chosen}
        unique = []
        for c in pool:
            if c in chosen or _key(c) not in said:
                said.add(_key(c))
                unique.append(c)
        pool = unique
        if kind == "list" and len(chosen) == 1:
            # an entry of the list leads, not a line under it ("flask-migrate: 데이터베이스를
            # 마이그레이트하는 확장" before its "migrate: 옮기다 / 이동하다")
            chosen = [
                next(
                    (
                        c
                        for c in pool
                        if c.unit.source == chosen[0].unit.source
                        and c.unit.text in chosen[0].unit.labels
                        and c.score >= _ENTRY_LEAD_SHARE * chosen[0].score
                    ),
                    chosen[0],
                )
            ]
        best = chosen[0]
        if best.cell and len(chosen) == 1:
            # the cell asked for is the whole answer; where several rows of the table bear
            # the name asked ("'함수'로 분류된 거": "함수 | 활성화 함수 …", "함수 | 손실 함수
            # …"), the cell of each
            same = [
                c
                for c in pool
                if c.cell
                and c is not best
                and c.unit.kind == best.unit.kind == "row"
                and c.unit.source == best.unit.source
                and c.unit.labels == best.unit.labels
                and _key_of(c.unit.term) == _key_of(best.unit.term)
            ]
            if same:
                return Selection(sorted([best, *same], key=lambda c: c.unit.line), True)
            # then the thing's whole row, where it says more than one cell besides: the
            # context the cell stands in ("장고: 초기 개발자: …", then "장고: 공식 사이트: …,
            # 라이선스: …, 최초 릴리스: 2005년, …"); not a row of one property across things
            # ("주요 하이퍼파라미터: K-Means: …, DBSCAN: …")
            row = next(
                (u for u in ask.units_of(best.passage) if u.unit_id == best.unit.unit_id),
                None,
            )
            if (
                row is not None
                and _key_of(row.term) in _key_of(question)
                and len(_CELL_SPLIT.split(row.text)) - len(_CELL_SPLIT.split(best.unit.text)) >= 2
            ):
                return Selection([best, replace(best, unit=row, cell=False)], True)
            return Selection([best], True)
        # Siblings of the best unit (same labels) first: the rest of what the notes say
        # under that bullet; then the next best units elsewhere.
        depth = len(best.unit.labels)
        outside = [
            u.line
            for _, _, u in candidates
            if u.source == best.unit.source and u.labels[:depth] != best.unit.labels
        ]

        def same_run(unit: UnitRecord) -> bool:
            # nothing found between them stands outside their labels (another title of the
            # same name starts another run)
            low, high = sorted((unit.line, best.unit.line))
            return unit.source == best.unit.source and not any(
                low < line < high for line in outside
            )

        # "드롭아웃과 조기 종료": a title that names the subject beside other things holds
        # lines of each; under it, a line goes with the answer only when it names the
        # subject itself ("드롭아웃은 뭐야?" is not told how early stopping works)
        # or goes on about it in the lines after one that does, up to a line that names
        # another thing of the title ("전이 학습은 …", then "가장 간단한 방식은 …")
        title = best.unit.labels[-1] if best.unit.labels else ""
        title_others = (
            self._shares_title(best.unit, subject_keys) if kind not in ("list", "compare") else []
        )
        shared = bool(title_others)
        # a title that does not name the subject, over a line that does ("특성 스케일링과
        # 범주형 인코딩" > "범주형 변수는 원-핫 인코딩으로 …"): the lines under it are of the
        # subject from the first line that names it on
        untitled = kind not in ("list", "compare") and _names_alone(
            best.unit, subject_pairs, subject_keys
        )

        def rarest(name: str) -> str:
            # a name by its rarest word ("데이터 증강" by 증강, not by any 데이터)
            words = sorted(set(self.analyzer.terms(name)) - QUERY_STOPWORDS)
            return max(words, key=lambda t: ask.idf(t) if ask.idf else 1.0) if words else ""

        # each name by its letters and its rarest word, worked out once for every line
        tracked = shared or untitled
        signs = {n: (_key_of(n), rarest(n)) for n in [*subjects, *title_others]} if tracked else {}

        def naming(unit: UnitRecord, names: list[str]) -> bool:
            # (by its own words, or the bullet it stands under: "종속변수(y): …" > "독립변수에
            # 따라 값이 달라지는 변수" is of 종속변수)
            bullets = [label for label in unit.labels[unit.heading_depth :] if label != title]
            own = _key_of(" ".join([unit.term, *bullets, unit.text]))
            return any(
                (key and key in own) or word in unit.terms
                for key, word in (signs[n] for n in names)
            )

        owner: dict[int, bool] = {}
        if tracked:
            # (under a title that does not name it, the lines before the one that does
            # are of other things)
            mine = shared
            section = {u.unit_id: u for _, _, u in candidates if _section(u) == _section(best.unit)}
            for u in sorted(section.values(), key=lambda u: u.line):
                if naming(u, subjects) or u.unit_id == best.unit.unit_id:
                    mine = True
                elif naming(u, title_others):
                    mine = False
                owner[u.unit_id] = mine

        def of_subject(unit: UnitRecord) -> bool:
            return owner.get(unit.unit_id, naming(unit, subjects))

        siblings = [
            c
            for c in pool
            if (not tracked or of_subject(c.unit))
            and c.unit.labels == best.unit.labels
            # the same place: three "주요 파라미터" runs in one file are three lists
            and same_run(c.unit)
            and c not in chosen
            and c.score >= 0.4 * best.base
            and (kind != "compare" or bool(subject_terms & c.unit.terms))
            # another entry of a glossary ("dense: …" beside "sparse: …") speaks of
            # another thing, unless a list is asked for or it names the subject too
            and not (
                kind != "list"
                and best.unit.kind == c.unit.kind == "term"
                and _key_of(c.unit.term) != _key_of(best.unit.term)
                and not subject_terms & c.unit.terms
            )
            # nor does another row of a table, unless its own name is the subject ("은닉층 |
            # … 활성화 함수에 적용하여 …" beside "활성화 함수 | 신호를 입력받아 …"); a list, a
            # comparison and examples read on through the rows
            and not (
                kind not in ("list", "example", "compare")
                and best.unit.kind == c.unit.kind == "row"
                and not subject_keys & (_cell_names(c.unit) | {_key_of(c.unit.term)})
            )
        ]
        # "BayesianOptimization verbose 레벨 종류": an entry the question names among the
        # words of its subject
        named_entry = (
            kind == "list"
            and best.unit.kind == "term"
            and _key_of(best.unit.term) not in subject_keys
            and bool(term_words := set(self.analyzer.terms(best.unit.term)))
            and term_words <= subject_terms
        )
        if named_entry and len(chosen) == 1:
            # the list asked for is what stands under that entry ("0: 출력 없음", "1: 최소
            # 출력", …), however short each line
            under = (*best.unit.labels, best.unit.term)
            levels = [
                Chosen(read, best.passage, 0.5 * best.score)
                for u in units_of(best.passage)
                if u.source == best.unit.source
                and u.labels == under
                and (read := readable(u)) is not None
            ]
            if len(levels) >= 2:
                whole = [best, *sorted(levels, key=lambda c: c.unit.line)]
                return Selection(self._all_trimmed(whole, q_terms, kind))
        if (
            kind == "list"
            and len(chosen) == 1
            and best.unit.kind == "term"
            and best.unit.labels
            and _key_of(best.unit.term) not in subject_keys
            and not named_entry
        ):
            # "주요 파라미터" > "estimator: …", "cv: …": a titled run of terms is the list
            # asked for, read whole whether or not each line names the subject (not when
            # the entry asked about is one of them: "LSTM은 어떻게 구성돼 있어?" is
            # answered by "LSTM: …" alone, not by the glossary it stands in)
            run = [
                Chosen(u, best.passage, 0.5 * best.score)
                for u in _run_around(best.unit, units_of(best.passage))
                if u.kind == "term" and standalone(u)
            ]
            known = {c.unit.unit_id for c in [best, *siblings]}
            siblings += [c for c in run if c.unit.unit_id not in known]
            if len(run) >= _TERM_RUN:
                kind_found = True
                chosen, siblings = sorted([best, *siblings], key=lambda c: c.unit.line), []
        if kind == "list" and len(chosen) == 1 and not siblings:
            # "플라스크 앱 만들 때 깔았던 패키지들": the lead is what the notes say under one
            # bullet of a list ("* flask-debugtoolbar" > "플라스크 앱 개발 보조 도구"); the
            # list asked for is the bullets beside it, each with what stands under it
            bullets = [
                Chosen(read, best.passage, 0.5 * best.score)
                for u in _entries_around(best.unit, units_of(best.passage))
                if (read := readable(u)) is not None
            ]
            if len(bullets) >= _TERM_RUN:
                kind_found = True
                chosen = [best if c.unit.unit_id == best.unit.unit_id else c for c in bullets]
        if kind == "list" and len(chosen) == 1 and best.unit.kind != "row":
            # the line that leads introduces a table ("gpt에도 여러 종류가 있다"): its
            # rows are the list asked for
            table = [
                Chosen(read, best.passage, 0.5 * best.score)
                for u in _table_after(best.unit, units_of(best.passage))
                if (read := readable(u)) is not None
            ]
            if len(table) >= _TERM_RUN:
                return Selection(self._all_trimmed([best, *table], q_terms, kind))
        siblings.sort(key=lambda c: c.unit.line)
        group = [best, *siblings]
        named_rows = [c for c in group if _entry_named(c.unit, subject_terms)]
        if kind == "list" and len(chosen) == 1 and len(named_rows) >= 2:
            # the entries of a table the question names ("regularizer 인자": the rows
            # kernel_regularizer, bias_regularizer, …), not the rest of the table
            chosen, siblings, group, kind_found = named_rows, [], named_rows, True
        if len(chosen) == 1 and (
            all(len(c.unit.text) <= _LIST_ITEM and c.unit.kind == "item" for c in group)
            # the steps under a title that names a procedure ("밀도 기반 군집 절차"), however
            # long each is, for a question that asks for them all ("DBSCAN 군집 절차가 어떻게
            # 돼?"; not "ARIMA로 미래 추세는 어떻게 예측해?", which one step answers)
            or (
                kind == "how"
                and _ASKS_STEPS.search(question) is not None
                and len(group) >= 2
                and all(c.unit.kind == "item" and c.unit.ask == "how" for c in group)
            )
            or (
                kind == "list"
                and len(group) >= 2
                and all(c.unit.kind == "row" and c.unit.term == best.unit.term for c in group)
                # (not where the best row's own cell is the thing asked of: "손실 함수 종류"
                # is no question of the table's other 함수 rows, 활성화 함수)
                and not _cell_names(best.unit) & (subject_keys - domain_keys)
            )
            # the rows of one table asked for as kinds ("Conv2D 인자 종류"): its entries,
            # when its title names what is asked about; not where the best row is the thing
            # asked of, the table only where it belongs ("MaxPooling에서 padding 값 뭐뭐
            # 있어?": the values in the padding row)
            or (
                kind == "list"
                and len(group) >= _TERM_RUN
                and all(c.unit.kind == "row" for c in group)
                and bool(subject_terms)
                and subject_terms <= best.unit.context_terms
                and _key_of(best.unit.term) not in subject_keys - domain_keys
            )
        ):
            # Steps or items of one list (or rows of one kind) read in the notes' order.
            chosen, siblings = sorted(group, key=lambda c: c.unit.line), []
            kind_found = kind_found or (kind == "list" and len(chosen) >= 2)
        # Supporting lines come from the section the best one stands in (a comparison
        # draws on each side's own section), or name the subject itself as their term
        # (two notes that each define "경사하강법").
        sections = {_section(c.unit) for c in chosen}
        best_names = {_key_of(best.unit.term), _key_of(best.unit.context)} & subject_keys
        under_domain = bool(domain_keys) and any(
            _names_of(name) & domain_keys for name in (*best.unit.labels, best.unit.term)
        )
        # (where the lead is the subject's own entry: "서포트 벡터: …")
        own_entry = _key_of(best.unit.term or best.unit.context) in subject_keys
        others = [
            c
            for c in pool
            if c not in chosen
            and c not in siblings
            and (
                _section(c.unit) in sections
                or bool(best_names & {_key_of(c.unit.term), _key_of(c.unit.context)})
            )
            # a comparison goes on only with lines that name a side themselves, not by
            # the heading they stand under (so do its siblings, above)
            and (kind != "compare" or bool(subject_terms & c.unit.terms))
            and not (tracked and _section(c.unit) == _section(best.unit) and not of_subject(c.unit))
            # where the question says what the subject belongs to and the best line stands
            # under it ("GridSearchCV에서 cv는 뭐야?"), not the same name under another
            # ("HalvingRandomSearchCV" > "cv: …")
            and not (
                under_domain
                and not any(_names_of(name) & domain_keys for name in (*c.unit.labels, c.unit.term))
            )
            # what a thing is goes on with lines about it, not about a longer name that
            # holds it ("서포트 벡터가 뭐야?": not "서포트 벡터 머신은 …" beside it)
            and not (kind == "definition" and own_entry and _of_longer_name(c.unit, subject_keys))
        ]
        # A list, a procedure or a table of examples is read whole (up to twice as long).
        limit = self.max_units * (2 if kind in ("list", "how", "example") else 1)
        if kind == "definition":
            # what best defines it first, wherever it stands (another note's definition
            # of the same term before the details under this one)
            order = sorted([*siblings, *others], key=lambda c: (-c.score, c.unit.line))
        else:
            order = [*siblings, *others]
        # "4대 천왕은 누구야?": the people of a group, a line each (not "제프리 힌턴은
        # 누구야?", whose lines are all of the one asked about)
        a_group = kind == "who" and self._names_a_group(best.unit, subject_terms)
        for c in order:
            if len(chosen) >= limit or (c in others and len(chosen) >= self.max_units):
                break
            if a_group and (
                # (a person, or an entry of the same list: "요슈아 벤지오 → …" beside
                # "제프리 힌턴 → …", its name not spelled out)
                not (
                    is_person(c.unit.term)
                    or (
                        c.unit.kind == "term"
                        and c.unit.labels == best.unit.labels
                        and bool(_NAME_SHAPE.fullmatch(c.unit.term))
                    )
                )
                or any(_key_of(c.unit.term) == _key_of(x.unit.term) for x in chosen)
            ):
                # a line for each person of the group, and nothing else
                continue
            if (c in siblings or c.score >= 0.6 * best.base) and (
                self._says_enough(c.unit)
                # an entry of a list, or a step
                or (c in siblings and kind in ("list", "how") and _short_item(c.unit))
                # one of the people asked for, however short its line ("시각 분야의 건축가")
                or a_group
                # another person of whom the same is said ("프랑스 출신은 누구누구야?": "얀
                # 르쿤 (Yann LeCun) - 프랑스", "요수아 벤지오(Yoshua Bengio) - 프랑스")
                or (
                    kind == "who"
                    and c in siblings
                    and is_person(c.unit.term)
                    and bool(subject_terms)
                    and subject_terms <= c.unit.terms
                )
            ):
                chosen.append(c)
        if kind not in ("list", "compare") and len(chosen) < self.max_units:
            # what another place in the notes says of it, where it scores near the lead
            # ("BERT는 어느 회사에서 만든 모델이야?": a row of a model table in one note,
            # beside the line of another that led): one line, after the lead's own
            elsewhere = next(
                (
                    c
                    for c in pool
                    if c not in chosen
                    and _section(c.unit) not in sections
                    and c.score >= self._elsewhere_share(c.unit, kind, subject_keys) * best.base
                    and self._says_enough(c.unit)
                    # (of the subject whole: "… 성능이 낮은 환경에서 …" is no line about
                    # 환경 변수)
                    and self._names_subject(c.unit, subjects)
                    and not (a_group and is_person(c.unit.term))
                ),
                None,
            )
            if elsewhere is not None:
                chosen.append(elsewhere)
        if a_group:
            # the people of a group in the notes' order ("4대 천왕은 누구야?": 제프리 힌턴
            # first, as the notes list them, not whoever scored highest); a line of another
            # place after them ("CNN은 누가 만들었어?": 얀 르쿤's line, then what CNN is)
            members = [c for c in chosen if _section(c.unit) == _section(best.unit)]
            members.sort(key=lambda c: (c.unit.source != best.unit.source, c.unit.line))
            chosen = members + [c for c in chosen if c not in members]
        if kind == "list":
            # the entries after the lead in the notes' order, each with what stands under it
            rest = sorted(
                chosen[1:], key=lambda c: (c.unit.source != best.unit.source, c.unit.line)
            )
            chosen = self._with_children([chosen[0], *rest], pool, limit)
        if _leans_back(best.unit.text):
            # "…로 이 문제를 해결한다" leads: its section reads in the notes' order, so
            # what it refers to comes first
            same = sorted(
                (c for c in chosen if _section(c.unit) == _section(best.unit)),
                key=lambda c: c.unit.line,
            )
            chosen = same + [c for c in chosen if c not in same]
        if kind == "list" and not kind_found and subject_terms:
            # the entries under a title that names what is asked ("트랜스포머 기반 모델 뭐뭐
            # 있어?": the rows GPT, BERT, … under "트랜스포머 기반 대표 모델들") are its kinds
            listed = [
                c
                for c in chosen
                if c.unit.kind in ("row", "item") and subject_terms <= c.unit.context_terms
            ]
            kind_found = len(listed) >= _LIST_ENTRIES or (
                # or the subject's own line lists them ("class_mode: … 'categorical',
                # 'binary', 'sparse', 'input', None")
                _key_of(best.unit.term) in subject_keys
                and any(
                    len(_ENTRY_SPLIT.split(cell.partition(": ")[2] or cell)) >= _LIST_ENTRIES
                    for cell in _CELL_SPLIT.split(best.unit.text)
                )
            )
        return Selection(self._all_trimmed(chosen, q_terms, kind), kind_found)

    def _with_children(self, chosen: list[Chosen], pool: list[Chosen], limit: int) -> list[Chosen]:
        """Each entry of a list with the lines right under it that say something of their
        own ("GAN: AI 그림 생성의 시초" > "기계 번역, 챗봇, 텍스트 생성 등 … 지대한 영향"),
        after it, as many as the limit leaves room for."""
        out: list[Chosen] = []
        room = limit - len(chosen)
        in_order = sorted(pool, key=lambda p: p.unit.line)
        for c in chosen:
            out.append(c)
            name = c.unit.term or c.unit.text
            for child in in_order:
                if (
                    room > 0
                    and child not in chosen
                    and child not in out
                    and child.unit.source == c.unit.source
                    and child.unit.labels == (*c.unit.labels, name)
                    and self._says_enough(child.unit)
                ):
                    out.append(child)
                    room -= 1
        return out

    def _all_trimmed(self, chosen: list[Chosen], asked: set[str], kind: str) -> list[Chosen]:
        return [replace(c, unit=self._trimmed(c.unit, asked, kind)) for c in chosen]

    def _trimmed(self, unit: UnitRecord, asked: set[str], kind: str) -> UnitRecord:
        """A long line of many sentences (a paragraph the notes wrote on one line) reads as
        the few that share most with the question (at most `_TRIM_SENTENCES`), "…" where
        sentences are left out."""
        if len(unit.text) <= _LONG_LINE:
            return unit
        sentences = self.analyzer.split_sentences(unit.text)
        if len(sentences) <= _TRIM_SENTENCES:
            return unit
        # each sentence by what it shares with the question: each word asked (1), and
        # saying what kind of thing was asked (1: "…을 통해 … 생성" for how); the best
        # few, in the line's order
        pattern = _TEXT_KIND.get(kind)
        weight = [
            len(asked & set(self.analyzer.terms(sentence)))
            + bool(pattern and pattern.search(sentence))
            for sentence in sentences
        ]
        best = sorted(range(len(sentences)), key=lambda i: (-weight[i], i))[:_TRIM_SENTENCES]
        keep = sorted(i for i in best if weight[i] >= 2) or [0]
        parts: list[str] = []
        for n, i in enumerate(keep):
            if n and i != keep[n - 1] + 1:
                parts.append("…")
            parts.append(sentences[i])
        if keep[-1] != len(sentences) - 1:
            parts.append("…")
        return replace(unit, text=" ".join(parts))

    def _subject_terms(self, subject: str, asked: set[str]) -> set[str]:
        """A subject's terms; one word that Kiwi splits when alone but reads whole in the
        question ("보틀" alone is 보 + 틀, in "보틀은 …" one noun) as the question has it."""
        text = _PARENS.sub("", subject) or subject
        whole = _SPACES.sub("", text).casefold()
        terms = set(self.analyzer.terms(text))
        if not terms <= asked and whole in asked:
            terms = {whole}
        return terms - QUERY_STOPWORDS

    def _name_of(self, subject: str) -> str:
        """The name in a subject that adds the kind of thing it is ("소프트맥스 함수",
        "SVM 모델": a name the aliases or Latin letters write), whose glossary line
        ("소프트 맥스: …") defines it; other subjects as they are ("활성화 함수"). Only the
        head is read so: `KoreanAnalyzer.name_of`, by which the whole selection reads its
        subjects, keeps a Korean spelling's kind word (reading every subject so there lost
        four dev answers, two of them on "합성곱 층", one on "역전파 알고리즘")."""
        words = subject.split()
        if len(words) >= 2 and set(self.analyzer.terms(words[-1])) <= CLASS_NOUNS:
            name = " ".join(words[:-1])
            terms = self.analyzer.terms(name)
            if terms and all(_LATIN_TERM.fullmatch(t) for t in terms):
                return name
        return subject

    def _names_a_group(self, unit: UnitRecord, subject_terms: set[str]) -> bool:
        """Whether the question names the label over the people `unit` stands among
        ("딥러닝 4대 천왕" over "제프리 힌턴 (Geoffrey Hinton)")."""
        labels = unit.labels
        return bool(subject_terms) and (
            any(
                is_person(labels[i + 1])
                and not is_person(labels[i])
                and subject_terms <= set(self.analyzer.terms(labels[i]))
                for i in range(len(labels) - 1)
            )
            # or the line of a person right under it ("딥러닝의 4대 천왕" > "제프리 힌턴 →
            # 신경망의 근본 철학자")
            or (
                bool(labels)
                and is_person(unit.term)
                and not is_person(labels[-1])
                and subject_terms <= set(self.analyzer.terms(labels[-1]))
            )
        )

    @staticmethod
    def _elsewhere_share(unit: UnitRecord, kind: str, keys: set[str]) -> float:
        if kind == "definition" and any(k and _calls(unit.text, k) for k in keys):
            return _CALLS_ELSEWHERE_SHARE
        return _ELSEWHERE_SHARE

    def _says_enough(self, unit: UnitRecord) -> bool:
        """A supporting line says something of its own: three content words after its
        label ("인코더: 인코딩 해주는 것" adds little under an answer); short items of a
        list stand with their siblings instead."""
        return len(self.analyzer.terms(unit.text)) >= _SUPPORT_TERMS

    @staticmethod
    def _focus_row(unit: UnitRecord, question: str, kind: str = "") -> str:
        """The cells of a table row that a lookup question names, with the row itself
        ("플라스크 라이선스는?" → "라이선스: BSD License"), or that answer the kind it asks
        ("장고는 누가 만들었어?" → "초기 개발자: …"; "장고는 언제 나왔어?" → the cell with a
        year); "" when it names another row, no cell or all of them. A column's name
        said as the request ("좀 설명해줘" beside a "설명" column) names no cell."""
        asked = _key_of(_NOUN_AS_REQUEST.sub(" ", question))
        names = _row_names(unit.term)
        first, _, rest = unit.term.partition(" ")
        if first in _MAIN_WORDS and rest:
            # "주요 하이퍼파라미터" is the row of 하이퍼파라미터 (a table with a column for
            # each thing: "DBSCAN 하이퍼파라미터 뭐 있어?" → "DBSCAN: eps, min_samples")
            names.add(_key_of(rest))
        if not any(name in asked for name in names):
            return ""  # a row of something else
        cells = _CELL_SPLIT.split(unit.text)

        def answers(cell: str) -> bool:
            header, _, value = cell.partition(": ")
            return (
                _key_of(header) in asked
                or (kind == "who" and bool(_MAKER_NOUN.search(header)))
                or (kind == "when" and _year_answers(question) and bool(_YEAR.search(value)))
            )

        wanted = [c for c in cells if answers(c)]
        if not wanted or len(wanted) == len(cells):
            return ""
        if kind == "list":
            # the things listed, each with what the row says it is ("'함수'로 분류된 거":
            # "구성 요소: 활성화 함수 …, 설명: 신호를 입력받아 …")
            wanted = [
                c
                for c in cells
                if c in wanted or _SAYS_WHAT_HEADER.match(c.partition(": ")[0].strip())
            ]
        return ", ".join(wanted)

    def _named_as(self, unit: UnitRecord, subject: set[str]) -> bool:
        """The unit's term or label is the subject in another spelling ("재현률" for
        재현율, "optimizer" for 옵티마이저)."""
        name = unit.term or unit.context
        return bool(name) and set(self.analyzer.terms(name)) == subject

    def _best_for(
        self,
        pool: list[Chosen],
        subject: set[str],
        key: str,
        rivals: frozenset[str] | set[str] = frozenset(),
    ) -> Chosen | None:
        """The best line on one side of a comparison, one that says enough of its own
        where there is one ("sparse: 희소하다" only when nothing says more); one that names
        the side whole where one does ("out_channel", not any line with "channel"); not
        one under a title of another side (`rivals`: "다층 퍼셉트론 (MLP)" is no title of
        퍼셉트론 beside MLP)."""
        # (more than half of a side's words: "기울기" alone, in a line about 기울기 소실, is
        # no side "그래디언트 부스팅")
        side = [
            c
            for c in pool
            if 2 * len(subject & (c.unit.context_terms | c.unit.terms)) > len(subject)
        ]
        whole = [
            c
            for c in side
            if key
            and (
                key in _whole_key(c.unit)
                or self._named_as(c.unit, subject)
                # a line under the side's own bullet or title ("장고" > "특징" > "개발에
                # 필요한 많은 기능이 구현되어 …"), by any name it goes by ("다층 퍼셉트론
                # (MLP)" for MLP)
                or any(key in _names_of(label) for label in c.unit.labels)
            )
        ]
        side = whole or side
        side = [
            c
            for c in side
            if not (
                c.unit.labels
                and rivals & (names := _names_of(c.unit.labels[-1]))
                and key not in names
            )
        ] or side
        if not side:
            return None
        # the side's own row or term line ("GPT (OpenAI): 문장 생성에 강함"), not one of
        # another thing that names both sides ("BART (Meta): GPT + BERT 구조 혼합")
        first = side[0].unit
        if (
            first.kind in ("term", "row")
            and first.term
            and key not in _key_of(first.term)
            and not ask_of(first.term)  # a row of what the sides are compared by ("예시")
        ):
            own = [c for c in side if c.unit.term and key == _key_of(c.unit.term)]
            if own and own[0].score >= _OWN_SIDE_SHARE * side[0].score:
                side = own
        # a fuller line in place of a short one is still of this side, by its own words
        # ("sparse: 희소하다", not "토크나이저 = …" that stands under "sparse vs dense")
        full = [
            c
            for c in side
            if self._says_enough(c.unit)
            and c.score >= 0.8 * side[0].score
            and (
                c is side[0]
                or key in _key_of(c.unit.term) + _key_of(c.unit.text)
                or self._named_as(c.unit, subject)
            )
        ]
        return full[0] if full else side[0]

    def _score(
        self,
        unit: UnitRecord,
        kind: str,
        subjects: list[tuple[set[str], str]],
        weights: list[float],
        q_weights: dict[str, float],
        rank: int,
        *,
        pros: bool = False,
        said_pros: list[re.Pattern[str]] | None = None,
        heads: set[str] | frozenset[str] = frozenset(),
        listed: frozenset[str] = frozenset(),
        beside: UnitRecord | None = None,
        question: str = "",
    ) -> tuple[float, float]:
        """The unit's score, and the part of it that naming every thing asked about
        added (see `Chosen.lift`)."""
        # Each subject counts by how fully the unit names it: all of a compound's words
        # ("회귀" alone is not "소프트맥스 회귀": half of its words count a quarter), or
        # its letters (Kiwi may cut a word differently in two contexts: "오버라이딩" alone,
        # "오버"+"라이딩" in a question); weighted by `weights` (where the subject belongs
        # counts less than the subject).
        named = _key_of(f"{unit.term} {unit.context}")
        # a table row says why or when by its cells; its columns' names are the table's
        # ("고양이 | 정수 인코딩: 0, 원-핫 인코딩: [1, 0, 0]" says nothing of why one uses
        # 원-핫 인코딩), though they say what it is or shows (a definition, an example)
        said = _key_of(
            " ".join(c.partition(": ")[2] or c for c in _CELL_SPLIT.split(unit.text))
            if unit.kind == "row" and kind in ("why", "when")
            else unit.text
        )
        keys = {k for _, k in subjects if k}
        # "RNN은 …" is a statement about RNN as much as a line under the label "RNN"
        # a row whose first cell is a category ("함수") is named by a cell of its own
        # ("손실 함수 (loss function)")
        cells = _cell_names(unit) if unit.kind == "row" else set()
        abouts = [
            (
                1.0
                if k
                and (
                    _holds(named, k, keys, f"{unit.term} {unit.context}")
                    or _opens_with(unit.text, {k})
                    or k in cells
                )
                else _share(s, unit.context_terms)
            )
            # a line under a longer name that holds the subject ("선형 회귀" > "왜 사용할까?"
            # for 회귀) is about another thing
            * (_OTHER_THING if k and not unit.term and _kind_named(unit.context, k) else 1.0)
            for s, k in subjects
        ]
        # a definition under a label that is exactly the subject ("`군집`" over "각
        # 데이터의 유사성을 … 분류하는 것") names it as fully as a line that repeats it; so
        # does a line there that says when ("정확도" over "… 균형잡힌 경우에 사용됨"), more
        # than one that says when another thing is used and mentions it ("… 때, 혼동 행렬을
        # 작성해서 정확도를 높인다"); a clause of time alone ("… 만들 때 과거를 …") does not
        titled = (
            _names_of(unit.context)
            if kind == "definition" or (kind == "when" and _SAYS_USE.search(unit.text))
            else set()
        )
        mentions_ = [
            (
                1.0
                if k and (_holds(said, k, keys, unit.text) or k in titled)
                else (_SCATTERED if len(s) == 2 else 1.0) * _share(s, unit.terms)
            )
            # a line about a longer name that holds the subject ("선형회귀 (…)" for 회귀)
            # speaks of another thing
            * (_OTHER_THING if k and _longer_name(unit.term, k) else 1.0)
            for s, k in subjects
        ]
        about = sum(w * a for w, a in zip(weights, abouts, strict=True))
        mentions = sum(w * m for w, m in zip(weights, mentions_, strict=True))
        words = unit.terms | unit.context_terms
        total = sum(q_weights.values())
        share = sum(w for t, w in q_weights.items() if t in words) / total if total else 0.0
        if about == 0 and mentions == 0 and share < 0.5:
            return 0.0, 0.0
        score = 2.0 * about + 1.0 * mentions + 1.0 * share + 0.3 / (1 + rank)
        # what the question asks of its subject, beyond naming it ("여러 개여도 돼?"): it
        # picks the lead among lines about the subject (a lift, as naming both sides is)
        rest = q_weights.keys() - set().union(*(s for s, _ in subjects))
        # (the word for the kind asked counts in the line's own words, "예시: …", not in a
        # title of another thing's: "CNN을 쓰는 이유" says no 이유 of 풀링)
        found = (rest - _KIND_TERMS) & words | rest & _KIND_TERMS & unit.terms
        asked = _ASKED_REST * len(found) / len(rest) if rest else 0.0
        score += asked
        top = max(weights, default=0.0)
        exact = {k for (_, k), w in zip(subjects, weights, strict=True) if k and w == top}
        parents = unit.labels[unit.heading_depth :]
        if exact and (
            _names_of(unit.term) & exact
            or _names_of(unit.context) & exact
            or _opens_with(unit.text, exact)
            # a line under a bullet of the subject's, below one of its parts ("얀 르쿤 -
            # 프랑스" > "CNN - …" > "컴퓨터 비전 분야에서 …"); not a term line, which
            # is about its own term, nor an entry of a list, which keeps the notes' order
            or (
                unit.kind == "item"
                and kind != "list"
                and any(_names_of(label) & exact for label in parents)
            )
            # a line under a title that names the subject and the kind asked ("임베딩을
            # 쓰는 이유" for "임베딩은 왜 써?")
            or (
                kind in ("why", "how")
                and bool(unit.labels)
                and ask_of(unit.labels[-1]) == kind
                and any(k in _key_of(unit.labels[-1]) for k in exact)
            )
        ):
            # The unit is about exactly the subject ("회귀", not "로지스틱 회귀"), or is a
            # sentence about it ("RNN은 …"); for a why/when/how question, the kind of
            # statement matters more than naming the subject exactly.
            score += 1.2 if kind in ("definition", "who") else 0.6
        calls = 0.0
        if kind == "definition":
            if any(k and _calls(unit.text, k) for k in exact):
                # "이벤트가 전달되는 순서를 전파라고 한다": it says what the name is given to;
                # it picks the lead, and does not raise the bar for the lines that follow
                calls = _CALLS_BONUS
                score += calls
            if unit.ask == "definition":
                score += 1.0
            elif unit.ask == "":
                score += 0.5
            if unit.kind == "term" and not _WORD_LETTER.search(unit.text):
                # "n_resources: 450" gives a value, not what the name means
                score -= _VALUE_ONLY_COST
            if (
                unit.kind == "term"
                and mentions
                and heads & set(self.analyzer.terms(unit.term))
                and not _TOPIC_IN_TERM.search(unit.term)
            ):
                # a glossary line of the subject, not one of another thing whose
                # description mentions it ("강화학습: 에이전트가 들어간 학습"), nor a sentence
                # split at its colon ("RNN 내부 계산은 시점별로 … 처리: 시퀀스를 따라 …")
                score += 0.7
        elif kind == "who":
            if answers_kind(unit, "who"):
                score += 1.0
        elif _answers_asked(_subject_cell(unit, keys), kind, question, listed):
            # (a title that asks it of another thing, "차원 축소 방법" for "시계열 데이터는
            # 어떻게 3차원으로 바꿔?", says it no more than the line's own words do)
            # (and a line under the subject's strengths says why one uses it as a title of
            # why would: "FastAPI 특징" > "요청을 처리하는 속도 매우 빠름")
            by_title = asks(unit) == kind or (kind == "why" and unit.ask == "pros")
            if not by_title:
                score += 0.8
            elif not _asked_of_another(unit, subjects):
                score += 1.5
            elif kind != "why":
                # (a title that asks why of another thing, "astype('float32') 하는 이유" for
                # 시계열 데이터, says nothing of why of the subject: it adds nothing)
                score += 0.8
            if kind == "when" and ASKS_USE.search(question) and _SAYS_USED.search(unit.text):
                # "언제 써?" asks when it is used: a line that says it is used so ("… 전처리로
                # 쓴다"), before one that gives a case of something else ("… 섞여 있으면 먼저
                # 표준화하는 것이 좋다")
                score += _SAYS_USED_BONUS
        if pros and _under_pros(unit):
            # it asks for strengths or limits: the lines under 특징 / 장점 / 한계
            score += _PROS_BONUS
        elif said_pros and any(p.search(unit.text) for p in said_pros):
            score += _PROS_TEXT_BONUS
        lift = asked + calls
        if len(subjects) > 1 and (kind == "compare" or len(set(weights)) == 1):
            # one line that speaks of both sides answers a comparison best, and a question
            # about two things alike ("인코더랑 디코더를 왜 둘 다 써?") is about both
            sides = sum(1 for side, _ in subjects if side <= words)
            both = 1.5 * max(0, sides - 1)
            lift += both
            score += both
        if beside is not None and _sibling(unit, beside, keys):
            # what the answer before said of its topic, said here of the new one: it picks
            # the lead, and does not raise the bar for the lines that follow
            score += _SIBLING_BONUS
            lift += _SIBLING_BONUS
        if any(
            w < top and side and not side & words
            for (side, _), w in zip(subjects, weights, strict=True)
        ):
            # "SVM에서 커널은 …": a line on 커널 where nothing names SVM (a CNN layer's
            # kernel_size) is a little less the answer than one in SVM's section
            score *= _OUTSIDE_DOMAIN
        person = _persons_line(unit) if kind == "definition" else None
        if person and not any(k in _key_of(person) for k in keys):
            # "CNN이 뭐야?": a line under a person's name ("얀 르쿤" > "CNN: …") says what
            # that person did, a little less what the thing is than a line of its own
            score *= _OUTSIDE_DOMAIN
        if _leans_back(unit.text):
            # "… 이 문제를 해결한다": it needs the lines before it, so it does not lead
            score = max(score - _LEANS_BACK_COST, 0.1)
        # a comparison's sides are what it asks for: there the lift is the score itself
        return score, (asked if kind == "compare" else min(lift, score))
