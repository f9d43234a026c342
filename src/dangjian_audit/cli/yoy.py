"""Command-line glue for year on year (issue 11): waivers, baselines and county summaries.

Kept apart from the command modules so they only gain options and calls;
these helpers print diagnostics and raise ``typer.Exit`` with the house exit codes
(3 invalid input, 2 a baseline of another school).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from dangjian_audit.errors import EXIT_INVALID, EXIT_USAGE

if TYPE_CHECKING:
    from dangjian_audit.i18n import Messages
    from dangjian_audit.models.baseline import WaiverSet
    from dangjian_audit.models.result import SchoolReport
    from dangjian_audit.models.ruleset import Ruleset
    from dangjian_audit.trend import TrendTracker


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def waivers_or_exit(path: Path | None, ruleset: Ruleset, msgs: Messages) -> WaiverSet | None:
    """The validated waivers file, or exit 3 with every problem at ``path:line:col``."""
    if path is None:
        return None
    from dangjian_audit.errors import InputError
    from dangjian_audit.waivers import load_waivers

    try:
        return load_waivers(path, ruleset)
    except InputError as exc:
        for d in exc.diagnostics:
            _err(d.render(msgs))
        raise typer.Exit(EXIT_INVALID) from None


def baselines_or_exit(paths: list[Path] | None, ruleset: Ruleset, msgs: Messages,
                      waivers: WaiverSet | None) -> dict[str, SchoolReport] | None:
    """Earlier reports by school code; exit 3 when one is invalid, 2 when two are for the same school."""
    if not paths:
        return None
    from dangjian_audit.baseline import load_baseline
    from dangjian_audit.errors import InputError

    out: dict[str, SchoolReport] = {}
    invalid = False
    for path in paths:
        try:
            report = load_baseline(path, ruleset, msgs, waivers)
        except InputError as exc:
            invalid = True
            for d in exc.diagnostics:
                _err(d.render(msgs))
            continue
        if report.school.code in out:
            _err("dangjian-audit: error [baseline_duplicate_school] "
                 + msgs.error("baseline_duplicate_school", {"code": report.school.code}))
            raise typer.Exit(EXIT_USAGE)
        out[report.school.code] = report
    if invalid:
        raise typer.Exit(EXIT_INVALID)
    return out


def mismatch(report: SchoolReport, baselines: dict[str, SchoolReport], msgs: Messages) -> typer.Exit:
    """Say that no baseline is for this school (exit 2)."""
    args = {"baseline": ", ".join(b.source for b in baselines.values()),
            "baseline_code": ", ".join(baselines), "code": report.school.code, "path": report.source}
    _err("dangjian-audit: error [baseline_school_mismatch] " + msgs.error("baseline_school_mismatch", args))
    return typer.Exit(EXIT_USAGE)


def attach(report: SchoolReport, baselines: dict[str, SchoolReport] | None, ruleset: Ruleset,
           msgs: Messages) -> SchoolReport:
    """The report compared with its school's baseline; exit 2 when no baseline is for its school."""
    if baselines is None:
        return report
    from dangjian_audit.baseline import catalog_aliases, scoring_names, with_baseline

    previous = baselines.get(report.school.code)
    if previous is None:
        raise mismatch(report, baselines, msgs)
    return with_baseline(report, previous, catalog_aliases(ruleset), scoring_names(ruleset, msgs.lang))


def print_waiver_warnings(reports: list[SchoolReport]) -> None:
    """Waivers not applied, once each, on standard error (the reports list them too)."""
    seen: set[str] = set()
    for report in reports:
        for line in report.waivers.warnings if report.waivers else ():
            if line not in seen:
                seen.add(line)
                _err(line)


def trend_or_exit(baseline: Path | None, history: list[Path] | None, ruleset: Ruleset,
                  msgs: Messages) -> TrendTracker | None:
    """Earlier county summaries for ``batch``; exit 3 when one cannot be read.

    A ``--history`` folder stands for the ``*.json`` files in it. Without ``--baseline`` the latest
    history summary (by ``as_of``) is the baseline.
    """
    if baseline is None and not history:
        return None
    from dangjian_audit.baseline import catalog_aliases
    from dangjian_audit.errors import InputError
    from dangjian_audit.models.trend import Snapshot
    from dangjian_audit.trend import TrendTracker, load_summary, ordered

    aliases = catalog_aliases(ruleset)
    paths: list[Path] = []
    for path in history or ():
        paths.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    snapshots: list[Snapshot] = []
    chosen: Snapshot | None = None
    invalid = False
    for path in ([baseline] if baseline is not None else []) + paths:
        try:
            snap = load_summary(path, aliases)
        except InputError as exc:
            invalid = True
            for d in exc.diagnostics:
                _err(d.render(msgs))
            continue
        if path is baseline and chosen is None:
            chosen = snap
        if all(s.source != snap.source for s in snapshots):
            snapshots.append(snap)
    if invalid:
        raise typer.Exit(EXIT_INVALID)
    timeline = ordered(snapshots)
    return TrendTracker(chosen or timeline[-1], timeline)


def county_waiver_warnings(waivers: WaiverSet | None, as_of: dt.date, msgs: Messages) -> list[str]:
    """For a county run: every waiver of the file that is not in force on the audit date, once each."""
    if waivers is None:
        return []
    from dangjian_audit.models.baseline import Selection
    from dangjian_audit.waivers import warning_lines

    expired = tuple(w for w in waivers.waivers if w.expires < as_of)
    early = tuple(w for w in waivers.waivers if w.approved_on > as_of)
    return warning_lines(Selection({}, expired, early), waivers.path, as_of, msgs)
