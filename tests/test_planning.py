"""The planner is exact: on small random instances it agrees with a brute force over every subset,
scored by the real scorer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import random
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from dangjian_audit import planning
from dangjian_audit.engine import Evaluation, evaluate
from dangjian_audit.loading import load_evidence, load_ruleset
from dangjian_audit.models.ruleset import Ruleset
from dangjian_audit.scoring import score

BASE = Path(__file__).parent / "cases" / "base.yaml"
AS_OF = dt.date(2025, 3, 1)


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return load_ruleset()


def _instance(ruleset: Ruleset, seed: int) -> tuple[list[Evaluation], dict[str, int]]:
    rng = random.Random(seed)
    evidence = load_evidence(BASE, "base.yaml", AS_OF)
    evaluations = evaluate(ruleset, evidence, AS_OF)
    ids = [ev.compiled.indicator.id for ev in evaluations]
    broken = set(rng.sample(ids, rng.randint(6, 9)))
    out = []
    for ev in evaluations:
        ind = ev.compiled.indicator
        if ind.id in broken:
            status = rng.choice(["partial", "not_met", "insufficient_evidence", "awaiting_inspector",
                                 "not_applicable"])
            ratio = Fraction(rng.randint(1, 4), 5) if status == "partial" else Fraction(0)
            ev = dataclasses.replace(ev, status=status, ratio=ratio)
        out.append(ev)
    weights = {i: rng.randint(1, 3) for i in ids}
    return out, weights


def _brute(ruleset: Ruleset, evaluations: list[Evaluation], gaps: list[planning.Gap],
           target: planning.Target) -> tuple[int, int, Decimal, tuple[str, ...]] | None:
    best = None
    for size in range(len(gaps) + 1):
        for combo in itertools.combinations(gaps, size):
            after = score(ruleset, planning.close(evaluations, tuple(g.id for g in combo)))
            if not planning.reached(after, target):
                continue
            key = (size, sum(g.weight for g in combo), -after.total, tuple(sorted(g.id for g in combo)))
            if best is None or key < best:
                best = key
        if best is not None:
            return best[0], best[1], -best[2], best[3]
    return None


@pytest.mark.parametrize("seed", range(24))
def test_planner_matches_brute_force(ruleset: Ruleset, seed: int) -> None:
    evaluations, weights = _instance(ruleset, seed)
    sc = score(ruleset, evaluations)
    gaps = [dataclasses.replace(g, weight=weights[g.id])
            for g in planning.find_gaps(ruleset, load_evidence(BASE, "base.yaml", AS_OF), evaluations, sc, AS_OF)]
    rng = random.Random(seed)
    targets = [planning.level_target(ruleset, lv) for lv in ("county", "city", "province")]
    targets.append(planning.Target(Decimal(rng.randint(8500, 9900)) / 100))
    for target in targets:
        solution = planning.solve(ruleset, evaluations, sc, gaps, target)
        expected = _brute(ruleset, evaluations, [g for g in gaps if g.blocked is None], target)
        if expected is None:
            assert not solution.reachable
            continue
        assert solution.reachable
        assert (len(solution.chosen), solution.effort, solution.total, tuple(sorted(solution.chosen))) == expected


def test_unverified_veto_item_must_be_closed(ruleset: Ruleset) -> None:
    evaluations, _ = _instance(ruleset, 0)
    evaluations = [dataclasses.replace(ev, status="insufficient_evidence", ratio=Fraction(0))
                   if ev.compiled.indicator.id == "JC-03" else ev for ev in evaluations]
    sc = score(ruleset, evaluations)
    gaps = planning.find_gaps(ruleset, load_evidence(BASE, "base.yaml", AS_OF), evaluations, sc, AS_OF)
    solution = planning.solve(ruleset, evaluations, sc, gaps, planning.level_target(ruleset, "county"))
    assert "JC-03" in solution.chosen


def test_triggered_veto_blocks_every_level(ruleset: Ruleset) -> None:
    evaluations, _ = _instance(ruleset, 1)
    evaluations = [dataclasses.replace(ev, status="not_met", ratio=Fraction(0), veto_triggered=True)
                   if ev.compiled.indicator.id == "FZ-06" else ev for ev in evaluations]
    sc = score(ruleset, evaluations)
    gaps = planning.find_gaps(ruleset, load_evidence(BASE, "base.yaml", AS_OF), evaluations, sc, AS_OF)
    assert [g.blocked for g in gaps if g.id == "FZ-06"] == ["veto_triggered"]
    for level in ("county", "city", "province"):
        solution = planning.solve(ruleset, evaluations, sc, gaps, planning.level_target(ruleset, level))
        assert not solution.reachable
        assert solution.reasons[0][0] == "reason_veto"
    # a total at or below the veto cap stays reachable
    assert planning.solve(ruleset, evaluations, sc, gaps, planning.Target(Decimal(50))).reachable
