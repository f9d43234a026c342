"""Build the language-specific :class:`PlanReport` (the rectification ledger) from a solved plan.

Words come from the catalog (remediation, basis, owners, efforts) and the ``plan`` message table;
the search itself is :mod:`dangjian_audit.planning`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dangjian_audit import planning
from dangjian_audit._version import __version__
from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.engine import Evaluation, evaluate
from dangjian_audit.errors import InputError
from dangjian_audit.formatting import q
from dangjian_audit.i18n import LANGS, Messages, table
from dangjian_audit.loading import load_evidence
from dangjian_audit.models.evidence import Evidence
from dangjian_audit.models.plan import LEDGER_STATUSES, BlockedGap, LedgerStatus, PlanReport, PlanRow, PlanTarget
from dangjian_audit.models.result import IndicatorResult, Named, SchoolReport
from dangjian_audit.models.ruleset import CompiledIndicator, Ruleset
from dangjian_audit.report import build_report, reason_texts
from dangjian_audit.scoring import Score, score

MAX_PROBLEMS = 3


def _section_label(section: str, lang: str) -> str:
    fields = table("fields", lang).get("Evidence", {}).get("fields", {})
    head = section.split(".")[0]
    entry = fields.get(head)
    return str(entry["title"]) if isinstance(entry, dict) and "title" in entry else head


def _scalar(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def evidence_items(ci: CompiledIndicator, msgs: Messages) -> list[str]:
    """What to add to the evidence file: each section with the fields the indicator's checks read."""
    by_section: dict[str, list[str]] = {}
    for spec in ci.checks:
        fields: list[str] = []
        collection = getattr(spec, "collection", None)
        if collection is not None:
            for key, cond in (getattr(spec, "where", {}) or {}).items():
                fields.append(f"{key}={_scalar(cond)}" if isinstance(cond, str | int | float | bool) else key)
            if getattr(spec, "kind", "") in ("count", "coverage"):
                fields.append("date")
            fields.extend(pred.field for pred in getattr(spec, "rules", []) or [])
            by_section.setdefault(collection, []).extend(fields)
            continue
        kinds = getattr(spec, "kinds", None)
        if kinds is not None:
            fields.append("kind=" + "/".join(kinds))
            fields.extend("clauses: " + c for c in getattr(spec, "clauses", []) or [])
            by_section.setdefault("documents", []).extend(fields)
            continue
        path = getattr(spec, "path", None)
        if path is not None:
            for other in (path, getattr(spec, "of", None), getattr(spec, "at_least", None)):
                if other is not None:
                    head, _, rest = other.partition(".")
                    by_section.setdefault(head, []).append(rest or head)
    for section in ci.indicator.evidence:
        if not any(key == section or key.startswith(section + ".") or section.startswith(key + ".")
                   for key in by_section):
            by_section.setdefault(section, [])
    out = []
    for section, fields in by_section.items():
        unique = list(dict.fromkeys(fields))
        label = _section_label(section, msgs.lang)
        key = "evidence_item" if unique else "evidence_section"
        out.append(msgs.fmt("plan", key, {"label": label, "section": section, "fields": ", ".join(unique)}))
    return out


def _problems(result: IndicatorResult, msgs: Messages) -> list[str]:
    lines = [f.message for f in result.findings[:MAX_PROBLEMS]]
    if len(result.findings) > MAX_PROBLEMS:
        lines.append(msgs.ui("more_findings", count=len(result.findings) - MAX_PROBLEMS))
    if not lines:
        lines = [result.status_label]
    return lines


def _target_model(target: planning.Target, lang: str) -> PlanTarget:
    if target.level is not None:
        return PlanTarget(kind="level", id=target.level.id, name=target.level.name.get(lang), line=target.line)
    return PlanTarget(kind="score", id=None, name=f"{target.line:.2f}", line=target.line)


def _ledger_labels(msgs: Messages) -> dict[str, str]:
    return {s: msgs.get("plan", f"ledger_{s}") for s in LEDGER_STATUSES}


