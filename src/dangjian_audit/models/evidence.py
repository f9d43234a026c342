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
import re
import unicodedata
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from dangjian_audit import limits as lim

# ---------------------------------------------------------------- text

# C0 controls but tab and newline, DEL, C1 controls, the line and paragraph separators (U+2028-2029),
# and the bidi embeddings, overrides and isolates that reorder what a reader sees (U+202A-202E, U+2066-2069)
_FORBIDDEN_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_FORBIDDEN_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _refuse_controls(pattern: re.Pattern[str]) -> Any:
    def check(value: str) -> str:
        # Every character the patterns refuse is a control, format or separator character, which
        # str.isprintable() also refuses: a printable text (most are) needs no search.
        found = None if value.isprintable() else pattern.search(value)
        if found is not None:
            raise PydanticCustomError(
                "control_character", "control or bidi character {char} at character {position}",
                {"char": f"U+{ord(found.group()):04X}", "position": found.start() + 1})
        if not value.strip():
            raise PydanticCustomError("blank_text", "blank text")
        return value
    return check


_ONE_LINE = AfterValidator(_refuse_controls(_FORBIDDEN_LINE))
_MULTILINE = AfterValidator(_refuse_controls(_FORBIDDEN_MULTILINE))

Ident = Annotated[str, Field(min_length=1, max_length=lim.MAX_ID_CHARS), _ONE_LINE]
Line = Annotated[str, Field(min_length=1, max_length=lim.MAX_LINE_CHARS), _ONE_LINE]
FreeText = Annotated[str, Field(min_length=1, max_length=lim.MAX_TEXT_CHARS), _MULTILINE]


def _school_name(value: str) -> str:
    if not 1 <= len(value.strip()) <= lim.MAX_NAME_CHARS:
        raise PydanticCustomError("name_length", "a school name has 1 to {max} characters",
                                  {"max": lim.MAX_NAME_CHARS})
    return value


SchoolName = Annotated[str, _ONE_LINE, AfterValidator(_school_name)]


# ---------------------------------------------------------------- numbers (never booleans)

People = Annotated[StrictInt, Field(ge=0, le=lim.MAX_PEOPLE)]
Count = Annotated[StrictInt, Field(ge=0, le=lim.MAX_COUNT)]
Days = Annotated[StrictInt, Field(ge=0, le=lim.MAX_DAYS)]
Amount = Annotated[StrictFloat, Field(ge=0, le=lim.MAX_YUAN, allow_inf_nan=False)]
Hours = Annotated[StrictFloat, Field(ge=0, le=lim.MAX_HOURS, allow_inf_nan=False)]
Flag = StrictBool

# ---------------------------------------------------------------- lists (a bound on the work a file can ask for)

T = TypeVar("T")
Records = Annotated[list[T], Field(max_length=lim.MAX_RECORDS)]
Roster = Annotated[list[T], Field(max_length=lim.MAX_PEOPLE)]
Items = Annotated[list[T], Field(max_length=lim.MAX_ITEMS)]

# ---------------------------------------------------------------- dates

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SLASHED = re.compile(r"^\s*(\d{4})\s*[/.]\s*(\d{1,2})\s*[/.]\s*(\d{1,2})\s*$")
_CHINESE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?\s*$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _suggest(match: re.Match[str] | None) -> str | None:
    if match is None:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return None


