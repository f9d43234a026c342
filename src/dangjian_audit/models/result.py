"""Result models: what the engine and scorer produce and every reporter reads.

The JSON report is ``SchoolReport.model_dump(mode="json")``; its shape is
versioned by ``format_version`` and published by ``dangjian-audit schema report``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, PlainSerializer, WithJsonSchema

from dangjian_audit.diagnostics import Diagnostic

if TYPE_CHECKING:
    from dangjian_audit.models.baseline import BaselineComparison, WaiverAudit

Status = Literal["met", "partial", "not_met", "insufficient_evidence", "not_applicable", "awaiting_inspector",
                 "waived"]


@dataclass(frozen=True)
class StatusKind:
    """Everything about one status that is not a word (the words are in the message tables)."""

    letter: str  # one letter per status keeps a school's statuses in one short string
    symbol: str  # glyph in the indicator x school matrix
    outcome: Literal["pass", "fail", "skip"]  # as a CI test: fail = a gap (not fully achieved)
    reported: bool  # a result in the SARIF log
    style: str  # terminal colour
    fill: str  # spreadsheet cell colour (RGB)


# The one status vocabulary: every reporter, the batch and the gates read it from here.
STATUS_KINDS: dict[Status, StatusKind] = {
    "met": StatusKind("M", "✓", "pass", False, "green", "C6EFCE"),
    "partial": StatusKind("P", "◐", "fail", True, "yellow", "FFEB9C"),
    "not_met": StatusKind("N", "✗", "fail", True, "red", "FFC7CE"),
    "insufficient_evidence": StatusKind("I", "?", "fail", True, "magenta", "E4D2F0"),
    "not_applicable": StatusKind("A", "–", "skip", False, "dim", "EDEDED"),
    "awaiting_inspector": StatusKind("W", "…", "skip", True, "cyan", "CFE2F3"),
    # issue 11: excused by a county waiver (waivers.py); leaves the denominator like not_applicable. Not a
    # plain SARIF result: reporters/_sarif_yoy.py reports it with an accepted suppression.
    "waived": StatusKind("V", "○", "skip", False, "blue", "DDEBF7"),
}
STATUSES: tuple[Status, ...] = tuple(STATUS_KINDS)
GAP_STATUSES: tuple[Status, ...] = tuple(s for s, k in STATUS_KINDS.items() if k.outcome == "fail")
STATUS_BY_LETTER: dict[str, Status] = {k.letter: s for s, k in STATUS_KINDS.items()}


# Exact points in the models; a JSON number in the JSON report.
Points = Annotated[
    Decimal, PlainSerializer(float, return_type=float, when_used="json"), WithJsonSchema({"type": "number"})
]


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Location(Frozen):
    path: str
    line: int | None = None


class FindingOut(Frozen):
    code: str
    message: str
    location: Location | None = None
    # a warning is shown but costs no points (e.g. an organization type that does not match its size)
    severity: Literal["error", "warning"] = "error"


class BasisOut(Frozen):
    document: str
    clause: str | None = None
    source: Literal["national", "document", "local"]


class IndicatorResult(Frozen):
    id: str
    dimension: str
    title: str
    status: Status
    status_label: str
    points: Points
    max: Points
    lost: Points
    veto: bool
    veto_triggered: bool
    computation: str
    details: list[str]
    findings: list[FindingOut]
    remediation: str
    evidence: list[str]
    basis: list[BasisOut]


class DimensionResult(Frozen):
    id: str
    name: str
    score: Points
    max: Points
    awarded: Points
    applicable_max: Points
    percent: Points


class Named(Frozen):
    id: str
    name: str


class CatalogRef(Frozen):
    id: str
    version: str
    effective: str


class SchoolRef(Frozen):
    code: str
    name: str
    type: str
    county: str | None = None


class PeriodRef(Frozen):
    kind: str
    start: str
    end: str


class VetoCap(Frozen):
    """Why the total is lower than the dimensions add up to: a triggered veto caps it."""

    uncapped_total: Points
    cap: Points
    indicators: list[str]
    reason: str


class NextLevelStep(Frozen):
    id: str
    title: str
    regained: Points


class NextLevelPath(Frozen):
    """The way to the next demonstration level this period: how many gaps to close and the first few."""

    target: Named
    reachable: bool
    gaps: int
    total_after: Points | None
    steps: list[NextLevelStep]
    # further gaps in the plan beyond ``steps``
    more: int
    reasons: list[str]


class SchoolReport(Frozen):
    format_version: Literal[1] = 1
    tool: str
    catalog: CatalogRef
    profile: str | None
    lang: Literal["zh", "en"]
    source: str
    school: SchoolRef
    period: PeriodRef
    as_of: str
    total: Points
    # The total before a triggered veto capped it (equal to ``total`` without a veto).
    total_uncapped: Points
    max: Points
    grade: Named
    level: Named | None
    veto: list[str]
    veto_unverified: list[str]
    pending_inspection: Points
    status_counts: dict[str, int]
    dimensions: list[DimensionResult]
    indicators: list[IndicatorResult]
    gaps: list[str]
    veto_cap: VetoCap | None = None
    # indicators that carry warnings (findings that cost nothing)
    warnings: list[str] = []
    # None once the school holds the highest level
    next_level: NextLevelPath | None = None
    # year on year (issue 11): the waivers file's audit trail and the comparison with a baseline report
    waivers: WaiverAudit | None = None
    baseline: BaselineComparison | None = None


class InvalidFile(Frozen):
    """An input that could not be scored, with every problem found in it (rendered by the CLI's formats)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, arbitrary_types_allowed=True)

    source: str
    diagnostics: tuple[Diagnostic, ...]


class CheckRun(Frozen):
    """What ``check`` renders: the scored reports and the files that could not be scored, in input order."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, arbitrary_types_allowed=True)

    reports: list[SchoolReport]
    invalid: list[InvalidFile] = []


def _complete_report_model() -> None:
    # The parts first: report assembly validates each on its own, and a built part's schema is then reused
    # by the models that hold it instead of being generated again inside each of them.
    for part in (Location, FindingOut, BasisOut, IndicatorResult, DimensionResult, Named, CatalogRef, SchoolRef,
                 PeriodRef):
        part.model_rebuild(force=True)
    # The year-on-year parts build on the models above; importing them rebuilds SchoolReport (either import order).
    import dangjian_audit.models.baseline  # noqa: F401


_complete_report_model()
