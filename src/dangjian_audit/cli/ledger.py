"""``import``, ``export``, ``attach`` and ``pack``: ledger workbooks, attachment hashes and evidence packs.

Thin commands: the work is in :mod:`dangjian_audit.ledger`, :mod:`dangjian_audit.attachments`
and :mod:`dangjian_audit.pack`; here are only options, where output goes and exit codes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dangjian_audit.cli.app import app
from dangjian_audit.cli.common import H, LangOpt, err, note, settings, unwritable, usage, write
from dangjian_audit.errors import EXIT_INVALID, OutputError

if TYPE_CHECKING:
    from dangjian_audit.errors import InputError
    from dangjian_audit.i18n import Messages


def invalid(exc: InputError, msgs: Messages) -> typer.Exit:
    """Every diagnostic of an invalid input on standard error, and exit 3."""
    for d in exc.diagnostics:
        err(d.render(msgs))
    return typer.Exit(EXIT_INVALID)


def write_binary(data: bytes, output: Path, msgs: Messages) -> None:
    write(data, None, output, msgs)
    note(msgs.ui("written", path=str(output)))


@app.command("import", help=H("import"))
def import_command(
    ledger: Annotated[Path, typer.Argument(help=H("import_ledger"), show_default=False)],
    output: Annotated[Path | None, typer.Option("--output", "-o", help=H("import_output"))] = None,
    lang: LangOpt = None,
) -> None:
    from dangjian_audit.errors import InputError
    from dangjian_audit.ledger.writer import canonical_yaml
    from dangjian_audit.loading import load_evidence

    msgs, _ = settings(lang)
    if ledger.suffix.lower() != ".xlsx":
        raise usage(msgs, "usage_unknown_suffix", path=str(ledger))
    try:
        # a conversion: the attachments are checked where the evidence is checked, not here
        evidence = load_evidence(ledger, str(ledger), verify_attachments=False)
    except InputError as exc:
        raise invalid(exc, msgs) from None
    write(canonical_yaml(evidence), None, output, msgs)
    if output is not None:
        note(msgs.ui("written", path=str(output)))


@app.command("export", help=H("export"))
def export_command(
    evidence: Annotated[Path, typer.Argument(help=H("export_evidence"), show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help=H("export_output"))],
    lang: LangOpt = None,
) -> None:
    from dangjian_audit.errors import InputError
    from dangjian_audit.ledger.writer import export_workbook
    from dangjian_audit.loading import load_evidence

    msgs, _ = settings(lang)
    try:
        loaded = load_evidence(evidence, str(evidence), verify_attachments=False)
        data = export_workbook(loaded, msgs.lang, str(evidence))
    except InputError as exc:
        raise invalid(exc, msgs) from None
    write_binary(data, output, msgs)


@app.command("attach", help=H("attach"))
def attach_command(
    evidence: Annotated[Path, typer.Argument(help=H("attach_evidence"), show_default=False)],
    lang: LangOpt = None,
) -> None:
    from dangjian_audit.attachments import attach, write_atomic
    from dangjian_audit.errors import InputError
    from dangjian_audit.loading import load_evidence

    msgs, _ = settings(lang)
    if evidence.suffix.lower() not in (".yaml", ".yml"):
        raise usage(msgs, "usage_unknown_suffix", path=str(evidence))
    try:
        loaded = load_evidence(evidence, str(evidence), verify_attachments=False)  # hashes are what attach fixes
        text, changed = attach(evidence, loaded, str(evidence))
    except InputError as exc:
        raise invalid(exc, msgs) from None
    if changed:
        try:
            write_atomic(evidence, text.encode("utf-8"))
        except OSError as exc:
            unwritable(OutputError.from_os_error(str(evidence), exc), msgs)
    note(msgs.fmt("ledger", "attached", {"path": str(evidence), "count": changed}))


@app.command("pack", help=H("pack"))
def pack_command(
    evidence: Annotated[Path, typer.Argument(help=H("pack_evidence"), show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help=H("pack_output"))],
    lang: LangOpt = None,
) -> None:
    from dangjian_audit.errors import InputError
    from dangjian_audit.loading import load_evidence
    from dangjian_audit.pack import build_pack

    msgs, _ = settings(lang)
    if evidence.suffix.lower() not in (".yaml", ".yml", ".xlsx"):
        raise usage(msgs, "usage_unknown_suffix", path=str(evidence))
    try:
        # every attachment must be present and unchanged before it goes into the pack
        data = build_pack(evidence, load_evidence(evidence, str(evidence)), str(evidence))
    except InputError as exc:
        raise invalid(exc, msgs) from None
    write_binary(data, output, msgs)
