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
    request_threshold: float = Field(
        default=0.1,
        ge=0,
        le=1,
        description="Probability of 'request for information' (the routing classifier, "
        "chatbot/routing) from which a message whose subject the notes do not cover is "
        "treated as a request (and declined); below it, small talk. Chosen on the dev split "
        "of eval/data/answers_*.jsonl (python -m eval.answers --sweep).",
    )
    covered_request_threshold: float = Field(
        default=0.03,
        ge=0,
        le=1,
        description="The same threshold for a message whose subject the notes cover as a "
        "phrase: the notes' own vocabulary ('에이전트', '렐루') is evidence of a question that "
        "the classifier, trained on general Korean, cannot see.",
    )
    history_turns: int = Field(
        default=4, ge=0, le=50, description="Earlier user turns used to resolve follow-ups."
    )
    smalltalk_csv: Path | None = Field(
        default=None,
        description="Optional extra small-talk pairs, a CSV with columns Q,A "
        "(e.g. ../shared/data/chatbot-data/ChatbotData.csv).",
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
