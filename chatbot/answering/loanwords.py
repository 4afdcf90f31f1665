"""English names typed in Hangul: "그리드서치CV" is GridSearchCV, "할빙랜덤서치" is
HalvingRandomSearchCV, "리니어 커널" is a linear kernel.

Students write an English name the way it sounds, in one word, often with the Latin tail
the name ends in ("CV"). Kiwi keeps such a word whole and the index never saw it, so the
question is declined for a name the notes hold. A word the index does not know is read
as the English words its syllables spell, piece by piece (`PIECES`), and where that
spelling is one of the index's Latin names (or opens it, a few letters short: "gridsearch"
of "gridsearchcv"), the question is read with that name. No library reads Korean
loanwords back into English (romanizers spell the sound: "geuridseochi"), so the pieces
are listed here: the words of machine learning and programming that course notes name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from vector_store.store import PARTICLE_AT_END

# How each piece is typed in Hangul (several spellings each), and the English word it is
PIECES: dict[str, str] = {
    "그리드": "grid",
    "서치": "search",
    "써치": "search",
    "랜덤": "random",
    "랜덤라이즈드": "randomized",
    "할빙": "halving",
    "리니어": "linear",
    "베이지안": "bayesian",
    "베이즈": "bayes",
    "옵티마이제이션": "optimization",
    "옵티마이저": "optimizer",
    "크로스": "cross",
    "밸리데이션": "validation",
    "발리데이션": "validation",
    "스탠다드": "standard",
    "스탠더드": "standard",
    "스케일러": "scaler",
    "민맥스": "minmax",
    "맥스": "max",
    "로버스트": "robust",
    "시퀀셜": "sequential",
    "덴스": "dense",
    "컨브": "conv",
    "콘브": "conv",
    "플래튼": "flatten",
    "플래톤": "flatten",
    "풀링": "pooling",
    "맥스풀링": "maxpooling",
    "드롭아웃": "dropout",
    "드랍아웃": "dropout",
    "배치": "batch",
    "노멀라이제이션": "normalization",
    "노말라이제이션": "normalization",
    "이미지": "image",
    "데이터": "data",
    "제너레이터": "generator",
    "클래시파이어": "classifier",
    "리그레서": "regressor",
    "리그레션": "regression",
    "포레스트": "forest",
    "로지스틱": "logistic",
    "트리": "tree",
    "디시전": "decision",
    "서포트": "support",
    "벡터": "vector",
    "머신": "machine",
    "파이프라인": "pipeline",
    "트랜스폼": "transform",
    "트랜스포머": "transformer",
    "토크나이저": "tokenizer",
    "임베딩": "embedding",
    "어텐션": "attention",
    "인코더": "encoder",
    "디코더": "decoder",
    "레이어": "layer",
    "모델": "model",
    "러닝": "learning",
    "딥": "deep",
    "뉴럴": "neural",
    "네트워크": "network",
    "텐서": "tensor",
    "플로우": "flow",
    "플로": "flow",
    "케라스": "keras",
    "파이토치": "pytorch",
    "토치": "torch",
    "서머리": "summary",
    "써머리": "summary",
    "데이터셋": "dataset",
    "데이터로더": "dataloader",
    "로더": "loader",
    "디렉토리": "directory",
    "디렉터리": "directory",
    "스플릿": "split",
    "트레인": "train",
    "테스트": "test",
    "컴파일": "compile",
    "피트": "fit",
    "프레딕트": "predict",
    "에폭": "epoch",
    "에포크": "epoch",
    "콜백": "callback",
    "얼리": "early",
    "스토핑": "stopping",
    "체크포인트": "checkpoint",
    "리퀘스트": "request",
    "리스폰스": "response",
    "라우터": "router",
    "미들웨어": "middleware",
    "업로드": "upload",
    "파일": "file",
    "그래디언트": "gradient",
    "부스팅": "boosting",
    "케이": "k",
    "민즈": "means",
    "엘에스티엠": "lstm",
    "지알유": "gru",
    "알엔엔": "rnn",
    "씨엔엔": "cnn",
}

# A Hangul word and the Latin letters typed onto its end ("그리드서치CV")
_WORD = re.compile(
    r"(?<![가-힣A-Za-z0-9_])([가-힣]{2,})(?![가-힣])([A-Za-z0-9]{0,4})(?![A-Za-z0-9_])"
)
# Longer than this, a word is no name ("read_in_latin" tries every split)
_WORD_MAX = 30
_LONGEST = max(len(piece) for piece in PIECES)


@lru_cache(maxsize=4096)
def read_in_latin(word: str) -> str | None:
    """The English `word` spells, its pieces run together ("그리드서치" → "gridsearch"), or
    None where its syllables are not all pieces. Of several readings, the one of the fewest
    pieces ("맥스풀링" as maxpooling, not max + pooling: the same letters either way)."""
    if len(word) > _WORD_MAX:
        return None
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - _LONGEST), end):
            head, piece = best[start], PIECES.get(word[start:end])
            if head is not None and piece is not None:
                reading = [*head, piece]
                current = best[end]
                if current is None or len(reading) < len(current):
                    best[end] = reading
    whole = best[len(word)]
    return "".join(whole) if whole else None


def respelled(
    message: str, latin_name: Callable[[str], str | None], known: Callable[[str], bool]
) -> str:
    """`message` with each Hangul word the notes do not know (`known`) written as the Latin
    name of the index it spells (`latin_name`, given the spelling casefolded), the
    particle typed onto it (`PARTICLE_AT_END`: "그리드서치는") kept; a word that spells
    no name stays as typed."""

    def name_for(match: re.Match[str]) -> str:
        hangul, tail = match.group(1), match.group(2)
        particle = ""
        if not tail:
            found = PARTICLE_AT_END.search(hangul)
            if found is not None and len(hangul) - len(found.group()) >= 2:
                particle = found.group()
                hangul = hangul[: -len(particle)]
        spelled = read_in_latin(hangul)
        # (the spelling first: it is cheap, and few words have one)
        if spelled is None or known(hangul):
            return match.group()
        name = latin_name(spelled + tail.casefold())
        return match.group() if name is None else f"{name}{particle}"

    return _WORD.sub(name_for, message)
