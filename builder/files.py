"""File helpers every stage may use (the bottom layer, with builder.model)."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` so that a reader (or a parallel build) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` (atomically) unless the file holds it already; True if it was written.

    A file left as it was keeps its mtime, so a watcher (MkDocs' dev server) sees no change."""
    if same_content(path, data):
        return False
    write_atomic(path, data)
    return True


def same_content(path: Path, data: bytes) -> bool:
    """Whether the file at ``path`` holds exactly ``data``."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except FileNotFoundError:
        return False
