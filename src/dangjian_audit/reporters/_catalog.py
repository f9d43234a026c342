"""``catalog list`` and ``catalog show``: the catalog as text or JSON."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table

from dangjian_audit.formatting import compact
from dangjian_audit.i18n import Messages
from dangjian_audit.models.ruleset import CompiledIndicator, Ruleset
from dangjian_audit.reporters.json_format import dumps


def _indicator_data(ci: CompiledIndicator, lang: str, full: bool, ruleset: Ruleset | None = None) -> dict[str, Any]:
    ind = ci.indicator
    data: dict[str, Any] = {
        "id": ind.id,
        "dimension": ind.dimension,
        "title": ind.title.get(lang),
        "points": float(ind.points),
        "veto": ind.veto,
    }
    if full:
        data |= {
            "aliases": ind.aliases,
            "asks": ind.asks.get(lang),
            "evidence": ind.evidence,
            "checks": [spec.model_dump(mode="json", exclude={"weight"} if spec.weight == 1 else set(),
                                       by_alias=True, exclude_none=True) for spec in ci.checks],
            "params": dict(ci.params),
            "remediation": ind.remediation.get(lang),
            "basis": [{"document": b.document.get(lang), "clause": b.clause.get(lang) if b.clause else None,
                       "source": b.source} for b in ind.basis],
            "source": f"{ind.source_file}:{ind.line}",
        }
    if full and ruleset is not None:
        planning = ruleset.catalog.header.planning
        data |= {"owner": {"id": planning.owner(ind).id, "name": planning.owner(ind).name.get(lang)},
                 "effort": {"id": planning.effort(ind).id, "name": planning.effort(ind).name.get(lang)},
                 "lead_days": planning.lead_days(ind)}
    return data


def catalog_data(ruleset: Ruleset, only: str | None, lang: str) -> dict[str, Any]:
    header = ruleset.catalog.header
    if only is not None:
        ci = next(c for c in ruleset.indicators if c.indicator.id == only)
        return {"profile": ruleset.profile_name} | _indicator_data(ci, lang, True, ruleset)
    return {
        "id": header.id,
        "version": header.version,
        "effective": header.effective.isoformat(),
        "title": header.title.get(lang),
        "note": header.note.get(lang),
        "profile": ruleset.profile_name,
        "dimensions": [{"id": d.id, "name": d.name.get(lang), "points": float(d.points),
                        "indicators": sum(1 for c in ruleset.indicators if c.indicator.dimension == d.id)}
                       for d in header.dimensions],
        "grades": [{"id": g.id, "name": g.name.get(lang), "min": float(g.min)} for g in ruleset.scoring.grades],
        "levels": [{"id": lv.id, "name": lv.name.get(lang), "min": float(lv.min), "require_met": lv.require_met}
                   for lv in ruleset.scoring.levels],
        "veto_cap": float(ruleset.scoring.veto_cap),
        "settings": ruleset.settings,
        "indicators": [_indicator_data(c, lang, True, ruleset) for c in ruleset.indicators],
    }


def catalog_json(ruleset: Ruleset, only: str | None, msgs: Messages) -> str:
    return dumps(catalog_data(ruleset, only, msgs.lang))


def _console(buffer: io.StringIO) -> Console:
    return Console(file=buffer, width=110, color_system=None, highlight=False, emoji=False, markup=False)


def catalog_text(ruleset: Ruleset, only: str | None, msgs: Messages) -> str:
    ui, lang = msgs.ui, msgs.lang
    buffer = io.StringIO()
    console = _console(buffer)
    header = ruleset.catalog.header
    if only is None:
        console.print(f"{header.title.get(lang)} · {header.id} {header.version} ({header.effective})")
        console.print(header.note.get(lang))
        table = Table(show_edge=False, pad_edge=False)
        for col in (ui("id"), ui("title"), ui("points"), ui("veto_item")):
            table.add_column(col)
        for dim in header.dimensions:
            table.add_section()
            table.add_row(dim.id, dim.name.get(lang), compact(dim.points), "")
            for ci in ruleset.indicators:
                ind = ci.indicator
                if ind.dimension == dim.id:
                    veto = ui("yes") if ind.veto else ""
                    table.add_row(f"  {ind.id}", ind.title.get(lang), compact(ind.points), veto)
        console.print(table)
        console.print(f"{ui('dimension_total')}: {len(ruleset.indicators)} · 100")
        return buffer.getvalue()
    data = catalog_data(ruleset, only, lang)
    console.print(f"{data['id']} {data['title']}  ({data['dimension']}, {ui('points')} {compact(data['points'])}"
                  + (f", {ui('veto_item')}" if data["veto"] else "") + ")")
    if data["profile"]:
        console.print(f"{ui('profile')}: {data['profile']}")
    console.print(f"{ui('asks')}: {data['asks']}")
    console.print(f"{ui('evidence')}: {', '.join(data['evidence'])}")
    for b in data["basis"]:
        clause = ui("open_paren") + b["clause"] + ui("close_paren") if b["clause"] else ""
        console.print(f"{ui('basis')}: {b['document']}{clause} [{ui('source_' + b['source'])}]")
    if data["params"]:
        console.print(f"{ui('params')}: " + ", ".join(f"{k}={v}" for k, v in data["params"].items()))
    for spec in data["checks"]:
        console.print(f"{ui('kind')}: {spec['kind']}")
    console.print(f"{ui('remediation')}: {data['remediation']}")
    planning = {"owner": data["owner"]["name"], "effort": data["effort"]["name"], "days": data["lead_days"]}
    console.print(msgs.fmt("plan", "catalog_planning", planning))
    console.print(f"{data['source']}", style="dim")
    return buffer.getvalue()
