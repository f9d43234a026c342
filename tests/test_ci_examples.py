"""Ready-made CI setups: valid against the GitHub and GitLab schemas check-jsonschema ships, and runnable.

Every `dangjian-audit` command in the examples is run for real on small evidence
files, so a renamed option or format breaks this test rather than a user's CI.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml
from ci_fixtures import school_evidence, with_veto, write_evidence
from click.testing import CliRunner as ClickRunner
from conftest import ROOT
from pydantic import BaseModel, ConfigDict
from typer.testing import CliRunner

from dangjian_audit.cli import app

GITHUB = ROOT / "ci-examples" / "github-actions.yml"
GITLAB = ROOT / "ci-examples" / "gitlab-ci.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def _check_jsonschema(*args: str) -> Any:
    from check_jsonschema import main

    return ClickRunner().invoke(main, list(args))


@pytest.mark.parametrize(("path", "schema"), [(GITHUB, "vendor.github-workflows"), (GITLAB, "vendor.gitlab-ci")])
def test_valid_against_vendored_schema(path: Path, schema: str) -> None:
    result = _check_jsonschema("--builtin-schema", schema, str(path))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("path", "schema", "breakage"), [
    (GITHUB, "vendor.github-workflows", ("runs-on:", "runs_on:")),
    (GITLAB, "vendor.gitlab-ci", ("when: always", "when: sometimes")),
])
def test_the_schema_check_can_fail(tmp_path: Path, path: Path, schema: str, breakage: tuple[str, str]) -> None:
    broken = tmp_path / path.name
    text = path.read_text(encoding="utf-8")
    assert breakage[0] in text
    broken.write_text(text.replace(breakage[0], breakage[1]), encoding="utf-8")
    assert _check_jsonschema("--builtin-schema", schema, str(broken)).exit_code == 1


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _github_steps() -> list[dict[str, Any]]:
    jobs = _load(GITHUB)["jobs"]
    return [step for job in jobs.values() for step in job["steps"]]


def test_github_workflow_wiring() -> None:
    steps = _github_steps()
    uses = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    runs = "\n".join(s.get("run", "") for s in steps)
    sarif = uses["github/codeql-action/upload-sarif"]["with"]["sarif_file"]
    assert f"--format sarif --output {sarif}" in runs
    html = uses["actions/upload-artifact"]["with"]["path"]
    assert f"--format html --output {html}" in runs
    assert re.search(r"--format markdown .*>> \"\$GITHUB_STEP_SUMMARY\"", runs)
    assert "pip install" in runs
    permissions = _load(GITHUB)["permissions"]
    assert permissions["security-events"] == "write"


def test_gitlab_wiring() -> None:
    job = _load(GITLAB)["dangjian-audit"]
    junit = job["artifacts"]["reports"]["junit"]
    assert any(f"--format junit --output {junit}" in line for line in job["script"])
    assert job["artifacts"]["when"] == "always"


def _commands() -> list[tuple[str, str]]:
    found = [(GITHUB.name, s["run"]) for s in _github_steps() if "dangjian-audit check" in s.get("run", "")]
    found += [(GITLAB.name, line) for line in _load(GITLAB)["dangjian-audit"]["script"]]
    # what follows "||" is the shell's handling of the exit code (run for real in test_reports_survive_...)
    return [(name, cmd.split(" || ")[0]) for name, cmd in found if cmd.startswith("dangjian-audit ")]


COMMANDS = _commands()


def test_examples_have_commands() -> None:
    assert len([c for c in COMMANDS if c[0] == GITHUB.name]) == 3
    assert len([c for c in COMMANDS if c[0] == GITLAB.name]) == 2


@pytest.mark.parametrize(("source", "command"), COMMANDS, ids=[f"{s}:{c.split('--format ')[1].split()[0]}"
                                                              for s, c in COMMANDS])
def test_example_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, command: str) -> None:
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    write_evidence(evidence, school_evidence(), "a.yaml")
    write_evidence(evidence, with_veto(school_evidence()), "b.yaml")
    monkeypatch.chdir(tmp_path)
    words = shlex.split(command)
    if ">>" in words:
        words = words[: words.index(">>")]
    args: list[str] = []
    for word in words[1:]:
        args.extend(sorted(str(p.relative_to(tmp_path)) for p in tmp_path.glob(word)) if "*" in word else [word])
    assert args[:3] == ["check", "evidence/a.yaml", "evidence/b.yaml"]
    result = CliRunner().invoke(app, [*args, "--as-of", "2025-08-31"])
    gated = "--fail-under" not in args
    # report-only commands pass; gated ones fail on these low-scoring schools; nothing is a usage error or invalid
    assert result.exit_code == (1 if gated else 0), result.output
    if "--output" in args:
        out = tmp_path / args[args.index("--output") + 1]
        assert out.is_file() and out.stat().st_size > 0


# ---------------------------------------------------------------- pre-commit hook definition
# check-jsonschema ships no schema for .pre-commit-hooks.yaml, so its keys are checked with a model
# of the documented hook fields (pre-commit.com, "Creating new hooks").


class Hook(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    entry: str
    language: Literal["python", "system", "script", "node", "docker", "golang", "rust", "conda", "fail",
                      "pygrep", "lua", "perl", "r", "ruby", "swift", "coursier", "dart", "docker_image",
                      "dotnet", "haskell", "julia"]
    files: str | None = None
    exclude: str | None = None
    types: list[str] | None = None
    types_or: list[str] | None = None
    exclude_types: list[str] | None = None
    always_run: bool | None = None
    fail_fast: bool | None = None
    verbose: bool | None = None
    pass_filenames: bool | None = None
    require_serial: bool | None = None
    description: str | None = None
    language_version: str | None = None
    minimum_pre_commit_version: str | None = None
    args: list[str] | None = None
    stages: list[str] | None = None
    additional_dependencies: list[str] | None = None


def test_pre_commit_hook() -> None:
    hooks = [Hook.model_validate(h) for h in _load(HOOKS)]
    assert [h.id for h in hooks] == ["dangjian-audit"]
    hook = hooks[0]
    assert hook.entry == "dangjian-audit check"
    assert hook.language == "python"
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert hook.entry.split()[0] in scripts
    assert hook.files is not None
    pattern = re.compile(hook.files)
    assert all(pattern.search(p) for p in ("evidence/a.yaml", "b.yml"))
    assert not any(pattern.search(p) for p in ("a.json", "a.yaml.bak", "README.md"))


def test_pre_commit_hook_args_are_accepted(tmp_path: Path) -> None:
    hook = Hook.model_validate(_load(HOOKS)[0])
    path = write_evidence(tmp_path, with_veto(school_evidence()), "school.yaml")
    args = hook.entry.split()[1:] + (hook.args or []) + [str(path)]
    result = CliRunner().invoke(app, [*args, "--as-of", "2025-08-31"])
    assert result.exit_code == 0, result.output  # valid but low-scoring files do not block a commit
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 2\n", encoding="utf-8")
    result = CliRunner().invoke(app, [*(hook.entry.split()[1:] + (hook.args or [])), str(bad)])
    assert result.exit_code == 3


# ---------------------------------------------------------------- failing steps do not stop the reports


def _evidence_with_an_invalid_file(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    write_evidence(evidence, school_evidence(), "a.yaml")
    (evidence / "b.yaml").write_text("schema_version: 1\nperiod: [\n", encoding="utf-8")


def _shell_env(tmp_path: Path) -> dict[str, str]:
    import os
    import sys

    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "dangjian-audit").exists(), "the tool's entry point is installed beside the interpreter"
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}


def test_github_reports_survive_an_invalid_file(tmp_path: Path) -> None:
    """Steps run as GitHub runs them: after a failed step only those with always() in their if; each run
    script in bash -e. An invalid file fails the first step (exit 3), yet every report is written and uploaded."""
    import subprocess

    _evidence_with_an_invalid_file(tmp_path)
    env = _shell_env(tmp_path)
    failed, ran, codes = False, [], []
    for step in _github_steps():
        condition = str(step.get("if", ""))
        if failed and "always()" not in condition:
            continue
        if "hashFiles(" in condition:
            wanted = re.findall(r"hashFiles\('([^']+)'\)", condition)
            assert all((tmp_path / w).is_file() for w in wanted), wanted
            ran.append(step["name"])
            continue
        if "dangjian-audit check" not in step.get("run", ""):
            continue
        result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True)
        ran.append(step["name"])
        codes.append(result.returncode)
        failed = failed or result.returncode != 0
    assert codes == [3, 3, 3]
    assert "Upload SARIF to code scanning" in ran and "Keep the HTML report" in ran
    html = (tmp_path / "reports" / "audit.html").read_text(encoding="utf-8")
    assert "evidence/b.yaml" in html
    assert "evidence/b.yaml" in (tmp_path / "reports" / "audit.sarif").read_text(encoding="utf-8")
    assert "evidence/b.yaml" in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_gitlab_reports_survive_an_invalid_file(tmp_path: Path) -> None:
    """The job's script as GitLab runs it (one shell that stops at the first failing line): the HTML step's
    exit 3 does not stop the JUnit step; the job fails with the gate step's code and keeps the artifacts."""
    import subprocess

    _evidence_with_an_invalid_file(tmp_path)
    job = _load(GITLAB)["dangjian-audit"]
    script = "\n".join(job["script"])
    result = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=_shell_env(tmp_path),
                            capture_output=True)
    assert result.returncode == 3, result.stderr.decode()
    assert job["artifacts"]["when"] == "always"
    assert "evidence/b.yaml" in (tmp_path / "reports" / "audit.html").read_text(encoding="utf-8")
    junit = (tmp_path / "reports" / "junit.xml").read_text(encoding="utf-8")
    assert "evidence/b.yaml" in junit and '<error type="invalid_file"' in junit
