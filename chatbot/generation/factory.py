"""Builds the generator named in settings (``extractive``, ``kogpt2:…``, ``seq2seq:…``,
``openai:…``)."""

from __future__ import annotations

from chatbot.generation.base import Generator, GeneratorUnavailableError
from chatbot.generation.config import GeneratorConfig
from chatbot.generation.extractive import ExtractiveGenerator
from vector_store.analysis import KoreanAnalyzer


def build_generator(config: GeneratorConfig, analyzer: KoreanAnalyzer) -> Generator:
    name = config.model.strip()
    match name.split(":", 1):
        case ["extractive"]:
            return ExtractiveGenerator()
        case [("kogpt2" | "seq2seq") as kind, ref] if ref:
            # transformers is heavy: import it only when a model generator is configured.
            from chatbot.generation.hf import load_hf_generator

            return load_hf_generator(kind, ref, config)
        case ["openai", ref] if ref:
            from chatbot.generation.remote import FallbackOnFailure, OpenAIGenerator

            return FallbackOnFailure(OpenAIGenerator(ref, config))
        case _:
            raise GeneratorUnavailableError(
                f"Unknown generator '{name}'. Use 'extractive', 'kogpt2:<hub id or path>', "
                "'seq2seq:<hub id or path>' or 'openai:<model>' (CHATBOT_GENERATOR__MODEL)."
            )
