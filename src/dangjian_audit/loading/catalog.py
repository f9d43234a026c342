"""Load, validate and compile the catalog (with an optional county profile) into a :class:`Ruleset`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.errors import InputError
from dangjian_audit.loading.common import load_yaml, strip_lines, substitute, validate
from dangjian_audit.loading.positions import validation_diagnostics
from dangjian_audit.loading.profile import apply_profile_scoring, profile_diagnostics
from dangjian_audit.models.catalog import Catalog, CatalogHeader, Indicator, Profile, ProfileScoring, Scoring
from dangjian_audit.models.check import Spec
from dangjian_audit.models.ruleset import CompiledIndicator, Ruleset
from dangjian_audit.yamlio import LINE_KEY, locate


def default_catalog_dir() -> Path:
    """The catalog shipped in the package, or the checkout's ``indicators/`` when run from source."""
    packaged = Path(str(resources.files("dangjian_audit"))) / "indicators"
    if (packaged / "catalog.yaml").is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "indicators"


@dataclass
class _Build:
    """What the steps of :func:`load_ruleset` share: the settings in force and every problem found."""

    settings: dict[str, Any]
    overrides: dict[str, dict[str, Any]]
    diags: list[Diagnostic] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    compiled: list[CompiledIndicator] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)
    profile: Profile | None = None
    profile_values: list[Diagnostic] = field(default_factory=list)  # a profile's wrong values, at its lines
    owners: tuple[str, ...] = ()

    def at(self, text: str, display: str, loc: tuple[Any, ...], code: str, **args: Any) -> None:
        line, col, _ = locate(text, loc)
        self.diags.append(Diagnostic(display, code, args, line, col))


def load_ruleset(directory: Path | None = None, profile: Profile | None = None) -> Ruleset:
    """Load, validate and compile the catalog in ``directory`` with an optional profile.

    The steps: the header (``catalog.yaml``); each dimension's file, its indicators compiled one
    by one (parameters substituted, each check validated against its kind and its evidence paths
    checked against the evidence model); the totals and level references; the profile's overrides.
    Every problem found is raised together; a profile's problems alone, at the profile's lines.
    """
    directory = directory or default_catalog_dir()
    head_display = str(directory / "catalog.yaml")
    text, header = _load_header(directory / "catalog.yaml", head_display)
    build = _Build(dict(header.settings) | dict(profile.settings if profile else {}),
                   dict(profile.params) if profile else {}, profile=profile,
                   owners=tuple(o.id for o in header.planning.owners))
    for d_index, dim in enumerate(header.dimensions):
        total = _load_dimension(build, directory, dim.id, dim.file, head_display, text, d_index)
        if total is not None and total != dim.points:
            build.at(text, head_display, ("dimensions", d_index, "points"), "catalog_points_mismatch",
                     dimension=dim.id, declared=str(dim.points), sum=str(total))
    _check_header_totals(build, header, head_display, text)
    if profile:
        declared = {ind.id: dict(ind.params) for ind in build.indicators}
        # a setting shared by several checks is reported once, at its one line in the profile
        unique = {(d.line, d.column, d.code): d for d in build.profile_values}
        profile_diags = profile_diagnostics(profile, header, declared) + list(unique.values())
        if profile_diags:
            # the profile is the cause: report it alone, not the catalog checks its values broke
            raise InputError(profile_diags)
    if build.diags:
        raise InputError(build.diags)
    scoring = _profile_scoring(header.scoring, profile)
    catalog = Catalog(header=header, indicators=build.indicators, directory=str(directory))
    return Ruleset(catalog, scoring, build.settings, tuple(build.compiled), profile.name if profile else None)


def _load_header(path: Path, display: str) -> tuple[str, CatalogHeader]:
    text, data = load_yaml(path, display)
    if not isinstance(data, dict):
        raise InputError([Diagnostic(display, "not_mapping", {}, 1, 1)])
    diags: list[Diagnostic] = []
    header = validate(CatalogHeader, strip_lines(data), text, display, (), diags)
    if header is None:
        raise InputError(diags)
    assert isinstance(header, CatalogHeader)
    return text, header


def _load_dimension(build: _Build, directory: Path, dim_id: str, file: str, head_display: str, head_text: str,
                    d_index: int) -> Decimal | None:
    """Compile one dimension's indicators; their points total, or None when some failed to load."""
    path = directory / file
    display = str(path)
    try:
        text, data = load_yaml(path, display)
    except InputError as exc:
        if any(d.code == "file_not_found" for d in exc.diagnostics):
            # a missing dimension file is blamed on the catalog line that names it
            build.at(head_text, head_display, ("dimensions", d_index, "file"), "catalog_missing_file", file=file)
        else:
            build.diags.extend(exc.diagnostics)
        return None
    items = data.get("indicators") if isinstance(data, dict) else None
    if not isinstance(items, list):
        build.diags.append(Diagnostic(display, "catalog_no_indicators", {}, 1, 1))
        return None
    total = Decimal(0)
    complete = True  # only a dimension whose indicators all loaded can be checked for its total
    for i, raw in enumerate(items):
        ind = _compile_indicator(build, raw, dim_id, file, text, display, i)
        if ind is None:
            complete = False
        else:
            total += ind.points
    return total if complete else None


