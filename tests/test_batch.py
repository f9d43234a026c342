"""``batch``: every file accounted for, the same scores as ``check``, every format, safe names, exit codes."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import re
import sys
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from conftest import N_INDICATORS, bench_generator, run_cli
from typer.testing import CliRunner

from dangjian_audit import batch as core
from dangjian_audit.batch import aside
from dangjian_audit.cli import app
from dangjian_audit.cli.progress import show_progress
from dangjian_audit.formatting import percent
from dangjian_audit.models.county import SchoolRow
from dangjian_audit.reporters import RenderOptions, formats, join

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2025-09-15"
VALID = 4


GEN = bench_generator()


def _school(i: int, code: str | None = None) -> str:
    original, text = GEN.school_text(i)
    if code is not None:
        text = text.replace(f'code: "{original}"', f'code: "{code}"', 1)
        assert f'code: "{code}"' in text
    return text


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four valid schools (in nested folders) plus an empty file, a syntax error and a non-UTF-8 file."""
    root = tmp_path_factory.mktemp("county")
    (root / "a").mkdir()
    (root / "b" / "c").mkdir(parents=True)
    for i, folder in zip(range(VALID), ["a", "a", "b", "b/c"], strict=True):
        (root / folder / f"school-{i}.yaml").write_text(_school(i), encoding="utf-8")
    (root / "a" / "empty.yaml").write_text("", encoding="utf-8")
    (root / "b" / "broken.yml").write_text("schema_version: 1\nperiod: [start\nschool: x\n", encoding="utf-8")
    (root / "b" / "gbk.yaml").write_bytes("schema_version: 1\nschool:\n  name: 第一小学\n".encode("gbk"))
    (root / "notes.txt").write_text("not evidence", encoding="utf-8")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "skip.yaml").write_text(_school(9), encoding="utf-8")
    return root


def run(*args: str) -> Any:
    return CliRunner().invoke(app, ["batch", *args, "--as-of", AS_OF])


def run_json(*args: str) -> tuple[int, dict[str, Any], str]:
    result = run(*args, "--format", "json")
    return result.exit_code, json.loads(result.stdout_bytes.decode("utf-8")), result.stderr


# ---------------------------------------------------------------- nothing lost


def test_discover_is_recursive_sorted_and_skips_hidden(county: Path) -> None:
    files = core.discover([county, county / "a" / "school-0.yaml", county / "missing.yaml"])
    names = [Path(f).relative_to(county).as_posix() if f.startswith(str(county)) else f for f in files]
    assert names == ["a/empty.yaml", "a/school-0.yaml", "a/school-1.yaml", "b/broken.yml", "b/c/school-3.yaml",
                     "b/gbk.yaml", "b/school-2.yaml", "missing.yaml"]


def test_every_file_appears_scored_or_with_diagnostics(county: Path) -> None:
    code, data, stderr = run_json(str(county), "--jobs", "1")
    assert code == 3
    assert data["counts"] == {"files": 7, "scored": VALID, "invalid": 3,
                              "passed": data["counts"]["passed"], "failed_gate": data["counts"]["failed_gate"]}
    sources = {s["source"] for s in data["schools"]} | {i["source"] for i in data["invalid"]}
    assert sources == set(core.discover([county]))
    diags = {Path(i["source"]).name: i["diagnostics"] for i in data["invalid"]}
    assert [d["code"] for d in diags["empty.yaml"]] == ["empty_file"]
    assert diags["broken.yml"][0]["code"] == "yaml_flow_unclosed" and diags["broken.yml"][0]["line"] == 3
    assert diags["gbk.yaml"][0]["code"] == "not_utf8" and diags["gbk.yaml"][0]["line"] == 3
    # the same diagnostics on stderr, in path:line:col form
    assert re.search(r"broken\.yml:3:\d+: error \[yaml_flow_unclosed\]", stderr)
    assert all(len(s["statuses"]) == N_INDICATORS for s in data["schools"])


