"""Rule cases as data: every indicator has cases that meet it and cases that do not.

``tests/cases/base.yaml`` is a school that meets every indicator. Each
``tests/cases/<ID>.yaml`` lists named cases; a case patches the base with
these operations, applied in this order, then expects one status:

    settings: {...}; params: {ID: {...}}              # a county profile for this case
    set:    {dotted.path: value}                      # replace a value (null removes the section)
    drop:   [{section: meetings, where: {...}}]       # remove matching records
    edit:   [{section: decisions, where: {...}, set: {field: value}}]
    append: {section: [records...]}                   # add records

``where`` matches fields by equality; ``month: YYYY-MM`` matches a record's date month.

A case may also assert what the report says, not only the status:

    findings: [{contains: "…"}]        # each must match a finding's rendered message (zh by default)
    findings: [{contains: "…", severity: warning, lang: en}]
    no_findings: true                  # the indicator reports nothing at all
    guide: [38, 39]                    # the guide rules (guide-and-rules.md b.2) the case exercises

New cases need no Python.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from dangjian_audit.engine import evaluate
from dangjian_audit.i18n import Messages
from dangjian_audit.loading import load_ruleset, semantic_checks
from dangjian_audit.models.catalog import Profile
from dangjian_audit.models.evidence import Evidence
from dangjian_audit.models.result import IndicatorResult
from dangjian_audit.report import build_report
from dangjian_audit.scoring import score
from dangjian_audit.yamlio import parse

CASES = Path(__file__).parent / "cases"
AS_OF = dt.date(2025, 12, 31)
STATUSES = {"met", "partial", "not_met", "insufficient_evidence", "not_applicable", "awaiting_inspector"}


def _base() -> dict[str, Any]:
    text = (CASES / "base.yaml").read_text(encoding="utf-8")
    data = parse(text, "base.yaml")
    assert isinstance(data, dict)
    return data


BASE = _base()


def _matches(record: dict[str, Any], where: dict[str, Any]) -> bool:
    for key, want in where.items():
        if key == "month":
            day = record.get("date")
            if not isinstance(day, dt.date) or day.strftime("%Y-%m") != want:
                return False
        elif record.get(key) != want:
            return False
    return True


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node: Any = data
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def apply_case(case: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for path, value in (case.get("set") or {}).items():
        _set_path(data, path, value)
    for op in case.get("drop") or []:
        section = op["section"]
        before = len(data[section])
        data[section] = [r for r in data[section] if not _matches(r, op.get("where", {}))]
        assert len(data[section]) < before, f"drop matched nothing: {op}"
    for op in case.get("edit") or []:
        hits = [r for r in data[op["section"]] if _matches(r, op.get("where", {}))]
        assert hits, f"edit matched nothing: {op}"
        for record in hits:
            for key, value in op["set"].items():
                if value is None:
                    record.pop(key, None)
                else:
                    record[key] = value
    for section, records in (case.get("append") or {}).items():
        data.setdefault(section, [])
        data[section] = list(data[section] or []) + list(records)
    return data


def _load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("[A-Z][A-Z]-[0-9][0-9].yaml")):
        spec = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        for case in spec["cases"]:
            params.append(pytest.param(path.stem, case, id=f"{path.stem}:{case['name']}"))
    return params


ALL_CASES = _load_cases()


_RULESETS: dict[str, Any] = {}


def _ruleset_for(case: dict[str, Any], default: Any) -> Any:
    if not case.get("settings") and not case.get("params"):
        return default
    key = repr((case.get("settings"), case.get("params")))
    if key not in _RULESETS:
        profile = Profile(name=case["name"], settings=case.get("settings") or {}, params=case.get("params") or {})
        _RULESETS[key] = load_ruleset(None, profile)
    return _RULESETS[key]


def _status(ruleset: Any, indicator: str, data: dict[str, Any]) -> tuple[str, bool]:
    result = _result(ruleset, indicator, data, "zh")
    return result.status, result.veto_triggered


def _result(ruleset: Any, indicator: str, data: dict[str, Any], lang: str) -> IndicatorResult:
    """The indicator as the report shows it: status, veto and findings rendered in ``lang``."""
    evidence = Evidence.model_validate(data)
    # The loader's cross-field checks (dates in the period, unique ids, meeting links) must pass too.
    assert semantic_checks(evidence, "", "case") == []
    evaluations = evaluate(ruleset, evidence, AS_OF)
    report = build_report(ruleset, evidence, evaluations, score(ruleset, evaluations), "case", AS_OF,
                          Messages(lang))
    only = [r for r in report.indicators if r.id == indicator]
    assert only, f"no indicator {indicator}"
    return only[0]


def _check_findings(ruleset: Any, indicator: str, data: dict[str, Any], case: dict[str, Any]) -> None:
    results: dict[str, IndicatorResult] = {}
    for want in case.get("findings") or []:
        lang = want.get("lang", "zh")
        if lang not in results:
            results[lang] = _result(ruleset, indicator, data, lang)
        found = [f for f in results[lang].findings if want["contains"] in f.message
                 and f.severity == want.get("severity", f.severity)]
        messages = "\n".join(f"[{f.severity}] {f.message}" for f in results[lang].findings)
        assert found, f"{case['name']}: no finding contains {want['contains']!r}; the findings are:\n{messages}"
    if case.get("no_findings"):
        findings = _result(ruleset, indicator, data, "zh").findings
        assert findings == [], [f.message for f in findings]


def test_base_meets_every_indicator(ruleset: Any) -> None:
    evidence = Evidence.model_validate(copy.deepcopy(BASE))
    unmet = [(ev.compiled.indicator.id, ev.status) for ev in evaluate(ruleset, evidence, AS_OF) if ev.status != "met"]
    assert unmet == []


def test_every_indicator_has_meeting_and_failing_cases(ruleset: Any) -> None:
    by_id: dict[str, set[str]] = {}
    for param in ALL_CASES:
        indicator, case = param.values
        by_id.setdefault(indicator, set()).add(case["expect"])
    ids = [ci.indicator.id for ci in ruleset.indicators]
    missing_met = [i for i in ids if "met" not in by_id.get(i, set())]
    missing_fail = [i for i in ids if not by_id.get(i, set()) & {"not_met", "partial", "insufficient_evidence"}]
    assert missing_met == [] and missing_fail == []


@pytest.mark.parametrize(("indicator", "case"), ALL_CASES)
def test_indicator_case(ruleset: Any, indicator: str, case: dict[str, Any]) -> None:
    assert case["expect"] in STATUSES
    chosen = _ruleset_for(case, ruleset)
    data = apply_case(case)
    status, veto = _status(chosen, indicator, data)
    assert status == case["expect"], case.get("name")
    assert veto == bool(case.get("veto", False))
    _check_findings(chosen, indicator, data, case)
