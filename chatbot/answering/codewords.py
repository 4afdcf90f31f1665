"""The names code gives to what questions say in Korean: "얼굴은 어떻게 찾아?" asks of
`face_cascade.detectMultiScale(…)`, "파일 크기" of `file_size`. Answers choose lines of
the notes' code by them (`select`); routing finds a subject in that code by them."""

from __future__ import annotations

from functools import lru_cache

# Each Korean word (as the analyser cuts it) with the parts of identifiers that stand for
# it ("얼굴": face, "찾": find/detect)
ENGLISH_IN_CODE: dict[str, tuple[str, ...]] = {
    "학습": ("fit",),
    "훈련": ("fit",),
    "예측": ("predict",),
    "평가": ("evaluate",),
    "저장": ("save",),
    "불러오": ("load",),
    "로드": ("load",),
    "업로드": ("upload",),
    "모델": ("model",),
    "폴더": ("dir",),
    "디렉토리": ("dir",),
    "디렉터리": ("dir",),
    "앱": ("app",),
    "얼굴": ("face",),
    "파일": ("file",),
    "경로": ("path", "dir"),
    "이름": ("name",),
    "파일명": ("filename",),
    "읽": ("read", "imread", "load"),
    "크기": ("size",),
    "확장자": ("ext", "extension"),
    "응답": ("response",),
    "요청": ("request",),
    "실행": ("run",),
    "등록": ("include", "register"),
    "목록": ("list",),
    "삭제": ("delete", "remove"),
    "결과": ("result",),
    "인덱스": ("index",),
    "상태": ("status",),
    "라우터": ("router",),
    "서버": ("server",),
    "포트": ("port",),
    "주소": ("url", "host"),
    "모자이크": ("mosaic",),
    "노이즈": ("noise",),
    "흑백": ("gray", "grey"),
    "라벨": ("label",),
    "레이블": ("label",),
    "변환": ("transform", "convert"),
    "찾": ("find", "detect"),
    "찾아내": ("find", "detect"),
    "자르": ("crop",),
    "허용": ("allow",),
    "돌려주": ("return",),
    "반환": ("return",),
    "리턴": ("return",),
    # "폴더가 없으면": os.makedirs(…, exist_ok=True); "필드가 없으면": "No file field …"
    "없": ("exist", "no", "not"),
    "필드": ("field",),
    "여백": ("pad", "margin"),
}

# Words that speak of code itself, not of what it does ("코드에서 얼굴 부분은")
CODE_WORDS = frozenset({"코드", "code", "함수", "변수", "줄", "부분", "설정", "값"})


def _korean_of_names() -> dict[str, tuple[str, ...]]:
    """Each English name with the Korean words it stands for."""
    korean_of: dict[str, tuple[str, ...]] = {}
    for korean, names in ENGLISH_IN_CODE.items():
        for name in names:
            korean_of[name] = (*korean_of.get(name, ()), korean)
    return korean_of


_KOREAN_OF = _korean_of_names()
# names of four letters or more also stand for their words where they open a word
_PREFIX_LENGTHS = sorted({len(n) for n in _KOREAN_OF if len(n) >= 4})


@lru_cache(maxsize=16384)
def in_korean(terms: frozenset[str]) -> frozenset[str]:
    """`terms` with the Korean words for the English names among them (model.fit: 모델,
    학습), which questions use; a name of four letters or more also where it opens a word
    (detectMultiScale: 찾, faces: 얼굴). Cached: the same lines of the notes' code are
    read by every question that reaches them."""
    found = set(terms)
    for term in terms:
        found.update(_KOREAN_OF.get(term, ()))
        for n in _PREFIX_LENGTHS:
            if n >= len(term):
                break  # (the lengths are sorted)
            found.update(_KOREAN_OF.get(term[:n], ()))
    return frozenset(found)
