"""The service container: every heavy object, built once per process.

`create_app` builds it in the lifespan and the CLI builds it per command; routers
and commands only talk to the objects here.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from chatbot.chain.chain import ChatChain
from chatbot.chain.service import ChatService
from chatbot.chain.smalltalk import SmallTalkBank
from chatbot.generation.base import Generator
from chatbot.generation.factory import build_generator
from chatbot.history.repo import migrate_chat
from chatbot.routing.classifier import IntentClassifier
from chatbot.settings import Settings
from ingest.pipeline import IngestReport, chunking_fingerprint, run_ingest
from vector_store.analysis import KoreanAnalyzer, default_analyzer
from vector_store.config import EmbeddingConfig
from vector_store.db import IndexState, make_engine, migrate
from vector_store.embeddings import NamedEmbeddings, build_embeddings
from vector_store.retriever import HybridSearcher
from vector_store.store import IndexStore

logger = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    analyzer: KoreanAnalyzer
    embeddings: NamedEmbeddings
    store: IndexStore
    searcher: HybridSearcher
    generator: Generator | None = None
    chat: ChatService | None = None
    _ingest_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(cls, settings: Settings, *, chat: bool = True) -> Services:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.resolved_database_url)
        migrate(engine)
        migrate_chat(engine)
        analyzer = default_analyzer()
        embeddings = build_embeddings(settings.embedding)
        store = IndexStore(engine, settings.data_dir, settings.retrieval)
        searcher = HybridSearcher(store, embeddings, analyzer, settings.retrieval)
        services = cls(settings, engine, analyzer, embeddings, store, searcher)
        with Session(engine) as session:
            state = session.get(IndexState, 1)
        if state and state.chunking != chunking_fingerprint(
            settings.chunking, analyzer.fingerprint
        ):
            logger.warning(
                "the index was chunked or analysed by another version of this service; "
                "searches work but may miss terms until `chatbot ingest` (or POST /ingest) "
                "brings it up to date"
            )
        if chat:
            services.generator = build_generator(settings.generator, analyzer)
            classifier = IntentClassifier.load(analyzer=analyzer)
            # The classifier reads vectors of the embedder it was trained on: shared with
            # retrieval when it is the same, its own instance otherwise.
            router_embeddings = (
                embeddings
                if embeddings.model_id == classifier.embedder_id
                else build_embeddings(EmbeddingConfig(model=classifier.embedder_id))
            )
            bank = SmallTalkBank(
                router_embeddings,
                extra_csv=settings.chat.smalltalk_csv,
                cache_dir=settings.data_dir,
            )
            chain = ChatChain(
                searcher=searcher,
                bank=bank,
                classifier=classifier,
                router_embeddings=router_embeddings,
                generator=services.generator,
                analyzer=analyzer,
                chat=settings.chat,
                generation=settings.generator,
                k=settings.chat.search_k,
                answer_passages=settings.retrieval.default_k,
            )
            services.chat = ChatService(
                chain=chain, engine=engine, history_turns=settings.chat.history_turns
            )
        return services

    def ingest(self, *, progress: bool = False, rebuild: bool = False) -> IngestReport:
        """Incremental ingest (or a full `rebuild`) with the already-loaded models; readers
        keep searching."""
        with self._ingest_lock:
            report = run_ingest(
                self.settings,
                embeddings=self.embeddings,
                analyzer=self.analyzer,
                engine=self.engine,
                progress=progress,
                rebuild=rebuild,
            )
        self.store.snapshot(force_check=True)
        return report

    def close(self) -> None:
        self.engine.dispose()

    def describe(self) -> dict[str, Any]:
        return {
            "embedder": self.embeddings.model_id,
            "generator": self.generator.name if self.generator else None,
            "retrieval": self.settings.retrieval.method,
        }
