"""Prompts for the generators: transformers models (fitted to the model's context window)
and chat models behind an OpenAI-compatible server.

Causal LM (KoGPT2)::

    {instruction}
    [1] {heading}
    {passage text}
    [2] ...
    <usr>{question}<sys>            (tokenizer with KoGPT2's turn tokens)
    질문: {question}\\n답변:          (any other tokenizer)

Seq2seq (KoBART, KoT5): the encoder reads the instruction, the question, then the passages,
so truncation at the end of the input loses the least useful text.

Chat model (`openai:<model>`): a system message with the instruction and the passages, and
the question as the user's message.

Passages come best first. When the prompt does not fit its token budget, the lowest-ranked
passages go first: dropped whole, and the last one kept is truncated to what is left.
Earlier turns are not part of the prompt: the chain resolves a follow-up into a standalone
question before generation, and the few hundred tokens of a small model's window are worth
more as passages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, cast

from chatbot.generation.base import Passage

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

USER_TOKEN = "<usr>"
SYSTEM_TOKEN = "<sys>"

INSTRUCTION = (
    "아래 참고 자료에 있는 내용만으로 질문에 한국어로 간단히 답하세요. "
    "자료에 없는 내용은 지어내지 마세요."
)
"""Used when passages come with the question."""
CHAT_INSTRUCTION = "질문에 한국어로 짧고 친절하게 답하세요."
"""Used without passages (small talk in fine-tuning data)."""

MIN_PASSAGE_TOKENS = 8
"""A passage truncated to fewer tokens than this is dropped instead."""


def count_tokens(tokenizer: PreTrainedTokenizerBase, text: str) -> int:
    """Tokens of `text` alone, without the special tokens the tokenizer adds around input."""
    # Not verbose: counting a prompt longer than the model's window is the point here.
    return len(tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])


def has_turn_tokens(tokenizer: PreTrainedTokenizerBase) -> bool:
    """Whether `<usr>` and `<sys>` are single tokens of the vocabulary (KoGPT2 v2 has them),
    so that the prompt can use the turn format the model knows."""
    vocab = tokenizer.get_vocab()
    for token in (USER_TOKEN, SYSTEM_TOKEN):
        token_id = vocab.get(token)
        if token_id is None or token_id == tokenizer.unk_token_id:
            return False
        if tokenizer(token, add_special_tokens=False)["input_ids"] != [token_id]:
            return False
    return True


def answer_prefix(turn_tokens: bool) -> str:
    """What separates a causal prompt from its answer in training text: the plain format
    ends with "답변:" and the answer follows after a blank."""
    return "" if turn_tokens else " "


def truncate_to_tokens(tokenizer: PreTrainedTokenizerBase, text: str, max_tokens: int) -> str:
    """The longest start of `text` that is at most `max_tokens` tokens (by re-encoding)."""
    ids = tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"]
    if len(ids) <= max_tokens:
        return text
    # Byte-level tokenizers can end a cut inside a character; drop the broken tail.
    text = cast(str, tokenizer.decode(ids[:max_tokens], skip_special_tokens=True))
    return text.rstrip("\ufffd").rstrip()


def _without_turn_tokens(text: str) -> str:
    """Text from users and notes may not open or close a turn of the prompt."""
    return text.replace(USER_TOKEN, "").replace(SYSTEM_TOKEN, "").strip()


def _passage_block(index: int, passage: Passage, text: str) -> str:
    heading = _without_turn_tokens(passage.heading)
    header = f"[{index}] {heading}" if heading else f"[{index}]"
    return f"{header}\n{_without_turn_tokens(text)}"


def _causal_text(
    question: str, blocks: Sequence[str], *, topic: str, turn_tokens: bool, with_notes: bool
) -> str:
    lines = [INSTRUCTION if with_notes else CHAT_INSTRUCTION]
    if topic:
        lines.append(f"주제: {topic}")
    lines.extend(blocks)
    if turn_tokens:
        lines.append(f"{USER_TOKEN}{question}{SYSTEM_TOKEN}")
    else:
        lines.append(f"질문: {question}\n답변:")
    return "\n".join(lines)


def _seq2seq_text(question: str, blocks: Sequence[str], *, topic: str, with_notes: bool) -> str:
    lines = [INSTRUCTION if with_notes else CHAT_INSTRUCTION]
    if topic:
        lines.append(f"주제: {topic}")
    lines.append(f"질문: {question}")
    if blocks:
        lines.append("참고:")
        lines.extend(blocks)
    return "\n".join(lines)


def _fit(
    tokenizer: PreTrainedTokenizerBase,
    passages: Sequence[Passage],
    budget: int,
    render: Callable[[list[str]], str],
) -> str:
    """Render with as many passages as fit in `budget` tokens (special tokens included),
    best first; the last one kept may be truncated."""
    special = tokenizer.num_special_tokens_to_add()

    def cost(blocks: list[str]) -> int:
        return count_tokens(tokenizer, render(blocks)) + special

    blocks: list[str] = []
    for index, passage in enumerate(passages, start=1):
        whole = _passage_block(index, passage, passage.text)
        if cost([*blocks, whole]) <= budget:
            blocks.append(whole)
            continue
        left = budget - cost([*blocks, _passage_block(index, passage, "")])
        if left >= MIN_PASSAGE_TOKENS:
            text = truncate_to_tokens(tokenizer, passage.text, left)
            # Tokens can merge differently across the block boundary: shrink until it fits.
            while text and cost([*blocks, _passage_block(index, passage, text)]) > budget:
                shorter = truncate_to_tokens(
                    tokenizer, text, max(count_tokens(tokenizer, text) - 2, 0)
                )
                text = shorter if len(shorter) < len(text) else ""
            if count_tokens(tokenizer, text) >= MIN_PASSAGE_TOKENS:
                blocks.append(_passage_block(index, passage, text))
        break
    return render(blocks)


def build_causal_prompt(
    tokenizer: PreTrainedTokenizerBase,
    question: str,
    passages: Sequence[Passage],
    *,
    budget: int,
    topic: str = "",
    turn_tokens: bool,
) -> str:
    """The prompt of a causal LM: instruction, passages that fit in `budget` tokens, and the
    question in the model's turn format. The answer is generated right after it."""
    with_notes = bool(passages)

    def render(blocks: list[str]) -> str:
        return _causal_text(
            _without_turn_tokens(question),
            blocks,
            topic=_without_turn_tokens(topic),
            turn_tokens=turn_tokens,
            with_notes=with_notes,
        )

    return _fit(tokenizer, passages, budget, render)


