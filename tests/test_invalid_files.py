"""Invalid files are first-class results in every school-report format: a JUnit error testcase, SARIF results at
the diagnostic's position (valid against the vendored schema), a section in Markdown, HTML and text."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from ci_fixtures import AS_OF, school_evidence, write_evidence
from conftest import EXAMPLES, SCHEMAS

from dangjian_audit.errors import InputError
from dangjian_audit.i18n import Messages
from dangjian_audit.loading import load_evidence
from dangjian_audit.models.result import InvalidFile, SchoolReport
from dangjian_audit.report import audit_file
from dangjian_audit.reporters._jinja import render_html, render_markdown
from dangjian_audit.reporters.junit import render_junit
from dangjian_audit.reporters.sarif import INVALID_RULE, sarif_log
from dangjian_audit.reporters.text import render_text

BROKEN = "examples/invalid/unknown-keys-and-types.yaml"


def invalid_file(relative: str = BROKEN) -> InvalidFile:
    with pytest.raises(InputError) as info:
        load_evidence(EXAMPLES.parent / relative, relative)
    return InvalidFile(source=relative, diagnostics=tuple(info.value.diagnostics))


@pytest.fixture(scope="module")
def report(ruleset: Any, tmp_path_factory: pytest.TempPathFactory) -> SchoolReport:
    path = write_evidence(tmp_path_factory.mktemp("valid"), school_evidence())
    return audit_file(ruleset, path, "school.yaml", AS_OF, Messages("zh"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_junit_error_testcase(report: SchoolReport, lang: str) -> None:
    import xmlschema

    bad = invalid_file()
    text = render_junit([report], Messages(lang), [bad])
    xmlschema.XMLSchema10(str(SCHEMAS / "junit-10.xsd")).validate(text)
    root = ET.fromstring(text)
    assert root.get("errors") == "1" and root.get("tests") == str(47 + 1)
    suite = root.findall("testsuite")[-1]
    assert (suite.get("name"), suite.get("file"), suite.get("tests"), suite.get("errors")) == (BROKEN, BROKEN, "1", "1")
    error = suite.find("testcase/error")
    assert error is not None and error.get("type") == "invalid_file"
    assert str(len(bad.diagnostics)) in (error.get("message") or "")
    body = (error.text or "").splitlines()
    assert body == [d.render(Messages(lang)) for d in bad.diagnostics]
    assert body[0].startswith(f"{BROKEN}:4:61: error [extra_forbidden]")


def test_junit_only_invalid_files_still_counts_them() -> None:
    both = [invalid_file(), invalid_file("examples/invalid/empty.yaml")]
    root = ET.fromstring(render_junit([], Messages("zh"), both))
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "0", "2")


def test_sarif_results_at_the_diagnostics(ruleset: Any, report: SchoolReport) -> None:
    import jsonschema

    bad = invalid_file()
    log = sarif_log([report], ruleset, Messages("en"), [bad, invalid_file("examples/invalid/empty.yaml")])
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = list(validator.iter_errors(log))
    assert not errors, [e.message for e in errors[:5]]
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert rules[-1]["id"] == INVALID_RULE and len(rules) == 47 + 1
    mine = [r for r in run["results"] if r["ruleId"] == INVALID_RULE]
    assert len(mine) == len(bad.diagnostics) + 1
    first = mine[0]
    assert first["level"] == "error" and first["ruleIndex"] == 47
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == BROKEN
    assert location["region"] == {"startLine": 4, "startColumn": 61}
    assert first["message"]["text"].startswith("[extra_forbidden] unknown field \"staf_total\"")
    empty = mine[-1]["locations"][0]["physicalLocation"]
    assert empty["artifactLocation"]["uri"] == "examples/invalid/empty.yaml" and empty["region"] == {"startLine": 1}
    assert len({r["partialFingerprints"]["dangjianAudit/v1"] for r in mine}) == len(mine)


def test_sarif_without_invalid_files_is_unchanged(ruleset: Any, report: SchoolReport) -> None:
    log = sarif_log([report], ruleset, Messages("zh"))
    assert all(r["id"] != INVALID_RULE for r in log["runs"][0]["tool"]["driver"]["rules"])


def test_markdown_html_and_text_sections(report: SchoolReport) -> None:
    bad = invalid_file()
    msgs = Messages("zh")
    lines = [d.render(msgs) for d in bad.diagnostics]
    md = render_markdown([report], msgs, [bad])
    assert "## 无效文件（1 个）" in md and "以下文件无法评分" in md
    for line in lines:
        assert f"- `{line}`" in md
    html = render_html([report], msgs, [bad])
    assert '<section class="invalid">' in html and "<h2>无效文件（1 个）</h2>" in html
    assert html.count("<li>examples/invalid/unknown-keys-and-types.yaml:") == len(lines)
    text = render_text([report], msgs, invalid=[bad])
    assert "无效文件（1 个）" in text and all(line in text for line in lines)
    only = render_markdown([], msgs, [bad])
    assert only.lstrip().startswith("## 无效文件（1 个）") and not re.search(r"^---$", only, re.MULTILINE)


def test_check_on_one_terminal_shows_each_diagnostic_once(tmp_path: Path) -> None:
    """stdout and stderr on the same terminal: the text report lists the invalid file, stderr does not repeat it."""
    import os
    import pty
    import subprocess
    import sys

    root = EXAMPLES.parent
    primary, secondary = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "COLUMNS": "200"}
    process = subprocess.Popen([sys.executable, "-m", "dangjian_audit", "check", BROKEN], cwd=root,
                               stdout=secondary, stderr=secondary, env=env)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert process.wait(timeout=60) == 3
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert screen.count("error [extra_forbidden]") == 2  # two extra keys in the file, each shown once
    assert "无效文件（1 个）" in screen
