"""HTTP-level protections: security headers, a 500 that keeps the connection, admin access.

- Every response carries ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
  ``Referrer-Policy: no-referrer`` and a ``Content-Security-Policy``. The chat page and
  ``/static`` get a strict one (everything from this origin only, no inline script or
  style). The API docs (``/docs``, ``/redoc``) load Swagger UI / ReDoc from the jsDelivr
  CDN, as FastAPI serves them: their policy allows that CDN (and the fonts and favicon
  those pages use) and only the inline scripts of that very page, by hash.
- An unexpected exception answers a 500 in the documented error body without internals
  and without dropping the keep-alive connection (Starlette's outermost handler re-raises
  after answering, and the server then closes the socket under the client's next request).
- Request bodies over the configured size get 413 before they are parsed: at once when
  ``Content-Length`` says so, else as soon as the bytes received pass the limit (a
  chunked upload is cut off there). FastAPI's own ``max_body_size`` answers in plain
  text when ``Content-Length`` is too large, not in the documented error body, so the
  service counts itself.
- Admin endpoints (``POST /ingest``) need ``Authorization: Bearer <CHATBOT_ADMIN_TOKEN>``
  when a token is set; without one they answer only clients on the loopback interface.
  A request whose ``Origin`` is not this service's own is refused either way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import logging
import re
from typing import TYPE_CHECKING, Annotated

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chatbot.api.errors import ApiError, error_body

if TYPE_CHECKING:
    from chatbot.settings import Settings

logger = logging.getLogger(__name__)

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
CDN = "https://cdn.jsdelivr.net"
DOCS_CSP = (
    "default-src 'none'; script-src 'self' " + CDN + " {hashes}; "
    "style-src 'self' 'unsafe-inline' " + CDN + " https://fonts.googleapis.com; "
    "font-src https://fonts.gstatic.com data:; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "connect-src 'self'; worker-src blob:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
BASE_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def _script_hashes(html: bytes) -> str:
    digests = (hashlib.sha256(m.group(1)).digest() for m in _INLINE_SCRIPT.finditer(html))
    return " ".join(f"'sha256-{base64.b64encode(d).decode()}'" for d in digests)


class SecurityHeadersMiddleware:
    """Adds the headers above to every HTTP response (pure ASGI: streaming stays streaming)."""

    def __init__(self, app: ASGIApp, docs_paths: tuple[str, ...]) -> None:
        self.app = app
        self.docs_paths = docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] in self.docs_paths:
            await self._docs(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [*BASE_HEADERS, (b"content-security-policy", PAGE_CSP.encode())]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A docs page is small HTML: buffer it to hash its inline scripts into the policy."""
        start: Message = {}
        body = bytearray()

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            csp = DOCS_CSP.format(hashes=_script_hashes(bytes(body)))
            headers = [
                (k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"
            ]
            headers += [
                *BASE_HEADERS,
                (b"content-security-policy", csp.encode()),
                (b"content-length", str(len(body)).encode()),
            ]
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": bytes(body)})

        await self.app(scope, receive, buffer)


class ErrorBoundaryMiddleware:
    """Answers an unhandled exception with a 500 in the error body and keeps the connection."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            if started:  # a streamed response broke half-way: only closing can tell
                raise
            logger.exception("unhandled error method=%s path=%s", scope["method"], scope["path"])
            response = JSONResponse(
                status_code=500,
                content=error_body(
                    "internal_error",
                    "서버에서 예기치 않은 오류가 났어요. 잠시 후 다시 시도하세요.",
                    "Unexpected server error; try again later.",
                ),
            )
            await response(scope, receive, send)


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once the body passes the limit; FastAPI lets HTTP errors
    through its body parsing, so the app's 413 handler answers it."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


class BodyLimitMiddleware:
    """413 for request bodies over the limit of their path, before they are parsed."""

    def __init__(self, app: ASGIApp, default: int, prefixes: tuple[tuple[str, int], ...]) -> None:
        self.app = app
        self.default = default
        self.prefixes = prefixes

    def limit_for(self, path: str) -> int:
        return next((n for prefix, n in self.prefixes if path.startswith(prefix)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _too_large()(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge()
            return message

        await self.app(scope, counting_receive, send)


def _too_large() -> JSONResponse:
    # The same body as the app's handler of HTTP 413 (`chatbot.api.errors`).
    return JSONResponse(
        status_code=413,
        content=error_body("http_413", "요청이 너무 커요.", "Request too large."),
    )


# Room for the multipart framing around an uploaded image.
MULTIPART_OVERHEAD = 64 * 1024


def install_security(app: FastAPI, settings: Settings) -> None:
    """Security headers on every response, body limits, the keep-alive-preserving 500."""
    upload_limit = settings.tools.max_upload_bytes + MULTIPART_OVERHEAD
    app.add_middleware(
        BodyLimitMiddleware,
        default=settings.security.max_body_bytes,
        prefixes=(("/tools/", upload_limit),),
    )
    app.add_middleware(ErrorBoundaryMiddleware)
    docs = tuple(p for p in (app.docs_url, app.swagger_ui_oauth2_redirect_url, app.redoc_url) if p)
    app.add_middleware(SecurityHeadersMiddleware, docs_paths=docs)


def is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _foreign_origin(request: Request) -> bool:
    """True when the request names an ``Origin`` other than this service's own address."""
    origin = request.headers.get("origin")
    if origin is None:
        return False
    own = {f"{request.url.scheme}://{request.headers.get('host', '')}".lower()}
    return origin.strip().lower() not in own


def bearer_token(authorization: str | None) -> str | None:
    """The credentials of ``Authorization: Bearer <token>`` (RFC 6750), else None.

    The scheme is matched case-insensitively; one space, then the token without any
    whitespace, nothing else. A bare token without the scheme is not accepted.
    """
    if authorization is None:
        return None
    match = re.fullmatch(r"(?i:bearer) (\S+)", authorization)
    return match.group(1) if match else None


def _refused(status: int, code: str, ko: str, en: str) -> ApiError:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return ApiError(status, code, ko, en, headers=headers)


async def require_admin(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> None:
    """Dependency of state-changing admin endpoints (see the module docstring)."""
    if _foreign_origin(request):
        raise _refused(
            403,
            "foreign_origin",
            "다른 사이트에서 보낸 관리 요청은 받지 않아요.",
            "Admin requests from another site (foreign Origin) are refused.",
        )
    token = request.app.state.services.settings.admin_token
    if token is None:
        if not is_loopback(request.client.host if request.client else None):
            raise _refused(
                403,
                "admin_loopback_only",
                "관리자 토큰이 설정되지 않아 이 컴퓨터(localhost)에서만 요청할 수 있어요.",
                "No admin token is configured (CHATBOT_ADMIN_TOKEN), so admin requests are "
                "accepted from the loopback interface only.",
            )
        return
    given = bearer_token(authorization)
    if given is None or not hmac.compare_digest(given.encode(), token.encode()):
        raise _refused(
            401,
            "unauthorized",
            "관리자 토큰이 필요해요. 'Authorization: Bearer <토큰>' 형식으로 보내 주세요.",
            "A valid admin token is required, sent as 'Authorization: Bearer <token>'.",
        )


def warn_if_exposed(host: str, admin_token: str | None) -> None:
    """Log loudly when the service listens beyond loopback without an admin token."""
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = host == "localhost"
    if not local and admin_token is None:
        logger.warning(
            "SECURITY: serving on %s without CHATBOT_ADMIN_TOKEN: POST /ingest stays refused "
            "to every client except loopback; set CHATBOT_ADMIN_TOKEN to administer remotely",
            host,
        )
