"""SARIF 2.1.0 log for code-scanning services (GitHub code scanning, GitLab, IDE viewers).

One run for all files: one rule per catalog indicator, one result per indicator
that is not met, partially met, lacks evidence or awaits the inspector. Rule and
message wording come from the catalog and the locale tables.

Level mapping (how bad, from the points lost; documented in ``docs/ci.md``):

- a triggered veto item (一票否决)                     -> ``error``
- not met or partially met, lost >= half its points    -> ``error``
- not met or partially met, lost < half its points     -> ``warning``
- insufficient evidence                                 -> ``warning``
  (the file lacks the records, so the points are lost, but non-compliance is
  not shown: "how sure" is a different question from "how bad")
- awaiting the inspector's on-site verdict              -> ``note``

Each result points at the evidence file as given on the command line and at the
line of its first finding that has one; without such a line the result points at
line 1, because code-scanning services need a region to show an alert.

An evidence file that could not be read or validated is reported too: one
``error`` result per diagnostic, under the rule ``invalid-evidence`` (added to
the driver's rules after the indicators when there is such a file), at the
diagnostic's line and column, so code scanning shows the broken line instead of
an empty log.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from dangjian_audit._version import __version__
from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.formatting import compact, json_number
from dangjian_audit.i18n import Messages
from dangjian_audit.models.result import STATUS_KINDS, CheckRun, IndicatorResult, InvalidFile, SchoolReport
from dangjian_audit.models.ruleset import Ruleset
from dangjian_audit.reporters.base import Format, RenderOptions
from dangjian_audit.sanitize import clean_text

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "dangjian-audit"
REPORTED = tuple(s for s, k in STATUS_KINDS.items() if k.reported)
FINGERPRINT_KEY = "dangjianAudit/v1"
INVALID_RULE = "invalid-evidence"


def level_for(result: IndicatorResult) -> str:
    """The SARIF level of a reported indicator (see the module docstring)."""
    if result.veto_triggered:
        return "error"
    if result.status == "awaiting_inspector":
        return "note"
    if result.status == "insufficient_evidence":
        return "warning"
    return "error" if result.max and result.lost * 2 >= result.max else "warning"


def _rule_name(english_title: str) -> str:
    # SARIF wants an identifier-like name ("NoUnusedVariables"): the English title in PascalCase.
    words = re.findall(r"[A-Za-z0-9]+", english_title)
    return "".join(w[:1].upper() + w[1:] for w in words) or "Indicator"


def artifact_uri(path: str) -> str:
    """A URI reference for an evidence path as given: relative paths stay relative."""
    if PureWindowsPath(path).is_absolute() and not PurePosixPath(path).is_absolute():
        return PureWindowsPath(path).as_uri()
    if PurePosixPath(path).is_absolute():
        return PurePosixPath(path).as_uri()
    return quote(path.replace("\\", "/"), safe="/-._~")


def _rules(ruleset: Ruleset, msgs: Messages) -> list[dict[str, Any]]:
    lang = msgs.lang
    rules = []
    for ci in ruleset.indicators:
        ind = ci.indicator
        rules.append({
            "id": ind.id,
            "name": _rule_name(ind.title.en),
            "shortDescription": {"text": ind.title.get(lang)},
            "fullDescription": {"text": ind.asks.get(lang)},
            "help": {"text": ind.remediation.get(lang)},
            "defaultConfiguration": {"level": "error" if ind.veto else "warning"},
            "properties": {
                "dimension": ind.dimension,
                "points": float(ind.points),
                "veto": ind.veto,
                "evidence": list(ind.evidence),
                "tags": [ind.dimension] + (["veto"] if ind.veto else []),
            },
        })
    return rules


_num = compact


def _result(report: SchoolReport, ind: IndicatorResult, rule_index: int, msgs: Messages) -> dict[str, Any]:
    separator = msgs.ui("list_separator")
    findings = separator.join(f.message for f in ind.findings)
    text = msgs.ui("sarif_message", id=ind.id, title=ind.title, status=ind.status_label,
                   lost=_num(ind.lost), max=_num(ind.max), findings=findings or ind.status_label)
    line = next((f.location.line for f in ind.findings if f.location and f.location.line), None)
    digest = hashlib.sha256(f"{report.school.code}\0{ind.id}".encode()).hexdigest()[:32]
    return {
        "ruleId": ind.id,
        "ruleIndex": rule_index,
        "level": level_for(ind),
        "message": {"text": text},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": artifact_uri(report.source)},
                "region": {"startLine": line or 1},
            },
        }],
        "partialFingerprints": {FINGERPRINT_KEY: digest},
        "properties": {
            "school": report.school.code,
            "status": ind.status,
            "lost": ind.lost,
            "max": ind.max,
            "vetoTriggered": ind.veto_triggered,
        },
    }


def _invalid_rule(msgs: Messages) -> dict[str, Any]:
    return {
        "id": INVALID_RULE,
        "name": "InvalidEvidenceFile",
        "shortDescription": {"text": msgs.ui("sarif_invalid_rule")},
        "fullDescription": {"text": msgs.ui("sarif_invalid_rule_help")},
        "help": {"text": msgs.ui("sarif_invalid_rule_help")},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["invalid"]},
    }


def _invalid_result(d: Diagnostic, rule_index: int, msgs: Messages) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": d.line or 1}
    if d.line is not None and d.column is not None:
        region["startColumn"] = d.column
    path = clean_text(d.path, single_line=True)
    digest = hashlib.sha256(f"{path}\0{d.code}\0{d.line}\0{d.column}".encode()).hexdigest()[:32]
    return {
        "ruleId": INVALID_RULE,
        "ruleIndex": rule_index,
        "level": "error",
        "message": {"text": f"[{d.code}] {d.message(msgs)}"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(path)}, "region": region}}],
        "partialFingerprints": {FINGERPRINT_KEY: digest},
        "properties": {"code": d.code},
    }


def sarif_log(reports: list[SchoolReport], ruleset: Ruleset, msgs: Messages,
              invalid: Sequence[InvalidFile] = ()) -> dict[str, Any]:
    """The SARIF log as plain data."""
    rules = _rules(ruleset, msgs)
    if invalid:
        rules.append(_invalid_rule(msgs))
    index = {rule["id"]: n for n, rule in enumerate(rules)}
    results = [_result(report, ind, index[ind.id], msgs)
               for report in reports for ind in report.indicators if ind.status in REPORTED]
    results += [_invalid_result(d, index[INVALID_RULE], msgs) for item in invalid for d in item.diagnostics]
    header = ruleset.catalog.header
    driver = {
        "name": TOOL_NAME,
        "version": __version__,
        "semanticVersion": __version__,
        "rules": rules,
        "properties": {"catalog": header.id, "catalogVersion": header.version},
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": driver},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {
                "schools": [{"source": r.source, "code": r.school.code, "total": r.total,
                             "totalUncapped": r.total_uncapped,
                             "vetoCap": r.veto_cap.cap if r.veto_cap else None,
                             "grade": r.grade.id, "level": r.level.id if r.level else None, "veto": r.veto}
                            for r in reports],
            },
        }],
    }


def render_sarif(reports: list[SchoolReport], ruleset: Ruleset, msgs: Messages,
                 invalid: Sequence[InvalidFile] = ()) -> str:
    return json.dumps(sarif_log(reports, ruleset, msgs, invalid), ensure_ascii=False, indent=2,
                      default=json_number) + "\n"


def _school(run: CheckRun, opts: RenderOptions) -> str:
    return render_sarif(run.reports, opts.ruleset, opts.msgs, run.invalid)


FORMAT = Format(name="sarif", suffix=".sarif", manifest=True, school=_school)
