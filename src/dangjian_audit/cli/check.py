"""``check``: score evidence files and report the gaps."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from dangjian_audit.cli.app import app
from dangjian_audit.cli.common import (
    EXIT_HELP,
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
    WaiversOpt,
    err,
    format_enum,
    load_ruleset,
    messages,
    parse_as_of,
    usage,
    write,
)
from dangjian_audit.errors import EXIT_GATE, EXIT_INVALID, EXIT_OK
from dangjian_audit.reporters import school_formats

CheckFormat = format_enum("CheckFormat", list(school_formats()))


@app.command(epilog=EXIT_HELP)
def check(
    files: Annotated[list[Path], typer.Argument(help="Evidence YAML file(s).", show_default=False)],
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="Report format.")] = "text",  # type: ignore[valid-type]
    output: OutputOpt = None,
    as_of: AsOfOpt = None,
    fail_under: FailUnderOpt = None,
    fail_on_veto: FailOnVetoOpt = True,
    min_level: MinLevelOpt = None,
    profile: ProfileOpt = None,
    catalog: CatalogOpt = None,
    lang: LangOpt = Lang.zh,
    max_file_size: MaxSizeOpt = None,
    baseline: Annotated[Optional[list[Path]], typer.Option(
        "--baseline", help="An earlier JSON report (check --format json) or evidence file of the same school: "
        "mark every gap new, persisting, improved, worsened or resolved. Repeat for several schools.")] = None,
    fail_on_new: Annotated[bool, typer.Option(
        "--fail-on-new", help="Gate: fail when a gap is new since the baseline (needs --baseline).")] = False,
    waivers: WaiversOpt = None,
) -> None:
    """Score evidence files and report the gaps (gates: --fail-under, --fail-on-veto, --min-level, --fail-on-new).

    Gates combine: a school fails if any gate given fails. To gate only on gaps new since the baseline,
    turn the others off: --fail-on-new --fail-under 0 --no-fail-on-veto.
    """
    from dangjian_audit.api import audit
    from dangjian_audit.baseline import new_gap_reason
    from dangjian_audit.cli import yoy as yoy_cli
    from dangjian_audit.errors import InputError
    from dangjian_audit.gates import Gate, gate_reasons
    from dangjian_audit.models.result import CheckRun, InvalidFile
    from dangjian_audit.reporters import RenderOptions

    msgs = messages(lang)
    day = parse_as_of(as_of, msgs)
    if fail_on_new and not baseline:
        raise usage(msgs, "usage_fail_on_new_needs_baseline")
    ruleset = load_ruleset(catalog, profile, msgs)
    waiver_set = yoy_cli.waivers_or_exit(waivers, ruleset, msgs)
    baselines = yoy_cli.baselines_or_exit(baseline, ruleset, msgs, waiver_set)
    gate = Gate.build(ruleset, fail_under, fail_on_veto, min_level.value if min_level else None)
    reports = []
    invalid = []
    for path in files:
        try:
            report = audit(path, ruleset, as_of=day, lang=msgs.lang, max_bytes=max_file_size, waivers=waiver_set)
        except InputError as exc:
            invalid.append(InvalidFile(source=str(path), diagnostics=tuple(exc.diagnostics)))
            for d in exc.diagnostics:
                err(d.render(msgs))
            continue
        reports.append(yoy_cli.attach(report, baselines, ruleset, msgs))
    yoy_cli.print_waiver_warnings(reports)
    failed = False
    for report in reports:
        reasons = gate_reasons(report, gate, msgs, ruleset)
        new_gaps = new_gap_reason(report, msgs) if fail_on_new else None
        if new_gaps:
            reasons.append(new_gaps)
        if reasons:
            failed = True
            err(msgs.ui("gate_failed", path=report.source, reason=msgs.ui("reason_separator").join(reasons)))
    fmt = school_formats()[str(format.value)]  # type: ignore[attr-defined]
    if reports or fmt.manifest:
        assert fmt.school is not None
        color = output is None and fmt.name == "text" and sys.stdout.isatty()
        run = CheckRun(reports=reports, invalid=invalid)
        write(fmt.school(run, RenderOptions(msgs, ruleset, color=color)), fmt, output, msgs)
    raise typer.Exit(EXIT_INVALID if invalid else (EXIT_GATE if failed else EXIT_OK))
