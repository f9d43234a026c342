"""Build the language-specific :class:`SchoolReport` from evaluations and scores, and run the whole pipeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dangjian_audit._version import __version__
from dangjian_audit.engine import Evaluation, evaluate
from dangjian_audit.formatting import percent, q
from dangjian_audit.i18n import Messages, SafeDict
from dangjian_audit.loading import load_evidence
from dangjian_audit.models.check import LABELLED_ARGS, Finding
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
    NextLevelPath,
    NextLevelStep,
    PeriodRef,
    SchoolRef,
    SchoolReport,
    VetoCap,
)
from dangjian_audit.models.ruleset import Ruleset
from dangjian_audit.sanitize import clean_optional, clean_text
from dangjian_audit.scoring import Score, score

if TYPE_CHECKING:
    from dangjian_audit.models.baseline import WaiverSet
    from dangjian_audit.models.catalog import Indicator


def _labelled(args: dict[str, Any], msgs: Messages) -> dict[str, Any]:
    """``args`` with ``<name>_label`` added for every argument that names a labelled code (a new dict)."""
    out = dict(args)
    if out.keys().isdisjoint(LABELLED_ARGS):
        return out
    for name, (section, prefix) in LABELLED_ARGS.items():
        if name in args:
            out[name + "_label"] = msgs.get(section, f"{prefix}{args[name]}", str(args[name]))
    return out


def _finding(f: Finding, source: str, msgs: Messages) -> FindingOut:
    args = _labelled(f.args, msgs)
    if f.text is not None:
        args["text"] = f.text.get(msgs.lang).format_map(SafeDict(f.args))
    message = msgs.fmt("findings", f.message or f.key, args)
    loc = Location(path=clean_text(source), line=f.line) if f.line is not None else None
    return FindingOut(code=f.key, message=clean_text(message), location=loc,
                      severity="warning" if f.warning else "error")


def _details(ev: Evaluation, msgs: Messages) -> list[str]:
    out = []
    for o in ev.outcomes:
        line = msgs.fmt("details", o.detail_key, _labelled(o.detail_args, msgs))
        if not o.applicable:
            line += msgs.get("details", "suffix_not_applicable")
        out.append(clean_text(line))
    return out


# The parts of an indicator's result that depend only on the catalog and the language (title, remediation,
# basis), built once per process instead of once per school. Keyed by the indicator's id(): an entry holds the
# (frozen) indicator itself, so no other object can take that id while the entry exists.
_FIXED: dict[tuple[int, str], tuple[Indicator, str, str, list[BasisOut]]] = {}
_FIXED_MAX = 4096  # a long-lived process loading many catalogs (the tests) starts over past this


def _fixed(ind: Indicator, lang: str) -> tuple[Indicator, str, str, list[BasisOut]]:
    entry = _FIXED.get((id(ind), lang))
    if entry is None:
        if len(_FIXED) >= _FIXED_MAX:
            _FIXED.clear()
        basis = [BasisOut(document=clean_text(b.document.get(lang)),
                          clause=clean_text(b.clause.get(lang)) if b.clause else None, source=b.source)
                 for b in ind.basis]
        entry = _FIXED[(id(ind), lang)] = (ind, clean_text(ind.title.get(lang)), clean_text(ind.remediation.get(lang)),
                                           basis)
    return entry


def _computation(ev: Evaluation, points: Decimal, msgs: Messages) -> str:
    mx = ev.compiled.indicator.points
    if ev.status in ("met", "partial", "not_met") and not ev.veto_triggered:
        r = ev.ratio
        return f"{mx} × {r.numerator}/{r.denominator} = {points}"
    why = msgs.ui("veto") if ev.veto_triggered else msgs.get("status", ev.status)
    return f"{mx} × 0 ({why}) = 0"


NEXT_LEVEL_STEPS = 3


def reason_texts(reasons: tuple[tuple[str, dict[str, Any]], ...], msgs: Messages) -> list[str]:
    """Why a plan's target cannot be reached, from the ``plan`` message table."""
    out = []
    for key, args in reasons:
        if "why" in args:
            args = dict(args) | {"why": msgs.get("plan", f"blocked_short_{args['why']}")}
        out.append(msgs.fmt("plan", key, args))
    return out


