"""Draw a ledger workbook: the empty template (``init --format xlsx``) or one school's evidence (``export``).

The sheets, columns, drop-downs and notes follow :func:`~dangjian_audit.ledger.layout.layout`;
this module only lays them out for a person: headers that wrap, frozen header rows, widths from
the content, dates formatted as dates, text columns formatted as text (so an id such as 0315
keeps its zero), pages printed landscape and one page wide with the header on every page.
The file is deterministic: fixed document and zip dates, no wall clock.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from dangjian_audit.archive import fixed_zip_dates
from dangjian_audit.ledger.layout import Column, Layout, Table, Words, layout, words
from dangjian_audit.ledger.values import get_set, table_rows, to_cell
from dangjian_audit.models.evidence import Evidence

# A template is not about any day; this date only keeps the file's bytes fixed.
TEMPLATE_DATE = dt.datetime(2000, 1, 1)
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
MAX_ROW = 1_048_576

_HEADER_FILL = PatternFill("solid", fgColor="B22222")
_GROUP_FILL = PatternFill("solid", fgColor="FBE9E7")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_TITLE_FONT = Font(bold=True, size=14)
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
_DATA_ALIGN = Alignment(vertical="center")
_DATA_WRAP = Alignment(vertical="center", wrap_text=True)


def text_width(text: str) -> int:
    """Display width in character cells: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _lines(text: str, width: float) -> int:
    """Lines a text takes in a column ``width`` wide (the unit is a digit; text runs a little narrower)."""
    return max(1, math.ceil(text_width(text) / (width * 1.1 - 1)))


def _min_width(col: Column) -> int:
    return {"date": 12, "bool": 8, "int": 8, "float": 10}.get(col.kind, 12)


def _print_setup(ws: Worksheet, title_rows: str | None = "1:1") -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    if title_rows:
        ws.print_title_rows = title_rows


