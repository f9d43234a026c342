"""Loaders for evidence files, the catalog and county profiles.

Each loader returns a validated model or raises :class:`InputError` carrying
every problem found in the file, each at ``path:line:col``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any, TypeGuard

from pydantic import BaseModel, ValidationError

from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.errors import InputError
from dangjian_audit.models.catalog import Catalog, CatalogHeader, Indicator, Profile, ProfileScoring, Scoring
from dangjian_audit.models.evidence import Evidence
from dangjian_audit.yamlio import LINE_KEY, locate, parse, read_text

# ---------------------------------------------------------------- positions


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    # pydantic adds the tag of a failed union member or function validator; YAML has no such node
    return tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in {"function-after"})))


def _field_name(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


def validation_diagnostics(
    exc: ValidationError, text: str, display: str, prefix: tuple[Any, ...] = ()
) -> list[Diagnostic]:
    """Turn pydantic errors into diagnostics keyed on pydantic's stable error ``type``."""
    diags = []
    for err in exc.errors(include_url=False):
        loc = _clean_loc(tuple(err["loc"]))
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


# ---------------------------------------------------------------- evidence

_DATED = ("meetings", "activities", "talks", "incidents")


def semantic_checks(ev: Evidence, text: str, display: str,
                    place: Callable[[tuple[Any, ...], str, dict[str, Any]], Diagnostic] | None = None
                    ) -> list[Diagnostic]:
    """Checks beyond types: dates inside the period, unique ids, meeting references.

    ``place`` turns a model location into a diagnostic when the evidence did not come from ``text``
    (a workbook locates its cells itself).
    """
    diags: list[Diagnostic] = []
    start, end = ev.period.start, ev.period.end

    def at(loc: tuple[Any, ...], code: str, **args: Any) -> None:
        if place is not None:
            diags.append(place(loc, code, args))
            return
        line, col, _ = locate(text, loc)
        diags.append(Diagnostic(display, code, args, line, col))

    for section in _DATED:
        for i, rec in enumerate(getattr(ev, section) or ()):
            if not start <= rec.date <= end:
                at((section, i, "date"), "date_out_of_period", date=rec.date.isoformat(),
                   start=start.isoformat(), end=end.isoformat())
    if ev.appraisal and not start <= ev.appraisal.date <= end:
        at(("appraisal", "date"), "date_out_of_period", date=ev.appraisal.date.isoformat(),
           start=start.isoformat(), end=end.isoformat())
    org = ev.organization
    for loc, records in (
        *(((section,), getattr(ev, section)) for section in (
            "meetings", "members", "documents", "decisions", "recruitment", "activities", "incidents",
            "cadre_appointments", "leadership", "channels", "material_reviews")),
        (("organization", "committee"), org.committee),
        (("organization", "party_groups"), org.party_groups),
    ):
        seen: set[str] = set()
        for i, rec in enumerate(records or ()):
            if rec.id in seen:
                at((*loc, i, "id"), "duplicate_id", id=rec.id, section=".".join(loc))
            seen.add(rec.id)
    meeting_ids = {m.id for m in ev.meetings or ()}
    for section, fields in (("decisions", ("meeting", "proposal_meeting")), ("cadre_appointments", ("meeting",))):
        for i, rec in enumerate(getattr(ev, section) or ()):
            for name in fields:
                ref = getattr(rec, name)
                if ref is not None and ref not in meeting_ids:
                    at((section, i, name), "unknown_meeting", id=ref)
    return diags


def _is_day(value: Any) -> TypeGuard[dt.date]:
    # a YAML timestamp with a time of day is a datetime; validation reports it, it is no day here
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _raw_period_checks(data: dict[str, Any], text: str, display: str) -> list[Diagnostic]:
    """Out-of-period dates in a file that failed validation, so every problem is reported at once."""
    period = data.get("period")
    if not isinstance(period, dict):
        return []
    start, end = period.get("start"), period.get("end")
    if not (_is_day(start) and _is_day(end)):
        return []
    diags = []
    for section in _DATED:
        records = data.get(section)
        for i, rec in enumerate(records if isinstance(records, list) else ()):
            day = rec.get("date") if isinstance(rec, dict) else None
            if _is_day(day) and not start <= day <= end:
                line, col, _ = locate(text, (section, i, "date"))
                diags.append(Diagnostic(display, "date_out_of_period", {
                    "date": day.isoformat(), "start": start.isoformat(), "end": end.isoformat()}, line, col))
    return diags


