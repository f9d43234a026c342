"""The command line: parse options, call the core, render, map errors to exit codes.

Heavy modules (pydantic models, YAML, Jinja, rich tables) are imported inside
the commands so that ``--help`` and quick commands start fast.

Exit codes: 0 every file passes the gate; 1 a file fails the gate; 2 usage
error; 3 a file or the catalog is invalid or unreadable.
"""

from __future__ import annotations

import datetime as dt
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer

from dangjian_audit.errors import EXIT_GATE, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dangjian_audit.diagnostics import InvalidFile
    from dangjian_audit.i18n import Messages
    from dangjian_audit.models.result import SchoolReport
    from dangjian_audit.models.ruleset import Ruleset

EXIT_HELP = """
\b
Exit codes / 退出码:
  0  every file passes the gate / 全部通过
  1  a file fails the gate (score below --fail-under, a veto, or below --min-level) / 未通过门槛
  2  usage error / 用法错误
  3  a file or the catalog is invalid or unreadable / 文件或指标目录无效、无法读取
  4  internal error: a bug in the tool, reported with its traceback / 内部错误（工具缺陷）
"""


def _version(value: bool) -> None:
    if value:
        from dangjian_audit import __version__
        from dangjian_audit.yamlio import LOADER_NAME

        sys.stdout.write(f"dangjian-audit {__version__} (YAML loader: {LOADER_NAME})\n")
        raise typer.Exit(0)


app = typer.Typer(
    name="dangjian-audit",
    help="Check school Party-building (党建\"双创\") evidence against the 47-indicator catalog.\n" + EXIT_HELP,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and the YAML loader in use.")] = False,
) -> None:
    """Check school Party-building (党建"双创") evidence against the 47-indicator catalog."""