def build_seq2seq_input(
    tokenizer: PreTrainedTokenizerBase,
    question: str,
    passages: Sequence[Passage],
    *,
    budget: int,
    topic: str = "",
) -> str:
    """The encoder input of a seq2seq model: instruction, question, then the passages that fit
    in `budget` tokens."""
    with_notes = bool(passages)

    def render(blocks: list[str]) -> str:
        return _seq2seq_text(
            _without_turn_tokens(question),
            blocks,
            topic=_without_turn_tokens(topic),
            with_notes=with_notes,
        )

    return _fit(tokenizer, passages, budget, render)


def build_chat_messages(
    question: str, passages: Sequence[Passage], *, topic: str = ""
) -> list[dict[str, str]]:
    """Messages for a chat model: the instruction, topic and passages (`[n] heading`, then the
    text) as the system message, the question as the user's. Every passage goes in: a served
    instruction model has a window of thousands of tokens, and the chain sends a few passages
    of at most 700 characters."""
    lines = [INSTRUCTION if passages else CHAT_INSTRUCTION]
    if topic:
        lines.append(f"주제: {topic}")
    lines.extend(
        _passage_block(index, passage, passage.text)
        for index, passage in enumerate(passages, start=1)
    )
    return [
        {"role": "system", "content": "\n".join(lines)},
        {"role": "user", "content": question.strip()},
    ]
