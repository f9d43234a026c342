"""Year on year (issue 11): baselines, gap changes, the diff command, waivers and catalog aliases."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from ci_fixtures import AS_OF, school_evidence, write_evidence
from conftest import ROOT, SCHEMAS, assert_golden, run_cli

from dangjian_audit.baseline import compare, gap_change, with_baseline
from dangjian_audit.i18n import Messages
from dangjian_audit.models.result import IndicatorResult, SchoolReport
from dangjian_audit.report import audit_file
from dangjian_audit.reporters._jinja import render_markdown
from dangjian_audit.reporters.text import render_text

GOLDEN = ROOT / "tests" / "golden" / "yoy"
NOW = "examples/county-houliu-primary.yaml"
THEN = "examples/history/2024/county-houliu-primary-2024.yaml"
SARIF_SCHEMA = SCHEMAS / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def report(ruleset: Any, tmp_path_factory: pytest.TempPathFactory) -> SchoolReport:
    path = write_evidence(tmp_path_factory.mktemp("yoy"), school_evidence())
    return audit_file(ruleset, path, "school.yaml", AS_OF, Messages("zh"))


def _set(ind: IndicatorResult, status: str, points: str, veto: bool = False) -> IndicatorResult:
    pts = Decimal(points)
    return ind.model_copy(update={"status": status, "points": pts, "lost": ind.max - pts, "veto_triggered": veto})


def _previous(report: SchoolReport, changes: dict[str, tuple[str, str]]) -> SchoolReport:
    inds = [_set(i, *changes[i.id]) if i.id in changes else i for i in report.indicators]
    return report.model_copy(update={"indicators": inds, "total": report.total - 5, "as_of": "2024-08-31"})


# ---------------------------------------------------------------- gap changes on constructed pairs


def test_constructed_pair_marks_every_kind_of_change(report: SchoolReport) -> None:
    by_id = {i.id: i for i in report.indicators}
    met = [i.id for i in report.indicators if i.status == "met"]
    partial = [i.id for i in report.indicators if i.status == "partial" and i.points > 0]
    not_met = [i.id for i in report.indicators if i.status == "not_met" and not i.veto_triggered]
    assert len(met) >= 1 and len(partial) >= 3 and not_met
    resolved, new, persisting, improved, worsened = met[0], not_met[0], partial[0], partial[1], partial[2]
    previous = _previous(report, {
        resolved: ("not_met", "0"),                               # a gap then, met now
        new: ("met", str(by_id[new].max)),                        # met then, a gap now
        improved: ("partial", str(by_id[improved].points - Decimal("0.5"))),
        worsened: ("partial", str(min(by_id[worsened].max, by_id[worsened].points + Decimal("0.5")))),
    })
    if by_id[worsened].points + Decimal("0.5") > by_id[worsened].max:
        pytest.skip("no room to construct a worsened gap")
    c = compare(report, previous)
    assert resolved in c.resolved and new in c.new and persisting in c.persisting
    assert improved in c.improved and worsened in c.worsened
    assert c.total_delta == Decimal(5)
    delta = {d.id: d for d in c.indicators}
    assert delta[improved].delta == Decimal("0.5") and delta[worsened].delta == Decimal("-0.5")
    assert delta[resolved].change == "resolved" and delta[resolved].status == "met"
    assert c.counts["new"] == len(c.new)
    # every format names the change in words, in both languages
    msgs = Messages("zh")
    text = render_text([with_baseline(report, previous)], msgs)
    assert "与基线比较" in text and "总分 " in text and "（+5.00）" in text
    assert re.search(rf"{resolved} .*已整改", text) and re.search(rf"{new} .*新增", text)
    md = render_markdown([with_baseline(report, previous)], Messages("en"))
    assert "## Compared with the baseline" in md
    assert re.search(rf"\| {improved} [^|]*\| improved \|", md) and re.search(rf"\| {worsened} [^|]*\| worsened \|", md)
    assert re.search(rf"\| {persisting} [^|]*\| persisting \|", md)


@pytest.mark.parametrize(("then", "now", "expected"), [
    (("met", "2"), ("not_met", "0"), "new"),
    (("not_met", "0"), ("met", "2"), "resolved"),
    (("partial", "1"), ("partial", "1"), "persisting"),
    (("partial", "1"), ("partial", "1.5"), "improved"),
    (("partial", "1.5"), ("partial", "1"), "worsened"),
    (("not_met", "0"), ("insufficient_evidence", "0"), "improved"),  # same points, a milder status
    (("awaiting_inspector", "0"), ("not_met", "0"), "worsened"),
    (("partial", "1"), ("waived", "0"), "waived"),
    (("met", "2"), ("met", "2"), None),
])
def test_gap_change_rules(report: SchoolReport, then: tuple[str, str], now: tuple[str, str],
                          expected: str | None) -> None:
    ind = report.indicators[0].model_copy(update={"max": Decimal(2)})
    before = _set(ind, *then)
    after = _set(ind, *now)
    if now[0] == "waived":
        after = after.model_copy(update={"lost": Decimal(0)})
    assert gap_change(after, before) == expected


# ---------------------------------------------------------------- check --baseline from the bundled history


def test_check_against_last_years_evidence() -> None:
    code, out, err = run_cli(["check", NOW, "--baseline", THEN, "--format", "json", "--as-of", "2025-12-31"])
    assert code == 0, err
    b = json.loads(out)["baseline"]
    assert b["baseline"]["source"] == THEN and b["baseline"]["as_of"] == "2024-08-31"  # its own period's end
    assert {"JC-11", "SZ-05", "SZ-06"} <= set(b["new"])
    assert {"JC-04", "FZ-02"} <= set(b["resolved"])
    assert b["total_delta"] == pytest.approx(62.81 - 65.32)
    # the gate: new gaps fail it; combined with a score gate that fails too
    code, _, err = run_cli(["check", NOW, "--baseline", THEN, "--fail-on-new", "--as-of", "2025-12-31"])
    assert code == 1 and "与基线相比新增差距 " in err and "JC-11" in err
    code, _, err = run_cli(["check", THEN, "--baseline", THEN, "--fail-on-new", "--as-of", "2024-12-31"])
    assert code == 0, err


def test_a_json_report_baseline_gives_the_same_comparison(tmp_path: Path) -> None:
    code, out, _ = run_cli(["check", THEN, "--format", "json", "--as-of", "2024-08-31"])
    saved = tmp_path / "last-year.json"
    saved.write_text(out, encoding="utf-8")
    _, from_json, _ = run_cli(["check", NOW, "--baseline", str(saved), "--format", "json", "--as-of", "2025-12-31"])
    _, from_yaml, _ = run_cli(["check", NOW, "--baseline", THEN, "--format", "json", "--as-of", "2025-12-31"])
    a, b = json.loads(from_json)["baseline"], json.loads(from_yaml)["baseline"]
    a["baseline"].pop("source"), b["baseline"].pop("source")
    assert a == b


def test_baseline_of_another_school_is_a_usage_error() -> None:
    code, out, err = run_cli(["check", NOW, "--baseline", "examples/history/2024/city-jiangbei-primary-2024.yaml",
                              "--as-of", "2025-12-31", "--lang", "en"])
    assert code == 2 and out == ""
    assert "[baseline_school_mismatch]" in err and "610902-0207" in err and "610924-0315" in err


def test_bad_baselines_are_input_errors(tmp_path: Path) -> None:
    summary = tmp_path / "summary.json"
    summary.write_text(json.dumps({"format_version": 1, "kind": "county_summary"}), encoding="utf-8")
    code, _, err = run_cli(["check", NOW, "--baseline", str(summary), "--as-of", "2025-12-31"])
    assert code == 3 and "[baseline_is_summary]" in err
    broken = tmp_path / "broken.json"
    broken.write_text('{"total": ', encoding="utf-8")
    code, _, err = run_cli(["check", NOW, "--baseline", str(broken), "--as-of", "2025-12-31"])
    assert code == 3 and f"{broken}:1:" in err and "[baseline_not_json]" in err
    code, _, err = run_cli(["check", NOW, "--fail-on-new", "--as-of", "2025-12-31"])
    assert code == 2 and "[usage_fail_on_new_needs_baseline]" in err


@pytest.fixture(scope="module")
def validator() -> Any:
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def _sarif_with_baseline_and_waivers(tmp_path: Path) -> dict[str, Any]:
    waivers = _waivers(tmp_path, [_entry("610924-0315", "JZ-02"), _entry("*", "FZ-04", expires="2025-06-30")])
    code, out, _ = run_cli(["check", NOW, "--baseline", THEN, "--waivers", str(waivers), "--format", "sarif",
                            "--as-of", "2025-12-31"])
    assert code == 0
    log: dict[str, Any] = json.loads(out)
    return log


def test_sarif_baseline_state_validates(validator: Any, tmp_path: Path) -> None:
    log = _sarif_with_baseline_and_waivers(tmp_path)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_sarif_baseline_states_suppressions_and_notifications(tmp_path: Path) -> None:
    log = _sarif_with_baseline_and_waivers(tmp_path)
    results = log["runs"][0]["results"]
    states = {r["ruleId"]: r["baselineState"] for r in results}
    assert states["JC-11"] == "new" and states["JC-04"] == "absent" and states["FZ-05"] == "unchanged"
    assert "updated" in states.values()
    absent = next(r for r in results if r["ruleId"] == "JC-04")
    assert absent["kind"] == "pass" and absent["level"] == "none"
    waived = next(r for r in results if r["ruleId"] == "JZ-02")
    assert waived["suppressions"] == [{"kind": "external", "status": "accepted", "justification": "校长长期病休"}]
    notes = log["runs"][0]["invocations"][0]["toolConfigurationNotifications"]
    assert len(notes) == 1 and "FZ-04" in notes[0]["message"]["text"] and notes[0]["level"] == "warning"


def test_junit_carries_the_comparison_as_properties() -> None:
    code, out, _ = run_cli(["check", NOW, "--baseline", THEN, "--format", "junit", "--as-of", "2025-12-31"])
    assert code == 0
    assert re.search(r'<property name="baseline.new" value="[^"]*JC-11', out)
    assert re.search(r'<property name="baseline.resolved" value="[^"]*JC-04', out)
    assert '<property name="baseline.total_delta" value="-2.51" />' in out


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_baseline_section_golden(fmt: str, update_golden: bool) -> None:
    code, out, _ = run_cli(["check", NOW, "--baseline", THEN, "--format", fmt, "--as-of", "2025-12-31"])
    assert code == 0
    assert_golden(GOLDEN / f"houliu-baseline.{ {'text': 'txt', 'markdown': 'md', 'html': 'html'}[fmt] }", out,
                  update_golden)


# ---------------------------------------------------------------- diff


@pytest.mark.parametrize(("fmt", "suffix"), [("text", "txt"), ("markdown", "md"), ("json", "json")])
def test_diff_golden(fmt: str, suffix: str, update_golden: bool) -> None:
    code, out, _ = run_cli(["diff", THEN, NOW, "--format", fmt, "--lang", "en"])
    assert code == 0
    assert_golden(GOLDEN / f"houliu-diff.en.{suffix}", out, update_golden)


def test_diff_gate_and_mismatch() -> None:
    assert run_cli(["diff", THEN, NOW, "--fail-on-new"])[0] == 1
    assert run_cli(["diff", NOW, NOW, "--fail-on-new"])[0] == 0
    code, _, err = run_cli(["diff", THEN, "examples/city-jiangbei-primary.yaml"])
    assert code == 2 and "[baseline_school_mismatch]" in err


# ---------------------------------------------------------------- waivers


def _entry(school: str, indicator: str, reason: str = "校长长期病休", approved_by: str = "county_bureau",
           approved_on: str = "2025-01-10", expires: str = "2026-06-30") -> str:
    return (f'  - school: "{school}"\n    indicator: {indicator}\n    reason: {reason}\n'
            f"    approved_by: {approved_by}\n    approved_on: {approved_on}\n    expires: {expires}\n")


def _waivers(directory: Path, entries: list[str], name: str = "waivers.yaml") -> Path:
    path = directory / name
    path.write_text("schema_version: 1\nwaivers:\n" + "".join(entries), encoding="utf-8")
    return path


def test_a_waiver_excuses_an_indicator_like_not_applicable(tmp_path: Path) -> None:
    path = _waivers(tmp_path, [_entry("610924-0315", "JZ-02"), _entry("*", "LD-01")])
    code, out, err = run_cli(["check", NOW, "--waivers", str(path), "--format", "json", "--as-of", "2025-12-31"])
    assert code == 0, err
    data = json.loads(out)
    jz02 = next(i for i in data["indicators"] if i["id"] == "JZ-02")
    assert jz02["status"] == "waived" and jz02["status_label"] == "豁免" and jz02["lost"] == 0
    assert "校长长期病休" in jz02["details"][-1] and "JZ-02" not in data["gaps"]
    assert data["status_counts"]["waived"] == 1
    w = data["waivers"]
    assert [x["indicator"] for x in w["applied"]] == ["JZ-02"]
    assert w["applied"][0]["approved_by"] == "county_bureau" and w["applied"][0]["line"] == 3
    assert [x["indicator"] for x in w["not_needed"]] == ["LD-01"]  # met anyway: no waiver needed
    _, text, _ = run_cli(["check", NOW, "--waivers", str(path), "--as-of", "2025-12-31"])
    assert "豁免记录（审计留痕） · 豁免文件: " in text and "不计豁免时的总分: 62.81" in text
    assert re.search(r"JZ-02 校长办公会规范运行 *│ 校长长期病休 *│ 县（区）教育行政部门 *│ 2025-01-10 *│ 2026-06-30",
                     text)
    assert "未使用的豁免（该指标已达标或不适用，无需豁免）: LD-01" in text
    assert w["total_without_waivers"] == 62.81 and w["warnings"] == []
    # JZ's denominator loses JZ-02's points exactly as for a not-applicable indicator
    jz = next(d for d in data["dimensions"] if d["id"] == "JZ")
    assert jz["applicable_max"] == 18 - jz02["max"]


def test_expired_waiver_is_ignored_and_reported_in_every_format(tmp_path: Path) -> None:
    path = _waivers(tmp_path, [_entry("*", "JZ-02", approved_on="2024-01-01", expires="2025-12-30")])
    outputs = {}
    for fmt in ("text", "markdown", "html", "json", "sarif", "junit"):
        code, out, err = run_cli(["check", NOW, "--waivers", str(path), "--format", fmt, "--as-of", "2025-12-31"])
        assert code == 0
        outputs[fmt] = out
        assert f"{path}:3: 警告：" in err and "2025-12-30 到期" in err
    for fmt, out in outputs.items():
        assert "2025-12-30" in out, fmt
    assert json.loads(outputs["json"])["waivers"]["applied"] == []
    assert "JZ-02 校长办公会规范运行 | 部分达标" in outputs["markdown"]


def test_waiver_in_force_on_its_expiry_day(tmp_path: Path) -> None:
    path = _waivers(tmp_path, [_entry("*", "JZ-02", expires="2025-12-31")])
    _, out, _ = run_cli(["check", NOW, "--waivers", str(path), "--format", "json", "--as-of", "2025-12-31"])
    assert [x["indicator"] for x in json.loads(out)["waivers"]["applied"]] == ["JZ-02"]


def test_bad_waivers_are_refused_at_their_line(tmp_path: Path) -> None:
    path = _waivers(tmp_path, [
        _entry("*", "FZ-06"),                                   # a veto item
        _entry("*", "ZZ-01"),                                   # no such indicator
        _entry("*", "JC-05", approved_by="张三"),               # a person, not a role
        _entry("*", "JC-07", approved_on="2025-05-01", expires="2025-04-30"),
        _entry("*", "JC-08"), _entry("*", "JC-08"),             # twice
    ])
    code, out, err = run_cli(["check", NOW, "--waivers", str(path), "--as-of", "2025-12-31"])
    assert code == 3 and out == ""
    lines = err.splitlines()
    assert any(re.match(rf"{re.escape(str(path))}:4:5: error \[waiver_veto\] 指标 FZ-06 是一票否决项", ln)
               for ln in lines), err
    assert any(ln.startswith(f"{path}:10:5: error [waiver_unknown_indicator]") for ln in lines), err
    assert any(ln.startswith(f"{path}:18:5: error [literal_error]") and "county_bureau" in ln for ln in lines), err
    codes = re.findall(r":(\d+):\d+: error \[(\w+)\]", err)
    assert codes == [("4", "waiver_veto"), ("10", "waiver_unknown_indicator"), ("18", "literal_error"),
                     ("26", "waiver_dates"), ("33", "waiver_duplicate")]
    _, _, err = run_cli(["check", NOW, "--waivers", str(path), "--as-of", "2025-12-31", "--lang", "en"])
    assert "indicator FZ-06 is a veto item and cannot be waived" in err


def test_batch_lists_the_waivers_applied(tmp_path: Path) -> None:
    path = _waivers(tmp_path, [_entry("*", "JZ-02"), _entry("610924-0315", "FZ-04", approved_on="2024-01-01",
                                                             expires="2024-12-31")])
    code, out, err = run_cli(["batch", "examples/county-houliu-primary.yaml", "examples/city-jiangbei-primary.yaml",
                              "--waivers", str(path), "--format", "json", "--as-of", "2025-12-31"])
    assert code == 0, err
    data = json.loads(out)
    assert [(w["school"], w["indicator"]) for w in data["waivers"]["applied"]] == [
        ("610924-0315", "JZ-02"), ("610902-0207", "JZ-02")] or sorted(
        (w["school"], w["indicator"]) for w in data["waivers"]["applied"]) == [
        ("610902-0207", "JZ-02"), ("610924-0315", "JZ-02")]
    assert len(data["waivers"]["warnings"]) == 1 and "FZ-04" in data["waivers"]["warnings"][0]
    _, text, err = run_cli(["batch", "examples/county-houliu-primary.yaml", "--waivers", str(path),
                            "--as-of", "2025-12-31"])
    assert "610924-0315 JZ-02 校长办公会规范运行: 校长长期病休 (县（区）教育行政部门, 2025-01-10 ~ 2026-06-30)" in text
    assert "FZ-04" in err  # the expired waiver, once on standard error
    assert all(s["statuses"]["JZ-02"] == "waived" for s in data["schools"])
    jz02 = next(i for i in data["indicators"] if i["id"] == "JZ-02")
    assert jz02["counts"]["waived"] == 2 and jz02["met_percent"] is None


# ---------------------------------------------------------------- catalog aliases


def _aliased_catalog(tmp_path: Path) -> Path:
    """A copy of the catalog in which JC-11 has the old id JC-13 as an alias (a later edition)."""
    catalog = tmp_path / "indicators"
    shutil.copytree(ROOT / "indicators", catalog)
    jc = catalog / "JC.yaml"
    text = jc.read_text(encoding="utf-8")
    new = re.sub(r"(\n  - id: JC-11\n)", r"\1    aliases: [JC-13]\n", text, count=1)
    assert new != text
    jc.write_text(new, encoding="utf-8")
    return catalog


def test_a_baseline_from_an_older_edition_matches_through_aliases(tmp_path: Path) -> None:
    catalog = _aliased_catalog(tmp_path)
    # last year's report, made when the indicator was still called JC-13
    _, out, _ = run_cli(["check", THEN, "--format", "json", "--as-of", "2024-08-31"])
    old = json.loads(out)
    for ind in old["indicators"]:
        if ind["id"] == "JC-11":
            ind["id"] = "JC-13"
            ind["status"], ind["points"], ind["lost"] = "not_met", 0.0, ind["max"]
    old["gaps"].append("JC-13")
    saved = tmp_path / "old-edition.json"
    saved.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run_cli(["check", NOW, "--baseline", str(saved), "--catalog", str(catalog), "--format", "json",
                            "--as-of", "2025-12-31"])
    assert code == 0
    b = json.loads(out)["baseline"]
    jc11 = next(d for d in b["indicators"] if d["id"] == "JC-11")
    assert jc11["previous_id"] == "JC-13" and jc11["change"] == "persisting"
    assert "JC-11" not in b["new"] and "JC-13" not in b["resolved"]
    assert not any(d["id"] == "JC-13" for d in b["indicators"])
    # without the alias the old id cannot match: its gap looks resolved and JC-11 looks new
    _, out, _ = run_cli(["check", NOW, "--baseline", str(saved), "--format", "json", "--as-of", "2025-12-31"])
    plain = json.loads(out)["baseline"]
    assert "JC-11" in plain["new"] and "JC-13" in plain["resolved"]
    # a waiver may name the old id too
    path = _waivers(tmp_path, [_entry("*", "JC-13")])
    _, out, _ = run_cli(["check", NOW, "--waivers", str(path), "--catalog", str(catalog), "--format", "json",
                         "--as-of", "2025-12-31"])
    assert [x["indicator"] for x in json.loads(out)["waivers"]["applied"]] == ["JC-11"]


def test_waived_and_not_applicable_leave_the_denominator_alike(ruleset: Any) -> None:
    import dataclasses

    from dangjian_audit.engine import evaluate
    from dangjian_audit.loading import load_evidence
    from dangjian_audit.scoring import score

    evidence = load_evidence(ROOT / NOW, NOW, None, [ci.indicator.id for ci in ruleset.indicators])
    evaluations = evaluate(ruleset, evidence, evidence.period.end)
    target = next(ev for ev in evaluations if ev.compiled.indicator.id == "JZ-02")
    assert target.status == "partial"

    def with_status(status: str) -> Any:
        return score(ruleset, [dataclasses.replace(ev, status=status) if ev is target else ev for ev in evaluations])

    waived, excused = with_status("waived"), with_status("not_applicable")
    assert waived.dimensions == excused.dimensions and waived.total == excused.total
    assert waived.points["JZ-02"] == 0
