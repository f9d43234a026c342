"""Bespoke check kinds for the Party organization itself: set-up, committee and terms.

Numbers come from the 《中国共产党支部工作条例（试行）》 (organization size, committee
roles) and the 2018 opinions on grassroots terms (term length, extension ≤ 1 year,
turnout ≥ 4/5); all are parameters so a profile can change them.
"""

import datetime as dt
from collections.abc import Iterator
from fractions import Fraction
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from dangjian_audit.models.evidence import Evidence, Talk
from dangjian_audit.rules.base import (
    ONE,
    ZERO,
    CheckKind,
    Context,
    Finding,
    Outcome,
    Read,
    Share,
    Spec,
    add_months,
    missing_section,
)


class OrganizationSetupSpec(Spec):
    kind: Literal["organization_setup"]
    min_formal_own: Annotated[int, Field(ge=1)] = 3
    max_branch: Annotated[int, Field(ge=1)] = 50
    committee_from: Annotated[int, Field(ge=1)] = 100
    group_min_size: Annotated[int, Field(ge=1)] = 3
    max_joint_units: Annotated[int, Field(ge=2)] = 5

    findings: ClassVar[tuple[str, ...]] = ("org_too_small", "org_type_mismatch", "group_too_small", "joint_units")
    details: ClassVar[tuple[str, ...]] = ("detail_parts",)

    def reads(self) -> Iterator[Read]:
        for name in ("organization.type", "organization.formal_members", "organization.probationary_members"):
            yield Read(name)
        yield Read("organization.party_groups", "collection")
        yield Read("members", "number", "organization.party_groups")
        yield Read("formal_members", "number", "organization.party_groups")


def check_organization_setup(spec: OrganizationSetupSpec, evidence: Evidence, ctx: Context) -> Outcome:
    org = evidence.organization
    total = org.formal_members + org.probationary_members
    findings: list[Finding] = []
    good, parts = 0, 1
    line = org.src_line
    if org.type == "joint_branch" or org.formal_members >= spec.min_formal_own:
        good += 1
    else:
        findings.append(Finding("org_too_small", {"formal": org.formal_members, "min": spec.min_formal_own}, line))
    if org.type == "joint_branch":
        # 支部工作条例 ch. 2: a joint branch covers at most five units.
        parts += 1
        if org.joint_units is not None and org.joint_units <= spec.max_joint_units:
            good += 1
        else:
            findings.append(Finding("joint_units", {"units": org.joint_units if org.joint_units else "?",
                                                    "max": spec.max_joint_units}, line))
    # 支部工作条例 art. 4: a branch "一般不超过50人"; more members call for a general branch, 100+ a committee.
    if total <= spec.max_branch:
        expected = "branch"
    else:
        expected = "general_branch" if total < spec.committee_from else "committee"
    if not (org.type == expected or (org.type == "joint_branch" and org.formal_members < spec.min_formal_own) or (
        org.type == "committee" and total > spec.max_branch
    )):
        # The guide calls a type that does not match the size a warning: the higher organization
        # may approve another form, so it is reported on the indicator and costs nothing.
        findings.append(Finding("org_type_mismatch", {"total": total, "type": org.type, "expected": expected}, line,
                                warning=True))
    for group in org.party_groups or ():
        parts += 1
        if group.members >= spec.group_min_size and (group.formal_members is None or group.formal_members >= 1):
            good += 1
        else:
            findings.append(Finding("group_too_small", {"group": group.id, "members": group.members,
                                                         "min": spec.group_min_size}, group.src_line))
    return Outcome(Fraction(good, parts), "detail_parts", {"good": good, "total": parts}, findings)


class CommitteeSpec(Spec):
    kind: Literal["committee"]
    committee_from: Annotated[int, Field(ge=1)] = 7
    min_size: Annotated[int, Field(ge=1)] = 3
    max_size: Annotated[int, Field(ge=1)] = 7
    roles: list[str] = Field(default_factory=lambda: ["secretary", "organization", "propaganda", "discipline"])
    # 党章: a secretary and a deputy secretary are reported to the higher organization for approval.
    approved_roles: list[str] = Field(default_factory=lambda: ["secretary", "deputy_secretary"])

    findings: ClassVar[tuple[str, ...]] = ("role_missing", "secretary_unapproved", "seat_unapproved", "committee_size",
                                           "missing_section")
    details: ClassVar[tuple[str, ...]] = ("detail_parts", "detail_missing_section")

    def reads(self) -> Iterator[Read]:
        yield Read("organization.formal_members", "number")
        yield Read("organization.committee", "collection")
        yield Read("role", "any", "organization.committee")
        yield Read("approved", "date", "organization.committee")


