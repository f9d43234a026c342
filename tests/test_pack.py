"""Attachments (attach, check) and evidence packs (pack, check school.zip), with unsafe zips refused."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from conftest import AS_OF, EXAMPLES, run_cli

from dangjian_audit.archive import ZipLimits, inspect_zip
from dangjian_audit.errors import InputError

HOULIU = EXAMPLES / "county-houliu-primary.yaml"
# the first meeting of the example, in flow style
MEETING = "  - {id: ZW2409, kind: branch_committee, date: 2024-09-03, expected: 3, present: 3, agenda: [first_topic]}"


@pytest.fixture()
def school(tmp_path: Path) -> Path:
    """The example with the minutes of its first meeting attached (a flow mapping)."""
    text = HOULIU.read_text(encoding="utf-8")
    assert MEETING in text
    text = text.replace(MEETING, MEETING[:-1] + ", attachments: [{path: minutes/ZW2409.pdf}]}")
    path = tmp_path / "school.yaml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "minutes").mkdir()
    (tmp_path / "minutes" / "ZW2409.pdf").write_bytes(b"%PDF-1.4 minutes of ZW2409\n")
    return path


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_attach_records_hashes_and_keeps_the_rest(school: Path) -> None:
    before = school.read_text(encoding="utf-8")
    code, _, stderr = run_cli(["attach", str(school)])
    assert code == 0, stderr
    after = school.read_text(encoding="utf-8")
    digest = _sha(b"%PDF-1.4 minutes of ZW2409\n")
    assert f"attachments: [{{path: minutes/ZW2409.pdf, sha256: {digest}}}]" in after
    # nothing else changed: comments and layout stay
    assert after.replace(f", sha256: {digest}", "") == before
    assert run_cli(["attach", str(school)])[0] == 0 and school.read_text(encoding="utf-8") == after  # idempotent
    assert run_cli(["check", str(school), "--as-of", AS_OF.isoformat()])[0] in (0, 1)


def test_attach_block_mapping(tmp_path: Path) -> None:
    text = HOULIU.read_text(encoding="utf-8").replace(
        MEETING, MEETING + "\n  - id: EXTRA\n    kind: party_lecture\n    date: 2024-10-09\n    expected: 11\n"
        "    present: 10\n    attachments:\n      - path: photos/lecture.jpg  # the lecture\n")
    path = tmp_path / "school.yaml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "lecture.jpg").write_bytes(b"jpeg")
    assert run_cli(["attach", str(path)])[0] == 0
    after = path.read_text(encoding="utf-8")
    assert f"      - path: photos/lecture.jpg\n        sha256: {_sha(b'jpeg')}  # the lecture\n" in after


def test_check_reports_changed_and_missing_attachments(school: Path) -> None:
    assert run_cli(["attach", str(school)])[0] == 0
    pdf = school.parent / "minutes" / "ZW2409.pdf"
    pdf.write_bytes(b"%PDF-1.4 altered\n")
    code, _, stderr = run_cli(["check", str(school)])
    lines = school.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if "ZW2409.pdf" in text)
    assert code == 3
    assert f"school.yaml:{line}:" in stderr
    assert "error [attachment_changed] 附件 minutes/ZW2409.pdf 已被更改（SHA-256 与登记的不一致）" in stderr
    pdf.unlink()
    code, _, stderr = run_cli(["check", str(school), "--lang", "en"])
    assert code == 3 and "error [attachment_missing] attachment minutes/ZW2409.pdf does not exist" in stderr
    code, _, stderr = run_cli(["attach", str(school)])
    assert code == 3 and "attachment_missing" in stderr


@pytest.mark.parametrize("bad", ["../outside.pdf", "/etc/passwd", "C:/x.pdf", "a\\\\b.pdf"])
def test_attachment_paths_stay_in_the_folder(school: Path, bad: str) -> None:
    text = school.read_text(encoding="utf-8").replace("path: minutes/ZW2409.pdf", f'path: "{bad}"')
    school.write_text(text, encoding="utf-8")
    code, _, stderr = run_cli(["check", str(school)])
    assert code == 3 and "error [attachment_path]" in stderr


def test_pack_and_check_the_pack(school: Path, tmp_path: Path) -> None:
    code, _, stderr = run_cli(["pack", str(school), "-o", str(tmp_path / "school.zip")])
    assert code == 3 and "error [pack_unhashed]" in stderr  # hashes first
    assert run_cli(["attach", str(school)])[0] == 0
    pack = tmp_path / "out" / "school.zip"
    assert run_cli(["pack", str(school), "-o", str(pack)])[0] == 0
    first = pack.read_bytes()
    assert run_cli(["pack", str(school), "-o", str(pack)])[0] == 0 and pack.read_bytes() == first  # deterministic
    with zipfile.ZipFile(pack) as zf:
        assert sorted(zf.namelist()) == ["SHA256SUMS", "minutes/ZW2409.pdf", "school.yaml"]
        sums = zf.read("SHA256SUMS").decode()
    assert f"{_sha(school.read_bytes())}  school.yaml\n" in sums
    as_of = AS_OF.isoformat()
    packed = run_cli(["check", str(pack), "-f", "json", "--as-of", as_of])
    plain = run_cli(["check", str(school), "-f", "json", "--as-of", as_of])
    assert packed[0] == plain[0] and json.loads(packed[1])["total"] == json.loads(plain[1])["total"]


def _rezip(source: Path, target: Path, change: dict[str, bytes]) -> None:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change.pop(info.filename, src.read(info.filename)))
        for name, data in change.items():
            dst.writestr(name, data)


def test_tampered_packs_are_refused(school: Path, tmp_path: Path) -> None:
    assert run_cli(["attach", str(school)])[0] == 0
    pack = tmp_path / "school.zip"
    assert run_cli(["pack", str(school), "-o", str(pack)])[0] == 0
    changed = tmp_path / "changed.zip"
    _rezip(pack, changed, {"minutes/ZW2409.pdf": b"forged"})
    code, _, stderr = run_cli(["check", str(changed)])
    assert code == 3
    assert "changed.zip: error [pack_changed_entry] 证据包中的 minutes/ZW2409.pdf 与清单登记的 SHA-256 不一致" in stderr
    extra = tmp_path / "extra.zip"
    _rezip(pack, extra, {"notes.txt": b"x"})
    code, _, stderr = run_cli(["check", str(extra)])
    assert code == 3 and "error [pack_unlisted_entry]" in stderr


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def test_unsafe_zips_are_refused(tmp_path: Path) -> None:
    climbing = _zip(tmp_path / "climb.zip", {"../evil.yaml": b"x", "SHA256SUMS": b""})
    code, _, stderr = run_cli(["check", str(climbing)])
    assert code == 3
    assert 'climb.zip: error [archive_unsafe_entry] 压缩包内的路径 "../evil.yaml" 不安全' in stderr
    absolute = _zip(tmp_path / "abs.zip", {"/etc/evil.yaml": b"x"})
    assert "archive_unsafe_entry" in run_cli(["check", str(absolute)])[2]
    bomb = _zip(tmp_path / "bomb.zip", {"school.yaml": b"\0" * (64 * 1024 * 1024)})
    code, _, stderr = run_cli(["check", str(bomb)])
    assert code == 3 and 'error [archive_bomb] 压缩包内 "school.yaml" 的压缩比异常' in stderr
    # a workbook is a zip too: a ../ entry inside an .xlsx is refused before openpyxl reads it
    sneaky = _zip(tmp_path / "sneaky.xlsx", {"../x.xml": b"<x/>"})
    assert "archive_unsafe_entry" in run_cli(["import", str(sneaky)])[2]


def test_entry_count_and_total_size_limits(tmp_path: Path) -> None:
    many = _zip(tmp_path / "many.zip", {f"f{i}.txt": b"x" for i in range(20)})
    with pytest.raises(InputError) as exc:
        inspect_zip(many, "many.zip", ZipLimits(max_entries=10))
    assert exc.value.diagnostics[0].code == "archive_too_many"
    buffer = io.BytesIO(b"y" * 4096)
    big = _zip(tmp_path / "big.zip", {"a.bin": buffer.getvalue()})
    with pytest.raises(InputError) as exc:
        inspect_zip(big, "big.zip", ZipLimits(max_total_bytes=1000))
    assert exc.value.diagnostics[0].code == "archive_uncompressed_too_large"
    with pytest.raises(InputError) as exc:
        inspect_zip(big, "big.zip", ZipLimits(max_file_bytes=10))
    assert exc.value.diagnostics[0].code == "archive_too_large"


def test_pack_without_manifest(tmp_path: Path) -> None:
    plain = _zip(tmp_path / "plain.zip", {"school.yaml": HOULIU.read_bytes()})
    code, _, stderr = run_cli(["check", str(plain)])
    assert code == 3 and "error [pack_no_manifest] 证据包中没有清单 SHA256SUMS" in stderr


def test_attachments_travel_through_the_workbook(school: Path) -> None:
    from dangjian_audit.loading import load_evidence

    assert run_cli(["attach", str(school)])[0] == 0
    workbook = school.with_suffix(".xlsx")
    assert run_cli(["export", str(school), "-o", str(workbook)])[0] == 0
    assert load_evidence(workbook).model_dump() == load_evidence(school).model_dump()
    (school.parent / "minutes" / "ZW2409.pdf").write_bytes(b"changed")
    code, _, stderr = run_cli(["check", str(workbook)])
    assert code == 3 and "school.xlsx:附件!D2: error [attachment_changed]" in stderr


def test_a_workbook_can_be_packed(tmp_path: Path) -> None:
    workbook = tmp_path / "ledger.xlsx"
    workbook.write_bytes((EXAMPLES / "county-houliu-primary.xlsx").read_bytes())
    pack = tmp_path / "ledger.zip"
    assert run_cli(["pack", str(workbook), "-o", str(pack)])[0] == 0
    as_of = AS_OF.isoformat()
    packed = run_cli(["check", str(pack), "-f", "json", "--as-of", as_of])
    plain = run_cli(["check", str(HOULIU), "-f", "json", "--as-of", as_of])
    assert packed[0] == plain[0] and json.loads(packed[1])["total"] == json.loads(plain[1])["total"]
