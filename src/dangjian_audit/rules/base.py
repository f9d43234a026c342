"""What every check kind shares: the context, the outcome, filters and predicates.

A check is a pure function ``(spec, evidence, context) -> Outcome``: no I/O, no
clock (``context.as_of`` is the audit date) and no user-facing wording (finding
texts are message keys, or catalog texts carried by the spec).
"""

import datetime as dt
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer
from pydantic_core import PydanticCustomError

from dangjian_audit.models.catalog import Text
from dangjian_audit.models.check import ONE, ZERO, Finding, Outcome, Read
from dangjian_audit.models.check import Spec as CheckSpec
from dangjian_audit.models.evidence import Evidence, Meeting

__all__ = ["ONE", "ZERO", "CheckKind", "Context", "Finding", "Outcome", "Read", "Spec"]


def share_outcome(
    good: int, total: int, min_share: Fraction, key: str, findings: list[Finding], **args: Any
) -> Outcome:
    if total and good * min_share.denominator >= min_share.numerator * total:
        ratio = ONE  # share >= min_share, compared in integers
    else:
        share = Fraction(good, total) if total else ZERO
        # the share of the requirement met: 7 of 24 against a 30% line is 7/24 ÷ 3/10
        ratio = share / min_share
    # Once the required share is reached, the remaining records are not gaps.
    return Outcome(ratio, key, {"good": good, "total": total, **args}, findings if ratio < ONE else [])


