"""Finding and reading notes files without leaving the notes folder.

The notes folder is data an operator points the service at; what it contains must not
widen what the service reads. So:

- folders are walked without following symbolic links to other folders, and hidden
  files and folders (``.git``, ``.obsidian``) are left out;
- a file that is a symbolic link is read only when its target lies inside the notes
  folder (``leak.md -> /etc/passwd`` or ``-> /proc/self/environ`` is refused);
- only regular files are read: a FIFO, a device or a socket named ``*.md`` is refused
  without being opened for a blocking read;
- a file larger than the configured cap is refused before it is read (and a file that
  grows past the cap while being read, or lies about its size as ``/proc`` files do,
  is cut off at the cap and refused).

A refused file is reported with the reason, like an unreadable one.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NoteRefused(Exception):
    """The file is not read, by policy; ``reason`` says why, for the ingest report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def find_notes(notes_dir: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Every non-hidden entry with a notes suffix, in path order (links not yet judged)."""
    wanted = {s.lower() for s in suffixes}
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(notes_dir, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found.extend(
            Path(dirpath) / name
            for name in filenames
            if not name.startswith(".") and Path(name).suffix.lower() in wanted
        )
    return sorted(found)


def read_note(path: Path, root: Path, max_bytes: int) -> bytes:
    """The bytes of one notes file, or :class:`NoteRefused` (policy) / ``OSError`` (I/O).

    ``root`` is the notes folder with its own links resolved.
    """
    real = path.resolve(strict=True)
    if not real.is_relative_to(root):
        raise NoteRefused("symbolic link to a file outside the notes folder: not read")
    before = os.lstat(real)
    if not stat.S_ISREG(before.st_mode):
        raise NoteRefused("not a regular file (FIFO, device or socket): not read")
    too_big = NoteRefused(
        f"larger than {max_bytes:,} bytes (CHATBOT_CHUNKING__MAX_FILE_BYTES): not read"
    )
    if before.st_size > max_bytes:
        raise too_big
    # O_NOFOLLOW: the checked path must not have become a link since; O_NONBLOCK: a FIFO
    # swapped in meanwhile cannot block the open.
    fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as fh:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (
            before.st_dev,
            before.st_ino,
        ):
            raise NoteRefused("the file changed while being checked: not read")
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_big
    return data
