"""Year on year for one school: compare a report with an earlier one (its baseline).

:func:`compare` is pure and reads only result models: every gap of either report
is marked ``new`` / ``persisting`` / ``improved`` / ``worsened`` / ``resolved``
(see :data:`~dangjian_audit.models.baseline.GapChange`), with the change in points
per indicator, per dimension and in total. Indicators are matched by id through
the current catalog's aliases, so a baseline made with an older catalog edition
(where an indicator had its old id) still matches. A gap is what the reports
call a gap: an indicator that lost points or triggered a veto.

:func:`load_baseline` reads the earlier report: a JSON report written by
``check --format json``, or an evidence file, which is then scored with the same
catalog as of the last day of its own period.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.errors import InputError
from dangjian_audit.models.baseline import (
    GAP_CHANGES,
    BaselineComparison,
    BaselineRef,
    DimensionDelta,
    GapChange,
    IndicatorDelta,
)
from dangjian_audit.models.result import IndicatorResult, Named, SchoolReport

if TYPE_CHECKING:
    from dangjian_audit.i18n import Messages
    from dangjian_audit.models.baseline import WaiverSet
    from dangjian_audit.models.ruleset import Ruleset

# Gravity of a gap's status, for "improved"/"worsened" when the points did not move.
_GRAVITY = {"partial": 1, "awaiting_inspector": 2, "insufficient_evidence": 3, "not_met": 4}
GRADE_ORDER = ("unqualified", "qualified", "good", "excellent")
LEVEL_ORDER = (None, "county", "city", "province")


def _delta(now: Decimal, then: Decimal) -> Decimal:
    return now - then  # exact: points are Decimal hundredths


def is_gap(ind: IndicatorResult) -> bool:
    return ind.lost > 0 or ind.veto_triggered


def _gravity(ind: IndicatorResult) -> int:
    return 5 if ind.veto_triggered else _GRAVITY.get(ind.status, 0)


def gap_change(now: IndicatorResult | None, then: IndicatorResult | None) -> GapChange | None:
    """How one indicator's gap moved; None when it was a gap neither then nor now."""
    gap_now = now is not None and is_gap(now)
    gap_then = then is not None and is_gap(then)
    if not gap_now:
        if not gap_then:
            return None
        return "waived" if now is not None and now.status == "waived" else "resolved"
    if not gap_then:
        return "new"
    assert now is not None and then is not None
    if now.points != then.points:
        return "improved" if now.points > then.points else "worsened"
    if now.status == then.status and now.veto_triggered == then.veto_triggered:
        return "persisting"
    return "improved" if _gravity(now) < _gravity(then) else "worsened"


def _level_rank(level: str | None) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else 0


def compare(current: SchoolReport, previous: SchoolReport, aliases: dict[str, str] | None = None,
            names: dict[str, str] | None = None) -> BaselineComparison:
    """The comparison of ``current`` with ``previous``; ``aliases`` maps old indicator ids to current ones.

    ``names`` (grade and level id → name in the current report's language) renames the baseline's grade and
    level, which may come from a report in the other language.
    """
    aliases = aliases or {}
    names = names or {}
    then_by_id: dict[str, IndicatorResult] = {}
    old_id: dict[str, str] = {}
    for ind in previous.indicators:
        key = aliases.get(ind.id, ind.id)
        then_by_id[key] = ind
        if key != ind.id:
            old_id[key] = ind.id
    deltas: list[IndicatorDelta] = []
    lists: dict[str, list[str]] = {c: [] for c in GAP_CHANGES}
    seen = set()
    for ind in current.indicators:
        seen.add(ind.id)
        then = then_by_id.get(ind.id)
        change = gap_change(ind, then)
        if change is not None:
            lists[change].append(ind.id)
        deltas.append(IndicatorDelta(
            id=ind.id, previous_id=old_id.get(ind.id), title=ind.title, status=ind.status,
            previous_status=then.status if then else None, points=ind.points,
            previous_points=then.points if then else None,
            delta=_delta(ind.points, then.points) if then else None, change=change))
    for key, then in then_by_id.items():
        if key in seen:
            continue
        # An indicator the current catalog no longer has (and no alias maps): its gap is gone with it.
        change = "resolved" if is_gap(then) else None
        if change is not None:
            lists[change].append(key)
        deltas.append(IndicatorDelta(id=key, previous_id=old_id.get(key), title=then.title, status=None,
                                     previous_status=then.status, points=None, previous_points=then.points,
                                     delta=None, change=change))
    then_dims = {d.id: d for d in previous.dimensions}
    dims = []
    for d in current.dimensions:
        before = then_dims.get(d.id)
        dims.append(DimensionDelta(id=d.id, name=d.name, score=d.score,
                                   previous_score=before.score if before else None,
                                   delta=_delta(d.score, before.score) if before else None))
    now_level = current.level.id if current.level else None
    then_level = previous.level.id if previous.level else None
    moved = _level_rank(now_level) - _level_rank(then_level)
    grade = Named(id=previous.grade.id, name=names.get(previous.grade.id, previous.grade.name))
    level = Named(id=previous.level.id, name=names.get(previous.level.id, previous.level.name)) \
        if previous.level else None
    ref = BaselineRef(source=previous.source, as_of=previous.as_of, period=previous.period,
                      catalog=previous.catalog, total=previous.total, grade=grade, level=level)
    return BaselineComparison(
        baseline=ref,
        total_delta=_delta(current.total, previous.total),
        grade_changed=current.grade.id != previous.grade.id,
        level_change="up" if moved > 0 else ("down" if moved < 0 else "same"),
        dimensions=dims,
        indicators=deltas,
        counts={c: len(v) for c, v in lists.items()},
        new=lists["new"], persisting=lists["persisting"], improved=lists["improved"],
        worsened=lists["worsened"], resolved=lists["resolved"], waived=lists["waived"],
    )


