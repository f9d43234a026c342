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
    diags = []
    for err in exc.errors(include_url=False):
        loc = _clean_loc(tuple(err["loc"])[skip:])
        full = prefix + loc
        line, col, _ = locate(text, full)
        ctx = err.get("ctx") or {}
        inp = err.get("input")
        args = {
            "field": _field_name(loc),
            "input": _short(inp),
            "msg": err["msg"],
            "expected": str(ctx.get("expected", "")).replace("' or '", "', '"),
            "limit": next((ctx[k] for k in ("ge", "gt", "le", "lt", "min_length", "max_length") if k in ctx), ""),
        }
        if err["type"] == "extra_forbidden" and loc:
            args["field"] = str(loc[-1])
        diags.append(Diagnostic(display, err["type"], args, line, col))
    return diags


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"
