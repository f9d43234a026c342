"""View helpers shared by the school reporters for the year-on-year sections (issue 11).

Rows of the "compared with the baseline" and "waivers" sections are prepared here,
with numbers already formatted, so the text reporter and the Markdown and HTML
templates show the same thing and templates hold no arithmetic.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dangjian_audit import formatting
from dangjian_audit.i18n import Messages
from dangjian_audit.models.baseline import IndicatorDelta
from dangjian_audit.models.result import SchoolReport

# Order of the gap-change table: what needs attention first.
CHANGE_ORDER = ("new", "worsened", "persisting", "improved", "waived", "resolved")


def num(value: Decimal | None) -> str:
    return formatting.num(value)


def signed(value: Decimal | None) -> str:
    """A change with its sign, two decimals: ``+1.50``, ``-0.25``, ``±0.00``."""
    if value is None:
        return "—"
    return "±0.00" if value == 0 else f"{value:+.2f}"


def _status(msgs: Messages, status: str | None) -> str:
    return msgs.get("status", status) if status else "—"


def _gap_row(d: IndicatorDelta, msgs: Messages) -> dict[str, Any]:
    title = d.title
    if d.previous_id:
        title += f" ({msgs.get('yoy', 'previous_id').format(id=d.previous_id)})"
    if d.status is None:
        title += " " + msgs.get("yoy", "removed_indicator")
    return {
        "id": d.id, "title": title, "change": d.change or "",
        "change_label": msgs.get("yoy", f"change_{d.change}") if d.change else "",
        "status_then": _status(msgs, d.previous_status), "status_now": _status(msgs, d.status),
        "points_then": num(d.previous_points), "points_now": num(d.points), "delta": signed(d.delta),
    }


def baseline_view(report: SchoolReport, msgs: Messages) -> dict[str, Any] | None:
    """Everything the baseline section shows, or None when the report has no baseline."""
    b = report.baseline
    if b is None:
        return None
    ref = b.baseline
    yoy = msgs.table.get("yoy", {})
    level_none = msgs.ui("level_none")
    gaps = sorted((d for d in b.indicators if d.change), key=lambda d: (CHANGE_ORDER.index(d.change or "new"), d.id))
    return {
        "ref": str(yoy["baseline_ref"]).format(source=ref.source, start=ref.period.start, end=ref.period.end,
                                               as_of=ref.as_of, catalog=f"{ref.catalog.id} {ref.catalog.version}"),
        "total": str(yoy["total_change"]).format(then=num(ref.total), now=num(report.total),
                                                 delta=signed(b.total_delta)),
        "grade": str(yoy["grade_change"]).format(then=ref.grade.name, now=report.grade.name),
        "level": str(yoy["level_change"]).format(then=ref.level.name if ref.level else level_none,
                                                 now=report.level.name if report.level else level_none),
        "counts": str(yoy["change_counts"]).format(**b.counts),
        "dimensions": [{"id": d.id, "name": d.name, "then": num(d.previous_score), "now": num(d.score),
                        "delta": signed(d.delta)} for d in b.dimensions],
        "gaps": [_gap_row(d, msgs) for d in gaps],
    }


def waivers_view(report: SchoolReport, msgs: Messages) -> dict[str, Any] | None:
    """Everything the waivers section shows, or None when no waivers file was given."""
    w = report.waivers
    if w is None:
        return None
    titles = {i.id: i.title for i in report.indicators}

    def row(x: Any) -> dict[str, str]:
        school = msgs.get("yoy", "school_any") if x.school == "*" else x.school
        return {"indicator": x.indicator, "title": titles.get(x.indicator, ""), "school": school, "reason": x.reason,
                "approved_by": x.approved_by_label, "approved_on": x.approved_on, "expires": x.expires}

    return {"file": w.file, "applied": [row(x) for x in w.applied], "not_needed": [row(x) for x in w.not_needed],
            "warnings": list(w.warnings), "total_without": num(w.total_without_waivers),
            "total": num(report.total)}
