"""Where a generated answer ends: the end of the turn and the loop guard.

KoGPT2 and other small causal LMs are known to fall into loops ("딥러닝은 ... 입니다.
딥러닝은 ... 입니다. ...") and, fine-tuned on dialogue, to write the user's next turn
themselves. The decoding penalties make both rarer; this module makes them harmless by
cutting the text at the first sign of either:

* a turn marker (`<usr>`, `<sys>`, `질문:`) starts a new turn: cut before it;
* a run of ``ngram`` words repeats an earlier run: cut before the repetition;
* a run of up to ``ngram // 2`` words comes three times in a row ("층의 층의 층의"): keep
  the first;
* a whole sentence repeats an earlier sentence: cut before the repetition;
* a piece of two or more characters repeats three times in a row inside one word
  ("딥러닝은딥러닝은딥러닝은"): keep the first piece.

The same rules serve a finished text (`clean_answer`) and a text still being generated
(`find_cut` with ``final=False`` stops generation; `stable_length` says how much of it can
be streamed already), so that a streamed answer, joined, equals the finished one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TURN_MARKERS: tuple[str, ...] = ("<usr>", "<sys>", "질문:")
"""Text that starts a new turn; the answer ends before it."""

_WORD = re.compile(r"\S+")
# Stripped from words before they are compared; U+FFFD is what a byte-level tokenizer decodes
# from a character whose bytes are not all generated yet, or never will be.
_PUNCTUATION = ".,!?;:~…·'\"()[]{}<>「」『』“”‘’-—–*\ufffd"
_SENTENCE_END = (".", "!", "?", "。", "…")
_WORD_LOOP = re.compile(r"(\S{2,}?)\1{2,}")


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    key: str
    """The word without surrounding punctuation, lower-cased: what repetition compares."""
    ends_sentence: bool


def _words(text: str, *, final: bool) -> tuple[list[_Word], int | None]:
    """Split `text` into words; while generating, the last word can still grow and is
    returned apart (as its start offset) instead of in the list."""
    words: list[_Word] = []
    partial_start: int | None = None
    for match in _WORD.finditer(text):
        if not final and match.end() == len(text):
            partial_start = match.start()
            break
        raw = match.group()
        words.append(
            _Word(
                start=match.start(),
                end=match.end(),
                key=raw.strip(_PUNCTUATION).lower(),
                ends_sentence=raw.endswith(_SENTENCE_END),
            )
        )
    return words, partial_start


def _marker_cut(text: str) -> int | None:
    positions = [pos for marker in TURN_MARKERS if (pos := text.find(marker)) >= 0]
    return min(positions) if positions else None


def _ngram_cut(keys: list[tuple[int, str]], ngram: int) -> int | None:
    """First start of a run of `ngram` word keys that occurred earlier."""
    seen: set[tuple[str, ...]] = set()
    for i in range(len(keys) - ngram + 1):
        gram = tuple(key for _, key in keys[i : i + ngram])
        if gram in seen:
            return keys[i][0]
        seen.add(gram)
    return None


def _stutter_cut(keys: list[tuple[int, str]], ngram: int) -> int | None:
    """Start of the second copy where a run of at most ``ngram // 2`` words comes three
    times in a row. (Longer runs repeated so are caught by `_ngram_cut`.)"""
    cuts = []
    words = [key for _, key in keys]
    for size in range(1, ngram // 2 + 1):
        for i in range(len(words) - 3 * size + 1):
            run = words[i : i + size]
            if run == words[i + size : i + 2 * size] == words[i + 2 * size : i + 3 * size]:
                cuts.append(keys[i + size][0])
                break
    return min(cuts) if cuts else None


def _sentence_cut(words: list[_Word], *, final: bool) -> int | None:
    """First start of a sentence equal to an earlier one. While generating, only sentences
    whose end mark has been followed by more text count as complete."""
    seen: set[tuple[str, ...]] = set()
    current: list[_Word] = []
    for index, word in enumerate(words):
        current.append(word)
        last = index == len(words) - 1
        if not (word.ends_sentence or (final and last)):
            continue
        keyed = [w for w in current if w.key]
        sentence = tuple(w.key for w in keyed)
        if sentence and any(ch.isalpha() for ch in "".join(sentence)):
            if sentence in seen:
                return keyed[0].start
            seen.add(sentence)
        current = []
    return None


def _word_loop_cut(text: str, spans: list[tuple[int, int]]) -> int | None:
    for start, end in spans:
        match = _WORD_LOOP.search(text, start, end)
        if match:
            return match.start() + len(match.group(1))
    return None


def find_cut(text: str, *, ngram: int, final: bool) -> int | None:
    """Offset where the answer in `text` must end, or None when it may go on.

    With ``final=False`` the text is still being generated: words and sentences that may
    still grow are not judged yet (except for a loop already inside the growing word), so
    later text does not take a cut back. ``ngram=0`` turns the loop rules off and keeps only
    the turn markers.
    """
    cuts: list[int] = []
    marker = _marker_cut(text)
    if marker is not None:
        cuts.append(marker)
    if ngram > 0:
        words, partial_start = _words(text, final=final)
        keyed = [(w.start, w.key) for w in words if w.key]
        for cut in (
            _ngram_cut(keyed, ngram),
            _stutter_cut(keyed, ngram),
            _sentence_cut(words, final=final),
            # A loop inside the growing word is already there, whatever follows it, except
            # in its last characters when they are bytes of a character still being formed.
            _word_loop_cut(
                text,
                [(w.start, w.end) for w in words]
                + (
                    [(partial_start, len(text.rstrip("\ufffd")))]
                    if partial_start is not None
                    else []
                ),
            ),
        ):
            if cut is not None:
                cuts.append(cut)
    return min(cuts) if cuts else None


def clean_answer(text: str, *, ngram: int) -> str:
    """The finished answer: `text` without surrounding blanks, cut by `find_cut`."""
    text = text.strip()
    cut = find_cut(text, ngram=ngram, final=True)
    return text[:cut].rstrip() if cut is not None else text


def stable_length(text: str, *, ngram: int) -> int:
    """How many leading characters of `text` (an answer still being generated, without
    leading blanks) `clean_answer` will keep whatever is generated next.

    Held back: the word that may still grow, the ``ngram - 1`` words before it (a repeated
    run or a short repeated sentence would start there), the blanks before them (they go
    when the answer ends there), and everything after a cut already found.
    """
    words, _ = _words(text, final=False)
    if ngram > 0:
        # Repetition is judged on words that are not punctuation alone; count only those.
        keyed = [w for w in words if w.key]
        held = len(keyed) - (ngram - 1)
        limit = keyed[held - 1].end if held > 0 else 0
    else:
        limit = words[-1].end if words else 0
    cut = find_cut(text, ngram=ngram, final=False)
    if cut is not None and cut < limit:
        limit = len(text[:cut].rstrip())
    return limit
