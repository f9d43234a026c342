"""Benchmark ``batch`` as a ratio to the YAML parse floor, on the same files, in the same run.

For each size (default 1,000 and 10,000 files), in every round:

  (a) floor: one process reads every file and parses it with the libyaml loader
      (``yamlio.parse``) and nothing else;
  (b) ``dangjian-audit batch`` end to end (a fresh CLI process, JSON summary to a file) with
      ``--jobs 1`` and ``--jobs <usable cores>``, with the fast YAML loader (when the ``fast``
      extra is installed) and without it (``DANGJIAN_AUDIT_FAST_YAML=0``);
  (c) with ``--out-dir``: also ``batch --jobs <cores> --out`` (every summary format and two
      reports per school).

Each figure is the median over the rounds of (run / floor) in that round, so drift in the
machine's speed hits both sides alike. Peak memory is the ``ru_maxrss`` of each child from
``os.wait4`` (the largest single process: the CLI or one of its workers). The 1,000-file set is
the first folder of the 10,000-file set; other sizes are generated on first use.

    python benchmarks/bench_batch.py                            # 1,000 and 10,000 files
    python benchmarks/bench_batch.py --sizes 150 --out-dir      # a county, with --out
    python benchmarks/bench_batch.py --quick                    # 100 files, 2 rounds (CI, < 60 s)

Targets (issue 14, 10,000 files, 2 cores): ``--jobs 2`` without ``--out`` <= 0.35x the floor
with the fast loader, <= 0.6x without it; peak memory at 10,000 <= 1.2x that at 1,000. Not a
test: the figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
AS_OF = "2025-09-15"

FLOOR = """
import sys, time
from pathlib import Path
from dangjian_audit.batch import discover
from dangjian_audit.yamlio import parse
files = discover([Path(sys.argv[1])])
start = time.perf_counter()
for f in files:
    parse(Path(f).read_text(encoding="utf-8"), f)
print(len(files), time.perf_counter() - start)
"""


def run_child(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB (``os.wait4``) and stdout of one child process."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.read().decode()[-2000:]}")
        return wall, usage.ru_maxrss / 1024, out.read().decode()


def _generator() -> object:
    sys.path.insert(0, str(HERE))
    import generate

    return generate


def ensure_data(data: Path, count: int) -> Path:
    """The folder holding ``count`` generated files (1,000 and 10,000 share one set)."""
    generate = _generator()
    if count in (1000, 10000):
        full = data / "10000"
        if not (full / "009").is_dir():
            print(f"generating 10,000 files in {full} ...", file=sys.stderr)
            generate.write(10_000, full)  # type: ignore[attr-defined]
        return full / "000" if count == 1000 else full
    folder = data / str(count)
    if not folder.is_dir() or sum(1 for _ in folder.rglob("*.yaml")) != count:
        print(f"generating {count} files in {folder} ...", file=sys.stderr)
        generate.write(count, folder)  # type: ignore[attr-defined]
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--jobs", type=int, nargs="+", default=None, help="default: 1 and the usable cores")
    parser.add_argument("--runs", type=int, default=1, help="interleaved rounds (default 1)")
    parser.add_argument("--out-dir", action="store_true", help="also time batch --out (all formats + reports)")
    parser.add_argument("--no-libyaml", action="store_true", help="skip the runs without the fast loader")
    parser.add_argument("--quick", action="store_true",
                        help="100 generated files, 2 rounds, --jobs <cores> with and without --out (CI)")
    args = parser.parse_args(argv)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    jobs = args.jobs or ([cores] if args.quick else sorted({1, cores}))
    rounds = 2 if args.quick else args.runs
    with tempfile.TemporaryDirectory() as tmp:
        sizes = [100] if args.quick else args.sizes
        data = Path(tmp) / "data" if args.quick else args.data
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), CI="1", DANGJIAN_AUDIT_CACHE_DIR=f"{tmp}/cache")
        try:
            import yaml_rs  # noqa: F401
            loaders = ["fast"] if args.no_libyaml else ["fast", "libyaml"]
        except ImportError:
            loaders = ["libyaml"]
        runs: list[tuple[str, int, list[str], str]] = []
        for loader in loaders:
            for j in jobs:
                runs.append((f"batch --jobs {j} [{loader}]", j, [], loader))
            if args.out_dir or args.quick:
                runs.append((f"batch --jobs {cores} --out [{loader}]", cores, ["--out", f"{tmp}/out"], loader))
        folders = {size: ensure_data(data, size) for size in sizes}
        walls: dict[tuple[int, str], list[float]] = {}
        ratios: dict[tuple[int, str], list[float]] = {}
        peaks: dict[tuple[int, str], list[float]] = {}
        floor_label = "(a) floor: libyaml yamlio.parse"
        for r in range(rounds):
            for size, folder in folders.items():
                wall, rss, out = run_child([sys.executable, "-c", FLOOR, str(folder)], env)
                n = int(out.split()[0])
                assert n == size, (n, size)
                floor = wall
                walls.setdefault((size, floor_label), []).append(wall)
                ratios.setdefault((size, floor_label), []).append(1.0)
                peaks.setdefault((size, floor_label), []).append(rss)
                print(f"round {r + 1}, {size} files: floor {wall:.1f} s", file=sys.stderr, flush=True)
                for label, j, extra, loader in runs:
                    cmd = [sys.executable, "-m", "dangjian_audit", "batch", str(folder), "--jobs", str(j),
                           "--as-of", AS_OF, "--format", "json", "--output", f"{tmp}/summary.json", *extra]
                    run_env = dict(env, DANGJIAN_AUDIT_FAST_YAML="1" if loader == "fast" else "0")
                    wall, rss, _ = run_child(cmd, run_env)
                    walls.setdefault((size, label), []).append(wall)
                    ratios.setdefault((size, label), []).append(wall / floor)
                    peaks.setdefault((size, label), []).append(rss)
                    print(f"round {r + 1}, {size} files: {label} {wall:.1f} s", file=sys.stderr, flush=True)
    print(f"{rounds} interleaved round(s); 'vs floor' is the median of per-round ratios to (a)")
    print(f"{'files':>6}  {'run':<36} {'wall s':>7} {'files/s':>8} {'vs floor':>8} {'peak MiB':>9}")
    for (size, label), values in walls.items():
        wall = statistics.median(values)
        print(f"{size:>6}  {label:<36} {wall:>7.1f} {size / wall:>8.0f} "
              f"{statistics.median(ratios[(size, label)]):>7.2f}x {statistics.median(peaks[(size, label)]):>9.1f}")
    labels = {label for _, label in walls}
    for label in sorted(labels):
        small, large = peaks.get((1000, label)), peaks.get((10000, label))
        if small and large:
            growth = statistics.median(large) / statistics.median(small)
            print(f"peak memory 10,000 / 1,000 files, {label}: {growth:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
