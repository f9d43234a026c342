"""`dangjian-audit schema`: the evidence and report JSON Schemas, their repository copies and check-jsonschema."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ci_fixtures import AS_OF, school_evidence, write_evidence
from click.testing import CliRunner as ClickRunner
from conftest import EXAMPLES, ROOT
from typer.testing import CliRunner

from dangjian_audit.cli import app
from dangjian_audit.errors import InputError
from dangjian_audit.i18n import Messages
from dangjian_audit.loading import load_evidence
from dangjian_audit.models.evidence import Evidence, Record
from dangjian_audit.report import audit_file
from dangjian_audit.schema import dumps, evidence_schema, field_texts, report_schema

SCHEMAS = ROOT / "schemas"
COPIES = {
    "evidence.schema.json": lambda: dumps(evidence_schema("zh")),
    "report.schema.json": lambda: dumps(report_schema("zh")),
}


@pytest.mark.parametrize("name", sorted(COPIES))
def test_repository_copy_is_current(name: str, update_golden: bool) -> None:
    path = SCHEMAS / name
    fresh = COPIES[name]()
    if update_golden:
        path.write_text(fresh, encoding="utf-8")
    kind = name.split(".")[0]
    assert path.is_file(), f"schemas/{name} is missing: run `dangjian-audit schema {kind} --output schemas/{name}`"
    stored = path.read_text(encoding="utf-8")
    if stored != fresh:
        diff = "".join(difflib.unified_diff(stored.splitlines(True), fresh.splitlines(True),
                                            f"schemas/{name}", "generated", n=1))
        pytest.fail(f"schemas/{name} is stale; regenerate it with "
                    f"`dangjian-audit schema {kind} --output schemas/{name}` (or pytest --update-golden):\n"
                    + diff[:4000])


def _models(model: type[Record], seen: dict[str, type[Record]]) -> dict[str, type[Record]]:
    seen[model.__name__] = model
    for info in model.model_fields.values():
        for sub in _nested(info.annotation):
            if sub.__name__ not in seen:
                _models(sub, seen)
    return seen


def _nested(annotation: Any) -> list[type[Record]]:
    if isinstance(annotation, type) and issubclass(annotation, Record):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _nested(arg)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_field_tables_match_the_models(lang: str) -> None:
    texts = field_texts(lang)
    models = _models(Evidence, {})
    assert set(texts) == set(models)
    for name, model in models.items():
        fields = {f for f in model.model_fields if f != "src_line"}
        assert set(texts[name]["fields"]) == fields, name


@pytest.mark.parametrize(("lang", "title", "meeting_date"), [("zh", "会议记录", "日期"), ("en", "Meetings", "Date")])
def test_titles_come_from_the_field_tables(lang: str, title: str, meeting_date: str) -> None:
    schema = evidence_schema(lang)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["meetings"]["title"] == title
    assert schema["$defs"]["Meeting"]["properties"]["date"]["title"] == meeting_date
    assert schema["$defs"]["Meeting"]["properties"]["date"]["format"] == "date"
    for name, sub in [("Evidence", schema), *schema["$defs"].items()]:
        assert sub["description"], name
        for field, prop in sub["properties"].items():
            assert prop["title"] and prop["description"], f"{name}.{field}"
    text = json.dumps(schema)
    assert "__line__" not in text and "src_line" not in text


def test_report_schema_describes_real_reports(ruleset: Any, tmp_path: Path) -> None:
    schema = report_schema("zh")
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"].endswith(":1") and "1" in schema["title"]
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for lang in ("zh", "en"):
        report = audit_file(ruleset, write_evidence(tmp_path, school_evidence()), "school.yaml", AS_OF,
                            Messages(lang))
        data = json.loads(report.model_dump_json())
        assert not list(validator.iter_errors(data))
        data["surprise"] = 1
        assert list(validator.iter_errors(data))


def test_cli_prints_and_writes(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["schema", "evidence", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["properties"]["school"]["title"] == "School"
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["schema", "report", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == dumps(report_schema("zh"))


# ---------------------------------------------------------------- check-jsonschema on YAML evidence

HAND_WRITTEN = """\
schema_version: 1
period: {kind: calendar_year, start: 2025-01-01, end: 2025-12-31}
school:
  code: "T-002"
  name: 测试县实验中学
  type: junior
organization:
  type: branch
  formal_members: 9
  last_election: {date: 2024-03-01, entitled: 9, voted: 9, approved: true}
meetings:
  - {id: M1, kind: branch_committee, date: 2025-01-08, expected: 3, present: 3, agenda: [first_topic]}
documents:
  - {id: D1, kind: charter, title: "学校章程", adopted: "2025-01-02", clauses: [party_led_principal_system]}
incidents: []
talks:
"""


def _check_jsonschema(*args: str) -> Any:
    from check_jsonschema import main

    return ClickRunner().invoke(main, list(args))


def _schema_file() -> str:
    return str(SCHEMAS / "evidence.schema.json")


def test_check_jsonschema_accepts_valid_evidence(tmp_path: Path) -> None:
    generated = write_evidence(tmp_path, school_evidence(), "generated.yaml")
    hand = tmp_path / "hand.yaml"
    hand.write_text(HAND_WRITTEN, encoding="utf-8")
    load_evidence(generated)
    load_evidence(hand)  # both are valid for the tool itself
    result = _check_jsonschema("--schemafile", _schema_file(), str(generated), str(hand))
    assert result.exit_code == 0, result.output


def _mutate(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


BAD = {
    "unknown_key": (("school", "principal_name"), "张三"),
    "wrong_type": (("organization", "formal_members"), "twelve"),
    "bad_enum": (("meetings", 0, "kind"), "tea_party"),
    "negative_count": (("meetings", 0, "expected"), -3),
    "bad_date": (("period", "start"), "2024-13-01"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_check_jsonschema_rejects_schema_errors(tmp_path: Path, case: str) -> None:
    path_, value = BAD[case]
    path = write_evidence(tmp_path, _mutate(school_evidence(), path_, value), f"{case}.yaml")
    with pytest.raises(InputError):
        load_evidence(path)  # the tool rejects it too: the schema and the loader agree
    result = _check_jsonschema("--schemafile", _schema_file(), str(path))
    assert result.exit_code == 1, result.output
    assert "Schema validation errors" in result.output


def test_check_jsonschema_accepts_every_example() -> None:
    examples = sorted(str(p) for p in EXAMPLES.glob("*.yaml"))
    assert len(examples) >= 5
    result = _check_jsonschema("--schemafile", _schema_file(), *examples)
    assert result.exit_code == 0, result.output


# The broken examples whose faults are schema faults (keys, types, ranges, date formats); the
# others are YAML, encoding or cross-field faults that only the tool itself can see.
SCHEMA_BROKEN = ["bad-dates.yaml", "negative-counts.yaml", "unknown-keys-and-types.yaml"]


@pytest.mark.parametrize("name", SCHEMA_BROKEN)
def test_check_jsonschema_rejects_broken_examples(name: str) -> None:
    result = _check_jsonschema("--schemafile", _schema_file(), str(EXAMPLES / "invalid" / name))
    assert result.exit_code == 1, result.output
    assert "Schema validation errors" in result.output
