"""``import``, ``export``, ``attach`` and ``pack``: ledger workbooks, attachment hashes and evidence packs.

Thin commands: the work is in :mod:`dangjian_audit.ledger`, :mod:`dangjian_audit.attachments`
and :mod:`dangjian_audit.pack`; here are only options, where output goes and exit codes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dangjian_audit.cli.app import app
from dangjian_audit.cli.common import Lang, LangOpt, err, messages, usage, write
from dangjian_audit.errors import EXIT_INVALID

if TYPE_CHECKING:
    from dangjian_audit.errors import InputError
    from dangjian_audit.i18n import Messages


def invalid(exc: InputError, msgs: Messages) -> typer.Exit:
    """Every diagnostic of an invalid input on standard error, and exit 3."""
    for d in exc.diagnostics:
        err(d.render(msgs))
    return typer.Exit(EXIT_INVALID)


def write_binary(data: bytes, output: Path, msgs: Messages) -> None:
    """Write a workbook or a pack through the common writer, then say where it went."""
    write(data, None, output, msgs)
    err(msgs.ui("written", path=str(output)))


@app.command("import")
def import_command(
    ledger: Annotated[Path, typer.Argument(help="A filled ledger workbook (.xlsx).", show_default=False)],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Evidence YAML to write.")] = None,
    lang: LangOpt = Lang.zh,
) -> None:
    """Convert a filled ledger workbook to canonical evidence YAML.

    Every problem is reported at its cell (LEDGER.xlsx:会议记录!C14). Exit codes: 0 written, 3 a problem.
    """
    from dangjian_audit.errors import InputError
    from dangjian_audit.ledger.writer import canonical_yaml
    from dangjian_audit.loading import load_evidence

    msgs = messages(lang)
    if ledger.suffix.lower() != ".xlsx":
        raise usage(msgs, "usage_unknown_suffix", path=str(ledger))
    try:
        # a conversion: the attachments are checked where the evidence is checked, not here
        evidence = load_evidence(ledger, str(ledger), verify_attachments=False)
    except InputError as exc:
        raise invalid(exc, msgs) from None
    write(canonical_yaml(evidence), None, output, msgs)
    if output is not None:
        err(msgs.ui("written", path=str(output)))


@app.command("export")
def export_command(
    evidence: Annotated[Path, typer.Argument(help="Evidence file (.yaml, .xlsx or a pack .zip).", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Ledger workbook (.xlsx) to write.")],
    lang: LangOpt = Lang.zh,
) -> None:
    """Write an evidence file as a ledger workbook (the reverse of import).

    Exit codes: 0 written, 2 unwritable output, 3 invalid evidence.
    """
    from dangjian_audit.errors import InputError
    from dangjian_audit.ledger.writer import export_workbook
    from dangjian_audit.loading import load_evidence

    msgs = messages(lang)
    try:
        loaded = load_evidence(evidence, str(evidence), verify_attachments=False)
        data = export_workbook(loaded, lang.value, str(evidence))
    except InputError as exc:
        raise invalid(exc, msgs) from None
    write_binary(data, output, msgs)


@app.command("attach")
def attach_command(
    evidence: Annotated[Path, typer.Argument(help="Evidence YAML whose attachments to hash.", show_default=False)],
    lang: LangOpt = Lang.zh,
) -> None:
    """Compute the SHA-256 of every attachment and record it in the evidence YAML, in place.

    Only the sha256 values change; comments and layout of the rest stay as they were.
    Exit codes: 0 done, 3 invalid evidence or a missing attachment (nothing is written).
    """
    from dangjian_audit.attachments import attach, write_atomic
    from dangjian_audit.errors import InputError
    from dangjian_audit.loading import load_evidence

    msgs = messages(lang)
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
            raise usage(msgs, "output_unwritable", path=str(evidence), reason=exc.strerror or str(exc)) from None
    err(msgs.fmt("ledger", "attached", {"path": str(evidence), "count": changed}))


@app.command("pack")
def pack_command(
    evidence: Annotated[Path, typer.Argument(help="Evidence file (.yaml or .xlsx).", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Evidence pack (.zip) to write.")],
    lang: LangOpt = Lang.zh,
) -> None:
    """Bundle the evidence, its attachments and a SHA256SUMS manifest into one zip for the county.

    `check school.zip` verifies the pack. Exit codes: 0 written, 3 invalid evidence or attachments.
    """
    from dangjian_audit.errors import InputError
    from dangjian_audit.loading import load_evidence
    from dangjian_audit.pack import build_pack

    msgs = messages(lang)
    if evidence.suffix.lower() not in (".yaml", ".yml", ".xlsx"):
        raise usage(msgs, "usage_unknown_suffix", path=str(evidence))
    try:
        # every attachment must be present and unchanged before it goes into the pack
        data = build_pack(evidence, load_evidence(evidence, str(evidence)), str(evidence))
    except InputError as exc:
        raise invalid(exc, msgs) from None
    write_binary(data, output, msgs)
