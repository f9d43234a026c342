"""County year-on-year data (issue 11): earlier summaries reduced to small tuples, and the trend view.

Built by :mod:`dangjian_audit.trend`; read by the county reporters through
:class:`~dangjian_audit.models.county.CountySummary`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple


class SchoolThen(NamedTuple):
    """One school in an earlier summary: what the comparison needs, nothing more (about 70 bytes).

    The total is kept in integer cents and the grade and level ids are shared strings; the name is
    not kept (the few schools gone since are named by a second pass over the summary).
    """

    cents: int
    grade: str
    level: str | None
    rank: int

    @property
    def total(self) -> Decimal:
        return Decimal(self.cents) / 100


@dataclass
class Snapshot:
    """One earlier county summary, reduced to per-school tuples and per-indicator met shares."""

    source: str
    as_of: str
    catalog: str
    scored: int
    average_total: Decimal | None
    grades: dict[str, int]
    levels: dict[str, int]
    indicators: dict[str, Decimal | None]
    schools: dict[str, SchoolThen] = field(default_factory=dict)


@dataclass(frozen=True)
class IndicatorTrend:
    id: str
    dimension: str
    title: str
    then: Decimal | None
    now: Decimal | None
    delta: Decimal | None


@dataclass(frozen=True)
class TrendPoint:
    as_of: str
    average_total: Decimal | None
    scored: int
    source: str


@dataclass
class CountyTrend:
    """The current batch against its baseline summary, and the county average over every summary given."""

    baseline: Snapshot
    history: list[Snapshot]
    points: list[TrendPoint]
    average_delta: Decimal | None
    indicators: list[IndicatorTrend]
    improved: list[IndicatorTrend]
    worsened: list[IndicatorTrend]
    up: list[tuple[str, str, str | None, str | None]]
    down: list[tuple[str, str, str | None, str | None]]
    new: list[tuple[str, str]]
    gone: list[tuple[str, str, SchoolThen]]  # code, name, then

    def then(self, code: str) -> SchoolThen | None:
        return self.baseline.schools.get(code)

    def totals(self, code: str) -> list[Decimal | None]:
        """The school's total in each earlier summary, oldest first."""
        out = []
        for snap in self.history:
            then = snap.schools.get(code)
            out.append(then.total if then else None)
        return out
