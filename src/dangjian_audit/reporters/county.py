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
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from dangjian_audit.batch import (
    LETTER_STATUS,
    REPORTS_DIR,
    SHORTFALL,
    CountySummary,
    DuplicateCode,
    GapStat,
    InvalidRow,
    SchoolRow,
)
from dangjian_audit.i18n import Messages
from dangjian_audit.reporters.templated import environment
from dangjian_audit.sanitize import spreadsheet_cell, spreadsheet_row

# Glyphs for the indicator × school matrix (language-neutral; the legend gives the words).
STATUS_SYMBOLS = {"M": "✓", "P": "◐", "N": "✗", "I": "?", "A": "–", "W": "…"}
# Shown per gap in the Markdown, HTML and terminal summaries; JSON, CSV and XLSX list every school.
SHOWN_SCHOOLS = 12
CSV_FLUSH = 1 << 16


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if value == int(value) else f"{value:.2f}"


def report_links(row: SchoolRow) -> dict[str, str] | None:
    if row.report_stem is None:
        return None
    return {"html": f"{REPORTS_DIR}/{row.report_stem}.html", "markdown": f"{REPORTS_DIR}/{row.report_stem}.md"}


# ---------------------------------------------------------------- JSON


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def _json_object(pairs: list[tuple[str, Any]]) -> Iterator[str]:
    """Pretty JSON of one object whose iterator values are streamed as arrays.

    The text equals ``json.dumps(obj, ensure_ascii=False, indent=2)`` of the same data.
    """
    yield "{"
    for k, (key, value) in enumerate(pairs):
        yield ("," if k else "") + "\n  " + json.dumps(key, ensure_ascii=False) + ": "
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
        "dimensions": {d.id: score for d, score in zip(s.dimensions, row.dimensions, strict=True)},
        "grade": {"id": row.grade, "name": s.grade_names[row.grade]},
        "level": {"id": row.level, "name": s.level_names[row.level]} if row.level else None,
        "veto": list(row.veto),
        "gate": {"passed": row.passed, "reasons": list(row.gate)},
        "statuses": {i: LETTER_STATUS[c] for i, c in zip(indicator_ids, row.statuses, strict=True)},
        "reports": report_links(row),
    }


def _invalid_data(row: InvalidRow, msgs: Messages) -> dict[str, Any]:
    return {"source": row.source, "diagnostics": [d.to_dict(msgs) for d in row.diagnostics]}


def _gap_data(gap: GapStat) -> dict[str, Any]:
    ind = gap.indicator
    return {"id": ind.id, "title": ind.title, "shortfall": ind.shortfall, "counted": list(SHORTFALL),
            "counts": {k: ind.counts[k] for k in ("not_met", "insufficient_evidence", "partial")},
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
        # Streamed like the schools: each gap can list every school of a province.
        ("most_not_met", (_gap_data(g) for g in s.top_gaps)),
        ("schools", (school_data(rank, row, s, ids) for rank, row in s.ranking)),
        ("invalid", (_invalid_data(row, msgs) for row in s.invalid)),
        ("duplicate_codes", [{"code": d.code, "sources": list(d.sources)} for d in s.duplicates]),
    ])


# ---------------------------------------------------------------- CSV and XLSX share one table


def _table_header(s: CountySummary, msgs: Messages) -> list[str]:
    ui = msgs.ui
    return ([ui("rank"), ui("source"), ui("code"), ui("school"), ui("county"), ui("school_type"), ui("total")]
            + [f"{d.id} {d.name}" for d in s.dimensions]
            + [ui("grade"), ui("level"), ui("veto"), ui("gate"), ui("gate_reasons"), ui("report_file")]
            + [i.id for i in s.indicators] + [ui("diagnostics")])


def _duplicate_note(d: DuplicateCode, msgs: Messages) -> str:
    return msgs.ui("duplicate_code_note", code=d.code, files=msgs.ui("list_separator").join(d.sources))


def _table_rows(s: CountySummary, msgs: Messages) -> Iterator[list[Any]]:
    """One row per input file: ranked schools first, then the invalid files with their diagnostics."""
    ui = msgs.ui
    blank_dims = [""] * len(s.dimensions)
    blank_statuses = [""] * len(s.indicators)
    notes = {d.code: _duplicate_note(d, msgs) for d in s.duplicates}
    for rank, row in s.ranking:
        links = report_links(row)
        yield ([rank, row.source, row.code, row.name, row.county or "", s.type_names.get(row.type, row.type),
                row.total, *row.dimensions, s.grade_names[row.grade],
                s.level_names[row.level] if row.level else ui("level_none"), ", ".join(row.veto),
                ui("gate_pass") if row.passed else ui("gate_fail"), "; ".join(row.gate),
                links["html"] if links else ""]
               + [s.status_labels[c] for c in row.statuses] + [notes.get(row.code, "")])
    for inv in s.invalid:
        yield ([ui("invalid_rank"), inv.source, "", "", "", "", "", *blank_dims, "", "", "", ui("gate_invalid"),
                "", ""] + blank_statuses + ["\n".join(d.render(msgs) for d in inv.diagnostics)])


