"""Ledger workbooks: the template follows the model, import/export round-trip, and faulty workbooks
get diagnostics at their cells (``LEDGER.xlsx:会议记录!C14``) with the YAML path's messages."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, EXAMPLES, run_cli
from openpyxl import Workbook, load_workbook
from pydantic import create_model

from dangjian_audit.engine import evaluate
from dangjian_audit.ledger.layout import _Walker, layout, words
from dangjian_audit.ledger.template import render_workbook
from dangjian_audit.ledger.writer import canonical_yaml, export_workbook
from dangjian_audit.loading import load_evidence
from dangjian_audit.models.evidence import Meeting
from dangjian_audit.scoring import score

HOULIU = EXAMPLES / "county-houliu-primary.yaml"
MEETINGS = "会议记录"


@pytest.fixture(scope="module")
def houliu_bytes() -> bytes:
    return export_workbook(load_evidence(HOULIU), "zh", str(HOULIU))


@pytest.fixture()
def ledger(tmp_path: Path, houliu_bytes: bytes) -> Path:
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(houliu_bytes)
    return path


def _edit(path: Path, change: Any) -> None:
    wb = load_workbook(path)
    change(wb)
    wb.save(path)


def _import(path: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli(["import", str(path), *extra])


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error [" in line]


# ---------------------------------------------------------------- the template


def test_template_sheets_columns_notes_and_dropdowns(tmp_path: Path) -> None:
    out = tmp_path / "ledger.xlsx"
    code, _, stderr = run_cli(["init", "--format", "xlsx", "-o", str(out)])
    assert code == 0, stderr
    wb = load_workbook(out)
    for name in ("填写说明", "基本情况", "会议记录", "党员名册", "制度文件", "决策事项", "活动记录", "谈心谈话", "附件",
                 "可选值"):
        assert name in wb.sheetnames
    ws = wb[MEETINGS]
    headers = [c.value for c in ws[1]]
    w = words("zh")
    meeting_fields = [n for n in Meeting.model_fields if n not in ("src_line", "attachments", "vote", "delegates")]
    for name in meeting_fields:
        assert any(h.rstrip(" *") == w.title("Meeting", name) for h in headers), name
    assert headers[:3] == ["编号 *", "会议类型 *", "日期 *"]
    assert "表决·有表决权人数" in headers  # a nested object is flattened into columns
    assert ws["C1"].comment is not None and ws["C1"].comment.text == w.description("Meeting", "date")
    assert ws.freeze_panes == "B2"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.column_dimensions["C"].number_format == "yyyy-mm-dd"
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["B2:B1048576"].startswith("'可选值'!$B$")
    assert lists["I2:I1048576"] == '"是,否"'
    # the untouched template names the required facts at their rows, with the YAML path's message
    code, _, stderr = _import(out)
    assert code == 3
    assert any(line.endswith('ledger.xlsx:基本情况!A3: error [missing] 缺少必填字段 "评估期"；请补充。')
               for line in _errors(stderr)), stderr


def test_template_is_deterministic_and_english_headers(tmp_path: Path) -> None:
    assert render_workbook("zh") == render_workbook("zh")
    english = tmp_path / "en.xlsx"
    english.write_bytes(render_workbook("en"))
    wb = load_workbook(english)
    assert "Meetings" in wb.sheetnames and "Facts" in wb.sheetnames
    assert [c.value for c in wb["Meetings"][1]][:3] == ["ID *", "Kind *", "Date *"]


def test_a_new_model_field_becomes_a_column() -> None:
    """Generated, not drawn: a field added to a record model appears as a column with no other change."""
    extended = create_model("Meeting", __base__=Meeting, livestream=(bool | None, None))
    columns = _Walker().row(extended, (), True, None, "meetings")
    assert [c.key for c in columns][-1] == "livestream"
    assert columns[-1].kind == "bool"
    assert [c.key for c in layout().table("meetings").columns] == [c.key for c in columns][:-1]


# ---------------------------------------------------------------- round trip


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_round_trip(example: Path, tmp_path: Path, ruleset: Any) -> None:
    original = load_evidence(example)
    first = tmp_path / "first.xlsx"
    first.write_bytes(export_workbook(original, "zh", str(example)))
    assert export_workbook(original, "zh", str(example)) == first.read_bytes()  # deterministic
    imported = load_evidence(first)
    assert imported.model_dump() == original.model_dump()
    assert score(ruleset, evaluate(ruleset, imported, AS_OF)) == score(ruleset, evaluate(ruleset, original, AS_OF))
    canonical = canonical_yaml(imported)
    yaml_path = tmp_path / "canonical.yaml"
    yaml_path.write_text(canonical, encoding="utf-8")
    second = tmp_path / "second.xlsx"
    second.write_bytes(export_workbook(load_evidence(yaml_path), "en", str(yaml_path)))  # either language
    assert canonical_yaml(load_evidence(second)) == canonical  # a fixed point, byte for byte
    assert "__line__" not in canonical


def test_cli_round_trip_and_check_reads_the_workbook(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "school.yaml"
    code, _, stderr = _import(ledger, "-o", str(out))
    assert code == 0, stderr
    again = tmp_path / "again.xlsx"
    assert run_cli(["export", str(out), "-o", str(again)])[0] == 0
    code, _, _ = _import(again, "-o", str(tmp_path / "again.yaml"))
    assert code == 0 and (tmp_path / "again.yaml").read_bytes() == out.read_bytes()
    as_of = AS_OF.isoformat()
    from_yaml = run_cli(["check", str(HOULIU), "-f", "json", "--as-of", as_of])
    from_xlsx = run_cli(["check", str(ledger), "-f", "json", "--as-of", as_of])
    assert from_xlsx[0] == from_yaml[0]
    assert json.loads(from_xlsx[1])["total"] == json.loads(from_yaml[1])["total"]


def test_committed_example_workbook_matches_its_yaml() -> None:
    workbook = EXAMPLES / "county-houliu-primary.xlsx"
    assert load_evidence(workbook).model_dump() == load_evidence(HOULIU).model_dump()


# ---------------------------------------------------------------- what users type


def test_lenient_where_the_meaning_is_plain(ledger: Path) -> None:
    def change(wb: Workbook) -> None:
        ws = wb[MEETINGS]
        ws["A2"] = "  ZW2409  "  # trailing and leading spaces
        ws["B3"] = "theme_day"  # the English code instead of the label
        ws["C2"] = "2024/09/03"  # a text date with slashes
        ws["C3"] = "2024年9月15日"
        ws["D3"] = "１１"  # full-width digits
        ws["C4"] = 45568  # a serial date in a date-formatted cell: 2024-10-03
        ws["C4"].number_format = "yyyy-mm-dd"
        ws.insert_rows(5)  # a blank row in the middle
    _edit(ledger, change)
    assert load_evidence(ledger).model_dump() == load_evidence(HOULIU).model_dump()


def _general(ws: Any, ref: str, value: Any) -> None:
    ws[ref] = value
    ws[ref].number_format = "General"


FAULTS = [
    ("wrong type", lambda ws: ws.__setitem__("D2", "三人"), "会议记录!D2",
     'error [int_type] 应到人数 应为整数，实际为 "三人"。'),
    ("impossible date", lambda ws: ws.__setitem__("C2", "2025/02/30"), "会议记录!C2",
     'error [impossible_date] 日期 "2025/02/30" 不存在；请改为真实日期（YYYY-MM-DD）。'),
    ("text that is no date", lambda ws: ws.__setitem__("C2", "九月初"), "会议记录!C2",
     'error [date_from_datetime_parsing] 日期 的值 "九月初" 不是有效日期；请使用 YYYY-MM-DD 格式。'),
    ("serial date in a general cell", lambda ws: _general(ws, "C2", 45585), "会议记录!C2",
     "error [ledger_serial_date] 日期 的值 45585 像是 Excel 日期序列号（即 2024-10-20）；"
     "请把单元格设置为日期格式，或直接填写 2024-10-20。"),
    ("unknown drop-down value", lambda ws: ws.__setitem__("B2", "座谈会"), "会议记录!B2",
     'error [literal_error] 会议类型 的值 "座谈会" 不在允许范围内；可选值：党组织会议, 校长办公会,'),
    ("unknown agenda flag", lambda ws: ws.__setitem__("K2", "第一议题学习、茶话会"), "会议记录!K2",
     'error [literal_error] 议程标记 的值 "茶话会" 不在允许范围内；'),
    ("formula", lambda ws: ws.__setitem__("E2", "=1+2"), "会议记录!E2",
     'error [ledger_formula] 实到人数 含公式（=1+2）；台账只读取数值，请复制后"选择性粘贴为数值"。'),
    ("merged cells", lambda ws: ws.merge_cells("F2:F3"), "会议记录!F2",
     "error [ledger_merged] 单元格 F2:F3 被合并；请取消合并，并在每一行分别填写。"),
    ("model rule", lambda ws: ws.__setitem__("E2", 9), "会议记录!A2",
     "error [present_exceeds_expected] 实到人数多于应到人数；请检查 expected 和 present。"),
    ("duplicate id", lambda ws: ws.__setitem__("A3", "ZW2409"), "会议记录!A3",
     'error [duplicate_id] meetings 中编号 "ZW2409" 重复；每条记录的 id 必须唯一。'),
    ("date outside the period", lambda ws: ws.__setitem__("C2", dt.date(2023, 9, 3)), "会议记录!C2",
     "error [date_out_of_period] 日期 2023-09-03 不在评估期 2024-09-01 至 2025-08-31 内；"),
    ("missing required value", lambda ws: ws.__setitem__("B2", None), "会议记录!B2",
     'error [missing] 缺少必填字段 "会议类型"；请补充。'),
    ("unknown column", lambda ws: ws.__setitem__("R1", "备注"), "会议记录!R1",
     'error [extra_forbidden] 未知字段 "备注"（可能是拼写错误）；'),
    ("error value", lambda ws: ws.__setitem__("D2", "#N/A"), "会议记录!D2",
     "error [ledger_cell_error] 应到人数 是错误值（#N/A）；请填写正确的值。"),
    ("value under no header", lambda ws: ws.__setitem__("T5", "补记"), "会议记录!T5",
     'error [ledger_unlabelled_value] 工作表"会议记录"的这一列没有表头，其中的内容不会被读取；'),
    ("boolean", lambda ws: ws.__setitem__("I3", "有"), "会议记录!I3",
     'error [bool_type] 记录缺席情况 应为 true 或 false，实际为 "有"。'),
]


@pytest.mark.parametrize(("change", "cell", "message"), [f[1:] for f in FAULTS], ids=[f[0] for f in FAULTS])
def test_faulty_cell_is_located(ledger: Path, change: Any, cell: str, message: str) -> None:
    _edit(ledger, lambda wb: change(wb[MEETINGS]))
    code, stdout, stderr = _import(ledger)
    assert code == 3 and stdout == ""
    assert any(f"ledger.xlsx:{cell}: {message}" in line for line in _errors(stderr)), stderr
    # check reads the workbook the same way
    assert run_cli(["check", str(ledger)])[0] == 3


def test_facts_sheet_value(ledger: Path) -> None:
    def change(wb: Workbook) -> None:
        ws = wb["基本情况"]
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == "正式党员人数 *")
        ws.cell(row, 3).value = "十"
    _edit(ledger, change)
    code, _, stderr = _import(ledger)
    assert code == 3
    assert 'ledger.xlsx:基本情况!C16: error [int_type] 正式党员人数 应为整数，实际为 "十"。' in stderr


def test_missing_sheets(ledger: Path, tmp_path: Path) -> None:
    without_meetings = tmp_path / "no-meetings.xlsx"
    without_meetings.write_bytes(ledger.read_bytes())
    _edit(without_meetings, lambda wb: wb.remove(wb[MEETINGS]))
    out = tmp_path / "school.yaml"
    code, _, stderr = _import(without_meetings, "-o", str(out))
    assert code == 3  # decisions refer to meetings that are now absent
    assert "error [unknown_meeting]" in stderr and "决策事项!" in stderr
    _edit(ledger, lambda wb: wb.remove(wb["基本情况"]))
    code, _, stderr = _import(ledger)
    assert code == 3
    assert 'ledger.xlsx: error [ledger_missing_sheet] 工作簿缺少必需的工作表"基本情况"；' in stderr


def test_missing_list_sheet_means_section_absent(ledger: Path, tmp_path: Path) -> None:
    _edit(ledger, lambda wb: wb.remove(wb["谈心谈话"]))
    out = tmp_path / "school.yaml"
    assert _import(ledger, "-o", str(out))[0] == 0
    assert "talks:" not in out.read_text(encoding="utf-8")


def test_unknown_sheet(ledger: Path) -> None:
    _edit(ledger, lambda wb: wb.create_sheet("草稿"))
    code, _, stderr = _import(ledger)
    assert code == 3 and 'ledger.xlsx:草稿!A1: error [ledger_unknown_sheet] 无法识别的工作表"草稿"' in stderr


def test_unknown_attachment_record(ledger: Path) -> None:
    def change(wb: Workbook) -> None:
        wb["附件"].append(["会议记录", "NOPE", "minutes/nope.pdf"])
    _edit(ledger, change)
    code, _, stderr = _import(ledger)
    assert code == 3
    assert ('ledger.xlsx:附件!B2: error [ledger_unknown_record] 记录编号：在工作表"会议记录"中没有编号为 "NOPE" 的记录'
            in stderr)


def test_large_or_broken_workbooks_are_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.xlsx"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    code, _, stderr = _import(big)
    assert code == 3 and "error [archive_too_large]" in stderr and "52428800" in stderr
    broken = tmp_path / "old.xlsx"
    broken.write_bytes(b"\xd0\xcf\x11\xe0 an old binary .xls")
    code, _, stderr = _import(broken)
    assert code == 3 and "error [archive_bad]" in stderr


def test_english_diagnostics(ledger: Path) -> None:
    _edit(ledger, lambda wb: wb[MEETINGS].__setitem__("D2", "three"))
    code, _, stderr = _import(ledger, "--lang", "en")
    assert code == 3
    assert 'ledger.xlsx:会议记录!D2: error [int_type] 应到人数 must be a whole number, got "three".' in stderr


def test_every_choice_has_a_label_in_each_language_and_none_is_ambiguous() -> None:
    """The reader accepts any language's label or the code: no two values of one field may share one."""
    from dangjian_audit.ledger.layout import all_words, normal

    columns = [*layout().facts, *(c for t in layout().tables for c in t.columns)]
    for col in (c for c in columns if c.kind in ("choice", "choices") and len(c.values) > 1):
        meaning: dict[str, object] = {normal(v): v for v in col.values}
        for w in all_words():
            for value in col.values:
                label = w.label(col.owner, col.name, value)
                if w.lang == "zh":
                    assert label != str(value), (col.owner, col.name, value)  # a Chinese label exists
                assert meaning.setdefault(normal(label), value) == value, (col.owner, col.name, label)


