"""Batch scoring: many evidence files → one small row per file → a county summary.

Nothing is lost and nothing stops the batch: every input file ends up either as
a scored :class:`SchoolRow` or as an :class:`InvalidRow` with its diagnostics.
Each school is scored by :func:`dangjian_audit.report.audit_file`, exactly as
``check`` scores it alone.

Parallel runs use a process pool whose workers are module-level functions,
safe under any start method: the initializer loads the ruleset once per
worker; each task reads and parses one file once, scores it, optionally writes
that school's gap reports, and returns a small row (a few hundred bytes, never
the model: shipping models between processes costs about 20%, see the
performance notes). ``imap`` keeps input order, so a parallel run's output is
byte-identical to a serial one. The parent keeps only the small rows and
running totals, so memory stays flat as the number of files grows.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
import pickle
import re
import signal
import stat
import sys
import tempfile
import unicodedata
import weakref
from array import array
from collections import Counter
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, overload

from dangjian_audit import __version__
from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.models.result import STATUSES
from dangjian_audit.sanitize import clean_text

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from dangjian_audit.i18n import Messages
    from dangjian_audit.models.ruleset import Ruleset

# One letter per status keeps a school's 47 statuses in one 47-character string.
STATUS_LETTERS = {"met": "M", "partial": "P", "not_met": "N", "insufficient_evidence": "I",
                  "not_applicable": "A", "awaiting_inspector": "W"}
LETTER_STATUS = {letter: status for status, letter in STATUS_LETTERS.items()}
# Statuses the county's gap table counts and orders by: the school earned nothing on the indicator (not met, or
# no evidence for it). Partially met indicators earned points; the table shows them beside, never counts them.
SHORTFALL = ("not_met", "insufficient_evidence")
TOP_GAPS = 10

EXTENSIONS = (".yaml", ".yml")
# Evidence files are 15-40 KB. A file hundreds of times larger is not evidence, and parsing it
# would hold a worker for minutes and gigabytes, so it is reported instead of read.
MAX_FILE_BYTES = 8 * 1024 * 1024
# Below this many files the pool's start-up (0.05 s with fork, 0.3-0.4 s with spawn) costs more than it saves.
PARALLEL_MIN_FILES = 64
REPORTS_DIR = "schools"
PARTIAL_PREFIX = ".partial-"


# ---------------------------------------------------------------- rows


@dataclass(slots=True)
class SchoolRow:
    """What the summary needs from one scored school; ``statuses`` has one letter per indicator."""

    index: int
    code: str
    name: str
    county: str | None
    type: str
    total: float
    dimensions: tuple[float, ...]
    grade: str
    level: str | None
    veto: tuple[str, ...]
    statuses: str
    gate: tuple[str, ...]
    has_reports: bool = False
    source: str = ""
    report_stem: str | None = None

    @property
    def passed(self) -> bool:
        return not self.gate


@dataclass(slots=True)
class InvalidRow:
    """A file that could not be scored, with every problem found in it."""

    index: int
    diagnostics: tuple[Diagnostic, ...]
    source: str = ""


Row = SchoolRow | InvalidRow


@dataclass(frozen=True)
class BatchOptions:
    """Everything a worker needs besides the file: plain values, picklable under any start method."""

    as_of: dt.date
    lang: str = "zh"
    catalog: str | None = None
    profile: str | None = None
    fail_under: float | None = None
    fail_on_veto: bool = True
    min_level: str | None = None
    reports_dir: str | None = None


# ---------------------------------------------------------------- finding files


def discover(paths: Sequence[Path]) -> list[str]:
    """Files to score: folders searched recursively for .yaml/.yml (sorted), files taken as given.

    Hidden files and folders (``.git``, editor back-ups) are skipped inside folders; symlinked
    folders are not followed (no loops). A path that does not exist is kept, so it is reported.
    """
    out: list[str] = []
    seen: set[str] = set()

    def add(text: str) -> None:
        key = os.path.normcase(os.path.abspath(text))
        if key not in seen:
            seen.add(key)
            out.append(text)

    for path in paths:
        if not path.is_dir():
            add(str(path))
            continue
        found: list[tuple[str, ...]] = []
        for root, dirs, names in os.walk(path):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            rel = Path(root).relative_to(path).parts
            found.extend((*rel, n) for n in names if n.lower().endswith(EXTENSIONS) and not n.startswith("."))
        for parts in sorted(found):
            add(str(path.joinpath(*parts)))
    return out


# ---------------------------------------------------------------- safe report names

_UNSAFE = re.compile(r"[^\w.-]+")
_DOTS = re.compile(r"\.{2,}")
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_STEM = 80


def safe_stem(code: str) -> str:
    """A file-name stem from a school code that can never leave its folder.

    Letters (including Chinese), digits, ``_``, ``-`` and single dots are kept; separators,
    ``..``, control and other characters become ``_``; leading dots are dropped (no hidden or
    relative names), Windows device names get a ``_`` prefix.
    """
    text = unicodedata.normalize("NFKC", code)
    text = _UNSAFE.sub("_", text)
    text = _DOTS.sub(".", text).strip("._-")[:MAX_STEM].rstrip(".")
    if not text:
        return "school"
    if text.split(".")[0].upper() in _WINDOWS_RESERVED:
        text = "_" + text
    return text


class ReportNamer:
    """Deterministic, collision-free stems in input order (case-insensitively, for macOS and Windows)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def assign(self, code: str) -> str:
        stem = safe_stem(code)
        candidate, n = stem, 1
        while candidate.casefold() in self._taken:
            n += 1
            candidate = f"{stem}-{n}"
        self._taken.add(candidate.casefold())
        return candidate


