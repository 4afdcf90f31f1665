"""Hybrid search: BM25 over Kiwi morphemes + FAISS dense vectors.

Why weighted score fusion rather than plain reciprocal rank fusion: on Korean
notes the keyword side is far stronger than the dense side, and equal-weight RRF
lets the weaker side's ranks pull good keyword hits down. Scores are normalised
per query (BM25 by its best candidate, cosine by the candidates' min-max range)
and summed with `keyword_weight`, which is tuned on the eval sets. RRF stays
available as ``fusion="rrf"``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from vector_store.analysis import QUERY_STOPWORDS, KoreanAnalyzer
from vector_store.config import RetrievalConfig
from vector_store.embeddings import NamedEmbeddings
from vector_store.passage import Passage
from vector_store.store import IndexSnapshot, IndexStore

Method = Literal["hybrid", "keyword", "dense"]


class EmbedderMismatchError(RuntimeError):
    """The index was built with another embedder than the configured one."""


@dataclass(frozen=True)
class SearchResult:
    hits: list[Passage]
    generation: int
    best_keyword: float
    """Highest raw BM25 score among all chunks (0 when no query term is in the notes)."""
    best_dense: float
    """Highest cosine similarity among all chunks."""
    query_terms: list[str]
    query_vector: np.ndarray
    """The query's dense embedding (reused by callers that compare the same text)."""
    snapshot: IndexSnapshot
    """The generation searched: a caller that reads more of the index for the same turn
    (coverage, units) reads this one, never a newer one that an ingest committed since."""


class HybridSearcher:
    def __init__(
        self,
        store: IndexStore,
        embeddings: NamedEmbeddings,
        analyzer: KoreanAnalyzer,
        config: RetrievalConfig,
    ) -> None:
        self.store = store
        self.embeddings = embeddings
        self.analyzer = analyzer
        self.config = config
        self._leaf_cache: tuple[int, dict[int, frozenset[str]]] | None = None

    def search(
        self,
        query: str,
        k: int | None = None,
        method: Method | None = None,
        *,
        snapshot: IndexSnapshot | None = None,
    ) -> SearchResult:
        cfg = self.config
        k = k or cfg.default_k
        method = method or cfg.method
        snap = snapshot or self.store.snapshot()
        if snap.embedder and snap.embedder != self.embeddings.model_id:
            raise EmbedderMismatchError(
                f"The index was built with '{snap.embedder}' but the service is configured "
                f"with '{self.embeddings.model_id}'; run `chatbot ingest` to re-embed."
            )
        terms = snap.spaced_as_indexed(self.analyzer.terms(query))
        n = max(cfg.candidates, k)
        keyword = snap.keyword_search([t for t in terms if t not in QUERY_STOPWORDS] or terms, n)
        # The dense side is computed for every method: routing needs its best score.
        vector = self.embeddings.embed_query_array([query])[0]
        dense = snap.dense_search(vector, n)
        if method == "keyword":
            fused = list(keyword)
        elif method == "dense":
            fused = list(dense)
        elif cfg.fusion == "rrf":
            fused = _rrf(keyword, dense, cfg.rrf_k)
        else:
            fused = _weighted(keyword, dense, cfg.keyword_weight)
        if cfg.heading_weight and method != "dense":
            fused = self._boost_headings(snap, fused, set(terms) - QUERY_STOPWORDS)
        kw_map, dn_map = dict(keyword), dict(dense)
        hits = [_hit(snap, cid, score, kw_map, dn_map) for cid, score in fused[:k]]
        return SearchResult(
            hits=hits,
            generation=snap.generation,
            best_keyword=keyword[0][1] if keyword else 0.0,
            best_dense=dense[0][1] if dense else 0.0,
            query_terms=terms,
            query_vector=vector,
            snapshot=snap,
        )

    def _leaf_terms(self, snap: IndexSnapshot, chunk_id: int) -> frozenset[str]:
        """Terms of a chunk's innermost heading, analysed when a search first ranks it and
        kept for its generation (analysing every heading up front grew with the corpus)."""
        cached = self._leaf_cache
        if cached is None or cached[0] != snap.generation:
            self._leaf_cache = cached = (snap.generation, {})
        leaves = cached[1]
        terms = leaves.get(chunk_id)
        if terms is None:
            leaf = snap.by_id.heading(chunk_id).rsplit(" > ", 1)[-1]
            terms = leaves[chunk_id] = frozenset(self.analyzer.terms(leaf))
        return terms

    def _boost_headings(
        self, snap: IndexSnapshot, fused: list[tuple[int, float]], terms: set[str]
    ) -> list[tuple[int, float]]:
        """A passage whose own (innermost) heading names what the query asks about is the
        passage about it: "LSTM의 게이트" belongs to the section titled LSTM more than to
        the GRU section that mentions LSTM and gates often."""
        if not terms:
            return fused
        weight = self.config.heading_weight
        boosted = [
            (cid, score + weight * len(terms & self._leaf_terms(snap, cid)) / len(terms))
            for cid, score in fused
        ]
        return sorted(boosted, key=lambda kv: (-kv[1], kv[0]))


def _hit(
    snap: IndexSnapshot,
    chunk_id: int,
    score: float,
    kw: dict[int, float],
    dn: dict[int, float],
) -> Passage:
    return replace(
        snap.by_id[chunk_id],
        score=round(float(score), 6),
        keyword_score=round(kw.get(chunk_id, 0.0), 6),
        dense_score=round(dn.get(chunk_id, 0.0), 6),
    )


def _weighted(
    keyword: list[tuple[int, float]], dense: list[tuple[int, float]], weight: float
) -> list[tuple[int, float]]:
    scores: dict[int, float] = {}
    if keyword:
        top = keyword[0][1]
        for cid, s in keyword:
            scores[cid] = weight * s / top
    if dense:
        values = np.array([s for _, s in dense])
        lo, hi = float(values.min()), float(values.max())
        span = hi - lo or 1.0
        for cid, s in dense:
            scores[cid] = scores.get(cid, 0.0) + (1 - weight) * (s - lo) / span
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def _rrf(
    keyword: list[tuple[int, float]], dense: list[tuple[int, float]], k: int
) -> list[tuple[int, float]]:
    scores: dict[int, float] = {}
    for ranking in (keyword, dense):
        for rank, (cid, _) in enumerate(ranking, start=1):
            scores[cid] = scores.get(cid, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
