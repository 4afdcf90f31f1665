"""The generator interface: how the chat chain asks for an answer.

A generator turns a question and the passages retrieved for it into Korean
text. The chain owns routing, retrieval, the ground check and the fallback to
the extractive answer, so a new generator only implements `generate` and
`stream` and plugs in through `chatbot.generation.factory.build_generator`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from vector_store.passage import Passage

__all__ = ["GenerationRequest", "Generator", "GeneratorUnavailableError", "Passage"]


@dataclass(frozen=True)
class GenerationRequest:
    question: str
    """The user's message, resolved against the conversation when it was a follow-up."""
    passages: list[Passage]
    topic: str = ""
    """Short name of what the question is about (e.g. 'SVM'), when the chain knows it."""
    history: list[tuple[str, str]] = field(default_factory=list)
    """Earlier (user, assistant) turns, oldest first."""
    followup: str = ""
    """The user's own words, when `question` was resolved from a follow-up."""
    answer_lines: tuple[str, ...] = ()
    """The grounded answer the notes give (units with citation marks, see
    `chatbot.answering`): what the extractive answerer writes, and what a model may
    rephrase."""


@runtime_checkable
class Generator(Protocol):
    """Writes an answer from passages. Implementations must be safe to call from
    several threads (serialise internally if the model is not)."""

    name: str
    """Identifier reported with each answer, e.g. 'extractive' or 'kogpt2:skt/kogpt2-base-v2'."""

    def generate(self, request: GenerationRequest) -> str:
        """Return the whole answer."""
        ...

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        """Yield the answer in pieces as they are produced; joined they equal `generate`'s
        text for the same request and decoding settings."""
        ...


class GeneratorUnavailableError(RuntimeError):
    """A configured generator could not be loaded (missing weights, offline hub, missing
    extra). The message names the model and says how to fix it."""


class GenerationFailedError(RuntimeError):
    """A generator that calls a model server got no answer: a time-out, a refused or broken
    connection, or an error status. `FallbackOnFailure` turns it into the extractive answer."""
