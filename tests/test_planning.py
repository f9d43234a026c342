"""The planner is exact: on small random instances it agrees with a brute force over every subset,
scored by the real scorer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import random
import shutil
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

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


def _variant(tmp_path: Path, drop: Callable[[dict[str, Any]], bool], section: str = "meetings") -> Path:
    data = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    data[section] = [r for r in data[section] if not drop(r)]
    path = tmp_path / "school.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _gaps(ruleset: Ruleset, path: Path, as_of: dt.date) -> dict[str, planning.Gap]:
    evidence = load_evidence(path, str(path), as_of)
    evaluations = evaluate(ruleset, evidence, as_of)
    return {g.id: g for g in planning.find_gaps(ruleset, evidence, evaluations, score(ruleset, evaluations), as_of)}


def test_a_missed_month_cannot_be_made_up(ruleset: Ruleset, tmp_path: Path) -> None:
    path = _variant(tmp_path, lambda m: m["kind"] == "theme_day" and str(m["date"]).startswith("2024-10"))
    gap = _gaps(ruleset, path, AS_OF)["JC-08"]
    assert gap.blocked == "units_past" and gap.units == ("2024-10",)


def test_a_share_of_weeks_can_still_be_reached(tmp_path: Path) -> None:
    # A county that accepts 90% of school weeks (the rule itself, and the default, is every week): two
    # missed weeks early in the year can be outweighed by the weeks to come
    from dangjian_audit.models.catalog import Profile

    ruleset = load_ruleset(None, Profile(name="share", settings={"flag_week_share": 0.9}))

    def early_flag(r: dict[str, Any]) -> bool:
        return r.get("kind") == "flag_ceremony" and str(r["date"]) < "2024-09-16"

    path = _variant(tmp_path, early_flag, "activities")
    gaps = _gaps(ruleset, path, dt.date(2024, 10, 1))
    assert "SZ-08" in gaps and gaps["SZ-08"].blocked is None
    # and by the end of the year the weeks to come have made it up: the indicator is met
    assert "SZ-08" not in _gaps(ruleset, path, dt.date(2025, 8, 31))


def test_unknown_owner_is_a_catalog_error(tmp_path: Path) -> None:
    from dangjian_audit.errors import InputError
    from dangjian_audit.loading.catalog import default_catalog_dir

    catalog = tmp_path / "indicators"
    shutil.copytree(default_catalog_dir(), catalog)
    fz = catalog / "FZ.yaml"
    fz.write_text(fz.read_text(encoding="utf-8").replace("owner: principals_office", "owner: janitor", 1),
                  encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_ruleset(catalog)
    assert [d.code for d in caught.value.diagnostics] == ["catalog_unknown_owner"]
    assert caught.value.diagnostics[0].line is not None
