"""Load a county profile and check its overrides against the catalog they override."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.errors import InputError
from dangjian_audit.loading.common import load_yaml, strip_lines, validate
from dangjian_audit.models.catalog import CatalogHeader, Profile, Scoring
from dangjian_audit.yamlio import locate


def load_profile(path: Path, display: str | None = None) -> Profile:
    display = display or str(path)
    text, data = load_yaml(path, display)
    if not isinstance(data, dict):
        raise InputError([Diagnostic(display, "not_mapping", {}, 1, 1)])
    diags: list[Diagnostic] = []
    profile = validate(Profile, strip_lines(data), text, display, (), diags)
    if diags:
        raise InputError(diags)
    assert isinstance(profile, Profile)
    profile._display, profile._text = display, text
    return profile


def _value_kind(value: Any) -> str:
    """A coarse type for comparing a profile's override with the catalog's default."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float, Decimal)):
        return "number"
    if isinstance(value, str):
        try:
            Fraction(value.strip())
            return "number"
        except (ValueError, ZeroDivisionError):
            return "text"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, list):
        return "list"
    return "mapping" if isinstance(value, dict) else "text"


def profile_diagnostics(
    profile: Profile, header: CatalogHeader, declared: dict[str, dict[str, Any]]
) -> list[Diagnostic]:
    """Every override must name a setting or parameter the catalog has, with a value of the same kind."""
    out: list[Diagnostic] = []

    def at(loc: tuple[Any, ...], code: str, **args: Any) -> None:
        line, col, _ = locate(profile._text, loc)
        out.append(Diagnostic(profile._display, code, args, line, col))

    def compare(loc: tuple[Any, ...], name: str, value: Any, default: Any) -> None:
        if _value_kind(value) != _value_kind(default):
            at(loc, "profile_param_type", name=name, expected=_value_kind(default), default=default)

    for name, value in profile.settings.items():
        if name not in header.settings:
            at(("settings", name), "profile_unknown_setting", name=name, known=", ".join(sorted(header.settings)))
        else:
            compare(("settings", name), name, value, header.settings[name])
    for ref, params in profile.params.items():
        if ref not in declared:
            at(("params", ref), "profile_unknown_indicator", id=ref)
            continue
        for name, value in params.items():
            if name not in declared[ref]:
                at(("params", ref, name), "profile_unknown_param", id=ref, name=name,
                   known=", ".join(sorted(declared[ref])) or "-")
            else:
                compare(("params", ref, name), name, value, declared[ref][name])
    return out


def apply_profile_scoring(scoring: Scoring, profile: Profile | None) -> Scoring:
    if profile is None:
        return scoring
    ps = profile.scoring
    grades = [g.model_copy(update={"min": ps.grades.get(g.id, g.min)}) for g in scoring.grades]
    levels = [lv.model_copy(update={"min": ps.levels.get(lv.id, lv.min)}) for lv in scoring.levels]
    cap = ps.veto_cap if ps.veto_cap is not None else scoring.veto_cap
    return scoring.model_copy(update={"grades": grades, "levels": levels, "veto_cap": cap})
