"""User errors (shown cleanly, with an exit code) as opposed to bugs (which keep their traceback)."""

from __future__ import annotations

from dangjian_audit.diagnostics import Diagnostic

EXIT_OK = 0
EXIT_GATE = 1
EXIT_USAGE = 2
EXIT_INVALID = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it


class InputError(Exception):
    """An input file (evidence, profile or catalog) is invalid or unreadable."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} problem(s)")
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
