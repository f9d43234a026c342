"""Comparing a YAML loader with the libyaml loader (``yamlio.parse``): the same data or the same diagnostics.

Shared by the conformance suites of the fast loader (tests/test_fastyaml.py) and the event builder
(tests/test_eventyaml.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from dangjian_audit import yamlio
from dangjian_audit.errors import InputError
from dangjian_audit.loading.common import strip_lines

Parse = Callable[..., Any]


def shape(value: Any) -> Any:
    """Data with key order and exact types, so 1 == 1.0 == True and {a, b} == {b, a} do not hide a difference."""
    if isinstance(value, dict):
        return ("map", [(shape(k), shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("seq", [shape(v) for v in value])
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    if isinstance(value, dt.datetime):
        return ("datetime", value, value.utcoffset())
    return (type(value).__name__, value)


def outcome(parse: Parse, text: str) -> Any:
    """What ``parse`` makes of ``text``: its data's shape, or its diagnostics."""
    try:
        return ("data", shape(parse(text, "f.yaml")))
    except InputError as exc:
        return ("diagnostics", [(d.path, d.code, d.line, d.column, d.args) for d in exc.diagnostics])


def assert_same(parse: Parse, text: str) -> None:
    """``parse`` gives what the libyaml loader gives, with lines and (``lines=False``) without them.

    A text that takes the libyaml path keeps its lines even without: harmless where no output shows them,
    so both sides are compared with the lines stripped.
    """
    assert outcome(parse, text) == outcome(yamlio.parse, text), text
    assert (outcome(lambda t, d: strip_lines(parse(t, d, lines=False)), text)
            == outcome(lambda t, d: strip_lines(yamlio.parse(t, d)), text)), text
