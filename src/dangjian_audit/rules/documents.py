"""Check kind ``document``: required documents present, current, approved and with their clauses."""

import datetime as dt
from collections.abc import Iterator
from fractions import Fraction
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from dangjian_audit.models.evidence import Document, Evidence
from dangjian_audit.rules.base import (
    ONE,
    ZERO,
    CheckKind,
    Context,
    Finding,
    Outcome,
    Read,
    Spec,
    add_months,
    missing_section,
)


class DocumentSpec(Spec):
    kind: Literal["document"]
    kinds: list[str] = Field(min_length=1)
    clauses: list[str] = Field(default_factory=list)
    adopted_on_or_after: dt.date | None = None
    adopted_within_days: Annotated[int, Field(ge=1)] | None = None
    adopted_early_days: Annotated[int, Field(ge=0)] = 0
    max_age_years: Annotated[int, Field(ge=1)] | None = None
    approved_by_party: bool = False

    findings: ClassVar[tuple[str, ...]] = ("document_missing", "clause_missing", "document_outdated", "document_late",
                                           "document_stale", "document_unapproved", "missing_section")
    details: ClassVar[tuple[str, ...]] = ("detail_document", "detail_missing_section")

    def reads(self) -> Iterator[Read]:
        yield Read("documents", "collection")
        for name, need in (("kind", "any"), ("adopted", "date"), ("reviewed", "date"), ("clauses", "list"),
                           ("approved_by_party", "any")):
            yield Read(name, need, "documents")  # type: ignore[arg-type]


def _latest(docs: list[Document], kind: str, as_of: dt.date) -> Document | None:
    found = [d for d in docs if d.kind == kind and (d.adopted is None or d.adopted <= as_of)]
    if not found:
        return None
    return max(found, key=lambda d: (d.reviewed or d.adopted or dt.date.min, d.id))


def check_document(spec: DocumentSpec, evidence: Evidence, ctx: Context) -> Outcome:
    docs = evidence.documents
    if docs is None:
        return missing_section("documents")
    parts = 0
    good = 0
    findings: list[Finding] = []
    for kind in spec.kinds:
        doc = _latest(docs, kind, ctx.end)
        required = 1 + len(spec.clauses) + sum(
            1 for flag in (spec.adopted_on_or_after, spec.adopted_within_days, spec.max_age_years) if flag
        ) + (1 if spec.approved_by_party else 0)
        parts += required
        if doc is None:
            findings.append(Finding("document_missing", {"doc_kind": kind}))
            continue
        good += 1
        line = doc.src_line
        for clause in spec.clauses:
            if clause in doc.clauses:
                good += 1
            else:
                findings.append(Finding("clause_missing", {"doc": doc.id, "clause": clause}, line))
        if spec.adopted_on_or_after:
            if doc.adopted is not None and (doc.reviewed or doc.adopted) >= spec.adopted_on_or_after:
                good += 1
            else:
                args = {"doc": doc.id, "date": spec.adopted_on_or_after.isoformat()}
                findings.append(Finding("document_outdated", args, line))
        if spec.adopted_within_days:
            limit = ctx.start + dt.timedelta(days=spec.adopted_within_days)
            earliest = ctx.start - dt.timedelta(days=spec.adopted_early_days)
            if doc.adopted is not None and earliest <= doc.adopted <= limit:
                good += 1
            else:
                findings.append(Finding("document_late", {"doc": doc.id, "date": limit.isoformat()}, line))
        if spec.max_age_years:
            stamp = doc.reviewed or doc.adopted
            # reviewed within N years of the period's end (or the audit date if earlier)
            limit = add_months(ctx.end, -12 * spec.max_age_years)
            if stamp is not None and stamp >= limit:
                good += 1
            else:
                findings.append(Finding("document_stale", {"doc": doc.id, "years": spec.max_age_years}, line))
        if spec.approved_by_party:
            if doc.approved_by_party:
                good += 1
            else:
                findings.append(Finding("document_unapproved", {"doc": doc.id}, line))
    ratio = Fraction(good, parts) if parts else ZERO
    return Outcome(min(ratio, ONE), "detail_document", {"good": good, "total": parts}, findings)


KINDS = (CheckKind(DocumentSpec, check_document),)