@dataclass
class Context:
    """Everything a check may read besides the evidence: dates, settings, indexes."""

    as_of: dt.date
    settings: dict[str, Any]
    evidence: Evidence
    meetings_by_id: dict[str, Meeting] = field(default_factory=dict)
    # Records of a section grouped by their ``kind``, built on first use: most filters select one
    # kind of meeting or activity, and scanning every record for each of 47 indicators dominated
    # the engine's time on real-sized files.
    _by_kind: dict[tuple[str, bool], dict[Any, list[Any]]] = field(default_factory=dict)
    _kind_positions: dict[tuple[str, bool], dict[Any, list[int]]] = field(default_factory=dict)
    # A section's records (in the period when dated), built once per school.
    _sections: dict[tuple[str, bool], list[Any] | None] = field(default_factory=dict)

    # The first and last day that count: the period, cut at the audit date if earlier.
    start: dt.date = dt.date.min
    end: dt.date = dt.date.max
    # The indicator whose checks are running (set by the engine; the manual kind reads its verdict).
    indicator: str = ""

    @classmethod
    def build(cls, evidence: Evidence, as_of: dt.date, settings: dict[str, Any]) -> "Context":
        by_id = {m.id: m for m in evidence.meetings or ()}
        return cls(as_of=as_of, settings=settings, evidence=evidence, meetings_by_id=by_id,
                   start=evidence.period.start, end=min(evidence.period.end, as_of))

    def in_period(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end


REF_FIELDS = frozenset({"meeting", "proposal_meeting"})


@cache
def _parts(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def resolve(record: Any, path: str, ctx: Context) -> Any:
    """Follow a dotted path; ``meeting.date`` follows a meeting id to that meeting."""
    parts = _parts(path)
    if len(parts) == 1 and path not in REF_FIELDS and not isinstance(record, dict):
        return getattr(record, path, None)
    value = record
    for part in parts:
        if value is None:
            return None
        if isinstance(value, str):
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        if part in REF_FIELDS and isinstance(value, str):
            value = ctx.meetings_by_id.get(value)
    return value


def collection(ctx: Context, name: str) -> list[Any] | None:
    """A list section of the evidence, or ``None`` when it is absent (insufficient evidence)."""
    value = resolve(ctx.evidence, name, ctx)
    if value is None:
        return None
    return list(value)


Scalar = str | int | float | bool


def _fraction(value: Any) -> Fraction:
    """Exact ratios: ``2/3`` stays two-thirds (0.6667 would not be 不少于三分之二)."""
    if isinstance(value, (int, Fraction)) and not isinstance(value, bool):
        return Fraction(value)
    if isinstance(value, (float, str)):
        try:
            return Fraction(str(value).strip())
        except (ValueError, ZeroDivisionError):
            pass
    raise PydanticCustomError("fraction", "a number or a fraction such as 2/3 is required")


def fraction_text(value: Fraction) -> str | int:
    return value.numerator if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


# A number or an exact fraction written as "2/3" in the catalog.
Ratio = Annotated[Fraction, BeforeValidator(_fraction), PlainSerializer(fraction_text)]
Share = Annotated[Ratio, Field(gt=0, le=1)]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (clamped to the month's last day)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    equals: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    not_in: list[Scalar] | None = None
    contains: str | None = None
    min: Ratio | None = None
    max: Ratio | None = None
    gt: Ratio | None = None
    lt: Ratio | None = None


Where = dict[str, Scalar | Condition]


class Spec(CheckSpec):
    """The base every check kind of this package derives from: the shared parameter model plus the
    fields that need this module's filters."""

    # Applies only when the evidence matches (dotted paths from the evidence root), e.g. a branch
    # committee's monthly meeting only where formal members reach the committee line.
    applies_if: Where = Field(default_factory=dict)
    # The numbers of the guide's checkable rules (guide-and-rules.md b.2) this check encodes.
    guide: list[Annotated[int, Field(ge=1)]] = Field(default_factory=list)

    def condition_reads(self) -> Iterator[Read]:
        """The evidence paths ``applies_if`` compares (read from the evidence root)."""
        for key, cond in self.applies_if.items():
            numeric = isinstance(cond, Condition) and any(
                v is not None for v in (cond.min, cond.max, cond.gt, cond.lt))
            yield Read(key, "number" if numeric else "any")


def _cond_ok(value: Any, cond: Scalar | Condition) -> bool:
    if not isinstance(cond, Condition):
        return bool(value == cond)
    if cond.equals is not None and value != cond.equals:
        return False
    if cond.in_ is not None and value not in cond.in_:
        return False
    if cond.not_in is not None and value in cond.not_in:
        return False
    if cond.contains is not None and (value is None or cond.contains not in value):
        return False
    if cond.min is not None and (value is None or value < cond.min):
        return False
    if cond.max is not None and (value is None or value > cond.max):
        return False
    if cond.gt is not None and (value is None or value <= cond.gt):
        return False
    if cond.lt is not None and (value is None or value >= cond.lt):
        return False
    return True


def matches(record: Any, where: Where, ctx: Context) -> bool:
    return all(_cond_ok(resolve(record, key, ctx), cond) for key, cond in where.items())


_Plans = dict[int, tuple[Any, Any]]
_PLANS: _Plans = {}
_MAX_PLANS = 4096
P = TypeVar("P")


def planned(obj: Any, build: Callable[[Any], P]) -> P:
    """What ``build`` makes of a long-lived catalog object (a predicate, a filter, a spec), made once.

    Keyed by identity: the entry keeps ``obj`` alive, so its id cannot be reused by another object
    while the entry exists; the table is emptied when it grows past what a few catalogs need.
    """
    entry = _PLANS.get(id(obj))
    if entry is None or entry[0] is not obj:
        if len(_PLANS) >= _MAX_PLANS:
            _PLANS.clear()
        entry = (obj, build(obj))
        _PLANS[id(obj)] = entry
    return entry[1]


Getter = Callable[[Any, Context], Any]


def getter(path: str) -> Getter:
    """:func:`resolve` for one path, with the one-field case of a record model made direct."""
    if len(_parts(path)) == 1 and path not in REF_FIELDS:
        def get_field(record: Any, ctx: Context) -> Any:
            if isinstance(record, dict):
                return resolve(record, path, ctx)
            return getattr(record, path, None)
        return get_field

    def get_path(record: Any, ctx: Context) -> Any:
        return resolve(record, path, ctx)
    return get_path


Matcher = Callable[[Any, Context], bool]


def _condition(cond: Scalar | Condition) -> Callable[[Any], bool]:
    """:func:`_cond_ok` for one condition, doing only the comparisons it sets."""
    if not isinstance(cond, Condition):
        return lambda value: bool(value == cond)
    tests: list[Callable[[Any], bool]] = []  # each true when the value fails
    equals, in_, not_in, contains = cond.equals, cond.in_, cond.not_in, cond.contains
    if equals is not None:
        tests.append(lambda v: bool(v != equals))
    if in_ is not None:
        tests.append(lambda v: v not in in_)
    if not_in is not None:
        tests.append(lambda v: v in not_in)
    if contains is not None:
        tests.append(lambda v: v is None or contains not in v)
    if cond.min is not None:
        low = exact_line(cond.min)
        tests.append(lambda v: v is None or bool(v < low))
    if cond.max is not None:
        high = exact_line(cond.max)
        tests.append(lambda v: v is None or bool(v > high))
    if cond.gt is not None:
        gt = exact_line(cond.gt)
        tests.append(lambda v: v is None or bool(v <= gt))
    if cond.lt is not None:
        lt = exact_line(cond.lt)
        tests.append(lambda v: v is None or bool(v >= lt))
    if len(tests) == 1:
        fails = tests[0]
        return lambda value: not fails(value)
    return lambda value: not any(fails(value) for fails in tests)


def compile_where(where: Where) -> Matcher | None:
    """:func:`matches` for one filter (``None``: every record matches)."""
    tests = tuple((getter(key), _condition(cond)) for key, cond in where.items())
    if not tests:
        return None
    if len(tests) == 1:
        (get, ok), = tests

        def match_one(record: Any, ctx: Context) -> bool:
            return ok(get(record, ctx))
        return match_one

    def match(record: Any, ctx: Context) -> bool:
        for get, ok in tests:
            if not ok(get(record, ctx)):
                return False
        return True
    return match


@dataclass(frozen=True, slots=True)
class _Filter:
    kind: Any  # a ``kind`` value looked up in the section's index, or None
    kinds: frozenset[Any] | None  # ``kind: {in: [...]}``
    rest: Matcher | None  # the other conditions
    # The other conditions when they are one test of a field of the record itself, with a
    # value (``equals``) or a list of values (``one_of``): a comprehension instead of calls.
    field: str | None = None
    equals: Any = None
    one_of: list[Scalar] | None = None


def _only_in(cond: Condition) -> bool:
    return all(v is None for v in (cond.equals, cond.not_in, cond.contains, cond.min, cond.max, cond.gt, cond.lt))


def _filter(where: Where) -> _Filter:
    wanted = where.get("kind")
    kind: Any = None
    kinds = None
    if wanted is not None and not isinstance(wanted, Condition):
        # Same result as testing ``kind == value`` on every record, in the same order.
        kind, rest = wanted, {k: v for k, v in where.items() if k != "kind"}
    elif isinstance(wanted, Condition) and wanted.in_ is not None and _only_in(wanted):
        # ``kind: {in: [...]}``: set lookups in the section's index instead of the generic condition.
        kinds, rest = frozenset(wanted.in_), {k: v for k, v in where.items() if k != "kind"}
    else:
        rest = where
    if len(rest) == 1:
        (name, cond), = rest.items()
        if len(_parts(name)) == 1 and name not in REF_FIELDS:
            if not isinstance(cond, Condition):
                return _Filter(kind, kinds, None, name, cond)
            if cond.in_ is not None and _only_in(cond):
                return _Filter(kind, kinds, None, name, None, cond.in_)
    return _Filter(kind, kinds, compile_where(rest))


def _section(ctx: Context, name: str, dated: bool) -> list[Any] | None:
    key = (name, dated)
    if key in ctx._sections:
        return ctx._sections[key]
    records = collection(ctx, name)
    if records is not None and dated:
        records = [r for r in records if ctx.in_period(getattr(r, "date", None))]
    ctx._sections[key] = records
    return records


def _of_kind(ctx: Context, name: str, dated: bool, records: list[Any], kind: Scalar) -> list[Any]:
    index = ctx._by_kind.get((name, dated))
    if index is None:
        index = {}
        for r in records:
            key = resolve(r, "kind", ctx) if isinstance(r, dict) else getattr(r, "kind", None)
            index.setdefault(key, []).append(r)
        ctx._by_kind[(name, dated)] = index
    return index.get(kind, [])


def _of_kinds(ctx: Context, name: str, dated: bool, records: list[Any], kinds: frozenset[Any]) -> list[Any]:
    """The records whose ``kind`` attribute is one of ``kinds``, in the section's order."""
    index = ctx._kind_positions.get((name, dated))
    if index is None:
        index = {}
        for i, r in enumerate(records):
            index.setdefault(getattr(r, "kind", None), []).append(i)
        ctx._kind_positions[(name, dated)] = index
    found = [index[k] for k in kinds if k in index]
    if len(found) == 1:
        return [records[i] for i in found[0]]
    return [records[i] for i in sorted(i for positions in found for i in positions)]


def select(ctx: Context, name: str, where: Where, dated: bool) -> list[Any] | None:
    """Records of a section that match ``where`` (and, if ``dated``, fall in the period).

    The filters are pure, so the period is applied first, once per section and school, and each
    ``where`` is compiled once (:func:`planned`); the records come in the section's order.
    """
    records = _section(ctx, name, dated)
    if records is None:
        return None
    if not where:
        return list(records)
    plan = planned(where, _filter)
    if plan.kind is not None:
        records = _of_kind(ctx, name, dated, records, plan.kind)
    elif plan.kinds is not None:
        records = _of_kinds(ctx, name, dated, records, plan.kinds)
    if plan.rest is not None:
        rest = plan.rest
        return [r for r in records if rest(r, ctx)]
    field = plan.field
    if field is None:
        return list(records)
    # _cond_ok of one condition on a field, written out: the record's own attribute, or the
    # key of a mapping (as resolve reads it)
    if plan.one_of is not None:
        one_of = plan.one_of
        return [r for r in records
                if (resolve(r, field, ctx) if isinstance(r, dict) else getattr(r, field, None)) in one_of]
    equals = plan.equals
    return [r for r in records
            if (resolve(r, field, ctx) if isinstance(r, dict) else getattr(r, field, None)) == equals]


class Table(BaseModel):
    """A line that depends on another field of the record: ``table[record.<key>]``."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    key: str
    table: dict[str, Ratio]


class Due(BaseModel):
    """A date a step falls due: ``from`` plus ``months`` (plus the months in ``extra_months``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    from_: str = Field(alias="from")
    months: Annotated[int, Field(ge=0)]
    extra_months: str | None = None


class Every(BaseModel):
    """A count that must keep pace with time: one per ``months`` from ``from`` until ``to``
    (or the last day that counts), e.g. an activist reviewed every six months."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    from_: str = Field(alias="from")
    to: str | None = None
    months: Annotated[int, Field(ge=1)]


def months_between(first: dt.date, last: dt.date) -> int:
    """Whole calendar months from ``first`` to ``last``."""
    n = (last.year - first.year) * 12 + last.month - first.month
    return n - 1 if n > 0 and add_months(first, n) > last else max(n, 0)


class Predicate(BaseModel):
    """One requirement on a record, with the catalog's own message when it fails."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    field: str
    message: Text
    optional: bool = False
    equals: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    min: Ratio | None = None
    max: Ratio | None = None
    lt: Ratio | None = None
    after: str | None = None
    min_days: int | None = None
    max_days: int | None = None
    min_months: int | None = None
    max_months: int | None = None
    more_than_half_of: str | None = None
    contains: str | None = None
    # compare with the last day that counts: the period's end, or the audit date if earlier
    not_after_end: bool = False
    not_before_end: bool = False
    # value / another field, compared with min and max
    share_of: str | None = None
    # value ≥ the line for the record's own band (paying more is allowed, e.g. 自愿多交党费)
    min_from_table: Table | None = None
    # the step must happen by its due date; until that date passes a missing value is no gap
    within: Due | None = None
    # the step must not happen before its due date, and must have happened once it has passed
    not_before: Due | None = None
    # the predicate only applies to records that have this field
    unless_missing: str | None = None
    # a count of at least one per N months over a span of the record's own dates
    every: Every | None = None
    # the numbers of the guide's rules this requirement encodes (see Spec.guide)
    guide: list[Annotated[int, Field(ge=1)]] = Field(default_factory=list)


def _due(record: Any, due: Due, ctx: Context) -> dt.date | None:
    start = resolve(record, due.from_, ctx)
    if not isinstance(start, dt.date):
        return None
    extra = resolve(record, due.extra_months, ctx) if due.extra_months else None
    return add_months(start, due.months + (extra or 0))


def _check_due(record: Any, pred: Predicate, value: Any, ctx: Context) -> bool | None:
    """The verdict of ``within`` / ``not_before``, or ``None`` when neither is set."""
    rule = pred.within or pred.not_before
    if rule is None:
        return None
    due = _due(record, rule, ctx)
    if due is None:
        return True  # the step it counts from has not happened: nothing is due yet
    if value is None:
        # judged on the last day that counts, like every other date in the period
        return due > ctx.end
    return bool(value <= due) if pred.within is not None else bool(value >= due)


def _check_every(record: Any, every: Every, value: Any, ctx: Context) -> bool:
    first = resolve(record, every.from_, ctx)
    if not isinstance(first, dt.date):
        return True
    last = resolve(record, every.to, ctx) if every.to else None
    last = min(last, ctx.end) if isinstance(last, dt.date) else ctx.end
    needed = months_between(first, last) // every.months if last > first else 0
    return (value or 0) >= needed


def check_predicate(record: Any, pred: Predicate, ctx: Context) -> bool:
    if pred.unless_missing is not None and resolve(record, pred.unless_missing, ctx) is None:
        return True
    value = resolve(record, pred.field, ctx)
    if isinstance(value, Meeting):
        value = value.date
    if pred.within is not None or pred.not_before is not None:
        return bool(_check_due(record, pred, value, ctx))
    if pred.every is not None:
        return _check_every(record, pred.every, value, ctx)
    if value is None:
        return pred.optional
    if pred.share_of is not None:
        base = resolve(record, pred.share_of, ctx)
        if not base:
            return False
        value = Fraction(str(value)) / Fraction(str(base))
    if pred.min_from_table is not None:
        band = resolve(record, pred.min_from_table.key, ctx)
        line = pred.min_from_table.table.get(str(band)) if band is not None else None
        if line is None or Fraction(str(value)) < line:
            return False
    if pred.equals is not None and value != pred.equals:
        return False
    if pred.in_ is not None and value not in pred.in_:
        return False
    if pred.min is not None and value < pred.min:
        return False
    if pred.max is not None and value > pred.max:
        return False
    if pred.lt is not None and value >= pred.lt:
        return False
    if pred.after is not None:
        other = resolve(record, pred.after, ctx)
        if isinstance(other, Meeting):
            other = other.date
        if other is None or value < other:
            return False
        gap = (value - other).days
        if pred.min_days is not None and gap < pred.min_days:
            return False
        if pred.max_days is not None and gap > pred.max_days:
            return False
        # Periods in the rules are calendar months and years, not day counts.
        if pred.min_months is not None and value < add_months(other, pred.min_months):
            return False
        if pred.max_months is not None and value > add_months(other, pred.max_months):
            return False
    if pred.more_than_half_of is not None:
        base = resolve(record, pred.more_than_half_of, ctx)
        if base is None or not value * 2 > base:
            return False
    if pred.contains is not None and pred.contains not in value:
        return False
    if pred.not_after_end and value > ctx.end:
        return False
    if pred.not_before_end and value < ctx.end:
        return False
    return True


def exact_line(line: Fraction) -> int | Fraction:
    """A whole line as an int: comparing a float with an int is as exact as with a Fraction, and
    does not build a Fraction from the float each time."""
    return line.numerator if line.denominator == 1 else line


def _value_tests(pred: Predicate) -> tuple[Callable[[Any, Context], bool], ...]:
    """The comparisons of a predicate that read only its value, each true when the value fails."""
    tests: list[Callable[[Any, Context], bool]] = []
    equals, in_, contains = pred.equals, pred.in_, pred.contains
    if equals is not None:
        tests.append(lambda v, ctx: bool(v != equals))
    if in_ is not None:
        tests.append(lambda v, ctx: v not in in_)
    if pred.min is not None:
        low = exact_line(pred.min)
        tests.append(lambda v, ctx: bool(v < low))
    if pred.max is not None:
        high = exact_line(pred.max)
        tests.append(lambda v, ctx: bool(v > high))
    if pred.lt is not None:
        lt = exact_line(pred.lt)
        tests.append(lambda v, ctx: bool(v >= lt))
    if contains is not None:
        tests.append(lambda v, ctx: contains not in v)
    if pred.not_after_end:
        tests.append(lambda v, ctx: bool(v > ctx.end))
    if pred.not_before_end:
        tests.append(lambda v, ctx: bool(v < ctx.end))
    return tuple(tests)


def compile_predicate(pred: Predicate) -> Callable[[Any, Context], bool]:
    """:func:`check_predicate` for one predicate, doing only the comparisons it sets.

    A predicate that reads other fields of the record (due dates, shares, tables, ``after``)
    keeps the general function.
    """
    if (pred.unless_missing is not None or pred.within is not None or pred.not_before is not None
            or pred.every is not None or pred.share_of is not None or pred.min_from_table is not None
            or pred.after is not None or pred.more_than_half_of is not None):
        def general(record: Any, ctx: Context) -> bool:
            return check_predicate(record, pred, ctx)
        return general
    get = getter(pred.field)
    optional = pred.optional
    tests = _value_tests(pred)
    name = pred.field
    # A field of the record itself (most predicates): read in place, one call fewer per record.
    direct = len(_parts(name)) == 1 and name not in REF_FIELDS
    if not tests and direct:
        def field_present(record: Any, ctx: Context) -> bool:
            value = resolve(record, name, ctx) if isinstance(record, dict) else getattr(record, name, None)
            return value is not None or optional
        return field_present
    if not tests:
        def present(record: Any, ctx: Context) -> bool:
            return get(record, ctx) is not None or optional
        return present
    if len(tests) == 1:
        fails = tests[0]

        def check_one(record: Any, ctx: Context) -> bool:
            if direct and not isinstance(record, dict):
                value = getattr(record, name, None)
            else:
                value = resolve(record, name, ctx)
            if value is None:
                return optional
            if isinstance(value, Meeting):
                value = value.date
            return not fails(value, ctx)
        return check_one

    def check(record: Any, ctx: Context) -> bool:
        value = get(record, ctx)
        if value is None:
            return optional
        if isinstance(value, Meeting):
            value = value.date
        for fails in tests:
            if fails(value, ctx):
                return False
        return True
    return check


def record_label(record: Any) -> str:
    return str(getattr(record, "id", None) or getattr(record, "date", "") or "")


def missing_section(name: str) -> Outcome:
    return Outcome(ZERO, "detail_missing_section", {"section": name},
                   [Finding("missing_section", {"section": name})], insufficient=True)


IfEmpty = Literal["not_applicable", "not_met"]


def where_reads(where: Where, within: str) -> Iterator[Read]:
    """The fields a ``where`` filter compares, as reads of the items of ``within``."""
    for key, cond in where.items():
        numeric = isinstance(cond, Condition) and any(v is not None for v in (cond.min, cond.max, cond.gt, cond.lt))
        yield Read(key, "number" if numeric else "any", within)


def predicate_reads(rules: list[Predicate], within: str) -> Iterator[Read]:
    """The fields each predicate compares, as reads of the items of ``within``."""
    for pred in rules:
        numeric = (pred.min is not None or pred.max is not None or pred.lt is not None
                   or pred.more_than_half_of is not None or pred.share_of is not None
                   or pred.min_from_table is not None or pred.every is not None)
        dated = (pred.after is not None or pred.not_after_end or pred.not_before_end
                 or pred.within is not None or pred.not_before is not None)
        yield Read(pred.field, "number" if numeric else ("date" if dated else "any"), within)
        if pred.after is not None:
            yield Read(pred.after, "date", within)
        if pred.more_than_half_of is not None:
            yield Read(pred.more_than_half_of, "number", within)
        if pred.share_of is not None:
            yield Read(pred.share_of, "number", within)
        if pred.min_from_table is not None:
            yield Read(pred.min_from_table.key, "any", within)
        for due in (pred.within, pred.not_before):
            if due is not None:
                yield Read(due.from_, "date", within)
                if due.extra_months is not None:
                    yield Read(due.extra_months, "number", within)
        if pred.every is not None:
            yield Read(pred.every.from_, "date", within)
            if pred.every.to is not None:
                yield Read(pred.every.to, "date", within)
        if pred.unless_missing is not None:
            yield Read(pred.unless_missing, "any", within)


S = TypeVar("S", bound=Spec)


@dataclass(frozen=True)
class CheckKind(Generic[S]):
    """A check kind: its parameter model and its pure check function."""

    spec: type[S]
    run: Callable[[S, Evidence, Context], Outcome]

    @property
    def name(self) -> str:
        """The ``kind`` literal of the parameter model."""
        return str(typing.get_args(self.spec.model_fields["kind"].annotation)[0])
