"""KoGPT2 (causal LM) and seq2seq (KoBART, KoT5) answer generators through transformers.

A generator loads its weights once, from a local directory or the Hugging Face hub, on
CUDA in fp16 when there is one and on the CPU in fp32 otherwise. Requests are served one
at a time: a lock is held from the start of a generation until its stream ends or is
closed, since a model and its tokenizer are not safe to share between concurrent
generations.

Every answer is produced by streaming: `transformers.generate` runs in a worker thread and
feeds a `TextIteratorStreamer`; the reader cuts the text at the end of the turn and at the
first repetition (`chatbot.generation.guard`) and yields only text that no later token can
take back, so the streamed pieces, joined, are exactly the answer `generate` returns. A
stopping criterion ends generation as soon as the turn is over, a loop starts or the reader
has closed the stream.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import torch
from transformers import (
    AutoModelForCausalLM,
    AutoModelForSeq2SeqLM,
    AutoTokenizer,
    StoppingCriteria,
    StoppingCriteriaList,
    TextIteratorStreamer,
)

from chatbot.generation.base import GenerationRequest, Generator, GeneratorUnavailableError
from chatbot.generation.config import GeneratorConfig
from chatbot.generation.guard import clean_answer, find_cut, stable_length
from chatbot.generation.prompts import (
    SYSTEM_TOKEN,
    USER_TOKEN,
    build_causal_prompt,
    build_seq2seq_input,
    has_turn_tokens,
)

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

logger = logging.getLogger(__name__)

GeneratorKind = Literal["kogpt2", "seq2seq"]

DEFAULT_WINDOW = 512
"""Context window assumed when neither the model nor the tokenizer declares one (T5)."""

# KoGPT2 v2's tokenizer files do not declare these; its model card sets them by hand.
_CONVENTIONAL_SPECIAL_TOKENS = {"eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>"}


def resolve_device(setting: str) -> tuple[torch.device, torch.dtype]:
    """The device and inference dtype for a device setting: 'auto' picks CUDA with fp16
    when torch sees a GPU, else the CPU with fp32."""
    if setting == "cuda" and not torch.cuda.is_available():
        raise GeneratorUnavailableError(
            "Device 'cuda' was requested but torch sees no CUDA device (no GPU, or a "
            "CPU-only torch build). Use device 'auto' or 'cpu' "
            "(CHATBOT_GENERATOR__DEVICE=auto)."
        )
    if setting in ("auto", "cuda") and torch.cuda.is_available():
        return torch.device("cuda"), torch.float16
    return torch.device("cpu"), torch.float32


def _unavailable_message(kind: str, ref: str, local: bool, error: Exception) -> str:
    reason = (
        str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__
    )
    folder = Path(ref).name or "model"
    hub_id = not local and not ref.startswith((".", "/", "~")) and ref.count("/") <= 1
    if local:
        problem = (
            f"the directory {ref} does not hold a {kind} model and tokenizer that "
            "transformers can load."
        )
    elif hub_id:
        problem = (
            f"'{ref}' is not a local directory and could not be downloaded from the Hugging "
            "Face hub (offline, or no such model)."
        )
    else:
        problem = f"there is no directory {ref}."
    # Why the hub refused a path is noise; say why a directory or a hub id failed.
    cause = f"Cause: {reason.rstrip('.')}. " if local or hub_id else ""
    if hub_id:
        fix = (
            f"Download the model where there is internet (e.g. `hf download {ref} --local-dir "
            f"{folder}`), copy the folder here and point the setting at it"
        )
    else:
        fix = (
            "Point the setting at a directory that holds the model's config.json, weights and "
            "tokenizer files (as save_pretrained writes them)"
        )
    return (
        f"Generator model '{kind}:{ref}' could not be loaded: {problem} "
        f"{cause}{fix}: CHATBOT_GENERATOR__MODEL={kind}:/path/to/{folder} "
        "(or CHATBOT_GENERATOR__MODEL=extractive to answer without a model)."
    )


def _fill_special_tokens(tokenizer: PreTrainedTokenizerBase) -> None:
    vocab = tokenizer.get_vocab()
    missing: dict[str, Any] = {
        name: token
        for name, token in _CONVENTIONAL_SPECIAL_TOKENS.items()
        if getattr(tokenizer, name) is None and token in vocab
    }
    if missing:
        tokenizer.add_special_tokens(missing)
        logger.info("tokenizer special tokens set from its vocabulary: %s", missing)


def load_pretrained(
    kind: GeneratorKind, ref: str, *, dtype: torch.dtype
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """Load a model and its tokenizer from a local directory (never touching the network)
    or a hub id; any failure becomes a `GeneratorUnavailableError` that says how to fix it."""
    path = Path(ref).expanduser()
    local = path.is_dir()
    source = str(path) if local else ref
    model_class: Any = AutoModelForCausalLM if kind == "kogpt2" else AutoModelForSeq2SeqLM
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=local)
        model = model_class.from_pretrained(source, local_files_only=local, dtype=dtype)
    except Exception as exc:  # hub, file and format errors all mean "not loadable"
        raise GeneratorUnavailableError(_unavailable_message(kind, ref, local, exc)) from exc
    _fill_special_tokens(tokenizer)
    return model, tokenizer


def _declared_positions(model: PreTrainedModel) -> int | None:
    for attribute in ("n_positions", "max_position_embeddings"):
        value = getattr(model.config, attribute, None)
        if isinstance(value, int) and value > 0:
            return value
    return None


def context_window(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase) -> int:
    """Positions the model can attend to, from its config, else its tokenizer, else 512."""
    declared = _declared_positions(model)
    if declared:
        return declared
    limit = tokenizer.model_max_length
    if isinstance(limit, int) and 0 < limit < 1_000_000:
        return limit
    return DEFAULT_WINDOW


def stop_token_ids(tokenizer: PreTrainedTokenizerBase) -> list[int]:
    """Token ids that end the answer's turn: eos, `</s>`, and KoGPT2's turn tokens."""
    ids: list[int] = []
    if tokenizer.eos_token_id is not None:
        ids.append(tokenizer.eos_token_id)
    vocab = tokenizer.get_vocab()
    for token in ("</s>", USER_TOKEN, SYSTEM_TOKEN):
        token_id = vocab.get(token)
        if token_id is not None and token_id != tokenizer.unk_token_id and token_id not in ids:
            ids.append(token_id)
    return ids


class _TurnGuard(StoppingCriteria):
    """Stops generation at a turn marker or a loop in the answer so far, or once the reader
    has closed the stream."""

    def __init__(
        self,
        tokenizer: PreTrainedTokenizerBase,
        *,
        prompt_length: int,
        ngram: int,
        cancelled: threading.Event,
    ) -> None:
        self._tokenizer = tokenizer
        self._prompt_length = prompt_length
        self._ngram = ngram
        self._cancelled = cancelled

    def __call__(
        self, input_ids: torch.LongTensor, scores: torch.FloatTensor | None, **kwargs: Any
    ) -> torch.BoolTensor:
        stop = self._cancelled.is_set()
        if not stop:
            ids = input_ids[0, self._prompt_length :]
            text = cast(str, self._tokenizer.decode(ids, skip_special_tokens=True)).lstrip()
            stop = find_cut(text, ngram=self._ngram, final=False) is not None
        result = torch.full((input_ids.shape[0],), stop, dtype=torch.bool, device=input_ids.device)
        return result  # type: ignore[return-value]


class HFGenerator:
    """A transformers model behind the `Generator` protocol."""

    def __init__(self, kind: GeneratorKind, ref: str, config: GeneratorConfig) -> None:
        self.name = f"{kind}:{ref}"
        self._kind = kind
        self._config = config
        self._device, dtype = resolve_device(config.device)
        started = time.perf_counter()
        model, tokenizer = load_pretrained(kind, ref, dtype=dtype)
        self._model = model.to(self._device).eval()  # type: ignore[arg-type]
        self._tokenizer = tokenizer
        self._window = config.max_context_tokens or context_window(model, tokenizer)
        declared = _declared_positions(model)
        if declared and self._window > declared:
            # Past its position embeddings a model fails; a budget cannot go beyond them.
            self._window = declared
        self._turn_tokens = kind == "kogpt2" and has_turn_tokens(tokenizer)
        self._stop_ids = stop_token_ids(tokenizer)
        pad_id = tokenizer.pad_token_id
        self._pad_id = pad_id if pad_id is not None else (self._stop_ids or [0])[0]
        self._lock = threading.Lock()
        logger.info(
            "generator loaded name=%s device=%s dtype=%s window=%d turn_tokens=%s seconds=%.1f",
            self.name,
            self._device,
            dtype,
            self._window,
            self._turn_tokens,
            time.perf_counter() - started,
        )

    @property
    def model(self) -> PreTrainedModel:
        """The loaded transformers model (for measurements; generate through this class)."""
        return self._model

    @property
    def tokenizer(self) -> PreTrainedTokenizerBase:
        return self._tokenizer

    def generate(self, request: GenerationRequest) -> str:
        """The whole answer: the same decoding as `stream`, joined."""
        return "".join(self.stream(request))

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        """The answer in pieces, as generated. Holds the model until the stream is exhausted
        or closed."""
        # A plain Lock, not an RLock: a web server may resume this generator on another
        # thread than the one that started it.
        with self._lock:
            yield from self._stream_locked(request)

    def _encode(self, request: GenerationRequest) -> tuple[list[int], int]:
        """Prompt token ids and the number of tokens the answer may have."""
        cfg = self._config
        tokenizer = self._tokenizer
        if self._kind == "kogpt2":
            # The answer shares the window with the prompt; the prompt keeps at least half.
            budget = max(self._window - cfg.max_new_tokens, self._window // 2)
            prompt = build_causal_prompt(
                tokenizer,
                request.question,
                request.passages,
                budget=budget,
                topic=request.topic,
                turn_tokens=self._turn_tokens,
            )
            ids = tokenizer(prompt)["input_ids"]
            if len(ids) > budget:
                logger.warning("question alone exceeds the prompt budget tokens=%d", len(ids))
                ids = ids[-budget:]
            return ids, min(cfg.max_new_tokens, self._window - len(ids))
        prompt = build_seq2seq_input(
            tokenizer, request.question, request.passages, budget=self._window, topic=request.topic
        )
        ids = tokenizer(prompt, truncation=True, max_length=self._window)["input_ids"]
        return ids, min(cfg.max_new_tokens, self._window)

    def _generation_kwargs(self, max_new_tokens: int) -> dict[str, Any]:
        cfg = self._config
        kwargs: dict[str, Any] = {
            "max_new_tokens": max_new_tokens,
            "do_sample": cfg.do_sample,
            "repetition_penalty": cfg.repetition_penalty,
            "no_repeat_ngram_size": cfg.no_repeat_ngram_size,
            "eos_token_id": self._stop_ids,
            "pad_token_id": self._pad_id,
        }
        if cfg.do_sample:
            kwargs.update(temperature=cfg.temperature, top_p=cfg.top_p)
        return kwargs

    def _stream_locked(self, request: GenerationRequest) -> Iterator[str]:
        ids, max_new_tokens = self._encode(request)
        input_ids = torch.tensor([ids], dtype=torch.long, device=self._device)
        cancelled = threading.Event()
        streamer = TextIteratorStreamer(
            self._tokenizer,  # type: ignore[arg-type]
            skip_prompt=True,
            skip_special_tokens=True,
        )
        guard = _TurnGuard(
            self._tokenizer,
            # A seq2seq output holds only the decoder start token (special) before the answer.
            prompt_length=len(ids) if self._kind == "kogpt2" else 0,
            ngram=self._config.loop_ngram_size,
            cancelled=cancelled,
        )
        kwargs = {
            "input_ids": input_ids,
            "attention_mask": torch.ones_like(input_ids),
            "streamer": streamer,
            "stopping_criteria": StoppingCriteriaList([guard]),
            **self._generation_kwargs(max_new_tokens),
        }
        failures: list[Exception] = []
        worker = threading.Thread(
            target=self._run, args=(kwargs, streamer, failures), name="hf-generate", daemon=True
        )
        worker.start()
        ngram = self._config.loop_ngram_size
        raw = ""
        sent = 0
        try:
            for piece in streamer:
                raw += piece
                text = raw.lstrip()
                stable = stable_length(text, ngram=ngram)
                if stable > sent:
                    yield text[sent:stable]
                    sent = stable
            worker.join()
            if failures:
                raise RuntimeError(f"generation with {self.name} failed") from failures[0]
            answer = clean_answer(raw, ngram=ngram)
            if len(answer) > sent:
                yield answer[sent:]
        finally:
            # Reached as well when the reader closes the stream early: stop the worker at its
            # next token and keep the model until it has.
            cancelled.set()
            worker.join()

    def _run(
        self, kwargs: dict[str, Any], streamer: TextIteratorStreamer, failures: list[Exception]
    ) -> None:
        started = time.perf_counter()
        try:
            with torch.inference_mode():
                output = self._model.generate(**kwargs)  # type: ignore[operator]
        except Exception as exc:  # re-raised in the reader's thread
            failures.append(exc)
            streamer.end()
            return
        prompt_length = kwargs["input_ids"].shape[1] if self._kind == "kogpt2" else 1
        logger.debug(
            "generated name=%s new_tokens=%d seconds=%.2f",
            self.name,
            output.shape[1] - prompt_length,
            time.perf_counter() - started,
        )


def load_hf_generator(kind: GeneratorKind, ref: str, config: GeneratorConfig) -> Generator:
    """Load a KoGPT2-style causal LM (`kind="kogpt2"`) or a seq2seq model from `ref`, a local
    directory or a hub id. Raises `GeneratorUnavailableError` when it cannot be loaded."""
    if kind not in ("kogpt2", "seq2seq"):
        raise GeneratorUnavailableError(
            f"Unknown generator kind '{kind}': use kogpt2:<id or path> or seq2seq:<id or path> "
            "in CHATBOT_GENERATOR__MODEL."
        )
    return HFGenerator(kind, ref, config)
