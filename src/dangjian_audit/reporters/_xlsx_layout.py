"""Print-ready worksheets: column widths from the content, A4 landscape fitted to the page width, header rows
repeated on every printed page, page numbers in the footer.

Widths are measured in the units spreadsheet programs use (about one Latin character): a Chinese character counts
two. A column whose longest value would be wider than :data:`MAX_WIDTH` gets that width and wraps its text, so
nothing is cut off and no single column pushes the rest of the sheet off the printed page.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

MAX_WIDTH = 36.0
MIN_WIDTH = 4.0
PADDING = 2.0
# Headers wrap (they are bold and set to wrap): they ask for at most this width, so a long header over a column
# of short numbers takes two lines instead of making the column wide.
HEADER_WIDTH = 8.0
A4 = 9  # the paperSize code of ISO A4 in SpreadsheetML
# Points per text line at the default 11-point font. Spreadsheet programs do not all grow a row to fit wrapped
# text when they open a file (LibreOffice keeps the default height), so rows that wrap get their height here.
LINE_HEIGHT = 13.5


def display_width(value: Any) -> float:
    """How wide a value shows in a cell: wide (CJK) characters count two; the longest line of several."""
    if value is None:
        return 0.0
    text = value if isinstance(value, str) else f"{value:g}" if isinstance(value, float) else str(value)
    return float(max((sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
                      for line in text.split("\n")), default=0))


class ColumnWidths:
    """The widest value seen in each column, over a stream of rows."""

    def __init__(self, header: Sequence[Any]) -> None:
        self.widths = [min(display_width(h), HEADER_WIDTH) for h in header]

    def add(self, row: Sequence[Any]) -> None:
        for k, value in enumerate(row):
            width = display_width(value)
            if width > self.widths[k]:
                self.widths[k] = width

    def add_all(self, rows: Iterable[Sequence[Any]]) -> ColumnWidths:
        for row in rows:
            self.add(row)
        return self

    def final(self) -> list[float]:
        """Column widths with padding, between :data:`MIN_WIDTH` and :data:`MAX_WIDTH`."""
        return [max(MIN_WIDTH, min(MAX_WIDTH, w + PADDING)) for w in self.widths]

    def wrapped(self) -> set[int]:
        """Columns (0-based) whose longest value is wider than the column: their cells wrap."""
        return {k for k, w in enumerate(self.widths) if w + PADDING > MAX_WIDTH}


def lines(value: Any, width: float) -> int:
    """How many lines a wrapped value takes in a column ``width`` wide."""
    if value is None or value == "":
        return 1
    text = value if isinstance(value, str) else str(value)
    room = max(1.0, width - PADDING / 2)
    return sum(max(1, -(-int(display_width(line)) // int(room))) for line in text.split("\n"))


def row_height(row: Sequence[Any], widths: Sequence[float], columns: Iterable[int]) -> float | None:
    """The height a row needs for its wrapping ``columns`` (0-based), or None when one line is enough."""
    needed = max((lines(row[k], widths[k]) for k in columns if k < len(row)), default=1)
    # Fonts differ between programs and long words break early: a quarter more lines, so nothing is cut off.
    return LINE_HEIGHT * (needed + (needed + 3) // 4) if needed > 1 else None


def print_setup(ws: Any) -> None:
    """A4 landscape, every column on the page width (as many pages down as needed), row 1 repeated on each page,
    narrow margins, ``page / pages`` in the footer; the worksheet's column widths are set by the caller."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddHeader.center.text = "&A"
    ws.oddFooter.center.text = "&P / &N"
