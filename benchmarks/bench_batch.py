"""Benchmark ``batch`` against the YAML parse floor, on the same files, in one process tree.

For each size (default 1,000 and 10,000 files):

  (a) floor: one process reads every file and parses it with the project's loader
      (``yamlio.parse``) and nothing else;
  (b) ``dangjian-audit batch`` end to end (a fresh CLI process, JSON summary to a file)
      with ``--jobs 1`` and ``--jobs <usable cores>``.

Each run is a child process timed by wall clock; its peak memory is the ``ru_maxrss`` that
``os.wait4`` reports for that child (the largest resident set of the child and of the workers
it reaped). The 1,000-file set is the first folder of the 10,000-file set, so both sizes use
the same kind of files. Data is generated with ``generate.py`` when missing.

    python benchmarks/bench_batch.py                       # 1,000 and 10,000 files
    python benchmarks/bench_batch.py --sizes 1000 --out-dir  # also time --out (every format, per-school reports)
    python benchmarks/bench_batch.py --baseline              # also time --baseline (last run's summary as baseline)
"""

from __future__ import annotations

import argparse
import os
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


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB, and stdout of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read().decode()
    err = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    return wall, usage.ru_maxrss / 1024, out


def ensure_data(data: Path, count: int) -> Path:
    full = data / "10000"
    if not (full / "009").is_dir():
        sys.path.insert(0, str(HERE))
        import generate

        print(f"generating 10,000 files in {full} ...", file=sys.stderr)
        generate.write(10_000, full)
    return full / "000" if count == 1000 else full


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], choices=[1000, 10000])
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--jobs", type=int, nargs="+", default=None, help="default: 1 and the usable cores")
    parser.add_argument("--out-dir", action="store_true", help="also time batch --out (all formats + reports)")
    parser.add_argument("--baseline", action="store_true",
                        help="also time batch --baseline, with the summary of the previous run as the baseline "
                             "(every school matched: the largest baseline a county can have)")
    args = parser.parse_args(argv)
    cores = len(os.sched_getaffinity(0))
    jobs = args.jobs or sorted({1, cores})
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), CI="1")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            folder = ensure_data(args.data, size)
            wall, rss, out = timed([sys.executable, "-c", FLOOR, str(folder)], env)
            n, loop = out.split()
            assert int(n) == size, (n, size)
            floor = wall
            rows.append((size, "(a) floor: yamlio.parse", wall, rss, 1.0))
            print(f"{size}: floor {wall:.1f} s ({float(loop) / size * 1e6:.0f} µs/file for read + parse)", flush=True)
            runs = [(f"(b) batch --jobs {j}", j, []) for j in jobs]
            if args.out_dir:
                runs.append((f"(b) batch --jobs {cores} --out", cores, ["--out", f"{tmp}/out{size}"]))
            if args.baseline:
                # the summary the runs above wrote becomes the baseline (copied: the run rewrites its output)
                runs.append((f"(c) batch --jobs {cores} --baseline", cores, ["--baseline", f"{tmp}/base{size}.json"]))
            for label, j, extra in runs:
                if "--baseline" in extra:
                    Path(f"{tmp}/base{size}.json").write_bytes(Path(f"{tmp}/summary{size}.json").read_bytes())
                cmd = [sys.executable, "-m", "dangjian_audit", "batch", str(folder), "--jobs", str(j), "--as-of", AS_OF,
                       "--format", "json", "--output", f"{tmp}/summary{size}.json", *extra]
                wall, rss, _ = timed(cmd, env)
                rows.append((size, label, wall, rss, wall / floor))
                print(f"{size}: {label} {wall:.1f} s", flush=True)
    print()
    print(f"{'files':>6}  {'run':<34} {'wall s':>7} {'files/s':>8} {'vs floor':>8} {'peak MiB':>9}")
    for size, label, wall, rss, ratio in rows:
        print(f"{size:>6}  {label:<34} {wall:>7.1f} {size / wall:>8.0f} {ratio:>7.2f}x {rss:>9.1f}")
    by_label: dict[str, dict[int, float]] = {}
    for size, label, _, rss, _ in rows:
        by_label.setdefault(label, {})[size] = rss
    for label, peaks in by_label.items():
        if 1000 in peaks and 10000 in peaks:
            print(f"peak memory 10,000 / 1,000 files, {label}: {peaks[10000] / peaks[1000]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
