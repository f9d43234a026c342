"""Message tables: no duplicate keys, the same keys in every language, the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dangjian_audit.yamlio import LINE_KEY, parse

LOCALE = Path(__file__).resolve().parents[1] / "src" / "dangjian_audit" / "locale"
TABLES = ["{lang}.yaml", "fields.{lang}.yaml"]


def _flat(data: object, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if key != LINE_KEY:
                out |= _flat(value, f"{prefix}{key}.")
    else:
        out[prefix.rstrip(".")] = str(data)
    return out


@pytest.mark.parametrize("table", TABLES)
def test_languages_match(table: str) -> None:
    # parse() rejects duplicate keys, which would silently shadow a message.
    zh = _flat(parse((LOCALE / table.format(lang="zh")).read_text(encoding="utf-8"), table))
    en = _flat(parse((LOCALE / table.format(lang="en")).read_text(encoding="utf-8"), table))
    assert sorted(set(zh) ^ set(en)) == []
    for key in zh:
        assert sorted(re.findall(r"\{(\w+)\}", zh[key])) == sorted(re.findall(r"\{(\w+)\}", en[key])), key
