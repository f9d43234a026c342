"""``schema`` and ``init``: the JSON Schemas, and a commented evidence skeleton to start from."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dangjian_audit.cli.app import app
from dangjian_audit.cli.common import CatalogOpt, Lang, LangOpt, err, load_ruleset, messages, usage, write


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

    msgs = messages(lang)
    schema = evidence_schema(lang.value) if kind is SchemaKind.evidence else report_schema(lang.value)
    write(dumps(schema), None, output, msgs)


class InitFormat(str, Enum):
    yaml = "yaml"
    xlsx = "xlsx"


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
    format: Annotated[InitFormat, typer.Option(
        "--format", "-f", help="yaml: a commented evidence file; xlsx: a ledger workbook (台账) to fill in.")
    ] = InitFormat.yaml,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (same as PATH).")] = None,
) -> None:
    """Write a commented evidence skeleton covering the sections every indicator needs,
    or with --format xlsx a ledger workbook generated from the evidence model.

    Exit codes: 0 written, 2 the file exists (use --force) or a bad option, 3 invalid catalog.
    """
    from dangjian_audit.skeleton import render_skeleton

    msgs = messages(lang)
    path = path or output
    if format is InitFormat.xlsx:
        if path is None:
            raise usage(msgs, "usage_needs_output", format=format.value)
        if path.exists() and not force:
            raise usage(msgs, "usage_output_exists", path=str(path))
        from dangjian_audit.cli.ledger import write_binary
        from dangjian_audit.ledger.template import render_workbook

        write_binary(render_workbook(lang.value), path, msgs)
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
        err(msgs.ui("written", path=str(path)))
