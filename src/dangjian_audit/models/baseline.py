"""Year-on-year result models: a school's report compared with an earlier one, and the waivers applied.

Reporters read these as parts of :class:`~dangjian_audit.models.result.SchoolReport`
(``baseline`` and ``waivers``); :mod:`dangjian_audit.baseline` builds the comparison
and :mod:`dangjian_audit.waivers` the waiver audit trail.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from dangjian_audit.models.result import CatalogRef, CheckRun, Frozen, Named, PeriodRef, Points, SchoolReport, Status

# How a gap moved since the baseline. ``new``: a gap now, none then; ``persisting``: the same status
# and points both times; ``improved``/``worsened``: still a gap, but with more/fewer points (or, at equal
# points, a milder/graver status); ``resolved``: a gap then, none now; ``waived``: a gap then, waived now.
GapChange = Literal["new", "persisting", "improved", "worsened", "resolved", "waived"]
GAP_CHANGES: tuple[GapChange, ...] = ("new", "persisting", "improved", "worsened", "resolved", "waived")


class BaselineRef(Frozen):
    """The earlier report the comparison is made against."""

    source: str
    as_of: str
    period: PeriodRef
    catalog: CatalogRef
    total: Points
    grade: Named
    level: Named | None


class IndicatorDelta(Frozen):
    """One indicator then and now; ``previous_id`` is the id it had in the baseline when that was an alias."""

    id: str
    previous_id: str | None = None
    title: str
    status: Status | None
    previous_status: Status | None
    points: Points | None
    previous_points: Points | None
    delta: Points | None
    change: GapChange | None


class DimensionDelta(Frozen):
    id: str
    name: str
    score: Points
    previous_score: Points | None
    delta: Points | None


class BaselineComparison(Frozen):
    baseline: BaselineRef
    total_delta: Points
    grade_changed: bool
    level_change: Literal["up", "down", "same"]
    dimensions: list[DimensionDelta]
    indicators: list[IndicatorDelta]
    counts: dict[str, int]
    new: list[str]
    persisting: list[str]
    improved: list[str]
    worsened: list[str]
    resolved: list[str]
    waived: list[str]


class WaiverOut(Frozen):
    """One waiver as the reports show it (``expires`` is inclusive)."""

    school: str
    indicator: str
    reason: str
    approved_by: str
    approved_by_label: str
    approved_on: str
    expires: str
    line: int | None = None


class WaiverAudit(Frozen):
    """Which waivers were applied, which were ignored and why, and the total the school would have without them."""

    file: str
    applied: list[WaiverOut]
    expired: list[WaiverOut]
    not_yet_valid: list[WaiverOut]
    not_needed: list[WaiverOut]
    total_without_waivers: Points
    warnings: list[str]


@dataclass(frozen=True, slots=True)
class Waiver:
    """A validated waiver with its indicator resolved to the current catalog id and its source line."""

    school: str
    indicator: str
    reason: str
    approved_by: str
    approved_on: dt.date
    expires: dt.date
    line: int | None


@dataclass(frozen=True, slots=True)
class WaiverSet:
    """Every waiver of one file; picklable, so batch workers receive it as it is."""

    path: str
    waivers: tuple[Waiver, ...]


@dataclass(frozen=True, slots=True)
class Selection:
    """The waivers that concern one school on one audit date."""

    active: dict[str, Waiver]
    expired: tuple[Waiver, ...]
    not_yet_valid: tuple[Waiver, ...]


_NAMESPACE = {"BaselineComparison": BaselineComparison, "WaiverAudit": WaiverAudit}
SchoolReport.model_rebuild(_types_namespace=_NAMESPACE)
CheckRun.model_rebuild(_types_namespace=_NAMESPACE)
