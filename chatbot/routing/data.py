"""Training data of the routing classifier.

Small talk: the questions of ChatbotData (a ``Q,A`` CSV; lines phrased as information
requests, such as "로또 번호 알려줘" or "재테크 하는 방법", are left out as they belong to
the other side here), the reply bank's phrasings and ``data/smalltalk.txt``.
Requests: ML/DL terms and the headings of the bundled sample notes (``notes/``) put into
request templates, hand-written ML/DL questions, and off-topic information requests
(weather, recipes, travel, finance …), written and templated.

Every example has a `group`: the term, heading or subject it was generated from, the
answer of a ChatbotData question (its rephrasings share one), else its own text. The
held-out split is drawn by group, so no held-out term or subject is seen in training under
another template.
"""

from __future__ import annotations

import csv
import json
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from chatbot.chain.smalltalk import BANK_PATH

DATA = Path(__file__).resolve().parent / "data"
SAMPLE_NOTES = Path(__file__).resolve().parents[2] / "notes"
SMALLTALK, REQUEST = 0, 1
# ChatbotData questions that ask for information about the world: left out of small talk.
_INFO_REQUEST = re.compile(
    r"알려|추천|방법|뭐야|어떻게 해|얼마|어디서|어디야|뭐 있|몇 |법$|법 |설명"
)
_PARTICLES = {
    "이/가": ("이", "가"),
    "은/는": ("은", "는"),
    "을/를": ("을", "를"),
    "와/과": ("과", "와"),
    "이랑/랑": ("이랑", "랑"),
}
_SLOT = re.compile(r"\{(\w+)\}(이/가|은/는|을/를|와/과|이랑/랑)?")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$")
_PAREN = re.compile(r"\s*\(([^)]*)\)")


@dataclass(frozen=True)
class Example:
    text: str
    label: int
    group: str
    source: str


def read_lines(path: Path) -> list[str]:
    """Non-empty lines of a data file; `#` lines are comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def has_final_consonant(word: str) -> bool:
    """Whether `word` ends in a consonant sound (받침), which picks the particle."""
    last = word.rstrip(" )]")[-1:] or "a"
    if "가" <= last <= "힣":
        return (ord(last) - 0xAC00) % 28 != 0
    # Letters and digits read aloud: L(엘) M(엠) N(엔) R(알); 0 1 3 6 7 8 end in a consonant.
    return last in "lmnrLMNR013678"


def fill(template: str, **words: str) -> str:
    """Put the words into `template`, resolving particles ("{t}이/가" → "SVM이")."""

    def resolve(match: re.Match[str]) -> str:
        word = words[match.group(1)]
        if match.group(2) is None:
            return word
        consonant, vowel = _PARTICLES[match.group(2)]
        return word + (consonant if has_final_consonant(word) else vowel)

    return _SLOT.sub(resolve, template)


def note_headings(notes: Path = SAMPLE_NOTES) -> list[str]:
    """Headings of the bundled sample notes, as topics ("서포트 벡터 머신", "SVM")."""
    topics: list[str] = []
    for path in sorted(notes.glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _HEADING.match(line)
            if not match:
                continue
            heading = match.group(1)
            inner = _PAREN.findall(heading)
            topics.append(_PAREN.sub("", heading).strip())
            topics.extend(p.strip() for p in inner if p.strip())
    return list(dict.fromkeys(t for t in topics if t))


def chatbotdata_questions(path: Path) -> list[tuple[str, str]]:
    """(question, answer) pairs, information requests left out."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = [(r["Q"].strip(), r["A"].strip()) for r in csv.DictReader(fh) if r.get("Q")]
    return [(q, a) for q, a in dict(rows).items() if not _INFO_REQUEST.search(q)]


def bank_patterns(path: Path = BANK_PATH) -> list[str]:
    entries = json.loads(path.read_text(encoding="utf-8"))
    return [p for entry in entries for p in entry["patterns"]]


def _templated(
    subjects: Iterable[str],
    templates: list[str],
    per_subject: int,
    rng: random.Random,
    source: str,
    partners: list[str] | None = None,
) -> Iterator[Example]:
    for subject in subjects:
        if source != "offtopic-templated":
            # A topic named on its own ("드롭아웃", "SVM?") asks about it.
            yield Example(subject, REQUEST, f"{source}:{subject}", source)
        for template in rng.sample(templates, min(per_subject, len(templates))):
            other = rng.choice([p for p in partners or [subject] if p != subject] or [subject])
            text = fill(template, t=subject, u=other, s=subject)
            yield Example(text, REQUEST, f"{source}:{subject}", source)


def same_text_key(text: str) -> str:
    """Texts equal up to spacing and end punctuation ("땡스!" and "땡스") share this key."""
    return "".join(text.split()).rstrip("?!~.").casefold()


def build_examples(
    csv_path: Path, seed: int, per_subject: int = 10, exclude: Iterable[str] = ()
) -> list[Example]:
    """All examples, deterministic for a seed; texts equal to one of `exclude` (the
    evaluation messages) are left out."""
    rng = random.Random(seed)
    out: list[Example] = []
    for q, a in chatbotdata_questions(csv_path):
        # Variants of one line share its answer ("배고파", "배고프다", "배고프당"): one group.
        out.append(Example(q, SMALLTALK, f"chatbotdata:{a}", "chatbotdata"))
    for text in [*bank_patterns(), *read_lines(DATA / "smalltalk.txt")]:
        out.append(Example(text, SMALLTALK, text, "smalltalk-written"))
    templates = read_lines(DATA / "request_templates.txt")
    terms = read_lines(DATA / "ml_terms.txt")
    out.extend(_templated(terms, templates, per_subject, rng, "ml-terms", terms))
    headings = [h for h in note_headings() if h not in terms]
    out.extend(_templated(headings, templates, per_subject, rng, "note-headings", terms))
    for text in read_lines(DATA / "requests.txt"):
        out.append(Example(text, REQUEST, text, "requests-written"))
    subjects = read_lines(DATA / "offtopic_subjects.txt")
    off_templates = read_lines(DATA / "offtopic_templates.txt")
    out.extend(_templated(subjects, off_templates, len(off_templates), rng, "offtopic-templated"))
    for text in read_lines(DATA / "offtopic.txt"):
        out.append(Example(text, REQUEST, text, "offtopic-written"))
    # One label per text: the first source wins (a bare term may also be a bank phrasing).
    seen = {same_text_key(t) for t in exclude}
    unique = []
    for ex in out:
        key = same_text_key(ex.text)
        if key not in seen:
            seen.add(key)
            unique.append(ex)
    return unique


def split(
    examples: list[Example], seed: int, heldout: float
) -> tuple[list[Example], list[Example]]:
    """Train / held-out, drawn by group."""
    groups = sorted({ex.group for ex in examples})
    rng = random.Random(seed + 1)
    held = set(rng.sample(groups, round(len(groups) * heldout)))
    train = [ex for ex in examples if ex.group not in held]
    test = [ex for ex in examples if ex.group in held]
    return train, test
