"""The typer application and its sub-applications; the command modules register on them."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from dangjian_audit.cli.common import EXIT_HELP


def _version(value: bool) -> None:
    if value:
        from dangjian_audit._version import __version__
        from dangjian_audit.fastyaml import loader_name

        sys.stdout.write(f"dangjian-audit {__version__} (YAML loader: {loader_name()})\n")
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
