"""The commented evidence skeleton written by ``dangjian-audit init``.

The skeleton is derived, not hand-written: its sections and fields come from the
evidence JSON Schema (so it never drifts from the models), its comments from the
field tables (``locale/fields.yaml``) and the catalog (which indicators
use each section). Required values get placeholders that load cleanly; every
other field is a commented example that is valid once uncommented (ids and
references share one placeholder, so they resolve), and an untouched skeleton
scores mostly as *insufficient evidence* rather than failing validation. The
Jinja template ``init.yaml.j2`` only lays the rows out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dangjian_audit.i18n import Messages
from dangjian_audit.models.ruleset import Ruleset
from dangjian_audit.reporters._jinja import environment
from dangjian_audit.schema import evidence_schema


@dataclass(frozen=True)
class Row:
    """One YAML line: ``indent`` spaces, an optional ``# ``, an optional ``- `` and ``key: value  # comment``."""

    indent: int
    key: str
    value: str = ""
    comment: str = ""
    commented: bool = False
    dash: bool = False


@dataclass
class Section:
    key: str
    title: str
    description: str
    indicators: list[str]
    rows: list[Row] = field(default_factory=list)


def school_year(year: int) -> tuple[dt.date, dt.date]:
    """A school year starting in September of ``year``."""
    return dt.date(year, 9, 1), dt.date(year + 1, 8, 31)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Builder:
    def __init__(self, schema: dict[str, Any], msgs: Messages, start: dt.date, samples: dict[str, str]) -> None:
        self.defs = schema["$defs"]
        self.msgs = msgs
        self.sample_date = start.isoformat()
        self.placeholder = _quote(msgs.ui("init_placeholder"))
        # example values by field name, where the schema's bounds alone would give a poor or invalid one
        self.samples = samples

    def resolve(self, prop: dict[str, Any]) -> dict[str, Any]:
        if "anyOf" in prop:
            prop = next(p for p in prop["anyOf"] if p.get("type") != "null")
        if "$ref" in prop:
            return dict(self.defs[prop["$ref"].rsplit("/", 1)[-1]])
        return prop

    def comment(self, prop: dict[str, Any], required: bool) -> str:
        title = prop["title"] + (self.msgs.ui("init_required_mark") if required else "")
        text = self.msgs.ui("labelled", label=title, text=prop["description"])
        shape = self.resolve(prop)
        values = shape.get("enum") or shape.get("items", {}).get("enum") or []
        if values and not all(str(v) in prop["description"] for v in values):
            text += " " + self.msgs.ui("init_allowed", values=" | ".join(map(str, values)))
        return text

    def _sample(self, shape: dict[str, Any]) -> str:
        if "const" in shape:
            return str(shape["const"])
        if "enum" in shape:
            return str(shape["enum"][0])
        kind = shape.get("type")
        if kind == "string":
            if shape.get("format") == "date":
                return self.sample_date
            return self.placeholder if shape.get("minLength", 0) > 0 else '""'
        if kind in ("integer", "number"):
            # the smallest allowed value, so an uncommented example always validates
            if "minimum" in shape:
                return str(shape["minimum"])
            if "exclusiveMinimum" in shape:
                return str(shape["exclusiveMinimum"] + 1)
            return "0"
        if kind == "boolean":
            return "false"
        if kind == "array":
            items = shape.get("items", {})
            return f"[{items['enum'][0]}]" if "enum" in items else "[]"
        return ""

    def fields(self, model: dict[str, Any], indent: int, commented: bool, filled: dict[str, str] | None = None,
               first_dash: bool = False) -> list[Row]:
        """Rows for a model's fields; with ``filled``, required fields are written out (with those values)."""
        rows: list[Row] = []
        required = set(model.get("required", ()))
        for n, (name, prop) in enumerate(model["properties"].items()):
            dash = first_dash and n == 0
            shape = self.resolve(prop)
            is_required = name in required
            off = commented or filled is None or not is_required
            comment = self.comment(prop, is_required)
            if "properties" in shape:
                rows.append(Row(indent, name, "", comment, off, dash))
                rows.extend(self.fields(shape, indent + 2, off))
            elif shape.get("type") == "array" and "$ref" in shape.get("items", {}) and first_dash:
                # a list of records inside a list item (a meeting's attachments): its files must exist
                # beside the evidence, so the example is the empty list and the comment says what to list
                rows.append(Row(indent, name, "[]", comment, off, dash))
            elif shape.get("type") == "array" and "$ref" in shape.get("items", {}):
                item = self.resolve(shape["items"])
                rows.append(Row(indent, name, "", comment, off, dash))
                rows.extend(self.fields(item, indent + 2, True, first_dash=True))
            else:
                default = prop.get("default")
                sample = str(default).lower() if isinstance(default, bool) else (
                    str(default) if isinstance(default, (str, int, float)) else
                    self.samples.get(name) or self._sample(shape))
                value = (filled or {}).get(name, sample)
                rows.append(Row(indent, name, value, comment, off, dash))
        if first_dash:
            rows = [rows[0]] + [Row(r.indent + 2, r.key, r.value, r.comment, r.commented, r.dash) for r in rows[1:]]
        return rows


def skeleton_view(ruleset: Ruleset, msgs: Messages, year: int, school_name: str | None) -> dict[str, Any]:
    """Everything ``init.yaml.j2`` needs: header values and one section per top-level key."""
    schema = evidence_schema(msgs.lang)
    start, end = school_year(year)
    manual = [ci.indicator.id for ci in ruleset.indicators
              if any(spec.kind == "manual" for spec in ci.checks)]
    # an indicator that awaits the inspector
    samples = {"indicator": manual[0]} if manual else {}
    builder = _Builder(schema, msgs, start, samples)
    placeholder = msgs.ui("init_placeholder")
    # values for the required fields of the required sections; everything else is a commented example
    filled = {
        "period": {"kind": "school_year", "start": start.isoformat(), "end": end.isoformat()},
        "school": {"code": _quote(placeholder), "name": _quote(school_name or placeholder), "type": "primary"},
        "organization": {"type": "branch", "formal_members": "0"},
    }
    users: dict[str, list[str]] = {}
    for ci in ruleset.indicators:
        label = f"{ci.indicator.id} {ci.indicator.title.get(msgs.lang)}"
        sections_used = {path.split(".")[0] for path in ci.indicator.evidence}
        if any(spec.kind == "manual" for spec in ci.checks):
            sections_used.add("inspector")
        for key in sorted(sections_used):
            users.setdefault(key, []).append(label)
    sections = []
    required = set(schema.get("required", ()))
    for key, prop in schema["properties"].items():
        shape = builder.resolve(prop)
        section = Section(key, prop["title"], prop["description"], users.get(key, []))
        if "const" in shape:
            section.rows = [Row(0, key, str(shape["const"]))]
        elif "properties" in shape:
            values = filled.get(key, {}) if key in required else None
            section.rows = [Row(0, key)] + builder.fields(shape, 2, False, values)
        else:
            item = builder.resolve(shape["items"])
            section.rows = [Row(0, key)] + builder.fields(item, 2, True, first_dash=True)
        sections.append(section)
    return {"sections": sections, "start": start.isoformat(), "end": end.isoformat(),
            "school": school_name or placeholder}


def render_skeleton(ruleset: Ruleset, msgs: Messages, year: int, school_name: str | None = None) -> str:
    template = environment().get_template("init.yaml.j2")
    return template.render(ui=msgs.ui, **skeleton_view(ruleset, msgs, year, school_name))
