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


class OutputError(Exception):
    """An output (a report file, a folder, a spill file) cannot be written; the CLI exits with the usage code."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    @classmethod
    def from_os_error(cls, path: str, exc: OSError) -> OutputError:
        """The path the system refused (a parent that is a file, say), else ``path``."""
        import os

        where = os.fsdecode(exc.filename) if exc.filename is not None else path
        return cls(where, exc.strerror or str(exc))

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.path, "unwritable", {"reason": self.reason})
