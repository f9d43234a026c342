"""County year on year (issue 11): batch --baseline/--history, streamed summaries, unmatched schools listed."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, assert_golden, run_cli

from dangjian_audit import trend
from dangjian_audit.batch import discover
from dangjian_audit.errors import InputError

GOLDEN = ROOT / "tests" / "golden" / "yoy"
THIS_YEAR = ["examples/county-houliu-primary.yaml", "examples/city-jiangbei-primary.yaml",
             "examples/province-chengguan-middle.yaml", "examples/veto-chengguan-no2-junior.yaml",
             "examples/new-branch-raofeng-nine-year.yaml"]


@pytest.fixture(scope="module")
def last_year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Last year's county summary, written by batch --out from the bundled history."""
    out = tmp_path_factory.mktemp("county-2024")
    code, _, err = run_cli(["batch", "examples/history/2024", "--out", str(out), "--as-of", "2024-12-31"])
    assert code == 0, err
    return out / "summary.json"


def test_batch_folder_skips_history_unless_named() -> None:
    files = discover([ROOT / "examples"])
    assert files and not any("history" in Path(f).parts for f in files)
    named = discover([ROOT / "examples" / "history" / "2024"])
    assert len(named) == 3


def test_county_comparison_in_json(last_year: Path) -> None:
    code, out, err = run_cli(["batch", *THIS_YEAR, "--baseline", str(last_year), "--format", "json",
                              "--as-of", "2025-12-31"])
    assert code == 1, err  # the veto school fails the gate, as without a baseline
    data = json.loads(out)
    t = data["trend"]
    assert t["baseline"]["as_of"] == "2024-12-31" and t["baseline"]["scored"] == 3
    # matched by school code; unmatched schools listed on both sides, never dropped
    assert {s["code"] for s in t["new_schools"]} == {"610924-0101", "610923-0412", "610924-0520"}
    assert [s["code"] for s in t["gone_schools"]] == ["610924-0331"]
    assert [(m["code"], m["then"], m["now"]) for m in t["level_up"]] == [("610902-0207", "county", "city")]
    assert t["level_down"] == []
    by_code = {s["code"]: s["change"] for s in data["schools"]}
    houliu, jiangbei = by_code["610924-0315"], by_code["610902-0207"]
    assert houliu["matched"] and houliu["total_delta"] == pytest.approx(62.81 - 65.32)
    assert houliu["then"]["rank"] == 2 and houliu["rank_delta"] == 2 - 4
    assert jiangbei["level_change"] == "up" and jiangbei["grade_changed"]
    assert by_code["610924-0101"] == {"matched": False, "history": [{"as_of": "2024-12-31", "total": None}]}
    ind = {i["id"]: i for i in t["indicators"]}
    # met share per indicator then (3 schools) and now (5 schools)
    moved = [i for i in t["indicators"] if i["delta"]]
    assert t["worsened"] == [i["id"] for i in sorted((i for i in moved if i["delta"] < 0),
                                                     key=lambda i: (i["delta"], i["id"]))]
    assert t["improved"] == [i["id"] for i in sorted((i for i in moved if i["delta"] > 0),
                                                     key=lambda i: (-i["delta"], i["id"]))]
    assert all(i["delta"] == pytest.approx(i["now"] - i["then"]) for i in moved)
    assert ind["JC-04"]["then"] == 33.3 and ind["JC-04"]["now"] == 100.0 and "JC-04" in t["improved"]
    assert t["average_delta"] == pytest.approx(data["average_total"] - t["baseline"]["average_total"])


