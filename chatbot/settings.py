"""Service settings: one pydantic-settings object, nested by concern.

Environment variables use the prefix ``CHATBOT_`` and ``__`` for nesting, e.g.
``CHATBOT_DATA_DIR=/srv/chatbot`` or ``CHATBOT_RETRIEVAL__KEYWORD_WEIGHT=0.6``.
A ``.env`` file in the working directory is read too.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from chatbot.generation.config import GeneratorConfig
from chatbot.tools.config import ToolsConfig
from ingest.config import ChunkingConfig
from vector_store.config import EmbeddingConfig, RetrievalConfig

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class ChatConfig(BaseModel):
    smalltalk_threshold: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Cosine similarity to the small-talk bank above which a message is small "
        "talk (calibrated on eval/data/chat_course.jsonl).",
    )
    smalltalk_exact: float = Field(
        default=0.7,
        ge=0,
        le=1,
        description="Similarity at which a message is small talk even if its words occur in "
        "the notes (a near-exact bank phrasing).",
    )
    min_coverage: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="IDF-weighted share of a question's words that the top passages must "
        "contain for it to count as covered by the notes; below it the question is declined "
        "(calibrated on eval/data/chat_course.jsonl).",
    )
    history_turns: int = Field(
        default=4, ge=0, le=50, description="Earlier user turns used to resolve follow-ups."
    )
    smalltalk_csv: Path | None = Field(
        default=None,
        description="Optional small-talk pairs, a CSV with columns Q,A (e.g. "
        "../shared/data/chatbot-data/ChatbotData.csv): small talk also takes the answers of "
        "its nearest questions. The first start embeds the questions (about 2 minutes for "
        "ChatbotData with use-m3), cached in data_dir by file hash and embedder.",
    )
    max_message_chars: int = Field(
        default=2000, ge=1, description="Longest accepted message after trimming."
    )


class ServerConfig(BaseModel):
    host: str = Field(default="127.0.0.1", description="Address `chatbot serve` binds.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `chatbot serve` binds.")


class Settings(BaseSettings):
    """All knobs of the service, each in one place."""

    model_config = SettingsConfigDict(
        env_prefix="CHATBOT_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    data_dir: Path = Field(
        default=Path("data"), description="Holds the SQLite database and the FAISS files."
    )
    notes_dir: Path = Field(
        default=PACKAGE_ROOT / "notes", description="Folder of notes that ingestion reads."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default: SQLite file chatbot.db in data_dir. "
        "Use postgresql+psycopg://… for several replicas.",
    )
    admin_token: str | None = Field(
        default=None, description="Bearer token required by POST /ingest when set."
    )
    ingest_on_startup: bool = Field(
        default=False,
        description="Run an incremental ingest of notes_dir when the app starts.",
    )

    embedding: EmbeddingConfig = Field(default_factory=EmbeddingConfig)
    chunking: ChunkingConfig = Field(default_factory=ChunkingConfig)
    retrieval: RetrievalConfig = Field(default_factory=RetrievalConfig)
    generator: GeneratorConfig = Field(default_factory=GeneratorConfig)
    chat: ChatConfig = Field(default_factory=ChatConfig)
    tools: ToolsConfig = Field(default_factory=ToolsConfig)
    server: ServerConfig = Field(default_factory=ServerConfig)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'chatbot.db').resolve()}"
