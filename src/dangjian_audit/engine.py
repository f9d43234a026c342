"""Catalog × evidence → one evaluation per indicator (language-neutral).

The engine stamps ids, points and statuses; checks only return ratios and findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from dangjian_audit.models.check import Spec
from dangjian_audit.models.evidence import Evidence
from dangjian_audit.models.ruleset import CompiledIndicator, Ruleset
from dangjian_audit.rules import REGISTRY
from dangjian_audit.rules.base import (
    ONE,
    ZERO,
    Context,
    Finding,
    Matcher,
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


Step = tuple[Spec, Callable[[Any, Evidence, Context], Outcome], bool, Matcher | None]


def _steps(ci: CompiledIndicator) -> tuple[Step, ...]:
    """Each check of an indicator with its check function, whether one person holding both posts
    skips it, and its compiled ``applies_if``: looked up once per catalog, not per school."""
    steps = []
    for spec in ci.checks:
        condition = getattr(spec, "applies_if", None)
        steps.append((spec, REGISTRY[spec.kind].run, spec.skip_if_one_person,
                      compile_where(condition) if condition else None))
    return tuple(steps)


def _evaluate_one(ci: CompiledIndicator, evidence: Evidence, ctx: Context) -> Evaluation:
    ind = ci.indicator
    missing = [name for name in ind.evidence if resolve(evidence, name, ctx) is None]
    if missing:
        return Evaluation(ci, "insufficient_evidence", ZERO, [],
                          [f for name in missing for f in missing_section(name).findings])
    one_person = bool(evidence.organization.secretary_is_principal)
    ctx.indicator = ind.id
    outcomes = []
    for spec, run, skip_if_one_person, match in planned(ci, _steps):
        if one_person and skip_if_one_person:
            outcomes.append(ONE_PERSON)
        elif match is not None and not match(evidence, ctx):
            outcomes.append(NOT_THIS_SCHOOL)
        else:
            outcomes.append(run(spec, evidence, ctx))
    findings: list[Finding] = []
    insufficient = False
    for o in outcomes:
        findings.extend(o.findings)
        insufficient = insufficient or o.insufficient
    if insufficient:
        return Evaluation(ci, "insufficient_evidence", ZERO, outcomes, findings)
    applicable = [(o, spec.weight) for o, spec in zip(outcomes, ci.checks, strict=True) if o.applicable]
    if not applicable:
        return Evaluation(ci, "not_applicable", ONE, outcomes, findings)
    # Ratios are compared with the ints 1 and 0: equal to ONE and ZERO, and quicker to compare.
    all_met = automated_met = True
    awaiting = vetoed = False
    for o, _ in applicable:
        met = o.ratio == 1
        all_met = all_met and met
        if o.awaiting:
            awaiting = True
        elif not met:
            automated_met = False
        vetoed = vetoed or o.veto
    if awaiting and automated_met:
        # Only the inspector's part is open: the indicator waits for the verdict.
        return Evaluation(ci, "awaiting_inspector", ZERO, outcomes, findings)
    veto = ind.veto and vetoed
    if veto:
        ratio = ZERO
    elif all_met:
        ratio = ONE  # the weighted mean of ones, without the Fraction arithmetic
    else:
        # sum(ratio × weight) / Σ weight, in integers and reduced once: the same Fraction
        num, den, weight = 0, 1, 0
        for o, w in applicable:
            r = o.ratio
            num, den = num * r.denominator + r.numerator * w * den, den * r.denominator
            weight += w
        ratio = Fraction(num, den * weight)
    status = "met" if ratio == 1 else ("not_met" if ratio == 0 else "partial")
    return Evaluation(ci, status, ratio, outcomes, findings, veto)


def evaluate(ruleset: Ruleset, evidence: Evidence, as_of: dt.date) -> list[Evaluation]:
    ctx = Context.build(evidence, as_of, ruleset.settings)
    return [_evaluate_one(ci, evidence, ctx) for ci in ruleset.indicators]
