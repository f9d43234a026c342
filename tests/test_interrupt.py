"""Ctrl-C in a long batch: it says what was done and where, leaves no half-written file, marks the report
folder INCOMPLETE, exits 130; the next complete run removes the marker. Tested with a real SIGINT sent to a
batch running in a subprocess over a generated county."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import bench_generator

ROOT = Path(__file__).resolve().parents[1]
SCHOOLS = 240


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("long-county")
    bench_generator().write(SCHOOLS, root)
    return root


def _start(*args: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(ROOT / "src")
    return subprocess.Popen([sys.executable, "-m", "dangjian_audit", "batch", *args, "--as-of", "2025-09-15"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _interrupt_when(process: subprocess.Popen[bytes], ready: Any, timeout: float = 60) -> tuple[int, str]:
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, "the batch ended before it could be interrupted"
        assert time.monotonic() < deadline, "the batch made no progress"
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    return process.returncode, err.decode("utf-8")


def _reports(out: Path, suffix: str = ".html") -> list[Path]:
    """Finished school reports (the hidden .partial-* files are work in progress)."""
    return sorted(p for p in (out / "schools").glob(f"*{suffix}") if not p.name.startswith("."))


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.startswith((".partial-", ".summary")) or ".tmp-" in p.name]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_leaves_a_marker_and_no_half_file(county: Path, tmp_path: Path, jobs: str) -> None:
    out = tmp_path / "out"
    process = _start(str(county), "--out", str(out), "--jobs", jobs)

    def some_reports() -> bool:
        return len(_reports(out)) >= 5 if (out / "schools").is_dir() else False

    code, err = _interrupt_when(process, some_reports)
    assert code == 130, err
    assert "已中断（Ctrl-C）" in err and "个文件中已处理" in err
    assert str(out / "schools") in err and "INCOMPLETE.txt" in err
    assert "Traceback" not in err
    marker = (out / "INCOMPLETE.txt").read_text(encoding="utf-8")
    assert "已中断" in marker and "汇总未写出" in marker
    assert not list(out.glob("summary.*")), "no summary after an interrupt"
    assert _leftovers(out) == []
    reports = _reports(out)
    assert 5 <= len(reports) < SCHOOLS
    for report in reports:  # every report kept is whole
        assert report.read_text(encoding="utf-8").rstrip().endswith("</html>"), report.name
    assert len(_reports(out, ".md")) == len(reports)
    done = int(err.split("个文件中已处理 ")[1].split(" ")[0])
    assert done >= len(reports)

    # a complete run into the same folder removes the marker
    finished = _start(str(county), "--out", str(out), "--jobs", jobs)
    finished.communicate(timeout=300)
    assert finished.returncode in (0, 1, 3)
    assert not (out / "INCOMPLETE.txt").exists()
    assert (out / "summary.xlsx").is_file()


def test_ctrl_c_writes_no_output_file_and_speaks_english(county: Path, tmp_path: Path) -> None:
    target = tmp_path / "county.json"
    target.write_text("{}\n", encoding="utf-8")  # an earlier result stays as it was
    out = tmp_path / "out"
    process = _start(str(county), "--format", "json", "--output", str(target), "--out", str(out),
                     "--jobs", "2", "--lang", "en")
    code, err = _interrupt_when(process, lambda: (out / "schools").is_dir() and len(_reports(out)) >= 2)
    assert code == 130, err
    assert "Interrupted (Ctrl-C)" in err and f"{target} was not written" in err
    assert "Interrupted (Ctrl-C)" in (out / "INCOMPLETE.txt").read_text(encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "{}\n" and _leftovers(tmp_path) == []


def test_unpaired_reports_are_removed(tmp_path: Path) -> None:
    from dangjian_audit.outputs import remove_leftovers, remove_unpaired

    for name in ("a.html", "a.md", "b.html", "c.md", ".partial-3.html", "notes.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert remove_leftovers(tmp_path, (".partial-",)) == 1
    assert remove_unpaired(tmp_path, (".html", ".md")) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "a.md", "notes.txt"]


def test_atomic_path_keeps_the_old_file_on_failure(tmp_path: Path) -> None:
    from dangjian_audit.outputs import atomic_path

    target = tmp_path / "summary.md"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), atomic_path(target) as temporary:
        temporary.write_text("half", encoding="utf-8")
        raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "old" and sorted(p.name for p in tmp_path.iterdir()) == [target.name]
    with atomic_path(target) as temporary:
        temporary.write_text("new", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "new" and len(list(tmp_path.iterdir())) == 1