def check_committee(spec: CommitteeSpec, evidence: Evidence, ctx: Context) -> Outcome:
    org = evidence.organization
    seats = org.committee
    if seats is None:
        return missing_section("organization.committee")
    findings: list[Finding] = []
    roles = {s.role for s in seats}
    secretary = [s for s in seats if s.role == "secretary"]
    good, parts = 0, 2
    if secretary:
        good += 1
    else:
        findings.append(Finding("role_missing", {"role": "secretary"}, org.src_line))
    if secretary and secretary[0].approved is not None:
        good += 1
    else:
        findings.append(Finding("secretary_unapproved", {}, secretary[0].src_line if secretary else org.src_line))
    for seat in seats:
        if seat.role != "secretary" and seat.role in spec.approved_roles:
            parts += 1
            if seat.approved is not None:
                good += 1
            else:
                findings.append(Finding("seat_unapproved", {"id": seat.id, "role": seat.role}, seat.src_line))
    if org.formal_members >= spec.committee_from:
        parts += 1
        if spec.min_size <= len(seats) <= spec.max_size:
            good += 1
        else:
            findings.append(Finding("committee_size", {"size": len(seats), "min": spec.min_size,
                                                       "max": spec.max_size}, org.src_line))
        for role in spec.roles:
            if role == "secretary":
                continue
            parts += 1
            if role in roles:
                good += 1
            else:
                findings.append(Finding("role_missing", {"role": role}, org.src_line))
    return Outcome(Fraction(good, parts), "detail_parts", {"good": good, "total": parts}, findings)


class TermSpec(Spec):
    kind: Literal["term"]
    term_years: dict[str, Annotated[int, Field(ge=1, le=5)]] = Field(
        default_factory=lambda: {"branch": 3, "general_branch": 3, "joint_branch": 3, "committee": 5})
    max_extension_years: Annotated[int, Field(ge=0)] = 1
    # 选举工作条例: voters present must exceed (超过) four-fifths of those entitled.
    turnout: Share = Fraction(4, 5)
    veto_after_years: Annotated[int, Field(ge=0)] = 1

    findings: ClassVar[tuple[str, ...]] = ("term_extended", "term_overdue", "turnout_short", "election_unapproved",
                                           "missing_section")
    details: ClassVar[tuple[str, ...]] = ("detail_term", "detail_missing_section")

    def reads(self) -> Iterator[Read]:
        yield Read("organization.type")
        for name, need in (("date", "date"), ("entitled", "number"), ("voted", "number"), ("approved", "any")):
            yield Read(f"organization.last_election.{name}", need)  # type: ignore[arg-type]
        yield Read("organization.extension.approved")
        yield Read("organization.extension.until", "date")


def _plus_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def check_term(spec: TermSpec, evidence: Evidence, ctx: Context) -> Outcome:
    org = evidence.organization
    election = org.last_election
    if election is None:
        return missing_section("organization.last_election")
    years = spec.term_years.get(org.type, 3)
    due = _plus_years(election.date, years)
    line = election.src_line
    findings: list[Finding] = []
    veto = False
    good, parts = 0, 3
    ext = org.extension
    # The term is judged on the last day that counts (the period's end, or the audit date if
    # earlier): re-checking last year's evidence today must not invent a lapsed term.
    day = ctx.end
    covered = ext is not None and ext.approved and day <= ext.until
    if day <= due:
        good += 1
    elif covered and ext is not None and ext.until <= _plus_years(due, spec.max_extension_years):
        good += 1
        findings.append(Finding("term_extended", {"due": due.isoformat(), "until": ext.until.isoformat()}, line))
    else:
        findings.append(Finding("term_overdue", {"due": due.isoformat()}, line))
        # More than a year overdue with no approval covering today (none, refused or expired) is a veto.
        if day > _plus_years(due, spec.veto_after_years) and not covered:
            veto = True
    if election.entitled and election.voted is not None and Fraction(election.voted, election.entitled) > spec.turnout:
        good += 1
    else:
        need = spec.turnout
        shown = f"{need.numerator}/{need.denominator}" if need.denominator <= 10 else f"{float(need):.0%}"
        findings.append(Finding("turnout_short", {"voted": election.voted, "entitled": election.entitled,
                                                   "need": "> " + shown}, line))
    if election.approved:
        good += 1
    else:
        findings.append(Finding("election_unapproved", {}, line))
    ratio = ZERO if veto else Fraction(good, parts)
    return Outcome(ratio, "detail_term", {"due": due.isoformat(), "good": good, "total": parts}, findings, veto=veto)


