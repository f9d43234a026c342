"""Message tables: every user-facing word outside the catalog and templates.

The tables live in ``locale/messages.yaml`` (messages) and ``locale/fields.yaml`` (titles
and descriptions of evidence fields). Every entry holds both languages side by side,
``{zh: ..., en: ...}``, so a message cannot exist in one language only. Python code
refers to keys only; a key that does not exist is a bug (:class:`MissingMessage`), never
a raw key shown to the user.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


class MissingMessage(LookupError):
    """Code asked for a message key that the tables do not have (a bug in the tool)."""


class SafeDict(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _read(name: str) -> Any:
    return _parse(resources.files("dangjian_audit").joinpath("locale", name).read_bytes())


def _parse(raw: bytes) -> Any:
    # BaseLoader: every key and value stays a string (a key "yes" must not become True).
    return yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader))


def is_text(node: Any) -> bool:
    """A leaf of a bilingual table: ``{zh: ..., en: ...}``."""
    return isinstance(node, dict) and set(node) == set(LANGS)


def pick(node: Any, lang: str) -> Any:
    """The tree ``node`` with every bilingual leaf replaced by its ``lang`` text."""
    if is_text(node):
        return node[lang]
    if isinstance(node, dict):
        return {key: pick(value, lang) for key, value in node.items()}
    return node


@cache
def table(name: str, lang: str) -> dict[str, Any]:
    """One bilingual table (``messages`` or ``fields``) seen in one language.

    Parsing a table costs more than the rest of a small command's own work, so the picked table
    is kept in the user's cache folder (:mod:`dangjian_audit.cachedir`), keyed by the file's bytes.
    """
    from dangjian_audit.cachedir import cached

    lang = lang if lang in LANGS else DEFAULT_LANG
    raw = resources.files("dangjian_audit").joinpath("locale", f"{name}.yaml").read_bytes()
    data = cached(f"table-{name}-{lang}", raw, lambda: pick(_parse(raw), lang), lambda v: isinstance(v, dict))
    assert isinstance(data, dict)
    return data


class Messages:
    """Look up and format messages in one language."""

    def __init__(self, lang: str = DEFAULT_LANG) -> None:
        self.lang = lang if lang in LANGS else DEFAULT_LANG
        self.table = table("messages", self.lang)
        self._plain: dict[str, str] = {}  # ui texts without arguments, formatted once

    def has(self, section: str, key: str) -> bool:
        return key in self.table.get(section, {})

    def get(self, section: str, key: str, default: str | None = None) -> str:
        value = self.table.get(section, {}).get(key)
        if value is None:
            if default is None:
                raise MissingMessage(f"{section}.{key}")
            return default
        return str(value)

    def fmt(self, section: str, key: str, args: dict[str, Any] | None = None) -> str:
        return self.get(section, key).format_map(SafeDict(args or {}))

    def error(self, code: str, args: dict[str, Any]) -> str:
        template = self.table["errors"].get(code)
        if template is None:
            # Unknown pydantic error types fall back to pydantic's own text.
            template = self.table["errors"]["fallback"]
        return str(template).format_map(SafeDict(args))

    def ui(self, key: str, **args: Any) -> str:
        if args:
            return self.fmt("ui", key, args)
        # a report asks for the same few hundred labels again for every school and every format
        text = self._plain.get(key)
        if text is None:
            text = self._plain[key] = self.fmt("ui", key)
        return text

    def text(self, value: Any) -> str:
        """Pick this language from a catalog ``{zh: ..., en: ...}`` text."""
        if isinstance(value, dict):
            return str(value.get(self.lang) or value.get("zh") or "")
        return "" if value is None else str(value)
