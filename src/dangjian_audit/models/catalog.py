"""The catalog: dimensions, indicators, scoring lines and local-practice settings.

Every word shown to users comes from these models (``Text`` holds Chinese and
English). Check parameters are validated per kind by the models in
:mod:`dangjian_audit.rules`, so a bad catalog entry fails at load time.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator
from pydantic_core import PydanticCustomError


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Text(Model):
    zh: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class Basis(Model):
    document: Text
    clause: Text | None = None
    source: Literal["national", "document", "local"]
    note: Text | None = None


class Indicator(Model):
    id: Annotated[str, Field(pattern=r"^[A-Z]{2}-\d{2}$")]
    aliases: list[str] = Field(default_factory=list)
    title: Text
    asks: Text
    points: Annotated[Decimal, Field(gt=0, max_digits=5, decimal_places=2)]
    evidence: list[str]
    veto: bool = False
    basis: list[Basis] = Field(min_length=1)
    params: dict[str, Any] = Field(default_factory=dict)
    check: dict[str, Any]
    remediation: Text
    # rectification planning: the role that owns closing the gap, how much work it is, and an
    # optional lead time overriding the effort's (None: the catalog's planning defaults)
    owner: Annotated[str, Field(pattern=r"^[a-z_]+$")] | None = None
    effort: Literal["low", "medium", "high"] | None = None
    lead_days: Annotated[int, Field(ge=1, le=366)] | None = None
    # filled in by the loader, not written in the catalog
    dimension: str = ""
    line: int = 0
    source_file: str = ""


class Dimension(Model):
    id: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    name: Text
    points: Annotated[Decimal, Field(gt=0)]
    file: str


class Effort(Model):
    id: Literal["low", "medium", "high"]
    name: Text
    # the planner's cost of closing one gap of this effort (least total weight wins a tie)
    weight: Annotated[int, Field(ge=1, le=100)]
    lead_days: Annotated[int, Field(ge=1, le=366)]


class Owner(Model):
    id: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    name: Text


def _default_efforts() -> list[Effort]:
    names = {"low": ("低", "Low"), "medium": ("中", "Medium"), "high": ("高", "High")}
    return [Effort(id=key, name=Text(zh=names[key][0], en=names[key][1]), weight=w, lead_days=d)
            for key, w, d in (("low", 1, 14), ("medium", 2, 30), ("high", 3, 60))]


def _default_owners() -> list[Owner]:
    return [Owner(id="secretary", name=Text(zh="党组织书记", en="Party secretary"))]


class Planning(Model):
    """Rectification planning data: effort levels with their weights and lead times, and owner roles."""

    default_owner: str = "secretary"
    default_effort: Literal["low", "medium", "high"] = "medium"
    efforts: list[Effort] = Field(default_factory=_default_efforts)
    owners: list[Owner] = Field(default_factory=_default_owners, min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> "Planning":
        if sorted(e.id for e in self.efforts) != ["high", "low", "medium"]:
            raise PydanticCustomError("efforts_incomplete", "efforts must list low, medium and high once each")
        if self.default_owner not in {o.id for o in self.owners}:
            raise PydanticCustomError("unknown_owner", "default_owner is not one of the owners")
        return self

    def effort(self, ind: Indicator) -> Effort:
        key = ind.effort or self.default_effort
        return next(e for e in self.efforts if e.id == key)

    def owner(self, ind: Indicator) -> Owner:
        key = ind.owner or self.default_owner
        return next(o for o in self.owners if o.id == key)

    def lead_days(self, ind: Indicator) -> int:
        return ind.lead_days if ind.lead_days is not None else self.effort(ind).lead_days


class Grade(Model):
    id: Literal["excellent", "good", "qualified", "unqualified"]
    name: Text
    min: Annotated[Decimal, Field(ge=0, le=100)]


class Level(Model):
    id: Literal["county", "city", "province"]
    name: Text
    min: Annotated[Decimal, Field(ge=0, le=100)]
    require_met: list[str] = Field(default_factory=list)


class Scoring(Model):
    grades: list[Grade] = Field(min_length=1)
    levels: list[Level] = Field(min_length=1)
    veto_cap: Annotated[Decimal, Field(ge=0, le=100)]
    gate_grade: Literal["excellent", "good", "qualified", "unqualified"] = "qualified"

    def grades_descending(self) -> list[Grade]:
        """Highest line first: the first grade whose line a total reaches is its grade."""
        return sorted(self.grades, key=lambda g: g.min, reverse=True)

    def levels_descending(self) -> list[Level]:
        return sorted(self.levels, key=lambda lv: lv.min, reverse=True)

    def levels_ascending(self) -> list[Level]:
        return sorted(self.levels, key=lambda lv: lv.min)

    @model_validator(mode="after")
    def _lines(self) -> "Scoring":
        # every total must get a grade, and a higher grade or level needs a higher line
        if min(g.min for g in self.grades) != 0:
            raise PydanticCustomError("grades_no_floor", "one grade must start at 0")
        for items, order in ((self.grades, GRADE_ORDER), (self.levels, LEVEL_ORDER)):
            lines = [next(i.min for i in items if i.id == key) for key in order if any(i.id == key for i in items)]
            if lines != sorted(lines, reverse=True):
                raise PydanticCustomError("lines_out_of_order", "lines out of order")
        return self


GRADE_ORDER = ("excellent", "good", "qualified", "unqualified")
LEVEL_ORDER = ("province", "city", "county")


class CatalogHeader(Model):
    id: str
    version: str
    effective: dt.date
    title: Text
    note: Text
    period_kinds: list[Literal["school_year", "calendar_year"]] = Field(min_length=1)
    settings: dict[str, Any] = Field(default_factory=dict)
    scoring: Scoring
    planning: Planning = Field(default_factory=Planning)
    dimensions: list[Dimension] = Field(min_length=1)


class Catalog(Model):
    header: CatalogHeader
    indicators: list[Indicator]
    directory: str = ""

    @property
    def id(self) -> str:
        return self.header.id

    @property
    def version(self) -> str:
        return self.header.version

    def by_id(self) -> dict[str, Indicator]:
        return {ind.id: ind for ind in self.indicators}


Line = Annotated[Decimal, Field(ge=0, le=100)]


class ProfileScoring(Model):
    grades: dict[Literal["excellent", "good", "qualified", "unqualified"], Line] = Field(default_factory=dict)
    levels: dict[Literal["county", "city", "province"], Line] = Field(default_factory=dict)
    veto_cap: Line | None = None


class Profile(Model):
    """A county's overrides: settings, per-indicator parameters, grade and level lines."""

    name: str | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    params: dict[Annotated[str, Field(pattern=r"^[A-Z]{2}-\d{2}$")], dict[str, Any]] = Field(default_factory=dict)
    scoring: ProfileScoring = Field(default_factory=ProfileScoring)
    # where it came from, for diagnostics about its contents (set by the loader)
    _display: str = PrivateAttr("profile")
    _text: str = PrivateAttr("")
