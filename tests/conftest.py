"""Shared fixtures: the bundled ruleset, message tables and paths."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
REFERENCE = ROOT.parent / "shared" / "reference"
AS_OF = dt.date(2025, 12, 31)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite golden files from the current output instead of comparing.")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def ruleset():  # type: ignore[no-untyped-def]
    from dangjian_audit.loading import load_ruleset

    return load_ruleset()
