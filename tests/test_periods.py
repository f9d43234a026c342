"""Period units: months, quarters, half-years and school weeks; calendar-year periods; audit dates."""

from __future__ import annotations

import datetime as dt

from dangjian_audit.models.evidence import Evidence
from dangjian_audit.rules.base import Context
from dangjian_audit.rules.counting import units

BASE = {
    "schema_version": 1,
    "school": {"code": "1", "name": "x", "type": "primary"},
    "organization": {"type": "branch", "formal_members": 5},
}


def _ctx(period: dict[str, object], as_of: dt.date) -> Context:
    return Context.build(Evidence.model_validate(BASE | {"period": period}), as_of, {})


def test_calendar_year_months_and_exemptions() -> None:
    ctx = _ctx({"kind": "calendar_year", "start": dt.date(2025, 1, 1), "end": dt.date(2025, 12, 31)},
               dt.date(2025, 12, 31))
    assert len(units(ctx, "month", set())) == 12
    assert len(units(ctx, "month", {7, 8})) == 10
    assert [u[0].month for u in units(ctx, "quarter", set())] == [1, 4, 7, 10]
    assert [u[0].month for u in units(ctx, "half", set())] == [1, 7]


def test_only_units_ended_by_the_audit_date_count() -> None:
    ctx = _ctx({"kind": "school_year", "start": dt.date(2024, 9, 1), "end": dt.date(2025, 8, 31)},
               dt.date(2025, 3, 15))
    assert [u[0].month for u in units(ctx, "month", set())] == [9, 10, 11, 12, 1, 2]
    assert len(units(ctx, "quarter", set())) == 2


def test_school_weeks_follow_terms() -> None:
    period = {"kind": "school_year", "start": dt.date(2024, 9, 1), "end": dt.date(2025, 8, 31),
              "terms": [{"start": dt.date(2024, 9, 2), "end": dt.date(2024, 9, 29)}]}
    ctx = _ctx(period, dt.date(2025, 8, 31))
    assert [u[0] for u in units(ctx, "week", set())] == [dt.date(2024, 9, d) for d in (2, 9, 16, 23)]


def test_school_weeks_without_terms_skip_holiday_months() -> None:
    ctx = _ctx({"kind": "calendar_year", "start": dt.date(2025, 1, 1), "end": dt.date(2025, 12, 31)},
               dt.date(2025, 12, 31))
    weeks = units(ctx, "week", {2, 7, 8})
    assert weeks and all(w[0].month not in (2, 7, 8) for w in weeks)


def test_a_period_ending_mid_unit_counts_its_last_part_once_over() -> None:
    period = {"kind": "calendar_year", "start": dt.date(2025, 1, 1), "end": dt.date(2025, 7, 15)}
    over = _ctx(period, dt.date(2025, 12, 31))
    assert units(over, "half", set()) == [(dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
                                          (dt.date(2025, 7, 1), dt.date(2025, 7, 15))]
    running = _ctx(period, dt.date(2025, 7, 10))
    assert units(running, "half", set()) == [(dt.date(2025, 1, 1), dt.date(2025, 6, 30))]


def test_partial_credit_is_the_share_of_the_requirement() -> None:
    from fractions import Fraction

    from dangjian_audit.rules.base import share_outcome

    assert share_outcome(7, 24, Fraction(3, 10), "k", []).ratio == Fraction(35, 36)
    assert share_outcome(8, 24, Fraction(3, 10), "k", []).ratio == 1
