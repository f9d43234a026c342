"""``catalog rules``: the guide-rule coverage table (docs/rules.md is this command's output)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dangjian_audit.cli.app import catalog_app
from dangjian_audit.cli.common import CatalogOpt, Lang, LangOpt, ProfileOpt, err, load_ruleset, messages, write
from dangjian_audit.errors import EXIT_INVALID


@catalog_app.command("rules")
def catalog_rules(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    profile: ProfileOpt = None,
    catalog: CatalogOpt = None,
    lang: LangOpt = Lang.zh,
) -> None:
    """Which check encodes each rule of the guide, with its parameters, and which rules are left out (Markdown)."""
    from dangjian_audit.errors import InputError
    from dangjian_audit.loading.guide import load_guide_register
    from dangjian_audit.reporters._coverage import coverage_markdown

    msgs = messages(lang)
    ruleset = load_ruleset(catalog, profile, msgs)
    try:
        register = load_guide_register(Path(ruleset.catalog.directory))
    except InputError as exc:
        for d in exc.diagnostics:
            err(d.render(msgs))
        raise typer.Exit(EXIT_INVALID) from None
    write(coverage_markdown(ruleset, register, msgs), None, output, msgs)
