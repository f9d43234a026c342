"""County year-on-year sections (issue 11): the comparison with earlier summaries and the waivers applied.

Shared by every county format. Per-school changes are looked up while the ranking
streams (one small tuple per school in memory); the charts are inline SVG whose
geometry is computed here, so templates only loop (no script, no CDN).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from dangjian_audit.formatting import compact, num
from dangjian_audit.i18n import Messages
from dangjian_audit.models.trend import CountyTrend
from dangjian_audit.trend import delta

if TYPE_CHECKING:
    from dangjian_audit.models.county import CountySummary, SchoolRow


def _num(value: Decimal | None) -> str:
    return num(value)


def signed(value: Decimal | None, suffix: str = "") -> str:
    if value is None:
        return "—"
    if value == 0:
        return "±0" + suffix
    text = f"{int(value):+d}" if value == int(value) else f"{value:+.2f}"
    return text + suffix


def _share(value: Decimal | None) -> str:
    """A met share in percent as written: ``33.3``, ``80``."""
    return "—" if value is None else compact(value)


def _share_change(value: Decimal | None) -> str:
    if value is None:
        return "—"
    if value == 0:
        return "±0 pp"
    return ("+" if value > 0 else "-") + compact(abs(value)) + " pp"


def _level_name(s: CountySummary, msgs: Messages, level: str | None) -> str:
    return s.level_names.get(level, level) if level else msgs.ui("level_none")


# ---------------------------------------------------------------- per school


def school_change(s: CountySummary, rank: int, row: SchoolRow) -> dict[str, Any] | None:
    """A school's change since the baseline as data (JSON), or None without a trend."""
    t = s.trend
    if t is None:
        return None
    then = t.then(row.code)
    history = [{"as_of": snap.as_of, "total": total} for snap, total in zip(t.history, t.totals(row.code),
                                                                           strict=True)]
    if then is None:
        return {"matched": False, "history": history}
    return {
        "matched": True,
        "then": {"as_of": t.baseline.as_of, "total": then.total, "grade": then.grade, "level": then.level,
                 "rank": then.rank},
        "total_delta": delta(row.total, then.total),
        "rank_delta": then.rank - rank,
        "grade_changed": then.grade != row.grade,
        "level_change": _level_move(then.level, row.level),
        "history": history,
    }


def _level_move(then: str | None, now: str | None) -> str:
    from dangjian_audit.trend import LEVEL_ORDER

    a = LEVEL_ORDER.index(then) if then in LEVEL_ORDER else 0
    b = LEVEL_ORDER.index(now) if now in LEVEL_ORDER else 0
    return "up" if b > a else ("down" if b < a else "same")


def trend_header(s: CountySummary, msgs: Messages) -> list[str]:
    """Extra CSV/XLSX columns with a trend: the totals of every earlier summary, then the baseline's figures."""
    t = s.trend
    if t is None:
        return []
    yoy = msgs.table["yoy"]
    return ([yoy["total_on"].format(as_of=snap.as_of) for snap in t.history]
            + [yoy["total_then"], yoy["total_delta"], yoy["grade_then"], yoy["level_then"], yoy["rank_then"],
               yoy["rank_delta"], yoy["trend_note"]])


def trend_cells(s: CountySummary, msgs: Messages, rank: int, row: SchoolRow) -> list[Any]:
    t = s.trend
    if t is None:
        return []
    yoy = msgs.table["yoy"]
    totals: list[Any] = ["" if x is None else x for x in t.totals(row.code)]
    then = t.then(row.code)
    if then is None:
        return totals + ["", "", "", "", "", "", yoy["school_new"]]
    return totals + [then.total, delta(row.total, then.total), s.grade_names.get(then.grade, then.grade),
                     _level_name(s, msgs, then.level), then.rank, then.rank - rank, ""]


def gone_rows(s: CountySummary, msgs: Messages) -> Iterator[tuple[str, str, list[Any]]]:
    """(code, name, trend cells) of each baseline school that is not in this batch."""
    t = s.trend
    if t is None:
        return
    yoy = msgs.table["yoy"]
    for code, name, then in t.gone:
        totals: list[Any] = ["" if x is None else x for x in t.totals(code)]
        yield code, name, totals + [then.total, "", s.grade_names.get(then.grade, then.grade),
                                         _level_name(s, msgs, then.level), then.rank, "", yoy["school_gone"]]


