"""The veto cap is shown wherever the total is, and warnings (findings that cost nothing) are listed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

VETO = "examples/veto-chengguan-no2-junior.yaml"


@pytest.mark.parametrize(("fmt", "lang", "text"), [
    ("text", "zh", "各维度合计 97.39，总分封顶 59 分"),
    ("markdown", "zh", "各维度合计 97.39，总分封顶 59 分；原因：触发一票否决 FZ-06"),
    ("html", "en", "the dimensions add up to 97.39; the total is capped at 59"),
    ("junit", "zh", '<property name="total_uncapped" value="97.39"'),
    ("sarif", "zh", '"totalUncapped": 97.39'),
])
def test_the_cap_is_shown_beside_the_total(fmt: str, lang: str, text: str) -> None:
    _, out, _ = run_cli(["check", VETO, "--format", fmt, "--lang", lang, "--as-of", "2025-12-31"])
    assert text in out


def test_json_report_has_the_uncapped_total_and_the_cap() -> None:
    _, out, _ = run_cli(["check", VETO, "--format", "json", "--as-of", "2025-12-31"])
    report = json.loads(out)
    assert report["total"] == 59 and report["total_uncapped"] == 97.39
    assert report["veto_cap"] == {"uncapped_total": 97.39, "cap": 59, "indicators": ["FZ-06"],
                                  "reason": "触发一票否决 FZ-06"}
    assert sum(d["score"] for d in report["dimensions"]) == pytest.approx(97.39)


def test_no_cap_without_a_veto() -> None:
    _, out, _ = run_cli(["check", "examples/province-chengguan-middle.yaml", "--format", "json",
                         "--as-of", "2025-12-31"])
    report = json.loads(out)
    assert report["veto_cap"] is None and report["total_uncapped"] == report["total"]


@pytest.fixture()
def big_branch(tmp_path: Path) -> Path:
    # 64 formal members and the probationary one: a general branch is expected, a branch is kept
    text = (ROOT / "tests" / "cases" / "base.yaml").read_text(encoding="utf-8")
    anchor = "  - {id: M24, status: probationary"
    extra = "".join(f"  - {{id: M{n}, status: formal, study_hours: 40, dues_unpaid_months: 0, "
                    f"income_band: salary_3000_5000, dues_rate_percent: 1}}\n" for n in range(25, 66))
    text = text.replace("  formal_members: 23\n", "  formal_members: 64\n", 1).replace(anchor, extra + anchor, 1)
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("fmt", "text"), [
    ("text", "提醒（不扣分）"), ("markdown", "## 提醒（不扣分）"), ("html", "<h2>提醒（不扣分）</h2>"),
])
def test_a_warning_is_listed_and_costs_nothing(big_branch: Path, fmt: str, text: str) -> None:
    code, out, _ = run_cli(["check", str(big_branch), "--format", fmt, "--as-of", "2025-12-31"])
    assert code == 0
    assert text in out and "党员共 65 人，组织形式为 党支部，建议设置为 党总支" in out


def test_a_warning_in_json(big_branch: Path) -> None:
    _, out, _ = run_cli(["check", str(big_branch), "--format", "json", "--as-of", "2025-12-31"])
    report = json.loads(out)
    assert report["warnings"] == ["JC-01"]
    jc01 = next(i for i in report["indicators"] if i["id"] == "JC-01")
    assert jc01["status"] == "met" and jc01["lost"] == 0 and jc01["id"] not in report["gaps"]
    assert [f["severity"] for f in jc01["findings"]] == ["warning"]


@pytest.mark.parametrize(("old", "new", "field"), [
    ("delegates: {total: 60, teaching: 46, leaders: 7}", "delegates: {total: 60, teaching: 61, leaders: 7}",
     "delegates.teaching 为 61"),
    ("{id: M12, status: formal, study_hours: 38, dues_unpaid_months: 0,",
     "{id: M12, status: formal, study_hours: 38, dues_unpaid_months: 2, dues_unpaid_run_months: 3,",
     "members[11].dues_unpaid_run_months"),
])
def test_new_facts_are_checked_for_consistency(tmp_path: Path, old: str, new: str, field: str) -> None:
    text = (ROOT / "tests" / "cases" / "base.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "school.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, _, err = run_cli(["check", str(path), "--as-of", "2025-12-31"])
    assert code == 3
    assert "[part_exceeds_whole]" in err and field in err
