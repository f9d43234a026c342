"""County summary reporters: terminal, Markdown, HTML, JSON, CSV and XLSX.

They read only the :class:`~dangjian_audit.batch.CountySummary` view model.
A county or province summary can hold tens of thousands of schools, so the
text formats are produced as a stream of string pieces (join them for one
string) and are never built as one big document in memory; XLSX is returned
as bytes. The caller decides where the output goes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from dangjian_audit.archive import fixed_zip_dates
from dangjian_audit.formatting import json_number, num
from dangjian_audit.i18n import Messages
from dangjian_audit.models.county import (
    REPORTS_DIR,
    SHORTFALL,
    CountySummary,
    DuplicateCode,
    GapStat,
    InvalidRow,
    SchoolRow,
)
from dangjian_audit.models.result import STATUS_BY_LETTER, STATUS_KINDS
from dangjian_audit.reporters._county_trend import (
    gone_rows,
    school_change,
    trend_cells,
    trend_header,
    trend_json,
    waivers_json,
)
from dangjian_audit.sanitize import spreadsheet_cell, spreadsheet_row

# Glyphs for the indicator × school matrix by status letter (language-neutral; the legend gives the words).
STATUS_SYMBOLS = {k.letter: k.symbol for k in STATUS_KINDS.values()}
LETTER_STATUS = STATUS_BY_LETTER
# Shown per gap in the Markdown, HTML and terminal summaries; JSON, CSV and XLSX list every school.
SHOWN_SCHOOLS = 12
# The gap statuses in the order the county tables show them: the two counted, then partially met (not counted).
GAP_ORDER = (*SHORTFALL, "partial")
CSV_FLUSH = 1 << 16


def _num(value: Decimal | None) -> str:
    return num(value)


def report_links(row: SchoolRow) -> dict[str, str] | None:
    if row.report_stem is None:
        return None
    return {"html": f"{REPORTS_DIR}/{row.report_stem}.html", "markdown": f"{REPORTS_DIR}/{row.report_stem}.md"}


# ---------------------------------------------------------------- JSON


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=json_number)


def _json_object(pairs: list[tuple[str, Any]]) -> Iterator[str]:
    """Pretty JSON of one object whose iterator values are streamed as arrays.

    The text equals ``json.dumps(obj, ensure_ascii=False, indent=2)`` of the same data.
    """
    yield "{"
    for k, (key, value) in enumerate(pairs):
        yield ("," if k else "") + "\n  " + _dumps(key) + ": "
        if isinstance(value, Iterator):
            first = True
            for item in value:
                yield ("[" if first else ",") + "\n    " + _dumps(item).replace("\n", "\n    ")
                first = False
            yield "[]" if first else "\n  ]"
        else:
            yield _dumps(value).replace("\n", "\n  ")
    yield "\n}\n"


def school_data(rank: int, row: SchoolRow, s: CountySummary, indicator_ids: list[str]) -> dict[str, Any]:
    return {
        "rank": rank,
        "source": row.source,
        "code": row.code,
        "name": row.name,
        "county": row.county,
        "type": row.type,
        "total": row.total,
        "total_uncapped": row.total if row.capped_from is None else row.capped_from,
        "dimensions": {d.id: score for d, score in zip(s.dimensions, row.dimensions, strict=True)},
        "grade": {"id": row.grade, "name": s.grade_names[row.grade]},
        "level": {"id": row.level, "name": s.level_names[row.level]} if row.level else None,
        "veto": list(row.veto),
        "gate": {"passed": row.passed, "reasons": list(row.gate)},
        "statuses": {i: LETTER_STATUS[c] for i, c in zip(indicator_ids, row.statuses, strict=True)},
        "reports": report_links(row),
    } | ({"change": school_change(s, rank, row)} if s.trend is not None else {})


def _invalid_data(row: InvalidRow, msgs: Messages) -> dict[str, Any]:
    return {"source": row.source, "diagnostics": [d.to_dict(msgs) for d in row.diagnostics]}


def _gap_data(gap: GapStat) -> dict[str, Any]:
    ind = gap.indicator
    return {"id": ind.id, "title": ind.title, "shortfall": ind.shortfall, "counted": list(SHORTFALL),
            "counts": {k: ind.counts[k] for k in GAP_ORDER},
            "schools": [r.code for r in gap.schools]}


def county_json(s: CountySummary, msgs: Messages) -> Iterator[str]:
    ids = [i.id for i in s.indicators]
    return _json_object([
        ("format_version", 1),
        ("kind", "county_summary"),
        ("tool", s.tool),
        ("catalog", s.catalog),
        ("profile", s.profile),
        ("lang", s.lang),
        ("as_of", s.as_of),
        ("gate", {"fail_under": s.fail_under}),
        ("counts", {"files": s.files, "scored": s.scored, "invalid": s.invalid_count, "passed": s.passed,
                    "failed_gate": s.gate_failed}),
        ("average_total", s.average_total),
        ("dimensions", [{"id": d.id, "name": d.name, "max": d.max, "average": d.average} for d in s.dimensions]),
        ("grades", [vars(g) for g in s.grades]),
        ("levels", [vars(lv) for lv in s.levels]),
        ("indicators", [{"id": i.id, "dimension": i.dimension, "title": i.title, "counts": i.counts,
                         "shortfall": i.shortfall, "met_percent": i.met_percent} for i in s.indicators]),
        # issue 11: only with --baseline/--history and --waivers, so other summaries keep their shape
        *([("trend", trend_json(s))] if s.trend is not None else []),
        *([("waivers", waivers_json(s, msgs))] if s.waiver_set is not None else []),
        # Streamed like the schools: each gap can list every school of a province.
        ("most_not_met", (_gap_data(g) for g in s.top_gaps)),
        ("schools", (school_data(rank, row, s, ids) for rank, row in s.ranking)),
        ("invalid", (_invalid_data(row, msgs) for row in s.invalid)),
        ("duplicate_codes", [{"code": d.code, "sources": list(d.sources)} for d in s.duplicates]),
    ])


# ---------------------------------------------------------------- CSV and XLSX share one table


def _table_header(s: CountySummary, msgs: Messages) -> list[str]:
    ui = msgs.ui
    return ([ui("rank"), ui("source"), ui("code"), ui("school"), ui("county"), ui("school_type"), ui("total"),
             ui("total_uncapped")]
            + [f"{d.id} {d.name}" for d in s.dimensions]
            + [ui("grade"), ui("level"), ui("veto"), ui("gate"), ui("gate_reasons"), ui("report_file")]
            + [i.id for i in s.indicators] + trend_header(s, msgs) + [ui("diagnostics")])


def duplicate_note(d: DuplicateCode, msgs: Messages) -> str:
    """One line naming a duplicated school code and the files that use it."""
    return msgs.ui("duplicate_code_note", code=d.code, files=msgs.ui("list_separator").join(d.sources))


def _table_rows(s: CountySummary, msgs: Messages) -> Iterator[list[Any]]:
    """One row per input file: ranked schools first, then the invalid files with their diagnostics."""
    ui = msgs.ui
    blank_dims = [""] * len(s.dimensions)
    blank_statuses = [""] * len(s.indicators)
    notes = {d.code: duplicate_note(d, msgs) for d in s.duplicates}
    for rank, row in s.ranking:
        links = report_links(row)
        yield ([rank, row.source, row.code, row.name, row.county or "", s.type_names.get(row.type, row.type),
                row.total, row.total if row.capped_from is None else row.capped_from, *row.dimensions,
                s.grade_names[row.grade],
                s.level_names[row.level] if row.level else ui("level_none"), ", ".join(row.veto),
                ui("gate_pass") if row.passed else ui("gate_fail"), "; ".join(row.gate),
                links["html"] if links else ""]
               + [s.status_labels[c] for c in row.statuses] + trend_cells(s, msgs, rank, row)
               + [notes.get(row.code, "")])
    blank_trend = [""] * len(trend_header(s, msgs))
    for inv in s.invalid:
        yield ([ui("invalid_rank"), inv.source, "", "", "", "", "", "", *blank_dims, "", "", "", ui("gate_invalid"),
                "", ""] + blank_statuses + blank_trend + ["\n".join(d.render(msgs) for d in inv.diagnostics)])
    # issue 11: schools of the baseline that are not in this batch are listed, never dropped
    for code, name, cells in gone_rows(s, msgs):
        yield ([msgs.get("yoy", "school_gone"), "", code, name, "", "", "", "", *blank_dims, "", "", "", "", "", ""]
               + blank_statuses + cells + [""])


def _cells(row: list[Any]) -> list[Any]:
    """Numbers as numbers, text neutralised (never a formula, no control character): for CSV and XLSX."""
    return spreadsheet_row([json_number(v) for v in row])


def county_csv(s: CountySummary, msgs: Messages) -> Iterator[str]:
    """CSV text (write it as ``utf-8-sig`` so spreadsheet programs detect UTF-8); no cell is a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(spreadsheet_row(_table_header(s, msgs)))
    for row in _table_rows(s, msgs):
        writer.writerow(_cells(row))
        if buffer.tell() > CSV_FLUSH:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def county_xlsx(s: CountySummary, msgs: Messages) -> bytes:
    """A print-ready workbook: the ranking (summary), one row per indicator, the matrix and the invalid files.

    Every sheet: frozen, filtered, bold wrapped header; columns as wide as their content (long text wraps);
    A4 landscape fitted to the page width with the header row repeated on each page. Rows are streamed twice
    (widths first, then cells), so memory stays flat for a province.
    """
    from copy import copy

    from openpyxl import Workbook
    from openpyxl.cell import Cell, WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from dangjian_audit.reporters._xlsx_layout import (
        LINE_HEIGHT,
        ColumnWidths,
        display_width,
        print_setup,
        row_height,
    )

    ui = msgs.ui
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    top = Alignment(wrap_text=True, vertical="top")
    fills = {k.letter: PatternFill("solid", fgColor=k.fill) for k in STATUS_KINDS.values()}
    # The style ids each combination of the style objects above got from the workbook, by the objects' ids:
    # a workbook indexes a style by hashing it, which cost more than the rest of the cell (thousands of matrix cells).
    style_ids: dict[tuple[tuple[str, int], ...], Any] = {}

    def styled(ws: Any, value: Any, **style: Any) -> Any:
        """A cell with these font, fill and alignment objects (each kept for the whole workbook)."""
        key = tuple((name, id(obj)) for name, obj in style.items())
        ids = style_ids.get(key)
        if ids is not None:
            return Cell(ws, row=1, column=1, value=value, style_array=ids)  # a copy of the ids
        cell = WriteOnlyCell(ws, value=value)
        for name, obj in style.items():  # the first cell indexes the objects, in the order set
            setattr(cell, name, obj)
        style_ids[key] = copy(cell._style)  # openpyxl's StyleArray of the cell: its ids into the workbook's styles
        return cell

    class Sheet:
        """A worksheet being streamed: its final widths and the columns that wrap."""

        def __init__(self, title: str, header: list[str], rows: int, widths: ColumnWidths,
                     rotated: int | None = None) -> None:
            self.ws = ws = wb.create_sheet(title[:31])
            ws.freeze_panes = "A2"
            ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{rows + 1}"
            print_setup(ws)
            self.widths, self.wrapped = widths.final(), widths.wrapped()
            for k, width in enumerate(self.widths):
                ws.column_dimensions[get_column_letter(k + 1)].width = width
            self.row = 1
            # the header wraps in every column; upright headers need the height of their longest text
            height = row_height(header[:rotated], self.widths, range(len(header[:rotated])))
            if rotated is not None:
                height = max(height or 0, LINE_HEIGHT * 0.8 * max(display_width(h) for h in header[rotated:]) + 6)
            self.append(header_cells(ws, header, rotated), height, styled=True)

        def append(self, row: list[Any], height: float | None = None, styled: bool = False) -> None:
            if not styled and self.wrapped:
                height = row_height(row, self.widths, self.wrapped)
                if height is not None:
                    row = top_aligned(self.ws, row)
            if height is not None:
                self.ws.row_dimensions[self.row].height = height
            self.ws.append(row)
            self.row += 1

    def header_cells(ws: Any, header: list[str], rotated: int | None) -> list[Any]:
        """Bold header cells; from column ``rotated`` on they stand upright (narrow status columns)."""
        cells = []
        for k, text in enumerate(header):
            cell = WriteOnlyCell(ws, value=spreadsheet_cell(text))
            cell.font = bold
            upright = rotated is not None and k >= rotated
            cell.alignment = Alignment(text_rotation=90, horizontal="center") if upright else top
            cells.append(cell)
        return cells

    def top_aligned(ws: Any, row: list[Any]) -> list[Any]:
        """A row taller than one line: every cell wraps and starts at the top (the rest stay one line)."""
        out: list[Any] = []
        for value in row:
            if value is None or value == "":
                out.append(value)
                continue
            if not isinstance(value, Cell):
                # as below: a new cell's alignment is the default one (no rotation, no horizontal alignment)
                out.append(styled(ws, value, alignment=top))
                continue
            cell = value
            if cell.alignment.text_rotation == 0:
                cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=cell.alignment.horizontal)
            out.append(cell)
        return out

    header = _table_header(s, msgs)
    # The summary sheet keeps the per-school columns; the statuses go to the matrix sheet.
    fixed = 13 + len(s.dimensions)

    def summary_rows() -> Iterator[list[Any]]:
        for row in _table_rows(s, msgs):
            yield _cells(row[:fixed] + row[-1:])

    summary_header = header[:fixed] + header[-1:]
    gone = len(s.trend.gone) if s.trend is not None else 0
    summary = Sheet(ui("sheet_summary"), summary_header, len(s.ranking) + len(s.invalid) + gone,
                    ColumnWidths(summary_header).add_all(summary_rows()))
    for row in summary_rows():
        summary.append(row)

    statuses = list(s.indicators[0].counts) if s.indicators else []
    ind_header = ([ui("id"), ui("dimension"), ui("title")] + [msgs.get("status", k) for k in statuses]
                  + [ui("shortfall"), ui("met_percent")])
    ind_rows = [_cells([ind.id, ind.dimension, ind.title, *ind.counts.values(), ind.shortfall, ind.met_percent])
                for ind in s.indicators]
    per_indicator = Sheet(ui("sheet_indicators"), ind_header, len(ind_rows), ColumnWidths(ind_header).add_all(ind_rows))
    for row in ind_rows:
        per_indicator.append(row)

    # The matrix is a heatmap: one narrow column per indicator holding the status symbol on its colour, the
    # legend below the schools (the HTML summary does the same), so all 47 indicators fit across one page.
    ids = [i.id for i in s.indicators]
    matrix_header = [ui("rank"), ui("code"), ui("school"), ui("total")] + ids
    lead = ColumnWidths(matrix_header[:4]).add_all(_cells([rank, school.code, school.name, school.total])
                                                   for rank, school in s.ranking)
    lead.add(["", "", ui("legend"), ""])
    for letter in STATUS_SYMBOLS:
        lead.add(["", "", f"{STATUS_SYMBOLS[letter]} {s.status_labels[letter]}", ""])
    widths = ColumnWidths(matrix_header)
    widths.widths[:4] = lead.widths
    widths.widths[4:] = [1.6] * len(ids)
    matrix = Sheet(ui("sheet_matrix"), matrix_header, len(s.ranking), widths, rotated=4)
    centred = Alignment(horizontal="center")
    for rank, school in s.ranking:
        cells: list[Any] = _cells([rank, school.code, school.name, school.total])
        for letter in school.statuses:
            cells.append(styled(matrix.ws, STATUS_SYMBOLS[letter], fill=fills[letter], alignment=centred))
        matrix.append(cells)
    matrix.append([])
    legend = WriteOnlyCell(matrix.ws, value=ui("legend"))
    legend.font = bold
    matrix.append([None, None, legend])
    for letter in STATUS_SYMBOLS:
        cell = WriteOnlyCell(matrix.ws, value=spreadsheet_cell(f"{STATUS_SYMBOLS[letter]} {s.status_labels[letter]}"))
        cell.fill = fills[letter]
        matrix.append([None, None, cell])

    if s.trend is not None:
        # issue 11: the same trend columns as the CSV, next to rank, code, school and total
        trend_head = [ui("rank"), ui("code"), ui("school"), ui("total")] + trend_header(s, msgs)
        trend_rows = [_cells([rank, school.code, school.name, school.total] + trend_cells(s, msgs, rank, school))
                      for rank, school in s.ranking]
        trend_rows += [_cells([msgs.get("yoy", "school_gone"), code, name, ""] + cells)
                       for code, name, cells in gone_rows(s, msgs)]
        trend_sheet = Sheet(msgs.get("yoy", "sheet_trend"), trend_head, len(trend_rows),
                            ColumnWidths(trend_head).add_all(trend_rows))
        for row in trend_rows:
            trend_sheet.append(row)
    if s.waiver_set is not None:
        from dangjian_audit.reporters._county_trend import waivers_rows

        yoy = msgs.table["yoy"]
        waiver_head = [ui("code"), ui("indicator"), yoy["reason"], yoy["approved_by"], yoy["approved_on"],
                       yoy["expires"]]
        waiver_rows = [_cells([r["school"], f"{r['indicator']} {r['title']}", r["reason"], r["approved_by"],
                               r["approved_on"], r["expires"]]) for r in waivers_rows(s, msgs)]
        waiver_sheet = Sheet(yoy["sheet_waivers"], waiver_head, len(waiver_rows),
                             ColumnWidths(waiver_head).add_all(waiver_rows))
        for row in waiver_rows:
            waiver_sheet.append(row)

    invalid_header = [ui("source"), ui("location"), ui("diagnostic_code"), ui("diagnostics")]
    invalid_rows = [spreadsheet_row([inv.source, d.location(), d.code, d.message(msgs)])
                    for inv in s.invalid for d in inv.diagnostics]
    invalid = Sheet(ui("sheet_invalid"), invalid_header, len(invalid_rows),
                    ColumnWidths(invalid_header).add_all(invalid_rows))
    for row in invalid_rows:
        invalid.append(row)
    # No wall clock in the output: the workbook's dates are the audit date, and so are the
    # archive's entry dates, so the same inputs give a byte-identical file.
    stamp = dt.datetime.combine(dt.date.fromisoformat(s.as_of), dt.time())
    wb.properties.created = wb.properties.modified = stamp
    buffer = io.BytesIO()
    wb.save(buffer)
    return fixed_zip_dates(buffer.getvalue(), stamp)


