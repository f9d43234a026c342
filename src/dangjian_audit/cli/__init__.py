"""The command line: parse options, call the core, render, decide where output goes, map errors to exit codes.

The CLI layer owns typer, rich, progress bars, exit codes and where output goes; nothing
below it does. Heavy modules (pydantic models, YAML, Jinja, rich tables) are imported
inside the commands so that ``--help`` and quick commands start fast, and a run imports
only the module of the command it runs (:data:`COMMANDS`): ``check`` does not pay for
``batch``'s county models, and ``--help`` or an unknown command imports them all.

Exit codes: 0 every file passes the gate; 1 a file fails the gate; 2 usage error; 3 a file
or the catalog is invalid or unreadable; 4 internal error (a bug).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

__all__ = ["COMMANDS", "app", "main"]

# Each top-level command and the modules of this package that register it (on ``app`` or on the
# ``catalog`` sub-application); tests/test_cli_lazy.py proves the table matches what they register.
COMMANDS: dict[str, tuple[str, ...]] = {
    "check": ("check",),
    "batch": ("batch",),
    "plan": ("plan",),
    "diff": ("diff",),
    "catalog": ("catalog", "coverage"),
    "schema": ("misc",),
    "init": ("misc",),
    "import": ("ledger",),
    "export": ("ledger",),
    "attach": ("ledger",),
    "pack": ("ledger",),
}


def _modules_for(argv: list[str]) -> tuple[str, ...]:
    """The command modules a run with these arguments needs: the named command's, or all of them
    (help, completion, no or an unknown command: click lists or suggests every command)."""
    everything = tuple(dict.fromkeys(m for mods in COMMANDS.values() for m in mods))
    if any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):
        return everything
    name = next((a for a in argv if not a.startswith("-")), None)
    if name is None:
        return () if "--version" in argv else everything  # --version is answered before any command
    return COMMANDS.get(name, everything)


def register(argv: list[str] | None = None) -> typer.Typer:
    """The application with the commands ``argv`` needs registered (all of them when ``argv`` is None)."""
    for module in _modules_for(argv or []) if argv is not None else _modules_for([]):
        importlib.import_module(f"{__name__}.{module}")
    from dangjian_audit.cli.app import app

    # Importing the submodule ``cli.app`` bound its name here; ``cli.app`` is the whole application instead
    # (built on first access when only some commands are registered yet).
    if argv is None:
        globals()["app"] = app
    else:
        globals().pop("app", None)
    return app


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole application, for tests and library use
        return register()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    from dangjian_audit.cli.common import err
    from dangjian_audit.errors import EXIT_INTERNAL

    application = register(sys.argv[1:])
    try:
        application()
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
