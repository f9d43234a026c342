"""Which files a batch scores: folders searched recursively for evidence files, files taken as given."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

EXTENSIONS = (".yaml", ".yml")


def discover(paths: Sequence[Path]) -> list[str]:
    """Files to score: folders searched recursively for .yaml/.yml (sorted), files taken as given.

    Hidden files and folders (``.git``, editor back-ups) are skipped inside folders; symlinked
    folders are not followed (no loops). A path that does not exist, or a folder that cannot be
    listed, is kept, so it is reported.
    """
    out: list[str] = []
    seen: set[str] = set()

    def add(text: str) -> None:
        key = os.path.normcase(os.path.abspath(text))
        if key not in seen:
            seen.add(key)
            out.append(text)

    for path in paths:
        if not path.is_dir():
            add(str(path))
            continue
        found: list[tuple[str, ...]] = []

        def unreadable(error: OSError, _top: Path = path, _found: list[tuple[str, ...]] = found) -> None:
            # a folder that cannot be listed is kept as an input, so it is reported, never skipped
            if error.filename is not None:
                _found.append(Path(os.fsdecode(error.filename)).relative_to(_top).parts)

        for root, dirs, names in os.walk(path, onerror=unreadable):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            rel = Path(root).relative_to(path).parts
            found.extend((*rel, n) for n in names if n.lower().endswith(EXTENSIONS) and not n.startswith("."))
        for parts in sorted(found):
            add(str(path.joinpath(*parts)))
    return out
