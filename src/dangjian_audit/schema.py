"""JSON Schemas of the evidence file and of the JSON report, generated from the pydantic models.

The evidence schema takes its titles and descriptions from the field tables
``locale/fields.yaml`` (keyed by model and field, in both languages), so editors show
Chinese help by default. Dates are strings with ``format: date``: JSON has no
date type, and YAML-aware validators such as check-jsonschema read YAML
timestamps as strings. Copies live in ``schemas/``; regenerate them with
``dangjian-audit schema evidence --output schemas/evidence.schema.json`` and
``dangjian-audit schema report --output schemas/report.schema.json``.
"""

from __future__ import annotations

import json
from typing import Any

from dangjian_audit.i18n import Messages, table
from dangjian_audit.models.evidence import Evidence
from dangjian_audit.models.result import SchoolReport

DIALECT = "https://json-schema.org/draft/2020-12/schema"
EVIDENCE_VERSION = 1  # the evidence file's schema_version
REPORT_VERSION = 1  # the JSON report's format_version
EVIDENCE_ID = f"urn:dangjian-audit:schema:evidence:{EVIDENCE_VERSION}"
REPORT_ID = f"urn:dangjian-audit:schema:report:{REPORT_VERSION}"


def field_texts(lang: str) -> dict[str, Any]:
    """The field table of one language: ``{Model: {title, description, fields: {name: {title, description}}}}``."""
    return table("fields", lang)


def _describe(model_schema: dict[str, Any], name: str, texts: dict[str, Any]) -> None:
    entry = texts[name]
    model_schema["title"] = entry["title"]
    model_schema["description"] = entry["description"]
    for field, prop in model_schema.get("properties", {}).items():
        help_ = entry["fields"][field]
        prop["title"] = help_["title"]
        prop["description"] = help_["description"]


def _headed(head: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    # keys in a stable, readable order: identity first, then the body pydantic generated
    return head | {k: v for k, v in schema.items() if k not in head}


def evidence_schema(lang: str = "zh") -> dict[str, Any]:
    """The JSON Schema of an evidence file, titled and described in ``lang``."""
    texts = field_texts(lang)
    schema = Evidence.model_json_schema()
    _describe(schema, "Evidence", texts)
    for name, sub in schema.get("$defs", {}).items():
        _describe(sub, name, texts)
    head = {"$schema": DIALECT, "$id": EVIDENCE_ID, "title": schema["title"],
            "description": schema["description"]}
    return _headed(head, schema)


def report_schema(lang: str = "zh") -> dict[str, Any]:
    """The JSON Schema of one school's JSON report (``--format json``)."""
    msgs = Messages(lang)
    schema = SchoolReport.model_json_schema()
    head = {"$schema": DIALECT, "$id": REPORT_ID,
            "title": msgs.ui("schema_report_title", version=REPORT_VERSION),
            "description": msgs.ui("schema_report_description")}
    return _headed(head, schema)


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
