"""`chatbot` command line: ingest | search | ask | serve | digit | mosaic | finetune."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chatbot.settings import Settings


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False))


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.pipeline import IngestError, run_ingest

    if args.notes:
        settings.notes_dir = Path(args.notes)
    if args.rebuild:
        from chatbot.integrity import repair_database

        for line in repair_database(settings.resolved_database_url, settings.data_dir):
            print(f"repair: {line}", file=sys.stderr)
    try:
        report = run_ingest(settings, progress=not args.json, rebuild=args.rebuild)
    except IngestError as exc:
        print(f"오류: {exc.ko}\nerror: {exc.en}", file=sys.stderr)
        return 2
    summary = report.summary()
    if report.full_reembed:
        print(f"note: {report.reason}", file=sys.stderr)
    for err in report.errors:
        print(f"skipped {err.path}: {err.error}", file=sys.stderr)
    if args.json:
        _print_json(summary)
    else:
        print(
            f"added {summary['added']}, updated {summary['updated']}, removed "
            f"{summary['removed']}, unchanged {summary['unchanged']}; chunks "
            f"{summary['chunks']}, embedded {summary['embedded']} "
            f"(generation {summary['generation']}, {summary['seconds']} s)"
        )
    return 0


def _search(args: argparse.Namespace, settings: Settings) -> int:
    from chatbot.services import Services
    from vector_store.store import IndexNotReadyError

    services = Services.build(settings, chat=False)
    try:
        result = services.searcher.search(args.query, args.k)
    except IndexNotReadyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        services.close()
    rows: list[dict[str, Any]] = [
        {
            "chunk_id": h.chunk_id,
            "source": h.source,
            "heading": h.heading,
            "text": h.text,
            "score": h.score,
        }
        for h in result.hits
    ]
    if args.json:
        _print_json({"results": rows})
    else:
        for i, r in enumerate(rows, 1):
            print(f"{i}. [{r['score']:.3f}] {r['source']} :: {r['heading']}")
            print("   " + r["text"][:160].replace("\n", " "))
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from chatbot.services import Services
    from vector_store.store import IndexNotReadyError

    services = Services.build(settings)
    assert services.chat is not None
    try:
        final = services.chat.answer(args.message.strip(), args.session)
    except IndexNotReadyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        services.close()
    if args.json:
        _print_json(final)
    else:
        print(final["answer"])
        for s in final["sources"]:
            print(f"  - {s['source']} :: {s['heading']} ({s['score']:.3f})")
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from chatbot.api.security import warn_if_exposed
    from chatbot.app import create_app

    host = args.host or settings.server.host
    port = args.port or settings.server.port
    warn_if_exposed(host, settings.admin_token)
    workers = args.workers or settings.server.workers
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    else:
        # Worker processes build their app from the same environment (CHATBOT_*).
        uvicorn.run(
            "chatbot.app:create_app",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level="info",
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chatbot", description="Korean course-notes chatbot")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="index the notes folder (only what changed)")
    p.add_argument("--notes", help="notes folder (default: CHATBOT_NOTES_DIR)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--rebuild",
        action="store_true",
        help="re-read and re-embed every file into a new generation; moves a damaged "
        "SQLite database aside (chat history is copied over)",
    )
    p.set_defaults(func=_ingest)

    p = sub.add_parser("search", help="search the notes")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_search)

    p = sub.add_parser("ask", help="ask the chatbot one message")
    p.add_argument("message")
    p.add_argument("--session", default=None, help="continue a conversation")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_ask)

    p = sub.add_parser("serve", help="run the HTTP service")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes, each with its own index snapshot (default: "
        "CHATBOT_SERVER__WORKERS)",
    )
    p.set_defaults(func=_serve)

    from chatbot.tools import cli as tools_cli

    tools_cli.register(sub)
    from chatbot.generation import cli as generation_cli

    generation_cli.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command == "search" and not 1 <= args.k <= 50:
        parser.error("-k must be between 1 and 50")
    if args.command == "serve" and args.workers is not None and not 1 <= args.workers <= 64:
        parser.error("--workers must be between 1 and 64")
    from sqlalchemy.exc import DatabaseError

    try:
        return int(args.func(args, Settings()))
    except DatabaseError as exc:
        logging.getLogger("chatbot.cli").debug("storage error", exc_info=exc)
        print(
            "오류: 데이터베이스가 손상되어 읽을 수 없어요. "
            "`chatbot ingest --rebuild`로 노트에서 다시 만드세요.\n"
            "error: the database is damaged and cannot be read; "
            "run `chatbot ingest --rebuild` to rebuild it from the notes.",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
