"""The two outputs of the ledger commands: a workbook from evidence (``export``) and canonical
evidence YAML from a workbook (``import``).

Canonical YAML holds what the evidence sets explicitly, keys in the model's field order, no
source lines, dates as YAML dates: the same evidence always gives the same bytes, and
``import(export(canonical))`` is the canonical text again.
"""

from __future__ import annotations

from typing import Any

import yaml

from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.errors import InputError
from dangjian_audit.ledger.layout import layout
from dangjian_audit.ledger.template import render_workbook
from dangjian_audit.ledger.values import get_set, list_item_problems
from dangjian_audit.models.evidence import Evidence


class _Dumper(yaml.SafeDumper):
    """The pure-Python safe dumper: its output does not depend on whether libyaml is installed."""


def canonical_yaml(ev: Evidence) -> str:
    data = ev.model_dump(mode="python", exclude_unset=True, exclude_none=True)
    text: str = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                          width=4096)
    return text


def _records(ev: Evidence) -> list[tuple[tuple[Any, ...], Any]]:
    lay = layout()
    out: list[tuple[tuple[Any, ...], Any]] = [((), ev)]
    for table in lay.tables:
        if table.parents:
            continue
        for index, record in enumerate(get_set(ev, table.path) or ()):
            out.append(((*table.path, index), record))
    return out


def export_workbook(ev: Evidence, lang: str, display: str, place: Any = None) -> bytes:
    """The evidence as a workbook; a list item that cannot share a cell is refused with its location."""
    lay = layout()
    diags: list[Diagnostic] = []
    columns = {t.path: t.columns for t in lay.tables if not t.parents}
    for loc, record in _records(ev):
        cols = lay.facts if not loc else columns[tuple(p for p in loc if isinstance(p, str))]
        for col in cols:
            for index, item in list_item_problems(col, get_set(record, col.path)):
                args = {"field": ".".join(map(str, (*loc, *col.path))), "index": index, "input": item}
                diags.append(place((*loc, *col.path), "ledger_list_separator", args) if place is not None
                             else Diagnostic(display, "ledger_list_separator", args))
    if diags:
        raise InputError(diags)
    return render_workbook(lang, ev)
