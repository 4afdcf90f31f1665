from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from chatbot.settings import Settings
from ingest.chunker import chunk_sections
from ingest.config import ChunkingConfig
from ingest.markdown import parse_markdown
from ingest.pipeline import chunk_pieces, own_text
from ingest.tree import parse_units
from tests.postgres import PostgresServer, find_bindir, running_server
from vector_store.analysis import default_analyzer
from vector_store.embeddings import NamedEmbeddings
from vector_store.passage import UnitRecord

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_NOTES = ROOT / "notes"
COURSE_NOTES = ROOT.parent / "shared" / "course-notes"


class HashEmbeddings(NamedEmbeddings):
    """Deterministic bag-of-terms vectors: fast, and similar texts get similar vectors."""

    def __init__(self, model_id: str = "test-hash", dimension: int = 64) -> None:
        self.model_id = model_id
        self.dimension = dimension
        self.calls = 0
        self.texts = 0

    def embed_array(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for term in default_analyzer().terms(text):
                h = int(hashlib.md5(term.encode()).hexdigest(), 16)
                out[i, h % self.dimension] += 1.0
            out[i, 0] += 1e-3
        return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.fixture
def notes_dir(tmp_path: Path) -> Path:
    d = tmp_path / "notes"
    d.mkdir()
    (d / "svm.md").write_text(
        "# 분류 모델\n\n## SVM\n서포트 벡터 머신(SVM)은 마진을 최대화하는 결정 경계를 찾는다. "
        "커널 트릭으로 비선형 문제도 풀 수 있다.\n\n## 결정 트리\n결정 트리는 특성으로 "
        "데이터를 나누는 질문을 반복해서 예측한다. 깊이가 깊으면 과적합되기 쉽다.\n",
        encoding="utf-8",
    )
    (d / "cnn.txt").write_text(
        "# CNN\n\n<details>\n<summary><h2>합성곱 계층</h2></summary>\n\n"
        "Conv2D 계층은 필터로 특징 맵을 만든다. 필터 수와 kernel_size가 중요한 인자다.\n\n"
        "</details>\n\n## 풀링\n풀링 계층은 특징 맵의 크기를 줄여 계산량을 낮추고 작은 "
        "위치 변화에 강하게 만든다.\n",
        encoding="utf-8",
    )
    return d


@pytest.fixture
def settings(tmp_path: Path, notes_dir: Path) -> Settings:
    # Small chunks so that the tiny test notes give one chunk per section.
    return Settings(
        data_dir=tmp_path / "data",
        notes_dir=notes_dir,
        chunking=ChunkingConfig(max_chars=200, min_chars=40),
    )


@pytest.fixture
def hash_embeddings() -> HashEmbeddings:
    return HashEmbeddings()


@pytest.fixture(scope="session")
def sample_app_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data directory holding an index of the bundled sample notes (real USE-m3)."""
    from ingest.pipeline import run_ingest

    data = tmp_path_factory.mktemp("sample-data")
    run_ingest(Settings(data_dir=data, notes_dir=SAMPLE_NOTES))
    yield data
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def app_settings(sample_app_dir: Path, tmp_path: Path) -> Settings:
    """Settings over a private copy of the sample index (tests may write to it)."""
    data = tmp_path / "data"
    shutil.copytree(sample_app_dir, data)
    return Settings(data_dir=data, notes_dir=SAMPLE_NOTES)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for this test session (see `tests.postgres`)."""
    bindir = find_bindir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl) are not installed; `make test` "
            "installs Debian's postgresql package"
        )
    with running_server(bindir) as server:
        yield server


def unit_records(source: str, chunk_id: int, text: str, first_id: int = 0) -> list[UnitRecord]:
    """The answer units of `text` as the store serves them (terms and context terms
    analysed as ingest analyses them), all in one chunk."""
    analyzer = default_analyzer()
    drafts = chunk_sections(parse_markdown(text), analyzer.split_sentences, ChunkingConfig())
    lines = {piece for draft in drafts for piece in chunk_pieces(draft)}
    out = []
    for i, u in enumerate(parse_units(text)):
        names = [u.term, *u.labels[max(0, u.heading_depth - 1) :]]
        out.append(
            UnitRecord(
                unit_id=first_id + i,
                chunk_id=chunk_id,
                source=source,
                labels=u.labels,
                heading_depth=u.heading_depth,
                kind=u.kind,
                term=u.term,
                context=u.context,
                text=u.text,
                ask=u.ask,
                line=u.line,
                terms=frozenset(analyzer.terms(own_text(u, lines))),
                context_terms=frozenset(t for name in names for t in analyzer.terms(name)),
            )
        )
    return out
