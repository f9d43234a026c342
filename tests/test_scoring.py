"""Scoring arithmetic: partial credit, not-applicable redistribution, veto cap, grades and levels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from dangjian_audit.engine import Evaluation
from dangjian_audit.gates import gate_line
from dangjian_audit.models.ruleset import Ruleset
from dangjian_audit.scoring import score, times


def _evals(ruleset: Ruleset, **status: str) -> list[Evaluation]:
    out = []
    for ci in ruleset.indicators:
        st = status.get(ci.indicator.id.replace("-", "_"), "met")
        ratio = {"met": Fraction(1), "partial": Fraction(1, 2), "not_applicable": Fraction(1)}.get(st, Fraction(0))
        out.append(Evaluation(ci, st, ratio, veto_triggered=(st == "veto")))
    for ev in out:
        if ev.status == "veto":
            ev.status = "not_met"
    return out


def test_all_met_is_100_province(ruleset: Ruleset) -> None:
    sc = score(ruleset, _evals(ruleset))
    assert sc.total == Decimal("100.00") and sc.grade.id == "excellent" and sc.level and sc.level.id == "province"


def test_partial_credit_is_proportional(ruleset: Ruleset) -> None:
    assert times(Decimal("2.5"), Fraction(5, 6)) == Decimal("2.08")
    sc = score(ruleset, _evals(ruleset, JC_05="partial"))
    assert sc.points["JC-05"] == Decimal("1.25")
    assert sc.total == Decimal("98.75")


def test_not_applicable_keeps_the_dimension_weight(ruleset: Ruleset) -> None:
    sc = score(ruleset, _evals(ruleset, JC_06="not_applicable", JC_05="not_met"))
    jc = next(d for d in sc.dimensions if d.id == "JC")
    # 27.5 possible of 27.5 applicable minus 2.5 lost -> 25/27.5 of 30
    assert jc.applicable_max == Decimal("27.5") and jc.score == Decimal("27.27")


def test_veto_caps_total_grade_and_level(ruleset: Ruleset) -> None:
    sc = score(ruleset, _evals(ruleset, FZ_06="veto"))
    assert sc.veto == ["FZ-06"]
    assert sc.total == Decimal(59) and sc.grade.id == "unqualified" and sc.level is None


def test_province_needs_fz07(ruleset: Ruleset) -> None:
    sc = score(ruleset, _evals(ruleset, FZ_07="not_met"))
    assert sc.total == Decimal("98.00") and sc.level and sc.level.id == "city"


@pytest.mark.parametrize(("lost", "grade", "level"), [
    ({}, "excellent", "province"),
    ({f"LD_{i:02d}": "not_met" for i in range(1, 6)}, "excellent", "province"),   # 90.00
    ({f"LD_{i:02d}": "not_met" for i in range(1, 7)}, "good", "city"),            # 88.00
    ({f"LD_{i:02d}": "not_met" for i in range(1, 10)}, "good", "county"),         # 82.00
])
def test_grade_and_level_lines(ruleset: Ruleset, lost: dict[str, Any], grade: str, level: str) -> None:
    sc = score(ruleset, _evals(ruleset, **lost))
    assert sc.grade.id == grade and sc.level and sc.level.id == level


def test_awaiting_points_are_pending(ruleset: Ruleset) -> None:
    sc = score(ruleset, _evals(ruleset, FZ_05="awaiting_inspector"))
    assert sc.pending == Decimal(2) and sc.total == Decimal("98.00")


def test_default_gate_is_the_qualified_line(ruleset: Ruleset) -> None:
    assert gate_line(ruleset) == Decimal(60)
    assert dt.date(2025, 12, 31)  # the audit date never enters scoring
