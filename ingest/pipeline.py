"""Incremental, crash-safe ingestion of a notes folder into the index.

Content hashes decide what to do: new files are added, changed files have all
their chunks replaced, files that are gone leave nothing behind, and unchanged
files are not touched. Vectors of chunk texts that already exist are taken from
the database instead of being embedded again (a renamed file, or an edit to one
section of a long file, embeds only what is new).

This module only decides what changed; `vector_store.writer` stores it. Safety:
- one ingest at a time: the writer's lock (a file lock in the data directory on
  SQLite, an advisory lock on PostgreSQL); a second ingest waits
  `chunking.lock_timeout_s`, then fails with `IngestBusyError`;
- all changes of a run are one generation, written in one transaction; a crash or
  kill at any point leaves the previous generation complete and current;
- readers load one committed generation whole (see `vector_store.store`), so they
  see the old index or the new one, never a mix.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import logging
import queue
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
from sqlalchemy import Engine
from tqdm import tqdm

from ingest.chunker import ChunkDraft, chunk_sections
from ingest.config import ChunkingConfig
from ingest.loader import NoteRefused, find_notes, read_note
from ingest.markdown import normalize_note, parse_markdown
from ingest.tree import UnitDraft, name_key, parse_units, spelled_out
from vector_store import serving
from vector_store.analysis import KoreanAnalyzer, acronyms, default_analyzer
from vector_store.config import EmbeddingConfig, RetrievalConfig
from vector_store.db import make_engine, migrate
from vector_store.embeddings import NamedEmbeddings, build_embeddings
from vector_store.writer import (
    ChunkRow,
    DocumentRow,
    IndexWriter,
    SqlIndexWriter,
    UnitRow,
    WriterBusyError,
)

logger = logging.getLogger(__name__)


class IngestSettings(Protocol):
    notes_dir: Path
    data_dir: Path
    chunking: ChunkingConfig
    embedding: EmbeddingConfig
    retrieval: RetrievalConfig

    @property
    def resolved_database_url(self) -> str: ...


class IngestError(Exception):
    """Ingestion cannot run; `ko` and `en` say why to a person."""

    def __init__(self, ko: str, en: str) -> None:
        super().__init__(en)
        self.ko = ko
        self.en = en


class NotesFolderError(IngestError):
    pass


class IngestBusyError(IngestError):
    pass


@dataclass
class FileError:
    path: str
    error: str


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    chunks: int = 0
    embedded: int = 0
    reused: int = 0
    generation: int = 0
    embedder: str = ""
    full_reembed: bool = False
    reason: str = ""
    seconds: float = 0.0
    embed_seconds: float = 0.0
    """Of `seconds`, the time spent in the embedder (the rest: reading, analysing, writing)."""

    def summary(self) -> dict[str, Any]:
        """Counts (what `chatbot ingest --json` prints) plus the file lists."""
        data = asdict(self)
        for key in ("added", "updated", "removed", "unchanged"):
            data[f"{key}_files"] = data.pop(key)
            data[key] = len(data[f"{key}_files"])
        data["seconds"] = round(self.seconds, 3)
        data["embed_seconds"] = round(self.embed_seconds, 3)
        return data


@dataclass
class _Read:
    """A file that must be (re)indexed: read and classified, not yet parsed."""

    path: str
    sha256: str
    size: int
    text: str


@dataclass
class _Prepared:
    path: str
    sha256: str
    size: int
    drafts: list[ChunkDraft]
    units: list[UnitDraft]
    rows: list[tuple[ChunkDraft, str, str, list[str]]] = field(default_factory=list)
    """Per chunk: (draft, text to embed, its hash, its terms)."""
    unit_rows: list[UnitRow] = field(default_factory=list)
    stored: dict[str, np.ndarray] = field(default_factory=dict)
    """Vectors already in the database for texts of this file, by hash."""


def _sha256(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


# Texts per call of the embedder (it batches them by `embedding.batch_size` itself); the
# scale benchmark embeds alone in calls of the same size, through `embed_stream`.
EMBED_BATCH = 64
# Files parsed and analysed ahead of the embedder.
PREPARE_AHEAD = 16

T = TypeVar("T")
R = TypeVar("R")

# Bump when parsing or chunking changes what chunks or units an unchanged file yields.
CHUNKER_VERSION = 53
# What opens a line of a list ("- ", "* ", "• "), and how a line writes a term and what
# it says of it ("RAG - LLM과 …", "p: 자기 회귀 차수"; see `ingest.tree`)
_LIST_MARK = re.compile(r"^\s*[-*+•]\s+")
_TERM_MARKS = (": ", " - ", " : ", " – ", " → ", "→ ", " →", "→")


def chunking_fingerprint(config: ChunkingConfig, analysis: str) -> str:
    """What decides the chunks and terms of an unchanged file: chunker, sizes, analyser."""
    return _sha256(f"{CHUNKER_VERSION}|{config.max_chars}|{config.min_chars}|{analysis}")[:16]


def embed_text(draft_heading: str, text: str) -> str:
    """What the dense side sees: the heading path gives a chunk its topic."""
    return f"{draft_heading}\n{text}" if draft_heading else text


class EmbedTimer:
    """Wall time during which at least one embedder call ran (calls overlap on lanes)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._since = 0.0
        self.seconds = 0.0

    def __enter__(self) -> None:
        with self._lock:
            if not self._running:
                self._since = time.perf_counter()
            self._running += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._running -= 1
            if not self._running:
                self.seconds += time.perf_counter() - self._since