# ---------------------------------------------------------------- county-wide data


def trend_json(s: CountySummary) -> dict[str, Any]:
    t = s.trend
    assert t is not None

    def ind(i: Any) -> dict[str, Any]:
        return {"id": i.id, "title": i.title, "then": i.then, "now": i.now, "delta": i.delta}

    return {
        "baseline": {"source": t.baseline.source, "as_of": t.baseline.as_of, "catalog": t.baseline.catalog,
                     "scored": t.baseline.scored, "average_total": t.baseline.average_total},
        "history": [{"as_of": p.as_of, "average_total": p.average_total, "scored": p.scored,
                     "source": p.source or None} for p in t.points],
        "average_delta": t.average_delta,
        "indicators": [ind(i) for i in t.indicators],
        "improved": [i.id for i in t.improved],
        "worsened": [i.id for i in t.worsened],
        "level_up": [{"code": c, "name": n, "then": a, "now": b} for c, n, a, b in t.up],
        "level_down": [{"code": c, "name": n, "then": a, "now": b} for c, n, a, b in t.down],
        "new_schools": [{"code": c, "name": n} for c, n in t.new],
        "gone_schools": [{"code": c, "name": name, "total": then.total, "rank": then.rank}
                         for c, name, then in t.gone],
    }


def waivers_rows(s: CountySummary, msgs: Messages) -> list[dict[str, str]]:
    """The waivers applied in the county, school by school (the audit trail)."""
    if s.waiver_set is None:
        return []
    from dangjian_audit.waivers import select, waiver_out

    day = dt.date.fromisoformat(s.as_of)
    titles = {i.id: i.title for i in s.indicators}
    rows = []
    for code, indicator in s.waived:
        w = select(s.waiver_set, code, day).active[indicator]
        out = waiver_out(w, msgs)
        rows.append({"school": code, "indicator": indicator, "title": titles.get(indicator, ""), "reason": w.reason,
                     "approved_by": out.approved_by_label, "approved_on": out.approved_on, "expires": out.expires,
                     "scope": msgs.get("yoy", "school_any") if w.school == "*" else w.school})
    return rows


def waivers_json(s: CountySummary, msgs: Messages) -> dict[str, Any]:
    assert s.waiver_set is not None
    return {"file": s.waiver_set.path,
            "applied": [{k: r[k] for k in ("school", "indicator", "reason", "approved_by", "approved_on", "expires")}
                        for r in waivers_rows(s, msgs)],
            "warnings": list(s.waiver_warnings)}


# ---------------------------------------------------------------- charts and the Markdown/HTML view

LINE_W, LINE_H, PAD = 560, 200, 40
BAR_ROW, BAR_HALF, BAR_LABEL = 16, 200, 60


def line_chart(t: CountyTrend) -> dict[str, Any]:
    """The county average total at each summary and now: a polyline with labelled points."""
    # Geometry only: drawing coordinates may be floats, the figures shown stay exact.
    known = [float(p.average_total) for p in t.points if p.average_total is not None]
    # the axis from the tens below the lowest average to the tens above the highest, within 0-100
    low = max(0.0, math.floor((min(known) if known else 0.0) / 10) * 10 - 10)
    high = min(100.0, math.ceil((max(known) if known else 100.0) / 10) * 10 + 10)
    span = (high - low) or 1.0
    n = len(t.points)
    step = (LINE_W - 2 * PAD) / max(n - 1, 1)
    points = []
    for k, p in enumerate(t.points):
        x = PAD + step * k if n > 1 else LINE_W / 2
        y = None if p.average_total is None else \
            LINE_H - PAD - (float(p.average_total) - low) / span * (LINE_H - 2 * PAD)
        points.append({"x": f"{x:.1f}", "y": f"{y:.1f}" if y is not None else None, "label": p.as_of,
                       "value": _num(p.average_total), "ly": f"{(y or 0) - 8:.1f}"})
    path = " ".join(f"{p['x']},{p['y']}" for p in points if p["y"] is not None)
    return {"width": LINE_W, "height": LINE_H, "points": points, "path": path, "axis_y": LINE_H - PAD + 16,
            "base_y": LINE_H - PAD, "left": PAD, "right": LINE_W - PAD, "low": f"{low:g}", "high": f"{high:g}",
            "top": PAD}


