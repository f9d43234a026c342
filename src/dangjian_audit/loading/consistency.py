"""The consistency pass: evidence that passed the schema but cannot be true never scores.

Three kinds of problems are found here, each reported at ``file:line:col`` like every
other error:

- references that do not resolve (a talk with an unknown member or with oneself, a
  meeting of a Party group that does not exist, a verdict for an unknown indicator);
- parts larger than their whole (more appraised than members, more yes-votes than
  voters, more members listed than declared);
- impossible dates and spans (a period longer than 13 months, a term that ends before
  it starts or lies outside the period, an extension that ends before the election).

It also refuses keys that would let an evidence file change a rule (a term length is
the catalog's or a county profile's to set, never the school's).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from dangjian_audit import limits as lim
from dangjian_audit.diagnostics import Diagnostic
from dangjian_audit.models.evidence import Evidence
from dangjian_audit.yamlio import locate

#: evidence keys that set a rule, with the catalog parameter that sets it instead
RULE_KEYS: dict[tuple[str, ...], str] = {
    ("organization", "term_years"): "params: {JC-03: {term_years: {branch: 3, general_branch: 3, committee: 5}}}",
}


def rule_key_diagnostics(data: dict[str, Any], text: str, display: str) -> list[Diagnostic]:
    """Refuse (and drop, so the rest of the file is still checked) keys that would change a rule."""
    diags = []
    for path, advice in RULE_KEYS.items():
        parent: Any = data
        for part in path[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if isinstance(parent, dict) and path[-1] in parent:
            del parent[path[-1]]
            line, col, _ = locate(text, path)
            diags.append(Diagnostic(display, "evidence_sets_rule", {"field": ".".join(path), "advice": advice},
                                    line, col))
    return diags


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _name(loc: tuple[Any, ...]) -> str:
    """``meetings[1].vote.voted_for``, as validation errors name a field."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Checker:
    def __init__(self, ev: Evidence, text: str, display: str,
                 place: Callable[[tuple[Any, ...], str, dict[str, Any]], Diagnostic] | None = None) -> None:
        self.ev, self.text, self.display, self.place = ev, text, display, place
        self.diags: list[Diagnostic] = []

    def at(self, loc: tuple[Any, ...], code: str, **args: Any) -> None:
        if self.place is not None:  # a workbook places a model location at its cell
            self.diags.append(self.place(loc, code, args))
            return
        line, col, _ = locate(self.text, loc)
        self.diags.append(Diagnostic(self.display, code, args, line, col))

    def part(self, loc: tuple[Any, ...], part: int | None, whole: int | None, whole_field: str,
             name: str | None = None) -> bool:
        """``part`` (at ``loc``, or named ``name``) must not exceed ``whole`` (named ``whole_field``)."""
        if part is None or whole is None or part <= whole:
            return True
        self.at(loc, "part_exceeds_whole", field=name or _name(loc), value=part, whole_field=whole_field,
                whole=whole)
        return False

    def order(self, loc: tuple[Any, ...], early: dt.date | None, late: dt.date | None, early_field: str) -> None:
        """The date at ``loc`` must not precede ``early`` (named ``early_field``)."""
        if early is not None and late is not None and late < early:
            self.at(loc, "date_before", field=_name(loc), date=late.isoformat(),
                    other_field=early_field, other=early.isoformat())


def consistency_diagnostics(ev: Evidence, text: str, display: str,
                            indicator_ids: Iterable[str] | None = None,
                            place: Callable[[tuple[Any, ...], str, dict[str, Any]], Diagnostic] | None = None
                            ) -> list[Diagnostic]:
    """Every impossibility in a schema-valid evidence file; ``indicator_ids`` are the loaded catalog's."""
    c = _Checker(ev, text, display, place)
    _references(c, frozenset(indicator_ids) if indicator_ids is not None else None)
    _parts(c)
    _dates(c)
    return c.diags


def _references(c: _Checker, indicator_ids: frozenset[str] | None) -> None:
    # A reference is checked against a section the file lists; a section left out makes the
    # indicators that need it report insufficient evidence, and its references cannot be checked.
    ev = c.ev
    member_ids = {m.id for m in ev.members} if ev.members is not None else None
    for i, talk in enumerate(ev.talks or ()):
        if talk.a == talk.b:
            c.at(("talks", i, "b"), "talk_with_self", id=talk.a)
        for side in ("a", "b"):
            ref = getattr(talk, side)
            if member_ids is not None and ref not in member_ids:
                c.at(("talks", i, side), "unknown_member", id=ref)
    groups = ev.organization.party_groups
    group_ids = {g.id for g in groups} if groups is not None else None
    for i, meeting in enumerate(ev.meetings or ()):
        if group_ids is not None and meeting.group is not None and meeting.group not in group_ids:
            c.at(("meetings", i, "group"), "unknown_party_group", id=meeting.group)
    if indicator_ids is not None:
        for i, verdict in enumerate(ev.inspector or ()):
            if verdict.indicator not in indicator_ids:
                c.at(("inspector", i, "indicator"), "unknown_indicator", id=verdict.indicator)


