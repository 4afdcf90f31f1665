"""Client errors with a message a person can read, in Korean and English.

Every 4xx the service sends has the same body::

    {"error": "<code>", "message": "<Korean> (<English>)",
     "message_ko": "...", "message_en": "...", "detail": <optional extra>}
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class ApiError(Exception):
    """Raise from a router or service to answer with a clear client error."""

    def __init__(
        self,
        status_code: int,
        code: str,
        ko: str,
        en: str,
        detail: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(en)
        self.status_code = status_code
        self.code = code
        self.ko = ko
        self.en = en
        self.detail = detail
        self.headers = headers


def error_body(code: str, ko: str, en: str, detail: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "error": code,
        "message": f"{ko} ({en})",
        "message_ko": ko,
        "message_en": en,
    }
    if detail is not None:
        body["detail"] = detail
    return body


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def _describe_validation(errors: list[dict[str, Any]]) -> tuple[str, str]:
    first = errors[0] if errors else {}
    kind = str(first.get("type", ""))
    field = _field_name(tuple(first.get("loc", ())))
    if kind == "json_invalid":
        return "요청 본문이 올바른 JSON이 아니에요.", "The request body is not valid JSON."
    if kind == "missing":
        return f"'{field}' 항목이 필요해요.", f"Field '{field}' is required."
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return (
            f"'{field}' 항목의 형식이 올바르지 않아요.",
            f"Field '{field}' has the wrong type.",
        )
    msg = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    if kind == "value_error" and " / " in msg:
        en_msg, ko_msg = msg.split(" / ", 1)
        return ko_msg, en_msg
    return f"'{field}' 값이 올바르지 않아요: {msg}", f"Invalid value for '{field}': {msg}"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status_code,
            content=error_body(exc.code, exc.ko, exc.en, exc.detail),
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in exc.errors()]
        ko, en = _describe_validation(errors)
        return JSONResponse(status_code=422, content=error_body("invalid_request", ko, en, errors))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {
            400: (
                "요청 본문을 읽을 수 없어요. UTF-8 JSON으로 보내 주세요.",
                "Could not parse the request body; send UTF-8 encoded JSON.",
            ),
            404: ("찾을 수 없어요.", "Not found."),
            405: ("허용되지 않는 메서드예요.", "Method not allowed."),
            413: ("요청이 너무 커요.", "Request too large."),
        }
        ko, en = messages.get(exc.status_code, (str(exc.detail), str(exc.detail)))
        if exc.status_code not in messages and isinstance(exc.detail, str):
            en = exc.detail
        return JSONResponse(
            status_code=exc.status_code,
            content=error_body(f"http_{exc.status_code}", ko, en),
            headers=getattr(exc, "headers", None),
        )
