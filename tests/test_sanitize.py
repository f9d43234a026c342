"""Hostile evidence text: no formula in CSV or XLSX, no raw control or bidi character in any output, no live
Markdown link; and the helpers that guarantee it."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from ci_fixtures import school_evidence, write_evidence
from typer.testing import CliRunner

from dangjian_audit.cli import app
from dangjian_audit.sanitize import clean_text, spreadsheet_cell

AS_OF = "2025-08-31"
# What must never reach an output raw (C0 but tab and newline, DEL, C1, bidi embeddings/overrides/isolates).
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

HOSTILE = {
    "formula": '=HYPERLINK("http://x","y")',
    "ansi": "\x1b[31m红色\x1b[0m小学",
    "bidi": "第一\u202e学小\u202c中学",
    "nul": "空\x00字符\x7f\x85小学",
    "link": "[点我](javascript:alert(1))小学",
    "autolink": "<javascript:alert(1)>小学",
    "at": "@SUM(1+1)小学",
    "minus": "-2+3小学",
}


# ---------------------------------------------------------------- the helpers


@pytest.mark.parametrize(("raw", "clean"), [
    ("\x1b[31m", "\\u001b[31m"),
    ("a\x00b", "a\\u0000b"),
    ("a\rb", "a\\u000db"),
    ("a\x7fb\x85c\x9f", "a\\u007fb\\u0085c\\u009f"),
    ("\u202a\u202b\u202c\u202d\u202e", "\\u202a\\u202b\\u202c\\u202d\\u202e"),
    ("\u2066\u2067\u2068\u2069", "\\u2066\\u2067\\u2068\\u2069"),
    ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
    ("中文（全角）、ａｂｃ and \u00a0 nbsp", "中文（全角）、ａｂｃ and \u00a0 nbsp"),
])
def test_clean_text_escapes_what_acts(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean
    assert not RAW.search(clean_text(raw))


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"),
    ("+1", "'+1"),
    ("-1", "'-1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\\u000d=1"),
    ("  =1", "'  =1"),
    ("＝1+1", "'＝1+1"),
    ("第一小学", "第一小学"),
    ("a=b", "a=b"),
    ("", ""),
    (-5, -5),
    (-2.5, -2.5),
    (0, 0),
    (None, None),
])
def test_spreadsheet_cell(value: Any, expected: Any) -> None:
    result = spreadsheet_cell(value)
    assert result == expected
    assert type(result) is type(expected)


# ---------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    for n, (key, name) in enumerate(HOSTILE.items()):
        data = school_evidence()
        data["school"]["name"] = name
        data["school"]["code"] = f"H-{n:02d}" if key != "formula" else "=1+2"
        data["school"]["county"] = "\u202e区县" if key == "bidi" else "测试区"
        write_evidence(root, data, f"{n:02d}-{key}.yaml")
    # a broken file whose diagnostic quotes a hostile value
    (root / "99-broken.yaml").write_text('schema_version: "\\e[2J=cmd|calc"\n', encoding="utf-8")
    return root


def _batch(county: Path, *args: str) -> Any:
    return CliRunner().invoke(app, ["batch", str(county), "--as-of", AS_OF, "--jobs", "1", *args])


@pytest.fixture(scope="module")
def out(county: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("out")
    result = _batch(county, "--out", str(target))
    assert result.exit_code == 3, result.stderr  # the broken file; never 4 (a crash)
    assert not RAW.search(result.stderr)
    return target


def _all_outputs(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file())


def test_batch_writes_every_output_and_none_holds_raw_characters(out: Path) -> None:
    names = {p.name for p in _all_outputs(out)}
    assert {"summary.md", "summary.html", "summary.json", "summary.csv", "summary.xlsx"} <= names
    for path in _all_outputs(out):
        if path.suffix == ".xlsx":
            continue
        text = path.read_text(encoding="utf-8-sig")
        assert not RAW.search(text), (path.name, RAW.findall(text))
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    # evidence text holding control or bidi characters is refused at load, at its line; the report quotes none
    refused = {Path(i["source"]).name: {d["code"] for d in i["diagnostics"]} for i in data["invalid"]}
    for name in ("01-ansi.yaml", "02-bidi.yaml", "03-nul.yaml"):
        assert "control_character" in refused[name], refused
    assert {s["name"] for s in data["schools"]} >= {HOSTILE["formula"], HOSTILE["link"], HOSTILE["at"]}


def test_xlsx_opens_and_has_no_formula(out: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(out / "summary.xlsx")
    values = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not RAW.search(cell.value), (ws.title, cell.coordinate)
                    assert cell.value.lstrip()[:1] not in "=+-@" or cell.value.startswith("'"), cell.value
                    values.append(cell.value)
    assert "'=HYPERLINK(\"http://x\",\"y\")" in values
    assert "'=1+2" in values
    assert "'@SUM(1+1)小学" in values and "'-2+3小学" in values
    summary = wb.worksheets[0]
    header = [c.value for c in summary[1]]
    totals = [row[header.index("总分")] for row in summary.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(t, float | int) for t in totals if t is not None and t != "")


def test_csv_cells_are_neutralised_and_numbers_stay_numbers(out: Path) -> None:
    rows = list(csv.reader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8-sig"), newline="")))
    for row in rows:
        for cell in row:
            assert cell.lstrip()[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell
    flat = [c for r in rows for c in r]
    assert "'=HYPERLINK(\"http://x\",\"y\")" in flat and "'=1+2" in flat
    total = rows[0].index("总分")
    for row in rows[1:]:
        if row[total]:
            float(row[total])  # a plain number, not a quoted or prefixed text


def test_csv_and_xlsx_agree_cell_for_cell(out: Path) -> None:
    from openpyxl import load_workbook

    rows = list(csv.reader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8-sig"), newline="")))
    ws = load_workbook(out / "summary.xlsx").worksheets[0]
    header = rows[0]
    xlsx_header = [c.value for c in ws[1]]
    school = header.index("学校")
    assert [r[school] for r in rows[1:]] == [r[xlsx_header.index("学校")] or "" for r in
                                             ws.iter_rows(min_row=2, values_only=True)]


def _links(markdown: str) -> list[str]:
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(markdown)
    return re.findall(r"<a href=\"([^\"]*)\"", html) + re.findall(r"<img ", html)


def test_markdown_links_from_evidence_are_inert(out: Path, county: Path) -> None:
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "\\[点我\\](javascript:alert(1))小学" in summary
    links = _links(summary)
    assert links and all(link.startswith("schools/") for link in links), links
    for report in (out / "schools").glob("*.md"):
        assert _links(report.read_text(encoding="utf-8")) == [], report.name
    result = CliRunner().invoke(app, ["check", str(county / "04-link.yaml"), "--format", "markdown",
                                      "--as-of", AS_OF, "--fail-under", "0"])
    assert "javascript" in result.stdout and _links(result.stdout) == []
    assert "&lt;javascript:alert(1)&gt;" in (out / "summary.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json", "sarif", "junit"])
def test_check_outputs_hold_no_raw_characters(county: Path, fmt: str) -> None:
    files = sorted(str(p) for p in county.glob("*.yaml"))
    result = CliRunner().invoke(app, ["check", *files, "--format", fmt, "--as-of", AS_OF, "--fail-under", "0",
                                      "--no-fail-on-veto"])
    assert result.exit_code == 3, result.stderr
    assert not RAW.search(result.stdout), RAW.findall(result.stdout)
    assert not RAW.search(result.stderr), RAW.findall(result.stderr)
    assert "\\u001b[2J=cmd" in result.stderr  # the broken file's value, quoted visibly


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_batch_formats_on_stdout_hold_no_raw_characters(county: Path, fmt: str) -> None:
    result = _batch(county, "--format", fmt)
    assert result.exit_code == 3
    assert not RAW.search(result.stdout), RAW.findall(result.stdout)


def test_every_refused_evidence_character_is_unprintable() -> None:
    # the evidence text validator searches only texts that str.isprintable() rejects
    from dangjian_audit.models.evidence import _FORBIDDEN_LINE, _FORBIDDEN_MULTILINE

    refused = [c for c in map(chr, range(sys.maxunicode + 1))
               if _FORBIDDEN_LINE.search(c) or _FORBIDDEN_MULTILINE.search(c)]
    assert len(refused) > 60
    assert [f"U+{ord(c):04X}" for c in refused if c.isprintable()] == []