def county_csv(s: CountySummary, msgs: Messages) -> Iterator[str]:
    """CSV text (write it as ``utf-8-sig`` so spreadsheet programs detect UTF-8); no cell is a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(spreadsheet_row(_table_header(s, msgs)))
    for row in _table_rows(s, msgs):
        writer.writerow(spreadsheet_row(row))
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
    from openpyxl import Workbook
    from openpyxl.cell import Cell, WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from dangjian_audit.reporters.xlsx_layout import (
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
    fills = {letter: PatternFill("solid", fgColor=color) for letter, color in
             {"M": "C6EFCE", "P": "FFEB9C", "N": "FFC7CE", "I": "E4D2F0", "A": "EDEDED", "W": "CFE2F3"}.items()}

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
            cell = value if isinstance(value, Cell) else WriteOnlyCell(ws, value=value)
            if cell.alignment.text_rotation == 0:
                cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=cell.alignment.horizontal)
            out.append(cell)
        return out

    header = _table_header(s, msgs)
    # The summary sheet keeps the per-school columns; the statuses go to the matrix sheet.
    fixed = 13 + len(s.dimensions)

    def summary_rows() -> Iterator[list[Any]]:
        for row in _table_rows(s, msgs):
            yield spreadsheet_row(row[:fixed] + row[-1:])

    summary_header = header[:fixed] + header[-1:]
    summary = Sheet(ui("sheet_summary"), summary_header, len(s.ranking) + len(s.invalid),
                    ColumnWidths(summary_header).add_all(summary_rows()))
    for row in summary_rows():
        summary.append(row)

    statuses = list(s.indicators[0].counts) if s.indicators else []
    ind_header = ([ui("id"), ui("dimension"), ui("title")] + [msgs.get("status", k) for k in statuses]
                  + [ui("shortfall"), ui("met_percent")])
    ind_rows = [spreadsheet_row([ind.id, ind.dimension, ind.title, *ind.counts.values(), ind.shortfall,
                                 ind.met_percent]) for ind in s.indicators]
    per_indicator = Sheet(ui("sheet_indicators"), ind_header, len(ind_rows), ColumnWidths(ind_header).add_all(ind_rows))
    for row in ind_rows:
        per_indicator.append(row)

    # The matrix is a heatmap: one narrow column per indicator holding the status symbol on its colour, the
    # legend below the schools (the HTML summary does the same), so all 47 indicators fit across one page.
    ids = [i.id for i in s.indicators]
    matrix_header = [ui("rank"), ui("code"), ui("school"), ui("total")] + ids
    lead = ColumnWidths(matrix_header[:4]).add_all([rank, school.code, school.name, school.total]
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
        cells: list[Any] = spreadsheet_row([rank, school.code, school.name, school.total])
        for letter in school.statuses:
            cell = WriteOnlyCell(matrix.ws, value=STATUS_SYMBOLS[letter])
            cell.fill = fills[letter]
            cell.alignment = centred
            cells.append(cell)
        matrix.append(cells)
    matrix.append([])
    legend = WriteOnlyCell(matrix.ws, value=ui("legend"))
    legend.font = bold
    matrix.append([None, None, legend])
    for letter in STATUS_SYMBOLS:
        cell = WriteOnlyCell(matrix.ws, value=spreadsheet_cell(f"{STATUS_SYMBOLS[letter]} {s.status_labels[letter]}"))
        cell.fill = fills[letter]
        matrix.append([None, None, cell])

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
    return _fixed_zip_dates(buffer.getvalue(), stamp)


CORE_PROPERTIES = "docProps/core.xml"
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def _fixed_core_dates(xml: bytes, stamp: dt.datetime) -> bytes:
    """Date the workbook's created and modified properties ``stamp``.

    openpyxl sets ``modified`` to the time of saving whatever the workbook says, so it is rewritten here.
    """
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    return _CORE_DATES.sub(lambda m: m.group(1) + when + m.group(3), xml)


def _fixed_zip_dates(data: bytes, stamp: dt.datetime) -> bytes:
    """Rewrite a zip archive with every entry, and the workbook's created and modified dates, set to ``stamp``.

    openpyxl stamps the entries and ``dcterms:modified`` with the time of writing.
    """
    out = io.BytesIO()
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename == CORE_PROPERTIES:
                content = _fixed_core_dates(content, stamp)
            dst.writestr(entry, content)
    return out.getvalue()


# ---------------------------------------------------------------- Markdown and HTML


def _view(s: CountySummary, links: bool) -> dict[str, Any]:
    gaps = [{"ind": g.indicator, "shown": g.schools[:SHOWN_SCHOOLS], "more": max(0, len(g.schools) - SHOWN_SCHOOLS)}
            for g in s.top_gaps]
    return {"s": s, "gaps": gaps, "symbols": STATUS_SYMBOLS, "letters": list(STATUS_SYMBOLS),
            "reports_dir": REPORTS_DIR, "links": links}


def county_markdown(s: CountySummary, msgs: Messages, links: bool = False) -> Iterator[str]:
    """Markdown pieces; ``links`` points school names at ``schools/<code>.md`` (for files under ``--out``)."""
    template = environment().get_template("county.md.j2")
    return template.generate(ui=msgs.ui, msgs=msgs, **_view(s, links))


def county_html(s: CountySummary, msgs: Messages, links: bool = False) -> Iterator[str]:
    """Self-contained HTML pieces: inline CSS, no script, font, image or external link."""
    template = environment().get_template("county.html.j2")
    return template.generate(ui=msgs.ui, msgs=msgs, lang=msgs.lang, **_view(s, links))


# ---------------------------------------------------------------- terminal


def county_text(s: CountySummary, msgs: Messages, color: bool = False, width: int = 132) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    ui = msgs.ui
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, color_system="standard" if color else None,
                      highlight=False, soft_wrap=False, emoji=False, markup=False)
    console.print(Text(f"{ui('county_title')} · {s.catalog['id']} {s.catalog['version']} · {ui('as_of')} {s.as_of}",
                       style="bold"))
    console.print(ui("county_counts", files=s.files, scored=s.scored, invalid=s.invalid_count, passed=s.passed,
                     failed=s.gate_failed, line=_num(s.fail_under)))
    console.print(f"{ui('average_total')}: {_num(s.average_total)}")
    ranking = Table(title=ui("ranking"), title_justify="left", show_edge=False, pad_edge=False)
    ranking.add_column(ui("rank"), justify="right")
    # Names are never cut: a long one folds onto a second line (cutting made 第1… and 第10… look alike).
    ranking.add_column(ui("school"), overflow="fold", min_width=12)
    ranking.add_column(ui("code"), no_wrap=True)
    ranking.add_column(ui("total"), justify="right")
    for d in s.dimensions:
        ranking.add_column(d.id, justify="right")
    ranking.add_column(ui("grade"), no_wrap=True)
    ranking.add_column(ui("level"), overflow="fold")
    ranking.add_column(ui("gate"), no_wrap=True)
    for rank, row in s.ranking:
        gate = Text(ui("gate_pass"), style="green") if row.passed else Text(ui("gate_fail"), style="bold red")
        ranking.add_row(str(rank), row.name, row.code, f"{row.total:.2f}", *(f"{x:.2f}" for x in row.dimensions),
                        s.grade_names[row.grade], s.level_names[row.level] if row.level else "—", gate)
    console.print(ranking)
    dims = Table(title=ui("dimension_averages"), title_justify="left", show_edge=False, pad_edge=False)
    for name, just in ((ui("dimension"), "left"), (ui("average"), "right"), (ui("max"), "right")):
        dims.add_column(name, justify=just)  # type: ignore[arg-type]
    for d in s.dimensions:
        dims.add_row(f"{d.id} {d.name}", _num(d.average), _num(d.max))
    console.print(dims)
    dist = Table(title=ui("distribution"), title_justify="left", show_edge=False, pad_edge=False)
    for name, just in ((ui("grade") + " / " + ui("level"), "left"), (ui("schools"), "right"),
                       (ui("share"), "right")):
        dist.add_column(name, justify=just)  # type: ignore[arg-type]
    for g in s.grades:
        dist.add_row(g.name, str(g.count), f"{g.percent:.1f}%")
    dist.add_section()
    for lv in s.levels:
        dist.add_row(lv.name, str(lv.count), f"{lv.percent:.1f}%")
    console.print(dist)
    if s.top_gaps:
        gaps = Table(title=ui("most_not_met"), title_justify="left", show_edge=False, pad_edge=False)
        gaps.add_column(ui("indicator"), max_width=28, overflow="fold")
        gaps.add_column(ui("gap_count"), justify="right")
        for key in SHORTFALL:
            gaps.add_column(msgs.get("status", key), justify="right")
        gaps.add_column(ui("partial_not_counted"), justify="right")
        gaps.add_column(ui("schools_affected"), overflow="fold", ratio=1)
        for gap in s.top_gaps:
            ind = gap.indicator
            names = ui("enum_comma").join(r.name for r in gap.schools[:SHOWN_SCHOOLS])
            if len(gap.schools) > SHOWN_SCHOOLS:
                names += ui("and_more", count=len(gap.schools) - SHOWN_SCHOOLS)
            gaps.add_row(f"{ind.id} {ind.title}", str(ind.shortfall), *(str(ind.counts[k]) for k in SHORTFALL),
                         str(ind.counts["partial"]), names)
        console.print(gaps)
    if s.duplicates:
        console.print(Text(ui("duplicate_codes", count=len(s.duplicates)), style="bold yellow"))
        for dup in s.duplicates:
            console.print(_duplicate_note(dup, msgs), soft_wrap=True)
    if s.invalid:
        console.print(Text(ui("invalid_files", count=s.invalid_count), style="bold red"))
        for inv in s.invalid:
            for diag in inv.diagnostics:
                console.print(diag.render(msgs), soft_wrap=True)
    return buffer.getvalue()
