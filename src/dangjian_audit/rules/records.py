"""Check kinds over lists of records: ``records`` (every record meets its predicates),
``quorum`` (attendance lines) and ``absent`` (nothing of a kind may exist, e.g. veto incidents)."""

from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any, ClassVar, Literal

from pydantic import Field

from dangjian_audit.models.catalog import Text
from dangjian_audit.models.evidence import Evidence, Meeting
from dangjian_audit.rules.base import (
    ONE,
    ZERO,
    CheckKind,
    Context,
    Finding,
    IfEmpty,
    Outcome,
    Predicate,
    Read,
    Share,
    Spec,
    Where,
    compile_predicate,
    fraction_text,
    missing_section,
    planned,
    predicate_reads,
    record_label,
    select,
    share_outcome,
    where_reads,
)


class RecordsSpec(Spec):
    kind: Literal["records"]
    collection: str
    where: Where = Field(default_factory=dict)
    dated: bool = False
    rules: list[Predicate] = Field(min_length=1)
    min_share: Share = Fraction(1)
    if_empty: IfEmpty = "not_applicable"
    # one failing record fails the whole check (e.g. a member who lapsed under the six-month rule)
    all_or_nothing: bool = False
    # an optional section (e.g. one-off dues payments): absent means there were none
    if_missing: Literal["insufficient_evidence", "not_applicable"] = "insufficient_evidence"

    findings: ClassVar[tuple[str, ...]] = ("record_rule", "no_records", "missing_section")
    details: ClassVar[tuple[str, ...]] = ("detail_records", "detail_no_records", "detail_missing_section")

    def reads(self) -> Iterator[Read]:
        yield Read(self.collection, "collection")
        if self.dated:
            yield Read("date", "date", self.collection)
        yield from where_reads(self.where, self.collection)
        yield from predicate_reads(self.rules, self.collection)


def _compiled_rules(spec: RecordsSpec) -> tuple[tuple[Callable[[Any, Context], bool], Text], ...]:
    return tuple((compile_predicate(p), p.message) for p in spec.rules)


def check_records(spec: RecordsSpec, evidence: Evidence, ctx: Context) -> Outcome:
    records = select(ctx, spec.collection, spec.where, spec.dated)
    if records is None and spec.if_missing == "not_applicable":
        records = []
    if records is None:
        return missing_section(spec.collection)
    if not records:
        if spec.if_empty == "not_applicable":
            return Outcome(ONE, "detail_no_records", {"section": spec.collection}, applicable=False)
        return Outcome(ZERO, "detail_no_records", {"section": spec.collection},
                       [Finding("no_records", {"section": spec.collection})])
    good = 0
    findings: list[Finding] = []
    rules = planned(spec, _compiled_rules)
    for record in records:
        passed = True
        for check, message in rules:
            if not check(record, ctx):
                passed = False
                findings.append(Finding("record_rule", {"record": record_label(record)},
                                        getattr(record, "src_line", None), message))
        if passed:
            good += 1
    if spec.all_or_nothing and good < len(records):
        return Outcome(ZERO, "detail_records", {"good": good, "total": len(records)}, findings)
    return share_outcome(good, len(records), spec.min_share, "detail_records", findings)


class QuorumSpec(Spec):
    kind: Literal["quorum"]
    kinds: list[str] = Field(min_length=1)
    ratio: Share = Fraction(1, 2)
    inclusive: bool = False
    cadre_ratio: Share | None = None
    min_share: Share = Fraction(1)
    if_empty: IfEmpty = "not_met"
    # One rate over the period (Σ present / Σ expected), as a participation rate is counted,
    # instead of a line every single meeting must reach.
    aggregate: bool = False

    findings: ClassVar[tuple[str, ...]] = ("quorum_short", "participation_short", "no_records", "missing_section")
    details: ClassVar[tuple[str, ...]] = ("detail_quorum", "detail_participation", "detail_no_records",
                                          "detail_missing_section")

    def reads(self) -> Iterator[Read]:
        yield Read("meetings", "collection")
        for name, need in (("date", "date"), ("expected", "number"), ("present", "number"), ("agenda", "any")):
            yield Read(name, need, "meetings")  # type: ignore[arg-type]


