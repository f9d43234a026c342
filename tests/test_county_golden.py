"""Golden files for the county summary of the bundled examples, invalid files included: Markdown, HTML, JSON,
CSV and text, and the XLSX workbook compared through openpyxl (cell values, sheet names, page setup).

Refresh after an intended change with ``pytest --update-golden`` and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, assert_golden, run_cli

GOLDEN = ROOT / "tests" / "golden" / "county"
FORMATS = {"text": "txt", "markdown": "md", "html": "html", "json": "json", "csv": "csv"}
ARGS = ["batch", "examples", "--as-of", "2025-12-31", "--jobs", "1"]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_county_golden(fmt: str, update_golden: bool) -> None:
    code, out, err = run_cli([*ARGS, "--format", fmt])
    assert code == 3, err  # examples/invalid holds broken files on purpose: they are part of the summary
    assert "examples/invalid/yaml-syntax.yaml" in out
    assert_golden(GOLDEN / f"examples.{FORMATS[fmt]}", out, update_golden)


def test_county_golden_english_markdown(update_golden: bool) -> None:
    code, out, _ = run_cli([*ARGS, "--format", "markdown", "--lang", "en"])
    assert code == 3
    assert_golden(GOLDEN / "examples.en.md", out, update_golden)


def _workbook_text(path: Path) -> str:
    """Each sheet: its settings on one line, then one JSON array per row."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    lines: list[str] = []
    for ws in wb.worksheets:
        settings = {"title": ws.title, "freeze_panes": ws.freeze_panes, "auto_filter": ws.auto_filter.ref,
                    "orientation": ws.page_setup.orientation, "paper": ws.page_setup.paperSize,
                    "fit": [ws.page_setup.fitToWidth, ws.page_setup.fitToHeight], "title_rows": ws.print_title_rows}
        lines.append("# " + json.dumps(settings, ensure_ascii=False))
        lines.extend(json.dumps(list(row), ensure_ascii=False, default=str) for row in ws.iter_rows(values_only=True))
    return "\n".join(lines) + "\n"


def test_county_xlsx_golden(tmp_path: Path, update_golden: bool) -> None:
    target = tmp_path / "county.xlsx"
    code, _, _ = run_cli([*ARGS, "--format", "xlsx", "--output", str(target)])
    assert code == 3
    assert_golden(GOLDEN / "examples.xlsx.txt", _workbook_text(target), update_golden)
