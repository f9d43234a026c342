"""CI gates of `check`: --fail-under, --fail-on-veto/--no-fail-on-veto, --min-level, and how they combine.

A school fails when ANY gate given fails (exit 1); an invalid file wins over a gate (exit 3).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from ci_fixtures import AS_OF, school_evidence, with_veto, write_evidence
from conftest import EXAMPLES
from typer.testing import CliRunner

from dangjian_audit.cli import app
from dangjian_audit.gates import Gate, gate_reasons
from dangjian_audit.i18n import Messages
from dangjian_audit.models.result import Named, SchoolReport
from dangjian_audit.report import audit_file

MSGS = Messages("en")
AS_OF_EXAMPLES = dt.date(2025, 12, 31)
COUNTY, CITY, PROVINCE = (Named(id=i, name=i) for i in ("county", "city", "province"))


@pytest.fixture(scope="module")
def base_report(ruleset: Any, tmp_path_factory: pytest.TempPathFactory) -> SchoolReport:
    path = write_evidence(tmp_path_factory.mktemp("gates"), school_evidence())
    return audit_file(ruleset, path, "school.yaml", AS_OF, MSGS)


def _with(report: SchoolReport, total: float, veto: list[str] | None = None,
          level: Named | None = None) -> SchoolReport:
    return report.model_copy(update={"total": Decimal(str(total)), "veto": veto or [], "level": level})


def _reasons(ruleset: Any, report: SchoolReport, fail_under: float = 0.0, fail_on_veto: bool = True,
             min_level: str | None = None) -> list[str]:
    return gate_reasons(report, Gate.build(ruleset, fail_under, fail_on_veto, min_level), MSGS, ruleset)


@pytest.mark.parametrize(("total", "line", "fails"), [(59.99, 60, True), (60.0, 60, False), (75.5, 60, False),
                                                      (75.5, 80, True), (0.0, 0, False)])
def test_fail_under(ruleset: Any, base_report: SchoolReport, total: float, line: float, fails: bool) -> None:
    reasons = _reasons(ruleset, _with(base_report, total), fail_under=line)
    assert bool(reasons) is fails
    if fails:
        assert reasons == [MSGS.ui("gate_reason_score", total=f"{total:g}", line=f"{line:g}")]


@pytest.mark.parametrize(("veto", "fail_on_veto", "fails"), [(["JC-03"], True, True), (["JC-03"], False, False),
                                                             ([], True, False)])
def test_fail_on_veto(ruleset: Any, base_report: SchoolReport, veto: list[str], fail_on_veto: bool,
                      fails: bool) -> None:
    reasons = _reasons(ruleset, _with(base_report, 59, veto), fail_on_veto=fail_on_veto)
    assert bool(reasons) is fails
    if fails:
        assert "JC-03" in reasons[0]


@pytest.mark.parametrize(("level", "min_level", "fails"), [
    (None, None, False),
    (None, "county", True),
    (COUNTY, "county", False),
    (COUNTY, "city", True),
    (CITY, "city", False),
    (PROVINCE, "city", False),
    (CITY, "province", True),
])
def test_min_level(ruleset: Any, base_report: SchoolReport, level: Named | None, min_level: str | None,
                   fails: bool) -> None:
    reasons = _reasons(ruleset, _with(base_report, 92, level=level), min_level=min_level)
    assert bool(reasons) is fails


def test_every_failing_gate_is_reported(ruleset: Any, base_report: SchoolReport) -> None:
    report = _with(base_report, 59, ["JC-03"], None)
    reasons = _reasons(ruleset, report, fail_under=60, fail_on_veto=True, min_level="county")
    assert len(reasons) == 3
    # one passing gate does not rescue a failing one
    assert len(_reasons(ruleset, _with(base_report, 95, ["JC-03"], PROVINCE), fail_under=60,
                        min_level="county")) == 1


# ---------------------------------------------------------------- through the command line

runner = CliRunner()


def _check(*args: str) -> Any:
    return runner.invoke(app, ["check", "--as-of", AS_OF.isoformat(), "--format", "json", "--lang", "en", *args])


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, str]:
    # the plain school scores about 20 points, the veto school a little less and triggers JC-03
    return {"plain": str(write_evidence(tmp_path, school_evidence(), "plain.yaml")),
            "veto": str(write_evidence(tmp_path, with_veto(school_evidence()), "veto.yaml"))}


def test_default_gate_is_the_qualified_line(files: dict[str, str]) -> None:
    result = _check(files["plain"])
    assert result.exit_code == 1
    assert "below 60" in result.stderr


@pytest.mark.parametrize(("args", "code"), [
    (["--fail-under", "10"], 0),
    (["--fail-under", "99"], 1),
    (["--fail-under", "10", "--min-level", "county"], 1),
])
def test_cli_score_and_level(files: dict[str, str], args: list[str], code: int) -> None:
    assert _check(files["plain"], *args).exit_code == code


@pytest.mark.parametrize(("args", "code"), [
    (["--fail-under", "0"], 1),                         # --fail-on-veto is the default
    (["--fail-under", "0", "--fail-on-veto"], 1),
    (["--fail-under", "0", "--no-fail-on-veto"], 0),
    (["--fail-under", "50", "--no-fail-on-veto"], 1),   # the score gate still applies
])
def test_cli_veto(files: dict[str, str], args: list[str], code: int) -> None:
    result = _check(files["veto"], *args)
    assert result.exit_code == code, result.stderr
    if code:
        assert "veto.yaml" in result.stderr


def test_one_failing_school_fails_the_run(files: dict[str, str]) -> None:
    result = _check(files["plain"], files["veto"], "--fail-under", "0")
    assert result.exit_code == 1
    assert "veto.yaml" in result.stderr and "plain.yaml" not in result.stderr


def test_invalid_file_wins_over_gates(files: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nperiod: nope\n", encoding="utf-8")
    assert _check(files["plain"], str(bad), "--fail-under", "0").exit_code == 3


# ---------------------------------------------------------------- --no-fail-on-veto judges the uncapped total

VETO_EXAMPLE = str(EXAMPLES / "veto-chengguan-no2-junior.yaml")


def test_veto_report_carries_the_uncapped_total(ruleset: Any) -> None:
    report = audit_file(ruleset, Path(VETO_EXAMPLE), VETO_EXAMPLE, AS_OF_EXAMPLES, MSGS)
    assert report.veto and report.total == 59
    assert report.total_uncapped > 90
    plain = audit_file(ruleset, EXAMPLES / "county-houliu-primary.yaml", "x.yaml", AS_OF_EXAMPLES, MSGS)
    assert plain.total_uncapped == plain.total


@pytest.mark.parametrize(("args", "code"), [
    (["--fail-under", "60", "--no-fail-on-veto"], 0),   # 97.39 before the cap: the score gate passes
    ([], 1),                                            # the veto gate (and the capped 59) fail
    (["--fail-under", "60"], 1),
    (["--fail-under", "98", "--no-fail-on-veto"], 1),   # the uncapped total itself is below 98
])
def test_no_fail_on_veto_judges_the_uncapped_total(args: list[str], code: int) -> None:
    result = runner.invoke(app, ["check", VETO_EXAMPLE, "--as-of", AS_OF_EXAMPLES.isoformat(), "--lang", "en",
                                 *args])
    assert result.exit_code == code, result.stderr
    if args[-1:] == ["--no-fail-on-veto"] and code:
        assert "total 97.39 before the veto cap is below 98" in result.stderr
        assert "veto triggered" not in result.stderr


def test_uncapped_reason_only_without_the_veto_gate(ruleset: Any, base_report: SchoolReport) -> None:
    report = base_report.model_copy(update={"total": 59.0, "total_uncapped": 97.0, "veto": ["JC-03"]})
    assert _reasons(ruleset, report, fail_under=60, fail_on_veto=False) == []
    assert _reasons(ruleset, report, fail_under=98, fail_on_veto=False) == [
        MSGS.ui("gate_reason_score_uncapped", total="97", line="98")]
    with_gate = _reasons(ruleset, report, fail_under=60, fail_on_veto=True)
    assert MSGS.ui("gate_reason_score", total="59", line="60") in with_gate and len(with_gate) == 2


# ---------------------------------------------------------------- option ranges


@pytest.mark.parametrize("value", ["150", "-5", "100.5"])
@pytest.mark.parametrize(("lang", "text"), [("zh", "超出范围"), ("en", "out of range")])
def test_fail_under_out_of_range_is_a_usage_error(files: dict[str, str], value: str, lang: str, text: str) -> None:
    for command in (["check", files["plain"]], ["batch", files["plain"]]):
        result = runner.invoke(app, [*command, f"--fail-under={value}", "--lang", lang])
        assert result.exit_code == 2, (command, result.stderr)
        assert "[usage_fail_under_range]" in result.stderr and text in result.stderr


@pytest.mark.parametrize("value", ["0", "100"])
def test_fail_under_bounds_are_accepted(files: dict[str, str], value: str) -> None:
    assert _check(files["plain"], "--fail-under", value).exit_code in (0, 1)


@pytest.mark.parametrize(("lang", "text"), [("zh", "至少为 1"), ("en", "give 1 or more")])
def test_jobs_below_one_is_a_usage_error(files: dict[str, str], lang: str, text: str) -> None:
    result = runner.invoke(app, ["batch", files["plain"], "--jobs", "0", "--lang", lang])
    assert result.exit_code == 2
    assert "[usage_jobs_range]" in result.stderr and text in result.stderr