class TalksSpec(Spec):
    kind: Literal["talks"]
    min_share: Share = Fraction(1)
    committee_pairs: bool = True
    before_life_meeting: bool = True
    # talks each member must have had with a committee member (some local rules: 2 a year)
    min_per_member: Annotated[int, Field(ge=1)] = 1

    findings: ClassVar[tuple[str, ...]] = ("talks_members_missing", "talks_pair_missing", "talks_after_life_meeting",
                                           "missing_section")
    details: ClassVar[tuple[str, ...]] = ("detail_talks", "detail_missing_section")

    def reads(self) -> Iterator[Read]:
        yield Read("talks", "collection")
        for name, need in (("date", "date"), ("a", "any"), ("b", "any")):
            yield Read(name, need, "talks")  # type: ignore[arg-type]
        yield Read("members", "collection")
        yield Read("organization.committee", "collection")
        yield Read("meetings", "collection")


def check_talks(spec: TalksSpec, evidence: Evidence, ctx: Context) -> Outcome:
    talks = evidence.talks
    members = evidence.members
    if talks is None or members is None:
        section = "talks" if talks is None else "members"
        return missing_section(section)
    talks = [t for t in talks if ctx.in_period(t.date)]
    seats = {s.id for s in evidence.organization.committee or ()}

    def reached(chosen: list[Talk]) -> set[str]:
        # A member counts as covered by a talk with a committee member (支委与党员之间); with no
        # committee on record, any talk counts. Both sides of such a talk have had it, so the
        # secretary of a one-seat committee is covered by the talks they hold.
        count: dict[str, int] = {}
        for t in chosen:
            if not seats or t.a in seats or t.b in seats:
                for who in {t.a, t.b}:
                    count[who] = count.get(who, 0) + 1
        return {who for who, n in count.items() if n >= spec.min_per_member}

    people = reached(talks)
    findings: list[Finding] = []
    covered = sum(1 for m in members if m.id in people)
    share = Fraction(covered, len(members)) if members else ONE
    parts: list[Fraction] = [ONE if share >= spec.min_share else share / spec.min_share]
    missing = sorted(m.id for m in members if m.id not in people)  # the roster's order must not matter
    if missing and share < ONE:
        findings.append(Finding("talks_members_missing", {"count": len(missing), "ids": ", ".join(missing[:8])}))
    if spec.committee_pairs:
        ordered = sorted(seats)
        pairs = [(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1:]]
        done = {frozenset((t.a, t.b)) for t in talks}
        if pairs:
            ok = [p for p in pairs if frozenset(p) in done]
            parts.append(Fraction(len(ok), len(pairs)))
            for a, b in pairs:
                if frozenset((a, b)) not in done:
                    findings.append(Finding("talks_pair_missing", {"a": a, "b": b}))
    if spec.before_life_meeting:
        life = sorted(m.date for m in evidence.meetings or () if m.kind == "life_meeting" and ctx.in_period(m.date))
        if life and members:
            # The talks prepare the life meeting: the members covered must be covered before one. A
            # second life meeting later in the period must not undo talks held before it, so the
            # last one is the limit (adding evidence never lowers a score).
            early = reached([t for t in talks if t.date <= life[-1]])
            on_time = sum(1 for m in members if m.id in early)
            parts.append(min(ONE, Fraction(on_time, max(covered, 1))))
            if on_time < covered:
                findings.append(Finding("talks_after_life_meeting", {"date": life[-1].isoformat(),
                                                                     "count": covered - on_time}))
    ratio = sum(parts, ZERO) / len(parts)
    return Outcome(ratio, "detail_talks", {"covered": covered, "total": len(members)}, findings)


KINDS = (
    CheckKind(OrganizationSetupSpec, check_organization_setup),
    CheckKind(CommitteeSpec, check_committee),
    CheckKind(TermSpec, check_term),
    CheckKind(TalksSpec, check_talks),
)
