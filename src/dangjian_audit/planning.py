"""Rectification planning (整改): the smallest set of gaps whose closing reaches a target.

Closing a gap raises that indicator to full points (met). Totals come from the scorer's own
arithmetic: a dimension's score is ``q(points × awarded / applicable max)``, so it depends only on
the points awarded in that dimension, and the total is the sum of the five dimension scores. That
makes the search exact and small:

1. per dimension, every subset of its closable gaps (at most a dozen, so at most 4,096 subsets)
   gives ``(count, effort weight, dimension score in cents, ids)``;
2. a table over the dimensions, from the last to the first, keeps the best total for each
   ``(count, effort)``; the smallest count reaching the line wins, then the least effort, then the
   highest total (the most points regained);
3. the remaining tie is broken by the sorted indicator ids: indicator ids start with their
   dimension's id, so walking the dimensions in id order and taking, at each, the smallest id
   tuple that still reaches the optimum (a longer tuple before its own prefix) yields the
   smallest sorted id tuple overall.

The chosen set is re-scored with :func:`dangjian_audit.scoring.score` on copies of the
evaluations, so the plan's claim is checked by the same code that scores the school.

Gaps that cannot be closed this period are kept apart, with the reason: a triggered veto, a
coverage requirement (monthly, quarterly, per term or week) whose missed units have ended so that
even covering every remaining unit cannot reach the required share, or a count of dated records
in a period that is over.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from dangjian_audit.engine import Evaluation
from dangjian_audit.formatting import q
from dangjian_audit.models.catalog import Level
from dangjian_audit.models.evidence import Evidence
from dangjian_audit.models.ruleset import Ruleset
from dangjian_audit.rules.base import ONE, Context
from dangjian_audit.rules.counting import CountSpec, CoverageSpec, units
from dangjian_audit.scoring import Score, score

OPEN_STATUSES = ("partial", "not_met", "insufficient_evidence", "awaiting_inspector")


@dataclass(frozen=True)
class Gap:
    """One indicator short of full points, with what closing it regains and costs."""

    id: str
    dimension: str
    gain: Decimal
    weight: int
    status: str
    # why the target needs it whatever it costs: "veto_unverified" or "require_met"
    required: str | None = None
    # why it cannot be closed this period: "veto_triggered", "units_past" or "period_over"
    blocked: str | None = None
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    """A demonstration level, or a total (``level`` is None)."""

    line: Decimal
    level: Level | None = None


@dataclass(frozen=True)
class Solution:
    target: Target
    reachable: bool
    # (message key, arguments) for each reason the target cannot be reached this period
    reasons: tuple[tuple[str, dict[str, Any]], ...]
    chosen: tuple[str, ...]
    total: Decimal | None
    effort: int
    score: Score | None
    best_total: Decimal


def _unit_label(args: dict[str, Any]) -> str:
    return str(args["month"]) if args.get("unit") == "month" else f"{args['start']}–{args['end']}"


def _blocked(ev: Evaluation, evidence: Evidence, ruleset: Ruleset,
             as_of: dt.date) -> tuple[str | None, tuple[str, ...]]:
    if ev.veto_triggered:
        return "veto_triggered", ()
    period = evidence.period
    over = as_of >= period.end
    full: Context | None = None
    now: Context | None = None
    for spec, outcome in zip(ev.compiled.checks, ev.outcomes, strict=False):
        if not outcome.applicable or outcome.insufficient or outcome.ratio >= ONE:
            continue
        if isinstance(spec, CoverageSpec):
            full = full or Context.build(evidence, period.end, ruleset.settings)
            now = now or Context.build(evidence, as_of, ruleset.settings)
            exempt = set(spec.exempt_months)
            spans_now = units(now, spec.unit, exempt)
            spans_all = units(full, spec.unit, exempt)
            covered, total = int(outcome.detail_args["covered"]), int(outcome.detail_args["total"])
            groups = total // len(spans_now) if spans_now else 1
            future = max(0, len(spans_all) - len(spans_now)) * groups
            # Covering every unit still to come is the best the school can do this period.
            if Fraction(covered + future, total + future) < spec.min_share:
                missed = tuple(_unit_label(f.args) for f in outcome.findings
                               if f.key in ("unit_missing", "group_unit_missing"))
                return "units_past", tuple(dict.fromkeys(missed))
        elif isinstance(spec, CountSpec) and spec.dated and over:
            return "period_over", ()
    return None, ()


def find_gaps(ruleset: Ruleset, evidence: Evidence, evaluations: list[Evaluation], sc: Score,
              as_of: dt.date) -> list[Gap]:
    """Every indicator short of full points, closable or not, in catalog order."""
    planning = ruleset.catalog.header.planning
    out = []
    for ev in evaluations:
        ind = ev.compiled.indicator
        if ev.status not in OPEN_STATUSES and not ev.veto_triggered:
            continue
        blocked, missed = _blocked(ev, evidence, ruleset, as_of)
        out.append(Gap(ind.id, ind.dimension, ind.points - sc.points[ind.id], planning.effort(ind).weight,
                       ev.status, None, blocked, missed))
    return out


def close(evaluations: list[Evaluation], ids: set[str] | frozenset[str] | tuple[str, ...]) -> list[Evaluation]:
    """Copies of the evaluations with the given indicators met (their gaps closed)."""
    wanted = set(ids)
    return [dataclasses.replace(ev, status="met", ratio=ONE, veto_triggered=False)
            if ev.compiled.indicator.id in wanted else ev for ev in evaluations]


def default_target(ruleset: Ruleset, sc: Score) -> Target:
    """The next level up from the school's, the lowest level if it has none, its own level at the top."""
    levels = sorted(ruleset.scoring.levels, key=lambda lv: lv.min)
    if sc.level is None:
        return Target(levels[0].min, levels[0])
    higher = [lv for lv in levels if lv.min > sc.level.min]
    chosen = higher[0] if higher else sc.level
    return Target(chosen.min, chosen)