def test_export_refuses_a_list_item_that_cannot_share_a_cell(tmp_path: Path) -> None:
    source = tmp_path / "school.yaml"
    checklist = "checklist: [sign, flag, rules_wall, member_board, books]"
    text = HOULIU.read_text(encoding="utf-8")
    assert checklist in text
    source.write_text(text.replace(checklist, "checklist: [sign, 'flag、emblem']"), encoding="utf-8")
    code, _, stderr = run_cli(["export", str(source), "-o", str(tmp_path / "out.xlsx")])
    assert code == 3, stderr
    assert 'error [ledger_list_separator] facility.checklist 的第 2 项 "flag、emblem" 含有分隔符' in stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_a_sheet_without_its_header(ledger: Path) -> None:
    def change(wb: Workbook) -> None:
        ws = wb["谈心谈话"]
        for cell in ws[1]:
            cell.value = None
    _edit(ledger, change)
    code, _, stderr = _import(ledger)
    assert code == 3
    assert ('ledger.xlsx:谈心谈话!A1: error [ledger_no_header] 工作表"谈心谈话"第一行应为表头；请恢复模板中的表头。'
            in stderr)


def test_east_asian_builtin_date_format(ledger: Path, tmp_path: Path) -> None:
    """A date typed as 2025年3月1日 in a Chinese spreadsheet has the built-in format 31, unknown to openpyxl."""
    import re
    import zipfile

    code = 'yyyy"年"m"月"d"日"'
    def change(wb: Workbook) -> None:
        wb[MEETINGS]["C2"] = 45538  # 2024-09-03
        wb[MEETINGS]["C2"].number_format = code
    _edit(ledger, change)
    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(ledger) as src, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/styles.xml":
                text = data.decode("utf-8")
                custom = re.search(r'<numFmt numFmtId="(\d+)" formatCode="yyyy&quot;年', text)
                assert custom is not None
                # a built-in format is referenced by its id and never declared
                text = re.sub(rf'<numFmt numFmtId="{custom.group(1)}" formatCode="[^"]*"\s*/>', "", text)
                text = text.replace(f'numFmtId="{custom.group(1)}"', 'numFmtId="31"')
                data = text.encode("utf-8")
            dst.writestr(info, data)
    cell = load_workbook(patched)[MEETINGS]["C2"]
    assert not cell.is_date and cell.value == 45538  # what openpyxl alone makes of it
    assert load_evidence(patched).model_dump() == load_evidence(HOULIU).model_dump()


def test_consistency_checks_point_at_cells(ledger: Path) -> None:
    """The checks beyond types (issue 8's consistency pass) locate their faults in the workbook too."""
    _edit(ledger, lambda wb: wb["谈心谈话"].__setitem__("B2", "M99"))
    code, _, stderr = _import(ledger)
    assert code == 3
    assert 'ledger.xlsx:谈心谈话!B2: error [unknown_member] 党员 "M99" 不在 members 名册中；' in stderr
