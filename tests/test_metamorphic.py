"""Metamorphic properties of the scoring: relations between runs that must hold for every school file.

- the total is the sum of the dimension scores before the veto cap, and the cap only lowers it;
- adding a record that itself complies never lowers any indicator;
- the order of records in a list changes nothing;
- an audit date after the period changes nothing;
- the report language changes no number.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, run_cli

from dangjian_audit.engine import evaluate
from dangjian_audit.i18n import Messages
from dangjian_audit.loading.common import strip_lines
from dangjian_audit.models.evidence import Evidence
from dangjian_audit.models.result import SchoolReport
from dangjian_audit.report import build_report
from dangjian_audit.scoring import score
from dangjian_audit.yamlio import parse

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2025, 12, 31)
FILES = sorted(EXAMPLES.glob("*.yaml")) + [ROOT / "tests" / "cases" / "base.yaml"]


def _data(path: Path) -> dict[str, Any]:
    data = strip_lines(parse(path.read_text(encoding="utf-8"), path.name))
    assert isinstance(data, dict)
    return data


def _report(ruleset: Any, data: dict[str, Any], as_of: dt.date = AS_OF, lang: str = "zh") -> SchoolReport:
    evidence = Evidence.model_validate(data)
    evaluations = evaluate(ruleset, evidence, as_of)
    return build_report(ruleset, evidence, evaluations, score(ruleset, evaluations), "file", as_of, Messages(lang))


def _numbers(r: SchoolReport) -> dict[str, Any]:
    return {
        "total": r.total, "uncapped": r.total_uncapped, "max": r.max, "grade": r.grade.id,
        "level": r.level.id if r.level else None, "veto": r.veto, "cap": r.veto_cap.cap if r.veto_cap else None,
        "pending": r.pending_inspection, "counts": r.status_counts, "gaps": r.gaps, "warnings": r.warnings,
        "dimensions": [(d.id, d.score, d.max, d.awarded, d.applicable_max, d.percent) for d in r.dimensions],
        "indicators": [(i.id, i.status, i.points, i.max, i.lost, i.veto_triggered, len(i.findings))
                       for i in r.indicators],
    }


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_total_is_the_sum_of_dimensions_before_the_cap(ruleset: Any, path: Path) -> None:
    r = _report(ruleset, _data(path))
    dims = sum((d.score for d in r.dimensions), Decimal(0))
    assert r.total_uncapped == dims
    if r.veto:
        assert r.veto_cap is not None and r.veto_cap.uncapped_total == dims
        assert r.total == min(dims, r.veto_cap.cap)
    else:
        assert r.veto_cap is None and r.total == dims


def _period(data: dict[str, Any]) -> tuple[dt.date, dt.date]:
    return data["period"]["start"], data["period"]["end"]


def _meeting(data: dict[str, Any], kind: str, n: int, **extra: Any) -> dict[str, Any]:
    start, _ = _period(data)
    expected = len(data.get("members") or []) or 5
    return {"id": f"ADD-{kind}-{n}", "kind": kind, "date": start + dt.timedelta(days=40 + 7 * n),
            "expected": expected, "present": expected, "place": "会议室", "chair": "M01", "recorder": "M01",
            "absentees_recorded": True, "minutes": True, "agenda": ["first_topic"], **extra}


def _additions(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Records that comply with every rule that reads them, each added on its own."""
    start, end = _period(data)
    last = min(end, AS_OF)
    out: list[tuple[str, dict[str, Any]]] = []
    for n, kind in enumerate(("life_meeting", "theme_day", "branch_general", "ideology", "opinion_analysis")):
        out.append((f"a {kind} meeting", {"meetings": [_meeting(data, kind, n)]}))
    out.append(("a lecture by the secretary",
                {"meetings": [_meeting(data, "party_lecture", 9, speaker_role="secretary", topic="党课")]}))
    out.append(("a second life meeting late in the period",
                {"meetings": [_meeting(data, "life_meeting", 10) | {"date": last - dt.timedelta(days=3)}]}))
    for n, kind in enumerate(("flag_ceremony", "patriotic", "brand", "integrity_talk", "warning_education")):
        out.append((f"a {kind} activity",
                    {"activities": [{"id": f"ADD-A{n}", "kind": kind, "date": start + dt.timedelta(days=14)}]}))
    members = [m["id"] for m in data.get("members") or []]
    if members:
        out.append(("talks of the secretary with every member, before any life meeting",
                    {"talks": [{"date": start + dt.timedelta(days=20), "a": members[0], "b": m} for m in members[1:]]}))
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_adding_a_complying_record_never_lowers_an_indicator(ruleset: Any, path: Path) -> None:
    data = _data(path)
    before = {i.id: i.points for i in _report(ruleset, data).indicators}
    for what, extra in _additions(data):
        changed = copy.deepcopy(data)
        for section, records in extra.items():
            changed[section] = list(changed.get(section) or []) + records
        after = {i.id: i.points for i in _report(ruleset, changed).indicators}
        lowered = {k: (before[k], after[k]) for k in before if after[k] < before[k]}
        assert lowered == {}, f"adding {what} lowered {lowered}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_order_of_records_changes_nothing(ruleset: Any, path: Path) -> None:
    data = _data(path)
    reordered = copy.deepcopy(data)
    for key, value in reordered.items():
        if isinstance(value, list):
            reordered[key] = list(reversed(value))
    for key in ("committee", "party_groups"):
        if isinstance(reordered["organization"].get(key), list):
            reordered["organization"][key] = list(reversed(reordered["organization"][key]))
    a, b = _report(ruleset, data), _report(ruleset, reordered)
    assert _numbers(a) == _numbers(b)
    assert [sorted(f.message for f in i.findings) for i in a.indicators] == \
        [sorted(f.message for f in i.findings) for i in b.indicators]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_an_audit_date_after_the_period_changes_nothing(ruleset: Any, path: Path) -> None:
    data = _data(path)
    end = _period(data)[1]
    days = (end, end + dt.timedelta(days=1), end.replace(year=end.year + 2))
    reports = [_report(ruleset, data, as_of) for as_of in days]
    dumps = [r.model_dump(mode="json", exclude={"as_of"}) for r in reports]
    assert dumps[0] == dumps[1] == dumps[2]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_language_changes_no_number(ruleset: Any, path: Path) -> None:
    data = _data(path)
    assert _numbers(_report(ruleset, data, lang="zh")) == _numbers(_report(ruleset, data, lang="en"))


def test_cli_as_of_after_the_period_changes_only_the_date() -> None:
    school = "examples/veto-chengguan-no2-junior.yaml"
    outs = [run_cli(["check", school, "--format", "json", "--as-of", day])[1] for day in ("2025-09-01", "2027-03-01")]
    assert outs[0].replace("2025-09-01", "X") == outs[1].replace("2027-03-01", "X")


def test_six_consecutive_months_of_arrears_cost_more_than_one(ruleset: Any) -> None:
    data = _data(ROOT / "tests" / "cases" / "base.yaml")
    costs = []
    for unpaid, run in ((1, 1), (6, 6)):
        changed = copy.deepcopy(data)
        changed["members"][19] |= {"dues_unpaid_months": unpaid, "dues_unpaid_run_months": run}
        costs.append(next(i.lost for i in _report(ruleset, changed).indicators if i.id == "JC-12"))
    assert Decimal(0) < costs[0] < costs[1]
    assert costs[1] >= 5 * costs[0]
