"""What every command shares: options, the message table, usage errors, the ruleset, output and exit codes."""

from __future__ import annotations

import datetime as dt
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from dangjian_audit.errors import EXIT_INVALID, EXIT_USAGE

if TYPE_CHECKING:
    from dangjian_audit.errors import OutputError
    from dangjian_audit.i18n import Messages
    from dangjian_audit.models.ruleset import Ruleset
    from dangjian_audit.reporters import Format, Rendered

EXIT_HELP = """
\b
Exit codes / 退出码:
  0  every file passes the gate / 全部通过
  1  a file fails the gate (score below --fail-under, a veto, or below --min-level) / 未通过门槛
  2  usage error / 用法错误
  3  a file or the catalog is invalid or unreadable / 文件或指标目录无效、无法读取
  4  internal error: a bug in the tool, reported with its traceback / 内部错误（工具缺陷）
"""


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class ListFormat(str, Enum):
    text = "text"
    json = "json"


class MinLevel(str, Enum):
    county = "county"
    city = "city"
    province = "province"


def format_enum(name: str, names: list[str]) -> type[Enum]:
    """A choice type for ``--format`` built from the reporter registry."""
    return Enum(name, [(n, n) for n in names], type=str)  # type: ignore[return-value]


LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of the output: zh (default) or en.")]
CatalogOpt = Annotated[Path | None, typer.Option("--catalog", help="Catalog directory (default: the bundled one).")]
ProfileOpt = Annotated[Path | None, typer.Option("--profile", help="County profile overriding thresholds and lines.")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Audit date YYYY-MM-DD (default: today).")]
FailUnderOpt = Annotated[
    float | None, typer.Option("--fail-under", help="Gate: fail below this total (default: the 合格 line).")
]
FailOnVetoOpt = Annotated[
    bool, typer.Option("--fail-on-veto/--no-fail-on-veto", help="Gate: fail when a veto item is triggered.")
]
MinLevelOpt = Annotated[
    MinLevel | None, typer.Option("--min-level", help="Gate: fail unless this demonstration level is reached.")
]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")]
MaxSizeOpt = Annotated[int | None, typer.Option(
    "--max-file-size", min=1, envvar="DANGJIAN_AUDIT_MAX_FILE_BYTES", show_envvar=True,
    help="Refuse evidence files larger than this many bytes, before reading them (default: 8388608, 8 MB).")]


def messages(lang: Lang) -> Messages:
    from dangjian_audit.i18n import Messages

    return Messages(lang.value)


def err(text: str) -> None:
    sys.stderr.write(text + "\n")


def usage(msgs: Messages, code: str, **args: Any) -> typer.Exit:
    """A usage error (exit 2), printed in the user's language; raise what it returns."""
    err(f"dangjian-audit: error [{code}] " + msgs.error(code, args))
    return typer.Exit(EXIT_USAGE)


def unwritable(exc: OutputError, msgs: Messages) -> NoReturn:
    """An output that cannot be written: ``path: error [unwritable] ...`` and the usage exit code."""
    err(exc.diagnostic().render(msgs))
    raise typer.Exit(EXIT_USAGE) from None


def parse_as_of(value: str | None, msgs: Messages) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise usage(msgs, "usage_bad_date", value=value) from None


def load_ruleset(catalog: Path | None, profile: Path | None, msgs: Messages) -> Ruleset:
    """The catalog with the profile applied, or every problem in them printed and exit 3."""
    from dangjian_audit.catalog_cache import load_ruleset_cached
    from dangjian_audit.errors import InputError
    from dangjian_audit.yamlio import HAS_LIBYAML

    if not HAS_LIBYAML:
        err(msgs.ui("loader_warning"))
    try:
        return load_ruleset_cached(catalog, profile)
    except InputError as exc:
        for d in exc.diagnostics:
            err(d.render(msgs))
        raise typer.Exit(EXIT_INVALID) from None


def write(rendered: Rendered, fmt: Format | None, output: Path | None, msgs: Messages) -> None:
    """Write a rendered report to ``output``, or to standard output when it is None.

    Text goes out in pieces as the renderer yields them (county summaries are streamed);
    a text on standard output ends with a newline. An output that cannot be written is a
    usage error (exit 2).
    """
    import codecs

    from dangjian_audit.errors import OutputError

    encoding = fmt.encoding if fmt is not None else "utf-8"
    if output is not None and output.is_dir():
        raise usage(msgs, "usage_output_is_dir", path=str(output))
    try:
        if output is not None:
            output.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(rendered, bytes):
                output.write_bytes(rendered)
                return
            with output.open("w", encoding=encoding, newline="") as fh:
                for piece in [rendered] if isinstance(rendered, str) else rendered:
                    fh.write(piece)
            return
        sys.stdout.flush()
        stream = sys.stdout.buffer
        if isinstance(rendered, bytes):
            stream.write(rendered)
            stream.flush()
            return
        encoder = codecs.getincrementalencoder(encoding)()
        last = ""
        for piece in [rendered] if isinstance(rendered, str) else rendered:
            if piece:
                stream.write(encoder.encode(piece))
                last = piece
        if last and not last.endswith("\n"):
            stream.write(encoder.encode("\n"))
        stream.write(encoder.encode("", final=True))
        stream.flush()
    except OSError as exc:
        if output is None:
            raise  # standard output: not a path the user can fix
        unwritable(OutputError.from_os_error(str(output), exc), msgs)