def with_baseline(current: SchoolReport, previous: SchoolReport, aliases: dict[str, str] | None = None,
                  names: dict[str, str] | None = None) -> SchoolReport:
    """``current`` carrying its comparison with ``previous``."""
    return current.model_copy(update={"baseline": compare(current, previous, aliases, names)})


def scoring_names(ruleset: Ruleset, lang: str) -> dict[str, str]:
    """Grade and level id → name in ``lang`` (ids of grades and levels never overlap)."""
    return ({g.id: g.name.get(lang) for g in ruleset.scoring.grades}
            | {lv.id: lv.name.get(lang) for lv in ruleset.scoring.levels})


def catalog_aliases(ruleset: Ruleset) -> dict[str, str]:
    """Old indicator id → current id, from the catalog's ``aliases``."""
    return {a: ci.indicator.id for ci in ruleset.indicators for a in ci.indicator.aliases}


def read_report(path: Path, display: str) -> SchoolReport:
    """One school's JSON report (``check --format json``), validated by the report model."""
    from dangjian_audit.yamlio import read_text

    text = read_text(path, display)
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Diagnostic(display, "baseline_not_json", {"detail": exc.msg}, exc.lineno, exc.colno)]
                         ) from None
    if isinstance(data, dict) and data.get("kind") == "county_summary":
        raise InputError([Diagnostic(display, "baseline_is_summary", {}, 1, 1)])
    if not isinstance(data, dict):
        raise InputError([Diagnostic(display, "baseline_not_one_report", {}, 1, 1)])
    try:
        return SchoolReport.model_validate(data)
    except ValidationError as exc:
        diags = []
        for err in exc.errors(include_url=False)[:20]:
            field = ".".join(str(p) for p in err["loc"]) or "(root)"
            diags.append(Diagnostic(display, "baseline_invalid_report", {"field": field, "msg": err["msg"]}))
        raise InputError(diags) from None


def load_baseline(path: Path, ruleset: Ruleset, msgs: Messages, waivers: WaiverSet | None = None,
                  display: str | None = None) -> SchoolReport:
    """The earlier report: a JSON report as it is, or an evidence file scored as of its own period's end."""
    from dangjian_audit.engine import evaluate
    from dangjian_audit.loading import load_evidence
    from dangjian_audit.report import assemble

    display = display or str(path)
    if path.suffix.lower() == ".json":
        return read_report(path, display)
    known = [i for ci in ruleset.indicators for i in (ci.indicator.id, *ci.indicator.aliases)]
    evidence = load_evidence(path, display, None, known)
    as_of: dt.date = evidence.period.end
    return assemble(ruleset, evidence, evaluate(ruleset, evidence, as_of), display, as_of, msgs, waivers)


def new_gap_reason(report: SchoolReport, msgs: Messages) -> str | None:
    """The ``--fail-on-new`` gate: why the report fails it (gaps new since the baseline), or None."""
    if report.baseline is None or not report.baseline.new:
        return None
    return msgs.fmt("yoy", "gate_reason_new", {"ids": ", ".join(report.baseline.new)})
