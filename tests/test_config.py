"""The optional project configuration: where it is found, what it may set, and its errors at file:line:col."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dangjian_audit.config import discover, find_config, load_config
from dangjian_audit.errors import InputError
from dangjian_audit.i18n import Messages


def test_nearest_file_upwards_wins(tmp_path: Path) -> None:
    nested = tmp_path / "county" / "evidence" / "2025"
    nested.mkdir(parents=True)
    (tmp_path / ".dangjian-audit.yaml").write_text("lang: en\n", encoding="utf-8")
    assert find_config(nested) == (tmp_path / ".dangjian-audit.yaml").resolve()
    # a pyproject.toml without the table is passed over; with it, it is nearer and wins
    (tmp_path / "county" / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    assert find_config(nested) == (tmp_path / ".dangjian-audit.yaml").resolve()
    (tmp_path / "county" / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n\n[tool.dangjian-audit]\nlang = \"zh\"\nfail_under = 70\n", encoding="utf-8")
    assert find_config(nested) == (tmp_path / "county" / "pyproject.toml").resolve()
    loaded = discover(nested)
    assert loaded is not None and loaded.values.lang == "zh" and loaded.values.fail_under == 70
    # the YAML file is checked first in a directory that has both
    (tmp_path / "county" / ".dangjian-audit.yaml").write_text("lang: en\n", encoding="utf-8")
    assert find_config(nested) == (tmp_path / "county" / ".dangjian-audit.yaml").resolve()


def test_every_key_and_relative_paths(tmp_path: Path) -> None:
    (tmp_path / ".dangjian-audit.yaml").write_text(
        "lang: en\nprofile: profiles/shiquan.yaml\ncatalog: ../catalog\nas_of: 2025-12-31\nfail_under: 75.5\n"
        "fail_on_veto: false\nmin_level: city\njobs: 2\n", encoding="utf-8")
    loaded = load_config(tmp_path / ".dangjian-audit.yaml")
    v = loaded.values
    assert (v.lang, v.as_of, v.fail_under, v.fail_on_veto, v.min_level, v.jobs) == (
        "en", dt.date(2025, 12, 31), 75.5, False, "city", 2)
    assert loaded.path(v.profile) == tmp_path / "profiles" / "shiquan.yaml"
    assert loaded.path(v.catalog) == tmp_path / ".." / "catalog"
    toml = tmp_path / "pyproject.toml"
    toml.write_text('[tool.dangjian-audit]\nas_of = 2025-12-31\nprofile = "p.yaml"\n', encoding="utf-8")
    loaded = load_config(toml)
    assert loaded.values.as_of == dt.date(2025, 12, 31) and loaded.path("p.yaml") == tmp_path / "p.yaml"


def _problems(path: Path, lang: str = "zh") -> list[str]:
    with pytest.raises(InputError) as info:
        load_config(path, path.name)
    return [d.render(Messages(lang)) for d in info.value.diagnostics]


def test_yaml_errors_have_positions(tmp_path: Path) -> None:
    path = tmp_path / ".dangjian-audit.yaml"
    path.write_text("lang: fr\nfail_undr: 60\njobs: 0\nfail_under: 150\n", encoding="utf-8")
    problems = _problems(path, "en")
    assert any(p.startswith(".dangjian-audit.yaml:1:1: error [literal_error]") for p in problems), problems
    assert any(p.startswith(".dangjian-audit.yaml:2:1: error [extra_forbidden]") and "fail_undr" in p
               for p in problems), problems
    assert any(p.startswith(".dangjian-audit.yaml:3:1: error [greater_than_equal]") for p in problems), problems
    assert any(p.startswith(".dangjian-audit.yaml:4:1: error [less_than_equal]") for p in problems), problems
    path.write_text("lang: en\nlang: zh\n", encoding="utf-8")
    assert _problems(path)[0].startswith(".dangjian-audit.yaml:2:1: error [duplicate_key]")


def test_toml_errors_have_positions(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n\n[tool.dangjian-audit]\nlang = "zh"\n  min_levle = "city"\n'
                    "jobs = -1\n", encoding="utf-8")
    problems = _problems(path, "en")
    assert any(p.startswith("pyproject.toml:6:3: error [extra_forbidden]") and "min_levle" in p
               for p in problems), problems
    assert any(p.startswith("pyproject.toml:7:1: error [greater_than_equal]") for p in problems), problems
    path.write_text('[tool.dangjian-audit]\nlang = "zh\n', encoding="utf-8")
    problems = _problems(path)
    assert problems[0].startswith("pyproject.toml:2:") and "[toml_syntax]" in problems[0], problems
    assert "TOML 语法错误" in problems[0]


def test_no_configuration(tmp_path: Path) -> None:
    assert discover(tmp_path) is None