def load_evidence(path: Path, display: str | None = None, as_of: dt.date | None = None) -> Evidence:
    """Load and validate one evidence file; with ``as_of``, the audit date must not precede its period.

    A workbook (``.xlsx``) is converted in memory and an evidence pack (``.zip``) verified and opened.
    """
    display = display or str(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from dangjian_audit.ledger.reader import load_ledger

        return load_ledger(path, display, as_of)
    if suffix == ".zip":
        from dangjian_audit.pack import load_pack

        return load_pack(path, display, as_of)
    text = read_text(path, display)
    data = parse(text, display)
    if not isinstance(data, dict):
        raise InputError([Diagnostic(display, "not_mapping", {}, 1, 1)])
    try:
        ev = Evidence.model_validate(data)
    except ValidationError as exc:
        diags = validation_diagnostics(exc, text, display) + _raw_period_checks(data, text, display)
        raise InputError(diags) from None
    diags = semantic_checks(ev, text, display)
    if as_of is not None and as_of < ev.period.start:
        line, col, _ = locate(text, ("period", "start"))
        diags.append(Diagnostic(display, "as_of_before_period", {"as_of": as_of.isoformat(),
                                                                   "start": ev.period.start.isoformat()}, line, col))
    from dangjian_audit.attachments import attachment_diagnostics, yaml_place

    diags += attachment_diagnostics(ev, path.parent, yaml_place(text, display))
    if diags:
        raise InputError(diags)
    return ev


# ---------------------------------------------------------------- catalog


def default_catalog_dir() -> Path:
    """The catalog shipped in the package, or the checkout's ``indicators/`` when run from source."""
    packaged = Path(str(resources.files("dangjian_audit"))) / "indicators"
    if (packaged / "catalog.yaml").is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "indicators"


@dataclass(frozen=True)
class CompiledIndicator:
    indicator: Indicator
    checks: tuple[tuple[Any, Any], ...]  # (spec, check function)


@dataclass(frozen=True)
class Ruleset:
    """A catalog with a profile applied and every check compiled."""

    catalog: Catalog
    scoring: Scoring
    settings: dict[str, Any]
    indicators: tuple[CompiledIndicator, ...]
    profile_name: str | None = None


def _load_yaml(path: Path, display: str) -> tuple[str, Any]:
    text = read_text(path, display)
    return text, parse(text, display)


def _validate(model: type[BaseModel], data: Any, text: str, display: str, prefix: tuple[Any, ...],
              diags: list[Diagnostic]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        diags.extend(validation_diagnostics(exc, text, display, prefix))
        return None


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _substitute(value: Any, params: dict[str, Any], missing: list[str]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        name = value[1:]
        if name not in params:
            missing.append(name)
            return value
        return params[name]
    if isinstance(value, dict):
        return {k: _substitute(v, params, missing) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, params, missing) for v in value]
    return value


def load_profile(path: Path, display: str | None = None) -> Profile:
    display = display or str(path)
    text, data = _load_yaml(path, display)
    if not isinstance(data, dict):
        raise InputError([Diagnostic(display, "not_mapping", {}, 1, 1)])
    diags: list[Diagnostic] = []
    profile = _validate(Profile, _strip_lines(data), text, display, (), diags)
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


def _profile_diagnostics(
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


def load_ruleset(directory: Path | None = None, profile: Profile | None = None) -> Ruleset:
    """Load, validate and compile the catalog in ``directory`` with an optional profile."""
    from dangjian_audit.rules import REGISTRY
    from dangjian_audit.rules.paths import evidence_section_exists
    from dangjian_audit.rules.paths import problems as path_problems

    directory = directory or default_catalog_dir()
    head_path = directory / "catalog.yaml"
    head_display = str(head_path)
    text, data = _load_yaml(head_path, head_display)
    diags: list[Diagnostic] = []
    if not isinstance(data, dict):
        raise InputError([Diagnostic(head_display, "not_mapping", {}, 1, 1)])
    header = _validate(CatalogHeader, _strip_lines(data), text, head_display, (), diags)
    if header is None:
        raise InputError(diags)
    assert isinstance(header, CatalogHeader)
    settings = dict(header.settings) | dict(profile.settings if profile else {})
    overrides = profile.params if profile else {}
    indicators: list[Indicator] = []
    compiled: list[CompiledIndicator] = []
    seen: dict[str, str] = {}
    for d_index, dim in enumerate(header.dimensions):
        dim_path = directory / dim.file
        dim_display = str(dim_path)
        try:
            dtext, ddata = _load_yaml(dim_path, dim_display)
        except InputError as exc:
            diags.extend(exc.diagnostics)
            continue
        items = ddata.get("indicators") if isinstance(ddata, dict) else None
        if not isinstance(items, list):
            diags.append(Diagnostic(dim_display, "catalog_no_indicators", {}, 1, 1))
            continue
        total = Decimal(0)
        complete = True  # only a dimension whose indicators all loaded can be checked for its total
        for i, raw in enumerate(items):
            line = raw.get(LINE_KEY, 0) if isinstance(raw, dict) else 0
            clean = _strip_lines(raw)
            if isinstance(clean, dict):
                clean |= {"dimension": dim.id, "line": line, "source_file": dim.file}
            ind = _validate(Indicator, clean, dtext, dim_display, ("indicators", i), diags)
            if ind is None:
                complete = False
                continue
            assert isinstance(ind, Indicator)

            def at(code: str, loc: tuple[Any, ...] = (), *, _text: str = dtext, _i: int = i,
                   _path: str = dim_display, **args: Any) -> None:
                ln, col, _ = locate(_text, ("indicators", _i, *loc))
                diags.append(Diagnostic(_path, code, args, ln, col))

            for k, section in enumerate(ind.evidence):
                if not evidence_section_exists(section):
                    at("catalog_unknown_field", ("evidence", k), path=section)
            if not ind.id.startswith(dim.id + "-"):
                at("catalog_wrong_dimension", ("id",), id=ind.id, dimension=dim.id)
            if ind.id in seen:
                at("catalog_duplicate_id", ("id",), id=ind.id)
            seen[ind.id] = dim.id
            total += ind.points
            params = settings | dict(ind.params) | dict(overrides.get(ind.id, {}))
            specs = ind.check.get("all") if "all" in ind.check else [ind.check]
            checks = []
            errors_before = len(diags)
            for j, spec_data in enumerate(specs if isinstance(specs, list) else []):
                loc: tuple[Any, ...] = ("check", "all", j) if "all" in ind.check else ("check",)
                missing: list[str] = []
                resolved = _substitute(spec_data, params, missing)
                for name in missing:
                    at("catalog_unknown_param", loc, name=name)
                kind = resolved.get("kind") if isinstance(resolved, dict) else None
                if kind not in REGISTRY:
                    at("catalog_unknown_kind", loc, kind=str(kind), kinds=", ".join(sorted(REGISTRY)))
                    continue
                model, fn = REGISTRY[kind]
                if kind == "manual":
                    resolved = resolved | {"indicator": ind.id}
                spec = _validate(model, resolved, dtext, dim_display, ("indicators", i, *loc), diags)
                if spec is not None:
                    for code, path in path_problems(spec):
                        at(code, loc, path=path)
                    checks.append((spec, fn))
            if not checks and len(diags) == errors_before:
                at("catalog_no_check", ("check",))
            indicators.append(ind)
            compiled.append(CompiledIndicator(ind, tuple(checks)))
        if complete and total != dim.points:
            ln, col, _ = locate(text, ("dimensions", d_index, "points"))
            diags.append(Diagnostic(head_display, "catalog_points_mismatch",
                                    {"dimension": dim.id, "declared": str(dim.points), "sum": str(total)}, ln, col))
    dim_total = sum((d.points for d in header.dimensions), Decimal(0))
    if dim_total != Decimal(100):
        diags.append(Diagnostic(head_display, "catalog_total_not_100", {"sum": str(dim_total)}, 1, 1))
    for level in header.scoring.levels:
        for ref in level.require_met:
            if ref not in seen:
                diags.append(Diagnostic(head_display, "catalog_unknown_indicator", {"id": ref}, 1, 1))
    if profile:
        declared = {ind.id: dict(ind.params) for ind in indicators}
        profile_diags = _profile_diagnostics(profile, header, declared)
        if profile_diags:
            # the profile is the cause: report it alone, not the catalog checks its values broke
            raise InputError(profile_diags)
    if diags:
        raise InputError(diags)
    scoring = _apply_profile_scoring(header.scoring, profile)
    if profile is not None and profile.scoring != ProfileScoring():
        try:
            Scoring.model_validate(scoring.model_dump())
        except ValidationError as exc:
            line, col, _ = locate(profile._text, ("scoring",))
            raise InputError([Diagnostic(profile._display, str(err["type"]), {"msg": err["msg"], "field": "scoring"},
                                         line, col) for err in exc.errors(include_url=False)]) from None
    catalog = Catalog(header=header, indicators=indicators, directory=str(directory))
    return Ruleset(catalog, scoring, settings, tuple(compiled), profile.name if profile else None)


def _apply_profile_scoring(scoring: Scoring, profile: Profile | None) -> Scoring:
    if profile is None:
        return scoring
    ps = profile.scoring
    grades = [g.model_copy(update={"min": ps.grades.get(g.id, g.min)}) for g in scoring.grades]
    levels = [lv.model_copy(update={"min": ps.levels.get(lv.id, lv.min)}) for lv in scoring.levels]
    cap = ps.veto_cap if ps.veto_cap is not None else scoring.veto_cap
    return scoring.model_copy(update={"grades": grades, "levels": levels, "veto_cap": cap})
