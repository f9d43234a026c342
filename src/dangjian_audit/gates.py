"""The gate: whether a scored school passes, and why not. Used by ``check`` and ``batch`` alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from dangjian_audit.formatting import compact
from dangjian_audit.i18n import Messages
from dangjian_audit.models.result import SchoolReport
from dangjian_audit.models.ruleset import Ruleset


def gate_line(ruleset: Ruleset) -> Decimal:
    """The default ``--fail-under``: the minimum of the catalog's gate grade (合格 by default)."""
    for g in ruleset.scoring.grades:
        if g.id == ruleset.scoring.gate_grade:
            return g.min
    return Decimal(0)


@dataclass(frozen=True)
class Gate:
    """The gates given on the command line; every one applies."""

    fail_under: Decimal
    fail_on_veto: bool = True
    min_level: str | None = None

    @classmethod
    def build(cls, ruleset: Ruleset, fail_under: Decimal | float | None = None, fail_on_veto: bool = True,
              min_level: str | None = None) -> Gate:
        line = gate_line(ruleset) if fail_under is None else Decimal(str(fail_under))
        return cls(line, fail_on_veto, min_level)


def gate_reasons(report: SchoolReport, gate: Gate, msgs: Messages, ruleset: Ruleset) -> list[str]:
    """Why a school fails the gate, in the user's language; an empty list means it passes."""
    return score_gate_reasons(report.total, report.total_uncapped, report.veto, report.veto_unverified,
                              report.level.id if report.level else None, gate, msgs, ruleset)


def score_gate_reasons(total: Decimal, total_uncapped: Decimal, veto: Sequence[str], veto_unverified: Sequence[str],
                       level: str | None, gate: Gate, msgs: Messages, ruleset: Ruleset) -> list[str]:
    """:func:`gate_reasons` from a school's score alone (a batch without per-school reports builds no report)."""
    reasons = []
    # Without the veto gate the score gate judges the total the school earned, before the veto capped it.
    if gate.fail_on_veto or not veto:
        if total < gate.fail_under:
            reasons.append(msgs.ui("gate_reason_score", total=compact(total), line=compact(gate.fail_under)))
    elif total_uncapped < gate.fail_under:
        reasons.append(msgs.ui("gate_reason_score_uncapped", total=compact(total_uncapped),
                               line=compact(gate.fail_under)))
    if gate.fail_on_veto and veto:
        reasons.append(msgs.ui("gate_reason_veto", ids=", ".join(veto)))
    if gate.fail_on_veto and veto_unverified:
        reasons.append(msgs.ui("gate_reason_veto_unverified", ids=", ".join(veto_unverified)))
    if gate.min_level is not None:
        order: list[str] = [lv.id for lv in ruleset.scoring.levels_ascending()]
        reached = order.index(level) if level else -1
        if reached < order.index(gate.min_level):
            name = next(lv.name.get(msgs.lang) for lv in ruleset.scoring.levels if lv.id == gate.min_level)
            reasons.append(msgs.ui("gate_reason_level", level=name))
    return reasons
