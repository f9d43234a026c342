"""The rule-coverage table: guide rule -> indicator -> check -> parameter, generated from the catalog.

Rows come from the ``guide: [n]`` lists on the catalog's checks and on their requirements
(predicates); titles, codes and what is left out come from the guide-rule register. The
parameters are the ``$names`` a check uses, each with the value in force (a catalog setting or
an indicator parameter, after any profile), so a county sees which line it can set.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dangjian_audit.i18n import Messages
from dangjian_audit.models.guide import GuideRegister
from dangjian_audit.models.ruleset import Ruleset


@dataclass(frozen=True)
class CoverageRow:
    rule: int
    indicator: str
    check: str
    params: tuple[str, ...]


def _names(value: Any) -> Iterator[str]:
    if isinstance(value, str) and value.startswith("$"):
        yield value[1:]
    elif isinstance(value, dict):
        for v in value.values():
            yield from _names(v)
    elif isinstance(value, list):
        for v in value:
            yield from _names(v)


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def coverage_rows(ruleset: Ruleset, lang: str) -> list[CoverageRow]:
    """One row per (rule, check or requirement) that names the rule, in catalog order."""
    rows: list[CoverageRow] = []
    settings = ruleset.catalog.header.settings  # the catalog defaults (what a profile starts from)
    for ci in ruleset.indicators:
        ind = ci.indicator
        values = dict(settings) | dict(ind.params)
        raw = ind.check.get("all") if "all" in ind.check else [ind.check]
        raw_checks: list[Any] = raw if isinstance(raw, list) else []

        def params(part: Any, values: dict[str, Any] = values) -> tuple[str, ...]:
            names = dict.fromkeys(_names(part))
            return tuple(f"{n} = {_shown(values.get(n))}" for n in names)

        for j, spec in enumerate(raw_checks):
            if not isinstance(spec, dict):
                continue
            kind = str(spec.get("kind"))
            label = f"{kind} #{j + 1}" if len(raw_checks) > 1 else kind
            own = {k: v for k, v in spec.items() if k != "rules"}
            for n in spec.get("guide") or []:
                rows.append(CoverageRow(int(n), ind.id, label, params(own)))
            predicates = spec.get("rules")
            for pred in predicates if isinstance(predicates, list) else []:
                if not isinstance(pred, dict):
                    continue
                message = pred.get("message") or {}
                text = str(message.get(lang) or message.get("zh") or "")
                check = f"{label} · {pred.get('field')}" + (f" ({text})" if text else "")
                # the requirement's own lines, then the check's (a where filter such as a sum threshold)
                both = tuple(dict.fromkeys(params(pred) + params(own)))
                for n in pred.get("guide") or []:
                    rows.append(CoverageRow(int(n), ind.id, check, both))
    return sorted(rows, key=lambda r: r.rule)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def coverage_markdown(ruleset: Ruleset, register: GuideRegister, msgs: Messages) -> str:
    lang = msgs.lang
    rows = coverage_rows(ruleset, lang)
    by_rule: dict[int, list[CoverageRow]] = {}
    for row in rows:
        by_rule.setdefault(row.rule, []).append(row)
    ui = msgs.ui
    out = [f"# {ui('coverage_title')}", "", ui("coverage_intro"), ""]
    out += [f"## {ui('coverage_encoded')}", "",
            f"| {ui('coverage_rule')} | {ui('coverage_code')} | {ui('coverage_requirement')} | {ui('indicator')} "
            f"| {ui('coverage_check')} | {ui('params')} |",
            "|---:|---|---|---|---|---|"]
    for rule in register.rules:
        for row in by_rule.get(rule.n, []):
            out.append(f"| {rule.n} | {rule.code} | {_cell(rule.title.get(lang))} | {row.indicator} "
                       f"| {_cell(row.check)} | {_cell('; '.join(row.params)) or '-'} |")
    left = [r for r in register.rules if r.left_out is not None]
    out += ["", f"## {ui('coverage_left_out')}", "",
            f"| {ui('coverage_rule')} | {ui('coverage_code')} | {ui('coverage_requirement')} "
            f"| {ui('coverage_why')} |", "|---:|---|---|---|"]
    for rule in left:
        assert rule.left_out is not None
        out.append(f"| {rule.n} | {rule.code} | {_cell(rule.title.get(lang))} | {_cell(rule.left_out.get(lang))} |")
    parts = [r for r in register.rules if r.partly is not None]
    out += ["", f"## {ui('coverage_partly')}", "",
            f"| {ui('coverage_rule')} | {ui('coverage_requirement')} | {ui('coverage_not_encoded')} |",
            "|---:|---|---|"]
    for rule in parts:
        assert rule.partly is not None
        out.append(f"| {rule.n} | {_cell(rule.title.get(lang))} | {_cell(rule.partly.get(lang))} |")
    missing = [r.n for r in register.rules if r.n not in by_rule and r.left_out is None]
    if missing:
        out += ["", ui("coverage_unaccounted", rules=", ".join(map(str, missing)))]
    return "\n".join(out) + "\n"
