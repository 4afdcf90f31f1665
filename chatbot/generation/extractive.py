"""The default answerer: the units of the notes that answer the question, as chosen
and written by the answer builder (`chatbot.answering`).

Offline and instant, and grounded by construction: every line is a line of the
notes, in its context, with the mark of the passage it comes from. It is also the
fallback of every other generator, for an answer the passages do not support.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from chatbot.generation.base import GenerationRequest

_WORD_PIECE = re.compile(r"\S+\s*")


class ExtractiveGenerator:
    name = "extractive"

    def generate(self, request: GenerationRequest) -> str:
        return "\n".join(request.answer_lines)

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        # The answer exists at once; it is streamed word by word like a model's tokens.
        yield from _WORD_PIECE.findall(self.generate(request))
