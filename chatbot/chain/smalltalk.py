"""Small talk replies: the assistant's own reply bank, and ChatbotData's answers.

Whether a message is small talk is decided elsewhere (`chatbot.routing`); this module
only picks the reply. The bank (`chatbot/data/smalltalk.json`) groups user phrasings by
intent with several replies each, written for this assistant. An optional `Q,A` CSV (the
format of the public Korean chatbot dataset, ChatbotData) adds everyday chatter: a
message takes the answers of its nearest CSV questions when they are clearly closer than
any bank phrasing. Messages are compared with the embedder's query side; CSV vectors are
cached in the data directory keyed by the embedder and the file's hash.

A greeting, thanks, a goodbye or a good-night (by their marker words: 안녕, 반갑,
고마워, 잘 자 …) always gets a reply of that bank intent: "반갑습니다, 오늘 처음 써봐요"
is a greeting whatever its nearest phrasing says. A compliment, a cheer, boredom, a laugh,
news of something finished, a bad day or tiredness picks its group by its words as well
(these say nothing about routing); a message far from every phrasing (`BANK_MIN`) gets
the neutral group rather than the wrong specific one; the CSV never answers what is said
to the assistant itself. Replies vary so the same one does not come twice in a row.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import random
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vector_store.analysis import normalize
from vector_store.embeddings import NamedEmbeddings

logger = logging.getLogger(__name__)
BANK_PATH = Path(__file__).resolve().parent.parent / "data" / "smalltalk.json"
CSV_INTENT = "chatbotdata"
# A CSV question must beat the best bank phrasing by this much: the bank's replies speak
# as this assistant, the CSV's are generic chatter.
BANK_MARGIN = 0.05
# CSV questions this close to the best one lend their answers too (variety).
CSV_NEIGHBOURS, CSV_SPREAD = 4, 0.03
# ... and be this close itself: nearer questions of the CSV are about other things
# ("오늘도 화이팅!" is nearest to "오늘 이별하러가!" at 0.73).
CSV_MIN = 0.8
# Marker words of reply-shaped intents, in order of precedence ("안녕히 주무세요" is a
# good-night, "안녕, 고마워" thanks).
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("night", re.compile(r"잘\s?자|굿\s?나잇|굿밤|주무세요|좋은\s?밤|자러\s?갈|잘게요")),
    (
        "goodbye",
        re.compile(
            r"안녕히|잘\s?가|잘\s?있어|다음에\s?(또|봐|봬)|이만|바이|\bbye\b|ㅂㅂ|또\s?올게"
            # "내일 또 물어볼게 안녕": 안녕 after what one will do next is a goodbye
            r"|[가-힣]게요?\s*안녕(?![가-힣])|(?:집에|먼저)\s?(?:갈게|가\s?볼게|들어갈게)"
        ),
    ),
    ("thanks", re.compile(r"고마|고맙|감사|땡큐|땡스|thank|ㄳ|ㄱㅅ", re.IGNORECASE)),
    (
        "greeting",
        re.compile(
            r"안녕|반갑|반가|처음\s?뵙|하이|hello|\bhi\b|ㅎㅇ|방가|오랜만|처음\s?(써|와|왔|들어)",
            re.IGNORECASE,
        ),
    ),
    (
        "daytime",
        re.compile(
            r"좋은\s?아침|굿\s?모닝|좋은\s?(오후|저녁)"
            # asking after the other's meal, sleep or days ("저녁 맛있게 먹었어?")
            r"|(?:먹었|잤|보냈|지냈|쉬었)(?:어|어요|니|냐|나요|습니까)?\s*[?？]*\s*$"
        ),
    ),
)


_SHAPED = frozenset(intent for intent, _ in _CUES)
# Marker words that pick a reply group but say nothing about routing: a compliment, a
# cheer, boredom, a laugh or filler, news of something finished. Without them the nearest
# phrasing decided, and a compliment ("와 너 진짜 똑똑하다") got an apology.
# Words that praise ("최고", "똑똑"): a reply cue anywhere, a sign of small talk at the end
_PRAISE_WORDS = "최고|짱|대박|천재|훌륭|멋지|멋있|똑똑|대단"
_REPLY_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("night", re.compile(r"잘게요?(?!\w)")),
    # "헐 대박", "와 대박이다": an exclamation on its own praises no one
    (
        "laughter_or_filler",
        re.compile(r"^(?:(?:헐|와|우와|오|아)\s*)*대박(?:이다|이네|이야)?[\s!~.ㅋㅎ]*$"),
    ),
    ("goodbye", re.compile(r"수고|(내일|또|담에)\s?(봐|봬|만나)")),
    (
        "praise",
        re.compile(rf"{_PRAISE_WORDS}|귀엽|귀여|깔끔|잘하(네|는구나|시네|세요)|잘한다|잘해\s?주"),
    ),
    ("congrats", re.compile(r"끝냈|끝났|마쳤|합격|붙었|땄어|땄다|해냈|통과했")),
    # a bad day, said as a feeling ("친구랑 싸워서 기분이 별로야", "스트레스 받아")
    (
        "comfort",
        re.compile(
            r"속상|울적|꿀꿀|짜증|스트레스|서운|외로|외롭|싸웠|싸워"
            r"|기분이?\s?(?:별로|안\s?좋|나빠|나쁘|최악|그래)"
        ),
    ),
    # tired, lost or worried ("나 요즘 좀 지친 것 같아", "멘탈이 탈탈 털렸어")
    (
        "encouragement",
        re.compile(
            r"지쳤|지친|지쳐|피곤|힘들|힘드|벅차|어려워|어렵다|졸려|졸리|기운이?\s?없"
            r"|멘붕|멘탈|망쳤|망친|망했|불안|걱정|긴장|떨려|우울|포기"
        ),
    ),
    ("cheer", re.compile(r"화이팅|파이팅|아자|힘내")),
    ("bored", re.compile(r"심심|지루|놀아\s?줘|재(?:미있|밌)는 (?:얘기|이야기)|농담")),
    (
        "laughter_or_filler",
        re.compile(r"ㅋㅋ|ㅎㅎ|하하|히히|웃기|웃겨|^(음+|흠+|으음|흐음)(?!\w)|잠깐만"),
    ),
)
# Below this similarity to its nearest phrasing a message with no marker word gets the
# neutral reply group: a wrong specific reply ("이번 학기 너무 길다" → "답변이 너무
# 길어"'s apology) reads worse than a plain acknowledgement.
BANK_MIN = 0.6
_ABOUT_ASSISTANT = frozenset({"identity", "capability", "praise", "apology_or_complaint"})
NEUTRAL_INTENT = "acknowledge"


@dataclass(frozen=True)
class SmallTalkMatch:
    intent: str  # the reply group: a bank intent ("greeting", "thanks" …) or "chatbotdata"
    score: float  # cosine similarity to `pattern`
    pattern: str  # the closest phrasing (bank) or question (CSV)
    replies: tuple[str, ...]
    nearest: str  # the intent of `pattern` ("chatbotdata" for a CSV question)


# "대박 설명 최고다", "너 진짜 똑똑하다": praise that ends the message
_PRAISE_END = re.compile(
    rf"(?:{_PRAISE_WORDS}|잘하|잘한)"
    r"(?:다|야|네|예요|에요|이다|이야|이네|하다|하네|하세요|해요|해)?[\s!~.ㅋㅎ♥❤]*$"
)


def praises(message: str) -> bool:
    """Whether the message ends in praise and asks nothing ("대박 설명 최고다"): small talk
    however the classifier reads the words before it."""
    text = normalize(message).strip()
    return "?" not in text and bool(_PRAISE_END.search(text))


def cue_intent(message: str) -> str | None:
    """The reply-shaped intent a message's marker words name, if any."""
    return _first_cue(normalize(message), _CUES)


