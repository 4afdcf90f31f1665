"""Shared helpers of the evaluation runners: datasets, index building, tables."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from chatbot.settings import Settings
from ingest.pipeline import run_ingest

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent
SAMPLE_NOTES = ROOT / "notes"
# The course notes sit beside the repository; EVAL_COURSE_NOTES points elsewhere (a worktree).
COURSE_NOTES = Path(os.environ.get("EVAL_COURSE_NOTES") or ROOT.parent / "shared" / "course-notes")
console = Console()


def load_jsonl(name: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def index_settings(notes: Path, data_dir: Path, **overrides: Any) -> Settings:
    """Settings over `notes` with an up-to-date index in `data_dir` (incremental)."""
    settings = Settings(data_dir=data_dir, notes_dir=notes, **overrides)
    run_ingest(settings)
    return settings


def print_table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    table = Table(title=title)
    for col in columns:
        table.add_column(col, justify="right" if col != columns[0] else "left")
    for row in rows:
        table.add_row(*[f"{v:.3f}" if isinstance(v, float) else str(v) for v in row])
    console.print(table)
