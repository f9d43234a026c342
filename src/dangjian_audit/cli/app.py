"""The typer application and its sub-applications; the command modules register on them."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from dangjian_audit.cli.common import EXIT_HELP, H


def _version(value: bool) -> None:
    if value:
        from dangjian_audit._version import __version__
        from dangjian_audit.fastyaml import loader_name

        sys.stdout.write(f"dangjian-audit {__version__} (YAML loader: {loader_name()})\n")
        raise typer.Exit(0)


# -h is --help too; --install-completion / --show-completion come with add_completion (bash, zsh, fish, PowerShell).
CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="dangjian-audit",
    help=H("app") + "\n" + EXIT_HELP,
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT,
)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help=H("version"))] = False,
) -> None:
    pass


catalog_app = typer.Typer(help=H("catalog_app"), no_args_is_help=True, rich_markup_mode=None, context_settings=CONTEXT)
app.add_typer(catalog_app, name="catalog")
