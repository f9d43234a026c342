"""Reading an evidence file: exactly what is on disk, measured before and after reading."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dangjian_audit import yamlio
from dangjian_audit.errors import InputError


def shrunk_fstat(monkeypatch: pytest.MonkeyPatch, by: int) -> None:
    """fstat reports the file ``by`` bytes smaller than it is, as if it grew between fstat and read."""
    real = os.fstat

    def fstat(fd: int) -> os.stat_result:
        st = real(fd)
        fields = list(st)
        fields[6] = max(0, st.st_size - by)  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr(yamlio.os, "fstat", fstat)


def test_reads_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("school:\n  name: 一中\n" * 50, encoding="utf-8")
    assert yamlio.read_text(path, "a.yaml") == path.read_text(encoding="utf-8")


def test_a_file_that_grew_after_it_was_measured_is_read_whole(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("x: 1\n" * 1000, encoding="utf-8")
    shrunk_fstat(monkeypatch, 3000)
    assert yamlio.read_text(path, "a.yaml", limit=10_000) == path.read_text(encoding="utf-8")


def test_a_file_that_grew_past_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("x: 1\n" * 1000, encoding="utf-8")  # 5,000 bytes
    shrunk_fstat(monkeypatch, 4500)
    with pytest.raises(InputError) as info:
        yamlio.read_text(path, "a.yaml", limit=4000)
    assert [d.code for d in info.value.diagnostics] == ["file_too_large"]
    assert info.value.diagnostics[0].args["size"] == 4001  # read up to one byte past the limit, no further
