"""The rectification ledger (整改台账) in every format: text, Markdown, HTML, JSON and a print-ready XLSX.

Reporters read :class:`~dangjian_audit.models.plan.PlanReport` only. The county workbook adds a
summary sheet (:class:`CountyPlanRow`): which level each school can reach this period and how many
gaps it must close for each level.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dangjian_audit.formatting import json_number
from dangjian_audit.i18n import Messages
from dangjian_audit.models.plan import LEDGER_STATUSES, PlanReport
from dangjian_audit.reporters._jinja import environment

# Spreadsheet column widths (characters) of the ledger columns, in order.
WIDTHS = (18, 24, 36, 40, 36, 30, 14, 8, 12, 9, 10, 18)
MAX_SHEET_TITLE = 31


@dataclass(frozen=True)
class CountyPlanRow:
    """One school in the county sheet: its level now, the best level reachable, gaps per level."""

    code: str
    name: str
    total: Decimal
    level: str | None
    reachable: str | None
    gaps: dict[str, int | None]


def _tools(msgs: Messages) -> dict[str, Any]:
    def p(key: str, **args: Any) -> str:
        return msgs.fmt("plan", key, args)

    def target_text(r: PlanReport) -> str:
        if r.target.kind == "level":
            return p("target_level", name=r.target.name, line=r.target.line)
        return p("target_score", line=r.target.line)

    return {"p": p, "ui": msgs.ui, "target_text": target_text}


def render_plan_markdown(plans: list[PlanReport], msgs: Messages) -> str:
    return environment().get_template("plan.md.j2").render(plans=plans, **_tools(msgs))


def render_plan_html(plans: list[PlanReport], msgs: Messages) -> str:
    return environment().get_template("plan.html.j2").render(plans=plans, lang=msgs.lang, **_tools(msgs))


def render_plan_json(plans: list[PlanReport], county: list[CountyPlanRow] | None = None) -> str:
    data: Any = [p.model_dump(mode="json") for p in plans]
    if county is not None:
        data = {"format_version": 1, "kind": "county_rectification_plan",
                "county": [{k: json_number(v) for k, v in vars(c).items()} for c in county], "schools": data}
    elif len(data) == 1:
        data = data[0]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_plan_text(plans: list[PlanReport], msgs: Messages) -> str:
    t = _tools(msgs)
    p = t["p"]
    out: list[str] = []
    for r in plans:
        if out:
            out.append("")
        out.append(p("heading", name=r.school.name, code=r.school.code))
        out.append(f"{msgs.ui('total')} {r.total_before} · {p('target')} {t['target_text'](r)} · "
                   f"{msgs.ui('as_of')} {r.as_of}")
        if r.reached:
            out.append(p("summary_reached", total=r.total_before))
        elif r.reachable:
            level = r.level_after.name if r.level_after else msgs.ui("level_none")
            out.append(p("summary_reachable", count=r.gaps_closed, before=r.total_before, after=r.total_after,
                         level=level) + " " + p("summary_effort", effort=r.effort))
        else:
            out.append(p("summary_unreachable"))
            out.extend(f"  - {reason}" for reason in r.reasons)
        if r.rows:
            out.append("")
            out.append(p("rows_heading"))
            for row in r.rows:
                note = f" [{row.required}]" if row.required else ""
                out.append(f"  {row.row_id}  {row.indicator} {row.title}  +{row.regained}  "
                           f"{row.owner.name}  {row.deadline}  {row.ledger_status_label}{note}")
                out.append(f"      {p('col_remediation')}: {row.remediation}")
                for line in row.evidence:
                    out.append(f"      {p('col_evidence')}: {line}")
        if r.blocked:
            out.append("")
            out.append(p("blocked_heading"))
            out.extend(f"  {b.indicator} {b.title}  -{b.lost}  {b.reason}" for b in r.blocked)
        out.append("")
        out.append(f"{p('other_heading')}: {', '.join(r.other_gaps) if r.other_gaps else p('none')}")
    return "\n".join(out) + "\n"


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _lines(value: Any, width: int) -> int:
    """How many lines a wrapped cell takes at a column width (CJK characters count double)."""
    if value is None:
        return 1
    return sum(max(1, math.ceil(_display_width(part) / max(1, width - 1))) for part in str(value).split("\n"))


def _fit_rows(ws: Any, first: int, last: int) -> None:
    # Spreadsheet programs do not grow row heights for wrapped text they did not lay out themselves,
    # so each row gets the height of its tallest cell (15 points a line).
    for r in range(first, last + 1):
        tallest = max(_lines(cell.value, WIDTHS[k] if k < len(WIDTHS) else 10) for k, cell in enumerate(ws[r]))
        ws.row_dimensions[r].height = 15 * tallest


_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(text: str, taken: set[str]) -> str:
    base = _SHEET_UNSAFE.sub("_", text).strip("'") or "school"
    base = base[:MAX_SHEET_TITLE]
    title, n = base, 1
    while title.casefold() in taken:
        n += 1
        suffix = f"-{n}"
        title = base[:MAX_SHEET_TITLE - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


def _ledger_sheet(wb: Any, title: str, plan: PlanReport, msgs: Messages) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    p = _tools(msgs)["p"]
    ws = wb.create_sheet(title)
    header = [p("col_row_id"), p("col_indicator"), p("col_problem"), p("col_remediation"), p("col_evidence"),
              p("col_basis"), p("col_owner"), p("col_effort"), p("col_deadline"), p("col_regained"),
              p("col_status"), p("col_note")]
    ws.append(header)
    bold = Font(bold=True)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    fill = PatternFill("solid", fgColor="F3E9E9")
    for cell in ws[1]:
        cell.font, cell.alignment, cell.border, cell.fill = bold, wrap, border, fill
    for row in plan.rows:
        notes = [text for text in (row.required, p("note_late") if row.late else None,
                                   None if row.in_plan else p("note_carried")) if text]
        ws.append([row.row_id, f"{row.indicator} {row.title}", "\n".join(row.problem), row.remediation,
                   "\n".join(row.evidence), "\n".join(row.basis), row.owner.name, row.effort.name,
                   dt.date.fromisoformat(row.deadline), float(row.regained), row.ledger_status_label,
                   "\n".join(notes)])
    last = len(plan.rows) + 1
    for line in ws.iter_rows(min_row=2, max_row=last):
        for cell in line:
            cell.alignment, cell.border = wrap, border
        line[8].number_format = "yyyy-mm-dd"
        line[9].number_format = "0.00"
    for k, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(k)].width = width
    _fit_rows(ws, 1, last)
    status_col = get_column_letter(11)
    labels = [plan.ledger_statuses[s] for s in LEDGER_STATUSES]
    # A drop-down on the status column, with room below the rows for entries added by hand.
    dv = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True,
                        showDropDown=False)
    dv.error = dv.prompt = ", ".join(labels)
    dv.showErrorMessage = dv.showInputMessage = True
    dv.add(f"{status_col}2:{status_col}{max(last, 2) + 100}")
    ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{last}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddHeader.center.text = f"{p('title')} {plan.school.name} ({plan.school.code})"
    ws.oddFooter.center.text = "&P / &N"
    if plan.blocked:
        ws.append([])
        ws.append([p("blocked_heading")])
        ws.cell(ws.max_row, 1).font = bold
        ws.append([p("col_indicator"), p("col_lost"), p("col_reason")])
        for cell in ws[ws.max_row]:
            cell.font = bold
        for b in plan.blocked:
            # the reason spans the columns to the right so it reads as one paragraph
            ws.append([f"{b.indicator} {b.title}", float(b.lost), b.reason])
            r = ws.max_row
            ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=6)
            for cell in ws[r]:
                cell.alignment = wrap
            ws.row_dimensions[r].height = 15 * max(_lines(b.reason, sum(WIDTHS[2:6])), _lines(ws.cell(r, 1).value,
                                                                                             WIDTHS[0]))


def _county_sheet(wb: Any, title: str, county: list[CountyPlanRow], level_names: dict[str, str],
                  msgs: Messages) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    p = _tools(msgs)["p"]
    ws = wb.create_sheet(title)
    header = [p("col_code"), p("col_school"), p("col_total"), p("col_level"), p("col_reachable_level")]
    header += [p("col_gaps_for", level=name) for name in level_names.values()]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in county:
        gaps: list[Any] = [row.gaps.get(lv) if row.gaps.get(lv) is not None else p("not_reachable")
                           for lv in level_names]
        ws.append([row.code, row.name, float(row.total), level_names.get(row.level or "", msgs.ui("level_none")),
                   level_names.get(row.reachable or "", p("not_reachable")), *gaps])
        ws.cell(ws.max_row, 3).number_format = "0.00"
    for k, width in enumerate((16, 28, 10, 18, 20, *([16] * len(level_names))), 1):
        ws.column_dimensions[get_column_letter(k)].width = width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def render_plan_xlsx(plans: list[PlanReport], msgs: Messages, as_of: str, county: list[CountyPlanRow] | None = None,
                     level_names: dict[str, str] | None = None) -> bytes:
    """The ledger workbook: one sheet per school (with a county sheet first when ``county`` is given)."""
    from openpyxl import Workbook

    from dangjian_audit.archive import fixed_zip_dates

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    p = _tools(msgs)["p"]
    if county is not None:
        _county_sheet(wb, _sheet_title(p("county_title"), taken), county, level_names or {}, msgs)
    for plan in plans:
        name = plan.school.code if county is not None or len(plans) > 1 else p("title")
        _ledger_sheet(wb, _sheet_title(name, taken), plan, msgs)
    if not wb.worksheets:
        wb.create_sheet(_sheet_title(p("title"), taken))
    # No wall clock: the workbook and its archive entries are dated by the audit date (byte-identical reruns).
    stamp = dt.datetime.combine(dt.date.fromisoformat(as_of), dt.time())
    wb.properties.created = wb.properties.modified = stamp
    buffer = io.BytesIO()
    wb.save(buffer)
    return fixed_zip_dates(buffer.getvalue(), stamp)


def county_plan_rows(rows: Any, level_names: dict[str, str]) -> tuple[list[PlanReport], list[CountyPlanRow]]:
    """The plans and county sheet rows of ``batch --plan`` from school rows that carry their plans."""
    plans: list[PlanReport] = []
    county: list[CountyPlanRow] = []
    for row in rows:
        if row.plan is None:
            continue
        plans.append(PlanReport.model_validate_json(row.plan))
        gaps = dict(row.plan_levels)
        reachable = [lv for lv in level_names if gaps.get(lv) is not None]
        county.append(CountyPlanRow(code=row.code, name=row.name, total=row.total, level=row.level,
                                    reachable=reachable[-1] if reachable else None, gaps=gaps))
    return plans, county


def render_county_plan_markdown(plans: list[PlanReport], county: list[CountyPlanRow], level_names: dict[str, str],
                                msgs: Messages) -> str:
    return environment().get_template("county_plan.md.j2").render(
        plans=plans, county=county, level_names=level_names, **_tools(msgs))
