"""The 8-bit shortlist in front of a large flat index returns exactly the flat index's
top n, or nothing when it cannot prove it (then the flat index answers)."""

from __future__ import annotations

import faiss
import numpy as np

from vector_store import faiss_io


def flat(vectors: np.ndarray, ids: np.ndarray) -> object:
    return faiss_io.build(vectors.shape[1], ids, vectors, hnsw_threshold=10**9, ef_search=16)


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_shortlist_gives_the_flat_top_n_or_nothing() -> None:
    rng = np.random.default_rng(7)
    # clusters, as chunk vectors of one subject are: near-ties inside each
    centres = rng.standard_normal((200, 64))
    vectors = unit(centres[rng.integers(0, 200, 30_000)] + 0.4 * rng.standard_normal((30_000, 64)))
    ids = rng.permutation(10**6)[:30_000].astype(np.int64)
    index = flat(vectors, ids)
    shortlist = faiss_io.Shortlist.of(index)
    assert shortlist is not None and 0 < shortlist.error < 0.05
    proven = 0
    queries = unit(vectors[rng.integers(0, 30_000, 60)] + 0.3 * rng.standard_normal((60, 64)))
    faiss.omp_set_num_threads(1)
    for query in queries:
        q = query.reshape(1, -1)
        found = shortlist.search(q, 50)
        scores, expected = index.search(q, 50)  # type: ignore[attr-defined]
        if found is None:
            continue
        proven += 1
        assert [cid for cid, _ in found] == expected[0].tolist()
        assert np.allclose([s for _, s in found], scores[0], atol=1e-5)
    assert proven >= 50


def test_shortlist_declines_when_near_duplicates_blur_the_cut() -> None:
    rng = np.random.default_rng(3)
    base = unit(rng.standard_normal((1, 32)))
    vectors = unit(base + 1e-3 * rng.standard_normal((25_000, 32)))  # all but equal
    index = flat(vectors, np.arange(25_000, dtype=np.int64))
    shortlist = faiss_io.Shortlist.of(index)
    assert shortlist is not None
    assert shortlist.search(base, 10) is None


def test_no_shortlist_for_small_or_hnsw_indexes() -> None:
    rng = np.random.default_rng(1)
    vectors = unit(rng.standard_normal((faiss_io.SHORTLIST_MIN - 1, 16)))
    ids = np.arange(len(vectors), dtype=np.int64)
    assert faiss_io.Shortlist.of(flat(vectors, ids)) is None
    more = unit(rng.standard_normal((faiss_io.SHORTLIST_MIN, 16)))
    hnsw = faiss_io.build(16, np.arange(len(more)), more, hnsw_threshold=0, ef_search=16)
    assert faiss_io.Shortlist.of(hnsw) is None
