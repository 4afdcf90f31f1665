"""Fine-tune KoGPT2 or a seq2seq model on the course notes and, optionally, small talk.

Training pairs come from the ingested chunks: questions formed from each section heading
("{heading}이(가) 뭐예요?", "{heading}에 대해 설명해 주세요.") are answered by the first
sentences of the section, and questions about the terms the notes define on a line of their
own ("RAG - LLM과 검색 엔진을 ...", "순전파: ...") or in a sub-section by that definition.
Lines of code, tables and file listings are not used as answers. Each pair is trained
in the exact prompt format the generator uses at inference, with its section as the
passage, so the model learns to answer from the passage it is shown. Small-talk pairs from
a `Q,A` CSV (e.g. ChatbotData.csv) are trained without passages.

The loop is plain torch rather than `transformers.Trainer`: Trainer needs `accelerate`,
which the project does not otherwise depend on, and what is needed here is short: AdamW
with linear decay, gradient clipping, mixed precision on CUDA, an evaluation loss per epoch
on a held-out split, early stopping that restores the best epoch, and a tqdm bar. The
result is saved with the tokenizer, so `kogpt2:<dir>` or `seq2seq:<dir>` loads it directly.
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import math
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import torch
from tqdm.auto import tqdm

from chatbot.generation.base import Passage
from chatbot.generation.hf import GeneratorKind, load_pretrained, resolve_device
from chatbot.generation.prompts import (
    answer_prefix,
    build_causal_prompt,
    build_seq2seq_input,
    has_turn_tokens,
)

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

logger = logging.getLogger(__name__)

IGNORE_INDEX = -100
"""Label of tokens that carry no loss: the prompt of a causal example, and padding."""


class ChunkLike(Protocol):
    """What the pair builder needs of an ingested chunk."""

    @property
    def source(self) -> str: ...

    @property
    def heading(self) -> str: ...

    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class TrainingPair:
    question: str
    answer: str
    passages: tuple[Passage, ...] = ()
    """What the prompt shows with the question: the answer's section, or nothing."""


# --- training pairs -------------------------------------------------------------------

_HEADING_PATH = re.compile(r"\s*(?:>|›|»)\s*")
_LINE_PREFIX = re.compile(r"^(?:[-*•>#]+\s*|\d{1,2}[.)]\s+)+")
_MARKUP = re.compile(r"\*\*|__|`")
# Ingestion labels a merged sub-section "[its heading] its text".
_TITLE = re.compile(r"^\[(?P<title>[^\[\]]{1,60})\]\s*")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")
_DEFINITION = re.compile(r"^(?P<term>[^:：]{2,30}?)(?:\s*[:：]\s*|\s+[-–—]+\s+)(?P<body>\S.*)$")
_TERM = re.compile(r"^[0-9A-Za-z가-힣][0-9A-Za-z가-힣 .+#/_()-]*$")
_HANGUL = re.compile(r"[가-힣]")
# Labels that head a line ("예: ...", "장점: ...") without being terms of the course.
_STOP_TERMS = frozenset([
    "예", "예시", "참고", "주의", "결과", "장점", "단점", "설명", "정의", "특징", "출처", "답",
    "답변", "질문", "코드", "출력", "입력", "결론", "요약", "목표", "방법", "이유", "문제", "해결",
    "단계", "ex", "eg", "e.g", "note", "tip", "step", "q", "a",
])  # fmt: skip
_DIGITS_WITH_FINAL = "013678"  # 영 일 삼 육 칠 팔 end in a consonant


def _strip_line(line: str) -> str:
    return _MARKUP.sub("", _LINE_PREFIX.sub("", line.strip())).strip()


def _clean_line(line: str) -> str:
    """A line without list marks, emphasis and sub-section labels."""
    line = _strip_line(line)
    while match := _TITLE.match(line):
        line = _strip_line(line[match.end() :])
    return line


def _is_prose(text: str) -> bool:
    """Korean prose rather than code, a table row or a file listing: at least half of the
    words hold Hangul."""
    words = text.split()
    if not words or "|" in text or text[0] in "{}()[]\\,;=":
        return False
    return sum(bool(_HANGUL.search(word)) for word in words) * 2 >= len(words)


