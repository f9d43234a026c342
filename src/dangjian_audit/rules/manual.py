"""Check kind ``manual``: left to the inspector; the evidence file may carry the verdict."""

from collections.abc import Iterator
from fractions import Fraction
from typing import ClassVar, Literal

from dangjian_audit.models.evidence import Evidence
from dangjian_audit.rules.base import ONE, ZERO, CheckKind, Context, Finding, Outcome, Read, Spec

_RATIO = {"met": ONE, "partial": Fraction(1, 2), "not_met": ZERO}


class ManualSpec(Spec):
    kind: Literal["manual"]

    findings: ClassVar[tuple[str, ...]] = ("awaiting_inspector", "inspector_said")
    details: ClassVar[tuple[str, ...]] = ("detail_awaiting", "detail_verdict")

    def reads(self) -> Iterator[Read]:
        yield Read("inspector", "collection")


def check_manual(spec: ManualSpec, evidence: Evidence, ctx: Context) -> Outcome:
    verdicts = [v for v in evidence.inspector or () if v.indicator == ctx.indicator]
    if not verdicts:
        return Outcome(ZERO, "detail_awaiting", {}, [Finding("awaiting_inspector", {})], awaiting=True)
    verdict = max(verdicts, key=lambda v: (v.date or ctx.start, v.src_line or 0))
    args = {"note": verdict.note or "", "inspector": verdict.inspector or ""}
    if verdict.status == "not_applicable":
        return Outcome(ONE, "detail_verdict", args | {"status": verdict.status}, applicable=False,
                       verdict=verdict.status)
    findings = [] if verdict.status == "met" else [Finding("inspector_said", args, verdict.src_line)]
    return Outcome(_RATIO[verdict.status], "detail_verdict", args | {"status": verdict.status}, findings,
                   verdict=verdict.status)


KINDS = (CheckKind(ManualSpec, check_manual),)
