"""The evidence file: one school, one assessment period.

Keys are English; their Chinese titles and descriptions live in the locale
field tables (``locale/fields.yaml``) and are merged into the JSON Schema
by :mod:`dangjian_audit.schema`. Personal names are never required: members,
leaders and candidates are identified by pseudonymous ids.

Every section except ``schema_version``, ``period``, ``school`` and
``organization`` may be omitted or left empty (``null``): the indicators that
need it then report *insufficient evidence* instead of failing.

Every mapping the loader builds carries its source line under ``__line__``;
models keep it as ``src_line`` so findings can point at ``file:line``.
"""

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

Count = Annotated[int, Field(ge=0)]
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Hours = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Ident = Annotated[str, Field(min_length=1, max_length=64)]


class Record(BaseModel):
    """Base of every evidence mapping: strict keys, frozen, with a source line."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, populate_by_name=True)

    src_line: SkipJsonSchema[int | None] = Field(default=None, alias="__line__", exclude=True)


class Term(Record):
    start: dt.date
    end: dt.date


class Period(Record):
    kind: Literal["school_year", "calendar_year"]
    start: dt.date
    end: dt.date
    terms: list[Term] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        if self.end < self.start:
            raise PydanticCustomError("period_order", "period end is before its start")
        return self


class School(Record):
    code: Annotated[str, Field(min_length=1, max_length=40)]
    name: Annotated[str, Field(min_length=1)]
    type: Literal["primary", "junior", "senior", "nine_year", "complete", "twelve_year", "vocational"]
    province: str | None = None
    city: str | None = None
    county: str | None = None
    staff_total: Count | None = None
    students: Count | None = None


class CommitteeSeat(Record):
    id: Ident
    role: Literal["secretary", "deputy_secretary", "organization", "propaganda", "discipline", "member"]
    approved: dt.date | None = None


class PartyGroup(Record):
    id: Ident
    members: Count
    formal_members: Count | None = None


class Election(Record):
    date: dt.date
    entitled: Count | None = None
    voted: Count | None = None
    approved: bool = False


class Extension(Record):
    approved: bool
    until: dt.date


class Organization(Record):
    type: Literal["branch", "general_branch", "committee", "joint_branch"]
    name: str | None = None
    formal_members: Count
    probationary_members: Count = 0
    established: dt.date | None = None
    term_years: Annotated[int, Field(ge=1, le=5)] | None = None
    last_election: Election | None = None
    extension: Extension | None = None
    secretary_is_principal: bool | None = None
    committee: list[CommitteeSeat] | None = None
    party_groups: list[PartyGroup] | None = None


class Leader(Record):
    id: Ident
    post: Literal["secretary", "principal", "deputy_secretary", "vice_principal", "discipline", "union_chair", "other"]
    party_member: bool
    on_party_body: bool


class Member(Record):
    id: Ident
    status: Literal["formal", "probationary"]
    role: Literal["secretary", "deputy_secretary", "organization", "propaganda", "discipline", "member"] = "member"
    study_hours: Hours | None = None
    centralized_sessions: Count | None = None
    appointed: dt.date | None = None
    first_training: dt.date | None = None
    key_teacher: bool | None = None
    pioneer_post: bool | None = None
    post_pledge: bool | None = None
    post_reviewed: bool | None = None
    dues_unpaid_months: Annotated[int, Field(ge=0, le=24)] | None = None
    dues_rate_ok: bool | None = None
    admitted: dt.date | None = None
    dues_from: dt.date | None = None


MeetingKind = Literal[
    "party_org",
    "principal_office",
    "branch_general",
    "branch_committee",
    "party_group",
    "party_lecture",
    "theme_day",
    "life_meeting",
    "ideology",
    "opinion_analysis",
    "staff_congress",
    "secretary_report",
    "integrity",
]

AgendaFlag = Literal[
    "first_topic",
    "cadre",
    "moral_education",
    "mass_organizations",
    "ideology",
    "sizheng",
    "principal_report",
    "appraisal",
    "criticism",
]


class Vote(Record):
    eligible: Count
    voted_for: Count


class Meeting(Record):
    id: Ident
    kind: MeetingKind
    date: dt.date
    expected: Count
    present: Count
    place: str | None = None
    chair: str | None = None
    recorder: str | None = None
    absentees_recorded: bool | None = None
    minutes: bool | None = None
    agenda: list[AgendaFlag] = Field(default_factory=list)
    group: Ident | None = None
    speaker_role: Literal["secretary", "deputy_secretary", "principal", "member", "guest"] | None = None
    topic: str | None = None
    vote: Vote | None = None

    @model_validator(mode="after")
    def _attendance(self) -> "Meeting":
        if self.present > self.expected:
            raise PydanticCustomError("present_exceeds_expected", "more present than expected")
        return self


DocumentKind = Literal[
    "charter",
    "party_meeting_rules",
    "principal_meeting_rules",
    "three_majors_list",
    "responsibility_list",
    "annual_plan",
    "annual_summary",
    "ideology_responsibility",
    "moral_education_plan",
    "development_plan",
    "assessment_scheme",
    "brand_plan",
    "mass_org_plans",
    "rules_three_meetings",
    "rules_theme_day",
    "rules_life_meeting",
    "rules_appraisal",
    "rules_talks",
    "rules_recruitment",
    "rules_dues",
    "rules_disclosure",
    "archive_index",
    "integrity_letters",
    "other",
]


class Document(Record):
    id: Ident
    kind: DocumentKind
    title: str | None = None
    adopted: dt.date | None = None
    reviewed: dt.date | None = None
    approved_by_party: bool | None = None
    clauses: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(default_factory=list)


class Decision(Record):
    id: Ident
    title: str | None = None
    major: bool = False
    category: Literal["major_matter", "appointment", "project", "large_sum", "personnel", "other"] = "other"
    amount_yuan: Amount | None = None
    method: Literal["meeting", "circulation", "countersign", "individual"] = "meeting"
    meeting: Ident | None = None
    proposal_meeting: Ident | None = None
    communicated: dt.date | None = None
    deliberated: dt.date | None = None
    implementation_plan: dt.date | None = None
    owner: str | None = None
    deadline: dt.date | None = None
    status: Literal["open", "done"] = "open"
    feedback: bool | None = None
    political_review: bool | None = None


class CadreAppointment(Record):
    id: Ident
    nominated: dt.date | None = None
    assessed: dt.date | None = None
    meeting: Ident | None = None
    notice_start: dt.date | None = None
    notice_days: Count | None = None


class Candidate(Record):
    id: Ident
    age_at_application: Annotated[int, Field(ge=0, le=120)] | None = None
    applied: dt.date | None = None
    talked: dt.date | None = None
    activist: dt.date | None = None
    mentors: Count | None = None
    reviews: Count | None = None
    target: dt.date | None = None
    training_hours: Hours | None = None
    sponsors: Count | None = None
    political_review: bool | None = None
    notice_days: Count | None = None
    admitted: dt.date | None = None
    vote: Vote | None = None
    approved: dt.date | None = None
    confirmed: dt.date | None = None


ActivityKind = Literal[
    "flag_ceremony",
    "patriotic",
    "volunteer",
    "sizheng_lesson",
    "lecture_event",
    "brand",
    "integrity_talk",
    "warning_education",
    "league",
    "pioneers",
    "other",
]


class Activity(Record):
    id: Ident
    kind: ActivityKind
    date: dt.date
    by_role: Literal["secretary", "principal", "member", "other"] | None = None
    participants: Count | None = None
    approved: dt.date | None = None
    topic: str | None = None


class Talk(Record):
    date: dt.date
    a: Ident
    b: Ident


class Appraisal(Record):
    date: dt.date
    members: Count
    assessed: Count
    excellent: Count = 0
    unqualified: Count = 0
    followups: Count = 0


class Channel(Record):
    id: Ident
    kind: Literal["website", "wechat", "broadcast", "noticeboard", "lecture_forum", "other"]
    owner: str | None = None


class MaterialReview(Record):
    id: Ident
    kind: Literal["extracurricular_books", "school_textbook", "overseas_exchange", "club", "other"]
    reviewed: bool
    date: dt.date | None = None


class Staff(Record):
    total: Count
    ethics_assessed: Count | None = None


class Cultivation(Record):
    key_teachers: Count
    key_teachers_members: Count
    activists: Count
    activists_key_teachers: Count


class Facility(Record):
    checklist: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(default_factory=list)
    budget_yuan: Amount | None = None


class Honour(Record):
    title: str
    level: Literal["county", "city", "province", "national"]
    date: dt.date


class Outcomes(Record):
    outputs: list[Literal["experience", "video", "compilation", "platform"]] = Field(default_factory=list)
    honours: list[Honour] = Field(default_factory=list)


class Incident(Record):
    id: Ident
    date: dt.date
    kind: Literal["ideology", "safety", "discipline", "ethics", "other"]
    severity: Literal["major", "minor"]
    resolved: bool


class Verdict(Record):
    indicator: Annotated[str, Field(pattern=r"^[A-Z]{2}-\d{2}$")]
    status: Literal["met", "partial", "not_met", "not_applicable"]
    note: str | None = None
    inspector: str | None = None
    date: dt.date | None = None


class Evidence(Record):
    """One school's evidence for one assessment period."""

    schema_version: Literal[1]
    period: Period
    school: School
    organization: Organization
    leadership: list[Leader] | None = None
    members: list[Member] | None = None
    meetings: list[Meeting] | None = None
    documents: list[Document] | None = None
    decisions: list[Decision] | None = None
    cadre_appointments: list[CadreAppointment] | None = None
    recruitment: list[Candidate] | None = None
    activities: list[Activity] | None = None
    talks: list[Talk] | None = None
    appraisal: Appraisal | None = None
    channels: list[Channel] | None = None
    material_reviews: list[MaterialReview] | None = None
    staff: Staff | None = None
    cultivation: Cultivation | None = None
    facility: Facility | None = None
    outcomes: Outcomes | None = None
    incidents: list[Incident] | None = None
    inspector: list[Verdict] | None = None
