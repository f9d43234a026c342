"""The shape of a ledger workbook, derived from the evidence model.

Nothing here names a section or a field: walking :class:`Evidence` gives

- one *facts* sheet (key–value rows) for the scalars of the root and of every
  nested single object (period, school, organization and its election, appraisal…);
- one *table* sheet per list of records (meetings, members…, and lists inside a
  single object such as the period's terms or the organization's committee), a
  nested single object inside a row (a meeting's vote) flattened into columns;
- one *child* sheet per list of records inside a row (attachments), shared by every
  section that has it, whose rows name their section and record id.

Adding a field to the model adds a row or a column. Titles, descriptions, sheet
names and the labels shown for enumerations come from the locale tables.
"""

from __future__ import annotations

import datetime as dt
import types
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from dangjian_audit.i18n import LANGS, Messages, table
from dangjian_audit.models.evidence import Evidence

Kind = Literal["text", "int", "float", "date", "bool", "choice", "choices", "texts"]


class LayoutError(TypeError):
    """The evidence model has a shape the workbook cannot hold (a bug to fix here, never a user error)."""


@dataclass(frozen=True)
class Column:
    """One value: a table column, or a row on the facts sheet."""

    path: tuple[str, ...]  # inside the record (tables) or from the evidence root (facts)
    kind: Kind
    values: tuple[Any, ...]  # allowed values of a choice
    required: bool
    owner: str  # the model and field whose title and description this is
    name: str
    group: tuple[str, str] | None  # the model field of the enclosing single object, for flattened values

    @property
    def key(self) -> str:
        return ".".join(self.path)


@dataclass
class Table:
    """A list of records on one sheet (``parents`` set: a child list inside the rows of those tables)."""

    key: str
    path: tuple[str, ...]
    owner: str
    name: str
    columns: list[Column]
    parents: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Layout:
    facts: tuple[Column, ...]
    tables: tuple[Table, ...]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The type inside ``Annotated`` and ``X | None``, and whether None is allowed."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])[0], True
        raise LayoutError(f"union {annotation!r}")
    return annotation, False


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _scalar(tp: Any) -> tuple[Kind, tuple[Any, ...]] | None:
    if get_origin(tp) is Literal:
        return "choice", get_args(tp)
    if tp is bool:
        return "bool", ()
    if tp is int:
        return "int", ()
    if tp is float:
        return "float", ()
    if tp is str:
        return "text", ()
    if tp is dt.date:
        return "date", ()
    return None


def _fields(model: type[BaseModel]) -> list[tuple[str, Any, bool]]:
    return [(name, info.annotation, info.is_required()) for name, info in model.model_fields.items()
            if not info.exclude]


