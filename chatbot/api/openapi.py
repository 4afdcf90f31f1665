"""The OpenAPI schema tells the client errors each operation gives, in their real shape.

FastAPI documents only a 422 with its own validation model, which the service never
sends. `document_errors` rewrites every 4xx/503 answer of the native API (not `/v1`,
which speaks OpenAI's error format) to the body of `chatbot.api.errors`, adds the answers
that every operation with a request body can give (400 unreadable body, 413 too large,
422 invalid) and those of each operation (404 unknown session, 401/403 admin, ...), and
states that uploaded files must not be empty and how a chat answer links to its history
and to feedback.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field

ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
STORAGE = "No index yet, or the index or database is damaged. 인덱스 없음 또는 저장소 손상."
BODY_ERRORS = {
    400: "The body cannot be read (not UTF-8). 본문을 읽을 수 없음.",
    413: "The body is larger than the configured limit. 본문이 너무 큼.",
    422: "Invalid request: a field is missing, empty or of the wrong type. 잘못된 요청.",
}
CHAT_ERRORS = {
    401: "`CHATBOT_REQUIRE_KEY_FOR_CHAT` is on and the request lacks a valid "
    "`Authorization: Bearer <key>`. API 키 없음 또는 틀림.",
    404: "Unknown `session_id`. 알 수 없는 세션.",
    429: "This client sent more chats than the rate limit allows; see `Retry-After`. "
    "요청 한도 초과.",
    503: STORAGE,
}
OPERATION_ERRORS: dict[tuple[str, str], dict[int, str]] = {
    ("post", "/chat"): CHAT_ERRORS,
    ("post", "/chat/stream"): CHAT_ERRORS,
    ("get", "/sessions/{session_id}/messages"): {
        404: "Unknown session. 알 수 없는 세션.",
        503: STORAGE,
    },
    ("post", "/feedback"): {404: "Unknown `message_id`. 알 수 없는 답변.", 503: STORAGE},
    ("post", "/search"): {503: STORAGE},
    ("post", "/ingest"): {
        400: "The notes folder is missing or empty, or files cannot be re-embedded. "
        "노트 폴더 문제.",
        401: "A token is configured and the request lacks `Authorization: Bearer <token>` "
        "or has a wrong one. 토큰 없음 또는 틀림.",
        403: "No token is configured and the client is not on loopback, or the request "
        "comes from another site (`Origin`). 허용되지 않는 클라이언트.",
        409: "Another ingest is running. 다른 인덱싱 진행 중.",
        503: STORAGE,
    },
    ("post", "/tools/digit"): {503: "Every image slot is busy. 이미지 처리 대기 초과."},
    ("post", "/tools/mosaic"): {503: "Every image slot is busy. 이미지 처리 대기 초과."},
}


class ErrorBody(BaseModel):
    """Body of every client error (and of 500/503) of the native API."""

    error: str = Field(description="Machine-readable code, e.g. `invalid_request`.")
    message: str = Field(description="Korean message, then the English one in parentheses.")
    message_ko: str = Field(description="The message in Korean.")
    message_en: str = Field(description="The message in English.")
    detail: Any = Field(default=None, description="Optional extra, e.g. validation errors.")


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def _conversation_links(schema: dict[str, Any]) -> None:
    """A chat answer's `session_id` leads to its history, its `message_id` to feedback."""
    ids = {
        (method, path): op.get("operationId")
        for path, operations in schema["paths"].items()
        for method, op in operations.items()
    }
    history = ids.get(("get", "/sessions/{session_id}/messages"))
    feedback = ids.get(("post", "/feedback"))
    if not history or not feedback:
        return
    links = {
        "SessionMessages": {
            "operationId": history,
            "parameters": {"session_id": "$response.body#/session_id"},
        },
        "Feedback": {
            "operationId": feedback,
            "requestBody": {"message_id": "$response.body#/message_id", "rating": "up"},
        },
    }
    for method, path in (("post", "/chat"),):
        response = schema["paths"].get(path, {}).get(method, {}).get("responses", {}).get("200")
        if response is not None:
            response["links"] = links


def _non_empty_files(schema: dict[str, Any]) -> None:
    for body in schema.get("components", {}).get("schemas", {}).values():
        for prop in body.get("properties", {}).values():
            if prop.get("contentMediaType") == "application/octet-stream":
                prop["minLength"] = 1


def document_errors(app: FastAPI) -> None:
    """Make `app.openapi()` document the error answers described in the module docstring."""

    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()  # FastAPI's own, cached on the app: amended in place
        for path, operations in schema["paths"].items():
            if path.startswith("/v1/"):
                continue
            for method, op in operations.items():
                responses = op.setdefault("responses", {})
                errors = dict(BODY_ERRORS) if "requestBody" in op else {}
                errors.update(OPERATION_ERRORS.get((method, path), {}))
                for code, text in errors.items():
                    responses.setdefault(str(code), {"description": text})
                for code, response in responses.items():
                    if code.startswith("4") or (code == "503" and path != "/health"):
                        responses[code] = _error_response(response.get("description", ""))
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorBody"] = ErrorBody.model_json_schema()
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        _non_empty_files(schema)
        _conversation_links(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
