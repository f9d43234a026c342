"""Load-time checks of catalog and profile texts and values, each reported at its own line.

- A catalog ``message`` is formatted with the arguments its check provides (``record``, and ``value``
  for a value check); any other placeholder (``{0}``, ``{unknown}``, ``{record.__class__}``) or a stray
  brace is a catalog error at the message's line, not a crash in the middle of an audit.
- A check parameter that a profile set is validated in the check's model like any other; when that
  value is wrong, the error points at the profile's line, where the user wrote it, not at the
  bundled catalog's line that names the parameter.
"""

from __future__ import annotations

import string
from typing import Any

from pydantic import ValidationError

from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.models.catalog import Profile
from dangjian_audit.yamlio import locate

#: the arguments a catalog message is formatted with, by check kind (see report._finding)
MESSAGE_ARGS: dict[str, tuple[str, ...]] = {"value": ("record", "value")}
DEFAULT_MESSAGE_ARGS: tuple[str, ...] = ("record",)


def _bad_placeholder(text: str, known: tuple[str, ...]) -> str | None:
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return "{"  # a single brace: write {{ or }} for a literal one
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in known or spec or conversion:
            return "{" + name + "}"
    return None


def message_diagnostics(kind: str, spec_data: Any, text: str, display: str,
                        prefix: tuple[Any, ...]) -> list[Diagnostic]:
    """Every catalog message in one check whose placeholders the check cannot fill."""
    known = MESSAGE_ARGS.get(kind, DEFAULT_MESSAGE_ARGS)
    out: list[Diagnostic] = []

    def walk(value: Any, loc: tuple[Any, ...]) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "message" and isinstance(item, dict):
                    for lang, words in item.items():
                        bad = _bad_placeholder(words, known) if isinstance(words, str) else None
                        if bad is not None:
                            line, col, _ = locate(text, (*prefix, *loc, key, lang))
                            out.append(Diagnostic(display, "catalog_message_placeholder",
                                                  {"name": bad, "known": ", ".join("{" + k + "}" for k in known)},
                                                  line, col))
                else:
                    walk(item, (*loc, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, (*loc, i))

    walk(spec_data, ())
    return out


def substitution_origins(value: Any, params: dict[str, Any], loc: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], str]:
    """Where in a check each ``$name`` parameter is substituted: spec path -> parameter name."""
    if isinstance(value, str) and value.startswith("$") and value[1:] in params:
        return {loc: value[1:]}
    out: dict[tuple[Any, ...], str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            out |= substitution_origins(item, params, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out |= substitution_origins(item, params, (*loc, i))
    return out


def profile_location(profile: Profile, indicator: str, indicator_params: dict[str, Any],
                     name: str) -> tuple[Any, ...] | None:
    """Where the profile sets parameter ``name`` of ``indicator``, if the value in force is the profile's."""
    if name in profile.params.get(indicator, {}):
        return ("params", indicator, name)
    if name in profile.settings and name not in indicator_params:
        return ("settings", name)
    return None


def relocate_to_profile(exc: ValidationError, origins: dict[tuple[Any, ...], str], profile: Profile | None,
                        indicator: str, indicator_params: dict[str, Any],
                        skip: int = 0) -> tuple[list[Diagnostic], bool]:
    """The errors of a check whose wrong value came from the profile, at the profile's lines.

    Returns the profile's diagnostics and whether every error was one of them (else the caller
    reports the rest at the catalog's lines as usual); ``skip`` drops a union's tag from each location.
    """
    from dangjian_audit.loading.positions import _clean_loc, _field_name, error_diagnostic

    if profile is None:
        return [], False
    out: list[Diagnostic] = []
    everything = True
    for err in exc.errors(include_url=False):
        loc = _clean_loc(tuple(err["loc"])[skip:])
        where = None
        for origin, name in origins.items():
            if loc[:len(origin)] == origin:
                at = profile_location(profile, indicator, indicator_params, name)
                if at is not None:
                    where = (*at, *loc[len(origin):])
                break
        if where is None:
            everything = False
            continue
        out.append(error_diagnostic(err, profile._text, profile._display, where, field=_field_name(where),
                                    skip=skip))
    return out, everything
