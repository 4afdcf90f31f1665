"""Service settings: one pydantic-settings object, nested by concern.

Environment variables use the prefix ``CHATBOT_`` and ``__`` for nesting, e.g.
``CHATBOT_DATA_DIR=/srv/chatbot`` or ``CHATBOT_RETRIEVAL__KEYWORD_WEIGHT=0.6``.
A ``.env`` file in the working directory is read too.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import limits
from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from chatbot.api.config import SecurityConfig
from chatbot.generation.config import GeneratorConfig
from chatbot.history.retention import RetentionConfig
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
    social_request_max: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="A message that greets, thanks or says goodbye in so many words, or asks "
        "the assistant about itself, is small talk unless P(request) reaches this.",
    )
    statement_request_max: float = Field(
        default=0.6,
        ge=0,
        le=1,
        description="A message that tells rather than asks ('배고파서 공부가 손에 안 잡혀') is "
        "small talk unless P(request) reaches this, even when the notes use its words. On the "
        "dev splits no question reads as a statement, and small talk that does reaches 0.57.",
    )
    everyday_request_max: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="A message in everyday words only (chatbot/routing/everyday.py) about "
        "nothing the notes cover is small talk below this P(request) ('오늘 저녁 뭐 먹지'); "
        "from it, an off-topic request ('내일 우산 챙겨야 할까요?', 0.56) is declined.",
    )
    smalltalk_match: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Similarity to the nearest small-talk question (the reply bank, "
        "ChatbotData) from which a message whose subject the notes do not cover is small "
        "talk ('재밌는 얘기 좀 해줄래?') unless P(request) reaches smalltalk_request_max.",
    )
    smalltalk_request_max: float = Field(
        default=0.9,
        ge=0,
        le=1,
        description="See smalltalk_match: a clear request ('감기 빨리 낫는 방법 있어?') is "
        "declined however close it is to small talk.",
    )
    search_k: int = Field(
        default=8,
        ge=1,
        le=50,
        description="Passages searched for each message: routing looks for its subject among "
        "them; answers are drawn from the best `retrieval.default_k` of them.",
    )
    about_assistant_match: float = Field(
        default=0.65,
        ge=0,
        le=1,
        description="Similarity to the reply bank's questions about the assistant (identity, "
        "capability) from which a message counts as one.",
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


class ServerConfig(BaseModel):
    host: str = Field(default="127.0.0.1", description="Address `chatbot serve` binds.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `chatbot serve` binds.")
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Worker processes of `chatbot serve`; each loads its own snapshot, so "
        "memory grows with the count. They share the database like separate replicas.",
    )


class OpenAIApiConfig(BaseModel):
    model_id: str = Field(
        default="notes-chatbot",
        min_length=1,
        description="Model id the OpenAI-compatible API (/v1) lists and accepts in `model`.",
    )
    citations: bool = Field(
        default=True,
        description="Append a numbered '출처' list (file and heading of each source) to /v1 "
        "answers that have sources, for clients that show only the text.",
    )


class RateLimitConfig(BaseModel):
    enabled: bool = Field(
        default=True, description="Apply the limits below (false: none, e.g. for benchmarks)."
    )
    chat: str = Field(
        default="30/minute",
        description="Limit per client (API key, else IP address) on POST /chat and "
        "/chat/stream, in the `limits` notation: '30/minute', '5/second;100/hour'.",
    )
    completions: str = Field(
        default="60/minute",
        description="Limit per API key (else per IP address) on POST /v1/chat/completions.",
    )
    storage_uri: str = Field(
        default="auto",
        description="Where counts are kept: 'auto' (the service's database when it is "
        "PostgreSQL, shared by every replica; else this process's memory), 'database' "
        "(the service's database, fixed windows, on SQLite too), 'memory://', or another "
        "`limits` storage, e.g. 'redis://host:6379' (needs the `coredis` package).",
    )
    strategy: Literal["moving-window", "fixed-window", "sliding-window-counter"] = Field(
        default="moving-window", description="`limits` strategy that counts requests."
    )

    @field_validator("chat", "completions")
    @classmethod
    def _parses(cls, v: str) -> str:
        try:
            limits.parse_many(v)
        except ValueError as exc:
            raise ValueError(f"not a rate limit such as '30/minute': {v!r}") from exc
        return v


_TOKEN68 = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def _key_digests(value: Any) -> Any:
    """API keys as given (comma-separated or a JSON list) -> 'sha256:<hex>' digests, so the
    keys themselves are not kept; an entry already written as 'sha256:<hex>' stays."""
    if isinstance(value, str):
        value = value.strip()
        value = json.loads(value) if value.startswith("[") else value.split(",")
    if not isinstance(value, list):
        return value
    digests = []
    for raw in value:
        key = str(raw).strip()
        if not key:
            continue
        if _DIGEST.fullmatch(key.lower()):
            digests.append(key.lower())
        elif _TOKEN68.fullmatch(key):
            digests.append("sha256:" + hashlib.sha256(key.encode()).hexdigest())
        else:
            raise ValueError(
                "an API key may contain only letters, digits and -._~+/ (a bearer token)"
            )
    return digests


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
        default=None,
        description="Bearer token required by POST /ingest when set; unset (or empty), only "
        "loopback clients may call it.",
    )
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Keys that /v1 requires as `Authorization: Bearer <key>`: comma-separated "
        "or a JSON list; an entry 'sha256:<hex>' gives a key by its SHA-256 digest. Empty: /v1 "
        "is open. Only digests are kept in memory.",
    )
    require_key_for_chat: bool = Field(
        default=False,
        description="Also require one of `api_keys` on POST /chat and /chat/stream (the chat "
        "page sends none, so leave it off when the page is used).",
    )
    ingest_on_startup: bool = Field(
        default=False,
        description="Run an incremental ingest of notes_dir when the app starts.",
    )
    rebuild_if_damaged: bool = Field(
        default=False,
        description="At startup, when the database or the current FAISS file is damaged, "
        "move a damaged database aside (keeping the chat history it can still read) and "
        "rebuild the index from the notes, like `chatbot ingest --rebuild`.",
    )

    embedding: EmbeddingConfig = Field(default_factory=EmbeddingConfig)
    chunking: ChunkingConfig = Field(default_factory=ChunkingConfig)
    retrieval: RetrievalConfig = Field(default_factory=RetrievalConfig)
    generator: GeneratorConfig = Field(default_factory=GeneratorConfig)
    chat: ChatConfig = Field(default_factory=ChatConfig)
    tools: ToolsConfig = Field(default_factory=ToolsConfig)
    server: ServerConfig = Field(default_factory=ServerConfig)
    openai: OpenAIApiConfig = Field(default_factory=OpenAIApiConfig)
    rate_limit: RateLimitConfig = Field(default_factory=RateLimitConfig)
    security: SecurityConfig = Field(default_factory=SecurityConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)

    @field_validator("api_keys", mode="before")
    @classmethod
    def _hash_keys(cls, value: Any) -> Any:
        return _key_digests(value)

    @model_validator(mode="after")
    def _chat_key_needs_keys(self) -> Settings:
        if self.require_key_for_chat and not self.api_keys:
            raise ValueError("CHATBOT_REQUIRE_KEY_FOR_CHAT=true needs CHATBOT_API_KEYS")
        return self

    @field_validator("admin_token")
    @classmethod
    def _empty_token_is_unset(cls, v: str | None) -> str | None:
        """`CHATBOT_ADMIN_TOKEN=` (empty or blank) means no token, never "no check"."""
        return v.strip() or None if v is not None else None

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'chatbot.db').resolve()}"
