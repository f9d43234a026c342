"""The Markdown report's contract for GitHub job summaries and PR comments.

A short summary comes first (title, headline, dimension table, gap table);
everything long sits in collapsed ``<details>`` sections after it: one per gap,
in gap order, then one with all indicators. GitHub renders Markdown inside
``<details>`` only after a blank line, so each ``<summary>`` line is followed by one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from ci_fixtures import AS_OF, school_evidence, with_veto, write_evidence

from dangjian_audit.i18n import Messages
from dangjian_audit.models.result import SchoolReport
from dangjian_audit.report import audit_file
from dangjian_audit.reporters._jinja import environment, render_markdown


@pytest.fixture(scope="module")
def reports(ruleset: Any, tmp_path_factory: pytest.TempPathFactory) -> list[SchoolReport]:
    folder = tmp_path_factory.mktemp("md")
    msgs = Messages("zh")
    return [audit_file(ruleset, write_evidence(folder, school_evidence(), "a.yaml"), "a.yaml", AS_OF, msgs),
            audit_file(ruleset, write_evidence(folder, with_veto(school_evidence()), "b.yaml"), "b.yaml", AS_OF,
                       msgs)]


def _check_block(block: str, report: SchoolReport, msgs: Messages) -> None:
    lines = block.strip("\n").splitlines()
    assert lines[0].startswith("# ") and environment().filters["md"](report.school.name) in lines[0]
    first_details = lines.index("<details>")
    summary_part = "\n".join(lines[:first_details])
    assert f"{report.total:g}/{report.max:g}" in summary_part  # the headline
    assert report.grade.name in summary_part
    for d in report.dimensions:
        assert f"| {d.id} {d.name} |" in summary_part
    gaps_heading = f"## {msgs.ui('gaps')}"
    assert gaps_heading in lines[:first_details]
    for gap in report.gaps:
        assert f" {gap} " in summary_part  # every gap is listed in the short table
    # after the summary: only collapsed sections
    depth = 0
    summaries: list[str] = []
    for n, line in enumerate(lines[first_details:], start=first_details):
        if line == "<details>":
            assert depth == 0
            depth = 1
            assert lines[n + 1].startswith("<summary>") and lines[n + 1].endswith("</summary>")
            assert lines[n + 2] == "", "GitHub needs a blank line after <summary>"
            summaries.append(lines[n + 1])
        elif line == "</details>":
            assert depth == 1
            depth = 0
        else:
            assert depth == 1 or line == "", f"line {n + 1} is outside a <details> section: {line!r}"
    assert depth == 0
    assert len(summaries) == len(report.gaps) + 1
    for gap, summary in zip(report.gaps, summaries, strict=False):
        assert summary.startswith(f"<summary>{gap} ")
    assert summaries[-1] == f"<summary>{msgs.ui('all_indicators')}</summary>"


def test_summary_first_details_after(reports: list[SchoolReport]) -> None:
    msgs = Messages("zh")
    text = render_markdown(reports, msgs)
    blocks = text.split("\n---\n")
    assert len(blocks) == len(reports)
    for block, report in zip(blocks, reports, strict=True):
        _check_block(block, report, msgs)
    assert reports[1].veto == ["JC-03"]
    assert "JC-03" in blocks[1].split("<details>")[0]  # the veto shows in the summary


def test_no_gaps_still_keeps_the_contract(reports: list[SchoolReport]) -> None:
    msgs = Messages("en")
    perfect = reports[0].model_copy(update={"gaps": []})
    text = render_markdown([perfect], msgs)
    assert msgs.ui("no_gaps") in text.split("<details>")[0]
    _check_block(text, perfect, msgs)


def test_summary_is_short(reports: list[SchoolReport]) -> None:
    report = reports[0]
    summary = render_markdown([report], Messages("zh")).split("<details>")[0]
    # title, headline, two small tables and one row per gap; findings and advice stay collapsed
    assert len(summary.splitlines()) <= 25 + len(report.gaps)
    messages = [f.message for i in report.indicators for f in i.findings]
    assert messages and not [m for m in messages if m in summary]
    assert not [i.remediation for i in report.indicators if i.remediation in summary]


HOSTILE = "<img src=x onerror=alert(1)><!-- </details> & `x` | y"


def test_evidence_cannot_inject_html(ruleset: Any, tmp_path: Path) -> None:
    """Evidence text reaches a job summary or PR comment as text: no tag, comment or ``</details>`` of its own."""
    data = school_evidence()
    data["school"]["name"] = HOSTILE
    data["meetings"][1]["id"] = "<b>BC-10</b>"  # quoted in a quorum finding
    msgs = Messages("zh")
    report = audit_file(ruleset, write_evidence(tmp_path, data, "a.yaml"), "a.yaml", AS_OF, msgs)
    assert any("<b>BC-10</b>" in f.message for i in report.indicators for f in i.findings)
    text = render_markdown([report], msgs)
    own_tags = re.sub(r"^</?details>$|^<summary>|</summary>$", "", text, flags=re.MULTILINE)
    assert "<" not in own_tags and ">" not in own_tags
    escaped = "&lt;img src=x onerror=alert(1)&gt;&lt;!-- &lt;/details&gt; &amp; `x` \\| y"
    assert f"# {msgs.ui('report_title')}：{escaped}" in text.splitlines()
    assert "&lt;b&gt;BC-10&lt;/b&gt;" in text
    _check_block(text, report, msgs)


def test_summary_lines_escape_html() -> None:
    template = environment().from_string("<summary>{{ t|mdhtml }}</summary>")
    assert template.render(t="a</summary>\n<!--&") == "<summary>a&lt;/summary&gt; &lt;!--&amp;</summary>"


@pytest.mark.parametrize(("value", "cell", "span"), [
    ("a.yaml:3", False, "`a.yaml:3`"),
    ("x`<img onerror=1>`.yaml:3", False, "``x`<img onerror=1>`.yaml:3``"),
    ("`` a ``", False, "``` `` a `` ```"),
    ("a|b\nc", True, "`a\\|b c`"),
])
def test_code_spans_hold_any_text(value: str, cell: bool, span: str) -> None:
    assert environment().from_string("{{ v|mdcode(cell=c) }}").render(v=value, c=cell) == span


def test_file_names_with_backticks_stay_in_their_code_span(ruleset: Any, tmp_path: Path) -> None:
    msgs = Messages("zh")
    name = "x`y.yaml"
    report = audit_file(ruleset, write_evidence(tmp_path, school_evidence(), name), name, AS_OF, msgs)
    text = render_markdown([report], msgs)
    assert re.search(r"\(``x`y\.yaml:\d+``\)", text)
