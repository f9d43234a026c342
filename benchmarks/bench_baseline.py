"""Memory of a county baseline (``batch --baseline``): what is kept per school, and the loader's peak.

Writes synthetic county summaries (the shape ``batch --out`` writes to ``summary.json``: every
school with its 47 statuses) of 1,000, 10,000 and 100,000 schools, reads each with
``trend.load_summary`` under ``tracemalloc``, follows a batch of the same schools with the
tracker, and prints the file size, the memory kept after loading (the per-school tuples), the
peak while loading, and both per school. The loader streams the file, so its peak is the kept
data plus one read chunk, never the file.

    python benchmarks/bench_baseline.py
    python benchmarks/bench_baseline.py --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from dangjian_audit import trend  # noqa: E402

IDS = [f"{dim}-{n:02d}" for dim, count in (("LD", 10), ("JZ", 9), ("SZ", 9), ("JC", 12), ("FZ", 7))
       for n in range(1, count + 1)]
GRADES = ("excellent", "good", "qualified", "unqualified")
LEVELS = (None, "county", "city", "province")


def write_summary(path: Path, n: int) -> None:
    """A county summary of ``n`` schools, streamed to disk like the real one."""
    with path.open("w", encoding="utf-8") as fh:
        head = {"format_version": 1, "kind": "county_summary", "tool": "bench", "as_of": "2024-12-31",
                "catalog": {"id": "bench", "version": "1"}, "counts": {"scored": n}, "average_total": 80.5,
                "grades": [{"id": g, "count": n // 4} for g in GRADES],
                "levels": [{"id": lv or "none", "count": n // 4} for lv in LEVELS],
                "indicators": [{"id": i, "met_percent": 50.0} for i in IDS]}
        fh.write(json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "schools": [')
        for k in range(n):
            level = LEVELS[k % 4]
            school = {"rank": k + 1, "source": f"evidence/{k:06d}.yaml", "code": f"6109{k:08d}",
                      "name": f"石泉县第{k}中心小学", "county": "石泉县", "type": "primary",
                      "total": round(100 - k * 60 / n, 2), "grade": {"id": GRADES[k % 4], "name": "良好"},
                      "level": {"id": level, "name": "县级示范校"} if level else None, "veto": [],
                      "gate": {"passed": True, "reasons": []}, "statuses": {i: "met" for i in IDS}, "reports": None}
            fh.write(("," if k else "") + "\n    " + json.dumps(school, ensure_ascii=False))
        fh.write("\n  ],\n  \"invalid\": []\n}\n")


def measure(path: Path, n: int) -> tuple[int, int]:
    """(bytes kept after loading and following a batch of the same schools, peak bytes while loading)."""
    tracemalloc.start()
    snapshot = trend.load_summary(path)
    tracker = trend.TrendTracker(snapshot, [snapshot])
    for k in range(n):
        tracker.add(f"6109{k:08d}", "name", "county")
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(snapshot.schools) == n
    return kept, peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    args = parser.parse_args(argv)
    print(f"{'schools':>8} {'file MiB':>9} {'kept MiB':>9} {'peak MiB':>9} {'kept B/school':>14} "
          f"{'peak B/school':>14}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = Path(tmp) / f"summary{n}.json"
            write_summary(path, n)
            kept, peak = measure(path, n)
            mib = 1024 * 1024
            print(f"{n:>8} {path.stat().st_size / mib:>9.1f} {kept / mib:>9.2f} {peak / mib:>9.2f} "
                  f"{kept / n:>14.0f} {peak / n:>14.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
