"""The workbook rendered in a forked process while the other summaries are written (issue 14).

What must hold: the bytes are the ones rendering here would give; a second process that fails in
any way leaves the error to surface here, as it would without it; and the spilled rows read by
both processes at once come back whole.
"""

from __future__ import annotations

import os
import threading
from decimal import Decimal
from pathlib import Path
from zipfile import ZipFile

import pytest
from conftest import run_cli

from dangjian_audit.batch import aside
from dangjian_audit.batch.aggregate import RowStore
from dangjian_audit.batch.aside import Aside
from dangjian_audit.models.county import SchoolRow

pytestmark = pytest.mark.skipif(not aside.can_fork(), reason="renders aside only on Linux, by fork")
ROOT = Path(__file__).resolve().parents[1]


def test_the_bytes_come_from_the_second_process() -> None:
    parent = os.getpid()
    job = Aside(lambda: str(os.getpid()).encode())
    assert job.forked
    child = int(job.result())
    assert child != parent and not job.forked


def test_a_failure_in_the_second_process_is_rendered_again_here() -> None:
    parent = os.getpid()

    def render() -> bytes:
        if os.getpid() != parent:
            raise MemoryError("the child ran out")
        return b"from the parent"

    assert Aside(render).result() == b"from the parent"


def test_an_error_of_the_render_itself_surfaces_here() -> None:
    def render() -> bytes:
        raise ValueError("a bug in the renderer")

    job = Aside(render)
    with pytest.raises(ValueError, match="a bug in the renderer"):
        job.result()


def test_a_second_process_that_dies_is_replaced_by_rendering_here() -> None:
    parent = os.getpid()

    def render() -> bytes:
        if os.getpid() != parent:
            os._exit(9)  # killed outright: nothing sent back
        return b"here"

    assert Aside(render).result() == b"here"


def test_with_another_thread_running_nothing_is_forked() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        job = Aside(lambda: str(os.getpid()).encode())
        assert not job.forked
        assert job.result() == str(os.getpid()).encode()
    finally:
        stop.set()
        thread.join()


def test_close_stops_a_render_nobody_collects() -> None:
    def forever() -> bytes:
        threading.Event().wait(60)
        return b""

    job = Aside(forever)
    process = job._process
    job.close()
    assert process is not None and not process.is_alive() and not job.forked


def _row(k: int) -> SchoolRow:
    return SchoolRow(index=k, code=f"S{k:05d}", name="学校" * (k % 7 + 1), county=None, type="primary",
                     total=Decimal(k), dimensions=(), grade="A", level=None, veto=(), statuses="M" * 47, gate=())


def test_spilled_rows_read_by_two_processes_at_once_come_back_whole() -> None:
    store = RowStore()
    for k in range(400):
        store.add(_row(k))
    store.seal()

    def read_forwards() -> bytes:
        return ",".join(store.get(k).code for k in range(len(store))).encode()

    job = Aside(read_forwards)
    backwards = [store.get(k).code for k in reversed(range(len(store)))]  # meanwhile, here
    assert backwards == [f"S{k:05d}" for k in reversed(range(400))]
    assert job.result() == ",".join(f"S{k:05d}" for k in range(400)).encode()
    store.add(_row(400))  # a row added after reading is read back too
    assert store.get(400).code == "S00400" and store.get(3).code == "S00003"


def test_batch_writes_the_same_workbook_with_and_without_the_second_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["batch", str(ROOT / "examples"), "--as-of", "2025-12-31", "-q", "--format", "json"]
    forks: list[bool] = []
    real = aside.Aside.__init__

    def counted(self: Aside, render: object) -> None:
        real(self, render)  # type: ignore[arg-type]
        forks.append(self.forked)

    monkeypatch.setattr(aside.Aside, "__init__", counted)
    code, _, _ = run_cli([*args, "--out", str(tmp_path / "forked")])
    assert forks == [True]  # the workbook, and only it
    monkeypatch.setattr(aside, "can_fork", lambda: False)
    code_here, _, _ = run_cli([*args, "--out", str(tmp_path / "here")])
    assert forks == [True, False] and code == code_here

    def parts(path: Path) -> dict[str, bytes]:
        with ZipFile(path) as z:
            return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}  # its timestamps

    assert parts(tmp_path / "forked" / "summary.xlsx") == parts(tmp_path / "here" / "summary.xlsx")
    for suffix in ("md", "html", "json", "csv"):
        assert (tmp_path / "forked" / f"summary.{suffix}").read_bytes() == \
            (tmp_path / "here" / f"summary.{suffix}").read_bytes()
