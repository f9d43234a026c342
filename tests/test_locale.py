"""Message tables: no duplicate keys, both languages for every entry, the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from dangjian_audit.i18n import LANGS, Messages, MissingMessage
from dangjian_audit.yamlio import LINE_KEY, parse

LOCALE = Path(__file__).resolve().parents[1] / "src" / "dangjian_audit" / "locale"
TABLES = ["messages.yaml", "fields.yaml"]


def _leaves(data: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(data, dict) and set(data) - {LINE_KEY} <= set(LANGS) and data.keys() - {LINE_KEY}:
        out[prefix.rstrip(".")] = data
    elif isinstance(data, dict):
        for key, value in data.items():
            if key != LINE_KEY:
                out |= _leaves(value, f"{prefix}{key}.")
    else:
        out[prefix.rstrip(".")] = data
    return out


@pytest.mark.parametrize("table", TABLES)
def test_every_entry_has_both_languages_with_the_same_placeholders(table: str) -> None:
    # parse() rejects duplicate keys, which would silently shadow a message.
    data = parse((LOCALE / table).read_text(encoding="utf-8"), table)
    leaves = _leaves(data)
    assert leaves
    for key, leaf in leaves.items():
        assert isinstance(leaf, dict) and sorted(k for k in leaf if k != LINE_KEY) == sorted(LANGS), key
        zh, en = str(leaf["zh"]), str(leaf["en"])
        assert zh.strip() and en.strip(), key
        assert sorted(re.findall(r"\{(\w+)\}", zh)) == sorted(re.findall(r"\{(\w+)\}", en)), key


@pytest.mark.parametrize("table", TABLES)
def test_keys_are_plain_strings(table: str) -> None:
    # YAML 1.1 reads bare yes/no/on/off keys as booleans: a key "yes" would never be found.
    data = yaml.safe_load((LOCALE / table).read_text(encoding="utf-8"))

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                assert isinstance(key, str), repr(key)
                walk(value)

    walk(data)


def test_a_missing_key_is_a_bug_not_a_raw_key() -> None:
    with pytest.raises(MissingMessage):
        Messages("zh").ui("no_such_message_key")
    assert Messages("zh").get("ui", "no_such_message_key", "fallback") == "fallback"


def test_yes_is_translated() -> None:
    assert Messages("zh").ui("yes") == "是"
    assert Messages("en").ui("yes") == "yes"
