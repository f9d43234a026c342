"""The county summary built from rows as they stream in; the rows themselves are spilled to disk."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import tempfile
import weakref
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, overload

from dangjian_audit._version import __version__
from dangjian_audit.formatting import percent, q
from dangjian_audit.i18n import Messages
from dangjian_audit.models.county import (
    SHORTFALL,
    CountySummary,
    DimensionStat,
    DuplicateCode,
    GapStat,
    IndicatorStat,
    InvalidRow,
    NamedCount,
    Row,
    SchoolRow,
)
from dangjian_audit.models.result import STATUS_KINDS, STATUSES
from dangjian_audit.models.ruleset import Ruleset

if TYPE_CHECKING:
    from dangjian_audit.trend import TrendTracker

WAIVED_LETTER = STATUS_KINDS["waived"].letter

TOP_GAPS = 10


_PREAD = getattr(os, "pread", None)  # not on Windows, which has no fork either


class RowStore:
    """School rows spilled to an anonymous temporary file, read back by position.

    The parent keeps only a sort key per school, so its memory stays flat as the county grows.
    Rows are read with ``pread`` where the system has it, which leaves the file's shared position
    alone: a process forked from this one (:mod:`dangjian_audit.batch.aside`) reads the same rows
    at the same time. Once :meth:`seal` has written everything out, reading never writes.
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the summary
        # closed (and so deleted) when the store goes away, whoever held it last
        weakref.finalize(self, self._file.close)
        self._offsets = array("q")
        self._sizes = array("q")
        self._end = 0
        self._unflushed = False

    def add(self, row: SchoolRow) -> int:
        data = pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(self._end)
        self._file.write(data)
        self._offsets.append(self._end)
        self._sizes.append(len(data))
        self._end += len(data)
        self._unflushed = True
        return len(self._offsets) - 1

    def seal(self) -> None:
        """Write out what is buffered: every row is then in the file itself."""
        if self._unflushed:
            self._file.flush()
            self._unflushed = False

    def get(self, key: int) -> SchoolRow:
        self.seal()
        offset, size = self._offsets[key], self._sizes[key]
        if _PREAD is None:
            self._file.seek(offset)
            data = self._file.read(size)
        else:
            data = _PREAD(self._file.fileno(), size, offset)
            while len(data) < size:  # a short read (not seen on regular files, but allowed)
                more = _PREAD(self._file.fileno(), size - len(data), offset + len(data))
                if not more:
                    break
                data += more
        row = pickle.loads(data)  # noqa: S301 - our own rows, our own file
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


def duplicate_codes(keys: Sequence[tuple[Decimal, str, str, int]]) -> list[DuplicateCode]:
    """Codes used by several schools, from the aggregator's ``(-total, code, source, store key)`` keys;
    sources in input order (the store key counts rows as they arrive), codes by first appearance."""
    counts = Counter(k[1] for k in keys)
    groups: dict[str, list[tuple[int, str]]] = {}
    for _, code, source, key in keys:
        if counts[code] > 1:
            groups.setdefault(code, []).append((key, source))
    ordered = sorted(groups.items(), key=lambda item: min(item[1]))
    return [DuplicateCode(code, tuple(source for _, source in sorted(group))) for code, group in ordered]