def report_path(directory: Path, stem: str, suffix: str) -> Path:
    """``directory/stem.suffix``, refusing anything that would resolve outside ``directory``."""
    path = directory / f"{stem}{suffix}"
    if path.resolve().parent != directory.resolve():
        raise ValueError(f"unsafe report name: {stem!r}")
    return path


# ---------------------------------------------------------------- the worker


@dataclass
class _WorkerState:
    ruleset: Ruleset
    msgs: Messages
    options: BatchOptions
    line: float


_STATE: _WorkerState | None = None


def _install(ruleset: Ruleset, options: BatchOptions) -> None:
    global _STATE
    from dangjian_audit.i18n import Messages
    from dangjian_audit.scoring import gate_line

    line = float(gate_line(ruleset)) if options.fail_under is None else options.fail_under
    _STATE = _WorkerState(ruleset, Messages(options.lang), options, line)


def init_worker(options: BatchOptions) -> None:
    """Pool initializer: load the ruleset once per worker (no reliance on state inherited by fork)."""
    from dangjian_audit.loading import load_profile, load_ruleset

    # Ctrl-C reaches the whole process group; the parent alone decides what to do with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    profile = load_profile(Path(options.profile)) if options.profile else None
    ruleset = load_ruleset(Path(options.catalog) if options.catalog else None, profile)
    _install(ruleset, options)
    # The ruleset and the imported modules live as long as the worker: keep the collector off them.
    gc.freeze()


def _precheck(source: str) -> None:
    """Refuse what must not be read: FIFOs and devices (a read would block) and huge files."""
    from dangjian_audit.errors import InputError

    try:
        st = os.stat(source)
    except OSError:
        return  # read_text reports it with the right code
    if stat.S_ISDIR(st.st_mode):
        return
    if not stat.S_ISREG(st.st_mode):
        raise InputError([Diagnostic(source, "not_regular_file")])
    if st.st_size > MAX_FILE_BYTES:
        raise InputError([Diagnostic(source, "file_too_large", {"size": st.st_size, "limit": MAX_FILE_BYTES})])


def score_file(item: tuple[int, str]) -> Row:
    """Score one file (a pool task); a bad file, or even a bug, becomes an :class:`InvalidRow`."""
    from dangjian_audit.cli import gate_reasons
    from dangjian_audit.errors import InputError
    from dangjian_audit.report import audit_file

    index, source = item
    state = _STATE
    assert state is not None, "init_worker() or _install() must run first"
    opts = state.options
    try:
        _precheck(source)
        report = audit_file(state.ruleset, Path(source), source, opts.as_of, state.msgs)
    except InputError as exc:
        return InvalidRow(index, tuple(exc.diagnostics))
    except Exception as exc:  # noqa: BLE001 - one broken file must never stop the batch
        return InvalidRow(index, (Diagnostic(source, "internal_error", {"detail": f"{type(exc).__name__}: {exc}"}),))
    reasons = gate_reasons(report, state.line, opts.fail_on_veto, opts.min_level, state.msgs, state.ruleset)
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
        statuses="".join(STATUS_LETTERS[i.status] for i in report.indicators),
        gate=tuple(reasons),
    )
    if opts.reports_dir is not None:
        from dangjian_audit.reporters.templated import render_html, render_markdown

        # Written under a temporary name: the final, de-duplicated name is chosen by the parent,
        # which sees the files in input order.
        base = Path(opts.reports_dir) / f"{PARTIAL_PREFIX}{index}"
        base.with_suffix(".html").write_text(render_html([report], state.msgs), encoding="utf-8")
        base.with_suffix(".md").write_text(render_markdown([report], state.msgs), encoding="utf-8")
        row.has_reports = True
    return row