def _sentences(text: str) -> list[str]:
    sentences: list[str] = []
    for line in text.splitlines():
        cleaned = _clean_line(line)
        if cleaned:
            sentences.extend(s.strip() for s in _SENTENCE_BREAK.split(cleaned) if s.strip())
    return sentences


def _own_lines(text: str) -> str:
    """The chunk's text before the first labelled sub-section merged into it."""
    lines = text.splitlines()
    end = next((i for i, line in enumerate(lines) if _TITLE.match(_strip_line(line))), len(lines))
    return "\n".join(lines[:end])


def _shorten(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    cut = text.rfind(" ", 0, max_chars + 1)
    return text[: cut if cut > 0 else max_chars].rstrip()


def _has_final_consonant(word: str) -> bool | None:
    """Whether `word` ends in a consonant when read in Korean (None when unsure)."""
    word = re.sub(r"\s*\([^)]*\)\s*$", "", word)  # a particle follows the word, not "(...)"
    letters = [ch for ch in word if ch.isalnum()]
    if not letters:
        return None
    last = letters[-1]
    if "가" <= last <= "힣":
        return (ord(last) - ord("가")) % 28 != 0
    if last.isdigit():
        return last in _DIGITS_WITH_FINAL
    if last.isascii() and last.isalpha():
        tail = re.search(r"[A-Za-z]+$", word)
        if tail and tail.group().isupper():  # read letter by letter: 엘 엠 엔 알
            return last in "LMNR"
        return last.lower() in "lmn" or word.lower().endswith("ng")  # -ng: 패딩
    return None


def _subject(word: str) -> str:
    final = _has_final_consonant(word)
    return "이(가)" if final is None else ("이" if final else "가")


def _is_term(term: str) -> bool:
    return (
        bool(_TERM.match(term))
        and term.count("(") == term.count(")")
        and len(term.split()) <= 4
        and term.lower() not in _STOP_TERMS
        and any(ch.isalpha() for ch in term)
    )


def _definition(line: str) -> tuple[str, str] | None:
    """(term, definition) when `line` reads "term: definition" or "term - definition"."""
    match = _DEFINITION.match(line)
    if not match or "://" in line:
        return None
    term, body = match.group("term").strip(), match.group("body").strip()
    if not _is_term(term) or len(body) < 4 or not _is_prose(body):
        return None
    return term, body


def _key_terms(text: str) -> list[tuple[str, str]]:
    """(term, definition) for lines that define a term, and for labelled sub-sections
    ("[term] text") merged into a chunk."""
    found: list[tuple[str, str]] = []
    for line in text.splitlines():
        stripped = _strip_line(line)
        title = _TITLE.match(stripped)
        if title:
            term = _strip_line(title.group("title")).rstrip(":： ").strip()
            body = _clean_line(stripped)
            if _is_term(term) and body and _is_prose(body):
                found.append((term, body))
            continue
        definition = _definition(_clean_line(line))
        if definition:
            found.append(definition)
    return found


def _heading_questions(topic: str) -> list[str]:
    if topic.endswith("?"):
        return [topic]
    if len(topic) > 40:
        return []
    questions = [f"{topic}에 대해 설명해 주세요."]
    if len(topic.split()) <= 3:
        questions.insert(0, f"{topic}{_subject(topic)} 뭐예요?")
    return questions


def pairs_from_chunks(
    records: Iterable[ChunkLike], *, answer_sentences: int = 2, max_answer_chars: int = 300
) -> list[TrainingPair]:
    """Question-answer pairs from ingested chunks (in document order): heading questions
    answered by the first sentences of the section (its first chunk), and key-term questions
    answered by the term's definition. Each pair carries its chunk as the passage. Lines of
    code, tables and listings are not used as answers."""
    pairs: list[TrainingPair] = []
    questions: set[str] = set()
    topics: set[tuple[str, str]] = set()

    def add(question: str, sentences: list[str], passage: Passage) -> None:
        answer = _shorten(" ".join(sentences[:answer_sentences]), max_answer_chars)
        if answer and question not in questions:
            questions.add(question)
            pairs.append(TrainingPair(question, answer, (passage,)))

    for index, record in enumerate(records):
        text = (record.text or "").strip()
        if not text:
            continue
        passage = Passage(
            chunk_id=index, source=record.source, heading=record.heading, text=text, score=1.0
        )
        parts = [p for p in _HEADING_PATH.split(record.heading or "") if p.strip()]
        topic = _clean_line(parts[-1]) if parts else ""
        if any(ch.isalpha() for ch in topic) and (record.source, topic) not in topics:
            topics.add((record.source, topic))
            heading_line = topic
            lead: list[str] = []
            # A heading such as "강화학습: 에이전트가 …" names the term and defines it.
            definition = _definition(topic)
            if definition:
                topic, body = definition
                lead = [body]
            sentences = lead + [
                s
                for s in _sentences(_own_lines(text))
                if s not in (heading_line, topic) and _is_prose(s)
            ]
            for question in _heading_questions(topic):
                add(question, sentences, passage)
        for term, body in _key_terms(text):
            sentences = _sentences(body)
            add(f"{term}{_subject(term)} 뭐예요?", sentences, passage)
            add(f"{term}에 대해 설명해 주세요.", sentences, passage)
    logger.info("training pairs from notes sections=%d pairs=%d", len(topics), len(pairs))
    return pairs


def pairs_from_csv(path: Path, *, limit: int | None = None, seed: int = 0) -> list[TrainingPair]:
    """Small-talk pairs from a CSV with columns Q and A (ChatbotData.csv's layout). `limit`
    keeps a random sample of that many rows (the file is sorted by label)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"Q", "A"} <= set(reader.fieldnames):
            raise ValueError(f"{path} needs the columns Q and A, found {reader.fieldnames}")
        rows = [
            (question, answer)
            for row in reader
            if (question := (row["Q"] or "").strip()) and (answer := (row["A"] or "").strip())
        ]
    if limit is not None and limit < len(rows):
        rows = random.Random(seed).sample(rows, limit)
    logger.info("small-talk pairs file=%s pairs=%d", path, len(rows))
    return [TrainingPair(question, answer) for question, answer in rows]


# --- training -------------------------------------------------------------------------


@dataclass(frozen=True)
class FinetuneOptions:
    kind: GeneratorKind
    base: str
    """Hub id or local directory of the model to start from."""
    out_dir: Path
    epochs: int = 3
    batch_size: int = 8
    lr: float = 5e-5
    patience: int = 2
    """Epochs without a better evaluation loss before stopping (0: never stop early)."""
    max_length: int = 384
    """Tokens per example: prompt and answer of a causal LM, encoder input of a seq2seq."""
    seed: int = 42
    device: str = "auto"
    eval_fraction: float = 0.1
    progress: bool = True


@dataclass(frozen=True)
class EpochStats:
    epoch: int
    train_loss: float
    eval_loss: float | None


@dataclass(frozen=True)
class FinetuneResult:
    out_dir: Path
    history: list[EpochStats]
    best_epoch: int
    train_pairs: int
    eval_pairs: int
    stopped_early: bool
    device: str


@dataclass(frozen=True)
class _Example:
    input_ids: list[int]
    labels: list[int]


def _encode_causal(
    tokenizer: PreTrainedTokenizerBase, pair: TrainingPair, max_length: int, turn_tokens: bool
) -> _Example:
    eos = tokenizer.eos_token_id
    if eos is None:
        raise ValueError("the tokenizer has no end-of-sequence token to end answers with")
    answer_ids = tokenizer(answer_prefix(turn_tokens) + pair.answer, add_special_tokens=False)[
        "input_ids"
    ][: max_length // 2]
    answer_ids = [*answer_ids, eos]
    budget = max_length - len(answer_ids)
    prompt = build_causal_prompt(
        tokenizer, pair.question, pair.passages, budget=budget, turn_tokens=turn_tokens
    )
    prompt_ids = tokenizer(prompt)["input_ids"][-budget:]
    return _Example([*prompt_ids, *answer_ids], [IGNORE_INDEX] * len(prompt_ids) + answer_ids)


def _encode_seq2seq(
    tokenizer: PreTrainedTokenizerBase, pair: TrainingPair, max_length: int
) -> _Example:
    source = build_seq2seq_input(tokenizer, pair.question, pair.passages, budget=max_length)
    input_ids = tokenizer(source, truncation=True, max_length=max_length)["input_ids"]
    labels = tokenizer(text_target=pair.answer, truncation=True, max_length=max_length)["input_ids"]
    return _Example(list(input_ids), list(labels))


def _collate(examples: Sequence[_Example], pad_id: int, causal: bool) -> dict[str, torch.Tensor]:
    width = max(len(e.input_ids) for e in examples)
    input_ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(examples), width), dtype=torch.long)
    label_width = width if causal else max(len(e.labels) for e in examples)
    labels = torch.full((len(examples), label_width), IGNORE_INDEX, dtype=torch.long)
    for row, example in enumerate(examples):
        input_ids[row, : len(example.input_ids)] = torch.tensor(example.input_ids)
        attention[row, : len(example.input_ids)] = 1
        labels[row, : len(example.labels)] = torch.tensor(example.labels)
    return {"input_ids": input_ids, "attention_mask": attention, "labels": labels}


def _split(
    examples: list[_Example], pairs: Sequence[TrainingPair], fraction: float, seed: int
) -> tuple[list[_Example], list[_Example]]:
    """Hold out about `fraction` of the examples, keeping questions that share an answer on
    the same side so the evaluation loss is measured on answers never trained on."""
    groups: dict[str, list[int]] = {}
    for index, pair in enumerate(pairs):
        groups.setdefault(pair.answer, []).append(index)
    keys = list(groups)
    random.Random(seed).shuffle(keys)
    target = max(round(len(examples) * fraction), 1) if fraction > 0 and len(keys) > 1 else 0
    held: set[int] = set()
    for key in keys:
        if len(held) >= target or len(held) + len(groups[key]) >= len(examples):
            break
        held.update(groups[key])
    train = [e for i, e in enumerate(examples) if i not in held]
    return train, [examples[i] for i in sorted(held)]


def _batches(examples: Sequence[_Example], size: int) -> list[Sequence[_Example]]:
    return [examples[i : i + size] for i in range(0, len(examples), size)]


def _evaluate(
    model: PreTrainedModel,
    batches: Sequence[Sequence[_Example]],
    *,
    pad_id: int,
    causal: bool,
    device: torch.device,
    autocast: Any,
) -> float:
    """Mean loss per answer token over the held-out batches."""
    model.eval()
    total = 0.0
    tokens = 0
    with torch.no_grad():
        for batch in batches:
            inputs = {k: v.to(device) for k, v in _collate(batch, pad_id, causal).items()}
            with autocast():
                loss = model(**inputs).loss
            count = int((inputs["labels"] != IGNORE_INDEX).sum())
            total += float(loss) * count
            tokens += count
    return total / max(tokens, 1)


def finetune(pairs: Sequence[TrainingPair], options: FinetuneOptions) -> FinetuneResult:
    """Train `options.base` on `pairs` and save the best epoch's model and tokenizer to
    `options.out_dir`. Raises `GeneratorUnavailableError` when the base cannot be loaded."""
    if not pairs:
        raise ValueError("no training pairs: ingest the notes or give a small-talk CSV")
    random.seed(options.seed)
    torch.manual_seed(options.seed)
    device, _ = resolve_device(options.device)
    # Weights stay fp32 for training; CUDA runs the forward pass in mixed precision.
    model, tokenizer = load_pretrained(options.kind, options.base, dtype=torch.float32)
    model.to(device)  # type: ignore[arg-type]
    causal = options.kind == "kogpt2"
    pad_id = tokenizer.pad_token_id
    if pad_id is None:
        pad_id = tokenizer.eos_token_id if tokenizer.eos_token_id is not None else 0
    if causal:
        turn_tokens = has_turn_tokens(tokenizer)
        examples = [_encode_causal(tokenizer, p, options.max_length, turn_tokens) for p in pairs]
    else:
        examples = [_encode_seq2seq(tokenizer, p, options.max_length) for p in pairs]
    train, held = _split(examples, pairs, options.eval_fraction, options.seed)
    logger.info(
        "fine-tuning base=%s kind=%s device=%s train=%d eval=%d",
        options.base,
        options.kind,
        device,
        len(train),
        len(held),
    )

    use_amp = device.type == "cuda"
    amp_dtype = torch.bfloat16 if use_amp and torch.cuda.is_bf16_supported() else torch.float16

    def autocast() -> Any:
        if not use_amp:
            return contextlib.nullcontext()
        return torch.autocast(device_type="cuda", dtype=amp_dtype)

    scaler = torch.amp.GradScaler("cuda", enabled=use_amp and amp_dtype == torch.float16)
    optimizer = torch.optim.AdamW(model.parameters(), lr=options.lr, weight_decay=0.01)
    steps_per_epoch = math.ceil(len(train) / options.batch_size)
    total_steps = max(options.epochs * steps_per_epoch, 1)
    warmup = min(100, total_steps // 10)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: (
            (step + 1) / (warmup + 1)
            if step < warmup
            else max(0.0, (total_steps - step) / max(total_steps - warmup, 1))
        ),
    )
    held_batches = _batches(held, options.batch_size)
    shuffler = random.Random(options.seed)

    history: list[EpochStats] = []
    best_loss = math.inf
    best_epoch = 0
    best_state: dict[str, torch.Tensor] | None = None
    stale = 0
    stopped_early = False
    for epoch in range(1, options.epochs + 1):
        model.train()
        order = list(train)
        shuffler.shuffle(order)
        bar = tqdm(
            _batches(order, options.batch_size),
            desc=f"epoch {epoch}/{options.epochs}",
            unit="batch",
            disable=not options.progress,
        )
        losses: list[float] = []
        for batch in bar:
            inputs = {k: v.to(device) for k, v in _collate(batch, pad_id, causal).items()}
            with autocast():
                loss = model(**inputs).loss
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            scaler.step(optimizer)
            scaler.update()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(loss.detach().item())
            bar.set_postfix(loss=f"{losses[-1]:.3f}")
        train_loss = sum(losses) / len(losses)
        eval_loss = (
            _evaluate(
                model, held_batches, pad_id=pad_id, causal=causal, device=device, autocast=autocast
            )
            if held_batches
            else None
        )
        history.append(EpochStats(epoch, train_loss, eval_loss))
        logger.info("epoch=%d train_loss=%.4f eval_loss=%s", epoch, train_loss, eval_loss)
        if options.progress:
            held_out = f"{eval_loss:.4f}" if eval_loss is not None else "-"
            tqdm.write(f"epoch {epoch}: train loss {train_loss:.4f}, held-out loss {held_out}")
        if eval_loss is None:
            best_epoch = epoch
            continue
        if eval_loss < best_loss - 1e-4:
            best_loss, best_epoch, stale = eval_loss, epoch, 0
            best_state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
        else:
            stale += 1
            if options.patience and stale >= options.patience:
                stopped_early = True
                logger.info("early stop epoch=%d best_epoch=%d", epoch, best_epoch)
                break
    if best_state is not None and best_epoch != history[-1].epoch:
        model.load_state_dict(best_state)

    result = FinetuneResult(
        out_dir=options.out_dir,
        history=history,
        best_epoch=best_epoch,
        train_pairs=len(train),
        eval_pairs=len(held),
        stopped_early=stopped_early,
        device=str(device),
    )
    options.out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(options.out_dir)
    tokenizer.save_pretrained(options.out_dir)
    summary = {
        "base": options.base,
        "kind": options.kind,
        "best_epoch": best_epoch,
        "train_pairs": len(train),
        "eval_pairs": len(held),
        "stopped_early": stopped_early,
        "history": [asdict(stats) for stats in history],
    }
    (options.out_dir / "finetune.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    logger.info("fine-tuned model saved dir=%s best_epoch=%d", options.out_dir, best_epoch)
    return result
