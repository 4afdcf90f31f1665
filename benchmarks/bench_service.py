"""Service benchmarks on the real course notes: ingest, startup, memory, /search, /chat,
/v1/chat/completions (the OpenAI-compatible API over the same chain) and concurrent load
runs of both. Prints tables with medians and the overhead of /v1 over /chat.

    python -m benchmarks.bench_service [--notes DIR] [--load-seconds 30] [--clients 32]

The service runs as a real `chatbot serve` process on 127.0.0.1, rate limits off (all
requests come from one address); requests go over loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from eval.common import COURSE_NOTES, load_jsonl, print_table


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    env: dict[str, str], client: httpx.Client
) -> tuple[subprocess.Popen[bytes], str, float]:
    """Start `chatbot serve` on a free port; returns the process, its base URL and the
    seconds until /health answered 200."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "chatbot.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while True:
        try:
            if client.get(f"{base}/health").status_code == 200:
                return proc, base, time.perf_counter() - started
        except httpx.TransportError:
            time.sleep(0.05)
        if proc.poll() is not None or time.perf_counter() - started > 600:
            raise RuntimeError("server did not start")


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def _ingest(env: dict[str, str]) -> tuple[float, dict]:
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "chatbot.cli", "ingest", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - start, json.loads(out.stdout.strip().splitlines()[-1])


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _chat_body(message: str) -> dict[str, Any]:
    return {"message": message}


def _v1_body(message: str) -> dict[str, Any]:
    return {"model": "notes-chatbot", "messages": [{"role": "user", "content": message}]}


def _v1_followup_body(message: str) -> dict[str, Any]:
    """A follow-up after `message`: the earlier turn is routed again on every request."""
    return {
        "model": "notes-chatbot",
        "messages": [
            {"role": "user", "content": message},
            {"role": "assistant", "content": "…"},
            {"role": "user", "content": "그건 언제 써요?"},
        ],
    }


async def _load(
    url: str,
    messages: list[str],
    clients: int,
    seconds: float,
    body: Callable[[str], dict[str, Any]],
) -> tuple[int, int]:
    done = errors = 0
    deadline = time.perf_counter() + seconds

    async def worker(i: int) -> None:
        nonlocal done, errors
        async with httpx.AsyncClient(timeout=30) as client:
            j = i
            while time.perf_counter() < deadline:
                r = await client.post(url, json=body(messages[j % len(messages)]))
                j += clients
                if r.status_code == 200:
                    done += 1
                else:
                    errors += 1

    await asyncio.gather(*(worker(i) for i in range(clients)))
    return done, errors


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=Path, default=COURSE_NOTES)
    parser.add_argument("--load-seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3, help="passes over the question set")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "CHATBOT_DATA_DIR": str(Path(tmp) / "data"),
            "CHATBOT_NOTES_DIR": str(args.notes),
            "CHATBOT_RATE_LIMIT__ENABLED": "false",
        }
        full_s, full = _ingest(env)
        again_s, again = _ingest(env)
        print_table(
            f"Ingest of {args.notes.name} ({full['added']} files, {full['chunks']} chunks)",
            ["run", "seconds", "embedded", "chunks"],
            [
                ["full ingest (fresh data dir)", full_s, full["embedded"], full["chunks"]],
                ["re-ingest, nothing changed", again_s, again["embedded"], again["chunks"]],
            ],
        )

        with httpx.Client(timeout=30) as client:
            server, base, startup = start_server(env, client)
        try:
            with httpx.Client(timeout=30) as client:
                questions = [q["question"] for q in load_jsonl("retrieval_course.jsonl")]
                chats = [m["message"] for m in load_jsonl("chat_course.jsonl") if "message" in m]
                for q in questions[:5]:  # warm-up
                    client.post(f"{base}/search", json={"query": q, "k": 5})
                search_ms, chat_ms, v1_ms, followup_ms = [], [], [], []
                for _ in range(args.repeat):
                    for q in questions:
                        t = time.perf_counter()
                        client.post(f"{base}/search", json={"query": q, "k": 5}).raise_for_status()
                        search_ms.append((time.perf_counter() - t) * 1000)
                    for m in chats:  # side by side, so that both see the same load
                        for url, body, times in (
                            (f"{base}/chat", _chat_body, chat_ms),
                            (f"{base}/v1/chat/completions", _v1_body, v1_ms),
                            (f"{base}/v1/chat/completions", _v1_followup_body, followup_ms),
                        ):
                            t = time.perf_counter()
                            client.post(url, json=body(m)).raise_for_status()
                            times.append((time.perf_counter() - t) * 1000)
            loads = {
                path: asyncio.run(_load(base + path, chats, args.clients, args.load_seconds, body))
                for path, body in (("/chat", _chat_body), ("/v1/chat/completions", _v1_body))
            }
            rss = _peak_rss_mib(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)

    print_table(
        "chatbot serve (default embedder use-m3, extractive generator)",
        ["measure", "value"],
        [
            ["startup to first /health 200 (s)", startup],
            ["peak RSS after all runs (MiB)", rss],
        ],
    )
    print_table(
        "Latency over loopback, one client (ms)",
        ["endpoint", "requests", "p50 (median)", "p95"],
        [
            [
                "POST /search k=5",
                len(search_ms),
                statistics.median(search_ms),
                _pct(search_ms, 0.95),
            ],
            ["POST /chat", len(chat_ms), statistics.median(chat_ms), _pct(chat_ms, 0.95)],
            [
                "POST /v1/chat/completions",
                len(v1_ms),
                statistics.median(v1_ms),
                _pct(v1_ms, 0.95),
            ],
            [
                "POST /v1/chat/completions, follow-up after 1 turn",
                len(followup_ms),
                statistics.median(followup_ms),
                _pct(followup_ms, 0.95),
            ],
        ],
    )
    print_table(
        f"Load: {args.clients} concurrent clients for {args.load_seconds:.0f} s each",
        ["endpoint", "requests ok", "errors", "req/s"],
        [
            [f"POST {path}", done, errors, done / args.load_seconds]
            for path, (done, errors) in loads.items()
        ],
    )
    chat_rps = loads["/chat"][0] / args.load_seconds
    v1_rps = loads["/v1/chat/completions"][0] / args.load_seconds
    print_table(
        "Overhead of /v1/chat/completions over /chat (target <= 10%)",
        ["measure", "/chat", "/v1", "overhead %"],
        [
            [
                "p50 latency (ms)",
                statistics.median(chat_ms),
                statistics.median(v1_ms),
                (statistics.median(v1_ms) / statistics.median(chat_ms) - 1) * 100,
            ],
            [
                "throughput (req/s)",
                chat_rps,
                v1_rps,
                (chat_rps / v1_rps - 1) * 100 if v1_rps else float("nan"),
            ],
        ],
    )


if __name__ == "__main__":
    main()
