"""Settings of the HTTP layer's own protections (nested into `chatbot.settings`)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SecurityConfig(BaseModel):
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest request body of the JSON endpoints, in bytes; a larger one gets "
        "413 before it is parsed (the image tools allow their upload limit plus multipart "
        "overhead instead).",
    )
