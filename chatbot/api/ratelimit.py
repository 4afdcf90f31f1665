"""Rate limits per client, shared by every endpoint that needs one.

Where counts live (`CHATBOT_RATE_LIMIT__STORAGE_URI`): with the default `auto`, in the
service's database when that is PostgreSQL, so every replica behind a load balancer counts
in the same place (fixed windows in the `rate_limits` table: one upsert a request), and in
memory otherwise (one process, through the `limits` package). `database` asks for the
database on SQLite too; any `limits` storage URI (`memory://`, `redis://host:6379`, …) is
used as it is.

A scope names one limit of `RateLimitConfig` ("chat", "completions"); a client is identified
by its API key when it presented a valid one, else by its IP address (`client_identity`).
Use it from an endpoint as::

    limiter: RateLimiter = request.app.state.rate_limiter
    await limiter.hit("chat", client_identity(request, key_id))  # raises RateLimitedError
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from limits import RateLimitItem, parse_many
from limits.aio.strategies import STRATEGIES
from limits.storage import storage_from_string
from sqlalchemy import Engine, delete
from sqlalchemy.dialects import postgresql, sqlite

from chatbot.history.models import RateLimitCount
from chatbot.settings import RateLimitConfig
from vector_store.db import make_engine

logger = logging.getLogger(__name__)


@dataclass
class RateLimitedError(Exception):
    """The client used up `limit` (e.g. '30 per 1 minute'); it may retry after `retry_after`
    seconds."""

    limit: str
    retry_after: int


def client_identity(request: Request, key_id: str | None = None) -> str:
    """Who a request counts against: its API key's id when it has one, else its IP address
    (behind a proxy, uvicorn's `--forwarded-allow-ips` makes that the real client's)."""
    if key_id:
        return f"key:{key_id}"
    return f"ip:{request.client.host if request.client else 'unknown'}"


class DatabaseWindows:
    """Fixed-window counts in the service's database: every replica of one database
    shares them. One upsert per request and limit; a client's older windows are deleted
    when it opens a new one."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None  # made on first use, after the app migrated

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    def hit(self, key: str, period: int) -> tuple[int, float]:
        """Count one request under `key` in the current window of `period` seconds;
        returns the window's count so far and when it ends (epoch seconds)."""
        start = int(time.time() // period * period)
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        upsert = dialect.insert(RateLimitCount).values(key=key, window_start=start, hits=1)
        statement = upsert.on_conflict_do_update(
            index_elements=[RateLimitCount.key, RateLimitCount.window_start],
            set_={"hits": RateLimitCount.hits + 1},
        ).returning(RateLimitCount.hits)
        with self.engine.begin() as conn:
            hits = int(conn.execute(statement).scalar_one())
            if hits == 1:
                conn.execute(
                    delete(RateLimitCount).where(
                        RateLimitCount.key == key, RateLimitCount.window_start < start
                    )
                )
        return hits, start + period

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


class RateLimiter:
    """The limits of one service instance over one storage."""

    def __init__(self, config: RateLimitConfig, database_url: str = "") -> None:
        self.enabled = config.enabled
        uri = config.storage_uri
        if uri == "auto":
            uri = "database" if database_url.startswith("postgresql") else "memory://"
        if uri == "database" and not database_url:
            raise ValueError("rate_limit.storage_uri 'database' needs the service's database")
        self.database = DatabaseWindows(database_url) if uri == "database" else None
        # The service is asynchronous: use the asyncio flavour of the same storage.
        limits_uri = "memory://" if self.database is not None else uri
        self.storage = storage_from_string(
            limits_uri if limits_uri.startswith("async+") else f"async+{limits_uri}"
        )
        # STRATEGIES maps names to concrete strategy classes.
        self.strategy = STRATEGIES[config.strategy](self.storage)  # type: ignore[abstract]
        self.scopes: dict[str, list[RateLimitItem]] = {
            "chat": parse_many(config.chat),
            "completions": parse_many(config.completions),
        }

    @property
    def where(self) -> str:
        """Where the counts live, for logs and tests: "database" or the `limits` storage."""
        return "database" if self.database is not None else type(self.storage).__name__

    async def hit(self, scope: str, identity: str) -> None:
        """Count one request of `identity` in `scope`; raise `RateLimitedError` when it is over
        any limit of the scope."""
        if not self.enabled:
            return
        for item in self.scopes[scope]:
            if self.database is not None:
                key = _window_key(scope, identity, item)
                hits, ends = await run_in_threadpool(self.database.hit, key, item.get_expiry())
                if hits <= item.amount:
                    continue
                reset = ends
            elif await self.strategy.hit(item, scope, identity):
                continue
            else:
                stats = await self.strategy.get_window_stats(item, scope, identity)
                reset = stats.reset_time
            retry = max(1, math.ceil(reset - time.time()))
            logger.info("rate limited scope=%s client=%s limit=%s", scope, identity, item)
            raise RateLimitedError(limit=str(item), retry_after=retry)

    def close(self) -> None:
        if self.database is not None:
            self.database.close()


def _window_key(scope: str, identity: str, item: RateLimitItem) -> str:
    key = f"{scope}/{item.amount}/{item.get_expiry()}/{identity}"
    if len(key) <= 255:
        return key
    return f"{scope}/{item.amount}/{item.get_expiry()}/" + hashlib.sha256(key.encode()).hexdigest()
