"""Terminal summary with rich: the headline, the dimension table and the gaps by points lost."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from dangjian_audit.formatting import num, points
from dangjian_audit.i18n import Messages
from dangjian_audit.models.result import STATUS_KINDS, CheckRun, SchoolReport
from dangjian_audit.reporters.base import Format, RenderOptions

if TYPE_CHECKING:
    from rich.console import Console

    from dangjian_audit.models.county import CountySummary

MAX_GAPS = 20


_num = num
_points = points


def _one(console: Console, r: SchoolReport, msgs: Messages) -> None:
    from rich.table import Table
    from rich.text import Text

    ui = msgs.ui
    console.print(Text(f"{ui('report_title')} · {r.school.name} ({r.school.code})", style="bold"))
    console.print(f"{ui('period')}: {r.period.start} ~ {r.period.end}    {ui('as_of')}: {r.as_of}    "
                  f"{ui('catalog')}: {r.catalog.id} {r.catalog.version}")
    level = r.level.name if r.level else ui("level_none")
    veto = ", ".join(r.veto) if r.veto else ui("veto_none")
    console.print(Text.assemble(
        (f"{ui('total')}: ", "bold"), (f"{_num(r.total)}/{_num(r.max)}", "bold"),
        (ui("veto_capped", uncapped=_num(r.veto_cap.uncapped_total), cap=_num(r.veto_cap.cap),
            reason=r.veto_cap.reason) if r.veto_cap else "", "bold red"),
        f"    {ui('grade')}: {r.grade.name}    {ui('level')}: {level}    ",
        (f"{ui('veto')}: {veto}", "bold red" if r.veto else ""),
        (f"    {ui('veto_unverified')}: {', '.join(r.veto_unverified)}" if r.veto_unverified else "", "bold magenta"),
    ))
    if r.pending_inspection:
        console.print(f"{ui('pending')}: {_num(r.pending_inspection)}")
    dims = Table(show_edge=False, pad_edge=False)
    for name, just in ((ui("dimension"), "left"), (ui("score"), "right"), (ui("max"), "right"),
                       (ui("percent"), "right")):
        dims.add_column(name, justify=just)  # type: ignore[arg-type]
    for d in r.dimensions:
        dims.add_row(f"{d.id} {d.name}", _num(d.score), _num(d.max), f"{d.percent:.1f}%")
    console.print(dims)
    _warnings(console, r, msgs)
    gaps = [i for i in r.indicators if i.id in set(r.gaps)]
    gaps.sort(key=lambda i: r.gaps.index(i.id))
    if not gaps:
        console.print(ui("no_gaps"))
        return
    console.print(Text(ui("gaps"), style="bold"))
    table = Table(show_edge=False, pad_edge=False, show_lines=False)
    table.add_column(ui("indicator"), max_width=26, overflow="fold")
    table.add_column(ui("status"), no_wrap=True)
    table.add_column(ui("lost"), justify="right", no_wrap=True)
    table.add_column(ui("findings"), overflow="fold", ratio=1)
    for ind in gaps[:MAX_GAPS]:
        lines = []
        for f in ind.findings[:3]:
            where = f" [{f.location.path}:{f.location.line}]" if f.location and f.location.line else ""
            lines.append(f"· {f.message}{where}")
        if len(ind.findings) > 3:
            lines.append("· " + ui("more_findings", count=len(ind.findings) - 3))
        lines.append(f"→ {ind.remediation}")
        table.add_row(f"{ind.id} {ind.title}", Text(ind.status_label, style=STATUS_KINDS[ind.status].style),
                      _points(ind.lost), "\n".join(lines))
    console.print(table)
    if len(gaps) > MAX_GAPS:
        console.print(ui("more_gaps", count=len(gaps) - MAX_GAPS))


def _warnings(console: Console, r: SchoolReport, msgs: Messages) -> None:
    """Findings that cost nothing (e.g. an organization type that does not fit its size)."""
    lines = [f"· {i.id} {i.title}: {f.message}" for i in r.indicators if i.id in r.warnings
             for f in i.findings if f.severity == "warning"]
    if lines:
        from rich.text import Text

        console.print(Text(msgs.ui("warnings"), style="bold yellow"))
        for line in lines:
            console.print(line)


def render_text(reports: list[SchoolReport], msgs: Messages, color: bool = False, width: int = 110) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, color_system="standard" if color else None,
                      highlight=False, soft_wrap=False, emoji=False, markup=False)
    for n, report in enumerate(reports):
        if n:
            console.print()
        _one(console, report, msgs)
    return buffer.getvalue()


def _school(run: CheckRun, opts: RenderOptions) -> str:
    return render_text(run.reports, opts.msgs, color=opts.color)


def _county(summary: CountySummary, opts: RenderOptions) -> str:
    from dangjian_audit.reporters._county import county_text

    return county_text(summary, opts.msgs, opts.color)


FORMAT = Format(name="text", suffix=".txt", school=_school, county=_county)
