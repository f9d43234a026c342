"""Conventions users expect from a command line: the format from the output suffix, ``-`` for stdin and stdout,
``-h``, ``--quiet``, shell completion, a project configuration, and ``--help`` in the user's language."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ci_fixtures import school_evidence, write_evidence
from conftest import EXAMPLES, ROOT
from typer.testing import CliRunner

from dangjian_audit.cli import app

SCHOOL = str(EXAMPLES / "county-houliu-primary.yaml")
AS_OF = ["--as-of", "2025-12-31"]


def _run(args: list[str], **kwargs: Any) -> Any:
    return CliRunner().invoke(app, args, **kwargs)


# ---------------------------------------------------------------- the format follows the suffix


@pytest.mark.parametrize(("name", "start"), [("report.html", "<!DOCTYPE html>"), ("report.md", "# "),
                                             ("report.json", "{"), ("audit.sarif", "{"),
                                             ("audit.sarif.json", "{"), ("junit.xml", "<?xml")])
def test_check_output_suffix_picks_the_format(tmp_path: Path, name: str, start: str) -> None:
    target = tmp_path / name
    result = _run(["check", SCHOOL, "-o", str(target), *AS_OF])
    assert result.exit_code == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    assert text.startswith(start)
    if "sarif" in name:
        assert json.loads(text)["version"] == "2.1.0"


def test_batch_output_suffix_picks_the_format(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "county.xlsx"
    result = _run(["batch", SCHOOL, "--output", str(target), *AS_OF])
    assert result.exit_code == 0, result.stderr
    assert load_workbook(target).sheetnames[0] == "汇总"
    csv_target = tmp_path / "county.csv"
    assert _run(["batch", SCHOOL, "--output", str(csv_target), *AS_OF]).exit_code == 0
    assert csv_target.read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(("command", "lang", "text"), [
    (["check", SCHOOL, "-f", "text", "-o", "report.html"], "zh", "与输出文件 report.html 的后缀（html）不一致"),
    (["batch", SCHOOL, "--format", "json", "--output", "county.xlsx"], "en",
     "does not match the suffix of county.xlsx"),
])
def test_a_format_contradicting_the_suffix_is_a_usage_error(tmp_path: Path, command: list[str], lang: str,
                                                            text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = _run([*command, "--lang", lang])
    assert result.exit_code == 2
    assert "[usage_format_suffix]" in result.stderr and text in result.stderr
    assert not list(tmp_path.iterdir())  # nothing written


def test_unknown_suffix_keeps_the_default(tmp_path: Path) -> None:
    target = tmp_path / "report.log"
    assert _run(["check", SCHOOL, "-o", str(target), *AS_OF]).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("党建")


# ---------------------------------------------------------------- - for stdin and stdout


def test_stdin_as_file() -> None:
    evidence = Path(SCHOOL).read_text(encoding="utf-8")
    result = _run(["check", "-", "-f", "json", *AS_OF], input=evidence)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["source"] == "<stdin>"
    broken = _run(["check", "-", *AS_OF], input="schema_version: 1\nperiod: [\n")
    assert broken.exit_code == 3 and "<stdin>:" in broken.stderr
    twice = _run(["check", "-", "-", *AS_OF], input=evidence)
    assert twice.exit_code == 2 and "[usage_stdin_twice]" in twice.stderr


def test_dash_output_is_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = _run(["check", SCHOOL, "-o", "-", "-f", "markdown", *AS_OF])
    assert result.exit_code == 0 and result.stdout.startswith("# ")
    assert not (tmp_path / "-").exists()
    county = _run(["batch", SCHOOL, "--output", "-", "-f", "json", *AS_OF])
    assert json.loads(county.stdout)["kind"] == "county_summary"


# ---------------------------------------------------------------- -h, --quiet, completion


def test_h_is_help() -> None:
    for args in (["-h"], ["check", "-h"], ["batch", "-h"], ["catalog", "-h"], ["catalog", "show", "-h"]):
        result = _run(args)
        assert result.exit_code == 0 and "Usage:" in result.stdout, args


def test_quiet_leaves_only_errors(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    write_evidence(evidence, school_evidence(), "a.yaml")
    loud = _run(["batch", str(evidence), "--out", str(tmp_path / "out"), "--as-of", "2025-08-31"])
    assert "写入" in loud.stderr or "wrote" in loud.stderr
    quiet = _run(["batch", str(evidence), "--out", str(tmp_path / "out"), "--as-of", "2025-08-31", "-q"])
    assert quiet.exit_code == 1 and quiet.stderr == ""  # a failed gate is the exit code's job, not chatter
    (evidence / "b.yaml").write_text("schema_version: 1\nperiod: [\n", encoding="utf-8")
    errors = _run(["check", str(evidence / "a.yaml"), str(evidence / "b.yaml"), "--as-of", "2025-08-31",
                   "--quiet", "-f", "json"])
    assert errors.exit_code == 3
    assert errors.stderr.strip().splitlines() and all(" error [" in line for line in errors.stderr.strip().splitlines())


def _subprocess(args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Any:
    base = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES")}
    base["PYTHONPATH"] = str(ROOT / "src")
    return subprocess.run([sys.executable, "-m", "dangjian_audit", *args], capture_output=True, text=True,
                          env=base | (env or {}), cwd=cwd or ROOT, timeout=60)


def test_shell_completion_is_offered() -> None:
    assert "--install-completion" in _run(["--help"]).stdout
    result = _subprocess(["--show-completion", "bash"])
    assert result.returncode == 0 and "complete" in result.stdout and "dangjian" in result.stdout


# ---------------------------------------------------------------- --help in the user's language


@pytest.mark.parametrize(("args", "env", "chinese"), [
    (["check", "--help"], {"LANG": "C.UTF-8"}, False),
    (["check", "--help"], {"LANG": "zh_CN.UTF-8"}, True),
    (["check", "--help", "--lang", "zh"], {"LANG": "en_US.UTF-8"}, True),
    (["batch", "--help", "--lang", "en"], {"LANG": "zh_CN.UTF-8"}, False),
    (["--help"], {"LC_ALL": "zh_CN.UTF-8"}, True),
])
def test_help_language(args: list[str], env: dict[str, str], chinese: bool) -> None:
    result = _subprocess(args, env)
    assert result.returncode == 0, result.stderr
    marker = {"check": ("为证据文件评分", "Score evidence files"), "batch": ("一次评估全县", "Score a county"),
              "--help": ("按 47 项指标目录", "Check school Party-building")}[args[0]]
    assert (marker[0] if chinese else marker[1]) in result.stdout
    assert (marker[1] if chinese else marker[0]) not in result.stdout


# ---------------------------------------------------------------- the project configuration


def test_configuration_gives_defaults_and_the_command_line_wins(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "county"
    (project / "evidence").mkdir(parents=True)
    write_evidence(project / "evidence", school_evidence(), "a.yaml")
    (project / "profiles").mkdir()
    (project / "profiles" / "p.yaml").write_text("name: 测试县\n", encoding="utf-8")
    (project / ".dangjian-audit.yaml").write_text(
        "lang: en\nas_of: 2025-08-31\nfail_under: 5\nprofile: profiles/p.yaml\n", encoding="utf-8")
    monkeypatch.chdir(project / "evidence")  # found from a subfolder
    result = _run(["check", "a.yaml", "-f", "json"])
    assert result.exit_code == 0, result.stderr  # fail_under 5 from the configuration
    data = json.loads(result.stdout)
    assert data["lang"] == "en" and data["as_of"] == "2025-08-31" and data["profile"] == "测试县"
    strict = _run(["check", "a.yaml", "-f", "json", "--fail-under", "90", "--lang", "zh"])
    assert strict.exit_code == 1 and json.loads(strict.stdout)["lang"] == "zh"
    assert "低于 90" in strict.stderr


def test_pyproject_table_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_evidence(tmp_path, school_evidence(), "a.yaml")
    (tmp_path / "pyproject.toml").write_text('[tool.dangjian-audit]\nlang = "en"\nfail_under = 0\n'
                                             "as_of = 2025-08-31\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = _run(["check", "a.yaml"])
    assert result.exit_code == 0 and "Party-building gap report" in result.stdout


def test_invalid_configuration_is_exit_3_with_its_position(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".dangjian-audit.yaml").write_text("lang: en\nfail_undr: 60\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = _run(["check", SCHOOL])
    assert result.exit_code == 3
    assert result.stderr.startswith(".dangjian-audit.yaml:2:1: error [extra_forbidden]")
