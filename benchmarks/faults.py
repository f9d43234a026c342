"""Time and memory guard: every fault of issue 8 is rejected in under 2 s and 200 MB.

    python benchmarks/faults.py

Runs `dangjian-audit check` once per fault, each as its own child process: the text faults of
`tests/faults/seen.yaml` applied to their bundled example, plus the faults that are files of
their own (a 100 MB evidence file, a 5 MB file of a single deep structure, a FIFO named x.yaml).
Prints each fault's exit code, wall time, CPU time (user + system) and peak memory (the child's
`ru_usage` from `os.wait4`) and the worst of each; exits 1 if a fault is not refused with exit 3,
or exceeds either budget. The time budget is checked on CPU time, because on a shared machine the
wall clock also counts the turns of other processes (the wall time is printed beside it).
Not a test: the numbers depend on the machine, so they are reported here, never asserted in pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SECONDS, MEBIBYTES = 2.0, 200.0
CLI = [sys.executable, "-m", "dangjian_audit", "check", "--as-of", "2025-12-31"]


def faulty_text(fault: dict[str, Any]) -> str:
    text = (EXAMPLES / fault["example"]).read_text(encoding="utf-8")
    new = fault["new"]
    if "repeat" in fault:
        char, times = fault["repeat"]
        new = new.replace("{repeat}", char * times)
    return text.replace(fault["old"], new, 1)


def measure(path: Path) -> tuple[int, float, float, float]:
    """Exit code, wall seconds, CPU seconds and peak MiB of one `check` of ``path``."""
    start = time.perf_counter()
    child = subprocess.Popen([*CLI, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    return child.returncode, wall, cpu, usage.ru_maxrss / 1024  # KiB on Linux


def cases(directory: Path) -> list[tuple[str, Path]]:
    out = []
    faults = yaml.safe_load((ROOT / "tests" / "faults" / "seen.yaml").read_text(encoding="utf-8"))["faults"]
    for fault in faults:
        path = directory / f"{fault['name']}.yaml"
        path.write_text(faulty_text(fault), encoding="utf-8")
        out.append((fault["name"], path))
    big = directory / "hundred-megabytes.yaml"
    with big.open("wb") as handle:  # sparse: its size is what counts, it is never read
        handle.truncate(100 * 1024 * 1024)
    out.append(("hundred-megabytes", big))
    deep = directory / "deep-nesting.yaml"
    deep.write_text("a: " + "[" * 2_500_000 + "]" * 2_500_000 + "\n", encoding="utf-8")
    out.append(("deep-nesting-5mb", deep))
    if hasattr(os, "mkfifo"):
        fifo = directory / "x.yaml"
        os.mkfifo(fifo)
        out.append(("fifo", fifo))
    return out


def main() -> int:
    failures = 0
    worst_wall = worst_cpu = worst_mem = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'fault':<42} {'exit':>4} {'wall s':>7} {'cpu s':>6} {'peak MiB':>9}")
        for name, path in cases(Path(tmp)):
            code, wall, cpu, mem = measure(path)
            worst_wall, worst_cpu, worst_mem = max(worst_wall, wall), max(worst_cpu, cpu), max(worst_mem, mem)
            # the budget is on CPU time: on a shared machine the wall clock also counts other processes' turns
            bad = code != 3 or cpu >= SECONDS or mem >= MEBIBYTES
            failures += bad
            flag = "  <- over budget or not refused" if bad else ""
            print(f"{name:<42} {code:>4} {wall:>7.2f} {cpu:>6.2f} {mem:>9.1f}{flag}")
    print(f"worst: {worst_wall:.2f} s wall, {worst_cpu:.2f} s CPU, {worst_mem:.1f} MiB "
          f"(budget {SECONDS:g} s CPU, {MEBIBYTES:g} MiB); {failures} fault(s) out of budget or not refused")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
