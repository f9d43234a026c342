"""The house's structure holds: one-way layers (import-linter), complete registries, messages for every kind."""

from __future__ import annotations

import importlib
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

import dangjian_audit.reporters as reporters_pkg
import dangjian_audit.rules as rules_pkg
from dangjian_audit.i18n import LANGS, Messages
from dangjian_audit.reporters import county_formats, formats, school_formats
from dangjian_audit.rules import REGISTRY

LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
needs_linter = pytest.mark.skipif(LINT_IMPORTS is None, reason="import-linter is not installed (pip install .[test])")


def _lint_imports(cwd: Path, src: Path) -> subprocess.CompletedProcess[str]:
    assert LINT_IMPORTS is not None
    env = {"PYTHONPATH": str(src), "PATH": str(Path(sys.executable).parent)}
    return subprocess.run([LINT_IMPORTS, "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", check=False)


@needs_linter
def test_the_import_contracts_hold() -> None:
    result = _lint_imports(ROOT, ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().split("contracts:")[-1].split("kept")[0]


@needs_linter
def test_a_back_edge_breaks_the_contracts(tmp_path: Path) -> None:
    """The contracts really run: a model importing the CLI is caught."""
    shutil.copytree(ROOT / "src" / "dangjian_audit", tmp_path / "src" / "dangjian_audit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    check = tmp_path / "src" / "dangjian_audit" / "models" / "check.py"
    check.write_text(check.read_text(encoding="utf-8") + "\nimport dangjian_audit.cli  # noqa\n", encoding="utf-8")
    result = _lint_imports(tmp_path, tmp_path / "src")
    assert result.returncode != 0
    assert "dangjian_audit.models is not allowed to import dangjian_audit.cli" in result.stdout


def _public_modules(package: object) -> list[str]:
    path = package.__path__  # type: ignore[attr-defined]
    return sorted(i.name for i in pkgutil.iter_modules(path) if not i.name.startswith("_"))


def test_every_rule_module_declares_its_kinds() -> None:
    helpers = {"base", "paths"}
    for name in _public_modules(rules_pkg):
        module = importlib.import_module(f"dangjian_audit.rules.{name}")
        if name in helpers:
            assert not getattr(module, "KINDS", ()), name
        else:
            assert module.KINDS, f"rules/{name}.py declares no KINDS"
            for kind in module.KINDS:
                assert REGISTRY[kind.name] is kind


def test_every_kind_the_catalog_uses_exists(ruleset) -> None:  # type: ignore[no-untyped-def]
    used = {spec.kind for ci in ruleset.indicators for spec in ci.checks}
    assert used <= set(REGISTRY)
    assert set(REGISTRY) - used <= {"absent"} | set(REGISTRY)  # kinds may exist unused; used ones must exist


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_a_kind_uses_exists(lang: str) -> None:
    msgs = Messages(lang)
    for name, kind in REGISTRY.items():
        for key in kind.spec.findings:
            assert msgs.has("findings", key), f"{name}: findings.{key} missing in {lang}"
        for key in kind.spec.details:
            assert msgs.has("details", key), f"{name}: details.{key} missing in {lang}"
        assert kind.spec.findings and kind.spec.details, name


def test_every_format_module_declares_a_format() -> None:
    declared = {importlib.import_module(f"dangjian_audit.reporters.{name}").__dict__.get("FORMAT")
                for name in _public_modules(reporters_pkg) if name != "base"}
    assert None not in declared
    assert set(formats().values()) == declared
    assert {"text", "markdown", "html", "json", "sarif", "junit"} <= set(school_formats())
    assert {"text", "markdown", "html", "json", "csv", "xlsx"} <= set(county_formats())
    suffixes = [f.suffix for f in formats().values()]
    assert len(suffixes) == len(set(suffixes)), "two formats share a file suffix"


def test_the_cli_offers_exactly_the_registry() -> None:
    from dangjian_audit.cli.batch import BatchFormat
    from dangjian_audit.cli.check import CheckFormat

    assert [m.value for m in CheckFormat] == list(school_formats())
    assert [m.value for m in BatchFormat] == list(county_formats())


def test_the_package_exposes_its_api() -> None:
    import dangjian_audit

    assert callable(dangjian_audit.audit) and callable(dangjian_audit.load_catalog)
    assert dangjian_audit.audit.__doc__ and dangjian_audit.load_catalog.__doc__
    with pytest.raises(AttributeError):
        dangjian_audit.no_such_thing  # noqa: B018


def test_the_api_scores_like_the_cli(ruleset) -> None:  # type: ignore[no-untyped-def]
    import json

    from conftest import EXAMPLES, run_cli

    from dangjian_audit import audit

    path = EXAMPLES / "county-houliu-primary.yaml"
    report = audit(path, ruleset, as_of="2025-12-31", display="examples/county-houliu-primary.yaml")
    code, out, _ = run_cli(["check", "examples/county-houliu-primary.yaml", "--format", "json",
                            "--as-of", "2025-12-31"])
    assert code in (0, 1)
    assert json.loads(out) == report.model_dump(mode="json")