def bar_chart(t: CountyTrend) -> dict[str, Any]:
    """Each indicator whose met share moved: a bar left (worsened) or right (improved) of the centre."""
    moved = t.improved + t.worsened
    biggest = max((abs(float(i.delta or 0)) for i in moved), default=1.0) or 1.0
    centre = BAR_LABEL + BAR_HALF
    bars = []
    for k, i in enumerate(moved):
        length = abs(float(i.delta or 0)) / biggest * BAR_HALF
        up = (i.delta or 0) > 0
        bars.append({"y": f"{k * BAR_ROW + 4:.1f}", "ty": f"{k * BAR_ROW + 14:.1f}", "label": i.id,
                     "title": f"{i.id} {i.title}",
                     "x": f"{centre if up else centre - length:.1f}", "w": f"{max(length, 1):.1f}",
                     "cls": "up" if up else "down", "value": _share_change(i.delta),
                     "vx": f"{centre + length + 4 if up else centre - length - 4:.1f}",
                     "anchor": "start" if up else "end"})
    return {"width": BAR_LABEL + 2 * BAR_HALF + 60, "height": max(len(bars), 1) * BAR_ROW + 8, "bars": bars,
            "centre": f"{centre:.1f}", "label_x": BAR_LABEL - 6}


def trend_view(s: CountySummary, msgs: Messages) -> dict[str, Any] | None:
    t = s.trend
    if t is None:
        return None
    yoy = msgs.table["yoy"]

    def moves(items: list[tuple[str, str, str | None, str | None]]) -> list[dict[str, str]]:
        return [{"code": c, "name": n, "then": _level_name(s, msgs, a), "now": _level_name(s, msgs, b)}
                for c, n, a, b in items]

    return {
        "ref": str(yoy["county_baseline_ref"]).format(source=t.baseline.source, as_of=t.baseline.as_of,
                                                      catalog=t.baseline.catalog, scored=t.baseline.scored),
        "average": str(yoy["value_change"]).format(then=_num(t.baseline.average_total), now=_num(s.average_total),
                                                   delta=signed(t.average_delta)),
        "points": [{"as_of": p.as_of, "average": _num(p.average_total), "scored": p.scored} for p in t.points],
        "improved": [{"id": i.id, "title": i.title, "then": _share(i.then), "now": _share(i.now),
                      "delta": _share_change(i.delta)} for i in t.improved],
        "worsened": [{"id": i.id, "title": i.title, "then": _share(i.then), "now": _share(i.now),
                      "delta": _share_change(i.delta)} for i in t.worsened],
        "up": moves(t.up), "down": moves(t.down),
        "new": [{"code": c, "name": n} for c, n in t.new],
        "gone": [{"code": c, "name": name, "total": _num(then.total), "rank": then.rank} for c, name, then in t.gone],
        "line": line_chart(t), "bars": bar_chart(t),
    }


def school_rows(s: CountySummary, msgs: Messages) -> Iterator[dict[str, Any]]:
    """Per school, in ranking order: total then and now, change, grade, level and rank then and now."""
    t = s.trend
    if t is None:
        return
    for rank, row in s.ranking:
        then = t.then(row.code)
        yield {
            "rank": rank, "name": row.name, "code": row.code, "total": _num(row.total),
            "then": _num(then.total) if then else "—",
            "delta": signed(delta(row.total, then.total)) if then else msgs.get("yoy", "school_new"),
            "grade": (f"{s.grade_names.get(then.grade, then.grade)} → " if then else "")
            + s.grade_names[row.grade],
            "level": (f"{_level_name(s, msgs, then.level)} → " if then else "") + _level_name(s, msgs, row.level),
            "rank_change": f"{then.rank} → {rank} ({signed(Decimal(then.rank - rank))})" if then else str(rank),
        }
