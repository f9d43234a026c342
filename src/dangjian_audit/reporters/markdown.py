"""Markdown: a school's gap report (GitHub job summaries, PR comments) and the county summary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dangjian_audit.models.result import CheckRun
from dangjian_audit.reporters.base import Format, RenderOptions

if TYPE_CHECKING:
    from dangjian_audit.models.county import CountySummary


def _school(run: CheckRun, opts: RenderOptions) -> str:
    from dangjian_audit.reporters._jinja import render_markdown

    return render_markdown(run.reports, opts.msgs, run.invalid)


def _county(summary: CountySummary, opts: RenderOptions) -> Iterator[str]:
    from dangjian_audit.reporters._county import county_markdown

    return county_markdown(summary, opts.msgs, opts.links)


FORMAT = Format(name="markdown", suffix=".md", school=_school, county=_county, county_links=True)