catalog_app = typer.Typer(help="Show the indicator catalog.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(catalog_app, name="catalog")


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class CheckFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    html = "html"
    json = "json"
    sarif = "sarif"
    junit = "junit"


class ListFormat(str, Enum):
    text = "text"
    json = "json"


class MinLevel(str, Enum):
    county = "county"
    city = "city"
    province = "province"


LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of the output: zh (default) or en.")]
CatalogOpt = Annotated[Path | None, typer.Option("--catalog", help="Catalog directory (default: the bundled one).")]
ProfileOpt = Annotated[Path | None, typer.Option("--profile", help="County profile overriding thresholds and lines.")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Audit date YYYY-MM-DD (default: today).")]
FailUnderOpt = Annotated[
    float | None, typer.Option("--fail-under", help="Gate: fail below this total (default: the 合格 line).")
]
FailOnVetoOpt = Annotated[
    bool, typer.Option("--fail-on-veto/--no-fail-on-veto", help="Gate: fail when a veto item is triggered.")
]
MinLevelOpt = Annotated[
    MinLevel | None, typer.Option("--min-level", help="Gate: fail unless this demonstration level is reached.")
]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")]


def _messages(lang: Lang) -> Messages:
    from dangjian_audit.i18n import Messages

    return Messages(lang.value)


def _same_terminal() -> bool:
    """Standard output and standard error are the same terminal (a person is reading both)."""
    import os

    try:
        return sys.stdout.isatty() and sys.stderr.isatty() and os.path.samestat(os.fstat(1), os.fstat(2))
    except (OSError, ValueError):
        return False


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def _usage(msgs: Messages, code: str, **args: Any) -> typer.Exit:
    _err(f"dangjian-audit: error [{code}] " + msgs.error(code, args))
    return typer.Exit(EXIT_USAGE)


def _as_of(value: str | None, msgs: Messages) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _usage(msgs, "usage_bad_date", value=value) from None


def _check_ranges(msgs: Messages, fail_under: float | None, jobs: int | None = None) -> None:
    """Option values outside their range are usage errors in the user's language (click's would be English)."""
    if fail_under is not None and not 0 <= fail_under <= 100:
        raise _usage(msgs, "usage_fail_under_range", value=f"{fail_under:g}")
    if jobs is not None and jobs < 1:
        raise _usage(msgs, "usage_jobs_range", value=jobs)


def _ruleset(catalog: Path | None, profile: Path | None, msgs: Messages) -> Ruleset:
    from dangjian_audit.errors import InputError
    from dangjian_audit.loading import load_profile, load_ruleset
    from dangjian_audit.yamlio import HAS_LIBYAML

    if not HAS_LIBYAML:
        _err(msgs.ui("loader_warning"))
    try:
        prof = load_profile(profile) if profile else None
        return load_ruleset(catalog, prof)
    except InputError as exc:
        for d in exc.diagnostics:
            _err(d.render(msgs))
        raise typer.Exit(EXIT_INVALID) from None


def _write(text: str, output: Path | None, msgs: Messages) -> None:
    if output is None:
        sys.stdout.write(text)
        if text and not text.endswith("\n"):
            sys.stdout.write("\n")
        return
    if output.is_dir():
        raise _usage(msgs, "usage_output_is_dir", path=str(output))
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _usage(msgs, "output_unwritable", path=str(output), reason=exc.strerror or str(exc)) from None


def gate_reasons(report: SchoolReport, fail_under: float, fail_on_veto: bool, min_level: str | None,
                 msgs: Messages, ruleset: Ruleset) -> list[str]:
    """Why a school fails the gate; an empty list means it passes. Every gate given applies."""
    reasons = []
    # Without the veto gate the score gate judges the total the school earned, before the veto capped it.
    if fail_on_veto or not report.veto:
        if report.total < fail_under:
            reasons.append(msgs.ui("gate_reason_score", total=f"{report.total:g}", line=f"{fail_under:g}"))
    elif report.total_uncapped < fail_under:
        reasons.append(msgs.ui("gate_reason_score_uncapped", total=f"{report.total_uncapped:g}",
                               line=f"{fail_under:g}"))
    if fail_on_veto and report.veto:
        reasons.append(msgs.ui("gate_reason_veto", ids=", ".join(report.veto)))
    if fail_on_veto and report.veto_unverified:
        reasons.append(msgs.ui("gate_reason_veto_unverified", ids=", ".join(report.veto_unverified)))
    if min_level is not None:
        order: list[str] = [lv.id for lv in sorted(ruleset.scoring.levels, key=lambda lv: lv.min)]
        reached = order.index(report.level.id) if report.level else -1
        if reached < order.index(min_level):
            name = next(lv.name.get(msgs.lang) for lv in ruleset.scoring.levels if lv.id == min_level)
            reasons.append(msgs.ui("gate_reason_level", level=name))
    return reasons


def render(fmt: str, reports: list[SchoolReport], msgs: Messages, ruleset: Ruleset, color: bool = False,
           invalid: Sequence[InvalidFile] = ()) -> str:
    """Render reports in one format; every reporter returns a string. Invalid files are reported beside the
    schools in every format but JSON (whose shape is one report per school; their diagnostics go to stderr)."""
    if fmt == "json":
        from dangjian_audit.reporters.json_reporter import render_json

        return render_json(reports)
    if fmt == "markdown":
        from dangjian_audit.reporters.templated import render_markdown

        return render_markdown(reports, msgs, invalid)
    if fmt == "html":
        from dangjian_audit.reporters.templated import render_html

        return render_html(reports, msgs, invalid)
    if fmt == "sarif":
        from dangjian_audit.reporters.sarif import render_sarif

        return render_sarif(reports, ruleset, msgs, invalid)
    if fmt == "junit":
        from dangjian_audit.reporters.junit import render_junit

        return render_junit(reports, msgs, invalid)
    from dangjian_audit.reporters.text import render_text

    return render_text(reports, msgs, color=color, invalid=invalid)


@app.command(epilog=EXIT_HELP)
def check(
    files: Annotated[list[Path], typer.Argument(help="Evidence YAML file(s).", show_default=False)],
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="Report format.")] = CheckFormat.text,
    output: OutputOpt = None,
    as_of: AsOfOpt = None,
    fail_under: FailUnderOpt = None,
    fail_on_veto: FailOnVetoOpt = True,
    min_level: MinLevelOpt = None,
    profile: ProfileOpt = None,
    catalog: CatalogOpt = None,
    lang: LangOpt = Lang.zh,
) -> None:
    """Score evidence files and report the gaps (gates: --fail-under, --fail-on-veto, --min-level)."""
    from dangjian_audit.diagnostics import InvalidFile
    from dangjian_audit.errors import InputError
    from dangjian_audit.report import audit_file
    from dangjian_audit.scoring import gate_line

    msgs = _messages(lang)
    day = _as_of(as_of, msgs)
    _check_ranges(msgs, fail_under)
    ruleset = _ruleset(catalog, profile, msgs)
    line = float(gate_line(ruleset)) if fail_under is None else fail_under
    reports = []
    invalid_files: list[InvalidFile] = []
    # The text report lists invalid files itself: on one terminal, stderr would only repeat it.
    echo = not (format is CheckFormat.text and output is None and _same_terminal())
    for path in files:
        try:
            reports.append(audit_file(ruleset, path, str(path), day, msgs))
        except InputError as exc:
            invalid_files.append(InvalidFile(str(path), tuple(exc.diagnostics)))
            for d in exc.diagnostics if echo else ():
                _err(d.render(msgs))
    invalid = bool(invalid_files)
    failed = False
    for report in reports:
        reasons = gate_reasons(report, line, fail_on_veto, min_level.value if min_level else None, msgs, ruleset)
        if reasons:
            failed = True
            _err(msgs.ui("gate_failed", path=report.source, reason=msgs.ui("reason_separator").join(reasons)))
    if reports or invalid_files or format.value in ("sarif", "junit", "json"):
        color = output is None and format is CheckFormat.text and sys.stdout.isatty()
        _write(render(format.value, reports, msgs, ruleset, color, invalid_files), output, msgs)
    raise typer.Exit(EXIT_INVALID if invalid else (EXIT_GATE if failed else EXIT_OK))


