"""Terminal summary with rich: the headline, the dimension table and the gaps by points lost."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from dangjian_audit.formatting import num, points
from dangjian_audit.i18n import Messages
from dangjian_audit.models.result import STATUS_KINDS, CheckRun, InvalidFile, SchoolReport
from dangjian_audit.reporters.base import Format, RenderOptions

if TYPE_CHECKING:
    from rich.console import Console

    from dangjian_audit.models.county import CountySummary

MAX_GAPS = 20


_num = num
_points = points


def _next_level(console: Console, r: SchoolReport, msgs: Messages) -> None:
    from rich.text import Text

    path = r.next_level
    if path is None:
        return
    console.print(Text(msgs.fmt("plan", "next_heading"), style="bold"))
    if not path.reachable:
        console.print(Text(msgs.fmt("plan", "next_unreachable", {"level": path.target.name})))
        for reason in path.reasons:
            console.print(Text(f"  · {reason}"))
        return
    console.print(Text(msgs.fmt("plan", "next_reachable", {"level": path.target.name, "count": path.gaps,
                                                            "after": _num(path.total_after or 0)})))
    for step in path.steps:
        console.print(Text("  · " + msgs.fmt("plan", "next_step", {"id": step.id, "title": step.title,
                                                                 "points": _points(step.regained)})))
    if path.more:
        console.print(Text("  " + msgs.fmt("plan", "next_more", {"count": path.more})))


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
    _next_level(console, r, msgs)
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
    lines = ["· " + msgs.ui("labelled", label=f"{i.id} {i.title}", text=f.message)
             for i in r.indicators if i.id in r.warnings
             for f in i.findings if f.severity == "warning"]
    if lines:
        from rich.text import Text

        console.print(Text(msgs.ui("warnings"), style="bold yellow"))
        for line in lines:
            console.print(line)


def render_text(reports: list[SchoolReport], msgs: Messages, color: bool = False, width: int = 110,
                invalid: Sequence[InvalidFile] = ()) -> str:
    from rich.console import Console
    from rich.text import Text

    from dangjian_audit.reporters._yoy_text import print_year_on_year

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, color_system="standard" if color else None,
                      highlight=False, soft_wrap=False, emoji=False, markup=False)
    for n, report in enumerate(reports):
        if n:
            console.print()
        _one(console, report, msgs)
        print_year_on_year(console, report, msgs)  # issue 11: baseline and waivers, when given
    if invalid:
        if reports:
            console.print()
        console.print(Text(msgs.ui("invalid_files", count=len(invalid)), style="bold red"))
        for item in invalid:
            for d in item.diagnostics:
                console.print(d.render(msgs), soft_wrap=True)
    return buffer.getvalue()


def county_text(s: CountySummary, msgs: Messages, color: bool = False, width: int = 132) -> str:
    """The county summary at a terminal: ranking, averages, distribution, the most common gaps."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from dangjian_audit.models.county import SHORTFALL
    from dangjian_audit.reporters._county import SHOWN_SCHOOLS, duplicate_note

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
        # a capped total is starred here and explained under the table
        total = points(row.total) + ("*" if row.capped_from is not None else "")
        ranking.add_row(str(rank), row.name, row.code, total, *(points(x) for x in row.dimensions),
                        s.grade_names[row.grade], s.level_names[row.level] if row.level else "—", gate)
    console.print(ranking)
    for _, row in s.ranking:
        if row.capped_from is not None:
            console.print(f"* {row.name}{ui('capped_from', total=points(row.capped_from))}")
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
    from dangjian_audit.reporters._yoy_text import print_county_year_on_year

    print_county_year_on_year(console, s, msgs)  # issue 11: trend and waivers, when given
    if s.duplicates:
        console.print(Text(ui("duplicate_codes", count=len(s.duplicates)), style="bold yellow"))
        for dup in s.duplicates:
            console.print(duplicate_note(dup, msgs), soft_wrap=True)
    if s.invalid:
        console.print(Text(ui("invalid_files", count=s.invalid_count), style="bold red"))
        for inv in s.invalid:
            for diag in inv.diagnostics:
                console.print(diag.render(msgs), soft_wrap=True)
    return buffer.getvalue()


def _school(run: CheckRun, opts: RenderOptions) -> str:
    return render_text(run.reports, opts.msgs, color=opts.color, invalid=run.invalid)


def _county(summary: CountySummary, opts: RenderOptions) -> str:
    return county_text(summary, opts.msgs, opts.color)


FORMAT = Format(name="text", suffix=".txt", school=_school, county=_county)
