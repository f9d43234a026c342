"""The batch's fast paths change no figure: a school's row is the same whether it comes from the
full report (``--out``) or from the score alone, and with or without the fast YAML loader."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import bench_generator, run_cli

from dangjian_audit import fastyaml

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 generated schools, the examples and the invalid examples in one folder."""
    folder = tmp_path_factory.mktemp("county")
    bench_generator().write(40, folder / "gen")
    for path in (ROOT / "examples").glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    shutil.copytree(ROOT / "examples" / "invalid", folder / "invalid")
    # Where lines count for more than findings: of two verdicts on one date the later wins (here on
    # one line, and on two lines), and a list too long is reported at its first record too many.
    base = (ROOT / "examples" / "province-chengguan-middle.yaml").read_text(encoding="utf-8")
    verdict = "  - {indicator: FZ-05, status: met, note: 好, inspector: 督导组A, date: 2025-06-20}\n"
    head, _, _ = base.rpartition("inspector:\n")
    (folder / "verdicts-lines.yaml").write_text(
        head + "inspector:\n" + verdict.replace("met", "not_met") + verdict, encoding="utf-8")
    (folder / "verdicts-one-line.yaml").write_text(
        head + "inspector: [{indicator: FZ-05, status: not_met, date: 2025-06-20}, "
        "{indicator: FZ-05, status: partial, date: 2025-06-20}]\n", encoding="utf-8")
    from dangjian_audit.limits import MAX_RECORDS

    (folder / "too-many.yaml").write_text(
        head + "inspector: []\nnotes:\n" + "".join(f"  - {{id: N{i}}}\n" for i in range(MAX_RECORDS + 2)),
        encoding="utf-8")
    return folder


def _summary(county: Path, tmp_path: Path, name: str, *extra: str) -> tuple[int, Any]:
    output = tmp_path / f"{name}.json"
    code, _, _ = run_cli(["batch", str(county), "--jobs", "1", "--as-of", "2025-12-31", "--format", "json",
                          "--output", str(output), *extra])
    return code, json.loads(output.read_text(encoding="utf-8"))


def test_rows_without_reports_equal_rows_from_reports(county: Path, tmp_path: Path) -> None:
    plain = _summary(county, tmp_path, "plain")
    with_reports = _summary(county, tmp_path, "reports", "--out", str(tmp_path / "out"))
    for school in with_reports[1]["schools"]:
        assert school.pop("reports")  # the links to the reports are the only difference
    for school in plain[1]["schools"]:
        assert school.pop("reports") is None
    assert plain == with_reports
    assert plain[1]["counts"]["scored"] >= 45 and plain[1]["invalid"]
    invalid = {Path(i["source"]).name: i["diagnostics"][0] for i in plain[1]["invalid"]}
    assert invalid["too-many.yaml"]["code"] == "too_long" and invalid["too-many.yaml"]["line"] > 400
    statuses = {Path(s["source"]).name: s["statuses"] for s in plain[1]["schools"]}
    assert statuses["verdicts-lines.yaml"]["FZ-05"] == "met"  # the later verdict, on the later line
    assert statuses["verdicts-one-line.yaml"]["FZ-05"] in ("not_met", "partial")


@pytest.mark.skipif(not fastyaml.AVAILABLE, reason="the fast extra is not installed")
def test_summaries_and_reports_are_identical_without_the_fast_loader(county: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # without --out the fast loader builds the data (no source lines); with it, libyaml's events do
    fast_rows = _summary(county, tmp_path, "fast-rows")
    fast = _summary(county, tmp_path, "fast", "--out", str(tmp_path / "fast"))
    monkeypatch.setattr(fastyaml, "AVAILABLE", False)
    assert _summary(county, tmp_path, "slow-rows") == fast_rows
    slow = _summary(county, tmp_path, "slow", "--out", str(tmp_path / "slow"))
    assert fast == slow
    fast_files = sorted(p.relative_to(tmp_path / "fast") for p in (tmp_path / "fast").rglob("*") if p.is_file())
    slow_files = sorted(p.relative_to(tmp_path / "slow") for p in (tmp_path / "slow").rglob("*") if p.is_file())
    assert fast_files == slow_files and len(fast_files) > 90
    for rel in fast_files:
        assert (tmp_path / "fast" / rel).read_bytes() == (tmp_path / "slow" / rel).read_bytes(), rel
