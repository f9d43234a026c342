"""The county data model: one small row per input file, and the summary every county reporter reads.

Rows are what a batch keeps of each school (a few hundred bytes, never the full report);
the summary is a view model: numbers prepared, names in one language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.models.result import Status

# The folder under a batch's ``--out`` that holds one gap report per school.
REPORTS_DIR = "schools"
# Statuses the county's gap table counts and orders by: the school earned nothing on the indicator (not met, or
# no evidence for it). Partially met indicators earned points; the table shows them beside, never counts them.
SHORTFALL: tuple[Status, ...] = ("not_met", "insufficient_evidence")


@dataclass(slots=True)
class SchoolRow:
    """What the summary needs from one scored school; ``statuses`` has one letter per indicator."""

    index: int
    code: str
    name: str
    county: str | None
    type: str
    total: Decimal
    dimensions: tuple[Decimal, ...]
    grade: str
    level: str | None
    veto: tuple[str, ...]
    statuses: str
    gate: tuple[str, ...]
    has_reports: bool = False
    source: str = ""
    report_stem: str | None = None
    # the sum of the dimensions when a veto capped the total (None when no cap applied)
    capped_from: Decimal | None = None
    # batch --plan: the school's rectification plan as JSON (a PlanReport) and, per level, the
    # number of gaps to close for it this period (None: not reachable this period)
    plan: str | None = None
    plan_levels: tuple[tuple[str, int | None], ...] = ()

    @property
    def passed(self) -> bool:
        return not self.gate


@dataclass(slots=True)
class InvalidRow:
    """A file that could not be scored, with every problem found in it."""

    index: int
    diagnostics: tuple[Diagnostic, ...]
    source: str = ""


Row = SchoolRow | InvalidRow


@dataclass(frozen=True)
class NamedCount:
    id: str
    name: str
    count: int
    percent: Decimal


@dataclass(frozen=True)
class DimensionStat:
    id: str
    name: str
    max: Decimal
    average: Decimal | None


@dataclass(frozen=True)
class IndicatorStat:
    id: str
    dimension: str
    title: str
    counts: dict[str, int]
    shortfall: int
    met_percent: Decimal | None


@dataclass(frozen=True)
class DuplicateCode:
    """A school code found in more than one file; every file is scored and keeps its own reports."""

    code: str
    sources: tuple[str, ...]  # in input order

    def diagnostics(self) -> list[Diagnostic]:
        """A warning for each file after the first that uses the code."""
        return [Diagnostic(source, "duplicate_school_code", {"code": self.code, "first": self.sources[0]},
                           severity="warning") for source in self.sources[1:]]


@dataclass(frozen=True)
class GapStat:
    indicator: IndicatorStat
    schools: Sequence[SchoolRow]


@dataclass
class CountySummary:
    """The view model every county reporter reads: numbers prepared, names in one language.

    ``ranking`` holds ``(rank, row)`` pairs best first; the batch may back it with rows kept on
    disk, so it is read as a sequence and never assumed to be a list.
    """

    tool: str
    catalog: dict[str, str]
    profile: str | None
    lang: str
    as_of: str
    fail_under: Decimal
    files: int
    scored: int
    invalid_count: int
    gate_failed: int
    average_total: Decimal | None
    dimensions: list[DimensionStat]
    grades: list[NamedCount]
    levels: list[NamedCount]
    indicators: list[IndicatorStat]
    top_gaps: list[GapStat]
    ranking: Sequence[tuple[int, SchoolRow]]
    invalid: list[InvalidRow]
    grade_names: dict[str, str]
    level_names: dict[str, str]
    type_names: dict[str, str] = field(default_factory=dict)
    status_labels: dict[str, str] = field(default_factory=dict)  # by letter
    duplicates: list[DuplicateCode] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return self.scored - self.gate_failed