def test_county_comparison_in_csv_xlsx_html_and_text(last_year: Path, tmp_path: Path) -> None:
    out = tmp_path / "county-2025"
    code, text, err = run_cli(["batch", *THIS_YEAR, "--baseline", str(last_year), "--out", str(out),
                               "--as-of", "2025-12-31"])
    assert code == 1, err
    assert "同比与趋势" in text
    assert "示范等级升降: 安康市汉滨区江北小学 (610902-0207) 上升 县级示范校 → 市级示范校" in text
    assert "本次缺少（基线中有）: 石泉县两河镇中心小学 (610924-0331)" in text
    rows = list(csv.reader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8-sig"))))
    header = rows[0]
    for column in ("总分（2024-12-31）", "基线总分", "总分变化", "基线等次", "基线示范等级", "基线排名", "名次变化"):
        assert column in header
    gone = [r for r in rows if r[2] == "610924-0331"]
    assert len(gone) == 1 and gone[0][0] == "本次缺少" and gone[0][header.index("基线总分")] == "65.32"
    houliu = next(r for r in rows if r[2] == "610924-0315")
    assert houliu[header.index("总分变化")] == "-2.51" and houliu[header.index("名次变化")] == "-2"
    assert all(len(r) == len(header) for r in rows)
    from openpyxl import load_workbook

    wb = load_workbook(out / "summary.xlsx")
    sheet = wb["同比"]
    xlsx_header = [c.value for c in sheet[1]]
    assert xlsx_header[4:] == header[header.index("总分（2024-12-31）"):header.index("同比说明") + 1]
    assert sheet.max_row == 1 + 5 + 1  # every school now, and the one gone since
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 2 and "<polyline" in html and "<rect" in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert "## 同比与趋势" in md and "| 2 | 安康市汉滨区江北小学 | 610902-0207 | 80.43 | 90.86 | +10.43 |" in md


def test_history_of_several_summaries_is_ordered_by_as_of(last_year: Path, tmp_path: Path) -> None:
    older = tmp_path / "older"
    code, _, _ = run_cli(["batch", "examples/history/2024/county-houliu-primary-2024.yaml", "--out", str(older),
                          "--as-of", "2024-09-30"])
    assert code == 0
    # given newest first: still ordered by as_of, and the latest is the baseline
    code, out, _ = run_cli(["batch", "examples/county-houliu-primary.yaml", "--history", str(last_year),
                            "--history", str(older / "summary.json"), "--format", "json", "--as-of", "2025-12-31"])
    assert code == 0
    t = json.loads(out)["trend"]
    assert [p["as_of"] for p in t["history"]] == ["2024-09-30", "2024-12-31", "2025-12-31"]
    assert t["baseline"]["as_of"] == "2024-12-31"
    school = json.loads(out)["schools"][0]["change"]
    assert [h["as_of"] for h in school["history"]] == ["2024-09-30", "2024-12-31"]
    # a folder of summaries works too, and --baseline picks the baseline explicitly
    folder = tmp_path / "summaries"
    folder.mkdir()
    (folder / "a.json").write_bytes(last_year.read_bytes())
    (folder / "b.json").write_bytes((older / "summary.json").read_bytes())
    code, out, _ = run_cli(["batch", "examples/county-houliu-primary.yaml", "--history", str(folder),
                            "--baseline", str(folder / "b.json"), "--format", "json", "--as-of", "2025-12-31"])
    assert code == 0
    t = json.loads(out)["trend"]
    assert t["baseline"]["as_of"] == "2024-09-30" and len(t["history"]) == 3


def test_trend_markdown_golden(last_year: Path, update_golden: bool) -> None:
    code, out, _ = run_cli(["batch", *THIS_YEAR, "--baseline", str(last_year), "--format", "markdown",
                            "--as-of", "2025-12-31", "--lang", "en"])
    assert code == 1
    out = out.replace(str(last_year), "county-2024/summary.json")
    start = out.index("## Year on year and trend")
    assert_golden(GOLDEN / "county-trend.en.md", out[start:out.index("\n## ", start)], update_golden)


def test_a_summary_is_read_as_a_stream(last_year: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = trend.load_summary(last_year)
    monkeypatch.setattr(trend, "CHUNK", 7)  # numbers, strings and objects cut at every possible place
    pieces = trend.load_summary(last_year)
    assert pieces == whole
    assert set(whole.schools) == {"610924-0315", "610902-0207", "610924-0331"}
    assert whole.schools["610902-0207"].level == "county"


@pytest.mark.parametrize(("content", "detail"), [
    ('{"kind": "school"}', "county_summary"),
    ('{"kind": "county_summary", "as_of": "2024-12-31"}', "KeyError"),
    ('{"kind": "county_summary", "schools": [{"code": 1', "Expecting"),
    ("[1, 2]", "expected '{'"),
])
def test_bad_summaries_are_input_errors(tmp_path: Path, content: str, detail: str) -> None:
    path = tmp_path / "summary.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        trend.load_summary(path)
    (d,) = exc.value.diagnostics
    assert d.code == "summary_invalid" and detail in d.args["detail"]
    code, _, err = run_cli(["batch", "examples/county-houliu-primary.yaml", "--baseline", str(path)])
    assert code == 3 and re.search(rf"{re.escape(str(path))}: error \[summary_invalid\]", err)


def test_readme_year_on_year_commands_run(tmp_path: Path) -> None:
    """The README's year-on-year commands, as written (output folders moved to a temporary directory)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("### Year on year")
    section = text[start:text.index("\n### ", start)]
    commands = [" ".join(block.replace("\\\n", " ").split())
                for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S)]
    lines = [ln for block in commands for ln in re.split(r"(?= dangjian-audit )|\n", block) if ln.strip()]
    runnable = [ln.split("#")[0].split() for ln in lines if "evidence-2026" not in ln and ln.strip()]
    assert len(runnable) == 4
    codes = []
    for argv in runnable:
        assert argv[0] == "dangjian-audit"
        args = [str(tmp_path / a) if a.startswith("county-") else a for a in argv[1:]]
        code, out, err = run_cli(args)
        assert "Traceback" not in err
        codes.append(code)
    assert codes[:3] == [0, 0, 0] and codes[3] == 3  # examples/ holds the broken files of examples/invalid
    summary = json.loads((tmp_path / "county-2025" / "summary.json").read_text(encoding="utf-8"))
    assert [s["code"] for s in summary["trend"]["gone_schools"]] == ["610924-0331"]
    assert [m["code"] for m in summary["trend"]["level_up"]] == ["610902-0207"]


def test_plan_and_waivers_do_not_mix(tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("schema_version: 1\nwaivers: []\n", encoding="utf-8")
    code, _, err = run_cli(["batch", "examples/county-houliu-primary.yaml", "--plan", "--out", str(tmp_path / "o"),
                            "--waivers", str(waivers)])
    assert code == 2 and "[usage_plan_with_waivers]" in err