def _fraction_label(value: Fraction) -> str:
    return str(fraction_text(value)) if value.denominator in (2, 3, 4, 5) else f"{float(value):.0%}"


def check_quorum(spec: QuorumSpec, evidence: Evidence, ctx: Context) -> Outcome:
    meetings = select(ctx, "meetings", {}, True)
    if meetings is None:
        return missing_section("meetings")
    chosen = [m for m in meetings if m.kind in spec.kinds]
    if not chosen:
        if spec.if_empty == "not_applicable":
            return Outcome(ONE, "detail_no_records", {"section": "meetings"}, applicable=False)
        return Outcome(ZERO, "detail_no_records", {"section": "meetings"},
                       [Finding("no_records", {"section": "meetings"})])
    line = spec.ratio
    if spec.aggregate:
        return _aggregate(spec, chosen)
    good = 0
    findings: list[Finding] = []
    for m in chosen:
        need, strict = line, not spec.inclusive
        if spec.cadre_ratio is not None and "cadre" in m.agenda:
            need, strict = spec.cadre_ratio, False
        # present/expected against need, in integers: present * den vs num * expected
        lhs, rhs = m.present * need.denominator, need.numerator * m.expected
        ok = m.expected > 0 and (lhs > rhs if strict else lhs >= rhs)
        if ok:
            good += 1
        else:
            findings.append(Finding("quorum_short", {
                "record": m.id, "date": m.date.isoformat(), "present": m.present,
                "expected": m.expected, "need": ("> " if strict else "≥ ") + _fraction_label(need),
            }, m.src_line))
    return share_outcome(good, len(chosen), spec.min_share, "detail_quorum", findings)


def _aggregate(spec: QuorumSpec, chosen: list[Meeting]) -> Outcome:
    present = sum(m.present for m in chosen)
    expected = sum(m.expected for m in chosen)
    need = spec.ratio
    lhs, rhs = present * need.denominator, need.numerator * expected
    ok = expected > 0 and (lhs >= rhs if spec.inclusive else lhs > rhs)
    args = {"present": present, "expected": expected, "meetings": len(chosen),
            "need": ("≥ " if spec.inclusive else "> ") + _fraction_label(need),
            "rate": f"{present / expected:.1%}" if expected else "-"}
    if ok:
        return Outcome(ONE, "detail_participation", args)
    share = Fraction(present, expected) if expected else ZERO
    return Outcome(share / need, "detail_participation", args, [Finding("participation_short", args)])


class AbsentSpec(Spec):
    kind: Literal["absent"]
    collection: str
    where: Where = Field(default_factory=dict)
    dated: bool = True
    veto: bool = False
    message: Text

    findings: ClassVar[tuple[str, ...]] = ("record_rule", "missing_section")
    details: ClassVar[tuple[str, ...]] = ("detail_absent", "detail_missing_section")

    def reads(self) -> Iterator[Read]:
        yield Read(self.collection, "collection")
        if self.dated:
            yield Read("date", "date", self.collection)
        yield from where_reads(self.where, self.collection)


def check_absent(spec: AbsentSpec, evidence: Evidence, ctx: Context) -> Outcome:
    records = select(ctx, spec.collection, spec.where, spec.dated)
    if records is None:
        return missing_section(spec.collection)
    if not records:
        return Outcome(ONE, "detail_absent", {"found": 0})
    findings = [Finding("record_rule", {"record": record_label(r)}, getattr(r, "src_line", None), spec.message)
                for r in records]
    return Outcome(ZERO, "detail_absent", {"found": len(records)}, findings, veto=spec.veto)



KINDS = (
    CheckKind(RecordsSpec, check_records),
    CheckKind(QuorumSpec, check_quorum),
    CheckKind(AbsentSpec, check_absent),
)
