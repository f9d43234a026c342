"""The command line: parse options, call the core, render, decide where output goes, map errors to exit codes.

The CLI layer owns typer, rich, progress bars, exit codes and where output goes; nothing
below it does. Heavy modules (pydantic models, YAML, Jinja, rich tables) are imported
inside the commands so that ``--help`` and quick commands start fast.

Exit codes: 0 every file passes the gate; 1 a file fails the gate; 2 usage error; 3 a file
or the catalog is invalid or unreadable; 4 internal error (a bug).
"""

from __future__ import annotations

import sys

from dangjian_audit.cli import batch, catalog, check, coverage, ledger, misc, plan  # noqa: F401 - each registers its commands
from dangjian_audit.cli.app import app
from dangjian_audit.cli.common import err
from dangjian_audit.errors import EXIT_INTERNAL

__all__ = ["app", "main"]


def main() -> None:
    try:
        app()
    except Exception as exc:  # noqa: BLE001 - a bug: keep the traceback, but say so and exit apart from the gate
        import traceback

        from dangjian_audit.i18n import Messages

        traceback.print_exc()
        args = sys.argv[1:]
        english = "--lang=en" in args or any(a == "--lang" and b == "en" for a, b in zip(args, args[1:], strict=False))
        lang = "en" if english else "zh"
        detail = f"{type(exc).__name__}: {exc}"
        err("dangjian-audit: error [internal_bug] " + Messages(lang).error("internal_bug", {"detail": detail}))
        raise SystemExit(EXIT_INTERNAL) from None