class _Walker:
    def __init__(self) -> None:
        self.facts: list[Column] = []
        self.tables: list[Table] = []
        self.children: dict[str, Table] = {}

    def value(self, tp: Any, path: tuple[str, ...], required: bool, owner: str, name: str,
              group: tuple[str, str] | None) -> Column | None:
        scalar = _scalar(tp)
        if scalar is not None:
            return Column(path, scalar[0], scalar[1], required, owner, name, group)
        if get_origin(tp) is list:
            item = _unwrap(get_args(tp)[0])[0]
            inner = _scalar(item)
            if inner is not None and inner[0] == "choice":
                return Column(path, "choices", inner[1], required, owner, name, group)
            if inner is not None and inner[0] == "text":
                return Column(path, "texts", (), required, owner, name, group)
        return None

    def object(self, model: type[BaseModel], path: tuple[str, ...], required: bool,
               group: tuple[str, str] | None) -> None:
        for name, annotation, req in _fields(model):
            tp, _ = _unwrap(annotation)
            here = path + (name,)
            need = required and req
            column = self.value(tp, here, need, model.__name__, name, group)
            if column is not None:
                self.facts.append(column)
            elif _is_model(tp):
                self.object(tp, here, need, (model.__name__, name))
            elif get_origin(tp) is list and _is_model(_unwrap(get_args(tp)[0])[0]):
                item = _unwrap(get_args(tp)[0])[0]
                table = Table(".".join(here), here, model.__name__, name, [])
                self.tables.append(table)
                table.columns = self.row(item, (), True, None, table.key)
            else:
                raise LayoutError(f"{model.__name__}.{name}: {annotation!r}")

    def row(self, model: type[BaseModel], prefix: tuple[str, ...], required: bool,
            group: tuple[str, str] | None, table: str) -> list[Column]:
        out: list[Column] = []
        for name, annotation, req in _fields(model):
            tp, _ = _unwrap(annotation)
            here = prefix + (name,)
            need = required and req
            column = self.value(tp, here, need, model.__name__, name, group)
            if column is not None:
                out.append(column)
            elif _is_model(tp) and not prefix:
                out.extend(self.row(tp, here, need, (model.__name__, name), table))
            elif get_origin(tp) is list and _is_model(_unwrap(get_args(tp)[0])[0]) and not prefix:
                if "id" not in model.model_fields:
                    raise LayoutError(f"{model.__name__}.{name}: a child list needs records with an id")
                child = self.children.get(name)
                if child is None:
                    item = _unwrap(get_args(tp)[0])[0]
                    child = Table(name, (), model.__name__, name, self.row(item, (), True, None, name))
                    self.children[name] = child
                child.parents.append(table)
            else:
                raise LayoutError(f"{model.__name__}.{name}: {annotation!r}")
        return out


@cache
def layout() -> Layout:
    """The workbook layout of the current evidence model."""
    walker = _Walker()
    walker.object(Evidence, (), True, None)
    return Layout(tuple(walker.facts), tuple(walker.tables) + tuple(walker.children.values()))


# ---------------------------------------------------------------- words


_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def normal(text: Any) -> str:
    """A cell's text as compared with titles and labels: NFKC (full-width to ASCII), trimmed, case-folded."""
    return unicodedata.normalize("NFKC", str(text)).strip().casefold()


class Words:
    """Titles, sheet names and enumeration labels in one language, and the readers' lookups across all."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGS else "zh"
        self.msgs = Messages(self.lang)
        self.texts = table("fields", self.lang)
        self.ledger: dict[str, Any] = self.msgs.table["ledger"]

    def ui(self, key: str, **args: Any) -> str:
        return self.msgs.fmt("ledger", key, args)

    def title(self, owner: str, name: str) -> str:
        return str(self.texts[owner]["fields"][name]["title"])

    def description(self, owner: str, name: str) -> str:
        return str(self.texts[owner]["fields"][name]["description"])

    def column_title(self, col: Column) -> str:
        """A table column's header; a value of a nested object carries the object's title first."""
        own = self.title(col.owner, col.name)
        return f"{self.title(*col.group)}·{own}" if col.group else own

    def group_title(self, col: Column) -> str:
        """The facts sheet's first column: the single object this value belongs to."""
        if col.group is None:
            return str(self.texts["Evidence"]["title"])
        return self.title(*col.group)

    def sheet_name(self, table: Table) -> str:
        return self.title(table.owner, table.name).translate(_BAD_SHEET_CHARS)[:31]

    def fixed_sheet(self, key: str) -> str:
        return self.ui(key).translate(_BAD_SHEET_CHARS)[:31]

    def label(self, owner: str, name: str, value: Any) -> str:
        by_field = self.ledger["values_by_field"].get(f"{owner}.{name}", {})
        if str(value) in by_field:
            return str(by_field[str(value)])
        return str(self.ledger["values"].get(str(value), value))

    def bool_label(self, value: bool) -> str:
        return self.ui("true_label" if value else "false_label")

    def separator(self) -> str:
        return self.ui("list_separator")


@cache
def words(lang: str) -> Words:
    return Words(lang)


def all_words() -> list[Words]:
    return [words(lang) for lang in LANGS]
