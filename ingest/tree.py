"""Notes → answer units: the notes' own structure, kept for answering.

Course notes say what they mean through structure more than through sentences: a
bullet `` `밀도 기반 군집 분석 (DBSCAN)` `` whose children define it, sibling bullets
"왜 사용할까?" / "언제 사용하면 좋을까?" whose children hold the why and the when, a
"용어 - 설명" line, a table row read with its header. Chunks (for retrieval) flatten
that away; units keep it.

A unit is one answerable line (a bullet's own text, a paragraph line, a table row
with its header, a "term - description" line) together with the labels of its
ancestors (headings, `<summary>` titles, parent bullets). A bullet that has children
is a *label* unit: its children are read in its context, and it is never shown
alone. The question a label asks ("언제 사용하면 좋을까?") is recorded on its
descendants as their `ask` (`when`), so a "when" question can prefer them.

Block structure comes from a CommonMark parser (markdown-it-py, with tables); the
HTML `<details><summary>` sections that the notes use as collapsible headings are
put on lines of their own first, so the parser sees them as HTML blocks and never
swallows the Markdown around them.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import groupby

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ingest.markdown import TOPIC_GAP, clean_inline, is_display_math, one_line, readable_math

# The kinds of question a label can ask (and a message can ask, see chatbot.answering).
ASK_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("when", re.compile(r"언제|어떤 (?:경우|상황|때)|when\b", re.I)),
    ("why", re.compile(r"왜|이유|목적|why\b", re.I)),
    # (or a title of doing it: "FastAPI로 모델 서빙하기", "손실 함수 고르기")
    (
        "how",
        re.compile(
            r"어떻게|방법|절차|과정|순서|단계|how\b"
            r"|(?:하|만들|고르|다루|띄우|돌리|바꾸|나누|맞추|구하)기\s*$",
            re.I,
        ),
    ),
    ("compare", re.compile(r"차이|비교|다른 ?점|다른가|vs\b", re.I)),
    ("list", re.compile(r"종류|유형|구성|어떤 것들|무엇무엇|\btypes? of\b|\bkinds? of\b", re.I)),
    ("example", re.compile(r"예시|예를|예제|사례|example", re.I)),
    ("pros", re.compile(r"장점|단점|장단점|한계|특징|문제점")),
    ("definition", re.compile(r"뭐야|뭔가요|무엇|이란|란\?|정의|의미|뜻")),
)
# "mnist란?", "역전파 알고리즘 이란?", "CNN은 무엇인가?": a question naming what it asks about
_ASKS_WHAT = re.compile(
    r"^(?P<name>[^?]{1,30}?)\s*(?:이란|란|은|는)\s*(?:무엇인가요|무엇인가|무엇일까|뭐야|뭘까|뭔가요)?"
    r"\s*\?$"
)
# A title that ends by naming what the lines under it answer ("… 하는 이유", "학습 방법")
_ASKING_TITLE = re.compile(
    r"(?:이유|목적|방법|절차|과정|순서|차이|차이점|종류|유형|예시|예제|사례|장점|단점|장단점|한계|문제점|특징"
    # the case the lines below are about ("3차원일 경우")
    r"|[가-힣]일 경우)"
    r"\s*[:?]?$"
)
_QUESTION_LABEL = re.compile(r"\?\s*$|[까냐니]\s*$|뭐야|무엇|란\s*$")
# "용어 - 설명", "용어: 설명", "용어 → 설명": a term first, short, then its description.
_TERM_LINE = re.compile(
    r"^(?P<term>[^:\-–→]{1,40}?)\s*(?P<mark>\s[-–]\s|\s?:\s|\s?→\s?)\s*(?P<desc>.+)$"
)
_DETAILS_TAG = re.compile(
    r"(<details\b[^>]*>|</details\s*>|<summary\b[^>]*>.*?</summary\s*>)", re.I
)
_SUMMARY = re.compile(r"<summary\b[^>]*>(.*?)</summary\s*>", re.I | re.S)
_HN = re.compile(r"<h([1-6])\b", re.I)
_BULLET_PREFIX = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
# A setting written as code: "activation ='sigmoid'", "loss='binary_crossentropy'"
_SETTING = re.compile(r"^[A-Za-z_][\w.]*\s*=\s*\S")
# a line of code that opens a function or class, and its name
CODE_SCOPE = re.compile(r"^(?:async\s+)?(?:def|class)\s+(\w+)")
_CODE_COMMENT = re.compile(r"^(?:#|//)\s*(?!!)(.*\S)")
_CODEISH = re.compile(r"[{};]|^\s*(?:import|from|def|class|return|print)\b|^\s*#|=\s*\S+\(")
_MARKUP_ONLY = re.compile(r"^[\W_]*$")
_UNDERSCORE_EMPHASIS = re.compile(r"(?<![\w])_(\S(?:.*?\S)?)_(?![\w])")
# A line broken inside a word ("…싶었습" / "니다."): short pieces join the line before.
_CONTINUATION_MAX = 4
_HANGUL = re.compile(r"[가-힣]")
# A line that stops mid-sentence: after a comma, or a particle or ending that needs more
_BROKEN = re.compile(r"(?:,|[가-힣](?:은|는|을|를|에서|으로|에게|이나|이며|하고|하며))\s*$")
# A line of the same paragraph that goes on from the one before ("심층 신경망과 계산 방법이
# 동일" / "즉, (은닉층 -> 출력층 가중치 * 현재 은닉층)에 소프트맥스 함수를 적용"): it
# says nothing alone, so it joins that line.
_GOES_ON = re.compile(
    r"^(?:즉|따라서|그래서|그러므로|그러나|하지만|또한|결국|다만|단,|이때|이 때|여기서|"
    r"이를|이것|이는|이 경우|이렇게|이러한|그 결과|[이그]럴\s?(?:때|경우)[는에]?)(?=[\s,])"
    # "이 부품들을 …": the things the line before named, in a sentence of its own ("이 전까지의
    # 과정" is 이전, and "이 밖에도 …" says something of its own)
    r"|^(?=[이그]\s(?![전후](?:까지|부터|에서|에|으로|로)?[의는도]?\s|밖에|외에)[가-힣]{1,6}?"
    r"(?:들)?(?:을|를|이|가|은|는|의|에|에서|으로|로|와|과|도)[\s,])"
)
# Where a line that goes on starts a sentence of its own
_SENTENCE_DONE = re.compile(r"[.!?…。]\s*$")


def _go_on(before: str, text: str) -> str:
    """`text` after the line it goes on from; a sentence that opens with what that line named
    ("이 방법은 …") after a full stop, where that line ends none."""
    points_back = (match := _GOES_ON.match(text)) is not None and not match.group()
    if points_back and not (_SENTENCE_DONE.search(before) or _BROKEN.search(before)):
        return f"{before}. {text}"
    return f"{before} {text}"


# "여기서 특징이라는 것은 …을 의미한다": a definition that says "here" of its parent; the
# term it defines names its subject, so it stands without the word
_HERE_DEFINES = re.compile(
    r"^(?:여기서|이때)\s+(?=(?:[^\s,]+\s)?[^\s,]+(?:이라는 것은|라는 것은|이란|란|은|는)\s)"
)
# a spelling in Latin letters in parentheses ("(CNN | Convolutional Neural Network)")
_PARENTHESES = re.compile(r"\s*\([^)가-힣]*\)")
_HEADER_CELL_MAX = 12
_TABLE_TITLE_MAX = 30
_POINT_MAX = 40
# How far above a Markdown table its title may stand (an HTML line and a blank between)
_TABLE_TITLE_GAP = 4
_TABLE_NAME_WORDS = 4
# The longest "값: 뜻" line that a list of a term's values holds ("0: 출력 없음")
_SHORT_TERM = 40
# A bullet that makes a statement (ends like a sentence, or runs long), not a mere label.
_STATEMENT = re.compile(r"(?:[다음함됨임요]\.?|[.!])\s*$|^.{40,}$")
_HEADING_STATEMENT_MIN = 12
# a sentence that ends inside a heading ("활성화 함수: 핵심 기능을 … 의미한다. 쓸모있는 것만")
_SENTENCE_WITHIN = re.compile(r"[다함됨임]\.\s+\S")
# "-----RNN-----", "==== 전처리 ====": a title between rules, as plain-text notes write a
# heading; it heads what follows, under the current heading, until the next heading or
# title
_RULED_TITLE = re.compile(r"^[-=~]{3,}\s*([^-=~\s][^\n]{0,40}?)\s*[-=~]{3,}$")
_RULED_LEVEL = 6
# "스팸 분류 --> 로지스틱 회귀": one thing said to be another
_ARROW = re.compile(r"\S\s*(?:-->|->|→|=>)\s*\S")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9-]{1,}\b")


# What entries of a thing are called ("파라미터", "인자 값"): a title that is only that says
# what kind of lines follow, not whose ("파라미터", "주요 인자"); one that ends so titles
# entries ("합성곱 레이어 파라미터")
_ENTRY_NAMES = r"(?:하이퍼)?(?:파라미터|인자|옵션|매개\s?변수|속성|메서드)(?:\s?값)?$"
_ENTRIES_TITLE = re.compile(rf"^(?:주요\s?|기본\s?)?{_ENTRY_NAMES}")
_OF_ENTRIES = re.compile(_ENTRY_NAMES)


@dataclass(frozen=True)
class UnitDraft:
    labels: tuple[str, ...]
    """Heading path, then the texts of the parent bullets (outermost first)."""
    text: str
    kind: str
    """"item" (a bullet or a line), "term" (a "용어 - 설명" line: `term` holds the term),
    "row" (a table row read with its header), "label" (a bullet with children), "code" (a
    line of code, with its indentation in the block; its labels end with the function or
    class it stands in and the comment above it, if any), "formula" (a line of display
    math as it reads, `readable_math`: the formula, or a row that says what a symbol in it
    stands for)."""
    line: int
    """1-based line in the source file."""
    heading_depth: int
    """How many of `labels` are headings (the rest are parent bullets)."""
    term: str = ""
    ask: str = ""
    """The kind of question the nearest question-label ancestor asks ("when", "why", …)."""

    @property
    def context(self) -> str:
        """The innermost label that names something (not a question such as "왜 사용할까?";
        a question that names its subject, "mnist란?", names it: "mnist")."""
        labels = self.labels
        for i in range(len(labels) - 1, -1, -1):
            if not is_question_label(labels[i]):
                return labels[i]
            named = _ASKS_WHAT.match(labels[i].strip())
            if named:
                # the label above says more when it lists the name ("MLP, 역전파 알고리즘"
                # > "역전파 알고리즘 이란?")
                above = labels[i - 1] if i > 0 else ""
                name = named.group("name")
                listed = any(name_key(part) == name_key(name) for part in re.split(r"[,/]", above))
                return above if listed else name
        return ""


def name_key(text: str) -> str:
    """A name without spaces, markup or punctuation, case-folded: how names are compared."""
    return re.sub(r"[\s`*_()\[\],.:-]+", "", text).casefold()


# "Bayesian Optimization(베이지안 최적화)", "에이전트(agent)": a name spelled out in the other
# script in parentheses right after it
_SPELLED_OUT = re.compile(r"\(\s*([^()]{2,30}?)\s*\)")
_LATIN = re.compile(r"[A-Za-z]")
_NAME_WORDS = 4


def spelled_out(units: list[UnitDraft]) -> dict[str, str]:
    """Names a file spells out in the other script, by the key of the name that labels
    units: "Bayesian Optimization" → "베이지안 최적화" where the file writes "Bayesian
    Optimization(베이지안 최적화)은 …" and labels lines "Bayesian Optimization", and the
    spelling back to the name. Only a name that labels or terms some unit of the file,
    whole (no word of its script right before it), one of the two written in Latin
    letters and the other in Hangul."""
    names = {name_key(n) for n in {n for u in units for n in (u.term, *u.labels)} if n}
    out: dict[str, str] = {}
    for unit in units:
        text = clean(unit.text)
        for match in _SPELLED_OUT.finditer(text):
            other = match.group(1).strip()
            other_scripts = _scripts(other)
            if len(other_scripts) != 1:
                continue
            words = re.sub(r"[`*_]", "", text[: match.start()]).split()
            for n in range(min(_NAME_WORDS, len(words)), 0, -1):
                name = " ".join(words[-n:])
                scripts = _scripts(name)
                if len(scripts) != 1 or scripts == other_scripts:
                    continue
                before = _scripts(words[-n - 1]) if n < len(words) else set()
                # the whole name: "Pooling layer(…)" is no spelling of "layer"
                if not before & scripts and name_key(name) in names:
                    out.setdefault(name_key(name), other)
                    out.setdefault(name_key(other), name)
                    break
    return out


def _scripts(text: str) -> set[str]:
    found = set()
    if _LATIN.search(text):
        found.add("latin")
    if _HANGUL.search(text):
        found.add("hangul")
    return found


def _restates(label: str, heading: str) -> bool:
    """Whether a bullet label names the section's own topic (`밀도 기반 군집 분석 (DBSCAN)`
    under the heading 밀도 기반 군집 분석 (DBSCAN)): its children define the topic."""
    a, b = name_key(label), name_key(heading)
    if a and b and (a in b or b in a):
        return True
    acronyms = set(_ACRONYM.findall(label)) & set(_ACRONYM.findall(heading))
    return bool(acronyms)


@lru_cache(maxsize=4096)  # the units of a section share their labels
def _ask_for(labels: tuple[str, ...], heading_depth: int) -> str:
    """What the labels above a unit ask: the nearest question label ("언제 사용하면
    좋을까?" → when), else a label that names a kind ("밀도 기반 군집 절차" → how), else
    "definition" when the parent bullet restates the section's topic."""
    for label in reversed(labels):
        if is_question_label(label):
            return ask_of(label)
    for label in reversed(labels[-2:]):
        kind = ask_of(label)
        if kind in ("how", "list", "example", "pros") or (
            # a title that ends by naming the reason ("CNN을 쓰는 이유")
            kind == "why" and _ASKING_TITLE.search(label)
        ):
            return kind
    if len(labels) > heading_depth >= 1 and _restates(labels[-1], labels[heading_depth - 1]):
        return "definition"
    return ""


# An object and the verb it goes with, joined to what follows ("크기를 줄이고 …"): a clause
_CLAUSE = re.compile(r"[을를]\s\S+고\s")
# a Korean sentence that ends inside what would be the term
_SENTENCE_END = re.compile(r"[가-힣][.!?]\s")


def _term_split(text: str) -> tuple[str, str] | None:
    """("RAG", "LLM과 검색 엔진을 결합하여 …") from "RAG - LLM과 검색 엔진을 결합하여 …"."""
    m = _TERM_LINE.match(text)
    if m is None or _CODEISH.search(m.group("term")) or len(m.group("desc").strip()) < 2:
        return None
    term = m.group("term").strip()
    if len(term) == 1 and term.isalpha() and m.group("mark").strip() in "-–":
        # "K - 최근접 이웃 (K-Nearest Neighbor)": a letter before a spaced hyphen is part
        # of the name, not a term of its own
        return None
    if _SENTENCE_END.search(term):
        # a sentence, then a remark: "머신러닝에서 파일은 학습된 모델이다. 예: .xml, .chkt"
        return None
    if _CLAUSE.search(term):
        # a clause, not a name: "크기를 줄이고 불변성 확보 (압축 및 저장) - 영속성이 …"
        return None
    if "→" in m.group("mark") and "→" in m.group("desc"):
        # a chain of steps ("문서 불러오기 → 청크 분할 → 청크 임베딩 → …"), not a term and
        # what it stands for
        return None
    if _unbalanced(term) or "\\" in term:
        # the mark sits inside a quote, a bracket or a formula ('구성은 "합성곱 → 활성화"',
        # "w \leftarrow w - \eta …")
        return None
    return term, m.group("desc").strip()


def _unbalanced(text: str) -> bool:
    """An open quote or bracket that `text` does not close."""
    return (
        text.count('"') % 2 == 1
        or text.count("(") > text.count(")")
        or text.count("[") > text.count("]")
        or text.count("“") > text.count("”")
    )


# A name as a bullet of its own writes it: one word of letters, digits and joiners
_NAME_TITLE = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*")


def _is_title(text: str) -> bool:
    return len(text) <= _TABLE_TITLE_MAX and not _STATEMENT.search(text) and not _term_split(text)


def _is_short_point(text: str) -> bool:
    """A short line that states a point without ending a sentence ("효율적으로 좋은
    하이퍼파라미터를 찾음"), not a term line or a label."""
    return (
        len(text) <= _POINT_MAX
        and not text.endswith((":", ".", "?", "!"))
        and not _term_split(text)
        and bool(_HANGUL.search(text))
    )


def _mostly_terms(pieces: list[tuple[int, str]]) -> bool:
    """Two or more lines, the first and two in three of them "용어: 설명" lines."""
    split = [_term_split(text) is not None for _, text in pieces]
    return len(pieces) >= 2 and split[0] and 3 * sum(split) >= 2 * len(split)


def _short_terms(node: _Node) -> bool:
    """A list whose every item opens with one short "값: 뜻" line ("0: 출력 없음")."""
    texts = [
        clean(_inline_text(item.children[0]).split("\n")[0])
        for item in node.children
        if len(item.children) == 1 and item.children[0].type == "paragraph"
    ]
    return len(texts) == len(node.children) >= 2 and all(
        len(t) <= _SHORT_TERM and _term_split(t) for t in texts
    )


def _short_points(node: _Node) -> bool:
    """A list of one to three items, each one short point of one line."""
    texts = [
        _inline_text(item.children[0])
        for item in node.children
        if len(item.children) == 1 and item.children[0].type == "paragraph"
    ]
    return 1 <= len(texts) == len(node.children) <= 3 and all(
        "\n" not in t and _is_short_point(clean(t)) for t in texts
    )


def clean(text: str) -> str:
    """`clean_inline` plus the `_emphasis_` that notes also use."""
    text = clean_inline(text)
    return _UNDERSCORE_EMPHASIS.sub(r"\1", text) if "_" in text else text


def ask_of(text: str) -> str:
    """The kind of question `text` asks, or "" (first matching kind wins); a word for
    steps typed with one initial consonant off ("분석 철차") still asks how."""
    for kind, pattern in ASK_PATTERNS:
        if pattern.search(text):
            return kind
    if any(mistyped_step_word(word) for word in text.split()):
        return "how"
    return ""


# The two-syllable words for a procedure (answering adds 흐름, 프로세스), and the initial
# consonants typed one for another: plain, aspirated and tense of one sound (ㅈ ㅊ ㅉ,
# ㄱ ㅋ ㄲ, …), not two sounds ("문서" is no 순서)
STEP_WORDS = frozenset({"과정", "절차", "단계", "순서"})
_TYPED_ALIKE = [
    frozenset(unicodedata.normalize("NFD", f"{c}아")[0] for c in group)
    for group in ("자차짜", "가카까", "다타따", "바파빠", "사싸")
]


def mistyped_step_word(word: str) -> bool:
    """Whether `word` is a word for a procedure as notes typed it with one initial
    consonant off ("철차" for 절차: ㅊ for ㅈ)."""
    if len(word) != 2 or word in STEP_WORDS or not ("가" <= word[0] <= "힣"):
        return False
    typed = unicodedata.normalize("NFD", word)
    for known in STEP_WORDS:
        spelled = unicodedata.normalize("NFD", known)
        if len(typed) != len(spelled):
            continue
        off = [(a, b) for a, b in zip(typed, spelled, strict=True) if a != b]
        if len(off) == 1 and any(set(off[0]) <= alike for alike in _TYPED_ALIKE):
            return True
    return False


def is_question_label(text: str) -> bool:
    return bool(_QUESTION_LABEL.search(text.strip()))


def _isolate_details(text: str) -> tuple[str, list[int]]:
    """Put every `<details>`, `</details>` and `<summary>…</summary>` on a line of its own,
    between blank lines. Returns the new text and, per new line, its original line."""
    out: list[str] = []
    origin: list[int] = []
    for no, line in enumerate(text.split("\n"), start=1):
        parts = [p for p in _DETAILS_TAG.split(line)]
        if len(parts) == 1:
            out.append(line)
            origin.append(no)
            continue
        for part in parts:
            if not part.strip():
                continue
            if _DETAILS_TAG.fullmatch(part.strip()):
                out.extend(["", part.strip(), ""])
                origin.extend([no, no, no])
            else:
                out.append(part)
                origin.append(no)
    return "\n".join(out), origin


class _Builder:
    def __init__(self, source: list[str], origin: list[int]) -> None:
        self.source = source
        self.origin = origin
        self.units: list[UnitDraft] = []
        self.headings: list[tuple[int, str]] = []
        # how many units stood before each open heading (kept as long as `headings`)
        self.opened: list[int] = []
        self.floors: list[int] = []

    def line_of(self, node: _Node) -> int:
        start = node.map[0] if node.map else 0
        return self.origin[min(start, len(self.origin) - 1)] if self.origin else 1

    # ------------------------------------------------------------------ headings
    def open_heading(self, level: int, title: str) -> bool:
        """Enter a heading; whether it has a title (and so is the innermost heading)."""
        floor = self.floors[-1] if self.floors else 0
        while len(self.headings) > floor and self.headings[-1][0] >= level:
            self.headings.pop()
        title = clean(title).replace("\n", " ").strip()
        if title:
            del self.opened[len(self.headings) :]
            self.headings.append((level, title))
            self.opened.append(len(self.units))
        return bool(title)

    def topic_gap(self, before: _Node, node: _Node) -> bool:
        """Whether `node` stands `TOPIC_GAP` or more blank lines below `before`, the end
        of what a heading already holds (not the heading itself, which may stand apart
        from its first lines)."""
        if before.type == "heading" or node.type == "heading" or not node.map:
            return False
        above = self.source[max(0, self.line_of(node) - 1 - TOPIC_GAP) : self.line_of(node) - 1]
        return len(above) == TOPIC_GAP and not any(line.strip() for line in above)

    def close_heading(self) -> None:
        """End the innermost heading's section (not one a `<details>` holds open), and
        those of the headings around it that hold lines of their own: a gap ends a topic
        ("#### 코퍼스: …" over its line, then "##### 허깅 페이스"), not a heading that only
        gathers others."""
        floor = self.floors[-1] if self.floors else 0
        del self.opened[len(self.headings) :]
        while len(self.headings) > floor:
            self.headings.pop()
            depth = len(self.headings)
            if not depth or not any(
                u.heading_depth == depth for u in self.units[self.opened[depth - 1] :]
            ):
                return

    def html(self, content: str) -> None:
        for tag in _DETAILS_TAG.findall(content):
            low = tag.lower()
            if low.startswith("<details"):
                self.floors.append(len(self.headings))
            elif low.startswith("</details"):
                if self.floors:
                    del self.headings[self.floors.pop() :]
            else:
                inner = _SUMMARY.search(tag)
                if inner:
                    hn = _HN.search(inner.group(1))
                    level = (
                        int(hn.group(1))
                        if hn
                        else (self.headings[-1][0] + 1 if self.headings else 2)
                    )
                    self.open_heading(level, inner.group(1))

    def heading_statement(self, line: int, parents: tuple[str, ...]) -> None:
        """A heading that states something ("1 에포크는 배치를 전체 한번 도는 것을 의미함.",
        "결정 --> 소프트맥스 회귀(선택지가 많아졌을 때 사용함)") is also a unit, the first of
        its own section; a heading that names a topic or asks a question is a label only."""
        title = self.headings[-1][1]
        if (
            len(title) < _HEADING_STATEMENT_MIN
            or is_question_label(title)
            or not _HANGUL.search(title)
            # "mnist 만들기....": trailing dots end no sentence
            or not (
                # (a long name spelled out in Latin letters is no statement: "합성곱 신경망
                # (CNN | Convolutional Neural Network)")
                _STATEMENT.search(_PARENTHESES.sub("", title).rstrip(".…"))
                or _ARROW.search(title)
                or _SENTENCE_WITHIN.search(title)
            )
        ):
            return
        self.add(title, line, parents)

    # --------------------------------------------------------------------- units
    def add(self, text: str, line: int, parents: tuple[str, ...], *, kind: str = "item") -> None:
        text = _HERE_DEFINES.sub("", text.strip())
        if not text or _MARKUP_ONLY.match(text):
            return
        labels = tuple(t for _, t in self.headings) + parents
        last = self.units[-1] if self.units else None
        if (
            kind == "item"
            and _GOES_ON.match(text)
            and last is not None
            and last.kind in ("item", "term")
            and last.labels == labels
            and last.line == line - 1
        ):
            # a bullet that goes on from the one right above it ("- 에이전트는 … 말한다." /
            # "- 즉, 스스로 판단하고 행동하는 ai시스템을 의미함."): one statement, as in a
            # paragraph
            self.units[-1] = replace(last, text=_go_on(last.text, text))
            return
        ask = _ask_for(labels, len(self.headings))
        term = ""
        if kind == "item":
            split = _term_split(text)
            if split:
                (term, text), kind = split, "term"
        self.units.append(
            UnitDraft(labels, text, kind, line, len(self.headings), term=term, ask=ask)
        )

    def lines(
        self, inline: str, line: int, parents: tuple[str, ...], *, bullet: bool = False
    ) -> None:
        """Paragraph text: each source line is a unit (notes put one statement a line);
        runs of tab-separated lines are a table pasted from a spreadsheet. `bullet`: the
        paragraph is a bullet's own text, whose first line may name what the rest say
        more of."""
        raw_lines = inline.split("\n")
        math = is_display_math(raw_lines)
        if any(math):
            # display math ("$$ … $$") is a formula and the rows that say what its symbols
            # stand for: units of their own, around the paragraph's prose on either side
            for is_math, span in groupby(range(len(raw_lines)), key=math.__getitem__):
                rows = list(span)
                if is_math:
                    for i in rows:
                        self.add(readable_math(raw_lines[i]), line + i, parents, kind="formula")
                else:
                    prose = "\n".join(raw_lines[i] for i in rows)
                    self.lines(prose, line + rows[0], parents, bullet=bullet and rows[0] == 0)
            return
        cells = [[c.strip() for c in x.split("\t") if c.strip()] for x in raw_lines]
        pieces: list[tuple[int, str]] = []
        offset = 0
        while offset < len(raw_lines):
            run = offset
            while run < len(raw_lines) and len(cells[run]) >= 2:
                run += 1
            if run - offset >= 2:
                # The line just before a pasted table is its title ("MaxPooling 인자 값"),
                # also when a blank line stands between them ("type of Scaler").
                title: tuple[int, str] | None = pieces.pop() if pieces else None
                if title is None and offset == 0:
                    title = self.title_before(line, parents)
                self.flush(pieces, parents)
                table_parents = parents
                if title is not None:
                    labels = tuple(t for _, t in self.headings) + parents
                    self.units.append(
                        UnitDraft(labels, title[1], "label", title[0], len(self.headings))
                    )
                    table_parents = (*parents, title[1])
                self.tsv(cells[offset:run], line + offset, table_parents)
                offset = run
                continue
            raw = _BULLET_PREFIX.sub("", raw_lines[offset])
            if not (_CODEISH.search(raw) and not _HANGUL.search(raw)):
                for cleaned in clean(raw).split("\n"):
                    if (
                        pieces
                        and len(cleaned) <= _CONTINUATION_MAX
                        and _HANGUL.match(cleaned)
                        and _HANGUL.match(pieces[-1][1][-1])
                    ):
                        pieces[-1] = (pieces[-1][0], pieces[-1][1] + cleaned)
                    elif pieces and (
                        _GOES_ON.match(cleaned)
                        # a sentence the notes broke after a comma or a particle ("…기법 중
                        # 하나로," / "GridSearchCV나 … 방법입니다."; "… 1D CNN 모델은" /
                        # "입력 데이터를 … 받습니다."), not a new "용어: 설명" line
                        or (_BROKEN.search(pieces[-1][1]) and cleaned and not _term_split(cleaned))
                    ):
                        pieces[-1] = (pieces[-1][0], _go_on(pieces[-1][1], cleaned))
                    elif cleaned:
                        pieces.append((line + offset, cleaned))
            offset += 1
        if (
            len(pieces) >= 3
            and _is_title(pieces[0][1])
            and _HANGUL.search(pieces[0][1])
            and all(_SETTING.match(text) for _, text in pieces[1:])
        ):
            # "이진분류" over "activation ='sigmoid'" / "loss='binary_crossentropy'": the
            # settings of the thing the first line names, one "term: settings" line
            (no, name), settings = pieces[0], [text for _, text in pieces[1:]]
            pieces.clear()
            self.add(f"{name}: {', '.join(settings)}", no, parents)
            return
        title = None
        if len(pieces) >= 2 and _is_title(pieces[0][1]) and _ASKING_TITLE.search(pieces[0][1]):
            # "astype('float32') 하는 이유" over the lines that give it: a title that names
            # what they answer
            title = pieces.pop(0)
        elif len(pieces) > 2 and _is_title(pieces[0][1]) and _mostly_terms(pieces[1:]):
            # "주요 파라미터" heading a paragraph of "estimator: …" lines: their title
            title = pieces.pop(0)
        elif pieces and pieces[0][0] == line and _mostly_terms(pieces):
            # the same with a blank line between
            title = self.title_before(line, parents, alone=False)
            if title is None:
                # or the run of "용어: 설명" lines goes on under the title of the lines just
                # above, after a blank line ("in_channel: …" / "out_channel: …")
                parents = self.run_goes_on(line, parents)
        elif (
            len(pieces) >= 2
            and pieces[0][0] == line
            and all(_is_short_point(text) for _, text in pieces)
        ):
            # "Bayesian Optimization" over "이전 탐색 결과를 … 선택" / "효율적으로 … 찾음":
            # a name on a line of its own over a run of short points names them
            title = self.title_before(line, parents)
        if title is not None:
            labels = tuple(t for _, t in self.headings) + parents
            self.units.append(UnitDraft(labels, title[1], "label", title[0], len(self.headings)))
            parents = (*parents, title[1])
        elif (
            bullet
            and len(pieces) >= 2
            and (named := _term_split(pieces[0][1]))
            # not a run of "용어: 설명" lines, each about its own term
            and 3 * sum(_term_split(text) is not None for _, text in pieces[1:])
            < 2 * (len(pieces) - 1)
        ):
            # "- 로지스틱 회귀 (분류 문제) - 회귀 분석 방법" and, on the bullet's next lines,
            # "극단적인 값에 영향 없음 -> …": those lines go on about the term, as the
            # children of such a bullet do
            self.add(pieces[0][1], pieces[0][0], parents)
            pieces.pop(0)
            parents = (*parents, named[0])
        self.flush(pieces, parents)

    def title_before(
        self, line: int, parents: tuple[str, ...], *, alone: bool = True, gap: int = 2
    ) -> tuple[int, str] | None:
        """The short line just above a table or a run of term lines (one blank line
        between), taken back from the units: it names them rather than saying something.
        `alone`: only a line that is a paragraph of its own (a table may follow any
        paragraph; "용어: 설명" lines follow their title)."""
        last = self.units[-1] if self.units else None
        labels = tuple(t for _, t in self.headings) + parents
        if (
            last is None
            or last.kind != "item"
            or last.labels != labels
            or line - last.line > gap
            or not _is_title(last.text)
            or (alone and len(self.units) > 1 and self.units[-2].line == last.line - 1)
        ):
            return None
        self.units.pop()
        owner = self.units[-1] if self.units else None
        if (
            _ENTRIES_TITLE.match(last.text)
            and owner is not None
            and owner.kind == "item"
            and owner.labels == labels
            and last.line - owner.line <= gap
            and _is_title(owner.text)
            and not (len(self.units) > 1 and self.units[-2].line == owner.line - 1)
        ):
            # "합성곱 레이어" alone, then "파라미터" alone over "in_channel: …" lines: the
            # entries are of the thing named above them
            self.units.pop()
            return owner.line, f"{owner.text} {last.text}"
        return last.line, last.text

    def run_goes_on(self, line: int, parents: tuple[str, ...], gap: int = 2) -> tuple[str, ...]:
        """`parents` with the title of the term lines just above (`gap` lines at most),
        where they stand under a title of entries of their own paragraph (a label
        unit)."""
        last = self.units[-1] if self.units else None
        labels = tuple(t for _, t in self.headings) + parents
        if (
            last is None
            or last.kind != "term"
            or line - last.line > gap
            or len(last.labels) != len(labels) + 1
            or last.labels[: len(labels)] != labels
            # (a title of entries: "합성곱 레이어 파라미터"; not "기존 방법" over two lines,
            # the settings after them another run)
            or not _OF_ENTRIES.search(last.labels[-1])
            or not any(
                u.kind == "label" and u.text == last.labels[-1] and u.labels == labels
                for u in self.units
            )
        ):
            return parents
        return (*parents, last.labels[-1])

    def flush(self, pieces: list[tuple[int, str]], parents: tuple[str, ...]) -> None:
        """The lines of a paragraph as units; a line ending in ":" with lines after it
        ("Fitting 5 folds …, totalling 25 fits:" / "총 25번의 훈련이 …") labels them."""
        under = parents
        for i, (no, text) in enumerate(pieces):
            if text.endswith(":") and i + 1 < len(pieces):
                label = text.rstrip(" :")
                labels = tuple(t for _, t in self.headings) + parents
                self.units.append(UnitDraft(labels, label, "label", no, len(self.headings)))
                under = (*parents, label)
                continue
            self.add(text, no, under)
        pieces.clear()

    def tsv(self, rows: list[list[str]], line: int, parents: tuple[str, ...]) -> None:
        """Tab-separated lines pasted from a spreadsheet: rows, with a header when the first
        line is one (short cells only)."""
        rows = [[clean(c).replace("\n", " ") for c in row] for row in rows]
        header: list[str] = []
        if all(len(c) <= _HEADER_CELL_MAX for c in rows[0]):
            header, rows = rows[0], rows[1:]
            line += 1
        for offset, cells in enumerate(rows):
            self.row(cells, header, line + offset, parents)

    def row(self, cells: list[str], header: list[str], line: int, parents: tuple[str, ...]) -> None:
        pairs = _cell_pairs(header, cells)
        if not pairs or not cells[0]:
            return
        self.add_row(pairs, line, parents, cells[0])

    def add_row(self, pairs: list[str], line: int, parents: tuple[str, ...], term: str) -> None:
        """A table row read with its header, of the kind its labels ask."""
        labels = tuple(t for _, t in self.headings) + parents
        depth = len(self.headings)
        ask = _ask_for(labels, depth)
        self.units.append(UnitDraft(labels, ", ".join(pairs), "row", line, depth, term, ask))

    def walk(self, node: _Node, parents: tuple[str, ...] = ()) -> None:
        children = node.children
        skip: _Node | None = None
        outer = parents
        before: _Node | None = None
        for child, after in zip(children, [*children[1:], None], strict=False):
            kind = child.type
            if child is skip:
                continue
            if not parents and before is not None and self.topic_gap(before, child):
                self.close_heading()
            before = child
            named = self.name_bullet(child, after)
            if named is not None:
                # "* GridSearchCV" alone, then "주요 파라미터" and its lines: a bullet that is
                # only a name, over what follows, titles it up to the next heading, rule
                # or list of its own
                line, name, rest = named
                if self.headings and self.headings[-1][0] == _RULED_LEVEL:
                    # a title of its own ends the one between rules above it
                    self.headings.pop()
                labels = tuple(t for _, t in self.headings) + outer
                self.units.append(UnitDraft(labels, name, "label", line, len(self.headings)))
                parents = (*outer, name)
                if rest:
                    self.lines(rest, line + 1, parents)
                continue
            if kind in ("heading", "hr", "bullet_list", "ordered_list"):
                parents = outer
            if (
                kind == "paragraph"
                and after is not None
                and self.labels_list(child, after, parents)
            ):
                skip = after
                continue
            if kind == "heading":
                if self.open_heading(int(child.tag[1]), _inline_text(child)):
                    self.heading_statement(self.line_of(child), parents)
            elif kind == "html_block":
                if _DETAILS_TAG.search(child.content):
                    self.html(child.content)
                else:
                    self.lines(child.content, self.line_of(child), parents)
            elif kind == "paragraph":
                text = _inline_text(child)
                first, _, rest = text.partition("\n")
                ruled = _RULED_TITLE.match(first.strip())
                if ruled:
                    parents = outer
                    self.open_heading(_RULED_LEVEL, ruled.group(1))
                    if rest.strip():
                        self.lines(rest, self.line_of(child) + 1, parents)
                else:
                    self.lines(text, self.line_of(child), parents)
            elif kind in ("bullet_list", "ordered_list"):
                for item in child.children:
                    self.item(item, parents)
            elif kind == "table":
                self.table(child, parents)
            elif kind == "blockquote":
                self.walk(child, parents)
            elif (
                kind == "code_block"
                and _HANGUL.search(child.content)
                and not _CODEISH.search(child.content)
            ):
                # Indented text that is not code (a bullet indented too deep): keep prose.
                self.lines(child.content, self.line_of(child), parents)
            elif kind in ("fence", "code_block"):
                self.code(child, parents)
            # rules: nothing to answer with

    def name_bullet(self, node: _Node, after: _Node | None) -> tuple[int, str, str] | None:
        """A list of one bullet that is only a name ("* GridSearchCV"; lines after it in
        the same paragraph, "주요 파라미터", come with it), with prose or a table after it:
        its line, the name, and the rest of its lines."""
        if (
            node.type != "bullet_list"
            or len(node.children) != 1
            or after is None
            or after.type not in ("paragraph", "table", "html_block")
        ):
            return None
        item = node.children[0]
        if len(item.children) != 1 or item.children[0].type != "paragraph":
            return None
        first, _, rest = _inline_text(item.children[0]).partition("\n")
        name = clean(first).strip()
        if not (_NAME_TITLE.fullmatch(name) and _is_title(name)):
            return None
        return self.line_of(item), name, rest

    def code(self, node: _Node, parents: tuple[str, ...]) -> None:
        """Each line of code is a `code` unit, labelled by the function or class it stands
        in and the comment above it ("def mosaic_all_uploads()" > "# 응답 반환"): only a
        question about the code answers with it. A comment labels the lines after it at
        its indentation or deeper, up to the next comment there."""
        start = (node.map[0] if node.map else 0) + (1 if node.type == "fence" else 0)
        outer = tuple(t for _, t in self.headings) + parents
        # (indentation, label, whether a function or class), outermost first
        scopes: list[tuple[int, str, bool]] = []
        for i, raw in enumerate(textwrap.dedent(node.content).split("\n")):
            text = raw.strip()
            if not text:
                continue
            indent = len(raw) - len(raw.lstrip())
            said = _CODE_COMMENT.match(text)
            # a comment takes the place of one at its indentation; a function keeps the
            # comment above it ("# 샘플 이미지 생성 엔드포인트" over its decorator and def)
            while scopes and (indent < scopes[-1][0] or (said and indent == scopes[-1][0])):
                closed = scopes.pop()
                if closed[2] and scopes and scopes[-1][0] == indent and not scopes[-1][2]:
                    scopes.pop()  # the comment over a function ends with it
            if said:
                scopes.append((indent, clean(said.group(1)).strip(), False))
                continue
            index = min(start + i, len(self.origin) - 1)
            line = self.origin[index] if self.origin else start + i + 1
            labels = outer + tuple(label for _, label, _ in scopes)
            # the line keeps its indentation within the block, so that quoted it reads
            # as code
            code = raw.rstrip().replace("\xa0", " ")
            self.units.append(UnitDraft(labels, code, "code", line, len(self.headings)))
            opened = CODE_SCOPE.match(text)
            if opened:
                # the lines of its body are deeper than it
                scopes.append((indent + 1, opened.group(1), True))

    def labels_list(self, paragraph: _Node, after: _Node, parents: tuple[str, ...]) -> bool:
        """A paragraph whose last line asks or announces ("mnist란?", "역전파:") with a
        list right after it: that line labels the list, as a parent bullet would. Returns
        whether it did (the list is then walked here)."""
        if after.type not in ("bullet_list", "ordered_list"):
            return False
        raw = _inline_text(paragraph).rstrip().split("\n")
        last = clean(_BULLET_PREFIX.sub("", raw[-1])).strip()
        split = _term_split(last) if last else None
        right_after = self.line_of(after) == self.line_of(paragraph) + len(raw)
        if split and (_short_terms(after) or (right_after and _short_points(after))):
            # "verbose: 로그 출력 레벨입니다." over "- 0: 출력 없음", "- 1: 최소 출력": the
            # values of the term the line describes; "독립변수(x): 독립변수는 여러개이다."
            # with "- 결과에 영향을 주는 변수" on the next line: what the term is
            self.lines("\n".join(raw), self.line_of(paragraph), parents)
            self.walk_children([after], (*parents, split[0]))
            return True
        # a name on a line of its own right above the list ("CNN" over "- -> 이미지를 …
        # 쪼개는 것을 말하는거다"): its title
        titled = len(raw) == 1 and right_after and _is_title(last) and len(last.split()) <= 3
        if (
            not last
            or not (is_question_label(last) or last.endswith(":") or titled)
            or len(last) > 40
        ):
            return False
        if len(raw) > 1:
            self.lines("\n".join(raw[:-1]), self.line_of(paragraph), parents)
        label = last.rstrip(" :")
        line = self.line_of(paragraph) + len(raw) - 1
        labels = tuple(t for _, t in self.headings) + parents
        self.units.append(UnitDraft(labels, label, "label", line, len(self.headings)))
        self.walk_children([after], (*parents, label))
        return True

    def item(self, item: _Node, parents: tuple[str, ...]) -> None:
        first = item.children[0] if item.children else None
        own = ""
        rest = item.children
        # (a heading inside a bullet, "- ###### 오답이 나왔을 때 …", is the bullet's own
        # line set large: it heads nothing past the bullet)
        if first is not None and first.type in ("paragraph", "heading"):
            own = _inline_text(first)
            rest = item.children[1:]
        own_lines = [clean(_BULLET_PREFIX.sub("", x)) for x in own.split("\n") if x.strip()]
        own_text = " ".join(x for x in own_lines if x)
        has_children = any(c.type in ("bullet_list", "ordered_list", "table") for c in rest)
        line = self.line_of(item)
        if has_children and own_text:
            # "얀 르쿤 (Yann LeCun) - 프랑스" with children: a statement in its own right,
            # and its children are read under the term it names.
            term = _term_split(own_text)
            if term:
                self.add(own_text, line, parents)
                self.walk_children(rest, (*parents, term[0]))
                return
            if _STATEMENT.search(own_text) and not is_question_label(own_text):
                # "ARIMA() 함수 호출하여 사용, … 파라미터는 다음과 같음" with children: says
                # something itself, and labels what follows.
                self.add(own_text, line, parents)
            else:
                labels = tuple(t for _, t in self.headings) + parents
                self.units.append(UnitDraft(labels, own_text, "label", line, len(self.headings)))
            self.walk_children(rest, (*parents, own_text))
        else:
            if own_text:
                self.lines(own, line, parents, bullet=True)
            self.walk_children(rest, parents)

    def walk_children(self, nodes: list[_Node], parents: tuple[str, ...]) -> None:
        self.walk(_Node("root", children=nodes), parents)

    def table(self, table: _Node, parents: tuple[str, ...]) -> None:
        rows = [
            (self.line_of(tr), [one_line(clean(_inline_text(td))) for td in tr.children])
            for section in table.children
            for tr in section.children
        ]
        if not rows:
            return
        # a short name just above the table names it, as above a pasted one: the bullet
        # "UserMixin" over its table of properties (an HTML line between)
        last = self.units[-1].text if self.units else ""
        title = (
            self.title_before(rows[0][0], parents, alone=False, gap=_TABLE_TITLE_GAP)
            if "," not in last and len(last.split()) <= _TABLE_NAME_WORDS
            else None
        )
        if title is not None:
            labels = tuple(t for _, t in self.headings) + parents
            self.units.append(UnitDraft(labels, title[1], "label", title[0], len(self.headings)))
            parents = (*parents, title[1])
        header = rows[0][1]
        if len(header) == 1:
            # a table of one column is a list under its header, read as one line in the
            # notes' order ("계층 구조: 🧠 RNN (기본 구조), ↳ 🧠 LSTM (장기 기억 강화), …")
            items = ", ".join(c[0] for _, c in rows[1:] if c and c[0])
            if items:
                self.add(f"{header[0]}: {items}" if header[0] else items, rows[0][0], parents)
            return
        for line, cells in rows[1:]:
            if not any(cells):
                continue
            pairs = _cell_pairs(header, cells)
            if not pairs:
                continue
            self.add_row(pairs, line, parents, cells[0])


def _cell_pairs(header: list[str], cells: list[str]) -> list[str]:
    """The cells after a row's first, each with its column's name ("설명: 노드와 노드 간 연결
    강도"); an empty cell, "-", or one that repeats the row's name ("| 가중치 (weight) |
    가중치 (weight) | … |" under "구분 | 구성 요소 | 설명") says nothing."""
    rest = cells[1:]
    return [
        f"{h}: {c}" if h else c
        for h, c in zip(header[1:] or [""] * len(rest), rest, strict=False)
        if c and c != "-" and c != cells[0]
    ]


class _Node:
    """One block of the parsed note: a token, or an opening and closing pair of tokens with
    the blocks between them as `children` (what markdown-it's `SyntaxTreeNode` gives, as
    far as units read it, without its links back to the parent: a note's tree is freed as
    soon as it is read, not left to the garbage collector)."""

    __slots__ = ("children", "content", "map", "tag", "type")

    def __init__(
        self,
        type: str,
        tag: str = "",
        map: list[int] | None = None,
        content: str = "",
        children: list[_Node] | None = None,
    ) -> None:
        self.type = type
        self.tag = tag
        self.map = map
        self.content = content
        self.children = [] if children is None else children


def _tree(tokens: list[Token]) -> _Node:
    root = _Node("root")
    stack = [root]
    for token in tokens:
        if token.nesting < 0:
            stack.pop()
            continue
        node = _Node(
            token.type.removesuffix("_open") if token.nesting else token.type,
            token.tag,
            token.map,
            token.content,
        )
        stack[-1].children.append(node)
        if token.nesting:
            stack.append(node)
    return root


def _inline_text(node: _Node) -> str:
    """The source text of a block's inline content (markup kept for `clean_inline`)."""
    for child in node.children:
        if child.type == "inline":
            return child.content
    return node.content


_MD = MarkdownIt("commonmark", {"html": True}).enable("table")
# Units read each block's inline source (`_inline_text`, cleaned by `clean`), never the
# parsed inline tokens: the inline pass (about half of the parse) is not run.
_MD.core.ruler.disable(["inline", "text_join"])


def parse_units(text: str) -> list[UnitDraft]:
    """All answer units of one notes file, in reading order."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    isolated, origin = _isolate_details(text)
    builder = _Builder(text.split("\n"), origin)
    builder.walk(_tree(_MD.parse(isolated)))
    return builder.units
