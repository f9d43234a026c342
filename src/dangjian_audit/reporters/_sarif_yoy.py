"""SARIF additions for year on year (issue 11): ``baselineState``, resolved gaps and waived results.

With a baseline, every result carries ``baselineState`` (SARIF 2.1.0 §3.27.24):

- ``new``: a gap now that was none in the baseline;
- ``unchanged``: the same gap, same status and points (persisting), or a gap now waived;
- ``updated``: still a gap, improved or worsened;
- ``absent``: a gap of the baseline that is resolved now, reported as a result of kind
  ``pass`` and level ``none`` so code-scanning services close the alert.

A waived indicator is reported as a result with an accepted external suppression whose
justification is the waiver's reason (SARIF §3.35), so the alert stays visible as
suppressed instead of disappearing. Waivers that were not applied (expired, not yet
valid) become warning notifications of the run's invocation.
"""

from __future__ import annotations

import hashlib
from typing import Any

from dangjian_audit.i18n import Messages
from dangjian_audit.models.result import SchoolReport

BASELINE_STATE = {"new": "new", "persisting": "unchanged", "waived": "unchanged", "improved": "updated",
                  "worsened": "updated", "resolved": "absent"}


def _fingerprint(code: str, indicator: str) -> str:
    return hashlib.sha256(f"{code}\0{indicator}".encode()).hexdigest()[:32]


def _location(report: SchoolReport) -> list[dict[str, Any]]:
    from dangjian_audit.reporters.sarif import artifact_uri

    return [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(report.source)},
                                  "region": {"startLine": 1}}}]


def year_on_year(groups: list[tuple[SchoolReport, list[dict[str, Any]]]], rule_index: dict[str, int],
                 msgs: Messages) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Results with baseline states, resolved and waived results added; and the run's warning notifications."""
    from dangjian_audit.reporters.sarif import FINGERPRINT_KEY

    yoy = msgs.table.get("yoy", {})
    out: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for report, mine in groups:
        changes = {d.id: d for d in report.baseline.indicators} if report.baseline else {}
        for result in mine:
            delta = changes.get(result["ruleId"])
            if report.baseline is not None:
                result["baselineState"] = BASELINE_STATE[delta.change] if delta and delta.change else "new"
            out.append(result)
        waivers = {w.indicator: w for w in report.waivers.applied} if report.waivers else {}
        for ind in report.indicators:
            if ind.status != "waived" or ind.id not in rule_index:
                continue
            w = waivers.get(ind.id)
            result = {
                "ruleId": ind.id, "ruleIndex": rule_index[ind.id], "level": "note",
                "message": {"text": msgs.ui("sarif_message", id=ind.id, title=ind.title, status=ind.status_label,
                                            lost="0", max=f"{ind.max:g}",
                                            findings=msgs.ui("list_separator").join(ind.details))},
                "locations": _location(report),
                "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(report.school.code, ind.id)},
                "suppressions": [{"kind": "external", "status": "accepted",
                                  "justification": w.reason if w else ind.status_label}],
                "properties": {"school": report.school.code, "status": ind.status, "lost": 0.0, "max": ind.max,
                               "vetoTriggered": False},
            }
            if report.baseline is not None:
                delta = changes.get(ind.id)
                result["baselineState"] = BASELINE_STATE[delta.change] if delta and delta.change else "new"
            out.append(result)
        if report.baseline is not None:
            for delta in report.baseline.indicators:
                if delta.change != "resolved" or delta.id not in rule_index:
                    continue
                out.append({
                    "ruleId": delta.id, "ruleIndex": rule_index[delta.id], "kind": "pass", "level": "none",
                    "message": {"text": f"{delta.id} {delta.title}: {yoy['change_resolved']}"},
                    "locations": _location(report),
                    "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(report.school.code, delta.id)},
                    "baselineState": "absent",
                    "properties": {"school": report.school.code, "status": delta.status,
                                   "previousStatus": delta.previous_status},
                })
        if report.waivers is not None:
            notifications += [{"level": "warning", "message": {"text": line}} for line in report.waivers.warnings]
    return out, notifications
