"""Points, dimension subtotals, veto cap, grade and demonstration level: plain Decimal arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from dangjian_audit.engine import Evaluation
from dangjian_audit.formatting import q
from dangjian_audit.models.catalog import Grade, Level
from dangjian_audit.models.ruleset import Ruleset


def times(points: Decimal, ratio: Fraction) -> Decimal:
    if ratio == 1:
        return q(points)  # points × 1 / 1 is exactly the points
    return q(points * Decimal(ratio.numerator) / Decimal(ratio.denominator))


@dataclass(frozen=True)
class DimensionScore:
    id: str
    score: Decimal
    max: Decimal
    awarded: Decimal
    applicable_max: Decimal


@dataclass(frozen=True)
class Score:
    points: dict[str, Decimal]
    dimensions: list[DimensionScore]
    total: Decimal
    max: Decimal
    grade: Grade
    level: Level | None
    veto: list[str]
    veto_unverified: list[str]
    pending: Decimal
    # the sum of the dimensions before a veto cap (equals total without a veto)
    uncapped: Decimal = Decimal(0)
    cap: Decimal | None = None


def indicator_points(ev: Evaluation) -> Decimal:
    if ev.status in ("insufficient_evidence", "awaiting_inspector", "not_met"):
        return Decimal(0)
    if ev.status in ("not_applicable", "waived"):
        return Decimal(0)
    return times(ev.compiled.indicator.points, ev.ratio)


def score(ruleset: Ruleset, evaluations: list[Evaluation]) -> Score:
    points = {ev.compiled.indicator.id: indicator_points(ev) for ev in evaluations}
    dims: list[DimensionScore] = []
    by_dimension: dict[str, list[Evaluation]] = {}
    for ev in evaluations:
        by_dimension.setdefault(ev.compiled.indicator.dimension, []).append(ev)
    for dim in ruleset.catalog.header.dimensions:
        mine = by_dimension.get(dim.id, [])
        # A waived indicator (waivers.py) leaves the denominator exactly like a not-applicable one.
        applicable = [ev for ev in mine if ev.status not in ("not_applicable", "waived")]
        awarded = sum((points[ev.compiled.indicator.id] for ev in applicable), Decimal(0))
        app_max = sum((ev.compiled.indicator.points for ev in applicable), Decimal(0))
        # Not-applicable indicators leave the denominator: the dimension keeps its weight.
        value = q(dim.points * awarded / app_max) if app_max else dim.points
        dims.append(DimensionScore(dim.id, value, dim.points, awarded, app_max))
    total = q(sum((d.score for d in dims), Decimal(0)))
    uncapped = total
    veto = [ev.compiled.indicator.id for ev in evaluations if ev.veto_triggered]
    # A veto item whose evidence is missing cannot be confirmed clear: no demonstration level.
    unverified = [ev.compiled.indicator.id for ev in evaluations
                  if ev.compiled.indicator.veto and ev.status == "insufficient_evidence"]
    scoring = ruleset.scoring
    if veto:
        total = min(total, scoring.veto_cap)
    grades = scoring.grades_descending()
    grade = grades[-1] if veto else next((g for g in grades if total >= g.min), grades[-1])
    met = {ev.compiled.indicator.id for ev in evaluations if ev.status in ("met", "not_applicable")}
    level = None
    if not veto and not unverified:
        for lv in scoring.levels_descending():
            if total >= lv.min and all(r in met for r in lv.require_met):
                level = lv
                break
    pending = sum((ev.compiled.indicator.points for ev in evaluations if ev.status == "awaiting_inspector"),
                  Decimal(0))
    return Score(points, dims, total, Decimal(100), grade, level, veto, unverified, pending, uncapped,
                 scoring.veto_cap if veto else None)
