"""Result models: what the engine and scorer produce and every reporter reads.

The JSON report is ``SchoolReport.model_dump(mode="json")``; its shape is
versioned by ``format_version`` and published by ``dangjian-audit schema report``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Status = Literal["met", "partial", "not_met", "insufficient_evidence", "not_applicable", "awaiting_inspector"]
STATUSES: tuple[Status, ...] = ("met", "partial", "not_met", "insufficient_evidence", "not_applicable",
                                "awaiting_inspector")


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Location(Frozen):
    path: str
    line: int | None = None


class FindingOut(Frozen):
    code: str
    message: str
    location: Location | None = None


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
    points: float
    max: float
    lost: float
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
    score: float
    max: float
    awarded: float
    applicable_max: float
    percent: float


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
    total: float
    # The total before a triggered veto capped it (equal to ``total`` without a veto).
    total_uncapped: float
    max: float
    grade: Named
    level: Named | None
    veto: list[str]
    veto_unverified: list[str]
    pending_inspection: float
    status_counts: dict[str, int]
    dimensions: list[DimensionResult]
    indicators: list[IndicatorResult]
    gaps: list[str]