def _first_cue(text: str, cues: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    return next((intent for intent, cue in cues if cue.search(text)), None)


class SmallTalkBank:
    def __init__(
        self,
        embeddings: NamedEmbeddings,
        *,
        extra_csv: Path | None = None,
        cache_dir: Path | None = None,
        bank_path: Path = BANK_PATH,
        seed: int | None = None,
    ) -> None:
        entries = json.loads(bank_path.read_text(encoding="utf-8"))
        self._patterns: list[str] = []
        self._intents: list[str] = []
        self._replies: dict[str, tuple[str, ...]] = {}
        for entry in entries:
            self._replies[entry["intent"]] = tuple(entry["replies"])
            for pattern in entry["patterns"]:
                self._patterns.append(pattern)
                self._intents.append(entry["intent"])
        self._vectors = embeddings.embed_query_array(self._patterns)
        self._csv_questions: list[str] = []
        self._csv_answers: list[str] = []
        self._csv_vectors = np.zeros((0, self._vectors.shape[1]), dtype=np.float32)
        if extra_csv is not None:
            self._csv_questions, self._csv_answers, self._csv_vectors = _load_csv(
                extra_csv, embeddings, cache_dir
            )
        self._embeddings = embeddings
        self._rng = random.Random(seed)

    @property
    def intents(self) -> list[str]:
        """The bank's intents, in file order."""
        return list(self._replies)

    def match(self, message: str, vector: np.ndarray | None = None) -> SmallTalkMatch:
        """The reply group for `message`; `vector` is its query-side embedding by the
        bank's embedder (computed when not given)."""
        if vector is None:
            vector = self._embeddings.embed_query_array([message])[0]
        sims = self._vectors @ np.asarray(vector, dtype=np.float32)
        text = normalize(message)
        cue = _first_cue(text, _CUES)
        if cue is not None:
            rows = [i for i, intent in enumerate(self._intents) if intent == cue]
            best = max(rows, key=lambda i: sims[i])
            return SmallTalkMatch(
                cue, float(sims[best]), self._patterns[best], self._replies[cue], cue
            )
        # Without its marker words a message gets no greeting-, thanks-, goodbye- or
        # night-shaped reply ("내일 발표 떨려" is no good-night): those intents are out.
        shaped = np.array([intent in _SHAPED for intent in self._intents])
        best = int(np.argmax(sims if shaped.all() else np.where(shaped, -np.inf, sims)))
        nearest, score, pattern = self._intents[best], float(sims[best]), self._patterns[best]
        csv_answers: tuple[str, ...] = ()
        if len(self._csv_questions):
            csv_sims = self._csv_vectors @ vector
            order = np.argsort(-csv_sims)[: CSV_NEIGHBOURS * 4]
            top = float(csv_sims[order[0]])
            if top >= score + BANK_MARGIN:
                nearest, score, pattern = CSV_INTENT, top, self._csv_questions[order[0]]
                answers = [self._csv_answers[i] for i in order if csv_sims[i] >= top - CSV_SPREAD]
                csv_answers = tuple(dict.fromkeys(answers))[:CSV_NEIGHBOURS]
        cued = _first_cue(text, _REPLY_CUES)
        if cued is not None and cued in self._replies:
            group = cued
        elif sims[best] < BANK_MIN:
            if csv_answers and score >= CSV_MIN:
                return SmallTalkMatch(CSV_INTENT, score, pattern, csv_answers, nearest)
            group = NEUTRAL_INTENT if NEUTRAL_INTENT in self._replies else self._intents[best]
        elif csv_answers and score >= CSV_MIN and self._intents[best] not in _ABOUT_ASSISTANT:
            # What is said to or about the assistant gets its own words, not the CSV's
            # ("너 누가 만들었어?", "답이 좀 엉뚱하다").
            return SmallTalkMatch(CSV_INTENT, score, pattern, csv_answers, nearest)
        else:
            group = self._intents[best]
        return SmallTalkMatch(group, score, pattern, self._replies[group], nearest)

    def reply(self, match: SmallTalkMatch, avoid: set[str] | None = None) -> str:
        """One of the match's replies, not one of `avoid` (recent answers) when possible."""
        options = [r for r in match.replies if r not in (avoid or set())] or list(match.replies)
        return self._rng.choice(options)


def _load_csv(
    path: Path, embeddings: NamedEmbeddings, cache_dir: Path | None
) -> tuple[list[str], list[str], np.ndarray]:
    raw = path.read_bytes()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = [(r["Q"].strip(), r["A"].strip()) for r in csv.DictReader(fh) if r.get("Q")]
    questions = [q for q, _ in rows]
    answers = [a for _, a in rows]
    # Keyed by the file and the embedder (always the query side).
    key = hashlib.sha256(raw + embeddings.model_id.encode()).hexdigest()[:16]
    cache = cache_dir / f"smalltalk-{key}.npy" if cache_dir else None
    if cache is not None and cache.exists():
        vectors = np.asarray(np.load(cache))
    else:
        logger.info("embedding small-talk csv=%s rows=%d (cached afterwards)", path, len(rows))
        vectors = embeddings.embed_query_array(questions)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.save(cache, vectors)
    return questions, answers, vectors
