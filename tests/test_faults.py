"""Issue 8: every fault of the "Seen" list is refused with exit 3 and a located diagnostic, never scored.

The text faults are data (``tests/faults/seen.yaml``): each edits one bundled example. Each refusal is
compared with its golden diagnostic output in ``tests/golden/faults/``. The faults that need more than a
text edit (a FIFO, unreadable files and folders, huge files, faulty catalogs and profiles) follow.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLES, ROOT, assert_golden, run_cli

FAULTS_FILE = Path(__file__).parent / "faults" / "seen.yaml"
GOLDEN = Path(__file__).parent / "golden" / "faults"
FAULTS: list[dict[str, Any]] = yaml.safe_load(FAULTS_FILE.read_text(encoding="utf-8"))["faults"]
DIAGNOSTIC = re.compile(r"^(?P<path>.+?)(?::(?P<line>\d+):(?P<col>\d+))?: error \[(?P<code>\w+)\] ")
# problems of the file as a whole, before any line is read or parsed
FILE_LEVEL = {"file_too_large", "not_regular_file", "unreadable", "permission_denied", "yaml_too_many_values",
              "unreadable_folder"}


def faulty_text(fault: dict[str, Any]) -> str:
    """The example with the fault applied (shared with benchmarks/faults.py)."""
    text = (EXAMPLES / fault["example"]).read_text(encoding="utf-8")
    assert text.count(fault["old"]) >= 1, fault["name"]
    new = fault["new"]
    if "repeat" in fault:
        char, times = fault["repeat"]
        new = new.replace("{repeat}", char * times)
    return text.replace(fault["old"], new, 1)


def _line_of(text: str, marker: str) -> int:
    index = text.index(marker)
    return text.count("\n", 0, index) + 1


def _check(path: Path, *extra: str) -> tuple[int, str]:
    code, _, err = run_cli(["check", str(path), "--as-of", "2025-12-31", *extra])
    return code, err.replace(str(path.parent) + os.sep, "")


def _diagnostics(err: str) -> list[re.Match[str]]:
    return [m for line in err.splitlines() if (m := DIAGNOSTIC.match(line))]


@pytest.mark.parametrize("fault", FAULTS, ids=[f["name"] for f in FAULTS])
def test_seen_fault_is_refused_at_its_line(tmp_path: Path, fault: dict[str, Any], update_golden: bool) -> None:
    text = faulty_text(fault)
    path = tmp_path / fault["example"]
    path.write_text(text, encoding="utf-8")
    code, err = _check(path)
    assert code == 3, err
    assert "Traceback" not in err
    found = _diagnostics(err)
    assert found, err
    assert all(d["path"] == fault["example"] for d in found)
    wanted = [d for d in found if d["code"] == fault["code"]]
    assert wanted, f"{fault['code']} not in:\n{err}"
    if fault["at"] is not None:
        assert int(wanted[0]["line"]) == _line_of(text, fault["at"]), err
    assert all(d["line"] is not None or d["code"] in FILE_LEVEL for d in found), err
    assert_golden(GOLDEN / f"{fault['name']}.txt", err, update_golden)


def test_the_faults_cover_issue_8(tmp_path: Path) -> None:
    """Every class the issue names has a fault in the table (a deleted entry is noticed)."""
    codes = {f["code"] for f in FAULTS}
    assert {"part_exceeds_whole", "members_formal_mismatch", "less_than_equal", "int_type", "number_too_large",
            "unknown_member", "talk_with_self", "unknown_party_group", "unknown_indicator", "period_too_long",
            "date_before", "term_outside_period", "blank_text", "name_length", "control_character",
            "date_excel_serial", "evidence_sets_rule"} <= codes


def test_control_characters_are_never_echoed_raw(tmp_path: Path) -> None:
    """A hostile key or value shows up escaped in the diagnostic, never as a terminal command."""
    text = (EXAMPLES / "county-houliu-primary.yaml").read_text(encoding="utf-8")
    path = tmp_path / "x.yaml"
    path.write_text(text.replace("  formal_members: 10\n", '  formal_members: 10\n  "\\e]2;pwned\\a\\u202e": 1\n'),
                    encoding="utf-8")
    code, err = _check(path)
    assert code == 3
    assert "\x1b" not in err and "\x07" not in err and "\u202e" not in err
    assert "\\u001b]2;pwned\\u0007\\u202e" in err


def test_english_diagnostics_are_wholly_english(tmp_path: Path) -> None:
    fault = next(f for f in FAULTS if f["name"] == "colon-inside-a-value")
    path = tmp_path / "x.yaml"
    path.write_text(faulty_text(fault), encoding="utf-8")
    code, err = _check(path, "--lang", "en")
    assert code == 3 and "[yaml_mapping_values] a colon is out of place" in err
    code, err = _check(path)
    message = err.split("] ", 1)[1].split("（解析器", 1)[0]
    assert re.search("[A-Za-z]{4,}", message.replace("YAML", "")) is None, message


# ---------------------------------------------------------------- files that are not what they seem


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_does_not_hang_check(tmp_path: Path) -> None:
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    code, err = _check(fifo)
    assert code == 3
    assert "[not_regular_file]" in err


def test_file_over_the_size_limit_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * 2000 + b"\n")
    code, err = _check(path, "--max-file-size", "1000")
    assert code == 3 and "[file_too_large]" in err and "1000" in err
    monkeypatch.setenv("DANGJIAN_AUDIT_MAX_FILE_BYTES", "1000")
    code, err = _check(path)
    assert code == 3 and "[file_too_large]" in err
    monkeypatch.delenv("DANGJIAN_AUDIT_MAX_FILE_BYTES")
    example = tmp_path / "ok.yaml"
    shutil.copy(EXAMPLES / "county-houliu-primary.yaml", example)
    code, err = _check(example)
    assert code in (0, 1), err


def test_same_limit_for_check_batch_and_plan(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * 2000 + b"\n")
    code, _, err = run_cli(["batch", str(tmp_path), "--as-of", "2025-12-31", "--max-file-size", "1000", "-j", "1"])
    assert code == 3 and "[file_too_large]" in err
    code, _, err = run_cli(["plan", str(path), "--as-of", "2025-12-31", "--max-file-size", "1000"])
    assert code == 3 and "[file_too_large]" in err


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_is_exit_3(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    shutil.copy(EXAMPLES / "county-houliu-primary.yaml", path)
    path.chmod(0)
    try:
        code, err = _check(path)
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert code == 3 and "[permission_denied]" in err


def test_unreadable_folder_is_listed_by_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder batch cannot list is an invalid input, never skipped (simulated: root reads every folder)."""
    from dangjian_audit import batch

    (tmp_path / "a").mkdir()
    shutil.copy(EXAMPLES / "county-houliu-primary.yaml", tmp_path / "a" / "s.yaml")
    (tmp_path / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if os.path.basename(os.fspath(path)) == "locked":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = batch.discover([tmp_path])
    assert str(tmp_path / "locked") in found
    assert str(tmp_path / "a" / "s.yaml") in found


# ---------------------------------------------------------------- catalogs and profiles


def _catalog_copy(tmp_path: Path) -> Path:
    target = tmp_path / "indicators"
    shutil.copytree(ROOT / "indicators", target)
    return target


def test_unknown_placeholder_in_a_catalog_message(tmp_path: Path) -> None:
    catalog = _catalog_copy(tmp_path)
    dim = catalog / "JC.yaml"
    text = dim.read_text(encoding="utf-8")
    match = re.search(r"message: \{zh: ([^,]+),", text)
    assert match is not None
    dim.write_text(text.replace(match.group(0), "message: {zh: '人数 {0} 不足',", 1), encoding="utf-8")
    code, _, err = run_cli(["catalog", "list", "--catalog", str(catalog)])
    assert code == 3, err
    found = _diagnostics(err)
    assert [d["code"] for d in found] == ["catalog_message_placeholder"], err
    assert int(found[0]["line"]) == _line_of(dim.read_text(encoding="utf-8"), "人数 {0} 不足")


def test_missing_dimension_file_has_a_line(tmp_path: Path) -> None:
    catalog = _catalog_copy(tmp_path)
    (catalog / "JC.yaml").unlink()
    code, _, err = run_cli(["catalog", "list", "--catalog", str(catalog)])
    assert code == 3
    found = _diagnostics(err)
    assert found and found[0]["code"] == "catalog_missing_file", err
    head = (catalog / "catalog.yaml").read_text(encoding="utf-8")
    assert int(found[0]["line"]) == _line_of(head, "JC.yaml")


@pytest.mark.parametrize(("setting", "code"), [
    ("JC-03: {turnout: 1.5}", "less_than_equal"),
    ("JC-03: {max_extension_years: -1}", "greater_than_equal"),
])
def test_profile_mistakes_point_at_the_profile(tmp_path: Path, setting: str, code: str) -> None:
    profile = tmp_path / "county.yaml"
    profile.write_text(f"name: 测试县\nparams:\n  {setting}\n", encoding="utf-8")
    status, _, err = run_cli(["catalog", "list", "--profile", str(profile)])
    assert status == 3, err
    found = _diagnostics(err)
    assert found, err
    assert all(d["path"] == str(profile) for d in found), err
    assert found[0]["code"] == code and found[0]["line"] == "3", err


def test_profile_month_13_points_at_the_profile(tmp_path: Path) -> None:
    profile = tmp_path / "county.yaml"
    profile.write_text("name: 测试县\nsettings:\n  exempt_months: [7, 13]\n", encoding="utf-8")
    status, _, err = run_cli(["catalog", "list", "--profile", str(profile)])
    assert status == 3, err
    found = _diagnostics(err)
    assert found and all(d["path"] == str(profile) and d["line"] == "3" for d in found), err
    assert {d["code"] for d in found} == {"less_than_equal"}, err
    assert int(found[0]["col"]) == len("  exempt_months: [7, ") + 1, err


def test_unreadable_file_is_exit_3_even_for_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same, simulated where the tests run as root (who reads every file)."""
    path = tmp_path / "secret.yaml"
    shutil.copy(EXAMPLES / "county-houliu-primary.yaml", path)
    real_open = os.open

    def deny(file: Any, *args: Any, **kwargs: Any) -> int:
        if os.fspath(file) == str(path):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    code, err = _check(path)
    assert code == 3 and "secret.yaml: error [permission_denied]" in err


# ---------------------------------------------------------------- a county's folder, faults among good files


def test_batch_scores_good_files_as_check_alone_and_lists_every_fault(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    county = tmp_path / "county"
    good = sorted(p.name for p in EXAMPLES.glob("*.yaml"))
    (county / "good").mkdir(parents=True)
    for name in good:
        shutil.copy(EXAMPLES / name, county / "good" / name)
    (county / "faulty").mkdir()
    for fault in FAULTS:
        (county / "faulty" / f"{fault['name']}.yaml").write_text(faulty_text(fault), encoding="utf-8")
    if hasattr(os, "mkfifo"):
        os.mkfifo(county / "faulty" / "pipe.yaml")
    (county / "locked").mkdir()
    (county / "locked" / "hidden-school.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if os.path.basename(os.fspath(path)) == "locked":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, err = run_cli(["batch", str(county), "--as-of", "2025-12-31", "--format", "json", "-j", "1"])
    monkeypatch.setattr(os, "scandir", real_scandir)
    assert code == 3, err
    data = json.loads(out)
    invalid = {Path(i["source"]).relative_to(county).as_posix(): i["diagnostics"][0]["code"] for i in data["invalid"]}
    expected = {f"faulty/{f['name']}.yaml" for f in FAULTS} | {"locked"}
    if hasattr(os, "mkfifo"):
        expected.add("faulty/pipe.yaml")
    assert set(invalid) == expected
    assert invalid["locked"] == "unreadable_folder"
    assert sorted(Path(s["source"]).name for s in data["schools"]) == good
    for school in data["schools"]:
        _, alone_out, _ = run_cli(["check", school["source"], "--as-of", "2025-12-31", "--format", "json"])
        alone = json.loads(alone_out)
        assert school["total"] == alone["total"]
        assert school["statuses"] == {i["id"]: i["status"] for i in alone["indicators"]}
        assert school["dimensions"] == {d["id"]: d["score"] for d in alone["dimensions"]}


def test_catalog_header_problems_have_their_lines(tmp_path: Path) -> None:
    catalog = _catalog_copy(tmp_path)
    head = catalog / "catalog.yaml"
    text = head.read_text(encoding="utf-8")
    match = re.search(r"require_met: \[([A-Z]{2}-\d{2})", text)
    assert match is not None
    head.write_text(text.replace(match.group(0), "require_met: [ZZ-99", 1), encoding="utf-8")
    code, _, err = run_cli(["catalog", "list", "--catalog", str(catalog)])
    assert code == 3
    found = _diagnostics(err)
    assert [d["code"] for d in found] == ["catalog_unknown_indicator"], err
    assert int(found[0]["line"]) == _line_of(head.read_text(encoding="utf-8"), "ZZ-99")


@pytest.mark.parametrize(("text", "code"), [
    ("a: b: c\n", "yaml_mapping_values"),
    ("a:\n\t- b\n", "yaml_tab"),
    ("a: \"abc\n", "yaml_unclosed_quote"),
    ("a: [1, 2\n", "yaml_flow_unclosed"),
    ("a: {b: c\n", "yaml_flow_unclosed"),
    ("a: \"\\q\"\n", "yaml_escape"),
    ("- a\nb: c\n", "yaml_indentation"),
    ("a: b\n- c\n", "yaml_indentation"),
    ("a: @b\n", "yaml_bad_character"),
    ("a: 1\n---\nb: 2\n", "yaml_multiple_documents"),
    ("a: " + "[" * 2000 + "]" * 2000 + "\n", "yaml_too_deep"),
    ("a: 0x" + "f" * 5000 + "\n", "number_too_large"),
    ("a: !!float x\n", "yaml_syntax"),
])
def test_yaml_problems_have_their_own_codes(text: str, code: str) -> None:
    """The parser's common problems are told in the user's language; its English is only the detail."""
    from dangjian_audit.errors import InputError
    from dangjian_audit.i18n import Messages
    from dangjian_audit.yamlio import parse

    with pytest.raises(InputError) as caught:
        parse(text, "x.yaml")
    found = caught.value.diagnostics[0]
    assert found.code == code
    message = Messages("zh").error(found.code, found.args)
    assert re.search("[A-Za-z]{4,}", message.split("（解析器")[0].replace("YAML", "").replace("Tab", "")) is None \
        or code == "yaml_syntax", message


def test_references_into_an_omitted_section_are_not_refused(tmp_path: Path) -> None:
    """Without a roster (or party groups), the file is incomplete, not impossible: it is scored."""
    text = (EXAMPLES / "county-houliu-primary.yaml").read_text(encoding="utf-8")
    start, end = text.index("members:\n"), text.index("meetings:\n")
    path = tmp_path / "no-roster.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    code, err = _check(path)
    assert code in (0, 1), err
    path.write_text((text[:start] + text[end:]).replace("a: M01, b: M02}", "a: M01, b: M01}", 1), encoding="utf-8")
    code, err = _check(path)
    assert code == 3 and "[talk_with_self]" in err
