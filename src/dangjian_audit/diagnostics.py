"""One diagnostic type for every problem found in an input file or the catalog."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dangjian_audit.sanitize import clean_text


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem at ``path:line:col``; ``code`` keys the message tables."""

    path: str
    code: str
    args: dict[str, Any] = field(default_factory=dict)
    line: int | None = None
    column: int | None = None
    severity: str = "error"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line or 0, self.column or 0, self.code)

    def location(self) -> str:
        path = clean_text(self.path)
        if self.line is None:
            return path
        return f"{path}:{self.line}:{self.column or 1}"

    def message(self, messages: Any) -> str:
        """The message in the user's language; text quoted from the input is cleaned (control, bidi)."""
        return clean_text(messages.error(self.code, self.args))

    def render(self, messages: Any) -> str:
        """``path:line:col: error [code] message`` (yamllint's parsable format)."""
        return f"{self.location()}: {self.severity} [{self.code}] {self.message(messages)}"

    def to_dict(self, messages: Any) -> dict[str, Any]:
        return {
            "path": clean_text(self.path),
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message(messages),
        }


@dataclass(frozen=True, slots=True)
class InvalidFile:
    """An input file that could not be scored, with every problem found in it: a result in its own right,
    reported by every format beside the scored schools."""

    source: str
    diagnostics: tuple[Diagnostic, ...]

    @property
    def display(self) -> str:
        return clean_text(self.source)
