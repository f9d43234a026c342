"""The guide-rule coverage table: every rule of the guide encoded or left out with a reason, every
encoded rule exercised by a failing case, and docs/rules.md exactly what the catalog generates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, assert_golden, run_cli

from dangjian_audit.loading.guide import load_guide_register
from dangjian_audit.reporters._coverage import coverage_rows

CASES = ROOT / "tests" / "cases"
FAILING = {"not_met", "partial", "insufficient_evidence"}


def _cases(indicator: str) -> list[dict[str, Any]]:
    path = CASES / f"{indicator}.yaml"
    if not path.exists():
        return []
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return list(data["cases"])


@pytest.fixture(scope="module")
def register(ruleset: Any) -> Any:
    return load_guide_register(Path(ruleset.catalog.directory))


def test_docs_rules_md_is_generated_from_the_catalog(update_golden: bool) -> None:
    code, out, _ = run_cli(["catalog", "rules", "--lang", "en"])
    assert code == 0
    assert_golden(ROOT / "docs" / "rules.md", out, update_golden)


def test_every_rule_is_encoded_or_left_out(ruleset: Any, register: Any) -> None:
    encoded = {row.rule for row in coverage_rows(ruleset, "en")}
    numbers = {rule.n for rule in register.rules}
    left_out = {rule.n for rule in register.rules if rule.left_out is not None}
    assert sorted(encoded - numbers) == [], "the catalog names rules the register does not have"
    assert sorted(numbers - encoded - left_out) == [], "rules neither encoded nor left out with a reason"
    assert sorted(encoded & left_out) == [], "a rule left out is also encoded"


def test_every_encoded_rule_has_a_failing_case(ruleset: Any) -> None:
    by_rule: dict[int, set[str]] = {}
    for row in coverage_rows(ruleset, "en"):
        by_rule.setdefault(row.rule, set()).add(row.indicator)
    missing = []
    for rule, indicators in sorted(by_rule.items()):
        tagged = [c for ind in sorted(indicators) for c in _cases(ind) if rule in (c.get("guide") or [])]
        # a warning costs nothing (rule 4), so a case asserting the warning exercises it too
        warned = [c for c in tagged if any(f.get("severity") == "warning" for f in c.get("findings") or [])]
        if not any(c["expect"] in FAILING for c in tagged) and not warned:
            missing.append((rule, sorted(indicators)))
    assert missing == [], "rules with no failing case tagged `guide: [n]` in tests/cases"


def test_every_indicator_has_a_failing_case_that_asserts_its_findings(ruleset: Any) -> None:
    bare = [ci.indicator.id for ci in ruleset.indicators
            if not any(c["expect"] in FAILING and c.get("findings") for c in _cases(ci.indicator.id))]
    assert bare == []


def test_case_tags_name_rules_the_indicator_encodes(ruleset: Any) -> None:
    encoded: dict[str, set[int]] = {}
    for row in coverage_rows(ruleset, "en"):
        encoded.setdefault(row.indicator, set()).add(row.rule)
    wrong = [(ci.indicator.id, case["name"], n) for ci in ruleset.indicators for case in _cases(ci.indicator.id)
             for n in case.get("guide") or [] if n not in encoded.get(ci.indicator.id, set())]
    assert wrong == []


def test_a_broken_register_is_exit_3_with_its_position(tmp_path: Path) -> None:
    import shutil

    catalog = tmp_path / "catalog"
    shutil.copytree(ROOT / "indicators", catalog)
    register = catalog / "guide-rules.yaml"
    register.write_text(register.read_text(encoding="utf-8").replace("code: K, title", "code: X, title", 1),
                        encoding="utf-8")
    code, out, err = run_cli(["catalog", "rules", "--catalog", str(catalog)])
    assert code == 3 and out == ""
    assert f"{register}:" in err and "[literal_error]" in err
