"""The one reporter interface: every output format, for ``check`` and ``batch`` alike.

A format module declares ``FORMAT = Format(...)``: its name, file suffix, whether it is a
manifest, and how it renders a school run (``check``) and/or a county summary (``batch``).
A renderer returns text, an iterator of text pieces (large county outputs are streamed), or
bytes; the CLI decides where it goes. Format modules import their heavy libraries (Jinja,
rich, openpyxl) inside the renderers, so listing the formats costs nothing at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

from dangjian_audit.i18n import Messages

if TYPE_CHECKING:
    from dangjian_audit.models.county import CountySummary
    from dangjian_audit.models.result import CheckRun
    from dangjian_audit.models.ruleset import Ruleset

Rendered = Union[str, bytes, Iterator[str]]  # noqa: UP007 - a runtime alias


@dataclass(frozen=True)
class RenderOptions:
    msgs: Messages
    ruleset: Ruleset
    color: bool = False  # terminal colours (text, at a terminal only)
    links: bool = False  # county summaries link each school to its own report under ``schools/``


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str
    # A manifest describes the whole run and is written even when no file could be scored
    # (CI reads it: SARIF, JUnit, JSON); the others are written only when there is a report.
    manifest: bool = False
    binary: bool = False
    encoding: str = "utf-8"
    school: Callable[[CheckRun, RenderOptions], Rendered] | None = None
    county: Callable[[CountySummary, RenderOptions], Rendered] | None = None
    # Whether the county rendering reads ``RenderOptions.links``: only then does ``batch --out`` with
    # ``--output`` in the same format write two different files (else it renders once, writes twice).
    county_links: bool = False


def join(rendered: Rendered) -> str | bytes:
    """One string (or bytes) from any renderer's result."""
    if isinstance(rendered, (str, bytes)):
        return rendered
    return "".join(rendered)
