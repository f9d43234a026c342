"""Cell values both ways: evidence values to cells (export) and cells to evidence values (import).

Reading is lenient where spreadsheets differ from YAML and the meaning is plain:
labels or codes for enumerations, 是/否 or yes/no, full-width digits, text dates
(2025/03/01, 2025年3月1日), numbers typed into text columns, ids typed as numbers.
What is not plain is left for the evidence model to reject with the same message
as in a YAML file, or diagnosed here with spreadsheet advice (a serial number in
a cell not formatted as a date).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from dangjian_audit.ledger.layout import Column, Layout, Table, Words, all_words, normal

_SEPARATORS = re.compile(r"[,，、;；\n]")
_TEXT_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_INTEGER = re.compile(r"^[+-]?\d{1,30}$")
_DECIMAL = re.compile(r"^[+-]?(\d{1,30}(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
# Serial day 1 is 1900-01-01 counted from 1899-12-30, as Excel and WPS count after 1900-02-28 (every real date).
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_EPOCH_TIME = dt.datetime(1899, 12, 30)


def to_cell(col: Column, value: Any, w: Words) -> Any:
    """The cell shown for one evidence value (None: a blank cell)."""
    if value is None:
        return None
    if col.kind == "bool":
        return w.bool_label(bool(value))
    if col.kind == "choice":
        return w.label(col.owner, col.name, value)
    if col.kind in ("choices", "texts") and not value:
        return w.ui("none_marker")  # an explicit empty list, as opposed to a blank (not given)
    if col.kind == "choices":
        return w.separator().join(w.label(col.owner, col.name, v) for v in value)
    if col.kind == "texts":
        return w.separator().join(value)
    if col.kind == "float" and float(value).is_integer():
        return int(value)
    return value


def list_item_problems(col: Column, value: Any) -> Iterator[tuple[int, str]]:
    """Items of a list value that cannot share one cell (they contain a separator)."""
    if col.kind in ("texts", "choices") and value:
        for index, item in enumerate(value, start=1):
            if _SEPARATORS.search(str(item)):
                yield index, str(item)


def get_set(obj: Any, path: tuple[str, ...]) -> Any:
    """A value the evidence sets explicitly (unset defaults stay blank, so a round trip keeps them unset)."""
    for name in path:
        if obj is None or name not in obj.model_fields_set:
            return None
        obj = getattr(obj, name)
    return obj


def table_rows(ev: Any, table: Table, lay: Layout, w: Words) -> list[list[Any]]:
    """The rows of one table sheet; an explicitly empty list is one row holding the none marker."""
    if table.parents:
        rows = []
        for parent_key in table.parents:
            parent = lay.table(parent_key)
            for record in get_set(ev, parent.path) or ():
                for item in get_set(record, (table.name,)) or ():
                    rows.append([w.sheet_name(parent), record.id]
                                + [to_cell(c, get_set(item, c.path), w) for c in table.columns])
        return rows
    records = get_set(ev, table.path)
    if records is None:
        return []
    if not records:
        return [[w.ui("none_marker")]]
    return [[to_cell(c, get_set(r, c.path), w) for c in table.columns] for r in records]


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class Problem:
    """A cell the reader itself diagnoses (the model never sees its value)."""

    code: str
    args: dict[str, Any]


class Skip(Exception):
    """A blank cell: the field stays unset."""


@cache
def _labels(col: Column) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for w in all_words():
        for value in col.values:
            out.setdefault(normal(w.label(col.owner, col.name, value)), value)
    for value in col.values:
        out[normal(value)] = value  # a code always means itself
    return out


def _choice(col: Column, text: str) -> Any:
    return _labels(col).get(normal(text), text)


_TRUE = {"true", "yes", "y", "是", "√", "✓"}
_FALSE = {"false", "no", "n", "否", "×", "✗"}


@cache
def _markers() -> frozenset[str]:
    return frozenset(normal(w.ui("none_marker")) for w in all_words())


@cache
def bool_words() -> tuple[set[str], set[str]]:
    true, false = set(_TRUE), set(_FALSE)
    for w in all_words():
        true.add(normal(w.bool_label(True)))
        false.add(normal(w.bool_label(False)))
    return true, false


def _number_text(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def from_cell(col: Column, value: Any, is_date_cell: bool) -> Any:
    """The evidence value of one cell; raises :class:`Skip` for a blank, returns :class:`Problem` for a diagnosis."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise Skip
    if value is None:
        raise Skip
    kind = col.kind
    if kind == "text":
        return value if isinstance(value, str) else _number_text(value)
    if kind in ("texts", "choices"):
        if normal(_number_text(value)) in _markers():
            return []
        items = [p.strip() for p in _SEPARATORS.split(_number_text(value)) if p.strip()]
        return [_choice(col, p) for p in items] if kind == "choices" else items
    if kind == "choice":
        return _choice(col, _number_text(value))
    if kind == "bool":
        if isinstance(value, bool):
            return value
        true, false = bool_words()
        key = normal(_number_text(value))
        return True if key in true else False if key in false else _number_text(value)
    if kind == "date":
        return _date(value, is_date_cell)
    # int and float: a number typed as text (full-width digits, thousands separators) is that number;
    # other text goes to the model, which refuses it with the YAML path's message
    if isinstance(value, bool):
        return _number_text(value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        number = _number(text)
        return value if number is None else _numeric(kind, number)
    return _numeric(kind, value)


def _number(text: str) -> int | float | None:
    if _INTEGER.match(text):
        return int(text)
    if _DECIMAL.match(text):
        return float(text)
    return None


def _numeric(kind: str, value: Any) -> Any:
    """An integral float is an int where an int is wanted (3.0 is how some spreadsheets store 3)."""
    if kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _date(value: Any, is_date_cell: bool) -> Any:
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2_958_466:
            return _number_text(value)
        if is_date_cell:
            # a date format openpyxl does not know (the East Asian built-in ones): the serial is the date
            when = EXCEL_EPOCH_TIME + dt.timedelta(days=value)
            return when.date() if when.time() == dt.time() else when
        day = EXCEL_EPOCH + dt.timedelta(days=int(value))
        return Problem("ledger_serial_date", {"input": _number_text(value), "date": day.isoformat()})
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _TEXT_DATE.match(text)
    if match:
        year, month, day_ = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day_)
        except ValueError:
            return Problem("impossible_date", {"value": str(value)})
    return text
