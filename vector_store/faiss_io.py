"""FAISS indexes built from the stored vectors, and their local cache files.

The database holds every chunk's vector; a replica builds the FAISS index of a
generation from them and may keep it in its data directory, named by the generation
and its manifest token, so that the next start reads one file instead of every vector.
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
HNSW_M = 32  # graph degree
HNSW_EF_CONSTRUCTION = 64


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
