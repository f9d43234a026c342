"""``batch``: score a county's evidence files together and write the county summary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer

from dangjian_audit.cli.app import app
from dangjian_audit.cli.common import (
    AsOfOpt,
    CatalogOpt,
    FailOnVetoOpt,
    FailUnderOpt,
    H,
    LangOpt,
    MaxSizeOpt,
    MinLevelOpt,
    OutputOpt,
    ProfileOpt,
    QuietOpt,
    WaiversOpt,
    copy_output,
    err,
    format_enum,
    load_ruleset,
    note,
    parse_as_of,
    set_quiet,
    settings,
    unwritable,
    usage,
    usage_problem,
    write,
)
from dangjian_audit.errors import EXIT_GATE, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK
from dangjian_audit.reporters import county_formats

if TYPE_CHECKING:
    from collections.abc import Callable

    from dangjian_audit.i18n import Messages
    from dangjian_audit.models.county import CountySummary
    from dangjian_audit.reporters import Format, RenderOptions

BatchFormat = format_enum("BatchFormat", list(county_formats()))
SUMMARY_STEM = "summary"


@app.command(help=H("batch"))
def batch(
    paths: Annotated[list[Path], typer.Argument(help=H("batch_paths"), show_default=False)],
    out: Annotated[Optional[Path], typer.Option("--out", help=H("batch_out"))] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help=H("batch_jobs"))] = None,
    format: Annotated[Optional[BatchFormat], typer.Option("--format", "-f", help=H("batch_format"))] = None,  # type: ignore[valid-type]
    output: OutputOpt = None,
    as_of: AsOfOpt = None,
    fail_under: FailUnderOpt = None,
    fail_on_veto: FailOnVetoOpt = None,
    min_level: MinLevelOpt = None,
    profile: ProfileOpt = None,
    catalog: CatalogOpt = None,
    lang: LangOpt = None,
    max_file_size: MaxSizeOpt = None,
    quiet: QuietOpt = False,
    plan: Annotated[bool, typer.Option(
        "--plan", help="With --out: also write the county's rectification ledger (plan.xlsx, plan.md, plan.json).")
    ] = False,
    baseline: Annotated[Optional[Path], typer.Option("--baseline", help=H("batch_baseline"))] = None,
    history: Annotated[Optional[list[Path]], typer.Option("--history", help=H("batch_history"))] = None,
    waivers: WaiversOpt = None,
) -> None:
    from decimal import Decimal

    from dangjian_audit import batch as core
    from dangjian_audit.cli import yoy as yoy_cli
    from dangjian_audit.cli.progress import Progress, show_progress
    from dangjian_audit.conventions import UsageProblem, choose_format, output_path
    from dangjian_audit.errors import OutputError
    from dangjian_audit.models.county import REPORTS_DIR, Row, SchoolRow
    from dangjian_audit.outputs import clear_incomplete
    from dangjian_audit.reporters import RenderOptions

    set_quiet(quiet)
    msgs, opts = settings(lang, profile, catalog, as_of, fail_under, fail_on_veto, min_level, jobs)
    formats = county_formats()
    try:
        name = choose_format(str(format.value) if format is not None else None,
                             output, {f.suffix: f.name for f in formats.values()}, "text")
    except UsageProblem as problem:
        raise usage_problem(msgs, problem) from None
    target = output_path(output)
    day = parse_as_of(opts.as_of, msgs)
    fmt = formats[name]
    if fmt.binary and target is None:
        raise usage(msgs, "usage_needs_output", format=fmt.name)
    if target is not None and target.is_dir():
        raise usage(msgs, "usage_output_is_dir", path=str(target))
    if plan and out is None:
        err("dangjian-audit: error [usage_plan_needs_out] " + msgs.fmt("plan", "usage_plan_needs_out"))
        raise typer.Exit(2)
    if plan and waivers is not None:
        # the rectification plan is made from unwaived results; mixing the two would plan around excused gaps
        raise usage(msgs, "usage_plan_with_waivers")
    ruleset = load_ruleset(opts.catalog, opts.profile, msgs)
    waiver_set = yoy_cli.waivers_or_exit(waivers, ruleset, msgs)
    tracker = yoy_cli.trend_or_exit(baseline, history, ruleset, msgs)
    files = core.discover(paths)
    if not files:
        raise usage(msgs, "usage_no_files")
    options = core.BatchOptions(
        as_of=day, lang=msgs.lang, catalog=str(opts.catalog) if opts.catalog else None,
        profile=str(opts.profile) if opts.profile else None,
        fail_under=Decimal(str(opts.fail_under)) if opts.fail_under is not None else None,
        fail_on_veto=opts.fail_on_veto, min_level=opts.min_level,
        reports_dir=str(out / REPORTS_DIR) if out is not None else None, max_file_bytes=max_file_size, plan=plan,
        waivers=str(waivers) if waivers is not None else None,
    )
    done = {"files": 0, "reports": 0}
    written: dict[str, Path] = {}  # summaries written under --out, by format

    def on_row(row: Row) -> None:
        done["files"] += 1
        done["reports"] += isinstance(row, SchoolRow) and row.has_reports
        progress.advance(row)

    try:
        try:
            with Progress(len(files), msgs.ui("batch_progress"), show_progress() and not quiet) as progress:
                summary = core.run_batch(files, ruleset, options, msgs, opts.jobs or core.default_jobs(), on_row,
                                         trend=tracker)
        except OutputError as exc:
            unwritable(exc, msgs)
        summary.waiver_set = waiver_set
        summary.waiver_warnings = yoy_cli.county_waiver_warnings(waiver_set, day, msgs)
        for line in summary.waiver_warnings:
            err(line)
        for row in summary.invalid:
            for d in row.diagnostics:
                err(d.render(msgs))
        for duplicate in summary.duplicates:
            for d in duplicate.diagnostics():
                note(d.render(msgs))
        if out is not None:
            # Every summary format beside the schools' reports, linking to them.
            summaries = [f for name, f in formats.items() if name != "text"]
            written.update(write_summaries(summary, summaries, RenderOptions(msgs, ruleset, links=True), out, msgs))
        if plan and out is not None:
            from dangjian_audit.cli.plan import write_county_plan

            write_county_plan(summary, ruleset, msgs, out, day.isoformat())
        color = target is None and fmt.name == "text" and sys.stdout.isatty()
        assert fmt.county is not None
        if target is not None and fmt.name in written and not fmt.county_links:
            copy_output(written[fmt.name], target, msgs)  # the same summary, already rendered under --out
        else:
            write(fmt.county(summary, RenderOptions(msgs, ruleset, color=color)), fmt, target, msgs)
    except KeyboardInterrupt:
        interrupted(msgs, done["files"], len(files), done["reports"], out, target)
    if out is not None:
        clear_incomplete(out)
    note(msgs.ui("batch_done", scored=summary.scored, invalid=summary.invalid_count, failed=summary.gate_failed))
    raise typer.Exit(EXIT_INVALID if summary.invalid_count else (EXIT_GATE if summary.gate_failed else EXIT_OK))


def write_summaries(summary: CountySummary, summaries: list[Format], linked: RenderOptions, out: Path,
                    msgs: Messages) -> dict[str, Path]:
    """Every summary format beside the schools' reports, linking to them; returns where each went.

    A binary summary (the workbook) is rendered in a second process meanwhile (:mod:`dangjian_audit.batch.aside`).
    """
    from dangjian_audit.batch.aside import Aside

    def render(fmt: Format) -> Callable[[], bytes]:
        def rendered() -> bytes:
            assert fmt.county is not None
            data = fmt.county(summary, linked)
            assert isinstance(data, bytes)
            return data
        return rendered

    asides = {fmt.name: Aside(render(fmt)) for fmt in summaries if fmt.binary}
    paths: dict[str, Path] = {}
    try:
        for fmt in summaries:
            assert fmt.county is not None
            path = paths[fmt.name] = out / f"{SUMMARY_STEM}{fmt.suffix}"
            write(asides[fmt.name].result() if fmt.name in asides else fmt.county(summary, linked), fmt, path, msgs)
            note(msgs.ui("written", path=str(path)))
    finally:
        for aside in asides.values():
            aside.close()
    return paths


def interrupted(msgs: Messages, done: int, total: int, reports: int, out: Path | None,
                output: Path | None) -> NoReturn:
    """Ctrl-C in a batch: say what was done and where, leave nothing half-written, exit 130."""
    from dangjian_audit.batch.run import PARTIAL_PREFIX
    from dangjian_audit.models.county import REPORTS_DIR
    from dangjian_audit.outputs import mark_incomplete, remove_leftovers, remove_unpaired

    lines = [msgs.ui("interrupted", done=done, total=total)]
    if out is not None:
        remove_leftovers(out / REPORTS_DIR, (PARTIAL_PREFIX,))
        remove_unpaired(out / REPORTS_DIR, (".html", ".md"))
        text = msgs.ui("interrupted_out", reports=reports, folder=str(out / REPORTS_DIR))
        marker = mark_incomplete(out, "\n".join([*lines, text]))
        lines.append(text)
        if marker is not None:
            lines.append(msgs.ui("interrupted_marker", path=str(marker)))
    if output is not None:
        lines.append(msgs.ui("interrupted_output", path=str(output)))
    sys.stderr.write("\n" + "\n".join(lines) + "\n")
    raise typer.Exit(EXIT_INTERRUPTED)
