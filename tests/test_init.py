"""`dangjian-audit init`: a commented evidence skeleton that `check` accepts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError
from typer.testing import CliRunner

from dangjian_audit.cli import app
from dangjian_audit.models.evidence import Evidence

runner = CliRunner()


def _init(*args: str) -> Any:
    return runner.invoke(app, ["init", *args])


def test_prints_to_stdout_in_chinese_by_default() -> None:
    result = _init("--year", "2024", "--school-name", "测试县第二小学")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "用于指标" in text and "Used by" not in text
    data = yaml.safe_load(text)
    assert data["school"]["name"] == "测试县第二小学"
    assert str(data["period"]["start"]) == "2024-09-01" and str(data["period"]["end"]) == "2025-08-31"


def test_english_comments() -> None:
    result = _init("--year", "2023", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Used by indicators" in result.stdout
    comments = [line for line in result.stdout.splitlines() if line.lstrip().startswith("#")]
    assert comments
    assert not [line for line in comments if re.search(r"[\u4e00-\u9fff]", line)]
    assert "用于指标" not in result.stdout


def test_covers_every_evidence_section(ruleset: Any) -> None:
    text = _init("--year", "2024").stdout
    top = set(re.findall(r"^(\w+):", text, flags=re.MULTILINE))
    for ci in ruleset.indicators:
        for path in ci.indicator.evidence:
            parts = path.split(".")
            assert parts[0] in top, f"{ci.indicator.id} needs {path}"
            for part in parts[1:]:
                assert re.search(rf"^ +(# )?{part}:", text, flags=re.MULTILINE), f"{ci.indicator.id} needs {path}"
        # each indicator is named under the section(s) it uses
        assert f"#   {ci.indicator.id} " in text, ci.indicator.id
    assert top == set(Evidence.model_fields) - {"src_line"}


def _uncomment(text: str, section: str | None = None) -> str:
    """The skeleton with the example lines of one top-level ``section`` (or of all) uncommented."""
    if section is None:
        return re.sub(r"^( +)# ", r"\1", text, flags=re.MULTILINE)
    lines = text.splitlines(keepends=True)
    start = next(n for n, line in enumerate(lines) if line.startswith(f"{section}:"))
    end = next((n for n in range(start + 1, len(lines)) if not lines[n].startswith(" ")), len(lines))
    return "".join(lines[:start + 1] + [_uncomment(line) for line in lines[start + 1:end]] + lines[end:])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_examples_are_valid_fields_at_the_right_depth(lang: str) -> None:
    """Every commented example is a real field with a valid value: uncommented, the whole file validates."""
    text = _init("--year", "2024", "--lang", lang).stdout
    data = yaml.safe_load(_uncomment(text))
    assert data["meetings"][0]["vote"] == {"eligible": 0, "voted_for": 0}
    assert isinstance(data["organization"]["committee"], list)
    try:
        Evidence.model_validate(data)
    except ValidationError as exc:
        pytest.fail(f"an uncommented example is invalid: {exc.errors()}")


# Sections whose examples refer to records of another section (a decision names the meeting that took it,
# a meeting the Party group that held it, a talk the members who talked).
REFERS_TO = {"decisions": ["meetings", "organization"], "cadre_appointments": ["meetings", "organization"],
             "meetings": ["organization"], "talks": ["members"]}
# The skeleton lists one member, and a talk needs two: with the talks uncommented, the file is refused
# for that reason alone, and the user is told so (a talk with oneself never counts).
REFUSED = {"talks": {"talk_with_self"}, None: {"talk_with_self"}}


def _as_the_diagnostic_says(text: str) -> str:
    """The user's next step after uncommenting members: the declared count agrees with the roster."""
    formal = len(re.findall(r"^ {4}status: formal\b", text, flags=re.MULTILINE))
    return re.sub(r"^( {2}formal_members:) 0\b", rf"\1 {formal}", text, flags=re.MULTILINE) if formal else text


def test_each_section_loads_with_its_examples_uncommented(tmp_path: Path) -> None:
    """What a user does: uncomment one section's examples (and those it refers to), then check the file."""
    text = _init("--year", "2024").stdout
    sections = re.findall(r"^(\w+):", text, flags=re.MULTILINE)
    assert "organization" in sections and "inspector" in sections
    for section in [*sections, None]:
        edited = text
        for name in [section, *REFERS_TO.get(section or "", [])]:
            edited = _uncomment(edited, name)
        if section not in ("schema_version", "period", "school"):
            assert edited != text, section
        edited = _as_the_diagnostic_says(edited)
        path = tmp_path / f"{section or 'all'}.yaml"
        path.write_text(edited, encoding="utf-8")
        result = runner.invoke(app, ["check", str(path), "--format", "json", "--as-of", "2025-08-31"])
        if section in REFUSED:
            assert result.exit_code == 3, (section, result.output)
            codes = set(re.findall(r"error \[(\w+)\]", result.stderr))
            assert codes == REFUSED[section], (section, result.stderr)
        else:
            assert result.exit_code in (0, 1), (section, result.output)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("year", ["2019", "2024"])
def test_check_accepts_the_skeleton(tmp_path: Path, lang: str, year: str) -> None:
    path = tmp_path / "skeleton.yaml"
    result = _init(str(path), "--year", year, "--lang", lang)
    assert result.exit_code == 0, result.output
    assert path.is_file()
    as_of = f"{int(year) + 1}-08-31"
    result = runner.invoke(app, ["check", str(path), "--format", "json", "--as-of", as_of, "--lang", lang])
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    counts = report["status_counts"]
    assert counts["insufficient_evidence"] >= 40, counts
    assert counts["met"] == 0


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "school.yaml"
    path.write_text("keep me\n", encoding="utf-8")
    result = _init(str(path))
    assert result.exit_code == 2
    assert "--force" in result.output
    assert path.read_text(encoding="utf-8") == "keep me\n"
    result = _init(str(path), "--force", "--year", "2024")
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8").startswith("# ")


def test_bad_year_and_directory_are_usage_errors(tmp_path: Path) -> None:
    assert _init("--year", "1900").exit_code == 2
    assert _init(str(tmp_path)).exit_code == 2
