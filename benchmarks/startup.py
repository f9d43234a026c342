"""Start-up benchmark: median wall time of one `check` next to the bare imports it cannot avoid.

    python benchmarks/startup.py [--runs 21]

Prints the median of `python -c "import typer, pydantic, yaml"`, of `dangjian-audit check`
on an example (JSON and text output), and the difference: the tool's own cost. Measured in
the same run so machine drift affects both sides alike. Not a test: timings are reported,
never asserted.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "province-chengguan-middle.yaml"


def median_ms(cmd: list[str], runs: int) -> float:
    times = []
    for i in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        if i:  # the first run warms the file cache
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    exe = shutil.which("dangjian-audit")
    tool = [exe] if exe else [sys.executable, "-m", "dangjian_audit"]
    common = ["check", str(EXAMPLE), "--as-of", "2025-12-31"]
    rows = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("import typer, pydantic, yaml", [sys.executable, "-c", "import typer, pydantic, yaml"]),
        # pydantic's top-level import is lazy: this row is what importing it for real costs
        ("... + from pydantic import BaseModel",
         [sys.executable, "-c", "import typer, pydantic, yaml; from pydantic import BaseModel"]),
        ("dangjian-audit --help", [*tool, "--help"]),
        ("check --format json", [*tool, *common, "--format", "json"]),
        ("check (text)", [*tool, *common]),
        ("check --format html", [*tool, *common, "--format", "html"]),
    ]
    results = {name: median_ms(cmd, args.runs) for name, cmd in rows}
    for name, ms in results.items():
        print(f"{name:32s} {ms:8.1f} ms")
    base = results["import typer, pydantic, yaml"]
    real = results["... + from pydantic import BaseModel"]
    print(f"{'tool cost beyond the imports':32s} {results['check --format json'] - base:8.1f} ms (json)")
    print(f"{'... beyond a real pydantic import':32s} {results['check --format json'] - real:8.1f} ms (json)")


if __name__ == "__main__":
    main()
