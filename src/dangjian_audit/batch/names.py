"""Safe, deterministic file names for the per-school reports: a school code can never leave its folder."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

_UNSAFE = re.compile(r"[^\w.-]+")
_DOTS = re.compile(r"\.{2,}")
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_STEM = 80


def safe_stem(code: str) -> str:
    """A file-name stem from a school code that can never leave its folder.

    Letters (including Chinese), digits, ``_``, ``-`` and single dots are kept; separators,
    ``..``, control and other characters become ``_``; leading dots are dropped (no hidden or
    relative names), Windows device names get a ``_`` prefix.
    """
    text = unicodedata.normalize("NFKC", code)
    text = _UNSAFE.sub("_", text)
    text = _DOTS.sub(".", text).strip("._-")[:MAX_STEM].rstrip(".")
    if not text:
        return "school"
    if text.split(".")[0].upper() in _WINDOWS_RESERVED:
        text = "_" + text
    return text


class ReportNamer:
    """Deterministic, collision-free stems in input order (case-insensitively, for macOS and Windows)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def assign(self, code: str) -> str:
        stem = safe_stem(code)
        candidate, n = stem, 1
        while candidate.casefold() in self._taken:
            n += 1
            candidate = f"{stem}-{n}"
        self._taken.add(candidate.casefold())
        return candidate


def report_path(directory: Path, stem: str, suffix: str) -> Path:
    """``directory/stem.suffix``, refusing anything that would resolve outside ``directory``."""
    path = directory / f"{stem}{suffix}"
    if path.resolve().parent != directory.resolve():
        raise ValueError(f"unsafe report name: {stem!r}")
    return path