def _header(ws: Worksheet, titles: list[str], notes: list[str | None]) -> None:
    for index, (title, note) in enumerate(zip(titles, notes, strict=True), start=1):
        cell = ws.cell(row=1, column=index, value=title)
        cell.font, cell.fill, cell.alignment, cell.border = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN, _BORDER
        if note:
            comment = Comment(note, "dangjian-audit")
            comment.width, comment.height = 320, max(80, 20 * (text_width(note) // 40 + 2))
            cell.comment = comment
    ws.freeze_panes = "B2"


class _Drawer:
    def __init__(self, wb: Workbook, w: Words, lay: Layout) -> None:
        self.wb, self.w, self.lay = wb, w, lay
        self.ranges: dict[tuple[str, str], str] = {}

    def validation(self, ws: Worksheet, col: Column, ref: str) -> None:
        """A drop-down for a choice or a yes/no value; other entries only warn, since codes are accepted too."""
        if col.kind == "bool":
            formula = '"' + ",".join((self.w.bool_label(True), self.w.bool_label(False))) + '"'
        elif col.kind == "choice":
            formula = self.ranges[(col.owner, col.name)]
        else:
            return
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False,
                            showErrorMessage=True, errorStyle="warning")
        dv.add(ref)
        ws.add_data_validation(dv)

    def choices(self, ws: Worksheet) -> None:
        w = self.w
        _header(ws, [w.ui("choices_field"), w.ui("choices_label"), w.ui("choices_code")], [None, None, None])
        ws.freeze_panes = "A2"
        seen: dict[tuple[str, str], Column] = {}
        for col in self._all_columns():
            if col.kind in ("choice", "choices"):
                seen.setdefault((col.owner, col.name), col)
        row = 2
        for (owner, name), col in seen.items():
            first = row
            for value in col.values:
                ws.cell(row=row, column=1, value=f"{self.w.title(owner, name)}" if row == first else None)
                ws.cell(row=row, column=2, value=w.label(owner, name, value))
                ws.cell(row=row, column=3, value=str(value))
                for c in range(1, 4):
                    ws.cell(row=row, column=c).border = _BORDER
                row += 1
            self.ranges[(owner, name)] = f"'{ws.title}'!$B${first}:$B${row - 1}"
        for index, width in enumerate((28, 30, 26), start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        _print_setup(ws)

    def _all_columns(self) -> Iterable[Column]:
        yield from self.lay.facts
        for table in self.lay.tables:
            yield from table.columns

    def facts(self, ws: Worksheet, ev: Evidence | None) -> None:
        w = self.w
        _header(ws, [w.ui("facts_group"), w.ui("facts_field"), w.ui("facts_value"), w.ui("facts_help")],
                [None, None, None, None])
        ws.freeze_panes = "C2"
        group = None
        for row, col in enumerate(self.lay.facts, start=2):
            name = w.title(col.owner, col.name) + (w.ui("required_mark") if col.required else "")
            title = w.group_title(col)
            a = ws.cell(row=row, column=1, value=title)
            b = ws.cell(row=row, column=2, value=name)
            if ev is not None:
                value = to_cell(col, get_set(ev, col.path), w)
            else:  # a value with one possible choice (the format version) is filled in already
                value = w.label(col.owner, col.name, col.values[0]) if len(col.values) == 1 else None
            c = ws.cell(row=row, column=3, value=value)
            _guard_text(c, value)
            d = ws.cell(row=row, column=4, value=w.description(col.owner, col.name))
            if title != group:
                a.font = Font(bold=True)
                group = title
            for cell in (a, b, c, d):
                cell.border, cell.alignment = _BORDER, _WRAP_TOP
            a.fill = b.fill = _GROUP_FILL
            c.number_format = DATE_FORMAT if col.kind == "date" else (
                TEXT_FORMAT if col.kind in ("text", "texts", "choice", "choices") else "General")
            self.validation(ws, col, c.coordinate)
        widths = (20, 26, 30, 70)
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        for row in range(2, len(self.lay.facts) + 2):
            lines = max(_lines(str(ws.cell(row=row, column=c).value or ""), width)
                        for c, width in enumerate(widths, start=1))
            if lines > 1:  # wrapped help and titles: spreadsheets do not always grow the row themselves
                ws.row_dimensions[row].height = 15 * min(lines, 6) + 2
        _print_setup(ws)

    def table(self, ws: Worksheet, table: Table, ev: Evidence | None) -> None:
        w = self.w
        mark = w.ui("required_mark")
        titles: list[str] = []
        notes: list[str | None] = []
        if table.parents:
            titles += [w.ui("parent_section") + mark, w.ui("parent_id") + mark]
            notes += [w.ui("parent_section_help"), w.ui("parent_id_help")]
        titles += [w.column_title(c) + (mark if c.required else "") for c in table.columns]
        notes += [w.description(c.owner, c.name) for c in table.columns]
        _header(ws, titles, notes)
        offset = 2 if table.parents else 0
        if table.parents:
            ws.freeze_panes = "C2"
            names = ",".join(w.sheet_name(self.lay.table(p)) for p in table.parents)
            dv = DataValidation(type="list", formula1=f'"{names}"', allow_blank=True, showErrorMessage=True,
                                errorStyle="warning")
            dv.add(f"A2:A{MAX_ROW}")
            ws.add_data_validation(dv)
        rows = table_rows(ev, table, self.lay, w) if ev is not None else []
        for r, values in enumerate(rows, start=2):
            for c, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=c, value=value)
                cell.alignment = _DATA_ALIGN
                _guard_text(cell, value)
                if isinstance(value, dt.date):
                    cell.number_format = DATE_FORMAT
                elif isinstance(value, str):
                    cell.number_format = TEXT_FORMAT
        widths = [text_width(t) for t in titles]
        for values in rows:
            for c, value in enumerate(values):
                widths[c] = max(widths[c], 10 if isinstance(value, dt.date) else text_width(str(value or "")))
        for index in range(1, len(titles) + 1):
            letter = get_column_letter(index)
            col = table.columns[index - 1 - offset] if index > offset else None
            floor = _min_width(col) if col is not None else 12
            ws.column_dimensions[letter].width = min(max(widths[index - 1] + 2, floor), 36)
            if col is not None:
                fmt = DATE_FORMAT if col.kind == "date" else (
                    TEXT_FORMAT if col.kind in ("text", "texts", "choice", "choices") else None)
                if fmt:
                    ws.column_dimensions[letter].number_format = fmt
                self.validation(ws, col, f"{letter}2:{letter}{MAX_ROW}")
        for r, values in enumerate(rows, start=2):
            lines = 1
            for c, value in enumerate(values, start=1):
                width = ws.column_dimensions[get_column_letter(c)].width
                if isinstance(value, str) and _lines(value, width) > 1:
                    ws.cell(row=r, column=c).alignment = _DATA_WRAP  # a long text or hash wraps in its column
                    lines = max(lines, _lines(value, width))
            if lines > 1:  # spreadsheets do not always grow a row for wrapped text written by a program
                ws.row_dimensions[r].height = 15 * min(lines, 6) + 2
        tallest = max(text_width(t) / max(ws.column_dimensions[get_column_letter(i)].width - 1, 1)
                      for i, t in enumerate(titles, start=1))
        ws.row_dimensions[1].height = 16 * min(max(1, int(tallest) + (tallest % 1 > 0)), 4) + 6
        _print_setup(ws)

    def instructions(self, ws: Worksheet, ev: Evidence | None, sheets: list[tuple[str, str]]) -> None:
        w = self.w
        if ev is None:
            title = w.ui("template_title")
        else:
            title = w.ui("export_title", school=ev.school.name, start=ev.period.start.isoformat(),
                         end=ev.period.end.isoformat())
        ws.cell(row=1, column=1, value=title).font = _TITLE_FONT
        row = 3
        for number, line in enumerate(w.ui("instructions").splitlines(), start=1):
            ws.cell(row=row, column=1, value=f"{number}.").alignment = Alignment(vertical="top", horizontal="right")
            ws.cell(row=row, column=2, value=line).alignment = _WRAP_TOP
            ws.row_dimensions[row].height = 16 * (text_width(line) // 110 + 1) + 4
            row += 1
        row += 1
        for c, text in enumerate((w.ui("sheet_list"), w.ui("sheet_content")), start=1):
            cell = ws.cell(row=row, column=c, value=text)
            cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _BORDER
        for name, text in sheets:
            row += 1
            a = ws.cell(row=row, column=1, value=name)
            b = ws.cell(row=row, column=2, value=text)
            a.border = b.border = _BORDER
            a.alignment = b.alignment = _WRAP_TOP
            ws.row_dimensions[row].height = 16 * (text_width(text) // 110 + 1) + 4
        ws.column_dimensions["A"].width = 22
        ws.column_dimensions["B"].width = 112
        _print_setup(ws, None)
        ws.print_options.gridLines = False


def _guard_text(cell: Any, value: Any) -> None:
    # evidence text starting with "=" is text, never a formula the spreadsheet would run
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def render_workbook(lang: str, evidence: Evidence | None = None) -> bytes:
    """The workbook bytes: the empty template, or ``evidence`` laid out on its sheets."""
    w, lay = words(lang), layout()
    wb = Workbook()
    instructions = wb.active
    instructions.title = w.fixed_sheet("sheet_instructions")
    facts = wb.create_sheet(w.fixed_sheet("sheet_facts"))
    tables = [(t, wb.create_sheet(w.sheet_name(t))) for t in lay.tables]
    choices = wb.create_sheet(w.fixed_sheet("sheet_choices"))
    drawer = _Drawer(wb, w, lay)
    drawer.choices(choices)
    drawer.facts(facts, evidence)
    for table, ws in tables:
        drawer.table(ws, table, evidence)
    texts = w.texts
    listing = [(facts.title, str(texts["Evidence"]["description"]))]
    listing += [(ws.title, w.description(t.owner, t.name)) for t, ws in tables]
    listing.append((choices.title, w.ui("choices_label") + " / " + w.ui("choices_code")))
    drawer.instructions(instructions, evidence, listing)
    stamp = TEMPLATE_DATE if evidence is None else dt.datetime.combine(evidence.period.end, dt.time())
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = "dangjian-audit"
    buffer = io.BytesIO()
    wb.save(buffer)
    return fixed_zip_dates(buffer.getvalue(), stamp)