def test_bad_files_do_not_change_other_results(county: Path, tmp_path: Path) -> None:
    for f in county.rglob("school-*.yaml"):
        if ".hidden" not in f.parts:
            target = tmp_path / f.relative_to(county)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(f.read_bytes())
    _, mixed, _ = run_json(str(county), "--jobs", "1")
    _, clean, _ = run_json(str(tmp_path), "--jobs", "1")

    def key(s: dict[str, Any]) -> tuple[Any, ...]:
        return (s["code"], s["total"], s["dimensions"], s["grade"], s["level"], s["statuses"], s["gate"])

    assert sorted(map(key, mixed["schools"])) == sorted(map(key, clean["schools"]))
    assert mixed["indicators"] == clean["indicators"]


def test_scores_equal_check_alone(county: Path) -> None:
    _, data, _ = run_json(str(county), "--jobs", "1")
    assert len(data["schools"]) == VALID
    for school in data["schools"]:
        result = CliRunner().invoke(app, ["check", school["source"], "--as-of", AS_OF, "--format", "json"])
        alone = json.loads(result.stdout_bytes.decode("utf-8"))
        assert school["code"] == alone["school"]["code"]
        assert school["total"] == alone["total"]
        assert school["dimensions"] == {d["id"]: d["score"] for d in alone["dimensions"]}
        assert school["grade"]["id"] == alone["grade"]["id"]
        assert (school["level"] or {}).get("id") == (alone["level"] or {}).get("id")
        assert school["veto"] == alone["veto"]
        assert school["statuses"] == {i["id"]: i["status"] for i in alone["indicators"]}
        assert school["gate"]["passed"] == (result.exit_code == 0)


def test_huge_file_and_unexpected_error_do_not_stop_the_batch(county: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "boom.yaml").write_text(_school(2), encoding="utf-8")
    (tmp_path / "ok.yaml").write_text(_school(3), encoding="utf-8")
    limit = max((tmp_path / n).stat().st_size for n in ("boom.yaml", "ok.yaml"))
    (tmp_path / "big.yaml").write_text(_school(1) + "# " + "x" * limit + "\n", encoding="utf-8")
    monkeypatch.setenv("DANGJIAN_AUDIT_MAX_FILE_BYTES", str(limit))
    from dangjian_audit import report

    real = report.score_evidence  # what every batch path calls, with or without per-school reports

    def flaky(ruleset: Any, path: Path, *args: Any, **kwargs: Any) -> Any:
        if path.name == "boom.yaml":
            raise RecursionError("maximum recursion depth exceeded")
        return real(ruleset, path, *args, **kwargs)

    monkeypatch.setattr(report, "score_evidence", flaky)
    code, data, _ = run_json(str(tmp_path), "--jobs", "1")
    assert code == 3
    codes = {Path(i["source"]).name: i["diagnostics"][0]["code"] for i in data["invalid"]}
    assert codes == {"big.yaml": "file_too_large", "boom.yaml": "internal_error"}
    assert [Path(s["source"]).name for s in data["schools"]] == ["ok.yaml"]


# ---------------------------------------------------------------- parallel = serial


