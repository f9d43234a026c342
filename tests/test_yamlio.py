"""The YAML layer: the C loader, safety, duplicate keys, lines, encodings."""

from __future__ import annotations

import datetime as dt
import platform
from pathlib import Path

import pytest

from dangjian_audit.errors import InputError
from dangjian_audit.yamlio import HAS_LIBYAML, LINE_KEY, parse, read_text


@pytest.mark.skipif(platform.python_implementation() != "CPython", reason="libyaml wheels are for CPython")
def test_c_loader_is_used() -> None:
    # A silent fallback to the pure-Python loader costs about 7x on large batches.
    assert HAS_LIBYAML


def test_lines_are_recorded_on_every_mapping() -> None:
    data = parse("a: 1\nitems:\n  - {x: 2024-09-01}\n  - y: 2\n", "f.yaml")
    assert data[LINE_KEY] == 1
    assert [item[LINE_KEY] for item in data["items"]] == [3, 4]
    assert data["items"][0]["x"] == dt.date(2024, 9, 1)


def _codes(text: str) -> list[tuple[str, int | None, int | None]]:
    with pytest.raises(InputError) as info:
        parse(text, "f.yaml")
    return [(d.code, d.line, d.column) for d in info.value.diagnostics]


def test_duplicate_keys_are_rejected_with_position() -> None:
    assert _codes("a: 1\nb:\n  c: 1\n  c: 2\n") == [("duplicate_key", 4, 3)]


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['true']", "!!python/name:os.system", "!custom x"])
def test_object_tags_are_rejected(tag: str) -> None:
    assert _codes(f"a: {tag}\n")[0][0] in ("yaml_tag", "yaml_syntax")


def test_reserved_key_is_rejected() -> None:
    assert _codes("__line__: 3\n") == [("reserved_key", 1, 1)]


def test_impossible_date_stays_text_for_validation() -> None:
    assert parse("d: 2025-02-30\n", "f.yaml")["d"] == "2025-02-30"


def test_comment_only_file_is_empty() -> None:
    assert _codes("# nothing here\n\n") == [("empty_file", None, None)]


def test_bom_is_accepted_and_gbk_is_not(tmp_path: Path) -> None:
    good = tmp_path / "bom.yaml"
    good.write_bytes("\ufeffa: 中文\n".encode())
    assert parse(read_text(good, "bom.yaml"), "bom.yaml")["a"] == "中文"
    bad = tmp_path / "gbk.yaml"
    bad.write_bytes("a: 中文\n".encode("gbk"))
    with pytest.raises(InputError) as info:
        read_text(bad, "gbk.yaml")
    assert [(d.code, d.line, d.column) for d in info.value.diagnostics] == [("not_utf8", 1, 4)]
