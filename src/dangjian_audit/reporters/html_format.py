"""HTML: a self-contained printable page (inline CSS and SVG, no script, font or external link)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dangjian_audit.models.result import CheckRun
from dangjian_audit.reporters.base import Format, RenderOptions

if TYPE_CHECKING:
    from dangjian_audit.models.county import CountySummary


def _school(run: CheckRun, opts: RenderOptions) -> str:
    from dangjian_audit.reporters._jinja import render_html

    return render_html(run.reports, opts.msgs, run.invalid)


def _county(summary: CountySummary, opts: RenderOptions) -> Iterator[str]:
    from dangjian_audit.reporters._county import county_html

    return county_html(summary, opts.msgs, opts.links)


FORMAT = Format(name="html", suffix=".html", school=_school, county=_county, county_links=True)
