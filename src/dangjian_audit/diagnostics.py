"""One diagnostic type for every problem found in an input file or the catalog."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dangjian_audit.sanitize import clean_text


def inert(text: str) -> str:
    """``text`` on one line with every control and bidi character shown as an escape (``\\u202e``): an input
    echoed into a diagnostic must not clear a terminal, start a forged diagnostic line or reorder what a
    reader sees (the one sanitising function, :func:`dangjian_audit.sanitize.clean_text`, on one line)."""
    return clean_text(text, single_line=True)


def _inert_args(args: dict[str, Any]) -> dict[str, Any]:
    return {k: inert(v) if isinstance(v, str) else v for k, v in args.items()}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem at ``path:line:col``; ``code`` keys the message tables."""

    path: str
    code: str
    args: dict[str, Any] = field(default_factory=dict)
    line: int | None = None
    column: int | None = None
    severity: str = "error"
    # a workbook cell as ``sheet!C14`` (line and column then hold its row and column numbers)
    cell: str | None = None

    def sort_key(self) -> tuple[str, str, int, int, str]:
        sheet = self.cell.rpartition("!")[0] if self.cell else ""
        return (self.path, sheet, self.line or 0, self.column or 0, self.code)

    def location(self) -> str:
        path = inert(self.path)
        if self.cell is not None:
            return f"{path}:{inert(self.cell)}"
        if self.line is None:
            return path
        return f"{path}:{self.line}:{self.column or 1}"

    def message(self, messages: Any) -> str:
        """The message in the user's language, with the input it quotes made inert."""
        return str(messages.error(self.code, _inert_args(self.args)))

    def render(self, messages: Any) -> str:
        """``path:line:col: error [code] message`` (yamllint's parsable format)."""
        return f"{self.location()}: {self.severity} [{self.code}] {self.message(messages)}"

    def to_dict(self, messages: Any) -> dict[str, Any]:
        out = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message(messages),
        }
        return out | {"cell": self.cell} if self.cell is not None else out
