"""Ledger benchmark: export and import time and peak memory for a small and a large workbook.

    python benchmarks/bench_ledger.py [--scale 1 20]

The largest bundled example is scaled by repeating its meetings, members and activities
(with fresh ids, dates kept inside the period) ``scale`` times. Each step runs in its own
child process so that its peak memory (``ru_maxrss``) is its own: export (YAML -> workbook)
and import (workbook -> canonical YAML). Not a test: timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "province-chengguan-middle.yaml"
SCALED = ("members", "meetings", "activities")


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True  # the evidence loader refuses aliases


def scaled(scale: int, folder: Path) -> Path:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for section in SCALED:
        records = data.get(section) or []
        data[section] = [dict(r, id=f"{r['id']}-{k}") for k in range(scale) for r in records]
    # the references stay on the first copy; talks and committee seats still name real members
    for talk in data.get("talks") or []:
        talk["a"], talk["b"] = f"{talk['a']}-0", f"{talk['b']}-0"
    for seat in data["organization"].get("committee") or []:
        seat["id"] = f"{seat['id']}-0"
    for decision in data.get("decisions") or []:
        for key in ("meeting", "proposal_meeting"):
            if decision.get(key):
                decision[key] = f"{decision[key]}-0"
    for appointment in data.get("cadre_appointments") or []:
        if appointment.get("meeting"):
            appointment["meeting"] = f"{appointment['meeting']}-0"
    path = folder / f"scale-{scale}.yaml"
    path.write_text(yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def timed(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak MiB and exit code of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.stderr.write(proc.stderr.read().decode() if proc.stderr else "")
    return wall, usage.ru_maxrss / 1024, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 20])
    args = parser.parse_args()
    tool = [sys.executable, "-m", "dangjian_audit"]
    print("| scale | records | workbook KB | export s | export MiB | import s | import MiB |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        for scale in args.scale:
            source = scaled(scale, folder)
            book = folder / f"scale-{scale}.xlsx"
            data = yaml.safe_load(source.read_text(encoding="utf-8"))
            records = sum(len(data.get(s) or []) for s in SCALED)
            ex = timed([*tool, "export", str(source), "-o", str(book)])
            im = timed([*tool, "import", str(book), "-o", str(folder / "back.yaml")])
            print(f"| {scale} | {records} | {book.stat().st_size // 1024} | {ex[0]:.2f} | {ex[1]:.0f} "
                  f"| {im[0]:.2f} | {im[1]:.0f} |")


if __name__ == "__main__":
    main()