def embed_stream(
    lanes: list[Callable[[list[str]], np.ndarray]],
    batches: Iterable[list[str]],
    timer: EmbedTimer | None = None,
) -> Iterator[np.ndarray]:
    """The vectors of each batch, in order. With several lanes (`NamedEmbeddings.lanes`)
    that many batches are embedded at once, each on one lane; the next batches are drawn
    from `batches` while they run."""
    timer = timer or EmbedTimer()
    if len(lanes) == 1:
        for texts in batches:
            with timer:
                vectors = lanes[0](texts)
            yield vectors
        return
    free: queue.SimpleQueue[Callable[[list[str]], np.ndarray]] = queue.SimpleQueue()
    for lane in lanes:
        free.put(lane)

    def call(texts: list[str]) -> np.ndarray:
        lane = free.get()  # a lane runs one batch at a time
        try:
            with timer:
                return lane(texts)
        finally:
            free.put(lane)

    with ThreadPoolExecutor(len(lanes), thread_name_prefix="embed") as pool:
        running: deque[Future[np.ndarray]] = deque()
        try:
            for texts in batches:
                running.append(pool.submit(call, texts))
                if len(running) >= len(lanes):
                    yield running.popleft().result()
            while running:
                yield running.popleft().result()
        finally:
            for future in running:
                future.cancel()


def _prefetch(items: Iterable[T], fn: Callable[[T], R], concurrent: bool) -> Iterator[R]:
    """`fn` of each item, in order; when `concurrent`, computed on a thread of its own up
    to `PREPARE_AHEAD` items ahead of the consumer (Kiwi and the embedder are native code
    that release the GIL, so the two overlap)."""
    if not concurrent:
        for item in items:
            yield fn(item)
        return
    out: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=PREPARE_AHEAD)
    stop = threading.Event()
    done = object()

    def work() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                out.put((True, fn(item)))
            out.put((True, done))
        except BaseException as exc:  # handed to the consumer, raised there
            out.put((False, exc))

    thread = threading.Thread(target=work, name="ingest-prepare", daemon=True)
    thread.start()
    try:
        while True:
            ok, value = out.get()
            if not ok:
                raise value
            if value is done:
                return
            yield value
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            with suppress(queue.Empty):
                out.get(timeout=0.05)
        thread.join()