def _day(value: Any) -> Any:
    """Dates stay lax for YAML timestamps and quoted ISO text; spreadsheet habits get their own advice."""
    if type(value) is dt.date:
        return value  # a YAML date, the usual case
    if isinstance(value, bool):
        raise PydanticCustomError("date_type", "a date, not true/false")
    if isinstance(value, int | float):
        # Excel and WPS store days since 1899-12-30; 20000-80000 covers 1954-2119
        if isinstance(value, int) and 20_000 <= value <= 80_000:
            day = _EXCEL_EPOCH + dt.timedelta(days=value)
            raise PydanticCustomError("date_excel_serial", "looks like an Excel serial number for {date}",
                                      {"date": day.isoformat()})
        raise PydanticCustomError("date_type", "a date (YYYY-MM-DD), not a number")
    if isinstance(value, str):
        folded = unicodedata.normalize("NFKC", value).strip()
        if folded != value.strip():
            iso = _suggest(_ISO.match(folded)) or _suggest(_SLASHED.match(folded)) or _suggest(_CHINESE.match(folded))
            if iso is not None:
                raise PydanticCustomError("date_fullwidth", "full-width characters; write {date}", {"date": iso})
        iso = _suggest(_SLASHED.match(value))
        if iso is not None:
            raise PydanticCustomError("date_separator", "write {date}", {"date": iso})
        iso = _suggest(_CHINESE.match(value))
        if iso is not None:
            raise PydanticCustomError("date_chinese", "write {date}", {"date": iso})
    return value


Day = Annotated[dt.date, BeforeValidator(_day)]


