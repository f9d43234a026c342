"""CSV: the county table, one row per input file (UTF-8 with a BOM so Excel and WPS read the Chinese)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dangjian_audit.reporters.base import Format, RenderOptions

if TYPE_CHECKING:
    from dangjian_audit.models.county import CountySummary


def _county(summary: CountySummary, opts: RenderOptions) -> Iterator[str]:
    from dangjian_audit.reporters._county import county_csv

    return county_csv(summary, opts.msgs)


# The BOM lets spreadsheet programs (Excel, WPS) recognise UTF-8 CSV instead of guessing GBK.
FORMAT = Format(name="csv", suffix=".csv", encoding="utf-8-sig", county=_county)
