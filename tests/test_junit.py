"""JUnit XML output: valid against the Jenkins xUnit junit-10.xsd, one suite per school, one case per indicator."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from ci_fixtures import AS_OF, school_evidence, with_veto, write_evidence
from conftest import EXAMPLES, N_INDICATORS, SCHEMAS, run_cli
from typer.testing import CliRunner

from dangjian_audit.cli import app
from dangjian_audit.i18n import Messages
from dangjian_audit.models.result import SchoolReport
from dangjian_audit.report import audit_file
from dangjian_audit.reporters.junit import render_junit

JUNIT_XSD = SCHEMAS / "junit-10.xsd"


@pytest.fixture(scope="module")
def xsd() -> Any:
    import xmlschema

    return xmlschema.XMLSchema10(str(JUNIT_XSD))


def _report(ruleset: Any, tmp_path: Path, data: dict[str, Any], name: str, lang: str = "zh") -> SchoolReport:
    return audit_file(ruleset, write_evidence(tmp_path, data, name), name, AS_OF, Messages(lang))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_validates_against_xsd(ruleset: Any, tmp_path: Path, xsd: Any, lang: str) -> None:
    reports = [_report(ruleset, tmp_path, school_evidence(), "a.yaml", lang),
               _report(ruleset, tmp_path, with_veto(school_evidence()), "b.yaml", lang)]
    xsd.validate(render_junit(reports, Messages(lang)))


def test_empty_report_validates(xsd: Any) -> None:
    xsd.validate(render_junit([], Messages("zh")))


def test_structure_and_counts(ruleset: Any, tmp_path: Path) -> None:
    report = _report(ruleset, tmp_path, school_evidence(), "a.yaml")
    root = ET.fromstring(render_junit([report, report], Messages("zh")))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 2
    suite = suites[0]
    cases = suite.findall("testcase")
    assert len(cases) == len(report.indicators) == N_INDICATORS
    by_name = {c.get("name"): c for c in cases}
    failed = {"not_met", "partial", "insufficient_evidence"}
    for ind in report.indicators:
        case = by_name[f"{ind.id} {ind.title}"]
        assert case.get("classname") == ind.dimension
        failure, skipped = case.find("failure"), case.find("skipped")
        if ind.status in failed:
            assert failure is not None and skipped is None, ind.id
            assert failure.get("type") == ind.status
            first = ind.findings[0].message if ind.findings else ind.status_label
            assert failure.get("message", "").startswith(first)
        elif ind.status in ("awaiting_inspector", "not_applicable"):
            assert skipped is not None and failure is None, ind.id
        else:
            assert failure is None and skipped is None, ind.id
    n_failed = sum(1 for i in report.indicators if i.status in failed)
    n_skipped = sum(1 for i in report.indicators if i.status in ("awaiting_inspector", "not_applicable"))
    assert n_failed and n_skipped
    assert suite.get("tests") == str(N_INDICATORS)
    assert suite.get("failures") == str(n_failed)
    assert suite.get("skipped") == str(n_skipped)
    assert suite.get("errors") == "0"
    assert root.get("tests") == "94"
    assert root.get("failures") == str(2 * n_failed)
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["school.code"] == "T-001"
    assert props["total"] == f"{report.total:g}"


def test_not_applicable_is_skipped(ruleset: Any, tmp_path: Path) -> None:
    report = _report(ruleset, tmp_path, school_evidence(), "a.yaml")
    # no single verdict makes a catalog indicator not applicable here, so set the status on the result
    indicators = [i.model_copy(update={"status": "not_applicable", "status_label": "不适用", "lost": 0.0})
                  if i.id == "JC-01" else i for i in report.indicators]
    report = report.model_copy(update={"indicators": indicators})
    root = ET.fromstring(render_junit([report], Messages("zh")))
    case = next(c for c in root.iter("testcase") if c.get("name", "").startswith("JC-01 "))
    skipped = case.find("skipped")
    assert skipped is not None and skipped.get("type") == "not_applicable"
    assert case.find("failure") is None


def test_failure_body_lists_locations_and_fix(ruleset: Any, tmp_path: Path) -> None:
    report = _report(ruleset, tmp_path, school_evidence(), "a.yaml", "en")
    root = ET.fromstring(render_junit([report], Messages("en")))
    case = next(c for c in root.iter("testcase") if c.get("name", "").startswith("JC-02 "))
    failure = case.find("failure")
    assert failure is not None and failure.text
    jc02 = next(i for i in report.indicators if i.id == "JC-02")
    assert jc02.remediation in failure.text
    assert any(f"(a.yaml:{f.location.line})" in failure.text for f in jc02.findings if f.location)


def test_control_characters_do_not_break_the_xml(ruleset: Any, tmp_path: Path, xsd: Any) -> None:
    # Evidence text with control characters is refused at load; text from elsewhere (a catalog, a file name)
    # still cannot break the XML.
    report = _report(ruleset, tmp_path, school_evidence(), "a.yaml")
    report = report.model_copy(update={"school": report.school.model_copy(update={"name": "记录\x07不全\x1b"}),
                                       "source": "a\x0c.yaml"})
    xsd.validate(render_junit([report], Messages("zh")))


def test_cli_writes_junit(tmp_path: Path, xsd: Any) -> None:
    path = write_evidence(tmp_path, school_evidence(), "school.yaml")
    out = tmp_path / "junit.xml"
    result = CliRunner().invoke(app, ["check", str(path), "-f", "junit", "--as-of", AS_OF.isoformat(),
                                      "-o", str(out)])
    assert result.exit_code == 1, result.output
    xsd.validate(str(out))


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_every_example_validates_against_xsd(xsd: Any, example: str) -> None:
    code, out, _ = run_cli(["check", f"examples/{example}", "--format", "junit", "--as-of", "2025-12-31"])
    assert code in (0, 1)
    xsd.validate(out)
