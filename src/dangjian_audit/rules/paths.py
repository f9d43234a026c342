"""Catalog-time checks that every evidence path a check names exists, with a usable type.

A misspelt ``collection: meetngs`` or a numeric line on a text field would otherwise load
cleanly and then report *insufficient evidence* or crash mid-audit; here it is a catalog
error with its position, before any evidence is read.
"""

import datetime as dt
import types
import typing
from typing import Any, Literal, Union

from pydantic import BaseModel

from dangjian_audit.models.check import Spec
from dangjian_audit.models.evidence import Evidence, Meeting
from dangjian_audit.rules.base import REF_FIELDS

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


def problems(spec: Spec) -> list[tuple[str, str]]:
    """``(code, path)`` for each path the check reads that does not exist or cannot be used as it needs."""
    out: list[tuple[str, str]] = []
    items: dict[str, type[BaseModel] | None] = {}

    def item_model(collection: str) -> type[BaseModel] | None:
        if collection not in items:
            found = field_type(Evidence, collection)
            ok = found is not None and found[1] and isinstance(found[0], type) and issubclass(found[0], BaseModel)
            items[collection] = found[0] if ok and found is not None else None
        return items[collection]

    # ``applies_if`` (rules.base.Spec) reads from the evidence root like any other path.
    condition_reads = getattr(spec, "condition_reads", None)
    for read in (*spec.reads(), *(condition_reads() if condition_reads else ())):
        if read.within is not None:
            model = item_model(read.within)
            if model is None:
                continue  # the collection itself is reported
        else:
            model = Evidence
        found = field_type(model, read.path)
        if found is None:
            out.append(("catalog_unknown_field", read.path))
            continue
        leaf, is_list = found
        kind = _kind(leaf)
        if read.need == "number" and kind != NUMBER:
            out.append(("catalog_field_not_number", read.path))
        elif read.need == "date" and kind != "date":
            out.append(("catalog_field_not_date", read.path))
        elif read.need == "collection" and not (is_list and isinstance(leaf, type) and issubclass(leaf, BaseModel)):
            out.append(("catalog_not_a_collection", read.path))
        elif read.need == "list" and not is_list:
            out.append(("catalog_not_a_collection", read.path))
    return sorted(set(out), key=out.index)


def evidence_section_exists(path: str) -> bool:
    return field_type(Evidence, path) is not None
