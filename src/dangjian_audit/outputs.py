"""Output files that are either whole or absent: written under a temporary name and renamed on success, and the
marker left in a report folder whose run was interrupted.

A file is written next to its final path as ``.<name>.tmp-<pid>`` and moved into place with :func:`os.replace`
(atomic on one file system), so a reader, a CI upload step or a second run never sees half a summary: an
interrupted or failed write removes its temporary file and leaves the previous file, if any, untouched.

A batch interrupted with Ctrl-C leaves ``INCOMPLETE.txt`` in its ``--out`` folder, saying in the user's
language what was done and that the summary is missing; the next complete run into that folder removes it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

INCOMPLETE_MARKER = "INCOMPLETE.txt"
TEMP_INFIX = ".tmp-"


def temporary_path(path: Path) -> Path:
    """Where ``path`` is written before it is renamed: hidden, in the same folder (same file system)."""
    return path.with_name(f".{path.name}{TEMP_INFIX}{os.getpid()}")


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path``, on any failure (an interrupt
    included) it is removed and ``path`` is left as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_path(path)
    try:
        yield temporary
        os.replace(temporary, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(exc, OSError) and exc.filename is not None and os.fsdecode(exc.filename) == str(temporary):
            exc.filename = str(path)  # the user asked for path; the temporary name would only puzzle them
        raise


def remove_leftovers(directory: Path, prefixes: tuple[str, ...]) -> int:
    """Delete files in ``directory`` whose names start with one of ``prefixes`` (the parts of an interrupted
    run); returns how many were removed."""
    removed = 0
    if not directory.is_dir():
        return 0
    for entry in directory.iterdir():
        if entry.name.startswith(prefixes) and entry.is_file():
            with contextlib.suppress(OSError):
                entry.unlink()
                removed += 1
    return removed


def remove_unpaired(directory: Path, suffixes: tuple[str, ...]) -> int:
    """Delete reports missing one of their formats (an interrupt between renaming a school's ``.html`` and its
    ``.md``): every stem left has all ``suffixes``. Returns how many files were removed."""
    if not directory.is_dir():
        return 0
    stems: dict[str, set[str]] = {}
    for entry in directory.iterdir():
        if entry.suffix in suffixes and not entry.name.startswith("."):
            stems.setdefault(entry.stem, set()).add(entry.suffix)
    removed = 0
    for stem, found in stems.items():
        if len(found) < len(suffixes):
            for suffix in found:
                with contextlib.suppress(OSError):
                    (directory / f"{stem}{suffix}").unlink()
                    removed += 1
    return removed


def mark_incomplete(directory: Path, text: str) -> Path | None:
    """Leave the marker saying the folder's contents are incomplete; None if it cannot be written."""
    marker = directory / INCOMPLETE_MARKER
    try:
        directory.mkdir(parents=True, exist_ok=True)
        marker.write_text(text + "\n", encoding="utf-8")
    except OSError:
        return None
    return marker


def clear_incomplete(directory: Path) -> None:
    """A complete run: remove the marker an earlier interrupted run left."""
    with contextlib.suppress(FileNotFoundError):
        (directory / INCOMPLETE_MARKER).unlink()
