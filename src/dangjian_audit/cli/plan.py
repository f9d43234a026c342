"""``plan``: the rectification plan (整改台账) for one evidence file.

Exit codes: 0 the target is reached or reachable this period, 1 it is not reachable this period,
2 usage error, 3 invalid input.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dangjian_audit.cli.app import app
from dangjian_audit.cli.common import (
    EXIT_HELP,
    AsOfOpt,
    CatalogOpt,
    H,
    Lang,
    LangOpt,
    MaxSizeOpt,
    OutputOpt,
    ProfileOpt,
    err,
    load_ruleset,
    messages,
    parse_as_of,
    usage,
    write,
)

if TYPE_CHECKING:
    from dangjian_audit.i18n import Messages
    from dangjian_audit.models.county import CountySummary
    from dangjian_audit.models.ruleset import Ruleset
    from dangjian_audit.planning import Target


class PlanFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    html = "html"
    xlsx = "xlsx"
    json = "json"


def parse_target(value: str | None, ruleset: Ruleset, msgs: Messages) -> Target | None:
    """``county``, ``city``, ``province`` or a total from 0 to 100; None for the next level up."""
    from decimal import Decimal, InvalidOperation

    from dangjian_audit import planning
    from dangjian_audit.errors import EXIT_USAGE

    if value is None:
        return None
    key = value.strip().lower()
    if any(lv.id == key for lv in ruleset.scoring.levels):
        return planning.level_target(ruleset, key)
    try:
        line = Decimal(key)
    except InvalidOperation:
        line = Decimal(-1)
    if not line.is_finite() or not 0 <= line <= 100:
        sys.stderr.write("dangjian-audit: error [usage_bad_target] "
                         + msgs.fmt("plan", "usage_bad_target", {"value": value}) + "\n")
        raise typer.Exit(EXIT_USAGE)
    return planning.Target(line.quantize(Decimal("0.01")))


@app.command("plan", epilog=EXIT_HELP, help=H("plan"))
def plan(
    file: Annotated[Path, typer.Argument(help=H("plan_file"), show_default=False)],
    target: Annotated[str | None, typer.Option(
        "--target", help=H("plan_target"))] = None,
    format: Annotated[PlanFormat, typer.Option("--format", "-f", help=H("plan_format"))] = PlanFormat.text,
    output: OutputOpt = None,
    previous: Annotated[Path | None, typer.Option(
        "--previous", help=H("plan_previous"))
    ] = None,
    as_of: AsOfOpt = None,
    profile: ProfileOpt = None,
    catalog: CatalogOpt = None,
    lang: LangOpt = Lang.zh,
    max_file_size: MaxSizeOpt = None,
) -> None:
    from dangjian_audit.diagnostics import Diagnostic
    from dangjian_audit.errors import InputError
    from dangjian_audit.plan_report import plan_file, read_previous
    from dangjian_audit.reporters import _plan as plan_ledger

    msgs = messages(lang)
    day = parse_as_of(as_of, msgs)
    if format is PlanFormat.xlsx and output is None:
        raise usage(msgs, "usage_needs_output", format=format.value)
    ruleset = load_ruleset(catalog, profile, msgs)
    wanted = parse_target(target, ruleset, msgs)
    try:
        old = read_previous(previous) if previous is not None else None
        report = plan_file(ruleset, file, str(file), day, msgs, wanted, old, max_bytes=max_file_size)
    except InputError as exc:
        for d in exc.diagnostics:
            err(d.render(msgs))
        raise typer.Exit(3) from None
    if old and not any(rid.startswith(f"{report.school.code}-") for rid in old):
        # a ledger of another school: nothing would carry over, which is surely a mistake
        err(Diagnostic(str(previous), "previous_other_school", {"code": report.school.code}).render(msgs))
        raise typer.Exit(3)
    rendered: str | bytes
    if format is PlanFormat.xlsx:
        rendered = plan_ledger.render_plan_xlsx([report], msgs, report.as_of)
    elif format is PlanFormat.json:
        rendered = plan_ledger.render_plan_json([report])
    elif format is PlanFormat.markdown:
        rendered = plan_ledger.render_plan_markdown([report], msgs)
    elif format is PlanFormat.html:
        rendered = plan_ledger.render_plan_html([report], msgs)
    else:
        rendered = plan_ledger.render_plan_text([report], msgs)
    write(rendered, None, output, msgs)
    if output is not None:
        err(msgs.fmt("plan", "written", {"path": str(output)}))
    raise typer.Exit(0 if report.reachable else 1)


def write_county_plan(summary: CountySummary, ruleset: Ruleset, msgs: Messages, out: Path, as_of: str) -> None:
    """``batch --plan --out DIR``: plan.xlsx (a county sheet, then one sheet per school), plan.md and plan.json."""
    from dangjian_audit.reporters import _plan as plan_ledger

    levels = sorted(ruleset.scoring.levels, key=lambda lv: lv.min)
    names: dict[str, str] = {lv.id: lv.name.get(msgs.lang) for lv in levels}
    plans, county = plan_ledger.county_plan_rows([row for _, row in summary.ranking], names)
    outputs: list[tuple[str, str | bytes]] = [
        ("plan.xlsx", plan_ledger.render_plan_xlsx(plans, msgs, as_of, county, names)),
        ("plan.md", plan_ledger.render_county_plan_markdown(plans, county, names, msgs)),
        ("plan.json", plan_ledger.render_plan_json(plans, county)),
    ]
    for name, rendered in outputs:
        write(rendered, None, out / name, msgs)
        err(msgs.ui("written", path=str(out / name)))
