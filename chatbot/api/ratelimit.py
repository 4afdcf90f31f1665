"""Rate limits per client, shared by every endpoint that needs one.

Built on the `limits` package. Counts live in memory by default (one process); with
`CHATBOT_RATE_LIMIT__STORAGE_URI=redis://host:6379` (or memcached, MongoDB: any `limits`
storage) every replica counts in the same place. `limits` has no PostgreSQL storage, so a
shared database alone does not share the limits.

A scope names one limit of `RateLimitConfig` ("chat", "completions"); a client is identified
by its API key when it presented a valid one, else by its IP address (`client_identity`).
Use it from an endpoint as::

    limiter: RateLimiter = request.app.state.rate_limiter
    await limiter.hit("chat", client_identity(request, key_id))  # raises RateLimitedError
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from fastapi import Request
from limits import RateLimitItem, parse_many
from limits.aio.strategies import STRATEGIES
from limits.storage import storage_from_string

from chatbot.settings import RateLimitConfig

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


class RateLimiter:
    """The limits of one service instance over one storage."""

    def __init__(self, config: RateLimitConfig) -> None:
        self.enabled = config.enabled
        uri = config.storage_uri
        # The service is asynchronous: use the asyncio flavour of the same storage.
        self.storage = storage_from_string(uri if uri.startswith("async+") else f"async+{uri}")
        # STRATEGIES maps names to concrete strategy classes.
        self.strategy = STRATEGIES[config.strategy](self.storage)  # type: ignore[abstract]
        self.scopes: dict[str, list[RateLimitItem]] = {
            "chat": parse_many(config.chat),
            "completions": parse_many(config.completions),
        }

    async def hit(self, scope: str, identity: str) -> None:
        """Count one request of `identity` in `scope`; raise `RateLimitedError` when it is over
        any limit of the scope."""
        if not self.enabled:
            return
        for item in self.scopes[scope]:
            if not await self.strategy.hit(item, scope, identity):
                stats = await self.strategy.get_window_stats(item, scope, identity)
                retry = max(1, math.ceil(stats.reset_time - time.time()))
                logger.info("rate limited scope=%s client=%s limit=%s", scope, identity, item)
                raise RateLimitedError(limit=str(item), retry_after=retry)
