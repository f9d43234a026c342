"""The county's common-gaps table counts what its heading says (not met + insufficient evidence), orders by that
count, shows partially met beside it without counting it, and never lists an indicator with nothing to count."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from typing import Any

from dangjian_audit.batch.aggregate import CountyAggregator
from dangjian_audit.i18n import Messages
from dangjian_audit.models.county import CountySummary, SchoolRow
from dangjian_audit.reporters._county import county_html, county_json, county_markdown
from dangjian_audit.reporters.text import county_text


def _summary(ruleset: Any, lang: str = "zh") -> CountySummary:
    """Six schools. Indicator 0: 6 partial (nothing counted). 1: 2 not met. 2: 1 not met + 2 insufficient (3).
    3: 3 insufficient. Everything else met."""
    grades = sorted(ruleset.scoring.grades, key=lambda g: g.min, reverse=True)
    n_dims = len(ruleset.catalog.header.dimensions)
    columns = ["PPPPPP", "NNMMMM", "NIIMMM", "IIIMMM"]
    aggregator = CountyAggregator(ruleset)
    for i in range(6):
        statuses = "".join(col[i] for col in columns) + "M" * (len(ruleset.indicators) - len(columns))
        aggregator.add(SchoolRow(
            index=i, code=f"S{i}", name=f"第{i + 1}小学", county=None, type="primary", total=D(80),
            dimensions=(D(16),) * n_dims, grade=grades[1].id, level=None, veto=(), gate=(), statuses=statuses))
    return aggregator.summary(Messages(lang), dt.date(2025, 9, 15), D(60))


def test_counts_not_met_and_insufficient_and_orders_by_that(ruleset: Any) -> None:
    s = _summary(ruleset)
    ids = [ci.indicator.id for ci in ruleset.indicators]
    assert [g.indicator.id for g in s.top_gaps] == [ids[2], ids[3], ids[1]]  # 3 (more not met first), 3, 2
    assert [g.indicator.shortfall for g in s.top_gaps] == [3, 3, 2]
    assert ids[0] not in {g.indicator.id for g in s.top_gaps}  # six partials, nothing not met: never listed
    assert all(g.indicator.shortfall > 0 for g in s.top_gaps)
    assert [r.code for r in s.top_gaps[0].schools] == ["S0", "S1", "S2"]
    assert s.indicators[0].shortfall == 0 and s.indicators[0].counts["partial"] == 6


def test_every_format_says_what_it_counts(ruleset: Any) -> None:
    s = _summary(ruleset)
    md = "".join(county_markdown(s, Messages("zh")))
    assert "## 未达标（含证据不足）学校最多的指标" in md
    assert "| 指标 | 未达标 + 证据不足 | 未达标 | 证据不足 | 部分达标（不计入） | 涉及学校 |" in md
    html = "".join(county_html(s, Messages("zh")))
    assert "未达标 + 证据不足" in html and "部分达标（不计入）" in html
    text = county_text(s, Messages("en"), width=200)
    assert "Not met + insufficient evidence" in text and "Partially met (not counted)" in text
    data = json.loads("".join(county_json(s, Messages("zh"))))
    first = data["most_not_met"][0]
    assert first["counted"] == ["not_met", "insufficient_evidence"]
    assert first["shortfall"] == first["counts"]["not_met"] + first["counts"]["insufficient_evidence"]


def test_only_partials_means_no_gap_rows(ruleset: Any) -> None:
    grades = sorted(ruleset.scoring.grades, key=lambda g: g.min, reverse=True)
    n_dims = len(ruleset.catalog.header.dimensions)
    aggregator = CountyAggregator(ruleset)
    aggregator.add(SchoolRow(
        index=0, code="S0", name="小学", county=None, type="primary", total=D(99), dimensions=(D("19.8"),) * n_dims,
        grade=grades[0].id, level=None, veto=(), gate=(), statuses="P" + "M" * (len(ruleset.indicators) - 1)))
    s = aggregator.summary(Messages("zh"), dt.date(2025, 9, 15), D(60))
    assert s.top_gaps == []
    assert "没有学校在任何指标上未达标或证据不足。" in "".join(county_markdown(s, Messages("zh")))


# ---------------------------------------------------------------- duplicate school codes


def test_duplicate_codes_warn_and_keep_both_reports(tmp_path: Any) -> None:
    import csv
    import io

    from ci_fixtures import school_evidence, write_evidence
    from typer.testing import CliRunner

    from dangjian_audit.cli import app

    evidence = tmp_path / "evidence"
    evidence.mkdir()
    for name, school in (("a.yaml", "第一小学"), ("b.yaml", "第二小学"), ("c.yaml", "第三小学")):
        data = school_evidence()
        data["school"]["name"] = school
        data["school"]["code"] = "DUP-1" if name != "b.yaml" else "UNIQUE"
        write_evidence(evidence, data, name)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", str(evidence), "--out", str(out), "--as-of", "2025-08-31",
                                      "--fail-under", "0", "--no-fail-on-veto", "--jobs", "1"])
    assert result.exit_code == 0, result.stderr  # a warning, not a failure
    a, c = str(evidence / "a.yaml"), str(evidence / "c.yaml")
    assert f"{c}: warning [duplicate_school_code] 学校代码 DUP-1 与 {a} 重复" in result.stderr
    assert sorted(p.name for p in (out / "schools").glob("*.html")) == ["DUP-1-2.html", "DUP-1.html", "UNIQUE.html"]
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert data["duplicate_codes"] == [{"code": "DUP-1", "sources": [a, c]}]
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert "## 重复的学校代码（1 个）" in md and f"- `DUP-1`：`{a}`、`{c}`" in md
    assert "重复的学校代码（1 个）" in (out / "summary.html").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8-sig"), newline="")))
    notes = {r[2]: r[-1] for r in rows[1:]}
    assert notes["UNIQUE"] == "" and notes["DUP-1"] == f"学校代码 DUP-1 重复：{a}；{c}"
    text = CliRunner().invoke(app, ["batch", str(evidence), "--as-of", "2025-08-31", "--lang", "en"]).stdout
    assert "Duplicate school codes (1)" in text
