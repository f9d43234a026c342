"""JSON report: ``SchoolReport`` as data (one object, or an array for several files)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from dangjian_audit.models.result import CheckRun, SchoolReport
from dangjian_audit.reporters.base import Format, RenderOptions

if TYPE_CHECKING:
    from dangjian_audit.models.county import CountySummary


def _default(value: Any) -> Any:
    if isinstance(value, (dt.date, Decimal)):
        return value.isoformat() if isinstance(value, dt.date) else float(value)
    raise TypeError(type(value).__name__)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n"


def render_json(reports: list[SchoolReport]) -> str:
    data = [r.model_dump(mode="json") for r in reports]
    return dumps(data[0] if len(data) == 1 else data)


def _school(run: CheckRun, opts: RenderOptions) -> str:
    return render_json(run.reports)


def _county(summary: CountySummary, opts: RenderOptions) -> Iterator[str]:
    from dangjian_audit.reporters._county import county_json

    return county_json(summary, opts.msgs)


FORMAT = Format(name="json", suffix=".json", manifest=True, school=_school, county=_county)
