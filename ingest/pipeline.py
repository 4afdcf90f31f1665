"""Incremental, crash-safe ingestion of a notes folder into the index.

Content hashes decide what to do: new files are added, changed files have all
their chunks replaced, files that are gone leave nothing behind, and unchanged
files are not touched. Vectors of chunk texts that already exist are copied from
the current FAISS index instead of being embedded again (a renamed file, or an
edit to one section of a long file, embeds only what is new).

Safety:
- one ingest at a time: a file lock in the data directory (a second ingest waits
  `chunking.lock_timeout_s`, then fails with `IngestBusyError`);
- all database changes happen in one transaction, and the new FAISS generation is
  written to its own file (atomically) before that transaction commits; a crash
  or kill at any point leaves the previous generation complete and current;
- readers load the generation named by the committed manifest (see
  `vector_store.store`), so they see the old index or the new one, never a mix.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import faiss
import numpy as np
from filelock import FileLock, Timeout
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from tqdm import tqdm

from ingest.chunker import ChunkDraft, chunk_sections
from ingest.config import ChunkingConfig
from ingest.loader import NoteRefused, find_notes, read_note
from ingest.markdown import parse_markdown
from ingest.tree import UnitDraft, parse_units
from vector_store import faiss_io
from vector_store.analysis import KoreanAnalyzer, default_analyzer, normalize
from vector_store.config import EmbeddingConfig
from vector_store.db import Chunk, Document, IndexState, Unit, make_engine, migrate, utcnow
from vector_store.embeddings import NamedEmbeddings, build_embeddings

logger = logging.getLogger(__name__)


class IngestSettings(Protocol):
    notes_dir: Path
    data_dir: Path
    chunking: ChunkingConfig
    embedding: EmbeddingConfig

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

    def summary(self) -> dict[str, Any]:
        """Counts (what `chatbot ingest --json` prints) plus the file lists."""
        data = asdict(self)
        for key in ("added", "updated", "removed", "unchanged"):
            data[f"{key}_files"] = data.pop(key)
            data[key] = len(data[f"{key}_files"])
        data["seconds"] = round(self.seconds, 3)
        return data


@dataclass
class _Prepared:
    path: str
    sha256: str
    size: int
    drafts: list[ChunkDraft]
    units: list[UnitDraft]


def _sha256(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


# Bump when parsing or chunking changes what chunks or units an unchanged file yields.
CHUNKER_VERSION = 3


def chunking_fingerprint(config: ChunkingConfig, analysis: str) -> str:
    """What decides the chunks and terms of an unchanged file: chunker, sizes, analyser."""
    return _sha256(f"{CHUNKER_VERSION}|{config.max_chars}|{config.min_chars}|{analysis}")[:16]


def embed_text(draft_heading: str, text: str) -> str:
    """What the dense side sees: the heading path gives a chunk its topic."""
    return f"{draft_heading}\n{text}" if draft_heading else text


def _unit_rows(prep: _Prepared, analyzer: KoreanAnalyzer) -> list[Unit]:
    """Units of one file, each tied to the chunk whose text holds it.

    Chunks and units both follow the file's order, so one forward pass finds, for each
    unit, the first chunk from the current one on that contains its text (a unit split
    over two chunks, or cleaned differently, stays with the chunk of the previous one)."""
    rows: list[Unit] = []
    flat = [" ".join(d.text.split()) for d in prep.drafts]
    at = 0
    for i, unit in enumerate(prep.units):
        probe = " ".join(unit.text.split())[:40]
        for j in range(at, len(flat)):
            if probe in flat[j]:
                at = j
                break
        # What the unit is about: its term, the labels above it and its section heading.
        context = " ".join([unit.term, *unit.labels[max(0, unit.heading_depth - 1) :]])
        rows.append(
            Unit(
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
                terms=" ".join(analyzer.terms(f"{unit.term} {unit.text}")),
                context_terms=" ".join(analyzer.terms(context)) if context.strip() else "",
            )
        )
    return rows


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
) -> IngestReport:
    """Bring the index in `settings.data_dir` up to date with the notes folder.

    `rebuild` re-reads, re-chunks and re-embeds every file into a new generation without
    using the current FAISS file (which may be damaged), in the same single transaction."""
    started = time.perf_counter()
    notes_dir = Path(notes_dir or settings.notes_dir)
    files = discover(notes_dir, settings.chunking.suffixes)
    data_dir = Path(settings.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(data_dir / "ingest.lock"))
    try:
        lock.acquire(timeout=settings.chunking.lock_timeout_s)
    except Timeout as exc:
        raise IngestBusyError(
            "다른 인덱싱 작업이 진행 중이에요. 잠시 후 다시 시도하세요.",
            "Another ingest is running; try again when it has finished.",
        ) from exc
    own_engine = engine is None
    engine = engine or make_engine(settings.resolved_database_url)
    try:
        migrate(engine)
        embeddings = embeddings or build_embeddings(settings.embedding)
        analyzer = analyzer or default_analyzer()
        report = _ingest_locked(
            files,
            notes_dir,
            data_dir,
            engine,
            embeddings,
            analyzer,
            settings.chunking,
            progress,
            rebuild,
        )
    finally:
        lock.release()
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
    data_dir: Path,
    engine: Engine,
    embeddings: NamedEmbeddings,
    analyzer: KoreanAnalyzer,
    chunking: ChunkingConfig,
    progress: bool,
    rebuild: bool = False,
) -> IngestReport:
    report = IngestReport(embedder=embeddings.model_id)
    with Session(engine) as session:
        state = session.get(IndexState, 1)
        known = {d.path: (d.id, d.sha256) for d in session.scalars(select(Document))}
        old_chunks = session.execute(select(Chunk.id, Chunk.content_hash, Chunk.document_id)).all()
    generation = state.generation if state else 0
    old_index = None
    if state and state.faiss_file and not rebuild:
        try:
            old_index = faiss_io.read(data_dir / state.faiss_file)
        except (FileNotFoundError, faiss_io.IndexDamagedError) as exc:
            logger.warning("current FAISS file unusable, rebuilding it reason=%s", exc)

    fingerprint = chunking_fingerprint(chunking, analyzer.fingerprint)
    rechunk = bool(generation) and state is not None and state.chunking != fingerprint
    full = False
    if generation:
        if rebuild:
            full = True
            report.reason = "rebuild requested: re-reading and re-embedding every file"
        elif state is not None and state.embedder != embeddings.model_id:
            full = True
            report.reason = (
                f"embedder changed from '{state.embedder}' to '{embeddings.model_id}': "
                "re-embedding every chunk"
            )
        elif old_index is None or set(faiss_io.ids_of(old_index)) != {c[0] for c in old_chunks}:
            full = True
            report.reason = "FAISS file missing or out of step with the database: rebuilding it"
    if full:
        logger.warning("%s", report.reason)
        report.full_reembed = True
    elif rechunk:
        report.reason = (
            "chunking or analysis changed: re-chunking every file (vectors reused where a text "
            "is unchanged)"
        )
        logger.warning("%s", report.reason)

    # 1. Read and classify every file.
    prepared: list[_Prepared] = []
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
            text = normalize(raw.decode("utf-8-sig"))
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
        elif known[rel][1] != sha:
            report.updated.append(rel)
        else:
            report.unchanged.append(rel)
            if not (full or rechunk):
                continue
        drafts = chunk_sections(parse_markdown(text), analyzer.split_sentences, chunking)
        prepared.append(_Prepared(rel, sha, len(raw), drafts, parse_units(text)))
    report.removed = sorted(set(known) - seen)
    for err in report.errors:
        logger.warning("skipped file=%s reason=%s", err.path, err.error)

    if not prepared and not report.removed and generation and not rechunk:
        report.chunks = len(old_chunks)
        report.generation = generation
        return report

    stranded = [e.path for e in report.errors if e.path in known and e.path in seen]
    if full and stranded:
        raise IngestError(
            "읽을 수 없는 파일이 있어 전체 재임베딩을 할 수 없어요. 파일을 고친 뒤 다시 "
            f"실행하세요: {', '.join(stranded)}",
            f"Cannot re-embed every chunk while these files are unreadable: {', '.join(stranded)}",
        )

    # 2. Vectors: reuse what the current index has for identical texts, embed the rest.
    reuse: dict[str, int] = {}
    if old_index is not None and not full:
        reuse = {h: cid for cid, h, _ in old_chunks}
    rows: list[tuple[_Prepared, ChunkDraft, str, str, list[str]]] = []
    to_embed: list[str] = []
    for prep in prepared:
        for draft in prep.drafts:
            etext = embed_text(draft.heading, draft.text)
            rows.append((prep, draft, etext, _sha256(etext), analyzer.terms(etext)))
    new_hashes = list(dict.fromkeys(h for _, _, _, h, _ in rows if h not in reuse))
    text_of = {h: t for _, _, t, h, _ in rows}
    to_embed = [text_of[h] for h in new_hashes]
    vectors: dict[str, np.ndarray] = {}
    if to_embed:
        batch = 64
        bar = tqdm(
            total=len(to_embed), desc="embedding", unit="chunk", disable=not progress, leave=False
        )
        for i in range(0, len(to_embed), batch):
            arr = embeddings.embed_array(to_embed[i : i + batch])
            for j, vec in enumerate(arr):
                vectors[new_hashes[i + j]] = vec
            bar.update(len(arr))
        bar.close()
    for _, _, _, h, _ in rows:
        if h not in vectors:
            assert old_index is not None
            vectors[h] = np.asarray(old_index.reconstruct(reuse[h]))
    report.embedded = len(to_embed)
    report.reused = sum(1 for r in rows if r[3] in reuse)

    # 3. One transaction: replace rows, write the next FAISS generation, move the manifest.
    replaced_docs = {known[p][0] for p in report.removed}
    replaced_docs |= {known[p.path][0] for p in prepared if p.path in known}
    stale_ids = np.array(
        [cid for cid, _, doc in old_chunks if doc in replaced_docs], dtype=np.int64
    )
    next_gen = generation + 1
    filename = faiss_io.faiss_filename(next_gen)
    with Session(engine) as session, session.begin():
        if replaced_docs:
            for doc in session.scalars(select(Document).where(Document.id.in_(replaced_docs))):
                session.delete(doc)
            session.flush()
        new_ids: list[int] = []
        new_vecs: list[np.ndarray] = []
        for prep in prepared:
            doc = Document(
                path=prep.path, sha256=prep.sha256, size=prep.size, n_chunks=len(prep.drafts)
            )
            session.add(doc)
            doc_rows = [r for r in rows if r[0] is prep]
            chunks = [
                Chunk(
                    ord=i,
                    heading=draft.heading,
                    text=draft.text,
                    terms=" ".join(terms),
                    content_hash=h,
                    line_start=draft.line_start,
                )
                for i, (_, draft, _, h, terms) in enumerate(doc_rows)
            ]
            doc.chunks = chunks
            doc.units = _unit_rows(prep, analyzer)
            session.flush()
            new_ids.extend(c.id for c in chunks)
            new_vecs.extend(vectors[r[3]] for r in doc_rows)
        index: Any
        if full or old_index is None:
            index = faiss_io.new_index(embeddings.dimension)
        else:
            index = faiss.clone_index(old_index)
            if len(stale_ids):
                index.remove_ids(stale_ids)
        if new_ids:
            index.add_with_ids(
                np.vstack(new_vecs).astype(np.float32), np.array(new_ids, dtype=np.int64)
            )
        faiss_io.write_atomic(index, data_dir / filename)
        total = session.scalar(select(func.count(Chunk.id)))
        if state is None:
            state = IndexState(id=1)
            session.add(state)
        else:
            state = session.merge(state)
        state.generation = next_gen
        state.embedder = embeddings.model_id
        state.dimension = embeddings.dimension
        state.faiss_file = filename
        state.chunk_count = int(total or 0)
        state.chunking = fingerprint
        state.updated_at = utcnow()
    # Keep the previous generation's file for readers that are still loading it.
    keep_files = {filename}
    if generation:
        keep_files.add(faiss_io.faiss_filename(generation))
    faiss_io.remove_stale(data_dir, keep_files)
    report.generation = next_gen
    report.chunks = int(total or 0)
    return report
