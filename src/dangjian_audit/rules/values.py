"""Check kind ``value``: one number, flag or ratio in the evidence compared with a line."""

from collections.abc import Iterator
from fractions import Fraction
from typing import ClassVar, Literal

from dangjian_audit.models.catalog import Text
from dangjian_audit.models.evidence import Evidence
from dangjian_audit.rules.base import (
    ONE,
    ZERO,
    CheckKind,
    Context,
    Finding,
    Outcome,
    Ratio,
    Read,
    Scalar,
    Spec,
    missing_section,
    resolve,
)


class ValueSpec(Spec):
    kind: Literal["value"]
    path: str
    of: str | None = None
    min: Ratio | None = None
    max: Ratio | None = None
    gt: Ratio | None = None
    equals: Scalar | None = None
    at_least: str | None = None
    contains_all: list[str] | None = None
    enabled: bool = True
    message: Text

    findings: ClassVar[tuple[str, ...]] = ("value_rule", "missing_section")
    details: ClassVar[tuple[str, ...]] = ("detail_value", "detail_flag", "detail_missing_items", "detail_all_items",
                                          "detail_disabled", "detail_missing_section")

    def reads(self) -> Iterator[Read]:
        if self.contains_all is not None:
            yield Read(self.path, "list")
        else:
            numeric = any(v is not None for v in (self.min, self.max, self.gt, self.of, self.at_least))
            yield Read(self.path, "number" if numeric else "any")
        for other in (self.of, self.at_least):
            if other is not None:
                yield Read(other, "number")


def check_value(spec: ValueSpec, evidence: Evidence, ctx: Context) -> Outcome:
    if not spec.enabled:
        return Outcome(ONE, "detail_disabled", {}, applicable=False)
    section = spec.path.split(".")[0]
    if resolve(evidence, section, ctx) is None:
        return missing_section(section)
    value = resolve(evidence, spec.path, ctx)
    # a flag is not shown as Python's True/False in a Chinese sentence: the message says what is wrong
    shown: object = None if isinstance(value, bool) else value
    if value is not None and spec.of is not None:
        base = resolve(evidence, spec.of, ctx)
        value = Fraction(str(value)) / Fraction(str(base)) if base else None
        shown = f"{float(value):.0%}" if value is not None else None
    ok = value is not None
    if ok and spec.equals is not None:
        ok = value == spec.equals
    if ok and spec.min is not None:
        ok = value >= spec.min
    if ok and spec.max is not None:
        ok = value <= spec.max
    if ok and spec.gt is not None:
        ok = value > spec.gt
    if ok and spec.contains_all is not None:
        absent = [item for item in spec.contains_all if item not in value]
        ok = not absent
        shown = ", ".join(absent)
    if ok and spec.at_least is not None:
        other = resolve(evidence, spec.at_least, ctx)
        ok = other is not None and value >= other
    key = "detail_value"
    args: dict[str, object] = {"value": shown}
    if isinstance(resolve(evidence, spec.path, ctx), bool):
        # the flag's value in the reader's language (是/否, yes/no)
        key, args = "detail_flag", {"flag": "yes" if resolve(evidence, spec.path, ctx) else "no"}
    if spec.contains_all is not None:
        key = "detail_missing_items" if shown else "detail_all_items"
    if ok:
        return Outcome(ONE, key, args)
    parent = resolve(evidence, spec.path.rsplit(".", 1)[0], ctx) if "." in spec.path else None
    line = getattr(parent, "src_line", None)
    # the value is shown beside the record when there is one to show
    message = "value_rule" if shown not in (None, "") else "record_rule"
    return Outcome(ZERO, key, args,
                   [Finding("value_rule", {"record": spec.path, "value": shown}, line, spec.message, message)])


KINDS = (CheckKind(ValueSpec, check_value),)
