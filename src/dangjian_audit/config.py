"""The optional project configuration: defaults for command-line options, kept with the evidence.

Looked up from the working directory upwards; the first directory that has one wins:

- ``.dangjian-audit.yaml`` (checked first), or
- ``pyproject.toml`` with a ``[tool.dangjian-audit]`` table (a ``pyproject.toml`` without the table is passed
  over, so the search goes on to the parent directory).

Keys (all optional): ``lang`` (zh|en), ``profile`` and ``catalog`` (paths, relative to the file that names them),
``as_of`` (a date), ``fail_under`` (0 to 100), ``fail_on_veto`` (true|false), ``min_level``
(county|city|province), ``jobs`` (1 or more). Precedence: an option given on the command line, then the
configuration, then the built-in default. The file is checked like every other input: an unknown key or a value
of the wrong kind is reported as ``path:line:col: error [code] message`` and the command exits 3.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.errors import InputError

YAML_NAME = ".dangjian-audit.yaml"
PYPROJECT = "pyproject.toml"
TABLE = "dangjian-audit"


class ProjectConfig(BaseModel):
    """Defaults for the command-line options; ``None`` means "not set here"."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    lang: Literal["zh", "en"] | None = None
    profile: str | None = None
    catalog: str | None = None
    as_of: dt.date | None = None
    fail_under: float | None = Field(default=None, ge=0, le=100)
    fail_on_veto: bool | None = None
    min_level: Literal["county", "city", "province"] | None = None
    jobs: int | None = Field(default=None, ge=1)


@dataclasses.dataclass(frozen=True)
class LoadedConfig:
    """A configuration and the file it came from (relative paths in it are relative to that file)."""

    values: ProjectConfig
    source: Path

    def path(self, value: str | None) -> Path | None:
        if value is None:
            return None
        path = Path(value).expanduser()
        return path if path.is_absolute() else self.source.parent / path


def _pyproject_has_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return _TABLE_HEADER.search(text) is not None


_TABLE_HEADER = re.compile(
    r"""^\s*\[\s*tool\s*\.\s*(?:"dangjian-audit"|'dangjian-audit'|dangjian-audit)\s*\]\s*(#.*)?$""", re.MULTILINE)


def find_config(start: Path) -> Path | None:
    """The configuration file for a command run in ``start``: the nearest one upwards, or None."""
    start = start.resolve()
    for directory in (start, *start.parents):
        candidate = directory / YAML_NAME
        if candidate.is_file():
            return candidate
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _pyproject_has_table(pyproject):
            return pyproject
    return None


def load_config(path: Path, display: str | None = None) -> LoadedConfig:
    """Read and validate one configuration file (raises InputError with every problem found)."""
    display = display or str(path)
    if path.name == PYPROJECT:
        values = _from_pyproject(path, display)
    else:
        values = _from_yaml(path, display)
    return LoadedConfig(values, path)


def discover(start: Path | None = None) -> LoadedConfig | None:
    """The configuration that applies in ``start`` (default: the working directory), validated, or None."""
    path = find_config(start or Path.cwd())
    return load_config(path, _display(path)) if path is not None else None


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _from_yaml(path: Path, display: str) -> ProjectConfig:
    from dangjian_audit.loading.common import load_yaml, strip_lines
    from dangjian_audit.loading.positions import validation_diagnostics

    text, data = load_yaml(path, display)
    if data is None:
        return ProjectConfig()
    if not isinstance(data, dict):
        raise InputError([Diagnostic(display, "not_mapping", {}, 1, 1)])
    try:
        return ProjectConfig.model_validate(strip_lines(data))
    except ValidationError as exc:
        raise InputError(validation_diagnostics(exc, text, display)) from None


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def _from_pyproject(path: Path, display: str) -> ProjectConfig:
    import tomllib

    from dangjian_audit.loading.positions import validation_diagnostics
    from dangjian_audit.yamlio import read_text

    text = read_text(path, display)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POSITION.search(str(exc))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
        detail = _TOML_POSITION.sub("", str(exc)).strip()
        raise InputError([Diagnostic(display, "toml_syntax", {"detail": detail}, line, column)]) from None
    table = data.get("tool", {}).get(TABLE, {})
    if not isinstance(table, dict):
        raise InputError([Diagnostic(display, "not_mapping", {}, *_toml_locate(text, ()))])
    try:
        return ProjectConfig.model_validate(table)
    except ValidationError as exc:
        # Positions come from the TOML text: the line of the key inside [tool.dangjian-audit].
        diagnostics = validation_diagnostics(exc, "", display)
        keys = [tuple(err["loc"]) for err in exc.errors(include_url=False)]
        raise InputError([dataclasses.replace(d, line=line, column=column)
                          for d, loc in zip(diagnostics, keys, strict=True)
                          for line, column in [_toml_locate(text, loc)]]) from None


def _toml_locate(text: str, loc: tuple[Any, ...]) -> tuple[int | None, int | None]:
    """``(line, column)`` of a key of the ``[tool.dangjian-audit]`` table (of the table itself without one)."""
    lines = text.splitlines()
    header = next((n for n, line in enumerate(lines) if _TABLE_HEADER.match(line)), None)
    if header is None:
        return None, None
    if loc:
        key = re.compile(r"^(\s*)[\"']?" + re.escape(str(loc[0])) + r"[\"']?\s*=")
        for n in range(header + 1, len(lines)):
            if lines[n].lstrip().startswith("["):
                break
            found = key.match(lines[n])
            if found:
                return n + 1, len(found.group(1)) + 1
    return header + 1, 1
