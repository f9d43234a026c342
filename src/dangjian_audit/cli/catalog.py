"""``catalog list`` and ``catalog show``: the indicator catalog as text or JSON."""

from __future__ import annotations

from typing import Annotated

import typer

from dangjian_audit.cli.app import catalog_app
from dangjian_audit.cli.common import (
    CatalogOpt,
    H,
    LangOpt,
    ListFormat,
    ProfileOpt,
    load_ruleset,
    settings,
    usage,
    write,
)


@catalog_app.command("list", help=H("catalog_list"))
def catalog_list(
    format: Annotated[ListFormat, typer.Option("--format", "-f", help=H("list_format"))] = ListFormat.text,
    profile: ProfileOpt = None,
    catalog: CatalogOpt = None,
    lang: LangOpt = None,
) -> None:
    from dangjian_audit.reporters._catalog import catalog_json, catalog_text

    msgs, opts = settings(lang, profile, catalog)
    ruleset = load_ruleset(opts.catalog, opts.profile, msgs)
    text = catalog_json(ruleset, None, msgs) if format is ListFormat.json else catalog_text(ruleset, None, msgs)
    write(text, None, None, msgs)


@catalog_app.command("show", help=H("catalog_show"))
def catalog_show(
    indicator: Annotated[str, typer.Argument(help=H("indicator_id"))],
    format: Annotated[ListFormat, typer.Option("--format", "-f", help=H("list_format"))] = ListFormat.text,
    profile: ProfileOpt = None,
    catalog: CatalogOpt = None,
    lang: LangOpt = None,
) -> None:
    from dangjian_audit.reporters._catalog import catalog_json, catalog_text

    msgs, opts = settings(lang, profile, catalog)
    ruleset = load_ruleset(opts.catalog, opts.profile, msgs)
    wanted = indicator.strip().upper()
    ids = {ci.indicator.id for ci in ruleset.indicators}
    aliases = {a: ci.indicator.id for ci in ruleset.indicators for a in ci.indicator.aliases}
    wanted = aliases.get(wanted, wanted)
    if wanted not in ids:
        raise usage(msgs, "usage_unknown_indicator", id=indicator)
    text = catalog_json(ruleset, wanted, msgs) if format is ListFormat.json else catalog_text(ruleset, wanted, msgs)
    write(text, None, None, msgs)
