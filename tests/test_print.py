"""Print-ready outputs: the workbook's page setup and column widths, the county page's full width and full names,
the school report's A4 packing and page numbers, names never cut in the terminal ranking.

What a person sees is checked by ``scripts/screenshots.sh`` (headless Chromium and LibreOffice); these tests pin
the settings that make it so.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from ci_fixtures import school_evidence, write_evidence
from conftest import EXAMPLES
from typer.testing import CliRunner

from dangjian_audit.cli import app
from dangjian_audit.i18n import Messages
from dangjian_audit.reporters._xlsx_layout import MAX_WIDTH, display_width

AS_OF = "2025-12-31"
LONG = "石泉县城关镇第一中心小学附属实验学校（东校区）"


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("print")
    for n in (1, 10, 11):
        data = school_evidence()
        data["school"]["name"] = f"第{n}{LONG}"
        data["school"]["code"] = f"P-{n:02d}"
        write_evidence(root, data, f"school-{n:02d}.yaml")
    (root / "broken.yaml").write_text("schema_version: 1\nperiod: [\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def workbook(county: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from openpyxl import load_workbook

    target = tmp_path_factory.mktemp("xlsx") / "county.xlsx"
    result = CliRunner().invoke(app, ["batch", str(county), "-f", "xlsx", "-o", str(target), "--as-of", AS_OF])
    assert result.exit_code == 3, result.stderr
    return load_workbook(target)


def test_every_sheet_prints_landscape_fitted_to_width_with_the_header_repeated(workbook: Any) -> None:
    assert len(workbook.worksheets) == 4
    for ws in workbook.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert setup.paperSize == 9, ws.title  # A4
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
        assert "&P" in ws.oddFooter.center.text, ws.title


def test_columns_are_as_wide_as_their_content_or_wrap(workbook: Any) -> None:
    from openpyxl.utils import get_column_letter

    for ws in workbook.worksheets:
        for column in ws.iter_cols(min_row=2):
            letter = get_column_letter(column[0].column)
            width = ws.column_dimensions[letter].width
            for cell in column:
                if cell.value in (None, "") or ws.title == "状态矩阵" and cell.column > 4:
                    continue
                need = display_width(cell.value)
                if need + 1 > width:
                    # too long for any column: the column is at its cap and the cell wraps
                    assert width >= MAX_WIDTH, (ws.title, cell.coordinate)
                    assert cell.alignment.wrap_text, (ws.title, cell.coordinate, cell.value)
    summary = workbook.worksheets[0]
    header = [c.value for c in summary[1]]
    school = get_column_letter(header.index("学校") + 1)
    assert summary.column_dimensions[school].width == MAX_WIDTH  # longer than the cap: it wraps, uncut
    names = [summary.cell(row=r, column=header.index("学校") + 1) for r in range(2, 5)]
    assert {c.value for c in names} == {f"第{n}{LONG}" for n in (1, 10, 11)}
    assert all(c.alignment.wrap_text for c in names)
    assert summary.row_dimensions[2].height and summary.row_dimensions[2].height > 15


def test_matrix_is_a_heatmap_that_fits_across(workbook: Any) -> None:
    matrix = workbook.worksheets[2]
    assert matrix.max_column == 4 + 47
    assert matrix.cell(row=1, column=5).alignment.text_rotation == 90
    assert matrix.cell(row=2, column=5).value in {"✓", "◐", "✗", "?", "–", "…"}
    assert matrix.column_dimensions["E"].width <= 4
    legend = [matrix.cell(row=r, column=3).value for r in range(2, matrix.max_row + 1)]
    assert "图例" in legend and "? 证据不足" in legend


def test_county_html_uses_the_page_width_and_shows_full_names(county: Path) -> None:
    html = CliRunner().invoke(app, ["batch", str(county), "-f", "html", "--as-of", AS_OF]).stdout
    style = html[html.index("<style>"):html.index("</style>")]
    assert "max-width: 190mm" not in style and "size: A4 landscape" in style
    assert "counter(page)" in style
    assert "overflow: hidden" not in style and "26mm" not in style
    for n in (1, 10, 11):
        name = f"第{n}{LONG}"
        assert f'<td class="name" title="{name} · P-{n:02d}">{name}</td>' in html
        assert html.count(name) >= 3  # ranking, gaps or matrix, tooltip: never shortened


def test_school_report_packs_on_a4_with_page_numbers() -> None:
    html = CliRunner().invoke(app, ["check", str(EXAMPLES / "county-houliu-primary.yaml"), "-f", "html",
                                    "--as-of", AS_OF]).stdout
    style = html[html.index("<style>"):html.index("</style>")]
    assert "size: A4" in style and re.search(r"@bottom-center \{ content: counter\(page\)", style)
    # cards may split across pages; only their headings stay with the first lines
    assert not re.search(r"\.gap \{[^}]*break-inside: avoid", style)
    assert re.search(r"h3 \{[^}]*break-after: avoid", style)


def test_terminal_ranking_never_cuts_names(county: Path) -> None:
    for width in ("200", "100"):
        result = CliRunner().invoke(app, ["batch", str(county), "--as-of", AS_OF], env={"COLUMNS": width})
        msgs = Messages("zh")
        out = result.stdout
        ranking = out[out.index(msgs.ui("ranking")):out.index(msgs.ui("dimension_averages"))]
        assert "…" not in ranking
        # every name whole: its last characters are there once per school, whatever the width
        assert ranking.count("区）") == 3, ranking
        for n in (1, 10, 11):
            assert f"P-{n:02d}" in ranking
