"""Read a filled ledger workbook into evidence, every problem located at ``LEDGER.xlsx:sheet!C14``.

The workbook is checked as a zip (size, entry count, compression ratio) before
openpyxl parses it. Sheets and columns are recognised by their titles in any
language or by their English keys, so a Chinese template and an English one both
import. The data then goes through the same evidence model and the same checks
as a YAML file, and each error is mapped back to the cell it came from.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dangjian_audit.archive import WORKBOOK_LIMITS, inspect_zip
from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.errors import InputError
from dangjian_audit.ledger.layout import Column, Layout, Table, all_words, layout, normal, words
from dangjian_audit.ledger.values import Problem, Skip, from_cell
from dangjian_audit.models.evidence import Evidence


@dataclass(frozen=True)
class Place:
    """Where a value came from: its sheet and cell, and the column title used in messages."""

    sheet: str
    row: int
    column: int
    title: str

    def cell(self) -> str:
        from openpyxl.utils import get_column_letter

        return f"{self.sheet}!{get_column_letter(self.column)}{self.row}"


def _strip_mark(text: Any) -> str:
    return normal(text).rstrip("*").strip() if text is not None else ""


class _Names:
    """Every way a sheet, a facts row or a column may be named, across languages."""

    def __init__(self, lay: Layout) -> None:
        self.fixed: dict[str, str] = {}
        self.tables: dict[str, Table] = {}
        self.columns: dict[str, dict[str, Column]] = {t.key: {} for t in lay.tables}
        self.facts: dict[tuple[str, str], Column] = {}
        self.parent_cols: dict[str, str] = {}
        for w in all_words():
            for key in ("sheet_instructions", "sheet_facts", "sheet_choices"):
                self.fixed[normal(w.fixed_sheet(key))] = key
            for t in lay.tables:
                self.tables[normal(w.sheet_name(t))] = t
                self.tables[normal(w.title(t.owner, t.name))] = t
                for c in t.columns:
                    self.columns[t.key][_strip_mark(w.column_title(c))] = c
            for c in lay.facts:
                self.facts[(normal(w.group_title(c)), _strip_mark(w.title(c.owner, c.name)))] = c
            self.parent_cols[_strip_mark(w.ui("parent_section"))] = "section"
            self.parent_cols[_strip_mark(w.ui("parent_id"))] = "id"
        for t in lay.tables:
            self.tables[normal(t.key)] = t
            for c in t.columns:
                self.columns[t.key][normal(c.key)] = c
        self.fixed_names = {normal(k): k for k in ("instructions", "facts", "choices")}
        self.parent_cols |= {"section": "section", "id": "id"}
        self.facts_by_key = {normal(c.key): c for c in lay.facts}


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for name in path[:-1]:
        data = data.setdefault(name, {})
    data[path[-1]] = value


class _Reader:
    def __init__(self, display: str, lay: Layout) -> None:
        self.display = display
        self.lay = lay
        self.names = _Names(lay)
        self.diags: list[Diagnostic] = []
        self.where: dict[tuple[Any, ...], Place] = {}
        self.diagnosed: set[tuple[Any, ...]] = set()
        self.data: dict[str, Any] = {}
        self.ids: dict[str, dict[str, int]] = {}  # table key -> record id -> index
        self.columns_at: dict[tuple[Any, ...], Column] = {}
        self.lang = "zh"

    def diag(self, place: Place, code: str, **args: Any) -> None:
        self.diags.append(Diagnostic(self.display, code, {"field": place.title} | args, place.row, place.column,
                                     cell=place.cell()))

    def value(self, cell: Any, col: Column, loc: tuple[Any, ...], place: Place) -> Any:
        """The cell's value for the model, or ``Skip`` after a blank or a diagnosis."""
        self.where[loc] = place
        self.columns_at[loc] = col
        if cell.data_type == "f":
            formula = str(getattr(cell.value, "text", cell.value))
            self.diag(place, "ledger_formula", formula=formula[:40])
            self.diagnosed.add(loc)
            raise Skip
        if cell.data_type == "e":
            self.diag(place, "ledger_cell_error", input=str(cell.value))
            self.diagnosed.add(loc)
            raise Skip
        out = from_cell(col, cell.value, _is_date_cell(cell))
        if isinstance(out, Problem):
            self.diag(place, out.code, **out.args)
            self.diagnosed.add(loc)
            raise Skip
        return out

    def merged(self, ws: Any) -> None:
        for rng in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
            place = Place(ws.title, rng.min_row, rng.min_col, "")
            self.diag(place, "ledger_merged", range=rng.coord)

    def facts(self, ws: Any) -> None:
        self.where[()] = Place(ws.title, 1, 1, ws.title)
        seen: dict[Column, int] = {}
        for row in ws.iter_rows(min_row=2):
            cells = list(row) + [None] * (3 - len(row))
            a, b, c = cells[0], cells[1], cells[2]
            if all(x is None or x.value is None or str(x.value).strip() == "" for x in cells[:3]):
                continue
            r = (a or b or c).row
            group, item = normal(a.value) if a and a.value else "", _strip_mark(b.value if b else None)
            col = self.names.facts.get((group, item)) or self.names.facts_by_key.get(item)
            if col is None:
                self.diags.append(Diagnostic(self.display, "extra_forbidden",
                                             {"field": str(b.value if b and b.value else "")}, r, 2,
                                             cell=f"{ws.title}!B{r}"))
                continue
            title = str(b.value).rstrip("* ").strip() if b and b.value else col.key
            if col in seen:
                self.diags.append(Diagnostic(self.display, "duplicate_key", {"key": title}, r, 2,
                                             cell=f"{ws.title}!B{r}"))
                continue
            seen[col] = r
            group_title = str(a.value).strip() if a is not None and a.value else title
            for depth in range(1, len(col.path)):
                self.where.setdefault(col.path[:depth], Place(ws.title, r, 1, group_title))
            place = Place(ws.title, r, 3, title)
            if c is None:
                self.where[col.path] = place
                continue
            try:
                _put(self.data, col.path, self.value(c, col, col.path, place))
            except Skip:
                pass

    def header(self, ws: Any, table: Table) -> dict[int, Column | str]:
        """Column number -> the column it holds (or ``section``/``id`` on a child sheet)."""
        out: dict[int, Column | str] = {}
        seen: set[str] = set()
        for cell in ws[1]:
            if cell.value is None or str(cell.value).strip() == "":
                continue
            text = _strip_mark(cell.value)
            found: Column | str | None = self.names.columns[table.key].get(text)
            if found is None and table.parents:
                found = self.names.parent_cols.get(text)
            key = found.key if isinstance(found, Column) else str(found)
            if found is None:
                self.diags.append(Diagnostic(self.display, "extra_forbidden", {"field": str(cell.value).strip()},
                                             1, cell.column, cell=f"{ws.title}!{cell.coordinate}"))
            elif key in seen:
                self.diags.append(Diagnostic(self.display, "duplicate_key", {"key": str(cell.value).strip()},
                                             1, cell.column, cell=f"{ws.title}!{cell.coordinate}"))
            else:
                seen.add(key)
                out[cell.column] = found
        return out

    def table(self, ws: Any, table: Table) -> None:
        columns = self.header(ws, table)
        if not columns:
            if ws.max_row > 1 or ws.max_column > 1:
                self.diags.append(Diagnostic(self.display, "ledger_no_header", {"sheet": ws.title}, 1, 1,
                                             cell=f"{ws.title}!A1"))
            return
        markers = {normal(w.ui("none_marker")) for w in all_words()}
        records: list[dict[str, Any]] = []
        explicit_empty = False
        first_col = min(columns)
        unlabelled: set[int] = set()
        for row in ws.iter_rows(min_row=2):
            filled = [c for c in row if c.value is not None and str(c.value).strip() != ""]
            for cell in filled:
                if cell.column not in columns and cell.column not in unlabelled:
                    # a value under no header would be dropped without a word: say so once per column
                    unlabelled.add(cell.column)
                    self.diags.append(Diagnostic(self.display, "ledger_unlabelled_value", {"sheet": ws.title},
                                                 cell.row, cell.column, cell=f"{ws.title}!{cell.coordinate}"))
            filled = [c for c in filled if c.column in columns]
            if not filled:
                continue
            if len(filled) == 1 and filled[0].column == first_col and normal(filled[0].value) in markers:
                explicit_empty = True
                continue
            r = filled[0].row
            if table.parents:
                self.child_row(ws, table, columns, row, r)
                continue
            index = len(records)
            record: dict[str, Any] = {}
            loc = (*table.path, index)
            self.where[loc] = Place(ws.title, r, first_col, ws.title)
            for cell in row:
                col = columns.get(cell.column)
                if not isinstance(col, Column):
                    continue
                place = Place(ws.title, r, cell.column, _title(ws, cell.column))
                try:
                    _put(record, col.path, self.value(cell, col, (*loc, *col.path), place))
                except Skip:
                    pass
            for col in columns.values():
                if isinstance(col, Column):
                    c = next(k for k, v in columns.items() if v is col)
                    self.where.setdefault((*loc, *col.path), Place(ws.title, r, c, _title(ws, c)))
            if isinstance(record.get("id"), str):
                self.ids.setdefault(table.key, {}).setdefault(record["id"], index)
            records.append(record)
        if records or explicit_empty:
            _put(self.data, table.path, records)

    def child_row(self, ws: Any, table: Table, columns: dict[int, Column | str], row: Any, r: int) -> None:
        """A row of a child sheet (attachments): find its record, then append the item to it."""
        by_role = {v: k for k, v in columns.items() if isinstance(v, str)}
        cells = {c.column: c for c in row}
        parent_key: str | None = None
        section_cell = cells.get(by_role.get("section", -1))
        id_cell = cells.get(by_role.get("id", -1))
        section_text = section_cell.value if section_cell is not None else None
        if section_text is not None:
            found = self.names.tables.get(normal(section_text))
            if found is not None and found.key in table.parents:
                parent_key = found.key
        if parent_key is None:
            number = by_role.get("section", 1)
            place = Place(ws.title, r, number, _title(ws, number))
            known = ", ".join(self._sheet_title(p) for p in table.parents)
            self.diag(place, "literal_error", input=str(section_text or ""), expected=known)
            return
        parent = self.lay.table(parent_key)
        record_id = "" if id_cell is None or id_cell.value is None else str(id_cell.value).strip()
        index = self.ids.get(parent_key, {}).get(record_id)
        if index is None:
            number = by_role.get("id", 2)
            self.diag(Place(ws.title, r, number, _title(ws, number)), "ledger_unknown_record", input=record_id,
                      sheet=str(section_text))
            return
        records = self._at(parent.path)
        items = records[index].setdefault(table.name, [])
        loc = (*parent.path, index, table.name, len(items))
        self.where[loc] = Place(ws.title, r, 1, ws.title)
        item: dict[str, Any] = {}
        for c, col in columns.items():
            if not isinstance(col, Column):
                continue
            place = Place(ws.title, r, c, _title(ws, c))
            if c not in cells:
                self.where[(*loc, *col.path)] = place
                continue
            try:
                _put(item, col.path, self.value(cells[c], col, (*loc, *col.path), place))
            except Skip:
                pass
        items.append(item)

    def _sheet_title(self, key: str) -> str:
        return next(name for name, t in self.names.tables.items() if t.key == key)

    def _at(self, path: tuple[str, ...]) -> Any:
        node: Any = self.data
        for name in path:
            node = node[name]
        return node

    def place(self, loc: tuple[Any, ...]) -> Place | None:
        """The nearest recorded place of a model location."""
        for end in range(len(loc), -1, -1):
            found = self.where.get(loc[:end])
            if found is not None:
                return found
        return None

    def located(self, loc: tuple[Any, ...], code: str, args: dict[str, Any]) -> Diagnostic:
        place = self.place(loc)
        if place is None:
            return Diagnostic(self.display, code, args)
        return Diagnostic(self.display, code, args, place.row, place.column, cell=place.cell())


