"""The command's entry point (``dangjian-audit`` and ``python -m dangjian_audit``): start-up and teardown.

A command is a short process that builds tens of thousands of long-lived objects while
importing (typer, pydantic's model classes, the catalog) and frees them all when it exits.
So, before anything heavy is imported:

* the cyclic garbage collector is paused while modules load, and the loaded objects are then
  frozen out of its scans (``gc.freeze``): otherwise it walks them over and over for nothing;
* pydantic's plugin discovery, a scan of every installed distribution's entry points, is
  skipped (``PYDANTIC_DISABLE_PLUGINS``, unless the environment sets it) -- the CLI uses none;
* after the command has finished and its output is flushed, the process ends at once
  (``os._exit``) instead of tearing every object down one by one. Only when no tracer or
  coverage collector is running, which must write its data at exit.
"""

from __future__ import annotations

import gc
import os
import sys


def main() -> None:
    gc.disable()
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from dangjian_audit.cli import main as cli_main
    from dangjian_audit.cli import register

    register(sys.argv[1:])  # the command's modules, loaded while the collector is paused
    gc.freeze()
    gc.enable()
    try:
        cli_main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if not isinstance(code, int) or sys.gettrace() is not None or "coverage" in sys.modules:
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None  # a closed or broken stream: let the interpreter report it
    os._exit(code)


if __name__ == "__main__":
    main()
