"""Scale benchmark: synthetic corpora of N chunks built from the course notes, on SQLite
and on PostgreSQL, one replica and two behind nginx.

    python -m benchmarks.bench_scale [--sizes 10000,50000,100000] [--databases sqlite,postgresql]
                                     [--clients 32] [--load-seconds 15] [--queries 100]

A corpus is copies of the notes in which every paragraph line carries the copy's number,
so no two chunk texts are equal (nothing is reused). Per size and database it prints:
ingest chunks/s beside the embedder on the same chunk texts, twice: its own calls timed
inside the ingest (`embed_seconds` of the report), and the embedder alone in this process
on the first `--embed-sample` texts in the ingest's order, in calls of the ingest's size,
just before and just after the ingest (on a shared machine the two runs can differ 2x).
The embedder alone runs as the ingest runs it (`embed_stream` over its lanes, with the
same thread settings), and also one call at a time on all its BLAS threads, as the ingest
ran it before it had lanes;
the unchanged re-ingest, the data size,
replica startup to /health with an empty data dir (index built from the database) and
with its cache, the first /search after start, serving RSS, /search p50/p95 at one
client, and /search throughput with `--clients` concurrent clients on one replica and on
two replicas behind Debian's nginx (`deploy/replicas.sh`). PostgreSQL runs as a throw-away
local server (as in the tests). Everything binds 127.0.0.1; rate limits are off.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.bench_service import _free_port, _load, _pct, start_server
from eval.common import COURSE_NOTES, load_jsonl, print_table

ROOT = Path(__file__).resolve().parent.parent


def build_corpus(notes: Path, target_chunks: int, out: Path) -> int:
    """Copies of the notes with every paragraph line made unique; returns the copies."""
    from ingest.chunker import chunk_sections
    from ingest.config import ChunkingConfig
    from ingest.markdown import parse_markdown
    from vector_store.analysis import default_analyzer, normalize

    files = sorted(p for p in notes.iterdir() if p.suffix in (".md", ".txt"))
    texts = {p: normalize(p.read_text(encoding="utf-8")) for p in files}
    analyzer = default_analyzer()
    per_copy = sum(
        len(chunk_sections(parse_markdown(t), analyzer.split_sentences, ChunkingConfig()))
        for t in texts.values()
    )
    copies = max(1, -(-target_chunks // per_copy))
    out.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        folder = out / f"copy{i:04d}"
        folder.mkdir()
        for path, text in texts.items():
            lines = [
                f"{line} (사본 {i}-{n})"
                if line.strip() and not line.lstrip().startswith("#")
                else line
                for n, line in enumerate(text.splitlines())
            ]
            (folder / path.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return copies


def chunk_texts(notes: Path, limit: int) -> list[str]:
    """The first `limit` texts the ingest embeds, in its order (files sorted, each file's
    chunks in order): whole copies of the notes, so every note is represented."""
    from chatbot.settings import Settings
    from ingest.chunker import chunk_sections
    from ingest.loader import find_notes
    from ingest.markdown import parse_markdown
    from ingest.pipeline import embed_text
    from vector_store.analysis import default_analyzer, normalize

    settings = Settings()
    analyzer = default_analyzer()
    texts: list[str] = []
    for path in find_notes(notes, settings.chunking.suffixes):
        if len(texts) >= limit:
            break
        text = normalize(path.read_bytes().decode("utf-8-sig"))
        for d in chunk_sections(parse_markdown(text), analyzer.split_sentences, settings.chunking):
            texts.append(embed_text(d.heading, d.text))
    return texts[:limit]


class EmbedderAlone:
    """The configured embedder on its own, fed as the ingest feeds it (calls of
    `EMBED_BATCH` texts through `embed_stream`, on the embedder's lanes: for use-m3,
    `embedding.threads` batches side by side on one BLAS thread each), to set beside the
    ingest's chunks/s. `rate_one_call` is the embedder as the ingest ran it before the
    lanes: one call at a time on `embedding.threads` BLAS threads."""

    def __init__(self) -> None:
        from chatbot.settings import Settings
        from vector_store.embeddings import build_embeddings

        self.embeddings = build_embeddings(Settings().embedding)
        self.cpu_ms = 0.0
        """CPU time per text of the last `rate`, in ms, all threads together."""

    def rate(self, texts: list[str]) -> float:
        """Chunks/s over `texts`, as the ingest embeds them."""
        from ingest.pipeline import EMBED_BATCH, embed_stream

        batches = [texts[i : i + EMBED_BATCH] for i in range(0, len(texts), EMBED_BATCH)]
        with self.embeddings.lanes() as lanes:
            for _ in embed_stream(lanes, batches[: len(lanes)]):  # warm: the first is slow
                pass
            started, cpu = time.perf_counter(), time.process_time()
            for _ in embed_stream(lanes, batches):
                pass
        self.cpu_ms = (time.process_time() - cpu) / len(texts) * 1000
        return len(texts) / (time.perf_counter() - started)

    def rate_one_call(self, texts: list[str]) -> float:
        from ingest.pipeline import EMBED_BATCH

        self.embeddings.embed_array(texts[:EMBED_BATCH])
        started = time.perf_counter()
        for i in range(0, len(texts), EMBED_BATCH):
            self.embeddings.embed_array(texts[i : i + EMBED_BATCH])
        return len(texts) / (time.perf_counter() - started)


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _ingest(env: dict[str, str]) -> dict:
    """`chatbot ingest --json` in a process of its own; adds `cpu_seconds`, its CPU time
    (all threads, loading included)."""
    cpu = _children_cpu_s()
    out = subprocess.run(
        [sys.executable, "-m", "chatbot.cli", "ingest", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    report["cpu_seconds"] = _children_cpu_s() - cpu
    return report


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _search_ms(client: httpx.Client, base: str, query: str) -> float:
    """One /search through a kept client: a new httpx client per request builds an SSL
    context first (about 20 ms here), which would swamp the server's own time."""
    t = time.perf_counter()
    client.post(f"{base}/search", json={"query": query, "k": 5}).raise_for_status()
    return (time.perf_counter() - t) * 1000