def build_plan(ruleset: Ruleset, evidence: Evidence, evaluations: list[Evaluation], sc: Score,
               report: SchoolReport, target: planning.Target | None, as_of: dt.date, msgs: Messages,
               previous: dict[str, LedgerStatus] | None = None, max_bytes: int | None = None) -> PlanReport:
    """The ledger for ``target`` (default: the next level up).

    ``previous`` holds an earlier ledger's statuses by row id (``<school code>-<indicator id>``):
    rows whose gap has been closed since come back as done, open ones keep their status.
    """
    lang = msgs.lang
    target = target or planning.default_target(ruleset, sc)
    gaps = planning.find_gaps(ruleset, evidence, evaluations, sc, as_of)
    solution = planning.solve(ruleset, evaluations, sc, gaps, target)
    by_id = {ci.indicator.id: ci for ci in ruleset.indicators}
    results = {r.id: r for r in report.indicators}
    planning_data = ruleset.catalog.header.planning
    labels = _ledger_labels(msgs)
    gap_by_id = {g.id: g for g in gaps}
    required_reason = {"veto_unverified": msgs.get("plan", "required_veto_unverified"),
                       "require_met": msgs.get("plan", "required_require_met")}
    required = planning.required_ids(ruleset, evaluations, target)
    code = report.school.code

    def row(ind_id: str, ledger: LedgerStatus, in_plan: bool) -> PlanRow:
        ci = by_id[ind_id]
        ind = ci.indicator
        result = results[ind_id]
        lead = planning_data.lead_days(ind)
        deadline = as_of + dt.timedelta(days=lead)
        owner, effort = planning_data.owner(ind), planning_data.effort(ind)
        gain = gap_by_id[ind_id].gain if ind_id in gap_by_id else Decimal(0)
        reason = required.get(ind_id)
        return PlanRow(
            row_id=f"{code}-{ind_id}", indicator=ind_id, dimension=ind.dimension, title=ind.title.get(lang),
            status=result.status, status_label=result.status_label, problem=_problems(result, msgs),
            remediation=ind.remediation.get(lang), evidence=evidence_items(ci, msgs),
            basis=[b.document.get(lang) + (msgs.fmt("plan", "basis_clause", {"clause": b.clause.get(lang)})
                                          if b.clause else "") for b in ind.basis],
            owner=Named(id=owner.id, name=owner.name.get(lang)), effort=Named(id=effort.id, name=effort.name.get(lang)),
            deadline=deadline.isoformat(), late=deadline > evidence.period.end, regained=q(gain),
            required=required_reason[reason] if reason else None, ledger_status=ledger,
            ledger_status_label=labels[ledger], in_plan=in_plan,
        )

    chosen = sorted(solution.chosen, key=lambda i: (-gap_by_id[i].gain, i))
    prefix = f"{code}-"
    old = {rid.removeprefix(prefix): status for rid, status in (previous or {}).items() if rid.startswith(prefix)}
    rows = []
    for ind_id in chosen:
        carried = old.get(ind_id)
        in_progress = carried == "in_progress"
        status: LedgerStatus = "in_progress" if in_progress else "open"
        rows.append(row(ind_id, status, True))
    open_ids = {g.id for g in gaps}
    for ind_id, old_status in sorted(old.items()):
        if ind_id in solution.chosen or ind_id not in by_id:
            continue
        if ind_id not in open_ids:
            rows.append(row(ind_id, "done", False))  # the gap has been closed since the previous plan
        elif gap_by_id[ind_id].blocked is None:
            rows.append(row(ind_id, old_status if old_status != "done" else "open", False))
    blocked = []
    for g in gaps:
        if g.blocked is None:
            continue
        result = results[g.id]
        units = list(g.units)
        blocked.append(BlockedGap(
            indicator=g.id, title=result.title, status=result.status, status_label=result.status_label,
            lost=q(g.gain), reason_code=g.blocked,
            reason=msgs.fmt("plan", f"blocked_{g.blocked}", {"units": msgs.ui("reason_separator").join(units)}),
            units=units))
    reasons = reason_texts(solution.reasons, msgs)
    after = solution.score
    reached = solution.reachable and not solution.chosen
    shown = {r.indicator for r in rows}
    other = [g.id for g in gaps if g.blocked is None and g.id not in shown]
    return PlanReport(
        tool=f"dangjian-audit {__version__}", catalog=report.catalog, profile=report.profile, lang=report.lang,
        source=report.source, school=report.school, period=report.period, as_of=as_of.isoformat(),
        target=_target_model(target, lang), reachable=solution.reachable, reached=reached, reasons=reasons,
        total_before=q(sc.total), total_after=q(after.total) if after else None, best_total=q(solution.best_total),
        level_before=Named(id=sc.level.id, name=sc.level.name.get(lang)) if sc.level else None,
        level_after=Named(id=after.level.id, name=after.level.name.get(lang)) if after and after.level else None,
        gaps_closed=len(solution.chosen), effort=solution.effort, rows=rows, blocked=blocked, other_gaps=other,
        ledger_statuses=labels,
    )


