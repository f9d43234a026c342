"""JSON report: ``SchoolReport`` as data (one object, or an array for several files)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from dangjian_audit.models.result import SchoolReport


def _default(value: Any) -> Any:
    if isinstance(value, (dt.date, Decimal)):
        return value.isoformat() if isinstance(value, dt.date) else float(value)
    raise TypeError(type(value).__name__)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n"


def render_json(reports: list[SchoolReport]) -> str:
    data = [r.model_dump(mode="json") for r in reports]
    return dumps(data[0] if len(data) == 1 else data)
