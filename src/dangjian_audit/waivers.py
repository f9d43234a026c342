"""Waivers: indicators a county has formally excused for a school (or for every school), with expiry.

A waivers file is YAML, loaded with the project's safe loader and validated by
:class:`WaiversFile`; every problem is reported at ``path:line:col`` (exit 3)::

    schema_version: 1
    waivers:
      - school: "610924-HL-01"       # a school code, or "*" for every school
        indicator: FZ-04             # an indicator id (or one of its aliases)
        reason: 校舍改扩建期间党员活动室临时撤并
        approved_by: county_bureau   # a role, never a person's name
        approved_on: 2025-03-01
        expires: 2026-02-28          # inclusive: the waiver holds on this day

Rules (InSpec's waiver file, without its bugs): dates are calendar days with no
time zone, compared with the audit date (``--as-of``); a waiver holds from
``approved_on`` through ``expires`` inclusive; an expired waiver (``expires`` before
the audit date) is ignored and reported as a warning; veto items (一票否决) cannot
be waived; a school-specific waiver wins over a ``*`` waiver for the same indicator.

A waived indicator gets the status ``waived`` (豁免): it earns no points and loses
none, and leaves its dimension's denominator exactly like ``not_applicable``. Only
an indicator that is not fully met is waived; a waiver for one that is met or not
applicable anyway is listed as not needed, so a waiver can never lower a score
that needs no excuse. Every report lists the waivers applied, expired and not
needed, and the total the school would have without them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.errors import InputError
from dangjian_audit.models.baseline import Selection, Waiver, WaiverSet

if TYPE_CHECKING:
    from dangjian_audit.engine import Evaluation
    from dangjian_audit.i18n import Messages
    from dangjian_audit.models.baseline import WaiverOut
    from dangjian_audit.models.ruleset import Ruleset

# Who may approve a waiver: bodies, not people (a name would put personal data into every report).
Approver = Literal["county_bureau", "education_work_committee", "organization_department", "city_bureau",
                   "inspection_team"]
APPROVERS: tuple[str, ...] = ("county_bureau", "education_work_committee", "organization_department",
                              "city_bureau", "inspection_team")
ANY_SCHOOL = "*"
# Statuses a waiver can excuse: the indicator is not fully met. Met and not-applicable need no excuse.
WAIVABLE = ("partial", "not_met", "insufficient_evidence", "awaiting_inspector")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class WaiverEntry(_Model):
    school: Annotated[str, Field(min_length=1)]
    indicator: Annotated[str, Field(min_length=1)]
    reason: Annotated[str, Field(min_length=1)]
    approved_by: Approver
    approved_on: dt.date
    expires: dt.date


class WaiversFile(_Model):
    """The file's shape; each entry is then validated on its own, so every problem is reported at once."""

    schema_version: Literal[1]
    waivers: list[dict[str, Any]]


