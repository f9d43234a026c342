"""SARIF output: valid against the OASIS 2.1.0 schema, one rule per indicator, levels from points lost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ci_fixtures import AS_OF, school_evidence, with_veto, write_evidence
from conftest import EXAMPLES, SCHEMAS, run_cli
from typer.testing import CliRunner

from dangjian_audit.cli import app
from dangjian_audit.i18n import Messages
from dangjian_audit.models.result import IndicatorResult, SchoolReport
from dangjian_audit.report import audit_file
from dangjian_audit.reporters.sarif import artifact_uri, level_for, render_sarif, sarif_log

SARIF_SCHEMA = SCHEMAS / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> Any:
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def _report(ruleset: Any, tmp_path: Path, data: dict[str, Any], name: str, lang: str = "zh") -> SchoolReport:
    path = write_evidence(tmp_path, data, name)
    return audit_file(ruleset, path, name, AS_OF, Messages(lang))


def _assert_valid(validator: Any, log: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_realistic_log_validates(ruleset: Any, tmp_path: Path, validator: Any, lang: str) -> None:
    report = _report(ruleset, tmp_path, school_evidence(), "school.yaml", lang)
    text = render_sarif([report], ruleset, Messages(lang))
    _assert_valid(validator, json.loads(text))


def test_several_files_share_one_run(ruleset: Any, tmp_path: Path, validator: Any) -> None:
    reports = [_report(ruleset, tmp_path, school_evidence(), "a.yaml"),
               _report(ruleset, tmp_path, with_veto(school_evidence()), "sub dir 学校.yaml")]
    log = sarif_log(reports, ruleset, Messages("zh"))
    _assert_valid(validator, log)
    assert len(log["runs"]) == 1
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"a.yaml", "sub%20dir%20%E5%AD%A6%E6%A0%A1.yaml"}


def test_empty_run_validates(ruleset: Any, validator: Any) -> None:
    log = sarif_log([], ruleset, Messages("zh"))
    _assert_valid(validator, log)
    assert log["runs"][0]["results"] == []


def test_one_rule_per_indicator(ruleset: Any) -> None:
    rules = sarif_log([], ruleset, Messages("zh"))["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [ci.indicator.id for ci in ruleset.indicators]
    jc05 = next(r for r in rules if r["id"] == "JC-05")
    ind = next(ci.indicator for ci in ruleset.indicators if ci.indicator.id == "JC-05")
    assert jc05["shortDescription"]["text"] == ind.title.zh
    assert jc05["fullDescription"]["text"] == ind.asks.zh
    assert jc05["help"]["text"] == ind.remediation.zh
    assert jc05["name"] == "BranchCommitteeMeetings"
    assert jc05["properties"]["dimension"] == "JC"
    assert jc05["properties"]["points"] == 2.5
    assert jc05["properties"]["veto"] is False
    assert next(r for r in rules if r["id"] == "JC-03")["properties"]["veto"] is True


def test_results_cover_exactly_the_gaps(ruleset: Any, tmp_path: Path) -> None:
    report = _report(ruleset, tmp_path, school_evidence(), "school.yaml")
    log = sarif_log([report], ruleset, Messages("zh"))
    results = log["runs"][0]["results"]
    wanted = {i.id for i in report.indicators
              if i.status in ("not_met", "partial", "insufficient_evidence", "awaiting_inspector")}
    assert {r["ruleId"] for r in results} == wanted
    assert len(results) == len(wanted)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    met = {i.id for i in report.indicators if i.status == "met"}
    assert met and not met & {r["ruleId"] for r in results}


def test_region_is_the_first_finding_with_a_line(ruleset: Any, tmp_path: Path) -> None:
    report = _report(ruleset, tmp_path, school_evidence(), "school.yaml")
    results = {r["ruleId"]: r for r in sarif_log([report], ruleset, Messages("zh"))["runs"][0]["results"]}
    for ind in report.indicators:
        if ind.id not in results:
            continue
        lines = [f.location.line for f in ind.findings if f.location and f.location.line]
        region = results[ind.id]["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] == (lines[0] if lines else 1), ind.id
    # the data has at least one located finding (JC-02: the committee lacks a discipline member)
    assert results["JC-02"]["locations"][0]["physicalLocation"]["region"]["startLine"] > 1


def test_awaiting_inspector_is_a_note(ruleset: Any, tmp_path: Path) -> None:
    report = _report(ruleset, tmp_path, school_evidence(), "school.yaml")
    results = {r["ruleId"]: r for r in sarif_log([report], ruleset, Messages("zh"))["runs"][0]["results"]}
    awaiting = [i.id for i in report.indicators if i.status == "awaiting_inspector"]
    assert awaiting
    assert all(results[i]["level"] == "note" for i in awaiting)


def test_veto_is_an_error(ruleset: Any, tmp_path: Path) -> None:
    report = _report(ruleset, tmp_path, with_veto(school_evidence()), "school.yaml")
    assert report.veto == ["JC-03"]
    results = {r["ruleId"]: r for r in sarif_log([report], ruleset, Messages("zh"))["runs"][0]["results"]}
    assert results["JC-03"]["level"] == "error"
    assert results["JC-03"]["properties"]["vetoTriggered"] is True


def _ind(status: str, lost: float, max_: float = 2.0, veto_triggered: bool = False) -> IndicatorResult:
    return IndicatorResult(id="JC-01", dimension="JC", title="t", status=status, status_label=status,  # type: ignore[arg-type]
                           points=max_ - lost, max=max_, lost=lost, veto=veto_triggered,
                           veto_triggered=veto_triggered, computation="", details=[], findings=[],
                           remediation="", evidence=[], basis=[])


@pytest.mark.parametrize(("status", "lost", "veto", "level"), [
    ("not_met", 2.0, False, "error"),
    ("partial", 1.0, False, "error"),      # exactly half lost
    ("partial", 0.99, False, "warning"),
    ("partial", 0.25, False, "warning"),
    ("not_met", 2.0, True, "error"),
    ("insufficient_evidence", 2.0, False, "warning"),
    ("awaiting_inspector", 2.0, False, "note"),
])
def test_level_mapping(status: str, lost: float, veto: bool, level: str) -> None:
    assert level_for(_ind(status, lost, veto_triggered=veto)) == level


@pytest.mark.parametrize(("given", "uri"), [
    ("evidence/一小.yaml", "evidence/%E4%B8%80%E5%B0%8F.yaml"),
    ("evidence\\school.yaml", "evidence/school.yaml"),
    ("./school.yaml", "./school.yaml"),
    ("/srv/evidence/school.yaml", "file:///srv/evidence/school.yaml"),
    ("C:\\evidence\\school.yaml", "file:///C:/evidence/school.yaml"),
])
def test_artifact_uri(given: str, uri: str) -> None:
    assert artifact_uri(given) == uri


def test_cli_writes_sarif(tmp_path: Path, validator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    write_evidence(tmp_path, school_evidence(), "school.yaml")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check", "school.yaml", "--format", "sarif", "--as-of", AS_OF.isoformat(),
                                      "--output", "out/audit.sarif"])
    assert result.exit_code == 1, result.output  # the fixture school scores below the 合格 line
    log = json.loads((tmp_path / "out" / "audit.sarif").read_text(encoding="utf-8"))
    _assert_valid(validator, log)
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "school.yaml"


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_every_example_validates(validator: Any, example: str) -> None:
    code, out, _ = run_cli(["check", f"examples/{example}", "--format", "sarif", "--as-of", "2025-12-31"])
    assert code in (0, 1)
    log = json.loads(out)
    _assert_valid(validator, log)
    results = log["runs"][0]["results"]
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == f"examples/{example}"
               for r in results)