class RunTerms:
    """The terms of every text analysed in one ingest run, by text: a text met again in
    the run (a line that repeats in a file, a heading shared by the units of a section
    and by files of one course, a copied file) is analysed once. A text's terms do not
    depend on the texts analysed with it, so they are those of a fresh analysis.

    One per run and one thread (the one that prepares files); the oldest entries go
    beyond `max_texts`, so memory stays bounded on large corpora (repeats are mostly
    near each other)."""

    def __init__(self, analyzer: KoreanAnalyzer, max_texts: int = 1 << 16) -> None:
        self.analyzer = analyzer
        self.max_texts = max_texts
        self._terms: dict[str, list[str]] = {}
        self.analysed = 0
        """Texts handed to the analyser so far."""

    def many(self, texts: list[str]) -> list[list[str]]:
        """`KoreanAnalyzer.terms_many` of `texts` (the lists may be shared: do not
        change them); the texts not seen yet are analysed in one batch."""
        known = self._terms
        new = [t for t in dict.fromkeys(texts) if t not in known]
        found = dict(zip(new, self.analyzer.terms_many(new), strict=True))
        self.analysed += len(new)
        out = [known[t] if t in known else found[t] for t in texts]
        known.update(found)
        if len(known) > self.max_texts:
            for old in list(itertools.islice(known, len(known) - self.max_texts)):
                del known[old]
        return out


def _prepare(
    read: _Read,
    analyzer: KoreanAnalyzer,
    chunking: ChunkingConfig,
    stored: Callable[[list[str]], dict[str, np.ndarray]] | None,
    terms: RunTerms | None = None,
) -> _Prepared:
    """Parse, chunk and analyse one file, and find the stored vectors of its texts.
    `terms`: the run's analyses so far (filled here)."""
    terms = terms or RunTerms(analyzer)
    drafts = chunk_sections(parse_markdown(read.text), analyzer.split_sentences, chunking)
    prep = _Prepared(read.path, read.sha256, read.size, drafts, parse_units(read.text))
    etexts = [embed_text(draft.heading, draft.text) for draft in drafts]
    # A chunk is analysed piece by piece (`chunk_pieces`): a heading shared by the chunks
    # of a section, and a line that is also an answer unit's text, are analysed once.
    pieces = [chunk_pieces(draft) for draft in drafts]
    flat = [piece for of_chunk in pieces for piece in of_chunk]
    found = iter(terms.many(flat))
    # a name spelled out ("K-Nearest Neighbor") is found by its initials too (knn)
    prep.rows = [
        (
            draft,
            etext,
            _sha256(etext),
            [t for _ in of_chunk for t in next(found)] + acronyms(etext),
        )
        for draft, etext, of_chunk in zip(drafts, etexts, pieces, strict=True)
    ]
    prep.unit_rows = _unit_rows(prep, terms, set(flat))
    if stored is not None:
        prep.stored = stored([h for _, _, h, _ in prep.rows])
    return prep


def chunk_pieces(draft: ChunkDraft) -> list[str]:
    """What a chunk's terms are analysed from, in order: the labels of its heading path
    and its lines, each without the list marker and the indentation that open it ("- ",
    "\t* "), as its answer units write them; blank ones left out. Kiwi reads a line about
    the same alone as among its neighbours, and a heading or a unit's line met again in
    the run is not analysed again (see `RunTerms`)."""
    labels = draft.heading.split(" > ") if draft.heading else []
    lines = (_LIST_MARK.sub("", line).strip() for line in draft.text.split("\n"))
    return [piece for piece in [*labels, *lines] if piece]


def own_text(unit: UnitDraft, lines: set[str]) -> str:
    """The text a unit's own terms are analysed from: its term and its text as a line of
    its chunk writes them ("RAG - LLM과 검색 엔진을 …"), found among `lines`, else the two
    joined by a space."""
    if unit.term:
        for mark in _TERM_MARKS:
            written = f"{unit.term}{mark}{unit.text}"
            if written in lines:
                return written
    return f"{unit.term} {unit.text}".strip()