# ---------------------------------------------------------------- Markdown and HTML


def _view(s: CountySummary, links: bool, msgs: Messages) -> dict[str, Any]:
    from dangjian_audit.reporters._county_trend import school_rows, trend_view, waivers_rows

    gaps = [{"ind": g.indicator, "shown": g.schools[:SHOWN_SCHOOLS], "more": max(0, len(g.schools) - SHOWN_SCHOOLS)}
            for g in s.top_gaps]
    return {"s": s, "gaps": gaps, "symbols": STATUS_SYMBOLS, "letters": list(STATUS_SYMBOLS),
            "reports_dir": REPORTS_DIR, "links": links,
            # issue 11: year on year (None/empty without --baseline/--history and --waivers)
            "trend": trend_view(s, msgs), "trend_schools": school_rows(s, msgs), "waivers": waivers_rows(s, msgs)}


def county_markdown(s: CountySummary, msgs: Messages, links: bool = False) -> Iterator[str]:
    """Markdown pieces; ``links`` points school names at ``schools/<code>.md`` (for files under ``--out``)."""
    from dangjian_audit.reporters._jinja import environment

    template = environment().get_template("county.md.j2")
    return template.generate(ui=msgs.ui, msgs=msgs, **_view(s, links, msgs))


def county_html(s: CountySummary, msgs: Messages, links: bool = False) -> Iterator[str]:
    """Self-contained HTML pieces: inline CSS, no script, font, image or external link."""
    from dangjian_audit.reporters._jinja import environment

    template = environment().get_template("county.html.j2")
    return template.generate(ui=msgs.ui, msgs=msgs, lang=msgs.lang, **_view(s, links, msgs))