@catalog_app.command("list")
def catalog_list(
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.text,
    profile: ProfileOpt = None,
    catalog: CatalogOpt = None,
    lang: LangOpt = Lang.zh,
) -> None:
    """List the dimensions and indicators."""
    from dangjian_audit.reporters.catalog_view import catalog_json, catalog_text

    msgs = _messages(lang)
    ruleset = _ruleset(catalog, profile, msgs)
    text = catalog_json(ruleset, None, msgs) if format is ListFormat.json else catalog_text(ruleset, None, msgs)
    _write(text, None, msgs)


@catalog_app.command("show")
def catalog_show(
    indicator: Annotated[str, typer.Argument(help="Indicator id, e.g. JC-05.")],
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.text,
    profile: ProfileOpt = None,
    catalog: CatalogOpt = None,
    lang: LangOpt = Lang.zh,
) -> None:
    """Show one indicator: what it asks, its check and parameters, basis and remediation."""
    from dangjian_audit.reporters.catalog_view import catalog_json, catalog_text

    msgs = _messages(lang)
    ruleset = _ruleset(catalog, profile, msgs)
    wanted = indicator.strip().upper()
    ids = {ci.indicator.id for ci in ruleset.indicators}
    aliases = {a: ci.indicator.id for ci in ruleset.indicators for a in ci.indicator.aliases}
    wanted = aliases.get(wanted, wanted)
    if wanted not in ids:
        raise _usage(msgs, "usage_unknown_indicator", id=indicator)
    text = catalog_json(ruleset, wanted, msgs) if format is ListFormat.json else catalog_text(ruleset, wanted, msgs)
    _write(text, None, msgs)


class SchemaKind(str, Enum):
    evidence = "evidence"
    report = "report"


@app.command("schema")
def schema_command(
    kind: Annotated[SchemaKind, typer.Argument(help="evidence: the evidence file; report: the JSON report.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the schema to this file.")] = None,
    lang: LangOpt = Lang.zh,
) -> None:
    """Print the JSON Schema of the evidence file or of the JSON report.

    Regenerate the repository copies with
    `dangjian-audit schema evidence --output schemas/evidence.schema.json` and
    `dangjian-audit schema report --output schemas/report.schema.json`.
    """
    from dangjian_audit.schema import dumps, evidence_schema, report_schema

    msgs = _messages(lang)
    schema = evidence_schema(lang.value) if kind is SchemaKind.evidence else report_schema(lang.value)
    _write(dumps(schema), output, msgs)


@app.command("init")
def init_command(
    path: Annotated[Path | None, typer.Argument(help="Evidence file to write (default: print to stdout).")] = None,
    school_name: Annotated[str | None, typer.Option("--school-name", help="The school's full name.")] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", help="First year of the school year, e.g. 2024 for 2024-09-01 to 2025-08-31."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    catalog: CatalogOpt = None,
    lang: LangOpt = Lang.zh,
) -> None:
    """Write a commented evidence skeleton covering the sections every indicator needs.

    Exit codes: 0 written, 2 the file exists (use --force) or a bad option, 3 invalid catalog.
    """
    from dangjian_audit.skeleton import render_skeleton

    msgs = _messages(lang)
    if year is None:
        today = dt.date.today()
        year = today.year if today.month >= 9 else today.year - 1
    if not 2000 <= year <= 2100:
        raise _usage(msgs, "usage_bad_year", year=year)
    if path is not None and path.is_dir():
        raise _usage(msgs, "usage_output_is_dir", path=str(path))
    if path is not None and path.exists() and not force:
        raise _usage(msgs, "usage_output_exists", path=str(path))
    ruleset = _ruleset(catalog, None, msgs)
    _write(render_skeleton(ruleset, msgs, year, school_name), path, msgs)
    if path is not None:
        _err(msgs.ui("written", path=str(path)))


