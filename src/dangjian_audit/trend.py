"""Year on year for a county: the current batch compared with earlier county summaries.

An earlier summary is the ``summary.json`` that ``batch --out`` writes. It is read as
a stream (one school object at a time, with :meth:`json.JSONDecoder.raw_decode`), and
only a small tuple per school is kept (:class:`SchoolThen`), so memory stays flat in
the number of schools whatever the size of the summaries. Schools are matched by
school code; indicators by id through the current catalog's aliases.

:class:`TrendTracker` follows the rows of the current batch as they stream in and
keeps only what is unmatched or moved: schools new since the baseline, schools whose
demonstration level went up or down, and which baseline schools were seen (to list
those gone since).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.errors import InputError
from dangjian_audit.models.trend import (
    CountyTrend,
    IndicatorTrend,
    SchoolThen,
    Snapshot,
    TrendPoint,
)

LEVEL_ORDER: tuple[str | None, ...] = (None, "county", "city", "province")
CHUNK = 1 << 16
_WS = " \t\n\r"
_NUMBER_TAIL = frozenset(".eE+-0123456789")


# ---------------------------------------------------------------- streaming reader


class _Stream:
    """Values of a JSON document read piece by piece from a text file (never the whole file at once)."""

    def __init__(self, fh: IO[str]) -> None:
        self._fh = fh
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self._eof:
            return False
        chunk = self._fh.read(CHUNK)
        if not chunk:
            self._eof = True
            return False
        self._buf = self._buf[self._pos:] + chunk
        self._pos = 0
        return True

    def peek(self) -> str:
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in _WS:
                self._pos += 1
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise ValueError(f"expected {char!r}")
        self._pos += 1

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                obj, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError:
                if self._fill():
                    continue
                raise
            if isinstance(obj, (int, float)) and not isinstance(obj, bool) and \
                    (end == len(self._buf) or self._buf[end] in _NUMBER_TAIL) and self._fill():
                continue  # a number cut at the end of the buffer ("62." of "62.91") may go on
            self._pos = end
            return obj

    def items(self) -> Iterator[Any]:
        """The elements of the array that starts here, one at a time."""
        self.expect("[")
        if self.peek() == "]":
            self._pos += 1
            return
        while True:
            yield self.value()
            char = self.peek()
            self._pos += 1
            if char == "]":
                return
            if char != ",":
                raise ValueError("expected ',' or ']'")


def _members(stream: _Stream, on_array: Callable[[str, Iterator[Any]], bool]) -> Iterator[tuple[str, Any]]:
    """The top-level members of an object; arrays that ``on_array`` consumes are streamed, never built."""
    stream.expect("{")
    if stream.peek() == "}":
        return
    while True:
        key = stream.value()
        stream.expect(":")
        if not (stream.peek() == "[" and on_array(str(key), stream.items())):
            yield str(key), stream.value()
        char = stream.peek()
        stream._pos += 1
        if char == "}":
            return
        if char != ",":
            raise ValueError("expected ',' or '}'")


# ---------------------------------------------------------------- loading a summary

STREAMED = ("schools", "most_not_met", "invalid")


def _dec(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"not a number: {value!r}")
    return Decimal(str(value))  # JSON numbers were written from exact hundredths


def _opt_dec(value: Any) -> Decimal | None:
    return None if value is None else _dec(value)


def load_summary(path: Path, aliases: dict[str, str] | None = None, display: str | None = None) -> Snapshot:
    """Read a county summary (``summary.json``) into a :class:`Snapshot`; raises :class:`InputError`."""
    display = display or str(path)
    aliases = aliases or {}
    schools: dict[str, SchoolThen] = {}
    head: dict[str, Any] = {}

    def on_array(key: str, items: Iterator[Any]) -> bool:
        if key not in STREAMED:
            return False
        for item in items:
            if key == "schools":
                level = sys.intern(str(item["level"]["id"])) if item.get("level") else None
                # the code is interned so the tracker's set of seen codes shares it
                schools[sys.intern(str(item["code"]))] = SchoolThen(
                    int(_dec(item["total"]) * 100), sys.intern(str(item["grade"]["id"])), level, int(item["rank"]))
        return True

    try:
        with path.open(encoding="utf-8-sig") as fh:
            for key, value in _members(_Stream(fh), on_array):
                head[key] = value
        if head.get("kind") != "county_summary":
            raise ValueError("kind is not county_summary")
        catalog = head["catalog"]
        indicators = {aliases.get(str(i["id"]), str(i["id"])): _opt_dec(i["met_percent"]) for i in head["indicators"]}
        snapshot = Snapshot(
            source=display, as_of=str(head["as_of"]), catalog=f"{catalog['id']} {catalog['version']}",
            scored=int(head["counts"]["scored"]), average_total=_opt_dec(head["average_total"]),
            grades={str(g["id"]): int(g["count"]) for g in head["grades"]},
            levels={str(lv["id"]): int(lv["count"]) for lv in head["levels"]},
            indicators=indicators, schools=schools)
    except FileNotFoundError:
        raise InputError([Diagnostic(display, "file_not_found")]) from None
    except OSError as exc:
        raise InputError([Diagnostic(display, "unreadable", {"reason": exc.strerror or str(exc)})]) from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        detail = f"{type(exc).__name__}: {exc}" if not isinstance(exc, ValueError) else str(exc)
        raise InputError([Diagnostic(display, "summary_invalid", {"detail": detail})]) from None
    return snapshot


# ---------------------------------------------------------------- following the current batch


@dataclass
class TrendTracker:
    """What the comparison keeps while the current rows stream in (only the unmatched and the movers)."""

    baseline: Snapshot
    history: list[Snapshot]
    seen: set[str] = field(default_factory=set)
    new: list[tuple[str, str]] = field(default_factory=list)
    up: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    down: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)

    def add(self, code: str, name: str, level: str | None) -> None:
        then = self.baseline.schools.get(code)
        if then is None:
            self.new.append((code, name))
            return
        self.seen.add(sys.intern(code))  # the baseline's own key object: the set adds no strings
        moved = _level_rank(level) - _level_rank(then.level)
        if moved > 0:
            self.up.append((code, name, then.level, level))
        elif moved < 0:
            self.down.append((code, name, then.level, level))

    def gone(self) -> list[tuple[str, str, SchoolThen]]:
        """Schools of the baseline not in this batch, best rank first, named from the summary file."""
        codes = sorted(((c, t) for c, t in self.baseline.schools.items() if c not in self.seen),
                       key=lambda item: (item[1].rank, item[0]))
        try:
            names = school_names(Path(self.baseline.source), {c for c, _ in codes}) if codes else {}
        except (OSError, ValueError):
            names = {}  # the summary changed since it was read: the codes still identify the schools
        return [(c, names.get(c, c), t) for c, t in codes]


def school_names(path: Path, codes: set[str]) -> dict[str, str]:
    """The names of the schools ``codes`` in a summary (a second streamed pass, for the few unmatched)."""
    names: dict[str, str] = {}

    def on_array(key: str, items: Iterator[Any]) -> bool:
        if key not in STREAMED:
            return False
        for item in items:
            if key == "schools" and item.get("code") in codes:
                names[str(item["code"])] = str(item["name"])
        return True

    with path.open(encoding="utf-8-sig") as fh:
        for _ in _members(_Stream(fh), on_array):
            pass
    return names


def _level_rank(level: str | None) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else 0


def ordered(snapshots: list[Snapshot]) -> list[Snapshot]:
    """Summaries in time order (by as_of, then by file name for the same day)."""
    return sorted(snapshots, key=lambda s: (s.as_of, s.source))


def delta(now: Decimal | None, then: Decimal | None) -> Decimal | None:
    """The exact difference of two figures (scores and shares are exact decimals)."""
    if now is None or then is None:
        return None
    return now - then


def build_trend(tracker: TrendTracker, indicators: list[Any], average_total: Decimal | None, as_of: str,
                scored: int) -> CountyTrend:
    """The county trend view from the tracker and the current per-indicator statistics."""
    base = tracker.baseline
    rows = [IndicatorTrend(i.id, i.dimension, i.title, base.indicators.get(i.id), i.met_percent,
                           delta(i.met_percent, base.indicators.get(i.id))) for i in indicators]
    improved = sorted((r for r in rows if r.delta is not None and r.delta > 0), key=lambda r: (-(r.delta or 0), r.id))
    worsened = sorted((r for r in rows if r.delta is not None and r.delta < 0), key=lambda r: (r.delta or 0, r.id))
    points = [TrendPoint(s.as_of, s.average_total, s.scored, s.source) for s in tracker.history]
    points.append(TrendPoint(as_of, average_total, scored, ""))
    return CountyTrend(
        baseline=base, history=tracker.history, points=points,
        average_delta=delta(average_total, base.average_total), indicators=rows, improved=improved,
        worsened=worsened, up=tracker.up, down=tracker.down, new=tracker.new, gone=tracker.gone(),
    )
