"""Small talk: the assistant's own reply bank, matched by sentence similarity.

The bank (`chatbot/data/smalltalk.json`) groups user phrasings by intent with
several polite replies each; a message is matched against every phrasing with
the same sentence encoder as the index, and the reply is varied so the same
answer does not come twice in a row. An optional `Q,A` CSV (the format of the
public Korean chatbot dataset) extends the bank; its embeddings are cached in
the data directory keyed by the file's hash.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vector_store.embeddings import NamedEmbeddings

logger = logging.getLogger(__name__)
BANK_PATH = Path(__file__).resolve().parent.parent / "data" / "smalltalk.json"


@dataclass(frozen=True)
class SmallTalkMatch:
    intent: str
    score: float
    pattern: str
    replies: tuple[str, ...]


class SmallTalkBank:
    def __init__(
        self,
        embeddings: NamedEmbeddings,
        *,
        extra_csv: Path | None = None,
        cache_dir: Path | None = None,
        bank_path: Path = BANK_PATH,
        seed: int | None = None,
    ) -> None:
        entries = json.loads(bank_path.read_text(encoding="utf-8"))
        patterns: list[str] = []
        groups: list[tuple[str, tuple[str, ...]]] = []
        for entry in entries:
            replies = tuple(entry["replies"])
            for pattern in entry["patterns"]:
                patterns.append(pattern)
                groups.append((entry["intent"], replies))
        self._vectors = embeddings.embed_array(patterns)
        if extra_csv is not None:
            csv_patterns, csv_groups, csv_vectors = _load_csv(extra_csv, embeddings, cache_dir)
            patterns += csv_patterns
            groups += csv_groups
            self._vectors = np.vstack([self._vectors, csv_vectors])
        self._patterns = patterns
        self._groups = groups
        self._embeddings = embeddings
        self._rng = random.Random(seed)

    def match(self, message: str, vector: np.ndarray | None = None) -> SmallTalkMatch:
        if vector is None:
            vector = self._embeddings.embed_array([message])[0]
        sims = self._vectors @ vector
        best = int(np.argmax(sims))
        intent, replies = self._groups[best]
        return SmallTalkMatch(intent, float(sims[best]), self._patterns[best], replies)

    def reply(self, match: SmallTalkMatch, avoid: set[str] | None = None) -> str:
        options = [r for r in match.replies if r not in (avoid or set())] or list(match.replies)
        return self._rng.choice(options)


def _load_csv(
    path: Path, embeddings: NamedEmbeddings, cache_dir: Path | None
) -> tuple[list[str], list[tuple[str, tuple[str, ...]]], np.ndarray]:
    raw = path.read_bytes()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = [(r["Q"].strip(), r["A"].strip()) for r in csv.DictReader(fh) if r.get("Q")]
    patterns = [q for q, _ in rows]
    groups: list[tuple[str, tuple[str, ...]]] = [("smalltalk", (a,)) for _, a in rows]
    key = hashlib.sha256(raw + embeddings.model_id.encode()).hexdigest()[:16]
    cache = cache_dir / f"smalltalk-{key}.npy" if cache_dir else None
    if cache is not None and cache.exists():
        vectors = np.asarray(np.load(cache))
    else:
        logger.info("embedding small-talk csv=%s rows=%d (cached afterwards)", path, len(rows))
        vectors = embeddings.embed_array(patterns)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.save(cache, vectors)
    return patterns, groups, vectors
