"""Start-up benchmark: one ``check`` as a ratio to the bare imports it cannot avoid, in the same run.

    python benchmarks/startup.py            # 21 interleaved rounds
    python benchmarks/startup.py --quick    # 5 rounds (CI: keeps the script from rotting)

The floor is ``python -c "import typer, pydantic, yaml"``. Each round runs every command once,
in turn, so drift in the machine's speed hits all of them alike; each figure is the median over
the rounds of (command / floor) in that round, for wall time and for CPU time (user + system of
the child, from ``os.wait4``). Targets (issue 14): ``check --format json`` <= 1.6x the floor,
text and HTML <= 1.8x. Not a test: the figures are printed, never asserted, so a slow machine
cannot fail a build.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "province-chengguan-middle.yaml"
FLOOR = "import typer, pydantic, yaml"
PLUGINS_OFF = "import os; os.environ['PYDANTIC_DISABLE_PLUGINS'] = '__all__'; "
EVIDENCE_MODEL = "; from dangjian_audit.models.evidence import Evidence; Evidence.model_rebuild()"
REPORT_MODELS = "; import dangjian_audit.models.result"
TARGETS = {"check --format json": 1.6, "check --format text": 1.8, "check --format html": 1.8}


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one child process (its output thrown away)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="interleaved rounds (default 21)")
    parser.add_argument("--quick", action="store_true", help="5 rounds, for CI")
    args = parser.parse_args(argv)
    rounds = 5 if args.quick else args.runs
    exe = shutil.which("dangjian-audit", path=str(Path(sys.executable).parent))
    tool = [exe] if exe else [sys.executable, "-m", "dangjian_audit"]
    common = ["check", str(EXAMPLE), "--as-of", "2025-12-31"]
    commands = {
        "floor: " + FLOOR: [sys.executable, "-c", FLOOR],
        "python -c pass": [sys.executable, "-c", "pass"],
        "... + from pydantic import BaseModel": [sys.executable, "-c", FLOOR + "; from pydantic import BaseModel"],
        # What any check must do with pydantic as the evidence schema, before reading a catalog or a file:
        # the evidence model's classes and validator, then the report's (plugin scan off, as the CLI runs).
        "... + evidence model, validator": [sys.executable, "-c", PLUGINS_OFF + FLOOR + EVIDENCE_MODEL],
        "... + report models": [sys.executable, "-c", PLUGINS_OFF + FLOOR + EVIDENCE_MODEL + REPORT_MODELS],
        "dangjian-audit --version": [*tool, "--version"],
        "check --format json": [*tool, *common, "--format", "json"],
        "check --format text": [*tool, *common, "--format", "text"],
        "check --format html": [*tool, *common, "--format", "html"],
    }
    floor_name = next(iter(commands))
    for cmd in commands.values():  # warm the file cache and the ruleset cache
        run(cmd)
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    ratio_wall: dict[str, list[float]] = {name: [] for name in commands}
    ratio_cpu: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for r in range(rounds):
        seen: dict[str, tuple[float, float]] = {}
        for name in names[r % len(names):] + names[: r % len(names)]:  # rotate the order
            seen[name] = run(commands[name])
        for name, (w, c) in seen.items():
            wall[name].append(w)
            cpu[name].append(c)
            ratio_wall[name].append(w / seen[floor_name][0])
            ratio_cpu[name].append(c / seen[floor_name][1])
    print(f"{rounds} interleaved rounds; ratios are medians of per-round ratios to the floor")
    print(f"{'command':40s} {'wall ms':>8} {'cpu ms':>8} {'wall x':>7} {'cpu x':>7}  target")
    for name in names:
        target = TARGETS.get(name)
        print(f"{name:40s} {statistics.median(wall[name]) * 1000:8.0f} {statistics.median(cpu[name]) * 1000:8.0f} "
              f"{statistics.median(ratio_wall[name]):6.2f}x {statistics.median(ratio_cpu[name]):6.2f}x"
              f"  {f'<= {target}x' if target else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
