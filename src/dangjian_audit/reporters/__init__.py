"""Output formats and their registry, shared by ``check`` and ``batch``.

Each public module of this package declares one :class:`~dangjian_audit.reporters.base.Format`
as ``FORMAT``; modules whose name starts with ``_`` are helpers. Adding a format is one module
(plus its template, if it has one).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from dangjian_audit.reporters.base import Format, Rendered, RenderOptions, join

__all__ = ["Format", "RenderOptions", "Rendered", "county_formats", "formats", "join", "school_formats"]

# The order formats are offered in (help text, ``batch --out``); others follow by name.
_ORDER = ("text", "markdown", "html", "json", "sarif", "junit", "csv", "xlsx")


@cache
def formats() -> dict[str, Format]:
    found: dict[str, Format] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        fmt = getattr(importlib.import_module(f"{__name__}.{info.name}"), "FORMAT", None)
        if isinstance(fmt, Format):
            if fmt.name in found:
                raise RuntimeError(f"format {fmt.name!r} declared twice")
            found[fmt.name] = fmt
    rank = {name: i for i, name in enumerate(_ORDER)}
    return dict(sorted(found.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))


def school_formats() -> dict[str, Format]:
    """Formats ``check`` can write."""
    return {name: f for name, f in formats().items() if f.school is not None}


def county_formats() -> dict[str, Format]:
    """Formats ``batch`` can write."""
    return {name: f for name, f in formats().items() if f.county is not None}
