"""Miniature, randomly initialised models saved the way the generators load them.

They let tests, benchmarks and offline smoke runs exercise the real loading, prompting,
streaming and fine-tuning code without downloading weights: `kogpt2:<dir>` and
`seq2seq:<dir>` load them like any saved model. Their answers are noise until fine-tuned.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import (
    GPT2Config,
    GPT2LMHeadModel,
    PreTrainedTokenizerFast,
    T5Config,
    T5ForConditionalGeneration,
)

SAMPLE_TEXTS: tuple[str, ...] = (
    "딥러닝은 여러 층의 신경망으로 데이터의 특징을 학습한다.",
    "합성곱 신경망은 필터로 이미지의 지역적 특징을 뽑는다.",
    "풀링 층은 특징 맵의 크기를 줄여 연산량을 낮춘다.",
    "순환 신경망은 앞 단계의 출력을 다음 단계의 입력에 반영한다.",
    "역전파는 출력에서 입력 방향으로 미분을 계산한다.",
    "옵티마이저는 손실을 줄이도록 가중치를 갱신한다.",
    "과적합은 모델이 학습 데이터에만 지나치게 맞춰진 상태이다.",
    "질문: 에포크가 뭐예요? 답변: 전체 학습 데이터를 한 번 모두 학습한 횟수입니다.",
    "안녕하세요! 오늘도 좋은 하루 보내세요.",
    "아래 참고 자료에 있는 내용만으로 질문에 한국어로 간단히 답하세요.",
)
"""Korean sentences the miniature tokenizer is trained on."""

SPECIAL_TOKENS: tuple[str, ...] = ("<pad>", "<unk>", "</s>", "<usr>", "<sys>")


def train_tokenizer(
    texts: Sequence[str] = SAMPLE_TEXTS, *, vocab_size: int = 600, append_eos: bool = False
) -> PreTrainedTokenizerFast:
    """A byte-level BPE tokenizer with KoGPT2's special tokens (`<usr>`, `<sys>`, `</s>`,
    `<pad>`, `<unk>`); `append_eos` ends every input with `</s>` as T5 tokenizers do."""
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer)
    if append_eos:
        tokenizer.post_processor = processors.TemplateProcessing(
            single="$A </s>", special_tokens=[("</s>", tokenizer.token_to_id("</s>"))]
        )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        eos_token="</s>",
        bos_token="</s>",
        unk_token="<unk>",
        pad_token="<pad>",
        extra_special_tokens=["<usr>", "<sys>"],
    )


def build_tiny_model(
    kind: Literal["kogpt2", "seq2seq"],
    out_dir: Path,
    *,
    texts: Sequence[str] = SAMPLE_TEXTS,
    n_positions: int = 256,
    width: int = 64,
    seed: int = 0,
) -> Path:
    """Save a two-layer GPT-2 (`kogpt2`) or T5 (`seq2seq`) with a tokenizer trained on
    `texts` to `out_dir`, and return it."""
    torch.manual_seed(seed)
    tokenizer = train_tokenizer(texts, append_eos=kind == "seq2seq")
    ids = {"pad_token_id": tokenizer.pad_token_id, "eos_token_id": tokenizer.eos_token_id}
    model: GPT2LMHeadModel | T5ForConditionalGeneration
    if kind == "kogpt2":
        model = GPT2LMHeadModel(
            GPT2Config(
                vocab_size=len(tokenizer),
                n_positions=n_positions,
                n_embd=width,
                n_layer=2,
                n_head=2,
                bos_token_id=tokenizer.bos_token_id,
                **ids,
            )
        )
    else:
        model = T5ForConditionalGeneration(
            T5Config(  # type: ignore[call-arg]
                vocab_size=len(tokenizer),
                d_model=width,
                d_ff=width * 2,
                d_kv=width // 2,
                num_layers=2,
                num_decoder_layers=2,
                num_heads=2,
                decoder_start_token_id=tokenizer.pad_token_id,
                **ids,
            )
        )
        # T5's relative positions set no window; declare the one the model is meant for.
        tokenizer.model_max_length = n_positions
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir
