"""Shared fixtures: the bundled ruleset, message tables and paths."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
# Published schemas our CI formats must validate against, vendored with their licences (tests/schemas/README.md).
SCHEMAS = ROOT / "tests" / "schemas"
AS_OF = dt.date(2025, 12, 31)


def _catalog_shape() -> tuple[list[str], list[str]]:
    """Indicator ids and dimension ids of the bundled catalog, read from its YAML (tests never hard-code 47)."""
    import yaml

    header = yaml.safe_load((ROOT / "indicators" / "catalog.yaml").read_text(encoding="utf-8"))
    dims = [d["id"] for d in header["dimensions"]]
    ids = []
    for d in header["dimensions"]:
        data = yaml.safe_load((ROOT / "indicators" / d["file"]).read_text(encoding="utf-8"))
        ids += [i["id"] for i in data["indicators"]]
    return ids, dims


INDICATOR_IDS, DIMENSION_IDS = _catalog_shape()
N_INDICATORS, N_DIMENSIONS = len(INDICATOR_IDS), len(DIMENSION_IDS)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite golden files from the current output instead of comparing.")


@pytest.fixture(scope="session", autouse=True)
def _ruleset_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compiled rulesets are cached in a folder of the test session, never the user's own cache;
    every CLI test then also runs on cached rulesets (the goldens prove them identical)."""
    import os

    os.environ["DANGJIAN_AUDIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("ruleset-cache"))


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def ruleset():  # type: ignore[no-untyped-def]
    from dangjian_audit.loading import load_ruleset

    return load_ruleset()


def assert_golden(path: Path, actual: str, update: bool) -> None:
    """Compare with a golden file, or rewrite it with ``--update-golden``; a failure shows a unified diff."""
    import difflib

    if update or not path.exists():
        if not update:
            pytest.fail(f"golden file {path.name} is missing; run pytest --update-golden to create it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            fromfile=f"golden/{path.name}", tofile="actual", n=2))
        pytest.fail(f"output differs from {path.name} (refresh with pytest --update-golden):\n{diff[:6000]}",
                    pytrace=False)


def run_cli(args: list[str]) -> tuple[int, str, str]:
    """Run the CLI in-process from the repository root; returns (exit code, stdout, stderr)."""
    import os

    from typer.testing import CliRunner

    from dangjian_audit.cli import app

    old = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(app, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


def bench_generator() -> Any:
    """``benchmarks/generate.py`` as a module: the seeded generator of realistic school evidence files."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("bench_generate", Path(__file__).resolve().parents[1]
                                                  / "benchmarks" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_generate", module)
    spec.loader.exec_module(module)
    return module