def _unit_rows(prep: _Prepared, terms: RunTerms, lines: set[str]) -> list[UnitRow]:
    """Units of one file, each tied to the chunk whose text holds it. `lines`: the pieces
    its chunks were analysed from (`chunk_pieces`).

    Chunks and units both follow the file's order, so one forward pass finds, for each
    unit, the first chunk from the current one on that contains its text (a unit split
    over two chunks, or cleaned differently, stays with the chunk of the previous one)."""
    rows: list[UnitRow] = []
    flat = [" ".join(d.text.split()) for d in prep.drafts]
    # What a unit is about: its term, the labels above it and its section heading (many
    # units share one, and files of one course share headings); a blank one has no terms.
    # A name the file spells out in the other script ("Bayesian Optimization(베이지안 최적화)")
    # is its context in both: lines under "Bayesian Optimization" are about 베이지안 최적화.
    spelled = spelled_out(prep.units)
    # Each name is analysed on its own (a unit's context terms are those of its names
    # together): a heading or a parent bullet is a line of a chunk, analysed already.
    with_others: dict[str, list[str]] = {}  # a name, and what else names it, by name
    for name in {n for unit in prep.units for n in (unit.term, *unit.labels)}:
        key = name_key(name)
        with_others[name] = [name, *([spelled[key]] if key in spelled else []), *acronyms(name)]
    contexts: list[list[str]] = []
    for unit in prep.units:
        names = [unit.term, *unit.labels[max(0, unit.heading_depth - 1) :]]
        contexts.append(
            [n for n in dict.fromkeys(m for name in names for m in with_others[name]) if n.strip()]
        )
    named = list(dict.fromkeys(n for names in contexts for n in names))
    of_name = dict(zip(named, terms.many(named), strict=True))
    owns = [own_text(unit, lines) for unit in prep.units]
    unit_terms = [t + acronyms(own) for t, own in zip(terms.many(owns), owns, strict=True)]
    at = 0
    for i, (unit, context, own) in enumerate(zip(prep.units, contexts, unit_terms, strict=True)):
        probe = " ".join(unit.text.split())[:40]
        for j in range(at, len(flat)):
            if probe in flat[j]:
                at = j
                break
        rows.append(
            UnitRow(
                ord=i,
                chunk_ord=at,
                labels="\n".join(label.replace("\n", " ") for label in unit.labels),
                heading_depth=unit.heading_depth,
                kind=unit.kind,
                term=unit.term,
                context=unit.context,
                text=unit.text,
                ask=unit.ask,
                line=unit.line,
                terms=" ".join(own),
                context_terms=" ".join(dict.fromkeys(t for n in context for t in of_name[n])),
            )
        )
    return rows