class Record(BaseModel):
    """Base of every evidence mapping: strict keys, frozen, with a source line."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, populate_by_name=True)

    src_line: SkipJsonSchema[int | None] = Field(default=None, alias="__line__", exclude=True)


_DRIVE = re.compile(r"^[A-Za-z]:")


def _inside_folder(value: str) -> str:
    # relative, with forward slashes, never leaving the evidence file's folder: a pack must hold it
    parts = PurePosixPath(value).parts
    if "\\" in value or value.startswith("/") or _DRIVE.match(value) or ".." in parts or not parts:
        raise PydanticCustomError("attachment_path", "attachment path must stay inside the evidence folder")
    return value


class Attachment(Record):
    """A file (minutes, photo, scan) kept beside the evidence file and cited by one record."""

    path: Annotated[str, Field(min_length=1, max_length=255), _ONE_LINE, AfterValidator(_inside_folder)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None


class Term(Record):
    start: Day
    end: Day


class Period(Record):
    kind: Literal["school_year", "calendar_year"]
    start: Day
    end: Day
    terms: Items[Term] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        if self.end < self.start:
            raise PydanticCustomError("period_order", "period end is before its start")
        return self


class School(Record):
    code: Annotated[Ident, Field(max_length=40)]
    name: SchoolName
    type: Literal["primary", "junior", "senior", "nine_year", "complete", "twelve_year", "vocational"]
    province: Line | None = None
    city: Line | None = None
    county: Line | None = None
    staff_total: People | None = None
    students: Annotated[StrictInt, Field(ge=0, le=lim.MAX_STUDENTS)] | None = None


class CommitteeSeat(Record):
    id: Ident
    role: Literal["secretary", "deputy_secretary", "organization", "propaganda", "discipline", "member"]
    approved: Day | None = None


class PartyGroup(Record):
    id: Ident
    members: People
    formal_members: People | None = None


class Election(Record):
    date: Day
    entitled: People | None = None
    voted: People | None = None
    approved: Flag = False


class Extension(Record):
    approved: Flag
    until: Day


class Organization(Record):
    type: Literal["branch", "general_branch", "committee", "joint_branch"]
    name: Line | None = None
    formal_members: People
    probationary_members: People = 0
    established: Day | None = None
    last_election: Election | None = None
    extension: Extension | None = None
    # A joint branch (联合党支部): how many units it covers (支部工作条例: at most 5).
    joint_units: Annotated[StrictInt, Field(ge=1, le=lim.MAX_COUNT)] | None = None
    secretary_is_principal: Flag | None = None
    committee: Records[CommitteeSeat] | None = None
    party_groups: Records[PartyGroup] | None = None


class Leader(Record):
    id: Ident
    post: Literal["secretary", "principal", "deputy_secretary", "vice_principal", "discipline", "union_chair", "other"]
    party_member: Flag
    on_party_body: Flag
    # 双重组织生活: a leading cadre who is a member also takes part in the organizational life of
    # their own branch or Party group, per the sign-in sheets of the period.
    dual_life: Flag | None = None


IncomeBand = Literal[
    "salary_to_3000",
    "salary_3000_5000",
    "salary_5000_10000",
    "salary_over_10000",
    "pension_to_5000",
    "pension_over_5000",
    "student",
    "low_income",
]


class Member(Record):
    id: Ident
    status: Literal["formal", "probationary"]
    role: Literal["secretary", "deputy_secretary", "organization", "propaganda", "discipline", "member"] = "member"
    study_hours: Hours | None = None
    centralized_sessions: Count | None = None
    appointed: Day | None = None
    first_training: Day | None = None
    key_teacher: Flag | None = None
    pioneer_post: Flag | None = None
    post_pledge: Flag | None = None
    post_reviewed: Flag | None = None
    dues_unpaid_months: Annotated[StrictInt, Field(ge=0, le=lim.MAX_DUES_MONTHS)] | None = None
    dues_rate_ok: Flag | None = None
    admitted: Day | None = None
    dues_from: Day | None = None
    # Dues facts without personal data: the income band the rate follows and the rate actually paid,
    # never a salary (党费规定 2008).
    income_band: IncomeBand | None = None
    dues_rate_percent: Annotated[StrictFloat, Field(ge=0, le=100, allow_inf_nan=False)] | None = None
    dues_monthly_yuan: Amount | None = None
    # The longest run of consecutive months in the period without paying dues, and without taking
    # part in organizational life (党章 art. 9: six consecutive months is treated as leaving the Party).
    dues_unpaid_run_months: Annotated[StrictInt, Field(ge=0, le=24)] | None = None
    life_absent_run_months: Annotated[StrictInt, Field(ge=0, le=24)] | None = None


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
    "staff_meeting",
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
    eligible: People
    voted_for: People


class Delegates(Record):
    """The make-up of a staff congress (教代会): delegates, teaching staff and school leaders among them."""

    total: Annotated[StrictInt, Field(ge=1, le=lim.MAX_PEOPLE)]
    teaching: People
    leaders: People


class Meeting(Record):
    id: Ident
    kind: MeetingKind
    date: Day
    expected: People
    present: People
    place: Line | None = None
    chair: Line | None = None
    recorder: Line | None = None
    absentees_recorded: Flag | None = None
    minutes: Flag | None = None
    agenda: Items[AgendaFlag] = Field(default_factory=list)
    group: Ident | None = None
    speaker_role: Literal["secretary", "deputy_secretary", "principal", "member", "guest"] | None = None
    topic: FreeText | None = None
    vote: Vote | None = None
    attachments: Items[Attachment] = Field(default_factory=list)
    delegates: Delegates | None = None

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
    title: Line | None = None
    adopted: Day | None = None
    reviewed: Day | None = None
    approved_by_party: Flag | None = None
    clauses: Items[Ident] = Field(default_factory=list)
    attachments: Items[Attachment] = Field(default_factory=list)


class Decision(Record):
    id: Ident
    title: Line | None = None
    major: Flag = False
    category: Literal["major_matter", "appointment", "project", "large_sum", "personnel", "other"] = "other"
    amount_yuan: Amount | None = None
    method: Literal["meeting", "circulation", "countersign", "individual"] = "meeting"
    meeting: Ident | None = None
    proposal_meeting: Ident | None = None
    communicated: Day | None = None
    deliberated: Day | None = None
    implementation_plan: Day | None = None
    owner: Line | None = None
    deadline: Day | None = None
    status: Literal["open", "done"] = "open"
    feedback: Flag | None = None
    political_review: Flag | None = None
    attachments: Items[Attachment] = Field(default_factory=list)


class CadreAppointment(Record):
    id: Ident
    nominated: Day | None = None
    assessed: Day | None = None
    meeting: Ident | None = None
    notice_start: Day | None = None
    notice_days: Days | None = None


class Candidate(Record):
    id: Ident
    age_at_application: Annotated[StrictInt, Field(ge=0, le=lim.MAX_AGE)] | None = None
    applied: Day | None = None
    talked: Day | None = None
    activist: Day | None = None
    mentors: Count | None = None
    reviews: Count | None = None
    target: Day | None = None
    training_hours: Hours | None = None
    sponsors: Count | None = None
    political_review: Flag | None = None
    notice_days: Days | None = None
    admitted: Day | None = None
    vote: Vote | None = None
    approved: Day | None = None
    confirmed: Day | None = None
    # 推优: recommended by the Communist Youth League (candidates aged 28 or under).
    league_recommended: Flag | None = None
    political_review_date: Day | None = None
    thought_reports: Count | None = None
    # Probation extended by this many months (党章: at least 6, at most 12).
    extension_months: Annotated[StrictInt, Field(ge=1, le=24)] | None = None


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
    date: Day
    by_role: Literal["secretary", "principal", "member", "other"] | None = None
    participants: Annotated[StrictInt, Field(ge=0, le=lim.MAX_STUDENTS)] | None = None  # students too
    approved: Day | None = None
    topic: FreeText | None = None
    attachments: Items[Attachment] = Field(default_factory=list)


class Talk(Record):
    date: Day
    a: Ident
    b: Ident


class Appraisal(Record):
    date: Day
    members: People
    assessed: People
    excellent: People = 0
    unqualified: People = 0
    followups: People = 0


class Channel(Record):
    id: Ident
    kind: Literal["website", "wechat", "broadcast", "noticeboard", "lecture_forum", "other"]
    owner: Line | None = None


class MaterialReview(Record):
    id: Ident
    kind: Literal["extracurricular_books", "school_textbook", "overseas_exchange", "club", "other"]
    reviewed: Flag
    date: Day | None = None


class Staff(Record):
    total: People
    ethics_assessed: People | None = None


class Cultivation(Record):
    key_teachers: People
    key_teachers_members: People
    activists: People
    activists_key_teachers: People


class Facility(Record):
    checklist: Items[Ident] = Field(default_factory=list)
    budget_yuan: Amount | None = None


class DuesPayment(Record):
    """A one-off voluntary dues payment (党费规定 art. 11: 1,000 yuan or more is handed up in full)."""

    id: Ident
    date: Day
    amount_yuan: Amount
    handed_up: Flag


class Honour(Record):
    title: Line
    level: Literal["county", "city", "province", "national"]
    date: Day


class Outcomes(Record):
    outputs: Items[Literal["experience", "video", "compilation", "platform"]] = Field(default_factory=list)
    honours: Items[Honour] = Field(default_factory=list)


class Incident(Record):
    id: Ident
    date: Day
    kind: Literal["ideology", "safety", "discipline", "ethics", "other"]
    severity: Literal["major", "minor"]
    resolved: Flag


class Verdict(Record):
    indicator: Annotated[str, Field(pattern=r"^[A-Z]{2}-\d{2}$")]
    status: Literal["met", "partial", "not_met", "not_applicable"]
    note: FreeText | None = None
    inspector: Line | None = None
    date: Day | None = None


class Evidence(Record):
    """One school's evidence for one assessment period."""

    schema_version: Literal[1]
    period: Period
    school: School
    organization: Organization
    leadership: Records[Leader] | None = None
    members: Roster[Member] | None = None
    meetings: Records[Meeting] | None = None
    documents: Records[Document] | None = None
    decisions: Records[Decision] | None = None
    cadre_appointments: Records[CadreAppointment] | None = None
    recruitment: Records[Candidate] | None = None
    activities: Records[Activity] | None = None
    talks: Records[Talk] | None = None
    appraisal: Appraisal | None = None
    channels: Records[Channel] | None = None
    material_reviews: Records[MaterialReview] | None = None
    staff: Staff | None = None
    cultivation: Cultivation | None = None
    facility: Facility | None = None
    outcomes: Outcomes | None = None
    incidents: Records[Incident] | None = None
    dues_payments: Records[DuesPayment] | None = None
    inspector: Records[Verdict] | None = None
