"""The one passage type that travels from the store to the answer, and its units.

A `Passage` is a chunk of one generation: the store loads it, search returns it
with its scores (`dataclasses.replace`), the chain cites it and the generators read
it. A `UnitRecord` is one answerable line inside a passage (see `ingest.tree`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    chunk_id: int
    source: str
    heading: str
    text: str
    score: float = 0.0
    """Fused search score (0 outside a search)."""
    keyword_score: float = 0.0
    dense_score: float = 0.0
    ord: int = 0
    line_start: int = 0
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitRecord:
    unit_id: int
    chunk_id: int
    source: str
    labels: tuple[str, ...]
    """Ancestor labels, outermost first: headings, then parent bullets."""
    heading_depth: int
    kind: str
    """"item", "term", "row" or "label" (a bullet with children, never shown alone)."""
    term: str
    context: str
    """The innermost label that names something ("밀도 기반 군집 분석 (DBSCAN)", not
    "언제 사용하면 좋을까?")."""
    text: str
    ask: str
    """The kind of question its nearest question-label ancestor asks ("when", "why", …)."""
    line: int
    terms: frozenset[str]
    context_terms: frozenset[str]
