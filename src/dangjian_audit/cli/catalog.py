"""``catalog list`` and ``catalog show``: the indicator catalog as text or JSON."""

from __future__ import annotations

from typing import Annotated

import typer

from dangjian_audit.cli.app import catalog_app
from dangjian_audit.cli.common import (
    CatalogOpt,
    Lang,
    LangOpt,
    ListFormat,
    ProfileOpt,
    load_ruleset,
    messages,
    usage,
    write,
)


@catalog_app.command("list")
def catalog_list(
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.text,
    profile: ProfileOpt = None,
    catalog: CatalogOpt = None,
    lang: LangOpt = Lang.zh,
) -> None:
    """List the dimensions and indicators."""
    from dangjian_audit.reporters._catalog import catalog_json, catalog_text

    msgs = messages(lang)
    ruleset = load_ruleset(catalog, profile, msgs)
    text = catalog_json(ruleset, None, msgs) if format is ListFormat.json else catalog_text(ruleset, None, msgs)
    write(text, None, None, msgs)


@catalog_app.command("show")
def catalog_show(
    indicator: Annotated[str, typer.Argument(help="Indicator id, e.g. JC-05.")],
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.text,
    profile: ProfileOpt = None,
    catalog: CatalogOpt = None,
    lang: LangOpt = Lang.zh,
) -> None:
    """Show one indicator: what it asks, its check and parameters, basis and remediation."""
    from dangjian_audit.reporters._catalog import catalog_json, catalog_text

    msgs = messages(lang)
    ruleset = load_ruleset(catalog, profile, msgs)
    wanted = indicator.strip().upper()
    ids = {ci.indicator.id for ci in ruleset.indicators}
    aliases = {a: ci.indicator.id for ci in ruleset.indicators for a in ci.indicator.aliases}
    wanted = aliases.get(wanted, wanted)
    if wanted not in ids:
        raise usage(msgs, "usage_unknown_indicator", id=indicator)
    text = catalog_json(ruleset, wanted, msgs) if format is ListFormat.json else catalog_text(ruleset, wanted, msgs)
    write(text, None, None, msgs)
