"""``diff``: two reports of one school compared (issue 11)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dangjian_audit.cli.app import app
from dangjian_audit.cli.common import CatalogOpt, H, LangOpt, OutputOpt, load_ruleset, settings, write
from dangjian_audit.errors import EXIT_GATE, EXIT_OK


class DiffFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


@app.command("diff", help=H("diff"))
def diff_command(
    old: Annotated[Path, typer.Argument(help=H("diff_old"), show_default=False)],
    new: Annotated[Path, typer.Argument(help=H("diff_new"), show_default=False)],
    format: Annotated[DiffFormat, typer.Option("--format", "-f", help=H("diff_format"))] = DiffFormat.text,
    output: OutputOpt = None,
    fail_on_new: Annotated[bool, typer.Option("--fail-on-new", help=H("diff_fail_on_new"))] = False,
    catalog: CatalogOpt = None,
    lang: LangOpt = None,
) -> None:
    from dangjian_audit.cli import yoy as yoy_cli
    from dangjian_audit.reporters._diff import diff_json, diff_markdown
    from dangjian_audit.reporters._yoy_text import diff_text

    msgs, opts = settings(lang, None, catalog)
    ruleset = load_ruleset(opts.catalog, None, msgs)
    before = yoy_cli.baselines_or_exit([old], ruleset, msgs, None)
    after = yoy_cli.baselines_or_exit([new], ruleset, msgs, None)
    assert before is not None and after is not None
    report = yoy_cli.attach(next(iter(after.values())), before, ruleset, msgs)
    if format is DiffFormat.json:
        text = diff_json(report)
    elif format is DiffFormat.markdown:
        text = diff_markdown(report, msgs)
    else:
        text = diff_text(report, msgs, color=output is None and sys.stdout.isatty())
    write(text, None, output, msgs)
    assert report.baseline is not None
    raise typer.Exit(EXIT_GATE if fail_on_new and report.baseline.new else EXIT_OK)
