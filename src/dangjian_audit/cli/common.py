"""What every command shares: options, the message table, usage errors, the ruleset, output and exit codes."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
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


def _help_table() -> dict[str, str]:
    """The ``--help`` texts in the language ``--lang``, the project configuration or the locale asks for,
    picked before the commands are built (typer reads help texts when they are declared)."""
    import os

    from dangjian_audit.conventions import help_language
    from dangjian_audit.i18n import Messages

    configured = None
    try:
        from dangjian_audit.config import discover

        found = discover()
        configured = found.values.lang if found is not None else None
    except Exception:  # noqa: BLE001 - a broken configuration is reported by the command, not by --help
        configured = None
    msgs = Messages(help_language(sys.argv[1:], os.environ, configured))
    return {str(k): str(v) for k, v in msgs.table.get("help", {}).items()}


HELP = _help_table()


def H(key: str) -> str:  # noqa: N802 - short on purpose: it wraps every help text
    return HELP[key]


LangOpt = Annotated[Lang | None, typer.Option("--lang", help=H("lang"))]
CatalogOpt = Annotated[Path | None, typer.Option("--catalog", help=H("catalog"))]
ProfileOpt = Annotated[Path | None, typer.Option("--profile", help=H("profile"))]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help=H("as_of"))]
# issue 11: year on year
WaiversOpt = Annotated[Path | None, typer.Option("--waivers", help=H("waivers"))]
FailUnderOpt = Annotated[float | None, typer.Option("--fail-under", help=H("fail_under"))]
FailOnVetoOpt = Annotated[bool | None, typer.Option("--fail-on-veto/--no-fail-on-veto", help=H("fail_on_veto"))]
MinLevelOpt = Annotated[MinLevel | None, typer.Option("--min-level", help=H("min_level"))]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help=H("output"))]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help=H("quiet"))]
MaxSizeOpt = Annotated[int | None, typer.Option(
    "--max-file-size", min=1, envvar="DANGJIAN_AUDIT_MAX_FILE_BYTES", show_envvar=True, help=H("max_file_size"))]


def messages(lang: Lang | str | None) -> Messages:
    from dangjian_audit.i18n import Messages

    value = lang.value if isinstance(lang, Lang) else lang
    return Messages(value or "zh")


_QUIET = False


def set_quiet(quiet: bool) -> None:
    global _QUIET
    _QUIET = quiet


def err(text: str) -> None:
    """An error (a diagnostic, a usage error): always on stderr."""
    sys.stderr.write(text + "\n")


def note(text: str) -> None:
    """Chatter (what was written, a summary line, a failed gate's reason, a warning): silenced by --quiet."""
    if not _QUIET:
        sys.stderr.write(text + "\n")


def same_terminal() -> bool:
    """Standard output and standard error are the same terminal (a person is reading both)."""
    import os

    try:
        return sys.stdout.isatty() and sys.stderr.isatty() and os.path.samestat(os.fstat(1), os.fstat(2))
    except (OSError, ValueError):
        return False


@dataclass(frozen=True)
class Settings:
    """Option values after the precedence: the command line, then the project configuration, then defaults."""

    lang: str
    profile: Path | None
    catalog: Path | None
    as_of: str | None
    fail_under: float | None
    fail_on_veto: bool
    min_level: str | None
    jobs: int | None


def settings(lang: Lang | None, profile: Path | None = None, catalog: Path | None = None, as_of: str | None = None,
             fail_under: float | None = None, fail_on_veto: bool | None = None,
             min_level: MinLevel | None = None, jobs: int | None = None) -> tuple[Messages, Settings]:
    """Apply the project configuration (``.dangjian-audit.yaml`` or ``[tool.dangjian-audit]``) under the
    options given; an invalid configuration is printed as ``path:line:col: error`` and exits 3. Ranges are
    checked here too: ``--fail-under`` 0 to 100 and ``--jobs`` 1 or more (usage errors, exit 2)."""
    from dangjian_audit.config import discover
    from dangjian_audit.errors import InputError

    try:
        found = discover()
    except InputError as exc:
        early = messages(lang)
        for d in exc.diagnostics:
            err(d.render(early))
        raise typer.Exit(EXIT_INVALID) from None
    cfg = found.values if found is not None else None
    chosen = Settings(
        lang=lang.value if lang is not None else (cfg.lang if cfg and cfg.lang else "zh"),
        profile=profile if profile is not None else (found.path(cfg.profile) if found and cfg else None),
        catalog=catalog if catalog is not None else (found.path(cfg.catalog) if found and cfg else None),
        as_of=as_of if as_of is not None else (cfg.as_of.isoformat() if cfg and cfg.as_of else None),
        fail_under=fail_under if fail_under is not None else (cfg.fail_under if cfg else None),
        fail_on_veto=fail_on_veto if fail_on_veto is not None else (
            cfg.fail_on_veto if cfg and cfg.fail_on_veto is not None else True),
        min_level=min_level.value if min_level is not None else (cfg.min_level if cfg else None),
        jobs=jobs if jobs is not None else (cfg.jobs if cfg else None),
    )
    msgs = messages(chosen.lang)
    if chosen.fail_under is not None and not 0 <= chosen.fail_under <= 100:
        raise usage(msgs, "usage_fail_under_range", value=f"{chosen.fail_under:g}")
    if chosen.jobs is not None and chosen.jobs < 1:
        raise usage(msgs, "usage_jobs_range", value=chosen.jobs)
    return msgs, chosen


def usage_problem(msgs: Messages, problem: Any) -> typer.Exit:
    """A :class:`~dangjian_audit.conventions.UsageProblem` as a usage error."""
    return usage(msgs, problem.code, **problem.args_)


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


def copy_output(source: Path, output: Path, msgs: Messages) -> None:
    """Write ``output`` as a copy of ``source`` (a file this run has just written), whole or not at all."""
    import shutil

    from dangjian_audit.errors import OutputError
    from dangjian_audit.outputs import atomic_path

    try:
        with atomic_path(output) as temporary:
            shutil.copyfile(source, temporary)
    except OSError as exc:
        unwritable(OutputError.from_os_error(str(output), exc), msgs)


def write(rendered: Rendered, fmt: Format | None, output: Path | None, msgs: Messages) -> None:
    """Write a rendered report to ``output``, or to standard output when it is None.

    Text goes out in pieces as the renderer yields them (county summaries are streamed);
    a text on standard output ends with a newline. An output that cannot be written is a
    usage error (exit 2).
    """
    import codecs

    from dangjian_audit.errors import OutputError
    from dangjian_audit.outputs import atomic_path

    encoding = fmt.encoding if fmt is not None else "utf-8"
    if output is not None and output.is_dir():
        raise usage(msgs, "usage_output_is_dir", path=str(output))
    try:
        if output is not None:
            # Whole or absent: written under a temporary name, renamed when complete.
            with atomic_path(output) as temporary:
                if isinstance(rendered, bytes):
                    temporary.write_bytes(rendered)
                else:
                    with temporary.open("w", encoding=encoding, newline="") as fh:
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