def _next_level(ruleset: Ruleset, evidence: Evidence, evaluations: list[Evaluation], sc: Score, as_of: dt.date,
                msgs: Messages) -> NextLevelPath | None:
    """The short "path to the next level": the plan for the next level up, its size and first steps."""
    from dangjian_audit import planning

    target = planning.default_target(ruleset, sc)
    if target.level is None or (sc.level is not None and target.level.id == sc.level.id):
        return None
    solution = planning.solve(ruleset, evaluations, sc, planning.find_gaps(ruleset, evidence, evaluations, sc, as_of),
                              target)
    by_id = {ev.compiled.indicator.id: ev.compiled.indicator for ev in evaluations}
    gained = {i: by_id[i].points - sc.points[i] for i in solution.chosen}
    order = sorted(solution.chosen, key=lambda i: (-gained[i], i))
    steps = [NextLevelStep(id=i, title=by_id[i].title.get(msgs.lang), regained=q(gained[i]))
             for i in order[:NEXT_LEVEL_STEPS]]
    return NextLevelPath(
        target=Named(id=target.level.id, name=target.level.name.get(msgs.lang)), reachable=solution.reachable,
        gaps=len(solution.chosen), total_after=q(solution.total) if solution.total is not None else None,
        steps=steps, more=max(0, len(order) - NEXT_LEVEL_STEPS), reasons=reason_texts(solution.reasons, msgs))


def build_report(ruleset: Ruleset, evidence: Evidence, evaluations: list[Evaluation], sc: Score,
                 source: str, as_of: dt.date, msgs: Messages) -> SchoolReport:
    lang = msgs.lang
    dim_names = {d.id: clean_text(d.name.get(lang)) for d in ruleset.catalog.header.dimensions}
    results = []
    for ev in evaluations:
        ind = ev.compiled.indicator
        _, title, remediation, basis = _fixed(ind, lang)
        pts = sc.points[ind.id]
        lost = Decimal(0) if ev.status in ("not_applicable", "waived") else ind.points - pts
        results.append(IndicatorResult(
            id=ind.id,
            dimension=ind.dimension,
            title=title,
            status=ev.status,
            status_label=msgs.get("status", ev.status),
            points=pts,
            max=ind.points,
            lost=lost,
            veto=ind.veto,
            veto_triggered=ev.veto_triggered,
            computation=_computation(ev, pts, msgs),
            details=_details(ev, msgs),
            findings=[_finding(f, source, msgs) for f in ev.findings],
            remediation=remediation,
            evidence=list(ind.evidence),
            basis=list(basis),  # the frozen BasisOut objects are shared between schools
        ))
    dims = [DimensionResult(id=d.id, name=dim_names[d.id], score=d.score, max=d.max,
                            awarded=d.awarded, applicable_max=d.applicable_max,
                            percent=percent(d.score, d.max))
            for d in sc.dimensions]
    gaps = [r.id for r in sorted((r for r in results if r.lost > 0 or r.veto_triggered),
                                 key=lambda r: (-r.lost, r.id))]
    counts = {s: sum(1 for r in results if r.status == s) for s in STATUSES}
    cap = None
    if sc.cap is not None:
        cap = VetoCap(uncapped_total=sc.uncapped, cap=sc.cap, indicators=list(sc.veto),
                      reason=msgs.ui("gate_reason_veto", ids=", ".join(sc.veto)))
    warnings = [r.id for r in results if any(f.severity == "warning" for f in r.findings)]
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
        total=sc.total,
        total_uncapped=sc.uncapped,
        max=sc.max,
        grade=Named(id=sc.grade.id, name=sc.grade.name.get(lang)),
        level=Named(id=sc.level.id, name=sc.level.name.get(lang)) if sc.level else None,
        veto=sc.veto,
        veto_unverified=sc.veto_unverified,
        pending_inspection=sc.pending,
        status_counts=counts,
        dimensions=dims,
        indicators=results,
        gaps=gaps,
        veto_cap=cap,
        warnings=warnings,
        next_level=_next_level(ruleset, evidence, evaluations, sc, as_of, msgs),
    )


