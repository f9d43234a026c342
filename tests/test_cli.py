"""The command line: every exit code, determinism, offline HTML, profiles and catalogs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, N_DIMENSIONS, N_INDICATORS, ROOT, run_cli

PROVINCE = "examples/province-chengguan-middle.yaml"
VETO = "examples/veto-chengguan-no2-junior.yaml"
COUNTY = "examples/county-houliu-primary.yaml"

EXPECTED = {  # example -> (exit code, grade, level, veto)
    "province-chengguan-middle.yaml": (0, "excellent", "province", []),
    "city-jiangbei-primary.yaml": (0, "excellent", "city", []),
    "county-houliu-primary.yaml": (0, "qualified", None, []),
    "veto-chengguan-no2-junior.yaml": (1, "unqualified", None, ["FZ-06"]),
    "new-branch-raofeng-nine-year.yaml": (0, "excellent", "city", []),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_examples_expected_outcome(name: str) -> None:
    code, out, _ = run_cli(["check", f"examples/{name}", "--format", "json", "--as-of", "2025-12-31"])
    report = json.loads(out)
    exit_code, grade, level, veto = EXPECTED[name]
    assert code == exit_code
    assert report["grade"]["id"] == grade
    assert (report["level"] or {}).get("id") == level
    assert report["veto"] == veto
    assert len(report["indicators"]) == N_INDICATORS
    assert sum(d["max"] for d in report["dimensions"]) == 100
    assert report["catalog"]["id"] and report["catalog"]["version"]
    assert report["as_of"] == "2025-12-31"
    for ind in report["indicators"]:
        assert {"id", "dimension", "status", "points", "max", "findings"} <= set(ind)


def test_every_example_is_listed() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.yaml")) == sorted(EXPECTED)


def test_exit_1_when_below_fail_under() -> None:
    code, _, err = run_cli(["check", COUNTY, "--as-of", "2025-12-31", "--fail-under", "80", "--format", "json"])
    assert code == 1
    assert "80" in err


def test_exit_0_for_veto_school_without_veto_gate() -> None:
    code, _, _ = run_cli(["check", VETO, "--as-of", "2025-12-31", "--no-fail-on-veto", "--fail-under", "50",
                          "--format", "json"])
    assert code == 0


def test_min_level_gate() -> None:
    assert run_cli(["check", COUNTY, "--as-of", "2025-12-31", "--min-level", "county", "-f", "json"])[0] == 1
    assert run_cli(["check", PROVINCE, "--as-of", "2025-12-31", "--min-level", "province", "-f", "json"])[0] == 0


@pytest.mark.parametrize("args", [
    ["check", PROVINCE, "--as-of", "2025-13-45"],
    ["check", PROVINCE, "--format", "pdf"],
    ["check", PROVINCE, "--no-such-option"],
    ["check"],
    ["catalog", "show", "XX-99"],
])
def test_exit_2_usage_errors(args: list[str]) -> None:
    code, _, err = run_cli(args)
    assert code == 2
    assert "Traceback" not in err


@pytest.mark.parametrize(("target", "code_name"), [
    ("examples/no-such-file.yaml", "file_not_found"),
    ("examples", "is_directory"),
    ("examples/invalid/empty.yaml", "empty_file"),
])
def test_exit_3_unreadable_inputs(target: str, code_name: str) -> None:
    code, _, err = run_cli(["check", target, "--as-of", "2025-12-31"])
    assert code == 3
    assert f"error [{code_name}]" in err
    assert err.startswith(target + ":")


def test_one_bad_file_among_good_ones_still_reports_the_good() -> None:
    code, out, err = run_cli(["check", PROVINCE, "examples/invalid/duplicate-key.yaml", "--format", "json",
                              "--as-of", "2025-12-31"])
    assert code == 3
    assert json.loads(out)["school"]["code"] == "610924-0101"
    assert "duplicate-key.yaml:9:3: error [duplicate_key]" in err


def test_markdown_is_byte_identical_across_runs() -> None:
    first = run_cli(["check", COUNTY, "--format", "markdown", "--as-of", "2025-12-31"])[1]
    second = run_cli(["check", COUNTY, "--format", "markdown", "--as-of", "2025-12-31"])[1]
    assert first == second and first


def test_as_of_within_and_after_the_period() -> None:
    def run(day: str) -> dict[str, Any]:
        return json.loads(run_cli(["check", COUNTY, "-f", "json", "--as-of", day])[1])

    early, end, late = run("2025-02-28"), run("2025-12-31"), run("2027-06-30")
    # Mid-period only the months that have ended count, and the term (due 2025-03-15) is still running.
    jc05 = {r["as_of"]: next(i for i in r["indicators"] if i["id"] == "JC-05") for r in (early, end)}
    assert "/6 " in " ".join(jc05["2025-02-28"]["details"]) and "/12 " in " ".join(jc05["2025-12-31"]["details"])
    # After the period, the evidence is judged as of its last day: re-checking it years later changes nothing.
    assert {**end, "as_of": ""} == {**late, "as_of": ""}
    assert late["veto"] == []


def test_html_is_self_contained(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    code, _, _ = run_cli(["check", VETO, "--format", "html", "--as-of", "2025-12-31", "--output", str(out)])
    assert code == 1
    html = out.read_text(encoding="utf-8")
    assert "<svg" in html and "<style>" in html and "@page { size: A4" in html
    for pattern in (r"<script", r"<link", r"\ssrc=", r"href=", r"url\(", r"@import"):
        assert not re.search(pattern, html, re.IGNORECASE), pattern


def test_html_escapes_evidence_text(tmp_path: Path) -> None:
    text = (ROOT / PROVINCE).read_text(encoding="utf-8")
    evil = tmp_path / "evil.yaml"
    evil.write_text(text.replace("name: 石泉县城关中学", "name: \"<script>alert(1)</script>中学\""), encoding="utf-8")
    code, out, _ = run_cli(["check", str(evil), "--format", "html", "--as-of", "2025-12-31"])
    assert code == 0
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_catalog_list_json() -> None:
    code, out, _ = run_cli(["catalog", "list", "--format", "json"])
    data = json.loads(out)
    assert code == 0
    assert len(data["indicators"]) == N_INDICATORS and len(data["dimensions"]) == N_DIMENSIONS
    assert sum(d["points"] for d in data["dimensions"]) == 100


def test_catalog_show_text_and_json() -> None:
    code, out, _ = run_cli(["catalog", "show", "jc-05", "--lang", "en"])
    assert code == 0 and "Branch committee meetings" in out
    data = json.loads(run_cli(["catalog", "show", "JC-05", "--format", "json"])[1])
    assert data["id"] == "JC-05" and [c["kind"] for c in data["checks"]] == ["coverage", "quorum"]


def test_catalog_show_applies_the_profile(tmp_path: Path) -> None:
    profile = tmp_path / "county.yaml"
    profile.write_text("name: 石泉县\nparams: {JZ-02: {min_meetings: 16}}\n", encoding="utf-8")
    plain = json.loads(run_cli(["catalog", "show", "JZ-02", "--format", "json"])[1])
    assert plain["profile"] is None and plain["params"] == {"min_meetings": 18}
    code, out, _ = run_cli(["catalog", "show", "JZ-02", "--format", "json", "--profile", str(profile)])
    data = json.loads(out)
    assert code == 0 and data["profile"] == "石泉县"
    assert data["params"] == {"min_meetings": 16}
    assert data["checks"][0]["min"] == 16
    code, out, _ = run_cli(["catalog", "show", "JZ-02", "--lang", "en", "--profile", str(profile)])
    assert "County profile: 石泉县" in out and "min_meetings=16" in out and "min_meetings=18" not in out
    listed = json.loads(run_cli(["catalog", "list", "--format", "json", "--profile", str(profile)])[1])
    assert next(i for i in listed["indicators"] if i["id"] == "JZ-02")["params"] == {"min_meetings": 16}


def test_profile_overrides_thresholds_and_lines(tmp_path: Path) -> None:
    profile = tmp_path / "county.yaml"
    profile.write_text("name: 石泉县\nsettings: {exempt_months: [1, 2, 7, 8]}\n"
                       "params: {JZ-07: {attendance: 0.6}}\nscoring: {grades: {qualified: 70}}\n", encoding="utf-8")
    base = json.loads(run_cli(["check", COUNTY, "-f", "json", "--as-of", "2025-12-31"])[1])
    code, out, _ = run_cli(["check", COUNTY, "-f", "json", "--as-of", "2025-12-31", "--profile", str(profile)])
    relaxed = json.loads(out)
    status = {i["id"]: i["status"] for i in relaxed["indicators"]}
    assert relaxed["profile"] == "石泉县"
    assert status["JC-05"] == "met" and status["JZ-07"] == "met"
    assert relaxed["total"] > base["total"]
    assert code == (1 if relaxed["total"] < 70 else 0)


def test_bad_profile_is_exit_3_with_position(tmp_path: Path) -> None:
    profile = tmp_path / "county.yaml"
    profile.write_text("name: x\nscoring:\n  grades: {qualifed: 70}\n", encoding="utf-8")
    code, _, err = run_cli(["check", COUNTY, "--profile", str(profile)])
    assert code == 3
    assert f"{profile}:3:" in err


def test_broken_catalog_is_exit_3_with_position(tmp_path: Path) -> None:
    catalog = tmp_path / "indicators"
    shutil.copytree(ROOT / "indicators", catalog)
    jc = catalog / "JC.yaml"
    jc.write_text(jc.read_text(encoding="utf-8").replace("kind: organization_setup", "kind: organisation_setup"),
                  encoding="utf-8")
    code, _, err = run_cli(["check", COUNTY, "--catalog", str(catalog)])
    assert code == 3
    assert re.search(r"JC\.yaml:\d+:\d+: error \[catalog_unknown_kind\]", err)


def test_help_documents_exit_codes() -> None:
    code, out, _ = run_cli(["--help"])
    assert code == 0
    for n in ("0", "1", "2", "3"):
        assert re.search(rf"^\s+{n}\s", out, re.MULTILINE)


def test_runs_as_module_from_another_directory(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "dangjian_audit", "check", str(ROOT / PROVINCE), "-f", "json",
                             "--as-of", "2025-12-31"], cwd=tmp_path, capture_output=True, text=True, encoding="utf-8",
                            check=False,
                            env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["level"]["id"] == "province"


def test_json_run_does_not_import_rich_or_jinja() -> None:
    code = ("import sys\nfrom dangjian_audit.cli import app\n"
            f"try:\n    app(['check', {str(ROOT / PROVINCE)!r}, '-f', 'json', '-o', {str(ROOT / 'out.tmp.json')!r}])\n"
            "except SystemExit:\n    pass\nprint(sorted(m for m in ('rich', 'jinja2') if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                            env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    (ROOT / "out.tmp.json").unlink(missing_ok=True)
    assert result.stdout.strip() == "[]", result.stderr


def _school_without(tmp_path: Path, section: str) -> Path:
    text = (ROOT / PROVINCE).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    kept = [ln for ln in lines if not ln.startswith(f"{section}:")]
    path = tmp_path / "school.yaml"
    path.write_text("".join(kept), encoding="utf-8")
    return path


def test_missing_veto_evidence_withholds_the_level(tmp_path: Path) -> None:
    path = _school_without(tmp_path, "incidents")
    code, out, err = run_cli(["check", str(path), "-f", "json", "--as-of", "2025-12-31"])
    report = json.loads(out)
    assert report["veto"] == [] and report["veto_unverified"] == ["SZ-09", "FZ-06"]
    assert report["level"] is None and code == 1 and "SZ-09" in err
    assert run_cli(["check", str(path), "-f", "json", "--no-fail-on-veto"])[0] == 0


@pytest.mark.parametrize(("profile", "code_name", "line"), [
    ("settings: {exempt_month: [8]}\n", "profile_unknown_setting", 1),
    ("settings: {exempt_months: 八月}\n", "profile_param_type", 1),
    ("params:\n  JZ-02: {min_meeting: 16}\n", "profile_unknown_param", 2),
    ("params:\n  XX-99: {a: 1}\n", "profile_unknown_indicator", 2),
    ("scoring: {grades: {qualified: 95}}\n", "lines_out_of_order", 1),
    ("scoring: {veto_cap: -5}\n", "greater_than_equal", 1),
])
def test_profile_mistakes_are_reported_in_the_profile(tmp_path: Path, profile: str, code_name: str,
                                                      line: int) -> None:
    path = tmp_path / "county.yaml"
    path.write_text(profile, encoding="utf-8")
    code, _, err = run_cli(["check", PROVINCE, "--profile", str(path)])
    assert code == 3
    assert err.startswith(f"{path}:{line}:") and f"[{code_name}]" in err
    assert "indicators" not in err


@pytest.mark.parametrize(("old", "new", "code_name"), [
    ("collection: recruitment", "collection: recruitmnt", "catalog_unknown_field"),
    ("where: {kind: branch_general}", "where: {kindd: branch_general}", "catalog_unknown_field"),
    ("evidence: [recruitment]", "evidence: [recruitmnt]", "catalog_unknown_field"),
    ("{field: age_at_application, min: 18,", "{field: applied, min: 18,", "catalog_field_not_number"),
])
def test_catalog_paths_are_checked_when_it_loads(tmp_path: Path, old: str, new: str, code_name: str) -> None:
    catalog = tmp_path / "indicators"
    shutil.copytree(ROOT / "indicators", catalog)
    jc = catalog / "JC.yaml"
    text = jc.read_text(encoding="utf-8")
    assert old in text
    jc.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, _, err = run_cli(["catalog", "list", "--catalog", str(catalog)])
    assert code == 3 and re.search(rf"JC\.yaml:\d+:\d+: error \[{code_name}\]", err)


def test_catalog_needs_a_grade_from_zero(tmp_path: Path) -> None:
    catalog = tmp_path / "indicators"
    shutil.copytree(ROOT / "indicators", catalog)
    head = catalog / "catalog.yaml"
    head.write_text(head.read_text(encoding="utf-8").replace("{id: unqualified, min: 0,", "{id: unqualified, min: 10,"),
                    encoding="utf-8")
    code, _, err = run_cli(["catalog", "list", "--catalog", str(catalog)])
    assert code == 3 and "[grades_no_floor]" in err


def test_aliases_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "lol.yaml"
    path.write_text('a: &a ["lol", "lol"]\nb: [*a, *a]\n', encoding="utf-8")
    code, _, err = run_cli(["check", str(path)])
    assert code == 3 and err.startswith(f"{path}:2:5: error [yaml_alias]")


def test_times_and_infinities_are_diagnosed(tmp_path: Path) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(
        "schema_version: 1\nperiod: {kind: school_year, start: 2024-09-01, end: 2025-08-31}\n"
        'school: {code: "1", name: x, type: primary}\norganization: {type: branch, formal_members: 5}\n'
        "members: [{id: M1, status: formal, study_hours: .inf}]\n"
        "meetings: [{id: A, kind: theme_day, date: 2024-10-01 09:00:00, expected: 3, present: 3},\n"
        "           {id: B, kind: theme_day, date: 2026-10-01, expected: 3, present: 3}]\n", encoding="utf-8")
    code, _, err = run_cli(["check", str(path)])
    codes = re.findall(r"error \[(\w+)\]", err)
    assert code == 3 and codes == ["finite_number", "date_from_datetime_inexact", "date_out_of_period"]


def test_audit_date_before_the_period_is_an_error() -> None:
    code, _, err = run_cli(["check", COUNTY, "--as-of", "2024-08-01"])
    assert code == 3 and f"{COUNTY}:7:3: error [as_of_before_period]" in err


def test_unwritable_output_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    code, _, err = run_cli(["check", PROVINCE, "--as-of", "2025-12-31", "-f", "json", "-o", str(blocker / "x.json")])
    assert code == 2 and "[unwritable]" in err


def test_a_bug_exits_4_with_its_traceback(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import dangjian_audit.report
    from dangjian_audit import cli

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(dangjian_audit.report, "audit_file", broken)
    monkeypatch.setattr(sys, "argv", ["dangjian-audit", "check", str(ROOT / PROVINCE), "--lang", "en"])
    with pytest.raises(SystemExit) as info:
        cli.main()
    err = capsys.readouterr().err
    assert info.value.code == 4
    assert "Traceback" in err and "[internal_bug]" in err and "RuntimeError: boom" in err


def test_catalog_list_marks_veto_items_in_chinese() -> None:
    """The locale's yes/no keys once loaded as booleans, so the Chinese list printed 'yes'."""
    code, out, _ = run_cli(["catalog", "list"])
    assert code == 0
    veto_lines = [line for line in out.splitlines() if "SZ-09" in line or "JC-03" in line]
    assert veto_lines and all(line.rstrip().endswith("是") for line in veto_lines), veto_lines
    assert "yes" not in out
