"""Every bundled example's plan reaches its target when its gaps are closed for real.

The fix for an indicator is machine-applied: the indicator's evidence sections are copied from
``tests/cases/base.yaml`` (a school that meets all 47 indicators) into a copy of the example.
The real engine must then find every planned indicator met, and the real scorer, given the
original evaluations with only the planned indicators replaced by their re-evaluated ones, must
reach the target.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLES, ROOT, assert_golden, run_cli

from dangjian_audit import planning
from dangjian_audit.engine import evaluate
from dangjian_audit.i18n import Messages
from dangjian_audit.loading import load_evidence, load_ruleset
from dangjian_audit.models.plan import PlanReport
from dangjian_audit.plan_report import plan_file
from dangjian_audit.scoring import score

AS_OF = dt.date(2025, 12, 31)
BASE = Path(__file__).parent / "cases" / "base.yaml"
GOLDEN = ROOT / "tests" / "golden" / "plan"
SCHOOLS = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
# Sections whose records refer to records of another section by id: copied together.
LINKED = {"decisions": ("meetings",), "talks": ("members",), "recruitment": ("members",)}


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# Facts that must agree across sections (the loader refuses impossible evidence): copying one
# side from the base school copies the other too.
CONSISTENT = {
    "meetings": ("organization.party_groups",),
    "members": ("organization.formal_members", "organization.probationary_members", "talks", "appraisal"),
    "appraisal": ("members",),
    "talks": ("members",),
    "staff": ("school.staff_total",),
}


def _patch(data: dict[str, Any], base: dict[str, Any], sections: list[str]) -> None:
    todo = list(sections)
    done: set[str] = set()
    while todo:
        section = todo.pop()
        if section in done:
            continue
        done.add(section)
        head, _, rest = section.partition(".")
        if rest:
            data.setdefault(head, {})[rest] = copy.deepcopy(base[head][rest])
        else:
            data[head] = copy.deepcopy(base[head])
        todo += [*LINKED.get(head, ()), *CONSISTENT.get(section, ())]


@pytest.mark.parametrize("school", SCHOOLS)
def test_plan_reaches_its_target_when_applied(school: str, tmp_path: Path) -> None:
    ruleset = load_ruleset()
    source = EXAMPLES / f"{school}.yaml"
    plan = plan_file(ruleset, source, str(source), AS_OF, Messages("en"))
    evidence = load_evidence(source, str(source), AS_OF)
    before = evaluate(ruleset, evidence, AS_OF)
    sc = score(ruleset, before)
    target = planning.default_target(ruleset, sc)
    assert plan.target.id == target.level.id if target.level else plan.target.kind == "score"
    if not plan.reachable:
        assert plan.reasons and not plan.rows
        return
    planned = [r.indicator for r in plan.rows]
    data, base = _load(source), _load(BASE)
    by_id = ruleset.by_id()
    for ind_id in planned:
        _patch(data, base, by_id[ind_id].indicator.evidence)
    patched_path = tmp_path / f"{school}.yaml"
    patched_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    after = evaluate(ruleset, load_evidence(patched_path, str(patched_path), AS_OF), AS_OF)
    fixed = {ev.compiled.indicator.id: ev for ev in after}
    assert {i: fixed[i].status for i in planned} == dict.fromkeys(planned, "met")
    hybrid = [fixed[ev.compiled.indicator.id] if ev.compiled.indicator.id in planned else ev for ev in before]
    result = score(ruleset, hybrid)
    assert planning.reached(result, target)
    assert str(result.total) == str(plan.total_after) or result.total >= target.line
    # the whole patched file reaches it too
    assert planning.reached(score(ruleset, after), target)


def test_county_and_city_examples_have_plans_to_verify() -> None:
    ruleset = load_ruleset()
    for school, count in (("county-houliu-primary", 9), ("city-jiangbei-primary", 1)):
        source = EXAMPLES / f"{school}.yaml"
        plan = plan_file(ruleset, source, str(source), AS_OF, Messages("zh"))
        assert plan.reachable and len(plan.rows) == count


@pytest.mark.parametrize("fmt, suffix", [("markdown", "md"), ("html", "html")])
@pytest.mark.parametrize("school", ["county-houliu-primary", "veto-chengguan-no2-junior"])
def test_plan_golden(school: str, fmt: str, suffix: str, update_golden: bool) -> None:
    # mid-period for the county school (months still to come), after the period for the veto school
    as_of = "2025-12-31" if school.startswith("veto") else "2025-03-01"
    code, out, _ = run_cli(["plan", f"examples/{school}.yaml", "--format", fmt, "--as-of", as_of])
    assert code == (1 if school.startswith("veto") else 0)
    assert_golden(GOLDEN / f"{school}.{suffix}", out, update_golden)


def test_plan_html_escapes_evidence(tmp_path: Path) -> None:
    data = _load(EXAMPLES / "county-houliu-primary.yaml")
    data["school"]["name"] = "<script>alert(1)</script>"
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, out, _ = run_cli(["plan", str(path), "--format", "html", "--as-of", "2025-03-01"])
    assert code == 0
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_xlsx_ledger_has_status_drop_down(tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    code, _, _ = run_cli(["plan", "examples/county-houliu-primary.yaml", "-f", "xlsx", "-o", str(out),
                          "--as-of", "2025-03-01"])
    assert code == 0
    with zipfile.ZipFile(BytesIO(out.read_bytes())) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    validation = re.search(r"<dataValidation [^>]*>.*?</dataValidation>", sheet)
    assert validation is not None
    found = validation.group(0)
    assert 'type="list"' in found and "<formula1>\"未开始,整改中,已完成\"</formula1>" in found
    assert 'orientation="landscape"' in sheet and 'fitToHeight="0"' in sheet and 'state="frozen"' in sheet
    # byte-identical on a second run (no wall clock in the workbook)
    again = tmp_path / "again.xlsx"
    run_cli(["plan", "examples/county-houliu-primary.yaml", "-f", "xlsx", "-o", str(again), "--as-of", "2025-03-01"])
    assert again.read_bytes() == out.read_bytes()


def test_previous_plan_marks_closed_rows_done(tmp_path: Path) -> None:
    old_path = tmp_path / "old.json"
    code, out, _ = run_cli(["plan", "examples/county-houliu-primary.yaml", "-f", "json", "--as-of", "2025-03-01"])
    assert code == 0
    old = PlanReport.model_validate(json.loads(out))
    old_path.write_text(out, encoding="utf-8")
    # close the first planned gap for real, then plan again
    first = old.rows[0].indicator
    ruleset = load_ruleset()
    data = _load(EXAMPLES / "county-houliu-primary.yaml")
    _patch(data, _load(BASE), ruleset.by_id()[first].indicator.evidence)
    new_path = tmp_path / "new.yaml"
    new_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, out, _ = run_cli(["plan", str(new_path), "-f", "json", "--as-of", "2025-03-01",
                            "--previous", str(old_path)])
    assert code == 0
    new = PlanReport.model_validate(json.loads(out))
    rows = {r.row_id: r for r in new.rows}
    assert rows[f"{old.school.code}-{first}"].ledger_status == "done"
    assert rows[f"{old.school.code}-{first}"].ledger_status_label == "已完成"
    # copying the first gap's sections from the base school can close other gaps with it: those are
    # done too, and every row whose gap is still open stays open
    met = {ev.compiled.indicator.id for ev in evaluate(ruleset, load_evidence(new_path, str(new_path),
                                                                               dt.date(2025, 3, 1)),
                                                        dt.date(2025, 3, 1)) if ev.status == "met"}
    assert first in met
    assert all(r.ledger_status == ("done" if r.indicator in met else "open") for r in new.rows)


def test_bad_target_and_bad_previous(tmp_path: Path) -> None:
    code, _, err = run_cli(["plan", "examples/county-houliu-primary.yaml", "--target", "nation"])
    assert code == 2 and "[usage_bad_target]" in err
    bad = tmp_path / "bad.json"
    bad.write_text("{\"rows\": 1}", encoding="utf-8")
    code, _, err = run_cli(["plan", "examples/county-houliu-primary.yaml", "--previous", str(bad)])
    assert code == 3 and "[previous_unreadable]" in err and "Traceback" not in err


def test_score_target_and_unreachable_reason() -> None:
    code, out, _ = run_cli(["plan", "examples/county-houliu-primary.yaml", "--target", "99.5", "--as-of",
                            "2025-12-31", "--lang", "en", "-f", "json"])
    plan = PlanReport.model_validate(json.loads(out))
    assert code == 1 and not plan.reachable
    assert plan.reasons and "at most" in plan.reasons[0]
    assert {b.reason_code for b in plan.blocked} <= {"units_past", "period_over", "veto_triggered"}


def test_batch_plan_writes_the_county_ledger(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, err = run_cli(["batch", *(str(p) for p in sorted(EXAMPLES.glob("*.yaml"))), "--plan", "--out", str(out),
                            "--as-of", "2025-03-01", "-j", "1"])
    assert code in (0, 1), err
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    county = {c["code"]: c for c in data["county"]}
    assert county["610924-0315"]["gaps"] == {"county": 9, "city": 13, "province": 18}
    assert county["610924-0315"]["reachable"] == "province"
    assert len(data["schools"]) == len(SCHOOLS)
    with zipfile.ZipFile(out / "plan.xlsx") as zf:
        workbook = zf.read("xl/workbook.xml").decode("utf-8")
    assert workbook.count("<sheet ") == len(SCHOOLS) + 1 and "全县整改台账汇总" in workbook
    assert "# 全县整改台账汇总" in (out / "plan.md").read_text(encoding="utf-8")


def test_batch_plan_needs_out() -> None:
    code, _, err = run_cli(["batch", "examples", "--plan"])
    assert code == 2 and "[usage_plan_needs_out]" in err


@pytest.mark.parametrize("school", SCHOOLS)
def test_report_path_to_next_level_agrees_with_the_plan(school: str) -> None:
    from dangjian_audit.report import audit_file

    ruleset = load_ruleset()
    source = EXAMPLES / f"{school}.yaml"
    msgs = Messages("zh")
    report = audit_file(ruleset, source, str(source), AS_OF, msgs)
    plan = plan_file(ruleset, source, str(source), AS_OF, msgs)
    if report.level is not None and report.level.id == "province":
        assert report.next_level is None
        return
    path = report.next_level
    assert path is not None and path.target.id == plan.target.id and path.reachable == plan.reachable
    assert path.gaps == plan.gaps_closed
    assert [s.id for s in path.steps] == [r.indicator for r in plan.rows][:3]
    assert path.more == max(0, plan.gaps_closed - 3)


def test_catalog_show_names_owner_effort_and_lead_time() -> None:
    code, out, _ = run_cli(["catalog", "show", "JC-03", "--lang", "en"])
    assert code == 0 and "owner Organization committee member · effort High · lead time 90 days" in out
    code, out, _ = run_cli(["catalog", "show", "JC-03", "--format", "json"])
    data = json.loads(out)
    assert (data["owner"]["id"], data["effort"]["id"], data["lead_days"]) == ("organization_member", "high", 90)


def test_previous_xlsx_carries_the_statuses_set_in_the_drop_down(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    ledger = tmp_path / "ledger.xlsx"
    args = ["plan", "examples/county-houliu-primary.yaml", "--as-of", "2025-03-01"]
    assert run_cli([*args, "-f", "xlsx", "-o", str(ledger)])[0] == 0
    wb = load_workbook(ledger)
    ws = wb.worksheets[0]
    first, second = ws["A2"].value, ws["A3"].value
    ws["K2"] = "整改中"
    wb.save(ledger)
    code, out, err = run_cli([*args, "-f", "json", "--previous", str(ledger)])
    assert code == 0, err
    rows = {r.row_id: r for r in PlanReport.model_validate(json.loads(out)).rows}
    assert rows[first].ledger_status == "in_progress" and rows[second].ledger_status == "open"


def test_previous_ledger_of_another_school_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    code, out, _ = run_cli(["plan", "examples/county-houliu-primary.yaml", "-f", "json", "--as-of", "2025-03-01"])
    other.write_text(out, encoding="utf-8")
    code, _, err = run_cli(["plan", "examples/city-jiangbei-primary.yaml", "--previous", str(other),
                            "--as-of", "2025-03-01"])
    assert code == 3 and "[previous_other_school]" in err
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    code, _, err = run_cli(["plan", "examples/city-jiangbei-primary.yaml", "--previous", str(broken)])
    assert code == 3 and "[previous_unreadable]" in err and "Traceback" not in err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plan_text(lang: str) -> None:
    msgs = Messages(lang)
    code, out, _ = run_cli(["plan", "examples/county-houliu-primary.yaml", "--as-of", "2025-03-01", "--lang", lang])
    assert code == 0
    assert out.startswith(msgs.fmt("plan", "heading", {"name": "石泉县后柳镇中心小学", "code": "610924-0315"}))
    assert msgs.fmt("plan", "blocked_heading") in out and "610924-0315-JC-11" in out
    code, out, _ = run_cli(["plan", "examples/veto-chengguan-no2-junior.yaml", "--as-of", "2025-12-31", "--lang", lang])
    assert code == 1 and msgs.fmt("plan", "summary_unreachable") in out and "FZ-06" in out
    code, out, _ = run_cli(["plan", "examples/province-chengguan-middle.yaml", "--as-of", "2025-12-31", "--lang", lang,
                            "--target", "90"])
    assert code == 0 and msgs.fmt("plan", "summary_reached", {"total": "99.50"}) in out
