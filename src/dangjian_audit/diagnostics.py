"""One diagnostic type for every problem found in an input file or the catalog."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
        if self.cell is not None:
            return f"{self.path}:{self.cell}"
        if self.line is None:
            return self.path
        return f"{self.path}:{self.line}:{self.column or 1}"

    def render(self, messages: Any) -> str:
        """``path:line:col: error [code] message`` (yamllint's parsable format)."""
        text = messages.error(self.code, self.args)
        return f"{self.location()}: {self.severity} [{self.code}] {text}"

    def to_dict(self, messages: Any) -> dict[str, Any]:
        out = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": messages.error(self.code, self.args),
        }
        return out | {"cell": self.cell} if self.cell is not None else out