class CountyAggregator:
    """Running totals over rows as they stream in; the rows themselves are spilled to disk."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self.store = RowStore()
        # one small sort key per school: (-total in cents, code, source, store key)
        self.keys: list[tuple[Decimal, str, str, int]] = []
        self.types: set[str] = set()
        self.invalid: list[InvalidRow] = []
        self.grade_counts: Counter[str] = Counter()
        self.level_counts: Counter[str | None] = Counter()
        self.status_counts = [Counter[str]() for _ in ruleset.indicators]
        # Scores are exact decimals (quantized to cents), so they sum exactly.
        self.dim_sums = [Decimal(0)] * len(ruleset.catalog.header.dimensions)
        self.total_sum = Decimal(0)
        self.gate_failed = 0
        self.trend: TrendTracker | None = None  # issue 11: set by run_batch with --baseline/--history
        self.waived: list[tuple[str, int]] = []  # (school code, indicator position) of each waived indicator

    def add(self, row: Row) -> None:
        if isinstance(row, InvalidRow):
            self.invalid.append(row)
            return
        key = self.store.add(row)
        self.keys.append((-row.total, row.code, row.source, key))
        self.types.add(row.type)
        self.grade_counts[row.grade] += 1
        self.level_counts[row.level] += 1
        for counter, letter in zip(self.status_counts, row.statuses, strict=True):
            counter[letter] += 1
        for k, score in enumerate(row.dimensions):
            self.dim_sums[k] += score
        self.total_sum += row.total
        if row.gate:
            self.gate_failed += 1
        if self.trend is not None:
            self.trend.add(row.code, row.name, row.level)
        if WAIVED_LETTER in row.statuses:
            self.waived.extend((row.code, k) for k, letter in enumerate(row.statuses) if letter == WAIVED_LETTER)

    def summary(self, msgs: Messages, as_of: dt.date, fail_under: Decimal) -> CountySummary:
        ruleset, lang = self.ruleset, msgs.lang
        header = ruleset.catalog.header
        n = len(self.keys)
        self.store.seal()  # every row on disk: a process forked to render a summary reads, never writes

        def avg(total: Decimal) -> Decimal | None:
            # Exact decimal arithmetic, half up to the cent, as every score is.
            return q(total / n) if n else None

        def pct(count: int) -> Decimal:
            return percent(count, n)

        grades = ruleset.scoring.grades_descending()
        levels = ruleset.scoring.levels_descending()
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
            by_status: dict[str, int] = {s: counts[STATUS_KINDS[s].letter] for s in STATUSES}
            # a waived indicator leaves the met share's denominator as it leaves the score's (issue 11)
            applicable = n - by_status["not_applicable"] - by_status["waived"]
            indicators.append(IndicatorStat(
                id=ind.id, dimension=ind.dimension, title=ind.title.get(lang), counts=by_status,
                shortfall=sum(by_status[s] for s in SHORTFALL),
                met_percent=percent(by_status["met"], applicable) if applicable else None,
            ))
        def gap_order(k: int) -> tuple[int, int, str]:
            return -indicators[k].shortfall, -indicators[k].counts["not_met"], indicators[k].id

        order_gaps = sorted((k for k, s in enumerate(indicators) if s.shortfall), key=gap_order)
        shortfall_letters = {STATUS_KINDS[s].letter for s in SHORTFALL}
        top = order_gaps[:TOP_GAPS]
        affected: dict[int, array[int]] = {k: array("q") for k in top}
        for key, row in zip(order, ranking.rows, strict=True):  # one pass over the spilled rows
            for k in top:
                if row.statuses[k] in shortfall_letters:
                    affected[k].append(key)
        top_gaps = [GapStat(indicators[k], RowView(self.store, affected[k])) for k in top]
        trend = None
        if self.trend is not None:
            from dangjian_audit.trend import build_trend

            trend = build_trend(self.trend, indicators, avg(self.total_sum), as_of.isoformat(), n)
        return CountySummary(
            tool=f"dangjian-audit {__version__}",
            catalog={"id": header.id, "version": header.version, "effective": header.effective.isoformat()},
            profile=ruleset.profile_name,
            lang=lang,
            as_of=as_of.isoformat(),
            fail_under=fail_under,
            files=n + len(self.invalid),
            scored=n,
            invalid_count=len(self.invalid),
            gate_failed=self.gate_failed,
            average_total=avg(self.total_sum),
            dimensions=[DimensionStat(d.id, d.name.get(lang), d.points, avg(c))
                        for d, c in zip(header.dimensions, self.dim_sums, strict=True)],
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
            status_labels={k.letter: msgs.get("status", status) for status, k in STATUS_KINDS.items()},
            duplicates=duplicates,
            trend=trend,
            waived=[(code, ruleset.indicators[k].indicator.id) for code, k in self.waived],
        )
