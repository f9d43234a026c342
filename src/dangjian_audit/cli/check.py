"""``check``: score evidence files and report the gaps."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from dangjian_audit.cli.app import app
from dangjian_audit.cli.common import (
    EXIT_HELP,
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
    err,
    format_enum,
    load_ruleset,
    note,
    parse_as_of,
    same_terminal,
    set_quiet,
    settings,
    usage_problem,
    write,
)
from dangjian_audit.errors import EXIT_GATE, EXIT_INVALID, EXIT_OK
from dangjian_audit.reporters import school_formats

CheckFormat = format_enum("CheckFormat", list(school_formats()))


@app.command(epilog=EXIT_HELP, help=H("check"))
def check(
    files: Annotated[list[Path], typer.Argument(help=H("check_files"), show_default=False)],
    format: Annotated[CheckFormat | None, typer.Option("--format", "-f", help=H("format"))] = None,  # type: ignore[valid-type]
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
) -> None:
    from dangjian_audit.api import audit
    from dangjian_audit.conventions import UsageProblem, choose_format, output_path, stdin_files
    from dangjian_audit.errors import InputError
    from dangjian_audit.gates import Gate, gate_reasons
    from dangjian_audit.models.result import CheckRun, InvalidFile
    from dangjian_audit.reporters import RenderOptions

    set_quiet(quiet)
    msgs, opts = settings(lang, profile, catalog, as_of, fail_under, fail_on_veto, min_level)
    formats = school_formats()
    try:
        name = choose_format(str(format.value) if format is not None else None,
                             output, {f.suffix: f.name for f in formats.values()} | {".sarif": "sarif"}, "text")
    except UsageProblem as problem:
        raise usage_problem(msgs, problem) from None
    target = output_path(output)
    day = parse_as_of(opts.as_of, msgs)
    ruleset = load_ruleset(opts.catalog, opts.profile, msgs)
    gate = Gate.build(ruleset, opts.fail_under, opts.fail_on_veto, opts.min_level)
    fmt = formats[name]
    # The text report lists invalid files itself: on one terminal, stderr would only repeat it.
    echo = not (fmt.name == "text" and target is None and same_terminal())
    reports = []
    invalid = []
    try:
        with stdin_files(files) as inputs:
            for path, shown in inputs:
                try:
                    reports.append(audit(path, ruleset, as_of=day, lang=msgs.lang, max_bytes=max_file_size,
                                         display=shown))
                except InputError as exc:
                    invalid.append(InvalidFile(source=shown, diagnostics=tuple(exc.diagnostics)))
                    for d in exc.diagnostics if echo else ():
                        err(d.render(msgs))
    except UsageProblem as problem:
        raise usage_problem(msgs, problem) from None
    failed = False
    for report in reports:
        reasons = gate_reasons(report, gate, msgs, ruleset)
        if reasons:
            failed = True
            note(msgs.ui("gate_failed", path=report.source, reason=msgs.ui("reason_separator").join(reasons)))
    if reports or invalid or fmt.manifest:
        assert fmt.school is not None
        color = target is None and fmt.name == "text" and sys.stdout.isatty()
        run = CheckRun(reports=reports, invalid=invalid)
        write(fmt.school(run, RenderOptions(msgs, ruleset, color=color)), fmt, target, msgs)
    raise typer.Exit(EXIT_INVALID if invalid else (EXIT_GATE if failed else EXIT_OK))
