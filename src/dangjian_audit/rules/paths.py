"""Catalog-time checks that every evidence path a check names exists, with a usable type.

A misspelt ``collection: meetngs`` or a numeric line on a text field would otherwise load
cleanly and then report *insufficient evidence* or crash mid-audit; here it is a catalog
error with its position, before any evidence is read.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Iterator
from typing import Any, Literal, Union

from pydantic import BaseModel

from dangjian_audit.models.evidence import Evidence, Meeting
from dangjian_audit.rules.base import REF_FIELDS, Condition, Predicate, Spec

NUMBER = "number"


def _unwrap(tp: Any) -> tuple[Any, bool]:
    """The leaf type of an annotation, and whether it is a list."""
    is_list = False
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0] if len(args) == 1 else str
        elif origin is list:
            tp, is_list = typing.get_args(tp)[0], True
        elif origin is Literal:
            values = typing.get_args(tp)
            tp = type(values[0]) if values else str
        else:
            return tp, is_list


def field_type(model: type[BaseModel], path: str) -> tuple[Any, bool] | None:
    """``(leaf type, is a list)`` for a dotted path from ``model``, or ``None`` if it does not exist."""
    current: Any = model
    leaf: tuple[Any, bool] = (model, False)
    for part in path.split("."):
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        leaf = _unwrap(info.annotation)
        current = Meeting if part in REF_FIELDS else leaf[0]
        if part in REF_FIELDS:
            leaf = (Meeting, False)
    return leaf


def _kind(tp: Any) -> str:
    if tp is bool:
        return "bool"
    if tp in (int, float):
        return NUMBER
    if tp is dt.date:
        return "date"
    return getattr(tp, "__name__", str(tp))


def _conditions(where: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    for key, cond in where.items():
        numeric = isinstance(cond, Condition) and any(v is not None for v in (cond.min, cond.max, cond.gt, cond.lt))
        yield key, numeric


def problems(spec: Spec) -> list[tuple[str, str]]:
    """``(code, path)`` for each path the check names that does not exist or cannot be compared."""
    out: list[tuple[str, str]] = []

    def need(model: type[BaseModel], path: str, numeric: bool = False, date: bool = False) -> Any:
        found = field_type(model, path)
        if found is None:
            out.append(("catalog_unknown_field", path))
            return None
        kind = _kind(found[0])
        if numeric and kind != NUMBER:
            out.append(("catalog_field_not_number", path))
        if date and kind != "date":
            out.append(("catalog_field_not_date", path))
        return found

    item: type[BaseModel] | None = None
    collection = getattr(spec, "collection", None)
    if collection is not None:
        found = need(Evidence, collection)
        if found is not None:
            if not found[1] or not (isinstance(found[0], type) and issubclass(found[0], BaseModel)):
                out.append(("catalog_not_a_collection", collection))
            else:
                item = found[0]
    if item is not None:
        for key, numeric in _conditions(getattr(spec, "where", {}) or {}):
            need(item, key, numeric=numeric)
        for pred in getattr(spec, "rules", []) or []:
            assert isinstance(pred, Predicate)
            numeric = (pred.min is not None or pred.max is not None or pred.lt is not None
                       or pred.more_than_half_of is not None
                       or pred.share_of is not None or pred.min_from_table is not None or pred.every is not None)
            dated = (pred.after is not None or pred.not_after_end or pred.not_before_end
                     or pred.within is not None or pred.not_before is not None)
            need(item, pred.field, numeric=numeric, date=dated)
            if pred.after is not None:
                need(item, pred.after, date=True)
            if pred.more_than_half_of is not None:
                need(item, pred.more_than_half_of, numeric=True)
            if pred.share_of is not None:
                need(item, pred.share_of, numeric=True)
            if pred.min_from_table is not None:
                need(item, pred.min_from_table.key)
            for due in (pred.within, pred.not_before):
                if due is not None:
                    need(item, due.from_, date=True)
                    if due.extra_months is not None:
                        need(item, due.extra_months, numeric=True)
            if pred.unless_missing is not None:
                need(item, pred.unless_missing)
            if pred.every is not None:
                need(item, pred.every.from_, date=True)
                if pred.every.to is not None:
                    need(item, pred.every.to, date=True)
    path = getattr(spec, "path", None)
    if path is not None:
        numeric = any(getattr(spec, k, None) is not None for k in ("min", "max", "gt", "of", "at_least"))
        if getattr(spec, "contains_all", None) is not None:
            found = need(Evidence, path)
            if found is not None and not found[1]:
                out.append(("catalog_not_a_collection", path))
        else:
            need(Evidence, path, numeric=numeric)
        for other in (getattr(spec, "of", None), getattr(spec, "at_least", None)):
            if other is not None:
                need(Evidence, other, numeric=True)
    for key, numeric in _conditions(spec.applies_if):
        need(Evidence, key, numeric=numeric)
    return out


def evidence_section_exists(path: str) -> bool:
    return field_type(Evidence, path) is not None