def level_target(ruleset: Ruleset, level_id: str) -> Target:
    level = next(lv for lv in ruleset.scoring.levels if lv.id == level_id)
    return Target(level.min, level)


def _reached(sc: Score, target: Target) -> bool:
    if target.level is None:
        return sc.total >= target.line
    return sc.level is not None and sc.level.min >= target.level.min


def required_ids(ruleset: Ruleset, evaluations: list[Evaluation], target: Target) -> dict[str, str]:
    """Gaps a level needs closed whatever they cost: unverified veto items and the level's ``require_met``."""
    required: dict[str, str] = {}
    if target.level is None:
        return required
    statuses = {ev.compiled.indicator.id: ev.status for ev in evaluations}
    for ev in evaluations:
        ind = ev.compiled.indicator
        if ind.veto and ev.status == "insufficient_evidence":
            required[ind.id] = "veto_unverified"
    for ref in target.level.require_met:
        if statuses.get(ref) not in ("met", "not_applicable"):
            required.setdefault(ref, "require_met")
    return required


def _cents(value: Decimal) -> int:
    return int(value * 100)


def _options(gaps: list[Gap], mandatory: list[Gap], dim_points: Decimal, awarded: Decimal,
             app_max: Decimal) -> dict[tuple[int, int], list[tuple[int, tuple[str, ...]]]]:
    """Every subset of a dimension's optional gaps (mandatory ones always in): ``(count, effort) -> [(cents, ids)]``.

    The subsets grow one gap at a time, in id order, so each one's ids come out sorted and its
    count, effort and gain are one addition from a smaller subset's; subsets that regain the same
    points share one dimension score.
    """
    # (count, effort, points regained, ids)
    subsets: list[tuple[int, int, Decimal, tuple[str, ...]]] = [(0, 0, Decimal(0), ())]
    forced = {id(g) for g in mandatory}
    for g in sorted([*mandatory, *gaps], key=lambda g: g.id):
        grown = [(c + 1, w + g.weight, gain + g.gain, (*ids, g.id)) for c, w, gain, ids in subsets]
        subsets = grown if id(g) in forced else subsets + grown
    values: dict[Decimal, int] = {}
    out: dict[tuple[int, int], list[tuple[int, tuple[str, ...]]]] = {}
    for count, weight, gain, ids in subsets:
        value = values.get(gain)
        if value is None:
            # The scorer's formula for a dimension (scoring.score): not-applicable items are not in app_max.
            value = values[gain] = _cents(q(dim_points * (awarded + gain) / app_max) if app_max else dim_points)
        out.setdefault((count, weight), []).append((value, ids))
    return out