def test_jobs_2_output_is_identical_to_jobs_1(county: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pools = []
    real = multiprocessing.get_context

    def spy(*args: Any) -> Any:
        pools.append(args)
        return real(*args)

    monkeypatch.setattr(core.run, "PARALLEL_MIN_FILES", 0)
    monkeypatch.setattr(core.run.multiprocessing, "get_context", spy)
    serial = run(str(county), "--jobs", "1", "--format", "json")
    assert not pools
    parallel = run(str(county), "--jobs", "2", "--format", "json")
    assert pools, "the pool was not used"
    assert serial.exit_code == parallel.exit_code == 3
    assert parallel.stdout_bytes == serial.stdout_bytes
    assert run(str(county), "--jobs", "2", "--format", "csv").stdout_bytes == \
        run(str(county), "--jobs", "1", "--format", "csv").stdout_bytes


def test_workers_are_safe_under_spawn(county: Path, ruleset: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from dangjian_audit.i18n import Messages

    monkeypatch.setattr(core.run, "PARALLEL_MIN_FILES", 0)
    files = core.discover([county])
    options = core.BatchOptions(as_of=dt.date.fromisoformat(AS_OF))
    msgs = Messages("zh")

    def text(jobs: int, context: Any = None) -> str:
        summary = core.run_batch(files, ruleset, options, msgs, jobs, context=context)
        county_json = formats()["json"].county
        assert county_json is not None
        return str(join(county_json(summary, RenderOptions(msgs, ruleset))))

    assert text(2, multiprocessing.get_context("spawn")) == text(1)


def test_chunksize_is_clamped() -> None:
    assert core.chunksize(100, 2) == 3
    assert core.chunksize(20, 2) == 2
    assert core.chunksize(10_000, 2) == 256
    assert core.chunksize(4_000, 2) == 125


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize("name", ["json", "csv", "xlsx", "markdown", "html"])
def test_output_beside_out_is_the_summary_under_out_unless_it_links_the_reports(
        name: str, county: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    fmt = formats()[name]
    assert fmt.county is not None
    calls: list[bool] = []

    def counted(summary: Any, opts: RenderOptions, render: Any = fmt.county) -> Any:
        calls.append(opts.links)
        return render(summary, opts)

    monkeypatch.setitem(formats(), name, dataclasses.replace(fmt, county=counted))
    monkeypatch.setattr(aside, "can_fork", lambda: False)  # every render in this process, where it is counted
    out, target = tmp_path / "out", tmp_path / f"mine{fmt.suffix}"
    assert run(str(county), "--out", str(out), "--jobs", "1", "--output", str(target), "-q").exit_code == 3
    under_out = (out / f"summary{fmt.suffix}").read_bytes()
    if fmt.county_links:  # links into schools/ only make sense under --out: rendered again without them
        assert calls == [True, False]
        assert "schools/" in under_out.decode() and "schools/" not in target.read_text(encoding="utf-8")
    else:  # rendered once: the same bytes in both places
        assert calls == [True]
        assert target.read_bytes() == under_out


def test_out_writes_every_format_and_a_report_per_school(county: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(str(county), "--out", str(out), "--jobs", "1")
    assert result.exit_code == 3
    for suffix in ("md", "html", "json", "csv", "xlsx"):
        assert (out / f"summary.{suffix}").stat().st_size > 0, suffix
    reports = sorted(p.name for p in (out / "schools").iterdir())
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    stems = sorted(s["code"] for s in data["schools"])
    assert reports == sorted([f"{c}.html" for c in stems] + [f"{c}.md" for c in stems])
    first = data["schools"][0]
    assert first["reports"]["html"] == f"schools/{first['code']}.html"
    assert first["name"] in (out / first["reports"]["html"]).read_text(encoding="utf-8")
    assert f"]({first['reports']['markdown']})" in (out / "summary.md").read_text(encoding="utf-8")


def test_xlsx_has_frozen_headers_and_filters(county: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "county.xlsx"
    assert run(str(county), "--format", "xlsx", "--output", str(target)).exit_code == 3
    wb = load_workbook(target)
    assert len(wb.sheetnames) == 4
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
    summary, per_indicator, matrix, invalid = wb.worksheets
    assert summary.max_row == 1 + 7
    assert per_indicator.max_row == 1 + N_INDICATORS
    # below the schools: a blank row, the legend's title and one row per status
    from dangjian_audit.models.result import STATUS_KINDS

    assert matrix.max_row == 1 + VALID + 2 + len(STATUS_KINDS) and matrix.max_column == 4 + N_INDICATORS
    assert invalid.max_row == 1 + 3


def test_xlsx_needs_a_file(county: Path) -> None:
    result = run(str(county), "--format", "xlsx")
    assert result.exit_code == 2
    assert "usage_needs_output" in result.stderr


def test_csv_is_utf8_with_bom_one_row_per_file(county: Path, tmp_path: Path) -> None:
    target = tmp_path / "county.csv"
    run(str(county), "--format", "csv", "--output", str(target))
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0][:2] == ["名次", "文件"]
    assert len(rows) == 1 + 7
    assert all(len(r) == len(rows[0]) for r in rows)
    assert run(str(county), "--format", "csv").stdout_bytes.startswith(b"\xef\xbb\xbf")


def test_html_is_self_contained(county: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(str(county), "--out", str(out), "--jobs", "1")
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "@page" in html and "A4" in html
    lowered = html.lower()
    for needle in ("<script", "<link", "src=", "href=http", "href=\"http", "url(", "@import", "<img", "<iframe"):
        assert needle not in lowered, needle
    assert 'class="heat"' in html and 'class="sM"' in html
    assert html.count("<tr><td class=\"name\"") == VALID


def test_html_and_markdown_escape_school_names(tmp_path: Path) -> None:
    evil = _school(0).replace("name: 杭州市", "name: <script>alert(1)</script>|杭州市", 1)
    assert "<script>" in evil
    (tmp_path / "evil.yaml").write_text(evil, encoding="utf-8")
    html = run(str(tmp_path), "--format", "html").stdout_bytes.decode("utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = run(str(tmp_path), "--format", "markdown").stdout_bytes.decode("utf-8")
    assert "\\|杭州市" in md
    assert "<" not in md and ">" not in md and "&lt;script&gt;alert(1)&lt;/script&gt;\\|杭州市" in md


def test_markdown_summary_escapes_hostile_names(tmp_path: Path) -> None:
    hostile = "<img src=x onerror=alert(1)><!-- </details> & 杭州市"
    evil = _school(0).replace("name: 杭州市", f"name: {hostile}", 1)
    assert hostile in evil
    (tmp_path / "evil.yaml").write_text(evil, encoding="utf-8")
    (tmp_path / "bad`<b>.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    md = run(str(tmp_path), "--format", "markdown", "--jobs", "1").stdout_bytes.decode("utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;&lt;!-- &lt;/details&gt; &amp; 杭州市" in md
    # the only raw angle brackets are the invalid file's name, inside a code span
    outside_code = re.sub(r"^- ``[^\n]*``$", "", md, flags=re.MULTILINE)
    assert "<" not in outside_code and ">" not in outside_code
    assert re.search(r"^- ``[^\n]*bad`<b>\.yaml[^\n]*``$", md, flags=re.MULTILINE)


def test_english_text_summary(county: Path) -> None:
    result = run(str(county), "--lang", "en", "--jobs", "1")
    assert "County Party-building summary" in result.stdout
    assert "Invalid files (3)" in result.stdout
    chinese_ui = run(str(county), "--jobs", "1").stdout
    assert "学校排名" in chinese_ui and "无效文件（3 个）" in chinese_ui


def test_json_stream_equals_json_dumps() -> None:
    from dangjian_audit.reporters._county import _json_object

    pairs = [("a", 1), ("b", {"x": [1, 2], "y": "中"}), ("c", iter([{"k": [1]}, {"k": []}])), ("d", iter([]))]
    text = "".join(_json_object(pairs))
    expected = {"a": 1, "b": {"x": [1, 2], "y": "中"}, "c": [{"k": [1]}, {"k": []}], "d": []}
    assert text == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- safe report names


@pytest.mark.parametrize("code", ["../../etc/x", "/etc/passwd", "..\\..\\win", "..", ".", "", "a/../../b",
                                  "\x00\x1f\x7f", "C:\\x", "~/.ssh/id", "CON", "nul.txt", "x" * 300])
def test_safe_stem_never_escapes(code: str, tmp_path: Path) -> None:
    stem = core.safe_stem(code)
    assert stem and "/" not in stem and "\\" not in stem and ".." not in stem
    assert not stem.startswith(".") and stem.isprintable() and len(stem) <= core.MAX_STEM
    assert stem.split(".")[0].upper() not in {"CON", "NUL"}
    assert core.report_path(tmp_path, stem, ".html").parent == tmp_path


def test_safe_stem_keeps_ordinary_codes() -> None:
    assert core.safe_stem("330106-00007") == "330106-00007"
    assert core.safe_stem("石泉县第一小学") == "石泉县第一小学"


def test_report_names_are_deduplicated_in_order() -> None:
    namer = core.ReportNamer()
    assert [namer.assign(c) for c in ["A/B", "A_B", "a_b", "A_B-2", "x"]] == ["A_B", "A_B-2", "a_b-3", "A_B-2-2", "x"]


def test_malicious_codes_stay_inside_out(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for i, code in enumerate(["../../etc/x", "../../etc/x", "/tmp/abs", "330106-00001"]):
        (data / f"s{i}.yaml").write_text(_school(i, code), encoding="utf-8")
    out = tmp_path / "deep" / "out"
    result = run(str(data), "--out", str(out), "--jobs", "1", "--fail-under", "0")
    assert result.exit_code == 0, result.stderr
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()
                     and not p.is_relative_to(data))
    assert written == sorted(
        [f"deep/out/summary.{s}" for s in ("csv", "html", "json", "md", "xlsx")]
        + [f"deep/out/schools/{stem}.{s}" for stem in ("etc_x", "etc_x-2", "tmp_abs", "330106-00001")
           for s in ("html", "md")])
    assert not (tmp_path / "etc").exists() and not list((out / "schools").glob(".partial-*"))


# ---------------------------------------------------------------- exit codes and progress


def test_exit_codes(county: Path, tmp_path: Path) -> None:
    for i in range(2):
        (tmp_path / f"s{i}.yaml").write_text(_school(i), encoding="utf-8")
    assert run(str(tmp_path), "--fail-under", "0", "--format", "json").exit_code == 0
    failing = run(str(tmp_path), "--fail-under", "100", "--format", "json")
    assert failing.exit_code == 1
    assert json.loads(failing.stdout_bytes)["counts"]["failed_gate"] == 2
    assert run(str(county), "--fail-under", "0", "--format", "json").exit_code == 3
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert run(str(empty)).exit_code == 2


def test_progress_only_on_a_terminal_without_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.delenv("CI", raising=False)
    assert show_progress()
    monkeypatch.setenv("CI", "true")
    assert not show_progress()
    monkeypatch.delenv("CI")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert not show_progress()


def test_xlsx_carries_no_wall_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved at two different (fake) times, the workbook is the same bytes, dated only by the audit date."""
    import datetime as dt
    import types
    import zipfile

    import openpyxl.writer.excel as excel

    def clock(year: int) -> types.SimpleNamespace:
        class Now(dt.datetime):
            @classmethod
            def now(cls, tz: dt.tzinfo | None = None) -> Now:
                return cls(year, 6, 1, 12, 34, 56, tzinfo=tz)

        return types.SimpleNamespace(datetime=Now, timezone=dt.timezone)

    saved = []
    for year in (2031, 2032):
        # openpyxl stamps dcterms:modified with datetime.datetime.now() when it saves
        monkeypatch.setattr(excel, "datetime", clock(year))
        out = tmp_path / f"county-{year}.xlsx"
        code, _, _ = run_cli(["batch", "examples/province-chengguan-middle.yaml", "--format", "xlsx",
                              "--output", str(out), "--as-of", "2025-12-31"])
        assert code == 0
        saved.append(out.read_bytes())
    assert saved[0] == saved[1]
    with zipfile.ZipFile(io.BytesIO(saved[0])) as archive:
        assert {info.date_time[:3] for info in archive.infolist()} == {(2025, 12, 31)}
        props = archive.read("docProps/core.xml").decode("utf-8")
    dates = dict(re.findall(r"<dcterms:(created|modified)\b[^>]*>([^<]*)</dcterms:\1>", props))
    assert dates == {"created": "2025-12-31T00:00:00Z", "modified": "2025-12-31T00:00:00Z"}


# ---------------------------------------------------------------- outputs that cannot be written


def _unwritable_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if "[unwritable]" in line]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize("case", ["out_is_file", "out_under_file", "output_under_file", "xlsx_under_file"])
def test_unwritable_outputs_are_usage_errors(case: str, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    school = tmp_path / "s.yaml"
    school.write_text(_school(0), encoding="utf-8")
    args = {"out_is_file": ["--out", str(blocker)],
            "out_under_file": ["--out", str(blocker / "deeper")],
            "output_under_file": ["--format", "markdown", "--output", str(blocker / "summary.md")],
            "xlsx_under_file": ["--format", "xlsx", "--output", str(blocker / "summary.xlsx")]}[case]
    result = run(str(school), "--jobs", "1", *args)
    assert result.exit_code == 2, result.stderr
    line = _unwritable_line(result.stderr)
    assert line.startswith(str(blocker)) and ": error [unwritable] 无法写入：" in line
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_unwritable_school_report_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    school = tmp_path / "s.yaml"
    school.write_text(_school(0), encoding="utf-8")
    real_write_text = Path.write_text

    def full_disk(self: Path, *args: Any, **kwargs: Any) -> int:
        if self.name.startswith(core.PARTIAL_PREFIX):
            raise OSError(28, "No space left on device", str(self))
        return real_write_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full_disk)
    result = CliRunner().invoke(app, ["batch", str(school), "--out", str(tmp_path / "out"), "--jobs", "1",
                                      "--as-of", AS_OF, "--lang", "en"])
    assert result.exit_code == 2, result.stderr
    line = _unwritable_line(result.stderr)
    assert line.startswith(str(tmp_path / "out" / "schools" / core.PARTIAL_PREFIX))
    assert "error [unwritable] cannot write: No space left on device;" in line


# ---------------------------------------------------------------- averages


def test_averages_and_shares_round_half_up(ruleset: Any) -> None:
    """80.005 → 80.01 and 6.25% → 6.3%: exact decimals rounded half up, as the scores are (not float round())."""
    import datetime as dt

    from dangjian_audit.i18n import Messages

    grades = sorted(ruleset.scoring.grades, key=lambda g: g.min, reverse=True)
    n_dims = len(ruleset.catalog.header.dimensions)
    aggregator = core.CountyAggregator(ruleset)
    for i in range(16):
        first = i == 0  # one school in sixteen: 6.25 %
        aggregator.add(SchoolRow(
            index=i, code=f"S{i:02d}", name=f"学校{i}", county=None, type="primary",
            total=D("80.08") if first else D(80),
            dimensions=(D("16.08") if first else D(16),) + (D(16),) * (n_dims - 1),
            grade=grades[0 if first else 1].id, level=None, veto=(), gate=(),
            statuses=("M" if first else "N") + "M" * 46))
    summary = aggregator.summary(Messages("zh"), dt.date(2025, 9, 15), D(60))
    assert summary.average_total == D("80.01")  # float round(80.005, 2) gives 80.0
    assert summary.dimensions[0].average == D("16.01")
    assert [g.percent for g in summary.grades[:2]] == [D("6.3"), D("93.8")]  # float round(6.25, 1) gives 6.2
    assert summary.indicators[0].met_percent == D("6.3") and summary.indicators[1].met_percent == D(100)


def test_percent_rounds_half_up() -> None:
    shares = [percent(1, 16), percent(1, 8), percent(1, 3), percent(2, 3)]
    assert shares == [D(x) for x in ("6.3", "12.5", "33.3", "66.7")]


def _die_on_crash_file(item: tuple[int, str]) -> Any:
    import os

    if item[1].endswith("crash.yaml"):
        os._exit(1)  # a worker killed outright, as by the out-of-memory killer
    return _REAL_SCORE_FILE(item)


_REAL_SCORE_FILE = core.score_file


def test_a_dead_worker_loses_no_file(county: Path, ruleset: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from dangjian_audit.i18n import Messages

    (county / "zz-crash.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    monkeypatch.setattr(core.run, "PARALLEL_MIN_FILES", 0)
    monkeypatch.setattr(core.run, "score_file", _die_on_crash_file)  # inherited by forked workers
    files = core.discover([county])
    options = core.BatchOptions(as_of=dt.date.fromisoformat(AS_OF))
    summary = core.run_batch(files, ruleset, options, Messages("zh"), 2, context=multiprocessing.get_context("fork"))
    listed = {row.source for _, row in summary.ranking} | {inv.source for inv in summary.invalid}
    assert listed == set(files)
    lost = [inv for inv in summary.invalid if inv.diagnostics[0].code == "worker_lost"]
    assert any(inv.source.endswith("zz-crash.yaml") for inv in lost)
