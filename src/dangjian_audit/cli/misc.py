"""``schema`` and ``init``: the JSON Schemas, and a commented evidence skeleton to start from."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dangjian_audit.cli.app import app
from dangjian_audit.cli.common import (
    CatalogOpt,
    H,
    LangOpt,
    QuietOpt,
    load_ruleset,
    note,
    set_quiet,
    settings,
    usage,
    write,
)


class SchemaKind(str, Enum):
    evidence = "evidence"
    report = "report"


@app.command("schema", help=H("schema"))
def schema_command(
    kind: Annotated[SchemaKind, typer.Argument(help=H("schema_kind"))],
    output: Annotated[Path | None, typer.Option("--output", "-o", help=H("schema_output"))] = None,
    lang: LangOpt = None,
) -> None:
    # Regenerate the repository copies with `dangjian-audit schema evidence --output schemas/evidence.schema.json`
    # and `dangjian-audit schema report --output schemas/report.schema.json`.
    from dangjian_audit.conventions import output_path
    from dangjian_audit.schema import dumps, evidence_schema, report_schema

    msgs, _ = settings(lang)
    schema = evidence_schema(msgs.lang) if kind is SchemaKind.evidence else report_schema(msgs.lang)
    write(dumps(schema), None, output_path(output), msgs)


class InitFormat(str, Enum):
    yaml = "yaml"
    xlsx = "xlsx"


@app.command("init", help=H("init"))
def init_command(
    path: Annotated[Path | None, typer.Argument(help=H("init_path"))] = None,
    school_name: Annotated[str | None, typer.Option("--school-name", help=H("init_school_name"))] = None,
    year: Annotated[int | None, typer.Option("--year", help=H("init_year"))] = None,
    force: Annotated[bool, typer.Option("--force", help=H("init_force"))] = False,
    catalog: CatalogOpt = None,
    lang: LangOpt = None,
    quiet: QuietOpt = False,
    format: Annotated[InitFormat, typer.Option("--format", "-f", help=H("init_format"))] = InitFormat.yaml,
    output: Annotated[Path | None, typer.Option("--output", "-o", help=H("init_output"))] = None,
) -> None:
    from dangjian_audit.conventions import output_path
    from dangjian_audit.skeleton import render_skeleton

    set_quiet(quiet)
    msgs, opts = settings(lang, catalog=catalog)
    path = output_path(path or output)
    catalog = opts.catalog
    if format is InitFormat.xlsx:
        if path is None:
            raise usage(msgs, "usage_needs_output", format=format.value)
        if path.exists() and not force:
            raise usage(msgs, "usage_output_exists", path=str(path))
        from dangjian_audit.cli.ledger import write_binary
        from dangjian_audit.ledger.template import render_workbook

        write_binary(render_workbook(msgs.lang), path, msgs)
        return
    if year is None:
        today = dt.date.today()
        year = today.year if today.month >= 9 else today.year - 1
    if not 2000 <= year <= 2100:
        raise usage(msgs, "usage_bad_year", year=year)
    if path is not None and path.is_dir():
        raise usage(msgs, "usage_output_is_dir", path=str(path))
    if path is not None and path.exists() and not force:
        raise usage(msgs, "usage_output_exists", path=str(path))
    ruleset = load_ruleset(catalog, None, msgs)
    write(render_skeleton(ruleset, msgs, year, school_name), None, path, msgs)
    if path is not None:
        note(msgs.ui("written", path=str(path)))