def plan_file(ruleset: Ruleset, path: Path, display: str, as_of: dt.date, msgs: Messages,
              target: planning.Target | None = None,
              previous: dict[str, LedgerStatus] | None = None, max_bytes: int | None = None) -> PlanReport:
    """Load, evaluate, score and plan one evidence file (raises InputError when invalid)."""
    known = [i for ci in ruleset.indicators for i in (ci.indicator.id, *ci.indicator.aliases)]
    evidence = load_evidence(path, display, as_of, known, max_bytes)
    evaluations = evaluate(ruleset, evidence, as_of)
    sc = score(ruleset, evaluations)
    report = build_report(ruleset, evidence, evaluations, sc, display, as_of, msgs)
    return build_plan(ruleset, evidence, evaluations, sc, report, target, as_of, msgs, previous)


def audit_and_plan(ruleset: Ruleset, path: Path, display: str, as_of: dt.date, msgs: Messages,
                   max_bytes: int | None = None) -> tuple[SchoolReport, PlanReport, tuple[tuple[str, int | None], ...]]:
    """One school for ``batch --plan``: its report, its plan for the next level up, and for each
    level the number of gaps to close for it this period (None: not reachable this period)."""
    known = [i for ci in ruleset.indicators for i in (ci.indicator.id, *ci.indicator.aliases)]
    evidence = load_evidence(path, display, as_of, known, max_bytes)
    evaluations = evaluate(ruleset, evidence, as_of)
    sc = score(ruleset, evaluations)
    report = build_report(ruleset, evidence, evaluations, sc, display, as_of, msgs)
    plan = build_plan(ruleset, evidence, evaluations, sc, report, None, as_of, msgs)
    gaps = planning.find_gaps(ruleset, evidence, evaluations, sc, as_of)
    levels = []
    for level in sorted(ruleset.scoring.levels, key=lambda lv: lv.min):
        solution = planning.solve(ruleset, evaluations, sc, gaps, planning.Target(level.min, level))
        levels.append((level.id, len(solution.chosen) if solution.reachable else None))
    return report, plan, tuple(levels)


ROW_ID = re.compile(r"^(?P<code>.+)-(?P<indicator>[A-Z]{2}-\d{2})$")
STATUS_COLUMN = 10  # K: the ledger's status column (reporters/_plan.py)


def _status_labels() -> dict[str, LedgerStatus]:
    out: dict[str, LedgerStatus] = {}
    for lang in LANGS:
        msgs = Messages(lang)
        for status in LEDGER_STATUSES:
            out[msgs.get("plan", f"ledger_{status}")] = status
    return out


def read_previous(path: Path) -> dict[str, LedgerStatus]:
    """An earlier ledger's statuses by row id: a plan's JSON (one school or ``batch --plan``'s) or its
    XLSX, where the school may have set the status column's drop-down. Raises InputError when unreadable."""
    try:
        if path.suffix.lower() == ".xlsx":
            return _previous_xlsx(path)
        data = json.loads(path.read_text(encoding="utf-8"))
        plans = data["schools"] if isinstance(data, dict) and "schools" in data else [data]
        out: dict[str, LedgerStatus] = {}
        for item in plans:
            plan = PlanReport.model_validate(item)
            out |= {r.row_id: r.ledger_status for r in plan.rows}
        return out
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0]
        if isinstance(exc, ValidationError):
            first = exc.errors(include_url=False)[0]
            reason = ".".join(str(x) for x in first["loc"]) + ": " + first["msg"]
        raise InputError([Diagnostic(str(path), "previous_unreadable", {"reason": reason})]) from None


def _previous_xlsx(path: Path) -> dict[str, LedgerStatus]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    labels = _status_labels()
    out: dict[str, LedgerStatus] = {}
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError) as exc:
        raise ValueError(str(exc) or type(exc).__name__) from None
    try:
        for ws in wb.worksheets:
            for values in ws.iter_rows(values_only=True):
                if len(values) <= STATUS_COLUMN or not isinstance(values[0], str) or not ROW_ID.match(values[0]):
                    continue
                label = values[STATUS_COLUMN]
                out[values[0]] = labels.get(str(label).strip(), "open") if label is not None else "open"
    finally:
        wb.close()
    return out
