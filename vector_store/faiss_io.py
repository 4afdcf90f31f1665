"""FAISS indexes built from the stored vectors, and their local cache files.

The database holds every chunk's vector and, published by the ingest, each generation's
index file (`vector_store.serving`); a replica copies that file, or builds the index from
the vectors, and keeps it in its data directory, named by the generation and its manifest
token, so that the next start reads one file instead of every vector.
A cache file is written atomically (temporary name, fsync, ``os.replace``); one that is
missing or unreadable is simply built again.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import faiss
import numpy as np

FILE_PATTERN = "faiss-{generation:06d}-{token}.index"
# Graph degree and build effort: on 62,670 chunks of near-duplicate copies (a hard case),
# M=32 with efConstruction 64 kept a dense recall@50 of 0.80 at efSearch 256; M=48 with
# 400 keeps 0.994 at efSearch 512 (hybrid top 5 of all 103 eval queries as with flat), for
# a build of about 30 s on 2 cores, done once per generation by the ingest.
HNSW_M = 48
HNSW_EF_CONSTRUCTION = 400
# From this many vectors a flat index is searched through an 8-bit shortlist (`Shortlist`).
SHORTLIST_MIN = 20_000


class IndexDamagedError(RuntimeError):
    """A FAISS file exists but cannot be read (truncated or overwritten)."""


def cache_filename(generation: int, token: str) -> str:
    return FILE_PATTERN.format(generation=generation, token=token)


def build(
    dimension: int,
    ids: np.ndarray,
    vectors: np.ndarray,
    *,
    hnsw_threshold: int,
    ef_search: int,
) -> Any:
    """Inner-product search over normalised vectors (cosine), keyed by chunk id: exact
    (flat) below `hnsw_threshold` vectors, an HNSW graph from there on."""
    inner: Any
    if len(ids) >= hnsw_threshold:
        inner = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        inner.hnsw.efSearch = ef_search
    else:
        inner = faiss.IndexFlatIP(dimension)
    index = faiss.IndexIDMap2(inner)
    if len(ids):
        index.add_with_ids(
            np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64)
        )
    return index


def kind(n_vectors: int, hnsw_threshold: int, ef_search: int) -> str:
    """What `build` makes for this many vectors (part of the cache file's key)."""
    if n_vectors >= hnsw_threshold:
        return f"hnsw{HNSW_M}-{HNSW_EF_CONSTRUCTION}-{ef_search}"
    return "flat"


def write_atomic(index: Any, path: Path) -> None:
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    faiss.write_index(index, str(tmp))
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def read(path: Path) -> Any:
    """The index in ``path``; ``FileNotFoundError`` when it is gone (a newer generation
    replaced it), :class:`IndexDamagedError` when it is there but unreadable."""
    if not path.exists():
        raise FileNotFoundError(path.name)
    # read_index already returns the concrete class; wrapping it again with
    # downcast_index would let the first wrapper free the index under the second.
    try:
        return faiss.read_index(str(path))
    except RuntimeError as exc:
        raise IndexDamagedError(f"FAISS file {path.name} is damaged") from exc


def ids_of(index: Any) -> np.ndarray:
    return faiss.vector_to_array(index.id_map).astype(np.int64)


def remove_stale(data_dir: Path, keep: set[str]) -> None:
    """Delete cache files, and the BM25 and rows cache folders beside them (and leftovers
    of killed writers), whose FAISS file name is not in `keep`."""
    for path in data_dir.glob("faiss-*.index*"):
        if path.name not in keep:
            path.unlink(missing_ok=True)
    for suffix in (".bm25", ".rows"):
        for path in data_dir.glob(f"faiss-*{suffix}*"):
            if path.name.removesuffix(suffix) + ".index" not in keep:
                shutil.rmtree(path, ignore_errors=True)


class Shortlist:
    """Exact top-n of a flat index, usually without reading its float32 vectors.

    A flat search reads every vector (128 MiB at 62,670 chunks of 512 floats: about 10 ms
    a query here, bound by memory bandwidth). An 8-bit copy of the vectors (a quarter of
    the bytes, one range for all dimensions) shortlists `8 n` candidates, whose exact
    scores come from the float32 vectors. The shortlist is returned only when it provably
    holds the exact top n: every vector left out scored at most the last shortlisted
    8-bit score, and an 8-bit score is within ``|q| * error`` of the exact one
    (Cauchy-Schwarz; `error` is the largest reconstruction error of any vector).
    Otherwise `search` returns None and the caller searches the flat index. Measured at
    62,670 chunks on the 103 course eval queries (n = 50): 102 proven, median 2.9 ms
    against 9.2 ms for the flat scan.
    """

    def __init__(self, index: Any) -> None:
        flat: Any = faiss.downcast_index(index.index)
        n, d = index.ntotal, index.d
        self._index = index  # owns the memory that `vectors` views
        self.vectors = faiss.rev_swig_ptr(flat.get_xb(), n * d).reshape(n, d)
        self.ids = ids_of(index)
        self.codes = faiss.IndexScalarQuantizer(
            d, faiss.ScalarQuantizer.QT_8bit_uniform, faiss.METRIC_INNER_PRODUCT
        )
        self.codes.train(self.vectors)
        self.codes.add(self.vectors)
        error = 0.0
        for start in range(0, n, 8192):  # bounded temporary memory
            stop = min(n, start + 8192)
            decoded = self.codes.reconstruct_n(start, stop - start)
            error = max(
                error, float(np.linalg.norm(decoded - self.vectors[start:stop], axis=1).max())
            )
        self.error = error

    @classmethod
    def of(cls, index: Any) -> Shortlist | None:
        """A shortlist for a large flat index, None for a small or an HNSW one."""
        if index is None or index.ntotal < SHORTLIST_MIN:
            return None
        if not isinstance(faiss.downcast_index(index.index), faiss.IndexFlat):
            return None
        return cls(index)

    def search(self, query: np.ndarray, n: int) -> list[tuple[int, float]] | None:
        """The exact top `n` (chunk id, inner product) of `query` (shape 1 x d), or None
        when the 8-bit scores cannot prove it."""
        total = len(self.ids)
        m = min(total, 8 * n)
        approx, rows = self.codes.search(query, m)
        rows = rows[0][rows[0] >= 0]
        exact = self.vectors[rows] @ query[0]
        order = np.argsort(-exact, kind="stable")[:n]
        if m < total:
            slack = self.error * float(np.linalg.norm(query)) + 1e-5  # + float rounding
            if len(order) < n or float(approx[0, -1]) + slack >= float(exact[order[-1]]):
                return None
        return [(int(self.ids[rows[i]]), float(exact[i])) for i in order]