def _throughput(base: str, queries: list[str], clients: int, seconds: float) -> float:
    done, errors = asyncio.run(
        _load(f"{base}/search", queries, clients, seconds, lambda q: {"query": q, "k": 5})
    )
    if errors:
        print(f"warning: {errors} failed requests at {base}", file=sys.stderr)
    return done / seconds


def _data_size_mib(env: dict[str, str], data_dir: Path) -> float:
    url = env.get("CHATBOT_DATABASE_URL", "")
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.connect() as conn:
            size = conn.scalar(text("SELECT pg_database_size(current_database())"))
        engine.dispose()
        return int(size or 0) / 2**20
    return sum(p.stat().st_size for p in data_dir.glob("chatbot.db*")) / 2**20


def bench_one(
    database: str,
    url: str | None,
    notes: Path,
    work: Path,
    args: argparse.Namespace,
    embedder: EmbedderAlone,
    sample: list[str],
) -> list:
    data = work / f"{database}-ingest"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CHATBOT_DATA_DIR": str(data),
        "CHATBOT_NOTES_DIR": str(notes),
        "CHATBOT_RATE_LIMIT__ENABLED": "false",
    }
    if url:
        env["CHATBOT_DATABASE_URL"] = url
    else:
        env["CHATBOT_DATABASE_URL"] = f"sqlite:///{data / 'chatbot.db'}"
    # The embedder alone on the same texts just before and just after the ingest: the
    # machine's load drifts, and the two bracket the ingest.
    one_call = [embedder.rate_one_call(sample)]
    alone = [embedder.rate(sample)]
    alone_cpu = [embedder.cpu_ms]
    full = _ingest(env)
    alone.append(embedder.rate(sample))
    alone_cpu.append(embedder.cpu_ms)
    one_call.append(embedder.rate_one_call(sample))
    ingest_cpu = full["cpu_seconds"] / full["chunks"] * 1000
    again = _ingest(env)
    size = _data_size_mib(env, data)

    questions = [q["question"] for q in load_jsonl("retrieval_course.jsonl")]
    queries = (questions * (args.queries // len(questions) + 1))[: args.queries]
    replica_env = {**env, "CHATBOT_DATA_DIR": str(work / f"{database}-replica")}
    client = httpx.Client(timeout=60)
    proc, base, cold = start_server(replica_env, client)  # empty data dir: from the database
    try:
        first = _search_ms(client, base, queries[0])
        times = [_search_ms(client, base, q) for q in queries]
        one = _throughput(base, queries, args.clients, args.load_seconds)
        rss = _rss_mib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    # the caches of this generation present (FAISS, BM25, rows)
    proc, base, warm = start_server(replica_env, client)
    try:
        first_warm = _search_ms(client, base, queries[0])
        rss_warm = _rss_mib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        client.close()

    two = float("nan")
    if shutil.which("nginx"):
        state = work / f"{database}-replicas"
        port = _free_port()
        rep_env = {
            **env,
            "DATABASE_URL": env["CHATBOT_DATABASE_URL"],
            "PORT": str(port),
            "REPLICA_PORTS": f"{_free_port()} {_free_port()}",
            "STATE": str(state),
            "CHATBOT": f"{sys.executable} -m chatbot.cli",
        }
        script = str(ROOT / "deploy" / "replicas.sh")
        try:
            subprocess.run([script, "start"], env=rep_env, check=True, capture_output=True)
            two = _throughput(f"http://127.0.0.1:{port}", queries, args.clients, args.load_seconds)
        finally:
            subprocess.run([script, "stop"], env=rep_env, capture_output=True)
    return [
        database,
        full["chunks"],
        full["chunks"] / full["seconds"],
        full["embedded"] / full["embed_seconds"],
        full["embed_seconds"] / full["seconds"],
        f"{alone[0]:.1f} / {alone[1]:.1f}",
        full["chunks"] / full["seconds"] / statistics.mean(alone),
        f"{one_call[0]:.1f} / {one_call[1]:.1f}",
        full["chunks"] / full["seconds"] / statistics.mean(one_call),
        ingest_cpu,
        f"{alone_cpu[0]:.2f} / {alone_cpu[1]:.2f}",
        statistics.mean(alone_cpu) / ingest_cpu,
        again["seconds"],
        size,
        cold,
        warm,
        first,
        first_warm,
        rss,
        rss_warm,
        statistics.median(times),
        _pct(times, 0.95),
        one,
        two,
    ]


def hnsw_recall(notes: Path, n: int, k: int = 10) -> None:
    """Recall@k of the HNSW index against flat on `n` vectors near the real chunk vectors.

    Embedding `n` unique texts takes long on a small machine, so the corpus is the notes'
    real chunk vectors, each repeated with Gaussian noise (cosine about 0.9 to its
    original): clusters of near neighbours, a hard case for a graph index. The queries
    are the real questions of the retrieval set."""
    import faiss
    import numpy as np

    from chatbot.settings import Settings
    from ingest.chunker import chunk_sections
    from ingest.markdown import parse_markdown
    from ingest.pipeline import embed_text
    from vector_store import faiss_io
    from vector_store.analysis import default_analyzer, normalize
    from vector_store.embeddings import build_embeddings

    settings = Settings()
    analyzer = default_analyzer()
    texts = [
        embed_text(d.heading, d.text)
        for path in sorted(notes.iterdir())
        if path.suffix in (".md", ".txt")
        for d in chunk_sections(
            parse_markdown(normalize(path.read_text(encoding="utf-8"))),
            analyzer.split_sentences,
            settings.chunking,
        )
    ]
    emb = build_embeddings(settings.embedding)
    base = emb.embed_array(texts)
    queries = emb.embed_array([q["question"] for q in load_jsonl("retrieval_course.jsonl")])
    rng = np.random.default_rng(0)
    parents = rng.integers(0, len(base), n)
    vectors = base[parents] + rng.normal(0, 0.45 / np.sqrt(base.shape[1]), (n, base.shape[1]))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    ids = np.arange(n, dtype=np.int64)
    flat = faiss_io.build(base.shape[1], ids, vectors, hnsw_threshold=n + 1, ef_search=1)
    _, truth = flat.search(queries, k)
    t = time.perf_counter()
    for _ in range(3):
        flat.search(queries, k)
    flat_ms = (time.perf_counter() - t) / (3 * len(queries)) * 1000
    rows = [["flat (exact)", 0.0, 1.0, flat_ms]]
    t = time.perf_counter()
    hnsw = faiss_io.build(base.shape[1], ids, vectors, hnsw_threshold=0, ef_search=64)
    built = time.perf_counter() - t
    for ef in (128, 256, 512, 1024):
        faiss.downcast_index(hnsw.index).hnsw.efSearch = ef
        _, found = hnsw.search(queries, k)
        recall = np.mean([len(set(a) & set(b)) / k for a, b in zip(found, truth, strict=True)])
        t = time.perf_counter()
        for _ in range(3):
            hnsw.search(queries, k)
        ms = (time.perf_counter() - t) / (3 * len(queries)) * 1000
        rows.append([f"HNSW M={faiss_io.HNSW_M} efSearch={ef}", built, float(recall), ms])
    print_table(
        f"Dense index on {n} vectors ({len(base)} real chunk vectors + noise), "
        f"{len(queries)} real queries, recall@{k} against flat",
        ["index", "build s", f"recall@{k}", "ms per query"],
        rows,
    )


def index_recall(k: int = 50) -> None:
    """The served dense index of the configured database (environment settings) against
    exact flat search over the same stored vectors, on the retrieval questions: recall@k
    of the dense side, ms per query, and how many questions get the same hybrid top 5."""
    import faiss
    import numpy as np

    from chatbot.services import Services
    from chatbot.settings import Settings
    from vector_store import faiss_io
    from vector_store.store import IndexSnapshot

    services = Services.build(Settings(), chat=False)
    searcher = services.searcher
    served = services.store.snapshot()
    index = served._index
    n = index.ntotal
    ids = faiss_io.ids_of(index)
    vectors = faiss.downcast_index(index.index).reconstruct_n(0, n)
    flat = faiss_io.build(index.d, ids, vectors, hnsw_threshold=n + 1, ef_search=1)
    exact = IndexSnapshot(
        served.generation, served.embedder, served.by_id, flat, served._units, served._bm25
    )
    questions = [q["question"] for q in load_jsonl("retrieval_course.jsonl")]
    queries = searcher.embeddings.embed_array(questions)
    rows = []
    truth: list[set[int]] = []
    top5: list[list[int]] = []
    for snap in (exact, served):
        started = time.perf_counter()
        found = [snap.dense_search(q, k) for q in queries]
        ms = (time.perf_counter() - started) / len(queries) * 1000
        hits = [[h.chunk_id for h in searcher.search(q, 5, snapshot=snap).hits] for q in questions]
        if not truth:
            truth = [{cid for cid, _ in f} for f in found]
            top5 = hits
        recall = np.mean(
            [len(t & {cid for cid, _ in f}) / k for t, f in zip(truth, found, strict=True)]
        )
        same = sum(a == b for a, b in zip(hits, top5, strict=True))
        name = type(faiss.downcast_index(snap._index.index)).__name__
        rows.append([name, ms, float(recall), f"{same}/{len(questions)}"])
    print_table(
        f"Dense index of the configured database ({n} chunks) against exact flat, "
        f"{len(questions)} retrieval questions",
        ["index", "dense ms per query", f"dense recall@{k}", "hybrid top 5 as flat"],
        rows,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=Path, default=COURSE_NOTES)
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--load-seconds", type=float, default=15)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--embed-sample", type=int, default=2000)
    parser.add_argument(
        "--recall", type=int, default=0, help="only measure HNSW recall against flat on N vectors"
    )
    parser.add_argument(
        "--index-recall",
        action="store_true",
        help="only measure the configured database's dense index against flat",
    )
    args = parser.parse_args(argv)
    if args.recall:
        hnsw_recall(args.notes, args.recall)
        return
    if args.index_recall:
        index_recall()
        return
    databases = args.databases.split(",")
    embedder = EmbedderAlone()

    from contextlib import ExitStack

    with ExitStack() as stack:
        server = None
        if "postgresql" in databases:
            from tests.postgres import find_bindir, running_server

            bindir = find_bindir()
            if bindir is None:
                raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
            server = stack.enter_context(running_server(bindir))
        for size in (int(s) for s in args.sizes.split(",")):
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-scale-")))
            copies = build_corpus(args.notes, size, work / "notes")
            sample = chunk_texts(work / "notes", min(size, args.embed_sample))
            rows = []
            for database in databases:
                url = server.new_database() if database == "postgresql" and server else None
                rows.append(bench_one(database, url, work / "notes", work, args, embedder, sample))
            measures = [
                "chunks",
                "ingest chunks/s (embedding, analysis, writing, publishing)",
                "its embedder calls alone, chunks/s (timed inside the ingest)",
                "ingest / its embedder calls (the embedder's share of its time)",
                f"embedder alone as the ingest runs it (its lanes), chunks/s, first "
                f"{len(sample)} of the same texts, before / after the ingest",
                "ingest / embedder alone (mean of the two)",
                "embedder alone one call at a time on all its BLAS threads, chunks/s, "
                "before / after",
                "ingest / embedder alone one call at a time (mean of the two)",
                "ingest CPU ms per chunk (its process, all threads, loading included)",
                "embedder alone as the ingest runs it, CPU ms per chunk, before / after",
                "embedder alone CPU / ingest CPU per chunk (what the ingest / embedder "
                "ratio tends to when the cores are the limit; less swayed by other load)",
                "unchanged re-ingest (s)",
                "data size (MiB)",
                "startup to /health, empty data dir (s)",
                "startup to /health, cached (s)",
                "first /search after start, empty data dir (ms)",
                "first /search after start, cached (ms)",
                "serving RSS after the load runs (MiB)",
                "serving RSS after one search, cached (MiB)",
                "/search p50, 1 client (ms)",
                "/search p95, 1 client (ms)",
                f"/search req/s, {args.clients} clients, 1 replica",
                f"/search req/s, {args.clients} clients, 2 replicas + nginx",
            ]
            print_table(
                f"{size} chunks wanted ({copies} copies of {args.notes.name}); the embedder "
                f"alone is timed on a sample and its rate set against the whole ingest's",
                ["measure", *databases],
                [[m, *(row[i + 1] for row in rows)] for i, m in enumerate(measures)],
            )


if __name__ == "__main__":
    main()
