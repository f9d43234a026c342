"""From pydantic errors and YAML paths to positions: every problem at ``path:line:col``."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.yamlio import locate


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    # pydantic adds the tag of a failed union member or function validator; YAML has no such node
    return tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in {"function-after"})))


def _field_name(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


def validation_diagnostics(
    exc: ValidationError, text: str, display: str, prefix: tuple[Any, ...] = (), skip: int = 0
) -> list[Diagnostic]:
    """Turn pydantic errors into diagnostics keyed on pydantic's stable error ``type``.

    ``skip`` drops leading location parts that have no node in the YAML (a union's tag).
    """
    return [error_diagnostic(err, text, display, prefix + _clean_loc(tuple(err["loc"])[skip:]), skip=skip)
            for err in exc.errors(include_url=False)]


def error_diagnostic(err: Any, text: str, display: str, full: tuple[Any, ...], field: str | None = None,
                     skip: int = 0) -> Diagnostic:
    """One pydantic error at ``full`` (a key path in ``text``); ``field`` names it (default: its own location)."""
    loc = _clean_loc(tuple(err["loc"])[skip:])
    line, col, _ = locate(text, full)
    ctx = err.get("ctx") or {}
    inp = err.get("input")
    args = {
        "field": field or _field_name(loc),
        "input": _short(inp),
        "msg": err["msg"],
        "expected": str(ctx.get("expected", "")).replace("' or '", "', '"),
        "limit": next((ctx[k] for k in ("ge", "gt", "le", "lt", "min_length", "max_length") if k in ctx), ""),
    }
    # a custom error's context (a suggested date, a character's code point) fills its message
    args |= {k: v for k, v in ctx.items() if k not in args and isinstance(v, str | int)}
    if err["type"] == "extra_forbidden" and loc:
        args["field"] = str(loc[-1])
    return Diagnostic(display, err["type"], args, line, col)


def _short(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"  # as the YAML file says it
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    try:
        text = str(value)
    except ValueError:  # an integer too long to print
        return "…"
    return text if len(text) <= 40 else text[:37] + "…"
