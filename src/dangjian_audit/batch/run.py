"""Running a batch: one row per file, serially or from a pool of worker processes, in input order.

Parallel runs use a process pool whose workers are module-level functions, safe under any
start method: the initializer loads the ruleset once per worker; each task reads and parses
one file once, scores it, optionally writes that school's gap reports, and returns a small
row (a few hundred bytes, never the model: shipping models between processes costs about
20 %, see the performance notes). Rows come back in input order, so a parallel run's output
is byte-identical to a serial one.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
import signal
import stat
import sys
import tempfile
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from dangjian_audit.batch.aggregate import CountyAggregator
from dangjian_audit.batch.names import ReportNamer, report_path
from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.errors import InputError, OutputError
from dangjian_audit.gates import Gate, gate_reasons, score_gate_reasons
from dangjian_audit.i18n import Messages
from dangjian_audit.limits import DEFAULT_MAX_FILE_BYTES
from dangjian_audit.models.county import CountySummary, InvalidRow, Row, SchoolRow
from dangjian_audit.models.result import STATUS_KINDS
from dangjian_audit.models.ruleset import Ruleset
from dangjian_audit.sanitize import clean_text

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from dangjian_audit.models.baseline import WaiverSet
    from dangjian_audit.trend import TrendTracker

# Evidence files are 15-40 KB. A file hundreds of times larger is not evidence, and parsing it
# would hold a worker for minutes and gigabytes, so it is reported instead of read: the limit is the
# same for every command (limits.py), and read_text applies it before reading.
MAX_FILE_BYTES = DEFAULT_MAX_FILE_BYTES
# Below this many files the pool's start-up (0.05 s with fork, 0.3-0.4 s with spawn) costs more than it saves.
PARALLEL_MIN_FILES = 64
PARTIAL_PREFIX = ".partial-"
# The formats of the gap report written for each school under ``--out``.
SCHOOL_REPORTS = ("html", "markdown")
# The collector's young-generation threshold while schools are scored. Parsing one school builds
# tens of thousands of containers that all die by reference counting; at the default (a young
# collection every 700 net allocations) the collector rescanned the live parse tree about 18 times
# per school with the libyaml loader, about a tenth of a worker's time. Cyclic garbage (rare:
# tracebacks of refused files) is still collected, after this many net allocations.
SCORING_GC_THRESHOLD = 100_000


def school_report_suffixes() -> list[str]:
    from dangjian_audit.reporters import formats

    return [formats()[name].suffix for name in SCHOOL_REPORTS]


@dataclass(frozen=True)
class BatchOptions:
    """Everything a worker needs besides the file: plain values, picklable under any start method."""

    as_of: dt.date
    lang: str = "zh"
    catalog: str | None = None
    profile: str | None = None
    fail_under: Decimal | None = None
    fail_on_veto: bool = True
    min_level: str | None = None
    reports_dir: str | None = None
    max_file_bytes: int | None = None  # None: the limit in force (limits.max_file_bytes)
    # batch --plan: plan every school's rectification (next level up) as well
    plan: bool = False
    waivers: str | None = None  # issue 11: the waivers file, loaded once per worker


@dataclass
class _WorkerState:
    ruleset: Ruleset
    msgs: Messages
    options: BatchOptions
    gate: Gate
    waivers: WaiverSet | None = None


_STATE: _WorkerState | None = None


def _install(ruleset: Ruleset, options: BatchOptions) -> None:
    global _STATE
    gate = Gate.build(ruleset, options.fail_under, options.fail_on_veto, options.min_level)
    waivers = None
    if options.waivers is not None:
        from dangjian_audit.waivers import load_waivers

        waivers = load_waivers(Path(options.waivers), ruleset)  # validated by the command already
    _STATE = _WorkerState(ruleset, Messages(options.lang), options, gate, waivers)


def init_worker(options: BatchOptions) -> None:
    """Pool initializer: load the ruleset once per worker (no reliance on state inherited by fork)."""
    from dangjian_audit.catalog_cache import load_ruleset_cached

    # Ctrl-C reaches the whole process group; the parent alone decides what to do with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ruleset = load_ruleset_cached(Path(options.catalog) if options.catalog else None,
                                  Path(options.profile) if options.profile else None)
    _install(ruleset, options)
    # The ruleset and the imported modules live as long as the worker: keep the collector off them.
    gc.freeze()
    gc.set_threshold(SCORING_GC_THRESHOLD, *gc.get_threshold()[1:])


def _precheck(source: str) -> None:
    """A folder among the inputs is one discover() could not list: an unreadable input, never skipped.

    Files are checked by read_text (regular files only, opened without blocking, size before reading).
    """
    try:
        st = os.stat(source)
    except OSError:
        return  # read_text reports it with the right code
    if stat.S_ISDIR(st.st_mode):
        raise InputError([Diagnostic(source, "unreadable_folder")])


def _summary_row(index: int, source: str, state: _WorkerState) -> Row:
    """A school's row from its score alone: without ``--out`` no report (findings, wording) is built,
    and the fast loader skips the source lines that only the reports show."""
    from dangjian_audit.report import score_evidence

    opts = state.options
    try:
        _precheck(source)
        evidence, evaluations, sc = score_evidence(state.ruleset, Path(source), source, opts.as_of,
                                                   opts.max_file_bytes, lines=False)
    except InputError as exc:
        return InvalidRow(index, tuple(exc.diagnostics))
    except Exception as exc:  # noqa: BLE001 - one broken file must never stop the batch
        return InvalidRow(index, (Diagnostic(source, "internal_error", {"detail": f"{type(exc).__name__}: {exc}"}),))
    level = sc.level.id if sc.level else None
    school = evidence.school
    return SchoolRow(
        index=index,
        code=school.code,
        name=school.name,
        county=school.county,
        type=school.type,
        total=sc.total,
        dimensions=tuple(d.score for d in sc.dimensions),
        grade=sc.grade.id,
        level=level,
        veto=tuple(sc.veto),
        statuses="".join(STATUS_KINDS[e.status].letter for e in evaluations),  # type: ignore[index]
        gate=tuple(score_gate_reasons(sc.total, sc.uncapped, sc.veto, sc.veto_unverified, level, state.gate,
                                      state.msgs, state.ruleset)),
        # as report.veto_cap.uncapped_total (tests/test_batch_speed.py keeps the two row builders equal)
        capped_from=sc.uncapped if sc.cap is not None else None,
    )


def score_file(item: tuple[int, str]) -> Row:
    """Score one file (a pool task); a bad file, or even a bug, becomes an :class:`InvalidRow`."""
    from dangjian_audit.report import audit_file

    index, source = item
    state = _STATE
    assert state is not None, "init_worker() or _install() must run first"
    opts = state.options
    if opts.reports_dir is None and not opts.plan and state.waivers is None:
        # waivers change statuses and scores: their schools go through the report (issue 11)
        return _summary_row(index, source, state)
    try:
        _precheck(source)
        if opts.plan:
            from dangjian_audit.plan_report import audit_and_plan

            report, plan, levels = audit_and_plan(state.ruleset, Path(source), source, opts.as_of, state.msgs,
                                                  max_bytes=opts.max_file_bytes)
        else:
            report = audit_file(state.ruleset, Path(source), source, opts.as_of, state.msgs,
                                max_bytes=opts.max_file_bytes, waivers=state.waivers)
    except InputError as exc:
        return InvalidRow(index, tuple(exc.diagnostics))
    except Exception as exc:  # noqa: BLE001 - one broken file must never stop the batch
        return InvalidRow(index, (Diagnostic(source, "internal_error", {"detail": f"{type(exc).__name__}: {exc}"}),))
    reasons = gate_reasons(report, state.gate, state.msgs, state.ruleset)
    row = SchoolRow(
        index=index,
        code=report.school.code,
        name=report.school.name,
        county=report.school.county,
        type=report.school.type,
        total=report.total,
        dimensions=tuple(d.score for d in report.dimensions),
        grade=report.grade.id,
        level=report.level.id if report.level else None,
        veto=tuple(report.veto),
        statuses="".join(STATUS_KINDS[i.status].letter for i in report.indicators),
        gate=tuple(reasons),
        capped_from=report.veto_cap.uncapped_total if report.veto_cap else None,
    )
    if opts.plan:
        row.plan, row.plan_levels = plan.model_dump_json(), levels
    if opts.reports_dir is not None:
        from dangjian_audit.models.result import CheckRun
        from dangjian_audit.reporters import RenderOptions, formats, join

        # Written under a temporary name: the final, de-duplicated name is chosen by the parent,
        # which sees the files in input order.
        base = Path(opts.reports_dir) / f"{PARTIAL_PREFIX}{index}"
        run = CheckRun(reports=[report])
        render = RenderOptions(state.msgs, state.ruleset)
        for name in SCHOOL_REPORTS:
            fmt = formats()[name]
            assert fmt.school is not None
            text = join(fmt.school(run, render))
            assert isinstance(text, str)
            base.with_suffix(fmt.suffix).write_text(text, encoding=fmt.encoding)
        row.has_reports = True
    return row


def chunksize(n: int, jobs: int) -> int:
    """About 16 chunks per worker: small enough for an even tail and a live progress bar.

    At least 2 files: a worker that draws the last chunk works on while the others wait, for half a
    chunk on average (a county of 150 with reports: 8 files a chunk kept one worker 80 ms alone).
    """
    return max(2, min(256, n // (jobs * 16)))


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def iter_rows(files: Sequence[str], ruleset: Ruleset, options: BatchOptions, jobs: int,
              context: BaseContext | None = None) -> Generator[Row, None, None]:
    """One row per file, in input order, serially or from a pool of ``jobs`` processes."""
    items = enumerate(files)
    if jobs <= 1 or len(files) < PARALLEL_MIN_FILES:
        _install(ruleset, options)
        gc.freeze()  # as in a worker: the long-lived modules and ruleset leave the collector's scans
        threshold = gc.get_threshold()
        gc.set_threshold(SCORING_GC_THRESHOLD, *threshold[1:])
        try:
            for item in items:
                yield score_file(item)
        finally:
            gc.set_threshold(*threshold)  # the caller's process keeps its own setting
        return
    ctx = context or multiprocessing.get_context()
    done = 0
    # An executor, not a Pool: if a worker process dies outright (killed for memory, a crash in C
    # code) the pool is reported broken instead of waiting forever for the lost chunk.
    pool = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=init_worker, initargs=(options,))
    try:
        for row in pool.map(score_file, items, chunksize=chunksize(len(files), jobs)):
            done += 1
            yield row
    except BrokenProcessPool:
        # Nothing is lost: the files whose worker died are listed, each with the reason.
        for index in range(done, len(files)):
            yield InvalidRow(index, (Diagnostic(files[index], "worker_lost", {}),))
    except BaseException:
        # Ctrl-C, or the consumer stopped (a write failed): every chunk is already queued, so a plain
        # shutdown would score the whole county first. Drop the queue and stop the workers now.
        _stop(pool)
        raise
    pool.shutdown()


def _stop(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())  # private, but the only handle
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(5)


def run_batch(files: Sequence[str], ruleset: Ruleset, options: BatchOptions, msgs: Messages, jobs: int,
              on_row: Callable[[Row], None] | None = None, context: BaseContext | None = None,
              trend: TrendTracker | None = None) -> CountySummary:
    """Score every file and aggregate the county summary, streaming rows as they arrive.

    Raises :class:`OutputError` when a school's reports or the spill file cannot be written.
    """
    aggregator = CountyAggregator(ruleset)
    aggregator.trend = trend  # issue 11: --baseline/--history
    namer = ReportNamer()
    reports_dir = Path(options.reports_dir) if options.reports_dir else None
    if reports_dir is not None:
        try:
            reports_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError.from_os_error(str(reports_dir), exc) from None
    rows = iter_rows(files, ruleset, options, jobs, context)
    try:
        for row in rows:
            row.source = clean_text(files[row.index], single_line=True)  # a file name may hold control characters
            if isinstance(row, SchoolRow):
                # Rows from workers arrive with fresh copies of the same few strings: keep one of each.
                row.type, row.grade = sys.intern(row.type), sys.intern(row.grade)
                row.county = sys.intern(row.county) if row.county is not None else None
                row.level = sys.intern(row.level) if row.level is not None else None
            if isinstance(row, SchoolRow) and row.has_reports and reports_dir is not None:
                row.report_stem = namer.assign(row.code)
                for suffix in school_report_suffixes():
                    os.replace(reports_dir / f"{PARTIAL_PREFIX}{row.index}{suffix}",
                               report_path(reports_dir, row.report_stem, suffix))
            aggregator.add(row)
            if on_row is not None:
                on_row(row)
    except OSError as exc:
        # A school's reports (written by a worker) or a row spilled to the temporary file.
        raise OutputError.from_os_error(str(reports_dir or Path(tempfile.gettempdir())), exc) from None
    finally:
        rows.close()  # stops the pool at once if a write failed
    gate = Gate.build(ruleset, options.fail_under, options.fail_on_veto, options.min_level)
    return aggregator.summary(msgs, options.as_of, gate.fail_under)
