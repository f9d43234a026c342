"""Build the language-specific :class:`SchoolReport` from evaluations and scores, and run the whole pipeline."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from dangjian_audit import __version__
from dangjian_audit.engine import Evaluation, evaluate
from dangjian_audit.i18n import Messages, SafeDict
from dangjian_audit.loading import load_evidence
from dangjian_audit.models.evidence import Evidence
from dangjian_audit.models.result import (
    STATUSES,
    BasisOut,
    CatalogRef,
    DimensionResult,
    FindingOut,
    IndicatorResult,
    Location,
    Named,
    PeriodRef,
    SchoolRef,
    SchoolReport,
)
from dangjian_audit.models.ruleset import Ruleset
from dangjian_audit.rules.base import Finding
from dangjian_audit.sanitize import clean_optional, clean_text
from dangjian_audit.scoring import Score, score

TENTH = Decimal("0.1")


def _percent(score: Decimal, top: Decimal) -> float:
    return float((score * 100 / top).quantize(TENTH, rounding=ROUND_HALF_UP)) if top else 0.0


def _finding(f: Finding, source: str, msgs: Messages) -> FindingOut:
    if f.text is not None:
        body = f.text.get(msgs.lang).format_map(SafeDict(f.args))
        prefix = "value_prefix" if f.key == "value_rule" and f.args.get("value") not in (None, "") else "record_prefix"
        message = msgs.fmt("findings", prefix, dict(f.args) | {"text": body})
    else:
        args = dict(f.args)
        for key in ("section", "doc_kind", "role", "unit", "type", "expected"):
            if key in args:
                # Roles share names with sections ("organization"), so their labels are prefixed.
                name = f"role.{args[key]}" if key == "role" else str(args[key])
                args[key + "_label"] = msgs.get("labels", name, str(args[key]))
        message = msgs.fmt("findings", f.key, args)
    loc = Location(path=clean_text(source), line=f.line) if f.line is not None else None
    return FindingOut(code=f.key, message=clean_text(message), location=loc)


def _details(ev: Evaluation, msgs: Messages) -> list[str]:
    out = []
    for o in ev.outcomes:
        args = dict(o.detail_args)
        if "unit" in args:
            args["unit_label"] = msgs.get("labels", str(args["unit"]), str(args["unit"]))
        if "section" in args:
            args["section_label"] = msgs.get("labels", str(args["section"]), str(args["section"]))
        if "status" in args:
            args["status_label"] = msgs.get("status", str(args["status"]))
        line = msgs.fmt("details", o.detail_key, args)
        if not o.applicable:
            line += msgs.get("details", "suffix_not_applicable")
        out.append(clean_text(line))
    return out


def _computation(ev: Evaluation, points: Decimal, msgs: Messages) -> str:
    mx = ev.compiled.indicator.points
    if ev.status in ("met", "partial", "not_met") and not ev.veto_triggered:
        r = ev.ratio
        return f"{mx} × {r.numerator}/{r.denominator} = {points}"
    why = msgs.ui("veto") if ev.veto_triggered else msgs.get("status", ev.status)
    return f"{mx} × 0 ({why}) = 0"


def build_report(ruleset: Ruleset, evidence: Evidence, evaluations: list[Evaluation], sc: Score,
                 source: str, as_of: dt.date, msgs: Messages) -> SchoolReport:
    lang = msgs.lang
    dim_names = {d.id: clean_text(d.name.get(lang)) for d in ruleset.catalog.header.dimensions}
    results = []
    for ev in evaluations:
        ind = ev.compiled.indicator
        pts = sc.points[ind.id]
        lost = Decimal(0) if ev.status == "not_applicable" else ind.points - pts
        results.append(IndicatorResult(
            id=ind.id,
            dimension=ind.dimension,
            title=clean_text(ind.title.get(lang)),
            status=ev.status,
            status_label=msgs.get("status", ev.status),
            points=float(pts),
            max=float(ind.points),
            lost=float(lost),
            veto=ind.veto,
            veto_triggered=ev.veto_triggered,
            computation=_computation(ev, pts, msgs),
            details=_details(ev, msgs),
            findings=[_finding(f, source, msgs) for f in ev.findings],
            remediation=clean_text(ind.remediation.get(lang)),
            evidence=list(ind.evidence),
            basis=[BasisOut(document=clean_text(b.document.get(lang)),
                            clause=clean_text(b.clause.get(lang)) if b.clause else None, source=b.source)
                   for b in ind.basis],
        ))
    dims = [DimensionResult(id=d.id, name=dim_names[d.id], score=float(d.score), max=float(d.max),
                            awarded=float(d.awarded), applicable_max=float(d.applicable_max),
                            percent=_percent(d.score, d.max))
            for d in sc.dimensions]
    gaps = [r.id for r in sorted((r for r in results if r.lost > 0 or r.veto_triggered),
                                 key=lambda r: (-r.lost, r.id))]
    counts = {s: sum(1 for r in results if r.status == s) for s in STATUSES}
    header = ruleset.catalog.header
    school = evidence.school
    return SchoolReport(
        tool=f"dangjian-audit {__version__}",
        catalog=CatalogRef(id=header.id, version=header.version, effective=header.effective.isoformat()),
        profile=clean_optional(ruleset.profile_name),
        lang=lang,
        source=clean_text(source),
        school=SchoolRef(code=clean_text(school.code), name=clean_text(school.name), type=school.type,
                         county=clean_optional(school.county)),
        period=PeriodRef(kind=evidence.period.kind, start=evidence.period.start.isoformat(),
                         end=evidence.period.end.isoformat()),
        as_of=as_of.isoformat(),
        total=float(sc.total),
        total_uncapped=float(sc.uncapped),
        max=float(sc.max),
        grade=Named(id=sc.grade.id, name=sc.grade.name.get(lang)),
        level=Named(id=sc.level.id, name=sc.level.name.get(lang)) if sc.level else None,
        veto=sc.veto,
        veto_unverified=sc.veto_unverified,
        pending_inspection=float(sc.pending),
        status_counts=counts,
        dimensions=dims,
        indicators=results,
        gaps=gaps,
    )


def audit_file(ruleset: Ruleset, path: Path, display: str, as_of: dt.date, msgs: Messages) -> SchoolReport:
    """Load, validate, evaluate and score one evidence file (raises InputError when invalid)."""
    evidence = load_evidence(path, display, as_of)
    evaluations = evaluate(ruleset, evidence, as_of)
    return build_report(ruleset, evidence, evaluations, score(ruleset, evaluations), display, as_of, msgs)
