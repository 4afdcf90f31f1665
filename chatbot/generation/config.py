"""Settings of the answer generators."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr


class GeneratorConfig(BaseModel):
    model: str = Field(
        default="extractive",
        description=(
            "Answer generator: 'extractive' (offline, grounded, default), "
            "'kogpt2:<hub id or local path>' (causal LM), 'seq2seq:<hub id or local path>' or "
            "'openai:<model>' (an OpenAI-compatible server at `base_url`: vLLM, TGI, Ollama, …)."
        ),
    )
    base_url: str | None = Field(
        default=None,
        description="For 'openai:<model>': the server's API root, e.g. http://127.0.0.1:8001/v1.",
    )
    api_key: SecretStr | None = Field(
        default=None, description="For 'openai:<model>': bearer key of the server, if it needs one."
    )
    timeout: float = Field(
        default=30,
        gt=0,
        le=600,
        description="For 'openai:<model>': seconds to wait for the server (to connect, and for "
        "each streamed piece); past it the extractive answer is given instead.",
    )
    device: Literal["auto", "cpu", "cuda"] = Field(
        default="auto", description="'auto' uses CUDA with fp16 when present, else the CPU."
    )
    max_new_tokens: int = Field(default=128, ge=1, le=2048, description="Generated tokens cap.")
    do_sample: bool = Field(default=False, description="Sample (True) or decode greedily.")
    temperature: float = Field(default=0.7, gt=0, le=5, description="Sampling temperature.")
    top_p: float = Field(default=0.9, gt=0, le=1, description="Nucleus sampling mass.")
    repetition_penalty: float = Field(
        default=1.3, ge=1, le=5, description="Penalty on tokens already generated."
    )
    no_repeat_ngram_size: int = Field(
        default=3, ge=0, le=20, description="Forbid repeating n-grams of this size (0: off)."
    )
    loop_ngram_size: int = Field(
        default=4,
        ge=0,
        le=20,
        description="Loop guard: cut the answer where a run of this many words, a whole "
        "sentence, or a piece of a word repeats earlier answer text (0: off).",
    )
    max_context_tokens: int = Field(
        default=0,
        ge=0,
        description="Prompt budget in tokens; 0 uses the model's own context window.",
    )
    ground_threshold: float = Field(
        default=0.6,
        ge=0,
        le=1,
        description="Share of an answer's content words that the passages must contain; "
        "below it the extractive answer is used instead.",
    )
    extractive_sentences: int = Field(
        default=5,
        ge=1,
        le=10,
        description="Most units of the notes (lines, bullets, table rows) an answer is made of.",
    )
