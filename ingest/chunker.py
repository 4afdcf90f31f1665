"""Sections → chunks: headings first, then sentences, within a size range.

A section that fits in ``max_chars`` is one chunk. A longer one is cut between
blocks, lines and, inside long lines, between sentences (Kiwi's sentence
splitter, which handles Korean endings without punctuation). Code and tables
are cut only between lines. Sections shorter than ``min_chars`` are merged into
a neighbour with their title kept inline, so no chunk is tiny or empty (a merged
chunk may exceed ``max_chars`` by at most ``min_chars``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ingest.config import ChunkingConfig
from ingest.markdown import Section

SentenceSplitter = Callable[[str], list[str]]


@dataclass
class ChunkDraft:
    heading: str
    text: str
    line_start: int

    def __len__(self) -> int:
        return len(self.text)


def _units(section: Section, split_sentences: SentenceSplitter, max_chars: int) -> list[str]:
    """Smallest pieces a chunk boundary may fall between."""
    units: list[str] = []
    for block in section.blocks:
        if len(block.text) <= max_chars:
            units.append(block.text)
            continue
        for line in block.text.split("\n"):
            if block.kind != "text" or len(line) <= max_chars:
                units.extend(_hard_wrap(line, max_chars))
                continue
            for sent in split_sentences(line):
                units.extend(_hard_wrap(sent, max_chars))
    return [u for u in units if u.strip()]


def _hard_wrap(text: str, max_chars: int) -> list[str]:
    """Last resort for one sentence or code line longer than a chunk: cut at spaces."""
    if len(text) <= max_chars:
        return [text]
    out, cur = [], ""
    for word in text.split(" "):
        while len(word) > max_chars:
            if cur:
                out.append(cur)
                cur = ""
            out.append(word[:max_chars])
            word = word[max_chars:]
        if cur and len(cur) + 1 + len(word) > max_chars:
            out.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    if cur:
        out.append(cur)
    return out


def _pack(units: list[str], max_chars: int) -> list[str]:
    pieces: list[str] = []
    cur: list[str] = []
    size = 0
    for unit in units:
        extra = len(unit) + (1 if cur else 0)
        if cur and size + extra > max_chars:
            pieces.append("\n".join(cur))
            cur, size = [], 0
            extra = len(unit)
        cur.append(unit)
        size += extra
    if cur:
        pieces.append("\n".join(cur))
    return pieces


def _title_line(heading: str) -> str:
    return f"[{heading.rsplit(' > ', 1)[-1]}]" if heading else ""


def chunk_sections(
    sections: list[Section], split_sentences: SentenceSplitter, config: ChunkingConfig
) -> list[ChunkDraft]:
    drafts: list[ChunkDraft] = []
    for section in sections:
        units = _units(section, split_sentences, config.max_chars)
        # Balance the pieces: n pieces of similar size rather than full ones and a stub.
        pieces = _pack(units, config.max_chars)
        if len(pieces) > 1:
            target = -(-sum(len(u) + 1 for u in units) // len(pieces))
            balanced = _pack(units, min(config.max_chars, max(target + 40, config.max_chars // 2)))
            if len(balanced) == len(pieces):
                pieces = balanced
        drafts.extend(ChunkDraft(section.heading, p, section.line) for p in pieces)
    return _merge_small(drafts, config)


def _merge_small(drafts: list[ChunkDraft], config: ChunkingConfig) -> list[ChunkDraft]:
    """Fold chunks under min_chars into the next (or previous) one, keeping the title."""
    out: list[ChunkDraft] = []
    carry: ChunkDraft | None = None
    for draft in drafts:
        if carry is not None:
            merged = _join(carry, draft, keep_heading=draft.heading)
            if len(merged) <= config.max_chars + config.min_chars:
                draft = merged
            else:
                _append_or_keep(out, carry, config)
            carry = None
        if len(draft) < config.min_chars:
            carry = draft
            continue
        out.append(draft)
    if carry is not None:
        _append_or_keep(out, carry, config)
    return out


def _append_or_keep(out: list[ChunkDraft], small: ChunkDraft, config: ChunkingConfig) -> None:
    if out and len(out[-1]) + len(small) + 1 <= config.max_chars + config.min_chars:
        out[-1] = _join(out[-1], small, keep_heading=out[-1].heading)
    else:
        out.append(small)


def _join(first: ChunkDraft, second: ChunkDraft, keep_heading: str) -> ChunkDraft:
    def labelled(d: ChunkDraft) -> str:
        if d.heading == keep_heading or not d.heading:
            return d.text
        if d.text == d.heading.rsplit(" > ", 1)[-1]:  # a heading with no body of its own
            return _title_line(d.heading)
        return f"{_title_line(d.heading)} {d.text}"

    return ChunkDraft(
        heading=keep_heading,
        text=f"{labelled(first)}\n{labelled(second)}",
        line_start=min(first.line_start, second.line_start),
    )
