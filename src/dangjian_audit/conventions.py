"""Command-line conventions users expect: the format follows the output file's suffix, ``-`` is standard input
(as a FILE) or standard output (as ``-o -``), help in the user's language.

Plain functions without typer, so every command (and its tests) shares one behaviour; the CLI layer turns a
:class:`UsageProblem` into ``dangjian-audit: error [code] message`` and exit code 2.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STDIO = "-"
STDIN_DISPLAY = "<stdin>"


@dataclass
class UsageProblem(Exception):
    """A usage error found by a convention: a message code of the ``errors`` table and its arguments."""

    code: str
    args_: dict[str, Any] = field(default_factory=dict)


def output_path(output: Path | None) -> Path | None:
    """``-o -`` means standard output, like no ``-o`` at all."""
    return None if output is None or str(output) == STDIO else output


def suffix_of(path: Path) -> str:
    """The suffix a format is recognised by, lower-case; ``.sarif.json`` counts as ``.sarif``."""
    name = path.name.lower()
    if name.endswith(".sarif.json"):
        return ".sarif"
    return path.suffix.lower()


def choose_format(explicit: str | None, output: Path | None, by_suffix: Mapping[str, str], default: str) -> str:
    """The report format: ``--format`` if given, else the one the output file's suffix names, else ``default``.

    An explicit ``--format`` that contradicts a known suffix (``-f text -o report.html``) is a usage error:
    a file named .html holding terminal text is the mistake this prevents.
    """
    target = output_path(output)
    implied = by_suffix.get(suffix_of(target)) if target is not None else None
    if explicit is None:
        return implied or default
    if implied is not None and implied != explicit:
        assert target is not None
        raise UsageProblem("usage_format_suffix", {"format": explicit, "path": str(target), "implied": implied})
    return explicit


@contextmanager
def stdin_files(files: Sequence[Path]) -> Iterator[list[tuple[Path, str]]]:
    """``(path to read, name to show)`` for each FILE; ``-`` reads standard input once into a temporary file
    shown as ``<stdin>`` (removed afterwards)."""
    if sum(1 for f in files if str(f) == STDIO) > 1:
        raise UsageProblem("usage_stdin_twice", {})
    temporary: Path | None = None
    try:
        out: list[tuple[Path, str]] = []
        for f in files:
            if str(f) == STDIO:
                data = sys.stdin.buffer.read()
                import tempfile

                handle, name = tempfile.mkstemp(prefix="dangjian-audit-stdin-", suffix=".yaml")
                with os.fdopen(handle, "wb") as fh:
                    fh.write(data)
                temporary = Path(name)
                out.append((temporary, STDIN_DISPLAY))
            else:
                out.append((f, str(f)))
        yield out
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def help_language(argv: Sequence[str], environ: Mapping[str, str], configured: str | None = None) -> str:
    """The language of ``--help``: ``--lang`` on the command line, else the project configuration, else the
    locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: Chinese for ``zh_*``), else English."""
    for k, arg in enumerate(argv):
        if arg == "--lang" and k + 1 < len(argv) and argv[k + 1] in ("zh", "en"):
            return argv[k + 1]
        if arg.startswith("--lang=") and arg[7:] in ("zh", "en"):
            return arg[7:]
    if configured in ("zh", "en"):
        return configured
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"
