"""Golden SARIF and JUnit files for several schools and invalid files checked together, as CI runs them.

Refresh after an intended change with ``pytest --update-golden`` and review the diff.
"""

from __future__ import annotations

import pytest
from conftest import ROOT, assert_golden, run_cli

GOLDEN = ROOT / "tests" / "golden" / "ci"
FILES = ["examples/county-houliu-primary.yaml", "examples/veto-chengguan-no2-junior.yaml",
         "examples/invalid/unknown-keys-and-types.yaml", "examples/invalid/empty.yaml"]


@pytest.mark.parametrize(("fmt", "suffix"), [("sarif", "sarif"), ("junit", "xml"), ("markdown", "md"),
                                             ("text", "txt")])
def test_ci_golden(fmt: str, suffix: str, update_golden: bool) -> None:
    code, out, err = run_cli(["check", *FILES, "--format", fmt, "--as-of", "2025-12-31"])
    assert code == 3, err
    assert "examples/invalid/empty.yaml" in out and "examples/invalid/unknown-keys-and-types.yaml" in out
    assert_golden(GOLDEN / f"examples.{suffix}", out, update_golden)
