"""Terminal summary with rich: the headline, the dimension table and the gaps by points lost."""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from dangjian_audit.diagnostics import InvalidFile
from dangjian_audit.i18n import Messages
from dangjian_audit.models.result import SchoolReport

MAX_GAPS = 20
STATUS_STYLE = {
    "met": "green",
    "partial": "yellow",
    "not_met": "red",
    "insufficient_evidence": "magenta",
    "not_applicable": "dim",
    "awaiting_inspector": "cyan",
}


def _num(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2f}"


def _points(value: float) -> str:
    """Points in a table column: always two decimals, so ``2.00`` lines up with ``2.50``."""
    return f"{value:.2f}"


def _one(console: Console, r: SchoolReport, msgs: Messages) -> None:
    ui = msgs.ui
    console.print(Text(f"{ui('report_title')} · {r.school.name} ({r.school.code})", style="bold"))
    console.print(f"{ui('period')}: {r.period.start} ~ {r.period.end}    {ui('as_of')}: {r.as_of}    "
                  f"{ui('catalog')}: {r.catalog.id} {r.catalog.version}")
    level = r.level.name if r.level else ui("level_none")
    veto = ", ".join(r.veto) if r.veto else ui("veto_none")
    console.print(Text.assemble(
        (f"{ui('total')}: ", "bold"), (f"{_num(r.total)}/{_num(r.max)}", "bold"),
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
        table.add_row(f"{ind.id} {ind.title}", Text(ind.status_label, style=STATUS_STYLE[ind.status]),
                      _points(ind.lost), "\n".join(lines))
    console.print(table)
    if len(gaps) > MAX_GAPS:
        console.print(ui("more_gaps", count=len(gaps) - MAX_GAPS))


def render_text(reports: list[SchoolReport], msgs: Messages, color: bool = False, width: int = 110,
                invalid: Sequence[InvalidFile] = ()) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, color_system="standard" if color else None,
                      highlight=False, soft_wrap=False, emoji=False, markup=False)
    for n, report in enumerate(reports):
        if n:
            console.print()
        _one(console, report, msgs)
    if invalid:
        if reports:
            console.print()
        console.print(Text(msgs.ui("invalid_files", count=len(invalid)), style="bold red"))
        for item in invalid:
            for d in item.diagnostics:
                console.print(d.render(msgs), soft_wrap=True)
    return buffer.getvalue()