def _parts(c: _Checker) -> None:
    ev = c.ev
    org = ev.organization
    declared = org.formal_members + org.probationary_members
    if ev.members is not None:
        listed = Counter(m.status for m in ev.members)
        if listed["formal"] != org.formal_members:
            c.at(("organization", "formal_members"), "members_formal_mismatch",
                 declared=org.formal_members, listed=listed["formal"])
        if "probationary_members" in org.model_fields_set and listed["probationary"] != org.probationary_members:
            c.at(("organization", "probationary_members"), "members_probationary_mismatch",
                 declared=org.probationary_members, listed=listed["probationary"])
    election = org.last_election
    if election is not None:
        c.part(("organization", "last_election", "voted"), election.voted, election.entitled,
               "organization.last_election.entitled")
    group_total = 0
    for i, group in enumerate(org.party_groups or ()):
        c.part(("organization", "party_groups", i, "formal_members"), group.formal_members, group.members,
               f"organization.party_groups[{i}].members")
        c.part(("organization", "party_groups", i, "members"), group.members, declared,
               "organization.formal_members + probationary_members")
        group_total += group.members
    if org.party_groups and group_total > declared:
        c.at(("organization", "party_groups"), "part_exceeds_whole", field="organization.party_groups[*].members",
             value=group_total, whole_field="organization.formal_members + probationary_members", whole=declared)
    for section in ("meetings", "recruitment"):
        for i, rec in enumerate(getattr(ev, section) or ()):
            if rec.vote is not None:
                c.part((section, i, "vote", "voted_for"), rec.vote.voted_for, rec.vote.eligible,
                       f"{section}[{i}].vote.eligible")
    for i, m in enumerate(ev.meetings or ()):
        if m.delegates is not None:
            for name in ("teaching", "leaders"):
                c.part(("meetings", i, "delegates", name), getattr(m.delegates, name), m.delegates.total,
                       f"meetings[{i}].delegates.total")
    for i, member in enumerate(ev.members or ()):
        # the longest unpaid run is part of the unpaid months
        c.part(("members", i, "dues_unpaid_run_months"), member.dues_unpaid_run_months, member.dues_unpaid_months,
               f"members[{i}].dues_unpaid_months")
    ap = ev.appraisal
    if ap is not None:
        c.part(("appraisal", "members"), ap.members, declared, "organization.formal_members + probationary_members")
        if ev.members is not None:
            c.part(("appraisal", "members"), ap.members, len(ev.members), "members[*]")
        c.part(("appraisal", "assessed"), ap.assessed, ap.members, "appraisal.members")
        alone = c.part(("appraisal", "excellent"), ap.excellent, ap.assessed, "appraisal.assessed")
        alone &= c.part(("appraisal", "unqualified"), ap.unqualified, ap.assessed, "appraisal.assessed")
        if alone:
            c.part(("appraisal", "unqualified"), ap.excellent + ap.unqualified, ap.assessed, "appraisal.assessed",
                   name="appraisal.excellent + appraisal.unqualified")
        c.part(("appraisal", "followups"), ap.followups, ap.members, "appraisal.members")
    staff_total = ev.staff.total if ev.staff is not None else ev.school.staff_total
    if ev.staff is not None:
        c.part(("staff", "ethics_assessed"), ev.staff.ethics_assessed, ev.staff.total, "staff.total")
        if ev.school.staff_total is not None and ev.school.staff_total != ev.staff.total:
            c.at(("staff", "total"), "staff_total_mismatch", total=ev.staff.total, school=ev.school.staff_total)
    cu = ev.cultivation
    if cu is not None:
        c.part(("cultivation", "key_teachers_members"), cu.key_teachers_members, cu.key_teachers,
               "cultivation.key_teachers")
        c.part(("cultivation", "activists_key_teachers"), cu.activists_key_teachers, cu.activists,
               "cultivation.activists")
        c.part(("cultivation", "activists_key_teachers"), cu.activists_key_teachers, cu.key_teachers,
               "cultivation.key_teachers")
        whole = "staff.total" if ev.staff is not None else "school.staff_total"
        c.part(("cultivation", "key_teachers"), cu.key_teachers, staff_total, whole)
        c.part(("cultivation", "activists"), cu.activists, staff_total, whole)


def _dates(c: _Checker) -> None:
    ev = c.ev
    period = ev.period
    limit = _add_months(period.start, lim.MAX_PERIOD_MONTHS)
    if period.end >= limit:
        c.at(("period", "end"), "period_too_long", start=period.start.isoformat(), end=period.end.isoformat(),
             months=lim.MAX_PERIOD_MONTHS)
    previous: tuple[int, dt.date] | None = None
    for i, term in sorted(enumerate(period.terms), key=lambda t: t[1].start):
        c.order(("period", "terms", i, "end"), term.start, term.end, f"period.terms[{i}].start")
        if term.start < period.start or term.end > period.end:
            c.at(("period", "terms", i), "term_outside_period", start=term.start.isoformat(),
                 end=term.end.isoformat(), period_start=period.start.isoformat(), period_end=period.end.isoformat())
        if previous is not None and term.start <= previous[1]:
            c.at(("period", "terms", i, "start"), "terms_overlap", other=previous[0] + 1)
        if previous is None or term.end > previous[1]:
            previous = (i, term.end)
    org = ev.organization
    election = org.last_election
    if election is not None:
        c.order(("organization", "last_election", "date"), org.established, election.date,
                "organization.established")
        if election.date > period.end:
            c.at(("organization", "last_election", "date"), "date_after_period", date=election.date.isoformat(),
                 end=period.end.isoformat())
        if org.extension is not None:
            c.order(("organization", "extension", "until"), election.date, org.extension.until,
                    "organization.last_election.date")
    for i, cand in enumerate(ev.recruitment or ()):
        loc = ("recruitment", i)
        # each step of admission follows the application, and confirmation follows admission
        for name in ("talked", "activist", "target", "admitted", "approved", "confirmed"):
            c.order((*loc, name), cand.applied, getattr(cand, name), f"recruitment[{i}].applied")
        for name in ("approved", "confirmed"):
            c.order((*loc, name), cand.admitted, getattr(cand, name), f"recruitment[{i}].admitted")
    for i, member in enumerate(ev.members or ()):
        c.order(("members", i, "dues_from"), member.admitted, member.dues_from, f"members[{i}].admitted")