@contextmanager
def _collector_spares_loaded() -> Iterator[None]:
    """Keep the garbage collector off every object that exists when the ingest starts
    (loaded models, modules, a server's own state) until it ends: its full collections
    then scan only what the ingest builds. Left alone when something else froze objects
    (it will unfreeze them itself)."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def discover(notes_dir: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if not notes_dir.exists():
        raise NotesFolderError(
            f"노트 폴더가 없어요: {notes_dir}", f"Notes folder does not exist: {notes_dir}"
        )
    if not notes_dir.is_dir():
        raise NotesFolderError(
            f"노트 경로가 폴더가 아니에요: {notes_dir}", f"Notes path is not a folder: {notes_dir}"
        )
    files = find_notes(notes_dir, suffixes)
    if not files:
        raise NotesFolderError(
            f"노트 폴더에 {', '.join(suffixes)} 파일이 없어요: {notes_dir}",
            f"No {', '.join(suffixes)} notes in {notes_dir}",
        )
    return files


def run_ingest(
    settings: IngestSettings,
    *,
    embeddings: NamedEmbeddings | None = None,
    analyzer: KoreanAnalyzer | None = None,
    engine: Engine | None = None,
    notes_dir: Path | None = None,
    progress: bool = False,
    rebuild: bool = False,
    concurrent: bool = True,
) -> IngestReport:
    """Bring the index in the database up to date with the notes folder.

    `rebuild` re-reads, re-chunks and re-embeds every file into a new generation without
    reusing any stored vector, in the same single transaction. `concurrent` overlaps
    parsing and analysis with embedding, and embeds on the embedder's lanes (the result
    is the same either way)."""
    started = time.perf_counter()
    notes_dir = Path(notes_dir or settings.notes_dir)
    files = discover(notes_dir, settings.chunking.suffixes)
    data_dir = Path(settings.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    own_engine = engine is None
    engine = engine or make_engine(settings.resolved_database_url)
    # Each committed generation carries its serving files, so replicas fetch them
    # instead of building them from every row.
    writer = SqlIndexWriter(engine, data_dir, publish=serving.Publisher(settings.retrieval))
    try:
        with writer.locked(settings.chunking.lock_timeout_s):
            migrate(engine)
            # Kiwi loads on a thread while the embedder loads (each takes seconds)
            with ThreadPoolExecutor(1, thread_name_prefix="ingest-load") as pool:
                loading = pool.submit(default_analyzer) if analyzer is None else None
                if embeddings is None:
                    embeddings = build_embeddings(settings.embedding)
                    embeddings.load()
                if loading is not None:
                    analyzer = loading.result()
            assert analyzer is not None
            with _collector_spares_loaded():
                report = _ingest_locked(
                    files,
                    notes_dir,
                    writer,
                    embeddings,
                    analyzer,
                    settings.chunking,
                    progress,
                    rebuild,
                    concurrent,
                )
    except WriterBusyError as exc:
        raise IngestBusyError(
            "다른 인덱싱 작업이 진행 중이에요. 잠시 후 다시 시도하세요.",
            "Another ingest is running; try again when it has finished.",
        ) from exc
    finally:
        if own_engine:
            engine.dispose()
    report.seconds = time.perf_counter() - started
    logger.info(
        "ingest added=%d updated=%d removed=%d unchanged=%d chunks=%d embedded=%d gen=%d",
        len(report.added),
        len(report.updated),
        len(report.removed),
        len(report.unchanged),
        report.chunks,
        report.embedded,
        report.generation,
    )
    return report


def _ingest_locked(
    files: list[Path],
    notes_dir: Path,
    writer: IndexWriter,
    embeddings: NamedEmbeddings,
    analyzer: KoreanAnalyzer,
    chunking: ChunkingConfig,
    progress: bool,
    rebuild: bool = False,
    concurrent: bool = True,
) -> IngestReport:
    report = IngestReport(embedder=embeddings.model_id)
    manifest = writer.manifest()
    known = manifest.documents
    generation = manifest.generation

    fingerprint = chunking_fingerprint(chunking, analyzer.fingerprint)
    rechunk = bool(generation) and manifest.chunking != fingerprint
    full = False
    if generation:
        if rebuild:
            full = True
            report.reason = "rebuild requested: re-reading and re-embedding every file"
        elif manifest.embedder != embeddings.model_id:
            full = True
            report.reason = (
                f"embedder changed from '{manifest.embedder}' to '{embeddings.model_id}': "
                "re-embedding every chunk"
            )
        elif manifest.missing_vectors:
            full = True
            report.reason = (
                f"{manifest.missing_vectors} chunks have no stored vector (index of an older "
                "version): re-embedding every chunk"
            )
    if full:
        logger.warning("%s", report.reason)
        report.full_reembed = True
    elif rechunk:
        report.reason = (
            "chunking or analysis changed: re-chunking every file (vectors reused where a text "
            "is unchanged)"
        )
        logger.warning("%s", report.reason)

    # 1. Read and classify every file (parsing and analysis happen in step 2).
    to_prepare: list[_Read] = []
    seen: set[str] = set()
    root = notes_dir.resolve()
    for path in files:
        rel = path.relative_to(notes_dir).as_posix()
        try:
            raw = read_note(path, root, chunking.max_file_bytes)
        except NoteRefused as exc:
            report.errors.append(FileError(rel, exc.reason))  # not seen: leaves the index
            continue
        except OSError as exc:
            report.errors.append(FileError(rel, f"unreadable: {exc.strerror or exc}"))
            seen.add(rel)  # keep what was indexed before
            continue
        try:
            text = normalize_note(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            report.errors.append(
                FileError(rel, f"not UTF-8 (byte {exc.start}); save the file as UTF-8")
            )
            seen.add(rel)
            continue
        seen.add(rel)
        sha = _sha256(raw)
        if rel not in known:
            report.added.append(rel)
        elif known[rel] != sha:
            report.updated.append(rel)
        else:
            report.unchanged.append(rel)
            if not (full or rechunk):
                continue
        to_prepare.append(_Read(rel, sha, len(raw), text))
    report.removed = sorted(set(known) - seen)
    for err in report.errors:
        logger.warning("skipped file=%s reason=%s", err.path, err.error)

    if not to_prepare and not report.removed and generation and not rechunk:
        report.chunks = manifest.chunk_count
        report.generation = generation
        if writer.publish_missing():
            logger.info("published the serving files of generation=%d", generation)
        return report

    stranded = [e.path for e in report.errors if e.path in known and e.path in seen]
    if full and stranded:
        raise IngestError(
            "읽을 수 없는 파일이 있어 전체 재임베딩을 할 수 없어요. 파일을 고친 뒤 다시 "
            f"실행하세요: {', '.join(stranded)}",
            f"Cannot re-embed every chunk while these files are unreadable: {', '.join(stranded)}",
        )

    # 2. Parse, chunk and analyse each file (a thread of its own, ahead of the embedder);
    # vectors: the stored ones of identical texts are reused, the rest embedded in
    # batches of `EMBED_BATCH` new texts in first-seen order (the same batches whether
    # or not the stages overlap).
    prepared: list[_Prepared] = []
    vectors: dict[str, np.ndarray] = {}
    reused: set[str] = set()
    text_of: dict[str, str] = {}
    waiting: deque[str] = deque()  # new texts not yet in a batch, by hash
    in_flight: deque[list[str]] = deque()  # batches handed to the embedder, in order

    terms = RunTerms(analyzer)  # this run's analyses (used by the preparing thread only)
    # stored vectors to reuse: none on a full re-embed, none in an index without documents
    lookup = None if full or not known else writer.vectors

    def batches() -> Iterator[list[str]]:
        for prep in _prefetch(
            to_prepare,
            lambda read: _prepare(read, analyzer, chunking, lookup, terms),
            concurrent,
        ):
            prepared.append(prep)
            for h, vector in prep.stored.items():
                if h not in text_of:
                    vectors[h] = vector
                    reused.add(h)
            for _, etext, h, _ in prep.rows:
                if h not in text_of:
                    text_of[h] = etext
                    if h not in vectors:
                        waiting.append(h)
            while len(waiting) >= EMBED_BATCH:
                yield _take(waiting, EMBED_BATCH, in_flight, text_of)
        while waiting:
            yield _take(waiting, EMBED_BATCH, in_flight, text_of)

    bar = tqdm(desc="embedding", unit="chunk", disable=not progress, leave=False)
    timer = EmbedTimer()
    with embeddings.lanes() as lanes:
        # one lane when the stages run one after another: every batch is embedded the
        # same way either way, so the vectors are the same
        for arr in embed_stream(lanes if concurrent else lanes[:1], batches(), timer):
            part = in_flight.popleft()
            vectors.update(zip(part, arr, strict=True))
            report.embedded += len(part)
            bar.update(len(part))
    bar.close()
    report.embed_seconds = timer.seconds
    report.reused = sum(1 for prep in prepared for r in prep.rows if r[2] in reused)

    # 3. One generation: replace the changed documents, then move the manifest.
    replaced = report.removed + [p.path for p in prepared if p.path in known]
    with writer.begin_generation(
        embedder=embeddings.model_id, dimension=embeddings.dimension, chunking=fingerprint
    ) as gen:
        gen.delete(replaced)
        for prep in prepared:
            gen.put(
                DocumentRow(
                    path=prep.path,
                    sha256=prep.sha256,
                    size=prep.size,
                    chunks=[
                        ChunkRow(
                            ord=i,
                            heading=draft.heading,
                            text=draft.text,
                            terms=" ".join(terms),
                            content_hash=h,
                            line_start=draft.line_start,
                            vector=vectors[h],
                        )
                        for i, (draft, _, h, terms) in enumerate(prep.rows)
                    ],
                    units=prep.unit_rows,
                )
            )
        report.generation = gen.commit()
        report.chunks = gen.chunk_count
    return report


def _take(
    waiting: deque[str], n: int, in_flight: deque[list[str]], text_of: dict[str, str]
) -> list[str]:
    """The texts of the next batch of up to `n` waiting hashes (remembered in order)."""
    part = [waiting.popleft() for _ in range(min(n, len(waiting)))]
    in_flight.append(part)
    return [text_of[h] for h in part]
