"""What every check kind shares as data: the parameter model's base, the evidence paths a check
reads, and the outcome it returns with its findings.

Check kinds (``dangjian_audit.rules``) subclass :class:`Spec`; the loader validates each catalog
entry against the union of those subclasses (discriminated on ``kind``) and checks every
:class:`Read` against the evidence model, so a misspelt path fails when the catalog loads.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from dangjian_audit.models.catalog import Text

ONE = Fraction(1)
ZERO = Fraction(0)

# "collection": a list of records; "list": any list (of codes, say).
Need = Literal["any", "number", "date", "collection", "list"]


@dataclass(frozen=True, slots=True)
class Read:
    """One evidence path a check reads: from the evidence root, or from the items of ``within``."""

    path: str
    need: Need = "any"
    within: str | None = None


class Spec(BaseModel):
    """Base of every check kind's parameter model (``kind`` is each subclass's literal)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    kind: str
    weight: Annotated[int, Field(ge=1)] = 1
    # Not applicable where one person is both secretary and principal (一肩挑): the requirement
    # on the second role is met by the first.
    skip_if_one_person: bool = False

    # Keys in the ``findings`` and ``details`` message tables this kind may produce (a test
    # checks that each exists in both languages).
    findings: ClassVar[tuple[str, ...]] = ()
    details: ClassVar[tuple[str, ...]] = ()

    def reads(self) -> Iterator[Read]:
        """The evidence paths this check reads (checked against the evidence model at load time)."""
        return iter(())


# Arguments of findings and details that hold a code with a label in the message tables:
# argument -> (table section, key prefix). Reports add ``<argument>_label`` for each.
LABELLED_ARGS: dict[str, tuple[str, str]] = {
    "section": ("labels", ""),
    "doc_kind": ("labels", ""),
    "unit": ("labels", ""),
    "type": ("labels", ""),
    "expected": ("labels", ""),
    # roles share names with sections ("organization"), so their labels are prefixed
    "role": ("labels", "role."),
    "status": ("status", ""),
    "flag": ("ui", ""),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One observation: a code with arguments and an evidence line.

    Its text is the ``findings`` message ``message`` (default: the code); a catalog ``text``,
    when given, fills that message's ``{text}``.
    """

    key: str
    args: dict[str, Any] = field(default_factory=dict)
    line: int | None = None
    text: Text | None = None
    message: str | None = None
    # A warning is shown but costs nothing: the guide calls it a reminder, not a shortfall.
    warning: bool = False


@dataclass(slots=True)
class Outcome:
    """A sub-check's result: the share of the requirement met, with its findings."""

    ratio: Fraction
    detail_key: str
    detail_args: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    applicable: bool = True
    insufficient: bool = False
    veto: bool = False
    awaiting: bool = False
    verdict: str | None = None