def score_evidence(ruleset: Ruleset, path: Path, display: str, as_of: dt.date, max_bytes: int | None = None, *,
                   lines: bool = True) -> tuple[Evidence, list[Evaluation], Score]:
    """Load, validate, evaluate and score one evidence file, without the report's wording.

    For callers that need only the numbers and statuses (a batch without per-school reports);
    ``lines=False``: findings may lack their evidence line. ``max_bytes`` limits the file's size
    (default: the limit in force, see :mod:`dangjian_audit.limits`). Raises InputError when invalid.
    """
    known = [i for ci in ruleset.indicators for i in (ci.indicator.id, *ci.indicator.aliases)]
    evidence = load_evidence(path, display, as_of, known, max_bytes, lines=lines)
    evaluations = evaluate(ruleset, evidence, as_of)
    return evidence, evaluations, score(ruleset, evaluations)


def audit_file(ruleset: Ruleset, path: Path, display: str, as_of: dt.date, msgs: Messages,
               max_bytes: int | None = None, waivers: WaiverSet | None = None, *, lines: bool = True) -> SchoolReport:
    """Load, validate, evaluate and score one evidence file (raises InputError when invalid).

    ``max_bytes`` limits the file's size; ``lines=False``: findings may lack their evidence line
    (for callers that never show it); ``waivers`` excuses indicators for the school (issue 11,
    :mod:`dangjian_audit.waivers`).
    """
    evidence, evaluations, sc = score_evidence(ruleset, path, display, as_of, max_bytes, lines=lines)
    if waivers is None:
        return build_report(ruleset, evidence, evaluations, sc, display, as_of, msgs)
    return _waived_report(ruleset, evidence, evaluations, display, as_of, msgs, waivers)


def assemble(ruleset: Ruleset, evidence: Evidence, evaluations: list[Evaluation], source: str, as_of: dt.date,
             msgs: Messages, waivers: WaiverSet | None = None) -> SchoolReport:
    """Score evaluations into the report; with a waivers file, the school's waivers applied (issue 11)."""
    if waivers is None:
        return build_report(ruleset, evidence, evaluations, score(ruleset, evaluations), source, as_of, msgs)
    return _waived_report(ruleset, evidence, evaluations, source, as_of, msgs, waivers)


def _waived_report(ruleset: Ruleset, evidence: Evidence, evaluations: list[Evaluation], source: str,
                  as_of: dt.date, msgs: Messages, waivers: WaiverSet) -> SchoolReport:
    """Score with the school's waivers applied; the report carries the audit trail and the unwaived total."""
    from dangjian_audit.models.baseline import WaiverAudit
    from dangjian_audit.waivers import apply, select, waiver_out, warning_lines

    selection = select(waivers, evidence.school.code, as_of)
    waived, applied, not_needed = apply(evaluations, selection)
    report = build_report(ruleset, evidence, waived, score(ruleset, waived), source, as_of, msgs)
    raw_total = score(ruleset, evaluations).total if applied else None
    indicators = []
    for ind in report.indicators:
        if ind.id in applied:
            w = selection.active[ind.id]
            by = msgs.get("yoy", f"approver_{w.approved_by}")
            note = msgs.fmt("yoy", "waived_detail", {"reason": w.reason, "by": by, "expires": w.expires.isoformat()})
            ind = ind.model_copy(update={"details": [*ind.details, note]})
        indicators.append(ind)
    audit = WaiverAudit(
        file=waivers.path,
        applied=[waiver_out(selection.active[i], msgs) for i in applied],
        expired=[waiver_out(w, msgs) for w in selection.expired],
        not_yet_valid=[waiver_out(w, msgs) for w in selection.not_yet_valid],
        not_needed=[waiver_out(selection.active[i], msgs) for i in not_needed],
        total_without_waivers=raw_total if raw_total is not None else report.total,
        warnings=warning_lines(selection, waivers.path, as_of, msgs),
    )
    return report.model_copy(update={"indicators": indicators, "waivers": audit})

