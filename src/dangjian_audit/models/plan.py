"""Result models of a rectification plan (整改台账): what the planner produces and the ledger reporters read.

The JSON ledger is ``PlanReport.model_dump(mode="json")``; points are exact decimals, JSON numbers.
A later run reads it back (``plan --previous``) to mark rows whose gap has been closed.
"""

from __future__ import annotations

from typing import Literal

from dangjian_audit.models.result import CatalogRef, Frozen, Named, PeriodRef, Points, SchoolRef, Status

LedgerStatus = Literal["open", "in_progress", "done"]
LEDGER_STATUSES: tuple[LedgerStatus, ...] = ("open", "in_progress", "done")


class PlanRow(Frozen):
    """One ledger row: a gap to close, or one closed since the previous plan."""

    row_id: str
    indicator: str
    dimension: str
    title: str
    status: Status
    status_label: str
    problem: list[str]
    remediation: str
    evidence: list[str]
    basis: list[str]
    owner: Named
    effort: Named
    deadline: str
    # the suggested deadline falls after the end of the period
    late: bool
    regained: Points
    # why the target needs this gap closed whatever it costs (a message), or None
    required: str | None
    ledger_status: LedgerStatus
    ledger_status_label: str
    # False for a row carried over from the previous plan that this plan no longer needs
    in_plan: bool


class BlockedGap(Frozen):
    """A gap that cannot be closed this period, with the reason."""

    indicator: str
    title: str
    status: Status
    status_label: str
    lost: Points
    reason_code: Literal["veto_triggered", "units_past", "period_over"]
    reason: str
    units: list[str]


class PlanTarget(Frozen):
    kind: Literal["level", "score"]
    id: str | None
    name: str
    line: Points


class PlanReport(Frozen):
    format_version: Literal[1] = 1
    kind: Literal["rectification_plan"] = "rectification_plan"
    tool: str
    catalog: CatalogRef
    profile: str | None
    lang: Literal["zh", "en"]
    source: str
    school: SchoolRef
    period: PeriodRef
    as_of: str
    target: PlanTarget
    reachable: bool
    # the target is met already: nothing to close
    reached: bool
    reasons: list[str]
    total_before: Points
    total_after: Points | None
    # the highest total reachable by closing every gap that can still be closed this period
    best_total: Points
    level_before: Named | None
    level_after: Named | None
    gaps_closed: int
    effort: int
    rows: list[PlanRow]
    blocked: list[BlockedGap]
    # open gaps neither in the plan nor blocked
    other_gaps: list[str]
    ledger_statuses: dict[str, str]
