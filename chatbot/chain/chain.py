"""The chat chain: plan (follow-ups → retrieval → routing) → respond.

Built from LangChain runnables: a `RunnableLambda` plans the turn and a
`RunnableBranch` hands the plan to one of three `RunnableGenerator`s that stream
events:

    {"type": "token", "text": ...}            (any number, in order)
    {"type": "final", "answer", "intent", "sources", "generator", "fallback", ...}

Each concern has its own module: routing (`chatbot.chain.routing`: small talk or
request, subject coverage, follow-ups), answer building (`chatbot.answering`:
question kinds, unit selection, rendering with citations), small talk
(`chatbot.chain.smalltalk`). This module only composes them.

One turn reads one index generation: the snapshot taken when the turn is planned is
the one searched, covered, answered from and cited, even if an ingest commits a new
generation meanwhile.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from itertools import pairwise, zip_longest
from typing import Any

from langchain_core.runnables import RunnableBranch, RunnableGenerator, RunnableLambda

from chatbot.answering.dates import day_of_label, days_asked
from chatbot.answering.kinds import asks_how_it_works, question_kind, spelled_out
from chatbot.answering.loanwords import respelled
from chatbot.answering.render import Rendered, joined, quoted_lines, render_answer
from chatbot.answering.select import Selection, UnitSelector, has_column, is_person
from chatbot.chain.routing import (
    MORE,
    Followup,
    RequestClassifier,
    Signals,
    addresses_assistant,
    asks_what_assistant_is,
    asks_what_it_is,
    continues_in,
    decide_intent,
    held_name,
    is_bare_term,
    is_specific,
    may_continue,
    names_a_thing,
    picked_up,
    points_back,
    resolve_followup,
    subject_covered,
)
from chatbot.chain.smalltalk import SmallTalkBank, SmallTalkMatch, cue_intent, praises
from chatbot.generation.base import GenerationRequest, Generator
from chatbot.generation.config import GeneratorConfig
from chatbot.generation.extractive import ExtractiveGenerator
from chatbot.generation.grounding import support_ratio
from chatbot.routing.everyday import everyday_words, is_everyday
from chatbot.routing.features import (
    asked_without_mark,
    asks_for_an_example,
    asks_in_words,
    is_statement,
    tells_a_feeling,
    tells_what_happened,
    two_questions,
    without_asides,
    without_opener,
    without_pleasantries,
    without_source,
)
from chatbot.settings import ChatConfig
from vector_store.analysis import VIEW_NOUNS, KoreanAnalyzer, acronyms, name_key
from vector_store.embeddings import NamedEmbeddings
from vector_store.passage import Passage, UnitRecord
from vector_store.retriever import HybridSearcher, SearchResult
from vector_store.store import IndexSnapshot

_WORD_PIECE = re.compile(r"\S+\s*")
# "…를 2로 하면 어떻게 돼?": what comes of doing a thing
_WHAT_IF = re.compile(r"면\s*어떻게\s*(?:돼|되)")
# How many questions back a follow-up's topic is looked for
_ASKED_BEFORE_TURNS = 3
# Reply-bank intents of messages about the assistant itself ("너는 무슨 일을 하는 챗봇이야?").
_ABOUT_ASSISTANT = frozenset({"identity", "capability"})
# A term as a heading writes it ("SVM", "Support Vector Machine"), not a file name.
_WORD = r"[A-Za-z][A-Za-z0-9]*(?:[-+][A-Za-z0-9]+)*"
# not inside a longer Latin word or a path; a particle may follow it ("RNN의 한계")
_HEADING_WORD = re.compile(rf"(?<![A-Za-z0-9_./]){_WORD}(?: {_WORD})*(?![A-Za-z0-9_./])")
# Capitalised English words of headings that name no topic ("The", "And").
_NOT_TOPICS = frozenset({"the", "an", "of", "to", "and", "in", "is", "for", "with", "vs"})
# Code in a question: an identifier with dots, underscores or a call, or lower case only.
_CODE_PUNCT = re.compile(r"[._()]")
# A setting written with its value ("factor=2", "cv=5", "padding='same'")
_SETTING = re.compile(r"[A-Za-z_][\w.]*\s?=\s?\S+")
_HAS_LATIN = re.compile(r"[A-Za-z]")
# a name in Latin letters, then Korean words ("RandomSearchCV 진행")
_NAME_THEN_WORDS = re.compile(r"([A-Za-z][A-Za-z0-9_.\-]*)\s+([가-힣]+(?:\s[가-힣]+)*)")
# A name as code writes it, with an underscore or a dot: "flow_from_directory", "nn.Conv2d".
_CODE_NAME = re.compile(r"(?=[\w.]*[._])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*", re.ASCII)
# "크롤링하는 법", "주식 예측 하는": a noun the question makes a verb of is what it does
# (not 한테: "친구한테 설명하려는데" does nothing to 친구)
_DONE = r"\s?(?:하|한(?!테)|할|해|했|함|시키|되|된|될)"


# "그 사람은 어느 나라 사람이야?", "그분은 뭘 했어?": the person the answer before named
_THAT_PERSON = re.compile(r"(?<![가-힣])(?:그|이|저)\s?(?:사람|분)(?=[은는이가을를의도]|\s|$)")
_SPELLING = re.compile(r"\s*\([^)]*\)")
# A name in Hangul, two or three words ("얀 르쿤", "앤드루 응"), and a particle after it
_HANGUL_NAME = re.compile(r"[가-힣]{1,4}(?: [가-힣]{1,4}){1,2}")
_PARTICLE_END = re.compile(r"(?<=[가-힣])(?:의|은|는|이|가|을|를|와|과|에게)$")
# How many units that hold a name's words are looked through for it written as a person's
_PERSON_LOOKUP = 50
# Two things asked of one subject, what it is first ("DBSCAN이 뭐고 언제 써?", "RNN이
# 뭔지랑 단점 알려줘")
_WHAT_AND = re.compile(
    r"^(?P<name>.+?)(?:이|가|은|는)?\s?(?:뭐고|뭐구|뭔지랑|뭔지하고|뭔지도|뭔지\s그리고|무엇이고)"
    r"[,\s]+(?P<rest>\S.*)$"
)
# "얀 르쿤은 뭘 했어?": what a person did, asked as one asks a friend
_ASKS_DEEDS = re.compile(r"(?:뭘|뭐를|무엇을|뭐)\s?(?:했|하셨|한 거|했던)")
# a name in Hangul with its spelling in Latin letters, and up to two words before it
_NAME_SPELLED = re.compile(r"(?:\S+ ){0,2}[가-힣]{1,5}\s?\((?:[A-Z][A-Za-z.'-]+ ?){2,4}\)")
# how many answers back a request for more ("더 자세히 알려줘") looks, for what was shown
_MORE_TURNS = 3
# "그건 언제 써?" as the first question: nothing was said that it could point back to
_NOTHING_BEFORE = (
    "앞에서 이야기한 내용이 없어서 무엇을 말씀하시는지 모르겠어요. "
    "궁금한 개념의 이름을 함께 적어 주세요. 예: 'CNN은 언제 써?'"
)
# "둘 중 뭘 봐야 해?", "둘 다 써도 돼?": the two things asked about last
_BOTH = re.compile(r"(?<![가-힣])둘\s?(?:중|다|의|이|은|는|을|를|에)|두\s?(?:개|가지)\s?중|양쪽")


def _viewed_by(phrase: str, question: str) -> bool:
    """Whether the question looks at things by `phrase` ("병렬 처리 측면에서 뭐가 달라?"):
    in a comparison, the respect they are compared in, asked as much as the sides."""
    views = "|".join(sorted(VIEW_NOUNS))
    return re.search(rf"{re.escape(phrase)}\s*(?:의\s*)?(?:{views})", question) is not None


# Measures of a thing, asked of the subject before when asked alone ("비율은 보통 얼마로 해?")
_MEASURES = frozenset(
    {"비율", "크기", "값", "기본값", "개수", "범위", "속도", "길이", "횟수", "비용", "수치"}
)
# "라이선스는?", "그럼 최초 릴리스는?": a name asked of the subject before, in a word or two
_COLUMN_ASKED = re.compile(r"^(?:그럼|그러면)?\s*([^\s?]+(?:\s[^\s?]+)?)(?:은|는)(?:요)?\s*\??$")


@dataclass
class Turn:
    user: str
    assistant: str
    intent: str | None


@dataclass
class Plan:
    message: str
    query: str
    intent: str
    history: list[Turn]
    result: SearchResult
    smalltalk: SmallTalkMatch
    signals: Signals
    followup: Followup
    kind: str = "definition"
    topic: str = ""
    subjects: list[str] = field(default_factory=list)
    answer: Rendered | None = None
    avoid: set[str] = field(default_factory=set)
    missing: list[str] = field(default_factory=list)
    """The subjects the notes do not hold ("Grad-CAM" in "Grad-CAM으로 CNN이 …")."""
    held_part: str = ""
    """The leading words of a missing subject that the notes do hold ("드롭아웃" of
    "드롭아웃 비율"): what a decline suggests asking about."""
    lead: UnitRecord | None = None
    """The unit the answer opens with: a follow-up that names a new topic ("그럼 활성화
    함수는?") asks of it what this answer said of its own (`UnitSelector.select`'s
    `beside`)."""

    @property
    def snapshot(self) -> IndexSnapshot:
        return self.result.snapshot


class ChatChain:
    def __init__(
        self,
        *,
        searcher: HybridSearcher,
        bank: SmallTalkBank,
        classifier: RequestClassifier,
        router_embeddings: NamedEmbeddings,
        generator: Generator,
        analyzer: KoreanAnalyzer,
        chat: ChatConfig,
        generation: GeneratorConfig,
        k: int,
        answer_passages: int = 5,
    ) -> None:
        """`k`: passages searched for each message; `answer_passages`: the best of them
        that answers draw on."""
        self.searcher = searcher
        self.bank = bank
        self.classifier = classifier
        self.router_embeddings = router_embeddings
        self.generator = generator
        self.extractive = (
            generator if isinstance(generator, ExtractiveGenerator) else ExtractiveGenerator()
        )
        self.analyzer = analyzer
        self.selector = UnitSelector(
            analyzer, max_units=generation.extractive_sentences, passages=answer_passages
        )
        self.chat = chat
        self.generation = generation
        self.k = k
        self._topics: tuple[int, list[str]] | None = None
        self.runnable = RunnableLambda(self.plan, name="plan") | RunnableBranch(
            (
                lambda p: p.intent == "greeting",
                RunnableGenerator(self._smalltalk, name="smalltalk"),
            ),
            (lambda p: p.intent == "question", RunnableGenerator(self._answer, name="answer")),
            RunnableGenerator(self._decline, name="decline"),
        )

    # ----------------------------------------------------------------- planning
    def _known_person(self, name: str, snapshot: IndexSnapshot) -> bool:
        """Whether the notes write `name` as a person's elsewhere ("얀 르쿤 (Yann LeCun)"
        under 4대 천왕, for "얀 르쿤의 우편번호 자동 인식기")."""
        terms = set(self.analyzer.terms(name))
        key = name.replace(" ", "")
        return bool(terms) and any(
            is_person(named) and _SPELLING.sub("", named).replace(" ", "") == key
            for unit in snapshot.units_about(terms, limit=_PERSON_LOOKUP)
            for named in (unit.term, *unit.labels)
        )

    def _asked_before(self, history: list[Turn]) -> str:
        """The question just before, with those before it back to one that names its own
        subject: "RNN이 뭐야?" → "어디에 써?" → "단점은?" still asks of RNN."""
        asked: list[str] = []
        for turn in reversed(history):
            if turn.intent != "question":
                continue
            asked.insert(0, turn.user)
            if self.analyzer.subjects(turn.user) or len(asked) >= _ASKED_BEFORE_TURNS:
                break
        return " ".join(asked)

    def _knows_word(self, word: str, snapshot: IndexSnapshot) -> bool:
        """Whether the index holds `word` as its terms spell it whole ("데이터셋"), or the
        glossary lists it ("파이토치"); not "랜덤서치", which Kiwi reads as 랜덤 and a
        syllable it drops."""
        if self.analyzer.is_alias(word):
            return True
        terms = self.analyzer.terms(word)
        return "".join(terms) == word and all(snapshot.knows(t) for t in terms)

    def plan(self, inputs: dict[str, Any]) -> Plan:
        snapshot = self.searcher.store.snapshot()
        # "그리드서치CV", "리니어 커널": an English name typed in Hangul, read as the name
        message: str = respelled(
            without_source(spelled_out(inputs["message"])),
            snapshot.latin_name,
            lambda word: self._knows_word(word, snapshot),
        )
        asked = without_pleasantries(message)
        plain = without_asides(
            asked,
            self.analyzer,
            lambda s: self._names_a_thing(s, snapshot) or self._has_title(s, snapshot),
        )
        pair = two_questions(plain, self.analyzer)
        if pair is not None:
            # "SVM이 뭐야? 그리고 커널은 뭐야?": each answered, the second as asked after
            # the first
            both = self._plan_both(inputs, *pair)
            if both is not None:
                return both
        if plain != asked:
            # "내일 시험인데 회귀랑 분류는 어떻게 달라?", "SVM이 뭐야? 너무 헷갈려": the
            # question without what is said beside it, where that is answered
            plan = self._plan(inputs, plain)
            if plan.intent == "question":
                return plan
        if asked != message:
            # "안녕하세요! 결정 경계는 뭘 말하는 거예요?": the question after the greeting is
            # what is asked; a greeting with nothing to look up after it ("안녕하세요,
            # 오늘 처음 써봐요") is read whole, as the greeting it is
            plan = self._plan(inputs, asked)
            if plan.intent != "greeting":
                return plan
        return self._plan(inputs, message)

    def _plan_both(self, inputs: dict[str, Any], first: str, second: str) -> Plan | None:
        """The plan of two questions asked in one message (`two_questions`), the second
        of a thing of the notes the first does not name, marked as its topic: the first's,
        its answer followed by what the second's adds, the second read as a follow-up of
        the first ("RNN이 뭐야? 그리고 LSTM은?"); None where either is not answered from
        the notes."""
        snapshot = self.searcher.store.snapshot()
        asked_first = {name_key(s) for s in self.analyzer.subjects(first)}
        new = [
            (s, role)
            for s, role in self.analyzer.subject_roles(second)
            if name_key(s) not in asked_first
        ]
        if not new or not all(
            role == "marked" and snapshot.units_about(set(self.analyzer.terms(s)))
            for s, role in new
        ):
            # the second says more of the first's question ("… 정의가 뭐야?", "… 종속변수
            # 예측?", "… 빠른 편이야?"): one question, read whole
            return None
        one = self._plan(inputs, first)
        if one.intent != "question" or one.answer is None:
            return None
        before = Turn(user=first, assistant=one.answer.text, intent="question")
        # asked after the first, as "그럼 X는?" is: within what the first asked ("SVM이
        # 뭐야? 그리고 커널은 뭐야?": SVM's kernels, not a CNN layer's)
        switch = second if second.startswith("그럼") else f"그럼 {second}"
        two = self._plan({**inputs, "history": [*inputs.get("history", []), before]}, switch)
        if two.intent != "question" or two.answer is None:
            return None
        # (where the first answer holds all the second would say, it answers both)
        return replace(one, answer=joined(one.answer, two.answer))

    def _plan(self, inputs: dict[str, Any], message: str) -> Plan:
        history: list[Turn] = inputs.get("history", [])
        snapshot = self.searcher.store.snapshot()
        previous = next((t for t in reversed(history) if t.intent == "question"), None)
        # the lines of code the answer before quoted, if it quoted any
        quoted = quoted_lines(previous.assistant) if previous is not None else []
        asked_before = self._asked_before(history)
        subjects_before = self.analyzer.subjects(asked_before)
        # ("혹시 그럼 RNN은?": the word that opens it says nothing of what it asks)
        followup = resolve_followup(
            without_opener(message), asked_before, self.analyzer, subjects_before
        )
        person = _person_meant(message, previous, lambda name: self._known_person(name, snapshot))
        if person and previous is not None:
            # "CNN은 누가 만들었어?" → "그 사람은 어느 나라 사람이야?": it goes on, asked of
            # the person the answer named
            asked = _THAT_PERSON.sub(person, message, count=1)
            followup = Followup("continue", asked, [person], previous.user, asked=asked)
        column = _COLUMN_ASKED.match(message.strip())
        if column is not None and previous is not None:
            # "플라스크가 뭐야?" → "라이선스는?": a column of the previous subject's row in a
            # table of the notes is asked of it, not as a new subject (nor of the
            # question's words alone: "크기는?" after "GPT2는 뭐야?"), and so is one asked
            # after it ("라이선스는?" → "최초 릴리스는?" still asks of 플라스크)
            column_name = column.group(1)
            earlier = [t.user for t in reversed(history) if t.intent == "question"][:2]
            owner = next(
                (
                    s
                    for text in earlier
                    for s in self.analyzer.subjects(text)
                    if has_column(snapshot.units_about(set(self.analyzer.terms(s))), s, column_name)
                ),
                None,
            )
            if owner is not None:
                followup = Followup(
                    "continue",
                    f"{previous.user} {message}",
                    [owner, *self.analyzer.subjects(column_name)],
                    previous.user,
                    asked=f"{owner} {message}",
                )
        roles = self.analyzer.subject_roles(message)
        domains = {p for p, role in roles if role != "marked"}

        def covers(subject: str, hits: list[Passage], anywhere: bool = True) -> bool:
            return subject_covered(
                subject,
                hits,
                self.analyzer,
                loose=subject in domains,
                units_of=snapshot.units_of,
                units_about=snapshot.units_about if anywhere else None,
            )

        def holds(subject: str, hits: list[Passage]) -> bool:
            # the passage itself names it: an entry elsewhere in the notes ("ReLU: 식: …"
            # in a table) says nothing of whether this passage goes on from it
            return covers(subject, hits, anywhere=False)

        result = None
        shown_in: list[str] = []  # the subjects of the answer that showed the name asked
        right_after = (
            not followup.kind
            and previous is not None
            and history[-1] is previous
            and cue_intent(message) is None
        )
        # "DNN이 뭐야?" → "정확도는 어느 정도 나와?": no pronoun, yet the notes say it of
        # DNN; "코드로는 어떻게 해?" names nothing new and goes on
        goes_on = right_after and may_continue(message, followup.subjects)
        # "GAN이 뭐야?" → "생성자는 뭐 해?": a name the answer showed is asked of as it used it
        # (the 생성자 that competes with 판별자, not a class's constructor); not one the
        # notes give a section of its own ("풀링은 뭐 해?": "## 풀링 계층 (Pooling)")
        shown = (
            right_after
            and previous is not None
            and picked_up(followup.subjects, subjects_before, previous.assistant)
            and not any(self._has_title(s, snapshot) for s in followup.subjects)
        )
        if goes_on or shown:
            joint = f"{asked_before} {message}"
            found = self.searcher.search(joint, self.k, snapshot=snapshot)
            # after an answer that quoted code, a short question asks about that code
            # ("버전은 몇으로 적혀 있어?")
            # ("RMSProp은 언제 써?" after a question about 손실 함수 names a thing of its own,
            # though one passage of the notes holds both)
            if goes_on and (
                quoted
                or (
                    not names_a_thing(message, followup.subjects, subjects_before)
                    and not self._asks_of_its_topic(message, followup.subjects, snapshot)
                    and continues_in(found.hits, subjects_before, followup.subjects, holds)
                )
            ):
                subjects = list(dict.fromkeys([*subjects_before, *followup.subjects]))
                followup = Followup("continue", joint, subjects, asked_before)
                result = found
            elif shown and continues_in(found.hits, subjects_before, followup.subjects, holds):
                # a name the answer showed, asked in its own words, where the notes say it
                # with the subject of that answer: searched and read there
                followup = Followup(
                    "continue",
                    joint,
                    followup.subjects,
                    asked_before,
                    previous_subjects=subjects_before,
                )
                result, shown_in = found, subjects_before
            elif (
                goes_on
                and len(subjects_before) == 1
                and followup.subjects
                and all(s in _MEASURES for s in followup.subjects)
            ):
                # "드롭아웃은 왜 써?" → "비율은 보통 얼마로 해?": a measure asked right after
                # is the measure of that subject (its rate, not every rate the notes name):
                # the question asked of it, answered where the notes give it, declined where
                # they do not
                asked = f"{subjects_before[0]} {message}"
                owned = [f"{subjects_before[0]} {s}" for s in followup.subjects]
                followup = Followup("", asked, owned, asked_before, asked=asked)
        if followup.kind == "continue" and _BOTH.search(message):
            # "정밀도가 뭐야?" → "재현율은?" → "둘 중 뭘 봐야 해?": both of them
            earlier = [t.user for t in reversed(history) if t.intent == "question"][1:2]
            if earlier:
                both = [*self.analyzer.subjects(earlier[0]), *followup.subjects]
                followup = replace(
                    followup,
                    query=f"{earlier[0]} {followup.query}",
                    subjects=list(dict.fromkeys(both)),
                )
                result = None
        if result is None:
            result = self.searcher.search(followup.query, self.k, snapshot=snapshot)
        days = days_asked(message)
        dated: list[Passage] = []
        if days:
            # "9월 5일 수업에서 뭐 했어?": the sections of that day in a course log, first
            dated = snapshot.sections_with(lambda label: day_of_label(label) in days)
            ids = {p.chunk_id for p in dated}
            result = replace(
                result, hits=[*dated, *(h for h in result.hits if h.chunk_id not in ids)]
            )
        same_model = self.router_embeddings.model_id == self.searcher.embeddings.model_id
        vector = (
            result.query_vector
            if followup.query == message and same_model
            else self.router_embeddings.embed_array([message])[0]
        )
        p_request = self.classifier.p_request(message, vector)
        match = self.bank.match(message, vector)
        subjects = followup.subjects
        if len(subjects) >= 2 and question_kind(message) == "compare":
            # "CNN이랑 RNN 입력 구조 차이": a side glued to what it is compared in
            subjects = self._sides_apart(subjects, snapshot)
        # An unmarked name that reads as code ("flow_from_directory 쓰면 …", "reshape 해야",
        # "torch.nn.Conv2d 쓰면"): notes often show its arguments or effect without the
        # name, so it need not be covered. A capitalised name that is not code names a
        # thing ("Grad-CAM으로 …"), which the notes must hold.
        optional = {
            p
            for p, role in roles
            if (role == "named" and _reads_as_code(p))
            or (role == "domain" and _CODE_PUNCT.search(p))  # "flow_from_directory의"
        } | {
            # "flow_from_directory color_mode에": a name from code right before another
            # says where that one belongs, as "flow_from_directory의" would
            p
            for p, after in pairwise(subjects)
            if _CODE_PUNCT.search(p) and _reads_as_code(after) and f"{p} {after}" in message
        }
        missed = [s for s in subjects if s not in optional and not covers(s, result.hits)]
        if len(subjects) == 1 and question_kind(message) == "compare":
            # "파이토치 텐서플로 차이", "svm 로지스틱 회귀 차이": names side by side, each
            # one the notes hold, not one name they lack, are the sides compared
            hits = result.hits

            def held(name: str) -> bool:
                # (a name of several words, all its terms in one line of a passage)
                if not covers(name, hits):
                    return False
                terms = set(self.analyzer.terms(name))
                return " " not in name or any(
                    terms <= unit.terms for hit in hits for unit in snapshot.units_of(hit)
                )

            sides = _names_side_by_side(subjects[0], held)
            if len(sides) >= 2:
                # each side searched on its own, its passages taken in turn: one search
                # for all may rank one side low
                by_side = [
                    self.searcher.search(side, self.k, snapshot=snapshot).hits for side in sides
                ]
                merged: dict[int, Passage] = {}
                turns = [hit for turn in zip_longest(*by_side) for hit in turn if hit is not None]
                for hit in [*turns, *result.hits]:
                    merged.setdefault(hit.chunk_id, hit)
                result = replace(result, hits=list(merged.values()))
                subjects, missed = sides, []
        if missed and len(subjects) > len(missed):
            # "SVM이랑 로지스틱 회귀 차이가 뭐야?": one search for both may rank only one
            # side's passages; a side it missed is searched on its own, and what that finds
            # joins the hits
            known = {h.chunk_id for h in result.hits}
            added: list[Passage] = []
            still_missed = []
            for subject in missed:
                own = self.searcher.search(subject, self.k, snapshot=snapshot).hits
                if not covers(subject, own):
                    still_missed.append(subject)
                    continue
                for hit in own:
                    if hit.chunk_id not in known:
                        known.add(hit.chunk_id)
                        added.append(hit)
            if added:
                result = replace(result, hits=_interleave(result.hits, added))
            missed = still_missed
        # A subject that only names a kind of thing ("깔았던 패키지들") or a code name that a
        # question asks within ("flow_from_directory에서 class_mode에 넣을 수 있는 값": the
        # notes list the arguments without it) need not be in the notes, once another
        # subject is.
        secondary = {
            s
            for s in missed
            if len(self.analyzer.kind_words(s)) == len(s.split()) or _CODE_NAME.fullmatch(s)
        }
        if (
            secondary
            and set(missed) <= secondary
            and any(s not in optional and s not in secondary for s in subjects)
        ):
            missed = []
        # "RandomSearchCV 진행 상황을 …": a name in Latin letters with Korean words after it
        # that the notes never join to it is that name, and the words what is asked of it,
        # where the notes hold the name and those words (as the phrase they make) in what
        # was found
        apart = {
            s: named.group(1)
            for s in missed
            if (named := _NAME_THEN_WORDS.fullmatch(s))
            # (not an English word the glossary spells in Korean: "Batch 정규화" is 배치
            # 정규화, one name)
            and self.analyzer.korean_name(named.group(1)) == named.group(1)
            and covers(named.group(1), result.hits)
            and covers(named.group(2), result.hits)
        }
        if apart:
            subjects = list(dict.fromkeys(apart.get(s, s) for s in subjects))
            missed = [s for s in missed if s not in apart]
        # The words around what is asked ("피처맵 크기를 무작정 크게 하면": 무작정; "선형 회귀가
        # 저사양 환경에서") need not be in the notes once what its particles mark as asked is;
        # what the question does with it ("파이썬으로 크롤링하는 법") must be.
        marked = {p for p, role in roles if role == "marked"}
        if (
            missed
            and not marked & set(missed)
            and any(s in marked and is_specific([s]) for s in subjects if s not in missed)
            and all(dict(roles).get(s) in ("other", "domain") for s in missed)
            and not any(re.search(re.escape(s) + _DONE, message) for s in missed)
        ):
            missed = []
        if (
            missed
            and any(_SETTING.fullmatch(s) for s in subjects if s not in missed)
            and not any(_HAS_LATIN.search(s) for s in missed)
        ):
            # "factor=2 주면 자원 분배가 어떻게 돼?": a setting with its value, as the notes
            # write it, asks what it does; the words said for its effect ("자원 할당" in the
            # notes) need not be theirs
            missed = []
        covered = bool(subjects) and not missed
        if covered:
            # a question of the notes is read without the word that opens it ("혹시 …",
            # which small talk opens with more often) and, typed without its mark, with it:
            # the classifier learned the mark (the sentence vector holds it too), and most
            # small talk it learned from has none ("서포트 벡터가 정확히 뭔데"; "오늘 저녁 뭐
            # 먹지", of nothing the notes hold, stays a musing)
            plain = without_opener(message)
            asked = f"{plain}?" if asked_without_mark(plain, self.analyzer) else plain
            if asked != message:
                asked_vector = self.router_embeddings.embed_array([asked])[0]
                p_request = max(p_request, self.classifier.p_request(asked, asked_vector))
        if covered and followup.kind == "switch" and followup.query != message:
            # "그럼 토끼는?" after a question about the notes is that question asked of
            # 토끼, which the notes hold: it is read as the request it stands for, which the
            # classifier alone takes for chatter ("그럼 오늘 저녁은?" stays chatter)
            asked_vector = (
                result.query_vector
                if same_model
                else self.router_embeddings.embed_array([followup.query])[0]
            )
            p_request = max(p_request, self.classifier.p_request(followup.query, asked_vector))
        social = (
            p_request < self.chat.social_request_max
            and (
                cue_intent(message) is not None
                or (
                    match.nearest in _ABOUT_ASSISTANT
                    and match.score >= self.chat.about_assistant_match
                )
            )
        ) or (addresses_assistant(message) and (not covered or asks_what_assistant_is(message)))
        social = social or praises(message)
        signals = Signals(
            p_request=p_request,
            covered=covered,
            followup=followup.kind,
            bare_term=is_bare_term(message, subjects),
            names_nothing=not self.analyzer.has_subject(message),
            no_subject=not subjects,
            social=social,
            specific=is_specific(subjects),
            statement=is_statement(message, self.analyzer),
            tells=tells_what_happened(message, self.analyzer)
            or tells_a_feeling(message, self.analyzer),
            smalltalk_match=match.score,
            defines=asks_what_it_is(message, subjects),
            dated=bool(dated),
            asks_who=question_kind(message) == "who"
            or (
                bool(_ASKS_DEEDS.search(message))
                and any(self._is_person_noted(s, snapshot) for s in subjects)
            ),
            everyday=not followup.kind and is_everyday(message, self.analyzer, everyday_words()),
            asks=asks_in_words(message, self.analyzer) or asks_for_an_example(message),
        )
        intent = decide_intent(signals, self.chat)
        if intent == "question":
            subjects = [held_name(s, result.hits, self.analyzer) for s in subjects]
            marked = {p for p, role in roles if role == "marked"}
            if any(s in marked for s in subjects):
                # "KoAlpaca 누가 만든 모델임?": a word that only says what kind of thing the
                # marked subject is, outside it, frames the question (as 사람 does for 누구)
                subjects = [
                    s
                    for s in subjects
                    if s in marked or len(self.analyzer.kind_words(s)) < len(s.split())
                ]
        held_part = ""
        if intent == "out_of_scope" and missed:
            # "드롭아웃 비율은 보통 얼마로 해?": the notes hold 드롭아웃, not its 비율
            words = missed[0].split()
            held_part = next(
                (
                    part
                    for n in range(len(words) - 1, 0, -1)
                    if covers(part := " ".join(words[:n]), result.hits)
                ),
                "",
            )
        plan = Plan(
            message=message,
            query=followup.query,
            intent=intent,
            history=history,
            result=result,
            smalltalk=match,
            signals=signals,
            followup=followup,
            subjects=subjects,
            avoid={t.assistant for t in history[-3:]},
            missing=missed,
            held_part=held_part,
        )
        if intent == "question":
            asked_as = message if followup.kind != "switch" else followup.query
            plan.kind = question_kind(asked_as)
            if plan.kind == "compare" and followup.previous_subjects:
                subjects = list(dict.fromkeys([*followup.previous_subjects, *subjects]))
                plan.subjects = subjects
            plan.topic = subjects[0] if subjects else ""
            went_on_from = (
                [s for s in subjects if s in self.analyzer.subjects(followup.previous)]
                if followup.kind == "continue"
                else []
            )
            more = (
                followup.kind == "continue"
                and MORE.search(message) is not None
                and not inputs.get("lead_only")
            )
            lead = self._previous_lead(history, previous) if more else None
            if lead is not None:
                # "더 자세히 알려줘": the rest of the section the answer before drew on
                selection = self.selector.more_of(
                    lead,
                    plan.topic,
                    units_of=snapshot.units_of,
                    passage_of=snapshot.by_id.get,
                    shown=" ".join(t.assistant for t in history[-_MORE_TURNS:]),
                    sections=lambda name: snapshot.sections_with(lambda label: label == name),
                )
                if not selection.units:
                    plan.answer = Rendered(
                        ["노트에는 앞에서 보여 드린 것보다 자세한 내용이 없어요."], []
                    )
                    return plan
            else:
                # a continuing follow-up's own words say what it asks of the same subject
                question = followup.asked or (
                    message if followup.kind == "continue" else followup.query
                )
                what_and = _WHAT_AND.match(question) if not followup.kind and subjects else None
                if what_and is not None:
                    # "DBSCAN이 뭐고 언제 써?": what it is, then what else is asked of it
                    question = f"{what_and.group('name')} {what_and.group('rest')}"
                    plan.kind = question_kind(question)
                selection = self._select(
                    question,
                    plan,
                    subjects,
                    result,
                    snapshot,
                    roles,
                    anchors=frozenset(
                        shown_in or (went_on_from if len(subjects) > len(went_on_from) else [])
                    ),
                    quoted=frozenset(quoted if followup.kind == "continue" else ()),
                    beside=self._previous_lead(history, previous)
                    if followup.kind == "switch" and not inputs.get("lead_only")
                    else None,
                )
                if what_and is not None and plan.kind != "definition" and selection.units:
                    defined = self._select(
                        f"{what_and.group('name')} 뭐야?",
                        replace(plan, kind="definition"),
                        subjects,
                        result,
                        snapshot,
                        roles,
                    )
                    if defined.units and not defined.code and not selection.code:
                        first = defined.units[0]
                        rest = [c for c in selection.units if c.unit.unit_id != first.unit.unit_id]
                        selection = replace(selection, units=[first, *rest])
                    asked_as = question
            plan.lead = selection.units[0].unit if selection.units else None
            plan.answer = render_answer(
                selection, kind=plan.kind, topic=plan.topic, question=asked_as
            )
            if not plan.answer.lines:
                plan.intent = "out_of_scope"
        return plan

    def _select(
        self,
        question: str,
        plan: Plan,
        subjects: list[str],
        result: SearchResult,
        snapshot: IndexSnapshot,
        roles: list[tuple[str, str]],
        *,
        anchors: frozenset[str] = frozenset(),
        quoted: frozenset[str] = frozenset(),
        beside: UnitRecord | None = None,
    ) -> Selection:
        """The units that answer `question` as `plan.kind` asks, from what search found."""
        return self.selector.select(
            question=question,
            kind=plan.kind,
            subjects=subjects,
            hits=result.hits,
            units_of=snapshot.units_of,
            units_about=snapshot.units_about,
            units_on=snapshot.units_on,
            passage_of=snapshot.by_id.get,
            domains=frozenset(
                p
                for p, role in roles
                if role == "domain" and not (plan.kind == "compare" and _viewed_by(p, question))
            ),
            # a follow-up that adds words of its own to the subject it goes on from
            anchors=anchors,
            # going on from an answer that quoted the code asks about that code
            quoted=quoted,
            idf=snapshot.idf,
            # "그럼 활성화 함수는?" after the row of 손실 함수 asks for the row beside it
            beside=beside,
        )

    def _asks_of_its_topic(
        self, message: str, subjects: list[str], snapshot: IndexSnapshot
    ) -> bool:
        """Whether `message` asks who, why or when of its own topic ("어텐션은 왜 필요해?",
        "트랜스포머는 누가 만들었어?"), how it works ("경사 하강법은 어떻게 동작해?"), or how
        of a topic with a title of its own in the notes
        ("풀링은 어떻게 해?": "## 풀링 계층 (Pooling)"): a question of that thing, not more of
        the one before, though one passage holds both ("얼굴 못 찾은 파일은 어떻게 처리돼?"
        and "정확도는 어느 정도 나와?" go on)."""
        kind = question_kind(message)
        # "스트라이드를 2로 하면 어떻게 돼?": what comes of setting it, asked as of how
        what_if = kind == "definition" and _WHAT_IF.search(message) is not None
        if kind not in ("who", "why", "when", "how") and not what_if:
            return False
        marks = r"(?:은|는|을|를)\s" if what_if else r"(?:은|는)\s"
        for subject in subjects:
            if not re.search(re.escape(subject) + marks, message):
                continue
            if kind not in ("how", "definition") or asks_how_it_works(message):
                return True
            if self._has_title(subject, snapshot):
                return True
        return False

    def _names_a_thing(self, name: str, snapshot: IndexSnapshot) -> bool:
        """Whether the notes give `name` a label or an entry of its own ("트랜스포머
        (Transformer)" for 트랜스포머)."""
        key = name_key(name)
        return bool(key) and any(
            name_key(label) == key
            for unit in snapshot.units_about(set(self.analyzer.terms(name)))
            for label in (*unit.labels, unit.term)
            if label
        )

    def _tabulates(self, facet: str, snapshot: IndexSnapshot) -> bool:
        """Whether a row of a table in the notes is headed by `facet` ("입력 구조" for 입력):
        what things are compared in."""
        key = name_key(facet)
        return bool(key) and any(
            unit.kind == "row" and name_key(unit.term).startswith(key)
            for unit in snapshot.units_about(set(self.analyzer.terms(facet)))
        )

    def _sides_apart(self, subjects: list[str], snapshot: IndexSnapshot) -> list[str]:
        """The sides of a comparison with what they are compared in apart: a side the notes
        name nowhere, whose first words they do name and whose rest heads a row of a table,
        is that name and the rest ("RNN 입력" → RNN, 입력; "차원 축소 목표" → 차원 축소,
        목표; not "RNN 계열")."""
        out: list[str] = []
        for subject in subjects:
            words = subject.split()
            n = 0
            if len(words) >= 2 and not self._names_a_thing(subject, snapshot):
                n = next(
                    (
                        n
                        for n in range(len(words) - 1, 0, -1)
                        if self._names_a_thing(" ".join(words[:n]), snapshot)
                        and self._tabulates(" ".join(words[n:]), snapshot)
                    ),
                    0,
                )
            parts = [" ".join(words[:n]), " ".join(words[n:])] if n else [subject]
            out.extend(p for p in parts if p not in out)
        return out

    def _has_title(self, subject: str, snapshot: IndexSnapshot) -> bool:
        """Whether a heading of the notes opens with `subject` ("## 풀링 계층 (Pooling)")."""
        key = _name_key(subject)
        return any(
            _name_key(label).startswith(key)
            for unit in snapshot.units_about(set(self.analyzer.terms(subject)))
            for label in unit.labels[: unit.heading_depth]
        )

    def _is_person_noted(self, subject: str, snapshot: IndexSnapshot) -> bool:
        """Whether the notes name `subject` as a person ("얀 르쿤 (Yann LeCun)" over the lines
        about him)."""
        key = _name_key(subject)
        return any(
            is_person(label) and _name_key(label) == key
            for unit in snapshot.units_about(set(self.analyzer.terms(subject)))
            for label in (*unit.labels, unit.term)
        )

    def _previous_lead(self, history: list[Turn], previous: Turn | None) -> UnitRecord | None:
        """The unit the answer to `previous` opened with, found again (a turn keeps only
        its text); no further back than that question."""
        if previous is None:
            return None
        earlier = history[: history.index(previous)]
        return self.plan({"message": previous.user, "history": earlier, "lead_only": True}).lead

    # ---------------------------------------------------------------- responding
    def stream(self, inputs: dict[str, Any]) -> Iterator[dict[str, Any]]:
        yield from self.runnable.stream(inputs)

    def _smalltalk(self, plans: Iterator[Plan]) -> Iterator[dict[str, Any]]:
        for plan in plans:
            asked_before = any(t.intent == "question" for t in plan.history)
            reply = (
                _NOTHING_BEFORE
                if not asked_before and points_back(plan.message, plan.subjects)
                else self.bank.reply(plan.smalltalk, avoid=plan.avoid)
            )
            yield from _pieces(reply)
            yield _final(plan, reply, [], "smalltalk", fallback=False)

    def _answer(self, plans: Iterator[Plan]) -> Iterator[dict[str, Any]]:
        for plan in plans:
            assert plan.answer is not None
            cited = plan.answer.passages
            request = GenerationRequest(
                plan.query,
                cited or plan.result.hits,
                plan.topic,
                [(t.user, t.assistant) for t in plan.history],
                plan.message if plan.followup.kind else "",
                answer_lines=tuple(plan.answer.lines),
            )
            pieces: list[str] = []
            for piece in self.generator.stream(request):
                pieces.append(piece)
                yield {"type": "token", "text": piece}
            answer = "".join(pieces).strip()
            name, fallback = self.generator.name, False
            if self.generator is not self.extractive:
                ratio = support_ratio(answer, list(cited), self.analyzer)
                if ratio < self.generation.ground_threshold:
                    answer, fallback = plan.answer.text, True
            sources = [_source(p, n) for n, p in enumerate(cited, start=1)]
            yield _final(plan, answer, sources, name, fallback=fallback)

    def _decline(self, plans: Iterator[Plan]) -> Iterator[dict[str, Any]]:
        for plan in plans:
            yield from _pieces(text := self._declined(plan))
            yield _final(plan, text, [], "none", fallback=False, intent="out_of_scope")

    def _declined(self, plan: Plan) -> str:
        """What a decline says: which asked subject the notes lack, and what to ask
        instead: a subject of the question they do hold, else the topics they cover."""
        missing = ", ".join(f"'{s}'" for s in plan.missing)
        held = [s for s in plan.subjects if s not in plan.missing] or (
            [plan.held_part] if plan.held_part else []
        )
        if missing and held:
            return (
                f"죄송해요, 강의 노트에 {missing}에 대한 내용이 없어서 답을 드릴 수 없어요. "
                f"노트에 있는 '{held[0]}'에 대해 물어보시면 답해 드릴게요."
            )
        topics = ", ".join(self.covered_topics(plan.snapshot))
        said = (
            f"강의 노트에 {missing}에 대한 내용이 없어서"
            if missing
            else "그 내용은 강의 노트에 없어서"
        )
        return (
            f"죄송해요, {said} 답을 드릴 수 없어요. "
            f"노트에서는 {topics} 같은 머신러닝·딥러닝 개념을 다루고 있으니, "
            "그런 내용을 물어봐 주세요."
        )

    def covered_topics(self, snap: IndexSnapshot | None = None, n: int = 6) -> list[str]:
        """English terms of the headings as the notes write them ("SVM", "Transformer"), by
        how much text sits under them: a short table of contents drawn from the notes."""
        snap = snap or self.searcher.store.snapshot()
        if self._topics is None or self._topics[0] != snap.generation:
            counts: Counter[str] = Counter()
            spellings: dict[str, Counter[str]] = {}
            for heading in snap.by_id.headings():  # headings only: no passage is built
                words = set(_HEADING_WORD.findall(heading.rsplit(" > ", 1)[-1]))
                for word in words:
                    key = word.casefold()
                    # capitalised, as names of methods and models are ("SVM", "PyTorch")
                    letters = sum(c.isalpha() for c in word)
                    if letters >= 2 and not word.islower() and key not in _NOT_TOPICS:
                        counts[key] += 1
                        spellings.setdefault(key, Counter())[word] += 1
            # a name spelled out where its letters are a topic too ("Support Vector
            # Machine" beside "SVM") is that topic: one entry, counted together
            for key in list(counts):
                short = acronyms(spellings[key].most_common(1)[0][0])
                if short and short[0] != key and short[0] in counts:
                    counts[short[0]] += counts.pop(key)
            top = [spellings[k].most_common(1)[0][0] for k, _ in counts.most_common(n)]
            self._topics = (snap.generation, top)
        return self._topics[1]


def _names_side_by_side(phrase: str, held: Callable[[str], bool]) -> list[str]:
    """`phrase` read from the left as the longest runs of its words that are each a name
    `held` holds ("svm 로지스틱 회귀" → svm, 로지스틱 회귀); none unless every word is in
    one."""
    words, names = phrase.split(), []
    while words:
        n = next((n for n in range(len(words), 0, -1) if held(" ".join(words[:n]))), 0)
        if n == 0:
            return []
        names.append(" ".join(words[:n]))
        words = words[n:]
    return names


def _name_key(name: str) -> str:
    return re.sub(r"\s+", "", _SPELLING.sub("", name))


def _person_meant(
    message: str, previous: Turn | None, known: Callable[[str], bool] = lambda _: False
) -> str:
    """The person "그 사람" in `message` points to: the first the answer to `previous`
    names, as the topic of a line ("얀 르쿤 (Yann LeCun): …") or within it ("LeNet-5는 얀
    르쿤(Yann LeCun) 연구진이 …"), in Korean, or a name `known` to be a person's where the
    answer does not spell it out ("얀 르쿤의 우편번호 자동 인식기"); none when the message
    points to no person or that answer names none."""
    if previous is None or not _THAT_PERSON.search(message):
        return ""
    lines = previous.assistant.splitlines()
    for line in lines:
        topic = line.lstrip("- ").partition(":")[0].strip()
        named = [topic, *(m.group(0) for m in _NAME_SPELLED.finditer(line))]
        for name in named:
            # (the words before a name, "LeNet-5는 얀 르쿤(…)", are not part of it)
            words = name.split(" ")
            person = next(
                (" ".join(words[i:]) for i in range(len(words)) if is_person(" ".join(words[i:]))),
                "",
            )
            if person:
                return _SPELLING.sub("", person).strip()
    for line in lines:
        words = [_PARTICLE_END.sub("", w) for w in _SPELLING.sub("", line).split()]
        for i in range(len(words)):
            for width in (3, 2):
                name = " ".join(words[i : i + width])
                if (
                    len(words[i : i + width]) == width
                    and _HANGUL_NAME.fullmatch(name)
                    and known(name)
                ):
                    return name
    return ""


def _reads_as_code(name: str) -> bool:
    return name == name.lower() or bool(_CODE_PUNCT.search(name))


def _interleave(first: list[Passage], second: list[Passage]) -> list[Passage]:
    """Both lists, taking turns (each side of a comparison near the top)."""
    out: list[Passage] = []
    for i in range(max(len(first), len(second))):
        out.extend(x[i] for x in (first, second) if i < len(x))
    return out


def _pieces(text: str) -> Iterator[dict[str, Any]]:
    for piece in _WORD_PIECE.findall(text):
        yield {"type": "token", "text": piece}


def _source(passage: Passage, n: int) -> dict[str, Any]:
    snippet = passage.text.replace("\n", " ")
    return {
        "n": n,
        "chunk_id": passage.chunk_id,
        "source": passage.source,
        "heading": passage.heading,
        "line": passage.line_start,
        "snippet": snippet[:200] + ("…" if len(snippet) > 200 else ""),
        "text": passage.text,
        "score": round(passage.score, 4),
    }


def _final(
    plan: Plan,
    answer: str,
    sources: list[dict[str, Any]],
    generator: str,
    *,
    fallback: bool,
    intent: str | None = None,
) -> dict[str, Any]:
    return {
        "type": "final",
        "answer": answer,
        "intent": intent or plan.intent,
        "sources": sources,
        "generator": generator,
        "fallback": fallback,
        "topic": plan.topic,
        "query": plan.query,
        "kind": plan.kind if plan.intent == "question" else None,
    }
