"""A progress bar on stderr for a person at a terminal; nothing when piped or on CI."""

from __future__ import annotations

import os
import sys
from typing import Any


def show_progress() -> bool:
    """A progress bar only for a person at a terminal: never when piped or on CI."""
    return sys.stderr.isatty() and not os.environ.get("CI")


class Progress:
    """A rich progress bar on stderr, or nothing."""

    def __init__(self, total: int, label: str, enabled: bool) -> None:
        self._bar: Any = None
        if enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self._task = self._bar.add_task(label, total=total)

    def __enter__(self) -> Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def advance(self, _row: object = None) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)
