"""The county with ``--out``, this checkout against another checkout of the project, on the same files.

    python benchmarks/bench_county.py --compare-with ../before        # 150 schools, --jobs 2, 5 rounds
    python benchmarks/bench_county.py --compare-with ../before --runs 9 --size 150 --jobs 2
    python benchmarks/bench_county.py --quick                         # this checkout against itself (CI)

Each round runs ``batch <folder> --jobs N --format json --output summary.json --out <dir>`` (every
summary format and two reports per school) once with the other checkout and once with this one,
in alternating order, each a fresh process. Time is wall clock and CPU (user + system of the CLI
and its worker processes: ``os.wait4`` of the CLI, which waits for its workers before it exits).
Each figure is the median over the rounds of (this / other) in that round, so drift in the
machine's speed hits both sides alike. A checkout with the fast YAML loader (``fastyaml.py``, and
yaml-rs in its interpreter) runs with it and again without it (``DANGJIAN_AUDIT_FAST_YAML=0``);
each run of this checkout is compared with the other's run on the same loader, or with its only
run (the code before issue 14 has one loader).

The other checkout runs with its own ``.venv`` when it has one, else with this interpreter and
its ``src`` first on the path. Every run writes to a folder of its own; after the last round the
script says whether each run's outputs (every school report, every summary, standard output)
are byte-identical to those of the run it is compared with, XLSX workbooks part by part without
their timestamps.
Outputs of an older checkout may differ by the features added since: the script reports, never
judges. Target (issue 14): under 0.5x the time of the code before issue 14. Not a test: the
figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
AS_OF = "2025-09-15"
# Parts of an XLSX that carry the time it was written.
_STAMPED = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def run_child(cmd: list[str], env: dict[str, str], cwd: Path, stdout: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one child process and the workers it waited for."""
    start = time.perf_counter()
    with stdout.open("wb") as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed ({code}):\n{err.read().decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def interpreter(checkout: Path) -> tuple[list[str], dict[str, str]]:
    """The command prefix and extra environment that run ``checkout``'s CLI."""
    venv = checkout / ".venv" / "bin" / "python"
    if venv.exists():
        return [str(venv), "-m", "dangjian_audit"], {}
    return [sys.executable, "-m", "dangjian_audit"], {"PYTHONPATH": str(checkout / "src")}


def has_fast_loader(checkout: Path) -> bool:
    """Whether the checkout has the optional fast YAML loader and its interpreter has yaml-rs."""
    if not (checkout / "src" / "dangjian_audit" / "fastyaml.py").exists():
        return False
    prefix, env = interpreter(checkout)
    probe = subprocess.run([prefix[0], "-c", "import yaml_rs"], env=dict(os.environ, **env), capture_output=True)
    return probe.returncode == 0


def _xlsx_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {name: _STAMPED.sub(b"", book.read(name)) for name in book.namelist()}


def differences(a: Path, b: Path) -> list[str]:
    """Relative paths that differ between two output folders (XLSX compared part by part)."""
    names_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    names_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    out = sorted(str(n) for n in names_a ^ names_b)
    for name in sorted(names_a & names_b):
        left, right = a / name, b / name
        if name.suffix == ".xlsx":
            same = _xlsx_parts(left) == _xlsx_parts(right)
        else:
            same = filecmp.cmp(left, right, shallow=False)
        if not same:
            out.append(str(name))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--compare-with", type=Path, help="another checkout of the project (default: this one)")
    parser.add_argument("--size", type=int, default=150, help="generated schools (default 150)")
    parser.add_argument("--folder", type=Path, help="evidence files to use instead of generated ones")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--no-libyaml", action="store_true", help="skip this checkout's run without the fast loader")
    parser.add_argument("--quick", action="store_true", help="40 generated files, 2 rounds (CI)")
    args = parser.parse_args(argv)
    other = (args.compare_with or ROOT).resolve()
    rounds = 2 if args.quick else args.runs
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.folder is not None:
            folder = args.folder.resolve()
        else:
            sys.path.insert(0, str(HERE))
            from bench_batch import ensure_data

            folder = ensure_data(tmp / "data" if args.quick else args.data, 40 if args.quick else args.size)
        count = sum(1 for _ in folder.rglob("*.yaml"))
        base = dict(os.environ, CI="1", PYDANTIC_DISABLE_PLUGINS="__all__")
        base.pop("PYTHONDONTWRITEBYTECODE", None)  # missing .pyc files would make every start slower
        fast = {"DANGJIAN_AUDIT_FAST_YAML": "1"}
        slow = {"DANGJIAN_AUDIT_FAST_YAML": "0"}
        # label -> (checkout, environment, the label of the other checkout's run it is compared with)
        sides: dict[str, tuple[Path, dict[str, str], str]] = {}
        if has_fast_loader(other):
            sides["other, fast loader"] = (other, fast, "other, fast loader")
            sides["other, libyaml"] = (other, slow, "other, libyaml")
        else:
            sides["other"] = (other, {}, "other")
        if has_fast_loader(ROOT):
            sides["this, fast loader"] = (ROOT, fast, "other, fast loader" if "other" not in sides else "other")
            if not args.no_libyaml:
                sides["this, libyaml"] = (ROOT, slow, "other, libyaml" if "other" not in sides else "other")
        else:
            sides["this"] = (ROOT, slow, "other, libyaml" if "other" not in sides else "other")
        # the other checkout's runs compare with themselves; keep those that a run of this one is compared with
        compared = {ref for label, (_, _, ref) in sides.items() if ref != label}
        sides = {label: side for label, side in sides.items() if side[2] != label or label in compared}
        commands: dict[str, tuple[list[str], dict[str, str], Path]] = {}
        for i, (label, (checkout, extra, _)) in enumerate(sides.items()):
            prefix, env = interpreter(checkout)
            cmd = [*prefix, "batch", str(folder), "--jobs", str(args.jobs), "--as-of", AS_OF, "--format", "json",
                   "--output", str(tmp / f"summary-{i}.json"), "--out", str(tmp / f"out-{i}")]
            cache = {"DANGJIAN_AUDIT_CACHE_DIR": str(tmp / f"cache-{i}")}
            commands[label] = (cmd, base | env | extra | cache, checkout)
        wall: dict[str, list[float]] = {label: [] for label in commands}
        cpu: dict[str, list[float]] = {label: [] for label in commands}
        for cmd, env, cwd in commands.values():  # warm the file cache, the caches and the .pyc files
            run_child(cmd, env, cwd, tmp / "stdout")
        for r in range(rounds):
            order = list(commands.items()) if r % 2 == 0 else list(reversed(commands.items()))
            for label, (cmd, env, cwd) in order:
                i = list(commands).index(label)
                shutil.rmtree(tmp / f"out-{i}", ignore_errors=True)
                w, c = run_child(cmd, env, cwd, tmp / f"stdout-{i}")
                wall[label].append(w)
                cpu[label].append(c)
                print(f"round {r + 1}: {label} {w:.2f} s wall, {c:.2f} s CPU", file=sys.stderr, flush=True)
        print(f"{count} schools, batch --jobs {args.jobs} --out, {rounds} interleaved round(s); other: {other}")
        print("'vs other' is the median of per-round ratios to the other checkout's run with the same loader")
        print(f"{'run':<22} {'wall s':>7} {'CPU s':>7} {'wall vs other':>14} {'CPU vs other':>13}")
        for label in commands:
            ref = sides[label][2]
            ratio_wall = statistics.median(w / o for w, o in zip(wall[label], wall[ref], strict=True))
            ratio_cpu = statistics.median(c / o for c, o in zip(cpu[label], cpu[ref], strict=True))
            print(f"{label:<22} {statistics.median(wall[label]):>7.2f} {statistics.median(cpu[label]):>7.2f} "
                  f"{ratio_wall:>13.2f}x {ratio_cpu:>12.2f}x")
        names = list(commands)
        for label in names:
            ref = sides[label][2]
            if ref == label:
                continue
            i, j = names.index(ref), names.index(label)
            diff = differences(tmp / f"out-{i}", tmp / f"out-{j}")
            diff += [f"--{name}" for name, a, b in (("output", f"summary-{i}.json", f"summary-{j}.json"),
                                                      ("stdout", f"stdout-{i}", f"stdout-{j}"))
                     if not filecmp.cmp(tmp / a, tmp / b, shallow=False)]
            verdict = "byte-identical" if not diff else f"{len(diff)} differ, e.g. {', '.join(diff[:3])}"
            print(f"outputs of '{label}' against '{ref}': {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
