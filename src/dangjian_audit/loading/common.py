"""Helpers every loader shares: YAML with positions, validation into diagnostics, parameter substitution."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.loading.positions import validation_diagnostics
from dangjian_audit.yamlio import LINE_KEY, parse, read_text


def load_yaml(path: Path, display: str) -> tuple[str, Any]:
    text = read_text(path, display)
    return text, parse(text, display)


def validate(model: type[BaseModel], data: Any, text: str, display: str, prefix: tuple[Any, ...],
              diags: list[Diagnostic]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        diags.extend(validation_diagnostics(exc, text, display, prefix))
        return None


def strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def substitute(value: Any, params: dict[str, Any], missing: list[str]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        name = value[1:]
        if name not in params:
            missing.append(name)
            return value
        return params[name]
    if isinstance(value, dict):
        return {k: substitute(v, params, missing) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, params, missing) for v in value]
    return value