def _compile_indicator(build: _Build, raw: Any, dim_id: str, file: str, text: str, display: str,
                       i: int) -> Indicator | None:
    from dangjian_audit.rules.paths import evidence_section_exists

    line = raw.get(LINE_KEY, 0) if isinstance(raw, dict) else 0
    clean = strip_lines(raw)
    if isinstance(clean, dict):
        clean |= {"dimension": dim_id, "line": line, "source_file": file}
    ind = validate(Indicator, clean, text, display, ("indicators", i), build.diags)
    if ind is None:
        return None
    assert isinstance(ind, Indicator)

    def at(code: str, loc: tuple[Any, ...] = (), **args: Any) -> None:
        build.at(text, display, ("indicators", i, *loc), code, **args)

    for k, section in enumerate(ind.evidence):
        if not evidence_section_exists(section):
            at("catalog_unknown_field", ("evidence", k), path=section)
    if ind.owner is not None and ind.owner not in build.owners:
        at("catalog_unknown_owner", ("owner",), owner=ind.owner, owners=", ".join(build.owners))
    if not ind.id.startswith(dim_id + "-"):
        at("catalog_wrong_dimension", ("id",), id=ind.id, dimension=dim_id)
    if ind.id in build.seen:
        at("catalog_duplicate_id", ("id",), id=ind.id)
    build.seen[ind.id] = dim_id
    params = build.settings | dict(ind.params) | dict(build.overrides.get(ind.id, {}))
    grouped = "all" in ind.check
    specs = ind.check.get("all") if grouped else [ind.check]
    checks = []
    errors_before = len(build.diags)
    for j, spec_data in enumerate(specs if isinstance(specs, list) else []):
        loc: tuple[Any, ...] = ("check", "all", j) if grouped else ("check",)
        spec = _compile_check(build, spec_data, params, text, display, ("indicators", i, *loc), ind)
        if spec is not None:
            checks.append(spec)
    if not checks and len(build.diags) == errors_before:
        at("catalog_no_check", ("check",))
    build.indicators.append(ind)
    build.compiled.append(CompiledIndicator(ind, tuple(checks), {k: params[k] for k in ind.params}))
    return ind


def _compile_check(build: _Build, spec_data: Any, params: dict[str, Any], text: str, display: str,
                   loc: tuple[Any, ...], ind: Indicator) -> Spec | None:
    """One check: ``$name`` parameters substituted, validated as its kind, its evidence paths checked.

    Its messages may only use the placeholders the kind provides; a wrong value that came from the
    profile is reported at the profile's line.
    """
    from dangjian_audit.loading.texts import message_diagnostics, relocate_to_profile, substitution_origins
    from dangjian_audit.rules import REGISTRY, SPECS
    from dangjian_audit.rules.paths import problems as path_problems

    missing: list[str] = []
    resolved = substitute(spec_data, params, missing)
    for name in missing:
        build.at(text, display, loc, "catalog_unknown_param", name=name)
    kind = resolved.get("kind") if isinstance(resolved, dict) else None
    if kind not in REGISTRY:
        build.at(text, display, loc, "catalog_unknown_kind", kind=str(kind), kinds=", ".join(sorted(REGISTRY)))
        return None
    build.diags.extend(message_diagnostics(str(kind), spec_data, text, display, loc))
    try:
        spec = SPECS.validate_python(resolved)
    except ValidationError as exc:
        origins = substitution_origins(spec_data, params)
        moved, only = relocate_to_profile(exc, origins, build.profile, ind.id, dict(ind.params), skip=1)
        build.profile_values.extend(moved)
        if not only:
            # the union tags each error with the kind first: the YAML has no such node
            build.diags.extend(validation_diagnostics(exc, text, display, loc, skip=1))
        return None
    assert isinstance(spec, Spec)
    for code, path in path_problems(spec):
        build.at(text, display, loc, code, path=path)
    return spec


def _check_header_totals(build: _Build, header: CatalogHeader, display: str, text: str) -> None:
    dim_total = sum((d.points for d in header.dimensions), Decimal(0))
    if dim_total != Decimal(100):
        build.at(text, display, ("dimensions",), "catalog_total_not_100", sum=str(dim_total))
    for i, level in enumerate(header.scoring.levels):
        for j, ref in enumerate(level.require_met):
            if ref not in build.seen:
                build.at(text, display, ("scoring", "levels", i, "require_met", j), "catalog_unknown_indicator",
                         id=ref)


def _profile_scoring(scoring: Scoring, profile: Profile | None) -> Scoring:
    """The catalog's lines with the profile's applied; a profile that breaks their order is blamed at its line."""
    merged = apply_profile_scoring(scoring, profile)
    if profile is not None and profile.scoring != ProfileScoring():
        try:
            Scoring.model_validate(merged.model_dump())
        except ValidationError as exc:
            line, col, _ = locate(profile._text, ("scoring",))
            raise InputError([Diagnostic(profile._display, str(err["type"]), {"msg": err["msg"], "field": "scoring"},
                                         line, col) for err in exc.errors(include_url=False)]) from None
    return merged
