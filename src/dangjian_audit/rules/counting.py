"""Check kinds that count dated records: ``count`` per period and ``coverage`` of months, quarters,
half-years, terms (the evidence's term dates; half-years when none are given) or school weeks."""

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from fractions import Fraction
from functools import lru_cache
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from dangjian_audit.models.evidence import Evidence
from dangjian_audit.rules.base import (
    ONE,
    CheckKind,
    Context,
    Finding,
    Outcome,
    Read,
    Share,
    Spec,
    Where,
    add_months,
    missing_section,
    select,
    where_reads,
)


class CountSpec(Spec):
    kind: Literal["count"]
    collection: str
    where: Where = Field(default_factory=dict)
    min: Annotated[int, Field(ge=1)]
    dated: bool = True

    findings: ClassVar[tuple[str, ...]] = ("count_short", "missing_section")
    details: ClassVar[tuple[str, ...]] = ("detail_count", "detail_missing_section")

    def reads(self) -> Iterator[Read]:
        yield Read(self.collection, "collection")
        if self.dated:
            yield Read("date", "date", self.collection)
        yield from where_reads(self.where, self.collection)


def check_count(spec: CountSpec, evidence: Evidence, ctx: Context) -> Outcome:
    records = select(ctx, spec.collection, spec.where, spec.dated)
    if records is None:
        return missing_section(spec.collection)
    n = len(records)
    findings = [] if n >= spec.min else [Finding("count_short", {"found": n, "required": spec.min})]
    ratio = ONE if n >= spec.min else Fraction(n, spec.min)
    return Outcome(ratio, "detail_count", {"found": n, "required": spec.min}, findings)


class CoverageSpec(Spec):
    kind: Literal["coverage"]
    collection: str
    where: Where = Field(default_factory=dict)
    unit: Literal["month", "quarter", "half", "term", "week"]
    min_per_unit: Annotated[int, Field(ge=1)] = 1
    exempt_months: list[Annotated[int, Field(ge=1, le=12)]] = Field(default_factory=list)
    min_share: Share = Fraction(1)
    per_group: bool = False

    findings: ClassVar[tuple[str, ...]] = ("unit_missing", "group_unit_missing", "missing_section")
    details: ClassVar[tuple[str, ...]] = ("detail_coverage", "detail_no_units", "detail_no_groups",
                                          "detail_missing_section")

    def reads(self) -> Iterator[Read]:
        yield Read(self.collection, "collection")
        yield Read("date", "date", self.collection)
        yield from where_reads(self.where, self.collection)
        if self.per_group:
            yield Read("group", "any", self.collection)
            yield Read("organization.party_groups", "collection")


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def units(ctx: Context, unit: str, exempt: set[int]) -> list[tuple[dt.date, dt.date]]:
    """The complete units of the period up to the audit date, as ``[start, end]`` pairs."""
    period = ctx.evidence.period
    terms = tuple((t.start, t.end) for t in period.terms)
    return list(_units(ctx.start, ctx.end, period.start, period.end, terms, unit, frozenset(exempt)))


# Schools of one county share their period and terms: the units are computed once for all of them.
@lru_cache(maxsize=256)
def _units(start: dt.date, end: dt.date, first_day: dt.date, last_day: dt.date,
           terms: tuple[tuple[dt.date, dt.date], ...], unit: str, exempt: frozenset[int]
           ) -> tuple[tuple[dt.date, dt.date], ...]:
    """:func:`units` from the dates it depends on: the days that count, the period and its terms."""
    out: list[tuple[dt.date, dt.date]] = []
    if unit == "week":
        monday = start - dt.timedelta(days=start.weekday())
        while monday + dt.timedelta(days=6) <= end:
            sunday = monday + dt.timedelta(days=6)
            if terms:
                in_term = any(t_start <= monday + dt.timedelta(days=4) and monday <= t_end for t_start, t_end in terms)
            else:
                in_term = monday.month not in exempt
            if in_term and monday >= start:
                out.append((monday, sunday))
            monday += dt.timedelta(days=7)
        return tuple(out)
    if unit == "term":
        if not terms:
            return _units(start, end, first_day, last_day, terms, "half", exempt)
        # A term (每学期) as recorded in the evidence, clipped to the period. A term belongs to the
        # period that holds most of its days: the January tail of an autumn term in a calendar-year
        # period is part of last year's term, not a term of its own that needs its own lessons.
        spans = []
        for t_start, t_end in sorted(terms, key=lambda t: t[0]):
            a, b = max(t_start, first_day), min(t_end, last_day)
            if a <= b and 2 * ((b - a).days + 1) > (t_end - t_start).days + 1:
                spans.append((a, b))
        return tuple((a, b) for a, b in spans if b <= end)
    step = {"month": 1, "quarter": 3, "half": 6}[unit]
    cursor = _month_start(start)
    while True:
        nxt = add_months(cursor, step)
        last = nxt - dt.timedelta(days=1)
        if last > end:
            # Once the period is over, its last unit counts even when the period ends mid-unit.
            if end == last_day and cursor <= end and not (unit == "month" and cursor.month in exempt):
                out.append((cursor, end))
            break
        if not (unit == "month" and cursor.month in exempt):
            out.append((cursor, last))
        cursor = nxt
    return tuple(out)


def _label(unit: str, first: dt.date, last: dt.date) -> dict[str, object]:
    return {"unit": unit, "start": first.isoformat(), "end": last.isoformat(),
            "month": f"{first.year}-{first.month:02d}"}


def check_coverage(spec: CoverageSpec, evidence: Evidence, ctx: Context) -> Outcome:
    records = select(ctx, spec.collection, spec.where, True)
    if records is None:
        return missing_section(spec.collection)
    spans = units(ctx, spec.unit, set(spec.exempt_months))
    if not spans:
        return Outcome(ONE, "detail_no_units", {"unit": spec.unit}, applicable=False)
    if spec.per_group:
        groups = [g.id for g in (evidence.organization.party_groups or [])]
        if not groups:
            return Outcome(ONE, "detail_no_groups", {}, applicable=False)
    else:
        groups = [""]
    covered = 0
    findings: list[Finding] = []
    for group in groups:
        dates = sorted(r.date for r in records if not spec.per_group or getattr(r, "group", None) == group)
        for first, last in spans:
            n = bisect_right(dates, last) - bisect_left(dates, first)
            if n >= spec.min_per_unit:
                covered += 1
            else:
                args = _label(spec.unit, first, last) | {"group": group, "found": n, "required": spec.min_per_unit}
                findings.append(Finding("group_unit_missing" if spec.per_group else "unit_missing", args))
    total = len(spans) * len(groups)
    share = Fraction(covered, total)
    ratio = ONE if share >= spec.min_share else share / spec.min_share
    return Outcome(ratio, "detail_coverage", {"covered": covered, "total": total, "unit": spec.unit}, findings)


KINDS = (CheckKind(CountSpec, check_count), CheckKind(CoverageSpec, check_coverage))
