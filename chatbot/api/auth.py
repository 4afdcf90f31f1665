"""API keys (`CHATBOT_API_KEYS`) and the access check of the native chat endpoints.

Keys are kept only as SHA-256 digests (`Settings.api_keys`); a presented key is hashed and
compared with each digest in constant time. The `Authorization` header must be exactly
`Bearer <token>` (RFC 6750): a bare token, another scheme or extra words are refused.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from fastapi import Request

from chatbot.api.errors import ApiError
from chatbot.api.ratelimit import RateLimitedError, RateLimiter, client_identity
from chatbot.settings import Settings

_BEARER = re.compile(r"Bearer ([A-Za-z0-9\-._~+/]+=*)", re.IGNORECASE)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header; None when absent or malformed."""
    if not authorization:
        return None
    match = _BEARER.fullmatch(authorization)
    return match.group(1) if match else None


class ApiKeys:
    def __init__(self, digests: list[str], *, required_for_chat: bool = False) -> None:
        self.digests = [bytes.fromhex(d.removeprefix("sha256:")) for d in digests]
        self.required_for_chat = required_for_chat

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiKeys:
        return cls(settings.api_keys, required_for_chat=settings.require_key_for_chat)

    @property
    def enabled(self) -> bool:
        return bool(self.digests)

    def key_id(self, authorization: str | None) -> str | None:
        """A short id of the valid key in the header (the start of its digest, for rate limits
        and logs), or None when there is no valid key."""
        token = bearer_token(authorization)
        if token is None:
            return None
        digest = hashlib.sha256(token.encode()).digest()
        found = None
        for known in self.digests:  # no early exit: the time does not tell which key matched
            if hmac.compare_digest(digest, known):
                found = known
        return found.hex()[:16] if found else None


def _unauthorized() -> ApiError:
    return ApiError(
        401,
        "unauthorized",
        "API 키가 필요해요. 'Authorization: Bearer <키>' 헤더로 보내 주세요.",
        "A valid API key is required as 'Authorization: Bearer <key>'.",
        headers={"WWW-Authenticate": "Bearer"},
    )


def rate_limited(exc: RateLimitedError) -> ApiError:
    """The native API's 429 for an exhausted limit, with `Retry-After`."""
    return ApiError(
        429,
        "rate_limited",
        f"요청이 너무 많아요. {exc.retry_after}초 뒤에 다시 시도해 주세요.",
        f"Too many requests; retry in {exc.retry_after} s.",
        detail={"limit": exc.limit, "retry_after": exc.retry_after},
        headers={"Retry-After": str(exc.retry_after)},
    )


async def chat_access(request: Request) -> None:
    """Dependency of POST /chat and /chat/stream: the key when `require_key_for_chat` is set,
    then the per-client rate limit (by key when a valid one is sent, else by IP address)."""
    keys: ApiKeys = request.app.state.api_keys
    key_id = keys.key_id(request.headers.get("authorization")) if keys.enabled else None
    if key_id is None and keys.required_for_chat:
        raise _unauthorized()
    limiter: RateLimiter = request.app.state.rate_limiter
    try:
        await limiter.hit("chat", client_identity(request, key_id))
    except RateLimitedError as exc:
        raise rate_limited(exc) from exc