# ECMA-376 built-in number formats that are dates in the Chinese, Japanese and Korean locales (27-31, 36,
# 50-58; 32-35 are times). openpyxl knows only the locale-neutral ones, so a date typed as 2025年3月1日 in a
# Chinese spreadsheet (format 31) would otherwise read as a bare serial number.
_EAST_ASIAN_DATE_FORMATS = frozenset((27, 28, 29, 30, 31, 36, *range(50, 59)))


def _is_date_cell(cell: Any) -> bool:
    if getattr(cell, "is_date", False):
        return True
    style = getattr(cell, "_style", None)
    return style is not None and style.numFmtId in _EAST_ASIAN_DATE_FORMATS


def _title(ws: Any, column: int) -> str:
    value = ws.cell(row=1, column=column).value
    return str(value).rstrip("* ").strip() if value is not None else ""


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    # pydantic adds the tag of a failed union member or function validator; a cell has no such part
    return tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p == "function-after")))


def _short(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return "{…}" if isinstance(value, dict) else "[…]"
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _validation(reader: _Reader, exc: ValidationError) -> list[Diagnostic]:
    out = []
    for err in exc.errors(include_url=False):
        loc = _clean_loc(tuple(err["loc"]))
        if any(loc[:end] in reader.diagnosed for end in range(1, len(loc) + 1)):
            continue  # the reader already reported this cell
        place = reader.place(loc)
        ctx = err.get("ctx") or {}
        expected = str(ctx.get("expected", "")).replace("' or '", "', '")
        col = reader.columns_at.get(loc[:-1] if loc and isinstance(loc[-1], int) else loc)
        if err["type"] == "literal_error" and col is not None:
            w = words(reader.lang)
            expected = ", ".join(w.label(col.owner, col.name, v) for v in col.values)
        args = {
            "field": place.title if place is not None and place.title else ".".join(map(str, loc)),
            "input": _short(err.get("input")),
            "msg": err["msg"],
            "expected": expected,
            "limit": next((ctx[k] for k in ("ge", "gt", "le", "lt", "min_length", "max_length") if k in ctx), ""),
        }
        if place is None:
            out.append(Diagnostic(reader.display, err["type"], args))
        else:
            out.append(Diagnostic(reader.display, err["type"], args, place.row, place.column, cell=place.cell()))
    return out


def _language(title: str) -> str | None:
    """The language whose fixed sheet names include ``title``: drop-down labels in messages follow the workbook."""
    for w in all_words():
        if normal(title) in {normal(w.fixed_sheet(k)) for k in ("sheet_instructions", "sheet_facts", "sheet_choices")}:
            return w.lang
    return None


def read_workbook(path: Path, display: str) -> tuple[dict[str, Any], _Reader]:
    """The evidence data of a workbook and the reader that knows where each value came from."""
    inspect_zip(path, display, WORKBOOK_LIMITS)
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; they hold no evidence
            wb = load_workbook(path, data_only=False)
    except Exception:  # noqa: BLE001 - any parser failure on an outside file is a bad workbook, not a bug
        raise InputError([Diagnostic(display, "archive_bad")]) from None
    lay = layout()
    reader = _Reader(display, lay)
    reader.lang = next((lang for ws in wb.worksheets if (lang := _language(ws.title))), "zh")
    facts = None
    tables: list[tuple[Any, Table]] = []
    for ws in wb.worksheets:
        name = normal(ws.title)
        fixed = reader.names.fixed.get(name) or reader.names.fixed_names.get(name)
        table = reader.names.tables.get(name)
        if fixed in ("sheet_facts", "facts"):
            facts = ws
        elif fixed is not None:
            continue
        elif table is not None:
            tables.append((ws, table))
        else:
            known = [ws2.title for ws2 in wb.worksheets if ws2 is not ws]
            reader.diags.append(Diagnostic(display, "ledger_unknown_sheet",
                                           {"sheet": ws.title, "known": ", ".join(known)}, 1, 1,
                                           cell=f"{ws.title}!A1"))
            continue
        reader.merged(ws)
    if facts is None:
        raise InputError(reader.diags + [Diagnostic(display, "ledger_missing_sheet",
                                                    {"sheet": words(reader.lang).fixed_sheet("sheet_facts")})])
    reader.facts(facts)
    # parents before children, whatever order the sheets are in
    for ws, table in sorted(tables, key=lambda item: bool(item[1].parents)):
        reader.table(ws, table)
    return reader.data, reader


Checks = Callable[[Evidence, Callable[[tuple[Any, ...], str, dict[str, Any]], Diagnostic]], list[Diagnostic]]


def load_ledger(path: Path, display: str | None = None, as_of: dt.date | None = None,
                checks: Checks | None = None, verify_attachments: bool = True) -> Evidence:
    """Read and validate a workbook like an evidence file; raises :class:`InputError` with located diagnostics.

    ``checks`` are the evidence loader's checks beyond types, given the evidence and a function that
    places a model location at its cell (the loader passes them, so this module never imports it).
    """
    from dangjian_audit.attachments import attachment_diagnostics

    display = display or str(path)
    data, reader = read_workbook(path, display)
    diags = list(reader.diags)
    try:
        ev = Evidence.model_validate(data)
    except ValidationError as exc:
        raise InputError(diags + _validation(reader, exc)) from None
    if checks is not None:
        diags += checks(ev, reader.located)
    if as_of is not None and as_of < ev.period.start:
        diags.append(reader.located(("period", "start"), "as_of_before_period",
                                    {"as_of": as_of.isoformat(), "start": ev.period.start.isoformat()}))
    if verify_attachments:
        diags += attachment_diagnostics(ev, path.parent, reader.located)
    if diags:
        raise InputError(diags)
    return ev