def _tuple_key(ids: tuple[str, ...]) -> tuple[str, ...]:
    # A longer tuple sorts before its own prefix: the next id in the longer one comes from the same
    # dimension, while the shorter one continues with a later dimension's (greater) ids.
    return (*ids, "\uffff")


def solve(ruleset: Ruleset, evaluations: list[Evaluation], sc: Score, gaps: list[Gap], target: Target) -> Solution:
    """The smallest set of closable gaps reaching ``target``; ties: least effort, highest total, smallest ids."""
    scoring = ruleset.scoring
    reasons: list[tuple[str, dict[str, Any]]] = []
    veto = [g.id for g in gaps if g.blocked == "veto_triggered"]
    required = required_ids(ruleset, evaluations, target)
    if target.level is not None and veto:
        reasons.append(("reason_veto", {"ids": ", ".join(veto)}))
    elif veto and target.line > scoring.veto_cap:
        reasons.append(("reason_veto_cap", {"ids": ", ".join(veto), "cap": str(scoring.veto_cap)}))
    gaps = [dataclasses.replace(g, required=required.get(g.id)) for g in gaps]
    for g in gaps:
        if g.required and g.blocked and g.blocked != "veto_triggered":
            reasons.append(("reason_required_blocked", {"id": g.id, "why": g.blocked}))
    closable = [g for g in gaps if g.blocked is None]
    dims = sorted(sc.dimensions, key=lambda d: d.id)
    tables = []
    for d in dims:
        mine = [g for g in closable if g.dimension == d.id]
        tables.append(_options([g for g in mine if not g.required], [g for g in mine if g.required],
                               d.max, d.awarded, d.applicable_max))
    # best[j][(count, effort)]: the highest sum of dimension scores (cents) from dimensions j.. on.
    best: list[dict[tuple[int, int], int]] = [{} for _ in range(len(dims) + 1)]
    best[len(dims)] = {(0, 0): 0}
    for j in range(len(dims) - 1, -1, -1):
        compact = {key: max(v for v, _ in opts) for key, opts in tables[j].items()}
        acc: dict[tuple[int, int], int] = {}
        for (c1, w1), v1 in compact.items():
            for (c2, w2), v2 in best[j + 1].items():
                key = (c1 + c2, w1 + w2)
                if acc.get(key, -1) < v1 + v2:
                    acc[key] = v1 + v2
        best[j] = acc
    line = _cents(target.line)
    top = max(best[0].values())
    best_total = Decimal(top) / 100
    if veto:
        best_total = min(best_total, scoring.veto_cap)
    feasible = [(c, w, v) for (c, w), v in best[0].items() if v >= line]
    if not feasible and not reasons:
        reasons.append(("reason_points", {"best": f"{best_total:.2f}", "line": f"{target.line:.2f}"}))
    if reasons:
        return Solution(target, False, tuple(reasons), (), None, 0, None, best_total)
    count, effort, value = min(feasible, key=lambda t: (t[0], t[1], -t[2]))
    chosen: list[str] = []
    c_rem, w_rem, need = count, effort, value
    for j in range(len(dims)):
        candidates = []
        for (c, w), opts in tables[j].items():
            rest = best[j + 1].get((c_rem - c, w_rem - w))
            if rest is None:
                continue
            for v, ids in opts:
                if v + rest >= need:
                    candidates.append((_tuple_key(ids), c, w, v, ids))
        _, c, w, v, ids = min(candidates)
        chosen.extend(ids)
        c_rem, w_rem, need = c_rem - c, w_rem - w, need - v
    assert c_rem == 0 and w_rem == 0, "the plan's reconstruction lost its way"
    after = score(ruleset, close(evaluations, tuple(chosen)))
    assert _reached(after, target), f"the plan {chosen} does not reach the target when re-scored"
    assert _cents(after.total) == min(value, _cents(scoring.veto_cap)) if veto else _cents(after.total) == value
    return Solution(target, True, (), tuple(chosen), after.total, effort, after, best_total)


def reached(sc: Score, target: Target) -> bool:
    """Whether a score already meets the target."""
    return _reached(sc, target)
