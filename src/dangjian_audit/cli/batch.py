"""``batch``: score a county's evidence files together and write the county summary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from dangjian_audit.cli.app import app
from dangjian_audit.cli.common import (
    AsOfOpt,
    CatalogOpt,
    FailOnVetoOpt,
    FailUnderOpt,
    Lang,
    LangOpt,
    MaxSizeOpt,
    MinLevelOpt,
    OutputOpt,
    ProfileOpt,
    err,
    format_enum,
    load_ruleset,
    messages,
    parse_as_of,
    unwritable,
    usage,
    write,
)
from dangjian_audit.errors import EXIT_GATE, EXIT_INVALID, EXIT_OK
from dangjian_audit.reporters import county_formats

BatchFormat = format_enum("BatchFormat", list(county_formats()))
SUMMARY_STEM = "summary"


@app.command()
def batch(
    paths: Annotated[list[Path], typer.Argument(help="Folders (searched recursively for .yaml/.yml) or files.",
                                                show_default=False)],
    out: Annotated[Optional[Path], typer.Option(
        "--out", help="Write every summary format and one gap report per school into this folder.")] = None,
    jobs: Annotated[Optional[int], typer.Option(
        "--jobs", "-j", min=1, help="Worker processes (default: the usable cores).")] = None,
    format: Annotated[BatchFormat, typer.Option("--format", "-f", help="Summary format.")] = "text",  # type: ignore[valid-type]
    output: OutputOpt = None,
    as_of: AsOfOpt = None,
    fail_under: FailUnderOpt = None,
    fail_on_veto: FailOnVetoOpt = True,
    min_level: MinLevelOpt = None,
    profile: ProfileOpt = None,
    catalog: CatalogOpt = None,
    lang: LangOpt = Lang.zh,
    max_file_size: MaxSizeOpt = None,
    plan: Annotated[bool, typer.Option(
        "--plan", help="With --out: also write the county's rectification ledger (plan.xlsx, plan.md, plan.json).")
    ] = False,
) -> None:
    """Score a county's evidence files together: ranking, distributions, gaps and an indicator matrix.

    Every file appears in the result, scored or with its diagnostics. Exit codes as for check:
    3 if a file is invalid, else 1 if a school fails the gate, else 0.
    """
    from decimal import Decimal

    from dangjian_audit import batch as core
    from dangjian_audit.cli.progress import Progress, show_progress
    from dangjian_audit.errors import OutputError
    from dangjian_audit.models.county import REPORTS_DIR
    from dangjian_audit.reporters import RenderOptions

    msgs = messages(lang)
    day = parse_as_of(as_of, msgs)
    fmt = county_formats()[str(format.value)]  # type: ignore[attr-defined]
    if fmt.binary and output is None:
        raise usage(msgs, "usage_needs_output", format=fmt.name)
    if output is not None and output.is_dir():
        raise usage(msgs, "usage_output_is_dir", path=str(output))
    if plan and out is None:
        err("dangjian-audit: error [usage_plan_needs_out] " + msgs.fmt("plan", "usage_plan_needs_out"))
        raise typer.Exit(2)
    ruleset = load_ruleset(catalog, profile, msgs)
    files = core.discover(paths)
    if not files:
        raise usage(msgs, "usage_no_files")
    options = core.BatchOptions(
        as_of=day, lang=lang.value, catalog=str(catalog) if catalog else None,
        profile=str(profile) if profile else None,
        fail_under=Decimal(str(fail_under)) if fail_under is not None else None, fail_on_veto=fail_on_veto,
        min_level=min_level.value if min_level else None,
        reports_dir=str(out / REPORTS_DIR) if out is not None else None, max_file_bytes=max_file_size, plan=plan,
    )
    try:
        with Progress(len(files), msgs.ui("batch_progress"), show_progress()) as progress:
            summary = core.run_batch(files, ruleset, options, msgs, jobs or core.default_jobs(), progress.advance)
    except OutputError as exc:
        unwritable(exc, msgs)
    for row in summary.invalid:
        for d in row.diagnostics:
            err(d.render(msgs))
    if out is not None:
        # Every summary format beside the schools' reports, linking to them.
        linked = RenderOptions(msgs, ruleset, links=True)
        for name, summary_format in county_formats().items():
            if name == "text":
                continue
            assert summary_format.county is not None
            path = out / f"{SUMMARY_STEM}{summary_format.suffix}"
            write(summary_format.county(summary, linked), summary_format, path, msgs)
            err(msgs.ui("written", path=str(path)))
    if plan and out is not None:
        from dangjian_audit.cli.plan import write_county_plan

        write_county_plan(summary, ruleset, msgs, out, day.isoformat())
    color = output is None and fmt.name == "text" and sys.stdout.isatty()
    assert fmt.county is not None
    write(fmt.county(summary, RenderOptions(msgs, ruleset, color=color)), fmt, output, msgs)
    err(msgs.ui("batch_done", scored=summary.scored, invalid=summary.invalid_count, failed=summary.gate_failed))
    raise typer.Exit(EXIT_INVALID if summary.invalid_count else (EXIT_GATE if summary.gate_failed else EXIT_OK))
