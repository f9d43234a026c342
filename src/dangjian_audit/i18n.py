"""Message tables: every user-facing word outside the catalog and templates.

Tables live in ``locale/<lang>.yaml``; Python code refers to keys only.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

LANGS = ("zh", "en")


class SafeDict(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@cache
def _table(lang: str) -> dict[str, Any]:
    text = resources.files("dangjian_audit").joinpath("locale", f"{lang}.yaml").read_text("utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert isinstance(data, dict)
    return data


class Messages:
    """Look up and format messages in one language."""

    def __init__(self, lang: str = "zh") -> None:
        self.lang = lang if lang in LANGS else "zh"
        self.table = _table(self.lang)

    def get(self, section: str, key: str, default: str | None = None) -> str:
        value = self.table.get(section, {}).get(key)
        if value is None:
            return default if default is not None else key
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
        return self.fmt("ui", key, args)

    def text(self, value: Any) -> str:
        """Pick this language from a catalog ``{zh: ..., en: ...}`` text."""
        if isinstance(value, dict):
            return str(value.get(self.lang) or value.get("zh") or "")
        return "" if value is None else str(value)
