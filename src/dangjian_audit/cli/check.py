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
) -> None:
    """Score evidence files and report the gaps (gates: --fail-under, --fail-on-veto, --min-level)."""
    from dangjian_audit.api import audit
    from dangjian_audit.errors import InputError
    from dangjian_audit.gates import Gate, gate_reasons
    from dangjian_audit.models.result import CheckRun, InvalidFile
    from dangjian_audit.reporters import RenderOptions

    msgs = messages(lang)
    day = parse_as_of(as_of, msgs)
    ruleset = load_ruleset(catalog, profile, msgs)
    gate = Gate.build(ruleset, fail_under, fail_on_veto, min_level.value if min_level else None)
    reports = []
    invalid = []
    for path in files:
        try:
            reports.append(audit(path, ruleset, as_of=day, lang=msgs.lang, max_bytes=max_file_size))
        except InputError as exc:
            invalid.append(InvalidFile(source=str(path), diagnostics=tuple(exc.diagnostics)))
            for d in exc.diagnostics:
                err(d.render(msgs))
    failed = False
    for report in reports:
        reasons = gate_reasons(report, gate, msgs, ruleset)
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
