"""XLSX: the county workbook (ranking, indicators, matrix, invalid files) for the bureau's staff."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dangjian_audit.reporters.base import Format, RenderOptions

if TYPE_CHECKING:
    from dangjian_audit.models.county import CountySummary


def _county(summary: CountySummary, opts: RenderOptions) -> bytes:
    from dangjian_audit.reporters._county import county_xlsx

    return county_xlsx(summary, opts.msgs)


FORMAT = Format(name="xlsx", suffix=".xlsx", binary=True, county=_county)
