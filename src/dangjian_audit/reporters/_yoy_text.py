"""Terminal text for year on year (issue 11): a school's baseline comparison and waivers, the county trend, and
the ``diff`` command's text. Like the text format, it renders tables into a string with rich (no printing).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from dangjian_audit.i18n import Messages
from dangjian_audit.models.result import SchoolReport

if TYPE_CHECKING:
    from rich.console import Console

    from dangjian_audit.models.county import CountySummary


def print_year_on_year(console: Console, r: SchoolReport, msgs: Messages) -> None:
    """The baseline comparison and the waivers' audit trail (issue 11), when the report has them."""
    from rich.table import Table
    from rich.text import Text

    from dangjian_audit.reporters._yoy_view import baseline_view, waivers_view

    yoy = msgs.table.get("yoy", {})
    ui = msgs.ui
    b = baseline_view(r, msgs)
    if b is not None:
        console.print(Text(yoy["baseline_title"], style="bold"))
        console.print(b["ref"])
        console.print(f"{b['total']}    {b['grade']}    {b['level']}")
        console.print(b["counts"])
        dims = Table(show_edge=False, pad_edge=False)
        for name, just in ((ui("dimension"), "left"), (yoy["then"], "right"), (yoy["now"], "right"),
                           (yoy["delta"], "right")):
            dims.add_column(name, justify=just)  # type: ignore[arg-type]
        for d in b["dimensions"]:
            dims.add_row(f"{d['id']} {d['name']}", d["then"], d["now"], d["delta"])
        console.print(dims)
        if not b["gaps"]:
            console.print(yoy["no_gap_changes"])
        else:
            table = Table(show_edge=False, pad_edge=False)
            table.add_column(ui("indicator"), max_width=30, overflow="fold")
            table.add_column(yoy["change"], no_wrap=True)
            table.add_column(ui("status"), overflow="fold")
            table.add_column(yoy["then"], justify="right", no_wrap=True)
            table.add_column(yoy["now"], justify="right", no_wrap=True)
            table.add_column(yoy["delta"], justify="right", no_wrap=True)
            for g in b["gaps"]:
                table.add_row(f"{g['id']} {g['title']}", g["change_label"], f"{g['status_then']} → {g['status_now']}",
                              g["points_then"], g["points_now"], g["delta"])
            console.print(table)
    w = waivers_view(r, msgs)
    if w is not None:
        console.print(Text(f"{yoy['waivers_title']} · {yoy['waivers_file']}: {w['file']}", style="bold"))
        if not w["applied"]:
            console.print(yoy["waivers_none_applied"])
        else:
            table = Table(show_edge=False, pad_edge=False)
            for name in (ui("indicator"), yoy["reason"], yoy["approved_by"], yoy["approved_on"], yoy["expires"]):
                table.add_column(name, overflow="fold")
            for x in w["applied"]:
                table.add_row(f"{x['indicator']} {x['title']}", x["reason"], x["approved_by"], x["approved_on"],
                              x["expires"])
            console.print(table)
        console.print(f"{yoy['total_without_waivers']}: {w['total_without']}    {ui('total')}: {w['total']}")
        if w["not_needed"]:
            console.print(f"{yoy['waivers_not_needed']}: " + ", ".join(x["indicator"] for x in w["not_needed"]))
        for line in w["warnings"]:
            console.print(Text(line, style="yellow"), soft_wrap=True)


def print_county_year_on_year(console: Console, s: CountySummary, msgs: Messages) -> None:
    """The trend and waivers sections of the terminal summary."""
    from rich.table import Table
    from rich.text import Text

    from dangjian_audit.reporters._county_trend import school_rows, trend_view, waivers_rows

    yoy = msgs.table["yoy"]
    ui = msgs.ui
    view = trend_view(s, msgs)
    if view is not None:
        console.print(Text(yoy["county_trend_title"], style="bold"))
        console.print(view["ref"], soft_wrap=True)
        console.print(f"{yoy['average_total_change']}: {view['average']}")
        console.print("  →  ".join(f"{p['as_of']} {p['average']}" for p in view["points"]))
        for key in ("improved", "worsened"):
            table = Table(title=yoy[f"indicators_{key}"], title_justify="left", show_edge=False, pad_edge=False)
            for name, just in ((ui("indicator"), "left"), (yoy["met_then"], "right"), (yoy["met_now"], "right"),
                               (yoy["delta"], "right")):
                table.add_column(name, justify=just)  # type: ignore[arg-type]
            for i in view[key]:
                table.add_row(f"{i['id']} {i['title']}", i["then"], i["now"], i["delta"])
            console.print(table if view[key] else f"{yoy[f'indicators_{key}']}: {yoy['none']}")
        moves = [(m, yoy["level_up"]) for m in view["up"]] + [(m, yoy["level_down"]) for m in view["down"]]
        console.print(f"{yoy['level_moves']}: " + ("；".join(
            f"{m['name']} ({m['code']}) {word} {m['then']} → {m['now']}" for m, word in moves) or yoy["none"]),
            soft_wrap=True)
        console.print(f"{yoy['schools_new']}: " + ("、".join(f"{x['name']} ({x['code']})" for x in view["new"])
                                                  or yoy["none"]), soft_wrap=True)
        console.print(f"{yoy['schools_gone']}: " + ("、".join(f"{x['name']} ({x['code']})" for x in view["gone"])
                                                   or yoy["none"]), soft_wrap=True)
        table = Table(title=yoy["school_changes"], title_justify="left", show_edge=False, pad_edge=False)
        table.add_column(ui("rank"), justify="right")
        table.add_column(ui("school"), no_wrap=True, overflow="ellipsis", max_width=26)
        table.add_column(yoy["total_then"], justify="right")
        table.add_column(ui("total"), justify="right")
        table.add_column(yoy["delta"], justify="right")
        table.add_column(ui("grade"), overflow="fold")
        table.add_column(ui("level"), overflow="fold")
        table.add_column(yoy["rank_change"], no_wrap=True)
        for c in school_rows(s, msgs):
            table.add_row(str(c["rank"]), c["name"], c["then"], c["total"], c["delta"], c["grade"], c["level"],
                          c["rank_change"])
        console.print(table)
    if s.waiver_set is not None:
        console.print(Text(f"{yoy['waivers_title']} · {yoy['waivers_file']}: {s.waiver_set.path}", style="bold"))
        rows = waivers_rows(s, msgs)
        for r in rows:
            console.print(f"{r['school']} {r['indicator']} {r['title']}: {r['reason']} "
                          f"({r['approved_by']}, {r['approved_on']} ~ {r['expires']})", soft_wrap=True)
        if not rows:
            console.print(yoy["waivers_none_county"])
        for line in s.waiver_warnings:
            console.print(Text(line, style="yellow"), soft_wrap=True)


def diff_text(report: SchoolReport, msgs: Messages, color: bool = False, width: int = 110) -> str:
    from rich.console import Console
    from rich.text import Text


    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, color_system="standard" if color else None,
                      highlight=False, soft_wrap=False, emoji=False, markup=False)
    console.print(Text(f"{msgs.get('yoy', 'diff_title')} · {report.school.name} ({report.school.code})", style="bold"))
    console.print(f"{msgs.ui('period')}: {report.period.start} ~ {report.period.end}    "
                  f"{msgs.ui('as_of')}: {report.as_of}    {msgs.ui('source')}: {report.source}")
    print_year_on_year(console, report.model_copy(update={"waivers": None}), msgs)
    return buffer.getvalue()