def chunksize(n: int, jobs: int) -> int:
    """About 16 chunks per worker: small enough for an even tail and a live progress bar."""
    return max(8, min(256, n // (jobs * 16)))


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
        for item in items:
            yield score_file(item)
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


# ---------------------------------------------------------------- the county summary


@dataclass(frozen=True)
class NamedCount:
    id: str
    name: str
    count: int
    percent: float


@dataclass(frozen=True)
class DimensionStat:
    id: str
    name: str
    max: float
    average: float | None


@dataclass(frozen=True)
class IndicatorStat:
    id: str
    dimension: str
    title: str
    counts: dict[str, int]
    shortfall: int
    met_percent: float | None


@dataclass(frozen=True)
class DuplicateCode:
    """A school code found in more than one file; every file is scored and keeps its own reports."""

    code: str
    sources: tuple[str, ...]  # in input order

    def diagnostics(self) -> list[Diagnostic]:
        """A warning for each file after the first that uses the code."""
        return [Diagnostic(source, "duplicate_school_code", {"code": self.code, "first": self.sources[0]},
                           severity="warning") for source in self.sources[1:]]


def duplicate_codes(keys: Sequence[tuple[int, str, str, int]]) -> list[DuplicateCode]:
    """Codes used by several schools, from the aggregator's ``(-cents, code, source, store key)`` keys;
    sources in input order (the store key counts rows as they arrive), codes by first appearance."""
    counts = Counter(k[1] for k in keys)
    groups: dict[str, list[tuple[int, str]]] = {}
    for _, code, source, key in keys:
        if counts[code] > 1:
            groups.setdefault(code, []).append((key, source))
    ordered = sorted(groups.items(), key=lambda item: min(item[1]))
    return [DuplicateCode(code, tuple(source for _, source in sorted(group))) for code, group in ordered]


@dataclass(frozen=True)
class GapStat:
    indicator: IndicatorStat
    schools: RowView


@dataclass
class CountySummary:
    """The view model every county reporter reads: numbers prepared, names in one language."""

    tool: str
    catalog: dict[str, str]
    profile: str | None
    lang: str
    as_of: str
    fail_under: float
    files: int
    scored: int
    invalid_count: int
    gate_failed: int
    average_total: float | None
    dimensions: list[DimensionStat]
    grades: list[NamedCount]
    levels: list[NamedCount]
    indicators: list[IndicatorStat]
    top_gaps: list[GapStat]
    ranking: Ranking
    invalid: list[InvalidRow]
    grade_names: dict[str, str]
    level_names: dict[str, str]
    type_names: dict[str, str] = field(default_factory=dict)
    status_labels: dict[str, str] = field(default_factory=dict)  # by letter
    duplicates: list[DuplicateCode] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return self.scored - self.gate_failed


class RowStore:
    """School rows spilled to an anonymous temporary file, read back by position.

    The parent keeps only a sort key per school, so its memory stays flat as the county grows.
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the summary
        # closed (and so deleted) when the store goes away, whoever held it last
        weakref.finalize(self, self._file.close)
        self._offsets = array("q")
        self._sizes = array("q")

    def add(self, row: SchoolRow) -> int:
        data = pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL)
        self._offsets.append(self._file.seek(0, os.SEEK_END))
        self._sizes.append(len(data))
        self._file.write(data)
        return len(self._offsets) - 1

    def get(self, key: int) -> SchoolRow:
        self._file.seek(self._offsets[key])
        row = pickle.loads(self._file.read(self._sizes[key]))  # noqa: S301 - our own rows, our own file
        assert isinstance(row, SchoolRow)
        return row

    def __len__(self) -> int:
        return len(self._offsets)


class RowView(Sequence[SchoolRow]):
    """Rows of a store in a given order; indexing and slicing read them back lazily."""

    def __init__(self, store: RowStore, keys: array[int]) -> None:
        self._store, self._keys = store, keys

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, index: int) -> SchoolRow: ...

    @overload
    def __getitem__(self, index: slice) -> RowView: ...

    def __getitem__(self, index: int | slice) -> SchoolRow | RowView:
        if isinstance(index, slice):
            return RowView(self._store, self._keys[index])
        return self._store.get(self._keys[index])

    def __iter__(self) -> Iterator[SchoolRow]:
        for key in self._keys:
            yield self._store.get(key)


class Ranking(Sequence[tuple[int, SchoolRow]]):
    """``(rank, row)`` pairs best first; equal totals share a rank (1, 2, 2, 4)."""

    def __init__(self, rows: RowView, ranks: array[int]) -> None:
        self._rows, self._ranks = rows, ranks

    def __len__(self) -> int:
        return len(self._ranks)

    @overload
    def __getitem__(self, index: int) -> tuple[int, SchoolRow]: ...

    @overload
    def __getitem__(self, index: slice) -> Ranking: ...

    def __getitem__(self, index: int | slice) -> tuple[int, SchoolRow] | Ranking:
        if isinstance(index, slice):
            return Ranking(self._rows[index], self._ranks[index])
        return self._ranks[index], self._rows[index]

    def __iter__(self) -> Iterator[tuple[int, SchoolRow]]:
        return zip(self._ranks, self._rows, strict=True)

    @property
    def rows(self) -> RowView:
        return self._rows


TENTH = Decimal("0.1")


def percent(count: int, of: int) -> float:
    """``count`` as a percentage of ``of``, rounded half up to one decimal (6.25 → 6.3)."""
    return float((Decimal(count * 100) / of).quantize(TENTH, rounding=ROUND_HALF_UP))


class CountyAggregator:
    """Running totals over rows as they stream in; the rows themselves are spilled to disk."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self.store = RowStore()
        # one small sort key per school: (-total in cents, code, source, store key)
        self.keys: list[tuple[int, str, str, int]] = []
        self.types: set[str] = set()
        self.invalid: list[InvalidRow] = []
        self.grade_counts: Counter[str] = Counter()
        self.level_counts: Counter[str | None] = Counter()
        self.status_counts = [Counter[str]() for _ in ruleset.indicators]
        # Scores are quantized to cents, so integer cents sum exactly.
        self.dim_cents = [0] * len(ruleset.catalog.header.dimensions)
        self.total_cents = 0
        self.gate_failed = 0

    def add(self, row: Row) -> None:
        if isinstance(row, InvalidRow):
            self.invalid.append(row)
            return
        key = self.store.add(row)
        self.keys.append((-round(row.total * 100), row.code, row.source, key))
        self.types.add(row.type)
        self.grade_counts[row.grade] += 1
        self.level_counts[row.level] += 1
        for counter, letter in zip(self.status_counts, row.statuses, strict=True):
            counter[letter] += 1
        for k, score in enumerate(row.dimensions):
            self.dim_cents[k] += round(score * 100)
        self.total_cents += round(row.total * 100)
        if row.gate:
            self.gate_failed += 1

    def summary(self, msgs: Messages, options: BatchOptions, fail_under: float) -> CountySummary:
        from dangjian_audit.scoring import q

        ruleset, lang = self.ruleset, msgs.lang
        header = ruleset.catalog.header
        n = len(self.keys)

        def avg(cents: int) -> float | None:
            # Exact decimal arithmetic, half up to the cent, as every score is (no binary-float half-even).
            return float(q(Decimal(cents) / (n * 100))) if n else None

        def pct(count: int) -> float:
            return percent(count, n) if n else 0.0

        grades = sorted(ruleset.scoring.grades, key=lambda g: g.min, reverse=True)
        levels = sorted(ruleset.scoring.levels, key=lambda lv: lv.min, reverse=True)
        grade_names: dict[str, str] = {g.id: g.name.get(lang) for g in grades}
        level_names: dict[str, str] = {lv.id: lv.name.get(lang) for lv in levels}
        level_counts = [NamedCount(lv.id, level_names[lv.id], self.level_counts[lv.id],
                                   pct(self.level_counts[lv.id])) for lv in levels]
        level_counts.append(NamedCount("none", msgs.ui("level_none"), self.level_counts[None],
                                       pct(self.level_counts[None])))
        duplicates = duplicate_codes(self.keys)
        self.keys.sort()
        order, ranks = array("q"), array("q")
        for pos, (cents, _, _, key) in enumerate(self.keys, 1):
            # Competition ranking: equal totals share a rank (1, 2, 2, 4).
            ranks.append(ranks[-1] if ranks and self.keys[pos - 2][0] == cents else pos)
            order.append(key)
        self.keys.clear()
        ranking = Ranking(RowView(self.store, order), ranks)
        indicators = []
        for ci, counts in zip(ruleset.indicators, self.status_counts, strict=True):
            ind = ci.indicator
            by_status: dict[str, int] = {s: counts[STATUS_LETTERS[s]] for s in STATUSES}
            applicable = n - by_status["not_applicable"]
            indicators.append(IndicatorStat(
                id=ind.id, dimension=ind.dimension, title=ind.title.get(lang), counts=by_status,
                shortfall=sum(by_status[s] for s in SHORTFALL),
                met_percent=percent(by_status["met"], applicable) if applicable else None,
            ))
        def gap_order(k: int) -> tuple[int, int, str]:
            return -indicators[k].shortfall, -indicators[k].counts["not_met"], indicators[k].id

        order_gaps = sorted((k for k, s in enumerate(indicators) if s.shortfall), key=gap_order)
        shortfall_letters = {STATUS_LETTERS[s] for s in SHORTFALL}
        top = order_gaps[:TOP_GAPS]
        affected: dict[int, array[int]] = {k: array("q") for k in top}
        for key, row in zip(order, ranking.rows, strict=True):  # one pass over the spilled rows
            for k in top:
                if row.statuses[k] in shortfall_letters:
                    affected[k].append(key)
        top_gaps = [GapStat(indicators[k], RowView(self.store, affected[k])) for k in top]
        return CountySummary(
            tool=f"dangjian-audit {__version__}",
            catalog={"id": header.id, "version": header.version, "effective": header.effective.isoformat()},
            profile=ruleset.profile_name,
            lang=lang,
            as_of=options.as_of.isoformat(),
            fail_under=fail_under,
            files=n + len(self.invalid),
            scored=n,
            invalid_count=len(self.invalid),
            gate_failed=self.gate_failed,
            average_total=avg(self.total_cents),
            dimensions=[DimensionStat(d.id, d.name.get(lang), float(d.points), avg(c))
                        for d, c in zip(header.dimensions, self.dim_cents, strict=True)],
            grades=[NamedCount(g.id, grade_names[g.id], self.grade_counts[g.id], pct(self.grade_counts[g.id]))
                    for g in grades],
            levels=level_counts,
            indicators=indicators,
            top_gaps=top_gaps,
            ranking=ranking,
            invalid=self.invalid,
            grade_names=grade_names,
            level_names=level_names,
            type_names={t: msgs.get("ui", f"type_{t}", t) for t in self.types},
            status_labels={letter: msgs.get("status", status) for status, letter in STATUS_LETTERS.items()},
            duplicates=duplicates,
        )


# ---------------------------------------------------------------- the whole run


def run_batch(files: Sequence[str], ruleset: Ruleset, options: BatchOptions, msgs: Messages, jobs: int,
              on_row: Callable[[Row], None] | None = None, context: BaseContext | None = None) -> CountySummary:
    """Score every file and aggregate the county summary, streaming rows as they arrive."""
    from dangjian_audit.scoring import gate_line

    aggregator = CountyAggregator(ruleset)
    namer = ReportNamer()
    reports_dir = Path(options.reports_dir) if options.reports_dir else None
    if reports_dir is not None:
        try:
            reports_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            unwritable(reports_dir, exc, msgs)
    rows = iter_rows(files, ruleset, options, jobs, context)
    try:
        for row in rows:
            row.source = clean_text(files[row.index])  # a file name may hold control or bidi characters
            if isinstance(row, SchoolRow):
                # Rows from workers arrive with fresh copies of the same few strings: keep one of each.
                row.type, row.grade = sys.intern(row.type), sys.intern(row.grade)
                row.county = sys.intern(row.county) if row.county is not None else None
                row.level = sys.intern(row.level) if row.level is not None else None
            if isinstance(row, SchoolRow) and row.has_reports and reports_dir is not None:
                row.report_stem = namer.assign(row.code)
                for suffix in (".html", ".md"):
                    os.replace(reports_dir / f"{PARTIAL_PREFIX}{row.index}{suffix}",
                               report_path(reports_dir, row.report_stem, suffix))
            aggregator.add(row)
            if on_row is not None:
                on_row(row)
    except OSError as exc:
        # A school's reports (written by a worker) or a row spilled to the temporary file.
        unwritable(reports_dir or Path(tempfile.gettempdir()), exc, msgs)
    finally:
        rows.close()  # stops the pool at once if a write failed
    line = float(gate_line(ruleset)) if options.fail_under is None else options.fail_under
    return aggregator.summary(msgs, options, line)


# ---------------------------------------------------------------- output

SUMMARY_FORMATS = {"markdown": "md", "html": "html", "json": "json", "csv": "csv", "xlsx": "xlsx"}


def render_summary(summary: CountySummary, msgs: Messages, fmt: str, color: bool = False,
                   links: bool = False) -> Iterator[str] | bytes:
    """The summary in one format: string pieces to write in order, or bytes for XLSX."""
    from dangjian_audit.reporters import county

    if fmt == "json":
        return county.county_json(summary, msgs)
    if fmt == "markdown":
        return county.county_markdown(summary, msgs, links)
    if fmt == "html":
        return county.county_html(summary, msgs, links)
    if fmt == "csv":
        return county.county_csv(summary, msgs)
    if fmt == "xlsx":
        return county.county_xlsx(summary, msgs)
    return iter([county.county_text(summary, msgs, color)])


def _encoding(fmt: str) -> str:
    # The BOM lets spreadsheet programs (Excel, WPS) recognise UTF-8 CSV instead of guessing GBK.
    return "utf-8-sig" if fmt == "csv" else "utf-8"


def write_output(content: Iterator[str] | bytes, fmt: str, path: Path | None) -> None:
    """Write one rendered summary to a file, or to standard output when ``path`` is None."""
    import codecs
    import sys

    from dangjian_audit.outputs import atomic_path

    if isinstance(content, bytes):
        if path is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(content)
            return
        with atomic_path(path) as temporary:
            temporary.write_bytes(content)
        return
    if path is None:
        sys.stdout.flush()
        encoder = codecs.getincrementalencoder(_encoding(fmt))()
        stream = sys.stdout.buffer
        for piece in content:
            stream.write(encoder.encode(piece))
        stream.write(encoder.encode("", final=True))
        stream.flush()
        return
    # Whole or absent: a summary interrupted halfway is never left under its final name.
    with atomic_path(path) as temporary, temporary.open("w", encoding=_encoding(fmt), newline="") as fh:
        for piece in content:
            fh.write(piece)


def unwritable(path: Path, exc: OSError, msgs: Messages) -> NoReturn:
    """Report an output that cannot be written (``path: error [unwritable] ...``) and stop with the usage code.

    The path named is the one the system refused (a parent that is a file, say), else ``path``.
    """
    import typer

    from dangjian_audit.errors import EXIT_USAGE

    where = os.fsdecode(exc.filename) if exc.filename is not None else str(path)
    diagnostic = Diagnostic(where, "unwritable", {"reason": exc.strerror or str(exc)})
    sys.stderr.write(diagnostic.render(msgs) + "\n")
    raise typer.Exit(EXIT_USAGE) from None


def emit(summary: CountySummary, msgs: Messages, fmt: str, output: Path | None, color: bool) -> None:
    try:
        write_output(render_summary(summary, msgs, fmt, color), fmt, output)
    except OSError as exc:
        if output is None:
            raise  # standard output: not a path the user can fix
        unwritable(output, exc, msgs)


def write_summaries(summary: CountySummary, msgs: Messages, out: Path) -> list[Path]:
    """Every summary format into ``out`` (``summary.md``, ``.html``, ``.json``, ``.csv``, ``.xlsx``)."""
    written = []
    for fmt, suffix in SUMMARY_FORMATS.items():
        path = out / f"summary.{suffix}"
        try:
            write_output(render_summary(summary, msgs, fmt, links=True), fmt, path)
        except OSError as exc:
            unwritable(path, exc, msgs)
        written.append(path)
    return written


def show_progress() -> bool:
    """A progress bar only for a person at a terminal: never when piped or on CI."""
    import sys

    return sys.stderr.isatty() and not os.environ.get("CI")


class Progress:
    """A rich progress bar on stderr, or nothing."""

    def __init__(self, total: int, label: str, enabled: bool) -> None:
        self._bar: Any = None
        if enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self._task = self._bar.add_task(label, total=total)

    def __enter__(self) -> Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def advance(self, _row: Row | None = None) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)
