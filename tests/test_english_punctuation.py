"""English output carries no full-width punctuation (``Computation：`` was one): the locale's English entries,
the templates' punctuation (from the locale's ``colon``, ``semicolon``... entries) and the catalog's English text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from ci_fixtures import school_evidence, write_evidence
from typer.testing import CliRunner

from dangjian_audit.cli import app

LOCALE = Path(__file__).resolve().parents[1] / "src" / "dangjian_audit" / "locale"
INDICATORS = Path(__file__).resolve().parents[1] / "indicators"
# CJK symbols and punctuation, full-width forms (：；，（） and the rest), the ideographic space.
FULL_WIDTH = re.compile("[\u3000-\u303f\uff00-\uffef]")


def _english_leaves(node: Any, path: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(node, dict):
        if isinstance(node.get("en"), str):
            out[path] = node["en"]
        else:
            for key, value in node.items():
                out |= _english_leaves(value, f"{path}.{key}")
    elif isinstance(node, list):
        for k, value in enumerate(node):
            out |= _english_leaves(value, f"{path}[{k}]")
    return out


@pytest.mark.parametrize("table", ["messages.yaml", "fields.yaml"])
def test_english_messages_use_ascii_punctuation(table: str) -> None:
    leaves = _english_leaves(yaml.safe_load((LOCALE / table).read_text(encoding="utf-8")))
    assert leaves
    bad = {key: text for key, text in leaves.items() if FULL_WIDTH.search(text)}
    assert not bad, bad


def test_catalog_english_text_uses_ascii_punctuation() -> None:
    bad = {}
    for path in sorted(INDICATORS.glob("*.yaml")):
        for key, text in _english_leaves(yaml.safe_load(path.read_text(encoding="utf-8"))).items():
            if FULL_WIDTH.search(text):
                bad[f"{path.name}{key}"] = text
    assert not bad, bad


@pytest.fixture(scope="module")
def ascii_school(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = school_evidence()
    data["school"] |= {"name": "First Primary School", "county": "Test District"}
    data["organization"]["name"] = "First Primary School Party branch"
    data["decisions"][0]["title"] = "Playground renovation"
    return write_evidence(tmp_path_factory.mktemp("ascii"), data, "school.yaml")


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json", "sarif", "junit"])
def test_english_school_reports_have_no_full_width_punctuation(ascii_school: Path, fmt: str) -> None:
    result = CliRunner().invoke(app, ["check", str(ascii_school), "--lang", "en", "-f", fmt,
                                      "--as-of", "2025-08-31"])
    assert result.exit_code in (0, 1), result.stderr
    assert not FULL_WIDTH.search(result.stdout), sorted(set(FULL_WIDTH.findall(result.stdout)))
    assert not FULL_WIDTH.search(result.stderr)


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json", "csv"])
def test_english_county_summaries_have_no_full_width_punctuation(ascii_school: Path, fmt: str) -> None:
    result = CliRunner().invoke(app, ["batch", str(ascii_school.parent), "--lang", "en", "-f", fmt,
                                      "--as-of", "2025-08-31"])
    assert result.exit_code in (0, 1), result.stderr
    assert not FULL_WIDTH.search(result.stdout), sorted(set(FULL_WIDTH.findall(result.stdout)))


@pytest.mark.parametrize("args", [["catalog", "show", "JC-05"], ["catalog", "list"]])
def test_english_catalog_views_have_no_full_width_punctuation(args: list[str]) -> None:
    result = CliRunner().invoke(app, [*args, "--lang", "en"])
    assert result.exit_code == 0
    assert not FULL_WIDTH.search(result.stdout), sorted(set(FULL_WIDTH.findall(result.stdout)))
