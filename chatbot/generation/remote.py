"""Answers from a chat model behind an OpenAI-compatible server (vLLM, TGI, Ollama,
llama.cpp, or another instance of this service's `/v1`).

`OpenAIGenerator` sends the question with the retrieved passages
(`prompts.build_chat_messages`) through the official `openai` client and yields the streamed
text. When the server does not answer in time, cannot be reached or answers with an error
status, it raises `GenerationFailedError`. `FallbackOnFailure` wraps it for the chat chain:
a failed generation becomes an empty answer, which the chain's ground check replaces with the
extractive one and marks `fallback: true`, as it does for an unsupported model answer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, cast

import openai

from chatbot.generation.base import (
    GenerationFailedError,
    GenerationRequest,
    Generator,
    GeneratorUnavailableError,
)
from chatbot.generation.config import GeneratorConfig
from chatbot.generation.prompts import build_chat_messages

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam

logger = logging.getLogger(__name__)

NO_KEY = "EMPTY"
"""Sent as the key when none is configured (the client requires one; keyless servers such as
vLLM without `--api-key` ignore it)."""


class OpenAIGenerator:
    """Streams answers of `model` from the server at `config.base_url`. Thread-safe: the
    `openai` client may be shared by concurrent requests."""

    def __init__(self, model: str, config: GeneratorConfig) -> None:
        if not config.base_url:
            raise GeneratorUnavailableError(
                f"Generator 'openai:{model}' needs the server's address: set "
                "CHATBOT_GENERATOR__BASE_URL, e.g. http://127.0.0.1:8001/v1."
            )
        self.model = model
        self.name = f"openai:{model}"
        self.config = config
        # No retries: a failed generation is answered extractively at once instead.
        self.client = openai.OpenAI(
            base_url=config.base_url,
            api_key=config.api_key.get_secret_value() if config.api_key else NO_KEY,
            timeout=config.timeout,
            max_retries=0,
        )

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        cfg = self.config
        messages = build_chat_messages(request.question, request.passages, topic=request.topic)
        try:
            stream = self.client.chat.completions.create(
                model=self.model,
                messages=cast("list[ChatCompletionMessageParam]", messages),
                stream=True,
                max_tokens=cfg.max_new_tokens,
                # Greedy decoding is temperature 0 in this protocol.
                temperature=cfg.temperature if cfg.do_sample else 0.0,
                top_p=cfg.top_p if cfg.do_sample else 1.0,
            )
            with stream:
                for chunk in stream:
                    for choice in chunk.choices:
                        if choice.delta and choice.delta.content:
                            yield choice.delta.content
        except openai.APIError as exc:  # time-out, connection, error status, error in-stream
            raise GenerationFailedError(
                f"{self.name} at {cfg.base_url} gave no answer: {type(exc).__name__}: {exc}"
            ) from exc

    def generate(self, request: GenerationRequest) -> str:
        return "".join(self.stream(request))


class FallbackOnFailure:
    """A generator whose failures (`GenerationFailedError`) end the answer instead of the
    request: what it streamed until then stays, and a failure before any text leaves the
    answer empty, so that the chain answers extractively and says `fallback: true`."""

    def __init__(self, inner: Generator) -> None:
        self.inner = inner
        self.name = inner.name

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        try:
            yield from self.inner.stream(request)
        except GenerationFailedError as exc:
            logger.warning("generation failed generator=%s error=%s", self.name, exc)

    def generate(self, request: GenerationRequest) -> str:
        return "".join(self.stream(request))
