"""Catalog × evidence → one evaluation per indicator (language-neutral).

The engine stamps ids, points and statuses; checks only return ratios and findings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from dangjian_audit.models.check import Spec
from dangjian_audit.models.evidence import Evidence
from dangjian_audit.models.ruleset import CompiledIndicator, Ruleset
from dangjian_audit.rules import REGISTRY
from dangjian_audit.rules.base import (
    ONE,
    ZERO,
    Context,
    Finding,
    Outcome,
    compile_where,
    missing_section,
    planned,
    resolve,
)

ONE_PERSON = Outcome(ONE, "detail_one_person", applicable=False)
NOT_THIS_SCHOOL = Outcome(ONE, "detail_condition", applicable=False)


@dataclass(slots=True)
class Evaluation:
    compiled: CompiledIndicator
    status: str
    ratio: Fraction
    outcomes: list[Outcome] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    veto_triggered: bool = False


def _run(spec: Spec, evidence: Evidence, ctx: Context, one_person: bool) -> Outcome:
    if one_person and spec.skip_if_one_person:
        return ONE_PERSON
    condition = getattr(spec, "applies_if", None)
    if condition:
        match = planned(condition, compile_where)
        if match is not None and not match(evidence, ctx):
            return NOT_THIS_SCHOOL
    return REGISTRY[spec.kind].run(spec, evidence, ctx)


def _evaluate_one(ci: CompiledIndicator, evidence: Evidence, ctx: Context) -> Evaluation:
    ind = ci.indicator
    missing = [name for name in ind.evidence if resolve(evidence, name, ctx) is None]
    if missing:
        findings = [f for name in missing for f in missing_section(name).findings]
        return Evaluation(ci, "insufficient_evidence", ZERO, [], findings)
    one_person = bool(evidence.organization.secretary_is_principal)
    ctx.indicator = ind.id
    outcomes = [_run(spec, evidence, ctx, one_person) for spec in ci.checks]
    findings = [f for o in outcomes for f in o.findings]
    if any(o.insufficient for o in outcomes):
        return Evaluation(ci, "insufficient_evidence", ZERO, outcomes, findings)
    applicable = [(o, spec.weight) for o, spec in zip(outcomes, ci.checks, strict=True) if o.applicable]
    if not applicable:
        return Evaluation(ci, "not_applicable", ONE, outcomes, findings)
    automated = [o for o, _ in applicable if not o.awaiting]
    if any(o.awaiting for o, _ in applicable) and all(o.ratio == ONE for o in automated):
        # Only the inspector's part is open: the indicator waits for the verdict.
        return Evaluation(ci, "awaiting_inspector", ZERO, outcomes, findings)
    veto = ind.veto and any(o.veto for o, _ in applicable)
    if veto:
        ratio = ZERO
    elif all(o.ratio == 1 for o, _ in applicable):
        ratio = ONE  # the weighted mean of ones, without the Fraction arithmetic
    else:
        weight = sum(w for _, w in applicable)
        ratio = sum((o.ratio * w for o, w in applicable), ZERO) / weight
    status = "met" if ratio == ONE else ("not_met" if ratio == ZERO else "partial")
    return Evaluation(ci, status, ratio, outcomes, findings, veto)


def evaluate(ruleset: Ruleset, evidence: Evidence, as_of: dt.date) -> list[Evaluation]:
    ctx = Context.build(evidence, as_of, ruleset.settings)
    return [_evaluate_one(ci, evidence, ctx) for ci in ruleset.indicators]
