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
is a greeting whatever its nearest phrasing says. Replies vary so the same one does not
come twice in a row.
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
# Marker words of reply-shaped intents, in order of precedence ("안녕히 주무세요" is a
# good-night, "안녕, 고마워" thanks).
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("night", re.compile(r"잘\s?자|굿\s?나잇|굿밤|주무세요|좋은\s?밤|자러\s?갈|잘게요")),
    (
        "goodbye",
        re.compile(
            r"안녕히|잘\s?가|잘\s?있어|다음에\s?(또|봐|봬)|이만|바이|\bbye\b|ㅂㅂ|또\s?올게"
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
    ("daytime", re.compile(r"좋은\s?아침|굿\s?모닝|좋은\s?(오후|저녁)")),
)


_SHAPED = frozenset(intent for intent, _ in _CUES)


@dataclass(frozen=True)
class SmallTalkMatch:
    intent: str  # a bank intent ("greeting", "thanks" …) or "chatbotdata"
    score: float  # cosine similarity to `pattern`
    pattern: str  # the closest phrasing (bank) or question (CSV)
    replies: tuple[str, ...]


def cue_intent(message: str) -> str | None:
    """The reply-shaped intent a message's marker words name, if any."""
    text = normalize(message)
    return next((intent for intent, cue in _CUES if cue.search(text)), None)


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
        cue = cue_intent(message)
        if cue is not None:
            rows = [i for i, intent in enumerate(self._intents) if intent == cue]
            best = max(rows, key=lambda i: sims[i])
            return SmallTalkMatch(cue, float(sims[best]), self._patterns[best], self._replies[cue])
        # Without its marker words a message gets no greeting-, thanks-, goodbye- or
        # night-shaped reply ("내일 발표 떨려" is no good-night): those intents are out.
        shaped = np.array([intent in _SHAPED for intent in self._intents])
        best = int(np.argmax(sims if shaped.all() else np.where(shaped, -np.inf, sims)))
        bank = SmallTalkMatch(
            self._intents[best],
            float(sims[best]),
            self._patterns[best],
            self._replies[self._intents[best]],
        )
        if not len(self._csv_questions):
            return bank
        csv_sims = self._csv_vectors @ vector
        order = np.argsort(-csv_sims)[: CSV_NEIGHBOURS * 4]
        top = float(csv_sims[order[0]])
        if top < bank.score + BANK_MARGIN:
            return bank
        answers = [self._csv_answers[i] for i in order if csv_sims[i] >= top - CSV_SPREAD]
        return SmallTalkMatch(
            CSV_INTENT,
            top,
            self._csv_questions[order[0]],
            tuple(dict.fromkeys(answers))[:CSV_NEIGHBOURS],
        )

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