def load_waivers(path: Path, ruleset: Ruleset, display: str | None = None) -> WaiverSet:
    """Load and validate a waivers file against the catalog; raises :class:`InputError` with every problem."""
    from dangjian_audit.loading import validation_diagnostics
    from dangjian_audit.loading.common import strip_lines
    from dangjian_audit.yamlio import LINE_KEY, locate, parse, read_text

    display = display or str(path)
    text = read_text(path, display)
    data = parse(text, display)
    if not isinstance(data, dict):
        raise InputError([Diagnostic(display, "not_mapping", {}, 1, 1)])
    try:
        model = WaiversFile.model_validate(strip_lines(data))
    except ValidationError as exc:
        raise InputError(validation_diagnostics(exc, text, display)) from None
    ids = {ci.indicator.id: ci.indicator for ci in ruleset.indicators}
    aliases = {a: ci.indicator.id for ci in ruleset.indicators for a in ci.indicator.aliases}
    diags: list[Diagnostic] = []

    def at(loc: tuple[Any, ...], code: str, **args: Any) -> None:
        line, col, _ = locate(text, loc)
        diags.append(Diagnostic(display, code, args, line, col))

    raw = data["waivers"]
    seen: dict[tuple[str, str], int] = {}
    out: list[Waiver] = []
    for i, fields in enumerate(model.waivers):
        try:
            entry = WaiverEntry.model_validate(fields)
        except ValidationError as exc:
            diags.extend(validation_diagnostics(exc, text, display, ("waivers", i)))
            continue
        wanted = entry.indicator.strip().upper()
        current = aliases.get(wanted, wanted)
        if current not in ids:
            at(("waivers", i, "indicator"), "waiver_unknown_indicator", id=entry.indicator)
            continue
        if ids[current].veto:
            at(("waivers", i, "indicator"), "waiver_veto", id=current)
            continue
        if entry.expires < entry.approved_on:
            at(("waivers", i, "expires"), "waiver_dates", expires=entry.expires.isoformat(),
               approved_on=entry.approved_on.isoformat())
            continue
        key = (entry.school, current)
        if key in seen:
            at(("waivers", i), "waiver_duplicate", school=entry.school, id=current, first=seen[key])
            continue
        line = raw[i].get(LINE_KEY) if isinstance(raw[i], dict) else None
        seen[key] = line or 0
        out.append(Waiver(entry.school, current, entry.reason, entry.approved_by, entry.approved_on,
                          entry.expires, line))
    if diags:
        raise InputError(diags)
    return WaiverSet(display, tuple(out))


def select(waivers: WaiverSet, school: str, as_of: dt.date) -> Selection:
    """The waivers in force for ``school`` on ``as_of`` (inclusive dates), and those that are not."""
    active: dict[str, Waiver] = {}
    expired: list[Waiver] = []
    early: list[Waiver] = []
    for w in waivers.waivers:
        if w.school not in (school, ANY_SCHOOL):
            continue
        if w.expires < as_of:
            expired.append(w)
        elif w.approved_on > as_of:
            early.append(w)
        elif w.indicator not in active or active[w.indicator].school == ANY_SCHOOL:
            active[w.indicator] = w  # the school's own waiver wins over "*"
    return Selection(active, tuple(expired), tuple(early))


def apply(evaluations: list[Evaluation], selection: Selection) -> tuple[list[Evaluation], list[str], list[str]]:
    """Evaluations with waived indicators set to ``waived``; also the ids applied and those not needed."""
    applied: list[str] = []
    not_needed: list[str] = []
    out = []
    for ev in evaluations:
        ind_id = ev.compiled.indicator.id
        if ind_id in selection.active:
            if ev.status in WAIVABLE and not ev.veto_triggered:
                ev = dataclasses.replace(ev, status="waived")
                applied.append(ind_id)
            else:
                not_needed.append(ind_id)
        out.append(ev)
    return out, applied, not_needed


def waiver_out(w: Waiver, msgs: Messages) -> WaiverOut:
    from dangjian_audit.models.baseline import WaiverOut

    return WaiverOut(school=w.school, indicator=w.indicator, reason=w.reason, approved_by=w.approved_by,
                     approved_by_label=msgs.get("yoy", f"approver_{w.approved_by}"),
                     approved_on=w.approved_on.isoformat(), expires=w.expires.isoformat(), line=w.line)


def warning_lines(selection: Selection, path: str, as_of: dt.date, msgs: Messages) -> list[str]:
    """One warning line per waiver that concerns the school but is not in force on the audit date."""
    lines = [msgs.fmt("yoy", "waiver_expired", {
        "path": path, "line": w.line or 1, "school": w.school, "id": w.indicator, "expires": w.expires.isoformat(),
        "as_of": as_of.isoformat()}) for w in selection.expired]
    lines += [msgs.fmt("yoy", "waiver_not_yet_valid", {
        "path": path, "line": w.line or 1, "school": w.school, "id": w.indicator,
        "approved_on": w.approved_on.isoformat(), "as_of": as_of.isoformat()}) for w in selection.not_yet_valid]
    return lines