def _interrupted(msgs: Messages, done: int, total: int, reports: int, out: Path | None,
                 output: Path | None) -> NoReturn:
    """Ctrl-C in a batch: say what was done and where, leave nothing half-written, exit 130."""
    from dangjian_audit import batch as core
    from dangjian_audit.outputs import mark_incomplete, remove_leftovers, remove_unpaired

    lines = [msgs.ui("interrupted", done=done, total=total)]
    if out is not None:
        remove_leftovers(out / core.REPORTS_DIR, (core.PARTIAL_PREFIX,))
        remove_unpaired(out / core.REPORTS_DIR, (".html", ".md"))
        note = msgs.ui("interrupted_out", reports=reports, folder=str(out / core.REPORTS_DIR))
        marker = mark_incomplete(out, "\n".join([*lines, note]))
        lines.append(note)
        if marker is not None:
            lines.append(msgs.ui("interrupted_marker", path=str(marker)))
    if output is not None:
        lines.append(msgs.ui("interrupted_output", path=str(output)))
    sys.stderr.write("\n" + "\n".join(lines) + "\n")
    raise typer.Exit(EXIT_INTERRUPTED)


def main() -> None:
    try:
        app()
    except Exception as exc:  # noqa: BLE001 - a bug: keep the traceback, but say so and exit apart from the gate
        import traceback

        from dangjian_audit.i18n import Messages

        traceback.print_exc()
        args = sys.argv[1:]
        english = "--lang=en" in args or any(a == "--lang" and b == "en" for a, b in zip(args, args[1:], strict=False))
        lang = "en" if english else "zh"
        detail = f"{type(exc).__name__}: {exc}"
        _err("dangjian-audit: error [internal_bug] " + Messages(lang).error("internal_bug", {"detail": detail}))
        raise SystemExit(EXIT_INTERNAL) from None


class BatchFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    html = "html"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


@app.command()
def batch(
    paths: Annotated[list[Path], typer.Argument(help="Folders (searched recursively for .yaml/.yml) or files.",
                                                show_default=False)],
    out: Annotated[Optional[Path], typer.Option(
        "--out", help="Write every summary format and one gap report per school into this folder.")] = None,
    jobs: Annotated[Optional[int], typer.Option(
        "--jobs", "-j", help="Worker processes (default: the usable cores).")] = None,
    format: Annotated[BatchFormat, typer.Option("--format", "-f", help="Summary format.")] = BatchFormat.text,
    output: OutputOpt = None,
    as_of: AsOfOpt = None,
    fail_under: FailUnderOpt = None,
    fail_on_veto: FailOnVetoOpt = True,
    min_level: MinLevelOpt = None,
    profile: ProfileOpt = None,
    catalog: CatalogOpt = None,
    lang: LangOpt = Lang.zh,
) -> None:
    """Score a county's evidence files together: ranking, distributions, gaps and an indicator matrix.

    Every file appears in the result, scored or with its diagnostics. Exit codes as for check:
    3 if a file is invalid, else 1 if a school fails the gate, else 0.
    """
    from dangjian_audit import batch as core

    msgs = _messages(lang)
    day = _as_of(as_of, msgs)
    _check_ranges(msgs, fail_under, jobs)
    if format is BatchFormat.xlsx and output is None:
        raise _usage(msgs, "usage_needs_output", format=format.value)
    if output is not None and output.is_dir():
        raise _usage(msgs, "usage_output_is_dir", path=str(output))
    ruleset = _ruleset(catalog, profile, msgs)
    files = core.discover(paths)
    if not files:
        raise _usage(msgs, "usage_no_files")
    options = core.BatchOptions(
        as_of=day, lang=lang.value, catalog=str(catalog) if catalog else None,
        profile=str(profile) if profile else None, fail_under=fail_under, fail_on_veto=fail_on_veto,
        min_level=min_level.value if min_level else None,
        reports_dir=str(out / core.REPORTS_DIR) if out is not None else None,
    )
    done = {"files": 0, "reports": 0}

    def on_row(row: core.Row) -> None:
        done["files"] += 1
        done["reports"] += isinstance(row, core.SchoolRow) and row.has_reports
        progress.advance(row)

    try:
        with core.Progress(len(files), msgs.ui("batch_progress"), core.show_progress()) as progress:
            summary = core.run_batch(files, ruleset, options, msgs, jobs or core.default_jobs(), on_row)
        for row in summary.invalid:
            for d in row.diagnostics:
                _err(d.render(msgs))
        for duplicate in summary.duplicates:
            for d in duplicate.diagnostics():
                _err(d.render(msgs))
        if out is not None:
            for path in core.write_summaries(summary, msgs, out):
                _err(msgs.ui("written", path=str(path)))
        color = output is None and format is BatchFormat.text and sys.stdout.isatty()
        core.emit(summary, msgs, format.value, output, color)
    except KeyboardInterrupt:
        _interrupted(msgs, done["files"], len(files), done["reports"], out, output)
    if out is not None:
        from dangjian_audit.outputs import clear_incomplete

        clear_incomplete(out)
    _err(msgs.ui("batch_done", scored=summary.scored, invalid=summary.invalid_count, failed=summary.gate_failed))
    raise typer.Exit(3 if summary.invalid_count else (1 if summary.gate_failed else 0))
