"""``diff``: two reports of one school compared (issue 11)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dangjian_audit.cli.app import app
from dangjian_audit.cli.common import CatalogOpt, Lang, LangOpt, OutputOpt, load_ruleset, messages, write
from dangjian_audit.errors import EXIT_GATE, EXIT_OK


class DiffFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


@app.command("diff")
def diff_command(
    old: Annotated[Path, typer.Argument(help="The earlier report (check --format json) or evidence file.",
                                        show_default=False)],
    new: Annotated[Path, typer.Argument(help="The later report or evidence file of the same school.",
                                        show_default=False)],
    format: Annotated[DiffFormat, typer.Option("--format", "-f", help="Output format.")] = DiffFormat.text,
    output: OutputOpt = None,
    fail_on_new: Annotated[bool, typer.Option("--fail-on-new", help="Exit 1 when NEW has gaps OLD did not.")
                           ] = False,
    catalog: CatalogOpt = None,
    lang: LangOpt = Lang.zh,
) -> None:
    """Compare two reports of one school: gaps new, persisting, improved, worsened or resolved, and score changes.

    An evidence file is scored with the catalog as of the last day of its period. Indicators are matched
    through the catalog's aliases. Exit codes: 0, 1 with --fail-on-new and new gaps, 2 two different
    schools, 3 an invalid file.
    """
    from dangjian_audit.cli import yoy as yoy_cli
    from dangjian_audit.reporters._diff import diff_json, diff_markdown
    from dangjian_audit.reporters._yoy_text import diff_text

    msgs = messages(lang)
    ruleset = load_ruleset(catalog, None, msgs)
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
