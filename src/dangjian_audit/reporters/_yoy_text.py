"""Terminal sections for year on year (issue 11): the baseline comparison and the waivers' audit trail.

Called by the text reporter and the ``diff`` command; rich is imported here only when a section is printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dangjian_audit.i18n import Messages
from dangjian_audit.models.result import SchoolReport

if TYPE_CHECKING:
    from rich.console import Console


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
